384 SHA256:GNac0nQmKZZcP7cKOp1S+fohqBqH1qI3eBmeEkqxyVo ecdsa384@rampart-test (ECDSA)

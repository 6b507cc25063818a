256 SHA256:70ynj6D2xiTgd6So2wNFEMZ5YmYkksMHzjcYbE99SiQ ecdsa256@rampart-test (ECDSA)

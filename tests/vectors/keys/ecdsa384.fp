384 SHA256:oMp2ljH4a60XBdSOTKrtOw1B4tbhE0sAyR+npsLtybk ecdsa384@rampart-test (ECDSA)

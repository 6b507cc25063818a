#!/bin/sh
# tests/vectors/keys/private/make.sh: private key files (test keys, not
# secrets) for tests/unit/test_keyfile_types.c. See SOURCE.md.
#
# Regenerate with `sh tests/vectors/keys/private/make.sh` (Debian's
# openssh-client and openssl). Keys are new each time; the tests compare
# each private key with the NAME.pub next to it, which is made here too.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
rm -f ./*.pub ./*.key ./*.pem ./*.pkcs8

# ssh NAME FORMAT ssh-keygen-options...: ssh-keygen writes NAME and NAME.pub.
ssh() {
	name=$1
	format=$2
	shift 2
	ssh-keygen -q "$@" -m "$format" -N '' -C "$name@rampart-test" -f "$name"
}

# OpenSSH's own format (PROTOCOL.key).
ssh ecdsa256.key RFC4716 -t ecdsa -b 256
ssh ecdsa384.key RFC4716 -t ecdsa -b 384
ssh ecdsa521.key RFC4716 -t ecdsa -b 521
ssh rsa2048.key RFC4716 -t rsa -b 2048
ssh rsa1024.key RFC4716 -t rsa -b 1024
# PEM: "BEGIN EC PRIVATE KEY" (SEC1) and "BEGIN RSA PRIVATE KEY" (PKCS#1).
ssh ecdsa256.pem PEM -t ecdsa -b 256
ssh ecdsa521.pem PEM -t ecdsa -b 521
ssh rsa2048.pem PEM -t rsa -b 2048
ssh rsa1024.pem PEM -t rsa -b 1024
# PKCS#8: "BEGIN PRIVATE KEY".
ssh ecdsa384.pkcs8 PKCS8 -t ecdsa -b 384
ssh rsa3072.pkcs8 PKCS8 -t rsa -b 3072

# openssl: an EC key with its curve's parameters block in front, Ed25519 and
# P-224 in PKCS#8. ssh-keygen -y gives the public half where it can read the
# key; OpenSSH 9.2 reads no PKCS#8 Ed25519, so that one's comes from Python.
openssl ecparam -name secp384r1 -genkey -out ecdsa384-params.pem 2>/dev/null
ssh-keygen -y -f ecdsa384-params.pem > ecdsa384-params.pem.pub
openssl genpkey -algorithm ed25519 -out ed25519.pkcs8
/usr/bin/python3 - <<'PY' > ed25519.pkcs8.pub
from cryptography.hazmat.primitives import serialization as s
key = s.load_pem_private_key(open("ed25519.pkcs8", "rb").read(), None)
print(key.public_key().public_bytes(s.Encoding.OpenSSH, s.PublicFormat.OpenSSH).decode())
PY
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-224 -out p224.pkcs8 2>/dev/null

# Encrypted, with the passphrase "rampart": refused, saying so.
ssh-keygen -q -t rsa -b 2048 -m PEM -N rampart -C enc -f rsa2048-encrypted.pem
ssh-keygen -q -t ecdsa -b 256 -m PKCS8 -N rampart -C enc -f ecdsa256-encrypted.pkcs8
rm -f ./*-encrypted.*.pub ./*-encrypted.pem.pub ./*-encrypted.pkcs8.pub

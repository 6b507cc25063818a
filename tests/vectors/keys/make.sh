#!/bin/sh
# tests/vectors/keys/make.sh: fixtures for tests/unit/test_keys_ecdsa_rsa.c.
#
#   NAME.pub  a public key line made by Debian's ssh-keygen (openssh-client)
#   NAME.fp   what `ssh-keygen -l -f NAME.pub` prints for it
#   ecdsa256.key, rsa2048.key  two of the private keys (test keys, not
#             secrets), which tests/unit/test_keyfile_types.c loads and
#             compares with ecdsa256.pub and rsa2048.pub
#   signatures.txt  keys and signatures from pyca/cryptography
#                   (gen_signatures.py)
#
# Regenerate with `sh tests/vectors/keys/make.sh`. Keys are new each time;
# the tests read everything they compare from these files. The other
# private keys live only in a temporary directory. The private key files in
# private/ have their own make.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gen() { # gen NAME ssh-keygen-options...
	name=$1
	shift
	ssh-keygen -q "$@" -N '' -C "$name@rampart-test" -f "$tmp/$name"
	cp "$tmp/$name.pub" "$name.pub"
	ssh-keygen -l -f "$name.pub" > "$name.fp"
}

rm -f ./*.pub ./*.fp ./*.key
gen ed25519 -t ed25519
gen ecdsa256 -t ecdsa -b 256
gen ecdsa384 -t ecdsa -b 384
gen ecdsa521 -t ecdsa -b 521
gen rsa2048 -t rsa -b 2048
gen rsa3072 -t rsa -b 3072
gen rsa4096 -t rsa -b 4096
gen rsa1024 -t rsa -b 1024
cp "$tmp/ecdsa256" ecdsa256.key
cp "$tmp/rsa2048" rsa2048.key
/usr/bin/python3 gen_signatures.py > signatures.txt

#!/bin/sh
# tests/vectors/certs/make.sh: the OpenSSH certificates and KRLs that
# tests/unit/test_cert.c and tests/unit/test_krl.c read, made with Debian's
# ssh-keygen (openssh-client). The private keys live only in a temporary
# directory; the public keys, certificates and KRLs are committed.
#
# Regenerate (the tests compare against the values set below, so keep them
# in step with the tables in test_cert.c and test_krl.c):
#
#     sh tests/vectors/certs/make.sh
#
# Every certificate is new each time (fresh keys, nonces and signatures);
# serials, key ids, principals, validity and options stay the same.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Key types, in the order of the tests' tables.
types="ed25519 ecdsa256 ecdsa384 ecdsa521 rsa"

gen() { # gen NAME TYPE: a key pair in $tmp, its public half here
	case $2 in
	ed25519) set -- "$1" -t ed25519 ;;
	ecdsa256) set -- "$1" -t ecdsa -b 256 ;;
	ecdsa384) set -- "$1" -t ecdsa -b 384 ;;
	ecdsa521) set -- "$1" -t ecdsa -b 521 ;;
	rsa) set -- "$1" -t rsa -b 3072 ;;
	esac
	name=$1
	shift
	ssh-keygen -q "$@" -N '' -C "$name" -f "$tmp/$name"
	cp "$tmp/$name.pub" "$name.pub"
}

# sign CA KEY OUT ssh-keygen-options...: certify KEY with CA into OUT-cert.pub
sign() {
	ca=$1 key=$2 out=$3
	shift 3
	cp "$tmp/$key.pub" "$tmp/$out.pub"
	ssh-keygen -q -s "$tmp/$ca" "$@" "$tmp/$out.pub"
	cp "$tmp/$out-cert.pub" "$out-cert.pub"
}

rm -f ./*.pub ./*.krl ./*.spec
window=20240101000000Z:20340101000000Z

for t in $types; do
	gen "ca_$t" "$t"
	gen "key_$t" "$t"
done

# User certificates: every key type under every CA type. Serial 100 + 10 *
# (key index) + (CA index), key id user-KEY-by-CA, principals alice,bob.
i=0
for k in $types; do
	j=0
	for c in $types; do
		sign "ca_$c" "key_$k" "user_${k}_by_$c" -I "user-$k-by-$c" -n alice,bob \
		    -V "$window" -z $((100 + 10 * i + j))
		j=$((j + 1))
	done
	i=$((i + 1))
done

# Host certificates: each key type under the next CA type in the list.
# Serial 200 + key index, key id host-KEY, principals host.example.com and
# db01.example.com.
set -- $types
i=0
for k in $types; do
	c=$(echo $types $types | cut -d' ' -f$((i + 2)))
	sign "ca_$c" "key_$k" "host_$k" -h -I "host-$k" \
	    -n host.example.com,db01.example.com -V "$window" -z $((200 + i))
	i=$((i + 1))
done

# Options: force-command and source-address (critical), a custom extension
# next to the default ones; no-pty, valid for one hour (long past); no
# principals, always valid, serial 0.
sign ca_ed25519 key_ecdsa256 opts -I "opts" -n carol -V "$window" -z 300 \
    -O force-command="/usr/bin/rsync --server --sender -vlogDtpre.iLsfxC . /srv" \
    -O source-address=10.0.0.0/8,192.168.1.7 -O extension:login@example.com=carol
sign ca_rsa key_ed25519 nopty -I "nopty" -n dave -V 20250601120000Z:20250601130000Z \
    -z 301 -O no-pty
sign ca_ecdsa384 key_rsa forever -I "forever" -V always:forever
# RSA CA signatures other than ssh-keygen's default rsa-sha2-512.
sign ca_rsa key_ed25519 sig_rsa256 -I "sig-rsa256" -n erin -V "$window" -z 302 \
    -t rsa-sha2-256
sign ca_rsa key_ed25519 sig_sha1 -I "sig-sha1" -n erin -V "$window" -z 303 -t ssh-rsa

# --- KRLs ----------------------------------------------------------------
# Certificates the KRLs are checked against: under ca_ed25519 unless named.
gen krl_key "ed25519"
krl_cert() { # krl_cert NAME CA SERIAL KEYID
	sign "$2" krl_key "$1" -I "$4" -n alice -V "$window" -z "$3"
}
krl_cert krl_serial5 ca_ed25519 5 plain-id
krl_cert krl_serial6 ca_ed25519 6 plain-id
krl_cert krl_serial99999 ca_ed25519 99999 plain-id
krl_cert krl_serial100000 ca_ed25519 100000 plain-id
krl_cert krl_serial200000 ca_ed25519 200000 plain-id
krl_cert krl_serial200001 ca_ed25519 200001 plain-id
krl_cert krl_serial1004 ca_ed25519 1004 plain-id
krl_cert krl_serial1005 ca_ed25519 1005 plain-id
krl_cert krl_keyid ca_ed25519 7 revoked-id
krl_cert krl_other_ca_serial5 ca_ecdsa256 5 plain-id
krl_cert krl_other_ca_keyid ca_ecdsa256 8 revoked-id
krl_cert krl_any_ca_keyid ca_rsa 9 anyone-revoked

# Serials and a key id under ca_ed25519. ssh-keygen picks the smallest
# form for each run of serials: 5 alone is a list, 100000-200000 a range,
# and every even serial from 1000 to 1030 a bitmap.
{
	echo "serial: 5"
	echo "serial: 100000-200000"
	s=1000
	while [ $s -le 1030 ]; do
		echo "serial: $s"
		s=$((s + 2))
	done
	echo "id: revoked-id"
} > certs.spec
ssh-keygen -q -k -f certs.krl -s ca_ed25519.pub -z 1 certs.spec

# Plain keys: whole key, SHA-256 fingerprint (hash:), SHA-1 (sha1:) and
# SHA-256 of a key (sha256:). ssh-keygen 9.2 writes no section for "any
# CA" (an "id:" line needs -s): test_krl.c builds that one itself, for
# krl_any_ca_keyid-cert.pub.
{
	echo "key: $(cat key_ed25519.pub)"
	echo "hash: $(ssh-keygen -l -E sha256 -f key_ecdsa256.pub | cut -d' ' -f2)"
	echo "sha1: $(cat key_rsa.pub)"
	echo "sha256: $(cat key_ecdsa521.pub)"
} > keys.spec
ssh-keygen -q -k -f keys.krl -z 2 keys.spec
# A plain key listed without a specification: revoked by its whole blob.
ssh-keygen -q -k -f plain.krl -z 3 key_ecdsa384.pub

rm -f ./*.spec

#!/bin/sh
# tests/policy/certs/make.sh: the CA keys, user certificates and KRL that
# tests/unit/test_policy_certs.c reads, made with Debian's ssh-keygen
# (openssh-client). Private keys live only in a temporary directory; the
# public keys, certificates and the KRL are committed.
#
#     sh tests/policy/certs/make.sh
#
# Keys and signatures are new each time; what the tests look at (serials,
# key ids, principals, validity, options) stays the same. Every certificate
# is valid from 2024-01-01 to 2034-01-01 (UTC) unless said otherwise; the
# tests pass the time they decide at.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
window=20240101000000Z:20340101000000Z

gen() { # gen NAME [ssh-keygen key options]: a key pair in $tmp, its public half here
	name=$1
	shift
	ssh-keygen -q -t ed25519 "$@" -N '' -C "$name" -f "$tmp/$name"
	cp "$tmp/$name.pub" "$name.pub"
}

# cert NAME CA KEY SERIAL KEYID [ssh-keygen signing options]: certify KEY
# with CA into NAME-cert.pub.
cert() {
	name=$1 ca=$2 key=$3 serial=$4 id=$5
	shift 5
	cp "$tmp/$key.pub" "$tmp/$name.pub"
	ssh-keygen -q -s "$tmp/$ca" -I "$id" -z "$serial" "$@" "$tmp/$name.pub"
	cp "$tmp/$name-cert.pub" "$name-cert.pub"
}

rm -f ./*.pub ./*.krl

gen ca             # the user CA the test policies trust
gen ca_other       # a CA nobody trusts
gen ca_revoked     # trusted, but its key is in the KRL
gen ca_rsa -t rsa -b 3072  # an RSA CA, for SHA-1 and SHA-2 signatures
gen user           # the user's key
gen user_revoked   # a user key that is in the KRL

cert alice ca user 1 alice-ok -n alice -V "$window"
cert multi ca user 2 multi -n bob,alice,ops -V "$window"
cert host ca user 3 host -h -n alice -V "$window"
cert other_ca ca_other user 4 other-ca -n alice -V "$window"
cert bob ca user 5 bob-only -n bob -V "$window"
cert source ca user 6 source -n alice -V "$window" \
    -O source-address=10.0.0.0/8,2001:db8::/32
cert command ca user 7 command -n alice -V "$window" -O force-command=uptime
cert critical ca user 8 critical -n alice -V "$window" -O critical:unknown@example.com=x
cert noext ca user 9 noext -n alice -V "$window" -O clear
cert nopty ca user 10 nopty -n alice -V "$window" -O no-pty
cert revoked_serial ca user 11 serial-11 -n alice -V "$window"
cert revoked_id ca user 12 revoked-id -n alice -V "$window"
cert revoked_key ca user_revoked 13 revoked-key -n alice -V "$window"
cert revoked_ca ca_revoked user 14 revoked-ca -n alice -V "$window"
cert sha1 ca_rsa user 15 sha1 -n alice -V "$window" -t ssh-rsa
cert rsa256 ca_rsa user 16 rsa256 -n alice -V "$window" -t rsa-sha2-256
cert noprincipals ca user 17 noprincipals -V "$window"
cert command_pty ca user 18 command-pty -n alice -V "$window" -O clear -O permit-pty \
    -O force-command="/usr/bin/rsync --server ."
# A key id with a tab, a backslash and UTF-8: escaped for the audit log.
cert weird_id ca user 19 "$(printf 'tab\there\\back \303\251')" -n alice -V "$window"

# The KRL: serial 11 and key id revoked-id under ca; the keys of
# user_revoked and of ca_revoked, whole.
printf 'serial: 11\nid: revoked-id\n' > "$tmp/certs.spec"
ssh-keygen -q -k -f revoked.krl -z 1 user_revoked.pub ca_revoked.pub
ssh-keygen -q -k -u -f revoked.krl -s ca.pub -z 2 "$tmp/certs.spec"

/*
 * crypto/x25519.c: X25519 (RFC 7748) through BoringSSL.
 */
#include "crypto/x25519.h"

#include <openssl/curve25519.h>
#include <openssl/mem.h>

void
rp_x25519_keypair(uint8_t pub[RP_X25519_LEN], uint8_t priv[RP_X25519_LEN])
{
	X25519_keypair(pub, priv);
}

int
rp_x25519_shared(uint8_t shared[RP_X25519_LEN], const uint8_t priv[RP_X25519_LEN],
    const uint8_t peer[RP_X25519_LEN])
{
	/* BoringSSL's X25519 returns 0 for the all-zero output (a small-order
	 * peer point); RFC 8731 section 3 requires aborting then. */
	if (!X25519(shared, priv, peer)) {
		OPENSSL_cleanse(shared, RP_X25519_LEN);
		return 0;
	}
	return 1;
}

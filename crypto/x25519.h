/*
 * crypto/x25519.h: X25519 Diffie-Hellman (RFC 7748) for curve25519-sha256
 * key exchange (RFC 8731).
 */
#ifndef RAMPART_CRYPTO_X25519_H
#define RAMPART_CRYPTO_X25519_H

#include <stdint.h>

#define RP_X25519_LEN 32

/* A fresh ephemeral key pair. */
void rp_x25519_keypair(uint8_t pub[RP_X25519_LEN], uint8_t priv[RP_X25519_LEN]);
/* shared = X25519(priv, peer). Returns 0 (and zeroes `shared`) when the
 * result is all zeros, which RFC 8731 section 3 says must abort the kex. */
int rp_x25519_shared(uint8_t shared[RP_X25519_LEN], const uint8_t priv[RP_X25519_LEN],
    const uint8_t peer[RP_X25519_LEN]);

#endif

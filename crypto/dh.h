/*
 * crypto/dh.h: finite-field Diffie-Hellman in the RFC 3526 MODP groups 14,
 * 16 and 18, for the diffie-hellman-group*-sha* key exchange methods
 * (RFC 4253 8, RFC 8268).
 */
#ifndef RAMPART_CRYPTO_DH_H
#define RAMPART_CRYPTO_DH_H

#include <stddef.h>
#include <stdint.h>

enum rp_dh_group {
	RP_DH_GROUP14, /* 2048-bit MODP */
	RP_DH_GROUP16, /* 4096-bit MODP */
	RP_DH_GROUP18, /* 8192-bit MODP */
};

/* Size of the group's prime in bytes: every value below is that long,
 * big-endian, zero-padded on the left. */
size_t rp_dh_group_bytes(enum rp_dh_group group);
/* The group's prime p into out (for tests). 0 on failure. */
int rp_dh_group_prime(enum rp_dh_group group, uint8_t *out);
/* The server's side: a fresh private exponent, our public value f = g^y
 * mod p and the shared secret K = e^y mod p, from the client's e. 0 (K
 * wiped) when e is not in (1, p-1) (RFC 4253 8). */
int rp_dh_respond(enum rp_dh_group group, const uint8_t *e, uint8_t *f, uint8_t *k);

#endif

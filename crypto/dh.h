/*
 * crypto/dh.h: finite-field Diffie-Hellman in the RFC 3526 MODP groups 14,
 * 16 and 18, for the diffie-hellman-group*-sha* key exchange methods
 * (RFC 4253 8, RFC 8268), and in any safe-prime group a moduli file names,
 * for diffie-hellman-group-exchange-sha256 (RFC 4419, RFC 8270).
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

/* Group exchange primes: from 2048 bits (RFC 8270) to 8192 (what every
 * client accepts). */
#define RP_DH_GEX_MIN_BITS 2048
#define RP_DH_GEX_MAX_BITS 8192
#define RP_DH_MAX_BYTES (RP_DH_GEX_MAX_BITS / 8)

/* The same for a group given by its prime p (p_len bytes, big-endian, the
 * first byte non-zero, from RP_DH_GEX_MIN_BITS to RP_DH_GEX_MAX_BITS bits)
 * and generator g (g_len bytes, 1 < g < p-1): e, f and K are p_len bytes.
 * The prime is trusted (it comes from the administrator's moduli file, not
 * from the peer). */
int rp_dh_respond_group(const uint8_t *p, size_t p_len, const uint8_t *g, size_t g_len,
    const uint8_t *e, uint8_t *f, uint8_t *k);

#endif

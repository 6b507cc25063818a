/*
 * crypto/hash.h: the hash functions of key exchange (RFC 4253 sections 7.2
 * and 8, RFC 8731): exchange hash and key derivation. One-shot, because every
 * hash input rampart has is built whole with CBB first.
 */
#ifndef RAMPART_CRYPTO_HASH_H
#define RAMPART_CRYPTO_HASH_H

#include <stddef.h>
#include <stdint.h>

enum rp_hash_alg {
	RP_HASH_SHA256,
	RP_HASH_SHA512,
	RP_HASH_SHA384, /* ecdh-sha2-nistp384 */
};

#define RP_HASH_MAX_LEN 64

/* Output size in bytes: 32, 48 or 64. */
size_t rp_hash_len(enum rp_hash_alg alg);
/* out must hold rp_hash_len(alg) bytes. */
void rp_hash(enum rp_hash_alg alg, const uint8_t *data, size_t len, uint8_t *out);

#endif

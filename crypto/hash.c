/*
 * crypto/hash.c: one-shot SHA-256, SHA-384 and SHA-512 for key exchange.
 */
#include "crypto/hash.h"

#include <stdlib.h>

#include <openssl/sha.h>

size_t
rp_hash_len(enum rp_hash_alg alg)
{
	switch (alg) {
	case RP_HASH_SHA256:
		return SHA256_DIGEST_LENGTH;
	case RP_HASH_SHA384:
		return SHA384_DIGEST_LENGTH;
	case RP_HASH_SHA512:
		return SHA512_DIGEST_LENGTH;
	}
	abort();
}

void
rp_hash(enum rp_hash_alg alg, const uint8_t *data, size_t len, uint8_t *out)
{
	switch (alg) {
	case RP_HASH_SHA256:
		SHA256(data, len, out);
		return;
	case RP_HASH_SHA384:
		SHA384(data, len, out);
		return;
	case RP_HASH_SHA512:
		SHA512(data, len, out);
		return;
	}
	abort();
}

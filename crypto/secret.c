/*
 * crypto/secret.c: wiping, constant-time comparison and randomness, all on
 * BoringSSL.
 */
#include "crypto/secret.h"

#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/mem.h>
#include <openssl/rand.h>

void
rp_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}

int
rp_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
rp_random_bytes(void *out, size_t n)
{
	if (!RAND_bytes(out, n))
		abort(); /* No randomness: nothing safe to do but stop. */
}

unsigned int
rp_random_u32(void)
{
	unsigned int v;

	rp_random_bytes(&v, sizeof(v));
	return v;
}

void
rp_crypto_prepare_sandbox(void)
{
	CRYPTO_pre_sandbox_init();
}

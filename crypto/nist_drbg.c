/*
 * crypto/nist_drbg.c: NIST's KAT random generator (AES-256 CTR_DRBG without
 * derivation function, SP 800-90A section 10.2.1), for known-answer tests
 * only; see crypto/nist_drbg.h. Written from SP 800-90A: Update is
 * section 10.2.1.2, Instantiate 10.2.1.3.1, Generate 10.2.1.5.1, with the
 * NIST PQC rng.c choices (no personalization, no additional input, V
 * incremented as a whole 128-bit big-endian number).
 *
 * BoringSSL's CTR_DRBG_* is not used: it increments only the low 32 bits
 * of V, which differs from rng.c whenever those bits wrap.
 */
#include "crypto/nist_drbg.h"

#include <string.h>

#include <openssl/aes.h>

#include "crypto/secret.h"

/* V = (V + 1) mod 2^128, big-endian. */
static void
increment_v(uint8_t v[16])
{
	for (int i = 15; i >= 0; i--)
		if (++v[i] != 0)
			break;
}

/* CTR_DRBG_Update (10.2.1.2): three blocks E(Key, ++V), xored with the
 * provided data when there is some, become the new Key and V. */
static void
drbg_update(struct rp_nist_drbg *d, const uint8_t *provided)
{
	AES_KEY aes;
	uint8_t temp[48];

	AES_set_encrypt_key(d->key, 256, &aes);
	for (int i = 0; i < 3; i++) {
		increment_v(d->v);
		AES_encrypt(d->v, temp + 16 * i, &aes);
	}
	if (provided != NULL)
		for (size_t i = 0; i < sizeof(temp); i++)
			temp[i] ^= provided[i];
	memcpy(d->key, temp, 32);
	memcpy(d->v, temp + 32, 16);
	rp_wipe(temp, sizeof(temp));
	rp_wipe(&aes, sizeof(aes));
}

void
rp_nist_drbg_init(struct rp_nist_drbg *d, const uint8_t seed[RP_NIST_DRBG_SEED_LEN])
{
	memset(d->key, 0, sizeof(d->key));
	memset(d->v, 0, sizeof(d->v));
	drbg_update(d, seed);
}

void
rp_nist_drbg_bytes(struct rp_nist_drbg *d, uint8_t *out, size_t len)
{
	AES_KEY aes;
	uint8_t block[16];

	AES_set_encrypt_key(d->key, 256, &aes);
	while (len > 0) {
		size_t n = len < sizeof(block) ? len : sizeof(block);

		increment_v(d->v);
		AES_encrypt(d->v, block, &aes);
		memcpy(out, block, n);
		out += n;
		len -= n;
	}
	drbg_update(d, NULL);
	rp_wipe(block, sizeof(block));
	rp_wipe(&aes, sizeof(aes));
}

void
rp_nist_drbg_random(void *ctx, uint8_t *out, size_t len)
{
	rp_nist_drbg_bytes(ctx, out, len);
}

void
rp_nist_drbg_wipe(struct rp_nist_drbg *d)
{
	rp_wipe(d, sizeof(*d));
}

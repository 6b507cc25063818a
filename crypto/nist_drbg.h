/*
 * crypto/nist_drbg.h: the deterministic random generator of NIST's PQC
 * known-answer tests (rng.c of the NIST submission packages: AES-256
 * CTR_DRBG of SP 800-90A section 10.2.1, without derivation function, no
 * reseeding, no additional input).
 *
 * This exists only for known-answer tests: every KAT file of the NIST PQC
 * process (kat_kem.rsp) was generated with it, so a test that re-runs key
 * generation and encapsulation from a record's seed needs the same byte
 * stream. It is NOT a source of randomness for anything else: its output is
 * fully determined by the seed. It lives in crypto/ because only crypto/ may
 * use BoringSSL's AES.
 */
#ifndef RAMPART_CRYPTO_NIST_DRBG_H
#define RAMPART_CRYPTO_NIST_DRBG_H

#include <stddef.h>
#include <stdint.h>

#define RP_NIST_DRBG_SEED_LEN 48

struct rp_nist_drbg {
	uint8_t key[32];
	uint8_t v[16];
};

/* randombytes_init(seed, NULL, 256): Key = V = 0, then Update(seed). */
void rp_nist_drbg_init(struct rp_nist_drbg *d, const uint8_t seed[RP_NIST_DRBG_SEED_LEN]);
/* randombytes(out, len): len bytes of counter-mode output, then Update(0).
 * Because of the Update after every call, one call of 8 bytes gives other
 * bytes than two calls of 4: callers must draw in the order the KAT
 * generator did. */
void rp_nist_drbg_bytes(struct rp_nist_drbg *d, uint8_t *out, size_t len);
/* rp_nist_drbg_bytes with a void * context (a struct rp_nist_drbg), in the
 * shape of the random-source callbacks the KEMs take. */
void rp_nist_drbg_random(void *ctx, uint8_t *out, size_t len);
/* Forget the state. */
void rp_nist_drbg_wipe(struct rp_nist_drbg *d);

#endif

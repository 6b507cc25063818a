/*
 * crypto/keccak.h: the SHA-3 family (FIPS 202) that ML-KEM (FIPS 203) is
 * built on: SHA3-256 and SHA3-512 one-shot, SHAKE128 and SHAKE256 both
 * one-shot and as incremental contexts.
 *
 * A SHAKE context absorbs any number of pieces, is finished once, then
 * squeezes any amount in any number of calls: the output is one stream, so
 * squeezing 3 then 5 bytes gives the same 8 bytes as squeezing 8. Contexts
 * hold a copy of what was absorbed (mixed, but a function of it): a caller
 * that absorbed a secret wipes the context with rp_wipe() when done.
 * Calls out of order (absorbing or finishing after rp_shake_finish(),
 * squeezing before it) are programming errors and abort().
 */
#ifndef RAMPART_CRYPTO_KECCAK_H
#define RAMPART_CRYPTO_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define RP_SHA3_256_LEN 32
#define RP_SHA3_512_LEN 64
/* Bytes per block (the rate r/8 of FIPS 202 section 6.2). */
#define RP_SHAKE128_RATE 168
#define RP_SHAKE256_RATE 136

/* A sponge over Keccak-f[1600] (FIPS 202 section 4). Fields are private. */
struct rp_keccak {
	uint64_t a[25];    /* the state; lane (x, y) is a[x + 5 y] */
	unsigned rate;     /* block size in bytes */
	unsigned pos;      /* next byte of the block to absorb into or squeeze */
	uint8_t suffix;    /* domain bits plus the first padding bit */
	uint8_t squeezing; /* 1 once finished */
};

/* out = SHA3-256(in) (FIPS 202 section 6.1). */
void rp_sha3_256(uint8_t out[RP_SHA3_256_LEN], const void *in, size_t len);
/* out = SHA3-512(in) (FIPS 202 section 6.1). */
void rp_sha3_512(uint8_t out[RP_SHA3_512_LEN], const void *in, size_t len);
/* out = the first outlen bytes of SHAKE128(in) (FIPS 202 section 6.2). */
void rp_shake128(uint8_t *out, size_t outlen, const void *in, size_t len);
/* out = the first outlen bytes of SHAKE256(in) (FIPS 202 section 6.2). */
void rp_shake256(uint8_t *out, size_t outlen, const void *in, size_t len);

/* Start an empty SHAKE128 sponge. */
void rp_shake128_init(struct rp_keccak *ctx);
/* Start an empty SHAKE256 sponge. */
void rp_shake256_init(struct rp_keccak *ctx);
/* Append len bytes to the input. Only before rp_shake_finish(). */
void rp_shake_absorb(struct rp_keccak *ctx, const void *in, size_t len);
/* End the input (pad it and switch to squeezing). Call exactly once. */
void rp_shake_finish(struct rp_keccak *ctx);
/* The next len bytes of the output stream. Only after rp_shake_finish(). */
void rp_shake_squeeze(struct rp_keccak *ctx, uint8_t *out, size_t len);

#endif

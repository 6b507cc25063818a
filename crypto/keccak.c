/*
 * crypto/keccak.c: Keccak-f[1600] and the sponge functions of FIPS 202
 * ("SHA-3 Standard: Permutation-Based Hash and Extendable-Output
 * Functions"): SHA3-256, SHA3-512, SHAKE128 and SHAKE256.
 *
 * The permutation follows section 3.3 and 3.4 (Algorithm 7, Keccak-p with
 * 24 rounds of theta, rho, pi, chi, iota); the sponge follows section 4
 * (Algorithm 8) with the pad10*1 rule of section 5.1 and the domain suffixes
 * of section 6 (01 for SHA-3, 1111 for SHAKE).
 *
 * Lanes are uint64_t and bytes go in and out little-endian (the bit order of
 * section B.1), done with shifts so the host's byte order does not matter.
 * Nothing branches on or indexes by the data, so secrets (ML-KEM's seeds)
 * can be hashed.
 */
#include "crypto/keccak.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/secret.h"

/* pad10*1 plus domain separation, as the first byte after the message:
 * SHA-3 appends the bits 01 and SHAKE 1111 (FIPS 202 section 6), then the
 * first 1 of the padding; in little-endian bit order that is 0x06 or 0x1f.
 * The final 1 of the padding is the top bit of the block's last byte. */
#define SUFFIX_SHA3  0x06
#define SUFFIX_SHAKE 0x1f
#define PAD_LAST     0x80

/* Rate in bytes: 1600 bits minus twice the security level (section 6). */
#define RATE_SHA3_256 136
#define RATE_SHA3_512 72

#define ROUNDS 24

/* RC[ir] of the iota step (section 3.2.5): bits 2^j - 1 set from rc(j + 7 ir)
 * of the LFSR in Algorithm 5. */
static const uint64_t round_constants[ROUNDS] = {
	0x0000000000000001ULL, 0x0000000000008082ULL,
	0x800000000000808aULL, 0x8000000080008000ULL,
	0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL,
	0x000000000000008aULL, 0x0000000000000088ULL,
	0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL,
	0x8000000000008089ULL, 0x8000000000008003ULL,
	0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL,
	0x8000000080008081ULL, 0x8000000000008080ULL,
	0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* n is 1..63 at every call. */
static uint64_t
rotl64(uint64_t v, unsigned n)
{
	return (v << n) | (v >> (64 - n));
}

static uint64_t
load64_le(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
store64_le(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* Keccak-f[1600] = Keccak-p[1600, 24] (section 3.4) on the state a.
 *
 * rho and pi are written out lane by lane: lane (x, y) is rotated by the
 * offset of section 3.2.2 (Table 2: (t + 1)(t + 2) / 2 mod 64 along the walk
 * (1, 0), then (x, y) -> (y, 2x + 3y)) and moves to (y, 2x + 3y), which is
 * pi's A'[x, y] = A[x + 3y, x] read the other way round. theta's column
 * terms d[x] are added on the way. Unrolled, this runs several times faster
 * than loops over tables, and SampleNTT spends most of ML-KEM's time here. */
static void
keccak_f1600(uint64_t a[25])
{
	/* One struct so that one wipe clears every temporary: they are
	 * functions of the state, which may hold a secret. */
	struct {
		uint64_t b[25], c[5], d[5];
	} t;
	uint64_t *b = t.b, *c = t.c, *d = t.d;

	for (int round = 0; round < ROUNDS; round++) {
		/* theta: each lane gets the parities of two nearby columns. */
		for (int x = 0; x < 5; x++)
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		d[0] = c[4] ^ rotl64(c[1], 1);
		d[1] = c[0] ^ rotl64(c[2], 1);
		d[2] = c[1] ^ rotl64(c[3], 1);
		d[3] = c[2] ^ rotl64(c[4], 1);
		d[4] = c[3] ^ rotl64(c[0], 1);
		/* theta's addition, rho and pi: b[pi(x, y)] = rot(a[x, y] ^ d[x]). */
		b[ 0] = a[ 0] ^ d[0];
		b[10] = rotl64(a[ 1] ^ d[1],  1);
		b[20] = rotl64(a[ 2] ^ d[2], 62);
		b[ 5] = rotl64(a[ 3] ^ d[3], 28);
		b[15] = rotl64(a[ 4] ^ d[4], 27);
		b[16] = rotl64(a[ 5] ^ d[0], 36);
		b[ 1] = rotl64(a[ 6] ^ d[1], 44);
		b[11] = rotl64(a[ 7] ^ d[2],  6);
		b[21] = rotl64(a[ 8] ^ d[3], 55);
		b[ 6] = rotl64(a[ 9] ^ d[4], 20);
		b[ 7] = rotl64(a[10] ^ d[0],  3);
		b[17] = rotl64(a[11] ^ d[1], 10);
		b[ 2] = rotl64(a[12] ^ d[2], 43);
		b[12] = rotl64(a[13] ^ d[3], 25);
		b[22] = rotl64(a[14] ^ d[4], 39);
		b[23] = rotl64(a[15] ^ d[0], 41);
		b[ 8] = rotl64(a[16] ^ d[1], 45);
		b[18] = rotl64(a[17] ^ d[2], 15);
		b[ 3] = rotl64(a[18] ^ d[3], 21);
		b[13] = rotl64(a[19] ^ d[4],  8);
		b[14] = rotl64(a[20] ^ d[0], 18);
		b[24] = rotl64(a[21] ^ d[1],  2);
		b[ 9] = rotl64(a[22] ^ d[2], 61);
		b[19] = rotl64(a[23] ^ d[3], 56);
		b[ 4] = rotl64(a[24] ^ d[4], 14);
		/* chi: the only non-linear step, along each row. */
		for (int y = 0; y < 25; y += 5) {
			a[y + 0] = b[y + 0] ^ (~b[y + 1] & b[y + 2]);
			a[y + 1] = b[y + 1] ^ (~b[y + 2] & b[y + 3]);
			a[y + 2] = b[y + 2] ^ (~b[y + 3] & b[y + 4]);
			a[y + 3] = b[y + 3] ^ (~b[y + 4] & b[y + 0]);
			a[y + 4] = b[y + 4] ^ (~b[y + 0] & b[y + 1]);
		}
		/* iota: break the symmetry between rounds. */
		a[0] ^= round_constants[round];
	}
	rp_wipe(&t, sizeof(t));
}

static void
sponge_init(struct rp_keccak *ctx, unsigned rate, uint8_t suffix)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->rate = rate;
	ctx->suffix = suffix;
}

void
rp_shake128_init(struct rp_keccak *ctx)
{
	sponge_init(ctx, RP_SHAKE128_RATE, SUFFIX_SHAKE);
}

void
rp_shake256_init(struct rp_keccak *ctx)
{
	sponge_init(ctx, RP_SHAKE256_RATE, SUFFIX_SHAKE);
}

void
rp_shake_absorb(struct rp_keccak *ctx, const void *in, size_t len)
{
	const uint8_t *p = in;

	/* Input after the padding would be silently lost: a caller bug. */
	if (ctx->squeezing)
		abort();
	while (len > 0) {
		/* Whole lanes when aligned (every rate is a multiple of 8),
		 * single bytes otherwise. */
		if (ctx->pos % 8 == 0 && len >= 8) {
			ctx->a[ctx->pos / 8] ^= load64_le(p);
			ctx->pos += 8;
			p += 8;
			len -= 8;
		} else {
			ctx->a[ctx->pos / 8] ^= (uint64_t)*p << (8 * (ctx->pos % 8));
			ctx->pos++;
			p++;
			len--;
		}
		if (ctx->pos == ctx->rate) {
			keccak_f1600(ctx->a);
			ctx->pos = 0;
		}
	}
}

void
rp_shake_finish(struct rp_keccak *ctx)
{
	if (ctx->squeezing)
		abort(); /* padding twice: a caller bug */
	/* pos < rate always holds here, so both padding bytes fit in this
	 * block (they are the same byte when pos = rate - 1). */
	ctx->a[ctx->pos / 8] ^= (uint64_t)ctx->suffix << (8 * (ctx->pos % 8));
	ctx->a[(ctx->rate - 1) / 8] ^= (uint64_t)PAD_LAST << (8 * ((ctx->rate - 1) % 8));
	keccak_f1600(ctx->a);
	ctx->pos = 0;
	ctx->squeezing = 1;
}

void
rp_shake_squeeze(struct rp_keccak *ctx, uint8_t *out, size_t len)
{
	/* Output of an unpadded state is not SHAKE: a caller bug. */
	if (!ctx->squeezing)
		abort();
	while (len > 0) {
		/* A block is used up: the next one is the permuted state. */
		if (ctx->pos == ctx->rate) {
			keccak_f1600(ctx->a);
			ctx->pos = 0;
		}
		if (ctx->pos % 8 == 0 && len >= 8) {
			store64_le(out, ctx->a[ctx->pos / 8]);
			ctx->pos += 8;
			out += 8;
			len -= 8;
		} else {
			*out = (uint8_t)(ctx->a[ctx->pos / 8] >> (8 * (ctx->pos % 8)));
			ctx->pos++;
			out++;
			len--;
		}
	}
}

/* One-shot hashing: the state is wiped because the input may be secret. */
static void
sponge_oneshot(unsigned rate, uint8_t suffix, uint8_t *out, size_t outlen, const void *in,
    size_t len)
{
	struct rp_keccak ctx;

	sponge_init(&ctx, rate, suffix);
	rp_shake_absorb(&ctx, in, len);
	rp_shake_finish(&ctx);
	rp_shake_squeeze(&ctx, out, outlen);
	rp_wipe(&ctx, sizeof(ctx));
}

void
rp_sha3_256(uint8_t out[RP_SHA3_256_LEN], const void *in, size_t len)
{
	sponge_oneshot(RATE_SHA3_256, SUFFIX_SHA3, out, RP_SHA3_256_LEN, in, len);
}

void
rp_sha3_512(uint8_t out[RP_SHA3_512_LEN], const void *in, size_t len)
{
	sponge_oneshot(RATE_SHA3_512, SUFFIX_SHA3, out, RP_SHA3_512_LEN, in, len);
}

void
rp_shake128(uint8_t *out, size_t outlen, const void *in, size_t len)
{
	sponge_oneshot(RP_SHAKE128_RATE, SUFFIX_SHAKE, out, outlen, in, len);
}

void
rp_shake256(uint8_t *out, size_t outlen, const void *in, size_t len)
{
	sponge_oneshot(RP_SHAKE256_RATE, SUFFIX_SHAKE, out, outlen, in, len);
}

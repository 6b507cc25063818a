/*
 * crypto/umac.c: UMAC (RFC 4418) on BoringSSL's AES-128, written from the
 * RFC's pseudocode; the names in capitals below (KDF, PDF, UHASH, L1-HASH,
 * NH, L2-HASH, POLY, L3-HASH) are its algorithms'. Checked against the
 * RFC's appendix vectors (with erratum 3507) and the reference vectors of
 * tests/vectors/umac/ by tests/unit/test_umac.c.
 *
 * UHASH runs its iterations (one per 4 bytes of tag) side by side, over one
 * pass of the message:
 *
 *   L1-HASH: the message in 1024-byte chunks, each NH-hashed with the
 *     iteration's 1024-byte window of the NH key (the windows of iterations
 *     i and i+1 are 16 bytes apart), plus the chunk's length in bits.
 *   L2-HASH: the chunk hashes folded into a polynomial modulo 2^64 - 59,
 *     switching to 2^128 - 159 after the first 2^14 (16 MiB of message), as
 *     they arrive, so nothing is buffered. Skipped for messages of one chunk.
 *   L3-HASH: an inner product modulo 2^36 - 5 of the 16-byte L2 result,
 *     giving 4 bytes, xored with a 4-byte key.
 *
 * The 64- and 128-bit arithmetic uses the compiler's unsigned __int128.
 */
#include "crypto/umac.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/aes.h>
#include <openssl/mem.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#ifndef __SIZEOF_INT128__
#error "crypto/umac.c needs a compiler with unsigned __int128"
#endif

typedef unsigned __int128 u128;

#define BLOCKLEN 16              /* AES block */
#define MAX_ITERS 4              /* UHASH iterations: tag bytes / 4 */
#define L1_CHUNK 1024            /* NH key and L1 chunk, in bytes */
#define L1_WORDS (L1_CHUNK / 4)
#define NH_ALIGN 32              /* NH works on multiples of 8 words */
#define L2_POLY64_MAX (1u << 14) /* L1 hashes (8 bytes each) before POLY128 */

#define P36 ((uint64_t)0xFFFFFFFFBu)            /* 2^36 - 5 */
#define P64 ((uint64_t)0xFFFFFFFFFFFFFFC5u)     /* 2^64 - 59 */
#define P128 (~(u128)0 - 158)                   /* 2^128 - 159 */
#define P64_OFFSET 59                            /* 2^64 - P64 */
#define P128_OFFSET 159                          /* 2^128 - P128 */
#define POLY64_MAXWORD ((uint64_t)0xFFFFFFFF00000000u) /* 2^64 - 2^32 */
#define POLY128_MAXWORD ((u128)0xFFFFFFFF00000000u << 64) /* 2^128 - 2^96 */
#define MASK64 ((uint64_t)0x01FFFFFF01FFFFFFu)

struct rp_umac {
	size_t tag_len, iters;
	/* UHASH: the iterations' NH key windows overlap, 16 bytes apart. Words
	 * are read big-endian from the KDF output. */
	uint32_t nh_key[L1_WORDS + 4 * (MAX_ITERS - 1)];
	uint64_t poly64_key[MAX_ITERS];  /* masked with 0x01FFFFFF01FFFFFF */
	u128 poly128_key[MAX_ITERS];     /* masked likewise */
	uint64_t l3_key1[MAX_ITERS][8];  /* reduced modulo 2^36 - 5 */
	uint32_t l3_key2[MAX_ITERS];
	AES_KEY pad_key;                 /* K' = KDF(K, 0, 16) of PDF */
	/* UMAC-32/64: the last nonce block and its encryption. */
	int pad_cached;
	uint8_t pad_in[BLOCKLEN], pad_out[BLOCKLEN];
};

static uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
load_be64(const uint8_t *p)
{
	return (uint64_t)load_be32(p) << 32 | load_be32(p + 4);
}

static void
store_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* KDF(K, index, len): AES in counter mode from 1. */
static void
kdf(const AES_KEY *k, uint64_t index, uint8_t *out, size_t len)
{
	uint8_t in[BLOCKLEN], block[BLOCKLEN];

	store_be64(in, index);
	for (uint64_t i = 1; len > 0; i++) {
		size_t n = len < BLOCKLEN ? len : BLOCKLEN;

		store_be64(in + 8, i);
		AES_encrypt(in, block, k);
		memcpy(out, block, n);
		out += n;
		len -= n;
	}
	OPENSSL_cleanse(block, sizeof(block));
}

struct rp_umac *
rp_umac_new(const uint8_t key[RP_UMAC_KEY_LEN], size_t tag_len)
{
	/* The longest subkey: the NH key of UMAC-128. */
	uint8_t buf[L1_CHUNK + 16 * (MAX_ITERS - 1)];
	struct rp_umac *u;
	AES_KEY k;
	size_t iters = tag_len / 4;
	int ok;

	if (key == NULL || tag_len % 4 != 0 || iters < 1 || iters > MAX_ITERS)
		return NULL;
	/* The u128 fields want 16-byte alignment, more than malloc promises
	 * everywhere. */
	if ((u = aligned_alloc(_Alignof(struct rp_umac), sizeof(*u))) == NULL)
		return NULL;
	memset(u, 0, sizeof(*u));
	u->tag_len = tag_len;
	u->iters = iters;
	ok = AES_set_encrypt_key(key, 128, &k) == 0;
	if (ok) {
		kdf(&k, 0, buf, 16);
		ok = AES_set_encrypt_key(buf, 128, &u->pad_key) == 0;
	}
	if (ok) {
		kdf(&k, 1, buf, L1_CHUNK + 16 * (iters - 1));
		for (size_t i = 0; i < L1_WORDS + 4 * (iters - 1); i++)
			u->nh_key[i] = load_be32(buf + 4 * i);
		kdf(&k, 2, buf, 24 * iters);
		for (size_t i = 0; i < iters; i++) {
			const uint8_t *p = buf + 24 * i;

			u->poly64_key[i] = load_be64(p) & MASK64;
			u->poly128_key[i] = ((u128)(load_be64(p + 8) & MASK64) << 64) |
			    (load_be64(p + 16) & MASK64);
		}
		kdf(&k, 3, buf, 64 * iters);
		for (size_t i = 0; i < iters; i++)
			for (size_t j = 0; j < 8; j++)
				u->l3_key1[i][j] = load_be64(buf + 64 * i + 8 * j) % P36;
		kdf(&k, 4, buf, 4 * iters);
		for (size_t i = 0; i < iters; i++)
			u->l3_key2[i] = load_be32(buf + 4 * i);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(&k, sizeof(k));
	if (!ok) {
		rp_umac_free(u);
		return NULL;
	}
	return u;
}

void
rp_umac_free(struct rp_umac *u)
{
	if (u == NULL)
		return;
	OPENSSL_cleanse(u, sizeof(*u));
	free(u);
}

size_t
rp_umac_tag_len(const struct rp_umac *u)
{
	return u->tag_len;
}

/*
 * NH of m[0..len) (len a multiple of 32) for each of the `iters`
 * iterations at once, the message words little-endian (the RFC's
 * ENDIAN-SWAP). Iteration i uses the key from word 4i. Sums of a message
 * and a key word wrap modulo 2^32, the products and y modulo 2^64. Inlined
 * with a constant iters so that each tag size gets its own unrolled loop.
 */
#if defined(__SSE2__)
/* x86 (little-endian): four words per load, two 32x32->64-bit products per
 * multiply; y[it] holds two partial sums, added up at the end. About twice
 * the speed of the portable loop below, whatever the compiler makes of it. */
static inline __attribute__((always_inline)) void
nh_iters(const uint32_t *key, const uint8_t *m, size_t len, uint64_t *out, size_t iters)
{
	__m128i y[MAX_ITERS];

	for (size_t it = 0; it < iters; it++)
		y[it] = _mm_setzero_si128();
	for (size_t i = 0; i < len / 4; i += 8, m += 32) {
		__m128i lo = _mm_loadu_si128((const __m128i *)m);        /* words 0-3 */
		__m128i hi = _mm_loadu_si128((const __m128i *)(m + 16)); /* words 4-7 */

		for (size_t it = 0; it < iters; it++) {
			const uint32_t *k = key + i + 4 * it;
			__m128i a = _mm_add_epi32(lo, _mm_loadu_si128((const __m128i *)k));
			__m128i b = _mm_add_epi32(hi, _mm_loadu_si128((const __m128i *)(k + 4)));

			/* (w0+k0)(w4+k4) and (w2+k2)(w6+k6), then 1x5 and 3x7. */
			y[it] = _mm_add_epi64(y[it], _mm_mul_epu32(a, b));
			y[it] = _mm_add_epi64(y[it],
			    _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32)));
		}
	}
	for (size_t it = 0; it < iters; it++) {
		uint64_t half[2];

		_mm_storeu_si128((__m128i *)half, y[it]);
		out[it] = half[0] + half[1];
	}
}
#else
static uint32_t
load_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline __attribute__((always_inline)) void
nh_iters(const uint32_t *key, const uint8_t *m, size_t len, uint64_t *out, size_t iters)
{
	uint64_t y[MAX_ITERS] = { 0 };

	for (size_t i = 0; i < len / 4; i += 8, m += 32) {
		uint32_t w[8];

		for (size_t j = 0; j < 8; j++)
			w[j] = load_le32(m + 4 * j);
		for (size_t it = 0; it < iters; it++) {
			const uint32_t *k = key + i + 4 * it;

			y[it] += (uint64_t)(w[0] + k[0]) * (w[4] + k[4]) +
			    (uint64_t)(w[1] + k[1]) * (w[5] + k[5]) +
			    (uint64_t)(w[2] + k[2]) * (w[6] + k[6]) +
			    (uint64_t)(w[3] + k[3]) * (w[7] + k[7]);
		}
	}
	for (size_t it = 0; it < iters; it++)
		out[it] = y[it];
}
#endif

static void
nh(const struct rp_umac *u, const uint8_t *m, size_t len, uint64_t out[MAX_ITERS])
{
	switch (u->iters) {
	case 1:
		nh_iters(u->nh_key, m, len, out, 1);
		break;
	case 2:
		nh_iters(u->nh_key, m, len, out, 2);
		break;
	case 3:
		nh_iters(u->nh_key, m, len, out, 3);
		break;
	default:
		nh_iters(u->nh_key, m, len, out, 4);
		break;
	}
}

/*
 * The arithmetic on hash values (they depend on the key) has no branches
 * and no comparisons (RFC 4418 section 6.6 warns of POLY's timing): carries
 * and borrows are computed with bit operations, choices made with masks.
 */

/* The carry out of s = a + b, and the borrow out of d = a - b, as 0 or 1
 * (Hacker's Delight 2-13). */
static u128
carry128(u128 a, u128 b, u128 s)
{
	return ((a & b) | ((a | b) & ~s)) >> 127;
}

static u128
borrow128(u128 a, u128 b, u128 d)
{
	return ((~a & b) | (~(a ^ b) & d)) >> 127;
}

/* All ones when the top 32 bits of a word are all ones (the word is at
 * least 2^64 - 2^32, or 2^128 - 2^96), else zero. */
static uint64_t
top32_all_ones(uint32_t top)
{
	return 0 - (((uint64_t)(uint32_t)~top - 1) >> 63);
}

/* x mod 2^64 - 59, for x < 2^122. */
static uint64_t
mod_p64(u128 x)
{
	uint64_t lo, lt;

	/* 2^64 = 59 (mod p): fold the high half down, twice, then the
	 * carry that may be left. */
	x = (x >> 64) * P64_OFFSET + (uint64_t)x;
	x = (x >> 64) * P64_OFFSET + (uint64_t)x;
	lo = (uint64_t)x + (uint64_t)(x >> 64) * P64_OFFSET;
	/* lo - p unless lo < p: the borrow of the subtraction is the mask. */
	lt = (uint64_t)(((u128)lo - P64) >> 64);
	return (lo & lt) | ((lo - P64) & ~lt);
}

/* One word of POLY(64, 2^64 - 2^32, k, M): y = k * y + m, or for a
 * word out of range, y = k * (k * y + marker) + (m - offset). */
static uint64_t
poly64_step(uint64_t k, uint64_t y, uint64_t m)
{
	uint64_t big = top32_all_ones((uint32_t)(m >> 32)), y1, y2;

	y1 = mod_p64((u128)k * y + (((P64 - 1) & big) | (m & ~big)));
	y2 = mod_p64((u128)k * y1 + (m - P64_OFFSET));
	return (y2 & big) | (y1 & ~big);
}

/* a mod 2^128 - 159, for a < 2^128. */
static u128
reduce_p128(u128 a)
{
	u128 d = a - P128, keep = 0 - borrow128(a, P128, d);

	return (a & keep) | (d & ~keep);
}

/* (a + b) mod 2^128 - 159, for a < p, b < 2^128. */
static u128
add_p128(u128 a, u128 b)
{
	u128 s = a + b;

	/* A carry out is 2^128 = 159 (mod p); then s < a < p leaves room. */
	return reduce_p128(s + carry128(a, b, s) * P128_OFFSET);
}

/* (k * y) mod 2^128 - 159, for k < 2^121 (masked key) and y < p. */
static u128
mul_p128(u128 k, u128 y)
{
	uint64_t k0 = (uint64_t)k, k1 = (uint64_t)(k >> 64);
	uint64_t y0 = (uint64_t)y, y1 = (uint64_t)(y >> 64);
	u128 p00 = (u128)k0 * y0, p01 = (u128)k0 * y1, p10 = (u128)k1 * y0;
	u128 p11 = (u128)k1 * y1, mid, lo, hi, t0, t1, s, carry;

	/* The 249-bit product as hi * 2^128 + lo. */
	mid = p01 + p10;
	hi = p11 + (mid >> 64) + (carry128(p01, p10, mid) << 64);
	lo = p00 + (mid << 64);
	hi += carry128(p00, mid << 64, lo);
	/* hi * 2^128 = hi * 159 (mod p): add hi * 159 < 2^129 to lo in two
	 * 64-bit halves, counting the carries out of 2^128. */
	t0 = (u128)(uint64_t)hi * P128_OFFSET;
	t1 = (u128)(uint64_t)(hi >> 64) * P128_OFFSET;
	s = lo + t0;
	carry = carry128(lo, t0, s) + (t1 >> 64);
	lo = s;
	s = lo + (t1 << 64);
	carry += carry128(lo, t1 << 64, s);
	/* Now s + carry * 2^128 with carry <= 3: once more, and a last carry
	 * leaves a small s. */
	t0 = s + carry * P128_OFFSET;
	t0 += carry128(s, carry * P128_OFFSET, t0) * P128_OFFSET;
	return reduce_p128(t0);
}

/* One word of POLY(128, 2^128 - 2^96, k, M), as poly64_step. */
static u128
poly128_step(u128 k, u128 y, u128 m)
{
	u128 big = top32_all_ones((uint32_t)(m >> 96)), y1, y2;

	big |= big << 64;
	y1 = add_p128(mul_p128(k, y), ((P128 - 1) & big) | (m & ~big));
	y2 = add_p128(mul_p128(k, y1), m - P128_OFFSET);
	return (y2 & big) | (y1 & ~big);
}

/* L2-HASH of the L1 hashes of one iteration, fed one at a time. */
struct l2_state {
	uint64_t n;    /* L1 hashes so far */
	uint64_t y64;  /* POLY64 over the first 2^14, from y = 1 */
	u128 y128;     /* POLY128 over y64 and the rest, from the 2^14+1st */
	int half;      /* POLY128 words are two L1 hashes: one is waiting */
	uint64_t first;
};

static void
l2_add(struct l2_state *st, uint64_t k64, u128 k128, uint64_t a)
{
	if (st->n < L2_POLY64_MAX) {
		st->y64 = poly64_step(k64, st->y64, a);
	} else {
		if (st->n == L2_POLY64_MAX) /* M_2 starts with uint2str(y, 16) */
			st->y128 = poly128_step(k128, 1, st->y64);
		if (!st->half) {
			st->first = a;
			st->half = 1;
		} else {
			st->y128 = poly128_step(k128, st->y128, (u128)st->first << 64 | a);
			st->half = 0;
		}
	}
	st->n++;
}

static u128
l2_final(struct l2_state *st, u128 k128)
{
	if (st->n <= L2_POLY64_MAX)
		return st->y64;
	/* M_2 = zeropad(M_2 || 0x80, 16) */
	if (st->half)
		return poly128_step(k128, st->y128, (u128)st->first << 64 | (u128)0x80 << 56);
	return poly128_step(k128, st->y128, (u128)0x80 << 120);
}

/* L3-HASH of the 16-byte L2 result. */
static uint32_t
l3(const uint64_t k1[8], uint32_t k2, u128 m)
{
	uint64_t y = 0;

	/* Eight terms below 2^16 * 2^36: the sum fits in 64 bits. */
	for (int i = 0; i < 8; i++)
		y += (uint64_t)(uint16_t)(m >> (112 - 16 * i)) * k1[i];
	return (uint32_t)(y % P36) ^ k2;
}

/* PDF: the pad for this nonce, tag_len bytes into out. */
static void
pdf(struct rp_umac *u, const uint8_t *nonce, size_t nonce_len, uint8_t *out)
{
	uint8_t block[BLOCKLEN] = { 0 };
	size_t index = 0;

	memcpy(block, nonce, nonce_len);
	if (u->tag_len <= 8) {
		/* index = Nonce mod (16 / taglen), cleared from the nonce:
		 * the low bits of its last byte. */
		uint8_t mask = u->tag_len == 4 ? 3 : 1;

		index = block[nonce_len - 1] & mask;
		block[nonce_len - 1] &= (uint8_t)~mask;
		/* Consecutive nonces share the block: encrypt it once. */
		if (u->pad_cached && memcmp(block, u->pad_in, BLOCKLEN) == 0) {
			memcpy(out, u->pad_out + index * u->tag_len, u->tag_len);
			return;
		}
	}
	memcpy(u->pad_in, block, BLOCKLEN);
	AES_encrypt(block, u->pad_out, &u->pad_key);
	u->pad_cached = u->tag_len <= 8;
	memcpy(out, u->pad_out + index * u->tag_len, u->tag_len);
}

int
rp_umac_tag(struct rp_umac *u, const uint8_t *nonce, size_t nonce_len, const uint8_t *msg,
    size_t msg_len, uint8_t *tag)
{
	struct l2_state l2[MAX_ITERS];
	uint64_t a[MAX_ITERS];
	uint8_t last[L1_CHUNK], pad[RP_UMAC_MAX_TAG_LEN];
	const uint8_t *p = msg;
	size_t rest = msg_len, padded;

	if (u == NULL || nonce == NULL || nonce_len < 1 || nonce_len > RP_UMAC_MAX_NONCE_LEN ||
	    (msg == NULL && msg_len > 0) || tag == NULL)
		return 0;
	memset(l2, 0, sizeof(l2));
	for (size_t i = 0; i < u->iters; i++)
		l2[i].y64 = 1;
	/* L1-HASH: every chunk but the last is whole. */
	while (rest > L1_CHUNK) {
		nh(u, p, L1_CHUNK, a);
		for (size_t i = 0; i < u->iters; i++)
			l2_add(&l2[i], u->poly64_key[i], u->poly128_key[i], a[i] + 8 * L1_CHUNK);
		p += L1_CHUNK;
		rest -= L1_CHUNK;
	}
	/* The last, 0 to 1024 bytes, zero-padded to a positive multiple of
	 * 32: the empty message is hashed as 32 zero bytes. */
	padded = rest == 0 ? NH_ALIGN : (rest + NH_ALIGN - 1) / NH_ALIGN * NH_ALIGN;
	if (padded == rest) {
		nh(u, p, rest, a);
	} else {
		if (rest > 0)
			memcpy(last, p, rest);
		memset(last + rest, 0, padded - rest);
		nh(u, last, padded, a);
	}
	pdf(u, nonce, nonce_len, pad);
	for (size_t i = 0; i < u->iters; i++) {
		uint64_t l1 = a[i] + 8 * (uint64_t)rest;
		uint32_t h;
		u128 b;

		/* UHASH: one chunk skips L2-HASH; B = zeroes(8) || A. */
		if (msg_len <= L1_CHUNK) {
			b = l1;
		} else {
			l2_add(&l2[i], u->poly64_key[i], u->poly128_key[i], l1);
			b = l2_final(&l2[i], u->poly128_key[i]);
		}
		h = l3(u->l3_key1[i], u->l3_key2[i], b);
		tag[4 * i] = (uint8_t)(h >> 24) ^ pad[4 * i];
		tag[4 * i + 1] = (uint8_t)(h >> 16) ^ pad[4 * i + 1];
		tag[4 * i + 2] = (uint8_t)(h >> 8) ^ pad[4 * i + 2];
		tag[4 * i + 3] = (uint8_t)h ^ pad[4 * i + 3];
	}
	/* Hash values and pad say something about the key; the message
	 * copy is the caller's data and left alone. */
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(l2, sizeof(l2));
	OPENSSL_cleanse(pad, sizeof(pad));
	return 1;
}

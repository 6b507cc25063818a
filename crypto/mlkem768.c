/*
 * crypto/mlkem768.c: ML-KEM-768 as FIPS 203 ("Module-Lattice-Based
 * Key-Encapsulation Mechanism Standard", August 2024) specifies it, with the
 * hash functions of FIPS 202 (crypto/keccak.c).
 *
 * Layout follows the document:
 *   section 4.2.1  Compress_d / Decompress_d, ByteEncode_d / ByteDecode_d
 *                  (Algorithms 5 and 6)
 *   section 4.2.2  SampleNTT and SamplePolyCBD (Algorithms 7 and 8)
 *   section 4.3    NTT, NTT^-1, MultiplyNTTs, BaseCaseMultiply
 *                  (Algorithms 9 to 12)
 *   section 5      K-PKE.KeyGen, Encrypt, Decrypt (Algorithms 13 to 15)
 *   section 6      ML-KEM internal KeyGen, Encaps, Decaps (Algorithms 16-18)
 *   section 7      ML-KEM.KeyGen, Encaps, Decaps with the input checks
 *                  (Algorithms 19 to 21)
 *
 * Coefficients are kept fully reduced, in [0, q), as uint16_t. Everything
 * that touches secrets (s, e, y, e1, e2, m, w and the seeds) is constant
 * time: reductions are multiply-and-shift (Barrett) plus a masked
 * conditional subtraction, never / or % on a secret, and no branch or table
 * index depends on a secret. Only SampleNTT branches on data, and that data
 * is the public matrix seed rho.
 *
 * The matrix A-hat is never stored: each entry is sampled when the
 * matrix-vector product needs it, which keeps every call's stack to a few
 * KiB. Temporaries live in one struct per function so one rp_wipe() clears
 * them all.
 */
#include "crypto/mlkem768.h"

#include <string.h>

#include "crypto/keccak.h"
#include "crypto/secret.h"

#define Q     3329
#define N     256
#define K     3
#define ETA1  2
#define ETA2  2
#define DU    10
#define DV    4

/* ByteEncode_12 of one polynomial. */
#define POLY_BYTES   384
/* Section 5: ek_PKE = ByteEncode_12(t-hat) || rho, dk_PKE = ByteEncode_12(s-hat). */
#define PKE_EK_LEN   (K * POLY_BYTES + 32)
#define PKE_DK_LEN   (K * POLY_BYTES)
/* The ciphertext: c1 = du-bit u, then c2 = dv-bit v. */
#define C1_POLY_LEN  (32 * DU)
#define C1_LEN       (K * C1_POLY_LEN)
#define C2_LEN       (32 * DV)
/* Section 6.1: dk = dk_PKE || ek || H(ek) || z. */
#define DK_EK_OFF    PKE_DK_LEN
#define DK_H_OFF     (DK_EK_OFF + PKE_EK_LEN)
#define DK_Z_OFF     (DK_H_OFF + 32)

_Static_assert(PKE_EK_LEN == RP_MLKEM768_EK_LEN, "ek length");
_Static_assert(DK_Z_OFF + 32 == RP_MLKEM768_DK_LEN, "dk length");
_Static_assert(C1_LEN + C2_LEN == RP_MLKEM768_CT_LEN, "ciphertext length");

/* floor(2^32 / q): Barrett constant for reducing any 32-bit value. */
#define BARRETT_M 1290167u
/* ceil(2^40 / q): floor(x * DIV_M / 2^40) = floor(x / q) exactly for every
 * x < 2^22, which covers Compress_d's numerators for d <= 10 (checked
 * exhaustively when the constant was chosen: the error x * (DIV_M q - 2^40)
 * stays below 2^40 / q). */
#define DIV_SHIFT 40
#define DIV_M     330282857ull
/* 128^-1 mod q, the scaling at the end of NTT^-1 (Algorithm 10). */
#define NINV      3303

struct poly {
	uint16_t c[N];
};

/* zetas[i] = 17^BitRev7(i) mod q (Appendix A); the unit tests recompute it. */
const uint16_t rp_mlkem768_zetas[128] = {
	   1, 1729, 2580, 3289, 2642,  630, 1897,  848,
	1062, 1919,  193,  797, 2786, 3260,  569, 1746,
	 296, 2447, 1339, 1476, 3046,   56, 2240, 1333,
	1426, 2094,  535, 2882, 2393, 2879, 1974,  821,
	 289,  331, 3253, 1756, 1197, 2304, 2277, 2055,
	 650, 1977, 2513,  632, 2865,   33, 1320, 1915,
	2319, 1435,  807,  452, 1438, 2868, 1534, 2402,
	2647, 2617, 1481,  648, 2474, 3110, 1227,  910,
	  17, 2761,  583, 2649, 1637,  723, 2288, 1100,
	1409, 2662, 3281,  233,  756, 2156, 3015, 3050,
	1703, 1651, 2789, 1789, 1847,  952, 1461, 2687,
	 939, 2308, 2437, 2388,  733, 2337,  268,  641,
	1584, 2298, 2037, 3220,  375, 2549, 2090, 1645,
	1063,  319, 2773,  757, 2099,  561, 2466, 2594,
	2804, 1092,  403, 1026, 1143, 2150, 2775,  886,
	1722, 1212, 1874, 1029, 2110, 2935,  885, 2154,
};

/* gammas[i] = 17^(2 BitRev7(i) + 1) mod q (Appendix A): the roots of the
 * degree-2 factors X^2 - gamma that BaseCaseMultiply works modulo. */
const uint16_t rp_mlkem768_gammas[128] = {
	  17, 3312, 2761,  568,  583, 2746, 2649,  680,
	1637, 1692,  723, 2606, 2288, 1041, 1100, 2229,
	1409, 1920, 2662,  667, 3281,   48,  233, 3096,
	 756, 2573, 2156, 1173, 3015,  314, 3050,  279,
	1703, 1626, 1651, 1678, 2789,  540, 1789, 1540,
	1847, 1482,  952, 2377, 1461, 1868, 2687,  642,
	 939, 2390, 2308, 1021, 2437,  892, 2388,  941,
	 733, 2596, 2337,  992,  268, 3061,  641, 2688,
	1584, 1745, 2298, 1031, 2037, 1292, 3220,  109,
	 375, 2954, 2549,  780, 2090, 1239, 1645, 1684,
	1063, 2266,  319, 3010, 2773,  556,  757, 2572,
	2099, 1230,  561, 2768, 2466,  863, 2594,  735,
	2804,  525, 1092, 2237,  403, 2926, 1026, 2303,
	1143, 2186, 2150, 1179, 2775,  554,  886, 2443,
	1722, 1607, 1212, 2117, 1874, 1455, 1029, 2300,
	2110, 1219, 2935,  394,  885, 2444, 2154, 1175,
};

/* --- arithmetic mod q ------------------------------------------------------- */

/* x mod q for x < 2q: subtract q, add it back under a mask when that went
 * negative (the top bit of the 32-bit difference), so there is no branch. */
static uint16_t
csubq(uint32_t x)
{
	uint32_t t = x - Q;

	return (uint16_t)(t + (Q & (0u - (t >> 31))));
}

/* x mod q for any 32-bit x. The Barrett quotient estimate floor(x M / 2^32)
 * is the true quotient or one less (x < 2^32 and 2^32 / q - M < 1), so the
 * remainder is below 2q and one conditional subtraction finishes it. */
static uint16_t
reduce(uint32_t x)
{
	uint32_t quot = (uint32_t)(((uint64_t)x * BARRETT_M) >> 32);

	return csubq(x - quot * Q);
}

static uint16_t
mulq(uint16_t a, uint16_t b)
{
	return reduce((uint32_t)a * b);
}

/* --- section 4.2.1: compression and encoding -------------------------------- */

/* Compress_d(x) = round(2^d x / q) mod 2^d (equation 4.7), x in [0, q).
 * round() rounds half up; with q odd, 2^d x / q is never a half-integer, so
 * it is floor((2^d x + (q - 1) / 2) / q), and that division is a multiply by
 * DIV_M and a shift because x is secret. */
static uint16_t
compress(uint16_t x, unsigned d)
{
	uint64_t num = ((uint32_t)x << d) + (Q - 1) / 2;

	return (uint16_t)((num * DIV_M) >> DIV_SHIFT) & ((1u << d) - 1);
}

/* Decompress_d(y) = round(q y / 2^d) (equation 4.8): halves round up. */
static uint16_t
decompress(uint16_t y, unsigned d)
{
	return (uint16_t)(((uint32_t)y * Q + (1u << (d - 1))) >> d);
}

/* Algorithm 5, ByteEncode_d: the 256 d-bit values, least significant bit
 * first, packed into 32 d bytes. The loop shape depends only on d. */
static void
byte_encode(uint8_t *out, const struct poly *f, unsigned d)
{
	uint32_t acc = 0;
	unsigned bits = 0;

	for (int i = 0; i < N; i++) {
		acc |= (uint32_t)f->c[i] << bits;
		bits += d;
		while (bits >= 8) {
			*out++ = (uint8_t)acc;
			acc >>= 8;
			bits -= 8;
		}
	}
}

/* Algorithm 6, ByteDecode_d: the inverse. For d = 12 the values are taken
 * mod q as the algorithm says (they are below 2^12 < 2q, so one conditional
 * subtraction does it); for d < 12 they are mod 2^d by construction. */
static void
byte_decode(struct poly *f, const uint8_t *in, unsigned d)
{
	uint32_t acc = 0, mask = (1u << d) - 1;
	unsigned bits = 0;

	for (int i = 0; i < N; i++) {
		while (bits < d) {
			acc |= (uint32_t)*in++ << bits;
			bits += 8;
		}
		f->c[i] = (uint16_t)(acc & mask);
		acc >>= d;
		bits -= d;
		if (d == 12)
			f->c[i] = csubq(f->c[i]);
	}
}

/* Section 7.2's modulus check: ByteEncode_12(ByteDecode_12(ek_PKE)) == ek_PKE,
 * which holds exactly when every 12-bit coefficient is below q. */
static int
ek_modulus_ok(const uint8_t ek[PKE_EK_LEN])
{
	uint32_t bad = 0;

	/* Two coefficients per 3 bytes. */
	for (int i = 0; i < K * POLY_BYTES; i += 3) {
		uint32_t c0 = ek[i] | (uint32_t)(ek[i + 1] & 0x0f) << 8;
		uint32_t c1 = ek[i + 1] >> 4 | (uint32_t)ek[i + 2] << 4;

		/* (c - q) >> 31 is 1 when c < q: collect the failures. */
		bad |= 1 ^ ((c0 - Q) >> 31);
		bad |= 1 ^ ((c1 - Q) >> 31);
	}
	return bad == 0;
}

/* --- section 4.2.2: sampling ----------------------------------------------------- */

/* Algorithm 7, SampleNTT(rho || j || i): rejection sampling of a uniform
 * NTT-domain polynomial from SHAKE128. Squeezing a block (56 triples) at a
 * time reads the same stream as the algorithm's 3 bytes at a time; as many
 * blocks as it takes, because more than the usual 3 are sometimes needed.
 * rho is public, so branching on the samples is fine. */
static void
sample_ntt(struct poly *a, const uint8_t rho[32], uint8_t j, uint8_t i)
{
	struct rp_keccak xof;
	uint8_t seed[34], buf[RP_SHAKE128_RATE];
	int n = 0;

	memcpy(seed, rho, 32);
	seed[32] = j;
	seed[33] = i;
	rp_shake128_init(&xof);
	rp_shake_absorb(&xof, seed, sizeof(seed));
	rp_shake_finish(&xof);
	while (n < N) {
		rp_shake_squeeze(&xof, buf, sizeof(buf));
		for (size_t p = 0; p < sizeof(buf) && n < N; p += 3) {
			uint16_t d1 = buf[p] | (uint16_t)(buf[p + 1] & 0x0f) << 8;
			uint16_t d2 = buf[p + 1] >> 4 | (uint16_t)buf[p + 2] << 4;

			if (d1 < Q)
				a->c[n++] = d1;
			if (d2 < Q && n < N)
				a->c[n++] = d2;
		}
	}
}

/* Algorithm 8, SamplePolyCBD_2(PRF_2(s, b)), with PRF_eta(s, b) =
 * SHAKE256(s || b, 64 eta bytes) (section 4.1). Each coefficient is
 * (b0 + b1) - (b2 + b3) from 4 bits, so a byte gives two; the result in
 * [-2, 2] is stored as x + q - y, reduced without a branch. */
static void
sample_cbd2(struct poly *f, const uint8_t s[32], uint8_t b)
{
	struct {
		uint8_t in[33];
		uint8_t buf[64 * 2];
	} t;

	_Static_assert(ETA1 == 2 && ETA2 == 2, "sample_cbd2 is for eta = 2");
	memcpy(t.in, s, 32);
	t.in[32] = b;
	rp_shake256(t.buf, sizeof(t.buf), t.in, sizeof(t.in));
	for (int i = 0; i < N / 2; i++) {
		uint32_t v = t.buf[i];

		for (int h = 0; h < 2; h++, v >>= 4) {
			uint32_t x = (v & 1) + ((v >> 1) & 1);
			uint32_t y = ((v >> 2) & 1) + ((v >> 3) & 1);

			f->c[2 * i + h] = csubq(x + Q - y);
		}
	}
	rp_wipe(&t, sizeof(t));
}

/* --- section 4.3: the NTT ---------------------------------------------------------- */

/* Algorithm 9: in-place NTT, coefficients in [0, q) in and out. */
static void
ntt(struct poly *f)
{
	int i = 1;

	for (int len = 128; len >= 2; len /= 2) {
		for (int start = 0; start < N; start += 2 * len) {
			uint16_t zeta = rp_mlkem768_zetas[i++];

			for (int j = start; j < start + len; j++) {
				uint16_t t = mulq(zeta, f->c[j + len]);

				f->c[j + len] = csubq((uint32_t)f->c[j] + Q - t);
				f->c[j] = csubq((uint32_t)f->c[j] + t);
			}
		}
	}
}

/* Algorithm 10: in-place NTT^-1, including the final scaling by 128^-1. */
static void
ntt_inverse(struct poly *f)
{
	int i = 127;

	for (int len = 2; len <= 128; len *= 2) {
		for (int start = 0; start < N; start += 2 * len) {
			uint16_t zeta = rp_mlkem768_zetas[i--];

			for (int j = start; j < start + len; j++) {
				uint16_t t = f->c[j];

				f->c[j] = csubq((uint32_t)t + f->c[j + len]);
				/* < 2q times < q fits reduce()'s 32 bits. */
				f->c[j + len] = reduce(((uint32_t)f->c[j + len] + Q - t) * zeta);
			}
		}
	}
	for (int j = 0; j < N; j++)
		f->c[j] = mulq(f->c[j], NINV);
}

/* acc += a-hat x b-hat (Algorithm 11, MultiplyNTTs, with Algorithm 12,
 * BaseCaseMultiply, for each pair: (a0 + a1 X)(b0 + b1 X) mod X^2 - gamma),
 * left unreduced. One call adds less than 2q^2 < 2^25 per coefficient, so
 * the K products of a dot product fit in 32 bits before reduce_acc(). */
static void
multiply_ntts_acc(uint32_t acc[N], const struct poly *a, const struct poly *b)
{
	for (int i = 0; i < N / 2; i++) {
		uint32_t a0 = a->c[2 * i], a1 = a->c[2 * i + 1];
		uint32_t b0 = b->c[2 * i], b1 = b->c[2 * i + 1];

		acc[2 * i] += a0 * b0 + (uint32_t)reduce(a1 * b1) * rp_mlkem768_gammas[i];
		acc[2 * i + 1] += a0 * b1 + a1 * b0;
	}
}

static void
reduce_acc(struct poly *f, const uint32_t acc[N])
{
	for (int i = 0; i < N; i++)
		f->c[i] = reduce(acc[i]);
}

static void
poly_add(struct poly *f, const struct poly *g)
{
	for (int i = 0; i < N; i++)
		f->c[i] = csubq((uint32_t)f->c[i] + g->c[i]);
}

/* --- section 5: K-PKE ----------------------------------------------------------- */

/* Algorithm 13, K-PKE.KeyGen(d): ek_PKE and dk_PKE. */
static void
pke_keygen(uint8_t ek[PKE_EK_LEN], uint8_t dk[PKE_DK_LEN], const uint8_t d[32])
{
	struct {
		uint8_t seed[33];
		uint8_t rho_sigma[64];
		struct poly s[K], e, a, t_hat;
		uint32_t acc[N];
	} t;
	const uint8_t *rho = t.rho_sigma, *sigma = t.rho_sigma + 32;
	uint8_t nonce = 0;

	/* (rho, sigma) = G(d || k): the byte k separates the parameter sets. */
	memcpy(t.seed, d, 32);
	t.seed[32] = K;
	rp_sha3_512(t.rho_sigma, t.seed, sizeof(t.seed));

	for (int i = 0; i < K; i++) {
		sample_cbd2(&t.s[i], sigma, nonce++);
		ntt(&t.s[i]);
	}
	/* t-hat = A-hat s-hat + e-hat, row by row: A-hat[i, j] =
	 * SampleNTT(rho || j || i), and e[i] takes nonces k .. 2k - 1. */
	for (int i = 0; i < K; i++) {
		memset(t.acc, 0, sizeof(t.acc));
		for (int j = 0; j < K; j++) {
			sample_ntt(&t.a, rho, (uint8_t)j, (uint8_t)i);
			multiply_ntts_acc(t.acc, &t.a, &t.s[j]);
		}
		reduce_acc(&t.t_hat, t.acc);
		sample_cbd2(&t.e, sigma, nonce++);
		ntt(&t.e);
		poly_add(&t.t_hat, &t.e);
		byte_encode(ek + i * POLY_BYTES, &t.t_hat, 12);
	}
	memcpy(ek + K * POLY_BYTES, rho, 32);
	for (int i = 0; i < K; i++)
		byte_encode(dk + i * POLY_BYTES, &t.s[i], 12);
	rp_wipe(&t, sizeof(t));
}

/* Algorithm 14, K-PKE.Encrypt(ek_PKE, m, r). ek_PKE's coefficients are
 * reduced mod q on decoding; checking them is the caller's business
 * (section 7.2 for Encaps; Decaps uses its own stored ek). */
static void
pke_encrypt(uint8_t ct[RP_MLKEM768_CT_LEN], const uint8_t ek[PKE_EK_LEN], const uint8_t m[32],
    const uint8_t r[32])
{
	struct {
		struct poly y[K], a, u, e;
		uint32_t acc[N];
	} t;
	const uint8_t *rho = ek + K * POLY_BYTES;

	/* Nonces: y takes 0 .. k-1, e1 k .. 2k-1, e2 2k. */
	for (int i = 0; i < K; i++) {
		sample_cbd2(&t.y[i], r, (uint8_t)i);
		ntt(&t.y[i]);
	}
	/* u = NTT^-1(A-hat^T y-hat) + e1: entry (i, j) of A-hat^T is
	 * A-hat[j, i] = SampleNTT(rho || i || j). */
	for (int i = 0; i < K; i++) {
		memset(t.acc, 0, sizeof(t.acc));
		for (int j = 0; j < K; j++) {
			sample_ntt(&t.a, rho, (uint8_t)i, (uint8_t)j);
			multiply_ntts_acc(t.acc, &t.a, &t.y[j]);
		}
		reduce_acc(&t.u, t.acc);
		ntt_inverse(&t.u);
		sample_cbd2(&t.e, r, (uint8_t)(K + i));
		poly_add(&t.u, &t.e);
		for (int n = 0; n < N; n++)
			t.u.c[n] = compress(t.u.c[n], DU);
		byte_encode(ct + i * C1_POLY_LEN, &t.u, DU);
	}
	/* v = NTT^-1(t-hat^T y-hat) + e2 + mu, mu = Decompress_1(ByteDecode_1(m)). */
	memset(t.acc, 0, sizeof(t.acc));
	for (int j = 0; j < K; j++) {
		byte_decode(&t.a, ek + j * POLY_BYTES, 12);
		multiply_ntts_acc(t.acc, &t.a, &t.y[j]);
	}
	reduce_acc(&t.u, t.acc);
	ntt_inverse(&t.u);
	sample_cbd2(&t.e, r, 2 * K);
	poly_add(&t.u, &t.e);
	byte_decode(&t.e, m, 1);
	for (int n = 0; n < N; n++)
		t.e.c[n] = decompress(t.e.c[n], 1);
	poly_add(&t.u, &t.e);
	for (int n = 0; n < N; n++)
		t.u.c[n] = compress(t.u.c[n], DV);
	byte_encode(ct + C1_LEN, &t.u, DV);
	rp_wipe(&t, sizeof(t));
}

/* Algorithm 15, K-PKE.Decrypt(dk_PKE, c): m' = Compress_1(v' - s^T u'). */
static void
pke_decrypt(uint8_t m[32], const uint8_t dk[PKE_DK_LEN], const uint8_t ct[RP_MLKEM768_CT_LEN])
{
	struct {
		struct poly u, s, w;
		uint32_t acc[N];
	} t;

	memset(t.acc, 0, sizeof(t.acc));
	for (int i = 0; i < K; i++) {
		byte_decode(&t.u, ct + i * C1_POLY_LEN, DU);
		for (int n = 0; n < N; n++)
			t.u.c[n] = decompress(t.u.c[n], DU);
		ntt(&t.u);
		byte_decode(&t.s, dk + i * POLY_BYTES, 12);
		multiply_ntts_acc(t.acc, &t.s, &t.u);
	}
	reduce_acc(&t.w, t.acc);
	ntt_inverse(&t.w);
	byte_decode(&t.u, ct + C1_LEN, DV);
	for (int n = 0; n < N; n++) {
		uint16_t v = decompress(t.u.c[n], DV);

		t.w.c[n] = compress(csubq((uint32_t)v + Q - t.w.c[n]), 1);
	}
	byte_encode(m, &t.w, 1);
	rp_wipe(&t, sizeof(t));
}

/* --- sections 6 and 7: ML-KEM ---------------------------------------------------- */

void
rp_mlkem768_keygen_internal(const uint8_t d[32], const uint8_t z[32],
    uint8_t ek[RP_MLKEM768_EK_LEN], uint8_t dk[RP_MLKEM768_DK_LEN])
{
	/* Algorithm 16: dk = dk_PKE || ek || H(ek) || z. */
	pke_keygen(ek, dk, d);
	memcpy(dk + DK_EK_OFF, ek, PKE_EK_LEN);
	rp_sha3_256(dk + DK_H_OFF, ek, PKE_EK_LEN);
	memcpy(dk + DK_Z_OFF, z, 32);
}

void
rp_mlkem768_keygen(uint8_t ek[RP_MLKEM768_EK_LEN], uint8_t dk[RP_MLKEM768_DK_LEN])
{
	uint8_t seeds[64];

	/* Algorithm 19: d and z fresh from the RNG. */
	rp_random_bytes(seeds, sizeof(seeds));
	rp_mlkem768_keygen_internal(seeds, seeds + 32, ek, dk);
	rp_wipe(seeds, sizeof(seeds));
}

int
rp_mlkem768_encaps_internal(const uint8_t ek[RP_MLKEM768_EK_LEN], const uint8_t m[32],
    uint8_t ct[RP_MLKEM768_CT_LEN], uint8_t ss[RP_MLKEM768_SS_LEN])
{
	struct {
		uint8_t m_h[64]; /* m || H(ek) */
		uint8_t k_r[64]; /* (K, r) = G(m || H(ek)) */
	} t;

	/* Section 7.2: the length check is the array type; the modulus
	 * check is this. ek is public, so the branch is fine. */
	if (!ek_modulus_ok(ek)) {
		rp_wipe(ct, RP_MLKEM768_CT_LEN);
		rp_wipe(ss, RP_MLKEM768_SS_LEN);
		return 0;
	}
	/* Algorithm 17. */
	memcpy(t.m_h, m, 32);
	rp_sha3_256(t.m_h + 32, ek, RP_MLKEM768_EK_LEN);
	rp_sha3_512(t.k_r, t.m_h, sizeof(t.m_h));
	pke_encrypt(ct, ek, m, t.k_r + 32);
	memcpy(ss, t.k_r, RP_MLKEM768_SS_LEN);
	rp_wipe(&t, sizeof(t));
	return 1;
}

int
rp_mlkem768_encaps(const uint8_t ek[RP_MLKEM768_EK_LEN], uint8_t ct[RP_MLKEM768_CT_LEN],
    uint8_t ss[RP_MLKEM768_SS_LEN])
{
	uint8_t m[32];
	int ok;

	/* Algorithm 20: m fresh from the RNG. */
	rp_random_bytes(m, sizeof(m));
	ok = rp_mlkem768_encaps_internal(ek, m, ct, ss);
	rp_wipe(m, sizeof(m));
	return ok;
}

int
rp_mlkem768_decaps(const uint8_t dk[RP_MLKEM768_DK_LEN], const uint8_t ct[RP_MLKEM768_CT_LEN],
    uint8_t ss[RP_MLKEM768_SS_LEN])
{
	struct {
		uint8_t h[32];
		uint8_t m_h[64];  /* m' || h */
		uint8_t k_r[64];  /* (K', r') = G(m' || h) */
		uint8_t k_bar[32];
		uint8_t ct2[RP_MLKEM768_CT_LEN];
		struct rp_keccak j;
	} t;
	const uint8_t *ek = dk + DK_EK_OFF, *h = dk + DK_H_OFF, *z = dk + DK_Z_OFF;
	uint8_t keep;

	/* Section 7.3's hash check: the H(ek) stored in dk is right. (The
	 * ciphertext and dk type checks are the array types.) */
	rp_sha3_256(t.h, ek, PKE_EK_LEN);
	if (!rp_ct_equal(t.h, h, sizeof(t.h))) {
		rp_wipe(&t, sizeof(t));
		rp_wipe(ss, RP_MLKEM768_SS_LEN);
		return 0;
	}

	/* Algorithm 18 (Decaps_internal). */
	pke_decrypt(t.m_h, dk, ct);
	memcpy(t.m_h + 32, h, 32);
	rp_sha3_512(t.k_r, t.m_h, sizeof(t.m_h));
	/* K-bar = J(z || c) = SHAKE256(z || c, 32 bytes). */
	rp_shake256_init(&t.j);
	rp_shake_absorb(&t.j, z, 32);
	rp_shake_absorb(&t.j, ct, RP_MLKEM768_CT_LEN);
	rp_shake_finish(&t.j);
	rp_shake_squeeze(&t.j, t.k_bar, sizeof(t.k_bar));
	/* Re-encrypt; the ciphertext was honest when it comes out the same.
	 * Whether it did is secret (it tells the attacker whether a forged
	 * ciphertext decrypted to the same m'), so the comparison is constant
	 * time and the key is chosen under a mask, not a branch. */
	pke_encrypt(t.ct2, ek, t.m_h, t.k_r + 32);
	keep = (uint8_t)(0u - (unsigned)rp_ct_equal(ct, t.ct2, RP_MLKEM768_CT_LEN));
	for (int i = 0; i < RP_MLKEM768_SS_LEN; i++)
		ss[i] = (uint8_t)((t.k_r[i] & keep) | (t.k_bar[i] & (uint8_t)~keep));
	rp_wipe(&t, sizeof(t));
	return 1;
}

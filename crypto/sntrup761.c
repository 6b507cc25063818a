/*
 * crypto/sntrup761.c: Streamlined NTRU Prime sntrup761, written from the
 * specification part of "NTRU Prime: round 3" (NIST PQC round-3 submission,
 * 20201007); the names below are the document's:
 *
 *   - parameters p = 761, q = 4591, w = 286 (the sntrup761 parameter set);
 *   - the rings R/q = (Z/q)[x]/(x^p - x - 1) and R/3, Small and Short
 *     elements, Round, and the Streamlined NTRU Prime Core: KeyGen',
 *     Encrypt, Decrypt;
 *   - "Encoding": the general Encode/Decode of integer lists with moduli,
 *     and from it Rq_encode (moduli q), Rounded_encode (moduli (q+2)/3),
 *     Small_encode (2 bits per coefficient);
 *   - "Hashing": Hash_b(z) = first 32 bytes of SHA-512(b || z), the cached
 *     Hash_4(pk), HashConfirm and HashSession;
 *   - the Streamlined NTRU Prime KEM: KeyGen, Encap with Hide, Decap with
 *     implicit rejection through rho.
 *
 * The document also fixes how the reference implementation turns random
 * 32-bit words into Small (Small_random) and Short (Short_fromlist: tag,
 * sort, untag) polynomials; the NIST KAT files depend on exactly that, and
 * on one 4-byte randombytes call per word, so this file draws the same way.
 *
 * Constant time: nothing secret chooses a branch, a memory address, or the
 * operand of a division. Reductions mod q and mod 3 are multiply-and-shift
 * (Barrett) with masks; inversions run a fixed number of "divsteps"
 * (Bernstein and Yang, "Fast constant-time gcd computation and modular
 * inversion", 2019, section 6 for polynomials); the sort of Short_fromlist
 * is a sorting network (Batcher's merge exchange, Knuth TAOCP vol. 3,
 * 5.2.2 Algorithm M) of masked compare-exchanges; the weight check and the
 * re-encryption comparison are masks. Only public data (pk, ct and the
 * fixed moduli) ever meets '/' or '%', in Decode.
 *
 * Polynomials are arrays of p coefficients, index i holding x^i. Elements
 * of Z/q are int16_t in -(q-1)/2..(q-1)/2, elements of Z/3 int8_t in -1..1.
 */
#include "crypto/sntrup761.h"

#include <string.h>

#include <openssl/sha.h>

#include "crypto/secret.h"

#define P 761
#define Q 4591
#define W 286
#define Q12 ((Q - 1) / 2)
/* The moduli of Rounded_encode: a rounded coefficient is 3k - Q12 with
 * 0 <= k < (q + 2) / 3. */
#define ROUNDED_M ((Q + 2) / 3)

#define SMALL_BYTES ((P + 3) / 4)
#define RQ_BYTES 1158
#define ROUNDED_BYTES 1007
#define HASH_BYTES 32
/* sntrup's Inputs are Short polynomials, sent as Small_encode. */
#define INPUT_BYTES SMALL_BYTES

/* The secret key's fields, in round-3 order. */
#define SK_F 0
#define SK_GINV (SK_F + SMALL_BYTES)
#define SK_PK (SK_GINV + SMALL_BYTES)
#define SK_RHO (SK_PK + RP_SNTRUP761_PK_LEN)
#define SK_CACHE (SK_RHO + INPUT_BYTES)

_Static_assert(RP_SNTRUP761_PK_LEN == RQ_BYTES, "pk is Rq_encode(h)");
_Static_assert(RP_SNTRUP761_CT_LEN == ROUNDED_BYTES + HASH_BYTES, "ct is c, confirm");
_Static_assert(SK_CACHE + HASH_BYTES == RP_SNTRUP761_SK_LEN, "sk layout");
_Static_assert(RP_SNTRUP761_SS_LEN == HASH_BYTES, "session key is one hash");

/* --- constant-time helpers ------------------------------------------------ */

/* -1 if x < 0, else 0. */
static inline int32_t
mask_negative(int32_t x)
{
	return -(int32_t)((uint32_t)x >> 31);
}

/* -1 if x != 0, else 0 (for |x| < 2^31: x or -x is then negative). */
static inline int32_t
mask_nonzero(int32_t x)
{
	return mask_negative(x | -x);
}

/* x mod q in -Q12..Q12, for |x| <= 2^24. Two Barrett steps in 32 bits:
 * 114 / 2^19 is just under 1/q, so the first leaves |x| < 2^16; 14618 / 2^26
 * rounds to nearest closely enough that only the edges of -Q12..Q12 can be
 * off by q, which the two masks fix. Checked for every |x| <= 2^24. */
static inline int16_t
fq_freeze(int32_t x)
{
	x -= Q * ((x * 114) >> 19);
	x -= Q * ((x * 14618 + (1 << 25)) >> 26);
	x += Q & mask_negative(x + Q12);
	x -= Q & mask_negative(Q12 - x);
	return (int16_t)x;
}

/* x mod 3 in -1..1, for |x| < 16384: 21846 / 2^16 rounds x / 3 to nearest.
 * Checked for every |x| < 16384. */
static inline int8_t
f3_freeze(int32_t x)
{
	return (int8_t)(x - 3 * ((x * 21846 + (1 << 15)) >> 16));
}

/* a^(q-2) = 1/a in Z/q (a != 0). The exponent is public, so walking its
 * bits is constant time. */
static int16_t
fq_recip(int16_t a)
{
	int32_t result = 1, base = a;

	for (unsigned e = Q - 2; e != 0; e >>= 1) {
		if (e & 1)
			result = fq_freeze(result * base);
		base = fq_freeze(base * base);
	}
	return (int16_t)result;
}

/* --- arithmetic in R/q and R/3 ------------------------------------------- */

/* p rounded up to whole vectors (see rq_mult_small). */
#define MULT_LEN 768
_Static_assert(MULT_LEN >= P && MULT_LEN % 32 == 0, "whole vectors");

/* h = a * b in R/q, with b Small. Schoolbook product, then x^p = x + 1
 * folds the top half down: x^(p+k) = x^(k+1) + x^k. Every coefficient of
 * the product is at most p * Q12 in size and the fold adds at most two
 * more, so all of it stays below 2^24 for fq_freeze. */
static void
rq_mult_small(int16_t h[P], const int16_t a[P], const int8_t b[P])
{
	int32_t prod[P + MULT_LEN];
	int16_t bb[MULT_LEN];

	/* b padded with zeros to whole vectors, so that gcc -O2 vectorizes
	 * the inner loop; the extra products are zero. */
	memset(bb, 0, sizeof(bb));
	for (int j = 0; j < P; j++)
		bb[j] = b[j];
	memset(prod, 0, sizeof(prod));
	for (int i = 0; i < P; i++)
		for (int j = 0; j < MULT_LEN; j++)
			prod[i + j] += (int32_t)a[i] * bb[j];
	for (int i = 2 * P - 2; i >= P; i--) {
		prod[i - P] += prod[i];
		prod[i - P + 1] += prod[i];
	}
	for (int i = 0; i < P; i++)
		h[i] = fq_freeze(prod[i]);
	rp_wipe(prod, sizeof(prod));
	rp_wipe(bb, sizeof(bb));
}

/* h = a * b in R/3; coefficients stay below 3p, inside f3_freeze's range. */
static void
r3_mult(int8_t h[P], const int8_t a[P], const int8_t b[P])
{
	int32_t prod[P + MULT_LEN];
	int16_t bb[MULT_LEN];

	memset(bb, 0, sizeof(bb));
	for (int j = 0; j < P; j++)
		bb[j] = b[j];
	memset(prod, 0, sizeof(prod));
	for (int i = 0; i < P; i++)
		for (int j = 0; j < MULT_LEN; j++)
			prod[i + j] += (int32_t)a[i] * bb[j];
	for (int i = 2 * P - 2; i >= P; i--) {
		prod[i - P] += prod[i];
		prod[i - P + 1] += prod[i];
	}
	for (int i = 0; i < P; i++)
		h[i] = f3_freeze(prod[i]);
	rp_wipe(prod, sizeof(prod));
	rp_wipe(bb, sizeof(bb));
}

/*
 * Inversion modulo M = x^p - x - 1 by Bernstein-Yang divsteps, over Z/q or
 * Z/3 (the two versions below differ only in the reduction).
 *
 * Work on reversed polynomials: f = x^p M(1/x) = 1 - x^(p-1) - x^p and
 * g = x^(p-1) G(1/x), delta = 1. One divstep: if delta > 0 and g(0) != 0,
 * swap f and g and negate delta; then delta += 1 and
 * g = (f(0) g - g(0) f) / x (exact: the constant term cancels). After
 * 2p - 1 divsteps delta is 0 exactly when gcd(G, M) = 1, and f is then a
 * nonzero constant c (proved in section 6 of the paper).
 *
 * Alongside, track how f came from the starting g: f_n = u_n f_0 + v_n g_0
 * with v_n in k[1/x], and the same for g_n with r_n. Kept as polynomials in
 * x: vs = x^(n-1) v_n and rs = x^n r_n. Then one divstep is: vs = x * vs,
 * swap (vs, rs) with (f, g), rs = f(0) rs - g(0) vs. At the end
 * vs = sum a_i x^(2p-2-i) for v = sum a_i x^-i, and reversing the
 * substitution gives A G = c x^(p-1) mod M with A = sum a_i x^i, where
 * a_i = 0 for i < p - 1 (same section): 1/G = vs[p-1-k] / c at x^k.
 *
 * Only vs[0..p-1] is needed, and every step moves coefficients of vs and rs
 * upward or leaves them in place, so what passes index p - 1 never comes
 * back down. All loops have fixed length; the swap is by mask.
 *
 * The arrays are RECIP_LEN > p long and every loop runs over all of them:
 * with a trip count that is a multiple of the vector width, gcc -O2
 * vectorizes the loops (4 to 6 times faster). The extra entries of f and g
 * stay zero (the shift brings in zeros and 0 - 0 = 0); those of vs and rs
 * fill with coefficients that have passed p - 1, harmless as said.
 */
#define RECIP_LEN 768
_Static_assert(RECIP_LEN > P && RECIP_LEN % 32 == 0, "room for f's x^p, whole vectors");

/* out = 1/(3 in) in R/q. in is Short, hence nonzero, and M is irreducible
 * mod q, so the inverse always exists. */
static void
rq_recip3(int16_t out[P], const int8_t in[P])
{
	int16_t f[RECIP_LEN], g[RECIP_LEN], vs[RECIP_LEN], rs[RECIP_LEN];
	int32_t delta = 1, scale;

	memset(f, 0, sizeof(f));
	f[0] = 1;
	f[P - 1] = -1;
	f[P] = -1;
	memset(g, 0, sizeof(g));
	for (int i = 0; i < P; i++)
		g[P - 1 - i] = in[i];
	memset(vs, 0, sizeof(vs));
	memset(rs, 0, sizeof(rs));
	rs[0] = 1;

	for (int n = 0; n < 2 * P - 1; n++) {
		int32_t swap, f0, g0;

		memmove(vs + 1, vs, (RECIP_LEN - 1) * sizeof(vs[0]));
		vs[0] = 0;

		swap = mask_negative(-delta) & mask_nonzero(g[0]);
		delta ^= swap & (delta ^ -delta);
		delta += 1;
		for (int i = 0; i < RECIP_LEN; i++) {
			int16_t t = (int16_t)(swap & (f[i] ^ g[i]));
			f[i] ^= t;
			g[i] ^= t;
		}
		for (int i = 0; i < RECIP_LEN; i++) {
			int16_t t = (int16_t)(swap & (vs[i] ^ rs[i]));
			vs[i] ^= t;
			rs[i] ^= t;
		}

		f0 = f[0];
		g0 = g[0];
		for (int i = 0; i < RECIP_LEN; i++)
			g[i] = fq_freeze(f0 * g[i] - g0 * f[i]);
		for (int i = 0; i < RECIP_LEN; i++)
			rs[i] = fq_freeze(f0 * rs[i] - g0 * vs[i]);
		memmove(g, g + 1, (RECIP_LEN - 1) * sizeof(g[0]));
		g[RECIP_LEN - 1] = 0;
	}

	/* 1/(3 in) = (1/in) / 3: fold the 1/3 into 1/c. */
	scale = fq_recip(fq_freeze(3 * f[0]));
	for (int i = 0; i < P; i++)
		out[i] = fq_freeze(scale * vs[P - 1 - i]);

	rp_wipe(f, sizeof(f));
	rp_wipe(g, sizeof(g));
	rp_wipe(vs, sizeof(vs));
	rp_wipe(rs, sizeof(rs));
}

/* out = 1/in in R/3. Returns 0 when in is invertible, -1 when not (then
 * out is meaningless). M is not irreducible mod 3, so this can fail. */
static int
r3_recip(int8_t out[P], const int8_t in[P])
{
	int8_t f[RECIP_LEN], g[RECIP_LEN], vs[RECIP_LEN], rs[RECIP_LEN];
	int32_t delta = 1, c;

	memset(f, 0, sizeof(f));
	f[0] = 1;
	f[P - 1] = -1;
	f[P] = -1;
	memset(g, 0, sizeof(g));
	for (int i = 0; i < P; i++)
		g[P - 1 - i] = in[i];
	memset(vs, 0, sizeof(vs));
	memset(rs, 0, sizeof(rs));
	rs[0] = 1;

	for (int n = 0; n < 2 * P - 1; n++) {
		int32_t swap, f0, g0;

		memmove(vs + 1, vs, (RECIP_LEN - 1) * sizeof(vs[0]));
		vs[0] = 0;

		swap = mask_negative(-delta) & mask_nonzero(g[0]);
		delta ^= swap & (delta ^ -delta);
		delta += 1;
		for (int i = 0; i < RECIP_LEN; i++) {
			int8_t t = (int8_t)(swap & (f[i] ^ g[i]));
			f[i] ^= t;
			g[i] ^= t;
		}
		for (int i = 0; i < RECIP_LEN; i++) {
			int8_t t = (int8_t)(swap & (vs[i] ^ rs[i]));
			vs[i] ^= t;
			rs[i] ^= t;
		}

		f0 = f[0];
		g0 = g[0];
		for (int i = 0; i < RECIP_LEN; i++)
			g[i] = f3_freeze(f0 * g[i] - g0 * f[i]);
		for (int i = 0; i < RECIP_LEN; i++)
			rs[i] = f3_freeze(f0 * rs[i] - g0 * vs[i]);
		memmove(g, g + 1, (RECIP_LEN - 1) * sizeof(g[0]));
		g[RECIP_LEN - 1] = 0;
	}

	/* c = f(0) is 1 or -1 when invertible, its own inverse. */
	c = f[0];
	for (int i = 0; i < P; i++)
		out[i] = f3_freeze(c * vs[P - 1 - i]);

	rp_wipe(f, sizeof(f));
	rp_wipe(g, sizeof(g));
	rp_wipe(vs, sizeof(vs));
	rp_wipe(rs, sizeof(rs));
	return (int)mask_nonzero(delta);
}

/* --- random Small and Short polynomials ---------------------------------- */

/* n random 32-bit words. With a caller's source, each word is its own
 * 4-byte call, little-endian, as the reference implementation's urandom32
 * (the KATs depend on it); the system RNG has no such order to keep. */
static void
random_words(uint32_t *out, size_t n, rp_sntrup761_random_fn rnd, void *ctx)
{
	uint8_t c[4];

	if (rnd == NULL) {
		rp_random_bytes(out, n * sizeof(out[0]));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		rnd(ctx, c, sizeof(c));
		out[i] = (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 |
		    (uint32_t)c[3] << 24;
	}
	rp_wipe(c, sizeof(c));
}

/* Small_random: each coefficient is floor(3 u / 2^30) - 1 for the low 30
 * bits u of a word: -1, 0 or 1, almost uniform. */
static void
small_random(int8_t out[P], rp_sntrup761_random_fn rnd, void *ctx)
{
	uint32_t words[P];

	random_words(words, P, rnd, ctx);
	for (int i = 0; i < P; i++)
		out[i] = (int8_t)((((words[i] & 0x3fffffff) * 3) >> 30) - 1);
	rp_wipe(words, sizeof(words));
}

/* Sort into ascending order, in constant time: the pair is exchanged by
 * mask, never by branch. The empty asm keeps the compiler from turning the
 * mask back into a branch. */
static inline void
minmax(uint32_t *a, uint32_t *b)
{
	uint32_t x = *a, y = *b, m, t;

	m = (uint32_t)0 - (uint32_t)(((uint64_t)y - x) >> 63); /* all ones iff y < x */
	__asm__("" : "+r"(m));
	t = (x ^ y) & m;
	*a = x ^ t;
	*b = y ^ t;
}

/* Batcher's merge exchange (TAOCP 5.2.2, Algorithm M) for any n >= 2: which
 * pairs are compared depends only on n. */
static void
sort_u32(uint32_t *x, size_t n)
{
	size_t t = 1;

	while (((size_t)1 << t) < n)
		t++;
	for (size_t p = (size_t)1 << (t - 1); p > 0; p >>= 1) {
		size_t q = (size_t)1 << (t - 1), r = 0, d = p;

		for (;;) {
			for (size_t i = 0; i + d < n; i++)
				if ((i & p) == r)
					minmax(&x[i], &x[i + d]);
			if (q == p)
				break;
			d = q - p;
			q >>= 1;
			r = p;
		}
	}
}

/* Short_random through Short_fromlist: tag the low 2 bits of p words, w
 * of them as +-1 (0 or 2) and the rest as 0 (1), sort, and read the tags
 * back: a uniformly placed set of w nonzero coefficients. */
static void
short_random(int8_t out[P], rp_sntrup761_random_fn rnd, void *ctx)
{
	uint32_t words[P];

	random_words(words, P, rnd, ctx);
	for (int i = 0; i < W; i++)
		words[i] &= ~(uint32_t)1;
	for (int i = W; i < P; i++)
		words[i] = (words[i] & ~(uint32_t)3) | 1;
	sort_u32(words, P);
	for (int i = 0; i < P; i++)
		out[i] = (int8_t)((words[i] & 3) - 1);
	rp_wipe(words, sizeof(words));
}

/* --- encodings ------------------------------------------------------------ */

/* Encode(R, M) ("Encoding"): pairs (r0, r1) with moduli (m0, m1) merge
 * into r0 + m0 r1 mod m0 m1, sending low bytes out while the merged modulus
 * is at least 2^14; the merged list is encoded the same way until one
 * integer is left, which goes out whole. Which bytes go where depends only
 * on the moduli, so encoding is constant time in R. R and M are consumed.
 * Returns the number of bytes written. */
static size_t
encode(uint8_t *out, uint16_t *r, uint16_t *m, size_t len)
{
	size_t n = 0;

	while (len > 1) {
		size_t i;

		for (i = 0; i + 1 < len; i += 2) {
			uint32_t rr = r[i] + (uint32_t)r[i + 1] * m[i];
			uint32_t mm = (uint32_t)m[i] * m[i + 1];

			while (mm >= 16384) {
				out[n++] = (uint8_t)rr;
				rr >>= 8;
				mm = (mm + 255) >> 8;
			}
			r[i / 2] = (uint16_t)rr;
			m[i / 2] = (uint16_t)mm;
		}
		if (i < len) {
			r[i / 2] = r[i];
			m[i / 2] = m[i];
		}
		len = (len + 1) / 2;
	}
	if (len == 1) {
		uint32_t rr = r[0], mm = m[0];

		while (mm > 1) {
			out[n++] = (uint8_t)rr;
			rr >>= 8;
			mm = (mm + 255) >> 8;
		}
	}
	return n;
}

/* How many bytes Encode sends out for a pair whose merged modulus is *mm,
 * leaving in *mm what is carried up. */
static unsigned
pair_bytes(uint32_t *mm)
{
	unsigned nb = 0;

	while (*mm >= 16384) {
		nb++;
		*mm = (*mm + 255) >> 8;
	}
	return nb;
}

/* Levels of Encode for p integers: ceil(log2 p) + 1 = 11 of them, with
 * p + ceil(p/2) + ... + 1 < 2p + DECODE_LEVELS moduli in all. */
#define DECODE_LEVELS 16

/* Decode(S, M), the inverse of encode for len integers all with modulus m0,
 * defined for every byte string: each integer comes out reduced mod its
 * modulus. Only ever given public bytes (pk, ct), so the divisions are
 * harmless. Works level by level instead of recursing: first the moduli of
 * every level, then the values from the single top integer back down. */
static void
decode(uint16_t *out, const uint8_t *s, uint16_t m0, size_t len)
{
	uint16_t mods[2 * P + DECODE_LEVELS];
	size_t off[DECODE_LEVELS], cnt[DECODE_LEVELS], bytes_at[DECODE_LEVELS + 1];
	size_t levels = 0, bytes = 0;
	uint32_t top = 0, mtop;

	for (size_t i = 0; i < len; i++)
		mods[i] = m0;
	off[0] = 0;
	cnt[0] = len;
	while (cnt[levels] > 1) {
		const uint16_t *m = mods + off[levels];
		uint16_t *next = mods + off[levels] + cnt[levels];
		size_t n = cnt[levels], i;

		bytes_at[levels] = bytes;
		for (i = 0; i + 1 < n; i += 2) {
			uint32_t mm = (uint32_t)m[i] * m[i + 1];

			bytes += pair_bytes(&mm);
			next[i / 2] = (uint16_t)mm;
		}
		if (i < n)
			next[i / 2] = m[i];
		off[levels + 1] = off[levels] + n;
		cnt[levels + 1] = (n + 1) / 2;
		levels++;
	}
	bytes_at[levels] = bytes;

	mtop = mods[off[levels]];
	for (unsigned shift = 0; mtop > 1; shift += 8) {
		top |= (uint32_t)s[bytes++] << shift;
		mtop = (mtop + 255) >> 8;
	}
	out[0] = (uint16_t)(top % mods[off[levels]]);

	while (levels-- > 0) {
		const uint16_t *m = mods + off[levels];
		size_t n = cnt[levels], pos = bytes_at[levels + 1];

		if (n & 1)
			out[n - 1] = out[(n - 1) / 2];
		for (size_t i = (n & ~(size_t)1); i >= 2;) {
			uint32_t mm, rr;
			unsigned nb;

			i -= 2;
			mm = (uint32_t)m[i] * m[i + 1];
			nb = pair_bytes(&mm);
			pos -= nb;
			rr = (uint32_t)out[i / 2] << (8 * nb);
			for (unsigned k = 0; k < nb; k++)
				rr += (uint32_t)s[pos + k] << (8 * k);
			out[i] = (uint16_t)(rr % m[i]);
			out[i + 1] = (uint16_t)((rr / m[i]) % m[i + 1]);
		}
	}
}

/* Rq_encode: coefficient c goes as c + Q12 in 0..q-1. */
static void
rq_encode(uint8_t out[RQ_BYTES], const int16_t h[P])
{
	uint16_t r[P], m[P];

	for (int i = 0; i < P; i++) {
		r[i] = (uint16_t)(h[i] + Q12);
		m[i] = Q;
	}
	encode(out, r, m, P);
}

static void
rq_decode(int16_t h[P], const uint8_t in[RQ_BYTES])
{
	uint16_t r[P];

	decode(r, in, Q, P);
	for (int i = 0; i < P; i++)
		h[i] = (int16_t)(r[i] - Q12);
}

/* Rounded_encode: a rounded coefficient c = 3k - Q12 goes as k =
 * (c + Q12) / 3. The division is (y * 10923) >> 15, exact for multiples of
 * 3 below 3 * 2^15 (y = 3k gives k * 32769 >> 15 = k), because the
 * ciphertext recomputed in decapsulation is secret until compared. */
static void
rounded_encode(uint8_t out[ROUNDED_BYTES], const int16_t c[P])
{
	uint16_t r[P], m[P];

	for (int i = 0; i < P; i++) {
		r[i] = (uint16_t)(((uint32_t)(c[i] + Q12) * 10923) >> 15);
		m[i] = ROUNDED_M;
	}
	encode(out, r, m, P);
	rp_wipe(r, sizeof(r));
}

static void
rounded_decode(int16_t c[P], const uint8_t in[ROUNDED_BYTES])
{
	uint16_t r[P];

	decode(r, in, ROUNDED_M, P);
	for (int i = 0; i < P; i++)
		c[i] = (int16_t)(r[i] * 3 - Q12);
}

/* Small_encode: c + 1 in 2 bits, four coefficients a byte, lowest first;
 * the last byte holds the one coefficient left (p = 4 * 190 + 1). */
static void
small_encode(uint8_t out[SMALL_BYTES], const int8_t f[P])
{
	for (int i = 0; i < P / 4; i++) {
		uint8_t b = 0;

		for (int j = 0; j < 4; j++)
			b |= (uint8_t)((f[4 * i + j] + 1) << (2 * j));
		out[i] = b;
	}
	out[P / 4] = (uint8_t)(f[P - 1] + 1);
}

static void
small_decode(int8_t f[P], const uint8_t in[SMALL_BYTES])
{
	for (int i = 0; i < P / 4; i++)
		for (int j = 0; j < 4; j++)
			f[4 * i + j] = (int8_t)(((in[i] >> (2 * j)) & 3) - 1);
	f[P - 1] = (int8_t)((in[P / 4] & 3) - 1);
}

/* --- hashing ("Hashing") -------------------------------------------------- */

/* Hash_b(a || b): the first 32 bytes of SHA-512 of the byte b then the
 * inputs. */
static void
hash_prefix(uint8_t out[HASH_BYTES], uint8_t b, const uint8_t *in1, size_t len1,
    const uint8_t *in2, size_t len2)
{
	SHA512_CTX ctx;
	uint8_t digest[SHA512_DIGEST_LENGTH];

	SHA512_Init(&ctx);
	SHA512_Update(&ctx, &b, 1);
	SHA512_Update(&ctx, in1, len1);
	if (len2 > 0)
		SHA512_Update(&ctx, in2, len2);
	SHA512_Final(digest, &ctx);
	memcpy(out, digest, HASH_BYTES);
	rp_wipe(digest, sizeof(digest));
	rp_wipe(&ctx, sizeof(ctx));
}

/* --- the KEM -------------------------------------------------------------- */

/* Hide: Encrypt r under h (c = Round(h r)), encode it, and append
 * HashConfirm = Hash_2(Hash_3(r_enc) || Hash_4(pk)). r_hash is
 * Hash_3(r_enc), which the session key reuses. */
static void
hide(uint8_t ct[RP_SNTRUP761_CT_LEN], const uint8_t r_hash[HASH_BYTES], const int8_t r[P],
    const int16_t h[P], const uint8_t cache[HASH_BYTES])
{
	int16_t c[P];

	rq_mult_small(c, h, r);
	/* Round: the nearest multiple of 3, which stays in -Q12..Q12 because
	 * Q12 is a multiple of 3. */
	for (int i = 0; i < P; i++)
		c[i] = (int16_t)(c[i] - f3_freeze(c[i]));
	rounded_encode(ct, c);
	hash_prefix(ct + ROUNDED_BYTES, 2, r_hash, HASH_BYTES, cache, HASH_BYTES);
	rp_wipe(c, sizeof(c));
}

/* Decrypt: e = 3 f c in R/q lifted to -Q12..Q12, then reduced mod 3;
 * r = e / g = e * ginv in R/3. Anything but weight w becomes the fixed
 * Short (1,...,1,0,...,0) (w ones), which then fails re-encryption. */
static void
decrypt(int8_t r[P], const int16_t c[P], const int8_t f[P], const int8_t ginv[P])
{
	int16_t cf[P];
	int8_t e[P], ev[P];
	int32_t weight = 0, bad;

	rq_mult_small(cf, c, f);
	for (int i = 0; i < P; i++)
		e[i] = f3_freeze(fq_freeze(3 * cf[i]));
	r3_mult(ev, e, ginv);
	for (int i = 0; i < P; i++)
		weight += ev[i] & 1;
	bad = mask_nonzero(weight - W);
	for (int i = 0; i < P; i++) {
		int8_t fallback = i < W ? 1 : 0;

		r[i] = (int8_t)((ev[i] & ~bad) | (fallback & bad));
	}
	rp_wipe(cf, sizeof(cf));
	rp_wipe(e, sizeof(e));
	rp_wipe(ev, sizeof(ev));
}

void
rp_sntrup761_keypair(uint8_t pk[RP_SNTRUP761_PK_LEN], uint8_t sk[RP_SNTRUP761_SK_LEN],
    rp_sntrup761_random_fn rnd, void *ctx)
{
	int8_t g[P], ginv[P], f[P];
	int16_t finv[P], h[P];

	/* KeyGen': g Small and invertible mod 3. A g that is not is thrown
	 * away, so the number of tries tells nothing about the key. */
	do
		small_random(g, rnd, ctx);
	while (r3_recip(ginv, g) != 0);
	short_random(f, rnd, ctx);
	/* h = g / (3 f) in R/q. */
	rq_recip3(finv, f);
	rq_mult_small(h, finv, g);
	rq_encode(pk, h);

	small_encode(sk + SK_F, f);
	small_encode(sk + SK_GINV, ginv);
	memcpy(sk + SK_PK, pk, RP_SNTRUP761_PK_LEN);
	if (rnd == NULL)
		rp_random_bytes(sk + SK_RHO, INPUT_BYTES);
	else
		rnd(ctx, sk + SK_RHO, INPUT_BYTES);
	hash_prefix(sk + SK_CACHE, 4, pk, RP_SNTRUP761_PK_LEN, NULL, 0);

	rp_wipe(g, sizeof(g));
	rp_wipe(ginv, sizeof(ginv));
	rp_wipe(f, sizeof(f));
	rp_wipe(finv, sizeof(finv));
}

void
rp_sntrup761_enc(uint8_t ct[RP_SNTRUP761_CT_LEN], uint8_t ss[RP_SNTRUP761_SS_LEN],
    const uint8_t pk[RP_SNTRUP761_PK_LEN], rp_sntrup761_random_fn rnd, void *ctx)
{
	int16_t h[P];
	int8_t r[P];
	uint8_t r_enc[INPUT_BYTES], r_hash[HASH_BYTES], cache[HASH_BYTES];

	rq_decode(h, pk);
	short_random(r, rnd, ctx);
	small_encode(r_enc, r);
	hash_prefix(r_hash, 3, r_enc, INPUT_BYTES, NULL, 0);
	hash_prefix(cache, 4, pk, RP_SNTRUP761_PK_LEN, NULL, 0);
	hide(ct, r_hash, r, h, cache);
	/* HashSession: Hash_1(Hash_3(r_enc) || ct). */
	hash_prefix(ss, 1, r_hash, HASH_BYTES, ct, RP_SNTRUP761_CT_LEN);

	rp_wipe(r, sizeof(r));
	rp_wipe(r_enc, sizeof(r_enc));
	rp_wipe(r_hash, sizeof(r_hash));
}

void
rp_sntrup761_dec(uint8_t ss[RP_SNTRUP761_SS_LEN], const uint8_t ct[RP_SNTRUP761_CT_LEN],
    const uint8_t sk[RP_SNTRUP761_SK_LEN])
{
	int8_t f[P], ginv[P], r[P];
	int16_t c[P], h[P];
	uint8_t r_enc[INPUT_BYTES], r_hash[HASH_BYTES], ct2[RP_SNTRUP761_CT_LEN];
	const uint8_t *rho = sk + SK_RHO;
	int32_t differ;

	small_decode(f, sk + SK_F);
	small_decode(ginv, sk + SK_GINV);
	rounded_decode(c, ct);
	decrypt(r, c, f, ginv);
	small_encode(r_enc, r);

	/* Re-encrypt, and compare with what came in. */
	rq_decode(h, sk + SK_PK);
	hash_prefix(r_hash, 3, r_enc, INPUT_BYTES, NULL, 0);
	hide(ct2, r_hash, r, h, sk + SK_CACHE);
	differ = rp_ct_equal(ct, ct2, RP_SNTRUP761_CT_LEN) - 1; /* 0 or -1 */

	/* Implicit rejection: on a mismatch the session key is
	 * Hash_0(Hash_3(rho) || ct) instead of Hash_1(Hash_3(r_enc) || ct);
	 * the choice is by mask, and both hashes take the same time. */
	for (int i = 0; i < INPUT_BYTES; i++)
		r_enc[i] ^= (uint8_t)(differ & (r_enc[i] ^ rho[i]));
	hash_prefix(r_hash, 3, r_enc, INPUT_BYTES, NULL, 0);
	hash_prefix(ss, (uint8_t)(1 + differ), r_hash, HASH_BYTES, ct, RP_SNTRUP761_CT_LEN);

	rp_wipe(f, sizeof(f));
	rp_wipe(ginv, sizeof(ginv));
	rp_wipe(r, sizeof(r));
	rp_wipe(c, sizeof(c));
	rp_wipe(r_enc, sizeof(r_enc));
	rp_wipe(r_hash, sizeof(r_hash));
	rp_wipe(ct2, sizeof(ct2));
}

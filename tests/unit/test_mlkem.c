/*
 * tests/unit/test_mlkem.c: ML-KEM-768 (FIPS 203, crypto/mlkem768.h) and the
 * SHA-3 functions under it (FIPS 202, crypto/keccak.h).
 *
 * Known answers come from tests/vectors/ml-kem-768/ (see its SOURCE.md):
 * the NIST ACVP sample vectors for key generation, encapsulation,
 * decapsulation and the two input checks, and the C2SP/CCTV edge cases
 * (a SampleNTT that needs many SHAKE128 blocks, a ciphertext that fools a
 * strcmp comparison, every out-of-range coefficient in an ek, and the
 * "accumulated" run of 10,000 pq-crystals test cases hashed into one digest).
 */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "crypto/keccak.h"
#include "crypto/mlkem768.h"

#define EK_LEN RP_MLKEM768_EK_LEN
#define DK_LEN RP_MLKEM768_DK_LEN
#define CT_LEN RP_MLKEM768_CT_LEN
#define SS_LEN RP_MLKEM768_SS_LEN
/* Offsets inside dk (FIPS 203 Algorithm 16): dk_PKE || ek || H(ek) || z. */
#define DK_H_OFF (DK_LEN - 64)
#define DK_Z_OFF (DK_LEN - 32)

/* --- reading the vector files -------------------------------------------------- */

/* Decode hex that must be exactly len bytes. */
static void
unhex_exact(const char *hex, uint8_t *out, size_t len)
{
	ck_assert_msg(strlen(hex) == 2 * len, "hex is %zu chars, want %zu", strlen(hex), 2 * len);
	rp_test_unhex(hex, out, len);
}

static void
assert_bytes_eq(const uint8_t *got, const uint8_t *want, size_t len, const char *what, long tc)
{
	ck_assert_msg(memcmp(got, want, len) == 0, "%s differs (test case %ld)", what, tc);
}

static void
assert_hex_eq(const uint8_t *got, size_t len, const char *want_hex)
{
	uint8_t want[256];

	ck_assert_uint_le(len, sizeof(want));
	unhex_exact(want_hex, want, len);
	ck_assert_msg(memcmp(got, want, len) == 0, "bytes differ from %s", want_hex);
}

/* One record of a vector file: "name = value" lines up to a blank line. */
#define REC_MAX 10
struct rec {
	int n;
	char *name[REC_MAX];
	char *value[REC_MAX];
};

static FILE *
open_vectors(const char *name)
{
	char rel[256];
	FILE *f;

	snprintf(rel, sizeof(rel), "tests/vectors/ml-kem-768/%s", name);
	f = fopen(rp_test_path(rel), "r");
	ck_assert_msg(f != NULL, "cannot open %s (is RAMPART_SOURCE_DIR set?)", rel);
	return f;
}

static void
rec_free(struct rec *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->name[i]);
	r->n = 0;
}

/* Read the next record; 0 at the end of the file. */
static int
rec_read(FILE *f, struct rec *r)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	r->n = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *eq;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0) {
			if (r->n > 0)
				break;
			continue;
		}
		eq = strstr(line, " = ");
		ck_assert_msg(eq != NULL, "line without ' = ': %.40s", line);
		ck_assert_int_lt(r->n, REC_MAX);
		*eq = '\0';
		r->name[r->n] = line;
		r->value[r->n] = eq + 3;
		r->n++;
		line = NULL;
		cap = 0;
	}
	free(line);
	return r->n > 0;
}

static const char *
rec_get(const struct rec *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->name[i], name) == 0)
			return r->value[i];
	ck_abort_msg("record has no field %s", name);
	return NULL;
}

static void
rec_hex(const struct rec *r, const char *name, uint8_t *out, size_t len)
{
	unhex_exact(rec_get(r, name), out, len);
}

static long
rec_tcid(const struct rec *r)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->name[i], "tcId") == 0)
			return strtol(r->value[i], NULL, 10);
	return -1;
}

/* --- FIPS 202 -------------------------------------------------------------------- */

/* Expected values are NIST's published examples for SHA-3 and SHAKE
 * (csrc.nist.gov "Examples with Intermediate Values": the empty message, and
 * 1600 bits of 0xa3, which spans more than one block for every rate), and
 * the widely quoted "abc" digests; all agree with Python's hashlib. */
START_TEST(test_sha3_known_answers)
{
	static const struct {
		const char *msg; /* NULL: 200 bytes of 0xa3 */
		const char *sha3_256, *sha3_512, *shake128_32, *shake256_64;
	} kat[] = {
		{ "",
		    "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
		    "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6"
		    "15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26",
		    "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26",
		    "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
		    "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be" },
		{ "abc",
		    "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
		    "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
		    "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
		    "5881092dd818bf5cf8a3ddb793fbcba74097d5c526a6d35f97b83351940f2cc8",
		    "483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739"
		    "d5a15bef186a5386c75744c0527e1faa9f8726e462a12a4feb06bd8801e751e4" },
		{ NULL,
		    "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787",
		    "e76dfad22084a8b1467fcf2ffa58361bec7628edf5f3fdc0e4805dc48caeeca8"
		    "1b7c13c30adf52a3659584739a2df46be589c51ca1a4a8416df6545a1ce8ba00",
		    "131ab8d2b594946b9c81333f9bb6e0ce75c3b93104fa3469d3917457385da037",
		    "cd8a920ed141aa0407a22d59288652e9d9f1a7ee0c1e7c1ca699424da84a904d"
		    "2d700caae7396ece96604440577da4f3aa22aeb8857f961c4cd8e06f0ae6610b" },
	};
	uint8_t a3[200], out[64];

	memset(a3, 0xa3, sizeof(a3));
	for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		const uint8_t *msg = kat[i].msg ? (const uint8_t *)kat[i].msg : a3;
		size_t len = kat[i].msg ? strlen(kat[i].msg) : sizeof(a3);

		rp_sha3_256(out, msg, len);
		assert_hex_eq(out, 32, kat[i].sha3_256);
		rp_sha3_512(out, msg, len);
		assert_hex_eq(out, 64, kat[i].sha3_512);
		rp_shake128(out, 32, msg, len);
		assert_hex_eq(out, 32, kat[i].shake128_32);
		rp_shake256(out, 64, msg, len);
		assert_hex_eq(out, 64, kat[i].shake256_64);
	}
}
END_TEST

/* SHAKE128 of the empty string, bytes 480..511: the CCTV accumulated test's
 * RNG depends on long output being right (value from Python's hashlib). */
START_TEST(test_shake128_long_output)
{
	uint8_t out[512];

	rp_shake128(out, sizeof(out), "", 0);
	assert_hex_eq(out + 480, 32,
	    "43e41b45a653f2a5c4492c1add544512dda2529833462b71a41a45be97290b6f");
}
END_TEST

/* Absorbing in pieces (split around lane and block boundaries) and squeezing
 * in pieces give what one-shot calls give. */
START_TEST(test_shake_incremental_equals_oneshot)
{
	static const size_t splits[] = { 0, 1, 3, 7, 8, 9, 135, 136, 137, 167, 168, 169, 300 };
	uint8_t msg[500], want[1000], got[1000];
	struct rp_keccak ctx;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	for (int variant = 0; variant < 2; variant++) {
		void (*oneshot)(uint8_t *, size_t, const void *, size_t) =
		    variant ? rp_shake256 : rp_shake128;
		void (*init)(struct rp_keccak *) = variant ? rp_shake256_init : rp_shake128_init;

		/* Two pieces, split at each interesting offset. */
		for (size_t s = 0; s < sizeof(splits) / sizeof(splits[0]); s++) {
			oneshot(want, 64, msg, sizeof(msg));
			init(&ctx);
			rp_shake_absorb(&ctx, msg, splits[s]);
			rp_shake_absorb(&ctx, msg + splits[s], sizeof(msg) - splits[s]);
			rp_shake_finish(&ctx);
			rp_shake_squeeze(&ctx, got, 64);
			ck_assert_msg(memcmp(got, want, 64) == 0, "split at %zu", splits[s]);
		}
		/* One byte at a time, for every message length up to 300. */
		for (size_t len = 0; len <= 300; len++) {
			oneshot(want, 32, msg, len);
			init(&ctx);
			for (size_t i = 0; i < len; i++)
				rp_shake_absorb(&ctx, msg + i, 1);
			rp_shake_finish(&ctx);
			rp_shake_squeeze(&ctx, got, 32);
			ck_assert_msg(memcmp(got, want, 32) == 0, "bytewise, length %zu", len);
		}
		/* Squeezing 1, 2, 3, ... bytes at a time. */
		oneshot(want, sizeof(want), msg, 33);
		init(&ctx);
		rp_shake_absorb(&ctx, msg, 33);
		rp_shake_finish(&ctx);
		for (size_t off = 0, step = 1; off < sizeof(got); off += step, step++) {
			size_t n = step < sizeof(got) - off ? step : sizeof(got) - off;

			rp_shake_squeeze(&ctx, got + off, n);
		}
		ck_assert(memcmp(got, want, sizeof(want)) == 0);
	}
}
END_TEST

/* --- the NTT constants ------------------------------------------------------------ */

static unsigned
bitrev7(unsigned i)
{
	unsigned r = 0;

	for (int b = 0; b < 7; b++)
		r |= ((i >> b) & 1) << (6 - b);
	return r;
}

static unsigned
pow17(unsigned e)
{
	unsigned r = 1;

	while (e-- > 0)
		r = r * 17 % 3329;
	return r;
}

/* FIPS 203 Appendix A: zeta_i = 17^BitRev7(i), gamma_i = 17^(2 BitRev7(i) + 1). */
START_TEST(test_ntt_tables_match_definition)
{
	for (unsigned i = 0; i < 128; i++) {
		ck_assert_uint_eq(rp_mlkem768_zetas[i], pow17(bitrev7(i)));
		ck_assert_uint_eq(rp_mlkem768_gammas[i], pow17(2 * bitrev7(i) + 1));
	}
	/* 17 is a primitive 256th root of unity mod q: 17^128 = -1. */
	ck_assert_uint_eq(pow17(128), 3328);
}
END_TEST

/* --- NIST ACVP ----------------------------------------------------------------------- */

START_TEST(test_acvp_keygen)
{
	static uint8_t d[32], z[32], ek[EK_LEN], dk[DK_LEN], want_ek[EK_LEN], want_dk[DK_LEN];
	FILE *f = open_vectors("acvp-keygen.txt");
	struct rec r;
	int count = 0;

	while (rec_read(f, &r)) {
		long tc = rec_tcid(&r);

		rec_hex(&r, "d", d, sizeof(d));
		rec_hex(&r, "z", z, sizeof(z));
		rec_hex(&r, "ek", want_ek, sizeof(want_ek));
		rec_hex(&r, "dk", want_dk, sizeof(want_dk));
		rp_mlkem768_keygen_internal(d, z, ek, dk);
		assert_bytes_eq(ek, want_ek, sizeof(ek), "ek", tc);
		assert_bytes_eq(dk, want_dk, sizeof(dk), "dk", tc);
		rec_free(&r);
		count++;
	}
	fclose(f);
	ck_assert_int_eq(count, 25);
}
END_TEST

START_TEST(test_acvp_encapsulation)
{
	static uint8_t ek[EK_LEN], dk[DK_LEN], m[32], want_c[CT_LEN], want_k[SS_LEN];
	static uint8_t c[CT_LEN], k[SS_LEN];
	FILE *f = open_vectors("acvp-encap.txt");
	struct rec r;
	int count = 0;

	while (rec_read(f, &r)) {
		long tc = rec_tcid(&r);

		rec_hex(&r, "ek", ek, sizeof(ek));
		rec_hex(&r, "dk", dk, sizeof(dk));
		rec_hex(&r, "m", m, sizeof(m));
		rec_hex(&r, "c", want_c, sizeof(want_c));
		rec_hex(&r, "k", want_k, sizeof(want_k));
		ck_assert_int_eq(rp_mlkem768_encaps_internal(ek, m, c, k), 1);
		assert_bytes_eq(c, want_c, sizeof(c), "c", tc);
		assert_bytes_eq(k, want_k, sizeof(k), "k", tc);
		/* The matching dk takes c back to the same key. */
		memset(k, 0, sizeof(k));
		ck_assert_int_eq(rp_mlkem768_decaps(dk, c, k), 1);
		assert_bytes_eq(k, want_k, sizeof(k), "decapsulated k", tc);
		rec_free(&r);
		count++;
	}
	fclose(f);
	ck_assert_int_eq(count, 25);
}
END_TEST

/* 5 valid ciphertexts and 5 modified ones, whose expected k is the implicit
 * rejection key J(z || c). */
START_TEST(test_acvp_decapsulation)
{
	static uint8_t dk[DK_LEN], c[CT_LEN], want_k[SS_LEN], k[SS_LEN], kbar[SS_LEN];
	static uint8_t zc[32 + CT_LEN];
	FILE *f = open_vectors("acvp-decap.txt");
	struct rec r;
	int count = 0, modified = 0;

	while (rec_read(f, &r)) {
		long tc = rec_tcid(&r);
		int valid = strcmp(rec_get(&r, "reason"), "valid decapsulation") == 0;

		rec_hex(&r, "dk", dk, sizeof(dk));
		rec_hex(&r, "c", c, sizeof(c));
		rec_hex(&r, "k", want_k, sizeof(want_k));
		ck_assert_int_eq(rp_mlkem768_decaps(dk, c, k), 1);
		assert_bytes_eq(k, want_k, sizeof(k), "k", tc);
		/* The rejection key is exactly J(z || c), and a valid one is not. */
		memcpy(zc, dk + DK_Z_OFF, 32);
		memcpy(zc + 32, c, CT_LEN);
		rp_shake256(kbar, sizeof(kbar), zc, sizeof(zc));
		ck_assert_int_eq(memcmp(k, kbar, sizeof(k)) == 0, !valid);
		modified += !valid;
		rec_free(&r);
		count++;
	}
	fclose(f);
	ck_assert_int_eq(count, 10);
	ck_assert_int_eq(modified, 5);
}
END_TEST

/* Section 7.3's hash check: decaps refuses a dk whose stored H(ek) is wrong. */
START_TEST(test_acvp_dk_check)
{
	static uint8_t dk[DK_LEN], c[CT_LEN], k[SS_LEN], zero[SS_LEN];
	FILE *f = open_vectors("acvp-dk-check.txt");
	struct rec r;
	int count = 0, failing = 0;

	memset(c, 0x5a, sizeof(c));
	while (rec_read(f, &r)) {
		long tc = rec_tcid(&r);
		int passed = atoi(rec_get(&r, "passed"));

		rec_hex(&r, "dk", dk, sizeof(dk));
		memset(k, 0xff, sizeof(k));
		ck_assert_msg(rp_mlkem768_decaps(dk, c, k) == passed, "test case %ld", tc);
		if (!passed)
			ck_assert(memcmp(k, zero, sizeof(k)) == 0);
		failing += !passed;
		rec_free(&r);
		count++;
	}
	fclose(f);
	ck_assert_int_eq(count, 10);
	ck_assert_int_eq(failing, 5);
}
END_TEST

/* Section 7.2's checks on ek. In this ACVP sample the 5 failing keys
 * ("noisy linear system values too large") are 1600 bytes: a valid 1184-byte
 * ek with bytes appended. They fail the type (length) check, which the
 * fixed-size API makes impossible to call with, so for them the test only
 * confirms the length; the modulus check proper is test_cctv_modulus. The 5
 * valid keys must be accepted. */
START_TEST(test_acvp_ek_check)
{
	static uint8_t ek[EK_LEN], m[32], c[CT_LEN], k[SS_LEN];
	FILE *f = open_vectors("acvp-ek-check.txt");
	struct rec r;
	int count = 0, failing = 0;

	while (rec_read(f, &r)) {
		long tc = rec_tcid(&r);
		int passed = atoi(rec_get(&r, "passed"));
		const char *hex = rec_get(&r, "ek");

		if (!passed) {
			ck_assert_msg(strlen(hex) != 2 * EK_LEN, "test case %ld", tc);
			failing++;
		} else {
			unhex_exact(hex, ek, sizeof(ek));
			ck_assert_msg(rp_mlkem768_encaps_internal(ek, m, c, k) == 1, "test case %ld", tc);
			ck_assert_msg(rp_mlkem768_encaps(ek, c, k) == 1, "test case %ld", tc);
		}
		rec_free(&r);
		count++;
	}
	fclose(f);
	ck_assert_int_eq(count, 10);
	ck_assert_int_eq(failing, 5);
}
END_TEST

/* The modulus check at its edges, on a real key: a coefficient of q - 1 is
 * fine and q is not, in the first and the last position, in either half of
 * a 3-byte pair; the zeroed outputs on refusal. */
static void
set_coefficient(uint8_t ek[EK_LEN], int index, unsigned value)
{
	uint8_t *p = ek + 3 * (index / 2);

	if (index % 2 == 0) {
		p[0] = (uint8_t)value;
		p[1] = (uint8_t)((p[1] & 0xf0) | (value >> 8));
	} else {
		p[1] = (uint8_t)((p[1] & 0x0f) | ((value & 0x0f) << 4));
		p[2] = (uint8_t)(value >> 4);
	}
}

START_TEST(test_modulus_check_edges)
{
	static uint8_t ek[EK_LEN], dk[DK_LEN], bad[EK_LEN], c[CT_LEN], k[SS_LEN];
	static uint8_t zero[CT_LEN];
	static const int positions[] = { 0, 1, 2 * 3 * 128 - 2, 2 * 3 * 128 - 1 };

	rp_mlkem768_keygen(ek, dk);
	for (size_t i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
		memcpy(bad, ek, sizeof(bad));
		set_coefficient(bad, positions[i], 3328);
		ck_assert_int_eq(rp_mlkem768_encaps(bad, c, k), 1);
		set_coefficient(bad, positions[i], 3329);
		memset(c, 0xff, sizeof(c));
		memset(k, 0xff, sizeof(k));
		ck_assert_int_eq(rp_mlkem768_encaps(bad, c, k), 0);
		ck_assert(memcmp(c, zero, sizeof(c)) == 0);
		ck_assert(memcmp(k, zero, sizeof(k)) == 0);
		set_coefficient(bad, positions[i], 4095);
		ck_assert_int_eq(rp_mlkem768_encaps(bad, c, k), 0);
	}
}
END_TEST

/* --- C2SP/CCTV ----------------------------------------------------------------------- */

/* The matrix seed rho in this ek makes SampleNTT(rho || 0 || 0) read 576
 * bytes of SHAKE128 (four blocks; three is the usual most). Encaps and
 * Decaps both sample A-hat from it, so both are checked. The vector was made
 * for FIPS 203 ipd, whose K-PKE.KeyGen hashed d without the byte k: the
 * file's ek and dk are not what the final standard derives from its d (that
 * rho is an ordinary one), so key generation is not compared; Encaps and
 * Decaps did not change from ipd to final. */
START_TEST(test_cctv_unlucky_sample)
{
	static uint8_t m[32], ek[EK_LEN], dk[DK_LEN], want_c[CT_LEN], want_k[SS_LEN];
	static uint8_t c[CT_LEN], k[SS_LEN];
	FILE *f = open_vectors("cctv-unluckysample.txt");
	struct rec r;

	ck_assert(rec_read(f, &r));
	fclose(f);
	rec_hex(&r, "ek", ek, sizeof(ek));
	rec_hex(&r, "dk", dk, sizeof(dk));
	rec_hex(&r, "m", m, sizeof(m));
	rec_hex(&r, "c", want_c, sizeof(want_c));
	rec_hex(&r, "K", want_k, sizeof(want_k));
	rec_free(&r);
	ck_assert_int_eq(rp_mlkem768_encaps_internal(ek, m, c, k), 1);
	assert_bytes_eq(c, want_c, sizeof(c), "c", 0);
	assert_bytes_eq(k, want_k, sizeof(k), "K", 0);
	memset(k, 0, sizeof(k));
	ck_assert_int_eq(rp_mlkem768_decaps(dk, c, k), 1);
	assert_bytes_eq(k, want_k, sizeof(k), "decapsulated K", 0);
}
END_TEST

/* The re-encrypted ciphertext agrees with c up to a zero byte: a strcmp
 * would accept it; the right answer is the rejection key. */
START_TEST(test_cctv_strcmp)
{
	static uint8_t dk[DK_LEN], c[CT_LEN], want_k[SS_LEN], k[SS_LEN];
	FILE *f = open_vectors("cctv-strcmp.txt");
	struct rec r;

	ck_assert(rec_read(f, &r));
	fclose(f);
	rec_hex(&r, "dk", dk, sizeof(dk));
	rec_hex(&r, "c", c, sizeof(c));
	rec_hex(&r, "K", want_k, sizeof(want_k));
	rec_free(&r);
	ck_assert_int_eq(rp_mlkem768_decaps(dk, c, k), 1);
	assert_bytes_eq(k, want_k, sizeof(k), "K", 0);
}
END_TEST

/* Every value in [q, 4095] at every position: 780 keys, all refused. */
START_TEST(test_cctv_modulus)
{
	static uint8_t ek[EK_LEN], c[CT_LEN], k[SS_LEN];
	static char line[2 * EK_LEN + 8];
	gzFile gz = gzopen(rp_test_path("tests/vectors/ml-kem-768/cctv-modulus.txt.gz"), "rb");
	int count = 0;

	ck_assert_msg(gz != NULL, "cannot open cctv-modulus.txt.gz");
	while (gzgets(gz, line, sizeof(line)) != NULL) {
		size_t len = strlen(line);

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		unhex_exact(line, ek, sizeof(ek));
		ck_assert_msg(rp_mlkem768_encaps(ek, c, k) == 0, "line %d accepted", count + 1);
		count++;
	}
	gzclose(gz);
	ck_assert_int_eq(count, 780);
}
END_TEST

/* The CCTV "accumulated" vectors: 10,000 pq-crystals test cases drawn from
 * a SHAKE128 stream, their outputs hashed with SHAKE128 (procedure in
 * SOURCE.md). Reaches edge cases no handful of vectors does, e.g.
 * coefficients at the ends of every range. The digest is the one for final
 * FIPS 203 (d || k in K-PKE.KeyGen) from the current CCTV README; the older
 * README copied with the other CCTV files gives the ipd digest f7db260e... */
START_TEST(test_cctv_accumulated_10000)
{
	static uint8_t d[32], z[32], m[32], bad_ct[CT_LEN], ek[EK_LEN], dk[DK_LEN];
	static uint8_t ct[CT_LEN], k[SS_LEN], k2[SS_LEN], digest[32];
	struct rp_keccak rng, acc;
	int failed = 0;

	rp_shake128_init(&rng);
	rp_shake_finish(&rng);
	rp_shake128_init(&acc);
	for (int i = 0; i < 10000; i++) {
		rp_shake_squeeze(&rng, d, sizeof(d));
		rp_shake_squeeze(&rng, z, sizeof(z));
		rp_shake_squeeze(&rng, m, sizeof(m));
		rp_shake_squeeze(&rng, bad_ct, sizeof(bad_ct));
		rp_mlkem768_keygen_internal(d, z, ek, dk);
		/* Failures are counted, not asserted here: each ck_assert costs
		 * a write to the parent process in fork mode. */
		failed += rp_mlkem768_encaps_internal(ek, m, ct, k) != 1;
		failed += rp_mlkem768_decaps(dk, ct, k2) != 1;
		failed += memcmp(k, k2, sizeof(k)) != 0;
		rp_shake_absorb(&acc, ek, sizeof(ek));
		rp_shake_absorb(&acc, dk, sizeof(dk));
		rp_shake_absorb(&acc, ct, sizeof(ct));
		rp_shake_absorb(&acc, k, sizeof(k));
		failed += rp_mlkem768_decaps(dk, bad_ct, k2) != 1;
		rp_shake_absorb(&acc, k2, sizeof(k2));
	}
	ck_assert_int_eq(failed, 0);
	rp_shake_finish(&acc);
	rp_shake_squeeze(&acc, digest, sizeof(digest));
	assert_hex_eq(digest, sizeof(digest),
	    "f959d18d3d1180121433bf0e05f11e7908cf9d03edc150b2b07cb90bef5bc1c1");
}
END_TEST

/* --- behaviour with random keys ------------------------------------------------------- */

START_TEST(test_random_round_trip)
{
	static uint8_t ek[EK_LEN], dk[DK_LEN], ct[CT_LEN], k1[SS_LEN], k2[SS_LEN];
	static uint8_t ct2[CT_LEN], k3[SS_LEN];

	for (int i = 0; i < 20; i++) {
		rp_mlkem768_keygen(ek, dk);
		ck_assert_int_eq(rp_mlkem768_encaps(ek, ct, k1), 1);
		ck_assert_int_eq(rp_mlkem768_decaps(dk, ct, k2), 1);
		ck_assert(memcmp(k1, k2, sizeof(k1)) == 0);
		/* Fresh randomness each time: a second encapsulation differs. */
		ck_assert_int_eq(rp_mlkem768_encaps(ek, ct2, k3), 1);
		ck_assert(memcmp(ct, ct2, sizeof(ct)) != 0);
		ck_assert(memcmp(k1, k3, sizeof(k1)) != 0);
	}
}
END_TEST

/* dk's copy of H(ek) altered (or ek altered under it): decaps refuses it
 * and zeroes the output. */
START_TEST(test_decaps_refuses_inconsistent_dk)
{
	static uint8_t ek[EK_LEN], dk[DK_LEN], ct[CT_LEN], k[SS_LEN], zero[SS_LEN];
	static const size_t flips[] = { DK_H_OFF, DK_H_OFF + 31, DK_LEN - 64 - 1, 1152 };

	rp_mlkem768_keygen(ek, dk);
	ck_assert_int_eq(rp_mlkem768_encaps(ek, ct, k), 1);
	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		dk[flips[i]] ^= 0x01;
		memset(k, 0xff, sizeof(k));
		ck_assert_msg(rp_mlkem768_decaps(dk, ct, k) == 0, "flip at %zu accepted", flips[i]);
		ck_assert(memcmp(k, zero, sizeof(k)) == 0);
		dk[flips[i]] ^= 0x01;
	}
	ck_assert_int_eq(rp_mlkem768_decaps(dk, ct, k), 1);
}
END_TEST

/* A flipped bit anywhere in the ciphertext (u part or v part) gives the
 * implicit-rejection key J(z || c'), not the real one, and still returns 1. */
START_TEST(test_flipped_ciphertext_bit_is_rejected_implicitly)
{
	static uint8_t ek[EK_LEN], dk[DK_LEN], ct[CT_LEN], k[SS_LEN], k2[SS_LEN], kbar[SS_LEN];
	static uint8_t zc[32 + CT_LEN];
	static const size_t bits[] = { 0, 7, 8 * 500 + 3, 8 * 959 + 7, 8 * 960, 8 * CT_LEN - 1 };

	rp_mlkem768_keygen(ek, dk);
	ck_assert_int_eq(rp_mlkem768_encaps(ek, ct, k), 1);
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		ct[bits[i] / 8] ^= (uint8_t)(1u << (bits[i] % 8));
		ck_assert_int_eq(rp_mlkem768_decaps(dk, ct, k2), 1);
		ck_assert_msg(memcmp(k, k2, sizeof(k)) != 0, "bit %zu: same key", bits[i]);
		memcpy(zc, dk + DK_Z_OFF, 32);
		memcpy(zc + 32, ct, CT_LEN);
		rp_shake256(kbar, sizeof(kbar), zc, sizeof(zc));
		ck_assert_msg(memcmp(k2, kbar, sizeof(k2)) == 0, "bit %zu: not J(z || c)", bits[i]);
		ct[bits[i] / 8] ^= (uint8_t)(1u << (bits[i] % 8));
	}
	ck_assert_int_eq(rp_mlkem768_decaps(dk, ct, k2), 1);
	ck_assert(memcmp(k, k2, sizeof(k)) == 0);
}
END_TEST

RP_TEST_SUITE(mlkem)
{
	Suite *s = suite_create("mlkem");
	TCase *tc = tcase_create("mlkem");

	tcase_add_test(tc, test_sha3_known_answers);
	tcase_add_test(tc, test_shake128_long_output);
	tcase_add_test(tc, test_shake_incremental_equals_oneshot);
	tcase_add_test(tc, test_ntt_tables_match_definition);
	tcase_add_test(tc, test_acvp_keygen);
	tcase_add_test(tc, test_acvp_encapsulation);
	tcase_add_test(tc, test_acvp_decapsulation);
	tcase_add_test(tc, test_acvp_dk_check);
	tcase_add_test(tc, test_acvp_ek_check);
	tcase_add_test(tc, test_modulus_check_edges);
	tcase_add_test(tc, test_cctv_unlucky_sample);
	tcase_add_test(tc, test_cctv_strcmp);
	tcase_add_test(tc, test_cctv_modulus);
	tcase_add_test(tc, test_cctv_accumulated_10000);
	tcase_add_test(tc, test_random_round_trip);
	tcase_add_test(tc, test_decaps_refuses_inconsistent_dk);
	tcase_add_test(tc, test_flipped_ciphertext_bit_is_rejected_implicitly);
	suite_add_tcase(s, tc);
	return s;
}

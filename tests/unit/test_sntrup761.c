/*
 * tests/unit/test_sntrup761.c: the sntrup761 KEM (crypto/sntrup761.h)
 * against the round-3 NIST known-answer file (tests/vectors/sntrup761/,
 * see SOURCE.md there): decapsulation of every record, and key generation
 * and encapsulation re-run from every record's seed through NIST's KAT
 * random generator (crypto/nist_drbg.h), which only matches if randomness
 * is drawn in the reference order. Then properties the file cannot show:
 * random round trips, implicit rejection with its exact fallback key, the
 * retry when g is not invertible mod 3, and arbitrary public keys.
 */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/hash.h"
#include "crypto/nist_drbg.h"
#include "crypto/sntrup761.h"

#define KAT_FILE "tests/vectors/sntrup761/sntrup761-round3-kat_kem.rsp"
#define KAT_RECORDS 100

/* Where the secret key keeps its parts (round-3 layout): f, 1/g mod 3,
 * pk, rho, Hash_4(pk). */
#define SK_PK 382
#define SK_RHO (SK_PK + RP_SNTRUP761_PK_LEN)
#define SK_CACHE (SK_RHO + 191)

struct kat {
	int count;
	uint8_t seed[RP_NIST_DRBG_SEED_LEN];
	uint8_t pk[RP_SNTRUP761_PK_LEN];
	uint8_t sk[RP_SNTRUP761_SK_LEN];
	uint8_t ct[RP_SNTRUP761_CT_LEN];
	uint8_t ss[RP_SNTRUP761_SS_LEN];
};

/* --- helpers --------------------------------------------------------------- */

/* "name = HEX" into out, which must be exactly that long. */
static int
kat_field(const char *line, const char *name, uint8_t *out, size_t len)
{
	size_t n = strlen(name);

	if (strncmp(line, name, n) != 0 || strncmp(line + n, " = ", 3) != 0)
		return 0;
	ck_assert_msg(rp_test_unhex(line + n + 3, out, len) == len, "%s: wrong length", name);
	return 1;
}

/* Every record of the KAT file, in order; *n is set to how many. */
static struct kat *
load_kats(size_t *n)
{
	const char *path = rp_test_path(KAT_FILE);
	FILE *f = fopen(path, "r");
	struct kat *kats = calloc(KAT_RECORDS, sizeof(*kats));
	char *line = NULL;
	size_t cap = 0, got = 0;
	unsigned fields = 0;
	ssize_t len;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert(kats != NULL);
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct kat *k = &kats[got > 0 ? got - 1 : 0];

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strncmp(line, "count = ", 8) == 0) {
			ck_assert_msg(got == 0 || fields == 0x1f, "record %zu incomplete", got);
			ck_assert_uint_lt(got, KAT_RECORDS);
			kats[got].count = atoi(line + 8);
			got++;
			fields = 0;
			continue;
		}
		ck_assert_msg(got > 0, "data before the first count: %.20s", line);
		if (kat_field(line, "seed", k->seed, sizeof(k->seed)))
			fields |= 1;
		else if (kat_field(line, "pk", k->pk, sizeof(k->pk)))
			fields |= 2;
		else if (kat_field(line, "sk", k->sk, sizeof(k->sk)))
			fields |= 4;
		else if (kat_field(line, "ct", k->ct, sizeof(k->ct)))
			fields |= 8;
		else if (kat_field(line, "ss", k->ss, sizeof(k->ss)))
			fields |= 16;
		else
			ck_abort_msg("unexpected line: %.20s", line);
	}
	ck_assert_msg(fields == 0x1f, "last record incomplete");
	free(line);
	fclose(f);
	*n = got;
	return kats;
}

/* Hash_b(in1 || in2): SHA-512 of the byte b then the inputs, first 32
 * bytes; computed here independently of crypto/sntrup761.c. */
static void
hash_b(uint8_t out[32], uint8_t b, const uint8_t *in1, size_t len1, const uint8_t *in2,
    size_t len2)
{
	uint8_t buf[1 + 32 + RP_SNTRUP761_PK_LEN], digest[RP_HASH_MAX_LEN];

	ck_assert_uint_le(1 + len1 + len2, sizeof(buf));
	buf[0] = b;
	memcpy(buf + 1, in1, len1);
	if (len2 > 0)
		memcpy(buf + 1 + len1, in2, len2);
	rp_hash(RP_HASH_SHA512, buf, 1 + len1 + len2, digest);
	memcpy(out, digest, 32);
}

/* The session key decapsulation must give for a rejected ct:
 * Hash_0(Hash_3(rho) || ct). */
static void
rejection_key(uint8_t out[32], const uint8_t sk[RP_SNTRUP761_SK_LEN],
    const uint8_t ct[RP_SNTRUP761_CT_LEN])
{
	uint8_t rho_hash[32];

	hash_b(rho_hash, 3, sk + SK_RHO, 191, NULL, 0);
	hash_b(out, 0, rho_hash, sizeof(rho_hash), ct, RP_SNTRUP761_CT_LEN);
}

/* --- the known-answer file ------------------------------------------------- */

/* The file's seeds are themselves the first 100 draws of 48 bytes from the
 * DRBG seeded with 0x00..0x2f (NIST's PQCgenKAT_kem): this checks the DRBG
 * the keygen test relies on. */
START_TEST(test_drbg_reproduces_the_seeds)
{
	struct rp_nist_drbg drbg;
	uint8_t entropy[RP_NIST_DRBG_SEED_LEN], seed[RP_NIST_DRBG_SEED_LEN];
	struct kat *kats;
	size_t n;

	kats = load_kats(&n);
	ck_assert_uint_eq(n, KAT_RECORDS);
	for (size_t i = 0; i < sizeof(entropy); i++)
		entropy[i] = (uint8_t)i;
	rp_nist_drbg_init(&drbg, entropy);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(kats[i].count, (int)i);
		rp_nist_drbg_bytes(&drbg, seed, sizeof(seed));
		ck_assert_msg(memcmp(seed, kats[i].seed, sizeof(seed)) == 0, "seed of count %zu", i);
	}
	free(kats);
}
END_TEST

/* Needs no randomness: Decap(sk, ct) = ss, and the secret key carries pk
 * and Hash_4(pk) where round 3 puts them. */
START_TEST(test_kat_decapsulation)
{
	uint8_t ss[RP_SNTRUP761_SS_LEN], cache[32];
	struct kat *kats;
	size_t n;

	kats = load_kats(&n);
	for (size_t i = 0; i < n; i++) {
		const struct kat *k = &kats[i];

		ck_assert_msg(memcmp(k->sk + SK_PK, k->pk, RP_SNTRUP761_PK_LEN) == 0,
		    "pk in sk, count %d", k->count);
		hash_b(cache, 4, k->pk, RP_SNTRUP761_PK_LEN, NULL, 0);
		ck_assert_msg(memcmp(k->sk + SK_CACHE, cache, 32) == 0, "cache, count %d", k->count);
		rp_sntrup761_dec(ss, k->ct, k->sk);
		ck_assert_msg(memcmp(ss, k->ss, sizeof(ss)) == 0, "ss, count %d", k->count);
	}
	free(kats);
}
END_TEST

/* The real check: from each seed, key generation and then encapsulation
 * give the file's pk, sk, ct and ss byte for byte. */
START_TEST(test_kat_keygen_and_encapsulation_from_seed)
{
	uint8_t pk[RP_SNTRUP761_PK_LEN], sk[RP_SNTRUP761_SK_LEN], ct[RP_SNTRUP761_CT_LEN];
	uint8_t ss[RP_SNTRUP761_SS_LEN];
	struct rp_nist_drbg drbg;
	struct kat *kats;
	size_t n;

	kats = load_kats(&n);
	for (size_t i = 0; i < n; i++) {
		const struct kat *k = &kats[i];

		rp_nist_drbg_init(&drbg, k->seed);
		rp_sntrup761_keypair(pk, sk, rp_nist_drbg_random, &drbg);
		ck_assert_msg(memcmp(pk, k->pk, sizeof(pk)) == 0, "pk, count %d", k->count);
		ck_assert_msg(memcmp(sk, k->sk, sizeof(sk)) == 0, "sk, count %d", k->count);
		rp_sntrup761_enc(ct, ss, pk, rp_nist_drbg_random, &drbg);
		ck_assert_msg(memcmp(ct, k->ct, sizeof(ct)) == 0, "ct, count %d", k->count);
		ck_assert_msg(memcmp(ss, k->ss, sizeof(ss)) == 0, "ss, count %d", k->count);
	}
	rp_nist_drbg_wipe(&drbg);
	free(kats);
}
END_TEST

/* --- properties ------------------------------------------------------------ */

START_TEST(test_random_round_trips)
{
	uint8_t pk[RP_SNTRUP761_PK_LEN], sk[RP_SNTRUP761_SK_LEN], ct[RP_SNTRUP761_CT_LEN];
	uint8_t ss_enc[RP_SNTRUP761_SS_LEN], ss_dec[RP_SNTRUP761_SS_LEN];
	uint8_t prev[RP_SNTRUP761_SS_LEN] = { 0 };

	for (int i = 0; i < 10; i++) {
		rp_sntrup761_keypair(pk, sk, NULL, NULL);
		ck_assert(memcmp(sk + SK_PK, pk, sizeof(pk)) == 0);
		for (int j = 0; j < 3; j++) {
			rp_sntrup761_enc(ct, ss_enc, pk, NULL, NULL);
			rp_sntrup761_dec(ss_dec, ct, sk);
			ck_assert(memcmp(ss_enc, ss_dec, sizeof(ss_enc)) == 0);
			ck_assert(memcmp(ss_enc, prev, sizeof(prev)) != 0);
			memcpy(prev, ss_enc, sizeof(prev));
		}
	}
}
END_TEST

/* A changed ciphertext (in the rounded polynomial, in the confirmation
 * hash, or anything else) decapsulates without error to
 * Hash_0(Hash_3(rho) || ct), not to the real key: implicit rejection, with
 * exactly the fallback round 3 (and so OpenSSH) computes. */
START_TEST(test_modified_ciphertext_is_implicitly_rejected)
{
	static const size_t where[] = { 0, 1, 500, 1006, 1007, 1020, RP_SNTRUP761_CT_LEN - 1 };
	uint8_t ct[RP_SNTRUP761_CT_LEN], bad[RP_SNTRUP761_CT_LEN];
	uint8_t ss[RP_SNTRUP761_SS_LEN], ss_bad[RP_SNTRUP761_SS_LEN], want[32];
	struct kat *kats;
	size_t n;

	kats = load_kats(&n);
	memcpy(ct, kats[0].ct, sizeof(ct));
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		for (uint8_t bit = 1; bit != 0; bit <<= 3) {
			memcpy(bad, ct, sizeof(bad));
			bad[where[i]] ^= bit;
			rp_sntrup761_dec(ss_bad, bad, kats[0].sk);
			ck_assert_msg(memcmp(ss_bad, kats[0].ss, sizeof(ss_bad)) != 0,
			    "byte %zu bit %u", where[i], bit);
			rejection_key(want, kats[0].sk, bad);
			ck_assert_msg(memcmp(ss_bad, want, sizeof(want)) == 0,
			    "fallback key, byte %zu bit %u", where[i], bit);
		}
	}
	/* Ciphertexts that are not encodings of anything sensible at all. */
	for (int fill = 0; fill < 256; fill += 255) {
		memset(bad, fill, sizeof(bad));
		rp_sntrup761_dec(ss_bad, bad, kats[0].sk);
		rejection_key(want, kats[0].sk, bad);
		ck_assert(memcmp(ss_bad, want, sizeof(want)) == 0);
	}
	/* And the untouched one still decapsulates. */
	rp_sntrup761_dec(ss, ct, kats[0].sk);
	ck_assert(memcmp(ss, kats[0].ss, sizeof(ss)) == 0);
	free(kats);
}
END_TEST

/* A random source that first hands out 761 words making g = 0 (not
 * invertible mod 3: Small_random maps the word 0x20000000 to 0), then
 * passes on to a NIST DRBG. */
struct zero_g_then_drbg {
	int zero_words_left;
	struct rp_nist_drbg drbg;
};

static void
zero_g_then_drbg(void *ctx, uint8_t *out, size_t len)
{
	struct zero_g_then_drbg *z = ctx;

	if (z->zero_words_left > 0) {
		ck_assert_uint_eq(len, 4);
		out[0] = out[1] = out[2] = 0;
		out[3] = 0x20;
		z->zero_words_left--;
		return;
	}
	rp_nist_drbg_bytes(&z->drbg, out, len);
}

/* A g that is not invertible mod 3 is thrown away and drawn again: with
 * one such g in front of record 0's randomness, key generation still gives
 * record 0's keys. */
START_TEST(test_keygen_retries_when_g_is_not_invertible)
{
	uint8_t pk[RP_SNTRUP761_PK_LEN], sk[RP_SNTRUP761_SK_LEN];
	struct zero_g_then_drbg z = { .zero_words_left = 761 };
	struct kat *kats;
	size_t n;

	kats = load_kats(&n);
	rp_nist_drbg_init(&z.drbg, kats[0].seed);
	rp_sntrup761_keypair(pk, sk, zero_g_then_drbg, &z);
	ck_assert_int_eq(z.zero_words_left, 0);
	ck_assert(memcmp(pk, kats[0].pk, sizeof(pk)) == 0);
	ck_assert(memcmp(sk, kats[0].sk, sizeof(sk)) == 0);
	free(kats);
}
END_TEST

/* The server encapsulates to whatever public key the client sends: any
 * 1158 bytes must work (reduced, never out of bounds), deterministically. */
START_TEST(test_encapsulation_accepts_any_public_key)
{
	uint8_t pk[RP_SNTRUP761_PK_LEN], ct1[RP_SNTRUP761_CT_LEN], ct2[RP_SNTRUP761_CT_LEN];
	uint8_t ss1[RP_SNTRUP761_SS_LEN], ss2[RP_SNTRUP761_SS_LEN];
	uint8_t seed[RP_NIST_DRBG_SEED_LEN] = { 1 };
	struct rp_nist_drbg drbg;

	for (int fill = 0; fill < 256; fill += 85) {
		memset(pk, fill, sizeof(pk));
		rp_nist_drbg_init(&drbg, seed);
		rp_sntrup761_enc(ct1, ss1, pk, rp_nist_drbg_random, &drbg);
		rp_nist_drbg_init(&drbg, seed);
		rp_sntrup761_enc(ct2, ss2, pk, rp_nist_drbg_random, &drbg);
		ck_assert(memcmp(ct1, ct2, sizeof(ct1)) == 0);
		ck_assert(memcmp(ss1, ss2, sizeof(ss1)) == 0);
	}
}
END_TEST

RP_TEST_SUITE(sntrup761)
{
	Suite *s = suite_create("sntrup761");
	TCase *kat = tcase_create("kat");
	TCase *props = tcase_create("properties");

	/* 100 key generations take about 1.5 s, but ten times that under the
	 * sanitizers: more than Check's default of 4 s. */
	tcase_set_timeout(kat, 120);
	tcase_set_timeout(props, 60);
	tcase_add_test(kat, test_drbg_reproduces_the_seeds);
	tcase_add_test(kat, test_kat_decapsulation);
	tcase_add_test(kat, test_kat_keygen_and_encapsulation_from_seed);
	suite_add_tcase(s, kat);
	tcase_add_test(props, test_random_round_trips);
	tcase_add_test(props, test_modified_ciphertext_is_implicitly_rejected);
	tcase_add_test(props, test_keygen_retries_when_g_is_not_invertible);
	tcase_add_test(props, test_encapsulation_accepts_any_public_key);
	suite_add_tcase(s, props);
	return s;
}

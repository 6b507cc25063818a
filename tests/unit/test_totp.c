/*
 * tests/unit/test_totp.c: one-time passwords (crypto/totp.h): the published
 * vectors of RFC 4226 (HOTP) and RFC 6238 (TOTP, all three hashes), base32
 * against RFC 4648's vectors, and rp_totp_check's window, refusals and
 * reported step.
 */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/secret.h"
#include "crypto/totp.h"

/* The RFCs' seeds: "12345678901234567890" repeated to 20, 32 and 64 bytes. */
static size_t
rfc_seed(enum rp_totp_hash hash, uint8_t out[64])
{
	size_t len = hash == RP_TOTP_SHA1 ? 20 : hash == RP_TOTP_SHA256 ? 32 : 64;

	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)('0' + (i + 1) % 10);
	return len;
}

static void
code_text(uint32_t value, unsigned digits, char out[16])
{
	snprintf(out, 16, "%0*u", (int)digits, (unsigned)value);
}

/* --- HOTP, RFC 4226 appendix D --------------------------------------------- */

START_TEST(test_hotp_rfc4226_appendix_d)
{
	static const uint32_t want[10] = {
		755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
	};
	uint8_t key[64];
	size_t len = rfc_seed(RP_TOTP_SHA1, key);

	for (uint64_t count = 0; count < 10; count++)
		ck_assert_msg(rp_hotp(RP_TOTP_SHA1, key, len, count, 6) == want[count],
		    "HOTP(count %u): expected %06u, got %06u", (unsigned)count,
		    (unsigned)want[count], (unsigned)rp_hotp(RP_TOTP_SHA1, key, len, count, 6));
}
END_TEST

START_TEST(test_hotp_refuses_digits_outside_6_to_8)
{
	uint8_t key[64];
	size_t len = rfc_seed(RP_TOTP_SHA1, key);

	ck_assert_uint_eq(rp_hotp(RP_TOTP_SHA1, key, len, 0, 5), UINT32_MAX);
	ck_assert_uint_eq(rp_hotp(RP_TOTP_SHA1, key, len, 0, 9), UINT32_MAX);
	ck_assert_uint_eq(rp_hotp((enum rp_totp_hash)7, key, len, 0, 6), UINT32_MAX);
	/* Within 6..8 the answer has at most that many digits. */
	ck_assert_uint_lt(rp_hotp(RP_TOTP_SHA1, key, len, 0, 7), 10000000);
}
END_TEST

/* --- TOTP, RFC 6238 appendix B --------------------------------------------- */

static const struct {
	uint64_t time;
	const char *code[3]; /* SHA1, SHA256, SHA512 */
} rfc6238[] = {
	{ 59ULL, { "94287082", "46119246", "90693936" } },
	{ 1111111109ULL, { "07081804", "68084774", "25091201" } },
	{ 1111111111ULL, { "14050471", "67062674", "99943326" } },
	{ 1234567890ULL, { "89005924", "91819424", "93441116" } },
	{ 2000000000ULL, { "69279037", "90698825", "38618901" } },
	{ 20000000000ULL, { "65353130", "77737706", "47863826" } },
};

#define NRFC6238 (int)(sizeof(rfc6238) / sizeof(rfc6238[0]))

/* Each row, each hash: the value from rp_hotp at T = time / 30, and the
 * same code accepted by rp_totp_check with no window, reporting T. */
START_TEST(test_totp_rfc6238_appendix_b)
{
	static const char *names[3] = { "SHA1", "SHA256", "SHA512" };

	for (int h = 0; h < 3; h++) {
		enum rp_totp_hash hash = (enum rp_totp_hash)h;
		uint8_t key[64];
		size_t len = rfc_seed(hash, key);
		uint64_t t = rfc6238[_i].time / 30, step = 0;
		char got[16];

		code_text(rp_hotp(hash, key, len, t, 8), 8, got);
		ck_assert_msg(strcmp(got, rfc6238[_i].code[h]) == 0,
		    "TOTP-%s at %llu: expected %s, got %s", names[h],
		    (unsigned long long)rfc6238[_i].time, rfc6238[_i].code[h], got);
		ck_assert_msg(rp_totp_check(hash, key, len, rfc6238[_i].time, 30, 8, 0,
		    rfc6238[_i].code[h], &step) == 1, "TOTP-%s at %llu: %s refused", names[h],
		    (unsigned long long)rfc6238[_i].time, rfc6238[_i].code[h]);
		ck_assert_uint_eq(step, t);
	}
}
END_TEST

/* --- base32, RFC 4648 section 10 ------------------------------------------- */

static const struct {
	const char *plain, *padded, *bare;
} rfc4648[] = {
	{ "", "", "" },
	{ "f", "MY======", "MY" },
	{ "fo", "MZXQ====", "MZXQ" },
	{ "foo", "MZXW6===", "MZXW6" },
	{ "foob", "MZXW6YQ=", "MZXW6YQ" },
	{ "fooba", "MZXW6YTB", "MZXW6YTB" },
	{ "foobar", "MZXW6YTBOI======", "MZXW6YTBOI" },
};

#define NRFC4648 (int)(sizeof(rfc4648) / sizeof(rfc4648[0]))

static void
assert_decodes_to(const char *text, const char *plain)
{
	uint8_t *out = NULL;
	size_t len = 99;

	ck_assert_msg(rp_base32_decode(text, &out, &len) == 1, "\"%s\" refused", text);
	ck_assert_msg(len == strlen(plain) && memcmp(out, plain, len) == 0,
	    "\"%s\": expected \"%s\", got %zu bytes", text, plain, len);
	free(out);
}

START_TEST(test_base32_rfc4648_vectors)
{
	char *enc = rp_base32_encode((const uint8_t *)rfc4648[_i].plain,
	    strlen(rfc4648[_i].plain));
	char lower[32];
	size_t n;

	/* Encoding writes no padding. */
	ck_assert_ptr_nonnull(enc);
	ck_assert_str_eq(enc, rfc4648[_i].bare);
	free(enc);
	/* Decoding takes it with or without, in either case. */
	assert_decodes_to(rfc4648[_i].padded, rfc4648[_i].plain);
	assert_decodes_to(rfc4648[_i].bare, rfc4648[_i].plain);
	for (n = 0; rfc4648[_i].padded[n] != '\0'; n++)
		lower[n] = (char)(rfc4648[_i].padded[n] >= 'A' && rfc4648[_i].padded[n] <= 'Z' ?
		    rfc4648[_i].padded[n] - 'A' + 'a' : rfc4648[_i].padded[n]);
	lower[n] = '\0';
	assert_decodes_to(lower, rfc4648[_i].plain);
}
END_TEST

/* As authenticator apps show secrets: groups of four. */
START_TEST(test_base32_spaces_are_ignored)
{
	assert_decodes_to("MZXW 6YTB OI", "foobar");
	assert_decodes_to("  MZXW6YTBOI  ", "foobar");
	assert_decodes_to("MZXW6YTBOI== ====", "foobar");
}
END_TEST

START_TEST(test_base32_round_trips_every_length)
{
	uint8_t in[70];

	for (size_t len = 0; len <= sizeof(in); len++) {
		uint8_t *out = NULL;
		size_t outlen = 0;
		char *enc;

		rp_random_bytes(in, len);
		enc = rp_base32_encode(in, len);
		ck_assert_ptr_nonnull(enc);
		ck_assert_uint_eq(strlen(enc), (len * 8 + 4) / 5);
		ck_assert_msg(rp_base32_decode(enc, &out, &outlen) == 1, "length %zu: refused",
		    len);
		ck_assert_msg(outlen == len && memcmp(out, in, len) == 0,
		    "length %zu: round trip differs", len);
		free(out);
		free(enc);
	}
}
END_TEST

static const char *const bad_base32[] = {
	"M",            /* 1 character: not a whole byte */
	"MZX",          /* 3 */
	"MZXW6Y",       /* 6 */
	"MZXW6YTBO",    /* 9: 8 + 1 */
	"MZ",           /* leftover bits 01: no encoder writes that */
	"MZXR",         /* leftover bits 0001 */
	"MZXW6YR",      /* leftover bits 001 */
	"MY1",          /* '1' is not in the alphabet */
	"MY0A",         /* nor '0' */
	"MY8A",         /* nor '8' */
	"MY=A",         /* data after padding */
	"MY==MY==",
	"MY\tMY",       /* only spaces are ignored */
	"MY\n",
	"MZXW-6YTB",
	"MZXW6YTB!",
	"\xc3\x89",     /* not ASCII */
};

#define NBAD_BASE32 (int)(sizeof(bad_base32) / sizeof(bad_base32[0]))

START_TEST(test_base32_invalid_is_refused)
{
	uint8_t *out = (uint8_t *)"untouched";
	size_t len = 99;

	ck_assert_msg(rp_base32_decode(bad_base32[_i], &out, &len) == 0,
	    "\"%s\" was accepted", bad_base32[_i]);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
}
END_TEST

/* --- rp_totp_check --------------------------------------------------------- */

/* RFC 6238's SHA-1 key at 1111111111, 6 digits: step T = 37037037. */
#define NOW 1111111111ULL
#define T (NOW / 30)

struct fixture {
	uint8_t key[64];
	size_t len;
	char code[5][16]; /* steps T-2 .. T+2 */
};

static void
fixture_init(struct fixture *f)
{
	f->len = rfc_seed(RP_TOTP_SHA1, f->key);
	for (int i = 0; i < 5; i++)
		code_text(rp_hotp(RP_TOTP_SHA1, f->key, f->len, T - 2 + (uint64_t)i, 6), 6,
		    f->code[i]);
	/* The tests below need five different codes; these are. */
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++)
			ck_assert_str_ne(f->code[i], f->code[j]);
}

static int
check(const struct fixture *f, unsigned window, const char *code, uint64_t *step)
{
	return rp_totp_check(RP_TOTP_SHA1, f->key, f->len, NOW, 30, 6, window, code, step);
}

START_TEST(test_check_accepts_current_step_and_window)
{
	struct fixture f;
	uint64_t step;

	fixture_init(&f);
	for (int i = 1; i <= 3; i++) {
		step = 0;
		ck_assert_msg(check(&f, 1, f.code[i], &step) == 1, "step T%+d refused", i - 2);
		ck_assert_uint_eq(step, T - 2 + (uint64_t)i);
	}
	/* Anywhere in the same 30 seconds. */
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, f.key, f.len, T * 30, 30, 6, 0, f.code[2],
	    &step), 1);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, f.key, f.len, T * 30 + 29, 30, 6, 0,
	    f.code[2], &step), 1);
	ck_assert_uint_eq(step, T);
}
END_TEST

START_TEST(test_check_refuses_outside_the_window)
{
	struct fixture f;
	uint64_t step = 12345;

	fixture_init(&f);
	ck_assert_int_eq(check(&f, 1, f.code[0], &step), 0);
	ck_assert_int_eq(check(&f, 1, f.code[4], &step), 0);
	ck_assert_int_eq(check(&f, 0, f.code[1], &step), 0);
	ck_assert_int_eq(check(&f, 0, f.code[3], &step), 0);
	ck_assert_uint_eq(step, 12345); /* untouched when refused */
	/* A wider window reaches them. */
	ck_assert_int_eq(check(&f, 2, f.code[0], &step), 1);
	ck_assert_uint_eq(step, T - 2);
	ck_assert_int_eq(check(&f, 2, f.code[4], &step), 1);
	ck_assert_uint_eq(step, T + 2);
	/* The next 30 seconds: the old current code is now one step back. */
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, f.key, f.len, NOW + 60, 30, 6, 1,
	    f.code[2], &step), 0);
}
END_TEST

START_TEST(test_check_refuses_malformed_codes)
{
	static const char *const bad[] = {
		"", "1", "12345", "1234567", "12345678", " 12345", "12345 ", "+12345", "-12345",
		"12a456", "１２３４５６",
	};
	struct fixture f;
	char longer[32];
	uint64_t step = 7;

	fixture_init(&f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(check(&f, 1, bad[i], &step) == 0, "\"%s\" accepted", bad[i]);
	/* The right digits with anything after them. */
	snprintf(longer, sizeof(longer), "%s0", f.code[2]);
	ck_assert_int_eq(check(&f, 1, longer, &step), 0);
	snprintf(longer, sizeof(longer), "0%s", f.code[2]);
	ck_assert_int_eq(check(&f, 1, longer, &step), 0);
	snprintf(longer, sizeof(longer), "%s\n", f.code[2]);
	ck_assert_int_eq(check(&f, 1, longer, &step), 0);
	ck_assert_int_eq(check(&f, 1, NULL, &step), 0);
	ck_assert_uint_eq(step, 7);
}
END_TEST

START_TEST(test_check_refuses_bad_parameters)
{
	struct fixture f;
	uint64_t step;

	fixture_init(&f);
	/* The same code, with no key, period, or digits out of range. */
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, f.key, 0, NOW, 30, 6, 1, f.code[2], &step),
	    0);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, f.key, f.len, NOW, 0, 6, 1, f.code[2],
	    &step), 0);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, f.key, f.len, NOW, 30, 5, 1, "12345",
	    &step), 0);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, f.key, f.len, NOW, 30, 9, 1, "123456789",
	    &step), 0);
	ck_assert_int_eq(rp_totp_check((enum rp_totp_hash)9, f.key, f.len, NOW, 30, 6, 1,
	    f.code[2], &step), 0);
	/* And the same call, right, passes: the refusals were the parameters. */
	ck_assert_int_eq(check(&f, 1, f.code[2], &step), 1);
}
END_TEST

/* Leading zeros are digits like any other: RFC 6238's 07081804. */
START_TEST(test_check_keeps_leading_zeros)
{
	uint8_t key[64];
	size_t len = rfc_seed(RP_TOTP_SHA1, key);
	uint64_t step;

	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, key, len, 1111111109, 30, 8, 1, "07081804",
	    &step), 1);
	ck_assert_uint_eq(step, 1111111109 / 30);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, key, len, 1111111109, 30, 8, 1, "7081804",
	    &step), 0);
}
END_TEST

/* Near the epoch the window does not wrap around to huge steps. */
START_TEST(test_check_at_the_epoch)
{
	uint8_t key[64];
	size_t len = rfc_seed(RP_TOTP_SHA1, key);
	char code[16];
	uint64_t step = 99;

	code_text(rp_hotp(RP_TOTP_SHA1, key, len, 0, 6), 6, code);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, key, len, 5, 30, 6, 1, code, &step), 1);
	ck_assert_uint_eq(step, 0);
	code_text(rp_hotp(RP_TOTP_SHA1, key, len, UINT64_MAX, 6), 6, code);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, key, len, 5, 30, 6, 1, code, &step), 0);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, key, len, UINT64_MAX, 1, 6, 1, code,
	    &step), 1);
	ck_assert_uint_eq(step, UINT64_MAX);
}
END_TEST

/* Other periods and lengths: 60 s, 7 digits, SHA-256. */
START_TEST(test_check_other_settings)
{
	uint8_t key[64];
	size_t len = rfc_seed(RP_TOTP_SHA256, key);
	char code[16];
	uint64_t step;

	code_text(rp_hotp(RP_TOTP_SHA256, key, len, NOW / 60, 7), 7, code);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA256, key, len, NOW, 60, 7, 1, code, &step), 1);
	ck_assert_uint_eq(step, NOW / 60);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, key, len, NOW, 60, 7, 1, code, &step), 0);
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA256, key, len, NOW, 30, 7, 0, code, &step), 0);
}
END_TEST

RP_TEST_SUITE(totp)
{
	Suite *s = suite_create("totp");
	TCase *vectors = tcase_create("vectors");
	TCase *base32 = tcase_create("base32");
	TCase *checks = tcase_create("check");

	tcase_add_test(vectors, test_hotp_rfc4226_appendix_d);
	tcase_add_test(vectors, test_hotp_refuses_digits_outside_6_to_8);
	tcase_add_loop_test(vectors, test_totp_rfc6238_appendix_b, 0, NRFC6238);
	suite_add_tcase(s, vectors);
	tcase_add_loop_test(base32, test_base32_rfc4648_vectors, 0, NRFC4648);
	tcase_add_test(base32, test_base32_spaces_are_ignored);
	tcase_add_test(base32, test_base32_round_trips_every_length);
	tcase_add_loop_test(base32, test_base32_invalid_is_refused, 0, NBAD_BASE32);
	suite_add_tcase(s, base32);
	tcase_add_test(checks, test_check_accepts_current_step_and_window);
	tcase_add_test(checks, test_check_refuses_outside_the_window);
	tcase_add_test(checks, test_check_refuses_malformed_codes);
	tcase_add_test(checks, test_check_refuses_bad_parameters);
	tcase_add_test(checks, test_check_keeps_leading_zeros);
	tcase_add_test(checks, test_check_at_the_epoch);
	tcase_add_test(checks, test_check_other_settings);
	suite_add_tcase(s, checks);
	return s;
}

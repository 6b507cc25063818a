/*
 * tests/unit/test_moduli.c: moduli files (policy/moduli.c) for
 * diffie-hellman-group-exchange: the format of moduli(5) with every kind of
 * bad line named by number, the `moduli-file` and `dh-group-bits`
 * directives, and the choice of a group for a client's min, n and max.
 */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/dh.h"
#include "policy/policy.h"
#include "tests/unit/policy_load.h"

#define BASE "listen 127.0.0.1:0\nhost-key /k\n"

/* An odd number of exactly bits bits in hex: "C" then 'F's; the parser
 * checks the form, not primality (the file is the administrator's). */
static char *
fake_modulus(unsigned bits)
{
	size_t n = bits / 4;
	char *hex = malloc(n + 1);

	ck_assert_ptr_nonnull(hex);
	memset(hex, 'F', n);
	hex[0] = 'C';
	hex[n] = '\0';
	return hex;
}

/* A moduli line for a fake modulus of bits bits. */
static void
line_for(char *out, size_t outsz, unsigned bits, const char *generator)
{
	char *hex = fake_modulus(bits);

	snprintf(out, outsz, "20261124000000 2 6 64 %u %s %s\n", bits - 1, generator, hex);
	free(hex);
}

static struct rp_moduli *
parse_ok(const char *text)
{
	struct rp_moduli *m;
	char why[256];

	ck_assert_msg(rp_moduli_parse(text, strlen(text), &m, why, sizeof(why)),
	    "moduli text refused: %s", why);
	return m;
}

static void
expect_error(const char *text, const char *want, int line)
{
	struct rp_moduli *m;
	char why[256];

	ck_assert_msg(!rp_moduli_parse(text, strlen(text), &m, why, sizeof(why)),
	    "line %d: accepted", line);
	ck_assert_ptr_null(m);
	ck_assert_msg(strcmp(why, want) == 0, "line %d: error\n  %s\nexpected\n  %s", line, why,
	    want);
}

#define EXPECT_ERROR(text, want) expect_error((text), (want), __LINE__)

START_TEST(test_rfc3526_group_in_moduli_format)
{
	uint8_t p[RP_DH_MAX_BYTES];
	char text[1024];
	size_t off;
	struct rp_moduli *m;

	/* Group 14 written the way ssh-keygen writes a line, with a comment,
	 * a blank line and CR LF around it. */
	ck_assert(rp_dh_group_prime(RP_DH_GROUP14, p));
	off = (size_t)snprintf(text, sizeof(text), "# Time Type Tests Tries Size Generator "
	    "Modulus\n\n   \t\n20261124000000 2 6 100 2047 2 ");
	for (size_t i = 0; i < 256; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%02X", p[i]);
	snprintf(text + off, sizeof(text) - off, "\r\n");
	m = parse_ok(text);
	ck_assert_uint_eq(m->n, 1);
	ck_assert_uint_eq(m->skipped, 0);
	ck_assert_uint_eq(m->groups[0].bits, 2048);
	ck_assert_uint_eq(m->groups[0].p_len, 256);
	ck_assert_mem_eq(m->groups[0].p, p, 256);
	ck_assert_uint_eq(m->groups[0].g_len, 1);
	ck_assert_uint_eq(m->groups[0].g[0], 2);
	rp_moduli_free(m);
}
END_TEST

START_TEST(test_every_bad_line_is_named)
{
	char good[2200], text[4600], *hex = fake_modulus(2048);

	line_for(good, sizeof(good), 2048, "5");
#define WITH(fmt, ...) (snprintf(text, sizeof(text), "%s" fmt, good, __VA_ARGS__), text)
	EXPECT_ERROR(WITH("20261124000000 2 6 64 2047 2%s\n", ""), "line 2: missing the modulus "
	    "field; expected TIME TYPE TESTS TRIES SIZE GENERATOR MODULUS");
	EXPECT_ERROR(WITH("20261124000000 2 6 64 2047 2 %s 7\n", hex), "line 2: more than the 7 "
	    "fields TIME TYPE TESTS TRIES SIZE GENERATOR MODULUS");
	EXPECT_ERROR(WITH("2026-11-24 2 6 64 2047 2 %s\n", hex), "line 2: time '2026-11-24' is "
	    "not a number");
	EXPECT_ERROR(WITH("20261124000000 1 6 64 2047 2 %s\n", hex), "line 2: type '1' is not 2 "
	    "(a safe prime)");
	EXPECT_ERROR(WITH("20261124000000 2 7 64 2047 2 %s\n", hex), "line 2: tests '7' do not say "
	    "the prime passed a primality test");
	EXPECT_ERROR(WITH("20261124000000 2 0 64 2047 2 %s\n", hex), "line 2: tests '0' do not say "
	    "the prime passed a primality test");
	EXPECT_ERROR(WITH("20261124000000 2 6 0 2047 2 %s\n", hex), "line 2: tries '0' is not a "
	    "positive count");
	EXPECT_ERROR(WITH("20261124000000 2 6 64 2048 2 %s\n", hex), "line 2: size '2048' does not "
	    "match the modulus (the size is its length in bits minus one)");
	EXPECT_ERROR(WITH("20261124000000 2 6 64 2047 2 %sG\n", hex + 1), "line 2: modulus is not "
	    "a hex number");
	hex[strlen(hex) - 1] = 'E';
	EXPECT_ERROR(WITH("20261124000000 2 6 64 2047 2 %s\n", hex), "line 2: modulus is even");
	hex[strlen(hex) - 1] = 'F';
	EXPECT_ERROR(WITH("20261124000000 2 6 64 2047 1 %s\n", hex), "line 2: generator '1' is "
	    "not a hex number of at least 2");
	EXPECT_ERROR(WITH("20261124000000 2 6 64 2047 x2 %s\n", hex), "line 2: generator 'x2' is "
	    "not a hex number of at least 2");
	EXPECT_ERROR(WITH("20261124000000 2 6 64 2047 123456789 %s\n", hex), "line 2: generator "
	    "'123456789' is not a hex number of at least 2");
#undef WITH
	EXPECT_ERROR("", "no group of 2048 to 8192 bits (the file is empty)");
	EXPECT_ERROR("# only a comment\n", "no group of 2048 to 8192 bits (the file is empty)");
	free(hex);
}
END_TEST

START_TEST(test_groups_outside_2048_to_8192_bits_are_skipped)
{
	char small[600], big[2400], good[2200], text[5400];
	struct rp_moduli *m;

	line_for(small, sizeof(small), 1536, "2");
	line_for(big, sizeof(big), 8200, "2");
	line_for(good, sizeof(good), 2048, "2");
	snprintf(text, sizeof(text), "%s%s%s", small, good, big);
	m = parse_ok(text);
	ck_assert_uint_eq(m->n, 1);
	ck_assert_uint_eq(m->skipped, 2);
	ck_assert_uint_eq(m->first_skipped_line, 1);
	rp_moduli_free(m);
	snprintf(text, sizeof(text), "%s%s", small, big);
	EXPECT_ERROR(text, "no group of 2048 to 8192 bits (every group is outside that range)");
}
END_TEST

/* A real moduli file: OpenSSH's on this machine, and the one we ship. */
START_TEST(test_openssh_and_shipped_moduli_files_load)
{
	const char *paths[] = { "/etc/ssh/moduli", rp_test_path("packaging/moduli") };
	unsigned seen[RP_DH_GEX_MAX_BITS / 1024 + 1];

	for (size_t f = 0; f < 2; f++) {
		struct rp_moduli *m;
		char why[256];

		if (f == 0 && access(paths[0], R_OK) != 0)
			continue; /* no OpenSSH here */
		ck_assert_msg(rp_moduli_load_file(paths[f], &m, why, sizeof(why)), "%s: %s",
		    paths[f], why);
		memset(seen, 0, sizeof(seen));
		for (size_t i = 0; i < m->n; i++) {
			const struct rp_dh_modulus *g = &m->groups[i];

			ck_assert(g->bits >= 2048 && g->bits <= 8192);
			ck_assert_uint_eq(g->p_len, (g->bits + 7) / 8);
			ck_assert(g->p[0] != 0 && (g->p[g->p_len - 1] & 1));
			seen[g->bits / 1024]++;
		}
		/* Both have groups of 2048, 3072, 4096 and 8192 bits. */
		ck_assert_msg(seen[2] > 0 && seen[3] > 0 && seen[4] > 0 && seen[8] > 0,
		    "%s lacks a size", paths[f]);
		rp_moduli_free(m);
	}
}
END_TEST

/* Groups of 2048 (two), 3072 and 4096 bits. */
static struct rp_moduli *
sample_moduli(void)
{
	char a[2200], b[2200], c[2200], d[2200], text[9000];

	line_for(a, sizeof(a), 2048, "2");
	line_for(b, sizeof(b), 2048, "5");
	line_for(c, sizeof(c), 3072, "2");
	line_for(d, sizeof(d), 4096, "2");
	snprintf(text, sizeof(text), "%s%s%s%s", a, b, c, d);
	return parse_ok(text);
}

static unsigned
chosen_bits(const struct rp_moduli *m, unsigned preferred, uint32_t min, uint32_t n, uint32_t max)
{
	const struct rp_dh_modulus *g = rp_moduli_choose(m, preferred, min, n, max);

	return g != NULL ? g->bits : 0;
}

START_TEST(test_choice_honours_min_n_max_and_the_servers_preference)
{
	struct rp_moduli *m = sample_moduli();
	int picked[2] = { 0, 0 };

	/* The smallest group of at least n bits within [min, max]. */
	ck_assert_uint_eq(chosen_bits(m, 2048, 2048, 3072, 8192), 3072);
	ck_assert_uint_eq(chosen_bits(m, 2048, 2048, 2500, 8192), 3072);
	ck_assert_uint_eq(chosen_bits(m, 2048, 3000, 3000, 3500), 3072);
	/* None that large: the largest below n. */
	ck_assert_uint_eq(chosen_bits(m, 2048, 2048, 8192, 8192), 4096);
	ck_assert_uint_eq(chosen_bits(m, 2048, 2048, 7680, 7680), 4096);
	/* dh-group-bits raises n, never past max. */
	ck_assert_uint_eq(chosen_bits(m, 4096, 2048, 2048, 8192), 4096);
	ck_assert_uint_eq(chosen_bits(m, 4096, 2048, 2048, 3072), 3072);
	ck_assert_uint_eq(chosen_bits(m, 8192, 2048, 2048, 2048), 2048);
	/* Nothing in the file within [min, max]: RFC 3526's groups. */
	ck_assert_uint_eq(chosen_bits(m, 2048, 6000, 8192, 8192), 8192);
	/* Nor there. */
	ck_assert_uint_eq(chosen_bits(m, 2048, 5000, 6000, 7000), 0);
	/* Requests a server refuses (RFC 4419 3, RFC 8270). */
	ck_assert_uint_eq(chosen_bits(m, 2048, 4096, 3072, 8192), 0);
	ck_assert_uint_eq(chosen_bits(m, 2048, 2048, 8192, 4096), 0);
	ck_assert_uint_eq(chosen_bits(m, 2048, 512, 1024, 1536), 0);
	/* Either 2048-bit group, at random: both come up in 200 choices
	 * (each is missed every time with probability 2^-200). */
	for (int i = 0; i < 200; i++) {
		const struct rp_dh_modulus *g = rp_moduli_choose(m, 2048, 2048, 2048, 2048);

		ck_assert_ptr_nonnull(g);
		picked[g->g[0] == 5]++;
	}
	ck_assert(picked[0] > 0 && picked[1] > 0);
	rp_moduli_free(m);

	/* No moduli file: 2048, 4096 and 8192 bits from RFC 3526, g = 2. */
	ck_assert_uint_eq(chosen_bits(NULL, 2048, 2048, 3072, 8192), 4096);
	ck_assert_uint_eq(chosen_bits(NULL, 2048, 2048, 2048, 8192), 2048);
	ck_assert_uint_eq(chosen_bits(NULL, 2048, 2048, 8192, 8192), 8192);
	ck_assert_uint_eq(rp_moduli_choose(NULL, 2048, 2048, 2048, 2048)->g[0], 2);
}
END_TEST

static void
keep_last_warning(void *ctx, const char *msg)
{
	char *last = ctx;

	snprintf(last, 512, "%s", msg);
}

START_TEST(test_moduli_file_and_dh_group_bits_directives)
{
	char dir[] = "/tmp/rp-moduli-XXXXXX", path[64], small[400], good[2200];
	char text[512], want[768], warning[512] = "";
	struct rp_policy *policy;
	FILE *f;

	policy = rp_test_policy_load(BASE, NULL, NULL, __LINE__);
	ck_assert_ptr_null(policy->moduli_file);
	ck_assert_ptr_null(policy->moduli);
	ck_assert_uint_eq(policy->dh_group_bits, 2048);
	rp_policy_free(policy);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/moduli", dir);
	line_for(small, sizeof(small), 1024, "2");
	line_for(good, sizeof(good), 3072, "2");
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "%s%s", small, good);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(text, sizeof(text), BASE "moduli-file %s\ndh-group-bits 3072\n", path);
	policy = rp_test_policy_load(text, keep_last_warning, warning, __LINE__);
	ck_assert_str_eq(policy->moduli_file, path);
	ck_assert_uint_eq(policy->moduli->n, 1);
	ck_assert_uint_eq(policy->dh_group_bits, 3072);
	snprintf(want, sizeof(want), "t.conf:3:13: moduli file '%s': 1 group outside 2048 to 8192 "
	    "bits ignored (the first on line 1)", path);
	ck_assert_str_eq(warning, want);
	rp_policy_free(policy);

	/* A bad line fails the load, naming the line. */
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "%s20261124000000 4 6 64 3071 2 FF\n", good);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(text, sizeof(text), BASE "moduli-file %s\n", path);
	snprintf(want, sizeof(want), "t.conf:3:13: cannot use moduli file '%s': line 2: type '4' is "
	    "not 2 (a safe prime); expected safe primes of 2048 to 8192 bits in OpenSSH's "
	    "moduli(5) format", path);
	rp_test_policy_error(text, want, 0, __LINE__);
	unlink(path);
	snprintf(want, sizeof(want), "t.conf:3:13: cannot use moduli file '%s': No such file or "
	    "directory; expected safe primes of 2048 to 8192 bits in OpenSSH's moduli(5) format",
	    path);
	rp_test_policy_error(text, want, 0, __LINE__);
	rmdir(dir);

	rp_test_policy_error(BASE "dh-group-bits 1024\n", "t.conf:3:15: 'dh-group-bits' expects a "
	    "whole number from 2048 to 8192, got '1024'", 0, __LINE__);
	rp_test_policy_error(BASE "dh-group-bits 2048\ndh-group-bits 4096\n", "t.conf:4:1: "
	    "'dh-group-bits' is already set at t.conf:3:1; expected it at most once", 0, __LINE__);
}
END_TEST

RP_TEST_SUITE(moduli)
{
	Suite *s = suite_create("moduli");
	TCase *tc = tcase_create("moduli");

	tcase_add_test(tc, test_rfc3526_group_in_moduli_format);
	tcase_add_test(tc, test_every_bad_line_is_named);
	tcase_add_test(tc, test_groups_outside_2048_to_8192_bits_are_skipped);
	tcase_add_test(tc, test_openssh_and_shipped_moduli_files_load);
	tcase_add_test(tc, test_choice_honours_min_n_max_and_the_servers_preference);
	tcase_add_test(tc, test_moduli_file_and_dh_group_bits_directives);
	suite_add_tcase(s, tc);
	return s;
}

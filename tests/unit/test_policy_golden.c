/*
 * tests/unit/test_policy_golden.c: golden tests for `rampartctl check` and
 * `rampartctl explain`, which print with rp_policy_print and
 * rp_policy_explain (policy/print.c, policy/explain.c).
 *
 *     tests/policy/golden/NAME.conf      a policy (it may include others)
 *     tests/policy/golden/NAME.check     what `check` prints for it
 *     tests/policy/golden/NAME.explain   queries and what `explain` prints
 *
 * In the expected text, @DIR@ stands for the absolute golden directory
 * and @VERSION@ for rampart's version, so the files do not depend on where
 * the tree is checked out. An .explain file holds queries
 *
 *     $ DAY HH:MM USER FROM-ADDRESS [ACTION...]
 *
 * each followed by the expected output and "exit N" (0 allowed, 1 denied).
 * After a deliberate change of the output, regenerate the files with
 *
 *     RAMPART_UPDATE_GOLDEN=1 RAMPART_SOURCE_DIR=. build/tests/unit-tests policy_golden
 *
 * and review the diff before committing it.
 *
 * Also here: the example policy in examples/ must load and decide as its
 * comments say.
 */
#include "tests/unit/unit.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

#define GOLDEN_DIR "tests/policy/golden"
#define MAX_QUERY_WORDS 16

static int
updating(void)
{
	const char *v = getenv("RAMPART_UPDATE_GOLDEN");

	return v != NULL && strcmp(v, "1") == 0;
}

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int c;

	if (f == NULL)
		return NULL;
	ck_assert_ptr_nonnull(mem = open_memstream(&buf, &len));
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(f);
	fclose(mem);
	return buf;
}

static void
write_all(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* text with every occurrence of from replaced by to; malloc'd. */
static char *
replace(const char *text, const char *from, const char *to)
{
	size_t nfrom = strlen(from), len = 0;
	char *out = NULL;
	FILE *mem;

	ck_assert_ptr_nonnull(mem = open_memstream(&out, &len));
	for (const char *s = text; *s != '\0';) {
		if (nfrom > 0 && strncmp(s, from, nfrom) == 0) {
			fputs(to, mem);
			s += nfrom;
		} else {
			fputc(*s++, mem);
		}
	}
	fclose(mem);
	return out;
}

/* Printed text with the directory and version made symbolic. */
static char *
symbolic(const char *printed, const char *dir)
{
	char *a = replace(printed, dir, "@DIR@");
	char *b = replace(a, "rampart_" RAMPART_VERSION, "rampart_@VERSION@");

	free(a);
	return b;
}

/* The first line where a and b differ, for the failure message. */
static void
first_difference(const char *a, const char *b, char *buf, size_t bufsz)
{
	unsigned line = 1;
	const char *la = a, *lb = b;

	while (*a != '\0' && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++;
		b++;
	}
	snprintf(buf, bufsz, "line %u:\n  got:      %.*s\n  expected: %.*s", line,
	    (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

static void
golden_dir(char *out)
{
	ck_assert_ptr_nonnull(realpath(rp_test_path(GOLDEN_DIR), out));
}

static struct rp_policy *
load_golden(const char *dir, const char *name)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s.conf", dir, name);
	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(rp_policy_load(path, &policy, &diag), "%s", diag.error);
	return policy;
}

/* Compare (or, when updating, rewrite) one golden file. */
static void
compare(const char *path, const char *got)
{
	char *want, where[1024];

	if (updating()) {
		write_all(path, got);
		return;
	}
	want = read_all(path);
	ck_assert_msg(want != NULL, "cannot read %s (RAMPART_UPDATE_GOLDEN=1 writes it)", path);
	if (strcmp(want, got) != 0) {
		first_difference(got, want, where, sizeof(where));
		ck_abort_msg("%s differs at %s\n(if the change is intended: RAMPART_UPDATE_GOLDEN=1)",
		    path, where);
	}
	free(want);
}

static void
check_golden(const char *name)
{
	struct rp_policy *policy;
	char dir[PATH_MAX], path[PATH_MAX + 64], *printed = NULL, *got;
	size_t len = 0;
	FILE *mem;

	golden_dir(dir);
	policy = load_golden(dir, name);
	ck_assert_ptr_nonnull(mem = open_memstream(&printed, &len));
	rp_policy_print(policy, mem);
	fclose(mem);
	rp_policy_free(policy);
	got = symbolic(printed, dir);
	snprintf(path, sizeof(path), "%s/%s.check", dir, name);
	compare(path, got);
	free(printed);
	free(got);
}

START_TEST(test_check_sample)
{
	check_golden("sample");
}
END_TEST

START_TEST(test_check_minimal)
{
	check_golden("minimal");
}
END_TEST

/* The same policy prints the same text every time. */
START_TEST(test_check_is_stable)
{
	struct rp_policy *a, *b;
	char dir[PATH_MAX], *ta = NULL, *tb = NULL;
	size_t la = 0, lb = 0;
	FILE *ma, *mb;

	golden_dir(dir);
	a = load_golden(dir, "sample");
	b = load_golden(dir, "sample");
	ck_assert_ptr_nonnull(ma = open_memstream(&ta, &la));
	ck_assert_ptr_nonnull(mb = open_memstream(&tb, &lb));
	rp_policy_print(a, ma);
	rp_policy_print(b, mb);
	fclose(ma);
	fclose(mb);
	ck_assert_str_eq(ta, tb);
	free(ta);
	free(tb);
	rp_policy_free(a);
	rp_policy_free(b);
}
END_TEST

/* --- explain ------------------------------------------------------------- */

/* Split a query line into words; "double quotes" keep blanks. Modifies s. */
static size_t
split_words(char *s, char **words, size_t max)
{
	size_t n = 0;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		ck_assert_msg(n < max, "too many words in a query");
		if (*s == '"') {
			words[n++] = ++s;
			while (*s != '\0' && *s != '"')
				s++;
			ck_assert_msg(*s == '"', "unclosed quote in a query");
		} else {
			words[n++] = s;
			while (*s != '\0' && *s != ' ')
				s++;
		}
		if (*s != '\0')
			*s++ = '\0';
	}
	return n;
}

static unsigned
weekday(const char *name)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

	for (unsigned i = 0; i < 7; i++)
		if (strcmp(days[i], name) == 0)
			return i;
	ck_abort_msg("bad day '%s' in a query", name);
	return 0;
}

/* Run one query line ("DAY HH:MM USER FROM ACTION...") and append its
 * output and exit status to out. */
static void
run_query(const struct rp_policy *policy, const char *line, FILE *out)
{
	char copy[1024], *words[MAX_QUERY_WORDS], host[256], why[256];
	struct rp_request req;
	struct rp_when when;
	struct rp_addr from;
	unsigned h, m;
	size_t n;
	int ok;

	snprintf(copy, sizeof(copy), "%s", line);
	n = split_words(copy, words, MAX_QUERY_WORDS);
	ck_assert_msg(n >= 4, "query '%s': expected DAY HH:MM USER FROM [ACTION...]", line);
	ck_assert_msg(sscanf(words[1], "%2u:%2u", &h, &m) == 2, "query '%s': bad time", line);
	when.wday = weekday(words[0]);
	when.minute = h * 60 + m;
	ck_assert_msg(rp_addr_parse(words[3], &from), "query '%s': bad address", line);
	ck_assert_msg(rp_request_from_words(n - 4, words + 4, &req, host, sizeof(host), why,
	    sizeof(why)), "query '%s': %s", line, why);
	ok = rp_policy_explain(policy, out, words[2], &from, &when, &req);
	fprintf(out, "exit %d\n", ok ? 0 : 1);
}

START_TEST(test_explain_sample)
{
	struct rp_policy *policy;
	char dir[PATH_MAX], path[PATH_MAX + 64], *text, *line, *next, *got, *printed = NULL;
	size_t len = 0;
	int skipping = 0;
	FILE *mem;

	golden_dir(dir);
	policy = load_golden(dir, "sample");
	snprintf(path, sizeof(path), "%s/sample.explain", dir);
	ck_assert_ptr_nonnull(text = read_all(path));
	/* Rebuild the file from its comments and queries, with fresh output. */
	ck_assert_ptr_nonnull(mem = open_memstream(&printed, &len));
	for (line = text; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		next = next != NULL ? next + 1 : line + strlen(line);
		if (strncmp(line, "$ ", 2) == 0) {
			char query[1024];
			size_t qlen = (size_t)(next - line) - 2;
			if (qlen > 0 && line[2 + qlen - 1] == '\n')
				qlen--;
			snprintf(query, sizeof(query), "%.*s", (int)qlen, line + 2);
			fprintf(mem, "$ %s\n", query);
			run_query(policy, query, mem);
			skipping = 1;
		} else if (skipping) {
			skipping = strncmp(line, "exit ", 5) != 0;
		} else {
			fwrite(line, 1, (size_t)(next - line), mem);
		}
	}
	fclose(mem);
	got = symbolic(printed, dir);
	compare(path, got);
	free(got);
	free(printed);
	free(text);
	rp_policy_free(policy);
}
END_TEST

/* --- the example policy ------------------------------------------------------ */

struct warnings {
	char msg[8][1024];
	size_t n;
};

static void
collect(void *ctx, const char *message)
{
	struct warnings *w = ctx;

	if (w->n < 8)
		snprintf(w->msg[w->n], sizeof(w->msg[0]), "%s", message);
	w->n++;
}

static int
example_allows(const struct rp_policy *policy, const char *user, const char *from_text,
    unsigned wday, unsigned hour, enum rp_action action, const char *name, unsigned port)
{
	struct rp_principal pr;
	struct rp_request req = { action, name, port, NULL, 0 };
	struct rp_when when = { wday, hour * 60 };
	struct rp_decision d;
	struct rp_addr from;
	int allow;

	ck_assert(rp_addr_parse(from_text, &from));
	if (!rp_policy_resolve(policy, user, &pr))
		return 0;
	allow = rp_policy_decide(policy, &pr, &from, &when, &req, &d);
	rp_principal_clear(&pr);
	return allow;
}

START_TEST(test_example_policy_loads_and_decides)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;
	struct warnings w;
	struct rp_addr a;
	char path[PATH_MAX];

	ck_assert_ptr_nonnull(realpath(rp_test_path("examples/rampart.conf"), path));
	memset(&diag, 0, sizeof(diag));
	memset(&w, 0, sizeof(w));
	diag.warn = collect;
	diag.warn_ctx = &w;
	ck_assert_msg(rp_policy_load(path, &policy, &diag), "%s", diag.error);
	rp_policy_advise(policy, &diag);
	ck_assert_msg(w.n == 0, "the example policy warns: %s", w.msg[0]);
	ck_assert_uint_ge(policy->ngroups, 2);
	ck_assert_uint_ge(policy->nadmission, 2);

	/* What its comments promise. */
	ck_assert(rp_addr_parse("10.20.1.1", &a));
	ck_assert_ptr_nonnull(rp_policy_admission(policy, &a));
	ck_assert(rp_policy_admission(policy, &a)->admit);
	ck_assert(rp_addr_parse("203.0.113.1", &a));
	ck_assert(rp_policy_admission(policy, &a) == NULL || !rp_policy_admission(policy,
	    &a)->admit);
	ck_assert(example_allows(policy, "alice", "10.20.1.1", 1, 10, RP_ACTION_LOGIN, NULL, 0));
	ck_assert(example_allows(policy, "alice", "10.20.1.1", 1, 10, RP_ACTION_EXEC, "uptime",
	    0));
	ck_assert(example_allows(policy, "dave", "10.30.1.1", 2, 10, RP_ACTION_LOGIN, NULL, 0));
	ck_assert(!example_allows(policy, "dave", "10.30.1.1", 0, 10, RP_ACTION_LOGIN, NULL, 0));
	ck_assert(example_allows(policy, "dave", "10.30.1.1", 2, 10, RP_ACTION_FORWARD,
	    "db01.db.corp.example", 5432));
	ck_assert(!example_allows(policy, "dave", "10.30.1.1", 2, 10, RP_ACTION_FORWARD,
	    "10.99.0.5", 22));
	ck_assert(!example_allows(policy, "nobody-here", "10.20.1.1", 1, 10, RP_ACTION_LOGIN,
	    NULL, 0));
	rp_policy_free(policy);
}
END_TEST

RP_TEST_SUITE(policy_golden)
{
	Suite *s = suite_create("policy_golden");
	TCase *tc = tcase_create("golden");

	tcase_add_test(tc, test_check_sample);
	tcase_add_test(tc, test_check_minimal);
	tcase_add_test(tc, test_check_is_stable);
	tcase_add_test(tc, test_explain_sample);
	tcase_add_test(tc, test_example_policy_loads_and_decides);
	suite_add_tcase(s, tc);
	return s;
}

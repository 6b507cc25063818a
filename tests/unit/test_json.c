/*
 * tests/unit/test_json.c: the JSON writer (common/json.c).
 *
 * Exact bytes for nesting, commas and every escape; valid UTF-8 kept and
 * each ill-formed subpart replaced by one U+FFFD; every misuse is a sticky
 * error; timestamps in RFC 3339 form. A rich document is also handed to
 * Python's json module, when /usr/bin/python3 is there, as a second opinion.
 */
#include "tests/unit/unit.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/json.h"

#define PYTHON "/usr/bin/python3"

struct doc {
	CBB cbb;
	struct rp_json j;
};

static void
doc_init(struct doc *d)
{
	ck_assert(CBB_init(&d->cbb, 64));
	rp_json_init(&d->j, &d->cbb);
}

/* What was written, NUL-terminated (free() it); releases the CBB. */
static char *
doc_take(struct doc *d, size_t *lenp)
{
	size_t len = CBB_len(&d->cbb);
	char *s = malloc(len + 1);

	ck_assert(s != NULL);
	memcpy(s, CBB_data(&d->cbb), len);
	s[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	CBB_cleanup(&d->cbb);
	return s;
}

/* The document must be complete and exactly `want`. */
static void
doc_expect(struct doc *d, const char *want)
{
	int ok = rp_json_ok(&d->j);
	char *got = doc_take(d, NULL);

	ck_assert_msg(ok, "writer reports an error or an unclosed document: %s", got);
	ck_assert_msg(strcmp(got, want) == 0, "expected %s\n     got %s", want, got);
	free(got);
}

/* One string value (len bytes) as a whole document. */
static char *
string_doc(const void *s, size_t len)
{
	struct doc d;

	doc_init(&d);
	rp_json_string_bytes(&d.j, s, len);
	ck_assert(rp_json_ok(&d.j));
	return doc_take(&d, NULL);
}

/* ------------------------------------------------------------------------
 * Nesting and commas
 */

START_TEST(test_object_holds_every_kind_of_value)
{
	struct doc d;

	doc_init(&d);
	rp_json_object_begin(&d.j);
	rp_json_key(&d.j, "s");
	rp_json_string(&d.j, "alice");
	rp_json_key(&d.j, "min");
	rp_json_int(&d.j, INT64_MIN);
	rp_json_key(&d.j, "max");
	rp_json_uint(&d.j, UINT64_MAX);
	rp_json_key(&d.j, "zero");
	rp_json_int(&d.j, 0);
	rp_json_key(&d.j, "t");
	rp_json_bool(&d.j, 7);
	rp_json_key(&d.j, "f");
	rp_json_bool(&d.j, 0);
	rp_json_key(&d.j, "n");
	rp_json_null(&d.j);
	rp_json_key(&d.j, "absent");
	rp_json_string(&d.j, NULL);
	rp_json_key(&d.j, "empty");
	rp_json_string(&d.j, "");
	rp_json_object_end(&d.j);
	doc_expect(&d, "{\"s\":\"alice\",\"min\":-9223372036854775808,"
	    "\"max\":18446744073709551615,\"zero\":0,\"t\":true,\"f\":false,"
	    "\"n\":null,\"absent\":null,\"empty\":\"\"}");
}
END_TEST

START_TEST(test_commas_between_items_at_every_level)
{
	struct doc d;

	doc_init(&d);
	rp_json_array_begin(&d.j);
	rp_json_uint(&d.j, 1);
	rp_json_array_begin(&d.j);
	rp_json_array_end(&d.j);
	rp_json_object_begin(&d.j);
	rp_json_object_end(&d.j);
	rp_json_array_begin(&d.j);
	rp_json_uint(&d.j, 2);
	rp_json_uint(&d.j, 3);
	rp_json_array_end(&d.j);
	rp_json_object_begin(&d.j);
	rp_json_key(&d.j, "a");
	rp_json_array_begin(&d.j);
	rp_json_null(&d.j);
	rp_json_array_end(&d.j);
	rp_json_key(&d.j, "b");
	rp_json_object_begin(&d.j);
	rp_json_key(&d.j, "c");
	rp_json_int(&d.j, -1);
	rp_json_object_end(&d.j);
	rp_json_object_end(&d.j);
	rp_json_string(&d.j, "end");
	rp_json_array_end(&d.j);
	doc_expect(&d, "[1,[],{},[2,3],{\"a\":[null],\"b\":{\"c\":-1}},\"end\"]");
}
END_TEST

START_TEST(test_scalar_alone_is_a_document)
{
	struct doc d;

	doc_init(&d);
	rp_json_uint(&d.j, 42);
	doc_expect(&d, "42");
}
END_TEST

START_TEST(test_nesting_to_the_maximum_depth)
{
	char want[2 * RP_JSON_MAX_DEPTH + 1];
	struct doc d;

	doc_init(&d);
	for (int i = 0; i < RP_JSON_MAX_DEPTH; i++)
		rp_json_array_begin(&d.j);
	for (int i = 0; i < RP_JSON_MAX_DEPTH; i++)
		rp_json_array_end(&d.j);
	memset(want, '[', RP_JSON_MAX_DEPTH);
	memset(want + RP_JSON_MAX_DEPTH, ']', RP_JSON_MAX_DEPTH);
	want[2 * RP_JSON_MAX_DEPTH] = '\0';
	doc_expect(&d, want);
}
END_TEST

/* ------------------------------------------------------------------------
 * Escapes
 */

START_TEST(test_every_control_character_and_del_escaped)
{
	uint8_t in[34];
	char want[256], *p = want, *got;

	for (int c = 0; c < 0x20; c++)
		in[c] = (uint8_t)c;
	in[32] = 0x7f;
	in[33] = 'z';
	*p++ = '"';
	for (int c = 0; c < 0x20; c++)
		p += sprintf(p, "\\u%04x", c);
	p += sprintf(p, "\\u007fz\"");
	got = string_doc(in, sizeof(in));
	ck_assert_str_eq(got, want);
	free(got);
}
END_TEST

START_TEST(test_quote_and_backslash_escaped_others_kept)
{
	static const char in[] = "a\"b\\c/d'e<f>&{}[]:,~ ";
	char *got = string_doc(in, sizeof(in) - 1);

	ck_assert_str_eq(got, "\"a\\\"b\\\\c/d'e<f>&{}[]:,~ \"");
	free(got);
}
END_TEST

START_TEST(test_keys_are_escaped_too)
{
	struct doc d;

	doc_init(&d);
	rp_json_object_begin(&d.j);
	rp_json_key(&d.j, "a\"\n\xff");
	rp_json_bool(&d.j, 1);
	rp_json_object_end(&d.j);
	doc_expect(&d, "{\"a\\\"\\u000a\xef\xbf\xbd\":true}");
}
END_TEST

START_TEST(test_string_bytes_may_hold_nul)
{
	char *got = string_doc("a\0b", 3);

	ck_assert_str_eq(got, "\"a\\u0000b\"");
	free(got);
}
END_TEST

/* ------------------------------------------------------------------------
 * UTF-8
 */

#define FFFD "\xef\xbf\xbd"

static const struct utf8_case {
	const char *name;
	const char *in;         /* hex */
	const char *want;       /* the string's contents, unquoted */
} utf8_cases[] = {
	/* Valid: kept byte for byte, at each boundary of each length. */
	{ "U+0080, smallest 2-byte", "c280", "\xc2\x80" },
	{ "U+00E9", "c3a9", "\xc3\xa9" },
	{ "U+07FF, largest 2-byte", "dfbf", "\xdf\xbf" },
	{ "U+0800, smallest 3-byte", "e0a080", "\xe0\xa0\x80" },
	{ "U+20AC", "e282ac", "\xe2\x82\xac" },
	{ "U+D7FF, below the surrogates", "ed9fbf", "\xed\x9f\xbf" },
	{ "U+E000, above the surrogates", "ee8080", "\xee\x80\x80" },
	{ "U+FFFF", "efbfbf", "\xef\xbf\xbf" },
	{ "U+10000, smallest 4-byte", "f0908080", "\xf0\x90\x80\x80" },
	{ "U+1D11E", "f09d849e", "\xf0\x9d\x84\x9e" },
	{ "U+10FFFF, the last", "f48fbfbf", "\xf4\x8f\xbf\xbf" },
	/* Overlong forms. */
	{ "overlong NUL", "c080", FFFD FFFD },
	{ "overlong 2-byte C1", "c1bf", FFFD FFFD },
	{ "overlong 3-byte", "e08080", FFFD FFFD FFFD },
	{ "overlong 3-byte, top", "e09fbf", FFFD FFFD FFFD },
	{ "overlong 4-byte", "f0808080", FFFD FFFD FFFD FFFD },
	{ "overlong 4-byte, top", "f08fbfbf", FFFD FFFD FFFD FFFD },
	/* Surrogate halves, alone and as a CESU-8 pair. */
	{ "U+D800", "eda080", FFFD FFFD FFFD },
	{ "U+DFFF", "edbfbf", FFFD FFFD FFFD },
	{ "surrogate pair", "eda0bdedb8800a", FFFD FFFD FFFD FFFD FFFD FFFD "\\u000a" },
	/* Beyond U+10FFFF, and leads that never start a sequence. */
	{ "U+110000", "f4908080", FFFD FFFD FFFD FFFD },
	{ "F5 lead", "f5808080", FFFD FFFD FFFD FFFD },
	{ "F8 five-byte form", "f888808080", FFFD FFFD FFFD FFFD FFFD },
	{ "FC six-byte form", "fc8480808080", FFFD FFFD FFFD FFFD FFFD FFFD },
	{ "F5..FF alone", "f5f6f7f8f9fafbfcfdfeff",
	    FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD },
	/* Truncated: one U+FFFD for the whole maximal subpart. */
	{ "2-byte cut at the end", "c3", FFFD },
	{ "3-byte cut at the end", "e282", FFFD },
	{ "4-byte cut at the end", "f09d84", FFFD },
	{ "3-byte cut before ASCII", "e28241", FFFD "A" },
	{ "4-byte cut before a valid one", "f09dc3a9", FFFD "\xc3\xa9" },
	{ "lead before a lead", "c3c3a9", FFFD "\xc3\xa9" },
	/* Stray continuation bytes. */
	{ "lone continuation", "80", FFFD },
	{ "two continuations", "80bf", FFFD FFFD },
	{ "after a complete one", "c3a9a9", "\xc3\xa9" FFFD },
	{ "mixed", "61c3a9ff62", "a\xc3\xa9" FFFD "b" },
};

START_TEST(test_utf8_cases)
{
	const struct utf8_case *c = &utf8_cases[_i];
	uint8_t in[64];
	size_t n = rp_test_unhex(c->in, in, sizeof(in));
	char want[256], *got;

	snprintf(want, sizeof(want), "\"%s\"", c->want);
	got = string_doc(in, n);
	ck_assert_msg(strcmp(got, want) == 0, "%s (%s): expected %s, got %s", c->name, c->in,
	    want, got);
	free(got);
}
END_TEST

/* ------------------------------------------------------------------------
 * Misuse: each is an error, and the error sticks.
 */

START_TEST(test_value_without_key_in_object)
{
	struct doc d;

	doc_init(&d);
	rp_json_object_begin(&d.j);
	rp_json_uint(&d.j, 1);
	ck_assert(d.j.error);
	rp_json_object_end(&d.j);
	ck_assert(!rp_json_ok(&d.j));
	free(doc_take(&d, NULL));
}
END_TEST

START_TEST(test_key_in_array_or_at_top_level)
{
	struct doc d;

	doc_init(&d);
	rp_json_array_begin(&d.j);
	rp_json_key(&d.j, "k");
	ck_assert(!rp_json_ok(&d.j) && d.j.error);
	free(doc_take(&d, NULL));

	doc_init(&d);
	rp_json_key(&d.j, "k");
	ck_assert(d.j.error);
	free(doc_take(&d, NULL));
}
END_TEST

START_TEST(test_two_keys_in_a_row_or_a_key_left_open)
{
	struct doc d;

	doc_init(&d);
	rp_json_object_begin(&d.j);
	rp_json_key(&d.j, "a");
	rp_json_key(&d.j, "b");
	ck_assert(d.j.error);
	free(doc_take(&d, NULL));

	doc_init(&d);
	rp_json_object_begin(&d.j);
	rp_json_key(&d.j, "a");
	rp_json_object_end(&d.j);
	ck_assert(d.j.error);
	free(doc_take(&d, NULL));

	doc_init(&d);
	rp_json_object_begin(&d.j);
	rp_json_key(&d.j, NULL);
	ck_assert(d.j.error);
	free(doc_take(&d, NULL));
}
END_TEST

START_TEST(test_closing_the_wrong_kind)
{
	struct doc d;

	doc_init(&d);
	rp_json_object_begin(&d.j);
	rp_json_array_end(&d.j);
	ck_assert(d.j.error);
	free(doc_take(&d, NULL));

	doc_init(&d);
	rp_json_array_begin(&d.j);
	rp_json_object_end(&d.j);
	ck_assert(d.j.error);
	free(doc_take(&d, NULL));

	doc_init(&d);
	rp_json_array_end(&d.j);
	ck_assert(d.j.error);
	free(doc_take(&d, NULL));
}
END_TEST

START_TEST(test_too_deep)
{
	struct doc d;
	size_t before;

	doc_init(&d);
	for (int i = 0; i < RP_JSON_MAX_DEPTH; i++) {
		rp_json_object_begin(&d.j);
		rp_json_key(&d.j, "k");
	}
	ck_assert(!d.j.error);
	before = CBB_len(&d.cbb);
	rp_json_array_begin(&d.j);
	ck_assert(d.j.error);
	ck_assert_uint_eq(CBB_len(&d.cbb), before);
	free(doc_take(&d, NULL));
}
END_TEST

START_TEST(test_second_top_level_value)
{
	struct doc d;

	doc_init(&d);
	rp_json_object_begin(&d.j);
	rp_json_object_end(&d.j);
	ck_assert(rp_json_ok(&d.j));
	rp_json_object_begin(&d.j);
	ck_assert(d.j.error);
	ck_assert(!rp_json_ok(&d.j));
	free(doc_take(&d, NULL));
}
END_TEST

START_TEST(test_incomplete_documents_are_not_ok)
{
	struct doc d;

	doc_init(&d);
	ck_assert(!rp_json_ok(&d.j)); /* nothing written */
	rp_json_array_begin(&d.j);
	ck_assert(!rp_json_ok(&d.j)); /* still open */
	ck_assert(!d.j.error);
	rp_json_array_end(&d.j);
	ck_assert(rp_json_ok(&d.j));
	free(doc_take(&d, NULL));
}
END_TEST

START_TEST(test_error_sticks_and_nothing_more_is_written)
{
	struct doc d;
	size_t before;

	doc_init(&d);
	rp_json_array_begin(&d.j);
	rp_json_key(&d.j, "k");
	before = CBB_len(&d.cbb);
	rp_json_string(&d.j, "x");
	rp_json_uint(&d.j, 1);
	rp_json_array_end(&d.j);
	ck_assert_uint_eq(CBB_len(&d.cbb), before);
	ck_assert(!rp_json_ok(&d.j));
	free(doc_take(&d, NULL));
}
END_TEST

START_TEST(test_full_buffer_is_an_error)
{
	uint8_t buf[8];
	CBB cbb;
	struct rp_json j;

	ck_assert(CBB_init_fixed(&cbb, buf, sizeof(buf)));
	rp_json_init(&j, &cbb);
	rp_json_string(&j, "longer than eight");
	ck_assert(j.error);
	ck_assert(!rp_json_ok(&j));
	CBB_cleanup(&cbb);
}
END_TEST

/* ------------------------------------------------------------------------
 * Timestamps
 */

START_TEST(test_timestamp_is_rfc3339_utc_with_microseconds)
{
	regex_t re;
	char ts[28];
	struct tm tm;
	time_t now = time(NULL), then;
	const char *rest;

	rp_json_timestamp(ts, sizeof(ts));
	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T"
	    "([01][0-9]|2[0-3]):[0-5][0-9]:[0-6][0-9]\\.[0-9]{6}Z$", REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(regexec(&re, ts, 0, NULL, 0) == 0, "not RFC 3339 UTC: \"%s\"", ts);
	regfree(&re);
	/* And it is now, in UTC. */
	memset(&tm, 0, sizeof(tm));
	rest = strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm);
	ck_assert(rest != NULL && *rest == '.');
	then = timegm(&tm);
	ck_assert_msg(then >= now - 2 && then <= now + 2, "timestamp %s is not now", ts);
}
END_TEST

START_TEST(test_timestamp_needs_room_for_all_of_it)
{
	char small[27];

	memset(small, 'x', sizeof(small));
	rp_json_timestamp(small, sizeof(small));
	ck_assert_str_eq(small, "");
}
END_TEST

/* ------------------------------------------------------------------------
 * A second opinion
 */

/* 1 when Python's json module reads the document (strict UTF-8, no control
 * characters in strings), 0 when it refuses, -1 when Python is missing. */
static int
python_accepts(const char *doc, size_t len)
{
	FILE *p;
	int status;

	if (access(PYTHON, X_OK) != 0)
		return -1;
	p = popen(PYTHON " -c 'import json,sys; "
	    "json.loads(sys.stdin.buffer.read().decode(\"utf-8\"))' 2>/dev/null", "w");
	ck_assert(p != NULL);
	ck_assert_uint_eq(fwrite(doc, 1, len, p), len);
	status = pclose(p);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

START_TEST(test_python_reads_a_hostile_document)
{
	static const char nasty[] = "\"\\\x01\x1f\x7f\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80"
	    "\xe2\x82\xf0\x9d\x84\x9e\x00\xff\n\r\t";
	struct doc d;
	char *text;
	size_t len;
	int verdict;

	doc_init(&d);
	rp_json_object_begin(&d.j);
	rp_json_key(&d.j, nasty);
	rp_json_string_bytes(&d.j, nasty, sizeof(nasty) - 1);
	rp_json_key(&d.j, "list");
	rp_json_array_begin(&d.j);
	for (int i = 0; i < 256; i++) {
		uint8_t b = (uint8_t)i;
		rp_json_string_bytes(&d.j, &b, 1);
	}
	rp_json_int(&d.j, INT64_MIN);
	rp_json_uint(&d.j, UINT64_MAX);
	rp_json_array_end(&d.j);
	rp_json_object_end(&d.j);
	ck_assert(rp_json_ok(&d.j));
	text = doc_take(&d, &len);
	verdict = python_accepts(text, len);
	ck_assert_msg(verdict != 0, "python3 refused: %s", text);
	free(text);
}
END_TEST

RP_TEST_SUITE(json)
{
	Suite *s = suite_create("json");
	TCase *tc;

	tc = tcase_create("structure");
	tcase_add_test(tc, test_object_holds_every_kind_of_value);
	tcase_add_test(tc, test_commas_between_items_at_every_level);
	tcase_add_test(tc, test_scalar_alone_is_a_document);
	tcase_add_test(tc, test_nesting_to_the_maximum_depth);
	suite_add_tcase(s, tc);

	tc = tcase_create("escapes");
	tcase_add_test(tc, test_every_control_character_and_del_escaped);
	tcase_add_test(tc, test_quote_and_backslash_escaped_others_kept);
	tcase_add_test(tc, test_keys_are_escaped_too);
	tcase_add_test(tc, test_string_bytes_may_hold_nul);
	tcase_add_loop_test(tc, test_utf8_cases, 0,
	    (int)(sizeof(utf8_cases) / sizeof(utf8_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("misuse");
	tcase_add_test(tc, test_value_without_key_in_object);
	tcase_add_test(tc, test_key_in_array_or_at_top_level);
	tcase_add_test(tc, test_two_keys_in_a_row_or_a_key_left_open);
	tcase_add_test(tc, test_closing_the_wrong_kind);
	tcase_add_test(tc, test_too_deep);
	tcase_add_test(tc, test_second_top_level_value);
	tcase_add_test(tc, test_incomplete_documents_are_not_ok);
	tcase_add_test(tc, test_error_sticks_and_nothing_more_is_written);
	tcase_add_test(tc, test_full_buffer_is_an_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("timestamp");
	tcase_add_test(tc, test_timestamp_is_rfc3339_utc_with_microseconds);
	tcase_add_test(tc, test_timestamp_needs_room_for_all_of_it);
	suite_add_tcase(s, tc);

	tc = tcase_create("python");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_python_reads_a_hostile_document);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * tests/unit/test_asciicast.c: the asciicast v2 encoder (common/asciicast.c).
 *
 * Exact lines for the header, each escape, each kind of ill-formed UTF-8,
 * resize and input events and the time format; UTF-8 sequences cut at every
 * point between two chunks come out whole; a truncated tail is flushed by
 * finish. Two randomised runs (fixed seeds) read every line back with a
 * small strict parser written here: valid UTF-8 in random chunks comes back
 * byte for byte, and arbitrary bytes in random chunks give the same text as
 * in one chunk. Python's json module reads a recording as a second opinion.
 */
#include "tests/unit/unit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/asciicast.h"

#define PYTHON "/usr/bin/python3"
#define FFFD "\xef\xbf\xbd"

/* ------------------------------------------------------------------------
 * Helpers
 */

static void
sink_init(CBB *cbb)
{
	ck_assert(CBB_init(cbb, 256));
}

/* What was written, NUL-terminated (free() it); releases the CBB. */
static char *
sink_take(CBB *cbb, size_t *lenp)
{
	size_t len = CBB_len(cbb);
	char *s = malloc(len + 1);

	ck_assert(s != NULL);
	memcpy(s, CBB_data(cbb), len);
	s[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	CBB_cleanup(cbb);
	return s;
}

static void
sink_expect(CBB *cbb, const char *want)
{
	size_t len;
	char *got = sink_take(cbb, &len);

	ck_assert_msg(len == strlen(want) && memcmp(got, want, len) == 0,
	    "expected %s\n     got %s", want, got);
	free(got);
}

/* One output event for data (bytes) with a fresh encoder at time 1.250 s. */
static char *
output_once(const void *data, size_t len)
{
	struct rp_asciicast a;
	CBB cbb;

	rp_asciicast_init(&a, 1000);
	sink_init(&cbb);
	ck_assert(rp_asciicast_output(&a, 2250, data, len, &cbb));
	ck_assert(rp_asciicast_finish(&a, 2250, &cbb));
	return sink_take(&cbb, NULL);
}

/* `[1.250000, "o", "<contents>"]\n` */
static char *
output_line(const char *contents)
{
	char *s;

	ck_assert(asprintf(&s, "[1.250000, \"o\", \"%s\"]\n", contents) > 0);
	return s;
}

/* Deterministic random numbers (xorshift64*). */
static uint64_t
rnd(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static size_t
rnd_below(uint64_t *state, size_t n)
{
	return (size_t)(rnd(state) % n);
}

/*
 * An independent UTF-8 decoder (by bit patterns and code point ranges, not
 * by table 3-7 as the encoder does): the length of the well-formed sequence
 * at p, or 0 when it is ill formed.
 */
static size_t
decode_utf8(const uint8_t *p, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t v, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xe0) == 0xc0) {
		len = 2, v = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3, v = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4, v = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

static size_t
encode_utf8(uint32_t cp, uint8_t *out)
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xc0 | cp >> 6);
		out[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xe0 | cp >> 12);
		out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (uint8_t)(0xf0 | cp >> 18);
	out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

struct event {
	char code;
	uint64_t micros; /* the time, in microseconds */
	uint8_t *data;   /* the decoded string (malloc'd) */
	size_t len;
};

/*
 * Read one event line at p (n bytes left) strictly: `[S.UUUUUU, "C", "..."]`
 * and '\n', the string holding only valid UTF-8, no raw control character
 * or DEL, and only JSON's escapes. Returns the bytes the line took; fails
 * the test on anything else.
 */
static size_t
parse_event(const uint8_t *p, size_t n, struct event *ev)
{
	size_t i = 0, j;
	uint64_t secs = 0;

	ck_assert_msg(n > 0 && p[0] == '[', "line does not start with '['");
	i = 1;
	ck_assert_msg(i < n && p[i] >= '0' && p[i] <= '9', "no time");
	while (i < n && p[i] >= '0' && p[i] <= '9')
		secs = secs * 10 + (uint64_t)(p[i++] - '0');
	ck_assert_msg(i < n && p[i] == '.', "time without a fraction");
	i++;
	ev->micros = secs * 1000000;
	for (j = 0; j < 6; j++, i++) {
		ck_assert_msg(i < n && p[i] >= '0' && p[i] <= '9', "time without 6 decimals");
		ev->micros += (uint64_t)(p[i] - '0') * (uint64_t[]){ 100000, 10000, 1000, 100, 10, 1 }[j];
	}
	ck_assert_msg(n - i >= 10 && memcmp(p + i, ", \"", 3) == 0 &&
	    memcmp(p + i + 4, "\", \"", 4) == 0, "bad separators after the time");
	ev->code = (char)p[i + 3];
	ck_assert_msg(ev->code == 'o' || ev->code == 'i' || ev->code == 'r', "bad code %c", ev->code);
	i += 8;
	ev->data = malloc(n + 1);
	ck_assert(ev->data != NULL);
	ev->len = 0;
	for (;;) {
		uint8_t c;
		uint32_t cp;
		size_t k;

		ck_assert_msg(i < n, "string not closed");
		c = p[i];
		if (c == '"') {
			i++;
			break;
		}
		ck_assert_msg(c >= 0x20, "raw control character 0x%02x", c);
		ck_assert_msg(c != 0x7f, "raw DEL");
		if (c == '\\') {
			ck_assert_msg(i + 1 < n, "escape cut");
			c = p[i + 1];
			i += 2;
			switch (c) {
			case '"': case '\\': case '/':
				ev->data[ev->len++] = c;
				break;
			case 'b': ev->data[ev->len++] = '\b'; break;
			case 'f': ev->data[ev->len++] = '\f'; break;
			case 'n': ev->data[ev->len++] = '\n'; break;
			case 'r': ev->data[ev->len++] = '\r'; break;
			case 't': ev->data[ev->len++] = '\t'; break;
			case 'u':
				ck_assert_msg(n - i >= 4, "\\u cut");
				cp = 0;
				for (j = 0; j < 4; j++) {
					int h = rp_test_hex_digit((char)p[i + j]);
					ck_assert_msg(h >= 0, "bad hex in \\u");
					cp = cp << 4 | (uint32_t)h;
				}
				i += 4;
				ck_assert_msg(cp < 0xd800 || cp > 0xdfff, "surrogate escape");
				ev->len += encode_utf8(cp, ev->data + ev->len);
				break;
			default:
				ck_abort_msg("unknown escape \\%c", c);
			}
			continue;
		}
		k = decode_utf8(p + i, n - i, &cp);
		ck_assert_msg(k > 0, "ill-formed UTF-8 at byte %zu of the line", i);
		memcpy(ev->data + ev->len, p + i, k);
		ev->len += k;
		i += k;
	}
	ck_assert_msg(n - i >= 2 && p[i] == ']' && p[i + 1] == '\n', "line not ended by ]\\n");
	return i + 2;
}

/* ------------------------------------------------------------------------
 * Header
 */

START_TEST(test_header_with_every_field)
{
	CBB cbb;

	sink_init(&cbb);
	ck_assert(rp_asciicast_header(&cbb, 80, 24, 1700000000, "xterm-256color", "/bin/bash",
	    "alice@db01"));
	sink_expect(&cbb, "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1700000000,"
	    "\"env\":{\"TERM\":\"xterm-256color\",\"SHELL\":\"/bin/bash\"},"
	    "\"title\":\"alice@db01\"}\n");
}
END_TEST

START_TEST(test_header_without_optional_fields)
{
	CBB cbb;

	sink_init(&cbb);
	ck_assert(rp_asciicast_header(&cbb, 80, 24, 0, NULL, NULL, NULL));
	sink_expect(&cbb, "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":0}\n");

	sink_init(&cbb);
	ck_assert(rp_asciicast_header(&cbb, 4294967295u, 1, -1, "vt100", NULL, NULL));
	sink_expect(&cbb, "{\"version\":2,\"width\":4294967295,\"height\":1,\"timestamp\":-1,"
	    "\"env\":{\"TERM\":\"vt100\"}}\n");

	sink_init(&cbb);
	ck_assert(rp_asciicast_header(&cbb, 132, 43, 1, NULL, "/bin/sh", NULL));
	sink_expect(&cbb, "{\"version\":2,\"width\":132,\"height\":43,\"timestamp\":1,"
	    "\"env\":{\"SHELL\":\"/bin/sh\"}}\n");

	sink_init(&cbb);
	ck_assert(rp_asciicast_header(&cbb, 80, 24, 5, NULL, NULL, ""));
	sink_expect(&cbb, "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":5,"
	    "\"title\":\"\"}\n");
}
END_TEST

START_TEST(test_header_strings_are_escaped)
{
	CBB cbb;

	sink_init(&cbb);
	ck_assert(rp_asciicast_header(&cbb, 80, 24, 7, "x\"term", "C:\\sh\x7f",
	    "a\nb\x01\xc3\xa9\xff\xed\xa0\x80"));
	sink_expect(&cbb, "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":7,"
	    "\"env\":{\"TERM\":\"x\\\"term\",\"SHELL\":\"C:\\\\sh\\u007f\"},"
	    "\"title\":\"a\\u000ab\\u0001\xc3\xa9" FFFD FFFD FFFD FFFD "\"}\n");
}
END_TEST

START_TEST(test_header_that_does_not_fit_appends_nothing)
{
	uint8_t buf[40];
	CBB cbb;

	ck_assert(CBB_init_fixed(&cbb, buf, sizeof(buf)));
	ck_assert(CBB_add_u8(&cbb, 'x'));
	ck_assert(!rp_asciicast_header(&cbb, 80, 24, 1700000000, "xterm", "/bin/bash", NULL));
	ck_assert_uint_eq(CBB_len(&cbb), 1);
	CBB_cleanup(&cbb);
}
END_TEST

/* ------------------------------------------------------------------------
 * Output text
 */

START_TEST(test_plain_ascii)
{
	static const char text[] = "$ ls -la /etc/ssh ~{}[]:,'<>&=+?!@#%^*()|`";
	char *got = output_once(text, sizeof(text) - 1);
	char *want = output_line(text);

	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}
END_TEST

/* Every ASCII byte alone: printable ones as they are, the rest escaped. */
START_TEST(test_every_ascii_byte)
{
	for (int c = 0; c < 0x80; c++) {
		uint8_t b = (uint8_t)c;
		char contents[8], *got, *want;

		switch (c) {
		case '"': strcpy(contents, "\\\""); break;
		case '\\': strcpy(contents, "\\\\"); break;
		case '\b': strcpy(contents, "\\b"); break;
		case '\t': strcpy(contents, "\\t"); break;
		case '\n': strcpy(contents, "\\n"); break;
		case '\f': strcpy(contents, "\\f"); break;
		case '\r': strcpy(contents, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				snprintf(contents, sizeof(contents), "\\u%04x", c);
			else
				snprintf(contents, sizeof(contents), "%c", c);
		}
		got = output_once(&b, 1);
		want = output_line(contents);
		ck_assert_msg(strcmp(got, want) == 0, "byte 0x%02x: expected %s got %s", c, want, got);
		free(got);
		free(want);
	}
}
END_TEST

START_TEST(test_escapes_amid_text)
{
	static const uint8_t text[] = "\x1b[1;32muser@db01\x1b[0m:~$ echo \"a\\b\"\r\n\x07\x00\x7fz";
	char *got = output_once(text, sizeof(text) - 1);
	char *want = output_line("\\u001b[1;32muser@db01\\u001b[0m:~$ echo \\\"a\\\\b\\\"\\r\\n"
	    "\\u0007\\u0000\\u007fz");

	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}
END_TEST

/* Well-formed sequences at each boundary of table 3-7. */
static const char *const valid_seqs[] = {
	"c280",     /* U+0080 */
	"c3a9",     /* U+00E9 */
	"dfbf",     /* U+07FF */
	"e0a080",   /* U+0800 */
	"e282ac",   /* U+20AC */
	"ed9fbf",   /* U+D7FF */
	"ee8080",   /* U+E000 */
	"efbfbd",   /* U+FFFD itself */
	"efbfbf",   /* U+FFFF */
	"f0908080", /* U+10000 */
	"f09d849e", /* U+1D11E */
	"f3bfbfbf", /* U+FFFFF */
	"f48fbfbf", /* U+10FFFF */
};
#define NVALID ((int)(sizeof(valid_seqs) / sizeof(valid_seqs[0])))

START_TEST(test_valid_sequence_kept)
{
	uint8_t seq[4], text[16];
	size_t n = rp_test_unhex(valid_seqs[_i], seq, sizeof(seq));
	char contents[16], *got, *want;

	/* Alone, and between ASCII. */
	memcpy(contents, seq, n);
	contents[n] = '\0';
	got = output_once(seq, n);
	want = output_line(contents);
	ck_assert_msg(strcmp(got, want) == 0, "%s alone: got %s", valid_seqs[_i], got);
	free(got);
	free(want);

	text[0] = 'a';
	memcpy(text + 1, seq, n);
	memcpy(text + 1 + n, seq, n);
	text[1 + 2 * n] = 'b';
	got = output_once(text, 2 + 2 * n);
	memcpy(contents, text, 2 + 2 * n);
	contents[2 + 2 * n] = '\0';
	want = output_line(contents);
	ck_assert_msg(strcmp(got, want) == 0, "a%s%sb: got %s", valid_seqs[_i], valid_seqs[_i], got);
	free(got);
	free(want);
}
END_TEST

/*
 * Every valid sequence cut at every point between two chunks: the first
 * event holds only what precedes the sequence (or nothing at all: no line),
 * the second the whole sequence; nothing is left for finish.
 */
START_TEST(test_valid_sequence_split_at_every_point)
{
	uint8_t seq[4];
	size_t n = rp_test_unhex(valid_seqs[_i], seq, sizeof(seq));

	for (size_t cut = 1; cut < n; cut++) {
		for (int with_ascii = 0; with_ascii < 2; with_ascii++) {
			struct rp_asciicast a;
			uint8_t first[8], second[8];
			size_t n1 = 0, n2 = 0;
			char want[128];
			CBB cbb;

			if (with_ascii)
				first[n1++] = 'a';
			memcpy(first + n1, seq, cut);
			n1 += cut;
			memcpy(second, seq + cut, n - cut);
			n2 = n - cut;
			if (with_ascii)
				second[n2++] = 'b';

			rp_asciicast_init(&a, 0);
			sink_init(&cbb);
			ck_assert(rp_asciicast_output(&a, 1000, first, n1, &cbb));
			ck_assert_uint_eq(CBB_len(&cbb), with_ascii ? strlen("[1.000000, \"o\", \"a\"]\n") : 0);
			ck_assert_uint_eq(a.npending, cut);
			ck_assert(rp_asciicast_output(&a, 2000, second, n2, &cbb));
			ck_assert_uint_eq(a.npending, 0);
			ck_assert(rp_asciicast_finish(&a, 3000, &cbb));
			snprintf(want, sizeof(want), "%s[2.000000, \"o\", \"%.*s%s\"]\n",
			    with_ascii ? "[1.000000, \"o\", \"a\"]\n" : "", (int)n, (const char *)seq,
			    with_ascii ? "b" : "");
			sink_expect(&cbb, want);
		}
	}
}
END_TEST

/* A 4-byte sequence fed one byte per event: one line, at the last byte. */
START_TEST(test_sequence_fed_byte_by_byte)
{
	static const uint8_t clef[] = { 0xf0, 0x9d, 0x84, 0x9e };
	struct rp_asciicast a;
	CBB cbb;

	rp_asciicast_init(&a, 0);
	sink_init(&cbb);
	for (size_t i = 0; i < sizeof(clef); i++)
		ck_assert(rp_asciicast_output(&a, 10 * i, clef + i, 1, &cbb));
	sink_expect(&cbb, "[0.030000, \"o\", \"\xf0\x9d\x84\x9e\"]\n");
}
END_TEST

/* Ill-formed input: each maximal subpart becomes one U+FFFD. */
static const struct bad_case {
	const char *name;
	const char *in;   /* hex */
	const char *want; /* the string's contents */
} bad_cases[] = {
	{ "overlong NUL", "c080", FFFD FFFD },
	{ "overlong 2-byte C1", "c1bf", FFFD FFFD },
	{ "overlong 3-byte", "e08080", FFFD FFFD FFFD },
	{ "overlong 3-byte, top", "e09fbf", FFFD FFFD FFFD },
	{ "overlong 4-byte", "f0808080", FFFD FFFD FFFD FFFD },
	{ "overlong 4-byte, top", "f08fbfbf", FFFD FFFD FFFD FFFD },
	{ "surrogate U+D800", "eda080", FFFD FFFD FFFD },
	{ "surrogate U+DFFF", "edbfbf", FFFD FFFD FFFD },
	{ "CESU-8 pair", "eda0bdedb880", FFFD FFFD FFFD FFFD FFFD FFFD },
	{ "U+110000", "f4908080", FFFD FFFD FFFD FFFD },
	{ "lead F5", "f5808080", FFFD FFFD FFFD FFFD },
	{ "lead F8 (5-byte form)", "f888808080", FFFD FFFD FFFD FFFD FFFD },
	{ "lead FC (6-byte form)", "fc8480808080", FFFD FFFD FFFD FFFD FFFD FFFD },
	{ "FE and FF", "feff", FFFD FFFD },
	{ "stray continuation", "80", FFFD },
	{ "stray continuations", "41bf80bf42", "A" FFFD FFFD FFFD "B" },
	{ "continuation after a whole sequence", "c3a9a9", "\xc3\xa9" FFFD },
	{ "2-byte cut by ASCII", "c341", FFFD "A" },
	{ "3-byte cut after 1 by ASCII", "e241", FFFD "A" },
	{ "3-byte cut after 2 by ASCII", "e28241", FFFD "A" },
	{ "4-byte cut after 3 by ASCII", "f09d8441", FFFD "A" },
	{ "4-byte cut after 2 by a lead", "f09dc3a9", FFFD "\xc3\xa9" },
	{ "3-byte cut by a control byte", "e2820a", FFFD "\\n" },
	{ "cut by a quote", "f09d22", FFFD "\\\"" },
	{ "truncated at the end (finish)", "41e282", "A" FFFD },
	{ "lone lead at the end (finish)", "f4", FFFD },
	{ "E0 then a low continuation", "e080af", FFFD FFFD FFFD },
	{ "F0 then 8F", "f08f41", FFFD FFFD "A" },
	{ "F4 then 90", "f49041", FFFD FFFD "A" },
	{ "ED then A0", "eda041", FFFD FFFD "A" },
	{ "mixed", "61f1808080e18062ff63", "a\xf1\x80\x80\x80" FFFD "b" FFFD "c" },
};
#define NBAD ((int)(sizeof(bad_cases) / sizeof(bad_cases[0])))

/* The event text for in[0..len) cut into chunks at the given points, with
 * finish at the end: every line is read back and the strings joined. */
static uint8_t *
encode_chunks(const uint8_t *in, size_t len, const size_t *cuts, size_t ncuts, size_t *outlen)
{
	struct rp_asciicast a;
	CBB cbb;
	size_t start = 0, n, pos = 0, total = 0;
	uint8_t *text = malloc(3 * len + 4);
	char *lines;

	ck_assert(text != NULL);
	rp_asciicast_init(&a, 0);
	sink_init(&cbb);
	for (size_t c = 0; c <= ncuts; c++) {
		size_t end = c < ncuts ? cuts[c] : len;

		ck_assert(rp_asciicast_output(&a, 5, in + start, end - start, &cbb));
		start = end;
	}
	ck_assert(rp_asciicast_finish(&a, 5, &cbb));
	lines = sink_take(&cbb, &n);
	while (pos < n) {
		struct event ev;

		pos += parse_event((const uint8_t *)lines + pos, n - pos, &ev);
		ck_assert_msg(ev.len > 0, "an empty event");
		memcpy(text + total, ev.data, ev.len);
		total += ev.len;
		free(ev.data);
	}
	free(lines);
	*outlen = total;
	return text;
}

START_TEST(test_ill_formed_replaced)
{
	const struct bad_case *bc = &bad_cases[_i];
	uint8_t in[32];
	size_t n = rp_test_unhex(bc->in, in, sizeof(in));
	char *got = output_once(in, n), *want;

	/* "truncated at the end" cases: the text, then finish's U+FFFD. */
	if (strstr(bc->name, "(finish)") != NULL) {
		const char *last = bc->want + strlen(bc->want) - 3;

		if (last == bc->want)
			ck_assert(asprintf(&want, "[1.250000, \"o\", \"%s\"]\n", last) > 0);
		else
			ck_assert(asprintf(&want, "[1.250000, \"o\", \"%.*s\"]\n"
			    "[1.250000, \"o\", \"%s\"]\n", (int)(last - bc->want), bc->want, last) > 0);
	} else {
		want = output_line(bc->want);
	}
	ck_assert_msg(strcmp(got, want) == 0, "%s: expected %s got %s", bc->name, want, got);
	free(got);
	free(want);
}
END_TEST

/* The same ill-formed input cut anywhere, in two and three chunks, gives the
 * same text as in one. */
START_TEST(test_ill_formed_split_anywhere_gives_the_same_text)
{
	const struct bad_case *bc = &bad_cases[_i];
	uint8_t in[32], *whole, *split;
	size_t n = rp_test_unhex(bc->in, in, sizeof(in)), wlen, slen;

	whole = encode_chunks(in, n, NULL, 0, &wlen);
	for (size_t c1 = 0; c1 <= n; c1++) {
		for (size_t c2 = c1; c2 <= n; c2++) {
			size_t cuts[2] = { c1, c2 };

			split = encode_chunks(in, n, cuts, 2, &slen);
			ck_assert_msg(slen == wlen && memcmp(split, whole, wlen) == 0,
			    "%s cut at %zu and %zu differs", bc->name, c1, c2);
			free(split);
		}
	}
	free(whole);
}
END_TEST

/* ------------------------------------------------------------------------
 * Finish, input, resize, time
 */

START_TEST(test_finish_flushes_a_truncated_tail)
{
	struct rp_asciicast a;
	CBB cbb;

	rp_asciicast_init(&a, 0);
	sink_init(&cbb);
	ck_assert(rp_asciicast_output(&a, 100, (const uint8_t *)"ab\xe2\x82", 4, &cbb));
	ck_assert_uint_eq(a.npending, 2);
	ck_assert(rp_asciicast_finish(&a, 2000, &cbb));
	ck_assert_uint_eq(a.npending, 0);
	/* Nothing left: a second finish adds nothing. */
	ck_assert(rp_asciicast_finish(&a, 3000, &cbb));
	sink_expect(&cbb, "[0.100000, \"o\", \"ab\"]\n[2.000000, \"o\", \"" FFFD "\"]\n");

	/* Nothing pending at all: nothing, even into a full buffer. */
	{
		uint8_t none[1];

		rp_asciicast_init(&a, 0);
		ck_assert(CBB_init_fixed(&cbb, none, 0));
		ck_assert(rp_asciicast_finish(&a, 1, &cbb));
		ck_assert_uint_eq(CBB_len(&cbb), 0);
		CBB_cleanup(&cbb);
	}
}
END_TEST

START_TEST(test_finish_flushes_output_then_input)
{
	struct rp_asciicast a;
	CBB cbb;

	rp_asciicast_init(&a, 0);
	sink_init(&cbb);
	ck_assert(rp_asciicast_input(&a, 1, (const uint8_t *)"\xf0\x9f", 2, &cbb));
	ck_assert(rp_asciicast_output(&a, 2, (const uint8_t *)"\xc3", 1, &cbb));
	ck_assert_uint_eq(CBB_len(&cbb), 0);
	ck_assert(rp_asciicast_finish(&a, 4500, &cbb));
	ck_assert_uint_le(CBB_len(&cbb), RP_ASCIICAST_FINISH_MAX);
	ck_assert_uint_eq(a.npending, 0);
	ck_assert_uint_eq(a.npending_in, 0);
	/* Both flushed: a second finish adds nothing. */
	ck_assert(rp_asciicast_finish(&a, 5000, &cbb));
	sink_expect(&cbb, "[4.500000, \"o\", \"" FFFD "\"]\n[4.500000, \"i\", \"" FFFD "\"]\n");
}
END_TEST

START_TEST(test_input_events)
{
	struct rp_asciicast a;
	CBB cbb;

	rp_asciicast_init(&a, 500);
	sink_init(&cbb);
	ck_assert(rp_asciicast_input(&a, 501, (const uint8_t *)"q", 1, &cbb));
	ck_assert(rp_asciicast_input(&a, 1500, (const uint8_t *)"\x03\r\x1b[A", 5, &cbb));
	sink_expect(&cbb, "[0.001000, \"i\", \"q\"]\n[1.000000, \"i\", \"\\u0003\\r\\u001b[A\"]\n");
}
END_TEST

/* Output and input carry their cut sequences separately. */
START_TEST(test_input_and_output_carry_apart)
{
	struct rp_asciicast a;
	CBB cbb;

	rp_asciicast_init(&a, 0);
	sink_init(&cbb);
	ck_assert(rp_asciicast_output(&a, 1000, (const uint8_t *)"x\xe2", 2, &cbb));
	ck_assert(rp_asciicast_input(&a, 2000, (const uint8_t *)"\xc3\xa9\xf0\x9d", 4, &cbb));
	ck_assert(rp_asciicast_output(&a, 3000, (const uint8_t *)"\x82\xac", 2, &cbb));
	ck_assert(rp_asciicast_input(&a, 4000, (const uint8_t *)"\x84\x9e", 2, &cbb));
	ck_assert(rp_asciicast_finish(&a, 5000, &cbb));
	sink_expect(&cbb, "[1.000000, \"o\", \"x\"]\n"
	    "[2.000000, \"i\", \"\xc3\xa9\"]\n"
	    "[3.000000, \"o\", \"\xe2\x82\xac\"]\n"
	    "[4.000000, \"i\", \"\xf0\x9d\x84\x9e\"]\n");
}
END_TEST

START_TEST(test_resize_line)
{
	struct rp_asciicast a;
	CBB cbb;

	rp_asciicast_init(&a, 1000);
	sink_init(&cbb);
	ck_assert(rp_asciicast_resize(&a, 3500, 100, 40, &cbb));
	ck_assert(rp_asciicast_resize(&a, 3501, 0, 0, &cbb));
	sink_expect(&cbb, "[2.500000, \"r\", \"100x40\"]\n[2.501000, \"r\", \"0x0\"]\n");

	/* The longest resize line fits RP_ASCIICAST_RESIZE_MAX exactly sized. */
	{
		uint8_t buf[RP_ASCIICAST_RESIZE_MAX];
		static const char want[] = "[18446744073709551.615000, \"r\", \"4294967295x4294967295\"]\n";

		ck_assert(CBB_init_fixed(&cbb, buf, sizeof(buf)));
		rp_asciicast_init(&a, 0);
		ck_assert(rp_asciicast_resize(&a, UINT64_MAX, 4294967295u, 4294967295u, &cbb));
		ck_assert_uint_eq(CBB_len(&cbb), strlen(want));
		ck_assert(memcmp(buf, want, strlen(want)) == 0);
		CBB_cleanup(&cbb);
	}
}
END_TEST

START_TEST(test_time_has_six_decimals)
{
	static const struct {
		uint64_t ms;
		const char *want;
	} cases[] = {
		{ 0, "0.000000" },
		{ 1, "0.001000" },
		{ 9, "0.009000" },
		{ 10, "0.010000" },
		{ 999, "0.999000" },
		{ 1000, "1.000000" },
		{ 1250, "1.250000" },
		{ 61234, "61.234000" },
		{ 86400000, "86400.000000" },
		{ 123456789012, "123456789.012000" },
		{ UINT64_MAX, "18446744073709551.615000" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rp_asciicast a;
		CBB cbb;
		char want[96];

		rp_asciicast_init(&a, 0);
		sink_init(&cbb);
		ck_assert(rp_asciicast_output(&a, cases[i].ms, (const uint8_t *)"z", 1, &cbb));
		snprintf(want, sizeof(want), "[%s, \"o\", \"z\"]\n", cases[i].want);
		sink_expect(&cbb, want);
	}
	/* And it is what printf's %.6f says, for a spread of times. */
	for (uint64_t ms = 0; ms < 20000000; ms += 7919) {
		struct rp_asciicast a;
		CBB cbb;
		char want[96];

		rp_asciicast_init(&a, 1234567);
		sink_init(&cbb);
		ck_assert(rp_asciicast_resize(&a, 1234567 + ms, 1, 2, &cbb));
		snprintf(want, sizeof(want), "[%.6f, \"r\", \"1x2\"]\n", (double)ms / 1000.0);
		sink_expect(&cbb, want);
	}
}
END_TEST

START_TEST(test_time_before_the_start_is_zero)
{
	struct rp_asciicast a;
	CBB cbb;

	rp_asciicast_init(&a, 5000);
	sink_init(&cbb);
	ck_assert(rp_asciicast_output(&a, 4999, (const uint8_t *)"a", 1, &cbb));
	ck_assert(rp_asciicast_input(&a, 0, (const uint8_t *)"b", 1, &cbb));
	ck_assert(rp_asciicast_resize(&a, 1, 80, 24, &cbb));
	ck_assert(rp_asciicast_output(&a, 5000, (const uint8_t *)"c", 1, &cbb));
	sink_expect(&cbb, "[0.000000, \"o\", \"a\"]\n[0.000000, \"i\", \"b\"]\n"
	    "[0.000000, \"r\", \"80x24\"]\n[0.000000, \"o\", \"c\"]\n");
}
END_TEST

/* ------------------------------------------------------------------------
 * Empty events and bounds
 */

START_TEST(test_empty_event_writes_nothing)
{
	struct rp_asciicast a;
	uint8_t none[1];
	CBB cbb;

	rp_asciicast_init(&a, 0);
	ck_assert(CBB_init_fixed(&cbb, none, 0));
	ck_assert(rp_asciicast_output(&a, 1, (const uint8_t *)"", 0, &cbb));
	ck_assert(rp_asciicast_input(&a, 1, NULL, 0, &cbb));
	ck_assert_uint_eq(CBB_len(&cbb), 0);
	CBB_cleanup(&cbb);

	/* Data that only starts a sequence: no line, and it stays carried. */
	sink_init(&cbb);
	ck_assert(rp_asciicast_output(&a, 1, (const uint8_t *)"\xf0\x9d\x84", 3, &cbb));
	ck_assert(rp_asciicast_output(&a, 2, (const uint8_t *)"", 0, &cbb));
	ck_assert_uint_eq(CBB_len(&cbb), 0);
	ck_assert_uint_eq(a.npending, 3);
	ck_assert(rp_asciicast_output(&a, 3, (const uint8_t *)"\x9e", 1, &cbb));
	sink_expect(&cbb, "[0.003000, \"o\", \"\xf0\x9d\x84\x9e\"]\n");
}
END_TEST

/* The worst case (a 32 KiB read of control bytes, at the latest time, after
 * a carried lead that turns out ill formed) fits RP_ASCIICAST_EVENT_MAX. */
START_TEST(test_worst_case_fits_the_bound)
{
	enum { LEN = 32768 };
	static uint8_t data[LEN], buf[RP_ASCIICAST_EVENT_MAX(LEN)];
	struct rp_asciicast a;
	CBB cbb;
	size_t n;

	memset(data, 0x01, sizeof(data));
	rp_asciicast_init(&a, 0);
	ck_assert(CBB_init_fixed(&cbb, buf, sizeof(buf)));
	ck_assert(rp_asciicast_output(&a, 0, (const uint8_t *)"\xf0\x9d\x84", 3, &cbb));
	ck_assert(rp_asciicast_output(&a, UINT64_MAX, data, LEN, &cbb));
	n = CBB_len(&cbb);
	ck_assert_uint_eq(n, strlen("[18446744073709551.615000, \"o\", \"" FFFD "\"]\n") + 6 * LEN);
	ck_assert_uint_le(n, RP_ASCIICAST_EVENT_MAX(LEN));
	CBB_cleanup(&cbb);
}
END_TEST

/* A buffer too small: failure, nothing appended, the carry untouched. */
START_TEST(test_too_small_buffer_changes_nothing)
{
	static uint8_t buf[RP_ASCIICAST_EVENT_MAX(4) - 1];
	struct rp_asciicast a;
	CBB cbb;

	rp_asciicast_init(&a, 0);
	ck_assert(CBB_init_fixed(&cbb, buf, sizeof(buf)));
	ck_assert(rp_asciicast_output(&a, 0, (const uint8_t *)"\xe2", 1, &cbb));
	ck_assert_uint_eq(a.npending, 1);
	ck_assert(!rp_asciicast_output(&a, 1, (const uint8_t *)"\x82\xac!!", 4, &cbb));
	ck_assert_uint_eq(CBB_len(&cbb), 0);
	ck_assert_uint_eq(a.npending, 1);
	ck_assert_uint_eq(a.pending[0], 0xe2);
	CBB_cleanup(&cbb);

	ck_assert(CBB_init_fixed(&cbb, buf, 10));
	ck_assert(!rp_asciicast_resize(&a, 1, 80, 24, &cbb));
	ck_assert_uint_eq(CBB_len(&cbb), 0);
	CBB_cleanup(&cbb);

	ck_assert(CBB_init_fixed(&cbb, buf, 10));
	ck_assert(!rp_asciicast_finish(&a, 1, &cbb));
	ck_assert_uint_eq(a.npending, 1);
	CBB_cleanup(&cbb);
}
END_TEST

/* A length whose bound does not fit a size_t is refused before any byte is
 * read (the pointer here has one byte behind it). */
START_TEST(test_absurd_length_refused)
{
	static const uint8_t one[1] = { 'x' };
	struct rp_asciicast a;
	CBB cbb;

	rp_asciicast_init(&a, 0);
	sink_init(&cbb);
	ck_assert(!rp_asciicast_output(&a, 0, one, (SIZE_MAX - 64) / 6 + 1, &cbb));
	ck_assert(!rp_asciicast_input(&a, 0, one, SIZE_MAX / 2, &cbb));
	ck_assert(!rp_asciicast_output(&a, 0, one, SIZE_MAX, &cbb));
	ck_assert(!rp_asciicast_output(&a, 0, NULL, 1, &cbb));
	ck_assert_uint_eq(CBB_len(&cbb), 0);
	CBB_cleanup(&cbb);
}
END_TEST

/* ------------------------------------------------------------------------
 * Randomised runs
 */

/* Random valid UTF-8 that leans on the awkward parts: controls, quotes,
 * backslashes, DEL, and code points of every length at their edges. */
static size_t
random_valid_text(uint64_t *st, uint8_t *out, size_t room)
{
	size_t n = 0;

	while (n + 4 <= room) {
		uint32_t cp;

		switch (rnd_below(st, 8)) {
		case 0:
			cp = (uint32_t)rnd_below(st, 0x20);
			break;
		case 1:
			cp = "\"\\\x7f/"[rnd_below(st, 4)];
			break;
		case 2:
		case 3:
			cp = 0x20 + (uint32_t)rnd_below(st, 0x5f);
			break;
		case 4:
			cp = 0x80 + (uint32_t)rnd_below(st, 0x800 - 0x80);
			break;
		case 5:
			do
				cp = 0x800 + (uint32_t)rnd_below(st, 0x10000 - 0x800);
			while (cp >= 0xd800 && cp <= 0xdfff);
			break;
		case 6:
			cp = 0x10000 + (uint32_t)rnd_below(st, 0x110000 - 0x10000);
			break;
		default:
			cp = (uint32_t[]){ 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff,
			    0x10000, 0x10ffff }[rnd_below(st, 9)];
		}
		n += encode_utf8(cp, out + n);
	}
	return n;
}

/*
 * Feed in[0..len) as random chunks (0 to 40 bytes, sometimes a lone byte)
 * through output and input events with a resize now and then, read every
 * line back strictly, and return each stream's joined text.
 */
static void
feed_random_chunks(uint64_t *st, const uint8_t *in, size_t len, size_t *nchunks,
    uint8_t *out_text, size_t *out_len, uint8_t *in_text, size_t *in_len)
{
	struct rp_asciicast a;
	uint64_t now = 0, last_micros = 0;
	size_t pos = 0, n, p = 0;
	char *lines;
	CBB cbb;

	rp_asciicast_init(&a, 0);
	sink_init(&cbb);
	*nchunks = 0;
	*out_len = *in_len = 0;
	/* Both streams carry the same bytes, cut differently. */
	for (int stream = 0; stream < 2; stream++) {
		pos = 0;
		while (pos < len) {
			size_t chunk = rnd_below(st, 4) == 0 ? 1 : rnd_below(st, 41);
			size_t before = CBB_len(&cbb);

			if (chunk > len - pos)
				chunk = len - pos;
			now += rnd_below(st, 3000);
			if (stream == 0)
				ck_assert(rp_asciicast_output(&a, now, in + pos, chunk, &cbb));
			else
				ck_assert(rp_asciicast_input(&a, now, in + pos, chunk, &cbb));
			ck_assert_uint_le(CBB_len(&cbb) - before, RP_ASCIICAST_EVENT_MAX(chunk));
			pos += chunk;
			(*nchunks)++;
			if (rnd_below(st, 50) == 0)
				ck_assert(rp_asciicast_resize(&a, now, (unsigned)rnd(st),
				    (unsigned)rnd(st), &cbb));
		}
	}
	ck_assert(rp_asciicast_finish(&a, now, &cbb));
	lines = sink_take(&cbb, &n);
	while (p < n) {
		struct event ev;

		p += parse_event((const uint8_t *)lines + p, n - p, &ev);
		ck_assert_msg(ev.micros >= last_micros, "time went backwards");
		ck_assert_msg(ev.micros % 1000 == 0, "time finer than the clock");
		last_micros = ev.micros;
		ck_assert_msg(ev.len > 0, "an empty event");
		if (ev.code == 'o') {
			memcpy(out_text + *out_len, ev.data, ev.len);
			*out_len += ev.len;
		} else if (ev.code == 'i') {
			memcpy(in_text + *in_len, ev.data, ev.len);
			*in_len += ev.len;
		} else {
			unsigned long long cols, rows;
			char tail;

			ev.data[ev.len] = '\0';
			ck_assert_msg(sscanf((char *)ev.data, "%llux%llu%c", &cols, &rows, &tail) == 2,
			    "bad resize %s", ev.data);
		}
		free(ev.data);
	}
	free(lines);
}

/* Valid UTF-8 comes back byte for byte however it is cut. */
START_TEST(test_random_chunks_of_valid_text_round_trip)
{
	enum { LEN = 100000 };
	uint64_t st = 0x5eed0001u;
	uint8_t *in = malloc(LEN), *o = malloc(3 * LEN), *i = malloc(3 * LEN);
	size_t len, olen, ilen, total = 0;

	ck_assert(in != NULL && o != NULL && i != NULL);
	while (total < 10000) {
		size_t c;

		len = random_valid_text(&st, in, 1000 + rnd_below(&st, LEN - 1000));
		feed_random_chunks(&st, in, len, &c, o, &olen, i, &ilen);
		total += c;
		ck_assert_msg(olen == len && memcmp(o, in, len) == 0, "output differs from the input");
		ck_assert_msg(ilen == len && memcmp(i, in, len) == 0, "input differs from the input");
	}
	ck_assert_uint_ge(total, 10000);
	free(in);
	free(o);
	free(i);
}
END_TEST

/* Arbitrary bytes (mostly near-UTF-8): every line valid, and the text the
 * same as the whole input encoded in one chunk. */
START_TEST(test_random_chunks_of_arbitrary_bytes)
{
	enum { LEN = 20000 };
	uint64_t st = 0x5eed0002u;
	uint8_t *in = malloc(LEN), *o = malloc(3 * LEN), *i = malloc(3 * LEN), *whole;
	size_t len, olen, ilen, wlen, chunks, total = 0;

	ck_assert(in != NULL && o != NULL && i != NULL);
	while (total < 10000) {
		len = random_valid_text(&st, in, 100 + rnd_below(&st, LEN - 100));
		/* Break it: drop, flip and insert bytes. */
		for (size_t k = rnd_below(&st, len / 8 + 1); k > 0; k--) {
			size_t at = rnd_below(&st, len);

			switch (rnd_below(&st, 3)) {
			case 0:
				in[at] = (uint8_t)rnd(&st);
				break;
			case 1:
				memmove(in + at, in + at + 1, len - at - 1);
				len--;
				break;
			default:
				in[at] = (uint8_t[]){ 0x80, 0xbf, 0xc0, 0xc1, 0xe0, 0xed, 0xf0,
				    0xf4, 0xf5, 0xff }[rnd_below(&st, 10)];
			}
		}
		feed_random_chunks(&st, in, len, &chunks, o, &olen, i, &ilen);
		total += chunks;
		whole = encode_chunks(in, len, NULL, 0, &wlen);
		ck_assert_msg(olen == wlen && memcmp(o, whole, wlen) == 0,
		    "output cut into chunks differs from output in one");
		ck_assert_msg(ilen == wlen && memcmp(i, whole, wlen) == 0,
		    "input cut into chunks differs from input in one");
		free(whole);
	}
	free(in);
	free(o);
	free(i);
}
END_TEST

/* ------------------------------------------------------------------------
 * A second opinion
 */

/* 1 when Python reads every line (strict UTF-8 and JSON) as an asciicast v2
 * recording, 0 when it refuses, -1 when Python is missing. */
static int
python_accepts(const char *doc, size_t len)
{
	FILE *p;
	int status;

	if (access(PYTHON, X_OK) != 0)
		return -1;
	p = popen(PYTHON " -c 'import json,sys\n"
	    "lines = sys.stdin.buffer.read().decode(\"utf-8\").split(\"\\n\")\n"
	    "assert lines.pop() == \"\"\n"
	    "h = json.loads(lines[0]); assert h[\"version\"] == 2 and h[\"width\"] == 80\n"
	    "for l in lines[1:]:\n"
	    "    t, c, d = json.loads(l)\n"
	    "    assert isinstance(t, float) and c in \"oir\" and isinstance(d, str)\n"
	    "' 2>/dev/null", "w");
	ck_assert(p != NULL);
	ck_assert_uint_eq(fwrite(doc, 1, len, p), len);
	status = pclose(p);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

START_TEST(test_python_reads_a_hostile_recording)
{
	static const char nasty[] = "\"\\\x01\x1f\x7f\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80"
	    "\xe2\x82\xf0\x9d\x84\x9e\x00\xff\n\r\t\x1b[0m";
	struct rp_asciicast a;
	uint8_t all[256];
	char *text;
	size_t len;
	int verdict;
	CBB cbb;

	sink_init(&cbb);
	ck_assert(rp_asciicast_header(&cbb, 80, 24, 1700000000, nasty, "/bin/sh", nasty));
	rp_asciicast_init(&a, 0);
	for (int b = 0; b < 256; b++)
		all[b] = (uint8_t)b;
	ck_assert(rp_asciicast_output(&a, 1, (const uint8_t *)nasty, sizeof(nasty) - 1, &cbb));
	ck_assert(rp_asciicast_input(&a, 2, all, sizeof(all), &cbb));
	ck_assert(rp_asciicast_output(&a, 3, all + 0xe0, 2, &cbb));
	ck_assert(rp_asciicast_resize(&a, 4, 120, 50, &cbb));
	ck_assert(rp_asciicast_finish(&a, 5, &cbb));
	text = sink_take(&cbb, &len);
	verdict = python_accepts(text, len);
	ck_assert_msg(verdict != 0, "python3 refused: %s", text);
	free(text);
}
END_TEST

RP_TEST_SUITE(asciicast)
{
	Suite *s = suite_create("asciicast");
	TCase *tc;

	tc = tcase_create("header");
	tcase_add_test(tc, test_header_with_every_field);
	tcase_add_test(tc, test_header_without_optional_fields);
	tcase_add_test(tc, test_header_strings_are_escaped);
	tcase_add_test(tc, test_header_that_does_not_fit_appends_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_plain_ascii);
	tcase_add_test(tc, test_every_ascii_byte);
	tcase_add_test(tc, test_escapes_amid_text);
	tcase_add_loop_test(tc, test_valid_sequence_kept, 0, NVALID);
	tcase_add_loop_test(tc, test_valid_sequence_split_at_every_point, 0, NVALID);
	tcase_add_test(tc, test_sequence_fed_byte_by_byte);
	tcase_add_loop_test(tc, test_ill_formed_replaced, 0, NBAD);
	tcase_add_loop_test(tc, test_ill_formed_split_anywhere_gives_the_same_text, 0, NBAD);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_test(tc, test_finish_flushes_a_truncated_tail);
	tcase_add_test(tc, test_finish_flushes_output_then_input);
	tcase_add_test(tc, test_input_events);
	tcase_add_test(tc, test_input_and_output_carry_apart);
	tcase_add_test(tc, test_resize_line);
	tcase_add_test(tc, test_time_has_six_decimals);
	tcase_add_test(tc, test_time_before_the_start_is_zero);
	tcase_add_test(tc, test_empty_event_writes_nothing);
	tcase_add_test(tc, test_worst_case_fits_the_bound);
	tcase_add_test(tc, test_too_small_buffer_changes_nothing);
	tcase_add_test(tc, test_absurd_length_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_random_chunks_of_valid_text_round_trip);
	tcase_add_test(tc, test_random_chunks_of_arbitrary_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("python");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_python_reads_a_hostile_recording);
	suite_add_tcase(s, tc);
	return s;
}

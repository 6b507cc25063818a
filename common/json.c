/*
 * common/json.c: the JSON writer of common/json.h.
 *
 * The writer keeps, per open object or array, what kind it is and whether
 * it holds an item yet, so it writes every comma itself and refuses any
 * call that would make the document invalid (a value without a key in an
 * object, a key in an array, closing the wrong kind, a second top-level
 * value). The first error sticks and every later call does nothing.
 *
 * Strings: `"` and `\` are escaped, every control character and DEL become
 * \u00XX, valid UTF-8 is copied as is, and each maximal ill-formed subpart
 * (Unicode 15, section 3.9, "U+FFFD Substitution of Maximal Subparts":
 * overlongs, surrogates, truncated sequences, > U+10FFFF, stray bytes)
 * becomes one U+FFFD. A NULL string is written as null.
 */
#include "common/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define KIND_OBJECT 1
#define KIND_ARRAY 2

static const uint8_t replacement[] = { 0xef, 0xbf, 0xbd }; /* U+FFFD */

static void
fail(struct rp_json *j)
{
	j->error = 1;
}

static void
put(struct rp_json *j, const void *data, size_t len)
{
	if (!j->error && len > 0 && !CBB_add_bytes(j->out, data, len))
		fail(j);
}

static void
put_byte(struct rp_json *j, uint8_t c)
{
	if (!j->error && !CBB_add_u8(j->out, c))
		fail(j);
}

/*
 * Length of the UTF-8 sequence starting at p[0] (n bytes available), per
 * the table of well-formed byte sequences (Unicode 15, table 3-7). *valid
 * says whether it is well formed; when it is not, the length returned is
 * that of the maximal subpart, which is always at least 1.
 */
static size_t
utf8_scan(const uint8_t *p, size_t n, int *valid)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xbf;
	size_t need;

	*valid = 0;
	if (c < 0x80) {
		*valid = 1;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;      /* below: overlong */
		else if (c == 0xed)
			hi = 0x9f;      /* above: surrogates U+D800..U+DFFF */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;      /* below: overlong */
		else if (c == 0xf4)
			hi = 0x8f;      /* above: beyond U+10FFFF */
	} else {
		return 1;               /* 80..C1 and F5..FF never start one */
	}
	for (size_t i = 1; i <= need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi)
			return i;
		lo = 0x80;
		hi = 0xbf;
	}
	*valid = 1;
	return need + 1;
}

static void
put_string(struct rp_json *j, const uint8_t *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run = 0;

	put_byte(j, '"');
	while (i < len && !j->error) {
		uint8_t c = s[i];
		char esc[6];
		int valid;
		size_t n = 1;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			n = utf8_scan(s + i, len - i, &valid);
			if (valid) {
				i += n;
				continue;
			}
		}
		/* s[run..i) is plain; what is at i needs an escape. */
		put(j, s + run, i - run);
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(j, esc, 2);
			i++;
		} else if (c < 0x80) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			put(j, esc, 6);
			i++;
		} else {
			put(j, replacement, sizeof(replacement));
			i += n;
		}
		run = i;
	}
	put(j, s + run, i - run);
	put_byte(j, '"');
}

/* Before any value: a key must be waiting in an object, a comma may be
 * due in an array, and at the top level only one value is allowed. */
static int
value_begin(struct rp_json *j)
{
	int d = j->depth;

	if (j->error)
		return 0;
	if (d == 0) {
		if (j->done)
			fail(j);
		return !j->error;
	}
	if (j->kind[d - 1] == KIND_OBJECT) {
		if (!j->want_value)
			fail(j);
		j->want_value = 0;
		return !j->error;
	}
	if (j->has_items[d - 1])
		put_byte(j, ',');
	j->has_items[d - 1] = 1;
	return !j->error;
}

/* After a whole value (a scalar, or a container when it closes). */
static void
value_end(struct rp_json *j)
{
	if (j->depth == 0)
		j->done = 1;
}

static void
container_begin(struct rp_json *j, uint8_t kind, uint8_t open)
{
	if (j->error)
		return;
	if (j->depth >= RP_JSON_MAX_DEPTH) {
		fail(j);
		return;
	}
	if (!value_begin(j))
		return;
	put_byte(j, open);
	j->kind[j->depth] = kind;
	j->has_items[j->depth] = 0;
	j->depth++;
}

static void
container_end(struct rp_json *j, uint8_t kind, uint8_t close)
{
	if (j->error)
		return;
	if (j->depth == 0 || j->kind[j->depth - 1] != kind || j->want_value) {
		fail(j);
		return;
	}
	put_byte(j, close);
	j->depth--;
	value_end(j);
}

void
rp_json_init(struct rp_json *j, CBB *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

void
rp_json_object_begin(struct rp_json *j)
{
	container_begin(j, KIND_OBJECT, '{');
}

void
rp_json_object_end(struct rp_json *j)
{
	container_end(j, KIND_OBJECT, '}');
}

void
rp_json_array_begin(struct rp_json *j)
{
	container_begin(j, KIND_ARRAY, '[');
}

void
rp_json_array_end(struct rp_json *j)
{
	container_end(j, KIND_ARRAY, ']');
}

void
rp_json_key(struct rp_json *j, const char *key)
{
	int d = j->depth;

	if (j->error)
		return;
	if (key == NULL || d == 0 || j->kind[d - 1] != KIND_OBJECT || j->want_value) {
		fail(j);
		return;
	}
	if (j->has_items[d - 1])
		put_byte(j, ',');
	j->has_items[d - 1] = 1;
	put_string(j, (const uint8_t *)key, strlen(key));
	put_byte(j, ':');
	j->want_value = 1;
}

void
rp_json_string(struct rp_json *j, const char *s)
{
	if (s == NULL) {
		rp_json_null(j);
		return;
	}
	rp_json_string_bytes(j, s, strlen(s));
}

void
rp_json_string_bytes(struct rp_json *j, const void *s, size_t len)
{
	static const uint8_t empty[1];

	if (s == NULL && len > 0) {
		fail(j);
		return;
	}
	if (!value_begin(j))
		return;
	put_string(j, s != NULL ? s : empty, len);
	value_end(j);
}

/* A bare token: a number, true, false or null. */
static void
put_token(struct rp_json *j, const char *text)
{
	if (!value_begin(j))
		return;
	put(j, text, strlen(text));
	value_end(j);
}

void
rp_json_int(struct rp_json *j, int64_t v)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRId64, v);
	put_token(j, text);
}

void
rp_json_uint(struct rp_json *j, uint64_t v)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, v);
	put_token(j, text);
}

void
rp_json_bool(struct rp_json *j, int v)
{
	put_token(j, v ? "true" : "false");
}

void
rp_json_null(struct rp_json *j)
{
	put_token(j, "null");
}

int
rp_json_ok(const struct rp_json *j)
{
	return !j->error && j->depth == 0 && j->done;
}

void
rp_json_timestamp(char *out, size_t outsz)
{
	struct timespec ts;
	struct tm tm;
	char date[32];
	int n;

	if (outsz == 0)
		return;
	out[0] = '\0';
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return;
	n = snprintf(out, outsz, "%s.%06ldZ", date, (long)(ts.tv_nsec / 1000));
	/* A cut timestamp would look like a valid one: give none instead. */
	if (n < 0 || (size_t)n >= outsz)
		out[0] = '\0';
}

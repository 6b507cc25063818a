/*
 * common/asciicast.c: the asciicast v2 encoder of common/asciicast.h.
 *
 * The header is a small JSON object and goes through common/json.c. Events
 * are encoded here by hand because the worker encodes every pty read: an
 * event reserves its worst case in the CBB once (RP_ASCIICAST_EVENT_MAX)
 * and then writes bytes straight into it, one table lookup per byte and a
 * memcpy per run of bytes that need no escape, with no call per byte.
 *
 * UTF-8 is checked here against Unicode 15 table 3-7 (well-formed byte
 * sequences); common/json.c has the same check but without the "the chunk
 * ended inside a sequence" answer that the carry needs. Each maximal
 * ill-formed subpart becomes one U+FFFD, as in common/json.c.
 */
#include "common/asciicast.h"

#include <string.h>

#include "common/json.h"

/* Byte classes. */
#define PLAIN 0 /* printable ASCII other than '"' and '\': copied */
#define ESC 1   /* control character, DEL, '"' or '\': escaped */
#define BAD 2   /* never in well-formed UTF-8: 80..C1, F5..FF */
#define LEAD2 3 /* C2..DF: one continuation byte follows */
#define LEAD3 4 /* E0..EF: two */
#define LEAD4 5 /* F0..F4: three */

static const uint8_t byte_class[256] = {
	[0x00 ... 0x1f] = ESC,
	[0x20 ... 0x21] = PLAIN,
	['"'] = ESC,
	[0x23 ... 0x5b] = PLAIN,
	['\\'] = ESC,
	[0x5d ... 0x7e] = PLAIN,
	[0x7f] = ESC,
	[0x80 ... 0xc1] = BAD,
	[0xc2 ... 0xdf] = LEAD2,
	[0xe0 ... 0xef] = LEAD3,
	[0xf0 ... 0xf4] = LEAD4,
	[0xf5 ... 0xff] = BAD,
};

/* What utf8_seq() found. */
#define SEQ_VALID 0   /* a whole well-formed sequence */
#define SEQ_INVALID 1 /* a maximal ill-formed subpart: one U+FFFD */
#define SEQ_SHORT 2   /* the bytes ran out inside a sequence so far well formed */

/*
 * The sequence that starts with the lead byte p[0] (class LEAD2..LEAD4),
 * n >= 1 bytes available. *seqlen is the length of the sequence (VALID), of
 * the maximal subpart (INVALID, at least 1), or of the bytes there are
 * (SHORT). Table 3-7 narrows only the first continuation byte after E0
 * (no overlongs), ED (no surrogates), F0 (no overlongs) and F4 (nothing past
 * U+10FFFF); every other continuation byte is 80..BF.
 */
static inline int
utf8_seq(const uint8_t *p, size_t n, size_t *seqlen)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xbf;
	size_t need = (size_t)byte_class[c] - LEAD2 + 1;

	switch (c) {
	case 0xe0:
		lo = 0xa0;
		break;
	case 0xed:
		hi = 0x9f;
		break;
	case 0xf0:
		lo = 0x90;
		break;
	case 0xf4:
		hi = 0x8f;
		break;
	}
	for (size_t i = 1; i <= need; i++) {
		if (i >= n) {
			*seqlen = i;
			return SEQ_SHORT;
		}
		if (p[i] < lo || p[i] > hi) {
			*seqlen = i;
			return SEQ_INVALID;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	*seqlen = need + 1;
	return SEQ_VALID;
}

static inline uint8_t *
put_replacement(uint8_t *o)
{
	o[0] = 0xef;
	o[1] = 0xbf;
	o[2] = 0xbd;
	return o + 3;
}

/* One byte of class ESC: at most 6 bytes. */
static inline uint8_t *
put_escape(uint8_t *o, uint8_t c)
{
	static const char hex[] = "0123456789abcdef";
	char shortform = 0;

	switch (c) {
	case '"':
	case '\\':
		shortform = (char)c;
		break;
	case '\b':
		shortform = 'b';
		break;
	case '\t':
		shortform = 't';
		break;
	case '\n':
		shortform = 'n';
		break;
	case '\f':
		shortform = 'f';
		break;
	case '\r':
		shortform = 'r';
		break;
	}
	o[0] = '\\';
	if (shortform != 0) {
		o[1] = (uint8_t)shortform;
		return o + 2;
	}
	o[1] = 'u';
	o[2] = '0';
	o[3] = '0';
	o[4] = (uint8_t)hex[c >> 4];
	o[5] = (uint8_t)hex[c & 15];
	return o + 6;
}

/*
 * The contents of a JSON string for data, at o (unquoted); returns the end.
 * carry/ncarry: the start of a sequence the previous chunk ended in, which
 * data continues; updated to what this chunk ends in. At most 6 bytes per
 * data byte plus 3 for the carry.
 */
static uint8_t *
put_text(uint8_t *o, const uint8_t *s, size_t len, uint8_t carry[4], size_t *ncarry)
{
	size_t i = 0, run, n;

	if (*ncarry > 0) {
		uint8_t seq[4];
		size_t have = *ncarry, total = (size_t)byte_class[carry[0]] - LEAD2 + 2;

		memcpy(seq, carry, have);
		while (have < total && i < len)
			seq[have++] = s[i++];
		switch (utf8_seq(seq, have, &n)) {
		case SEQ_VALID:
			memcpy(o, seq, n);
			o += n;
			break;
		case SEQ_SHORT:
			/* Still incomplete, and every byte of data is in it. */
			memcpy(carry, seq, have);
			*ncarry = have;
			return o;
		default:
			/* seq[n] is the first byte that does not fit: it is
			 * data again (n is at least the old carry). */
			o = put_replacement(o);
			i = n - *ncarry;
			break;
		}
		*ncarry = 0;
	}

	run = i;
	while (i < len) {
		uint8_t c = s[i];
		uint8_t k = byte_class[c];

		if (k == PLAIN) {
			i++;
			continue;
		}
		if (k >= LEAD2) {
			int r = utf8_seq(s + i, len - i, &n);

			if (r == SEQ_VALID) {
				i += n;
				continue;
			}
			memcpy(o, s + run, i - run);
			o += i - run;
			if (r == SEQ_SHORT) {
				memcpy(carry, s + i, n);
				*ncarry = n;
				return o;
			}
			o = put_replacement(o);
			i += n;
		} else {
			memcpy(o, s + run, i - run);
			o += i - run;
			o = k == ESC ? put_escape(o, c) : put_replacement(o);
			i++;
		}
		run = i;
	}
	memcpy(o, s + run, i - run);
	return o + (i - run);
}

/* "[SECONDS.MICROS, \"X\", \"": the time from integers, so no float
 * rounding (%.6f of the milliseconds / 1000). At most 33 bytes. */
static uint8_t *
put_line_start(uint8_t *o, const struct rp_asciicast *a, uint64_t now_ms, char code)
{
	uint64_t elapsed = now_ms > a->start_ms ? now_ms - a->start_ms : 0;
	uint64_t secs = elapsed / 1000;
	unsigned ms = (unsigned)(elapsed % 1000);
	uint8_t digits[20];
	size_t nd = 0;

	do {
		digits[nd++] = (uint8_t)('0' + secs % 10);
		secs /= 10;
	} while (secs > 0);
	*o++ = '[';
	while (nd > 0)
		*o++ = digits[--nd];
	*o++ = '.';
	*o++ = (uint8_t)('0' + ms / 100);
	*o++ = (uint8_t)('0' + ms / 10 % 10);
	*o++ = (uint8_t)('0' + ms % 10);
	memcpy(o, "000, \"", 6);
	o += 6;
	*o++ = (uint8_t)code;
	memcpy(o, "\", \"", 4);
	return o + 4;
}

static uint8_t *
put_line_end(uint8_t *o)
{
	memcpy(o, "\"]\n", 3);
	return o + 3;
}

void
rp_asciicast_init(struct rp_asciicast *a, uint64_t start_ms)
{
	memset(a, 0, sizeof(*a));
	a->start_ms = start_ms;
}

static int
event(struct rp_asciicast *a, uint64_t now_ms, char code, const uint8_t *data, size_t len,
    uint8_t carry[4], size_t *ncarry, CBB *out)
{
	uint8_t *start, *o, *text;

	if (len == 0)
		return 1;
	if (data == NULL || len > (SIZE_MAX - 64) / 6 ||
	    !CBB_reserve(out, &start, RP_ASCIICAST_EVENT_MAX(len)))
		return 0;
	text = put_line_start(start, a, now_ms, code);
	o = put_text(text, data, len, carry, ncarry);
	if (o == text)
		return CBB_did_write(out, 0);
	o = put_line_end(o);
	return CBB_did_write(out, (size_t)(o - start));
}

int
rp_asciicast_output(struct rp_asciicast *a, uint64_t now_ms, const uint8_t *data, size_t len,
    CBB *out)
{
	return event(a, now_ms, 'o', data, len, a->pending, &a->npending, out);
}

int
rp_asciicast_input(struct rp_asciicast *a, uint64_t now_ms, const uint8_t *data, size_t len,
    CBB *out)
{
	return event(a, now_ms, 'i', data, len, a->pending_in, &a->npending_in, out);
}

static uint8_t *
put_uint(uint8_t *o, unsigned v)
{
	uint8_t digits[10];
	size_t nd = 0;

	do {
		digits[nd++] = (uint8_t)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (nd > 0)
		*o++ = digits[--nd];
	return o;
}

int
rp_asciicast_resize(struct rp_asciicast *a, uint64_t now_ms, unsigned cols, unsigned rows,
    CBB *out)
{
	uint8_t *start, *o;

	if (!CBB_reserve(out, &start, RP_ASCIICAST_RESIZE_MAX))
		return 0;
	o = put_line_start(start, a, now_ms, 'r');
	o = put_uint(o, cols);
	*o++ = 'x';
	o = put_uint(o, rows);
	o = put_line_end(o);
	return CBB_did_write(out, (size_t)(o - start));
}

int
rp_asciicast_finish(struct rp_asciicast *a, uint64_t now_ms, CBB *out)
{
	uint8_t *start, *o;

	if (a->npending == 0 && a->npending_in == 0)
		return 1;
	if (!CBB_reserve(out, &start, RP_ASCIICAST_FINISH_MAX))
		return 0;
	o = start;
	if (a->npending > 0) {
		o = put_line_end(put_replacement(put_line_start(o, a, now_ms, 'o')));
		a->npending = 0;
	}
	if (a->npending_in > 0) {
		o = put_line_end(put_replacement(put_line_start(o, a, now_ms, 'i')));
		a->npending_in = 0;
	}
	return CBB_did_write(out, (size_t)(o - start));
}

int
rp_asciicast_header(CBB *out, unsigned width, unsigned height, int64_t timestamp,
    const char *term, const char *shell, const char *title)
{
	struct rp_json j;
	CBB line;
	int ok;

	/* Built apart and then appended whole, so a failure appends nothing. */
	if (!CBB_init(&line, 128))
		return 0;
	rp_json_init(&j, &line);
	rp_json_object_begin(&j);
	rp_json_key(&j, "version");
	rp_json_uint(&j, 2);
	rp_json_key(&j, "width");
	rp_json_uint(&j, width);
	rp_json_key(&j, "height");
	rp_json_uint(&j, height);
	rp_json_key(&j, "timestamp");
	rp_json_int(&j, timestamp);
	if (term != NULL || shell != NULL) {
		rp_json_key(&j, "env");
		rp_json_object_begin(&j);
		if (term != NULL) {
			rp_json_key(&j, "TERM");
			rp_json_string(&j, term);
		}
		if (shell != NULL) {
			rp_json_key(&j, "SHELL");
			rp_json_string(&j, shell);
		}
		rp_json_object_end(&j);
	}
	if (title != NULL) {
		rp_json_key(&j, "title");
		rp_json_string(&j, title);
	}
	rp_json_object_end(&j);
	ok = rp_json_ok(&j) && CBB_add_u8(&line, '\n') &&
	    CBB_add_bytes(out, CBB_data(&line), CBB_len(&line));
	CBB_cleanup(&line);
	return ok;
}

/*
 * policy/lexer.c: splits policy text into tokens (see lexer.h for the token
 * grammar).
 *
 * The lexer checks every byte it passes, comments included: a policy file is
 * UTF-8 text without control characters other than tab, and without the
 * Unicode bidirectional controls that make text display in a different order
 * than it parses ("Trojan Source", CVE-2021-42574). Anything else is an error
 * naming the line and column of the first offending byte.
 */
#include "policy/lexer.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
rp_lexer_init(struct rp_lexer *lx, const char *buf, size_t len)
{
	lx->buf = buf;
	lx->len = len;
	lx->off = 0;
	lx->line = 1;
	lx->line_start = 0;
}

void
rp_token_clear(struct rp_token *tok)
{
	free(tok->text);
	memset(tok, 0, sizeof(*tok));
}

static unsigned
col_at(const struct rp_lexer *lx, size_t off)
{
	return (unsigned)(off - lx->line_start + 1);
}

static int
lex_fail(const struct rp_lexer *lx, size_t off, struct rp_lex_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
lex_fail(const struct rp_lexer *lx, size_t off, struct rp_lex_error *err, const char *fmt, ...)
{
	va_list ap;

	err->line = lx->line;
	err->col = col_at(lx, off);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return 0;
}

static int
is_bidi_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The length of the character at off: 1 for tab or printable ASCII, 2 to 4
 * for a well-formed UTF-8 sequence (no overlong forms, no surrogates, nothing
 * past U+10FFFF). Returns 0 with *err filled for anything else. Newlines are
 * the callers' business and are refused here like other control characters.
 */
static size_t
char_len(const struct rp_lexer *lx, size_t off, struct rp_lex_error *err)
{
	const unsigned char *s = (const unsigned char *)lx->buf + off;
	size_t avail = lx->len - off, n;
	uint32_t cp;

	if (s[0] == '\t' || (s[0] >= 0x20 && s[0] < 0x7f))
		return 1;
	if (s[0] < 0x80) {
		lex_fail(lx, off, err, "control character 0x%02x; expected printable text "
		    "(tab is the only control character allowed)", s[0]);
		return 0;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		goto invalid;
	}
	if (avail < n)
		goto invalid;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto invalid;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		goto invalid;
	if (cp >= 0x80 && cp <= 0x9f) {
		lex_fail(lx, off, err, "control character U+%04X; expected printable text", cp);
		return 0;
	}
	if (is_bidi_control(cp)) {
		lex_fail(lx, off, err, "bidirectional control character U+%04X; expected text "
		    "that reads in the order it is written", cp);
		return 0;
	}
	return n;
invalid:
	lex_fail(lx, off, err, "invalid UTF-8 (byte 0x%02x); expected UTF-8 text", s[0]);
	return 0;
}

/* Skip a comment up to (not including) its end of line, checking its text. */
static int
skip_comment(struct rp_lexer *lx, struct rp_lex_error *err)
{
	size_t n;

	while (lx->off < lx->len && lx->buf[lx->off] != '\n' && lx->buf[lx->off] != '\r') {
		if ((n = char_len(lx, lx->off, err)) == 0)
			return 0;
		lx->off += n;
	}
	return 1;
}

static int
ends_word(char c)
{
	switch (c) {
	case ' ':
	case '\t':
	case '\n':
	case '\r':
	case ';':
	case '{':
	case '}':
	case '#':
	case '"':
		return 1;
	}
	return 0;
}

static int
lex_word(struct rp_lexer *lx, struct rp_token *tok, struct rp_lex_error *err)
{
	size_t start = lx->off, n;

	while (lx->off < lx->len && !ends_word(lx->buf[lx->off])) {
		if ((n = char_len(lx, lx->off, err)) == 0)
			return 0;
		lx->off += n;
		if (lx->off - start > RP_LEX_MAX_TOKEN)
			return lex_fail(lx, start, err, "word longer than %d bytes; expected "
			    "at most %d", RP_LEX_MAX_TOKEN, RP_LEX_MAX_TOKEN);
	}
	if (lx->off < lx->len && lx->buf[lx->off] == '"')
		return lex_fail(lx, lx->off, err, "quote in the middle of a word; expected "
		    "a blank before the opening quote");
	tok->kind = RP_TOK_WORD;
	tok->len = lx->off - start;
	if ((tok->text = strndup(lx->buf + start, tok->len)) == NULL)
		return lex_fail(lx, start, err, "out of memory");
	return 1;
}

static int
lex_string(struct rp_lexer *lx, struct rp_token *tok, struct rp_lex_error *err)
{
	char text[RP_LEX_MAX_TOKEN + 1];
	size_t open = lx->off, len = 0, n;
	char c;

	lx->off++;
	for (;;) {
		if (lx->off == lx->len)
			return lex_fail(lx, open, err, "quoted string not closed; expected a "
			    "closing '\"' on the same line");
		c = lx->buf[lx->off];
		if (c == '"')
			break;
		if (c == '\n' || c == '\r')
			return lex_fail(lx, open, err, "quoted string not closed; expected a "
			    "closing '\"' on the same line");
		if (c == '\\') {
			if (lx->off + 1 == lx->len || (lx->buf[lx->off + 1] != '"' &&
			    lx->buf[lx->off + 1] != '\\'))
				return lex_fail(lx, lx->off, err, "unknown escape in quoted "
				    "string; expected \\\" or \\\\");
			lx->off++;
			n = 1;
		} else if ((n = char_len(lx, lx->off, err)) == 0) {
			return 0;
		}
		if (len + n > RP_LEX_MAX_TOKEN)
			return lex_fail(lx, open, err, "quoted string longer than %d bytes; "
			    "expected at most %d", RP_LEX_MAX_TOKEN, RP_LEX_MAX_TOKEN);
		memcpy(text + len, lx->buf + lx->off, n);
		len += n;
		lx->off += n;
	}
	lx->off++; /* the closing quote */
	if (lx->off < lx->len && !ends_word(lx->buf[lx->off]))
		return lex_fail(lx, lx->off, err, "text right after a closing quote; expected "
		    "a blank, ';', '{', '}' or the end of the line");
	if (lx->off < lx->len && lx->buf[lx->off] == '"')
		return lex_fail(lx, lx->off, err, "quote right after a closing quote; expected "
		    "a blank between two quoted strings");
	tok->kind = RP_TOK_STRING;
	tok->len = len;
	if ((tok->text = strndup(text, len)) == NULL)
		return lex_fail(lx, open, err, "out of memory");
	return 1;
}

static void
new_line(struct rp_lexer *lx)
{
	lx->line++;
	lx->line_start = lx->off;
}

int
rp_lexer_next(struct rp_lexer *lx, struct rp_token *tok, struct rp_lex_error *err)
{
	char c;

	memset(tok, 0, sizeof(*tok));
	for (;;) {
		while (lx->off < lx->len && (lx->buf[lx->off] == ' ' || lx->buf[lx->off] == '\t'))
			lx->off++;
		if (lx->off < lx->len && lx->buf[lx->off] == '#') {
			if (!skip_comment(lx, err))
				return 0;
			continue;
		}
		break;
	}
	tok->line = lx->line;
	tok->col = col_at(lx, lx->off);
	if (lx->off == lx->len) {
		tok->kind = RP_TOK_EOF;
		return 1;
	}
	c = lx->buf[lx->off];
	switch (c) {
	case '\r':
		if (lx->off + 1 == lx->len || lx->buf[lx->off + 1] != '\n')
			return lex_fail(lx, lx->off, err, "carriage return without a newline "
			    "after it; expected LF or CRLF line endings");
		lx->off++;
		/* FALLTHROUGH */
	case '\n':
		lx->off++;
		new_line(lx);
		tok->kind = RP_TOK_END;
		return 1;
	case ';':
		lx->off++;
		tok->kind = RP_TOK_END;
		return 1;
	case '{':
		lx->off++;
		tok->kind = RP_TOK_OPEN;
		return 1;
	case '}':
		lx->off++;
		tok->kind = RP_TOK_CLOSE;
		return 1;
	case '"':
		return lex_string(lx, tok, err);
	default:
		return lex_word(lx, tok, err);
	}
}

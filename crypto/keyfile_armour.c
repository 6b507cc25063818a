/*
 * crypto/keyfile_armour.c: the pieces of key-file parsing both readers
 * share (crypto/keyfile_internal.h).
 */
#include "crypto/keyfile_internal.h"

#include <stdarg.h>
#include <stdio.h>

int
rp_keyfile_fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return 0;
}

static int
is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int
rp_keyfile_is_base64_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '+' || c == '/' || c == '=';
}

int
rp_keyfile_next_line(CBS *text, CBS *line)
{
	CBS raw;
	const uint8_t *p;
	size_t n;

	if (CBS_len(text) == 0)
		return 0;
	if (!CBS_get_until_first(text, &raw, '\n'))
		CBS_get_bytes(text, &raw, CBS_len(text));
	else
		CBS_skip(text, 1);
	p = CBS_data(&raw);
	n = CBS_len(&raw);
	while (n > 0 && is_blank(p[n - 1]))
		n--;
	while (n > 0 && is_blank(p[0])) {
		p++;
		n--;
	}
	CBS_init(line, p, n);
	return 1;
}

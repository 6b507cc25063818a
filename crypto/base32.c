/*
 * crypto/base32.c: base32 (RFC 4648 section 6), the alphabet A-Z 2-7, as
 * authenticator apps write TOTP secrets.
 *
 * Decoding is forgiving only where people are: any case, spaces between
 * groups, '=' padding or none. Everything else is refused: another
 * character, data after padding, a length no encoder makes (1, 3 or 6
 * characters in the last group), or leftover bits that are not zero. So a
 * secret has one spelling up to case, spaces and padding, and decoding
 * then encoding gives it back.
 */
#include "crypto/totp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/secret.h"

/* The 5-bit value of c, or -1. */
static int
value_of(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/* The character for a 5-bit value. */
static char
char_of(unsigned v)
{
	return (char)(v < 26 ? 'A' + v : '2' + (v - 26));
}

int
rp_base32_decode(const char *in, uint8_t **out, size_t *outlen)
{
	size_t len = strlen(in), n = 0, chars = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	int padding = 0;
	uint8_t *buf;

	*out = NULL;
	*outlen = 0;
	/* Every 8 characters make 5 bytes; spaces and padding make none. */
	if ((buf = malloc(len / 8 * 5 + 5)) == NULL)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (c == ' ')
			continue;
		if (c == '=') {
			padding = 1;
			continue;
		}
		if (padding || (v = value_of(c)) < 0)
			goto fail;
		acc = acc << 5 | (uint32_t)v;
		bits += 5;
		chars++;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* The last group: 2, 4, 5 or 7 characters leave 2, 4, 1 or 3 bits,
	 * which must be zero; 1, 3 or 6 characters are not whole bytes. */
	if (chars % 8 == 1 || chars % 8 == 3 || chars % 8 == 6 || acc != 0)
		goto fail;
	*out = buf;
	*outlen = n;
	return 1;
fail:
	rp_wipe(buf, len / 8 * 5 + 5);
	rp_wipe(&acc, sizeof(acc));
	free(buf);
	return 0;
}

char *
rp_base32_encode(const uint8_t *in, size_t len)
{
	size_t n = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	char *out;

	if (len > (SIZE_MAX - 1) / 8 * 5)
		return NULL;
	if ((out = malloc((len * 8 + 4) / 5 + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = char_of((acc >> bits) & 0x1f);
		}
		acc &= (1u << bits) - 1;
	}
	if (bits > 0)
		out[n++] = char_of((acc << (5 - bits)) & 0x1f);
	out[n] = '\0';
	rp_wipe(&acc, sizeof(acc));
	return out;
}

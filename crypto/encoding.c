/*
 * crypto/encoding.c: base64 through BoringSSL.
 */
#include "crypto/encoding.h"

#include <stdlib.h>

#include <openssl/base64.h>

int
rp_base64_decode(const char *in, size_t in_len, uint8_t **out, size_t *out_len)
{
	size_t max;
	uint8_t *buf;

	*out = NULL;
	*out_len = 0;
	if (!EVP_DecodedLength(&max, in_len))
		return 0;
	if ((buf = malloc(max > 0 ? max : 1)) == NULL)
		return 0;
	if (!EVP_DecodeBase64(buf, out_len, max, (const uint8_t *)in, in_len)) {
		free(buf);
		*out_len = 0;
		return 0;
	}
	*out = buf;
	return 1;
}

char *
rp_base64_encode(const uint8_t *in, size_t in_len)
{
	size_t need;
	uint8_t *buf;

	if (!EVP_EncodedLength(&need, in_len))
		return NULL;
	if ((buf = malloc(need)) == NULL)
		return NULL;
	EVP_EncodeBlock(buf, in, in_len);
	return (char *)buf;
}

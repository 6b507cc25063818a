/*
 * crypto/encoding.h: base64 (RFC 4648) as used by OpenSSH's key file and
 * authorized_keys formats.
 */
#ifndef RAMPART_CRYPTO_ENCODING_H
#define RAMPART_CRYPTO_ENCODING_H

#include <stddef.h>
#include <stdint.h>

/* Decode standard base64 (with padding, no whitespace) into a malloc'd
 * buffer. Returns 0 on any invalid input. */
int rp_base64_decode(const char *in, size_t in_len, uint8_t **out, size_t *out_len);
/* Encode into a malloc'd NUL-terminated string. Returns NULL on failure. */
char *rp_base64_encode(const uint8_t *in, size_t in_len);

#endif

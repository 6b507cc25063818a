/*
 * crypto/keyfile_internal.h: what the key file readers share
 * (crypto/keyfile_openssh.c, crypto/keyfile_pem.c): error text and the
 * line and base64 handling of their ASCII armour.
 */
#ifndef RAMPART_CRYPTO_KEYFILE_INTERNAL_H
#define RAMPART_CRYPTO_KEYFILE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/bytes.h"

/* Write the reason into err (when given); always returns 0. */
int rp_keyfile_fail(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The next line of text, without its line end and surrounding blanks;
 * 0 at the end. */
int rp_keyfile_next_line(CBS *text, CBS *line);
/* A character of base64 text (the alphabet and '='). */
int rp_keyfile_is_base64_char(uint8_t c);

#endif

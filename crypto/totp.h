/*
 * crypto/totp.h: one-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238),
 * and base32 (RFC 4648) for their secrets, as authenticator apps use them.
 */
#ifndef RAMPART_CRYPTO_TOTP_H
#define RAMPART_CRYPTO_TOTP_H

#include <stddef.h>
#include <stdint.h>

enum rp_totp_hash {
	RP_TOTP_SHA1 = 0,
	RP_TOTP_SHA256,
	RP_TOTP_SHA512,
};

/* HOTP value for counter, truncated to digits (6..8) decimal digits. */
uint32_t rp_hotp(enum rp_totp_hash hash, const uint8_t *key, size_t keylen, uint64_t counter,
    unsigned digits);

/* Check a code typed by a user against the time steps now-window ..
 * now+window (period seconds each, counted from the epoch). code must be
 * exactly digits decimal digits. Every candidate step is compared, in
 * constant time, whatever matches; *step gets the matching step. Returns
 * 1 on a match. The caller refuses a step not newer than the last one it
 * accepted for that user (a code is never accepted twice). */
int rp_totp_check(enum rp_totp_hash hash, const uint8_t *key, size_t keylen, uint64_t now,
    unsigned period, unsigned digits, unsigned window, const char *code, uint64_t *step);

/* Base32 without padding requirements, case-insensitive, spaces ignored.
 * Returns 0 on any other character. *out is malloc'd (wipe and free). */
int rp_base32_decode(const char *in, uint8_t **out, size_t *outlen);
/* Upper-case base32 without padding, malloc'd. */
char *rp_base32_encode(const uint8_t *in, size_t len);

#endif

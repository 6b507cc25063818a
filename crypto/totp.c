/*
 * crypto/totp.c: HOTP (RFC 4226 section 5) and TOTP (RFC 6238 section 4)
 * on BoringSSL's HMAC.
 *
 * A code is a secret until it has been used, so checking one computes every
 * candidate of the window and compares them all in constant time; which
 * candidate matched is picked without a branch on the comparison.
 */
#include "crypto/totp.h"

#include <stdint.h>
#include <string.h>

#include <openssl/digest.h>
#include <openssl/hmac.h>

#include "crypto/secret.h"

/* A code never has fewer or more digits than this. */
#define DIGITS_MIN 6
#define DIGITS_MAX 8
/* More steps either side than this is a policy mistake, not clock drift,
 * and would make one check cost unbounded HMACs. */
#define WINDOW_MAX 10
/* rp_hotp's answer when it has none: more than any 8-digit code. */
#define NO_CODE UINT32_MAX

static const EVP_MD *
digest(enum rp_totp_hash hash)
{
	switch (hash) {
	case RP_TOTP_SHA1:
		return EVP_sha1();
	case RP_TOTP_SHA256:
		return EVP_sha256();
	case RP_TOTP_SHA512:
		return EVP_sha512();
	}
	return NULL;
}

/* 10^digits for 6..8 digits. */
static uint32_t
modulus(unsigned digits)
{
	uint32_t m = 1;

	for (unsigned i = 0; i < digits; i++)
		m *= 10;
	return m;
}

uint32_t
rp_hotp(enum rp_totp_hash hash, const uint8_t *key, size_t keylen, uint64_t counter,
    unsigned digits)
{
	const EVP_MD *md = digest(hash);
	uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0, offset;
	uint32_t bin;

	if (md == NULL || digits < DIGITS_MIN || digits > DIGITS_MAX)
		return NO_CODE;
	/* The counter is hashed as 8 bytes, most significant first. */
	for (int i = 7; i >= 0; i--) {
		msg[i] = (uint8_t)counter;
		counter >>= 8;
	}
	if (HMAC(md, key, keylen, msg, sizeof(msg), mac, &maclen) == NULL || maclen < 20) {
		rp_wipe(mac, sizeof(mac));
		return NO_CODE;
	}
	/* Dynamic truncation: 31 bits from the offset the last nibble gives. */
	offset = mac[maclen - 1] & 0x0f;
	bin = (uint32_t)(mac[offset] & 0x7f) << 24 | (uint32_t)mac[offset + 1] << 16 |
	    (uint32_t)mac[offset + 2] << 8 | (uint32_t)mac[offset + 3];
	rp_wipe(mac, sizeof(mac));
	return bin % modulus(digits);
}

/* value as exactly digits ASCII digits, zero-padded; the same operations
 * whatever the value. */
static void
format_code(uint32_t value, unsigned digits, char out[DIGITS_MAX])
{
	for (unsigned i = digits; i > 0; i--) {
		out[i - 1] = (char)('0' + value % 10);
		value /= 10;
	}
}

/* All ones when v is 1, zero when 0. */
static uint64_t
mask_of(int v)
{
	return (uint64_t)0 - (uint64_t)(v & 1);
}

int
rp_totp_check(enum rp_totp_hash hash, const uint8_t *key, size_t keylen, uint64_t now,
    unsigned period, unsigned digits, unsigned window, const char *code, uint64_t *step)
{
	char candidate[DIGITS_MAX];
	uint64_t current, first, last, found = 0;
	int matched = 0;

	if (digest(hash) == NULL || key == NULL || keylen == 0 || period == 0 ||
	    digits < DIGITS_MIN || digits > DIGITS_MAX || window > WINDOW_MAX || code == NULL)
		return 0;
	/* The code's shape is no secret: exactly digits ASCII digits. */
	if (strlen(code) != digits)
		return 0;
	for (unsigned i = 0; i < digits; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;

	current = now / period;
	first = current >= window ? current - window : 0;
	last = current <= UINT64_MAX - window ? current + window : UINT64_MAX;
	for (uint64_t i = 0; i <= last - first; i++) {
		uint64_t t = first + i;
		uint32_t value = rp_hotp(hash, key, keylen, t, digits);
		int eq;

		/* NO_CODE cannot happen with the checks above; it would be
		 * ten digits and never equal a code anyway. */
		format_code(value, digits, candidate);
		eq = rp_ct_equal(candidate, code, digits) & (value != NO_CODE);
		/* The latest matching step wins: recording it as used keeps
		 * the same code from passing again for any step it fits. */
		found = (found & ~mask_of(eq)) | (t & mask_of(eq));
		matched |= eq;
	}
	rp_wipe(candidate, sizeof(candidate));
	if (matched && step != NULL)
		*step = found;
	return matched;
}

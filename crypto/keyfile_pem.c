/*
 * crypto/keyfile_pem.c: private keys in PEM files, as OpenSSL, `ssh-keygen
 * -m PEM` and `ssh-keygen -m PKCS8` write them: base64 DER between
 * "-----BEGIN LABEL-----" and "-----END LABEL-----" lines (RFC 7468), where
 * LABEL says what the DER is:
 *
 *     PRIVATE KEY        PKCS#8 PrivateKeyInfo (RFC 5208): RSA, EC, Ed25519
 *     EC PRIVATE KEY     SEC1 ECPrivateKey (RFC 5915), with its curve
 *     RSA PRIVATE KEY    PKCS#1 RSAPrivateKey (RFC 8017), two primes
 *
 * The DER is BoringSSL's to parse; the key is then checked as every host
 * key is (sshkey.c: curve, d*G == Q, RSA size and RSA_check_key).
 *
 * An "EC PARAMETERS" block before an EC key (`openssl ecparam -genkey`
 * writes one) is skipped: the key names its curve itself.
 *
 * Encrypted keys are refused, saying so: OpenSSL's traditional encryption
 * ("Proc-Type: 4,ENCRYPTED" and "DEK-Info:" headers before the base64) and
 * PKCS#8's "ENCRYPTED PRIVATE KEY". No other header lines are accepted.
 * As in keyfile_openssh.c, blank lines and blanks around lines, CRLF line
 * ends and any line length are fine; text before the BEGIN line or after
 * the END line is not. Decoded key material is wiped before it is freed.
 */
#include "crypto/keyfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bytestring.h>
#include <openssl/curve25519.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/rsa.h>

#include "crypto/encoding.h"
#include "crypto/keyfile_internal.h"
#include "crypto/sshkey_internal.h"

#define BEGIN_PREFIX "-----BEGIN "
#define END_PREFIX "-----END "
#define DASHES "-----"
#define EC_PARAMS "EC PARAMETERS"
#define ED25519_SEED_LEN 32
#define ED25519_PUB_LEN 32
#define ED25519_PRIV_LEN 64
#define DECRYPT_HINT "remove the passphrase first (ssh-keygen -p -N '' -f FILE)"

enum pem_kind { PEM_PKCS8, PEM_EC, PEM_RSA };

static const struct {
	const char *label;
	enum pem_kind kind;
} labels[] = {
	{ "PRIVATE KEY", PEM_PKCS8 },
	{ "EC PRIVATE KEY", PEM_EC },
	{ "RSA PRIVATE KEY", PEM_RSA },
};


static int
has_prefix(const CBS *line, const char *prefix)
{
	size_t n = strlen(prefix);

	return CBS_len(line) >= n && memcmp(CBS_data(line), prefix, n) == 0;
}

/* The LABEL of "<prefix>LABEL-----", or 0 when line is not one. */
static int
marker_label(const CBS *line, const char *prefix, CBS *label)
{
	size_t pre = strlen(prefix), dashes = strlen(DASHES);

	if (!has_prefix(line, prefix) || CBS_len(line) < pre + dashes ||
	    memcmp(CBS_data(line) + CBS_len(line) - dashes, DASHES, dashes) != 0)
		return 0;
	CBS_init(label, CBS_data(line) + pre, CBS_len(line) - pre - dashes);
	return 1;
}

static int
label_is(const CBS *label, const char *s)
{
	return CBS_mem_equal(label, (const uint8_t *)s, strlen(s));
}

/* A label, quoted for a message: printable ASCII only, at most 40 bytes. */
static void
printable_label(const CBS *label, char *out, size_t outsz)
{
	size_t n = 0;

	for (size_t i = 0; i < CBS_len(label) && n + 1 < outsz && i < 40; i++) {
		uint8_t c = CBS_data(label)[i];

		out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[n] = '\0';
}

/* The label of the next BEGIN line, which must be the next line that is
 * not blank. */
static int
next_begin(CBS *text, CBS *label)
{
	CBS line;

	do {
		if (!rp_keyfile_next_line(text, &line))
			return 0;
	} while (CBS_len(&line) == 0);
	return marker_label(&line, BEGIN_PREFIX, label);
}

static int
line_is(const CBS *line, const char *s)
{
	return CBS_mem_equal(line, (const uint8_t *)s, strlen(s));
}

/* The kind the BEGIN label names; otherwise a refusal naming the label. */
static int
label_kind(const CBS *label, enum pem_kind *kind, char *err, size_t errsz)
{
	char shown[48];

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		if (label_is(label, labels[i].label)) {
			*kind = labels[i].kind;
			return 1;
		}
	}
	if (label_is(label, "ENCRYPTED PRIVATE KEY"))
		return rp_keyfile_fail(err, errsz, "encrypted PKCS#8 keys (\"BEGIN ENCRYPTED PRIVATE KEY\") "
		    "are not supported; " DECRYPT_HINT);
	if (label_is(label, "DSA PRIVATE KEY"))
		return rp_keyfile_fail(err, errsz, "DSA keys are not supported (supported: Ed25519, ECDSA "
		    "P-256/384/521 and RSA)");
	printable_label(label, shown, sizeof(shown));
	return rp_keyfile_fail(err, errsz, "PEM block \"%s\" is not a private key rampart reads (expected "
	    "PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)", shown);
}

/*
 * The base64 of the PEM block in text, joined, into a malloc'd buffer that
 * the caller wipes and frees, with the kind its label names.
 */
static int
unarmour(const uint8_t *text, size_t len, enum pem_kind *kind, char **b64_out,
    size_t *b64_len_out, char *err, size_t errsz)
{
	CBS cbs, line, label, end_label;
	char *b64, cipher[32] = "";
	size_t b64_len = 0;
	int ended = 0, encrypted = 0;

	*b64_out = NULL;
	CBS_init(&cbs, text, len);
	if (!next_begin(&cbs, &label))
		return rp_keyfile_fail(err, errsz, "not a PEM private key (no \"" BEGIN_PREFIX
		    "...-----\" line)");
	/* `openssl ecparam -genkey` puts the curve's block in front; the key
	 * names its curve again. */
	if (label_is(&label, EC_PARAMS)) {
		while (rp_keyfile_next_line(&cbs, &line) && !line_is(&line, END_PREFIX EC_PARAMS DASHES))
			;
		if (!next_begin(&cbs, &label))
			return rp_keyfile_fail(err, errsz, "no private key after the EC PARAMETERS block");
	}
	if (!label_kind(&label, kind, err, errsz))
		return 0;
	if ((b64 = malloc(len + 1)) == NULL)
		return rp_keyfile_fail(err, errsz, "out of memory");
	while (rp_keyfile_next_line(&cbs, &line)) {
		const uint8_t *colon;

		if (CBS_len(&line) == 0)
			continue;
		if (ended) {
			rp_keyfile_fail(err, errsz, "unexpected text after the END line");
			goto out;
		}
		if (has_prefix(&line, END_PREFIX)) {
			if (!marker_label(&line, END_PREFIX, &end_label) ||
			    !CBS_mem_equal(&end_label, CBS_data(&label), CBS_len(&label))) {
				rp_keyfile_fail(err, errsz, "the PEM END line does not match its BEGIN line");
				goto out;
			}
			ended = 1;
			continue;
		}
		/* RFC 1421 headers come before the base64. */
		colon = memchr(CBS_data(&line), ':', CBS_len(&line));
		if (colon != NULL && b64_len == 0) {
			if (has_prefix(&line, "Proc-Type:")) {
				encrypted = memmem(CBS_data(&line), CBS_len(&line), "ENCRYPTED", 9) !=
				    NULL;
			} else if (has_prefix(&line, "DEK-Info:")) {
				size_t i = 0;
				const uint8_t *p = CBS_data(&line) + 9,
				    *e = CBS_data(&line) + CBS_len(&line);

				while (p < e && *p == ' ')
					p++;
				while (p < e && *p != ',' && i + 1 < sizeof(cipher) && *p >= 0x21 &&
				    *p < 0x7f)
					cipher[i++] = (char)*p++;
				cipher[i] = '\0';
			} else {
				rp_keyfile_fail(err, errsz, "unexpected header line in the PEM key");
				goto out;
			}
			continue;
		}
		for (size_t i = 0; i < CBS_len(&line); i++) {
			if (!rp_keyfile_is_base64_char(CBS_data(&line)[i])) {
				rp_keyfile_fail(err, errsz, "invalid base64 in PEM key data");
				goto out;
			}
		}
		memcpy(b64 + b64_len, CBS_data(&line), CBS_len(&line));
		b64_len += CBS_len(&line);
	}
	if (encrypted) {
		if (cipher[0] != '\0')
			rp_keyfile_fail(err, errsz, "encrypted PEM keys are not supported (Proc-Type: "
			    "4,ENCRYPTED, cipher %s); " DECRYPT_HINT, cipher);
		else
			rp_keyfile_fail(err, errsz, "encrypted PEM keys are not supported (Proc-Type: "
			    "4,ENCRYPTED); " DECRYPT_HINT);
		goto out;
	}
	if (!ended) {
		rp_keyfile_fail(err, errsz, "missing PEM END line");
		goto out;
	}
	if (b64_len == 0) {
		rp_keyfile_fail(err, errsz, "empty PEM key");
		goto out;
	}
	*b64_out = b64;
	*b64_len_out = b64_len;
	return 1;
out:
	OPENSSL_cleanse(b64, len + 1);
	free(b64);
	return 0;
}

/* --- the DER ------------------------------------------------------------------ */

static int
from_ed25519_seed(const uint8_t *seed, struct rp_privkey **out, char *err, size_t errsz)
{
	uint8_t pub[ED25519_PUB_LEN], priv[ED25519_PRIV_LEN];
	int ok;

	ED25519_keypair_from_seed(pub, priv, seed);
	ok = rp_privkey_from_ed25519_parts(pub, sizeof(pub), priv, sizeof(priv), out);
	OPENSSL_cleanse(priv, sizeof(priv));
	return ok ? 1 : rp_keyfile_fail(err, errsz, "out of memory");
}

/* A PrivateKeyInfo's key; takes pkey over. */
static int
from_evp_pkey(EVP_PKEY *pkey, struct rp_privkey **out, char *err, size_t errsz)
{
	const char *why = NULL;
	uint8_t seed[ED25519_SEED_LEN];
	size_t seed_len = sizeof(seed);
	EC_KEY *ec;
	RSA *rsa;
	int id = EVP_PKEY_id(pkey), ok;

	switch (id) {
	case EVP_PKEY_RSA:
		rsa = EVP_PKEY_get1_RSA(pkey);
		EVP_PKEY_free(pkey);
		if (rsa == NULL)
			return rp_keyfile_fail(err, errsz, "out of memory");
		return rp_privkey_from_rsa(rsa, out, &why) ? 1 : rp_keyfile_fail(err, errsz, "%s", why);
	case EVP_PKEY_EC:
		ec = EVP_PKEY_get1_EC_KEY(pkey);
		EVP_PKEY_free(pkey);
		if (ec == NULL)
			return rp_keyfile_fail(err, errsz, "out of memory");
		return rp_privkey_from_ec_key(ec, out, &why) ? 1 : rp_keyfile_fail(err, errsz, "%s", why);
	case EVP_PKEY_ED25519:
		ok = EVP_PKEY_get_raw_private_key(pkey, seed, &seed_len) &&
		    seed_len == sizeof(seed);
		EVP_PKEY_free(pkey);
		if (!ok) {
			OPENSSL_cleanse(seed, sizeof(seed));
			return rp_keyfile_fail(err, errsz, "malformed Ed25519 key in PKCS#8");
		}
		ok = from_ed25519_seed(seed, out, err, errsz);
		OPENSSL_cleanse(seed, sizeof(seed));
		return ok;
	case EVP_PKEY_DSA:
		EVP_PKEY_free(pkey);
		return rp_keyfile_fail(err, errsz, "DSA keys are not supported (supported: Ed25519, ECDSA "
		    "P-256/384/521 and RSA)");
	default:
		EVP_PKEY_free(pkey);
		return rp_keyfile_fail(err, errsz, "PKCS#8 key of an unsupported algorithm (supported: "
		    "Ed25519, ECDSA P-256/384/521 and RSA)");
	}
}

static int
parse_der(enum pem_kind kind, const uint8_t *der, size_t len, struct rp_privkey **out,
    char *err, size_t errsz)
{
	CBS cbs;
	const char *why = NULL;
	EVP_PKEY *pkey;
	EC_KEY *ec;
	RSA *rsa;

	CBS_init(&cbs, der, len);
	switch (kind) {
	case PEM_PKCS8:
		if ((pkey = EVP_parse_private_key(&cbs)) == NULL)
			return rp_keyfile_fail(err, errsz, "malformed PKCS#8 private key, or one of an "
			    "unsupported algorithm (supported: Ed25519, ECDSA P-256/384/521 and RSA)");
		if (CBS_len(&cbs) != 0) {
			EVP_PKEY_free(pkey);
			return rp_keyfile_fail(err, errsz, "trailing data after the PKCS#8 private key");
		}
		return from_evp_pkey(pkey, out, err, errsz);
	case PEM_EC:
		if ((ec = EC_KEY_parse_private_key(&cbs, NULL)) == NULL)
			return rp_keyfile_fail(err, errsz, "malformed EC private key (RFC 5915), or one on an "
			    "unsupported curve (supported: P-256, P-384 and P-521)");
		if (CBS_len(&cbs) != 0) {
			EC_KEY_free(ec);
			return rp_keyfile_fail(err, errsz, "trailing data after the EC private key");
		}
		return rp_privkey_from_ec_key(ec, out, &why) ? 1 : rp_keyfile_fail(err, errsz, "%s", why);
	case PEM_RSA:
		if ((rsa = RSA_parse_private_key(&cbs)) == NULL)
			return rp_keyfile_fail(err, errsz, "malformed or inconsistent RSA private key (PKCS#1)");
		if (CBS_len(&cbs) != 0) {
			RSA_free(rsa);
			return rp_keyfile_fail(err, errsz, "trailing data after the RSA private key");
		}
		return rp_privkey_from_rsa(rsa, out, &why) ? 1 : rp_keyfile_fail(err, errsz, "%s", why);
	}
	return rp_keyfile_fail(err, errsz, "unknown PEM key kind");
}

int
rp_privkey_from_pem(const uint8_t *text, size_t len, struct rp_privkey **out, char *err,
    size_t errsz)
{
	enum pem_kind kind = PEM_PKCS8;
	char *b64 = NULL;
	size_t b64_len = 0, der_len = 0;
	uint8_t *der = NULL;
	int ok;

	*out = NULL;
	if (!unarmour(text, len, &kind, &b64, &b64_len, err, errsz))
		return 0;
	ok = rp_base64_decode(b64, b64_len, &der, &der_len);
	OPENSSL_cleanse(b64, b64_len);
	free(b64);
	if (!ok)
		return rp_keyfile_fail(err, errsz, "invalid base64 in PEM key data");
	ok = parse_der(kind, der, der_len, out, err, errsz);
	/* BoringSSL leaves the reasons of a refusal queued. */
	ERR_clear_error();
	OPENSSL_cleanse(der, der_len);
	free(der);
	if (!ok)
		*out = NULL;
	return ok;
}

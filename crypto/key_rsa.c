/*
 * crypto/key_rsa.c: RSA keys (RFC 4253 section 6.6) and their signature
 * algorithms rsa-sha2-256 and rsa-sha2-512 (RFC 8332) and ssh-rsa (SHA-1,
 * RFC 4253), all RSASSA-PKCS1-v1_5.
 *
 * Public key blob:  string "ssh-rsa" || mpint e || mpint n
 * Signature blob:   string ALG || string S (the modulus size in bytes)
 *
 * Like OpenSSH, a signature string shorter than the modulus is accepted and
 * left-padded with zeros (some clients drop leading zero bytes); a longer
 * one is refused. sshkey.c handles the type name and the outer strings.
 */
#include "crypto/sshkey_internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "common/wire.h"

/* OpenSSH's largest modulus, and BoringSSL's. */
#define RSA_MAX_BITS 16384
#define RSA_MAX_BYTES (RSA_MAX_BITS / 8)
/* BoringSSL refuses public exponents of more than 33 bits. */
#define RSA_MAX_E_BITS 33

struct rsa_alg {
	const char *name;
	int nid;
	size_t hash_len;
	uint8_t *(*hash)(const uint8_t *data, size_t len, uint8_t *out);
};

static const struct rsa_alg rsa_algs[] = {
	{ "rsa-sha2-512", NID_sha512, SHA512_DIGEST_LENGTH, SHA512 },
	{ "rsa-sha2-256", NID_sha256, SHA256_DIGEST_LENGTH, SHA256 },
	{ "ssh-rsa", NID_sha1, SHA_DIGEST_LENGTH, SHA1 },
};

static const struct rsa_alg *
rsa_alg(const char *name)
{
	for (size_t i = 0; i < sizeof(rsa_algs) / sizeof(rsa_algs[0]); i++)
		if (strcmp(rsa_algs[i].name, name) == 0)
			return &rsa_algs[i];
	return NULL;
}

int
rp_rsa_parse_public(CBS *cbs, RSA **out, const char **err)
{
	BIGNUM *e = NULL, *n = NULL;
	RSA *rsa = NULL;
	unsigned bits;

	*out = NULL;
	if (!rp_ssh_get_bignum(cbs, RSA_MAX_BYTES, &e) ||
	    !rp_ssh_get_bignum(cbs, RSA_MAX_BYTES, &n)) {
		*err = "malformed RSA key (truncated, negative, padded or too large number)";
		goto fail;
	}
	bits = BN_num_bits(n);
	if (bits < RP_RSA_MIN_BITS) {
		*err = rp_key_reason("RSA key of %u bits: at least %d are required", bits,
		    RP_RSA_MIN_BITS);
		goto fail;
	}
	if (!BN_is_odd(n)) {
		*err = "RSA modulus is even";
		goto fail;
	}
	/* Odd and at least 3; BoringSSL handles no more than 33 bits. */
	if (!BN_is_odd(e) || BN_num_bits(e) < 2 || BN_num_bits(e) > RSA_MAX_E_BITS) {
		*err = "unsupported RSA public exponent";
		goto fail;
	}
	if ((rsa = RSA_new()) == NULL || !RSA_set0_key(rsa, n, e, NULL)) {
		*err = "out of memory";
		goto fail;
	}
	n = e = NULL; /* rsa owns them now */
	if (!RSA_check_key(rsa)) {
		*err = "invalid RSA key";
		goto fail;
	}
	*out = rsa;
	return 1;
fail:
	ERR_clear_error();
	BN_free(e);
	BN_free(n);
	RSA_free(rsa);
	return 0;
}

int
rp_rsa_public_to_blob(const RSA *rsa, CBB *out)
{
	return rp_ssh_add_bignum(out, RSA_get0_e(rsa)) && rp_ssh_add_bignum(out, RSA_get0_n(rsa));
}

int
rp_rsa_public_equal(const RSA *a, const RSA *b)
{
	return BN_cmp(RSA_get0_n(a), RSA_get0_n(b)) == 0 &&
	    BN_cmp(RSA_get0_e(a), RSA_get0_e(b)) == 0;
}

unsigned
rp_rsa_bits(const RSA *rsa)
{
	return RSA_bits(rsa);
}

int
rp_rsa_verify(RSA *rsa, const char *sig_alg, CBS sig, const uint8_t *data, size_t len)
{
	const struct rsa_alg *a = rsa_alg(sig_alg);
	uint8_t digest[SHA512_DIGEST_LENGTH], padded[RSA_MAX_BYTES];
	size_t modlen = RSA_size(rsa), pad;
	int ok;

	if (a == NULL || modlen > sizeof(padded) || CBS_len(&sig) > modlen)
		return 0;
	pad = modlen - CBS_len(&sig);
	memset(padded, 0, pad);
	memcpy(padded + pad, CBS_data(&sig), CBS_len(&sig));
	a->hash(data, len, digest);
	ok = RSA_verify(a->nid, digest, a->hash_len, padded, modlen, rsa) == 1;
	if (!ok)
		ERR_clear_error();
	return ok;
}

int
rp_rsa_generate(unsigned bits, RSA **priv, RSA **pub)
{
	RSA *k = NULL, *p = NULL;
	BIGNUM *e = NULL, *pn = NULL, *pe = NULL;
	int ok = 0;

	*priv = *pub = NULL;
	if (bits < RP_RSA_MIN_BITS || bits > RSA_MAX_BITS)
		return 0;
	if ((e = BN_new()) == NULL || !BN_set_word(e, RSA_F4) || (k = RSA_new()) == NULL ||
	    !RSA_generate_key_ex(k, (int)bits, e, NULL))
		goto out;
	if ((pn = BN_dup(RSA_get0_n(k))) == NULL || (pe = BN_dup(RSA_get0_e(k))) == NULL ||
	    (p = RSA_new()) == NULL || !RSA_set0_key(p, pn, pe, NULL))
		goto out;
	pn = pe = NULL; /* p owns them now */
	*priv = k;
	*pub = p;
	k = p = NULL;
	ok = 1;
out:
	if (!ok)
		ERR_clear_error();
	BN_free(e);
	BN_free(pn);
	BN_free(pe);
	RSA_free(k); /* clears the private parts */
	RSA_free(p);
	return ok;
}

int
rp_rsa_sign(RSA *priv, const char *sig_alg, const uint8_t *data, size_t len, CBB *out)
{
	const struct rsa_alg *a = rsa_alg(sig_alg);
	uint8_t digest[SHA512_DIGEST_LENGTH], *sig;
	unsigned sig_len = 0;
	size_t modlen = RSA_size(priv);
	int ok;

	if (a == NULL || (sig = malloc(modlen)) == NULL)
		return 0;
	a->hash(data, len, digest);
	ok = RSA_sign(a->nid, digest, a->hash_len, sig, &sig_len, priv) == 1 &&
	    sig_len == modlen && CBB_add_bytes(out, sig, sig_len);
	if (!ok)
		ERR_clear_error();
	free(sig);
	return ok;
}

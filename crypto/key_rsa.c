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
 *
 * Private keys in OpenSSH's format (PROTOCOL.key) carry mpint n, e, d, iqmp,
 * p, q; the CRT exponents d mod (p-1) and d mod (q-1) are computed here.
 * PEM and PKCS#8 keys arrive as an RSA already. Either way
 * rp_rsa_check_private decides whether the key is whole.
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
#define RSA_MAX_BITS RP_RSA_MAX_BITS
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

/* The checks every RSA key passes, public or private. */
static int
check_public_numbers(const BIGNUM *n, const BIGNUM *e, const char **err)
{
	unsigned bits = BN_num_bits(n);

	if (bits < RP_RSA_MIN_BITS) {
		*err = rp_key_reason("RSA key of %u bits: at least %d are required", bits,
		    RP_RSA_MIN_BITS);
		return 0;
	}
	if (bits > RSA_MAX_BITS) {
		*err = rp_key_reason("RSA key of %u bits: at most %d are supported", bits,
		    RSA_MAX_BITS);
		return 0;
	}
	if (!BN_is_odd(n)) {
		*err = "RSA modulus is even";
		return 0;
	}
	/* Odd and at least 3; BoringSSL handles no more than 33 bits. */
	if (!BN_is_odd(e) || BN_num_bits(e) < 2 || BN_num_bits(e) > RSA_MAX_E_BITS) {
		*err = "unsupported RSA public exponent";
		return 0;
	}
	return 1;
}

int
rp_rsa_parse_public(CBS *cbs, RSA **out, const char **err)
{
	BIGNUM *e = NULL, *n = NULL;
	RSA *rsa = NULL;

	*out = NULL;
	if (!rp_ssh_get_bignum(cbs, RSA_MAX_BYTES, &e) ||
	    !rp_ssh_get_bignum(cbs, RSA_MAX_BYTES, &n)) {
		*err = "malformed RSA key (truncated, negative, padded or too large number)";
		goto fail;
	}
	if (!check_public_numbers(n, e, err))
		goto fail;
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

/* --- private keys ----------------------------------------------------------- */

int
rp_rsa_check_private(RSA *rsa, RSA **pub, const char **err)
{
	const BIGNUM *n, *e, *d, *p, *q, *dmp1, *dmq1, *iqmp;
	BN_CTX *ctx = NULL;
	BIGNUM *pq = NULL;
	RSA *copy = NULL;
	int same;

	*pub = NULL;
	RSA_get0_key(rsa, &n, &e, &d);
	RSA_get0_factors(rsa, &p, &q);
	RSA_get0_crt_params(rsa, &dmp1, &dmq1, &iqmp);
	if (n == NULL || e == NULL) {
		*err = "RSA key without its modulus or exponent";
		return 0;
	}
	if (!check_public_numbers(n, e, err))
		return 0;
	if (d == NULL || p == NULL || q == NULL) {
		*err = "RSA key without its private parts (d, p and q)";
		return 0;
	}
	if (dmp1 == NULL || dmq1 == NULL || iqmp == NULL) {
		*err = "RSA private key without its CRT values";
		return 0;
	}
	/* RSA_check_key tests this too; here it gets a reason of its own. */
	if ((ctx = BN_CTX_new()) == NULL || (pq = BN_new()) == NULL || !BN_mul(pq, p, q, ctx)) {
		*err = "out of memory";
		goto fail;
	}
	same = BN_cmp(pq, n) == 0;
	BN_clear_free(pq);
	pq = NULL;
	if (!same) {
		*err = "RSA private key does not match its public key (n != p*q)";
		goto fail;
	}
	if (!RSA_check_key(rsa)) {
		*err = "inconsistent RSA private key (d, p, q and the CRT values do not agree)";
		goto fail;
	}
	if ((copy = RSAPublicKey_dup(rsa)) == NULL) {
		*err = "out of memory";
		goto fail;
	}
	BN_CTX_free(ctx);
	*pub = copy;
	return 1;
fail:
	ERR_clear_error();
	BN_clear_free(pq);
	BN_CTX_free(ctx);
	return 0;
}

/* d mod (prime - 1): a CRT exponent. */
static BIGNUM *
crt_exponent(const BIGNUM *d, const BIGNUM *prime, BN_CTX *ctx)
{
	BIGNUM *pm1 = BN_new(), *r = BN_new();

	if (pm1 == NULL || r == NULL || !BN_sub(pm1, prime, BN_value_one()) ||
	    !BN_mod(r, d, pm1, ctx)) {
		BN_clear_free(r);
		r = NULL;
	}
	BN_clear_free(pm1);
	return r;
}

int
rp_rsa_parse_private(CBS *cbs, RSA **out, const char **err)
{
	BIGNUM *n = NULL, *e = NULL, *d = NULL, *iqmp = NULL, *p = NULL, *q = NULL;
	BIGNUM *dmp1 = NULL, *dmq1 = NULL;
	BN_CTX *ctx = NULL;
	RSA *rsa = NULL;

	*out = NULL;
	if (!rp_ssh_get_bignum(cbs, RSA_MAX_BYTES, &n) ||
	    !rp_ssh_get_bignum(cbs, RSA_MAX_BYTES, &e) ||
	    !rp_ssh_get_bignum(cbs, RSA_MAX_BYTES, &d) ||
	    !rp_ssh_get_bignum(cbs, RSA_MAX_BYTES, &iqmp) ||
	    !rp_ssh_get_bignum(cbs, RSA_MAX_BYTES, &p) ||
	    !rp_ssh_get_bignum(cbs, RSA_MAX_BYTES, &q)) {
		*err = "malformed RSA private key (truncated, negative, padded or too large number)";
		goto fail;
	}
	if (!check_public_numbers(n, e, err))
		goto fail;
	/* Primes of at least 2, so p-1 and q-1 are no zero divisors. */
	if (BN_is_zero(d) || BN_is_zero(iqmp) || BN_cmp(p, BN_value_one()) <= 0 ||
	    BN_cmp(q, BN_value_one()) <= 0) {
		*err = "invalid RSA private key (a zero d or iqmp, or a prime below 2)";
		goto fail;
	}
	if ((ctx = BN_CTX_new()) == NULL || (dmp1 = crt_exponent(d, p, ctx)) == NULL ||
	    (dmq1 = crt_exponent(d, q, ctx)) == NULL || (rsa = RSA_new()) == NULL) {
		*err = "out of memory";
		goto fail;
	}
	/* Each set0 takes its numbers over only when it succeeds. */
	if (!RSA_set0_key(rsa, n, e, d))
		goto nomem;
	n = e = d = NULL;
	if (!RSA_set0_factors(rsa, p, q))
		goto nomem;
	p = q = NULL;
	if (!RSA_set0_crt_params(rsa, dmp1, dmq1, iqmp))
		goto nomem;
	dmp1 = dmq1 = iqmp = NULL;
	BN_CTX_free(ctx);
	*out = rsa;
	return 1;
nomem:
	*err = "out of memory";
fail:
	ERR_clear_error();
	BN_free(n);
	BN_free(e);
	BN_clear_free(d);
	BN_clear_free(iqmp);
	BN_clear_free(p);
	BN_clear_free(q);
	BN_clear_free(dmp1);
	BN_clear_free(dmq1);
	BN_CTX_free(ctx);
	RSA_free(rsa); /* clears the private parts it holds */
	return 0;
}

int
rp_rsa_private_to_blob(const RSA *rsa, CBB *out)
{
	const BIGNUM *n, *e, *d, *p, *q, *iqmp;

	RSA_get0_key(rsa, &n, &e, &d);
	RSA_get0_factors(rsa, &p, &q);
	RSA_get0_crt_params(rsa, NULL, NULL, &iqmp);
	if (n == NULL || e == NULL || d == NULL || p == NULL || q == NULL || iqmp == NULL)
		return 0;
	return rp_ssh_add_bignum(out, n) && rp_ssh_add_bignum(out, e) &&
	    rp_ssh_add_bignum(out, d) && rp_ssh_add_bignum(out, iqmp) &&
	    rp_ssh_add_bignum(out, p) && rp_ssh_add_bignum(out, q);
}

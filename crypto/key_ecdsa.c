/*
 * crypto/key_ecdsa.c: ECDSA keys and signatures over NIST P-256, P-384 and
 * P-521, as RFC 5656 sections 3.1 and 3.1.2 define them for SSH.
 *
 * Public key blob:  string "ecdsa-sha2-nistpNNN" || string "nistpNNN" ||
 *                   string Q (uncompressed: 0x04 || x || y)
 * Signature blob:   string "ecdsa-sha2-nistpNNN" || string (mpint r || mpint s)
 *
 * The data is hashed with SHA-256, SHA-384 or SHA-512 for the three curves
 * (RFC 5656 section 6.2.1). sshkey.c handles the type name and the outer
 * strings; this file the fields inside them.
 *
 * Private keys in OpenSSH's format (PROTOCOL.key) carry the public fields
 * then mpint d; PEM and PKCS#8 keys arrive as an EC_KEY already. Either way
 * rp_ecdsa_check_private decides whether the key is whole.
 */
#include "crypto/sshkey_internal.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/obj.h>
#include <openssl/sha.h>

#include "common/wire.h"

/* 0x04 || x || y for P-521: 1 + 2 * 66 bytes. */
#define EC_POINT_MAX_LEN 133

struct curve {
	enum rp_key_type type;
	const char *ident;      /* RFC 5656's [identifier] */
	int nid;
	size_t field_len;       /* bytes in one coordinate */
	size_t hash_len;
	uint8_t *(*hash)(const uint8_t *data, size_t len, uint8_t *out);
};

static const struct curve curves[] = {
	{ RP_KEY_ECDSA_P256, "nistp256", NID_X9_62_prime256v1, 32, SHA256_DIGEST_LENGTH, SHA256 },
	{ RP_KEY_ECDSA_P384, "nistp384", NID_secp384r1, 48, SHA384_DIGEST_LENGTH, SHA384 },
	{ RP_KEY_ECDSA_P521, "nistp521", NID_secp521r1, 66, SHA512_DIGEST_LENGTH, SHA512 },
};

static const struct curve *
curve_of(enum rp_key_type type)
{
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (curves[i].type == type)
			return &curves[i];
	return NULL;
}

static const struct curve *
curve_of_nid(int nid)
{
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (curves[i].nid == nid)
			return &curves[i];
	return NULL;
}

int
rp_ecdsa_parse_public(enum rp_key_type type, CBS *cbs, EC_KEY **out, const char **err)
{
	const struct curve *c = curve_of(type);
	const EC_GROUP *group;
	EC_KEY *ec = NULL;
	EC_POINT *point = NULL;
	CBS ident, q;

	*out = NULL;
	if (c == NULL) {
		*err = "not an ECDSA key type";
		return 0;
	}
	if (!ssh_get_string(cbs, &ident) || !ssh_get_string(cbs, &q)) {
		*err = "truncated ECDSA key";
		return 0;
	}
	if (!CBS_mem_equal(&ident, (const uint8_t *)c->ident, strlen(c->ident))) {
		*err = "ECDSA curve name does not match the key type";
		return 0;
	}
	/* Only the uncompressed form, as RFC 5656 section 3.1 and OpenSSH. */
	if (CBS_len(&q) != 1 + 2 * c->field_len || CBS_data(&q)[0] != 0x04) {
		*err = "ECDSA public key is not an uncompressed point of its curve";
		return 0;
	}
	if ((ec = EC_KEY_new_by_curve_name(c->nid)) == NULL)
		goto nomem;
	group = EC_KEY_get0_group(ec);
	if ((point = EC_POINT_new(group)) == NULL)
		goto nomem;
	/* oct2point refuses coordinates outside the field and points off the
	 * curve; EC_KEY_check_key checks again, and refuses infinity. */
	if (!EC_POINT_oct2point(group, point, CBS_data(&q), CBS_len(&q), NULL) ||
	    EC_POINT_is_at_infinity(group, point) || !EC_KEY_set_public_key(ec, point) ||
	    !EC_KEY_check_key(ec)) {
		*err = "ECDSA public key is not a valid point on its curve";
		goto fail;
	}
	EC_POINT_free(point);
	*out = ec;
	return 1;
nomem:
	*err = "out of memory";
fail:
	ERR_clear_error();
	EC_POINT_free(point);
	EC_KEY_free(ec);
	return 0;
}

int
rp_ecdsa_public_to_blob(enum rp_key_type type, const EC_KEY *ec, CBB *out)
{
	const struct curve *c = curve_of(type);
	uint8_t q[EC_POINT_MAX_LEN];
	size_t len;

	if (c == NULL)
		return 0;
	len = EC_POINT_point2oct(EC_KEY_get0_group(ec), EC_KEY_get0_public_key(ec),
	    POINT_CONVERSION_UNCOMPRESSED, q, sizeof(q), NULL);
	if (len != 1 + 2 * c->field_len)
		return 0;
	return ssh_add_cstring(out, c->ident) && ssh_add_string(out, q, len);
}

int
rp_ecdsa_public_equal(const EC_KEY *a, const EC_KEY *b)
{
	const EC_GROUP *ga = EC_KEY_get0_group(a), *gb = EC_KEY_get0_group(b);

	return EC_GROUP_cmp(ga, gb, NULL) == 0 &&
	    EC_POINT_cmp(ga, EC_KEY_get0_public_key(a), EC_KEY_get0_public_key(b), NULL) == 0;
}

int
rp_ecdsa_verify(enum rp_key_type type, const EC_KEY *ec, CBS sig, const uint8_t *data,
    size_t len)
{
	const struct curve *c = curve_of(type);
	uint8_t digest[SHA512_DIGEST_LENGTH];
	BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG *es = NULL;
	size_t order_len;
	int ok = 0;

	if (c == NULL)
		return 0;
	/* r and s are below the group order, so no longer than it. */
	order_len = (EC_GROUP_order_bits(EC_KEY_get0_group(ec)) + 7) / 8;
	if (!rp_ssh_get_bignum(&sig, order_len, &r) || !rp_ssh_get_bignum(&sig, order_len, &s) ||
	    CBS_len(&sig) != 0)
		goto out;
	if ((es = ECDSA_SIG_new()) == NULL || !ECDSA_SIG_set0(es, r, s))
		goto out;
	r = s = NULL; /* es owns them now */
	c->hash(data, len, digest);
	/* ECDSA_do_verify refuses r or s of zero or not below the order. */
	ok = ECDSA_do_verify(digest, c->hash_len, es, ec) == 1;
out:
	if (!ok)
		ERR_clear_error();
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return ok;
}

int
rp_ecdsa_generate(enum rp_key_type type, EC_KEY **priv, EC_KEY **pub)
{
	const struct curve *c = curve_of(type);
	EC_KEY *k = NULL, *p = NULL;

	*priv = *pub = NULL;
	if (c == NULL)
		return 0;
	if ((k = EC_KEY_new_by_curve_name(c->nid)) == NULL || !EC_KEY_generate_key(k) ||
	    (p = EC_KEY_new_by_curve_name(c->nid)) == NULL ||
	    !EC_KEY_set_public_key(p, EC_KEY_get0_public_key(k))) {
		ERR_clear_error();
		EC_KEY_free(k); /* wipes the private scalar */
		EC_KEY_free(p);
		return 0;
	}
	*priv = k;
	*pub = p;
	return 1;
}

int
rp_ecdsa_sign(enum rp_key_type type, const EC_KEY *priv, const uint8_t *data, size_t len,
    CBB *out)
{
	const struct curve *c = curve_of(type);
	uint8_t digest[SHA512_DIGEST_LENGTH];
	const BIGNUM *r, *s;
	ECDSA_SIG *es;
	int ok;

	if (c == NULL)
		return 0;
	c->hash(data, len, digest);
	if ((es = ECDSA_do_sign(digest, c->hash_len, priv)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	ECDSA_SIG_get0(es, &r, &s);
	ok = rp_ssh_add_bignum(out, r) && rp_ssh_add_bignum(out, s);
	ECDSA_SIG_free(es);
	return ok;
}

/* --- private keys ----------------------------------------------------------- */

int
rp_ecdsa_check_private(EC_KEY *ec, enum rp_key_type *type, EC_KEY **pub, const char **err)
{
	const EC_GROUP *group = EC_KEY_get0_group(ec);
	const BIGNUM *d = EC_KEY_get0_private_key(ec);
	const struct curve *c;
	EC_POINT *q = NULL;
	EC_KEY *p = NULL;
	int nid;

	*pub = NULL;
	if (group == NULL) {
		*err = "EC key without a curve";
		return 0;
	}
	nid = EC_GROUP_get_curve_name(group);
	if ((c = curve_of_nid(nid)) == NULL) {
		const char *name = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;

		*err = rp_key_reason("ECDSA key on curve %s; supported are P-256, P-384 and P-521",
		    name != NULL ? name : "(unnamed)");
		return 0;
	}
	if (d == NULL) {
		*err = "EC key without its private part";
		return 0;
	}
	if (BN_is_zero(d) || BN_is_negative(d) || BN_cmp(d, EC_GROUP_get0_order(group)) >= 0) {
		*err = "ECDSA private key out of range (0 < d < the curve order)";
		return 0;
	}
	/* Q must be d*G, or the file holds two halves of different keys. */
	if ((q = EC_POINT_new(group)) == NULL || !EC_POINT_mul(group, q, d, NULL, NULL, NULL))
		goto nomem;
	if (EC_KEY_get0_public_key(ec) == NULL) {
		if (!EC_KEY_set_public_key(ec, q))
			goto nomem;
	} else if (EC_POINT_cmp(group, q, EC_KEY_get0_public_key(ec), NULL) != 0) {
		*err = "ECDSA private key does not match its public key (d*G != Q)";
		goto fail;
	}
	if (!EC_KEY_check_key(ec)) {
		*err = "invalid ECDSA key";
		goto fail;
	}
	if ((p = EC_KEY_new_by_curve_name(c->nid)) == NULL ||
	    !EC_KEY_set_public_key(p, EC_KEY_get0_public_key(ec)))
		goto nomem;
	EC_POINT_free(q);
	*type = c->type;
	*pub = p;
	return 1;
nomem:
	*err = "out of memory";
fail:
	ERR_clear_error();
	EC_POINT_free(q);
	EC_KEY_free(p);
	return 0;
}

int
rp_ecdsa_parse_private(enum rp_key_type type, CBS *cbs, EC_KEY **out, const char **err)
{
	const struct curve *c = curve_of(type);
	EC_KEY *pub = NULL, *k = NULL;
	BIGNUM *d = NULL;
	size_t order_len;

	*out = NULL;
	if (c == NULL) {
		*err = "not an ECDSA key type";
		return 0;
	}
	if (!rp_ecdsa_parse_public(type, cbs, &pub, err))
		return 0;
	order_len = (EC_GROUP_order_bits(EC_KEY_get0_group(pub)) + 7) / 8;
	if (!rp_ssh_get_bignum(cbs, order_len, &d)) {
		*err = "malformed ECDSA private key (truncated, negative, padded or too large d)";
		goto fail;
	}
	if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(EC_KEY_get0_group(pub))) >= 0) {
		*err = "ECDSA private key out of range (0 < d < the curve order)";
		goto fail;
	}
	if ((k = EC_KEY_new_by_curve_name(c->nid)) == NULL ||
	    !EC_KEY_set_public_key(k, EC_KEY_get0_public_key(pub)) ||
	    !EC_KEY_set_private_key(k, d)) {
		*err = "out of memory";
		goto fail;
	}
	BN_clear_free(d);
	EC_KEY_free(pub);
	*out = k;
	return 1;
fail:
	ERR_clear_error();
	BN_clear_free(d);
	EC_KEY_free(pub);
	EC_KEY_free(k);
	return 0;
}

int
rp_ecdsa_private_to_blob(enum rp_key_type type, const EC_KEY *ec, CBB *out)
{
	const BIGNUM *d = EC_KEY_get0_private_key(ec);

	return d != NULL && rp_ecdsa_public_to_blob(type, ec, out) && rp_ssh_add_bignum(out, d);
}

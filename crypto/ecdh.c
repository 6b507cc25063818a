/*
 * crypto/ecdh.c: ECDH on P-256, P-384 and P-521 through BoringSSL, as
 * ecdh-sha2-nistp* needs it (RFC 5656 4 and 7.1): ephemeral keys,
 * uncompressed points, the peer's point checked to be on the curve, and
 * the shared secret as the x-coordinate of the shared point.
 */
#include "crypto/ecdh.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdh.h>
#include <openssl/mem.h>
#include <openssl/nid.h>

static const struct {
	int nid;
	size_t field; /* bytes of a coordinate */
} curves[] = {
	[RP_EC_P256] = { NID_X9_62_prime256v1, 32 },
	[RP_EC_P384] = { NID_secp384r1, 48 },
	[RP_EC_P521] = { NID_secp521r1, 66 },
};

size_t
rp_ecdh_point_len(enum rp_ec_curve curve)
{
	return 1 + 2 * curves[curve].field;
}

size_t
rp_ecdh_secret_len(enum rp_ec_curve curve)
{
	return curves[curve].field;
}

/* An EC_KEY on curve holding priv (and no public key: not needed). */
static EC_KEY *
key_from_scalar(enum rp_ec_curve curve, const uint8_t *priv)
{
	EC_KEY *key = EC_KEY_new_by_curve_name(curves[curve].nid);
	BIGNUM *bn = BN_bin2bn(priv, curves[curve].field, NULL);
	int ok = key != NULL && bn != NULL && EC_KEY_set_private_key(key, bn);

	BN_clear_free(bn);
	if (!ok) {
		EC_KEY_free(key);
		return NULL;
	}
	return key;
}

int
rp_ecdh_keypair(enum rp_ec_curve curve, uint8_t *priv, uint8_t *pub)
{
	size_t point_len = rp_ecdh_point_len(curve);
	EC_KEY *key = EC_KEY_new_by_curve_name(curves[curve].nid);
	int ok;

	ok = key != NULL && EC_KEY_generate_key(key) &&
	    BN_bn2bin_padded(priv, curves[curve].field, EC_KEY_get0_private_key(key)) &&
	    EC_POINT_point2oct(EC_KEY_get0_group(key), EC_KEY_get0_public_key(key),
	    POINT_CONVERSION_UNCOMPRESSED, pub, point_len, NULL) == point_len;
	if (!ok)
		OPENSSL_cleanse(priv, curves[curve].field);
	EC_KEY_free(key); /* clears its copy of the scalar */
	return ok;
}

int
rp_ecdh_shared(enum rp_ec_curve curve, const uint8_t *priv, const uint8_t *peer,
    uint8_t *shared)
{
	size_t point_len = rp_ecdh_point_len(curve), field = curves[curve].field;
	EC_KEY *key = NULL;
	EC_POINT *peer_point = NULL;
	const EC_GROUP *group;
	int ok = 0;

	/* Uncompressed only, as OpenSSH sends and accepts. */
	if (peer[0] != POINT_CONVERSION_UNCOMPRESSED)
		return 0;
	if ((key = key_from_scalar(curve, priv)) == NULL)
		goto out;
	group = EC_KEY_get0_group(key);
	/* oct2point refuses a point that is not on the curve, and the point
	 * at infinity has no uncompressed form. */
	if ((peer_point = EC_POINT_new(group)) == NULL ||
	    !EC_POINT_oct2point(group, peer_point, peer, point_len, NULL))
		goto out;
	if (ECDH_compute_key(shared, field, peer_point, key, NULL) != (int)field) {
		OPENSSL_cleanse(shared, field);
		goto out;
	}
	ok = 1;
out:
	EC_POINT_free(peer_point);
	EC_KEY_free(key);
	return ok;
}

int
rp_ecdh_respond(enum rp_ec_curve curve, const uint8_t *peer, uint8_t *ours, uint8_t *shared)
{
	uint8_t priv[RP_ECDH_MAX_SECRET];
	int ok;

	ok = rp_ecdh_keypair(curve, priv, ours) && rp_ecdh_shared(curve, priv, peer, shared);
	OPENSSL_cleanse(priv, sizeof(priv));
	return ok;
}

/*
 * crypto/ecdh.h: elliptic-curve Diffie-Hellman on the NIST curves, for
 * the ecdh-sha2-nistp256/384/521 key exchange methods (RFC 5656 4).
 */
#ifndef RAMPART_CRYPTO_ECDH_H
#define RAMPART_CRYPTO_ECDH_H

#include <stddef.h>
#include <stdint.h>

enum rp_ec_curve {
	RP_EC_P256,
	RP_EC_P384,
	RP_EC_P521,
};

/* The largest uncompressed point (P-521: 1 + 2 x 66) and secret. */
#define RP_ECDH_MAX_POINT 133
#define RP_ECDH_MAX_SECRET 66

/* Length of an uncompressed point (SEC1 2.3.3: 0x04 || X || Y) and of
 * the shared secret (the x-coordinate, field-sized) on curve. */
size_t rp_ecdh_point_len(enum rp_ec_curve curve);
size_t rp_ecdh_secret_len(enum rp_ec_curve curve);

/* A fresh key pair: the private scalar (rp_ecdh_secret_len bytes, big
 * endian) and the public point (uncompressed). 0 on failure. */
int rp_ecdh_keypair(enum rp_ec_curve curve, uint8_t *priv, uint8_t *pub);
/* The x-coordinate of priv times peer's point (rp_ecdh_secret_len bytes).
 * 0 (nothing in shared) when peer is not an uncompressed point of the
 * curve. */
int rp_ecdh_shared(enum rp_ec_curve curve, const uint8_t *priv, const uint8_t *peer,
    uint8_t *shared);
/* One side of the exchange: a fresh key pair, its public point (uncompressed,
 * rp_ecdh_point_len bytes) into ours, and the x-coordinate of the shared
 * point (rp_ecdh_secret_len bytes) into shared. 0 (nothing written to
 * shared) when peer is not an uncompressed point of the curve (RFC 5656
 * 4: the recipient must check it). */
int rp_ecdh_respond(enum rp_ec_curve curve, const uint8_t *peer, uint8_t *ours, uint8_t *shared);

#endif

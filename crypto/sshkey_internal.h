/*
 * crypto/sshkey_internal.h: for crypto/ only. Lets the key file code build a
 * private key from its stored parts and read them back, and lets the key
 * family files (key_ecdsa.c, key_rsa.c) and the certificate code share the
 * pieces of sshkey.c they need, without exposing the key structure to the
 * rest of rampart.
 */
#ifndef RAMPART_CRYPTO_SSHKEY_INTERNAL_H
#define RAMPART_CRYPTO_SSHKEY_INTERNAL_H

#include "crypto/sshkey.h"

/* BoringSSL's EC_KEY, RSA and BIGNUM, named without including its headers. */
struct bignum_st;
struct ec_key_st;
struct rsa_st;

/* pub: 32 bytes; priv: 64 bytes (seed || public key), checked to agree. */
int rp_privkey_from_ed25519_parts(const uint8_t *pub, size_t pub_len, const uint8_t *priv,
    size_t priv_len, struct rp_privkey **out);
/* Pointers into key; 0 when key is not ed25519. */
int rp_privkey_ed25519_parts(const struct rp_privkey *key, const uint8_t **pub,
    const uint8_t **priv);

/* --- shared by sshkey.c, cert.c and the key family files ------------------- */

/* The fields of a public key blob that follow its type name, consumed from
 * cbs (a certificate carries them in the middle of its own blob). Nothing
 * after them is checked. *err as for rp_pubkey_parse_blob. */
int rp_pubkey_parse_fields(enum rp_key_type type, CBS *cbs, struct rp_pubkey **out,
    const char **err);
/* The blob in CBB memory (release with OPENSSL_free). */
int rp_pubkey_blob_alloc(const struct rp_pubkey *key, uint8_t **blob, size_t *len);

/* A reason with a number or a name in it, formatted into a per-thread buffer
 * that the next call overwrites. Returns the buffer. */
const char *rp_key_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* mpint (RFC 4251 section 5) as a non-negative BIGNUM: a negative value or
 * a needless leading zero byte is refused, and so is a magnitude of more
 * than max_bytes. Zero is returned as zero. */
int rp_ssh_get_bignum(CBS *cbs, size_t max_bytes, struct bignum_st **out);
int rp_ssh_add_bignum(CBB *cbb, const struct bignum_st *bn);

/* ECDSA (key_ecdsa.c), RFC 5656: the curve follows from the key type. */
int rp_ecdsa_parse_public(enum rp_key_type type, CBS *cbs, struct ec_key_st **out,
    const char **err);
int rp_ecdsa_public_to_blob(enum rp_key_type type, const struct ec_key_st *ec, CBB *out);
int rp_ecdsa_public_equal(const struct ec_key_st *a, const struct ec_key_st *b);
/* The signature string's contents (mpint r, mpint s), with the curve's hash. */
int rp_ecdsa_verify(enum rp_key_type type, const struct ec_key_st *ec, CBS sig,
    const uint8_t *data, size_t len);
/* A new private key, and a public-only copy of it. */
int rp_ecdsa_generate(enum rp_key_type type, struct ec_key_st **priv, struct ec_key_st **pub);
/* Appends the signature string's contents (mpint r, mpint s). */
int rp_ecdsa_sign(enum rp_key_type type, const struct ec_key_st *priv, const uint8_t *data,
    size_t len, CBB *out);

/* RSA (key_rsa.c), RFC 4253 section 6.6 and RFC 8332. */
int rp_rsa_parse_public(CBS *cbs, struct rsa_st **out, const char **err);
int rp_rsa_public_to_blob(const struct rsa_st *rsa, CBB *out);
int rp_rsa_public_equal(const struct rsa_st *a, const struct rsa_st *b);
unsigned rp_rsa_bits(const struct rsa_st *rsa);
/* sig_alg: rsa-sha2-256, rsa-sha2-512 or ssh-rsa; sig: the signature
 * string's contents, at most the modulus size (shorter is left-padded). */
int rp_rsa_verify(struct rsa_st *rsa, const char *sig_alg, CBS sig,
    const uint8_t *data, size_t len);
int rp_rsa_generate(unsigned bits, struct rsa_st **priv, struct rsa_st **pub);
/* Appends the signature string's contents: the modulus size in bytes. */
int rp_rsa_sign(struct rsa_st *priv, const char *sig_alg, const uint8_t *data,
    size_t len, CBB *out);

#endif

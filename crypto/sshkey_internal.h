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

/* A private key from a BoringSSL EC_KEY or RSA holding its private part
 * (from a PEM or PKCS#8 file), which this takes over: it is freed on
 * failure. The key is checked as a host key must be: EC on P-256, P-384 or
 * P-521 with 0 < d < order and d*G == Q; RSA of RP_RSA_MIN_BITS to
 * RP_RSA_MAX_BITS bits with p, q and the CRT values, passing
 * RSA_check_key. *err as for rp_pubkey_parse_blob. */
int rp_privkey_from_ec_key(struct ec_key_st *ec, struct rp_privkey **out, const char **err);
int rp_privkey_from_rsa(struct rsa_st *rsa, struct rp_privkey **out, const char **err);

/*
 * The private key fields of OpenSSH's private key format (PROTOCOL.key)
 * that follow the type name, consumed from cbs; nothing after them is
 * checked:
 *     ssh-ed25519          string pub (32 bytes), string seed || pub (64)
 *     ecdsa-sha2-nistpNNN  string "nistpNNN", string Q (uncompressed), mpint d
 *     ssh-rsa              mpint n, e, d, iqmp (q^-1 mod p), p, q
 * The key is checked as for rp_privkey_from_ec_key and rp_privkey_from_rsa;
 * the ed25519 halves must agree. *err as for rp_pubkey_parse_blob.
 */
int rp_privkey_parse_fields(enum rp_key_type type, CBS *cbs, struct rp_privkey **out,
    const char **err);
/* Append those fields (without the type name) to out. */
int rp_privkey_fields_to_blob(const struct rp_privkey *key, CBB *out);

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
/* Check a private EC_KEY (named curve P-256, P-384 or P-521; 0 < d < order;
 * d*G equals the public point, which is filled in when missing) and make a
 * public-only copy of it. *type gets the key type. ec stays the caller's. */
int rp_ecdsa_check_private(struct ec_key_st *ec, enum rp_key_type *type,
    struct ec_key_st **pub, const char **err);
/* OpenSSH's private fields (string curve, string Q, mpint d) into a new
 * EC_KEY, not yet checked beyond d's range (rp_ecdsa_check_private). */
int rp_ecdsa_parse_private(enum rp_key_type type, CBS *cbs, struct ec_key_st **out,
    const char **err);
int rp_ecdsa_private_to_blob(enum rp_key_type type, const struct ec_key_st *ec, CBB *out);

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
/* Check a private RSA key (size, exponent, p, q and the CRT values present,
 * n == p*q, RSA_check_key) and make a public-only copy. rsa stays the
 * caller's. */
int rp_rsa_check_private(struct rsa_st *rsa, struct rsa_st **pub, const char **err);
/* OpenSSH's private fields (mpint n, e, d, iqmp, p, q) into a new RSA with
 * its CRT values computed, not yet checked (rp_rsa_check_private). */
int rp_rsa_parse_private(CBS *cbs, struct rsa_st **out, const char **err);
int rp_rsa_private_to_blob(const struct rsa_st *rsa, CBB *out);

#endif

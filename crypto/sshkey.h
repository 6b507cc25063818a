/*
 * crypto/sshkey.h: SSH public and private keys, their wire blobs, their
 * one-line text form, fingerprints and signatures (RFC 4253 section 6.6,
 * RFC 8709 for ssh-ed25519, RFC 5656 for ECDSA, RFC 8332 for RSA's SHA-2
 * signatures).
 *
 * The key types are opaque: ECDSA and RSA keys hold BoringSSL objects that
 * callers never see. Key types: ssh-ed25519, ecdsa-sha2-nistp256/384/521,
 * ssh-rsa (signing with rsa-sha2-512, rsa-sha2-256 or the SHA-1 ssh-rsa).
 */
#ifndef RAMPART_CRYPTO_SSHKEY_H
#define RAMPART_CRYPTO_SSHKEY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/bytes.h"

enum rp_key_type {
	RP_KEY_ED25519 = 1,
	RP_KEY_ECDSA_P256,  /* ecdsa-sha2-nistp256 (RFC 5656) */
	RP_KEY_ECDSA_P384,  /* ecdsa-sha2-nistp384 */
	RP_KEY_ECDSA_P521,  /* ecdsa-sha2-nistp521 */
	RP_KEY_RSA,         /* ssh-rsa keys; signatures rsa-sha2-256/512 (RFC 8332) */
};

/* RSA keys shorter than this are refused wherever a key is parsed. */
#define RP_RSA_MIN_BITS 2048
/* And longer ones (OpenSSH's limit, and BoringSSL's). */
#define RP_RSA_MAX_BITS 16384

struct rp_pubkey;
struct rp_privkey;

/* The name in blobs and text lines: "ssh-ed25519" for RP_KEY_ED25519,
 * "ssh-rsa" for RP_KEY_RSA. */
const char *rp_key_type_name(enum rp_key_type type);
/* Returns 0 when the name is not a key type rampart supports. */
int rp_key_type_from_name(const char *name, enum rp_key_type *out);

/* Parse a public key blob exactly: type name, fields, nothing after them.
 * Returns 0 on anything malformed or of an unsupported type (including RSA
 * below RP_RSA_MIN_BITS and EC points not on their curve). */
int rp_pubkey_from_blob(const uint8_t *blob, size_t len, struct rp_pubkey **out);
/* The same, with a short reason on failure ("RSA key of 1024 bits: at
 * least 2048 are required", "unsupported key type ssh-dss", ...). The
 * reason may live in a per-thread buffer that the next parse overwrites. */
int rp_pubkey_parse_blob(const uint8_t *blob, size_t len, struct rp_pubkey **out,
    const char **err);
/* RSA modulus size in bits; for EC keys the curve size; ed25519: 256. */
unsigned rp_pubkey_bits(const struct rp_pubkey *key);
/* 1 when sig_alg is a signature algorithm keys of this type use:
 * ssh-ed25519; ecdsa-sha2-nistp256/384/521 (each its own curve);
 * rsa-sha2-256, rsa-sha2-512 and the SHA-1 ssh-rsa for RSA. */
int rp_sig_alg_suits(enum rp_key_type type, const char *sig_alg);
/* The signature algorithms a key of this type signs with, best first, as a
 * NULL-terminated array of static strings: the type's own name for
 * ssh-ed25519 and ECDSA; "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" for RSA
 * (the last is SHA-1: leave it out of host key offers, as OpenSSH does).
 * Each one works with rp_privkey_sign_alg. NULL for an unknown type. */
const char *const *rp_key_sig_algs(enum rp_key_type type);
/* Every user-authentication signature algorithm implemented, plain keys
 * then certificates, best first, comma-separated. Includes ssh-rsa
 * (SHA-1); the policy's default leaves it out. */
const char *rp_pubkey_alg_supported_list(void);
/* Append the blob (not wrapped in a string) to out. */
int rp_pubkey_to_blob(const struct rp_pubkey *key, CBB *out);
enum rp_key_type rp_pubkey_type(const struct rp_pubkey *key);
int rp_pubkey_equal(const struct rp_pubkey *a, const struct rp_pubkey *b);
struct rp_pubkey *rp_pubkey_dup(const struct rp_pubkey *key);
void rp_pubkey_free(struct rp_pubkey *key);

/* OpenSSH's one-line text form "ssh-ed25519 AAAAC3Nz... comment". Leading and
 * trailing blanks are ignored; the comment is optional. The type word must
 * match the type inside the blob. On failure *err names the problem in a few
 * words ("unknown key type", "invalid base64", ...). *comment_out, when
 * comment_out is not NULL, receives a malloc'd copy of the comment or NULL. */
int rp_pubkey_from_text(const char *line, struct rp_pubkey **out, char **comment_out,
    const char **err);
/* "ssh-ed25519 AAAA... comment\n"-less line, malloc'd; comment may be NULL. */
char *rp_pubkey_to_text(const struct rp_pubkey *key, const char *comment);
/* "SHA256:<unpadded base64 of SHA-256(blob)>", as `ssh-keygen -l` prints. */
int rp_pubkey_fingerprint(const struct rp_pubkey *key, char *out, size_t outsz);

/* Verify a signature blob (string algorithm name, string signature) over
 * data. sig_alg is the algorithm the protocol message named; the blob must
 * name the same one and it must suit the key. Returns 1 only when valid. */
int rp_pubkey_verify(const struct rp_pubkey *key, const char *sig_alg,
    const uint8_t *sig_blob, size_t sig_len, const uint8_t *data, size_t data_len);

/* A new key; RSA keys have 3072 bits. */
int rp_privkey_generate(enum rp_key_type type, struct rp_privkey **out);
/* The same with a size: for RSA RP_RSA_MIN_BITS to RP_RSA_MAX_BITS in
 * steps of 128 (BoringSSL makes no others); for the other types only their
 * own size (256, 384, 521; 256 for ed25519). 0 means the default (3072 for
 * RSA). Returns 0 for any other size. */
int rp_privkey_generate_bits(enum rp_key_type type, unsigned bits, struct rp_privkey **out);
const struct rp_pubkey *rp_privkey_public(const struct rp_privkey *key);
/* Sign data; append the signature blob (string alg, string sig) to out.
 * The algorithm is the key type's own; RSA keys sign with rsa-sha2-512. */
int rp_privkey_sign(const struct rp_privkey *key, const uint8_t *data, size_t len, CBB *out);
/* The same with a chosen algorithm, which must suit the key
 * (rp_sig_alg_suits): rsa-sha2-256 or ssh-rsa for an RSA key. */
int rp_privkey_sign_alg(const struct rp_privkey *key, const char *sig_alg, const uint8_t *data,
    size_t len, CBB *out);
/* Wipes the private part. NULL is fine. */
void rp_privkey_free(struct rp_privkey *key);

#endif

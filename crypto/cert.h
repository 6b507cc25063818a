/*
 * crypto/cert.h: OpenSSH certificates (PROTOCOL.certkeys): user and host
 * certificates for ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa
 * keys, signed by a CA key of any of those types.
 *
 * Parsing checks the structure only. The CA's signature is checked by
 * rp_cert_verify(); validity, principals, critical options and revocation
 * are the caller's decisions (policy/), made with the accessors below.
 */
#ifndef RAMPART_CRYPTO_CERT_H
#define RAMPART_CRYPTO_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/bytes.h"
#include "crypto/sshkey.h"

enum rp_cert_type {
	RP_CERT_USER = 1,
	RP_CERT_HOST = 2,
};

/* Bounds checked by the parser. */
#define RP_CERT_MAX_PRINCIPALS 256
#define RP_CERT_MAX_OPTIONS 64
#define RP_CERT_MAX_KEY_ID 1024

struct rp_cert;

/* 1 when name is a certificate type rampart supports, e.g.
 * "ssh-ed25519-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com": a
 * key type, as in blobs and text lines. The userauth algorithm names
 * "rsa-sha2-256/512-cert-v01@openssh.com" are not key types (0 here);
 * rp_cert_auth_sig_alg knows them. */
int rp_cert_is_cert_type(const char *name);
/* For a userauth algorithm naming a certificate, the signature algorithm
 * the certified key signs with: "ssh-ed25519-cert-v01@openssh.com" ->
 * "ssh-ed25519", "rsa-sha2-512-cert-v01@openssh.com" -> "rsa-sha2-512".
 * Returns 0 when auth_alg is not a certificate algorithm. */
int rp_cert_auth_sig_alg(const char *auth_alg, char *out, size_t outsz);

/* Parse a certificate blob exactly. *err gets a short reason on failure
 * ("truncated certificate", "critical options out of order", ...). */
int rp_cert_from_blob(const uint8_t *blob, size_t len, struct rp_cert **out, const char **err);
void rp_cert_free(struct rp_cert *cert);

/* The certificate's own blob, as parsed (for fingerprints and KRLs). */
void rp_cert_blob(const struct rp_cert *cert, const uint8_t **blob, size_t *len);
const char *rp_cert_type_name(const struct rp_cert *cert);
/* The certified key, and the CA key that signed the certificate. */
const struct rp_pubkey *rp_cert_key(const struct rp_cert *cert);
const struct rp_pubkey *rp_cert_ca(const struct rp_cert *cert);
enum rp_cert_type rp_cert_type(const struct rp_cert *cert);
uint64_t rp_cert_serial(const struct rp_cert *cert);
/* The key id as sent (may hold any bytes; escape before logging). */
void rp_cert_key_id(const struct rp_cert *cert, const uint8_t **id, size_t *len);
size_t rp_cert_nprincipals(const struct rp_cert *cert);
/* NUL-terminated; principals holding a NUL byte are refused at parse. */
const char *rp_cert_principal(const struct rp_cert *cert, size_t i);
/* Seconds since the epoch; valid_before 0xffffffffffffffff is "forever". */
uint64_t rp_cert_valid_after(const struct rp_cert *cert);
uint64_t rp_cert_valid_before(const struct rp_cert *cert);
/* Critical options and extensions, in certificate order. The value is the
 * option's data as a string (force-command's command, source-address's
 * list), "" for flags; NUL-terminated (values holding NUL are refused). */
size_t rp_cert_ncritical(const struct rp_cert *cert);
const char *rp_cert_critical_name(const struct rp_cert *cert, size_t i);
const char *rp_cert_critical_value(const struct rp_cert *cert, size_t i);
size_t rp_cert_nextensions(const struct rp_cert *cert);
const char *rp_cert_extension_name(const struct rp_cert *cert, size_t i);
const char *rp_cert_extension_value(const struct rp_cert *cert, size_t i);

/* Verify the CA's signature over the certificate. A CA signature made
 * with ssh-rsa (SHA-1) is accepted only when allow_sha1 is set. Returns 1
 * only when the signature is valid and the CA is not itself a cert. */
int rp_cert_verify(const struct rp_cert *cert, int allow_sha1);

#endif

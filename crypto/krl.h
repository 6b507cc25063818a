/*
 * crypto/krl.h: OpenSSH key revocation lists (PROTOCOL.krl), as
 * `ssh-keygen -k` writes them: revoked plain keys (whole, or by SHA-1 or
 * SHA-256 fingerprint) and revoked certificates (by serial number, serial
 * range or bitmap, or key id, under a given CA or any CA).
 *
 * rampart reads KRLs only (not OpenSSH's plain-file RevokedKeys format); a
 * KRL signature section, when present, is parsed and not checked (the file
 * is root-owned, like the policy).
 */
#ifndef RAMPART_CRYPTO_KRL_H
#define RAMPART_CRYPTO_KRL_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/cert.h"
#include "crypto/sshkey.h"

struct rp_krl;

/* Parse a KRL. *err gets a short reason on failure. Bounded: at most 16 MiB
 * of input; every count and length is checked against what remains. */
int rp_krl_parse(const uint8_t *data, size_t len, struct rp_krl **out, const char **err);
/* Read and parse a file (a regular file of at most 16 MiB). */
int rp_krl_load_file(const char *path, struct rp_krl **out, char *err, size_t errsz);
void rp_krl_free(struct rp_krl *krl);

/* 1 when key is revoked as a plain key (explicitly or by fingerprint). */
int rp_krl_key_revoked(const struct rp_krl *krl, const struct rp_pubkey *key);
/* 1 when cert is revoked: by serial or key id under its CA (or under any
 * CA, for sections without one), or because its key or its CA key is
 * revoked as a plain key. As in OpenSSH, serial 0 means "no serial": such
 * a certificate is never revoked by serial. */
int rp_krl_cert_revoked(const struct rp_krl *krl, const struct rp_cert *cert);

#endif

/*
 * crypto/keyfile.h: private key files: OpenSSH's format (the
 * "-----BEGIN OPENSSH PRIVATE KEY-----" armour around "openssh-key-v1",
 * described in OpenSSH's PROTOCOL.key), read and written, and PEM files
 * (PKCS#8, SEC1 EC and PKCS#1 RSA keys), read.
 *
 * Key types: ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa (of
 * RP_RSA_MIN_BITS to RP_RSA_MAX_BITS bits). Every key read is checked to be
 * whole: its public half matches its private half (d*G == Q, n == p*q and
 * RSA_check_key, the ed25519 seed derives the public key).
 *
 * Errors are written into err as one short sentence for a human, without the
 * path (callers add it): "truncated key data", "encrypted keys are not
 * supported: cipher aes256-ctr, kdf bcrypt", "RSA key of 1024 bits: at
 * least 2048 are required", ...
 */
#ifndef RAMPART_CRYPTO_KEYFILE_H
#define RAMPART_CRYPTO_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sshkey.h"

/* Parse the text of an unencrypted OpenSSH private key file holding exactly
 * one key. *comment_out (when not NULL) gets a malloc'd comment. Encrypted
 * keys are refused, naming their cipher and kdf. */
int rp_privkey_from_openssh(const uint8_t *text, size_t len, struct rp_privkey **out,
    char **comment_out, char *err, size_t errsz);
/*
 * Parse an unencrypted PEM private key (RFC 7468 armour; crypto/keyfile_pem.c):
 *     -----BEGIN PRIVATE KEY-----        PKCS#8 PrivateKeyInfo (RFC 5208):
 *                                        RSA, EC or Ed25519 (RFC 8410)
 *     -----BEGIN EC PRIVATE KEY-----     SEC1 ECPrivateKey (RFC 5915)
 *     -----BEGIN RSA PRIVATE KEY-----    PKCS#1 RSAPrivateKey (RFC 8017)
 * Encrypted keys ("Proc-Type: 4,ENCRYPTED" headers, or "BEGIN ENCRYPTED
 * PRIVATE KEY") are refused saying so. PEM keys have no comment.
 */
int rp_privkey_from_pem(const uint8_t *text, size_t len, struct rp_privkey **out,
    char *err, size_t errsz);
/* Either of the two, by the first line that is not blank. For a PEM key,
 * *comment_out (when not NULL) gets a malloc'd empty string. */
int rp_privkey_parse(const uint8_t *text, size_t len, struct rp_privkey **out,
    char **comment_out, char *err, size_t errsz);
/* Serialise key in OpenSSH's format (unencrypted, random check integers,
 * 70-column base64 lines) into a malloc'd buffer, any key type. Returns 0
 * only when out of memory. */
int rp_privkey_to_openssh(const struct rp_privkey *key, const char *comment,
    char **out, size_t *out_len);
/* Read and parse (rp_privkey_parse) a key file. Refuses anything but a
 * regular file of at most 64 KiB. err gets the reason (without the path). */
int rp_privkey_load_file(const char *path, struct rp_privkey **out, char **comment_out,
    char *err, size_t errsz);

#endif

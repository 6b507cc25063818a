/*
 * crypto/keyfile.h: private key files in OpenSSH's format (the
 * "-----BEGIN OPENSSH PRIVATE KEY-----" armour around "openssh-key-v1",
 * described in OpenSSH's PROTOCOL.key).
 *
 * Errors are written into err as one short sentence for a human, without the
 * path (callers add it): "truncated key data", "encrypted keys are not
 * supported (cipher aes256-ctr)", ...
 */
#ifndef RAMPART_CRYPTO_KEYFILE_H
#define RAMPART_CRYPTO_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sshkey.h"

/* Parse the text of an unencrypted OpenSSH private key file holding exactly
 * one key. *comment_out (when not NULL) gets a malloc'd comment. ssh-ed25519
 * only for now: other key types are refused as "not supported yet". */
int rp_privkey_from_openssh(const uint8_t *text, size_t len, struct rp_privkey **out,
    char **comment_out, char *err, size_t errsz);
/* Serialise key in OpenSSH's format (unencrypted, random check integers,
 * 70-column base64 lines) into a malloc'd buffer. ssh-ed25519 keys only for
 * now; returns 0 for others. */
int rp_privkey_to_openssh(const struct rp_privkey *key, const char *comment,
    char **out, size_t *out_len);
/* Read and parse a key file. Refuses anything but a regular file of at most
 * 64 KiB. err gets the reason (without the path). */
int rp_privkey_load_file(const char *path, struct rp_privkey **out, char **comment_out,
    char *err, size_t errsz);

#endif

/*
 * common/totp_secrets.h: the TOTP secrets file a policy names
 * (`totp-secrets PATH`): one line per user, "USER BASE32SECRET", with '#'
 * comments and blank lines. It must be a regular file owned by root and
 * not readable or writable by group or others, or it is refused whole
 * (secrets others could read are not secrets).
 */
#ifndef RAMPART_COMMON_TOTP_SECRETS_H
#define RAMPART_COMMON_TOTP_SECRETS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RP_TOTP_SECRET_MAX 64

/* Look user up in the file at path. Returns 1 with the secret (wipe it
 * after use), 0 when the user has no line (err empty), -1 on any problem
 * with the file (err says what: "FILE: readable by others (mode 0644)",
 * "FILE:LINE: invalid base32"). owner_uid is the uid the file must have
 * (0 in production; tests pass their own). */
int rp_totp_secret_lookup(const char *path, uid_t owner_uid, const char *user,
    uint8_t secret[RP_TOTP_SECRET_MAX], size_t *len, char *err, size_t errsz);

/* Set user's secret: rewrite the file (created 0600 if missing) through a
 * temporary file and rename, keeping every other line as it was. Returns
 * 1, or 0 with err set. */
int rp_totp_secret_store(const char *path, const char *user, const uint8_t *secret,
    size_t len, char *err, size_t errsz);

#endif

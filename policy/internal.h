/*
 * policy/internal.h: what the pieces of policy/ share with each other and
 * nobody else: messages with positions, building the policy object, value
 * parsers, file reading and authorized-keys files.
 */
#ifndef RAMPART_POLICY_INTERNAL_H
#define RAMPART_POLICY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "policy/policy.h"

/* Bounds on what the loader reads. */
#define RP_POLICY_MAX_FILE ((size_t)4 << 20)  /* a policy file */
#define RP_AUTHKEYS_MAX_FILE ((size_t)1 << 20) /* an authorized-keys file */

/* --- diag.c: messages ------------------------------------------------- */

/* Set diag->error to "FILE:LINE:COL: message" ("FILE: message" when
 * pos->line is 0, the bare message when pos is NULL). Returns 0 so that a
 * caller can `return rp_diag_error(...)`. */
int rp_diag_error(struct rp_policy_diag *diag, const struct rp_srcpos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Pass "FILE:LINE:COL: message" to diag->warn, when set. */
void rp_diag_warn(struct rp_policy_diag *diag, const struct rp_srcpos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Text from a policy file shortened for a message: at most about 60 bytes,
 * cut at a character boundary, "..." appended when cut. Returns buf. */
const char *rp_diag_excerpt(const char *text, char *buf, size_t bufsz);

/* --- policy.c: building the policy object ----------------------------- */

/* Make room for element n of an array that holds n elements and was only
 * ever grown by this function (start from NULL and 0). Returns the array,
 * maybe moved, or NULL when out of memory (the old array is still valid). */
void *rp_array_grow(void *array, size_t n, size_t size);
/* A policy holding only the defaults; NULL when out of memory. */
struct rp_policy *rp_policy_new(void);
/* The policy's copy of a file name (the same pointer for the same name),
 * for rp_srcpos.file. NULL when out of memory. */
const char *rp_policy_intern_file(struct rp_policy *policy, const char *name);
/* Append a new user (name copied); returns its index, or -1 when out of
 * memory. */
long rp_policy_add_user(struct rp_policy *policy, const char *name,
    const struct rp_srcpos *pos);
/* Give user the key (and comment, may be NULL): both are taken over, even on
 * failure. A key the user already has is dropped with a warning naming where
 * it was first listed. Returns 0 only when out of memory. */
int rp_policy_user_add_key(struct rp_policy_user *user, struct rp_pubkey *key,
    char *comment, const struct rp_srcpos *pos, struct rp_policy_diag *diag);

/* --- units.c: numbers with units -------------------------------------- */

/* A whole decimal number, digits only, no sign, no unit. */
int rp_parse_count(const char *text, uint64_t *out);
/* "90" -> "90s", "120" -> "2m", "3600" -> "1h": the largest unit that
 * divides seconds exactly. Returns buf. */
const char *rp_format_duration(unsigned seconds, char *buf, size_t bufsz);

/* --- address.c: addresses --------------------------------------------- */

/* "127.0.0.1:2222" or "[::1]:2222", numeric only. On failure *why says what
 * is wrong in a few words. */
int rp_parse_listen_address(const char *text, struct sockaddr_storage *addr,
    socklen_t *addrlen, const char **why);
/* Same family, address and port. */
int rp_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/* --- readfile.c -------------------------------------------------------- */

/* Read the regular file at path, at most max bytes, into a malloc'd buffer
 * with a NUL after the last byte. On failure returns 0 with a reason in why
 * ("No such file or directory", "not a regular file", "larger than 1 MiB"). */
int rp_read_file(const char *path, size_t max, char **out, size_t *outlen, char *why,
    size_t whysz);

/* --- authkeys.c -------------------------------------------------------- */

/* Read an OpenSSH authorized_keys file (path as the policy resolved it) and
 * give its keys to user; lines that are not a plain supported key are
 * skipped with a warning naming the file and line. Returns 0 when the file
 * cannot be read (why says why), and then the user has no key from it. */
int rp_authkeys_load(struct rp_policy *policy, struct rp_policy_user *user, const char *path,
    struct rp_policy_diag *diag, char *why, size_t whysz);

#endif

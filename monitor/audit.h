/*
 * monitor/audit.h: the audit log. Written by the monitor only, so a worker
 * can neither forge nor suppress a record.
 *
 * One JSON object per line (JSON Lines), to a file and/or syslog (which
 * journald collects). Every record starts with
 *
 *     {"time":"2026-11-23T18:01:02.123456Z","event":"auth","conn":7, ...
 *
 * (conn is omitted for daemon events such as "start" and "reload"), then
 * the event's own fields. Usage:
 *
 *     struct audit_record r;
 *     audit_begin(&r, a, "auth", conn_id);
 *     audit_str(&r, "user", "alice");
 *     audit_str(&r, "method", "publickey");
 *     audit_bool(&r, "success", 1);
 *     audit_end(&r);
 *
 * The file is opened with O_APPEND (created 0640 if missing) and reopened
 * by audit_reopen() (SIGHUP, `rampartctl reload`) so logrotate can move it.
 * A failed write is loud: an error in the daemon log, and audit_healthy()
 * turns 0 until a later write succeeds; the monitor then refuses new
 * connections or carries on, as the policy's audit-failure setting says.
 * Nothing secret is ever passed in: callers log fingerprints, not keys, and
 * never passwords or keyboard-interactive answers.
 */
#ifndef RAMPART_MONITOR_AUDIT_H
#define RAMPART_MONITOR_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "common/json.h"

#define AUDIT_MAX_RECORD 16384

struct audit {
	char *path;   /* NULL: no file */
	int fd;       /* -1 when closed */
	int syslog;   /* also to syslog(3), LOG_AUTHPRIV | LOG_INFO */
	int healthy;  /* 0 after a failed write, until one succeeds */
	int torn;     /* a short write left the file ending mid-line */
	uint64_t records;
	uint64_t failures;
};

struct audit_record {
	struct audit *a;
	CBB cbb;
	struct rp_json j;
	int truncated; /* a field did not fit: it and all later ones dropped */
	uint8_t buf[AUDIT_MAX_RECORD];
};

/* path may be NULL (no file). Returns 0 with err set when the file cannot
 * be opened. A previous state in *a is not touched on failure. */
int audit_open(struct audit *a, const char *path, int use_syslog, char *err, size_t errsz);
/* Reopen the file at the same path (after logrotate moved it). Returns 0
 * with err set on failure, keeping the old descriptor. */
int audit_reopen(struct audit *a, char *err, size_t errsz);
void audit_close(struct audit *a);
int audit_healthy(const struct audit *a);

/* conn_id 0: a daemon event without "conn". Every audit_begin must be
 * followed by audit_end, which releases the record. A line (newline
 * included) is at most AUDIT_MAX_RECORD bytes: a field that does not fit
 * is dropped with every field after it, and the record ends with
 * "truncated":true. */
void audit_begin(struct audit_record *r, struct audit *a, const char *event, uint64_t conn_id);
void audit_str(struct audit_record *r, const char *key, const char *value);
/* Peer-provided bytes (version strings, user names): escaped safely. */
void audit_bytes(struct audit_record *r, const char *key, const void *value, size_t len);
void audit_int(struct audit_record *r, const char *key, int64_t value);
void audit_uint(struct audit_record *r, const char *key, uint64_t value);
void audit_bool(struct audit_record *r, const char *key, int value);
/* Write the record as one line. Returns 1 when every destination took it. */
int audit_end(struct audit_record *r);

#endif

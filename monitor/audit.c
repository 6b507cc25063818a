/*
 * monitor/audit.c: the audit log of monitor/audit.h.
 *
 * A record is built in its own fixed buffer and leaves in one write(2) of
 * the whole line, so with O_APPEND a record is never interleaved with
 * another one. Each field is first written into the unused room of that
 * buffer through a scratch writer and kept only when it fits with room to
 * spare for the closing `,"truncated":true}` and newline; so an oversize
 * record still ends as valid JSON. The file must be a regular file reached
 * without a symbolic link.
 *
 * Failures are loud but not noisy: the first failed or short write of a
 * streak logs an error and turns the log unhealthy, the first write that
 * works again logs that it recovered. A short write leaves the file ending
 * mid-line; the next record then starts with a newline, so only the cut
 * line is lost, not the one after it as well.
 */
#include "monitor/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/log.h"

#define TRUNCATED_FIELD ",\"truncated\":true"
/* r->buf[0] is kept for the newline that ends a torn line. */
#define LINE_ROOM (AUDIT_MAX_RECORD - 1)
/* What the fields may use: the rest is for TRUNCATED_FIELD, "}" and "\n". */
#define FIELD_ROOM (LINE_ROOM - (sizeof(TRUNCATED_FIELD) - 1) - 2)

static void set_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* Open path for appending; refuse a symbolic link and anything that is not
 * a regular file (O_NONBLOCK: a FIFO put there must not hang the monitor). */
static int
open_log(const char *path, int *fdp, char *err, size_t errsz)
{
	struct stat st;
	int fd, flags, saved;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
	    O_NONBLOCK, 0640);
	if (fd == -1) {
		saved = errno;
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			set_err(err, errsz, "audit log %s is a symbolic link; not following it",
			    path);
		else if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
			set_err(err, errsz, "audit log %s is not a regular file", path);
		else
			set_err(err, errsz, "cannot open audit log %s: %s", path,
			    strerror(saved));
		return 0;
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		set_err(err, errsz, "cannot open audit log %s: %s", path, strerror(saved));
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		set_err(err, errsz, "audit log %s is not a regular file", path);
		return 0;
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1) {
		saved = errno;
		close(fd);
		set_err(err, errsz, "cannot open audit log %s: %s", path, strerror(saved));
		return 0;
	}
	*fdp = fd;
	return 1;
}

int
audit_open(struct audit *a, const char *path, int use_syslog, char *err, size_t errsz)
{
	char *copy = NULL;
	int fd = -1;

	if (path != NULL) {
		if ((copy = strdup(path)) == NULL) {
			set_err(err, errsz, "out of memory");
			return 0;
		}
		if (!open_log(path, &fd, err, errsz)) {
			free(copy);
			return 0;
		}
	}
	memset(a, 0, sizeof(*a));
	a->path = copy;
	a->fd = fd;
	a->syslog = use_syslog != 0;
	a->healthy = 1;
	if (a->syslog)
		openlog("rampartd", LOG_PID, LOG_AUTHPRIV);
	return 1;
}

/* 1 when both descriptors are the same file. */
static int
same_file(int fd1, int fd2)
{
	struct stat s1, s2;

	return fstat(fd1, &s1) == 0 && fstat(fd2, &s2) == 0 && s1.st_dev == s2.st_dev &&
	    s1.st_ino == s2.st_ino;
}

int
audit_reopen(struct audit *a, char *err, size_t errsz)
{
	int fd;

	if (a->path == NULL)
		return 1;
	if (!open_log(a->path, &fd, err, errsz))
		return 0;
	if (a->fd >= 0) {
		/* A torn line belongs to the file it is in. */
		if (!same_file(a->fd, fd))
			a->torn = 0;
		close(a->fd);
	} else {
		a->torn = 0;
	}
	a->fd = fd;
	return 1;
}

void
audit_close(struct audit *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	free(a->path);
	a->path = NULL;
	if (a->syslog)
		closelog();
	a->syslog = 0;
}

int
audit_healthy(const struct audit *a)
{
	return a->healthy;
}

/* ------------------------------------------------------------------------
 * Building a record
 */

/*
 * Start a field: a scratch writer (*tmp, a copy of the record's) that
 * writes into the free room of the record's buffer, up to FIELD_ROOM.
 * Returns 0 when the record takes no more fields.
 */
static int
field_begin(struct audit_record *r, CBB *scratch, struct rp_json *tmp, const char *key)
{
	uint8_t *room;
	size_t used;

	if (r->j.error || r->truncated)
		return 0;
	used = CBB_len(&r->cbb);
	if (used >= FIELD_ROOM || !CBB_reserve(&r->cbb, &room, FIELD_ROOM - used) ||
	    !CBB_init_fixed(scratch, room, FIELD_ROOM - used)) {
		r->truncated = 1;
		return 0;
	}
	*tmp = r->j;
	tmp->out = scratch;
	rp_json_key(tmp, key);
	return 1;
}

/* Keep the field when the scratch writer managed all of it; otherwise the
 * record ends before it. */
static void
field_end(struct audit_record *r, CBB *scratch, struct rp_json *tmp)
{
	size_t n = CBB_len(scratch);
	int fits = !tmp->error;

	CBB_cleanup(scratch);
	if (fits && CBB_did_write(&r->cbb, n)) {
		tmp->out = &r->cbb;
		r->j = *tmp;
	} else {
		r->truncated = 1;
	}
}

void
audit_begin(struct audit_record *r, struct audit *a, const char *event, uint64_t conn_id)
{
	char ts[32];

	r->a = a;
	r->truncated = 0;
	CBB_zero(&r->cbb);
	rp_json_init(&r->j, &r->cbb);
	if (!CBB_init_fixed(&r->cbb, r->buf + 1, LINE_ROOM)) {
		r->j.error = 1;
		return;
	}
	rp_json_object_begin(&r->j);
	rp_json_timestamp(ts, sizeof(ts));
	audit_str(r, "time", ts);
	audit_str(r, "event", event);
	if (conn_id != 0)
		audit_uint(r, "conn", conn_id);
}

void
audit_str(struct audit_record *r, const char *key, const char *value)
{
	struct rp_json tmp;
	CBB scratch;

	if (!field_begin(r, &scratch, &tmp, key))
		return;
	rp_json_string(&tmp, value);
	field_end(r, &scratch, &tmp);
}

void
audit_bytes(struct audit_record *r, const char *key, const void *value, size_t len)
{
	struct rp_json tmp;
	CBB scratch;

	if (!field_begin(r, &scratch, &tmp, key))
		return;
	rp_json_string_bytes(&tmp, value, len);
	field_end(r, &scratch, &tmp);
}

void
audit_int(struct audit_record *r, const char *key, int64_t value)
{
	struct rp_json tmp;
	CBB scratch;

	if (!field_begin(r, &scratch, &tmp, key))
		return;
	rp_json_int(&tmp, value);
	field_end(r, &scratch, &tmp);
}

void
audit_uint(struct audit_record *r, const char *key, uint64_t value)
{
	struct rp_json tmp;
	CBB scratch;

	if (!field_begin(r, &scratch, &tmp, key))
		return;
	rp_json_uint(&tmp, value);
	field_end(r, &scratch, &tmp);
}

void
audit_bool(struct audit_record *r, const char *key, int value)
{
	struct rp_json tmp;
	CBB scratch;

	if (!field_begin(r, &scratch, &tmp, key))
		return;
	rp_json_bool(&tmp, value);
	field_end(r, &scratch, &tmp);
}

/* ------------------------------------------------------------------------
 * Writing a record
 */

/* The line is r->buf[1..1+len), newline included. One write(2) for all of
 * it; a write cut short or failed is not retried (a second write could no
 * longer be atomic), it is counted and reported. */
static int
write_file(struct audit *a, struct audit_record *r, size_t len)
{
	const uint8_t *line = r->buf + 1;
	ssize_t n;
	int saved;

	if (a->torn) {
		r->buf[0] = '\n';
		line = r->buf;
		len++;
	}
	do {
		n = write(a->fd, line, len);
	} while (n == -1 && errno == EINTR);
	saved = errno;
	if (n >= 0 && (size_t)n == len) {
		a->torn = 0;
		if (!a->healthy) {
			a->healthy = 1;
			rp_warn("audit: writing to %s works again (%" PRIu64 " records lost "
			    "since start)", a->path != NULL ? a->path : "the audit log", a->failures);
		}
		return 1;
	}
	if (n > 0)
		a->torn = 1;
	a->failures++;
	if (a->healthy) {
		a->healthy = 0;
		if (n >= 0)
			rp_error("audit: short write to %s (%zd of %zu bytes); audit records "
			    "are being lost", a->path != NULL ? a->path : "the audit log", n, len);
		else
			rp_error("audit: cannot write to %s: %s; audit records are being lost",
			    a->path != NULL ? a->path : "the audit log", strerror(saved));
	}
	return 0;
}

int
audit_end(struct audit_record *r)
{
	struct audit *a = r->a;
	uint8_t *data;
	size_t len;
	int ok = 1;

	if (r->truncated) {
		rp_json_key(&r->j, "truncated");
		rp_json_bool(&r->j, 1);
	}
	rp_json_object_end(&r->j);
	if (!rp_json_ok(&r->j) || !CBB_add_u8(&r->cbb, '\n') ||
	    !CBB_finish(&r->cbb, &data, &len)) {
		/* Only a failed allocation in CBB_init_fixed gets here. */
		CBB_cleanup(&r->cbb);
		a->failures++;
		rp_error("audit: cannot build a record; it is lost");
		return 0;
	}
	a->records++;
	if (a->fd >= 0 && !write_file(a, r, len))
		ok = 0;
	if (a->syslog)
		syslog(LOG_AUTHPRIV | LOG_INFO, "%.*s", (int)(len - 1), (const char *)data);
	return ok;
}

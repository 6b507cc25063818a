/*
 * monitor/recording.c: creating a pty session's recording file.
 *
 * One asciicast v2 file per session in the policy's recording-dir, named
 * so it matches the audit log (UTC start time, connection id, session
 * number, user): 20261123T101500Z-conn42-s1-alice.cast. The monitor
 * creates it (never following a link, never reusing a name), writes the
 * header, and hands the worker a descriptor open only for appending.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/asciicast.h"
#include "common/fdio.h"
#include "common/log.h"
#include "monitor/monitor.h"

/* A user name as it may appear in a file name. */
static void
file_safe(const char *in, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *in != '\0' && n + 1 < outsz; in++) {
		char ch = *in;

		out[n++] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' ? ch : '_';
	}
	out[n] = '\0';
}

int
recording_open(struct monitor *m, const struct conn *c, uint32_t session,
    const struct rp_ipc_session_start *rq, const char *command, char *path, size_t pathsz,
    char *why, size_t whysz)
{
	const char *dir = c->pref->policy->recording_dir;
	char stamp[32], user[RP_IPC_MAX_NAME], title[512];
	struct session_account acct;
	time_t now = time(NULL);
	struct tm tm;
	uint8_t *hdr = NULL;
	size_t hdr_len = 0;
	int fd;
	CBB cbb;

	path[0] = '\0';
	if (dir == NULL) {
		snprintf(why, whysz, "the session must be recorded but no recording-dir is set");
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	file_safe(c->user, user, sizeof(user));
	if (snprintf(path, pathsz, "%s/%s-conn%llu-s%u-%s.cast", dir, stamp,
	    (unsigned long long)c->id, session, user) >= (int)pathsz) {
		path[0] = '\0';
		snprintf(why, whysz, "recording path too long");
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(why, whysz, "cannot create recording %s: %s", path, strerror(errno));
		path[0] = '\0';
		return -1;
	}
	snprintf(title, sizeof(title), "%s@%s conn %llu session %u%s%s", c->user, c->peer_addr,
	    (unsigned long long)c->id, session, command != NULL ? ": " : "",
	    command != NULL ? command : "");
	if (!session_account(m, c->user, &acct))
		acct.shell[0] = '\0';
	if (!CBB_init(&cbb, 512) ||
	    !rp_asciicast_header(&cbb, rq->cols, rq->rows, (int64_t)now,
	    rq->term[0] ? rq->term : NULL, acct.shell[0] ? acct.shell : NULL, title) ||
	    !CBB_finish(&cbb, &hdr, &hdr_len) || !rp_write_all(fd, hdr, hdr_len)) {
		CBB_cleanup(&cbb);
		OPENSSL_free(hdr);
		snprintf(why, whysz, "cannot write recording %s: %s", path, strerror(errno));
		close(fd);
		(void)unlink(path);
		path[0] = '\0';
		return -1;
	}
	OPENSSL_free(hdr);
	return fd;
}

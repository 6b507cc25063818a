/*
 * worker/record.c: a pty session's recording, as asciicast v2 events
 * appended to the file the monitor created (and wrote the header of).
 *
 * The worker holds only an append-only descriptor: it cannot open, read
 * back or rename recordings. Events are encoded into one buffer sized once
 * for the largest read (common/asciicast.h) and written whole; a write
 * that fails stops the recording and is logged (the monitor's audit record
 * names the file).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/asciicast.h"
#include "common/log.h"
#include "worker/server.h"

struct recording {
	int fd;
	int with_input;
	int failed;
	struct rp_asciicast enc;
	size_t bufsz;
	uint8_t buf[];
};

struct recording *
recording_start(int fd, int with_input)
{
	/* record_data() encodes at most CHANNEL_MAXPACKET bytes at a time. */
	size_t bufsz = RP_ASCIICAST_EVENT_MAX(CHANNEL_MAXPACKET);
	struct recording *r = malloc(sizeof(*r) + bufsz);

	if (r == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->with_input = with_input;
	r->bufsz = bufsz;
	rp_asciicast_init(&r->enc, worker_now_ms());
	return r;
}

/* Write the encoded line; on failure stop recording. */
static void
flush(struct recording *r, CBB *cbb)
{
	uint8_t *p;
	size_t len;

	if (!CBB_finish(cbb, &p, &len)) {
		r->failed = 1;
		return;
	}
	while (len > 0) {
		ssize_t n = write(r->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rp_error("session recording stopped: write: %s",
			    n < 0 ? strerror(errno) : "nothing written");
			r->failed = 1;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

/* Encode at most one maximal read at a time, so the buffer always fits. */
static void
record_data(struct recording *r, const uint8_t *data, size_t len, int input)
{
	while (!r->failed && len > 0) {
		size_t n = len > CHANNEL_MAXPACKET ? CHANNEL_MAXPACKET : len;
		CBB cbb;
		int ok;

		if (!CBB_init_fixed(&cbb, r->buf, r->bufsz)) {
			r->failed = 1;
			return;
		}
		ok = input ? rp_asciicast_input(&r->enc, worker_now_ms(), data, n, &cbb) :
		    rp_asciicast_output(&r->enc, worker_now_ms(), data, n, &cbb);
		if (!ok) {
			CBB_cleanup(&cbb);
			r->failed = 1;
			return;
		}
		flush(r, &cbb);
		data += n;
		len -= n;
	}
}

void
recording_output(struct recording *r, const uint8_t *data, size_t len)
{
	record_data(r, data, len, 0);
}

void
recording_input(struct recording *r, const uint8_t *data, size_t len)
{
	if (r->with_input)
		record_data(r, data, len, 1);
}

void
recording_resize(struct recording *r, uint32_t cols, uint32_t rows)
{
	CBB cbb;

	if (r->failed || !CBB_init_fixed(&cbb, r->buf, r->bufsz))
		return;
	if (!rp_asciicast_resize(&r->enc, worker_now_ms(), cols, rows, &cbb)) {
		CBB_cleanup(&cbb);
		return;
	}
	flush(r, &cbb);
}

void
recording_end(struct recording *r)
{
	CBB cbb;

	if (!r->failed && CBB_init_fixed(&cbb, r->buf, r->bufsz)) {
		if (rp_asciicast_finish(&r->enc, worker_now_ms(), &cbb))
			flush(r, &cbb);
		else
			CBB_cleanup(&cbb);
	}
	close(r->fd);
	free(r);
}

/*
 * tools/ctl_client.c: rampartctl's end of the control socket. Connects to
 * rampartd's Unix socket, sends one framed request, reads one framed
 * response (common/control.h) and prints it.
 *
 * One deadline covers the whole exchange: connect(2) waits on a full
 * backlog no longer than SO_SNDTIMEO allows, and every send and receive
 * after it is a non-blocking call behind poll(2) with the time left.
 */
#include "tools/ctl_client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FRAME_HEADER 4

static int fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "rampartctl: ...\n" on stderr; returns status. */
static int
fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("rampartctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when fd is ready for events, 0 when the deadline passed, -1 on error. */
static int
wait_for(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int64_t left = deadline - now_ms();
		int n;

		if (left <= 0)
			return 0;
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n;
		/* Ready, hung up or in error: the next call says which. */
		return 1;
	}
}

/* Connected, non-blocking socket in *fdp, or an exit status. */
static int
connect_socket(const char *path, unsigned timeout, int *fdp)
{
	struct sockaddr_un sun;
	struct timeval tv = { .tv_sec = (time_t)timeout };
	int fd, flags, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return fail(2, "socket path %s is too long", path);
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return fail(RP_CTL_EXIT_UNREACHABLE, "cannot make a socket: %s", strerror(errno));
	/* connect(2) on a Unix socket waits for room in a full backlog for as
	 * long as the send timeout says. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		close(fd);
		if (saved == EAGAIN)
			return fail(RP_CTL_EXIT_UNREACHABLE, "rampartd did not accept the "
			    "connection within %u s (connect %s: %s)", timeout, path,
			    strerror(saved));
		if (saved == EACCES || saved == EPERM)
			return fail(RP_CTL_EXIT_UNREACHABLE, "permission denied; the control "
			    "socket is for root (connect %s: %s)", path, strerror(saved));
		return fail(RP_CTL_EXIT_UNREACHABLE, "is rampartd running? (connect %s: %s)",
		    path, strerror(saved));
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		saved = errno;
		close(fd);
		return fail(RP_CTL_EXIT_UNREACHABLE, "cannot use the socket: %s",
		    strerror(saved));
	}
	*fdp = fd;
	return 0;
}

/* 1 sent, 0 deadline passed, -1 error (errno). */
static int
send_all(int fd, const uint8_t *p, size_t len, int64_t deadline)
{
	while (len > 0) {
		ssize_t n;
		int w = wait_for(fd, POLLOUT, deadline);

		if (w <= 0)
			return w;
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

/* 1 read, 0 deadline passed, -1 error (errno), -2 the peer closed first. */
static int
recv_all(int fd, uint8_t *p, size_t len, int64_t deadline)
{
	while (len > 0) {
		ssize_t n;
		int w = wait_for(fd, POLLIN, deadline);

		if (w <= 0)
			return w;
		n = recv(fd, p, len, 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return -2;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

/* The answer's text, with control characters other than newline and tab
 * made harmless for a terminal, ending with a newline. */
static int
print_text(FILE *out, CBS text)
{
	const uint8_t *p = CBS_data(&text);
	size_t len = CBS_len(&text);

	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			c = '?';
		putc(c, out);
	}
	if (len > 0 && p[len - 1] != '\n')
		putc('\n', out);
	return fflush(out) == 0 && !ferror(out);
}

/* The framed request, in *out (OPENSSL_free it). */
static int
encode(const struct rp_control_request *req, uint8_t **out, size_t *outlen)
{
	CBB payload, frame;
	uint8_t *p = NULL;
	size_t plen;
	int ok;

	CBB_zero(&payload);
	CBB_zero(&frame);
	ok = CBB_init(&payload, 64) && rp_control_request_write(&payload, req) &&
	    CBB_finish(&payload, &p, &plen) && CBB_init(&frame, FRAME_HEADER + plen) &&
	    rp_control_frame(&frame, p, plen) && CBB_finish(&frame, out, outlen);
	CBB_cleanup(&payload);
	CBB_cleanup(&frame);
	OPENSSL_free(p);
	return ok;
}

/* The message for recv_all's result r (0, -1 or -2); exit status 3. */
static int
recv_failed(int r, const char *path, unsigned timeout)
{
	if (r == 0)
		return fail(RP_CTL_EXIT_UNREACHABLE, "no answer from rampartd within %u s (%s)",
		    timeout, path);
	if (r == -2)
		return fail(RP_CTL_EXIT_UNREACHABLE, "rampartd closed the connection without a "
		    "whole answer (%s)", path);
	return fail(RP_CTL_EXIT_UNREACHABLE, "lost the connection to rampartd (receive %s: %s)",
	    path, strerror(errno));
}

/* Read one response frame: 0 with the frame in *buf (free() it) and its
 * payload in *payload, or an exit status after saying what went wrong. */
static int
read_response(int fd, const char *path, unsigned timeout, int64_t deadline, uint8_t **buf,
    CBS *payload)
{
	uint8_t header[FRAME_HEADER], *frame;
	size_t frame_len;
	uint32_t n;
	CBS cbs;
	int r, saved;

	if ((r = recv_all(fd, header, sizeof(header), deadline)) != 1)
		return recv_failed(r, path, timeout);
	/* The length is checked before anything is allocated for it. */
	if (rp_control_unframe(header, sizeof(header), payload, &frame_len) == -1)
		return fail(RP_CTL_EXIT_UNREACHABLE, "rampartd's answer is over the size "
		    "limit (%s)", path);
	CBS_init(&cbs, header, sizeof(header));
	if (!CBS_get_u32(&cbs, &n) || (frame = malloc(FRAME_HEADER + (size_t)n)) == NULL)
		return fail(1, "out of memory");
	memcpy(frame, header, sizeof(header));
	if ((r = recv_all(fd, frame + FRAME_HEADER, n, deadline)) != 1) {
		saved = errno;
		free(frame);
		errno = saved;
		return recv_failed(r, path, timeout);
	}
	if (rp_control_unframe(frame, FRAME_HEADER + (size_t)n, payload, &frame_len) != 1) {
		free(frame);
		return fail(RP_CTL_EXIT_UNREACHABLE, "rampartd's answer is malformed (%s)", path);
	}
	*buf = frame;
	return 0;
}

int
rp_ctl_call(const char *path, const struct rp_control_request *req, unsigned timeout)
{
	uint8_t *request = NULL, *response = NULL, status;
	size_t request_len;
	CBS payload, text;
	int64_t deadline = now_ms() + (int64_t)timeout * 1000;
	int fd = -1, r, ret;

	if (!encode(req, &request, &request_len))
		return fail(2, "cannot encode the request (an argument too long?)");
	if ((ret = connect_socket(path, timeout, &fd)) != 0)
		goto out;
	r = send_all(fd, request, request_len, deadline);
	if (r != 1) {
		ret = r == 0 ?
		    fail(RP_CTL_EXIT_UNREACHABLE, "rampartd did not take the request within "
			"%u s (%s)", timeout, path) :
		    fail(RP_CTL_EXIT_UNREACHABLE, "lost the connection to rampartd (send %s: %s)",
			path, strerror(errno));
		goto out;
	}
	if ((ret = read_response(fd, path, timeout, deadline, &response, &payload)) != 0)
		goto out;
	if (!rp_control_response_read(&payload, &status, &text)) {
		ret = fail(RP_CTL_EXIT_UNREACHABLE, "rampartd's answer is malformed (%s)", path);
		goto out;
	}
	if (status == RP_CONTROL_OK) {
		ret = 0;
		if (!print_text(stdout, text))
			ret = fail(1, "cannot write the answer: %s", strerror(errno));
	} else {
		/* A JSON answer is the document a script reads, failed or not:
		 * stdout, with the exit status saying it failed. */
		ret = 1;
		print_text(req->json ? stdout : stderr, text);
	}
out:
	if (fd != -1)
		close(fd);
	OPENSSL_free(request);
	free(response);
	return ret;
}

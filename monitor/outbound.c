/*
 * monitor/outbound.c: non-blocking TCP connects over a list of addresses,
 * for direct-tcpip channels. See monitor/outbound.h for the event loop's
 * side.
 *
 * One attempt at a time, in the resolver's order (RFC 6724 as getaddrinfo
 * sorted them), rather than Happy Eyeballs' parallel attempts: the target is
 * usually one internal host, and a bastion should not open more connections
 * than it was asked for.
 */
#include "monitor/outbound.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ssh_msg.h"

enum oc_state {
	OC_CONNECTING, /* fd is connecting to addrs[cur] */
	OC_CONNECTED,  /* fd is connected to addrs[cur], not handed over yet */
	OC_FAILED,     /* nothing left to try; err, err_index say why */
	OC_REPORTED,   /* step returned DONE or FAILED */
};

struct outbound_connect {
	struct sockaddr_storage addrs[OUTBOUND_MAX_ADDRS];
	socklen_t lens[OUTBOUND_MAX_ADDRS];
	size_t n;
	size_t cur;          /* the address being tried */
	int fd;
	enum oc_state state;
	uint64_t end_ms;     /* the whole budget */
	uint64_t attempt_end_ms;
	int err;             /* errno of the last failed attempt */
	size_t err_index;
	int delivered;       /* with OC_REPORTED: it was DONE */
};

uint32_t
outbound_ssh_reason(int err)
{
	switch (err) {
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
	case ENOMEM:
		return SSH_OPEN_RESOURCE_SHORTAGE;
	default:
		return SSH_OPEN_CONNECT_FAILED;
	}
}

/* "192.0.2.1 port 22", "2001:db8::1 port 22". */
static void
format_addr(const struct sockaddr_storage *ss, char *buf, size_t bufsz)
{
	char text[INET6_ADDRSTRLEN];
	unsigned port;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		port = ntohs(sin->sin_port);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
		port = ntohs(sin6->sin6_port);
	}
	snprintf(buf, bufsz, "%s port %u", text, port);
}

/*
 * 0.0.0.0/8 ("this network", RFC 1122) and :: (also as ::ffff:0.x.x.x) are
 * never a destination, but Linux takes a connect() to 0.0.0.0 or :: as one
 * to the host itself: a policy that forbids 127.0.0.0/8 and ::1 would be
 * walked around by asking for 0.0.0.0. Such an address is never tried.
 */
static int
unspecified(const struct sockaddr_storage *ss)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t zero[16];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		return (ntohl(sin->sin_addr.s_addr) >> 24) == 0;
	} else {
		const uint8_t *a = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;

		return memcmp(a, zero, 16) == 0 ||
		    (memcmp(a, mapped, sizeof(mapped)) == 0 && a[12] == 0);
	}
}

static void
attempt_failed(struct outbound_connect *oc, int err)
{
	oc->err = err;
	oc->err_index = oc->cur;
	if (oc->fd >= 0) {
		close(oc->fd);
		oc->fd = -1;
	}
	oc->cur++;
}

/*
 * Start attempts from addrs[cur] on until one is in progress or connected,
 * or none is left (or no time). An attempt's deadline: the time left shared
 * fairly among the addresses left, but at least OUTBOUND_MIN_ATTEMPT_MS (a
 * TCP handshake over a slow path needs some), and never past the end.
 */
static void
try_next(struct outbound_connect *oc, uint64_t now)
{
	const int on = 1;

	while (oc->cur < oc->n) {
		const struct sockaddr_storage *ss = &oc->addrs[oc->cur];
		uint64_t left, per;

		if (now >= oc->end_ms) {
			if (oc->err == 0) {
				oc->err = ETIMEDOUT;
				oc->err_index = oc->cur;
			}
			break;
		}
		left = oc->end_ms - now;
		per = left / (oc->n - oc->cur);
		if (per < OUTBOUND_MIN_ATTEMPT_MS)
			per = left < OUTBOUND_MIN_ATTEMPT_MS ? left : OUTBOUND_MIN_ATTEMPT_MS;
		oc->attempt_end_ms = now + per;

		if (unspecified(ss)) {
			/* "Destination address required": it is not one. */
			attempt_failed(oc, EDESTADDRREQ);
			continue;
		}
		oc->fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_TCP);
		if (oc->fd < 0) {
			attempt_failed(oc, errno);
			continue;
		}
		/* Set before connect(), so they hold from the first segment.
		 * TCP_NODELAY: the channel carries interactive ssh, where
		 * Nagle's algorithm only adds latency. SO_KEEPALIVE: the
		 * kernel's probes (net.ipv4.tcp_keepalive_*) eventually notice
		 * a target that vanished without a word.
		 * Neither can fail on a fresh TCP socket; if one did, the
		 * connection would still work, so it is not an error. */
		(void)setsockopt(oc->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		(void)setsockopt(oc->fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
		if (connect(oc->fd, (const struct sockaddr *)ss, oc->lens[oc->cur]) == 0) {
			oc->state = OC_CONNECTED;
			return;
		}
		/* EINTR on a non-blocking connect: it goes on in the background. */
		if (errno == EINPROGRESS || errno == EINTR) {
			oc->state = OC_CONNECTING;
			return;
		}
		attempt_failed(oc, errno);
	}
	oc->state = OC_FAILED;
}

struct outbound_connect *
outbound_connect_start(const struct sockaddr_storage *addrs, const socklen_t *lens, size_t n,
    uint64_t now_ms, unsigned timeout_ms)
{
	struct outbound_connect *oc;

	if (addrs == NULL || lens == NULL || n == 0 || n > OUTBOUND_MAX_ADDRS)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!(addrs[i].ss_family == AF_INET &&
		    lens[i] == (socklen_t)sizeof(struct sockaddr_in)) &&
		    !(addrs[i].ss_family == AF_INET6 &&
		    lens[i] == (socklen_t)sizeof(struct sockaddr_in6)))
			return NULL;
	}
	if ((oc = calloc(1, sizeof(*oc))) == NULL)
		return NULL;
	memcpy(oc->addrs, addrs, n * sizeof(addrs[0]));
	memcpy(oc->lens, lens, n * sizeof(lens[0]));
	oc->n = n;
	oc->fd = -1;
	oc->end_ms = now_ms + timeout_ms;
	try_next(oc, now_ms);
	return oc;
}

int
outbound_connect_fd(const struct outbound_connect *oc)
{
	return oc->state == OC_CONNECTING || oc->state == OC_CONNECTED ? oc->fd : -1;
}

uint64_t
outbound_connect_deadline(const struct outbound_connect *oc)
{
	switch (oc->state) {
	case OC_CONNECTING:
		return oc->attempt_end_ms;
	case OC_CONNECTED:
	case OC_FAILED:
		return 0;
	default:
		return UINT64_MAX;
	}
}

/*
 * Has the attempt in progress finished? 1 connected, 0 not yet, -1 failed
 * (oc->err set by the caller from *err). A zero-timeout poll, so step may
 * be called at any time: it does not trust the caller's reason for calling.
 */
static int
check_attempt(struct outbound_connect *oc, int *err)
{
	struct pollfd p = { .fd = oc->fd, .events = POLLOUT };
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer), elen = sizeof(*err);

	*err = 0;
	if (poll(&p, 1, 0) <= 0 || p.revents == 0)
		return 0;
	if (getsockopt(oc->fd, SOL_SOCKET, SO_ERROR, err, &elen) != 0)
		*err = errno;
	if (*err != 0)
		return -1;
	/* Writable without a pending error normally means connected; ask
	 * the kernel rather than guess. */
	if (getpeername(oc->fd, (struct sockaddr *)&peer, &len) != 0) {
		*err = errno == ENOTCONN ? ECONNREFUSED : errno;
		return -1;
	}
	return 1;
}

int
outbound_connect_step(struct outbound_connect *oc, uint64_t now_ms, int *fd, char *why,
    size_t whysz)
{
	char addr[INET6_ADDRSTRLEN + 16];

	*fd = -1;
	if (whysz > 0)
		why[0] = '\0';
	/* Each round either returns or moves past an address. */
	for (size_t rounds = 0; rounds <= oc->n + 1; rounds++) {
		int err, r;

		switch (oc->state) {
		case OC_CONNECTED:
			*fd = oc->fd;
			oc->fd = -1;
			oc->state = OC_REPORTED;
			oc->delivered = 1;
			format_addr(&oc->addrs[oc->cur], addr, sizeof(addr));
			snprintf(why, whysz, "%s", addr);
			return OUTBOUND_DONE;
		case OC_FAILED:
			oc->state = OC_REPORTED;
			/* fall through */
		case OC_REPORTED:
			if (oc->delivered) {
				snprintf(why, whysz, "already connected");
				return OUTBOUND_FAILED;
			}
			format_addr(&oc->addrs[oc->err_index < oc->n ? oc->err_index : 0], addr,
			    sizeof(addr));
			snprintf(why, whysz, "%s (address %zu of %zu): %s", addr, oc->err_index + 1,
			    oc->n, strerror(oc->err));
			return OUTBOUND_FAILED;
		case OC_CONNECTING:
			r = check_attempt(oc, &err);
			if (r > 0) {
				oc->state = OC_CONNECTED;
				break;
			}
			if (r == 0 && now_ms < oc->attempt_end_ms)
				return OUTBOUND_PENDING;
			attempt_failed(oc, r < 0 ? err : ETIMEDOUT);
			try_next(oc, now_ms);
			if (oc->state == OC_CONNECTING)
				return OUTBOUND_PENDING;
			break;
		}
	}
	/* Not reached: try_next always leaves a state handled above. */
	snprintf(why, whysz, "internal error");
	return OUTBOUND_FAILED;
}

int
outbound_connect_errno(const struct outbound_connect *oc)
{
	return oc->err;
}

size_t
outbound_connect_index(const struct outbound_connect *oc)
{
	return oc->state == OC_FAILED || (oc->state == OC_REPORTED && !oc->delivered) ?
	    oc->err_index : oc->cur;
}

void
outbound_connect_free(struct outbound_connect *oc)
{
	if (oc == NULL)
		return;
	if (oc->fd >= 0)
		close(oc->fd);
	free(oc);
}

/*
 * tests/unit/test_outbound.c: name lookups (monitor/resolver.c) and
 * non-blocking connects (monitor/outbound.c) for direct-tcpip.
 *
 * Loopback only: 127.0.0.1, ::1 (skipped where the host has no IPv6
 * loopback), "localhost", and one name under .invalid (RFC 6761: never
 * resolves). Every wait is a poll() with a short timeout in a loop bounded
 * in rounds and in time.
 */
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/ssh_msg.h"
#include "monitor/outbound.h"
#include "monitor/resolver.h"

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct sockaddr_storage
sockaddr_of(const char *text, uint16_t port, socklen_t *len)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		ck_assert(inet_pton(AF_INET6, text, &s6->sin6_addr) == 1);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		ck_assert(inet_pton(AF_INET, text, &s4->sin_addr) == 1);
		*len = sizeof(*s4);
	}
	return ss;
}

static uint16_t
port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static int
is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	return ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* A listening TCP socket on text (port chosen by the kernel); its address
 * in *ss. -1 when the family is not available here (no IPv6). */
static int
listener(const char *text, int backlog, struct sockaddr_storage *ss, socklen_t *len)
{
	int fd;

	*ss = sockaddr_of(text, 0, len);
	if ((fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)ss, *len) != 0 || listen(fd, backlog) != 0) {
		close(fd);
		return -1;
	}
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)ss, len), 0);
	return fd;
}

/* A loopback address with nothing listening: a port the kernel gave us,
 * closed again. */
static struct sockaddr_storage
closed_port(socklen_t *len)
{
	struct sockaddr_storage ss;
	int fd = listener("127.0.0.1", 1, &ss, len);

	ck_assert_int_ge(fd, 0);
	close(fd);
	return ss;
}

/*
 * A listener whose accept queue is full, so the kernel drops the next SYN
 * and a connect to it stays in progress (Linux: the queue holds backlog+1;
 * tcp_conn_request drops SYNs while it is full). fillers[] get the
 * connections that fill it, up to the first that stays in progress.
 */
#define MAX_FILLERS 4
static int
full_listener(struct sockaddr_storage *ss, socklen_t *len, int *fillers)
{
	int lfd = listener("127.0.0.1", 0, ss, len);

	ck_assert_int_ge(lfd, 0);
	for (int i = 0; i < MAX_FILLERS; i++)
		fillers[i] = -1;
	for (int i = 0; i < MAX_FILLERS; i++) {
		struct pollfd p;
		int r;

		fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(fillers[i], 0);
		r = connect(fillers[i], (struct sockaddr *)ss, *len);
		ck_assert(r == 0 || errno == EINPROGRESS);
		p.fd = fillers[i];
		p.events = POLLOUT;
		p.revents = 0;
		if (r != 0 && poll(&p, 1, 200) == 0)
			return lfd; /* this one hangs: the queue is full */
	}
	ck_abort_msg("the listener's accept queue never filled up");
	return -1;
}

static void
close_fillers(int *fillers)
{
	for (int i = 0; i < MAX_FILLERS; i++)
		if (fillers[i] >= 0)
			close(fillers[i]);
}

/* Poll and step until the attempt is over; at most max_ms of real time. */
static int
run_connect(struct outbound_connect *oc, int *fd, char *why, size_t whysz, unsigned max_ms)
{
	uint64_t start = now_ms();

	for (int rounds = 0; rounds < 1000 && now_ms() - start <= max_ms; rounds++) {
		struct pollfd p = { .fd = outbound_connect_fd(oc), .events = POLLOUT };
		uint64_t deadline = outbound_connect_deadline(oc), now = now_ms();
		int timeout = 100, r;

		if (deadline <= now)
			timeout = 0;
		else if (deadline - now < 100)
			timeout = (int)(deadline - now);
		if (p.fd >= 0)
			(void)poll(&p, 1, timeout);
		r = outbound_connect_step(oc, now_ms(), fd, why, whysz);
		if (r != OUTBOUND_PENDING)
			return r;
	}
	ck_abort_msg("the connect attempt did not finish in %u ms", max_ms);
	return OUTBOUND_FAILED;
}

/* Wait for results until want have come, at most max_ms; returns them. */
static struct resolve_result *
wait_results(struct resolver *r, size_t want, unsigned max_ms)
{
	struct resolve_result *all = NULL, **tail = &all;
	uint64_t start = now_ms();
	size_t got = 0;

	for (int rounds = 0; rounds < 10000 && got < want && now_ms() - start <= max_ms;
	    rounds++) {
		struct pollfd p = { .fd = resolver_fd(r), .events = POLLIN };
		struct resolve_result *list;

		(void)poll(&p, 1, 100);
		for (list = resolver_take(r); list != NULL; list = list->next) {
			*tail = list;
			tail = &list->next;
			got++;
		}
	}
	ck_assert_msg(got >= want, "%zu of %zu lookups done after %u ms", got, want, max_ms);
	return all;
}

/* --- the resolver ---------------------------------------------------------- */

START_TEST(test_numeric_addresses_resolve_without_a_thread)
{
	struct resolver r;
	struct resolve_result *res;
	const struct sockaddr_in *s4;
	const struct sockaddr_in6 *s6;

	/* No threads at all: literals are answered on the calling thread. */
	ck_assert(resolver_start(&r, 0));
	ck_assert_int_eq(resolver_submit(&r, "127.0.0.1", 9, 22, 7, 1), RESOLVER_QUEUED);
	ck_assert_int_eq(resolver_submit(&r, "::1", 3, 2222, 7, 2), RESOLVER_QUEUED);
	res = wait_results(&r, 2, 1000);

	ck_assert_int_eq(res->error, 0);
	ck_assert(res->cookie1 == 7 && res->cookie2 == 1);
	ck_assert_str_eq(res->host, "127.0.0.1");
	ck_assert_uint_eq(res->naddrs, 1);
	ck_assert_int_eq(res->addrs[0].ss_family, AF_INET);
	ck_assert_int_eq(res->lens[0], sizeof(struct sockaddr_in));
	s4 = (const struct sockaddr_in *)&res->addrs[0];
	ck_assert_uint_eq(ntohs(s4->sin_port), 22);
	ck_assert_uint_eq(ntohl(s4->sin_addr.s_addr), 0x7f000001);

	ck_assert_ptr_nonnull(res->next);
	ck_assert_int_eq(res->next->error, 0);
	ck_assert(res->next->cookie1 == 7 && res->next->cookie2 == 2);
	ck_assert_uint_eq(res->next->naddrs, 1);
	ck_assert_int_eq(res->next->addrs[0].ss_family, AF_INET6);
	s6 = (const struct sockaddr_in6 *)&res->next->addrs[0];
	ck_assert_uint_eq(ntohs(s6->sin6_port), 2222);
	ck_assert(IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr));
	ck_assert_ptr_null(res->next->next);
	resolve_result_free(res);
	ck_assert_ptr_null(resolver_take(&r));
	resolver_stop(&r);
	ck_assert_int_eq(resolver_fd(&r), -1);
}
END_TEST

START_TEST(test_localhost_resolves_in_a_thread)
{
	struct resolver r;
	struct resolve_result *res;

	ck_assert(resolver_start(&r, 2));
	ck_assert_int_eq(resolver_submit(&r, "localhost", 9, 8022, 42, 9), RESOLVER_QUEUED);
	res = wait_results(&r, 1, 10000);
	ck_assert_msg(res->error == 0, "localhost: %s", res->why);
	ck_assert(res->cookie1 == 42 && res->cookie2 == 9);
	ck_assert_uint_ge(res->naddrs, 1);
	ck_assert_uint_le(res->naddrs, RESOLVER_MAX_ADDRS);
	for (size_t i = 0; i < res->naddrs; i++) {
		ck_assert(is_loopback(&res->addrs[i]));
		ck_assert_uint_eq(port_of(&res->addrs[i]), 8022);
		for (size_t j = 0; j < i; j++)
			ck_assert(res->lens[i] != res->lens[j] ||
			    memcmp(&res->addrs[i], &res->addrs[j], res->lens[i]) != 0);
	}
	resolve_result_free(res);
	resolver_stop(&r);
}
END_TEST

START_TEST(test_an_invalid_name_comes_back_with_an_error)
{
	struct resolver r;
	struct resolve_result *res;

	ck_assert(resolver_start(&r, 1));
	ck_assert_int_eq(resolver_submit(&r, "no-such-host.invalid", 20, 22, 1, 1),
	    RESOLVER_QUEUED);
	/* Without network the system resolver may take its full timeout;
	 * the test's own bound stays under CK_DEFAULT_TIMEOUT=60. */
	res = wait_results(&r, 1, 45000);
	ck_assert_int_ne(res->error, 0);
	ck_assert_uint_eq(res->naddrs, 0);
	ck_assert(res->why[0] != '\0');
	resolve_result_free(res);
	resolver_stop(&r);
}
END_TEST

START_TEST(test_bad_hosts_and_ports_are_refused)
{
	struct resolver r;
	char name[RESOLVER_MAX_HOST + 2];

	ck_assert(resolver_start(&r, 0));
	memset(name, 'a', sizeof(name));
	/* 256 bytes: longer than any DNS name. 255 is accepted (it is only
	 * queued: this resolver has no threads). */
	ck_assert_int_eq(resolver_submit(&r, name, RESOLVER_MAX_HOST + 1, 22, 1, 1),
	    RESOLVER_BAD_HOST);
	ck_assert_int_eq(resolver_submit(&r, name, RESOLVER_MAX_HOST, 22, 1, 2), RESOLVER_QUEUED);
	ck_assert_int_eq(resolver_submit(&r, "", 0, 22, 1, 3), RESOLVER_BAD_HOST);
	ck_assert_int_eq(resolver_submit(&r, "db01\0.evil", 10, 22, 1, 4), RESOLVER_BAD_HOST);
	ck_assert_int_eq(resolver_submit(&r, "db01 x", 6, 22, 1, 5), RESOLVER_BAD_HOST);
	ck_assert_int_eq(resolver_submit(&r, "db01\n", 5, 22, 1, 6), RESOLVER_BAD_HOST);
	ck_assert_int_eq(resolver_submit(&r, "d\xc3\xa9", 3, 22, 1, 7), RESOLVER_BAD_HOST);
	ck_assert_int_eq(resolver_submit(&r, "127.0.0.1", 9, 0, 1, 8), RESOLVER_BAD_HOST);
	ck_assert_int_eq(resolver_submit(&r, NULL, 0, 22, 1, 9), RESOLVER_BAD_HOST);
	resolver_stop(&r);
	/* A stopped (or never started) resolver takes nothing. */
	ck_assert_int_eq(resolver_submit(&r, "localhost", 9, 22, 1, 10), RESOLVER_FULL);
	ck_assert_ptr_null(resolver_take(&r));
}
END_TEST

START_TEST(test_the_pending_queue_is_bounded)
{
	struct resolver r;
	struct resolve_result *res;

	/* Without threads names stay queued, as behind a dead DNS server. */
	ck_assert(resolver_start(&r, 0));
	for (unsigned i = 0; i < RESOLVER_MAX_PENDING - 1; i++)
		ck_assert_int_eq(resolver_submit(&r, "db01.example", 12, 22, 1, i),
		    RESOLVER_QUEUED);
	ck_assert_int_eq(resolver_submit(&r, "127.0.0.1", 9, 22, 2, 0), RESOLVER_QUEUED);
	ck_assert_int_eq(resolver_submit(&r, "db01.example", 12, 22, 3, 0), RESOLVER_FULL);
	ck_assert_int_eq(resolver_submit(&r, "127.0.0.1", 9, 22, 3, 1), RESOLVER_FULL);
	/* A result taken frees its place. */
	res = wait_results(&r, 1, 1000);
	ck_assert(res->cookie1 == 2 && res->next == NULL);
	resolve_result_free(res);
	ck_assert_int_eq(resolver_submit(&r, "::1", 3, 22, 4, 0), RESOLVER_QUEUED);
	ck_assert_int_eq(resolver_submit(&r, "::1", 3, 22, 4, 1), RESOLVER_FULL);
	/* Stopping frees the queued and the untaken (ASan checks). */
	resolver_stop(&r);
}
END_TEST

START_TEST(test_stop_does_not_wait_for_lookups)
{
	struct resolver r;
	uint64_t start;

	ck_assert(resolver_start(&r, 2));
	ck_assert_int_eq(resolver_submit(&r, "no-such-host.invalid", 20, 22, 1, 1),
	    RESOLVER_QUEUED);
	ck_assert_int_eq(resolver_submit(&r, "localhost", 9, 22, 1, 2), RESOLVER_QUEUED);
	ck_assert_int_eq(resolver_submit(&r, "localhost", 9, 22, 1, 3), RESOLVER_QUEUED);
	ck_assert_int_eq(resolver_submit(&r, "::1", 3, 22, 1, 4), RESOLVER_QUEUED);
	start = now_ms();
	resolver_stop(&r);
	/* The wait for a thread inside getaddrinfo is bounded. */
	ck_assert_uint_lt(now_ms() - start, RESOLVER_STOP_WAIT_MS + 1000);
	ck_assert_int_eq(resolver_fd(&r), -1);
	ck_assert_ptr_null(resolver_take(&r));
	resolver_stop(&r); /* twice is fine */
}
END_TEST

static struct addrinfo
ai_of(struct sockaddr_storage *ss, socklen_t len, int socktype, struct addrinfo *next)
{
	struct addrinfo ai;

	memset(&ai, 0, sizeof(ai));
	ai.ai_family = ss->ss_family;
	ai.ai_socktype = socktype;
	ai.ai_protocol = IPPROTO_TCP;
	ai.ai_addrlen = len;
	ai.ai_addr = (struct sockaddr *)ss;
	ai.ai_next = next;
	return ai;
}

START_TEST(test_collect_keeps_order_and_drops_duplicates)
{
	struct sockaddr_storage in[6], out[RESOLVER_MAX_ADDRS], many[RESOLVER_MAX_ADDRS + 2];
	struct addrinfo ai[RESOLVER_MAX_ADDRS + 2];
	socklen_t len[6], lens[RESOLVER_MAX_ADDRS], mlen;
	int truncated;
	size_t n;

	in[0] = sockaddr_of("::1", 22, &len[0]);
	in[1] = sockaddr_of("127.0.0.1", 22, &len[1]);
	in[2] = sockaddr_of("::1", 22, &len[2]);        /* duplicate */
	in[3] = sockaddr_of("127.0.0.1", 22, &len[3]);  /* duplicate, and a datagram entry */
	in[4] = sockaddr_of("127.0.0.2", 22, &len[4]);
	in[5] = sockaddr_of("127.0.0.1", 22, &len[5]);  /* duplicate */
	ai[5] = ai_of(&in[5], len[5], SOCK_STREAM, NULL);
	ai[4] = ai_of(&in[4], len[4], SOCK_STREAM, &ai[5]);
	ai[3] = ai_of(&in[3], len[3], SOCK_DGRAM, &ai[4]);
	ai[2] = ai_of(&in[2], len[2], SOCK_STREAM, &ai[3]);
	ai[1] = ai_of(&in[1], len[1], SOCK_STREAM, &ai[2]);
	ai[0] = ai_of(&in[0], len[0], SOCK_STREAM, &ai[1]);
	n = resolver_collect(&ai[0], out, lens, RESOLVER_MAX_ADDRS, &truncated);
	ck_assert_uint_eq(n, 3);
	ck_assert(!truncated);
	ck_assert_int_eq(out[0].ss_family, AF_INET6);
	ck_assert_int_eq(lens[0], sizeof(struct sockaddr_in6));
	ck_assert_int_eq(out[1].ss_family, AF_INET);
	ck_assert_int_eq(memcmp(&out[2], &in[4], sizeof(struct sockaddr_in)), 0);

	/* An address with a wrong length is not copied (so the later ::1
	 * is no longer a duplicate). */
	ai[0].ai_addrlen = sizeof(struct sockaddr_in);
	n = resolver_collect(&ai[0], out, lens, RESOLVER_MAX_ADDRS, &truncated);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(out[0].ss_family, AF_INET);
	ck_assert_int_eq(out[1].ss_family, AF_INET6);

	/* More than fit: the first ones are kept. */
	for (size_t i = 0; i < RESOLVER_MAX_ADDRS + 2; i++) {
		char text[32];

		snprintf(text, sizeof(text), "10.0.0.%zu", i + 1);
		many[i] = sockaddr_of(text, 22, &mlen);
		ai[i] = ai_of(&many[i], mlen, SOCK_STREAM, NULL);
		if (i > 0)
			ai[i - 1].ai_next = &ai[i];
	}
	n = resolver_collect(&ai[0], out, lens, RESOLVER_MAX_ADDRS, &truncated);
	ck_assert_uint_eq(n, RESOLVER_MAX_ADDRS);
	ck_assert(truncated);
	ck_assert_int_eq(memcmp(&out[RESOLVER_MAX_ADDRS - 1], &many[RESOLVER_MAX_ADDRS - 1],
	    sizeof(struct sockaddr_in)), 0);
}
END_TEST

/* --- connecting ------------------------------------------------------------ */

static void
check_connected(int fd, const struct sockaddr_storage *want, socklen_t wantlen)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	int v = 0;
	socklen_t vlen = sizeof(v);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
	ck_assert_int_eq(len, wantlen);
	ck_assert_int_eq(memcmp(&peer, want, len), 0);
	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &vlen), 0);
	ck_assert_int_ne(v, 0);
	v = 0;
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, &vlen), 0);
	ck_assert_int_ne(v, 0);
	ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

START_TEST(test_connect_to_a_listener)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int lfd = listener("127.0.0.1", 8, &ss, &len), fd, afd;
	struct outbound_connect *oc;
	char why[256];

	ck_assert_int_ge(lfd, 0);
	oc = outbound_connect_start(&ss, &len, 1, now_ms(), 5000);
	ck_assert_ptr_nonnull(oc);
	ck_assert_int_eq(run_connect(oc, &fd, why, sizeof(why), 5000), OUTBOUND_DONE);
	check_connected(fd, &ss, len);
	ck_assert_msg(strstr(why, "127.0.0.1 port ") != NULL, "why: %s", why);
	ck_assert_uint_eq(outbound_connect_index(oc), 0);
	/* Handed over: nothing left to poll or wait for. */
	ck_assert_int_eq(outbound_connect_fd(oc), -1);
	ck_assert(outbound_connect_deadline(oc) == UINT64_MAX);
	outbound_connect_free(oc);
	/* The socket is still ours and still connected. */
	ck_assert_int_ge((afd = accept(lfd, NULL, NULL)), 0);
	ck_assert_int_eq(write(fd, "hi", 2), 2);
	ck_assert_int_eq(read(afd, why, sizeof(why)), 2);
	close(afd);
	close(fd);
	close(lfd);
}
END_TEST

START_TEST(test_connect_over_ipv6_loopback)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int lfd = listener("::1", 8, &ss, &len), fd;
	struct outbound_connect *oc;
	char why[256];

	if (lfd < 0)
		return; /* no IPv6 loopback on this host */
	oc = outbound_connect_start(&ss, &len, 1, now_ms(), 5000);
	ck_assert_ptr_nonnull(oc);
	ck_assert_int_eq(run_connect(oc, &fd, why, sizeof(why), 5000), OUTBOUND_DONE);
	check_connected(fd, &ss, len);
	ck_assert_msg(strstr(why, "::1 port ") != NULL, "why: %s", why);
	outbound_connect_free(oc);
	close(fd);
	close(lfd);
}
END_TEST

START_TEST(test_a_closed_port_is_refused)
{
	socklen_t len;
	struct sockaddr_storage ss = closed_port(&len);
	struct outbound_connect *oc = outbound_connect_start(&ss, &len, 1, now_ms(), 5000);
	char why[256];
	int fd = 99;

	ck_assert_ptr_nonnull(oc);
	ck_assert_int_eq(run_connect(oc, &fd, why, sizeof(why), 5000), OUTBOUND_FAILED);
	ck_assert_int_eq(fd, -1);
	ck_assert_msg(strstr(why, "Connection refused") != NULL, "why: %s", why);
	ck_assert_msg(strstr(why, "127.0.0.1 port ") != NULL, "why: %s", why);
	ck_assert_int_eq(outbound_connect_errno(oc), ECONNREFUSED);
	ck_assert_uint_eq(outbound_ssh_reason(outbound_connect_errno(oc)),
	    SSH_OPEN_CONNECT_FAILED);
	ck_assert_uint_eq(outbound_ssh_reason(ECONNREFUSED), 2);
	ck_assert_int_eq(outbound_connect_fd(oc), -1);
	ck_assert(outbound_connect_deadline(oc) == UINT64_MAX);
	/* Asking again gives the same answer. */
	ck_assert_int_eq(outbound_connect_step(oc, now_ms(), &fd, why, sizeof(why)),
	    OUTBOUND_FAILED);
	ck_assert_msg(strstr(why, "Connection refused") != NULL, "why: %s", why);
	outbound_connect_free(oc);
}
END_TEST

START_TEST(test_a_refused_address_moves_on_to_the_next)
{
	struct sockaddr_storage ss[2];
	socklen_t len[2];
	int lfd, fd;
	struct outbound_connect *oc;
	char why[256];

	ss[0] = closed_port(&len[0]);
	lfd = listener("127.0.0.1", 8, &ss[1], &len[1]);
	ck_assert_int_ge(lfd, 0);
	oc = outbound_connect_start(ss, len, 2, now_ms(), 5000);
	ck_assert_ptr_nonnull(oc);
	ck_assert_int_eq(run_connect(oc, &fd, why, sizeof(why), 5000), OUTBOUND_DONE);
	check_connected(fd, &ss[1], len[1]);
	ck_assert_uint_eq(outbound_connect_index(oc), 1);
	outbound_connect_free(oc);
	close(fd);
	close(lfd);
}
END_TEST

START_TEST(test_an_attempt_past_its_deadline_times_out)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fillers[MAX_FILLERS], lfd = full_listener(&ss, &len, fillers), fd = 99;
	uint64_t t0 = 1000000;
	struct outbound_connect *oc;
	char why[256];

	/* A fake clock: the module only knows the time it is given. */
	oc = outbound_connect_start(&ss, &len, 1, t0, 3000);
	ck_assert_ptr_nonnull(oc);
	ck_assert_int_ge(outbound_connect_fd(oc), 0);
	ck_assert(outbound_connect_deadline(oc) == t0 + 3000);
	ck_assert_int_eq(outbound_connect_step(oc, t0 + 10, &fd, why, sizeof(why)),
	    OUTBOUND_PENDING);
	ck_assert_int_eq(outbound_connect_step(oc, t0 + 2999, &fd, why, sizeof(why)),
	    OUTBOUND_PENDING);
	ck_assert_int_eq(outbound_connect_step(oc, t0 + 3000, &fd, why, sizeof(why)),
	    OUTBOUND_FAILED);
	ck_assert_int_eq(fd, -1);
	ck_assert_msg(strstr(why, "timed out") != NULL, "why: %s", why);
	ck_assert_int_eq(outbound_connect_errno(oc), ETIMEDOUT);
	ck_assert_uint_eq(outbound_ssh_reason(ETIMEDOUT), SSH_OPEN_CONNECT_FAILED);
	ck_assert_int_eq(outbound_connect_fd(oc), -1);
	outbound_connect_free(oc);
	close_fillers(fillers);
	close(lfd);
}
END_TEST

START_TEST(test_the_budget_is_shared_among_the_addresses)
{
	struct sockaddr_storage ss[3];
	socklen_t len[3];
	int fillers[MAX_FILLERS], lfd = full_listener(&ss[0], &len[0], fillers), good, fd, fd0;
	uint64_t t0 = 5000000;
	struct outbound_connect *oc;
	char why[256];

	ss[1] = ss[2] = ss[0];
	len[1] = len[2] = len[0];
	/* 9 s over 3 addresses: 3 s each. */
	oc = outbound_connect_start(ss, len, 3, t0, 9000);
	ck_assert(outbound_connect_deadline(oc) == t0 + 3000);
	outbound_connect_free(oc);
	/* 1.5 s over 2: not less than 1 s for the first. */
	oc = outbound_connect_start(ss, len, 2, t0, 1500);
	ck_assert(outbound_connect_deadline(oc) == t0 + 1000);
	outbound_connect_free(oc);
	/* 0.6 s: all of it. */
	oc = outbound_connect_start(ss, len, 2, t0, 600);
	ck_assert(outbound_connect_deadline(oc) == t0 + 600);
	outbound_connect_free(oc);

	/* A dead first address uses half of 10 s; the second gets the rest
	 * and connects. */
	good = listener("127.0.0.1", 8, &ss[1], &len[1]);
	ck_assert_int_ge(good, 0);
	oc = outbound_connect_start(ss, len, 2, t0, 10000);
	ck_assert(outbound_connect_deadline(oc) == t0 + 5000);
	fd0 = outbound_connect_fd(oc);
	ck_assert_int_eq(outbound_connect_step(oc, t0 + 5000, &fd, why, sizeof(why)),
	    OUTBOUND_PENDING);
	ck_assert_uint_eq(outbound_connect_index(oc), 1);
	ck_assert(outbound_connect_deadline(oc) == t0 + 10000);
	ck_assert_int_ge(outbound_connect_fd(oc), 0);
	(void)fd0; /* the number may be reused; only the address counts */
	{
		struct pollfd p = { .fd = outbound_connect_fd(oc), .events = POLLOUT };
		int r = OUTBOUND_PENDING;

		for (int i = 0; i < 50 && r == OUTBOUND_PENDING; i++) {
			(void)poll(&p, 1, 100);
			r = outbound_connect_step(oc, t0 + 5001, &fd, why, sizeof(why));
		}
		ck_assert_int_eq(r, OUTBOUND_DONE);
	}
	check_connected(fd, &ss[1], len[1]);
	close(fd);
	outbound_connect_free(oc);

	/* Out of time after the first: the rest are not tried. */
	oc = outbound_connect_start(ss, len, 2, t0, 10000);
	ck_assert_int_eq(outbound_connect_step(oc, t0 + 10000, &fd, why, sizeof(why)),
	    OUTBOUND_FAILED);
	ck_assert_int_eq(outbound_connect_errno(oc), ETIMEDOUT);
	ck_assert_msg(strstr(why, "address 1 of 2") != NULL, "why: %s", why);
	outbound_connect_free(oc);
	close(good);
	close_fillers(fillers);
	close(lfd);
}
END_TEST

START_TEST(test_addresses_that_fail_at_once_and_bad_arguments)
{
	struct sockaddr_storage ss[OUTBOUND_MAX_ADDRS + 1];
	socklen_t len[OUTBOUND_MAX_ADDRS + 1];
	struct outbound_connect *oc;
	char why[256];
	int fd = 99;

	/* TCP to the broadcast address fails in connect() itself
	 * (ENETUNREACH): no packet leaves the host. */
	ss[0] = sockaddr_of("255.255.255.255", 22, &len[0]);
	ss[1] = ss[0];
	len[1] = len[0];
	oc = outbound_connect_start(ss, len, 2, 1000, 5000);
	ck_assert_ptr_nonnull(oc);
	ck_assert_int_eq(outbound_connect_fd(oc), -1);
	ck_assert(outbound_connect_deadline(oc) == 0); /* call step now */
	ck_assert_int_eq(outbound_connect_step(oc, 1000, &fd, why, sizeof(why)), OUTBOUND_FAILED);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(outbound_connect_errno(oc), ENETUNREACH);
	ck_assert_uint_eq(outbound_connect_index(oc), 1);
	ck_assert_msg(strstr(why, "address 2 of 2") != NULL, "why: %s", why);
	outbound_connect_free(oc);

	/* No time at all. */
	oc = outbound_connect_start(ss, len, 1, 1000, 0);
	ck_assert_int_eq(outbound_connect_step(oc, 1000, &fd, why, sizeof(why)), OUTBOUND_FAILED);
	ck_assert_int_eq(outbound_connect_errno(oc), ETIMEDOUT);
	outbound_connect_free(oc);

	for (size_t i = 0; i < OUTBOUND_MAX_ADDRS + 1; i++)
		ss[i] = sockaddr_of("127.0.0.1", 22, &len[i]);
	ck_assert_ptr_null(outbound_connect_start(ss, len, 0, 1000, 5000));
	ck_assert_ptr_null(outbound_connect_start(ss, len, OUTBOUND_MAX_ADDRS + 1, 1000, 5000));
	len[0] = sizeof(struct sockaddr_in6);
	ck_assert_ptr_null(outbound_connect_start(ss, len, 1, 1000, 5000));
	ss[0].ss_family = AF_UNIX;
	ck_assert_ptr_null(outbound_connect_start(ss, len, 1, 1000, 5000));
	outbound_connect_free(NULL);

	ck_assert_uint_eq(outbound_ssh_reason(EMFILE), SSH_OPEN_RESOURCE_SHORTAGE);
	ck_assert_uint_eq(outbound_ssh_reason(EHOSTUNREACH), SSH_OPEN_CONNECT_FAILED);
}
END_TEST

START_TEST(test_unspecified_addresses_are_never_tried)
{
	struct sockaddr_storage ss[3], l;
	socklen_t len[3], llen;
	int lfd = listener("127.0.0.1", 8, &l, &llen), fd = 99;
	uint16_t port = port_of(&l);
	struct outbound_connect *oc;
	char why[256];

	ck_assert_int_ge(lfd, 0);
	/* Linux would take each of these to 127.0.0.1 (or ::1), where a
	 * listener waits: a way around a policy that forbids loopback. */
	ss[0] = sockaddr_of("0.0.0.0", port, &len[0]);
	ss[1] = sockaddr_of("::", port, &len[1]);
	ss[2] = sockaddr_of("::ffff:0.0.0.0", port, &len[2]);
	oc = outbound_connect_start(ss, len, 3, 1000, 5000);
	ck_assert_ptr_nonnull(oc);
	ck_assert_int_eq(outbound_connect_fd(oc), -1);
	ck_assert_int_eq(outbound_connect_step(oc, 1000, &fd, why, sizeof(why)), OUTBOUND_FAILED);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(outbound_connect_errno(oc), EDESTADDRREQ);
	ck_assert_uint_eq(outbound_ssh_reason(EDESTADDRREQ), SSH_OPEN_CONNECT_FAILED);
	outbound_connect_free(oc);
	ss[0] = sockaddr_of("0.1.2.3", port, &len[0]);
	oc = outbound_connect_start(ss, len, 1, 1000, 5000);
	ck_assert_int_eq(outbound_connect_step(oc, 1000, &fd, why, sizeof(why)), OUTBOUND_FAILED);
	ck_assert_int_eq(outbound_connect_errno(oc), EDESTADDRREQ);
	outbound_connect_free(oc);
	close(lfd);
}
END_TEST

/* Free an attempt still in progress: its socket is closed. */
START_TEST(test_free_closes_an_unfinished_socket)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fillers[MAX_FILLERS], lfd = full_listener(&ss, &len, fillers), fd;
	struct outbound_connect *oc = outbound_connect_start(&ss, &len, 1, 1000, 5000);

	ck_assert_ptr_nonnull(oc);
	fd = outbound_connect_fd(oc);
	ck_assert_int_ge(fd, 0);
	outbound_connect_free(oc);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
	close_fillers(fillers);
	close(lfd);
}
END_TEST

RP_TEST_SUITE(outbound)
{
	Suite *s = suite_create("outbound");
	TCase *tr = tcase_create("resolver");
	TCase *tc = tcase_create("connect");

	tcase_add_test(tr, test_numeric_addresses_resolve_without_a_thread);
	tcase_add_test(tr, test_localhost_resolves_in_a_thread);
	tcase_add_test(tr, test_an_invalid_name_comes_back_with_an_error);
	tcase_add_test(tr, test_bad_hosts_and_ports_are_refused);
	tcase_add_test(tr, test_the_pending_queue_is_bounded);
	tcase_add_test(tr, test_stop_does_not_wait_for_lookups);
	tcase_add_test(tr, test_collect_keeps_order_and_drops_duplicates);
	suite_add_tcase(s, tr);
	tcase_add_test(tc, test_connect_to_a_listener);
	tcase_add_test(tc, test_connect_over_ipv6_loopback);
	tcase_add_test(tc, test_a_closed_port_is_refused);
	tcase_add_test(tc, test_a_refused_address_moves_on_to_the_next);
	tcase_add_test(tc, test_an_attempt_past_its_deadline_times_out);
	tcase_add_test(tc, test_the_budget_is_shared_among_the_addresses);
	tcase_add_test(tc, test_addresses_that_fail_at_once_and_bad_arguments);
	tcase_add_test(tc, test_unspecified_addresses_are_never_tried);
	tcase_add_test(tc, test_free_closes_an_unfinished_socket);
	suite_add_tcase(s, tc);
	return s;
}

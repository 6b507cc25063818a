/*
 * monitor/listener.c: listening sockets and accepting connections.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "monitor/monitor.h"

/* Connections taken per listener per loop round, so a flood on one cannot
 * starve the workers' requests. */
#define ACCEPT_BATCH 16
/* How long to stop accepting when out of descriptors or memory. */
#define ACCEPT_PAUSE_MS 1000

static void
numeric(const struct sockaddr *sa, socklen_t len, char *host, size_t hostsz, uint16_t *port)
{
	char serv[16];

	if (getnameinfo(sa, len, host, hostsz, serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(host, hostsz, "?");
		*port = 0;
		return;
	}
	*port = (uint16_t)atoi(serv);
}

/* Open one listening socket; -1 (logged) on failure. When bound is not
 * NULL it gets the address actually bound (port 0 made concrete). */
static int
open_listener(const struct rp_policy_listen *l, struct rp_policy_listen *bound_out)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	char host[INET6_ADDRSTRLEN];
	uint16_t port;
	int one = 1, fd;

	fd = socket(l->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rp_error("%s:%u: listen %s: socket: %s", l->pos.file, l->pos.line, l->text,
		    strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* IPv6 sockets take IPv6 only, so [::]:22 and 0.0.0.0:22 can both
	 * be listed (docs/policy.md). */
	if (l->addr.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&l->addr, l->addrlen) != 0 || listen(fd, 128) != 0) {
		rp_error("%s:%u: cannot listen on %s: %s", l->pos.file, l->pos.line, l->text,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&bound, &blen) == 0) {
		numeric((struct sockaddr *)&bound, blen, host, sizeof(host), &port);
		rp_info("listening on %s%s%s:%u", bound.ss_family == AF_INET6 ? "[" : "", host,
		    bound.ss_family == AF_INET6 ? "]" : "", port);
		if (bound_out != NULL) {
			*bound_out = *l;
			memcpy(&bound_out->addr, &bound, blen);
			bound_out->addrlen = blen;
		}
	}
	return fd;
}

int
listeners_open(struct monitor *m)
{
	const struct rp_policy *p = m->policy;

	if (p->nlistens > MAX_LISTENERS) {
		rp_error("more than %d listen addresses", MAX_LISTENERS);
		return 0;
	}
	for (size_t i = 0; i < p->nlistens; i++) {
		int fd = open_listener(&p->listens[i], &m->listen_bound[i]);

		if (fd < 0)
			return 0;
		m->listen_fds[m->nlisten] = fd;
		snprintf(m->listen_text[m->nlisten], sizeof(m->listen_text[0]), "%s",
		    p->listens[i].text);
		m->nlisten++;
	}
	m->nbound = p->nlistens;
	return 1;
}

int
listeners_resume(struct monitor *m)
{
	for (size_t i = 0; i < m->nbound; i++) {
		int fd = open_listener(&m->listen_bound[i], NULL);

		if (fd < 0)
			return 0;
		m->listen_fds[m->nlisten] = fd;
		snprintf(m->listen_text[m->nlisten], sizeof(m->listen_text[0]), "%s",
		    m->listen_bound[i].text);
		m->nlisten++;
	}
	return 1;
}

int
listeners_replace(struct monitor *m, const struct rp_policy *np, char *err, size_t errsz)
{
	int fds[MAX_LISTENERS], reused[MAX_LISTENERS] = { 0 };
	size_t n = np->nlistens;

	if (n > MAX_LISTENERS) {
		snprintf(err, errsz, "more than %d listen addresses", MAX_LISTENERS);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		fds[i] = -1;
		for (size_t j = 0; j < m->nlisten; j++) {
			if (!reused[j] && strcmp(m->listen_text[j], np->listens[i].text) == 0) {
				fds[i] = m->listen_fds[j];
				reused[j] = 1;
				break;
			}
		}
		if (fds[i] < 0 &&
		    (fds[i] = open_listener(&np->listens[i], &m->listen_bound[i])) < 0) {
			snprintf(err, errsz, "%s:%u: cannot listen on %s (see the log)",
			    np->listens[i].pos.file, np->listens[i].pos.line, np->listens[i].text);
			/* Undo: close what this attempt opened. */
			for (size_t k = 0; k < i; k++) {
				int ours = 1;

				for (size_t j = 0; j < m->nlisten; j++)
					if (m->listen_fds[j] == fds[k])
						ours = 0;
				if (ours)
					close(fds[k]);
			}
			return 0;
		}
	}
	for (size_t j = 0; j < m->nlisten; j++) {
		if (!reused[j]) {
			rp_info("no longer listening on %s", m->listen_text[j]);
			close(m->listen_fds[j]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t sslen = sizeof(ss);

		m->listen_fds[i] = fds[i];
		snprintf(m->listen_text[i], sizeof(m->listen_text[0]), "%s", np->listens[i].text);
		m->listen_bound[i] = np->listens[i];
		if (getsockname(fds[i], (struct sockaddr *)&ss, &sslen) == 0) {
			memcpy(&m->listen_bound[i].addr, &ss, sslen);
			m->listen_bound[i].addrlen = sslen;
		}
	}
	m->nlisten = n;
	m->nbound = n;
	return 1;
}

void
listeners_close(struct monitor *m)
{
	for (size_t i = 0; i < m->nlisten; i++)
		close(m->listen_fds[i]);
	m->nlisten = 0;
}

/* Out of descriptors or memory: leave new connections in the backlog for
 * a moment instead of polling a listener we cannot serve (which spins) or
 * accepting connections only to drop them. */
static int
out_of_resources(struct monitor *m, int err)
{
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
		return 0;
	rp_warn("out of resources (%s); not accepting for %d ms", strerror(err),
	    ACCEPT_PAUSE_MS);
	m->accept_paused_until_ms = monitor_now_ms() + ACCEPT_PAUSE_MS;
	return 1;
}

void
listener_accept(struct monitor *m, int lfd)
{
	for (int i = 0; i < ACCEPT_BATCH && m->nconns < m->max_conns; i++) {
		struct sockaddr_storage peer, local;
		socklen_t plen = sizeof(peer), llen = sizeof(local);
		struct conn *c;
		int one = 1, fd;

		fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
		if (fd < 0) {
			if (!out_of_resources(m, errno) && errno != EAGAIN &&
			    errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
				rp_warn("accept: %s", strerror(errno));
			return;
		}
		{
			char addr[INET6_ADDRSTRLEN], reason[32], rule[256];
			uint16_t port;

			numeric((struct sockaddr *)&peer, plen, addr, sizeof(addr), &port);
			if (!admission_check(m, (struct sockaddr *)&peer, reason, sizeof(reason), rule,
			    sizeof(rule))) {
				admission_refused(m, addr, port, reason, rule);
				close(fd);
				continue;
			}
		}
		/* Interactive traffic: no Nagle delays on small packets. Dead
		 * peers are found by TCP keep-alives. */
		if (m->tcp_nodelay)
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		if ((c = conn_new(m)) == NULL) {
			rp_error("out of memory accepting a connection");
			close(fd);
			return;
		}
		memcpy(&c->peer_sa, &peer, sizeof(peer));
		m->accepted_total++;
		numeric((struct sockaddr *)&peer, plen, c->peer_addr, sizeof(c->peer_addr),
		    &c->peer_port);
		if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0)
			numeric((struct sockaddr *)&local, llen, c->local_addr,
			    sizeof(c->local_addr), &c->local_port);
		c->deadline_ms = c->started_ms + (uint64_t)m->policy->login_grace_time_s * 1000;
		c->started_wall = (int64_t)time(NULL);
		rp_info("conn=%llu accepted from=%s port=%u to=%s port=%u",
		    (unsigned long long)c->id, c->peer_addr, c->peer_port, c->local_addr,
		    c->local_port);
		monitor_audit_accept(m, c, NULL);
		if (!spawn_worker(m, c, fd)) {
			int err = errno;
			uint64_t id = c->id;

			close(fd);
			conn_remove(m, c);
			if (out_of_resources(m, err))
				return;
			rp_error("conn=%llu cannot start a worker: %s", (unsigned long long)id,
			    strerror(err));
			continue;
		}
		close(fd);
	}
}

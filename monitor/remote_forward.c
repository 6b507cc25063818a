/*
 * monitor/remote_forward.c: tcpip-forward (RFC 4254 7.1, what ssh -R
 * asks for). The monitor decides (the key's no-port-forwarding and
 * permitlisten=, then the policy's remote-forward rules), binds the
 * listening sockets itself and hands them to the worker, which accepts on
 * them and offers each connection to the client as a forwarded-tcpip
 * channel. The worker reports closes (cancel-tcpip-forward) and accepted
 * connections back for the audit log.
 *
 * Bind addresses, as OpenSSH's client sends them: "localhost" (127.0.0.1
 * and ::1), "" or "*" (every interface, both families), "0.0.0.0" or "::"
 * (every interface of one family), or a numeric address. Host names are
 * refused: the policy places binds by address, and binding never waits on
 * DNS. Ports below 1024 are only for root, as with sshd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "monitor/monitor.h"

/* Addresses one bind covers: at most IPv4 and IPv6. */
#define BIND_MAX_ADDRS 2
/* Attempts to find a port free on both families for port 0. */
#define BIND_PORT_TRIES 8
#define LISTEN_BACKLOG 128

struct bind_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int v6only;   /* IPv6: only IPv6 (0: dual-stack wildcard) */
	int optional; /* may be missing (::1 on a host without IPv6) */
};

static void
deny(struct monitor *m, struct conn *c, uint32_t id, const struct rp_ipc_listen *rq,
    const char *why, const char *rule)
{
	rp_info("conn=%llu remote-forward %s:%u denied user=%s reason=\"%s\"",
	    (unsigned long long)c->id, rq->bind, rq->port, c->user, why);
	monitor_audit_listen(m, c, "remote-forward-denied", rq->bind, rq->port, "reason", why,
	    rule);
	ipc_reply_denied(m, c, id, why);
}

/* permitlisten= of the key or certificate. */
static int
grant_allows_listen(const struct grant_targets *g, const char *bind, unsigned port)
{
	if (g->n == 0)
		return !g->overflow;
	for (size_t i = 0; i < g->n; i++)
		if (fnmatch(g->t[i].host, bind, FNM_CASEFOLD) == 0 &&
		    (g->t[i].port < 0 || (unsigned)g->t[i].port == port))
			return 1;
	return 0;
}

static void
set_v4(struct bind_addr *b, uint32_t addr_host_order)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&b->ss;

	memset(b, 0, sizeof(*b));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(addr_host_order);
	b->len = sizeof(*sin);
}

static void
set_v6(struct bind_addr *b, const struct in6_addr *a, int v6only)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&b->ss;

	memset(b, 0, sizeof(*b));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = *a;
	b->len = sizeof(*sin6);
	b->v6only = v6only;
}

/* The addresses a client's bind names; 0 for a name that is not one of
 * the forms above. */
static size_t
bind_addresses(const char *bind, struct bind_addr *out)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (bind[0] == '\0' || strcmp(bind, "*") == 0) {
		/* One dual-stack socket; IPv4 alone where IPv6 is missing. */
		set_v6(&out[0], &in6addr_any, 0);
		out[0].optional = 1;
		set_v4(&out[1], INADDR_ANY);
		out[1].optional = 1;
		return 2;
	}
	if (strcmp(bind, "localhost") == 0) {
		set_v4(&out[0], INADDR_LOOPBACK);
		set_v6(&out[1], &in6addr_loopback, 1);
		out[1].optional = 1;
		return 2;
	}
	if (inet_pton(AF_INET, bind, &a4) == 1) {
		set_v4(&out[0], ntohl(a4.s_addr));
		return 1;
	}
	if (inet_pton(AF_INET6, bind, &a6) == 1) {
		set_v6(&out[0], &a6, 1);
		return 1;
	}
	return 0;
}

static void
set_port(struct bind_addr *b, uint16_t port)
{
	if (b->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&b->ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&b->ss)->sin6_port = htons(port);
}

/* A listening socket on b, or -1 with errno set. */
static int
listen_on(const struct bind_addr *b)
{
	int fd, one = 1;

	fd = socket(b->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (b->ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &b->v6only, sizeof(b->v6only)) != 0) ||
	    bind(fd, (const struct sockaddr *)&b->ss, b->len) != 0 ||
	    listen(fd, LISTEN_BACKLOG) != 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static uint16_t
bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A missing optional address: no such family, or no such address here. */
static int
skippable(const struct bind_addr *b, int err)
{
	return b->optional && (err == EAFNOSUPPORT || err == EADDRNOTAVAIL);
}

/* Bind every address on one port (port 0: the first bind picks it and the
 * rest follow). The dual-stack wildcard covers IPv4 too, so its IPv4
 * fallback is used only when it failed. Returns how many sockets are in
 * fds, 0 with errno set on failure. */
static size_t
open_listeners(struct bind_addr *addrs, size_t naddrs, uint16_t want, int *fds, uint16_t *port)
{
	int dual_stack = addrs[0].ss.ss_family == AF_INET6 && !addrs[0].v6only;
	int err = EADDRNOTAVAIL;

	for (int attempt = 0; attempt < BIND_PORT_TRIES; attempt++) {
		size_t n = 0;
		int failed = 0;

		*port = want;
		for (size_t i = 0; i < naddrs && !failed && !(dual_stack && n > 0); i++) {
			int fd;

			set_port(&addrs[i], *port);
			if ((fd = listen_on(&addrs[i])) < 0) {
				err = errno;
				failed = !skippable(&addrs[i], err);
				continue;
			}
			fds[n++] = fd;
			if (*port == 0)
				*port = bound_port(fd);
		}
		if (!failed && n > 0 && *port != 0)
			return n;
		for (size_t k = 0; k < n; k++)
			close(fds[k]);
		/* Port 0: the port picked on one family may be taken on the
		 * other; pick again. */
		if (!(failed && want == 0 && n > 0 && err == EADDRINUSE))
			break;
	}
	errno = err;
	return 0;
}

size_t
listen_loopback(uint16_t port, int fds[2])
{
	struct bind_addr addrs[BIND_MAX_ADDRS];
	size_t naddrs = bind_addresses("localhost", addrs);

	return open_listeners(addrs, naddrs, port, fds, &port);
}

static struct conn_listener *
listener_find(struct conn *c, const char *bind, uint32_t port)
{
	for (size_t i = 0; i < c->nlisteners; i++)
		if (c->listeners[i].port == port && strcmp(c->listeners[i].bind, bind) == 0)
			return &c->listeners[i];
	return NULL;
}

/* Is c's user allowed to listen on rq? 0 with why (and rule) set. */
static int
listen_allowed(struct monitor *m, struct conn *c, const struct rp_ipc_listen *rq, char *why,
    size_t whysz, char *rule, size_t rulesz)
{
	struct session_account acct;
	struct rp_principal pr;
	struct rp_request req;
	struct rp_decision d;
	int allowed;

	if (c->grant.deny & AUTH_DENY_PORT_FORWARDING) {
		snprintf(why, whysz, "the key or certificate does not permit port forwarding");
		return 0;
	}
	if (!grant_allows_listen(&c->grant.permitlisten, rq->bind, rq->port)) {
		snprintf(why, whysz, "not in the key's permitlisten list");
		return 0;
	}
	if (c->nlisteners >= CONN_MAX_LISTENERS) {
		snprintf(why, whysz, "too many remote forwardings on this connection (at most %d)",
		    CONN_MAX_LISTENERS);
		return 0;
	}
	if (!auth_resolve(c, &pr)) {
		snprintf(why, whysz, "user not in policy");
		return 0;
	}
	memset(&req, 0, sizeof(req));
	req.action = RP_ACTION_REMOTE_FORWARD;
	req.name = rq->bind;
	req.port = rq->port;
	allowed = conn_decide(c->pref->policy, &pr, c, &req, &d, rule, rulesz);
	rp_principal_clear(&pr);
	if (!allowed) {
		snprintf(why, whysz, d.rule != NULL ? "remote forwarding denied by policy" :
		    "no rule allows remote forwarding on %s:%u (deny by default)",
		    rq->bind[0] ? rq->bind : "*", rq->port);
		return 0;
	}
	if (rq->port >= 1 && rq->port < 1024 && m->privileged &&
	    (!session_account(m, c->user, &acct) || acct.uid != 0)) {
		snprintf(why, whysz, "port %u is privileged: only root may listen on it", rq->port);
		return 0;
	}
	return 1;
}

const char *
handle_listen_open(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_listen rq;
	struct rp_ipc_listen_opened opened;
	struct bind_addr addrs[BIND_MAX_ADDRS];
	struct conn_listener *l;
	char why[RP_IPC_MAX_HOST + 128], rule[512] = "";
	int fds[BIND_MAX_ADDRS];
	size_t naddrs, nfds;
	uint16_t port;
	CBB cbb;

	if (!rp_ipc_listen_open_read(payload, &rq))
		return "malformed";
	if (!listen_allowed(m, c, &rq, why, sizeof(why), rule, sizeof(rule))) {
		deny(m, c, id, &rq, why, rule[0] ? rule : NULL);
		return NULL;
	}
	if (rq.port != 0 && listener_find(c, rq.bind, rq.port) != NULL) {
		deny(m, c, id, &rq, "already forwarded", rule[0] ? rule : NULL);
		return NULL;
	}
	if ((naddrs = bind_addresses(rq.bind, addrs)) == 0) {
		deny(m, c, id, &rq,
		    "the bind address must be localhost, *, or a numeric address",
		    rule[0] ? rule : NULL);
		return NULL;
	}
	if ((nfds = open_listeners(addrs, naddrs, (uint16_t)rq.port, fds, &port)) == 0) {
		snprintf(why, sizeof(why), "cannot listen on %s:%u: %s",
		    rq.bind[0] ? rq.bind : "*", rq.port, strerror(errno));
		deny(m, c, id, &rq, why, rule[0] ? rule : NULL);
		return NULL;
	}
	opened.port = port;
	if (rp_ipc_listen_opened_build(&cbb, id, &opened) && ipc_reply(m, c, &cbb, fds, nfds)) {
		l = &c->listeners[c->nlisteners++];
		snprintf(l->bind, sizeof(l->bind), "%s", rq.bind);
		l->port = port;
		rp_info("conn=%llu remote-forward %s:%u listening user=%s sockets=%zu",
		    (unsigned long long)c->id, rq.bind[0] ? rq.bind : "*", port, c->user, nfds);
		monitor_audit_listen(m, c, "remote-forward", rq.bind, port, NULL, NULL, rule);
	}
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	return NULL;
}

const char *
handle_listen_close(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_listen rq;
	struct conn_listener *l;

	(void)id;
	if (!rp_ipc_listen_close_read(payload, &rq))
		return "malformed";
	if ((l = listener_find(c, rq.bind, rq.port)) == NULL)
		return "no such listener";
	*l = c->listeners[--c->nlisteners];
	monitor_audit_listen(m, c, "remote-forward-closed", rq.bind, rq.port, NULL, NULL, NULL);
	return NULL;
}

const char *
handle_listen_accepted(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_listen rq;
	char origin[RP_IPC_MAX_HOST + 8];

	(void)id;
	if (!rp_ipc_listen_accepted_read(payload, &rq))
		return "malformed";
	if (listener_find(c, rq.bind, rq.port) == NULL)
		return "no such listener";
	if (!ipc_report_allowed(c))
		return NULL;
	snprintf(origin, sizeof(origin), "%s:%u", rq.orig_addr, rq.orig_port);
	monitor_audit_listen(m, c, "remote-forward-connection", rq.bind, rq.port, "origin",
	    origin, NULL);
	return NULL;
}

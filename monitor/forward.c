/*
 * monitor/forward.c: direct-tcpip (ssh -L, -W, -J, -D): the monitor
 * resolves the target, asks the policy about the name and every address
 * it resolved to, connects, and hands the connected socket to the worker.
 *
 * Nothing here blocks the event loop: names are resolved by the resolver's
 * threads (monitor/resolver.c), connects are non-blocking
 * (monitor/outbound.c) and polled by the main loop; each request is
 * answered when it is done, within the policy's connect-timeout. A request
 * whose connection went away meanwhile is dropped.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <fcntl.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "common/ssh_msg.h"
#include "monitor/monitor.h"
#include "monitor/outbound.h"

/* Requests waiting for a name or a connect, per connection. */
#define FORWARD_MAX_PENDING_PER_CONN 16

static void
reply_failed(struct monitor *m, struct conn *c, uint32_t id, uint32_t reason, const char *text)
{
	struct rp_ipc_forward_failed f;
	CBB cbb;

	f.reason = reason;
	CBS_init(&f.text, (const uint8_t *)text, strlen(text));
	if (c->ipc_fd >= 0 && rp_ipc_forward_failed_build(&cbb, id, &f))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
}

static void
refuse(struct monitor *m, struct conn *c, struct forward_pending *fp, uint32_t reason,
    const char *why, const char *rule)
{
	rp_info("conn=%llu forward %s:%u denied user=%s reason=\"%s\"", (unsigned long long)c->id,
	    fp->host, fp->port, c->user, why);
	monitor_audit_forward(m, c, fp->host, fp->port, NULL, 0, why, rule);
	reply_failed(m, c, fp->ipc_id, reason, why);
}

static void
pending_free(struct monitor *m, struct forward_pending *fp)
{
	for (struct forward_pending **p = &m->forwards; *p != NULL; p = &(*p)->next) {
		if (*p == fp) {
			*p = fp->next;
			break;
		}
	}
	outbound_connect_free(fp->oc);
	free(fp);
}

static struct forward_pending *
pending_find(struct monitor *m, uint64_t conn_id, uint32_t ipc_id)
{
	for (struct forward_pending *fp = m->forwards; fp != NULL; fp = fp->next)
		if (fp->conn_id == conn_id && fp->ipc_id == ipc_id)
			return fp;
	return NULL;
}

static size_t
pending_count(const struct monitor *m, uint64_t conn_id)
{
	size_t n = 0;

	for (const struct forward_pending *fp = m->forwards; fp != NULL; fp = fp->next)
		n += fp->conn_id == conn_id;
	return n;
}

/* permitopen= of the key or certificate the user authenticated with. */
static int
grant_allows_open(const struct grant_targets *g, const char *host, unsigned port)
{
	if (g->n == 0)
		return !g->overflow;
	for (size_t i = 0; i < g->n; i++) {
		const char *h = g->t[i].host;

		if ((strcmp(h, "*") == 0 || strcasecmp(h, host) == 0) &&
		    (g->t[i].port < 0 || (unsigned)g->t[i].port == port))
			return 1;
	}
	return 0;
}

const char *
handle_forward_open(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_forward_open req;
	struct forward_pending *fp;
	int r;

	if (!rp_ipc_forward_open_read(payload, &req))
		return "malformed";
	if (pending_find(m, c->id, id) != NULL)
		return "forward request id already in use";
	if ((fp = calloc(1, sizeof(*fp))) == NULL) {
		reply_failed(m, c, id, SSH_OPEN_RESOURCE_SHORTAGE, "out of memory");
		return NULL;
	}
	fp->conn_id = c->id;
	fp->ipc_id = id;
	fp->port = (uint16_t)req.port;
	snprintf(fp->host, sizeof(fp->host), "%s", req.host);
	rp_log_escape((const uint8_t *)req.orig_addr, strlen(req.orig_addr), fp->orig,
	    sizeof(fp->orig));
	/* The key's or certificate's restrictions come first: they hold
	 * whatever the policy says, and need no name lookup. */
	if (c->grant.deny & AUTH_DENY_PORT_FORWARDING) {
		refuse(m, c, fp, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "the key or certificate does not permit port forwarding", NULL);
		free(fp);
		return NULL;
	}
	if (!grant_allows_open(&c->grant.permitopen, fp->host, fp->port)) {
		refuse(m, c, fp, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "not in the key's permitopen list", NULL);
		free(fp);
		return NULL;
	}
	if (pending_count(m, c->id) >= FORWARD_MAX_PENDING_PER_CONN) {
		refuse(m, c, fp, SSH_OPEN_RESOURCE_SHORTAGE, "too many forwarding requests at once",
		    NULL);
		free(fp);
		return NULL;
	}
	r = resolver_submit(&m->resolver, req.host, strlen(req.host), fp->port, c->id, id);
	if (r != RESOLVER_QUEUED) {
		refuse(m, c, fp, r == RESOLVER_BAD_HOST ? SSH_OPEN_CONNECT_FAILED :
		    SSH_OPEN_RESOURCE_SHORTAGE, r == RESOLVER_BAD_HOST ? "invalid host name" :
		    "too many name lookups at once", NULL);
		free(fp);
		return NULL;
	}
	fp->deadline_ms = monitor_now_ms() +
	    (uint64_t)c->pref->policy->connect_timeout_s * 1000;
	fp->next = m->forwards;
	m->forwards = fp;
	return NULL;
}

/* The name is resolved: decide on every address, then connect. */
static void
resolved(struct monitor *m, struct forward_pending *fp, const struct resolve_result *res)
{
	struct conn *c = conn_by_id(m, fp->conn_id);
	struct rp_addr addrs[RESOLVER_MAX_ADDRS];
	struct rp_principal pr;
	struct rp_request req;
	struct rp_decision d;
	char rule[512] = "", why[512];
	size_t n = 0;
	int allowed;

	if (c == NULL || c->ipc_fd < 0) {
		pending_free(m, fp);
		return;
	}
	if (res->error != 0 || res->naddrs == 0) {
		snprintf(why, sizeof(why), "cannot resolve %s: %s", fp->host,
		    res->why[0] ? res->why : "no address");
		refuse(m, c, fp, SSH_OPEN_CONNECT_FAILED, why, NULL);
		pending_free(m, fp);
		return;
	}
	for (size_t i = 0; i < res->naddrs; i++)
		if (rp_addr_from_sockaddr((const struct sockaddr *)&res->addrs[i], res->lens[i],
		    &addrs[n]))
			n++;
	if (n != res->naddrs || !auth_resolve(c, &pr)) {
		refuse(m, c, fp, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    n != res->naddrs ? "unusable address" : "user not in policy", NULL);
		pending_free(m, fp);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.action = RP_ACTION_FORWARD;
	req.name = fp->host;
	req.port = fp->port;
	req.addrs = addrs;
	req.naddrs = n;
	allowed = conn_decide(c->pref->policy, &pr, c, &req, &d, rule, sizeof(rule));
	rp_principal_clear(&pr);
	if (!allowed) {
		snprintf(why, sizeof(why), d.rule != NULL ? "forward denied by policy" :
		    "no rule allows forwarding to %s:%u (deny by default)", fp->host, fp->port);
		refuse(m, c, fp, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, why, rule[0] ? rule : NULL);
		pending_free(m, fp);
		return;
	}
	snprintf(fp->rule, sizeof(fp->rule), "%s", rule);
	fp->oc = outbound_connect_start(res->addrs, res->lens, res->naddrs, monitor_now_ms(),
	    fp->deadline_ms > monitor_now_ms() ? (unsigned)(fp->deadline_ms - monitor_now_ms()) :
	    1);
	if (fp->oc == NULL) {
		refuse(m, c, fp, SSH_OPEN_RESOURCE_SHORTAGE, "cannot start the connection", NULL);
		pending_free(m, fp);
	}
}

void
forward_resolver_ready(struct monitor *m)
{
	struct resolve_result *list = resolver_take(&m->resolver);

	for (struct resolve_result *res = list; res != NULL; res = res->next) {
		struct forward_pending *fp = pending_find(m, res->cookie1, res->cookie2);

		/* oc is set once a request is past its lookup. */
		if (fp != NULL && fp->oc == NULL)
			resolved(m, fp, res);
	}
	resolve_result_free(list);
}

/* Connected: hand the socket over. */
static void
connected(struct monitor *m, struct conn *c, struct forward_pending *fp, int fd)
{
	struct rp_ipc_forward_opened o;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct rp_addr a;
	int fds[2];
	CBB cbb;

	memset(&o, 0, sizeof(o));
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    rp_addr_from_sockaddr((struct sockaddr *)&ss, sl, &a))
		rp_addr_format(&a, o.addr, sizeof(o.addr));
	fds[0] = fd;
	fds[1] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (fds[1] < 0) {
		close(fd);
		refuse(m, c, fp, SSH_OPEN_RESOURCE_SHORTAGE, "out of descriptors", NULL);
		return;
	}
	rp_info("conn=%llu forward %s:%u connected user=%s to=%s from=%s",
	    (unsigned long long)c->id, fp->host, fp->port, c->user, o.addr,
	    fp->orig[0] ? fp->orig : "-");
	monitor_audit_forward(m, c, fp->host, fp->port, o.addr, 1, NULL,
	    fp->rule[0] ? fp->rule : NULL);
	if (rp_ipc_forward_opened_build(&cbb, fp->ipc_id, &o))
		(void)ipc_reply(m, c, &cbb, fds, 2);
	close(fds[0]);
	close(fds[1]);
}

void
forward_step(struct monitor *m, struct forward_pending *fp, uint64_t now)
{
	struct conn *c = conn_by_id(m, fp->conn_id);
	char why[512];
	int fd = -1, r;

	if (c == NULL || c->ipc_fd < 0) {
		pending_free(m, fp);
		return;
	}
	if (fp->oc == NULL) {
		/* Still resolving: only the deadline can end it here. */
		if (now >= fp->deadline_ms) {
			snprintf(why, sizeof(why), "cannot resolve %s: timed out", fp->host);
			refuse(m, c, fp, SSH_OPEN_CONNECT_FAILED, why, NULL);
			pending_free(m, fp);
		}
		return;
	}
	r = outbound_connect_step(fp->oc, now, &fd, why, sizeof(why));
	if (r == OUTBOUND_PENDING)
		return;
	if (r == OUTBOUND_DONE)
		connected(m, c, fp, fd);
	else
		refuse(m, c, fp, outbound_ssh_reason(outbound_connect_errno(fp->oc)), why,
		    fp->rule[0] ? fp->rule : NULL);
	pending_free(m, fp);
}

int
forward_deadlines(struct monitor *m)
{
	uint64_t now = monitor_now_ms();
	int wait = -1;

	for (struct forward_pending *fp = m->forwards, *next; fp != NULL; fp = next) {
		uint64_t due = fp->oc != NULL ? outbound_connect_deadline(fp->oc) : fp->deadline_ms;

		next = fp->next;
		if (now >= due) {
			forward_step(m, fp, now);
			continue;
		}
		if (wait < 0 || due - now < (uint64_t)wait)
			wait = (int)(due - now);
	}
	return wait;
}

int
forward_is_pending(const struct monitor *m, const struct forward_pending *fp)
{
	for (const struct forward_pending *p = m->forwards; p != NULL; p = p->next)
		if (p == fp)
			return 1;
	return 0;
}

void
forwards_drop_conn(struct monitor *m, uint64_t conn_id)
{
	for (struct forward_pending *fp = m->forwards, *next; fp != NULL; fp = next) {
		next = fp->next;
		/* A lookup still running finds nobody when it ends. */
		if (fp->conn_id == conn_id)
			pending_free(m, fp);
	}
}

void
forwards_free_all(struct monitor *m)
{
	while (m->forwards != NULL)
		pending_free(m, m->forwards);
}

/*
 * monitor/settings.c: applying the policy's daemon settings to the running
 * monitor, at startup and after a reload: limits, max-startups, penalties,
 * TCP_NODELAY, the log level, the server's identification string and the
 * audit log's destinations. (Per-connection settings such as algorithms
 * and timeouts go to each worker in its HELLO, from the policy the
 * connection was admitted under.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "monitor/monitor.h"

static int
penalty_exempt(const void *ctx, const struct sockaddr *sa)
{
	const struct monitor *m = ctx;
	struct rp_addr addr;

	return rp_addr_from_sockaddr(sa, sizeof(struct sockaddr_storage), &addr) &&
	    rp_policy_penalty_exempt(m->policy, &addr);
}

static void
penalty_config(struct monitor *m)
{
	const struct rp_penalties *p = &m->policy->penalties;
	struct penalty_config *c = &m->penalty_cfg;

	memset(c, 0, sizeof(*c));
	c->enabled = p->enabled;
	c->event_ms[PENALTY_AUTHFAIL] = (uint64_t)p->authfail_s * 1000;
	c->event_ms[PENALTY_NOAUTH] = (uint64_t)p->noauth_s * 1000;
	c->event_ms[PENALTY_GRACE_EXCEEDED] = (uint64_t)p->grace_exceeded_s * 1000;
	c->event_ms[PENALTY_CRASH] = (uint64_t)p->crash_s * 1000;
	c->event_ms[PENALTY_REFUSED] = (uint64_t)p->refused_s * 1000;
	c->max_ms = (uint64_t)p->max_s * 1000;
	c->min_ms = (uint64_t)p->min_s * 1000;
	c->ipv4_prefix = p->ipv4_prefix;
	c->ipv6_prefix = p->ipv6_prefix;
	c->is_exempt = penalty_exempt;
	c->exempt_ctx = m;
}

/* The policy's audit destinations: at most one file, and syslog. */
static int
audit_destinations(const struct rp_policy *p, const char **file, int *use_syslog, char *err,
    size_t errsz)
{
	*file = NULL;
	*use_syslog = 0;
	for (size_t i = 0; i < p->naudit_logs; i++) {
		const struct rp_policy_audit_log *a = &p->audit_logs[i];

		if (a->path == NULL) {
			*use_syslog = 1;
		} else if (*file != NULL) {
			snprintf(err, errsz, "%s:%u: a second audit-log file; rampart writes one file "
			    "(and syslog)", a->pos.file, a->pos.line);
			return 0;
		} else {
			*file = a->path;
		}
	}
	return 1;
}

int
monitor_open_audit(struct monitor *m, const struct rp_policy *p, char *err, size_t errsz)
{
	const char *file;
	int use_syslog;
	struct audit fresh;

	if (!audit_destinations(p, &file, &use_syslog, err, errsz))
		return 0;
	if (m->audit.path != NULL && file != NULL && strcmp(m->audit.path, file) == 0) {
		/* Same file: reopen it (logrotate) and pick up syslog. */
		m->audit.syslog = use_syslog;
		return audit_reopen(&m->audit, err, errsz);
	}
	memset(&fresh, 0, sizeof(fresh));
	fresh.fd = -1;
	if (!audit_open(&fresh, file, use_syslog, err, errsz))
		return 0;
	audit_close(&m->audit);
	m->audit = fresh;
	if (file == NULL && !use_syslog)
		rp_warn("no audit-log in the policy: nothing is audited");
	return 1;
}

void
monitor_apply_settings(struct monitor *m)
{
	const struct rp_policy *p = m->policy;

	m->max_conns = p->max_connections < m->fd_conn_cap ? p->max_connections : m->fd_conn_cap;
	m->startups_begin = p->max_startups_start;
	m->startups_rate = p->max_startups_rate;
	m->startups_full = p->max_startups_full;
	m->tcp_nodelay = p->tcp_nodelay;
	m->audit_failure_refuse = p->audit_failure_refuse;
	if (!m->debug)
		rp_log_set_level(p->log_level);
	snprintf(m->server_version, sizeof(m->server_version), "SSH-2.0-%s", p->server_version);
	penalty_config(m);
}

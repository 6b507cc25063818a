/*
 * monitor/admission.c: may a new connection proceed? Decided at accept,
 * before any worker starts, in this order:
 *
 *   1. the audit log works, or audit-failure says to carry on;
 *   2. the source is not penalised (monitor/penalty.c);
 *   3. the policy's admission rules (first match; no match: refused), and
 *      the matching rule's rate limit;
 *   4. max-startups: past START unauthenticated connections, refuse with a
 *      probability growing from RATE% to 100% at FULL (as OpenSSH).
 *
 * Refused connections are closed at once. Their log lines and audit records
 * are limited to REFUSE_LOG_PER_SEC a second, with a count of what was left
 * out, so a flood cannot flood the logs.
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "crypto/secret.h"
#include "monitor/monitor.h"

#define REFUSE_LOG_PER_SEC 50

static int
unauthenticated(const struct monitor *m)
{
	int n = 0;

	for (const struct conn *c = m->conns; c != NULL; c = c->next)
		if (c->state == CONN_PREKEX || c->state == CONN_PREAUTH)
			n++;
	return n;
}

/* OpenSSH's MaxStartups: START:RATE:FULL. */
static int
startups_refuse(const struct monitor *m)
{
	unsigned start = m->startups_begin, rate = m->startups_rate, full = m->startups_full;
	unsigned n = (unsigned)unauthenticated(m), p;

	if (full == 0 || n < start)
		return 0;
	if (n >= full)
		return 1;
	p = rate + (100 - rate) * (n - start) / (full - start);
	return rp_random_u32() % 100 < p;
}

int
admission_check(struct monitor *m, const struct sockaddr *peer, char *reason, size_t reasonsz,
    char *rule, size_t rulesz)
{
	uint64_t now = monitor_now_ms();

	rule[0] = '\0';
	if (!audit_healthy(&m->audit) && m->audit_failure_refuse) {
		snprintf(reason, reasonsz, "audit-failure");
		return 0;
	}
	if (m->penalties != NULL && penalty_refuses(m->penalties, &m->penalty_cfg, peer, now)) {
		snprintf(reason, reasonsz, "penalty");
		return 0;
	}
	if (!admission_rules_allow(m, peer, now, rule, rulesz)) {
		snprintf(reason, reasonsz, "admission");
		return 0;
	}
	if (startups_refuse(m)) {
		snprintf(reason, reasonsz, "max-startups");
		return 0;
	}
	return 1;
}

void
admission_refused(struct monitor *m, const char *addr, unsigned port, const char *reason,
    const char *rule)
{
	uint64_t now = monitor_now_ms();

	m->refused_total++;
	if (now - m->refuse_window_ms >= 1000) {
		if (m->refuse_suppressed > 0) {
			char detail[64];

			rp_info("%u more refused connections not logged", m->refuse_suppressed);
			snprintf(detail, sizeof(detail), "%u refusals not recorded one by one",
			    m->refuse_suppressed);
			monitor_audit_refuse(m, "-", 0, "suppressed", detail);
		}
		m->refuse_window_ms = now;
		m->refuse_logged = 0;
		m->refuse_suppressed = 0;
	}
	if (m->refuse_logged >= REFUSE_LOG_PER_SEC) {
		m->refuse_suppressed++;
		return;
	}
	m->refuse_logged++;
	rp_info("refused connection from=%s port=%u reason=%s%s%s", addr, port, reason,
	    rule[0] ? " rule=" : "", rule);
	monitor_audit_refuse(m, addr, port, reason, rule[0] ? rule : NULL);
}

/*
 * monitor/admit_rules.c: the policy's admission rules at accept: the first
 * `admit` or `refuse` rule whose sources contain the client decides (no
 * match: refused, deny by default), and an admit rule's rate limit is a
 * token bucket kept here, per rule of the current policy (a reload starts
 * the buckets afresh).
 */
#include <stdio.h>
#include <stdlib.h>

#include "monitor/monitor.h"

/* Refill a rule's bucket and take a token; 0 when none is left. */
static int
take_token(struct policy_ref *ref, const struct rp_admission_rule *rule, uint64_t now)
{
	struct rate_bucket *b;
	double per_ms;

	if (rule->rate.count == 0)
		return 1;
	if (ref->buckets == NULL) {
		ref->nbuckets = ref->policy->nadmission;
		if ((ref->buckets = calloc(ref->nbuckets, sizeof(*ref->buckets))) == NULL)
			return 0; /* fail closed */
	}
	if (rule->number == 0 || rule->number > ref->nbuckets)
		return 0;
	b = &ref->buckets[rule->number - 1];
	per_ms = (double)rule->rate.count / ((double)rule->rate.period_s * 1000.0);
	if (!b->started) {
		b->tokens = rule->rate.burst;
		b->last_ms = now;
		b->started = 1;
	}
	b->tokens += (double)(now - b->last_ms) * per_ms;
	if (b->tokens > rule->rate.burst)
		b->tokens = rule->rate.burst;
	b->last_ms = now;
	if (b->tokens < 1.0)
		return 0;
	b->tokens -= 1.0;
	return 1;
}

int
admission_rules_allow(struct monitor *m, const struct sockaddr *peer, uint64_t now, char *rule,
    size_t rulesz)
{
	const struct rp_admission_rule *r;
	struct rp_addr from;

	if (!rp_addr_from_sockaddr(peer, sizeof(struct sockaddr_storage), &from)) {
		snprintf(rule, rulesz, "not an IP address");
		return 0;
	}
	if ((r = rp_policy_admission(m->policy, &from)) == NULL) {
		snprintf(rule, rulesz, "no admit rule matches (deny by default)");
		return 0;
	}
	snprintf(rule, rulesz, "%s:%u: %s", r->pos.file, r->pos.line, r->text);
	if (!r->admit)
		return 0;
	if (!take_token(m->pref, r, now)) {
		snprintf(rule, rulesz, "%s:%u: %s (rate exceeded)", r->pos.file, r->pos.line, r->text);
		return 0;
	}
	return 1;
}

/*
 * monitor/decide.c: asking the policy about a connection's request. One
 * place turns a connection into the decision's inputs (its client address,
 * the local time now) so login, exec and what later issues add (forwarding,
 * shells) all decide the same way.
 */
#include <stdio.h>
#include <time.h>

#include "monitor/monitor.h"

int
conn_decide(const struct rp_policy *p, const struct rp_principal *pr, const struct conn *c,
    const struct rp_request *req, struct rp_decision *d, char *rule, size_t rulesz)
{
	struct rp_addr from;
	struct rp_when when;

	if (rule != NULL && rulesz > 0)
		rule[0] = '\0';
	d->allow = 0;
	d->rule = NULL;
	/* No address (not IP): nothing can match a `from`, so deny. */
	if (!rp_addr_from_sockaddr((const struct sockaddr *)&c->peer_sa, sizeof(c->peer_sa),
	    &from))
		return 0;
	rp_when_from_time(time(NULL), &when);
	rp_policy_decide(p, pr, &from, &when, req, d);
	if (rule != NULL && d->rule != NULL)
		snprintf(rule, rulesz, "%s:%u: %s", d->pos.file, d->pos.line, d->rule);
	return d->allow;
}

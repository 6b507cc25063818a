/*
 * monitor/auth.c: what every authentication method shares: the user a
 * connection authenticates as, its progress through the multi-factor
 * chains, the answers (FAILURE, PARTIAL, OK, EXHAUSTED) and their audit
 * records, the `none` method, and what an authenticated connection keeps
 * (forced command, restrictions, banner).
 *
 * Indistinguishability: before any method has passed, every client gets
 * the same list of methods (the union of all principals' first methods),
 * whoever it claims to be; a user the policy does not know goes through
 * the same steps (a password is hashed, a keyboard-interactive prompt is
 * shown) and fails the same way.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/wire.h"
#include "monitor/auth_chain.h"
#include "monitor/monitor.h"

int
auth_begin(struct monitor *m, struct conn *c, const char *user, const char **violation)
{
	(void)m;
	*violation = NULL;
	if (c->auth_pending) {
		*violation = "authentication request while another is pending";
		return 0;
	}
	if (c->auth_user[0] == '\0') {
		snprintf(c->auth_user, sizeof(c->auth_user), "%s", user);
	} else if (strcmp(c->auth_user, user) != 0) {
		/* The worker refuses this already; a worker that does not is
		 * not trusted to change it. */
		*violation = "user changed during authentication";
		return 0;
	}
	/* A new request abandons a keyboard-interactive round. */
	c->kbdint_round = 0;
	return 1;
}

int
auth_start(struct monitor *m, struct conn *c, uint32_t id, const char *user,
    enum rp_auth_method method, const char **violation)
{
	char methods[256];

	if (!auth_begin(m, c, user, violation))
		return 0;
	if (c->auth_failures >= c->pref->policy->max_auth_tries) {
		auth_reply(m, c, id, RP_AUTH_EXHAUSTED, "", NULL);
		return 0;
	}
	/* none is the usual first request (it lists the methods), never an
	 * offered method; its handler decides. */
	if (method == RP_AUTH_NONE || auth_offered(c, method))
		return 1;
	/* Nobody is offered this method now: nothing to hide, nothing counted. */
	auth_methods(m, c, NULL, methods, sizeof(methods));
	auth_reply(m, c, id, RP_AUTH_FAILURE, methods, NULL);
	return 0;
}

int
auth_resolve(const struct conn *c, struct rp_principal *pr)
{
	return rp_policy_resolve(c->pref->policy, c->auth_user, pr);
}

void
auth_methods(const struct monitor *m, const struct conn *c, const struct rp_principal *pr,
    char *out, size_t outsz)
{
	size_t n;
	const char *from;
	const struct rp_auth_chain *chains;

	(void)m;
	out[0] = '\0';
	if (c->progress.ndone == 0 || pr == NULL) {
		snprintf(out, outsz, "%s", c->pref->auth_methods_all);
		return;
	}
	/* After partial success: what this user's chains still need. */
	chains = rp_principal_auth(pr, &n, &from);
	for (size_t i = 0; i < RP_AUTH_METHOD_COUNT; i++) {
		if (auth_chain_allows(chains, n, &c->progress, (enum rp_auth_method)i)) {
			size_t off = strlen(out);

			snprintf(out + off, outsz - off, "%s%s", off > 0 ? "," : "",
			    rp_auth_method_name((enum rp_auth_method)i));
		}
	}
}

void
auth_reply(struct monitor *m, struct conn *c, uint32_t id, enum rp_auth_result result,
    const char *methods, const char *banner)
{
	struct rp_ipc_auth_result rep;
	CBB cbb;

	rep.result = (uint8_t)result;
	CBS_init(&rep.methods, (const uint8_t *)methods, strlen(methods));
	CBS_init(&rep.banner, (const uint8_t *)(banner != NULL ? banner : ""),
	    banner != NULL ? strlen(banner) : 0);
	if (rp_ipc_auth_result_build(&cbb, id, &rep))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
}

void
auth_reject(struct monitor *m, struct conn *c, uint32_t id, const struct rp_principal *pr,
    const struct auth_attempt *at, const char *reason)
{
	char shown[RP_IPC_MAX_NAME * 4], methods[256];

	rp_info("conn=%llu auth %s rejected user=%s%s%s from=%s reason=\"%s\"",
	    (unsigned long long)c->id, at->method,
	    rp_log_escape(c->auth_user, strlen(c->auth_user), shown, sizeof(shown)),
	    at->key_fp != NULL ? " key=" : "", at->key_fp != NULL ? at->key_fp : "", c->peer_addr,
	    reason);
	c->auth_failures++;
	monitor_audit_auth(m, c, c->auth_user, at, "rejected", reason);
	if (c->auth_failures >= c->pref->policy->max_auth_tries) {
		rp_info("conn=%llu too many authentication failures (%u) from=%s",
		    (unsigned long long)c->id, c->auth_failures, c->peer_addr);
		c->auth_exhausted = 1;
		auth_reply(m, c, id, RP_AUTH_EXHAUSTED, "", NULL);
		return;
	}
	auth_methods(m, c, pr, methods, sizeof(methods));
	auth_reply(m, c, id, RP_AUTH_FAILURE, methods, NULL);
}

/* Does policy p allow c's user (principal pr) to log in from c's address
 * now? */
static int
login_decision(const struct rp_policy *p, const struct conn *c, const struct rp_principal *pr,
    char *why, size_t whysz)
{
	struct rp_request req;
	struct rp_decision d;

	memset(&req, 0, sizeof(req));
	req.action = RP_ACTION_LOGIN;
	if (conn_decide(p, pr, c, &req, &d, NULL, 0))
		return 1;
	if (d.rule != NULL)
		snprintf(why, whysz, "login denied by %s:%u (%s: %s)", d.pos.file, d.pos.line,
		    d.block, d.rule);
	else
		snprintf(why, whysz, "no rule allows login (deny by default)");
	return 0;
}

int
auth_login_allowed(const struct conn *c, const struct rp_principal *pr, char *why,
    size_t whysz)
{
	return login_decision(c->pref->policy, c, pr, why, whysz);
}

int
auth_passed(struct monitor *m, struct conn *c, uint32_t id, const struct rp_principal *pr,
    const struct auth_attempt *at, const struct auth_grant *grant)
{
	size_t nchains;
	const char *from;
	const struct rp_auth_chain *chains = rp_principal_auth(pr, &nchains, &from);
	char next[256], why[256], home[4096];
	enum rp_auth_result r;
	struct rp_account acct;

	/* Every method ends here, so none of them lets in a user whose
	 * session could not run (privileged mode needs a system account). */
	if (!auth_account(m, pr->name, &acct, home, sizeof(home), why, sizeof(why)) ||
	    !auth_login_allowed(c, pr, why, sizeof(why))) {
		auth_reject(m, c, id, pr, at, why);
		return 0;
	}
	r = auth_chain_step(chains, nchains, &c->progress, at->method_id, next, sizeof(next));
	if (r == RP_AUTH_FAILURE) {
		auth_reject(m, c, id, pr, at, "method is not a next step of the user's auth chains");
		return 0;
	}
	/* What each passed step grants or forces accumulates (a forced
	 * command from a key, restrictions from a certificate). */
	if (grant != NULL)
		auth_grant_merge(&c->grant, grant);
	if (r == RP_AUTH_PARTIAL) {
		rp_info("conn=%llu auth %s passed user=%s from=%s; still needed: %s",
		    (unsigned long long)c->id, at->method, c->auth_user, c->peer_addr, next);
		monitor_audit_auth(m, c, c->auth_user, at, "partial", NULL);
		auth_reply(m, c, id, RP_AUTH_PARTIAL, next, NULL);
		return 1;
	}
	c->state = CONN_AUTHED;
	c->deadline_ms = 0;
	snprintf(c->user, sizeof(c->user), "%s", c->auth_user);
	snprintf(c->auth_method, sizeof(c->auth_method), "%s", at->method);
	for (size_t i = 0; i < c->progress.ndone; i++) {
		size_t off = strlen(c->auth_chain);

		snprintf(c->auth_chain + off, sizeof(c->auth_chain) - off, "%s%s", i > 0 ? "+" : "",
		    rp_auth_method_name(c->progress.done[i]));
	}
	rp_info("conn=%llu auth accepted user=%s methods=%s from=%s", (unsigned long long)c->id,
	    c->user, c->auth_chain, c->peer_addr);
	monitor_audit_auth(m, c, c->auth_user, at, "accepted", NULL);
	/* A user's own banner only now: before, it would tell who exists. */
	auth_reply(m, c, id, RP_AUTH_OK, "", rp_principal_banner(pr));
	return 1;
}

/* One step's list is copied; two steps with lists (rare) refuse that
 * forwarding rather than guess an intersection. */
static void
grant_targets_merge(struct grant_targets *into, const struct grant_targets *from)
{
	if (into->n > 0 && from->n > 0) {
		into->overflow = 1;
	} else if (from->n > 0) {
		memcpy(into->t, from->t, sizeof(into->t));
		into->n = from->n;
	}
	into->overflow |= from->overflow;
}

void
auth_grant_merge(struct auth_grant *into, const struct auth_grant *from)
{
	if (from->forced_command[0] != '\0' && into->forced_command[0] == '\0')
		snprintf(into->forced_command, sizeof(into->forced_command), "%s",
		    from->forced_command);
	into->deny |= from->deny;
	grant_targets_merge(&into->permitopen, &from->permitopen);
	grant_targets_merge(&into->permitlisten, &from->permitlisten);
	if (from->cert_key_id[0] != '\0') {
		snprintf(into->cert_key_id, sizeof(into->cert_key_id), "%s", from->cert_key_id);
		into->cert_serial = from->cert_serial;
	}
}

int
auth_offered(const struct conn *c, enum rp_auth_method method)
{
	struct rp_principal pr;
	int ok;

	if (c->progress.ndone == 0) {
		CBS list;

		CBS_init(&list, (const uint8_t *)c->pref->auth_methods_all,
		    strlen(c->pref->auth_methods_all));
		return ssh_namelist_has(list, rp_auth_method_name(method));
	}
	if (!auth_resolve(c, &pr))
		return 0;
	ok = auth_is_next_step(c, &pr, method);
	rp_principal_clear(&pr);
	return ok;
}

int
auth_is_next_step(const struct conn *c, const struct rp_principal *pr,
    enum rp_auth_method method)
{
	size_t n;
	const char *from;
	const struct rp_auth_chain *chains = rp_principal_auth(pr, &n, &from);

	return auth_chain_allows(chains, n, &c->progress, method);
}

void
auth_offered_methods(const struct rp_policy *p, char *out, size_t outsz)
{
	const struct rp_auth_chain *chains;
	size_t n;
	const char *from;

	out[0] = '\0';
	/* Each block on its own gives its chains, or the default when it has
	 * none; the union over all of them covers every principal. */
	for (size_t i = 0; i < p->nusers; i++) {
		struct rp_principal pr;

		memset(&pr, 0, sizeof(pr));
		pr.user = &p->users[i];
		chains = rp_principal_auth(&pr, &n, &from);
		auth_chain_first_methods(chains, n, out, outsz);
	}
	for (size_t i = 0; i < p->ngroups; i++) {
		struct rp_principal pr;
		const struct rp_policy_group *g = &p->groups[i];

		memset(&pr, 0, sizeof(pr));
		pr.groups = &g;
		pr.ngroups = 1;
		chains = rp_principal_auth(&pr, &n, &from);
		auth_chain_first_methods(chains, n, out, outsz);
	}
	/* Unknown users see what known ones see; with no principals at all,
	 * the default. */
	if (out[0] == '\0' && p->nusers + p->ngroups == 0)
		snprintf(out, outsz, "publickey");
}

void
auth_timing_hash(const struct rp_policy *p, char *out, size_t outsz)
{
	out[0] = '\0';
	/* The first password-hash of a user or group block: checking a
	 * password against it costs what checking a real user's does (same
	 * scheme, same parameters), which is the point. */
	for (size_t i = 0; i < p->nusers + p->ngroups; i++) {
		struct rp_principal pr;
		struct rp_password_setting ps;
		const struct rp_policy_group *g;

		memset(&pr, 0, sizeof(pr));
		if (i < p->nusers) {
			pr.user = &p->users[i];
		} else {
			g = &p->groups[i - p->nusers];
			pr.groups = &g;
			pr.ngroups = 1;
		}
		if (rp_principal_password(&pr, &ps) && ps.source == RP_PASSWORD_HASH &&
		    strlen(ps.hash) < outsz) {
			memcpy(out, ps.hash, strlen(ps.hash) + 1);
			return;
		}
	}
}

int
auth_account(const struct monitor *m, const char *user, struct rp_account *acct, char *home,
    size_t homesz, char *why, size_t whysz)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	memset(acct, 0, sizeof(*acct));
	home[0] = '\0';
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || res == NULL) {
		/* Privileged mode runs sessions as the user's account. */
		if (m->privileged) {
			snprintf(why, whysz, "no system account for user");
			return 0;
		}
		return 1;
	}
	snprintf(home, homesz, "%s", pw.pw_dir);
	acct->home = home;
	acct->uid = pw.pw_uid;
	return 1;
}

/* Is the list of methods c passed one whole chain of pr's? */
static int
chain_complete(const struct rp_principal *pr, const struct auth_progress *ap)
{
	size_t n;
	const char *from;
	const struct rp_auth_chain *chains = rp_principal_auth(pr, &n, &from);

	for (size_t i = 0; i < n; i++) {
		int same = chains[i].n == ap->ndone;

		for (size_t k = 0; same && k < ap->ndone; k++)
			same = chains[i].methods[k] == ap->done[k];
		if (same)
			return 1;
	}
	return 0;
}

int
auth_still_allowed(const struct monitor *m, const struct rp_policy *p, const struct conn *c,
    char *why, size_t whysz)
{
	struct rp_principal pr;
	int ok = 0;

	if (!rp_policy_resolve(p, c->user, &pr)) {
		snprintf(why, whysz, "user %s is no longer in the policy", c->user);
		return 0;
	}
	if (!chain_complete(&pr, &c->progress))
		snprintf(why, whysz, "the policy no longer accepts %s for %s", c->auth_chain,
		    c->user);
	else if (login_decision(p, c, &pr, why, whysz) &&
	    (c->auth_pubkey == NULL || pubkey_still_authorized(m, p, c, &pr, why, whysz)))
		ok = 1;
	rp_principal_clear(&pr);
	return ok;
}

const char *
handle_auth_none(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_auth_none req;
	struct rp_principal pr;
	struct auth_attempt at = { "none", RP_AUTH_NONE, "attempt", NULL, NULL, 0 };
	const char *violation;
	char methods[256];
	int known;

	if (!rp_ipc_auth_none_read(payload, &req))
		return "malformed";
	if (!auth_start(m, c, id, req.user, RP_AUTH_NONE, &violation))
		return violation;
	known = auth_resolve(c, &pr);
	if (known) {
		size_t n;
		const char *from;
		const struct rp_auth_chain *chains = rp_principal_auth(&pr, &n, &from);

		if (auth_chain_allows(chains, n, &c->progress, RP_AUTH_NONE)) {
			auth_passed(m, c, id, &pr, &at, NULL);
			rp_principal_clear(&pr);
			return NULL;
		}
	}
	/* The usual first request: list the methods, count nothing. */
	auth_methods(m, c, known ? &pr : NULL, methods, sizeof(methods));
	auth_reply(m, c, id, RP_AUTH_FAILURE, methods, NULL);
	if (known)
		rp_principal_clear(&pr);
	return NULL;
}

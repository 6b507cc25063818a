/*
 * policy/advise.c: advice about a policy that loaded: things that are not
 * errors but that an administrator most likely did not mean (`rampartctl
 * check` prints them as warnings; rampartd logs them).
 */
#include "policy/internal.h"

#include <string.h>

static int
block_allows_login(const struct rp_block *b)
{
	for (size_t i = 0; i < b->nrules; i++)
		if (b->rules[i].allow && b->rules[i].action == RP_ACTION_LOGIN)
			return 1;
	return 0;
}

/* Could any rule let this user block's user log in? Groups with system
 * groups count, since membership is only known at login. */
static int
may_ever_log_in(const struct rp_policy *policy, const struct rp_policy_user *u)
{
	if (block_allows_login(u->block))
		return 1;
	for (size_t i = 0; i < policy->ngroups; i++) {
		const struct rp_policy_group *g = &policy->groups[i];
		int member = g->nsystem_groups > 0;
		for (size_t m = 0; m < g->nmembers && !member; m++)
			member = strcmp(g->members[m], u->name) == 0;
		if (member && block_allows_login(g->block))
			return 1;
	}
	return 0;
}

void
rp_policy_advise(const struct rp_policy *policy, struct rp_policy_diag *diag)
{
	struct rp_srcpos main_file = { policy->nfiles > 0 ? policy->files[0] : "policy", 0, 0 };
	int admits = 0;

	for (size_t i = 0; i < policy->nadmission; i++)
		admits |= policy->admission[i].admit;
	if (!admits)
		rp_diag_warn(diag, &main_file, "no 'admit' rule: every connection is refused; "
		    "add one such as admit from 10.0.0.0/8, or admit from any");
	if (policy->naudit_logs == 0)
		rp_diag_warn(diag, &main_file, "no audit log: add 'audit-log PATH' or 'audit-log "
		    "syslog' to keep a record of connections and logins");
	for (size_t i = 0; i < policy->nusers; i++) {
		const struct rp_policy_user *u = &policy->users[i];
		if (!may_ever_log_in(policy, u))
			rp_diag_warn(diag, &u->pos, "user %s has no 'allow login' rule, in their "
			    "block or their groups', and cannot log in", u->name);
	}
}

/*
 * policy/advise.c: advice about a policy that loaded: things that are not
 * errors but that an administrator most likely did not mean, or should
 * know about (`rampartctl check` prints them as warnings; rampartd logs
 * them): no admission, no audit log, users who cannot log in, every
 * principal that can log in with `auth none`, and sessions that must be
 * recorded with no recording-dir to record them in.
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

static const struct rp_auth_chain *
none_chain(const struct rp_block *b)
{
	for (size_t i = 0; i < b->nauth; i++)
		if (b->auth[i].methods[0] == RP_AUTH_NONE)
			return &b->auth[i];
	return NULL;
}

static int
listed(const struct rp_policy_group *g, const char *name)
{
	for (size_t i = 0; i < g->nmembers; i++)
		if (strcmp(g->members[i], name) == 0)
			return 1;
	return 0;
}

/* The block whose auth lines a listed user gets (user block, else the first
 * group listing them that has auth lines), or NULL for the default.
 * Membership through Unix groups is not known here. */
static const struct rp_block *
auth_block(const struct rp_policy *policy, const char *name)
{
	const struct rp_policy_user *u = rp_policy_find_user(policy, name);

	if (u != NULL && u->block->nauth > 0)
		return u->block;
	for (size_t i = 0; i < policy->ngroups; i++)
		if (listed(&policy->groups[i], name) && policy->groups[i].block->nauth > 0)
			return policy->groups[i].block;
	return NULL;
}

static void
warn_none(const struct rp_policy *policy, const char *name, struct rp_policy_diag *diag)
{
	const struct rp_block *b = auth_block(policy, name);
	const struct rp_auth_chain *c = b != NULL ? none_chain(b) : NULL;

	if (c != NULL)
		rp_diag_warn(diag, &c->pos, "%s can log in without any credential ('auth none' "
		    "of %s)", name, b->label);
}

/* `auth none`: every principal it reaches, by name. */
static void
advise_auth_none(const struct rp_policy *policy, struct rp_policy_diag *diag)
{
	for (size_t i = 0; i < policy->nusers; i++)
		warn_none(policy, policy->users[i].name, diag);
	for (size_t i = 0; i < policy->ngroups; i++) {
		const struct rp_policy_group *g = &policy->groups[i];
		const struct rp_auth_chain *c = none_chain(g->block);
		for (size_t m = 0; m < g->nmembers; m++) {
			int first = rp_policy_find_user(policy, g->members[m]) == NULL;
			for (size_t j = 0; j < i && first; j++)
				first = !listed(&policy->groups[j], g->members[m]);
			if (first)
				warn_none(policy, g->members[m], diag);
		}
		if (c != NULL && g->nsystem_groups > 0)
			rp_diag_warn(diag, &c->pos, "members of the Unix groups of group %s can log in "
			    "without any credential ('auth none'), unless their user block or an "
			    "earlier group has auth lines", g->name);
	}
}

static void
warn_recording(const struct rp_block *b, struct rp_policy_diag *diag)
{
	const struct rp_uint_setting *rec = &b->record_sessions;

	if (rec->pos.line == 0 || rec->value == RP_RECORD_OFF)
		return;
	rp_diag_warn(diag, &rec->pos, "record-sessions %s of %s: sessions cannot be recorded "
	    "without recording-dir, and rampartd refuses the sessions it must record but "
	    "cannot; add recording-dir ABSOLUTE-PATH",
	    rp_record_mode_name((enum rp_record_mode)rec->value), b->label);
}

/* record-sessions yes or with-input, with nowhere to put the recordings. */
static void
advise_recording(const struct rp_policy *policy, struct rp_policy_diag *diag)
{
	if (policy->recording_dir != NULL)
		return;
	for (size_t i = 0; i < policy->ngroups; i++)
		warn_recording(policy->groups[i].block, diag);
	for (size_t i = 0; i < policy->nusers; i++)
		warn_recording(policy->users[i].block, diag);
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
	advise_auth_none(policy, diag);
	advise_recording(policy, diag);
}

/*
 * policy/decide.c: who a user name is to the policy, and what they may do.
 *
 * A principal is a user name with its `user` block (if any) and the groups
 * it belongs to, in block order: groups that list it in `members`, and
 * groups with a `system-group` the system says it is in. The decision for
 * a request is the first matching rule of the user block, then of each
 * group in that order; no matching rule denies. The same order resolves the
 * single-valued settings (auth chains, max-sessions, record-sessions,
 * banner, password, TOTP): the user block, else the first group that sets
 * them, else the default.
 */
#include "policy/internal.h"

#include <grp.h>
#include <stddef.h>
#include <stdio.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MAX_SESSIONS 10
#define DEFAULT_TOTP_PROMPT "Verification code: "
#define DEFAULT_TOTP_DIGITS 6
#define DEFAULT_TOTP_PERIOD 30
#define DEFAULT_TOTP_WINDOW 1
#define LOOKUP_BUF 16384
#define MAX_GROUPS 1024

/* Valid as rp_valid_name (parser.c) requires, without the parser. */
static int
plausible_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > RP_NAME_MAX)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

int
rp_unix_group_member(const char *user, const char *group)
{
	struct group gr, *grp = NULL;
	struct passwd pw, *pwp = NULL;
	char *gbuf, *pbuf;
	gid_t gids[MAX_GROUPS];
	int ngids = MAX_GROUPS, member = 0;

	if ((gbuf = malloc(LOOKUP_BUF)) == NULL || (pbuf = malloc(LOOKUP_BUF)) == NULL) {
		free(gbuf);
		return 0;
	}
	if (getgrnam_r(group, &gr, gbuf, LOOKUP_BUF, &grp) != 0 || grp == NULL)
		goto out;
	for (char **m = grp->gr_mem; m != NULL && *m != NULL && !member; m++)
		member = strcmp(*m, user) == 0;
	if (member || getpwnam_r(user, &pw, pbuf, LOOKUP_BUF, &pwp) != 0 || pwp == NULL)
		goto out;
	if (pwp->pw_gid == grp->gr_gid) {
		member = 1;
		goto out;
	}
	/* Other sources of membership (NSS modules) through getgrouplist. */
	if (getgrouplist(user, pwp->pw_gid, gids, &ngids) < 0)
		ngids = MAX_GROUPS;
	for (int i = 0; i < ngids && !member; i++)
		member = gids[i] == grp->gr_gid;
out:
	free(gbuf);
	free(pbuf);
	return member;
}

static int
group_has(const struct rp_policy_group *g, const char *name)
{
	for (size_t i = 0; i < g->nmembers; i++)
		if (strcmp(g->members[i], name) == 0)
			return 1;
	for (size_t i = 0; i < g->nsystem_groups; i++)
		if (rp_unix_group_member(name, g->system_groups[i]))
			return 1;
	return 0;
}

void
rp_principal_clear(struct rp_principal *principal)
{
	free(principal->groups);
	memset(principal, 0, sizeof(*principal));
}

int
rp_policy_resolve(const struct rp_policy *policy, const char *name,
    struct rp_principal *out)
{
	memset(out, 0, sizeof(*out));
	if (!plausible_name(name))
		return 0;
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->user = rp_policy_find_user(policy, name);
	if (policy->ngroups > 0 &&
	    (out->groups = calloc(policy->ngroups, sizeof(*out->groups))) == NULL) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	for (size_t i = 0; i < policy->ngroups; i++)
		if (group_has(&policy->groups[i], name))
			out->groups[out->ngroups++] = &policy->groups[i];
	if (out->user == NULL && out->ngroups == 0) {
		rp_principal_clear(out);
		return 0;
	}
	return 1;
}

/* The blocks of a principal in evaluation order: user, then groups. */
static size_t
nblocks(const struct rp_principal *pr)
{
	return (pr->user != NULL) + pr->ngroups;
}

static const struct rp_block *
block_at(const struct rp_principal *pr, size_t i)
{
	if (pr->user != NULL) {
		if (i == 0)
			return pr->user->block;
		i--;
	}
	return pr->groups[i]->block;
}

int
rp_policy_decide(const struct rp_policy *policy, const struct rp_principal *principal,
    const struct rp_addr *from, const struct rp_when *when, const struct rp_request *req,
    struct rp_decision *out)
{
	(void)policy;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; principal != NULL && i < nblocks(principal); i++) {
		const struct rp_block *b = block_at(principal, i);
		for (size_t j = 0; j < b->nrules; j++) {
			const struct rp_rule *r = &b->rules[j];
			if (!rp_rule_matches(r, from, when, req))
				continue;
			out->allow = r->allow;
			out->rule = r->text;
			out->pos = r->pos;
			out->block = b->label;
			out->in_effect = !r->allow || rp_action_in_effect(req->action);
			return out->allow;
		}
	}
	out->in_effect = 1;
	return 0;
}

const struct rp_auth_chain *
rp_principal_auth(const struct rp_principal *principal, size_t *n, const char **from)
{
	static const struct rp_auth_chain publickey = { { RP_AUTH_PUBLICKEY }, 1, { NULL, 0, 0 } };

	for (size_t i = 0; i < nblocks(principal); i++) {
		const struct rp_block *b = block_at(principal, i);
		if (b->nauth > 0) {
			*n = b->nauth;
			*from = b->label;
			return b->auth;
		}
	}
	*n = 1;
	*from = "default";
	return &publickey;
}

unsigned
rp_principal_max_sessions(const struct rp_principal *principal)
{
	for (size_t i = 0; i < nblocks(principal); i++)
		if (block_at(principal, i)->max_sessions != 0)
			return block_at(principal, i)->max_sessions;
	return DEFAULT_MAX_SESSIONS;
}

const char *
rp_principal_banner(const struct rp_principal *principal)
{
	for (size_t i = 0; i < nblocks(principal); i++) {
		const char *text = block_at(principal, i)->banner.value;
		if (text != NULL && text[0] != '\0')
			return text;
	}
	return NULL;
}

int
rp_principal_password(const struct rp_principal *principal, struct rp_password_setting *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < nblocks(principal); i++) {
		const struct rp_block *b = block_at(principal, i);
		if (b->password_hash.value != NULL) {
			out->source = RP_PASSWORD_HASH;
			out->hash = b->password_hash.value;
			out->pos = b->password_hash.pos;
		} else if (b->password_system.line != 0) {
			out->source = RP_PASSWORD_SYSTEM;
			out->pos = b->password_system;
		} else {
			continue;
		}
		out->block = b->label;
		return 1;
	}
	return 0;
}

/* The first block's text setting at offset `field`, or NULL. */
static const char *
first_text(const struct rp_principal *pr, size_t field)
{
	for (size_t i = 0; i < nblocks(pr); i++) {
		const struct rp_text_setting *t = (const struct rp_text_setting *)(const void *)
		    ((const char *)block_at(pr, i) + field);
		if (t->value != NULL)
			return t->value;
	}
	return NULL;
}

/* The first block's number setting at offset `field`, or dflt. */
static unsigned
first_uint(const struct rp_principal *pr, size_t field, unsigned dflt)
{
	for (size_t i = 0; i < nblocks(pr); i++) {
		const struct rp_uint_setting *u = (const struct rp_uint_setting *)(const void *)
		    ((const char *)block_at(pr, i) + field);
		if (u->pos.line != 0)
			return u->value;
	}
	return dflt;
}

void
rp_principal_totp(const struct rp_principal *principal, struct rp_totp_settings *out)
{
	const char *s;

	memset(out, 0, sizeof(*out));
	out->secrets = first_text(principal, offsetof(struct rp_block, totp_secrets));
	s = first_text(principal, offsetof(struct rp_block, totp_prompt));
	out->prompt = s != NULL ? s : DEFAULT_TOTP_PROMPT;
	s = first_text(principal, offsetof(struct rp_block, auth_instruction));
	out->instruction = s != NULL ? s : "";
	out->digits = first_uint(principal, offsetof(struct rp_block, totp_digits),
	    DEFAULT_TOTP_DIGITS);
	out->period_s = first_uint(principal, offsetof(struct rp_block, totp_period),
	    DEFAULT_TOTP_PERIOD);
	out->hash = (enum rp_totp_hash)first_uint(principal, offsetof(struct rp_block,
	    totp_algorithm), RP_TOTP_SHA1);
	out->window = first_uint(principal, offsetof(struct rp_block, totp_window),
	    DEFAULT_TOTP_WINDOW);
}

enum rp_record_mode
rp_principal_record_mode(const struct rp_principal *principal)
{
	return (enum rp_record_mode)first_uint(principal, offsetof(struct rp_block,
	    record_sessions), RP_RECORD_OFF);
}

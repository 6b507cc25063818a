/*
 * policy/authorize.c: "is this key authorized for this principal, from
 * this address, now", and the walk over a principal's key lines that the
 * certificate decision (authcert.c) shares.
 *
 * The lines, in order: the keys of the user block, then of each group in
 * block order (inline `authorized-key` values and files read at load), then
 * the %u/%h files of the user block and of each group, read at the time of
 * the call. A line with from= or expiry-time that does not allow the login
 * does not end the search: the next line with the same key may, as in
 * OpenSSH.
 */
#include "policy/internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/krl.h"
#include "crypto/sshkey.h"

void
rp_key_source_clear(struct rp_key_source *src)
{
	rp_key_options_free(&src->options);
}

/* --- every key line of a principal ------------------------------------------- */

static int
list_lines(const struct rp_policy_key *keys, size_t nkeys, const char *block,
    rp_key_line_fn fn, void *ctx)
{
	struct rp_key_line line;
	int rc;

	for (size_t i = 0; i < nkeys; i++) {
		line.key = keys[i].key;
		line.options = &keys[i].options;
		line.pos = keys[i].pos;
		line.block = block;
		if ((rc = fn(ctx, &line)) != 0)
			return rc;
	}
	return 0;
}

struct file_ctx {
	const char *block;
	rp_key_line_fn fn;
	void *ctx;
};

static int
file_line(void *ctx, struct rp_authkeys_line *l)
{
	struct file_ctx *c = ctx;
	struct rp_key_line line;

	line.key = l->key;
	line.options = &l->options;
	line.pos = l->pos;
	line.block = c->block;
	return c->fn(c->ctx, &line);
}

static int
file_lines(const struct rp_block *b, const char *user, const struct rp_account *acct,
    struct rp_policy_diag *diag, rp_key_line_fn fn, void *ctx)
{
	struct file_ctx fc = { b->label, fn, ctx };

	for (size_t i = 0; i < b->nkeyfiles; i++) {
		char path[PATH_MAX], why[128], *text;
		const struct rp_keyfile_template *t = &b->keyfiles[i];
		size_t len;
		int missing, rc;

		if (!rp_keyfile_expand(t->path, user, acct != NULL ? acct->home : NULL, path,
		    sizeof(path)))
			continue; /* %h without a home directory: no keys */
		if (!rp_read_file_checked(path, RP_AUTHKEYS_MAX_FILE, 1, acct != NULL ? acct->uid :
		    0, &text, &len, &missing, why, sizeof(why))) {
			if (!missing)
				rp_diag_warn(diag, &t->pos, "authorized-keys file '%s' for %s "
				    "skipped: %s", path, user, why);
			continue;
		}
		rc = rp_authkeys_scan(path, text, len, diag, file_line, &fc);
		free(text);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The blocks of a principal in evaluation order: user, then groups. */
static size_t
nblocks(const struct rp_principal *pr)
{
	return (pr->user != NULL) + pr->ngroups;
}

int
rp_principal_key_lines(const struct rp_principal *pr, const struct rp_account *acct,
    struct rp_policy_diag *diag, rp_key_line_fn fn, void *ctx)
{
	int rc;

	for (size_t i = 0; i < nblocks(pr); i++) {
		const struct rp_policy_key *keys;
		size_t nkeys;
		const char *label;
		if (pr->user != NULL && i == 0) {
			keys = pr->user->keys;
			nkeys = pr->user->nkeys;
			label = pr->user->block->label;
		} else {
			const struct rp_policy_group *g = pr->groups[i - (pr->user != NULL)];
			keys = g->keys;
			nkeys = g->nkeys;
			label = g->block->label;
		}
		if ((rc = list_lines(keys, nkeys, label, fn, ctx)) != 0)
			return rc;
	}
	for (size_t i = 0; i < nblocks(pr); i++) {
		const struct rp_block *b = pr->user != NULL && i == 0 ? pr->user->block :
		    pr->groups[i - (pr->user != NULL)]->block;
		if ((rc = file_lines(b, pr->name, acct, diag, fn, ctx)) != 0)
			return rc;
	}
	return 0;
}

int
rp_key_line_usable(const struct rp_key_line *line, const struct rp_addr *from, time_t now,
    char *why, size_t whysz)
{
	const struct rp_key_options *o = line->options;
	char a[64];

	if (!rp_key_options_from_matches(o, from)) {
		if (from == NULL)
			snprintf(why, whysz, "from= of %s:%u and the client address is unknown",
			    line->pos.file, line->pos.line);
		else
			snprintf(why, whysz, "from= of %s:%u does not allow %s", line->pos.file,
			    line->pos.line, rp_addr_format(from, a, sizeof(a)));
		return 0;
	}
	if (o->expiry != 0 && now > o->expiry) {
		struct tm tm;
		char when[32] = "?";
		time_t t = o->expiry;
		if (localtime_r(&t, &tm) != NULL)
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(why, whysz, "expiry-time of %s:%u passed at %s", line->pos.file,
		    line->pos.line, when);
		return 0;
	}
	return 1;
}

/* --- plain keys ----------------------------------------------------------------- */

struct key_ctx {
	const struct rp_pubkey *want;
	const struct rp_addr *from;
	time_t now;
	struct rp_key_source *out;
	int refused; /* a line matched but could not be used: out->reason says why */
};

static int
key_line(void *ctx, const struct rp_key_line *line)
{
	struct key_ctx *c = ctx;
	struct rp_key_source *out = c->out;
	char why[sizeof(out->reason)];

	if (line->options->cert_authority || !rp_pubkey_equal(line->key, c->want))
		return 0;
	if (!rp_key_line_usable(line, c->from, c->now, why, sizeof(why))) {
		if (!c->refused)
			memcpy(out->reason, why, sizeof(out->reason));
		c->refused = 1;
		return 0;
	}
	if (!rp_key_options_copy(&out->options, line->options))
		return -1;
	/* A login-time file's name lives only during the scan. */
	snprintf(out->file, sizeof(out->file), "%s", line->pos.file);
	out->pos = line->pos;
	out->pos.file = out->file;
	out->block = line->block;
	return 1;
}

/* The name in parentheses: policy.h's transitional macro of the same name
 * must not expand here. */
int
(rp_policy_authorize_key)(const struct rp_policy *policy,
    const struct rp_principal *principal, const struct rp_pubkey *key,
    const struct rp_account *acct, const struct rp_addr *from, time_t now,
    struct rp_policy_diag *diag, struct rp_key_source *out)
{
	struct key_ctx c = { key, from, now, out, 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	rp_key_options_init(&out->options);
	if (policy->krl != NULL && rp_krl_key_revoked(policy->krl, key)) {
		snprintf(out->reason, sizeof(out->reason), "key revoked by %s",
		    policy->revoked_keys);
		return 0;
	}
	rc = rp_principal_key_lines(principal, acct, diag, key_line, &c);
	if (rc == 1)
		return 1;
	rp_key_source_clear(out);
	out->pos.line = 0;
	out->pos.file = NULL;
	out->block = NULL;
	if (rc < 0)
		snprintf(out->reason, sizeof(out->reason), "out of memory");
	else if (!c.refused)
		snprintf(out->reason, sizeof(out->reason), "key not listed for %s",
		    principal->name);
	return 0;
}

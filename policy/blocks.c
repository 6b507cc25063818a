/*
 * policy/blocks.c: `user NAME { ... }` and `group NAME { ... }`, and what
 * goes in them besides rules (rules.c): group membership, auth chains,
 * credentials, keyboard-interactive texts, max-sessions and banners.
 *
 * Credentials add up: any key, key file or CA of the user block or of a
 * group the user is in can authenticate them. Single-valued settings
 * (password, TOTP, texts, max-sessions, banner) come from the user block,
 * else from the first group in block order that sets them. `banner` and
 * `banner-file` also stand at top level, for the banner every client sees
 * before authentication.
 */
#include "policy/parse.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sshkey.h"

#define MAX_PROMPT 1024

/* --- the blocks ------------------------------------------------------------ */

int
rp_do_user(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos dpos = rp_at(p, &st->words[0]);
	const struct rp_policy_user *other;
	char ex[80];
	long index;

	(void)d;
	if (!rp_valid_name(arg->text))
		return rp_perr(p, arg, "invalid user name '%s'; expected " RP_NAME_RULE,
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	if ((other = rp_policy_find_user(p->policy, arg->text)) != NULL)
		return rp_perr(p, arg, "user %s already has a block at %s:%u:%u; expected one "
		    "block per user", arg->text, other->pos.file, other->pos.line, other->pos.col);
	if ((index = rp_policy_add_user(p->policy, arg->text, &dpos)) < 0)
		return rp_out_of_memory(p, arg);
	rp_top_frame(p)->index = index;
	return 1;
}

int
rp_do_group(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos dpos = rp_at(p, &st->words[0]);
	const struct rp_policy_group *other;
	char ex[80];
	long index;

	(void)d;
	if (!rp_valid_name(arg->text))
		return rp_perr(p, arg, "invalid group name '%s'; expected " RP_NAME_RULE,
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	if ((other = rp_policy_find_group(p->policy, arg->text)) != NULL)
		return rp_perr(p, arg, "group %s already has a block at %s:%u:%u; expected one "
		    "block per group", arg->text, other->pos.file, other->pos.line,
		    other->pos.col);
	if ((index = rp_policy_add_group(p->policy, arg->text, &dpos)) < 0)
		return rp_out_of_memory(p, arg);
	rp_top_frame(p)->index = index;
	return 1;
}

static struct rp_policy_group *
current_group(struct parser *p)
{
	return &p->policy->groups[rp_top_frame(p)->index];
}

/* Names for `members` and `system-group`: valid, each once per group. */
static int
add_names(struct parser *p, const struct stmt *st, char ***names, size_t *n, const char *what,
    const char *list)
{
	struct rp_policy_group *g = current_group(p);
	char ex[80];

	for (size_t i = 1; i < st->n; i++) {
		const struct rp_token *w = &st->words[i];
		if (!rp_valid_name(w->text))
			return rp_perr(p, w, "invalid %s name '%s'; expected " RP_NAME_RULE, what,
			    rp_diag_excerpt(w->text, ex, sizeof(ex)));
		for (size_t j = 0; j < *n; j++)
			if (strcmp((*names)[j], w->text) == 0)
				return rp_perr(p, w, "%s is already in the %s of group %s; expected "
				    "each name once", w->text, list, g->name);
		if (!rp_strings_add(names, n, w->text))
			return rp_out_of_memory(p, w);
	}
	return 1;
}

int
rp_do_members(struct parser *p, const struct directive *d, const struct stmt *st)
{
	struct rp_policy_group *g = current_group(p);

	(void)d;
	return add_names(p, st, &g->members, &g->nmembers, "user", "members");
}

int
rp_do_system_group(struct parser *p, const struct directive *d, const struct stmt *st)
{
	struct rp_policy_group *g = current_group(p);

	(void)d;
	return add_names(p, st, &g->system_groups, &g->nsystem_groups, "Unix group",
	    "system groups");
}

/* --- auth chains ------------------------------------------------------------- */

static int
method_from(const char *s, size_t len, enum rp_auth_method *out)
{
	for (unsigned m = 0; m < RP_AUTH_METHOD_COUNT; m++) {
		const char *name = rp_auth_method_name((enum rp_auth_method)m);
		if (strlen(name) == len && strncmp(s, name, len) == 0) {
			*out = (enum rp_auth_method)m;
			return 1;
		}
	}
	return 0;
}

int
rp_do_auth(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_block *b = rp_current_block(p);
	struct rp_auth_chain chain, *grown;
	const char *s = arg->text;
	char ex[80];

	(void)d;
	memset(&chain, 0, sizeof(chain));
	for (;;) {
		const char *plus = strchr(s, '+');
		size_t len = plus != NULL ? (size_t)(plus - s) : strlen(s);
		struct rp_token at = *arg;
		enum rp_auth_method m;

		at.col += (unsigned)(s - arg->text) + (arg->kind == RP_TOK_STRING);
		if (!method_from(s, len, &m))
			return rp_perr(p, &at, "unknown auth method '%.*s'; expected publickey, "
			    "password or keyboard-interactive, several joined with '+', or none alone",
			    (int)len, s);
		if (m == RP_AUTH_NONE && (chain.n > 0 || plus != NULL))
			return rp_perr(p, &at, "'none' joined with other methods; expected auth none "
			    "alone (no credential at all), or a chain without none");
		for (size_t i = 0; i < chain.n; i++)
			if (chain.methods[i] == m)
				return rp_perr(p, &at, "'%s' appears twice in the chain; expected each "
				    "method at most once", rp_auth_method_name(m));
		if (chain.n == RP_AUTH_CHAIN_MAX)
			return rp_perr(p, &at, "more than %d methods in a chain", RP_AUTH_CHAIN_MAX);
		chain.methods[chain.n++] = m;
		if (plus == NULL)
			break;
		s = plus + 1;
	}
	for (size_t i = 0; i < b->nauth; i++) {
		const struct rp_auth_chain *c = &b->auth[i];
		if (c->n == chain.n && memcmp(c->methods, chain.methods,
		    chain.n * sizeof(chain.methods[0])) == 0)
			return rp_perr(p, arg, "'auth %s' is already given at %s:%u:%u; expected each "
			    "chain once", rp_diag_excerpt(arg->text, ex, sizeof(ex)), c->pos.file,
			    c->pos.line, c->pos.col);
	}
	chain.pos = rp_at(p, &st->words[0]);
	if ((grown = rp_array_grow(b->auth, b->nauth, sizeof(*grown))) == NULL)
		return rp_out_of_memory(p, arg);
	b->auth = grown;
	grown[b->nauth++] = chain;
	return 1;
}

/* --- keys ------------------------------------------------------------------- */

int
rp_do_authorized_key(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos dpos = rp_at(p, &st->words[0]);
	struct rp_authkeys_line line;
	struct rp_policy_key **keys;
	size_t *nkeys;
	char why[320];
	int rc, bad_options;

	(void)d;
	rc = rp_authkeys_parse_line(arg->text, &line, &bad_options, why, sizeof(why));
	if (rc < 0)
		return rp_out_of_memory(p, arg);
	if (rc == 0 && bad_options)
		return rp_perr(p, arg, "invalid authorized-key options: %s; expected options as in "
		    "sshd(8)'s AUTHORIZED_KEYS FILE FORMAT before the key, such as "
		    "restrict,from=\"10.0.0.0/8\"", why);
	if (rc == 0)
		return rp_perr(p, arg, "invalid authorized-key: %s; expected a public key line "
		    "such as \"ssh-ed25519 AAAA... comment\"", why);
	rp_current_keys(p, &keys, &nkeys);
	rc = rp_keys_add(keys, nkeys, rp_current_block(p)->label, line.key, line.comment,
	    &line.options, &dpos, p->diag);
	line.key = NULL;
	line.comment = NULL;
	rp_authkeys_line_clear(&line);
	if (!rc)
		return rp_out_of_memory(p, arg);
	return 1;
}

/* %u, %h and %% only. Returns 0 with *bad the offset of a bad token. */
static int
check_tokens(const char *s, int *has_tokens, size_t *bad)
{
	*has_tokens = 0;
	for (size_t i = 0; s[i] != '\0'; i++) {
		if (s[i] != '%')
			continue;
		if (s[i + 1] != 'u' && s[i + 1] != 'h' && s[i + 1] != '%') {
			*bad = i;
			return 0;
		}
		*has_tokens |= s[i + 1] != '%';
		i++;
	}
	return 1;
}

static int
remember_loaded_file(struct parser *p, struct rp_block *b, const char *path,
    const struct rp_srcpos *pos)
{
	struct rp_srcpos *grown = rp_array_grow(b->loaded_keyfiles, b->nloaded_keyfiles,
	    sizeof(*grown));

	if (grown == NULL)
		return 0;
	b->loaded_keyfiles = grown;
	grown[b->nloaded_keyfiles] = *pos;
	(void)p;
	return rp_strings_add(&b->loaded_keyfile_paths, &b->nloaded_keyfiles, path);
}

int
rp_do_authorized_keys_file(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos dpos = rp_at(p, &st->words[0]);
	struct rp_block *b = rp_current_block(p);
	struct rp_keyfile_template *grown;
	struct rp_policy_key **keys;
	size_t *nkeys, bad;
	char *path, why[128], ex[80];
	int has_tokens;

	(void)d;
	if (!check_tokens(arg->text, &has_tokens, &bad)) {
		struct rp_token at = *arg;
		at.col += (unsigned)bad + (arg->kind == RP_TOK_STRING);
		return rp_perr(p, &at, "unknown token '%.2s' in the path; expected %%u (user name), "
		    "%%h (home directory) or %%%% (a '%%')", arg->text + bad);
	}
	/* A path that starts at the home directory is absolute once expanded. */
	if (strncmp(arg->text, "%h", 2) == 0) {
		if ((path = strdup(arg->text)) == NULL)
			return rp_out_of_memory(p, arg);
	} else if (!rp_resolve_path(p, arg, &path)) {
		return 0;
	}
	if (has_tokens) {
		grown = rp_array_grow(b->keyfiles, b->nkeyfiles, sizeof(*grown));
		if (grown == NULL) {
			free(path);
			return rp_out_of_memory(p, arg);
		}
		b->keyfiles = grown;
		grown[b->nkeyfiles].path = path;
		grown[b->nkeyfiles++].pos = dpos;
		return 1;
	}
	rp_current_keys(p, &keys, &nkeys);
	if (!rp_authkeys_load(p->policy, keys, nkeys, b->label, path, 1, p->diag, why,
	    sizeof(why))) {
		rp_perr(p, arg, "cannot read authorized-keys file '%s': %s; expected a readable "
		    "file of public keys", rp_diag_excerpt(path, ex, sizeof(ex)), why);
		free(path);
		return 0;
	}
	if (!remember_loaded_file(p, b, path, &dpos)) {
		free(path);
		return rp_out_of_memory(p, arg);
	}
	free(path);
	return 1;
}

static int
parse_principals(struct parser *p, const struct rp_token *tok, struct rp_user_ca *ca)
{
	const char *s = tok->text;
	char name[RP_PRINCIPAL_MAX + 1];

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (!rp_valid_principal(s, len))
			return rp_perr(p, tok, "invalid principal '%.*s'; expected names of letters, "
			    "digits, '.', '_', '-' or '@', separated by commas", (int)(len > 64 ? 64 :
			    len), s);
		memcpy(name, s, len);
		name[len] = '\0';
		if (!rp_strings_add(&ca->principals, &ca->nprincipals, name))
			return rp_out_of_memory(p, tok);
		if (comma == NULL)
			return 1;
		s = comma + 1;
	}
}

/* trusted-user-ca "KEY" [principals A,B] and trusted-user-ca-file PATH
 * [principals A,B] (d->lo set). */
int
rp_do_trusted_user_ca(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_block *b = rp_current_block(p);
	struct rp_user_ca ca, *grown;
	struct rp_srcpos dpos = rp_at(p, &st->words[0]);
	struct rp_pubkey *key;
	char *comment, why[128], ex[80];
	const char *err;
	int from_file = d->lo != 0;

	memset(&ca, 0, sizeof(ca));
	ca.pos = dpos;
	if (st->n >= 3 && strcmp(st->words[2].text, "principals") != 0)
		return rp_perr(p, &st->words[2], "unexpected '%s'; expected %s %s", rp_diag_excerpt(
		    st->words[2].text, ex, sizeof(ex)), d->name, d->usage);
	if (st->n == 3)
		return rp_perr(p, &st->words[2], "'principals' without names; expected principals "
		    "NAME,...");
	if (from_file) {
		if (!rp_resolve_path(p, arg, &ca.path))
			return 0;
		if (!rp_authkeys_load(p->policy, &ca.keys, &ca.nkeys, b->label, ca.path, 0,
		    p->diag, why, sizeof(why))) {
			rp_perr(p, arg, "cannot read CA key file '%s': %s; expected a readable file "
			    "of public keys", rp_diag_excerpt(ca.path, ex, sizeof(ex)), why);
			free(ca.path);
			return 0;
		}
		if (ca.nkeys == 0)
			rp_diag_warn(p->diag, &dpos, "no usable CA key in '%s'", ca.path);
	} else {
		if (!rp_pubkey_from_text(arg->text, &key, &comment, &err))
			return rp_perr(p, arg, "invalid trusted-user-ca: %s; expected a public key "
			    "line such as \"ssh-ed25519 AAAA... ca@example\"", err);
		if (!rp_keys_add(&ca.keys, &ca.nkeys, b->label, key, comment, NULL, &dpos,
		    p->diag))
			return rp_out_of_memory(p, arg);
	}
	if ((st->n == 4 && !parse_principals(p, &st->words[3], &ca)) ||
	    (grown = rp_array_grow(b->cas, b->ncas, sizeof(*grown))) == NULL) {
		if (p->diag->error[0] == '\0')
			rp_out_of_memory(p, arg);
		free(ca.path);
		rp_keys_free(ca.keys, ca.nkeys);
		rp_strings_free(ca.principals, ca.nprincipals);
		return 0;
	}
	b->cas = grown;
	grown[b->ncas++] = ca;
	return 1;
}

/* --- passwords and keyboard-interactive ------------------------------------ */

static int
is_crypt64(char c)
{
	return c == '.' || c == '/' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/* The length of the run of crypt base64 characters at s. */
static size_t
crypt64_run(const char *s)
{
	size_t n = 0;

	while (is_crypt64(s[n]))
		n++;
	return n;
}

/* NULL when hash has the shape of a crypt(3) hash rampart accepts, else
 * what is wrong. The hash itself is checked by libcrypt at login. */
static const char *
crypt_shape(const char *h)
{
	size_t n;

	if (strncmp(h, "$y$", 3) == 0) {
		h += 3;
		if ((n = crypt64_run(h)) == 0 || h[n] != '$')
			return "a yescrypt hash needs $y$PARAMS$SALT$HASH";
		h += n + 1;
		if ((n = crypt64_run(h)) == 0 || h[n] != '$')
			return "a yescrypt hash needs $y$PARAMS$SALT$HASH";
		h += n + 1;
		if (crypt64_run(h) != 43 || h[43] != '\0')
			return "a yescrypt hash ends with 43 characters of ./0-9A-Za-z";
		return NULL;
	}
	if (strncmp(h, "$6$", 3) == 0 || strncmp(h, "$5$", 3) == 0) {
		size_t want = h[1] == '6' ? 86 : 43;
		const char *what = h[1] == '6' ? "a sha512crypt hash ends with 86 characters of "
		    "./0-9A-Za-z" : "a sha256crypt hash ends with 43 characters of ./0-9A-Za-z";
		h += 3;
		if (strncmp(h, "rounds=", 7) == 0) {
			h += 7;
			n = strspn(h, "0123456789");
			if (n == 0 || n > 9 || h[n] != '$')
				return "rounds=N$ needs a number of rounds";
			h += n + 1;
		}
		if ((n = crypt64_run(h)) == 0 || n > 16 || h[n] != '$')
			return "the salt must be 1 to 16 characters of ./0-9A-Za-z followed by '$'";
		h += n + 1;
		if (crypt64_run(h) != want || h[want] != '\0')
			return what;
		return NULL;
	}
	if (strncmp(h, "$2b$", 4) == 0) {
		h += 4;
		if (h[0] < '0' || h[0] > '3' || h[1] < '0' || h[1] > '9' || h[2] != '$' ||
		    (h[0] - '0') * 10 + (h[1] - '0') < 4 || (h[0] - '0') * 10 + (h[1] - '0') > 31)
			return "a bcrypt hash needs a cost from 04 to 31: $2b$NN$";
		h += 3;
		if (crypt64_run(h) != 53 || h[53] != '\0')
			return "a bcrypt hash ends with 53 characters of ./0-9A-Za-z";
		return NULL;
	}
	return "not a supported hash";
}

static int
conflicts(struct parser *p, const struct rp_token *tok, const char *self, const char *other)
{
	const struct rp_srcpos *seen = rp_seen_in_block(p, other);

	if (seen == NULL)
		return 0;
	rp_perr(p, tok, "'%s' conflicts with '%s' at %s:%u:%u; expected one of them", self, other,
	    seen->file, seen->line, seen->col);
	return 1;
}

static int
set_text(struct parser *p, struct rp_text_setting *t, const struct rp_token *tok,
    const struct rp_token *arg)
{
	char *copy = strdup(arg->text);

	if (copy == NULL)
		return rp_out_of_memory(p, arg);
	free(t->value);
	t->value = copy;
	t->pos = rp_at(p, tok);
	return 1;
}

int
rp_do_password_hash(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	const char *why;

	(void)d;
	if (conflicts(p, &st->words[0], "password-hash", "password"))
		return 0;
	if ((why = crypt_shape(arg->text)) != NULL)
		return rp_perr(p, arg, "invalid password-hash: %s; expected a crypt(3) hash: $y$ "
		    "(yescrypt), $6$ (sha512crypt), $5$ (sha256crypt) or $2b$ (bcrypt), in double "
		    "quotes", why);
	return set_text(p, &rp_current_block(p)->password_hash, &st->words[0], arg);
}

int
rp_do_password(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	char ex[80];

	(void)d;
	if (strcmp(arg->text, "system") != 0)
		return rp_perr(p, arg, "'password' expects 'system', got '%s'; expected password "
		    "system, or password-hash \"HASH\"", rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	if (conflicts(p, &st->words[0], "password", "password-hash"))
		return 0;
	rp_current_block(p)->password_system = rp_at(p, &st->words[0]);
	return 1;
}

int
rp_do_totp_secrets(struct parser *p, const struct directive *d, const struct stmt *st)
{
	struct rp_block *b = rp_current_block(p);
	char *path;

	(void)d;
	if (!rp_resolve_path(p, &st->words[1], &path))
		return 0;
	free(b->totp_secrets.value);
	b->totp_secrets.value = path;
	b->totp_secrets.pos = rp_at(p, &st->words[0]);
	return 1;
}

int
rp_do_prompt_text(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_text_setting *t = (struct rp_text_setting *)(void *)
	    ((char *)rp_current_block(p) + d->field);

	if (arg->len == 0 || arg->len > MAX_PROMPT)
		return rp_perr(p, arg, "'%s' expects 1 to %d bytes of text, got %zu", d->name,
		    MAX_PROMPT, arg->len);
	return set_text(p, t, &st->words[0], arg);
}

/* A whole number from d->lo to d->hi into the block's rp_uint_setting at
 * d->field: totp-digits, totp-window. */
int
rp_do_block_count(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_uint_setting *set = (struct rp_uint_setting *)(void *)
	    ((char *)rp_current_block(p) + d->field);
	uint64_t v;
	char ex[80];

	if (!rp_parse_count(arg->text, &v) || v < d->lo || v > d->hi)
		return rp_perr(p, arg, "'%s' expects a whole number from %llu to %llu, got '%s'",
		    d->name, (unsigned long long)d->lo, (unsigned long long)d->hi,
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	set->value = (unsigned)v;
	set->pos = rp_at(p, &st->words[0]);
	return 1;
}

int
rp_do_totp_period(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_uint_setting *set = &rp_current_block(p)->totp_period;
	unsigned v;
	char ex[80], lo[24], hi[24];

	if (!rp_parse_duration(arg->text, &v) || v < d->lo || v > d->hi)
		return rp_perr(p, arg, "'%s' expects a duration from %s to %s (such as 30s or 1m), "
		    "got '%s'", d->name, rp_format_duration((unsigned)d->lo, lo, sizeof(lo)),
		    rp_format_duration((unsigned)d->hi, hi, sizeof(hi)),
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	set->value = v;
	set->pos = rp_at(p, &st->words[0]);
	return 1;
}

int
rp_do_totp_algorithm(struct parser *p, const struct directive *d, const struct stmt *st)
{
	static const struct {
		const char *name;
		enum rp_totp_hash hash;
	} algs[] = { { "sha1", RP_TOTP_SHA1 }, { "sha256", RP_TOTP_SHA256 },
		{ "sha512", RP_TOTP_SHA512 } };
	const struct rp_token *arg = &st->words[1];
	struct rp_uint_setting *set = &rp_current_block(p)->totp_algorithm;
	char ex[80];

	for (size_t i = 0; i < RP_NELEM(algs); i++) {
		if (arg->kind == RP_TOK_WORD && strcmp(arg->text, algs[i].name) == 0) {
			set->value = (unsigned)algs[i].hash;
			set->pos = rp_at(p, &st->words[0]);
			return 1;
		}
	}
	return rp_perr(p, arg, "'%s' expects sha1, sha256 or sha512, got '%s'", d->name,
	    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
}

int
rp_do_max_sessions(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_block *b = rp_current_block(p);
	uint64_t v;
	char ex[80];

	if (!rp_parse_count(arg->text, &v) || v < d->lo || v > d->hi)
		return rp_perr(p, arg, "'max-sessions' expects a whole number from %llu to %llu, "
		    "got '%s'", (unsigned long long)d->lo, (unsigned long long)d->hi,
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	b->max_sessions = (unsigned)v;
	b->max_sessions_pos = rp_at(p, &st->words[0]);
	return 1;
}

/* --- banners ----------------------------------------------------------------- */

/* Where a banner goes: the policy's (top level, shown before
 * authentication) or the block's (shown after it). */
struct banner_slot {
	char **text;
	char **file;
	struct rp_srcpos *pos; /* NULL at top level: the parser notes the setting */
};

static void
banner_slot(struct parser *p, struct banner_slot *slot)
{
	struct rp_block *b;

	if (rp_top_frame(p)->kind == BLOCK_TOP) {
		slot->text = &p->policy->banner;
		slot->file = &p->policy->banner_file;
		slot->pos = NULL;
		return;
	}
	b = rp_current_block(p);
	slot->text = &b->banner.value;
	slot->file = &b->banner_file;
	slot->pos = &b->banner.pos;
}

int
rp_do_banner(struct parser *p, const struct directive *d, const struct stmt *st)
{
	struct banner_slot slot;
	char *copy;

	(void)d;
	if (conflicts(p, &st->words[0], "banner", "banner-file"))
		return 0;
	if (st->words[1].len == 0)
		return rp_perr(p, &st->words[1], "empty banner; expected some text, or no banner "
		    "line at all");
	if ((copy = strdup(st->words[1].text)) == NULL)
		return rp_out_of_memory(p, &st->words[1]);
	banner_slot(p, &slot);
	free(*slot.text);
	*slot.text = copy;
	if (slot.pos != NULL)
		*slot.pos = rp_at(p, &st->words[0]);
	return 1;
}

/* Banner text is shown on users' terminals: UTF-8 without control
 * characters other than tab and line ends. Returns the 1-based line of the
 * first bad byte, or 0. */
static unsigned
bad_banner_line(const char *text, size_t len)
{
	unsigned line = 1;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		size_t n = 0;
		if (c == '\n') {
			line++;
			continue;
		}
		if (c == '\t' || c == '\r' || (c >= 0x20 && c < 0x7f))
			continue;
		if (c < 0x80)
			return line;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return line;
		if (i + n >= len)
			return line;
		for (size_t k = 1; k <= n; k++)
			if (((unsigned char)text[i + k] & 0xc0) != 0x80)
				return line;
		/* C1 controls (U+0080..U+009F) are escape sequences on some terminals. */
		if (c == 0xc2 && (unsigned char)text[i + 1] < 0xa0)
			return line;
		i += n;
	}
	return 0;
}

int
rp_do_banner_file(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct banner_slot slot;
	char *path, *text, why[128], ex[80];
	size_t len;
	unsigned bad;

	(void)d;
	if (conflicts(p, &st->words[0], "banner-file", "banner"))
		return 0;
	if (!rp_resolve_path(p, arg, &path))
		return 0;
	if (!rp_read_file(path, RP_BANNER_MAX, &text, &len, why, sizeof(why))) {
		rp_perr(p, arg, "cannot read banner file '%s': %s; expected a readable text file of "
		    "at most 16 KiB", rp_diag_excerpt(path, ex, sizeof(ex)), why);
		free(path);
		return 0;
	}
	if ((bad = bad_banner_line(text, len)) != 0) {
		rp_perr(p, arg, "banner file '%s' line %u: control character or invalid UTF-8; "
		    "expected UTF-8 text", rp_diag_excerpt(path, ex, sizeof(ex)), bad);
		free(text);
		free(path);
		return 0;
	}
	banner_slot(p, &slot);
	free(*slot.text);
	free(*slot.file);
	*slot.text = text;
	*slot.file = path;
	if (slot.pos != NULL)
		*slot.pos = rp_at(p, &st->words[0]);
	return 1;
}

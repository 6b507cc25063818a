/*
 * policy/authkeys.c: OpenSSH authorized_keys files, and the question "is
 * this key authorized for this principal".
 *
 * A file named without %u or %h is read when the policy loads; one with them
 * (`authorized-keys-file %h/.ssh/authorized_keys`, `/etc/rampart/keys/%u`)
 * is read when a user authenticates, by rp_policy_authorize_key.
 *
 * Fail closed. At load, a file that cannot be read stops the load. At
 * authentication, a missing file holds no keys, and one that is not a
 * regular file, is too large, or could have been written by someone other
 * than root or the user, is skipped with a warning. In a file that can be
 * read, a line rampart cannot use is skipped with a warning naming the file
 * and line, and the good keys around it still count. A line with
 * authorized_keys options before its key (from=, command=, restrict,
 * no-pty, ...) is skipped too: until rampart enforces those options,
 * accepting the key while ignoring them would grant more than the line
 * says.
 */
#include "policy/internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sshkey.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Control characters other than tab (NUL included) make a line unusable. */
static int
has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
	}
	return 0;
}

/* Is the word at p (up to a blank or the end) a key type name? */
static int
word_is_key_type(const char *p)
{
	enum rp_key_type type;
	char word[64];
	size_t n = 0;

	while (p[n] != '\0' && !is_blank(p[n]))
		n++;
	if (n >= sizeof(word))
		return 0;
	memcpy(word, p, n);
	word[n] = '\0';
	return rp_key_type_from_name(word, &type);
}

/* The first word of line is not a key type, but a key starts at a later
 * word: the line is "options key [comment]". */
static int
options_before_key(const char *line)
{
	const char *p = line, *err;
	struct rp_pubkey *key;

	while (is_blank(*p))
		p++;
	if (word_is_key_type(p))
		return 0;
	for (;;) {
		while (*p != '\0' && !is_blank(*p))
			p++;
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			return 0;
		if (word_is_key_type(p) && rp_pubkey_from_text(p, &key, NULL, &err)) {
			rp_pubkey_free(key);
			return 1;
		}
	}
}

/* Called with each usable key of a file; returns -1 to fail (out of
 * memory), 0 to go on, 1 to stop. Takes over key and comment. */
typedef int (*key_fn)(void *ctx, struct rp_pubkey *key, char *comment,
    const struct rp_srcpos *pos);

/* One non-blank, non-comment line. Returns as fn does, or -1 when out of
 * memory. */
static int
one_line(const char *text, size_t len, const struct rp_srcpos *pos,
    struct rp_policy_diag *diag, key_fn fn, void *ctx)
{
	struct rp_pubkey *key;
	char *line, *comment;
	const char *err;

	if (has_control(text, len)) {
		rp_diag_warn(diag, pos, "control character in the line; key skipped");
		return 0;
	}
	if ((line = strndup(text, len)) == NULL)
		return -1;
	if (rp_pubkey_from_text(line, &key, &comment, &err)) {
		free(line);
		return fn(ctx, key, comment, pos);
	}
	if (options_before_key(line))
		rp_diag_warn(diag, pos, "authorized_keys options are not supported yet; "
		    "key skipped");
	else
		rp_diag_warn(diag, pos, "not a usable public key line (%s); key skipped", err);
	free(line);
	return 0;
}

/* Every line of text, as `file`. Returns as fn does. */
static int
each_line(const char *file, const char *text, size_t len, struct rp_policy_diag *diag,
    key_fn fn, void *ctx)
{
	struct rp_srcpos pos = { file, 0, 0 };
	size_t off = 0;
	int rc;

	while (off < len) {
		const char *start = text + off, *nl = memchr(start, '\n', len - off);
		size_t n = nl != NULL ? (size_t)(nl - start) : len - off, lead = 0;

		off += n + (nl != NULL ? 1 : 0);
		pos.line++;
		if (n > 0 && start[n - 1] == '\r')
			n--;
		while (lead < n && is_blank(start[lead]))
			lead++;
		if (lead == n || start[lead] == '#')
			continue;
		pos.col = (unsigned)lead + 1;
		if ((rc = one_line(start, n, &pos, diag, fn, ctx)) != 0)
			return rc;
	}
	return 0;
}

/* --- at load --------------------------------------------------------------- */

struct load_ctx {
	struct rp_policy_key **keys;
	size_t *nkeys;
	const char *owner;
	struct rp_policy_diag *diag;
};

static int
load_key(void *ctx, struct rp_pubkey *key, char *comment, const struct rp_srcpos *pos)
{
	struct load_ctx *c = ctx;

	return rp_keys_add(c->keys, c->nkeys, c->owner, key, comment, pos, c->diag) ? 0 : -1;
}

int
rp_authkeys_load(struct rp_policy *policy, struct rp_policy_key **keys, size_t *nkeys,
    const char *owner, const char *path, struct rp_policy_diag *diag, char *why,
    size_t whysz)
{
	struct load_ctx ctx = { keys, nkeys, owner, diag };
	const char *file;
	char *text;
	size_t len;
	int rc;

	if (!rp_read_file(path, RP_AUTHKEYS_MAX_FILE, &text, &len, why, whysz))
		return 0;
	if ((file = rp_policy_intern_file(policy, path)) == NULL)
		rc = -1;
	else
		rc = each_line(file, text, len, diag, load_key, &ctx);
	free(text);
	if (rc < 0) {
		snprintf(why, whysz, "out of memory");
		return 0;
	}
	return 1;
}

/* --- at authentication -------------------------------------------------------- */

struct scan_ctx {
	const struct rp_pubkey *want;
	struct rp_srcpos found;
};

static int
scan_key(void *ctx, struct rp_pubkey *key, char *comment, const struct rp_srcpos *pos)
{
	struct scan_ctx *c = ctx;
	int equal = rp_pubkey_equal(key, c->want);

	rp_pubkey_free(key);
	free(comment);
	if (!equal)
		return 0;
	c->found = *pos;
	return 1;
}

int
rp_authkeys_scan(const char *file, const char *text, size_t len, const struct rp_pubkey *key,
    struct rp_policy_diag *diag, struct rp_srcpos *found)
{
	struct scan_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.want = key;
	if (each_line(file, text, len, diag, scan_key, &ctx) != 1)
		return 0;
	*found = ctx.found;
	return 1;
}

int
rp_keyfile_expand(const char *tmpl, const char *user, const char *home, char *out,
    size_t outsz)
{
	size_t off = 0;

	for (const char *s = tmpl; *s != '\0'; s++) {
		const char *add = NULL;
		char one[2] = { *s, '\0' };
		if (*s == '%' && s[1] == 'u')
			add = user;
		else if (*s == '%' && s[1] == 'h')
			add = home;
		else if (*s == '%' && s[1] == '%')
			add = "%";
		if (*s == '%') {
			if (add == NULL)
				return 0;
			s++;
		} else {
			add = one;
		}
		size_t n = strlen(add);
		if (off + n >= outsz)
			return 0;
		memcpy(out + off, add, n);
		off += n;
	}
	out[off] = '\0';
	return 1;
}

static int
keys_match(const struct rp_policy_key *keys, size_t nkeys, const struct rp_pubkey *key,
    const char *block, struct rp_key_source *out)
{
	const struct rp_policy_key *found = rp_keys_find(keys, nkeys, key);

	if (found == NULL)
		return 0;
	memset(out, 0, sizeof(*out));
	out->pos = found->pos;
	out->block = block;
	return 1;
}

static int
keyfiles_match(const struct rp_block *b, const char *user, const struct rp_pubkey *key,
    const struct rp_account *acct, struct rp_policy_diag *diag, struct rp_key_source *out)
{
	for (size_t i = 0; i < b->nkeyfiles; i++) {
		char path[PATH_MAX], why[128], *text;
		const struct rp_keyfile_template *t = &b->keyfiles[i];
		struct rp_srcpos found;
		size_t len;
		int missing, ok;

		if (!rp_keyfile_expand(t->path, user, acct != NULL ? acct->home : NULL, path,
		    sizeof(path)))
			continue; /* %h without a home directory: no keys */
		if (!rp_read_file_checked(path, RP_AUTHKEYS_MAX_FILE, 1, acct != NULL ? acct->uid :
		    0, &text, &len, &missing, why, sizeof(why))) {
			if (!missing)
				rp_diag_warn(diag, &t->pos, "authorized-keys file '%s' for %s skipped: %s",
				    path, user, why);
			continue;
		}
		memset(out, 0, sizeof(*out));
		snprintf(out->file, sizeof(out->file), "%s", path);
		ok = rp_authkeys_scan(out->file, text, len, key, diag, &found);
		free(text);
		if (ok) {
			out->pos = found;
			out->pos.file = out->file;
			out->block = b->label;
			return 1;
		}
	}
	return 0;
}

int
rp_policy_authorize_key(const struct rp_policy *policy,
    const struct rp_principal *principal, const struct rp_pubkey *key,
    const struct rp_account *acct, struct rp_policy_diag *diag, struct rp_key_source *out)
{
	const struct rp_policy_user *u = principal->user;

	(void)policy;
	if (u != NULL && keys_match(u->keys, u->nkeys, key, u->block->label, out))
		return 1;
	for (size_t i = 0; i < principal->ngroups; i++) {
		const struct rp_policy_group *g = principal->groups[i];
		if (keys_match(g->keys, g->nkeys, key, g->block->label, out))
			return 1;
	}
	if (u != NULL && keyfiles_match(u->block, principal->name, key, acct, diag, out))
		return 1;
	for (size_t i = 0; i < principal->ngroups; i++)
		if (keyfiles_match(principal->groups[i]->block, principal->name, key, acct, diag,
		    out))
			return 1;
	memset(out, 0, sizeof(*out));
	return 0;
}

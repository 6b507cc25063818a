/*
 * policy/authkeys.c: OpenSSH authorized_keys lines and files.
 *
 * A line is "[OPTIONS] TYPE BASE64 [COMMENT]" (sshd(8), AUTHORIZED_KEYS
 * FILE FORMAT); the options are parsed by keyopts.c. The same parser reads
 * inline `authorized-key "..."` values and the lines of key files.
 *
 * A file named without %u or %h is read when the policy loads; one with them
 * (`authorized-keys-file %h/.ssh/authorized_keys`, `/etc/rampart/keys/%u`)
 * is read when a user authenticates (authorize.c).
 *
 * Fail closed. In a file that can be read, a line rampart cannot use is
 * skipped with a warning naming the file and line, and the good keys around
 * it still count. A line whose options rampart cannot parse or carry out is
 * such a line: accepting the key while ignoring its options would grant
 * more than the line says.
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

void
rp_authkeys_line_clear(struct rp_authkeys_line *line)
{
	rp_pubkey_free(line->key);
	free(line->comment);
	rp_key_options_free(&line->options);
	memset(line, 0, sizeof(*line));
	rp_key_options_init(&line->options);
}

int
rp_authkeys_parse_line(const char *line, struct rp_authkeys_line *out, int *bad_options,
    char *why, size_t whysz)
{
	const char *p = line, *keytext, *err, *whole_err;
	struct rp_pubkey *key;
	size_t optlen = 0;

	memset(out, 0, sizeof(*out));
	rp_key_options_init(&out->options);
	*bad_options = 0;
	while (is_blank(*p))
		p++;
	keytext = p;
	if (!word_is_key_type(p)) {
		/* Options first, as OpenSSH reads a line that does not start
		 * with a key type. */
		if (!rp_key_options_span(p, &optlen)) {
			*bad_options = 1;
			snprintf(why, whysz, "bad quoting: a '\"' is not closed");
			return 0;
		}
		keytext = p + optlen;
		while (is_blank(*keytext))
			keytext++;
	}
	if (!rp_pubkey_from_text(keytext, &out->key, &out->comment, &err)) {
		if (strcmp(err, "out of memory") == 0)
			return -1;
		/* No key type after the options either: what is wrong is the
		 * line's first word ("unknown or unsupported key type"). */
		if (keytext != p && !word_is_key_type(keytext)) {
			if (rp_pubkey_from_text(p, &key, NULL, &whole_err))
				rp_pubkey_free(key);
			else
				err = whole_err;
		}
		snprintf(why, whysz, "%s", err);
		return 0;
	}
	if (optlen == 0)
		return 1;
	if (!rp_key_options_parse(p, optlen, &out->options, why, whysz)) {
		rp_authkeys_line_clear(out);
		if (strcmp(why, "out of memory") == 0)
			return -1;
		*bad_options = 1;
		return 0;
	}
	return 1;
}

/* Every non-blank, non-comment line of text, as `file`. Returns as fn
 * does, or -1 when out of memory. */
int
rp_authkeys_scan(const char *file, const char *text, size_t len,
    struct rp_policy_diag *diag, rp_authkeys_fn fn, void *ctx)
{
	struct rp_srcpos pos = { file, 0, 0 };
	struct rp_authkeys_line line;
	size_t off = 0;
	char why[320], *copy;
	int rc, bad_options;

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
		if (has_control(start, n)) {
			rp_diag_warn(diag, &pos, "control character in the line; key skipped");
			continue;
		}
		if ((copy = strndup(start, n)) == NULL)
			return -1;
		rc = rp_authkeys_parse_line(copy, &line, &bad_options, why, sizeof(why));
		free(copy);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			rp_diag_warn(diag, &pos, bad_options ? "authorized_keys options: %s; key "
			    "skipped" : "not a usable public key line (%s); key skipped", why);
			continue;
		}
		line.pos = pos;
		rc = fn(ctx, &line);
		rp_authkeys_line_clear(&line);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* --- at load --------------------------------------------------------------- */

struct load_ctx {
	struct rp_policy_key **keys;
	size_t *nkeys;
	const char *owner;
	int allow_options;
	struct rp_policy_diag *diag;
};

static int
load_key(void *ctx, struct rp_authkeys_line *line)
{
	struct load_ctx *c = ctx;
	struct rp_key_options opts = line->options;
	struct rp_pubkey *key = line->key;
	char *comment = line->comment;

	if (opts.text != NULL && !c->allow_options) {
		rp_diag_warn(c->diag, &line->pos, "options are not allowed in a CA key file; "
		    "key skipped");
		return 0;
	}
	line->key = NULL;
	line->comment = NULL;
	rp_key_options_init(&line->options);
	return rp_keys_add(c->keys, c->nkeys, c->owner, key, comment, &opts, &line->pos,
	    c->diag) ? 0 : -1;
}

int
rp_authkeys_load(struct rp_policy *policy, struct rp_policy_key **keys, size_t *nkeys,
    const char *owner, const char *path, int allow_options, struct rp_policy_diag *diag,
    char *why, size_t whysz)
{
	struct load_ctx ctx = { keys, nkeys, owner, allow_options, diag };
	const char *file;
	char *text;
	size_t len;
	int rc;

	if (!rp_read_file(path, RP_AUTHKEYS_MAX_FILE, &text, &len, why, whysz))
		return 0;
	if ((file = rp_policy_intern_file(policy, path)) == NULL)
		rc = -1;
	else
		rc = rp_authkeys_scan(file, text, len, diag, load_key, &ctx);
	free(text);
	if (rc < 0) {
		snprintf(why, whysz, "out of memory");
		return 0;
	}
	return 1;
}

/* --- %u and %h ---------------------------------------------------------------- */

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

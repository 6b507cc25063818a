/*
 * policy/authkeys.c: an OpenSSH authorized_keys file named by a user's
 * `authorized-keys-file`, read when the policy loads.
 *
 * Fail closed. A file that cannot be read stops the load. In a file that can,
 * a line rampart cannot use is skipped with a warning naming the file and
 * line, and the good keys around it still count. A line with authorized_keys
 * options before its key (from=, command=, restrict, no-pty, ...) is skipped
 * too: until rampart enforces those options, accepting the key while
 * ignoring them would grant more than the line says.
 */
#include "policy/internal.h"

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

/* One non-blank, non-comment line. Returns 0 only when out of memory. */
static int
load_line(struct rp_policy_user *user, const char *text, size_t len,
    const struct rp_srcpos *pos, struct rp_policy_diag *diag)
{
	struct rp_pubkey *key;
	char *line, *comment;
	const char *err;

	if (has_control(text, len)) {
		rp_diag_warn(diag, pos, "control character in the line; key skipped");
		return 1;
	}
	if ((line = strndup(text, len)) == NULL)
		return 0;
	if (rp_pubkey_from_text(line, &key, &comment, &err)) {
		free(line);
		return rp_policy_user_add_key(user, key, comment, pos, diag);
	}
	if (options_before_key(line))
		rp_diag_warn(diag, pos, "authorized_keys options are not supported yet; "
		    "key skipped");
	else
		rp_diag_warn(diag, pos, "not a usable public key line (%s); key skipped", err);
	free(line);
	return 1;
}

int
rp_authkeys_load(struct rp_policy *policy, struct rp_policy_user *user, const char *path,
    struct rp_policy_diag *diag, char *why, size_t whysz)
{
	struct rp_srcpos pos;
	char *text;
	size_t len, off = 0;

	if (!rp_read_file(path, RP_AUTHKEYS_MAX_FILE, &text, &len, why, whysz))
		return 0;
	pos.line = 0;
	if ((pos.file = rp_policy_intern_file(policy, path)) == NULL)
		goto oom;
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
		if (!load_line(user, start, n, &pos, diag))
			goto oom;
	}
	free(text);
	return 1;
oom:
	free(text);
	snprintf(why, whysz, "out of memory");
	return 0;
}

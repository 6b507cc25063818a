/*
 * policy/parser.c: statements and blocks, driven by a table of directives.
 *
 * A statement is a directive name and its arguments (words or quoted
 * strings), ended by a newline or ';', by '{' when the directive opens a
 * block, or by '}' or the end of the file. The directive table says where
 * each directive may appear, how many arguments it takes, whether it opens a
 * block, whether it may be given only once, and which handler applies it;
 * the checks that follow from those columns are made once, in
 * run_statement(), before any handler runs. A new directive is one row in
 * the table, plus a handler when none of the existing ones fits.
 *
 * Every file being read is a `struct source` with its own lexer and the
 * directory its relative paths resolve against; the block stack lives in the
 * parser, and a source may only close the blocks it opened. That is what an
 * `include` directive needs: read another file at top level, with the same
 * policy, the same "given only once" bookkeeping and its own positions.
 *
 * The load stops at the first error, which names file, line and column.
 */
#include "policy/internal.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sshkey.h"
#include "policy/lexer.h"

#define MAX_DIRECTIVES 64 /* rows in the table; checked below it */
#define MAX_DEPTH 8       /* nested blocks, top level included */
#define MAX_WORDS 1024    /* words in one statement */
#define MAX_LOGIN_NAME 32

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* --- blocks -------------------------------------------------------------- */

enum block_kind {
	BLOCK_TOP,
	BLOCK_USER,
	BLOCK_KINDS,
	NO_BLOCK = -1,
};

#define IN_TOP (1u << BLOCK_TOP)
#define IN_USER (1u << BLOCK_USER)

/* How messages name each kind of block. */
static const struct {
	const char *inside; /* "a directive belongs <inside>" */
	const char *here;   /* "unknown directive 'x'<here>" */
} blocks[BLOCK_KINDS] = {
	[BLOCK_TOP] = { "at top level", "" },
	[BLOCK_USER] = { "inside a 'user NAME { ... }' block", " inside a 'user' block" },
};

struct frame {
	enum block_kind kind;
	char label[80];          /* "user alice", for messages */
	struct rp_srcpos pos;    /* the directive that opened the block */
	long user;               /* BLOCK_USER: index into policy->users */
	/* Where each directive flagged ONCE was given in this block. */
	struct rp_srcpos seen[MAX_DIRECTIVES];
};

/* A file being read. */
struct source {
	const char *file;  /* interned: rp_srcpos.file */
	const char *dir;   /* absolute; NULL: relative paths stay as written */
	struct rp_lexer lx;
	size_t base;       /* frames[0..base] belong to whoever read this file */
};

struct parser {
	struct rp_policy *policy;
	struct rp_policy_diag *diag;
	struct rp_policy_diag quiet; /* the diag when the caller passes none */
	struct source *src;
	struct frame frames[MAX_DEPTH];
	size_t nframes;
};

struct stmt {
	struct rp_token *words; /* words[0] is the directive name */
	size_t n;
	struct rp_token end;    /* END, OPEN, CLOSE or EOF */
};

struct directive;
typedef int (*handler_fn)(struct parser *, const struct directive *, const struct stmt *);

#define ONCE 0x1 /* at most once per block (top level: per policy) */

struct directive {
	const char *name;
	unsigned where;       /* IN_* bits */
	unsigned min_args;
	unsigned max_args;
	int opens;            /* the block kind it opens, or NO_BLOCK */
	unsigned flags;
	const char *usage;    /* its arguments, for messages */
	handler_fn fn;
	/* For the generic setting handlers: which field, and its bounds. */
	size_t field;         /* offsetof(struct rp_policy, ...) */
	uint64_t lo, hi;
};

/* --- helpers ------------------------------------------------------------- */

static struct rp_srcpos
at(const struct parser *p, const struct rp_token *tok)
{
	struct rp_srcpos pos = { p->src->file, tok->line, tok->col };

	return pos;
}

static struct frame *
top_frame(struct parser *p)
{
	return &p->frames[p->nframes - 1];
}

static struct rp_policy_user *
current_user(struct parser *p)
{
	return &p->policy->users[top_frame(p)->user];
}

static int
out_of_memory(struct parser *p, const struct rp_token *tok)
{
	struct rp_srcpos pos = at(p, tok);

	return rp_diag_error(p->diag, &pos, "out of memory");
}

/* "at top level", "inside a 'user NAME { ... }' block", joined with "or". */
static const char *
where_text(unsigned where, char *buf, size_t bufsz)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int k = 0; k < BLOCK_KINDS && off < bufsz; k++) {
		if (!(where & (1u << k)))
			continue;
		int n = snprintf(buf + off, bufsz - off, "%s%s", off ? " or " : "", blocks[k].inside);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* A login name: a letter or '_' first, then letters, digits, '_', '.', '-';
 * at most 32 bytes. The portable set of POSIX and useradd(8). */
static int
valid_login_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MAX_LOGIN_NAME)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

#define LOGIN_NAME_RULE "a letter or '_' first, then letters, digits, '_', '.' or '-', " \
	"at most 32 bytes"

/* The path a PATH argument names: absolute as written; relative against the
 * directory of the file that names it (as written when there is none, for
 * rp_policy_load_text). *out is malloc'd. */
static int
resolve_path(struct parser *p, const struct rp_token *tok, char **out)
{
	struct rp_srcpos pos = at(p, tok);
	const char *dir = p->src->dir;
	size_t dirlen;
	int n;

	*out = NULL;
	if (tok->len == 0)
		return rp_diag_error(p->diag, &pos, "empty path; expected a file name");
	if (tok->text[0] == '/' || dir == NULL) {
		*out = strdup(tok->text);
	} else {
		dirlen = strlen(dir);
		n = asprintf(out, "%s%s%s", dir, dirlen > 0 && dir[dirlen - 1] == '/' ? "" : "/",
		    tok->text);
		if (n < 0)
			*out = NULL;
	}
	if (*out == NULL)
		return out_of_memory(p, tok);
	if (strlen(*out) >= PATH_MAX) {
		free(*out);
		*out = NULL;
		return rp_diag_error(p->diag, &pos, "path longer than %d bytes; expected a "
		    "shorter path", PATH_MAX - 1);
	}
	return 1;
}

/* --- generic setting handlers ---------------------------------------------
 * A row's `field` says which member of struct rp_policy they set; `lo` and
 * `hi` bound it. */

static int
set_duration(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = at(p, arg);
	char lo[24], hi[24], ex[80];
	unsigned v;

	if (!rp_parse_duration(arg->text, &v) || v < d->lo || v > d->hi)
		return rp_diag_error(p->diag, &pos, "'%s' expects a duration from %s to %s "
		    "(such as 30s, 5m or 1h), got '%s'", d->name,
		    rp_format_duration((unsigned)d->lo, lo, sizeof(lo)),
		    rp_format_duration((unsigned)d->hi, hi, sizeof(hi)),
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	*(unsigned *)(void *)((char *)p->policy + d->field) = v;
	return 1;
}

static int
set_count(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = at(p, arg);
	char ex[80];
	uint64_t v;

	if (!rp_parse_count(arg->text, &v) || v < d->lo || v > d->hi)
		return rp_diag_error(p->diag, &pos, "'%s' expects a whole number from %llu to "
		    "%llu, got '%s'", d->name, (unsigned long long)d->lo,
		    (unsigned long long)d->hi, rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	*(unsigned *)(void *)((char *)p->policy + d->field) = (unsigned)v;
	return 1;
}

static int
replace_string(struct parser *p, const struct directive *d, const struct rp_token *arg)
{
	char **field = (char **)(void *)((char *)p->policy + d->field);
	char *copy;

	if ((copy = strdup(arg->text)) == NULL)
		return out_of_memory(p, arg);
	free(*field);
	*field = copy;
	return 1;
}

static int
set_login_name(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = at(p, arg);
	char ex[80];

	if (!valid_login_name(arg->text))
		return rp_diag_error(p->diag, &pos, "'%s' expects a user name (" LOGIN_NAME_RULE
		    "), got '%s'", d->name, rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	return replace_string(p, d, arg);
}

static int
set_absolute_path(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = at(p, arg);
	char ex[80];

	if (arg->text[0] != '/' || arg->len >= PATH_MAX)
		return rp_diag_error(p->diag, &pos, "'%s' expects an absolute path, got '%s'",
		    d->name, rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	return replace_string(p, d, arg);
}

/* --- top-level directives ------------------------------------------------ */

static int
do_listen(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = at(p, arg);
	struct rp_policy *policy = p->policy;
	struct rp_policy_listen *listens, *l;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	const char *why = "too long";
	char ex[80];

	(void)d;
	if (arg->len >= sizeof(l->text) ||
	    !rp_parse_listen_address(arg->text, &addr, &addrlen, &why))
		return rp_diag_error(p->diag, &pos, "invalid listen address '%s': %s; expected "
		    "ADDRESS:PORT with a numeric address, such as 127.0.0.1:2222 or [::1]:2222",
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)), why);
	for (size_t i = 0; i < policy->nlistens; i++) {
		l = &policy->listens[i];
		if (rp_sockaddr_equal(&l->addr, &addr))
			return rp_diag_error(p->diag, &pos, "listen address '%s' is already given "
			    "at %s:%u:%u; expected each address once", arg->text, l->pos.file,
			    l->pos.line, l->pos.col);
	}
	listens = rp_array_grow(policy->listens, policy->nlistens, sizeof(*listens));
	if (listens == NULL)
		return out_of_memory(p, arg);
	policy->listens = listens;
	l = &listens[policy->nlistens++];
	memset(l, 0, sizeof(*l));
	memcpy(l->text, arg->text, arg->len + 1);
	l->addr = addr;
	l->addrlen = addrlen;
	l->pos = at(p, &st->words[0]);
	return 1;
}

static int
do_host_key(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = at(p, arg);
	struct rp_policy *policy = p->policy;
	struct rp_policy_hostkey *keys, *k;
	char *path, ex[80];

	(void)d;
	if (!resolve_path(p, arg, &path))
		return 0;
	for (size_t i = 0; i < policy->nhost_keys; i++) {
		k = &policy->host_keys[i];
		if (strcmp(k->path, path) == 0) {
			rp_diag_error(p->diag, &pos, "host key '%s' is already given at %s:%u:%u; "
			    "expected each host key once", rp_diag_excerpt(path, ex, sizeof(ex)),
			    k->pos.file, k->pos.line, k->pos.col);
			free(path);
			return 0;
		}
	}
	keys = rp_array_grow(policy->host_keys, policy->nhost_keys, sizeof(*keys));
	if (keys == NULL) {
		free(path);
		return out_of_memory(p, arg);
	}
	policy->host_keys = keys;
	k = &keys[policy->nhost_keys++];
	k->path = path;
	k->pos = at(p, &st->words[0]);
	return 1;
}

static int
do_user(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = at(p, arg), dpos = at(p, &st->words[0]);
	const struct rp_policy_user *other;
	char ex[80];
	long index;

	(void)d;
	if (!valid_login_name(arg->text))
		return rp_diag_error(p->diag, &pos, "invalid user name '%s'; expected "
		    LOGIN_NAME_RULE, rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	if ((other = rp_policy_find_user(p->policy, arg->text)) != NULL)
		return rp_diag_error(p->diag, &pos, "user %s already has a block at %s:%u:%u; "
		    "expected one block per user", arg->text, other->pos.file, other->pos.line,
		    other->pos.col);
	if ((index = rp_policy_add_user(p->policy, arg->text, &dpos)) < 0)
		return out_of_memory(p, arg);
	top_frame(p)->user = index;
	return 1;
}

/* --- user-block directives ----------------------------------------------- */

static int
do_authorized_key(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = at(p, arg), dpos = at(p, &st->words[0]);
	struct rp_pubkey *key;
	char *comment;
	const char *why;

	(void)d;
	if (!rp_pubkey_from_text(arg->text, &key, &comment, &why))
		return rp_diag_error(p->diag, &pos, "invalid authorized-key: %s; expected a "
		    "public key line such as \"ssh-ed25519 AAAA... comment\"", why);
	if (!rp_policy_user_add_key(current_user(p), key, comment, &dpos, p->diag))
		return out_of_memory(p, arg);
	return 1;
}

static int
do_authorized_keys_file(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = at(p, arg);
	char *path, why[128], ex[80];

	(void)d;
	if (!resolve_path(p, arg, &path))
		return 0;
	if (!rp_authkeys_load(p->policy, current_user(p), path, p->diag, why, sizeof(why))) {
		rp_diag_error(p->diag, &pos, "cannot read authorized-keys file '%s': %s; expected "
		    "a readable file of public keys", rp_diag_excerpt(path, ex, sizeof(ex)), why);
		free(path);
		return 0;
	}
	free(path);
	return 1;
}

static int
do_allow(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = at(p, arg);
	struct rp_policy_user *user = current_user(p);
	const struct rp_srcpos *first;
	enum rp_action action;
	char list[256], ex[80];
	size_t off = 0;

	(void)d;
	if (!rp_action_from_name(arg->text, &action)) {
		list[0] = '\0';
		for (unsigned i = 0; i < RP_ACTION_COUNT && off < sizeof(list); i++) {
			int n = snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
			    rp_action_name((enum rp_action)i));
			if (n < 0)
				break;
			off += (size_t)n;
		}
		return rp_diag_error(p->diag, &pos, "unknown action '%s' (expected one of: %s)",
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)), list);
	}
	if (user->allowed[action]) {
		first = &user->allowed_pos[action];
		return rp_diag_error(p->diag, &pos, "'allow %s' is already given at %s:%u:%u; "
		    "expected each action once per user", rp_action_name(action), first->file,
		    first->line, first->col);
	}
	user->allowed[action] = 1;
	user->allowed_pos[action] = at(p, &st->words[0]);
	return 1;
}

/* --- the table ----------------------------------------------------------- */

static const struct directive directives[] = {
	/* name, where, min args, max args, opens, flags, usage, handler[, field, lo, hi] */
	{ "listen", IN_TOP, 1, 1, NO_BLOCK, 0, "ADDRESS:PORT", do_listen, 0, 0, 0 },
	{ "host-key", IN_TOP, 1, 1, NO_BLOCK, 0, "PATH", do_host_key, 0, 0, 0 },
	{ "login-grace-time", IN_TOP, 1, 1, NO_BLOCK, ONCE, "DURATION", set_duration,
	    offsetof(struct rp_policy, login_grace_time_s), 1, 3600 },
	{ "max-auth-tries", IN_TOP, 1, 1, NO_BLOCK, ONCE, "N", set_count,
	    offsetof(struct rp_policy, max_auth_tries), 1, 100 },
	{ "worker-user", IN_TOP, 1, 1, NO_BLOCK, ONCE, "NAME", set_login_name,
	    offsetof(struct rp_policy, worker_user), 0, 0 },
	{ "worker-chroot", IN_TOP, 1, 1, NO_BLOCK, ONCE, "ABSOLUTE-PATH", set_absolute_path,
	    offsetof(struct rp_policy, worker_chroot), 0, 0 },
	{ "user", IN_TOP, 1, 1, BLOCK_USER, 0, "NAME { ... }", do_user, 0, 0, 0 },
	{ "authorized-key", IN_USER, 1, 1, NO_BLOCK, 0,
	    "\"TYPE BASE64 [COMMENT]\" (the whole key line in double quotes)",
	    do_authorized_key, 0, 0, 0 },
	{ "authorized-keys-file", IN_USER, 1, 1, NO_BLOCK, 0, "PATH", do_authorized_keys_file,
	    0, 0, 0 },
	/* Later actions take arguments (`allow forward HOST:PORT`); the action
	 * table will then say how many, and max_args here grows. */
	{ "allow", IN_USER, 1, 1, NO_BLOCK, 0, "ACTION", do_allow, 0, 0, 0 },
};

static const size_t ndirectives = NELEM(directives);

_Static_assert(NELEM(directives) <= MAX_DIRECTIVES, "raise MAX_DIRECTIVES");

/* "listen, host-key, ..." : the directives allowed in a kind of block. */
static const char *
directive_list(enum block_kind kind, char *buf, size_t bufsz)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ndirectives && off < bufsz; i++) {
		if (!(directives[i].where & (1u << kind)))
			continue;
		int n = snprintf(buf + off, bufsz - off, "%s%s", off ? ", " : "", directives[i].name);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

static const struct directive *
find_directive(const char *name)
{
	for (size_t i = 0; i < ndirectives; i++)
		if (strcmp(directives[i].name, name) == 0)
			return &directives[i];
	return NULL;
}

/* --- statements ---------------------------------------------------------- */

static void
clear_statement(struct stmt *st)
{
	for (size_t i = 0; i < st->n; i++)
		rp_token_clear(&st->words[i]);
	free(st->words);
	rp_token_clear(&st->end);
	memset(st, 0, sizeof(*st));
}

/* Words up to the token that ends the statement. */
static int
read_statement(struct parser *p, struct stmt *st)
{
	struct rp_lex_error err;
	struct rp_srcpos pos;
	struct rp_token tok, *words;

	for (;;) {
		if (!rp_lexer_next(&p->src->lx, &tok, &err)) {
			pos.file = p->src->file;
			pos.line = err.line;
			pos.col = err.col;
			return rp_diag_error(p->diag, &pos, "%s", err.msg);
		}
		if (tok.kind != RP_TOK_WORD && tok.kind != RP_TOK_STRING) {
			st->end = tok;
			return 1;
		}
		if (st->n == MAX_WORDS) {
			pos = at(p, &tok);
			rp_token_clear(&tok);
			return rp_diag_error(p->diag, &pos, "more than %d words in one statement; "
			    "expected a newline or ';'", MAX_WORDS);
		}
		if ((words = rp_array_grow(st->words, st->n, sizeof(*words))) == NULL) {
			out_of_memory(p, &tok);
			rp_token_clear(&tok);
			return 0;
		}
		st->words = words;
		st->words[st->n++] = tok;
	}
}

static int
check_arguments(struct parser *p, const struct directive *d, const struct stmt *st)
{
	size_t nargs = st->n - 1;
	const struct rp_token *tok;
	struct rp_srcpos pos;
	char want[32];

	if (nargs >= d->min_args && nargs <= d->max_args)
		return 1;
	if (d->min_args == d->max_args)
		snprintf(want, sizeof(want), "%u argument%s", d->min_args,
		    d->min_args == 1 ? "" : "s");
	else
		snprintf(want, sizeof(want), "%u to %u arguments", d->min_args, d->max_args);
	/* Too few: point at the directive; too many: at the first extra. */
	tok = nargs < d->min_args ? &st->words[0] : &st->words[1 + d->max_args];
	pos = at(p, tok);
	return rp_diag_error(p->diag, &pos, "'%s' takes %s, got %zu; expected %s %s", d->name,
	    want, nargs, d->name, d->usage);
}

static int
push_frame(struct parser *p, const struct directive *d, const struct stmt *st)
{
	struct rp_srcpos pos = at(p, &st->end);
	struct frame *f;
	char ex[64];

	if (p->nframes == MAX_DEPTH)
		return rp_diag_error(p->diag, &pos, "blocks nested more than %d deep",
		    MAX_DEPTH - 1);
	f = &p->frames[p->nframes++];
	memset(f, 0, sizeof(*f));
	f->kind = (enum block_kind)d->opens;
	f->pos = at(p, &st->words[0]);
	f->user = -1;
	snprintf(f->label, sizeof(f->label), "%s%s%s", d->name, st->n > 1 ? " " : "",
	    st->n > 1 ? rp_diag_excerpt(st->words[1].text, ex, sizeof(ex)) : "");
	return 1;
}

/* Check a statement against its row of the table, then apply it. */
static int
run_statement(struct parser *p, const struct stmt *st)
{
	const struct rp_token *name = &st->words[0];
	struct rp_srcpos pos = at(p, name), *seen;
	struct frame *f = top_frame(p);
	const struct directive *d;
	char list[512], where[256], ex[80];

	if (name->kind != RP_TOK_WORD)
		return rp_diag_error(p->diag, &pos, "quoted directive name; expected one of: %s",
		    directive_list(f->kind, list, sizeof(list)));
	if ((d = find_directive(name->text)) == NULL)
		return rp_diag_error(p->diag, &pos, "unknown directive '%s'%s (expected one of: "
		    "%s)", rp_diag_excerpt(name->text, ex, sizeof(ex)), blocks[f->kind].here,
		    directive_list(f->kind, list, sizeof(list)));
	if (!(d->where & (1u << f->kind)))
		return rp_diag_error(p->diag, &pos, "'%s' belongs %s, not %s; expected one of: %s",
		    d->name, where_text(d->where, where, sizeof(where)), blocks[f->kind].inside,
		    directive_list(f->kind, list, sizeof(list)));
	if (!check_arguments(p, d, st))
		return 0;
	if (d->opens != NO_BLOCK && st->end.kind != RP_TOK_OPEN)
		return rp_diag_error(p->diag, &pos, "'%s' opens a block; expected %s %s with the "
		    "'{' on the same line", d->name, d->name, d->usage);
	if (d->opens == NO_BLOCK && st->end.kind == RP_TOK_OPEN) {
		pos = at(p, &st->end);
		return rp_diag_error(p->diag, &pos, "'%s' does not open a block; expected %s %s",
		    d->name, d->name, d->usage);
	}
	seen = &f->seen[d - directives];
	if ((d->flags & ONCE) && seen->line != 0)
		return rp_diag_error(p->diag, &pos, "'%s' is already set at %s:%u:%u; expected it "
		    "at most once", d->name, seen->file, seen->line, seen->col);
	if (d->opens != NO_BLOCK && !push_frame(p, d, st))
		return 0;
	if (!d->fn(p, d, st))
		return 0;
	if (d->flags & ONCE)
		*seen = pos;
	return 1;
}

/* Statements until the end of the current source. */
static int
parse_source(struct parser *p)
{
	struct stmt st;
	struct rp_srcpos pos;
	struct frame *f;
	int ok = 0;

	memset(&st, 0, sizeof(st));
	for (;;) {
		if (!read_statement(p, &st))
			break;
		pos = at(p, &st.end);
		if (st.n > 0 && !run_statement(p, &st))
			break;
		if (st.n == 0 && st.end.kind == RP_TOK_OPEN) {
			rp_diag_error(p->diag, &pos, "'{' without a directive before it; expected "
			    "the '{' on the same line as the directive that opens the block");
			break;
		}
		if (st.end.kind == RP_TOK_CLOSE) {
			if (p->nframes - 1 <= p->src->base) {
				rp_diag_error(p->diag, &pos, "'}' without a matching '{'");
				break;
			}
			p->nframes--;
		}
		if (st.end.kind == RP_TOK_EOF) {
			if (p->nframes - 1 > p->src->base) {
				f = top_frame(p);
				rp_diag_error(p->diag, &pos, "end of file inside the '%s' block opened "
				    "at %s:%u:%u; expected '}'", f->label, f->pos.file, f->pos.line,
				    f->pos.col);
				break;
			}
			ok = 1;
			break;
		}
		clear_statement(&st);
	}
	clear_statement(&st);
	return ok;
}

/* Parse text as the file `name`; relative paths in it resolve against dir
 * (NULL: as written). */
static int
parse_text(struct parser *p, const char *name, const char *dir, const char *text, size_t len)
{
	struct source src, *outer = p->src;
	struct rp_srcpos pos = { name, 0, 0 };
	int ok;

	memset(&src, 0, sizeof(src));
	if (len > RP_POLICY_MAX_FILE)
		return rp_diag_error(p->diag, &pos, "larger than %zu MiB; expected a policy file "
		    "of at most %zu MiB", RP_POLICY_MAX_FILE >> 20, RP_POLICY_MAX_FILE >> 20);
	if ((src.file = rp_policy_intern_file(p->policy, name)) == NULL)
		return rp_diag_error(p->diag, &pos, "out of memory");
	src.dir = dir;
	src.base = p->nframes - 1;
	rp_lexer_init(&src.lx, text, len);
	p->src = &src;
	ok = parse_source(p);
	p->src = outer;
	return ok;
}

/* The absolute directory of the file at path, malloc'd; NULL on failure. */
static char *
file_directory(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *abs;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return NULL;
	abs = realpath(dir, NULL);
	free(dir);
	return abs;
}

static int
parse_file(struct parser *p, const char *path)
{
	struct rp_srcpos pos = { path, 0, 0 };
	char *text, *dir, why[128];
	size_t len;
	int ok;

	if (!rp_read_file(path, RP_POLICY_MAX_FILE, &text, &len, why, sizeof(why)))
		return rp_diag_error(p->diag, &pos, "cannot read the policy file: %s", why);
	if ((dir = file_directory(path)) == NULL) {
		free(text);
		return rp_diag_error(p->diag, &pos, "cannot find the policy file's directory");
	}
	ok = parse_text(p, path, dir, text, len);
	free(dir);
	free(text);
	return ok;
}

/* --- after parsing ------------------------------------------------------- */

static int
validate(struct parser *p, const char *main_file)
{
	const struct rp_policy *policy = p->policy;
	struct rp_srcpos pos = { main_file, 0, 0 };

	if (policy->nlistens == 0)
		return rp_diag_error(p->diag, &pos, "no 'listen' directive; expected at least one, "
		    "such as listen 127.0.0.1:2222");
	if (policy->nhost_keys == 0)
		return rp_diag_error(p->diag, &pos, "no 'host-key' directive; expected at least "
		    "one, such as host-key /etc/rampart/ssh_host_ed25519_key");
	for (size_t i = 0; i < policy->nusers; i++) {
		const struct rp_policy_user *user = &policy->users[i];
		if (user->nkeys == 0)
			rp_diag_warn(p->diag, &user->pos, "user %s has no keys and cannot log in",
			    user->name);
	}
	return 1;
}

/* --- entry points -------------------------------------------------------- */

static int
start(struct parser *p, struct rp_policy_diag *diag, struct rp_policy **out)
{
	memset(p, 0, sizeof(*p));
	*out = NULL;
	if (diag == NULL)
		diag = &p->quiet;
	p->diag = diag;
	diag->error[0] = '\0';
	if ((p->policy = rp_policy_new()) == NULL)
		return rp_diag_error(diag, NULL, "out of memory");
	p->frames[0].kind = BLOCK_TOP;
	p->frames[0].user = -1;
	p->nframes = 1;
	return 1;
}

static int
finish(struct parser *p, int ok, const char *main_file, struct rp_policy **out)
{
	if (ok)
		ok = validate(p, main_file);
	if (!ok) {
		rp_policy_free(p->policy);
		return 0;
	}
	*out = p->policy;
	return 1;
}

int
rp_policy_load(const char *path, struct rp_policy **out, struct rp_policy_diag *diag)
{
	struct parser p;

	if (!start(&p, diag, out))
		return 0;
	return finish(&p, parse_file(&p, path), path, out);
}

int
rp_policy_load_text(const char *name, const char *text, size_t len, struct rp_policy **out,
    struct rp_policy_diag *diag)
{
	struct parser p;

	if (!start(&p, diag, out))
		return 0;
	return finish(&p, parse_text(&p, name, NULL, text, len), name, out);
}

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
 * the table, plus a handler when none of the existing ones fits. Handlers
 * live with their subject: settings.c, admission.c, blocks.c, rules.c,
 * sessions.c, include.c.
 *
 * Every file being read is a `struct source` with its own lexer and the
 * directory its relative paths resolve against; the block stack lives in the
 * parser, and a source may only close the blocks it opened. An included file
 * is read at top level, with the same policy, the same "given only once"
 * bookkeeping and its own positions.
 *
 * The load stops at the first error, which names file, line and column.
 */
#include "policy/parse.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sshkey.h"

#define MAX_WORDS 1024 /* words in one statement */
#define MANY MAX_WORDS

/* How messages name each kind of block. */
static const struct {
	const char *inside; /* "a directive belongs <inside>" */
	const char *here;   /* "unknown directive 'x'<here>" */
} blocks[BLOCK_KINDS] = {
	[BLOCK_TOP] = { "at top level", "" },
	[BLOCK_USER] = { "inside a 'user NAME { ... }' block", " inside a 'user' block" },
	[BLOCK_GROUP] = { "inside a 'group NAME { ... }' block", " inside a 'group' block" },
	[BLOCK_PENALTIES] = { "inside a 'penalties { ... }' block",
	    " inside a 'penalties' block" },
};

/* --- the table ----------------------------------------------------------- */

#define POLICY_FIELD(f) offsetof(struct rp_policy, f)
#define PENALTY_FIELD(f) offsetof(struct rp_penalties, f)
#define RULE_USAGE "ACTION [TARGETS] [from SOURCES] [at DAYS HH:MM-HH:MM]"

static const struct directive directives[] = {
	/* name, where, min args, max args, opens, flags, usage, handler[, field, lo, hi] */
	{ "include", IN_TOP, 1, 1, NO_BLOCK, 0, "PATH-OR-GLOB", rp_do_include, 0, 0, 0 },
	{ "listen", IN_TOP, 1, 1, NO_BLOCK, 0, "ADDRESS:PORT", rp_do_listen, 0, 0, 0 },
	{ "host-key", IN_TOP, 1, 1, NO_BLOCK, 0, "PATH", rp_do_host_key, 0, 0, 0 },
	{ "host-certificate", IN_TOP, 1, 1, NO_BLOCK, 0, "PATH", rp_do_host_key, 0, 1, 0 },
	{ "revoked-keys", IN_TOP, 1, 1, NO_BLOCK, ONCE, "PATH", rp_do_revoked_keys, 0, 0, 0 },
	{ "server-version", IN_TOP, 1, 1, NO_BLOCK, ONCE, "TEXT", rp_do_server_version, 0, 0,
	    0 },
	{ "refuse-client-version", IN_TOP, 1, MANY, NO_BLOCK, 0, "PATTERN...",
	    rp_do_refuse_client_version, 0, 0, 0 },
	{ "kex-algorithms", IN_TOP, 1, 1, NO_BLOCK, ONCE, "[+-^]NAME,...", rp_do_algorithms,
	    POLICY_FIELD(kex_algorithms), RP_ALG_KEX, 0 },
	{ "host-key-algorithms", IN_TOP, 1, 1, NO_BLOCK, ONCE, "[+-^]NAME,...",
	    rp_do_algorithms, POLICY_FIELD(host_key_algorithms), RP_ALG_HOSTKEY, 0 },
	{ "ciphers", IN_TOP, 1, 1, NO_BLOCK, ONCE, "[+-^]NAME,...", rp_do_algorithms,
	    POLICY_FIELD(ciphers), RP_ALG_CIPHER, 0 },
	{ "macs", IN_TOP, 1, 1, NO_BLOCK, ONCE, "[+-^]NAME,...", rp_do_algorithms,
	    POLICY_FIELD(macs), RP_ALG_MAC, 0 },
	{ "pubkey-algorithms", IN_TOP, 1, 1, NO_BLOCK, ONCE, "[+-^]NAME,...", rp_do_algorithms,
	    POLICY_FIELD(pubkey_algorithms), RP_ALG_PUBKEY, 0 },
	{ "compression", IN_TOP, 1, 1, NO_BLOCK, ONCE, "[+-^]NAME,...", rp_do_algorithms,
	    POLICY_FIELD(compression), RP_ALG_COMPRESSION, 0 },
	{ "moduli-file", IN_TOP, 1, 1, NO_BLOCK, ONCE, "PATH", rp_do_moduli_file, 0, 0, 0 },
	{ "dh-group-bits", IN_TOP, 1, 1, NO_BLOCK, ONCE, "BITS", rp_set_count,
	    POLICY_FIELD(dh_group_bits), 2048, 8192 },
	{ "login-grace-time", IN_TOP, 1, 1, NO_BLOCK, ONCE, "DURATION", rp_set_duration,
	    POLICY_FIELD(login_grace_time_s), 1, 3600 },
	{ "max-auth-tries", IN_TOP, 1, 1, NO_BLOCK, ONCE, "N", rp_set_count,
	    POLICY_FIELD(max_auth_tries), 1, 100 },
	{ "idle-timeout", IN_TOP, 1, 1, NO_BLOCK, ONCE, "DURATION|off", rp_do_idle_timeout,
	    POLICY_FIELD(idle_timeout_s), 10, 7 * 86400 },
	{ "keepalive", IN_TOP, 1, 2, NO_BLOCK, ONCE, "INTERVAL COUNT | keepalive off",
	    rp_do_keepalive, 0, 0, 0 },
	{ "rekey-limit", IN_TOP, 1, 2, NO_BLOCK, ONCE, "SIZE|default [DURATION|none]",
	    rp_do_rekey_limit, 0, 0, 0 },
	{ "max-connections", IN_TOP, 1, 1, NO_BLOCK, ONCE, "N", rp_set_count,
	    POLICY_FIELD(max_connections), 1, 100000 },
	{ "max-startups", IN_TOP, 1, 1, NO_BLOCK, ONCE, "START:RATE:FULL | max-startups N",
	    rp_do_max_startups, 0, 1, 100000 },
	{ "max-channels", IN_TOP, 1, 1, NO_BLOCK, ONCE, "N", rp_set_count,
	    POLICY_FIELD(max_channels), 1, 256 },
	{ "connect-timeout", IN_TOP, 1, 1, NO_BLOCK, ONCE, "DURATION", rp_set_duration,
	    POLICY_FIELD(connect_timeout_s), 1, 300 },
	{ "tcp-nodelay", IN_TOP, 1, 1, NO_BLOCK, ONCE, "yes|no", rp_do_tcp_nodelay, 0, 0, 0 },
	{ "log-level", IN_TOP, 1, 1, NO_BLOCK, ONCE, "error|warn|info|debug", rp_do_log_level,
	    0, 0, 0 },
	{ "audit-log", IN_TOP, 1, 1, NO_BLOCK, 0, "PATH|syslog", rp_do_audit_log, 0, 0, 0 },
	{ "audit-failure", IN_TOP, 1, 1, NO_BLOCK, ONCE, "refuse|continue",
	    rp_do_audit_failure, 0, 0, 0 },
	{ "recording-dir", IN_TOP, 1, 1, NO_BLOCK, ONCE, "ABSOLUTE-PATH",
	    rp_set_absolute_path, POLICY_FIELD(recording_dir), 0, 0 },
	{ "session-umask", IN_TOP, 1, 1, NO_BLOCK, ONCE, "OCTAL", rp_do_session_umask,
	    POLICY_FIELD(session_umask), 0, 0777 },
	{ "subsystem", IN_TOP, 2, MANY, NO_BLOCK, 0, "NAME ABSOLUTE-PATH [ARG...]",
	    rp_do_subsystem, 0, 0, 0 },
	{ "control-socket", IN_TOP, 1, 1, NO_BLOCK, ONCE, "ABSOLUTE-PATH",
	    rp_set_absolute_path, POLICY_FIELD(control_socket), 0, 0 },
	{ "worker-user", IN_TOP, 1, 1, NO_BLOCK, ONCE, "NAME", rp_set_login_name,
	    POLICY_FIELD(worker_user), 0, 0 },
	{ "worker-chroot", IN_TOP, 1, 1, NO_BLOCK, ONCE, "ABSOLUTE-PATH",
	    rp_set_absolute_path, POLICY_FIELD(worker_chroot), 0, 0 },
	{ "penalties", IN_TOP, 0, 1, BLOCK_PENALTIES, ONCE | OPTIONAL_BLOCK,
	    "{ ... } | penalties off", rp_do_penalties, 0, 0, 0 },
	{ "admit", IN_TOP, 2, MANY, NO_BLOCK, 0, "from SOURCES [rate N/DURATION [burst M]]",
	    rp_do_admission, 0, 0, 0 },
	{ "refuse", IN_TOP, 2, MANY, NO_BLOCK, 0, "from SOURCES", rp_do_admission, 0, 0, 0 },
	{ "group", IN_TOP, 1, 1, BLOCK_GROUP, 0, "NAME { ... }", rp_do_group, 0, 0, 0 },
	{ "user", IN_TOP, 1, 1, BLOCK_USER, 0, "NAME { ... }", rp_do_user, 0, 0, 0 },

	/* penalties { ... } */
	{ "authfail", IN_PENALTIES, 1, 1, NO_BLOCK, ONCE, "DURATION", rp_set_penalty,
	    PENALTY_FIELD(authfail_s), 0, 3600 },
	{ "noauth", IN_PENALTIES, 1, 1, NO_BLOCK, ONCE, "DURATION", rp_set_penalty,
	    PENALTY_FIELD(noauth_s), 0, 3600 },
	{ "crash", IN_PENALTIES, 1, 1, NO_BLOCK, ONCE, "DURATION", rp_set_penalty,
	    PENALTY_FIELD(crash_s), 0, 3600 },
	{ "grace-exceeded", IN_PENALTIES, 1, 1, NO_BLOCK, ONCE, "DURATION", rp_set_penalty,
	    PENALTY_FIELD(grace_exceeded_s), 0, 3600 },
	{ "refused", IN_PENALTIES, 1, 1, NO_BLOCK, ONCE, "DURATION", rp_set_penalty,
	    PENALTY_FIELD(refused_s), 0, 3600 },
	{ "max", IN_PENALTIES, 1, 1, NO_BLOCK, ONCE, "DURATION", rp_set_penalty,
	    PENALTY_FIELD(max_s), 1, 86400 },
	{ "min", IN_PENALTIES, 1, 1, NO_BLOCK, ONCE, "DURATION", rp_set_penalty,
	    PENALTY_FIELD(min_s), 1, 86400 },
	{ "exempt", IN_PENALTIES, 1, MANY, NO_BLOCK, 0, "CIDR...", rp_do_exempt, 0, 0, 0 },
	{ "ipv4-prefix", IN_PENALTIES, 1, 1, NO_BLOCK, ONCE, "N", rp_set_penalty_prefix,
	    PENALTY_FIELD(ipv4_prefix), 1, 32 },
	{ "ipv6-prefix", IN_PENALTIES, 1, 1, NO_BLOCK, ONCE, "N", rp_set_penalty_prefix,
	    PENALTY_FIELD(ipv6_prefix), 1, 128 },

	/* group NAME { ... } only */
	{ "members", IN_GROUP, 1, MANY, NO_BLOCK, 0, "USER...", rp_do_members, 0, 0, 0 },
	{ "system-group", IN_GROUP, 1, MANY, NO_BLOCK, 0, "UNIX-GROUP...", rp_do_system_group,
	    0, 0, 0 },

	/* user NAME { ... } and group NAME { ... } */
	{ "allow", IN_PRINCIPAL, 1, MANY, NO_BLOCK, 0, RULE_USAGE, rp_do_rule, 0, 1, 0 },
	{ "deny", IN_PRINCIPAL, 1, MANY, NO_BLOCK, 0, RULE_USAGE, rp_do_rule, 0, 0, 0 },
	{ "auth", IN_PRINCIPAL, 1, 1, NO_BLOCK, 0, "METHOD[+METHOD...]", rp_do_auth, 0, 0, 0 },
	{ "authorized-key", IN_PRINCIPAL, 1, 1, NO_BLOCK, 0,
	    "\"TYPE BASE64 [COMMENT]\" (the whole key line in double quotes)",
	    rp_do_authorized_key, 0, 0, 0 },
	{ "authorized-keys-file", IN_PRINCIPAL, 1, 1, NO_BLOCK, 0, "PATH",
	    rp_do_authorized_keys_file, 0, 0, 0 },
	{ "trusted-user-ca", IN_PRINCIPAL, 1, 3, NO_BLOCK, 0,
	    "\"TYPE BASE64 [COMMENT]\" [principals NAME,...]", rp_do_trusted_user_ca, 0, 0, 0 },
	{ "trusted-user-ca-file", IN_PRINCIPAL, 1, 3, NO_BLOCK, 0,
	    "PATH [principals NAME,...]", rp_do_trusted_user_ca, 0, 1, 0 },
	{ "password-hash", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "\"CRYPT-HASH\"",
	    rp_do_password_hash, 0, 0, 0 },
	{ "password", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "system", rp_do_password, 0, 0, 0 },
	{ "totp-secrets", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "PATH", rp_do_totp_secrets,
	    0, 0, 0 },
	{ "totp-prompt", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "\"TEXT\"", rp_do_prompt_text,
	    offsetof(struct rp_block, totp_prompt), 0, 0 },
	{ "auth-instruction", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "\"TEXT\"",
	    rp_do_prompt_text, offsetof(struct rp_block, auth_instruction), 0, 0 },
	{ "totp-digits", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "6|7|8", rp_do_block_count,
	    offsetof(struct rp_block, totp_digits), 6, 8 },
	{ "totp-period", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "DURATION", rp_do_totp_period,
	    offsetof(struct rp_block, totp_period), RP_TOTP_PERIOD_MIN, RP_TOTP_PERIOD_MAX },
	{ "totp-algorithm", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "sha1|sha256|sha512",
	    rp_do_totp_algorithm, offsetof(struct rp_block, totp_algorithm), 0, 0 },
	{ "totp-window", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "N", rp_do_block_count,
	    offsetof(struct rp_block, totp_window), 0, 3 },
	{ "max-sessions", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "N", rp_do_max_sessions, 0, 1,
	    1000 },
	{ "record-sessions", IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "no|yes|with-input",
	    rp_do_record_sessions, 0, 0, 0 },

	/* top level (before authentication) and blocks (after it) */
	{ "banner", IN_TOP | IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "\"TEXT\"", rp_do_banner, 0,
	    0, 0 },
	{ "banner-file", IN_TOP | IN_PRINCIPAL, 1, 1, NO_BLOCK, ONCE, "PATH", rp_do_banner_file,
	    0, 0, 0 },
};

static const size_t ndirectives = RP_NELEM(directives);

_Static_assert(RP_NELEM(directives) <= RP_MAX_DIRECTIVES, "raise RP_MAX_DIRECTIVES");

/* --- helpers shared with the handlers -------------------------------------- */

struct rp_srcpos
rp_at(const struct parser *p, const struct rp_token *tok)
{
	struct rp_srcpos pos = { p->src->file, tok->line, tok->col };

	return pos;
}

int
rp_perr(struct parser *p, const struct rp_token *tok, const char *fmt, ...)
{
	struct rp_srcpos pos = rp_at(p, tok);
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rp_diag_error(p->diag, &pos, "%s", msg);
}

int
rp_out_of_memory(struct parser *p, const struct rp_token *tok)
{
	return rp_perr(p, tok, "out of memory");
}

struct frame *
rp_top_frame(struct parser *p)
{
	return &p->frames[p->nframes - 1];
}

struct rp_block *
rp_current_block(struct parser *p)
{
	const struct frame *f = rp_top_frame(p);

	if (f->kind == BLOCK_USER)
		return p->policy->users[f->index].block;
	return p->policy->groups[f->index].block;
}

void
rp_current_keys(struct parser *p, struct rp_policy_key ***keys, size_t **nkeys)
{
	const struct frame *f = rp_top_frame(p);

	if (f->kind == BLOCK_USER) {
		*keys = &p->policy->users[f->index].keys;
		*nkeys = &p->policy->users[f->index].nkeys;
	} else {
		*keys = &p->policy->groups[f->index].keys;
		*nkeys = &p->policy->groups[f->index].nkeys;
	}
}

static const struct directive *
find_directive(const char *name)
{
	for (size_t i = 0; i < ndirectives; i++)
		if (strcmp(directives[i].name, name) == 0)
			return &directives[i];
	return NULL;
}

const struct rp_srcpos *
rp_seen_in_block(struct parser *p, const char *name)
{
	const struct directive *d = find_directive(name);
	const struct rp_srcpos *seen;

	if (d == NULL)
		return NULL;
	seen = &rp_top_frame(p)->seen[d - directives];
	return seen->line != 0 ? seen : NULL;
}

/* A login or group name: a letter or '_' first, then letters, digits, '_',
 * '.', '-'; at most 32 bytes. The portable set of POSIX and useradd(8). */
int
rp_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > RP_NAME_MAX)
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

/* The path a PATH argument names: absolute as written; relative against the
 * directory of the file that names it (as written when there is none, for
 * rp_policy_load_text). *out is malloc'd. */
int
rp_resolve_path(struct parser *p, const struct rp_token *tok, char **out)
{
	const char *dir = p->src->dir;
	size_t dirlen;
	int n;

	*out = NULL;
	if (tok->len == 0)
		return rp_perr(p, tok, "empty path; expected a file name");
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
		return rp_out_of_memory(p, tok);
	if (strlen(*out) >= PATH_MAX) {
		free(*out);
		*out = NULL;
		return rp_perr(p, tok, "path longer than %d bytes; expected a shorter path",
		    PATH_MAX - 1);
	}
	return 1;
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
			rp_perr(p, &tok, "more than %d words in one statement; expected a newline "
			    "or ';'", MAX_WORDS);
			rp_token_clear(&tok);
			return 0;
		}
		if ((words = rp_array_grow(st->words, st->n, sizeof(*words))) == NULL) {
			rp_out_of_memory(p, &tok);
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
	char want[40];

	if (nargs >= d->min_args && nargs <= d->max_args)
		return 1;
	if (d->min_args == d->max_args)
		snprintf(want, sizeof(want), "%u argument%s", d->min_args,
		    d->min_args == 1 ? "" : "s");
	else if (d->max_args == MANY)
		snprintf(want, sizeof(want), "at least %u argument%s", d->min_args,
		    d->min_args == 1 ? "" : "s");
	else
		snprintf(want, sizeof(want), "%u to %u arguments", d->min_args, d->max_args);
	/* Too few: point at the directive; too many: at the first extra. */
	tok = nargs < d->min_args ? &st->words[0] : &st->words[1 + d->max_args];
	return rp_perr(p, tok, "'%s' takes %s, got %zu; expected %s %s", d->name, want, nargs,
	    d->name, d->usage);
}

static int
push_frame(struct parser *p, const struct directive *d, const struct stmt *st)
{
	struct frame *f;
	char ex[64];

	if (p->nframes == RP_MAX_DEPTH)
		return rp_perr(p, &st->end, "blocks nested more than %d deep", RP_MAX_DEPTH - 1);
	f = &p->frames[p->nframes++];
	memset(f, 0, sizeof(*f));
	f->kind = (enum block_kind)d->opens;
	f->pos = rp_at(p, &st->words[0]);
	f->index = -1;
	snprintf(f->label, sizeof(f->label), "%s%s%s", d->name, st->n > 1 ? " " : "",
	    st->n > 1 ? rp_diag_excerpt(st->words[1].text, ex, sizeof(ex)) : "");
	return 1;
}

/* Check a statement against its row of the table, then apply it. */
static int
run_statement(struct parser *p, const struct stmt *st)
{
	const struct rp_token *name = &st->words[0];
	struct rp_srcpos pos = rp_at(p, name), *seen;
	struct frame *f = rp_top_frame(p);
	enum block_kind kind = f->kind;
	const struct directive *d;
	char list[1024], where[256], ex[80];
	int opening = st->end.kind == RP_TOK_OPEN;

	if (name->kind != RP_TOK_WORD)
		return rp_perr(p, name, "quoted directive name; expected one of: %s",
		    directive_list(kind, list, sizeof(list)));
	if ((d = find_directive(name->text)) == NULL)
		return rp_perr(p, name, "unknown directive '%s'%s (expected one of: %s)",
		    rp_diag_excerpt(name->text, ex, sizeof(ex)), blocks[kind].here,
		    directive_list(kind, list, sizeof(list)));
	if (!(d->where & (1u << kind)))
		return rp_perr(p, name, "'%s' belongs %s, not %s; expected one of: %s", d->name,
		    where_text(d->where, where, sizeof(where)), blocks[kind].inside,
		    directive_list(kind, list, sizeof(list)));
	if (!check_arguments(p, d, st))
		return 0;
	if (d->opens != NO_BLOCK && !(d->flags & OPTIONAL_BLOCK) && !opening)
		return rp_perr(p, name, "'%s' opens a block; expected %s %s with the '{' on the "
		    "same line", d->name, d->name, d->usage);
	if (d->opens == NO_BLOCK && opening)
		return rp_perr(p, &st->end, "'%s' does not open a block; expected %s %s", d->name,
		    d->name, d->usage);
	seen = &f->seen[d - directives];
	if ((d->flags & ONCE) && seen->line != 0)
		return rp_perr(p, name, "'%s' is already set at %s:%u:%u; expected it at most once",
		    d->name, seen->file, seen->line, seen->col);
	if (d->opens != NO_BLOCK && opening && !push_frame(p, d, st))
		return 0;
	if (!d->fn(p, d, st))
		return 0;
	if (d->flags & ONCE) {
		*seen = pos;
		if ((kind == BLOCK_TOP || kind == BLOCK_PENALTIES) &&
		    !rp_policy_note_setting(p->policy, d->name, &pos))
			return rp_out_of_memory(p, name);
	}
	return 1;
}

/* Statements until the end of the current source. */
static int
parse_source(struct parser *p)
{
	struct stmt st;
	struct frame *f;
	int ok = 0;

	memset(&st, 0, sizeof(st));
	for (;;) {
		if (!read_statement(p, &st))
			break;
		if (st.n > 0 && !run_statement(p, &st))
			break;
		if (st.n == 0 && st.end.kind == RP_TOK_OPEN) {
			rp_perr(p, &st.end, "'{' without a directive before it; expected the '{' on "
			    "the same line as the directive that opens the block");
			break;
		}
		if (st.end.kind == RP_TOK_CLOSE) {
			if (p->nframes - 1 <= p->src->base) {
				rp_perr(p, &st.end, "'}' without a matching '{'");
				break;
			}
			p->nframes--;
		}
		if (st.end.kind == RP_TOK_EOF) {
			if (p->nframes - 1 > p->src->base) {
				f = rp_top_frame(p);
				rp_perr(p, &st.end, "end of file inside the '%s' block opened at "
				    "%s:%u:%u; expected '}'", f->label, f->pos.file, f->pos.line,
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
parse_text(struct parser *p, const char *name, const char *dir, char *real, const char *text,
    size_t len, const struct rp_srcpos *from)
{
	struct source src;
	struct rp_srcpos pos = { name, 0, 0 };
	int ok;

	memset(&src, 0, sizeof(src));
	if (len > RP_POLICY_MAX_FILE)
		return rp_diag_error(p->diag, &pos, "larger than %zu MiB; expected a policy file "
		    "of at most %zu MiB", RP_POLICY_MAX_FILE >> 20, RP_POLICY_MAX_FILE >> 20);
	if ((src.file = rp_policy_intern_file(p->policy, name)) == NULL)
		return rp_diag_error(p->diag, &pos, "out of memory");
	src.dir = dir;
	src.real = real;
	src.base = p->nframes - 1;
	src.outer = p->src;
	if (from != NULL)
		src.included_at = *from;
	rp_lexer_init(&src.lx, text, len);
	p->src = &src;
	ok = parse_source(p);
	p->src = src.outer;
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

/* "a.conf includes b.conf includes a.conf": the chain of sources from the
 * main file, then `last`. */
static void
include_chain(const struct source *src, const char *last, char *buf, size_t bufsz)
{
	const struct source *chain[RP_MAX_INCLUDE_DEPTH + 2];
	size_t n = 0, off = 0;

	for (; src != NULL && n < RP_NELEM(chain); src = src->outer)
		chain[n++] = src;
	buf[0] = '\0';
	while (n > 0 && off < bufsz) {
		int k = snprintf(buf + off, bufsz - off, "%s includes ", chain[--n]->file);
		if (k < 0)
			break;
		off += (size_t)k;
	}
	if (off < bufsz)
		snprintf(buf + off, bufsz - off, "%s", last);
}

int
rp_parse_file(struct parser *p, const char *path, const struct rp_srcpos *from)
{
	struct rp_srcpos pos = { path, 0, 0 };
	char *text, *dir = NULL, *real = NULL, why[128], chain[700];
	size_t len;
	int ok = 0;

	if (from != NULL && p->include_depth >= RP_MAX_INCLUDE_DEPTH)
		return rp_diag_error(p->diag, from, "includes nested more than %d deep; expected "
		    "at most %d levels", RP_MAX_INCLUDE_DEPTH, RP_MAX_INCLUDE_DEPTH);
	if (!rp_read_file(path, RP_POLICY_MAX_FILE, &text, &len, why, sizeof(why))) {
		if (from != NULL)
			return rp_diag_error(p->diag, from, "cannot read included file '%s': %s",
			    path, why);
		return rp_diag_error(p->diag, &pos, "cannot read the policy file: %s", why);
	}
	if ((real = realpath(path, NULL)) == NULL || (dir = file_directory(path)) == NULL) {
		rp_diag_error(p->diag, from != NULL ? from : &pos, "cannot find the directory of "
		    "'%s'", path);
		goto out;
	}
	for (const struct source *s = p->src; s != NULL; s = s->outer) {
		if (s->real != NULL && strcmp(s->real, real) == 0) {
			include_chain(p->src, path, chain, sizeof(chain));
			rp_diag_error(p->diag, from, "include loop: %s; expected each file to be "
			    "included at most once on the way down", chain);
			goto out;
		}
	}
	p->include_depth += from != NULL;
	ok = parse_text(p, path, dir, real, text, len, from);
	p->include_depth -= from != NULL;
out:
	free(real);
	free(dir);
	free(text);
	return ok;
}

/* --- after parsing ------------------------------------------------------- */

/* Credentials, or an `auth none` that needs none. */
static int
has_credentials(size_t nkeys, const struct rp_block *b)
{
	for (size_t i = 0; i < b->nauth; i++)
		if (b->auth[i].methods[0] == RP_AUTH_NONE)
			return 1;
	return nkeys > 0 || b->nkeyfiles > 0 || b->ncas > 0 || b->password_hash.value != NULL ||
	    b->password_system.line != 0 || b->totp_secrets.value != NULL;
}

/* A user block that no credential reaches: its own, those of the groups
 * that list it, or those of any group with system groups (unknown now). */
static void
warn_users_without_credentials(struct parser *p)
{
	const struct rp_policy *policy = p->policy;

	for (size_t i = 0; i < policy->nusers; i++) {
		const struct rp_policy_user *user = &policy->users[i];
		int found = has_credentials(user->nkeys, user->block);

		for (size_t g = 0; g < policy->ngroups && !found; g++) {
			const struct rp_policy_group *group = &policy->groups[g];
			int member = group->nsystem_groups > 0;
			for (size_t m = 0; m < group->nmembers && !member; m++)
				member = strcmp(group->members[m], user->name) == 0;
			found = member && has_credentials(group->nkeys, group->block);
		}
		if (!found)
			rp_diag_warn(p->diag, &user->pos, "user %s has no keys or other credentials "
			    "and cannot log in", user->name);
	}
}

/* host-key-algorithms: the default, or the list as written applied to it.
 * With host certificates the default offers the certificate algorithm
 * first, so the list is made once the whole policy is read. */
static int
host_key_algorithms(struct parser *p, const char *main_file)
{
	int certs = p->policy->nhost_certificates > 0;
	struct rp_srcpos pos = { main_file, 0, 0 };
	char *list = NULL, why[512];
	size_t offset = 0;

	if (p->hostkey_algs == NULL) {
		if (!certs)
			return 1;
		if ((list = rp_alg_default(RP_ALG_HOSTKEY, 1)) == NULL)
			return rp_diag_error(p->diag, &pos, "out of memory");
	} else if (!rp_alg_edit(RP_ALG_HOSTKEY, certs, p->hostkey_algs, &list, why, sizeof(why),
	    &offset)) {
		pos = p->hostkey_algs_pos;
		pos.col += (unsigned)offset + (unsigned)p->hostkey_algs_quoted;
		return rp_diag_error(p->diag, &pos, "'host-key-algorithms': %s", why);
	}
	free(p->policy->host_key_algorithms);
	p->policy->host_key_algorithms = list;
	return 1;
}

static int
validate(struct parser *p, const char *main_file)
{
	const struct rp_policy *policy = p->policy;
	struct rp_srcpos pos = { main_file, 0, 0 };
	const struct rp_srcpos *min_pos;
	char a[24], b[24];

	if (policy->nlistens == 0)
		return rp_diag_error(p->diag, &pos, "no 'listen' directive; expected at least one, "
		    "such as listen 127.0.0.1:2222");
	if (policy->nhost_keys == 0)
		return rp_diag_error(p->diag, &pos, "no 'host-key' directive; expected at least "
		    "one, such as host-key /etc/rampart/ssh_host_ed25519_key");
	if (policy->penalties.min_s > policy->penalties.max_s) {
		min_pos = rp_policy_setting_pos(policy, "min");
		if (min_pos == NULL)
			min_pos = rp_policy_setting_pos(policy, "max");
		return rp_diag_error(p->diag, min_pos, "penalties: 'min' %s is more than 'max' %s; "
		    "expected min <= max, or no source would ever be refused",
		    rp_format_duration(policy->penalties.min_s, a, sizeof(a)),
		    rp_format_duration(policy->penalties.max_s, b, sizeof(b)));
	}
	if (!host_key_algorithms(p, main_file))
		return 0;
	warn_users_without_credentials(p);
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
	p->frames[0].index = -1;
	p->nframes = 1;
	return 1;
}

static int
finish(struct parser *p, int ok, const char *main_file, struct rp_policy **out)
{
	if (ok)
		ok = validate(p, main_file);
	free(p->hostkey_algs);
	p->hostkey_algs = NULL;
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
	return finish(&p, rp_parse_file(&p, path, NULL), path, out);
}

int
rp_policy_load_text(const char *name, const char *text, size_t len, struct rp_policy **out,
    struct rp_policy_diag *diag)
{
	struct parser p;

	if (!start(&p, diag, out))
		return 0;
	return finish(&p, parse_text(&p, name, NULL, NULL, text, len, NULL), name, out);
}

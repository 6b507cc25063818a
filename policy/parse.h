/*
 * policy/parse.h: the parser's insides, shared by the files that hold
 * directive handlers (parser.c runs statements; settings.c, admission.c,
 * blocks.c, rules.c, sessions.c and include.c apply them). Nothing outside
 * the loader includes this.
 *
 * A handler gets the statement's words (words[0] is the directive name)
 * after parser.c checked the directive's place, argument count, block and
 * "at most once" against its row of the table. It applies the statement to
 * p->policy or fails with an error naming the offending word.
 */
#ifndef RAMPART_POLICY_PARSE_H
#define RAMPART_POLICY_PARSE_H

#include "policy/internal.h"
#include "policy/lexer.h"

#define RP_MAX_DIRECTIVES 96 /* rows in the table */
#define RP_MAX_DEPTH 8       /* nested blocks, top level included */
#define RP_MAX_INCLUDE_DEPTH 16

enum block_kind {
	BLOCK_TOP,
	BLOCK_USER,
	BLOCK_GROUP,
	BLOCK_PENALTIES,
	BLOCK_KINDS,
	NO_BLOCK = -1,
};

#define IN_TOP (1u << BLOCK_TOP)
#define IN_USER (1u << BLOCK_USER)
#define IN_GROUP (1u << BLOCK_GROUP)
#define IN_PENALTIES (1u << BLOCK_PENALTIES)
#define IN_PRINCIPAL (IN_USER | IN_GROUP)

struct frame {
	enum block_kind kind;
	char label[80];          /* "user alice", for messages */
	struct rp_srcpos pos;    /* the directive that opened the block */
	long index;              /* BLOCK_USER, BLOCK_GROUP: into policy->users/groups */
	/* Where each directive flagged ONCE was given in this block. */
	struct rp_srcpos seen[RP_MAX_DIRECTIVES];
};

/* A file being read. */
struct source {
	const char *file;  /* interned: rp_srcpos.file */
	const char *dir;   /* absolute; NULL: relative paths stay as written */
	char *real;        /* realpath of the file (include loops); NULL for text */
	struct rp_lexer lx;
	size_t base;       /* frames[0..base] belong to whoever read this file */
	struct source *outer; /* the file that included this one */
	struct rp_srcpos included_at;
};

struct parser {
	struct rp_policy *policy;
	struct rp_policy_diag *diag;
	struct rp_policy_diag quiet; /* the diag when the caller passes none */
	struct source *src;
	size_t include_depth;
	struct frame frames[RP_MAX_DEPTH];
	size_t nframes;
	/* host-key-algorithms as written, and where: applied at the end,
	 * when it is known whether there are host certificates (they change
	 * the default the list edits). */
	char *hostkey_algs;
	struct rp_srcpos hostkey_algs_pos; /* of the argument */
	int hostkey_algs_quoted;
};

struct stmt {
	struct rp_token *words; /* words[0] is the directive name */
	size_t n;
	struct rp_token end;    /* END, OPEN, CLOSE or EOF */
};

struct directive;
typedef int (*handler_fn)(struct parser *, const struct directive *, const struct stmt *);

#define ONCE 0x1          /* at most once per block (top level: per policy) */
#define OPTIONAL_BLOCK 0x2 /* opens its block only when followed by '{' */

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
	size_t field;         /* offsetof(struct rp_policy, ...) or of a penalty */
	uint64_t lo, hi;
};

/* --- parser.c helpers --------------------------------------------------------- */

struct rp_srcpos rp_at(const struct parser *p, const struct rp_token *tok);
/* An error at tok. Returns 0. */
int rp_perr(struct parser *p, const struct rp_token *tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int rp_out_of_memory(struct parser *p, const struct rp_token *tok);
struct frame *rp_top_frame(struct parser *p);
/* The block being read (a user or group block), its key list and label. */
struct rp_block *rp_current_block(struct parser *p);
void rp_current_keys(struct parser *p, struct rp_policy_key ***keys, size_t **nkeys);
/* Where a ONCE directive was given in the current block; NULL if not. */
const struct rp_srcpos *rp_seen_in_block(struct parser *p, const char *directive);
/* Resolve a PATH argument against the directory of the file naming it. */
int rp_resolve_path(struct parser *p, const struct rp_token *tok, char **out);
int rp_valid_name(const char *s);
#define RP_NAME_RULE "a letter or '_' first, then letters, digits, '_', '.' or '-', " \
	"at most 32 bytes"
/* Parse a file (include); errors name it. */
int rp_parse_file(struct parser *p, const char *path, const struct rp_srcpos *from);
/* SOURCES words from words[first] up to (not including) words[end]:
 * `any`, or CIDRs. */
int rp_parse_sources(struct parser *p, const struct stmt *st, size_t first, size_t end,
    int allow_any, struct rp_sources *out);

/* --- handlers ------------------------------------------------------------------- */

/* settings.c */
int rp_set_duration(struct parser *, const struct directive *, const struct stmt *);
int rp_set_count(struct parser *, const struct directive *, const struct stmt *);
int rp_set_login_name(struct parser *, const struct directive *, const struct stmt *);
int rp_set_absolute_path(struct parser *, const struct directive *, const struct stmt *);
int rp_do_listen(struct parser *, const struct directive *, const struct stmt *);
int rp_do_host_key(struct parser *, const struct directive *, const struct stmt *);
int rp_do_revoked_keys(struct parser *, const struct directive *, const struct stmt *);
int rp_do_moduli_file(struct parser *, const struct directive *, const struct stmt *);
int rp_do_server_version(struct parser *, const struct directive *, const struct stmt *);
int rp_do_algorithms(struct parser *, const struct directive *, const struct stmt *);
int rp_do_idle_timeout(struct parser *, const struct directive *, const struct stmt *);
int rp_do_keepalive(struct parser *, const struct directive *, const struct stmt *);
int rp_do_rekey_limit(struct parser *, const struct directive *, const struct stmt *);
int rp_do_max_startups(struct parser *, const struct directive *, const struct stmt *);
int rp_do_tcp_nodelay(struct parser *, const struct directive *, const struct stmt *);
int rp_do_log_level(struct parser *, const struct directive *, const struct stmt *);
int rp_do_audit_log(struct parser *, const struct directive *, const struct stmt *);
int rp_do_refuse_client_version(struct parser *, const struct directive *, const struct stmt *);
int rp_do_audit_failure(struct parser *, const struct directive *, const struct stmt *);
int rp_do_penalties(struct parser *, const struct directive *, const struct stmt *);
int rp_set_penalty(struct parser *, const struct directive *, const struct stmt *);
int rp_set_penalty_prefix(struct parser *, const struct directive *, const struct stmt *);
int rp_do_exempt(struct parser *, const struct directive *, const struct stmt *);
/* include.c */
int rp_do_include(struct parser *, const struct directive *, const struct stmt *);
/* admission.c */
int rp_do_admission(struct parser *, const struct directive *, const struct stmt *);
/* blocks.c */
int rp_do_user(struct parser *, const struct directive *, const struct stmt *);
int rp_do_group(struct parser *, const struct directive *, const struct stmt *);
int rp_do_members(struct parser *, const struct directive *, const struct stmt *);
int rp_do_system_group(struct parser *, const struct directive *, const struct stmt *);
int rp_do_auth(struct parser *, const struct directive *, const struct stmt *);
int rp_do_authorized_key(struct parser *, const struct directive *, const struct stmt *);
int rp_do_authorized_keys_file(struct parser *, const struct directive *, const struct stmt *);
int rp_do_trusted_user_ca(struct parser *, const struct directive *, const struct stmt *);
int rp_do_password_hash(struct parser *, const struct directive *, const struct stmt *);
int rp_do_password(struct parser *, const struct directive *, const struct stmt *);
int rp_do_totp_secrets(struct parser *, const struct directive *, const struct stmt *);
int rp_do_prompt_text(struct parser *, const struct directive *, const struct stmt *);
int rp_do_block_count(struct parser *, const struct directive *, const struct stmt *);
int rp_do_totp_period(struct parser *, const struct directive *, const struct stmt *);
int rp_do_totp_algorithm(struct parser *, const struct directive *, const struct stmt *);
int rp_do_max_sessions(struct parser *, const struct directive *, const struct stmt *);
int rp_do_banner(struct parser *, const struct directive *, const struct stmt *);
int rp_do_banner_file(struct parser *, const struct directive *, const struct stmt *);
/* rules.c */
int rp_do_rule(struct parser *, const struct directive *, const struct stmt *);
/* sessions.c */
int rp_do_subsystem(struct parser *, const struct directive *, const struct stmt *);
int rp_do_session_umask(struct parser *, const struct directive *, const struct stmt *);
int rp_do_record_sessions(struct parser *, const struct directive *, const struct stmt *);

#endif

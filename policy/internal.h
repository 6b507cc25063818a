/*
 * policy/internal.h: what the pieces of policy/ share with each other and
 * nobody else: the insides of user and group blocks (rules, credentials,
 * settings), messages with positions, building the policy object, value
 * parsers, file reading and authorized-keys files.
 */
#ifndef RAMPART_POLICY_INTERNAL_H
#define RAMPART_POLICY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "policy/policy.h"

/* Bounds on what the loader reads. */
#define RP_POLICY_MAX_FILE ((size_t)4 << 20)  /* a policy file */
#define RP_AUTHKEYS_MAX_FILE ((size_t)1 << 20) /* an authorized-keys or CA file */
#define RP_BANNER_MAX ((size_t)16 << 10)       /* a banner */

#define RP_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* --- the insides of a user or group block ----------------------------------- */

struct rp_port_range {
	uint16_t lo, hi;
};

/* PORTS: `*`, or a list of N and N-M. */
struct rp_ports {
	int any;
	struct rp_port_range *ranges;
	size_t n;
};

/* A `forward` target: HOSTPATTERN:PORTS or CIDR:PORTS. */
struct rp_forward_target {
	char *host; /* lower-case glob; NULL for a CIDR target */
	struct rp_cidr cidr;
	struct rp_ports ports;
};

enum rp_bind_kind {
	RP_BIND_ANY,       /* `*`: any bind address, all interfaces included */
	RP_BIND_LOCALHOST, /* `localhost`, 127.0.0.0/8, ::1 */
	RP_BIND_ADDR,      /* one numeric address */
};

/* A `remote-forward` target: BIND:PORTS. */
struct rp_bind_target {
	enum rp_bind_kind kind;
	struct rp_addr addr;
	struct rp_ports ports;
};

/* `at DAYS HH:MM-HH:MM`. An end before the start crosses midnight:
 * the window opens on the listed days and closes the next day. */
struct rp_window {
	int set;
	uint8_t days;    /* bit d: weekday d, 0 = Sunday */
	uint16_t start;  /* minutes after midnight, 0..1439 */
	uint16_t end;    /* 1..1440 */
};

struct rp_rule {
	int allow;
	enum rp_action action;
	/* exec: commands (none: any command); subsystem: names; env: globs. */
	char **args;
	size_t nargs;
	struct rp_forward_target *forwards;
	size_t nforwards;
	struct rp_bind_target *binds;
	size_t nbinds;
	int has_from;
	struct rp_sources from;
	struct rp_window at;
	char *text; /* canonical one-line form */
	struct rp_srcpos pos;
};

/* An authorized-keys-file with %u or %h, read when the user authenticates. */
struct rp_keyfile_template {
	char *path;
	struct rp_srcpos pos;
};

/* A trusted-user-ca or trusted-user-ca-file line. */
struct rp_user_ca {
	char *path; /* NULL: inline */
	struct rp_policy_key *keys;
	size_t nkeys;
	char **principals; /* none: the user's own name */
	size_t nprincipals;
	struct rp_srcpos pos;
};

/* A setting written at most once in a block, and where. */
struct rp_text_setting {
	char *value; /* NULL: not set */
	struct rp_srcpos pos;
};

struct rp_uint_setting {
	unsigned value;
	struct rp_srcpos pos; /* line 0: not set */
};

struct rp_block {
	int is_group;
	const char *name; /* the owner's name */
	char label[48];   /* "user alice", "group admins" */
	struct rp_rule *rules;
	size_t nrules;
	struct rp_auth_chain *auth;
	size_t nauth;
	struct rp_keyfile_template *keyfiles; /* with %u/%h */
	size_t nkeyfiles;
	struct rp_srcpos *loaded_keyfiles; /* files read at load (for `check`) */
	char **loaded_keyfile_paths;
	size_t nloaded_keyfiles;
	struct rp_user_ca *cas;
	size_t ncas;
	struct rp_text_setting password_hash;
	struct rp_srcpos password_system; /* line 0: not set */
	struct rp_text_setting totp_secrets;
	struct rp_text_setting totp_prompt;
	struct rp_text_setting auth_instruction;
	struct rp_uint_setting totp_digits;
	struct rp_uint_setting totp_period;    /* seconds */
	struct rp_uint_setting totp_algorithm; /* enum rp_totp_hash */
	struct rp_uint_setting totp_window;
	unsigned max_sessions; /* 0: not set */
	struct rp_srcpos max_sessions_pos;
	struct rp_uint_setting record_sessions; /* enum rp_record_mode */
	struct rp_text_setting banner;      /* the text, from either line */
	char *banner_file;                  /* set when it came from banner-file */
};

/* --- diag.c: messages --------------------------------------------------------- */

/* Set diag->error to "FILE:LINE:COL: message" ("FILE: message" when
 * pos->line is 0, the bare message when pos is NULL). Returns 0 so that a
 * caller can `return rp_diag_error(...)`. */
int rp_diag_error(struct rp_policy_diag *diag, const struct rp_srcpos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Pass "FILE:LINE:COL: message" to diag->warn, when set. diag may be NULL. */
void rp_diag_warn(struct rp_policy_diag *diag, const struct rp_srcpos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Text from a policy file shortened for a message: at most about 60 bytes,
 * cut at a character boundary, "..." appended when cut. Returns buf. */
const char *rp_diag_excerpt(const char *text, char *buf, size_t bufsz);

/* --- policy.c: building the policy object --------------------------------------- */

/* Make room for element n of an array that holds n elements and was only
 * ever grown by this function (start from NULL and 0). Returns the array,
 * maybe moved, or NULL when out of memory (the old array is still valid). */
void *rp_array_grow(void *array, size_t n, size_t size);
/* Append a copy of s to a string array grown with rp_array_grow. */
int rp_strings_add(char ***array, size_t *n, const char *s);
void rp_strings_free(char **array, size_t n);
/* A policy holding only the defaults; NULL when out of memory. */
struct rp_policy *rp_policy_new(void);
/* The policy's copy of a file name (the same pointer for the same name),
 * for rp_srcpos.file. NULL when out of memory. */
const char *rp_policy_intern_file(struct rp_policy *policy, const char *name);
/* Append a new user or group (name copied, with an empty block); returns
 * its index, or -1 when out of memory. */
long rp_policy_add_user(struct rp_policy *policy, const char *name,
    const struct rp_srcpos *pos);
long rp_policy_add_group(struct rp_policy *policy, const char *name,
    const struct rp_srcpos *pos);
const struct rp_policy_group *rp_policy_find_group(const struct rp_policy *policy,
    const char *name);
/* Add key (and comment, may be NULL, and options, may be NULL for none) to
 * a key list: all three are taken over, even on failure. A line the list
 * already has (the same key with the same options) is dropped with a
 * warning naming where it was first listed (`owner` names the list in it,
 * as "user alice"). Returns 0 only when out of memory. */
int rp_keys_add(struct rp_policy_key **keys, size_t *nkeys, const char *owner,
    struct rp_pubkey *key, char *comment, struct rp_key_options *options,
    const struct rp_srcpos *pos, struct rp_policy_diag *diag);
/* The first entry that is key as a user key (not a cert-authority line). */
const struct rp_policy_key *rp_keys_find(const struct rp_policy_key *keys, size_t nkeys,
    const struct rp_pubkey *key);
void rp_keys_free(struct rp_policy_key *keys, size_t nkeys);
/* Remember where a setting given at most once was set. */
int rp_policy_note_setting(struct rp_policy *policy, const char *name,
    const struct rp_srcpos *pos);
/* Where it was set, or NULL: the default. */
const struct rp_srcpos *rp_policy_setting_pos(const struct rp_policy *policy,
    const char *name);
void rp_sources_free(struct rp_sources *sources);
void rp_rule_free(struct rp_rule *rule);
void rp_block_free(struct rp_block *block);

/* --- units.c: numbers with units ------------------------------------------------ */

/* A whole decimal number, digits only, no sign, no unit. */
int rp_parse_count(const char *text, uint64_t *out);
/* "90" -> "90s", "120" -> "2m", "3600" -> "1h": the largest unit that
 * divides seconds exactly. Returns buf. */
const char *rp_format_duration(unsigned seconds, char *buf, size_t bufsz);
/* "16M", "1G", "1536K": the largest unit that divides bytes exactly. */
const char *rp_format_size(uint64_t bytes, char *buf, size_t bufsz);

/* --- address.c: addresses ------------------------------------------------------- */

/* "127.0.0.1:2222" or "[::1]:2222", numeric only. On failure *why says what
 * is wrong in a few words. */
int rp_parse_listen_address(const char *text, struct sockaddr_storage *addr,
    socklen_t *addrlen, const char **why);
/* Same family, address and port. */
int rp_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* "10.0.0.0/8", "10.1.2.3" (/32), "2001:db8::/32", "::1" (/128). IPv4-mapped
 * IPv6 networks inside ::ffff:0:0/96 become IPv4. Host bits must be zero.
 * On failure *why says what is wrong. */
int rp_cidr_parse(const char *text, struct rp_cidr *out, const char **why);
/* "10.0.0.0/8"; a full-length prefix prints as the bare address. */
const char *rp_cidr_format(const struct rp_cidr *cidr, char *buf, size_t bufsz);
/* Append " any" or " CIDR CIDR ..." to buf at *off. */
void rp_sources_format(const struct rp_sources *s, char *buf, size_t bufsz, size_t *off);
int rp_addr_equal(const struct rp_addr *a, const struct rp_addr *b);
int rp_addr_is_loopback(const struct rp_addr *addr);

/* --- window.c: time windows ------------------------------------------------------- */

/* DAYS ("*", "Mon-Fri", "Sat,Sun", "Mon,Wed-Fri") and HH:MM-HH:MM. */
int rp_window_parse(const char *days, const char *times, struct rp_window *out,
    const char **why, int *bad_times);
int rp_window_contains(const struct rp_window *w, const struct rp_when *when);
/* "Mon-Fri 08:00-18:00". Returns buf. */
const char *rp_window_format(const struct rp_window *w, char *buf, size_t bufsz);
/* "Mon", ... */
const char *rp_weekday_name(unsigned wday);

/* --- readfile.c ------------------------------------------------------------------- */

/* Read the regular file at path, at most max bytes, into a malloc'd buffer
 * with a NUL after the last byte. On failure returns 0 with a reason in why
 * ("No such file or directory", "not a regular file", "larger than 1 MiB"),
 * and *missing (when not NULL) set when the file does not exist. When
 * owner_check is set, the file must be owned by root or uid and not be
 * writable by group or others. */
int rp_read_file(const char *path, size_t max, char **out, size_t *outlen, char *why,
    size_t whysz);
int rp_read_file_checked(const char *path, size_t max, int owner_check, uid_t uid,
    char **out, size_t *outlen, int *missing, char *why, size_t whysz);

/* --- keyopts.c: authorized_keys options --------------------------------------------- */

#define RP_PRINCIPAL_MAX 64 /* bytes in a certificate principal the policy names */

/* Parse the options of a line: len bytes at text, without the key. On
 * failure returns 0 with why filled ("unknown option 'x'", ...) and *out
 * empty; on success *out is filled (free it with rp_key_options_free). */
int rp_key_options_parse(const char *text, size_t len, struct rp_key_options *out, char *why,
    size_t whysz);
/* The length of the options that start line: up to the first blank
 * outside double quotes. Returns 0 when a quote is not closed. */
int rp_key_options_span(const char *line, size_t *len);
/* expiry-time's YYYYMMDD[HHMM[SS]][Z]. */
int rp_parse_expiry_time(const char *text, time_t *out);
/* 1 to 64 letters, digits, '.', '_', '-' or '@'. */
int rp_valid_principal(const char *s, size_t len);

/* --- authkeys.c ------------------------------------------------------------------- */

/* An authorized_keys line as read: its key, comment and options. */
struct rp_authkeys_line {
	struct rp_pubkey *key;
	char *comment;                 /* NULL: none */
	struct rp_key_options options;
	struct rp_srcpos pos;
};

/* Parse one line of an authorized_keys file or an inline authorized-key
 * value: "[OPTIONS] TYPE BASE64 [COMMENT]". Returns 1 with *out filled
 * (free with rp_authkeys_line_clear); 0 with why filled ("invalid base64
 * key data", "unknown option 'x'") and *bad_options set when the options
 * are what is wrong; -1 when out of memory. */
int rp_authkeys_parse_line(const char *line, struct rp_authkeys_line *out, int *bad_options,
    char *why, size_t whysz);
void rp_authkeys_line_clear(struct rp_authkeys_line *line);

/* Read an OpenSSH authorized_keys file (path as the policy resolved it) and
 * add its keys to the list; lines that are not usable are skipped with a
 * warning naming the file and line, and so are lines with options when
 * allow_options is 0 (CA key files). Returns 0 when the file cannot be
 * read (why says why), and then the list gets no key from it. */
int rp_authkeys_load(struct rp_policy *policy, struct rp_policy_key **keys, size_t *nkeys,
    const char *owner, const char *path, int allow_options, struct rp_policy_diag *diag,
    char *why, size_t whysz);
/* Called for each usable line; returns 0 to go on, non-zero to stop the
 * scan with that value. The line is freed after the call: a callback that
 * keeps its key, comment or options takes them and leaves NULL (or, for
 * the options, rp_key_options_init) behind. */
typedef int (*rp_authkeys_fn)(void *ctx, struct rp_authkeys_line *line);
/* Every usable line of authorized_keys text, named `file`; bad lines warn
 * through diag. Returns the first non-zero value of fn, -1 when out of
 * memory, 0 otherwise. */
int rp_authkeys_scan(const char *file, const char *text, size_t len,
    struct rp_policy_diag *diag, rp_authkeys_fn fn, void *ctx);
/* Expand %u, %h and %% in a key file template. Returns 0 when the result
 * does not fit or home is needed but NULL. */
int rp_keyfile_expand(const char *tmpl, const char *user, const char *home, char *out,
    size_t outsz);

/* --- authorize.c: the lines that can authorize a principal --------------------------- */

/* One key line of a principal, as rp_principal_key_lines finds it. */
struct rp_key_line {
	const struct rp_pubkey *key;
	const struct rp_key_options *options;
	struct rp_srcpos pos;  /* pos.file lives only during the call for login-time files */
	const char *block;     /* "user alice", "group admins" */
};
typedef int (*rp_key_line_fn)(void *ctx, const struct rp_key_line *line);
/* Every key line that can authorize principal, in order: the keys of the
 * user block and of each group (inline and load-time files), then the
 * %u/%h files of the user block and of each group, read now (see
 * rp_policy_authorize_key). Returns the first non-zero value of fn (-1:
 * out of memory), or 0. */
int rp_principal_key_lines(const struct rp_principal *principal,
    const struct rp_account *acct, struct rp_policy_diag *diag, rp_key_line_fn fn, void *ctx);
/* Is the line usable now, from `from`: its from= matches and its
 * expiry-time has not passed? Otherwise 0 with why filled. */
int rp_key_line_usable(const struct rp_key_line *line, const struct rp_addr *from, time_t now,
    char *why, size_t whysz);

/* --- algorithms.c ------------------------------------------------------------------ */

enum rp_alg_kind {
	RP_ALG_KEX,
	RP_ALG_HOSTKEY,
	RP_ALG_CIPHER,
	RP_ALG_MAC,
	RP_ALG_PUBKEY,
	RP_ALG_COMPRESSION,
	RP_ALG_KINDS
};

/* Every name of a kind that rampart implements, best first. */
const char *rp_alg_implemented(enum rp_alg_kind kind);
/* The default list of a kind, malloc'd (NULL when out of memory): the
 * implemented names without ssh-rsa and ssh-rsa-cert-v01@openssh.com for
 * user keys, and for host keys with the certificate algorithm only when
 * with_host_certs (the policy has a host-certificate). */
char *rp_alg_default(enum rp_alg_kind kind, int with_host_certs);
/* Apply an algorithm list as written (plain, +, - or ^) to the default.
 * *out is a malloc'd comma-separated list. On failure returns 0 with why
 * filled, and *offset the byte offset in text of the offending name. */
int rp_alg_edit(enum rp_alg_kind kind, int with_host_certs, const char *text, char **out,
    char *why, size_t whysz, size_t *offset);

/* --- rules.c ------------------------------------------------------------------------ */

#define RP_SUBSYSTEM_MAX 64 /* bytes in a subsystem name */
#define RP_SUBSYSTEM_RULE "letters, digits, '.', '_', '-' or '@'"

/* A subsystem name, as `allow subsystem` and `subsystem` lines take it:
 * 1 to RP_SUBSYSTEM_MAX letters, digits, '.', '_', '-' or '@'. */
int rp_valid_subsystem(const char *s);

/* Does the rule's action, target and conditions match? from or when may
 * be NULL (unknown): a condition on them then fails closed. */
int rp_rule_matches(const struct rp_rule *rule, const struct rp_addr *from,
    const struct rp_when *when, const struct rp_request *req);

/* --- sessions.c --------------------------------------------------------------------- */

/* "no", "yes", "with-input": the word record-sessions takes for a mode. */
const char *rp_record_mode_name(enum rp_record_mode mode);

/* --- print.c ------------------------------------------------------------------------ */

/* `"text"` with \" and \\ escaped, into buf. Returns buf. */
const char *rp_quote(const char *text, char *buf, size_t bufsz);

#endif

/*
 * policy/policy.h: the administrator's policy, parsed and validated, and the
 * decisions the monitor asks of it.
 *
 * The language is documented in docs/policy.md. In short: statements, one a
 * line, with brace blocks for users, groups and penalties:
 *
 *     include policy.d/[0-9]*.conf
 *     listen *:22
 *     host-key /etc/rampart/ssh_host_ed25519_key
 *     admit from 10.0.0.0/8 2001:db8::/32 rate 20/1m
 *
 *     group admins {
 *         members alice bob
 *         auth publickey+keyboard-interactive
 *         allow login from 10.1.0.0/16
 *         allow exec
 *     }
 *     user alice {
 *         authorized-key "ssh-ed25519 AAAAC3Nz... alice@laptop"
 *         allow forward db*.corp.example:5432
 *     }
 *
 * Deny by default, first match everywhere: admission rules in file order;
 * a user's rules are those of their `user` block, then those of each group
 * they belong to, groups in block order; the first rule whose action, target
 * and conditions match decides. No matching rule means deny.
 *
 * This header is what the monitor and rampartctl see. Rules, windows and the
 * other insides of a user or group block stay in policy/ (internal.h): the
 * monitor asks questions (rp_policy_admission, rp_policy_resolve,
 * rp_policy_decide, rp_policy_authorize_key, ...) and gets answers that
 * carry the deciding rule's text and position, for logs and the audit log.
 * Every decision is a pure function of its arguments (the time is passed
 * in), except rp_policy_resolve, which asks the system for Unix group
 * membership, and rp_policy_authorize_key and rp_policy_authorize_cert,
 * which read %u/%h key files.
 */
#ifndef RAMPART_POLICY_POLICY_H
#define RAMPART_POLICY_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "common/log.h"
#include "crypto/totp.h"

struct rp_krl;
struct rp_pubkey;
struct rp_block; /* internal: the rules and settings of a user or group block */

/* The longest user, group or Unix group name. */
#define RP_NAME_MAX 32
/* Room for a certificate key id as rp_cert_decision shows it: up to 1024
 * bytes (RP_CERT_MAX_KEY_ID), each at most "\xNN". */
#define RP_CERT_KEY_ID_TEXT (1024 * 4 + 1)

/* Where something was written: for error messages and `rampartctl explain`. */
struct rp_srcpos {
	const char *file; /* owned by the policy */
	unsigned line;    /* 1-based */
	unsigned col;     /* 1-based, in bytes */
};

/* --- addresses ------------------------------------------------------------ */

/* A client or target address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d)
 * are always stored as IPv4, so IPv4 rules match them. */
struct rp_addr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t bytes[16]; /* AF_INET: the first 4 */
};

struct rp_cidr {
	struct rp_addr net; /* host bits zero */
	unsigned prefix;    /* 0..32 or 0..128 */
};

/* SOURCES: `any`, or a list of CIDRs. */
struct rp_sources {
	int any;
	struct rp_cidr *cidrs;
	size_t ncidrs;
};

/* Numeric IPv4 or IPv6 text (no brackets, no prefix). Returns 0 otherwise. */
int rp_addr_parse(const char *text, struct rp_addr *out);
/* From an accepted socket's peer address. Returns 0 for other families. */
int rp_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, struct rp_addr *out);
/* "10.0.0.5", "2001:db8::1". Returns buf. */
const char *rp_addr_format(const struct rp_addr *addr, char *buf, size_t bufsz);
int rp_cidr_contains(const struct rp_cidr *cidr, const struct rp_addr *addr);
int rp_sources_match(const struct rp_sources *sources, const struct rp_addr *addr);

/* --- daemon settings ------------------------------------------------------ */

struct rp_policy_listen {
	char text[80]; /* the effective address, e.g. "[::1]:2222"; `*:22` is two entries */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct rp_srcpos pos;
	int from_wildcard; /* 1 when written as `*:PORT` */
};

/* A `host-key` or `host-certificate` line. */
struct rp_policy_hostkey {
	char *path;
	struct rp_srcpos pos;
};

/* --- authorized_keys options ---------------------------------------------- */

/* What a key line (or a certificate) lets a session do, as bits of
 * rp_key_options.permit. A line without options permits everything (the
 * policy's rules still decide); `restrict` clears every bit, and `pty`,
 * `port-forwarding`, ... after it set single ones again. */
#define RP_PERMIT_PTY              0x01u
#define RP_PERMIT_PORT_FORWARDING  0x02u
#define RP_PERMIT_AGENT_FORWARDING 0x04u
#define RP_PERMIT_X11_FORWARDING   0x08u
#define RP_PERMIT_USER_RC          0x10u
#define RP_PERMIT_ALL              0x1fu

/* One pattern of a from="..." list. */
struct rp_key_from {
	int negate;          /* written with a leading '!' */
	int is_cidr;         /* 1: cidr (an address or ADDRESS/PREFIX); 0: glob */
	struct rp_cidr cidr;
	char *glob;          /* the pattern with '*' and '?', without '!'; NULL for a CIDR */
};

/* One permitopen="HOST:PORT" or permitlisten="[HOST:]PORT". */
struct rp_permit_target {
	char *host; /* without brackets; permitopen "*": any host; permitlisten: a glob */
	int port;   /* 1..65535; -1: '*', any port */
};

/* The options of an authorized_keys line (sshd(8), AUTHORIZED_KEYS FILE
 * FORMAT), as the monitor enforces them. Options rampart does not carry out
 * (environment=, tunnel=, no-touch-required, verify-required) make the line
 * unusable: it is skipped with a warning, never accepted without them. */
struct rp_key_options {
	char *text;       /* the options as written, for `check` and logs; NULL: none */
	unsigned permit;  /* RP_PERMIT_* */
	char *command;    /* command="...": the only command the key may run; NULL: none */
	/* from="...": the client's address must match a pattern and no '!'
	 * pattern; none: any address. */
	struct rp_key_from *from;
	size_t nfrom;
	time_t expiry;    /* expiry-time: refused after this second; 0: never */
	/* permitopen / permitlisten: none means no restriction beyond the
	 * policy's forward / remote-forward rules. */
	struct rp_permit_target *permitopen;
	size_t npermitopen;
	struct rp_permit_target *permitlisten;
	size_t npermitlisten;
	int cert_authority; /* the key is a CA for user certificates, not a user key */
	char **principals;  /* principals="a,b" (cert-authority only); none: the user's name */
	size_t nprincipals;
};

/* A line without options: everything permitted, nothing else set. */
void rp_key_options_init(struct rp_key_options *opts);
void rp_key_options_free(struct rp_key_options *opts);
/* A deep copy; 0 when out of memory (dst is then empty). */
int rp_key_options_copy(struct rp_key_options *dst, const struct rp_key_options *src);
/* from= against the client's address: 1 when there is no from=, or a
 * pattern matches and no negated one does; 0 otherwise and when from is
 * NULL (unknown: fail closed). Never uses DNS. */
int rp_key_options_from_matches(const struct rp_key_options *opts, const struct rp_addr *from);
/* May a direct-tcpip channel to host:port be opened, as far as permitopen=
 * goes? (port forwarding itself is RP_PERMIT_PORT_FORWARDING.) */
int rp_key_options_allow_open(const struct rp_key_options *opts, const char *host,
    unsigned port);
/* May a tcpip-forward listen on bind:port, as far as permitlisten= goes? */
int rp_key_options_allow_listen(const struct rp_key_options *opts, const char *bind,
    unsigned port);

struct rp_policy_key {
	struct rp_pubkey *key;
	char *comment; /* may be NULL */
	/* Where the key came from: the policy line, or the line of the
	 * authorized-keys file that held it. */
	struct rp_srcpos pos;
	struct rp_key_options options; /* the line's options */
};

/* A `subsystem NAME COMMAND...` line. */
struct rp_policy_subsystem {
	char *name;    /* letters, digits, '.', '_', '-', '@' */
	char *command; /* its words joined by single spaces; the first an absolute path */
	struct rp_srcpos pos;
};

/* One `audit-log` line: a file or syslog. */
struct rp_policy_audit_log {
	char *path; /* NULL for syslog */
	struct rp_srcpos pos;
};

/* refuse-client-version PATTERN: a glob over the client's software
 * version (its identification string after "SSH-2.0-"). */
struct rp_policy_version_pattern {
	char *pattern;
	struct rp_srcpos pos;
};

/* PerSourcePenalties, as OpenSSH 9.8 has them. Durations in seconds. */
struct rp_penalties {
	int enabled;              /* default 1; `penalties off` */
	unsigned authfail_s;      /* 5 */
	unsigned noauth_s;        /* 1 */
	unsigned crash_s;         /* 90 */
	unsigned grace_exceeded_s; /* 10 */
	unsigned refused_s;       /* 0: no penalty */
	unsigned max_s;           /* 600: a source's penalty never exceeds this */
	unsigned min_s;           /* 15: penalty accumulated before refusing */
	struct rp_sources exempt; /* never penalised */
	unsigned ipv4_prefix;     /* 32: addresses are grouped by this prefix */
	unsigned ipv6_prefix;     /* 64 */
};

/* A rate limit on an `admit` rule: count connections per period_s seconds,
 * bursts of up to burst. count 0: no limit. The monitor keeps the counters. */
struct rp_rate {
	unsigned count;
	unsigned period_s;
	unsigned burst; /* default count */
};

/* An `admit` or `refuse` line. */
struct rp_admission_rule {
	int admit; /* 1 admit, 0 refuse */
	struct rp_sources from;
	struct rp_rate rate; /* admit only */
	char *text;          /* canonical: "admit from 10.0.0.0/8 rate 20/1m burst 20" */
	struct rp_srcpos pos;
	unsigned number;     /* 1-based, in evaluation (file) order */
};

/* --- users, groups, principals -------------------------------------------- */

struct rp_policy_user {
	char *name;
	struct rp_srcpos pos;
	/* Keys written inline or read at load time from files without %u/%h. */
	struct rp_policy_key *keys;
	size_t nkeys;
	struct rp_block *block; /* rules, auth chains, ... (internal) */
};

struct rp_policy_group {
	char *name;
	struct rp_srcpos pos;
	char **members;        /* `members` names, in order */
	size_t nmembers;
	char **system_groups;  /* `system-group` Unix group names */
	size_t nsystem_groups;
	struct rp_policy_key *keys;
	size_t nkeys;
	struct rp_block *block;
};

struct rp_policy {
	struct rp_policy_listen *listens;
	size_t nlistens;
	struct rp_policy_hostkey *host_keys;
	size_t nhost_keys;
	/* OpenSSH host certificates for the host keys; rampartd loads them
	 * (the policy only records the paths). */
	struct rp_policy_hostkey *host_certificates;
	size_t nhost_certificates;
	/* Shown to every client before authentication (`banner` or
	 * `banner-file` at top level, read at load); NULL: none. */
	char *banner;
	char *banner_file; /* the file it came from, NULL for `banner` */
	/* `revoked-keys`: the KRL, read at load; NULL: none. */
	char *revoked_keys;
	struct rp_krl *krl;
	char *server_version;        /* after "SSH-2.0-"; default "rampart_" RAMPART_VERSION */
	/* Algorithm lists in preference order, comma-separated, as the
	 * monitor passes them on; every name is implemented. */
	char *kex_algorithms;
	char *host_key_algorithms;   /* default: adds host certificates when there are some */
	char *ciphers;
	char *macs;
	char *pubkey_algorithms;     /* user-key signatures; advertised in server-sig-algs */
	char *compression;
	/* `moduli-file`: diffie-hellman-group-exchange groups, read at load;
	 * NULL: RFC 3526's groups 14, 16 and 18. */
	char *moduli_file;
	struct rp_moduli *moduli;
	unsigned dh_group_bits;      /* the smallest group offered when the
	                              * client allows it; default 2048 */
	unsigned login_grace_time_s; /* default 30 */
	unsigned max_auth_tries;     /* default 6 */
	unsigned idle_timeout_s;     /* 0: off (default) */
	unsigned keepalive_interval_s; /* 0: off (default) */
	unsigned keepalive_count;
	uint64_t rekey_limit_bytes;  /* 0: the transport's own limit (default) */
	unsigned rekey_limit_s;      /* 0: no time limit (default) */
	unsigned max_connections;    /* default 1000 */
	unsigned max_startups_start; /* default 10:30:100 */
	unsigned max_startups_rate;  /* percent, 1..100 */
	unsigned max_startups_full;
	int tcp_nodelay;             /* default 1 */
	enum rp_log_level log_level; /* default info */
	struct rp_policy_audit_log *audit_logs; /* none by default */
	size_t naudit_logs;
	struct rp_policy_version_pattern *refused_versions; /* none by default */
	size_t nrefused_versions;
	int audit_failure_refuse;    /* 1: refuse new connections (default); 0: continue */
	char *recording_dir;         /* NULL: not set */
	/* `subsystem` lines, in file order, each name once. The built-in sftp
	 * is not among them: ask rp_policy_subsystem_command. */
	struct rp_policy_subsystem *subsystems;
	size_t nsubsystems;
	unsigned session_umask;      /* a mode_t value, at most 0777; default 0022 */
	unsigned max_channels;       /* open at once on one connection; default 64 */
	unsigned connect_timeout_s;  /* to a forwarding target; default 10 */
	char *control_socket;        /* default "/run/rampart/control.sock" */
	char *worker_user;           /* default "rampart" */
	char *worker_chroot;         /* default "/var/lib/rampart/empty" */
	struct rp_penalties penalties;
	struct rp_admission_rule *admission; /* in evaluation order */
	size_t nadmission;
	struct rp_policy_group *groups; /* in block order */
	size_t ngroups;
	struct rp_policy_user *users;   /* in block order */
	size_t nusers;
	/* Every file name a srcpos points at; freed with the policy. */
	char **files;
	size_t nfiles;
	/* Where each setting given at most once was set (for `check`). */
	struct rp_setting_pos {
		const char *name; /* the directive */
		struct rp_srcpos pos;
	} *settings;
	size_t nsettings;
};

/* --- loading -------------------------------------------------------------- */

/* A problem found while loading. Errors stop the load; warnings (such as an
 * unparseable line in an authorized-keys file, which is skipped) do not. */
struct rp_policy_diag {
	/* "FILE:LINE:COL: what is wrong; what was expected" */
	char error[1024];
	/* Called for each warning with the same "FILE:LINE:COL: ..." form; may
	 * be NULL. */
	void (*warn)(void *ctx, const char *message);
	void *warn_ctx;
};

/* Parse and validate the policy at path, with the files it includes. On
 * success *out is the policy and the return is 1. On failure the return is
 * 0, diag->error says why and nothing is allocated. Relative paths in the
 * file resolve against the directory of the file that names them and are
 * stored absolute. diag may be NULL (no message, no warnings). */
int rp_policy_load(const char *path, struct rp_policy **out, struct rp_policy_diag *diag);
/* Same, from text in memory; `name` is used as the file name in messages
 * (for tests). Relative paths stay as written in that case, so they resolve
 * against the current directory. */
int rp_policy_load_text(const char *name, const char *text, size_t len,
    struct rp_policy **out, struct rp_policy_diag *diag);
void rp_policy_free(struct rp_policy *policy);
/* Advice that is not an error, for `rampartctl check` (and the daemon's
 * log): no audit log, no `admit` rule, ... Passed to diag->warn. */
void rp_policy_advise(const struct rp_policy *policy, struct rp_policy_diag *diag);

/* --- sessions ------------------------------------------------------------- */

/* The default command of the sftp subsystem when the policy defines none:
 * Debian's openssh-sftp-server. */
#define RP_DEFAULT_SFTP_SERVER "/usr/lib/openssh/sftp-server"

/* The command of subsystem `name`: its `subsystem` line's, else for "sftp"
 * RP_DEFAULT_SFTP_SERVER; NULL when the policy does not define it. A
 * pointer into the policy (or a constant). Whether a principal may use it
 * is rp_policy_decide's question (`allow subsystem NAME`). */
const char *rp_policy_subsystem_command(const struct rp_policy *policy, const char *name);
/* The refuse-client-version pattern that software (a client's version
 * after "SSH-2.0-", without comments) matches, or NULL. */
const struct rp_policy_version_pattern *rp_policy_refused_version(const struct rp_policy *policy,
    const char *software);

/* --- diffie-hellman-group-exchange groups (moduli.c) ------------------------- */

/* One group: prime p and generator g, unsigned big-endian without leading
 * zero bytes. */
struct rp_dh_modulus {
	unsigned bits;
	uint8_t *p;
	size_t p_len;
	uint8_t g[4];
	size_t g_len;
};

/* The groups of a moduli file (OpenSSH's moduli(5) format). */
struct rp_moduli {
	struct rp_dh_modulus *groups;
	size_t n;
	size_t skipped;              /* outside 2048..8192 bits */
	unsigned first_skipped_line;
};

/* Parse a moduli file's text; why says what is wrong and on which line. */
int rp_moduli_parse(const char *text, size_t len, struct rp_moduli **out, char *why,
    size_t whysz);
int rp_moduli_load_file(const char *path, struct rp_moduli **out, char *why, size_t whysz);
void rp_moduli_free(struct rp_moduli *m);
/* The group for a client asking for min <= n <= max bits (RFC 4419 3):
 * of the groups in m (NULL: RFC 3526's 14, 16 and 18) within [min, max],
 * the smallest of at least max(n, preferred_bits) bits, else the largest
 * below that; one of that size at random. Falls back to RFC 3526's groups
 * when m has none in range. NULL for a request out of order, with max
 * under 2048, or with no group in range. */
const struct rp_dh_modulus *rp_moduli_choose(const struct rp_moduli *m,
    unsigned preferred_bits, uint32_t min, uint32_t n, uint32_t max);

/* --- admission ------------------------------------------------------------ */

/* The first `admit` or `refuse` rule whose sources contain from, or NULL:
 * no rule matched, and the connection is refused. */
const struct rp_admission_rule *rp_policy_admission(const struct rp_policy *policy,
    const struct rp_addr *from);
/* Is from in the penalties' `exempt` list? */
int rp_policy_penalty_exempt(const struct rp_policy *policy, const struct rp_addr *from);

/* --- principals ------------------------------------------------------------ */

/* A user name as the policy knows it: its `user` block (maybe none) and the
 * groups it belongs to, in evaluation (block) order. */
struct rp_principal {
	char name[RP_NAME_MAX + 1];
	const struct rp_policy_user *user; /* NULL: no user block */
	const struct rp_policy_group **groups; /* malloc'd */
	size_t ngroups;
};

/* Resolve name: its user block, the groups that list it in `members`, and
 * the groups with a `system-group` the system says it is in (getgrnam_r,
 * getgrouplist, at the time of the call). Returns 1 with *out filled (clear
 * it with rp_principal_clear) when name is a principal; 0 when the policy
 * does not know the name (or it is not a valid user name, or out of
 * memory), with *out cleared. */
int rp_policy_resolve(const struct rp_policy *policy, const char *name,
    struct rp_principal *out);
void rp_principal_clear(struct rp_principal *principal);
/* Is user a member of the Unix group `group` (by name), as the system says:
 * listed in the group, or the group is their primary group. */
int rp_unix_group_member(const char *user, const char *group);

/* --- decisions ------------------------------------------------------------- */

/* What a rule can allow or deny. */
enum rp_action {
	RP_ACTION_LOGIN = 0,
	RP_ACTION_SHELL,
	RP_ACTION_EXEC,
	RP_ACTION_SUBSYSTEM,
	RP_ACTION_PTY,
	RP_ACTION_ENV,
	RP_ACTION_FORWARD,        /* direct-tcpip */
	RP_ACTION_REMOTE_FORWARD, /* tcpip-forward */
	RP_ACTION_X11,
	RP_ACTION_AGENT,
	RP_ACTION_COUNT
};

const char *rp_action_name(enum rp_action action);
/* The action a rule (or `rampartctl explain`) names, e.g. "exec". Returns 0
 * when the name is not an action. */
int rp_action_from_name(const char *name, enum rp_action *out);
/* 0 for actions whose mechanism rampart does not have yet (shell, pty,
 * subsystems, env, forwarding, x11, agent): the daemon refuses them whatever
 * the policy says. */
int rp_action_in_effect(enum rp_action action);

/* A point in the week, in the bastion's local time. */
struct rp_when {
	unsigned wday;   /* 0 = Sunday .. 6 = Saturday */
	unsigned minute; /* 0..1439 after local midnight */
};

/* t in local time (localtime_r). */
void rp_when_from_time(time_t t, struct rp_when *out);

/* What a user asks for. */
struct rp_request {
	enum rp_action action;
	/* exec: the command; subsystem: its name; env: the variable name;
	 * forward: the host as the client wrote it; remote-forward: the bind
	 * address as the client sent it ("", "localhost", "*", "0.0.0.0", an
	 * address). NULL for the others. */
	const char *name;
	unsigned port; /* forward, remote-forward */
	/* forward: the addresses the monitor resolved name to (the policy
	 * never does DNS). When naddrs is 0 and name is a numeric address,
	 * that address is used. */
	const struct rp_addr *addrs;
	size_t naddrs;
};

/* A request from words, as `rampartctl explain` takes them: "login",
 * "shell", "exec" ["COMMAND"], "subsystem NAME", "pty", "env NAME",
 * "forward HOST:PORT" ([IPv6]:PORT), "remote-forward BIND:PORT", "x11",
 * "agent". Pointers in *out point into words or into hostbuf (at least
 * 256 bytes). Returns 0 with why filled on anything else. */
int rp_request_from_words(size_t nwords, char *const *words, struct rp_request *out,
    char *hostbuf, size_t hostbufsz, char *why, size_t whysz);

struct rp_decision {
	int allow;
	/* The deciding rule's canonical text, position and block ("user
	 * alice", "group admins"); rule NULL: no rule matched, deny by
	 * default. Pointers into the policy. */
	const char *rule;
	struct rp_srcpos pos;
	const char *block;
	/* 0 when the policy allows an action whose mechanism rampart does not
	 * have yet (see rp_action_in_effect): the daemon still refuses it. */
	int in_effect;
};

/* Decide req for principal, connected from `from`, at `when`: the first
 * matching rule of the user block, then of each group in order. Returns
 * out->allow. from or when may be NULL when unknown: a rule conditioned on
 * them then fails closed (an allow does not match, a deny does). */
int rp_policy_decide(const struct rp_policy *policy, const struct rp_principal *principal,
    const struct rp_addr *from, const struct rp_when *when, const struct rp_request *req,
    struct rp_decision *out);

/* --- credentials and per-principal settings -------------------------------- */

/* The account a principal logs in to, for %h and key-file checks. */
struct rp_account {
	const char *home; /* NULL: %h files are skipped */
	uid_t uid;        /* owner a %u/%h key file may have besides root */
};

/* Where an authorized key (or a certificate's CA) was found, and what its
 * line says. Fill it with rp_policy_authorize_key or
 * rp_policy_authorize_cert (it need not be initialized before), then free
 * what it holds with rp_key_source_clear, whatever the answer was. */
struct rp_key_source {
	struct rp_srcpos pos;  /* the policy line, or FILE:LINE of a key file; line 0: none */
	const char *block;     /* "user alice", "group admins"; NULL: none */
	char file[4096];       /* storage for pos.file when read at auth time */
	/* The options that apply to the session: a copy owned by this struct
	 * (for keys read at load too, so that it outlives a reload). */
	struct rp_key_options options;
	/* On refusal, why, for the log: "key not listed for alice", "from= of
	 * FILE:LINE does not allow 10.9.9.9", ... Never sent to the client. */
	char reason[256];
};

/* Frees the options (they become "none"); pos, block and reason stay. */
void rp_key_source_clear(struct rp_key_source *src);

/* Is key authorized for principal, connected from `from` at `now`? The
 * candidates, in order: the keys of the user block and of each group
 * (inline and load-time files), then the %u/%h authorized-keys files of the
 * user block and the groups, read now: a missing file counts as empty; a
 * file that is not a regular file, is larger than 1 MiB, is writable by
 * group or others, or is owned by someone other than root or acct->uid is
 * skipped with a warning; bad lines are skipped with a warning naming file
 * and line (through diag, which may be NULL). acct may be NULL: %h files are
 * skipped and other login-time files must be owned by root.
 *
 * A line whose key equals key (cert-authority lines never do) authorizes
 * it when its from= matches `from` (NULL, unknown: a from= line refuses)
 * and its expiry-time has not passed at `now`; otherwise the next matching
 * line is tried, as OpenSSH does. A key revoked by the policy's
 * revoked-keys list is refused whatever the lines say.
 *
 * Returns 1 with out->pos, out->block and out->options (a copy) filled;
 * 0 with out->reason saying why (the first line that matched but could not
 * be used, or "not listed"). Either way, rp_key_source_clear(out) after. */
int rp_policy_authorize_key(const struct rp_policy *policy,
    const struct rp_principal *principal, const struct rp_pubkey *key,
    const struct rp_account *acct, const struct rp_addr *from, time_t now,
    struct rp_policy_diag *diag, struct rp_key_source *out);

/* --- certificates ------------------------------------------------------------ */

struct rp_cert;

/* Why a user certificate was refused; the first check that failed, in
 * this order. */
enum rp_cert_verdict {
	RP_CERT_ACCEPTED = 0,
	RP_CERT_NOT_USER,          /* a host certificate */
	RP_CERT_UNTRUSTED_CA,      /* no trusted-user-ca or cert-authority line names its CA */
	RP_CERT_BAD_SIGNATURE,     /* the CA's signature does not verify, or is SHA-1 unasked */
	RP_CERT_NOT_YET_VALID,     /* now < valid_after */
	RP_CERT_EXPIRED,           /* now >= valid_before */
	RP_CERT_CRITICAL_OPTION,   /* an unknown critical option, or an invalid source-address */
	RP_CERT_SOURCE_ADDRESS,    /* the client is not in its source-address list */
	RP_CERT_REVOKED,           /* by the policy's revoked-keys: serial, key id, key or CA */
	RP_CERT_WRONG_PRINCIPAL,   /* it names none of the principals the CA line allows */
	RP_CERT_CA_LINE_REFUSED,   /* the cert-authority line's from= or expiry-time */
	RP_CERT_COMMAND_CONFLICT,  /* its force-command and the CA line's command= differ */
	RP_CERT_ERROR,             /* out of memory */
};

/* The answer for a user certificate. Clear it with rp_cert_decision_clear
 * whatever the verdict. */
struct rp_cert_decision {
	enum rp_cert_verdict verdict;
	/* The CA line that trusted it (trusted-user-ca[-file], or a
	 * cert-authority line of an authorized key), and the session's
	 * options: source.options.command is the forced command (the
	 * certificate's force-command or the CA line's command=);
	 * source.options.permit is the certificate's extensions
	 * (permit-pty, permit-port-forwarding, permit-agent-forwarding,
	 * permit-X11-forwarding, permit-user-rc) and the CA line's flags
	 * together; permitopen / permitlisten / from are the CA line's.
	 * source.reason says why on refusal. */
	struct rp_key_source source;
	/* For the audit log: the key id with bytes outside printable ASCII,
	 * and '\', written as \xNN; and the serial. */
	char key_id[RP_CERT_KEY_ID_TEXT];
	uint64_t serial;
};

void rp_cert_decision_clear(struct rp_cert_decision *decision);
const char *rp_cert_verdict_name(enum rp_cert_verdict verdict);

/* Is the user certificate cert good for principal, connected from `from`
 * (NULL: unknown; source-address and from= then refuse) at `now`? It must
 * be a user certificate; its CA must be trusted for this principal by a
 * trusted-user-ca / trusted-user-ca-file of the user block or a group, or
 * by a cert-authority line among the principal's authorized keys (inline,
 * load-time files, or %u/%h files read now, as rp_policy_authorize_key
 * reads them); the CA's signature must verify (a SHA-1 signature only when
 * pubkey-algorithms has ssh-rsa); valid_after <= now < valid_before; its
 * critical options may be force-command and source-address only (the
 * client must be in source-address's CIDRs); it is not revoked by the
 * policy's revoked-keys; and it names a principal the CA line allows (its
 * principals, else the user's own name). When several lines trust the CA,
 * each is tried in turn, as OpenSSH does. The signature of the session is
 * the monitor's to check, with rp_cert_key(cert).
 *
 * Returns 1 (verdict RP_CERT_ACCEPTED) with out filled, or 0 with the
 * verdict and out->source.reason. Pure but for the %u/%h files. */
int rp_policy_authorize_cert(const struct rp_policy *policy,
    const struct rp_principal *principal, const struct rp_cert *cert,
    const struct rp_account *acct, const struct rp_addr *from, time_t now,
    struct rp_policy_diag *diag, struct rp_cert_decision *out);

enum rp_auth_method {
	RP_AUTH_PUBLICKEY = 0,
	RP_AUTH_PASSWORD,
	RP_AUTH_KEYBOARD_INTERACTIVE,
	RP_AUTH_NONE,    /* `auth none`: no credential at all; only as a chain of its own */
	RP_AUTH_METHOD_COUNT
};

#define RP_AUTH_CHAIN_MAX 3

/* One `auth` line: methods that must all succeed, in order. */
struct rp_auth_chain {
	enum rp_auth_method methods[RP_AUTH_CHAIN_MAX];
	size_t n;
	struct rp_srcpos pos; /* line 0: the built-in default */
};

const char *rp_auth_method_name(enum rp_auth_method method);
/* 0 for methods rampart does not implement yet: a chain with one can never
 * complete. Every method above is in effect. */
int rp_auth_method_in_effect(enum rp_auth_method method);

/* The principal's auth chains (alternatives): the user block's `auth` lines
 * if any, else those of the first group (block order) that has some, else
 * `auth publickey`. *from is the block they came from ("user alice",
 * "group admins", or "default"). Never empty. */
const struct rp_auth_chain *rp_principal_auth(const struct rp_principal *principal,
    size_t *n, const char **from);
/* max-sessions: the user block's, else the first group's that sets it, else
 * 10. */
unsigned rp_principal_max_sessions(const struct rp_principal *principal);
/* record-sessions: which of a principal's sessions are recorded. */
enum rp_record_mode {
	RP_RECORD_OFF = 0, /* `no` (default) */
	RP_RECORD_OUTPUT,  /* `yes`: pty sessions' output and terminal resizes */
	RP_RECORD_INPUT,   /* `with-input`: that, and the user's keystrokes */
};

/* record-sessions: the user block's, else the first group's that sets it,
 * else RP_RECORD_OFF. A session that must be recorded but cannot be (for
 * one, when the policy has no recording-dir) is refused. */
enum rp_record_mode rp_principal_record_mode(const struct rp_principal *principal);
/* The principal's banner (a `banner` line or a `banner-file` read at load,
 * user block first, then groups), or NULL for none. It is shown only once
 * the principal has authenticated, before the session starts: a banner
 * sent earlier would tell a client which user names exist. The policy's
 * top-level banner (rp_policy.banner) is the one shown before
 * authentication, to every client alike. */
const char *rp_principal_banner(const struct rp_principal *principal);

/* Where a principal's password is checked. */
enum rp_password_source {
	RP_PASSWORD_NONE = 0, /* no password: the password method cannot succeed */
	RP_PASSWORD_HASH,     /* `password-hash "CRYPT"` */
	RP_PASSWORD_SYSTEM,   /* `password system`: the account's shadow entry */
};

struct rp_password_setting {
	enum rp_password_source source;
	const char *hash;     /* RP_PASSWORD_HASH: the crypt(3) hash (into the policy) */
	struct rp_srcpos pos; /* where it was set; line 0 for none */
	const char *block;    /* "user alice", "group admins"; NULL for none */
};

/* The principal's password setting: `password-hash` or `password system`
 * of the user block, else of the first group that has one. Returns 1 when
 * there is one, 0 (out->source RP_PASSWORD_NONE) otherwise. */
int rp_principal_password(const struct rp_principal *principal,
    struct rp_password_setting *out);

/* The bounds of `totp-period`, in seconds; rampartctl totp-enroll keeps to
 * them too, so it never writes a secret the policy cannot use. */
#define RP_TOTP_PERIOD_MIN 15
#define RP_TOTP_PERIOD_MAX 300

/* keyboard-interactive with TOTP (RFC 6238), for one principal. Each value
 * is the user block's, else the first group's that sets it, else the
 * default. Pointers into the policy. */
struct rp_totp_settings {
	const char *secrets;     /* `totp-secrets` PATH; NULL: none (no code can match) */
	const char *prompt;      /* `totp-prompt`; default "Verification code: " */
	const char *instruction; /* `auth-instruction`; default "" */
	unsigned digits;         /* `totp-digits` 6..8; default 6 */
	unsigned period_s;       /* `totp-period` 15s..5m; default 30 */
	enum rp_totp_hash hash;  /* `totp-algorithm`; default RP_TOTP_SHA1 */
	unsigned window;         /* `totp-window`: steps either side accepted, 0..3; default 1 */
};

void rp_principal_totp(const struct rp_principal *principal, struct rp_totp_settings *out);

/* --- printing and explaining ----------------------------------------------- */

/* The effective policy in canonical form (`rampartctl check`): every
 * setting with its value, defaults marked "# default", algorithm lists
 * expanded, rules one a line in evaluation order with "# FILE:LINE",
 * groups and users in block order, then what is not yet in effect. */
void rp_policy_print(const struct rp_policy *policy, FILE *out);

/* `rampartctl explain`: the admission decision for `from`, whether user may
 * log in from there at `when` and with which auth chains, then the decision
 * for req (NULL: login only), each with its rule and position. Returns 1
 * when everything asked is allowed, 0 when something is denied. */
int rp_policy_explain(const struct rp_policy *policy, FILE *out, const char *user,
    const struct rp_addr *from, const struct rp_when *when, const struct rp_request *req);

/* --- compatibility ---------------------------------------------------------- */

/* The user block named name, NULL when there is none. Users known only
 * through groups have no block: use rp_policy_resolve. */
const struct rp_policy_user *rp_policy_find_user(const struct rp_policy *policy,
    const char *name);
/* The entry of user's keys (inline and load-time files) that equals key, or
 * NULL. rp_policy_authorize_key also checks groups and %u/%h files. */
const struct rp_policy_key *rp_policy_user_key(const struct rp_policy_user *user,
    const struct rp_pubkey *key);
/* 1 only when the user block alone allows `action` unconditionally: its
 * first rule for the action is an `allow` without targets, `from` or `at`.
 * Fails closed for everything else; rp_policy_decide is the real answer. */
int rp_policy_user_may(const struct rp_policy_user *user, enum rp_action action);

/* --- units ------------------------------------------------------------------ */

/* Parse "30s", "15m", "2h", "1d" or a bare number of seconds. Returns 0 on
 * anything else or on overflow. */
int rp_parse_duration(const char *text, unsigned *seconds);
/* Parse "512", "64K", "16M", "1G" (powers of 1024). */
int rp_parse_size(const char *text, uint64_t *bytes);

#endif

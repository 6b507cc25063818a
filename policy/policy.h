/*
 * policy/policy.h: the administrator's policy, parsed and validated.
 *
 * The language (documented in docs/policy.md) is line-oriented statements
 * with brace blocks:
 *
 *     # daemon settings
 *     listen 127.0.0.1:2222
 *     listen [::1]:2222
 *     host-key /etc/rampart/ssh_host_ed25519_key
 *     login-grace-time 30s
 *     max-auth-tries 6
 *
 *     user alice {
 *         authorized-key "ssh-ed25519 AAAAC3Nz... alice@laptop"
 *         authorized-keys-file /etc/rampart/keys/alice
 *         allow exec
 *     }
 *
 * Deny by default: a user may log in only with a key listed for them, and may
 * do only what an `allow` line in their block grants. Errors name file, line
 * and column and say what was expected; unknown directives are errors.
 *
 * This header is what the monitor and rampartctl see. The parser's internals
 * (lexer, directive tables) stay in policy/.
 */
#ifndef RAMPART_POLICY_POLICY_H
#define RAMPART_POLICY_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct rp_pubkey;

/* Where something was written: for error messages and `rampartctl explain`. */
struct rp_srcpos {
	const char *file; /* owned by the policy */
	unsigned line;    /* 1-based */
	unsigned col;     /* 1-based, in bytes */
};

struct rp_policy_listen {
	char text[80]; /* as written, e.g. "[::1]:2222" */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct rp_srcpos pos;
};

struct rp_policy_hostkey {
	char *path;
	struct rp_srcpos pos;
};

struct rp_policy_key {
	struct rp_pubkey *key;
	char *comment; /* may be NULL */
	/* Where the key came from: the policy line, or the line of the
	 * authorized-keys file that held it. */
	struct rp_srcpos pos;
};

/* The actions a user may be allowed. Later issues add shell, pty, subsystem,
 * forwarding; each is off unless an `allow` line grants it. */
enum rp_action {
	RP_ACTION_EXEC = 0,
	RP_ACTION_COUNT
};

struct rp_policy_user {
	char *name;
	struct rp_srcpos pos;
	struct rp_policy_key *keys;
	size_t nkeys;
	/* allowed[a] is set when an `allow` line grants action a; allowed_pos
	 * says where. */
	int allowed[RP_ACTION_COUNT];
	struct rp_srcpos allowed_pos[RP_ACTION_COUNT];
};

struct rp_policy {
	struct rp_policy_listen *listens;
	size_t nlistens;
	struct rp_policy_hostkey *host_keys;
	size_t nhost_keys;
	unsigned login_grace_time_s; /* default 30 */
	unsigned max_auth_tries;     /* default 6 */
	char *worker_user;           /* default "rampart" */
	char *worker_chroot;         /* default "/var/lib/rampart/empty" */
	struct rp_policy_user *users;
	size_t nusers;
	/* Every file name a srcpos points at; freed with the policy. */
	char **files;
	size_t nfiles;
};

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

/* Parse and validate the policy at path. On success *out is the policy and
 * the return is 1. On failure the return is 0, diag->error says why and
 * nothing is allocated. Relative paths in the file (host-key,
 * authorized-keys-file) resolve against the file's directory and are stored
 * absolute. diag may be NULL (no message, no warnings). */
int rp_policy_load(const char *path, struct rp_policy **out, struct rp_policy_diag *diag);
/* Same, from text in memory; `name` is used as the file name in messages
 * (for tests). Relative paths stay as written in that case, so they resolve
 * against the current directory. */
int rp_policy_load_text(const char *name, const char *text, size_t len,
    struct rp_policy **out, struct rp_policy_diag *diag);
void rp_policy_free(struct rp_policy *policy);

/* NULL when the policy has no such user. */
const struct rp_policy_user *rp_policy_find_user(const struct rp_policy *policy,
    const char *name);
/* The entry of user's keys that equals key, or NULL. */
const struct rp_policy_key *rp_policy_user_key(const struct rp_policy_user *user,
    const struct rp_pubkey *key);
int rp_policy_user_may(const struct rp_policy_user *user, enum rp_action action);
const char *rp_action_name(enum rp_action action);
/* The action an `allow` line (or `rampartctl explain`) names, e.g. "exec".
 * Returns 0 when the name is not an action. */
int rp_action_from_name(const char *name, enum rp_action *out);

/* Parse "30s", "15m", "2h", "1d" or a bare number of seconds. Returns 0 on
 * anything else or on overflow. */
int rp_parse_duration(const char *text, unsigned *seconds);
/* Parse "512", "64K", "16M", "1G" (powers of 1024). */
int rp_parse_size(const char *text, uint64_t *bytes);

#endif

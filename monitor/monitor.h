/*
 * monitor/monitor.h: rampartd's state, shared by the files of monitor/.
 *
 * The monitor is one single-threaded event loop (monitor/main.c). It holds
 * the host keys and the policy, accepts connections, starts a worker for
 * each, answers the workers' requests (monitor/ipc_dispatch.c) and starts
 * sessions as the authenticated user (monitor/session_spawn.c).
 */
#ifndef RAMPART_MONITOR_MONITOR_H
#define RAMPART_MONITOR_MONITOR_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/ipc.h"
#include "common/ipc_msg.h"
#include "crypto/cert.h"
#include "crypto/sshkey.h"
#include "monitor/audit.h"
#include "monitor/auth_chain.h"
#include "monitor/crypt_pool.h"
#include "monitor/penalty.h"
#include "monitor/resolver.h"
#include "policy/policy.h"

#define MAX_LISTENERS 16
#define MAX_HOSTKEYS 8
#define MAX_SESSIONS_PER_CONN 16
/* tcpip-forward listeners one connection may hold at once. */
#define CONN_MAX_LISTENERS 16
/* Connections served at once; more wait in the listen backlog. */
#define DEFAULT_MAX_CONNECTIONS 1000
/* Log lines a worker may send per second before they are dropped. */
#define WORKER_LOG_BURST 200

struct hostkey {
	struct rp_privkey *key;
	int owns_key;          /* 0: a certificate's slot borrowing its key's */
	struct rp_cert *cert;  /* a host certificate's slot: the certificate */
	const char *alg;       /* the key type, or the certificate type */
	uint8_t *blob;
	size_t blob_len;
	char fingerprint[64];
	char *path;
};

/* Connection states; each IPC request names the states it is allowed in
 * (monitor/ipc_dispatch.c). */
enum conn_state {
	CONN_PREKEX = 1 << 0,  /* no key exchange signed yet */
	CONN_PREAUTH = 1 << 1, /* session id recorded, not authenticated */
	CONN_AUTHED = 1 << 2,  /* authenticated as conn->user */
	CONN_CLOSING = 1 << 3, /* the worker said the connection ends */
};

struct session {
	int in_use;
	pid_t pid;
	uint32_t number;
	int pty_master;   /* the monitor's copy (resizes, breaks), or -1 */
	char tty[64];     /* the pty's slave path, "" without one */
	char agent_path[108]; /* its SSH_AUTH_SOCK, "" without one */
};

/* One authentication attempt, for the daemon log and the audit log. */
struct auth_attempt {
	const char *method;            /* "publickey", "password", ... */
	enum rp_auth_method method_id;
	const char *stage;             /* "query", "signature", "attempt", "answer" */
	const char *key_fp;            /* the key's SHA256 fingerprint, or NULL */
	const char *cert_key_id;       /* a certificate's key id (escaped), or NULL */
	uint64_t cert_serial;
};

/* A direct-tcpip request being resolved or connected (monitor/forward.c). */
struct forward_pending {
	struct forward_pending *next;
	uint64_t conn_id;
	uint32_t ipc_id;
	char host[RP_IPC_MAX_HOST + 1];
	uint16_t port;
	char orig[RP_IPC_MAX_HOST * 4 + 1]; /* the client's originator, escaped */
	struct outbound_connect *oc;  /* once resolved and allowed; NULL while
	                               * the name is being looked up */
	uint64_t deadline_ms;         /* connect-timeout, from the request */
	char rule[512];               /* the rule that allowed it */
};

#define AUTH_MAX_PERMITOPEN 16

/* Restrictions a key's options or a certificate put on the session. */
enum auth_deny {
	AUTH_DENY_PTY = 1 << 0,
	AUTH_DENY_PORT_FORWARDING = 1 << 1,
	AUTH_DENY_AGENT = 1 << 2,
	AUTH_DENY_X11 = 1 << 3,
	AUTH_DENY_USER_RC = 1 << 4,
};

/* What the passed authentication steps impose on the connection. */
/* permitopen= or permitlisten= of the key the user authenticated with
 * (none: no restriction). More than AUTH_MAX_PERMITOPEN entries, or lists
 * from two steps of a chain: that kind of forwarding is refused. */
struct grant_targets {
	struct {
		char host[RP_IPC_MAX_HOST + 1]; /* permitopen: a name or "*"; permitlisten: a glob */
		int port; /* -1: any */
	} t[AUTH_MAX_PERMITOPEN];
	size_t n;
	int overflow;
};

struct auth_grant {
	char forced_command[4096]; /* empty: none */
	unsigned deny;             /* enum auth_deny bits */
	struct grant_targets permitopen;   /* direct-tcpip */
	struct grant_targets permitlisten; /* tcpip-forward */
	char cert_key_id[RP_CERT_KEY_ID_TEXT]; /* escaped, for the audit log */
	uint64_t cert_serial;
};

/* What the worker last reported in STATUS (worker-reported figures). */
struct conn_status {
	uint64_t bytes_in, bytes_out;
	uint32_t idle_s;
	uint64_t updated_ms;
	size_t nchannels;
	struct {
		uint32_t id;
		char type[RP_IPC_MAX_NAME];
		char target[RP_IPC_MAX_TARGET];
		uint64_t bytes_in, bytes_out;
	} channels[RP_IPC_MAX_STATUS_CHANNELS];
};

/* A tcpip-forward the monitor bound for a connection's worker. */
struct conn_listener {
	char bind[RP_IPC_MAX_HOST + 1]; /* as the client sent it */
	uint32_t port;                  /* as bound */
};

struct conn {
	struct conn *next;
	uint64_t id;
	struct policy_ref *pref;  /* the policy it was admitted under */
	pid_t worker_pid; /* 0 once reaped */
	int ipc_fd;       /* -1 once closed */
	enum conn_state state;
	struct sockaddr_storage peer_sa;
	char peer_addr[INET6_ADDRSTRLEN];
	uint16_t peer_port;
	char local_addr[INET6_ADDRSTRLEN];
	uint16_t local_port;
	uint64_t started_ms;
	uint64_t deadline_ms; /* login grace; 0 once authenticated */
	uint8_t session_id[64];
	size_t session_id_len;
	unsigned kex_count;
	unsigned kex_done_count;  /* KEX_DONE reports received */
	char kex_alg[RP_IPC_MAX_NAME];     /* of the last exchange signed */
	char hostkey_alg[RP_IPC_MAX_NAME];
	char cipher[RP_IPC_MAX_NAME * 4]; /* server to client, as reported */
	unsigned kex_tokens;  /* rate limit of KEX_SIGN (monitor/kex_sign.c) */
	unsigned hostkey_proofs; /* HOSTKEYS_PROVE requests answered */
	/* The group exchange group last handed out (GEX_REQUEST), inside
	 * pref's policy or the built-in groups; the next KEX_SIGN must name
	 * it, and uses it up. NULL: none pending. */
	const struct rp_dh_modulus *gex_group;
	uint32_t gex_min, gex_n, gex_max;
	uint64_t last_kex_ms; /* last refill of kex_tokens */
	unsigned auth_failures;
	int auth_exhausted;       /* max-auth-tries reached */
	char auth_user[RP_IPC_MAX_NAME]; /* the user being authenticated */
	struct auth_progress progress;   /* methods passed so far */
	char auth_chain[64];             /* "publickey+keyboard-interactive" */
	int auth_pending;         /* a password check is running */
	uint32_t auth_pending_id;
	int kbdint_round;         /* prompts sent, answers awaited */
	struct auth_grant grant;
	int grace_exceeded;       /* login grace time ran out */
	char user[RP_IPC_MAX_NAME];
	char auth_method[32];     /* how it authenticated: "publickey" */
	char auth_key[64];        /* the key's SHA256 fingerprint */
	struct rp_pubkey *auth_pubkey; /* the key it authenticated with */
	struct rp_cert *auth_cert;     /* and its certificate, if it had one */
	char client_version[RP_IPC_MAX_VERSION + 1]; /* escaped */
	char server_version[128]; /* what its worker was told to send */
	int64_t started_wall;     /* time(NULL) at accept, for rampartctl */
	uint64_t kill_at_ms;      /* asked to disconnect: kill if still here */
	struct conn_status status;
	struct session sessions[MAX_SESSIONS_PER_CONN];
	struct conn_listener listeners[CONN_MAX_LISTENERS];
	size_t nlisteners;
	unsigned log_tokens;
	uint64_t log_refill_ms;
	int log_dropped;
	/* What the worker reported in CLOSING, for the final log line. */
	uint32_t close_reason;
	int close_by_peer;
	char close_text[256];
	int have_close;
};

/* The rate limit state of one admission rule. */
struct rate_bucket {
	double tokens;
	uint64_t last_ms;
	int started;
};

/* A policy shared by the connections admitted under it (reload). */
struct policy_ref {
	struct rp_policy *policy;
	unsigned refs;  /* connections holding it, plus 1 while current */
	char hash[65];  /* SHA-256 of its files, hex */
	struct rate_bucket *buckets; /* per admission rule, by rule->number */
	size_t nbuckets;
	/* Offered to every client before a first method passes: the first
	 * methods of every principal's chains (monitor/auth.c). */
	char auth_methods_all[128];
	char timing_hash[256];  /* auth_timing_hash(policy) */
};

/* A rampartctl connection on the control socket. */
struct ctl_client {
	struct ctl_client *next;
	int fd;
	struct rp_buf in, out;
	uint64_t deadline_ms;
	int answered;
};

struct monitor {
	struct rp_policy *policy;     /* current: new connections get it */
	struct policy_ref *pref;      /* holds policy */
	const char *policy_path;
	char policy_hash[65];   /* SHA-256 of the policy files, hex */
	struct audit audit;
	int64_t started_wall;
	uint64_t started_ms;
	uint64_t accepted_total, refused_total;
	/* Admission at accept (monitor/admission.c). */
	unsigned startups_begin, startups_rate, startups_full;
	int audit_failure_refuse;
	struct penalty_table *penalties;
	struct penalty_config penalty_cfg;
	uint64_t refuse_window_ms;
	unsigned refuse_logged, refuse_suppressed;
	int listening;           /* 0 after stop-listening or during shutdown */
	int tcp_nodelay;
	int shutting_down;
	uint64_t drain_deadline_ms; /* shutdown --drain: disconnect all then */
	int drain_disconnected;
	int ctl_fd;
	char ctl_path[108];
	struct ctl_client *ctl_clients;
	size_t nctl;
	struct hostkey hostkeys[MAX_HOSTKEYS];
	size_t nhostkeys;
	char hostkey_algs[1024];
	char server_version[128];
	int listen_fds[MAX_LISTENERS];
	char listen_text[MAX_LISTENERS][80]; /* as the policy wrote them */
	/* What was actually bound (port 0 made concrete), to listen on the
	 * same addresses after stop-listening. */
	struct rp_policy_listen listen_bound[MAX_LISTENERS];
	size_t nbound;
	size_t nlisten;
	char *worker_path;
	int worker_fd; /* O_PATH, opened once: what every worker runs */
	int privileged; /* running as root: workers drop to worker_uid */
	uid_t worker_uid;
	gid_t worker_gid;
	int debug;
	struct conn *conns;
	size_t nconns;
	size_t max_conns;
	size_t fd_conn_cap;     /* what the descriptor limit allows */
	/* When accept() ran out of descriptors or memory: do not poll the
	 * listeners until then (the backlog waits), instead of spinning. */
	uint64_t accept_paused_until_ms;
	uint64_t next_conn_id;
	struct rp_ipc_msg *msg; /* receive buffer, one message at a time */
	/* Authentication (monitor/auth*.c). */
	struct crypt_pool crypt;
	char dummy_hash[256];       /* a random password's, crypt(3)'s default scheme */
	struct totp_replay *totp_seen;
	/* Port forwarding (monitor/forward.c). */
	struct resolver resolver;
	struct forward_pending *forwards;
};

/* monitor/conn.c */
uint64_t monitor_now_ms(void);

/* monitor/audit_events.c: the audit records (monitor/audit.h). */
void monitor_audit_daemon(struct monitor *m, const char *event, const char *detail, int ok);
void monitor_audit_accept(struct monitor *m, const struct conn *c, const char *rule);
void monitor_audit_refuse(struct monitor *m, const char *addr, unsigned port, const char *reason,
    const char *rule);
void monitor_audit_kex(struct monitor *m, const struct conn *c, const struct rp_ipc_kex_done *k);
void monitor_audit_version_refused(struct monitor *m, const struct conn *c, const char *version,
    const char *rule);
void monitor_audit_auth(struct monitor *m, const struct conn *c, const char *user,
    const struct auth_attempt *at, const char *result, const char *reason);
void monitor_audit_session_start(struct monitor *m, const struct conn *c, uint32_t session,
    const char *type, const void *command, size_t command_len, const char *as, long pid,
    const char *tty, const char *recording, int agent, const char *x11_display);
void monitor_audit_session_denied(struct monitor *m, const struct conn *c, const char *type,
    const void *command, size_t command_len, const char *reason, const char *rule);
void monitor_audit_session_end(struct monitor *m, const struct conn *c, uint32_t session,
    int status);
/* A tcpip-forward event: event names it; key/value (may be NULL) add
 * the reason or the origin; rule the deciding rule (may be NULL). */
void monitor_audit_listen(struct monitor *m, const struct conn *c, const char *event,
    const char *bind, unsigned port, const char *key, const char *value, const char *rule);
void monitor_audit_violation(struct monitor *m, const struct conn *c, const char *what);
/* A direct-tcpip request: connected to addr (ok), or refused for reason. */
void monitor_audit_forward(struct monitor *m, const struct conn *c, const char *host,
    unsigned port, const char *addr, int ok, const char *reason, const char *rule);
void monitor_audit_close(struct monitor *m, const struct conn *c, const char *worker_end,
    uint64_t duration_s);
void monitor_audit_admin(struct monitor *m, const char *action, uint64_t conn_id,
    const char *detail);

/* monitor/hostkeys.c: load and check every host-key of the policy. */
int hostkeys_load(struct monitor *m);
void hostkeys_free(struct monitor *m);
const struct hostkey *hostkeys_find(const struct monitor *m, const char *alg);
/* Can hk sign as host key algorithm alg? (Its own type, or an RSA key as
 * rsa-sha2-512 / rsa-sha2-256.) */
int hostkey_signs_as(const struct hostkey *hk, const char *alg);
/* The host key that signs as alg, or NULL. */
const struct hostkey *hostkeys_for_alg(const struct monitor *m, const char *alg);

/* monitor/privsep.c: checks and preparation for running workers as the
 * unprivileged user in an empty chroot (root mode only). */
int privsep_prepare(struct monitor *m);
/* Where rampart-worker is: -W, next to rampartd, or the install path. */
int privsep_find_worker(struct monitor *m, const char *override);

/* monitor/listener.c */
int listeners_open(struct monitor *m);
/* Listen again on the addresses bound last time (after stop-listening). */
int listeners_resume(struct monitor *m);
void listeners_close(struct monitor *m);
/* Listen on np's addresses: keep sockets whose address stays, open the
 * new ones, close the ones np drops. On failure nothing changes. */
int listeners_replace(struct monitor *m, const struct rp_policy *np, char *err, size_t errsz);
/* Accept what is waiting on listener fd (a few at a time). */
void listener_accept(struct monitor *m, int fd);

/* monitor/conn.c */
struct conn *conn_new(struct monitor *m);
struct conn *conn_by_worker_pid(struct monitor *m, pid_t pid);
/* Ask the worker to send the client SSH_MSG_DISCONNECT and end; it is
 * killed if it is still there a few seconds later. */
void conn_disconnect(struct monitor *m, struct conn *c, uint32_t reason, const char *message);
/* Ask the worker to re-exchange keys. */
int conn_rekey(struct monitor *m, struct conn *c);
struct conn *conn_by_id(struct monitor *m, uint64_t id);
/* Kill the worker and close the IPC socket after a violation; the
 * connection stays until the worker is reaped. */
void conn_abort(struct monitor *m, struct conn *c, const char *why);
/* Close the IPC socket (worker closed it or is gone). */
void conn_close_ipc(struct conn *c);
/* Free a connection whose worker was reaped. */
void conn_remove(struct monitor *m, struct conn *c);
/* Reap children: workers (log how they ended) and sessions (tell the
 * worker). */
void conns_reap(struct monitor *m);
/* Enforce deadlines; returns the milliseconds until the next one (or -1). */
int conns_check_deadlines(struct monitor *m);
/* Ask every worker and session to end (shutdown). */
void conns_terminate_all(struct monitor *m);

/* monitor/control.c: the control socket (common/control.h). */
int control_open(struct monitor *m, const char *path);
void control_close(struct monitor *m);
void control_accept(struct monitor *m);
/* Read, answer, write for one client; frees it when done. */
void control_io(struct monitor *m, struct ctl_client *cl, short revents);
/* Drop clients past their deadline; milliseconds to the next one or -1. */
int control_deadlines(struct monitor *m);
/* Try to send what is pending to every client (before exit). */
void control_flush_all(struct monitor *m);
/* monitor/control_commands.c: run one request; text into out (a table, or
 * JSON when json is set). Returns enum rp_control_status. */
int control_run(struct monitor *m, const char *command, size_t nargs,
    char args[][1024], int json, struct rp_buf *out);

/* monitor/reload.c: load the policy again (SIGHUP, rampartctl reload). On
 * any error the running policy stays and err says why. */
int monitor_reload(struct monitor *m, char *err, size_t errsz);
/* SHA-256 (hex) of the policy's files as they are on disk now. */
void policy_files_hash(const struct rp_policy *p, char out[65]);
struct policy_ref *policy_ref_new(struct rp_policy *p);
void policy_ref_put(struct policy_ref *ref);
/* Stop or start accepting (rampartctl stop-listening, start-listening). */
int monitor_stop_listening(struct monitor *m);
int monitor_start_listening(struct monitor *m, char *err, size_t errsz);
/* Begin shutting down: no new connections; disconnect everyone now
 * (drain_ms 0) or when the drain time is over. */
void monitor_shutdown(struct monitor *m, uint64_t drain_ms);
/* During shutdown: disconnect everyone when the drain time is over.
 * Returns milliseconds until then, or -1. */
int monitor_shutdown_progress(struct monitor *m);

/* monitor/sd_notify.c: systemd's readiness protocol. _init() reads and
 * removes $NOTIFY_SOCKET (0 when it is malformed: then nothing is sent);
 * monitor_notify() sends one state ("READY=1\nSTATUS=...") if there is a
 * service manager to tell. */
int monitor_notify_init(void);
void monitor_notify(const char *state);

/* monitor/settings.c: apply the current policy's daemon settings. */
void monitor_apply_settings(struct monitor *m);
/* Open the audit destinations p names (reopen the same file). On failure
 * the old ones stay and err says why. */
int monitor_open_audit(struct monitor *m, const struct rp_policy *p, char *err, size_t errsz);

/* monitor/admission.c: 1 when a new connection from peer may proceed;
 * otherwise reason (and the deciding rule, if any) say why. */
int admission_check(struct monitor *m, const struct sockaddr *peer, char *reason,
    size_t reasonsz, char *rule, size_t rulesz);
/* Count, log and audit a refusal (rate-limited). */
void admission_refused(struct monitor *m, const char *addr, unsigned port, const char *reason,
    const char *rule);
/* The policy's admission rules and their rate limits (monitor/admit_rules.c). */
int admission_rules_allow(struct monitor *m, const struct sockaddr *peer, uint64_t now,
    char *rule, size_t rulesz);

/* monitor/spawn_worker.c: start a worker for an accepted socket. */
int spawn_worker(struct monitor *m, struct conn *c, int client_fd);

/* monitor/ipc_dispatch.c: read and answer one message from c's worker. */
void ipc_dispatch(struct monitor *m, struct conn *c);
/* Send a message built with rp_ipc_begin(); aborts c on failure. */
int ipc_reply(struct monitor *m, struct conn *c, CBB *cbb, const int *fds, size_t nfds);
/* Answer request id with DENIED and reason. */
void ipc_reply_denied(struct monitor *m, struct conn *c, uint32_t id, const char *reason);
/* Reports a worker sends unasked (LOG, STATUS, LISTEN_ACCEPTED) share one
 * budget, so a worker cannot make the monitor do unbounded work. 1 when
 * one more may be processed now. */
int ipc_report_allowed(struct conn *c);

/* Request handlers (one per IPC message type, in the table of
 * monitor/ipc_dispatch.c). Each parses its payload, decides, replies, and
 * returns NULL; or returns a short description of how the worker broke the
 * protocol, and the connection is aborted. */
typedef const char *(*ipc_handler_fn)(struct monitor *m, struct conn *c, uint32_t id,
    CBS *payload);
/* monitor/kex_sign.c */
const char *handle_kex_sign(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
const char *handle_gex_request(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
const char *handle_hostkeys_prove(struct monitor *m, struct conn *c, uint32_t id,
    CBS *payload);
/* monitor/auth_pubkey.c */
const char *handle_pubkey_check(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
const char *handle_pubkey_verify(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
/* monitor/auth.c: shared by every method. */
/* A request for c begins: fixes the user (changing it is a violation). */
int auth_begin(struct monitor *m, struct conn *c, const char *user, const char **violation);
/* Every request starts with this: auth_begin, then an answer at once past
 * max-auth-tries (EXHAUSTED) or for a method nobody is offered now
 * (FAILURE, not counted). 1: go on; 0: answered, or *violation is set. */
int auth_start(struct monitor *m, struct conn *c, uint32_t id, const char *user,
    enum rp_auth_method method, const char **violation);
/* c's user as the policy c was admitted under knows it. */
int auth_resolve(const struct conn *c, struct rp_principal *pr);
/* The methods to offer in a FAILURE or PARTIAL answer. */
void auth_methods(const struct monitor *m, const struct conn *c, const struct rp_principal *pr,
    char *out, size_t outsz);
void auth_reply(struct monitor *m, struct conn *c, uint32_t id, enum rp_auth_result result,
    const char *methods, const char *banner);
/* Log, count, audit and answer FAILURE (or EXHAUSTED). pr may be NULL. */
void auth_reject(struct monitor *m, struct conn *c, uint32_t id, const struct rp_principal *pr,
    const struct auth_attempt *at, const char *reason);
/* A method passed: advance the chains; answer PARTIAL or, when a chain is
 * done, authenticate the connection and answer OK. Returns 1 when the
 * method counted (PARTIAL or OK), 0 when it was rejected after all. */
int auth_passed(struct monitor *m, struct conn *c, uint32_t id, const struct rp_principal *pr,
    const struct auth_attempt *at, const struct auth_grant *grant);
int auth_login_allowed(const struct conn *c, const struct rp_principal *pr, char *why,
    size_t whysz);
void auth_grant_merge(struct auth_grant *into, const struct auth_grant *from);
/* 1 when method is offered at this point: to everyone before a first
 * success, else as a next step of the user's chains. Methods nobody is
 * offered are refused at once, without counting, the same for everyone. */
int auth_offered(const struct conn *c, enum rp_auth_method method);
/* Is method a next step of one of pr's chains, after what c passed? */
int auth_is_next_step(const struct conn *c, const struct rp_principal *pr,
    enum rp_auth_method method);
/* A hash from policy p to check passwords against that cannot match
 * (unknown users, users without a password), so they take as long as
 * known ones: the policy's first password-hash, or "" when it has none
 * (then the monitor's own dummy_hash, of crypt(3)'s default scheme, which
 * is what /etc/shadow holds on Debian). */
void auth_timing_hash(const struct rp_policy *p, char *out, size_t outsz);
/* The methods offered before a first success under policy p. */
void auth_offered_methods(const struct rp_policy *p, char *out, size_t outsz);
/* On reload: would policy p still let c's user in, as it authenticated
 * (key or certificate still authorized, login still allowed)? */
int auth_still_allowed(const struct monitor *m, const struct rp_policy *p, const struct conn *c,
    char *why, size_t whysz);
/* The account c's user logs in to; 0 (why filled) when privileged mode
 * needs one and the system has none. */
int auth_account(const struct monitor *m, const char *user, struct rp_account *acct,
    char *home, size_t homesz, char *why, size_t whysz);
const char *handle_auth_none(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
/* monitor/auth_password.c */
const char *handle_auth_password(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
/* A password check finished (the crypt pool's pipe was readable). */
void auth_password_done(struct monitor *m);
/* monitor/auth_kbdint.c */
const char *handle_auth_kbdint(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
const char *handle_kbdint_answers(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
/* Forget the one-time codes used (at exit). */
void auth_kbdint_free(struct monitor *m);

/* monitor/auth_pubkey.c: is the key or certificate c authenticated with
 * still authorized under policy p (reload)? */
int pubkey_still_authorized(const struct monitor *m, const struct rp_policy *p,
    const struct conn *c, const struct rp_principal *pr, char *why, size_t whysz);

/* monitor/decide.c: the policy's decision on req for c's user (principal
 * pr) from c's address at the local time now; rule gets "FILE:LINE: RULE"
 * of the deciding rule, or "" (deny by default). Returns d->allow. */
int conn_decide(const struct rp_policy *p, const struct rp_principal *pr, const struct conn *c,
    const struct rp_request *req, struct rp_decision *d, char *rule, size_t rulesz);

/* monitor/session_request.c: SESSION_START, SESSION_CHECK and
 * SESSION_CONTROL. */
const char *handle_session_start(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
const char *handle_session_check(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
const char *handle_session_control(struct monitor *m, struct conn *c, uint32_t id,
    CBS *payload);
/* A session's process ended: tell its worker. */
void session_reaped(struct monitor *m, struct conn *c, struct session *s, int status);
/* c's worker is gone: hang up its pty sessions (every session when
 * everything is set, at shutdown) and forget them. */
void sessions_hangup(struct monitor *m, struct conn *c, int everything);

/* monitor/session_spawn.c: a session's process. */
struct session_account {
	char name[RP_IPC_MAX_NAME];
	uid_t uid;
	gid_t gid;
	char home[512];
	char shell[512];
};

struct spawn_request {
	const char *command;          /* NULL: the login shell */
	const char *original_command; /* SSH_ORIGINAL_COMMAND, or NULL */
	int pty;
	const char *term;
	uint32_t cols, rows, width_px, height_px;
	const uint8_t *modes;         /* RFC 4254 8 encoded terminal modes */
	size_t modes_len;
	char **env;                   /* "NAME=VALUE", already allowed */
	size_t nenv;
	unsigned umask;
	const char *auth_sock;        /* SSH_AUTH_SOCK, or NULL */
	int x11;                      /* an X11 display for the session: */
	uint32_t x11_display, x11_screen;
	const char *x11_proto, *x11_cookie;
};

struct spawned {
	pid_t pid;
	int fds[3];     /* for the worker: stdin, stdout, stderr; or the pty
	                 * master twice */
	size_t nfds;
	int master;     /* the monitor's pty master, or -1 */
	char tty[64];
	char as[RP_IPC_MAX_NAME];
};

/* The account user's sessions run as (rampartd's own when unprivileged). */
int session_account(const struct monitor *m, const char *user, struct session_account *a);
/* Is there an account for c's user? 0 with why set when not (agent and
 * X11 forwarding need one to own their socket or X authority file). */
int session_account_exists(const struct monitor *m, const struct conn *c, char *why,
    size_t whysz);
/* Start rq's process for c's user. 0 with why set on failure. */
int session_spawn(const struct monitor *m, const struct conn *c, const struct spawn_request *rq,
    struct spawned *out, char *why, size_t whysz);
/* The session's process is gone: give its pty back and close it. */
void session_pty_release(const struct monitor *m, struct session *s);

/* monitor/pty_modes.c: apply encoded terminal modes (RFC 4254 8) to tio.
 * Returns how many were applied, or -1 when the encoding is truncated
 * (the ones before it are applied). */
struct termios;
int pty_modes_apply(const uint8_t *modes, size_t len, struct termios *tio);
/* Set the terminal size of pty master from a pty-req or window-change
 * (fields beyond 65535 are clamped). 0 with errno set on failure. */
int pty_set_size(int master, uint32_t cols, uint32_t rows, uint32_t width_px,
    uint32_t height_px);

/* monitor/recording.c: create the asciicast recording of session number
 * for c (header written), open for appending; its path in path. -1 with
 * why set when it cannot be recorded. */
int recording_open(struct monitor *m, const struct conn *c, uint32_t session,
    const struct rp_ipc_session_start *rq, const char *command, char *path, size_t pathsz,
    char *why, size_t whysz);

/* monitor/forward.c: direct-tcpip. */
const char *handle_forward_open(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
/* The resolver's descriptor was readable. */
void forward_resolver_ready(struct monitor *m);
/* A pending connect's descriptor had an event, or its deadline passed. */
void forward_step(struct monitor *m, struct forward_pending *fp, uint64_t now);
/* Step what is due; milliseconds until the next deadline, or -1. */
int forward_deadlines(struct monitor *m);
int forward_is_pending(const struct monitor *m, const struct forward_pending *fp);
void forwards_drop_conn(struct monitor *m, uint64_t conn_id);
void forwards_free_all(struct monitor *m);

/* monitor/remote_forward.c: tcpip-forward (ssh -R). */
/* Listening sockets on 127.0.0.1 and (where the host has it) ::1, both on
 * port, non-blocking: how many (1 or 2) are in fds, or 0 with errno set
 * (EADDRINUSE when either address is taken). */
size_t listen_loopback(uint16_t port, int fds[2]);
const char *handle_listen_open(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
const char *handle_listen_close(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
const char *handle_listen_accepted(struct monitor *m, struct conn *c, uint32_t id,
    CBS *payload);

/* monitor/agent.c: agent forwarding. */
/* The listening socket of session number's SSH_AUTH_SOCK for c's user
 * (its path in path, at most 108 bytes), or -1 with why set. */
int agent_socket_create(const struct monitor *m, const struct conn *c, uint32_t session,
    char *path, size_t pathsz, char *why, size_t whysz);
/* Remove an agent socket and its directory; path becomes "". */
void agent_socket_remove(char *path);

/* monitor/x11.c: X11 forwarding. */
int x11_available(const struct monitor *m, const struct conn *c, char *why, size_t whysz);
/* The listening sockets of a free X11 display on the loopback addresses
 * (1 or 2 in fds) and its number, or 0 with why set. */
size_t x11_display_open(int fds[2], uint32_t *display, char *why, size_t whysz);
/* In a session's process, as the user, before it runs anything: put the
 * client's cookie for the display into the user's X authority file. */
void x11_xauth_add(uint32_t display, uint32_t screen, const char *proto, const char *cookie,
    char *const envp[]);

#endif

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

#include "common/ipc.h"
#include "crypto/sshkey.h"
#include "policy/policy.h"

#define MAX_LISTENERS 16
#define MAX_HOSTKEYS 8
#define MAX_SESSIONS_PER_CONN 16
/* Connections served at once; more wait in the listen backlog. */
#define DEFAULT_MAX_CONNECTIONS 1000
/* Log lines a worker may send per second before they are dropped. */
#define WORKER_LOG_BURST 200

struct hostkey {
	struct rp_privkey *key;
	const char *alg;
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
};

struct conn {
	struct conn *next;
	uint64_t id;
	pid_t worker_pid; /* 0 once reaped */
	int ipc_fd;       /* -1 once closed */
	enum conn_state state;
	char peer_addr[INET6_ADDRSTRLEN];
	uint16_t peer_port;
	char local_addr[INET6_ADDRSTRLEN];
	uint16_t local_port;
	uint64_t started_ms;
	uint64_t deadline_ms; /* login grace; 0 once authenticated */
	uint8_t session_id[64];
	size_t session_id_len;
	unsigned kex_count;
	unsigned kex_tokens;  /* rate limit of KEX_SIGN (monitor/kex_sign.c) */
	uint64_t last_kex_ms; /* last refill of kex_tokens */
	unsigned auth_failures;
	char user[RP_IPC_MAX_NAME];
	struct session sessions[MAX_SESSIONS_PER_CONN];
	unsigned log_tokens;
	uint64_t log_refill_ms;
	int log_dropped;
	/* What the worker reported in CLOSING, for the final log line. */
	uint32_t close_reason;
	int close_by_peer;
	char close_text[256];
	int have_close;
};

struct monitor {
	struct rp_policy *policy;
	const char *policy_path;
	struct hostkey hostkeys[MAX_HOSTKEYS];
	size_t nhostkeys;
	char hostkey_algs[256];
	char server_version[128];
	int listen_fds[MAX_LISTENERS];
	size_t nlisten;
	char *worker_path;
	int privileged; /* running as root: workers drop to worker_uid */
	uid_t worker_uid;
	gid_t worker_gid;
	int debug;
	struct conn *conns;
	size_t nconns;
	size_t max_conns;
	/* When accept() ran out of descriptors or memory: do not poll the
	 * listeners until then (the backlog waits), instead of spinning. */
	uint64_t accept_paused_until_ms;
	uint64_t next_conn_id;
	struct rp_ipc_msg *msg; /* receive buffer, one message at a time */
};

/* monitor/clock.c */
uint64_t monitor_now_ms(void);

/* monitor/hostkeys.c: load and check every host-key of the policy. */
int hostkeys_load(struct monitor *m);
void hostkeys_free(struct monitor *m);
const struct hostkey *hostkeys_find(const struct monitor *m, const char *alg);

/* monitor/privsep.c: checks and preparation for running workers as the
 * unprivileged user in an empty chroot (root mode only). */
int privsep_prepare(struct monitor *m);
/* Where rampart-worker is: -W, next to rampartd, or the install path. */
int privsep_find_worker(struct monitor *m, const char *override);

/* monitor/listener.c */
int listeners_open(struct monitor *m);
void listeners_close(struct monitor *m);
/* Accept what is waiting on listener fd (a few at a time). */
void listener_accept(struct monitor *m, int fd);

/* monitor/conn.c */
struct conn *conn_new(struct monitor *m);
struct conn *conn_by_worker_pid(struct monitor *m, pid_t pid);
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

/* monitor/spawn_worker.c: start a worker for an accepted socket. */
int spawn_worker(struct monitor *m, struct conn *c, int client_fd);

/* monitor/ipc_dispatch.c: read and answer one message from c's worker. */
void ipc_dispatch(struct monitor *m, struct conn *c);
/* Send a message built with rp_ipc_begin(); aborts c on failure. */
int ipc_reply(struct monitor *m, struct conn *c, CBB *cbb, const int *fds, size_t nfds);

/* Request handlers (one per IPC message type, in the table of
 * monitor/ipc_dispatch.c). Each parses its payload, decides, replies, and
 * returns NULL; or returns a short description of how the worker broke the
 * protocol, and the connection is aborted. */
typedef const char *(*ipc_handler_fn)(struct monitor *m, struct conn *c, uint32_t id,
    CBS *payload);
/* monitor/kex_sign.c */
const char *handle_kex_sign(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
/* monitor/auth_pubkey.c */
const char *handle_pubkey_check(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
const char *handle_pubkey_verify(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
/* monitor/session_spawn.c */
const char *handle_session_exec(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
/* A session's process ended: tell its worker. */
void session_reaped(struct monitor *m, struct conn *c, struct session *s, int status);
/* Hang up every session of c (its worker is gone). */
void sessions_hangup(struct conn *c);

#endif

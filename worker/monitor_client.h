/*
 * worker/monitor_client.h: the worker's side of the IPC (common/ipc.h).
 *
 * Requests are synchronous: the worker sends one and waits for its reply,
 * which is fine because each is quick for the monitor. Messages the monitor
 * sends on its own (SESSION_EXITED) that arrive while waiting are queued and
 * handed out by mc_next_event().
 */
#ifndef RAMPART_WORKER_MONITOR_CLIENT_H
#define RAMPART_WORKER_MONITOR_CLIENT_H

#include "common/ipc_msg.h"
#include "common/kex.h"
#include "common/log.h"

#define MC_MAX_QUEUED 64
/* Forwarding requests answered later (FORWARD_OPEN) at once, at most. */
#define MC_MAX_ASYNC 32

/* What the monitor may send unasked. */
enum mc_event_type {
	MC_SESSION_EXITED,
	MC_DISCONNECT, /* end the connection: reason and message */
	MC_REKEY,
	MC_FORWARD_RESULT, /* the answer to mc_forward_open */
};

struct mc_event {
	enum mc_event_type type;
	struct rp_ipc_session_exited exited;
	uint32_t reason;   /* DISCONNECT; FORWARD_RESULT: SSH_OPEN_* when it failed */
	char message[256]; /* DISCONNECT; FORWARD_RESULT: why, or the address */
	/* FORWARD_RESULT */
	uint32_t request;  /* the id mc_forward_open returned */
	int ok;
	int fds[2];        /* the connected socket twice; owned by the event */
};

struct monitor_client {
	int fd;
	uint32_t next_id;
	struct mc_event queued[MC_MAX_QUEUED];
	size_t nqueued;
	uint32_t async_ids[MC_MAX_ASYNC]; /* requests whose answer comes later */
	size_t nasync;
	/* Receive buffer: one message at a time. */
	struct rp_ipc_msg *msg;
};

int mc_init(struct monitor_client *mc, int fd);
void mc_free(struct monitor_client *mc);

/* Wait for HELLO, the monitor's first message. Fills *hello pointing into
 * mc's buffer, valid until the next call on mc. */
int mc_read_hello(struct monitor_client *mc, struct rp_ipc_hello *hello);

/* The transport's sign hook (struct rp_transport_config.sign). */
int mc_sign_exchange(void *mc, const char *kex, const char *hostkey_alg,
    const struct rp_kex_hash_parts *parts, CBB *sig, char *why, size_t whysz);
/* transport gex_group hook: a group exchange group from the monitor. 0
 * when the monitor has none for [min, max] (or the call failed). */
int mc_gex_group(void *mc, uint32_t min, uint32_t n, uint32_t max, uint8_t *p, size_t *p_len,
    uint8_t *g, size_t *g_len);

/* The monitor's answer to an authentication request. status: -1 the IPC
 * failed (end the connection), 0 an AUTH_RESULT (result, methods, banner),
 * 1 keyboard-interactive prompts (in the prompts argument). CBS fields are
 * valid until the next call on mc. */
struct mc_auth_reply {
	int status;
	uint8_t result; /* enum rp_auth_result */
	CBS methods;
	CBS banner;
};

void mc_pubkey_check(struct monitor_client *mc, const char *user, const char *alg, CBS key,
    struct mc_auth_reply *r);
void mc_pubkey_verify(struct monitor_client *mc, const char *user, const char *service,
    const char *alg, CBS key, CBS sig, struct mc_auth_reply *r);
void mc_auth_none(struct monitor_client *mc, const char *user, struct mc_auth_reply *r);
void mc_auth_password(struct monitor_client *mc, const char *user, CBS password,
    struct mc_auth_reply *r);
void mc_auth_kbdint(struct monitor_client *mc, const char *user, CBS submethods,
    struct mc_auth_reply *r, struct rp_ipc_kbdint_prompts *prompts);
void mc_auth_kbdint_answers(struct monitor_client *mc, const struct rp_ipc_kbdint_answers *a,
    struct mc_auth_reply *r, struct rp_ipc_kbdint_prompts *prompts);

/* What SESSION_STARTED handed over. */
struct mc_session_fds {
	int pty;
	uint8_t record;   /* enum rp_ipc_record */
	/* pty: master to read, master to write[, recording]; otherwise
	 * stdin, stdout, stderr[, recording]. -1 for none. */
	int fds[RP_IPC_MAX_FDS];
	int agent;        /* SSH_AUTH_SOCK's listening socket, or -1 */
	int x11[2];       /* the X11 display's listening sockets */
	size_t x11_nfds;
	uint32_t x11_display;
};

/* Start a session. Returns 1 with the descriptors, 0 when the monitor
 * denied it (reason copied to reason), -1 when the IPC failed. */
int mc_session_start(struct monitor_client *mc, const struct rp_ipc_session_start *req,
    struct mc_session_fds *out, char *reason, size_t reason_size);
/* Would the policy allow this (pty-req, env, agent, x11)? 1 yes, 0 no
 * (reason filled), -1 the IPC failed. */
int mc_session_check(struct monitor_client *mc, uint8_t what, CBS name, char *reason,
    size_t reason_size);
/* Resize, signal or break a running session (no reply). */
int mc_session_control(struct monitor_client *mc, const struct rp_ipc_session_control *m);

/* Ask the monitor to connect to a forwarding target; the answer comes
 * later as an MC_FORWARD_RESULT event with *request as its id. 1 sent, 0
 * too many pending (MC_MAX_ASYNC), -1 the IPC failed. */
int mc_forward_open(struct monitor_client *mc, const struct rp_ipc_forward_open *req,
    uint32_t *request);

/* What LISTEN_OPENED handed over. */
struct mc_listen_reply {
	uint32_t port;  /* as bound */
	int fds[2];     /* listening sockets; -1 for none */
	size_t nfds;
};

/* Ask the monitor to listen for a tcpip-forward. 1 with the sockets, 0
 * denied (reason filled), -1 the IPC failed. */
/* Signatures proving the host keys in req (hostkeys-prove-00@openssh.com),
 * one per key in order; they point into the client's receive buffer, valid
 * until the next call. 1, 0 when denied (reason filled), -1 when the IPC
 * failed. */
int mc_hostkeys_prove(struct monitor_client *mc, const struct rp_ipc_hostkeys *req,
    struct rp_ipc_hostkeys *sigs, char *reason, size_t reason_size);
int mc_listen_open(struct monitor_client *mc, const struct rp_ipc_listen *req,
    struct mc_listen_reply *out, char *reason, size_t reason_size);
/* Report a listener closed (RP_IPC_LISTEN_CLOSE) or a connection it
 * accepted (RP_IPC_LISTEN_ACCEPTED); no reply. */
void mc_listen_report(struct monitor_client *mc, uint16_t type, const struct rp_ipc_listen *m);

/* Tell the monitor why the connection ends. */
void mc_closing(struct monitor_client *mc, uint32_t reason, int by_peer, const char *text);
/* Log sink for common/log.h. Uses the process-wide client set by mc_init. */
void mc_log_sink(enum rp_log_level level, const char *message);

/* Read one unsolicited message if the socket has one (call when poll says
 * readable). Returns 1 when something was read (queued), 0 on end of file,
 * -1 on error or a message the monitor may not send unasked. */
int mc_receive(struct monitor_client *mc);
/* Take the next queued event; 0 when none. */
int mc_next_event(struct monitor_client *mc, struct mc_event *out);

/* Reports without a reply (common/ipc.h KEX_DONE and STATUS). */
void mc_kex_done(struct monitor_client *mc, const struct rp_ipc_kex_done *m);
void mc_status(struct monitor_client *mc, const struct rp_ipc_status *m);

#endif

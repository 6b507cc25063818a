/*
 * worker/server.h: the server side of the SSH protocol above the transport:
 * the service request, user authentication (RFC 4252) and the connection
 * protocol (RFC 4254), for one connection.
 *
 * Messages are dispatched by a table (worker/server.c) that says in which
 * phase each is allowed; a message outside its phase ends the connection in
 * one place.
 */
#ifndef RAMPART_WORKER_SERVER_H
#define RAMPART_WORKER_SERVER_H

#include <poll.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/channel.h"
#include "common/ipc_msg.h"
#include "common/transport.h"
#include "worker/monitor_client.h"

/* The most channels a connection may have open; the policy's
 * max-channels (from HELLO) is the limit in force. */
#define MAX_CHANNELS RP_IPC_MAX_CHANNELS
#define CHANNEL_WINDOW (2 * 1024 * 1024)
#define CHANNEL_MAXPACKET (32 * 1024)
/* After a pty session's process ended, output still in the pty is read
 * until this long passes without any (a background process may keep the
 * terminal open, so end of file may never come). */
#define PTY_DRAIN_MS 100
/* Stop reading from sessions while this much output waits for the client. */
#define OUTPUT_HIGH_WATER (1024 * 1024)
/* Authentication failures of any kind before the worker gives up: a
 * backstop for answers the monitor does not count (none queries, methods
 * nobody is offered). The monitor's max-auth-tries (at most 100) is the
 * authoritative count and must be reachable before this. */
#define MAX_AUTH_FAILURES 128

/* Listening sockets (tcpip-forward) one connection holds at most; the
 * monitor's limit is lower. */
#define MAX_LISTENERS 32

enum session_fd { SESSION_STDIN, SESSION_STDOUT, SESSION_STDERR, SESSION_NFDS };

enum channel_kind {
	CHANNEL_SESSION,
	CHANNEL_DIRECT_TCPIP,    /* to a target the monitor connected */
	CHANNEL_FORWARDED_TCPIP, /* from a tcpip-forward listener */
	CHANNEL_AGENT,           /* to the client's agent */
	CHANNEL_X11,             /* to the client's X server */
};

/* What a session channel asked for before its shell, exec or subsystem
 * (worker/session.c); freed when it starts. */
struct session_setup {
	int pty;
	char term[RP_IPC_MAX_TERM + 1];
	uint32_t cols, rows, width_px, height_px;
	uint8_t modes[RP_IPC_MAX_MODES];
	size_t modes_len;
	size_t nenv;
	char *env_name[RP_IPC_MAX_ENV];
	char *env_value[RP_IPC_MAX_ENV];
	int agent;
	int x11;        /* x11-req accepted; its fields: */
	int x11_single;
	char x11_proto[RP_IPC_MAX_X11_PROTO + 1];
	char x11_cookie[RP_IPC_MAX_X11_COOKIE + 1];
	uint32_t x11_screen;
};

struct channel {
	int in_use;
	enum channel_kind kind;
	uint32_t local_id, remote_id;
	struct rp_window win;
	int started;      /* descriptors attached */
	int pty;          /* fd[STDIN] and fd[STDOUT] are the pty master */
	int socket;       /* fd[STDIN] and fd[STDOUT] are one socket */
	int opening;      /* not the client's yet: waiting for the monitor's
	                   * connect (direct-tcpip) or, open_sent, for the
	                   * client's answer to our CHANNEL_OPEN */
	int open_sent;    /* we opened it (forwarded-tcpip) */
	uint32_t open_request; /* and the id of that request */
	uint32_t session_no;
	int fd[SESSION_NFDS]; /* -1 once closed */
	struct rp_buf stdin_buf;
	int stdin_blocked; /* the last write to fd[STDIN] would have blocked:
	                    * wait for POLLOUT before writing again */
	int eof_rcvd, eof_sent, close_rcvd, close_sent;
	int exited;
	uint64_t drain_until_ms; /* pty: stop waiting for output then */
	struct rp_ipc_session_exited exit;
	struct session_setup *setup;
	struct recording *rec;   /* worker/record.c; NULL: not recorded */
	/* For STATUS: channel bytes each way and what it runs. */
	uint64_t bytes_in, bytes_out;
	char target[RP_IPC_MAX_TARGET];
};

enum listener_kind {
	LISTENER_TCPIP, /* a tcpip-forward's */
	LISTENER_AGENT, /* SSH_AUTH_SOCK of session_channel */
	LISTENER_X11,   /* the X11 display of session_channel */
};

/* A listening socket the monitor bound (worker/listen.c): a
 * tcpip-forward's, or a session's agent socket or X11 display. */
struct listener {
	int in_use;
	enum listener_kind kind;
	uint32_t session_channel;       /* agent, X11: the session's local id */
	int single;                     /* X11: closes after one connection */
	char bind[RP_IPC_MAX_HOST + 1]; /* tcpip-forward: as the client asked */
	uint32_t port;                  /* as bound */
	int fd[2];
	size_t nfds;
};

struct worker {
	struct rp_transport *t;
	struct monitor_client mc;
	char *auth_methods;
	int userauth_service;
	int authenticated;
	char auth_user[RP_IPC_MAX_NAME];
	char auth_service[RP_IPC_MAX_NAME];
	int auth_failures;
	size_t kbdint_pending;  /* prompts awaiting INFO_RESPONSE, 0: none */
	char *banner;           /* shown to everyone before the first answer */
	int banner_sent;
	/* max_channels slots, allocated once the policy's max-channels is
	 * known (not MAX_CHANNELS in the struct: 125 KiB of dirty stack in
	 * every worker, most of an idle connection's memory). */
	struct channel *ch;
	size_t max_channels;    /* the policy's max-channels, <= MAX_CHANNELS */
	struct listener listeners[MAX_LISTENERS];
	uint32_t next_session;
	int no_more_sessions;

	/* Timers from the monitor's HELLO (0: off). Times are monotonic ms. */
	uint64_t idle_timeout_ms;
	uint64_t keepalive_interval_ms;
	unsigned keepalive_count;
	uint64_t rekey_interval_ms;
	uint64_t last_activity_ms;  /* channel opens, requests and data */
	uint64_t next_keepalive_ms;
	unsigned keepalive_missed;  /* probes sent without an answer */
	uint64_t last_kex_ms;       /* the last completed key exchange */
	unsigned kex_reported;      /* exchanges already told to the monitor */
	int status_dirty;           /* channels changed since the last STATUS */
	uint64_t last_status_ms;
	uint64_t status_in, status_out; /* byte counts in the last STATUS */
};

/* worker/loop.c: the monotonic clock in milliseconds. */
uint64_t worker_now_ms(void);
/* Something happened on a channel: the connection is not idle. */
void worker_activity(struct worker *w);

/* worker/server.c: one application message from the transport. Returns 0
 * when the connection must end (rp_transport_disconnect was called). */
int server_handle_message(struct worker *w, uint8_t type, CBS *msg);
/* A protocol error: disconnect with reason and log. Always returns 0. */
int server_protocol_error(struct worker *w, uint32_t reason, const char *what);

/* worker/userauth.c */
int userauth_service_request(struct worker *w, CBS *msg);
int userauth_request(struct worker *w, CBS *msg);
int userauth_info_response(struct worker *w, CBS *msg);

/* worker/channels.c: channels of every kind, and the data pump. */
int channel_global_request(struct worker *w, CBS *msg);
int channel_open(struct worker *w, CBS *msg);
int channel_request(struct worker *w, CBS *msg);
int channel_data(struct worker *w, CBS *msg, int extended);
int channel_eof(struct worker *w, CBS *msg);
int channel_close(struct worker *w, CBS *msg);
int channel_window_adjust(struct worker *w, CBS *msg);
int channel_reply_ignored(struct worker *w, CBS *msg);
/* The client's answer to a CHANNEL_OPEN we sent. */
int channel_open_confirmation(struct worker *w, CBS *msg);
int channel_open_failure(struct worker *w, CBS *msg);
/* REQUEST_SUCCESS or REQUEST_FAILURE: the answer to a keep-alive probe. */
int channel_global_reply(struct worker *w, CBS *msg);
/* Fill a STATUS message with the channels. */
void channels_status(const struct worker *w, struct rp_ipc_status *st);
/* The session's process ended (from the monitor). */
int channels_session_exited(struct worker *w, const struct rp_ipc_session_exited *ev);
/* Event loop glue: add the descriptors that have work to pfd (at most max
 * entries), remembering which is which. */
size_t channels_poll_fds(struct worker *w, struct pollfd *pfd, size_t max, int *owner);
/* Act on poll results for the entries added by channels_poll_fds. Returns
 * 0 when the connection must end. */
int channels_handle_poll(struct worker *w, const struct pollfd *pfd, size_t n,
    const int *owner);
/* Send what is due (window adjusts, EOF, exit status, close). */
int channels_progress(struct worker *w);
/* Milliseconds until a channel needs attention without any event (a pty
 * draining after its process ended), or -1. */
int channels_wait_ms(const struct worker *w, uint64_t now);
void channels_free_all(struct worker *w);
/* A free channel slot for a new channel, initialised, or NULL when
 * max-channels are open. */
struct channel *channel_alloc(struct worker *w, enum channel_kind kind);
/* Attach descriptors: stdin/stdout/stderr (-1 for none). */
void channel_attach(struct channel *ch, int in, int out, int err);
int channel_send_open_failure(struct worker *w, uint32_t sender, uint32_t code,
    const char *text);
int channel_send_open_confirmation(struct worker *w, struct channel *ch);
/* Free a channel now (both sides closed, or never confirmed). */
void channel_release(struct worker *w, struct channel *ch);

/* worker/session.c: session channels (RFC 4254 6). */
int session_open(struct worker *w, uint32_t sender, uint32_t window, uint32_t maxpacket,
    CBS *msg);
/* A request on a session channel; *ok is the answer. 0: the connection
 * must end. */
int session_request(struct worker *w, struct channel *ch, const char *type, CBS *msg,
    int *ok);
void session_setup_free(struct session_setup *s);

/* worker/forward.c: direct-tcpip channels. */
int forward_open(struct worker *w, uint32_t sender, uint32_t window, uint32_t maxpacket,
    CBS *msg);
/* The monitor's answer to a forward_open: confirm or refuse the channel. */
int forward_result(struct worker *w, struct mc_event *ev);
/* direct-streamlocal@openssh.com: refused (ADMINISTRATIVELY_PROHIBITED),
 * and audited by the monitor. */
int streamlocal_refuse(struct worker *w, uint32_t sender, CBS *msg);
/* streamlocal-forward@openssh.com: audited by the monitor; the caller
 * answers REQUEST_FAILURE. 0: the connection must end. */
int streamlocal_listen_refuse(struct worker *w, CBS *msg);

/* worker/listen.c: tcpip-forward listeners and forwarded-tcpip channels,
 * agent sockets and auth-agent@openssh.com channels, X11 displays and x11
 * channels. */
int listen_tcpip_forward(struct worker *w, CBS *msg, int want_reply);
int listen_cancel_tcpip_forward(struct worker *w, CBS *msg, int want_reply);
/* Event loop glue, like channels_poll_fds / channels_handle_poll. */
size_t listeners_poll_fds(struct worker *w, struct pollfd *pfd, size_t max, int *owner);
int listeners_handle_poll(struct worker *w, const struct pollfd *pfd, size_t n,
    const int *owner);
void listeners_free_all(struct worker *w);
/* A session's agent socket or X11 display sockets (from
 * SESSION_STARTED; 1 or 2 of them), owned by the listener from here; 0
 * when no slot is free. single: an X11 display that takes one connection
 * only (x11-req's single connection). */
int listen_session_add(struct worker *w, const struct channel *session,
    enum listener_kind kind, const int *fds, size_t nfds, int single);
/* A channel went away: close the agent socket or X11 display of it. */
void listeners_channel_gone(struct worker *w, uint32_t local_id);

/* worker/hostkeys.c: hostkeys-00@openssh.com after authentication, and
 * hostkeys-prove-00@openssh.com answered through the monitor. */
int hostkeys_announce(struct worker *w);
int hostkeys_prove(struct worker *w, CBS *msg, int want_reply);

/* worker/record.c: a pty session's asciicast recording. */
struct recording *recording_start(int fd, int with_input);
void recording_output(struct recording *r, const uint8_t *data, size_t len);
void recording_input(struct recording *r, const uint8_t *data, size_t len);
void recording_resize(struct recording *r, uint32_t cols, uint32_t rows);
void recording_end(struct recording *r);

#endif

/*
 * common/ipc_msg.h: one struct per IPC message of common/ipc.h, with its
 * writer and its reader side by side in common/ipc_msg.c.
 *
 * Readers parse the whole payload exactly (no trailing bytes), enforce the
 * field bounds of common/ipc.h and return 1, or 0 for a malformed message.
 * CBS fields point into the received message and live as long as it does.
 */
#ifndef RAMPART_COMMON_IPC_MSG_H
#define RAMPART_COMMON_IPC_MSG_H

#include "common/ipc.h"

#define RP_IPC_MAX_HOSTKEYS 8

struct rp_ipc_hello {
	uint32_t conn_id;
	CBS server_version;
	CBS hostkey_algs;
	size_t nhostkeys;
	CBS hostkeys[RP_IPC_MAX_HOSTKEYS];
	CBS kex_algs;
	CBS ciphers;
	CBS macs;
	CBS compression;
	CBS auth_methods;
	CBS pubkey_algs;
	uint32_t idle_timeout_s;
	uint32_t keepalive_interval_s;
	uint32_t keepalive_count;
	uint64_t rekey_bytes;
	uint32_t rekey_seconds;
	CBS banner;
	uint32_t max_channels;
};

struct rp_ipc_kex_sign {
	char kex[RP_IPC_MAX_NAME];
	char hostkey_alg[RP_IPC_MAX_NAME];
	CBS v_c, v_s, i_c, i_s, q_c, q_s, k;
	uint32_t gex_min, gex_n, gex_max;
	CBS gex_p, gex_g;
};

struct rp_ipc_gex_request {
	uint32_t min, n, max;
};

struct rp_ipc_gex_group {
	CBS p, g;
};

struct rp_ipc_kex_signed {
	CBS sig;
};

struct rp_ipc_pubkey_check {
	char user[RP_IPC_MAX_NAME];
	char alg[RP_IPC_MAX_NAME];
	CBS key;
};

struct rp_ipc_pubkey_verify {
	char user[RP_IPC_MAX_NAME];
	char service[RP_IPC_MAX_NAME];
	char alg[RP_IPC_MAX_NAME];
	CBS key;
	CBS sig;
};

struct rp_ipc_auth_result {
	uint8_t result; /* enum rp_auth_result */
	CBS methods;
	CBS banner;
};

struct rp_ipc_auth_none {
	char user[RP_IPC_MAX_NAME];
};

struct rp_ipc_auth_password {
	char user[RP_IPC_MAX_NAME];
	CBS password;
};

struct rp_ipc_auth_kbdint {
	char user[RP_IPC_MAX_NAME];
	CBS submethods;
};

struct rp_ipc_kbdint_prompts {
	CBS name;
	CBS instruction;
	size_t nprompts;
	CBS prompts[RP_IPC_MAX_PROMPTS];
	int echo[RP_IPC_MAX_PROMPTS];
};

struct rp_ipc_kbdint_answers {
	size_t nanswers;
	CBS answers[RP_IPC_MAX_PROMPTS];
};

struct rp_ipc_env_var {
	CBS name;  /* 1..RP_IPC_MAX_ENV_NAME bytes, no NUL, no '=' */
	CBS value; /* at most RP_IPC_MAX_ENV_VALUE bytes, no NUL */
};

struct rp_ipc_session_start {
	uint32_t session;
	uint8_t kind;  /* enum rp_session_kind */
	CBS command;   /* no NUL bytes; empty for a shell */
	int pty;
	char term[RP_IPC_MAX_TERM + 1]; /* printable, no spaces */
	uint32_t cols, rows, width_px, height_px;
	CBS modes;
	size_t nenv;
	struct rp_ipc_env_var env[RP_IPC_MAX_ENV];
	int agent;
	int x11;        /* x11-req; then the four fields below */
	int x11_single; /* single connection */
	char x11_proto[RP_IPC_MAX_X11_PROTO + 1];
	char x11_cookie[RP_IPC_MAX_X11_COOKIE + 1];
	uint32_t x11_screen;
};

/* A TERM value: at most RP_IPC_MAX_TERM bytes of printable ASCII without
 * spaces (it ends up in the session's environment); empty is allowed. */
int rp_ipc_valid_term(const CBS *term);
/* An environment variable name: 1..RP_IPC_MAX_ENV_NAME bytes, no NUL, no
 * '='. The worker checks both before asking; the readers check again. */
int rp_ipc_valid_env_name(const CBS *name);
/* x11-req's authentication protocol: 1..RP_IPC_MAX_X11_PROTO bytes of
 * letters, digits, '-', '.' and '_'; its cookie: 2..RP_IPC_MAX_X11_COOKIE
 * hexadecimal digits, an even number. Both end up as arguments of
 * xauth(1), so nothing else passes. */
int rp_ipc_valid_x11_proto(const CBS *proto);
int rp_ipc_valid_x11_cookie(const CBS *cookie);

struct rp_ipc_session_started {
	int pty;
	uint8_t record; /* enum rp_ipc_record */
	int agent;      /* an agent socket follows */
	uint8_t x11_fds; /* X11 display sockets (last), 0..2 */
	uint32_t x11_display; /* their display number */
};

struct rp_ipc_session_check {
	uint8_t what;   /* enum rp_session_check */
	CBS name;       /* env, streamlocal: 1..RP_IPC_MAX_ENV_NAME bytes; else empty */
};

struct rp_ipc_session_control {
	uint32_t session;
	uint8_t op;     /* enum rp_session_control */
	uint32_t cols, rows, width_px, height_px; /* RESIZE */
	char signame[32]; /* SIGNAL */
	uint32_t break_ms; /* BREAK */
};

struct rp_ipc_session_exited {
	uint32_t session;
	int signalled;
	uint32_t status;
	char signame[32];
	int core_dumped;
};

struct rp_ipc_forward_open {
	char host[RP_IPC_MAX_HOST + 1]; /* printable, no spaces */
	uint32_t port;                  /* 1..65535 */
	char orig_addr[RP_IPC_MAX_HOST + 1]; /* may be empty */
	uint32_t orig_port;
};

struct rp_ipc_forward_opened {
	char addr[RP_IPC_MAX_HOST + 1];
};

struct rp_ipc_forward_failed {
	uint32_t reason; /* SSH_OPEN_* */
	CBS text;
};

/* LISTEN_OPEN, LISTEN_CLOSE (port 1..65535 there) and LISTEN_ACCEPTED. */
struct rp_ipc_listen {
	char bind[RP_IPC_MAX_HOST + 1];      /* printable, no spaces; may be empty */
	uint32_t port;                       /* 0..65535 */
	char orig_addr[RP_IPC_MAX_HOST + 1]; /* LISTEN_ACCEPTED only */
	uint32_t orig_port;
};

/* HOSTKEYS_PROVE (key blobs) and HOSTKEYS_PROVED (signature blobs). */
struct rp_ipc_hostkeys {
	size_t n;
	CBS blobs[RP_IPC_MAX_HOSTKEYS]; /* each at most RP_IPC_MAX_KEY_BLOB */
};

struct rp_ipc_listen_opened {
	uint32_t port; /* 1..65535 */
};

struct rp_ipc_denied {
	CBS reason;
};

struct rp_ipc_log {
	uint8_t level;
	CBS text;
};

struct rp_ipc_closing {
	uint32_t reason;
	int by_peer;
	CBS text;
};

/*
 * rp_ipc_X_build(cbb, id, m): initialise *cbb with X's header (its own type,
 * so a struct cannot go out under another message's number) and payload;
 * on failure *cbb is cleaned up and the return is 0. Send with
 * rp_ipc_send(). rp_ipc_X_write() writes just the payload into an open CBB.
 */
struct rp_ipc_kex_done {
	CBS cipher_c2s, cipher_s2c, mac_c2s, mac_s2c, comp_c2s, comp_s2c;
};

struct rp_ipc_status_channel {
	uint32_t id;
	CBS type;
	CBS target;
	uint64_t bytes_in, bytes_out;
};

struct rp_ipc_status {
	uint64_t bytes_in, bytes_out;
	uint32_t idle_s;
	size_t nchannels;
	struct rp_ipc_status_channel channels[RP_IPC_MAX_STATUS_CHANNELS];
};

struct rp_ipc_disconnect {
	uint32_t reason;
	CBS message;
};

int rp_ipc_hello_build(CBB *cbb, uint32_t id, const struct rp_ipc_hello *m);
int rp_ipc_kex_sign_build(CBB *cbb, uint32_t id, const struct rp_ipc_kex_sign *m);
int rp_ipc_kex_signed_build(CBB *cbb, uint32_t id, const struct rp_ipc_kex_signed *m);
int rp_ipc_gex_request_build(CBB *cbb, uint32_t id, const struct rp_ipc_gex_request *m);
int rp_ipc_gex_group_build(CBB *cbb, uint32_t id, const struct rp_ipc_gex_group *m);
int rp_ipc_pubkey_check_build(CBB *cbb, uint32_t id, const struct rp_ipc_pubkey_check *m);
int rp_ipc_pubkey_verify_build(CBB *cbb, uint32_t id, const struct rp_ipc_pubkey_verify *m);
int rp_ipc_auth_result_build(CBB *cbb, uint32_t id, const struct rp_ipc_auth_result *m);
int rp_ipc_session_start_build(CBB *cbb, uint32_t id, const struct rp_ipc_session_start *m);
int rp_ipc_session_started_build(CBB *cbb, uint32_t id, const struct rp_ipc_session_started *m);
int rp_ipc_session_check_build(CBB *cbb, uint32_t id, const struct rp_ipc_session_check *m);
int rp_ipc_session_control_build(CBB *cbb, uint32_t id, const struct rp_ipc_session_control *m);
int rp_ipc_forward_open_build(CBB *cbb, uint32_t id, const struct rp_ipc_forward_open *m);
int rp_ipc_forward_opened_build(CBB *cbb, uint32_t id, const struct rp_ipc_forward_opened *m);
int rp_ipc_forward_failed_build(CBB *cbb, uint32_t id, const struct rp_ipc_forward_failed *m);
int rp_ipc_listen_open_build(CBB *cbb, uint32_t id, const struct rp_ipc_listen *m);
int rp_ipc_listen_opened_build(CBB *cbb, uint32_t id, const struct rp_ipc_listen_opened *m);
int rp_ipc_listen_close_build(CBB *cbb, uint32_t id, const struct rp_ipc_listen *m);
int rp_ipc_listen_accepted_build(CBB *cbb, uint32_t id, const struct rp_ipc_listen *m);
int rp_ipc_hostkeys_prove_build(CBB *cbb, uint32_t id, const struct rp_ipc_hostkeys *m);
int rp_ipc_hostkeys_proved_build(CBB *cbb, uint32_t id, const struct rp_ipc_hostkeys *m);
int rp_ipc_session_exited_build(CBB *cbb, uint32_t id, const struct rp_ipc_session_exited *m);
int rp_ipc_denied_build(CBB *cbb, uint32_t id, const struct rp_ipc_denied *m);
int rp_ipc_log_build(CBB *cbb, uint32_t id, const struct rp_ipc_log *m);
int rp_ipc_closing_build(CBB *cbb, uint32_t id, const struct rp_ipc_closing *m);
int rp_ipc_kex_done_build(CBB *cbb, uint32_t id, const struct rp_ipc_kex_done *m);
int rp_ipc_auth_none_build(CBB *cbb, uint32_t id, const struct rp_ipc_auth_none *m);
int rp_ipc_auth_password_build(CBB *cbb, uint32_t id, const struct rp_ipc_auth_password *m);
int rp_ipc_auth_kbdint_build(CBB *cbb, uint32_t id, const struct rp_ipc_auth_kbdint *m);
int rp_ipc_kbdint_prompts_build(CBB *cbb, uint32_t id, const struct rp_ipc_kbdint_prompts *m);
int rp_ipc_kbdint_answers_build(CBB *cbb, uint32_t id, const struct rp_ipc_kbdint_answers *m);
int rp_ipc_status_build(CBB *cbb, uint32_t id, const struct rp_ipc_status *m);
int rp_ipc_disconnect_build(CBB *cbb, uint32_t id, const struct rp_ipc_disconnect *m);

int rp_ipc_hello_write(CBB *cbb, const struct rp_ipc_hello *m);
int rp_ipc_hello_read(CBS *cbs, struct rp_ipc_hello *m);
int rp_ipc_kex_sign_write(CBB *cbb, const struct rp_ipc_kex_sign *m);
int rp_ipc_kex_sign_read(CBS *cbs, struct rp_ipc_kex_sign *m);
int rp_ipc_kex_signed_write(CBB *cbb, const struct rp_ipc_kex_signed *m);
int rp_ipc_kex_signed_read(CBS *cbs, struct rp_ipc_kex_signed *m);
int rp_ipc_gex_request_write(CBB *cbb, const struct rp_ipc_gex_request *m);
int rp_ipc_gex_request_read(CBS *cbs, struct rp_ipc_gex_request *m);
int rp_ipc_gex_group_write(CBB *cbb, const struct rp_ipc_gex_group *m);
int rp_ipc_gex_group_read(CBS *cbs, struct rp_ipc_gex_group *m);
int rp_ipc_pubkey_check_write(CBB *cbb, const struct rp_ipc_pubkey_check *m);
int rp_ipc_pubkey_check_read(CBS *cbs, struct rp_ipc_pubkey_check *m);
int rp_ipc_pubkey_verify_write(CBB *cbb, const struct rp_ipc_pubkey_verify *m);
int rp_ipc_pubkey_verify_read(CBS *cbs, struct rp_ipc_pubkey_verify *m);
int rp_ipc_auth_result_write(CBB *cbb, const struct rp_ipc_auth_result *m);
int rp_ipc_auth_result_read(CBS *cbs, struct rp_ipc_auth_result *m);
int rp_ipc_session_start_write(CBB *cbb, const struct rp_ipc_session_start *m);
int rp_ipc_session_start_read(CBS *cbs, struct rp_ipc_session_start *m);
int rp_ipc_session_started_write(CBB *cbb, const struct rp_ipc_session_started *m);
int rp_ipc_session_started_read(CBS *cbs, struct rp_ipc_session_started *m);
int rp_ipc_session_check_write(CBB *cbb, const struct rp_ipc_session_check *m);
int rp_ipc_session_check_read(CBS *cbs, struct rp_ipc_session_check *m);
int rp_ipc_session_control_write(CBB *cbb, const struct rp_ipc_session_control *m);
int rp_ipc_session_control_read(CBS *cbs, struct rp_ipc_session_control *m);
int rp_ipc_forward_open_write(CBB *cbb, const struct rp_ipc_forward_open *m);
int rp_ipc_forward_open_read(CBS *cbs, struct rp_ipc_forward_open *m);
int rp_ipc_forward_opened_write(CBB *cbb, const struct rp_ipc_forward_opened *m);
int rp_ipc_forward_opened_read(CBS *cbs, struct rp_ipc_forward_opened *m);
int rp_ipc_forward_failed_write(CBB *cbb, const struct rp_ipc_forward_failed *m);
int rp_ipc_forward_failed_read(CBS *cbs, struct rp_ipc_forward_failed *m);
int rp_ipc_listen_open_write(CBB *cbb, const struct rp_ipc_listen *m);
int rp_ipc_listen_open_read(CBS *cbs, struct rp_ipc_listen *m);
int rp_ipc_hostkeys_prove_write(CBB *cbb, const struct rp_ipc_hostkeys *m);
int rp_ipc_hostkeys_prove_read(CBS *cbs, struct rp_ipc_hostkeys *m);
int rp_ipc_hostkeys_proved_write(CBB *cbb, const struct rp_ipc_hostkeys *m);
int rp_ipc_hostkeys_proved_read(CBS *cbs, struct rp_ipc_hostkeys *m);
int rp_ipc_listen_opened_write(CBB *cbb, const struct rp_ipc_listen_opened *m);
int rp_ipc_listen_opened_read(CBS *cbs, struct rp_ipc_listen_opened *m);
int rp_ipc_listen_close_write(CBB *cbb, const struct rp_ipc_listen *m);
int rp_ipc_listen_close_read(CBS *cbs, struct rp_ipc_listen *m);
int rp_ipc_listen_accepted_write(CBB *cbb, const struct rp_ipc_listen *m);
int rp_ipc_listen_accepted_read(CBS *cbs, struct rp_ipc_listen *m);
int rp_ipc_session_exited_write(CBB *cbb, const struct rp_ipc_session_exited *m);
int rp_ipc_session_exited_read(CBS *cbs, struct rp_ipc_session_exited *m);
int rp_ipc_denied_write(CBB *cbb, const struct rp_ipc_denied *m);
int rp_ipc_denied_read(CBS *cbs, struct rp_ipc_denied *m);
int rp_ipc_log_write(CBB *cbb, const struct rp_ipc_log *m);
int rp_ipc_log_read(CBS *cbs, struct rp_ipc_log *m);
int rp_ipc_closing_write(CBB *cbb, const struct rp_ipc_closing *m);
int rp_ipc_closing_read(CBS *cbs, struct rp_ipc_closing *m);
int rp_ipc_kex_done_write(CBB *cbb, const struct rp_ipc_kex_done *m);
int rp_ipc_auth_none_write(CBB *cbb, const struct rp_ipc_auth_none *m);
int rp_ipc_auth_none_read(CBS *cbs, struct rp_ipc_auth_none *m);
int rp_ipc_auth_password_write(CBB *cbb, const struct rp_ipc_auth_password *m);
int rp_ipc_auth_password_read(CBS *cbs, struct rp_ipc_auth_password *m);
int rp_ipc_auth_kbdint_write(CBB *cbb, const struct rp_ipc_auth_kbdint *m);
int rp_ipc_auth_kbdint_read(CBS *cbs, struct rp_ipc_auth_kbdint *m);
int rp_ipc_kbdint_prompts_write(CBB *cbb, const struct rp_ipc_kbdint_prompts *m);
int rp_ipc_kbdint_prompts_read(CBS *cbs, struct rp_ipc_kbdint_prompts *m);
int rp_ipc_kbdint_answers_write(CBB *cbb, const struct rp_ipc_kbdint_answers *m);
int rp_ipc_kbdint_answers_read(CBS *cbs, struct rp_ipc_kbdint_answers *m);
int rp_ipc_kex_done_read(CBS *cbs, struct rp_ipc_kex_done *m);
int rp_ipc_status_write(CBB *cbb, const struct rp_ipc_status *m);
int rp_ipc_status_read(CBS *cbs, struct rp_ipc_status *m);
int rp_ipc_disconnect_write(CBB *cbb, const struct rp_ipc_disconnect *m);
int rp_ipc_disconnect_read(CBS *cbs, struct rp_ipc_disconnect *m);

#endif

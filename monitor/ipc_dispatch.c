/*
 * monitor/ipc_dispatch.c: reading a worker's messages and refusing what its
 * connection's state does not allow, in one table (the monitor's half of
 * common/ipc.h). Modelled on OpenSSH's monitor dispatch tables and
 * OpenSMTPD's one-handler-per-message imsg code.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "monitor/monitor.h"

#define ANY_OPEN_STATE (CONN_PREKEX | CONN_PREAUTH | CONN_AUTHED)

static const char *handle_log(struct monitor *m, struct conn *c, uint32_t id, CBS *payload);
static const char *handle_closing(struct monitor *m, struct conn *c, uint32_t id,
    CBS *payload);
static const char *handle_kex_done(struct monitor *m, struct conn *c, uint32_t id,
    CBS *payload);
static const char *handle_status(struct monitor *m, struct conn *c, uint32_t id,
    CBS *payload);

static const struct {
	uint16_t type;
	unsigned states; /* enum conn_state bits in which the message may come */
	ipc_handler_fn fn;
} handlers[] = {
	{ RP_IPC_KEX_SIGN, ANY_OPEN_STATE, handle_kex_sign },
	{ RP_IPC_GEX_REQUEST, ANY_OPEN_STATE, handle_gex_request },
	{ RP_IPC_HOSTKEYS_PROVE, CONN_AUTHED, handle_hostkeys_prove },
	{ RP_IPC_AUTH_PUBKEY_CHECK, CONN_PREAUTH, handle_pubkey_check },
	{ RP_IPC_AUTH_PUBKEY_VERIFY, CONN_PREAUTH, handle_pubkey_verify },
	{ RP_IPC_AUTH_NONE, CONN_PREAUTH, handle_auth_none },
	{ RP_IPC_AUTH_PASSWORD, CONN_PREAUTH, handle_auth_password },
	{ RP_IPC_AUTH_KBDINT, CONN_PREAUTH, handle_auth_kbdint },
	{ RP_IPC_AUTH_KBDINT_ANSWERS, CONN_PREAUTH, handle_kbdint_answers },
	{ RP_IPC_SESSION_START, CONN_AUTHED, handle_session_start },
	{ RP_IPC_SESSION_CHECK, CONN_AUTHED, handle_session_check },
	{ RP_IPC_SESSION_CONTROL, CONN_AUTHED, handle_session_control },
	{ RP_IPC_FORWARD_OPEN, CONN_AUTHED, handle_forward_open },
	{ RP_IPC_LISTEN_OPEN, CONN_AUTHED, handle_listen_open },
	{ RP_IPC_LISTEN_CLOSE, CONN_AUTHED | CONN_CLOSING, handle_listen_close },
	{ RP_IPC_LISTEN_ACCEPTED, CONN_AUTHED, handle_listen_accepted },
	{ RP_IPC_LOG, ANY_OPEN_STATE | CONN_CLOSING, handle_log },
	{ RP_IPC_CLOSING, ANY_OPEN_STATE, handle_closing },
	{ RP_IPC_KEX_DONE, CONN_PREAUTH | CONN_AUTHED, handle_kex_done },
	{ RP_IPC_STATUS, ANY_OPEN_STATE | CONN_CLOSING, handle_status },
};

static const char *
state_name(enum conn_state s)
{
	switch (s) {
	case CONN_PREKEX:
		return "before key exchange";
	case CONN_PREAUTH:
		return "before authentication";
	case CONN_AUTHED:
		return "authenticated";
	case CONN_CLOSING:
		return "closing";
	}
	return "?";
}

void
ipc_dispatch(struct monitor *m, struct conn *c)
{
	struct rp_ipc_msg *msg = m->msg;
	char why[160];
	const char *violation = NULL;
	int r;

	rp_ipc_close_fds(msg);
	r = rp_ipc_recv(c->ipc_fd, msg, 1);
	if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (r == 0 || r == -1) {
		/* The worker closed its end (it is exiting) or the socket
		 * failed; the exit status is logged when it is reaped. */
		conn_close_ipc(c);
		return;
	}
	if (r == -2) {
		conn_abort(m, c, "malformed message (truncated, too large, or bad descriptors)");
		return;
	}
	if (msg->nfds != 0) {
		rp_ipc_close_fds(msg);
		conn_abort(m, c, "a worker may not pass descriptors to the monitor");
		return;
	}
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (handlers[i].type != msg->type)
			continue;
		if (!(handlers[i].states & c->state)) {
			snprintf(why, sizeof(why), "%s is not allowed %s",
			    rp_ipc_type_name(msg->type), state_name(c->state));
			conn_abort(m, c, why);
			return;
		}
		violation = handlers[i].fn(m, c, msg->id, &msg->payload);
		if (violation != NULL) {
			snprintf(why, sizeof(why), "%s: %s", rp_ipc_type_name(msg->type), violation);
			conn_abort(m, c, why);
		}
		return;
	}
	snprintf(why, sizeof(why), "unknown message type %u", msg->type);
	conn_abort(m, c, why);
}

int
ipc_reply(struct monitor *m, struct conn *c, CBB *cbb, const int *fds, size_t nfds)
{
	if (c->ipc_fd < 0) {
		CBB_cleanup(cbb);
		return 0;
	}
	if (rp_ipc_send(c->ipc_fd, cbb, fds, nfds, 1))
		return 1;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		/* Requests are one at a time: a full socket means the worker
		 * stopped reading its replies. */
		conn_abort(m, c, "not reading replies");
	else
		conn_close_ipc(c);
	return 0;
}

void
ipc_reply_denied(struct monitor *m, struct conn *c, uint32_t id, const char *reason)
{
	struct rp_ipc_denied d;
	CBB cbb;

	CBS_init(&d.reason, (const uint8_t *)reason, strlen(reason));
	if (rp_ipc_denied_build(&cbb, id, &d))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
}

int
ipc_report_allowed(struct conn *c)
{
	uint64_t now = monitor_now_ms();

	if (now - c->log_refill_ms >= 1000) {
		c->log_tokens = WORKER_LOG_BURST;
		c->log_refill_ms = now;
		c->log_dropped = 0;
	}
	if (c->log_tokens == 0) {
		if (!c->log_dropped)
			rp_warn("conn=%llu worker reports too fast; dropping them for a second",
			    (unsigned long long)c->id);
		c->log_dropped = 1;
		return 0;
	}
	c->log_tokens--;
	return 1;
}

static const char *
handle_log(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_log msg;
	char text[RP_IPC_MAX_LOG * 4 + 1];

	(void)m;
	(void)id;
	if (!rp_ipc_log_read(payload, &msg))
		return "malformed";
	if (!ipc_report_allowed(c))
		return NULL;
	rp_log_escape(CBS_data(&msg.text), CBS_len(&msg.text), text, sizeof(text));
	rp_log((enum rp_log_level)msg.level, "conn=%llu worker: %s", (unsigned long long)c->id,
	    text);
	return NULL;
}

static const char *
handle_closing(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_closing msg;

	(void)m;
	(void)id;
	if (!rp_ipc_closing_read(payload, &msg))
		return "malformed";
	c->state = CONN_CLOSING;
	c->have_close = 1;
	c->close_reason = msg.reason;
	c->close_by_peer = msg.by_peer;
	rp_log_escape(CBS_data(&msg.text), CBS_len(&msg.text), c->close_text,
	    sizeof(c->close_text));
	return NULL;
}

static void
copy_escaped(char *out, size_t outsz, const CBS *in)
{
	rp_log_escape(CBS_data(in), CBS_len(in), out, outsz);
}

static const char *
handle_kex_done(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_kex_done msg;

	(void)m;
	(void)id;
	if (!rp_ipc_kex_done_read(payload, &msg))
		return "malformed";
	/* One per signed exchange at most. */
	if (c->kex_done_count >= c->kex_count)
		return "KEX_DONE without a signed key exchange";
	c->kex_done_count++;
	copy_escaped(c->cipher, sizeof(c->cipher), &msg.cipher_s2c);
	monitor_audit_kex(m, c, &msg);
	return NULL;
}

static const char *
handle_status(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_status msg;
	struct conn_status *st = &c->status;

	(void)m;
	(void)id;
	if (!rp_ipc_status_read(payload, &msg))
		return "malformed";
	if (!ipc_report_allowed(c))
		return NULL;
	st->bytes_in = msg.bytes_in;
	st->bytes_out = msg.bytes_out;
	st->idle_s = msg.idle_s;
	st->updated_ms = monitor_now_ms();
	st->nchannels = msg.nchannels;
	for (size_t i = 0; i < msg.nchannels; i++) {
		st->channels[i].id = msg.channels[i].id;
		copy_escaped(st->channels[i].type, sizeof(st->channels[i].type),
		    &msg.channels[i].type);
		copy_escaped(st->channels[i].target, sizeof(st->channels[i].target),
		    &msg.channels[i].target);
		st->channels[i].bytes_in = msg.channels[i].bytes_in;
		st->channels[i].bytes_out = msg.channels[i].bytes_out;
	}
	return NULL;
}

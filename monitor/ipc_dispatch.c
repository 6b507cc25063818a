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

static const struct {
	uint16_t type;
	unsigned states; /* enum conn_state bits in which the message may come */
	ipc_handler_fn fn;
} handlers[] = {
	{ RP_IPC_KEX_SIGN, ANY_OPEN_STATE, handle_kex_sign },
	{ RP_IPC_AUTH_PUBKEY_CHECK, CONN_PREAUTH, handle_pubkey_check },
	{ RP_IPC_AUTH_PUBKEY_VERIFY, CONN_PREAUTH, handle_pubkey_verify },
	{ RP_IPC_SESSION_EXEC, CONN_AUTHED, handle_session_exec },
	{ RP_IPC_LOG, ANY_OPEN_STATE | CONN_CLOSING, handle_log },
	{ RP_IPC_CLOSING, ANY_OPEN_STATE, handle_closing },
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

static const char *
handle_log(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_log msg;
	char text[RP_IPC_MAX_LOG * 4 + 1];
	uint64_t now = monitor_now_ms();

	(void)m;
	(void)id;
	if (!rp_ipc_log_read(payload, &msg))
		return "malformed";
	if (now - c->log_refill_ms >= 1000) {
		c->log_tokens = WORKER_LOG_BURST;
		c->log_refill_ms = now;
		c->log_dropped = 0;
	}
	if (c->log_tokens == 0) {
		if (!c->log_dropped)
			rp_warn("conn=%llu worker logs too fast; dropping its lines for a second",
			    (unsigned long long)c->id);
		c->log_dropped = 1;
		return NULL;
	}
	c->log_tokens--;
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

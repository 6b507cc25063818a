/*
 * worker/monitor_client.c: requests to the monitor and its unsolicited
 * messages (common/ipc.h).
 */
#include "worker/monitor_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/wire.h"
#include "crypto/dh.h"
#include "crypto/secret.h"

static struct monitor_client *log_client;

int
mc_init(struct monitor_client *mc, int fd)
{
	/* Field by field, not memset: the event queue and the list of
	 * pending requests are read only up to nqueued and nasync, and
	 * leaving their 21 KiB untouched keeps those pages out of every
	 * worker's resident memory (worker/main.c). */
	mc->fd = fd;
	mc->next_id = 1;
	mc->nqueued = 0;
	mc->nasync = 0;
	if ((mc->msg = malloc(sizeof(*mc->msg))) == NULL)
		return 0;
	mc->msg->nfds = 0;
	log_client = mc;
	return 1;
}

void
mc_free(struct monitor_client *mc)
{
	if (log_client == mc)
		log_client = NULL;
	if (mc->msg != NULL)
		rp_ipc_close_fds(mc->msg);
	free(mc->msg);
	mc->msg = NULL;
}

/* The answer to a request made with mc_forward_open: queued as an event,
 * descriptors and all. Anything else with an unknown id is refused. */
static int
queue_async(struct monitor_client *mc)
{
	struct rp_ipc_msg *m = mc->msg;
	struct rp_ipc_forward_opened opened;
	struct rp_ipc_forward_failed failed;
	struct mc_event ev;
	size_t slot = mc->nasync;

	for (size_t i = 0; i < mc->nasync; i++)
		if (mc->async_ids[i] == m->id)
			slot = i;
	if (slot == mc->nasync)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.type = MC_FORWARD_RESULT;
	ev.request = m->id;
	ev.fds[0] = ev.fds[1] = -1;
	if (m->type == RP_IPC_FORWARD_OPENED && m->nfds == 2 &&
	    rp_ipc_forward_opened_read(&m->payload, &opened)) {
		ev.ok = 1;
		snprintf(ev.message, sizeof(ev.message), "%s", opened.addr);
		ev.fds[0] = m->fds[0];
		ev.fds[1] = m->fds[1];
		m->nfds = 0; /* the event owns them now */
	} else if (m->type == RP_IPC_FORWARD_FAILED && m->nfds == 0 &&
	    rp_ipc_forward_failed_read(&m->payload, &failed)) {
		ev.reason = failed.reason;
		rp_log_escape(CBS_data(&failed.text), CBS_len(&failed.text), ev.message,
		    sizeof(ev.message));
	} else {
		return 0;
	}
	mc->async_ids[slot] = mc->async_ids[--mc->nasync];
	mc->queued[mc->nqueued++] = ev;
	return 1;
}

/* Queue an unsolicited message, or refuse one the monitor may not send. */
static int
queue_unsolicited(struct monitor_client *mc)
{
	struct rp_ipc_msg *m = mc->msg;
	struct mc_event ev;
	struct rp_ipc_disconnect d;

	if (mc->nqueued == MC_MAX_QUEUED)
		return 0;
	if (m->id != 0)
		return queue_async(mc);
	if (m->nfds != 0)
		return 0;
	memset(&ev, 0, sizeof(ev));
	switch (m->type) {
	case RP_IPC_SESSION_EXITED:
		ev.type = MC_SESSION_EXITED;
		if (!rp_ipc_session_exited_read(&m->payload, &ev.exited))
			return 0;
		break;
	case RP_IPC_DISCONNECT:
		ev.type = MC_DISCONNECT;
		if (!rp_ipc_disconnect_read(&m->payload, &d))
			return 0;
		ev.reason = d.reason;
		rp_log_escape(CBS_data(&d.message), CBS_len(&d.message), ev.message,
		    sizeof(ev.message));
		break;
	case RP_IPC_REKEY:
		ev.type = MC_REKEY;
		if (CBS_len(&m->payload) != 0)
			return 0;
		break;
	default:
		return 0;
	}
	mc->queued[mc->nqueued++] = ev;
	return 1;
}

/* Send the request in *cbb and wait for the reply with its id. */
static int
call(struct monitor_client *mc, CBB *cbb, uint32_t id, const int *fds, size_t nfds)
{
	if (!rp_ipc_send(mc->fd, cbb, fds, nfds, 0))
		return 0;
	for (;;) {
		rp_ipc_close_fds(mc->msg);
		if (rp_ipc_recv(mc->fd, mc->msg, 0) != 1)
			return 0;
		if (mc->msg->id == id)
			return 1;
		if (!queue_unsolicited(mc))
			return 0;
	}
}

/* A fresh request id (never 0, which marks unsolicited messages). */
static uint32_t
next_id(struct monitor_client *mc)
{
	uint32_t id = mc->next_id++;

	if (mc->next_id == 0)
		mc->next_id = 1;
	return id;
}

int
mc_read_hello(struct monitor_client *mc, struct rp_ipc_hello *hello)
{
	rp_ipc_close_fds(mc->msg);
	if (rp_ipc_recv(mc->fd, mc->msg, 0) != 1)
		return 0;
	return mc->msg->type == RP_IPC_HELLO && mc->msg->id == 0 && mc->msg->nfds == 0 &&
	    rp_ipc_hello_read(&mc->msg->payload, hello);
}

static int denied_reason(struct monitor_client *mc, char *reason, size_t reason_size);

int
mc_sign_exchange(void *arg, const char *kex, const char *hostkey_alg,
    const struct rp_kex_hash_parts *parts, CBB *sig, char *why, size_t whysz)
{
	struct monitor_client *mc = arg;
	struct rp_ipc_kex_sign req;
	struct rp_ipc_kex_signed rep;
	CBB cbb;
	uint32_t id;

	memset(&req, 0, sizeof(req));
	snprintf(req.kex, sizeof(req.kex), "%s", kex);
	snprintf(req.hostkey_alg, sizeof(req.hostkey_alg), "%s", hostkey_alg);
	req.v_c = parts->v_c;
	req.v_s = parts->v_s;
	req.i_c = parts->i_c;
	req.i_s = parts->i_s;
	req.q_c = parts->q_c;
	req.q_s = parts->q_s;
	req.k = parts->k;
	req.gex_min = parts->gex.min;
	req.gex_n = parts->gex.n;
	req.gex_max = parts->gex.max;
	req.gex_p = parts->gex.p;
	req.gex_g = parts->gex.g;
	id = next_id(mc);
	if (!rp_ipc_kex_sign_build(&cbb, id, &req) || !call(mc, &cbb, id, NULL, 0))
		return 0;
	/* The monitor refuses an exchange only for the client's version. */
	if (denied_reason(mc, why, whysz))
		return -1;
	if (mc->msg->type != RP_IPC_KEX_SIGNED || mc->msg->nfds != 0 ||
	    !rp_ipc_kex_signed_read(&mc->msg->payload, &rep))
		return 0;
	return CBB_add_bytes(sig, CBS_data(&rep.sig), CBS_len(&rep.sig));
}

int
mc_gex_group(void *arg, uint32_t min, uint32_t n, uint32_t max, uint8_t *p, size_t *p_len,
    uint8_t *g, size_t *g_len)
{
	struct monitor_client *mc = arg;
	struct rp_ipc_gex_request req = { min, n, max };
	struct rp_ipc_gex_group rep;
	char why[128];
	CBB cbb;
	uint32_t id = next_id(mc);

	if (!rp_ipc_gex_request_build(&cbb, id, &req) || !call(mc, &cbb, id, NULL, 0))
		return 0;
	if (denied_reason(mc, why, sizeof(why)))
		return 0;
	if (mc->msg->type != RP_IPC_GEX_GROUP || mc->msg->nfds != 0 ||
	    !rp_ipc_gex_group_read(&mc->msg->payload, &rep) ||
	    CBS_len(&rep.p) > RP_DH_MAX_BYTES || CBS_len(&rep.g) > CBS_len(&rep.p))
		return 0;
	memcpy(p, CBS_data(&rep.p), CBS_len(&rep.p));
	*p_len = CBS_len(&rep.p);
	memcpy(g, CBS_data(&rep.g), CBS_len(&rep.g));
	*g_len = CBS_len(&rep.g);
	return 1;
}

/* Read the reply to an authentication request into r (and prompts). */
static void
auth_reply(struct monitor_client *mc, struct mc_auth_reply *r,
    struct rp_ipc_kbdint_prompts *prompts)
{
	struct rp_ipc_auth_result rep;

	r->status = -1;
	if (mc->msg->nfds != 0)
		return;
	if (mc->msg->type == RP_IPC_AUTH_RESULT &&
	    rp_ipc_auth_result_read(&mc->msg->payload, &rep)) {
		r->status = 0;
		r->result = rep.result;
		r->methods = rep.methods;
		r->banner = rep.banner;
	} else if (prompts != NULL && mc->msg->type == RP_IPC_KBDINT_PROMPTS &&
	    rp_ipc_kbdint_prompts_read(&mc->msg->payload, prompts)) {
		r->status = 1;
	}
}

void
mc_pubkey_check(struct monitor_client *mc, const char *user, const char *alg, CBS key,
    struct mc_auth_reply *r)
{
	struct rp_ipc_pubkey_check req;
	CBB cbb;
	uint32_t id;

	memset(&req, 0, sizeof(req));
	snprintf(req.user, sizeof(req.user), "%s", user);
	snprintf(req.alg, sizeof(req.alg), "%s", alg);
	req.key = key;
	id = next_id(mc);
	r->status = -1;
	if (rp_ipc_pubkey_check_build(&cbb, id, &req) && call(mc, &cbb, id, NULL, 0))
		auth_reply(mc, r, NULL);
}

void
mc_pubkey_verify(struct monitor_client *mc, const char *user, const char *service,
    const char *alg, CBS key, CBS sig, struct mc_auth_reply *r)
{
	struct rp_ipc_pubkey_verify req;
	CBB cbb;
	uint32_t id;

	memset(&req, 0, sizeof(req));
	snprintf(req.user, sizeof(req.user), "%s", user);
	snprintf(req.service, sizeof(req.service), "%s", service);
	snprintf(req.alg, sizeof(req.alg), "%s", alg);
	req.key = key;
	req.sig = sig;
	id = next_id(mc);
	r->status = -1;
	if (rp_ipc_pubkey_verify_build(&cbb, id, &req) && call(mc, &cbb, id, NULL, 0))
		auth_reply(mc, r, NULL);
}

void
mc_auth_none(struct monitor_client *mc, const char *user, struct mc_auth_reply *r)
{
	struct rp_ipc_auth_none req;
	CBB cbb;
	uint32_t id;

	memset(&req, 0, sizeof(req));
	snprintf(req.user, sizeof(req.user), "%s", user);
	id = next_id(mc);
	r->status = -1;
	if (rp_ipc_auth_none_build(&cbb, id, &req) && call(mc, &cbb, id, NULL, 0))
		auth_reply(mc, r, NULL);
}

void
mc_auth_password(struct monitor_client *mc, const char *user, CBS password,
    struct mc_auth_reply *r)
{
	struct rp_ipc_auth_password req;
	CBB cbb;
	uint32_t id;

	memset(&req, 0, sizeof(req));
	snprintf(req.user, sizeof(req.user), "%s", user);
	req.password = password;
	id = next_id(mc);
	r->status = -1;
	/* The encoded message is CBB memory, which OPENSSL_free zeroes when
	 * rp_ipc_send releases it: the password leaves no copy behind. */
	if (rp_ipc_auth_password_build(&cbb, id, &req) && call(mc, &cbb, id, NULL, 0))
		auth_reply(mc, r, NULL);
}

void
mc_auth_kbdint(struct monitor_client *mc, const char *user, CBS submethods,
    struct mc_auth_reply *r, struct rp_ipc_kbdint_prompts *prompts)
{
	struct rp_ipc_auth_kbdint req;
	CBB cbb;
	uint32_t id;

	memset(&req, 0, sizeof(req));
	snprintf(req.user, sizeof(req.user), "%s", user);
	req.submethods = submethods;
	id = next_id(mc);
	r->status = -1;
	if (rp_ipc_auth_kbdint_build(&cbb, id, &req) && call(mc, &cbb, id, NULL, 0))
		auth_reply(mc, r, prompts);
}

void
mc_auth_kbdint_answers(struct monitor_client *mc, const struct rp_ipc_kbdint_answers *a,
    struct mc_auth_reply *r, struct rp_ipc_kbdint_prompts *prompts)
{
	CBB cbb;
	uint32_t id;

	id = next_id(mc);
	r->status = -1;
	if (rp_ipc_kbdint_answers_build(&cbb, id, a) && call(mc, &cbb, id, NULL, 0))
		auth_reply(mc, r, prompts);
}

int
mc_forward_open(struct monitor_client *mc, const struct rp_ipc_forward_open *req,
    uint32_t *request)
{
	CBB cbb;
	uint32_t id;

	if (mc->nasync == MC_MAX_ASYNC)
		return 0;
	id = next_id(mc);
	if (!rp_ipc_forward_open_build(&cbb, id, req) || !rp_ipc_send(mc->fd, &cbb, NULL, 0, 0))
		return -1;
	mc->async_ids[mc->nasync++] = id;
	*request = id;
	return 1;
}

/* A DENIED reply: its reason into reason. */
static int
denied_reason(struct monitor_client *mc, char *reason, size_t reason_size)
{
	struct rp_ipc_denied denied;

	if (mc->msg->type != RP_IPC_DENIED || mc->msg->nfds != 0 ||
	    !rp_ipc_denied_read(&mc->msg->payload, &denied))
		return 0;
	rp_log_escape(CBS_data(&denied.reason), CBS_len(&denied.reason), reason, reason_size);
	return 1;
}

int
mc_session_start(struct monitor_client *mc, const struct rp_ipc_session_start *req,
    struct mc_session_fds *out, char *reason, size_t reason_size)
{
	struct rp_ipc_session_started st;
	size_t want;
	CBB cbb;
	uint32_t id;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < RP_IPC_MAX_FDS; i++)
		out->fds[i] = -1;
	out->agent = -1;
	id = next_id(mc);
	if (!rp_ipc_session_start_build(&cbb, id, req) || !call(mc, &cbb, id, NULL, 0))
		return -1;
	if (denied_reason(mc, reason, reason_size))
		return 0;
	if (mc->msg->type != RP_IPC_SESSION_STARTED ||
	    !rp_ipc_session_started_read(&mc->msg->payload, &st) || st.pty != req->pty)
		return -1;
	want = (st.pty ? 2 : 3) + (st.record != RP_IPC_RECORD_NONE ? 1 : 0) +
	    (st.agent ? 1 : 0) + st.x11_fds;
	if (mc->msg->nfds != want || (st.agent && !req->agent) || (st.x11_fds && !req->x11))
		return -1;
	out->pty = st.pty;
	out->record = st.record;
	for (size_t i = 0; i < want; i++)
		out->fds[i] = mc->msg->fds[i];
	/* The X11 display's sockets are last, the agent's before them. */
	for (size_t i = 0; i < st.x11_fds; i++) {
		out->x11[i] = out->fds[want - st.x11_fds + i];
		out->fds[want - st.x11_fds + i] = -1;
	}
	out->x11_nfds = st.x11_fds;
	out->x11_display = st.x11_display;
	if (st.agent) {
		out->agent = out->fds[want - st.x11_fds - 1];
		out->fds[want - st.x11_fds - 1] = -1;
	}
	mc->msg->nfds = 0; /* ownership moves to the caller */
	return 1;
}

int
mc_session_check(struct monitor_client *mc, uint8_t what, CBS name, char *reason,
    size_t reason_size)
{
	struct rp_ipc_session_check req;
	CBB cbb;
	uint32_t id;

	req.what = what;
	req.name = name;
	id = next_id(mc);
	if (!rp_ipc_session_check_build(&cbb, id, &req) || !call(mc, &cbb, id, NULL, 0))
		return -1;
	if (denied_reason(mc, reason, reason_size))
		return 0;
	if (mc->msg->type != RP_IPC_SESSION_OK || mc->msg->nfds != 0 ||
	    CBS_len(&mc->msg->payload) != 0)
		return -1;
	return 1;
}

int
mc_session_control(struct monitor_client *mc, const struct rp_ipc_session_control *m)
{
	uint32_t id = next_id(mc);
	CBB cbb;

	return rp_ipc_session_control_build(&cbb, id, m) && call(mc, &cbb, id, NULL, 0) &&
	    mc->msg->type == RP_IPC_SESSION_OK && mc->msg->nfds == 0 &&
	    CBS_len(&mc->msg->payload) == 0;
}

void
mc_closing(struct monitor_client *mc, uint32_t reason, int by_peer, const char *text)
{
	struct rp_ipc_closing m;
	CBB cbb;

	m.reason = reason;
	m.by_peer = by_peer;
	CBS_init(&m.text, (const uint8_t *)text, strnlen(text, RP_IPC_MAX_LOG));
	if (rp_ipc_closing_build(&cbb, 0, &m))
		(void)rp_ipc_send(mc->fd, &cbb, NULL, 0, 0);
}

void
mc_log_sink(enum rp_log_level level, const char *message)
{
	struct rp_ipc_log m;
	CBB cbb;

	if (log_client == NULL)
		return;
	m.level = (uint8_t)level;
	CBS_init(&m.text, (const uint8_t *)message, strnlen(message, RP_IPC_MAX_LOG));
	if (rp_ipc_log_build(&cbb, 0, &m))
		(void)rp_ipc_send(log_client->fd, &cbb, NULL, 0, 0);
}

int
mc_receive(struct monitor_client *mc)
{
	int r;

	rp_ipc_close_fds(mc->msg);
	r = rp_ipc_recv(mc->fd, mc->msg, 1);
	if (r == 0)
		return 0;
	if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 1;
	if (r != 1)
		return -1;
	return queue_unsolicited(mc) ? 1 : -1;
}

int
mc_listen_open(struct monitor_client *mc, const struct rp_ipc_listen *req,
    struct mc_listen_reply *out, char *reason, size_t reason_size)
{
	struct rp_ipc_listen_opened opened;
	CBB cbb;
	uint32_t id;

	memset(out, 0, sizeof(*out));
	out->fds[0] = out->fds[1] = -1;
	id = next_id(mc);
	if (!rp_ipc_listen_open_build(&cbb, id, req) || !call(mc, &cbb, id, NULL, 0))
		return -1;
	if (denied_reason(mc, reason, reason_size))
		return 0;
	if (mc->msg->type != RP_IPC_LISTEN_OPENED || mc->msg->nfds < 1 || mc->msg->nfds > 2 ||
	    !rp_ipc_listen_opened_read(&mc->msg->payload, &opened))
		return -1;
	out->port = opened.port;
	out->nfds = mc->msg->nfds;
	for (size_t i = 0; i < out->nfds; i++)
		out->fds[i] = mc->msg->fds[i];
	mc->msg->nfds = 0; /* ownership moves to the caller */
	return 1;
}

int
mc_hostkeys_prove(struct monitor_client *mc, const struct rp_ipc_hostkeys *req,
    struct rp_ipc_hostkeys *sigs, char *reason, size_t reason_size)
{
	CBB cbb;
	uint32_t id = next_id(mc);

	if (!rp_ipc_hostkeys_prove_build(&cbb, id, req) || !call(mc, &cbb, id, NULL, 0))
		return -1;
	if (denied_reason(mc, reason, reason_size))
		return 0;
	if (mc->msg->type != RP_IPC_HOSTKEYS_PROVED || mc->msg->nfds != 0 ||
	    !rp_ipc_hostkeys_proved_read(&mc->msg->payload, sigs) || sigs->n != req->n)
		return -1;
	return 1;
}

void
mc_listen_report(struct monitor_client *mc, uint16_t type, const struct rp_ipc_listen *m)
{
	CBB cbb;
	int ok = type == RP_IPC_LISTEN_CLOSE ? rp_ipc_listen_close_build(&cbb, 0, m) :
	    rp_ipc_listen_accepted_build(&cbb, 0, m);

	if (ok)
		(void)rp_ipc_send(mc->fd, &cbb, NULL, 0, 0);
}

void
mc_kex_done(struct monitor_client *mc, const struct rp_ipc_kex_done *m)
{
	CBB cbb;

	if (rp_ipc_kex_done_build(&cbb, 0, m))
		(void)rp_ipc_send(mc->fd, &cbb, NULL, 0, 0);
}

void
mc_status(struct monitor_client *mc, const struct rp_ipc_status *m)
{
	CBB cbb;

	if (rp_ipc_status_build(&cbb, 0, m))
		(void)rp_ipc_send(mc->fd, &cbb, NULL, 0, 0);
}

int
mc_next_event(struct monitor_client *mc, struct mc_event *out)
{
	if (mc->nqueued == 0)
		return 0;
	*out = mc->queued[0];
	memmove(&mc->queued[0], &mc->queued[1], (mc->nqueued - 1) * sizeof(mc->queued[0]));
	mc->nqueued--;
	return 1;
}

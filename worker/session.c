/*
 * worker/session.c: session channels (RFC 4254 section 6): what a client
 * asks for before its shell, command or subsystem (pty-req, env,
 * auth-agent-req@openssh.com, x11-req), starting it through the monitor,
 * and window-change, signal and break while it runs.
 *
 * The worker only carries these: whether a pty or a variable is allowed is
 * the monitor's answer (SESSION_CHECK), and the monitor decides it all
 * again when the session starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "crypto/secret.h"
#include "worker/server.h"

void
session_setup_free(struct session_setup *s)
{
	if (s == NULL)
		return;
	rp_wipe(s->x11_cookie, sizeof(s->x11_cookie));
	/* CBS_strdup's copies: BoringSSL's allocator. */
	for (size_t i = 0; i < s->nenv; i++) {
		OPENSSL_free(s->env_name[i]);
		OPENSSL_free(s->env_value[i]);
	}
	free(s);
}

int
session_open(struct worker *w, uint32_t sender, uint32_t window, uint32_t maxpacket, CBS *msg)
{
	struct channel *ch;

	if (CBS_len(msg) != 0 || maxpacket == 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed session CHANNEL_OPEN");
	if (w->no_more_sessions)
		return channel_send_open_failure(w, sender, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "no more sessions");
	if ((ch = channel_alloc(w, CHANNEL_SESSION)) == NULL)
		return channel_send_open_failure(w, sender, SSH_OPEN_RESOURCE_SHORTAGE,
		    "too many channels");
	if ((ch->setup = calloc(1, sizeof(*ch->setup))) == NULL) {
		channel_release(w, ch);
		return channel_send_open_failure(w, sender, SSH_OPEN_RESOURCE_SHORTAGE,
		    "out of memory");
	}
	ch->remote_id = sender;
	rp_window_init(&ch->win, CHANNEL_WINDOW, window, maxpacket);
	return channel_send_open_confirmation(w, ch);
}

/* Ask the monitor; 1 allowed, 0 refused, -1 the monitor is gone. */
static int
check(struct worker *w, struct channel *ch, uint8_t what, CBS name, const char *type)
{
	char reason[256];
	int r = mc_session_check(&w->mc, what, name, reason, sizeof(reason));

	if (r < 0)
		server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION, "monitor unavailable");
	else if (r == 0)
		rp_info("channel %u: %s refused: %s", ch->local_id, type, reason);
	return r;
}

/* pty-req: TERM, size in characters and pixels, encoded modes. */
static int
request_pty(struct worker *w, struct channel *ch, CBS *msg, int *ok)
{
	struct session_setup *s = ch->setup;
	CBS term, modes, none;
	uint32_t cols, rows, wpx, hpx;
	int r;

	if (!ssh_get_string(msg, &term) || !CBS_get_u32(msg, &cols) ||
	    !CBS_get_u32(msg, &rows) || !CBS_get_u32(msg, &wpx) || !CBS_get_u32(msg, &hpx) ||
	    !ssh_get_string(msg, &modes) || CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed pty-req");
	if (s == NULL || s->pty || !rp_ipc_valid_term(&term) ||
	    CBS_len(&modes) > RP_IPC_MAX_MODES)
		return 1;
	CBS_init(&none, NULL, 0);
	if ((r = check(w, ch, RP_CHECK_PTY, none, "pty")) <= 0)
		return r == 0;
	s->pty = 1;
	memcpy(s->term, CBS_data(&term), CBS_len(&term));
	s->term[CBS_len(&term)] = '\0';
	s->cols = cols;
	s->rows = rows;
	s->width_px = wpx;
	s->height_px = hpx;
	memcpy(s->modes, CBS_data(&modes), CBS_len(&modes));
	s->modes_len = CBS_len(&modes);
	*ok = 1;
	return 1;
}

static int
request_env(struct worker *w, struct channel *ch, CBS *msg, int *ok)
{
	struct session_setup *s = ch->setup;
	CBS name, value;
	int r;

	if (!ssh_get_string(msg, &name) || !ssh_get_string(msg, &value) || CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed env request");
	if (s == NULL || s->nenv == RP_IPC_MAX_ENV || !rp_ipc_valid_env_name(&name) ||
	    CBS_len(&value) > RP_IPC_MAX_ENV_VALUE || CBS_contains_zero_byte(&value))
		return 1;
	if ((r = check(w, ch, RP_CHECK_ENV, name, "env")) <= 0)
		return r == 0;
	/* A name sent again replaces its value, as with sshd. */
	for (size_t i = 0; i < s->nenv; i++) {
		char *v = NULL;

		if (strlen(s->env_name[i]) != CBS_len(&name) ||
		    memcmp(s->env_name[i], CBS_data(&name), CBS_len(&name)) != 0)
			continue;
		if (!CBS_strdup(&value, &v))
			return 1;
		OPENSSL_free(s->env_value[i]);
		s->env_value[i] = v;
		*ok = 1;
		return 1;
	}
	if (!CBS_strdup(&name, &s->env_name[s->nenv]))
		return 1;
	if (!CBS_strdup(&value, &s->env_value[s->nenv])) {
		OPENSSL_free(s->env_name[s->nenv]);
		return 1;
	}
	s->nenv++;
	*ok = 1;
	return 1;
}

/* shell, exec, subsystem: the monitor starts it. */
static int
request_start(struct worker *w, struct channel *ch, uint8_t kind, CBS *msg, int *ok)
{
	struct session_setup *s = ch->setup;
	struct rp_ipc_session_start req;
	struct mc_session_fds fds;
	char reason[256];
	CBS command;
	int r;

	memset(&req, 0, sizeof(req));
	if (kind == RP_SESSION_SHELL) {
		if (CBS_len(msg) != 0)
			return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "malformed shell request");
		CBS_init(&command, NULL, 0);
	} else if (!ssh_get_string(msg, &command) || CBS_len(msg) != 0) {
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed exec or subsystem request");
	}
	if (ch->started || s == NULL || CBS_len(&command) > RP_IPC_MAX_COMMAND ||
	    CBS_contains_zero_byte(&command) ||
	    (kind == RP_SESSION_SUBSYSTEM && CBS_len(&command) == 0))
		return 1;
	req.session = ch->session_no = ++w->next_session;
	req.kind = kind;
	req.command = command;
	req.pty = s->pty;
	memcpy(req.term, s->term, sizeof(req.term));
	req.cols = s->cols;
	req.rows = s->rows;
	req.width_px = s->width_px;
	req.height_px = s->height_px;
	CBS_init(&req.modes, s->modes, s->modes_len);
	req.nenv = s->nenv;
	for (size_t i = 0; i < s->nenv; i++) {
		CBS_init(&req.env[i].name, (const uint8_t *)s->env_name[i], strlen(s->env_name[i]));
		CBS_init(&req.env[i].value, (const uint8_t *)s->env_value[i],
		    strlen(s->env_value[i]));
	}
	req.agent = s->agent;
	req.x11 = s->x11;
	req.x11_single = s->x11_single;
	memcpy(req.x11_proto, s->x11_proto, sizeof(req.x11_proto));
	memcpy(req.x11_cookie, s->x11_cookie, sizeof(req.x11_cookie));
	req.x11_screen = s->x11_screen;
	r = mc_session_start(&w->mc, &req, &fds, reason, sizeof(reason));
	rp_wipe(req.x11_cookie, sizeof(req.x11_cookie));
	if (r < 0)
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
		    "monitor unavailable");
	if (r == 0) {
		rp_info("channel %u: session refused: %s", ch->local_id, reason);
		return 1;
	}
	if (fds.pty) {
		ch->pty = 1;
		channel_attach(ch, fds.fds[1], fds.fds[0], -1);
	} else {
		channel_attach(ch, fds.fds[0], fds.fds[1], fds.fds[2]);
	}
	if (fds.record != RP_IPC_RECORD_NONE) {
		int rec_fd = fds.fds[fds.pty ? 2 : 3];

		ch->rec = recording_start(rec_fd, fds.record == RP_IPC_RECORD_INPUT);
		if (ch->rec == NULL) {
			close(rec_fd);
			return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
			    "cannot record the session");
		}
	}
	if (fds.agent >= 0 && !listen_session_add(w, ch, LISTENER_AGENT, &fds.agent, 1, 0)) {
		close(fds.agent);
		rp_warn("channel %u: too many listeners; no agent forwarding", ch->local_id);
	}
	if (fds.x11_nfds > 0 && !listen_session_add(w, ch, LISTENER_X11, fds.x11,
	    fds.x11_nfds, s->x11_single)) {
		for (size_t i = 0; i < fds.x11_nfds; i++)
			close(fds.x11[i]);
		rp_warn("channel %u: too many listeners; no X11 forwarding", ch->local_id);
	}
	if (kind == RP_SESSION_SHELL)
		snprintf(ch->target, sizeof(ch->target), "%s", s->pty ? "shell (pty)" : "shell");
	else
		rp_log_escape(CBS_data(&command), CBS_len(&command), ch->target,
		    sizeof(ch->target));
	session_setup_free(ch->setup);
	ch->setup = NULL;
	w->status_dirty = 1;
	*ok = 1;
	return 1;
}

/* window-change, signal, break: for the running session's process. */
static int
request_control(struct worker *w, struct channel *ch, const char *type, CBS *msg, int *ok)
{
	struct rp_ipc_session_control c;

	memset(&c, 0, sizeof(c));
	c.session = ch->session_no;
	if (strcmp(type, "window-change") == 0) {
		c.op = RP_CONTROL_RESIZE;
		if (!CBS_get_u32(msg, &c.cols) || !CBS_get_u32(msg, &c.rows) ||
		    !CBS_get_u32(msg, &c.width_px) || !CBS_get_u32(msg, &c.height_px) ||
		    CBS_len(msg) != 0)
			return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "malformed window-change");
		if (!ch->started) {
			/* Before the session starts, it changes the pty asked for. */
			if (ch->setup != NULL && ch->setup->pty) {
				ch->setup->cols = c.cols;
				ch->setup->rows = c.rows;
				ch->setup->width_px = c.width_px;
				ch->setup->height_px = c.height_px;
				*ok = 1;
			}
			return 1;
		}
		if (!ch->pty)
			return 1;
		if (ch->rec != NULL)
			recording_resize(ch->rec, c.cols, c.rows);
	} else if (strcmp(type, "signal") == 0) {
		c.op = RP_CONTROL_SIGNAL;
		if (!ssh_get_name(msg, c.signame, sizeof(c.signame), 0) || CBS_len(msg) != 0)
			return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "malformed signal request");
		if (!ch->started || ch->exited)
			return 1;
	} else {
		c.op = RP_CONTROL_BREAK;
		if (!CBS_get_u32(msg, &c.break_ms) || CBS_len(msg) != 0)
			return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "malformed break request");
		/* RFC 4335: success only where a break can be sent: a pty. */
		if (!ch->started || !ch->pty || ch->exited)
			return 1;
	}
	if (!ch->exited && !mc_session_control(&w->mc, &c))
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
		    "monitor unavailable");
	*ok = 1;
	return 1;
}

/* x11-req (RFC 4254 6.3.1): its fields, checked here so that a bad one
 * is refused before the monitor is asked. 1 with setup filled, 0 when
 * malformed (the connection ends), -1 when unusable (refused). */
static int
parse_x11_req(CBS *msg, struct session_setup *setup)
{
	CBS proto, cookie;
	int single;
	uint32_t screen;

	if (!ssh_get_bool(msg, &single) || !ssh_get_string(msg, &proto) ||
	    !ssh_get_string(msg, &cookie) || !CBS_get_u32(msg, &screen) || CBS_len(msg) != 0)
		return 0;
	if (!rp_ipc_valid_x11_proto(&proto) || !rp_ipc_valid_x11_cookie(&cookie) ||
	    screen > RP_IPC_MAX_X11_SCREEN)
		return -1;
	if (setup == NULL)
		return 1;
	setup->x11_single = single;
	memcpy(setup->x11_proto, CBS_data(&proto), CBS_len(&proto));
	setup->x11_proto[CBS_len(&proto)] = '\0';
	memcpy(setup->x11_cookie, CBS_data(&cookie), CBS_len(&cookie));
	setup->x11_cookie[CBS_len(&cookie)] = '\0';
	setup->x11_screen = screen;
	return 1;
}

/* auth-agent-req@openssh.com and x11-req: asked for before the session
 * starts, set up by the monitor when it does. */
static int
request_forwarding(struct worker *w, struct channel *ch, uint8_t what, const char *type,
    CBS *msg, int *ok)
{
	struct session_setup x11;
	CBS none;
	int r;

	if (what == RP_CHECK_AGENT && CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed auth-agent-req");
	memset(&x11, 0, sizeof(x11));
	if (what == RP_CHECK_X11) {
		if ((r = parse_x11_req(msg, &x11)) == 0)
			return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "malformed x11-req");
		if (r < 0) {
			rp_info("channel %u: x11-req refused: unusable authentication "
			    "protocol, cookie or screen", ch->local_id);
			return 1;
		}
	}
	/* One x11-req per session, as with sshd. */
	if (ch->setup == NULL || ch->started || (what == RP_CHECK_X11 && ch->setup->x11))
		return 1;
	CBS_init(&none, NULL, 0);
	if ((r = check(w, ch, what, none, type)) <= 0)
		return r == 0;
	if (what == RP_CHECK_AGENT) {
		ch->setup->agent = 1;
	} else {
		ch->setup->x11 = 1;
		ch->setup->x11_single = x11.x11_single;
		memcpy(ch->setup->x11_proto, x11.x11_proto, sizeof(x11.x11_proto));
		memcpy(ch->setup->x11_cookie, x11.x11_cookie, sizeof(x11.x11_cookie));
		ch->setup->x11_screen = x11.x11_screen;
	}
	rp_wipe(x11.x11_cookie, sizeof(x11.x11_cookie));
	*ok = 1;
	return 1;
}

int
session_request(struct worker *w, struct channel *ch, const char *type, CBS *msg, int *ok)
{
	*ok = 0;
	if (strcmp(type, "pty-req") == 0)
		return request_pty(w, ch, msg, ok);
	if (strcmp(type, "env") == 0)
		return request_env(w, ch, msg, ok);
	if (strcmp(type, "shell") == 0)
		return request_start(w, ch, RP_SESSION_SHELL, msg, ok);
	if (strcmp(type, "exec") == 0)
		return request_start(w, ch, RP_SESSION_EXEC, msg, ok);
	if (strcmp(type, "subsystem") == 0)
		return request_start(w, ch, RP_SESSION_SUBSYSTEM, msg, ok);
	if (strcmp(type, "window-change") == 0 || strcmp(type, "signal") == 0 ||
	    strcmp(type, "break") == 0)
		return request_control(w, ch, type, msg, ok);
	if (strcmp(type, "auth-agent-req@openssh.com") == 0)
		return request_forwarding(w, ch, RP_CHECK_AGENT, type, msg, ok);
	if (strcmp(type, "x11-req") == 0)
		return request_forwarding(w, ch, RP_CHECK_X11, type, msg, ok);
	/* keepalive@openssh.com wants any answer; xon-xoff is the server's to
	 * send (RFC 4254 6.8), not the client's. */
	rp_debug("channel %u: %s request refused", ch->local_id, type);
	return 1;
}

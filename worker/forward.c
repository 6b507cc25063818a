/*
 * worker/forward.c: direct-tcpip channels (RFC 4254 7.2): what ssh -L, -W,
 * -J and -D open. The monitor decides and connects; the worker asks
 * without waiting (the answer can take up to the policy's connect-timeout)
 * and confirms or refuses the channel when the answer comes, serving its
 * other channels meanwhile.
 *
 * Unix-socket forwarding (OpenSSH's direct-streamlocal and
 * streamlocal-forward) is refused, by the monitor, so that the refusal is
 * audited.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "worker/server.h"

int
forward_open(struct worker *w, uint32_t sender, uint32_t window, uint32_t maxpacket, CBS *msg)
{
	struct rp_ipc_forward_open req;
	struct channel *ch;
	uint32_t port, orig_port;
	int r;

	memset(&req, 0, sizeof(req));
	if (!ssh_get_name(msg, req.host, sizeof(req.host), 0) || !CBS_get_u32(msg, &port) ||
	    !ssh_get_text(msg, req.orig_addr, sizeof(req.orig_addr)) ||
	    !CBS_get_u32(msg, &orig_port) || CBS_len(msg) != 0 || maxpacket == 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed direct-tcpip CHANNEL_OPEN");
	if (port == 0 || port > 65535)
		return channel_send_open_failure(w, sender, SSH_OPEN_CONNECT_FAILED,
		    "invalid port");
	/* The originator is only logged; keep it printable for the IPC. */
	for (char *p = req.orig_addr; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			*p = '?';
	req.port = port;
	req.orig_port = orig_port;
	if ((ch = channel_alloc(w, CHANNEL_DIRECT_TCPIP)) == NULL)
		return channel_send_open_failure(w, sender, SSH_OPEN_RESOURCE_SHORTAGE,
		    "too many channels");
	ch->remote_id = sender;
	rp_window_init(&ch->win, CHANNEL_WINDOW, window, maxpacket);
	r = mc_forward_open(&w->mc, &req, &ch->open_request);
	if (r <= 0) {
		channel_release(w, ch);
		if (r < 0)
			return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
			    "monitor unavailable");
		return channel_send_open_failure(w, sender, SSH_OPEN_RESOURCE_SHORTAGE,
		    "too many channels being opened");
	}
	ch->opening = 1;
	if (snprintf(ch->target, sizeof(ch->target), "%.200s:%u", req.host, port) < 0)
		ch->target[0] = '\0';
	return 1;
}

int
forward_result(struct worker *w, struct mc_event *ev)
{
	struct channel *ch = NULL;

	for (size_t i = 0; i < w->max_channels; i++) {
		if (w->ch[i].in_use && w->ch[i].opening && w->ch[i].open_request == ev->request) {
			ch = &w->ch[i];
			break;
		}
	}
	if (ch == NULL) {
		/* Cannot happen: a channel being opened is only released
		 * here. Close what came. */
		for (int i = 0; i < 2; i++)
			if (ev->fds[i] >= 0)
				close(ev->fds[i]);
		return 1;
	}
	ch->opening = 0;
	if (!ev->ok) {
		uint32_t remote = ch->remote_id;

		rp_info("channel %u: direct-tcpip to %s refused: %s", ch->local_id, ch->target,
		    ev->message);
		channel_release(w, ch);
		return channel_send_open_failure(w, remote, ev->reason, ev->message);
	}
	ch->socket = 1;
	channel_attach(ch, ev->fds[1], ev->fds[0], -1);
	rp_debug("channel %u: direct-tcpip to %s (%s)", ch->local_id, ch->target, ev->message);
	return channel_send_open_confirmation(w, ch);
}

/* Ask the monitor (which audits the refusal) about a streamlocal path. 0:
 * the connection must end; otherwise *why says why not. */
static int
streamlocal_check(struct worker *w, uint8_t what, const char *path, char *why, size_t whysz)
{
	CBS name;
	int r;

	CBS_init(&name, (const uint8_t *)path, strlen(path));
	r = mc_session_check(&w->mc, what, name, why, whysz);
	if (r < 0)
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
		    "monitor unavailable");
	if (r > 0) /* the monitor never allows it; refuse anyway */
		snprintf(why, whysz, "Unix socket forwarding is not supported");
	return 1;
}

int
streamlocal_refuse(struct worker *w, uint32_t sender, CBS *msg)
{
	char path[RP_IPC_MAX_ENV_NAME + 1], why[256];
	CBS reserved;
	uint32_t reserved_port;

	/* PROTOCOL 2.4: socket path, reserved string, reserved uint32. */
	if (!ssh_get_text(msg, path, sizeof(path)) || path[0] == '\0' ||
	    !ssh_get_string(msg, &reserved) || !CBS_get_u32(msg, &reserved_port) ||
	    CBS_len(msg) != 0)
		return channel_send_open_failure(w, sender, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "Unix socket forwarding is not supported");
	if (!streamlocal_check(w, RP_CHECK_STREAMLOCAL, path, why, sizeof(why)))
		return 0;
	rp_info("direct-streamlocal to %s refused: %s", path, why);
	return channel_send_open_failure(w, sender, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, why);
}

int
streamlocal_listen_refuse(struct worker *w, CBS *msg)
{
	char path[RP_IPC_MAX_ENV_NAME + 1], why[256];

	if (!ssh_get_text(msg, path, sizeof(path)) || path[0] == '\0')
		return 1; /* refused below without asking */
	if (!streamlocal_check(w, RP_CHECK_STREAMLOCAL_LISTEN, path, why, sizeof(why)))
		return 0;
	rp_info("streamlocal-forward on %s refused: %s", path, why);
	return 1;
}

/*
 * worker/listen.c: listening sockets the monitor bound and handed over,
 * and the channels their connections become. tcpip-forward (RFC 4254 7.1,
 * ssh -R): each connection is offered to the client as a forwarded-tcpip
 * channel (RFC 4254 7.2) naming the listener and the originator. A
 * session's agent socket (SSH_AUTH_SOCK, OpenSSH's PROTOCOL 1.8): each
 * connection becomes an auth-agent@openssh.com channel to the client's
 * agent; the socket closes with its session channel. A session's X11
 * display (x11-req, RFC 4254 6.3): each connection becomes an x11 channel
 * to the client's X server, which checks the cookie; the display closes
 * with its session channel, or after one connection when the client asked
 * for a single one.
 *
 * The worker cannot bind or connect anything itself: it asks the monitor
 * (LISTEN_OPEN), which decides and binds; the worker only accepts on what
 * it was given (seccomp allows accept4 for that alone).
 *
 * A connection is accepted only while a channel slot is free and the
 * client is keeping up with our output; otherwise it waits in the
 * kernel's backlog.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "worker/server.h"

/* Connections taken from one listening socket per loop round. */
#define ACCEPT_ROUNDS 4

static void
listener_close(struct listener *l)
{
	for (size_t i = 0; i < l->nfds; i++)
		close(l->fd[i]);
	memset(l, 0, sizeof(*l));
}

void
listeners_free_all(struct worker *w)
{
	for (size_t i = 0; i < MAX_LISTENERS; i++)
		if (w->listeners[i].in_use)
			listener_close(&w->listeners[i]);
}

static int
global_reply(struct worker *w, int ok, int with_port, uint32_t port)
{
	CBB cbb;

	return rp_transport_begin(w->t, &cbb, ok ? SSH_MSG_REQUEST_SUCCESS :
	    SSH_MSG_REQUEST_FAILURE) && (!with_port || CBB_add_u32(&cbb, port)) &&
	    rp_transport_send_cbb(w->t, &cbb);
}

int
listen_session_add(struct worker *w, const struct channel *session,
    enum listener_kind kind, const int *fds, size_t nfds, int single)
{
	if (nfds == 0 || nfds > 2)
		return 0;
	for (size_t i = 0; i < MAX_LISTENERS; i++) {
		struct listener *l = &w->listeners[i];

		if (l->in_use)
			continue;
		memset(l, 0, sizeof(*l));
		l->in_use = 1;
		l->kind = kind;
		l->session_channel = session->local_id;
		l->single = single;
		for (size_t f = 0; f < nfds; f++)
			l->fd[f] = fds[f];
		l->nfds = nfds;
		return 1;
	}
	return 0;
}

void
listeners_channel_gone(struct worker *w, uint32_t local_id)
{
	for (size_t i = 0; i < MAX_LISTENERS; i++)
		if (w->listeners[i].in_use && w->listeners[i].kind != LISTENER_TCPIP &&
		    w->listeners[i].session_channel == local_id)
			listener_close(&w->listeners[i]);
}

int
listen_tcpip_forward(struct worker *w, CBS *msg, int want_reply)
{
	struct rp_ipc_listen req;
	struct mc_listen_reply rep;
	struct listener *l = NULL;
	char reason[256];
	int r;

	memset(&req, 0, sizeof(req));
	if (!ssh_get_name(msg, req.bind, sizeof(req.bind), 1) || !CBS_get_u32(msg, &req.port) ||
	    CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed tcpip-forward request");
	for (size_t i = 0; i < MAX_LISTENERS && l == NULL; i++)
		if (!w->listeners[i].in_use)
			l = &w->listeners[i];
	if (req.port > 65535 || l == NULL) {
		rp_info("tcpip-forward %s:%u refused: %s", req.bind, req.port,
		    l == NULL ? "too many listeners" : "invalid port");
		return !want_reply || global_reply(w, 0, 0, 0);
	}
	r = mc_listen_open(&w->mc, &req, &rep, reason, sizeof(reason));
	if (r < 0)
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
		    "monitor unavailable");
	if (r == 0) {
		rp_info("tcpip-forward %s:%u refused: %s", req.bind, req.port, reason);
		return !want_reply || global_reply(w, 0, 0, 0);
	}
	l->in_use = 1;
	snprintf(l->bind, sizeof(l->bind), "%s", req.bind);
	l->port = rep.port;
	l->nfds = rep.nfds;
	l->fd[0] = rep.fds[0];
	l->fd[1] = rep.fds[1];
	worker_activity(w);
	rp_debug("tcpip-forward %s:%u listening", req.bind, rep.port);
	/* RFC 4254 7.1: the allocated port is sent only when 0 was asked. */
	return !want_reply || global_reply(w, 1, req.port == 0, rep.port);
}

int
listen_cancel_tcpip_forward(struct worker *w, CBS *msg, int want_reply)
{
	struct rp_ipc_listen req;

	memset(&req, 0, sizeof(req));
	if (!ssh_get_name(msg, req.bind, sizeof(req.bind), 1) || !CBS_get_u32(msg, &req.port) ||
	    CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed cancel-tcpip-forward request");
	for (size_t i = 0; i < MAX_LISTENERS; i++) {
		struct listener *l = &w->listeners[i];

		if (!l->in_use || l->kind != LISTENER_TCPIP || l->port != req.port ||
		    strcmp(l->bind, req.bind) != 0)
			continue;
		/* Channels it already opened stay open, as with sshd. */
		listener_close(l);
		mc_listen_report(&w->mc, RP_IPC_LISTEN_CLOSE, &req);
		rp_debug("tcpip-forward %s:%u cancelled", req.bind, req.port);
		return !want_reply || global_reply(w, 1, 0, 0);
	}
	return !want_reply || global_reply(w, 0, 0, 0);
}

static int
free_channel_slot(const struct worker *w)
{
	for (size_t i = 0; i < w->max_channels; i++)
		if (!w->ch[i].in_use)
			return 1;
	return 0;
}

size_t
listeners_poll_fds(struct worker *w, struct pollfd *pfd, size_t max, int *owner)
{
	size_t n = 0;

	if (!free_channel_slot(w) || !rp_transport_can_send_now(w->t) ||
	    rp_transport_pending_output(w->t) >= OUTPUT_HIGH_WATER)
		return 0;
	for (size_t i = 0; i < MAX_LISTENERS; i++) {
		const struct listener *l = &w->listeners[i];

		for (size_t f = 0; l->in_use && f < l->nfds && n < max; f++) {
			pfd[n].fd = l->fd[f];
			pfd[n].events = POLLIN;
			owner[n++] = (int)(i * 2 + f);
		}
	}
	return n;
}

/* The channel for an accepted connection: one socket both ways (the
 * channel closes it when both directions are done), not the client's
 * until it confirms. NULL (the socket closed) when no slot is free. */
static struct channel *
accepted_channel(struct worker *w, enum channel_kind kind, int fd)
{
	struct channel *ch;

	if ((ch = channel_alloc(w, kind)) == NULL) {
		close(fd);
		return NULL;
	}
	ch->fd[SESSION_STDIN] = ch->fd[SESSION_STDOUT] = fd;
	ch->socket = 1;
	ch->opening = 1;
	ch->open_sent = 1;
	worker_activity(w);
	return ch;
}

/* CHANNEL_OPEN of type for ch, up to its type-specific fields. */
static int
open_begin(struct worker *w, CBB *cbb, const char *type, const struct channel *ch)
{
	return rp_transport_begin(w->t, cbb, SSH_MSG_CHANNEL_OPEN) &&
	    ssh_add_cstring(cbb, type) && CBB_add_u32(cbb, ch->local_id) &&
	    CBB_add_u32(cbb, CHANNEL_WINDOW) && CBB_add_u32(cbb, CHANNEL_MAXPACKET);
}

/* A process asked the session's agent socket or connected to its X11
 * display: open a channel to the client's agent (no payload beyond the
 * channel's own fields) or X server (RFC 4254 6.3.2: the originator). */
static int
offer_session(struct worker *w, struct listener *l, int fd, const char *addr, uint16_t port)
{
	struct channel *ch;
	CBB cbb;

	if (l->kind == LISTENER_AGENT) {
		if ((ch = accepted_channel(w, CHANNEL_AGENT, fd)) == NULL)
			return 1;
		snprintf(ch->target, sizeof(ch->target), "agent of channel %u",
		    l->session_channel);
		return open_begin(w, &cbb, "auth-agent@openssh.com", ch) &&
		    rp_transport_send_cbb(w->t, &cbb);
	}
	if ((ch = accepted_channel(w, CHANNEL_X11, fd)) == NULL)
		return 1;
	snprintf(ch->target, sizeof(ch->target), "X11 of channel %u <- %s:%u",
	    l->session_channel, addr, port);
	rp_debug("channel %u: x11 %s", ch->local_id, ch->target);
	return open_begin(w, &cbb, "x11", ch) && ssh_add_cstring(&cbb, addr) &&
	    CBB_add_u32(&cbb, port) && rp_transport_send_cbb(w->t, &cbb);
}

/* The address and port of a peer, for a channel's originator fields. */
static void
peer_name(const struct sockaddr_storage *ss, char *addr, size_t addrsz, uint16_t *port)
{
	addr[0] = '\0';
	*port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, addr, (socklen_t)addrsz);
		*port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, addr, (socklen_t)addrsz);
		*port = ntohs(sin6->sin6_port);
	}
}

/* Offer one connection accepted on a tcpip-forward listener. */
static int
offer(struct worker *w, struct listener *l, int fd, const char *addr, uint16_t port)
{
	struct rp_ipc_listen report;
	struct channel *ch;
	CBB cbb;

	if ((ch = accepted_channel(w, CHANNEL_FORWARDED_TCPIP, fd)) == NULL)
		return 1;
	if (snprintf(ch->target, sizeof(ch->target), "%.100s:%u <- %s:%u",
	    l->bind[0] ? l->bind : "*", l->port, addr, port) < 0)
		ch->target[0] = '\0';
	rp_debug("channel %u: forwarded-tcpip %s", ch->local_id, ch->target);
	memset(&report, 0, sizeof(report));
	snprintf(report.bind, sizeof(report.bind), "%s", l->bind);
	report.port = l->port;
	snprintf(report.orig_addr, sizeof(report.orig_addr), "%s", addr);
	report.orig_port = port;
	mc_listen_report(&w->mc, RP_IPC_LISTEN_ACCEPTED, &report);
	/* RFC 4254 7.2: the address and port that were connected (as the
	 * client asked for them), then the originator. */
	return open_begin(w, &cbb, "forwarded-tcpip", ch) && ssh_add_cstring(&cbb, l->bind) &&
	    CBB_add_u32(&cbb, l->port) && ssh_add_cstring(&cbb, addr) &&
	    CBB_add_u32(&cbb, port) && rp_transport_send_cbb(w->t, &cbb);
}

int
listeners_handle_poll(struct worker *w, const struct pollfd *pfd, size_t n, const int *owner)
{
	for (size_t i = 0; i < n; i++) {
		struct listener *l = &w->listeners[owner[i] / 2];
		size_t f = (size_t)owner[i] % 2;

		if (pfd[i].revents == 0 || !l->in_use || f >= l->nfds || l->fd[f] != pfd[i].fd)
			continue;
		for (int round = 0; round < ACCEPT_ROUNDS && free_channel_slot(w); round++) {
			struct sockaddr_storage ss;
			socklen_t sslen = sizeof(ss);
			char addr[INET6_ADDRSTRLEN];
			uint16_t port;
			int fd;

			memset(&ss, 0, sizeof(ss));
			fd = accept4(l->fd[f], (struct sockaddr *)&ss, &sslen,
			    SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
				    errno != ECONNABORTED)
					rp_warn("listener %s:%u: accept: %s",
					    l->kind == LISTENER_AGENT ? "agent" :
					    l->kind == LISTENER_X11 ? "x11" : l->bind, l->port,
					    strerror(errno));
				break;
			}
			peer_name(&ss, addr, sizeof(addr), &port);
			if (!(l->kind == LISTENER_TCPIP ? offer(w, l, fd, addr, port) :
			    offer_session(w, l, fd, addr, port)))
				return 0;
			/* x11-req's single connection: the display closes now. */
			if (l->kind == LISTENER_X11 && l->single) {
				listener_close(l);
				break;
			}
		}
	}
	return 1;
}

/*
 * worker/channels.c: the connection protocol (RFC 4254) for channels of
 * every kind, and the data pump between the client and each channel's
 * descriptors: a session's pipes or pty master, a forwarded socket.
 * What is particular to sessions is in worker/session.c.
 *
 * Flow control both ways: output is read from a session only while the
 * client's window has room and the transport's queue is below its high
 * water mark; input is buffered up to the window we granted and credited
 * back (WINDOW_ADJUST) only as it drains into the process.
 *
 * End of a session: remaining output, then EOF, exit-status (or
 * exit-signal), and CLOSE, once the process has ended and both its stdout
 * and stderr reached end of file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "worker/server.h"

/* Reads per descriptor per loop round, so one busy session cannot starve
 * the others or the client's input. */
#define PUMP_ROUNDS 8

static struct channel *
find_channel(struct worker *w, uint32_t id)
{
	/* A channel being opened is not the client's yet (RFC 4254 5.1). */
	if (id >= w->max_channels || !w->ch[id].in_use || w->ch[id].opening)
		return NULL;
	return &w->ch[id];
}

/* Parse the recipient channel; a message for a channel that is not open
 * ends the connection (RFC 4254 does not allow it). */
static struct channel *
recipient(struct worker *w, CBS *msg)
{
	uint32_t id;
	struct channel *ch;

	if (!CBS_get_u32(msg, &id) || (ch = find_channel(w, id)) == NULL) {
		server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "message for a channel that is not open");
		return NULL;
	}
	return ch;
}

/* A socket may sit in two slots (stdin and stdout): it is closed when the
 * last one lets go. */
static void
close_fd(struct channel *ch, enum session_fd which)
{
	int fd = ch->fd[which];

	if (fd < 0)
		return;
	ch->fd[which] = -1;
	for (int i = 0; i < SESSION_NFDS; i++)
		if (ch->fd[i] == fd)
			return;
	close(fd);
}

/* Nobody will read the session's stdin any more: drop what is buffered and
 * give its window back, so the client never stalls on it. */
static void
drop_stdin(struct channel *ch)
{
	rp_window_drained(&ch->win, rp_buf_len(&ch->stdin_buf));
	rp_buf_consume(&ch->stdin_buf, rp_buf_len(&ch->stdin_buf));
	close_fd(ch, SESSION_STDIN);
}

static void
release(struct channel *ch)
{
	if (ch->rec != NULL)
		recording_end(ch->rec);
	session_setup_free(ch->setup);
	for (int i = 0; i < SESSION_NFDS; i++)
		close_fd(ch, (enum session_fd)i);
	rp_buf_free(&ch->stdin_buf);
	memset(ch, 0, sizeof(*ch));
	for (int i = 0; i < SESSION_NFDS; i++)
		ch->fd[i] = -1;
}

void
channel_release(struct worker *w, struct channel *ch)
{
	if (ch->kind == CHANNEL_SESSION)
		listeners_channel_gone(w, ch->local_id);
	release(ch);
	w->status_dirty = 1;
}

void
channels_free_all(struct worker *w)
{
	for (size_t i = 0; i < w->max_channels; i++)
		if (w->ch[i].in_use)
			release(&w->ch[i]);
}

struct channel *
channel_alloc(struct worker *w, enum channel_kind kind)
{
	for (size_t i = 0; i < w->max_channels; i++) {
		struct channel *ch = &w->ch[i];

		if (ch->in_use)
			continue;
		memset(ch, 0, sizeof(*ch));
		ch->in_use = 1;
		ch->kind = kind;
		ch->local_id = (uint32_t)i;
		for (int f = 0; f < SESSION_NFDS; f++)
			ch->fd[f] = -1;
		/* The client cannot send more than the window we grant. */
		rp_buf_init(&ch->stdin_buf, CHANNEL_WINDOW);
		w->status_dirty = 1;
		return ch;
	}
	return NULL;
}

void
channel_attach(struct channel *ch, int in, int out, int err)
{
	ch->fd[SESSION_STDIN] = in;
	ch->fd[SESSION_STDOUT] = out;
	ch->fd[SESSION_STDERR] = err;
	ch->started = 1;
}

int
channel_global_reply(struct worker *w, CBS *msg)
{
	(void)msg;
	/* Only keep-alive probes ask for a global reply; any answer, success
	 * or failure, shows the client is alive. */
	w->keepalive_missed = 0;
	return 1;
}

void
channels_status(const struct worker *w, struct rp_ipc_status *st)
{
	st->nchannels = 0;
	static const char *const kinds[] = { "session", "direct-tcpip", "forwarded-tcpip",
		"auth-agent@openssh.com", "x11" };

	for (size_t i = 0; i < w->max_channels && st->nchannels < RP_IPC_MAX_STATUS_CHANNELS;
	    i++) {
		const struct channel *ch = &w->ch[i];
		struct rp_ipc_status_channel *out;

		if (!ch->in_use)
			continue;
		out = &st->channels[st->nchannels++];
		out->id = ch->local_id;
		CBS_init(&out->type, (const uint8_t *)kinds[ch->kind], strlen(kinds[ch->kind]));
		CBS_init(&out->target, (const uint8_t *)ch->target, strlen(ch->target));
		out->bytes_in = ch->bytes_in;
		out->bytes_out = ch->bytes_out;
	}
}

int
channel_global_request(struct worker *w, CBS *msg)
{
	char name[RP_IPC_MAX_NAME];
	int want_reply;
	CBB cbb;

	if (!ssh_get_name(msg, name, sizeof(name), 0) || !ssh_get_bool(msg, &want_reply))
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed GLOBAL_REQUEST");
	worker_activity(w);
	if (strcmp(name, "tcpip-forward") == 0)
		return listen_tcpip_forward(w, msg, want_reply);
	if (strcmp(name, "cancel-tcpip-forward") == 0)
		return listen_cancel_tcpip_forward(w, msg, want_reply);
	if (strcmp(name, "hostkeys-prove-00@openssh.com") == 0)
		return hostkeys_prove(w, msg, want_reply);
	if (strcmp(name, "streamlocal-forward@openssh.com") == 0 &&
	    !streamlocal_listen_refuse(w, msg))
		return 0;
	/* OpenSSH's promise that no further sessions will be opened: hold it
	 * to that (PROTOCOL 2.2). */
	if (strcmp(name, "no-more-sessions@openssh.com") == 0)
		w->no_more_sessions = 1;
	else
		rp_debug("global request %s refused", name);
	if (!want_reply)
		return 1;
	return rp_transport_begin(w->t, &cbb, SSH_MSG_REQUEST_FAILURE) &&
	    rp_transport_send_cbb(w->t, &cbb);
}

int
channel_send_open_failure(struct worker *w, uint32_t sender, uint32_t code, const char *text)
{
	CBB cbb;

	return rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_OPEN_FAILURE) &&
	    CBB_add_u32(&cbb, sender) && CBB_add_u32(&cbb, code) &&
	    ssh_add_cstring(&cbb, text) && ssh_add_cstring(&cbb, "") &&
	    rp_transport_send_cbb(w->t, &cbb);
}

int
channel_send_open_confirmation(struct worker *w, struct channel *ch)
{
	CBB cbb;

	return rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_OPEN_CONFIRMATION) &&
	    CBB_add_u32(&cbb, ch->remote_id) && CBB_add_u32(&cbb, ch->local_id) &&
	    CBB_add_u32(&cbb, CHANNEL_WINDOW) && CBB_add_u32(&cbb, CHANNEL_MAXPACKET) &&
	    rp_transport_send_cbb(w->t, &cbb);
}

/* A channel we opened and the client has not answered yet. */
static struct channel *
opened_by_us(struct worker *w, CBS *msg)
{
	uint32_t id;

	if (!CBS_get_u32(msg, &id) || id >= w->max_channels || !w->ch[id].in_use ||
	    !w->ch[id].opening || !w->ch[id].open_sent) {
		server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "answer to a channel open that was not sent");
		return NULL;
	}
	return &w->ch[id];
}

int
channel_open_confirmation(struct worker *w, CBS *msg)
{
	struct channel *ch;
	uint32_t sender, window, maxpacket;

	if ((ch = opened_by_us(w, msg)) == NULL)
		return 0;
	/* Channel types we open carry nothing more in the confirmation. */
	if (!CBS_get_u32(msg, &sender) || !CBS_get_u32(msg, &window) ||
	    !CBS_get_u32(msg, &maxpacket) || CBS_len(msg) != 0 || maxpacket == 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed CHANNEL_OPEN_CONFIRMATION");
	ch->remote_id = sender;
	rp_window_init(&ch->win, CHANNEL_WINDOW, window, maxpacket);
	ch->opening = 0;
	ch->started = 1;
	worker_activity(w);
	return 1;
}

int
channel_open_failure(struct worker *w, CBS *msg)
{
	struct channel *ch;
	uint32_t code;
	char text[256];

	if ((ch = opened_by_us(w, msg)) == NULL)
		return 0;
	if (!CBS_get_u32(msg, &code) || !ssh_get_text(msg, text, sizeof(text)))
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed CHANNEL_OPEN_FAILURE");
	rp_info("channel %u: %s refused by the client (%u): %s", ch->local_id, ch->target, code,
	    text);
	channel_release(w, ch);
	return 1;
}

int
channel_open(struct worker *w, CBS *msg)
{
	char type[RP_IPC_MAX_NAME];
	uint32_t sender, window, maxpacket;

	if (!ssh_get_name(msg, type, sizeof(type), 0) || !CBS_get_u32(msg, &sender) ||
	    !CBS_get_u32(msg, &window) || !CBS_get_u32(msg, &maxpacket))
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed CHANNEL_OPEN");
	worker_activity(w);
	if (strcmp(type, "session") == 0)
		return session_open(w, sender, window, maxpacket, msg);
	if (strcmp(type, "direct-tcpip") == 0)
		return forward_open(w, sender, window, maxpacket, msg);
	if (strcmp(type, "direct-streamlocal@openssh.com") == 0)
		return streamlocal_refuse(w, sender, msg);
	rp_info("refused channel type %s", type);
	return channel_send_open_failure(w, sender, SSH_OPEN_UNKNOWN_CHANNEL_TYPE,
	    "channel type not supported");
}

int
channel_request(struct worker *w, CBS *msg)
{
	struct channel *ch;
	char type[RP_IPC_MAX_NAME];
	int want_reply, ok = 0;
	CBB cbb;

	if ((ch = recipient(w, msg)) == NULL)
		return 0;
	if (!ssh_get_name(msg, type, sizeof(type), 0) || !ssh_get_bool(msg, &want_reply))
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed CHANNEL_REQUEST");
	worker_activity(w);
	if (ch->kind == CHANNEL_SESSION) {
		if (!session_request(w, ch, type, msg, &ok))
			return 0;
	} else {
		rp_debug("channel %u: %s request refused", ch->local_id, type);
	}
	if (!want_reply || ch->close_sent)
		return 1;
	return rp_transport_begin(w->t, &cbb, ok ? SSH_MSG_CHANNEL_SUCCESS :
	    SSH_MSG_CHANNEL_FAILURE) && CBB_add_u32(&cbb, ch->remote_id) &&
	    rp_transport_send_cbb(w->t, &cbb);
}

int
channel_data(struct worker *w, CBS *msg, int extended)
{
	struct channel *ch;
	uint32_t code;
	CBS data;

	if ((ch = recipient(w, msg)) == NULL)
		return 0;
	if ((extended && !CBS_get_u32(msg, &code)) || !ssh_get_string(msg, &data) ||
	    CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed CHANNEL_DATA");
	/* RFC 4254 5.2: no data packet beyond the maximum we announced. */
	if (CBS_len(&data) > CHANNEL_MAXPACKET)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "channel data larger than the maximum packet size");
	if (!rp_window_received(&ch->win, CBS_len(&data)))
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "channel window exceeded");
	ch->bytes_in += CBS_len(&data);
	worker_activity(w);
	/* Data nobody will read (extended data from a client, data after the
	 * process closed its stdin or after EOF, data before a session
	 * started) is dropped and its window given back, so the client never
	 * stalls on it. */
	if (extended || ch->eof_rcvd || ch->fd[SESSION_STDIN] < 0) {
		rp_window_drained(&ch->win, CBS_len(&data));
		return 1;
	}
	if (ch->rec != NULL)
		recording_input(ch->rec, CBS_data(&data), CBS_len(&data));
	if (!rp_buf_append(&ch->stdin_buf, CBS_data(&data), CBS_len(&data)))
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
	return 1;
}

/* No more input for the descriptor: a socket is half-closed so the target
 * sees end of file while its answer can still come back; a pipe is
 * closed. A pty is left open: it is also the session's output, and a
 * terminal has no end of file of its own. */
static void
input_done(struct channel *ch)
{
	if (ch->fd[SESSION_STDIN] < 0 || ch->pty)
		return;
	if (ch->socket)
		(void)shutdown(ch->fd[SESSION_STDIN], SHUT_WR);
	close_fd(ch, SESSION_STDIN);
}

int
channel_eof(struct worker *w, CBS *msg)
{
	struct channel *ch;

	if ((ch = recipient(w, msg)) == NULL)
		return 0;
	if (CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed CHANNEL_EOF");
	ch->eof_rcvd = 1;
	if (rp_buf_len(&ch->stdin_buf) == 0)
		input_done(ch);
	return 1;
}

static int
send_close(struct worker *w, struct channel *ch)
{
	CBB cbb;

	ch->close_sent = 1;
	return rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_CLOSE) &&
	    CBB_add_u32(&cbb, ch->remote_id) && rp_transport_send_cbb(w->t, &cbb);
}

int
channel_close(struct worker *w, CBS *msg)
{
	struct channel *ch;

	if ((ch = recipient(w, msg)) == NULL)
		return 0;
	if (CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed CHANNEL_CLOSE");
	ch->close_rcvd = 1;
	ch->eof_rcvd = 1;
	if (!ch->close_sent && !send_close(w, ch))
		return 0;
	/* Data the client sent just before its CLOSE (often in the same
	 * read) is still delivered: the channel is released once it is
	 * written (channels_progress). */
	if (rp_buf_len(&ch->stdin_buf) > 0 && ch->fd[SESSION_STDIN] >= 0)
		return 1;
	/* Both sides closed: the channel number may be reused. The process,
	 * if still running, sees its pipes close (or its terminal hang up);
	 * a forwarded socket is closed. */
	channel_release(w, ch);
	return 1;
}

int
channel_window_adjust(struct worker *w, CBS *msg)
{
	struct channel *ch;
	uint32_t n;

	if ((ch = recipient(w, msg)) == NULL)
		return 0;
	if (!CBS_get_u32(msg, &n) || CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed WINDOW_ADJUST");
	if (!rp_window_peer_adjust(&ch->win, n))
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "channel window overflow");
	return 1;
}

int
channel_reply_ignored(struct worker *w, CBS *msg)
{
	/* We send no channel requests that want a reply; a stray answer
	 * for an open channel is harmless. */
	return recipient(w, msg) != NULL;
}

int
channels_session_exited(struct worker *w, const struct rp_ipc_session_exited *ev)
{
	for (size_t i = 0; i < w->max_channels; i++) {
		struct channel *ch = &w->ch[i];

		if (ch->in_use && ch->kind == CHANNEL_SESSION && ch->started && !ch->exited &&
		    ch->session_no == ev->session) {
			ch->exited = 1;
			ch->exit = *ev;
			drop_stdin(ch);
			if (ch->pty)
				ch->drain_until_ms = worker_now_ms() + PTY_DRAIN_MS;
			return 1;
		}
	}
	/* The channel was closed before the process ended. */
	return 1;
}

size_t
channels_poll_fds(struct worker *w, struct pollfd *pfd, size_t max, int *owner)
{
	int can_send = rp_transport_can_send_now(w->t) &&
	    rp_transport_pending_output(w->t) < OUTPUT_HIGH_WATER;
	size_t n = 0;

	for (size_t i = 0; i < w->max_channels && n + SESSION_NFDS <= max; i++) {
		struct channel *ch = &w->ch[i];

		if (!ch->in_use || !ch->started)
			continue;
		for (int f = SESSION_STDOUT; f <= SESSION_STDERR; f++) {
			if (ch->fd[f] >= 0 && can_send && ch->win.remote > 0 && !ch->close_sent) {
				pfd[n].fd = ch->fd[f];
				pfd[n].events = POLLIN;
				owner[n++] = (int)i * SESSION_NFDS + f;
			}
		}
		if (ch->fd[SESSION_STDIN] >= 0 && rp_buf_len(&ch->stdin_buf) > 0) {
			pfd[n].fd = ch->fd[SESSION_STDIN];
			pfd[n].events = POLLOUT;
			owner[n++] = (int)i * SESSION_NFDS + SESSION_STDIN;
		}
	}
	return n;
}

/* The output side of a channel reached its end: read error, end of
 * file, or (pty) the terminal hung up. */
static void
output_done(struct channel *ch, enum session_fd which)
{
	close_fd(ch, which);
	/* A pty's two descriptors are one terminal: when it has no more
	 * output nothing can be written to it either. */
	if (ch->pty) {
		rp_window_drained(&ch->win, rp_buf_len(&ch->stdin_buf));
		rp_buf_consume(&ch->stdin_buf, rp_buf_len(&ch->stdin_buf));
		close_fd(ch, SESSION_STDIN);
	}
}

/* A pty in packet mode reported its flow control switched on or off
 * (the process set or cleared IXON, with ^S/^Q as the characters): tell
 * the client it may, or may no longer, handle ^S/^Q itself (RFC 4254 6.8,
 * as rlogind did). */
static int
pty_status(struct worker *w, struct channel *ch, uint8_t status)
{
	CBB cbb;

	if (!(status & (TIOCPKT_DOSTOP | TIOCPKT_NOSTOP)))
		return 1;
	return rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_REQUEST) &&
	    CBB_add_u32(&cbb, ch->remote_id) && ssh_add_cstring(&cbb, "xon-xoff") &&
	    ssh_add_bool(&cbb, 0) && ssh_add_bool(&cbb, (status & TIOCPKT_DOSTOP) != 0) &&
	    rp_transport_send_cbb(w->t, &cbb);
}

/* Move a descriptor's output into CHANNEL_DATA (stderr: EXTENDED_DATA)
 * packets, read straight into the output queue. */
static int
pump_output(struct worker *w, struct channel *ch, enum session_fd which)
{
	int ext = which == SESSION_STDERR;
	size_t hdr = 1 + 4 + (ext ? 4 : 0) + 4;
	/* A pty master is in packet mode (monitor/session_spawn.c): each
	 * read starts with a status byte, read into the header's last byte,
	 * which is written after the read. */
	size_t lead = ch->pty ? 1 : 0;

	for (int round = 0; round < PUMP_ROUNDS && ch->fd[which] >= 0; round++) {
		size_t want;
		uint8_t *p;
		ssize_t r;
		CBB cbb;

		if (!rp_transport_can_send_now(w->t) ||
		    rp_transport_pending_output(w->t) >= OUTPUT_HIGH_WATER)
			break;
		if ((want = rp_window_sendable(&ch->win, CHANNEL_MAXPACKET)) == 0)
			break;
		if ((p = rp_transport_data_reserve(w->t, hdr + want)) == NULL)
			return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
			    "output queue full");
		do {
			r = read(ch->fd[which], p + hdr - lead, want + lead);
		} while (r < 0 && errno == EINTR);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r <= 0) {
			/* EIO from a pty master: every process closed the
			 * terminal. */
			if (r < 0 && !(ch->pty && errno == EIO))
				rp_debug("channel %u: read: %s", ch->local_id, strerror(errno));
			output_done(ch, which);
			break;
		}
		if (lead) {
			uint8_t status = p[hdr - 1];

			r--;
			if (status != TIOCPKT_DATA) {
				/* A status alone, without data. */
				if (!pty_status(w, ch, status))
					return 0;
				continue;
			}
			if (r == 0)
				continue;
		}
		if (!CBB_init_fixed(&cbb, p, hdr) ||
		    !CBB_add_u8(&cbb, ext ? SSH_MSG_CHANNEL_EXTENDED_DATA : SSH_MSG_CHANNEL_DATA) ||
		    !CBB_add_u32(&cbb, ch->remote_id) ||
		    (ext && !CBB_add_u32(&cbb, SSH_EXTENDED_DATA_STDERR)) ||
		    !CBB_add_u32(&cbb, (uint32_t)r) || !CBB_finish(&cbb, NULL, NULL))
			return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
			    "cannot queue channel data");
		if (ch->rec != NULL)
			recording_output(ch->rec, p + hdr, (size_t)r);
		if (!rp_transport_data_commit(w->t, hdr + (size_t)r))
			return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
			    "cannot queue channel data");
		rp_window_sent(&ch->win, (size_t)r);
		ch->bytes_out += (uint64_t)r;
		if (ch->exited)
			ch->drain_until_ms = worker_now_ms() + PTY_DRAIN_MS;
		worker_activity(w);
		if ((size_t)r < want)
			break; /* the descriptor is empty for now */
	}
	return 1;
}

/* Write buffered client data into the channel's input descriptor. */
static void
pump_input(struct channel *ch)
{
	while (rp_buf_len(&ch->stdin_buf) > 0 && ch->fd[SESSION_STDIN] >= 0) {
		ssize_t r = write(ch->fd[SESSION_STDIN], rp_buf_ptr(&ch->stdin_buf),
		    rp_buf_len(&ch->stdin_buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ch->stdin_blocked = 1;
			return;
		}
		if (r <= 0) {
			/* The process closed its stdin, or the target reset. */
			drop_stdin(ch);
			return;
		}
		rp_buf_consume(&ch->stdin_buf, (size_t)r);
		rp_window_drained(&ch->win, (size_t)r);
	}
	if (ch->eof_rcvd && rp_buf_len(&ch->stdin_buf) == 0)
		input_done(ch);
}

int
channels_handle_poll(struct worker *w, const struct pollfd *pfd, size_t n, const int *owner)
{
	for (size_t i = 0; i < n; i++) {
		struct channel *ch = &w->ch[owner[i] / SESSION_NFDS];
		enum session_fd which = (enum session_fd)(owner[i] % SESSION_NFDS);

		if (pfd[i].revents == 0 || !ch->in_use || ch->fd[which] != pfd[i].fd)
			continue;
		if (which == SESSION_STDIN) {
			ch->stdin_blocked = 0;
			pump_input(ch);
		} else if (!pump_output(w, ch, which))
			return 0;
	}
	return 1;
}

static int
send_exit(struct worker *w, struct channel *ch)
{
	CBB cbb;

	if (!rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_REQUEST) ||
	    !CBB_add_u32(&cbb, ch->remote_id))
		return 0;
	if (ch->exit.signalled) {
		if (!ssh_add_cstring(&cbb, "exit-signal") || !ssh_add_bool(&cbb, 0) ||
		    !ssh_add_cstring(&cbb, ch->exit.signame) ||
		    !ssh_add_bool(&cbb, ch->exit.core_dumped) || !ssh_add_cstring(&cbb, "") ||
		    !ssh_add_cstring(&cbb, ""))
			return 0;
	} else if (!ssh_add_cstring(&cbb, "exit-status") || !ssh_add_bool(&cbb, 0) ||
	    !CBB_add_u32(&cbb, ch->exit.status)) {
		return 0;
	}
	return rp_transport_send_cbb(w->t, &cbb);
}

static int
send_eof(struct worker *w, struct channel *ch)
{
	CBB cbb;

	ch->eof_sent = 1;
	return rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_EOF) &&
	    CBB_add_u32(&cbb, ch->remote_id) && rp_transport_send_cbb(w->t, &cbb);
}

/* A session is done once its process ended and all its output is queued:
 * EOF, exit status, CLOSE (RFC 4254 6.10). */
static int
session_finish(struct worker *w, struct channel *ch, uint64_t now)
{
	if (!ch->started || !ch->exited)
		return 1;
	/* A pty whose process ended: what it still holds is read until it
	 * stays quiet for PTY_DRAIN_MS (or hangs up). */
	if (ch->pty && ch->fd[SESSION_STDOUT] >= 0 && now >= ch->drain_until_ms)
		output_done(ch, SESSION_STDOUT);
	if (ch->fd[SESSION_STDOUT] >= 0 || ch->fd[SESSION_STDERR] >= 0)
		return 1;
	if (!ch->eof_sent && !send_eof(w, ch))
		return 0;
	return send_exit(w, ch) && send_close(w, ch);
}

/* A socket channel: EOF when the target's side ended, CLOSE once both
 * directions are done (or the target went away). */
static int
socket_finish(struct worker *w, struct channel *ch)
{
	if (!ch->started)
		return 1;
	if (ch->fd[SESSION_STDOUT] < 0 && !ch->eof_sent && !send_eof(w, ch))
		return 0;
	if (ch->fd[SESSION_STDOUT] < 0 && ch->fd[SESSION_STDIN] < 0)
		return send_close(w, ch);
	return 1;
}

int
channels_progress(struct worker *w)
{
	uint64_t now = worker_now_ms();

	for (size_t i = 0; i < w->max_channels; i++) {
		struct channel *ch = &w->ch[i];
		uint32_t grant;
		CBB cbb;

		if (!ch->in_use)
			continue;
		/* Client data read in this round goes to the descriptor now,
		 * not after another poll() reports it writable: in a bulk
		 * upload or forward that halves the poll() calls per packet.
		 * Once a write would block, POLLOUT decides (stdin_blocked). */
		if (!ch->stdin_blocked && rp_buf_len(&ch->stdin_buf) > 0)
			pump_input(ch);
		if (ch->close_sent) {
			/* Closed both ways: released once the client's last
			 * data is written (or cannot be). */
			if (ch->close_rcvd && (rp_buf_len(&ch->stdin_buf) == 0 ||
			    ch->fd[SESSION_STDIN] < 0))
				channel_release(w, ch);
			continue;
		}
		if ((grant = rp_window_adjust_due(&ch->win)) > 0 &&
		    (!rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_WINDOW_ADJUST) ||
		    !CBB_add_u32(&cbb, ch->remote_id) || !CBB_add_u32(&cbb, grant) ||
		    !rp_transport_send_cbb(w->t, &cbb)))
			return 0;
		if (!(ch->kind == CHANNEL_SESSION ? session_finish(w, ch, now) :
		    socket_finish(w, ch)))
			return 0;
	}
	return 1;
}

int
channels_wait_ms(const struct worker *w, uint64_t now)
{
	int wait = -1;

	for (size_t i = 0; i < w->max_channels; i++) {
		const struct channel *ch = &w->ch[i];
		int ms;

		if (!ch->in_use || !ch->pty || !ch->exited || ch->fd[SESSION_STDOUT] < 0 ||
		    ch->close_sent)
			continue;
		ms = ch->drain_until_ms > now ? (int)(ch->drain_until_ms - now) : 0;
		if (wait < 0 || ms < wait)
			wait = ms;
	}
	return wait;
}

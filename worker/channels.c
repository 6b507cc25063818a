/*
 * worker/channels.c: the connection protocol (RFC 4254) for session
 * channels with `exec`, and the data pump between the client and the
 * session's pipes.
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
#include <string.h>
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
	if (id >= MAX_CHANNELS || !w->ch[id].in_use)
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

static void
close_fd(struct channel *ch, enum session_fd which)
{
	if (ch->fd[which] >= 0) {
		close(ch->fd[which]);
		ch->fd[which] = -1;
	}
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
	for (int i = 0; i < SESSION_NFDS; i++)
		close_fd(ch, (enum session_fd)i);
	rp_buf_free(&ch->stdin_buf);
	memset(ch, 0, sizeof(*ch));
	for (int i = 0; i < SESSION_NFDS; i++)
		ch->fd[i] = -1;
}

void
channels_free_all(struct worker *w)
{
	for (size_t i = 0; i < MAX_CHANNELS; i++)
		if (w->ch[i].in_use)
			release(&w->ch[i]);
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
	for (size_t i = 0; i < MAX_CHANNELS && st->nchannels < RP_IPC_MAX_STATUS_CHANNELS; i++) {
		const struct channel *ch = &w->ch[i];
		struct rp_ipc_status_channel *out;

		if (!ch->in_use)
			continue;
		out = &st->channels[st->nchannels++];
		out->id = ch->local_id;
		CBS_init(&out->type, (const uint8_t *)"session", 7);
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
	/* OpenSSH's promise that no further sessions will be opened: hold it
	 * to that (PROTOCOL 2.2). */
	if (strcmp(name, "no-more-sessions@openssh.com") == 0)
		w->no_more_sessions = 1;
	if (!want_reply)
		return 1;
	return rp_transport_begin(w->t, &cbb, SSH_MSG_REQUEST_FAILURE) &&
	    rp_transport_send_cbb(w->t, &cbb);
}

static int
open_failure(struct worker *w, uint32_t sender, uint32_t code, const char *text)
{
	CBB cbb;

	return rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_OPEN_FAILURE) &&
	    CBB_add_u32(&cbb, sender) && CBB_add_u32(&cbb, code) &&
	    ssh_add_cstring(&cbb, text) && ssh_add_cstring(&cbb, "") &&
	    rp_transport_send_cbb(w->t, &cbb);
}

int
channel_open(struct worker *w, CBS *msg)
{
	char type[RP_IPC_MAX_NAME];
	uint32_t sender, window, maxpacket;
	struct channel *ch = NULL;
	CBB cbb;

	if (!ssh_get_name(msg, type, sizeof(type), 0) || !CBS_get_u32(msg, &sender) ||
	    !CBS_get_u32(msg, &window) || !CBS_get_u32(msg, &maxpacket))
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed CHANNEL_OPEN");
	if (strcmp(type, "session") != 0) {
		rp_info("refused channel type %s", type);
		return open_failure(w, sender, SSH_OPEN_UNKNOWN_CHANNEL_TYPE,
		    "channel type not supported");
	}
	if (w->no_more_sessions)
		return open_failure(w, sender, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "no more sessions");
	if (CBS_len(msg) != 0 || maxpacket == 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed session CHANNEL_OPEN");
	for (size_t i = 0; i < MAX_CHANNELS; i++) {
		if (!w->ch[i].in_use) {
			ch = &w->ch[i];
			ch->local_id = (uint32_t)i;
			break;
		}
	}
	if (ch == NULL)
		return open_failure(w, sender, SSH_OPEN_RESOURCE_SHORTAGE, "too many channels");
	ch->in_use = 1;
	ch->remote_id = sender;
	w->status_dirty = 1;
	worker_activity(w);
	for (int i = 0; i < SESSION_NFDS; i++)
		ch->fd[i] = -1;
	rp_window_init(&ch->win, CHANNEL_WINDOW, window, maxpacket);
	/* The client cannot send more than the window we grant. */
	rp_buf_init(&ch->stdin_buf, CHANNEL_WINDOW);
	return rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_OPEN_CONFIRMATION) &&
	    CBB_add_u32(&cbb, ch->remote_id) && CBB_add_u32(&cbb, ch->local_id) &&
	    CBB_add_u32(&cbb, CHANNEL_WINDOW) && CBB_add_u32(&cbb, CHANNEL_MAXPACKET) &&
	    rp_transport_send_cbb(w->t, &cbb);
}

/* exec: ask the monitor to start the command. 1 success, 0 refused, -1 the
 * connection must end. */
static int
request_exec(struct worker *w, struct channel *ch, CBS *msg)
{
	CBS command;
	int fds[SESSION_NFDS];
	char reason[256];
	int r;

	if (!ssh_get_string(msg, &command) || CBS_len(msg) != 0) {
		server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed exec request");
		return -1;
	}
	if (ch->started || CBS_len(&command) > RP_IPC_MAX_COMMAND ||
	    CBS_contains_zero_byte(&command))
		return 0;
	ch->session_no = ++w->next_session;
	r = mc_session_exec(&w->mc, ch->session_no, command, fds, reason, sizeof(reason));
	if (r < 0) {
		server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION, "monitor unavailable");
		return -1;
	}
	if (r == 0) {
		rp_info("exec refused on channel %u: %s", ch->local_id, reason);
		return 0;
	}
	for (int i = 0; i < SESSION_NFDS; i++)
		ch->fd[i] = fds[i];
	ch->started = 1;
	rp_log_escape(CBS_data(&command), CBS_len(&command), ch->target, sizeof(ch->target));
	w->status_dirty = 1;
	return 1;
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
	if (strcmp(type, "exec") == 0) {
		int r = request_exec(w, ch, msg);

		if (r < 0)
			return 0;
		ok = r;
	} else if (strcmp(type, "env") == 0 || strcmp(type, "window-change") == 0 ||
	    strcmp(type, "signal") == 0 || strcmp(type, "break") == 0 ||
	    strcmp(type, "xon-xoff") == 0 || strcmp(type, "keepalive@openssh.com") == 0) {
		rp_debug("channel %u: %s request not supported", ch->local_id, type);
	} else {
		rp_info("channel %u: %s request refused", ch->local_id, type);
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
	 * process closed its stdin or after EOF) is dropped and its window
	 * given back, so the client never stalls on it. */
	if (extended || ch->eof_rcvd || ch->fd[SESSION_STDIN] < 0) {
		rp_window_drained(&ch->win, CBS_len(&data));
		return 1;
	}
	if (!rp_buf_append(&ch->stdin_buf, CBS_data(&data), CBS_len(&data)))
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
	return 1;
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
		close_fd(ch, SESSION_STDIN);
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
	if (!ch->close_sent && !send_close(w, ch))
		return 0;
	/* Both sides closed: the channel number may be reused. The process,
	 * if still running, sees its pipes close. */
	release(ch);
	w->status_dirty = 1;
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
	for (size_t i = 0; i < MAX_CHANNELS; i++) {
		struct channel *ch = &w->ch[i];

		if (ch->in_use && ch->started && !ch->exited && ch->session_no == ev->session) {
			ch->exited = 1;
			ch->exit = *ev;
			drop_stdin(ch);
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

	for (size_t i = 0; i < MAX_CHANNELS && n + SESSION_NFDS <= max; i++) {
		struct channel *ch = &w->ch[i];

		if (!ch->in_use || !ch->started || ch->close_sent)
			continue;
		for (int f = SESSION_STDOUT; f <= SESSION_STDERR; f++) {
			if (ch->fd[f] >= 0 && can_send && ch->win.remote > 0) {
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

/* Move the session's stdout or stderr into CHANNEL_DATA or
 * CHANNEL_EXTENDED_DATA packets, read straight into the output queue. */
static int
pump_output(struct worker *w, struct channel *ch, enum session_fd which)
{
	int ext = which == SESSION_STDERR;
	size_t hdr = 1 + 4 + (ext ? 4 : 0) + 4;

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
			r = read(ch->fd[which], p + hdr, want);
		} while (r < 0 && errno == EINTR);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r <= 0) {
			if (r < 0)
				rp_debug("channel %u: read: %s", ch->local_id, strerror(errno));
			close_fd(ch, which);
			break;
		}
		if (!CBB_init_fixed(&cbb, p, hdr) ||
		    !CBB_add_u8(&cbb, ext ? SSH_MSG_CHANNEL_EXTENDED_DATA : SSH_MSG_CHANNEL_DATA) ||
		    !CBB_add_u32(&cbb, ch->remote_id) ||
		    (ext && !CBB_add_u32(&cbb, SSH_EXTENDED_DATA_STDERR)) ||
		    !CBB_add_u32(&cbb, (uint32_t)r) || !CBB_finish(&cbb, NULL, NULL) ||
		    !rp_transport_data_commit(w->t, hdr + (size_t)r))
			return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
			    "cannot queue channel data");
		rp_window_sent(&ch->win, (size_t)r);
		ch->bytes_out += (uint64_t)r;
		worker_activity(w);
		if ((size_t)r < want)
			break; /* the pipe is empty for now */
	}
	return 1;
}

/* Write buffered client data into the session's stdin. */
static void
pump_input(struct channel *ch)
{
	while (rp_buf_len(&ch->stdin_buf) > 0 && ch->fd[SESSION_STDIN] >= 0) {
		ssize_t r = write(ch->fd[SESSION_STDIN], rp_buf_ptr(&ch->stdin_buf),
		    rp_buf_len(&ch->stdin_buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			/* The process closed its stdin. */
			drop_stdin(ch);
			return;
		}
		rp_buf_consume(&ch->stdin_buf, (size_t)r);
		rp_window_drained(&ch->win, (size_t)r);
	}
	if (ch->eof_rcvd && rp_buf_len(&ch->stdin_buf) == 0)
		close_fd(ch, SESSION_STDIN);
}

int
channels_handle_poll(struct worker *w, const struct pollfd *pfd, size_t n, const int *owner)
{
	for (size_t i = 0; i < n; i++) {
		struct channel *ch = &w->ch[owner[i] / SESSION_NFDS];
		enum session_fd which = (enum session_fd)(owner[i] % SESSION_NFDS);

		if (pfd[i].revents == 0 || !ch->in_use || ch->fd[which] != pfd[i].fd)
			continue;
		if (which == SESSION_STDIN)
			pump_input(ch);
		else if (!pump_output(w, ch, which))
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

int
channels_progress(struct worker *w)
{
	for (size_t i = 0; i < MAX_CHANNELS; i++) {
		struct channel *ch = &w->ch[i];
		uint32_t grant;
		CBB cbb;

		if (!ch->in_use || ch->close_sent)
			continue;
		if ((grant = rp_window_adjust_due(&ch->win)) > 0 &&
		    (!rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_WINDOW_ADJUST) ||
		    !CBB_add_u32(&cbb, ch->remote_id) || !CBB_add_u32(&cbb, grant) ||
		    !rp_transport_send_cbb(w->t, &cbb)))
			return 0;
		if (!ch->started || !ch->exited || ch->fd[SESSION_STDOUT] >= 0 ||
		    ch->fd[SESSION_STDERR] >= 0)
			continue;
		/* All output is queued: EOF, exit status, CLOSE (RFC 4254 6.10). */
		if (!ch->eof_sent) {
			ch->eof_sent = 1;
			if (!rp_transport_begin(w->t, &cbb, SSH_MSG_CHANNEL_EOF) ||
			    !CBB_add_u32(&cbb, ch->remote_id) || !rp_transport_send_cbb(w->t, &cbb))
				return 0;
		}
		if (!send_exit(w, ch) || !send_close(w, ch))
			return 0;
		if (ch->close_rcvd) {
			release(ch);
			w->status_dirty = 1;
		}
	}
	return 1;
}

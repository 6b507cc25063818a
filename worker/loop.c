/*
 * worker/loop.c: the worker's event loop: the client socket, the IPC socket
 * and the descriptors of running sessions, multiplexed with poll(2).
 */
#include "worker/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"

#define MAX_POLL (2 + MAX_CHANNELS * SESSION_NFDS + MAX_LISTENERS * 2)
/* How long a closing connection may take to deliver its DISCONNECT. */
#define CLOSE_FLUSH_MS 1000

#ifdef RAMPART_TEST_HOOKS
/* Test builds only (tests/rampart-worker-probe): a client whose version
 * string asks for it makes the worker try to open a file after the sandbox
 * is up, which seccomp must answer by killing the worker. */
static void
test_hook_version(const char *version)
{
	if (strstr(version, "rampart-sandbox-probe") != NULL) {
		int fd = open("/etc/hostname", O_RDONLY);

		rp_error("sandbox probe: open() returned %d; the sandbox did not stop it", fd);
	}
}
#endif

/* How often STATUS may report changed byte counts. */
#define STATUS_INTERVAL_MS 1000

uint64_t
worker_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
worker_activity(struct worker *w)
{
	w->last_activity_ms = worker_now_ms();
}

/* Tell the monitor about each finished key exchange (for the audit log). */
static void
report_kex(struct worker *w, uint64_t now)
{
	const struct rp_kex_algs *a = rp_transport_algs(w->t);
	struct rp_ipc_kex_done m;

	if (a == NULL || rp_transport_kex_count(w->t) == w->kex_reported)
		return;
	w->kex_reported = rp_transport_kex_count(w->t);
	w->last_kex_ms = now;
	CBS_init(&m.cipher_c2s, (const uint8_t *)a->cipher_c2s, strlen(a->cipher_c2s));
	CBS_init(&m.cipher_s2c, (const uint8_t *)a->cipher_s2c, strlen(a->cipher_s2c));
	CBS_init(&m.mac_c2s, (const uint8_t *)a->mac_c2s, strlen(a->mac_c2s));
	CBS_init(&m.mac_s2c, (const uint8_t *)a->mac_s2c, strlen(a->mac_s2c));
	CBS_init(&m.comp_c2s, (const uint8_t *)a->comp_c2s, strlen(a->comp_c2s));
	CBS_init(&m.comp_s2c, (const uint8_t *)a->comp_s2c, strlen(a->comp_s2c));
	mc_kex_done(&w->mc, &m);
}

/* STATUS when channels changed, or at most once a second while bytes flow. */
static void
report_status(struct worker *w, uint64_t now)
{
	struct rp_ipc_status st;
	uint64_t in, out;

	rp_transport_counters(w->t, &in, &out);
	if (!w->status_dirty &&
	    ((in == w->status_in && out == w->status_out) ||
	    now - w->last_status_ms < STATUS_INTERVAL_MS))
		return;
	memset(&st, 0, sizeof(st));
	st.bytes_in = in;
	st.bytes_out = out;
	st.idle_s = (uint32_t)((now - w->last_activity_ms) / 1000);
	channels_status(w, &st);
	mc_status(&w->mc, &st);
	w->status_dirty = 0;
	w->last_status_ms = now;
	w->status_in = in;
	w->status_out = out;
}

/* Keep-alive, idle timeout and re-exchange by time. Returns 0 when the
 * connection must end; *wait gets the milliseconds to the next timer
 * (-1: none). */
static int
run_timers(struct worker *w, uint64_t now, int *wait)
{
	uint64_t next = UINT64_MAX;
	CBB cbb;

	if (w->authenticated && w->idle_timeout_ms > 0) {
		uint64_t deadline = w->last_activity_ms + w->idle_timeout_ms;

		if (now >= deadline) {
			rp_info("idle for %llu s: disconnecting",
			    (unsigned long long)(w->idle_timeout_ms / 1000));
			rp_transport_disconnect(w->t, SSH_DISCONNECT_BY_APPLICATION, "idle timeout");
			return 0;
		}
		next = deadline;
	}
	if (w->authenticated && w->keepalive_interval_ms > 0) {
		if (w->next_keepalive_ms == 0)
			w->next_keepalive_ms = now + w->keepalive_interval_ms;
		if (now >= w->next_keepalive_ms) {
			if (w->keepalive_missed >= w->keepalive_count) {
				rp_info("no answer to %u keep-alive probes: disconnecting",
				    w->keepalive_missed);
				rp_transport_disconnect(w->t, SSH_DISCONNECT_BY_APPLICATION,
				    "keep-alive timeout");
				return 0;
			}
			/* OpenSSH's probe: a global request any client answers
			 * (with success or failure). */
			if (!rp_transport_begin(w->t, &cbb, SSH_MSG_GLOBAL_REQUEST) ||
			    !ssh_add_cstring(&cbb, "keepalive@openssh.com") || !ssh_add_bool(&cbb, 1) ||
			    !rp_transport_send_cbb(w->t, &cbb))
				return 0;
			w->keepalive_missed++;
			w->next_keepalive_ms = now + w->keepalive_interval_ms;
		}
		if (w->next_keepalive_ms < next)
			next = w->next_keepalive_ms;
	}
	if (rp_transport_established(w->t) && w->rekey_interval_ms > 0) {
		uint64_t due = w->last_kex_ms + w->rekey_interval_ms;

		if (now >= due) {
			rp_transport_rekey(w->t);
			/* Counted from when this one completes. */
			w->last_kex_ms = now;
			due = now + w->rekey_interval_ms;
		}
		if (due < next)
			next = due;
	}
	{
		uint64_t in, out;

		/* Wake for STATUS only when there is news: an idle connection
		 * sleeps until something happens. */
		rp_transport_counters(w->t, &in, &out);
		if (w->status_dirty || in != w->status_in || out != w->status_out) {
			uint64_t due = w->last_status_ms + STATUS_INTERVAL_MS;

			if (due < next)
				next = due > now ? due : now + 1;
		}
	}
	*wait = next == UINT64_MAX ? -1 : (int)(next - now > 60000 ? 60000 : next - now);
	return 1;
}

/* Events the monitor sent on its own. 0: the connection must end. */
static int
monitor_events(struct worker *w)
{
	struct mc_event ev;

	while (mc_next_event(&w->mc, &ev)) {
		switch (ev.type) {
		case MC_SESSION_EXITED:
			channels_session_exited(w, &ev.exited);
			break;
		case MC_REKEY:
			rp_transport_rekey(w->t);
			break;
		case MC_FORWARD_RESULT:
			if (!forward_result(w, &ev))
				return 0;
			break;
		case MC_DISCONNECT:
			rp_info("disconnecting at the monitor's request: %s", ev.message);
			rp_transport_disconnect(w->t, ev.reason, ev.message);
			return 0;
		}
	}
	return 1;
}

/* Deliver every complete message the transport has. 0: connection over. */
static int
process_input(struct worker *w, int *saw_version)
{
	uint8_t type;
	CBS payload;
	int r;

	while ((r = rp_transport_next(w->t, &type, &payload)) == RP_TRANSPORT_MESSAGE) {
		if (!server_handle_message(w, type, &payload))
			return 0;
	}
	if (!*saw_version && rp_transport_peer_version(w->t) != NULL) {
		*saw_version = 1;
#ifdef RAMPART_TEST_HOOKS
		test_hook_version(rp_transport_peer_version(w->t));
#endif
	}
	return r == RP_TRANSPORT_NEED_MORE;
}

/* Give the DISCONNECT (if any) a bounded chance to reach the client. */
static void
flush_before_exit(struct worker *w, int client_fd)
{
	int waited = 0;

	while (rp_transport_want_write(w->t) && waited < CLOSE_FLUSH_MS) {
		struct pollfd p = { client_fd, POLLOUT, 0 };

		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			return;
		waited += 100;
		if ((p.revents & (POLLERR | POLLHUP)) || rp_transport_flush(w->t) < 0)
			return;
	}
}

int
worker_run(struct worker *w, int client_fd)
{
	struct pollfd pfd[MAX_POLL];
	int owner[MAX_POLL];
	int saw_version = 0, monitor_gone = 0, wait;
	uint32_t reason;
	int by_peer;
	const char *desc;

	if (!rp_transport_start(w->t)) {
		rp_error("cannot start the transport");
		return 1;
	}
	w->last_activity_ms = w->last_kex_ms = worker_now_ms();
	for (;;) {
		size_t n, nch;
		int r;
		uint64_t now;

		if (!monitor_events(w) || !channels_progress(w))
			break;
		now = worker_now_ms();
		report_kex(w, now);
		if (!run_timers(w, now, &wait))
			break;
		{
			int drain = channels_wait_ms(w, now);

			if (drain >= 0 && (wait < 0 || drain < wait))
				wait = drain;
		}
		report_status(w, now);
		if (rp_transport_flush(w->t) < 0) {
			rp_transport_peer_closed(w->t);
			break;
		}
		pfd[0].fd = client_fd;
		pfd[0].events = (short)((rp_transport_want_read(w->t) ? POLLIN : 0) |
		    (rp_transport_want_write(w->t) ? POLLOUT : 0));
		pfd[1].fd = w->mc.fd;
		pfd[1].events = POLLIN;
		nch = channels_poll_fds(w, pfd + 2, MAX_POLL - 2, owner);
		n = 2 + nch;
		n += listeners_poll_fds(w, pfd + n, MAX_POLL - n, owner + nch);
		for (size_t i = 0; i < n; i++)
			pfd[i].revents = 0;
		if ((r = poll(pfd, n, wait)) < 0) {
			if (errno == EINTR)
				continue;
			rp_error("poll: %s", strerror(errno));
			break;
		}
		if (r == 0)
			continue; /* a timer is due */
		if (pfd[1].revents != 0) {
			r = mc_receive(&w->mc);
			if (r <= 0) {
				monitor_gone = 1;
				rp_transport_disconnect(w->t, SSH_DISCONNECT_BY_APPLICATION,
				    "server shutting down");
				break;
			}
		}
		if (pfd[0].revents & POLLOUT) {
			if (rp_transport_flush(w->t) < 0) {
				rp_transport_peer_closed(w->t);
				break;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = rp_transport_read(w->t);
			if (r <= 0) {
				/* Messages already buffered still count. */
				(void)process_input(w, &saw_version);
				rp_transport_peer_closed(w->t);
				break;
			}
			if (!process_input(w, &saw_version))
				break;
		}
		if (!channels_handle_poll(w, pfd + 2, nch, owner) ||
		    !listeners_handle_poll(w, pfd + 2 + nch, n - 2 - nch, owner + nch))
			break;
	}
	rp_transport_error(w->t, &reason, &by_peer, &desc);
	if (!monitor_gone)
		mc_closing(&w->mc, reason, by_peer, desc);
	flush_before_exit(w, client_fd);
	return reason == 0 || by_peer || reason == SSH_DISCONNECT_BY_APPLICATION ? 0 : 2;
}

/*
 * worker/loop.c: the worker's event loop: the client socket, the IPC socket
 * and the descriptors of running sessions, multiplexed with poll(2).
 */
#include "worker/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>

#include "common/log.h"
#include "common/ssh_msg.h"

#define MAX_POLL (2 + MAX_CHANNELS * SESSION_NFDS)
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
	int saw_version = 0, monitor_gone = 0;
	struct rp_ipc_session_exited ev;
	uint32_t reason;
	int by_peer;
	const char *desc;

	if (!rp_transport_start(w->t)) {
		rp_error("cannot start the transport");
		return 1;
	}
	for (;;) {
		size_t n;
		int r;

		while (mc_next_event(&w->mc, &ev))
			channels_session_exited(w, &ev);
		if (!channels_progress(w))
			break;
		if (rp_transport_flush(w->t) < 0) {
			rp_transport_peer_closed(w->t);
			break;
		}
		pfd[0].fd = client_fd;
		pfd[0].events = (short)((rp_transport_want_read(w->t) ? POLLIN : 0) |
		    (rp_transport_want_write(w->t) ? POLLOUT : 0));
		pfd[1].fd = w->mc.fd;
		pfd[1].events = POLLIN;
		n = 2 + channels_poll_fds(w, pfd + 2, MAX_POLL - 2, owner);
		for (size_t i = 0; i < n; i++)
			pfd[i].revents = 0;
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			rp_error("poll: %s", strerror(errno));
			break;
		}
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
		if (!channels_handle_poll(w, pfd + 2, n - 2, owner))
			break;
	}
	rp_transport_error(w->t, &reason, &by_peer, &desc);
	if (!monitor_gone)
		mc_closing(&w->mc, reason, by_peer, desc);
	flush_before_exit(w, client_fd);
	return reason == 0 || by_peer || reason == SSH_DISCONNECT_BY_APPLICATION ? 0 : 2;
}

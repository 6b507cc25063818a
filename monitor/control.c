/*
 * monitor/control.c: the control socket (protocol: common/control.h).
 *
 * A Unix stream socket, mode 0600, in a root-owned directory. Each client
 * is checked with SO_PEERCRED: root, or rampartd's own uid when it runs
 * unprivileged. A client sends one request and gets one response; it has
 * CONTROL_DEADLINE_MS for the whole exchange. Everything is non-blocking:
 * a slow or silent rampartctl never stalls the monitor.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/control.h"
#include "common/log.h"
#include "monitor/monitor.h"

#define CONTROL_DEADLINE_MS 10000
#define CONTROL_MAX_CLIENTS 16
#define CONTROL_MAX_REQUEST (64 * 1024)

/* Create the socket's directory if missing (as /run/rampart), 0755. */
static int
make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 1;
	*slash = '\0';
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return 0;
	return 1;
}

int
control_open(struct monitor *m, const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old_umask;
	int fd;

	m->ctl_fd = -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		rp_error("control socket path %s is too long", path);
		return 0;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (!make_parent(path)) {
		rp_error("control socket %s: cannot create its directory: %s", path, strerror(errno));
		return 0;
	}
	/* A socket left by a previous rampartd is replaced; anything else at
	 * that path is not ours to remove. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			rp_error("control socket %s: something that is not a socket is there", path);
			return 0;
		}
		if (unlink(path) != 0) {
			rp_error("control socket %s: %s", path, strerror(errno));
			return 0;
		}
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		rp_error("control socket: %s", strerror(errno));
		return 0;
	}
	/* Created 0600 from the start: no window where others could connect. */
	old_umask = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(fd, 16) != 0) {
		umask(old_umask);
		rp_error("control socket %s: %s", path, strerror(errno));
		close(fd);
		return 0;
	}
	umask(old_umask);
	m->ctl_fd = fd;
	snprintf(m->ctl_path, sizeof(m->ctl_path), "%s", path);
	rp_info("control socket %s", path);
	return 1;
}

static void
client_free(struct monitor *m, struct ctl_client *cl)
{
	for (struct ctl_client **p = &m->ctl_clients; *p != NULL; p = &(*p)->next) {
		if (*p == cl) {
			*p = cl->next;
			m->nctl--;
			break;
		}
	}
	close(cl->fd);
	rp_buf_free(&cl->in);
	rp_buf_free(&cl->out);
	free(cl);
}

void
control_close(struct monitor *m)
{
	while (m->ctl_clients != NULL)
		client_free(m, m->ctl_clients);
	if (m->ctl_fd >= 0) {
		close(m->ctl_fd);
		m->ctl_fd = -1;
		(void)unlink(m->ctl_path);
	}
}

void
control_accept(struct monitor *m)
{
	for (int i = 0; i < 4; i++) {
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct ctl_client *cl;
		int fd = accept4(m->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0)
			return;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
		    (cred.uid != 0 && cred.uid != geteuid())) {
			rp_warn("control socket: refused a client with uid %ld (root only)",
			    (long)cred.uid);
			close(fd);
			continue;
		}
		if (m->nctl >= CONTROL_MAX_CLIENTS || (cl = calloc(1, sizeof(*cl))) == NULL) {
			rp_warn("control socket: too many clients at once");
			close(fd);
			continue;
		}
		cl->fd = fd;
		rp_buf_init(&cl->in, CONTROL_MAX_REQUEST);
		rp_buf_init(&cl->out, RP_CONTROL_MAX_FRAME + 4);
		cl->deadline_ms = monitor_now_ms() + CONTROL_DEADLINE_MS;
		cl->next = m->ctl_clients;
		m->ctl_clients = cl;
		m->nctl++;
	}
}

/* Frame a response into the client's output. */
static void
respond(struct ctl_client *cl, int status, const struct rp_buf *text)
{
	CBB payload, frame;
	uint8_t *p, *f;
	size_t plen, flen;

	cl->answered = 1;
	if (!CBB_init(&payload, rp_buf_len(text) + 16))
		return;
	if (!rp_control_response_write(&payload, (uint8_t)status, (const char *)rp_buf_ptr(text),
	    rp_buf_len(text)) || !CBB_finish(&payload, &p, &plen)) {
		CBB_cleanup(&payload);
		return;
	}
	if (CBB_init(&frame, plen + 4)) {
		if (rp_control_frame(&frame, p, plen) && CBB_finish(&frame, &f, &flen)) {
			(void)rp_buf_append(&cl->out, f, flen);
			OPENSSL_free(f);
		} else {
			CBB_cleanup(&frame);
		}
	}
	OPENSSL_free(p);
}

/* A whole request arrived: run it. */
static void
handle_request(struct monitor *m, struct ctl_client *cl, CBS *payload)
{
	struct rp_control_request *req = calloc(1, sizeof(*req));
	struct rp_buf text;
	int status;

	rp_buf_init(&text, RP_CONTROL_MAX_FRAME - 64);
	if (req == NULL || !rp_control_request_read(payload, req)) {
		(void)rp_buf_append(&text, "malformed request\n", 18);
		respond(cl, RP_CONTROL_FAILED, &text);
	} else {
		rp_info("control: %s%s%s", req->command, req->nargs > 0 ? " " : "",
		    req->nargs > 0 ? req->args[0] : "");
		status = control_run(m, req->command, req->nargs, req->args, req->json, &text);
		respond(cl, status, &text);
	}
	rp_buf_free(&text);
	free(req);
}

static int
flush_client(struct ctl_client *cl)
{
	while (rp_buf_len(&cl->out) > 0) {
		ssize_t n = write(cl->fd, rp_buf_ptr(&cl->out), rp_buf_len(&cl->out));

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 1 : 0;
		rp_buf_consume(&cl->out, (size_t)n);
	}
	return 1;
}

void
control_io(struct monitor *m, struct ctl_client *cl, short revents)
{
	if (!cl->answered && (revents & (POLLIN | POLLHUP | POLLERR))) {
		uint8_t *p = rp_buf_reserve(&cl->in, 4096);
		ssize_t n;
		CBS payload;
		size_t frame_len;
		int r;

		if (p == NULL) {
			client_free(m, cl);
			return;
		}
		n = read(cl->fd, p, 4096);
		if (n <= 0) {
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
			client_free(m, cl);
			return;
		}
		rp_buf_added(&cl->in, (size_t)n);
		r = rp_control_unframe(rp_buf_ptr(&cl->in), rp_buf_len(&cl->in), &payload,
		    &frame_len);
		if (r < 0) {
			client_free(m, cl);
			return;
		}
		if (r > 0)
			handle_request(m, cl, &payload);
	}
	if (!flush_client(cl) || (cl->answered && rp_buf_len(&cl->out) == 0))
		client_free(m, cl);
}

int
control_deadlines(struct monitor *m)
{
	uint64_t now = monitor_now_ms();
	int64_t next = -1;
	struct ctl_client *cl = m->ctl_clients, *nx;

	for (; cl != NULL; cl = nx) {
		nx = cl->next;
		if (now >= cl->deadline_ms) {
			rp_warn("control socket: a client took too long; closed");
			client_free(m, cl);
			continue;
		}
		if (next < 0 || (int64_t)(cl->deadline_ms - now) < next)
			next = (int64_t)(cl->deadline_ms - now);
	}
	return (int)next;
}

void
control_flush_all(struct monitor *m)
{
	for (struct ctl_client *cl = m->ctl_clients; cl != NULL; cl = cl->next)
		(void)flush_client(cl);
}

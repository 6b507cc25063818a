/*
 * monitor/main.c: rampartd, the monitor.
 *
 *     rampartd [-f POLICY] [-W WORKER] [-d]
 *
 * Startup: read the policy, load the host keys, check what running workers
 * needs, bind the listeners. Then one event loop: accept, answer workers,
 * reap children, enforce deadlines.
 *
 * Signals only set flags (the lesson of CVE-2024-6387); they are blocked
 * except inside ppoll(), so each is noticed at one well-defined point of the
 * loop and no handler ever runs in the middle of other work.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/control.h"
#include "crypto/pkt_cipher.h"
#include "monitor/monitor.h"
#include "monitor/outbound.h"

static volatile sig_atomic_t got_sigchld, got_sigterm, got_sighup, got_sigusr1;

static void
on_signal(int sig)
{
	switch (sig) {
	case SIGCHLD:
		got_sigchld = 1;
		break;
	case SIGHUP:
		got_sighup = 1;
		break;
	case SIGUSR1:
		got_sigusr1 = 1;
		break;
	default:
		got_sigterm = 1;
		break;
	}
}

static int
setup_signals(sigset_t *during_poll)
{
	struct sigaction sa;
	sigset_t block;
	const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1 };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], &sa, NULL) != 0)
			return 0;
		sigaddset(&block, sigs[i]);
	}
	/* Writes to a worker or session that went away fail with EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &block, during_poll) != 0)
		return 0;
	/* ppoll() runs with the mask we had before, so the signals can
	 * arrive there and only there. */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(during_poll, sigs[i]);
	return 1;
}

/* Descriptors 0-2 must be open, or a socket could land on them and be
 * mistaken for stdio by us or by a child. */
static void
ensure_stdio(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0 && fd <= 2)
		(void)fcntl(fd, F_SETFD, 0);
	if (fd > 2)
		close(fd);
}

static void
raise_fd_limit(struct monitor *m)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* One IPC socket per connection plus slack for accepting and spawning
	 * (pipes of sessions are closed as soon as they are passed on). */
	m->fd_conn_cap = 100000;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < m->fd_conn_cap + 64)
		m->fd_conn_cap = rl.rlim_cur > 128 ? rl.rlim_cur - 64 : 64;
}

static void
policy_warning(void *ctx, const char *message)
{
	(void)ctx;
	rp_warn("policy: %s", message);
}

static void
usage(FILE *out, int status)
{
	fprintf(out, "usage: rampartd [-f POLICY] [-W WORKER] [-d]\n"
	    "  -f POLICY  the policy file (default /etc/rampart/rampart.conf)\n"
	    "  -W WORKER  path of rampart-worker (default: next to rampartd, else %s)\n"
	    "  -d         debug logging; workers log to stderr too\n"
	    "  -V         print the version\n",
	    RAMPART_LIBEXECDIR "/rampart-worker");
	exit(status);
}

/* What a poll entry is. */
enum entry_kind {
	ENTRY_LISTENER,
	ENTRY_CONN,
	ENTRY_CONTROL,
	ENTRY_CONTROL_CLIENT,
	ENTRY_CRYPT, /* password checks finished (monitor/crypt_pool.c) */
	ENTRY_RESOLVER, /* name lookups finished (monitor/resolver.c) */
	ENTRY_FORWARD,  /* a forwarding connect in progress (monitor/forward.c) */
};

struct entry {
	enum entry_kind kind;
	void *ptr;
};

static int
min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* The event loop, until a shutdown completes (0) or the loop itself fails
 * (1: out of memory, ppoll failing), so that a supervisor sees the failure
 * and Restart=on-failure applies. */
static int
run(struct monitor *m, const sigset_t *during_poll)
{
	int status = 0;
	/* Each connection has at most FORWARD_MAX_PENDING_PER_CONN connects
	 * in progress; entries beyond cap wait for the next round. */
	size_t cap = MAX_LISTENERS + 2 * m->max_conns + 64;
	struct pollfd *pfd = calloc(cap, sizeof(*pfd));
	struct entry *ent = calloc(cap, sizeof(*ent));

	if (pfd == NULL || ent == NULL) {
		rp_error("out of memory");
		free(pfd);
		free(ent);
		return 1;
	}
	for (;;) {
		size_t n = 0;
		int timeout, r;
		uint64_t now = monitor_now_ms();
		struct timespec ts, *tsp = NULL;
		char err[1024];

		if (got_sigterm) {
			got_sigterm = 0;
			monitor_audit_admin(m, "shutdown", 0, "signal");
			monitor_shutdown(m, 0);
		}
		if (m->shutting_down && m->conns == NULL && m->ctl_clients == NULL)
			break;
		timeout = min_timeout(conns_check_deadlines(m), control_deadlines(m));
		timeout = min_timeout(timeout, monitor_shutdown_progress(m));
		timeout = min_timeout(timeout, forward_deadlines(m));
		if (m->accept_paused_until_ms > now) {
			timeout = min_timeout(timeout, (int)(m->accept_paused_until_ms - now));
		} else if (m->listening && m->nconns < m->max_conns) {
			for (size_t i = 0; i < m->nlisten; i++, n++) {
				pfd[n].fd = m->listen_fds[i];
				pfd[n].events = POLLIN;
				ent[n].kind = ENTRY_LISTENER;
				ent[n].ptr = NULL;
			}
		}
		if (m->ctl_fd >= 0 && n < cap) {
			pfd[n].fd = m->ctl_fd;
			pfd[n].events = POLLIN;
			ent[n].kind = ENTRY_CONTROL;
			ent[n++].ptr = NULL;
		}
		if (n < cap) {
			pfd[n].fd = crypt_pool_fd(&m->crypt);
			pfd[n].events = POLLIN;
			ent[n].kind = ENTRY_CRYPT;
			ent[n++].ptr = NULL;
		}
		if (n < cap) {
			pfd[n].fd = resolver_fd(&m->resolver);
			pfd[n].events = POLLIN;
			ent[n].kind = ENTRY_RESOLVER;
			ent[n++].ptr = NULL;
		}
		for (struct forward_pending *fp = m->forwards; fp != NULL && n < cap; fp = fp->next) {
			if (fp->oc == NULL || outbound_connect_fd(fp->oc) < 0)
				continue;
			pfd[n].fd = outbound_connect_fd(fp->oc);
			pfd[n].events = POLLOUT;
			ent[n].kind = ENTRY_FORWARD;
			ent[n++].ptr = fp;
		}
		for (struct ctl_client *cl = m->ctl_clients; cl != NULL && n < cap; cl = cl->next) {
			pfd[n].fd = cl->fd;
			pfd[n].events = (short)(POLLIN | (rp_buf_len(&cl->out) > 0 ? POLLOUT : 0));
			ent[n].kind = ENTRY_CONTROL_CLIENT;
			ent[n++].ptr = cl;
		}
		for (struct conn *c = m->conns; c != NULL && n < cap; c = c->next) {
			if (c->ipc_fd < 0)
				continue;
			pfd[n].fd = c->ipc_fd;
			pfd[n].events = POLLIN;
			ent[n].kind = ENTRY_CONN;
			ent[n++].ptr = c;
		}
		for (size_t i = 0; i < n; i++)
			pfd[i].revents = 0;
		if (timeout >= 0) {
			ts.tv_sec = timeout / 1000;
			ts.tv_nsec = (long)(timeout % 1000) * 1000000L;
			tsp = &ts;
		}
		r = ppoll(pfd, n, tsp, during_poll);
		if (r < 0 && errno != EINTR) {
			rp_error("ppoll: %s", strerror(errno));
			status = 1;
			break;
		}
		/* Connections and control clients are only freed by reaping and
		 * by their own handlers, so later entries stay valid; a client
		 * entry is looked up again before use. */
		for (size_t i = 0; r > 0 && i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			switch (ent[i].kind) {
			case ENTRY_LISTENER:
				if (m->listening && (pfd[i].revents & POLLIN))
					listener_accept(m, pfd[i].fd);
				break;
			case ENTRY_CONN: {
				struct conn *c = ent[i].ptr;

				if (c->ipc_fd == pfd[i].fd)
					ipc_dispatch(m, c);
				break;
			}
			case ENTRY_CONTROL:
				control_accept(m);
				break;
			case ENTRY_CRYPT:
				auth_password_done(m);
				break;
			case ENTRY_RESOLVER:
				forward_resolver_ready(m);
				break;
			case ENTRY_FORWARD:
				/* It may have been answered (freed) by an entry
				 * before it in this round. */
				if (forward_is_pending(m, ent[i].ptr))
					forward_step(m, ent[i].ptr, monitor_now_ms());
				break;
			case ENTRY_CONTROL_CLIENT:
				for (struct ctl_client *cl = m->ctl_clients; cl != NULL; cl = cl->next) {
					if (cl == ent[i].ptr) {
						control_io(m, cl, pfd[i].revents);
						break;
					}
				}
				break;
			}
		}
		if (got_sigchld) {
			got_sigchld = 0;
			conns_reap(m);
		}
		if (got_sighup) {
			got_sighup = 0;
			rp_info("SIGHUP: reloading the policy");
			(void)monitor_reload(m, err, sizeof(err));
		}
		if (got_sigusr1) {
			/* logrotate moved the audit log: write to a new file
			 * at the policy's path, and nothing else changes. */
			got_sigusr1 = 0;
			if (audit_reopen(&m->audit, err, sizeof(err)))
				rp_info("SIGUSR1: audit log reopened");
			else
				rp_error("SIGUSR1: cannot reopen the audit log, still writing the "
				    "old one: %s", err);
		}
	}
	control_flush_all(m);
	free(pfd);
	free(ent);
	return status;
}

int
main(int argc, char **argv)
{
	struct monitor m;
	struct rp_policy_diag diag;
	const char *policy_path = "/etc/rampart/rampart.conf", *worker = NULL;
	sigset_t during_poll;
	int ch, status;

	ensure_stdio();
	memset(&m, 0, sizeof(m));
	rp_log_init("rampartd", RP_LOG_INFO);
	/* Before anything is started that could inherit it. */
	(void)monitor_notify_init();
	while ((ch = getopt(argc, argv, "f:W:dhV")) != -1) {
		switch (ch) {
		case 'f':
			policy_path = optarg;
			break;
		case 'W':
			worker = optarg;
			break;
		case 'd':
			m.debug = 1;
			rp_log_set_level(RP_LOG_DEBUG);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			printf("rampartd %s\n", RAMPART_VERSION);
			return 0;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);

	memset(&diag, 0, sizeof(diag));
	diag.warn = policy_warning;
	if (!rp_policy_load(policy_path, &m.policy, &diag)) {
		rp_error("%s", diag.error);
		rp_error("not starting: the policy has errors");
		return 1;
	}
	m.policy_path = policy_path;
	if ((m.pref = policy_ref_new(m.policy)) == NULL) {
		rp_error("out of memory");
		return 1;
	}
	snprintf(m.policy_hash, sizeof(m.policy_hash), "%s", m.pref->hash);
	m.ctl_fd = -1;
	m.worker_fd = -1;
	m.audit.fd = -1;
	m.next_conn_id = 1;
	rp_policy_advise(m.policy, &diag);
	if ((m.msg = malloc(sizeof(*m.msg))) == NULL ||
	    (m.penalties = calloc(1, sizeof(*m.penalties))) == NULL) {
		rp_error("out of memory");
		return 1;
	}
	m.msg->nfds = 0;
	if (!hostkeys_load(&m) || !privsep_find_worker(&m, worker) || !privsep_prepare(&m))
		return 1;
	if (!crypt_dummy_hash(m.dummy_hash, sizeof(m.dummy_hash))) {
		rp_error("cannot compute a password hash with crypt(3)");
		return 1;
	}
	raise_fd_limit(&m);
	monitor_apply_settings(&m);
	{
		char err[512];

		if (!monitor_open_audit(&m, m.policy, err, sizeof(err))) {
			rp_error("audit log: %s", err);
			return 1;
		}
	}
	if (!setup_signals(&during_poll)) {
		rp_error("cannot set up signal handling: %s", strerror(errno));
		return 1;
	}
	/* After setup_signals: the threads start with every signal blocked. */
	if (!crypt_pool_start(&m.crypt))
		return 1;
	if (!resolver_start(&m.resolver, RESOLVER_THREADS)) {
		rp_error("cannot start the name resolver threads");
		return 1;
	}
	if (!listeners_open(&m))
		return 1;
	m.listening = 1;
	if (!control_open(&m, m.policy->control_socket))
		return 1;
	m.started_ms = monitor_now_ms();
	m.started_wall = (int64_t)time(NULL);
	rp_info("rampartd %s started (%s mode, policy %s, worker %s)", RAMPART_VERSION,
	    m.privileged ? "privileged" : "unprivileged", policy_path, m.worker_path);
	monitor_audit_daemon(&m, "start", NULL, 1);
	monitor_notify("READY=1\nSTATUS=running");

	status = run(&m, &during_poll);

	rp_info("stopped");
	monitor_audit_daemon(&m, "stop", NULL, 1);
	listeners_close(&m);
	control_close(&m);
	conns_terminate_all(&m);
	forwards_free_all(&m);
	resolver_stop(&m.resolver);
	crypt_pool_stop(&m.crypt);
	auth_kbdint_free(&m);
	hostkeys_free(&m);
	policy_ref_put(m.pref);
	audit_close(&m.audit);
	free(m.worker_path);
	if (m.worker_fd >= 0)
		close(m.worker_fd);
	free(m.msg);
	free(m.penalties);
	return status;
}

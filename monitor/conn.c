/*
 * monitor/conn.c: the connection table: creation, violations, reaping of
 * workers and sessions, and deadlines.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/ssh_msg.h"
#include "monitor/monitor.h"

/* How long shutdown waits for workers to end before it stops logging them. */
#define SHUTDOWN_WAIT_MS 2000

uint64_t
monitor_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct conn *
conn_new(struct monitor *m)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->id = m->next_conn_id++;
	c->ipc_fd = -1;
	c->state = CONN_PREKEX;
	c->started_ms = monitor_now_ms();
	c->log_tokens = WORKER_LOG_BURST;
	c->log_refill_ms = c->started_ms;
	c->next = m->conns;
	m->conns = c;
	m->nconns++;
	return c;
}

struct conn *
conn_by_worker_pid(struct monitor *m, pid_t pid)
{
	for (struct conn *c = m->conns; c != NULL; c = c->next)
		if (c->worker_pid == pid)
			return c;
	return NULL;
}

void
conn_close_ipc(struct conn *c)
{
	if (c->ipc_fd >= 0) {
		close(c->ipc_fd);
		c->ipc_fd = -1;
	}
}

void
conn_abort(struct monitor *m, struct conn *c, const char *why)
{
	(void)m;
	rp_warn("conn=%llu worker violated the protocol: %s; connection closed",
	    (unsigned long long)c->id, why);
	/* worker_pid is 0 once reaped: never kill(0, ...), which would signal
	 * our whole process group. */
	if (c->worker_pid > 0)
		kill(c->worker_pid, SIGKILL);
	conn_close_ipc(c);
}

void
conn_remove(struct monitor *m, struct conn *c)
{
	for (struct conn **p = &m->conns; *p != NULL; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			m->nconns--;
			break;
		}
	}
	conn_close_ipc(c);
	free(c);
}

static void
describe_status(int status, char *out, size_t outsz)
{
	if (WIFEXITED(status)) {
		snprintf(out, outsz, "exit %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		const char *name = sigabbrev_np(sig);

		snprintf(out, outsz, "signal SIG%s%s", name != NULL ? name : "?",
		    sig == SIGSYS ? " (sandbox violation: forbidden system call)" : "");
	} else {
		snprintf(out, outsz, "status %d", status);
	}
}

/* A worker ended: read what it still had to say, log how the connection
 * ended, hang up its sessions and forget it. */
static void
worker_ended(struct monitor *m, struct conn *c, int status)
{
	char how[96];
	uint64_t secs = (monitor_now_ms() - c->started_ms) / 1000;
	int sandbox_kill = WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;

	c->worker_pid = 0;
	/* The CLOSING message may still be queued behind the exit. */
	for (int i = 0; i < 64 && c->ipc_fd >= 0; i++)
		ipc_dispatch(m, c);
	describe_status(status, how, sizeof(how));
	if (c->have_close)
		rp_log(sandbox_kill ? RP_LOG_WARN : RP_LOG_INFO,
		    "conn=%llu closed user=%s duration=%llus reason=%u by=%s text=\"%s\" worker=%s",
		    (unsigned long long)c->id, c->user[0] ? c->user : "-",
		    (unsigned long long)secs, c->close_reason, c->close_by_peer ? "peer" : "server",
		    c->close_text, how);
	else
		rp_log(sandbox_kill || !WIFEXITED(status) ? RP_LOG_WARN : RP_LOG_INFO,
		    "conn=%llu closed user=%s duration=%llus worker=%s",
		    (unsigned long long)c->id, c->user[0] ? c->user : "-",
		    (unsigned long long)secs, how);
	sessions_hangup(c);
	conn_remove(m, c);
}

void
conns_reap(struct monitor *m)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct conn *c = conn_by_worker_pid(m, pid);

		if (c != NULL) {
			worker_ended(m, c, status);
			continue;
		}
		for (c = m->conns; c != NULL; c = c->next) {
			for (size_t i = 0; i < MAX_SESSIONS_PER_CONN; i++) {
				if (c->sessions[i].in_use && c->sessions[i].pid == pid) {
					session_reaped(m, c, &c->sessions[i], status);
					goto next;
				}
			}
		}
		rp_debug("reaped process %ld of a finished connection", (long)pid);
next:;
	}
}

int
conns_check_deadlines(struct monitor *m)
{
	uint64_t now = monitor_now_ms();
	int64_t next = -1;

	for (struct conn *c = m->conns; c != NULL; c = c->next) {
		if (c->deadline_ms == 0 || c->worker_pid <= 0)
			continue;
		if (now >= c->deadline_ms) {
			rp_info("conn=%llu login grace time exceeded (%us) from=%s",
			    (unsigned long long)c->id, m->policy->login_grace_time_s, c->peer_addr);
			c->deadline_ms = 0;
			if (!c->have_close) {
				c->have_close = 1;
				c->close_reason = SSH_DISCONNECT_BY_APPLICATION;
				snprintf(c->close_text, sizeof(c->close_text),
				    "login grace time exceeded");
			}
			kill(c->worker_pid, SIGKILL);
			continue;
		}
		if (next < 0 || (int64_t)(c->deadline_ms - now) < next)
			next = (int64_t)(c->deadline_ms - now);
	}
	return next < 0 ? -1 : (int)(next > 60000 ? 60000 : next);
}

void
conns_terminate_all(struct monitor *m)
{
	uint64_t until = monitor_now_ms() + SHUTDOWN_WAIT_MS;

	for (struct conn *c = m->conns; c != NULL; c = c->next) {
		if (c->worker_pid > 0)
			kill(c->worker_pid, SIGTERM);
		sessions_hangup(c);
	}
	while (m->conns != NULL && monitor_now_ms() < until) {
		struct timespec ts = { 0, 50 * 1000000L };

		conns_reap(m);
		if (m->conns != NULL)
			nanosleep(&ts, NULL);
	}
	while (m->conns != NULL)
		conn_remove(m, m->conns);
}

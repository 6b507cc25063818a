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

#include "common/ipc_msg.h"
#include "common/log.h"
#include "common/ssh_msg.h"
#include "monitor/monitor.h"

/* How long shutdown waits for workers to end before it stops logging them. */
#define SHUTDOWN_WAIT_MS 2000
/* How long a worker asked to disconnect has before it is killed. */
#define DISCONNECT_GRACE_MS 5000

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
	for (size_t i = 0; i < MAX_SESSIONS_PER_CONN; i++)
		c->sessions[i].pty_master = -1;
	/* The policy it was admitted under stays with it (monitor/reload.c). */
	c->pref = m->pref;
	c->pref->refs++;
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
conn_by_id(struct monitor *m, uint64_t id)
{
	for (struct conn *c = m->conns; c != NULL; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

void
conn_disconnect(struct monitor *m, struct conn *c, uint32_t reason, const char *message)
{
	struct rp_ipc_disconnect d;
	CBB cbb;

	if (c->worker_pid <= 0)
		return;
	if (c->kill_at_ms == 0)
		c->kill_at_ms = monitor_now_ms() + DISCONNECT_GRACE_MS;
	if (!c->have_close) {
		c->have_close = 1;
		c->close_reason = reason;
		c->close_by_peer = 0;
		rp_log_escape(message, strlen(message), c->close_text, sizeof(c->close_text));
	}
	d.reason = reason;
	CBS_init(&d.message, (const uint8_t *)message, strlen(message));
	if (c->ipc_fd < 0 || !rp_ipc_disconnect_build(&cbb, 0, &d) ||
	    !ipc_reply(m, c, &cbb, NULL, 0))
		kill(c->worker_pid, SIGKILL); /* no way to ask: end it now */
}

int
conn_rekey(struct monitor *m, struct conn *c)
{
	CBB cbb;

	if (c->ipc_fd < 0 || c->worker_pid <= 0 || !rp_ipc_begin(&cbb, RP_IPC_REKEY, 0))
		return 0;
	return ipc_reply(m, c, &cbb, NULL, 0);
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
	rp_warn("conn=%llu worker violated the protocol: %s; connection closed",
	    (unsigned long long)c->id, why);
	monitor_audit_violation(m, c, why);
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
	forwards_drop_conn(m, c->id);
	rp_pubkey_free(c->auth_pubkey);
	rp_cert_free(c->auth_cert);
	policy_ref_put(c->pref);
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

/* Per-source penalties for how an unauthenticated connection ended, or for
 * a worker that crashed (monitor/penalty.c). */
static void
penalise(struct monitor *m, const struct conn *c, int status)
{
	enum penalty_event ev;

	if (m->penalties == NULL)
		return;
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL && WTERMSIG(status) != SIGTERM)
		ev = PENALTY_CRASH;
	else if (c->state == CONN_AUTHED || (c->state == CONN_CLOSING && c->user[0] != '\0'))
		return;
	else if (c->grace_exceeded)
		ev = PENALTY_GRACE_EXCEEDED;
	else if (c->auth_failures > 0)
		ev = PENALTY_AUTHFAIL;
	else
		ev = PENALTY_NOAUTH;
	penalty_add(m->penalties, &m->penalty_cfg, (const struct sockaddr *)&c->peer_sa, ev,
	    monitor_now_ms());
	rp_debug("conn=%llu source %s penalised for %s", (unsigned long long)c->id, c->peer_addr,
	    penalty_event_name(ev));
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
	if (sandbox_kill)
		monitor_audit_violation(m, c, "worker made a forbidden system call (seccomp)");
	penalise(m, c, status);
	monitor_audit_close(m, c, how, secs);
	sessions_hangup(m, c, 0);
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
		if (c->worker_pid <= 0)
			continue;
		if (c->kill_at_ms != 0 && now >= c->kill_at_ms) {
			rp_warn("conn=%llu worker did not disconnect when asked; killing it",
			    (unsigned long long)c->id);
			c->kill_at_ms = 0;
			kill(c->worker_pid, SIGKILL);
			continue;
		}
		if (c->deadline_ms != 0 && now >= c->deadline_ms) {
			rp_info("conn=%llu login grace time exceeded (%us) from=%s",
			    (unsigned long long)c->id, c->pref->policy->login_grace_time_s, c->peer_addr);
			c->deadline_ms = 0;
			c->grace_exceeded = 1;
			conn_disconnect(m, c, SSH_DISCONNECT_BY_APPLICATION,
			    "login grace time exceeded");
		}
		if (c->deadline_ms != 0 && (next < 0 || (int64_t)(c->deadline_ms - now) < next))
			next = (int64_t)(c->deadline_ms - now);
		if (c->kill_at_ms != 0 && (next < 0 || (int64_t)(c->kill_at_ms - now) < next))
			next = (int64_t)(c->kill_at_ms - now);
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
		sessions_hangup(m, c, 1);
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

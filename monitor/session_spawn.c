/*
 * monitor/session_spawn.c: starting a command for an authenticated user,
 * and reporting its end to the worker.
 *
 * The command runs as `SHELL -c COMMAND` (as sshd does), as the user's
 * system account when rampartd runs as root, and as rampartd's own account
 * otherwise. It gets its own session (setsid), the user's groups, home
 * directory and a clean login environment. Its stdin, stdout and stderr are
 * pipes whose other ends go to the worker, which never gains any privilege.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "monitor/monitor.h"

#define ENV_MAX 12
#define PATH_USER "/usr/local/bin:/usr/bin:/bin:/usr/games"
#define PATH_ROOT "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct account {
	char name[RP_IPC_MAX_NAME];
	uid_t uid;
	gid_t gid;
	char home[512];
	char shell[512];
};

static int
lookup_account(const struct monitor *m, const struct conn *c, struct account *a)
{
	struct passwd *pw = m->privileged ? getpwnam(c->user) : getpwuid(getuid());

	if (pw == NULL)
		return 0;
	memset(a, 0, sizeof(*a));
	if (snprintf(a->name, sizeof(a->name), "%s", pw->pw_name) >= (int)sizeof(a->name) ||
	    snprintf(a->home, sizeof(a->home), "%s", pw->pw_dir) >= (int)sizeof(a->home) ||
	    snprintf(a->shell, sizeof(a->shell), "%s",
	    pw->pw_shell != NULL && pw->pw_shell[0] != '\0' ? pw->pw_shell : "/bin/sh") >=
	    (int)sizeof(a->shell))
		return 0;
	a->uid = pw->pw_uid;
	a->gid = pw->pw_gid;
	return 1;
}

/* The environment of a session: what sshd sets for a non-pty exec. */
static void
build_env(const struct conn *c, const struct account *a, char env[ENV_MAX][768], char **envp,
    char *original_command)
{
	size_t n = 0;

	snprintf(env[n++], sizeof(env[0]), "USER=%s", a->name);
	snprintf(env[n++], sizeof(env[0]), "LOGNAME=%s", a->name);
	snprintf(env[n++], sizeof(env[0]), "HOME=%s", a->home);
	snprintf(env[n++], sizeof(env[0]), "SHELL=%s", a->shell);
	snprintf(env[n++], sizeof(env[0]), "PATH=%s", a->uid == 0 ? PATH_ROOT : PATH_USER);
	snprintf(env[n++], sizeof(env[0]), "SSH_CLIENT=%s %u %u", c->peer_addr, c->peer_port,
	    c->local_port);
	snprintf(env[n++], sizeof(env[0]), "SSH_CONNECTION=%s %u %s %u", c->peer_addr,
	    c->peer_port, c->local_addr, c->local_port);
	for (size_t i = 0; i < n; i++)
		envp[i] = env[i];
	/* A forced command learns what the client asked for, as with sshd. */
	if (original_command != NULL)
		envp[n++] = original_command;
	envp[n] = NULL;
}

/* In the child, between fork and exec. Never returns. */
static void
child_exec(const struct monitor *m, const struct account *a, const char *command, int in_fd,
    int out_fd, int err_fd, char **envp)
{
	const char *base = strrchr(a->shell, '/');
	char *argv[4];
	sigset_t none;

	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(126);
	/* Nothing of the monitor's may leak into a session: listeners, IPC
	 * sockets of other connections. */
	close_range(3, ~0U, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	if (setsid() < 0)
		_exit(126);
	if (m->privileged) {
		if (initgroups(a->name, a->gid) != 0 || setgid(a->gid) != 0 ||
		    setuid(a->uid) != 0 || (a->uid != 0 && setuid(0) == 0)) {
			dprintf(2, "rampart: cannot switch to user %s: %s\n", a->name,
			    strerror(errno));
			_exit(126);
		}
	}
	if (chdir(a->home) != 0) {
		dprintf(2, "rampart: cannot change to home directory %s: %s\n", a->home,
		    strerror(errno));
		if (chdir("/") != 0)
			_exit(126);
	}
	argv[0] = (char *)(base != NULL ? base + 1 : a->shell);
	argv[1] = (char *)"-c";
	argv[2] = (char *)command;
	argv[3] = NULL;
	execve(a->shell, argv, envp);
	dprintf(2, "rampart: cannot run %s: %s\n", a->shell, strerror(errno));
	_exit(127);
}

/* May c's user run command now: an exec rule allows it and max-sessions
 * is not reached (under the policy the connection was admitted with). */
static int
session_allowed(const struct monitor *m, const struct conn *c, const char *command, char *why,
    size_t whysz, char *rule, size_t rulesz)
{
	const struct rp_policy *p = c->pref->policy;
	struct rp_principal pr;
	struct rp_request req;
	struct rp_decision d;
	size_t running = 0;
	int ok = 0;

	(void)m;
	rule[0] = '\0';
	if (!rp_policy_resolve(p, c->user, &pr)) {
		snprintf(why, whysz, "user not in policy");
		return 0;
	}
	memset(&req, 0, sizeof(req));
	req.action = RP_ACTION_EXEC;
	req.name = command;
	if (!conn_decide(p, &pr, c, &req, &d, rule, rulesz)) {
		snprintf(why, whysz, d.rule != NULL ? "exec denied by policy" :
		    "no rule allows this command (deny by default)");
		goto out;
	}
	for (size_t i = 0; i < MAX_SESSIONS_PER_CONN; i++)
		running += c->sessions[i].in_use ? 1 : 0;
	if (running >= rp_principal_max_sessions(&pr)) {
		snprintf(why, whysz, "max-sessions (%u) reached", rp_principal_max_sessions(&pr));
		goto out;
	}
	ok = 1;
out:
	rp_principal_clear(&pr);
	return ok;
}

static void
deny(struct monitor *m, struct conn *c, uint32_t id, const char *reason)
{
	struct rp_ipc_denied d;
	CBB cbb;

	CBS_init(&d.reason, (const uint8_t *)reason, strlen(reason));
	if (rp_ipc_denied_build(&cbb, id, &d))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
}

static void
close_pipes(int p[3][2])
{
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (p[i][j] >= 0)
				close(p[i][j]);
}

const char *
handle_session_exec(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_session_exec req;
	struct session *slot = NULL;
	char why[256], rule[512];
	struct account acct;
	char env[ENV_MAX][768], *envp[ENV_MAX + 1], *command = NULL, shown[256];
	char *original = NULL; /* "SSH_ORIGINAL_COMMAND=..." with a forced command */
	int p[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } }, worker_fds[3];
	pid_t pid;
	CBB cbb;

	if (!rp_ipc_session_exec_read(payload, &req))
		return "malformed";
	for (size_t i = 0; i < MAX_SESSIONS_PER_CONN; i++) {
		if (c->sessions[i].in_use && c->sessions[i].number == req.session)
			return "session number already in use";
		if (!c->sessions[i].in_use && slot == NULL)
			slot = &c->sessions[i];
	}
	if (c->grant.forced_command[0] != '\0') {
		/* The key's command= or the certificate's force-command runs
		 * whatever the client asked; the policy judges what runs. */
		if (asprintf(&original, "SSH_ORIGINAL_COMMAND=%.*s", (int)CBS_len(&req.command),
		    (const char *)CBS_data(&req.command)) < 0)
			return "out of memory";
		CBS_init(&req.command, (const uint8_t *)c->grant.forced_command,
		    strlen(c->grant.forced_command));
	}
	rp_log_escape(CBS_data(&req.command), CBS_len(&req.command), shown, sizeof(shown));
	if (!CBS_strdup(&req.command, &command)) {
		free(original);
		return "out of memory";
	}
	if (!session_allowed(m, c, command, why, sizeof(why), rule, sizeof(rule))) {
		rp_info("conn=%llu exec denied user=%s command=\"%s\" reason=\"%s\"",
		    (unsigned long long)c->id, c->user, shown, why);
		monitor_audit_session_denied(m, c, "exec", CBS_data(&req.command),
		    CBS_len(&req.command), why, rule[0] ? rule : NULL);
		OPENSSL_free(command);
		free(original);
		deny(m, c, id, why);
		return NULL;
	}
	if (slot == NULL) {
		OPENSSL_free(command);
		free(original);
		deny(m, c, id, "too many sessions");
		return NULL;
	}
	if (!lookup_account(m, c, &acct)) {
		rp_error("conn=%llu no account to run a session for user %s",
		    (unsigned long long)c->id, c->user);
		OPENSSL_free(command);
		free(original);
		deny(m, c, id, "no account");
		return NULL;
	}
	build_env(c, &acct, env, envp, original);
	for (int i = 0; i < 3; i++) {
		if (pipe2(p[i], O_CLOEXEC) != 0) {
			rp_error("conn=%llu pipe: %s", (unsigned long long)c->id, strerror(errno));
			close_pipes(p);
			OPENSSL_free(command);
		free(original);
			deny(m, c, id, "cannot create pipes");
			return NULL;
		}
	}
	/* stdin: the child reads p[0][0], the worker writes p[0][1]; stdout
	 * and stderr the other way round. */
	pid = fork();
	if (pid < 0) {
		rp_error("conn=%llu fork: %s", (unsigned long long)c->id, strerror(errno));
		close_pipes(p);
		OPENSSL_free(command);
		free(original);
		deny(m, c, id, "cannot start a process");
		return NULL;
	}
	if (pid == 0)
		child_exec(m, &acct, command, p[0][0], p[1][1], p[2][1], envp);
	OPENSSL_free(command);
	free(original);
	close(p[0][0]);
	close(p[1][1]);
	close(p[2][1]);
	p[0][0] = p[1][1] = p[2][1] = -1;
	worker_fds[0] = p[0][1];
	worker_fds[1] = p[1][0];
	worker_fds[2] = p[2][0];
	/* The worker may not call fcntl: hand over non-blocking ends. */
	for (int i = 0; i < 3; i++)
		(void)fcntl(worker_fds[i], F_SETFL, O_NONBLOCK);
	slot->in_use = 1;
	slot->pid = pid;
	slot->number = req.session;
	rp_info("conn=%llu session %u started user=%s as=%s pid=%ld command=\"%s\"",
	    (unsigned long long)c->id, req.session, c->user, acct.name, (long)pid, shown);
	monitor_audit_session_start(m, c, req.session, "exec", CBS_data(&req.command),
	    CBS_len(&req.command), acct.name, (long)pid);
	if (rp_ipc_begin(&cbb, RP_IPC_SESSION_STARTED, id))
		(void)ipc_reply(m, c, &cbb, worker_fds, 3);
	close_pipes(p);
	return NULL;
}

void
session_reaped(struct monitor *m, struct conn *c, struct session *s, int status)
{
	struct rp_ipc_session_exited ev;
	CBB cbb;

	memset(&ev, 0, sizeof(ev));
	ev.session = s->number;
	if (WIFSIGNALED(status)) {
		const char *name = sigabbrev_np(WTERMSIG(status));

		ev.signalled = 1;
		snprintf(ev.signame, sizeof(ev.signame), "%s", name != NULL ? name : "KILL");
		ev.core_dumped = WCOREDUMP(status) ? 1 : 0;
		rp_info("conn=%llu session %u ended pid=%ld signal=SIG%s",
		    (unsigned long long)c->id, s->number, (long)s->pid, ev.signame);
	} else {
		ev.status = (uint32_t)WEXITSTATUS(status);
		rp_info("conn=%llu session %u ended pid=%ld status=%u", (unsigned long long)c->id,
		    s->number, (long)s->pid, ev.status);
	}
	s->in_use = 0;
	monitor_audit_session_end(m, c, s->number, status);
	if (c->ipc_fd < 0)
		return;
	if (rp_ipc_session_exited_build(&cbb, 0, &ev))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
}

void
sessions_hangup(struct conn *c)
{
	for (size_t i = 0; i < MAX_SESSIONS_PER_CONN; i++) {
		if (c->sessions[i].in_use && c->sessions[i].pid > 0) {
			/* The session leads its own process group (setsid). */
			kill(-c->sessions[i].pid, SIGHUP);
			c->sessions[i].in_use = 0;
		}
	}
}

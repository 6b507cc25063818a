/*
 * monitor/session_spawn.c: starting a session's process as the user:
 * with pipes, or on a pseudo-terminal that becomes its controlling
 * terminal.
 *
 * The process runs as the user's system account when rampartd runs as root
 * (as rampartd's own account otherwise), in its own session (setsid), with
 * the user's groups, home directory, the policy's umask and a clean login
 * environment. A shell is the account's login shell started as a login
 * shell ("-bash"); a command or subsystem runs as `SHELL -c COMMAND`, as
 * with sshd. Only descriptor ends go to the worker, which never gains a
 * privilege.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "common/log.h"
#include "monitor/monitor.h"

#define PATH_USER "/usr/local/bin:/usr/bin:/bin:/usr/games"
#define PATH_ROOT "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* The server's own variables, besides the client's allowed ones. */
#define ENV_SERVER_MAX 16
#define ENV_MAX (ENV_SERVER_MAX + RP_IPC_MAX_ENV)

int
session_account(const struct monitor *m, const char *user, struct session_account *a)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	memset(a, 0, sizeof(*a));
	if ((m->privileged ? getpwnam_r(user, &pw, buf, sizeof(buf), &res) :
	    getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res)) != 0 || res == NULL)
		return 0;
	if (snprintf(a->name, sizeof(a->name), "%s", pw.pw_name) >= (int)sizeof(a->name) ||
	    snprintf(a->home, sizeof(a->home), "%s", pw.pw_dir) >= (int)sizeof(a->home) ||
	    snprintf(a->shell, sizeof(a->shell), "%s",
	    pw.pw_shell != NULL && pw.pw_shell[0] != '\0' ? pw.pw_shell : "/bin/sh") >=
	    (int)sizeof(a->shell))
		return 0;
	a->uid = pw.pw_uid;
	a->gid = pw.pw_gid;
	return 1;
}

int
session_account_exists(const struct monitor *m, const struct conn *c, char *why, size_t whysz)
{
	struct session_account acct;

	if (!session_account(m, c->user, &acct)) {
		snprintf(why, whysz, "no account for %s", c->user);
		return 0;
	}
	return 1;
}

/* envp[n++] = "NAME=VALUE"; 0 when out of room or memory. */
static int
env_add(char **envp, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
env_add(char **envp, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n >= ENV_MAX)
		return 0;
	va_start(ap, fmt);
	r = vasprintf(&envp[*n], fmt, ap);
	va_end(ap);
	if (r < 0) {
		envp[*n] = NULL;
		return 0;
	}
	(*n)++;
	return 1;
}

static void
env_free(char **envp)
{
	for (size_t i = 0; envp[i] != NULL; i++)
		free(envp[i]);
}

/* Is name one of the variables the server sets itself? Those win over
 * the client's (an administrator who allows `env *` still cannot let a
 * client forge SSH_CONNECTION or HOME). */
static int
server_variable(const char *var)
{
	static const char *const own[] = { "USER=", "LOGNAME=", "HOME=", "SHELL=", "PATH=",
		"MAIL=", "TERM=", "SSH_TTY=", "SSH_CLIENT=", "SSH_CONNECTION=",
		"SSH_ORIGINAL_COMMAND=", "SSH_AUTH_SOCK=", "DISPLAY=" };

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strncmp(var, own[i], strlen(own[i])) == 0)
			return 1;
	return 0;
}

/* The environment of a session: what sshd sets, then the client's
 * allowed variables. */
static int
build_env(const struct conn *c, const struct session_account *a,
    const struct spawn_request *rq, const char *tty, char **envp)
{
	size_t n = 0;
	int ok;

	ok = env_add(envp, &n, "USER=%s", a->name) && env_add(envp, &n, "LOGNAME=%s", a->name) &&
	    env_add(envp, &n, "HOME=%s", a->home) && env_add(envp, &n, "SHELL=%s", a->shell) &&
	    env_add(envp, &n, "PATH=%s", a->uid == 0 ? PATH_ROOT : PATH_USER) &&
	    env_add(envp, &n, "MAIL=/var/mail/%s", a->name) &&
	    env_add(envp, &n, "SSH_CLIENT=%s %u %u", c->peer_addr, c->peer_port,
	    c->local_port) &&
	    env_add(envp, &n, "SSH_CONNECTION=%s %u %s %u", c->peer_addr, c->peer_port,
	    c->local_addr, c->local_port);
	if (ok && rq->pty && rq->term[0] != '\0')
		ok = env_add(envp, &n, "TERM=%s", rq->term);
	if (ok && rq->pty)
		ok = env_add(envp, &n, "SSH_TTY=%s", tty);
	/* A forced command learns what the client asked for, as with sshd. */
	if (ok && rq->original_command != NULL)
		ok = env_add(envp, &n, "SSH_ORIGINAL_COMMAND=%s", rq->original_command);
	if (ok && rq->auth_sock != NULL)
		ok = env_add(envp, &n, "SSH_AUTH_SOCK=%s", rq->auth_sock);
	if (ok && rq->x11)
		ok = env_add(envp, &n, "DISPLAY=localhost:%u.%u", rq->x11_display,
		    rq->x11_screen);
	for (size_t i = 0; ok && i < rq->nenv; i++)
		if (!server_variable(rq->env[i]))
			ok = env_add(envp, &n, "%s", rq->env[i]);
	envp[n] = NULL;
	return ok;
}

/* In the child, between fork and exec. Never returns. */
static void
child_exec(const struct monitor *m, const struct session_account *a,
    const struct spawn_request *rq, int in_fd, int out_fd, int err_fd, int tty_fd, char **envp)
{
	const char *base = strrchr(a->shell, '/');
	char login_name[sizeof(a->shell) + 1];
	char *argv[4];
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	if (setsid() < 0)
		_exit(126);
	/* The first terminal a session leader opens without O_NOCTTY, or
	 * TIOCSCTTY, makes it the controlling terminal: job control, ^C and
	 * SIGHUP on hangup then work as on a console. */
	if (tty_fd >= 0 && ioctl(tty_fd, TIOCSCTTY, 0) < 0)
		_exit(126);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(126);
	/* Nothing of the monitor's may leak into a session: listeners, IPC
	 * sockets of other connections, the pty master. */
	close_range(3, ~0U, 0);
	if (m->privileged) {
		if (initgroups(a->name, a->gid) != 0 || setgid(a->gid) != 0 ||
		    setuid(a->uid) != 0 || (a->uid != 0 && setuid(0) == 0)) {
			dprintf(2, "rampart: cannot switch to user %s: %s\n", a->name,
			    strerror(errno));
			_exit(126);
		}
	}
	umask((mode_t)rq->umask);
	if (chdir(a->home) != 0) {
		dprintf(2, "rampart: cannot change to home directory %s: %s\n", a->home,
		    strerror(errno));
		if (chdir("/") != 0)
			_exit(126);
	}
	if (rq->x11)
		x11_xauth_add(rq->x11_display, rq->x11_screen, rq->x11_proto, rq->x11_cookie,
		    envp);
	base = base != NULL ? base + 1 : a->shell;
	if (rq->command == NULL) {
		/* A login shell: argv[0] starts with '-' (login(1)'s way). */
		snprintf(login_name, sizeof(login_name), "-%s", base);
		argv[0] = login_name;
		argv[1] = NULL;
	} else {
		argv[0] = (char *)base;
		argv[1] = (char *)"-c";
		argv[2] = (char *)rq->command;
		argv[3] = NULL;
	}
	execve(a->shell, argv, envp);
	dprintf(2, "rampart: cannot run %s: %s\n", a->shell, strerror(errno));
	_exit(127);
}

static void
close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* The pty for a session: master (kept by the caller) and the slave, set
 * to the client's size and modes, owned by the user (mode 0620, group
 * tty, as login(1) leaves a terminal). */
static int
open_pty(const struct monitor *m, const struct session_account *a,
    const struct spawn_request *rq, int *master, int *slave, char *tty, size_t ttysz,
    char *why, size_t whysz)
{
	struct termios tio;
	struct group gr, *res = NULL;
	char buf[1024];

	*master = *slave = -1;
	if ((*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
	    grantpt(*master) != 0 || unlockpt(*master) != 0 ||
	    ptsname_r(*master, tty, ttysz) != 0 ||
	    (*slave = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		snprintf(why, whysz, "cannot allocate a pty: %s", strerror(errno));
		goto fail;
	}
	if (m->privileged) {
		gid_t gid = getgrnam_r("tty", &gr, buf, sizeof(buf), &res) == 0 && res != NULL ?
		    gr.gr_gid : a->gid;

		if (fchown(*slave, a->uid, gid) != 0 || fchmod(*slave, 0620) != 0) {
			snprintf(why, whysz, "cannot give the pty to %s: %s", a->name,
			    strerror(errno));
			goto fail;
		}
	}
	if (tcgetattr(*slave, &tio) == 0) {
		if (pty_modes_apply(rq->modes, rq->modes_len, &tio) < 0)
			rp_debug("pty modes malformed; the rest ignored");
		(void)tcsetattr(*slave, TCSANOW, &tio);
	}
	(void)pty_set_size(*master, rq->cols, rq->rows, rq->width_px, rq->height_px);
	{
		/* Packet mode: every read of the master starts with a status
		 * byte, and a status alone tells when the terminal's own
		 * ^S/^Q flow control is switched on or off, which the worker
		 * passes on as xon-xoff (RFC 4254 6.8). */
		int one = 1;

		if (ioctl(*master, TIOCPKT, &one) != 0) {
			snprintf(why, whysz, "cannot set the pty to packet mode: %s",
			    strerror(errno));
			goto fail;
		}
	}
	return 1;
fail:
	if (*slave >= 0)
		close(*slave);
	if (*master >= 0)
		close(*master);
	*master = *slave = -1;
	return 0;
}

int
session_spawn(const struct monitor *m, const struct conn *c, const struct spawn_request *rq,
    struct spawned *out, char *why, size_t whysz)
{
	struct session_account acct;
	char *envp[ENV_MAX + 1];
	int p[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	int master = -1, slave = -1;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	out->master = -1;
	for (size_t i = 0; i < 3; i++)
		out->fds[i] = -1;
	envp[0] = NULL;
	if (!session_account(m, c->user, &acct)) {
		snprintf(why, whysz, "no account for user %s", c->user);
		return 0;
	}
	if (rq->pty) {
		if (!open_pty(m, &acct, rq, &master, &slave, out->tty, sizeof(out->tty), why,
		    whysz))
			return 0;
	} else {
		for (int i = 0; i < 3; i++) {
			if (pipe2(p[i], O_CLOEXEC) != 0) {
				snprintf(why, whysz, "cannot create pipes: %s", strerror(errno));
				close_all(&p[0][0], 6);
				return 0;
			}
		}
	}
	if (!build_env(c, &acct, rq, out->tty, envp)) {
		snprintf(why, whysz, "cannot build the environment");
		goto fail;
	}
	if ((pid = fork()) < 0) {
		snprintf(why, whysz, "cannot start a process: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		if (rq->pty)
			child_exec(m, &acct, rq, slave, slave, slave, slave, envp);
		/* stdin: the child reads p[0][0]; stdout and stderr: it
		 * writes p[1][1] and p[2][1]. */
		child_exec(m, &acct, rq, p[0][0], p[1][1], p[2][1], -1, envp);
	}
	env_free(envp);
	snprintf(out->as, sizeof(out->as), "%s", acct.name);
	out->pid = pid;
	if (rq->pty) {
		close(slave);
		/* The worker gets two descriptors for the master, one it reads
		 * and one it writes, like the pipes; the monitor keeps the
		 * original for resizes and breaks. */
		out->fds[0] = fcntl(master, F_DUPFD_CLOEXEC, 3);
		out->fds[1] = fcntl(master, F_DUPFD_CLOEXEC, 3);
		out->nfds = 2;
		out->master = master;
		if (out->fds[0] < 0 || out->fds[1] < 0)
			rp_error("conn=%llu cannot duplicate the pty master: %s",
			    (unsigned long long)c->id, strerror(errno));
	} else {
		close(p[0][0]);
		close(p[1][1]);
		close(p[2][1]);
		out->fds[0] = p[0][1];
		out->fds[1] = p[1][0];
		out->fds[2] = p[2][0];
		out->nfds = 3;
	}
	/* The worker may not call fcntl: hand over non-blocking ends (the
	 * O_NONBLOCK flag belongs to the open file, so it holds for the
	 * monitor's pty master too, which only ever gets ioctls). */
	for (size_t i = 0; i < out->nfds; i++)
		if (out->fds[i] >= 0)
			(void)fcntl(out->fds[i], F_SETFL, O_NONBLOCK);
	return 1;
fail:
	env_free(envp);
	close_all(&p[0][0], 6);
	if (slave >= 0)
		close(slave);
	if (master >= 0)
		close(master);
	return 0;
}

void
session_pty_release(const struct monitor *m, struct session *s)
{
	/* Give the terminal back to root, as login(1) does, in case a
	 * process still holds it open. Only while the monitor's master is
	 * still open: after that the pts number can be handed to another
	 * session, whose terminal this must never touch. */
	if (m->privileged && s->tty[0] != '\0' && s->pty_master >= 0) {
		if (chown(s->tty, 0, 0) != 0 || chmod(s->tty, 0600) != 0)
			rp_debug("pty %s: %s", s->tty, strerror(errno));
	}
	if (s->pty_master >= 0) {
		close(s->pty_master);
		s->pty_master = -1;
	}
	s->tty[0] = '\0';
}

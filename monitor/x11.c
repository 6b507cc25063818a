/*
 * monitor/x11.c: X11 forwarding (x11-req, RFC 4254 6.3). For a session
 * that asked for it, and where the key allows it and the policy's `x11`
 * rule does, the monitor binds a display on the loopback addresses
 * (127.0.0.1 and ::1, TCP port 6000 + N for the first free N from 10, as
 * sshd's X11UseLocalhost does) and hands the listening sockets to the
 * worker, which offers each connection to the client as an x11 channel.
 *
 * The session finds the display in DISPLAY=localhost:N.SCREEN, and the
 * client's cookie (a fake one: the client checks it on every x11 channel
 * and puts the real one in its place) in the user's ~/.Xauthority, where
 * the session's process puts it with xauth(1) before running anything,
 * as the user. The display closes with the session channel.
 *
 * Both the protocol name and the cookie were checked by the IPC reader
 * (letters, digits and -._ ; hexadecimal), so they cannot smuggle another
 * xauth command through its standard input.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "monitor/monitor.h"

#define XAUTH_PATH "/usr/bin/xauth"
/* sshd's X11DisplayOffset, and how many displays it tries. */
#define X11_DISPLAY_FIRST 10
#define X11_DISPLAY_TRIES 1000
#define X11_PORT_BASE 6000

int
x11_available(const struct monitor *m, const struct conn *c, char *why, size_t whysz)
{
	if (!session_account_exists(m, c, why, whysz))
		return 0;
	/* Without xauth the session could not use the display: refuse the
	 * request rather than hand out a display nobody can open. */
	if (access(XAUTH_PATH, X_OK) != 0) {
		snprintf(why, whysz, "X11 forwarding needs %s: %s", XAUTH_PATH, strerror(errno));
		return 0;
	}
	return 1;
}

size_t
x11_display_open(int fds[2], uint32_t *display, char *why, size_t whysz)
{
	int err = EADDRINUSE;

	for (uint32_t n = X11_DISPLAY_FIRST; n < X11_DISPLAY_FIRST + X11_DISPLAY_TRIES &&
	    X11_PORT_BASE + n <= 65535; n++) {
		size_t nfds = listen_loopback((uint16_t)(X11_PORT_BASE + n), fds);

		if (nfds > 0) {
			*display = n;
			return nfds;
		}
		if ((err = errno) != EADDRINUSE)
			break;
	}
	snprintf(why, whysz, "no X11 display free: %s", strerror(err));
	return 0;
}

void
x11_xauth_add(uint32_t display, uint32_t screen, const char *proto, const char *cookie,
    char *const envp[])
{
	char *const argv[] = { (char *)"xauth", (char *)"-q", (char *)"-", NULL };
	int in[2], status = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) != 0) {
		dprintf(2, "rampart: X11 forwarding: cannot run xauth: %s\n", strerror(errno));
		return;
	}
	if ((pid = fork()) < 0) {
		dprintf(2, "rampart: X11 forwarding: cannot run xauth: %s\n", strerror(errno));
		close(in[0]);
		close(in[1]);
		return;
	}
	if (pid == 0) {
		if (dup2(in[0], 0) < 0)
			_exit(126);
		execve(XAUTH_PATH, argv, envp);
		_exit(127);
	}
	close(in[0]);
	/* xauth ending early must not end the session with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	/* "unix:N" is how xauth names the local display that
	 * localhost:N reaches, as sshd writes it. */
	dprintf(in[1], "remove unix:%u.%u\nadd unix:%u.%u %s %s\n", display, screen, display,
	    screen, proto, cookie);
	close(in[1]);
	signal(SIGPIPE, SIG_DFL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		dprintf(2, "rampart: X11 forwarding: xauth failed; the display may refuse "
		    "connections\n");
}

/*
 * monitor/agent.c: agent forwarding (auth-agent-req@openssh.com, OpenSSH's
 * PROTOCOL 1.8). For a session that asked for it, and where the key allows
 * it and the policy's `agent` rule does, the monitor creates a listening
 * Unix socket the session's processes find in SSH_AUTH_SOCK, and hands it
 * to the worker, which offers each connection to the client as an
 * auth-agent@openssh.com channel.
 *
 * The socket lives in a directory of its own, made by the monitor with
 * mkdtemp (so nobody can have prepared it) and given to the user only
 * once the socket is in place: /tmp/rampart-agent-XXXXXXXXXX (0700) and
 * agent.CONN.SESSION in it (0600), both the user's, like sshd's. Both are
 * removed when the session ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "monitor/monitor.h"

#define AGENT_DIR_TEMPLATE "/tmp/rampart-agent-XXXXXXXXXX"
#define AGENT_BACKLOG 16

void
agent_socket_remove(char *path)
{
	char *slash;

	if (path[0] == '\0')
		return;
	if (unlink(path) != 0 && errno != ENOENT)
		rp_debug("agent socket %s: %s", path, strerror(errno));
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		if (rmdir(path) != 0 && errno != ENOENT)
			rp_debug("agent directory %s: %s", path, strerror(errno));
	}
	path[0] = '\0';
}

int
agent_socket_create(const struct monitor *m, const struct conn *c, uint32_t session,
    char *path, size_t pathsz, char *why, size_t whysz)
{
	struct session_account acct;
	struct sockaddr_un sun;
	char dir[] = AGENT_DIR_TEMPLATE;
	int fd = -1, n;

	path[0] = '\0';
	if (!session_account(m, c->user, &acct)) {
		snprintf(why, whysz, "no account for %s", c->user);
		return -1;
	}
	if (mkdtemp(dir) == NULL) {
		snprintf(why, whysz, "cannot create the agent directory: %s", strerror(errno));
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/agent.%llu.%u", dir,
	    (unsigned long long)c->id, session);
	if (n < 0 || (size_t)n >= sizeof(sun.sun_path) || (size_t)n >= pathsz) {
		snprintf(why, whysz, "agent socket path too long");
		(void)rmdir(dir);
		return -1;
	}
	snprintf(path, pathsz, "%s", sun.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    listen(fd, AGENT_BACKLOG) != 0) {
		snprintf(why, whysz, "cannot create the agent socket: %s", strerror(errno));
		goto fail;
	}
	/* The directory is the monitor's (0700) until here, so nobody else
	 * can touch the socket between its creation and these. */
	if (fchmodat(AT_FDCWD, path, 0600, 0) != 0 ||
	    (m->privileged && (fchownat(AT_FDCWD, path, acct.uid, acct.gid,
	    AT_SYMLINK_NOFOLLOW) != 0 || fchownat(AT_FDCWD, dir, acct.uid, acct.gid,
	    AT_SYMLINK_NOFOLLOW) != 0))) {
		snprintf(why, whysz, "cannot give the agent socket to %s: %s", acct.name,
		    strerror(errno));
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	agent_socket_remove(path); /* and its directory */
	return -1;
}

/*
 * monitor/sd_notify.c: tell systemd how rampartd is doing (Type=notify),
 * without linking libsystemd.
 *
 * The protocol is sd_notify(3)'s: one datagram of newline-separated
 * KEY=VALUE lines to the AF_UNIX socket named by $NOTIFY_SOCKET, a path or,
 * with a leading '@', a name in the abstract namespace. rampartd sends
 * READY=1 once it listens, RELOADING=1 and READY=1 around a policy reload,
 * and STOPPING=1 when it begins to shut down; STATUS= says the same in words
 * for `systemctl status`.
 *
 * The variable is read once at startup and removed from the environment,
 * so workers and sessions never see it. Without it every call does nothing:
 * rampartd started by hand or by another supervisor.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "monitor/monitor.h"

static struct sockaddr_un notify_addr;
static socklen_t notify_len; /* 0: no supervisor listening */

int
monitor_notify_init(void)
{
	const char *name = getenv("NOTIFY_SOCKET");
	size_t len;

	notify_len = 0;
	if (name == NULL)
		return 1;
	len = strlen(name);
	if (len < 2 || len >= sizeof(notify_addr.sun_path) || (name[0] != '/' && name[0] != '@')) {
		rp_warn("NOTIFY_SOCKET \"%s\" is not a socket path or abstract name: not "
		    "reporting readiness", name);
		(void)unsetenv("NOTIFY_SOCKET");
		return 0;
	}
	memset(&notify_addr, 0, sizeof(notify_addr));
	notify_addr.sun_family = AF_UNIX;
	memcpy(notify_addr.sun_path, name, len);
	if (name[0] == '@')
		notify_addr.sun_path[0] = '\0';
	notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (name[0] == '@' ? 0 : 1));
	(void)unsetenv("NOTIFY_SOCKET");
	return 1;
}

void
monitor_notify(const char *state)
{
	int fd;
	ssize_t n;

	if (notify_len == 0)
		return;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		rp_warn("sd_notify: socket: %s", strerror(errno));
		return;
	}
	do {
		n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		    (const struct sockaddr *)&notify_addr, notify_len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		rp_warn("sd_notify: cannot tell the service manager \"%s\": %s", state,
		    strerror(errno));
	close(fd);
}

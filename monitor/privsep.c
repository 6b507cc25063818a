/*
 * monitor/privsep.c: what privilege separation needs before the first
 * connection: the worker program, and in privileged mode the unprivileged
 * worker account and an empty root-owned directory to chroot into.
 *
 * Unprivileged mode (rampartd not run as root, for demos and tests): workers
 * keep rampartd's uid and skip chroot and setuid; every other part of the
 * sandbox still applies, and sessions run as rampartd's own account.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "monitor/monitor.h"

int
privsep_find_worker(struct monitor *m, const char *override)
{
	char self[PATH_MAX], candidate[PATH_MAX + 32], *dir;
	ssize_t n;
	int fd;
	struct stat st;

	if (override != NULL) {
		snprintf(candidate, sizeof(candidate), "%s", override);
	} else {
		/* Next to rampartd (a build tree), else the install path. */
		candidate[0] = '\0';
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n > 0) {
			self[n] = '\0';
			dir = dirname(self);
			snprintf(candidate, sizeof(candidate), "%s/rampart-worker", dir);
		}
		if (candidate[0] == '\0' || access(candidate, X_OK) != 0)
			snprintf(candidate, sizeof(candidate), "%s/rampart-worker",
			    RAMPART_LIBEXECDIR);
	}
	if ((m->worker_path = realpath(candidate, NULL)) == NULL) {
		rp_error("worker program %s: %s", candidate, strerror(errno));
		return 0;
	}
	/* Held open for the daemon's life: every worker is executed through
	 * this descriptor, so the program checked here is the one that runs,
	 * even after a package upgrade replaces the file on disk (the new
	 * program starts with the new rampartd). */
	if ((fd = open(m->worker_path, O_PATH | O_CLOEXEC)) < 0) {
		rp_error("worker program %s: %s", m->worker_path, strerror(errno));
		return 0;
	}
	/* Above the numbers workers get (common/ipc.h), so that handing out
	 * a worker's descriptors never overwrites it. */
	m->worker_fd = fcntl(fd, F_DUPFD_CLOEXEC, RP_WORKER_FD_EXE + 1);
	close(fd);
	if (m->worker_fd < 0) {
		rp_error("worker program %s: %s", m->worker_path, strerror(errno));
		return 0;
	}
	if (fstat(m->worker_fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    access(m->worker_path, X_OK) != 0) {
		rp_error("worker program %s is not an executable file", m->worker_path);
		return 0;
	}
	/* As root we start it before it drops privileges: nobody but root may
	 * be able to change it. */
	if (geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & 022) != 0)) {
		rp_error("worker program %s must be owned by root and not writable by group or "
		    "others", m->worker_path);
		return 0;
	}
	return 1;
}

/* Every component of path must be a root-owned directory that only root
 * can write, as sshd demands of a ChrootDirectory. */
static int
check_root_owned_path(const char *path)
{
	char buf[PATH_MAX];
	struct stat st;
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf) || path[0] != '/')
		return 0;
	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		memcpy(buf, path, i);
		buf[i] = '\0';
		if (lstat(buf, &st) != 0) {
			rp_error("worker-chroot %s: %s: %s", path, buf, strerror(errno));
			return 0;
		}
		if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) != 0) {
			rp_error("worker-chroot %s: %s must be a directory owned by root and "
			    "writable only by root", path, buf);
			return 0;
		}
	}
	return 1;
}

static int
make_dirs(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return 0;
	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		memcpy(buf, path, i);
		buf[i] = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return 0;
	}
	return 1;
}

static int
is_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

int
privsep_prepare(struct monitor *m)
{
	const char *user = m->policy->worker_user, *dir = m->policy->worker_chroot;
	struct passwd *pw;

	m->privileged = geteuid() == 0;
	if (!m->privileged) {
		rp_warn("running unprivileged (uid %ld): workers keep this uid without chroot, "
		    "and sessions run as this account", (long)geteuid());
		return 1;
	}
	if ((pw = getpwnam(user)) == NULL) {
		rp_error("worker-user %s does not exist; create it with: useradd --system "
		    "--no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin %s",
		    user, user);
		return 0;
	}
	if (pw->pw_uid == 0) {
		rp_error("worker-user %s must not be root", user);
		return 0;
	}
	m->worker_uid = pw->pw_uid;
	m->worker_gid = pw->pw_gid;
	if (access(dir, F_OK) != 0) {
		if (!make_dirs(dir)) {
			rp_error("worker-chroot %s: cannot create it: %s", dir, strerror(errno));
			return 0;
		}
		rp_info("created the empty worker chroot %s", dir);
	}
	if (!check_root_owned_path(dir))
		return 0;
	if (!is_empty_dir(dir)) {
		rp_error("worker-chroot %s must be empty", dir);
		return 0;
	}
	return 1;
}

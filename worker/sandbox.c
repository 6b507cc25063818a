/*
 * worker/sandbox.c: the worker's lock-down, in the order that makes each
 * step possible: chroot and the capability bounding set need root, so they
 * come before the uid change; no_new_privs before seccomp (required for an
 * unprivileged seccomp filter); seccomp last.
 */
#include "worker/sandbox.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* Descriptors: the two sockets, three per session (16 sessions) and slack
 * for descriptors in flight. New ones only arrive from the monitor. */
#define WORKER_MAX_FDS 64

static int
set_error(char *err, size_t errsz, const char *what)
{
	snprintf(err, errsz, "%s: %s", what, strerror(errno));
	return 0;
}

static int
drop_root(const struct sandbox_params *p, char *err, size_t errsz)
{
	uid_t r, e, s;

	if (chroot(p->chroot_dir) != 0)
		return set_error(err, errsz, "chroot");
	if (chdir("/") != 0)
		return set_error(err, errsz, "chdir /");
	if (setgroups(0, NULL) != 0)
		return set_error(err, errsz, "setgroups");
	/* Empty the bounding set while we still hold CAP_SETPCAP, so nothing
	 * executed later could regain a capability. */
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
			return set_error(err, errsz, "drop capability bounding set");
	}
	if (setresgid(p->gid, p->gid, p->gid) != 0)
		return set_error(err, errsz, "setresgid");
	if (setresuid(p->uid, p->uid, p->uid) != 0)
		return set_error(err, errsz, "setresuid");
	/* Trust, but verify: root must be gone for good. */
	if (getresuid(&r, &e, &s) != 0 || r != p->uid || e != p->uid || s != p->uid ||
	    (p->uid != 0 && setuid(0) == 0)) {
		snprintf(err, errsz, "privileges were not dropped");
		return 0;
	}
	return 1;
}

static int
drop_capabilities(char *err, size_t errsz)
{
	cap_t none = cap_init();
	int ok;

	if (none == NULL)
		return set_error(err, errsz, "cap_init");
	ok = cap_set_proc(none) == 0;
	cap_free(none);
	if (!ok)
		return set_error(err, errsz, "cap_set_proc");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return set_error(err, errsz, "clear ambient capabilities");
	return 1;
}

/* Lower a limit to value (never raise it: an inherited lower hard limit
 * stays, and raising it would need privileges we no longer want). */
static int
limit(int resource, rlim_t value, const char *name, char *err, size_t errsz)
{
	struct rlimit rl;

	if (getrlimit(resource, &rl) != 0)
		return set_error(err, errsz, name);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < value)
		value = rl.rlim_max;
	rl.rlim_cur = rl.rlim_max = value;
	if (setrlimit(resource, &rl) != 0)
		return set_error(err, errsz, name);
	return 1;
}

static int
set_limits(const struct sandbox_params *p, char *err, size_t errsz)
{
	/* No file growth: the worker holds no file it should write (in debug
	 * mode its stderr is the log, which may be a file). */
	if (!p->debug && !limit(RLIMIT_FSIZE, 0, "RLIMIT_FSIZE", err, errsz))
		return 0;
	/* No processes, no core dumps (they would hold keys), no locked
	 * memory, a bounded descriptor table. */
	if (!limit(RLIMIT_NPROC, 0, "RLIMIT_NPROC", err, errsz) ||
	    !limit(RLIMIT_CORE, 0, "RLIMIT_CORE", err, errsz) ||
	    !limit(RLIMIT_MEMLOCK, 0, "RLIMIT_MEMLOCK", err, errsz) ||
	    !limit(RLIMIT_NOFILE, WORKER_MAX_FDS, "RLIMIT_NOFILE", err, errsz))
		return 0;
#ifndef RAMPART_SANITIZER_BUILD
	/* A memory ceiling per connection (AddressSanitizer reserves terabytes
	 * of address space for its shadow, so not in sanitizer builds). */
	if (!limit(RLIMIT_AS, (rlim_t)1 << 30, "RLIMIT_AS", err, errsz))
		return 0;
#endif
	return 1;
}

int
sandbox_enter(const struct sandbox_params *p, char *err, size_t errsz)
{
	if (p->drop_privileges && !drop_root(p, err, errsz))
		return 0;
	if (!drop_capabilities(err, errsz))
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return set_error(err, errsz, "PR_SET_NO_NEW_PRIVS");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return set_error(err, errsz, "PR_SET_DUMPABLE");
	if (!set_limits(p, err, errsz))
		return 0;
	if (!seccomp_policy_install())
		return set_error(err, errsz, "seccomp");
	return 1;
}

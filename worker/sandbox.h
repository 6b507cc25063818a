/*
 * worker/sandbox.h: how a worker locks itself down before it reads a byte
 * from the network (DESIGN.md, "Processes and trust").
 */
#ifndef RAMPART_WORKER_SANDBOX_H
#define RAMPART_WORKER_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

struct sandbox_params {
	/* Started as root: chroot to chroot_dir and become uid/gid. When the
	 * monitor runs unprivileged these are skipped; nothing else is. */
	int drop_privileges;
	uid_t uid;
	gid_t gid;
	const char *chroot_dir;
	/* Debug mode: stderr is the monitor's log, which may be a regular
	 * file, so file writes cannot be limited to zero bytes. */
	int debug;
};

/* chroot + setuid (when privileged), drop every capability, no_new_privs,
 * not dumpable, resource limits, then the seccomp allow-list. Returns 1, or
 * 0 with err set; the caller must exit on failure. */
int sandbox_enter(const struct sandbox_params *p, char *err, size_t errsz);

/* worker/seccomp_policy.c: install the syscall allow-list (kill the process
 * on anything else). Returns 0 with errno on failure. */
int seccomp_policy_install(void);

#endif

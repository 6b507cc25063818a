/*
 * worker/seccomp_policy.c: the worker's whole syscall allow-list.
 *
 * Everything not listed here kills the worker (SECCOMP_RET_KILL_PROCESS),
 * and the monitor logs it. The worker cannot open files or sockets, start
 * processes, or map executable memory: what it needs from the world arrives
 * as descriptors from the monitor over the IPC socket.
 *
 * Each entry says why the worker needs it and why it is safe. Adding one
 * needs the same two sentences (DEVELOPERS guide: never weaken the sandbox
 * for convenience).
 */
#include "worker/sandbox.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/futex.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>

#define ALLOW(ctx, name) seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(name), 0)

int
seccomp_policy_install(void)
{
	scmp_filter_ctx ctx;
	int rc = 0;

	/* Default: kill the whole process. Foreign architectures (i386, x32
	 * syscall entry) are killed too: libseccomp's bad-arch default. */
	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		return 0;

	/* read/write: the client socket and the pipes of sessions, all
	 * descriptors the worker already holds. */
	rc |= ALLOW(ctx, read);
	rc |= ALLOW(ctx, write);
	/* recvmsg/sendmsg: the IPC socket to the monitor; recvmsg is how
	 * session descriptors arrive (SCM_RIGHTS). No new sockets can be made
	 * (socket, connect, bind are not allowed). */
	rc |= ALLOW(ctx, recvmsg);
	rc |= ALLOW(ctx, sendmsg);
	/* poll: the event loop waits on descriptors it holds. */
	rc |= ALLOW(ctx, poll);
	rc |= ALLOW(ctx, ppoll);
	/* restart_syscall: when a stopped worker continues (SIGSTOP/SIGCONT,
	 * the cgroup freezer, suspend and resume, a debugger attaching), the
	 * kernel resumes an interrupted poll with a timeout through this call.
	 * It only continues that already-allowed poll with its saved
	 * arguments; without it, freezing a worker killed it. */
	rc |= ALLOW(ctx, restart_syscall);
	/* shutdown: a forwarded socket's end of input (the client sent EOF)
	 * must reach the target as a FIN while its answer still flows back.
	 * It acts only on sockets the worker already holds (the monitor
	 * connected them) and cannot create or connect anything. */
	rc |= ALLOW(ctx, shutdown);
	/* accept4: connections to a tcpip-forward (ssh -R) arrive on
	 * listening sockets the monitor bound under policy and handed over;
	 * accept4 takes a connection from a socket the worker already holds
	 * and cannot create, bind or connect one. Only with exactly
	 * SOCK_NONBLOCK | SOCK_CLOEXEC, the flags worker/listen.c uses. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(accept4), 1,
	    SCMP_A3(SCMP_CMP_EQ, SOCK_NONBLOCK | SOCK_CLOEXEC));
	/* setsockopt(IPPROTO_TCP, TCP_QUICKACK) only: the transport asks
	 * TCP to acknowledge a short read at once instead of after the
	 * delayed-ACK timer, which otherwise stalls clients that use Nagle's
	 * algorithm (common/transport.c, ack_now). It changes when this
	 * socket sends ACKs and nothing else; no other level or option. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 2,
	    SCMP_A1(SCMP_CMP_EQ, IPPROTO_TCP), SCMP_A2(SCMP_CMP_EQ, TCP_QUICKACK));
	/* close: release descriptors of finished channels. */
	rc |= ALLOW(ctx, close);
	/* exit/exit_group: ending the worker. */
	rc |= ALLOW(ctx, exit);
	rc |= ALLOW(ctx, exit_group);
	/* brk, munmap, mremap: malloc's heap. mmap and mprotect only without
	 * PROT_EXEC, so no new code can be mapped. madvise: free() returns
	 * memory with MADV_DONTNEED/MADV_FREE; advice cannot grant access. */
	rc |= ALLOW(ctx, brk);
	rc |= ALLOW(ctx, munmap);
	rc |= ALLOW(ctx, mremap);
	rc |= ALLOW(ctx, madvise);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* getrandom: BoringSSL's RNG (ephemeral kex keys, padding, cookies)
	 * and glibc's malloc; it reads the kernel RNG and nothing else. */
	rc |= ALLOW(ctx, getrandom);
	/* clock_gettime/gettimeofday: normally answered by the vDSO without
	 * a syscall; some clock sources fall back to the syscall. Read-only. */
	rc |= ALLOW(ctx, clock_gettime);
	rc |= ALLOW(ctx, gettimeofday);
	/* futex: BoringSSL's one-time initialisation (pthread_once) wakes
	 * waiters even in a single-threaded process. Only the process-private
	 * wait and wake operations, which touch only this process's memory. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(futex), 1,
	    SCMP_A1(SCMP_CMP_EQ, FUTEX_WAKE_PRIVATE));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(futex), 1,
	    SCMP_A1(SCMP_CMP_EQ, FUTEX_WAIT_PRIVATE));

#ifdef RAMPART_SANITIZER_BUILD
	/* Sanitizer builds only (never shipped; `make asan` for tests): the
	 * AddressSanitizer runtime maps shadow memory and, when it reports an
	 * error, needs a few process-local calls to print it and abort. None
	 * reaches outside the process. Leak detection is off in the worker
	 * (worker/main.c) because it needs ptrace. */
	rc |= ALLOW(ctx, getpid);
	rc |= ALLOW(ctx, gettid);
	rc |= ALLOW(ctx, sched_yield);
	rc |= ALLOW(ctx, rt_sigprocmask);
	rc |= ALLOW(ctx, rt_sigaction);
	rc |= ALLOW(ctx, sigaltstack);
	rc |= ALLOW(ctx, tgkill);
#endif

	if (rc != 0) {
		seccomp_release(ctx);
		errno = EINVAL;
		return 0;
	}
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		errno = -rc;
		return 0;
	}
	return 1;
}

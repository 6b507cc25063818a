/*
 * monitor/spawn_worker.c: starting a rampart-worker for a connection, by
 * posix_spawn (fork+exec: every worker gets a fresh address-space layout,
 * and nothing of the monitor's memory, host keys included, survives exec).
 *
 * The worker gets the connection as descriptor 3 and its end of a
 * SOCK_SEQPACKET socketpair as descriptor 4 (common/ipc.h), /dev/null on 0
 * and 1, and on 2 the monitor's stderr only in debug mode. Every other
 * descriptor is closed, the signal mask and dispositions are reset, and the
 * environment is empty but for sanitizer settings.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "crypto/pkt_cipher.h"
#include "common/kex.h"
#include "common/wire.h"
#include "monitor/monitor.h"

/* Environment variables a worker may inherit: only the sanitizers' own
 * settings, which matter in test builds and are inert otherwise. */
static const char *const passed_env[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS" };
#define NPASSED_ENV (sizeof(passed_env) / sizeof(passed_env[0]))

/* The host key algorithms to offer: the policy's list, in its order, of
 * those we have a key for. */
static void
offered_hostkeys(const struct monitor *m, const struct rp_policy *p, struct rp_ipc_hello *h,
    char *algs, size_t algssz)
{
	CBS list, name;
	size_t off = 0;

	algs[0] = '\0';
	h->nhostkeys = 0;
	CBS_init(&list, (const uint8_t *)p->host_key_algorithms, strlen(p->host_key_algorithms));
	/* One entry per algorithm, in the policy's order; an RSA key appears
	 * once for each SHA-2 algorithm, with the same blob. */
	while (ssh_namelist_next(&list, &name) && h->nhostkeys < RP_IPC_MAX_HOSTKEYS) {
		const struct hostkey *hk;
		char alg[RP_IPC_MAX_NAME];
		int n;

		if (CBS_len(&name) >= sizeof(alg))
			continue;
		memcpy(alg, CBS_data(&name), CBS_len(&name));
		alg[CBS_len(&name)] = '\0';
		if ((hk = hostkeys_for_alg(m, alg)) == NULL)
			continue;
		n = snprintf(algs + off, algssz - off, "%s%s", off > 0 ? "," : "", alg);
		if (n < 0 || (size_t)n >= algssz - off)
			return;
		off += (size_t)n;
		CBS_init(&h->hostkeys[h->nhostkeys++], hk->blob, hk->blob_len);
	}
}

/* server-sig-algs (RFC 8308 3.1) names signature algorithms, so the
 * certificate names of pubkey-algorithms are left out, as OpenSSH does;
 * a certificate's key signs with one of the plain algorithms. */
static void
server_sig_algs(const struct rp_policy *p, char *out, size_t outsz)
{
	CBS list, name;
	size_t off = 0;

	out[0] = '\0';
	CBS_init(&list, (const uint8_t *)p->pubkey_algorithms, strlen(p->pubkey_algorithms));
	while (ssh_namelist_next(&list, &name)) {
		char alg[RP_IPC_MAX_NAME], sig[RP_IPC_MAX_NAME];
		int n;

		if (CBS_len(&name) >= sizeof(alg))
			continue;
		memcpy(alg, CBS_data(&name), CBS_len(&name));
		alg[CBS_len(&name)] = '\0';
		if (rp_cert_auth_sig_alg(alg, sig, sizeof(sig)))
			continue;
		n = snprintf(out + off, outsz - off, "%s%s", off > 0 ? "," : "", alg);
		if (n < 0 || (size_t)n >= outsz - off) {
			out[off] = '\0';
			return;
		}
		off += (size_t)n;
	}
}

static int
send_hello(struct monitor *m, struct conn *c)
{
	const struct rp_policy *p = c->pref->policy;
	struct rp_ipc_hello h;
	char hostkey_algs[1024], sig_algs[RP_IPC_MAX_ALGLIST];
	CBB cbb;

	memset(&h, 0, sizeof(h));
	h.conn_id = (uint32_t)c->id;
	snprintf(c->server_version, sizeof(c->server_version), "%s", m->server_version);
	CBS_init(&h.server_version, (const uint8_t *)c->server_version, strlen(c->server_version));
	offered_hostkeys(m, p, &h, hostkey_algs, sizeof(hostkey_algs));
	if (h.nhostkeys == 0) {
		rp_error("conn=%llu host-key-algorithms names no algorithm we have a key for",
		    (unsigned long long)c->id);
		return 0;
	}
	CBS_init(&h.hostkey_algs, (const uint8_t *)hostkey_algs, strlen(hostkey_algs));
	CBS_init(&h.kex_algs, (const uint8_t *)p->kex_algorithms, strlen(p->kex_algorithms));
	CBS_init(&h.ciphers, (const uint8_t *)p->ciphers, strlen(p->ciphers));
	CBS_init(&h.macs, (const uint8_t *)p->macs, strlen(p->macs));
	CBS_init(&h.compression, (const uint8_t *)p->compression, strlen(p->compression));
	CBS_init(&h.auth_methods, (const uint8_t *)c->pref->auth_methods_all,
	    strlen(c->pref->auth_methods_all));
	server_sig_algs(p, sig_algs, sizeof(sig_algs));
	CBS_init(&h.pubkey_algs, (const uint8_t *)sig_algs, strlen(sig_algs));
	if (p->banner != NULL)
		CBS_init(&h.banner, (const uint8_t *)p->banner, strlen(p->banner));
	h.idle_timeout_s = p->idle_timeout_s;
	h.keepalive_interval_s = p->keepalive_interval_s;
	h.keepalive_count = p->keepalive_count;
	h.rekey_bytes = p->rekey_limit_bytes;
	h.rekey_seconds = p->rekey_limit_s;
	h.max_channels = p->max_channels;
	return rp_ipc_hello_build(&cbb, 0, &h) && ipc_reply(m, c, &cbb, NULL, 0);
}

/* Move fd to 10 or above, so the dup2 to 3 and 4 in the child cannot
 * clobber one with the other. */
static int
move_high(int fd)
{
	int hi;

	if (fd >= 10)
		return fd;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	close(fd);
	return hi;
}

int
spawn_worker(struct monitor *m, struct conn *c, int client_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	char drop[64], exe[32], env_buf[NPASSED_ENV][1024];
	char *argv[8], *envp[NPASSED_ENV + 1];
	size_t argc = 0, envc = 0;
	int sv[2] = { -1, -1 }, client = -1, child_ipc = -1, rc, ok = 0, saved_errno;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		rp_debug("conn=%llu socketpair: %s", (unsigned long long)c->id, strerror(errno));
		return 0;
	}
	child_ipc = move_high(sv[1]);
	client = fcntl(client_fd, F_DUPFD_CLOEXEC, 10);
	if (child_ipc < 0 || client < 0) {
		rp_debug("conn=%llu fcntl: %s", (unsigned long long)c->id, strerror(errno));
		goto out;
	}
	argv[argc++] = (char *)"rampart-worker";
	if (m->privileged) {
		snprintf(drop, sizeof(drop), "%lu:%lu", (unsigned long)m->worker_uid,
		    (unsigned long)m->worker_gid);
		argv[argc++] = (char *)"--drop";
		argv[argc++] = drop;
		argv[argc++] = (char *)"--chroot";
		argv[argc++] = m->policy->worker_chroot;
	}
	if (m->debug)
		argv[argc++] = (char *)"--debug";
	argv[argc] = NULL;
	for (size_t i = 0; i < NPASSED_ENV; i++) {
		const char *v = getenv(passed_env[i]);

#ifdef RAMPART_SANITIZER_BUILD
		/* LeakSanitizer needs ptrace, which the worker's sandbox
		 * forbids: whatever the caller asked for, not in workers (a
		 * later option wins). */
		if (v != NULL && strcmp(passed_env[i], "ASAN_OPTIONS") == 0 &&
		    snprintf(env_buf[envc], sizeof(env_buf[envc]), "ASAN_OPTIONS=%s:detect_leaks=0",
		    v) < (int)sizeof(env_buf[envc])) {
			envp[envc] = env_buf[envc];
			envc++;
			continue;
		}
#endif
		if (v != NULL && snprintf(env_buf[envc], sizeof(env_buf[envc]), "%s=%s",
		    passed_env[i], v) < (int)sizeof(env_buf[envc])) {
			envp[envc] = env_buf[envc];
			envc++;
		}
	}
	envp[envc] = NULL;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (!m->debug)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, client, RP_WORKER_FD_CLIENT);
	posix_spawn_file_actions_adddup2(&fa, child_ipc, RP_WORKER_FD_IPC);
	posix_spawn_file_actions_adddup2(&fa, m->worker_fd, RP_WORKER_FD_EXE);
	posix_spawn_file_actions_addclosefrom_np(&fa, RP_WORKER_FD_EXE + 1);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	/* The program opened at startup (monitor/privsep.c), not whatever
	 * file has its name now. */
	snprintf(exe, sizeof(exe), "/proc/self/fd/%d", RP_WORKER_FD_EXE);
	rc = posix_spawn(&pid, exe, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		rp_error("conn=%llu cannot start %s: %s", (unsigned long long)c->id, m->worker_path,
		    strerror(rc));
		errno = rc;
		goto out;
	}
	c->worker_pid = pid;
	c->ipc_fd = sv[0];
	sv[0] = -1;
	rp_debug("conn=%llu worker pid=%ld", (unsigned long long)c->id, (long)pid);
	/* A worker that cannot get its HELLO cannot serve: it is killed and
	 * reaped as usual. */
	if (!send_hello(m, c))
		kill(pid, SIGKILL);
	ok = 1;
out:
	saved_errno = errno;
	if (sv[0] >= 0)
		close(sv[0]);
	if (child_ipc >= 0)
		close(child_ipc);
	if (client >= 0)
		close(client);
	errno = saved_errno; /* the caller decides by it whether to back off */
	return ok;
}

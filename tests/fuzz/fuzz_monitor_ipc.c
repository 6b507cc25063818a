/*
 * tests/fuzz/fuzz_monitor_ipc.c: the monitor's IPC decoder as a fuzz target.
 *
 * Each input is one datagram from a worker (after a first byte choosing the
 * connection's state: before kex, before auth, authenticated). It goes
 * through the monitor's real ipc_dispatch() over a SOCK_SEQPACKET pair,
 * with a real policy and host key, so every decoder, the state table and
 * every handler's checks are exercised. The policy's user may log in but has
 * no `allow exec`, so no input can make the fuzzer start processes; the fake
 * connection has no worker pid, so a violation cannot kill anything.
 *
 * Built two ways: with libFuzzer (`make fuzz`, clang) and with
 * tests/fuzz/replay_main.c, which runs structured seeds and mutations of
 * them deterministically in `make check`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "crypto/sshkey.h"
#include "monitor/monitor.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct monitor mon;

static void
discard_log(enum rp_log_level level, const char *message)
{
	(void)level;
	(void)message;
}

static void
init_monitor(void)
{
	struct rp_policy_diag diag;
	struct rp_privkey *user_key;
	char *line, policy[1024];
	CBB cbb;

	/* Violations are the expected outcome; their log lines are noise. */
	rp_log_init("fuzz", RP_LOG_ERROR);
	rp_log_set_sink(discard_log);
	memset(&mon, 0, sizeof(mon));
	if (!rp_privkey_generate(RP_KEY_ED25519, &user_key) ||
	    (line = rp_pubkey_to_text(rp_privkey_public(user_key), "fuzz")) == NULL)
		abort();
	snprintf(policy, sizeof(policy),
	    "listen 127.0.0.1:0\nhost-key /nonexistent\nmax-auth-tries 6\n"
	    "admit from any\n"
	    "user fuzz {\n authorized-key \"%s\"\n auth publickey\n auth password\n"
	    " auth keyboard-interactive\n password-hash \"$6$fuzzsalt$XXti94OqDi6w0OzAEREvC98l"
	    "WcR8d1I/DrzE83RaSduBmIYpuU28KcMd3SHsqG4Qz1gwqLssBDl8EjniIDm60/\"\n allow login\n}\n"
	    "user kiosk {\n auth none\n allow login\n}\n", line);
	free(line);
	rp_privkey_free(user_key);
	memset(&diag, 0, sizeof(diag));
	if (!rp_policy_load_text("fuzz.conf", policy, strlen(policy), &mon.policy, &diag))
		abort();
	if ((mon.pref = policy_ref_new(mon.policy)) == NULL)
		abort();
	if (!rp_privkey_generate(RP_KEY_ED25519, &mon.hostkeys[0].key))
		abort();
	mon.hostkeys[0].alg = "ssh-ed25519";
	if (!CBB_init(&cbb, 64) || !rp_pubkey_to_blob(rp_privkey_public(mon.hostkeys[0].key), &cbb) ||
	    !CBB_finish(&cbb, &mon.hostkeys[0].blob, &mon.hostkeys[0].blob_len))
		abort();
	mon.nhostkeys = 1;
	strcpy(mon.hostkey_algs, "ssh-ed25519");
	snprintf(mon.server_version, sizeof(mon.server_version), "SSH-2.0-rampart_%s",
	    RAMPART_VERSION);
	mon.max_conns = 1;
	/* Password checks queue and are dropped after each input (below):
	 * hashing would only slow the fuzzer down. */
	if (!crypt_pool_start_n(&mon.crypt, 0))
		abort();
	if ((mon.msg = malloc(sizeof(*mon.msg))) == NULL)
		abort();
	mon.msg->nfds = 0;
}

/* Read and drop whatever the monitor answered, closing passed fds. */
static void
drain(int fd)
{
	struct rp_ipc_msg *m = malloc(sizeof(*m));

	if (m == NULL)
		return;
	while (rp_ipc_recv(fd, m, 1) > 0)
		rp_ipc_close_fds(m);
	free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum conn_state states[] = { CONN_PREKEX, CONN_PREAUTH, CONN_AUTHED };
	struct conn c;
	int sv[2];

	if (mon.policy == NULL)
		init_monitor();
	if (size < 1 || size - 1 > RP_IPC_MAX_MSG + 1024)
		return 0;
	memset(&c, 0, sizeof(c));
	c.id = 1;
	c.pref = mon.pref;
	{
		struct sockaddr_in *sin = (struct sockaddr_in *)&c.peer_sa;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(0x7f000001);
		strcpy(c.peer_addr, "127.0.0.1");
	}
	c.state = states[data[0] % 3];
	c.log_tokens = WORKER_LOG_BURST;
	if (c.state != CONN_PREKEX) {
		memset(c.session_id, 0x5a, 32);
		c.session_id_len = 32;
	}
	if (c.state == CONN_AUTHED)
		strcpy(c.user, "fuzz");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return 0;
	{
		int big = 512 * 1024;

		(void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
		(void)setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	}
	c.ipc_fd = sv[0];
	if (send(sv[1], data + 1, size - 1, MSG_DONTWAIT) == (ssize_t)(size - 1))
		ipc_dispatch(&mon, &c);
	drain(sv[1]);
	crypt_pool_stop(&mon.crypt);
	if (!crypt_pool_start_n(&mon.crypt, 0))
		abort();
	if (c.ipc_fd >= 0)
		close(c.ipc_fd);
	close(sv[1]);
	return 0;
}

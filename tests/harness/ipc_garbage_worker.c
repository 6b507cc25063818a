/*
 * tests/harness/ipc_garbage_worker.c: a hostile worker, for testing that the
 * monitor refuses bad IPC and keeps serving.
 *
 * rampartd starts it in place of rampart-worker (-W). It peeks at the
 * client's first line: "GARBAGE <n>" makes it send attack number n over the
 * IPC socket (the monitor should log a protocol violation and kill it);
 * "GARBAGE <n> USER KEY-BASE64" gives the attacks that pretend to
 * authenticate the user and key a real client would use;
 * anything else (a real SSH client) makes it exec the real rampart-worker,
 * found next to the directory holding this program, with the same
 * arguments, so one daemon serves both kinds of connections.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ipc_msg.h"
#include "common/kex.h"
#include "common/wire.h"
#include "crypto/encoding.h"

static int ipc = RP_WORKER_FD_IPC;

static void
send_raw(const void *data, size_t len, const int *fds, size_t nfds)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} control;
	struct msghdr mh;
	struct iovec iov = { (void *)data, len };

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		struct cmsghdr *cm;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	if (sendmsg(ipc, &mh, 0) < 0)
		perror("ipc-garbage-worker: sendmsg");
}

static void
send_cbb(CBB *cbb)
{
	uint8_t *data;
	size_t len;

	if (CBB_finish(cbb, &data, &len)) {
		send_raw(data, len, NULL, 0);
		OPENSSL_free(data);
	}
}

/* A well-formed SESSION_START for `id`, without a pty. */
static void
send_session_start(uint32_t id)
{
	struct rp_ipc_session_start st;
	CBB cbb;

	memset(&st, 0, sizeof(st));
	st.session = 1;
	st.kind = RP_SESSION_EXEC;
	CBS_init(&st.command, (const uint8_t *)"id", 2);
	if (rp_ipc_session_start_build(&cbb, id, &st))
		send_cbb(&cbb);
}

/* A KEX_SIGN; variant tweaks one part. gex_p_len > 0 adds a group
 * exchange group of that many 0xff bytes (min 2048, n 3072, max 8192). */
static void
kex_sign_gex(const char *method, size_t q_c_len, const char *v_s, int trailing,
    size_t gex_p_len)
{
	static const uint8_t zeros[256], ones[256] = { [0 ... 255] = 0xff };
	static const struct rp_kex_offer offer = { "curve25519-sha256", "ssh-ed25519",
		"chacha20-poly1305@openssh.com", "hmac-sha2-256", "none" };
	uint8_t *i_c = NULL, *i_s = NULL;
	size_t i_c_len = 0, i_s_len = 0;
	CBB cbb, k;

	/* Well-formed KEXINITs that agree, as a real exchange has. */
	if (!CBB_init(&k, 256) || !rp_kexinit_build(&k, &offer, 0, 1) ||
	    !CBB_finish(&k, &i_c, &i_c_len) || !CBB_init(&k, 256) ||
	    !rp_kexinit_build(&k, &offer, 1, 1) || !CBB_finish(&k, &i_s, &i_s_len))
		exit(1);
	rp_ipc_begin(&cbb, RP_IPC_KEX_SIGN, 1);
	ssh_add_cstring(&cbb, method);
	ssh_add_cstring(&cbb, "ssh-ed25519");
	ssh_add_cstring(&cbb, "SSH-2.0-OpenSSH_9.2");
	ssh_add_cstring(&cbb, v_s);
	ssh_add_string(&cbb, i_c, i_c_len);
	ssh_add_string(&cbb, i_s, i_s_len);
	OPENSSL_free(i_c);
	OPENSSL_free(i_s);
	ssh_add_string(&cbb, zeros, q_c_len);
	ssh_add_string(&cbb, zeros, q_c_len > 32 ? q_c_len : 32);
	ssh_add_string(&cbb, zeros, q_c_len > 32 ? q_c_len : 32);
	CBB_add_u32(&cbb, gex_p_len ? 2048 : 0);
	CBB_add_u32(&cbb, gex_p_len ? 3072 : 0);
	CBB_add_u32(&cbb, gex_p_len ? 8192 : 0);
	ssh_add_string(&cbb, ones, gex_p_len);
	ssh_add_string(&cbb, (const uint8_t *)"\x02", gex_p_len ? 1 : 0);
	if (trailing)
		CBB_add_u8(&cbb, 0);
	send_cbb(&cbb);
}

static void
kex_sign(const char *method, size_t q_c_len, const char *v_s, int trailing)
{
	kex_sign_gex(method, q_c_len, v_s, trailing, 0);
}

/* A group exchange request for min, n and max bits. */
static void
gex_request(uint32_t min, uint32_t n, uint32_t max)
{
	CBB cbb;

	rp_ipc_begin(&cbb, RP_IPC_GEX_REQUEST, 1);
	CBB_add_u32(&cbb, min);
	CBB_add_u32(&cbb, n);
	CBB_add_u32(&cbb, max);
	send_cbb(&cbb);
}

/* A publickey "signature" for user and key that no one computed: the
 * monitor must verify it and say no. */
static void
forged_verify(const char *user, const uint8_t *key, size_t key_len)
{
	static const uint8_t junk[64];
	CBB cbb, sig;
	uint8_t *sig_blob;
	size_t sig_len;

	if (!CBB_init(&sig, 128) || !ssh_add_cstring(&sig, "ssh-ed25519") ||
	    !ssh_add_string(&sig, junk, sizeof(junk)) || !CBB_finish(&sig, &sig_blob, &sig_len))
		exit(1);
	rp_ipc_begin(&cbb, RP_IPC_AUTH_PUBKEY_VERIFY, 2);
	ssh_add_cstring(&cbb, user);
	ssh_add_cstring(&cbb, "ssh-connection");
	ssh_add_cstring(&cbb, "ssh-ed25519");
	ssh_add_string(&cbb, key, key_len);
	ssh_add_string(&cbb, sig_blob, sig_len);
	send_cbb(&cbb);
	OPENSSL_free(sig_blob);
}

/* Attacks that need a key exchange signed first and a real user and key. */
static void
auth_attack(int n, const char *user, const uint8_t *key, size_t key_len)
{
	static const char *ours = "SSH-2.0-rampart_" RAMPART_VERSION;
	CBB cbb;

	/* A well-formed exchange: the monitor signs it and records the
	 * session id, as for a real client. */
	kex_sign("curve25519-sha256", 32, ours, 0);
	switch (n) {
	case 13: /* a forged signature, then a session as if it had worked */
		forged_verify(user, key, key_len);
		send_session_start(3);
		break;
	case 14: /* keyboard-interactive answers nobody asked for */
		rp_ipc_begin(&cbb, RP_IPC_AUTH_KBDINT_ANSWERS, 2);
		CBB_add_u32(&cbb, 1);
		ssh_add_cstring(&cbb, "123456");
		send_cbb(&cbb);
		break;
	case 15: /* another user in the middle of authenticating */
		forged_verify(user, key, key_len);
		forged_verify("someone-else", key, key_len);
		break;
	default:
		fprintf(stderr, "ipc-garbage-worker: unknown attack %d\n", n);
		exit(2);
	}
}

static void
attack(int n)
{
	static const char *ours = "SSH-2.0-rampart_" RAMPART_VERSION;
	uint8_t buf[200000];
	CBB cbb;
	int fd;

	switch (n) {
	case 1: /* garbage bytes: type 0xffff */
		memset(buf, 0xff, 100);
		send_raw(buf, 100, NULL, 0);
		break;
	case 2: /* shorter than a header */
		send_raw("abc", 3, NULL, 0);
		break;
	case 3: /* a well-formed header with an unknown type */
		rp_ipc_begin(&cbb, 999, 1);
		send_cbb(&cbb);
		break;
	case 4: /* authentication before any key exchange */
		rp_ipc_begin(&cbb, RP_IPC_AUTH_PUBKEY_VERIFY, 1);
		ssh_add_cstring(&cbb, "root");
		ssh_add_cstring(&cbb, "ssh-connection");
		ssh_add_cstring(&cbb, "ssh-ed25519");
		ssh_add_string(&cbb, "k", 1);
		ssh_add_string(&cbb, "s", 1);
		send_cbb(&cbb);
		break;
	case 5: /* a session before authentication */
		send_session_start(1);
		break;
	case 6: /* kex values of the wrong size */
		kex_sign("curve25519-sha256", 5, ours, 0);
		break;
	case 7: /* trailing bytes after a valid message */
		kex_sign("curve25519-sha256", 32, ours, 1);
		break;
	case 8: /* a kex method the monitor does not offer */
		kex_sign("diffie-hellman-group1-sha1", 32, ours, 0);
		break;
	case 9: /* a descriptor attached to a log line */
		fd = open("/dev/null", O_RDONLY);
		rp_ipc_begin(&cbb, RP_IPC_LOG, 0);
		CBB_add_u8(&cbb, 2);
		ssh_add_cstring(&cbb, "hello");
		{
			uint8_t *data;
			size_t len;

			if (CBB_finish(&cbb, &data, &len)) {
				send_raw(data, len, &fd, 1);
				OPENSSL_free(data);
			}
		}
		break;
	case 10: /* larger than any message may be */
		memset(buf, 0, sizeof(buf));
		buf[1] = RP_IPC_LOG;
		send_raw(buf, sizeof(buf), NULL, 0);
		break;
	case 11: /* an exchange hash for someone else's identification */
		kex_sign("curve25519-sha256", 32, "SSH-2.0-OpenSSH_9.2", 0);
		break;
	case 12: /* a flood of log lines: rate-limited, not fatal */
		for (int i = 0; i < 1000; i++) {
			rp_ipc_begin(&cbb, RP_IPC_LOG, 0);
			CBB_add_u8(&cbb, 2);
			ssh_add_cstring(&cbb, "flood");
			send_cbb(&cbb);
		}
		break;
	case 16: /* a group exchange signed without asking for a group */
		kex_sign_gex("diffie-hellman-group-exchange-sha256", 256, ours, 0, 256);
		break;
	case 17: /* a group exchange over a group the monitor did not give */
		gex_request(2048, 3072, 8192);
		kex_sign_gex("diffie-hellman-group-exchange-sha256", 256, ours, 0, 256);
		break;
	case 18: /* a group request no client may make */
		gex_request(512, 1024, 1536);
		break;
	case 19: /* group exchange fields on another method */
		kex_sign_gex("curve25519-sha256", 32, ours, 0, 256);
		break;
	default:
		fprintf(stderr, "ipc-garbage-worker: unknown attack %d\n", n);
		exit(2);
	}
}

static void
exec_real_worker(char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (len <= 0)
		exit(1);
	self[len] = '\0';
	/* build/tests/ipc-garbage-worker -> build/rampart-worker */
	snprintf(path, sizeof(path), "%s/../rampart-worker", dirname(self));
	argv[0] = (char *)"rampart-worker";
	execv(path, argv);
	perror("ipc-garbage-worker: exec");
	exit(1);
}

int
main(int argc, char **argv)
{
	char line[512], user[64], key64[400];
	uint8_t *key = NULL;
	size_t key_len = 0;
	struct pollfd p = { RP_WORKER_FD_CLIENT, POLLIN, 0 };
	ssize_t n;
	int variant;

	(void)argc;
	if (poll(&p, 1, 10000) <= 0)
		return 1;
	n = recv(RP_WORKER_FD_CLIENT, line, sizeof(line) - 1, MSG_PEEK);
	if (n <= 0)
		return 1;
	line[n] = '\0';
	if (strncmp(line, "GARBAGE ", 8) != 0)
		exec_real_worker(argv);
	variant = atoi(line + 8);
	if (sscanf(line + 8, "%*d %63s %399s", user, key64) == 2) {
		if (!rp_base64_decode(key64, strlen(key64), &key, &key_len))
			return 2;
		auth_attack(variant, user, key, key_len);
		free(key);
	} else {
		attack(variant);
	}
	/* Wait until the monitor kills us or closes the socket (bounded). */
	p.fd = ipc;
	for (int i = 0; i < 50; i++) {
		char drain[4096];

		if (poll(&p, 1, 100) > 0 && recv(ipc, drain, sizeof(drain), 0) <= 0)
			break;
	}
	return 0;
}

/*
 * worker/main.c: rampart-worker, one per connection, started by rampartd.
 *
 *     rampart-worker [--drop UID:GID --chroot DIR] [--debug]
 *
 * It finds the client connection on descriptor 3 and the IPC socket to the
 * monitor on descriptor 4 (common/ipc.h), locks itself into the sandbox
 * before it reads a byte from either, then serves the connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "common/transport.h"
#include "common/wire.h"
#include "crypto/secret.h"
#include "worker/loop.h"
#include "worker/sandbox.h"
#include "worker/server.h"

#ifdef RAMPART_SANITIZER_BUILD
/* LeakSanitizer stops the world with ptrace, which the sandbox forbids;
 * leaks in worker code are caught by the unit tests instead. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static void
usage(void)
{
	fprintf(stderr, "usage: rampart-worker [--drop UID:GID --chroot DIR] [--debug]\n"
	    "rampart-worker is started by rampartd for each connection; it is not run by hand.\n");
	exit(2);
}

static int
is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* A malloc'd copy (CBS_strdup would need OPENSSL_free). */
static char *
cbs_strdup(const CBS *s)
{
	if (CBS_contains_zero_byte(s))
		return NULL;
	return strndup((const char *)CBS_data(s), CBS_len(s));
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "drop", required_argument, NULL, 'u' },
		{ "chroot", required_argument, NULL, 'c' },
		{ "debug", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct sandbox_params sp;
	/* Static, so in zero-filled pages that become resident only where
	 * written: most of its 31 KiB (the monitor client's event queue,
	 * the remote-forward listeners) is never used by most connections,
	 * and on the stack, cleared, it was dirty memory in every worker. */
	static struct worker w;
	struct rp_ipc_hello hello;
	struct rp_transport_config cfg;
	char err[256];
	char *version = NULL, *kex = NULL, *hostkey_algs = NULL, *ciphers = NULL, *macs = NULL;
	char *compression = NULL;
	char *pubkey_algs = NULL;
	int ch, status;
	unsigned long uid, gid;

	memset(&sp, 0, sizeof(sp));
	rp_log_init("rampart-worker", RP_LOG_INFO);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			if (sscanf(optarg, "%lu:%lu", &uid, &gid) != 2)
				usage();
			sp.drop_privileges = 1;
			sp.uid = (uid_t)uid;
			sp.gid = (gid_t)gid;
			break;
		case 'c':
			sp.chroot_dir = optarg;
			break;
		case 'd':
			sp.debug = 1;
			rp_log_set_level(RP_LOG_DEBUG);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (sp.drop_privileges != (sp.chroot_dir != NULL)))
		usage();
	/* The descriptor this program was executed through (common/ipc.h):
	 * nothing to do with it, so it is not kept. Absent when started by
	 * hand. */
	(void)close(RP_WORKER_FD_EXE);
	/* Executed as /proc/self/fd/5, the kernel named the process "5":
	 * ps, top, pgrep, perf and the journal show this name, so it is
	 * set back to the program's. */
	(void)prctl(PR_SET_NAME, "rampart-worker", 0, 0, 0);
	if (!is_socket(RP_WORKER_FD_CLIENT) || !is_socket(RP_WORKER_FD_IPC)) {
		fprintf(stderr, "rampart-worker: descriptors %d and %d must be the client "
		    "connection and the monitor's socket; start rampartd instead\n",
		    RP_WORKER_FD_CLIENT, RP_WORKER_FD_IPC);
		return 2;
	}
	if (sp.drop_privileges && geteuid() != 0) {
		fprintf(stderr, "rampart-worker: --drop needs root\n");
		return 2;
	}
	/* A session that closes its pipe must not kill the worker: writes
	 * report EPIPE instead. */
	signal(SIGPIPE, SIG_IGN);
	if (fcntl(RP_WORKER_FD_CLIENT, F_SETFL, O_NONBLOCK) != 0) {
		fprintf(stderr, "rampart-worker: fcntl: %s\n", strerror(errno));
		return 1;
	}
	rp_crypto_prepare_sandbox();
	if (!mc_init(&w.mc, RP_WORKER_FD_IPC)) {
		fprintf(stderr, "rampart-worker: out of memory\n");
		return 1;
	}
	/* From here on, log lines go to the monitor. */
	rp_log_set_sink(mc_log_sink);
	if (!sandbox_enter(&sp, err, sizeof(err))) {
		rp_error("sandbox: %s", err);
		return 1;
	}

	if (!mc_read_hello(&w.mc, &hello)) {
		rp_error("no valid HELLO from the monitor");
		return 1;
	}
	version = cbs_strdup(&hello.server_version);
	kex = cbs_strdup(&hello.kex_algs);
	hostkey_algs = cbs_strdup(&hello.hostkey_algs);
	ciphers = cbs_strdup(&hello.ciphers);
	macs = cbs_strdup(&hello.macs);
	compression = cbs_strdup(&hello.compression);
	w.auth_methods = cbs_strdup(&hello.auth_methods);
	pubkey_algs = cbs_strdup(&hello.pubkey_algs);
	if (CBS_len(&hello.banner) > 0 && (w.banner = cbs_strdup(&hello.banner)) == NULL) {
		rp_error("out of memory");
		return 1;
	}
	w.idle_timeout_ms = (uint64_t)hello.idle_timeout_s * 1000;
	w.keepalive_interval_ms = (uint64_t)hello.keepalive_interval_s * 1000;
	w.keepalive_count = hello.keepalive_count;
	w.rekey_interval_ms = (uint64_t)hello.rekey_seconds * 1000;
	w.max_channels = hello.max_channels;
	/* calloc's fresh pages stay untouched (and so unresident) until a
	 * channel uses them. */
	w.ch = calloc(w.max_channels, sizeof(*w.ch));
	if (version == NULL || kex == NULL || hostkey_algs == NULL || ciphers == NULL ||
	    macs == NULL || compression == NULL || w.auth_methods == NULL || pubkey_algs == NULL ||
	    w.ch == NULL) {
		rp_error("out of memory");
		return 1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = version;
	cfg.offer.kex = kex;
	cfg.offer.hostkey = hostkey_algs;
	cfg.offer.ciphers = ciphers;
	cfg.offer.macs = macs;
	cfg.offer.compression = compression;
	/* Host keys arrive in the order of the host key algorithm list. */
	{
		CBS algs = hello.hostkey_algs, name;
		char *names[RP_IPC_MAX_HOSTKEYS];
		size_t i = 0;

		while (i < hello.nhostkeys && ssh_namelist_next(&algs, &name)) {
			if ((names[i] = cbs_strdup(&name)) == NULL) {
				rp_error("out of memory");
				return 1;
			}
			cfg.hostkey_alg[i] = names[i];
			cfg.hostkey_blob[i] = CBS_data(&hello.hostkeys[i]);
			cfg.hostkey_blob_len[i] = CBS_len(&hello.hostkeys[i]);
			i++;
		}
		if (i != hello.nhostkeys || CBS_len(&algs) != 0) {
			rp_error("HELLO: host key list does not match the keys");
			return 1;
		}
		cfg.nhostkeys = i;
		/* Public key algorithms accepted for user authentication. */
		cfg.server_sig_algs = pubkey_algs;
		cfg.rekey_bytes = hello.rekey_bytes;
		cfg.sign = mc_sign_exchange;
		cfg.gex_group = mc_gex_group;
		cfg.sign_ctx = &w.mc;
		w.t = rp_transport_new(RP_WORKER_FD_CLIENT, &cfg);
		for (size_t j = 0; j < i; j++)
			free(names[j]);
	}
	if (w.t == NULL) {
		rp_error("cannot set up the transport");
		return 1;
	}
	status = worker_run(&w, RP_WORKER_FD_CLIENT);

	channels_free_all(&w);
	free(w.ch);
	listeners_free_all(&w);
	rp_transport_free(w.t);
	mc_free(&w.mc);
	free(version);
	free(kex);
	free(hostkey_algs);
	free(ciphers);
	free(macs);
	free(compression);
	free(pubkey_algs);
	free(w.banner);
	free(w.auth_methods);
	return status;
}

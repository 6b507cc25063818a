/*
 * tests/fuzz/replay_main.c: run a fuzz target without libFuzzer, for
 * `make check`: well-formed seeds of every IPC message, each of their
 * truncations, and a fixed number of seeded random mutations (bit flips,
 * byte changes, insertions, deletions). Deterministic, bounded, and run
 * under AddressSanitizer in the sanitizer build.
 *
 *     fuzz-monitor-ipc [ITERATIONS] [--write-seeds DIR]
 *
 * --write-seeds writes the seeds as files, to start a libFuzzer corpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ipc_msg.h"
#include "common/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEDS 64
#define MAX_INPUT 4096

struct seed {
	uint8_t data[MAX_INPUT];
	size_t len;
};

static struct seed seeds[MAX_SEEDS];
static size_t nseeds;

/* xorshift64*: a fixed sequence, so failures reproduce. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Add a seed: a state byte, then the message built in cbb. */
static void
add(uint8_t state, CBB *cbb)
{
	uint8_t *data;
	size_t len;

	if (!CBB_finish(cbb, &data, &len))
		abort();
	if (nseeds < MAX_SEEDS && len + 1 <= MAX_INPUT) {
		seeds[nseeds].data[0] = state;
		memcpy(seeds[nseeds].data + 1, data, len);
		seeds[nseeds].len = len + 1;
		nseeds++;
	}
	OPENSSL_free(data);
}

static void
make_seeds(void)
{
	static const uint8_t zeros[64], kexinit[24] = { 20 };
	uint8_t blob[64];
	size_t blob_len;
	char version[64];
	CBB cbb;

	/* A well-formed ssh-ed25519 key blob (not the policy's key), so
	 * mutations start past the key parser. */
	if (!CBB_init_fixed(&cbb, blob, sizeof(blob)) || !ssh_add_cstring(&cbb, "ssh-ed25519") ||
	    !ssh_add_string(&cbb, zeros, 32) || !CBB_finish(&cbb, NULL, &blob_len))
		abort();

	snprintf(version, sizeof(version), "SSH-2.0-rampart_%s", RAMPART_VERSION);
	for (uint8_t state = 0; state < 3; state++) {
		struct rp_ipc_kex_sign ks;
		struct rp_ipc_pubkey_check pc;
		struct rp_ipc_pubkey_verify pv;
		struct rp_ipc_session_start se;
		struct rp_ipc_session_check sc;
		struct rp_ipc_session_control sx;
		struct rp_ipc_log lg;
		struct rp_ipc_closing cl;

		memset(&ks, 0, sizeof(ks));
		strcpy(ks.kex, "curve25519-sha256");
		strcpy(ks.hostkey_alg, "ssh-ed25519");
		CBS_init(&ks.v_c, (const uint8_t *)"SSH-2.0-client", 14);
		CBS_init(&ks.v_s, (const uint8_t *)version, strlen(version));
		CBS_init(&ks.i_c, kexinit, sizeof(kexinit));
		CBS_init(&ks.i_s, kexinit, sizeof(kexinit));
		CBS_init(&ks.q_c, zeros, 32);
		CBS_init(&ks.q_s, zeros, 32);
		CBS_init(&ks.k, zeros, 32);
		rp_ipc_begin(&cbb, RP_IPC_KEX_SIGN, 1);
		rp_ipc_kex_sign_write(&cbb, &ks);
		add(state, &cbb);

		{
			struct rp_ipc_gex_request gr = { 2048, 3072, 8192 };

			rp_ipc_begin(&cbb, RP_IPC_GEX_REQUEST, 1);
			rp_ipc_gex_request_write(&cbb, &gr);
			add(state, &cbb);
		}

		memset(&pc, 0, sizeof(pc));
		strcpy(pc.user, "fuzz");
		strcpy(pc.alg, "ssh-ed25519");
		CBS_init(&pc.key, blob, blob_len);
		rp_ipc_begin(&cbb, RP_IPC_AUTH_PUBKEY_CHECK, 2);
		rp_ipc_pubkey_check_write(&cbb, &pc);
		add(state, &cbb);

		memset(&pv, 0, sizeof(pv));
		strcpy(pv.user, "fuzz");
		strcpy(pv.service, "ssh-connection");
		strcpy(pv.alg, "ssh-ed25519");
		CBS_init(&pv.key, blob, blob_len);
		CBS_init(&pv.sig, zeros, 64);
		rp_ipc_begin(&cbb, RP_IPC_AUTH_PUBKEY_VERIFY, 3);
		rp_ipc_pubkey_verify_write(&cbb, &pv);
		add(state, &cbb);

		memset(&se, 0, sizeof(se));
		se.session = 1;
		se.kind = RP_SESSION_EXEC;
		CBS_init(&se.command, (const uint8_t *)"id", 2);
		se.pty = 1;
		strcpy(se.term, "xterm");
		se.cols = 80;
		se.rows = 24;
		se.nenv = 1;
		CBS_init(&se.env[0].name, (const uint8_t *)"LANG", 4);
		CBS_init(&se.env[0].value, (const uint8_t *)"C", 1);
		se.x11 = 1;
		strcpy(se.x11_proto, "MIT-MAGIC-COOKIE-1");
		strcpy(se.x11_cookie, "00112233445566778899aabbccddeeff");
		rp_ipc_begin(&cbb, RP_IPC_SESSION_START, 4);
		rp_ipc_session_start_write(&cbb, &se);
		add(state, &cbb);

		memset(&sc, 0, sizeof(sc));
		sc.what = RP_CHECK_ENV;
		CBS_init(&sc.name, (const uint8_t *)"LANG", 4);
		rp_ipc_begin(&cbb, RP_IPC_SESSION_CHECK, 5);
		rp_ipc_session_check_write(&cbb, &sc);
		add(state, &cbb);

		memset(&sx, 0, sizeof(sx));
		sx.session = 1;
		sx.op = RP_CONTROL_RESIZE;
		sx.cols = 100;
		sx.rows = 30;
		rp_ipc_begin(&cbb, RP_IPC_SESSION_CONTROL, 6);
		rp_ipc_session_control_write(&cbb, &sx);
		add(state, &cbb);

		lg.level = 2;
		CBS_init(&lg.text, (const uint8_t *)"hello", 5);
		rp_ipc_begin(&cbb, RP_IPC_LOG, 0);
		rp_ipc_log_write(&cbb, &lg);
		add(state, &cbb);

		{
			struct rp_ipc_auth_none an;
			struct rp_ipc_auth_password ap;
			struct rp_ipc_auth_kbdint ak;
			struct rp_ipc_kbdint_answers aa;

			memset(&an, 0, sizeof(an));
			strcpy(an.user, state == 1 ? "kiosk" : "fuzz");
			rp_ipc_begin(&cbb, RP_IPC_AUTH_NONE, 5);
			rp_ipc_auth_none_write(&cbb, &an);
			add(state, &cbb);

			memset(&ap, 0, sizeof(ap));
			strcpy(ap.user, "fuzz");
			CBS_init(&ap.password, (const uint8_t *)"hunter2", 7);
			rp_ipc_begin(&cbb, RP_IPC_AUTH_PASSWORD, 6);
			rp_ipc_auth_password_write(&cbb, &ap);
			add(state, &cbb);

			memset(&ak, 0, sizeof(ak));
			strcpy(ak.user, "fuzz");
			CBS_init(&ak.submethods, NULL, 0);
			rp_ipc_begin(&cbb, RP_IPC_AUTH_KBDINT, 7);
			rp_ipc_auth_kbdint_write(&cbb, &ak);
			add(state, &cbb);

			memset(&aa, 0, sizeof(aa));
			aa.nanswers = 1;
			CBS_init(&aa.answers[0], (const uint8_t *)"123456", 6);
			rp_ipc_begin(&cbb, RP_IPC_AUTH_KBDINT_ANSWERS, 8);
			rp_ipc_kbdint_answers_write(&cbb, &aa);
			add(state, &cbb);
		}

		{
			struct rp_ipc_forward_open fo;
			struct rp_ipc_listen li;

			memset(&fo, 0, sizeof(fo));
			strcpy(fo.host, "127.0.0.1");
			fo.port = 1;
			strcpy(fo.orig_addr, "127.0.0.1");
			fo.orig_port = 4242;
			rp_ipc_begin(&cbb, RP_IPC_FORWARD_OPEN, 9);
			rp_ipc_forward_open_write(&cbb, &fo);
			add(state, &cbb);

			memset(&li, 0, sizeof(li));
			strcpy(li.bind, "localhost");
			li.port = 0;
			rp_ipc_begin(&cbb, RP_IPC_LISTEN_OPEN, 10);
			rp_ipc_listen_open_write(&cbb, &li);
			add(state, &cbb);

			li.port = 8080;
			rp_ipc_begin(&cbb, RP_IPC_LISTEN_CLOSE, 0);
			rp_ipc_listen_close_write(&cbb, &li);
			add(state, &cbb);

			strcpy(li.orig_addr, "::1");
			li.orig_port = 41000;
			rp_ipc_begin(&cbb, RP_IPC_LISTEN_ACCEPTED, 0);
			rp_ipc_listen_accepted_write(&cbb, &li);
			add(state, &cbb);

			/* The fuzz key blob is not a host key: refused, but the
			 * reader and the lookup run. */
			struct rp_ipc_hostkeys hk;

			memset(&hk, 0, sizeof(hk));
			hk.n = 1;
			CBS_init(&hk.blobs[0], blob, blob_len);
			rp_ipc_begin(&cbb, RP_IPC_HOSTKEYS_PROVE, 11);
			rp_ipc_hostkeys_prove_write(&cbb, &hk);
			add(state, &cbb);
		}

		cl.reason = 11;
		cl.by_peer = 1;
		CBS_init(&cl.text, (const uint8_t *)"bye", 3);
		rp_ipc_begin(&cbb, RP_IPC_CLOSING, 0);
		rp_ipc_closing_write(&cbb, &cl);
		add(state, &cbb);
	}
}

static void
mutate(uint8_t *buf, size_t *len)
{
	size_t n = 1 + rng() % 4;

	for (size_t i = 0; i < n && *len > 0; i++) {
		size_t at = rng() % *len;

		switch (rng() % 5) {
		case 0:
			buf[at] ^= (uint8_t)(1u << (rng() % 8));
			break;
		case 1:
			buf[at] = (uint8_t)rng();
			break;
		case 2: /* delete a byte */
			memmove(buf + at, buf + at + 1, *len - at - 1);
			(*len)--;
			break;
		case 3: /* insert a byte */
			if (*len < MAX_INPUT) {
				memmove(buf + at + 1, buf + at, *len - at);
				buf[at] = (uint8_t)rng();
				(*len)++;
			}
			break;
		default: /* interesting values into a length field */
			if (at + 4 <= *len) {
				static const uint32_t v[] = { 0, 1, 0x7fffffff, 0xffffffff, 65536, 32769 };
				uint32_t x = v[rng() % 6];

				buf[at] = (uint8_t)(x >> 24);
				buf[at + 1] = (uint8_t)(x >> 16);
				buf[at + 2] = (uint8_t)(x >> 8);
				buf[at + 3] = (uint8_t)x;
			}
			break;
		}
	}
}

int
main(int argc, char **argv)
{
	long iterations = argc > 1 ? atol(argv[1]) : 20000;
	uint8_t buf[MAX_INPUT];
	size_t runs = 0;

	make_seeds();
	if (argc > 3 && strcmp(argv[2], "--write-seeds") == 0) {
		for (size_t i = 0; i < nseeds; i++) {
			char path[4096];
			FILE *f;

			snprintf(path, sizeof(path), "%s/seed-%02zu", argv[3], i);
			if ((f = fopen(path, "wb")) == NULL || fwrite(seeds[i].data, 1, seeds[i].len, f) !=
			    seeds[i].len) {
				perror(path);
				return 1;
			}
			fclose(f);
		}
		return 0;
	}
	for (size_t i = 0; i < nseeds; i++) {
		for (size_t cut = 1; cut <= seeds[i].len; cut++, runs++)
			LLVMFuzzerTestOneInput(seeds[i].data, cut);
	}
	for (long it = 0; it < iterations; it++, runs++) {
		const struct seed *s = &seeds[rng() % nseeds];
		size_t len = s->len;

		memcpy(buf, s->data, len);
		mutate(buf, &len);
		LLVMFuzzerTestOneInput(buf, len);
	}
	for (long it = 0; it < iterations / 10; it++, runs++) {
		size_t len = 1 + rng() % 512;

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rng();
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("fuzz replay: %zu inputs (%zu seeds, their truncations, %ld mutations, %ld random)\n",
	    runs, nseeds, iterations, iterations / 10);
	return 0;
}

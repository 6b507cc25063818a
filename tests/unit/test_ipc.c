/*
 * tests/unit/test_ipc.c: the monitor/worker contract of common/ipc.h.
 *
 * Messages (common/ipc_msg.c): each writer's output follows the field layout
 * written in ipc.h, every reader gives back every field, refuses every
 * truncation and a trailing byte, and enforces each RP_IPC_MAX_* bound and
 * each value rule (names, NUL bytes, counts, enums).
 *
 * Framing (common/ipc.c) over a real SOCK_SEQPACKET socketpair: header and
 * payload arrive intact, descriptors pass and arrive close-on-exec, and
 * every malformed datagram is refused (-2) without leaking a descriptor.
 */
#include "tests/unit/unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/ipc_msg.h"

/* ------------------------------------------------------------------------
 * Helpers
 */

#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

static CBS
cbs_of(const uint8_t *p, size_t n)
{
	CBS c;

	CBS_init(&c, p, n);
	return c;
}
#define CBS_LIT(s) cbs_of(LIT(s))

#define ck_assert_cbs_eq(cbs, lit)                                               \
	ck_assert_msg(CBS_mem_equal(&(cbs), LIT(lit)),                           \
	    "%s: expected %zu bytes \"%s\", got %zu bytes", #cbs, sizeof(lit) - 1, \
	    lit, CBS_len(&(cbs)))

/* Run a writer into a fresh buffer (freed with OPENSSL_free). */
#define WRITE(fn, m, out, outlen)                                                \
	do {                                                                     \
		CBB w_;                                                          \
		ck_assert(CBB_init(&w_, 0));                                     \
		ck_assert_msg(fn(&w_, (m)), #fn " refused a valid message");     \
		ck_assert(CBB_finish(&w_, (out), (outlen)));                     \
	} while (0)

/* ------------------------------------------------------------------------
 * The sample of each message, as a struct for the writers and (below) as
 * the field layout of ipc.h. The same macros feed both.
 */

#define HELLO_CONN 0x01020304u
#define HELLO_VERSION "SSH-2.0-rampart_0.1.0"
#define HELLO_HKALGS "ssh-ed25519,rsa-sha2-512"
#define HELLO_KEY0 "\x00\x00\x00\x0bssh-ed25519\x00\x01"
#define HELLO_KEY1 "\x00\x00\x00\x07ssh-rsa\xff"
#define HELLO_KEX "curve25519-sha256,curve25519-sha256@libssh.org"
#define HELLO_CIPHERS "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com"
#define HELLO_MACS "hmac-sha2-256-etm@openssh.com"
#define HELLO_COMPRESSION "none,zlib@openssh.com"
#define HELLO_AUTH "publickey"
#define HELLO_PUBKEY "ssh-ed25519"
#define HELLO_IDLE 900u
#define HELLO_KA_INTERVAL 30u
#define HELLO_KA_COUNT 3u
#define HELLO_REKEY_BYTES 0x0000000140000000ULL /* 5 GiB: needs all 64 bits */
#define HELLO_REKEY_SECONDS 3600u
#define HELLO_MAX_CHANNELS 64u
#define HELLO_BANNER "Authorized use only.\r\n\x1b[0m\xc3\xa9"

static void
sample_hello(struct rp_ipc_hello *m)
{
	memset(m, 0, sizeof(*m));
	m->conn_id = HELLO_CONN;
	m->server_version = CBS_LIT(HELLO_VERSION);
	m->hostkey_algs = CBS_LIT(HELLO_HKALGS);
	m->nhostkeys = 2;
	m->hostkeys[0] = CBS_LIT(HELLO_KEY0);
	m->hostkeys[1] = CBS_LIT(HELLO_KEY1);
	m->kex_algs = CBS_LIT(HELLO_KEX);
	m->ciphers = CBS_LIT(HELLO_CIPHERS);
	m->macs = CBS_LIT(HELLO_MACS);
	m->compression = CBS_LIT(HELLO_COMPRESSION);
	m->auth_methods = CBS_LIT(HELLO_AUTH);
	m->pubkey_algs = CBS_LIT(HELLO_PUBKEY);
	m->idle_timeout_s = HELLO_IDLE;
	m->keepalive_interval_s = HELLO_KA_INTERVAL;
	m->keepalive_count = HELLO_KA_COUNT;
	m->rekey_bytes = HELLO_REKEY_BYTES;
	m->rekey_seconds = HELLO_REKEY_SECONDS;
	m->banner = CBS_LIT(HELLO_BANNER);
	m->max_channels = HELLO_MAX_CHANNELS;
}

#define KS_KEX "curve25519-sha256"
#define KS_HKALG "ssh-ed25519"
#define KS_VC "SSH-2.0-OpenSSH_9.2p1"
#define KS_VS "SSH-2.0-rampart_0.1.0"
#define KS_IC "\x14\x00client-kexinit"
#define KS_IS "\x14\x01server-kexinit"
#define KS_QC "\x00q_c-ephemeral"
#define KS_QS "\xffq_s-ephemeral"
#define KS_K "\x80shared-secret"
#define KS_GEX_MIN 2048
#define KS_GEX_N 3072
#define KS_GEX_MAX 8192
#define KS_GEX_P "\xc5group-prime"
#define KS_GEX_G "\x02"

static void
sample_kex_sign(struct rp_ipc_kex_sign *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->kex, KS_KEX);
	strcpy(m->hostkey_alg, KS_HKALG);
	m->v_c = CBS_LIT(KS_VC);
	m->v_s = CBS_LIT(KS_VS);
	m->i_c = CBS_LIT(KS_IC);
	m->i_s = CBS_LIT(KS_IS);
	m->q_c = CBS_LIT(KS_QC);
	m->q_s = CBS_LIT(KS_QS);
	m->k = CBS_LIT(KS_K);
	m->gex_min = KS_GEX_MIN;
	m->gex_n = KS_GEX_N;
	m->gex_max = KS_GEX_MAX;
	m->gex_p = CBS_LIT(KS_GEX_P);
	m->gex_g = CBS_LIT(KS_GEX_G);
}

static void
sample_gex_request(struct rp_ipc_gex_request *m)
{
	m->min = KS_GEX_MIN;
	m->n = KS_GEX_N;
	m->max = KS_GEX_MAX;
}

static void
sample_gex_group(struct rp_ipc_gex_group *m)
{
	m->p = CBS_LIT(KS_GEX_P);
	m->g = CBS_LIT(KS_GEX_G);
}

#define SIGNED_SIG "\x00\x00\x00\x0bssh-ed25519sig\x00"

static void
sample_kex_signed(struct rp_ipc_kex_signed *m)
{
	m->sig = CBS_LIT(SIGNED_SIG);
}

#define PK_USER "alice"
#define PK_ALG "ssh-ed25519"
#define PK_KEY "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20key"

static void
sample_pubkey_check(struct rp_ipc_pubkey_check *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->user, PK_USER);
	strcpy(m->alg, PK_ALG);
	m->key = CBS_LIT(PK_KEY);
}

#define PV_SERVICE "ssh-connection"
#define PV_ALG "rsa-sha2-512"
#define PV_SIG "\x00\x00\x00\x0crsa-sha2-512\x01\x02"

static void
sample_pubkey_verify(struct rp_ipc_pubkey_verify *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->user, PK_USER);
	strcpy(m->service, PV_SERVICE);
	strcpy(m->alg, PV_ALG);
	m->key = CBS_LIT(PK_KEY);
	m->sig = CBS_LIT(PV_SIG);
}

#define AR_METHODS "publickey,keyboard-interactive"
#define AR_BANNER "Welcome, alice.\n"

static void
sample_auth_result(struct rp_ipc_auth_result *m)
{
	m->result = RP_AUTH_EXHAUSTED;
	m->methods = CBS_LIT(AR_METHODS);
	m->banner = CBS_LIT(AR_BANNER);
}

static void
sample_auth_none(struct rp_ipc_auth_none *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->user, PK_USER);
}

/* Any bytes, including NUL: the password is the client's business. */
#define PW_PASSWORD "correct horse\0battery\xff"

static void
sample_auth_password(struct rp_ipc_auth_password *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->user, PK_USER);
	m->password = CBS_LIT(PW_PASSWORD);
}

#define KI_SUBMETHODS "pam,totp"

static void
sample_auth_kbdint(struct rp_ipc_auth_kbdint *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->user, PK_USER);
	m->submethods = CBS_LIT(KI_SUBMETHODS);
}

#define KP_NAME "rampart"
#define KP_INSTRUCTION "Enter the code from your authenticator app."
#define KP_PROMPT0 "Verification code: "
#define KP_PROMPT1 "Second thing: "

static void
sample_kbdint_prompts(struct rp_ipc_kbdint_prompts *m)
{
	memset(m, 0, sizeof(*m));
	m->name = CBS_LIT(KP_NAME);
	m->instruction = CBS_LIT(KP_INSTRUCTION);
	m->nprompts = 2;
	m->prompts[0] = CBS_LIT(KP_PROMPT0);
	m->echo[0] = 0;
	m->prompts[1] = CBS_LIT(KP_PROMPT1);
	m->echo[1] = 1;
}

#define KA_ANSWER0 "123456"
#define KA_ANSWER1 "\0\xff"

static void
sample_kbdint_answers(struct rp_ipc_kbdint_answers *m)
{
	memset(m, 0, sizeof(*m));
	m->nanswers = 2;
	m->answers[0] = CBS_LIT(KA_ANSWER0);
	m->answers[1] = CBS_LIT(KA_ANSWER1);
}

#define EXEC_SESSION 0xfffffffeu
#define EXEC_CMD "ls -l /tmp; echo \"$HOME\" | tr a-z A-Z\t\x7f\xc3\xa9"

struct ipc_case;
static const struct ipc_case *find_case(const char *name);
static int read_layout(const struct ipc_case *c, int subst, const uint8_t *data, size_t len,
    uint32_t num);

#define START_TERM "xterm-256color"
#define START_MODES "\x81\x00\x00\x96\x00\x35\x00\x00\x00\x01\x00"
#define START_ENV_NAME "LC_ALL"
#define START_ENV_VALUE "C.UTF-8 \xc3\xa9"
#define START_X11_PROTO "MIT-MAGIC-COOKIE-1"
#define START_X11_COOKIE "0123456789abcdefABCDEF0123456789"
#define START_X11_SCREEN 2

static void
sample_session_start(struct rp_ipc_session_start *m)
{
	memset(m, 0, sizeof(*m));
	m->session = EXEC_SESSION;
	m->kind = RP_SESSION_EXEC;
	m->command = CBS_LIT(EXEC_CMD);
	m->pty = 1;
	snprintf(m->term, sizeof(m->term), "%s", START_TERM);
	m->cols = 132;
	m->rows = 43;
	m->width_px = 1024;
	m->height_px = 768;
	m->modes = CBS_LIT(START_MODES);
	m->nenv = 1;
	m->env[0].name = CBS_LIT(START_ENV_NAME);
	m->env[0].value = CBS_LIT(START_ENV_VALUE);
	m->agent = 1;
	m->x11 = 1;
	m->x11_single = 1;
	snprintf(m->x11_proto, sizeof(m->x11_proto), "%s", START_X11_PROTO);
	snprintf(m->x11_cookie, sizeof(m->x11_cookie), "%s", START_X11_COOKIE);
	m->x11_screen = START_X11_SCREEN;
}

static void
sample_session_started(struct rp_ipc_session_started *m)
{
	m->pty = 1;
	m->record = RP_IPC_RECORD_INPUT;
	m->agent = 1;
	m->x11_fds = 2;
	m->x11_display = 10;
}

static void
sample_session_check(struct rp_ipc_session_check *m)
{
	m->what = RP_CHECK_ENV;
	m->name = CBS_LIT(START_ENV_NAME);
}

static void
sample_session_control(struct rp_ipc_session_control *m)
{
	memset(m, 0, sizeof(*m));
	m->session = 3;
	m->op = RP_CONTROL_SIGNAL;
	snprintf(m->signame, sizeof(m->signame), "INT");
}

#define EXITED_SESSION 7u
#define EXITED_STATUS 0x80000001u
#define EXITED_SIG "TERM"

static void
sample_session_exited(struct rp_ipc_session_exited *m)
{
	memset(m, 0, sizeof(*m));
	m->session = EXITED_SESSION;
	m->signalled = 1;
	m->status = EXITED_STATUS;
	strcpy(m->signame, EXITED_SIG);
	m->core_dumped = 1;
}

#define DENIED_REASON "policy: user alice may not exec here"

static void
sample_denied(struct rp_ipc_denied *m)
{
	m->reason = CBS_LIT(DENIED_REASON);
}

#define LOG_LEVEL 3
#define LOG_TEXT "line one\nline two\x1b[31m"

static void
sample_log(struct rp_ipc_log *m)
{
	m->level = LOG_LEVEL;
	m->text = CBS_LIT(LOG_TEXT);
}

#define CLOSING_REASON 11u
#define CLOSING_TEXT "disconnected by user"

static void
sample_closing(struct rp_ipc_closing *m)
{
	m->reason = CLOSING_REASON;
	m->by_peer = 1;
	m->text = CBS_LIT(CLOSING_TEXT);
}

#define FWD_HOST "db01.corp.example"
#define FWD_ORIG "10.0.0.9"
#define LISTEN_BIND "localhost"
#define LISTEN_ORIG "::1"

static void
sample_forward_open(struct rp_ipc_forward_open *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->host, sizeof(m->host), "%s", FWD_HOST);
	m->port = 5432;
	snprintf(m->orig_addr, sizeof(m->orig_addr), "%s", FWD_ORIG);
	m->orig_port = 51000;
}

static void
sample_listen(struct rp_ipc_listen *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->bind, sizeof(m->bind), "%s", LISTEN_BIND);
	m->port = 8080;
	snprintf(m->orig_addr, sizeof(m->orig_addr), "%s", LISTEN_ORIG);
	m->orig_port = 41000;
}

#define HOSTKEY_BLOB0 "\0\0\0\x0bssh-ed25519 first key"
#define HOSTKEY_BLOB1 "second key blob"

static void
sample_hostkeys(struct rp_ipc_hostkeys *m)
{
	memset(m, 0, sizeof(*m));
	m->n = 2;
	m->blobs[0] = CBS_LIT(HOSTKEY_BLOB0);
	m->blobs[1] = CBS_LIT(HOSTKEY_BLOB1);
}

static void
sample_listen_opened(struct rp_ipc_listen_opened *m)
{
	m->port = 40123;
}

/* ------------------------------------------------------------------------
 * Round trips: write the sample, read it back, every field compared.
 */

START_TEST(test_hello_round_trips_every_field)
{
	struct rp_ipc_hello in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	sample_hello(&in);
	WRITE(rp_ipc_hello_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_hello_read(&cbs, &out), "HELLO reader refused the writer's output");
	ck_assert_uint_eq(out.conn_id, HELLO_CONN);
	ck_assert_cbs_eq(out.server_version, HELLO_VERSION);
	ck_assert_cbs_eq(out.hostkey_algs, HELLO_HKALGS);
	ck_assert_uint_eq(out.nhostkeys, 2);
	ck_assert_cbs_eq(out.hostkeys[0], HELLO_KEY0);
	ck_assert_cbs_eq(out.hostkeys[1], HELLO_KEY1);
	ck_assert_cbs_eq(out.kex_algs, HELLO_KEX);
	ck_assert_cbs_eq(out.ciphers, HELLO_CIPHERS);
	ck_assert_cbs_eq(out.macs, HELLO_MACS);
	ck_assert_cbs_eq(out.compression, HELLO_COMPRESSION);
	ck_assert_cbs_eq(out.auth_methods, HELLO_AUTH);
	ck_assert_cbs_eq(out.pubkey_algs, HELLO_PUBKEY);
	ck_assert_uint_eq(out.idle_timeout_s, HELLO_IDLE);
	ck_assert_uint_eq(out.keepalive_interval_s, HELLO_KA_INTERVAL);
	ck_assert_uint_eq(out.keepalive_count, HELLO_KA_COUNT);
	ck_assert(out.rekey_bytes == HELLO_REKEY_BYTES);
	ck_assert_uint_eq(out.rekey_seconds, HELLO_REKEY_SECONDS);
	ck_assert_cbs_eq(out.banner, HELLO_BANNER);
	ck_assert_uint_eq(out.max_channels, HELLO_MAX_CHANNELS);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_kex_sign_round_trips_every_field)
{
	struct rp_ipc_kex_sign in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	sample_kex_sign(&in);
	WRITE(rp_ipc_kex_sign_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_kex_sign_read(&cbs, &out),
	    "KEX_SIGN reader refused the writer's output");
	ck_assert_str_eq(out.kex, KS_KEX);
	ck_assert_str_eq(out.hostkey_alg, KS_HKALG);
	ck_assert_cbs_eq(out.v_c, KS_VC);
	ck_assert_cbs_eq(out.v_s, KS_VS);
	ck_assert_cbs_eq(out.i_c, KS_IC);
	ck_assert_cbs_eq(out.i_s, KS_IS);
	ck_assert_cbs_eq(out.q_c, KS_QC);
	ck_assert_cbs_eq(out.q_s, KS_QS);
	ck_assert_cbs_eq(out.k, KS_K);
	ck_assert_uint_eq(out.gex_min, KS_GEX_MIN);
	ck_assert_uint_eq(out.gex_n, KS_GEX_N);
	ck_assert_uint_eq(out.gex_max, KS_GEX_MAX);
	ck_assert_cbs_eq(out.gex_p, KS_GEX_P);
	ck_assert_cbs_eq(out.gex_g, KS_GEX_G);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_gex_messages_round_trip_and_group_numbers_are_checked)
{
	struct rp_ipc_gex_request rq_in, rq_out;
	struct rp_ipc_gex_group g_in, g_out;
	uint8_t *buf;
	size_t len;
	CBS cbs;
	/* p and g must be positive numbers without a leading zero byte. */
	static const struct {
		const char *p, *g;
		size_t p_len, g_len;
	} bad[] = {
		{ "", "\x02", 0, 1 },
		{ "\xc5p", "", 2, 0 },
		{ "\x00\xc5p", "\x02", 3, 1 },
		{ "\xc5p", "\x00\x02", 2, 2 },
	};

	sample_gex_request(&rq_in);
	WRITE(rp_ipc_gex_request_write, &rq_in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_gex_request_read(&cbs, &rq_out));
	ck_assert_uint_eq(rq_out.min, KS_GEX_MIN);
	ck_assert_uint_eq(rq_out.n, KS_GEX_N);
	ck_assert_uint_eq(rq_out.max, KS_GEX_MAX);
	OPENSSL_free(buf);

	sample_gex_group(&g_in);
	WRITE(rp_ipc_gex_group_write, &g_in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_gex_group_read(&cbs, &g_out));
	ck_assert_cbs_eq(g_out.p, KS_GEX_P);
	ck_assert_cbs_eq(g_out.g, KS_GEX_G);
	OPENSSL_free(buf);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		g_in.p = cbs_of((const uint8_t *)bad[i].p, bad[i].p_len);
		g_in.g = cbs_of((const uint8_t *)bad[i].g, bad[i].g_len);
		WRITE(rp_ipc_gex_group_write, &g_in, &buf, &len);
		cbs = cbs_of(buf, len);
		ck_assert_msg(!rp_ipc_gex_group_read(&cbs, &g_out), "GEX_GROUP case %zu accepted", i);
		OPENSSL_free(buf);
	}
}
END_TEST

START_TEST(test_kex_signed_round_trips_every_field)
{
	struct rp_ipc_kex_signed in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	sample_kex_signed(&in);
	WRITE(rp_ipc_kex_signed_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_kex_signed_read(&cbs, &out),
	    "KEX_SIGNED reader refused the writer's output");
	ck_assert_cbs_eq(out.sig, SIGNED_SIG);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_pubkey_check_round_trips_every_field)
{
	struct rp_ipc_pubkey_check in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	sample_pubkey_check(&in);
	WRITE(rp_ipc_pubkey_check_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_pubkey_check_read(&cbs, &out),
	    "AUTH_PUBKEY_CHECK reader refused the writer's output");
	ck_assert_str_eq(out.user, PK_USER);
	ck_assert_str_eq(out.alg, PK_ALG);
	ck_assert_cbs_eq(out.key, PK_KEY);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_pubkey_verify_round_trips_every_field)
{
	struct rp_ipc_pubkey_verify in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	sample_pubkey_verify(&in);
	WRITE(rp_ipc_pubkey_verify_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_pubkey_verify_read(&cbs, &out),
	    "AUTH_PUBKEY_VERIFY reader refused the writer's output");
	ck_assert_str_eq(out.user, PK_USER);
	ck_assert_str_eq(out.service, PV_SERVICE);
	ck_assert_str_eq(out.alg, PV_ALG);
	ck_assert_cbs_eq(out.key, PK_KEY);
	ck_assert_cbs_eq(out.sig, PV_SIG);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_auth_result_round_trips_each_result)
{
	static const uint8_t results[] = { RP_AUTH_FAILURE, RP_AUTH_OK, RP_AUTH_EXHAUSTED,
		RP_AUTH_PARTIAL };

	for (size_t i = 0; i < sizeof(results); i++) {
		struct rp_ipc_auth_result in, out;
		uint8_t *buf;
		size_t len;
		CBS cbs;

		sample_auth_result(&in);
		in.result = results[i];
		WRITE(rp_ipc_auth_result_write, &in, &buf, &len);
		cbs = cbs_of(buf, len);
		ck_assert_msg(rp_ipc_auth_result_read(&cbs, &out),
		    "AUTH_RESULT reader refused result %u", results[i]);
		ck_assert_uint_eq(out.result, results[i]);
		ck_assert_cbs_eq(out.methods, AR_METHODS);
		ck_assert_cbs_eq(out.banner, AR_BANNER);
		OPENSSL_free(buf);
	}
}
END_TEST

START_TEST(test_auth_requests_round_trip_every_field)
{
	struct rp_ipc_auth_none nin, nout;
	struct rp_ipc_auth_password pin, pout;
	struct rp_ipc_auth_kbdint kin, kout;
	struct rp_ipc_kbdint_prompts qin, qout;
	struct rp_ipc_kbdint_answers ain, aout;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	sample_auth_none(&nin);
	WRITE(rp_ipc_auth_none_write, &nin, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_auth_none_read(&cbs, &nout));
	ck_assert_str_eq(nout.user, PK_USER);
	OPENSSL_free(buf);

	sample_auth_password(&pin);
	WRITE(rp_ipc_auth_password_write, &pin, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_auth_password_read(&cbs, &pout));
	ck_assert_str_eq(pout.user, PK_USER);
	ck_assert_cbs_eq(pout.password, PW_PASSWORD);
	OPENSSL_free(buf);

	sample_auth_kbdint(&kin);
	WRITE(rp_ipc_auth_kbdint_write, &kin, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_auth_kbdint_read(&cbs, &kout));
	ck_assert_str_eq(kout.user, PK_USER);
	ck_assert_cbs_eq(kout.submethods, KI_SUBMETHODS);
	OPENSSL_free(buf);

	sample_kbdint_prompts(&qin);
	WRITE(rp_ipc_kbdint_prompts_write, &qin, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_kbdint_prompts_read(&cbs, &qout));
	ck_assert_cbs_eq(qout.name, KP_NAME);
	ck_assert_cbs_eq(qout.instruction, KP_INSTRUCTION);
	ck_assert_uint_eq(qout.nprompts, 2);
	ck_assert_cbs_eq(qout.prompts[0], KP_PROMPT0);
	ck_assert_cbs_eq(qout.prompts[1], KP_PROMPT1);
	ck_assert_int_eq(qout.echo[0], 0);
	ck_assert_int_eq(qout.echo[1], 1);
	OPENSSL_free(buf);

	sample_kbdint_answers(&ain);
	WRITE(rp_ipc_kbdint_answers_write, &ain, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_kbdint_answers_read(&cbs, &aout));
	ck_assert_uint_eq(aout.nanswers, 2);
	ck_assert_cbs_eq(aout.answers[0], KA_ANSWER0);
	ck_assert_cbs_eq(aout.answers[1], KA_ANSWER1);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_session_start_round_trips_every_field)
{
	struct rp_ipc_session_start in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	sample_session_start(&in);
	WRITE(rp_ipc_session_start_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_session_start_read(&cbs, &out),
	    "SESSION_START reader refused the writer's output");
	ck_assert_uint_eq(out.session, EXEC_SESSION);
	ck_assert_uint_eq(out.kind, RP_SESSION_EXEC);
	ck_assert_cbs_eq(out.command, EXEC_CMD);
	ck_assert_int_eq(out.pty, 1);
	ck_assert_str_eq(out.term, START_TERM);
	ck_assert_uint_eq(out.cols, 132);
	ck_assert_uint_eq(out.rows, 43);
	ck_assert_uint_eq(out.width_px, 1024);
	ck_assert_uint_eq(out.height_px, 768);
	ck_assert_cbs_eq(out.modes, START_MODES);
	ck_assert_uint_eq(out.nenv, 1);
	ck_assert_cbs_eq(out.env[0].name, START_ENV_NAME);
	ck_assert_cbs_eq(out.env[0].value, START_ENV_VALUE);
	ck_assert_int_eq(out.agent, 1);
	ck_assert_int_eq(out.x11, 1);
	ck_assert_int_eq(out.x11_single, 1);
	ck_assert_str_eq(out.x11_proto, START_X11_PROTO);
	ck_assert_str_eq(out.x11_cookie, START_X11_COOKIE);
	ck_assert_uint_eq(out.x11_screen, START_X11_SCREEN);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_session_start_without_pty_has_no_pty_fields)
{
	struct rp_ipc_session_start in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	sample_session_start(&in);
	in.pty = 0;
	in.kind = RP_SESSION_SHELL;
	in.command = CBS_LIT("");
	in.x11 = 0;
	WRITE(rp_ipc_session_start_write, &in, &buf, &len);
	/* session, kind, empty command, bool, nenv, the variable, agent, x11
	 * (without its fields) */
	ck_assert_uint_eq(len, 4 + 1 + 4 + 1 + 4 + 4 + sizeof(START_ENV_NAME) - 1 + 4 +
	    sizeof(START_ENV_VALUE) - 1 + 1 + 1);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_session_start_read(&cbs, &out));
	ck_assert_int_eq(out.pty, 0);
	ck_assert_int_eq(out.x11, 0);
	ck_assert_uint_eq(out.kind, RP_SESSION_SHELL);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_session_start_refuses_bad_kinds_names_and_counts)
{
	const struct ipc_case *c = find_case("SESSION_START");

	ck_assert_msg(!read_layout(c, 1, NULL, 0, 3), "an unknown session kind must be refused");
	ck_assert_msg(!read_layout(c, 10, NULL, 0, RP_IPC_MAX_ENV + 1),
	    "more than RP_IPC_MAX_ENV variables must be refused");
	ck_assert_msg(!read_layout(c, 11, LIT("A=B"), 0),
	    "a variable name with '=' must be refused");
	ck_assert_msg(!read_layout(c, 11, NULL, 0, 0), "an empty variable name must be refused");
	ck_assert_msg(!read_layout(c, 12, LIT("a\0b"), 0),
	    "a variable value with NUL must be refused");
}
END_TEST

/* x11-req's protocol and cookie become xauth arguments: only their own
 * alphabets pass. */
START_TEST(test_session_start_x11_fields_are_checked)
{
	const struct ipc_case *c = find_case("SESSION_START");
	static const struct {
		int field;
		const char *s;
		size_t len;
		int ok;
		const char *why;
	} v[] = {
		{ 16, "XDM-AUTHORIZATION-1", 19, 1, "an XDM protocol name" },
		{ 16, "a_b.c", 5, 1, "underscore and dot" },
		{ 16, "", 0, 0, "an empty protocol" },
		{ 16, "MIT MAGIC", 9, 0, "a space" },
		{ 16, "MIT\nadd", 8, 0, "a newline (another xauth command)" },
		{ 16, "a@b", 3, 0, "an at sign" },
		{ 16, "a\0b", 3, 0, "a NUL" },
		{ 17, "00", 2, 1, "two hex digits" },
		{ 17, "", 0, 0, "an empty cookie" },
		{ 17, "abc", 3, 0, "an odd number of digits" },
		{ 17, "abcg", 4, 0, "a letter beyond f" },
		{ 17, "ab cd", 5, 0, "a space" },
		{ 17, "ab\ncd", 5, 0, "a newline" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_msg(read_layout(c, v[i].field, (const uint8_t *)v[i].s, v[i].len, 0) ==
		    v[i].ok, "SESSION_START: x11 %s with %s must be %s",
		    v[i].field == 16 ? "protocol" : "cookie", v[i].why,
		    v[i].ok ? "accepted" : "refused");
	ck_assert_msg(read_layout(c, 18, NULL, 0, RP_IPC_MAX_X11_SCREEN),
	    "screen RP_IPC_MAX_X11_SCREEN must be accepted");
	ck_assert_msg(!read_layout(c, 18, NULL, 0, RP_IPC_MAX_X11_SCREEN + 1),
	    "a screen beyond RP_IPC_MAX_X11_SCREEN must be refused");
}
END_TEST

START_TEST(test_session_started_x11_socket_count_is_bounded)
{
	const struct ipc_case *c = find_case("SESSION_STARTED");

	ck_assert_msg(read_layout(c, 3, NULL, 0, 1), "one X11 display socket is accepted");
	ck_assert_msg(!read_layout(c, 3, NULL, 0, 3), "three X11 display sockets are refused");
}
END_TEST

/* The count is 1..RP_IPC_MAX_HOSTKEYS and says how many blobs follow; an
 * empty blob is no key. */
START_TEST(test_hostkeys_counts_and_empty_blobs_are_refused)
{
	const struct ipc_case *c = find_case("HOSTKEYS_PROVE");
	struct rp_ipc_hostkeys m;
	CBB cbb;

	ck_assert_msg(!read_layout(c, 0, NULL, 0, 0), "zero keys must be refused");
	ck_assert_msg(!read_layout(c, 0, NULL, 0, 1), "a count below the blobs must be refused");
	ck_assert_msg(!read_layout(c, 0, NULL, 0, 3), "a count above the blobs must be refused");
	ck_assert_msg(!read_layout(c, 1, NULL, 0, 0), "an empty key blob must be refused");
	sample_hostkeys(&m);
	m.n = RP_IPC_MAX_HOSTKEYS + 1;
	ck_assert(CBB_init(&cbb, 0));
	ck_assert_msg(!rp_ipc_hostkeys_prove_write(&cbb, &m), "the writer refuses 9 keys");
	CBB_cleanup(&cbb);
}
END_TEST

START_TEST(test_session_check_and_control_refuse_what_does_not_fit)
{
	const struct ipc_case *chk = find_case("SESSION_CHECK");
	const struct ipc_case *ctl = find_case("SESSION_CONTROL");
	struct rp_ipc_session_control rs = { 0 }, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	ck_assert_msg(!read_layout(chk, 0, NULL, 0, 0), "check of nothing must be refused");
	ck_assert_msg(!read_layout(chk, 0, NULL, 0, RP_CHECK_STREAMLOCAL_LISTEN + 1),
	    "an unknown check must be refused");
	ck_assert_msg(read_layout(chk, 0, NULL, 0, RP_CHECK_STREAMLOCAL),
	    "a streamlocal check names its socket path");
	{
		static const struct {
			const char *path;
			size_t len;
			int ok;
		} paths[] = { { "/run/x.sock", 11, 1 }, { "", 0, 0 }, { "/a\0b", 4, 0 } };

		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			struct rp_ipc_session_check sc = { 0 }, got;

			sc.what = RP_CHECK_STREAMLOCAL_LISTEN;
			CBS_init(&sc.name, (const uint8_t *)paths[i].path, paths[i].len);
			WRITE(rp_ipc_session_check_write, &sc, &buf, &len);
			cbs = cbs_of(buf, len);
			ck_assert_msg(rp_ipc_session_check_read(&cbs, &got) == paths[i].ok,
			    "streamlocal path %zu", i);
			OPENSSL_free(buf);
		}
	}
	ck_assert_msg(!read_layout(chk, 0, NULL, 0, RP_CHECK_PTY),
	    "a pty check with a name must be refused");
	ck_assert_msg(!read_layout(ctl, 1, NULL, 0, 9), "an unknown control must be refused");
	rs.session = 1;
	rs.op = RP_CONTROL_RESIZE;
	rs.cols = 80;
	rs.rows = 24;
	WRITE(rp_ipc_session_control_write, &rs, &buf, &len);
	ck_assert_uint_eq(len, 4 + 1 + 16);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_session_control_read(&cbs, &out));
	ck_assert_uint_eq(out.cols, 80);
	ck_assert_uint_eq(out.rows, 24);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_session_exited_round_trips_exit_and_signal)
{
	struct rp_ipc_session_exited in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	/* Killed by a signal, core dumped. */
	sample_session_exited(&in);
	WRITE(rp_ipc_session_exited_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_session_exited_read(&cbs, &out),
	    "SESSION_EXITED reader refused the writer's output");
	ck_assert_uint_eq(out.session, EXITED_SESSION);
	ck_assert_int_eq(out.signalled, 1);
	ck_assert_uint_eq(out.status, EXITED_STATUS);
	ck_assert_str_eq(out.signame, EXITED_SIG);
	ck_assert_int_eq(out.core_dumped, 1);
	OPENSSL_free(buf);

	/* A plain exit: the signal name is empty and must be accepted. */
	memset(&in, 0, sizeof(in));
	in.session = 1;
	in.status = 42;
	WRITE(rp_ipc_session_exited_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_session_exited_read(&cbs, &out),
	    "SESSION_EXITED reader refused a plain exit (empty signal name)");
	ck_assert_uint_eq(out.session, 1);
	ck_assert_int_eq(out.signalled, 0);
	ck_assert_uint_eq(out.status, 42);
	ck_assert_str_eq(out.signame, "");
	ck_assert_int_eq(out.core_dumped, 0);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_denied_round_trips_every_field)
{
	struct rp_ipc_denied in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	sample_denied(&in);
	WRITE(rp_ipc_denied_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_denied_read(&cbs, &out), "DENIED reader refused the writer's output");
	ck_assert_cbs_eq(out.reason, DENIED_REASON);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_log_round_trips_each_level)
{
	for (uint8_t level = 0; level <= 3; level++) {
		struct rp_ipc_log in, out;
		uint8_t *buf;
		size_t len;
		CBS cbs;

		sample_log(&in);
		in.level = level;
		WRITE(rp_ipc_log_write, &in, &buf, &len);
		cbs = cbs_of(buf, len);
		ck_assert_msg(rp_ipc_log_read(&cbs, &out), "LOG reader refused level %u", level);
		ck_assert_uint_eq(out.level, level);
		ck_assert_cbs_eq(out.text, LOG_TEXT);
		OPENSSL_free(buf);
	}
}
END_TEST

START_TEST(test_closing_round_trips_every_field)
{
	struct rp_ipc_closing in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	sample_closing(&in);
	WRITE(rp_ipc_closing_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_closing_read(&cbs, &out),
	    "CLOSING reader refused the writer's output");
	ck_assert_uint_eq(out.reason, CLOSING_REASON);
	ck_assert_int_eq(out.by_peer, 1);
	ck_assert_cbs_eq(out.text, CLOSING_TEXT);
	OPENSSL_free(buf);
}
END_TEST

/* ------------------------------------------------------------------------
 * Every message as a table: its sample writer, its reader, and its layout
 * transcribed from the comments in common/ipc.h. The layout lets a test
 * replace one field with anything (an over-long string, a bad name) that
 * the writers cannot or should not produce.
 */

enum field_kind {
	FK_END = 0,
	FK_U8,
	FK_U32,
	FK_U64,
	FK_BLOB,  /* any bytes, at most max */
	FK_TEXT,  /* no NUL byte, at most max */
	FK_NAME,  /* printable, no space, non-empty, at most max */
	FK_NAME0, /* the same, may be empty */
	FK_TOKEN, /* letters, digits, '-', '.', '_'; non-empty, at most max */
	FK_HEX,   /* an even number (2..max) of hex digits */
};

struct field {
	enum field_kind kind;
	uint64_t num;    /* FK_U8, FK_U32, FK_U64 */
	const char *str; /* string kinds */
	size_t len;
	size_t max; /* string kinds: the longest value the reader accepts */
	const char *what;
};

#define F_U8(v, w) { .kind = FK_U8, .num = (v), .what = (w) }
#define F_U32(v, w) { .kind = FK_U32, .num = (v), .what = (w) }
#define F_U64(v, w) { .kind = FK_U64, .num = (v), .what = (w) }
#define F_STR(k, s, m, w) { .kind = (k), .str = (s), .len = sizeof(s) - 1, .max = (m), .what = (w) }
/* Names land in char[RP_IPC_MAX_NAME] fields with their terminating NUL:
 * RP_IPC_MAX_NAME is a buffer size and the longest name is one byte less
 * (64, as RFC 4251 allows for algorithm names). */
#define F_NAME(s, w) F_STR(FK_NAME, s, RP_IPC_MAX_NAME - 1, w)

#define MAX_FIELDS 20

struct ipc_case {
	const char *name;
	int (*write_sample)(CBB *cbb);
	int (*read)(CBS *cbs);
	struct field fields[MAX_FIELDS];
};

#define CASE_FNS(msg)                                                            \
	static int write_##msg(CBB *cbb)                                         \
	{                                                                        \
		struct rp_ipc_##msg m;                                           \
		sample_##msg(&m);                                                \
		return rp_ipc_##msg##_write(cbb, &m);                            \
	}                                                                        \
	static int read_##msg(CBS *cbs)                                          \
	{                                                                        \
		struct rp_ipc_##msg m;                                           \
		return rp_ipc_##msg##_read(cbs, &m);                             \
	}

CASE_FNS(hello)
CASE_FNS(kex_sign)
CASE_FNS(kex_signed)
CASE_FNS(gex_request)
CASE_FNS(gex_group)
CASE_FNS(pubkey_check)
CASE_FNS(pubkey_verify)
CASE_FNS(auth_result)
CASE_FNS(session_start)
CASE_FNS(session_started)
CASE_FNS(session_check)
CASE_FNS(session_control)
CASE_FNS(session_exited)
CASE_FNS(denied)
CASE_FNS(log)
CASE_FNS(closing)
CASE_FNS(auth_none)
CASE_FNS(auth_password)
CASE_FNS(auth_kbdint)
CASE_FNS(kbdint_prompts)
CASE_FNS(kbdint_answers)
CASE_FNS(forward_open)
CASE_FNS(listen_opened)

/* The LISTEN_* requests share struct rp_ipc_listen. */
#define LISTEN_CASE_FNS(msg)                                                     \
	static int write_##msg(CBB *cbb)                                         \
	{                                                                        \
		struct rp_ipc_listen m;                                          \
		sample_listen(&m);                                               \
		return rp_ipc_##msg##_write(cbb, &m);                            \
	}                                                                        \
	static int read_##msg(CBS *cbs)                                          \
	{                                                                        \
		struct rp_ipc_listen m;                                          \
		return rp_ipc_##msg##_read(cbs, &m);                             \
	}
LISTEN_CASE_FNS(listen_open)
LISTEN_CASE_FNS(listen_close)
LISTEN_CASE_FNS(listen_accepted)

/* HOSTKEYS_PROVE and _PROVED share struct rp_ipc_hostkeys. */
#define HOSTKEYS_CASE_FNS(msg)                                                   \
	static int write_##msg(CBB *cbb)                                         \
	{                                                                        \
		struct rp_ipc_hostkeys m;                                        \
		sample_hostkeys(&m);                                             \
		return rp_ipc_##msg##_write(cbb, &m);                            \
	}                                                                        \
	static int read_##msg(CBS *cbs)                                          \
	{                                                                        \
		struct rp_ipc_hostkeys m;                                        \
		return rp_ipc_##msg##_read(cbs, &m);                             \
	}
HOSTKEYS_CASE_FNS(hostkeys_prove)
HOSTKEYS_CASE_FNS(hostkeys_proved)

static const struct ipc_case cases[] = {
	{ "HELLO", write_hello, read_hello, {
		F_U32(HELLO_CONN, "connection id"),
		F_STR(FK_BLOB, HELLO_VERSION, RP_IPC_MAX_VERSION, "server version"),
		F_STR(FK_BLOB, HELLO_HKALGS, RP_IPC_MAX_ALGLIST, "host key algorithms"),
		F_U32(2, "number of host keys"),
		F_STR(FK_BLOB, HELLO_KEY0, RP_IPC_MAX_KEY_BLOB, "host key 0"),
		F_STR(FK_BLOB, HELLO_KEY1, RP_IPC_MAX_KEY_BLOB, "host key 1"),
		F_STR(FK_BLOB, HELLO_KEX, RP_IPC_MAX_ALGLIST, "kex algorithms"),
		F_STR(FK_BLOB, HELLO_CIPHERS, RP_IPC_MAX_ALGLIST, "ciphers"),
		F_STR(FK_BLOB, HELLO_MACS, RP_IPC_MAX_ALGLIST, "MACs"),
		F_STR(FK_BLOB, HELLO_COMPRESSION, RP_IPC_MAX_ALGLIST, "compression"),
		F_STR(FK_BLOB, HELLO_AUTH, RP_IPC_MAX_ALGLIST, "auth methods"),
		F_STR(FK_BLOB, HELLO_PUBKEY, RP_IPC_MAX_ALGLIST, "public key algorithms"),
		F_U32(HELLO_IDLE, "idle timeout"),
		F_U32(HELLO_KA_INTERVAL, "keep-alive interval"),
		F_U32(HELLO_KA_COUNT, "keep-alive count"),
		F_U64(HELLO_REKEY_BYTES, "rekey bytes"),
		F_U32(HELLO_REKEY_SECONDS, "rekey seconds"),
		F_STR(FK_BLOB, HELLO_BANNER, RP_IPC_MAX_BANNER, "banner"),
		F_U32(HELLO_MAX_CHANNELS, "max channels") } },
	{ "KEX_SIGN", write_kex_sign, read_kex_sign, {
		F_NAME(KS_KEX, "kex method"),
		F_NAME(KS_HKALG, "host key algorithm"),
		F_STR(FK_BLOB, KS_VC, RP_IPC_MAX_VERSION, "V_C"),
		F_STR(FK_BLOB, KS_VS, RP_IPC_MAX_VERSION, "V_S"),
		F_STR(FK_BLOB, KS_IC, RP_IPC_MAX_KEXINIT, "I_C"),
		F_STR(FK_BLOB, KS_IS, RP_IPC_MAX_KEXINIT, "I_S"),
		F_STR(FK_BLOB, KS_QC, RP_IPC_MAX_KEX_VALUE, "Q_C"),
		F_STR(FK_BLOB, KS_QS, RP_IPC_MAX_KEX_VALUE, "Q_S"),
		F_STR(FK_BLOB, KS_K, RP_IPC_MAX_KEX_VALUE, "K"),
		F_U32(KS_GEX_MIN, "group exchange min"),
		F_U32(KS_GEX_N, "group exchange n"),
		F_U32(KS_GEX_MAX, "group exchange max"),
		F_STR(FK_BLOB, KS_GEX_P, RP_IPC_MAX_KEX_VALUE, "group exchange p"),
		F_STR(FK_BLOB, KS_GEX_G, RP_IPC_MAX_KEX_VALUE, "group exchange g") } },
	{ "KEX_SIGNED", write_kex_signed, read_kex_signed, {
		F_STR(FK_BLOB, SIGNED_SIG, RP_IPC_MAX_SIG_BLOB, "signature") } },
	{ "GEX_REQUEST", write_gex_request, read_gex_request, {
		F_U32(KS_GEX_MIN, "min"),
		F_U32(KS_GEX_N, "n"),
		F_U32(KS_GEX_MAX, "max") } },
	{ "GEX_GROUP", write_gex_group, read_gex_group, {
		F_STR(FK_BLOB, KS_GEX_P, RP_IPC_MAX_KEX_VALUE, "p"),
		F_STR(FK_BLOB, KS_GEX_G, RP_IPC_MAX_KEX_VALUE, "g") } },
	{ "AUTH_PUBKEY_CHECK", write_pubkey_check, read_pubkey_check, {
		F_NAME(PK_USER, "user"),
		F_NAME(PK_ALG, "algorithm"),
		F_STR(FK_BLOB, PK_KEY, RP_IPC_MAX_KEY_BLOB, "key blob") } },
	{ "AUTH_PUBKEY_VERIFY", write_pubkey_verify, read_pubkey_verify, {
		F_NAME(PK_USER, "user"),
		F_NAME(PV_SERVICE, "service"),
		F_NAME(PV_ALG, "algorithm"),
		F_STR(FK_BLOB, PK_KEY, RP_IPC_MAX_KEY_BLOB, "key blob"),
		F_STR(FK_BLOB, PV_SIG, RP_IPC_MAX_SIG_BLOB, "signature") } },
	{ "AUTH_RESULT", write_auth_result, read_auth_result, {
		F_U8(RP_AUTH_EXHAUSTED, "result"),
		F_STR(FK_BLOB, AR_METHODS, RP_IPC_MAX_ALGLIST, "methods"),
		F_STR(FK_BLOB, AR_BANNER, RP_IPC_MAX_BANNER, "banner") } },
	{ "AUTH_NONE", write_auth_none, read_auth_none, {
		F_NAME(PK_USER, "user") } },
	{ "AUTH_PASSWORD", write_auth_password, read_auth_password, {
		F_NAME(PK_USER, "user"),
		F_STR(FK_BLOB, PW_PASSWORD, RP_IPC_MAX_SECRET, "password") } },
	{ "AUTH_KBDINT", write_auth_kbdint, read_auth_kbdint, {
		F_NAME(PK_USER, "user"),
		F_STR(FK_BLOB, KI_SUBMETHODS, RP_IPC_MAX_ALGLIST, "submethods") } },
	{ "KBDINT_PROMPTS", write_kbdint_prompts, read_kbdint_prompts, {
		F_STR(FK_BLOB, KP_NAME, RP_IPC_MAX_LOG, "name"),
		F_STR(FK_BLOB, KP_INSTRUCTION, RP_IPC_MAX_LOG, "instruction"),
		F_U32(2, "number of prompts"),
		F_STR(FK_BLOB, KP_PROMPT0, RP_IPC_MAX_LOG, "prompt 0"),
		F_U8(0, "echo 0"),
		F_STR(FK_BLOB, KP_PROMPT1, RP_IPC_MAX_LOG, "prompt 1"),
		F_U8(1, "echo 1") } },
	{ "AUTH_KBDINT_ANSWERS", write_kbdint_answers, read_kbdint_answers, {
		F_U32(2, "number of answers"),
		F_STR(FK_BLOB, KA_ANSWER0, RP_IPC_MAX_SECRET, "answer 0"),
		F_STR(FK_BLOB, KA_ANSWER1, RP_IPC_MAX_SECRET, "answer 1") } },
	{ "SESSION_START", write_session_start, read_session_start, {
		F_U32(EXEC_SESSION, "session"),
		F_U8(RP_SESSION_EXEC, "kind"),
		F_STR(FK_TEXT, EXEC_CMD, RP_IPC_MAX_COMMAND, "command"),
		F_U8(1, "pty"),
		F_STR(FK_NAME0, START_TERM, RP_IPC_MAX_TERM, "TERM"),
		F_U32(132, "columns"),
		F_U32(43, "rows"),
		F_U32(1024, "width px"),
		F_U32(768, "height px"),
		F_STR(FK_BLOB, START_MODES, RP_IPC_MAX_MODES, "terminal modes"),
		F_U32(1, "number of variables"),
		F_STR(FK_BLOB, START_ENV_NAME, RP_IPC_MAX_ENV_NAME, "variable name"),
		F_STR(FK_TEXT, START_ENV_VALUE, RP_IPC_MAX_ENV_VALUE, "variable value"),
		F_U8(1, "agent"),
		F_U8(1, "x11"),
		F_U8(1, "x11 single connection"),
		F_STR(FK_TOKEN, START_X11_PROTO, RP_IPC_MAX_X11_PROTO, "x11 protocol"),
		F_STR(FK_HEX, START_X11_COOKIE, RP_IPC_MAX_X11_COOKIE, "x11 cookie"),
		F_U32(START_X11_SCREEN, "x11 screen") } },
	{ "SESSION_STARTED", write_session_started, read_session_started, {
		F_U8(1, "pty"),
		F_U8(RP_IPC_RECORD_INPUT, "recording"),
		F_U8(1, "agent"),
		F_U8(2, "x11 display sockets"),
		F_U32(10, "x11 display") } },
	{ "SESSION_CHECK", write_session_check, read_session_check, {
		F_U8(RP_CHECK_ENV, "what"),
		F_STR(FK_BLOB, START_ENV_NAME, RP_IPC_MAX_ENV_NAME, "name") } },
	{ "SESSION_CONTROL", write_session_control, read_session_control, {
		F_U32(3, "session"),
		F_U8(RP_CONTROL_SIGNAL, "operation"),
		F_STR(FK_NAME, "INT", 31, "signal name") } },
	{ "SESSION_EXITED", write_session_exited, read_session_exited, {
		F_U32(EXITED_SESSION, "session"),
		F_U8(1, "signalled"),
		F_U32(EXITED_STATUS, "status"),
		/* char signame[32] in ipc_msg.h: at most 31 bytes. */
		F_STR(FK_NAME0, EXITED_SIG, 31, "signal name"),
		F_U8(1, "core dumped") } },
	{ "DENIED", write_denied, read_denied, {
		F_STR(FK_BLOB, DENIED_REASON, RP_IPC_MAX_LOG, "reason") } },
	{ "LOG", write_log, read_log, {
		F_U8(LOG_LEVEL, "level"),
		F_STR(FK_BLOB, LOG_TEXT, RP_IPC_MAX_LOG, "text") } },
	{ "FORWARD_OPEN", write_forward_open, read_forward_open, {
		F_STR(FK_NAME, FWD_HOST, RP_IPC_MAX_HOST, "host"),
		F_U32(5432, "port"),
		F_STR(FK_NAME0, FWD_ORIG, RP_IPC_MAX_HOST, "originator address"),
		F_U32(51000, "originator port") } },
	{ "LISTEN_OPEN", write_listen_open, read_listen_open, {
		F_STR(FK_NAME0, LISTEN_BIND, RP_IPC_MAX_HOST, "bind address"),
		F_U32(8080, "port") } },
	{ "LISTEN_OPENED", write_listen_opened, read_listen_opened, {
		F_U32(40123, "port") } },
	{ "LISTEN_CLOSE", write_listen_close, read_listen_close, {
		F_STR(FK_NAME0, LISTEN_BIND, RP_IPC_MAX_HOST, "bind address"),
		F_U32(8080, "port") } },
	{ "LISTEN_ACCEPTED", write_listen_accepted, read_listen_accepted, {
		F_STR(FK_NAME0, LISTEN_BIND, RP_IPC_MAX_HOST, "bind address"),
		F_U32(8080, "port"),
		F_STR(FK_NAME0, LISTEN_ORIG, RP_IPC_MAX_HOST, "originator address"),
		F_U32(41000, "originator port") } },
	{ "HOSTKEYS_PROVE", write_hostkeys_prove, read_hostkeys_prove, {
		F_U32(2, "number of keys"),
		F_STR(FK_BLOB, HOSTKEY_BLOB0, RP_IPC_MAX_KEY_BLOB, "key 0"),
		F_STR(FK_BLOB, HOSTKEY_BLOB1, RP_IPC_MAX_KEY_BLOB, "key 1") } },
	{ "HOSTKEYS_PROVED", write_hostkeys_proved, read_hostkeys_proved, {
		F_U32(2, "number of signatures"),
		F_STR(FK_BLOB, HOSTKEY_BLOB0, RP_IPC_MAX_KEY_BLOB, "signature 0"),
		F_STR(FK_BLOB, HOSTKEY_BLOB1, RP_IPC_MAX_KEY_BLOB, "signature 1") } },
	{ "CLOSING", write_closing, read_closing, {
		F_U32(CLOSING_REASON, "reason"),
		F_U8(1, "by peer"),
		F_STR(FK_BLOB, CLOSING_TEXT, RP_IPC_MAX_LOG, "text") } },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static const struct ipc_case *
find_case(const char *name)
{
	for (size_t i = 0; i < NCASES; i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	ck_abort_msg("no test case for message %s", name);
	return NULL;
}

static int
is_string(enum field_kind k)
{
	return k == FK_BLOB || k == FK_TEXT || k == FK_NAME || k == FK_NAME0 ||
	    k == FK_TOKEN || k == FK_HEX;
}

/* Encode a case's layout, field `subst` (or none when -1) replaced by
 * data/len (a string) or by num (a number). */
static void
encode_layout(const struct ipc_case *c, int subst, const uint8_t *data, size_t len,
    uint32_t num, uint8_t **out, size_t *outlen)
{
	CBB cbb;

	ck_assert(CBB_init(&cbb, 0));
	for (int i = 0; i < MAX_FIELDS && c->fields[i].kind != FK_END; i++) {
		const struct field *f = &c->fields[i];
		int mine = i == subst;

		switch (f->kind) {
		case FK_U8:
			ck_assert(CBB_add_u8(&cbb, (uint8_t)(mine ? num : f->num)));
			break;
		case FK_U32:
			ck_assert(CBB_add_u32(&cbb, mine ? num : (uint32_t)f->num));
			break;
		case FK_U64:
			ck_assert(CBB_add_u64(&cbb, mine ? num : f->num));
			break;
		default:
			ck_assert(CBB_add_u32(&cbb, (uint32_t)(mine ? len : f->len)));
			ck_assert(CBB_add_bytes(&cbb, mine ? data : (const uint8_t *)f->str,
			    mine ? len : f->len));
			break;
		}
	}
	ck_assert(CBB_finish(&cbb, out, outlen));
}

static int
read_layout(const struct ipc_case *c, int subst, const uint8_t *data, size_t len, uint32_t num)
{
	uint8_t *buf;
	size_t buflen;
	CBS cbs;
	int ok;

	encode_layout(c, subst, data, len, num, &buf, &buflen);
	cbs = cbs_of(buf, buflen);
	ok = c->read(&cbs);
	OPENSSL_free(buf);
	return ok;
}

START_TEST(test_listen_ports_are_checked_by_the_readers)
{
	/* LISTEN_OPEN may ask for port 0 (the monitor chooses); what was bound
	 * (OPENED, CLOSE, ACCEPTED) is a real port; nothing beyond 65535. */
	static const struct {
		const char *msg;
		int field;
		uint32_t port;
		int ok;
	} checks[] = {
		{ "LISTEN_OPEN", 1, 0, 1 },       { "LISTEN_OPEN", 1, 65535, 1 },
		{ "LISTEN_OPEN", 1, 65536, 0 },   { "LISTEN_OPENED", 0, 0, 0 },
		{ "LISTEN_OPENED", 0, 65536, 0 }, { "LISTEN_OPENED", 0, 1, 1 },
		{ "LISTEN_CLOSE", 1, 0, 0 },      { "LISTEN_ACCEPTED", 1, 0, 0 },
		{ "LISTEN_ACCEPTED", 3, 65536, 0 }, { "FORWARD_OPEN", 1, 0, 0 },
		{ "FORWARD_OPEN", 1, 65536, 0 },
	};

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		ck_assert_msg(read_layout(find_case(checks[i].msg), checks[i].field, NULL, 0,
		    checks[i].port) == checks[i].ok, "%s port %u", checks[i].msg,
		    checks[i].port);
}
END_TEST

START_TEST(test_writers_follow_the_layout_in_ipc_h)
{
	/* The round trips cannot see a field order both sides got wrong the
	 * same way; compare each writer with the layout ipc.h documents. */
	for (size_t i = 0; i < NCASES; i++) {
		const struct ipc_case *c = &cases[i];
		uint8_t *got, *want;
		size_t got_len, want_len;
		CBB cbb;

		ck_assert(CBB_init(&cbb, 0));
		ck_assert_msg(c->write_sample(&cbb), "%s writer refused its sample", c->name);
		ck_assert(CBB_finish(&cbb, &got, &got_len));
		encode_layout(c, -1, NULL, 0, 0, &want, &want_len);
		ck_assert_msg(got_len == want_len && memcmp(got, want, got_len) == 0,
		    "%s: writer output (%zu bytes) differs from the layout in ipc.h (%zu bytes)",
		    c->name, got_len, want_len);
		OPENSSL_free(got);
		OPENSSL_free(want);
	}
}
END_TEST

START_TEST(test_every_truncation_is_refused)
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct ipc_case *c = &cases[i];
		uint8_t *buf;
		size_t len;
		CBB cbb;
		CBS cbs;

		ck_assert(CBB_init(&cbb, 0));
		ck_assert(c->write_sample(&cbb));
		ck_assert(CBB_finish(&cbb, &buf, &len));
		cbs = cbs_of(buf, len);
		ck_assert_msg(c->read(&cbs), "%s: the whole payload must be accepted", c->name);
		for (size_t cut = 0; cut < len; cut++) {
			cbs = cbs_of(buf, cut);
			ck_assert_msg(!c->read(&cbs),
			    "%s: a payload cut to %zu of %zu bytes must be refused", c->name, cut,
			    len);
		}
		OPENSSL_free(buf);
	}
}
END_TEST

START_TEST(test_one_trailing_byte_is_refused)
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct ipc_case *c = &cases[i];
		uint8_t *buf;
		size_t len;
		CBB cbb;
		CBS cbs;

		ck_assert(CBB_init(&cbb, 0));
		ck_assert(c->write_sample(&cbb));
		ck_assert(CBB_add_u8(&cbb, 0));
		ck_assert(CBB_finish(&cbb, &buf, &len));
		cbs = cbs_of(buf, len);
		ck_assert_msg(!c->read(&cbs), "%s: one trailing byte must be refused", c->name);
		OPENSSL_free(buf);
	}
}
END_TEST

START_TEST(test_every_field_bound_is_enforced)
{
	size_t biggest = 0;
	uint8_t *fill;

	for (size_t i = 0; i < NCASES; i++)
		for (int j = 0; j < MAX_FIELDS; j++)
			if (cases[i].fields[j].max > biggest)
				biggest = cases[i].fields[j].max;
	ck_assert_uint_eq(biggest, RP_IPC_MAX_COMMAND);
	fill = malloc(biggest + 1);
	ck_assert_ptr_nonnull(fill);
	memset(fill, 'a', biggest + 1);

	for (size_t i = 0; i < NCASES; i++) {
		const struct ipc_case *c = &cases[i];

		for (int j = 0; j < MAX_FIELDS && c->fields[j].kind != FK_END; j++) {
			const struct field *f = &c->fields[j];

			if (!is_string(f->kind))
				continue;
			ck_assert_msg(read_layout(c, j, fill, f->max, 0),
			    "%s: %s of exactly %zu bytes (the bound) must be accepted", c->name,
			    f->what, f->max);
			ck_assert_msg(!read_layout(c, j, fill, f->max + 1, 0),
			    "%s: %s of %zu bytes (one over the bound) must be refused", c->name,
			    f->what, f->max + 1);
		}
	}
	free(fill);
}
END_TEST

/* The bounds the brief names, spelled out so a change to a constant in
 * ipc.h shows up here by number. */
START_TEST(test_named_bounds_have_the_documented_values)
{
	ck_assert_uint_eq(RP_IPC_MAX_KEXINIT, 32768);
	ck_assert_uint_eq(RP_IPC_MAX_COMMAND, 65536);
	ck_assert_uint_eq(RP_IPC_MAX_LOG, 1024);
	ck_assert_uint_eq(RP_IPC_MAX_MSG, 128 * 1024);
	ck_assert_uint_eq(RP_IPC_MAX_FDS, 7);
	/* The largest KEX_SIGN (two KEXINITs at their bound and every other
	 * field at its bound) must still fit one message. */
	ck_assert_uint_le(RP_IPC_HEADER_LEN + 14 * 4 + 2 * (RP_IPC_MAX_NAME - 1) +
	    2 * RP_IPC_MAX_VERSION + 2 * RP_IPC_MAX_KEXINIT + 5 * RP_IPC_MAX_KEX_VALUE,
	    RP_IPC_MAX_MSG);
}
END_TEST

START_TEST(test_names_with_space_control_or_nul_are_refused)
{
	static const struct {
		const char *s;
		size_t len;
		const char *why;
	} bad[] = {
		{ "ssh ed25519", 11, "a space" },
		{ "alice\n", 6, "a newline" },
		{ "al\x01ice", 6, "a control byte" },
		{ "al\x7fice", 6, "DEL" },
		{ "al\0ice", 6, "a NUL" },
		{ "\0", 1, "a lone NUL" },
	};
	int seen = 0;

	for (size_t i = 0; i < NCASES; i++) {
		const struct ipc_case *c = &cases[i];

		for (int j = 0; j < MAX_FIELDS && c->fields[j].kind != FK_END; j++) {
			const struct field *f = &c->fields[j];

			if (f->kind != FK_NAME && f->kind != FK_NAME0)
				continue;
			seen++;
			for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++)
				ck_assert_msg(!read_layout(c, j, (const uint8_t *)bad[b].s,
				    bad[b].len, 0), "%s: %s with %s must be refused", c->name,
				    f->what, bad[b].why);
			ck_assert_msg(read_layout(c, j, LIT("ok-name@example.com"), 0),
			    "%s: %s \"ok-name@example.com\" must be accepted", c->name, f->what);
			if (f->kind == FK_NAME)
				ck_assert_msg(!read_layout(c, j, NULL, 0, 0),
				    "%s: an empty %s must be refused", c->name, f->what);
			else
				ck_assert_msg(read_layout(c, j, NULL, 0, 0),
				    "%s: an empty %s must be accepted", c->name, f->what);
		}
	}
	/* kex, host key alg, user, alg, user, service, alg, signal name,
	 * the user of AUTH_NONE, AUTH_PASSWORD and AUTH_KBDINT, TERM of
	 * SESSION_START and the signal of SESSION_CONTROL; host and
	 * originator of FORWARD_OPEN, the bind of LISTEN_OPEN, LISTEN_CLOSE
	 * and LISTEN_ACCEPTED and the latter's originator */
	ck_assert_int_eq(seen, 19);
}
END_TEST

START_TEST(test_session_start_with_nul_in_command_is_refused)
{
	const struct ipc_case *c = find_case("SESSION_START");

	ck_assert_msg(!read_layout(c, 2, LIT("ls\0; rm -rf /"), 0),
	    "SESSION_START: a NUL inside the command must be refused");
	ck_assert_msg(!read_layout(c, 2, LIT("ls -l\0"), 0),
	    "SESSION_START: a NUL at the end of the command must be refused");
	ck_assert_msg(!read_layout(c, 2, LIT("\0"), 0),
	    "SESSION_START: a command of one NUL must be refused");
	ck_assert_msg(read_layout(c, 2, NULL, 0, 0),
	    "SESSION_START: an empty command (a shell request) must be accepted");
}
END_TEST

START_TEST(test_auth_result_4_is_refused)
{
	const struct ipc_case *c = find_case("AUTH_RESULT");

	for (uint32_t r = 0; r <= 3; r++)
		ck_assert_msg(read_layout(c, 0, NULL, 0, r), "AUTH_RESULT %u must be accepted", r);
	ck_assert_msg(!read_layout(c, 0, NULL, 0, 4), "AUTH_RESULT 4 must be refused");
	ck_assert_msg(!read_layout(c, 0, NULL, 0, 0xff), "AUTH_RESULT 255 must be refused");
}
END_TEST

/* KBDINT_PROMPTS with n prompts "p0".. (n up to 9), the count saying
 * count, echo byte echo for each. */
static int
read_prompts(uint32_t count, size_t n, uint8_t echo)
{
	struct rp_ipc_kbdint_prompts m;
	uint8_t *buf;
	size_t len;
	CBB cbb;
	CBS cbs;
	int ok;

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(CBB_add_u32(&cbb, 0) && CBB_add_u32(&cbb, 0) && CBB_add_u32(&cbb, count));
	for (size_t i = 0; i < n; i++) {
		uint8_t p[2] = { 'p', (uint8_t)('0' + i) };

		ck_assert(CBB_add_u32(&cbb, 2) && CBB_add_bytes(&cbb, p, 2) &&
		    CBB_add_u8(&cbb, echo));
	}
	ck_assert(CBB_finish(&cbb, &buf, &len));
	cbs = cbs_of(buf, len);
	ok = rp_ipc_kbdint_prompts_read(&cbs, &m);
	if (ok) {
		const uint8_t last[2] = { 'p', (uint8_t)('0' + n - 1) };

		ck_assert_uint_eq(m.nprompts, n);
		ck_assert(CBS_mem_equal(&m.prompts[n - 1], last, 2));
	}
	OPENSSL_free(buf);
	return ok;
}

START_TEST(test_kbdint_prompt_count_is_1_to_8)
{
	struct rp_ipc_kbdint_prompts in;
	CBB cbb;

	for (size_t n = 0; n <= RP_IPC_MAX_PROMPTS + 1; n++) {
		int ok = read_prompts((uint32_t)n, n, 0);

		if (n == 0 || n > RP_IPC_MAX_PROMPTS)
			ck_assert_msg(!ok, "KBDINT_PROMPTS with %zu prompts must be refused", n);
		else
			ck_assert_msg(ok, "KBDINT_PROMPTS with %zu prompts must be accepted", n);
	}
	ck_assert_msg(!read_prompts(0xffffffffu, 9, 0),
	    "KBDINT_PROMPTS must refuse a count of 2^32-1");
	/* The writer refuses what the reader would. */
	sample_kbdint_prompts(&in);
	in.nprompts = 0;
	ck_assert(CBB_init(&cbb, 0));
	ck_assert_msg(!rp_ipc_kbdint_prompts_write(&cbb, &in), "writer must refuse 0 prompts");
	CBB_cleanup(&cbb);
	in.nprompts = RP_IPC_MAX_PROMPTS + 1;
	ck_assert(CBB_init(&cbb, 0));
	ck_assert_msg(!rp_ipc_kbdint_prompts_write(&cbb, &in), "writer must refuse 9 prompts");
	CBB_cleanup(&cbb);
}
END_TEST

START_TEST(test_kbdint_answer_count_is_at_most_8)
{
	for (size_t n = 0; n <= RP_IPC_MAX_PROMPTS + 1; n++) {
		struct rp_ipc_kbdint_answers m;
		uint8_t *buf;
		size_t len;
		CBB cbb;
		CBS cbs;
		int ok;

		ck_assert(CBB_init(&cbb, 0));
		ck_assert(CBB_add_u32(&cbb, (uint32_t)n));
		for (size_t i = 0; i < n; i++)
			ck_assert(CBB_add_u32(&cbb, 1) && CBB_add_u8(&cbb, (uint8_t)('0' + i)));
		ck_assert(CBB_finish(&cbb, &buf, &len));
		cbs = cbs_of(buf, len);
		ok = rp_ipc_kbdint_answers_read(&cbs, &m);
		if (n > RP_IPC_MAX_PROMPTS) {
			ck_assert_msg(!ok, "AUTH_KBDINT_ANSWERS with %zu answers must be refused", n);
		} else {
			ck_assert_msg(ok, "AUTH_KBDINT_ANSWERS with %zu answers must be accepted", n);
			ck_assert_uint_eq(m.nanswers, n);
		}
		OPENSSL_free(buf);
	}
}
END_TEST

START_TEST(test_kbdint_echo_is_a_boolean)
{
	/* RFC 4251 5: any non-zero byte is true. */
	static const uint8_t bytes[] = { 0, 1, 2, 0xff };

	for (size_t i = 0; i < sizeof(bytes); i++) {
		struct rp_ipc_kbdint_prompts m;
		uint8_t buf[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 'p', bytes[i] };
		CBS cbs = cbs_of(buf, sizeof(buf));

		ck_assert_msg(rp_ipc_kbdint_prompts_read(&cbs, &m), "echo byte %u must be accepted",
		    bytes[i]);
		ck_assert_int_eq(m.echo[0], bytes[i] != 0);
	}
}
END_TEST

START_TEST(test_log_level_4_is_refused)
{
	const struct ipc_case *c = find_case("LOG");

	for (uint32_t l = 0; l <= 3; l++)
		ck_assert_msg(read_layout(c, 0, NULL, 0, l), "LOG level %u must be accepted", l);
	ck_assert_msg(!read_layout(c, 0, NULL, 0, 4), "LOG level 4 must be refused");
	ck_assert_msg(!read_layout(c, 0, NULL, 0, 0xff), "LOG level 255 must be refused");
}
END_TEST

/* A HELLO payload with n host keys "k0".."k<n-1>" (n up to 9) and a
 * count field saying `count`. */
static void
encode_hello_with_keys(uint32_t count, size_t n, uint8_t **out, size_t *outlen)
{
	CBB cbb;

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(CBB_add_u32(&cbb, 1));
	ck_assert(CBB_add_u32(&cbb, 3) && CBB_add_bytes(&cbb, LIT("SSH")));
	ck_assert(CBB_add_u32(&cbb, 11) && CBB_add_bytes(&cbb, LIT("ssh-ed25519")));
	ck_assert(CBB_add_u32(&cbb, count));
	for (size_t i = 0; i < n; i++) {
		uint8_t key[2] = { 'k', (uint8_t)('0' + i) };
		ck_assert(CBB_add_u32(&cbb, 2) && CBB_add_bytes(&cbb, key, 2));
	}
	/* kex, ciphers, MACs, compression, auth methods, public key algorithms */
	for (int i = 0; i < 6; i++)
		ck_assert(CBB_add_u32(&cbb, 1) && CBB_add_u8(&cbb, 'x'));
	/* idle, keep-alive interval and count, rekey bytes and seconds, banner,
	 * max channels */
	ck_assert(CBB_add_u32(&cbb, 0) && CBB_add_u32(&cbb, 0) && CBB_add_u32(&cbb, 0) &&
	    CBB_add_u64(&cbb, 0) && CBB_add_u32(&cbb, 0) && CBB_add_u32(&cbb, 0) &&
	    CBB_add_u32(&cbb, 16));
	ck_assert(CBB_finish(&cbb, out, outlen));
}

START_TEST(test_hello_host_key_count_is_1_to_8_for_writer_and_reader)
{
	struct rp_ipc_hello in, out;
	uint8_t *buf;
	size_t len;
	CBB cbb;
	CBS cbs;

	/* Writer. */
	sample_hello(&in);
	for (size_t n = 0; n <= RP_IPC_MAX_HOSTKEYS + 1; n++) {
		int ok;

		in.nhostkeys = n;
		for (size_t i = 0; i < n && i < RP_IPC_MAX_HOSTKEYS; i++)
			in.hostkeys[i] = CBS_LIT(HELLO_KEY0);
		ck_assert(CBB_init(&cbb, 0));
		ok = rp_ipc_hello_write(&cbb, &in);
		CBB_cleanup(&cbb);
		if (n == 0 || n > RP_IPC_MAX_HOSTKEYS)
			ck_assert_msg(!ok, "HELLO writer must refuse %zu host keys", n);
		else
			ck_assert_msg(ok, "HELLO writer must accept %zu host keys", n);
	}

	/* Reader: the count as sent, with that many keys present. */
	for (size_t n = 0; n <= RP_IPC_MAX_HOSTKEYS + 1; n++) {
		int ok;

		encode_hello_with_keys((uint32_t)n, n, &buf, &len);
		cbs = cbs_of(buf, len);
		ok = rp_ipc_hello_read(&cbs, &out);
		if (n == 0 || n > RP_IPC_MAX_HOSTKEYS) {
			ck_assert_msg(!ok, "HELLO reader must refuse %zu host keys", n);
		} else {
			const uint8_t last[2] = { 'k', (uint8_t)('0' + n - 1) };

			ck_assert_msg(ok, "HELLO reader must accept %zu host keys", n);
			ck_assert_uint_eq(out.nhostkeys, n);
			ck_assert_msg(CBS_mem_equal(&out.hostkeys[n - 1], last, 2),
			    "HELLO with %zu keys: the last key must be \"k%zu\"", n, n - 1);
		}
		OPENSSL_free(buf);
	}

	/* A huge count must not make the reader walk past its array. */
	encode_hello_with_keys(0xffffffffu, 9, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(!rp_ipc_hello_read(&cbs, &out), "HELLO reader must refuse 2^32-1 host keys");
	OPENSSL_free(buf);
}
END_TEST

/* ------------------------------------------------------------------------
 * Framing over a real socketpair.
 */

static void
make_pair(int sv[2])
{
	ck_assert_msg(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0,
	    "socketpair: %s", strerror(errno));
}

static struct rp_ipc_msg *
new_msg(void)
{
	struct rp_ipc_msg *m = malloc(sizeof(*m));

	ck_assert_ptr_nonnull(m);
	memset(m, 0, sizeof(*m));
	return m;
}

static int
count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* sendmsg without rp_ipc_send's checks, to play a hostile peer. */
static void
raw_send(int fd, const void *data, size_t len, const int *fds, size_t nfds)
{
	char control[CMSG_SPACE(sizeof(int) * 64)];
	struct msghdr mh;
	struct iovec iov;

	ck_assert_uint_le(nfds, 64);
	memset(&mh, 0, sizeof(mh));
	memset(control, 0, sizeof(control));
	iov.iov_base = (void *)data;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		struct cmsghdr *cm;

		mh.msg_control = control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	ck_assert_msg(sendmsg(fd, &mh, 0) == (ssize_t)len, "sendmsg of %zu bytes: %s", len,
	    strerror(errno));
}

START_TEST(test_send_then_recv_gives_type_id_and_payload)
{
	static const uint8_t payload[] = { 0, 1, 2, 0xfe, 0xff, 'x' };
	struct rp_ipc_msg *m = new_msg();
	int sv[2];
	CBB cbb;

	make_pair(sv);
	ck_assert(rp_ipc_begin(&cbb, RP_IPC_SESSION_EXITED, 0xdeadbeefu));
	ck_assert(CBB_add_bytes(&cbb, payload, sizeof(payload)));
	ck_assert_msg(rp_ipc_send(sv[0], &cbb, NULL, 0, 0) == 1, "rp_ipc_send: %s",
	    strerror(errno));
	ck_assert_int_eq(rp_ipc_recv(sv[1], m, 0), 1);
	ck_assert_uint_eq(m->type, RP_IPC_SESSION_EXITED);
	ck_assert_uint_eq(m->id, 0xdeadbeefu);
	ck_assert_uint_eq(m->nfds, 0);
	ck_assert_uint_eq(m->len, RP_IPC_HEADER_LEN + sizeof(payload));
	ck_assert_msg(CBS_mem_equal(&m->payload, payload, sizeof(payload)),
	    "payload must arrive byte for byte after the 6-byte header");
	/* The header is uint16 type || uint32 id, big-endian. */
	ck_assert_msg(memcmp(m->buf, "\x00\x20\xde\xad\xbe\xef", 6) == 0,
	    "header must be uint16 type || uint32 id");
	ck_assert_str_eq(rp_ipc_type_name(m->type), "SESSION_EXITED");

	/* An empty payload is a valid message too. */
	ck_assert(rp_ipc_begin(&cbb, RP_IPC_HELLO, 0));
	ck_assert(rp_ipc_send(sv[0], &cbb, NULL, 0, 1));
	ck_assert_int_eq(rp_ipc_recv(sv[1], m, 1), 1);
	ck_assert_uint_eq(m->type, RP_IPC_HELLO);
	ck_assert_uint_eq(CBS_len(&m->payload), 0);

	close(sv[0]);
	close(sv[1]);
	free(m);
}
END_TEST

/* Send the write ends of n pipes; check each arrives close-on-exec and
 * leads to the matching pipe. */
static void
pass_pipes(size_t n)
{
	struct rp_ipc_msg *m = new_msg();
	int sv[2], p[RP_IPC_MAX_FDS][2], wr[RP_IPC_MAX_FDS];
	CBB cbb;

	make_pair(sv);
	for (size_t i = 0; i < n; i++) {
		/* Not O_CLOEXEC: the flag must come from the receiving side.
		 * O_NONBLOCK so that a leaked write end fails a read (EAGAIN)
		 * instead of hanging the test. */
		ck_assert(pipe2(p[i], O_NONBLOCK) == 0);
		wr[i] = p[i][1];
	}
	ck_assert(rp_ipc_begin(&cbb, RP_IPC_SESSION_STARTED, 9));
	ck_assert_msg(rp_ipc_send(sv[0], &cbb, wr, n, 0) == 1, "rp_ipc_send with %zu fds: %s", n,
	    strerror(errno));
	for (size_t i = 0; i < n; i++)
		close(p[i][1]);

	ck_assert_int_eq(rp_ipc_recv(sv[1], m, 0), 1);
	ck_assert_uint_eq(m->type, RP_IPC_SESSION_STARTED);
	ck_assert_uint_eq(m->id, 9);
	ck_assert_msg(m->nfds == n, "expected %zu descriptors, got %zu", n, m->nfds);
	for (size_t i = 0; i < n; i++) {
		char c = (char)('a' + i), got = 0;
		int flags = fcntl(m->fds[i], F_GETFD);

		ck_assert_msg(flags >= 0, "received descriptor %zu is not open", i);
		ck_assert_msg(flags & FD_CLOEXEC,
		    "received descriptor %zu must be close-on-exec", i);
		ck_assert_msg(write(m->fds[i], &c, 1) == 1, "write to received descriptor %zu", i);
		ck_assert_msg(read(p[i][0], &got, 1) == 1 && got == c,
		    "descriptor %zu must lead to pipe %zu (order kept)", i, i);
	}
	rp_ipc_close_fds(m);
	ck_assert_uint_eq(m->nfds, 0);
	for (size_t i = 0; i < n; i++) {
		char c;

		/* Every write end is now closed: EOF. */
		ck_assert_msg(read(p[i][0], &c, 1) == 0,
		    "after rp_ipc_close_fds pipe %zu must see end of file", i);
		close(p[i][0]);
	}
	close(sv[0]);
	close(sv[1]);
	free(m);
}

START_TEST(test_one_descriptor_passes_close_on_exec)
{
	pass_pipes(1);
}
END_TEST

START_TEST(test_three_descriptors_pass_close_on_exec)
{
	pass_pipes(3);
}
END_TEST

/* A hostile peer attaches n descriptors; recv must return -2 and leave
 * none of them open here. */
static void
too_many_descriptors(size_t n)
{
	struct rp_ipc_msg *m = new_msg();
	static const uint8_t hdr[RP_IPC_HEADER_LEN] = { 0, 31, 0, 0, 0, 1 };
	int sv[2], p[64][2], wr[64], before, after;

	ck_assert_uint_le(n, 64);
	make_pair(sv);
	before = count_open_fds();
	for (size_t i = 0; i < n; i++) {
		ck_assert(pipe2(p[i], O_NONBLOCK) == 0);
		wr[i] = p[i][1];
	}
	raw_send(sv[0], hdr, sizeof(hdr), wr, n);
	for (size_t i = 0; i < n; i++)
		close(p[i][1]);

	ck_assert_msg(rp_ipc_recv(sv[1], m, 0) == -2,
	    "a message with %zu descriptors must be refused with -2", n);
	ck_assert_uint_eq(m->nfds, 0);
	for (size_t i = 0; i < n; i++) {
		char c;

		/* EOF (not EAGAIN) proves no copy of the write end survives. */
		ck_assert_msg(read(p[i][0], &c, 1) == 0,
		    "descriptor %zu of %zu must have been closed by rp_ipc_recv", i, n);
		close(p[i][0]);
	}
	after = count_open_fds();
	ck_assert_msg(after == before, "%d descriptors open before, %d after", before, after);
	close(sv[0]);
	close(sv[1]);
	free(m);
}

START_TEST(test_one_over_max_descriptors_are_refused_and_closed)
{
	too_many_descriptors(RP_IPC_MAX_FDS + 1);
}
END_TEST

START_TEST(test_twenty_descriptors_are_refused_and_closed)
{
	/* More than rp_ipc_recv's control buffer holds (MSG_CTRUNC). */
	too_many_descriptors(20);
}
END_TEST

START_TEST(test_short_datagram_with_a_descriptor_closes_it)
{
	struct rp_ipc_msg *m = new_msg();
	int sv[2], p[2], before, after;
	char c;

	make_pair(sv);
	before = count_open_fds();
	ck_assert(pipe2(p, O_NONBLOCK) == 0);
	raw_send(sv[0], "abc", 3, &p[1], 1);
	close(p[1]);
	ck_assert_int_eq(rp_ipc_recv(sv[1], m, 0), -2);
	ck_assert_msg(read(p[0], &c, 1) == 0,
	    "the descriptor on a refused short datagram must be closed");
	close(p[0]);
	after = count_open_fds();
	ck_assert_msg(after == before, "%d descriptors open before, %d after", before, after);
	close(sv[0]);
	close(sv[1]);
	free(m);
}
END_TEST

START_TEST(test_datagram_over_max_msg_is_refused)
{
	struct rp_ipc_msg *m = new_msg();
	uint8_t *big = calloc(1, RP_IPC_MAX_MSG + 1);
	int sv[2], sndbuf = 4 * RP_IPC_MAX_MSG;
	CBB cbb;

	ck_assert_ptr_nonnull(big);
	make_pair(sv);
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));

	/* Exactly RP_IPC_MAX_MSG is accepted... */
	raw_send(sv[0], big, RP_IPC_MAX_MSG, NULL, 0);
	ck_assert_msg(rp_ipc_recv(sv[1], m, 0) == 1,
	    "a datagram of RP_IPC_MAX_MSG bytes must be accepted");
	ck_assert_uint_eq(m->len, RP_IPC_MAX_MSG);

	/* ...one byte more is refused, and the next message is intact. */
	raw_send(sv[0], big, RP_IPC_MAX_MSG + 1, NULL, 0);
	ck_assert(rp_ipc_begin(&cbb, RP_IPC_DENIED, 5));
	ck_assert(rp_ipc_send(sv[0], &cbb, NULL, 0, 0));
	ck_assert_msg(rp_ipc_recv(sv[1], m, 0) == -2,
	    "a datagram of RP_IPC_MAX_MSG + 1 bytes must be refused with -2");
	ck_assert_msg(rp_ipc_recv(sv[1], m, 0) == 1, "the message after a refused one must arrive");
	ck_assert_uint_eq(m->type, RP_IPC_DENIED);
	ck_assert_uint_eq(m->id, 5);
	close(sv[0]);
	close(sv[1]);
	free(big);
	free(m);
}
END_TEST

START_TEST(test_datagram_shorter_than_header_is_refused)
{
	struct rp_ipc_msg *m = new_msg();
	int sv[2];

	make_pair(sv);
	raw_send(sv[0], "\x00\x01\x00", 3, NULL, 0);
	ck_assert_msg(rp_ipc_recv(sv[1], m, 0) == -2, "a 3-byte datagram must be refused with -2");
	raw_send(sv[0], "\x00\x01\x00\x00\x00", 5, NULL, 0);
	ck_assert_msg(rp_ipc_recv(sv[1], m, 0) == -2, "a 5-byte datagram must be refused with -2");
	close(sv[0]);
	close(sv[1]);
	free(m);
}
END_TEST

START_TEST(test_peer_close_is_end_of_file)
{
	struct rp_ipc_msg *m = new_msg();
	int sv[2];

	make_pair(sv);
	close(sv[0]);
	ck_assert_msg(rp_ipc_recv(sv[1], m, 0) == 0, "recv after the peer closed must return 0");
	ck_assert_msg(rp_ipc_recv(sv[1], m, 1) == 0, "and keep returning 0");
	close(sv[1]);
	free(m);
}
END_TEST

START_TEST(test_nonblocking_recv_with_nothing_queued_is_a_system_error)
{
	struct rp_ipc_msg *m = new_msg();
	int sv[2];

	make_pair(sv);
	errno = 0;
	ck_assert_int_eq(rp_ipc_recv(sv[1], m, 1), -1);
	ck_assert_msg(errno == EAGAIN || errno == EWOULDBLOCK, "expected EAGAIN, got %s",
	    strerror(errno));
	close(sv[0]);
	close(sv[1]);
	free(m);
}
END_TEST

START_TEST(test_send_refuses_too_many_fds_and_oversize_with_emsgsize)
{
	struct rp_ipc_msg *m = new_msg();
	int sv[2], p[2], fds[RP_IPC_MAX_FDS + 1];
	uint8_t *pad = calloc(1, RP_IPC_MAX_MSG);
	int sndbuf = 4 * RP_IPC_MAX_MSG;
	CBB cbb;

	ck_assert_ptr_nonnull(pad);
	make_pair(sv);
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	ck_assert(pipe(p) == 0);
	for (size_t i = 0; i < RP_IPC_MAX_FDS + 1; i++)
		fds[i] = p[1];

	ck_assert(rp_ipc_begin(&cbb, RP_IPC_SESSION_STARTED, 1));
	errno = 0;
	ck_assert_msg(rp_ipc_send(sv[0], &cbb, fds, RP_IPC_MAX_FDS + 1, 0) == 0,
	    "rp_ipc_send must refuse %d descriptors", RP_IPC_MAX_FDS + 1);
	ck_assert_msg(errno == EMSGSIZE, "expected EMSGSIZE for too many fds, got %s",
	    strerror(errno));

	ck_assert(rp_ipc_begin(&cbb, RP_IPC_LOG, 2));
	ck_assert(CBB_add_bytes(&cbb, pad, RP_IPC_MAX_MSG - RP_IPC_HEADER_LEN + 1));
	errno = 0;
	ck_assert_msg(rp_ipc_send(sv[0], &cbb, NULL, 0, 0) == 0,
	    "rp_ipc_send must refuse a message of RP_IPC_MAX_MSG + 1 bytes");
	ck_assert_msg(errno == EMSGSIZE, "expected EMSGSIZE for an oversize message, got %s",
	    strerror(errno));

	/* Nothing of the two refused messages went out. */
	ck_assert_msg(rp_ipc_recv(sv[1], m, 1) == -1 && errno == EAGAIN,
	    "refused messages must not reach the peer");

	/* Exactly the limits are fine. */
	ck_assert(rp_ipc_begin(&cbb, RP_IPC_LOG, 3));
	ck_assert(CBB_add_bytes(&cbb, pad, RP_IPC_MAX_MSG - RP_IPC_HEADER_LEN));
	ck_assert_msg(rp_ipc_send(sv[0], &cbb, fds, RP_IPC_MAX_FDS, 0) == 1,
	    "a message of exactly RP_IPC_MAX_MSG bytes with %d fds must be sent: %s",
	    RP_IPC_MAX_FDS, strerror(errno));
	ck_assert_int_eq(rp_ipc_recv(sv[1], m, 0), 1);
	ck_assert_uint_eq(m->len, RP_IPC_MAX_MSG);
	ck_assert_uint_eq(m->id, 3);
	ck_assert_uint_eq(m->nfds, RP_IPC_MAX_FDS);
	rp_ipc_close_fds(m);

	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	free(pad);
	free(m);
}
END_TEST

/* ---- KEX_DONE, STATUS, DISCONNECT (issue 3) ------------------------------ */

/* Every prefix of buf (shorter than it) and buf plus one byte are refused. */
static void
assert_exact(int (*read)(CBS *, void *), void *out, const uint8_t *buf, size_t len,
    const char *what)
{
	uint8_t longer[4096];
	CBS cbs;

	for (size_t cut = 0; cut < len; cut++) {
		cbs = cbs_of(buf, cut);
		ck_assert_msg(!read(&cbs, out), "%s: a %zu-byte prefix must be refused", what, cut);
	}
	ck_assert(len + 1 <= sizeof(longer));
	memcpy(longer, buf, len);
	longer[len] = 0;
	cbs = cbs_of(longer, len + 1);
	ck_assert_msg(!read(&cbs, out), "%s: a trailing byte must be refused", what);
}

static int
read_kex_done_any(CBS *cbs, void *out)
{
	return rp_ipc_kex_done_read(cbs, out);
}

static int
read_status_any(CBS *cbs, void *out)
{
	return rp_ipc_status_read(cbs, out);
}

static int
read_disconnect_any(CBS *cbs, void *out)
{
	return rp_ipc_disconnect_read(cbs, out);
}

START_TEST(test_kex_done_round_trips_and_allows_empty_macs)
{
	struct rp_ipc_kex_done in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	in.cipher_c2s = CBS_LIT("chacha20-poly1305@openssh.com");
	in.cipher_s2c = CBS_LIT("aes128-ctr");
	in.mac_c2s = CBS_LIT("");
	in.mac_s2c = CBS_LIT("hmac-sha2-256");
	in.comp_c2s = CBS_LIT("none");
	in.comp_s2c = CBS_LIT("none");
	WRITE(rp_ipc_kex_done_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_kex_done_read(&cbs, &out));
	ck_assert_cbs_eq(out.cipher_c2s, "chacha20-poly1305@openssh.com");
	ck_assert_cbs_eq(out.cipher_s2c, "aes128-ctr");
	ck_assert_uint_eq(CBS_len(&out.mac_c2s), 0);
	ck_assert_cbs_eq(out.mac_s2c, "hmac-sha2-256");
	assert_exact(read_kex_done_any, &out, buf, len, "KEX_DONE");
	OPENSSL_free(buf);
	/* A name with a control byte is refused. */
	in.cipher_s2c = CBS_LIT("aes\n128");
	WRITE(rp_ipc_kex_done_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(!rp_ipc_kex_done_read(&cbs, &out));
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_status_round_trips_and_bounds_channels_and_targets)
{
	static struct rp_ipc_status in, out;
	static char target[RP_IPC_MAX_TARGET + 1];
	uint8_t *buf;
	size_t len;
	CBB cbb;
	CBS cbs;

	memset(&in, 0, sizeof(in));
	in.bytes_in = 0x100000000ULL;
	in.bytes_out = 12345;
	in.idle_s = 7;
	in.nchannels = RP_IPC_MAX_STATUS_CHANNELS;
	memset(target, 'x', RP_IPC_MAX_TARGET);
	for (size_t i = 0; i < in.nchannels; i++) {
		in.channels[i].id = (uint32_t)i;
		in.channels[i].type = CBS_LIT("session");
		in.channels[i].target = cbs_of((const uint8_t *)target, RP_IPC_MAX_TARGET);
		in.channels[i].bytes_in = i;
		in.channels[i].bytes_out = 2 * i;
	}
	WRITE(rp_ipc_status_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(rp_ipc_status_read(&cbs, &out), "16 channels with 256-byte targets fit");
	ck_assert(out.bytes_in == 0x100000000ULL);
	ck_assert_uint_eq(out.nchannels, RP_IPC_MAX_STATUS_CHANNELS);
	ck_assert_uint_eq(out.channels[15].bytes_out, 30);
	ck_assert_uint_eq(CBS_len(&out.channels[3].target), RP_IPC_MAX_TARGET);
	OPENSSL_free(buf);

	/* One byte over the target bound. */
	in.channels[0].target = cbs_of((const uint8_t *)target, RP_IPC_MAX_TARGET + 1);
	target[RP_IPC_MAX_TARGET] = 'x';
	WRITE(rp_ipc_status_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert_msg(!rp_ipc_status_read(&cbs, &out), "a 257-byte target must be refused");
	OPENSSL_free(buf);

	/* The writer refuses 17 channels; a reader given a count of 17 too. */
	in.channels[0].target = CBS_LIT("id");
	in.nchannels = RP_IPC_MAX_STATUS_CHANNELS + 1;
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(!rp_ipc_status_write(&cbb, &in));
	CBB_cleanup(&cbb);
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(CBB_add_u64(&cbb, 0) && CBB_add_u64(&cbb, 0) && CBB_add_u32(&cbb, 0) &&
	    CBB_add_u32(&cbb, RP_IPC_MAX_STATUS_CHANNELS + 1));
	ck_assert(CBB_finish(&cbb, &buf, &len));
	cbs = cbs_of(buf, len);
	ck_assert(!rp_ipc_status_read(&cbs, &out));
	OPENSSL_free(buf);

	/* Exactness on a small one. */
	in.nchannels = 1;
	WRITE(rp_ipc_status_write, &in, &buf, &len);
	assert_exact(read_status_any, &out, buf, len, "STATUS");
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_disconnect_round_trips_and_bounds_the_message)
{
	static char text[RP_IPC_MAX_LOG + 1];
	struct rp_ipc_disconnect in, out;
	uint8_t *buf;
	size_t len;
	CBS cbs;

	in.reason = 11;
	in.message = CBS_LIT("maintenance at noon");
	WRITE(rp_ipc_disconnect_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(rp_ipc_disconnect_read(&cbs, &out));
	ck_assert_uint_eq(out.reason, 11);
	ck_assert_cbs_eq(out.message, "maintenance at noon");
	assert_exact(read_disconnect_any, &out, buf, len, "DISCONNECT");
	OPENSSL_free(buf);
	memset(text, 'm', sizeof(text));
	in.message = cbs_of((const uint8_t *)text, RP_IPC_MAX_LOG + 1);
	WRITE(rp_ipc_disconnect_write, &in, &buf, &len);
	cbs = cbs_of(buf, len);
	ck_assert(!rp_ipc_disconnect_read(&cbs, &out));
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_builders_open_with_their_own_type)
{
	struct rp_ipc_disconnect d = { 2, CBS_LIT("x") };
	uint8_t *buf;
	size_t len;
	CBB cbb;
	CBS cbs;
	uint16_t type;
	uint32_t id;

	ck_assert(rp_ipc_disconnect_build(&cbb, 77, &d));
	ck_assert(CBB_finish(&cbb, &buf, &len));
	cbs = cbs_of(buf, len);
	ck_assert(CBS_get_u16(&cbs, &type) && CBS_get_u32(&cbs, &id));
	ck_assert_uint_eq(type, RP_IPC_DISCONNECT);
	ck_assert_uint_eq(id, 77);
	ck_assert(rp_ipc_disconnect_read(&cbs, &d));
	OPENSSL_free(buf);
}
END_TEST

RP_TEST_SUITE(ipc)
{
	Suite *s = suite_create("ipc");
	TCase *msgs = tcase_create("messages");
	TCase *framing = tcase_create("framing");

	tcase_add_test(msgs, test_hello_round_trips_every_field);
	tcase_add_test(msgs, test_kex_sign_round_trips_every_field);
	tcase_add_test(msgs, test_kex_signed_round_trips_every_field);
	tcase_add_test(msgs, test_gex_messages_round_trip_and_group_numbers_are_checked);
	tcase_add_test(msgs, test_pubkey_check_round_trips_every_field);
	tcase_add_test(msgs, test_pubkey_verify_round_trips_every_field);
	tcase_add_test(msgs, test_auth_result_round_trips_each_result);
	tcase_add_test(msgs, test_auth_requests_round_trip_every_field);
	tcase_add_test(msgs, test_session_start_round_trips_every_field);
	tcase_add_test(msgs, test_session_start_without_pty_has_no_pty_fields);
	tcase_add_test(msgs, test_session_start_x11_fields_are_checked);
	tcase_add_test(msgs, test_hostkeys_counts_and_empty_blobs_are_refused);
	tcase_add_test(msgs, test_session_started_x11_socket_count_is_bounded);
	tcase_add_test(msgs, test_session_start_refuses_bad_kinds_names_and_counts);
	tcase_add_test(msgs, test_session_check_and_control_refuse_what_does_not_fit);
	tcase_add_test(msgs, test_session_exited_round_trips_exit_and_signal);
	tcase_add_test(msgs, test_denied_round_trips_every_field);
	tcase_add_test(msgs, test_log_round_trips_each_level);
	tcase_add_test(msgs, test_closing_round_trips_every_field);
	tcase_add_test(msgs, test_writers_follow_the_layout_in_ipc_h);
	tcase_add_test(msgs, test_listen_ports_are_checked_by_the_readers);
	tcase_add_test(msgs, test_every_truncation_is_refused);
	tcase_add_test(msgs, test_one_trailing_byte_is_refused);
	tcase_add_test(msgs, test_every_field_bound_is_enforced);
	tcase_add_test(msgs, test_named_bounds_have_the_documented_values);
	tcase_add_test(msgs, test_names_with_space_control_or_nul_are_refused);
	tcase_add_test(msgs, test_session_start_with_nul_in_command_is_refused);
	tcase_add_test(msgs, test_auth_result_4_is_refused);
	tcase_add_test(msgs, test_kbdint_prompt_count_is_1_to_8);
	tcase_add_test(msgs, test_kbdint_answer_count_is_at_most_8);
	tcase_add_test(msgs, test_kbdint_echo_is_a_boolean);
	tcase_add_test(msgs, test_log_level_4_is_refused);
	tcase_add_test(msgs, test_hello_host_key_count_is_1_to_8_for_writer_and_reader);
	tcase_add_test(msgs, test_kex_done_round_trips_and_allows_empty_macs);
	tcase_add_test(msgs, test_status_round_trips_and_bounds_channels_and_targets);
	tcase_add_test(msgs, test_disconnect_round_trips_and_bounds_the_message);
	tcase_add_test(msgs, test_builders_open_with_their_own_type);
	suite_add_tcase(s, msgs);

	tcase_add_test(framing, test_send_then_recv_gives_type_id_and_payload);
	tcase_add_test(framing, test_one_descriptor_passes_close_on_exec);
	tcase_add_test(framing, test_three_descriptors_pass_close_on_exec);
	tcase_add_test(framing, test_one_over_max_descriptors_are_refused_and_closed);
	tcase_add_test(framing, test_twenty_descriptors_are_refused_and_closed);
	tcase_add_test(framing, test_short_datagram_with_a_descriptor_closes_it);
	tcase_add_test(framing, test_datagram_over_max_msg_is_refused);
	tcase_add_test(framing, test_datagram_shorter_than_header_is_refused);
	tcase_add_test(framing, test_peer_close_is_end_of_file);
	tcase_add_test(framing, test_nonblocking_recv_with_nothing_queued_is_a_system_error);
	tcase_add_test(framing, test_send_refuses_too_many_fds_and_oversize_with_emsgsize);
	suite_add_tcase(s, framing);
	return s;
}

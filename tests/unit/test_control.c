/*
 * tests/unit/test_control.c: the control socket protocol (common/control.c)
 * and rampartctl's client side of it (tools/ctl_client.c,
 * tools/ctl_commands.c).
 *
 * Codecs: exact layout, round trips at every bound, one past each bound
 * refused by writer and reader, every truncation and a trailing byte
 * refused. Frames: partial frames wait, an oversize length is refused as
 * soon as it is seen.
 *
 * The client: the rampartctl next to this test binary (../rampartctl) is
 * run against a fake rampartd on a socket in a temporary directory: what
 * each command line sends, where the answer goes and the exit status, and
 * every way the daemon can fail to answer (absent, refusing, not accepting,
 * silent, hanging up, oversize or malformed answers). Usage errors exit 2
 * before any connection is tried.
 */
#include "tests/unit/unit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/control.h"

#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1
#define TEXT(s) (s), sizeof(s) - 1
#define MAX_TEXT (RP_CONTROL_MAX_FRAME - 5)

/* ------------------------------------------------------------------------
 * Helpers for the codecs
 */

static void
sample_request(struct rp_control_request *req)
{
	memset(req, 0, sizeof(*req));
	strcpy(req->command, "disconnect");
	req->nargs = 2;
	strcpy(req->args[0], "42");
	strcpy(req->args[1], "bye\x01 now");
	req->json = 1;
}

static const uint8_t sample_request_bytes[] = {
	0, 0, 0, 10, 'd', 'i', 's', 'c', 'o', 'n', 'n', 'e', 'c', 't',
	0, 0, 0, 2,
	0, 0, 0, 2, '4', '2',
	0, 0, 0, 8, 'b', 'y', 'e', 1, ' ', 'n', 'o', 'w',
	1,
};

/* Write req into a fresh buffer (OPENSSL_free it); 0 when refused. */
static int
write_request(const struct rp_control_request *req, uint8_t **out, size_t *len)
{
	CBB cbb;

	ck_assert(CBB_init(&cbb, 0));
	if (!rp_control_request_write(&cbb, req)) {
		CBB_cleanup(&cbb);
		return 0;
	}
	ck_assert(CBB_finish(&cbb, out, len));
	return 1;
}

static int
read_request(const uint8_t *p, size_t len, struct rp_control_request *req)
{
	CBS cbs;

	CBS_init(&cbs, p, len);
	return rp_control_request_read(&cbs, req);
}

static void
assert_same_request(const struct rp_control_request *a, const struct rp_control_request *b)
{
	ck_assert_str_eq(a->command, b->command);
	ck_assert_uint_eq(a->nargs, b->nargs);
	for (size_t i = 0; i < a->nargs; i++)
		ck_assert_str_eq(a->args[i], b->args[i]);
	ck_assert_int_eq(a->json, b->json);
}

/* A request payload built by hand, for what a writer refuses to make. */
struct raw {
	CBB cbb;
};

static void
raw_init(struct raw *r, const char *command, size_t command_len, uint32_t nargs)
{
	ck_assert(CBB_init(&r->cbb, 0));
	ck_assert(CBB_add_u32(&r->cbb, (uint32_t)command_len));
	ck_assert(CBB_add_bytes(&r->cbb, (const uint8_t *)command, command_len));
	ck_assert(CBB_add_u32(&r->cbb, nargs));
}

static void
raw_arg(struct raw *r, const void *arg, size_t len)
{
	ck_assert(CBB_add_u32(&r->cbb, (uint32_t)len));
	ck_assert(CBB_add_bytes(&r->cbb, arg, len));
}

/* Finish with the json byte; 1 when the reader takes it. */
static int
raw_read(struct raw *r, uint8_t json)
{
	struct rp_control_request req;
	uint8_t *p;
	size_t len;
	int ok;

	ck_assert(CBB_add_u8(&r->cbb, json));
	ck_assert(CBB_finish(&r->cbb, &p, &len));
	ok = read_request(p, len, &req);
	OPENSSL_free(p);
	return ok;
}

/* ------------------------------------------------------------------------
 * Requests
 */

START_TEST(test_request_layout_and_round_trip)
{
	struct rp_control_request req, back;
	uint8_t *p;
	size_t len;

	sample_request(&req);
	ck_assert(write_request(&req, &p, &len));
	ck_assert_uint_eq(len, sizeof(sample_request_bytes));
	ck_assert(memcmp(p, sample_request_bytes, len) == 0);
	memset(&back, 0x55, sizeof(back));
	ck_assert(read_request(p, len, &back));
	assert_same_request(&req, &back);
	OPENSSL_free(p);
}
END_TEST

START_TEST(test_request_without_arguments)
{
	struct rp_control_request req, back;
	uint8_t *p;
	size_t len;

	memset(&req, 0, sizeof(req));
	strcpy(req.command, "status");
	ck_assert(write_request(&req, &p, &len));
	ck_assert_uint_eq(len, 4 + 6 + 4 + 1);
	ck_assert(read_request(p, len, &back));
	assert_same_request(&req, &back);
	ck_assert_int_eq(back.json, 0);
	OPENSSL_free(p);
}
END_TEST

START_TEST(test_request_at_every_bound)
{
	struct rp_control_request *req = calloc(2, sizeof(*req));
	uint8_t *p;
	size_t len;

	ck_assert(req != NULL);
	memset(req->command, 'a', RP_CONTROL_MAX_COMMAND - 1);
	req->command[4] = '-';
	req->nargs = RP_CONTROL_MAX_ARGS;
	for (size_t i = 0; i < RP_CONTROL_MAX_ARGS; i++)
		memset(req->args[i], (int)('A' + i), RP_CONTROL_MAX_ARG - 1);
	ck_assert(write_request(req, &p, &len));
	ck_assert(read_request(p, len, &req[1]));
	assert_same_request(&req[0], &req[1]);
	ck_assert_uint_eq(strlen(req[1].command), RP_CONTROL_MAX_COMMAND - 1);
	ck_assert_uint_eq(strlen(req[1].args[7]), RP_CONTROL_MAX_ARG - 1);
	OPENSSL_free(p);
	free(req);
}
END_TEST

START_TEST(test_request_writer_refuses_past_the_bounds)
{
	struct rp_control_request req;
	uint8_t *p;
	size_t len;

	sample_request(&req);
	req.command[0] = '\0';
	ck_assert(!write_request(&req, &p, &len));

	sample_request(&req);
	memset(req.command, 'a', sizeof(req.command)); /* no room for the NUL */
	ck_assert(!write_request(&req, &p, &len));

	sample_request(&req);
	strcpy(req.command, "Status");
	ck_assert(!write_request(&req, &p, &len));
	strcpy(req.command, "sta tus");
	ck_assert(!write_request(&req, &p, &len));
	strcpy(req.command, "status\n");
	ck_assert(!write_request(&req, &p, &len));

	sample_request(&req);
	req.nargs = RP_CONTROL_MAX_ARGS + 1;
	ck_assert(!write_request(&req, &p, &len));

	sample_request(&req);
	memset(req.args[1], 'x', sizeof(req.args[1])); /* 1024 bytes, no NUL */
	ck_assert(!write_request(&req, &p, &len));
}
END_TEST

START_TEST(test_request_reader_refuses_past_the_bounds)
{
	char big[RP_CONTROL_MAX_ARG + 1];
	char command[RP_CONTROL_MAX_COMMAND + 1];
	struct raw r;

	memset(big, 'x', sizeof(big));
	memset(command, 'a', sizeof(command));

	/* The largest of each is taken, one more is not. */
	raw_init(&r, command, RP_CONTROL_MAX_COMMAND - 1, 0);
	ck_assert(raw_read(&r, 0));
	raw_init(&r, command, RP_CONTROL_MAX_COMMAND, 0);
	ck_assert(!raw_read(&r, 0));

	raw_init(&r, "status", 6, 1);
	raw_arg(&r, big, RP_CONTROL_MAX_ARG - 1);
	ck_assert(raw_read(&r, 0));
	raw_init(&r, "status", 6, 1);
	raw_arg(&r, big, RP_CONTROL_MAX_ARG);
	ck_assert(!raw_read(&r, 0));

	raw_init(&r, "status", 6, RP_CONTROL_MAX_ARGS);
	for (int i = 0; i < RP_CONTROL_MAX_ARGS; i++)
		raw_arg(&r, "a", 1);
	ck_assert(raw_read(&r, 0));
	raw_init(&r, "status", 6, RP_CONTROL_MAX_ARGS + 1);
	for (int i = 0; i < RP_CONTROL_MAX_ARGS + 1; i++)
		raw_arg(&r, "a", 1);
	ck_assert(!raw_read(&r, 0));
	raw_init(&r, "status", 6, UINT32_MAX);
	ck_assert(!raw_read(&r, 0));

	/* Values: command names, NUL in an argument, the json flag. */
	raw_init(&r, "", 0, 0);
	ck_assert(!raw_read(&r, 0));
	raw_init(&r, "Status", 6, 0);
	ck_assert(!raw_read(&r, 0));
	raw_init(&r, "stat\0s", 6, 0);
	ck_assert(!raw_read(&r, 0));
	raw_init(&r, "stat\xc3\xa9", 6, 0);
	ck_assert(!raw_read(&r, 0));
	raw_init(&r, "status", 6, 1);
	raw_arg(&r, "a\0b", 3);
	ck_assert(!raw_read(&r, 0));
	raw_init(&r, "status", 6, 0);
	ck_assert(raw_read(&r, 1));
	raw_init(&r, "status", 6, 0);
	ck_assert(!raw_read(&r, 2));
	raw_init(&r, "status", 6, 0);
	ck_assert(!raw_read(&r, 0xff));
}
END_TEST

START_TEST(test_request_truncations_and_trailing_bytes_refused)
{
	struct rp_control_request req;
	uint8_t longer[sizeof(sample_request_bytes) + 1];

	for (size_t n = 0; n < sizeof(sample_request_bytes); n++)
		ck_assert_msg(!read_request(sample_request_bytes, n, &req),
		    "a request cut to %zu bytes was taken", n);
	memcpy(longer, sample_request_bytes, sizeof(sample_request_bytes));
	longer[sizeof(sample_request_bytes)] = 0;
	ck_assert(!read_request(longer, sizeof(longer), &req));
	ck_assert(read_request(sample_request_bytes, sizeof(sample_request_bytes), &req));
}
END_TEST

/* ------------------------------------------------------------------------
 * Responses
 */

static int
read_response(const uint8_t *p, size_t len, uint8_t *status, CBS *text)
{
	CBS cbs;

	CBS_init(&cbs, p, len);
	return rp_control_response_read(&cbs, status, text);
}

START_TEST(test_response_layout_and_round_trip)
{
	static const uint8_t want[] = { 1, 0, 0, 0, 3, 'n', 'o', '\n' };
	uint8_t *p, status = 9;
	size_t len;
	CBB cbb;
	CBS text;

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(rp_control_response_write(&cbb, RP_CONTROL_FAILED, "no\n", 3));
	ck_assert(CBB_finish(&cbb, &p, &len));
	ck_assert_uint_eq(len, sizeof(want));
	ck_assert(memcmp(p, want, len) == 0);
	ck_assert(read_response(p, len, &status, &text));
	ck_assert_uint_eq(status, RP_CONTROL_FAILED);
	ck_assert(CBS_mem_equal(&text, LIT("no\n")));
	/* Truncations and a trailing byte. */
	for (size_t n = 0; n < len; n++)
		ck_assert(!read_response(p, n, &status, &text));
	OPENSSL_free(p);
	{
		static const uint8_t longer[] = { 0, 0, 0, 0, 1, 'x', 'y' };
		static const uint8_t empty[] = { 0, 0, 0, 0, 0 };
		ck_assert(!read_response(longer, sizeof(longer), &status, &text));
		ck_assert(read_response(empty, sizeof(empty), &status, &text));
		ck_assert_uint_eq(status, RP_CONTROL_OK);
		ck_assert_uint_eq(CBS_len(&text), 0);
	}
}
END_TEST

START_TEST(test_response_status_is_0_or_1)
{
	static const uint8_t two[] = { 2, 0, 0, 0, 0 };
	uint8_t status;
	CBB cbb;
	CBS text;

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(!rp_control_response_write(&cbb, 2, "", 0));
	CBB_cleanup(&cbb);
	ck_assert(!read_response(two, sizeof(two), &status, &text));
}
END_TEST

START_TEST(test_response_text_bound)
{
	uint8_t *text = calloc(1, MAX_TEXT + 1), *p, status;
	size_t len;
	CBB cbb, frame;
	CBS t;

	ck_assert(text != NULL);
	/* The largest text fills the largest frame exactly. */
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(rp_control_response_write(&cbb, RP_CONTROL_OK, (char *)text, MAX_TEXT));
	ck_assert(CBB_finish(&cbb, &p, &len));
	ck_assert_uint_eq(len, RP_CONTROL_MAX_FRAME);
	ck_assert(read_response(p, len, &status, &t));
	ck_assert_uint_eq(CBS_len(&t), MAX_TEXT);
	ck_assert(CBB_init(&frame, 0));
	ck_assert(rp_control_frame(&frame, p, len));
	CBB_cleanup(&frame);
	OPENSSL_free(p);

	/* One more byte: refused by the writer, and by the reader. */
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(!rp_control_response_write(&cbb, RP_CONTROL_OK, (char *)text, MAX_TEXT + 1));
	CBB_cleanup(&cbb);
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(CBB_add_u8(&cbb, 0) && CBB_add_u32(&cbb, MAX_TEXT + 1) &&
	    CBB_add_bytes(&cbb, text, MAX_TEXT + 1));
	ck_assert(CBB_finish(&cbb, &p, &len));
	ck_assert(!read_response(p, len, &status, &t));
	OPENSSL_free(p);
	free(text);
}
END_TEST

/* ------------------------------------------------------------------------
 * Frames
 */

START_TEST(test_frame_and_unframe)
{
	static const uint8_t want[] = { 0, 0, 0, 3, 'a', 'b', 'c', 'X', 'Y' };
	uint8_t *p;
	size_t len, frame_len = 0;
	CBB cbb;
	CBS payload;

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(rp_control_frame(&cbb, LIT("abc")));
	ck_assert(CBB_finish(&cbb, &p, &len));
	ck_assert_uint_eq(len, 7);
	ck_assert(memcmp(p, want, len) == 0);
	OPENSSL_free(p);

	/* Every partial frame asks for more. */
	for (size_t n = 0; n < 7; n++)
		ck_assert_msg(rp_control_unframe(want, n, &payload, &frame_len) == 0,
		    "%zu bytes of a 7-byte frame", n);
	ck_assert_int_eq(rp_control_unframe(want, 7, &payload, &frame_len), 1);
	ck_assert_uint_eq(frame_len, 7);
	ck_assert(CBS_mem_equal(&payload, LIT("abc")));
	/* Bytes after the frame are the next frame's, not this one's. */
	ck_assert_int_eq(rp_control_unframe(want, sizeof(want), &payload, &frame_len), 1);
	ck_assert_uint_eq(frame_len, 7);
	ck_assert(CBS_mem_equal(&payload, LIT("abc")));
}
END_TEST

START_TEST(test_empty_frame)
{
	static const uint8_t zero[] = { 0, 0, 0, 0 };
	size_t frame_len;
	CBS payload;
	CBB cbb;
	uint8_t *p;
	size_t len;

	ck_assert_int_eq(rp_control_unframe(zero, 4, &payload, &frame_len), 1);
	ck_assert_uint_eq(frame_len, 4);
	ck_assert_uint_eq(CBS_len(&payload), 0);
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(rp_control_frame(&cbb, NULL, 0));
	ck_assert(CBB_finish(&cbb, &p, &len));
	ck_assert_uint_eq(len, 4);
	OPENSSL_free(p);
}
END_TEST

START_TEST(test_oversize_frame_length_refused_at_once)
{
	static const uint8_t max[] = { 0x00, 0x40, 0x00, 0x00 };      /* 4 MiB */
	static const uint8_t over[] = { 0x00, 0x40, 0x00, 0x01 };     /* 4 MiB + 1 */
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff };
	uint8_t *big = malloc(RP_CONTROL_MAX_FRAME + 1);
	size_t frame_len;
	CBS payload;
	CBB cbb;

	ck_assert_int_eq(rp_control_unframe(max, 4, &payload, &frame_len), 0);
	ck_assert_int_eq(rp_control_unframe(over, 4, &payload, &frame_len), -1);
	ck_assert_int_eq(rp_control_unframe(huge, 4, &payload, &frame_len), -1);
	ck_assert_int_eq(rp_control_unframe(huge, 3, &payload, &frame_len), 0);

	ck_assert(big != NULL);
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(!rp_control_frame(&cbb, big, RP_CONTROL_MAX_FRAME + 1));
	CBB_cleanup(&cbb);
	free(big);
}
END_TEST

/* ------------------------------------------------------------------------
 * The client: rampartctl against a fake rampartd
 */

static char dir[64];
static char sockpath[128];
static char outpath[128];
static char errpath[128];

static void
client_setup(void)
{
	strcpy(dir, "/tmp/rampart-ctl-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(sockpath, sizeof(sockpath), "%s/control.sock", dir);
	snprintf(outpath, sizeof(outpath), "%s/stdout", dir);
	snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
}

static int
remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void
client_teardown(void)
{
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* build/tests/unit-tests -> build/rampartctl */
static const char *
rampartctl_path(void)
{
	static char path[PATH_MAX + 32];
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	ck_assert(n > 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	ck_assert(slash != NULL);
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/../rampartctl", self);
	ck_assert_msg(access(path, X_OK) == 0, "%s is missing: build it with the tests", path);
	return path;
}

static int
listen_on(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert(fd >= 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert(strlen(path) < sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	ck_assert(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	ck_assert(listen(fd, 4) == 0);
	return fd;
}

struct env {
	const char *socket;     /* RAMPART_CONTROL_SOCKET, NULL: unset */
	const char *timeout;    /* RAMPART_CONTROL_TIMEOUT, NULL: 5s */
};

/* Start rampartctl with args (NULL-terminated), output into files. */
static pid_t
ctl_start(const char *const *args, const struct env *env)
{
	const char *path = rampartctl_path();
	char *argv[16];
	size_t n = 0;
	pid_t pid;

	argv[n++] = (char *)path;
	while (*args != NULL && n < 15)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int out = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(126);
		unsetenv("RAMPART_CONTROL_SOCKET");
		if (env != NULL && env->socket != NULL)
			setenv("RAMPART_CONTROL_SOCKET", env->socket, 1);
		setenv("RAMPART_CONTROL_TIMEOUT",
		    env != NULL && env->timeout != NULL ? env->timeout : "5s", 1);
		execv(path, argv);
		_exit(127);
	}
	return pid;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 65536);
	size_t n;

	ck_assert(f != NULL && buf != NULL);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

struct result {
	int status;
	char *out;
	char *err;
};

static void
ctl_finish(pid_t pid, struct result *res)
{
	int st;

	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert_msg(WIFEXITED(st), "rampartctl died with signal %d", WTERMSIG(st));
	res->status = WEXITSTATUS(st);
	res->out = slurp(outpath);
	res->err = slurp(errpath);
}

static void
result_free(struct result *res)
{
	free(res->out);
	free(res->err);
}

/* Run rampartctl to the end without a server. */
static void
ctl_run(const char *const *args, const struct env *env, struct result *res)
{
	ctl_finish(ctl_start(args, env), res);
}

static int
accept_one(int lfd)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	int fd;

	ck_assert_msg(poll(&p, 1, 10000) == 1, "rampartctl did not connect");
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert(fd >= 0);
	return fd;
}

/* The fake rampartd reads one request, exactly one frame. */
static void
server_read_request(int fd, struct rp_control_request *req)
{
	uint8_t buf[16384];
	size_t len = 0, frame_len = 0;
	CBS payload;
	int r;

	while ((r = rp_control_unframe(buf, len, &payload, &frame_len)) == 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		ck_assert_msg(poll(&p, 1, 10000) == 1, "no request from rampartctl");
		n = read(fd, buf + len, sizeof(buf) - len);
		ck_assert_msg(n > 0, "rampartctl hung up before a whole request");
		len += (size_t)n;
	}
	ck_assert_int_eq(r, 1);
	ck_assert_uint_eq(frame_len, len);
	ck_assert_msg(rp_control_request_read(&payload, req), "malformed request");
}

static void
write_all(int fd, const void *p, size_t len)
{
	ck_assert(write(fd, p, len) == (ssize_t)len);
}

static void
server_answer(int fd, uint8_t status, const char *text, size_t len)
{
	CBB payload, frame;
	uint8_t *p, *f;
	size_t plen, flen;

	ck_assert(CBB_init(&payload, 0) && CBB_init(&frame, 0));
	ck_assert(rp_control_response_write(&payload, status, text, len));
	ck_assert(CBB_finish(&payload, &p, &plen));
	ck_assert(rp_control_frame(&frame, p, plen));
	ck_assert(CBB_finish(&frame, &f, &flen));
	write_all(fd, f, flen);
	OPENSSL_free(p);
	OPENSSL_free(f);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Each command line and the request it sends. */
static const struct send_case {
	const char *args[8];
	const char *command;
	size_t nargs;
	const char *arg[2];
	int json;
} send_cases[] = {
	{ { "status" }, "status", 0, { NULL }, 0 },
	{ { "status", "--json" }, "status", 0, { NULL }, 1 },
	{ { "connections", "--json" }, "connections", 0, { NULL }, 1 },
	{ { "disconnect", "42" }, "disconnect", 1, { "42" }, 0 },
	{ { "disconnect", "42", "maintenance at 18:00" }, "disconnect", 2,
	    { "42", "maintenance at 18:00" }, 0 },
	{ { "disconnect", "--json", "42", "--", "-bye-" }, "disconnect", 2, { "42", "-bye-" }, 1 },
	{ { "rekey", "18446744073709551615" }, "rekey", 1, { "18446744073709551615" }, 0 },
	{ { "stop-listening" }, "stop-listening", 0, { NULL }, 0 },
	{ { "start-listening", "--json" }, "start-listening", 0, { NULL }, 1 },
	{ { "shutdown" }, "shutdown", 0, { NULL }, 0 },
	{ { "shutdown", "--drain", "5m" }, "shutdown", 1, { "5m" }, 0 },
	{ { "shutdown", "--json", "--drain=30s" }, "shutdown", 1, { "30s" }, 1 },
	{ { "reload" }, "reload", 0, { NULL }, 0 },
};

START_TEST(test_each_command_line_sends_its_request)
{
	const struct send_case *c = &send_cases[_i];
	const char *args[12];
	struct rp_control_request req;
	struct result res;
	char answer[64];
	size_t n = 0;
	int lfd, fd;
	pid_t pid;

	/* The command, -s SOCKET, then the rest (which may end after "--"). */
	args[n++] = c->args[0];
	args[n++] = "-s";
	args[n++] = sockpath;
	for (size_t i = 1; c->args[i] != NULL; i++)
		args[n++] = c->args[i];
	args[n] = NULL;
	lfd = listen_on(sockpath);
	pid = ctl_start(args, NULL);
	fd = accept_one(lfd);
	server_read_request(fd, &req);
	ck_assert_str_eq(req.command, c->command);
	ck_assert_uint_eq(req.nargs, c->nargs);
	for (size_t i = 0; i < c->nargs; i++)
		ck_assert_str_eq(req.args[i], c->arg[i]);
	ck_assert_int_eq(req.json, c->json);
	snprintf(answer, sizeof(answer), "done: %s\n", c->command);
	server_answer(fd, RP_CONTROL_OK, answer, strlen(answer));
	close(fd);
	close(lfd);
	ctl_finish(pid, &res);
	ck_assert_msg(res.status == 0, "exit %d, stderr: %s", res.status, res.err);
	ck_assert_str_eq(res.out, answer);
	ck_assert_str_eq(res.err, "");
	result_free(&res);
}
END_TEST

/* Serve one exchange: answer with status and text. */
static void
serve_once(const char *const *args, const struct env *env, uint8_t status, const char *text,
    size_t len, struct result *res)
{
	struct rp_control_request req;
	int lfd = listen_on(sockpath), fd;
	pid_t pid = ctl_start(args, env);

	fd = accept_one(lfd);
	server_read_request(fd, &req);
	server_answer(fd, status, text, len);
	close(fd);
	close(lfd);
	ctl_finish(pid, res);
}

START_TEST(test_refusal_goes_to_stderr_with_exit_1)
{
	const char *args[] = { "disconnect", "99", "-s", sockpath, NULL };
	struct result res;

	serve_once(args, NULL, RP_CONTROL_FAILED, TEXT("no connection 99\n"), &res);
	ck_assert_int_eq(res.status, 1);
	ck_assert_str_eq(res.out, "");
	ck_assert_str_eq(res.err, "no connection 99\n");
	result_free(&res);
}
END_TEST

START_TEST(test_text_gets_a_newline_and_no_control_characters)
{
	const char *args[] = { "status", "-s", sockpath, NULL };
	struct result res;

	serve_once(args, NULL, RP_CONTROL_OK, TEXT("a\x1b]0;pwned\x07 b\tc\r\x7f\xc3\xa9"), &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_str_eq(res.out, "a?]0;pwned? b\tc??\xc3\xa9\n");
	result_free(&res);
}
END_TEST

START_TEST(test_socket_from_the_environment_and_s_first)
{
	const char *plain[] = { "status", NULL };
	const char *with_s[] = { "status", "-s", sockpath, NULL };
	struct env from_env = { .socket = sockpath };
	struct env wrong_env = { .socket = "/nonexistent/control.sock" };
	struct result res;

	serve_once(plain, &from_env, RP_CONTROL_OK, TEXT("up\n"), &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_str_eq(res.out, "up\n");
	result_free(&res);
	unlink(sockpath);
	serve_once(with_s, &wrong_env, RP_CONTROL_OK, TEXT("up\n"), &res);
	ck_assert_int_eq(res.status, 0);
	result_free(&res);
}
END_TEST

START_TEST(test_answer_in_pieces_is_put_together)
{
	const char *args[] = { "connections", "-s", sockpath, NULL };
	struct rp_control_request req;
	static const uint8_t frame[] = { 0, 0, 0, 9, 0, 0, 0, 0, 4, 'o', 'k', '!', '\n' };
	struct result res;
	int lfd = listen_on(sockpath), fd;
	pid_t pid = ctl_start(args, NULL);

	fd = accept_one(lfd);
	server_read_request(fd, &req);
	for (size_t i = 0; i < sizeof(frame); i++) {
		write_all(fd, frame + i, 1);
		usleep(2000);
	}
	close(fd);
	close(lfd);
	ctl_finish(pid, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_str_eq(res.out, "ok!\n");
	result_free(&res);
}
END_TEST

START_TEST(test_daemon_absent_exit_3_with_the_path_and_errno)
{
	const char *args[] = { "status", "-s", sockpath, NULL };
	struct result res;
	char want[256];

	ctl_run(args, NULL, &res);
	ck_assert_int_eq(res.status, 3);
	snprintf(want, sizeof(want), "rampartctl: is rampartd running? (connect %s: "
	    "No such file or directory)\n", sockpath);
	ck_assert_str_eq(res.err, want);
	ck_assert_str_eq(res.out, "");
	result_free(&res);
}
END_TEST

START_TEST(test_stale_socket_exit_3_connection_refused)
{
	const char *args[] = { "reload", "-s", sockpath, NULL };
	struct result res;

	close(listen_on(sockpath)); /* the file stays, nobody listens */
	ctl_run(args, NULL, &res);
	ck_assert_int_eq(res.status, 3);
	ck_assert_msg(strstr(res.err, "is rampartd running?") != NULL &&
	    strstr(res.err, "Connection refused") != NULL, "stderr: %s", res.err);
	result_free(&res);
}
END_TEST

START_TEST(test_silent_daemon_times_out_with_exit_3)
{
	const char *args[] = { "status", "-s", sockpath, NULL };
	struct env env = { .timeout = "1s" };
	struct rp_control_request req;
	struct result res;
	double start = now(), took;
	int lfd = listen_on(sockpath), fd;
	pid_t pid = ctl_start(args, &env);

	fd = accept_one(lfd);
	server_read_request(fd, &req);
	ctl_finish(pid, &res); /* while the connection stays open */
	took = now() - start;
	close(fd);
	close(lfd);
	ck_assert_int_eq(res.status, 3);
	ck_assert_msg(strstr(res.err, "no answer from rampartd within 1 s") != NULL,
	    "stderr: %s", res.err);
	ck_assert_msg(took >= 0.9 && took < 5, "gave up after %.2f s", took);
	result_free(&res);
}
END_TEST

START_TEST(test_daemon_not_accepting_times_out_with_exit_3)
{
	const char *args[] = { "status", "-s", sockpath, NULL };
	struct env env = { .timeout = "1s" };
	struct sockaddr_un sun;
	struct result res;
	int lfd = listen_on(sockpath), filler;

	/* A backlog of 0 holds one pending connection: take it, so the next
	 * connect(2) has to wait. */
	ck_assert(listen(lfd, 0) == 0);
	filler = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, sockpath);
	ck_assert(connect(filler, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	ctl_run(args, &env, &res);
	close(filler);
	close(lfd);
	ck_assert_int_eq(res.status, 3);
	ck_assert_msg(strstr(res.err, "did not accept the connection within 1 s") != NULL,
	    "stderr: %s", res.err);
	result_free(&res);
}
END_TEST

/* The fake rampartd reads the request and sends raw bytes, then hangs up. */
static void
serve_raw(const uint8_t *bytes, size_t len, struct result *res)
{
	const char *args[] = { "status", "-s", sockpath, NULL };
	struct rp_control_request req;
	int lfd = listen_on(sockpath), fd;
	pid_t pid = ctl_start(args, NULL);

	fd = accept_one(lfd);
	server_read_request(fd, &req);
	if (len > 0)
		write_all(fd, bytes, len);
	close(fd);
	close(lfd);
	ctl_finish(pid, res);
}

START_TEST(test_hang_up_without_answer_exit_3)
{
	static const uint8_t half[] = { 0, 0, 0, 9, 0, 0, 0 };
	struct result res;

	serve_raw(NULL, 0, &res);
	ck_assert_int_eq(res.status, 3);
	ck_assert_msg(strstr(res.err, "closed the connection without a whole answer") != NULL,
	    "stderr: %s", res.err);
	result_free(&res);
	unlink(sockpath);
	serve_raw(half, sizeof(half), &res);
	ck_assert_int_eq(res.status, 3);
	ck_assert_msg(strstr(res.err, "without a whole answer") != NULL, "stderr: %s", res.err);
	result_free(&res);
}
END_TEST

START_TEST(test_oversize_or_malformed_answer_exit_3)
{
	static const uint8_t oversize[] = { 0xff, 0xff, 0xff, 0xff, 0 };
	static const uint8_t bad_status[] = { 0, 0, 0, 5, 7, 0, 0, 0, 0 };
	static const uint8_t trailing[] = { 0, 0, 0, 6, 0, 0, 0, 0, 0, 'x' };
	struct result res;

	serve_raw(oversize, sizeof(oversize), &res);
	ck_assert_int_eq(res.status, 3);
	ck_assert_msg(strstr(res.err, "over the size limit") != NULL, "stderr: %s", res.err);
	result_free(&res);
	unlink(sockpath);
	serve_raw(bad_status, sizeof(bad_status), &res);
	ck_assert_int_eq(res.status, 3);
	ck_assert_msg(strstr(res.err, "malformed") != NULL, "stderr: %s", res.err);
	result_free(&res);
	unlink(sockpath);
	serve_raw(trailing, sizeof(trailing), &res);
	ck_assert_int_eq(res.status, 3);
	ck_assert_msg(strstr(res.err, "malformed") != NULL, "stderr: %s", res.err);
	result_free(&res);
}
END_TEST

/* Usage errors: exit 2 before any connection (the socket is absent, so an
 * attempt would be exit 3). */
static const struct usage_case {
	const char *args[6];
	const char *says;
} usage_cases[] = {
	{ { "disconnect" }, "connection ID is missing" },
	{ { "disconnect", "abc" }, "not a connection ID" },
	{ { "disconnect", "0" }, "not a connection ID" },
	{ { "disconnect", "-5" }, "unknown option" },
	{ { "disconnect", "007" }, "not a connection ID" },
	{ { "disconnect", "18446744073709551616" }, "not a connection ID" },
	{ { "disconnect", "1", "bye", "extra" }, "unexpected argument \"extra\"" },
	{ { "rekey" }, "connection ID is missing" },
	{ { "rekey", "1", "2" }, "unexpected argument \"2\"" },
	{ { "status", "extra" }, "unexpected argument" },
	{ { "status", "--drain", "5m" }, "unknown option --drain" },
	{ { "status", "--bogus" }, "unknown option --bogus" },
	{ { "status", "-x" }, "unknown option -x" },
	{ { "status", "--json", "-xj" }, "unknown option -x" },
	{ { "status", "--bogus=1" }, "unknown option --bogus\n" },
	{ { "status", "-s" }, "needs an argument" },
	{ { "status", "-s", "" }, "socket path is empty" },
	{ { "shutdown", "--drain" }, "needs an argument" },
	{ { "shutdown", "--drain", "soon" }, "takes a duration" },
	{ { "shutdown", "--drain", "-1s" }, "takes a duration" },
	{ { "shutdown", "now" }, "unexpected argument" },
	{ { "reload", "-s", "/tmp/" "0123456789012345678901234567890123456789012345678901234567890"
	    "123456789012345678901234567890123456789012345678901234567890" }, "too long" },
};

START_TEST(test_usage_errors_exit_2)
{
	const struct usage_case *c = &usage_cases[_i];
	const char *args[10];
	struct result res;
	size_t n = 0;

	for (size_t i = 0; c->args[i] != NULL; i++)
		args[n++] = c->args[i];
	args[n] = NULL;
	{
		struct env env = { .socket = sockpath };
		ctl_run(args, &env, &res);
	}
	ck_assert_msg(res.status == 2, "%s: exit %d, stderr: %s", c->args[0], res.status,
	    res.err);
	ck_assert_msg(strstr(res.err, c->says) != NULL, "expected \"%s\" in: %s", c->says,
	    res.err);
	ck_assert_msg(strstr(res.err, "usage:") != NULL || strstr(res.err, "too long"),
	    "no usage in: %s", res.err);
	result_free(&res);
}
END_TEST

START_TEST(test_message_bound_and_bad_timeout_are_usage_errors)
{
	char *message = malloc(RP_CONTROL_MAX_ARG + 1);
	const char *args[] = { "disconnect", "1", message, "-s", sockpath, NULL };
	const char *status[] = { "status", "-s", sockpath, NULL };
	struct env bad_timeout = { .timeout = "forever" };
	struct env zero_timeout = { .timeout = "0s" };
	struct result res;

	ck_assert(message != NULL);
	memset(message, 'm', RP_CONTROL_MAX_ARG);
	message[RP_CONTROL_MAX_ARG] = '\0';
	ctl_run(args, NULL, &res);
	ck_assert_int_eq(res.status, 2);
	ck_assert_msg(strstr(res.err, "MESSAGE is longer than 1023 bytes"), "%s", res.err);
	result_free(&res);
	/* 1023 bytes go through to the socket (absent here: exit 3). */
	message[RP_CONTROL_MAX_ARG - 1] = '\0';
	ctl_run(args, NULL, &res);
	ck_assert_int_eq(res.status, 3);
	result_free(&res);
	free(message);

	ctl_run(status, &bad_timeout, &res);
	ck_assert_int_eq(res.status, 2);
	ck_assert_msg(strstr(res.err, "RAMPART_CONTROL_TIMEOUT"), "%s", res.err);
	result_free(&res);
	ctl_run(status, &zero_timeout, &res);
	ck_assert_int_eq(res.status, 2);
	result_free(&res);
}
END_TEST

START_TEST(test_help_is_not_an_error)
{
	const char *args[] = { "shutdown", "--help", NULL };
	struct result res;

	ctl_run(args, NULL, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_msg(strstr(res.out, "shutdown [--drain DURATION] [--json] [-s SOCKET]"),
	    "%s", res.out);
	result_free(&res);
}
END_TEST

RP_TEST_SUITE(control)
{
	Suite *s = suite_create("control");
	TCase *tc;

	tc = tcase_create("request");
	tcase_add_test(tc, test_request_layout_and_round_trip);
	tcase_add_test(tc, test_request_without_arguments);
	tcase_add_test(tc, test_request_at_every_bound);
	tcase_add_test(tc, test_request_writer_refuses_past_the_bounds);
	tcase_add_test(tc, test_request_reader_refuses_past_the_bounds);
	tcase_add_test(tc, test_request_truncations_and_trailing_bytes_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("response");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_response_layout_and_round_trip);
	tcase_add_test(tc, test_response_status_is_0_or_1);
	tcase_add_test(tc, test_response_text_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("frame");
	tcase_add_test(tc, test_frame_and_unframe);
	tcase_add_test(tc, test_empty_frame);
	tcase_add_test(tc, test_oversize_frame_length_refused_at_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("client");
	tcase_add_checked_fixture(tc, client_setup, client_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_each_command_line_sends_its_request, 0,
	    (int)(sizeof(send_cases) / sizeof(send_cases[0])));
	tcase_add_test(tc, test_refusal_goes_to_stderr_with_exit_1);
	tcase_add_test(tc, test_text_gets_a_newline_and_no_control_characters);
	tcase_add_test(tc, test_socket_from_the_environment_and_s_first);
	tcase_add_test(tc, test_answer_in_pieces_is_put_together);
	tcase_add_test(tc, test_daemon_absent_exit_3_with_the_path_and_errno);
	tcase_add_test(tc, test_stale_socket_exit_3_connection_refused);
	tcase_add_test(tc, test_silent_daemon_times_out_with_exit_3);
	tcase_add_test(tc, test_daemon_not_accepting_times_out_with_exit_3);
	tcase_add_test(tc, test_hang_up_without_answer_exit_3);
	tcase_add_test(tc, test_oversize_or_malformed_answer_exit_3);
	tcase_add_loop_test(tc, test_usage_errors_exit_2, 0,
	    (int)(sizeof(usage_cases) / sizeof(usage_cases[0])));
	tcase_add_test(tc, test_message_bound_and_bad_timeout_are_usage_errors);
	tcase_add_test(tc, test_help_is_not_an_error);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * tests/unit/test_control.c: the control socket protocol (common/control.c).
 *
 * Codecs: exact layout, round trips at every bound, one past each bound
 * refused by writer and reader, every truncation and a trailing byte
 * refused. Frames: partial frames wait, an oversize length is refused as
 * soon as it is seen.
 */
#include "tests/unit/unit.h"

#include <stdlib.h>
#include <string.h>

#include "common/control.h"

#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1
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

	return s;
}

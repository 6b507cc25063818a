/*
 * tests/unit/test_channel.c: channel flow control (common/channel.h,
 * RFC 4254 section 5.2): the window we grant, what we give back and when,
 * what we may send, and the peer's adjustments.
 */
#include "tests/unit/unit.h"

#include <stdint.h>

#include "common/channel.h"

START_TEST(test_receiving_more_than_granted_fails)
{
	struct rp_window w;

	rp_window_init(&w, 1000, 0, 0);
	ck_assert_msg(!rp_window_received(&w, 1001),
	    "1001 bytes into a 1000-byte window must fail");
	ck_assert_msg(w.local == 1000, "a refused receive must not touch the window (got %u)",
	    w.local);
	ck_assert_msg(rp_window_received(&w, 600), "600 of 1000 bytes must be accepted");
	ck_assert_msg(rp_window_received(&w, 400), "the last 400 of 1000 bytes must be accepted");
	ck_assert_uint_eq(w.local, 0);
	ck_assert_msg(!rp_window_received(&w, 1), "one byte into a used-up window must fail");
	ck_assert_msg(rp_window_received(&w, 0), "an empty data message is within any window");

	/* A length that does not fit 32 bits must not wrap to something small. */
	rp_window_init(&w, 1000, 0, 0);
	ck_assert_msg(!rp_window_received(&w, (size_t)UINT32_MAX + 1 + 10),
	    "2^32 + 10 bytes must fail, not wrap to 10");
}
END_TEST

START_TEST(test_drained_bytes_are_granted_back_only_below_half)
{
	struct rp_window w;

	rp_window_init(&w, 1000, 0, 0);
	ck_assert_msg(rp_window_adjust_due(&w) == 0, "nothing is due on a fresh window");

	/* Exactly half in use: not yet below half, nothing is due. */
	ck_assert(rp_window_received(&w, 500));
	rp_window_drained(&w, 500);
	ck_assert_msg(rp_window_adjust_due(&w) == 0,
	    "no adjust while the window (500 of 1000) is not below half");
	ck_assert_uint_eq(w.local, 500);

	/* One more byte: below half, everything drained is granted at once. */
	ck_assert(rp_window_received(&w, 1));
	rp_window_drained(&w, 1);
	ck_assert_uint_eq(rp_window_adjust_due(&w), 501);
	ck_assert_uint_eq(w.local, 1000);
	ck_assert_uint_eq(w.local_credit, 0);
	ck_assert_msg(rp_window_adjust_due(&w) == 0, "a grant is given once, not twice");

	/* Below half but nothing drained yet: nothing to give back. */
	ck_assert(rp_window_received(&w, 800));
	ck_assert_msg(rp_window_adjust_due(&w) == 0, "undrained bytes must not be granted");
	rp_window_drained(&w, 300);
	ck_assert_uint_eq(rp_window_adjust_due(&w), 300);
	ck_assert_uint_eq(w.local, 500);
}
END_TEST

START_TEST(test_grant_never_exceeds_the_maximum)
{
	struct rp_window w;

	rp_window_init(&w, 1000, 0, 0);
	ck_assert(rp_window_received(&w, 600));
	rp_window_drained(&w, 900); /* more drained than is outstanding */
	ck_assert_msg(rp_window_adjust_due(&w) == 600,
	    "only the 600 bytes outstanding may be granted, up to local_max");
	ck_assert_uint_eq(w.local, 1000);

	/* Over a long run, local never passes local_max, and everything
	 * drained is eventually granted back. */
	rp_window_init(&w, 4096, 0, 0);
	uint64_t received = 0, granted = 0;
	for (uint32_t i = 0; i < 10000; i++) {
		uint32_t n = (i * 2654435761u) % 700;

		if (n > w.local)
			n = w.local;
		ck_assert(rp_window_received(&w, n));
		received += n;
		rp_window_drained(&w, n);
		granted += rp_window_adjust_due(&w);
		ck_assert_msg(w.local <= w.local_max, "window %u passed its maximum %u", w.local,
		    w.local_max);
	}
	ck_assert_msg(received == granted + (w.local_max - w.local),
	    "every received byte is either granted back or still outstanding");
}
END_TEST

/* A window of any size, used up and drained, comes back whole: the peer
 * never stalls (a 1-byte window once rounded "half" down to never). */
START_TEST(test_fully_used_and_drained_window_is_always_granted_back)
{
	static const uint32_t maxes[] = { 1, 2, 3, 1000, 2 * 1024 * 1024, UINT32_MAX };

	for (size_t i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
		struct rp_window w;
		uint32_t got;

		rp_window_init(&w, maxes[i], 0, 0);
		ck_assert(rp_window_received(&w, maxes[i]));
		rp_window_drained(&w, maxes[i]);
		got = rp_window_adjust_due(&w);
		ck_assert_msg(got == maxes[i],
		    "local_max %u: a fully used, fully drained window must be granted back "
		    "whole (got %u), or the peer stalls", maxes[i], got);
	}
}
END_TEST

START_TEST(test_sendable_is_bounded_by_remote_window_and_max_packet)
{
	struct rp_window w;

	rp_window_init(&w, 0, 100, 32);
	ck_assert_uint_eq(rp_window_sendable(&w, 10), 10);
	ck_assert_msg(rp_window_sendable(&w, 1000) == 32, "one packet carries at most max packet");
	rp_window_sent(&w, 32);
	rp_window_sent(&w, 32);
	rp_window_sent(&w, 32);
	ck_assert_uint_eq(w.remote, 4);
	ck_assert_msg(rp_window_sendable(&w, 1000) == 4, "at most the remote window");
	rp_window_sent(&w, 4);
	ck_assert_msg(rp_window_sendable(&w, 1000) == 0, "nothing with a closed remote window");
	ck_assert_msg(rp_window_sendable(&w, 0) == 0, "nothing wanted, nothing sent");

	/* Window reopened by the peer. */
	ck_assert(rp_window_peer_adjust(&w, 20));
	ck_assert_uint_eq(rp_window_sendable(&w, 1000), 20);

	/* Large values: neither bound may be lost to truncation. */
	rp_window_init(&w, 0, UINT32_MAX, 35000);
	ck_assert_uint_eq(rp_window_sendable(&w, (size_t)1 << 40), 35000);
	rp_window_init(&w, 0, 7, UINT32_MAX);
	ck_assert_uint_eq(rp_window_sendable(&w, (size_t)1 << 40), 7);
}
END_TEST

START_TEST(test_peer_adjust_past_2_32_minus_1_is_refused)
{
	struct rp_window w;

	rp_window_init(&w, 0, UINT32_MAX - 10, 32768);
	ck_assert_msg(!rp_window_peer_adjust(&w, 11), "an adjust to 2^32 must be refused");
	ck_assert_msg(w.remote == UINT32_MAX - 10, "a refused adjust must not touch the window");
	ck_assert_msg(!rp_window_peer_adjust(&w, UINT32_MAX),
	    "an adjust of 2^32-1 on top must be refused");
	ck_assert_msg(rp_window_peer_adjust(&w, 10),
	    "an adjust to exactly 2^32-1 must be accepted");
	ck_assert_uint_eq(w.remote, UINT32_MAX);
	ck_assert_msg(!rp_window_peer_adjust(&w, 1), "one more byte past 2^32-1 must be refused");
	ck_assert_msg(rp_window_peer_adjust(&w, 0), "an adjust of 0 is harmless");
	ck_assert_uint_eq(w.remote, UINT32_MAX);

	rp_window_init(&w, 0, 0, 32768);
	ck_assert_msg(rp_window_peer_adjust(&w, UINT32_MAX), "2^32-1 onto an empty window fits");
	ck_assert_uint_eq(w.remote, UINT32_MAX);
}
END_TEST

RP_TEST_SUITE(channel)
{
	Suite *s = suite_create("channel");
	TCase *tc = tcase_create("window");

	tcase_add_test(tc, test_receiving_more_than_granted_fails);
	tcase_add_test(tc, test_drained_bytes_are_granted_back_only_below_half);
	tcase_add_test(tc, test_grant_never_exceeds_the_maximum);
	tcase_add_test(tc, test_fully_used_and_drained_window_is_always_granted_back);
	tcase_add_test(tc, test_sendable_is_bounded_by_remote_window_and_max_packet);
	tcase_add_test(tc, test_peer_adjust_past_2_32_minus_1_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

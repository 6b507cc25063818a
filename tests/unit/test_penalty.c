/*
 * tests/unit/test_penalty.c: per-source penalties (monitor/penalty.c).
 */
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/penalty.h"

static struct sockaddr_storage
addr(const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		ck_assert(inet_pton(AF_INET6, text, &s6->sin6_addr) == 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		ck_assert(inet_pton(AF_INET, text, &s4->sin_addr) == 1);
	}
	return ss;
}

/* An address that stays valid for the next few calls. */
static const struct sockaddr *
SA(const char *text)
{
	static struct sockaddr_storage pool[8];
	static unsigned next;
	struct sockaddr_storage *slot = &pool[next++ % 8];

	*slot = addr(text);
	return (const struct sockaddr *)slot;
}

static int
exempt_10(const void *ctx, const struct sockaddr *sa)
{
	(void)ctx;
	return sa->sa_family == AF_INET &&
	    (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 10;
}

static struct penalty_config
config(void)
{
	struct penalty_config c;

	memset(&c, 0, sizeof(c));
	c.enabled = 1;
	c.event_ms[PENALTY_AUTHFAIL] = 5000;
	c.event_ms[PENALTY_NOAUTH] = 1000;
	c.event_ms[PENALTY_CRASH] = 90000;
	c.max_ms = 600000;
	c.min_ms = 15000;
	c.ipv4_prefix = 32;
	c.ipv6_prefix = 64;
	c.is_exempt = exempt_10;
	return c;
}

START_TEST(test_penalties_accumulate_and_refuse_above_min)
{
	struct penalty_table *t = calloc(1, sizeof(*t));
	struct penalty_config c = config();
	uint64_t now = 1000000;

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < 3; i++)
		penalty_add(t, &c, SA("192.0.2.7"), PENALTY_AUTHFAIL, now);
	/* 15 s accumulated: not more than min, still admitted. */
	ck_assert_uint_eq(penalty_remaining(t, &c, SA("192.0.2.7"), now), 15000);
	ck_assert(!penalty_refuses(t, &c, SA("192.0.2.7"), now));
	penalty_add(t, &c, SA("192.0.2.7"), PENALTY_NOAUTH, now);
	ck_assert(penalty_refuses(t, &c, SA("192.0.2.7"), now));
	/* Others are not affected; time heals. */
	ck_assert(!penalty_refuses(t, &c, SA("192.0.2.8"), now));
	ck_assert(!penalty_refuses(t, &c, SA("192.0.2.7"), now + 2000));
	ck_assert_uint_eq(penalty_remaining(t, &c, SA("192.0.2.7"), now + 16000), 0);
	free(t);
}
END_TEST

START_TEST(test_penalty_is_capped_at_max)
{
	struct penalty_table *t = calloc(1, sizeof(*t));
	struct penalty_config c = config();

	for (int i = 0; i < 100; i++)
		penalty_add(t, &c, SA("198.51.100.1"), PENALTY_CRASH, 5000);
	ck_assert_uint_eq(penalty_remaining(t, &c, SA("198.51.100.1"), 5000), 600000);
	free(t);
}
END_TEST

START_TEST(test_ipv6_sources_are_grouped_by_prefix)
{
	struct penalty_table *t = calloc(1, sizeof(*t));
	struct penalty_config c = config();

	penalty_add(t, &c, SA("2001:db8:1:2::1"), PENALTY_CRASH, 1000);
	ck_assert(penalty_refuses(t, &c, SA("2001:db8:1:2:ffff::9"), 1000));
	ck_assert(!penalty_refuses(t, &c, SA("2001:db8:1:3::1"), 1000));
	free(t);
}
END_TEST

START_TEST(test_mapped_ipv4_counts_as_ipv4)
{
	struct penalty_table *t = calloc(1, sizeof(*t));
	struct penalty_config c = config();

	penalty_add(t, &c, SA("::ffff:203.0.113.5"), PENALTY_CRASH, 1000);
	ck_assert(penalty_refuses(t, &c, SA("203.0.113.5"), 1000));
	free(t);
}
END_TEST

START_TEST(test_exempt_and_disabled_never_refuse)
{
	struct penalty_table *t = calloc(1, sizeof(*t));
	struct penalty_config c = config();

	penalty_add(t, &c, SA("10.1.2.3"), PENALTY_CRASH, 1000);
	ck_assert(!penalty_refuses(t, &c, SA("10.1.2.3"), 1000));
	c.enabled = 0;
	penalty_add(t, &c, SA("192.0.2.1"), PENALTY_CRASH, 1000);
	c.enabled = 1;
	ck_assert(!penalty_refuses(t, &c, SA("192.0.2.1"), 1000));
	free(t);
}
END_TEST

START_TEST(test_a_flood_of_sources_stays_bounded_and_keeps_the_worst)
{
	struct penalty_table *t = calloc(1, sizeof(*t));
	struct penalty_config c = config();
	char text[32];

	penalty_add(t, &c, SA("192.0.2.99"), PENALTY_CRASH, 1000);
	/* Four times as many sources as slots, each with a small penalty. */
	for (unsigned i = 0; i < 4 * PENALTY_SLOTS; i++) {
		snprintf(text, sizeof(text), "100.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		penalty_add(t, &c, SA(text), PENALTY_NOAUTH, 1000);
	}
	/* The heavily penalised source was never the one evicted. */
	ck_assert(penalty_refuses(t, &c, SA("192.0.2.99"), 1000));
	free(t);
}
END_TEST

RP_TEST_SUITE(penalty)
{
	Suite *s = suite_create("penalty");
	TCase *tc = tcase_create("sources");

	tcase_add_test(tc, test_penalties_accumulate_and_refuse_above_min);
	tcase_add_test(tc, test_penalty_is_capped_at_max);
	tcase_add_test(tc, test_ipv6_sources_are_grouped_by_prefix);
	tcase_add_test(tc, test_mapped_ipv4_counts_as_ipv4);
	tcase_add_test(tc, test_exempt_and_disabled_never_refuse);
	tcase_add_test(tc, test_a_flood_of_sources_stays_bounded_and_keeps_the_worst);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * tests/unit/test_auth_chain.c: multi-factor chains (monitor/auth_chain.c).
 *
 * A connection's progress is the methods it passed, in order; a method is
 * allowed only as the next step of a chain that starts with that progress;
 * partial success lists every next step; a whole chain authenticates; a
 * refused step leaves the progress as it was.
 */
#include "tests/unit/unit.h"

#include <string.h>

#include "monitor/auth_chain.h"

#define PK RP_AUTH_PUBLICKEY
#define PW RP_AUTH_PASSWORD
#define KI RP_AUTH_KEYBOARD_INTERACTIVE
#define NONE RP_AUTH_NONE

static struct rp_auth_chain
chain3(size_t n, enum rp_auth_method a, enum rp_auth_method b, enum rp_auth_method c)
{
	struct rp_auth_chain ch;

	memset(&ch, 0, sizeof(ch));
	ch.n = n;
	ch.methods[0] = a;
	ch.methods[1] = b;
	ch.methods[2] = c;
	return ch;
}

START_TEST(test_single_method_chain_completes_at_once)
{
	struct rp_auth_chain chains[1] = { chain3(1, PK, 0, 0) };
	struct auth_progress ap = { .ndone = 0 };
	char next[128];

	ck_assert(auth_chain_allows(chains, 1, &ap, PK));
	ck_assert(!auth_chain_allows(chains, 1, &ap, PW));
	ck_assert_int_eq(auth_chain_step(chains, 1, &ap, PK, next, sizeof(next)), RP_AUTH_OK);
	ck_assert_uint_eq(ap.ndone, 1);
	ck_assert_str_eq(next, "");
}
END_TEST

START_TEST(test_two_step_chain_answers_partial_with_the_next_method)
{
	struct rp_auth_chain chains[1] = { chain3(2, PK, KI, 0) };
	struct auth_progress ap = { .ndone = 0 };
	char next[128];

	/* The second factor may not come first. */
	ck_assert(!auth_chain_allows(chains, 1, &ap, KI));
	ck_assert_int_eq(auth_chain_step(chains, 1, &ap, KI, next, sizeof(next)),
	    RP_AUTH_FAILURE);
	ck_assert_uint_eq(ap.ndone, 0);

	ck_assert_int_eq(auth_chain_step(chains, 1, &ap, PK, next, sizeof(next)),
	    RP_AUTH_PARTIAL);
	ck_assert_str_eq(next, "keyboard-interactive");
	/* publickey again is not a next step. */
	ck_assert(!auth_chain_allows(chains, 1, &ap, PK));
	ck_assert_int_eq(auth_chain_step(chains, 1, &ap, PK, next, sizeof(next)),
	    RP_AUTH_FAILURE);
	ck_assert_uint_eq(ap.ndone, 1);
	ck_assert_int_eq(auth_chain_step(chains, 1, &ap, KI, next, sizeof(next)), RP_AUTH_OK);
	ck_assert_uint_eq(ap.ndone, 2);
}
END_TEST

START_TEST(test_alternatives_share_a_prefix_and_list_every_next_step)
{
	struct rp_auth_chain chains[3] = {
		chain3(2, PK, KI, 0),
		chain3(2, PK, PW, 0),
		chain3(1, PW, 0, 0),
	};
	struct auth_progress ap = { .ndone = 0 };
	char next[128];

	ck_assert_int_eq(auth_chain_step(chains, 3, &ap, PK, next, sizeof(next)),
	    RP_AUTH_PARTIAL);
	ck_assert_str_eq(next, "keyboard-interactive,password");
	/* After publickey, password completes the second chain. */
	ck_assert_int_eq(auth_chain_step(chains, 3, &ap, PW, next, sizeof(next)), RP_AUTH_OK);

	/* password alone completes the third at once. */
	ap.ndone = 0;
	ck_assert_int_eq(auth_chain_step(chains, 3, &ap, PW, next, sizeof(next)), RP_AUTH_OK);
}
END_TEST

START_TEST(test_a_shorter_chain_done_wins_over_a_longer_one)
{
	struct rp_auth_chain chains[2] = { chain3(3, PK, PW, KI), chain3(1, PK, 0, 0) };
	struct auth_progress ap = { .ndone = 0 };
	char next[128];

	ck_assert_int_eq(auth_chain_step(chains, 2, &ap, PK, next, sizeof(next)), RP_AUTH_OK);
}
END_TEST

START_TEST(test_three_steps_in_order)
{
	struct rp_auth_chain chains[1] = { chain3(3, PW, PK, KI) };
	struct auth_progress ap = { .ndone = 0 };
	char next[128];

	ck_assert_int_eq(auth_chain_step(chains, 1, &ap, PW, next, sizeof(next)),
	    RP_AUTH_PARTIAL);
	ck_assert_str_eq(next, "publickey");
	ck_assert_int_eq(auth_chain_step(chains, 1, &ap, KI, next, sizeof(next)),
	    RP_AUTH_FAILURE);
	ck_assert_int_eq(auth_chain_step(chains, 1, &ap, PK, next, sizeof(next)),
	    RP_AUTH_PARTIAL);
	ck_assert_str_eq(next, "keyboard-interactive");
	ck_assert_int_eq(auth_chain_step(chains, 1, &ap, KI, next, sizeof(next)), RP_AUTH_OK);
	/* Nothing is allowed once a chain is done and full. */
	ck_assert(!auth_chain_allows(chains, 1, &ap, PK));
	ck_assert_int_eq(auth_chain_step(chains, 1, &ap, PK, next, sizeof(next)),
	    RP_AUTH_FAILURE);
	ck_assert_uint_eq(ap.ndone, 3);
}
END_TEST

START_TEST(test_none_only_where_a_chain_names_it)
{
	struct rp_auth_chain pk_only[1] = { chain3(1, PK, 0, 0) };
	struct rp_auth_chain with_none[2] = { chain3(1, PK, 0, 0), chain3(1, NONE, 0, 0) };
	struct auth_progress ap = { .ndone = 0 };
	char next[128];

	ck_assert(!auth_chain_allows(pk_only, 1, &ap, NONE));
	ck_assert_int_eq(auth_chain_step(pk_only, 1, &ap, NONE, next, sizeof(next)),
	    RP_AUTH_FAILURE);
	ck_assert(auth_chain_allows(with_none, 2, &ap, NONE));
	ck_assert_int_eq(auth_chain_step(with_none, 2, &ap, NONE, next, sizeof(next)),
	    RP_AUTH_OK);
}
END_TEST

START_TEST(test_first_methods_are_listed_once_and_none_is_never_offered)
{
	struct rp_auth_chain chains[4] = {
		chain3(2, PK, KI, 0),
		chain3(1, PK, 0, 0),
		chain3(1, NONE, 0, 0),
		chain3(2, PW, KI, 0),
	};
	char out[128] = "";

	auth_chain_first_methods(chains, 4, out, sizeof(out));
	ck_assert_str_eq(out, "publickey,password");
	/* Adding to a list keeps what is there and repeats nothing. */
	auth_chain_first_methods(chains, 1, out, sizeof(out));
	ck_assert_str_eq(out, "publickey,password");
	strcpy(out, "keyboard-interactive");
	auth_chain_first_methods(chains, 4, out, sizeof(out));
	ck_assert_str_eq(out, "keyboard-interactive,publickey,password");
}
END_TEST

RP_TEST_SUITE(auth_chain)
{
	Suite *s = suite_create("auth_chain");
	TCase *tc = tcase_create("chains");

	tcase_add_test(tc, test_single_method_chain_completes_at_once);
	tcase_add_test(tc, test_two_step_chain_answers_partial_with_the_next_method);
	tcase_add_test(tc, test_alternatives_share_a_prefix_and_list_every_next_step);
	tcase_add_test(tc, test_a_shorter_chain_done_wins_over_a_longer_one);
	tcase_add_test(tc, test_three_steps_in_order);
	tcase_add_test(tc, test_none_only_where_a_chain_names_it);
	tcase_add_test(tc, test_first_methods_are_listed_once_and_none_is_never_offered);
	suite_add_tcase(s, tc);
	return s;
}

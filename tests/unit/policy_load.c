/*
 * tests/unit/policy_load.c: policy loading for the policy test suites
 * (tests/unit/policy_load.h).
 */
#include "tests/unit/policy_load.h"

#include <string.h>

#include "tests/unit/unit.h"

struct rp_policy *
rp_test_policy_load(const char *text, void (*warn)(void *, const char *), void *ctx, int line)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;

	memset(&diag, 0, sizeof(diag));
	diag.warn = warn;
	diag.warn_ctx = ctx;
	ck_assert_msg(rp_policy_load_text("t.conf", text, strlen(text), &policy, &diag),
	    "line %d: expected the policy to load, got: %s", line, diag.error);
	return policy;
}

void
rp_test_policy_error(const char *text, const char *want, int prefix, int line)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;

	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(!rp_policy_load_text("t.conf", text, strlen(text), &policy, &diag),
	    "line %d: expected error '%s', but the policy loaded", line, want);
	ck_assert_msg(prefix ? strncmp(diag.error, want, strlen(want)) == 0 :
	    strcmp(diag.error, want) == 0, "line %d: error\n  '%s'\nexpected%s\n  '%s'", line,
	    diag.error, prefix ? " to start with" : "", want);
}

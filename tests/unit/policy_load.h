/*
 * tests/unit/policy_load.h: loading a policy from text in the policy test
 * suites, failing the test with the caller's line when the outcome is not
 * the expected one.
 */
#ifndef RAMPART_TESTS_UNIT_POLICY_LOAD_H
#define RAMPART_TESTS_UNIT_POLICY_LOAD_H

#include "policy/policy.h"

/* text as the file "t.conf": it must load. warn (may be NULL) gets each
 * warning with ctx. */
struct rp_policy *rp_test_policy_load(const char *text, void (*warn)(void *, const char *),
    void *ctx, int line);
/* text must not load, with the error want exactly, or starting with want
 * when prefix is set. */
void rp_test_policy_error(const char *text, const char *want, int prefix, int line);

#endif

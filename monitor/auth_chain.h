/*
 * monitor/auth_chain.h: progress through multi-factor auth chains.
 */
#ifndef RAMPART_MONITOR_AUTH_CHAIN_H
#define RAMPART_MONITOR_AUTH_CHAIN_H

#include <stddef.h>

#include "common/ipc.h"
#include "policy/policy.h"

/* The methods a connection has passed so far, in order. */
struct auth_progress {
	enum rp_auth_method done[RP_AUTH_CHAIN_MAX];
	size_t ndone;
};

/* 1 when method is the next step of some chain starting with *ap. */
int auth_chain_allows(const struct rp_auth_chain *chains, size_t nchains,
    const struct auth_progress *ap, enum rp_auth_method method);

/* method just succeeded: record it. RP_AUTH_OK when a whole chain is now
 * done; RP_AUTH_PARTIAL when more steps are needed (next gets them,
 * comma-separated); RP_AUTH_FAILURE, leaving *ap as it was, when method is
 * not a next step of any chain. */
enum rp_auth_result auth_chain_step(const struct rp_auth_chain *chains, size_t nchains,
    struct auth_progress *ap, enum rp_auth_method method, char *next, size_t nextsz);

/* Add the first method of each chain (except none) to out, no repeats. */
void auth_chain_first_methods(const struct rp_auth_chain *chains, size_t nchains, char *out,
    size_t outsz);

#endif

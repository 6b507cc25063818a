/*
 * monitor/auth_chain.c: multi-factor chains (RFC 4252 5.1, partial
 * success). A principal's chains are alternatives, each a sequence of
 * methods that must all succeed in order (`auth publickey+keyboard-
 * interactive`). The progress of a connection is the methods it has
 * passed so far; a method may be tried only as the next step of a chain
 * that starts with that progress.
 */
#include "monitor/auth_chain.h"

#include <stdio.h>
#include <string.h>

/* Does chain start with the steps done so far? */
static int
has_prefix(const struct rp_auth_chain *chain, const struct auth_progress *ap)
{
	if (chain->n < ap->ndone)
		return 0;
	for (size_t i = 0; i < ap->ndone; i++)
		if (chain->methods[i] != ap->done[i])
			return 0;
	return 1;
}

int
auth_chain_allows(const struct rp_auth_chain *chains, size_t nchains,
    const struct auth_progress *ap, enum rp_auth_method method)
{
	for (size_t i = 0; i < nchains; i++)
		if (has_prefix(&chains[i], ap) && chains[i].n > ap->ndone &&
		    chains[i].methods[ap->ndone] == method)
			return 1;
	return 0;
}

/* Append name to a comma-separated list unless it is there already. */
static void
add_method(char *list, size_t listsz, const char *name)
{
	size_t off = strlen(list), n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return;
		p += n;
	}
	snprintf(list + off, listsz - off, "%s%s", off > 0 ? "," : "", name);
}

enum rp_auth_result
auth_chain_step(const struct rp_auth_chain *chains, size_t nchains, struct auth_progress *ap,
    enum rp_auth_method method, char *next, size_t nextsz)
{
	int any = 0;

	next[0] = '\0';
	if (!auth_chain_allows(chains, nchains, ap, method) || ap->ndone >= RP_AUTH_CHAIN_MAX)
		return RP_AUTH_FAILURE;
	ap->done[ap->ndone++] = method;
	for (size_t i = 0; i < nchains; i++) {
		if (!has_prefix(&chains[i], ap))
			continue;
		if (chains[i].n == ap->ndone)
			return RP_AUTH_OK; /* a whole chain is done */
		add_method(next, nextsz, rp_auth_method_name(chains[i].methods[ap->ndone]));
		any = 1;
	}
	return any ? RP_AUTH_PARTIAL : RP_AUTH_FAILURE;
}

void
auth_chain_first_methods(const struct rp_auth_chain *chains, size_t nchains, char *out,
    size_t outsz)
{
	for (size_t i = 0; i < nchains; i++)
		if (chains[i].n > 0 && chains[i].methods[0] != RP_AUTH_NONE)
			add_method(out, outsz, rp_auth_method_name(chains[i].methods[0]));
}

/*
 * policy/address.c: socket addresses as the policy writes them.
 *
 * Numeric only (inet_pton, never DNS): a policy must mean the same thing
 * whatever the resolver says at load time. IPv6 addresses go in brackets so
 * that the port separator is never ambiguous.
 */
#include "policy/internal.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#define MAX_PORT 65535

int
rp_parse_listen_address(const char *text, struct sockaddr_storage *addr,
    socklen_t *addrlen, const char **why)
{
	char host[INET6_ADDRSTRLEN];
	const char *host_start, *port_text, *end;
	size_t host_len;
	uint64_t port;
	int v6;

	memset(addr, 0, sizeof(*addr));
	if (text[0] == '[') {
		if ((end = strchr(text, ']')) == NULL) {
			*why = "missing ']' after the IPv6 address";
			return 0;
		}
		if (end[1] != ':') {
			*why = "missing ':PORT' after ']'";
			return 0;
		}
		host_start = text + 1;
		host_len = (size_t)(end - host_start);
		port_text = end + 2;
		v6 = 1;
	} else {
		if ((end = strrchr(text, ':')) == NULL) {
			*why = "missing ':PORT'";
			return 0;
		}
		if (memchr(text, ':', (size_t)(end - text)) != NULL) {
			*why = "an IPv6 address must be in brackets";
			return 0;
		}
		host_start = text;
		host_len = (size_t)(end - text);
		port_text = end + 1;
		v6 = 0;
	}
	if (host_len == 0) {
		*why = "missing address";
		return 0;
	}
	if (!rp_parse_count(port_text, &port) || port > MAX_PORT) {
		*why = "the port must be a number from 0 to 65535";
		return 0;
	}
	if (host_len >= sizeof(host)) {
		*why = v6 ? "not a numeric IPv6 address" : "not a numeric IPv4 address";
		return 0;
	}
	memcpy(host, host_start, host_len);
	host[host_len] = '\0';
	if (v6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)addr;
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
			*why = "not a numeric IPv6 address";
			return 0;
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*addrlen = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)addr;
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
			*why = "not a numeric IPv4 address";
			return 0;
		}
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*addrlen = sizeof(*sin);
	}
	return 1;
}

int
rp_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
		return x->sin6_port == y->sin6_port &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return 0;
}

/*
 * policy/address.c: addresses as the policy writes them: listen addresses,
 * client and target addresses, CIDRs and SOURCES lists.
 *
 * Numeric only (inet_pton, never DNS): a policy must mean the same thing
 * whatever the resolver says at load time. IPv6 addresses in listen
 * addresses go in brackets so that the port separator is never ambiguous.
 *
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, what a dual-stack socket
 * reports for an IPv4 client) are turned into IPv4 wherever an address
 * enters the policy, so that an IPv4 rule matches the client however it
 * connected, and an IPv6 rule never does.
 */
#include "policy/internal.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
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

/* --- client and target addresses ----------------------------------------- */

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* ::ffff:a.b.c.d -> a.b.c.d */
static void
normalise(struct rp_addr *addr)
{
	if (addr->family == AF_INET6 &&
	    memcmp(addr->bytes, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0) {
		memmove(addr->bytes, addr->bytes + 12, 4);
		memset(addr->bytes + 4, 0, 12);
		addr->family = AF_INET;
	}
}

int
rp_addr_parse(const char *text, struct rp_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, out->bytes) == 1) {
		out->family = AF_INET;
		return 1;
	}
	if (inet_pton(AF_INET6, text, out->bytes) == 1) {
		out->family = AF_INET6;
		normalise(out);
		return 1;
	}
	memset(out, 0, sizeof(*out));
	return 0;
}

int
rp_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, struct rp_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
		out->family = AF_INET;
		memcpy(out->bytes, &sin->sin_addr, 4);
		return 1;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		out->family = AF_INET6;
		memcpy(out->bytes, &sin6->sin6_addr, 16);
		normalise(out);
		return 1;
	}
	return 0;
}

const char *
rp_addr_format(const struct rp_addr *addr, char *buf, size_t bufsz)
{
	if (inet_ntop(addr->family == AF_INET ? AF_INET : AF_INET6, addr->bytes, buf,
	    (socklen_t)bufsz) == NULL)
		snprintf(buf, bufsz, "?");
	return buf;
}

int
rp_addr_equal(const struct rp_addr *a, const struct rp_addr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}

int
rp_addr_is_loopback(const struct rp_addr *addr)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (addr->family == AF_INET)
		return addr->bytes[0] == 127;
	return memcmp(addr->bytes, v6_loopback, 16) == 0;
}

/* --- CIDRs ---------------------------------------------------------------- */

static int
prefix_bits_match(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* Are the bits after prefix all zero? */
static int
host_bits_zero(const uint8_t *bytes, size_t len, unsigned prefix)
{
	for (unsigned bit = prefix; bit < len * 8; bit++)
		if (bytes[bit / 8] & (0x80 >> (bit % 8)))
			return 0;
	return 1;
}

int
rp_cidr_parse(const char *text, struct rp_cidr *out, const char **why)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t hostlen = slash != NULL ? (size_t)(slash - text) : strlen(text);
	unsigned max;
	uint64_t prefix;

	memset(out, 0, sizeof(*out));
	if (hostlen == 0 || hostlen >= sizeof(host)) {
		*why = "not a numeric IPv4 or IPv6 address";
		return 0;
	}
	memcpy(host, text, hostlen);
	host[hostlen] = '\0';
	if (inet_pton(AF_INET, host, out->net.bytes) == 1) {
		out->net.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, out->net.bytes) == 1) {
		out->net.family = AF_INET6;
		max = 128;
	} else {
		*why = "not a numeric IPv4 or IPv6 address";
		return 0;
	}
	prefix = max;
	if (slash != NULL && (!rp_parse_count(slash + 1, &prefix) || prefix > max)) {
		*why = max == 32 ? "the prefix length must be a number from 0 to 32" :
		    "the prefix length must be a number from 0 to 128";
		return 0;
	}
	out->prefix = (unsigned)prefix;
	if (!host_bits_zero(out->net.bytes, max / 8, out->prefix)) {
		*why = "bits are set after the prefix length";
		return 0;
	}
	/* ::ffff:10.0.0.0/104 is 10.0.0.0/8. */
	if (out->net.family == AF_INET6 && out->prefix >= 96 &&
	    memcmp(out->net.bytes, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0) {
		normalise(&out->net);
		out->prefix -= 96;
	}
	return 1;
}

const char *
rp_cidr_format(const struct rp_cidr *cidr, char *buf, size_t bufsz)
{
	char host[INET6_ADDRSTRLEN];
	unsigned max = cidr->net.family == AF_INET ? 32 : 128;

	rp_addr_format(&cidr->net, host, sizeof(host));
	if (cidr->prefix == max)
		snprintf(buf, bufsz, "%s", host);
	else
		snprintf(buf, bufsz, "%s/%u", host, cidr->prefix);
	return buf;
}

int
rp_cidr_contains(const struct rp_cidr *cidr, const struct rp_addr *addr)
{
	return cidr->net.family == addr->family &&
	    prefix_bits_match(cidr->net.bytes, addr->bytes, cidr->prefix);
}

int
rp_sources_match(const struct rp_sources *sources, const struct rp_addr *addr)
{
	if (sources->any)
		return 1;
	for (size_t i = 0; i < sources->ncidrs; i++)
		if (rp_cidr_contains(&sources->cidrs[i], addr))
			return 1;
	return 0;
}

/*
 * monitor/resolver.h: name lookups for direct-tcpip off the monitor's event
 * loop (monitor/resolver.c).
 *
 * getaddrinfo(3) blocks for as long as the system resolver likes (resolv.conf
 * timeout x attempts x servers: half a minute against a dead DNS server), so
 * the monitor never calls it for a name: a few threads do, and report through
 * a pipe the event loop polls, like monitor/crypt_pool.c. A numeric address
 * needs no thread: it is parsed at once and its result is ready on the next
 * round of the loop, through the same path, so the caller has one code path.
 *
 * The threads touch nothing but the resolver: the job they were given and
 * the resolver's own lists under its mutex. Deciding is the caller's job:
 * a result carries every address the name resolved to (up to
 * RESOLVER_MAX_ADDRS), the caller asks the policy about each one, and only
 * connects (monitor/outbound.h) to those addresses, never to the name again,
 * so a second lookup cannot answer differently from the one decided on.
 *
 * In the event loop:
 *
 *     poll resolver_fd(&m->resolver) for POLLIN; when readable:
 *         for (r = resolver_take(&m->resolver); r != NULL; r = r->next)
 *             find the request by (r->cookie1, r->cookie2); it may be gone
 *             (the connection closed, or the caller gave up at its own
 *             deadline): then ignore r. Else r->error != 0: refuse with
 *             r->why; else decide on r->addrs[0..r->naddrs).
 *         resolve_result_free(list);
 *
 * The resolver has no timeout of its own (a thread cannot be stopped inside
 * getaddrinfo): the caller bounds its wait with its own deadline and drops
 * a late result by its cookies.
 */
#ifndef RAMPART_MONITOR_RESOLVER_H
#define RAMPART_MONITOR_RESOLVER_H

#include <netdb.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RESOLVER_THREADS 4       /* the default for the monitor */
#define RESOLVER_MAX_THREADS 8
/* Queued, running, and finished but not taken: a bound on memory and on
 * what a burst of channel opens can pile up behind a slow DNS server. */
#define RESOLVER_MAX_PENDING 256
#define RESOLVER_MAX_HOST 255    /* the longest DNS name, in bytes */
#define RESOLVER_MAX_ADDRS 16
/* How long resolver_stop waits for a thread before leaving it behind. */
#define RESOLVER_STOP_WAIT_MS 200

struct resolve_result {
	struct resolve_result *next;
	uint64_t cookie1;   /* the caller's, e.g. the connection id */
	uint32_t cookie2;   /* the caller's, e.g. the request id */
	char host[RESOLVER_MAX_HOST + 1]; /* as submitted; for logs escape it */
	uint16_t port;
	/* 0, or an EAI_* code of getaddrinfo (EAI_NONAME also when the name
	 * had no IPv4 or IPv6 address). */
	int error;
	char why[128];      /* with error: what went wrong, for logs */
	/* In getaddrinfo's order (IPv6 and IPv4 as it returned them),
	 * duplicates removed, the port already set. */
	size_t naddrs;
	struct sockaddr_storage addrs[RESOLVER_MAX_ADDRS];
	socklen_t lens[RESOLVER_MAX_ADDRS];
	int truncated;      /* the name had more than RESOLVER_MAX_ADDRS */
};

struct resolver_shared; /* the part the threads see (monitor/resolver.c) */

struct resolver {
	struct resolver_shared *shared; /* NULL: not started, or stopped */
	pthread_t threads[RESOLVER_MAX_THREADS];
	unsigned nthreads;
};

/* Start nthreads lookup threads (at most RESOLVER_MAX_THREADS). 0 makes a
 * resolver that answers numeric addresses and only queues names (for tests
 * and the fuzz harness). Call after the signal mask is set up: the threads
 * block every signal. Returns 0 on failure, with nothing left allocated. */
int resolver_start(struct resolver *r, unsigned nthreads);
/* The descriptor that becomes readable when results are ready; -1 when
 * not started. */
int resolver_fd(const struct resolver *r);

#define RESOLVER_QUEUED 1
#define RESOLVER_FULL 0     /* RESOLVER_MAX_PENDING reached, or out of memory */
#define RESOLVER_BAD_HOST (-1)
/* Look up host[0..host_len):port. host comes from the wire, hence a length:
 * it must be 1..RESOLVER_MAX_HOST bytes of printable ASCII (no NUL, no
 * control character, no space, nothing above 0x7e: no DNS name or address
 * literal needs one, and the name goes to logs and NSS modules), without
 * brackets around an IPv6 literal (the caller strips them); port 0 is
 * refused. RESOLVER_FULL: the caller answers the request itself (resource
 * shortage). */
int resolver_submit(struct resolver *r, const char *host, size_t host_len, uint16_t port,
    uint64_t cookie1, uint32_t cookie2);
/* Every finished lookup, oldest first, or NULL; the caller owns the list. */
struct resolve_result *resolver_take(struct resolver *r);
/* Free a result and every result after it on its next chain. */
void resolve_result_free(struct resolve_result *list);
/* Discard what is queued or not taken, and end the threads. A thread inside
 * getaddrinfo is waited for at most RESOLVER_STOP_WAIT_MS, then detached:
 * it frees its job when the lookup returns, and the last thread out frees
 * the shared state, so stopping never hangs on a dead DNS server. */
void resolver_stop(struct resolver *r);

/* Copy the IPv4 and IPv6 stream addresses of ai into addrs/lens (at most
 * max), in order, without duplicates. Returns how many; *truncated is set
 * when some were left out for room. Exposed for the tests. */
size_t resolver_collect(const struct addrinfo *ai, struct sockaddr_storage *addrs,
    socklen_t *lens, size_t max, int *truncated);

#endif

/*
 * monitor/outbound.h: the monitor's non-blocking TCP connect for
 * direct-tcpip (ssh -L, -W, -J, -D) (monitor/outbound.c).
 *
 * The addresses come from monitor/resolver.h, already decided on by the
 * policy (only the allowed ones are passed here). They are tried in order,
 * one at a time, each attempt bounded so that a dead first address (an IPv6
 * address the network cannot reach, a host that drops SYNs) does not eat
 * the whole budget: an attempt gets the time left divided by the addresses
 * left, but at least OUTBOUND_MIN_ATTEMPT_MS (or all that is left). The
 * whole is bounded by the timeout given to outbound_connect_start. Nothing
 * here blocks: connect() is non-blocking and completion is seen by polling.
 *
 * In the event loop, for each attempt in progress:
 *
 *     fd = outbound_connect_fd(oc): when >= 0, poll it for POLLOUT;
 *     the poll timeout is at most outbound_connect_deadline(oc) - now
 *     (0 when that is already past).
 *     Call outbound_connect_step(oc, now, &fd, why, sizeof(why)) when the
 *     descriptor has any revents (POLLOUT, POLLERR, POLLHUP) or when now
 *     >= the deadline; calling it at other times is harmless (PENDING):
 *         OUTBOUND_PENDING: poll again (the descriptor may have changed:
 *                           it moved on to the next address);
 *         OUTBOUND_DONE:    fd is connected, non-blocking, close-on-exec,
 *                           with TCP_NODELAY and SO_KEEPALIVE; the caller
 *                           owns it (pass it to the worker, then close);
 *         OUTBOUND_FAILED:  refuse the channel open with
 *                           outbound_ssh_reason(outbound_connect_errno(oc)),
 *                           log why.
 *     then outbound_connect_free(oc) (after DONE or FAILED, or to give up:
 *     it closes a socket still connecting).
 */
#ifndef RAMPART_MONITOR_OUTBOUND_H
#define RAMPART_MONITOR_OUTBOUND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define OUTBOUND_MAX_ADDRS 16       /* = RESOLVER_MAX_ADDRS */
#define OUTBOUND_MIN_ATTEMPT_MS 1000

enum outbound_status {
	OUTBOUND_FAILED = -1,
	OUTBOUND_PENDING = 0,
	OUTBOUND_DONE = 1,
};

struct outbound_connect;

/* Start connecting to addrs[0..n) (AF_INET or AF_INET6, 1 <= n <=
 * OUTBOUND_MAX_ADDRS), the whole bounded by timeout_ms from now_ms (the
 * monitor's monotonic clock, monitor_now_ms()). An address that fails at
 * once (no route, no IPv6 on this host) is passed over here already; when
 * every one does, the result is known at once and the deadline is now, so
 * the loop calls step in its next round. NULL: bad arguments or out of
 * memory. An unspecified address (0.0.0.0/8, ::, ::ffff:0.0.0.0/104) is
 * never tried, whatever the policy said: Linux would connect it to this
 * host itself. It fails with EDESTADDRREQ. */
struct outbound_connect *outbound_connect_start(const struct sockaddr_storage *addrs,
    const socklen_t *lens, size_t n, uint64_t now_ms, unsigned timeout_ms);
/* The descriptor to poll for POLLOUT; -1 when there is none to poll. */
int outbound_connect_fd(const struct outbound_connect *oc);
/* When step must be called even without an event: the end of the current
 * attempt; 0 when the result is already known; UINT64_MAX once step has
 * reported DONE or FAILED. */
uint64_t outbound_connect_deadline(const struct outbound_connect *oc);
/* See the top of this file. why gets a line for the log: on DONE the
 * address connected to ("127.0.0.1 port 22"), on FAILED the address of
 * the last attempt and what went wrong ("127.0.0.1 port 22 (address 2 of
 * 2): Connection refused", "...: Connection timed out"). *fd is -1 unless
 * DONE. Never blocks. */
int outbound_connect_step(struct outbound_connect *oc, uint64_t now_ms, int *fd, char *why,
    size_t whysz);
/* After FAILED: the errno of the last attempt (ETIMEDOUT when it ran out
 * of time); and which address that was (index into the start's list). */
int outbound_connect_errno(const struct outbound_connect *oc);
size_t outbound_connect_index(const struct outbound_connect *oc);
/* The SSH_MSG_CHANNEL_OPEN_FAILURE reason for a connect errno: the
 * monitor's own shortage of descriptors or memory is
 * SSH_OPEN_RESOURCE_SHORTAGE; anything the target or the network said
 * (refused, unreachable, timed out, ...) is SSH_OPEN_CONNECT_FAILED. */
uint32_t outbound_ssh_reason(int err);
/* Free; closes a socket not handed over. NULL is fine. */
void outbound_connect_free(struct outbound_connect *oc);

#endif

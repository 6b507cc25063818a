/*
 * common/channel.c: channel window accounting (RFC 4254 5.2).
 */
#include "common/channel.h"

void
rp_window_init(struct rp_window *w, uint32_t local_max, uint32_t remote_window,
    uint32_t remote_maxpacket)
{
	w->local = local_max;
	w->local_max = local_max;
	w->local_credit = 0;
	w->remote = remote_window;
	w->remote_maxpacket = remote_maxpacket;
}

int
rp_window_received(struct rp_window *w, size_t n)
{
	if (n > w->local)
		return 0;
	w->local -= (uint32_t)n;
	return 1;
}

void
rp_window_drained(struct rp_window *w, size_t n)
{
	w->local_credit += (uint32_t)n;
}

uint32_t
rp_window_adjust_due(struct rp_window *w)
{
	uint32_t grant;

	/* Grant back once more than half the window is in use, so adjustments
	 * are few and large. Doubling (in 64 bits) instead of halving keeps a
	 * 1-byte window from rounding "half" down to never. */
	if (2 * (uint64_t)w->local >= w->local_max || w->local_credit == 0)
		return 0;
	grant = w->local_credit;
	if (grant > w->local_max - w->local)
		grant = w->local_max - w->local;
	w->local += grant;
	w->local_credit -= grant;
	return grant;
}

size_t
rp_window_sendable(const struct rp_window *w, size_t want)
{
	size_t n = want;

	if (n > w->remote)
		n = w->remote;
	if (n > w->remote_maxpacket)
		n = w->remote_maxpacket;
	return n;
}

void
rp_window_sent(struct rp_window *w, size_t n)
{
	w->remote -= (uint32_t)n;
}

int
rp_window_peer_adjust(struct rp_window *w, uint32_t n)
{
	if (n > UINT32_MAX - w->remote)
		return 0;
	w->remote += n;
	return 1;
}

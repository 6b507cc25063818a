/*
 * common/channel.h: channel flow control (RFC 4254 section 5.2), shared by
 * the server's channels and, later, the client's.
 *
 * Each side grants the other a window of bytes it may send. We grant
 * `local_max` at open; as data we received leaves our buffers (written to a
 * process, a socket) it is credited back, and a WINDOW_ADJUST returns it to
 * the peer once more than half the window is used, so the peer never stalls
 * and never has more than local_max bytes in flight to us.
 */
#ifndef RAMPART_COMMON_CHANNEL_H
#define RAMPART_COMMON_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

struct rp_window {
	uint32_t local;          /* bytes the peer may still send us */
	uint32_t local_max;      /* the window we grant in total */
	uint32_t local_credit;   /* drained bytes not yet granted back */
	uint32_t remote;         /* bytes we may still send */
	uint32_t remote_maxpacket;
};

void rp_window_init(struct rp_window *w, uint32_t local_max, uint32_t remote_window,
    uint32_t remote_maxpacket);
/* The peer sent n bytes of data. 0 when that exceeds the window granted:
 * a protocol error. */
int rp_window_received(struct rp_window *w, size_t n);
/* n bytes we received have left our buffers. */
void rp_window_drained(struct rp_window *w, size_t n);
/* The amount to grant back now in a WINDOW_ADJUST (0: not yet); the window
 * is updated as if it was sent. */
uint32_t rp_window_adjust_due(struct rp_window *w);
/* How many of want bytes may go out in one data packet now. */
size_t rp_window_sendable(const struct rp_window *w, size_t want);
void rp_window_sent(struct rp_window *w, size_t n);
/* The peer granted n more bytes. 0 when the window would pass 2^32-1. */
int rp_window_peer_adjust(struct rp_window *w, uint32_t n);

#endif

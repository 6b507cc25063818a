/*
 * common/transport.h: the SSH transport layer (RFC 4253) over a non-blocking
 * socket: identification exchange, the binary packet protocol, key exchange
 * and re-exchange, strict kex (OpenSSH PROTOCOL 1.9) and ext-info (RFC 8308).
 *
 * The caller owns the event loop. It calls rp_transport_read() when the
 * socket is readable, then rp_transport_next() until it returns
 * RP_TRANSPORT_NEED_MORE, handling each application message (service and
 * above) it returns; and rp_transport_flush() when the socket is writable
 * and rp_transport_want_write() says there is output. Transport messages
 * (kex, ignore, debug, disconnect) never reach the caller.
 *
 * Server only so far: the host key signature comes from a hook (the worker
 * asks the monitor, which holds the keys). The client side joins later on
 * the same state machine.
 */
#ifndef RAMPART_COMMON_TRANSPORT_H
#define RAMPART_COMMON_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "common/kex.h"
#include "crypto/bytes.h"

#define RP_TRANSPORT_MAX_HOSTKEYS 8

struct rp_transport;

struct rp_transport_config {
	/* Our identification string without CR LF, "SSH-2.0-rampart_0.1.0". */
	const char *version;
	/* What we offer; host key algorithms must match hostkeys below. */
	struct rp_kex_offer offer;
	/* Public host key blobs, by algorithm name. */
	size_t nhostkeys;
	const char *hostkey_alg[RP_TRANSPORT_MAX_HOSTKEYS];
	const uint8_t *hostkey_blob[RP_TRANSPORT_MAX_HOSTKEYS];
	size_t hostkey_blob_len[RP_TRANSPORT_MAX_HOSTKEYS];
	/* server-sig-algs for EXT_INFO (RFC 8308 3.1); NULL sends none. */
	const char *server_sig_algs;
	/* Sign the exchange: append the signature blob for host key algorithm
	 * hostkey_alg over the exchange hash of parts to sig. 1 on success, 0
	 * on failure, -1 when the signer refuses this client's software
	 * version (why says so; the connection ends with
	 * PROTOCOL_VERSION_NOT_SUPPORTED). */
	int (*sign)(void *ctx, const char *kex, const char *hostkey_alg,
	    const struct rp_kex_hash_parts *parts, CBB *sig, char *why, size_t whysz);
	void *sign_ctx;
	/* diffie-hellman-group-exchange (RFC 4419): a group for a client
	 * asking for min <= n <= max bits (already checked to be in order,
	 * max at least 2048): prime p and generator g, unsigned big-endian
	 * without leading zeros, each at most RP_DH_MAX_BYTES. 1 on success,
	 * 0 when there is none (the exchange fails). NULL: the method fails
	 * if negotiated. Uses sign_ctx. */
	int (*gex_group)(void *ctx, uint32_t min, uint32_t n, uint32_t max, uint8_t *p,
	    size_t *p_len, uint8_t *g, size_t *g_len);
	/* Re-exchange keys after this many bytes in either direction under one
	 * set of keys (0: 1 GiB). */
	uint64_t rekey_bytes;
};

enum rp_transport_status {
	RP_TRANSPORT_NEED_MORE = 0, /* no complete message buffered */
	RP_TRANSPORT_MESSAGE = 1,   /* *type and *payload are set */
	RP_TRANSPORT_ERROR = -1,    /* the connection is over; see rp_transport_error() */
};

/* The strings and config are copied; fd is not owned. NULL on failure. */
struct rp_transport *rp_transport_new(int fd, const struct rp_transport_config *cfg);
void rp_transport_free(struct rp_transport *t);

/* Queue our identification string and first KEXINIT. */
int rp_transport_start(struct rp_transport *t);

/* Read what the socket has. 1: read something or nothing to read; 0: end of
 * file; -1: error (errno). Must not be called while a payload returned by
 * rp_transport_next() is still in use. */
int rp_transport_read(struct rp_transport *t);
/* 1 while the input buffer has room. */
int rp_transport_want_read(const struct rp_transport *t);
/* Write queued output. 1: fine (perhaps partial); -1: error. */
int rp_transport_flush(struct rp_transport *t);
int rp_transport_want_write(const struct rp_transport *t);
size_t rp_transport_pending_output(const struct rp_transport *t);

/* The next application message: *type its number, *payload the bytes after
 * it. Valid until the next call to rp_transport_next() or _read(). */
int rp_transport_next(struct rp_transport *t, uint8_t *type, CBS *payload);

/* Send an application message. While a key exchange is under way the
 * message is held and sent after NEWKEYS, as RFC 4253 7.1 requires.
 * Returns 0 when the output is over its limit or the connection is over. */
int rp_transport_send(struct rp_transport *t, const uint8_t *payload, size_t len);
/* Build a message in the transport's scratch space: *cbb is initialised
 * with `type` already added; finish with rp_transport_send_cbb(). */
int rp_transport_begin(struct rp_transport *t, CBB *cbb, uint8_t type);
int rp_transport_send_cbb(struct rp_transport *t, CBB *cbb);
/* SSH_MSG_UNIMPLEMENTED for the message just returned by _next(). */
int rp_transport_send_unimplemented(struct rp_transport *t);

/* Zero-copy send for bulk data: a pointer where up to max payload bytes can
 * be written directly into the output queue, then _data_commit() with the
 * number written. Only when rp_transport_can_send_now() says so. */
uint8_t *rp_transport_data_reserve(struct rp_transport *t, size_t max);
int rp_transport_data_commit(struct rp_transport *t, size_t len);
/* 1 when application data goes straight out (no key exchange under way). */
int rp_transport_can_send_now(const struct rp_transport *t);

/* End the connection: queue SSH_MSG_DISCONNECT (RFC 4253 11.1) and record
 * the reason. Further sends are refused. */
void rp_transport_disconnect(struct rp_transport *t, uint32_t reason, const char *description);
/* Why the connection ended: reason code (0 when the peer just closed),
 * whether the peer ended it, and a description safe to log. */
void rp_transport_error(const struct rp_transport *t, uint32_t *reason, int *by_peer,
    const char **description);
/* Record that the peer closed the socket. */
void rp_transport_peer_closed(struct rp_transport *t);

/* The peer's identification string, or NULL before it arrived. */
const char *rp_transport_peer_version(const struct rp_transport *t);
/* The session identifier (first exchange hash), or NULL before it exists. */
const uint8_t *rp_transport_session_id(const struct rp_transport *t, size_t *len);
/* The algorithms in use after the last key exchange, NULL before the first. */
const struct rp_kex_algs *rp_transport_algs(const struct rp_transport *t);
/* 1 once the first key exchange has completed in both directions. */
int rp_transport_established(const struct rp_transport *t);
/* Key exchanges completed so far (both NEWKEYS), the first included. */
unsigned rp_transport_kex_count(const struct rp_transport *t);
/* Start a key re-exchange now (rekey on request or by time). Does nothing
 * before the first exchange or while one is under way. */
void rp_transport_rekey(struct rp_transport *t);
/* Bytes (both ways) after which the transport starts a re-exchange by
 * itself: the configured limit, capped by what the ciphers in use may
 * protect under one key (rp_cipher_max_bytes_per_key). It also re-keys
 * after 2^31 packets. */
uint64_t rp_transport_rekey_threshold(const struct rp_transport *t);
/* The i-th host key offered: its algorithm name and public blob. 0 past
 * the last. */
int rp_transport_hostkey(const struct rp_transport *t, size_t i, const char **alg,
    const uint8_t **blob, size_t *len);
/* Bytes read from and written to the socket so far. */
void rp_transport_counters(const struct rp_transport *t, uint64_t *in, uint64_t *out);

#endif

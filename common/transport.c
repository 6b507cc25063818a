/*
 * common/transport.c: the SSH transport layer, server side (RFC 4253).
 *
 * Identification exchange (section 4.2), the binary packet protocol
 * (section 6, with the packet protection of crypto/pkt_cipher.h), key
 * exchange and re-exchange (sections 7-9) with the methods of common/kex.c
 * (the post-quantum hybrids, curve25519-sha256),
 * strict kex against Terrapin (OpenSSH PROTOCOL 1.9), and EXT_INFO with
 * server-sig-algs (RFC 8308).
 *
 * Key exchange states, server side:
 *
 *   IDLE --peer KEXINIT--> (send ours) WAIT_METHOD
 *   IDLE --rekey due-----> (send ours) SENT_INIT --peer KEXINIT--> WAIT_METHOD
 *   WAIT_METHOD --KEX_ECDH_INIT--> (reply, NEWKEYS, new send keys) WAIT_NEWKEYS
 *   WAIT_NEWKEYS --NEWKEYS--> (new receive keys) IDLE
 *
 * Group exchange (RFC 4419) has one more step inside WAIT_METHOD: the
 * client's GEX_REQUEST is answered with GEX_GROUP, then GEX_INIT plays the
 * part of KEX_ECDH_INIT.
 *
 * The first KEXINIT is sent at start, so a new connection begins in
 * SENT_INIT. Messages the current state does not expect are refused in one
 * place, check_allowed().
 */
#include "common/transport.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/compress.h"
#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "crypto/dh.h"
#include "crypto/pkt_cipher.h"
#include "crypto/secret.h"

#define IN_LIMIT (4 + SSH_MAX_PACKET_LEN + 64 + 64 * 1024)
#define OUT_LIMIT (8 * 1024 * 1024)
#define DEFERRED_LIMIT (2 * 1024 * 1024)
#define READ_CHUNK (256 * 1024)
/* Reads shorter than this look like handshake or interactive traffic:
 * acknowledge them at once (see ack_now). */
#define QUICKACK_BELOW (16 * 1024)
#define VERSION_MAX 255
#define DEFAULT_REKEY_BYTES ((uint64_t)1 << 30)
/* RFC 4344 3.1: re-exchange at least every 2^31 packets. */
#define REKEY_PACKETS ((uint64_t)1 << 31)
/* Compressed payloads out, decompressed payloads in: a decompressed packet
 * may be as large as a packet may be, and no larger (a bigger one is a
 * decompression bomb). */
#define ZBUF_LEN (SSH_MAX_PACKET_LEN + 1)
/* Plaintext packets (before the first NEWKEYS) align to 8 bytes. */
#define PLAIN_BLOCK 8
#define MAX_PAD (255)

enum kex_state {
	KEX_IDLE,
	KEX_SENT_INIT,
	KEX_WAIT_METHOD,
	KEX_WAIT_NEWKEYS,
};

struct rp_transport {
	int fd;

	/* Our configuration, deep-copied. */
	char *version;
	char *offer_kex, *offer_hostkey, *offer_ciphers, *offer_macs, *offer_compression;
	size_t nhostkeys;
	char *hostkey_alg[RP_TRANSPORT_MAX_HOSTKEYS];
	uint8_t *hostkey_blob[RP_TRANSPORT_MAX_HOSTKEYS];
	size_t hostkey_blob_len[RP_TRANSPORT_MAX_HOSTKEYS];
	char *server_sig_algs;
	int (*sign)(void *, const char *, const char *, const struct rp_kex_hash_parts *, CBB *,
	    char *, size_t);
	void *sign_ctx;
	int (*gex_group)(void *, uint32_t, uint32_t, uint32_t, uint8_t *, size_t *, uint8_t *,
	    size_t *);
	uint64_t rekey_bytes;

	struct rp_buf in, out, deferred;
	uint8_t *scratch;
	size_t pending_consume;

	char peer_version[VERSION_MAX + 1];
	int have_peer_version;

	struct rp_pktcipher *send_pc, *recv_pc, *next_recv_pc;
	uint32_t send_seq, recv_seq, last_recv_seq;
	int have_len;
	uint32_t cur_len;

	enum kex_state kex;
	int first_kex_done; /* both NEWKEYS of the first exchange */
	int sent_first_newkeys;
	int strict;
	int peer_ext_info;
	int ignore_next_kex;
	uint8_t *i_s, *i_c;
	size_t i_s_len, i_c_len;
	struct rp_kexinit peer_init;
	struct rp_kex_algs algs, cur_algs;
	int have_cur_algs;
	const struct rp_kex_method *method;
	/* Group exchange: the group sent (gex_sent), what it was asked for,
	 * and where gex's p and g point. */
	int gex_sent;
	struct rp_kex_gex gex;
	uint8_t gex_p[RP_DH_MAX_BYTES], gex_g[RP_DH_MAX_BYTES];
	uint8_t session_id[RP_HASH_MAX_LEN];
	size_t session_id_len;
	uint64_t bytes_since_kex;
	/* Packets both ways since the last kex; the 32-bit sequence numbers
	 * (the nonces of the MACs and AEADs) must not wrap under one key. */
	uint64_t packets_since_kex;
	/* rekey_bytes, capped by what the current ciphers may protect. */
	uint64_t rekey_now;

	/* Compression (RFC 4253 6.2) each way: the method in force and its
	 * stream, made when first needed and kept across re-exchanges.
	 * zlib@openssh.com waits for authentication: our USERAUTH_SUCCESS. */
	enum comp_mode { COMP_NONE, COMP_ZLIB, COMP_DELAYED } send_comp, recv_comp;
	struct rp_zstream *zsend, *zrecv;
	uint8_t *zout;    /* a payload compressed, before it is copied back */
	uint8_t *zin;     /* the payload last decompressed (the caller reads
	                   * it until the next packet) */
	int authenticated; /* USERAUTH_SUCCESS sent */
	unsigned kex_count;
	uint64_t wire_in, wire_out;

	int over;
	uint32_t err_reason;
	int err_by_peer;
	char err_desc[256];
};

static void
fail(struct rp_transport *t, uint32_t reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record a fatal error and queue a DISCONNECT naming it. */
static void
fail(struct rp_transport *t, uint32_t reason, const char *fmt, ...)
{
	char desc[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	rp_transport_disconnect(t, reason, desc);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

struct rp_transport *
rp_transport_new(int fd, const struct rp_transport_config *cfg)
{
	struct rp_transport *t;

	if (cfg->nhostkeys == 0 || cfg->nhostkeys > RP_TRANSPORT_MAX_HOSTKEYS)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->fd = fd;
	t->version = strdup(cfg->version);
	t->offer_kex = strdup(cfg->offer.kex);
	t->offer_hostkey = strdup(cfg->offer.hostkey);
	t->offer_ciphers = strdup(cfg->offer.ciphers);
	t->offer_macs = strdup(cfg->offer.macs);
	t->offer_compression = strdup(cfg->offer.compression != NULL ? cfg->offer.compression :
	    "none");
	t->server_sig_algs = dup_or_null(cfg->server_sig_algs);
	t->scratch = malloc(SSH_MAX_PAYLOAD_OUT);
	if (t->version == NULL || t->offer_kex == NULL || t->offer_hostkey == NULL ||
	    t->offer_ciphers == NULL || t->offer_macs == NULL || t->offer_compression == NULL ||
	    t->scratch == NULL ||
	    (cfg->server_sig_algs != NULL && t->server_sig_algs == NULL))
		goto fail;
	t->nhostkeys = cfg->nhostkeys;
	for (size_t i = 0; i < cfg->nhostkeys; i++) {
		t->hostkey_alg[i] = strdup(cfg->hostkey_alg[i]);
		t->hostkey_blob[i] = malloc(cfg->hostkey_blob_len[i]);
		if (t->hostkey_alg[i] == NULL || t->hostkey_blob[i] == NULL)
			goto fail;
		memcpy(t->hostkey_blob[i], cfg->hostkey_blob[i], cfg->hostkey_blob_len[i]);
		t->hostkey_blob_len[i] = cfg->hostkey_blob_len[i];
	}
	t->sign = cfg->sign;
	t->sign_ctx = cfg->sign_ctx;
	t->gex_group = cfg->gex_group;
	t->rekey_bytes = cfg->rekey_bytes != 0 ? cfg->rekey_bytes : DEFAULT_REKEY_BYTES;
	rp_buf_init(&t->in, IN_LIMIT);
	rp_buf_init(&t->out, OUT_LIMIT);
	rp_buf_init(&t->deferred, DEFERRED_LIMIT);
	t->kex = KEX_IDLE;
	return t;
fail:
	rp_transport_free(t);
	return NULL;
}

void
rp_transport_free(struct rp_transport *t)
{
	if (t == NULL)
		return;
	free(t->version);
	free(t->offer_kex);
	free(t->offer_hostkey);
	free(t->offer_ciphers);
	free(t->offer_macs);
	free(t->offer_compression);
	rp_zstream_free(t->zsend);
	rp_zstream_free(t->zrecv);
	free(t->zout);
	free(t->zin);
	free(t->server_sig_algs);
	for (size_t i = 0; i < t->nhostkeys; i++) {
		free(t->hostkey_alg[i]);
		free(t->hostkey_blob[i]);
	}
	if (t->scratch != NULL) {
		rp_wipe(t->scratch, SSH_MAX_PAYLOAD_OUT);
		free(t->scratch);
	}
	rp_buf_free(&t->in);
	rp_buf_free(&t->out);
	rp_buf_free(&t->deferred);
	rp_pktcipher_free(t->send_pc);
	rp_pktcipher_free(t->recv_pc);
	rp_pktcipher_free(t->next_recv_pc);
	OPENSSL_free(t->i_s); /* from CBB_finish */
	free(t->i_c);
	rp_wipe(t, sizeof(*t));
	free(t);
}

/* ---- packet output ----------------------------------------------------- */

static size_t
send_block(const struct rp_transport *t)
{
	return t->send_pc != NULL ? rp_pktcipher_block_size(t->send_pc) : PLAIN_BLOCK;
}

static size_t
send_tag_len(const struct rp_transport *t)
{
	return t->send_pc != NULL ? rp_pktcipher_tag_len(t->send_pc) : 0;
}

static size_t
padding_for(const struct rp_transport *t, size_t payload_len)
{
	size_t bs = send_block(t);
	int aligns = t->send_pc == NULL || rp_pktcipher_aligns_length(t->send_pc);
	size_t unaligned = 1 + payload_len + (aligns ? 4 : 0);
	size_t pad = bs - (unaligned % bs);

	if (pad < 4)
		pad += bs;
	return pad;
}

/* Is a direction's compression on now? zlib@openssh.com only once
 * authenticated. */
static int
comp_active(const struct rp_transport *t, enum comp_mode mode)
{
	return mode == COMP_ZLIB || (mode == COMP_DELAYED && t->authenticated);
}

static enum comp_mode
comp_mode_of(const char *name)
{
	if (strcmp(name, "zlib") == 0)
		return COMP_ZLIB;
	if (strcmp(name, "zlib@openssh.com") == 0)
		return COMP_DELAYED;
	return COMP_NONE;
}

/* The negotiated method for one direction takes effect (at its NEWKEYS);
 * the stream, once made, goes on across re-exchanges. 0 when out of
 * memory. */
static int
comp_start(struct rp_transport *t, int sending)
{
	enum comp_mode mode = comp_mode_of(sending ? t->algs.comp_s2c : t->algs.comp_c2s);
	struct rp_zstream **z = sending ? &t->zsend : &t->zrecv;
	uint8_t **buf = sending ? &t->zout : &t->zin;

	if (mode != COMP_NONE) {
		if (*buf == NULL && (*buf = malloc(ZBUF_LEN)) == NULL)
			return 0;
		if (*z == NULL && (*z = sending ? rp_zstream_deflate_new() :
		    rp_zstream_inflate_new()) == NULL)
			return 0;
	}
	if (sending)
		t->send_comp = mode;
	else
		t->recv_comp = mode;
	return 1;
}

/* The space a packet of up to max payload bytes can take in the queue. */
static size_t
packet_room(const struct rp_transport *t, size_t max)
{
	return 4 + 1 + max + send_block(t) + 4 + send_tag_len(t) +
	    (t->send_comp != COMP_NONE ? RP_COMPRESS_SLACK(max) : 0);
}

/* pkt has room for packet_room(payload_len); the payload is already at
 * pkt + 5. Write header and padding, protect, and commit to the queue. */
static int
finish_packet(struct rp_transport *t, uint8_t *pkt, size_t payload_len)
{
	size_t pad, packet_length, tag_len = send_tag_len(t);
	CBB hdr;

	if (comp_active(t, t->send_comp)) {
		size_t zlen;

		/* Through the side buffer and back: the reservation has
		 * RP_COMPRESS_SLACK for a payload that grows. */
		if (!rp_zstream_deflate(t->zsend, pkt + 5, payload_len, t->zout, ZBUF_LEN, &zlen) ||
		    zlen > payload_len + RP_COMPRESS_SLACK(payload_len))
			return 0;
		memcpy(pkt + 5, t->zout, zlen);
		payload_len = zlen;
	}
	pad = padding_for(t, payload_len);
	packet_length = 1 + payload_len + pad;

	if (!CBB_init_fixed(&hdr, pkt, 5) || !CBB_add_u32(&hdr, (uint32_t)packet_length) ||
	    !CBB_add_u8(&hdr, (uint8_t)pad) || !CBB_finish(&hdr, NULL, NULL))
		return 0;
	rp_random_bytes(pkt + 5 + payload_len, pad);
	if (t->send_pc != NULL &&
	    !rp_pktcipher_seal(t->send_pc, t->send_seq, pkt, 4 + packet_length,
	    pkt + 4 + packet_length))
		return 0;
	t->send_seq++;
	t->packets_since_kex++;
	t->bytes_since_kex += 4 + packet_length;
	rp_buf_added(&t->out, 4 + packet_length + tag_len);
	return 1;
}

/* Protect and queue one packet now, whatever the kex state. */
static int
send_now(struct rp_transport *t, const uint8_t *payload, size_t len)
{
	uint8_t *pkt;

	if (len == 0 || len > SSH_MAX_PAYLOAD_OUT)
		return 0;
	if ((pkt = rp_buf_reserve(&t->out, packet_room(t, len))) == NULL)
		return 0;
	memcpy(pkt + 5, payload, len);
	if (!finish_packet(t, pkt, len))
		return 0;
	/* zlib@openssh.com starts with the packets after this one, both
	 * ways (the client starts when it reads it). */
	if (payload[0] == SSH_MSG_USERAUTH_SUCCESS)
		t->authenticated = 1;
	return 1;
}

int
rp_transport_can_send_now(const struct rp_transport *t)
{
	return !t->over && t->sent_first_newkeys &&
	    (t->kex == KEX_IDLE || t->kex == KEX_WAIT_NEWKEYS);
}

static int
flush_deferred(struct rp_transport *t)
{
	CBS cbs, payload;

	CBS_init(&cbs, rp_buf_ptr(&t->deferred), rp_buf_len(&t->deferred));
	while (CBS_len(&cbs) > 0) {
		if (!ssh_get_string(&cbs, &payload) ||
		    !send_now(t, CBS_data(&payload), CBS_len(&payload)))
			return 0;
	}
	rp_buf_consume(&t->deferred, rp_buf_len(&t->deferred));
	return 1;
}

static void maybe_rekey(struct rp_transport *t);

int
rp_transport_send(struct rp_transport *t, const uint8_t *payload, size_t len)
{
	uint8_t lenbuf[4];

	if (t->over)
		return 0;
	if (rp_transport_can_send_now(t)) {
		if (!send_now(t, payload, len))
			return 0;
		maybe_rekey(t);
		return 1;
	}
	/* Held until our NEWKEYS is out (RFC 4253 7.1). */
	if (len == 0 || len > SSH_MAX_PAYLOAD_OUT || rp_buf_room(&t->deferred) < 4 + len)
		return 0;
	lenbuf[0] = (uint8_t)(len >> 24);
	lenbuf[1] = (uint8_t)(len >> 16);
	lenbuf[2] = (uint8_t)(len >> 8);
	lenbuf[3] = (uint8_t)len;
	return rp_buf_append(&t->deferred, lenbuf, 4) && rp_buf_append(&t->deferred, payload, len);
}

int
rp_transport_begin(struct rp_transport *t, CBB *cbb, uint8_t type)
{
	return CBB_init_fixed(cbb, t->scratch, SSH_MAX_PAYLOAD_OUT) && CBB_add_u8(cbb, type);
}

int
rp_transport_send_cbb(struct rp_transport *t, CBB *cbb)
{
	uint8_t *data;
	size_t len;

	if (!CBB_finish(cbb, &data, &len)) {
		CBB_cleanup(cbb);
		return 0;
	}
	return rp_transport_send(t, data, len);
}

uint8_t *
rp_transport_data_reserve(struct rp_transport *t, size_t max)
{
	uint8_t *pkt;

	if (!rp_transport_can_send_now(t) || max == 0 || max > SSH_MAX_PAYLOAD_OUT)
		return NULL;
	if ((pkt = rp_buf_reserve(&t->out, packet_room(t, max))) == NULL)
		return NULL;
	return pkt + 5;
}

int
rp_transport_data_commit(struct rp_transport *t, size_t len)
{
	/* The reservation is still at the tail of the output queue. */
	if (!finish_packet(t, rp_buf_tail(&t->out), len))
		return 0;
	maybe_rekey(t);
	return 1;
}

int
rp_transport_send_unimplemented(struct rp_transport *t)
{
	CBB cbb;

	return rp_transport_begin(t, &cbb, SSH_MSG_UNIMPLEMENTED) &&
	    CBB_add_u32(&cbb, t->last_recv_seq) && rp_transport_send_cbb(t, &cbb);
}

void
rp_transport_disconnect(struct rp_transport *t, uint32_t reason, const char *description)
{
	uint8_t buf[512];
	CBB cbb;
	uint8_t *data;
	size_t len;

	if (t->over)
		return;
	t->err_reason = reason;
	t->err_by_peer = 0;
	snprintf(t->err_desc, sizeof(t->err_desc), "%s", description);
	/* Once the identification strings are exchanged the peer expects a
	 * packet; before that there is nothing useful to send. */
	if (t->have_peer_version && CBB_init_fixed(&cbb, buf, sizeof(buf)) &&
	    CBB_add_u8(&cbb, SSH_MSG_DISCONNECT) && CBB_add_u32(&cbb, reason) &&
	    ssh_add_cstring(&cbb, description) && ssh_add_cstring(&cbb, "") &&
	    CBB_finish(&cbb, &data, &len))
		(void)send_now(t, data, len);
	t->over = 1;
}

void
rp_transport_error(const struct rp_transport *t, uint32_t *reason, int *by_peer,
    const char **description)
{
	*reason = t->err_reason;
	*by_peer = t->err_by_peer;
	*description = t->err_desc[0] != '\0' ? t->err_desc : "connection closed";
}

void
rp_transport_peer_closed(struct rp_transport *t)
{
	if (t->over)
		return;
	t->over = 1;
	t->err_reason = 0;
	t->err_by_peer = 1;
	snprintf(t->err_desc, sizeof(t->err_desc), "%s",
	    t->have_peer_version ? "connection closed by peer" :
	    "connection closed before identification");
}

/* ---- socket I/O -------------------------------------------------------- */

int
rp_transport_start(struct rp_transport *t)
{
	CBB cbb;

	if (!rp_buf_append(&t->out, t->version, strlen(t->version)) ||
	    !rp_buf_append(&t->out, "\r\n", 2))
		return 0;
	/* Our first KEXINIT goes out right behind the identification string
	 * (RFC 4253 7.1 allows it without waiting for the peer's). */
	if (!CBB_init(&cbb, 1024))
		return 0;
	struct rp_kex_offer offer = { t->offer_kex, t->offer_hostkey, t->offer_ciphers,
		t->offer_macs, t->offer_compression };
	if (!rp_kexinit_build(&cbb, &offer, 1, 1) || !CBB_finish(&cbb, &t->i_s, &t->i_s_len)) {
		CBB_cleanup(&cbb);
		return 0;
	}
	t->kex = KEX_SENT_INIT;
	return send_now(t, t->i_s, t->i_s_len);
}

static void
consume_pending(struct rp_transport *t)
{
	if (t->pending_consume > 0) {
		rp_buf_consume(&t->in, t->pending_consume);
		t->pending_consume = 0;
	}
}

/* Acknowledge what was just read without TCP's delayed ACK (up to 40 ms
 * on Linux). Clients that leave Nagle's algorithm on (OpenSSH without a
 * tty) send a second small packet only when the first is acknowledged;
 * when the first needs no answer (NEWKEYS, a channel request without
 * want-reply), the delayed ACK stalls the handshake and every command.
 * TCP_QUICKACK is not sticky, so it is set again after each short read.
 * Not a TCP socket (tests use socketpairs): nothing happens. */
static void
ack_now(int fd)
{
	static const int one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

int
rp_transport_read(struct rp_transport *t)
{
	size_t room;
	uint8_t *p;
	ssize_t n;

	consume_pending(t);
	room = rp_buf_room(&t->in);
	if (room == 0)
		return 1;
	if (room > READ_CHUNK)
		room = READ_CHUNK;
	if ((p = rp_buf_reserve(&t->in, room)) == NULL)
		return -1;
	do {
		n = read(t->fd, p, room);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 1 : -1;
	if (n == 0)
		return 0;
	if (n < QUICKACK_BELOW)
		ack_now(t->fd);
	rp_buf_added(&t->in, (size_t)n);
	t->wire_in += (uint64_t)n;
	return 1;
}

int
rp_transport_want_read(const struct rp_transport *t)
{
	return !t->over && rp_buf_room(&t->in) > 0;
}

int
rp_transport_flush(struct rp_transport *t)
{
	while (rp_buf_len(&t->out) > 0) {
		ssize_t n = write(t->fd, rp_buf_ptr(&t->out), rp_buf_len(&t->out));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 1;
			return -1;
		}
		rp_buf_consume(&t->out, (size_t)n);
		t->wire_out += (uint64_t)n;
	}
	return 1;
}

int
rp_transport_want_write(const struct rp_transport *t)
{
	return rp_buf_len(&t->out) > 0;
}

size_t
rp_transport_pending_output(const struct rp_transport *t)
{
	return rp_buf_len(&t->out);
}

/* ---- identification ---------------------------------------------------- */

/* 1: done, 0: need more, -1: error. */
static int
read_version(struct rp_transport *t)
{
	const uint8_t *p = rp_buf_ptr(&t->in);
	size_t len = rp_buf_len(&t->in), scan = len < VERSION_MAX ? len : VERSION_MAX;
	const uint8_t *nl = memchr(p, '\n', scan);
	size_t line_len;
	CBS line;

	if (nl == NULL) {
		if (len >= VERSION_MAX) {
			fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "identification string too long");
			return -1;
		}
		return 0;
	}
	line_len = (size_t)(nl - p);
	t->pending_consume = line_len + 1;
	if (line_len > 0 && p[line_len - 1] == '\r')
		line_len--;
	CBS_init(&line, p, line_len);
	/* RFC 4253 4.2: clients send the identification line first. */
	if (line_len < 8 || CBS_contains_zero_byte(&line) ||
	    (memcmp(p, "SSH-2.0-", 8) != 0 && (line_len < 9 || memcmp(p, "SSH-1.99-", 9) != 0))) {
		t->have_peer_version = 0;
		t->over = 1;
		t->err_reason = SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED;
		snprintf(t->err_desc, sizeof(t->err_desc), "%s",
		    memcmp(p, "SSH-", 4) == 0 ? "unsupported protocol version" :
		    "not an SSH identification string");
		return -1;
	}
	memcpy(t->peer_version, p, line_len);
	t->peer_version[line_len] = '\0';
	t->have_peer_version = 1;
	consume_pending(t);
	return 1;
}

/* ---- key exchange ------------------------------------------------------ */

static int
send_kexinit(struct rp_transport *t)
{
	CBB cbb;
	struct rp_kex_offer offer = { t->offer_kex, t->offer_hostkey, t->offer_ciphers,
		t->offer_macs, t->offer_compression };

	OPENSSL_free(t->i_s); /* from CBB_finish */
	t->i_s = NULL;
	if (!CBB_init(&cbb, 1024))
		return 0;
	if (!rp_kexinit_build(&cbb, &offer, 1, 0) || !CBB_finish(&cbb, &t->i_s, &t->i_s_len)) {
		CBB_cleanup(&cbb);
		return 0;
	}
	return send_now(t, t->i_s, t->i_s_len);
}

static void
start_rekey(struct rp_transport *t)
{
	if (t->over || !t->first_kex_done || t->kex != KEX_IDLE)
		return;
	if (!send_kexinit(t)) {
		fail(t, SSH_DISCONNECT_BY_APPLICATION, "cannot start key re-exchange");
		return;
	}
	t->kex = KEX_SENT_INIT;
}

/* The configured limit, but never beyond what either direction's cipher
 * may safely protect with one key. */
static uint64_t
rekey_threshold(uint64_t configured, const struct rp_kex_algs *algs)
{
	const char *names[2] = { algs->cipher_c2s, algs->cipher_s2c };
	uint64_t limit = configured;

	for (size_t i = 0; i < 2; i++) {
		const struct rp_cipher_alg *c = rp_cipher_by_name(names[i]);

		if (c != NULL && rp_cipher_max_bytes_per_key(c) < limit)
			limit = rp_cipher_max_bytes_per_key(c);
	}
	return limit;
}

int
rp_transport_hostkey(const struct rp_transport *t, size_t i, const char **alg,
    const uint8_t **blob, size_t *len)
{
	if (i >= t->nhostkeys)
		return 0;
	*alg = t->hostkey_alg[i];
	*blob = t->hostkey_blob[i];
	*len = t->hostkey_blob_len[i];
	return 1;
}

uint64_t
rp_transport_rekey_threshold(const struct rp_transport *t)
{
	return t->rekey_now != 0 ? t->rekey_now : t->rekey_bytes;
}

static void
maybe_rekey(struct rp_transport *t)
{
	if (t->bytes_since_kex >= rp_transport_rekey_threshold(t) ||
	    t->packets_since_kex >= REKEY_PACKETS) {
		rp_debug("transport: re-exchanging keys after %llu bytes, %llu packets",
		    (unsigned long long)t->bytes_since_kex,
		    (unsigned long long)t->packets_since_kex);
		start_rekey(t);
	}
}

void
rp_transport_rekey(struct rp_transport *t)
{
	start_rekey(t);
}

static int
handle_kexinit(struct rp_transport *t, const uint8_t *msg, size_t len)
{
	struct rp_kexinit ours;
	const char *what;
	CBS list;

	if (t->kex == KEX_WAIT_METHOD || t->kex == KEX_WAIT_NEWKEYS) {
		fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "KEXINIT during key exchange");
		return 0;
	}
	if (len > 32768) {
		fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "KEXINIT too large");
		return 0;
	}
	free(t->i_c);
	if ((t->i_c = malloc(len)) == NULL) {
		fail(t, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
		return 0;
	}
	memcpy(t->i_c, msg, len);
	t->i_c_len = len;
	if (!rp_kexinit_parse(t->i_c, t->i_c_len, &t->peer_init)) {
		fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed KEXINIT");
		return 0;
	}
	if (!t->first_kex_done) {
		list = t->peer_init.kex;
		t->strict = ssh_namelist_has(list, RP_KEX_STRICT_C);
		t->peer_ext_info = ssh_namelist_has(list, RP_KEX_EXT_INFO_C);
		/* Strict kex: the very first packet must have been KEXINIT. */
		if (t->strict && t->last_recv_seq != 0) {
			fail(t, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "strict key exchange: KEXINIT was not the first packet");
			return 0;
		}
	}
	if (t->kex == KEX_IDLE) {
		/* The peer started a re-exchange. */
		if (!send_kexinit(t)) {
			fail(t, SSH_DISCONNECT_BY_APPLICATION, "cannot send KEXINIT");
			return 0;
		}
	}
	if (!rp_kexinit_parse(t->i_s, t->i_s_len, &ours)) {
		fail(t, SSH_DISCONNECT_BY_APPLICATION, "internal error: own KEXINIT");
		return 0;
	}
	if (!rp_kex_negotiate(&t->peer_init, &ours, &t->algs, &what)) {
		fail(t, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "no matching %s algorithm", what);
		return 0;
	}
	const struct rp_cipher_alg *c2s = rp_cipher_by_name(t->algs.cipher_c2s);
	const struct rp_cipher_alg *s2c = rp_cipher_by_name(t->algs.cipher_s2c);
	if (c2s == NULL || s2c == NULL ||
	    (!rp_cipher_is_aead(c2s) && rp_mac_by_name(t->algs.mac_c2s) == NULL) ||
	    (!rp_cipher_is_aead(s2c) && rp_mac_by_name(t->algs.mac_s2c) == NULL)) {
		fail(t, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "no matching MAC algorithm");
		return 0;
	}
	t->method = rp_kex_method_by_name(t->algs.kex);
	t->gex_sent = 0;
	memset(&t->gex, 0, sizeof(t->gex));
	t->ignore_next_kex = t->peer_init.first_kex_follows &&
	    !rp_kex_guess_right(&t->peer_init, &ours);
	t->kex = KEX_WAIT_METHOD;
	return 1;
}

static int
find_hostkey(const struct rp_transport *t, const char *alg, CBS *blob)
{
	for (size_t i = 0; i < t->nhostkeys; i++) {
		if (strcmp(t->hostkey_alg[i], alg) == 0) {
			CBS_init(blob, t->hostkey_blob[i], t->hostkey_blob_len[i]);
			return 1;
		}
	}
	return 0;
}

/* Build one direction's packet protection from the exchange output. */
static struct rp_pktcipher *
make_cipher(struct rp_transport *t, const char *cipher_name, const char *mac_name,
    const uint8_t *k_enc, size_t k_enc_len, const uint8_t *h, size_t h_len, char iv_letter,
    int seal)
{
	const struct rp_cipher_alg *cipher = rp_cipher_by_name(cipher_name);
	const struct rp_mac_alg *mac = NULL;
	uint8_t iv[64], key[64], mac_key[64];
	enum rp_hash_alg hash = t->method->hash;
	struct rp_pktcipher *pc = NULL;

	if (cipher == NULL)
		return NULL;
	if (!rp_cipher_is_aead(cipher) && (mac = rp_mac_by_name(mac_name)) == NULL)
		return NULL;
	memset(mac_key, 0, sizeof(mac_key));
	if (rp_kex_derive(hash, k_enc, k_enc_len, h, h_len, iv_letter, t->session_id,
	    t->session_id_len, iv, rp_cipher_iv_len(cipher) > 0 ? rp_cipher_iv_len(cipher) : 1) &&
	    rp_kex_derive(hash, k_enc, k_enc_len, h, h_len, (char)(iv_letter + 2),
	    t->session_id, t->session_id_len, key, rp_cipher_key_len(cipher)) &&
	    (mac == NULL || rp_kex_derive(hash, k_enc, k_enc_len, h, h_len,
	    (char)(iv_letter + 4), t->session_id, t->session_id_len, mac_key,
	    rp_mac_key_len(mac))))
		pc = rp_pktcipher_new(cipher, mac, key, iv, mac_key, seal);
	rp_wipe(iv, sizeof(iv));
	rp_wipe(key, sizeof(key));
	rp_wipe(mac_key, sizeof(mac_key));
	return pc;
}

static int
send_ext_info(struct rp_transport *t)
{
	CBB cbb;
	uint8_t *data;
	size_t len;
	int ok;

	if (!CBB_init(&cbb, 256))
		return 0;
	ok = CBB_add_u8(&cbb, SSH_MSG_EXT_INFO) && CBB_add_u32(&cbb, 1) &&
	    ssh_add_cstring(&cbb, "server-sig-algs") &&
	    ssh_add_cstring(&cbb, t->server_sig_algs) && CBB_finish(&cbb, &data, &len);
	if (!ok) {
		CBB_cleanup(&cbb);
		return 0;
	}
	ok = send_now(t, data, len);
	OPENSSL_free(data);
	return ok;
}

/* The client's Q_C as the method carries it: a string of exactly len
 * bytes, or (finite-field DH, RFC 4253 8) e as an mpint, which must be
 * positive and no longer than the prime (len bytes); it is then
 * left-padded into buf and *q_c points there. */
static int
client_value(const struct rp_kex_method *method, size_t len, CBS *q_c, uint8_t *buf)
{
	if (!method->q_is_mpint)
		return CBS_len(q_c) == len;
	if (CBS_len(q_c) > 0 && (CBS_data(q_c)[0] & 0x80))
		return 0; /* negative */
	while (CBS_len(q_c) > 0 && CBS_data(q_c)[0] == 0)
		CBS_skip(q_c, 1);
	if (CBS_len(q_c) > len || len > RP_KEX_MAX_Q)
		return 0;
	memset(buf, 0, len - CBS_len(q_c));
	memcpy(buf + len - CBS_len(q_c), CBS_data(q_c), CBS_len(q_c));
	CBS_init(q_c, buf, len);
	return 1;
}

/* RFC 4419 3: the client asks for a group of min <= n <= max bits; the
 * hook (the monitor, for rampartd) picks it, and GEX_GROUP names it. */
static int
handle_gex_request(struct rp_transport *t, CBS *msg)
{
	uint32_t min, n, max;
	size_t p_len = 0, g_len = 0;
	CBB cbb;
	uint8_t *data;
	size_t len;
	int ok;

	if (!CBS_get_u32(msg, &min) || !CBS_get_u32(msg, &n) || !CBS_get_u32(msg, &max) ||
	    CBS_len(msg) != 0) {
		fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed KEX_DH_GEX_REQUEST");
		return 0;
	}
	if (!rp_kex_gex_request_ok(min, n, max)) {
		fail(t, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "group exchange request for %u<%u<%u "
		    "bits: out of order, or a maximum under %u", min, n, max, RP_DH_GEX_MIN_BITS);
		return 0;
	}
	if (t->gex_group == NULL ||
	    !t->gex_group(t->sign_ctx, min, n, max, t->gex_p, &p_len, t->gex_g, &g_len) ||
	    p_len == 0 || p_len > RP_DH_MAX_BYTES || g_len == 0 || g_len > p_len) {
		fail(t, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "no group exchange group of %u to %u bits",
		    min, max);
		return 0;
	}
	t->gex.min = min;
	t->gex.n = n;
	t->gex.max = max;
	CBS_init(&t->gex.p, t->gex_p, p_len);
	CBS_init(&t->gex.g, t->gex_g, g_len);
	if (!CBB_init(&cbb, p_len + g_len + 16) || !CBB_add_u8(&cbb, SSH_MSG_KEX_DH_GEX_GROUP) ||
	    !ssh_add_mpint_be(&cbb, t->gex_p, p_len) || !ssh_add_mpint_be(&cbb, t->gex_g, g_len) ||
	    !CBB_finish(&cbb, &data, &len)) {
		CBB_cleanup(&cbb);
		fail(t, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
		return 0;
	}
	ok = send_now(t, data, len);
	OPENSSL_free(data);
	if (!ok) {
		fail(t, SSH_DISCONNECT_BY_APPLICATION, "output queue full");
		return 0;
	}
	t->gex_sent = 1;
	return 1;
}

/* RFC 8731 / RFC 5656 4 / RFC 4419 3: the client's ephemeral key arrives;
 * answer with ours, the host key and the monitor's signature, then switch
 * keys. */
static int
handle_ecdh_init(struct rp_transport *t, CBS *msg)
{
	CBS q_c, k_s;
	uint8_t q_c_buf[RP_KEX_MAX_Q], q_s[RP_KEX_MAX_Q], shared[RP_KEX_MAX_K];
	uint8_t h[RP_HASH_MAX_LEN];
	size_t h_len;
	CBB sig, reply, kenc;
	uint8_t *sig_data = NULL, *reply_data = NULL, *k_enc = NULL;
	size_t sig_len, reply_len, k_enc_len;
	struct rp_kex_hash_parts parts;
	struct rp_pktcipher *send_pc = NULL;
	int ok = 0;
	static const uint8_t newkeys = SSH_MSG_NEWKEYS;

	const struct rp_kex_gex *gex = t->gex_sent ? &t->gex : NULL;
	size_t q_c_len = rp_kex_value_len(t->method, t->method->q_c_len, gex);
	size_t q_s_len = rp_kex_value_len(t->method, t->method->q_s_len, gex);
	size_t k_len = rp_kex_value_len(t->method, t->method->k_len, gex);

	CBB_zero(&sig);
	CBB_zero(&reply);
	CBB_zero(&kenc);
	memset(&parts, 0, sizeof(parts));
	if (!ssh_get_string(msg, &q_c) || CBS_len(msg) != 0 ||
	    !client_value(t->method, q_c_len, &q_c, q_c_buf)) {
		fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed %s",
		    gex != NULL ? "KEX_DH_GEX_INIT" : "KEX_ECDH_INIT");
		return 0;
	}
	if (!find_hostkey(t, t->algs.hostkey, &k_s)) {
		fail(t, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "no host key for %s", t->algs.hostkey);
		return 0;
	}
	if (!rp_kex_server_reply(t->method, gex, CBS_data(&q_c), q_s, shared)) {
		fail(t, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "invalid client public value");
		goto out;
	}
	CBS_init(&parts.v_c, (const uint8_t *)t->peer_version, strlen(t->peer_version));
	CBS_init(&parts.v_s, (const uint8_t *)t->version, strlen(t->version));
	CBS_init(&parts.i_c, t->i_c, t->i_c_len);
	CBS_init(&parts.i_s, t->i_s, t->i_s_len);
	parts.k_s = k_s;
	parts.q_c = q_c;
	CBS_init(&parts.q_s, q_s, q_s_len);
	CBS_init(&parts.k, shared, k_len);
	if (gex != NULL)
		parts.gex = *gex;
	if (!rp_kex_exchange_hash(t->method, &parts, h, &h_len)) {
		fail(t, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "exchange hash failed");
		goto out;
	}
	{
		char why[256] = "";
		int r = CBB_init(&sig, 128) ? t->sign(t->sign_ctx, t->algs.kex, t->algs.hostkey,
		    &parts, &sig, why, sizeof(why)) : 0;

		if (r < 0) {
			fail(t, SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED, "%s", why);
			goto out;
		}
		if (r == 0 || !CBB_finish(&sig, &sig_data, &sig_len)) {
			fail(t, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "host key signature refused");
			goto out;
		}
	}
	if (t->session_id_len == 0) {
		memcpy(t->session_id, h, h_len);
		t->session_id_len = h_len;
	}
	/* KEX_ECDH_REPLY and KEXDH_REPLY are 31; the group exchange's is 33. */
	if (!CBB_init(&reply, 256) || !CBB_add_u8(&reply, gex != NULL ?
	    SSH_MSG_KEX_DH_GEX_REPLY : SSH_MSG_KEX_ECDH_REPLY) ||
	    !ssh_add_string(&reply, CBS_data(&k_s), CBS_len(&k_s)) ||
	    !(t->method->q_is_mpint ? ssh_add_mpint_be(&reply, q_s, q_s_len) :
	    ssh_add_string(&reply, q_s, q_s_len)) ||
	    !ssh_add_string(&reply, sig_data, sig_len) ||
	    !CBB_finish(&reply, &reply_data, &reply_len) || !CBB_init(&kenc, 40) ||
	    !rp_kex_encode_k(t->method, shared, k_len, &kenc) ||
	    !CBB_finish(&kenc, &k_enc, &k_enc_len)) {
		fail(t, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
		goto out;
	}
	/* Server to client: IV 'B', key 'D', MAC 'F'; client to server: 'A',
	 * 'C', 'E' (RFC 4253 7.2). */
	send_pc = make_cipher(t, t->algs.cipher_s2c, t->algs.mac_s2c, k_enc, k_enc_len, h, h_len,
	    'B', 1);
	rp_pktcipher_free(t->next_recv_pc);
	t->next_recv_pc = make_cipher(t, t->algs.cipher_c2s, t->algs.mac_c2s, k_enc, k_enc_len,
	    h, h_len, 'A', 0);
	if (send_pc == NULL || t->next_recv_pc == NULL) {
		fail(t, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "cannot set up %s/%s",
		    t->algs.cipher_s2c, t->algs.cipher_c2s);
		goto out;
	}
	if (!send_now(t, reply_data, reply_len) || !send_now(t, &newkeys, 1)) {
		fail(t, SSH_DISCONNECT_BY_APPLICATION, "output queue full");
		goto out;
	}
	rp_pktcipher_free(t->send_pc);
	t->send_pc = send_pc;
	send_pc = NULL;
	if (!comp_start(t, 1)) {
		fail(t, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
		goto out;
	}
	if (t->strict)
		t->send_seq = 0;
	if (!t->sent_first_newkeys) {
		t->sent_first_newkeys = 1;
		if (t->peer_ext_info && t->server_sig_algs != NULL && !send_ext_info(t)) {
			fail(t, SSH_DISCONNECT_BY_APPLICATION, "cannot send EXT_INFO");
			goto out;
		}
	}
	t->kex = KEX_WAIT_NEWKEYS;
	if (!flush_deferred(t)) {
		fail(t, SSH_DISCONNECT_BY_APPLICATION, "output queue full");
		goto out;
	}
	ok = 1;
out:
	rp_pktcipher_free(send_pc);
	rp_wipe(shared, sizeof(shared));
	rp_wipe(h, sizeof(h));
	if (k_enc != NULL) {
		rp_wipe(k_enc, k_enc_len);
		OPENSSL_free(k_enc);
	}
	OPENSSL_free(sig_data);
	OPENSSL_free(reply_data);
	CBB_cleanup(&sig);
	CBB_cleanup(&reply);
	CBB_cleanup(&kenc);
	return ok;
}

static int
handle_newkeys(struct rp_transport *t, CBS *msg)
{
	if (CBS_len(msg) != 0) {
		fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed NEWKEYS");
		return 0;
	}
	rp_pktcipher_free(t->recv_pc);
	t->recv_pc = t->next_recv_pc;
	if (!comp_start(t, 0)) {
		fail(t, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
		return 0;
	}
	t->next_recv_pc = NULL;
	/* Strict kex: the packet after NEWKEYS has sequence number 0
	 * (next_packet() already counted this one). */
	if (t->strict)
		t->recv_seq = 0;
	t->cur_algs = t->algs;
	t->have_cur_algs = 1;
	t->first_kex_done = 1;
	t->kex_count++;
	t->bytes_since_kex = 0;
	t->packets_since_kex = 0;
	t->rekey_now = rekey_threshold(t->rekey_bytes, &t->algs);
	t->kex = KEX_IDLE;
	free(t->i_c);
	t->i_c = NULL;
	return 1;
}

/* ---- input dispatch ---------------------------------------------------- */

/* The one place that decides whether a message may arrive now. Returns 1
 * when allowed; otherwise fails the connection. */
static int
check_allowed(struct rp_transport *t, uint8_t type)
{
	int in_kex = t->kex == KEX_WAIT_METHOD || t->kex == KEX_WAIT_NEWKEYS;
	int initial = !t->first_kex_done;

	if (type == SSH_MSG_DISCONNECT)
		return 1;
	if (initial && t->strict && type != SSH_MSG_KEXINIT && !(type >= 30 && type <= 49) &&
	    type != SSH_MSG_NEWKEYS) {
		fail(t, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "strict key exchange: unexpected message %u during initial key exchange", type);
		return 0;
	}
	if (type <= 4)
		return 1;
	if (type == SSH_MSG_KEXINIT)
		return 1;
	if (type == SSH_MSG_NEWKEYS) {
		if (t->kex != KEX_WAIT_NEWKEYS) {
			fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected NEWKEYS");
			return 0;
		}
		return 1;
	}
	if (type >= 30 && type <= 49) {
		if (t->kex != KEX_WAIT_METHOD) {
			fail(t, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "unexpected key exchange message %u", type);
			return 0;
		}
		return 1;
	}
	if (in_kex || initial) {
		fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "message %u not allowed during key exchange",
		    type);
		return 0;
	}
	return 1;
}

/* Handle a transport message. Returns 1 when it was one (handled), 0 when
 * it is for the application, -1 on error. */
static int
transport_message(struct rp_transport *t, uint8_t type, CBS *msg, const uint8_t *raw,
    size_t raw_len)
{
	switch (type) {
	case SSH_MSG_DISCONNECT: {
		uint32_t reason = 0;
		CBS desc;
		char text[200];

		if (!CBS_get_u32(msg, &reason) || !ssh_get_string(msg, &desc))
			CBS_init(&desc, NULL, 0);
		t->over = 1;
		t->err_reason = reason;
		t->err_by_peer = 1;
		rp_log_escape(CBS_data(&desc), CBS_len(&desc), text, sizeof(text));
		snprintf(t->err_desc, sizeof(t->err_desc), "peer disconnected: %s", text);
		return -1;
	}
	case SSH_MSG_IGNORE:
	case SSH_MSG_DEBUG:
	case SSH_MSG_UNIMPLEMENTED:
		return 1;
	case SSH_MSG_EXT_INFO:
		/* A client's extensions (RFC 8308); none concern a server yet. */
		return 1;
	case SSH_MSG_KEXINIT:
		return handle_kexinit(t, raw, raw_len) ? 1 : -1;
	case SSH_MSG_NEWKEYS:
		return handle_newkeys(t, msg) ? 1 : -1;
	default:
		break;
	}
	if (type >= 30 && type <= 49) {
		if (t->ignore_next_kex) {
			/* RFC 4253 7: the peer's guessed packet is discarded. */
			t->ignore_next_kex = 0;
			return 1;
		}
		if (t->method->kind == RP_KEX_DH_GEX) {
			/* RFC 4419 3: REQUEST, then INIT; the old request
			 * (30, without min and max) is not supported. */
			if (type == SSH_MSG_KEX_DH_GEX_REQUEST && !t->gex_sent)
				return handle_gex_request(t, msg) ? 1 : -1;
			if (type == SSH_MSG_KEX_DH_GEX_INIT && t->gex_sent)
				return handle_ecdh_init(t, msg) ? 1 : -1;
		} else if (type == SSH_MSG_KEX_ECDH_INIT) {
			return handle_ecdh_init(t, msg) ? 1 : -1;
		}
		fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected key exchange message %u", type);
		return -1;
	}
	return 0;
}

/* Take the next whole packet from the input, verified and decrypted.
 * 1: *payload set; 0: need more; -1: error. */
static int
next_packet(struct rp_transport *t, CBS *payload)
{
	size_t avail = rp_buf_len(&t->in);
	size_t head = t->recv_pc != NULL ? rp_pktcipher_head_len(t->recv_pc) : 4;
	size_t bs = t->recv_pc != NULL ? rp_pktcipher_block_size(t->recv_pc) : PLAIN_BLOCK;
	size_t tag = t->recv_pc != NULL ? rp_pktcipher_tag_len(t->recv_pc) : 0;
	int aligns = t->recv_pc == NULL || rp_pktcipher_aligns_length(t->recv_pc);
	uint8_t *pkt = rp_buf_ptr(&t->in);
	size_t total;
	uint8_t padding;
	CBS cbs;

	if (!t->have_len) {
		if (avail < head)
			return 0;
		if (t->recv_pc != NULL) {
			if (!rp_pktcipher_peek_length(t->recv_pc, t->recv_seq, pkt, &t->cur_len)) {
				fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "cannot decrypt packet length");
				return -1;
			}
		} else {
			CBS_init(&cbs, pkt, 4);
			if (!CBS_get_u32(&cbs, &t->cur_len))
				return -1;
		}
		/* The length is not authenticated yet: bound it before waiting
		 * for that many bytes. */
		if (t->cur_len < 5 || t->cur_len > SSH_MAX_PACKET_LEN ||
		    ((aligns ? 4 + t->cur_len : t->cur_len) % bs) != 0) {
			fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "bad packet length %u", t->cur_len);
			return -1;
		}
		t->have_len = 1;
	}
	total = 4 + (size_t)t->cur_len + tag;
	if (avail < total)
		return 0;
	if (t->recv_pc != NULL &&
	    !rp_pktcipher_open(t->recv_pc, t->recv_seq, pkt, 4 + t->cur_len, pkt + 4 + t->cur_len)) {
		fail(t, SSH_DISCONNECT_MAC_ERROR, "message authentication failed");
		return -1;
	}
	t->have_len = 0;
	t->pending_consume = total;
	t->last_recv_seq = t->recv_seq;
	t->recv_seq++;
	t->packets_since_kex++;
	t->bytes_since_kex += 4 + t->cur_len;
	CBS_init(&cbs, pkt + 4, t->cur_len);
	if (!CBS_get_u8(&cbs, &padding) || padding < 4 || (size_t)padding + 1 >= t->cur_len) {
		fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "bad padding length");
		return -1;
	}
	if (!CBS_get_bytes(&cbs, payload, t->cur_len - 1 - padding))
		return -1;
	if (comp_active(t, t->recv_comp)) {
		size_t zlen;

		if (!rp_zstream_inflate(t->zrecv, CBS_data(payload), CBS_len(payload), t->zin,
		    ZBUF_LEN, &zlen)) {
			fail(t, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "compressed packet is corrupt or inflates beyond %u bytes",
			    (unsigned)SSH_MAX_PACKET_LEN);
			return -1;
		}
		CBS_init(payload, t->zin, zlen);
	}
	return 1;
}

int
rp_transport_next(struct rp_transport *t, uint8_t *type, CBS *payload)
{
	consume_pending(t);
	if (t->over)
		return RP_TRANSPORT_ERROR;
	if (!t->have_peer_version) {
		int r = read_version(t);

		if (r <= 0)
			return r == 0 ? RP_TRANSPORT_NEED_MORE : RP_TRANSPORT_ERROR;
	}
	for (;;) {
		CBS pkt, msg;
		int r;

		consume_pending(t);
		r = next_packet(t, &pkt);
		if (r <= 0)
			return r == 0 ? RP_TRANSPORT_NEED_MORE : RP_TRANSPORT_ERROR;
		msg = pkt;
		if (!CBS_get_u8(&msg, type)) {
			fail(t, SSH_DISCONNECT_PROTOCOL_ERROR, "empty packet");
			return RP_TRANSPORT_ERROR;
		}
		if (!check_allowed(t, *type))
			return RP_TRANSPORT_ERROR;
		r = transport_message(t, *type, &msg, CBS_data(&pkt), CBS_len(&pkt));
		if (r < 0)
			return RP_TRANSPORT_ERROR;
		if (r == 0) {
			*payload = msg;
			maybe_rekey(t);
			return t->over ? RP_TRANSPORT_ERROR : RP_TRANSPORT_MESSAGE;
		}
	}
}

const char *
rp_transport_peer_version(const struct rp_transport *t)
{
	return t->have_peer_version ? t->peer_version : NULL;
}

const uint8_t *
rp_transport_session_id(const struct rp_transport *t, size_t *len)
{
	*len = t->session_id_len;
	return t->session_id_len > 0 ? t->session_id : NULL;
}

const struct rp_kex_algs *
rp_transport_algs(const struct rp_transport *t)
{
	return t->have_cur_algs ? &t->cur_algs : NULL;
}

int
rp_transport_established(const struct rp_transport *t)
{
	return t->first_kex_done;
}

unsigned
rp_transport_kex_count(const struct rp_transport *t)
{
	return t->kex_count;
}

void
rp_transport_counters(const struct rp_transport *t, uint64_t *in, uint64_t *out)
{
	*in = t->wire_in;
	*out = t->wire_out;
}

/*
 * tests/unit/test_transport.c: the server transport (common/transport.c)
 * driven by a scripted client over a socketpair, in one thread.
 *
 * The client here is built from the same library pieces a real client would
 * use (X25519, exchange hash, key derivation, packet protection), so the
 * tests can do exactly what an attacker or a sloppy peer would: send
 * packets out of order, break strict kex, lie about lengths, flip bits.
 */
#include "tests/unit/unit.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/kex.h"
#include "common/ssh_msg.h"
#include "common/transport.h"
#include "common/wire.h"
#include "crypto/dh.h"
#include "crypto/pkt_cipher.h"
#include "crypto/secret.h"
#include "crypto/sshkey.h"
#include "crypto/x25519.h"

#define SERVER_VERSION "SSH-2.0-rampart_test"
#define CLIENT_VERSION "SSH-2.0-unit_client"

static struct rp_privkey *host_key;
static uint8_t host_blob[128];
static size_t host_blob_len;
static int signatures;

static int
test_sign(void *ctx, const char *kex, const char *hostkey_alg,
    const struct rp_kex_hash_parts *parts, CBB *sig, char *why, size_t whysz)
{
	const struct rp_kex_method *m = rp_kex_method_by_name(kex);
	uint8_t h[RP_HASH_MAX_LEN];
	size_t h_len;

	(void)ctx;
	(void)why;
	(void)whysz;
	ck_assert_str_eq(hostkey_alg, "ssh-ed25519");
	ck_assert_ptr_nonnull(m);
	ck_assert(rp_kex_exchange_hash(m, parts, h, &h_len));
	signatures++;
	return rp_privkey_sign(host_key, h, h_len, sig);
}

/* The group exchange hook: RFC 3526 group 14 for any request, unless
 * gex_refuse is set; what it was asked last is kept. */
static uint32_t gex_asked[3];
static int gex_refuse;

static int
test_gex_group(void *ctx, uint32_t min, uint32_t n, uint32_t max, uint8_t *p, size_t *p_len,
    uint8_t *g, size_t *g_len)
{
	(void)ctx;
	gex_asked[0] = min;
	gex_asked[1] = n;
	gex_asked[2] = max;
	if (gex_refuse)
		return 0;
	ck_assert(rp_dh_group_prime(RP_DH_GROUP14, p));
	*p_len = 256;
	g[0] = 2;
	*g_len = 1;
	return 1;
}

struct client {
	int fd;
	struct rp_pktcipher *send, *recv;
	uint32_t send_seq, recv_seq;
	uint8_t in[1 << 20];
	size_t inlen;
	uint8_t *i_s, i_c[4096];
	size_t i_s_len, i_c_len;
	uint8_t session_id[RP_HASH_MAX_LEN];
	size_t session_id_len;
	char server_version[256];
	const char *cipher, *mac;
	int strict;
};

struct pair {
	struct rp_transport *t;
	int server_fd;
	struct client c;
	/* Application messages the server delivered, in order. */
	uint8_t app_types[64];
	size_t napp;
};

/* The server configuration every test uses. */
static void
test_config(struct rp_transport_config *cfg, uint64_t rekey_bytes)
{
	CBB cbb;

	if (host_key == NULL) {
		ck_assert(rp_privkey_generate(RP_KEY_ED25519, &host_key));
		ck_assert(CBB_init_fixed(&cbb, host_blob, sizeof(host_blob)));
		ck_assert(rp_pubkey_to_blob(rp_privkey_public(host_key), &cbb));
		ck_assert(CBB_finish(&cbb, NULL, &host_blob_len));
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->version = SERVER_VERSION;
	cfg->offer.kex = rp_kex_supported_list();
	cfg->offer.hostkey = "ssh-ed25519";
	cfg->offer.ciphers = rp_cipher_supported_list();
	cfg->offer.macs = rp_mac_supported_list();
	cfg->nhostkeys = 1;
	cfg->hostkey_alg[0] = "ssh-ed25519";
	cfg->hostkey_blob[0] = host_blob;
	cfg->hostkey_blob_len[0] = host_blob_len;
	cfg->server_sig_algs = "ssh-ed25519";
	cfg->sign = test_sign;
	cfg->gex_group = test_gex_group;
	gex_refuse = 0;
	cfg->rekey_bytes = rekey_bytes;
}

static void
setup_pair(struct pair *p, uint64_t rekey_bytes)
{
	int sv[2];
	struct rp_transport_config cfg;

	memset(p, 0, sizeof(*p));
	ck_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	ck_assert(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
	ck_assert(fcntl(sv[1], F_SETFL, O_NONBLOCK) == 0);
	p->server_fd = sv[0];
	p->c.fd = sv[1];
	test_config(&cfg, rekey_bytes);
	p->t = rp_transport_new(p->server_fd, &cfg);
	ck_assert_ptr_nonnull(p->t);
	ck_assert(rp_transport_start(p->t));
	p->c.cipher = "chacha20-poly1305@openssh.com";
	p->c.mac = "hmac-sha2-256";
}

static void
teardown_pair(struct pair *p)
{
	rp_transport_free(p->t);
	rp_pktcipher_free(p->c.send);
	rp_pktcipher_free(p->c.recv);
	OPENSSL_free(p->c.i_s);
	close(p->server_fd);
	close(p->c.fd);
}

/* Let the server read and answer what the client sent. Returns the last
 * status of rp_transport_next(). */
static int
server_step(struct pair *p)
{
	uint8_t type;
	CBS payload;
	int r;

	ck_assert(rp_transport_read(p->t) >= 0);
	while ((r = rp_transport_next(p->t, &type, &payload)) == RP_TRANSPORT_MESSAGE) {
		ck_assert(p->napp < sizeof(p->app_types));
		p->app_types[p->napp++] = type;
		if (type == SSH_MSG_SERVICE_REQUEST) {
			CBB cbb;

			ck_assert(rp_transport_begin(p->t, &cbb, SSH_MSG_SERVICE_ACCEPT));
			ck_assert(ssh_add_cstring(&cbb, "ssh-userauth"));
			ck_assert(rp_transport_send_cbb(p->t, &cbb));
		}
	}
	ck_assert(rp_transport_flush(p->t) == 1);
	return r;
}

static void
client_write(struct client *c, const void *data, size_t len)
{
	ck_assert(write(c->fd, data, len) == (ssize_t)len);
}

/* Send one packet from the client, protected if keys are set. */
static void
client_send(struct client *c, const uint8_t *payload, size_t len, uint8_t padding_override)
{
	uint8_t pkt[70000];
	size_t bs = c->send ? rp_pktcipher_block_size(c->send) : 8;
	int aligns = c->send == NULL || rp_pktcipher_aligns_length(c->send);
	size_t pad = bs - ((1 + len + (aligns ? 4 : 0)) % bs);
	size_t plen, tag = c->send ? rp_pktcipher_tag_len(c->send) : 0;

	if (pad < 4)
		pad += bs;
	if (padding_override != 0)
		pad = padding_override;
	plen = 1 + len + pad;
	ck_assert(4 + plen + tag <= sizeof(pkt));
	pkt[0] = (uint8_t)(plen >> 24);
	pkt[1] = (uint8_t)(plen >> 16);
	pkt[2] = (uint8_t)(plen >> 8);
	pkt[3] = (uint8_t)plen;
	pkt[4] = (uint8_t)pad;
	memcpy(pkt + 5, payload, len);
	memset(pkt + 5 + len, 0, pad);
	if (c->send)
		ck_assert(rp_pktcipher_seal(c->send, c->send_seq, pkt, 4 + plen, pkt + 4 + plen));
	c->send_seq++;
	client_write(c, pkt, 4 + plen + tag);
}

static void
client_fill(struct client *c)
{
	ssize_t n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);

	if (n > 0)
		c->inlen += (size_t)n;
	else
		ck_assert_msg(n < 0 && errno == EAGAIN, "client read: %zd", n);
}

/* Read one packet the server sent; payload copied to out. 0 when none is
 * complete yet. */
static int
client_recv(struct client *c, uint8_t *out, size_t outsz, size_t *out_len)
{
	size_t head = c->recv ? rp_pktcipher_head_len(c->recv) : 4;
	size_t tag = c->recv ? rp_pktcipher_tag_len(c->recv) : 0;
	uint32_t plen;
	size_t total;
	uint8_t pad;

	client_fill(c);
	if (c->inlen < head)
		return 0;
	if (c->recv)
		ck_assert(rp_pktcipher_peek_length(c->recv, c->recv_seq, c->in, &plen));
	else
		plen = (uint32_t)c->in[0] << 24 | (uint32_t)c->in[1] << 16 | (uint32_t)c->in[2] << 8 |
		    c->in[3];
	total = 4 + plen + tag;
	ck_assert_msg(total <= sizeof(c->in), "server packet too large");
	/* encrypt-and-MAC keeps the peeked block: the rest must already be
	 * here, which it is for the small packets of these tests. */
	if (c->inlen < total) {
		client_fill(c);
		ck_assert_msg(c->inlen >= total, "incomplete packet from the server");
	}
	if (c->recv)
		ck_assert_msg(rp_pktcipher_open(c->recv, c->recv_seq, c->in, 4 + plen, c->in + 4 + plen),
		    "server packet does not authenticate");
	c->recv_seq++;
	pad = c->in[4];
	ck_assert(pad >= 4 && (size_t)pad + 1 < plen);
	*out_len = plen - 1 - pad;
	ck_assert(*out_len <= outsz);
	memcpy(out, c->in + 5, *out_len);
	memmove(c->in, c->in + total, c->inlen - total);
	c->inlen -= total;
	return 1;
}

static void
client_expect(struct client *c, uint8_t type, uint8_t *out, size_t outsz, size_t *out_len)
{
	ck_assert_msg(client_recv(c, out, outsz, out_len), "expected message %u, got nothing", type);
	ck_assert_msg(out[0] == type, "expected message %u, got %u", type, out[0]);
}

/* Identification strings and the server's first KEXINIT. */
static void
client_hello(struct pair *p, const char *version)
{
	uint8_t msg[4096];
	size_t len;
	char *nl;

	client_write(&p->c, version, strlen(version));
	server_step(p);
	client_fill(&p->c);
	nl = memchr(p->c.in, '\n', p->c.inlen);
	ck_assert_ptr_nonnull(nl);
	ck_assert(nl > (char *)p->c.in && nl[-1] == '\r');
	memcpy(p->c.server_version, p->c.in, (size_t)(nl - 1 - (char *)p->c.in));
	ck_assert_str_eq(p->c.server_version, SERVER_VERSION);
	memmove(p->c.in, nl + 1, p->c.inlen - (size_t)(nl + 1 - (char *)p->c.in));
	p->c.inlen -= (size_t)(nl + 1 - (char *)p->c.in);
	client_expect(&p->c, SSH_MSG_KEXINIT, msg, sizeof(msg), &len);
	/* CBS_stow frees the previous buffer itself. */
	ck_assert(CBS_stow(&(CBS){ msg, len }, &p->c.i_s, &p->c.i_s_len));
}

static void
client_kexinit(struct pair *p, const char *kex, int first, int follows)
{
	CBB cbb;
	struct rp_kex_offer offer = { kex, "ssh-ed25519", p->c.cipher, p->c.mac, "none" };
	uint8_t *data;
	size_t len;

	ck_assert(CBB_init(&cbb, 512));
	ck_assert(rp_kexinit_build(&cbb, &offer, 0, first));
	ck_assert(CBB_finish(&cbb, &data, &len));
	ck_assert(len <= sizeof(p->c.i_c));
	if (follows)
		data[len - 5] = 1; /* first_kex_packet_follows */
	memcpy(p->c.i_c, data, len);
	p->c.i_c_len = len;
	p->c.strict = first ? 1 : p->c.strict;
	client_send(&p->c, data, len, 0);
	OPENSSL_free(data);
}

static void
client_ecdh_init(struct client *c, uint8_t q_c[32], uint8_t priv[32])
{
	uint8_t msg[64];
	CBB cbb;
	size_t len;

	rp_x25519_keypair(q_c, priv);
	ck_assert(CBB_init_fixed(&cbb, msg, sizeof(msg)));
	ck_assert(CBB_add_u8(&cbb, SSH_MSG_KEX_ECDH_INIT));
	ck_assert(ssh_add_string(&cbb, q_c, 32));
	ck_assert(CBB_finish(&cbb, NULL, &len));
	client_send(c, msg, len, 0);
}

static struct rp_pktcipher *
derive(struct client *c, const uint8_t *k_enc, size_t k_enc_len, const uint8_t *h,
    size_t h_len, char iv_letter, int seal)
{
	const struct rp_cipher_alg *cipher = rp_cipher_by_name(c->cipher);
	const struct rp_mac_alg *mac = rp_cipher_is_aead(cipher) ? NULL : rp_mac_by_name(c->mac);
	uint8_t iv[64], key[64], mk[64];

	memset(mk, 0, sizeof(mk));
	ck_assert(rp_kex_derive(RP_HASH_SHA256, k_enc, k_enc_len, h, h_len, iv_letter,
	    c->session_id, c->session_id_len, iv, rp_cipher_iv_len(cipher) ? rp_cipher_iv_len(cipher) : 1));
	ck_assert(rp_kex_derive(RP_HASH_SHA256, k_enc, k_enc_len, h, h_len, (char)(iv_letter + 2),
	    c->session_id, c->session_id_len, key, rp_cipher_key_len(cipher)));
	if (mac != NULL)
		ck_assert(rp_kex_derive(RP_HASH_SHA256, k_enc, k_enc_len, h, h_len,
		    (char)(iv_letter + 4), c->session_id, c->session_id_len, mk, rp_mac_key_len(mac)));
	return rp_pktcipher_new(cipher, mac, key, iv, mk, seal);
}

/* The rest of a key exchange after both KEXINITs are out: ECDH, signature
 * check, NEWKEYS both ways. `first` expects EXT_INFO. */
static void
client_finish_kex(struct pair *p, int first)
{
	const struct rp_kex_method *m = rp_kex_method_by_name("curve25519-sha256");
	uint8_t q_c[32], priv[32], shared[32], h[RP_HASH_MAX_LEN], msg[4096];
	size_t len, h_len, k_enc_len;
	CBS cbs, k_s, q_s, sig;
	struct rp_kex_hash_parts parts;
	struct rp_pubkey *hk;
	uint8_t k_enc[40];
	CBB kenc;

	client_ecdh_init(&p->c, q_c, priv);
	ck_assert_int_eq(server_step(p), RP_TRANSPORT_NEED_MORE);
	client_expect(&p->c, SSH_MSG_KEX_ECDH_REPLY, msg, sizeof(msg), &len);
	CBS_init(&cbs, msg + 1, len - 1);
	ck_assert(ssh_get_string(&cbs, &k_s) && ssh_get_string(&cbs, &q_s) &&
	    ssh_get_string(&cbs, &sig) && CBS_len(&cbs) == 0);
	ck_assert(CBS_len(&q_s) == 32);
	ck_assert(rp_x25519_shared(shared, priv, CBS_data(&q_s)));
	memset(&parts, 0, sizeof(parts));
	CBS_init(&parts.v_c, (const uint8_t *)CLIENT_VERSION, strlen(CLIENT_VERSION));
	CBS_init(&parts.v_s, (const uint8_t *)SERVER_VERSION, strlen(SERVER_VERSION));
	CBS_init(&parts.i_c, p->c.i_c, p->c.i_c_len);
	CBS_init(&parts.i_s, p->c.i_s, p->c.i_s_len);
	parts.k_s = k_s;
	CBS_init(&parts.q_c, q_c, 32);
	parts.q_s = q_s;
	CBS_init(&parts.k, shared, 32);
	ck_assert(rp_kex_exchange_hash(m, &parts, h, &h_len));
	ck_assert(rp_pubkey_from_blob(CBS_data(&k_s), CBS_len(&k_s), &hk));
	ck_assert_msg(rp_pubkey_verify(hk, "ssh-ed25519", CBS_data(&sig), CBS_len(&sig), h, h_len),
	    "the host key signature over the exchange hash does not verify");
	rp_pubkey_free(hk);
	if (p->c.session_id_len == 0) {
		memcpy(p->c.session_id, h, h_len);
		p->c.session_id_len = h_len;
	}
	ck_assert(CBB_init_fixed(&kenc, k_enc, sizeof(k_enc)));
	ck_assert(rp_kex_encode_k(m, shared, 32, &kenc));
	ck_assert(CBB_finish(&kenc, NULL, &k_enc_len));

	client_expect(&p->c, SSH_MSG_NEWKEYS, msg, sizeof(msg), &len);
	ck_assert_uint_eq(len, 1);
	rp_pktcipher_free(p->c.recv);
	p->c.recv = derive(&p->c, k_enc, k_enc_len, h, h_len, 'B', 0);
	ck_assert_ptr_nonnull(p->c.recv);
	if (p->c.strict)
		p->c.recv_seq = 0;
	if (first) {
		client_expect(&p->c, SSH_MSG_EXT_INFO, msg, sizeof(msg), &len);
		ck_assert(memmem(msg, len, "server-sig-algs", 15) != NULL);
	}
	client_send(&p->c, (const uint8_t[]){ SSH_MSG_NEWKEYS }, 1, 0);
	rp_pktcipher_free(p->c.send);
	p->c.send = derive(&p->c, k_enc, k_enc_len, h, h_len, 'A', 1);
	ck_assert_ptr_nonnull(p->c.send);
	if (p->c.strict)
		p->c.send_seq = 0;
	ck_assert_int_eq(server_step(p), RP_TRANSPORT_NEED_MORE);
}

static void
establish(struct pair *p)
{
	client_hello(p, CLIENT_VERSION "\r\n");
	client_kexinit(p, "curve25519-sha256", 1, 0);
	client_finish_kex(p, 1);
	ck_assert(rp_transport_established(p->t));
}

static void
send_service_request(struct client *c)
{
	static const uint8_t req[] = { SSH_MSG_SERVICE_REQUEST, 0, 0, 0, 12, 's', 's', 'h', '-',
		'u', 's', 'e', 'r', 'a', 'u', 't', 'h' };

	client_send(c, req, sizeof(req), 0);
}

static void
assert_failed_with(struct pair *p, uint32_t reason, const char *fragment)
{
	uint32_t got;
	int by_peer;
	const char *desc;

	rp_transport_error(p->t, &got, &by_peer, &desc);
	ck_assert_msg(got == reason, "disconnect reason %u, expected %u (%s)", got, reason, desc);
	ck_assert_msg(strstr(desc, fragment) != NULL, "description \"%s\" lacks \"%s\"", desc,
	    fragment);
	ck_assert_int_eq(by_peer, 0);
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(test_full_exchange_then_encrypted_messages_both_ways)
{
	static const char *const ciphers[][2] = {
		{ "chacha20-poly1305@openssh.com", "hmac-sha2-256" },
		{ "aes128-gcm@openssh.com", "hmac-sha2-256" },
		{ "aes256-ctr", "hmac-sha2-512" },
		{ "aes128-ctr", "hmac-sha2-256-etm@openssh.com" },
	};
	struct pair p;
	uint8_t msg[256];
	size_t len;

	setup_pair(&p, 0);
	p.c.cipher = ciphers[_i][0];
	p.c.mac = ciphers[_i][1];
	establish(&p);
	ck_assert_str_eq(rp_transport_algs(p.t)->cipher_c2s, ciphers[_i][0]);
	send_service_request(&p.c);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
	ck_assert_uint_eq(p.napp, 1);
	ck_assert_uint_eq(p.app_types[0], SSH_MSG_SERVICE_REQUEST);
	client_expect(&p.c, SSH_MSG_SERVICE_ACCEPT, msg, sizeof(msg), &len);
	teardown_pair(&p);
}
END_TEST

START_TEST(test_client_rekey_changes_keys_and_keeps_session_id)
{
	struct pair p;
	uint8_t msg[4096], sid[RP_HASH_MAX_LEN];
	size_t len, sid_len;
	const uint8_t *s;

	setup_pair(&p, 0);
	establish(&p);
	s = rp_transport_session_id(p.t, &sid_len);
	memcpy(sid, s, sid_len);
	client_kexinit(&p, "curve25519-sha256", 0, 0);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
	client_expect(&p.c, SSH_MSG_KEXINIT, msg, sizeof(msg), &len);
	/* Re-exchange KEXINITs carry no markers. */
	ck_assert(memmem(msg, len, "ext-info-s", 10) == NULL);
	ck_assert(memmem(msg, len, "kex-strict", 10) == NULL);
	ck_assert(CBS_stow(&(CBS){ msg, len }, &p.c.i_s, &p.c.i_s_len));
	client_finish_kex(&p, 0);
	ck_assert_int_eq(signatures >= 2, 1);
	s = rp_transport_session_id(p.t, &len);
	ck_assert(len == sid_len && memcmp(s, sid, len) == 0);
	send_service_request(&p.c);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
	client_expect(&p.c, SSH_MSG_SERVICE_ACCEPT, msg, sizeof(msg), &len);
	teardown_pair(&p);
}
END_TEST

START_TEST(test_server_starts_rekey_after_its_byte_limit_and_holds_messages)
{
	struct pair p;
	uint8_t msg[4096];
	size_t len;

	/* A tiny limit: the first application message crosses it. */
	setup_pair(&p, 16);
	establish(&p);
	send_service_request(&p.c);
	server_step(&p);
	/* The server starts a re-exchange; its answer to the request waits
	 * (RFC 4253 7.1: nothing but kex messages until NEWKEYS). */
	client_expect(&p.c, SSH_MSG_KEXINIT, msg, sizeof(msg), &len);
	ck_assert(CBS_stow(&(CBS){ msg, len }, &p.c.i_s, &p.c.i_s_len));
	ck_assert(rp_transport_send(p.t, (const uint8_t[]){ SSH_MSG_IGNORE, 0, 0, 0, 0 }, 5));
	ck_assert(rp_transport_flush(p.t) == 1);
	ck_assert_msg(!client_recv(&p.c, msg, sizeof(msg), &len),
	    "a message got out during the key exchange");
	client_kexinit(&p, "curve25519-sha256", 0, 0);
	client_finish_kex(&p, 0);
	/* Held messages come after NEWKEYS, in order, under the new keys. */
	client_expect(&p.c, SSH_MSG_SERVICE_ACCEPT, msg, sizeof(msg), &len);
	client_expect(&p.c, SSH_MSG_IGNORE, msg, sizeof(msg), &len);
	teardown_pair(&p);
}
END_TEST

/* diffie-hellman-group-exchange-sha256 end to end: REQUEST, GROUP (from
 * the hook), INIT, REPLY (message 33) signed over a hash with the group,
 * then NEWKEYS and encrypted traffic. The client sends e = g = 2, so K =
 * e^y = g^y = f and it needs no DH of its own. */
START_TEST(test_group_exchange_end_to_end)
{
	const struct rp_kex_method *m = rp_kex_method_by_name("diffie-hellman-group-exchange-sha256");
	uint8_t msg[4096], prime[256], two = 2, h[RP_HASH_MAX_LEN], k_enc[300];
	size_t len, h_len, k_enc_len;
	CBS cbs, gp, gg, k_s, f, sig;
	struct rp_kex_hash_parts parts;
	struct rp_pubkey *hk;
	struct pair p;
	CBB cbb;

	setup_pair(&p, 0);
	client_hello(&p, CLIENT_VERSION "\r\n");
	client_kexinit(&p, "diffie-hellman-group-exchange-sha256", 1, 0);
	client_send(&p.c, (const uint8_t[]){ SSH_MSG_KEX_DH_GEX_REQUEST, 0, 0, 8, 0, 0, 0, 12, 0,
	    0, 0, 32, 0 }, 13, 0);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
	ck_assert_uint_eq(gex_asked[0], 2048);
	ck_assert_uint_eq(gex_asked[1], 3072);
	ck_assert_uint_eq(gex_asked[2], 8192);
	client_expect(&p.c, SSH_MSG_KEX_DH_GEX_GROUP, msg, sizeof(msg), &len);
	CBS_init(&cbs, msg + 1, len - 1);
	ck_assert(ssh_get_string(&cbs, &gp) && ssh_get_string(&cbs, &gg) && CBS_len(&cbs) == 0);
	/* mpints: group 14's prime has its top bit set, so a zero byte leads. */
	ck_assert(rp_dh_group_prime(RP_DH_GROUP14, prime));
	ck_assert_uint_eq(CBS_len(&gp), 257);
	ck_assert(CBS_data(&gp)[0] == 0 && memcmp(CBS_data(&gp) + 1, prime, 256) == 0);
	ck_assert(CBS_len(&gg) == 1 && CBS_data(&gg)[0] == 2);

	client_send(&p.c, (const uint8_t[]){ SSH_MSG_KEX_DH_GEX_INIT, 0, 0, 0, 1, 2 }, 6, 0);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
	client_expect(&p.c, SSH_MSG_KEX_DH_GEX_REPLY, msg, sizeof(msg), &len);
	CBS_init(&cbs, msg + 1, len - 1);
	ck_assert(ssh_get_string(&cbs, &k_s) && ssh_get_string(&cbs, &f) &&
	    ssh_get_string(&cbs, &sig) && CBS_len(&cbs) == 0);
	ck_assert(CBS_len(&f) >= 200 && CBS_len(&f) <= 257);
	{
		uint8_t e_pad[256], f_pad[256];

		memset(e_pad, 0, sizeof(e_pad));
		e_pad[255] = 2;
		memset(f_pad, 0, sizeof(f_pad));
		while (CBS_len(&f) > 256 && CBS_data(&f)[0] == 0)
			CBS_skip(&f, 1);
		memcpy(f_pad + 256 - CBS_len(&f), CBS_data(&f), CBS_len(&f));
		memset(&parts, 0, sizeof(parts));
		CBS_init(&parts.v_c, (const uint8_t *)CLIENT_VERSION, strlen(CLIENT_VERSION));
		CBS_init(&parts.v_s, (const uint8_t *)SERVER_VERSION, strlen(SERVER_VERSION));
		CBS_init(&parts.i_c, p.c.i_c, p.c.i_c_len);
		CBS_init(&parts.i_s, p.c.i_s, p.c.i_s_len);
		parts.k_s = k_s;
		CBS_init(&parts.q_c, e_pad, 256);
		CBS_init(&parts.q_s, f_pad, 256);
		CBS_init(&parts.k, f_pad, 256); /* K = f, as e = g */
		parts.gex.min = 2048;
		parts.gex.n = 3072;
		parts.gex.max = 8192;
		CBS_init(&parts.gex.p, prime, 256);
		CBS_init(&parts.gex.g, &two, 1);
		ck_assert(rp_kex_exchange_hash(m, &parts, h, &h_len));
		ck_assert(rp_pubkey_from_blob(CBS_data(&k_s), CBS_len(&k_s), &hk));
		ck_assert_msg(rp_pubkey_verify(hk, "ssh-ed25519", CBS_data(&sig), CBS_len(&sig), h,
		    h_len), "the signature does not cover the group exchange hash");
		rp_pubkey_free(hk);
		ck_assert(CBB_init_fixed(&cbb, k_enc, sizeof(k_enc)));
		ck_assert(rp_kex_encode_k(m, f_pad, 256, &cbb));
		ck_assert(CBB_finish(&cbb, NULL, &k_enc_len));
	}
	memcpy(p.c.session_id, h, h_len);
	p.c.session_id_len = h_len;
	client_expect(&p.c, SSH_MSG_NEWKEYS, msg, sizeof(msg), &len);
	p.c.recv = derive(&p.c, k_enc, k_enc_len, h, h_len, 'B', 0);
	p.c.recv_seq = 0;
	client_expect(&p.c, SSH_MSG_EXT_INFO, msg, sizeof(msg), &len);
	client_send(&p.c, (const uint8_t[]){ SSH_MSG_NEWKEYS }, 1, 0);
	p.c.send = derive(&p.c, k_enc, k_enc_len, h, h_len, 'A', 1);
	p.c.send_seq = 0;
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
	ck_assert(rp_transport_established(p.t));
	ck_assert_str_eq(rp_transport_algs(p.t)->kex, "diffie-hellman-group-exchange-sha256");
	send_service_request(&p.c);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
	client_expect(&p.c, SSH_MSG_SERVICE_ACCEPT, msg, sizeof(msg), &len);
	teardown_pair(&p);
}
END_TEST

/* What a group exchange refuses: a request a server may not answer, INIT
 * before REQUEST, the obsolete REQUEST_OLD (30), a second REQUEST, and no
 * group for the range. */
START_TEST(test_group_exchange_refusals)
{
	static const struct {
		uint8_t first[14], second[14];
		size_t first_len, second_len;
		int refuse;
		uint32_t reason;
		const char *why;
	} cases[] = {
		{ { SSH_MSG_KEX_DH_GEX_REQUEST, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 6, 0 }, { 0 }, 13, 0, 0,
		  SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "out of order, or a maximum under 2048" },
		{ { SSH_MSG_KEX_DH_GEX_REQUEST, 0, 0, 8, 0, 0, 0, 4, 0, 0, 0, 32, 0 }, { 0 }, 13, 0, 0,
		  SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "out of order, or a maximum under 2048" },
		{ { SSH_MSG_KEX_DH_GEX_REQUEST, 0, 0, 8, 0, 0, 0, 12, 0 }, { 0 }, 9, 0, 0,
		  SSH_DISCONNECT_PROTOCOL_ERROR, "malformed KEX_DH_GEX_REQUEST" },
		{ { SSH_MSG_KEX_DH_GEX_INIT, 0, 0, 0, 1, 2 }, { 0 }, 6, 0, 0,
		  SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected key exchange message 32" },
		{ { SSH_MSG_KEX_ECDH_INIT, 0, 0, 12, 0 }, { 0 }, 5, 0, 0,
		  SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected key exchange message 30" },
		{ { SSH_MSG_KEX_DH_GEX_REQUEST, 0, 0, 8, 0, 0, 0, 12, 0, 0, 0, 32, 0 },
		  { SSH_MSG_KEX_DH_GEX_REQUEST, 0, 0, 8, 0, 0, 0, 12, 0, 0, 0, 32, 0 }, 13, 13, 0,
		  SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected key exchange message 34" },
		{ { SSH_MSG_KEX_DH_GEX_REQUEST, 0, 0, 8, 0, 0, 0, 12, 0, 0, 0, 32, 0 }, { 0 }, 13, 0, 1,
		  SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "no group exchange group of 2048 to 8192 bits" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair p;
		uint8_t msg[4096];
		size_t len;

		setup_pair(&p, 0);
		gex_refuse = cases[i].refuse;
		client_hello(&p, CLIENT_VERSION "\r\n");
		client_kexinit(&p, "diffie-hellman-group-exchange-sha256", 1, 0);
		client_send(&p.c, cases[i].first, cases[i].first_len, 0);
		if (cases[i].second_len > 0) {
			ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
			client_expect(&p.c, SSH_MSG_KEX_DH_GEX_GROUP, msg, sizeof(msg), &len);
			client_send(&p.c, cases[i].second, cases[i].second_len, 0);
		}
		ck_assert_msg(server_step(&p) == RP_TRANSPORT_ERROR, "case %zu accepted", i);
		assert_failed_with(&p, cases[i].reason, cases[i].why);
		teardown_pair(&p);
	}
}
END_TEST

/* A short read is acknowledged at once (TCP_QUICKACK), even on a socket
 * TCP has put in its interactive ("pingpong") mode, where it would delay
 * the ACK and stall a client waiting on Nagle's algorithm. Over real
 * loopback TCP: a few request-answer rounds put the server's socket in
 * that mode, which getsockopt(TCP_QUICKACK) shows as 0. */
START_TEST(test_short_reads_are_acknowledged_at_once)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	struct rp_transport_config cfg;
	struct rp_transport *t;
	int lfd, cfd, sfd, quick = -1;
	socklen_t qlen = sizeof(quick);
	char b;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert((lfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	ck_assert(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	ck_assert(listen(lfd, 1) == 0);
	ck_assert(getsockname(lfd, (struct sockaddr *)&addr, &alen) == 0);
	ck_assert((cfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	ck_assert(connect(cfd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	ck_assert((sfd = accept(lfd, NULL, NULL)) >= 0);
	for (int i = 0; i < 4; i++) {
		ck_assert(write(cfd, "x", 1) == 1 && read(sfd, &b, 1) == 1);
		ck_assert(write(sfd, "y", 1) == 1 && read(cfd, &b, 1) == 1);
	}
	ck_assert(getsockopt(sfd, IPPROTO_TCP, TCP_QUICKACK, &quick, &qlen) == 0);
	ck_assert_msg(quick == 0, "the kernel did not enter delayed-ACK (pingpong) mode");

	test_config(&cfg, 0);
	ck_assert_ptr_nonnull(t = rp_transport_new(sfd, &cfg));
	ck_assert(write(cfd, CLIENT_VERSION "\r\n", strlen(CLIENT_VERSION) + 2) ==
	    (ssize_t)strlen(CLIENT_VERSION) + 2);
	ck_assert_int_eq(rp_transport_read(t), 1);
	ck_assert(getsockopt(sfd, IPPROTO_TCP, TCP_QUICKACK, &quick, &qlen) == 0);
	ck_assert_int_eq(quick, 1);
	rp_transport_free(t);
	close(sfd);
	close(cfd);
	close(lfd);
}
END_TEST

START_TEST(test_strict_kex_requires_kexinit_first)
{
	struct pair p;

	setup_pair(&p, 0);
	client_hello(&p, CLIENT_VERSION "\r\n");
	client_send(&p.c, (const uint8_t[]){ SSH_MSG_IGNORE, 0, 0, 0, 0 }, 5, 0);
	client_kexinit(&p, "curve25519-sha256", 1, 0);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_ERROR);
	assert_failed_with(&p, SSH_DISCONNECT_PROTOCOL_ERROR, "KEXINIT was not the first packet");
	teardown_pair(&p);
}
END_TEST

START_TEST(test_without_strict_kex_an_early_ignore_is_fine)
{
	struct pair p;
	uint8_t q_c[32], priv[32];

	setup_pair(&p, 0);
	client_hello(&p, CLIENT_VERSION "\r\n");
	client_send(&p.c, (const uint8_t[]){ SSH_MSG_IGNORE, 0, 0, 0, 0 }, 5, 0);
	/* A plain KEXINIT without the -c markers (first_kex = 0). */
	client_kexinit(&p, "curve25519-sha256", 0, 0);
	p.c.strict = 0;
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
	client_ecdh_init(&p.c, q_c, priv);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
	teardown_pair(&p);
}
END_TEST

START_TEST(test_strict_kex_refuses_ignore_during_initial_exchange)
{
	struct pair p;

	setup_pair(&p, 0);
	client_hello(&p, CLIENT_VERSION "\r\n");
	client_kexinit(&p, "curve25519-sha256", 1, 0);
	client_send(&p.c, (const uint8_t[]){ SSH_MSG_IGNORE, 0, 0, 0, 0 }, 5, 0);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_ERROR);
	assert_failed_with(&p, SSH_DISCONNECT_PROTOCOL_ERROR, "strict key exchange");
	teardown_pair(&p);
}
END_TEST

START_TEST(test_application_message_before_key_exchange_is_refused)
{
	struct pair p;

	setup_pair(&p, 0);
	client_hello(&p, CLIENT_VERSION "\r\n");
	send_service_request(&p.c);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_ERROR);
	assert_failed_with(&p, SSH_DISCONNECT_PROTOCOL_ERROR, "not allowed during key exchange");
	ck_assert_uint_eq(p.napp, 0);
	teardown_pair(&p);
}
END_TEST

START_TEST(test_wrongly_guessed_kex_packet_is_ignored)
{
	struct pair p;
	uint8_t q_c[32], priv[32], msg[256];
	size_t len;

	setup_pair(&p, 0);
	client_hello(&p, CLIENT_VERSION "\r\n");
	/* The client guesses diffie-hellman-group14-sha1, which the server
	 * lacks. */
	client_kexinit(&p, "diffie-hellman-group14-sha1,curve25519-sha256", 1, 1);
	client_ecdh_init(&p.c, q_c, priv); /* the guessed packet */
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_NEED_MORE);
	ck_assert_msg(!client_recv(&p.c, msg, sizeof(msg), &len),
	    "the server answered a packet it should have discarded");
	client_finish_kex(&p, 1);
	ck_assert(rp_transport_established(p.t));
	teardown_pair(&p);
}
END_TEST

/* The rekey limit from the policy, capped by what the cipher may protect
 * under one key: 1 TiB asked, 1 GiB for chacha20-poly1305, 64 GiB for
 * AES (RFC 4344 3.2); below the cap the policy's value stands. */
START_TEST(test_rekey_threshold_is_capped_by_the_cipher)
{
	static const struct {
		const char *cipher;
		uint64_t asked, want;
	} v[] = {
		{ "chacha20-poly1305@openssh.com", (uint64_t)1 << 40, (uint64_t)1 << 30 },
		{ "aes128-gcm@openssh.com", (uint64_t)1 << 40, (uint64_t)1 << 36 },
		{ "aes256-ctr", (uint64_t)1 << 40, (uint64_t)1 << 36 },
		{ "aes256-ctr", (uint64_t)16 << 20, (uint64_t)16 << 20 },
	};
	struct pair p;

	setup_pair(&p, v[_i].asked);
	p.c.cipher = v[_i].cipher;
	p.c.mac = "hmac-sha2-256-etm@openssh.com";
	establish(&p);
	ck_assert_uint_eq(rp_transport_rekey_threshold(p.t), v[_i].want);
	teardown_pair(&p);
}
END_TEST

START_TEST(test_no_common_cipher_fails_the_exchange)
{
	struct pair p;

	setup_pair(&p, 0);
	p.c.cipher = "3des-cbc";
	client_hello(&p, CLIENT_VERSION "\r\n");
	client_kexinit(&p, "curve25519-sha256", 1, 0);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_ERROR);
	assert_failed_with(&p, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
	    "no matching cipher (client to server)");
	teardown_pair(&p);
}
END_TEST

START_TEST(test_oversized_packet_length_is_refused)
{
	struct pair p;
	static const uint8_t huge[] = { 0x7f, 0xff, 0xff, 0xf8, 4 };

	setup_pair(&p, 0);
	client_hello(&p, CLIENT_VERSION "\r\n");
	client_write(&p.c, huge, sizeof(huge));
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_ERROR);
	assert_failed_with(&p, SSH_DISCONNECT_PROTOCOL_ERROR, "bad packet length");
	teardown_pair(&p);
}
END_TEST

START_TEST(test_short_padding_is_refused)
{
	struct pair p;

	setup_pair(&p, 0);
	client_hello(&p, CLIENT_VERSION "\r\n");
	/* 4 + 1 + 8 + 3 = 16 bytes: aligned, but only 3 bytes of padding. */
	client_send(&p.c, (const uint8_t[]){ SSH_MSG_IGNORE, 0, 0, 0, 3, 'a', 'b', 'c' }, 8, 3);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_ERROR);
	assert_failed_with(&p, SSH_DISCONNECT_PROTOCOL_ERROR, "bad padding length");
	teardown_pair(&p);
}
END_TEST

START_TEST(test_tampered_packet_fails_authentication)
{
	struct pair p;
	uint8_t pkt[64];

	setup_pair(&p, 0);
	establish(&p);
	/* A valid encrypted packet with one bit flipped in the body. */
	{
		static const uint8_t payload[] = { SSH_MSG_IGNORE, 0, 0, 0, 0 };
		size_t plen = 1 + sizeof(payload) + 10, tag = rp_pktcipher_tag_len(p.c.send);

		memset(pkt, 0, sizeof(pkt));
		pkt[3] = (uint8_t)plen;
		pkt[4] = 10;
		memcpy(pkt + 5, payload, sizeof(payload));
		ck_assert(rp_pktcipher_seal(p.c.send, p.c.send_seq, pkt, 4 + plen, pkt + 4 + plen));
		pkt[7] ^= 0x01;
		client_write(&p.c, pkt, 4 + plen + tag);
	}
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_ERROR);
	assert_failed_with(&p, SSH_DISCONNECT_MAC_ERROR, "authentication failed");
	teardown_pair(&p);
}
END_TEST

START_TEST(test_peer_disconnect_is_reported_as_the_peers)
{
	struct pair p;
	static const uint8_t bye[] = { SSH_MSG_DISCONNECT, 0, 0, 0, 11, 0, 0, 0, 3, 'b', 'y', 'e',
		0, 0, 0, 0 };
	uint32_t reason;
	int by_peer;
	const char *desc;

	setup_pair(&p, 0);
	establish(&p);
	client_send(&p.c, bye, sizeof(bye), 0);
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_ERROR);
	rp_transport_error(p.t, &reason, &by_peer, &desc);
	ck_assert_uint_eq(reason, SSH_DISCONNECT_BY_APPLICATION);
	ck_assert_int_eq(by_peer, 1);
	ck_assert_ptr_nonnull(strstr(desc, "bye"));
	teardown_pair(&p);
}
END_TEST

START_TEST(test_identification_errors)
{
	static const struct {
		const char *line;
		uint32_t reason;
		const char *fragment;
	} cases[] = {
		{ "GET / HTTP/1.1\r\n", SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED,
		    "not an SSH identification string" },
		{ "SSH-1.5-ancient\r\n", SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED,
		    "unsupported protocol version" },
	};
	struct pair p;
	uint32_t reason;
	int by_peer;
	const char *desc;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup_pair(&p, 0);
		client_write(&p.c, cases[i].line, strlen(cases[i].line));
		ck_assert_int_eq(server_step(&p), RP_TRANSPORT_ERROR);
		rp_transport_error(p.t, &reason, &by_peer, &desc);
		ck_assert_uint_eq(reason, cases[i].reason);
		ck_assert_ptr_nonnull(strstr(desc, cases[i].fragment));
		teardown_pair(&p);
	}
	/* 300 bytes and no end of line. */
	setup_pair(&p, 0);
	{
		char junk[300];

		memset(junk, 'A', sizeof(junk));
		client_write(&p.c, junk, sizeof(junk));
	}
	ck_assert_int_eq(server_step(&p), RP_TRANSPORT_ERROR);
	assert_failed_with(&p, SSH_DISCONNECT_PROTOCOL_ERROR, "identification string too long");
	teardown_pair(&p);
}
END_TEST

RP_TEST_SUITE(transport)
{
	Suite *s = suite_create("transport");
	TCase *tc = tcase_create("server");

	tcase_add_loop_test(tc, test_full_exchange_then_encrypted_messages_both_ways, 0, 4);
	tcase_add_test(tc, test_client_rekey_changes_keys_and_keeps_session_id);
	tcase_add_test(tc, test_server_starts_rekey_after_its_byte_limit_and_holds_messages);
	tcase_add_test(tc, test_short_reads_are_acknowledged_at_once);
	tcase_add_test(tc, test_group_exchange_end_to_end);
	tcase_add_test(tc, test_group_exchange_refusals);
	tcase_add_test(tc, test_strict_kex_requires_kexinit_first);
	tcase_add_test(tc, test_without_strict_kex_an_early_ignore_is_fine);
	tcase_add_test(tc, test_strict_kex_refuses_ignore_during_initial_exchange);
	tcase_add_test(tc, test_application_message_before_key_exchange_is_refused);
	tcase_add_test(tc, test_wrongly_guessed_kex_packet_is_ignored);
	tcase_add_test(tc, test_no_common_cipher_fails_the_exchange);
	tcase_add_loop_test(tc, test_rekey_threshold_is_capped_by_the_cipher, 0, 4);
	tcase_add_test(tc, test_oversized_packet_length_is_refused);
	tcase_add_test(tc, test_short_padding_is_refused);
	tcase_add_test(tc, test_tampered_packet_fails_authentication);
	tcase_add_test(tc, test_peer_disconnect_is_reported_as_the_peers);
	tcase_add_test(tc, test_identification_errors);
	suite_add_tcase(s, tc);
	return s;
}

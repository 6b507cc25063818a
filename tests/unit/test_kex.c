/*
 * tests/unit/test_kex.c: key exchange pieces of common/kex.h: the method
 * table, KEXINIT build and parse, negotiation (RFC 4253 7.1), the guessed
 * packet rule (RFC 4253 7), and the exchange hash and key derivation
 * (RFC 4253 7.2 and 8, RFC 8731 3) against answers computed independently.
 */
#include "tests/unit/unit.h"

#include <stdlib.h>
#include <string.h>

#include "common/kex.h"
#include "common/wire.h"
#include "crypto/dh.h"
#include "crypto/ecdh.h"
#include "crypto/mlkem768.h"
#include "crypto/sntrup761.h"
#include "crypto/x25519.h"

#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

#define ck_assert_cbs_str(cbs, want)                                             \
	ck_assert_msg(CBS_mem_equal(&(cbs), (const uint8_t *)(want), strlen(want)), \
	    "%s: expected \"%s\", got \"%.*s\"", #cbs, (want), (int)CBS_len(&(cbs)), \
	    (const char *)CBS_data(&(cbs)))

/* ------------------------------------------------------------------------
 * Method table
 */

START_TEST(test_method_by_name_knows_both_curve25519_names)
{
	static const char *const names[] = { "curve25519-sha256", "curve25519-sha256@libssh.org" };

	for (size_t i = 0; i < 2; i++) {
		const struct rp_kex_method *m = rp_kex_method_by_name(names[i]);

		ck_assert_msg(m != NULL, "%s must be a known kex method", names[i]);
		ck_assert_str_eq(m->name, names[i]);
		ck_assert_int_eq(m->hash, RP_HASH_SHA256);
		ck_assert_uint_eq(m->q_c_len, 32);
		ck_assert_uint_eq(m->q_s_len, 32);
		ck_assert_uint_eq(m->k_len, 32);
		ck_assert_msg(m->k_is_mpint, "%s: K enters the hash as an mpint (RFC 8731 3)",
		    names[i]);
	}
}
END_TEST

START_TEST(test_method_by_name_is_null_for_anything_else)
{
	static const char *const others[] = {
		"", "curve25519", "curve25519-sha256@libssh", "curve25519-sha256@libssh.orgx",
		"curve25519-sha256 ", "Curve25519-sha256", "curve448-sha512",
		"diffie-hellman-group14-sha1", "sntrup761x25519-sha512@openssh.co",
		"mlkem768x25519-sha512", "mlkem1024nistp384-sha384",
		RP_KEX_EXT_INFO_C, RP_KEX_EXT_INFO_S, RP_KEX_STRICT_C, RP_KEX_STRICT_S,
	};

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		ck_assert_msg(rp_kex_method_by_name(others[i]) == NULL,
		    "\"%s\" must not be a kex method", others[i]);
}
END_TEST

START_TEST(test_supported_list_names_only_known_methods)
{
	const char *list = rp_kex_supported_list();
	CBS l, name;
	char buf[RP_KEX_NAME_MAX];
	int n = 0;

	CBS_init(&l, (const uint8_t *)list, strlen(list));
	while (ssh_namelist_next(&l, &name)) {
		ck_assert_uint_lt(CBS_len(&name), sizeof(buf));
		memcpy(buf, CBS_data(&name), CBS_len(&name));
		buf[CBS_len(&name)] = '\0';
		ck_assert_msg(rp_kex_method_by_name(buf) != NULL,
		    "supported list names \"%s\", which has no method", buf);
		n++;
	}
	ck_assert_int_eq(n, 12);
	/* OpenSSH 10's order: what its client offers first is what we agree
	 * to. */
	ck_assert_msg(strncmp(list, "mlkem768x25519-sha256,sntrup761x25519-sha512,", 44) == 0,
	    "the post-quantum hybrids come first: %s", list);
}
END_TEST

/* The hybrid methods' sizes (Q_C = KEM public key || X25519, Q_S = KEM
 * ciphertext || X25519) and K: the hash of both secrets, as a string. */
START_TEST(test_hybrid_methods_have_their_sizes)
{
	static const struct {
		const char *name;
		enum rp_kex_kind kind;
		enum rp_hash_alg hash;
		size_t q_c, q_s, k;
	} want[] = {
		{ "mlkem768x25519-sha256", RP_KEX_MLKEM768_X25519, RP_HASH_SHA256, 1216, 1120, 32 },
		{ "sntrup761x25519-sha512", RP_KEX_SNTRUP761_X25519, RP_HASH_SHA512, 1190, 1071, 64 },
		{ "sntrup761x25519-sha512@openssh.com", RP_KEX_SNTRUP761_X25519, RP_HASH_SHA512,
		  1190, 1071, 64 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct rp_kex_method *m = rp_kex_method_by_name(want[i].name);

		ck_assert_msg(m != NULL, "%s must be a kex method", want[i].name);
		ck_assert_int_eq(m->kind, want[i].kind);
		ck_assert_int_eq(m->hash, want[i].hash);
		ck_assert_uint_eq(m->q_c_len, want[i].q_c);
		ck_assert_uint_eq(m->q_s_len, want[i].q_s);
		ck_assert_uint_eq(m->k_len, want[i].k);
		ck_assert_uint_le(m->q_c_len, RP_KEX_MAX_Q);
		ck_assert_uint_le(m->q_s_len, RP_KEX_MAX_Q);
		ck_assert_msg(!m->k_is_mpint, "%s: K is a string", want[i].name);
	}
}
END_TEST

/* The server's reply for each hybrid, checked from the client's side: the
 * client decapsulates Q_S's ciphertext, does X25519 with Q_S's value, and
 * must reach the same K = HASH(KEM secret || X25519 secret). */
START_TEST(test_server_reply_agrees_with_the_client)
{
	static const char *const names[] = { "mlkem768x25519-sha256", "sntrup761x25519-sha512",
		"curve25519-sha256", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct rp_kex_method *m = rp_kex_method_by_name(names[i]);
		uint8_t q_c[RP_KEX_MAX_Q], q_s[RP_KEX_MAX_Q], k[RP_KEX_MAX_K], want[RP_KEX_MAX_K];
		uint8_t dk[RP_SNTRUP761_SK_LEN > RP_MLKEM768_DK_LEN ? RP_SNTRUP761_SK_LEN :
		    RP_MLKEM768_DK_LEN];
		uint8_t priv[RP_X25519_LEN], secrets[64];
		size_t kem_pk = 0, kem_ct = 0;

		ck_assert_ptr_nonnull(m);
		if (m->kind == RP_KEX_MLKEM768_X25519) {
			rp_mlkem768_keygen(q_c, dk);
			kem_pk = RP_MLKEM768_EK_LEN;
			kem_ct = RP_MLKEM768_CT_LEN;
		} else if (m->kind == RP_KEX_SNTRUP761_X25519) {
			rp_sntrup761_keypair(q_c, dk, NULL, NULL);
			kem_pk = RP_SNTRUP761_PK_LEN;
			kem_ct = RP_SNTRUP761_CT_LEN;
		}
		if (m->kind >= RP_KEX_ECDH_P256) {
			enum rp_ec_curve curve = (enum rp_ec_curve)(m->kind - RP_KEX_ECDH_P256);
			uint8_t c_priv[RP_ECDH_MAX_SECRET];

			ck_assert(rp_ecdh_keypair(curve, c_priv, q_c));
			ck_assert_msg(rp_kex_server_reply(m, NULL, q_c, q_s, k), "%s: reply refused",
			    names[i]);
			ck_assert(rp_ecdh_shared(curve, c_priv, q_s, want));
			ck_assert_msg(memcmp(k, want, m->k_len) == 0, "%s: K differs", names[i]);
			/* Not a point of the curve: one bit of y flipped. */
			q_c[m->q_c_len - 1] ^= 1;
			ck_assert_msg(!rp_kex_server_reply(m, NULL, q_c, q_s, k),
			    "%s: a point off the curve must be refused", names[i]);
			q_c[m->q_c_len - 1] ^= 1;
			q_c[0] = 0x02; /* compressed: not what SSH sends */
			ck_assert(!rp_kex_server_reply(m, NULL, q_c, q_s, k));
			continue;
		}
		rp_x25519_keypair(q_c + kem_pk, priv);
		ck_assert_msg(rp_kex_server_reply(m, NULL, q_c, q_s, k), "%s: reply refused", names[i]);
		ck_assert(rp_x25519_shared(secrets + 32, priv, q_s + kem_ct));
		if (m->kind == RP_KEX_X25519) {
			ck_assert(memcmp(k, secrets + 32, 32) == 0);
			continue;
		}
		if (m->kind == RP_KEX_MLKEM768_X25519)
			ck_assert(rp_mlkem768_decaps(dk, q_s, secrets));
		else
			rp_sntrup761_dec(secrets, q_s, dk);
		rp_hash(m->hash, secrets, 64, want);
		ck_assert_msg(memcmp(k, want, m->k_len) == 0, "%s: K differs", names[i]);
	}
}
END_TEST

/* Finite-field DH: with e = g = 2, K = e^y = g^y = f, which shows K and f
 * come from the same exponent; e outside (1, p-1) is refused (RFC 4253 8),
 * and e, f and K are mpints in the exchange hash. */
START_TEST(test_dh_groups_reply_and_refuse)
{
	static const struct {
		const char *name;
		enum rp_dh_group group;
		size_t bytes;
	} dh[] = {
		{ "diffie-hellman-group14-sha256", RP_DH_GROUP14, 256 },
		{ "diffie-hellman-group16-sha512", RP_DH_GROUP16, 512 },
		{ "diffie-hellman-group18-sha512", RP_DH_GROUP18, 1024 },
	};

	for (size_t i = 0; i < sizeof(dh) / sizeof(dh[0]); i++) {
		const struct rp_kex_method *m = rp_kex_method_by_name(dh[i].name);
		uint8_t e[RP_KEX_MAX_Q], f[RP_KEX_MAX_Q], k[RP_KEX_MAX_K], p[RP_KEX_MAX_Q];

		ck_assert_ptr_nonnull(m);
		ck_assert(m->q_is_mpint && m->k_is_mpint);
		ck_assert_uint_eq(m->q_c_len, dh[i].bytes);
		ck_assert_uint_eq(rp_dh_group_bytes(dh[i].group), dh[i].bytes);
		/* RFC 3526 primes: 64 one bits at both ends. */
		ck_assert(rp_dh_group_prime(dh[i].group, p));
		for (size_t b = 0; b < 8; b++)
			ck_assert(p[b] == 0xff && p[dh[i].bytes - 1 - b] == 0xff);
		memset(e, 0, dh[i].bytes);
		e[dh[i].bytes - 1] = 2;
		ck_assert_msg(rp_kex_server_reply(m, NULL, e, f, k), "%s: e = 2 refused", dh[i].name);
		ck_assert_msg(memcmp(f, k, dh[i].bytes) == 0, "%s: K != f for e = g", dh[i].name);
		/* 0, 1, p-1 and p are all refused. */
		e[dh[i].bytes - 1] = 0;
		ck_assert(!rp_kex_server_reply(m, NULL, e, f, k));
		e[dh[i].bytes - 1] = 1;
		ck_assert(!rp_kex_server_reply(m, NULL, e, f, k));
		memcpy(e, p, dh[i].bytes);
		ck_assert(!rp_kex_server_reply(m, NULL, e, f, k));
		e[dh[i].bytes - 1] -= 1;
		ck_assert(!rp_kex_server_reply(m, NULL, e, f, k));
	}
}
END_TEST

/* diffie-hellman-group-exchange-sha256 (RFC 4419 3): the exchange hash
 * puts min, n, max, p and g between K_S and e; checked against a known
 * answer computed independently in Python (hashlib, with RFC 4251 mpints),
 * for group 14, g = 2, an e with its top bit set and a K with a leading
 * zero byte. */
START_TEST(test_group_exchange_hash_known_answer)
{
	const struct rp_kex_method *m = rp_kex_method_by_name("diffie-hellman-group-exchange-sha256");
	static const char want_hex[] =
	    "ee9a896597eb99f9c10277589cd3a2dde9f589fca6f9a09d4ce881a5cd487783";
	uint8_t p[256], g = 2, e[256], f[256], k[256], h[RP_HASH_MAX_LEN], want[32];
	struct rp_kex_hash_parts parts;
	size_t hlen = 0;

	ck_assert_ptr_nonnull(m);
	ck_assert(m->kind == RP_KEX_DH_GEX && m->hash == RP_HASH_SHA256);
	ck_assert(rp_dh_group_prime(RP_DH_GROUP14, p));
	e[0] = 0x80;
	for (size_t i = 1; i < 256; i++)
		e[i] = (uint8_t)(i - 1);
	memset(f, 1, sizeof(f));
	memset(k, 0xaa, sizeof(k));
	k[0] = 0;
	k[1] = 0x7f;
	memset(&parts, 0, sizeof(parts));
	CBS_init(&parts.v_c, (const uint8_t *)"SSH-2.0-client", 14);
	CBS_init(&parts.v_s, (const uint8_t *)"SSH-2.0-server", 14);
	CBS_init(&parts.i_c, (const uint8_t *)"\x14" "client-kexinit", 15);
	CBS_init(&parts.i_s, (const uint8_t *)"\x14" "server-kexinit", 15);
	CBS_init(&parts.k_s, (const uint8_t *)"host-key-blob", 13);
	CBS_init(&parts.q_c, e, sizeof(e));
	CBS_init(&parts.q_s, f, sizeof(f));
	CBS_init(&parts.k, k, sizeof(k));
	parts.gex.min = 2048;
	parts.gex.n = 3072;
	parts.gex.max = 8192;
	CBS_init(&parts.gex.p, p, sizeof(p));
	CBS_init(&parts.gex.g, &g, 1);
	ck_assert_uint_eq(rp_kex_value_len(m, m->q_c_len, &parts.gex), 256);
	ck_assert(rp_kex_exchange_hash(m, &parts, h, &hlen));
	ck_assert_uint_eq(hlen, 32);
	rp_test_unhex(want_hex, want, sizeof(want));
	ck_assert_mem_eq(h, want, 32);

	/* Each group field is in the hash. */
	parts.gex.n = 4096;
	ck_assert(rp_kex_exchange_hash(m, &parts, h, &hlen));
	ck_assert(memcmp(h, want, 32) != 0);
	/* Values must be as long as the prime; the request must be one a
	 * server answers; a group must be there. */
	parts.gex.n = 3072;
	CBS_init(&parts.q_c, e, 255);
	ck_assert(!rp_kex_exchange_hash(m, &parts, h, &hlen));
	CBS_init(&parts.q_c, e, sizeof(e));
	parts.gex.max = 1536;
	parts.gex.n = parts.gex.min = 1024;
	ck_assert(!rp_kex_exchange_hash(m, &parts, h, &hlen));
	memset(&parts.gex, 0, sizeof(parts.gex));
	ck_assert(!rp_kex_exchange_hash(m, &parts, h, &hlen));
}
END_TEST

/* The server's side of a group exchange: any safe-prime group of 2048 to
 * 8192 bits, the same refusals as the fixed groups, and none without a
 * group or with a group out of shape. */
START_TEST(test_group_exchange_reply_and_refuse)
{
	const struct rp_kex_method *m = rp_kex_method_by_name("diffie-hellman-group-exchange-sha256");
	uint8_t p[512], g[2] = { 0, 2 }, e[512], f[512], k[512];
	struct rp_kex_gex gex;

	ck_assert(rp_kex_gex_request_ok(2048, 2048, 2048));
	ck_assert(rp_kex_gex_request_ok(1024, 2048, 8192));
	ck_assert(!rp_kex_gex_request_ok(2048, 1024, 8192));
	ck_assert(!rp_kex_gex_request_ok(2048, 8192, 4096));
	ck_assert(!rp_kex_gex_request_ok(512, 1024, 1536));

	ck_assert(rp_dh_group_prime(RP_DH_GROUP16, p));
	memset(&gex, 0, sizeof(gex));
	gex.min = 2048;
	gex.n = gex.max = 8192;
	CBS_init(&gex.p, p, 512);
	CBS_init(&gex.g, g + 1, 1);
	memset(e, 0, sizeof(e));
	e[511] = 2;
	ck_assert(rp_kex_server_reply(m, &gex, e, f, k));
	ck_assert_mem_eq(f, k, 512);
	/* e of 1 or p-1. */
	e[511] = 1;
	ck_assert(!rp_kex_server_reply(m, &gex, e, f, k));
	memcpy(e, p, 512);
	e[511] -= 1;
	ck_assert(!rp_kex_server_reply(m, &gex, e, f, k));
	e[511] = 2;
	memset(e, 0, 511);
	ck_assert(!rp_kex_server_reply(m, NULL, e, f, k));
	/* g of 1, g with a leading zero byte is still 2, g = p - 1. */
	g[1] = 1;
	ck_assert(!rp_kex_server_reply(m, &gex, e, f, k));
	g[1] = 2;
	CBS_init(&gex.g, g, 2);
	ck_assert(rp_kex_server_reply(m, &gex, e, f, k));
	memcpy(e + 256, p, 256); /* scratch: p - 1 as g */
	e[511] -= 1;
	CBS_init(&gex.g, e + 256, 256);
	ck_assert(!rp_dh_respond_group(p + 256, 256, e + 256, 256, e, f, k));
	/* A prime under 2048 bits, an even one, one with a leading zero. */
	ck_assert(!rp_dh_respond_group(p, 200, g + 1, 1, e, f, k));
	p[511] &= 0xfe;
	ck_assert(!rp_dh_respond_group(p, 512, g + 1, 1, e, f, k));
	p[511] |= 1;
	p[0] = 0;
	ck_assert(!rp_dh_respond_group(p, 512, g + 1, 1, e, f, k));
}
END_TEST

/* A client value the server must refuse: an ML-KEM key with a coefficient
 * of q or more (FIPS 203 7.2), or an X25519 value of small order. */
START_TEST(test_server_reply_refuses_bad_client_values)
{
	const struct rp_kex_method *m = rp_kex_method_by_name("mlkem768x25519-sha256");
	const struct rp_kex_method *x = rp_kex_method_by_name("curve25519-sha256");
	uint8_t q_c[RP_KEX_MAX_Q], q_s[RP_KEX_MAX_Q], k[RP_KEX_MAX_K], dk[RP_MLKEM768_DK_LEN];
	uint8_t priv[RP_X25519_LEN], zero[RP_X25519_LEN] = { 0 };

	rp_mlkem768_keygen(q_c, dk);
	rp_x25519_keypair(q_c + RP_MLKEM768_EK_LEN, priv);
	ck_assert(rp_kex_server_reply(m, NULL, q_c, q_s, k));
	/* The first coefficient all ones: 4095 >= q. */
	q_c[0] = 0xff;
	q_c[1] |= 0x0f;
	ck_assert_msg(!rp_kex_server_reply(m, NULL, q_c, q_s, k), "an ek with 4095 must be refused");
	ck_assert_msg(!rp_kex_server_reply(x, NULL, zero, q_s, k),
	    "the all-zero X25519 value gives the all-zero secret and must be refused");
}
END_TEST

/* ------------------------------------------------------------------------
 * KEXINIT build and parse
 */

static const struct rp_kex_offer offer = {
	.kex = "curve25519-sha256,curve25519-sha256@libssh.org",
	.hostkey = "ssh-ed25519,rsa-sha2-512",
	.ciphers = "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com",
	.macs = "hmac-sha2-256-etm@openssh.com,hmac-sha2-256",
};

static void
build(int is_server, int first_kex, uint8_t **out, size_t *len)
{
	CBB cbb;

	ck_assert(CBB_init(&cbb, 0));
	ck_assert_msg(rp_kexinit_build(&cbb, &offer, is_server, first_kex),
	    "rp_kexinit_build failed");
	ck_assert(CBB_finish(&cbb, out, len));
}

static void
check_built(int is_server, int first_kex)
{
	const char *want_kex;
	struct rp_kexinit k;
	uint8_t *buf;
	size_t len;

	if (!first_kex)
		want_kex = offer.kex;
	else if (is_server)
		want_kex = "curve25519-sha256,curve25519-sha256@libssh.org,"
		    "ext-info-s,kex-strict-s-v00@openssh.com";
	else
		want_kex = "curve25519-sha256,curve25519-sha256@libssh.org,"
		    "ext-info-c,kex-strict-c-v00@openssh.com";

	build(is_server, first_kex, &buf, &len);
	ck_assert_uint_eq(buf[0], 20); /* SSH_MSG_KEXINIT */
	ck_assert_msg(rp_kexinit_parse(buf, len, &k), "a built KEXINIT must parse (%s, first %d)",
	    is_server ? "server" : "client", first_kex);
	ck_assert_cbs_str(k.kex, want_kex);
	ck_assert_cbs_str(k.hostkey, offer.hostkey);
	ck_assert_cbs_str(k.cipher_c2s, offer.ciphers);
	ck_assert_cbs_str(k.cipher_s2c, offer.ciphers);
	ck_assert_cbs_str(k.mac_c2s, offer.macs);
	ck_assert_cbs_str(k.mac_s2c, offer.macs);
	ck_assert_cbs_str(k.comp_c2s, "none");
	ck_assert_cbs_str(k.comp_s2c, "none");
	ck_assert_uint_eq(CBS_len(&k.lang_c2s), 0);
	ck_assert_uint_eq(CBS_len(&k.lang_s2c), 0);
	ck_assert_int_eq(k.first_kex_follows, 0);

	/* The markers of the other role never appear. */
	ck_assert(!ssh_namelist_has(k.kex, is_server ? RP_KEX_EXT_INFO_C : RP_KEX_EXT_INFO_S));
	ck_assert(!ssh_namelist_has(k.kex, is_server ? RP_KEX_STRICT_C : RP_KEX_STRICT_S));
	OPENSSL_free(buf);
}

START_TEST(test_server_kexinit_has_s_markers_only_in_first_kex)
{
	check_built(1, 1);
	check_built(1, 0);
}
END_TEST

START_TEST(test_client_kexinit_has_c_markers_only_in_first_kex)
{
	check_built(0, 1);
	check_built(0, 0);
}
END_TEST

START_TEST(test_kexinit_cookie_is_random)
{
	uint8_t *a, *b;
	size_t alen, blen;

	build(1, 1, &a, &alen);
	build(1, 1, &b, &blen);
	ck_assert_uint_eq(alen, blen);
	ck_assert_msg(memcmp(a + 1, b + 1, 16) != 0, "two KEXINITs must not share a cookie");
	ck_assert_msg(memcmp(a + 17, b + 17, alen - 17) == 0, "and differ only in the cookie");
	OPENSSL_free(a);
	OPENSSL_free(b);
}
END_TEST

START_TEST(test_kexinit_parse_refuses_truncation_trailing_and_wrong_type)
{
	struct rp_kexinit k;
	uint8_t *buf, *longer;
	size_t len;

	build(1, 1, &buf, &len);
	ck_assert(rp_kexinit_parse(buf, len, &k));
	for (size_t cut = 0; cut < len; cut++)
		ck_assert_msg(!rp_kexinit_parse(buf, cut, &k),
		    "a KEXINIT cut to %zu of %zu bytes must be refused", cut, len);

	longer = malloc(len + 1);
	ck_assert_ptr_nonnull(longer);
	memcpy(longer, buf, len);
	longer[len] = 0;
	ck_assert_msg(!rp_kexinit_parse(longer, len + 1, &k),
	    "a KEXINIT with one trailing byte must be refused");
	free(longer);

	buf[0] = 21; /* SSH_MSG_NEWKEYS */
	ck_assert_msg(!rp_kexinit_parse(buf, len, &k), "message number 21 is not a KEXINIT");
	buf[0] = 0;
	ck_assert_msg(!rp_kexinit_parse(buf, len, &k), "message number 0 is not a KEXINIT");
	OPENSSL_free(buf);
}
END_TEST

/* ------------------------------------------------------------------------
 * Negotiation, on KEXINITs built field by field.
 */

enum { L_KEX, L_HOSTKEY, L_ENC_CS, L_ENC_SC, L_MAC_CS, L_MAC_SC, L_COMP_CS, L_COMP_SC, NLISTS };

struct kexinit_msg {
	uint8_t *buf;
	size_t len;
	struct rp_kexinit k;
};

static void
make_kexinit(struct kexinit_msg *m, const char *const lists[NLISTS], int follows)
{
	static const uint8_t cookie[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	CBB cbb;

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(CBB_add_u8(&cbb, 20) && CBB_add_bytes(&cbb, cookie, sizeof(cookie)));
	for (int i = 0; i < NLISTS; i++)
		ck_assert(ssh_add_cstring(&cbb, lists[i]));
	ck_assert(ssh_add_cstring(&cbb, "") && ssh_add_cstring(&cbb, ""));
	ck_assert(CBB_add_u8(&cbb, (uint8_t)follows) && CBB_add_u32(&cbb, 0));
	ck_assert(CBB_finish(&cbb, &m->buf, &m->len));
	ck_assert_msg(rp_kexinit_parse(m->buf, m->len, &m->k), "test KEXINIT must parse");
	ck_assert_int_eq(m->k.first_kex_follows, follows != 0);
}

static void
free_kexinit(struct kexinit_msg *m)
{
	OPENSSL_free(m->buf);
}

static const char *const client_lists[NLISTS] = {
	[L_KEX] = "curve25519-sha256@libssh.org,curve25519-sha256,ext-info-c,"
	    "kex-strict-c-v00@openssh.com",
	[L_HOSTKEY] = "rsa-sha2-512,ssh-ed25519,rsa-sha2-256",
	[L_ENC_CS] = "aes128-ctr,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com",
	[L_ENC_SC] = "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com",
	[L_MAC_CS] = "hmac-sha1,hmac-sha2-512,hmac-sha2-256",
	[L_MAC_SC] = "umac-64@openssh.com,hmac-sha2-256",
	[L_COMP_CS] = "zlib@openssh.com,none",
	[L_COMP_SC] = "none,zlib@openssh.com",
};

static const char *const server_lists[NLISTS] = {
	[L_KEX] = "curve25519-sha256,curve25519-sha256@libssh.org,ext-info-s,"
	    "kex-strict-s-v00@openssh.com",
	[L_HOSTKEY] = "ssh-ed25519,rsa-sha2-256,rsa-sha2-512",
	[L_ENC_CS] = "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes256-ctr",
	[L_ENC_SC] = "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com",
	[L_MAC_CS] = "hmac-sha2-256,hmac-sha2-512",
	[L_MAC_SC] = "hmac-sha2-256-etm@openssh.com,hmac-sha2-256",
	[L_COMP_CS] = "none",
	[L_COMP_SC] = "none",
};

/* Negotiate client_lists (with list `which` replaced by `client_list`, if
 * which >= 0) against server_lists. */
static int
negotiate_with(int which, const char *client_list, struct rp_kex_algs *algs, const char **what)
{
	const char *c[NLISTS];
	struct kexinit_msg cm, sm;
	int ok;

	memcpy(c, client_lists, sizeof(c));
	if (which >= 0)
		c[which] = client_list;
	make_kexinit(&cm, c, 0);
	make_kexinit(&sm, server_lists, 0);
	*what = NULL;
	ok = rp_kex_negotiate(&cm.k, &sm.k, algs, what);
	free_kexinit(&cm);
	free_kexinit(&sm);
	return ok;
}

START_TEST(test_negotiation_picks_clients_first_choice_on_server)
{
	struct rp_kex_algs a;
	const char *what;

	ck_assert_msg(negotiate_with(-1, NULL, &a, &what), "negotiation failed on %s", what);
	/* In every category the server's order differs from the client's, so
	 * a server-order pick would show. */
	ck_assert_str_eq(a.kex, "curve25519-sha256@libssh.org");
	ck_assert_str_eq(a.hostkey, "rsa-sha2-512");
	ck_assert_str_eq(a.cipher_c2s, "aes256-gcm@openssh.com"); /* aes128-ctr not on server */
	ck_assert_str_eq(a.cipher_s2c, "chacha20-poly1305@openssh.com");
	ck_assert_str_eq(a.mac_c2s, "hmac-sha2-512"); /* hmac-sha1 not on server */
	ck_assert_str_eq(a.mac_s2c, "hmac-sha2-256");
	ck_assert_str_eq(a.comp_c2s, "none"); /* zlib not on server */
	ck_assert_str_eq(a.comp_s2c, "none");
}
END_TEST

START_TEST(test_negotiation_reports_the_category_without_a_match)
{
	static const struct {
		int which;
		const char *what;
	} cat[] = {
		{ L_KEX, "key exchange" },
		{ L_HOSTKEY, "host key" },
		{ L_ENC_CS, "cipher (client to server)" },
		{ L_ENC_SC, "cipher (server to client)" },
		{ L_COMP_CS, "compression" },
		{ L_COMP_SC, "compression" },
	};

	for (size_t i = 0; i < sizeof(cat) / sizeof(cat[0]); i++) {
		struct rp_kex_algs a;
		const char *what;

		ck_assert_msg(!negotiate_with(cat[i].which, "nothing-in-common,zlib", &a, &what),
		    "no common %s algorithm: negotiation must fail", cat[i].what);
		ck_assert_msg(what != NULL && strcmp(what, cat[i].what) == 0,
		    "failure must name \"%s\", named \"%s\"", cat[i].what, what ? what : "(null)");
	}
}
END_TEST

START_TEST(test_negotiation_leaves_mac_empty_when_none_matches)
{
	/* By design a MAC mismatch is not a negotiation failure (AEAD ciphers
	 * need no MAC); the MAC comes back empty and common/transport.c
	 * refuses it for a non-AEAD cipher. */
	struct rp_kex_algs a;
	const char *what;

	ck_assert(negotiate_with(L_MAC_CS, "nothing-in-common", &a, &what));
	ck_assert_str_eq(a.mac_c2s, "");
	ck_assert_str_eq(a.mac_s2c, "hmac-sha2-256");
	ck_assert(negotiate_with(L_MAC_SC, "nothing-in-common", &a, &what));
	ck_assert_str_eq(a.mac_c2s, "hmac-sha2-512");
	ck_assert_str_eq(a.mac_s2c, "");
}
END_TEST

START_TEST(test_kex_markers_are_never_negotiated_as_methods)
{
	static const char *const client_kex[] = {
		/* a client that lists its markers first */
		"ext-info-c,kex-strict-c-v00@openssh.com,curve25519-sha256",
		/* a hostile client echoing the server's own markers first */
		"ext-info-s,kex-strict-s-v00@openssh.com,curve25519-sha256",
		"kex-strict-s-v00@openssh.com,curve25519-sha256",
		"ext-info-s",
	};
	struct rp_kexinit server;
	uint8_t *buf;
	size_t len;

	/* The server's real first KEXINIT, markers and all. */
	build(1, 1, &buf, &len);
	ck_assert(rp_kexinit_parse(buf, len, &server));

	for (size_t i = 0; i < sizeof(client_kex) / sizeof(client_kex[0]); i++) {
		const char *c[NLISTS];
		struct kexinit_msg cm;
		struct rp_kex_algs a;
		const char *what = NULL;
		int ok;

		memcpy(c, client_lists, sizeof(c));
		c[L_KEX] = client_kex[i];
		c[L_HOSTKEY] = "ssh-ed25519";
		c[L_ENC_CS] = c[L_ENC_SC] = "chacha20-poly1305@openssh.com";
		make_kexinit(&cm, c, 0);
		ok = rp_kex_negotiate(&cm.k, &server, &a, &what);
		if (i == 0)
			ck_assert_msg(ok && strcmp(a.kex, "curve25519-sha256") == 0,
			    "client markers first: must negotiate curve25519-sha256, got %s",
			    ok ? a.kex : what);
		/* Either a real method or a failure naming key exchange,
		 * never a marker. */
		if (ok)
			ck_assert_msg(rp_kex_method_by_name(a.kex) != NULL,
			    "client kex \"%s\": negotiated \"%s\", which is not a method",
			    client_kex[i], a.kex);
		else
			ck_assert_str_eq(what, "key exchange");
		free_kexinit(&cm);
	}
	OPENSSL_free(buf);
}
END_TEST

/* ------------------------------------------------------------------------
 * The guessed first packet (RFC 4253 section 7).
 */

/* Is the client's guess right, by rp_kex_guess_right, for these lists? */
static int
client_guess_right(const char *ckex, const char *chk, const char *skex, const char *shk)
{
	const char *c[NLISTS], *s[NLISTS];
	struct kexinit_msg cm, sm;
	struct rp_kex_algs a;
	const char *what;
	int right;

	memcpy(c, client_lists, sizeof(c));
	memcpy(s, server_lists, sizeof(s));
	c[L_KEX] = ckex;
	c[L_HOSTKEY] = chk;
	s[L_KEX] = skex;
	s[L_HOSTKEY] = shk;
	make_kexinit(&cm, c, 1);
	make_kexinit(&sm, s, 0);
	ck_assert_msg(rp_kex_negotiate(&cm.k, &sm.k, &a, &what), "negotiation failed on %s", what);
	right = rp_kex_guess_right(&cm.k, &sm.k);
	free_kexinit(&cm);
	free_kexinit(&sm);
	return right;
}

START_TEST(test_guess_is_right_when_both_first_choices_agree)
{
	ck_assert_msg(client_guess_right("curve25519-sha256,curve25519-sha256@libssh.org",
	    "ssh-ed25519", "curve25519-sha256,curve25519-sha256@libssh.org",
	    "ssh-ed25519,rsa-sha2-512"),
	    "same first kex and host key on both sides: the guess is right");
	ck_assert_msg(client_guess_right("curve25519-sha256", "ssh-ed25519,rsa-sha2-512",
	    "curve25519-sha256", "ssh-ed25519"),
	    "same first kex and host key on both sides: the guess is right");
}
END_TEST

START_TEST(test_guess_is_wrong_when_clients_first_choice_is_not_negotiated)
{
	ck_assert_msg(!client_guess_right("sntrup761x25519-sha512@openssh.com,curve25519-sha256",
	    "ssh-ed25519", "curve25519-sha256", "ssh-ed25519"),
	    "client's first kex is not on the server: the guess is wrong");
	ck_assert_msg(!client_guess_right("curve25519-sha256", "ecdsa-sha2-nistp256,ssh-ed25519",
	    "curve25519-sha256", "ssh-ed25519"),
	    "client's first host key is not on the server: the guess is wrong");
}
END_TEST

/* RFC 4253 7: the guess is wrong whenever the preferred algorithms differ,
 * "even if the error in the guess would not affect the contents of the
 * initial packet(s)"; the guesser then sends its packet again. */
START_TEST(test_guess_is_wrong_when_preferred_algorithms_differ)
{
	ck_assert_msg(!client_guess_right("curve25519-sha256@libssh.org,curve25519-sha256",
	    "ssh-ed25519", "curve25519-sha256,curve25519-sha256@libssh.org", "ssh-ed25519"),
	    "client prefers curve25519-sha256@libssh.org, server prefers curve25519-sha256: "
	    "RFC 4253 7 says the guess is wrong even though the client's choice is negotiated");
	ck_assert_msg(!client_guess_right("curve25519-sha256", "rsa-sha2-512,ssh-ed25519",
	    "curve25519-sha256", "ssh-ed25519,rsa-sha2-512"),
	    "client prefers host key rsa-sha2-512, server ssh-ed25519: "
	    "RFC 4253 7 says the guess is wrong even though the client's choice is negotiated");
}
END_TEST

/* ------------------------------------------------------------------------
 * Exchange hash and key derivation, known answers.
 *
 * Computed with /usr/bin/python3 (hashlib), independently of rampart:
 *
 *   import hashlib, struct
 *   s = lambda b: struct.pack(">I", len(b)) + b
 *   def mpint(k):
 *       n = int.from_bytes(k, "big"); b = n.to_bytes((n.bit_length() + 7) // 8, "big")
 *       return s(b"\0" + b if b and b[0] & 0x80 else b)
 *   V_C = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"; V_S = b"SSH-2.0-rampart_0.1.0"
 *   I_C = b"\x14" + bytes(range(16)) + b"client kexinit"
 *   I_S = b"\x14" + bytes(range(16, 32)) + b"server kexinit"
 *   K_S = s(b"ssh-ed25519") + s(bytes([0xaa]) * 32)
 *   Q_C = bytes(range(32)); Q_S = bytes(range(32, 64))
 *   K_lead0 = bytes([0, 0, 0x7f]) + bytes(range(1, 30))
 *   K_high = bytes([0x9c]) + bytes(range(101, 132))
 *   K_lead0high = bytes([0, 0xff]) + bytes(range(200, 230))
 *   H = lambda K: hashlib.sha256(s(V_C) + s(V_S) + s(I_C) + s(I_S) + s(K_S) + s(Q_C)
 *                                + s(Q_S) + mpint(K)).digest()
 *   # derivation: K = mpint(K_high), H = H(K_high), session_id = H(K_lead0)
 *   k1 = hashlib.sha256(K + H + X + session_id).digest()
 *   k2 = hashlib.sha256(K + H + k1).digest()      # key = (k1 + k2)[:need]
 */

#define V_C "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"
#define V_S "SSH-2.0-rampart_0.1.0"

struct kex_vector {
	const char *name;
	const char *k;     /* raw 32-byte X25519 output */
	const char *mpint; /* K as it enters the hash */
	const char *h;
};

static const struct kex_vector vectors[] = {
	{ "K with two leading zero bytes",
	    "00007f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d",
	    "0000001e7f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d",
	    "a1a7e796e675bb047866656e7bf4e621c8ed57ce7308da0814874ea459d0ed99" },
	{ "K with the top bit set",
	    "9c65666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80818283",
	    "00000021009c65666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80818283",
	    "32eb58250e5f38305cccfe759e2b16fdedd345b9f3ec21fccaf55838b7b31f96" },
	{ "K with a leading zero, then the top bit set",
	    "00ffc8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5",
	    "0000002000ffc8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5",
	    "153299ac42106fb098ba2afcc6989e70c00fd833bb9b3b45341f51c382820f1d" },
};

/* The fixed inputs of the Python above. */
struct hash_inputs {
	uint8_t i_c[31], i_s[31], k_s[4 + 11 + 4 + 32], q_c[32], q_s[32];
};

static void
fill_inputs(struct hash_inputs *in)
{
	in->i_c[0] = 0x14;
	in->i_s[0] = 0x14;
	for (int i = 0; i < 16; i++) {
		in->i_c[1 + i] = (uint8_t)i;
		in->i_s[1 + i] = (uint8_t)(16 + i);
	}
	memcpy(in->i_c + 17, "client kexinit", 14);
	memcpy(in->i_s + 17, "server kexinit", 14);
	memcpy(in->k_s, "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20", 4 + 11 + 4);
	memset(in->k_s + 19, 0xaa, 32);
	for (int i = 0; i < 32; i++) {
		in->q_c[i] = (uint8_t)i;
		in->q_s[i] = (uint8_t)(32 + i);
	}
}

static void
set_parts(struct rp_kex_hash_parts *p, const struct hash_inputs *in, const uint8_t *k, size_t k_len)
{
	CBS_init(&p->v_c, LIT(V_C));
	CBS_init(&p->v_s, LIT(V_S));
	CBS_init(&p->i_c, in->i_c, sizeof(in->i_c));
	CBS_init(&p->i_s, in->i_s, sizeof(in->i_s));
	CBS_init(&p->k_s, in->k_s, sizeof(in->k_s));
	CBS_init(&p->q_c, in->q_c, sizeof(in->q_c));
	CBS_init(&p->q_s, in->q_s, sizeof(in->q_s));
	CBS_init(&p->k, k, k_len);
}

START_TEST(test_encode_k_is_rfc4251_mpint_of_k)
{
	const struct rp_kex_method *m = rp_kex_method_by_name("curve25519-sha256");

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		uint8_t k[32], want[64], *got;
		size_t klen, wantlen, gotlen;
		CBB cbb;

		klen = rp_test_unhex(vectors[i].k, k, sizeof(k));
		wantlen = rp_test_unhex(vectors[i].mpint, want, sizeof(want));
		ck_assert(CBB_init(&cbb, 0));
		ck_assert(rp_kex_encode_k(m, k, klen, &cbb));
		ck_assert(CBB_finish(&cbb, &got, &gotlen));
		ck_assert_msg(gotlen == wantlen && memcmp(got, want, wantlen) == 0,
		    "%s: mpint encoding differs from RFC 4251 (got %zu bytes, want %zu)",
		    vectors[i].name, gotlen, wantlen);
		OPENSSL_free(got);

		/* K must be exactly the method's length. */
		ck_assert(CBB_init(&cbb, 0));
		ck_assert_msg(!rp_kex_encode_k(m, k, klen - 1, &cbb),
		    "a 31-byte K must be refused");
		CBB_cleanup(&cbb);
	}
}
END_TEST

START_TEST(test_exchange_hash_known_answers)
{
	struct hash_inputs in;

	fill_inputs(&in);
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		/* Both method names hash the same way. */
		const char *names[] = { "curve25519-sha256", "curve25519-sha256@libssh.org" };

		for (int n = 0; n < 2; n++) {
			struct rp_kex_hash_parts p;
			uint8_t k[32], want[32], h[RP_HASH_MAX_LEN];
			size_t hlen = 0;

			ck_assert_uint_eq(rp_test_unhex(vectors[i].k, k, sizeof(k)), 32);
			rp_test_unhex(vectors[i].h, want, sizeof(want));
			set_parts(&p, &in, k, sizeof(k));
			const struct rp_kex_method *m = rp_kex_method_by_name(names[n]);

			ck_assert_msg(rp_kex_exchange_hash(m, &p, h, &hlen),
			    "%s: exchange hash failed", vectors[i].name);
			ck_assert_uint_eq(hlen, 32);
			ck_assert_msg(memcmp(h, want, 32) == 0,
			    "%s (%s): exchange hash differs from the Python known answer",
			    vectors[i].name, names[n]);
		}
	}
}
END_TEST

START_TEST(test_exchange_hash_refuses_wrong_lengths)
{
	const struct rp_kex_method *m = rp_kex_method_by_name("curve25519-sha256");
	struct rp_kex_hash_parts p;
	struct hash_inputs in;
	uint8_t k[32] = { 1 }, h[RP_HASH_MAX_LEN];
	size_t hlen;

	fill_inputs(&in);
	set_parts(&p, &in, k, 31);
	ck_assert_msg(!rp_kex_exchange_hash(m, &p, h, &hlen), "a 31-byte K must be refused");
	set_parts(&p, &in, k, 32);
	CBS_init(&p.q_c, in.q_c, 31);
	ck_assert_msg(!rp_kex_exchange_hash(m, &p, h, &hlen), "a 31-byte Q_C must be refused");
	set_parts(&p, &in, k, 32);
	CBS_init(&p.q_s, in.i_s, 31 /* any 31 bytes */);
	ck_assert_msg(!rp_kex_exchange_hash(m, &p, h, &hlen), "a 31-byte Q_S must be refused");
}
END_TEST

/* rp_kex_derive with K = mpint(K_high), H = H(K_high), session_id =
 * H(K_lead0): (k1 || k2) per letter; shorter keys are prefixes. */
static const char *const derive_want[6] = {
	"8ac5e9322250e0e58245f6741379a876db8c60aa4399cff67e4388379cbb4188"
	"fd38fea17dfe280b2d357c305781a01aeaa0c77eb83942460e5fef6a8084a8dc",
	"0b99ba5825d4ae700540f7e2cb5d3e2855e082299f17c0d2cacd1e728f434488"
	"504ea065058cbde1a633c9c99db1f2db197fae302054086a2fb77b628d81a968",
	"a7440157c47122b610a2207b0335af1918f728b1269d47e4a7dd65e5ffb1d311"
	"f0c58b9f461e783edfe04a72ddd72f8c15148c912a79ceb7e18287445d0af475",
	"8244bdf65a6f5868233af5ed891991866bc9f38e85cf6a934c66d8450c60b5d2"
	"f5c541e7c5c70740dc6a54416175d4481c9ad88939ed63e2584f29cb543b75e9",
	"ae41e5c15ca2e543e723c68ba0e6c98eeab10831e9e8f39f1523cdbd9b400961"
	"607a30a9310c29476fdfa3a1c099662e42af40020773c42b3e620cd8aabbe97b",
	"edfbd7561d9962e12cebd5b3209f7a6d9604ab00f73b469abc6952d25a247bce"
	"30b4ee516f51f93bb4c1b985edf10647e315953d2d830f7d9fe6e99322b33bc1",
};

START_TEST(test_derive_known_answers_for_every_letter_and_length)
{
	static const size_t lengths[] = { 12, 16, 32, 64 };
	uint8_t k_enc[64], h[32], sid[32];
	size_t k_enc_len;

	k_enc_len = rp_test_unhex(vectors[1].mpint, k_enc, sizeof(k_enc));
	rp_test_unhex(vectors[1].h, h, sizeof(h));
	rp_test_unhex(vectors[0].h, sid, sizeof(sid));

	for (int l = 0; l < 6; l++) {
		char letter = (char)('A' + l);
		uint8_t want[64];

		rp_test_unhex(derive_want[l], want, sizeof(want));
		for (size_t j = 0; j < sizeof(lengths) / sizeof(lengths[0]); j++) {
			uint8_t out[64 + 8];

			memset(out, 0xee, sizeof(out));
			ck_assert_msg(rp_kex_derive(RP_HASH_SHA256, k_enc, k_enc_len, h, sizeof(h),
			    letter, sid, sizeof(sid), out, lengths[j]),
			    "derive '%c' %zu bytes failed", letter, lengths[j]);
			ck_assert_msg(memcmp(out, want, lengths[j]) == 0,
			    "derive '%c' %zu bytes differs from the Python known answer%s", letter,
			    lengths[j], lengths[j] > 32 ? " (K1 || K2 extension)" : "");
			ck_assert_msg(out[lengths[j]] == 0xee,
			    "derive '%c' wrote past the %zu bytes asked for", letter, lengths[j]);
		}
	}
}
END_TEST

START_TEST(test_derive_keeps_h_and_session_id_apart)
{
	/* After the first exchange H == session_id; after a re-exchange they
	 * differ and swapping them would still "work" between two rampart
	 * peers. The known answers above use H != session_id; here swapping
	 * them must change the key. */
	uint8_t k_enc[64], h[32], sid[32], a[32], b[32];
	size_t k_enc_len;

	k_enc_len = rp_test_unhex(vectors[1].mpint, k_enc, sizeof(k_enc));
	rp_test_unhex(vectors[1].h, h, sizeof(h));
	rp_test_unhex(vectors[0].h, sid, sizeof(sid));
	ck_assert(rp_kex_derive(RP_HASH_SHA256, k_enc, k_enc_len, h, 32, 'C', sid, 32, a, 32));
	ck_assert(rp_kex_derive(RP_HASH_SHA256, k_enc, k_enc_len, sid, 32, 'C', h, 32, b, 32));
	ck_assert_msg(memcmp(a, b, 32) != 0, "H and session_id must not be interchangeable");
}
END_TEST

RP_TEST_SUITE(kex)
{
	Suite *s = suite_create("kex");
	TCase *methods = tcase_create("methods");
	TCase *kexinit = tcase_create("kexinit");
	TCase *negotiate = tcase_create("negotiate");
	TCase *hash = tcase_create("hash");

	tcase_add_test(methods, test_method_by_name_knows_both_curve25519_names);
	tcase_add_test(methods, test_method_by_name_is_null_for_anything_else);
	tcase_add_test(methods, test_supported_list_names_only_known_methods);
	tcase_add_test(methods, test_hybrid_methods_have_their_sizes);
	tcase_add_test(methods, test_server_reply_agrees_with_the_client);
	tcase_add_test(methods, test_server_reply_refuses_bad_client_values);
	tcase_add_test(methods, test_dh_groups_reply_and_refuse);
	tcase_add_test(methods, test_group_exchange_hash_known_answer);
	tcase_add_test(methods, test_group_exchange_reply_and_refuse);
	suite_add_tcase(s, methods);

	tcase_add_test(kexinit, test_server_kexinit_has_s_markers_only_in_first_kex);
	tcase_add_test(kexinit, test_client_kexinit_has_c_markers_only_in_first_kex);
	tcase_add_test(kexinit, test_kexinit_cookie_is_random);
	tcase_add_test(kexinit, test_kexinit_parse_refuses_truncation_trailing_and_wrong_type);
	suite_add_tcase(s, kexinit);

	tcase_add_test(negotiate, test_negotiation_picks_clients_first_choice_on_server);
	tcase_add_test(negotiate, test_negotiation_reports_the_category_without_a_match);
	tcase_add_test(negotiate, test_negotiation_leaves_mac_empty_when_none_matches);
	tcase_add_test(negotiate, test_kex_markers_are_never_negotiated_as_methods);
	tcase_add_test(negotiate, test_guess_is_right_when_both_first_choices_agree);
	tcase_add_test(negotiate, test_guess_is_wrong_when_clients_first_choice_is_not_negotiated);
	tcase_add_test(negotiate, test_guess_is_wrong_when_preferred_algorithms_differ);
	suite_add_tcase(s, negotiate);

	tcase_add_test(hash, test_encode_k_is_rfc4251_mpint_of_k);
	tcase_add_test(hash, test_exchange_hash_known_answers);
	tcase_add_test(hash, test_exchange_hash_refuses_wrong_lengths);
	tcase_add_test(hash, test_derive_known_answers_for_every_letter_and_length);
	tcase_add_test(hash, test_derive_keeps_h_and_session_id_apart);
	suite_add_tcase(s, hash);
	return s;
}

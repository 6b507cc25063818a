/*
 * common/kex.c: kex method table, KEXINIT, negotiation, exchange hash and
 * key derivation (RFC 4253 sections 7 and 8; RFC 8731; RFC 8308 markers;
 * OpenSSH PROTOCOL 1.9 for strict kex markers).
 */
#include "common/kex.h"

#include <string.h>

#include "common/ssh_msg.h"
#include "common/wire.h"
#include "crypto/dh.h"
#include "crypto/ecdh.h"
#include "crypto/mlkem768.h"
#include "crypto/secret.h"
#include "crypto/sntrup761.h"
#include "crypto/x25519.h"

/* Best first: the order of OpenSSH 10's default. */
static const struct rp_kex_method kex_methods[] = {
	{ "mlkem768x25519-sha256", RP_HASH_SHA256, RP_KEX_MLKEM768_X25519,
	  RP_MLKEM768_EK_LEN + RP_X25519_LEN, RP_MLKEM768_CT_LEN + RP_X25519_LEN, 32, 0, 0 },
	{ "sntrup761x25519-sha512", RP_HASH_SHA512, RP_KEX_SNTRUP761_X25519,
	  RP_SNTRUP761_PK_LEN + RP_X25519_LEN, RP_SNTRUP761_CT_LEN + RP_X25519_LEN, 64, 0, 0 },
	{ "sntrup761x25519-sha512@openssh.com", RP_HASH_SHA512, RP_KEX_SNTRUP761_X25519,
	  RP_SNTRUP761_PK_LEN + RP_X25519_LEN, RP_SNTRUP761_CT_LEN + RP_X25519_LEN, 64, 0, 0 },
	{ "curve25519-sha256", RP_HASH_SHA256, RP_KEX_X25519, 32, 32, 32, 1, 0 },
	{ "curve25519-sha256@libssh.org", RP_HASH_SHA256, RP_KEX_X25519, 32, 32, 32, 1, 0 },
	/* RFC 5656: uncompressed points; K is the x-coordinate as an mpint. */
	{ "ecdh-sha2-nistp256", RP_HASH_SHA256, RP_KEX_ECDH_P256, 65, 65, 32, 1, 0 },
	{ "ecdh-sha2-nistp384", RP_HASH_SHA384, RP_KEX_ECDH_P384, 97, 97, 48, 1, 0 },
	{ "ecdh-sha2-nistp521", RP_HASH_SHA512, RP_KEX_ECDH_P521, 133, 133, 66, 1, 0 },
	/* RFC 4419 with SHA-256 (RFC 8270): sizes follow the group. */
	{ "diffie-hellman-group-exchange-sha256", RP_HASH_SHA256, RP_KEX_DH_GEX, 0, 0, 0, 1, 1 },
	/* RFC 8268: e, f and K as mpints, padded here to the prime's size. */
	{ "diffie-hellman-group16-sha512", RP_HASH_SHA512, RP_KEX_DH_GROUP16, 512, 512, 512, 1, 1 },
	{ "diffie-hellman-group18-sha512", RP_HASH_SHA512, RP_KEX_DH_GROUP18, 1024, 1024, 1024, 1,
	  1 },
	{ "diffie-hellman-group14-sha256", RP_HASH_SHA256, RP_KEX_DH_GROUP14, 256, 256, 256, 1, 1 },
};

const struct rp_kex_method *
rp_kex_method_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(kex_methods) / sizeof(kex_methods[0]); i++)
		if (strcmp(kex_methods[i].name, name) == 0)
			return &kex_methods[i];
	return NULL;
}

const char *
rp_kex_supported_list(void)
{
	return "mlkem768x25519-sha256,sntrup761x25519-sha512,"
	    "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,"
	    "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
	    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
	    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
}

size_t
rp_kex_value_len(const struct rp_kex_method *method, size_t fixed, const struct rp_kex_gex *gex)
{
	return method->kind == RP_KEX_DH_GEX ? (gex != NULL ? CBS_len(&gex->p) : 0) : fixed;
}

int
rp_kex_gex_request_ok(uint32_t min, uint32_t n, uint32_t max)
{
	return min <= n && n <= max && max >= RP_DH_GEX_MIN_BITS;
}

/* Our X25519 value into q_s_x and the secret into shared; 0 for the
 * all-zero secret (RFC 8731 3). */
static int
x25519_respond(const uint8_t *q_c_x, uint8_t *q_s_x, uint8_t shared[RP_X25519_LEN])
{
	uint8_t priv[RP_X25519_LEN];
	int ok;

	rp_x25519_keypair(q_s_x, priv);
	ok = rp_x25519_shared(shared, priv, q_c_x);
	rp_wipe(priv, sizeof(priv));
	return ok;
}

int
rp_kex_server_reply(const struct rp_kex_method *method, const struct rp_kex_gex *gex,
    const uint8_t *q_c, uint8_t *q_s, uint8_t *k)
{
	/* The KEM's secret, then X25519's: what K hashes. */
	uint8_t secrets[RP_SNTRUP761_SS_LEN + RP_X25519_LEN];
	size_t kem_ct_len;
	int ok = 0;

	switch (method->kind) {
	case RP_KEX_X25519:
		return x25519_respond(q_c, q_s, k);
	case RP_KEX_ECDH_P256:
		return rp_ecdh_respond(RP_EC_P256, q_c, q_s, k);
	case RP_KEX_ECDH_P384:
		return rp_ecdh_respond(RP_EC_P384, q_c, q_s, k);
	case RP_KEX_ECDH_P521:
		return rp_ecdh_respond(RP_EC_P521, q_c, q_s, k);
	case RP_KEX_DH_GROUP14:
		return rp_dh_respond(RP_DH_GROUP14, q_c, q_s, k);
	case RP_KEX_DH_GROUP16:
		return rp_dh_respond(RP_DH_GROUP16, q_c, q_s, k);
	case RP_KEX_DH_GROUP18:
		return rp_dh_respond(RP_DH_GROUP18, q_c, q_s, k);
	case RP_KEX_DH_GEX:
		return gex != NULL && rp_dh_respond_group(CBS_data(&gex->p), CBS_len(&gex->p),
		    CBS_data(&gex->g), CBS_len(&gex->g), q_c, q_s, k);
	case RP_KEX_MLKEM768_X25519:
		kem_ct_len = RP_MLKEM768_CT_LEN;
		ok = rp_mlkem768_encaps(q_c, q_s, secrets) &&
		    x25519_respond(q_c + RP_MLKEM768_EK_LEN, q_s + kem_ct_len, secrets + 32);
		break;
	case RP_KEX_SNTRUP761_X25519:
		/* Every sntrup761 public key encoding is valid: nothing to
		 * refuse on the KEM side. */
		kem_ct_len = RP_SNTRUP761_CT_LEN;
		rp_sntrup761_enc(q_s, secrets, q_c, NULL, NULL);
		ok = x25519_respond(q_c + RP_SNTRUP761_PK_LEN, q_s + kem_ct_len, secrets + 32);
		break;
	}
	if (ok)
		rp_hash(method->hash, secrets, sizeof(secrets), k);
	rp_wipe(secrets, sizeof(secrets));
	return ok;
}

int
rp_kexinit_parse(const uint8_t *payload, size_t len, struct rp_kexinit *out)
{
	CBS cbs, cookie;
	uint8_t type, follows;
	uint32_t reserved;

	memset(out, 0, sizeof(*out));
	CBS_init(&cbs, payload, len);
	if (!CBS_get_u8(&cbs, &type) || type != SSH_MSG_KEXINIT ||
	    !CBS_get_bytes(&cbs, &cookie, 16) || !ssh_get_string(&cbs, &out->kex) ||
	    !ssh_get_string(&cbs, &out->hostkey) || !ssh_get_string(&cbs, &out->cipher_c2s) ||
	    !ssh_get_string(&cbs, &out->cipher_s2c) || !ssh_get_string(&cbs, &out->mac_c2s) ||
	    !ssh_get_string(&cbs, &out->mac_s2c) || !ssh_get_string(&cbs, &out->comp_c2s) ||
	    !ssh_get_string(&cbs, &out->comp_s2c) || !ssh_get_string(&cbs, &out->lang_c2s) ||
	    !ssh_get_string(&cbs, &out->lang_s2c) || !CBS_get_u8(&cbs, &follows) ||
	    !CBS_get_u32(&cbs, &reserved))
		return 0;
	/* RFC 4253 7.1 reserves the trailing uint32 for extensions; anything
	 * after it is not KEXINIT as we know it. */
	if (CBS_len(&cbs) != 0)
		return 0;
	out->first_kex_follows = follows != 0;
	return 1;
}

int
rp_kexinit_build(CBB *out, const struct rp_kex_offer *offer, int is_server, int first_kex)
{
	uint8_t cookie[16];
	CBB kex;

	rp_random_bytes(cookie, sizeof(cookie));
	if (!CBB_add_u8(out, SSH_MSG_KEXINIT) || !CBB_add_bytes(out, cookie, sizeof(cookie)) ||
	    !ssh_begin_string(out, &kex) || !CBB_add_bytes(&kex, (const uint8_t *)offer->kex,
	    strlen(offer->kex)))
		return 0;
	if (first_kex) {
		const char *ext = is_server ? RP_KEX_EXT_INFO_S : RP_KEX_EXT_INFO_C;
		const char *strict = is_server ? RP_KEX_STRICT_S : RP_KEX_STRICT_C;

		if (!CBB_add_u8(&kex, ',') ||
		    !CBB_add_bytes(&kex, (const uint8_t *)ext, strlen(ext)) ||
		    !CBB_add_u8(&kex, ',') ||
		    !CBB_add_bytes(&kex, (const uint8_t *)strict, strlen(strict)))
			return 0;
	}
	return CBB_flush(out) && ssh_add_cstring(out, offer->hostkey) &&
	    ssh_add_cstring(out, offer->ciphers) && ssh_add_cstring(out, offer->ciphers) &&
	    ssh_add_cstring(out, offer->macs) && ssh_add_cstring(out, offer->macs) &&
	    ssh_add_cstring(out, offer->compression != NULL ? offer->compression : "none") &&
	    ssh_add_cstring(out, offer->compression != NULL ? offer->compression : "none") &&
	    ssh_add_cstring(out, "") && ssh_add_cstring(out, "") && CBB_add_u8(out, 0) &&
	    CBB_add_u32(out, 0);
}

/* The client's list decides the order (RFC 4253 7.1). Markers such as
 * ext-info-c are never offered by the other side as methods, so they never
 * negotiate. */
static int
pick(CBS client, CBS server, char *out, size_t outsz)
{
	return ssh_namelist_negotiate(client, server, out, outsz);
}

int
rp_kex_negotiate(const struct rp_kexinit *client, const struct rp_kexinit *server,
    struct rp_kex_algs *out, const char **what)
{
	memset(out, 0, sizeof(*out));
	if (!pick(client->kex, server->kex, out->kex, sizeof(out->kex)) ||
	    rp_kex_method_by_name(out->kex) == NULL) {
		*what = "key exchange";
		return 0;
	}
	if (!pick(client->hostkey, server->hostkey, out->hostkey, sizeof(out->hostkey))) {
		*what = "host key";
		return 0;
	}
	if (!pick(client->cipher_c2s, server->cipher_c2s, out->cipher_c2s,
	    sizeof(out->cipher_c2s))) {
		*what = "cipher (client to server)";
		return 0;
	}
	if (!pick(client->cipher_s2c, server->cipher_s2c, out->cipher_s2c,
	    sizeof(out->cipher_s2c))) {
		*what = "cipher (server to client)";
		return 0;
	}
	if (!pick(client->comp_c2s, server->comp_c2s, out->comp_c2s, sizeof(out->comp_c2s)) ||
	    !pick(client->comp_s2c, server->comp_s2c, out->comp_s2c, sizeof(out->comp_s2c))) {
		*what = "compression";
		return 0;
	}
	/* MACs are negotiated even for AEAD ciphers; the caller ignores them
	 * there. A missing MAC only matters for a non-AEAD cipher, so a
	 * failure here is reported, and the caller decides. */
	if (!pick(client->mac_c2s, server->mac_c2s, out->mac_c2s, sizeof(out->mac_c2s)))
		out->mac_c2s[0] = '\0';
	if (!pick(client->mac_s2c, server->mac_s2c, out->mac_s2c, sizeof(out->mac_s2c)))
		out->mac_s2c[0] = '\0';
	return 1;
}

/* The first name of a name-list, or an empty CBS. */
static CBS
first_name(CBS list)
{
	CBS first;

	if (!ssh_namelist_next(&list, &first))
		CBS_init(&first, NULL, 0);
	return first;
}

static int
same_first(CBS a, CBS b)
{
	CBS fa = first_name(a), fb = first_name(b);

	return CBS_len(&fa) > 0 && CBS_len(&fa) == CBS_len(&fb) &&
	    CBS_mem_equal(&fa, CBS_data(&fb), CBS_len(&fb));
}

int
rp_kex_guess_right(const struct rp_kexinit *client, const struct rp_kexinit *server)
{
	return same_first(client->kex, server->kex) && same_first(client->hostkey, server->hostkey);
}

int
rp_kex_encode_k(const struct rp_kex_method *method, const uint8_t *k, size_t k_len, CBB *out)
{
	if (method->kind == RP_KEX_DH_GEX ? k_len == 0 || k_len > RP_KEX_MAX_K :
	    k_len != method->k_len)
		return 0;
	return method->k_is_mpint ? ssh_add_mpint_be(out, k, k_len) :
	    ssh_add_string(out, k, k_len);
}

static int
add_part(CBB *cbb, const CBS *part)
{
	return ssh_add_string(cbb, CBS_data(part), CBS_len(part));
}

/* Q_C or Q_S as the method carries it: a string, or DH's mpint. */
static int
add_value(CBB *cbb, const struct rp_kex_method *method, const CBS *v)
{
	return method->q_is_mpint ? ssh_add_mpint_be(cbb, CBS_data(v), CBS_len(v)) :
	    add_part(cbb, v);
}

int
rp_kex_exchange_hash(const struct rp_kex_method *method, const struct rp_kex_hash_parts *p,
    uint8_t *out, size_t *out_len)
{
	CBB cbb;
	uint8_t *data;
	size_t len;

	int gex = method->kind == RP_KEX_DH_GEX;

	if (CBS_len(&p->q_c) != rp_kex_value_len(method, method->q_c_len, &p->gex) ||
	    CBS_len(&p->q_s) != rp_kex_value_len(method, method->q_s_len, &p->gex) ||
	    CBS_len(&p->q_c) == 0)
		return 0;
	if (gex && (CBS_len(&p->k) != CBS_len(&p->gex.p) || CBS_len(&p->gex.g) == 0 ||
	    !rp_kex_gex_request_ok(p->gex.min, p->gex.n, p->gex.max)))
		return 0;
	if (!CBB_init(&cbb, 2048))
		return 0;
	if (!add_part(&cbb, &p->v_c) || !add_part(&cbb, &p->v_s) || !add_part(&cbb, &p->i_c) ||
	    !add_part(&cbb, &p->i_s) || !add_part(&cbb, &p->k_s) ||
	    (gex && (!CBB_add_u32(&cbb, p->gex.min) || !CBB_add_u32(&cbb, p->gex.n) ||
	    !CBB_add_u32(&cbb, p->gex.max) ||
	    !ssh_add_mpint_be(&cbb, CBS_data(&p->gex.p), CBS_len(&p->gex.p)) ||
	    !ssh_add_mpint_be(&cbb, CBS_data(&p->gex.g), CBS_len(&p->gex.g)))) ||
	    !add_value(&cbb, method, &p->q_c) || !add_value(&cbb, method, &p->q_s) ||
	    !rp_kex_encode_k(method, CBS_data(&p->k), CBS_len(&p->k), &cbb) ||
	    !CBB_finish(&cbb, &data, &len)) {
		CBB_cleanup(&cbb);
		return 0;
	}
	rp_hash(method->hash, data, len, out);
	*out_len = rp_hash_len(method->hash);
	/* The buffer holds the shared secret. */
	rp_wipe(data, len);
	OPENSSL_free(data);
	return 1;
}

int
rp_kex_derive(enum rp_hash_alg hash, const uint8_t *k_encoded, size_t k_encoded_len,
    const uint8_t *h, size_t h_len, char letter, const uint8_t *session_id,
    size_t session_id_len, uint8_t *out, size_t need)
{
	size_t hlen = rp_hash_len(hash), have = 0;
	uint8_t block[RP_HASH_MAX_LEN];
	uint8_t material[256];
	CBB cbb;
	uint8_t *data;
	size_t len;

	if (need > sizeof(material))
		return 0;
	while (have < need) {
		if (!CBB_init(&cbb, k_encoded_len + h_len + 1 + session_id_len + have))
			return 0;
		if (!CBB_add_bytes(&cbb, k_encoded, k_encoded_len) || !CBB_add_bytes(&cbb, h, h_len))
			goto fail;
		if (have == 0) {
			if (!CBB_add_u8(&cbb, (uint8_t)letter) ||
			    !CBB_add_bytes(&cbb, session_id, session_id_len))
				goto fail;
		} else if (!CBB_add_bytes(&cbb, material, have)) {
			goto fail;
		}
		if (!CBB_finish(&cbb, &data, &len))
			goto fail;
		rp_hash(hash, data, len, block);
		rp_wipe(data, len);
		OPENSSL_free(data);
		size_t take = hlen;
		if (have + take > sizeof(material))
			take = sizeof(material) - have;
		memcpy(material + have, block, take);
		have += take;
	}
	memcpy(out, material, need);
	rp_wipe(material, sizeof(material));
	rp_wipe(block, sizeof(block));
	return 1;
fail:
	CBB_cleanup(&cbb);
	rp_wipe(material, sizeof(material));
	return 0;
}

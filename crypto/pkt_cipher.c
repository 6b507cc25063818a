/*
 * crypto/pkt_cipher.c: the algorithm tables of crypto/pkt_cipher.h, and the
 * checks every mode shares: arguments, direction, and the packet's shape
 * (RFC 4253 section 6: packet sizes are multiples of the block size; for
 * etm, GCM and chacha20-poly1305 the 4-byte length is outside that rule, as
 * OpenSSH's PROTOCOL, PROTOCOL.chacha20poly1305 and RFC 5647 section 7.2
 * say). The cryptography itself is in one file per mode (see
 * pkt_cipher_internal.h).
 */
#include "crypto/pkt_cipher.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/mem.h>

#include "crypto/pkt_cipher_internal.h"

/* Best first: the AEADs, then CTR with a MAC. */
static const struct rp_cipher_alg cipher_algs[] = {
	{ "chacha20-poly1305@openssh.com", RP_MODE_CHACHAPOLY, 2 * RP_CHACHAPOLY_KEY_LEN, 0, 8 },
	{ "aes128-gcm@openssh.com", RP_MODE_AESGCM, 16, RP_GCM_IV_LEN, 16 },
	{ "aes256-gcm@openssh.com", RP_MODE_AESGCM, 32, RP_GCM_IV_LEN, 16 },
	{ "aes128-ctr", RP_MODE_AESCTR, 16, RP_CTR_BLOCK_LEN, RP_CTR_BLOCK_LEN },
	{ "aes192-ctr", RP_MODE_AESCTR, 24, RP_CTR_BLOCK_LEN, RP_CTR_BLOCK_LEN },
	{ "aes256-ctr", RP_MODE_AESCTR, 32, RP_CTR_BLOCK_LEN, RP_CTR_BLOCK_LEN },
};

/* Best first: encrypt-then-MAC before encrypt-and-MAC; within each, HMAC,
 * then UMAC with the longer tag (a 64-bit tag is a 2^-60 forgery bound). */
static const struct rp_mac_alg mac_algs[] = {
	{ "hmac-sha2-256-etm@openssh.com", RP_MAC_HMAC, RP_MAC_SHA256, 32, 32, 1 },
	{ "hmac-sha2-512-etm@openssh.com", RP_MAC_HMAC, RP_MAC_SHA512, 64, 64, 1 },
	{ "umac-128-etm@openssh.com", RP_MAC_UMAC, RP_MAC_NO_HASH, RP_UMAC_KEY_LEN, 16, 1 },
	{ "umac-64-etm@openssh.com", RP_MAC_UMAC, RP_MAC_NO_HASH, RP_UMAC_KEY_LEN, 8, 1 },
	{ "hmac-sha2-256", RP_MAC_HMAC, RP_MAC_SHA256, 32, 32, 0 },
	{ "hmac-sha2-512", RP_MAC_HMAC, RP_MAC_SHA512, 64, 64, 0 },
	{ "umac-128@openssh.com", RP_MAC_UMAC, RP_MAC_NO_HASH, RP_UMAC_KEY_LEN, 16, 0 },
	{ "umac-64@openssh.com", RP_MAC_UMAC, RP_MAC_NO_HASH, RP_UMAC_KEY_LEN, 8, 0 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const struct rp_cipher_alg *
rp_cipher_by_name(const char *name)
{
	for (size_t i = 0; i < NELEM(cipher_algs); i++)
		if (strcmp(cipher_algs[i].name, name) == 0)
			return &cipher_algs[i];
	return NULL;
}

const struct rp_mac_alg *
rp_mac_by_name(const char *name)
{
	for (size_t i = 0; i < NELEM(mac_algs); i++)
		if (strcmp(mac_algs[i].name, name) == 0)
			return &mac_algs[i];
	return NULL;
}

const char *
rp_cipher_name(const struct rp_cipher_alg *alg)
{
	return alg->name;
}

size_t
rp_cipher_key_len(const struct rp_cipher_alg *alg)
{
	return alg->key_len;
}

size_t
rp_cipher_iv_len(const struct rp_cipher_alg *alg)
{
	return alg->iv_len;
}

int
rp_cipher_is_aead(const struct rp_cipher_alg *alg)
{
	return alg->mode != RP_MODE_AESCTR;
}

uint64_t
rp_cipher_max_bytes_per_key(const struct rp_cipher_alg *alg)
{
	/* 2^(8 * block / 4) blocks of `block` bytes for 16-byte blocks;
	 * smaller blocks: 2^30 bytes, as OpenSSH limits them. */
	if (alg->block_size >= 16)
		return ((uint64_t)1 << (alg->block_size * 2)) * alg->block_size;
	return (uint64_t)1 << 30;
}

const char *
rp_mac_name(const struct rp_mac_alg *alg)
{
	return alg->name;
}

size_t
rp_mac_key_len(const struct rp_mac_alg *alg)
{
	return alg->key_len;
}

int
rp_mac_is_etm(const struct rp_mac_alg *alg)
{
	return alg->etm;
}

const char *
rp_cipher_supported_list(void)
{
	return "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
	    "aes128-ctr,aes192-ctr,aes256-ctr";
}

const char *
rp_mac_supported_list(void)
{
	return "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	    "umac-128-etm@openssh.com,umac-64-etm@openssh.com,"
	    "hmac-sha2-256,hmac-sha2-512,umac-128@openssh.com,umac-64@openssh.com";
}

/* Encrypt-and-MAC is the one mode that encrypts the length with the rest. */
static int
encrypt_and_mac(const struct rp_pktcipher *pc)
{
	return pc->mac != NULL && !pc->mac->etm;
}

struct rp_pktcipher *
rp_pktcipher_new(const struct rp_cipher_alg *cipher, const struct rp_mac_alg *mac,
    const uint8_t *key, const uint8_t *iv, const uint8_t *mac_key, int seal)
{
	struct rp_pktcipher *pc;
	int ok = 0;

	if (cipher == NULL || key == NULL || (cipher->iv_len > 0 && iv == NULL))
		return NULL;
	if (rp_cipher_is_aead(cipher) ? mac != NULL : (mac == NULL || mac_key == NULL))
		return NULL;
	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		return NULL;
	pc->cipher = cipher;
	pc->mac = mac;
	pc->sealing = seal ? 1 : 0;
	switch (cipher->mode) {
	case RP_MODE_CHACHAPOLY:
		ok = rp_chachapoly_init(pc, key);
		break;
	case RP_MODE_AESGCM:
		ok = rp_aesgcm_init(pc, key, iv);
		break;
	case RP_MODE_AESCTR:
		ok = rp_ctr_hmac_init(pc, key, iv, mac_key);
		break;
	}
	if (!ok) {
		rp_pktcipher_free(pc);
		return NULL;
	}
	return pc;
}

void
rp_pktcipher_free(struct rp_pktcipher *pc)
{
	if (pc == NULL)
		return;
	switch (pc->cipher->mode) {
	case RP_MODE_CHACHAPOLY:
		rp_chachapoly_cleanup(pc);
		break;
	case RP_MODE_AESGCM:
		rp_aesgcm_cleanup(pc);
		break;
	case RP_MODE_AESCTR:
		rp_ctr_hmac_cleanup(pc);
		break;
	}
	/* The contexts keep key schedules inline: wipe the whole object. */
	OPENSSL_cleanse(pc, sizeof(*pc));
	free(pc);
}

size_t
rp_pktcipher_block_size(const struct rp_pktcipher *pc)
{
	return pc->cipher->block_size;
}

int
rp_pktcipher_aligns_length(const struct rp_pktcipher *pc)
{
	return encrypt_and_mac(pc);
}

size_t
rp_pktcipher_head_len(const struct rp_pktcipher *pc)
{
	return encrypt_and_mac(pc) ? pc->cipher->block_size : 4;
}

size_t
rp_pktcipher_tag_len(const struct rp_pktcipher *pc)
{
	return pc->mac != NULL ? pc->mac->out_len : RP_AEAD_TAG_LEN;
}

static uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * A packet the mode can work on: a whole number of blocks, counting the
 * length field only for encrypt-and-MAC, at least one block, and a length
 * that fits the 32-bit field.
 */
static int
shape_ok(const struct rp_pktcipher *pc, size_t pkt_len)
{
	size_t bs = pc->cipher->block_size, body;

	if (pkt_len < 4 || pkt_len - 4 > UINT32_MAX)
		return 0;
	body = encrypt_and_mac(pc) ? pkt_len : pkt_len - 4;
	return body >= bs && body % bs == 0;
}

int
rp_pktcipher_seal(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    uint8_t *tag)
{
	if (!pc->sealing || pkt == NULL || tag == NULL || !shape_ok(pc, pkt_len))
		return 0;
	/* The transport wrote the length; a disagreement is a bug upstream and
	 * would put a packet on the wire that the peer cannot frame. */
	if (load_be32(pkt) != pkt_len - 4)
		return 0;
	switch (pc->cipher->mode) {
	case RP_MODE_CHACHAPOLY:
		return rp_chachapoly_seal(pc, seqnr, pkt, pkt_len, tag);
	case RP_MODE_AESGCM:
		return rp_aesgcm_seal(pc, pkt, pkt_len, tag);
	case RP_MODE_AESCTR:
		return rp_ctr_hmac_seal(pc, seqnr, pkt, pkt_len, tag);
	}
	return 0;
}

int
rp_pktcipher_peek_length(struct rp_pktcipher *pc, uint32_t seqnr, const uint8_t *head,
    uint32_t *packet_length)
{
	if (pc->sealing || head == NULL || packet_length == NULL)
		return 0;
	switch (pc->cipher->mode) {
	case RP_MODE_CHACHAPOLY:
		return rp_chachapoly_peek_length(pc, seqnr, head, packet_length);
	case RP_MODE_AESGCM:
		*packet_length = load_be32(head);
		return 1;
	case RP_MODE_AESCTR:
		if (encrypt_and_mac(pc))
			return rp_ctr_hmac_peek_length(pc, seqnr, head, packet_length);
		*packet_length = load_be32(head);
		return 1;
	}
	return 0;
}

int
rp_pktcipher_open(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    const uint8_t *tag)
{
	int ok = 0;

	if (pc->sealing || pkt == NULL || tag == NULL || !shape_ok(pc, pkt_len)) {
		/* A pending peek belonged to this packet, which is refused. */
		if (pc->cipher->mode == RP_MODE_AESCTR)
			pc->u.ctr.peeked = 0;
		return 0;
	}
	switch (pc->cipher->mode) {
	case RP_MODE_CHACHAPOLY:
		ok = rp_chachapoly_open(pc, seqnr, pkt, pkt_len, tag);
		break;
	case RP_MODE_AESGCM:
		ok = rp_aesgcm_open(pc, pkt, pkt_len, tag);
		break;
	case RP_MODE_AESCTR:
		ok = rp_ctr_hmac_open(pc, seqnr, pkt, pkt_len, tag);
		break;
	}
	/* The authenticated length must be the one the caller framed by. */
	return ok && load_be32(pkt) == pkt_len - 4;
}

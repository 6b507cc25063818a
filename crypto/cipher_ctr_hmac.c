/*
 * crypto/cipher_ctr_hmac.c: aes128-ctr, aes192-ctr and aes256-ctr (RFC 4344)
 * with a MAC: hmac-sha2-256 and hmac-sha2-512 (RFC 6668), or
 * umac-64@openssh.com and umac-128@openssh.com (UMAC-64 and UMAC-128 of
 * RFC 4418 with AES-128, crypto/umac.h; OpenSSH's PROTOCOL section 1.1 and
 * draft-miller-secsh-umac-01). Each in two modes:
 *
 *   encrypt-and-MAC (RFC 4253 section 6.4): the whole packet, length
 *     included, is encrypted; the MAC covers the plaintext packet.
 *   encrypt-then-MAC (the *-etm@openssh.com MACs, OpenSSH's PROTOCOL section
 *     1.5): the length stays in clear; the MAC covers length || ciphertext,
 *     and is checked before anything is decrypted.
 *
 * The sequence number enters the two MAC families differently (compute_mac):
 *
 *   HMAC: MAC = HMAC(key, uint32 seqnr || data)
 *   UMAC: MAC = UMAC(key, data), nonce = seqnr as 8 bytes big-endian (the
 *     high four zero); the seqnr is not part of the message.
 *
 * CTR is one keystream per direction (RFC 4344 section 4): a single
 * EVP_CIPHER_CTX runs from key exchange to the next, across packets. The
 * HMAC_CTX is keyed once and reset per packet, and UMAC's subkeys are derived
 * once at init, so no packet allocates.
 *
 * Encrypt-and-MAC must decrypt the first block to learn the length:
 * peek_length does that, which advances the keystream by one block, and keeps
 * the plaintext block for the open of the same packet. So for these MACs,
 * every peek_length must be followed by exactly one open with the same
 * sequence number, and open fails without it.
 */
#include <string.h>

#include <openssl/cipher.h>
#include <openssl/digest.h>
#include <openssl/hmac.h>
#include <openssl/mem.h>

#include "crypto/pkt_cipher_internal.h"
#include "crypto/secret.h"
#include "crypto/umac.h"

_Static_assert(RP_UMAC_MAX_TAG_LEN <= RP_MAC_MAX_LEN, "UMAC tag longer than RP_MAC_MAX_LEN");

static int
is_etm(const struct rp_pktcipher *pc)
{
	return pc->mac->etm;
}

/* Run the keystream over buf[0..len) in place. */
static int
ctr_crypt(struct rp_ctr_hmac *st, uint8_t *buf, size_t len)
{
	int out_len;

	while (len > 0) {
		/* EVP_CipherUpdate takes an int length. */
		int chunk = len > (1u << 30) ? (1 << 30) : (int)len;

		if (!EVP_CipherUpdate(&st->cipher, buf, &out_len, buf, chunk) || out_len != chunk)
			return 0;
		buf += chunk;
		len -= (size_t)chunk;
	}
	return 1;
}

/* The MAC of pkt[0..pkt_len) under seqnr into out (pc->mac->out_len
 * bytes): the one place that knows how each MAC family takes the seqnr. */
static int
compute_mac(struct rp_pktcipher *pc, uint32_t seqnr, const uint8_t *pkt, size_t pkt_len,
    uint8_t out[RP_MAC_MAX_LEN])
{
	struct rp_ctr_hmac *st = &pc->u.ctr;
	uint8_t seq[8] = { 0, 0, 0, 0, (uint8_t)(seqnr >> 24), (uint8_t)(seqnr >> 16),
	    (uint8_t)(seqnr >> 8), (uint8_t)seqnr };
	unsigned int out_len;

	/* UMAC: the seqnr is the 64-bit nonce, the packet the whole message. */
	if (pc->mac->kind == RP_MAC_UMAC)
		return rp_umac_tag(st->umac, seq, sizeof(seq), pkt, pkt_len, out);
	/* HMAC: the seqnr as uint32 (the low half of seq) before the packet.
	 * NULL key and digest: start over with the key set in init. */
	if (!HMAC_Init_ex(&st->hmac, NULL, 0, NULL, NULL) ||
	    !HMAC_Update(&st->hmac, seq + 4, 4) ||
	    !HMAC_Update(&st->hmac, pkt, pkt_len) ||
	    !HMAC_Final(&st->hmac, out, &out_len))
		return 0;
	return out_len == pc->mac->out_len;
}

int
rp_ctr_hmac_init(struct rp_pktcipher *pc, const uint8_t *key, const uint8_t *iv,
    const uint8_t *mac_key)
{
	struct rp_ctr_hmac *st = &pc->u.ctr;
	const EVP_CIPHER *cipher;
	const EVP_MD *md;

	cipher = pc->cipher->key_len == 16 ? EVP_aes_128_ctr() :
	    pc->cipher->key_len == 24 ? EVP_aes_192_ctr() : EVP_aes_256_ctr();
	EVP_CIPHER_CTX_init(&st->cipher);
	st->cipher_ready = 1;
	/* CTR is the same operation both ways. */
	if (!EVP_CipherInit_ex(&st->cipher, cipher, NULL, key, iv, pc->sealing))
		return 0;
	switch (pc->mac->kind) {
	case RP_MAC_UMAC:
		if (pc->mac->key_len != RP_UMAC_KEY_LEN)
			return 0;
		st->umac = rp_umac_new(mac_key, pc->mac->out_len);
		return st->umac != NULL;
	case RP_MAC_HMAC:
		md = pc->mac->hash == RP_MAC_SHA256 ? EVP_sha256() : EVP_sha512();
		HMAC_CTX_init(&st->hmac);
		st->hmac_ready = 1;
		return HMAC_Init_ex(&st->hmac, mac_key, pc->mac->key_len, md, NULL);
	}
	return 0;
}

void
rp_ctr_hmac_cleanup(struct rp_pktcipher *pc)
{
	struct rp_ctr_hmac *st = &pc->u.ctr;

	if (st->cipher_ready)
		EVP_CIPHER_CTX_cleanup(&st->cipher);
	if (st->hmac_ready)
		HMAC_CTX_cleanse(&st->hmac);
	rp_umac_free(st->umac); /* wipes its subkeys */
	st->umac = NULL;
}

int
rp_ctr_hmac_seal(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    uint8_t *tag)
{
	struct rp_ctr_hmac *st = &pc->u.ctr;
	uint8_t mac[RP_MAC_MAX_LEN];

	if (is_etm(pc)) {
		if (!ctr_crypt(st, pkt + 4, pkt_len - 4) ||
		    !compute_mac(pc, seqnr, pkt, pkt_len, mac))
			return 0;
	} else {
		if (!compute_mac(pc, seqnr, pkt, pkt_len, mac) ||
		    !ctr_crypt(st, pkt, pkt_len))
			return 0;
	}
	memcpy(tag, mac, pc->mac->out_len);
	return 1;
}

int
rp_ctr_hmac_peek_length(struct rp_pktcipher *pc, uint32_t seqnr, const uint8_t *head,
    uint32_t *packet_length)
{
	struct rp_ctr_hmac *st = &pc->u.ctr;
	uint8_t *b = st->peeked_block;

	/* A second peek would run the keystream past this packet's start. */
	if (st->peeked)
		return 0;
	memcpy(b, head, RP_CTR_BLOCK_LEN);
	if (!ctr_crypt(st, b, RP_CTR_BLOCK_LEN))
		return 0;
	st->peeked = 1;
	st->peeked_seqnr = seqnr;
	*packet_length = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return 1;
}

static int
open_etm(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    const uint8_t *tag)
{
	uint8_t mac[RP_MAC_MAX_LEN];

	/* Verify before decrypting anything. */
	if (!compute_mac(pc, seqnr, pkt, pkt_len, mac) ||
	    !rp_ct_equal(mac, tag, pc->mac->out_len))
		return 0;
	return ctr_crypt(&pc->u.ctr, pkt + 4, pkt_len - 4);
}

static int
open_encrypt_and_mac(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    const uint8_t *tag)
{
	struct rp_ctr_hmac *st = &pc->u.ctr;
	uint8_t mac[RP_MAC_MAX_LEN];
	int pending = st->peeked;

	st->peeked = 0;
	if (!pending || st->peeked_seqnr != seqnr)
		return 0;
	memcpy(pkt, st->peeked_block, RP_CTR_BLOCK_LEN);
	OPENSSL_cleanse(st->peeked_block, sizeof(st->peeked_block));
	if (!ctr_crypt(st, pkt + RP_CTR_BLOCK_LEN, pkt_len - RP_CTR_BLOCK_LEN) ||
	    !compute_mac(pc, seqnr, pkt, pkt_len, mac))
		return 0;
	return rp_ct_equal(mac, tag, pc->mac->out_len);
}

int
rp_ctr_hmac_open(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    const uint8_t *tag)
{
	if (is_etm(pc))
		return open_etm(pc, seqnr, pkt, pkt_len, tag);
	return open_encrypt_and_mac(pc, seqnr, pkt, pkt_len, tag);
}

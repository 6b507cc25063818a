/*
 * crypto/cipher_aesgcm.c: aes128-gcm@openssh.com and aes256-gcm@openssh.com,
 * RFC 5647 as OpenSSH uses it (OpenSSH's PROTOCOL section 1.6).
 *
 * The 12-byte nonce is the IV from key derivation: a 4-byte fixed field and
 * an 8-byte big-endian invocation counter, incremented (mod 2^64) after every
 * packet. The packet length is additional authenticated data and stays in
 * clear; the rest of the packet is encrypted; the tag is 16 bytes. The SSH
 * sequence number plays no part.
 */
#include <string.h>

#include <openssl/aead.h>
#include <openssl/mem.h>

#include "crypto/pkt_cipher_internal.h"

static void
next_invocation(struct rp_aesgcm *st)
{
	/* The counter is iv[4..12); carry from its last byte upwards. */
	for (size_t i = RP_GCM_IV_LEN; i > 4; i--)
		if (++st->iv[i - 1] != 0)
			break;
}

int
rp_aesgcm_init(struct rp_pktcipher *pc, const uint8_t *key, const uint8_t *iv)
{
	struct rp_aesgcm *st = &pc->u.gcm;
	const EVP_AEAD *aead;

	aead = pc->cipher->key_len == 16 ? EVP_aead_aes_128_gcm() : EVP_aead_aes_256_gcm();
	EVP_AEAD_CTX_zero(&st->ctx);
	if (!EVP_AEAD_CTX_init(&st->ctx, aead, key, pc->cipher->key_len, RP_AEAD_TAG_LEN, NULL))
		return 0;
	memcpy(st->iv, iv, RP_GCM_IV_LEN);
	return 1;
}

void
rp_aesgcm_cleanup(struct rp_pktcipher *pc)
{
	EVP_AEAD_CTX_cleanup(&pc->u.gcm.ctx);
}

int
rp_aesgcm_seal(struct rp_pktcipher *pc, uint8_t *pkt, size_t pkt_len, uint8_t *tag)
{
	struct rp_aesgcm *st = &pc->u.gcm;
	size_t tag_len;

	if (!EVP_AEAD_CTX_seal_scatter(&st->ctx, pkt + 4, tag, &tag_len, RP_AEAD_TAG_LEN,
	    st->iv, RP_GCM_IV_LEN, pkt + 4, pkt_len - 4, NULL, 0, pkt, 4) ||
	    tag_len != RP_AEAD_TAG_LEN)
		return 0;
	next_invocation(st);
	return 1;
}

int
rp_aesgcm_open(struct rp_pktcipher *pc, uint8_t *pkt, size_t pkt_len, const uint8_t *tag)
{
	struct rp_aesgcm *st = &pc->u.gcm;

	if (!EVP_AEAD_CTX_open_gather(&st->ctx, pkt + 4, st->iv, RP_GCM_IV_LEN, pkt + 4,
	    pkt_len - 4, tag, RP_AEAD_TAG_LEN, pkt, 4))
		return 0;
	next_invocation(st);
	return 1;
}

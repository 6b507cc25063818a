/*
 * crypto/cipher_chachapoly.c: chacha20-poly1305@openssh.com, as OpenSSH's
 * PROTOCOL.chacha20poly1305 defines it.
 *
 * The 64-byte key is K_2 (bytes 0..31) || K_1 (bytes 32..63). Both run the
 * original ChaCha20 (64-bit nonce, 64-bit block counter) with the packet
 * sequence number as the nonce:
 *   - K_1, block counter 0, encrypts the 4-byte packet length;
 *   - K_2, block counter 0: the first 32 keystream bytes are the Poly1305 key;
 *   - K_2, block counter 1 on: encrypts the rest of the packet;
 *   - tag = Poly1305(encrypted length || encrypted rest), 16 bytes.
 *
 * BoringSSL's CRYPTO_chacha_20 is the RFC 8439 variant (96-bit nonce, 32-bit
 * counter). Its state words 13..15 hold the nonce, so the 96-bit nonce
 * 00000000 || seqnr (64-bit big-endian) gives the same state as the original
 * ChaCha20 with nonce seqnr, as long as the block counter stays below 2^32:
 * a packet would have to exceed 256 GiB to reach it.
 */
#include <string.h>

#include <openssl/chacha.h>
#include <openssl/mem.h>
#include <openssl/poly1305.h>

#include "crypto/pkt_cipher_internal.h"

#define CHACHA_NONCE_LEN 12
#define POLY1305_KEY_LEN 32

static void
make_nonce(uint8_t nonce[CHACHA_NONCE_LEN], uint32_t seqnr)
{
	memset(nonce, 0, CHACHA_NONCE_LEN);
	/* The 64-bit big-endian sequence number: its top half is zero. */
	nonce[8] = (uint8_t)(seqnr >> 24);
	nonce[9] = (uint8_t)(seqnr >> 16);
	nonce[10] = (uint8_t)(seqnr >> 8);
	nonce[11] = (uint8_t)seqnr;
}

/* Poly1305 over pkt[0..pkt_len) with the one-time key from K_2's block 0. */
static void
compute_tag(const struct rp_chachapoly *st, const uint8_t nonce[CHACHA_NONCE_LEN],
    const uint8_t *pkt, size_t pkt_len, uint8_t tag[RP_AEAD_TAG_LEN])
{
	static const uint8_t zeros[POLY1305_KEY_LEN];
	uint8_t poly_key[POLY1305_KEY_LEN];
	poly1305_state poly;

	CRYPTO_chacha_20(poly_key, zeros, sizeof(poly_key), st->main_key, nonce, 0);
	CRYPTO_poly1305_init(&poly, poly_key);
	CRYPTO_poly1305_update(&poly, pkt, pkt_len);
	CRYPTO_poly1305_finish(&poly, tag);
	OPENSSL_cleanse(poly_key, sizeof(poly_key));
	OPENSSL_cleanse(&poly, sizeof(poly));
}

int
rp_chachapoly_init(struct rp_pktcipher *pc, const uint8_t *key)
{
	struct rp_chachapoly *st = &pc->u.chachapoly;

	memcpy(st->main_key, key, RP_CHACHAPOLY_KEY_LEN);
	memcpy(st->header_key, key + RP_CHACHAPOLY_KEY_LEN, RP_CHACHAPOLY_KEY_LEN);
	return 1;
}

void
rp_chachapoly_cleanup(struct rp_pktcipher *pc)
{
	OPENSSL_cleanse(&pc->u.chachapoly, sizeof(pc->u.chachapoly));
}

int
rp_chachapoly_seal(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    uint8_t *tag)
{
	const struct rp_chachapoly *st = &pc->u.chachapoly;
	uint8_t nonce[CHACHA_NONCE_LEN];

	make_nonce(nonce, seqnr);
	CRYPTO_chacha_20(pkt, pkt, 4, st->header_key, nonce, 0);
	CRYPTO_chacha_20(pkt + 4, pkt + 4, pkt_len - 4, st->main_key, nonce, 1);
	compute_tag(st, nonce, pkt, pkt_len, tag);
	return 1;
}

int
rp_chachapoly_peek_length(struct rp_pktcipher *pc, uint32_t seqnr, const uint8_t *head,
    uint32_t *packet_length)
{
	const struct rp_chachapoly *st = &pc->u.chachapoly;
	uint8_t nonce[CHACHA_NONCE_LEN], len[4];

	make_nonce(nonce, seqnr);
	CRYPTO_chacha_20(len, head, sizeof(len), st->header_key, nonce, 0);
	*packet_length = (uint32_t)len[0] << 24 | (uint32_t)len[1] << 16 |
	    (uint32_t)len[2] << 8 | len[3];
	return 1;
}

int
rp_chachapoly_open(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    const uint8_t *tag)
{
	const struct rp_chachapoly *st = &pc->u.chachapoly;
	uint8_t nonce[CHACHA_NONCE_LEN], want[RP_AEAD_TAG_LEN];
	int ok;

	make_nonce(nonce, seqnr);
	compute_tag(st, nonce, pkt, pkt_len, want);
	ok = CRYPTO_memcmp(want, tag, sizeof(want)) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	if (!ok)
		return 0;
	CRYPTO_chacha_20(pkt, pkt, 4, st->header_key, nonce, 0);
	CRYPTO_chacha_20(pkt + 4, pkt + 4, pkt_len - 4, st->main_key, nonce, 1);
	return 1;
}

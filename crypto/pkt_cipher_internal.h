/*
 * crypto/pkt_cipher_internal.h: for the files that implement
 * crypto/pkt_cipher.h only. The algorithm tables and the shared packet checks
 * live in pkt_cipher.c; each protection mode lives in its own file:
 *
 *     cipher_chachapoly.c   chacha20-poly1305@openssh.com
 *     cipher_aesgcm.c       aes128-gcm@openssh.com, aes256-gcm@openssh.com
 *     cipher_ctr_hmac.c     aes*-ctr with a MAC, hmac-sha2-* or umac-*
 *                           (encrypt-and-MAC and etm); UMAC is crypto/umac.c
 *
 * pkt_cipher.c checks every argument and the packet's shape (alignment, length
 * field) before it calls a mode, so the modes only do cryptography.
 */
#ifndef RAMPART_CRYPTO_PKT_CIPHER_INTERNAL_H
#define RAMPART_CRYPTO_PKT_CIPHER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/aead.h>
#include <openssl/cipher.h>
#include <openssl/hmac.h>

#include "crypto/pkt_cipher.h"
#include "crypto/umac.h"

#define RP_CHACHAPOLY_KEY_LEN 32 /* each of K_1 and K_2 */
#define RP_AEAD_TAG_LEN 16
#define RP_GCM_IV_LEN 12
#define RP_CTR_BLOCK_LEN 16
#define RP_MAC_MAX_LEN 64 /* the longest MAC tag: hmac-sha2-512's */

enum rp_cipher_mode {
	RP_MODE_CHACHAPOLY,
	RP_MODE_AESGCM,
	RP_MODE_AESCTR,
};

struct rp_cipher_alg {
	const char *name;
	enum rp_cipher_mode mode;
	size_t key_len;
	size_t iv_len;
	size_t block_size;
};

/* The MAC families; cipher_ctr_hmac.c dispatches on this in one place. */
enum rp_mac_kind {
	RP_MAC_HMAC, /* MAC = HMAC(key, uint32 seqnr || data) */
	RP_MAC_UMAC, /* MAC = UMAC(key, data, nonce = uint64 seqnr), RFC 4418 */
};

enum rp_mac_hash {
	RP_MAC_NO_HASH, /* UMAC */
	RP_MAC_SHA256,
	RP_MAC_SHA512,
};

struct rp_mac_alg {
	const char *name;
	enum rp_mac_kind kind;
	enum rp_mac_hash hash; /* HMAC only */
	size_t key_len;
	size_t out_len; /* tag: the full HMAC output (no truncated MACs), or the UMAC tag */
	int etm;
};

struct rp_chachapoly {
	uint8_t main_key[RP_CHACHAPOLY_KEY_LEN];   /* K_2: payload and Poly1305 key */
	uint8_t header_key[RP_CHACHAPOLY_KEY_LEN]; /* K_1: the length field */
};

struct rp_aesgcm {
	EVP_AEAD_CTX ctx;
	uint8_t iv[RP_GCM_IV_LEN]; /* fixed (4) || invocation counter (8, big-endian) */
};

/* CTR with either MAC; the name is from when HMAC was the only one. */
struct rp_ctr_hmac {
	EVP_CIPHER_CTX cipher; /* one keystream for the whole direction */
	HMAC_CTX hmac;         /* HMAC: keyed once, reset per packet */
	struct rp_umac *umac;  /* UMAC: every subkey derived once, at init */
	int cipher_ready, hmac_ready;
	/* encrypt-and-MAC only: the first block decrypted by peek_length, for
	 * the open of the same packet (same seqnr) that must follow. */
	int peeked;
	uint32_t peeked_seqnr;
	uint8_t peeked_block[RP_CTR_BLOCK_LEN];
};

struct rp_pktcipher {
	const struct rp_cipher_alg *cipher;
	const struct rp_mac_alg *mac; /* NULL for the AEADs */
	int sealing;                  /* 1: outgoing packets; 0: incoming */
	union {
		struct rp_chachapoly chachapoly;
		struct rp_aesgcm gcm;
		struct rp_ctr_hmac ctr;
	} u;
};

/*
 * Each mode implements the five operations below. They are called by
 * pkt_cipher.c only, on a zeroed object whose cipher, mac and sealing fields
 * are set, and with packets whose shape has already been checked: pkt_len is
 * 4 + packet_length, aligned as the mode requires. init returns 0 on failure
 * (cleanup is still called); cleanup releases what init took but leaves the
 * final wipe of the object to the caller.
 */
int rp_chachapoly_init(struct rp_pktcipher *pc, const uint8_t *key);
void rp_chachapoly_cleanup(struct rp_pktcipher *pc);
int rp_chachapoly_seal(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    uint8_t *tag);
int rp_chachapoly_peek_length(struct rp_pktcipher *pc, uint32_t seqnr, const uint8_t *head,
    uint32_t *packet_length);
int rp_chachapoly_open(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    const uint8_t *tag);

int rp_aesgcm_init(struct rp_pktcipher *pc, const uint8_t *key, const uint8_t *iv);
void rp_aesgcm_cleanup(struct rp_pktcipher *pc);
int rp_aesgcm_seal(struct rp_pktcipher *pc, uint8_t *pkt, size_t pkt_len, uint8_t *tag);
int rp_aesgcm_open(struct rp_pktcipher *pc, uint8_t *pkt, size_t pkt_len, const uint8_t *tag);

int rp_ctr_hmac_init(struct rp_pktcipher *pc, const uint8_t *key, const uint8_t *iv,
    const uint8_t *mac_key);
void rp_ctr_hmac_cleanup(struct rp_pktcipher *pc);
int rp_ctr_hmac_seal(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    uint8_t *tag);
/* Only for encrypt-and-MAC: etm has its length in clear. */
int rp_ctr_hmac_peek_length(struct rp_pktcipher *pc, uint32_t seqnr, const uint8_t *head,
    uint32_t *packet_length);
int rp_ctr_hmac_open(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    const uint8_t *tag);

#endif

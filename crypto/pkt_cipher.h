/*
 * crypto/pkt_cipher.h: protection of SSH binary packets (RFC 4253 section 6)
 * in one direction: a cipher with a MAC, or an AEAD.
 *
 * A packet in memory, as the transport lays it out:
 *
 *     [uint32 packet_length][byte padding_length][payload][padding]
 *
 * followed on the wire by rp_pktcipher_tag_len() bytes of MAC or AEAD tag.
 * The object works in place on that buffer, so the data pump copies nothing.
 *
 * Modes:
 *   encrypt-and-MAC (RFC 4253): aes*-ctr + hmac-sha2-* or umac-*@openssh.com.
 *     The whole packet is encrypted; MAC = HMAC(key, uint32 seqnr ||
 *     plaintext packet), or UMAC(key, plaintext packet) with the nonce
 *     uint64 seqnr (OpenSSH PROTOCOL 1.1, draft-miller-secsh-umac-01).
 *   encrypt-then-MAC (OpenSSH PROTOCOL 1.5): aes*-ctr + hmac-sha2-*-etm or
 *     umac-*-etm. packet_length stays in clear; MAC = HMAC(seqnr || length ||
 *     ciphertext), or UMAC(length || ciphertext) with the nonce uint64 seqnr.
 *   aes128-gcm@openssh.com, aes256-gcm@openssh.com (RFC 5647 as OpenSSH
 *     uses it): packet_length in clear as additional data; 12-byte nonce =
 *     4-byte fixed IV || 8-byte invocation counter, incremented per packet.
 *   chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305): the
 *     64-byte key is K_2 || K_1; K_1 encrypts the length, K_2 the rest, and
 *     Poly1305 keyed from K_2's first block covers length || ciphertext.
 *
 * Key and IV lengths come from the algorithm; callers wipe their copies.
 */
#ifndef RAMPART_CRYPTO_PKT_CIPHER_H
#define RAMPART_CRYPTO_PKT_CIPHER_H

#include <stddef.h>
#include <stdint.h>

struct rp_cipher_alg;
struct rp_mac_alg;
struct rp_pktcipher;

/* NULL when the name is not an algorithm rampart implements. */
const struct rp_cipher_alg *rp_cipher_by_name(const char *name);
const struct rp_mac_alg *rp_mac_by_name(const char *name);

const char *rp_cipher_name(const struct rp_cipher_alg *alg);
size_t rp_cipher_key_len(const struct rp_cipher_alg *alg);
size_t rp_cipher_iv_len(const struct rp_cipher_alg *alg);
/* 1 for the AEADs (GCM, chacha20-poly1305): no MAC is negotiated for them. */
int rp_cipher_is_aead(const struct rp_cipher_alg *alg);
/* The most bytes one key may protect before a re-exchange (RFC 4344 3.2:
 * 2^(L/4) blocks for an L-bit block cipher, 64 GiB for AES; 1 GiB for
 * chacha20-poly1305, whose 8-byte "block" OpenSSH rates the same way). */
uint64_t rp_cipher_max_bytes_per_key(const struct rp_cipher_alg *alg);

const char *rp_mac_name(const struct rp_mac_alg *alg);
size_t rp_mac_key_len(const struct rp_mac_alg *alg);
int rp_mac_is_etm(const struct rp_mac_alg *alg);

/* Every cipher and MAC rampart implements, comma-separated, best first. */
const char *rp_cipher_supported_list(void);
const char *rp_mac_supported_list(void);

/* mac must be NULL for an AEAD and non-NULL otherwise. seal: 1 to protect
 * outgoing packets, 0 to open incoming ones. NULL on failure. */
struct rp_pktcipher *rp_pktcipher_new(const struct rp_cipher_alg *cipher,
    const struct rp_mac_alg *mac, const uint8_t *key, const uint8_t *iv,
    const uint8_t *mac_key, int seal);
/* Wipes all key material. NULL is fine. */
void rp_pktcipher_free(struct rp_pktcipher *pc);

/* Padding alignment: packet sizes are multiples of this (8 or 16). */
size_t rp_pktcipher_block_size(const struct rp_pktcipher *pc);
/* 1 when packet_length counts towards the alignment (encrypt-and-MAC); 0
 * when it is outside it (etm, GCM, chacha20-poly1305). */
int rp_pktcipher_aligns_length(const struct rp_pktcipher *pc);
/* Bytes needed at the head of a packet to learn its length: the block size
 * for encrypt-and-MAC, 4 otherwise. */
size_t rp_pktcipher_head_len(const struct rp_pktcipher *pc);
/* Bytes of MAC or tag after each packet. */
size_t rp_pktcipher_tag_len(const struct rp_pktcipher *pc);

/* Protect pkt[0..pkt_len) in place (pkt_len = 4 + packet_length) and write
 * the tag to tag[0..tag_len). Returns 0 on failure. */
int rp_pktcipher_seal(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    uint8_t *tag);
/* Learn packet_length from the first rp_pktcipher_head_len() bytes without
 * modifying them. For encrypt-and-MAC this decrypts the first block and keeps
 * it for the rp_pktcipher_open() call on the same packet, which must follow.
 * The length is not authenticated yet: the caller bounds it. */
int rp_pktcipher_peek_length(struct rp_pktcipher *pc, uint32_t seqnr, const uint8_t *head,
    uint32_t *packet_length);
/* Verify and decrypt pkt[0..pkt_len) in place given the tag that followed
 * it. On success pkt holds the plaintext packet (length field included).
 * Returns 0 when the MAC or tag does not verify; pkt is then garbage. */
int rp_pktcipher_open(struct rp_pktcipher *pc, uint32_t seqnr, uint8_t *pkt, size_t pkt_len,
    const uint8_t *tag);

#endif

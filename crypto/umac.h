/*
 * crypto/umac.h: UMAC (RFC 4418) with AES-128 as its block cipher, in its
 * four tag sizes UMAC-32, -64, -96 and -128. UMAC-64 and UMAC-128 are the
 * MACs of OpenSSH's umac-64@openssh.com and umac-128@openssh.com (OpenSSH
 * PROTOCOL section 1.1, draft-miller-secsh-umac-01); crypto/pkt_cipher.c uses
 * them through this interface.
 *
 *     tag = UHASH(K, message) xor PDF(K, nonce)
 *
 * Every subkey (NH, polynomial and inner-product keys, and the AES key of the
 * pad) is derived from the 16-byte key once, in rp_umac_new(); computing a
 * tag allocates nothing. The nonce must never repeat under one key: a repeat
 * can reveal the hash key. UMAC-32 and -64 take the pads of four and two
 * consecutive nonces from one AES block, and the object keeps the last
 * block, so an object must not be shared between threads.
 */
#ifndef RAMPART_CRYPTO_UMAC_H
#define RAMPART_CRYPTO_UMAC_H

#include <stddef.h>
#include <stdint.h>

#define RP_UMAC_KEY_LEN 16
#define RP_UMAC_MAX_TAG_LEN 16
#define RP_UMAC_MAX_NONCE_LEN 16

struct rp_umac;

/* tag_len is 4, 8, 12 or 16 bytes (UMAC-32, -64, -96, -128). NULL for any
 * other tag_len, or when memory or AES fails. */
struct rp_umac *rp_umac_new(const uint8_t key[RP_UMAC_KEY_LEN], size_t tag_len);
/* Wipes every subkey. NULL is fine. */
void rp_umac_free(struct rp_umac *u);
size_t rp_umac_tag_len(const struct rp_umac *u);

/* tag[0..tag_len) = UMAC(key, msg[0..msg_len), nonce[0..nonce_len)), for a
 * nonce of 1 to 16 bytes. Returns 0, writing nothing, on a bad argument. */
int rp_umac_tag(struct rp_umac *u, const uint8_t *nonce, size_t nonce_len, const uint8_t *msg,
    size_t msg_len, uint8_t *tag);

#endif

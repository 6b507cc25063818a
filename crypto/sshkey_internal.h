/*
 * crypto/sshkey_internal.h: for crypto/ only. Lets the key file code build a
 * private key from its stored parts and read them back, without exposing the
 * key structure to the rest of rampart.
 */
#ifndef RAMPART_CRYPTO_SSHKEY_INTERNAL_H
#define RAMPART_CRYPTO_SSHKEY_INTERNAL_H

#include "crypto/sshkey.h"

/* pub: 32 bytes; priv: 64 bytes (seed || public key), checked to agree. */
int rp_privkey_from_ed25519_parts(const uint8_t *pub, size_t pub_len, const uint8_t *priv,
    size_t priv_len, struct rp_privkey **out);
/* Pointers into key; 0 when key is not ed25519. */
int rp_privkey_ed25519_parts(const struct rp_privkey *key, const uint8_t **pub,
    const uint8_t **priv);

#endif

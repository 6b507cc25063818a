/*
 * crypto/sntrup761.h: the Streamlined NTRU Prime KEM sntrup761 (p = 761,
 * q = 4591, w = 286) of the NIST round-3 submission "NTRU Prime: round 3"
 * (20201007), with its round-3 encodings and hashes: the KEM that OpenSSH's
 * sntrup761x25519-sha512@openssh.com key exchange uses.
 *
 * Everything that touches secrets runs in constant time. Decapsulation uses
 * implicit rejection: a ciphertext that does not re-encrypt to itself gives
 * a pseudo-random session key derived from a secret, never an error.
 */
#ifndef RAMPART_CRYPTO_SNTRUP761_H
#define RAMPART_CRYPTO_SNTRUP761_H

#include <stddef.h>
#include <stdint.h>

#define RP_SNTRUP761_PK_LEN 1158
#define RP_SNTRUP761_SK_LEN 1763
#define RP_SNTRUP761_CT_LEN 1039
#define RP_SNTRUP761_SS_LEN 32

/* A source of random bytes (tests inject a deterministic one). */
typedef void (*rp_sntrup761_random_fn)(void *ctx, uint8_t *out, size_t len);

/* Key generation drawing randomness from rnd/ctx; rnd NULL means
 * rp_random_bytes. With an rnd, randomness is drawn in the order of the
 * round-3 reference implementation, which the NIST KAT files depend on:
 * 761 calls of 4 bytes for g (repeated until g is invertible mod 3), 761
 * calls of 4 bytes for f, then one call of 191 bytes for rho. Without one,
 * the same amounts come in bulk from rp_random_bytes.
 * sk is f, 1/g mod 3, pk, rho and SHA-512(4, pk) truncated, as in round 3. */
void rp_sntrup761_keypair(uint8_t pk[RP_SNTRUP761_PK_LEN], uint8_t sk[RP_SNTRUP761_SK_LEN],
    rp_sntrup761_random_fn rnd, void *ctx);
/* Encapsulation to the public key pk (which may come from a peer: any 1158
 * bytes are accepted) drawing randomness from rnd/ctx (761 calls of 4
 * bytes); rnd NULL means rp_random_bytes. Writes the ciphertext ct and the
 * session key ss. */
void rp_sntrup761_enc(uint8_t ct[RP_SNTRUP761_CT_LEN], uint8_t ss[RP_SNTRUP761_SS_LEN],
    const uint8_t pk[RP_SNTRUP761_PK_LEN], rp_sntrup761_random_fn rnd, void *ctx);
/* Decapsulation (implicit rejection: a bad ct gives a pseudo-random ss).
 * Any 1039 bytes are accepted as ct. */
void rp_sntrup761_dec(uint8_t ss[RP_SNTRUP761_SS_LEN], const uint8_t ct[RP_SNTRUP761_CT_LEN],
    const uint8_t sk[RP_SNTRUP761_SK_LEN]);

#endif

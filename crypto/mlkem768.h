/*
 * crypto/mlkem768.h: ML-KEM-768, the module-lattice key-encapsulation
 * mechanism of FIPS 203 with parameter set k = 3, eta1 = eta2 = 2, du = 10,
 * dv = 4 (section 8, Table 2), for the mlkem768x25519-sha256 key exchange.
 *
 * Keys and ciphertexts are the byte strings of FIPS 203: ek (1184 bytes),
 * dk (2400 bytes: dk_PKE, ek, H(ek), z), ciphertext (1088 bytes), shared
 * secret (32 bytes). The functions never allocate and keep no state between
 * calls, so they are thread-safe; every secret intermediate is wiped.
 */
#ifndef RAMPART_CRYPTO_MLKEM768_H
#define RAMPART_CRYPTO_MLKEM768_H

#include <stdint.h>

#define RP_MLKEM768_EK_LEN 1184
#define RP_MLKEM768_DK_LEN 2400
#define RP_MLKEM768_CT_LEN 1088
#define RP_MLKEM768_SS_LEN 32

/* FIPS 203 Algorithm 16 (ML-KEM.KeyGen_internal): the key pair that the
 * seeds d and z determine. For known-answer tests; use rp_mlkem768_keygen()
 * otherwise. */
void rp_mlkem768_keygen_internal(const uint8_t d[32], const uint8_t z[32],
    uint8_t ek[RP_MLKEM768_EK_LEN], uint8_t dk[RP_MLKEM768_DK_LEN]);
/* Algorithm 19 (ML-KEM.KeyGen): a fresh key pair from random seeds
 * (rp_random_bytes). */
void rp_mlkem768_keygen(uint8_t ek[RP_MLKEM768_EK_LEN], uint8_t dk[RP_MLKEM768_DK_LEN]);
/* Algorithm 17 (ML-KEM.Encaps_internal) with the randomness m given. First
 * the input check of section 7.2 on ek (every 12-bit coefficient must be
 * below q = 3329): when it fails, returns 0 with ct and ss zeroed. Otherwise
 * writes the ciphertext and the shared secret and returns 1. For
 * known-answer tests; use rp_mlkem768_encaps() otherwise. */
int rp_mlkem768_encaps_internal(const uint8_t ek[RP_MLKEM768_EK_LEN], const uint8_t m[32],
    uint8_t ct[RP_MLKEM768_CT_LEN], uint8_t ss[RP_MLKEM768_SS_LEN]);
/* Algorithm 20 (ML-KEM.Encaps): encapsulate a fresh random secret to the
 * peer's ek. Same checks and return convention as
 * rp_mlkem768_encaps_internal(). */
int rp_mlkem768_encaps(const uint8_t ek[RP_MLKEM768_EK_LEN], uint8_t ct[RP_MLKEM768_CT_LEN],
    uint8_t ss[RP_MLKEM768_SS_LEN]);
/* Algorithm 21 (ML-KEM.Decaps), after the section 7.3 hash check on dk (the
 * H(ek) stored in dk must match the ek stored there): returns 0 with ss
 * zeroed when it fails. Otherwise returns 1 and the shared secret; a
 * ciphertext that is not a valid encapsulation still gives 1, with the
 * implicit-rejection secret J(z || ct), which is pseudo-random to anyone
 * without dk. Which of the two it was is not revealed by the timing. */
int rp_mlkem768_decaps(const uint8_t dk[RP_MLKEM768_DK_LEN], const uint8_t ct[RP_MLKEM768_CT_LEN],
    uint8_t ss[RP_MLKEM768_SS_LEN]);

/* The NTT constants of FIPS 203 Appendix A, exported only so that the unit
 * tests can recompute them from their definition: zetas[i] = 17^BitRev7(i)
 * mod q (Algorithms 9 and 10) and gammas[i] = 17^(2 BitRev7(i) + 1) mod q
 * (Algorithm 11). */
extern const uint16_t rp_mlkem768_zetas[128];
extern const uint16_t rp_mlkem768_gammas[128];

#endif

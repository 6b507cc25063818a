/*
 * crypto/secret.h: handling secrets, and randomness.
 *
 * Secrets (keys, shared secrets, passwords) are wiped when dropped and
 * compared in constant time. Randomness comes from BoringSSL's RNG, which
 * reads getrandom(2); rp_crypto_prepare_sandbox() must run before a process
 * locks itself into the seccomp sandbox.
 */
#ifndef RAMPART_CRYPTO_SECRET_H
#define RAMPART_CRYPTO_SECRET_H

#include <stddef.h>

/* Overwrite n bytes at p with zeros in a way the compiler cannot drop. */
void rp_wipe(void *p, size_t n);
/* 1 when the n bytes at a and b are equal; time depends only on n. */
int rp_ct_equal(const void *a, const void *b, size_t n);
/* Fill out with n cryptographically random bytes. Aborts on RNG failure:
 * there is no safe way to continue without randomness. */
void rp_random_bytes(void *out, size_t n);
/* A uniformly random 32-bit number. */
unsigned int rp_random_u32(void);
/* Initialise BoringSSL fully (CPU features, RNG) so that nothing it does later
 * needs a syscall outside the worker's allow-list. */
void rp_crypto_prepare_sandbox(void);

#endif

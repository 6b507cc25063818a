#!/usr/bin/python3
"""The MODP groups 14, 16 and 18 of RFC 3526, recomputed from their
definition there:

    p = 2^n - 2^(n-64) - 1 + 2^64 * (floor(2^(n-130) * pi) + k)

with k = 124476 (2048 bits), 240904 (4096) and 4743158 (8192), pi from
Machin's formula in integer arithmetic, and p and (p-1)/2 checked to be
(probable) primes, as the RFC requires of a safe prime. Prints each prime in
hex, as crypto/dh.c writes it. Takes about 20 seconds.

Run:  /usr/bin/python3 tests/vectors/gen_modp_groups.py
"""

import random


def pi_scaled(bits):
    """floor(pi * 2^bits): 16 atan(1/5) - 4 atan(1/239), with guard bits."""
    guard = 64
    one = 1 << (bits + guard)

    def atan_inv(x):
        total, term, n, sign = 0, one // x, 1, 1
        while term:
            total += sign * (term // n)
            term //= x * x
            n += 2
            sign = -sign
        return total
    return (16 * atan_inv(5) - 4 * atan_inv(239)) >> guard


def probably_prime(n, rounds=16):
    """Miller-Rabin with random bases."""
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        x = pow(random.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def main():
    for group, n, k in ((14, 2048, 124476), (16, 4096, 240904), (18, 8192, 4743158)):
        p = 2**n - 2**(n - 64) - 1 + 2**64 * (pi_scaled(n - 130) + k)
        assert probably_prime(p) and probably_prime((p - 1) // 2), group
        print("group %d (%d bits): %X" % (group, n, p))


if __name__ == "__main__":
    main()

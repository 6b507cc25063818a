#!/usr/bin/python3
"""Generate packaging/moduli: safe primes for diffie-hellman-group-exchange
(RFC 4419), in the format of OpenSSH's moduli(5), so an administrator may
also point rampart at /etc/ssh/moduli.

Each prime p comes from `openssl prime -generate -safe`, and is checked
again here (p and q = (p-1)/2 both pass 64 rounds of Miller-Rabin with
random bases). The generator is one of the subgroup of prime order q (the
quadratic residues), so a public value leaks no bit of the exponent: 2 when
p = 7 (mod 8), where 2 is a residue, else 4 (2 squared); a safe prime
above 7 is 3 or 7 (mod 8).

A line reads: time type tests tries size generator modulus, where type 2 is
a safe prime, tests 6 records sieving and Miller-Rabin, tries the rounds,
and size the prime's length in bits minus one (moduli(5)).

Run:  /usr/bin/python3 packaging/gen-moduli.py BITS COUNT [SECONDS] >> FILE
Stops after COUNT primes or SECONDS (default 3600), whichever is first.
"""

import random
import subprocess
import sys
import time

ROUNDS = 64


def probably_prime(n, rounds=ROUNDS):
    if n < 4 or n % 2 == 0:
        return n in (2, 3)
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        a = random.randrange(2, n - 1)
        x = pow(a, d, n)
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
    bits, count = int(sys.argv[1]), int(sys.argv[2])
    budget = float(sys.argv[3]) if len(sys.argv) > 3 else 3600.0
    deadline = time.monotonic() + budget
    made = 0
    while made < count and time.monotonic() < deadline:
        left = max(1, int(deadline - time.monotonic()))
        try:
            out = subprocess.run(["openssl", "prime", "-generate", "-safe", "-bits",
                                  str(bits), "-hex"], capture_output=True, text=True,
                                 check=True, timeout=left).stdout.strip()
        except subprocess.TimeoutExpired:
            break
        p = int(out, 16)
        if p.bit_length() != bits:
            continue
        if not probably_prime(p) or not probably_prime((p - 1) // 2):
            sys.exit("openssl gave a number that is not a safe prime")
        g = 2 if p % 8 == 7 else 4
        assert pow(g, (p - 1) // 2, p) == 1  # a residue: order q
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        print("%s 2 6 %d %d %X %X" % (stamp, ROUNDS, bits - 1, g, p), flush=True)
        made += 1
    if made < count:
        print("gen-moduli: %d of %d %d-bit primes in the time given" % (made, count, bits),
              file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Known-answer vectors for the umac-*@openssh.com MACs of crypto/pkt_cipher.c,
from an implementation independent of rampart's C code.

Python has no UMAC, so UMAC (RFC 4418) is written out below straight from the
RFC's pseudocode, with Python's integers for the arithmetic and pyca/cryptography
(OpenSSL, not BoringSSL) for AES-128 and AES-CTR. It is slow and simple on
purpose: one function per RFC section, no tricks. `--self-test` checks it
against the RFC 4418 appendix vectors (with erratum 3507) that are short enough
for Python, before anything is printed.

The SSH use (OpenSSH PROTOCOL 1.1 and 1.5, draft-miller-secsh-umac-01):
  key   = the 16-byte MAC key from the key exchange
  nonce = the 32-bit packet sequence number as a 64-bit big-endian integer
  msg   = the plaintext packet (encrypt-and-MAC), or packet_length ||
          ciphertext (the -etm MACs). The sequence number is only the nonce:
          unlike HMAC, it is not prepended to the message.

Run:  /usr/bin/python3 tests/vectors/gen_umac_kat.py
and paste its output into the kats[] table of tests/unit/test_pkt_cipher.c.

With --marker it prints instead the crafted vectors of tests/unit/test_umac.c
for POLY's out-of-range words (RFC 4418's POLY algorithm), which no published
vector reaches: an L1 hash lands at or above 2^64 - 2^32 with probability
2^-32. The messages are zeros except for two 32-byte blocks per crafted
chunk, chosen (knowing the test key) so that one iteration's L1 hash of that
chunk is exactly a given value: 2^64 - 2^32 (the first out-of-range word),
2^64 - 1, or 2^64 - 2^32 - 1 (the last in range), under POLY64 (2048-byte
messages) and as the high half of a POLY128 word (past 16 MiB).
"""

import functools
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCKLEN = 16


def aes(key, block):
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def uint2str(x, n):
    return x.to_bytes(n, "big")


def str2uint(s):
    return int.from_bytes(s, "big")


# RFC 4418's algorithms, by their names there.

# KDF
def kdf(k, index, numbytes):
    n = (numbytes + BLOCKLEN - 1) // BLOCKLEN
    y = b""
    for i in range(1, n + 1):
        y += aes(k, uint2str(index, BLOCKLEN - 8) + uint2str(i, 8))
    return y[:numbytes]


# PDF
def pdf(k, nonce, taglen):
    assert 1 <= len(nonce) <= BLOCKLEN
    index = 0
    if taglen in (4, 8):
        index = str2uint(nonce) % (BLOCKLEN // taglen)
        nonce = uint2str(str2uint(nonce) ^ index, len(nonce))
    nonce = nonce + bytes(BLOCKLEN - len(nonce))
    t = aes(kdf(k, 0, 16), nonce)
    if taglen in (4, 8):
        return t[index * taglen:(index + 1) * taglen]
    return t[:taglen]


# NH (M already endian-swapped, so its words read big-endian).
# Cached: the 16 MiB marker messages are mostly identical zero chunks.
@functools.lru_cache(maxsize=64)
def nh(k, m):
    t = len(m) // 4
    mw = [str2uint(m[4 * i:4 * i + 4]) for i in range(t)]
    kw = [str2uint(k[4 * i:4 * i + 4]) for i in range(t)]
    y = 0
    for i in range(0, t, 8):
        for j in range(4):
            y += ((mw[i + j] + kw[i + j]) % 2**32) * ((mw[i + j + 4] + kw[i + j + 4]) % 2**32)
    return uint2str(y % 2**64, 8)


def endian_swap(s):
    return b"".join(s[i:i + 4][::-1] for i in range(0, len(s), 4))


def zeropad(s, n):
    # The RFC pads to the nearest positive multiple of n bytes: the empty
    # string becomes n zero bytes.
    padded = max(((len(s) + n - 1) // n) * n, n)
    return s + bytes(padded - len(s))


def add64(a, b):
    return uint2str((str2uint(a) + str2uint(b)) % 2**64, 8)


# L1-HASH
def l1_hash(k, m):
    t = max((len(m) + 1023) // 1024, 1)
    chunks = [m[1024 * i:1024 * (i + 1)] for i in range(t)]
    y = b""
    for c in chunks[:-1]:
        y += add64(nh(k, endian_swap(c)), uint2str(8192, 8))
    last = chunks[-1]
    y += add64(nh(k, endian_swap(zeropad(last, 32))), uint2str(8 * len(last), 8))
    return y


def prime(n):
    return {36: 2**36 - 5, 64: 2**64 - 59, 128: 2**128 - 159}[n]


# POLY
def poly(wordbits, maxwordrange, k, m):
    wordbytes = wordbits // 8
    p = prime(wordbits)
    offset = 2**wordbits - p
    marker = p - 1
    y = 1
    for i in range(0, len(m), wordbytes):
        w = str2uint(m[i:i + wordbytes])
        if w >= maxwordrange:
            y = (k * y + marker) % p
            y = (k * y + (w - offset)) % p
        else:
            y = (k * y + w) % p
    return y


# L2-HASH
def l2_hash(k, m):
    k64 = str2uint(k[:8]) & 0x01FFFFFF01FFFFFF
    k128 = str2uint(k[8:24]) & 0x01FFFFFF01FFFFFF01FFFFFF01FFFFFF
    if len(m) <= 2**17:
        y = poly(64, 2**64 - 2**32, k64, m)
    else:
        m1, m2 = m[:2**17], m[2**17:]
        m2 = zeropad(m2 + b"\x80", 16)
        y = poly(64, 2**64 - 2**32, k64, m1)
        y = poly(128, 2**128 - 2**96, k128, uint2str(y, 16) + m2)
    return uint2str(y, 16)


# L3-HASH
def l3_hash(k1, k2, m):
    y = 0
    for i in range(8):
        ki = str2uint(k1[8 * i:8 * i + 8]) % prime(36)
        mi = str2uint(m[2 * i:2 * i + 2])
        y = (y + mi * ki) % prime(36)
    y %= 2**32
    return bytes(a ^ b for a, b in zip(uint2str(y, 4), k2))


# UHASH
def uhash(k, m, taglen):
    iters = taglen // 4
    l1key = kdf(k, 1, 1024 + (iters - 1) * 16)
    l2key = kdf(k, 2, iters * 24)
    l3key1 = kdf(k, 3, iters * 64)
    l3key2 = kdf(k, 4, iters * 4)
    y = b""
    for i in range(iters):
        a = l1_hash(l1key[16 * i:16 * i + 1024], m)
        if len(m) <= 1024:
            b = bytes(8) + a
        else:
            b = l2_hash(l2key[24 * i:24 * i + 24], a)
        y += l3_hash(l3key1[64 * i:64 * i + 64], l3key2[4 * i:4 * i + 4], b)
    return y


# UMAC
def umac(k, m, nonce, taglen):
    h = uhash(k, m, taglen)
    return bytes(a ^ b for a, b in zip(h, pdf(k, nonce, taglen)))


def self_test():
    # RFC 4418 appendix (K = "abcdefghijklmnop", Nonce = "bcdefghi"), the
    # rows Python can do quickly; the 128-bit tags come from the reference
    # vectors of tests/vectors/umac/ (UMAC-96 is their prefix).
    k, n = b"abcdefghijklmnop", b"bcdefghi"
    rows = [
        (b"", "113145FB", "6E155FAD26900BE1", "32FEDB100C79AD58F07FF7643CC60465"),
        (b"a" * 3, "3B91D102", "44B5CB542F220104", "185E4FE905CBA7BD85E4C2DC3D117D8D"),
        (b"a" * 1024, "599B350B", "26BF2F5D60118BD9", "7A54ABE04AF82D60FB298C3CBD195BCB"),
        (b"a" * 32768, "58DCF532", "27F8EF643B0D118D", "7B136BD911E4B734286EF2BE501F2C3C"),
        (b"abc", "ABF3A3A0", "D4D7B9F6BD4FBFCF", "883C3D4B97A61976FFCF232308CBA5A5"),
        (b"abc" * 500, "ABEB3C8B", "D4CF26DDEFD5C01A", None),
    ]
    for m, t32, t64, t128 in rows:
        assert umac(k, m, n, 4).hex().upper() == t32, (len(m), 4)
        assert umac(k, m, n, 8).hex().upper() == t64, (len(m), 8)
        if t128:
            assert umac(k, m, n, 16).hex().upper() == t128, (len(m), 16)
    # POLY128 is only reached past 16 MiB, too slow here; check it against
    # a hand-made case instead: the marker path of both POLYs.
    assert poly(64, 2**64 - 2**32, 2, uint2str(2**64 - 1, 8)) == \
        ((2 * 1 + prime(64) - 1) * 2 + (2**64 - 1 - 59)) % prime(64)


def packet(payload, block, aligns_length):
    """RFC 4253 section 6 binary packet, padding bytes 0xa0, 0xa1, ..."""
    covered = (4 if aligns_length else 0) + 1 + len(payload)
    pad = block - covered % block
    if pad < 4:
        pad += block
    while 4 + 1 + len(payload) + pad < 16:
        pad += block
    body = bytes([pad]) + payload + bytes(0xa0 + i for i in range(pad))
    return struct.pack(">I", len(body)) + body


def ssh_umac(mac_key, seqnr, data, taglen):
    return umac(mac_key, data, struct.pack(">Q", seqnr), taglen)


def c_hex(name, data):
    return '\t\t.%s = "%s",' % (name, data.hex())


def emit(title, cipher, mac_name, key, iv, mac_key, packets):
    print("\t/* %s */" % title)
    print("\t{")
    print('\t\t.cipher = "%s",' % cipher)
    print('\t\t.mac = "%s",' % mac_name)
    print(c_hex("key", key))
    print(c_hex("iv", iv))
    print(c_hex("mac_key", mac_key))
    print("\t\t.npackets = %d," % len(packets))
    print("\t\t.packets = {")
    for seqnr, plain, wire, tag in packets:
        print("\t\t\t{")
        print("\t\t\t\t.seqnr = %uu," % seqnr)
        print('\t\t\t\t.plain = "%s",' % plain.hex())
        print('\t\t\t\t.wire = "%s",' % wire.hex())
        print('\t\t\t\t.tag = "%s",' % tag.hex())
        print("\t\t\t},")
    print("\t\t},")
    print("\t},")


VEC_KEY, VEC_NONCE = b"abcdefghijklmnop", b"bcdefghi"


def craft_chunk(it, target):
    """A 1024-byte chunk, zero but for its first 32 bytes (words 0-7), whose
    L1 hash (NH plus 8192 bits) in UHASH iteration `it` is `target`. Message
    word j meets key word j + 4 * it; each of the four pairs
    (w_j + k_j)(w_j+4 + k_j+4) of words 0-7 can be any product of two 32-bit
    numbers, and the zero words after them add a fixed amount."""
    key = kdf(VEC_KEY, 1, 1024 + 3 * 16)[16 * it:16 * it + 1024]
    kw = [str2uint(key[4 * i:4 * i + 4]) for i in range(256)]
    rest = sum(kw[j] * kw[j + 4] for b in range(1, 32) for j in range(8 * b, 8 * b + 4))
    x = (target - 8192 - rest) % 2**64
    # x as a sum of up to four products u * v of 32-bit numbers.
    products = []
    for _ in range(3):
        v = min(x // 0xFFFFFFFF, 0xFFFFFFFF)
        products.append((0xFFFFFFFF, v))
        x -= 0xFFFFFFFF * v
    products.append((x, 1))
    assert x < 2**32
    words = [0] * 8
    for j, (u, v) in enumerate(products):
        words[j] = (u - kw[j]) % 2**32
        words[j + 4] = (v - kw[j + 4]) % 2**32
    chunk = b"".join(struct.pack("<I", w) for w in words) + bytes(1024 - 32)
    assert str2uint(add64(nh(key, endian_swap(chunk)), uint2str(8192, 8))) == target
    return chunk


def marker_vectors():
    lo64 = 2**64 - 2**32
    cases = []
    for it in (0, 1, 3):
        for target in (lo64, 2**64 - 1, lo64 - 1):
            # POLY64: the crafted chunk first of two.
            cases.append(("POLY64, iteration %d, first L1 hash %#x" % (it, target),
                          2048, [(0, craft_chunk(it, target))]))
    for it in (0, 1):
        for target in (lo64, lo64 - 1):
            # POLY128: chunk 2^14 is the high half of the first word after
            # y; with one more chunk, or last (then padded with 0x80).
            for extra in (1024, 0):
                cases.append(("POLY128, iteration %d, L1 hash %d %#x%s" %
                              (it, 2**14, target, ", last" if extra == 0 else ""),
                              2**24 + 1024 + extra, [(2**24, craft_chunk(it, target))]))
    print("static const struct crafted crafted[] = {")
    for title, length, patches in cases:
        msg = bytearray(length)
        for off, data in patches:
            msg[off:off + len(data)] = data
        msg = bytes(msg)
        print("\t/* %s */" % title)
        print("\t{")
        print("\t\t.msg_len = %d," % length)
        for off, data in patches:
            print("\t\t.patch_off = %d," % off)
            print('\t\t.patch = "%s",' % data[:32].hex())
            assert data[32:] == bytes(len(data) - 32)
        print("\t\t.tags = {")
        for taglen in (4, 8, 12, 16):
            print('\t\t\t"%s",' % umac(VEC_KEY, msg, VEC_NONCE, taglen).hex())
        print("\t\t},")
        print("\t},")
    print("};")


def main():
    self_test()
    if "--self-test" in sys.argv:
        print("gen_umac_kat.py: RFC 4418 vectors ok")
        return
    if "--marker" in sys.argv:
        marker_vectors()
        return
    payloads = [b"\x05\0\0\0\x0cssh-userauth", bytes(range(40)), b"x" * 3]
    # Consecutive sequence numbers share one AES block of pad for UMAC-64
    # (even and odd halves); 2^32-1 is the last one before the wrap.
    seqnrs = [6, 7, 0xFFFFFFFF]
    iv = bytes(range(0xF0, 0xFC)) + b"\xff\xff\xff\xfe"
    mac_key = bytes(range(0x60, 0x70))
    for cipher, key in (("aes128-ctr", bytes(range(0x20, 0x30))),
                        ("aes256-ctr", bytes(range(0x20, 0x40)))):
        for taglen in (8, 16):
            for etm in (True, False):
                name = "umac-%d%s@openssh.com" % (taglen * 8, "-etm" if etm else "")
                if cipher == "aes256-ctr" and not (taglen == 16 and etm):
                    continue
                stream = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
                pkts = []
                for seqnr, payload in zip(seqnrs, payloads):
                    plain = packet(payload, 16, not etm)
                    if etm:
                        wire = plain[:4] + stream.update(plain[4:])
                        tag = ssh_umac(mac_key, seqnr, wire, taglen)
                    else:
                        wire = stream.update(plain)
                        tag = ssh_umac(mac_key, seqnr, plain, taglen)
                    pkts.append((seqnr, plain, wire, tag))
                emit("%s + %s: nonce = uint64 seqnr, msg = %s" %
                     (cipher, name, "length || ciphertext" if etm else "plaintext packet"),
                     cipher, name, key, iv, mac_key, pkts)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Known-answer vectors for crypto/pkt_cipher.c, from an independent
implementation: pyca/cryptography (tested with 38.x, Debian 12's
python3-cryptography), which wraps OpenSSL rather than BoringSSL.

Each mode is built here from its specification, not from rampart's code:
  chacha20-poly1305@openssh.com  OpenSSH PROTOCOL.chacha20poly1305
  aes128-gcm@openssh.com         RFC 5647 / OpenSSH PROTOCOL 1.6
  aes128-ctr + hmac-sha2-256     RFC 4253 6.4 (encrypt-and-MAC), RFC 4344, RFC 6668
  aes128-ctr + hmac-sha2-256-etm@openssh.com   OpenSSH PROTOCOL 1.5
  aes192-ctr                     RFC 4344 4 (as aes128-ctr, a 192-bit key)

Run:  /usr/bin/python3 tests/vectors/gen_pkt_cipher_kat.py
and paste its output into tests/unit/test_pkt_cipher.c. Each vector is a
sequence of packets sealed by one object in order, so the CTR keystream and the
GCM invocation counter carry from one packet to the next.
"""

import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.poly1305 import Poly1305


def packet(payload, block, aligns_length):
    """RFC 4253 section 6 binary packet (without MAC), padding 4..255 bytes
    with the deterministic bytes 0xa0, 0xa1, ... so the vectors are fixed."""
    covered = (4 if aligns_length else 0) + 1 + len(payload)
    pad = block - covered % block
    if pad < 4:
        pad += block
    while 4 + 1 + len(payload) + pad < 16:
        pad += block
    body = bytes([pad]) + payload + bytes(0xa0 + i for i in range(pad))
    return struct.pack(">I", len(body)) + body


def chacha20(key, seqnr, counter, data):
    # cryptography's ChaCha20 takes the whole 16-byte input block after the
    # key: in the original ChaCha20 that OpenSSH uses, a 64-bit little-endian
    # block counter || the 64-bit nonce, here the sequence number big-endian.
    nonce = struct.pack("<Q", counter) + struct.pack(">Q", seqnr)
    enc = Cipher(algorithms.ChaCha20(key, nonce), mode=None).encryptor()
    return enc.update(data) + enc.finalize()


def chachapoly_seal(key, seqnr, pkt):
    k2, k1 = key[:32], key[32:]
    enc_len = chacha20(k1, seqnr, 0, pkt[:4])
    enc_body = chacha20(k2, seqnr, 1, pkt[4:])
    poly_key = chacha20(k2, seqnr, 0, b"\0" * 32)
    p = Poly1305(poly_key)
    p.update(enc_len + enc_body)
    return enc_len + enc_body, p.finalize()


def gcm_seal(key, iv, pkt):
    out = AESGCM(key).encrypt(iv, pkt[4:], pkt[:4])
    return pkt[:4] + out[:-16], out[-16:]


def next_iv(iv):
    fixed, counter = iv[:4], int.from_bytes(iv[4:], "big")
    return fixed + ((counter + 1) % (1 << 64)).to_bytes(8, "big")


def ctr_stream(key, iv):
    return Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()


def mac(mac_key, seqnr, data):
    return hmac.new(mac_key, struct.pack(">I", seqnr) + data, hashlib.sha256).digest()


def c_hex(name, data):
    return '\t\t.%s = "%s",' % (name, data.hex())


def emit(title, cipher, mac_name, key, iv, mac_key, packets):
    print("\t/* %s */" % title)
    print("\t{")
    print('\t\t.cipher = "%s",' % cipher)
    print('\t\t.mac = %s,' % ('"%s"' % mac_name if mac_name else "NULL"))
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


def main():
    payloads = [b"\x05\0\0\0\x0cssh-userauth", bytes(range(40))]

    key = bytes(range(64))
    pkts = []
    for seqnr, payload in zip([0, 7, 0xFFFFFFFF], payloads + [b"x" * 3]):
        plain = packet(payload, 8, False)
        wire, tag = chachapoly_seal(key, seqnr, plain)
        pkts.append((seqnr, plain, wire, tag))
    emit("chacha20-poly1305@openssh.com: seqnr 0, 7, 2^32-1",
         "chacha20-poly1305@openssh.com", None, key, b"", b"", pkts)

    key = bytes(range(0x10, 0x20))
    # The invocation counter 0x00000000ffffffff carries into its fifth byte.
    iv = bytes([1, 2, 3, 4, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])
    pkts = []
    for seqnr, payload in zip([3, 4], payloads):
        plain = packet(payload, 16, False)
        wire, tag = gcm_seal(key, iv, plain)
        iv = next_iv(iv)
        pkts.append((seqnr, plain, wire, tag))
    emit("aes128-gcm@openssh.com: the counter carries between the packets",
         "aes128-gcm@openssh.com", None, key,
         bytes([1, 2, 3, 4, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]), b"", pkts)

    key = bytes(range(0x20, 0x30))
    # The 128-bit CTR counter carries out of its low 32 bits after one block.
    iv = bytes(range(0xF0, 0xFC)) + b"\xff\xff\xff\xfe"
    mac_key = bytes(range(0x40, 0x60))

    stream = ctr_stream(key, iv)
    pkts = []
    for seqnr, payload in zip([3, 4], payloads):
        plain = packet(payload, 16, False)
        wire = plain[:4] + stream.update(plain[4:])
        pkts.append((seqnr, plain, wire, mac(mac_key, seqnr, wire)))
    emit("aes128-ctr + hmac-sha2-256-etm@openssh.com: one keystream across packets",
         "aes128-ctr", "hmac-sha2-256-etm@openssh.com", key, iv, mac_key, pkts)

    stream = ctr_stream(key, iv)
    pkts = []
    for seqnr, payload in zip([3, 4], payloads):
        plain = packet(payload, 16, True)
        wire = stream.update(plain)
        pkts.append((seqnr, plain, wire, mac(mac_key, seqnr, plain)))
    emit("aes128-ctr + hmac-sha2-256 (encrypt-and-MAC)",
         "aes128-ctr", "hmac-sha2-256", key, iv, mac_key, pkts)

    key = bytes(range(0x20, 0x38))
    stream = ctr_stream(key, iv)
    pkts = []
    for seqnr, payload in zip([3, 4], payloads):
        plain = packet(payload, 16, False)
        wire = plain[:4] + stream.update(plain[4:])
        pkts.append((seqnr, plain, wire, mac(mac_key, seqnr, wire)))
    emit("aes192-ctr + hmac-sha2-256-etm@openssh.com: a 24-byte key",
         "aes192-ctr", "hmac-sha2-256-etm@openssh.com", key, iv, mac_key, pkts)


if __name__ == "__main__":
    main()

"""tests/integration/gex_tests.py: diffie-hellman-group-exchange-sha256
(RFC 4419) with the moduli file rampart ships (packaging/moduli).

OpenSSH's client asks for a group by the strength of the cipher it will use
(2048<3072<8192 for aes128-gcm, 2048<8192<8192 for chacha20-poly1305);
paramiko asks for whatever min, n and max the test sets. The group the
client gets is checked against the file, the server's dh-group-bits
preference raises n, and a request a server may not answer fails the
exchange. Loaded by run.py; every wait is bounded.
"""

import os
import re
import unittest

import harness
import session_tests
from harness import Daemon, sha256

BUILD = "build"
GEX = "diffie-hellman-group-exchange-sha256"
MODULI = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "packaging", "moduli")


def set_build(build):
    global BUILD
    BUILD = build


def shipped_groups():
    """[(p, g)] of packaging/moduli."""
    groups = []
    with open(MODULI) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.split()
            groups.append((int(fields[6], 16), int(fields[5], 16)))
    return groups


def shipped_primes():
    """{bits: set of primes} of packaging/moduli."""
    primes = {}
    for p, _ in shipped_groups():
        primes.setdefault(p.bit_length(), set()).add(p)
    return primes


def paramiko_gex(d, min_bits, n_bits, max_bits):
    """Connect with paramiko asking for min/n/max; returns the prime it got
    (None if the exchange failed) and the exception, if any."""
    import paramiko
    from paramiko.kex_gex import KexGexSHA256

    seen = []

    class Asking(KexGexSHA256):
        pass
    Asking.min_bits, Asking.preferred_bits, Asking.max_bits = min_bits, n_bits, max_bits

    def record(self, m, parse=KexGexSHA256._parse_kexdh_gex_group):
        parse(self, m)  # sets self.p
        seen.append(self.p)
    Asking._parse_kexdh_gex_group = record

    def prepare(t):
        t._kex_info = dict(t._kex_info, **{GEX: Asking})
        t.get_security_options().kex = (GEX,)
    try:
        with session_tests.ParamikoConn(d, prepare=prepare, deadline=60) as c:
            ch = c.t.open_session(timeout=20)
            ch.exec_command("echo ok")
            out = ch.makefile("rb").read()
            if out != b"ok\n":
                raise AssertionError("session output %r" % out)
    except (paramiko.SSHException, EOFError) as e:
        return (seen[0] if seen else None), e
    return seen[0], None


class GexTest(unittest.TestCase):
    extra = ""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(BUILD, extra_policy="moduli-file %s\n%s" % (MODULI, cls.extra))
        cls.d.start()
        cls.primes = shipped_primes()

    @classmethod
    def tearDownClass(cls):
        log = cls.d.stop()
        reports = cls.d.sanitizer_reports()
        cls.d.cleanup()
        if reports:
            raise AssertionError("sanitizer reports in rampartd's log:\n" + log)

    def openssh(self, cipher, command="echo ok", **kw):
        mark = self.d.mark()
        r = self.d.ssh(command, options=[("-o", "KexAlgorithms=" + GEX), ("-c", cipher),
                                         ("-v",)], **kw)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertIn(("kex: algorithm: %s" % GEX).encode(), r.stderr)
        return r, mark


class TestGroupExchange(GexTest):

    def test_shipped_file_has_every_size_clients_ask_for(self):
        self.assertTrue({2048, 3072, 4096, 8192} <= set(self.primes), sorted(self.primes))
        for p, g in shipped_groups():
            # g generates the subgroup of prime order (p-1)/2: a quadratic
            # residue (Euler's criterion), and not 1.
            self.assertTrue(1 < g < p - 1)
            self.assertEqual(pow(g, (p - 1) // 2, p), 1)

    def test_openssh_gets_a_group_for_its_cipher(self):
        # aes128-gcm needs 128 bits: OpenSSH asks 2048<3072<8192; chacha20
        # (a 512-bit key) asks 2048<8192<8192.
        for cipher, n, bits in (("aes128-gcm@openssh.com", 3072, 3072),
                                ("chacha20-poly1305@openssh.com", 8192, 8192)):
            with self.subTest(cipher=cipher):
                r, mark = self.openssh(cipher)
                self.assertEqual(r.stdout, b"ok\n")
                self.assertIn(b"SSH2_MSG_KEX_DH_GEX_REQUEST(2048<%d<8192) sent" % n, r.stderr)
                self.assertLogged(r"group exchange 2048<%d<8192: a %d-bit group" % (n, bits),
                                  mark)

    def test_rekeys_each_take_a_fresh_group(self):
        data = os.urandom(6 * 1024 * 1024)
        mark = self.d.mark()
        r = self.d.ssh("cat", input=data, timeout=120,
                       options=[("-o", "KexAlgorithms=" + GEX), ("-c", "aes128-ctr"),
                                ("-o", "RekeyLimit=1M")])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertEqual(sha256(r.stdout), sha256(data))
        self.assertLogged(r"signed key exchange [3-9] \(%s" % GEX, mark)
        self.assertGreaterEqual(len(re.findall(r"group exchange 2048<\d+<8192",
                                               self.d.log()[mark:])), 3)

    def test_paramiko_min_n_max_are_honoured(self):
        # (min, n, max) -> the size the server must choose from the file.
        for asked, bits in (((1024, 2048, 8192), 2048), ((3072, 3072, 3072), 3072),
                            ((2048, 3500, 8192), 4096), ((4096, 6144, 8192), 8192),
                            ((2048, 8192, 6144), None), ((1024, 1024, 1536), None)):
            with self.subTest(asked=asked):
                mark = self.d.mark()
                p, err = paramiko_gex(self.d, *asked)
                if bits is None:
                    self.assertIsNotNone(err)
                    self.assertIsNone(p)
                    self.assertLogged(r"group exchange request for %d<%d<%d bits: out of "
                                      r"order, or a maximum under 2048" % asked, mark)
                else:
                    self.assertIsNone(err, err)
                    self.assertIn(p, self.primes[bits])

    def test_asyncssh_group_exchange(self):
        import asyncio
        import asyncssh

        async def echo():
            async with asyncssh.connect(
                    "127.0.0.1", port=self.d.port, username=self.d.default_user(),
                    client_keys=[self.d.client_key], known_hosts=self.d.known_hosts,
                    agent_path=None, kex_algs=[GEX]) as conn:
                return (await conn.run("echo ok", check=False, timeout=20)).stdout
        mark = self.d.mark()
        self.assertEqual(asyncio.run(asyncio.wait_for(echo(), 60)), "ok\n")
        self.assertLogged(r"group exchange \d+<\d+<\d+: a \d+-bit group", mark)

    def assertLogged(self, pattern, after=0, timeout=10):
        return self.d.wait_log(pattern, timeout=timeout, after=after)


class TestGroupExchangePreference(GexTest):
    """dh-group-bits 4096: the server's floor, within the client's max."""
    extra = "dh-group-bits 4096\n"

    def test_preference_raises_the_clients_n(self):
        r, mark = self.openssh("aes128-gcm@openssh.com")
        self.assertIn(b"SSH2_MSG_KEX_DH_GEX_REQUEST(2048<3072<8192) sent", r.stderr)
        self.d.wait_log(r"group exchange 2048<3072<8192: a 4096-bit group", after=mark)
        # Never above what the client allows.
        p, err = paramiko_gex(self.d, 2048, 2048, 3072)
        self.assertIsNone(err, err)
        self.assertEqual(p.bit_length(), 3072)


class TestGroupExchangeWithoutModuliFile(unittest.TestCase):
    """No moduli-file: RFC 3526's groups 14, 16 and 18."""

    def test_builtin_groups(self):
        d = Daemon(BUILD)
        d.start()
        try:
            p, err = paramiko_gex(d, 2048, 3072, 8192)
            self.assertIsNone(err, err)
            self.assertEqual(p.bit_length(), 4096)
            # RFC 3526's primes end in 64 one bits.
            self.assertEqual(p & ((1 << 64) - 1), (1 << 64) - 1)
        finally:
            d.stop()
            reports = d.sanitizer_reports()
            d.cleanup()
        self.assertEqual(reports, [])


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/python3
"""tests/integration/run.py: rampartd against real clients, on loopback.

    tests/integration/run.py --build build [-k PATTERN]

Run as root, it tests the privileged mode (workers chrooted as the
`rampart` user, sessions as the authenticated user) and also the
unprivileged mode (the daemon run as the `rampart-test` account); both
accounts are created if missing. Run as another user, it tests the
unprivileged mode as that user.
"""

import argparse
import asyncio
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import sys
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_tests  # noqa: E402
import auth_tests  # noqa: E402
import forward_tests  # noqa: E402
import gex_tests  # noqa: E402
import remote_forward_tests  # noqa: E402
import session_tests  # noqa: E402
import x11_tests  # noqa: E402
import harness  # noqa: E402
from harness import Daemon, sha256  # noqa: E402

BUILD = "build"

AEAD_CIPHERS = ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
                "aes256-gcm@openssh.com"]
CTR_CIPHERS = ["aes128-ctr", "aes192-ctr", "aes256-ctr"]
MACS = ["hmac-sha2-256", "hmac-sha2-512", "hmac-sha2-256-etm@openssh.com",
        "hmac-sha2-512-etm@openssh.com", "umac-64@openssh.com", "umac-128@openssh.com",
        "umac-64-etm@openssh.com", "umac-128-etm@openssh.com"]
# What Debian 12's OpenSSH 9.2 client has of ours (mlkem768x25519-sha256 and
# the unsuffixed sntrup761 name came with 9.9).
KEX = ["sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
       "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
       "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256",
       "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512",
       "diffie-hellman-group18-sha512"]


def setUpModule():
    if harness.is_root():
        harness.ensure_account(harness.WORKER_USER, system=True)
        harness.ensure_account(harness.TEST_USER, system=False)


class DaemonTest(unittest.TestCase):
    """A daemon per test class, checked for sanitizer reports at the end."""

    daemon_args = {}

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(BUILD, **cls.daemon_args)
        cls.d.start()

    @classmethod
    def tearDownClass(cls):
        log = cls.d.stop()
        reports = cls.d.sanitizer_reports()
        cls.d.cleanup()
        if reports:
            raise AssertionError("sanitizer reports in rampartd's log:\n" + log)

    def assertLogged(self, pattern, after=0, timeout=10):
        return self.d.wait_log(pattern, timeout=timeout, after=after)


class TestExec(DaemonTest):
    # Everything implemented, including what the default leaves out (ECDH
    # on the NIST curves, encrypt-and-MAC and 64-bit-tag MACs), so each
    # can be forced in turn.
    daemon_args = {"extra_policy": "kex-algorithms +ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
                   "ecdh-sha2-nistp521\nmacs +" + ",".join(
                       m for m in ["hmac-sha2-256", "hmac-sha2-512", "umac-64-etm@openssh.com",
                                   "umac-64@openssh.com", "umac-128@openssh.com"])}

    def test_exec_prints_and_returns_exit_status(self):
        r = self.d.ssh("echo ok; exit 3")
        self.assertEqual(r.stdout, b"ok\n", r.stderr)
        self.assertEqual(r.returncode, 3, r.stderr)

    def test_stdout_and_stderr_stay_separate(self):
        r = self.d.ssh("echo to-out; echo to-err >&2; echo more-out")
        self.assertEqual(r.stdout, b"to-out\nmore-out\n")
        self.assertEqual(r.stderr, b"to-err\n")
        self.assertEqual(r.returncode, 0)

    def test_20mb_of_stdin_echoed_by_cat_matches(self):
        data = os.urandom(20 * 1024 * 1024)
        r = self.d.ssh("cat", input=data, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(r.stdout), len(data))
        self.assertEqual(sha256(r.stdout), sha256(data))

    def test_large_output_is_flow_controlled(self):
        # 64 MiB from the server: far beyond every window and buffer.
        r = self.d.ssh("head -c 67108864 /dev/zero", timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(r.stdout), 64 * 1024 * 1024)

    def test_stdin_eof_reaches_the_command(self):
        r = self.d.ssh("wc -c", input=b"12345")
        self.assertEqual(r.stdout.strip(), b"5")

    def test_command_killed_by_signal_reports_exit_signal(self):
        mark = self.d.mark()
        r = self.d.ssh("kill -TERM $$")
        # OpenSSH's client exits 255 when the command died of a signal.
        self.assertEqual(r.returncode, 255)
        self.assertLogged(r"session \d+ ended pid=\d+ signal=SIGTERM", after=mark)

    def test_environment_names_the_connection(self):
        r = self.d.ssh('echo "$SSH_CONNECTION|$USER|$HOME"')
        conn, user, home = r.stdout.decode().strip().split("|")
        self.assertRegex(conn, r"^127\.0\.0\.1 \d+ 127\.0\.0\.1 %d$" % self.d.port)
        self.assertEqual(user, self.d.default_user())
        self.assertEqual(home, pwd.getpwnam(self.d.default_user()).pw_dir)

    def test_each_kex_method(self):
        for kex in KEX:
            with self.subTest(kex=kex):
                r = self.d.ssh("echo ok", options=[("-o", "KexAlgorithms=%s" % kex), ("-v",)])
                self.assertEqual(r.stdout, b"ok\n", r.stderr)
                self.assertIn(("kex: algorithm: %s" % kex).encode(), r.stderr)

    def test_default_kex_is_the_clients_first_choice(self):
        # What the client offers first (post-quantum on any current
        # OpenSSH) is what the connection uses.
        offered = subprocess.run(["ssh", "-G", "-F", "/dev/null", "x"], stdout=subprocess.PIPE,
                                 check=True, timeout=10).stdout.decode()
        first = re.search(r"^kexalgorithms (\S+)", offered, re.M).group(1).split(",")[0]
        r = self.d.ssh("echo ok", options=[("-v",)])
        self.assertEqual(r.stdout, b"ok\n", r.stderr)
        self.assertIn(("kex: algorithm: %s" % first).encode(), r.stderr)

    def test_each_cipher_and_mac_carries_1mb_both_ways(self):
        data = os.urandom(1024 * 1024)
        combos = [(c, None) for c in AEAD_CIPHERS] + [(c, m) for c in CTR_CIPHERS for m in MACS]
        for cipher, mac in combos:
            with self.subTest(cipher=cipher, mac=mac):
                opts = [("-c", cipher)] + ([("-m", mac)] if mac else [])
                opts.append(("-v",))
                r = self.d.ssh("cat", options=opts, input=data)
                self.assertEqual(r.returncode, 0, r.stderr[-2000:])
                self.assertEqual(sha256(r.stdout), sha256(data))
                # The client's own account of what was negotiated.
                self.assertIn(("kex: server->client cipher: %s" % cipher).encode(), r.stderr)
                if mac:
                    self.assertIn(("MAC: %s" % mac).encode(), r.stderr)

    def test_client_initiated_rekey_keeps_data_intact(self):
        data = os.urandom(8 * 1024 * 1024)
        for cipher in ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes128-ctr"]:
            with self.subTest(cipher=cipher):
                mark = self.d.mark()
                r = self.d.ssh("cat", input=data,
                               options=[("-c", cipher), ("-o", "RekeyLimit=1M")])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(sha256(r.stdout), sha256(data))
                self.assertLogged(r"signed key exchange [2-9]", after=mark)

    def test_rekey_every_16m_across_300mb(self):
        # The case: 300 MB with RekeyLimit=16M, about 19 key
        # exchanges mid-transfer, nothing lost or reordered.
        data = os.urandom(1024 * 1024) * 300
        mark = self.d.mark()
        r = self.d.ssh("cat", input=data, timeout=300,
                       options=[("-o", "RekeyLimit=16M")])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertEqual(len(r.stdout), len(data))
        self.assertEqual(sha256(r.stdout), sha256(data))
        self.assertLogged(r"signed key exchange (1[0-9]|[2-9][0-9])\b", after=mark)

    def test_paramiko_initiated_rekey_keeps_data_intact(self):
        with session_tests.ParamikoConn(self.d) as c:
            ch = c.t.open_session(timeout=20)
            ch.exec_command("cat")
            chunk = os.urandom(1024 * 1024)
            got = bytearray()

            def read_all():
                # Ends at EOF, or when the deadline closes the transport.
                while True:
                    b = ch.recv(1 << 20)
                    if not b:
                        return
                    got.extend(b)
            reader = threading.Thread(target=read_all, daemon=True)
            reader.start()
            mark = self.d.mark()
            for i in range(8):
                ch.sendall(chunk)
                if i == 3:
                    c.t.renegotiate_keys()  # waits for the exchange to finish
            ch.shutdown_write()
            reader.join(60)
            self.assertEqual(ch.recv_exit_status(), 0)
            self.assertEqual(sha256(bytes(got)), sha256(chunk * 8))
            self.assertLogged(r"signed key exchange 2\b", after=mark)

    def paramiko_echo(self, kex=None, cipher=None, mac=None):
        def choose(t):
            opts = t.get_security_options()
            if kex:
                opts.kex = (kex,)
            if cipher:
                opts.ciphers = (cipher,)
            if mac:
                opts.digests = (mac,)
        with session_tests.ParamikoConn(self.d, prepare=choose) as c:
            ch = c.t.open_session(timeout=20)
            ch.exec_command("echo ok")
            out = ch.makefile("rb").read()
            return out, c.t.remote_cipher, c.t.remote_mac

    def test_paramiko_matrix(self):
        # Every algorithm paramiko 2.12 shares with us, forced in turn.
        for kex in ("curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
                    "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256",
                    "diffie-hellman-group16-sha512", "diffie-hellman-group14-sha256"):
            with self.subTest(kex=kex):
                self.assertEqual(self.paramiko_echo(kex=kex)[0], b"ok\n")
        for cipher in ("aes128-ctr", "aes192-ctr", "aes256-ctr"):
            for mac in ("hmac-sha2-256", "hmac-sha2-512", "hmac-sha2-256-etm@openssh.com",
                        "hmac-sha2-512-etm@openssh.com"):
                with self.subTest(cipher=cipher, mac=mac):
                    out, got_cipher, got_mac = self.paramiko_echo(cipher=cipher, mac=mac)
                    self.assertEqual((out, got_cipher, got_mac), (b"ok\n", cipher, mac))

    def test_asyncssh_matrix(self):
        import asyncssh

        async def echo(**algs):
            async with asyncssh.connect(
                    "127.0.0.1", port=self.d.port, username=self.d.default_user(),
                    client_keys=[self.d.client_key], known_hosts=self.d.known_hosts,
                    agent_path=None, **algs) as conn:
                r = await conn.run("echo ok", check=False, timeout=20)
                return r.stdout, conn.get_extra_info("send_cipher"), conn.get_extra_info("send_mac")

        def run(**algs):
            return asyncio.run(asyncio.wait_for(echo(**algs), 60))

        for kex in ("curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
                    "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                    "diffie-hellman-group-exchange-sha256", "diffie-hellman-group14-sha256",
                    "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512"):
            with self.subTest(kex=kex):
                self.assertEqual(run(kex_algs=[kex])[0], "ok\n")
        for cipher in ("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
                       "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr"):
            with self.subTest(cipher=cipher):
                out, got, _ = run(encryption_algs=[cipher])
                self.assertEqual((out, got), ("ok\n", cipher))
        for mac in MACS:
            with self.subTest(mac=mac):
                out, _, got = run(encryption_algs=["aes128-ctr"], mac_algs=[mac])
                self.assertEqual((out, got), ("ok\n", mac))

    def test_concurrent_connections(self):
        def one(i):
            return self.d.ssh("echo %d" % i)
        with ThreadPoolExecutor(max_workers=10) as pool:
            results = list(pool.map(one, range(20)))
        for i, r in enumerate(results):
            self.assertEqual(r.stdout, b"%d\n" % i, r.stderr)

    def test_paramiko_exec(self):
        try:
            import paramiko
        except ImportError:
            self.skipTest("python3-paramiko is not installed")
        client = paramiko.SSHClient()
        client.get_host_keys().add("[127.0.0.1]:%d" % self.d.port, "ssh-ed25519",
                                   paramiko.Ed25519Key(data=paramiko.Message(
                                       __import__("base64").b64decode(
                                           self.d.host_pub.split()[1])).asbytes()))
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        client.connect("127.0.0.1", port=self.d.port, username=self.d.default_user(),
                       key_filename=self.d.client_key, look_for_keys=False,
                       allow_agent=False, timeout=20)
        try:
            _, out, err = client.exec_command("echo paramiko; exit 7", timeout=20)
            self.assertEqual(out.read(), b"paramiko\n")
            self.assertEqual(out.channel.recv_exit_status(), 7)
        finally:
            client.close()


class TestCompression(DaemonTest):
    """zlib@openssh.com (the default's second choice, started after
    authentication), plain zlib when the policy offers it, and a packet
    that inflates beyond the packet limit ending the connection."""

    daemon_args = {"extra_policy": "compression +zlib"}

    def transfer(self, options):
        # 50 MB that compresses well, both ways.
        data = b"".join(b"line %08d of compressible text\n" % i for i in range(1600000))[:50000000]
        r = self.d.ssh("cat", input=data, timeout=180, options=options + [("-v",)])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertEqual(sha256(r.stdout), sha256(data))
        return r

    def test_zlib_openssh_com_carries_50mb(self):
        before = len(self.d.audit_records())
        r = self.transfer([("-C",)])
        self.assertIn(b"compression: zlib@openssh.com", r.stderr)
        m = re.search(rb"compress incoming: raw data (\d+), compressed (\d+)", r.stderr)
        self.assertIsNotNone(m, r.stderr[-2000:])
        self.assertLess(int(m.group(2)) * 4, int(m.group(1)))
        kex = [x for x in self.d.audit_records()[before:] if x["event"] == "kex"]
        self.assertEqual(kex[0]["compression_in"], "zlib@openssh.com", kex[0])

    def test_no_compression_unless_the_client_asks(self):
        r = self.d.ssh("echo ok", options=[("-v",)])
        self.assertEqual(r.stdout, b"ok\n")
        self.assertIn(b"compression: none", r.stderr)

    def test_decompression_bomb_ends_the_connection(self):
        import paramiko
        mark = self.d.mark()
        with session_tests.ParamikoConn(self.d, prepare=lambda t: t.use_compression(True)) as c:
            # SSH_MSG_IGNORE with 1 MiB of zeros: about a kilobyte on the
            # wire, four times the largest packet once inflated.
            m = paramiko.Message()
            m.add_byte(bytes([2]))
            m.add_string(b"\0" * (1 << 20))
            c.t._send_message(m)
            deadline = time.monotonic() + 20
            while c.t.is_active() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertFalse(c.t.is_active(), "the connection survived a decompression bomb")
        self.assertLogged(r"inflates beyond", after=mark)


class TestPlainZlib(DaemonTest):
    """Plain zlib (compression from the first NEWKEYS) when it is the only
    method the policy offers."""

    daemon_args = {"extra_policy": "compression zlib"}

    def test_plain_zlib_carries_data(self):
        data = os.urandom(1 << 20) + b"z" * (8 << 20)
        r = self.d.ssh("cat", input=data, timeout=120, options=[("-C",), ("-v",)])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertEqual(sha256(r.stdout), sha256(data))
        self.assertRegex(r.stderr, rb"server->client cipher: .* compression: zlib\r?\r?\n")
        # The client's own count: what came back was compressed.
        self.assertRegex(r.stderr, rb"compress incoming: raw data \d+, compressed \d+")


class TestHostKeyAnnouncement(DaemonTest):
    """hostkeys-00@openssh.com after authentication (OpenSSH's PROTOCOL
    2.5): the client's UpdateHostKeys sees every host key the server has."""

    def test_client_hears_of_the_host_key(self):
        r = self.d.ssh("true", options=[("-vvv",), ("-o", "UpdateHostKeys=yes")])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertIn(b"rtype hostkeys-00@openssh.com want_reply 0", r.stderr)
        self.assertIn(b"client_input_hostkeys: 1 server keys: 0 new, 1 retained", r.stderr)


class TestHostKeyTypes(DaemonTest):
    """ECDSA and RSA host keys made by `rampartctl keygen`, besides the
    harness's ed25519 one: each is offered under its algorithms (RSA under
    rsa-sha2-512 and rsa-sha2-256) and signs the exchange; a client that
    knows only one key learns the others through hostkeys-00 and has the
    monitor prove them (UpdateHostKeys)."""

    KEYS = (("ecdsa", "384", "ecdsa-sha2-nistp384"), ("rsa", "3072", "ssh-rsa"))

    @classmethod
    def setUpClass(cls):
        cls.keydir = tempfile.mkdtemp(prefix="rampart-hostkeys-")
        cls.pubs = {}
        lines = []
        for kind, bits, name in cls.KEYS:
            path = os.path.join(cls.keydir, "host_%s" % kind)
            subprocess.run([os.path.join(BUILD, "rampartctl"), "keygen", "-t", kind, "-b", bits,
                            "-f", path, "-C", "test"], check=True, stdout=subprocess.DEVNULL,
                           timeout=120)
            with open(path + ".pub") as f:
                cls.pubs[name] = " ".join(f.read().split()[:2])
            lines.append("host-key %s" % path)
        cls.daemon_args = {"extra_policy": "\n".join(lines)}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.keydir, ignore_errors=True)

    def known_hosts_with(self, *names):
        path = os.path.join(self.keydir, "known_hosts_%d" % len(os.listdir(self.keydir)))
        with open(path, "w") as f:
            for pub in names:
                f.write("[127.0.0.1]:%d %s\n" % (self.d.port, pub))
        return path

    def ssh_knowing(self, kh, command, options):
        # ssh takes an option's first value: replace the harness's own
        # UserKnownHostsFile instead of adding a second one.
        cmd = ["UserKnownHostsFile=%s" % kh if a.startswith("UserKnownHostsFile=") else a
               for a in self.d.ssh_cmd(options=options)] + [command]
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)

    def test_each_host_key_algorithm_signs_the_exchange(self):
        for alg, pub, shown in (("ecdsa-sha2-nistp384", self.pubs["ecdsa-sha2-nistp384"],
                                 "ecdsa-sha2-nistp384"),
                                ("rsa-sha2-512", self.pubs["ssh-rsa"], "ssh-rsa"),
                                ("rsa-sha2-256", self.pubs["ssh-rsa"], "ssh-rsa"),
                                ("ssh-ed25519", self.d.host_pub, "ssh-ed25519")):
            with self.subTest(alg=alg):
                kh = self.known_hosts_with(pub)
                r = self.ssh_knowing(kh, "echo ok", [("-v",), ("-o", "HostKeyAlgorithms=%s" % alg)])
                self.assertEqual(r.stdout, b"ok\n", r.stderr[-2000:])
                self.assertIn(("kex: host key algorithm: %s" % alg).encode(), r.stderr)
                self.assertIn(("Server host key: %s " % shown).encode(), r.stderr)

    def test_paramiko_and_asyncssh_verify_each_host_key_algorithm(self):
        import asyncssh
        import paramiko
        algs = ("ssh-ed25519", "ecdsa-sha2-nistp384", "rsa-sha2-512", "rsa-sha2-256")
        for alg in algs:
            with self.subTest(client="paramiko", alg=alg):
                t = paramiko.Transport(("127.0.0.1", self.d.port))
                try:
                    t.get_security_options().key_types = (alg,)
                    t.start_client(timeout=20)  # verifies the exchange signature
                    self.assertEqual(t.host_key_type, alg)
                finally:
                    t.close()

        async def host_key(alg):
            # The signature over the exchange is checked whatever
            # known_hosts says; None only skips trusting the key itself.
            async with asyncssh.connect(
                    "127.0.0.1", port=self.d.port, username=self.d.default_user(),
                    client_keys=[self.d.client_key], known_hosts=None, agent_path=None,
                    server_host_key_algs=[alg]) as conn:
                return conn.get_server_host_key().get_algorithm()

        for alg in algs:
            with self.subTest(client="asyncssh", alg=alg):
                got = asyncio.run(asyncio.wait_for(host_key(alg), 60))
                self.assertEqual(got, "ssh-rsa" if alg.startswith("rsa-") else alg)

    def test_client_learns_and_the_monitor_proves_the_other_keys(self):
        kh = self.known_hosts_with(self.d.host_pub)
        # The client's default algorithms: it prefers the known ed25519
        # key for the exchange and accepts the announced others.
        r = self.ssh_knowing(kh, "true", [("-vvv",), ("-o", "UpdateHostKeys=yes")])
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        # The client checked the monitor's proofs before learning them.
        self.assertIn(b"asking server to prove ownership for 2 keys", r.stderr)
        self.assertIn(b"Learned new hostkey: ECDSA", r.stderr)
        self.assertIn(b"Learned new hostkey: RSA", r.stderr)
        with open(kh) as f:
            learned = f.read()
        for name, pub in self.pubs.items():
            self.assertIn(pub.split()[1], learned, "%s not learned:\n%s" % (name, learned))


class TestRefuseClientVersion(DaemonTest):
    """refuse-client-version: a client whose software version matches is
    disconnected with PROTOCOL_VERSION_NOT_SUPPORTED at the first key
    exchange, logged and audited with the rule; others are served."""

    daemon_args = {"extra_policy": "refuse-client-version paramiko_* libssh_0.9.*"}

    def test_matching_client_is_refused_and_audited(self):
        import paramiko
        before = len(self.d.audit_records())
        t = paramiko.Transport(("127.0.0.1", self.d.port))
        try:
            with self.assertRaises(paramiko.SSHException) as cm:
                t.start_client(timeout=20)
        finally:
            t.close()
        recs = [x for x in self.d.audit_records()[before:] if x["event"] == "version-refused"]
        self.assertEqual(len(recs), 1, self.d.audit_records()[before:])
        self.assertTrue(recs[0]["client_version"].startswith("SSH-2.0-paramiko_"))
        # The pattern that matched, with its file and line.
        self.assertRegex(recs[0]["rule"], r"rampart\.conf:\d+: refuse-client-version paramiko_\*$")
        self.assertIsNotNone(cm.exception)
        # The client was told why, with PROTOCOL_VERSION_NOT_SUPPORTED (8).
        deadline = time.monotonic() + 10
        while True:
            closes = [x for x in self.d.audit_records()[before:] if x["event"] == "close"]
            if closes or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertTrue(closes, self.d.audit_records()[before:])
        self.assertEqual(closes[-1].get("reason"), 8, closes[-1])
        self.assertIn("not allowed here", closes[-1].get("text", ""))

    def test_other_clients_are_served(self):
        r = self.d.ssh("echo ok")
        self.assertEqual(r.stdout, b"ok\n", r.stderr)


class TestSshAudit(DaemonTest):
    """ssh-audit (Debian's) against the default algorithm lists: no
    failure, and no warning except where the tool predates an algorithm:
    Debian 12's ssh-audit 2.5.0 calls mlkem768x25519-sha256, the unsuffixed
    sntrup761x25519-sha512 and the strict-kex marker unknown, and still
    calls sntrup761x25519-sha512@openssh.com experimental (OpenSSH's
    default since 9.0)."""

    NEWER_THAN_THE_TOOL = {
        "mlkem768x25519-sha256": "unknown algorithm",
        "sntrup761x25519-sha512": "unknown algorithm",
        "kex-strict-s-v00@openssh.com": "unknown algorithm",
        "sntrup761x25519-sha512@openssh.com": "using experimental algorithm",
    }

    @unittest.skipUnless(shutil.which("ssh-audit"), "ssh-audit is not installed")
    def test_default_configuration_passes(self):
        r = subprocess.run(["ssh-audit", "-n", "-p", str(self.d.port), "127.0.0.1"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        out = r.stdout.decode(errors="replace")
        self.assertIn("(kex) mlkem768x25519-sha256", out)
        # It probes group exchange with sizes from 512 bits up: the
        # smallest group it gets must be 2048 bits.
        self.assertIn("(kex) diffie-hellman-group-exchange-sha256 (2048-bit)", out)
        problems = []
        for line in out.splitlines():
            m = re.match(r"^\((\w+)\) (\S+)\s+-- \[(fail|warn)\] (.*)$", line)
            if m is None:
                continue
            if m.group(3) == "warn" and self.NEWER_THAN_THE_TOOL.get(m.group(2)) == m.group(4):
                continue
            problems.append(line)
        self.assertEqual(problems, [], out)


class TestAuthentication(DaemonTest):
    def test_wrong_key_is_rejected(self):
        other = os.path.join(self.d.dir, "other_key")
        if not os.path.exists(other):
            harness.ssh_keygen(other)
        mark = self.d.mark()
        r = self.d.ssh("true", key=other)
        self.assertEqual(r.returncode, 255)
        self.assertIn(b"Permission denied (publickey)", r.stderr)
        self.assertLogged(r"auth publickey rejected .*reason=\"key not listed for ",
                          after=mark)

    def test_unknown_user_is_rejected_without_a_hint(self):
        mark = self.d.mark()
        unknown = self.d.ssh("true", user="nosuchuser")
        self.assertEqual(unknown.returncode, 255)
        self.assertLogged(r"user=nosuchuser .*reason=\"user not in policy\"", after=mark)
        other = os.path.join(self.d.dir, "other_key2")
        harness.ssh_keygen(other)
        wrong_key = self.d.ssh("true", key=other)
        # The client sees the same answer either way.
        self.assertEqual(unknown.stderr.replace(b"nosuchuser", b"U"),
                         wrong_key.stderr.replace(self.d.default_user().encode(), b"U"))

    def test_shell_request_is_refused_until_implemented(self):
        r = self.d.ssh(None, options=[("-T",)])
        self.assertEqual(r.returncode, 255)
        self.assertIn(b"shell request failed", r.stderr)

    def test_server_sig_algs_lists_signature_algorithms_only(self):
        r = self.d.ssh("true", options=[("-v",)])
        m = re.search(rb"server-sig-algs=<([^>]*)>", r.stderr)
        self.assertIsNotNone(m, r.stderr[-2000:])
        algs = m.group(1).split(b",")
        for alg in (b"ssh-ed25519", b"ecdsa-sha2-nistp256", b"rsa-sha2-512", b"rsa-sha2-256"):
            self.assertIn(alg, algs)
        # SHA-1 only where the policy asks; certificate names are not
        # signature algorithms (OpenSSH leaves them out too).
        self.assertNotIn(b"ssh-rsa", algs)
        self.assertFalse([a for a in algs if b"cert-v01" in a], algs)

    def test_strict_kex_is_negotiated(self):
        # Debian's OpenSSH 9.2 carries the Terrapin fix and offers
        # kex-strict-c; both sides must agree to strict ordering.
        r = self.d.ssh("true", options=[("-vvv",)])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertIn(b"kex-strict-s-v00@openssh.com", r.stderr)
        self.assertIn(b"will use strict KEX ordering", r.stderr)


class TestExecPolicy(DaemonTest):
    daemon_args = {"users": None}

    @classmethod
    def setUpClass(cls):
        user = pwd.getpwuid(os.geteuid()).pw_name
        cls.daemon_args = {"users": {user: {"allow_exec": False}}}
        super().setUpClass()

    def test_exec_needs_an_allow_line(self):
        mark = self.d.mark()
        r = self.d.ssh("echo should-not-run")
        self.assertEqual(r.returncode, 255)
        self.assertEqual(r.stdout, b"")
        self.assertIn(b"exec request failed", r.stderr)
        self.assertLogged(r"exec denied .*no rule allows exec", after=mark)


class TestLimits(DaemonTest):
    daemon_args = {"grace": "2s", "max_auth_tries": 2}

    def test_login_grace_time_closes_idle_connections(self):
        mark = self.d.mark()
        start = time.monotonic()
        received = self.d.raw_connect(b"SSH-2.0-idle\r\n", timeout=15)
        self.assertTrue(received.startswith(b"SSH-2.0-rampart_"))
        self.assertLess(time.monotonic() - start, 10)
        self.assertLogged(r"login grace time exceeded", after=mark)

    def test_too_many_authentication_failures(self):
        keys = []
        for i in range(3):
            k = os.path.join(self.d.dir, "many_%d" % i)
            if not os.path.exists(k):
                harness.ssh_keygen(k)
            keys += ["-i", k]
        mark = self.d.mark()
        cmd = self.d.ssh_cmd() + ["true"]
        # Replace the one -i with three wrong keys.
        i = cmd.index("-i")
        cmd[i:i + 2] = keys
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 255)
        self.assertLogged(r"too many authentication failures \(2\)", after=mark)

    def test_not_ssh_is_refused(self):
        mark = self.d.mark()
        self.d.raw_connect(b"GET / HTTP/1.0\r\n\r\n")
        self.assertLogged(r"not an SSH identification string", after=mark)

    def test_garbage_after_banner_is_a_protocol_error(self):
        mark = self.d.mark()
        self.d.raw_connect(b"SSH-2.0-fuzz\r\n" + b"\xff" * 64)
        self.assertLogged(r"reason=2 by=server text=\"bad packet length", after=mark)


class TestDescriptorExhaustion(unittest.TestCase):
    """Out of descriptors, the monitor pauses accepting instead of spinning."""

    def test_accept_pauses_and_recovers(self):
        d = Daemon(BUILD, nofile=40, grace="20s")
        d.start()
        socks = []
        try:
            mark = d.mark()
            for _ in range(45):
                s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
                s.sendall(b"SSH-2.0-idle\r\n")
                socks.append(s)
            d.wait_log(r"out of resources \(Too many open files\); not accepting for 1000 ms",
                       after=mark)
            time.sleep(2.5)
            pauses = [l for l in d.log().splitlines()[mark:] if "not accepting for" in l]
            # Once a second at most: a spinning loop would log thousands.
            self.assertLessEqual(len(pauses), 5, "\n".join(pauses[:10]))
            for s in socks:
                s.close()
            socks = []
            r = None
            for _ in range(20):
                r = d.ssh("echo recovered")
                if r.returncode == 0:
                    break
                time.sleep(0.5)
            self.assertEqual(r.stdout, b"recovered\n", r.stderr)
        finally:
            for s in socks:
                s.close()
            d.stop()
            reports = d.sanitizer_reports()
            d.cleanup()
        self.assertEqual(reports, [])


class TestSandbox(unittest.TestCase):
    """A worker that makes a forbidden syscall is killed; the daemon goes on."""

    def test_forbidden_syscall_kills_worker_and_daemon_keeps_serving(self):
        probe = os.path.join(os.path.abspath(BUILD), "tests", "rampart-worker-probe")
        d = Daemon(BUILD, worker=probe)
        d.start()
        try:
            mark = d.mark()
            d.raw_connect(b"SSH-2.0-rampart-sandbox-probe\r\n")
            d.wait_log(r"worker=signal SIGSYS \(sandbox violation", after=mark)
            self.assertNotIn("the sandbox did not stop it", d.log())
            r = d.ssh("echo still-serving")
            self.assertEqual(r.stdout, b"still-serving\n", r.stderr)
        finally:
            d.stop()
            reports = d.sanitizer_reports()
            d.cleanup()
        self.assertEqual(reports, [])


    def test_a_stopped_and_continued_worker_carries_on(self):
        # SIGSTOP then SIGCONT (as the cgroup freezer or suspend does) while
        # the worker waits in poll with a timeout: the kernel resumes the
        # wait with restart_syscall, which the sandbox must allow.
        d = Daemon(BUILD)
        d.start()
        try:
            with background_session(d, "sleep 2; echo done") as p:
                worker = running_worker(d, ["-f", "rampart-worker"])
                self.assertIsNotNone(worker)
                time.sleep(0.5)  # in the session, waiting in poll
                os.kill(worker, signal.SIGSTOP)
                time.sleep(0.2)
                os.kill(worker, signal.SIGCONT)
                out, err = p.communicate(timeout=30)
            self.assertEqual(out, b"done\n", err)
            self.assertNotIn("SIGSYS", d.log())
        finally:
            d.stop()
            reports = d.sanitizer_reports()
            d.cleanup()
        self.assertEqual(reports, [])


    def test_the_worker_process_is_named_rampart_worker(self):
        # The monitor executes the worker through /proc/self/fd/5, which
        # names the process "5"; ps, top, pgrep and the journal must
        # show rampart-worker.
        d = Daemon(BUILD)
        d.start()
        try:
            with background_session(d, "sleep 2"):
                worker = running_worker(d, ["-x", "rampart-worker"])
                self.assertIsNotNone(worker, "no child of rampartd named rampart-worker")
                with open("/proc/%d/comm" % worker) as f:
                    self.assertEqual(f.read(), "rampart-worker\n")
        finally:
            d.stop()
            reports = d.sanitizer_reports()
            d.cleanup()
        self.assertEqual(reports, [])

    def test_a_replaced_worker_program_does_not_reach_a_running_daemon(self):
        # A package upgrade renames a new rampart-worker over the old one
        # while the old rampartd still runs. The daemon keeps starting the
        # program it checked at startup, never one of another version.
        tmp = tempfile.mkdtemp(prefix="rampart-upgrade-")
        os.chmod(tmp, 0o755)
        worker = os.path.join(tmp, "rampart-worker")
        shutil.copy2(os.path.join(os.path.abspath(BUILD), "rampart-worker"), worker)
        os.chmod(worker, 0o755)
        d = Daemon(BUILD, worker=worker)
        d.start()
        try:
            r = d.ssh("echo before")
            self.assertEqual(r.stdout, b"before\n", r.stderr)
            with open(worker + ".dpkg-new", "w") as f:
                f.write("#!/bin/sh\necho not the worker >&2\nexit 3\n")
            os.chmod(worker + ".dpkg-new", 0o755)
            os.rename(worker + ".dpkg-new", worker)
            r = d.ssh("echo after")
            self.assertEqual(r.stdout, b"after\n", r.stderr)
            self.assertNotIn("not the worker", d.log())
        finally:
            d.stop()
            reports = d.sanitizer_reports()
            d.cleanup()
            shutil.rmtree(tmp, ignore_errors=True)
        self.assertEqual(reports, [])


@contextlib.contextmanager
def background_session(d, command):
    """ssh running COMMAND on daemon D, its output piped; killed (by PID) on
    leaving if it is still running."""
    p = d.ssh_background(command)
    try:
        yield p
    finally:
        if p.poll() is None:
            p.kill()
        p.wait(timeout=30)
        p.stdout.close()
        p.stderr.close()


def running_worker(d, match, timeout=10):
    """The PID of a worker of daemon D that pgrep finds with MATCH, waited
    for (bounded); None if there is none."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = subprocess.run(["pgrep", "-P", str(d.proc.pid)] + match,
                              stdout=subprocess.PIPE, timeout=10).stdout.split()
        if pids:
            return int(pids[-1])
        time.sleep(0.1)
    return None


class TestIpcGarbage(unittest.TestCase):
    """A worker that speaks garbage to the monitor is cut off; the daemon goes on."""

    ATTACKS = {
        1: r"unknown message type 65535",
        2: r"malformed message",
        3: r"unknown message type 999",
        4: r"AUTH_PUBKEY_VERIFY is not allowed before key exchange",
        5: r"SESSION_START is not allowed before key exchange",
        6: r"KEX_SIGN: key exchange values of the wrong size",
        7: r"KEX_SIGN: malformed",
        8: r"KEX_SIGN: unknown key exchange method",
        9: r"may not pass descriptors",
        10: r"malformed message",
        11: r"KEX_SIGN: server identification is not ours",
        16: r"KEX_SIGN: group exchange without a group",
        17: r"KEX_SIGN: group exchange group is not the one handed out",
        18: r"GEX_REQUEST: group exchange request out of order",
        19: r"KEX_SIGN: group exchange fields for another method",
    }

    def test_each_attack_is_refused_and_the_daemon_keeps_serving(self):
        fake = os.path.join(os.path.abspath(BUILD), "tests", "ipc-garbage-worker")
        d = Daemon(BUILD, worker=fake)
        d.start()
        try:
            for n, expected in self.ATTACKS.items():
                with self.subTest(attack=n):
                    mark = d.mark()
                    d.raw_connect(b"GARBAGE %d\r\n" % n, timeout=15)
                    d.wait_log(r"worker violated the protocol: .*" + expected, after=mark)
                    d.wait_log(r"closed user=- .*worker=signal SIGKILL", after=mark)
            mark = d.mark()
            d.raw_connect(b"GARBAGE 12\r\n", timeout=15)
            d.wait_log(r"worker reports too fast", after=mark)
            r = d.ssh("echo still-serving")
            self.assertEqual(r.stdout, b"still-serving\n", r.stderr)
        finally:
            d.stop()
            reports = d.sanitizer_reports()
            d.cleanup()
        self.assertEqual(reports, [])


    def test_a_worker_cannot_authenticate_without_a_valid_signature(self):
        """The worker forwards a signature it made up for an authorized key,
        then acts as if it had worked: the monitor verifies, refuses, and
        kills the worker when it asks for a session."""
        fake = os.path.join(os.path.abspath(BUILD), "tests", "ipc-garbage-worker")
        d = Daemon(BUILD, worker=fake)
        d.start()
        user = d.default_user()
        blob = d.client_pub.split()[1].encode()
        try:
            mark = d.mark()
            d.raw_connect(b"GARBAGE 13 %s %s\r\n" % (user.encode(), blob), timeout=15)
            d.wait_log(r"auth publickey rejected user=%s .*reason=\"bad signature\"" % user,
                       after=mark)
            d.wait_log(r"worker violated the protocol: SESSION_START is not allowed "
                       r"before authentication", after=mark)
            self.assertNotRegex(d.log(), r"session \d+ started .*command=\"id\"")
            mark = d.mark()
            d.raw_connect(b"GARBAGE 14 %s %s\r\n" % (user.encode(), blob), timeout=15)
            d.wait_log(r"worker violated the protocol: AUTH_KBDINT_ANSWERS: "
                       r"keyboard-interactive answers without prompts", after=mark)
            mark = d.mark()
            d.raw_connect(b"GARBAGE 15 %s %s\r\n" % (user.encode(), blob), timeout=15)
            d.wait_log(r"worker violated the protocol: AUTH_PUBKEY_VERIFY: "
                       r"user changed during authentication", after=mark)
            recs = [r for r in d.audit_records() if r["event"] == "auth"]
            self.assertFalse([r for r in recs if r["result"] == "accepted"], recs)
            r = d.ssh("echo still-serving")
            self.assertEqual(r.stdout, b"still-serving\n", r.stderr)
        finally:
            d.stop()
            reports = d.sanitizer_reports()
            d.cleanup()
        self.assertEqual(reports, [])


@unittest.skipUnless(harness.is_root(), "privileged mode needs root")
class TestPrivileged(DaemonTest):
    """rampartd as root: workers chrooted and unprivileged, sessions as the user."""

    @classmethod
    def setUpClass(cls):
        cls.daemon_args = {"users": {harness.TEST_USER: {"allow_exec": True}}}
        super().setUpClass()

    def test_session_runs_as_the_authenticated_user(self):
        r = self.d.ssh("id -un; id -u; pwd", user=harness.TEST_USER)
        pw = pwd.getpwnam(harness.TEST_USER)
        self.assertEqual(r.stdout.decode().split(),
                         [harness.TEST_USER, str(pw.pw_uid), pw.pw_dir], r.stderr)

    def test_worker_runs_sandboxed(self):
        mark = self.d.mark()
        proc = subprocess.Popen(self.d.ssh_cmd(user=harness.TEST_USER) + ["sleep 5"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)
        try:
            m = self.d.wait_log(r"worker pid=(\d+)", after=mark)
            self.d.wait_log(r"session \d+ started", after=mark)
            pid = int(m.group(1))
            status = open("/proc/%d/status" % pid).read()
            fields = dict(l.split(":", 1) for l in status.splitlines() if ":" in l)
            rampart = pwd.getpwnam(harness.WORKER_USER)
            self.assertEqual(fields["Uid"].split(), [str(rampart.pw_uid)] * 4)
            self.assertEqual(fields["Gid"].split(), [str(rampart.pw_gid)] * 4)
            self.assertEqual(fields["Groups"].strip(), "")
            self.assertEqual(fields["CapEff"].strip(), "0000000000000000")
            self.assertEqual(fields["CapPrm"].strip(), "0000000000000000")
            self.assertEqual(fields["CapBnd"].strip(), "0000000000000000")
            self.assertEqual(fields["NoNewPrivs"].strip(), "1")
            self.assertEqual(fields["Seccomp"].strip(), "2")  # filter mode
            self.assertEqual(os.readlink("/proc/%d/root" % pid), "/var/lib/rampart/empty")
            limits = open("/proc/%d/limits" % pid).read()
            self.assertRegex(limits, r"Max processes\s+0\s+0")
            self.assertRegex(limits, r"Max core file size\s+0\s+0")
        finally:
            proc.wait(timeout=30)


@unittest.skipUnless(harness.is_root(), "needs root to run the daemon as another account")
class TestUnprivilegedMode(DaemonTest):
    """rampartd as an ordinary account: no chroot/setuid, the rest of the sandbox."""

    @classmethod
    def setUpClass(cls):
        cls.daemon_args = {"run_as": harness.TEST_USER}
        super().setUpClass()

    def test_runs_and_serves_as_its_own_account(self):
        self.assertLogged(r"running unprivileged")
        r = self.d.ssh("id -un; echo ok; exit 4")
        self.assertEqual(r.stdout, ("%s\nok\n" % harness.TEST_USER).encode(), r.stderr)
        self.assertEqual(r.returncode, 4)


class TestStartup(unittest.TestCase):
    def test_policy_error_refuses_to_start_and_names_the_line(self):
        d = Daemon(BUILD)
        try:
            with open(d.policy, "a") as f:
                f.write("permit everything\n")
            rc = d.start(expect_fail=True)
            self.assertEqual(rc, 1)
            self.assertRegex(d.log(), r"rampart\.conf:\d+:1: unknown directive 'permit'")
            self.assertIn("not starting", d.log())
        finally:
            d.stop()
            d.cleanup()

    def test_host_key_readable_by_others_is_refused(self):
        d = Daemon(BUILD)
        try:
            os.chmod(d.hostkey, 0o644)
            rc = d.start(expect_fail=True)
            self.assertEqual(rc, 1)
            self.assertIn("readable or writable by others", d.log())
        finally:
            d.stop()
            d.cleanup()

    def test_keygen_output_is_read_by_ssh_keygen(self):
        d = Daemon(BUILD)
        try:
            r = subprocess.run(["ssh-keygen", "-y", "-f", d.hostkey], stdout=subprocess.PIPE,
                               check=True, timeout=30)
            self.assertEqual(r.stdout.split()[:2], d.host_pub.encode().split())
            self.assertEqual(os.stat(d.hostkey).st_mode & 0o777, 0o600)
        finally:
            d.cleanup()


def main():
    global BUILD
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-k", dest="pattern", action="append", default=None,
                    help="only tests whose name contains this")
    args = ap.parse_args()
    BUILD = args.build
    for prog in ("rampartd", "rampart-worker", "rampartctl", "tests/rampart-worker-probe",
                 "tests/ipc-garbage-worker"):
        if not os.access(os.path.join(BUILD, prog), os.X_OK):
            sys.exit("run.py: %s/%s is missing; build it first" % (BUILD, prog))
    # Every module's tests need the accounts, whichever runs first and
    # whatever -k selects (setUpModule below only covers this module's).
    setUpModule()
    loader = unittest.TestLoader()
    if args.pattern:
        loader.testNamePatterns = ["*%s*" % p for p in args.pattern]
    admin_tests.set_build(BUILD)
    auth_tests.set_build(BUILD)
    forward_tests.set_build(BUILD)
    gex_tests.set_build(BUILD)
    session_tests.set_build(BUILD)
    suite = unittest.TestSuite([loader.loadTestsFromModule(sys.modules[__name__]),
                                loader.loadTestsFromModule(admin_tests),
                                loader.loadTestsFromModule(auth_tests),
                                loader.loadTestsFromModule(forward_tests),
                                loader.loadTestsFromModule(gex_tests),
                                loader.loadTestsFromModule(remote_forward_tests),
                                loader.loadTestsFromModule(session_tests),
                                loader.loadTestsFromModule(x11_tests)])
    print("integration tests against %s (%s mode)" % (
        BUILD, "root: privileged and unprivileged" if harness.is_root() else "unprivileged"))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()

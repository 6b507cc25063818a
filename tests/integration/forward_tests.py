"""tests/integration/forward_tests.py: direct-tcpip through rampart, as users
of a bastion use it: ssh -W, -L, -J (to a local OpenSSH sshd the test starts)
and -D (SOCKS), paramiko's direct-tcpip, policy refusals with their reason
codes and audit records, and bounded worker memory with a slow reader.

Every target is a loopback server the test starts; every wait is bounded.
Loaded by run.py.
"""

import hashlib
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest

import paramiko

import harness
from harness import Daemon

BUILD = "build"
MB = 1024 * 1024


def set_build(build):
    global BUILD
    BUILD = build


class DigestSink:
    """A loopback TCP server: reads until EOF, answers "LEN SHA256\\n"."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(1)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            threading.Thread(target=self._one, args=(c,), daemon=True).start()

    @staticmethod
    def _one(c):
        h = hashlib.sha256()
        n = 0
        c.settimeout(60)
        try:
            while True:
                b = c.recv(256 * 1024)
                if not b:
                    break
                h.update(b)
                n += len(b)
            c.sendall(("%d %s\n" % (n, h.hexdigest())).encode())
        except OSError:
            pass
        finally:
            c.close()

    def close(self):
        self.stopping = True
        self.thread.join(5)
        self.sock.close()


def expected(data):
    return ("%d %s\n" % (len(data), hashlib.sha256(data).hexdigest())).encode()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def send_and_digest(sock, data):
    """Send data, half-close, return the sink's answer."""
    sock.settimeout(60)
    sender = threading.Thread(target=lambda: (sock.sendall(data), sock.shutdown(socket.SHUT_WR)))
    sender.start()
    answer = b""
    while not answer.endswith(b"\n"):
        b = sock.recv(4096)
        if not b:
            break
        answer += b
    sender.join(60)
    return answer


class ForwardTest(unittest.TestCase):
    rules = ()
    extra = ""

    @classmethod
    def setUpClass(cls):
        cls.sink = DigestSink()
        lines = [r.format(port=cls.sink.port) for r in cls.rules]
        cls.d = Daemon(BUILD, users={"root": {"lines": lines}}, extra_policy=cls.extra)
        cls.d.start()

    @classmethod
    def tearDownClass(cls):
        log = cls.d.stop()
        reports = cls.d.sanitizer_reports()
        cls.d.cleanup()
        cls.sink.close()
        if reports:
            raise AssertionError("sanitizer reports in rampartd's log:\n" + log)

    def records(self, event, after=0):
        return [r for r in self.d.audit_records()[after:] if r["event"] == event]

    def paramiko_client(self):
        c = paramiko.SSHClient()
        c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        c.connect("127.0.0.1", port=self.d.port, username="root",
                  key_filename=self.d.client_key, look_for_keys=False, allow_agent=False,
                  timeout=20)
        return c


class TestForwarding(ForwardTest):
    rules = ("allow forward 127.0.0.1:{port} localhost:{port}", "allow forward 127.0.0.1:1",
             "allow exec")

    def test_ssh_W_carries_100_MB_intact(self):
        data = os.urandom(100 * MB)
        before = len(self.d.audit_records())
        r = subprocess.run(self.d.ssh_cmd(options=["-W", "127.0.0.1:%d" % self.sink.port]),
                           input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, expected(data))
        rec = self.records("forward", before)
        self.assertEqual(len(rec), 1, rec)
        self.assertEqual(rec[0]["host"], "127.0.0.1")
        self.assertEqual(rec[0]["host_port"], self.sink.port)
        self.assertEqual(rec[0]["address"], "127.0.0.1")

    def test_ssh_L_carries_100_MB_and_names_resolve(self):
        lport = free_port()
        cmd = self.d.ssh_cmd(options=["-N", "-o", "ExitOnForwardFailure=yes",
                                      "-L", "%d:localhost:%d" % (lport, self.sink.port)])
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            self.assertTrue(wait_port(lport), "ssh -L did not listen")
            data = os.urandom(100 * MB)
            with socket.create_connection(("127.0.0.1", lport), timeout=30) as s:
                self.assertEqual(send_and_digest(s, data), expected(data))
            # Two at once on the same connection, each intact.
            small = [os.urandom(3 * MB), os.urandom(5 * MB)]
            socks = [socket.create_connection(("127.0.0.1", lport), timeout=30) for _ in small]
            answers = [None, None]

            def run(i):
                answers[i] = send_and_digest(socks[i], small[i])
            ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
            for t in ts:
                t.start()
            for t in ts:
                t.join(60)
            for i in range(2):
                socks[i].close()
                self.assertEqual(answers[i], expected(small[i]))
        finally:
            p.terminate()
            p.wait(10)
        self.assertLogged(r"forward localhost:%d connected user=root to=127\.0\.0\.1"
                          % self.sink.port)

    def test_ssh_D_socks_request(self):
        lport = free_port()
        cmd = self.d.ssh_cmd(options=["-N", "-o", "ExitOnForwardFailure=yes",
                                      "-D", "127.0.0.1:%d" % lport])
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            self.assertTrue(wait_port(lport), "ssh -D did not listen")
            with socket.create_connection(("127.0.0.1", lport), timeout=30) as s:
                # SOCKS5: no authentication, then CONNECT to a domain name.
                s.sendall(b"\x05\x01\x00")
                self.assertEqual(s.recv(2), b"\x05\x00")
                name = b"localhost"
                s.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name +
                          struct.pack(">H", self.sink.port))
                reply = s.recv(10)
                self.assertEqual(reply[:2], b"\x05\x00", reply)
                data = os.urandom(MB)
                self.assertEqual(send_and_digest(s, data), expected(data))
        finally:
            p.terminate()
            p.wait(10)

    def test_paramiko_direct_tcpip(self):
        c = self.paramiko_client()
        try:
            ch = c.get_transport().open_channel("direct-tcpip", ("127.0.0.1", self.sink.port),
                                                ("127.0.0.1", 4242), timeout=20)
            data = os.urandom(2 * MB)
            ch.sendall(data)
            ch.shutdown_write()
            answer = b""
            ch.settimeout(30)
            while not answer.endswith(b"\n"):
                b = ch.recv(4096)
                if not b:
                    break
                answer += b
            self.assertEqual(answer, expected(data))
            ch.close()
        finally:
            c.close()
        self.assertLogged(r"forward 127\.0\.0\.1:%d connected user=root to=127\.0\.0\.1 "
                          r"from=127\.0\.0\.1" % self.sink.port)

    def test_disallowed_target_is_administratively_prohibited_and_audited(self):
        before = len(self.d.audit_records())
        c = self.paramiko_client()
        try:
            with self.assertRaises(paramiko.ChannelException) as cm:
                c.get_transport().open_channel("direct-tcpip", ("127.0.0.1", 22),
                                               ("127.0.0.1", 1), timeout=20)
            self.assertEqual(cm.exception.code, 1)  # SSH_OPEN_ADMINISTRATIVELY_PROHIBITED
            # The connection stays usable.
            _, out, _ = c.exec_command("echo still-here", timeout=20)
            self.assertEqual(out.read().strip(), b"still-here")
        finally:
            c.close()
        rec = self.records("forward-denied", before)
        self.assertEqual(len(rec), 1, rec)
        self.assertEqual(rec[0]["host_port"], 22)
        self.assertIn("no rule allows forwarding", rec[0]["reason"])
        r = subprocess.run(self.d.ssh_cmd(options=["-W", "127.0.0.1:22"]), input=b"",
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertNotEqual(r.returncode, 0)

    def test_allowed_but_closed_port_is_connect_failed(self):
        c = self.paramiko_client()
        try:
            with self.assertRaises(paramiko.ChannelException) as cm:
                c.get_transport().open_channel("direct-tcpip", ("127.0.0.1", 1),
                                               ("127.0.0.1", 1), timeout=20)
            self.assertEqual(cm.exception.code, 2)  # SSH_OPEN_CONNECT_FAILED
        finally:
            c.close()
        self.assertLogged(r"forward 127\.0\.0\.1:1 denied user=root reason=\".*refused")

    def test_a_name_that_does_not_resolve_is_connect_failed(self):
        c = self.paramiko_client()
        try:
            with self.assertRaises(paramiko.ChannelException) as cm:
                c.get_transport().open_channel("direct-tcpip", ("no-such-host.invalid", 80),
                                               ("127.0.0.1", 1), timeout=40)
            self.assertIn(cm.exception.code, (1, 2))
        finally:
            c.close()

    def assertLogged(self, pattern, timeout=10):
        return self.d.wait_log(pattern, timeout=timeout)


class TestAddressesDecide(ForwardTest):
    """A CIDR rule is matched on every address a name resolves to: a name
    cannot smuggle a forbidden address past a network deny."""
    rules = ("deny forward 127.0.0.0/8:*", "allow forward *:*")

    def test_name_resolving_into_a_denied_network_is_refused(self):
        c = self.paramiko_client()
        try:
            for host in ("localhost", "127.0.0.1"):
                with self.assertRaises(paramiko.ChannelException) as cm:
                    c.get_transport().open_channel("direct-tcpip", (host, self.sink.port),
                                                   ("127.0.0.1", 1), timeout=20)
                self.assertEqual(cm.exception.code, 1, host)
        finally:
            c.close()
        self.assertEqual(self.sink.accepted, 0)


class TestKeyForbidsForwarding(ForwardTest):
    rules = ("allow forward *:*",)

    @classmethod
    def setUpClass(cls):
        cls.sink = DigestSink()
        cls.d = Daemon(BUILD, users={"root": {"lines": list(cls.rules)}})
        # The key line itself says no port forwarding.
        with open(cls.d.policy) as f:
            text = f.read()
        text = text.replace('authorized-key "', 'authorized-key "no-port-forwarding ', 1)
        with open(cls.d.policy, "w") as f:
            f.write(text)
        cls.d.start()

    def test_no_port_forwarding_key_is_refused_whatever_the_policy(self):
        c = self.paramiko_client()
        try:
            with self.assertRaises(paramiko.ChannelException) as cm:
                c.get_transport().open_channel("direct-tcpip", ("127.0.0.1", self.sink.port),
                                               ("127.0.0.1", 1), timeout=20)
            self.assertEqual(cm.exception.code, 1)
        finally:
            c.close()
        self.d.wait_log(r"does not permit port forwarding")


@unittest.skipUnless(shutil.which("sshd") or os.path.exists("/usr/sbin/sshd"),
                     "OpenSSH's sshd is not installed")
class TestJumpHost(ForwardTest):
    """ssh -J: rampart is the jump host to an OpenSSH sshd on loopback."""
    rules = ("allow forward 127.0.0.1:*",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tdir = tempfile.mkdtemp(prefix="rampart-jump-")
        cls.tport = free_port()
        hk = os.path.join(cls.tdir, "host_key")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hk], check=True,
                       timeout=30)
        auth = os.path.join(cls.tdir, "authorized_keys")
        shutil.copy(cls.d.client_key + ".pub", auth)
        os.chmod(auth, 0o600)
        with open(os.path.join(cls.tdir, "known_hosts"), "w") as f:
            with open(hk + ".pub") as pub:
                f.write("[127.0.0.1]:%d %s" % (cls.tport, pub.read()))
        os.makedirs("/run/sshd", exist_ok=True)
        cls.sshd = subprocess.Popen(
            ["/usr/sbin/sshd", "-D", "-e", "-f", "/dev/null", "-p", str(cls.tport),
             "-o", "ListenAddress=127.0.0.1", "-h", hk, "-o", "AuthorizedKeysFile=" + auth,
             "-o", "StrictModes=no", "-o", "UsePAM=no", "-o", "PasswordAuthentication=no",
             "-o", "PidFile=none"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not wait_port(cls.tport):
            cls.sshd.kill()
            raise AssertionError("the test's sshd did not start")

    @classmethod
    def tearDownClass(cls):
        cls.sshd.terminate()
        cls.sshd.wait(10)
        shutil.rmtree(cls.tdir, ignore_errors=True)
        super().tearDownClass()

    def test_ssh_J_to_openssh_carries_100_MB(self):
        jump_cfg = os.path.join(self.tdir, "ssh_config")
        # The jump hop needs its own options; a config file gives them.
        with open(jump_cfg, "w") as f:
            f.write("Host rampart-jump\n  HostName 127.0.0.1\n  Port %d\n  User root\n"
                    "  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n"
                    "  StrictHostKeyChecking yes\n  BatchMode yes\n  LogLevel ERROR\n"
                    % (self.d.port, self.d.client_key, self.d.known_hosts))
        data = os.urandom(100 * MB)
        cmd = ["ssh", "-F", jump_cfg, "-J", "rampart-jump", "-p", str(self.tport),
               "-i", self.d.client_key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
               "-o", "UserKnownHostsFile=" + os.path.join(self.tdir, "known_hosts"),
               "-o", "StrictHostKeyChecking=yes", "root@127.0.0.1", "sha256sum"]
        r = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=180)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split()[0].decode(), hashlib.sha256(data).hexdigest())
        self.d.wait_log(r"forward 127\.0\.0\.1:%d connected user=root" % self.tport)


class TestSlowReader(ForwardTest):
    """A client that stops reading never makes the worker buffer without
    bound: output is read from the session only while the window has room."""
    rules = ("allow exec",)

    def worker_rss_kb(self, conn_id):
        import re
        m = re.search(r"conn=%d worker pid=(\d+)" % conn_id, self.d.log())
        self.assertIsNotNone(m)
        with open("/proc/%s/status" % m.group(1)) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return None

    def test_worker_memory_stays_bounded(self):
        mark = self.d.mark()
        c = self.paramiko_client()
        try:
            conn_id = int(self.d.wait_log(r"conn=(\d+) auth accepted", after=mark).group(1))
            _, out, _ = c.exec_command("head -c 300000000 /dev/zero", timeout=60)
            time.sleep(3)  # the client reads nothing meanwhile
            rss1 = self.worker_rss_kb(conn_id)
            time.sleep(2)
            rss2 = self.worker_rss_kb(conn_id)
            # Windows of 2 MiB and a 1 MiB output high-water mark: a few
            # MiB over the worker's own size, not 300 MB.
            self.assertLess(rss2, 40 * 1024, "worker RSS %d kB" % rss2)
            self.assertLess(rss2 - rss1, 4 * 1024)
            print("\n    worker RSS with a stalled reader: %d kB, then %d kB" % (rss1, rss2),
                  end=" ")
            total = 0
            out.channel.settimeout(60)
            while True:
                b = out.read(1 << 20)
                if not b:
                    break
                total += len(b)
            self.assertEqual(total, 300000000)
        finally:
            c.close()

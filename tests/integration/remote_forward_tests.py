"""tests/integration/remote_forward_tests.py: tcpip-forward (ssh -R) through
rampart: the monitor binds under the policy's remote-forward rules, the
worker accepts and offers forwarded-tcpip channels; OpenSSH's client and
paramiko carry data back to a sink on the client's side. Refusals (policy,
wildcard binds, the key's no-port-forwarding and permitlisten=) and the
audit records.

Every listener and sink is on loopback; every wait is bounded.
Loaded by run.py.
"""

import os
import re
import select
import socket
import subprocess
import threading
import time
import unittest

import paramiko

from forward_tests import DigestSink, ForwardTest, expected, free_port, send_and_digest, wait_port
import forward_tests

MB = 1024 * 1024


class RemoteForwardTest(ForwardTest):
    def ssh_R(self, spec, *extra):
        cmd = self.d.ssh_cmd(options=["-N", "-o", "ExitOnForwardFailure=yes", "-R", spec]
                             + list(extra))
        # "Allocated port N" is an INFO message; ssh takes an option's
        # first value, so the harness's LogLevel is replaced.
        cmd = ["LogLevel=INFO" if a == "LogLevel=ERROR" else a for a in cmd]
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)

    @staticmethod
    def stop(p):
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)


class TestRemoteForwarding(RemoteForwardTest):
    rules = ("allow remote-forward localhost:0,20000-65535", "allow exec")

    def test_ssh_R_round_trip_20_MB(self):
        rport = free_port()
        before = len(self.d.audit_records())
        p = self.ssh_R("127.0.0.1:%d:127.0.0.1:%d" % (rport, self.sink.port))
        try:
            self.assertTrue(wait_port(rport), "rampart did not listen for ssh -R")
            data = os.urandom(20 * MB)
            with socket.create_connection(("127.0.0.1", rport), timeout=30) as s:
                self.assertEqual(send_and_digest(s, data), expected(data))
            # Several connections on one listener, one after the other.
            for _ in range(3):
                small = os.urandom(64 * 1024)
                with socket.create_connection(("127.0.0.1", rport), timeout=30) as s:
                    self.assertEqual(send_and_digest(s, small), expected(small))
        finally:
            self.stop(p)
        rec = self.records("remote-forward", before)
        self.assertEqual(len(rec), 1, rec)
        self.assertEqual(rec[0]["bind"], "127.0.0.1")
        self.assertEqual(rec[0]["bind_port"], rport)
        self.assertIn("allow remote-forward", rec[0]["rule"])
        conns = self.records("remote-forward-connection", before)
        self.assertEqual(len(conns), 5, conns)  # wait_port's probe, then 4
        self.assertTrue(conns[0]["origin"].startswith("127.0.0.1:"), conns[0])
        # The listener went away with the connection.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", rport), timeout=1).close()
                time.sleep(0.1)
            except OSError:
                break
        else:
            self.fail("the listener outlived its connection")

    def test_ssh_R_port_0_is_answered_with_the_chosen_port(self):
        p = self.ssh_R("0:127.0.0.1:%d" % self.sink.port)
        try:
            line = b""
            deadline = time.monotonic() + 20
            while b"Allocated port" not in line and time.monotonic() < deadline:
                ready, _, _ = select.select([p.stderr], [], [], 1)
                if ready:
                    chunk = os.read(p.stderr.fileno(), 4096)
                    if not chunk:
                        break
                    line += chunk
            m = re.search(rb"Allocated port (\d+)", line)
            self.assertIsNotNone(m, line)
            port = int(m.group(1))
            self.assertGreaterEqual(port, 1024)
            data = os.urandom(MB)
            # "localhost" binds both loopback families.
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                self.assertEqual(send_and_digest(s, data), expected(data))
            if socket.has_ipv6:
                try:
                    s6 = socket.create_connection(("::1", port), timeout=10)
                except OSError:
                    s6 = None  # no IPv6 loopback on this machine
                if s6 is not None:
                    with s6:
                        self.assertEqual(send_and_digest(s6, data), expected(data))
        finally:
            self.stop(p)

    def test_a_wildcard_bind_is_refused_by_a_localhost_rule(self):
        rport = free_port()
        before = len(self.d.audit_records())
        p = self.ssh_R("0.0.0.0:%d:127.0.0.1:%d" % (rport, self.sink.port))
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            self.stop(p)
            self.fail("ssh -R to a refused bind kept running")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"remote port forwarding failed", p.stderr.read())
        rec = self.records("remote-forward-denied", before)
        self.assertEqual(len(rec), 1, rec)
        self.assertEqual(rec[0]["bind"], "0.0.0.0")
        self.assertIn("no rule allows remote forwarding", rec[0]["reason"])

    def test_a_port_outside_the_rule_is_refused(self):
        before = len(self.d.audit_records())
        c = self.paramiko_client()
        try:
            with self.assertRaises(paramiko.SSHException):
                c.get_transport().request_port_forward("localhost", 10000)
            # The connection stays usable.
            _, out, _ = c.exec_command("echo still-here", timeout=20)
            self.assertEqual(out.read().strip(), b"still-here")
        finally:
            c.close()
        rec = self.records("remote-forward-denied", before)
        self.assertEqual(len(rec), 1, rec)
        self.assertEqual(rec[0]["bind_port"], 10000)

    def test_paramiko_forwarded_tcpip_and_cancel(self):
        c = self.paramiko_client()
        got = []

        def serve(channel):
            data = b""
            channel.settimeout(20)
            while not data.endswith(b"\n"):
                b = channel.recv(1024)
                if not b:
                    break
                data += b
            channel.sendall(b"echo:" + data)
            channel.close()

        def handler(channel, origin, server):
            # Called on paramiko's transport thread, which must keep
            # running for the channel to receive anything.
            got.append((origin, server))
            threading.Thread(target=serve, args=(channel,), daemon=True).start()
        try:
            t = c.get_transport()
            port = t.request_port_forward("localhost", 0, handler=handler)
            self.assertGreaterEqual(port, 1024)
            with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
                s.sendall(b"hello\n")
                s.settimeout(20)
                answer = b""
                while True:
                    b = s.recv(1024)
                    if not b:
                        break
                    answer += b
                local = s.getsockname()
            self.assertEqual(answer, b"echo:hello\n")
            self.assertEqual(len(got), 1)
            origin, server = got[0]
            self.assertEqual(origin, ("127.0.0.1", local[1]))
            self.assertEqual(server, ("localhost", port))
            before = len(self.d.audit_records())
            t.cancel_port_forward("localhost", port)
            deadline = time.monotonic() + 10
            refused = False
            while time.monotonic() < deadline and not refused:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    time.sleep(0.1)
                except OSError:
                    refused = True
            self.assertTrue(refused, "the listener survived cancel-tcpip-forward")
            deadline = time.monotonic() + 10
            while not self.records("remote-forward-closed", before) and \
                    time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertEqual(len(self.records("remote-forward-closed", before)), 1)
        finally:
            c.close()

    def test_a_client_refusing_the_channel_closes_only_that_connection(self):
        c = self.paramiko_client()
        try:
            t = c.get_transport()
            # No handler and no accept(): paramiko refuses forwarded
            # channels it was not asked for once its queue is gone; here
            # the server-side connection must simply be closed.
            port = t.request_port_forward("localhost", 0, handler=lambda ch, o, s: ch.close())
            for _ in range(3):
                with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
                    s.settimeout(20)
                    self.assertEqual(s.recv(10), b"")
            _, out, _ = c.exec_command("echo alive", timeout=20)
            self.assertEqual(out.read().strip(), b"alive")
        finally:
            c.close()


class TestKeyForbidsRemoteForwarding(RemoteForwardTest):
    rules = ("allow remote-forward *:*",)
    key_options = "no-port-forwarding "

    @classmethod
    def setUpClass(cls):
        cls.sink = DigestSink()
        cls.d = forward_tests.Daemon(forward_tests.BUILD,
                                     users={"root": {"lines": list(cls.rules)}})
        with open(cls.d.policy) as f:
            text = f.read()
        text = text.replace('authorized-key "', 'authorized-key "%s' % cls.key_options, 1)
        with open(cls.d.policy, "w") as f:
            f.write(text)
        cls.d.start()

    def test_refused_whatever_the_policy(self):
        c = self.paramiko_client()
        try:
            with self.assertRaises(paramiko.SSHException):
                c.get_transport().request_port_forward("localhost", 0)
        finally:
            c.close()
        self.d.wait_log(r"remote-forward localhost:0 denied user=root reason=\"the key or "
                        r"certificate does not permit port forwarding")


class TestPermitListen(TestKeyForbidsRemoteForwarding):
    key_options = 'permitlisten=\\"localhost:*\\" '

    def test_refused_whatever_the_policy(self):
        c = self.paramiko_client()
        try:
            port = c.get_transport().request_port_forward("localhost", 0)
            self.assertGreater(port, 0)
            with self.assertRaises(paramiko.SSHException):
                c.get_transport().request_port_forward("127.0.0.1", 0)
        finally:
            c.close()
        self.d.wait_log(r"remote-forward 127\.0\.0\.1:0 denied user=root reason=\"not in the "
                        r"key's permitlisten list")



class TestStreamlocalRefused(RemoteForwardTest):
    """Unix-socket forwarding has no policy rule that allows it: refused
    (ADMINISTRATIVELY_PROHIBITED for the channel), logged and audited."""
    rules = ("allow forward *:*", "allow remote-forward *:*")

    def test_direct_streamlocal_is_administratively_prohibited(self):
        lport = free_port()
        before = len(self.d.audit_records())
        cmd = self.d.ssh_cmd(options=["-N", "-L", "127.0.0.1:%d:/run/rampart-test.sock" % lport])
        cmd = ["LogLevel=INFO" if a == "LogLevel=ERROR" else a for a in cmd]
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            self.assertTrue(wait_port(lport), "ssh -L did not listen")
            with socket.create_connection(("127.0.0.1", lport), timeout=20) as s:
                s.settimeout(20)
                self.assertEqual(s.recv(10), b"")
        finally:
            self.stop(p)
        self.assertIn(b"administratively prohibited", p.stderr.read())
        rec = self.records("session-denied", before)
        # wait_port's probe, then the test's own connection.
        self.assertEqual([r["type"] for r in rec], ["direct-streamlocal"] * 2, rec)
        self.assertEqual(rec[0]["command"], "/run/rampart-test.sock")
        self.assertIn("Unix socket forwarding is not supported", rec[0]["reason"])

    def test_streamlocal_forward_is_refused(self):
        before = len(self.d.audit_records())
        p = self.ssh_R("/tmp/rampart-test-%d.sock:127.0.0.1:%d" % (os.getpid(), self.sink.port))
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            self.stop(p)
            self.fail("ssh -R to a Unix socket kept running")
        self.assertNotEqual(p.returncode, 0)
        self.assertFalse(os.path.exists("/tmp/rampart-test-%d.sock" % os.getpid()))
        rec = self.records("session-denied", before)
        self.assertEqual([r["type"] for r in rec], ["streamlocal-forward"], rec)

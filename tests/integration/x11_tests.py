"""tests/integration/x11_tests.py: X11 forwarding (x11-req) through rampart.

OpenSSH's client (`ssh -Y`) forwards to a fake X server the test runs on
loopback. In the session, a small X client reads DISPLAY and the cookie
xauth stored, connects to the display rampart bound, and sends an X11
connection setup; the ssh client checks the cookie against the one it sent
in x11-req and passes the connection to the fake server, whose reply comes
back. paramiko shows the channel's originator fields and the
single-connection flag. What the policy refuses is audited.

Every socket is on loopback; every wait is bounded. Loaded by run.py.
"""

import os
import queue
import re
import shlex
import socket
import subprocess
import threading
import time
import unittest

import harness
from session_tests import SessionTest

XAUTH = "/usr/bin/xauth"
FAKE_REPLY = b"FAKE-X-SERVER-REPLY"

# Runs in the session as the user: connect to DISPLAY with the cookie
# xauth holds for it (or a wrong one), print what comes back.
X_CLIENT = r'''
import os, socket, struct, subprocess, sys
display = os.environ.get("DISPLAY", "")
print("display=" + display, flush=True)
host, _, rest = display.rpartition(":")
number = int(rest.split(".")[0])
listing = subprocess.run(["xauth", "list"], stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
entry = [l.split() for l in listing.splitlines() if l.split()[0].endswith(":%d" % number)]
proto, cookie = entry[-1][1].encode(), bytes.fromhex(entry[-1][2])
if sys.argv[1] == "wrong":
    cookie = bytes(b ^ 0xFF for b in cookie)
pad = lambda b: b + b"\0" * (-len(b) % 4)
for attempt in range(int(sys.argv[2])):
    try:
        s = socket.create_connection((host, 6000 + number), timeout=20)
    except OSError as e:
        print("connect %d: refused" % attempt, flush=True)
        continue
    s.sendall(struct.pack("<BxHHHHxx", ord("l"), 11, 0, len(proto), len(cookie)) +
              pad(proto) + pad(cookie))
    got = b""
    while True:
        try:
            chunk = s.recv(4096)
        except OSError:
            break
        if not chunk:
            break
        got += chunk
    s.close()
    print("connect %d: reply=%r" % (attempt, got), flush=True)
'''


class FakeXServer:
    """A listener on 127.0.0.1:6000+N standing in for the client's X
    server: reads each connection's setup (the byte order, version and the
    authentication name and data), answers FAKE_REPLY and closes."""

    def __init__(self):
        self.setups = []
        self.sock = None
        for n in range(50, 100):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", 6000 + n))
            except OSError:
                s.close()
                continue
            self.sock, self.number = s, n
            break
        if self.sock is None:
            raise unittest.SkipTest("no free display number for the fake X server")
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        deadline = time.monotonic() + 120
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with c:
                c.settimeout(10)
                try:
                    head = self.read(c, 12)
                    order, major, name_len, data_len = head[0], \
                        int.from_bytes(head[2:4], "little"), \
                        int.from_bytes(head[6:8], "little"), \
                        int.from_bytes(head[8:10], "little")
                    body = self.read(c, (name_len + 3) // 4 * 4 + (data_len + 3) // 4 * 4)
                    name = body[:name_len]
                    self.setups.append((chr(order), major, name.decode(), data_len))
                    c.sendall(FAKE_REPLY)
                except OSError:
                    pass

    @staticmethod
    def read(c, n):
        got = b""
        while len(got) < n:
            chunk = c.recv(n - len(got))
            if not chunk:
                raise OSError("short setup")
            got += chunk
        return got

    def close(self):
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@unittest.skipUnless(os.access(XAUTH, os.X_OK), "xauth is not installed")
class X11Test(SessionTest):
    user_name = harness.TEST_USER
    # The session's xauth writes to the file the client names, not to
    # the account's ~/.Xauthority.
    lines = ("allow exec", "allow x11", "allow env XAUTHORITY")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.script = os.path.join(cls.tmp, "xclient.py")
        with open(cls.script, "w") as f:
            f.write(X_CLIENT)
        os.chmod(cls.script, 0o644)

    def setUp(self):
        self.xserver = FakeXServer()
        self.session_xauth = os.path.join(self.tmp, "xauthority-%s" % self.id().split(".")[-1])

    def tearDown(self):
        self.xserver.close()

    def ssh_Y(self, script_args):
        env = dict(os.environ, DISPLAY="127.0.0.1:%d.0" % self.xserver.number,
                   XAUTHORITY=os.path.join(self.tmp, "client-xauthority-none"))
        cmd = self.d.ssh_cmd(user=self.user, options=[
            "-Y", "-o", "SetEnv=XAUTHORITY=%s" % self.session_xauth])
        cmd.append("/usr/bin/python3 %s %s" % (shlex.quote(self.script), script_args))
        return subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=90)

    def display_number(self, out):
        m = re.search(r"display=localhost:(\d+)\.0", out)
        self.assertIsNotNone(m, out)
        return int(m.group(1))


class TestX11Forwarding(X11Test):

    def test_ssh_Y_reaches_the_clients_X_server(self):
        before = len(self.d.audit_records())
        r = self.ssh_Y("right 2")
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, r.stderr.decode() + out)
        n = self.display_number(out)
        self.assertGreaterEqual(n, 10)
        # Two X connections in one session, each its own channel, each
        # accepted by the client (right cookie) and answered by the X
        # server behind it.
        self.assertEqual(out.count("reply=%r" % FAKE_REPLY), 2, out)
        self.assertEqual(len(self.xserver.setups), 2)
        for order, major, name, data_len in self.xserver.setups:
            self.assertEqual((order, major, name), ("l", 11, "MIT-MAGIC-COOKIE-1"))
            self.assertEqual(data_len, 16)
        rec = self.wait_audit(lambda x: x["event"] == "session-start" and "x11_display" in x,
                              after=before)[0]
        self.assertEqual(rec["x11_display"], "localhost:%d.0" % n)
        # The display goes with the session.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", 6000 + n), timeout=1).close()
                time.sleep(0.1)
            except OSError:
                break
        else:
            self.fail("display :%d still listening after the session ended" % n)

    def test_the_client_refuses_a_wrong_cookie(self):
        # The cookie xauth stored is the one the client checks: flipped,
        # the client drops the connection and the X server never sees it.
        r = self.ssh_Y("wrong 1")
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, r.stderr.decode() + out)
        self.assertIn("connect 0: reply=b''", out)
        self.assertEqual(self.xserver.setups, [])

    def test_paramiko_single_connection_and_origin(self):
        arrived = queue.Queue()
        conn = self.paramiko()
        try:
            chan = conn.t.open_session(timeout=20)
            # The handler runs on paramiko's transport thread: hand over.
            cookie = chan.request_x11(screen_number=0, single_connection=True,
                                      handler=lambda ch, origin: arrived.put((ch, origin)))
            self.assertEqual(len(cookie), 32)
            chan.set_environment_variable("XAUTHORITY", self.session_xauth)
            chan.exec_command("/usr/bin/python3 %s right 2" % shlex.quote(self.script))
            x, origin = arrived.get(timeout=30)
            # RFC 4254 6.3.2: the originator is the session's X client,
            # on the loopback display.
            self.assertIn(origin[0], ("127.0.0.1", "::1"))
            self.assertGreater(origin[1], 0)
            # paramiko passes the setup through unchecked: the cookie is
            # the one it sent in x11-req.
            head = b""
            deadline = time.monotonic() + 20
            while len(head) < 12 + 20 + 16 and time.monotonic() < deadline:
                chunk = x.recv(4096)
                if not chunk:
                    break
                head += chunk
            self.assertEqual(head[12:30], b"MIT-MAGIC-COOKIE-1")
            self.assertEqual(head[32:48].hex().encode(), cookie)
            x.sendall(FAKE_REPLY)
            x.close()
            out = b""
            deadline = time.monotonic() + 30
            while not chan.exit_status_ready() and time.monotonic() < deadline:
                if chan.recv_ready():
                    out += chan.recv(4096)
                time.sleep(0.05)
            while chan.recv_ready():
                out += chan.recv(4096)
            self.assertEqual(chan.recv_exit_status(), 0, out)
            text = out.decode()
            self.assertIn("connect 0: reply=%r" % FAKE_REPLY, text)
            # Single connection: the display closed after the first.
            self.assertIn("connect 1: refused", text)
        finally:
            conn.close()


@unittest.skipUnless(os.access(XAUTH, os.X_OK), "xauth is not installed")
class TestX11NotAllowed(SessionTest):
    """Without `allow x11` the request is refused (the session still runs,
    without DISPLAY), and the refusal is audited."""

    user_name = harness.TEST_USER
    lines = ("allow exec",)

    def test_refused_and_audited(self):
        before = len(self.d.audit_records())
        env = dict(os.environ, DISPLAY="127.0.0.1:99.0")
        cmd = self.d.ssh_cmd(user=self.user, options=["-Y"]) + ['echo "display=$DISPLAY"']
        r = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), b"display=")
        recs = self.wait_audit(lambda x: x["event"] == "session-denied" and x["type"] == "x11",
                               after=before)
        self.assertIn("no rule allows x11", recs[0]["reason"])

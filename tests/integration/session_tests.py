"""tests/integration/session_tests.py: sessions, with real clients.

Pseudo-terminals (pty-req with size and modes, window-change and the
SIGWINCH it brings, `tty`, `stty`), login shells driven through tmux, exit
by signal and the `signal` and `break` requests, environment variables by
policy, the login environment and umask, sftp with OpenSSH and paramiko,
what the policy refuses (pty, shell, subsystem, env) and how that is logged
and audited, and asciicast recordings. Loaded by tests/integration/run.py.
"""

import asyncio
import json
import os
import pwd
import re
import secrets
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import harness
from harness import Daemon, sha256

BUILD = "build"


def set_build(build):
    global BUILD
    BUILD = build


def setUpModule():
    if harness.is_root():
        harness.ensure_account(harness.WORKER_USER, system=True)
        harness.ensure_account(harness.TEST_USER, system=False)


def proc_environ_cmd():
    """A command printing the environment the session's process started
    with (what rampartd gave it, before any rc file ran), one per line."""
    return "tr '\\0' '\\n' < /proc/$$/environ"


def parse_env(text):
    env = {}
    for line in text.splitlines():
        line = line.rstrip("\r")
        if "=" in line:
            k, v = line.split("=", 1)
            env[k] = v
    return env


# ---------------------------------------------------------------------------
# clients


class ParamikoConn:
    """An authenticated paramiko transport; closed after `deadline` seconds
    whatever happens, which ends every paramiko wait (several of which, such
    as invoke_shell's, have no timeout of their own). `prepare(transport)`
    runs before the key exchange (to choose algorithms or compression)."""

    def __init__(self, d, user=None, deadline=60, prepare=None):
        import paramiko
        self.t = paramiko.Transport(("127.0.0.1", d.port))
        self.timer = threading.Timer(deadline, self.t.close)
        self.timer.daemon = True
        self.timer.start()
        try:
            if prepare is not None:
                prepare(self.t)
            self.t.start_client(timeout=20)
            if self.t.get_remote_server_key().get_base64() != d.host_pub.split()[1]:
                raise AssertionError("paramiko saw another host key")
            self.t.auth_publickey(user or d.default_user(),
                                  paramiko.Ed25519Key.from_private_key_file(d.client_key))
        except BaseException:
            self.close()
            raise

    def session(self):
        ch = self.t.open_session(timeout=20)
        ch.settimeout(20)
        return ch

    def close(self):
        self.timer.cancel()
        self.t.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_until(ch, pattern, timeout=20, seen=b""):
    """Read from a paramiko channel until regex `pattern` (bytes) matches
    what came so far; return (match, everything read)."""
    import socket as _socket
    rx = re.compile(pattern)
    data = seen
    deadline = time.monotonic() + timeout
    ch.settimeout(0.2)
    while True:
        m = rx.search(data)
        if m:
            return m, data
        if time.monotonic() > deadline:
            raise AssertionError("no %r within %ss; got %r" % (pattern, timeout, data[-2000:]))
        try:
            chunk = ch.recv(65536)
        except _socket.timeout:
            continue
        if not chunk:
            raise AssertionError("channel closed before %r; got %r" % (pattern, data[-2000:]))
        data += chunk


def read_all(ch, timeout=20):
    """Everything until EOF, bounded."""
    import socket as _socket
    data = b""
    deadline = time.monotonic() + timeout
    ch.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            chunk = ch.recv(65536)
        except _socket.timeout:
            continue
        if not chunk:
            return data
        data += chunk
    raise AssertionError("no EOF within %ss; got %r" % (timeout, data[-2000:]))


def exit_status(ch, timeout=20):
    if not ch.status_event.wait(timeout):
        raise AssertionError("no exit status within %ss" % timeout)
    return ch.exit_status


def channel_request(ch, kind, *fields, timeout=20):
    """Send a channel request with want-reply set; True on success, False
    on failure (paramiko closes the channel on a failure reply)."""
    import paramiko
    from paramiko.common import cMSG_CHANNEL_REQUEST
    m = paramiko.Message()
    m.add_byte(cMSG_CHANNEL_REQUEST)
    m.add_int(ch.remote_chanid)
    m.add_string(kind)
    m.add_boolean(True)
    for f in fields:
        if isinstance(f, int):
            m.add_int(f)
        else:
            m.add_string(f)
    ch._event_pending()
    ch.transport._send_user_message(m)
    if not ch.event.wait(timeout):
        raise AssertionError("no reply to %s within %ss" % (kind, timeout))
    return bool(ch.event_ready)


def run_async(make_coro, timeout=60):
    return asyncio.run(asyncio.wait_for(make_coro(), timeout))


def asyncssh_connect(d, user=None):
    import asyncssh
    return asyncssh.connect("127.0.0.1", port=d.port, username=user or d.default_user(),
                            client_keys=[d.client_key], known_hosts=d.known_hosts,
                            agent_path=None, config=None, connect_timeout=20)


# ---------------------------------------------------------------------------


def session_user():
    """Who the sessions run as. As root: the ordinary test account, whose
    login shell is /bin/sh: the privileged path (setuid, a pty owned by
    someone else) and no dependence on root's dotfiles (here root's .bashrc
    runs `pyenv init`, which takes a lock and can stall a session for a
    minute). Otherwise the daemon runs unprivileged as us."""
    if harness.is_root():
        return harness.TEST_USER
    return pwd.getpwuid(os.geteuid()).pw_name


class SessionTest(unittest.TestCase):
    """One daemon per class; `lines` go into the session user's block."""

    lines = ("allow shell", "allow pty")
    user_name = None  # default: session_user()
    run_as = None     # run rampartd itself as this account

    @classmethod
    def policy(cls, tmp):
        """Top-level policy lines; tmp is a private directory for the class."""
        return ""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="rampart-session-")
        cls.user = cls.user_name or session_user()
        cls.pw = pwd.getpwnam(cls.user)
        # The sessions write here too (sftp, umask checks).
        os.chmod(cls.tmp, 0o755)
        if harness.is_root():
            os.chown(cls.tmp, cls.pw.pw_uid, cls.pw.pw_gid)
        extra = cls.policy(cls.tmp)
        if cls.run_as:
            for root, dirs, files in os.walk(cls.tmp):
                for name in dirs + files:
                    os.chown(os.path.join(root, name), cls.pw.pw_uid, cls.pw.pw_gid)
        cls.d = Daemon(BUILD, users={cls.user: {"lines": list(cls.lines)}},
                       extra_policy=extra, run_as=cls.run_as)
        try:
            cls.d.start()
        except BaseException:
            cls.d.stop()
            cls.d.cleanup()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        log = cls.d.stop()
        reports = cls.d.sanitizer_reports()
        cls.d.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if reports:
            raise AssertionError("sanitizer reports in rampartd's log:\n" + log)

    def ssh(self, command, **kw):
        kw.setdefault("user", self.user)
        return self.d.ssh(command, **kw)

    def paramiko(self, deadline=60):
        return ParamikoConn(self.d, self.user, deadline)

    def assertLogged(self, pattern, after=0, timeout=10):
        return self.d.wait_log(pattern, timeout=timeout, after=after)

    def wait_audit(self, predicate, after=0, timeout=10, what="audit record"):
        deadline = time.monotonic() + timeout
        while True:
            recs = [r for r in self.d.audit_records()[after:] if predicate(r)]
            if recs:
                return recs
            if time.monotonic() > deadline:
                raise AssertionError("no %s within %ss; audit log:\n%s" % (
                    what, timeout, "\n".join(json.dumps(r) for r in self.d.audit_records())))
            time.sleep(0.05)


# ---------------------------------------------------------------------------
# pseudo-terminals


class TestPty(SessionTest):
    lines = ("allow shell", "allow pty")

    def test_ssh_tt_runs_the_command_on_a_pty(self):
        r = self.ssh("tty; stty size; test -t 0 && echo stdin-is-a-tty",
                     options=[("-tt",)])
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        self.assertRegex(out, r"^/dev/pts/\d+\r\n")
        self.assertRegex(out, r"\r\n\d+ \d+\r\n")  # the pty turns \n into \r\n
        self.assertIn("stdin-is-a-tty", out)
        self.assertNotIn(b"PTY allocation request failed", r.stderr)

    def test_without_a_pty_there_is_no_tty(self):
        r = self.ssh("tty; echo rc=$?")
        self.assertEqual(r.stdout, b"not a tty\nrc=1\n", r.stderr)

    def test_paramiko_exec_on_a_pty(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty(term="vt100", width=80, height=24)
            ch.exec_command("tty")
            out = read_all(ch)
            self.assertRegex(out, rb"^/dev/pts/\d+\r\n$")
            self.assertEqual(exit_status(ch), 0)

    def test_shell_size_and_window_change(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty(term="xterm", width=100, height=37)
            ch.invoke_shell()
            ch.send(b"stty size\n")
            _, seen = read_until(ch, rb"37 100\r\n")
            # A foreground program gets SIGWINCH when the size changes.
            ch.send(b"sh -c 'trap \"echo WIN\"\"CH; stty size; exit 0\" WINCH; "
                    b"echo RE\"\"ADY; while :; do sleep 0.1; done'\n")
            _, seen = read_until(ch, rb"READY\r\n")
            ch.resize_pty(width=120, height=40)
            read_until(ch, rb"WINCH\r\n40 120\r\n", seen=seen)
            ch.send(b"stty size; exit 0\n")
            read_until(ch, rb"40 120\r\n")
            self.assertEqual(exit_status(ch), 0)

    def test_exec_on_a_pty_sees_window_change(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty(term="xterm", width=100, height=37)
            ch.exec_command("stty size; read x; stty size")
            _, seen = read_until(ch, rb"37 100\r\n")
            ch.resize_pty(width=120, height=40)
            ch.send(b"\n")
            read_until(ch, rb"40 120\r\n", seen=seen)
            self.assertEqual(exit_status(ch), 0)

    def test_login_shell_and_pty_environment(self):
        shell = os.path.basename(self.pw.pw_shell)
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty(term="vt220", width=80, height=24)
            ch.invoke_shell()
            ch.send(("echo argv0=$0; %s; echo END\"\"MARK\n" % proc_environ_cmd()).encode())
            _, seen = read_until(ch, rb"ENDMARK\r\n")
            ch.send(b"tty; exit 0\n")
            m, _ = read_until(ch, rb"(/dev/pts/\d+)\r\n")
            self.assertEqual(exit_status(ch), 0)
        text = seen.decode(errors="replace")
        self.assertIn("argv0=-%s\r\n" % shell, text)
        env = parse_env(text[text.index("argv0="):])
        self.assertEqual(env.get("TERM"), "vt220", text)
        self.assertEqual(env.get("SSH_TTY"), m.group(1).decode(), text)

    def test_terminal_modes_are_applied(self):
        from asyncssh import constants as k

        async def go():
            async with asyncssh_connect(self.d, self.user) as conn:
                r = await conn.run("stty -a", term_type="xterm", term_size=(80, 24),
                                   term_modes={k.PTY_VINTR: 7, k.PTY_ECHO: 0,
                                               k.PTY_ICRNL: 0}, encoding=None)
                return r
        r = run_async(go)
        out = r.stdout.decode()
        self.assertEqual(r.exit_status, 0, out)
        self.assertIn("intr = ^G;", out)
        self.assertRegex(out, r"(^|\s)-echo(\s|$)")
        self.assertRegex(out, r"(^|\s)-icrnl(\s|$)")

    def test_xon_xoff_follows_the_terminals_flow_control(self):
        """RFC 4254 6.8: when a program switches the terminal's ^S/^Q flow
        control off (raw mode, stty -ixon) and on again, the client hears
        xon-xoff false, then true."""
        import asyncssh

        seen = []

        class Session(asyncssh.SSHClientSession):
            def xon_xoff_requested(self, client_can_do):
                seen.append(client_can_do)

        async def go():
            async with asyncssh_connect(self.d, self.user) as conn:
                chan, _ = await conn.create_session(
                    Session, "stty -ixon; sleep 0.3; stty ixon; sleep 0.3; stty stop ^X; "
                    "sleep 0.3", term_type="xterm", term_size=(80, 24))
                await chan.wait_closed()
                return chan.get_exit_status()
        self.assertEqual(run_async(go), 0)
        # A STOP character other than ^S turns the client's part off too.
        self.assertEqual(seen, [False, True, False])

    def test_break_succeeds_on_a_pty_only(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty()
            ch.exec_command("sleep 5")
            self.assertTrue(channel_request(ch, "break", 100))
            ch.close()
            ch = c.session()
            ch.exec_command("sleep 5")
            self.assertFalse(channel_request(ch, "break", 100))

    def test_all_pty_output_comes_before_the_close(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty(width=80, height=24)
            ch.exec_command("seq 1 100000; exit 3")
            out = read_all(ch, timeout=60)
            self.assertEqual(exit_status(ch), 3)
        lines = out.split(b"\r\n")
        self.assertEqual(lines[-1], b"")
        self.assertEqual(len(lines), 100001)
        self.assertEqual(lines[-2], b"100000")

    def test_a_background_process_does_not_hold_the_pty_session_open(self):
        # As with sshd: the session ends with its process; what it left
        # running on the pty gets SIGHUP when the pty goes.
        start = time.monotonic()
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty()
            ch.exec_command("sleep 60 & echo bg-started")
            out = read_all(ch, timeout=20)
            self.assertEqual(exit_status(ch), 0)
        self.assertIn(b"bg-started", out)
        self.assertLess(time.monotonic() - start, 15)

    def test_two_pty_sessions_on_one_connection(self):
        with self.paramiko() as c:
            chans = []
            for w, h in ((81, 21), (82, 22)):
                ch = c.session()
                ch.get_pty(width=w, height=h)
                ch.invoke_shell()
                chans.append(ch)
            ttys = []
            for i, ch in enumerate(chans):
                ch.send(b"tty; stty size; echo chan-$((%d+1))-done\n" % i)
            for i, ch in enumerate(chans):
                m, _ = read_until(ch, rb"(/dev/pts/\d+)\r\n(\d+ \d+)\r\nchan-(\d)-done")
                ttys.append(m.group(1))
                self.assertEqual(m.group(2), b"%d %d" % (21 + i, 81 + i))
                self.assertEqual(m.group(3), b"%d" % (i + 1))
            self.assertNotEqual(ttys[0], ttys[1])
            chans[1].send(b"exit 2\n")
            self.assertEqual(exit_status(chans[1]), 2)
            # The other one goes on.
            chans[0].send(b"echo still-$((40+2))\n")
            read_until(chans[0], rb"still-42\r\n")
            chans[0].send(b"exit 1\n")
            self.assertEqual(exit_status(chans[0]), 1)

    def test_window_change_without_a_pty_is_ignored(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.exec_command("read x; echo got-$x")
            ch.resize_pty(width=120, height=40)
            ch.send(b"a\n")
            self.assertEqual(read_all(ch), b"got-a\n")
            self.assertEqual(exit_status(ch), 0)

    def test_pty_belongs_to_the_user(self):
        r = self.ssh("stat -c '%u %a' $(tty)", options=[("-tt",)])
        self.assertEqual(r.returncode, 0, r.stderr)
        uid, mode = r.stdout.decode().split()
        self.assertEqual(int(uid), self.pw.pw_uid)
        self.assertEqual(int(mode, 8) & 0o007, 0, mode)  # nothing for others


class Tmux:
    """A tmux server of our own (private socket, unique session name) that
    runs a command in a 120x40 terminal; killed by name at the end."""

    def __init__(self, cmd, width=120, height=40):
        token = "%d-%s" % (os.getpid(), secrets.token_hex(4))
        self.sock = "rampart-it-" + token
        self.name = "rampart-" + token
        self.run("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), cmd)

    def run(self, *args, check=True):
        env = dict(os.environ)
        env.pop("TMUX", None)
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=20, env=env, check=check, stdin=subprocess.DEVNULL)

    def pane(self):
        return self.run("capture-pane", "-p", "-t", self.name, check=False).stdout

    def send(self, *keys):
        self.run("send-keys", "-t", self.name, *keys)

    def wait(self, pattern, timeout=20, log=""):
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            text = self.pane()
            m = rx.search(text)
            if m:
                return m
            if time.monotonic() > deadline:
                raise AssertionError("no %r in the tmux pane within %ss; pane:\n%s\n%s"
                                     % (pattern, timeout, text, log))
            time.sleep(0.1)

    def kill(self):
        self.run("kill-session", "-t", self.name, check=False)
        self.run("kill-server", check=False)


def wait_file(path, timeout=20):
    """The content of a file once it ends with a newline, bounded."""
    deadline = time.monotonic() + timeout
    content = ""
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                content = f.read()
            if content.endswith("\n"):
                break
        time.sleep(0.1)
    return content


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TestTmux(SessionTest):
    """A real terminal: tmux runs OpenSSH's client, we type into it."""

    lines = ("allow shell", "allow pty")

    def test_shell_through_tmux(self):
        exitfile = os.path.join(self.tmp, "exit-status")
        cmd = "%s; echo EXIT=$? > %s" % (shlex.join(self.d.ssh_cmd(self.user, options=[("-tt",)])),
                                          shlex.quote(exitfile))
        mark = self.d.mark()
        tmux = Tmux(cmd)
        try:
            tmux.wait(r"[#$] ?$", log=self.d.log()[-3000:])
            self.assertLogged(r"session 1 started user=%s .*shell pty=/dev/pts/\d+" % self.user,
                              after=mark)
            tmux.send("echo hello-$((6*7)); stty size", "Enter")
            tmux.wait(r"^hello-42$")
            # OpenSSH sent the size of its terminal, tmux's 120x40 pane.
            tmux.wait(r"^40 120$")
            tmux.send("exit 5", "Enter")
            self.assertEqual(wait_file(exitfile), "EXIT=5\n", tmux.pane())
            self.assertLogged(r"session 1 ended pid=\d+ status=5", after=mark)
        finally:
            tmux.kill()


# ---------------------------------------------------------------------------
# exit by signal, signal and break requests


class TestSignals(SessionTest):
    lines = ("allow pty",)

    def test_exit_signal_reaches_asyncssh(self):
        async def go():
            async with asyncssh_connect(self.d, self.user) as conn:
                term = await conn.run("kill -TERM $$")
                kill = await conn.run("kill -KILL $$")
                return term, kill
        term, kill = run_async(go)
        self.assertEqual(term.exit_signal, ("TERM", False, "", ""))
        self.assertEqual(kill.exit_signal, ("KILL", False, "", ""))

    def test_all_output_comes_before_the_exit_signal(self):
        async def go():
            async with asyncssh_connect(self.d, self.user) as conn:
                return await conn.run("head -c 1000000 /dev/zero; kill -TERM $$",
                                      encoding=None)
        r = run_async(go)
        self.assertEqual(len(r.stdout), 1000000)
        self.assertEqual(r.exit_signal, ("TERM", False, "", ""))

    def test_exit_signal_in_paramiko_and_openssh(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.exec_command("echo before; kill -TERM $$")
            self.assertEqual(read_all(ch), b"before\n")
            # No exit-status comes, only exit-signal: paramiko reports -1.
            self.assertEqual(exit_status(ch), -1)
        mark = self.d.mark()
        before = len(self.d.audit_records())
        r = self.ssh("kill -HUP $$")
        self.assertEqual(r.returncode, 255)
        self.assertLogged(r"session \d+ ended pid=\d+ signal=SIGHUP", after=mark)
        end = self.wait_audit(lambda x: x["event"] == "session-end", after=before)[0]
        self.assertEqual((end.get("signal"), end.get("core_dumped")), ("HUP", False), end)
        self.assertNotIn("exit_status", end)

    def test_core_dumped_flag(self):
        with open("/proc/sys/kernel/core_pattern") as f:
            pattern = f.read().strip()
        if not pattern or pattern.startswith("|") or "/" in pattern:
            self.skipTest("core files do not go to the working directory here (%r)" % pattern)
        workdir = os.path.join(self.tmp, "cores")
        os.mkdir(workdir)
        os.chown(workdir, self.pw.pw_uid, self.pw.pw_gid)

        async def go():
            async with asyncssh_connect(self.d, self.user) as conn:
                return await conn.run("cd %s && ulimit -c unlimited && exec sh -c 'kill -QUIT $$'"
                                      % workdir)
        r = run_async(go)
        cores = [n for n in os.listdir(workdir) if n.startswith("core")]
        self.assertEqual(r.exit_signal[:2], ("QUIT", True), (r.exit_signal, cores))
        self.assertTrue(cores)

    def test_signal_request_ends_a_command(self):
        mark = self.d.mark()

        async def go():
            async with asyncssh_connect(self.d, self.user) as conn:
                proc = await conn.create_process("echo started; exec sleep 30")
                line = await proc.stdout.readline()
                proc.send_signal("NOSUCHSIGNAL")  # ignored
                proc.send_signal("INT")
                await proc.wait(timeout=20)
                return line, proc.exit_signal
        start = time.monotonic()
        line, sig = run_async(go)
        self.assertEqual(line, "started\n")
        self.assertEqual(sig[:2], ("INT", False))
        self.assertLess(time.monotonic() - start, 20)
        self.assertLogged(r"session \d+ signal SIGINT", after=mark)

    def test_signal_request_is_delivered_to_a_trap(self):
        async def go():
            async with asyncssh_connect(self.d, self.user) as conn:
                proc = await conn.create_process(
                    "trap 'echo got-usr1; exit 7' USR1; echo ready; "
                    "while :; do sleep 0.1; done")
                line = await proc.stdout.readline()
                proc.send_signal("USR1")
                rest = await proc.stdout.read()
                await proc.wait(timeout=20)
                return line, rest, proc.exit_status, proc.exit_signal
        line, rest, status, sig = run_async(go)
        self.assertEqual(line, "ready\n")
        self.assertEqual(rest, "got-usr1\n")
        self.assertEqual(status, 7)
        self.assertIsNone(sig)

    def test_signal_on_a_pty_session(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty()
            ch.exec_command("echo started; exec sleep 30")
            read_until(ch, rb"started\r\n")
            from paramiko.common import cMSG_CHANNEL_REQUEST
            import paramiko
            m = paramiko.Message()
            m.add_byte(cMSG_CHANNEL_REQUEST)
            m.add_int(ch.remote_chanid)
            m.add_string("signal")
            m.add_boolean(False)
            m.add_string("TERM")
            ch.transport._send_user_message(m)
            read_all(ch)
            self.assertEqual(exit_status(ch), -1)  # exit-signal, not exit-status
        self.assertLogged(r"session \d+ ended pid=\d+ signal=SIGTERM")


# ---------------------------------------------------------------------------
# environment


class TestEnv(SessionTest):
    lines = ("allow pty", "allow env LANG LC_*")

    def test_openssh_sendenv_only_allowed_names_arrive(self):
        mark = self.d.mark()
        before = len(self.d.audit_records())
        env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C", FOO="not-for-you")
        cmd = self.d.ssh_cmd(self.user, options=[("-o", "SendEnv=LANG"),
                                                 ("-o", "SendEnv=LC_ALL"), ("-o", "SendEnv=FOO")])
        r = subprocess.run(cmd + [proc_environ_cmd()], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = parse_env(r.stdout.decode())
        self.assertEqual(got.get("LANG"), "C.UTF-8")
        self.assertEqual(got.get("LC_ALL"), "C")
        self.assertNotIn("FOO", got)
        self.assertLogged(r"conn=\d+ env FOO denied user=%s reason=" % self.user, after=mark)
        self.assertNotRegex("\n".join(self.d.log().splitlines()[mark:]),
                            r"env (LANG|LC_ALL) denied")
        recs = self.wait_audit(lambda x: x["event"] == "session-denied" and x["type"] == "env",
                               after=before)
        self.assertEqual(len(recs), 1, recs)
        self.assertIn("FOO", json.dumps(recs[0]))
        self.assertEqual(recs[0]["user"], self.user)

    def test_paramiko_environment(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.update_environment({"LANG": "en_US.UTF-8", "LC_TIME": "C", "FOO": "x"})
            ch.exec_command(proc_environ_cmd())
            got = parse_env(read_all(ch).decode())
            self.assertEqual(exit_status(ch), 0)
        self.assertEqual(got.get("LANG"), "en_US.UTF-8")
        self.assertEqual(got.get("LC_TIME"), "C")
        self.assertNotIn("FOO", got)

    def test_env_reply_says_success_or_failure(self):
        with self.paramiko() as c:
            ch = c.session()
            self.assertTrue(channel_request(ch, "env", "LC_CTYPE", "C"))
            self.assertFalse(channel_request(ch, "env", "LD_PRELOAD", "/tmp/x.so"))
        self.assertLogged(r"env LD_PRELOAD denied")

    def test_client_cannot_override_the_login_environment(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.update_environment({"LC_X": "1", "HOME": "/tmp", "PATH": "/tmp",
                                   "SSH_CONNECTION": "forged"})
            ch.exec_command(proc_environ_cmd())
            got = parse_env(read_all(ch).decode())
        self.assertEqual(got.get("LC_X"), "1")
        self.assertEqual(got["HOME"], self.pw.pw_dir)
        self.assertNotEqual(got["PATH"], "/tmp")
        self.assertNotEqual(got["SSH_CONNECTION"], "forged")


class TestEnvAnything(SessionTest):
    """`allow env *`: still no forging what the server sets itself."""

    lines = ("allow pty", "allow env *")

    def test_server_variables_win(self):
        forged = {"HOME": "/tmp", "PATH": "/tmp", "USER": "root", "LOGNAME": "root",
                  "SHELL": "/tmp/sh", "MAIL": "/tmp/mail", "SSH_CONNECTION": "forged",
                  "SSH_CLIENT": "forged", "TERM": "forged", "SSH_TTY": "/dev/forged",
                  "SSH_ORIGINAL_COMMAND": "forged", "MY_VAR": "mine"}
        for pty in (False, True):
            with self.subTest(pty=pty), self.paramiko() as c:
                ch = c.session()
                ch.update_environment(forged)
                if pty:
                    ch.get_pty(term="vt100")
                ch.exec_command(proc_environ_cmd())
                got = parse_env(read_all(ch).decode())
                self.assertEqual(exit_status(ch), 0)
                self.assertEqual(got["MY_VAR"], "mine")
                self.assertEqual(got["HOME"], self.pw.pw_dir)
                self.assertEqual(got["USER"], self.user)
                self.assertEqual(got["LOGNAME"], self.user)
                self.assertEqual(got["SHELL"], self.pw.pw_shell)
                for name in ("PATH", "MAIL", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
                    self.assertNotEqual(got.get(name), forged[name], name)
                self.assertNotIn("SSH_ORIGINAL_COMMAND", got)
                self.assertEqual(got.get("TERM"), "vt100" if pty else None)

    def test_a_name_sent_twice_is_set_once_to_the_later_value(self):
        with self.paramiko() as c:
            ch = c.session()
            self.assertTrue(channel_request(ch, "env", "MY_VAR", "first"))
            self.assertTrue(channel_request(ch, "env", "MY_VAR", "second"))
            ch.exec_command(proc_environ_cmd())
            out = read_all(ch).decode()
        entries = [line for line in out.splitlines() if line.startswith("MY_VAR=")]
        self.assertEqual(entries, ["MY_VAR=second"], out)


class TestLoginEnvironment(SessionTest):
    lines = ("allow shell", "allow pty")
    BASE = {"USER", "LOGNAME", "HOME", "SHELL", "PATH", "MAIL", "SSH_CLIENT", "SSH_CONNECTION"}

    def check_env(self, got, pw, port):
        self.assertEqual(got["HOME"], pw.pw_dir)
        self.assertEqual(got["USER"], pw.pw_name)
        self.assertEqual(got["LOGNAME"], pw.pw_name)
        self.assertEqual(got["SHELL"], pw.pw_shell)
        self.assertEqual(got["MAIL"], "/var/mail/%s" % pw.pw_name)
        path = got["PATH"].split(":")
        self.assertIn("/usr/bin", path)
        self.assertIn("/bin", path)
        if pw.pw_uid == 0:
            self.assertIn("/usr/sbin", path)
        else:
            self.assertNotIn("/usr/sbin", path)
        self.assertRegex(got["SSH_CONNECTION"], r"^127\.0\.0\.1 (\d+) 127\.0\.0\.1 %d$" % port)
        cport = got["SSH_CONNECTION"].split()[1]
        self.assertEqual(got["SSH_CLIENT"], "127.0.0.1 %s %d" % (cport, port))

    def test_login_environment_and_nothing_else(self):
        r = self.ssh(proc_environ_cmd())
        self.assertEqual(r.returncode, 0, r.stderr)
        got = parse_env(r.stdout.decode())
        self.check_env(got, self.pw, self.d.port)
        # Nothing of rampartd's own environment (the harness gives it
        # ASAN_OPTIONS, PATH and more) reaches the session.
        self.assertEqual(set(got), self.BASE, got)

    def test_with_a_pty_also_term_and_ssh_tty(self):
        r = self.ssh(proc_environ_cmd() + "; echo; tty", options=[("-tt",)])
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout.decode()
        got = parse_env(text)
        self.assertEqual(set(got), self.BASE | {"TERM", "SSH_TTY"}, got)
        self.assertEqual(got["SSH_TTY"], text.split()[-1])

    def test_echo_shows_the_account_and_default_umask(self):
        r = self.ssh("echo $HOME $USER $LOGNAME $SHELL; umask; echo $SSH_CONNECTION; "
                     "grep Umask /proc/$$/status")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.decode().splitlines()
        self.assertEqual(lines[0], "%s %s %s %s" % (self.pw.pw_dir, self.user, self.user,
                                                   self.pw.pw_shell))
        self.assertEqual(lines[1], "0022")
        self.assertRegex(lines[2], r"^127\.0\.0\.1 \d+ 127\.0\.0\.1 %d$" % self.d.port)
        self.assertEqual(lines[3].split(), ["Umask:", "0022"])

    def test_session_starts_in_the_home_directory(self):
        r = self.ssh("pwd")
        self.assertEqual(r.stdout.decode().strip(), self.pw.pw_dir, r.stderr)


class TestSessionUmask(SessionTest):
    lines = ("allow shell", "allow pty", "allow subsystem sftp")

    @classmethod
    def policy(cls, tmp):
        return "session-umask 077"

    def test_umask_from_the_policy(self):
        f = os.path.join(self.tmp, "made-by-session")
        r = self.ssh("umask; grep Umask /proc/$$/status; touch %s; mkdir %s.d" % (f, f))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.decode().splitlines()
        self.assertEqual(lines[0], "0077")
        self.assertEqual(lines[1].split(), ["Umask:", "0077"])
        self.assertEqual(os.stat(f).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(f + ".d").st_mode & 0o777, 0o700)

    def test_umask_applies_to_pty_sessions_and_sftp(self):
        r = self.ssh("umask", options=[("-tt",)])
        self.assertEqual(r.stdout, b"0077\r\n", r.stderr)
        with self.paramiko() as c:
            sftp = c.t.open_sftp_client()
            sftp.get_channel().settimeout(20)
            target = os.path.join(self.tmp, "via-sftp")
            with sftp.open(target, "w") as fh:
                fh.write(b"x")
            sftp.close()
        self.assertEqual(os.stat(target).st_mode & 0o077, 0)


@unittest.skipUnless(harness.is_root(), "needs root")
class TestRootLogin(SessionTest):
    """root's sessions: root's PATH and login shell (bash here)."""

    user_name = "root"
    lines = ("allow shell", "allow pty")

    def test_root_environment(self):
        r = self.ssh("id -u; %s" % proc_environ_cmd())
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.decode().splitlines()
        self.assertEqual(lines[0], "0")
        got = parse_env("\n".join(lines[1:]))
        TestLoginEnvironment.check_env(self, got, self.pw, self.d.port)
        self.assertEqual(set(got), TestLoginEnvironment.BASE, got)
        self.assertIn("/usr/sbin", got["PATH"].split(":"))
        self.assertIn("/sbin", got["PATH"].split(":"))

    def test_root_login_shell(self):
        shell = os.path.basename(self.pw.pw_shell)
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty(width=80, height=24)
            ch.invoke_shell()
            ch.send(b"echo argv0=$0; id -un; exit 3\n")
            m, _ = read_until(ch, rb"argv0=(\S+)\r\n(\S+)\r\n", timeout=60)
            self.assertEqual(exit_status(ch, timeout=60), 3)
        self.assertEqual(m.group(1).decode(), "-" + shell)
        self.assertEqual(m.group(2).decode(), "root")


# ---------------------------------------------------------------------------
# sftp


def sftp_cmd(d, user, batch):
    """OpenSSH's sftp with the options of d.ssh_cmd()."""
    ssh = d.ssh_cmd(user)
    opts = ssh[1:-1]
    i = opts.index("-p")
    opts[i] = "-P"
    return ["sftp", "-b", batch] + opts + [ssh[-1]]


class TestSftp(SessionTest):
    lines = ("allow subsystem sftp",)

    def test_openssh_sftp_put_and_get_20mb(self):
        data = os.urandom(20 * 1024 * 1024)
        local = os.path.join(self.tmp, "local.bin")
        remote = os.path.join(self.tmp, "remote.bin")
        back = os.path.join(self.tmp, "back.bin")
        with open(local, "wb") as f:
            f.write(data)
        batch = os.path.join(self.tmp, "batch")
        with open(batch, "w") as f:
            f.write("put %s %s\nget %s %s\n" % (local, remote, remote, back))
        mark = self.d.mark()
        r = subprocess.run(sftp_cmd(self.d, self.user, batch), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(remote, "rb") as f:
            self.assertEqual(sha256(f.read()), sha256(data))
        with open(back, "rb") as f:
            self.assertEqual(sha256(f.read()), sha256(data))
        self.assertLogged(r"session 1 started user=%s .*subsystem command=\"sftp\"" % self.user,
                          after=mark)
        self.assertLogged(r"session 1 ended pid=\d+ status=0", after=mark)

    def test_paramiko_sftp_put_and_get(self):
        data = os.urandom(100000)
        local = os.path.join(self.tmp, "p-local.bin")
        remote = os.path.join(self.tmp, "p-remote.bin")
        back = os.path.join(self.tmp, "p-back.bin")
        with open(local, "wb") as f:
            f.write(data)
        with self.paramiko() as c:
            sftp = c.t.open_sftp_client()
            sftp.get_channel().settimeout(20)
            sftp.put(local, remote)
            self.assertEqual(sftp.stat(remote).st_size, len(data))
            sftp.get(remote, back)
            self.assertIn("p-remote.bin", sftp.listdir(self.tmp))
            sftp.close()
        with open(back, "rb") as f:
            self.assertEqual(f.read(), data)

    def test_undefined_subsystem_is_refused(self):
        mark = self.d.mark()
        before = len(self.d.audit_records())
        with self.paramiko() as c:
            ch = c.session()
            self.assertFalse(channel_request(ch, "subsystem", "nonesuch"))
        self.assertLogged(r"subsystem denied user=%s command=\"nonesuch\" reason=\"subsystem "
                          r"nonesuch is not defined\"" % self.user, after=mark)
        recs = self.wait_audit(lambda r: r["event"] == "session-denied", after=before)
        self.assertEqual(recs[0]["command"], "nonesuch")

    def test_shell_needs_its_own_rule(self):
        r = self.ssh(None, options=[("-T",)])
        self.assertEqual(r.returncode, 255)
        self.assertIn(b"shell request failed", r.stderr)


class TestSftpNotAllowed(SessionTest):
    lines = ("allow shell",)

    def test_sftp_subsystem_is_refused_and_audited(self):
        batch = os.path.join(self.tmp, "batch")
        with open(batch, "w") as f:
            f.write("ls /\n")
        mark = self.d.mark()
        before = len(self.d.audit_records())
        r = subprocess.run(sftp_cmd(self.d, self.user, batch), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60, stdin=subprocess.DEVNULL)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"subsystem request failed", r.stderr)
        self.assertLogged(r"subsystem denied user=%s command=\"sftp\" reason=" % self.user,
                          after=mark)
        recs = self.wait_audit(lambda x: x["event"] == "session-denied", after=before)
        self.assertEqual(recs[0]["type"], "subsystem", recs)
        self.assertEqual(recs[0]["command"], "sftp", recs)
        self.assertFalse([x for x in self.d.audit_records()[before:]
                          if x["event"] == "session-start"])

    def test_paramiko_sftp_is_refused(self):
        import paramiko
        with self.paramiko() as c:
            with self.assertRaises(paramiko.SSHException):
                c.t.open_sftp_client()


# ---------------------------------------------------------------------------
# what the policy refuses


class TestNoPty(SessionTest):
    lines = ("allow shell",)

    def test_ssh_tt_reports_the_refusal(self):
        mark = self.d.mark()
        before = len(self.d.audit_records())
        r = self.ssh("echo hello", options=[("-tt",)])
        # With -t or -tt, OpenSSH's client itself gives up when the pty is
        # refused (clientloop.c: "If a TTY was explicitly requested, then a
        # failure to allocate one is fatal"); without, it carries on (below).
        self.assertIn(b"PTY allocation request failed", r.stderr)
        self.assertLogged(r"pty denied user=%s reason=\"no rule allows pty" % self.user,
                          after=mark)
        recs = self.wait_audit(lambda x: x["event"] == "session-denied", after=before)
        self.assertEqual(recs[0]["type"], "pty", recs)
        self.assertEqual(recs[0]["user"], self.user, recs)

    @unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
    def test_interactive_ssh_goes_on_without_the_pty(self):
        """`ssh host` at a terminal asks for a pty; refused, it still runs
        the shell, without one."""
        exitfile = os.path.join(self.tmp, "nopty-exit")
        cmd = "%s; echo EXIT=$? > %s" % (shlex.join(self.d.ssh_cmd(self.user)),
                                          shlex.quote(exitfile))
        mark = self.d.mark()
        tmux = Tmux(cmd)
        try:
            tmux.wait(r"PTY allocation request failed", log=self.d.log()[-3000:])
            self.assertLogged(r"session 1 started user=%s .* shell$" % self.user, after=mark)
            # The local terminal is raw (ssh set it so for the pty it asked
            # for) and the shell has no pty: end lines with LF, not CR.
            tmux.send("-l", "tty; echo still-ran-$((1+1))\n")
            tmux.wait(r"not a tty")
            tmux.wait(r"still-ran-2")
            tmux.send("-l", "exit 4\n")
            self.assertEqual(wait_file(exitfile), "EXIT=4\n", tmux.pane())
        finally:
            tmux.kill()

    def test_paramiko_get_pty_fails(self):
        import paramiko
        with self.paramiko() as c:
            ch = c.session()
            with self.assertRaises(paramiko.SSHException):
                ch.get_pty()

    def test_shell_without_pty_still_runs(self):
        r = self.ssh(None, options=[("-T",)], input=b"echo shell-ran-$((1+1))\nexit 4\n")
        self.assertEqual(r.stdout, b"shell-ran-2\n", r.stderr)
        self.assertEqual(r.returncode, 4)


class TestNoShell(SessionTest):
    lines = ("allow pty",)

    def test_shell_request_is_refused(self):
        mark = self.d.mark()
        before = len(self.d.audit_records())
        r = self.ssh(None, options=[("-tt",)])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"shell request failed", r.stderr)
        self.assertLogged(r"shell denied user=%s reason=\"no rule allows shell" % self.user,
                          after=mark)
        recs = self.wait_audit(lambda x: x["event"] == "session-denied", after=before)
        self.assertEqual(recs[0]["type"], "shell", recs)

    def test_paramiko_invoke_shell_fails(self):
        import paramiko
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty()
            with self.assertRaises(paramiko.SSHException):
                ch.invoke_shell()
            # The connection goes on: a command still runs.
            ch = c.session()
            ch.exec_command("echo exec-ok")
            self.assertEqual(read_all(ch), b"exec-ok\n")
            self.assertEqual(exit_status(ch), 0)


# ---------------------------------------------------------------------------
# recordings


def read_cast(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:]]


class TestRecording(SessionTest):
    lines = ("allow shell", "allow pty", "record-sessions with-input")

    @classmethod
    def policy(cls, tmp):
        cls.recdir = os.path.join(tmp, "recordings")
        os.mkdir(cls.recdir, 0o700)
        return "recording-dir %s" % cls.recdir

    def setUp(self):
        for name in os.listdir(self.recdir):
            os.unlink(os.path.join(self.recdir, name))

    def casts(self):
        return sorted(n for n in os.listdir(self.recdir) if n.endswith(".cast"))

    def test_shell_session_is_recorded(self):
        before = len(self.d.audit_records())
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty(term="xterm", width=100, height=37)
            ch.invoke_shell()
            ch.send(b"echo rec-$((2+3))\n")
            read_until(ch, rb"rec-5\r\n")
            ch.resize_pty(width=90, height=30)
            ch.send(b"stty size\n")
            read_until(ch, rb"30 90\r\n")
            ch.send(b"exit\n")
            self.assertEqual(exit_status(ch), 0)
        self.wait_audit(lambda x: x["event"] == "session-end", after=before)
        casts = self.casts()
        self.assertEqual(len(casts), 1, casts)
        name = casts[0]
        self.assertRegex(name, r"^\d{8}T\d{6}Z-conn\d+-s1-%s\.cast$" % re.escape(self.user))
        path = os.path.join(self.recdir, name)
        st = os.stat(path)
        # rampartd's, 0640 (docs/policy.md): not the recorded user's to edit.
        self.assertEqual(st.st_mode & 0o777, 0o640, oct(st.st_mode))
        self.assertEqual(st.st_uid, os.geteuid())
        header, events = read_cast(path)
        self.assertEqual(header["version"], 2)
        self.assertEqual((header["width"], header["height"]), (100, 37))
        self.assertIsInstance(header["timestamp"], int)
        self.assertLess(abs(header["timestamp"] - time.time()), 120)
        self.assertEqual(header["env"]["TERM"], "xterm")
        self.assertEqual(header["env"]["SHELL"], self.pw.pw_shell)
        self.assertIn(self.user, header["title"])
        last = 0.0
        for ev in events:
            self.assertIsInstance(ev, list)
            self.assertEqual(len(ev), 3, ev)
            self.assertIsInstance(ev[0], float, ev)
            self.assertIn(ev[1], ("o", "i", "r"), ev)
            self.assertIsInstance(ev[2], str, ev)
            self.assertGreaterEqual(ev[0], last, ev)
            last = ev[0]
        output = "".join(e[2] for e in events if e[1] == "o")
        typed = "".join(e[2] for e in events if e[1] == "i")
        self.assertIn("rec-5", output)
        self.assertIn("30 90", output)
        self.assertIn(["r", "90x30"], [e[1:] for e in events])
        self.assertIn("echo rec-$((2+3))", typed)
        self.assertIn("exit", typed)
        starts = [x for x in self.d.audit_records()[before:] if x["event"] == "session-start"]
        self.assertEqual(len(starts), 1, starts)
        self.assertEqual(starts[0]["recording"], path)
        self.assertTrue(starts[0]["pty"])
        self.assertRegex(starts[0]["tty"], r"^/dev/pts/\d+$")

    def test_each_pty_session_gets_its_own_recording(self):
        r = self.ssh("echo one", options=[("-tt",)])
        self.assertEqual(r.returncode, 0, r.stderr)
        with self.paramiko() as c:
            for i in (1, 2):
                ch = c.session()
                ch.get_pty()
                ch.exec_command("echo second-conn-%d" % i)
                read_all(ch)
                self.assertEqual(exit_status(ch), 0)
        deadline = time.monotonic() + 10
        while len(self.casts()) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        casts = self.casts()
        self.assertEqual(len(casts), 3, casts)
        self.assertEqual(len([n for n in casts if "-s1-" in n]), 2, casts)
        self.assertEqual(len([n for n in casts if "-s2-" in n]), 1, casts)
        texts = []
        for n in casts:
            header, events = read_cast(os.path.join(self.recdir, n))
            texts.append("".join(e[2] for e in events if e[1] == "o"))
        self.assertTrue(any("second-conn-2" in t for t in texts), texts)

    def test_sessions_without_a_pty_are_not_recorded(self):
        r = self.ssh("echo no-pty")
        self.assertEqual(r.stdout, b"no-pty\n", r.stderr)
        self.assertEqual(self.casts(), [])

    def test_missing_recording_dir_refuses_the_session(self):
        hidden = self.recdir + ".away"
        os.rename(self.recdir, hidden)
        try:
            mark = self.d.mark()
            before = len(self.d.audit_records())
            r = self.ssh("echo should-not-run", options=[("-tt",)])
            self.assertNotIn(b"should-not-run", r.stdout)
            self.assertNotEqual(r.returncode, 0)
            self.assertLogged(r"exec denied user=%s .*reason=\"cannot create recording %s/"
                              % (self.user, re.escape(self.recdir)), after=mark)
            recs = self.wait_audit(lambda x: x["event"] == "session-denied", after=before)
            self.assertIn("recording", recs[0]["reason"])
        finally:
            os.rename(hidden, self.recdir)


class TestRecordingOutputOnly(SessionTest):
    lines = ("allow shell", "allow pty", "record-sessions yes")

    @classmethod
    def policy(cls, tmp):
        cls.recdir = os.path.join(tmp, "rec")
        os.mkdir(cls.recdir, 0o700)
        return "recording-dir %s" % cls.recdir

    def test_yes_records_output_and_resizes_but_not_input(self):
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty(width=80, height=24)
            ch.invoke_shell()
            ch.send(b"stty -echo; echo secret-$((3*3))\n")
            read_until(ch, rb"secret-9\r\n")
            ch.resize_pty(width=132, height=50)
            ch.send(b"exit\n")
            self.assertEqual(exit_status(ch), 0)
        deadline = time.monotonic() + 10
        while not os.listdir(self.recdir) and time.monotonic() < deadline:
            time.sleep(0.05)
        casts = os.listdir(self.recdir)
        self.assertEqual(len(casts), 1, casts)
        header, events = read_cast(os.path.join(self.recdir, casts[0]))
        self.assertEqual((header["width"], header["height"]), (80, 24))
        kinds = {e[1] for e in events}
        self.assertNotIn("i", kinds)
        self.assertIn(["r", "132x50"], [e[1:] for e in events])
        self.assertIn("secret-9", "".join(e[2] for e in events if e[1] == "o"))


class TestRecordingWithoutDir(SessionTest):
    lines = ("allow shell", "allow pty", "record-sessions yes")

    def test_pty_session_that_cannot_be_recorded_is_refused(self):
        mark = self.d.mark()
        before = len(self.d.audit_records())
        import paramiko
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty()
            with self.assertRaises(paramiko.SSHException):
                ch.invoke_shell()
        self.assertLogged(r"shell denied user=%s reason=\"the session must be recorded but "
                          r"no recording-dir is set\"" % self.user, after=mark)
        recs = self.wait_audit(lambda x: x["event"] == "session-denied", after=before)
        self.assertEqual(recs[0]["type"], "shell")
        self.assertIn("recording-dir", recs[0]["reason"])

    def test_openssh_shell_is_refused_too(self):
        r = self.ssh(None, options=[("-tt",)])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"shell request failed", r.stderr)

    def test_sessions_without_a_pty_still_run(self):
        r = self.ssh("echo unrecorded")
        self.assertEqual(r.stdout, b"unrecorded\n", r.stderr)
        self.assertEqual(r.returncode, 0)


@unittest.skipUnless(harness.is_root(), "needs root to run the daemon as another account")
class TestUnprivilegedSessions(SessionTest):
    """rampartd run as an ordinary account: ptys, resizes, sftp and
    recordings work without privileges too."""

    user_name = harness.TEST_USER
    run_as = harness.TEST_USER
    lines = ("allow shell", "allow pty", "allow subsystem sftp", "record-sessions with-input")

    @classmethod
    def policy(cls, tmp):
        cls.recdir = os.path.join(tmp, "rec")
        os.mkdir(cls.recdir, 0o700)
        return "recording-dir %s" % cls.recdir

    def test_pty_shell_resize_and_recording(self):
        self.assertLogged(r"running unprivileged")
        with self.paramiko() as c:
            ch = c.session()
            ch.get_pty(width=100, height=37)
            ch.invoke_shell()
            ch.send(b"tty; stty size\n")
            _, seen = read_until(ch, rb"/dev/pts/\d+\r\n37 100\r\n")
            ch.resize_pty(width=120, height=40)
            ch.send(b"stty size; exit 6\n")
            read_until(ch, rb"40 120\r\n")
            self.assertEqual(exit_status(ch), 6)
        deadline = time.monotonic() + 10
        while not os.listdir(self.recdir) and time.monotonic() < deadline:
            time.sleep(0.05)
        casts = os.listdir(self.recdir)
        self.assertEqual(len(casts), 1, casts)
        header, events = read_cast(os.path.join(self.recdir, casts[0]))
        self.assertEqual((header["width"], header["height"]), (100, 37))
        self.assertIn(["r", "120x40"], [e[1:] for e in events])
        self.assertIn("40 120", "".join(e[2] for e in events if e[1] == "o"))
        self.assertIn("exit 6", "".join(e[2] for e in events if e[1] == "i"))

    def test_sftp(self):
        data = os.urandom(50000)
        remote = os.path.join(self.tmp, "unpriv.bin")
        with self.paramiko() as c:
            sftp = c.t.open_sftp_client()
            sftp.get_channel().settimeout(20)
            with sftp.open(remote, "wb") as fh:
                fh.write(data)
            with sftp.open(remote, "rb") as fh:
                self.assertEqual(fh.read(), data)
            sftp.close()
        self.assertEqual(os.stat(remote).st_uid, self.pw.pw_uid)


# ---------------------------------------------------------------------------
# agent forwarding


class AgentRunning:
    """An ssh-agent the test starts (by PID) holding one key."""

    def __init__(self, key):
        self.dir = tempfile.mkdtemp(prefix="rampart-agent-test-")
        self.sock = os.path.join(self.dir, "agent.sock")
        self.proc = subprocess.Popen(["ssh-agent", "-D", "-a", self.sock],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.sock) and time.monotonic() < deadline:
            time.sleep(0.05)
        env = dict(os.environ, SSH_AUTH_SOCK=self.sock)
        subprocess.run(["ssh-add", "-q", key], env=env, check=True, timeout=20,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        self.env = env

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


class TestAgentForwarding(SessionTest):
    """ssh -A: the monitor makes a socket for the session, the user's own,
    in a directory of its own; processes reach the client's agent through
    it; both go away with the session."""

    user_name = harness.TEST_USER
    lines = ("allow exec", "allow agent")

    def setUp(self):
        self.agent = AgentRunning(self.d.client_key)

    def tearDown(self):
        self.agent.close()

    def ssh_A(self, command):
        cmd = self.d.ssh_cmd(user=self.user, options=["-A"]) + [command]
        return subprocess.run(cmd, env=self.agent.env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)

    def test_ssh_A_reaches_the_clients_agent(self):
        fp = subprocess.run(["ssh-keygen", "-l", "-f", self.d.client_key + ".pub"],
                            stdout=subprocess.PIPE, check=True, timeout=20).stdout.split()[1]
        r = self.ssh_A('echo "sock=$SSH_AUTH_SOCK"; stat -c "%a %U" "$SSH_AUTH_SOCK" '
                       '"$(dirname "$SSH_AUTH_SOCK")"; ssh-add -l; ssh-add -l')
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        sock = re.search(r"sock=(\S+)", out).group(1)
        self.assertTrue(sock.startswith("/tmp/rampart-agent-"), out)
        lines = out.splitlines()
        self.assertEqual(lines[1], "600 %s" % self.user)
        self.assertEqual(lines[2], "700 %s" % self.user)
        # Two agent connections in one session, each its own channel.
        self.assertEqual(out.count(fp.decode()), 2, out)
        # Gone with the session.
        deadline = time.monotonic() + 10
        while os.path.exists(os.path.dirname(sock)) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(os.path.exists(os.path.dirname(sock)))

    def test_a_signature_through_the_forwarded_agent(self):
        # The agent signs for a process on the bastion: ssh-keygen -Y sign
        # asks it through SSH_AUTH_SOCK with only the public key on disk.
        pub = os.path.join(self.tmp, "agent-key.pub")
        shutil.copy(self.d.client_key + ".pub", pub)
        os.chmod(pub, 0o644)
        r = self.ssh_A("echo payload > %s/msg && ssh-keygen -q -Y sign -n test -f %s %s/msg "
                       "&& head -1 %s/msg.sig" % (self.tmp, pub, self.tmp, self.tmp))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"BEGIN SSH SIGNATURE", r.stdout)

    def test_without_A_there_is_no_socket(self):
        cmd = self.d.ssh_cmd(user=self.user) + ['echo "sock=$SSH_AUTH_SOCK"']
        r = subprocess.run(cmd, env=self.agent.env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), b"sock=")


class TestAgentNotAllowed(SessionTest):
    """Without `allow agent` the request is refused (the session still
    runs, without SSH_AUTH_SOCK), and the refusal is audited."""

    user_name = harness.TEST_USER
    lines = ("allow exec",)

    def test_refused_and_audited(self):
        agent = AgentRunning(self.d.client_key)
        try:
            before = len(self.d.audit_records())
            cmd = self.d.ssh_cmd(user=self.user, options=["-A"]) + ['echo "sock=$SSH_AUTH_SOCK"']
            r = subprocess.run(cmd, env=agent.env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        finally:
            agent.close()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), b"sock=")
        recs = self.wait_audit(lambda x: x["event"] == "session-denied" and x["type"] == "agent",
                               after=before)
        self.assertIn("no rule allows agent", recs[0]["reason"])


class TestMaxSessionsPerUser(SessionTest):
    """max-sessions counts the user's sessions on every connection: a
    second connection cannot get around it, and the slot comes back when
    the session ends."""

    user_name = harness.TEST_USER
    lines = ("allow exec", "max-sessions 1")

    def test_second_connection_refused_until_the_first_session_ends(self):
        before = len(self.d.audit_records())
        first = subprocess.Popen(self.d.ssh_cmd(user=self.user) + ["echo started; sleep 30"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        try:
            self.assertEqual(first.stdout.readline(), b"started\n")
            r = self.ssh("echo second")
            self.assertNotEqual(r.returncode, 0)
            self.assertNotIn(b"second", r.stdout)
            rec = self.wait_audit(lambda x: x["event"] == "session-denied", after=before)[0]
            self.assertIn("max-sessions (1) reached", rec["reason"])
        finally:
            first.terminate()
            first.wait(20)
        # The first connection's session is gone with it (hung up); a new
        # one runs.
        deadline = time.monotonic() + 20
        while True:
            r = self.ssh("echo third")
            if r.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(r.stdout, b"third\n", r.stderr)

"""tests/integration/harness.py: start a real rampartd on loopback and drive it.

Every daemon listens on 127.0.0.1 port 0 (the kernel picks a free port; the
daemon logs it), lives in its own temporary directory, and is stopped by PID
at the end. Every wait is bounded.
"""

import hashlib
import os
import pwd
import resource
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

TEST_USER = "rampart-test"
WORKER_USER = "rampart"
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def is_root():
    return os.geteuid() == 0


def ensure_account(name, system):
    """Create a local account for the tests (root only). Idempotent."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    if system:
        cmd = ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
               "--shell", "/usr/sbin/nologin", name]
    else:
        cmd = ["useradd", "--create-home", "--shell", "/bin/sh", name]
    subprocess.run(cmd, check=True, timeout=30)
    return pwd.getpwnam(name)


def ssh_keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", path],
                   check=True, timeout=30, stdin=subprocess.DEVNULL)
    with open(path + ".pub") as f:
        return f.read().strip()


class Daemon:
    """One rampartd with its own keys, policy and log."""

    def __init__(self, build, users=None, extra_policy="", worker=None, run_as=None,
                 grace=None, max_auth_tries=None, nofile=None, penalties=False,
                 admission="admit from 127.0.0.0/8 ::1", audit_path=None):
        self.build = os.path.abspath(build)
        self.dir = tempfile.mkdtemp(prefix="rampart-it-")
        os.chmod(self.dir, 0o755)
        self.lines = []
        self.lock = threading.Lock()
        self.proc = None
        self.port = None
        self.worker = worker
        self.run_as = run_as
        self.nofile = nofile
        self.hostkey = os.path.join(self.dir, "host_ed25519")
        subprocess.run([os.path.join(self.build, "rampartctl"), "keygen", "-t", "ed25519",
                        "-f", self.hostkey, "-C", "test-host"], check=True, timeout=30,
                       stdout=subprocess.DEVNULL)
        self.client_key = os.path.join(self.dir, "client_ed25519")
        self.client_pub = ssh_keygen(self.client_key)
        # users: {name: {"allow_exec": bool}}; default: the login user.
        if users is None:
            users = {self.default_user(): {"allow_exec": True}}
        self.users = users
        self.control = os.path.join(self.dir, "control.sock")
        self.audit = audit_path or os.path.join(self.dir, "audit.jsonl")
        policy = ["listen 127.0.0.1:0", "host-key %s" % self.hostkey,
                  "control-socket %s" % self.control, "audit-log %s" % self.audit]
        if admission:
            policy.append(admission)
        # Concurrency tests open many connections at once: OpenSSH's default
        # 10:30:100 would refuse some at random. TestMaxStartups checks it.
        if "max-startups" not in extra_policy:
            policy.append("max-startups 500")
        if not penalties:
            # Tests fail logins on purpose; penalties would then refuse the
            # next test's connections. TestPenalties turns them on.
            policy.append("penalties off")
        if grace:
            policy.append("login-grace-time %s" % grace)
        if max_auth_tries:
            policy.append("max-auth-tries %d" % max_auth_tries)
        policy.append(extra_policy)
        for name, opts in users.items():
            policy.append("user %s {" % name)
            policy.append('    authorized-key "%s"' % self.client_pub)
            if opts.get("allow_login", True):
                policy.append("    allow login")
            if opts.get("allow_exec", True):
                policy.append("    allow exec")
            for line in opts.get("lines", ()):
                policy.append("    " + line)
            policy.append("}")
        self.policy = os.path.join(self.dir, "rampart.conf")
        with open(self.policy, "w") as f:
            f.write("\n".join(policy) + "\n")
        with open(self.hostkey + ".pub") as f:
            self.host_pub = " ".join(f.read().split()[:2])
        if run_as:
            pw = pwd.getpwnam(run_as)
            for root, dirs, files in os.walk(self.dir):
                for name in dirs + files:
                    os.chown(os.path.join(root, name), pw.pw_uid, pw.pw_gid)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)

    def default_user(self):
        if self.run_as:
            return self.run_as
        return pwd.getpwuid(os.geteuid()).pw_name

    # -- lifecycle -----------------------------------------------------------

    def start(self, expect_fail=False):
        cmd = [os.path.join(self.build, "rampartd"), "-f", self.policy, "-d"]
        if self.worker:
            cmd += ["-W", self.worker]
        pw = pwd.getpwnam(self.run_as) if self.run_as else None
        nofile = self.nofile

        def preexec():
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
            if pw:
                os.setgroups([])
                os.setgid(pw.pw_gid)
                os.setuid(pw.pw_uid)
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, errors="replace",
                                     preexec_fn=preexec, cwd=self.dir, env=env)
        threading.Thread(target=self._reader, daemon=True).start()
        if expect_fail:
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.stop()
                raise AssertionError("rampartd did not refuse to start")
            time.sleep(0.2)
            return self.proc.returncode
        m = self.wait_log(r"listening on 127\.0\.0\.1:(\d+)", timeout=30)
        self.port = int(m.group(1))
        self.known_hosts = os.path.join(self.dir, "known_hosts")
        with open(self.known_hosts, "w") as f:
            f.write("[127.0.0.1]:%d %s\n" % (self.port, self.host_pub))
        return 0

    def _reader(self):
        for line in self.proc.stderr:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def stop(self):
        """Stop our daemon (by PID) and return its log."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        time.sleep(0.1)
        return self.log()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        with self.lock:
            return "\n".join(self.lines)

    def sanitizer_reports(self):
        return [l for l in self.log().splitlines() if any(m in l for m in SANITIZER_MARKERS)]

    def wait_log(self, pattern, timeout=10, after=0):
        """Wait for a log line matching pattern (regex); return the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                lines = list(self.lines[after:])
            for line in lines:
                m = rx.search(line)
                if m:
                    return m
            if self.proc.poll() is not None and time.monotonic() > deadline - timeout + 1:
                with self.lock:
                    lines = list(self.lines[after:])
                for line in lines:
                    m = rx.search(line)
                    if m:
                        return m
                break
            time.sleep(0.05)
        raise AssertionError("no log line matching %r within %ss; log:\n%s"
                             % (pattern, timeout, self.log()))

    def ctl(self, *args, json_out=False, timeout=30):
        """Run rampartctl against this daemon's control socket."""
        cmd = [os.path.join(self.build, "rampartctl")] + list(args) + ["-s", self.control]
        if json_out:
            cmd.append("--json")
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout, text=True, stdin=subprocess.DEVNULL)

    def audit_records(self):
        """Every line of the audit log, parsed (each must be valid JSON)."""
        import json
        if not os.path.exists(self.audit):
            return []
        with open(self.audit, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def mark(self):
        with self.lock:
            return len(self.lines)

    # -- clients -------------------------------------------------------------

    def ssh_cmd(self, user=None, key=None, options=()):
        cmd = ["ssh", "-F", "/dev/null", "-p", str(self.port),
               "-i", key or self.client_key,
               "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
               "-o", "UserKnownHostsFile=%s" % self.known_hosts,
               "-o", "StrictHostKeyChecking=yes", "-o", "LogLevel=ERROR",
               "-o", "ConnectTimeout=20"]
        for o in options:
            cmd += list(o) if isinstance(o, (list, tuple)) else [o]
        cmd.append("%s@127.0.0.1" % (user or self.default_user()))
        return cmd

    def ssh(self, command, user=None, key=None, options=(), input=None, timeout=60):
        cmd = self.ssh_cmd(user, key, options)
        if command is not None:
            cmd.append(command)
        return subprocess.run(cmd, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout,
                              stdin=None if input is not None else subprocess.DEVNULL)

    def ssh_background(self, command, **kw):
        """ssh running COMMAND, not waited for: the caller ends it (by PID).
        Keywords as for ssh_cmd."""
        return subprocess.Popen(self.ssh_cmd(**kw) + [command], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)

    def raw_connect(self, first_bytes, timeout=10):
        """Send raw bytes; return everything received until the server closes."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        received = b""
        try:
            s.sendall(first_bytes)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    raise AssertionError("server kept the connection open for %ss" % timeout)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                received += chunk
            else:
                raise AssertionError("server kept the connection open for %ss" % timeout)
        finally:
            s.close()
        return received


def sha256(data):
    return hashlib.sha256(data).hexdigest()

#!/usr/bin/python3
"""tests/bench/run.py: OpenSSH's sshd, Dropbear and rampartd side by side.

    sudo tests/bench/run.py --build build [--runs 3] [--size BYTES] [--idle 100]
        [--many 500] [--smoke] [--only WORKLOAD...] [--servers SERVER...]
        [--kex NAME] [--out bench/results/latest.json]

Starts the three servers on loopback ports with comparable settings (ed25519
host key, one client key, public-key authentication only, no PAM, privilege
separation where the server has it, rampartd as root), drives them with
Debian's OpenSSH client, prints one table (rows: workloads; columns: sshd,
dropbear, rampart and rampart/sshd) and writes every raw sample as JSON.
docs/bench.md says what each row means and how CPU and PSS are measured.

Workloads (--only): bulk, forward, connect, memory, many.

Rules it keeps: everything listens on and connects to 127.0.0.1 only; every
loop is bounded in count and time and every subprocess and socket has a
timeout; it ends only processes it started, by PID; it never touches the
system's sshd or /etc/ssh, nor any real user's ~/.ssh (the servers log in
the dedicated account rampart-bench, created if missing, and left in place).
Python standard library only.
"""

import argparse
import collections
import datetime
import fcntl
import json
import os
import platform
import pwd
import re
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOOPBACK = "127.0.0.1"
BENCH_USER = "rampart-bench"
BENCH_HOME = "/home/rampart-bench"
WORKER_USER = "rampart"            # rampartd's default worker-user
SSH = "/usr/bin/ssh"
SSHD = "/usr/sbin/sshd"
DROPBEAR = "/usr/sbin/dropbear"
DROPBEARCONVERT = "/usr/bin/dropbearconvert"
NOFILE = 65536
GB = 1e9                           # CPU per GB and MB/s use decimal units
MB = 1e6
MIB = 1 << 20
CLK_TCK = os.sysconf("SC_CLK_TCK")
F_SETPIPE_SZ = 1031

SERVERS = ("sshd", "dropbear", "rampart")
WORKLOADS = ("bulk", "forward", "connect", "memory", "many")
# (id, cipher, mac): the bulk benchmark's three settings.
CIPHERS = (("aes128-gcm", "aes128-gcm@openssh.com", None),
           ("chacha20-poly1305", "chacha20-poly1305@openssh.com", None),
           ("aes128-ctr+hmac-sha2-256-etm", "aes128-ctr", "hmac-sha2-256-etm@openssh.com"))
FORWARD_CIPHER = ("chacha20-poly1305", "chacha20-poly1305@openssh.com", None)
CONCURRENCY = 4
# A key exchange cheap for the client too: with the client's default
# (sntrup761x25519 in OpenSSH 9.2) the client's own key generation bounds
# connection rates and latency, hiding the servers' differences.
CHEAP_KEX = "curve25519-sha256"
NOTE_MIN_BYTES = 256 * MIB         # transfers long enough for client notes
# The bulk rows' session commands end with this: the session's shell prints
# its own and its children's CPU time (POSIX `times`) on stderr, so each
# run also gives the server's CPU without the session command's.
SESSION_TIMES = "; times >&2"


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# --- processes we started ---------------------------------------------------

_live = set()
_live_lock = threading.Lock()


def spawn(cmd, **kw):
    """Popen, remembered until reaped so cleanup can end it by PID."""
    p = subprocess.Popen(cmd, **kw)
    with _live_lock:
        _live.add(p)
    return p


def reap(p, timeout=15):
    """Wait for a process we started; SIGKILL it (by PID) when it overstays."""
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(timeout=15)
    for f in (p.stdin, p.stdout, p.stderr):
        if f is not None:
            try:
                f.close()
            except OSError:
                pass
    with _live_lock:
        _live.discard(p)
    return p.returncode


def end(p, timeout=10):
    """SIGTERM a process we started, then reap it."""
    if p.poll() is None:
        try:
            p.terminate()
        except OSError:
            pass
    return reap(p, timeout)


def end_processes(procs):
    """Terminate every process of ours still running, then reap them all."""
    for p in procs:
        if p.poll() is None:
            try:
                p.terminate()
            except OSError:
                pass
    for p in procs:
        reap(p, 10)


def end_all_clients():
    with _live_lock:
        procs = list(_live)
    end_processes(procs)


class Watchdog:
    """Kill one process (by PID) if it is still running after SECONDS."""

    def __init__(self, proc, seconds):
        self.proc = proc
        self.fired = False
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self):
        if self.proc.poll() is None:
            self.fired = True
            try:
                self.proc.kill()
            except OSError:
                pass

    def cancel(self):
        self.timer.cancel()


def run(cmd, timeout=60, check=False, **kw):
    """subprocess.run through spawn(), so that the child is known as ours."""
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    p = spawn(cmd, **kw)
    try:
        out, err = p.communicate(timeout=timeout)
    except BaseException:
        p.kill()
        reap(p)
        raise
    rc = reap(p)
    if check and rc != 0:
        raise subprocess.CalledProcessError(rc, cmd, out, err)
    return subprocess.CompletedProcess(cmd, rc, out, err)


# --- /proc: CPU, PSS and process trees ---------------------------------------

def read_stat(pid):
    """(ppid, utime+stime, cutime+cstime, state): times in clock ticks."""
    with open("/proc/%d/stat" % pid, "rb") as f:
        data = f.read()
    fields = data[data.rindex(b")") + 2:].split()
    # fields[0] is field 3 (state) of proc(5): ppid 4, utime 14 ... cstime 17.
    return (int(fields[1]), int(fields[11]) + int(fields[12]),
            int(fields[13]) + int(fields[14]), fields[0])


def process_table():
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                table[int(name)] = read_stat(int(name))
            except (OSError, ValueError, IndexError):
                pass
    return table


def process_tree(top, table=None):
    """The PIDs of top and all its live descendants, and the table read."""
    if table is None:
        table = process_table()
    children = collections.defaultdict(list)
    for pid, (ppid, _, _, _) in table.items():
        children[ppid].append(pid)
    out, stack = ([], [top]) if isinstance(top, int) else ([], list(top))
    while stack and len(out) < 100000:
        pid = stack.pop()
        if pid in table:
            out.append(pid)
            stack.extend(children[pid])
    return out, table


# Orphans. A server process whose parent exits without wait()ing for it is
# re-parented, and its CPU time never reaches the server's cutime: OpenSSH's
# per-connection monitor exits as soon as its post-authentication child (the
# one that moves the data) closes the monitor socket, without reaping it.
# The harness makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER),
# so such orphans become its children; it counts them towards the server
# being measured (one server is measured at a time) and reaps them itself,
# by PID, reading their final times first.
PR_SET_CHILD_SUBREAPER = 36
_orphan_ticks = collections.defaultdict(int)


def become_subreaper():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise BenchError("prctl(PR_SET_CHILD_SUBREAPER): %s" % os.strerror(ctypes.get_errno()))


def orphan_roots(table):
    """Our children that we did not start: server processes re-parented here."""
    me = os.getpid()
    with _live_lock:
        ours = {p.pid for p in _live}
    return [pid for pid, (ppid, _, _, _) in table.items() if ppid == me and pid not in ours]


def reap_orphans(table, server):
    """Reap zombie orphans, adding their final CPU to SERVER's account.
    Returns the PIDs of orphans still running."""
    running = []
    for pid in orphan_roots(table):
        _, own, children, state = table[pid]
        if state != b"Z":
            running.append(pid)
            continue
        try:
            got, _, _ = os.wait4(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        if got == pid:
            _orphan_ticks[server] += own + children
    return running


def cpu_busy(seconds=1.0):
    """Shares of all CPUs (busy, busy at a positive nice value) over SECONDS,
    from /proc/stat, before we start."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4], v[1]  # total, idle + iowait, nice
    t0, i0, n0 = snap()
    time.sleep(seconds)
    t1, i1, n1 = snap()
    total = max(1, t1 - t0)
    return 1 - (i1 - i0) / total, (n1 - n0) / total


def busy_processes():
    """Other processes using CPU right now (name, %), for the record."""
    a = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                a[int(pid)] = read_stat(int(pid))[1]
            except (OSError, ValueError, IndexError):
                pass
    time.sleep(0.5)
    out = []
    for pid, t in a.items():
        try:
            d = read_stat(pid)[1] - t
            with open("/proc/%d/comm" % pid) as f:
                comm = f.read().strip()
        except (OSError, ValueError, IndexError):
            continue
        if d / CLK_TCK / 0.5 >= 0.1 and pid != os.getpid():
            out.append({"pid": pid, "comm": comm, "cpu_share": round(d / CLK_TCK / 0.5, 2)})
    return out


def client_cpu():
    """CPU seconds of the harness's reaped children other than orphans: the
    ssh clients (for the record: it shows when the client is the limit)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime - sum(_orphan_ticks.values()) / CLK_TCK


def session_cpu(stderr):
    """CPU seconds the session's shell reported with `times` (its own and
    its children's, user and system), or None when it is not there."""
    v = re.findall(r"(\d+)m(\d+(?:\.\d+)?)s", stderr)
    if len(v) < 4:
        return None
    return sum(int(m) * 60 + float(sec) for m, sec in v[-4:])


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0   # a zombie, or gone


def set_pipe_size(f, size=MIB):
    try:
        fcntl.fcntl(f.fileno(), F_SETPIPE_SZ, size)
    except OSError:
        pass


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]
    finally:
        s.close()


def listening(port):
    """Is something listening on 127.0.0.1:port (from /proc/net/tcp)?"""
    want = "0100007F:%04X" % port
    try:
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                parts = line.split()
                if len(parts) > 3 and parts[1] == want and parts[3] == "0A":
                    return True
    except OSError:
        pass
    return False


# --- accounts and keys --------------------------------------------------------

def ensure_accounts():
    try:
        pwd.getpwnam(WORKER_USER)
    except KeyError:
        run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
             "--shell", "/usr/sbin/nologin", WORKER_USER], check=True, timeout=30)
    try:
        pw = pwd.getpwnam(BENCH_USER)
    except KeyError:
        run(["useradd", "--create-home", "--home-dir", BENCH_HOME, "--shell", "/bin/sh",
             BENCH_USER], check=True, timeout=30)
        pw = pwd.getpwnam(BENCH_USER)
    # useradd leaves the password "!": a locked account, which sshd (without
    # PAM) and Dropbear refuse even for public keys. "*": no password at all.
    r = run(["getent", "shadow", BENCH_USER], timeout=30, text=True)
    fields = r.stdout.strip().split(":")
    if len(fields) > 1 and fields[1].startswith("!"):
        run(["usermod", "-p", "*", BENCH_USER], check=True, timeout=30)
    if not os.path.isdir(pw.pw_dir):
        os.makedirs(pw.pw_dir, 0o755)
        os.chown(pw.pw_dir, pw.pw_uid, pw.pw_gid)
    return pw


def install_authorized_key(pw, pub):
    """The benchmark account's own ~/.ssh/authorized_keys (all three servers)."""
    d = os.path.join(pw.pw_dir, ".ssh")
    os.makedirs(d, 0o700, exist_ok=True)
    os.chown(d, pw.pw_uid, pw.pw_gid)
    os.chmod(d, 0o700)
    path = os.path.join(d, "authorized_keys")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(pub + "\n")
    os.chown(tmp, pw.pw_uid, pw.pw_gid)
    os.chmod(tmp, 0o600)
    os.rename(tmp, path)
    return path


def ssh_keygen(path, comment):
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path],
        check=True, timeout=30)
    with open(path + ".pub") as f:
        return " ".join(f.read().split()[:2])


# --- servers --------------------------------------------------------------------

def raise_nofile():
    """In the server's child before exec: NOFILE descriptors, or as many as
    the hard limit allows where raising it is not permitted (containers
    without CAP_SYS_RESOURCE)."""
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))
    except (ValueError, OSError):
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Server:
    """One server under test: started, probed, measured, stopped by PID."""

    def __init__(self, name, work):
        self.name = name
        self.work = work
        self.port = None
        self.proc = None
        self.lines = collections.deque(maxlen=200)
        self.base_procs = 1
        self.negotiated = {}

    def command(self):
        raise NotImplementedError

    def start(self):
        self.port = free_port()
        cmd = self.command()
        self.proc = spawn(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, preexec_fn=raise_nofile, cwd=self.work,
                          start_new_session=True)
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                time.sleep(0.2)
                raise BenchError("%s exited with status %s:\n%s"
                                 % (self.name, self.proc.returncode, self.log()))
            if self._banner():
                self.settle()
                self.base_procs = self.procs()
                return
            time.sleep(0.1)
        raise BenchError("%s did not answer on port %d within 30s:\n%s"
                         % (self.name, self.port, self.log()))

    def _drain(self):
        for line in self.proc.stderr:
            self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))

    def _banner(self):
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=5) as s:
                return s.recv(64).startswith(b"SSH-")
        except OSError:
            return False

    def log(self):
        return "\n".join(self.lines)

    def stop(self):
        if self.proc is not None:
            end(self.proc, 15)

    # Measurements over the whole process tree.
    def cpu(self):
        """Server CPU seconds so far: utime+stime+cutime+cstime over the tree,
        over its orphans still running, and of the orphans reaped so far."""
        table = process_table()
        pids, _ = process_tree(self.proc.pid, table)
        ticks = sum(table[p][1] + table[p][2] for p in pids)
        running = reap_orphans(table, self.name)
        if running:
            opids, _ = process_tree(running, table)
            ticks += sum(table[p][1] + table[p][2] for p in opids)
        return (ticks + _orphan_ticks[self.name]) / CLK_TCK

    def procs(self, table=None):
        return len(process_tree(self.proc.pid, table)[0])

    def pss(self):
        pids, _ = process_tree(self.proc.pid)
        return sum(pss_kib(p) for p in pids), len(pids)

    def settle(self, timeout=20):
        """Wait (bounded) until only the idle server is left: every connection's
        processes have exited and been reaped, so their CPU is in cutime."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError("%s died:\n%s" % (self.name, self.log()))
            table = process_table()
            if self.procs(table) <= self.base_procs and not reap_orphans(table, self.name):
                return True
            time.sleep(0.02)
        log("%s: still %d processes after %ds (idle: %d)"
            % (self.name, self.procs(), timeout, self.base_procs))
        return False

    def stable(self, timeout=20, quiet=0.5):
        """Wait (bounded) until the process count stops changing for QUIET s."""
        deadline = time.monotonic() + timeout
        last, since = self.procs(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            n = self.procs()
            if n != last:
                last, since = n, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return n
        return last


class Sshd(Server):
    def __init__(self, work, hostkey, authorized_keys):
        super().__init__("sshd", work)
        self.hostkey = hostkey
        self.authorized_keys = authorized_keys

    def command(self):
        os.makedirs("/run/sshd", 0o755, exist_ok=True)   # its privsep chroot
        conf = os.path.join(self.work, "sshd_config")
        lines = ["Port %d" % self.port,
                 "ListenAddress %s" % LOOPBACK,
                 "HostKey %s" % self.hostkey,
                 "PidFile %s" % os.path.join(self.work, "sshd.pid"),
                 "PubkeyAuthentication yes",
                 "PasswordAuthentication no",
                 "KbdInteractiveAuthentication no",
                 "UsePAM no",
                 "AuthorizedKeysFile %s" % self.authorized_keys,
                 "AuthorizedPrincipalsFile none",
                 "StrictModes no",
                 "AllowUsers %s" % BENCH_USER,
                 "PermitRootLogin no",
                 "MaxStartups 1000:30:1000",
                 "MaxSessions 10",
                 "LogLevel ERROR",
                 "UseDNS no",
                 "PrintMotd no",
                 "PrintLastLog no",
                 "X11Forwarding no",
                 "AllowTcpForwarding yes",
                 "PermitTTY yes",
                 "ClientAliveInterval 0"]
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        return [SSHD, "-D", "-e", "-f", conf]


class Dropbear(Server):
    def __init__(self, work, hostkey):
        super().__init__("dropbear", work)
        self.hostkey = os.path.join(work, "dropbear_ed25519")
        run([DROPBEARCONVERT, "openssh", "dropbear", hostkey, self.hostkey], check=True,
            timeout=30)

    def command(self):
        # -s: no passwords; -w: no root; -W: a 2 MiB receive window like the
        # other two (Dropbear's default is 24 KiB); -P keeps the system's pid
        # file alone.
        return [DROPBEAR, "-F", "-E", "-s", "-w", "-W", str(2 * MIB),
                "-P", os.path.join(self.work, "dropbear.pid"),
                "-p", "%s:%d" % (LOOPBACK, self.port), "-r", self.hostkey]


class Rampart(Server):
    def __init__(self, work, build, hostkey, client_pub):
        super().__init__("rampart", work)
        self.build = build
        self.hostkey = hostkey
        self.client_pub = client_pub
        self.policy = os.path.join(work, "rampart.conf")

    def command(self):
        lines = ["listen %s:%d" % (LOOPBACK, self.port),
                 "host-key %s" % self.hostkey,
                 "control-socket %s" % os.path.join(self.work, "control.sock"),
                 "audit-log %s" % os.path.join(self.work, "audit.jsonl"),
                 "admit from 127.0.0.0/8",
                 "max-startups 1000",
                 "max-connections 2000",
                 "penalties off",
                 "log-level error",
                 "user %s {" % BENCH_USER,
                 '    authorized-key "%s"' % self.client_pub,
                 "    allow login",
                 "    allow exec",
                 "    allow pty",
                 "    allow forward 127.0.0.1:*",
                 "}"]
        with open(self.policy, "w") as f:
            f.write("\n".join(lines) + "\n")
        r = run([os.path.join(self.build, "rampartctl"), "check", "-f", self.policy],
                timeout=30, text=True)
        if r.returncode != 0:
            raise BenchError("rampartctl check refused the policy:\n%s%s"
                             % (r.stdout, r.stderr))
        return [os.path.join(self.build, "rampartd"), "-f", self.policy]


# --- the client -----------------------------------------------------------------

class Client:
    def __init__(self, key, known_hosts, kex=None):
        self.key = key
        self.known_hosts = known_hosts
        self.kex = kex

    def cmd(self, srv, command=None, cipher=None, mac=None, extra=(), loglevel="ERROR"):
        c = [SSH, "-F", "/dev/null", "-i", self.key,
             "-o", "IdentitiesOnly=yes",
             "-o", "UserKnownHostsFile=%s" % self.known_hosts,
             "-o", "GlobalKnownHostsFile=/dev/null",
             "-o", "StrictHostKeyChecking=yes",
             "-o", "BatchMode=yes",
             "-o", "LogLevel=%s" % loglevel,
             "-o", "Compression=no",
             "-o", "ConnectTimeout=20",
             "-o", "UpdateHostKeys=no",
             "-o", "ControlMaster=no",
             "-o", "ControlPath=none",
             "-p", str(srv.port)]
        if self.kex:
            c += ["-o", "KexAlgorithms=%s" % self.kex]
        if cipher:
            c += ["-c", cipher]
        if mac:
            c += ["-m", mac]
        c += list(extra)
        c.append("%s@%s" % (BENCH_USER, LOOPBACK))
        if command is not None:
            c.append(command)
        return c


def parse_negotiated(stderr):
    out = {}
    for line in stderr.splitlines():
        line = line.strip()
        for key, marker in (("kex", "kex: algorithm: "),
                            ("hostkey", "kex: host key algorithm: ")):
            if marker in line:
                out[key] = line.split(marker, 1)[1].strip()
        if "kex: server->client cipher: " in line:
            rest = line.split("kex: server->client cipher: ", 1)[1].split()
            out["cipher"] = rest[0]
            if "MAC:" in rest:
                out["mac"] = rest[rest.index("MAC:") + 1]
    return out


# --- a loopback TCP sink for the forwarding workload ---------------------------

class Sink:
    """Accepts on 127.0.0.1, reads each connection to EOF, counts bytes."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((LOOPBACK, 0))
        self.sock.listen(64)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.cond = threading.Condition()
        self.done = []        # (bytes, t_first, t_eof) per finished connection
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._one, args=(c,), daemon=True).start()

    def _one(self, c):
        buf = bytearray(MIB)
        n, first = 0, None
        c.settimeout(300)
        deadline = time.monotonic() + 3600
        try:
            while time.monotonic() < deadline:
                k = c.recv_into(buf)
                if not k:
                    break
                if first is None:
                    first = time.monotonic()
                n += k
        except OSError:
            pass
        finally:
            c.close()
        with self.cond:
            self.done.append((n, first, time.monotonic()))
            self.cond.notify_all()

    def reset(self):
        with self.cond:
            self.done = []

    def wait(self, count, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.done) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(left)
            return list(self.done)

    def close(self):
        self.stopping = True
        self.sock.close()


# --- results --------------------------------------------------------------------

class Results:
    def __init__(self):
        self.rows = collections.OrderedDict()
        self.raw = []
        self.errors = []

    def define(self, rid, label, unit, better, target=None):
        if rid not in self.rows:
            self.rows[rid] = {"id": rid, "label": label, "unit": unit, "better": better,
                              "target": target,
                              "samples": {s: [] for s in SERVERS},
                              "na": {}, "err": {}}

    def add(self, rid, server, value):
        self.rows[rid]["samples"][server].append(value)

    def na(self, rid, server, why):
        self.rows[rid]["na"][server] = why

    def error(self, rid, server, why):
        self.rows[rid]["err"][server] = why
        self.errors.append({"row": rid, "server": server, "error": why})

    def sample(self, **kw):
        self.raw.append(kw)


def summary(values):
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def fmt(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 1000:
        return "%.0f" % v
    if a >= 100:
        return "%.1f" % v
    if a >= 10:
        return "%.2f" % v
    if a >= 1:
        return "%.3f" % v
    return "%.4f" % v


def evaluate(row, stats):
    """Fill row["ratio"] and row["verdict"] from the medians and the target."""
    s, r = stats.get("sshd"), stats.get("rampart")
    row["ratio"] = (r["median"] / s["median"]) if (s and r and s["median"]) else None
    t = row["target"]
    if not t:
        row["verdict"] = None
        return
    if r is None or row["ratio"] is None:
        row["verdict"] = "?"
        return
    ok = True
    if "ratio_min" in t:
        ok &= row["ratio"] >= t["ratio_min"]
    if "ratio_max" in t:
        ok &= row["ratio"] <= t["ratio_max"]
    if t.get("abs_max") is not None:
        ok &= r["median"] <= t["abs_max"]
    row["verdict"] = "ok" if ok else "MISS"


def target_text(t):
    if not t:
        return ""
    parts = []
    if "ratio_min" in t:
        parts.append(">=%g" % t["ratio_min"])
    if "ratio_max" in t:
        parts.append("<=%.3g" % t["ratio_max"])
    if t.get("abs_max") is not None:
        parts.append("<=%s s/GB" % fmt(t["abs_max"]))
    return " & ".join(parts)


def render(results, servers):
    header = ["workload"] + list(SERVERS) + ["rampart/sshd", "target"]
    table = []
    for row in results.rows.values():
        stats = {s: summary(row["samples"][s]) for s in SERVERS}
        row["stats"] = stats
        evaluate(row, stats)
        cells = ["%s (%s)" % (row["label"], row["unit"])]
        for s in SERVERS:
            if s not in servers:
                cells.append("")
            elif s in row["err"]:
                cells.append("ERR")
            elif s in row["na"]:
                cells.append("n/a")
            elif stats[s] is None:
                cells.append("-")
            elif stats[s]["n"] == 1:
                cells.append(fmt(stats[s]["median"]))
            else:
                cells.append("%s (%s-%s)" % (fmt(stats[s]["median"]), fmt(stats[s]["min"]),
                                             fmt(stats[s]["max"])))
        cells.append("%.2fx" % row["ratio"] if row["ratio"] is not None else "-")
        tt = target_text(row["target"])
        cells.append("%s %s" % (tt, row["verdict"]) if tt else "")
        table.append(cells)
    widths = [max(len(r[i]) for r in table + [header]) for i in range(len(header))]
    out = []

    def line(cells):
        return "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i])
                         if i < len(cells) - 1 else c.ljust(widths[i])
                         for i, c in enumerate(cells)).rstrip()
    out.append(line(header))
    out.append("  ".join("-" * w for w in widths))
    for cells in table:
        out.append(line(cells))
    return "\n".join(out)


# --- the benchmark ------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.results = Results()
        self.servers = {}
        self.seal = {}
        self.session_cmds = {}
        self.work = None
        self.sink = None
        self.pw = None

    # Setup ---------------------------------------------------------------------
    def setup(self):
        self.pw = ensure_accounts()
        self.work = tempfile.mkdtemp(prefix="rampart-bench-")
        os.chmod(self.work, 0o755)
        hostkey = os.path.join(self.work, "host_ed25519")
        host_pub = ssh_keygen(hostkey, "bench-host")
        client_key = os.path.join(self.work, "client_ed25519")
        client_pub = ssh_keygen(client_key, "bench-client")
        akeys = install_authorized_key(self.pw, client_pub)
        known_hosts = os.path.join(self.work, "known_hosts")
        self.client = Client(client_key, known_hosts, self.args.kex)
        wanted = self.args.servers
        for name in wanted:
            d = os.path.join(self.work, name)
            os.makedirs(d, 0o755)
            if name == "sshd":
                srv = Sshd(d, hostkey, akeys)
            elif name == "dropbear":
                srv = Dropbear(d, hostkey)
            else:
                # rampartd reads OpenSSH's key format: the same host key.
                srv = Rampart(d, self.build, hostkey, client_pub)
            self.servers[name] = srv
        for srv in self.servers.values():
            srv.start()
            log("%s listening on %s:%d (pid %d)" % (srv.name, LOOPBACK, srv.port, srv.proc.pid))
        with open(known_hosts, "w") as f:
            for srv in self.servers.values():
                f.write("[%s]:%d %s\n" % (LOOPBACK, srv.port, host_pub))
        for srv in self.servers.values():
            r = run(self.client.cmd(srv, "true", loglevel="DEBUG1"), timeout=60, text=True)
            if r.returncode != 0:
                raise BenchError("%s: a first login failed (status %d):\n%s\nserver log:\n%s"
                                 % (srv.name, r.returncode, r.stderr[-3000:], srv.log()))
            srv.negotiated["default"] = parse_negotiated(r.stderr)
            srv.settle()
        self.sink = Sink()

    def cleanup(self):
        end_all_clients()
        for srv in self.servers.values():
            try:
                srv.stop()
            except Exception as e:  # keep cleaning up
                log("stopping %s: %s" % (srv.name, e))
        if self.sink:
            self.sink.close()
        if self.work:
            shutil.rmtree(self.work, ignore_errors=True)

    def seal_speed(self):
        prog = os.path.join(self.build, "tests", "seal-speed")
        if not os.access(prog, os.X_OK):
            log("no %s: the CPU-per-GB limit from raw seal speed is left out "
                "(make BUILD=%s %s)" % (prog, self.args.build, os.path.join(self.args.build,
                                                                             "tests/seal-speed")))
            return
        secs = "0.2" if self.args.smoke else "1"
        r = run([prog, secs], timeout=120, text=True)
        if r.returncode != 0:
            log("seal-speed failed: %s" % r.stderr.strip())
            return
        for line in r.stdout.splitlines():
            parts = line.split()
            if len(parts) < 3 or parts[0] != "seal":
                continue
            kv = dict(p.split("=", 1) for p in parts[3:] if "=" in p)
            mac = None if parts[2] == "-" else parts[2]
            for cid, cipher, cmac in CIPHERS:
                if cipher == parts[1] and cmac == mac:
                    self.seal[cid] = {"cipher": cipher, "mac": mac,
                                      "gbps": float(kv["gbps"]),
                                      "cpu_s_per_gb": float(kv["cpu_s_per_gb"]),
                                      "limit_cpu_s_per_gb": 2 * float(kv["cpu_s_per_gb"]),
                                      "packet": int(kv["packet"])}

    def cpu_target(self, cid):
        lim = self.seal.get(cid, {}).get("limit_cpu_s_per_gb")
        return {"ratio_max": 0.5, "abs_max": lim}

    def timeout_for(self, size):
        return 60 + size / (5 * MB)          # at least 5 MB/s, or it is a failure

    def each_server(self, rid_list, fn, *a):
        """Run one measurement per server, recording failures instead of stopping."""
        for name, srv in self.servers.items():
            if any(name in self.results.rows[rid]["na"] for rid in rid_list):
                continue
            try:
                fn(srv, *a)
            except (BenchError, OSError, subprocess.SubprocessError, ValueError) as e:
                msg = str(e).strip()
                log("%s: %s: %s" % (name, rid_list[0], msg[-2000:]))
                for rid in rid_list:
                    self.results.error(rid, name, msg[-2000:])
                try:
                    end_all_clients()
                    srv.settle()
                except BenchError as e2:
                    log(str(e2))

    # 1. Bulk ---------------------------------------------------------------------
    def probe_cipher(self, srv, cid, cipher, mac):
        r = run(self.client.cmd(srv, "true", cipher=cipher, mac=mac, loglevel="DEBUG1"),
                timeout=60, text=True)
        srv.settle()
        if r.returncode == 0:
            srv.negotiated[cid] = parse_negotiated(r.stderr)
            return None
        tail = [l for l in r.stderr.splitlines() if "no matching" in l or "Unable to negotiate"
                in l]
        if tail:
            return tail[-1].strip()
        raise BenchError("login with %s failed: %s" % (cid, r.stderr[-1000:]))

    def session_command_cost(self, size):
        """CPU per GB of the bulk rows' session commands on their own, with a
        pipe between them as a server has: part of every server's figure."""
        def reaped_cpu(p):
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            reap(p, self.timeout_for(size))
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            return (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
        out = {}
        for _ in range(2 if not self.args.smoke else 1):
            head = spawn(["/bin/sh", "-c", "head -c %d /dev/zero" % size],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
            cat = spawn(["/bin/sh", "-c", "cat > /dev/null"], stdin=head.stdout,
                        stdout=subprocess.DEVNULL)
            head.stdout.close()
            c_cat = reaped_cpu(cat)
            c_head = reaped_cpu(head)
            if head.returncode != 0 or cat.returncode != 0:
                log("session command calibration failed")
                return {}
            for k, v in (("head", c_head), ("cat", c_cat)):
                out[k] = min(out.get(k, v), v / (size / GB))
        return {"download_head_c_s_per_gb": out["head"], "upload_cat_s_per_gb": out["cat"]}

    def bulk(self):
        R, size = self.results, self.args.size
        self.session_cmds = self.session_command_cost(size)
        for cid, cipher, mac in CIPHERS:
            for d, what in (("down", "server->client"), ("up", "client->server")):
                R.define("bulk.%s.%s.mbps" % (cid, d), "bulk %s %s" % (what, cid), "MB/s",
                         "higher", {"ratio_min": 1.2})
                R.define("bulk.%s.%s.cpu" % (cid, d), "bulk %s %s server CPU" % (what, cid),
                         "s/GB", "lower", self.cpu_target(cid))
                R.define("bulk.%s.%s.own" % (cid, d), "  the same without the session command",
                         "s/GB", "lower", self.cpu_target(cid))
            for name, srv in self.servers.items():
                why = self.probe_cipher(srv, cid, cipher, mac)
                if why:
                    log("%s does not do %s: %s" % (name, cid, why))
                    for d in ("down", "up"):
                        for what in ("mbps", "cpu", "own"):
                            R.na("bulk.%s.%s.%s" % (cid, d, what), name, why)
        for run_no in range(self.args.runs):
            for cid, cipher, mac in CIPHERS:
                for d in ("down", "up"):
                    rids = ["bulk.%s.%s.%s" % (cid, d, what) for what in ("mbps", "cpu", "own")]
                    log("bulk %s %s, run %d/%d" % (cid, d, run_no + 1, self.args.runs))
                    self.each_server(rids, self.bulk_once, cid, cipher, mac, d, size, run_no)

    def bulk_once(self, srv, cid, cipher, mac, direction, size, run_no):
        srv.settle()
        c0 = srv.cpu()
        k0 = client_cpu()
        buf = bytearray(MIB)
        if direction == "down":
            cmd = self.client.cmd(srv, "head -c %d /dev/zero%s" % (size, SESSION_TIMES),
                                  cipher=cipher, mac=mac)
            t0 = time.monotonic()
            p = spawn(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                      stderr=subprocess.PIPE, bufsize=0)
            set_pipe_size(p.stdout)
            wd = Watchdog(p, self.timeout_for(size))
            got = 0
            try:
                while True:
                    k = p.stdout.readinto(buf)
                    if not k:
                        break
                    got += k
                err = p.stderr.read().decode("utf-8", "replace")
                rc = reap(p, 30)
                t1 = time.monotonic()
            finally:
                wd.cancel()
            if wd.fired or rc != 0 or got != size:
                raise BenchError("download: status %s, %d of %d bytes%s: %s"
                                 % (rc, got, size, " (timed out)" if wd.fired else "",
                                    err[-500:]))
        else:
            cmd = self.client.cmd(srv, "cat > /dev/null" + SESSION_TIMES, cipher=cipher, mac=mac)
            errf = tempfile.TemporaryFile(dir=self.work)
            t0 = time.monotonic()
            p = spawn(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errf,
                      bufsize=0)
            set_pipe_size(p.stdin)
            wd = Watchdog(p, self.timeout_for(size))
            mv = memoryview(buf)
            left = size
            try:
                while left > 0:
                    left -= p.stdin.write(mv[:min(left, MIB)])
                p.stdin.close()
            except (BrokenPipeError, OSError):
                pass
            finally:
                rc = reap(p, self.timeout_for(size))
                wd.cancel()
            t1 = time.monotonic()
            errf.seek(0)
            err = errf.read().decode("utf-8", "replace")
            errf.close()
            if wd.fired or rc != 0 or left > 0:
                raise BenchError("upload: status %s, %d of %d bytes unsent%s: %s"
                                 % (rc, left, size, " (timed out)" if wd.fired else "",
                                    err[-500:]))
        srv.settle()
        cpu = srv.cpu() - c0
        kcpu = client_cpu() - k0
        wall = t1 - t0
        R = self.results
        R.add("bulk.%s.%s.mbps" % (cid, direction), srv.name, size / MB / wall)
        R.add("bulk.%s.%s.cpu" % (cid, direction), srv.name, cpu / (size / GB))
        cmd_cpu = session_cpu(err)
        if cmd_cpu is None:
            R.error("bulk.%s.%s.own" % (cid, direction), srv.name,
                    "no `times` output from the session's shell: %r" % err[-200:])
        else:
            R.add("bulk.%s.%s.own" % (cid, direction), srv.name, (cpu - cmd_cpu) / (size / GB))
        R.sample(workload="bulk", cipher=cid, direction=direction, server=srv.name, run=run_no,
                 bytes=size, wall_s=wall, server_cpu_s=cpu, client_cpu_s=kcpu,
                 session_cpu_s=cmd_cpu)

    # 2. Forwarding ---------------------------------------------------------------
    def forward(self):
        R, size = self.results, self.args.size
        cid = FORWARD_CIPHER[0]
        for kind, what in (("L", "ssh -L"), ("W", "ssh -W")):
            R.define("forward.%s.mbps" % kind, "forward %s to TCP sink (%s)" % (what, cid),
                     "MB/s", "higher", {"ratio_min": 1.2})
            R.define("forward.%s.cpu" % kind, "forward %s server CPU" % what, "s/GB", "lower",
                     self.cpu_target(cid))
        for run_no in range(self.args.runs):
            for kind in ("L", "W"):
                log("forward -%s, run %d/%d" % (kind, run_no + 1, self.args.runs))
                self.each_server(["forward.%s.mbps" % kind, "forward.%s.cpu" % kind],
                                 self.forward_once, kind, size, run_no)

    def forward_once(self, srv, kind, size, run_no):
        srv.settle()
        self.sink.reset()
        c0 = srv.cpu()
        k0 = client_cpu()
        buf = memoryview(bytearray(MIB))
        limit = self.timeout_for(size)
        cipher, mac = FORWARD_CIPHER[1], FORWARD_CIPHER[2]
        if kind == "L":
            lport = free_port()
            cmd = self.client.cmd(srv, None, cipher=cipher, mac=mac,
                                  extra=["-N", "-o", "ExitOnForwardFailure=yes", "-L",
                                         "%s:%d:%s:%d" % (LOOPBACK, lport, LOOPBACK,
                                                          self.sink.port)])
            p = spawn(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE)
            try:
                deadline = time.monotonic() + 30
                while not listening(lport):
                    if p.poll() is not None:
                        raise BenchError("ssh -L exited: %s"
                                         % p.stderr.read().decode("utf-8", "replace")[-500:])
                    if time.monotonic() > deadline:
                        raise BenchError("ssh -L did not listen on %d within 30s" % lport)
                    time.sleep(0.01)
                t0 = time.monotonic()
                with socket.create_connection((LOOPBACK, lport), timeout=limit) as s:
                    left = size
                    while left > 0:
                        n = min(left, MIB)
                        s.sendall(buf[:n])
                        left -= n
                    s.shutdown(socket.SHUT_WR)
                    done = self.sink.wait(1, limit)
                    t1 = done[0][2] if done else time.monotonic()
            finally:
                end(p)
        else:
            cmd = self.client.cmd(srv, None, cipher=cipher, mac=mac,
                                  extra=["-W", "%s:%d" % (LOOPBACK, self.sink.port)])
            errf = tempfile.TemporaryFile(dir=self.work)
            t0 = time.monotonic()
            p = spawn(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errf,
                      bufsize=0)
            set_pipe_size(p.stdin)
            wd = Watchdog(p, limit)
            left = size
            try:
                while left > 0:
                    left -= p.stdin.write(buf[:min(left, MIB)])
                p.stdin.close()
                done = self.sink.wait(1, limit)
                t1 = done[0][2] if done else time.monotonic()
            except (BrokenPipeError, OSError):
                done = []
                t1 = time.monotonic()
            finally:
                rc = reap(p, 30)
                wd.cancel()
            errf.seek(0)
            err = errf.read().decode("utf-8", "replace")
            errf.close()
            if rc != 0 and not done:
                raise BenchError("ssh -W: status %s: %s" % (rc, err[-500:]))
        got = done[0][0] if done else 0
        if len(done) != 1 or got != size:
            raise BenchError("forward -%s: the sink got %s bytes (%d connections), expected %d"
                             % (kind, got, len(done), size))
        srv.settle()
        cpu = srv.cpu() - c0
        kcpu = client_cpu() - k0
        wall = t1 - t0
        R = self.results
        R.add("forward.%s.mbps" % kind, srv.name, size / MB / wall)
        R.add("forward.%s.cpu" % kind, srv.name, cpu / (size / GB))
        R.sample(workload="forward", kind=kind, server=srv.name, run=run_no, bytes=size,
                 wall_s=wall, server_cpu_s=cpu, client_cpu_s=kcpu)

    # 3. Connections ----------------------------------------------------------------
    def connect(self):
        R = self.results
        n = self.args.conns
        R.define("connect.seq.rate", "connections, sequential (exec true)", "conn/s", "higher")
        R.define("connect.seq.cpu", "  server CPU per connection", "ms", "lower",
                 {"ratio_max": 0.5})
        R.define("connect.par.rate", "connections, %d concurrent clients" % CONCURRENCY,
                 "conn/s", "higher", {"ratio_min": 2.0})
        R.define("connect.par.cpu", "  server CPU per connection", "ms", "lower",
                 {"ratio_max": 0.5})
        # The 4-way rate and the latency again with a kex that is cheap for
        # the client, reported beside the targets (not instead of them).
        cheap = None
        if self.args.kex is None:
            cheap = Client(self.client.key, self.client.known_hosts, CHEAP_KEX)
            R.define("connect.par.rate.cheap", "  the same, kex %s" % CHEAP_KEX, "conn/s",
                     "higher")
        R.define("connect.ttfb", "time to first byte (echo x)", "ms", "lower",
                 {"ratio_max": 1 / 3})
        if cheap:
            R.define("connect.ttfb.cheap", "  the same, kex %s" % CHEAP_KEX, "ms", "lower")
        R.define("connect.ttfb_tty", "time to first byte, ssh -tt (TCP_NODELAY)", "ms",
                 "lower", {"ratio_max": 1 / 3})
        for run_no in range(self.args.runs):
            log("connections, run %d/%d" % (run_no + 1, self.args.runs))
            self.each_server(["connect.seq.rate", "connect.seq.cpu"], self.conn_seq, n, run_no)
            self.each_server(["connect.par.rate", "connect.par.cpu"], self.conn_par, n, run_no)
            if cheap:
                self.each_server(["connect.par.rate.cheap"], self.conn_par, n, run_no, cheap)
            self.each_server(["connect.ttfb"], self.ttfb_run, False, self.args.ttfb, run_no)
            self.each_server(["connect.ttfb_tty"], self.ttfb_run, True, self.args.ttfb, run_no)
            if cheap:
                self.each_server(["connect.ttfb.cheap"], self.ttfb_run, False, self.args.ttfb,
                                 run_no, "connect.ttfb.cheap", cheap)

    def one_conn(self, srv, client=None):
        r = run((client or self.client).cmd(srv, "true"), timeout=60)
        if r.returncode != 0:
            raise BenchError("ssh true: status %d: %s"
                             % (r.returncode, r.stderr.decode("utf-8", "replace")[-500:]))

    def conn_seq(self, srv, n, run_no):
        srv.settle()
        c0 = srv.cpu()
        k0 = client_cpu()
        t0 = time.monotonic()
        for _ in range(n):
            self.one_conn(srv)
        t1 = time.monotonic()
        srv.settle()
        cpu = srv.cpu() - c0
        kcpu = client_cpu() - k0
        self.results.add("connect.seq.rate", srv.name, n / (t1 - t0))
        self.results.add("connect.seq.cpu", srv.name, cpu / n * 1000)
        self.results.sample(workload="connect.seq", server=srv.name, run=run_no, conns=n,
                            wall_s=t1 - t0, server_cpu_s=cpu, client_cpu_s=kcpu)

    def conn_par(self, srv, n, run_no, client=None):
        each = max(2, n // 2)       # per client: 4 x 25 = 100 connections for n = 50
        total = each * CONCURRENCY
        errors = []

        def worker():
            try:
                for _ in range(each):
                    self.one_conn(srv, client)
            except Exception as e:   # reported below
                errors.append(str(e))
        srv.settle()
        c0 = srv.cpu()
        k0 = client_cpu()
        t0 = time.monotonic()
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(CONCURRENCY)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60 * each + 60)
        t1 = time.monotonic()
        if errors or any(t.is_alive() for t in threads):
            raise BenchError("concurrent connections: %s" % (errors[:1] or ["timed out"])[0])
        srv.settle()
        cpu = srv.cpu() - c0
        kcpu = client_cpu() - k0
        if client is not None:
            self.results.add("connect.par.rate.cheap", srv.name, total / (t1 - t0))
            self.results.sample(workload="connect.par.cheap", kex=client.kex, server=srv.name,
                                run=run_no, conns=total, clients=CONCURRENCY,
                                wall_s=t1 - t0, server_cpu_s=cpu, client_cpu_s=kcpu)
            return
        self.results.add("connect.par.rate", srv.name, total / (t1 - t0))
        self.results.add("connect.par.cpu", srv.name, cpu / total * 1000)
        self.results.sample(workload="connect.par", server=srv.name, run=run_no, conns=total,
                            clients=CONCURRENCY, wall_s=t1 - t0, server_cpu_s=cpu,
                            client_cpu_s=kcpu)

    def ttfb_once(self, srv, tty, client=None):
        cmd = (client or self.client).cmd(srv, "echo x", extra=["-tt"] if tty else ["-T"])
        t0 = time.monotonic()
        p = spawn(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                  bufsize=0)
        wd = Watchdog(p, 60)
        try:
            first = p.stdout.read(1)
            t1 = time.monotonic()
            _, err = p.communicate(timeout=60)
        finally:
            wd.cancel()
        rc = reap(p, 10)
        if first != b"x" or rc != 0:
            raise BenchError("ssh echo x: status %s, first byte %r: %s"
                             % (rc, first, err.decode("utf-8", "replace")[-500:]))
        return (t1 - t0) * 1000

    def ttfb_run(self, srv, tty, n, run_no, rid=None, client=None):
        rid = rid or ("connect.ttfb_tty" if tty else "connect.ttfb")
        values = []
        for _ in range(n):
            srv.settle()
            values.append(self.ttfb_once(srv, tty, client))
        srv.settle()
        self.results.add(rid, srv.name, statistics.median(values))
        self.results.sample(workload=rid, server=srv.name, run=run_no, ttfb_ms=values)

    # 4 and 5. Idle connections -------------------------------------------------------
    def idle(self, do_memory, do_many):
        R = self.results
        if do_memory:
            R.define("memory.base", "idle server PSS, no connections", "KiB", "lower")
            R.define("memory.pss", "PSS per idle authenticated conn (%d)" % self.args.idle,
                     "KiB", "lower", {"ratio_max": 0.5})
            R.define("memory.procs", "processes per idle conn", "procs", "lower")
        if do_many:
            R.define("many.ttfb", "time to first byte with %d idle conns" % self.args.many,
                     "ms", "lower")
            R.define("many.pss", "PSS per idle conn (%d)" % self.args.many, "KiB", "lower")
        rids = [r for r in ("memory.base", "memory.pss", "memory.procs", "many.ttfb",
                            "many.pss") if r in R.rows]
        for run_no in range(self.args.runs):
            log("idle connections, run %d/%d" % (run_no + 1, self.args.runs))
            self.each_server(rids, self.idle_once, do_memory, do_many, run_no)

    def open_idle(self, srv):
        """One `ssh -N` that has authenticated (its stderr says so), or an error."""
        cmd = self.client.cmd(srv, None, extra=["-N"], loglevel="VERBOSE")
        p = spawn(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                  stderr=subprocess.PIPE, bufsize=0)
        fd = p.stderr.fileno()
        seen = b""
        deadline = time.monotonic() + 30
        try:
            while b"Authenticated to" not in seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BenchError("an idle ssh -N did not authenticate within 30s")
                ready, _, _ = select.select([fd], [], [], left)
                if ready:
                    chunk = os.read(fd, 4096)
                    if not chunk:
                        raise BenchError("an idle ssh -N ended: %s"
                                         % seen.decode("utf-8", "replace")[-500:])
                    seen = (seen + chunk)[-8192:]
        except BaseException:
            end(p)
            raise
        return p

    def idle_once(self, srv, do_memory, do_many, run_no):
        R = self.results
        srv.settle()
        time.sleep(0.2)
        base_pss, base_procs = srv.pss()
        checkpoints = []
        if do_memory:
            checkpoints.append(self.args.idle)
        if do_many:
            checkpoints.append(self.args.many)
        top = max(checkpoints)
        clients = []
        t_start = time.monotonic()
        budget = 60 + 2.0 * top          # the whole ramp, bounded
        try:
            while len(clients) < top:
                if time.monotonic() - t_start > budget:
                    raise BenchError("opened only %d idle connections in %ds"
                                     % (len(clients), budget))
                clients.append(self.open_idle(srv))
                n = len(clients)
                if n not in checkpoints:
                    continue
                srv.stable()
                pss, procs = srv.pss()
                per = (pss - base_pss) / n
                per_procs = (procs - base_procs) / n
                R.sample(workload="idle", server=srv.name, run=run_no, conns=n,
                         base_pss_kib=base_pss, base_procs=base_procs, pss_kib=pss, procs=procs,
                         ramp_s=time.monotonic() - t_start)
                if do_memory and n == self.args.idle:
                    R.add("memory.base", srv.name, base_pss)
                    R.add("memory.pss", srv.name, per)
                    R.add("memory.procs", srv.name, per_procs)
                if do_many and n == self.args.many:
                    R.add("many.pss", srv.name, per)
                    values = [self.ttfb_once(srv, False) for _ in range(self.args.many_probes)]
                    R.add("many.ttfb", srv.name, statistics.median(values))
                    R.sample(workload="many.ttfb", server=srv.name, run=run_no, conns=n,
                             ttfb_ms=values)
        finally:
            end_processes(clients)
        srv.settle(timeout=60)

    # ---------------------------------------------------------------------------
    def machine(self):
        busy, niced = cpu_busy()

        def out(cmd):
            try:
                r = run(cmd, timeout=30, text=True)
                return (r.stdout + r.stderr).strip()
            except (OSError, subprocess.SubprocessError):
                return None

        def pkg(name):
            return out(["dpkg-query", "-W", "-f", "${Version}", name])
        cpu = None
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        git = out(["git", "-C", REPO, "rev-parse", "HEAD"])
        dirty = out(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"])
        return {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "nproc": os.cpu_count(),
            "nproc_usable": len(os.sched_getaffinity(0)),
            "cpu": cpu,
            "kernel": platform.release(),
            "uname": " ".join(platform.uname()),
            "loadavg": os.getloadavg(),
            "cpu_busy_before": round(busy, 3),
            "cpu_busy_niced_before": round(niced, 3),
            "busy_processes_before": busy_processes(),
            "python": platform.python_version(),
            "versions": {
                "sshd": "OpenSSH %s (openssh-server)" % pkg("openssh-server"),
                "ssh_client": out([SSH, "-V"]),
                "dropbear": out([DROPBEAR, "-V"]),
                "dropbear_pkg": pkg("dropbear-bin"),
                "rampart": out([os.path.join(self.build, "rampartd"), "-V"]),
                "rampart_git": git,
                "rampart_git_dirty": bool(dirty),
            },
        }


def client_notes(results, nproc):
    """Say where the OpenSSH clients, not the server, used most of the CPUs."""
    notes = []
    for wl in ("connect.seq", "connect.par"):
        per = collections.defaultdict(list)
        for r in results.raw:
            if r.get("workload") == wl and r.get("wall_s"):
                per[r["server"]].append((r["client_cpu_s"] / r["conns"] * 1000,
                                         r["client_cpu_s"] / r["wall_s"] / nproc))
        for srv, vals in per.items():
            ms = statistics.median(v[0] for v in vals)
            share = statistics.median(v[1] for v in vals)
            if share >= 0.4:
                notes.append("note: %s, %s: the ssh clients used %.0f ms of CPU per connection, "
                             "%.0f%% of all %d CPUs: the client limits that row"
                             % (wl, srv, ms, 100 * share, nproc))
    # Transfers: one ssh client, one thread. Busy for 90% of the run or
    # more, it sets the wall-clock rate whatever the server does. Its CPU
    # includes its connection setup (about 80 ms with sntrup761), which the
    # -L rows' time leaves out: only transfers where that is small count.
    per = collections.defaultdict(list)
    for r in results.raw:
        if (r.get("workload") in ("bulk", "forward") and r.get("wall_s")
                and r.get("bytes", 0) >= NOTE_MIN_BYTES):
            key = (r["workload"], r.get("cipher") or r.get("kind"), r.get("direction", ""),
                   r["server"])
            per[key].append((r["client_cpu_s"] / r["wall_s"],
                             r["client_cpu_s"] / (r["bytes"] / GB)))
    for (wl, what, direction, srv), vals in sorted(per.items()):
        share = statistics.median(v[0] for v in vals)
        if share >= 0.9:
            notes.append("note: %s %s%s, %s: the ssh client was busy %.0f%% of the time "
                         "(%.2f s/GB): the client limits that row's MB/s"
                         % (wl, "-" + what if wl == "forward" else what,
                            " " + direction if direction else "", srv, 100 * share,
                            statistics.median(v[1] for v in vals)))
    return notes


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=None, help="runs per workload (default 3)")
    ap.add_argument("--size", type=int, default=None, help="bytes per transfer (default 1 GiB)")
    ap.add_argument("--idle", type=int, default=None, help="idle connections for PSS (100)")
    ap.add_argument("--many", type=int, default=None, help="idle connections held (500)")
    ap.add_argument("--conns", type=int, default=None,
                    help="connections per connection-rate run (50)")
    ap.add_argument("--ttfb", type=int, default=None, help="time-to-first-byte samples (20)")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny sizes, one run, few connections: checks the harness")
    ap.add_argument("--only", nargs="+", choices=WORKLOADS, default=list(WORKLOADS),
                    metavar="WORKLOAD", help="some of: " + " ".join(WORKLOADS))
    ap.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS),
                    metavar="SERVER", help="some of: " + " ".join(SERVERS))
    ap.add_argument("--kex", default=None,
                    help="force one key exchange for every client (default: the client's)")
    ap.add_argument("--out", default=None,
                    help="JSON results (default bench/results/latest.json; "
                         "with --smoke bench/results/smoke.json)")
    args = ap.parse_args(argv)
    smoke = args.smoke
    defaults = {"runs": (1, 3), "size": (8 * MIB, 1 << 30), "idle": (5, 100),
                "many": (12, 500), "conns": (5, 50), "ttfb": (3, 20)}
    for k, (small, full) in defaults.items():
        if getattr(args, k) is None:
            setattr(args, k, small if smoke else full)
    args.many_probes = 3 if smoke else 5
    bounds = {"runs": (1, 100), "size": (MIB, 64 << 30), "idle": (1, 2000),
              "many": (1, 2000), "conns": (1, 10000), "ttfb": (1, 1000)}
    for k, (lo, hi) in bounds.items():
        v = getattr(args, k)
        if not lo <= v <= hi:
            ap.error("--%s must be between %d and %d" % (k, lo, hi))
    if args.out is None:
        args.out = os.path.join(REPO, "bench", "results",
                                "smoke.json" if smoke else "latest.json")
    args.servers = [s for s in SERVERS if s in args.servers]
    return args


def main(argv):
    args = parse_args(argv)
    if os.geteuid() != 0:
        print("bench: run as root (sudo make bench): it starts sshd, Dropbear and rampartd "
              "as root and creates the %s account" % BENCH_USER, file=sys.stderr)
        return 2
    for prog in (SSH, SSHD, DROPBEAR, DROPBEARCONVERT, os.path.join(args.build, "rampartd"),
                 os.path.join(args.build, "rampart-worker")):
        if not os.access(prog, os.X_OK):
            print("bench: %s is missing (make bench installs and builds everything)" % prog,
                  file=sys.stderr)
            return 2
    raise_nofile()
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if nofile < 4 * args.many + 256:
        print("bench: only %d file descriptors (--many %d needs about %d)"
              % (nofile, args.many, 4 * args.many + 256), file=sys.stderr)
        return 2
    b = Bench(args)
    started = time.monotonic()
    become_subreaper()
    def on_term(signum, frame):
        raise KeyboardInterrupt
    old_term = signal.signal(signal.SIGTERM, on_term)
    negotiated = {}
    try:
        info = b.machine()
        log("machine: %s, %d CPUs, kernel %s" % (info["cpu"], info["nproc"], info["kernel"]))
        if info["cpu_busy_before"] > 0.2:
            log("warning: %.0f%% of the CPUs were busy before the start (%.0f%% at a lower "
                "priority, nice > 0: %s); wall-clock figures will be noisy, CPU-time figures "
                "less so" % (100 * info["cpu_busy_before"], 100 * info["cpu_busy_niced_before"],
                   ", ".join("%s %d%%" % (p["comm"], 100 * p["cpu_share"])
                             for p in info["busy_processes_before"]) or "?"))
        b.setup()
        if "bulk" in args.only or "forward" in args.only:
            b.seal_speed()
        for w in WORKLOADS:
            if w not in args.only:
                continue
            if w == "bulk":
                b.bulk()
            elif w == "forward":
                b.forward()
            elif w == "connect":
                b.connect()
            elif w == "memory":
                b.idle(True, "many" in args.only)
            elif w == "many" and "memory" not in args.only:
                b.idle(False, True)
        negotiated = {name: srv.negotiated for name, srv in b.servers.items()}
    except KeyboardInterrupt:
        log("interrupted: cleaning up")
        return 130
    except BenchError as e:
        log("error: %s" % e)
        return 1
    finally:
        b.cleanup()
        signal.signal(signal.SIGTERM, old_term)
    elapsed = time.monotonic() - started

    R = b.results
    table = render(R, args.servers)
    print()
    print("rampart benchmark: %s, %s CPUs, kernel %s; %d run(s) per row, %s bytes per transfer"
          % (info["date"], info["nproc"], info["kernel"], args.runs, args.size))
    print("  sshd: %s; dropbear: %s; rampart: %s (%s%s)"
          % (info["versions"]["sshd"], info["versions"]["dropbear"], info["versions"]["rampart"],
             (info["versions"]["rampart_git"] or "?")[:12],
             "+dirty" if info["versions"]["rampart_git_dirty"] else ""))
    for name, neg in negotiated.items():
        d = neg.get("default", {})
        print("  %s negotiates by default: kex %s, host key %s, cipher %s"
              % (name, d.get("kex", "?"), d.get("hostkey", "?"), d.get("cipher", "?")))
    if b.seal:
        print("  raw seal speed, one core, 32 KiB packets (tests/seal-speed); CPU limit = 2x:")
        for cid, s in b.seal.items():
            print("    %-30s %6.2f GB/s  %.3f s/GB  -> limit %.3f s/GB"
                  % (cid, s["gbps"], s["cpu_s_per_gb"], s["limit_cpu_s_per_gb"]))
    if b.session_cmds:
        print("  session commands alone, counted in every server's bulk CPU: `head -c` %.3f s/GB "
              "(downloads), `cat > /dev/null` %.3f s/GB (uploads)"
              % (b.session_cmds["download_head_c_s_per_gb"],
                 b.session_cmds["upload_cat_s_per_gb"]))
    if info["cpu_busy_before"] > 0.2:
        print("  note: %.0f%% of the CPUs were busy with other work before the start "
              "(%.0f%% at nice > 0)" % (100 * info["cpu_busy_before"],
                                       100 * info["cpu_busy_niced_before"]))
    print("  cells: median (min-max) over runs; ratio = rampart median / sshd median")
    print()
    print(table)
    print()
    for note in client_notes(R, info["nproc"]):
        print(note)
    if R.errors:
        print("errors:")
        for e in R.errors:
            print("  %s %s: %s" % (e["server"], e["row"], e["error"].splitlines()[0][:200]))
    print("took %.0fs" % elapsed)

    doc = {
        "format": "rampart-bench/1",
        "machine": info,
        "config": {"runs": args.runs, "size_bytes": args.size, "idle": args.idle,
                   "many": args.many, "conns": args.conns, "ttfb_samples": args.ttfb,
                   "concurrency": CONCURRENCY, "smoke": args.smoke, "only": args.only,
                   "servers": args.servers, "kex": args.kex, "units": {"GB": GB, "MB": MB},
                   "forward_cipher": FORWARD_CIPHER[1],
                   "ciphers": [{"id": c, "cipher": ci, "mac": m} for c, ci, m in CIPHERS]},
        "negotiated": negotiated,
        "seal_speed": b.seal,
        "session_commands": b.session_cmds,
        "rows": [{k: row[k] for k in ("id", "label", "unit", "better", "target", "samples",
                                      "stats", "ratio", "verdict", "na", "err")}
                 for row in R.rows.values()],
        "raw": R.raw,
        "errors": R.errors,
        "elapsed_s": elapsed,
        "table": table,
    }
    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.rename(tmp, out)
    print("results: %s" % os.path.relpath(out))
    return 1 if R.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

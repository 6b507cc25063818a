#!/usr/bin/python3
"""tests/package/run.py: rampart's Debian package on this machine, end to end.

    tests/package/run.py --debs DIR      (root; `make package-test` builds DIR)

What an administrator does with the package, step by step, each checked:
install it with apt, find everything where the package says it is, let a
user in with a drop-in under /etc/rampart/policy.d, start rampartd the way
the systemd unit does (its ExecStartPre, ExecStart with a notify socket,
ExecReload; CI machines run no systemd), log in with OpenSSH's client, run
a command, reload the policy, read the audit records, rotate the audit log
with the shipped logrotate file, run rampartd with no-new-privileges,
upgrade to a newer version (an edited rampart.conf and the host keys stay;
the running daemon keeps serving while the files change under it), then
remove (keys, logs and account stay) and purge (they go; the
administrator's own drop-in stays).

The daemon listens on 127.0.0.1 only, on a free port; every wait is
bounded. Only processes this script started are stopped, by PID. A rampart
package this script did not install is left alone: the run refuses to start.
"""

import argparse
import glob
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

PKG = "rampart"
USER = "rampart-pkgtest"
MARKER = "/etc/rampart/policy.d/50-package-test.conf"
UNIT = "/lib/systemd/system/rampart.service"
APT_ENV = dict(os.environ, DEBIAN_FRONTEND="noninteractive")


class Failure(Exception):
    pass


def log(msg):
    print("package-test: " + msg, flush=True)


def check(cond, what):
    if not cond:
        raise Failure(what)


def run(cmd, timeout=120, check_rc=True, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    if check_rc and r.returncode != 0:
        raise Failure("%s: exit %d\n%s%s" % (" ".join(cmd), r.returncode, r.stdout[-3000:],
                                             r.stderr[-3000:]))
    return r


def installed_version():
    r = run(["dpkg-query", "-W", "-f", "${db:Status-Abbrev} ${Version}", PKG], check_rc=False)
    if r.returncode != 0:
        return None, None
    status, _, version = r.stdout.partition(" ")
    return status.strip(), version.strip()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def unit_commands():
    """ExecStartPre/ExecStart/ExecReload of the installed unit, as argv lists."""
    cmds = {"ExecStartPre": [], "ExecStart": [], "ExecReload": []}
    runtime = None
    with open(UNIT) as f:
        for line in f:
            key, sep, value = line.strip().partition("=")
            if not sep:
                continue
            if key in cmds:
                # systemd prefixes ("-", "@", "+", "!") are not used by our unit.
                check(value[:1] not in "-@+!:", "unexpected prefix in %s" % line.strip())
                cmds[key].append(shlex.split(value))
            elif key == "RuntimeDirectory":
                runtime = value
    check(cmds["ExecStart"] and cmds["ExecReload"], "unit without ExecStart/ExecReload")
    return cmds, runtime


class Service:
    """rampartd started as rampart.service would start it."""

    def __init__(self, work, prefix=()):
        self.work = work
        self.prefix = list(prefix)
        self.proc = None
        self.sock = None
        self.errlog = None

    def start(self):
        cmds, runtime = unit_commands()
        if runtime:
            os.makedirs("/run/" + runtime, mode=0o755, exist_ok=True)
        for argv in cmds["ExecStartPre"]:
            run(argv, timeout=60)
        path = os.path.join(self.work, "notify.sock")
        if os.path.exists(path):
            os.unlink(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(30)
        env = dict(os.environ, NOTIFY_SOCKET=path)
        self.errlog = open(os.path.join(self.work, "rampartd.log"), "a+")
        self.proc = subprocess.Popen(self.prefix + cmds["ExecStart"][0], env=env,
                                     stdin=subprocess.DEVNULL, stdout=self.errlog,
                                     stderr=self.errlog, start_new_session=True)
        self.expect("READY=1")

    def expect(self, state):
        try:
            msg = self.sock.recv(4096).decode()
        except socket.timeout:
            raise Failure("rampartd did not send %s; its log:\n%s" % (state, self.log()))
        check(msg.startswith(state), "expected %s from rampartd, got %r" % (state, msg))
        return msg

    def reload(self):
        """ExecReload's commands in order, as systemctl reload runs them; the
        return code of the first that fails, else 0."""
        cmds, _ = unit_commands()
        for argv in cmds["ExecReload"]:
            argv = [a.replace("$MAINPID", str(self.proc.pid)) for a in argv]
            r = run(argv, timeout=60, check_rc=False)
            if r.returncode != 0:
                return r.returncode, r.stderr
        return 0, ""

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.expect("STOPPING=1")
            self.proc.wait(timeout=30)
        except (subprocess.TimeoutExpired, Failure):
            self.proc.kill()
            self.proc.wait(timeout=30)
            raise
        finally:
            self.sock.close()

    def log(self):
        if self.errlog is None:
            return ""
        self.errlog.flush()
        self.errlog.seek(0)
        return self.errlog.read()


class PackageTest:
    def __init__(self, debs):
        self.debs = os.path.abspath(debs)
        self.work = tempfile.mkdtemp(prefix="rampart-pkgtest-")
        os.chmod(self.work, 0o755)
        self.port = free_port()
        self.service = None
        self.installed_by_us = False

    # -- helpers ----------------------------------------------------------------
    def deb(self):
        found = glob.glob(os.path.join(self.debs, "rampart_*.deb"))
        check(len(found) == 1, "expected one rampart_*.deb in %s, found %s" % (self.debs, found))
        return found[0]

    def apt(self, *args):
        return run(["apt-get", "-y", "-q", "--no-install-recommends",
                    "-o", "Dpkg::Options::=--force-confold"] + list(args),
                   timeout=600, env=APT_ENV)

    def ssh(self, command, check_rc=True):
        cmd = ["ssh", "-F", "/dev/null", "-i", self.client_key, "-o", "IdentitiesOnly=yes",
               "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
               "-o", "UserKnownHostsFile=%s" % self.known_hosts,
               "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=20",
               "-p", str(self.port), "%s@127.0.0.1" % USER, command]
        return run(cmd, timeout=60, check_rc=check_rc)

    def audit(self, path="/var/log/rampart/audit.jsonl"):
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_for(self, predicate, what, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise Failure("timed out waiting for " + what)

    def write_policy(self, allow_exec=True):
        lines = ["# Written by rampart's package test; removed when it ends.",
                 "admit from 127.0.0.0/8",
                 "user %s {" % USER,
                 '    authorized-key "%s"' % self.client_pub,
                 "    allow login"]
        if allow_exec:
            lines.append("    allow exec")
        lines.append("}")
        with open(MARKER, "w") as f:
            f.write("\n".join(lines) + "\n")

    def fingerprints(self):
        out = {}
        for pub in sorted(glob.glob("/etc/rampart/ssh_host_*_key.pub")):
            out[pub] = run(["ssh-keygen", "-l", "-f", pub]).stdout.split()[1]
        return out

    # -- steps ------------------------------------------------------------------
    def preflight(self):
        check(os.geteuid() == 0, "run as root: the test installs a package")
        status, version = installed_version()
        if status and status != "un" and not os.path.exists(MARKER):
            raise Failure("rampart %s is already installed here (%s), not by this test: "
                          "remove it first, the test will not touch it" % (version, status))
        if status and status != "un":
            log("a previous run left rampart installed: purging it")
            run(["dpkg", "--purge", PKG], timeout=300, env=APT_ENV)
        try:
            pwd.getpwnam(USER)
        except KeyError:
            run(["useradd", "--create-home", "--shell", "/bin/sh", USER])
        self.client_key = os.path.join(self.work, "client_ed25519")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pkgtest", "-f",
             self.client_key])
        with open(self.client_key + ".pub") as f:
            self.client_pub = " ".join(f.read().split()[:2])

    def install(self):
        deb = self.deb()
        log("installing %s with apt-get" % os.path.basename(deb))
        self.installed_by_us = True
        self.apt("install", deb)
        status, version = installed_version()
        check(status == "ii", "dpkg status after install: %r" % status)
        self.version = version

    def layout(self):
        log("checking the installed files")
        for path, mode in (("/usr/sbin/rampartd", 0o755), ("/usr/sbin/rampartctl", 0o755),
                           ("/usr/lib/rampart/rampart-worker", 0o755),
                           ("/etc/rampart/rampart.conf", 0o644), ("/etc/rampart/moduli", 0o644),
                           ("/etc/rampart/listen.conf", 0o644),
                           ("/etc/logrotate.d/rampart", 0o644), (UNIT, 0o644)):
            st = os.lstat(path)
            check(stat.S_ISREG(st.st_mode) and st.st_uid == 0, "%s: not a root-owned file" % path)
            check(stat.S_IMODE(st.st_mode) == mode, "%s: mode %o, expected %o"
                  % (path, stat.S_IMODE(st.st_mode), mode))
        for page in ("rampartd.8", "rampartctl.8", "rampart.conf.5"):
            check(os.path.exists("/usr/share/man/man%s/%s.gz" % (page[-1], page)),
                  "man page %s missing" % page)
        r = run(["man", "-P", "cat", "5", "rampart.conf"], env=dict(os.environ, MANWIDTH="80"))
        check("include" in r.stdout and "admit" in r.stdout, "rampart.conf(5) lacks the language")
        conffiles = run(["dpkg-query", "-W", "-f", "${Conffiles}", PKG]).stdout
        for f in ("/etc/rampart/rampart.conf", "/etc/rampart/moduli",
                  "/etc/logrotate.d/rampart"):
            check(f in conffiles, "%s is not a conffile: %s" % (f, conffiles))
        for t in ("ed25519", "ecdsa", "rsa"):
            key = "/etc/rampart/ssh_host_%s_key" % t
            st = os.stat(key)
            check(stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == 0, "%s: mode/owner" % key)
            check(os.path.exists(key + ".pub"), key + ".pub missing")
        pw = pwd.getpwnam("rampart")
        check(pw.pw_uid < 1000 and pw.pw_dir == "/nonexistent", "rampart account: %r" % (pw,))
        st = os.stat("/var/log/rampart")
        check(stat.S_IMODE(st.st_mode) == 0o750 and st.st_uid == 0, "/var/log/rampart mode")
        check(os.listdir("/var/lib/rampart/empty") == [], "the worker chroot is not empty")
        check(os.stat("/var/lib/rampart/empty").st_uid == 0, "the chroot is not root's")
        with open("/etc/rampart/listen.conf") as f:
            listen = f.read()
        expected = "2222" if os.path.exists("/usr/sbin/sshd") else "22"
        check(re.search(r"^listen \*:%s$" % expected, listen, re.M),
              "listen.conf does not choose port %s:\n%s" % (expected, listen))
        check(os.path.islink("/etc/systemd/system/multi-user.target.wants/rampart.service"),
              "the unit is not enabled")
        if shutil.which("systemd-analyze"):
            # The unit and the shipped hardening drop-in, as systemd reads
            # them (no systemd needs to run for this).
            units = os.path.join(self.work, "units")
            os.makedirs(os.path.join(units, "rampart.service.d"))
            shutil.copy(UNIT, units)
            shutil.copy("/usr/share/doc/rampart/examples/forward-only.conf",
                        os.path.join(units, "rampart.service.d"))
            r = run(["systemd-analyze", "verify", "--man=no",
                     os.path.join(units, "rampart.service")],
                    env=dict(os.environ, SYSTEMD_UNIT_PATH=units + ":",
                             SYSTEMD_LOG_LEVEL="notice"))
            check(r.stdout + r.stderr == "", "systemd-analyze verify:\n" + r.stdout + r.stderr)
        # As installed, the policy admits nobody.
        r = run(["rampartctl", "explain", "root", "127.0.0.1"], check_rc=False)
        check(r.returncode != 0 and "result: denied" in r.stdout, "default policy: " + r.stdout)

    def configure(self):
        log("letting %s in: listen.conf on 127.0.0.1:%d and a drop-in" % (USER, self.port))
        self.listen_conf = "# the package test's address\nlisten 127.0.0.1:%d\n" % self.port
        with open("/etc/rampart/listen.conf", "w") as f:
            f.write(self.listen_conf)
        self.write_policy()
        self.known_hosts = os.path.join(self.work, "known_hosts")
        with open(self.known_hosts, "w") as kh:
            for pub in sorted(glob.glob("/etc/rampart/ssh_host_*_key.pub")):
                with open(pub) as f:
                    kh.write("[127.0.0.1]:%d %s\n" % (self.port, " ".join(f.read().split()[:2])))

    def start_and_use(self):
        log("starting rampartd as rampart.service does, and logging in")
        self.service = Service(self.work)
        self.service.start()
        r = self.ssh("echo hello from $(id -un)")
        check(r.stdout == "hello from %s\n" % USER, "ssh output %r %r" % (r.stdout, r.stderr))

    def reload(self):
        log("reloading: exec taken away, then a broken policy")
        self.write_policy(allow_exec=False)
        rc, err = self.service.reload()
        check(rc == 0, "ExecReload failed: " + err)
        self.service.expect("RELOADING=1")
        self.service.expect("READY=1")
        r = self.ssh("echo should not run", check_rc=False)
        check(r.returncode != 0 and "should not run" not in r.stdout,
              "exec still allowed after the reload: %r" % r.stdout)
        with open(MARKER, "a") as f:
            f.write("permit everything\n")
        rc, err = self.service.reload()
        check(rc == 1 and "unknown directive 'permit'" in err,
              "a broken policy did not fail the reload: %d %s" % (rc, err))
        check(self.service.proc.poll() is None, "rampartd died on a broken policy")
        self.write_policy()
        rc, err = self.service.reload()
        check(rc == 0, "ExecReload failed: " + err)
        self.service.expect("RELOADING=1")
        self.service.expect("READY=1")
        r = self.ssh("echo back")
        check(r.stdout == "back\n", "exec after the second reload: %r" % r.stdout)

    def audit_records(self):
        log("reading the audit log")
        self.wait_for(lambda: sum(1 for x in self.audit() if x.get("event") == "close") >= 3,
                      "close records")
        recs = self.audit()
        check(any(x.get("event") == "start" and x.get("ok") for x in recs),
              "no daemon start record")
        mine = [x for x in recs if x.get("user") == USER]
        check(any(x["event"] == "auth" and x.get("result") == "accepted" for x in mine),
              "no accepted auth record for %s" % USER)
        check(any(x["event"] == "session-start" and x.get("command", "").startswith("echo hello")
                  for x in mine), "the command is not in the audit log")
        check(any(x["event"] == "session-denied" and x.get("type") == "exec" for x in mine),
              "the refused exec is not in the audit log")
        reloads = [x.get("ok") for x in recs if x.get("event") == "reload"]
        check(reloads == [True, True],
              "reload records: %s" % reloads)

    def logrotate(self):
        log("rotating the audit log with /etc/logrotate.d/rampart")
        state = os.path.join(self.work, "logrotate.state")
        run(["logrotate", "-f", "-s", state, "/etc/logrotate.d/rampart"])
        check(os.path.exists("/var/log/rampart/audit.jsonl.1"), "no rotated file")
        self.ssh("echo after rotation")
        self.wait_for(lambda: os.path.exists("/var/log/rampart/audit.jsonl") and
                      "after rotation" in json.dumps(self.audit()), "records in the new file")
        check("SIGUSR1: audit log reopened" in self.service.log(), "no reopen in the log")

    def no_new_privileges(self):
        log("restarting under no-new-privileges (systemd's NoNewPrivileges=yes)")
        self.service.stop()
        self.service = Service(self.work, prefix=["setpriv", "--no-new-privs"])
        self.service.start()
        r = self.ssh("grep ^NoNewPrivs /proc/self/status; id -un")
        check(r.stdout == "NoNewPrivs:\t1\n%s\n" % USER, "session under NNP: %r" % r.stdout)
        self.service.stop()

    def upgrade(self):
        log("upgrading to a newer version while rampartd runs")
        self.service = Service(self.work)
        self.service.start()
        with open("/etc/rampart/rampart.conf", "a") as f:
            f.write("\n# edited by the administrator\nlogin-grace-time 20s\n")
        with open("/etc/rampart/rampart.conf") as f:
            edited = f.read()
        keys = self.fingerprints()
        check(len(keys) == 3, "host keys: %s" % keys)
        tree = os.path.join(self.work, "newer")
        run(["dpkg-deb", "-R", self.deb(), tree])
        control = os.path.join(tree, "DEBIAN", "control")
        with open(control) as f:
            text = f.read()
        newer = self.version + "+pkgtest1"
        with open(control, "w") as f:
            f.write(re.sub(r"^Version: .*$", "Version: " + newer, text, flags=re.M))
        newdeb = os.path.join(self.work, "rampart_%s.deb" % newer)
        run(["dpkg-deb", "--root-owner-group", "-b", tree, newdeb])
        self.apt("install", newdeb)
        status, version = installed_version()
        check((status, version) == ("ii", newer), "after upgrade: %s %s" % (status, version))
        with open("/etc/rampart/rampart.conf") as f:
            check(f.read() == edited, "the edited rampart.conf was not kept")
        check(not os.path.exists("/etc/rampart/rampart.conf.dpkg-dist"), "a .dpkg-dist appeared")
        check(self.fingerprints() == keys, "host keys changed on upgrade")
        with open("/etc/rampart/listen.conf") as f:
            check(f.read() == self.listen_conf, "listen.conf changed on upgrade")
        # The old daemon, its files replaced under it, still serves.
        r = self.ssh("echo old daemon, new files")
        check(r.stdout == "old daemon, new files\n", "after the upgrade: %r" % r.stdout)
        # What the package's postinst does under systemd: a restart.
        self.service.stop()
        self.service = Service(self.work)
        self.service.start()
        r = self.ssh("echo new daemon")
        check(r.stdout == "new daemon\n", "after the restart: %r" % r.stdout)
        self.service.stop()

    def remove(self):
        log("apt-get remove: programs go, configuration, keys, logs and account stay")
        self.apt("remove", PKG)
        status, _ = installed_version()
        check(status == "rc", "dpkg status after remove: %r" % status)
        for gone in ("/usr/sbin/rampartd", "/usr/sbin/rampartctl",
                     "/usr/lib/rampart/rampart-worker"):
            check(not os.path.exists(gone), gone + " survived remove")
        for kept in ("/etc/rampart/rampart.conf", "/etc/rampart/ssh_host_ed25519_key",
                     "/etc/rampart/listen.conf", "/var/log/rampart/audit.jsonl"):
            check(os.path.exists(kept), kept + " did not survive remove")
        pwd.getpwnam("rampart")

    def purge(self):
        log("apt-get purge: keys, logs and the account go; the administrator's drop-in stays")
        self.apt("purge", PKG)
        status, _ = installed_version()
        check(status in (None, "un", "pn"), "dpkg status after purge: %r" % status)
        left = sorted(os.path.join(d, f) for d, _, fs in os.walk("/etc/rampart") for f in fs)
        check(left == [MARKER], "left in /etc/rampart after purge: %s" % left)
        for gone in ("/var/log/rampart", "/var/lib/rampart"):
            check(not os.path.exists(gone), gone + " survived purge")
        try:
            pwd.getpwnam("rampart")
            raise Failure("the rampart account survived purge")
        except KeyError:
            pass

    def cleanup(self):
        if self.service:
            try:
                self.service.stop()
            except Exception as e:  # keep cleaning up
                log("stopping rampartd: %s" % e)
        if self.installed_by_us:
            status, _ = installed_version()
            if status and status not in ("un", "pn"):
                run(["dpkg", "--purge", PKG], timeout=300, check_rc=False, env=APT_ENV)
        if os.path.exists(MARKER):
            os.unlink(MARKER)
        for d in ("/etc/rampart/policy.d", "/etc/rampart"):
            if os.path.isdir(d) and not os.listdir(d):
                os.rmdir(d)
        run(["userdel", "-r", USER], check_rc=False)
        shutil.rmtree(self.work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--debs", required=True, help="directory with rampart_*.deb")
    args = ap.parse_args()
    t = PackageTest(args.debs)
    steps = (t.preflight, t.install, t.layout, t.configure, t.start_and_use, t.reload,
             t.audit_records, t.logrotate, t.no_new_privileges, t.upgrade, t.remove, t.purge)
    started = time.monotonic()
    try:
        for step in steps:
            step()
    except (Failure, subprocess.TimeoutExpired, OSError, KeyError, ValueError) as e:
        log("FAILED in %s: %s" % (step.__name__, e))
        if t.service:
            log("rampartd's log:\n" + t.service.log()[-4000:])
        t.cleanup()
        return 1
    t.cleanup()
    log("ok: %d steps in %.0f s" % (len(steps), time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())

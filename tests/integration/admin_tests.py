"""tests/integration/admin_tests.py: how an administrator runs rampart.

The control socket against live OpenSSH clients, policy reloads, the audit
log record by record, admission rules, penalties and max-startups. Loaded by
tests/integration/run.py.
"""

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest

import harness
from harness import Daemon

BUILD = "build"


def set_build(build):
    global BUILD
    BUILD = build


class AdminTest(unittest.TestCase):
    """A fresh daemon per test: these tests change its state."""

    daemon_args = {}

    def setUp(self):
        self.d = Daemon(BUILD, **self.daemon_args)
        self.d.start()

    def tearDown(self):
        log = self.d.stop()
        reports = self.d.sanitizer_reports()
        self.d.cleanup()
        if reports:
            raise AssertionError("sanitizer reports in rampartd's log:\n" + log)

    def background_ssh(self, command, **kw):
        return self.d.ssh_background(command, **kw)

    def wait_for(self, predicate, timeout=10, what="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError("timed out waiting for %s" % what)

    def connections(self):
        r = self.d.ctl("connections", json_out=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)["connections"]

    def authenticated_with_channel(self, target):
        for c in self.connections():
            if c["state"] == "authenticated" and any(ch["target"] == target
                                                     for ch in c["channels"]):
                return c
        return None

    def rewrite_policy(self, edit):
        with open(self.d.policy) as f:
            text = f.read()
        with open(self.d.policy, "w") as f:
            f.write(edit(text))


class TestControlSocket(AdminTest):
    def test_socket_is_private(self):
        st = os.stat(self.d.control)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(st.st_mode & 0o777, 0o600)

    @unittest.skipUnless(harness.is_root(), "needs root to try another uid")
    def test_other_users_are_refused(self):
        # Even with the socket opened up, SO_PEERCRED keeps them out.
        os.chmod(self.d.dir, 0o755)
        os.chmod(self.d.control, 0o666)
        mark = self.d.mark()
        r = subprocess.run(["su", harness.TEST_USER, "-s", "/bin/sh", "-c",
                            "%s status -s %s" % (os.path.join(self.d.build, "rampartctl"),
                                                 self.d.control)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=30)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.d.wait_log(r"control socket: refused a client with uid \d+", after=mark)

    def test_status_table_and_json(self):
        r = self.d.ctl("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("127.0.0.1:0", r.stdout)
        self.assertIn("listening:   yes", r.stdout)
        r = self.d.ctl("status", json_out=True)
        st = json.loads(r.stdout)
        self.assertEqual(st["pid"], self.d.proc.pid)
        self.assertTrue(st["listening"])
        self.assertEqual(len(st["policy_sha256"]), 64)
        self.assertEqual(st["audit"]["file"], self.d.audit)
        self.assertTrue(st["audit"]["healthy"])

    def test_connections_shows_user_source_and_channel(self):
        p = self.background_ssh("sleep 30")
        try:
            c = self.wait_for(lambda: self.authenticated_with_channel("sleep 30"),
                              what="the session in connections")
            self.assertEqual(c["user"], self.d.default_user())
            self.assertEqual(c["from"], "127.0.0.1")
            self.assertEqual(c["auth"], ["publickey"])
            self.assertTrue(c["key"].startswith("SHA256:"))
            self.assertTrue(c["client_version"].startswith("SSH-2.0-OpenSSH"))
            table = self.d.ctl("connections").stdout
            self.assertIn("session:sleep 30", table)
            self.assertIn("127.0.0.1:%d" % c["port"], table)
        finally:
            p.kill()
            p.wait(timeout=10)

    def test_disconnect_shows_the_message_to_the_client(self):
        p = self.background_ssh("sleep 30")
        try:
            c = self.wait_for(lambda: self.authenticated_with_channel("sleep 30"),
                              what="the session")
            r = self.d.ctl("disconnect", str(c["id"]), "maintenance at noon")
            self.assertEqual(r.returncode, 0, r.stderr)
            _, err = p.communicate(timeout=15)
            self.assertEqual(p.returncode, 255)
            self.assertIn(b"maintenance at noon", err)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        # The close record comes when the monitor reaps the worker, which
        # may be just after the client saw the disconnect.
        closes = self.wait_for(lambda: [r for r in self.d.audit_records()
                                        if r["event"] == "close" and r["conn"] == c["id"]],
                               what="the close record")
        self.assertEqual(closes[0]["by"], "server")
        self.assertEqual(closes[0]["text"], "maintenance at noon")
        self.assertTrue(any(r["event"] == "admin" and r["action"] == "disconnect"
                            for r in self.d.audit_records()))

    def test_disconnect_unknown_id_fails(self):
        r = self.d.ctl("disconnect", "99999")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no connection 99999", r.stderr)

    def test_every_command_answers_json_when_asked(self):
        r = self.d.ctl("reload", json_out=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        answer = json.loads(r.stdout)
        self.assertEqual(answer["ok"], True)
        self.assertIn("policy reloaded", answer["message"])
        r = self.d.ctl("disconnect", "99999", json_out=True)
        self.assertEqual(r.returncode, 1)
        answer = json.loads(r.stdout)
        self.assertEqual(answer["ok"], False)
        self.assertIn("no connection 99999", answer["message"])

    def test_rekey_runs_a_new_exchange(self):
        p = self.background_ssh("sleep 30")
        try:
            c = self.wait_for(lambda: self.authenticated_with_channel("sleep 30"),
                              what="the session")
            r = self.d.ctl("rekey", str(c["id"]))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.wait_for(lambda: any(x["event"] == "kex" and x["conn"] == c["id"] and
                                      x["exchange"] == 2 for x in self.d.audit_records()),
                          what="a second kex record")
        finally:
            p.kill()
            p.wait(timeout=10)

    def test_stop_and_start_listening_leave_sessions_alone(self):
        p = self.background_ssh("sleep 4; echo survived")
        try:
            self.wait_for(lambda: self.authenticated_with_channel("sleep 4; echo survived"),
                          what="the session")
            self.assertEqual(self.d.ctl("stop-listening").returncode, 0)
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", self.d.port), timeout=5).close()
            out, _ = p.communicate(timeout=20)
            self.assertEqual(out, b"survived\n")
            r = self.d.ctl("start-listening")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.d.ssh("echo again").stdout, b"again\n")
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)

    def test_shutdown_drain_lets_sessions_finish(self):
        p = self.background_ssh("sleep 2; echo finished")
        self.wait_for(lambda: self.authenticated_with_channel("sleep 2; echo finished"),
                      what="the session")
        r = self.d.ctl("shutdown", "--drain", "20s")
        self.assertEqual(r.returncode, 0, r.stderr)
        # No new connections...
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", self.d.port), timeout=5).close()
        # ...the running one finishes normally, and rampartd then exits.
        out, _ = p.communicate(timeout=30)
        self.assertEqual(out, b"finished\n")
        self.assertEqual(p.returncode, 0)
        self.d.proc.wait(timeout=20)
        self.assertEqual(self.d.proc.returncode, 0)

    def test_shutdown_drain_disconnects_at_the_deadline(self):
        p = self.background_ssh("sleep 60")
        self.wait_for(lambda: self.authenticated_with_channel("sleep 60"), what="the session")
        start = time.monotonic()
        self.assertEqual(self.d.ctl("shutdown", "--drain", "2s").returncode, 0)
        _, err = p.communicate(timeout=30)
        self.assertIn(b"server shutting down", err)
        self.assertGreater(time.monotonic() - start, 1.5)
        self.d.proc.wait(timeout=20)

    def test_sigterm_disconnects_clients_with_a_reason(self):
        p = self.background_ssh("sleep 60")
        self.wait_for(lambda: self.authenticated_with_channel("sleep 60"), what="the session")
        self.d.proc.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
        self.assertIn(b"server shutting down", err)
        self.d.proc.wait(timeout=20)


class TestReload(AdminTest):
    def test_broken_policy_keeps_the_running_one(self):
        self.rewrite_policy(lambda t: t + "\nallow everything\n")
        r = self.d.ctl("reload")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"reload failed, the running policy stays: .*rampart\.conf:\d+:1")
        self.assertEqual(self.d.ssh("echo still").stdout, b"still\n")
        self.assertTrue(any(x["event"] == "reload" and not x["ok"]
                            for x in self.d.audit_records()))

    def test_tightened_exec_applies_to_new_connections_only(self):
        p = self.background_ssh("sleep 3; echo old-rules")
        try:
            self.wait_for(lambda: self.authenticated_with_channel("sleep 3; echo old-rules"),
                          what="the session")
            self.rewrite_policy(lambda t: t.replace("    allow exec\n",
                                                    '    allow exec "true"\n'))
            r = self.d.ctl("reload")
            self.assertEqual(r.returncode, 0, r.stderr)
            # New connections: only "true" may run now.
            self.assertEqual(self.d.ssh("true").returncode, 0)
            refused = self.d.ssh("echo new")
            self.assertEqual(refused.returncode, 255)
            self.assertIn(b"exec request failed", refused.stderr)
            # The connection admitted before keeps its rules.
            out, _ = p.communicate(timeout=20)
            self.assertEqual(out, b"old-rules\n")
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)

    def test_revoked_user_is_disconnected_with_an_audit_record(self):
        p = self.background_ssh("sleep 30")
        try:
            c = self.wait_for(lambda: self.authenticated_with_channel("sleep 30"),
                              what="the session")
            self.rewrite_policy(lambda t: t.replace("    allow login\n", ""))
            os.kill(self.d.proc.pid, signal.SIGHUP)
            _, err = p.communicate(timeout=20)
            self.assertIn(b"access revoked by a policy change", err)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        self.assertTrue(any(x["event"] == "admin" and x["action"] == "revoke" and
                            x["conn"] == c["id"] for x in self.d.audit_records()))
        self.assertEqual(self.d.ssh("true").returncode, 255)


class TestAuditLog(AdminTest):
    def test_a_session_record_by_record(self):
        r = self.d.ssh("echo hi; exit 3")
        self.assertEqual(r.returncode, 3)
        self.wait_for(lambda: any(x["event"] == "close" for x in self.d.audit_records()),
                      what="the close record")
        with open(self.d.audit, encoding="utf-8") as f:
            lines = f.read().splitlines()
        records = [json.loads(line) for line in lines]  # every line is JSON
        for rec in records:
            self.assertRegex(rec["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
            self.assertEqual(list(rec)[:2], ["time", "event"])
        conn = [x for x in records if "conn" in x]
        events = [x["event"] for x in conn]
        self.assertEqual(events, ["accept", "kex", "auth", "auth", "session-start",
                                  "session-end", "close"], events)
        accept, kex, query, auth, start, end, close = conn
        self.assertEqual(accept["from"], "127.0.0.1")
        self.assertTrue(kex["client_version"].startswith("SSH-2.0-OpenSSH"))
        self.assertEqual(kex["server_version"], "SSH-2.0-rampart_0.1.0")
        # The client's first choice: a post-quantum hybrid on OpenSSH >= 9.0.
        self.assertIn(kex["kex"], ("mlkem768x25519-sha256", "sntrup761x25519-sha512",
                                   "sntrup761x25519-sha512@openssh.com"))
        self.assertEqual(kex["host_key"], "ssh-ed25519")
        self.assertIn(kex["cipher_in"], ("chacha20-poly1305@openssh.com",
                                         "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"))
        self.assertEqual((query["stage"], query["result"]), ("query", "key-acceptable"))
        self.assertEqual((auth["stage"], auth["result"]), ("signature", "accepted"))
        self.assertEqual(auth["user"], self.d.default_user())
        self.assertTrue(auth["key"].startswith("SHA256:"))
        self.assertFalse(auth["partial_success"])
        self.assertEqual(start["command"], "echo hi; exit 3")
        self.assertEqual(end["exit_status"], 3)
        self.assertEqual(close["by"], "client")
        self.assertGreater(close["bytes_in"], 0)
        self.assertEqual(records[0]["event"], "start")

    def test_failed_auth_and_hostile_input_stay_valid_json(self):
        other = os.path.join(self.d.dir, "wrong_key")
        harness.ssh_keygen(other)
        self.d.ssh("true", key=other)
        # A name the worker passes on (printable bytes) but JSON must escape;
        # OpenSSH's client will not send a quote, paramiko will.
        import paramiko
        t = paramiko.Transport(("127.0.0.1", self.d.port))
        try:
            t.start_client(timeout=20)
            with self.assertRaises(paramiko.AuthenticationException):
                t.auth_publickey('bob"\u00e9',
                                 paramiko.Ed25519Key.from_private_key_file(self.d.client_key))
        finally:
            t.close()
        # A client version with control bytes and a quote.
        self.d.raw_connect(b'SSH-2.0-evil"\x07version\r\n' + b"\x00" * 64)
        time.sleep(0.5)
        recs = self.d.audit_records()
        rejected = [x for x in recs if x["event"] == "auth" and x["result"] == "rejected"]
        self.assertTrue(any(x["reason"].startswith("key not listed for") for x in rejected))
        self.assertTrue(any(x["user"] == 'bob"\u00e9' for x in recs if x["event"] == "auth"))

    def test_audit_file_reopens_after_logrotate(self):
        self.d.ssh("true")
        os.rename(self.d.audit, self.d.audit + ".1")
        self.assertEqual(self.d.ctl("reload").returncode, 0)
        self.d.ssh("true")
        self.wait_for(lambda: os.path.exists(self.d.audit) and
                      any(x["event"] == "close" for x in self.d.audit_records()),
                      what="records in the new file")

    def test_sigusr1_reopens_the_audit_log_without_a_reload(self):
        # What logrotate's postrotate does: the policy is not read again,
        # so a half-edited policy on disk does not matter.
        self.d.ssh("true")
        self.wait_for(lambda: any(x["event"] == "close" for x in self.d.audit_records()),
                      what="the first connection's close record")
        os.rename(self.d.audit, self.d.audit + ".1")
        with open(self.d.policy, "a") as f:
            f.write("half-edited directive\n")
        mark = self.d.mark()
        self.d.proc.send_signal(signal.SIGUSR1)
        self.d.wait_log(r"SIGUSR1: audit log reopened", after=mark)
        self.assertNotIn("reload", "\n".join(self.d.log().splitlines()[mark:]))
        self.d.ssh("true")
        self.wait_for(lambda: os.path.exists(self.d.audit) and
                      any(x["event"] == "close" for x in self.d.audit_records()),
                      what="records in the new file")
        with open(self.d.audit + ".1") as f:
            old = [json.loads(line) for line in f]
        self.assertTrue(any(x["event"] == "close" for x in old))


class TestServiceManager(unittest.TestCase):
    """systemd's readiness protocol (Type=notify), with a socket of our own."""

    def run_with_notify(self, address, bind_to):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(bind_to)
        sock.settimeout(20)
        d = Daemon(BUILD)
        os.environ["NOTIFY_SOCKET"] = address
        try:
            d.start()
        finally:
            del os.environ["NOTIFY_SOCKET"]
        try:
            self.assertEqual(sock.recv(4096), b"READY=1\nSTATUS=running")
            # Nothing the daemon starts inherits the variable.
            r = d.ssh("echo ${NOTIFY_SOCKET-unset}")
            self.assertEqual(r.stdout, b"unset\n", r.stderr)
            d.proc.send_signal(signal.SIGHUP)
            self.assertTrue(sock.recv(4096).startswith(b"RELOADING=1\n"))
            self.assertEqual(sock.recv(4096), b"READY=1\nSTATUS=running; policy reloaded")
            with open(d.policy, "a") as f:
                f.write("half-edited directive\n")
            d.proc.send_signal(signal.SIGHUP)
            self.assertTrue(sock.recv(4096).startswith(b"RELOADING=1\n"))
            self.assertIn(b"the last reload failed", sock.recv(4096))
            d.proc.send_signal(signal.SIGTERM)
            self.assertTrue(sock.recv(4096).startswith(b"STOPPING=1\n"))
        finally:
            d.stop()
            reports = d.sanitizer_reports()
            d.cleanup()
            sock.close()
        self.assertEqual(reports, [])

    def test_ready_reloading_and_stopping_on_a_path_socket(self):
        path = os.path.join(tempfile.mkdtemp(prefix="rampart-notify-"), "notify")
        try:
            self.run_with_notify(path, path)
        finally:
            shutil.rmtree(os.path.dirname(path), ignore_errors=True)

    def test_ready_on_an_abstract_socket(self):
        name = "rampart-test-notify-%d" % os.getpid()
        self.run_with_notify("@" + name, "\0" + name)


class TestAdmission(AdminTest):
    daemon_args = {"admission": "refuse from 127.0.0.2\nadmit from 127.0.0.0/8 rate 3/1m"}

    def test_refuse_rule_and_rate_limit(self):
        mark = self.d.mark()
        r = self.d.ssh("true", options=[("-o", "BindAddress=127.0.0.2")])
        self.assertEqual(r.returncode, 255)
        self.d.wait_log(r"refused connection from=127\.0\.0\.2 port=\d+ reason=admission "
                        r"rule=.*refuse from 127\.0\.0\.2", after=mark)
        ok = [self.d.ssh("true").returncode for _ in range(3)]
        self.assertEqual(ok, [0, 0, 0])
        self.assertEqual(self.d.ssh("true").returncode, 255)
        self.d.wait_log(r"reason=admission rule=.*rate exceeded", after=mark)
        refusals = [x for x in self.d.audit_records() if x["event"] == "refuse"]
        self.assertEqual([x["reason"] for x in refusals], ["admission", "admission"])


class TestNoAdmitRule(AdminTest):
    daemon_args = {"admission": None}

    def test_deny_by_default(self):
        mark = self.d.mark()
        self.assertEqual(self.d.ssh("true").returncode, 255)
        self.d.wait_log(r"reason=admission rule=no admit rule matches \(deny by default\)",
                        after=mark)


class TestLoginRules(AdminTest):
    def setUp(self):
        user = harness.pwd.getpwuid(os.geteuid()).pw_name
        self.daemon_args = {"users": {user: {"allow_login": False}},
                            "extra_policy": ""}
        super().setUp()
        self.rewrite_policy(lambda t: t.replace(
            "    allow exec\n", "    allow login from 127.0.0.3\n    allow exec\n"))
        self.assertEqual(self.d.ctl("reload").returncode, 0)

    def test_login_only_from_the_allowed_source(self):
        mark = self.d.mark()
        r = self.d.ssh("echo no")
        self.assertEqual(r.returncode, 255)
        self.d.wait_log(r"reason=\"no rule allows login \(deny by default\)\"", after=mark)
        r = self.d.ssh("echo yes", options=[("-o", "BindAddress=127.0.0.3")])
        self.assertEqual(r.stdout, b"yes\n", r.stderr)


class TestPenalties(AdminTest):
    daemon_args = {"penalties": True,
                   "extra_policy": "penalties {\n authfail 30s\n min 15s\n}"}

    def test_failed_logins_earn_a_penalty(self):
        other = os.path.join(self.d.dir, "wrong_key")
        harness.ssh_keygen(other)
        mark = self.d.mark()
        self.assertEqual(self.d.ssh("true", key=other).returncode, 255)
        # The penalty is recorded when the monitor reaps that connection's
        # worker, which may come after the client has exited.
        self.d.wait_log(r"source 127\.0\.0\.1 penalised for", after=mark)
        # The right key is refused too now: the source is penalised.
        r = self.d.ssh("true")
        self.assertEqual(r.returncode, 255)
        self.d.wait_log(r"refused connection from=127\.0\.0\.1 .*reason=penalty", after=mark)
        # Another loopback address is a different source.
        r = self.d.ssh("echo other", options=[("-o", "BindAddress=127.0.0.4")])
        self.assertEqual(r.stdout, b"other\n", r.stderr)


class TestMaxStartups(AdminTest):
    daemon_args = {"extra_policy": "max-startups 2"}

    def test_unauthenticated_connections_beyond_the_limit_are_refused(self):
        mark = self.d.mark()
        socks = []
        try:
            for _ in range(2):
                s = socket.create_connection(("127.0.0.1", self.d.port), timeout=10)
                s.sendall(b"SSH-2.0-idle\r\n")
                socks.append(s)
            self.wait_for(lambda: len(self.connections()) == 2, what="two connections")
            self.d.raw_connect(b"SSH-2.0-third\r\n", timeout=10)
            self.d.wait_log(r"reason=max-startups", after=mark)
        finally:
            for s in socks:
                s.close()


class TestIdleTimeout(AdminTest):
    daemon_args = {"extra_policy": "idle-timeout 10s\nkeepalive 1s 3"}

    def test_idle_session_is_closed_but_keepalives_alone_do_not_count(self):
        # Keep-alive probes are answered by OpenSSH; they do not count as
        # activity, so the idle session still ends after ~10 s.
        start = time.monotonic()
        r = self.d.ssh("sleep 30", timeout=60)
        self.assertEqual(r.returncode, 255)
        self.assertIn(b"idle timeout", r.stderr)
        self.assertLess(time.monotonic() - start, 25)


@unittest.skipUnless(harness.is_root(), "mounts a small tmpfs")
class TestAuditFailure(unittest.TestCase):
    """A full disk under the audit log: refuse new connections, or carry on."""

    def run_with_full_audit_disk(self, setting):
        import tempfile
        mnt = tempfile.mkdtemp(prefix="rampart-audit-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt], check=True,
                       timeout=30)
        d = None
        try:
            d = Daemon(BUILD, audit_path=os.path.join(mnt, "audit.jsonl"),
                       extra_policy="audit-failure %s" % setting)
            d.start()
            self.assertEqual(d.ssh("true").returncode, 0)
            filler = os.path.join(mnt, "filler")
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                for _ in range(1024):  # bounded: the tmpfs holds 256 KiB
                    os.write(fd, b"\0" * 4096)
            except OSError:
                pass
            finally:
                os.close(fd)
            # The audit file's last page may still have room: connect until
            # its records no longer fit and the log turns unhealthy.
            for _ in range(10):
                d.ssh("true")
                if "audit records are being lost" in d.log():
                    break
            d.wait_log(r"error audit: (short write to|cannot write to) .*audit records are being lost",
                       timeout=10)
            st = json.loads(d.ctl("status", json_out=True).stdout)
            self.assertFalse(st["audit"]["healthy"])
            result = d.ssh("echo next")
            os.unlink(filler)
            return d, result
        except BaseException:
            if d is not None:
                d.stop()
                d.cleanup()
            raise
        finally:
            if d is not None:
                d.stop()
            subprocess.run(["umount", mnt], timeout=30)
            os.rmdir(mnt)

    def test_refuse_while_the_audit_log_cannot_be_written(self):
        d, result = self.run_with_full_audit_disk("refuse")
        try:
            self.assertEqual(result.returncode, 255)
            self.assertRegex(d.log(), r"refused connection from=127\.0\.0\.1 .*reason=audit-failure")
        finally:
            d.cleanup()

    def test_audit_log_heals_when_space_returns(self):
        import tempfile
        mnt = tempfile.mkdtemp(prefix="rampart-audit-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt], check=True,
                       timeout=30)
        d = Daemon(BUILD, audit_path=os.path.join(mnt, "audit.jsonl"))
        try:
            d.start()
            filler = os.path.join(mnt, "filler")
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                for _ in range(1024):
                    os.write(fd, b"\0" * 4096)
            except OSError:
                pass
            finally:
                os.close(fd)
            for _ in range(10):
                if d.ssh("true").returncode != 0:
                    break
            os.unlink(filler)
            # The next refusal's own record is written: the log heals and
            # connections are admitted again.
            results = [d.ssh("echo back").stdout for _ in range(3)]
            self.assertIn(b"back\n", results)
            self.assertTrue(json.loads(d.ctl("status", json_out=True).stdout)["audit"]["healthy"])
        finally:
            d.stop()
            d.cleanup()
            subprocess.run(["umount", mnt], timeout=30)
            os.rmdir(mnt)

    def test_continue_keeps_serving(self):
        d, result = self.run_with_full_audit_disk("continue")
        try:
            self.assertEqual(result.stdout, b"next\n", result.stderr)
        finally:
            d.cleanup()


class TestIPv6(AdminTest):
    daemon_args = {"extra_policy": "listen [::1]:0"}

    def test_listens_and_admits_on_ipv6_loopback(self):
        m = self.d.wait_log(r"listening on \[::1\]:(\d+)")
        port = int(m.group(1))
        with open(self.d.known_hosts, "a") as f:
            f.write("[::1]:%d %s\n" % (port, self.d.host_pub))
        cmd = self.d.ssh_cmd()
        cmd[cmd.index("-p") + 1] = str(port)
        cmd[-1] = "%s@::1" % self.d.default_user()
        r = subprocess.run(cmd + ["echo v6; echo $SSH_CONNECTION"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.decode().splitlines()
        self.assertEqual(lines[0], "v6")
        self.assertTrue(lines[1].startswith("::1 "), lines[1])


class TestGroupOnlyPrincipal(AdminTest):
    """A user with no block of their own, known through their Unix group."""

    def setUp(self):
        import grp
        group = grp.getgrgid(os.getgid()).gr_name
        self.daemon_args = {"users": {}}
        super().setUp()
        self.rewrite_policy(lambda t: t + (
            "group staff-by-unix-group {\n"
            "    system-group %s\n"
            '    authorized-key "%s"\n'
            "    allow login\n"
            '    allow exec "id -un"\n'
            "}\n") % (group, self.d.client_pub))
        r = self.d.ctl("reload")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_group_rules_and_keys_apply(self):
        r = self.d.ssh("id -un")
        self.assertEqual(r.stdout.decode().strip(), self.d.default_user(), r.stderr)
        # Only the listed command: the group's first exec rule.
        self.assertEqual(self.d.ssh("echo other").returncode, 255)


class TestRampartctlCheck(unittest.TestCase):
    def test_check_and_explain_on_the_example_policy(self):
        example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                               "examples", "rampart.conf")
        ctl = os.path.join(BUILD, "rampartctl")
        r = subprocess.run([ctl, "check", "-f", example], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=30)
        # The example names host keys under /etc/rampart; check parses the
        # policy without loading keys.
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("admit from", r.stdout)

    def test_the_packaged_default_policy_admits_nobody(self):
        # packaging/rampart.conf as the package installs it, with the
        # listen.conf its postinst writes; check -q (the unit's
        # ExecStartPre) prints nothing when all is well.
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                           "packaging", "rampart.conf")
        ctl = os.path.join(BUILD, "rampartctl")
        tmp = tempfile.mkdtemp(prefix="rampart-default-policy-")
        try:
            conf = os.path.join(tmp, "rampart.conf")
            shutil.copy(src, conf)
            shutil.copy(os.path.join(os.path.dirname(src), "moduli"), tmp)
            with open(os.path.join(tmp, "listen.conf"), "w") as f:
                f.write("listen *:2222\n")
            r = subprocess.run([ctl, "check", "-q", "-f", conf], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=30)
            self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
            r = subprocess.run([ctl, "explain", "-f", conf, "root", "127.0.0.1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=30)
            self.assertNotEqual(r.returncode, 0, r.stdout)
            self.assertIn("refuse", (r.stdout + r.stderr).lower())
            os.makedirs(os.path.join(tmp, "policy.d"))
            with open(os.path.join(tmp, "policy.d", "10-site.conf"), "w") as f:
                f.write("admit from 127.0.0.0/8\npermit everyone\n")
            r = subprocess.run([ctl, "check", "-q", "-f", conf], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=30)
            self.assertEqual((r.returncode, r.stdout), (1, ""))
            self.assertIn("10-site.conf:2:1: unknown directive 'permit'", r.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_every_command_answers_help(self):
        ctl = os.path.join(BUILD, "rampartctl")
        for command in ("keygen", "totp-enroll", "check", "explain", "status", "connections",
                        "disconnect", "rekey", "stop-listening", "start-listening",
                        "shutdown", "reload"):
            r = subprocess.run([ctl, command, "--help"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, (command, r.stderr))
            self.assertIn(command, r.stdout)

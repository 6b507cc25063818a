"""tests/integration/auth_tests.py: every way to authenticate, with real clients.

Keys of every type and OpenSSH certificates with Debian's OpenSSH client;
authorized_keys options; passwords (policy hashes and /etc/shadow) with
OpenSSH, paramiko and asyncssh; keyboard-interactive with TOTP codes the
test computes; multi-factor chains; `auth none`; banners; host
certificates; and the timing of an unknown user against a known one.
Loaded by tests/integration/run.py.
"""

import asyncio
import base64
import crypt
import hashlib
import hmac
import os
import pwd
import secrets
import shutil
import statistics
import struct
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


def keygen(path, kind, bits=None):
    cmd = ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", kind, "-f", path]
    if bits:
        cmd += ["-b", str(bits)]
    subprocess.run(cmd, check=True, timeout=60, stdin=subprocess.DEVNULL)
    with open(path + ".pub") as f:
        return f.read().strip()


def fingerprint(pub_path):
    out = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", pub_path], check=True,
                         timeout=30, stdout=subprocess.PIPE, text=True).stdout
    return out.split()[1]


def sign_cert(ca, pub, key_id, principals, serial, validity=None, options=(), host=False):
    """ssh-keygen -s: returns the path of the certificate it wrote."""
    cmd = ["ssh-keygen", "-q", "-s", ca, "-I", key_id, "-n", principals, "-z", str(serial)]
    if host:
        cmd.append("-h")
    if validity:
        cmd += ["-V", validity]
    for o in options:
        cmd += ["-O", o]
    cmd.append(pub)
    subprocess.run(cmd, check=True, timeout=30, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return pub[:-len(".pub")] + "-cert.pub"


def yescrypt(password):
    # libxcrypt's yescrypt at Debian's default cost (j9T), 16 random salt
    # characters from crypt's alphabet.
    alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    salt = "".join(secrets.choice(alphabet) for _ in range(16))
    h = crypt.crypt(password, "$y$j9T$" + salt)
    assert h and h.startswith("$y$"), h
    return h


def totp(secret, at=None, step_offset=0, digits=6, period=30, algo=hashlib.sha1):
    """RFC 6238, computed here independently of rampart."""
    counter = int((time.time() if at is None else at) // period) + step_offset
    mac = hmac.new(secret, struct.pack(">Q", counter), algo).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(value % (10 ** digits)).zfill(digits)


def paramiko_transport(d):
    import paramiko
    t = paramiko.Transport(("127.0.0.1", d.port))
    t.start_client(timeout=20)
    key = t.get_remote_server_key()
    if key.get_base64() != d.host_pub.split()[1]:
        t.close()
        raise AssertionError("paramiko saw another host key")
    return t


def paramiko_exec(t, command):
    ch = t.open_session(timeout=20)
    ch.settimeout(20)
    ch.exec_command(command)
    out = b""
    while True:
        data = ch.recv(65536)
        if not data:
            break
        out += data
    status = ch.recv_exit_status()
    ch.close()
    return out, status


class AuthTest(unittest.TestCase):
    """One daemon per class, its policy written by the class from fixtures."""

    # Run the daemon as an ordinary account when the tests are root: users
    # then need no system accounts, and files it reads belong to it.
    unprivileged = False
    daemon_args = {}

    @classmethod
    def fixtures(cls, fx):
        """Make what the policy needs in directory fx; return policy text."""
        return ""

    @classmethod
    def setUpClass(cls):
        cls.fx = tempfile.mkdtemp(prefix="rampart-auth-")
        os.chmod(cls.fx, 0o755)
        run_as = harness.TEST_USER if cls.unprivileged and harness.is_root() else None
        policy = cls.fixtures(cls.fx)
        if run_as:
            pw = pwd.getpwnam(run_as)
            for root, dirs, files in os.walk(cls.fx):
                for name in dirs + files:
                    os.chown(os.path.join(root, name), pw.pw_uid, pw.pw_gid)
            os.chown(cls.fx, pw.pw_uid, pw.pw_gid)
        args = dict(cls.daemon_args)
        args.setdefault("users", {})
        cls.d = Daemon(BUILD, extra_policy=policy, run_as=run_as, **args)
        cls.prepare_daemon(cls.d)
        cls.d.start()

    @classmethod
    def prepare_daemon(cls, d):
        pass

    @classmethod
    def tearDownClass(cls):
        log = cls.d.stop()
        reports = cls.d.sanitizer_reports()
        cls.d.cleanup()
        shutil.rmtree(cls.fx, ignore_errors=True)
        if reports:
            raise AssertionError("sanitizer reports in rampartd's log:\n" + log)

    def user(self):
        return self.d.default_user()

    def assertLogged(self, pattern, after=0, timeout=10):
        return self.d.wait_log(pattern, timeout=timeout, after=after)

    def auth_records(self, after_count=0):
        return [r for r in self.d.audit_records()[after_count:] if r["event"] == "auth"]


# ---------------------------------------------------------------------------
# publickey: every key type


class TestKeyTypes(AuthTest):
    TYPES = [("ecdsa256", "ecdsa", 256), ("ecdsa384", "ecdsa", 384),
             ("ecdsa521", "ecdsa", 521), ("rsa2048", "rsa", 2048), ("rsa3072", "rsa", 3072),
             ("ed25519", "ed25519", None)]

    @classmethod
    def fixtures(cls, fx):
        cls.keys = {}
        lines = []
        for name, kind, bits in cls.TYPES:
            path = os.path.join(fx, name)
            lines.append('    authorized-key "%s"' % keygen(path, kind, bits))
            cls.keys[name] = path
        # A load-time key file with lines rampart must skip, each named.
        cls.rsa1024 = os.path.join(fx, "rsa1024")
        small = keygen(cls.rsa1024, "rsa", 1024)
        cls.keyfile = os.path.join(fx, "more_keys")
        with open(cls.keyfile, "w") as f:
            f.write("# comment\n%s\nthis is not a key line\n" % small)
        os.chmod(cls.keyfile, 0o644)
        user = pwd.getpwuid(os.geteuid()).pw_name
        return "\n".join(["user %s {" % user] + lines +
                         ["    authorized-keys-file %s" % cls.keyfile,
                          "    allow login", "    allow exec", "}"])

    def test_every_key_type_logs_in(self):
        for name, path in self.keys.items():
            with self.subTest(key=name):
                before = len(self.d.audit_records())
                r = self.d.ssh("echo ok-%s" % name, key=path)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, b"ok-%s\n" % name.encode())
                fp = fingerprint(path + ".pub")
                recs = self.auth_records(before)
                self.assertTrue(any(x["result"] == "accepted" and x["key"] == fp
                                    for x in recs), recs)

    def test_rsa_signs_with_sha2_256_or_512_but_not_sha1(self):
        for alg in ("rsa-sha2-256", "rsa-sha2-512"):
            with self.subTest(alg=alg):
                r = self.d.ssh("echo %s" % alg, key=self.keys["rsa2048"],
                               options=[("-o", "PubkeyAcceptedAlgorithms=%s" % alg)])
                self.assertEqual(r.returncode, 0, r.stderr)
        # OpenSSH will not even try: server-sig-algs has no ssh-rsa.
        r = self.d.ssh("true", key=self.keys["rsa2048"],
                       options=[("-o", "PubkeyAcceptedAlgorithms=ssh-rsa")])
        self.assertEqual(r.returncode, 255)
        # A client that insists on SHA-1 anyway is refused by the monitor.
        import paramiko
        from unittest import mock
        mark = self.d.mark()
        t = paramiko_transport(self.d)
        try:
            with mock.patch.object(paramiko.auth_handler.AuthHandler,
                                   "_finalize_pubkey_algorithm", lambda self, kt: "ssh-rsa"):
                with self.assertRaises(paramiko.AuthenticationException):
                    t.auth_publickey(self.user(), paramiko.RSAKey.from_private_key_file(
                        self.keys["rsa2048"]))
        finally:
            t.close()
        self.assertLogged(r"reason=\"algorithm ssh-rsa is not in pubkey-algorithms\"",
                          after=mark)

    def test_short_rsa_key_and_bad_lines_are_skipped_with_file_and_line(self):
        self.assertLogged(r"%s:2:.*RSA key of 1024 bits" % self.keyfile)
        self.assertLogged(r"%s:3:" % self.keyfile)
        r = self.d.ssh("true", key=self.rsa1024)
        self.assertEqual(r.returncode, 255)

    def test_unknown_user_answers_a_key_as_fast_as_a_known_one(self):
        """Medians of 50 signature attempts each with a key nobody lists:
        for a user the policy knows and for one it does not."""
        import paramiko
        path = os.path.join(self.fx, "stranger")
        if not os.path.exists(path):
            keygen(path, "ed25519")
        stranger = paramiko.Ed25519Key.from_private_key_file(path)
        users = {"known": self.user(), "unknown": "nobody-at-all"}
        times = {kind: [] for kind in users}
        for _ in range(10):
            # 5 failures a connection: max-auth-tries is 6.
            conns = {kind: paramiko_transport(self.d) for kind in users}
            try:
                for _ in range(5):
                    for kind in users:
                        start = time.perf_counter()
                        with self.assertRaises(paramiko.AuthenticationException):
                            conns[kind].auth_publickey(users[kind], stranger)
                        times[kind].append(time.perf_counter() - start)
            finally:
                for t in conns.values():
                    t.close()
        med = {k: statistics.median(v) for k, v in times.items()}
        print("\n    publickey timing medians (ms): %s" % {
            k: round(v * 1000, 2) for k, v in med.items()})
        self.assertLess(abs(med["known"] - med["unknown"]),
                        max(0.2 * med["known"], 0.002))

    def test_paramiko_logs_in_with_ecdsa_and_rsa(self):
        import paramiko
        for name, cls in (("ecdsa384", paramiko.ECDSAKey), ("rsa3072", paramiko.RSAKey)):
            with self.subTest(key=name):
                t = paramiko_transport(self.d)
                try:
                    t.auth_publickey(self.user(), cls.from_private_key_file(self.keys[name]))
                    out, status = paramiko_exec(t, "echo via-paramiko")
                    self.assertEqual((out, status), (b"via-paramiko\n", 0))
                finally:
                    t.close()


class TestSha1WhenThePolicyAsks(AuthTest):
    @classmethod
    def fixtures(cls, fx):
        cls.key = os.path.join(fx, "rsa")
        pub = keygen(cls.key, "rsa", 2048)
        user = pwd.getpwuid(os.geteuid()).pw_name
        return "pubkey-algorithms +ssh-rsa\nuser %s {\n authorized-key \"%s\"\n" \
               " allow login\n allow exec\n}" % (user, pub)

    def test_ssh_rsa_sha1_is_accepted_when_enabled(self):
        r = self.d.ssh("echo sha1", key=self.key,
                       options=[("-o", "PubkeyAcceptedAlgorithms=ssh-rsa")])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"sha1\n")


# ---------------------------------------------------------------------------
# certificates


class TestCertificates(AuthTest):
    @classmethod
    def fixtures(cls, fx):
        user = pwd.getpwuid(os.geteuid()).pw_name
        cls.ca = os.path.join(fx, "ca")
        ca_pub = keygen(cls.ca, "ed25519")
        cls.other_ca = os.path.join(fx, "other_ca")
        keygen(cls.other_ca, "ecdsa", 256)
        cls.key = os.path.join(fx, "user")
        keygen(cls.key, "ed25519")
        cls.certs = {}

        def cert(name, key_id, principals, serial, validity="-5m:+1h", options=(), ca=None,
                 key=None):
            # Each certificate signs its own copy of the key, so each has a
            # file of its own for CertificateFile.
            base = os.path.join(fx, "k_" + name)
            shutil.copy(key or cls.key, base)
            shutil.copy((key or cls.key) + ".pub", base + ".pub")
            os.chmod(base, 0o600)
            cls.certs[name] = (base, sign_cert(ca or cls.ca, base + ".pub", key_id, principals,
                                               serial, validity, options))

        cert("valid", "alice@corp", user, 11)
        cert("expired", "old", user, 12, validity="20200101:20200102")
        cert("future", "soon", user, 13, validity="+1d:+2d")
        cert("wrong_principal", "bob@corp", "bob,carol", 14)
        cert("revoked", "lost-laptop", user, 15)
        cert("source", "elsewhere", user, 16, options=["source-address=10.9.0.0/16"])
        cert("source_ok", "here", user, 17, options=["source-address=127.0.0.0/8,10.9.0.0/16"])
        cert("forced", "batch", user, 18,
             options=['force-command=echo forced:"$SSH_ORIGINAL_COMMAND"'])
        cert("untrusted", "rogue", user, 19, ca=cls.other_ca)
        cert("reload", "revoked-later", user, 21)
        cls.ecdsa_key = os.path.join(fx, "user_ecdsa")
        keygen(cls.ecdsa_key, "ecdsa", 521)
        cert("ecdsa", "ec-user", user, 20, key=cls.ecdsa_key)
        # The KRL revokes serial 15 of this CA.
        cls.krl = os.path.join(fx, "revoked.krl")
        cls.write_krl([15])
        return "\n".join([
            "revoked-keys %s" % cls.krl,
            "user %s {" % user,
            '    trusted-user-ca "%s"' % ca_pub,
            "    allow login",
            "    allow exec",
            "}"])

    @classmethod
    def write_krl(cls, serials):
        spec = os.path.join(cls.fx, "krl.spec")
        with open(spec, "w") as f:
            f.write("".join("serial: %d\n" % n for n in serials))
        subprocess.run(["ssh-keygen", "-q", "-k", "-f", cls.krl, "-s", cls.ca + ".pub", spec],
                       check=True, timeout=30, stdin=subprocess.DEVNULL)

    def test_a_new_krl_on_reload_ends_the_certificates_session(self):
        key, cert = self.certs["reload"]
        mark = self.d.mark()
        p = subprocess.Popen(self.d.ssh_cmd(key=key, options=[
            ("-o", "CertificateFile=%s" % cert)]) + ["sleep 30"], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        try:
            self.assertLogged(r"session \d+ started .*command=\"sleep 30\"", after=mark,
                              timeout=20)
            self.write_krl([15, 21])
            r = self.d.ctl("reload")
            self.assertEqual(r.returncode, 0, r.stderr)
            _, err = p.communicate(timeout=20)
            self.assertEqual(p.returncode, 255)
            self.assertIn(b"access revoked by a policy change", err)
            self.assertLogged(r"access of user \S+ revoked by the new policy: certificate "
                              r"refused \(revoked\)", after=mark)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
            self.write_krl([15])
            self.d.ctl("reload")

    def ssh_cert(self, name, command="echo in", **kw):
        key, cert = self.certs[name]
        return self.d.ssh(command, key=key, options=[("-o", "CertificateFile=%s" % cert)], **kw)

    def test_valid_certificate_logs_in_and_is_audited_with_id_and_serial(self):
        before = len(self.d.audit_records())
        r = self.ssh_cert("valid")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"in\n")
        recs = [x for x in self.auth_records(before) if x["result"] == "accepted"]
        self.assertEqual(len(recs), 1, recs)
        self.assertEqual(recs[0]["cert_key_id"], "alice@corp")
        self.assertEqual(recs[0]["cert_serial"], 11)

    def test_ecdsa_certificate_logs_in(self):
        r = self.ssh_cert("ecdsa")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_each_bad_certificate_is_refused_with_its_reason(self):
        cases = {
            "expired": "certificate refused \\(expired\\)",
            "future": "certificate refused \\(not yet valid\\)",
            "wrong_principal": "certificate refused \\(wrong principal\\)",
            "revoked": "certificate refused \\(revoked\\)",
            "source": "certificate refused \\(source-address\\)",
            "untrusted": "certificate refused \\(untrusted CA\\)",
        }
        for name, reason in cases.items():
            with self.subTest(cert=name):
                mark = self.d.mark()
                r = self.ssh_cert(name)
                self.assertEqual(r.returncode, 255, r.stderr)
                self.assertLogged(r"auth publickey rejected .*reason=\"%s" % reason,
                                  after=mark)

    def test_source_address_that_matches_is_accepted(self):
        r = self.ssh_cert("source_ok")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_force_command_runs_instead_and_sees_the_original(self):
        r = self.ssh_cert("forced", command="rm -rf /nothing")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"forced:rm -rf /nothing\n")

    def test_asyncssh_logs_in_with_a_certificate(self):
        import asyncssh
        key, cert = self.certs["valid"]

        async def run():
            async with asyncssh.connect(
                    "127.0.0.1", port=self.d.port, username=self.user(),
                    client_keys=[(asyncssh.read_private_key(key),
                                  asyncssh.read_certificate(cert))],
                    known_hosts=self.d.known_hosts, agent_path=None) as conn:
                r = await conn.run("echo asyncssh-cert", check=False, timeout=20)
                return r.stdout, r.exit_status
        out, status = asyncio.run(asyncio.wait_for(run(), 60))
        self.assertEqual((out, status), ("asyncssh-cert\n", 0))


class TestHostCertificate(AuthTest):
    """Clients that trust the CA need no known_hosts line for rampart."""

    daemon_args = {"users": None}  # the harness's own user and key

    @classmethod
    def fixtures(cls, fx):
        cls.host_ca = os.path.join(fx, "host_ca")
        cls.host_ca_pub = keygen(cls.host_ca, "ed25519")
        return ""

    @classmethod
    def prepare_daemon(cls, d):
        cert = sign_cert(cls.host_ca, d.hostkey + ".pub", "bastion", "127.0.0.1", 1,
                         validity="-5m:+1h", host=True)
        with open(d.policy, "a") as f:
            f.write("host-certificate %s\n" % cert)

    def test_client_trusting_the_ca_connects_without_a_host_key_line(self):
        kh = os.path.join(self.fx, "ca_known_hosts")
        with open(kh, "w") as f:
            f.write("@cert-authority * %s\n" % self.host_ca_pub)
        cmd = ["ssh", "-F", "/dev/null", "-p", str(self.d.port), "-i", self.d.client_key,
               "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
               "-o", "UserKnownHostsFile=%s" % kh, "-o", "StrictHostKeyChecking=yes",
               "-o", "HostKeyAlgorithms=ssh-ed25519-cert-v01@openssh.com",
               "-v", "%s@127.0.0.1" % self.user(), "echo trusted"]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertEqual(r.stdout, b"trusted\n")
        self.assertIn(b"Server host certificate: ssh-ed25519-cert-v01@openssh.com", r.stderr)

    def test_plain_host_key_is_still_offered(self):
        r = self.d.ssh("echo plain", options=[("-o", "HostKeyAlgorithms=ssh-ed25519")])
        self.assertEqual(r.returncode, 0, r.stderr)


class TestEcdsaRsaHostCertificates(AuthTest):
    """ECDSA and RSA host keys with certificates from the host CA: each
    certificate algorithm (RSA's under both SHA-2 names) signs the exchange
    for a client that trusts only the CA."""

    daemon_args = {"users": None}

    @classmethod
    def fixtures(cls, fx):
        cls.host_ca = os.path.join(fx, "host_ca")
        cls.host_ca_pub = keygen(cls.host_ca, "ed25519")
        cls.host_keys = {}
        for kind, bits in (("ecdsa", 256), ("rsa", 3072)):
            path = os.path.join(fx, "host_%s" % kind)
            keygen(path, kind, bits)
            cls.host_keys[kind] = path
        return ""

    @classmethod
    def prepare_daemon(cls, d):
        with open(d.policy, "a") as f:
            for path in cls.host_keys.values():
                cert = sign_cert(cls.host_ca, path + ".pub", "bastion", "127.0.0.1", 7,
                                 validity="-5m:+1h", host=True)
                f.write("host-key %s\nhost-certificate %s\n" % (path, cert))

    def test_each_certificate_algorithm_signs_the_exchange(self):
        kh = os.path.join(self.fx, "ca_known_hosts")
        with open(kh, "w") as f:
            f.write("@cert-authority * %s\n" % self.host_ca_pub)
        for alg, cert_type in (
                ("ecdsa-sha2-nistp256-cert-v01@openssh.com",
                 "ecdsa-sha2-nistp256-cert-v01@openssh.com"),
                ("rsa-sha2-512-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com"),
                ("rsa-sha2-256-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com")):
            with self.subTest(alg=alg):
                cmd = ["ssh", "-F", "/dev/null", "-p", str(self.d.port), "-i", self.d.client_key,
                       "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                       "-o", "UserKnownHostsFile=%s" % kh, "-o", "StrictHostKeyChecking=yes",
                       "-o", "HostKeyAlgorithms=%s" % alg,
                       "-v", "%s@127.0.0.1" % self.user(), "echo trusted"]
                r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   timeout=60, stdin=subprocess.DEVNULL)
                self.assertEqual(r.returncode, 0, r.stderr[-3000:])
                self.assertEqual(r.stdout, b"trusted\n")
                self.assertIn(("kex: host key algorithm: %s" % alg).encode(), r.stderr)
                self.assertIn(("Server host certificate: %s" % cert_type).encode(), r.stderr)


# ---------------------------------------------------------------------------
# authorized_keys options


class TestAuthorizedKeyOptions(AuthTest):
    @classmethod
    def fixtures(cls, fx):
        user = pwd.getpwuid(os.geteuid()).pw_name
        cls.k = {}
        for name in ("from_elsewhere", "from_here", "forced", "expired", "env", "restricted"):
            cls.k[name] = os.path.join(fx, name)
            keygen(cls.k[name], "ed25519")

        def pub(name):
            with open(cls.k[name] + ".pub") as f:
                return f.read().strip()
        cls.keyfile = os.path.join(fx, "authorized_keys")
        with open(cls.keyfile, "w") as f:
            f.write('from="10.0.0.0/8,!10.9.9.9" %s\n' % pub("from_elsewhere"))
            f.write('from="127.0.0.0/8" %s\n' % pub("from_here"))
            f.write('command="echo forced-by-key:$SSH_ORIGINAL_COMMAND",restrict %s\n'
                    % pub("forced"))
            f.write('expiry-time="20200101" %s\n' % pub("expired"))
            f.write('environment="EVIL=1" %s\n' % pub("env"))
            f.write('restrict,no-pty,permitopen="db:5432" %s\n' % pub("restricted"))
        os.chmod(cls.keyfile, 0o644)
        return "user %s {\n    authorized-keys-file %s\n    allow login\n    allow exec\n}" % (
            user, cls.keyfile)

    def test_from_decides_by_the_client_address(self):
        mark = self.d.mark()
        r = self.d.ssh("true", key=self.k["from_elsewhere"])
        self.assertEqual(r.returncode, 255)
        self.assertLogged(r"auth publickey rejected .*reason=\".*from=", after=mark)
        r = self.d.ssh("echo here", key=self.k["from_here"])
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_command_runs_instead_of_what_the_client_asked(self):
        r = self.d.ssh("cat /etc/shadow", key=self.k["forced"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"forced-by-key:cat /etc/shadow\n")

    def test_expired_key_is_refused(self):
        mark = self.d.mark()
        r = self.d.ssh("true", key=self.k["expired"])
        self.assertEqual(r.returncode, 255)
        self.assertLogged(r"auth publickey rejected .*reason=\".*expir", after=mark)

    def test_line_with_an_option_rampart_does_not_carry_out_is_skipped(self):
        self.assertLogged(r"%s:5:.*environment" % self.keyfile)
        r = self.d.ssh("true", key=self.k["env"])
        self.assertEqual(r.returncode, 255)

    def test_restricted_key_still_runs_commands(self):
        r = self.d.ssh("echo restricted", key=self.k["restricted"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"restricted\n")


# ---------------------------------------------------------------------------
# passwords


PASSWORD = "correct horse battery staple"


def ssh_with_password(d, user, password, command, extra=()):
    """OpenSSH's client with the password from SSH_ASKPASS (no terminal)."""
    askpass = os.path.join(d.dir, "askpass-%d" % os.getpid())
    if not os.path.exists(askpass):
        with open(askpass, "w") as f:
            f.write("#!/bin/sh\nprintf '%s\\n' \"$RAMPART_TEST_SECRET\"\n")
        os.chmod(askpass, 0o755)
    env = dict(os.environ, SSH_ASKPASS=askpass, SSH_ASKPASS_REQUIRE="force",
               DISPLAY=":0", RAMPART_TEST_SECRET=password)
    cmd = ["ssh", "-F", "/dev/null", "-p", str(d.port), "-o", "PubkeyAuthentication=no",
           "-o", "UserKnownHostsFile=%s" % d.known_hosts, "-o", "StrictHostKeyChecking=yes",
           "-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=20"]
    cmd += list(extra) + ["%s@127.0.0.1" % user, command]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                          stdin=subprocess.DEVNULL, env=env, start_new_session=True)


class TestPassword(AuthTest):
    unprivileged = True
    daemon_args = {"max_auth_tries": 100}

    @classmethod
    def fixtures(cls, fx):
        cls.sha512 = crypt.crypt(PASSWORD, crypt.mksalt(crypt.METHOD_SHA512))
        return "\n".join([
            "user pw-yes {", "    auth password", '    password-hash "%s"' % yescrypt(PASSWORD),
            "    allow login", "    allow exec", "}",
            "user pw-sha512 {", "    auth password", '    password-hash "%s"' % cls.sha512,
            "    allow login", "    allow exec", "}",
            # Known, but without a password: fails like anyone else.
            "user pw-none {", "    auth password", "    allow login", "}",
        ])

    def test_openssh_client_with_the_right_password(self):
        r = ssh_with_password(self.d, "pw-yes", PASSWORD, "echo by-password")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"by-password\n")

    def test_wrong_password_and_unknown_user_fail_alike(self):
        mark = self.d.mark()
        wrong = ssh_with_password(self.d, "pw-yes", "nope", "true")
        unknown = ssh_with_password(self.d, "nobody-here", PASSWORD, "true")
        self.assertEqual(wrong.returncode, 255)
        self.assertEqual(unknown.returncode, 255)
        self.assertEqual(wrong.stderr.replace(b"pw-yes", b"U"),
                         unknown.stderr.replace(b"nobody-here", b"U"))
        self.assertLogged(r"auth password rejected user=pw-yes .*reason=\"wrong password\"",
                          after=mark)
        self.assertLogged(r"auth password rejected user=nobody-here .*"
                          r"reason=\"user not in policy\"", after=mark)

    def test_paramiko_and_asyncssh_with_passwords(self):
        import asyncssh
        import paramiko
        t = paramiko_transport(self.d)
        try:
            with self.assertRaises(paramiko.AuthenticationException):
                t.auth_password("pw-sha512", "wrong")
            t.auth_password("pw-sha512", PASSWORD)
            self.assertEqual(paramiko_exec(t, "echo sha512"), (b"sha512\n", 0))
        finally:
            t.close()

        async def run():
            async with asyncssh.connect("127.0.0.1", port=self.d.port, username="pw-yes",
                                        password=PASSWORD, client_keys=None,
                                        known_hosts=self.d.known_hosts,
                                        agent_path=None) as conn:
                r = await conn.run("echo asyncssh-pw", check=False, timeout=20)
                return r.stdout
        self.assertEqual(asyncio.run(asyncio.wait_for(run(), 60)), "asyncssh-pw\n")

    def test_password_change_request_is_refused_and_the_connection_goes_on(self):
        import paramiko
        from paramiko.common import MSG_SERVICE_ACCEPT, cMSG_USERAUTH_REQUEST
        from unittest import mock

        def change_request(handler, m):
            # RFC 4252 8: the request with the flag set and a new password.
            m.get_text()
            msg = paramiko.Message()
            msg.add_byte(cMSG_USERAUTH_REQUEST)
            msg.add_string(handler.username)
            msg.add_string("ssh-connection")
            msg.add_string("password")
            msg.add_boolean(True)
            msg.add_string(PASSWORD)
            msg.add_string("a brand new password")
            handler.transport._send_message(msg)
        mark = self.d.mark()
        t = paramiko_transport(self.d)
        try:
            with mock.patch.dict(paramiko.auth_handler.AuthHandler._client_handler_table,
                                 {MSG_SERVICE_ACCEPT: change_request}):
                with self.assertRaises(paramiko.AuthenticationException):
                    t.auth_password("pw-yes", PASSWORD)
            t.auth_password("pw-yes", PASSWORD)
            self.assertEqual(paramiko_exec(t, "echo after"), (b"after\n", 0))
        finally:
            t.close()
        self.assertLogged(r"worker: password change request refused", after=mark)
        self.assertNotIn("a brand new password", self.d.log())

    def test_audit_never_holds_the_password(self):
        ssh_with_password(self.d, "pw-yes", "secret-wrong-guess-123", "true")
        with open(self.d.audit, encoding="utf-8") as f:
            self.assertNotIn("secret-wrong-guess-123", f.read())
        self.assertNotIn("secret-wrong-guess-123", self.d.log())
        self.assertNotIn(PASSWORD, self.d.log())

    def test_unknown_user_takes_as_long_as_a_known_one(self):
        """Medians of 50 attempts each: known user with a wrong password, a
        known user without a password, and a user rampart does not know."""
        import paramiko
        times = {"known": [], "no-password": [], "unknown": []}
        users = {"known": "pw-yes", "no-password": "pw-none", "unknown": "nobody-at-all"}
        # One connection per user (a connection keeps its user, as with
        # OpenSSH), 50 failures each, under max-auth-tries 100.
        conns = {kind: paramiko_transport(self.d) for kind in times}
        try:
            for _ in range(50):
                for kind in times:  # interleaved, so drift hits all alike
                    start = time.perf_counter()
                    with self.assertRaises(paramiko.AuthenticationException):
                        conns[kind].auth_password(users[kind], "not the password")
                    times[kind].append(time.perf_counter() - start)
        finally:
            for t in conns.values():
                t.close()
        med = {k: statistics.median(v) for k, v in times.items()}
        spread = {k: statistics.quantiles(v, n=4) for k, v in times.items()}
        print("\n    password timing medians (ms): %s; quartiles: %s" % (
            {k: round(v * 1000, 2) for k, v in med.items()},
            {k: [round(q * 1000, 2) for q in v] for k, v in spread.items()}))
        # Within measurement noise: medians within 20% (or 3 ms) of each other.
        base = med["known"]
        for kind in ("no-password", "unknown"):
            self.assertLess(abs(med[kind] - base), max(0.2 * base, 0.003),
                            "median %s %.2f ms vs known %.2f ms" % (kind, med[kind] * 1000,
                                                                     base * 1000))


@unittest.skipUnless(harness.is_root(), "needs root: a system account and /etc/shadow")
class TestSystemPassword(AuthTest):
    @classmethod
    def fixtures(cls, fx):
        cls.account = harness.TEST_USER
        subprocess.run(["usermod", "-p", crypt.crypt(PASSWORD, crypt.mksalt(
            crypt.METHOD_SHA512)), cls.account], check=True, timeout=30)
        return "user %s {\n    auth password\n    password system\n    allow login\n" \
               "    allow exec\n}" % cls.account

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["usermod", "-p", "!", cls.account], check=False, timeout=30)
        super().tearDownClass()

    def test_shadow_password_logs_in_as_the_account(self):
        r = ssh_with_password(self.d, self.account, PASSWORD, "id -un")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"%s\n" % self.account.encode())

    def test_locked_account_is_refused(self):
        subprocess.run(["usermod", "-L", self.account], check=True, timeout=30)
        try:
            mark = self.d.mark()
            r = ssh_with_password(self.d, self.account, PASSWORD, "true")
            self.assertEqual(r.returncode, 255)
            self.assertLogged(r"reason=\"the account's password is locked\"", after=mark)
        finally:
            subprocess.run(["usermod", "-U", self.account], check=True, timeout=30)


# ---------------------------------------------------------------------------
# keyboard-interactive with TOTP, and chains


class TestTotp(AuthTest):
    unprivileged = True

    @classmethod
    def fixtures(cls, fx):
        cls.secrets = {name: secrets.token_bytes(20) for name in ("otp-a", "chain-a",
                                                                  "chain-b")}
        cls.secrets_file = os.path.join(fx, "totp")
        with open(cls.secrets_file, "w") as f:
            for name, secret in cls.secrets.items():
                f.write("%s %s\n" % (name, base64.b32encode(secret).decode().rstrip("=")))
        os.chmod(cls.secrets_file, 0o600)
        cls.key = os.path.join(fx, "k")
        pub = keygen(cls.key, "ed25519")
        lines = []
        for name in ("otp-a",):
            lines += ["user %s {" % name, "    auth keyboard-interactive",
                      "    totp-secrets %s" % cls.secrets_file,
                      '    auth-instruction "Open your authenticator."',
                      "    allow login", "    allow exec", "}"]
        for name in ("chain-a", "chain-b"):
            lines += ["user %s {" % name, "    auth publickey+keyboard-interactive",
                      '    authorized-key "%s"' % pub,
                      "    totp-secrets %s" % cls.secrets_file,
                      "    allow login", "    allow exec", "}"]
        return "\n".join(lines)

    def kbdint(self, t, user, answer, seen=None):
        def handler(title, instructions, prompts):
            if seen is not None:
                seen.append((instructions, [p for p, _ in prompts]))
            return [answer] * len(prompts)
        return t.auth_interactive(user, handler)

    def test_right_code_once_then_replay_and_wrong_codes_fail(self):
        import paramiko
        code = totp(self.secrets["otp-a"])
        seen = []
        t = paramiko_transport(self.d)
        try:
            self.assertEqual(self.kbdint(t, "otp-a", code, seen), [])
            self.assertEqual(paramiko_exec(t, "echo otp"), (b"otp\n", 0))
        finally:
            t.close()
        self.assertEqual(seen, [("Open your authenticator.", ["Verification code: "])])
        mark = self.d.mark()
        t = paramiko_transport(self.d)
        try:
            with self.assertRaises(paramiko.AuthenticationException):
                self.kbdint(t, "otp-a", code)
            wrong = str((int(code) + 1) % 1000000).zfill(6)
            with self.assertRaises(paramiko.AuthenticationException):
                self.kbdint(t, "otp-a", wrong)
        finally:
            t.close()
        self.assertLogged(r"auth keyboard-interactive rejected user=otp-a .*"
                          r"reason=\"one-time code already used\"", after=mark)

    def test_unknown_user_is_prompted_the_same_way(self):
        import paramiko
        seen_unknown = []
        t = paramiko_transport(self.d)
        try:
            with self.assertRaises(paramiko.AuthenticationException):
                self.kbdint(t, "no-such-otp-user", "123456", seen_unknown)
        finally:
            t.close()
        self.assertEqual(seen_unknown, [("", ["Verification code: "])])

    def test_publickey_then_totp_chain_with_paramiko(self):
        import paramiko
        before = len(self.d.audit_records())
        t = paramiko_transport(self.d)
        try:
            remaining = t.auth_publickey("chain-a",
                                         paramiko.Ed25519Key.from_private_key_file(self.key))
            self.assertEqual(remaining, ["keyboard-interactive"])
            self.assertFalse(t.is_authenticated())
            self.assertEqual(self.kbdint(t, "chain-a", totp(self.secrets["chain-a"])), [])
            self.assertTrue(t.is_authenticated())
            self.assertEqual(paramiko_exec(t, "echo chained"), (b"chained\n", 0))
        finally:
            t.close()
        # (paramiko signs at once: no key-acceptable query record)
        recs = self.auth_records(before)
        self.assertEqual([(x["method"], x["result"], x["partial_success"]) for x in recs],
                         [("publickey", "partial", True),
                          ("keyboard-interactive", "accepted", False)])

    def test_totp_alone_does_not_satisfy_a_chain(self):
        import paramiko
        t = paramiko_transport(self.d)
        try:
            with self.assertRaises(paramiko.AuthenticationException):
                self.kbdint(t, "chain-b", totp(self.secrets["chain-b"], step_offset=-1))
        finally:
            t.close()

    def test_publickey_then_totp_chain_with_openssh(self):
        askpass = os.path.join(self.d.dir, "totp-askpass")
        with open(askpass, "w") as f:
            f.write("#!/usr/bin/python3\nimport base64,hashlib,hmac,struct,time\n"
                    "s=base64.b32decode('%s')\nc=int(time.time()//30)+1\n"
                    "m=hmac.new(s,struct.pack('>Q',c),hashlib.sha1).digest()\no=m[-1]&15\n"
                    "print(str((struct.unpack('>I',m[o:o+4])[0]&0x7fffffff)%%1000000)"
                    ".zfill(6))\n" % base64.b32encode(self.secrets["chain-b"]).decode())
        os.chmod(askpass, 0o755)
        env = dict(os.environ, SSH_ASKPASS=askpass, SSH_ASKPASS_REQUIRE="force", DISPLAY=":0")
        cmd = ["ssh", "-F", "/dev/null", "-p", str(self.d.port), "-i", self.key,
               "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=%s" % self.d.known_hosts,
               "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=20",
               "-o", "PreferredAuthentications=publickey,keyboard-interactive",
               "chain-b@127.0.0.1", "echo two-factors"]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                           stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertEqual(r.stdout, b"two-factors\n")


class TestChainsNoneAndBanners(AuthTest):
    unprivileged = True

    @classmethod
    def fixtures(cls, fx):
        cls.key = os.path.join(fx, "k")
        pub = keygen(cls.key, "ed25519")
        return "\n".join([
            'banner "Authorized use only."',
            "user keypass {", "    auth publickey+password",
            '    authorized-key "%s"' % pub,
            '    password-hash "%s"' % yescrypt(PASSWORD),
            '    banner "Welcome, keypass."',
            "    allow login", "    allow exec", "}",
            "user kiosk {", "    auth none", "    allow login", "    allow exec", "}",
            "user keyonly {", '    authorized-key "%s"' % pub, "    allow login", "}",
        ])

    def none_methods(self, user):
        import paramiko
        t = paramiko_transport(self.d)
        try:
            with self.assertRaises(paramiko.BadAuthenticationType) as e:
                t.auth_none(user)
            banner = t.get_banner()
            if isinstance(banner, str):
                banner = banner.encode()
            return e.exception.allowed_types, banner
        finally:
            t.close()

    def test_everyone_is_offered_the_same_methods_and_banner(self):
        known, banner = self.none_methods("keyonly")
        unknown, banner2 = self.none_methods("nobody-we-know")
        chained, _ = self.none_methods("keypass")
        self.assertEqual(known, unknown)
        self.assertEqual(known, chained)
        # password comes second in keypass's chain: nobody starts with it.
        self.assertEqual(known, ["publickey"])
        self.assertEqual(banner, b"Authorized use only.\r\n")
        self.assertEqual(banner2, banner)

    def test_none_logs_in_only_the_user_granted_it(self):
        before = len(self.d.audit_records())
        t = paramiko_transport(self.d)
        try:
            t.auth_none("kiosk")
            self.assertTrue(t.is_authenticated())
            self.assertEqual(paramiko_exec(t, "echo kiosk"), (b"kiosk\n", 0))
        finally:
            t.close()
        self.assertTrue(any(x["method"] == "none" and x["result"] == "accepted"
                            for x in self.auth_records(before)))

    def test_publickey_then_password_with_asyncssh_and_the_user_banner(self):
        import asyncssh
        banners = []

        class Client(asyncssh.SSHClient):
            def auth_banner_received(self, msg, lang):
                banners.append(msg)

        async def run():
            async with asyncssh.connect("127.0.0.1", port=self.d.port, username="keypass",
                                        client_keys=[self.key], password=PASSWORD,
                                        known_hosts=self.d.known_hosts, agent_path=None,
                                        client_factory=Client) as conn:
                r = await conn.run("echo both", check=False, timeout=20)
                return r.stdout
        self.assertEqual(asyncio.run(asyncio.wait_for(run(), 60)), "both\n")
        self.assertEqual(banners, ["Authorized use only.\r\n", "Welcome, keypass.\r\n"])

    def test_key_alone_gets_partial_success_not_a_session(self):
        import paramiko
        t = paramiko_transport(self.d)
        try:
            remaining = t.auth_publickey("keypass",
                                         paramiko.Ed25519Key.from_private_key_file(self.key))
            self.assertEqual(remaining, ["password"])
            self.assertFalse(t.is_authenticated())
            with self.assertRaises(paramiko.AuthenticationException):
                t.auth_password("keypass", "wrong")
            self.assertFalse(t.is_authenticated())
        finally:
            t.close()

    def test_password_first_is_not_offered_and_does_not_count(self):
        import paramiko
        before = len(self.d.audit_records())
        t = paramiko_transport(self.d)
        try:
            with self.assertRaises(paramiko.BadAuthenticationType) as e:
                t.auth_password("keypass", PASSWORD)
            self.assertEqual(e.exception.allowed_types, ["publickey"])
            self.assertFalse(t.is_authenticated())
        finally:
            t.close()
        self.assertEqual(self.auth_records(before), [])

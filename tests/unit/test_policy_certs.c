/*
 * tests/unit/test_policy_certs.c: user certificates (policy/authcert.c)
 * and the revoked-keys setting: every refusal reason, acceptances with the
 * options they return, CAs trusted by trusted-user-ca lines and by
 * cert-authority lines (inline, load-time and login-time key files), and
 * KRL revocations of keys, serials, key ids and CAs.
 *
 * The certificates and the KRL are made by tests/policy/certs/make.sh with
 * ssh-keygen; they are valid from 2024-01-01 to 2034-01-01 UTC.
 */
#include "tests/unit/unit.h"
#include "tests/unit/policy_load.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/cert.h"
#include "crypto/encoding.h"
#include "crypto/sshkey.h"
#include "policy/internal.h"
#include "policy/policy.h"

#define BASE "listen 127.0.0.1:0\nhost-key /k\n"

#define T2023 ((time_t)1672531200) /* 2023-01-01 00:00:00 UTC */
#define T2024 ((time_t)1704067200) /* 2024-01-01: valid_after */
#define T2030 ((time_t)1893456000) /* 2030-01-01 */
#define T2034 ((time_t)2019686400) /* 2034-01-01: valid_before */

/* --- fixtures ------------------------------------------------------------------ */

/* The first line of tests/policy/certs/NAME, without its newline. */
static char *
fixture_line(const char *name)
{
	char rel[128], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	snprintf(rel, sizeof(rel), "tests/policy/certs/%s", name);
	ck_assert_msg((f = fopen(rp_test_path(rel), "r")) != NULL, "cannot open %s", rel);
	n = getline(&line, &cap, f);
	fclose(f);
	ck_assert_msg(n > 0, "%s is empty", rel);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* A public key line as a policy writes it: "TYPE BASE64" (no comment). */
static void
key_text(const char *name, char *out, size_t outsz)
{
	char *line = fixture_line(name), *sp = strchr(line, ' ');

	ck_assert_ptr_nonnull(sp);
	sp = strchr(sp + 1, ' ');
	if (sp != NULL)
		*sp = '\0';
	snprintf(out, outsz, "%s", line);
	free(line);
}

static uint8_t *
cert_blob(const char *name, size_t *len)
{
	char file[96], *line, *b64, *end;
	uint8_t *blob;

	snprintf(file, sizeof(file), "%s-cert.pub", name);
	line = fixture_line(file);
	ck_assert_ptr_nonnull(b64 = strchr(line, ' '));
	b64++;
	end = strchr(b64, ' ');
	ck_assert(rp_base64_decode(b64, end != NULL ? (size_t)(end - b64) : strlen(b64), &blob,
	    len));
	free(line);
	return blob;
}

static struct rp_cert *
load_cert(const char *name)
{
	struct rp_cert *cert;
	const char *err;
	size_t len;
	uint8_t *blob = cert_blob(name, &len);

	ck_assert_msg(rp_cert_from_blob(blob, len, &cert, &err), "%s: %s", name, err);
	free(blob);
	return cert;
}

static const char *
krl_path(void)
{
	static char path[PATH_MAX];

	ck_assert_ptr_nonnull(realpath(rp_test_path("tests/policy/certs/revoked.krl"), path));
	return path;
}

/* --- policies ------------------------------------------------------------------- */

#define LOAD_OK(text) rp_test_policy_load((text), NULL, NULL, __LINE__)

/* Replace every `token` in text (at most textsz bytes) with `value`. */
static void
replace_all(char *text, size_t textsz, const char *token, const char *value)
{
	char *at, *rest;
	size_t tlen = strlen(token), vlen = strlen(value);

	while ((at = strstr(text, token)) != NULL) {
		ck_assert_msg(strlen(text) - tlen + vlen < textsz, "policy text too long");
		rest = strdup(at + tlen);
		ck_assert_ptr_nonnull(rest);
		memcpy(at, value, vlen);
		strcpy(at + vlen, rest);
		free(rest);
	}
}

/* A policy with @CA@, @CA_REVOKED@, @CA_RSA@ and @CA_OTHER@ standing for
 * the fixtures' CA key lines. */
static struct rp_policy *
load_with_cas(const char *fmt, int line)
{
	char key[1024], text[8192];
	static const char *const cas[][2] = {
		{ "@CA@", "ca.pub" }, { "@CA_REVOKED@", "ca_revoked.pub" },
		{ "@CA_RSA@", "ca_rsa.pub" }, { "@CA_OTHER@", "ca_other.pub" },
	};

	snprintf(text, sizeof(text), "%s", fmt);
	for (size_t i = 0; i < sizeof(cas) / sizeof(cas[0]); i++) {
		key_text(cas[i][1], key, sizeof(key));
		replace_all(text, sizeof(text), cas[i][0], key);
	}
	return rp_test_policy_load(text, NULL, NULL, line);
}

/* Decide certificate NAME for user from `from` (NULL: unknown) at now. */
static int
decide(const struct rp_policy *policy, const char *user, const char *name, const char *from,
    time_t now, struct rp_cert_decision *d)
{
	struct rp_cert *cert = load_cert(name);
	struct rp_principal pr;
	struct rp_account acct = { NULL, getuid() };
	struct rp_addr a;
	int ok;

	if (from != NULL)
		ck_assert(rp_addr_parse(from, &a));
	ck_assert_msg(rp_policy_resolve(policy, user, &pr), "%s is not a principal", user);
	ok = rp_policy_authorize_cert(policy, &pr, cert, &acct, from != NULL ? &a : NULL, now,
	    NULL, d);
	ck_assert_int_eq(ok, d->verdict == RP_CERT_ACCEPTED);
	rp_principal_clear(&pr);
	rp_cert_free(cert);
	return ok;
}

/* The verdict for certificate NAME, and its reason in *reason (may be NULL). */
static enum rp_cert_verdict
verdict(const struct rp_policy *policy, const char *user, const char *name, const char *from,
    time_t now, char *reason, size_t reasonsz)
{
	struct rp_cert_decision d;

	decide(policy, user, name, from, now, &d);
	if (reason != NULL)
		snprintf(reason, reasonsz, "%s", d.source.reason);
	rp_cert_decision_clear(&d);
	return d.verdict;
}

#define VERDICT(policy, user, name, from, now) \
	verdict((policy), (user), (name), (from), (now), NULL, 0)

/* --- acceptances ----------------------------------------------------------------- */

START_TEST(test_trusted_user_ca_accepts)
{
	struct rp_policy *policy = load_with_cas(BASE "user alice {\n"
	    "\ttrusted-user-ca \"@CA@ ca\"\n}\n"
	    "group ops {\n\tmembers carol\n\ttrusted-user-ca \"@CA@\" principals ops,alice\n}\n",
	    __LINE__);
	struct rp_cert_decision d;

	ck_assert(decide(policy, "alice", "alice", "10.1.2.3", T2030, &d));
	ck_assert_int_eq(d.verdict, RP_CERT_ACCEPTED);
	ck_assert_str_eq(d.source.pos.file, "t.conf");
	ck_assert_uint_eq(d.source.pos.line, 4);
	ck_assert_str_eq(d.source.block, "user alice");
	ck_assert_str_eq(d.key_id, "alice-ok");
	ck_assert_uint_eq(d.serial, 1);
	/* ssh-keygen's default extensions: everything permitted. */
	ck_assert_uint_eq(d.source.options.permit, RP_PERMIT_ALL);
	ck_assert_ptr_null(d.source.options.command);
	ck_assert_str_eq(d.source.reason, "");
	rp_cert_decision_clear(&d);

	/* Any of the certificate's principals will do. */
	ck_assert(decide(policy, "alice", "multi", "10.1.2.3", T2030, &d));
	ck_assert_uint_eq(d.serial, 2);
	rp_cert_decision_clear(&d);
	/* In a group, with principals: carol gets in with alice's certificate. */
	ck_assert(decide(policy, "carol", "alice", "10.1.2.3", T2030, &d));
	ck_assert_str_eq(d.source.block, "group ops");
	ck_assert_uint_eq(d.source.pos.line, 8);
	rp_cert_decision_clear(&d);
	ck_assert(decide(policy, "carol", "multi", NULL, T2030, &d));
	rp_cert_decision_clear(&d);
	/* The last second of the window, and the first. */
	ck_assert(decide(policy, "alice", "alice", NULL, T2034 - 1, &d));
	rp_cert_decision_clear(&d);
	ck_assert(decide(policy, "alice", "alice", NULL, T2024, &d));
	rp_cert_decision_clear(&d);
	ck_assert_int_eq(VERDICT(policy, "alice", "alice", NULL, T2024 - 1),
	    RP_CERT_NOT_YET_VALID);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_extensions_and_force_command)
{
	struct rp_policy *policy = load_with_cas(BASE "user alice {\n"
	    "\ttrusted-user-ca \"@CA@\"\n}\n", __LINE__);
	struct rp_cert_decision d;

	ck_assert(decide(policy, "alice", "nopty", NULL, T2030, &d));
	ck_assert_uint_eq(d.source.options.permit, RP_PERMIT_ALL & ~RP_PERMIT_PTY);
	rp_cert_decision_clear(&d);
	ck_assert(decide(policy, "alice", "noext", NULL, T2030, &d));
	ck_assert_uint_eq(d.source.options.permit, 0);
	rp_cert_decision_clear(&d);
	ck_assert(decide(policy, "alice", "command", NULL, T2030, &d));
	ck_assert_str_eq(d.source.options.command, "uptime");
	ck_assert_uint_eq(d.source.options.permit, RP_PERMIT_ALL);
	rp_cert_decision_clear(&d);
	ck_assert(decide(policy, "alice", "command_pty", NULL, T2030, &d));
	ck_assert_str_eq(d.source.options.command, "/usr/bin/rsync --server .");
	ck_assert_uint_eq(d.source.options.permit, RP_PERMIT_PTY);
	ck_assert_str_eq(d.key_id, "command-pty");
	rp_cert_decision_clear(&d);
	/* A key id for the audit log: controls, '\' and non-ASCII escaped. */
	ck_assert(decide(policy, "alice", "weird_id", NULL, T2030, &d));
	ck_assert_str_eq(d.key_id, "tab\\x09here\\x5cback \\xc3\\xa9");
	rp_cert_decision_clear(&d);
	/* source-address: the client must be in it. */
	ck_assert(decide(policy, "alice", "source", "10.9.8.7", T2030, &d));
	rp_cert_decision_clear(&d);
	ck_assert(decide(policy, "alice", "source", "2001:db8:1::1", T2030, &d));
	rp_cert_decision_clear(&d);
	ck_assert(decide(policy, "alice", "source", "::ffff:10.9.8.7", T2030, &d));
	rp_cert_decision_clear(&d);
	rp_policy_free(policy);
}
END_TEST

/* --- refusals -------------------------------------------------------------------- */

START_TEST(test_refusal_reasons)
{
	struct rp_policy *policy = load_with_cas(BASE "user alice {\n"
	    "\ttrusted-user-ca \"@CA@\"\n\ttrusted-user-ca \"@CA_RSA@\"\n}\n", __LINE__);
	char why[256], want[256], fp[64];
	struct rp_cert *other = load_cert("other_ca");

	ck_assert_int_eq(verdict(policy, "alice", "host", NULL, T2030, why, sizeof(why)),
	    RP_CERT_NOT_USER);
	ck_assert_str_eq(why, "a host certificate, not a user certificate");
	ck_assert_int_eq(verdict(policy, "alice", "other_ca", NULL, T2030, why, sizeof(why)),
	    RP_CERT_UNTRUSTED_CA);
	ck_assert(rp_pubkey_fingerprint(rp_cert_ca(other), fp, sizeof(fp)));
	snprintf(want, sizeof(want), "CA %s is not trusted for alice", fp);
	ck_assert_str_eq(why, want);
	rp_cert_free(other);
	ck_assert_int_eq(verdict(policy, "alice", "alice", NULL, T2023, why, sizeof(why)),
	    RP_CERT_NOT_YET_VALID);
	ck_assert_str_eq(why, "not valid before 2024-01-01 00:00:00 UTC");
	ck_assert_int_eq(verdict(policy, "alice", "alice", NULL, T2034, why, sizeof(why)),
	    RP_CERT_EXPIRED);
	ck_assert_str_eq(why, "expired at 2034-01-01 00:00:00 UTC");
	ck_assert_int_eq(verdict(policy, "alice", "bob", NULL, T2030, why, sizeof(why)),
	    RP_CERT_WRONG_PRINCIPAL);
	ck_assert_str_eq(why, "the certificate does not name alice (t.conf:4 lists no "
	    "principals)");
	ck_assert_int_eq(VERDICT(policy, "alice", "noprincipals", NULL, T2030),
	    RP_CERT_WRONG_PRINCIPAL);
	ck_assert_int_eq(verdict(policy, "alice", "source", "192.0.2.1", T2030, why,
	    sizeof(why)), RP_CERT_SOURCE_ADDRESS);
	ck_assert_str_eq(why, "source-address 10.0.0.0/8,2001:db8::/32 does not allow 192.0.2.1");
	ck_assert_int_eq(verdict(policy, "alice", "source", NULL, T2030, why, sizeof(why)),
	    RP_CERT_SOURCE_ADDRESS);
	ck_assert_str_eq(why, "source-address 10.0.0.0/8,2001:db8::/32 and the client address "
	    "is unknown");
	ck_assert_int_eq(verdict(policy, "alice", "critical", NULL, T2030, why, sizeof(why)),
	    RP_CERT_CRITICAL_OPTION);
	ck_assert_str_eq(why, "unknown critical option 'unknown@example.com'");
	/* SHA-1 CA signatures only when pubkey-algorithms has ssh-rsa. */
	ck_assert_int_eq(verdict(policy, "alice", "sha1", NULL, T2030, why, sizeof(why)),
	    RP_CERT_BAD_SIGNATURE);
	ck_assert_str_eq(why, "the CA's signature does not verify (or is SHA-1, which "
	    "pubkey-algorithms does not enable)");
	ck_assert_int_eq(VERDICT(policy, "alice", "rsa256", NULL, T2030), RP_CERT_ACCEPTED);
	rp_policy_free(policy);

	policy = load_with_cas(BASE "pubkey-algorithms +ssh-rsa\nuser alice {\n"
	    "\ttrusted-user-ca \"@CA_RSA@\"\n}\n", __LINE__);
	ck_assert_int_eq(VERDICT(policy, "alice", "sha1", NULL, T2030), RP_CERT_ACCEPTED);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_bad_signature)
{
	struct rp_policy *policy = load_with_cas(BASE "user alice {\n"
	    "\ttrusted-user-ca \"@CA@\"\n}\n", __LINE__);
	struct rp_cert_decision d;
	struct rp_principal pr;
	struct rp_cert *cert;
	const char *err;
	size_t len;
	uint8_t *blob = cert_blob("alice", &len);

	/* The last byte is the signature's. */
	blob[len - 1] ^= 0x01;
	ck_assert_msg(rp_cert_from_blob(blob, len, &cert, &err), "%s", err);
	ck_assert(rp_policy_resolve(policy, "alice", &pr));
	ck_assert(!rp_policy_authorize_cert(policy, &pr, cert, NULL, NULL, T2030, NULL, &d));
	ck_assert_int_eq(d.verdict, RP_CERT_BAD_SIGNATURE);
	ck_assert_str_eq(rp_cert_verdict_name(d.verdict), "bad signature");
	rp_cert_decision_clear(&d);
	rp_principal_clear(&pr);
	rp_cert_free(cert);
	free(blob);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_revoked_certificates)
{
	char text[2048], ca[128], revoked[128];
	struct rp_policy *policy;
	char why[256], want[512];

	key_text("ca.pub", ca, sizeof(ca));
	key_text("ca_revoked.pub", revoked, sizeof(revoked));
	snprintf(text, sizeof(text), BASE "revoked-keys %s\nuser alice {\n\ttrusted-user-ca "
	    "\"%s\"\n\ttrusted-user-ca \"%s\"\n}\n", krl_path(), ca, revoked);
	policy = LOAD_OK(text);
	ck_assert_ptr_nonnull(policy->krl);
	ck_assert_str_eq(policy->revoked_keys, krl_path());

	ck_assert_int_eq(verdict(policy, "alice", "revoked_serial", NULL, T2030, why,
	    sizeof(why)), RP_CERT_REVOKED);
	snprintf(want, sizeof(want), "revoked (by serial or key id) by %s", krl_path());
	ck_assert_str_eq(why, want);
	ck_assert_int_eq(verdict(policy, "alice", "revoked_id", NULL, T2030, why, sizeof(why)),
	    RP_CERT_REVOKED);
	ck_assert_str_eq(why, want);
	ck_assert_int_eq(verdict(policy, "alice", "revoked_key", NULL, T2030, why, sizeof(why)),
	    RP_CERT_REVOKED);
	snprintf(want, sizeof(want), "revoked (its key) by %s", krl_path());
	ck_assert_str_eq(why, want);
	ck_assert_int_eq(verdict(policy, "alice", "revoked_ca", NULL, T2030, why, sizeof(why)),
	    RP_CERT_REVOKED);
	snprintf(want, sizeof(want), "revoked (its CA) by %s", krl_path());
	ck_assert_str_eq(why, want);
	/* What the KRL does not list. */
	ck_assert_int_eq(VERDICT(policy, "alice", "alice", NULL, T2030), RP_CERT_ACCEPTED);
	ck_assert_int_eq(VERDICT(policy, "alice", "multi", NULL, T2030), RP_CERT_ACCEPTED);
	rp_policy_free(policy);

	/* Without the KRL, they are all fine. */
	snprintf(text, sizeof(text), BASE "user alice {\n\ttrusted-user-ca \"%s\"\n"
	    "\ttrusted-user-ca \"%s\"\n}\n", ca, revoked);
	policy = LOAD_OK(text);
	ck_assert_int_eq(VERDICT(policy, "alice", "revoked_serial", NULL, T2030),
	    RP_CERT_ACCEPTED);
	ck_assert_int_eq(VERDICT(policy, "alice", "revoked_ca", NULL, T2030), RP_CERT_ACCEPTED);
	rp_policy_free(policy);
}
END_TEST

/* --- cert-authority lines ---------------------------------------------------------- */

START_TEST(test_cert_authority_lines)
{
	struct rp_policy *policy = load_with_cas(BASE
	    "user alice {\n"
	    "\tauthorized-key \"cert-authority,principals=\\\"ops\\\",restrict,pty,"
	    "from=\\\"10.0.0.0/8\\\" @CA@\"\n"
	    "\tauthorized-key \"cert-authority,from=\\\"192.0.2.0/24\\\",command=\\\"uptime\\\","
	    "permitopen=\\\"db:5432\\\" @CA@\"\n"
	    "}\n"
	    "user bob {\n\tauthorized-key \"cert-authority @CA@\"\n}\n"
	    "user carol {\n\tauthorized-key \"@CA@\"\n}\n",
	    __LINE__);
	struct rp_cert_decision d;
	char why[256];

	/* multi names ops: the first line, with its options and the
	 * certificate's extensions together. */
	ck_assert(decide(policy, "alice", "multi", "10.1.2.3", T2030, &d));
	ck_assert_uint_eq(d.source.pos.line, 4);
	ck_assert_str_eq(d.source.block, "user alice");
	ck_assert_uint_eq(d.source.options.permit, RP_PERMIT_PTY);
	ck_assert_uint_eq(d.source.options.nfrom, 1);
	ck_assert(!d.source.options.cert_authority);
	ck_assert_uint_eq(d.source.options.nprincipals, 0);
	rp_cert_decision_clear(&d);
	/* From elsewhere the first line refuses, and the second one is tried:
	 * it lists no principals, so the certificate must name alice. */
	ck_assert(decide(policy, "alice", "multi", "192.0.2.9", T2030, &d));
	ck_assert_uint_eq(d.source.pos.line, 5);
	ck_assert_str_eq(d.source.options.command, "uptime");
	ck_assert_uint_eq(d.source.options.permit, RP_PERMIT_ALL);
	ck_assert(rp_key_options_allow_open(&d.source.options, "db", 5432));
	ck_assert(!rp_key_options_allow_open(&d.source.options, "db", 22));
	rp_cert_decision_clear(&d);
	/* Both refuse: the first line's reason. */
	ck_assert_int_eq(verdict(policy, "alice", "multi", "203.0.113.5", T2030, why,
	    sizeof(why)), RP_CERT_CA_LINE_REFUSED);
	ck_assert_str_eq(why, "from= of t.conf:4 does not allow 203.0.113.5");
	ck_assert_int_eq(verdict(policy, "alice", "alice", "10.1.2.3", T2030, why, sizeof(why)),
	    RP_CERT_WRONG_PRINCIPAL);
	ck_assert_str_eq(why, "the certificate names none of the principals of t.conf:4");
	/* The CA line's command= and the certificate's force-command. */
	ck_assert(decide(policy, "alice", "command", "192.0.2.9", T2030, &d));
	ck_assert_str_eq(d.source.options.command, "uptime");
	rp_cert_decision_clear(&d);
	/* Both lines refuse command_pty (the first for its principals, the
	 * second for its command): the reason is the first line's. */
	ck_assert_int_eq(VERDICT(policy, "alice", "command_pty", "192.0.2.9", T2030),
	    RP_CERT_WRONG_PRINCIPAL);

	/* Without principals=, the user's own name. */
	ck_assert_int_eq(VERDICT(policy, "bob", "bob", NULL, T2030), RP_CERT_ACCEPTED);
	ck_assert_int_eq(verdict(policy, "bob", "alice", NULL, T2030, why, sizeof(why)),
	    RP_CERT_WRONG_PRINCIPAL);
	ck_assert_str_eq(why, "the certificate does not name bob (t.conf:8 lists no principals)");
	/* A plain authorized key is no CA. */
	ck_assert_int_eq(VERDICT(policy, "carol", "multi", NULL, T2030), RP_CERT_UNTRUSTED_CA);
	rp_policy_free(policy);

	policy = load_with_cas(BASE "user alice {\n"
	    "\tauthorized-key \"cert-authority,command=\\\"uptime\\\" @CA@\"\n}\n", __LINE__);
	ck_assert_int_eq(verdict(policy, "alice", "command_pty", NULL, T2030, why, sizeof(why)),
	    RP_CERT_COMMAND_CONFLICT);
	ck_assert_str_eq(why, "the certificate's force-command and command= of t.conf:4 differ");
	ck_assert(decide(policy, "alice", "alice", NULL, T2030, &d));
	ck_assert_str_eq(d.source.options.command, "uptime");
	rp_cert_decision_clear(&d);
	rp_policy_free(policy);

	/* The CA line's expiry-time. */

	policy = load_with_cas(BASE "user alice {\n"
	    "\tauthorized-key \"cert-authority,expiry-time=\\\"20300101Z\\\" @CA@\"\n}\n",
	    __LINE__);
	ck_assert_int_eq(VERDICT(policy, "alice", "alice", NULL, T2030), RP_CERT_ACCEPTED);
	ck_assert_int_eq(verdict(policy, "alice", "alice", NULL, T2030 + 1, why, sizeof(why)),
	    RP_CERT_CA_LINE_REFUSED);
	ck_assert(strncmp(why, "expiry-time of t.conf:4 passed at ", 34) == 0);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_cert_authority_in_files)
{
	char dir[] = "/tmp/rampart-certs-XXXXXX", path[64], text[512], ca[128], want[256];
	struct rp_cert_decision d;
	struct rp_principal pr;
	struct rp_account acct;
	struct rp_policy *policy;
	struct rp_cert *cert;
	FILE *f;

	key_text("ca.pub", ca, sizeof(ca));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alice.keys", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "# a CA for alice\ncert-authority,no-pty %s ca\n", ca);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0600), 0);

	/* Read at login (%u). */
	snprintf(text, sizeof(text), BASE "group g {\n\tmembers alice\n\tauthorized-keys-file "
	    "%s/%%u.keys\n}\n", dir);
	policy = LOAD_OK(text);
	cert = load_cert("alice");
	acct.home = dir;
	acct.uid = getuid();
	ck_assert(rp_policy_resolve(policy, "alice", &pr));
	ck_assert(rp_policy_authorize_cert(policy, &pr, cert, &acct, NULL, T2030, NULL, &d));
	ck_assert_str_eq(d.source.pos.file, path);
	ck_assert_ptr_eq(d.source.pos.file, d.source.file);
	ck_assert_uint_eq(d.source.pos.line, 2);
	ck_assert_str_eq(d.source.block, "group g");
	ck_assert_uint_eq(d.source.options.permit, RP_PERMIT_ALL & ~RP_PERMIT_PTY);
	rp_cert_decision_clear(&d);
	rp_principal_clear(&pr);
	rp_policy_free(policy);

	/* Read at load. */
	snprintf(text, sizeof(text), BASE "user alice {\n\tauthorized-keys-file %s\n}\n", path);
	policy = LOAD_OK(text);
	ck_assert(rp_policy_resolve(policy, "alice", &pr));
	ck_assert(rp_policy_authorize_cert(policy, &pr, cert, NULL, NULL, T2030, NULL, &d));
	ck_assert_str_eq(d.source.pos.file, path);
	ck_assert_uint_eq(d.source.pos.line, 2);
	rp_cert_decision_clear(&d);
	rp_principal_clear(&pr);
	rp_policy_free(policy);

	/* A CA file, with principals. */
	snprintf(path, sizeof(path), "%s/ca.pub", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "%s\n", ca);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(text, sizeof(text), BASE "user u {\n\ttrusted-user-ca-file %s principals alice\n"
	    "}\n", path);
	policy = LOAD_OK(text);
	ck_assert(rp_policy_resolve(policy, "u", &pr));
	ck_assert(rp_policy_authorize_cert(policy, &pr, cert, NULL, NULL, T2030, NULL, &d));
	snprintf(want, sizeof(want), "%s", path);
	ck_assert_str_eq(d.source.pos.file, want);
	ck_assert_uint_eq(d.source.pos.line, 1);
	rp_cert_decision_clear(&d);
	rp_principal_clear(&pr);
	rp_policy_free(policy);

	rp_cert_free(cert);
	unlink(path);
	snprintf(path, sizeof(path), "%s/alice.keys", dir);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* --- revoked-keys ---------------------------------------------------------------------- */

START_TEST(test_revoked_keys_setting)
{
	char text[1024], want[1024], key[128], dir[] = "/tmp/rampart-krl-XXXXXX", bad[64];
	struct rp_policy *policy;
	struct rp_policy_diag diag;
	struct rp_principal pr;
	struct rp_key_source src;
	struct rp_pubkey *k;
	const char *err;
	FILE *f;

	/* A revoked plain key is refused whatever lists it. */
	key_text("user_revoked.pub", key, sizeof(key));
	snprintf(text, sizeof(text), BASE "revoked-keys %s\nuser u {\n\tauthorized-key \"%s\"\n"
	    "}\n", krl_path(), key);
	policy = LOAD_OK(text);
	ck_assert(rp_policy_resolve(policy, "u", &pr));
	ck_assert(rp_pubkey_from_text(key, &k, NULL, &err));
	ck_assert(!rp_policy_authorize_key(policy, &pr, k, NULL, NULL, T2030, NULL, &src));
	snprintf(want, sizeof(want), "key revoked by %s", krl_path());
	ck_assert_str_eq(src.reason, want);
	rp_key_source_clear(&src);
	rp_pubkey_free(k);
	rp_principal_clear(&pr);
	ck_assert_ptr_nonnull(rp_policy_setting_pos(policy, "revoked-keys"));
	rp_policy_free(policy);

	key_text("user.pub", key, sizeof(key));
	snprintf(text, sizeof(text), BASE "revoked-keys %s\nuser u {\n\tauthorized-key \"%s\"\n"
	    "}\n", krl_path(), key);
	policy = LOAD_OK(text);
	ck_assert(rp_policy_resolve(policy, "u", &pr));
	ck_assert(rp_pubkey_from_text(key, &k, NULL, &err));
	ck_assert(rp_policy_authorize_key(policy, &pr, k, NULL, NULL, T2030, NULL, &src));
	rp_key_source_clear(&src);
	rp_pubkey_free(k);
	rp_principal_clear(&pr);
	rp_policy_free(policy);

	/* Errors stop the load: a KRL that cannot be read or parsed would
	 * leave revoked keys usable. */
	memset(&diag, 0, sizeof(diag));
	ck_assert(!rp_policy_load_text("t.conf", BASE "revoked-keys /nonexistent/krl\n",
	    strlen(BASE "revoked-keys /nonexistent/krl\n"), &policy, &diag));
	ck_assert_msg(strncmp(diag.error, "t.conf:3:14: cannot use revoked-keys file "
	    "'/nonexistent/krl': ", 54) == 0, "%s", diag.error);
	ck_assert_msg(strstr(diag.error, "; expected an OpenSSH key revocation list (ssh-keygen "
	    "-k)") != NULL, "%s", diag.error);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(bad, sizeof(bad), "%s/not-a-krl", dir);
	ck_assert_ptr_nonnull(f = fopen(bad, "w"));
	fprintf(f, "%s\n", key);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(text, sizeof(text), BASE "revoked-keys %s\n", bad);
	ck_assert(!rp_policy_load_text("t.conf", text, strlen(text), &policy, &diag));
	snprintf(want, sizeof(want), "t.conf:3:14: cannot use revoked-keys file '%s': ", bad);
	ck_assert_msg(strncmp(diag.error, want, strlen(want)) == 0, "%s", diag.error);
	unlink(bad);
	rmdir(dir);
	snprintf(text, sizeof(text), BASE "revoked-keys %s\nrevoked-keys %s\n", krl_path(),
	    krl_path());
	ck_assert(!rp_policy_load_text("t.conf", text, strlen(text), &policy, &diag));
	ck_assert_str_eq(diag.error, "t.conf:4:1: 'revoked-keys' is already set at t.conf:3:1; "
	    "expected it at most once");
	ck_assert(!rp_policy_load_text("t.conf", BASE "user u {\n\trevoked-keys /k\n}\n",
	    strlen(BASE "user u {\n\trevoked-keys /k\n}\n"), &policy, &diag));
	ck_assert_msg(strncmp(diag.error, "t.conf:4:2: 'revoked-keys' belongs at top level", 47)
	    == 0, "%s", diag.error);
}
END_TEST

START_TEST(test_verdict_names)
{
	ck_assert_str_eq(rp_cert_verdict_name(RP_CERT_ACCEPTED), "accepted");
	ck_assert_str_eq(rp_cert_verdict_name(RP_CERT_REVOKED), "revoked");
	ck_assert_str_eq(rp_cert_verdict_name(RP_CERT_ERROR), "error");
	ck_assert_str_eq(rp_cert_verdict_name((enum rp_cert_verdict)99), "unknown");
}
END_TEST

RP_TEST_SUITE(policy_certs)
{
	Suite *s = suite_create("policy_certs");
	TCase *tc = tcase_create("certificates");

	tcase_add_test(tc, test_trusted_user_ca_accepts);
	tcase_add_test(tc, test_extensions_and_force_command);
	tcase_add_test(tc, test_refusal_reasons);
	tcase_add_test(tc, test_bad_signature);
	tcase_add_test(tc, test_revoked_certificates);
	tcase_add_test(tc, test_cert_authority_lines);
	tcase_add_test(tc, test_cert_authority_in_files);
	tcase_add_test(tc, test_revoked_keys_setting);
	tcase_add_test(tc, test_verdict_names);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * tests/unit/test_policy_keys.c: authorized_keys options (policy/keyopts.c)
 * and the key decision (policy/authorize.c): every option and its malformed
 * forms, in key files (a warning naming FILE:LINE, the line skipped) and in
 * inline authorized-key values (an error), from= matching with negation,
 * CIDRs, globs and IPv6, expiry-time, and rp_policy_authorize_key trying
 * each matching line in turn.
 */
#include "tests/unit/unit.h"
#include "tests/unit/policy_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/sshkey.h"
#include "policy/internal.h"
#include "policy/policy.h"

#define KEY1 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINegXv2XsYUBH3ZDU5VEfjvc4UuUbCOy0dGzRtV8xBB2"
#define KEY2 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIByFI8y1XEZN3mJKneyvrlp4lk2cyLeYW50bTe78hsR5"
#define KEY3 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJOhgEER0e3/Z1i4oTDawOVYIGFtSIBqCwZWxous1Iwo"

#define BASE "listen 127.0.0.1:0\nhost-key /k\n"

/* 2030-01-01 00:00:00 UTC */
#define T2030 ((time_t)1893456000)

struct warnings {
	char msg[32][1024];
	size_t n;
};

static void
collect(void *ctx, const char *message)
{
	struct warnings *w = ctx;

	ck_assert_msg(w->n < 32, "too many warnings");
	snprintf(w->msg[w->n++], sizeof(w->msg[0]), "%s", message);
}

static struct rp_addr
addr(const char *text)
{
	struct rp_addr a;

	ck_assert_msg(rp_addr_parse(text, &a), "test address '%s'", text);
	return a;
}

static struct rp_pubkey *
key_from_text(const char *line)
{
	struct rp_pubkey *key;
	const char *err;

	ck_assert_msg(rp_pubkey_from_text(line, &key, NULL, &err), "test key: %s", err);
	return key;
}

/* --- parsing options ------------------------------------------------------- */

static void
parse_ok(const char *text, struct rp_key_options *o, int line)
{
	char why[256];

	ck_assert_msg(rp_key_options_parse(text, strlen(text), o, why, sizeof(why)),
	    "line %d: '%s' should parse, got: %s", line, text, why);
	ck_assert_str_eq(o->text, text);
}

#define PARSE_OK(text, o) parse_ok((text), (o), __LINE__)

static void
parse_bad(const char *text, const char *want, int line)
{
	struct rp_key_options o;
	char why[256];

	ck_assert_msg(!rp_key_options_parse(text, strlen(text), &o, why, sizeof(why)),
	    "line %d: '%s' should not parse", line, text);
	ck_assert_msg(strcmp(why, want) == 0, "line %d: '%s':\n  got      '%s'\n  expected "
	    "'%s'", line, text, why, want);
	/* Nothing is left allocated on failure. */
	ck_assert_ptr_null(o.text);
	ck_assert_uint_eq(o.nfrom, 0);
}

#define PARSE_BAD(text, want) parse_bad((text), (want), __LINE__)

START_TEST(test_flags_and_restrict)
{
	static const struct {
		const char *text;
		unsigned permit;
	} cases[] = {
		{ "no-pty", RP_PERMIT_ALL & ~RP_PERMIT_PTY },
		{ "no-port-forwarding", RP_PERMIT_ALL & ~RP_PERMIT_PORT_FORWARDING },
		{ "no-agent-forwarding", RP_PERMIT_ALL & ~RP_PERMIT_AGENT_FORWARDING },
		{ "no-X11-forwarding", RP_PERMIT_ALL & ~RP_PERMIT_X11_FORWARDING },
		{ "no-user-rc", RP_PERMIT_ALL & ~RP_PERMIT_USER_RC },
		{ "restrict", 0 },
		{ "restrict,pty", RP_PERMIT_PTY },
		{ "restrict,port-forwarding", RP_PERMIT_PORT_FORWARDING },
		{ "restrict,agent-forwarding", RP_PERMIT_AGENT_FORWARDING },
		{ "restrict,X11-forwarding", RP_PERMIT_X11_FORWARDING },
		{ "restrict,user-rc", RP_PERMIT_USER_RC },
		{ "restrict,pty,user-rc", RP_PERMIT_PTY | RP_PERMIT_USER_RC },
		/* In order: a later restrict clears what came before it. */
		{ "pty,restrict", 0 },
		{ "no-pty,pty", RP_PERMIT_ALL },
		/* Names are compared without regard to case, as OpenSSH does. */
		{ "RESTRICT,Pty", RP_PERMIT_PTY },
		{ "no-x11-forwarding", RP_PERMIT_ALL & ~RP_PERMIT_X11_FORWARDING },
	};
	struct rp_key_options o;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		PARSE_OK(cases[i].text, &o);
		ck_assert_msg(o.permit == cases[i].permit, "'%s': permit %#x, expected %#x",
		    cases[i].text, o.permit, cases[i].permit);
		ck_assert_ptr_null(o.command);
		ck_assert(!o.cert_authority);
		rp_key_options_free(&o);
	}
	rp_key_options_init(&o);
	ck_assert_uint_eq(o.permit, RP_PERMIT_ALL);
	ck_assert_ptr_null(o.text);
}
END_TEST

START_TEST(test_value_options)
{
	struct rp_key_options o;

	PARSE_OK("command=\"uptime\"", &o);
	ck_assert_str_eq(o.command, "uptime");
	rp_key_options_free(&o);
	/* \" is a quote; other backslashes stand for themselves. */
	PARSE_OK("command=\"echo \\\"a, b\\\" \\\\n\",no-pty", &o);
	ck_assert_str_eq(o.command, "echo \"a, b\" \\\\n");
	ck_assert_uint_eq(o.permit, RP_PERMIT_ALL & ~RP_PERMIT_PTY);
	rp_key_options_free(&o);
	PARSE_OK("command=\"\"", &o);
	ck_assert_str_eq(o.command, "");
	rp_key_options_free(&o);

	PARSE_OK("cert-authority,principals=\"alice,ops@corp\"", &o);
	ck_assert(o.cert_authority);
	ck_assert_uint_eq(o.nprincipals, 2);
	ck_assert_str_eq(o.principals[0], "alice");
	ck_assert_str_eq(o.principals[1], "ops@corp");
	rp_key_options_free(&o);

	PARSE_OK("permitopen=\"db1.corp:5432\",permitopen=\"[2001:db8::5]:*\","
	    "permitlisten=\"8080\",permitlisten=\"localhost:9000\"", &o);
	ck_assert_uint_eq(o.npermitopen, 2);
	ck_assert_str_eq(o.permitopen[0].host, "db1.corp");
	ck_assert_int_eq(o.permitopen[0].port, 5432);
	ck_assert_str_eq(o.permitopen[1].host, "2001:db8::5");
	ck_assert_int_eq(o.permitopen[1].port, -1);
	ck_assert_uint_eq(o.npermitlisten, 2);
	ck_assert_str_eq(o.permitlisten[0].host, "*");
	ck_assert_int_eq(o.permitlisten[0].port, 8080);
	ck_assert_str_eq(o.permitlisten[1].host, "localhost");
	ck_assert(rp_key_options_allow_open(&o, "DB1.corp", 5432));
	ck_assert(!rp_key_options_allow_open(&o, "db1.corp", 5433));
	ck_assert(!rp_key_options_allow_open(&o, "db2.corp", 5432));
	ck_assert(rp_key_options_allow_open(&o, "2001:db8::5", 22));
	ck_assert(rp_key_options_allow_listen(&o, "0.0.0.0", 8080));
	ck_assert(rp_key_options_allow_listen(&o, "localhost", 9000));
	ck_assert(!rp_key_options_allow_listen(&o, "127.0.0.1", 9000));
	ck_assert(!rp_key_options_allow_listen(&o, "localhost", 9001));
	rp_key_options_free(&o);
	/* None given: no restriction from the key. */
	rp_key_options_init(&o);
	ck_assert(rp_key_options_allow_open(&o, "anything", 1));
	ck_assert(rp_key_options_allow_listen(&o, "", 1));
	PARSE_OK("permitopen=\"*:443\",permitlisten=\"*:*\"", &o);
	ck_assert(rp_key_options_allow_open(&o, "web.example", 443));
	ck_assert(!rp_key_options_allow_open(&o, "web.example", 80));
	ck_assert(rp_key_options_allow_listen(&o, "", 1));
	rp_key_options_free(&o);
}
END_TEST

START_TEST(test_expiry_time)
{
	struct rp_key_options o;
	struct tm tm;
	time_t t;

	PARSE_OK("expiry-time=\"20300101Z\"", &o);
	ck_assert_int_eq(o.expiry, T2030);
	rp_key_options_free(&o);
	PARSE_OK("expiry-time=\"203001010130Z\"", &o);
	ck_assert_int_eq(o.expiry, T2030 + 90 * 60);
	rp_key_options_free(&o);
	PARSE_OK("expiry-time=\"20300101013005Z\"", &o);
	ck_assert_int_eq(o.expiry, T2030 + 90 * 60 + 5);
	rp_key_options_free(&o);
	/* Several: the earliest counts, as in OpenSSH. */
	PARSE_OK("expiry-time=\"20310101Z\",expiry-time=\"20300101Z\",expiry-time=\"20320101Z\"",
	    &o);
	ck_assert_int_eq(o.expiry, T2030);
	rp_key_options_free(&o);
	/* Without Z, local time (as OpenSSH). */
	PARSE_OK("expiry-time=\"203006151230\"", &o);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 130;
	tm.tm_mon = 5;
	tm.tm_mday = 15;
	tm.tm_hour = 12;
	tm.tm_min = 30;
	tm.tm_isdst = -1;
	ck_assert_int_eq(o.expiry, mktime(&tm));
	rp_key_options_free(&o);

	ck_assert(rp_parse_expiry_time("20240229", &t)); /* a leap day */
	ck_assert(!rp_parse_expiry_time("20230229", &t));
	ck_assert(!rp_parse_expiry_time("20260230", &t));
	ck_assert(!rp_parse_expiry_time("20261301", &t));
	ck_assert(!rp_parse_expiry_time("20260100", &t));
	ck_assert(!rp_parse_expiry_time("2026010", &t));
	ck_assert(!rp_parse_expiry_time("202601011", &t));
	ck_assert(!rp_parse_expiry_time("2026010112", &t));
	ck_assert(!rp_parse_expiry_time("202601012460", &t));
	ck_assert(!rp_parse_expiry_time("202601012400", &t));
	ck_assert(!rp_parse_expiry_time("20260101000060", &t));
	ck_assert(!rp_parse_expiry_time("19691231", &t));
	ck_assert(!rp_parse_expiry_time("2026-01-01", &t));
	ck_assert(!rp_parse_expiry_time("", &t));
	ck_assert(!rp_parse_expiry_time("Z", &t));
	ck_assert(!rp_parse_expiry_time("2026010Z1", &t));
	ck_assert(!rp_parse_expiry_time("+2026010", &t));
}
END_TEST

START_TEST(test_malformed_options)
{
	/* Unknown options and names that only look like options. */
	PARSE_BAD("no-ptys", "unknown option 'no-ptys'");
	PARSE_BAD("x11-forwarding,foo", "unknown option 'foo'");
	PARSE_BAD("from", "from needs a value: from=\"...\"");
	/* Quoting and commas. */
	PARSE_BAD("command=uptime", "command= needs a value in double quotes");
	PARSE_BAD("command=\"uptime", "command=: missing closing quote");
	PARSE_BAD("command=\"a\"b", "unexpected text after command");
	PARSE_BAD("no-pty=\"yes\"", "no-pty takes no value");
	PARSE_BAD(",no-pty", "empty option (a stray ',')");
	PARSE_BAD("no-pty,", "empty option (a stray ',')");
	PARSE_BAD("no-pty,,pty", "empty option (a stray ',')");
	/* At most once. */
	PARSE_BAD("command=\"a\",command=\"b\"", "command= given twice; expected at most one");
	PARSE_BAD("from=\"10.0.0.1\",from=\"10.0.0.2\"",
	    "from= given twice; expected one list of patterns");
	PARSE_BAD("cert-authority,principals=\"a\",principals=\"b\"",
	    "principals= given twice; expected one list");
	/* principals= only for a CA. */
	PARSE_BAD("principals=\"alice\"", "principals= is only valid with cert-authority");
	PARSE_BAD("cert-authority,principals=\"a b\"", "principals=: invalid principal 'a b'; "
	    "expected letters, digits, '.', '_', '-' or '@'");
	PARSE_BAD("cert-authority,principals=\"a,\"", "empty item in principals=\"a,\"");
	/* What rampart does not do. */
	PARSE_BAD("environment=\"LANG=C\"", "environment= is not supported: rampart never sets "
	    "the environment from a key");
	PARSE_BAD("restrict,tunnel=\"0\"", "tunnel= is not supported: rampart has no tun device "
	    "forwarding");
	PARSE_BAD("no-touch-required", "no-touch-required is not supported: rampart does not "
	    "accept FIDO (sk-) keys");
	PARSE_BAD("verify-required", "verify-required is not supported: rampart does not accept "
	    "FIDO (sk-) keys");
	/* Bad values. */
	PARSE_BAD("expiry-time=\"20261301\"", "invalid expiry-time \"20261301\"; expected "
	    "YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS (local time, or UTC with a final Z)");
	PARSE_BAD("expiry-time=\"tomorrow\"", "invalid expiry-time \"tomorrow\"; expected "
	    "YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS (local time, or UTC with a final Z)");
	PARSE_BAD("from=\"*.corp.example\"", "from=: '*.corp.example' is not an address pattern; "
	    "rampart matches from= against the client's address only, never a host name");
	PARSE_BAD("from=\"bastion\"", "from=: 'bastion' is not an address; rampart matches "
	    "from= against the client's address only, never a host name");
	PARSE_BAD("from=\"10.0.0.1/8\"", "from=: invalid CIDR '10.0.0.1/8': bits are set after "
	    "the prefix length");
	PARSE_BAD("from=\"10.0.0.0/33\"", "from=: invalid CIDR '10.0.0.0/33': the prefix length "
	    "must be a number from 0 to 32");
	PARSE_BAD("from=\"10.*/8\"", "from=: '10.*/8' is not an address pattern; rampart matches "
	    "from= against the client's address only, never a host name");
	PARSE_BAD("from=\"10.0.0.1,!\"", "from=: '!' without a pattern");
	PARSE_BAD("from=\"10.0.0.1,,10.0.0.2\"", "empty item in from=\"10.0.0.1,,10.0.0.2\"");
	PARSE_BAD("from=\"\"", "empty item in from=\"\"");
	PARSE_BAD("permitopen=\"db1\"", "permitopen=\"db1\": expected HOST:PORT");
	PARSE_BAD("permitopen=\"db1:0\"", "permitopen=\"db1:0\": the port must be a number from "
	    "1 to 65535 or '*'");
	PARSE_BAD("permitopen=\"db1:65536\"", "permitopen=\"db1:65536\": the port must be a "
	    "number from 1 to 65535 or '*'");
	PARSE_BAD("permitopen=\":22\"", "permitopen=\":22\": invalid host");
	PARSE_BAD("permitopen=\"2001:db8::1:22\"", "permitopen=\"2001:db8::1:22\": an IPv6 "
	    "address must be in brackets");
	PARSE_BAD("permitopen=\"[2001:db8::1]22\"", "permitopen=\"[2001:db8::1]22\": expected "
	    "[IPV6-ADDRESS]:PORT");
	PARSE_BAD("permitlisten=\"x\"", "permitlisten=\"x\": the port must be a number from 1 "
	    "to 65535 or '*'");
}
END_TEST

/* --- from= ---------------------------------------------------------------------- */

static int
from_ok(const char *patterns, const char *client)
{
	struct rp_key_options o;
	struct rp_addr a = addr(client);
	char text[256];
	int ok;

	snprintf(text, sizeof(text), "from=\"%s\"", patterns);
	parse_ok(text, &o, __LINE__);
	ok = rp_key_options_from_matches(&o, &a);
	rp_key_options_free(&o);
	return ok;
}

START_TEST(test_from_matching)
{
	struct rp_key_options o;

	/* CIDRs and single addresses. */
	ck_assert(from_ok("10.0.0.0/8", "10.1.2.3"));
	ck_assert(!from_ok("10.0.0.0/8", "11.0.0.1"));
	ck_assert(from_ok("192.0.2.7", "192.0.2.7"));
	ck_assert(!from_ok("192.0.2.7", "192.0.2.8"));
	ck_assert(from_ok("192.0.2.7,10.0.0.0/8", "10.9.9.9"));
	/* Negation refuses, wherever it stands in the list. */
	ck_assert(!from_ok("10.0.0.0/8,!10.0.5.0/24", "10.0.5.1"));
	ck_assert(from_ok("10.0.0.0/8,!10.0.5.0/24", "10.0.6.1"));
	ck_assert(!from_ok("!10.0.5.1,*", "10.0.5.1"));
	ck_assert(from_ok("!10.0.5.1,*", "10.0.5.2"));
	/* Negations alone allow nothing. */
	ck_assert(!from_ok("!10.0.5.1", "10.0.5.2"));
	/* Globs on the address as text. */
	ck_assert(from_ok("10.0.*", "10.0.200.3"));
	ck_assert(!from_ok("10.0.*", "10.1.0.3"));
	ck_assert(from_ok("192.168.1.?", "192.168.1.7"));
	ck_assert(!from_ok("192.168.1.?", "192.168.1.17"));
	ck_assert(from_ok("*", "203.0.113.9"));
	ck_assert(from_ok("*", "2001:db8::9"));
	/* IPv6: CIDRs, addresses however written, globs without case. */
	ck_assert(from_ok("2001:db8::/32", "2001:db8:1::5"));
	ck_assert(!from_ok("2001:db8::/32", "2001:db9::5"));
	ck_assert(from_ok("2001:DB8:0:0::1", "2001:db8::1"));
	ck_assert(from_ok("2001:DB8::*", "2001:db8::abcd"));
	ck_assert(!from_ok("2001:db8::/32,!2001:db8:5::/48", "2001:db8:5::1"));
	/* An IPv4 client on a dual-stack socket is matched as IPv4. */
	ck_assert(from_ok("10.0.0.0/8", "::ffff:10.1.2.3"));
	ck_assert(!from_ok("::/0", "::ffff:10.1.2.3"));
	ck_assert(from_ok("::ffff:10.0.0.0/104", "10.1.2.3"));

	/* No from=: any address, even an unknown one; with from=, an unknown
	 * address fails closed. */
	rp_key_options_init(&o);
	ck_assert(rp_key_options_from_matches(&o, NULL));
	PARSE_OK("from=\"*\"", &o);
	ck_assert(!rp_key_options_from_matches(&o, NULL));
	rp_key_options_free(&o);
}
END_TEST

START_TEST(test_options_copy)
{
	struct rp_key_options o, c;

	PARSE_OK("restrict,pty,command=\"uptime\",from=\"10.0.0.0/8,!10.0.5.*\","
	    "expiry-time=\"20300101Z\",permitopen=\"a:1\",permitlisten=\"2\"", &o);
	ck_assert(rp_key_options_copy(&c, &o));
	rp_key_options_free(&o);
	ck_assert_str_eq(c.text, "restrict,pty,command=\"uptime\",from=\"10.0.0.0/8,"
	    "!10.0.5.*\",expiry-time=\"20300101Z\",permitopen=\"a:1\",permitlisten=\"2\"");
	ck_assert_uint_eq(c.permit, RP_PERMIT_PTY);
	ck_assert_str_eq(c.command, "uptime");
	ck_assert_uint_eq(c.nfrom, 2);
	ck_assert(c.from[0].is_cidr);
	ck_assert(c.from[1].negate);
	ck_assert_str_eq(c.from[1].glob, "10.0.5.*");
	ck_assert_int_eq(c.expiry, T2030);
	ck_assert_str_eq(c.permitopen[0].host, "a");
	ck_assert_int_eq(c.permitlisten[0].port, 2);
	rp_key_options_free(&c);
	PARSE_OK("cert-authority,principals=\"p1,p2\"", &o);
	ck_assert(rp_key_options_copy(&c, &o));
	rp_key_options_free(&o);
	ck_assert(c.cert_authority);
	ck_assert_str_eq(c.principals[1], "p2");
	rp_key_options_free(&c);
}
END_TEST

/* --- in key files and inline ----------------------------------------------------- */

struct tempdir {
	char path[64];
	char files[8][128];
	size_t nfiles;
};

static const char *
temp_file(struct tempdir *t, const char *name, const char *content, mode_t mode)
{
	char *path = t->files[t->nfiles++], dir[64];
	FILE *f;

	if (t->path[0] == '\0') {
		strcpy(t->path, "/tmp/rampart-keys-test-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(t->path));
	}
	memcpy(dir, t->path, sizeof(dir));
	snprintf(path, sizeof(t->files[0]), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static void
temp_clean(struct tempdir *t)
{
	for (size_t i = 0; i < t->nfiles; i++)
		unlink(t->files[i]);
	if (t->path[0] != '\0')
		rmdir(t->path);
}

/* Warnings, if w is given, are collected into it. */
static struct rp_policy *
load_ok(const char *text, struct warnings *w, int line)
{
	if (w != NULL)
		memset(w, 0, sizeof(*w));
	return rp_test_policy_load(text, w != NULL ? collect : NULL, w, line);
}

#define EXPECT_ERROR(text, want) rp_test_policy_error((text), (want), 0, __LINE__)

START_TEST(test_bad_lines_in_files_warn_with_file_and_line)
{
	static const char *const lines[] = {
		/* 1 */ "# each bad line is skipped; the good ones around it count",
		/* 2 */ "restrict,pty " KEY1 " good",
		/* 3 */ "restrictt " KEY2,
		/* 4 */ "command=\"unterminated " KEY2,
		/* 5 */ "environment=\"A=B\" " KEY2,
		/* 6 */ "tunnel=\"1\" " KEY2,
		/* 7 */ "no-touch-required " KEY2,
		/* 8 */ "verify-required " KEY2,
		/* 9 */ "expiry-time=\"20261301\" " KEY2,
		/* 10 */ "from=\"db.corp\" " KEY2,
		/* 11 */ "from=\"10.1.1.1/8\" " KEY2,
		/* 12 */ "principals=\"a\" " KEY2,
		/* 13 */ "no-pty,,pty " KEY2,
		/* 14 */ "permitopen=\"db\" " KEY2,
		/* 15 */ "  command=\"uptime\" " KEY3 " also good",
		/* 16 */ "no-pty ssh-ed25519 AAAA!!!!",
		/* 17 */ "no-pty",
	};
	static const char *const want[] = {
		":3:1: authorized_keys options: unknown option 'restrictt'; key skipped",
		":4:1: authorized_keys options: bad quoting: a '\"' is not closed; key skipped",
		":5:1: authorized_keys options: environment= is not supported: rampart never sets "
		    "the environment from a key; key skipped",
		":6:1: authorized_keys options: tunnel= is not supported: rampart has no tun "
		    "device forwarding; key skipped",
		":7:1: authorized_keys options: no-touch-required is not supported: rampart does "
		    "not accept FIDO (sk-) keys; key skipped",
		":8:1: authorized_keys options: verify-required is not supported: rampart does not "
		    "accept FIDO (sk-) keys; key skipped",
		":9:1: authorized_keys options: invalid expiry-time \"20261301\"; expected "
		    "YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS (local time, or UTC with a final Z); "
		    "key skipped",
		":10:1: authorized_keys options: from=: 'db.corp' is not an address; rampart "
		    "matches from= against the client's address only, never a host name; key "
		    "skipped",
		":11:1: authorized_keys options: from=: invalid CIDR '10.1.1.1/8': bits are set "
		    "after the prefix length; key skipped",
		":12:1: authorized_keys options: principals= is only valid with cert-authority; "
		    "key skipped",
		":13:1: authorized_keys options: empty option (a stray ','); key skipped",
		":14:1: authorized_keys options: permitopen=\"db\": expected HOST:PORT; key "
		    "skipped",
		":16:1: not a usable public key line (invalid base64 key data); key skipped",
		":17:1: not a usable public key line (unknown or unsupported key type); key "
		    "skipped",
	};
	struct tempdir t;
	struct warnings w;
	struct rp_policy *policy;
	const struct rp_policy_user *u;
	char content[4096], text[512], expect[1024];
	const char *path;
	size_t off = 0;

	memset(&t, 0, sizeof(t));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		off += (size_t)snprintf(content + off, sizeof(content) - off, "%s\n", lines[i]);
	path = temp_file(&t, "keys", content, 0644);
	snprintf(text, sizeof(text), BASE "user u {\n\tauthorized-keys-file %s\n}\n", path);
	policy = load_ok(text, &w, __LINE__);
	u = rp_policy_find_user(policy, "u");
	ck_assert_uint_eq(u->nkeys, 2);
	ck_assert_str_eq(u->keys[0].comment, "good");
	ck_assert_uint_eq(u->keys[0].options.permit, RP_PERMIT_PTY);
	ck_assert_uint_eq(u->keys[1].pos.line, 15);
	ck_assert_uint_eq(u->keys[1].pos.col, 3);
	ck_assert_str_eq(u->keys[1].options.command, "uptime");
	ck_assert_uint_eq(w.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < w.n; i++) {
		snprintf(expect, sizeof(expect), "%s%s", path, want[i]);
		ck_assert_str_eq(w.msg[i], expect);
	}
	rp_policy_free(policy);

	/* A CA key file holds bare CA keys; options there are skipped. */
	path = temp_file(&t, "ca", "cert-authority " KEY1 "\n" KEY2 "\n", 0644);
	snprintf(text, sizeof(text), BASE "user u {\n\ttrusted-user-ca-file %s\n}\n", path);
	policy = load_ok(text, &w, __LINE__);
	ck_assert_uint_eq(policy->users[0].block->cas[0].nkeys, 1);
	ck_assert_uint_eq(w.n, 1);
	snprintf(expect, sizeof(expect), "%s:1:1: options are not allowed in a CA key file; key "
	    "skipped", path);
	ck_assert_str_eq(w.msg[0], expect);
	rp_policy_free(policy);
	temp_clean(&t);
}
END_TEST

START_TEST(test_inline_keys_with_options)
{
	struct warnings w;
	struct rp_policy *policy = load_ok(BASE "user u {\n"
	    "\tauthorized-key \"from=\\\"10.0.0.0/8\\\",command=\\\"echo \\\\\\\"hi\\\\\\\"\\\" "
	    KEY1 " c1\"\n"
	    "\tauthorized-key \"" KEY1 " plain\"\n"
	    "\tauthorized-key \"cert-authority,principals=\\\"ops\\\" " KEY2 " ca\"\n"
	    "\tauthorized-key \"from=\\\"10.0.0.0/8\\\",command=\\\"echo \\\\\\\"hi\\\\\\\"\\\" "
	    KEY1 " again\"\n"
	    "}\n", &w, __LINE__);
	const struct rp_policy_user *u = &policy->users[0];

	/* The same key with other options is kept; the same line twice is not. */
	ck_assert_uint_eq(u->nkeys, 3);
	ck_assert_str_eq(u->keys[0].options.command, "echo \"hi\"");
	ck_assert_ptr_null(u->keys[1].options.text);
	ck_assert(u->keys[2].options.cert_authority);
	ck_assert_uint_eq(w.n, 1);
	ck_assert_msg(strstr(w.msg[0], "t.conf:7:2: key SHA256:") == w.msg[0] &&
	    strstr(w.msg[0], "is already listed for user u at t.conf:4:2; duplicate ignored"),
	    "%s", w.msg[0]);
	/* rp_policy_user_key finds user keys, never a CA line. */
	{
		struct rp_pubkey *k1 = key_from_text(KEY1), *k2 = key_from_text(KEY2);
		ck_assert_ptr_eq(rp_policy_user_key(u, k1), &u->keys[0]);
		ck_assert_ptr_null(rp_policy_user_key(u, k2));
		rp_pubkey_free(k1);
		rp_pubkey_free(k2);
	}
	rp_policy_free(policy);

	EXPECT_ERROR(BASE "user u {\n\tauthorized-key \"tunnel=\\\"0\\\" " KEY1 "\"\n}\n",
	    "t.conf:4:17: invalid authorized-key options: tunnel= is not supported: rampart has "
	    "no tun device forwarding; expected options as in sshd(8)'s AUTHORIZED_KEYS FILE "
	    "FORMAT before the key, such as restrict,from=\"10.0.0.0/8\"");
	EXPECT_ERROR(BASE "user u {\n\tauthorized-key \"from=\\\"10.0.0.0/8 " KEY1 "\"\n}\n",
	    "t.conf:4:17: invalid authorized-key options: bad quoting: a '\"' is not closed; "
	    "expected options as in sshd(8)'s AUTHORIZED_KEYS FILE FORMAT before the key, such "
	    "as restrict,from=\"10.0.0.0/8\"");
}
END_TEST

/* The first line of a file under tests/vectors/keys, without its newline. */
static void
vector_key(const char *name, char *out, size_t outsz)
{
	char rel[96];
	FILE *f;
	size_t n;

	snprintf(rel, sizeof(rel), "tests/vectors/keys/%s", name);
	ck_assert_msg((f = fopen(rp_test_path(rel), "r")) != NULL, "cannot open %s", rel);
	ck_assert_ptr_nonnull(fgets(out, (int)outsz, f));
	fclose(f);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
}

START_TEST(test_every_key_type)
{
	static const char *const good[] = { "ed25519.pub", "ecdsa256.pub", "ecdsa384.pub",
		"ecdsa521.pub", "rsa2048.pub", "rsa3072.pub", "rsa4096.pub" };
	char key[2048], text[4096], want[256];
	struct rp_policy *policy;
	struct tempdir t;
	struct warnings w;
	const char *path;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		vector_key(good[i], key, sizeof(key));
		snprintf(text, sizeof(text), BASE "user u {\n\tauthorized-key \"no-pty %s\"\n}\n",
		    key);
		policy = load_ok(text, NULL, __LINE__);
		ck_assert_uint_eq(policy->users[0].nkeys, 1);
		ck_assert_str_eq(policy->users[0].keys[0].options.text, "no-pty");
		rp_policy_free(policy);
	}
	/* RSA below 2048 bits: an error inline, a warning in a file. */
	vector_key("rsa1024.pub", key, sizeof(key));
	snprintf(text, sizeof(text), BASE "user u {\n\tauthorized-key \"%s\"\n}\n", key);
	EXPECT_ERROR(text, "t.conf:4:17: invalid authorized-key: RSA key of 1024 bits: at least "
	    "2048 are required; expected a public key line such as \"ssh-ed25519 AAAA... "
	    "comment\"");
	memset(&t, 0, sizeof(t));
	snprintf(text, sizeof(text), "restrict %s\n", key);
	path = temp_file(&t, "keys", text, 0644);
	snprintf(text, sizeof(text), BASE "user u {\n\tauthorized-keys-file %s\n}\n", path);
	policy = load_ok(text, &w, __LINE__);
	ck_assert_uint_eq(policy->users[0].nkeys, 0);
	ck_assert_uint_eq(w.n, 2);
	snprintf(want, sizeof(want), "%s:1:1: not a usable public key line (RSA key of 1024 "
	    "bits: at least 2048 are required); key skipped", path);
	ck_assert_str_eq(w.msg[0], want);
	ck_assert_str_eq(w.msg[1], "t.conf:3:1: user u has no keys or other credentials and "
	    "cannot log in");
	rp_policy_free(policy);
	temp_clean(&t);
}
END_TEST

/* --- rp_policy_authorize_key ----------------------------------------------------------- */

struct authz {
	struct rp_policy *policy;
	struct rp_principal pr;
	struct rp_account acct;
	struct rp_policy_diag diag;
	struct warnings w;
};

static void
authz_start(struct authz *z, const char *text, const char *user, const char *home)
{
	memset(z, 0, sizeof(*z));
	z->policy = load_ok(text, NULL, __LINE__);
	ck_assert(rp_policy_resolve(z->policy, user, &z->pr));
	z->acct.home = home;
	z->acct.uid = getuid();
	z->diag.warn = collect;
	z->diag.warn_ctx = &z->w;
}

static void
authz_end(struct authz *z)
{
	rp_principal_clear(&z->pr);
	rp_policy_free(z->policy);
}

/* Authorize keytext from `from` (NULL: unknown) at now; fills *src. */
static int
authorize(struct authz *z, const char *keytext, const char *from, time_t now,
    struct rp_key_source *src)
{
	struct rp_pubkey *key = key_from_text(keytext);
	struct rp_addr a;
	int ok;

	if (from != NULL)
		a = addr(from);
	ok = rp_policy_authorize_key(z->policy, &z->pr, key, &z->acct, from != NULL ? &a : NULL,
	    now, &z->diag, src);
	rp_pubkey_free(key);
	return ok;
}

START_TEST(test_authorize_from_and_expiry)
{
	struct authz z;
	struct rp_key_source src;

	authz_start(&z, BASE "user u {\n"
	    "\tauthorized-key \"from=\\\"10.0.0.0/8,!10.0.5.0/24\\\",restrict,pty " KEY1 "\"\n"
	    "\tauthorized-key \"expiry-time=\\\"20300101Z\\\",command=\\\"uptime\\\" " KEY1 "\"\n"
	    "\tauthorized-key \"from=\\\"2001:db8::/32\\\" " KEY2 "\"\n"
	    "\tauthorized-key \"expiry-time=\\\"20300101Z\\\" " KEY3 "\"\n"
	    "}\n", "u", NULL);

	/* The first line matches: its options come back. */
	ck_assert(authorize(&z, KEY1, "10.1.2.3", T2030 + 100, &src));
	ck_assert_uint_eq(src.pos.line, 4);
	ck_assert_str_eq(src.pos.file, "t.conf");
	ck_assert_str_eq(src.block, "user u");
	ck_assert_uint_eq(src.options.permit, RP_PERMIT_PTY);
	ck_assert_ptr_null(src.options.command);
	rp_key_source_clear(&src);
	ck_assert_ptr_null(src.options.text);
	/* Its from= refuses 10.0.5.1; the next line for the same key allows it
	 * until it expires. */
	ck_assert(authorize(&z, KEY1, "10.0.5.1", T2030 - 1, &src));
	ck_assert_uint_eq(src.pos.line, 5);
	ck_assert_str_eq(src.options.command, "uptime");
	ck_assert_uint_eq(src.options.permit, RP_PERMIT_ALL);
	rp_key_source_clear(&src);
	ck_assert(authorize(&z, KEY1, "10.0.5.1", T2030, &src)); /* the last second */
	rp_key_source_clear(&src);
	/* Both lines refuse: the reason is the first line's. */
	ck_assert(!authorize(&z, KEY1, "10.0.5.1", T2030 + 1, &src));
	ck_assert_str_eq(src.reason, "from= of t.conf:4 does not allow 10.0.5.1");
	ck_assert_ptr_null(src.block);
	ck_assert_uint_eq(src.pos.line, 0);
	rp_key_source_clear(&src);
	ck_assert(!authorize(&z, KEY1, "192.0.2.1", T2030 + 1, &src));
	ck_assert_str_eq(src.reason, "from= of t.conf:4 does not allow 192.0.2.1");
	rp_key_source_clear(&src);
	/* An unknown address fails closed on from= lines only. */
	ck_assert(authorize(&z, KEY1, NULL, 0, &src));
	ck_assert_uint_eq(src.pos.line, 5);
	rp_key_source_clear(&src);
	ck_assert(!authorize(&z, KEY2, NULL, 0, &src));
	ck_assert_str_eq(src.reason, "from= of t.conf:6 and the client address is unknown");
	rp_key_source_clear(&src);
	ck_assert(authorize(&z, KEY2, "2001:db8::1", 0, &src));
	rp_key_source_clear(&src);
	ck_assert(!authorize(&z, KEY2, "::ffff:10.1.2.3", 0, &src));
	rp_key_source_clear(&src);
	/* Expired. */
	ck_assert(!authorize(&z, KEY3, "10.1.2.3", T2030 + 1, &src));
	ck_assert(strncmp(src.reason, "expiry-time of t.conf:7 passed at ", 34) == 0);
	rp_key_source_clear(&src);
	authz_end(&z);

	/* A key nobody listed. */
	authz_start(&z, BASE "user u {\n\tauthorized-key \"" KEY1 "\"\n}\n", "u", NULL);
	ck_assert(!authorize(&z, KEY2, "10.1.2.3", 0, &src));
	ck_assert_str_eq(src.reason, "key not listed for u");
	rp_key_source_clear(&src);
	authz_end(&z);
}
END_TEST

START_TEST(test_authorize_ignores_cert_authority_lines)
{
	struct authz z;
	struct rp_key_source src;

	authz_start(&z, BASE "user u {\n"
	    "\tauthorized-key \"cert-authority " KEY1 "\"\n"
	    "}\n", "u", NULL);
	ck_assert(!authorize(&z, KEY1, "10.1.2.3", 0, &src));
	ck_assert_str_eq(src.reason, "key not listed for u");
	rp_key_source_clear(&src);
	authz_end(&z);
}
END_TEST

START_TEST(test_authorize_login_time_files_with_options)
{
	struct tempdir t;
	struct authz z;
	struct rp_key_source src;
	char text[512], where[256];

	memset(&t, 0, sizeof(t));
	temp_file(&t, "u.keys", "from=\"10.0.0.0/8\" " KEY1 "\n"
	    "bogus-option " KEY2 "\n"
	    "restrict,permitopen=\"db:5432\",port-forwarding " KEY1 " second\n", 0600);
	snprintf(text, sizeof(text), BASE "group g {\n\tmembers u\n\tauthorized-keys-file "
	    "%s/%%u.keys\n}\n", t.path);
	authz_start(&z, text, "u", t.path);

	ck_assert(authorize(&z, KEY1, "10.1.2.3", 0, &src));
	snprintf(where, sizeof(where), "%s/u.keys", t.path);
	ck_assert_str_eq(src.pos.file, where);
	ck_assert_ptr_eq(src.pos.file, src.file);
	ck_assert_uint_eq(src.pos.line, 1);
	ck_assert_str_eq(src.block, "group g");
	ck_assert_str_eq(src.options.text, "from=\"10.0.0.0/8\"");
	rp_key_source_clear(&src);
	ck_assert_uint_eq(z.w.n, 0); /* the scan stopped at line 1 */

	ck_assert(authorize(&z, KEY1, "192.0.2.1", 0, &src));
	ck_assert_uint_eq(src.pos.line, 3);
	ck_assert_uint_eq(src.options.permit, RP_PERMIT_PORT_FORWARDING);
	ck_assert_uint_eq(src.options.npermitopen, 1);
	ck_assert(rp_key_options_allow_open(&src.options, "db", 5432));
	ck_assert(!rp_key_options_allow_open(&src.options, "db", 22));
	rp_key_source_clear(&src);
	ck_assert_uint_eq(z.w.n, 1);
	snprintf(where, sizeof(where), "%s/u.keys:2:1: authorized_keys options: unknown option "
	    "'bogus-option'; key skipped", t.path);
	ck_assert_str_eq(z.w.msg[0], where);

	z.w.n = 0;
	ck_assert(!authorize(&z, KEY2, "10.1.2.3", 0, &src));
	ck_assert_str_eq(src.reason, "key not listed for u");
	rp_key_source_clear(&src);
	authz_end(&z);
	temp_clean(&t);
}
END_TEST

RP_TEST_SUITE(policy_keys)
{
	Suite *s = suite_create("policy_keys");
	TCase *opts = tcase_create("options");
	TCase *files = tcase_create("files");
	TCase *authz = tcase_create("authorize");

	tcase_add_test(opts, test_flags_and_restrict);
	tcase_add_test(opts, test_value_options);
	tcase_add_test(opts, test_expiry_time);
	tcase_add_test(opts, test_malformed_options);
	tcase_add_test(opts, test_from_matching);
	tcase_add_test(opts, test_options_copy);
	suite_add_tcase(s, opts);
	tcase_add_test(files, test_bad_lines_in_files_warn_with_file_and_line);
	tcase_add_test(files, test_inline_keys_with_options);
	tcase_add_test(files, test_every_key_type);
	suite_add_tcase(s, files);
	tcase_add_test(authz, test_authorize_from_and_expiry);
	tcase_add_test(authz, test_authorize_ignores_cert_authority_lines);
	tcase_add_test(authz, test_authorize_login_time_files_with_options);
	suite_add_tcase(s, authz);
	return s;
}

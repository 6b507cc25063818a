/*
 * tests/unit/test_policy_decide.c: the policy's decisions (policy/): admission
 * by source address (IPv4, IPv6, mapped), principals with groups and system
 * groups, allow/deny rules for every action and condition (first match,
 * windows across midnight, ports, CIDRs, globs), auth chains and the other
 * per-principal settings, and keys from %u/%h files read at login.
 */
#include "tests/unit/unit.h"
#include "tests/unit/policy_load.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/sshkey.h"
#include "policy/internal.h"
#include "policy/policy.h"

#define KEY1 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINegXv2XsYUBH3ZDU5VEfjvc4UuUbCOy0dGzRtV8xBB2"
#define KEY2 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIByFI8y1XEZN3mJKneyvrlp4lk2cyLeYW50bTe78hsR5"
#define KEY3 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJOhgEER0e3/Z1i4oTDawOVYIGFtSIBqCwZWxous1Iwo"

#define BASE "listen 127.0.0.1:0\nhost-key /k\n"

enum { SUN, MON, TUE, WED, THU, FRI, SAT };

struct warnings {
	char msg[16][1024];
	size_t n;
};

static void
collect(void *ctx, const char *message)
{
	struct warnings *w = ctx;

	ck_assert_msg(w->n < 16, "too many warnings");
	snprintf(w->msg[w->n++], sizeof(w->msg[0]), "%s", message);
}

/* Warnings, if w is given, are collected into it. */
static struct rp_policy *
load_ok(const char *text, struct warnings *w, int line)
{
	if (w != NULL)
		memset(w, 0, sizeof(*w));
	return rp_test_policy_load(text, w != NULL ? collect : NULL, w, line);
}

#define LOAD_OK(text) load_ok((text), NULL, __LINE__)

/* The whole message, exactly. */
#define EXPECT_ERROR(text, want) rp_test_policy_error((text), (want), 0, __LINE__)
/* A message that starts with want. */
#define EXPECT_PREFIX(text, want) rp_test_policy_error((text), (want), 1, __LINE__)

static struct rp_addr
addr(const char *text)
{
	struct rp_addr a;

	ck_assert_msg(rp_addr_parse(text, &a), "test address '%s'", text);
	return a;
}

static struct rp_when
at(unsigned wday, unsigned hour, unsigned minute)
{
	struct rp_when w = { wday, hour * 60 + minute };

	return w;
}

/* --- a decision in one call --------------------------------------------- */

struct ask {
	const struct rp_policy *policy;
	const char *user;
	const char *from;
	struct rp_when when;
};

/* Decide action (with name and port) for the asker; returns allow and
 * fills *d. */
static int
decide(const struct ask *q, enum rp_action action, const char *name, unsigned port,
    struct rp_decision *d)
{
	struct rp_principal pr;
	struct rp_request req = { action, name, port, NULL, 0 };
	struct rp_addr from = addr(q->from);
	int allow;

	ck_assert_msg(rp_policy_resolve(q->policy, q->user, &pr), "%s is not a principal",
	    q->user);
	allow = rp_policy_decide(q->policy, &pr, &from, &q->when, &req, d);
	rp_principal_clear(&pr);
	return allow;
}

static int
may(const struct ask *q, enum rp_action action, const char *name, unsigned port)
{
	struct rp_decision d;

	return decide(q, action, name, port, &d);
}

/* The line of the rule that decided, 0 for deny by default. */
static unsigned
decided_by(const struct ask *q, enum rp_action action, const char *name, unsigned port)
{
	struct rp_decision d;

	decide(q, action, name, port, &d);
	return d.rule != NULL ? d.pos.line : 0;
}

/* --- addresses ----------------------------------------------------------- */

START_TEST(test_addresses_and_mapped_ipv4)
{
	struct rp_addr a, b;
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	char buf[64];

	ck_assert(rp_addr_parse("::ffff:10.1.2.3", &a));
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_str_eq(rp_addr_format(&a, buf, sizeof(buf)), "10.1.2.3");
	b = addr("10.1.2.3");
	ck_assert(rp_addr_equal(&a, &b));
	ck_assert(rp_addr_parse("2001:db8::1", &a));
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_str_eq(rp_addr_format(&a, buf, sizeof(buf)), "2001:db8::1");
	ck_assert(!rp_addr_parse("db01", &a));
	ck_assert(!rp_addr_parse("10.0.0.0/8", &a));
	ck_assert(!rp_addr_parse("[::1]", &a));
	ck_assert(!rp_addr_parse("", &a));

	/* From an accepted dual-stack socket: mapped becomes IPv4. */
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, "::ffff:192.0.2.7", &sin6.sin6_addr), 1);
	ck_assert(rp_addr_from_sockaddr((struct sockaddr *)&sin6, sizeof(sin6), &a));
	ck_assert_str_eq(rp_addr_format(&a, buf, sizeof(buf)), "192.0.2.7");
	ck_assert_int_eq(a.family, AF_INET);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x0a000001);
	ck_assert(rp_addr_from_sockaddr((struct sockaddr *)&sin, sizeof(sin), &a));
	ck_assert_str_eq(rp_addr_format(&a, buf, sizeof(buf)), "10.0.0.1");
	ck_assert(!rp_addr_from_sockaddr((struct sockaddr *)&sin, sizeof(sin) - 1, &a));
	sin.sin_family = AF_UNIX;
	ck_assert(!rp_addr_from_sockaddr((struct sockaddr *)&sin, sizeof(sin), &a));
}
END_TEST

START_TEST(test_cidrs)
{
	static const struct {
		const char *text, *canonical;
	} good[] = {
		{ "10.0.0.0/8", "10.0.0.0/8" }, { "10.1.2.3", "10.1.2.3" },
		{ "10.1.2.3/32", "10.1.2.3" }, { "0.0.0.0/0", "0.0.0.0/0" },
		{ "2001:db8::/32", "2001:db8::/32" }, { "2001:DB8:0::/48", "2001:db8::/48" },
		{ "::1", "::1" }, { "::/0", "::/0" }, { "::ffff:10.0.0.0/104", "10.0.0.0/8" },
		{ "::ffff:192.0.2.7", "192.0.2.7" }, { "10.128.0.0/9", "10.128.0.0/9" },
	};
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "10.0.0.1/8", "bits are set after the prefix length" },
		{ "10.0.0.0/33", "the prefix length must be a number from 0 to 32" },
		{ "2001:db8::/129", "the prefix length must be a number from 0 to 128" },
		{ "10.0.0.0/", "the prefix length must be a number from 0 to 32" },
		{ "10.0.0.0/-1", "the prefix length must be a number from 0 to 32" },
		{ "10.0.0/8", "not a numeric IPv4 or IPv6 address" },
		{ "db01/8", "not a numeric IPv4 or IPv6 address" },
		{ "/8", "not a numeric IPv4 or IPv6 address" },
		{ "[::1]", "not a numeric IPv4 or IPv6 address" },
		{ "2001:db8::1/32", "bits are set after the prefix length" },
	};
	struct rp_cidr c;
	struct rp_addr a;
	const char *why;
	char buf[64];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(rp_cidr_parse(good[i].text, &c, &why), "'%s': %s", good[i].text, why);
		ck_assert_str_eq(rp_cidr_format(&c, buf, sizeof(buf)), good[i].canonical);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!rp_cidr_parse(bad[i].text, &c, &why), "'%s' accepted", bad[i].text);
		ck_assert_str_eq(why, bad[i].why);
	}
	ck_assert(rp_cidr_parse("10.128.0.0/9", &c, &why));
	a = addr("10.200.1.1");
	ck_assert(rp_cidr_contains(&c, &a));
	a = addr("10.127.255.255");
	ck_assert(!rp_cidr_contains(&c, &a));
	a = addr("::ffff:10.200.1.1");
	ck_assert(rp_cidr_contains(&c, &a));
	/* An IPv6 network never holds an IPv4 address, even ::/0. */
	ck_assert(rp_cidr_parse("::/0", &c, &why));
	ck_assert(!rp_cidr_contains(&c, &a));
	ck_assert(rp_cidr_parse("0.0.0.0/0", &c, &why));
	a = addr("2001:db8::1");
	ck_assert(!rp_cidr_contains(&c, &a));
	ck_assert(rp_cidr_parse("2001:db8:8000::/33", &c, &why));
	a = addr("2001:db8:ffff::1");
	ck_assert(rp_cidr_contains(&c, &a));
	a = addr("2001:db8:7fff::1");
	ck_assert(!rp_cidr_contains(&c, &a));
}
END_TEST

/* --- admission ----------------------------------------------------------- */

static unsigned
admitted_by(const struct rp_policy *policy, const char *from, int *admit)
{
	struct rp_addr a = addr(from);
	const struct rp_admission_rule *r = rp_policy_admission(policy, &a);

	*admit = r != NULL && r->admit;
	return r != NULL ? r->number : 0;
}

START_TEST(test_admission_first_match)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "refuse from 10.66.0.0/16\n"                                /* 1, line 3 */
	    "admit from 10.0.0.0/8 192.0.2.7 rate 20/1m burst 40\n"     /* 2 */
	    "admit from 2001:db8::/32\n"                                /* 3 */
	    "refuse from ::/0\n"                                        /* 4 */
	    "admit from 0.0.0.0/0 rate 5/1s\n");                        /* 5 */
	const struct rp_admission_rule *r;
	int admit;

	ck_assert_uint_eq(policy->nadmission, 5);
	ck_assert_uint_eq(admitted_by(policy, "10.66.1.1", &admit), 1);
	ck_assert(!admit);
	ck_assert_uint_eq(admitted_by(policy, "10.67.1.1", &admit), 2);
	ck_assert(admit);
	ck_assert_uint_eq(admitted_by(policy, "192.0.2.7", &admit), 2);
	ck_assert_uint_eq(admitted_by(policy, "192.0.2.8", &admit), 5);
	ck_assert(admit);
	/* Mapped IPv4 matches IPv4 rules and never IPv6 ones. */
	ck_assert_uint_eq(admitted_by(policy, "::ffff:10.66.0.9", &admit), 1);
	ck_assert_uint_eq(admitted_by(policy, "::ffff:10.1.1.1", &admit), 2);
	ck_assert_uint_eq(admitted_by(policy, "::ffff:198.51.100.1", &admit), 5);
	ck_assert_uint_eq(admitted_by(policy, "2001:db8:1::5", &admit), 3);
	ck_assert(admit);
	ck_assert_uint_eq(admitted_by(policy, "2001:db9::5", &admit), 4);
	ck_assert(!admit);

	r = &policy->admission[1];
	ck_assert_str_eq(r->text, "admit from 10.0.0.0/8 192.0.2.7 rate 20/1m burst 40");
	ck_assert_uint_eq(r->rate.count, 20);
	ck_assert_uint_eq(r->rate.period_s, 60);
	ck_assert_uint_eq(r->rate.burst, 40);
	ck_assert_uint_eq(r->pos.line, 4);
	ck_assert_uint_eq(r->pos.col, 1);
	r = &policy->admission[4];
	ck_assert_str_eq(r->text, "admit from 0.0.0.0/0 rate 5/1s burst 5");
	ck_assert_uint_eq(r->rate.burst, 5);
	ck_assert_uint_eq(policy->admission[2].rate.count, 0);
	ck_assert_str_eq(policy->admission[0].text, "refuse from 10.66.0.0/16");
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_admission_none_matches_refuses)
{
	struct rp_policy *policy = LOAD_OK(BASE "admit from 10.0.0.0/8\n");
	struct rp_addr a = addr("192.0.2.1");

	ck_assert_ptr_null(rp_policy_admission(policy, &a));
	rp_policy_free(policy);
	policy = LOAD_OK(BASE);
	a = addr("10.0.0.1");
	ck_assert_ptr_null(rp_policy_admission(policy, &a));
	rp_policy_free(policy);
	policy = LOAD_OK(BASE "admit from any\n");
	a = addr("2001:db8::1");
	ck_assert_ptr_nonnull(rp_policy_admission(policy, &a));
	ck_assert_str_eq(policy->admission[0].text, "admit from any");
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_admission_errors)
{
	EXPECT_ERROR(BASE "admit 10.0.0.0/8\n", "t.conf:3:1: 'admit' takes at least 2 arguments, "
	    "got 1; expected admit from SOURCES [rate N/DURATION [burst M]]");
	EXPECT_ERROR(BASE "admit to 10.0.0.0/8\n", "t.conf:3:7: 'admit' expects 'from' first, "
	    "got 'to'; expected admit from SOURCES [rate N/DURATION [burst M]]");
	EXPECT_ERROR(BASE "admit from\n", "t.conf:3:1: 'admit' takes at least 2 arguments, "
	    "got 1; expected admit from SOURCES [rate N/DURATION [burst M]]");
	EXPECT_ERROR(BASE "admit from rate 1/1s\n", "t.conf:3:7: no sources after 'from'; "
	    "expected 'any', or addresses and networks such as 10.0.0.0/8, 192.0.2.7 or "
	    "2001:db8::/32");
	EXPECT_ERROR(BASE "admit from 10.0.0.1/8\n", "t.conf:3:12: invalid source '10.0.0.1/8': "
	    "bits are set after the prefix length; expected 'any', or addresses and networks "
	    "such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32");
	EXPECT_ERROR(BASE "admit from corp.example\n", "t.conf:3:12: invalid source "
	    "'corp.example': not a numeric IPv4 or IPv6 address; expected 'any', or addresses "
	    "and networks such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32");
	EXPECT_ERROR(BASE "admit from any 10.0.0.0/8\n", "t.conf:3:12: 'any' with other sources; "
	    "expected 'any' alone, or a list of addresses and networks");
	EXPECT_ERROR(BASE "admit from 10.0.0.0/8 10.0.0.0/8\n", "t.conf:3:23: source "
	    "10.0.0.0/8 is listed twice; expected each once");
	EXPECT_ERROR(BASE "admit from 10.0.0.0/8 rate\n", "t.conf:3:23: 'rate' without a value; "
	    "expected rate N/DURATION, such as rate 20/1m");
	EXPECT_ERROR(BASE "admit from 10.0.0.0/8 rate 20\n", "t.conf:3:28: invalid rate '20'; "
	    "expected N/DURATION with N from 1 to 1000000 and DURATION from 1s to 1d, such as "
	    "20/1m");
	EXPECT_PREFIX(BASE "admit from 10.0.0.0/8 rate 0/1m\n", "t.conf:3:28: invalid rate '0/1m'");
	EXPECT_PREFIX(BASE "admit from 10.0.0.0/8 rate 1/2d\n", "t.conf:3:28: invalid rate '1/2d'");
	EXPECT_PREFIX(BASE "admit from 10.0.0.0/8 rate 1/0s\n", "t.conf:3:28: invalid rate '1/0s'");
	EXPECT_ERROR(BASE "admit from 10.0.0.0/8 burst 5\n", "t.conf:3:23: 'burst' without "
	    "'rate' before it; expected admit from SOURCES rate N/DURATION burst M");
	EXPECT_ERROR(BASE "admit from 10.0.0.0/8 rate 1/1s burst\n", "t.conf:3:33: 'burst' "
	    "without a value; expected burst M");
	EXPECT_ERROR(BASE "admit from 10.0.0.0/8 rate 1/1s burst 0\n", "t.conf:3:39: 'burst' "
	    "expects a whole number from 1 to 1000000, got '0'");
	EXPECT_ERROR(BASE "admit from 10.0.0.0/8 rate 1/1s burst 2 now\n", "t.conf:3:41: "
	    "unexpected 'now' after the burst; expected the end of the line");
	EXPECT_ERROR(BASE "admit from 10.0.0.0/8 rate 1/1s later\n", "t.conf:3:33: unexpected "
	    "'later' after the rate; expected [burst M] and the end of the line");
	EXPECT_ERROR(BASE "refuse from 10.0.0.0/8 rate 1/1s\n", "t.conf:3:24: 'refuse' takes no "
	    "rate; expected refuse from SOURCES");
	EXPECT_ERROR(BASE "user a {\n\tadmit from any\n}\n", "t.conf:4:2: 'admit' belongs at top "
	    "level, not inside a 'user NAME { ... }' block; expected one of: allow, deny, auth, "
	    "authorized-key, authorized-keys-file, trusted-user-ca, trusted-user-ca-file, "
	    "password-hash, password, totp-secrets, totp-prompt, auth-instruction, totp-digits, "
	    "totp-period, totp-algorithm, totp-window, max-sessions, record-sessions, banner, "
	    "banner-file");
}
END_TEST

/* --- principals ------------------------------------------------------------ */

START_TEST(test_principals_users_and_groups)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "group ops {\n\tmembers carol alice\n}\n"
	    "user alice {\n}\n"
	    "group devs {\n\tmembers alice dave\n\tmembers erin\n}\n"
	    "user bob {\n}\n");
	struct rp_principal pr;

	ck_assert(rp_policy_resolve(policy, "alice", &pr));
	ck_assert_str_eq(pr.name, "alice");
	ck_assert_ptr_nonnull(pr.user);
	ck_assert_str_eq(pr.user->name, "alice");
	/* Groups in block order, not in the order of `members` lines. */
	ck_assert_uint_eq(pr.ngroups, 2);
	ck_assert_str_eq(pr.groups[0]->name, "ops");
	ck_assert_str_eq(pr.groups[1]->name, "devs");
	rp_principal_clear(&pr);
	ck_assert_ptr_null(pr.groups);

	/* A member without a user block is a principal. */
	ck_assert(rp_policy_resolve(policy, "erin", &pr));
	ck_assert_ptr_null(pr.user);
	ck_assert_uint_eq(pr.ngroups, 1);
	ck_assert_str_eq(pr.groups[0]->name, "devs");
	rp_principal_clear(&pr);

	ck_assert(rp_policy_resolve(policy, "bob", &pr));
	ck_assert_ptr_nonnull(pr.user);
	ck_assert_uint_eq(pr.ngroups, 0);
	rp_principal_clear(&pr);

	/* Unknown names, invalid names, case. */
	ck_assert(!rp_policy_resolve(policy, "mallory", &pr));
	ck_assert_ptr_null(pr.user);
	ck_assert_uint_eq(pr.ngroups, 0);
	ck_assert(!rp_policy_resolve(policy, "Alice", &pr));
	ck_assert(!rp_policy_resolve(policy, "", &pr));
	ck_assert(!rp_policy_resolve(policy, "../alice", &pr));
	ck_assert(!rp_policy_resolve(policy, "alice\n", &pr));
	ck_assert(!rp_policy_resolve(policy, "abcdefghijklmnopqrstuvwxyz0123456", &pr));
	rp_policy_free(policy);
}
END_TEST

/* Debian's root and daemon users have the groups of the same name as their
 * primary groups; nobody is in adm in a minimal system (and root never
 * is). */
START_TEST(test_principals_system_groups)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "group admins {\n\tsystem-group adm\n}\n"
	    "group wheel {\n\tsystem-group root\n\tsystem-group no-such-group-here\n}\n"
	    "group services {\n\tsystem-group daemon root\n\tmembers svc\n}\n");
	struct rp_principal pr;

	ck_assert(rp_unix_group_member("root", "root"));
	ck_assert(rp_unix_group_member("daemon", "daemon"));
	ck_assert(!rp_unix_group_member("root", "daemon"));
	ck_assert(!rp_unix_group_member("root", "adm"));
	ck_assert(!rp_unix_group_member("root", "no-such-group-here"));
	ck_assert(!rp_unix_group_member("no-such-user-here", "root"));

	ck_assert(rp_policy_resolve(policy, "root", &pr));
	ck_assert_ptr_null(pr.user);
	ck_assert_uint_eq(pr.ngroups, 2);
	ck_assert_str_eq(pr.groups[0]->name, "wheel");
	ck_assert_str_eq(pr.groups[1]->name, "services");
	rp_principal_clear(&pr);
	ck_assert(rp_policy_resolve(policy, "daemon", &pr));
	ck_assert_uint_eq(pr.ngroups, 1);
	ck_assert_str_eq(pr.groups[0]->name, "services");
	rp_principal_clear(&pr);
	/* Listed and not a system user. */
	ck_assert(rp_policy_resolve(policy, "svc", &pr));
	ck_assert_uint_eq(pr.ngroups, 1);
	rp_principal_clear(&pr);
	ck_assert(!rp_policy_resolve(policy, "no-such-user-here", &pr));
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_group_errors)
{
	EXPECT_ERROR(BASE "group 1st {\n}\n", "t.conf:3:7: invalid group name '1st'; expected a "
	    "letter or '_' first, then letters, digits, '_', '.' or '-', at most 32 bytes");
	EXPECT_ERROR(BASE "group g {\n}\ngroup g {\n}\n", "t.conf:5:7: group g already has a "
	    "block at t.conf:3:1; expected one block per group");
	EXPECT_ERROR(BASE "group g\n", "t.conf:3:1: 'group' opens a block; expected group NAME "
	    "{ ... } with the '{' on the same line");
	EXPECT_ERROR(BASE "group g {\n\tmembers a b a\n}\n", "t.conf:4:14: a is already in the "
	    "members of group g; expected each name once");
	EXPECT_ERROR(BASE "group g {\n\tmembers a\n\tmembers b a\n}\n", "t.conf:5:12: a is "
	    "already in the members of group g; expected each name once");
	EXPECT_ERROR(BASE "group g {\n\tmembers a/b\n}\n", "t.conf:4:10: invalid user name "
	    "'a/b'; expected a letter or '_' first, then letters, digits, '_', '.' or '-', at "
	    "most 32 bytes");
	EXPECT_ERROR(BASE "group g {\n\tsystem-group wheel\n\tsystem-group wheel\n}\n",
	    "t.conf:5:15: wheel is already in the system groups of group g; expected each name "
	    "once");
	EXPECT_ERROR(BASE "group g {\n\tsystem-group \"sudo users\"\n}\n", "t.conf:4:15: invalid "
	    "Unix group name 'sudo users'; expected a letter or '_' first, then letters, digits, "
	    "'_', '.' or '-', at most 32 bytes");
	EXPECT_ERROR(BASE "group g {\n\tmembers\n}\n", "t.conf:4:2: 'members' takes at least 1 "
	    "argument, got 0; expected members USER...");
	/* A user and a group may share a name: they are different things. */
	rp_policy_free(LOAD_OK(BASE "group alice {\n}\nuser alice {\n}\n"));
}
END_TEST

/* --- rules: first match ---------------------------------------------------- */

START_TEST(test_first_match_user_block_then_groups_in_block_order)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "group early {\n"                          /* 3 */
	    "\tmembers alice bob\n"
	    "\tdeny exec \"reboot\"\n"                 /* 5 */
	    "\tallow exec\n"                           /* 6 */
	    "}\n"
	    "user alice {\n"                           /* 8 */
	    "\tallow exec \"reboot\" from 10.0.0.0/8\n" /* 9 */
	    "\tdeny exec \"uptime\"\n"                 /* 10 */
	    "}\n"
	    "group late {\n"                           /* 12 */
	    "\tmembers alice bob\n"
	    "\tallow exec \"reboot\"\n"                /* 14 */
	    "\tallow login\n"                          /* 15 */
	    "}\n");
	struct ask alice = { policy, "alice", "10.1.1.1", at(MON, 12, 0) };
	struct ask far = { policy, "alice", "192.0.2.1", at(MON, 12, 0) };
	struct ask bob = { policy, "bob", "10.1.1.1", at(MON, 12, 0) };
	struct rp_decision d;

	/* The user block first, even though group early comes before it. */
	ck_assert_uint_eq(decided_by(&alice, RP_ACTION_EXEC, "reboot", 0), 9);
	ck_assert(may(&alice, RP_ACTION_EXEC, "reboot", 0));
	ck_assert_uint_eq(decided_by(&alice, RP_ACTION_EXEC, "uptime", 0), 10);
	ck_assert(!may(&alice, RP_ACTION_EXEC, "uptime", 0));
	/* From elsewhere, the user's rule does not match; group early decides. */
	ck_assert_uint_eq(decided_by(&far, RP_ACTION_EXEC, "reboot", 0), 5);
	ck_assert(!may(&far, RP_ACTION_EXEC, "reboot", 0));
	ck_assert_uint_eq(decided_by(&far, RP_ACTION_EXEC, "ls", 0), 6);
	/* Bob has no user block: group early, then late. */
	ck_assert_uint_eq(decided_by(&bob, RP_ACTION_EXEC, "reboot", 0), 5);
	ck_assert_uint_eq(decided_by(&bob, RP_ACTION_LOGIN, NULL, 0), 15);

	ck_assert(decide(&alice, RP_ACTION_EXEC, "uptime", 0, &d) == 0);
	ck_assert_str_eq(d.rule, "deny exec \"uptime\"");
	ck_assert_str_eq(d.block, "user alice");
	ck_assert_str_eq(d.pos.file, "t.conf");
	ck_assert_uint_eq(d.pos.col, 2);
	ck_assert(d.in_effect);
	ck_assert(decide(&bob, RP_ACTION_EXEC, "reboot", 0, &d) == 0);
	ck_assert_str_eq(d.block, "group early");
	/* Nothing matches: deny by default. */
	ck_assert(decide(&bob, RP_ACTION_SHELL, NULL, 0, &d) == 0);
	ck_assert_ptr_null(d.rule);
	ck_assert_ptr_null(d.block);
	ck_assert_uint_eq(d.pos.line, 0);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_login_needs_an_allow_login_rule)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "user alice {\n\tallow exec\n}\n"
	    "user bob {\n\tallow login from 10.0.0.0/8 2001:db8::/32\n}\n");
	struct ask alice = { policy, "alice", "10.1.1.1", at(MON, 12, 0) };
	struct ask bob = { policy, "bob", "10.1.1.1", at(MON, 12, 0) };
	struct ask bob6 = { policy, "bob", "2001:db8::7", at(MON, 12, 0) };
	struct ask bob_mapped = { policy, "bob", "::ffff:10.9.9.9", at(MON, 12, 0) };
	struct ask bob_far = { policy, "bob", "192.0.2.1", at(MON, 12, 0) };

	ck_assert(!may(&alice, RP_ACTION_LOGIN, NULL, 0));
	ck_assert(may(&alice, RP_ACTION_EXEC, "id", 0));
	ck_assert(may(&bob, RP_ACTION_LOGIN, NULL, 0));
	ck_assert(may(&bob6, RP_ACTION_LOGIN, NULL, 0));
	ck_assert(may(&bob_mapped, RP_ACTION_LOGIN, NULL, 0));
	ck_assert(!may(&bob_far, RP_ACTION_LOGIN, NULL, 0));
	ck_assert(!may(&bob, RP_ACTION_EXEC, "id", 0));
	rp_policy_free(policy);
}
END_TEST

/* --- rules: every action ---------------------------------------------------- */

START_TEST(test_actions_without_targets)
{
	struct rp_policy *policy = LOAD_OK(BASE "user u {\n"
	    "\tallow shell\n\tallow pty\n\tallow x11\n\tdeny agent\n\tallow agent\n}\n");
	struct ask q = { policy, "u", "10.0.0.1", at(MON, 12, 0) };
	struct rp_decision d;

	ck_assert(may(&q, RP_ACTION_SHELL, NULL, 0));
	ck_assert(may(&q, RP_ACTION_PTY, NULL, 0));
	ck_assert(may(&q, RP_ACTION_X11, NULL, 0));
	ck_assert(!may(&q, RP_ACTION_AGENT, NULL, 0));
	ck_assert_uint_eq(decided_by(&q, RP_ACTION_AGENT, NULL, 0), 7);
	ck_assert(!may(&q, RP_ACTION_LOGIN, NULL, 0));
	/* Every action has its mechanism now. */
	ck_assert(decide(&q, RP_ACTION_X11, NULL, 0, &d));
	ck_assert(d.in_effect);
	ck_assert(decide(&q, RP_ACTION_SHELL, NULL, 0, &d));
	ck_assert(d.in_effect);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_exec_commands_match_exactly)
{
	struct rp_policy *policy = LOAD_OK(BASE "user u {\n"
	    "\tallow exec \"uptime\" \"df -h\" \"echo \\\"hi\\\"\"\n}\n"
	    "user v {\n\tdeny exec \"rm -rf /\"\n\tallow exec\n}\n");
	struct ask u = { policy, "u", "10.0.0.1", at(MON, 12, 0) };
	struct ask v = { policy, "v", "10.0.0.1", at(MON, 12, 0) };

	ck_assert(may(&u, RP_ACTION_EXEC, "uptime", 0));
	ck_assert(may(&u, RP_ACTION_EXEC, "df -h", 0));
	ck_assert(may(&u, RP_ACTION_EXEC, "echo \"hi\"", 0));
	ck_assert(!may(&u, RP_ACTION_EXEC, "df  -h", 0));
	ck_assert(!may(&u, RP_ACTION_EXEC, "uptime ", 0));
	ck_assert(!may(&u, RP_ACTION_EXEC, "Uptime", 0));
	ck_assert(!may(&u, RP_ACTION_EXEC, "uptime; id", 0));
	ck_assert(!may(&u, RP_ACTION_EXEC, NULL, 0));
	ck_assert_str_eq(policy->users[0].block->rules[0].text,
	    "allow exec \"uptime\" \"df -h\" \"echo \\\"hi\\\"\"");
	ck_assert(!may(&v, RP_ACTION_EXEC, "rm -rf /", 0));
	ck_assert(may(&v, RP_ACTION_EXEC, "rm -rf /tmp/x", 0));
	ck_assert(may(&v, RP_ACTION_EXEC, NULL, 0));
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_subsystem_and_env)
{
	struct rp_policy *policy = LOAD_OK(BASE "user u {\n"
	    "\tallow subsystem sftp \"netconf\"\n"
	    "\tdeny env LD_* \"*PATH\"\n"
	    "\tallow env LANG LC_? TZ X_*_Y\n}\n");
	struct ask q = { policy, "u", "10.0.0.1", at(MON, 12, 0) };

	ck_assert(may(&q, RP_ACTION_SUBSYSTEM, "sftp", 0));
	ck_assert(may(&q, RP_ACTION_SUBSYSTEM, "netconf", 0));
	ck_assert(!may(&q, RP_ACTION_SUBSYSTEM, "SFTP", 0));
	ck_assert(!may(&q, RP_ACTION_SUBSYSTEM, "sftp-server", 0));
	ck_assert(may(&q, RP_ACTION_ENV, "LANG", 0));
	ck_assert(may(&q, RP_ACTION_ENV, "LC_X", 0));
	ck_assert(!may(&q, RP_ACTION_ENV, "LC_ALL", 0)); /* ? is one character */
	ck_assert(may(&q, RP_ACTION_ENV, "X_abc_Y", 0));
	ck_assert(!may(&q, RP_ACTION_ENV, "lang", 0));
	ck_assert(!may(&q, RP_ACTION_ENV, "LD_PRELOAD", 0));
	ck_assert_uint_eq(decided_by(&q, RP_ACTION_ENV, "LD_PRELOAD", 0), 5);
	ck_assert_uint_eq(decided_by(&q, RP_ACTION_ENV, "PATH", 0), 5);
	ck_assert(!may(&q, RP_ACTION_ENV, "HOME", 0));
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_forward_hosts_cidrs_and_ports)
{
	struct rp_policy *policy = LOAD_OK(BASE "user u {\n"
	    "\tdeny forward 10.9.0.0/16:* [2001:db8:bad::/48]:*\n"                    /* 4 */
	    "\tallow forward db*.corp.example:5432,6432 DB01:5432\n"                  /* 5 */
	    "\tallow forward 10.0.0.0/8:22,80,8000-8100 [2001:db8::/32]:443\n"        /* 6 */
	    "\tallow forward web?.example:* 192.0.2.7:443\n"                          /* 7 */
	    "}\n");
	struct ask q = { policy, "u", "10.0.0.1", at(MON, 12, 0) };
	struct rp_addr inside[2], mixed[2], denied_too[2];
	struct rp_principal pr;
	struct rp_addr from = addr("10.0.0.1");
	struct rp_when when = at(MON, 12, 0);
	struct rp_request req = { RP_ACTION_FORWARD, "app.internal", 22, NULL, 0 };
	struct rp_decision d;

	ck_assert_str_eq(policy->users[0].block->rules[1].text,
	    "allow forward db*.corp.example:5432,6432 db01:5432");
	ck_assert_str_eq(policy->users[0].block->rules[2].text,
	    "allow forward 10.0.0.0/8:22,80,8000-8100 [2001:db8::/32]:443");
	/* Host patterns are globs on the requested name, case-insensitive. */
	ck_assert(may(&q, RP_ACTION_FORWARD, "db01.corp.example", 5432));
	ck_assert(may(&q, RP_ACTION_FORWARD, "DB7.Corp.Example", 6432));
	ck_assert(!may(&q, RP_ACTION_FORWARD, "db01.corp.example", 5433));
	ck_assert(!may(&q, RP_ACTION_FORWARD, "db01.corp.example.evil", 5432));
	ck_assert(may(&q, RP_ACTION_FORWARD, "db01", 5432));
	ck_assert(may(&q, RP_ACTION_FORWARD, "web1.example", 1));
	ck_assert(may(&q, RP_ACTION_FORWARD, "web1.example", 65535));
	ck_assert(!may(&q, RP_ACTION_FORWARD, "web10.example", 80));
	/* A numeric request is its own address. */
	ck_assert(may(&q, RP_ACTION_FORWARD, "10.1.2.3", 22));
	ck_assert(may(&q, RP_ACTION_FORWARD, "10.1.2.3", 8000));
	ck_assert(may(&q, RP_ACTION_FORWARD, "10.1.2.3", 8100));
	ck_assert(!may(&q, RP_ACTION_FORWARD, "10.1.2.3", 8101));
	ck_assert(!may(&q, RP_ACTION_FORWARD, "10.1.2.3", 23));
	ck_assert(may(&q, RP_ACTION_FORWARD, "2001:db8::5", 443));
	ck_assert(may(&q, RP_ACTION_FORWARD, "[2001:db8::5]", 443));
	ck_assert(!may(&q, RP_ACTION_FORWARD, "2001:db8::5", 80));
	ck_assert(may(&q, RP_ACTION_FORWARD, "::ffff:10.1.2.3", 80));
	ck_assert(may(&q, RP_ACTION_FORWARD, "192.0.2.7", 443));
	ck_assert(!may(&q, RP_ACTION_FORWARD, "192.0.2.8", 443));
	ck_assert_uint_eq(decided_by(&q, RP_ACTION_FORWARD, "10.9.1.1", 22), 4);
	ck_assert_uint_eq(decided_by(&q, RP_ACTION_FORWARD, "2001:db8:bad::1", 443), 4);
	/* A name the rules do not cover and no resolved addresses: deny. */
	ck_assert(!may(&q, RP_ACTION_FORWARD, "app.internal", 22));

	/* Resolved addresses: an allow needs every one inside its CIDR; a
	 * deny needs just one. */
	ck_assert(rp_policy_resolve(policy, "u", &pr));
	inside[0] = addr("10.1.1.1");
	inside[1] = addr("10.2.2.2");
	req.addrs = inside;
	req.naddrs = 2;
	ck_assert(rp_policy_decide(policy, &pr, &from, &when, &req, &d));
	ck_assert_uint_eq(d.pos.line, 6);
	mixed[0] = addr("10.1.1.1");
	mixed[1] = addr("198.51.100.1");
	req.addrs = mixed;
	ck_assert(!rp_policy_decide(policy, &pr, &from, &when, &req, &d));
	ck_assert_ptr_null(d.rule);
	denied_too[0] = addr("10.1.1.1");
	denied_too[1] = addr("10.9.9.9");
	req.addrs = denied_too;
	ck_assert(!rp_policy_decide(policy, &pr, &from, &when, &req, &d));
	ck_assert_uint_eq(d.pos.line, 4);
	/* Host patterns look at the name only. */
	req.name = "db01.corp.example";
	req.port = 5432;
	ck_assert(!rp_policy_decide(policy, &pr, &from, &when, &req, &d)); /* 10.9.9.9 denied */
	req.addrs = mixed;
	ck_assert(rp_policy_decide(policy, &pr, &from, &when, &req, &d));
	ck_assert_uint_eq(d.pos.line, 5);
	ck_assert(d.in_effect);
	rp_principal_clear(&pr);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_remote_forward_binds)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "user u {\n\tallow remote-forward localhost:8000-8999 [::1]:9000 10.0.0.5:0\n}\n"
	    "user v {\n\tdeny remote-forward 127.0.0.1:22\n\tallow remote-forward *:*\n}\n"
	    "user w {\n\tdeny remote-forward localhost:*\n\tallow remote-forward *:80\n}\n");
	struct ask u = { policy, "u", "10.0.0.1", at(MON, 12, 0) };
	struct ask v = { policy, "v", "10.0.0.1", at(MON, 12, 0) };
	struct ask w = { policy, "w", "10.0.0.1", at(MON, 12, 0) };

	ck_assert_str_eq(policy->users[0].block->rules[0].text,
	    "allow remote-forward localhost:8000-8999 [::1]:9000 10.0.0.5:0");
	ck_assert(may(&u, RP_ACTION_REMOTE_FORWARD, "localhost", 8080));
	ck_assert(may(&u, RP_ACTION_REMOTE_FORWARD, "127.0.0.1", 8080));
	ck_assert(may(&u, RP_ACTION_REMOTE_FORWARD, "::1", 8999));
	ck_assert(!may(&u, RP_ACTION_REMOTE_FORWARD, "localhost", 9001));
	ck_assert(may(&u, RP_ACTION_REMOTE_FORWARD, "::1", 9000));
	ck_assert(!may(&u, RP_ACTION_REMOTE_FORWARD, "127.0.0.1", 9000));
	ck_assert(may(&u, RP_ACTION_REMOTE_FORWARD, "10.0.0.5", 0));
	ck_assert(!may(&u, RP_ACTION_REMOTE_FORWARD, "10.0.0.5", 1));
	/* All interfaces is more than localhost. */
	ck_assert(!may(&u, RP_ACTION_REMOTE_FORWARD, "", 8080));
	ck_assert(!may(&u, RP_ACTION_REMOTE_FORWARD, "0.0.0.0", 8080));
	ck_assert(!may(&u, RP_ACTION_REMOTE_FORWARD, "*", 8080));
	ck_assert(!may(&u, RP_ACTION_REMOTE_FORWARD, "::", 8080));
	ck_assert(!may(&u, RP_ACTION_REMOTE_FORWARD, "myhost", 8080));

	/* A deny reaches every bind that would include its address. */
	ck_assert(!may(&v, RP_ACTION_REMOTE_FORWARD, "127.0.0.1", 22));
	ck_assert(!may(&v, RP_ACTION_REMOTE_FORWARD, "localhost", 22));
	ck_assert(!may(&v, RP_ACTION_REMOTE_FORWARD, "", 22));
	ck_assert(!may(&v, RP_ACTION_REMOTE_FORWARD, "0.0.0.0", 22));
	ck_assert(may(&v, RP_ACTION_REMOTE_FORWARD, "10.0.0.1", 22));
	ck_assert(may(&v, RP_ACTION_REMOTE_FORWARD, "", 23));
	ck_assert(!may(&w, RP_ACTION_REMOTE_FORWARD, "", 80));
	ck_assert(!may(&w, RP_ACTION_REMOTE_FORWARD, "::1", 80));
	ck_assert(may(&w, RP_ACTION_REMOTE_FORWARD, "10.0.0.1", 80));
	rp_policy_free(policy);
}
END_TEST

/* --- conditions ------------------------------------------------------------------- */

START_TEST(test_from_and_at_conditions_must_all_hold)
{
	struct rp_policy *policy = LOAD_OK(BASE "user u {\n"
	    "\tallow login from 10.0.0.0/8 at Mon-Fri 08:00-18:00\n"   /* 4 */
	    "\tallow login at Sat,Sun 10:00-12:00 from 2001:db8::/32\n" /* 5 */
	    "\tallow exec at * 00:00-24:00\n"                           /* 6 */
	    "}\n");
	struct ask q = { policy, "u", "10.1.1.1", at(MON, 8, 0) };

	ck_assert_uint_eq(decided_by(&q, RP_ACTION_LOGIN, NULL, 0), 4);
	q.when = at(FRI, 17, 59);
	ck_assert(may(&q, RP_ACTION_LOGIN, NULL, 0));
	q.when = at(FRI, 18, 0);
	ck_assert(!may(&q, RP_ACTION_LOGIN, NULL, 0));
	q.when = at(MON, 7, 59);
	ck_assert(!may(&q, RP_ACTION_LOGIN, NULL, 0));
	q.when = at(SAT, 11, 0);
	ck_assert(!may(&q, RP_ACTION_LOGIN, NULL, 0));
	q.from = "2001:db8::1";
	ck_assert_uint_eq(decided_by(&q, RP_ACTION_LOGIN, NULL, 0), 5);
	q.when = at(TUE, 11, 0);
	ck_assert(!may(&q, RP_ACTION_LOGIN, NULL, 0));
	q.when = at(SUN, 23, 59);
	ck_assert(may(&q, RP_ACTION_EXEC, "x", 0));
	q.when = at(WED, 0, 0);
	ck_assert(may(&q, RP_ACTION_EXEC, "x", 0));
	ck_assert_str_eq(policy->users[0].block->rules[1].text,
	    "allow login from 2001:db8::/32 at Sat,Sun 10:00-12:00");
	ck_assert_str_eq(policy->users[0].block->rules[2].text, "allow exec at * 00:00-24:00");
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_unknown_conditions_fail_closed)
{
	struct rp_policy *policy = LOAD_OK(BASE "user u {\n"
	    "\tdeny exec \"rm\" from 192.0.2.0/24\n"
	    "\tdeny exec \"halt\" at Sat,Sun 00:00-24:00\n"
	    "\tallow exec from 10.0.0.0/8\n"
	    "\tallow exec \"id\" at * 00:00-24:00\n"
	    "\tallow exec \"ls\"\n}\n");
	struct rp_principal pr;
	struct rp_request req = { RP_ACTION_EXEC, "rm", 0, NULL, 0 };
	struct rp_when when = at(MON, 12, 0);
	struct rp_addr from = addr("10.0.0.1");
	struct rp_decision d;

	ck_assert(rp_policy_resolve(policy, "u", &pr));
	ck_assert(!rp_policy_decide(policy, &pr, NULL, &when, &req, &d));
	ck_assert_uint_eq(d.pos.line, 4);
	req.name = "halt";
	ck_assert(!rp_policy_decide(policy, &pr, &from, NULL, &req, &d));
	ck_assert_uint_eq(d.pos.line, 5);
	req.name = "id";
	ck_assert(!rp_policy_decide(policy, &pr, NULL, NULL, &req, &d));
	ck_assert_ptr_null(d.rule); /* neither allow can be shown to hold */
	req.name = "ls";
	ck_assert(rp_policy_decide(policy, &pr, NULL, &when, &req, &d));
	ck_assert_uint_eq(d.pos.line, 8);
	ck_assert(rp_policy_decide(policy, &pr, &from, &when, &req, &d));
	ck_assert_uint_eq(d.pos.line, 6);
	rp_principal_clear(&pr);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_windows_across_midnight)
{
	struct rp_window w;
	const char *why;
	struct rp_when t;
	int bad;
	char buf[64];

	/* Friday 22:00 to Saturday 06:00. */
	ck_assert(rp_window_parse("Fri", "22:00-06:00", &w, &why, &bad));
	t = at(FRI, 22, 0);
	ck_assert(rp_window_contains(&w, &t));
	t = at(FRI, 23, 59);
	ck_assert(rp_window_contains(&w, &t));
	t = at(SAT, 0, 0);
	ck_assert(rp_window_contains(&w, &t));
	t = at(SAT, 5, 59);
	ck_assert(rp_window_contains(&w, &t));
	t = at(SAT, 6, 0);
	ck_assert(!rp_window_contains(&w, &t));
	t = at(SAT, 22, 30);
	ck_assert(!rp_window_contains(&w, &t));
	t = at(FRI, 3, 0); /* the morning after Thursday, not listed */
	ck_assert(!rp_window_contains(&w, &t));
	t = at(FRI, 21, 59);
	ck_assert(!rp_window_contains(&w, &t));

	/* Sunday night wraps into Monday. */
	ck_assert(rp_window_parse("Sun", "23:00-01:00", &w, &why, &bad));
	t = at(MON, 0, 30);
	ck_assert(rp_window_contains(&w, &t));
	t = at(SUN, 0, 30);
	ck_assert(!rp_window_contains(&w, &t));
	/* Saturday's window reaches into Sunday. */
	ck_assert(rp_window_parse("Sat", "20:00-02:00", &w, &why, &bad));
	t = at(SUN, 1, 0);
	ck_assert(rp_window_contains(&w, &t));

	/* Day lists and their canonical form (Monday first). */
	ck_assert(rp_window_parse("Fri-Mon", "09:00-17:00", &w, &why, &bad));
	ck_assert_str_eq(rp_window_format(&w, buf, sizeof(buf)), "Mon,Fri-Sun 09:00-17:00");
	t = at(SUN, 10, 0);
	ck_assert(rp_window_contains(&w, &t));
	t = at(TUE, 10, 0);
	ck_assert(!rp_window_contains(&w, &t));
	ck_assert(rp_window_parse("Mon,Wed-Fri", "00:00-24:00", &w, &why, &bad));
	ck_assert_str_eq(rp_window_format(&w, buf, sizeof(buf)), "Mon,Wed-Fri 00:00-24:00");
	ck_assert(rp_window_parse("Sat,Sun", "00:00-01:00", &w, &why, &bad));
	ck_assert_str_eq(rp_window_format(&w, buf, sizeof(buf)), "Sat,Sun 00:00-01:00");
	ck_assert(rp_window_parse("Mon-Sun", "08:30-09:15", &w, &why, &bad));
	ck_assert_str_eq(rp_window_format(&w, buf, sizeof(buf)), "* 08:30-09:15");
	ck_assert(rp_window_parse("Tue,Mon", "08:30-09:15", &w, &why, &bad));
	ck_assert_str_eq(rp_window_format(&w, buf, sizeof(buf)), "Mon,Tue 08:30-09:15");

	/* Errors. */
	ck_assert(!rp_window_parse("Monday", "08:00-18:00", &w, &why, &bad));
	ck_assert(!bad);
	ck_assert_str_eq(why, "expected days such as *, Mon-Fri or Sat,Sun");
	ck_assert(!rp_window_parse("mon", "08:00-18:00", &w, &why, &bad));
	ck_assert(!rp_window_parse("Mon,", "08:00-18:00", &w, &why, &bad));
	ck_assert(!rp_window_parse("Mon-", "08:00-18:00", &w, &why, &bad));
	ck_assert(!rp_window_parse("", "08:00-18:00", &w, &why, &bad));
	ck_assert(!rp_window_parse("Mon", "8:00-18:00", &w, &why, &bad));
	ck_assert(bad);
	ck_assert_str_eq(why, "expected times HH:MM-HH:MM such as 08:00-18:00 (24-hour clock)");
	ck_assert(!rp_window_parse("Mon", "08:00-24:01", &w, &why, &bad));
	ck_assert(!rp_window_parse("Mon", "24:00-08:00", &w, &why, &bad));
	ck_assert(!rp_window_parse("Mon", "08:60-09:00", &w, &why, &bad));
	ck_assert(!rp_window_parse("Mon", "08:00", &w, &why, &bad));
	ck_assert(!rp_window_parse("Mon", "08:00-09:00-10:00", &w, &why, &bad));
	ck_assert(!rp_window_parse("Mon", "08:00-08:00", &w, &why, &bad));
	ck_assert_str_eq(why, "the window starts and ends at the same time; expected a window "
	    "such as 00:00-24:00 for the whole day");
}
END_TEST

START_TEST(test_when_from_time_is_local)
{
	struct rp_when w;
	char *old = getenv("TZ") != NULL ? strdup(getenv("TZ")) : NULL;

	setenv("TZ", "UTC", 1);
	tzset();
	rp_when_from_time((time_t)1795425660, &w); /* 2026-11-23 (a Monday) 09:21 UTC */
	ck_assert_uint_eq(w.wday, MON);
	ck_assert_uint_eq(w.minute, 9 * 60 + 21);
	setenv("TZ", "Asia/Tokyo", 1); /* UTC+9, where that is 18:21 */
	tzset();
	rp_when_from_time((time_t)1795425660, &w);
	ck_assert_uint_eq(w.wday, MON);
	ck_assert_uint_eq(w.minute, 18 * 60 + 21);
	if (old != NULL)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}
END_TEST

/* --- rule errors ----------------------------------------------------------------- */

START_TEST(test_rule_errors)
{
#define U(line) BASE "user u {\n\t" line "\n}\n"
	EXPECT_ERROR(U("allow login db01:22"), "t.conf:4:14: 'allow login' takes no target, "
	    "got 'db01:22'; expected allow login [from SOURCES] [at DAYS HH:MM-HH:MM]");
	EXPECT_ERROR(U("deny shell \"x\""), "t.conf:4:13: 'deny shell' takes no target, got 'x'; "
	    "expected deny shell [from SOURCES] [at DAYS HH:MM-HH:MM]");
	EXPECT_ERROR(U("allow exec uptime"), "t.conf:4:13: exec command 'uptime' not in double "
	    "quotes; expected each command quoted, such as exec \"uptime\" \"df -h\"");
	EXPECT_ERROR(U("allow exec \"\""), "t.conf:4:13: empty exec command; expected a command, "
	    "or 'exec' alone for any command");
	EXPECT_ERROR(U("allow exec \"a\" \"a\""), "t.conf:4:17: 'a' is listed twice; expected "
	    "each target once");
	EXPECT_ERROR(U("allow subsystem"), "t.conf:4:8: 'allow subsystem' needs at least one "
	    "target; expected allow subsystem NAME... such as sftp");
	EXPECT_ERROR(U("allow subsystem \"s ftp\""), "t.conf:4:18: invalid subsystem name 's "
	    "ftp'; expected letters, digits, '.', '_', '-' or '@', such as sftp");
	EXPECT_ERROR(U("allow env"), "t.conf:4:8: 'allow env' needs at least one target; "
	    "expected allow env PATTERN... such as LANG LC_*");
	EXPECT_ERROR(U("allow env LC-ALL"), "t.conf:4:12: invalid environment variable pattern "
	    "'LC-ALL'; expected letters, digits, '_' and the wildcards '*' and '?', such as LC_*");
	EXPECT_ERROR(U("allow env 1X"), "t.conf:4:12: invalid environment variable pattern '1X'; "
	    "expected letters, digits, '_' and the wildcards '*' and '?', such as LC_*");
	EXPECT_ERROR(U("allow forward"), "t.conf:4:8: 'allow forward' needs at least one target; "
	    "expected allow forward HOSTPATTERN:PORTS... such as db*.corp.example:5432");
	EXPECT_ERROR(U("allow forward db01"), "t.conf:4:16: invalid forward target 'db01': "
	    "missing ':PORTS'; expected HOSTPATTERN:PORTS, CIDR:PORTS or [IPV6-CIDR]:PORTS, "
	    "such as db*.corp.example:5432 or 10.0.0.0/8:22");
	EXPECT_ERROR(U("allow forward db01:0"), "t.conf:4:16: invalid forward target 'db01:0': "
	    "ports are 1 to 65535; expected HOSTPATTERN:PORTS, CIDR:PORTS or [IPV6-CIDR]:PORTS, "
	    "such as db*.corp.example:5432 or 10.0.0.0/8:22");
	EXPECT_PREFIX(U("allow forward db01:65536"), "t.conf:4:16: invalid forward target "
	    "'db01:65536': ports are 1 to 65535; expected");
	EXPECT_PREFIX(U("allow forward db01:90-80"), "t.conf:4:16: invalid forward target "
	    "'db01:90-80': a port range must go from low to high; expected");
	EXPECT_PREFIX(U("allow forward db01:80,"), "t.conf:4:16: invalid forward target "
	    "'db01:80,': expected PORTS as *, N, N-M or a comma list of those; expected");
	EXPECT_PREFIX(U("allow forward db01:ssh"), "t.conf:4:16: invalid forward target "
	    "'db01:ssh': expected PORTS as *, N, N-M or a comma list of those; expected");
	EXPECT_PREFIX(U("allow forward 2001:db8::/32:443"), "t.conf:4:16: invalid forward target "
	    "'2001:db8::/32:443': an IPv6 address must be in brackets, as [2001:db8::/32]:443; "
	    "expected");
	EXPECT_PREFIX(U("allow forward [10.0.0.0/8]:22"), "t.conf:4:16: invalid forward target "
	    "'[10.0.0.0/8]:22': IPv6 and only IPv6 goes in brackets; expected");
	EXPECT_PREFIX(U("allow forward [2001:db8::/32]443"), "t.conf:4:16: invalid forward target "
	    "'[2001:db8::/32]443': expected [IPV6-ADDRESS]:PORTS; expected");
	EXPECT_PREFIX(U("allow forward 10.0.0.1/8:22"), "t.conf:4:16: invalid forward target "
	    "'10.0.0.1/8:22': bits are set after the prefix length; expected");
	EXPECT_PREFIX(U("allow forward 10.0.0.300:22"), "t.conf:4:16: invalid forward target "
	    "'10.0.0.300:22': not a numeric IPv4 or IPv6 address; expected");
	EXPECT_PREFIX(U("allow forward db_01/x:22"), "t.conf:4:16: invalid forward target "
	    "'db_01/x:22': a host pattern has letters, digits, '.', '-', '_' and the wildcards "
	    "'*' and '?'; expected");
	EXPECT_PREFIX(U("allow forward :22"), "t.conf:4:16: invalid forward target ':22': "
	    "missing host before ':'; expected");
	EXPECT_ERROR(U("allow remote-forward db01:80"), "t.conf:4:23: invalid remote-forward "
	    "target 'db01:80': the bind address must be localhost, * or a numeric address (IPv6 "
	    "in brackets); expected BIND:PORTS, such as localhost:8080, *:8000-8099 or "
	    "[::1]:9000");
	EXPECT_PREFIX(U("allow remote-forward ::1:80"), "t.conf:4:23: invalid remote-forward "
	    "target '::1:80': an IPv6 address must be in brackets, as [2001:db8::/32]:443; "
	    "expected BIND:PORTS");
	EXPECT_PREFIX(U("allow remote-forward localhost:70000"), "t.conf:4:23: invalid "
	    "remote-forward target 'localhost:70000': ports are 0 to 65535; expected BIND:PORTS");
	EXPECT_ERROR(U("allow login from"), "t.conf:4:14: no sources after 'from'; expected "
	    "'any', or addresses and networks such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32");
	EXPECT_PREFIX(U("allow login from at Mon 08:00-09:00"), "t.conf:4:14: no sources after "
	    "'from'; expected 'any', or addresses");
	EXPECT_ERROR(U("allow login from 10.0.0.0/8 from 192.0.2.1"), "t.conf:4:30: 'from' given "
	    "twice; expected one 'from' with all the sources");
	EXPECT_ERROR(U("allow login at Mon"), "t.conf:4:14: 'at' needs DAYS and HH:MM-HH:MM; "
	    "expected a window such as at Mon-Fri 08:00-18:00");
	EXPECT_ERROR(U("allow login at Mon 08:00-09:00 at Tue 08:00-09:00"), "t.conf:4:33: 'at' "
	    "given twice; expected one window per rule");
	EXPECT_ERROR(U("allow login at Monday 08:00-09:00"), "t.conf:4:17: invalid window "
	    "'Monday': expected days such as *, Mon-Fri or Sat,Sun");
	EXPECT_ERROR(U("allow login at Mon 8-9"), "t.conf:4:21: invalid window '8-9': expected "
	    "times HH:MM-HH:MM such as 08:00-18:00 (24-hour clock)");
	EXPECT_ERROR(U("allow login at Mon 08:00-09:00 daily"), "t.conf:4:33: unexpected 'daily' "
	    "after the conditions; expected 'from' or 'at'");
	EXPECT_ERROR(U("allow login at Mon 09:00-09:00"), "t.conf:4:21: invalid window "
	    "'09:00-09:00': the window starts and ends at the same time; expected a window "
	    "such as 00:00-24:00 for the whole day");
#undef U
}
END_TEST

START_TEST(test_quoted_keywords_are_targets)
{
	struct rp_policy *policy = LOAD_OK(BASE "user u {\n"
	    "\tallow subsystem \"from\" \"at\"\n\tallow exec \"from\" from 10.0.0.0/8\n}\n");
	struct ask q = { policy, "u", "10.0.0.1", at(MON, 12, 0) };

	ck_assert(may(&q, RP_ACTION_SUBSYSTEM, "from", 0));
	ck_assert(may(&q, RP_ACTION_SUBSYSTEM, "at", 0));
	ck_assert(may(&q, RP_ACTION_EXEC, "from", 0));
	ck_assert_str_eq(policy->users[0].block->rules[1].text,
	    "allow exec \"from\" from 10.0.0.0/8");
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_user_may_compatibility_fails_closed)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "user a {\n\tallow exec\n}\n"
	    "user b {\n\tallow exec from 10.0.0.0/8\n}\n"
	    "user c {\n\tdeny exec \"rm\"\n\tallow exec\n}\n"
	    "user d {\n\tallow exec \"uptime\"\n\tallow exec\n}\n"
	    "user e {\n\tallow login\n}\n");

	ck_assert(rp_policy_user_may(rp_policy_find_user(policy, "a"), RP_ACTION_EXEC));
	ck_assert(!rp_policy_user_may(rp_policy_find_user(policy, "b"), RP_ACTION_EXEC));
	ck_assert(!rp_policy_user_may(rp_policy_find_user(policy, "c"), RP_ACTION_EXEC));
	ck_assert(rp_policy_user_may(rp_policy_find_user(policy, "d"), RP_ACTION_EXEC));
	ck_assert(!rp_policy_user_may(rp_policy_find_user(policy, "e"), RP_ACTION_EXEC));
	ck_assert(rp_policy_user_may(rp_policy_find_user(policy, "e"), RP_ACTION_LOGIN));
	ck_assert(!rp_policy_user_may(NULL, RP_ACTION_EXEC));
	rp_policy_free(policy);
}
END_TEST

/* --- per-principal settings --------------------------------------------------------- */

static void
chains_text(const struct rp_principal *pr, char *buf, size_t bufsz, const char **from)
{
	const struct rp_auth_chain *c;
	size_t n, off = 0;

	c = rp_principal_auth(pr, &n, from);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		for (size_t m = 0; m < c[i].n; m++)
			off += (size_t)snprintf(buf + off, bufsz - off, "%s%s",
			    m ? "+" : i ? " | " : "", rp_auth_method_name(c[i].methods[m]));
}

START_TEST(test_auth_chains_max_sessions_banner_resolution)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "group g1 {\n\tmembers a b c\n\tmax-sessions 4\n}\n"
	    "group g2 {\n\tmembers a b c d\n\tauth publickey+keyboard-interactive\n"
	    "\tauth password\n\tbanner \"group two\"\n\tmax-sessions 7\n}\n"
	    "user a {\n\tauth publickey+password+keyboard-interactive\n\tmax-sessions 1\n"
	    "\tbanner \"hello a\"\n}\n"
	    "user b {\n}\n"
	    "user e {\n}\n");
	struct rp_principal pr;
	const char *from;
	char buf[256];

	ck_assert(rp_policy_resolve(policy, "a", &pr));
	chains_text(&pr, buf, sizeof(buf), &from);
	ck_assert_str_eq(buf, "publickey+password+keyboard-interactive");
	ck_assert_str_eq(from, "user a");
	ck_assert_uint_eq(rp_principal_max_sessions(&pr), 1);
	ck_assert_str_eq(rp_principal_banner(&pr), "hello a");
	rp_principal_clear(&pr);

	ck_assert(rp_policy_resolve(policy, "b", &pr));
	chains_text(&pr, buf, sizeof(buf), &from);
	ck_assert_str_eq(buf, "publickey+keyboard-interactive | password");
	ck_assert_str_eq(from, "group g2");
	ck_assert_uint_eq(rp_principal_max_sessions(&pr), 4);
	ck_assert_str_eq(rp_principal_banner(&pr), "group two");
	rp_principal_clear(&pr);

	ck_assert(rp_policy_resolve(policy, "e", &pr));
	chains_text(&pr, buf, sizeof(buf), &from);
	ck_assert_str_eq(buf, "publickey");
	ck_assert_str_eq(from, "default");
	ck_assert_uint_eq(rp_principal_max_sessions(&pr), 10);
	ck_assert_ptr_null(rp_principal_banner(&pr));
	rp_principal_clear(&pr);

	ck_assert(rp_auth_method_in_effect(RP_AUTH_PUBLICKEY));
	ck_assert(rp_auth_method_in_effect(RP_AUTH_PASSWORD));
	ck_assert(rp_auth_method_in_effect(RP_AUTH_KEYBOARD_INTERACTIVE));
	ck_assert(rp_auth_method_in_effect(RP_AUTH_NONE));
	ck_assert(!rp_auth_method_in_effect(RP_AUTH_METHOD_COUNT));
	ck_assert_str_eq(rp_auth_method_name(RP_AUTH_NONE), "none");
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_block_setting_errors)
{
#define U(line) BASE "user u {\n\t" line "\n}\n"
	EXPECT_ERROR(U("auth publickey+otp"), "t.conf:4:17: unknown auth method 'otp'; expected "
	    "publickey, password or keyboard-interactive, several joined with '+', or none alone");
	EXPECT_ERROR(U("auth publickey+"), "t.conf:4:17: unknown auth method ''; expected "
	    "publickey, password or keyboard-interactive, several joined with '+', or none alone");
	EXPECT_ERROR(U("auth none+publickey"), "t.conf:4:7: 'none' joined with other methods; "
	    "expected auth none alone (no credential at all), or a chain without none");
	EXPECT_ERROR(U("auth publickey+none"), "t.conf:4:17: 'none' joined with other methods; "
	    "expected auth none alone (no credential at all), or a chain without none");
	EXPECT_ERROR(U("auth \"password+none\""), "t.conf:4:17: 'none' joined with other "
	    "methods; expected auth none alone (no credential at all), or a chain without none");
	EXPECT_ERROR(BASE "user u {\n\tauth none\n\tauth none\n}\n", "t.conf:5:7: 'auth none' is "
	    "already given at t.conf:4:2; expected each chain once");
	EXPECT_ERROR(U("auth None"), "t.conf:4:7: unknown auth method 'None'; expected "
	    "publickey, password or keyboard-interactive, several joined with '+', or none alone");
	EXPECT_ERROR(U("auth password+publickey+password"), "t.conf:4:26: 'password' appears "
	    "twice in the chain; expected each method at most once");
	EXPECT_ERROR(BASE "user u {\n\tauth publickey\n\tauth publickey\n}\n", "t.conf:5:7: "
	    "'auth publickey' is already given at t.conf:4:2; expected each chain once");
	EXPECT_ERROR(U("auth publickey password"), "t.conf:4:17: 'auth' takes 1 argument, got 2; "
	    "expected auth METHOD[+METHOD...]");
	EXPECT_ERROR(U("max-sessions 0"), "t.conf:4:15: 'max-sessions' expects a whole number "
	    "from 1 to 1000, got '0'");
	EXPECT_ERROR(U("max-sessions 1001"), "t.conf:4:15: 'max-sessions' expects a whole number "
	    "from 1 to 1000, got '1001'");
	EXPECT_ERROR(BASE "user u {\n\tmax-sessions 1\n\tmax-sessions 2\n}\n", "t.conf:5:2: "
	    "'max-sessions' is already set at t.conf:4:2; expected it at most once");
	EXPECT_ERROR(U("banner \"\""), "t.conf:4:9: empty banner; expected some text, or no "
	    "banner line at all");
	EXPECT_ERROR(BASE "user u {\n\tbanner \"a\"\n\tbanner-file /etc/motd\n}\n", "t.conf:5:2: "
	    "'banner-file' conflicts with 'banner' at t.conf:4:2; expected one of them");
	EXPECT_ERROR(U("banner-file /nonexistent/banner"), "t.conf:4:14: cannot read banner file "
	    "'/nonexistent/banner': No such file or directory; expected a readable text file of "
	    "at most 16 KiB");
	EXPECT_ERROR(U("totp-prompt \"\""), "t.conf:4:14: 'totp-prompt' expects 1 to 1024 bytes "
	    "of text, got 0");
	EXPECT_ERROR(U("password pam"), "t.conf:4:11: 'password' expects 'system', got 'pam'; "
	    "expected password system, or password-hash \"HASH\"");
	EXPECT_ERROR(BASE "user u {\n\tpassword system\n\tpassword-hash \"$5$abc$"
	    "6socacj.iW6jsNsTPCKqchCWdfL9V3mS4lMXviAhheA\"\n}\n", "t.conf:5:2: 'password-hash' "
	    "conflicts with 'password' at t.conf:4:2; expected one of them");
	EXPECT_ERROR(U("trusted-user-ca \"ssh-ed25519 AAAA\""), "t.conf:4:18: invalid "
	    "trusted-user-ca: malformed key data; expected a public key line such as "
	    "\"ssh-ed25519 AAAA... ca@example\"");
	EXPECT_ERROR(U("trusted-user-ca \"" KEY1 "\" principal a"), "t.conf:4:101: unexpected "
	    "'principal'; expected trusted-user-ca \"TYPE BASE64 [COMMENT]\" [principals NAME,...]");
	EXPECT_ERROR(U("trusted-user-ca \"" KEY1 "\" principals"), "t.conf:4:101: 'principals' "
	    "without names; expected principals NAME,...");
	EXPECT_ERROR(U("trusted-user-ca \"" KEY1 "\" principals a,,b"), "t.conf:4:112: invalid "
	    "principal ''; expected names of letters, digits, '.', '_', '-' or '@', separated by "
	    "commas");
	EXPECT_ERROR(U("trusted-user-ca-file /nonexistent/ca"), "t.conf:4:23: cannot read CA key "
	    "file '/nonexistent/ca': No such file or directory; expected a readable file of "
	    "public keys");
	EXPECT_ERROR(U("authorized-keys-file /keys/%n"), "t.conf:4:29: unknown token '%n' in the "
	    "path; expected %u (user name), %h (home directory) or %% (a '%')");
	EXPECT_ERROR(U("authorized-keys-file \"/keys/%\""), "t.conf:4:30: unknown token '%' in "
	    "the path; expected %u (user name), %h (home directory) or %% (a '%')");
#undef U
}
END_TEST

START_TEST(test_totp_settings)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "group g1 {\n\tmembers a b\n\ttotp-secrets /etc/rampart/totp\n\ttotp-digits 8\n"
	    "\ttotp-algorithm sha256\n\ttotp-window 0\n\tauth-instruction \"Open your app\"\n}\n"
	    "group g2 {\n\tmembers a b\n\ttotp-period 1m\n\ttotp-digits 7\n}\n"
	    "user a {\n\ttotp-prompt \"Code: \"\n\ttotp-period 15s\n\ttotp-algorithm sha512\n}\n"
	    "user c {\n}\n");
	struct rp_totp_settings t;
	struct rp_principal pr;

	/* Each value from the first block that sets it. */
	ck_assert(rp_policy_resolve(policy, "a", &pr));
	rp_principal_totp(&pr, &t);
	ck_assert_str_eq(t.secrets, "/etc/rampart/totp");
	ck_assert_str_eq(t.prompt, "Code: ");
	ck_assert_str_eq(t.instruction, "Open your app");
	ck_assert_uint_eq(t.digits, 8);
	ck_assert_uint_eq(t.period_s, 15);
	ck_assert_int_eq(t.hash, RP_TOTP_SHA512);
	ck_assert_uint_eq(t.window, 0);
	rp_principal_clear(&pr);
	ck_assert(rp_policy_resolve(policy, "b", &pr));
	rp_principal_totp(&pr, &t);
	ck_assert_str_eq(t.prompt, "Verification code: ");
	ck_assert_uint_eq(t.period_s, 60);
	ck_assert_int_eq(t.hash, RP_TOTP_SHA256);
	rp_principal_clear(&pr);
	/* The defaults: RFC 6238's SHA-1, 30 s, 6 digits, one step each side. */
	ck_assert(rp_policy_resolve(policy, "c", &pr));
	rp_principal_totp(&pr, &t);
	ck_assert_ptr_null(t.secrets);
	ck_assert_str_eq(t.prompt, "Verification code: ");
	ck_assert_str_eq(t.instruction, "");
	ck_assert_uint_eq(t.digits, 6);
	ck_assert_uint_eq(t.period_s, 30);
	ck_assert_int_eq(t.hash, RP_TOTP_SHA1);
	ck_assert_uint_eq(t.window, 1);
	rp_principal_clear(&pr);
	rp_policy_free(policy);

	/* Bounds: the lowest and highest of each load. */
	policy = LOAD_OK(BASE "user u {\n\ttotp-digits 6\n\ttotp-period 5m\n\ttotp-window 3\n"
	    "\ttotp-algorithm sha1\n}\nuser v {\n\ttotp-period 15\n}\n");
	ck_assert_uint_eq(policy->users[0].block->totp_period.value, 300);
	ck_assert_uint_eq(policy->users[0].block->totp_digits.pos.line, 4);
	ck_assert_uint_eq(policy->users[1].block->totp_period.value, 15);
	rp_policy_free(policy);
#define U(line) BASE "user u {\n\t" line "\n}\n"
	EXPECT_ERROR(U("totp-digits 5"), "t.conf:4:14: 'totp-digits' expects a whole number from "
	    "6 to 8, got '5'");
	EXPECT_ERROR(U("totp-digits 9"), "t.conf:4:14: 'totp-digits' expects a whole number from "
	    "6 to 8, got '9'");
	EXPECT_ERROR(U("totp-digits six"), "t.conf:4:14: 'totp-digits' expects a whole number "
	    "from 6 to 8, got 'six'");
	EXPECT_ERROR(U("totp-period 14s"), "t.conf:4:14: 'totp-period' expects a duration from "
	    "15s to 5m (such as 30s or 1m), got '14s'");
	EXPECT_ERROR(U("totp-period 301"), "t.conf:4:14: 'totp-period' expects a duration from "
	    "15s to 5m (such as 30s or 1m), got '301'");
	EXPECT_ERROR(U("totp-period 1h"), "t.conf:4:14: 'totp-period' expects a duration from "
	    "15s to 5m (such as 30s or 1m), got '1h'");
	EXPECT_ERROR(U("totp-period 30 s"), "t.conf:4:17: 'totp-period' takes 1 argument, got 2; "
	    "expected totp-period DURATION");
	EXPECT_ERROR(U("totp-algorithm md5"), "t.conf:4:17: 'totp-algorithm' expects sha1, "
	    "sha256 or sha512, got 'md5'");
	EXPECT_ERROR(U("totp-algorithm SHA1"), "t.conf:4:17: 'totp-algorithm' expects sha1, "
	    "sha256 or sha512, got 'SHA1'");
	EXPECT_ERROR(U("totp-algorithm \"sha1\""), "t.conf:4:17: 'totp-algorithm' expects sha1, "
	    "sha256 or sha512, got 'sha1'");
	EXPECT_ERROR(U("totp-window 4"), "t.conf:4:14: 'totp-window' expects a whole number from "
	    "0 to 3, got '4'");
	EXPECT_ERROR(U("totp-window -1"), "t.conf:4:14: 'totp-window' expects a whole number from "
	    "0 to 3, got '-1'");
	EXPECT_ERROR(BASE "user u {\n\ttotp-window 1\n\ttotp-window 2\n}\n", "t.conf:5:2: "
	    "'totp-window' is already set at t.conf:4:2; expected it at most once");
	EXPECT_PREFIX(BASE "totp-digits 6\n", "t.conf:3:1: 'totp-digits' belongs inside a 'user "
	    "NAME { ... }' block or inside a 'group NAME { ... }' block, not at top level; "
	    "expected one of: include,");
#undef U
}
END_TEST

START_TEST(test_password_setting)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "group g {\n\tmembers a b c\n\tpassword system\n}\n"
	    "user a {\n\tpassword-hash \"$5$WhmsZ8FmzPILGRCo$6socacj.iW6jsNsTPCKqchCWdfL9V3mS4lMX"
	    "viAhheA\"\n}\n"
	    "user d {\n}\n");
	struct rp_password_setting pw;
	struct rp_principal pr;

	ck_assert(rp_policy_resolve(policy, "a", &pr));
	ck_assert(rp_principal_password(&pr, &pw));
	ck_assert_int_eq(pw.source, RP_PASSWORD_HASH);
	ck_assert_str_eq(pw.hash, "$5$WhmsZ8FmzPILGRCo$6socacj.iW6jsNsTPCKqchCWdfL9V3mS4lMXviAhheA");
	ck_assert_str_eq(pw.block, "user a");
	ck_assert_uint_eq(pw.pos.line, 8);
	rp_principal_clear(&pr);
	ck_assert(rp_policy_resolve(policy, "b", &pr));
	ck_assert(rp_principal_password(&pr, &pw));
	ck_assert_int_eq(pw.source, RP_PASSWORD_SYSTEM);
	ck_assert_ptr_null(pw.hash);
	ck_assert_str_eq(pw.block, "group g");
	ck_assert_uint_eq(pw.pos.line, 5);
	rp_principal_clear(&pr);
	ck_assert(rp_policy_resolve(policy, "d", &pr));
	ck_assert(!rp_principal_password(&pr, &pw));
	ck_assert_int_eq(pw.source, RP_PASSWORD_NONE);
	ck_assert_ptr_null(pw.block);
	rp_principal_clear(&pr);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_password_hash_shapes)
{
	static const char *const good[] = {
		"$y$j9T$eQ7QMS/32yIvYt4xPr.Ux.$utUQ5cWfgLQ.spJ1X8Y2vhCY1nOsCzNsIH2jELX19D9",
		"$6$j5.X5.FRhVk/Djgv$2c0UAThCPvxRnEoXWop1dKcLDLrnYcFcezrkgbEbRAgUC4I6W/QyrET3hKsnKYPg"
		"qBsOXTwB02ce4ro6GoqLa0",
		"$6$rounds=5000$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrV"
		"ACtLtip/cZ/1GM/O6IND4WQhG.",
		"$5$WhmsZ8FmzPILGRCo$6socacj.iW6jsNsTPCKqchCWdfL9V3mS4lMXviAhheA",
		"$2b$12$2.kvihGiqTU3ONN43zs/EOIlAfQ4ROaHZncMeGsDPdRZP6gs9Anru",
	};
	static const struct {
		const char *hash, *why;
	} bad[] = {
		{ "secret", "not a supported hash" },
		{ "!", "not a supported hash" },
		{ "$1$abc$def", "not a supported hash" },
		{ "$y$j9T$salt$short", "a yescrypt hash ends with 43 characters of ./0-9A-Za-z" },
		{ "$y$$salt$utUQ5cWfgLQ.spJ1X8Y2vhCY1nOsCzNsIH2jELX19D9",
		    "a yescrypt hash needs $y$PARAMS$SALT$HASH" },
		{ "$6$toolongsaltvalue1$2c0UAThCPvxRnEoXWop1dKcLDLrnYcFcezrkgbEbRAgUC4I6W/QyrET3hKsnKY"
		    "PgqBsOXTwB02ce4ro6GoqLa0",
		    "the salt must be 1 to 16 characters of ./0-9A-Za-z followed by '$'" },
		{ "$6$rounds=$abc$x", "rounds=N$ needs a number of rounds" },
		{ "$5$WhmsZ8FmzPILGRCo$6socacj.iW6jsNsTPCKqchCWdfL9V3mS4lMXviAhhe",
		    "a sha256crypt hash ends with 43 characters of ./0-9A-Za-z" },
		{ "$6$abc$6socacj.iW6jsNsTPCKqchCWdfL9V3mS4lMXviAhheA",
		    "a sha512crypt hash ends with 86 characters of ./0-9A-Za-z" },
		{ "$2b$32$2.kvihGiqTU3ONN43zs/EOIlAfQ4ROaHZncMeGsDPdRZP6gs9Anru",
		    "a bcrypt hash needs a cost from 04 to 31: $2b$NN$" },
		{ "$2b$12$2.kvihGiqTU3ONN43zs/EOIlAfQ4ROaHZncMeGsDPdRZP6gs9Anr!",
		    "a bcrypt hash ends with 53 characters of ./0-9A-Za-z" },
	};
	char text[512], want[512];
	struct rp_policy *policy;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), BASE "user u {\n\tpassword-hash \"%s\"\n}\n", good[i]);
		policy = LOAD_OK(text);
		ck_assert_str_eq(policy->users[0].block->password_hash.value, good[i]);
		rp_policy_free(policy);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), BASE "user u {\n\tpassword-hash \"%s\"\n}\n",
		    bad[i].hash);
		snprintf(want, sizeof(want), "t.conf:4:16: invalid password-hash: %s; expected a "
		    "crypt(3) hash: $y$ (yescrypt), $6$ (sha512crypt), $5$ (sha256crypt) or $2b$ "
		    "(bcrypt), in double quotes", bad[i].why);
		EXPECT_ERROR(text, want);
	}
}
END_TEST

/* --- keys ------------------------------------------------------------------------------ */

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
		strcpy(t->path, "/tmp/rampart-decide-test-XXXXXX");
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

static struct rp_pubkey *
key_from_text(const char *line)
{
	struct rp_pubkey *key;
	const char *err;

	ck_assert_msg(rp_pubkey_from_text(line, &key, NULL, &err), "test key: %s", err);
	return key;
}

START_TEST(test_authorize_key_user_groups_and_login_time_files)
{
	struct tempdir t;
	struct warnings w;
	struct rp_policy *policy;
	struct rp_principal pr;
	struct rp_key_source src;
	struct rp_policy_diag diag;
	struct rp_account acct;
	struct rp_pubkey *k1 = key_from_text(KEY1), *k2 = key_from_text(KEY2),
	    *k3 = key_from_text(KEY3);
	char text[1024], where[256];

	memset(&t, 0, sizeof(t));
	temp_file(&t, "alice.keys", "# alice\n" KEY2 " alice@file\n", 0644);
	temp_file(&t, "group.keys", "garbage line\n\n" KEY3 " g@file\n", 0600);
	snprintf(text, sizeof(text), BASE
	    "group g {\n\tmembers alice bob\n\tauthorized-keys-file %s/%%u.keys\n}\n"
	    "user alice {\n\tauthorized-key \"" KEY1 " inline\"\n"
	    "\tauthorized-keys-file %%h/group.keys\n}\n", t.path);
	policy = load_ok(text, &w, __LINE__);
	ck_assert_uint_eq(w.n, 0);
	memset(&w, 0, sizeof(w));
	memset(&diag, 0, sizeof(diag));
	diag.warn = collect;
	diag.warn_ctx = &w;
	acct.home = t.path;
	acct.uid = getuid();

	ck_assert(rp_policy_resolve(policy, "alice", &pr));
	/* Inline in the user block. */
	ck_assert(rp_policy_authorize_key(policy, &pr, k1, &acct, NULL, 0, &diag,
	    &src));
	ck_assert_str_eq(src.pos.file, "t.conf");
	ck_assert_uint_eq(src.pos.line, 8);
	ck_assert_str_eq(src.block, "user alice");
	/* %u file of the group, read now. */
	ck_assert(rp_policy_authorize_key(policy, &pr, k2, &acct, NULL, 0, &diag,
	    &src));
	snprintf(where, sizeof(where), "%s/alice.keys", t.path);
	ck_assert_str_eq(src.pos.file, where);
	ck_assert_uint_eq(src.pos.line, 2);
	ck_assert_str_eq(src.block, "group g");
	/* %h file of the user block, with a bad line warned about each time
	 * the file is read. */
	memset(&w, 0, sizeof(w));
	ck_assert(rp_policy_authorize_key(policy, &pr, k3, &acct, NULL, 0, &diag,
	    &src));
	snprintf(where, sizeof(where), "%s/group.keys", t.path);
	ck_assert_str_eq(src.pos.file, where);
	ck_assert_uint_eq(src.pos.line, 3);
	ck_assert_str_eq(src.block, "user alice");
	ck_assert_uint_eq(w.n, 1);
	snprintf(where, sizeof(where), "%s/group.keys:1:1: not a usable public key line "
	    "(unknown or unsupported key type); key skipped", t.path);
	ck_assert_str_eq(w.msg[0], where);
	/* Without a home directory, %h files hold nothing. */
	acct.home = NULL;
	ck_assert(!rp_policy_authorize_key(policy, &pr, k3, &acct, NULL, 0, &diag,
	    &src));
	ck_assert_ptr_null(src.block);
	rp_principal_clear(&pr);

	/* bob: no user block, no bob.keys: a missing file is just empty. */
	acct.home = t.path;
	memset(&w, 0, sizeof(w));
	ck_assert(rp_policy_resolve(policy, "bob", &pr));
	ck_assert(!rp_policy_authorize_key(policy, &pr, k1, &acct, NULL, 0, &diag,
	    &src));
	ck_assert(!rp_policy_authorize_key(policy, &pr, k2, &acct, NULL, 0, &diag,
	    &src));
	ck_assert_uint_eq(w.n, 0);
	rp_principal_clear(&pr);
	rp_policy_free(policy);

	rp_pubkey_free(k1);
	rp_pubkey_free(k2);
	rp_pubkey_free(k3);
	temp_clean(&t);
}
END_TEST

START_TEST(test_login_time_key_files_must_be_safe)
{
	struct tempdir t;
	struct warnings w;
	struct rp_policy *policy;
	struct rp_principal pr;
	struct rp_key_source src;
	struct rp_policy_diag diag;
	struct rp_account acct;
	struct rp_pubkey *k1 = key_from_text(KEY1);
	const char *path;
	char text[512], want[512];

	memset(&t, 0, sizeof(t));
	path = temp_file(&t, "u.keys", KEY1 "\n", 0664);
	snprintf(text, sizeof(text), BASE "user u {\n\tauthorized-keys-file %s/%%u.keys\n}\n",
	    t.path);
	policy = load_ok(text, NULL, __LINE__);
	memset(&w, 0, sizeof(w));
	memset(&diag, 0, sizeof(diag));
	diag.warn = collect;
	diag.warn_ctx = &w;
	acct.home = t.path;
	acct.uid = getuid();
	ck_assert(rp_policy_resolve(policy, "u", &pr));

	/* Group-writable: skipped, loudly. */
	ck_assert(!rp_policy_authorize_key(policy, &pr, k1, &acct, NULL, 0, &diag,
	    &src));
	ck_assert_uint_eq(w.n, 1);
	snprintf(want, sizeof(want), "t.conf:4:2: authorized-keys file '%s' for u skipped: "
	    "writable by group or others", path);
	ck_assert_str_eq(w.msg[0], want);
	/* Owned by someone other than root or the user (only root can give a
	 * file away to test this). */
	if (geteuid() == 0) {
		ck_assert_int_eq(chmod(path, 0644), 0);
		ck_assert_int_eq(chown(path, 4242, 0), 0);
		memset(&w, 0, sizeof(w));
		ck_assert(!rp_policy_authorize_key(policy, &pr, k1, &acct, NULL, 0, &diag,
		    &src));
		ck_assert_uint_eq(w.n, 1);
		snprintf(want, sizeof(want), "t.conf:4:2: authorized-keys file '%s' for u skipped: "
		    "owned by uid 4242, not by root or the user", path);
		ck_assert_str_eq(w.msg[0], want);
		acct.uid = 4242;
		ck_assert(rp_policy_authorize_key(policy, &pr, k1, &acct, NULL, 0, &diag,
		    &src));
		ck_assert_int_eq(chown(path, 0, 0), 0);
		acct.uid = getuid();
	}
	/* Owned by root: fine whoever the user is. */
	ck_assert_int_eq(chmod(path, 0644), 0);
	acct.uid = 12345;
	ck_assert(rp_policy_authorize_key(policy, &pr, k1, &acct, NULL, 0, &diag, &src) ==
	    (geteuid() == 0));
	acct.uid = getuid();
	ck_assert(rp_policy_authorize_key(policy, &pr, k1, &acct, NULL, 0, &diag,
	    &src));
	rp_principal_clear(&pr);
	rp_policy_free(policy);
	rp_pubkey_free(k1);
	temp_clean(&t);
}
END_TEST

START_TEST(test_keyfile_expand)
{
	char out[64];

	ck_assert(rp_keyfile_expand("%h/.ssh/authorized_keys", "alice", "/home/alice", out,
	    sizeof(out)));
	ck_assert_str_eq(out, "/home/alice/.ssh/authorized_keys");
	ck_assert(rp_keyfile_expand("/etc/keys/%u.%%u", "bob", NULL, out, sizeof(out)));
	ck_assert_str_eq(out, "/etc/keys/bob.%u");
	ck_assert(!rp_keyfile_expand("%h/k", "bob", NULL, out, sizeof(out)));
	ck_assert(!rp_keyfile_expand("/%x", "bob", "/h", out, sizeof(out)));
	ck_assert(!rp_keyfile_expand("/k/%u", "bob", NULL, out, 6));
	ck_assert(rp_keyfile_expand("/k/%u", "bob", NULL, out, 7));
}
END_TEST

START_TEST(test_group_credentials_and_cas)
{
	struct tempdir t;
	struct warnings w;
	struct rp_policy *policy;
	const struct rp_block *b;
	char text[1024];

	memset(&t, 0, sizeof(t));
	temp_file(&t, "ca.pub", KEY2 " ca1\n# c\n" KEY3 " ca2\nbad\n", 0644);
	snprintf(text, sizeof(text), BASE "group g {\n"
	    "\tauthorized-key \"" KEY1 "\"\n"
	    "\ttrusted-user-ca \"" KEY1 " ca0\" principals alice,ops@corp\n"
	    "\ttrusted-user-ca-file %s/ca.pub\n"
	    "\tpassword system\n\ttotp-secrets totp.db\n"
	    "\ttotp-prompt \"Code: \"\n\tauth-instruction \"Use your token\"\n}\n", t.path);
	policy = load_ok(text, &w, __LINE__);
	ck_assert_uint_eq(w.n, 1);
	ck_assert(strstr(w.msg[0], "/ca.pub:4:1: not a usable public key line") != NULL);
	ck_assert_uint_eq(policy->groups[0].nkeys, 1);
	b = policy->groups[0].block;
	ck_assert_uint_eq(b->ncas, 2);
	ck_assert_ptr_null(b->cas[0].path);
	ck_assert_uint_eq(b->cas[0].nkeys, 1);
	ck_assert_uint_eq(b->cas[0].nprincipals, 2);
	ck_assert_str_eq(b->cas[0].principals[1], "ops@corp");
	ck_assert_uint_eq(b->cas[1].nkeys, 2);
	rp_policy_free(policy);
	/* A CA file without a usable key warns. */
	temp_file(&t, "empty.pub", "# nothing here\n", 0644);
	snprintf(text, sizeof(text), BASE "user u {\n\ttrusted-user-ca-file %s/empty.pub "
	    "principals u\n}\n", t.path);
	policy = load_ok(text, &w, __LINE__);
	ck_assert_uint_eq(w.n, 1);
	snprintf(text, sizeof(text), "t.conf:4:2: no usable CA key in '%s/empty.pub'", t.path);
	ck_assert_str_eq(w.msg[0], text);
	rp_policy_free(policy);
	snprintf(text, sizeof(text), BASE "group g {\n"
	    "\tauthorized-key \"" KEY1 "\"\n"
	    "\ttrusted-user-ca \"" KEY1 " ca0\" principals alice,ops@corp\n"
	    "\ttrusted-user-ca-file %s/ca.pub\n"
	    "\tpassword system\n\ttotp-secrets totp.db\n"
	    "\ttotp-prompt \"Code: \"\n\tauth-instruction \"Use your token\"\n}\n", t.path);
	policy = load_ok(text, &w, __LINE__);
	b = policy->groups[0].block;
	ck_assert_uint_eq(b->cas[1].nprincipals, 0);
	ck_assert_uint_eq(b->password_system.line, 7);
	ck_assert_str_eq(b->totp_secrets.value, "totp.db");
	ck_assert_str_eq(b->totp_prompt.value, "Code: ");
	ck_assert_str_eq(b->auth_instruction.value, "Use your token");
	rp_policy_free(policy);
	temp_clean(&t);
}
END_TEST

START_TEST(test_banner_file)
{
	struct tempdir t;
	struct rp_policy *policy;
	struct rp_principal pr;
	char text[512], want[512], *big;
	const char *path;

	memset(&t, 0, sizeof(t));
	temp_file(&t, "banner", "Authorised use only.\n\tcaf\xc3\xa9\r\n", 0644);
	snprintf(text, sizeof(text), BASE "user u {\n\tbanner-file %s/banner\n}\n", t.path);
	policy = LOAD_OK(text);
	ck_assert(rp_policy_resolve(policy, "u", &pr));
	ck_assert_str_eq(rp_principal_banner(&pr), "Authorised use only.\n\tcaf\xc3\xa9\r\n");
	rp_principal_clear(&pr);
	rp_policy_free(policy);

	path = temp_file(&t, "evil", "line one\nred \x1b[31m\n", 0644);
	snprintf(text, sizeof(text), BASE "user u {\n\tbanner-file %s\n}\n", path);
	snprintf(want, sizeof(want), "t.conf:4:14: banner file '%s' line 2: control character "
	    "or invalid UTF-8; expected UTF-8 text", path);
	EXPECT_ERROR(text, want);

	big = malloc(16385);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 16384);
	big[16384] = '\0';
	path = temp_file(&t, "big", big, 0644);
	snprintf(text, sizeof(text), BASE "user u {\n\tbanner-file %s\n}\n", path);
	policy = LOAD_OK(text); /* exactly 16 KiB */
	rp_policy_free(policy);
	big[16383] = '\0';
	path = temp_file(&t, "big2", big, 0644);
	{
		FILE *f = fopen(path, "a");
		fputs("yy", f);
		fclose(f);
	}
	snprintf(text, sizeof(text), BASE "user u {\n\tbanner-file %s\n}\n", path);
	snprintf(want, sizeof(want), "t.conf:4:14: cannot read banner file '%s': larger than "
	    "16384 bytes; expected a readable text file of at most 16 KiB", path);
	EXPECT_ERROR(text, want);
	free(big);
	temp_clean(&t);
}
END_TEST

/* --- explain's request words -------------------------------------------------------------- */

START_TEST(test_request_from_words)
{
	char host[256], why[256];
	struct rp_request r;
	char *w1[] = { "forward", "db01.corp:5432" };
	char *w2[] = { "forward", "[2001:db8::5]:443" };
	char *w3[] = { "exec", "df -h" };
	char *w4[] = { "remote-forward", "localhost:0" };
	char *w5[] = { "forward", "db01" };
	char *w6[] = { "forward", "db01:0" };
	char *w7[] = { "shell", "now" };
	char *w8[] = { "teleport" };
	char *w9[] = { "forward", "2001:db8::5:443" };
	char *w10[] = { "subsystem" };

	ck_assert(rp_request_from_words(0, NULL, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_int_eq(r.action, RP_ACTION_LOGIN);
	ck_assert(rp_request_from_words(2, w1, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_int_eq(r.action, RP_ACTION_FORWARD);
	ck_assert_str_eq(r.name, "db01.corp");
	ck_assert_uint_eq(r.port, 5432);
	ck_assert(rp_request_from_words(2, w2, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_str_eq(r.name, "2001:db8::5");
	ck_assert_uint_eq(r.port, 443);
	ck_assert(rp_request_from_words(2, w3, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_str_eq(r.name, "df -h");
	ck_assert(rp_request_from_words(1, w3, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_ptr_null(r.name);
	ck_assert(rp_request_from_words(2, w4, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_uint_eq(r.port, 0);
	ck_assert(!rp_request_from_words(2, w5, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_str_eq(why, "'forward db01': expected HOST:PORT");
	ck_assert(!rp_request_from_words(2, w6, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_str_eq(why, "'forward db01:0': the port must be a number from 1 to 65535");
	ck_assert(!rp_request_from_words(2, w7, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_str_eq(why, "'shell' takes no argument");
	ck_assert(!rp_request_from_words(1, w8, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert(strncmp(why, "unknown action 'teleport'", 25) == 0);
	ck_assert(!rp_request_from_words(2, w9, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_str_eq(why, "'forward 2001:db8::5:443': an IPv6 address must be in brackets, "
	    "as [2001:db8::1]:443");
	ck_assert(!rp_request_from_words(1, w10, &r, host, sizeof(host), why, sizeof(why)));
	ck_assert_str_eq(why, "'subsystem' takes one argument");
}
END_TEST

RP_TEST_SUITE(policy_decide)
{
	Suite *s = suite_create("policy_decide");
	TCase *addrs = tcase_create("addresses");
	TCase *admission = tcase_create("admission");
	TCase *principals = tcase_create("principals");
	TCase *rules = tcase_create("rules");
	TCase *settings = tcase_create("principal-settings");
	TCase *keys = tcase_create("keys");

	tcase_add_test(addrs, test_addresses_and_mapped_ipv4);
	tcase_add_test(addrs, test_cidrs);
	suite_add_tcase(s, addrs);

	tcase_add_test(admission, test_admission_first_match);
	tcase_add_test(admission, test_admission_none_matches_refuses);
	tcase_add_test(admission, test_admission_errors);
	suite_add_tcase(s, admission);

	tcase_add_test(principals, test_principals_users_and_groups);
	tcase_add_test(principals, test_principals_system_groups);
	tcase_add_test(principals, test_group_errors);
	suite_add_tcase(s, principals);

	tcase_add_test(rules, test_first_match_user_block_then_groups_in_block_order);
	tcase_add_test(rules, test_login_needs_an_allow_login_rule);
	tcase_add_test(rules, test_actions_without_targets);
	tcase_add_test(rules, test_exec_commands_match_exactly);
	tcase_add_test(rules, test_subsystem_and_env);
	tcase_add_test(rules, test_forward_hosts_cidrs_and_ports);
	tcase_add_test(rules, test_remote_forward_binds);
	tcase_add_test(rules, test_from_and_at_conditions_must_all_hold);
	tcase_add_test(rules, test_unknown_conditions_fail_closed);
	tcase_add_test(rules, test_windows_across_midnight);
	tcase_add_test(rules, test_when_from_time_is_local);
	tcase_add_test(rules, test_rule_errors);
	tcase_add_test(rules, test_quoted_keywords_are_targets);
	tcase_add_test(rules, test_user_may_compatibility_fails_closed);
	tcase_add_test(rules, test_request_from_words);
	suite_add_tcase(s, rules);

	tcase_add_test(settings, test_auth_chains_max_sessions_banner_resolution);
	tcase_add_test(settings, test_block_setting_errors);
	tcase_add_test(settings, test_password_hash_shapes);
	tcase_add_test(settings, test_totp_settings);
	tcase_add_test(settings, test_password_setting);
	tcase_add_test(settings, test_group_credentials_and_cas);
	tcase_add_test(settings, test_banner_file);
	suite_add_tcase(s, settings);

	tcase_add_test(keys, test_authorize_key_user_groups_and_login_time_files);
	tcase_add_test(keys, test_login_time_key_files_must_be_safe);
	tcase_add_test(keys, test_keyfile_expand);
	suite_add_tcase(s, keys);
	return s;
}

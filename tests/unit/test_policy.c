/*
 * tests/unit/test_policy.c: the policy language (policy/): loading a full
 * policy, every class of error with its file:line:col, units, authorized-keys
 * files, and deny by default.
 */
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/sshkey.h"
#include "policy/internal.h"
#include "policy/policy.h"

/* ssh-keygen -t ed25519 -N '' -C kN@test */
#define KEY1 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINegXv2XsYUBH3ZDU5VEfjvc4UuUbCOy0dGzRtV8xBB2"
#define KEY2 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIByFI8y1XEZN3mJKneyvrlp4lk2cyLeYW50bTe78hsR5"
#define KEY3 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJOhgEER0e3/Z1i4oTDawOVYIGFtSIBqCwZWxous1Iwo"

/* The two lines every valid policy needs; errors below start on line 3. */
#define BASE "listen 127.0.0.1:0\nhost-key /k\n"

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

/* Index of the first warning containing both fragments, or -1. */
static int
find_warning(const struct warnings *w, const char *a, const char *b)
{
	for (size_t i = 0; i < w->n; i++)
		if (strstr(w->msg[i], a) != NULL && strstr(w->msg[i], b) != NULL)
			return (int)i;
	return -1;
}

static struct rp_policy *
load_ok_len(const char *text, size_t len, struct warnings *w, int line)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;

	memset(&diag, 0, sizeof(diag));
	if (w != NULL) {
		memset(w, 0, sizeof(*w));
		diag.warn = collect;
		diag.warn_ctx = w;
	}
	ck_assert_msg(rp_policy_load_text("t.conf", text, len, &policy, &diag),
	    "line %d: expected the policy to load, got: %s", line, diag.error);
	ck_assert_ptr_nonnull(policy);
	return policy;
}

#define LOAD_OK(text, w) load_ok_len((text), strlen(text), (w), __LINE__)

/* The load must fail with an error that starts with `where` (such as
 * "t.conf:3:16: ") and contains `what`. */
static void
expect_error_len(const char *text, size_t len, const char *where, const char *what, int line)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;

	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(!rp_policy_load_text("t.conf", text, len, &policy, &diag),
	    "line %d: expected error '%s%s', but the policy loaded", line, where, what);
	ck_assert_ptr_null(policy);
	ck_assert_msg(strncmp(diag.error, where, strlen(where)) == 0,
	    "line %d: error '%s' should start with '%s'", line, diag.error, where);
	ck_assert_msg(strstr(diag.error, what) != NULL,
	    "line %d: error '%s' should contain '%s'", line, diag.error, what);
}

#define EXPECT_ERROR(text, where, what) \
	expect_error_len((text), strlen(text), (where), (what), __LINE__)

static struct rp_pubkey *
key_from_text(const char *line)
{
	struct rp_pubkey *key;
	const char *err;

	ck_assert_msg(rp_pubkey_from_text(line, &key, NULL, &err), "test key: %s", err);
	return key;
}

static int
user_has_key(const struct rp_policy_user *user, const char *line)
{
	struct rp_pubkey *key = key_from_text(line);
	int found = rp_policy_user_key(user, key) != NULL;

	rp_pubkey_free(key);
	return found;
}

/* The absolute directory tests/policy, as the loader resolves it. */
static void
policy_dir(char *out)
{
	ck_assert_ptr_nonnull(realpath(rp_test_path("tests/policy"), out));
}

/* --- a full policy ------------------------------------------------------- */

START_TEST(test_full_policy_loads_every_field)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;
	struct warnings w;
	char path[PATH_MAX], dir[PATH_MAX], want[PATH_MAX + 64];
	const struct rp_policy_user *alice, *bob;
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	struct in6_addr loopback6 = IN6ADDR_LOOPBACK_INIT;

	snprintf(path, sizeof(path), "%s", rp_test_path("tests/policy/full.conf"));
	policy_dir(dir);
	memset(&diag, 0, sizeof(diag));
	memset(&w, 0, sizeof(w));
	diag.warn = collect;
	diag.warn_ctx = &w;
	ck_assert_msg(rp_policy_load(path, &policy, &diag), "%s", diag.error);

	ck_assert_uint_eq(policy->nlistens, 2);
	ck_assert_str_eq(policy->listens[0].text, "127.0.0.1:2222");
	sin = (const struct sockaddr_in *)&policy->listens[0].addr;
	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(sin->sin_port), 2222);
	ck_assert_uint_eq(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);
	ck_assert_uint_eq(policy->listens[0].addrlen, sizeof(struct sockaddr_in));
	ck_assert_str_eq(policy->listens[0].pos.file, path);
	ck_assert_uint_eq(policy->listens[0].pos.line, 4);
	ck_assert_uint_eq(policy->listens[0].pos.col, 1);
	ck_assert_str_eq(policy->listens[1].text, "[::1]:2222");
	sin6 = (const struct sockaddr_in6 *)&policy->listens[1].addr;
	ck_assert_int_eq(sin6->sin6_family, AF_INET6);
	ck_assert_uint_eq(ntohs(sin6->sin6_port), 2222);
	ck_assert(memcmp(&sin6->sin6_addr, &loopback6, sizeof(loopback6)) == 0);
	ck_assert_uint_eq(policy->listens[1].addrlen, sizeof(struct sockaddr_in6));

	/* A relative host-key path resolves against the policy's directory. */
	ck_assert_uint_eq(policy->nhost_keys, 2);
	snprintf(want, sizeof(want), "%s/ssh_host_ed25519_key", dir);
	ck_assert_str_eq(policy->host_keys[0].path, want);
	ck_assert_uint_eq(policy->host_keys[0].pos.line, 6);
	ck_assert_str_eq(policy->host_keys[1].path, "/etc/rampart/ssh_host_ed25519_key_2");

	ck_assert_uint_eq(policy->login_grace_time_s, 120);
	ck_assert_uint_eq(policy->max_auth_tries, 3);
	ck_assert_str_eq(policy->worker_user, "rampart-w");
	ck_assert_str_eq(policy->worker_chroot, "/var/lib/rampart/empty dir");

	ck_assert_uint_eq(policy->nusers, 2);
	alice = rp_policy_find_user(policy, "alice");
	ck_assert_ptr_nonnull(alice);
	ck_assert_uint_eq(alice->pos.line, 14);
	/* Inline key 1, keys 2 and 3 from the file (3 with options), key 1
	 * again in the file is a duplicate. */
	ck_assert_uint_eq(alice->nkeys, 3);
	ck_assert(user_has_key(alice, KEY1));
	ck_assert(user_has_key(alice, KEY2));
	ck_assert(user_has_key(alice, KEY3));
	ck_assert_ptr_null(alice->keys[1].options.text);
	ck_assert_uint_eq(alice->keys[1].options.permit, RP_PERMIT_ALL);
	ck_assert_str_eq(alice->keys[2].options.text, "restrict,command=\"echo hi\"");
	ck_assert_uint_eq(alice->keys[2].options.permit, 0);
	ck_assert_str_eq(alice->keys[2].options.command, "echo hi");
	ck_assert_str_eq(alice->keys[0].comment, "k1@test");
	ck_assert_str_eq(alice->keys[0].pos.file, path);
	ck_assert_uint_eq(alice->keys[0].pos.line, 15);
	snprintf(want, sizeof(want), "%s/keys/alice", dir);
	ck_assert_str_eq(alice->keys[1].pos.file, want);
	ck_assert_uint_eq(alice->keys[1].pos.line, 3);
	ck_assert_str_eq(alice->keys[1].comment, "k2@test");
	ck_assert(rp_policy_user_may(alice, RP_ACTION_EXEC));
	ck_assert_uint_eq(alice->block->nrules, 1);
	ck_assert_uint_eq(alice->block->rules[0].pos.line, 17);

	bob = rp_policy_find_user(policy, "bob");
	ck_assert_ptr_nonnull(bob);
	ck_assert_uint_eq(bob->nkeys, 1);
	ck_assert(user_has_key(bob, KEY3));   /* a CRLF line */
	ck_assert(!rp_policy_user_may(bob, RP_ACTION_EXEC));

	ck_assert_ptr_null(rp_policy_find_user(policy, "carol"));
	/* Three skipped lines in alice's keys file, nothing else. */
	ck_assert_uint_eq(w.n, 3);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_defaults_when_settings_are_absent)
{
	struct rp_policy *policy = LOAD_OK(BASE, NULL);

	ck_assert_uint_eq(policy->login_grace_time_s, 30);
	ck_assert_uint_eq(policy->max_auth_tries, 6);
	ck_assert_str_eq(policy->worker_user, "rampart");
	ck_assert_str_eq(policy->worker_chroot, "/var/lib/rampart/empty");
	ck_assert_uint_eq(policy->nusers, 0);
	/* Load from text: relative paths stay as written. */
	rp_policy_free(policy);
	policy = LOAD_OK("listen 127.0.0.1:0\nhost-key keys/host\n", NULL);
	ck_assert_str_eq(policy->host_keys[0].path, "keys/host");
	ck_assert_uint_eq(policy->nfiles, 1);
	ck_assert_str_eq(policy->files[0], "t.conf");
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_deny_by_default)
{
	struct warnings w;
	struct rp_policy *policy = LOAD_OK(BASE "user alice {\n\tauthorized-key \"" KEY1 "\"\n}\n",
	    &w);
	const struct rp_policy_user *alice = rp_policy_find_user(policy, "alice");
	struct rp_pubkey *other = key_from_text(KEY2);

	ck_assert_ptr_nonnull(alice);
	ck_assert(!rp_policy_user_may(alice, RP_ACTION_EXEC));
	ck_assert(!rp_policy_user_may(NULL, RP_ACTION_EXEC));
	ck_assert(!rp_policy_user_may(alice, RP_ACTION_COUNT));
	ck_assert_ptr_null(rp_policy_user_key(alice, other));
	ck_assert_ptr_null(rp_policy_find_user(policy, "Alice"));
	ck_assert_ptr_null(rp_policy_find_user(policy, "root"));
	ck_assert_uint_eq(w.n, 0);
	rp_pubkey_free(other);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_action_names_round_trip)
{
	enum rp_action a;

	for (unsigned i = 0; i < RP_ACTION_COUNT; i++) {
		ck_assert(rp_action_from_name(rp_action_name((enum rp_action)i), &a));
		ck_assert_int_eq(a, (enum rp_action)i);
	}
	ck_assert_str_eq(rp_action_name(RP_ACTION_EXEC), "exec");
	ck_assert_str_eq(rp_action_name(RP_ACTION_REMOTE_FORWARD), "remote-forward");
	ck_assert_str_eq(rp_action_name(RP_ACTION_COUNT), "unknown");
	ck_assert(!rp_action_from_name("EXEC", &a));
	ck_assert(!rp_action_from_name("forwarding", &a));
	/* What rampart has the mechanism for today. */
	ck_assert(rp_action_in_effect(RP_ACTION_LOGIN));
	ck_assert(rp_action_in_effect(RP_ACTION_EXEC));
	ck_assert(rp_action_in_effect(RP_ACTION_SHELL));
	ck_assert(rp_action_in_effect(RP_ACTION_PTY));
	ck_assert(rp_action_in_effect(RP_ACTION_X11));
	ck_assert(!rp_action_in_effect(RP_ACTION_COUNT));
}
END_TEST

START_TEST(test_user_without_keys_loads_with_warning)
{
	struct warnings w;
	struct rp_policy *policy = LOAD_OK(BASE "user nokeys {\n\tallow exec\n}\n", &w);

	ck_assert_uint_eq(w.n, 1);
	ck_assert_str_eq(w.msg[0], "t.conf:3:1: user nokeys has no keys or other credentials and "
	    "cannot log in");
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_totp_secrets_count_as_a_credential)
{
	struct warnings w;
	struct rp_policy *policy = LOAD_OK(BASE "user otp {\n\tauth keyboard-interactive\n"
	    "\ttotp-secrets /etc/rampart/totp\n\tallow login\n}\n", &w);

	ck_assert_uint_eq(w.n, 0);
	rp_policy_free(policy);
}
END_TEST

/* --- syntax -------------------------------------------------------------- */

START_TEST(test_comments_quotes_and_escapes)
{
	struct rp_policy *policy = LOAD_OK(
	    "# a comment line\n"
	    "   # an indented one, with UTF-8: caf\xc3\xa9 \xe2\x9c\x93\n"
	    "listen 127.0.0.1:0 # trailing comment\n"
	    "host-key \"/keys/with space/#not a comment\"\n"
	    "worker-chroot \"/srv/q\\\"uote\\\\d\"#comment right after\n"
	    "worker-user\t\"_w\"\n"
	    "user a {allow exec}\n"
	    "user b { }\n", NULL);

	ck_assert_str_eq(policy->host_keys[0].path, "/keys/with space/#not a comment");
	ck_assert_str_eq(policy->worker_chroot, "/srv/q\"uote\\d");
	ck_assert_str_eq(policy->worker_user, "_w");
	ck_assert(rp_policy_user_may(rp_policy_find_user(policy, "a"), RP_ACTION_EXEC));
	ck_assert_ptr_nonnull(rp_policy_find_user(policy, "b"));
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_semicolons_separate_statements)
{
	struct rp_policy *policy = LOAD_OK(
	    "listen 127.0.0.1:0; listen [::1]:0;;; host-key /k\n"
	    "user a { authorized-key \"" KEY1 " a@x\"; allow exec }; max-auth-tries 2\n", NULL);
	const struct rp_policy_user *a = rp_policy_find_user(policy, "a");

	ck_assert_uint_eq(policy->nlistens, 2);
	ck_assert_uint_eq(policy->max_auth_tries, 2);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nkeys, 1);
	ck_assert_str_eq(a->keys[0].comment, "a@x");
	ck_assert_uint_eq(a->keys[0].pos.line, 2);
	ck_assert_uint_eq(a->keys[0].pos.col, 10);
	ck_assert(rp_policy_user_may(a, RP_ACTION_EXEC));
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_crlf_line_endings_are_accepted)
{
	struct rp_policy *policy = LOAD_OK(
	    "listen 127.0.0.1:0\r\nhost-key /k\r\n\r\nuser a {\r\n\tallow exec # c\r\n}\r\n", NULL);

	ck_assert_uint_eq(policy->users[0].pos.line, 4);
	ck_assert_uint_eq(policy->users[0].block->rules[0].pos.line, 5);
	ck_assert_uint_eq(policy->users[0].block->rules[0].pos.col, 2);
	rp_policy_free(policy);
	/* Positions after CRLF lines count bytes from the line start. */
	EXPECT_ERROR("listen 127.0.0.1:0\r\nhost-key /k\r\nmax-auth-tries x\r\n",
	    "t.conf:3:16: ", "'max-auth-tries' expects a whole number from 1 to 100, got 'x'");
}
END_TEST

START_TEST(test_no_trailing_newline_is_fine)
{
	struct rp_policy *policy = LOAD_OK("listen 127.0.0.1:0\nhost-key /k", NULL);

	ck_assert_str_eq(policy->host_keys[0].path, "/k");
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_lexer_errors_name_line_and_column)
{
	char big[5000];

	EXPECT_ERROR(BASE "worker-user \"abc\n", "t.conf:3:13: ",
	    "quoted string not closed; expected a closing '\"' on the same line");
	EXPECT_ERROR(BASE "worker-user \"abc", "t.conf:3:13: ", "quoted string not closed");
	EXPECT_ERROR(BASE "worker-chroot \"/a\\n\"\n", "t.conf:3:18: ",
	    "unknown escape in quoted string; expected \\\" or \\\\");
	EXPECT_ERROR(BASE "worker-user ab\x01\n", "t.conf:3:15: ", "control character 0x01");
	EXPECT_ERROR(BASE "worker-user ab\x7f\n", "t.conf:3:15: ", "control character 0x7f");
	EXPECT_ERROR(BASE "# comment \x1b[31m\n", "t.conf:3:11: ", "control character 0x1b");
	EXPECT_ERROR(BASE "user a\xff {\n", "t.conf:3:7: ", "invalid UTF-8 (byte 0xff)");
	/* Overlong '/' and a lone continuation byte. */
	EXPECT_ERROR(BASE "host-key /a\xc0\xaf\n", "t.conf:3:12: ", "invalid UTF-8");
	EXPECT_ERROR(BASE "host-key \"\x80\"\n", "t.conf:3:11: ", "invalid UTF-8");
	/* Truncated sequence at the end of the text. */
	EXPECT_ERROR(BASE "host-key /a\xe2\x9c", "t.conf:3:12: ", "invalid UTF-8");
	/* U+202E RIGHT-TO-LEFT OVERRIDE in a comment. */
	EXPECT_ERROR(BASE "#  \xe2\x80\xae allow exec\n", "t.conf:3:4: ",
	    "bidirectional control character U+202E");
	EXPECT_ERROR(BASE "max-auth-tries 3\rmax-auth-tries 4\n", "t.conf:3:17: ",
	    "carriage return without a newline after it");
	EXPECT_ERROR(BASE "host-key /a\"b\"\n", "t.conf:3:12: ", "quote in the middle of a word");
	EXPECT_ERROR(BASE "host-key \"/a\"b\n", "t.conf:3:14: ", "text right after a closing quote");
	EXPECT_ERROR(BASE "host-key \"/a\"\"b\"\n", "t.conf:3:14: ",
	    "quote right after a closing quote");
	/* A NUL byte is a control character, not the end of the text. */
	expect_error_len(BASE "host-key /a\0b\n", sizeof(BASE "host-key /a\0b\n") - 1,
	    "t.conf:3:12: ", "control character 0x00", __LINE__);

	/* Tokens: 4096 bytes pass the lexer (and fail later, as a user name),
	 * 4097 do not. */
	memcpy(big, BASE "user ", 36);
	memset(big + 36, 'a', 4096);
	memcpy(big + 36 + 4096, " {\n}\n", 6);
	EXPECT_ERROR(big, "t.conf:3:6: ", "invalid user name 'aaaa");
	memset(big + 36, 'a', 4097);
	memcpy(big + 36 + 4097, " {\n}\n", 6);
	EXPECT_ERROR(big, "t.conf:3:6: ", "word longer than 4096 bytes");
	memcpy(big, BASE "host-key \"", 41);
	memset(big + 41, 'a', 4097);
	memcpy(big + 41 + 4097, "\"\n", 3);
	EXPECT_ERROR(big, "t.conf:3:10: ", "quoted string longer than 4096 bytes");
}
END_TEST

START_TEST(test_file_larger_than_4_mib_is_refused)
{
	size_t len = ((size_t)4 << 20) + 1;
	char *text = malloc(len);

	ck_assert_ptr_nonnull(text);
	memset(text, '\n', len);
	memcpy(text, BASE, strlen(BASE));
	expect_error_len(text, len, "t.conf: ", "larger than 4 MiB", __LINE__);
	/* Exactly 4 MiB loads. */
	rp_policy_free(load_ok_len(text, len - 1, NULL, __LINE__));
	free(text);
}
END_TEST

START_TEST(test_too_many_words_in_a_statement)
{
	size_t n = strlen(BASE) + 2000 * 2 + 2;
	char *text = malloc(n);
	size_t off = strlen(BASE);

	ck_assert_ptr_nonnull(text);
	memcpy(text, BASE, off);
	for (int i = 0; i < 2000; i++) {
		text[off++] = 'a';
		text[off++] = ' ';
	}
	text[off++] = '\n';
	text[off] = '\0';
	EXPECT_ERROR(text, "t.conf:3:2049: ", "more than 1024 words in one statement");
	free(text);
}
END_TEST

/* --- structure errors ---------------------------------------------------- */

START_TEST(test_unknown_directive_lists_the_known_ones)
{
	EXPECT_ERROR(BASE "\n\n\n\npermit all\n", "t.conf:7:1: ",
	    "unknown directive 'permit' (expected one of: include, listen, host-key, "
	    "host-certificate, revoked-keys, server-version, refuse-client-version, kex-algorithms, host-key-algorithms, "
	    "ciphers, macs, "
	    "pubkey-algorithms, compression, moduli-file, dh-group-bits, login-grace-time, max-auth-tries, idle-timeout, "
	    "keepalive, rekey-limit, max-connections, max-startups, max-channels, "
	    "connect-timeout, tcp-nodelay, log-level, audit-log, audit-failure, recording-dir, "
	    "session-umask, subsystem, control-socket, worker-user, worker-chroot, penalties, "
	    "admit, refuse, group, user, banner, banner-file)");
	EXPECT_ERROR(BASE "user a {\n  permit exec\n}\n", "t.conf:4:3: ",
	    "unknown directive 'permit' inside a 'user' block (expected one of: allow, deny, "
	    "auth, authorized-key, authorized-keys-file, trusted-user-ca, trusted-user-ca-file, "
	    "password-hash, password, totp-secrets, totp-prompt, auth-instruction, totp-digits, "
	    "totp-period, totp-algorithm, totp-window, max-sessions, record-sessions, banner, "
	    "banner-file)");
	EXPECT_ERROR(BASE "group g {\n  permit exec\n}\n", "t.conf:4:3: ",
	    "unknown directive 'permit' inside a 'group' block (expected one of: members, "
	    "system-group, allow, deny, auth, ");
	EXPECT_ERROR(BASE "penalties {\n  permit 1s\n}\n", "t.conf:4:3: ",
	    "unknown directive 'permit' inside a 'penalties' block (expected one of: authfail, "
	    "noauth, crash, grace-exceeded, refused, max, min, exempt, ipv4-prefix, ipv6-prefix)");
	/* Directive names are case-sensitive and never quoted. */
	EXPECT_ERROR(BASE "Listen 127.0.0.1:1\n", "t.conf:3:1: ", "unknown directive 'Listen'");
	EXPECT_ERROR(BASE "\"listen\" 127.0.0.1:1\n", "t.conf:3:1: ", "quoted directive name");
}
END_TEST

START_TEST(test_directive_in_the_wrong_place_says_where_it_belongs)
{
	EXPECT_ERROR(BASE "user a {\n\tlisten 127.0.0.1:1\n}\n", "t.conf:4:2: ",
	    "'listen' belongs at top level, not inside a 'user NAME { ... }' block");
	EXPECT_ERROR(BASE "user a {\n\tuser b {\n\t}\n}\n", "t.conf:4:2: ",
	    "'user' belongs at top level");
	EXPECT_ERROR(BASE "allow exec\n", "t.conf:3:1: ",
	    "'allow' belongs inside a 'user NAME { ... }' block or inside a 'group NAME { ... }' "
	    "block, not at top level; expected one of: include, listen,");
	EXPECT_ERROR(BASE "user a {\n\tmembers a\n}\n", "t.conf:4:2: ",
	    "'members' belongs inside a 'group NAME { ... }' block, not inside a 'user NAME "
	    "{ ... }' block");
	EXPECT_ERROR(BASE "group g {\n\tauthfail 1s\n}\n", "t.conf:4:2: ",
	    "'authfail' belongs inside a 'penalties { ... }' block");
	EXPECT_ERROR(BASE "penalties {\n\tuser a {\n\t}\n}\n", "t.conf:4:2: ",
	    "'user' belongs at top level, not inside a 'penalties { ... }' block");
	EXPECT_ERROR(BASE "user a {\n\tinclude x\n}\n", "t.conf:4:2: ",
	    "'include' belongs at top level");
	EXPECT_ERROR(BASE "authorized-key \"" KEY1 "\"\n", "t.conf:3:1: ",
	    "'authorized-key' belongs inside a 'user NAME { ... }' block");
}
END_TEST

START_TEST(test_wrong_argument_counts)
{
	EXPECT_ERROR(BASE "listen\n", "t.conf:3:1: ",
	    "'listen' takes 1 argument, got 0; expected listen ADDRESS:PORT");
	EXPECT_ERROR(BASE "listen 127.0.0.1:1 127.0.0.1:2\n", "t.conf:3:20: ",
	    "'listen' takes 1 argument, got 2");
	EXPECT_ERROR(BASE "max-auth-tries\n", "t.conf:3:1: ", "'max-auth-tries' takes 1 argument");
	/* An unquoted key line is three words. */
	EXPECT_ERROR(BASE "user a {\n\tauthorized-key " KEY1 " c\n}\n", "t.conf:4:29: ",
	    "'authorized-key' takes 1 argument, got 3; expected authorized-key "
	    "\"TYPE BASE64 [COMMENT]\"");
	EXPECT_ERROR(BASE "user {\n}\n", "t.conf:3:1: ", "'user' takes 1 argument, got 0");
	EXPECT_ERROR(BASE "user a b {\n}\n", "t.conf:3:8: ", "'user' takes 1 argument, got 2");
	EXPECT_ERROR(BASE "user a {\n\tallow\n}\n", "t.conf:4:2: ",
	    "'allow' takes at least 1 argument, got 0; expected allow ACTION [TARGETS] "
	    "[from SOURCES] [at DAYS HH:MM-HH:MM]");
	EXPECT_ERROR(BASE "keepalive 1 2 3\n", "t.conf:3:15: ",
	    "'keepalive' takes 1 to 2 arguments, got 3");
}
END_TEST

START_TEST(test_block_errors)
{
	EXPECT_ERROR(BASE "user alice {\n\tallow exec\n", "t.conf:5:1: ",
	    "end of file inside the 'user alice' block opened at t.conf:3:1; expected '}'");
	EXPECT_ERROR(BASE "user alice { allow exec", "t.conf:3:24: ",
	    "end of file inside the 'user alice' block opened at t.conf:3:1");
	EXPECT_ERROR(BASE "}\n", "t.conf:3:1: ", "'}' without a matching '{'");
	EXPECT_ERROR(BASE "user a {\n}\n}\n", "t.conf:5:1: ", "'}' without a matching '{'");
	EXPECT_ERROR(BASE "user alice\n{\n}\n", "t.conf:3:1: ",
	    "'user' opens a block; expected user NAME { ... } with the '{' on the same line");
	EXPECT_ERROR(BASE "{\n}\n", "t.conf:3:1: ", "'{' without a directive before it");
	EXPECT_ERROR(BASE "max-auth-tries 3 {\n}\n", "t.conf:3:18: ",
	    "'max-auth-tries' does not open a block; expected max-auth-tries N");
}
END_TEST

START_TEST(test_duplicates_name_the_first)
{
	EXPECT_ERROR(BASE "login-grace-time 10s\nlogin-grace-time 20s\n", "t.conf:4:1: ",
	    "'login-grace-time' is already set at t.conf:3:1; expected it at most once");
	EXPECT_ERROR(BASE "max-auth-tries 3\n\nmax-auth-tries 3\n", "t.conf:5:1: ",
	    "'max-auth-tries' is already set at t.conf:3:1");
	EXPECT_ERROR(BASE "worker-user a\nworker-user b\n", "t.conf:4:1: ",
	    "'worker-user' is already set at t.conf:3:1");
	EXPECT_ERROR(BASE "worker-chroot /a\nworker-chroot /b\n", "t.conf:4:1: ",
	    "'worker-chroot' is already set at t.conf:3:1");
	EXPECT_ERROR(BASE "user alice {\n}\n  user alice {\n}\n", "t.conf:5:8: ",
	    "user alice already has a block at t.conf:3:1; expected one block per user");
	EXPECT_ERROR(BASE "listen 127.0.0.1:0\n", "t.conf:3:8: ",
	    "listen address '127.0.0.1:0' is already given at t.conf:1:1");
	/* The same address written differently is the same address. */
	EXPECT_ERROR(BASE "listen [::1]:22\nlisten [0:0::1]:22\n", "t.conf:4:8: ",
	    "listen address '[0:0::1]:22' is already given at t.conf:3:1");
	EXPECT_ERROR(BASE "host-key /k\n", "t.conf:3:10: ",
	    "host key '/k' is already given at t.conf:2:1");
}
END_TEST

START_TEST(test_duplicate_key_warns_and_is_ignored)
{
	struct warnings w;
	struct rp_policy *policy = LOAD_OK(BASE "user a {\n"
	    "\tauthorized-key \"" KEY1 " first\"\n"
	    "\tauthorized-key \"" KEY1 " second\"\n}\n", &w);

	ck_assert_uint_eq(policy->users[0].nkeys, 1);
	ck_assert_str_eq(policy->users[0].keys[0].comment, "first");
	ck_assert_uint_eq(w.n, 1);
	ck_assert_int_ge(find_warning(&w, "t.conf:5:2: key SHA256:",
	    "is already listed for user a at t.conf:4:2; duplicate ignored"), 0);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_missing_listen_or_host_key_names_the_file)
{
	EXPECT_ERROR("host-key /k\n", "t.conf: ", "no 'listen' directive; expected at least one");
	EXPECT_ERROR("listen 127.0.0.1:0\n", "t.conf: ", "no 'host-key' directive");
	EXPECT_ERROR("", "t.conf: ", "no 'listen' directive");
}
END_TEST

/* --- values -------------------------------------------------------------- */

START_TEST(test_listen_addresses)
{
	struct rp_policy *policy = LOAD_OK("host-key /k\nlisten 0.0.0.0:65535\nlisten [::]:0\n"
	    "listen [fe80::1:2]:22\n", NULL);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&policy->listens[0].addr;

	ck_assert_uint_eq(ntohs(sin->sin_port), 65535);
	ck_assert_uint_eq(sin->sin_addr.s_addr, 0);
	ck_assert_int_eq(policy->listens[1].addr.ss_family, AF_INET6);
	ck_assert_str_eq(policy->listens[2].text, "[fe80::1:2]:22");
	rp_policy_free(policy);

	EXPECT_ERROR(BASE "listen localhost:22\n", "t.conf:3:8: ",
	    "invalid listen address 'localhost:22': not a numeric IPv4 address; expected "
	    "ADDRESS:PORT");
	EXPECT_ERROR(BASE "listen ::1:22\n", "t.conf:3:8: ", "an IPv6 address must be in brackets");
	EXPECT_ERROR(BASE "listen 127.0.0.1:65536\n", "t.conf:3:8: ",
	    "the port must be a number from 0 to 65535");
	EXPECT_ERROR(BASE "listen 127.0.0.1:-1\n", "t.conf:3:8: ", "the port must be a number");
	EXPECT_ERROR(BASE "listen 127.0.0.1:\n", "t.conf:3:8: ", "the port must be a number");
	EXPECT_ERROR(BASE "listen 127.0.0.1\n", "t.conf:3:8: ", "missing ':PORT'");
	EXPECT_ERROR(BASE "listen :22\n", "t.conf:3:8: ", "missing address");
	EXPECT_ERROR(BASE "listen [::1]22\n", "t.conf:3:8: ", "missing ':PORT' after ']'");
	EXPECT_ERROR(BASE "listen [::1:22\n", "t.conf:3:8: ", "missing ']'");
	EXPECT_ERROR(BASE "listen [127.0.0.1]:22\n", "t.conf:3:8: ", "not a numeric IPv6 address");
	EXPECT_ERROR(BASE "listen 127.1:22\n", "t.conf:3:8: ", "not a numeric IPv4 address");
	EXPECT_ERROR(BASE "listen [fe80::1%eth0]:22\n", "t.conf:3:8: ",
	    "not a numeric IPv6 address");
}
END_TEST

START_TEST(test_setting_bounds)
{
	struct rp_policy *policy = LOAD_OK(BASE "login-grace-time 1h\nmax-auth-tries 100\n", NULL);

	ck_assert_uint_eq(policy->login_grace_time_s, 3600);
	ck_assert_uint_eq(policy->max_auth_tries, 100);
	rp_policy_free(policy);
	policy = LOAD_OK(BASE "login-grace-time 1\nmax-auth-tries 1\n", NULL);
	ck_assert_uint_eq(policy->login_grace_time_s, 1);
	ck_assert_uint_eq(policy->max_auth_tries, 1);
	rp_policy_free(policy);

	EXPECT_ERROR(BASE "max-auth-tries many\n", "t.conf:3:16: ",
	    "'max-auth-tries' expects a whole number from 1 to 100, got 'many'");
	EXPECT_ERROR(BASE "max-auth-tries 0\n", "t.conf:3:16: ", "from 1 to 100, got '0'");
	EXPECT_ERROR(BASE "max-auth-tries 101\n", "t.conf:3:16: ", "from 1 to 100, got '101'");
	EXPECT_ERROR(BASE "max-auth-tries 99999999999999999999999\n", "t.conf:3:16: ",
	    "from 1 to 100");
	EXPECT_ERROR(BASE "login-grace-time 0s\n", "t.conf:3:18: ",
	    "'login-grace-time' expects a duration from 1s to 1h (such as 30s, 5m or 1h), "
	    "got '0s'");
	EXPECT_ERROR(BASE "login-grace-time 61m\n", "t.conf:3:18: ", "got '61m'");
	EXPECT_ERROR(BASE "login-grace-time soon\n", "t.conf:3:18: ", "got 'soon'");
	EXPECT_ERROR(BASE "worker-user 9lives\n", "t.conf:3:13: ",
	    "'worker-user' expects a user name (a letter or '_' first");
	EXPECT_ERROR(BASE "worker-chroot var/empty\n", "t.conf:3:15: ",
	    "'worker-chroot' expects an absolute path, got 'var/empty'");
	EXPECT_ERROR(BASE "host-key \"\"\n", "t.conf:3:10: ", "empty path; expected a file name");
	{
		char text[5000];
		size_t n = strlen(BASE "host-key /");
		memcpy(text, BASE "host-key /", n);
		memset(text + n, 'a', 4095); /* with the '/', 4096 bytes: no room for the NUL */
		memcpy(text + n + 4095, "\n", 2);
		EXPECT_ERROR(text, "t.conf:3:10: ", "path longer than 4095 bytes; expected a shorter "
		    "path");
	}
}
END_TEST

START_TEST(test_user_names)
{
	struct rp_policy *policy = LOAD_OK(BASE "user _svc-1.x {\n}\n"
	    "user abcdefghijklmnopqrstuvwxyz012345 {\n}\n", NULL);

	ck_assert_ptr_nonnull(rp_policy_find_user(policy, "_svc-1.x"));
	ck_assert_ptr_nonnull(rp_policy_find_user(policy, "abcdefghijklmnopqrstuvwxyz012345"));
	rp_policy_free(policy);

	EXPECT_ERROR(BASE "user 9lives {\n}\n", "t.conf:3:6: ",
	    "invalid user name '9lives'; expected a letter or '_' first");
	EXPECT_ERROR(BASE "user abcdefghijklmnopqrstuvwxyz0123456 {\n}\n", "t.conf:3:6: ",
	    "invalid user name");
	EXPECT_ERROR(BASE "user a/b {\n}\n", "t.conf:3:6: ", "invalid user name 'a/b'");
	EXPECT_ERROR(BASE "user \"a b\" {\n}\n", "t.conf:3:6: ", "invalid user name 'a b'");
	EXPECT_ERROR(BASE "user -a {\n}\n", "t.conf:3:6: ", "invalid user name '-a'");
}
END_TEST

START_TEST(test_invalid_inline_key_names_the_reason)
{
	EXPECT_ERROR(BASE "user a {\n\tauthorized-key \"ssh-ed25519 AAAA!!!!\"\n}\n",
	    "t.conf:4:17: ", "invalid authorized-key: invalid base64 key data; expected a "
	    "public key line");
	EXPECT_ERROR(BASE "user a {\n\tauthorized-key \"ssh-dss AAAAB3NzaC1kc3MAAACBAP\"\n}\n",
	    "t.conf:4:17: ", "invalid authorized-key: unknown or unsupported key type");
	EXPECT_ERROR(BASE "user a {\n\tauthorized-key \"\"\n}\n", "t.conf:4:17: ",
	    "invalid authorized-key: empty key line");
	/* Options before an inline key are checked as in a file, but a bad
	 * one is an error, not a warning. */
	EXPECT_ERROR(BASE "user a {\n\tauthorized-key \"restrictt " KEY1 "\"\n}\n",
	    "t.conf:4:17: ", "invalid authorized-key options: unknown option 'restrictt'; "
	    "expected options as in sshd(8)'s AUTHORIZED_KEYS FILE FORMAT before the key, such "
	    "as restrict,from=\"10.0.0.0/8\"");
	EXPECT_ERROR(BASE "user a {\n\tauthorized-key \"environment=\\\"A=b\\\" " KEY1
	    "\"\n}\n", "t.conf:4:17: ", "invalid authorized-key options: environment= is not "
	    "supported: rampart never sets the environment from a key;");
	EXPECT_ERROR(BASE "user a {\n\tauthorized-key \"restrict ssh-ed25519 AAAA!!!!\"\n}\n",
	    "t.conf:4:17: ", "invalid authorized-key: invalid base64 key data;");
}
END_TEST

START_TEST(test_unknown_action_lists_the_known_ones)
{
	EXPECT_ERROR(BASE "user a {\n\tallow shells\n}\n", "t.conf:4:8: ",
	    "unknown action 'shells' (expected one of: login, shell, exec, subsystem, pty, env, "
	    "forward, remote-forward, x11, agent)");
	EXPECT_ERROR(BASE "user a {\n\tallow \"login\"\n}\n", "t.conf:4:8: ",
	    "unknown action 'login'");
	EXPECT_ERROR(BASE "user a {\n\tallow \"\"\n}\n", "t.conf:4:8: ", "unknown action ''");
}
END_TEST

/* --- authorized-keys files ----------------------------------------------- */

START_TEST(test_keys_file_warnings_name_file_and_line)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;
	struct warnings w;
	char dir[PATH_MAX], file[PATH_MAX + 64], where[PATH_MAX + 80];

	policy_dir(dir);
	snprintf(file, sizeof(file), "%s/keys/alice", dir);
	memset(&diag, 0, sizeof(diag));
	memset(&w, 0, sizeof(w));
	diag.warn = collect;
	diag.warn_ctx = &w;
	ck_assert_msg(rp_policy_load(rp_test_path("tests/policy/full.conf"), &policy, &diag),
	    "%s", diag.error);

	snprintf(where, sizeof(where), "%s:4:1: ", file);
	ck_assert_int_ge(find_warning(&w, where, "not a usable public key line (unknown or "
	    "unsupported key type); key skipped"), 0);
	snprintf(where, sizeof(where), "%s:6:1: ", file);
	ck_assert_int_ge(find_warning(&w, where, "unknown or unsupported key type"), 0);
	snprintf(where, sizeof(where), "%s:8:1: ", file);
	ck_assert_int_ge(find_warning(&w, where, "duplicate ignored"), 0);
	rp_policy_free(policy);
}
END_TEST

/* Write a keys file under a fresh temporary directory; returns its path. */
static void
write_temp(char *dir, char *path, size_t pathsz, const char *content, size_t len)
{
	FILE *f;

	strcpy(dir, "/tmp/rampart-policy-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, pathsz, "%s/keys", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(content, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void
remove_temp(const char *dir, const char *path)
{
	unlink(path);
	rmdir(dir);
}

START_TEST(test_keys_file_lines)
{
	static const char keys[] =
	    "\n"
	    "  \t\n"
	    "\t" KEY1 " indented\r\n"
	    "no-pty " KEY2 "\n"
	    "from=\"10.0.0.0/8\",command=\"echo a b\" " KEY2 " c\n"
	    KEY3 " with\x01" "control\n"
	    KEY3;   /* no final newline */
	char dir[64], path[128], text[512];
	struct warnings w;
	struct rp_policy *policy;
	const struct rp_policy_user *u;

	write_temp(dir, path, sizeof(path), keys, sizeof(keys) - 1);
	snprintf(text, sizeof(text), BASE "user u {\n\tauthorized-keys-file %s\n}\n", path);
	policy = LOAD_OK(text, &w);
	u = rp_policy_find_user(policy, "u");
	/* KEY2 twice with different options: two lines, tried in turn. */
	ck_assert_uint_eq(u->nkeys, 4);
	ck_assert(user_has_key(u, KEY1));
	ck_assert(user_has_key(u, KEY2));
	ck_assert(user_has_key(u, KEY3));
	ck_assert_str_eq(u->keys[0].comment, "indented");
	ck_assert_uint_eq(u->keys[0].pos.line, 3);
	ck_assert_uint_eq(u->keys[0].pos.col, 2);
	ck_assert_str_eq(u->keys[0].pos.file, path);
	ck_assert_str_eq(u->keys[1].options.text, "no-pty");
	ck_assert_uint_eq(u->keys[1].options.permit, RP_PERMIT_ALL & ~RP_PERMIT_PTY);
	ck_assert_uint_eq(u->keys[2].pos.line, 5);
	ck_assert_str_eq(u->keys[2].options.command, "echo a b");
	ck_assert_str_eq(u->keys[2].comment, "c");
	ck_assert_uint_eq(u->keys[3].pos.line, 7);
	ck_assert_ptr_null(u->keys[3].comment);
	ck_assert_uint_eq(w.n, 1);
	ck_assert_int_ge(find_warning(&w, ":6:1: ", "control character"), 0);
	rp_policy_free(policy);
	remove_temp(dir, path);
}
END_TEST

START_TEST(test_keys_file_missing_is_an_error)
{
	EXPECT_ERROR(BASE "user a {\n\tauthorized-keys-file /nonexistent/rampart/keys\n}\n",
	    "t.conf:4:23: ", "cannot read authorized-keys file '/nonexistent/rampart/keys': "
	    "No such file or directory");
	EXPECT_ERROR(BASE "user a {\n\tauthorized-keys-file /\n}\n", "t.conf:4:23: ",
	    "cannot read authorized-keys file '/': not a regular file");
}
END_TEST

START_TEST(test_keys_file_larger_than_1_mib_is_an_error)
{
	size_t len = ((size_t)1 << 20) + 1;
	char *content = malloc(len), dir[64], path[128], text[512], want[256];

	ck_assert_ptr_nonnull(content);
	memset(content, '#', len);
	write_temp(dir, path, sizeof(path), content, len);
	snprintf(text, sizeof(text), BASE "user a {\n\tauthorized-keys-file %s\n}\n", path);
	snprintf(want, sizeof(want), "cannot read authorized-keys file '%s': larger than 1 MiB",
	    path);
	EXPECT_ERROR(text, "t.conf:4:23: ", want);
	remove_temp(dir, path);
	free(content);
}
END_TEST

START_TEST(test_missing_policy_file_is_an_error)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;

	memset(&diag, 0, sizeof(diag));
	ck_assert(!rp_policy_load("/nonexistent/rampart.conf", &policy, &diag));
	ck_assert_ptr_null(policy);
	ck_assert_str_eq(diag.error, "/nonexistent/rampart.conf: cannot read the policy file: "
	    "No such file or directory");
	/* Without a diag there is no message, and still no policy. */
	policy = NULL;
	ck_assert(!rp_policy_load("/nonexistent/rampart.conf", &policy, NULL));
	ck_assert_ptr_null(policy);
}
END_TEST

/* LeakSanitizer checks that nothing loaded before the error survives it. */
START_TEST(test_error_after_keys_loaded_frees_everything)
{
	char text[PATH_MAX + 256];

	snprintf(text, sizeof(text), "listen 127.0.0.1:0\nlisten [::1]:0\nhost-key /k\n"
	    "worker-user w\nworker-chroot /c\n"
	    "user a {\n\tauthorized-key \"" KEY1 " c\"\n\tauthorized-keys-file %s\n"
	    "\tallow exec\n}\nuser b {\n\tbogus\n}\n",
	    rp_test_path("tests/policy/keys/alice"));
	EXPECT_ERROR(text, "t.conf:12:2: ", "unknown directive 'bogus'");
}
END_TEST

/* --- units --------------------------------------------------------------- */

START_TEST(test_durations)
{
	static const struct {
		const char *text;
		unsigned seconds;
	} good[] = {
		{ "30s", 30 }, { "15m", 900 }, { "2h", 7200 }, { "1d", 86400 }, { "45", 45 },
		{ "0", 0 }, { "007s", 7 }, { "4294967295", 4294967295u },
		{ "4294967295s", 4294967295u }, { "49710d", 4294944000u },
	};
	static const char *const bad[] = {
		"", "s", "1x", "1 s", " 1s", "1s ", "-1", "+1", "1.5h", "1h30m", "1S", "1ss",
		"4294967296", "49711d", "71582789m", "99999999999999999999999",
	};
	unsigned v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(rp_parse_duration(good[i].text, &v), "'%s' refused", good[i].text);
		ck_assert_uint_eq(v, good[i].seconds);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!rp_parse_duration(bad[i], &v), "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(test_sizes)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
		{ "512", 512 }, { "64K", 65536 }, { "16M", 16777216 }, { "1G", 1073741824 },
		{ "1T", (uint64_t)1 << 40 }, { "0", 0 }, { "0G", 0 },
		{ "18446744073709551615", UINT64_MAX },
		{ "16777215T", (uint64_t)16777215 << 40 },
	};
	static const char *const bad[] = {
		"", "K", "1k", "1KB", "1KiB", "1 K", "-1", "1.5G", "1B",
		"18446744073709551616", "16777216T", "17179869184G",
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(rp_parse_size(good[i].text, &v), "'%s' refused", good[i].text);
		ck_assert_uint_eq(v, good[i].bytes);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!rp_parse_size(bad[i], &v), "'%s' accepted", bad[i]);
}
END_TEST

RP_TEST_SUITE(policy)
{
	Suite *s = suite_create("policy");
	TCase *load = tcase_create("load");
	TCase *syntax = tcase_create("syntax");
	TCase *errors = tcase_create("errors");
	TCase *values = tcase_create("values");
	TCase *keys = tcase_create("authkeys");
	TCase *units = tcase_create("units");

	tcase_add_test(load, test_full_policy_loads_every_field);
	tcase_add_test(load, test_defaults_when_settings_are_absent);
	tcase_add_test(load, test_deny_by_default);
	tcase_add_test(load, test_action_names_round_trip);
	tcase_add_test(load, test_user_without_keys_loads_with_warning);
	tcase_add_test(load, test_totp_secrets_count_as_a_credential);
	tcase_add_test(load, test_missing_policy_file_is_an_error);
	tcase_add_test(load, test_error_after_keys_loaded_frees_everything);
	suite_add_tcase(s, load);

	tcase_add_test(syntax, test_comments_quotes_and_escapes);
	tcase_add_test(syntax, test_semicolons_separate_statements);
	tcase_add_test(syntax, test_crlf_line_endings_are_accepted);
	tcase_add_test(syntax, test_no_trailing_newline_is_fine);
	tcase_add_test(syntax, test_lexer_errors_name_line_and_column);
	tcase_add_test(syntax, test_file_larger_than_4_mib_is_refused);
	tcase_add_test(syntax, test_too_many_words_in_a_statement);
	suite_add_tcase(s, syntax);

	tcase_add_test(errors, test_unknown_directive_lists_the_known_ones);
	tcase_add_test(errors, test_directive_in_the_wrong_place_says_where_it_belongs);
	tcase_add_test(errors, test_wrong_argument_counts);
	tcase_add_test(errors, test_block_errors);
	tcase_add_test(errors, test_duplicates_name_the_first);
	tcase_add_test(errors, test_duplicate_key_warns_and_is_ignored);
	tcase_add_test(errors, test_missing_listen_or_host_key_names_the_file);
	suite_add_tcase(s, errors);

	tcase_add_test(values, test_listen_addresses);
	tcase_add_test(values, test_setting_bounds);
	tcase_add_test(values, test_user_names);
	tcase_add_test(values, test_invalid_inline_key_names_the_reason);
	tcase_add_test(values, test_unknown_action_lists_the_known_ones);
	suite_add_tcase(s, values);

	tcase_add_test(keys, test_keys_file_warnings_name_file_and_line);
	tcase_add_test(keys, test_keys_file_lines);
	tcase_add_test(keys, test_keys_file_missing_is_an_error);
	tcase_add_test(keys, test_keys_file_larger_than_1_mib_is_an_error);
	suite_add_tcase(s, keys);

	tcase_add_test(units, test_durations);
	tcase_add_test(units, test_sizes);
	suite_add_tcase(s, units);
	return s;
}

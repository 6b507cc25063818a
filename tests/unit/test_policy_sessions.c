/*
 * tests/unit/test_policy_sessions.c: the session directives (policy/
 * sessions.c and their rows in parser.c): `subsystem`, `connect-timeout`,
 * `max-channels`, `session-umask` at top level and `record-sessions` in
 * user and group blocks: defaults, every accepted form, every error with
 * its exact file:line:col and message, user-over-group precedence, the
 * canonical form `rampartctl check` prints, and the recording advice.
 */
#include "tests/unit/unit.h"
#include "tests/unit/policy_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"
#include "policy/policy.h"

#define BASE "listen 127.0.0.1:0\nhost-key /k\n"
#define KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINegXv2XsYUBH3ZDU5VEfjvc4UuUbCOy0dGzRtV8xBB2"
#define SFTP_SERVER "/usr/lib/openssh/sftp-server"

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

#define LOAD_OK(text) rp_test_policy_load((text), NULL, NULL, __LINE__)

/* The whole message, exactly. */
#define EXPECT_ERROR(text, want) rp_test_policy_error((text), (want), 0, __LINE__)
/* A message that starts with want. */
#define EXPECT_PREFIX(text, want) rp_test_policy_error((text), (want), 1, __LINE__)

/* What rp_policy_print prints; malloc'd. */
static char *
printed(const struct rp_policy *policy)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(mem);
	rp_policy_print(policy, mem);
	ck_assert_int_eq(fclose(mem), 0);
	return text;
}

/* text has line (a whole line) in it. */
static void
expect_line(const char *text, const char *line, int at)
{
	size_t n = strlen(line);
	const char *s = text;

	for (; (s = strstr(s, line)) != NULL; s += n)
		if ((s == text || s[-1] == '\n') && s[n] == '\n')
			return;
	ck_abort_msg("line %d: no line '%s' in:\n%s", at, line, text);
}

#define EXPECT_LINE(text, line) expect_line((text), (line), __LINE__)

static enum rp_record_mode
record_mode_of(const struct rp_policy *policy, const char *name)
{
	struct rp_principal pr;
	enum rp_record_mode mode;

	ck_assert_msg(rp_policy_resolve(policy, name, &pr), "%s is not a principal", name);
	mode = rp_principal_record_mode(&pr);
	rp_principal_clear(&pr);
	return mode;
}

/* --- defaults -------------------------------------------------------------- */

START_TEST(test_defaults)
{
	struct rp_policy *policy = LOAD_OK(BASE "user u {\n\tallow login\n}\n");
	char *text;

	ck_assert_uint_eq(policy->connect_timeout_s, 10);
	ck_assert_uint_eq(policy->max_channels, 64);
	ck_assert_uint_eq(policy->session_umask, 0022);
	ck_assert_uint_eq(policy->nsubsystems, 0);
	ck_assert_ptr_null(rp_policy_setting_pos(policy, "connect-timeout"));
	ck_assert_ptr_null(rp_policy_setting_pos(policy, "max-channels"));
	ck_assert_ptr_null(rp_policy_setting_pos(policy, "session-umask"));
	/* sftp is there without a subsystem line; nothing else is. */
	ck_assert_str_eq(rp_policy_subsystem_command(policy, "sftp"), SFTP_SERVER);
	ck_assert_str_eq(RP_DEFAULT_SFTP_SERVER, SFTP_SERVER);
	ck_assert_ptr_null(rp_policy_subsystem_command(policy, "SFTP"));
	ck_assert_ptr_null(rp_policy_subsystem_command(policy, "netconf"));
	ck_assert_ptr_null(rp_policy_subsystem_command(policy, ""));
	ck_assert_ptr_null(rp_policy_subsystem_command(policy, NULL));
	ck_assert_int_eq(record_mode_of(policy, "u"), RP_RECORD_OFF);

	text = printed(policy);
	EXPECT_LINE(text, "max-channels 64  # default");
	EXPECT_LINE(text, "connect-timeout 10s  # default");
	EXPECT_LINE(text, "session-umask 0022  # default");
	EXPECT_LINE(text, "subsystem sftp " SFTP_SERVER "  # default");
	ck_assert_ptr_null(strstr(text, "record-sessions"));
	free(text);
	rp_policy_free(policy);
}
END_TEST

/* --- connect-timeout, max-channels ------------------------------------------- */

START_TEST(test_connect_timeout)
{
	static const struct {
		const char *text;
		unsigned seconds;
	} ok[] = { { "1s", 1 }, { "1", 1 }, { "30s", 30 }, { "45", 45 }, { "2m", 120 },
		{ "5m", 300 }, { "300s", 300 }, { "\"20s\"", 20 } };
	struct rp_policy *policy;
	char text[128], *out;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), BASE "connect-timeout %s\n", ok[i].text);
		policy = LOAD_OK(text);
		ck_assert_uint_eq(policy->connect_timeout_s, ok[i].seconds);
		ck_assert_ptr_nonnull(rp_policy_setting_pos(policy, "connect-timeout"));
		ck_assert_uint_eq(rp_policy_setting_pos(policy, "connect-timeout")->line, 3);
		rp_policy_free(policy);
	}
	policy = LOAD_OK(BASE "connect-timeout 90\n");
	out = printed(policy);
	EXPECT_LINE(out, "connect-timeout 90s  # t.conf:3");
	free(out);
	rp_policy_free(policy);

	EXPECT_ERROR(BASE "connect-timeout 0s\n", "t.conf:3:17: 'connect-timeout' expects a "
	    "duration from 1s to 5m (such as 30s, 5m or 1h), got '0s'");
	EXPECT_ERROR(BASE "connect-timeout 301\n", "t.conf:3:17: 'connect-timeout' expects a "
	    "duration from 1s to 5m (such as 30s, 5m or 1h), got '301'");
	EXPECT_ERROR(BASE "connect-timeout 6m\n", "t.conf:3:17: 'connect-timeout' expects a "
	    "duration from 1s to 5m (such as 30s, 5m or 1h), got '6m'");
	EXPECT_ERROR(BASE "connect-timeout soon\n", "t.conf:3:17: 'connect-timeout' expects a "
	    "duration from 1s to 5m (such as 30s, 5m or 1h), got 'soon'");
	EXPECT_ERROR(BASE "connect-timeout 1m30s\n", "t.conf:3:17: 'connect-timeout' expects a "
	    "duration from 1s to 5m (such as 30s, 5m or 1h), got '1m30s'");
	EXPECT_ERROR(BASE "connect-timeout\n", "t.conf:3:1: 'connect-timeout' takes 1 argument, "
	    "got 0; expected connect-timeout DURATION");
	EXPECT_ERROR(BASE "connect-timeout 5s 10s\n", "t.conf:3:20: 'connect-timeout' takes 1 "
	    "argument, got 2; expected connect-timeout DURATION");
	EXPECT_ERROR(BASE "connect-timeout 5s\nconnect-timeout 10s\n", "t.conf:4:1: "
	    "'connect-timeout' is already set at t.conf:3:1; expected it at most once");
	EXPECT_PREFIX(BASE "user u {\n\tconnect-timeout 5s\n}\n", "t.conf:4:2: 'connect-timeout' "
	    "belongs at top level, not inside a 'user NAME { ... }' block; expected one of: "
	    "allow, deny,");
	EXPECT_PREFIX(BASE "penalties {\n\tconnect-timeout 5s\n}\n", "t.conf:4:2: "
	    "'connect-timeout' belongs at top level, not inside a 'penalties { ... }' block");
}
END_TEST

START_TEST(test_max_channels)
{
	static const struct {
		const char *text;
		unsigned n;
	} ok[] = { { "1", 1 }, { "16", 16 }, { "256", 256 }, { "\"100\"", 100 } };
	struct rp_policy *policy;
	char text[128], *out;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), BASE "\nmax-channels %s\n", ok[i].text);
		policy = LOAD_OK(text);
		ck_assert_uint_eq(policy->max_channels, ok[i].n);
		ck_assert_uint_eq(rp_policy_setting_pos(policy, "max-channels")->line, 4);
		rp_policy_free(policy);
	}
	policy = LOAD_OK(BASE "max-channels 8\n");
	out = printed(policy);
	EXPECT_LINE(out, "max-channels 8  # t.conf:3");
	free(out);
	rp_policy_free(policy);

	EXPECT_ERROR(BASE "max-channels 0\n", "t.conf:3:14: 'max-channels' expects a whole number "
	    "from 1 to 256, got '0'");
	EXPECT_ERROR(BASE "max-channels 257\n", "t.conf:3:14: 'max-channels' expects a whole "
	    "number from 1 to 256, got '257'");
	EXPECT_ERROR(BASE "max-channels -1\n", "t.conf:3:14: 'max-channels' expects a whole "
	    "number from 1 to 256, got '-1'");
	EXPECT_ERROR(BASE "max-channels many\n", "t.conf:3:14: 'max-channels' expects a whole "
	    "number from 1 to 256, got 'many'");
	EXPECT_ERROR(BASE "max-channels 99999999999999999999999\n", "t.conf:3:14: 'max-channels' "
	    "expects a whole number from 1 to 256, got '99999999999999999999999'");
	EXPECT_ERROR(BASE "max-channels 8\nmax-channels 8\n", "t.conf:4:1: 'max-channels' is "
	    "already set at t.conf:3:1; expected it at most once");
	EXPECT_PREFIX(BASE "group g {\n\tmax-channels 8\n}\n", "t.conf:4:2: 'max-channels' "
	    "belongs at top level, not inside a 'group NAME { ... }' block; expected one of: "
	    "members,");
}
END_TEST

/* --- session-umask -------------------------------------------------------------- */

START_TEST(test_session_umask)
{
	static const struct {
		const char *text;
		unsigned mask;
		const char *canonical;
	} ok[] = { { "022", 0022, "0022" }, { "0022", 0022, "0022" }, { "0077", 0077, "0077" },
		{ "077", 0077, "0077" }, { "000", 0, "0000" }, { "0000", 0, "0000" },
		{ "777", 0777, "0777" }, { "0777", 0777, "0777" }, { "027", 0027, "0027" },
		{ "\"007\"", 0007, "0007" } };
	struct rp_policy *policy;
	char text[128], want[64], *out;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), BASE "session-umask %s\n", ok[i].text);
		policy = LOAD_OK(text);
		ck_assert_uint_eq(policy->session_umask, ok[i].mask);
		out = printed(policy);
		snprintf(want, sizeof(want), "session-umask %s  # t.conf:3", ok[i].canonical);
		EXPECT_LINE(out, want);
		free(out);
		rp_policy_free(policy);
	}

#define UMASK_ERROR(arg) "t.conf:3:15: 'session-umask' expects 3 or 4 octal digits from 000 " \
	"to 0777 (such as 022 or 0077), got '" arg "'"
	EXPECT_ERROR(BASE "session-umask 22\n", UMASK_ERROR("22"));
	EXPECT_ERROR(BASE "session-umask 7\n", UMASK_ERROR("7"));
	EXPECT_ERROR(BASE "session-umask 00022\n", UMASK_ERROR("00022"));
	EXPECT_ERROR(BASE "session-umask 028\n", UMASK_ERROR("028"));
	EXPECT_ERROR(BASE "session-umask 0x12\n", UMASK_ERROR("0x12"));
	EXPECT_ERROR(BASE "session-umask -022\n", UMASK_ERROR("-022"));
	EXPECT_ERROR(BASE "session-umask +022\n", UMASK_ERROR("+022"));
	EXPECT_ERROR(BASE "session-umask \" 22\"\n", "t.conf:3:15: 'session-umask' expects 3 or 4 "
	    "octal digits from 000 to 0777 (such as 022 or 0077), got ' 22'");
	EXPECT_ERROR(BASE "session-umask u=rwx\n", UMASK_ERROR("u=rwx"));
	/* Four digits, but more than 0777: no setuid, setgid or sticky bits. */
	EXPECT_ERROR(BASE "session-umask 1022\n", UMASK_ERROR("1022"));
	EXPECT_ERROR(BASE "session-umask 7777\n", UMASK_ERROR("7777"));
#undef UMASK_ERROR
	EXPECT_ERROR(BASE "session-umask 022\nsession-umask 077\n", "t.conf:4:1: 'session-umask' "
	    "is already set at t.conf:3:1; expected it at most once");
	EXPECT_ERROR(BASE "session-umask\n", "t.conf:3:1: 'session-umask' takes 1 argument, got "
	    "0; expected session-umask OCTAL");
	EXPECT_PREFIX(BASE "user u {\n\tsession-umask 077\n}\n", "t.conf:4:2: 'session-umask' "
	    "belongs at top level, not inside a 'user NAME { ... }' block");
}
END_TEST

/* --- subsystem ------------------------------------------------------------------ */

START_TEST(test_subsystems)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "subsystem netconf /usr/sbin/netconf-subsys\n"                       /* 3 */
	    "subsystem backup@corp.example /usr/local/bin/backup --mode pull -v\n"
	    "subsystem a_b.c-d /x/y \"--opt=a;b\" \"#x\" \"{}\" \"q\\\"uote\" back\\slash\n"
	    "\n"
	    "subsystem \"from\" /usr/bin/from\n");                             /* 7 */
	char *out;

	ck_assert_uint_eq(policy->nsubsystems, 4);
	ck_assert_str_eq(policy->subsystems[0].name, "netconf");
	ck_assert_str_eq(policy->subsystems[0].command, "/usr/sbin/netconf-subsys");
	ck_assert_str_eq(policy->subsystems[0].pos.file, "t.conf");
	ck_assert_uint_eq(policy->subsystems[0].pos.line, 3);
	ck_assert_uint_eq(policy->subsystems[0].pos.col, 1);
	ck_assert_str_eq(policy->subsystems[1].name, "backup@corp.example");
	ck_assert_str_eq(policy->subsystems[1].command, "/usr/local/bin/backup --mode pull -v");
	/* Quoted words join as their text; a backslash in a word is itself. */
	ck_assert_str_eq(policy->subsystems[2].command,
	    "/x/y --opt=a;b #x {} q\"uote back\\slash");
	ck_assert_str_eq(policy->subsystems[3].name, "from");
	ck_assert_uint_eq(policy->subsystems[3].pos.line, 7);

	ck_assert_str_eq(rp_policy_subsystem_command(policy, "netconf"),
	    "/usr/sbin/netconf-subsys");
	ck_assert_str_eq(rp_policy_subsystem_command(policy, "backup@corp.example"),
	    "/usr/local/bin/backup --mode pull -v");
	ck_assert_str_eq(rp_policy_subsystem_command(policy, "from"), "/usr/bin/from");
	ck_assert_ptr_null(rp_policy_subsystem_command(policy, "backup"));
	ck_assert_ptr_null(rp_policy_subsystem_command(policy, "NETCONF"));
	/* Other subsystems leave the default sftp in place. */
	ck_assert_str_eq(rp_policy_subsystem_command(policy, "sftp"), SFTP_SERVER);

	/* check prints each in file order, quoted where the lexer needs it,
	 * then the default sftp. */
	out = printed(policy);
	EXPECT_LINE(out, "subsystem netconf /usr/sbin/netconf-subsys  # t.conf:3");
	EXPECT_LINE(out, "subsystem backup@corp.example /usr/local/bin/backup --mode pull -v  "
	    "# t.conf:4");
	EXPECT_LINE(out, "subsystem a_b.c-d /x/y \"--opt=a;b\" \"#x\" \"{}\" \"q\\\"uote\" "
	    "back\\slash  # t.conf:5");
	EXPECT_LINE(out, "subsystem from /usr/bin/from  # t.conf:7");
	EXPECT_LINE(out, "subsystem sftp " SFTP_SERVER "  # default");
	ck_assert_ptr_nonnull(strstr(out, "subsystem from /usr/bin/from  # t.conf:7\n"
	    "subsystem sftp " SFTP_SERVER "  # default\n"));
	free(out);
	rp_policy_free(policy);
}
END_TEST

/* The printed command reads back as the same command. */
START_TEST(test_subsystem_printed_form_reads_back)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "subsystem x /x/y \"--opt=a;b\" \"#x\" \"{}\" \"q\\\"uote\" back\\slash \"\\\\\"\n");
	struct rp_policy *again;
	char *out, *line, *end, text[1024];

	out = printed(policy);
	ck_assert_ptr_nonnull(line = strstr(out, "\nsubsystem x "));
	line++;
	ck_assert_ptr_nonnull(end = strstr(line, "  # t.conf:3\n"));
	snprintf(text, sizeof(text), BASE "%.*s\n", (int)(end - line), line);
	again = LOAD_OK(text);
	ck_assert_str_eq(again->subsystems[0].command, policy->subsystems[0].command);
	ck_assert_str_eq(again->subsystems[0].command,
	    "/x/y --opt=a;b #x {} q\"uote back\\slash \\");
	rp_policy_free(again);
	free(out);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_subsystem_sftp_replaces_the_default)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "subsystem sftp /usr/lib/sftp-server -l INFO -f AUTHPRIV\n");
	char *out;

	ck_assert_uint_eq(policy->nsubsystems, 1);
	ck_assert_str_eq(rp_policy_subsystem_command(policy, "sftp"),
	    "/usr/lib/sftp-server -l INFO -f AUTHPRIV");
	out = printed(policy);
	EXPECT_LINE(out, "subsystem sftp /usr/lib/sftp-server -l INFO -f AUTHPRIV  # t.conf:3");
	ck_assert_ptr_null(strstr(out, SFTP_SERVER));
	ck_assert_ptr_null(strstr(out, "subsystem sftp /usr/lib/sftp-server -l INFO -f AUTHPRIV  "
	    "# default"));
	free(out);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_subsystem_errors)
{
	char text[8192];
	size_t off;

	EXPECT_ERROR(BASE "subsystem s!ftp /x\n", "t.conf:3:11: invalid subsystem name 's!ftp'; "
	    "expected letters, digits, '.', '_', '-' or '@', such as sftp");
	EXPECT_ERROR(BASE "subsystem \"s ftp\" /x\n", "t.conf:3:11: invalid subsystem name "
	    "'s ftp'; expected letters, digits, '.', '_', '-' or '@', such as sftp");
	EXPECT_ERROR(BASE "subsystem \"\" /x\n", "t.conf:3:11: invalid subsystem name ''; "
	    "expected letters, digits, '.', '_', '-' or '@', such as sftp");
	EXPECT_ERROR(BASE "subsystem a/b /x\n", "t.conf:3:11: invalid subsystem name 'a/b'; "
	    "expected letters, digits, '.', '_', '-' or '@', such as sftp");
	/* 64 bytes is the longest name. */
	EXPECT_ERROR(BASE "subsystem "
	    "a1234567890123456789012345678901234567890123456789012345678901234 /x\n",
	    "t.conf:3:11: invalid subsystem name "
	    "'a12345678901234567890123456789012345678901234567890123456789...'; expected "
	    "letters, digits, '.', '_', '-' or '@', such as sftp");
	rp_policy_free(LOAD_OK(BASE "subsystem "
	    "a123456789012345678901234567890123456789012345678901234567890123 /x\n"));

	EXPECT_ERROR(BASE "subsystem sftp sftp-server\n", "t.conf:3:16: 'subsystem' expects the "
	    "command to start with an absolute path, got 'sftp-server'; expected subsystem NAME "
	    "ABSOLUTE-PATH [ARG...], such as subsystem sftp /usr/lib/openssh/sftp-server");
	EXPECT_ERROR(BASE "subsystem sftp ./sftp-server -l\n", "t.conf:3:16: 'subsystem' expects "
	    "the command to start with an absolute path, got './sftp-server'; expected subsystem "
	    "NAME ABSOLUTE-PATH [ARG...], such as subsystem sftp /usr/lib/openssh/sftp-server");
	EXPECT_ERROR(BASE "subsystem sftp \"\"\n", "t.conf:3:16: 'subsystem' expects the command "
	    "to start with an absolute path, got ''; expected subsystem NAME ABSOLUTE-PATH "
	    "[ARG...], such as subsystem sftp /usr/lib/openssh/sftp-server");
	EXPECT_ERROR(BASE "subsystem sftp\n", "t.conf:3:1: 'subsystem' takes at least 2 "
	    "arguments, got 1; expected subsystem NAME ABSOLUTE-PATH [ARG...]");
	EXPECT_ERROR(BASE "subsystem\n", "t.conf:3:1: 'subsystem' takes at least 2 arguments, "
	    "got 0; expected subsystem NAME ABSOLUTE-PATH [ARG...]");

	EXPECT_ERROR(BASE "subsystem x /bin/x -a \"\" -b\n", "t.conf:3:23: empty word in the "
	    "command of subsystem x; expected a word of at least one character");
	EXPECT_ERROR(BASE "subsystem x /bin/x \"a b\"\n", "t.conf:3:20: word 'a b' in the "
	    "command of subsystem x holds a blank; expected words without blanks (the command is "
	    "its words joined by single spaces)");
	EXPECT_ERROR(BASE "subsystem x \"/opt/my tools/x\"\n", "t.conf:3:13: word "
	    "'/opt/my tools/x' in the command of subsystem x holds a blank; expected words "
	    "without blanks (the command is its words joined by single spaces)");
	EXPECT_ERROR(BASE "subsystem x /bin/x \"a\tb\"\n", "t.conf:3:20: word 'a\tb' in the "
	    "command of subsystem x holds a blank; expected words without blanks (the command is "
	    "its words joined by single spaces)");

	/* Each name once, whatever the command; the error names the first. */
	EXPECT_ERROR(BASE "subsystem x /a\n\nsubsystem x /b\n", "t.conf:5:11: subsystem x is "
	    "already defined at t.conf:3:1; expected each subsystem name once");
	EXPECT_ERROR(BASE "subsystem sftp /a\nsubsystem sftp /a\n", "t.conf:4:11: subsystem "
	    "sftp is already defined at t.conf:3:1; expected each subsystem name once");
	/* Names are compared exactly: sftp and SFTP are two subsystems. */
	rp_policy_free(LOAD_OK(BASE "subsystem sftp /a\nsubsystem SFTP /b\n"));

	/* Top level only. */
	EXPECT_PREFIX(BASE "user u {\n\tsubsystem sftp /x\n}\n", "t.conf:4:2: 'subsystem' belongs "
	    "at top level, not inside a 'user NAME { ... }' block; expected one of: allow, deny,");
	EXPECT_PREFIX(BASE "group g {\n\tsubsystem sftp /x\n}\n", "t.conf:4:2: 'subsystem' "
	    "belongs at top level, not inside a 'group NAME { ... }' block");

	/* At most 4096 bytes of command: the word that goes past is named. */
	off = (size_t)snprintf(text, sizeof(text), BASE "subsystem x /%s", "bin");
	while (off < 4096 + 40)
		off += (size_t)snprintf(text + off, sizeof(text) - off, " %s", "abcdefg");
	snprintf(text + off, sizeof(text) - off, "\n");
	EXPECT_PREFIX(text, "t.conf:3:");
	{
		struct rp_policy *policy = NULL;
		struct rp_policy_diag diag;

		memset(&diag, 0, sizeof(diag));
		ck_assert(!rp_policy_load_text("t.conf", text, strlen(text), &policy, &diag));
		ck_assert_ptr_nonnull(strstr(diag.error, ": the command of subsystem x is longer "
		    "than 4096 bytes; expected a shorter command"));
	}
	/* 4096 bytes exactly is fine: a path of 2048 bytes, a space, 2047 more. */
	memset(text, 0, sizeof(text));
	off = (size_t)snprintf(text, sizeof(text), BASE "subsystem x /");
	memset(text + off, 'a', 2047);
	off += 2047;
	text[off++] = ' ';
	memset(text + off, 'b', 2047);
	off += 2047;
	snprintf(text + off, sizeof(text) - off, "\n");
	{
		struct rp_policy *policy = LOAD_OK(text);
		ck_assert_uint_eq(strlen(rp_policy_subsystem_command(policy, "x")), 4096);
		rp_policy_free(policy);
	}
}
END_TEST

/* --- record-sessions ------------------------------------------------------------ */

START_TEST(test_record_sessions_forms)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "recording-dir /var/lib/rampart/recordings\n"
	    "user a {\n\trecord-sessions no\n}\n"                  /* 5 */
	    "user b {\n\trecord-sessions yes\n}\n"                 /* 8 */
	    "user c {\n\trecord-sessions with-input\n}\n"          /* 11 */
	    "user d {\n\tallow login\n}\n");
	char *out;

	ck_assert_int_eq(record_mode_of(policy, "a"), RP_RECORD_OFF);
	ck_assert_int_eq(record_mode_of(policy, "b"), RP_RECORD_OUTPUT);
	ck_assert_int_eq(record_mode_of(policy, "c"), RP_RECORD_INPUT);
	ck_assert_int_eq(record_mode_of(policy, "d"), RP_RECORD_OFF);
	ck_assert_int_eq(RP_RECORD_OFF, 0);

	out = printed(policy);
	EXPECT_LINE(out, "\trecord-sessions no  # t.conf:5");
	EXPECT_LINE(out, "\trecord-sessions yes  # t.conf:8");
	EXPECT_LINE(out, "\trecord-sessions with-input  # t.conf:11");
	/* Not set: nothing printed for the block (the default is off). */
	ck_assert_ptr_null(strstr(strstr(out, "user d {"), "record-sessions"));
	free(out);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_record_sessions_user_over_groups)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "group first {\n\tmembers a b c e\n\trecord-sessions yes\n}\n"
	    "group second {\n\tmembers a b c d e\n\trecord-sessions with-input\n}\n"
	    "group third {\n\tmembers f\n}\n"
	    "user a {\n\trecord-sessions no\n}\n"
	    "user b {\n\trecord-sessions with-input\n}\n"
	    "user c {\n\tallow login\n}\n");

	/* The user block's value, even `no` over a group's yes. */
	ck_assert_int_eq(record_mode_of(policy, "a"), RP_RECORD_OFF);
	ck_assert_int_eq(record_mode_of(policy, "b"), RP_RECORD_INPUT);
	/* Else the first group, in block order, that sets it. */
	ck_assert_int_eq(record_mode_of(policy, "c"), RP_RECORD_OUTPUT);
	ck_assert_int_eq(record_mode_of(policy, "e"), RP_RECORD_OUTPUT);
	ck_assert_int_eq(record_mode_of(policy, "d"), RP_RECORD_INPUT);
	/* Else off. */
	ck_assert_int_eq(record_mode_of(policy, "f"), RP_RECORD_OFF);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_record_sessions_errors)
{
	EXPECT_ERROR(BASE "user u {\n\trecord-sessions on\n}\n", "t.conf:4:18: 'record-sessions' "
	    "expects no, yes or with-input, got 'on'");
	EXPECT_ERROR(BASE "user u {\n\trecord-sessions YES\n}\n", "t.conf:4:18: "
	    "'record-sessions' expects no, yes or with-input, got 'YES'");
	EXPECT_ERROR(BASE "user u {\n\trecord-sessions input\n}\n", "t.conf:4:18: "
	    "'record-sessions' expects no, yes or with-input, got 'input'");
	EXPECT_ERROR(BASE "group g {\n\trecord-sessions \"yes\"\n}\n", "t.conf:4:18: "
	    "'record-sessions' expects no, yes or with-input, got 'yes'");
	EXPECT_ERROR(BASE "user u {\n\trecord-sessions\n}\n", "t.conf:4:2: 'record-sessions' "
	    "takes 1 argument, got 0; expected record-sessions no|yes|with-input");
	EXPECT_ERROR(BASE "user u {\n\trecord-sessions yes with-input\n}\n", "t.conf:4:22: "
	    "'record-sessions' takes 1 argument, got 2; expected record-sessions "
	    "no|yes|with-input");
	EXPECT_ERROR(BASE "user u {\n\trecord-sessions yes\n\trecord-sessions no\n}\n",
	    "t.conf:5:2: 'record-sessions' is already set at t.conf:4:2; expected it at most once");
	EXPECT_ERROR(BASE "group g {\n\trecord-sessions yes\n\trecord-sessions yes\n}\n",
	    "t.conf:5:2: 'record-sessions' is already set at t.conf:4:2; expected it at most once");
	/* Once per block: a user and a group may each set it. */
	rp_policy_free(LOAD_OK(BASE "group g {\n\tmembers u\n\trecord-sessions yes\n}\n"
	    "user u {\n\trecord-sessions no\n}\n"));
	EXPECT_PREFIX(BASE "record-sessions yes\n", "t.conf:3:1: 'record-sessions' belongs inside "
	    "a 'user NAME { ... }' block or inside a 'group NAME { ... }' block, not at top "
	    "level; expected one of: include,");
	EXPECT_PREFIX(BASE "penalties {\n\trecord-sessions yes\n}\n", "t.conf:4:2: "
	    "'record-sessions' belongs inside a 'user NAME { ... }' block or inside a 'group "
	    "NAME { ... }' block, not inside a 'penalties { ... }' block");
}
END_TEST

/* --- advice ----------------------------------------------------------------------- */

/* The warnings of rp_policy_advise about recordings. */
static size_t
recording_advice(const char *text, struct warnings *out)
{
	struct rp_policy *policy = LOAD_OK(text);
	struct rp_policy_diag diag;
	struct warnings all;
	size_t n = 0;

	memset(&diag, 0, sizeof(diag));
	memset(&all, 0, sizeof(all));
	memset(out, 0, sizeof(*out));
	diag.warn = collect;
	diag.warn_ctx = &all;
	rp_policy_advise(policy, &diag);
	for (size_t i = 0; i < all.n; i++)
		if (strstr(all.msg[i], "record-sessions") != NULL)
			snprintf(out->msg[n++], sizeof(out->msg[0]), "%s", all.msg[i]);
	out->n = n;
	rp_policy_free(policy);
	return n;
}

START_TEST(test_advice_recording_without_recording_dir)
{
	struct warnings w;

	ck_assert_uint_eq(recording_advice(BASE
	    "group ops {\n\tmembers a\n\trecord-sessions with-input\n}\n"  /* 5 */
	    "user a {\n\tauthorized-key \"" KEY "\"\n\tallow login\n\trecord-sessions no\n}\n"
	    "user b {\n\tauthorized-key \"" KEY "\"\n\tallow login\n"
	    "\trecord-sessions yes\n}\n", &w), 2);                         /* 15 */
	ck_assert_str_eq(w.msg[0], "t.conf:5:2: record-sessions with-input of group ops: "
	    "sessions cannot be recorded without recording-dir, and rampartd refuses the sessions "
	    "it must record but cannot; add recording-dir ABSOLUTE-PATH");
	ck_assert_str_eq(w.msg[1], "t.conf:15:2: record-sessions yes of user b: sessions cannot "
	    "be recorded without recording-dir, and rampartd refuses the sessions it must record "
	    "but cannot; add recording-dir ABSOLUTE-PATH");

	/* With a recording-dir, or with nothing to record: no advice. */
	ck_assert_uint_eq(recording_advice(BASE "recording-dir /var/lib/rampart/rec\n"
	    "user b {\n\tauthorized-key \"" KEY "\"\n\tallow login\n"
	    "\trecord-sessions with-input\n}\n", &w), 0);
	ck_assert_uint_eq(recording_advice(BASE
	    "user b {\n\tauthorized-key \"" KEY "\"\n\tallow login\n"
	    "\trecord-sessions no\n}\n", &w), 0);
	ck_assert_uint_eq(recording_advice(BASE
	    "user b {\n\tauthorized-key \"" KEY "\"\n\tallow login\n}\n", &w), 0);
}
END_TEST

/* --- all together ------------------------------------------------------------------- */

START_TEST(test_every_session_directive_in_one_policy)
{
	struct rp_policy *policy = LOAD_OK(BASE
	    "connect-timeout 20s\n"                        /* 3 */
	    "max-channels 32\n"
	    "session-umask 0077\n"                         /* 5 */
	    "subsystem sftp /usr/lib/openssh/sftp-server -l INFO\n"
	    "recording-dir /var/lib/rampart/recordings\n"
	    "user u {\n\tallow login\n\trecord-sessions yes\n}\n");
	const struct rp_srcpos *pos;

	ck_assert_uint_eq(policy->connect_timeout_s, 20);
	ck_assert_uint_eq(policy->max_channels, 32);
	ck_assert_uint_eq(policy->session_umask, 0077);
	ck_assert_str_eq(rp_policy_subsystem_command(policy, "sftp"),
	    "/usr/lib/openssh/sftp-server -l INFO");
	ck_assert_int_eq(record_mode_of(policy, "u"), RP_RECORD_OUTPUT);
	ck_assert_ptr_nonnull(pos = rp_policy_setting_pos(policy, "session-umask"));
	ck_assert_uint_eq(pos->line, 5);
	ck_assert_uint_eq(pos->col, 1);
	/* subsystem may be given many times: it is no "once" setting. */
	ck_assert_ptr_null(rp_policy_setting_pos(policy, "subsystem"));
	rp_policy_free(policy);
}
END_TEST

RP_TEST_SUITE(policy_sessions)
{
	Suite *s = suite_create("policy_sessions");
	TCase *tc = tcase_create("sessions");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_connect_timeout);
	tcase_add_test(tc, test_max_channels);
	tcase_add_test(tc, test_session_umask);
	tcase_add_test(tc, test_subsystems);
	tcase_add_test(tc, test_subsystem_printed_form_reads_back);
	tcase_add_test(tc, test_subsystem_sftp_replaces_the_default);
	tcase_add_test(tc, test_subsystem_errors);
	tcase_add_test(tc, test_record_sessions_forms);
	tcase_add_test(tc, test_record_sessions_user_over_groups);
	tcase_add_test(tc, test_record_sessions_errors);
	tcase_add_test(tc, test_advice_recording_without_recording_dir);
	tcase_add_test(tc, test_every_session_directive_in_one_policy);
	suite_add_tcase(s, tc);
	return s;
}

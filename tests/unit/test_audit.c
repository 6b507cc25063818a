/*
 * tests/unit/test_audit.c: the audit log (monitor/audit.c).
 *
 * Records: time, event, conn in that order, then the fields, exact bytes
 * (the timestamp checked by pattern); every line valid JSON, also when a
 * record is oversize. The file: created 0640, appended to, never through a
 * symbolic link or into anything but a regular file, reopened after
 * logrotate moved it. Failures: /dev/full, a closed pipe and a file size
 * limit make writes fail or fall short; the log turns unhealthy with one
 * error per streak and heals on the next good write.
 */
#include "tests/unit/unit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "monitor/audit.h"

#define PYTHON "/usr/bin/python3"
#define TS_LEN 27 /* 2026-11-23T18:01:02.123456Z */
#define TIME_PREFIX "{\"time\":\""

/* ------------------------------------------------------------------------
 * Helpers: a scratch directory, reading files back, capturing the log
 */

static char dir[64];
static char logpath[128];

static void
scratch_setup(void)
{
	strcpy(dir, "/tmp/rampart-audit-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(logpath, sizeof(logpath), "%s/audit.log", dir);
}

static int
remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void
scratch_teardown(void)
{
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* The whole file, NUL-terminated; free() it. */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	ck_assert(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert(buf != NULL);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (lenp != NULL)
		*lenp = (size_t)n;
	return buf;
}

/* The last line of path (without its newline); free() it. */
static char *
last_line(const char *path)
{
	size_t len;
	char *all = slurp(path, &len), *start, *line;

	ck_assert_msg(len > 0 && all[len - 1] == '\n', "%s does not end with a newline", path);
	all[len - 1] = '\0';
	start = strrchr(all, '\n');
	line = strdup(start != NULL ? start + 1 : all);
	free(all);
	return line;
}

static int
ts_ok(const char *ts)
{
	regex_t re;
	char copy[TS_LEN + 1];
	int ok;

	memcpy(copy, ts, TS_LEN);
	copy[TS_LEN] = '\0';
	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
	    "\\.[0-9]{6}Z$", REG_EXTENDED | REG_NOSUB), 0);
	ok = regexec(&re, copy, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* line is {"time":"<timestamp>" followed by exactly rest. */
static void
expect_record(const char *line, const char *rest)
{
	size_t n = strlen(TIME_PREFIX);

	ck_assert_msg(strncmp(line, TIME_PREFIX, n) == 0, "record does not start with time: %s",
	    line);
	ck_assert_msg(strlen(line) >= n + TS_LEN && ts_ok(line + n), "bad timestamp in %s", line);
	ck_assert_msg(strcmp(line + n + TS_LEN, rest) == 0, "expected ...%s\n     got %s", rest,
	    line);
}

/* 1 when every line of the file is a JSON value (strict UTF-8, as Python
 * reads it) and the file ends with a newline; -1 without Python. */
static int
python_accepts_lines(const char *path)
{
	char cmd[512];
	int status;

	if (access(PYTHON, X_OK) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), PYTHON " -c 'import json,sys\n"
	    "data = open(sys.argv[1], \"rb\").read()\n"
	    "assert data.endswith(b\"\\n\")\n"
	    "for line in data.split(b\"\\n\")[:-1]:\n"
	    "    assert isinstance(json.loads(line.decode(\"utf-8\")), dict)\n"
	    "' %s 2>/dev/null", path);
	status = system(cmd);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int nerrors, nwarnings;
static char last_message[512];

static void
capture(enum rp_log_level level, const char *message)
{
	if (level == RP_LOG_ERROR)
		nerrors++;
	else if (level == RP_LOG_WARN)
		nwarnings++;
	snprintf(last_message, sizeof(last_message), "%s", message);
}

static void
capture_log(void)
{
	nerrors = nwarnings = 0;
	last_message[0] = '\0';
	rp_log_set_sink(capture);
}

static void
open_ok(struct audit *a, const char *path)
{
	char err[256] = "";

	ck_assert_msg(audit_open(a, path, 0, err, sizeof(err)), "audit_open: %s", err);
}

/* A small record with one field. */
static int
write_one(struct audit *a, const char *event, uint64_t conn, const char *value)
{
	struct audit_record r;

	audit_begin(&r, a, event, conn);
	audit_str(&r, "v", value);
	return audit_end(&r);
}

/* ------------------------------------------------------------------------
 * Records
 */

START_TEST(test_record_has_time_event_conn_then_fields)
{
	struct audit a;
	struct audit_record r;
	char *line;

	open_ok(&a, logpath);
	audit_begin(&r, &a, "auth", 7);
	audit_str(&r, "user", "alice");
	audit_str(&r, "method", "publickey");
	audit_bytes(&r, "client_version", "SSH-2.0-x\r\n\"\\\xff", 14);
	audit_int(&r, "delta", -12);
	audit_uint(&r, "bytes", UINT64_MAX);
	audit_bool(&r, "success", 1);
	audit_bool(&r, "partial", 0);
	ck_assert(audit_end(&r));
	ck_assert(audit_healthy(&a));
	ck_assert_uint_eq(a.records, 1);
	ck_assert_uint_eq(a.failures, 0);
	audit_close(&a);

	line = last_line(logpath);
	expect_record(line, "\",\"event\":\"auth\",\"conn\":7,\"user\":\"alice\","
	    "\"method\":\"publickey\",\"client_version\":\"SSH-2.0-x\\u000d\\u000a\\\"\\\\"
	    "\xef\xbf\xbd\",\"delta\":-12,\"bytes\":18446744073709551615,\"success\":true,"
	    "\"partial\":false}");
	free(line);
}
END_TEST

START_TEST(test_daemon_event_has_no_conn)
{
	struct audit a;
	struct audit_record r;
	char *line;

	open_ok(&a, logpath);
	audit_begin(&r, &a, "start", 0);
	audit_str(&r, "version", "0.1.0");
	ck_assert(audit_end(&r));
	audit_close(&a);
	line = last_line(logpath);
	expect_record(line, "\",\"event\":\"start\",\"version\":\"0.1.0\"}");
	free(line);
}
END_TEST

START_TEST(test_every_line_is_valid_json)
{
	static const char hostile[] = "\x00\x01\x1b[31m\x7f\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80"
	    "\xe2\x82\n{\"time\":\"forged\"}\n";
	struct audit a;
	struct audit_record r;
	char *big = malloc(AUDIT_MAX_RECORD * 2);
	size_t len, lines = 0;
	char *all;
	int verdict;

	ck_assert(big != NULL);
	memset(big, '\x01', AUDIT_MAX_RECORD * 2 - 1);
	big[AUDIT_MAX_RECORD * 2 - 1] = '\0';
	open_ok(&a, logpath);
	audit_begin(&r, &a, "version", 1);
	audit_bytes(&r, "client", hostile, sizeof(hostile) - 1);
	ck_assert(audit_end(&r));
	audit_begin(&r, &a, "exec", 2);
	audit_str(&r, "command", "echo ok");
	audit_str(&r, "huge", big);
	ck_assert(audit_end(&r));
	ck_assert(write_one(&a, "disconnect", 3, "by peer"));
	audit_close(&a);
	free(big);

	/* Three lines, whatever the peer sent. */
	all = slurp(logpath, &len);
	ck_assert(len > 0 && all[len - 1] == '\n');
	for (size_t i = 0; i < len; i++)
		lines += all[i] == '\n';
	ck_assert_uint_eq(lines, 3);
	free(all);
	verdict = python_accepts_lines(logpath);
	ck_assert_msg(verdict != 0, "python3 refused a line of %s", logpath);
}
END_TEST

START_TEST(test_no_destination_is_fine)
{
	struct audit a;

	open_ok(&a, NULL);
	ck_assert_int_eq(a.fd, -1);
	ck_assert(write_one(&a, "start", 0, "x"));
	ck_assert(audit_reopen(&a, NULL, 0));
	ck_assert_uint_eq(a.records, 1);
	audit_close(&a);
}
END_TEST

/* ------------------------------------------------------------------------
 * Oversize records
 */

START_TEST(test_oversize_field_dropped_with_all_after_it)
{
	struct audit a;
	struct audit_record r;
	char *big = malloc(AUDIT_MAX_RECORD + 1), *line;

	ck_assert(big != NULL);
	memset(big, 'x', AUDIT_MAX_RECORD);
	big[AUDIT_MAX_RECORD] = '\0';
	open_ok(&a, logpath);
	audit_begin(&r, &a, "exec", 9);
	audit_str(&r, "user", "alice");
	audit_str(&r, "command", big);
	audit_uint(&r, "after", 1);
	ck_assert(audit_end(&r));
	audit_close(&a);
	free(big);

	line = last_line(logpath);
	expect_record(line, "\",\"event\":\"exec\",\"conn\":9,\"user\":\"alice\","
	    "\"truncated\":true}");
	free(line);
}
END_TEST

START_TEST(test_many_fields_cut_cleanly)
{
	struct audit a;
	struct audit_record r;
	char key[16], value[301], *line;
	size_t len;
	const char *tail;

	memset(value, 'v', 300);
	value[300] = '\0';
	open_ok(&a, logpath);
	audit_begin(&r, &a, "many", 1);
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		audit_str(&r, key, value);
	}
	ck_assert(audit_end(&r));
	audit_close(&a);

	line = last_line(logpath);
	len = strlen(line);
	ck_assert_uint_le(len + 1, AUDIT_MAX_RECORD);
	ck_assert_uint_ge(len + 1, AUDIT_MAX_RECORD - 400); /* nothing much wasted */
	tail = ",\"truncated\":true}";
	ck_assert_msg(len > strlen(tail) && strcmp(line + len - strlen(tail), tail) == 0,
	    "a cut record ends with \"truncated\":true");
	/* The kept fields are whole and in order: the last one ends with "v". */
	ck_assert(line[len - strlen(tail) - 1] == '"');
	ck_assert(python_accepts_lines(logpath) != 0);
	free(line);
}
END_TEST

/* Length of the line a record with one value of n bytes makes, and whether
 * it was truncated. */
static size_t
line_for_value(struct audit *a, size_t n, int *truncated)
{
	struct audit_record r;
	char *value = malloc(n + 1), *line;
	size_t len;

	ck_assert(value != NULL);
	memset(value, 'y', n);
	value[n] = '\0';
	audit_begin(&r, a, "x", 0);
	audit_str(&r, "v", value);
	ck_assert(audit_end(&r));
	free(value);
	line = last_line(logpath);
	len = strlen(line) + 1;
	*truncated = strstr(line, "\"truncated\":true}") != NULL;
	free(line);
	return len;
}

START_TEST(test_largest_record_kept_whole_and_one_more_byte_cut)
{
	struct audit a;
	size_t lo = 0, hi = AUDIT_MAX_RECORD, len;
	int truncated;

	open_ok(&a, logpath);
	/* lo: kept whole; hi: truncated. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		line_for_value(&a, mid, &truncated);
		if (truncated)
			hi = mid;
		else
			lo = mid;
	}
	len = line_for_value(&a, lo, &truncated);
	ck_assert(!truncated);
	ck_assert_uint_le(len, AUDIT_MAX_RECORD);
	ck_assert_uint_ge(len, AUDIT_MAX_RECORD - 32);
	len = line_for_value(&a, hi, &truncated);
	ck_assert(truncated);
	ck_assert_uint_le(len, AUDIT_MAX_RECORD);
	audit_close(&a);
	ck_assert(python_accepts_lines(logpath) != 0);
}
END_TEST

/* ------------------------------------------------------------------------
 * The file
 */

START_TEST(test_created_0640)
{
	struct audit a;
	struct stat st;

	umask(022);
	open_ok(&a, logpath);
	ck_assert(stat(logpath, &st) == 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert(fcntl(a.fd, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(a.fd, F_GETFL) & O_APPEND);
	ck_assert(!(fcntl(a.fd, F_GETFL) & O_NONBLOCK));
	audit_close(&a);
}
END_TEST

START_TEST(test_existing_content_kept_and_appended)
{
	static const char old[] = "{\"old\":1}\n";
	struct audit a;
	char *all, *p;
	int fd;

	fd = open(logpath, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert(fd >= 0);
	ck_assert(write(fd, old, sizeof(old) - 1) == (ssize_t)(sizeof(old) - 1));
	close(fd);

	open_ok(&a, logpath);
	ck_assert(write_one(&a, "one", 1, "a"));
	/* Appended even when the file grew behind our back. */
	fd = open(logpath, O_WRONLY | O_APPEND);
	ck_assert(write(fd, old, sizeof(old) - 1) == (ssize_t)(sizeof(old) - 1));
	close(fd);
	ck_assert(write_one(&a, "two", 2, "b"));
	audit_close(&a);

	all = slurp(logpath, NULL);
	/* old, one, old, two: in the order written. */
	ck_assert_msg(strncmp(all, old, sizeof(old) - 1) == 0, "old content lost: %s", all);
	p = strstr(all, "\"event\":\"one\"");
	ck_assert(p != NULL);
	p = strstr(p, "\n{\"old\":1}\n{\"time\"");
	ck_assert(p != NULL);
	ck_assert(strstr(p, "\"event\":\"two\"") != NULL);
	free(all);
	/* An existing file's mode is the administrator's. */
	{
		struct stat st;
		ck_assert(stat(logpath, &st) == 0);
		ck_assert_uint_eq(st.st_mode & 07777, 0600);
	}
}
END_TEST

START_TEST(test_symlink_refused)
{
	char target[192], err[256] = "";
	struct audit a;
	struct stat st;

	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	ck_assert(symlink(target, logpath) == 0);
	/* A previous state is left alone on failure. */
	memset(&a, 0x5a, sizeof(a));
	ck_assert(!audit_open(&a, logpath, 0, err, sizeof(err)));
	ck_assert_msg(strstr(err, "symbolic link") != NULL && strstr(err, logpath) != NULL,
	    "message: %s", err);
	ck_assert_int_eq(a.fd, 0x5a5a5a5a);
	ck_assert_msg(stat(target, &st) == -1 && errno == ENOENT, "the link was followed");

	/* Also when the target exists. */
	close(open(target, O_WRONLY | O_CREAT, 0600));
	ck_assert(!audit_open(&a, logpath, 0, err, sizeof(err)));
	ck_assert(stat(target, &st) == 0 && st.st_size == 0);
}
END_TEST

START_TEST(test_not_a_regular_file_refused)
{
	char err[256] = "", missing[192];
	struct audit a;

	/* A FIFO: refused at once, not waited on. */
	ck_assert(mkfifo(logpath, 0600) == 0);
	ck_assert(!audit_open(&a, logpath, 0, err, sizeof(err)));
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "message: %s", err);
	unlink(logpath);

	ck_assert(mkdir(logpath, 0700) == 0);
	ck_assert(!audit_open(&a, logpath, 0, err, sizeof(err)));
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "message: %s", err);
	rmdir(logpath);

	ck_assert(!audit_open(&a, "/dev/null", 0, err, sizeof(err)));
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "message: %s", err);

	snprintf(missing, sizeof(missing), "%s/missing/audit.log", dir);
	ck_assert(!audit_open(&a, missing, 0, err, sizeof(err)));
	ck_assert_msg(strstr(err, "No such file or directory") != NULL, "message: %s", err);
}
END_TEST

START_TEST(test_reopen_after_rename_writes_to_the_new_file)
{
	char rotated[192], *old_all, *new_all, err[256] = "";
	struct audit a;

	snprintf(rotated, sizeof(rotated), "%s/audit.log.1", dir);
	open_ok(&a, logpath);
	ck_assert(write_one(&a, "before", 1, "a"));
	ck_assert(rename(logpath, rotated) == 0);
	ck_assert(write_one(&a, "between", 2, "b")); /* still the old file */
	ck_assert_msg(audit_reopen(&a, err, sizeof(err)), "reopen: %s", err);
	ck_assert(write_one(&a, "after", 3, "c"));
	audit_close(&a);

	old_all = slurp(rotated, NULL);
	new_all = slurp(logpath, NULL);
	ck_assert(strstr(old_all, "\"before\"") && strstr(old_all, "\"between\""));
	ck_assert(!strstr(old_all, "\"after\""));
	ck_assert(strstr(new_all, "\"after\"") && !strstr(new_all, "\"before\""));
	free(old_all);
	free(new_all);
}
END_TEST

START_TEST(test_failed_reopen_keeps_the_old_descriptor)
{
	char rotated[192], err[256] = "", *all;
	struct audit a;
	int fd;

	snprintf(rotated, sizeof(rotated), "%s/audit.log.1", dir);
	open_ok(&a, logpath);
	fd = a.fd;
	ck_assert(rename(logpath, rotated) == 0);
	ck_assert(symlink("/etc/passwd", logpath) == 0);
	ck_assert(!audit_reopen(&a, err, sizeof(err)));
	ck_assert_msg(strstr(err, "symbolic link") != NULL, "message: %s", err);
	ck_assert_int_eq(a.fd, fd);
	ck_assert(write_one(&a, "still", 1, "here"));
	audit_close(&a);
	all = slurp(rotated, NULL);
	ck_assert(strstr(all, "\"still\"") != NULL);
	free(all);
}
END_TEST

/* ------------------------------------------------------------------------
 * Failures and healing
 */

START_TEST(test_write_failure_marks_unhealthy_and_success_heals)
{
	struct audit a;
	int good, full;

	capture_log();
	open_ok(&a, logpath);
	good = a.fd;
	full = open("/dev/full", O_WRONLY | O_CLOEXEC);
	ck_assert(full >= 0);
	a.fd = full;

	ck_assert(!write_one(&a, "lost", 1, "a"));
	ck_assert(!audit_healthy(&a));
	ck_assert_int_eq(nerrors, 1);
	ck_assert_msg(strstr(last_message, "No space left on device") != NULL &&
	    strstr(last_message, logpath) != NULL, "logged: %s", last_message);
	ck_assert(!write_one(&a, "lost", 2, "b"));
	ck_assert(!write_one(&a, "lost", 3, "c"));
	ck_assert_int_eq(nerrors, 1); /* once per streak */
	ck_assert_uint_eq(a.failures, 3);

	a.fd = good;
	close(full);
	ck_assert(write_one(&a, "kept", 4, "d"));
	ck_assert(audit_healthy(&a));
	ck_assert_int_eq(nwarnings, 1);
	ck_assert_msg(strstr(last_message, "works again") != NULL, "logged: %s", last_message);

	/* A new streak is reported again. */
	full = open("/dev/full", O_WRONLY | O_CLOEXEC);
	a.fd = full;
	ck_assert(!write_one(&a, "lost", 5, "e"));
	ck_assert_int_eq(nerrors, 2);
	a.fd = good;
	close(full);
	audit_close(&a);
	rp_log_set_sink(NULL);
}
END_TEST

START_TEST(test_closed_pipe_is_a_failure_too)
{
	struct audit a;
	int good, p[2];

	signal(SIGPIPE, SIG_IGN); /* as rampartd does */
	capture_log();
	open_ok(&a, logpath);
	good = a.fd;
	ck_assert(pipe(p) == 0);
	close(p[0]);
	a.fd = p[1];
	ck_assert(!write_one(&a, "lost", 1, "a"));
	ck_assert(!audit_healthy(&a));
	ck_assert_msg(strstr(last_message, "Broken pipe") != NULL, "logged: %s", last_message);
	a.fd = good;
	close(p[1]);
	ck_assert(write_one(&a, "kept", 2, "b"));
	ck_assert(audit_healthy(&a));
	audit_close(&a);
	rp_log_set_sink(NULL);
}
END_TEST

START_TEST(test_short_write_leaves_one_cut_line_only)
{
	static const char old[] = "{\"old\":1}\n";
	struct audit a;
	struct rlimit saved, small;
	int first, second, healthy_after_cut, torn_after_cut, third, healthy_at_end, fd;
	char *all, *line2, *line3, *end;

	fd = open(logpath, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert(write(fd, old, sizeof(old) - 1) == (ssize_t)(sizeof(old) - 1));
	close(fd);
	capture_log();
	open_ok(&a, logpath);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert(getrlimit(RLIMIT_FSIZE, &saved) == 0);
	small = saved;
	small.rlim_cur = sizeof(old) - 1 + 20;

	/* No ck_assert while the limit is on: Check writes files too. */
	setrlimit(RLIMIT_FSIZE, &small);
	first = write_one(&a, "cut", 1, "this record is cut after twenty bytes");
	healthy_after_cut = audit_healthy(&a);
	torn_after_cut = a.torn;
	second = write_one(&a, "lost", 2, "no room at all");
	setrlimit(RLIMIT_FSIZE, &saved);

	ck_assert(!first && !second);
	ck_assert(!healthy_after_cut && torn_after_cut);
	ck_assert_int_eq(nerrors, 1);
	ck_assert_msg(strstr(last_message, "short write") != NULL, "logged: %s", last_message);
	third = write_one(&a, "whole", 3, "again");
	healthy_at_end = audit_healthy(&a);
	ck_assert(third && healthy_at_end && !a.torn);
	audit_close(&a);
	rp_log_set_sink(NULL);

	/* old line, 20 bytes of the cut record, then a whole record. */
	all = slurp(logpath, NULL);
	ck_assert(strncmp(all, old, sizeof(old) - 1) == 0);
	line2 = all + sizeof(old) - 1;
	end = strchr(line2, '\n');
	ck_assert(end != NULL);
	ck_assert_uint_eq((size_t)(end - line2), 20);
	ck_assert(strncmp(line2, TIME_PREFIX, strlen(TIME_PREFIX)) == 0);
	line3 = end + 1;
	end = strchr(line3, '\n');
	ck_assert(end != NULL && end[1] == '\0');
	*end = '\0';
	expect_record(line3, "\",\"event\":\"whole\",\"conn\":3,\"v\":\"again\"}");
	free(all);
}
END_TEST

RP_TEST_SUITE(audit)
{
	Suite *s = suite_create("audit");
	TCase *tc;

	tc = tcase_create("records");
	tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_record_has_time_event_conn_then_fields);
	tcase_add_test(tc, test_daemon_event_has_no_conn);
	tcase_add_test(tc, test_every_line_is_valid_json);
	tcase_add_test(tc, test_no_destination_is_fine);
	tcase_add_test(tc, test_oversize_field_dropped_with_all_after_it);
	tcase_add_test(tc, test_many_fields_cut_cleanly);
	tcase_add_test(tc, test_largest_record_kept_whole_and_one_more_byte_cut);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_add_test(tc, test_created_0640);
	tcase_add_test(tc, test_existing_content_kept_and_appended);
	tcase_add_test(tc, test_symlink_refused);
	tcase_add_test(tc, test_not_a_regular_file_refused);
	tcase_add_test(tc, test_reopen_after_rename_writes_to_the_new_file);
	tcase_add_test(tc, test_failed_reopen_keeps_the_old_descriptor);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_add_test(tc, test_write_failure_marks_unhealthy_and_success_heals);
	tcase_add_test(tc, test_closed_pipe_is_a_failure_too);
	tcase_add_test(tc, test_short_write_leaves_one_cut_line_only);
	suite_add_tcase(s, tc);
	return s;
}

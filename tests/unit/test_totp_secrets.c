/*
 * tests/unit/test_totp_secrets.c: the TOTP secrets file
 * (common/totp_secrets.h): lookups, every refusal of a file others could
 * read or change, malformed lines named by FILE:LINE, and stores that keep
 * every other byte; then `rampartctl totp-enroll` end to end, with the
 * rampartctl next to this test binary (../rampartctl).
 */
#include "tests/unit/unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <qrencode.h>

#include "common/totp_secrets.h"
#include "crypto/totp.h"

#define ERRSZ 512
/* base32 of "12345678901234567890" and of "abcdefghijklmnopqrst" */
#define SECRET_A "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define PLAIN_A "12345678901234567890"
#define SECRET_B "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"
#define PLAIN_B "abcdefghijklmnopqrst"

/* --- a scratch directory -------------------------------------------------------- */

static char dir[64];

static void
scratch_setup(void)
{
	strcpy(dir, "/tmp/rampart-totp-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
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

/* dir/name, in one of four rotating buffers. */
static const char *
in_dir(const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, PATH_MAX, "%s/%s", dir, name);
	return buf;
}

static const char *
write_file(const char *name, const char *text, size_t len, mode_t mode)
{
	const char *path = in_dir(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_msg(fd >= 0, "cannot create %s", path);
	ck_assert(write(fd, text, len) == (ssize_t)len);
	ck_assert(fchmod(fd, mode) == 0);
	ck_assert(close(fd) == 0);
	return path;
}

static const char *
write_text(const char *name, const char *text)
{
	return write_file(name, text, strlen(text), 0600);
}

/* The whole file, NUL-terminated, malloc'd. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 65536);
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert(buf != NULL);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* How many entries the scratch directory has (temporary files left?). */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert(d != NULL);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int
lookup(const char *path, const char *user, uint8_t secret[RP_TOTP_SECRET_MAX], size_t *len,
    char err[ERRSZ])
{
	return rp_totp_secret_lookup(path, geteuid(), user, secret, len, err, ERRSZ);
}

static void
assert_secret(const char *path, const char *user, const char *plain)
{
	uint8_t secret[RP_TOTP_SECRET_MAX];
	size_t len = 0;
	char err[ERRSZ];

	ck_assert_msg(lookup(path, user, secret, &len, err) == 1, "%s not found: %s", user, err);
	ck_assert_msg(len == strlen(plain) && memcmp(secret, plain, len) == 0,
	    "%s: wrong secret (%zu bytes)", user, len);
}

/* A refusal whose message starts with prefix and contains fragment. */
static void
assert_refused(const char *path, const char *user, const char *prefix, const char *fragment)
{
	uint8_t secret[RP_TOTP_SECRET_MAX];
	size_t len = 99;
	char err[ERRSZ];

	ck_assert_int_eq(lookup(path, user, secret, &len, err), -1);
	ck_assert_uint_eq(len, 0);
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0,
	    "expected the error to start with \"%s\", got \"%s\"", prefix, err);
	ck_assert_msg(strstr(err, fragment) != NULL,
	    "expected \"%s\" in the error, got \"%s\"", fragment, err);
}

/* --- lookup ------------------------------------------------------------------------ */

START_TEST(test_lookup_finds_users_among_comments)
{
	const char *path = write_text("secrets",
	    "# TOTP secrets\n"
	    "\n"
	    "   # an indented comment\n"
	    "alice " SECRET_A "\n"
	    "\t\n"
	    "  bob\t\tmfrg gzdf mztw q2lk nnwg 23tp obyx e43u  \r\n"
	    "carol " SECRET_B);

	assert_secret(path, "alice", PLAIN_A);
	assert_secret(path, "bob", PLAIN_B);   /* blanks, lower case, groups, CRLF */
	assert_secret(path, "carol", PLAIN_B); /* no newline at the end */
}
END_TEST

START_TEST(test_lookup_of_absent_user_is_zero)
{
	const char *path = write_text("secrets", "# alice SECRET\nalice " SECRET_A "\n");
	uint8_t secret[RP_TOTP_SECRET_MAX];
	size_t len = 99;
	char err[ERRSZ] = "junk";

	ck_assert_int_eq(lookup(path, "bob", secret, &len, err), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(err, "");
	/* Not a prefix, not a comment, not a name with blanks. */
	ck_assert_int_eq(lookup(path, "alic", secret, &len, err), 0);
	ck_assert_int_eq(lookup(path, "alicea", secret, &len, err), 0);
	ck_assert_int_eq(lookup(path, "#", secret, &len, err), 0);
	ck_assert_int_eq(lookup(path, "alice " SECRET_A, secret, &len, err), 0);
	ck_assert_int_eq(lookup(path, "", secret, &len, err), 0);
	/* An empty file has nobody. */
	path = write_text("empty", "");
	ck_assert_int_eq(lookup(path, "alice", secret, &len, err), 0);
}
END_TEST

static const struct {
	mode_t mode;
	const char *says;
} bad_modes[] = {
	{ 0644, "readable by others (mode 0644)" },
	{ 0640, "readable by others (mode 0640)" },
	{ 0604, "readable by others (mode 0604)" },
	{ 0620, "writable by others (mode 0620)" },
	{ 0602, "writable by others (mode 0602)" },
	{ 0610, "executable by others (mode 0610)" },
	{ 0666, "readable by others (mode 0666)" },
};

#define NBAD_MODES (int)(sizeof(bad_modes) / sizeof(bad_modes[0]))

START_TEST(test_lookup_refuses_group_or_other_access)
{
	const char *text = "alice " SECRET_A "\n";
	const char *path = write_file("secrets", text, strlen(text), bad_modes[_i].mode);
	char prefix[PATH_MAX + 8];

	snprintf(prefix, sizeof(prefix), "%s: ", path);
	assert_refused(path, "alice", prefix, bad_modes[_i].says);
	/* Owner-only modes are fine, whatever the owner's own bits. */
	ck_assert(chmod(path, 0400) == 0);
	assert_secret(path, "alice", PLAIN_A);
	ck_assert(chmod(path, 0700) == 0);
	assert_secret(path, "alice", PLAIN_A);
}
END_TEST

START_TEST(test_lookup_refuses_another_owner)
{
	const char *path = write_text("secrets", "alice " SECRET_A "\n");
	uint8_t secret[RP_TOTP_SECRET_MAX];
	size_t len;
	char err[ERRSZ], want[64];

	ck_assert_int_eq(rp_totp_secret_lookup(path, geteuid() + 1, "alice", secret, &len, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "owned by uid %u, not %u", (unsigned)geteuid(),
	    (unsigned)geteuid() + 1);
	ck_assert_msg(strstr(err, want) != NULL, "got \"%s\"", err);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "got \"%s\"", err);
}
END_TEST

START_TEST(test_lookup_refuses_symlinks_and_non_files)
{
	const char *target = write_text("real", "alice " SECRET_A "\n");
	const char *link = in_dir("link");
	char prefix[PATH_MAX + 8];

	ck_assert(symlink(target, link) == 0);
	snprintf(prefix, sizeof(prefix), "%s: ", link);
	assert_refused(link, "alice", prefix, "symbolic link");
	assert_refused(dir, "alice", dir, "not a regular file");
	assert_refused(in_dir("missing"), "alice", in_dir("missing"), "No such file");
	ck_assert(mkfifo(in_dir("fifo"), 0600) == 0);
	assert_refused(in_dir("fifo"), "alice", in_dir("fifo"), "not a regular file");
}
END_TEST

static const struct {
	const char *text;
	const char *where; /* ":LINE: " */
	const char *says;
} malformed[] = {
	{ "alice\n", ":1: ", "no secret after the user name" },
	{ "# ok\nalice   \n", ":2: ", "no secret after the user name" },
	{ "bob " SECRET_B "\nalice GEZDGNBVGY3TQOJQ1EZDGNBVGY3TQOJQ\n", ":2: ", "invalid base32" },
	{ "\n\n\nalice " SECRET_A "=x\n", ":4: ", "invalid base32" },
	{ "alice GEZDGNBVGY3TQOJQ\tGEZDGNBVGY3TQOJQ\n", ":1: ", "invalid base32" },
	{ "alice GEZDGNBVGY3TQOJQ\n", ":1: ", "the secret is 10 bytes; 16 to 64 are allowed" },
	{ "alice " SECRET_A SECRET_A SECRET_A SECRET_A "\n", ":1: ",
	    "the secret is 80 bytes; 16 to 64 are allowed" },
	{ "alice " SECRET_A "\nbob\x01 " SECRET_B "\n", ":2: ", "control character" },
	{ "alice " SECRET_A "\nalice " SECRET_B "\n", ":2: ",
	    "a second line for alice (the first is line 1)" },
};

#define NMALFORMED (int)(sizeof(malformed) / sizeof(malformed[0]))

/* A malformed line refuses the whole file, for any user, naming FILE:LINE. */
START_TEST(test_lookup_refuses_malformed_lines)
{
	const char *path = write_text("secrets", malformed[_i].text);
	char prefix[PATH_MAX + 16];

	snprintf(prefix, sizeof(prefix), "%s%s", path, malformed[_i].where);
	assert_refused(path, "alice", prefix, malformed[_i].says);
	if (strstr(malformed[_i].says, "second line") == NULL)
		assert_refused(path, "zed", prefix, malformed[_i].says);
}
END_TEST

/* 1 MiB is allowed, one byte more is not. */
START_TEST(test_lookup_refuses_oversize_files)
{
	const size_t limit = 1024 * 1024;
	const char *line = "alice " SECRET_A "\n";
	char *text = malloc(limit + 1);
	const char *path;
	char prefix[PATH_MAX + 8];

	ck_assert(text != NULL);
	memset(text, '#', limit + 1);
	text[0] = '\n';
	memcpy(text + 1, line, strlen(line));
	text[limit - 1] = '\n';
	path = write_file("secrets", text, limit, 0600);
	assert_secret(path, "alice", PLAIN_A);
	path = write_file("secrets", text, limit + 1, 0600);
	snprintf(prefix, sizeof(prefix), "%s: ", path);
	assert_refused(path, "alice", prefix, "larger than 1 MiB");
	free(text);
}
END_TEST

/* --- store ------------------------------------------------------------------------- */

static int
store(const char *path, const char *user, const char *plain, char err[ERRSZ])
{
	return rp_totp_secret_store(path, user, (const uint8_t *)plain, strlen(plain), err,
	    ERRSZ);
}

START_TEST(test_store_replaces_only_the_users_line)
{
	const char *before =
	    "# TOTP secrets\n"
	    "\n"
	    "  bob\t" SECRET_B "  \n"
	    "alice " SECRET_B "\r\n"
	    "   # alice's old phone\n"
	    "carol mfrg gzdf mztw q2lk nnwg 23tp obyx e43u\n"
	    "# no newline at the end";
	const char *after =
	    "# TOTP secrets\n"
	    "\n"
	    "  bob\t" SECRET_B "  \n"
	    "alice " SECRET_A "\n"
	    "   # alice's old phone\n"
	    "carol mfrg gzdf mztw q2lk nnwg 23tp obyx e43u\n"
	    "# no newline at the end";
	const char *path = write_text("secrets", before);
	char err[ERRSZ];
	char *got;

	ck_assert_msg(store(path, "alice", PLAIN_A, err) == 1, "%s", err);
	got = slurp(path);
	ck_assert_str_eq(got, after);
	free(got);
	assert_secret(path, "alice", PLAIN_A);
	assert_secret(path, "bob", PLAIN_B);
	assert_secret(path, "carol", PLAIN_B);
	ck_assert_int_eq(entries(), 1);
}
END_TEST

START_TEST(test_store_appends_a_new_user)
{
	const char *path = write_text("secrets", "# comment\nbob " SECRET_B);
	char err[ERRSZ];
	char *got;

	ck_assert_msg(store(path, "alice", PLAIN_A, err) == 1, "%s", err);
	got = slurp(path);
	ck_assert_str_eq(got, "# comment\nbob " SECRET_B "\nalice " SECRET_A "\n");
	free(got);
	/* The last line, replaced, keeps its place. */
	ck_assert_msg(store(path, "alice", PLAIN_B, err) == 1, "%s", err);
	got = slurp(path);
	ck_assert_str_eq(got, "# comment\nbob " SECRET_B "\nalice " SECRET_B "\n");
	free(got);
	ck_assert_int_eq(entries(), 1);
}
END_TEST

START_TEST(test_store_creates_the_file_0600)
{
	const char *path = in_dir("secrets");
	struct stat st;
	mode_t old = umask(0);
	char err[ERRSZ];
	char *got;

	ck_assert_msg(store(path, "alice", PLAIN_A, err) == 1, "%s", err);
	umask(old);
	ck_assert(lstat(path, &st) == 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	got = slurp(path);
	ck_assert_str_eq(got, "alice " SECRET_A "\n");
	free(got);
	assert_secret(path, "alice", PLAIN_A);
	ck_assert_int_eq(entries(), 1);
}
END_TEST

/* A file others could read is rewritten owner-only. */
START_TEST(test_store_makes_an_open_file_0600)
{
	const char *text = "bob " SECRET_B "\n";
	const char *path = write_file("secrets", text, strlen(text), 0644);
	struct stat st;
	char err[ERRSZ];

	ck_assert_msg(store(path, "alice", PLAIN_A, err) == 1, "%s", err);
	ck_assert(stat(path, &st) == 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	assert_secret(path, "bob", PLAIN_B);
}
END_TEST

START_TEST(test_store_refusals_change_nothing)
{
	const char *bad = "alice " SECRET_A "\nbob GEZDGNBV1\n";
	const char *path = write_text("secrets", bad);
	const char *target = write_text("target", "alice " SECRET_A "\n");
	const char *link = in_dir("link");
	char err[ERRSZ], want[PATH_MAX + 16];
	char *got;

	/* A malformed file is not rewritten: its FILE:LINE is the answer. */
	ck_assert_int_eq(store(path, "carol", PLAIN_A, err), 0);
	snprintf(want, sizeof(want), "%s:2: invalid base32", path);
	ck_assert_str_eq(err, want);
	got = slurp(path);
	ck_assert_str_eq(got, bad);
	free(got);
	/* Nor is a symbolic link followed or replaced. */
	ck_assert(symlink(target, link) == 0);
	ck_assert_int_eq(store(link, "carol", PLAIN_A, err), 0);
	ck_assert_msg(strstr(err, "symbolic link") != NULL, "got \"%s\"", err);
	got = slurp(target);
	ck_assert_str_eq(got, "alice " SECRET_A "\n");
	free(got);
	/* Names the file cannot hold, secrets lookup would refuse. */
	ck_assert_int_eq(store(target, "a b", PLAIN_A, err), 0);
	ck_assert_int_eq(store(target, "#alice", PLAIN_A, err), 0);
	ck_assert_int_eq(store(target, "", PLAIN_A, err), 0);
	ck_assert_int_eq(store(target, "al\tice", PLAIN_A, err), 0);
	ck_assert_int_eq(store(target, "alice", "short", err), 0);
	ck_assert_msg(strstr(err, "the secret is 5 bytes") != NULL, "got \"%s\"", err);
	/* A directory that is not there. */
	ck_assert_int_eq(store(in_dir("none/secrets"), "alice", PLAIN_A, err), 0);
	got = slurp(target);
	ck_assert_str_eq(got, "alice " SECRET_A "\n");
	free(got);
	/* secrets, target, link: no temporary file left behind. */
	ck_assert_int_eq(entries(), 3);
}
END_TEST

/* --- rampartctl totp-enroll ------------------------------------------------------------- */

/* build/tests/unit-tests -> build/rampartctl */
static const char *
rampartctl_path(void)
{
	static char path[PATH_MAX + 32];
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	ck_assert(n > 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	ck_assert(slash != NULL);
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/../rampartctl", self);
	ck_assert_msg(access(path, X_OK) == 0, "%s is missing: build it with the tests", path);
	return path;
}

struct result {
	int status;
	char *out;
	char *err;
};

/* Run rampartctl totp-enroll with args (NULL-terminated). */
static void
enroll(const char *const *args, struct result *res)
{
	const char *path = rampartctl_path();
	char outpath[PATH_MAX], errpath[PATH_MAX], *argv[16];
	size_t n = 0;
	pid_t pid;
	int st;

	snprintf(outpath, sizeof(outpath), "%s/stdout", dir);
	snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
	argv[n++] = (char *)path;
	argv[n++] = (char *)"totp-enroll";
	while (*args != NULL && n < 15)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int out = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(126);
		execv(path, argv);
		_exit(127);
	}
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert_msg(WIFEXITED(st), "rampartctl died with signal %d", WTERMSIG(st));
	res->status = WEXITSTATUS(st);
	res->out = slurp(outpath);
	res->err = slurp(errpath);
	unlink(outpath);
	unlink(errpath);
}

static void
result_free(struct result *res)
{
	free(res->out);
	free(res->err);
}

/* The line of text that starts with prefix, malloc'd without its newline. */
static char *
line_starting(const char *text, const char *prefix)
{
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return strndup(p, len);
		p = nl != NULL ? nl + 1 : NULL;
	}
	ck_abort_msg("no line starting with \"%s\" in:\n%s", prefix, text);
	return NULL;
}

/* The value of the query parameter name in uri, malloc'd. */
static char *
query_value(const char *uri, const char *name)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "%s=", name);
	p = strchr(uri, '?');
	ck_assert(p != NULL);
	for (p++; p != NULL; p = strchr(p, '&') != NULL ? strchr(p, '&') + 1 : NULL)
		if (strncmp(p, key, strlen(key)) == 0) {
			p += strlen(key);
			return strndup(p, strcspn(p, "&"));
		}
	ck_abort_msg("no %s in %s", name, uri);
	return NULL;
}

/*
 * The QR code rampartctl printed, read back into modules (1 dark), must be
 * libqrencode's code for uri with the 2-module light quiet zone around it:
 * two rows per line, light as the block's lit half.
 */
static void
assert_qr_of(const char *out, const char *uri)
{
	QRcode *qr = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	const char *p = strstr(out, "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88");
	int size, lines = 0;

	ck_assert(qr != NULL);
	ck_assert_msg(p != NULL, "no QR code in:\n%s", out);
	size = qr->width + 4;
	while (lines < (size + 1) / 2) {
		for (int x = 0; x < size; x++) {
			int top, bottom, want_top, want_bottom, y = 2 * lines;

			if (strncmp(p, "\xe2\x96\x88", 3) == 0) {
				top = bottom = 1;
				p += 3;
			} else if (strncmp(p, "\xe2\x96\x80", 3) == 0) {
				top = 1, bottom = 0;
				p += 3;
			} else if (strncmp(p, "\xe2\x96\x84", 3) == 0) {
				top = 0, bottom = 1;
				p += 3;
			} else {
				ck_assert_msg(*p == ' ', "line %d, cell %d: not a block", lines, x);
				top = bottom = 0;
				p++;
			}
			/* light: quiet zone or a light module; below the code: unlit */
#define LIGHT(xx, yy) ((xx) < 2 || (yy) < 2 || (xx) >= size - 2 || (yy) >= size - 2 || \
	!(qr->data[((yy) - 2) * qr->width + (xx) - 2] & 1))
			want_top = LIGHT(x, y);
			want_bottom = y + 1 < size && LIGHT(x, y + 1);
#undef LIGHT
			ck_assert_msg(top == want_top && bottom == want_bottom,
			    "QR module (%d, %d) differs", x, y);
		}
		ck_assert_msg(*p == '\n', "QR line %d is longer than %d cells", lines, size);
		p++;
		lines++;
	}
	QRcode_free(qr);
}

/* The whole path: file line, URI, a code from the URI's secret, the QR. */
START_TEST(test_enroll_end_to_end)
{
	const char *path = in_dir("totp-secrets");
	const char *args[] = { "-f", path, "alice", NULL };
	struct result res;
	char *line, *uri, *secret_b32, *file, want_line[256], code[16];
	uint8_t *key = NULL;
	size_t keylen = 0;
	uint64_t now = (uint64_t)time(NULL), step = 0;
	uint8_t stored[RP_TOTP_SECRET_MAX];
	size_t stored_len = 0;
	char err[ERRSZ];

	enroll(args, &res);
	ck_assert_msg(res.status == 0, "exit %d: %s", res.status, res.err);

	/* The URI, with the defaults spelled out. */
	uri = line_starting(res.out, "otpauth://totp/rampart:alice?");
	secret_b32 = query_value(uri, "secret");
	ck_assert_uint_eq(strlen(secret_b32), 32); /* 20 bytes */
	ck_assert_str_eq(strchr(uri, '&'),
	    "&issuer=rampart&algorithm=SHA1&digits=6&period=30");

	/* The file: exactly that secret on alice's line, owner-only. */
	file = slurp(path);
	snprintf(want_line, sizeof(want_line), "alice %s\n", secret_b32);
	ck_assert_str_eq(file, want_line);
	free(file);
	ck_assert(rp_base32_decode(secret_b32, &key, &keylen));
	ck_assert_uint_eq(keylen, 20);
	ck_assert_int_eq(lookup(path, "alice", stored, &stored_len, err), 1);
	ck_assert(stored_len == keylen && memcmp(stored, key, keylen) == 0);

	/* An authenticator app's code from the URI passes the server's check. */
	snprintf(code, sizeof(code), "%06u", (unsigned)rp_hotp(RP_TOTP_SHA1, key, keylen,
	    now / 30, 6));
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA1, key, keylen, now, 30, 6, 1, code, &step),
	    1);
	ck_assert_uint_eq(step, now / 30);

	assert_qr_of(res.out, uri);
	line = line_starting(res.out, "    totp-secrets ");
	ck_assert_str_eq(line + strlen("    totp-secrets "), path);
	free(line);
	ck_assert_ptr_null(strstr(res.out, "totp-digits"));
	free(key);
	free(secret_b32);
	free(uri);
	result_free(&res);
}
END_TEST

/* Other settings: a longer secret, the URI and the policy hint say so, and
 * the first user's line stays. */
START_TEST(test_enroll_other_settings_appends)
{
	const char *path = write_text("totp-secrets", "# ours\nalice " SECRET_A "\n");
	const char *args[] = { "-f", path, "--digits", "8", "--period", "60", "--algorithm",
		"sha256", "--issuer", "ACME bastion/1", "bob", NULL };
	struct result res;
	char *uri, *secret_b32, *file, want[256];
	uint8_t *key = NULL;
	size_t keylen = 0;
	uint64_t now = (uint64_t)time(NULL), step;

	enroll(args, &res);
	ck_assert_msg(res.status == 0, "exit %d: %s", res.status, res.err);
	uri = line_starting(res.out, "otpauth://totp/ACME%20bastion%2F1:bob?secret=");
	ck_assert_str_eq(strchr(uri, '&'),
	    "&issuer=ACME%20bastion%2F1&algorithm=SHA256&digits=8&period=60");
	secret_b32 = query_value(uri, "secret");
	ck_assert(rp_base32_decode(secret_b32, &key, &keylen));
	ck_assert_uint_eq(keylen, 32);
	file = slurp(path);
	snprintf(want, sizeof(want), "# ours\nalice " SECRET_A "\nbob %s\n", secret_b32);
	ck_assert_str_eq(file, want);
	snprintf(want, sizeof(want), "%08u", (unsigned)rp_hotp(RP_TOTP_SHA256, key, keylen,
	    now / 60, 8));
	ck_assert_int_eq(rp_totp_check(RP_TOTP_SHA256, key, keylen, now, 60, 8, 1, want, &step),
	    1);
	assert_qr_of(res.out, uri);
	ck_assert_ptr_nonnull(strstr(res.out, "    totp-digits 8\n"));
	ck_assert_ptr_nonnull(strstr(res.out, "    totp-period 60\n"));
	ck_assert_ptr_nonnull(strstr(res.out, "    totp-algorithm sha256\n"));
	free(file);
	free(key);
	free(secret_b32);
	free(uri);
	result_free(&res);
}
END_TEST

static const struct {
	const char *args[8];
	int status;
	const char *says;
} refusals[] = {
	{ { "-f", NULL }, 2, "option -f needs an argument" },
	{ { "-f", "FILE", NULL }, 2, "USER is required" },
	{ { "-f", "FILE", "alice", "bob", NULL }, 2, "unexpected argument \"bob\"" },
	{ { "-f", "FILE", "--colour", "alice", NULL }, 2, "unknown option --colour" },
	{ { "-f", "FILE", "-x", "alice", NULL }, 2, "unknown option -x" },
	{ { "-f", "FILE", "--digits", NULL }, 2, "option --digits needs an argument" },
	{ { "-f", "FILE", "--digits", "9", "alice", NULL }, 1, "--digits must be 6, 7 or 8" },
	{ { "-f", "FILE", "--digits", "6x", "alice", NULL }, 1, "--digits must be 6, 7 or 8" },
	{ { "-f", "FILE", "--period", "0", "alice", NULL }, 1, "--period must be" },
	{ { "-f", "FILE", "--period", "-30", "alice", NULL }, 1, "--period must be" },
	/* totp-period's bounds: a secret the policy could not use is refused. */
	{ { "-f", "FILE", "--period", "14", "alice", NULL }, 1, "--period must be 15 to 300" },
	{ { "-f", "FILE", "--period", "301", "alice", NULL }, 1, "--period must be 15 to 300" },
	{ { "-f", "FILE", "--algorithm", "md5", "alice", NULL }, 1, "--algorithm must be" },
	{ { "-f", "FILE", "--issuer", "a:b", "alice", NULL }, 1, "--issuer must be" },
	{ { "-f", "FILE", "--issuer", "", "alice", NULL }, 1, "--issuer must be" },
	{ { "-f", "FILE", "ali ce", NULL }, 1, "\"ali ce\" is not a valid login name" },
	{ { "-f", "FILE", "alice:x", NULL }, 1, "is not a valid login name" },
	{ { "-f", "FILE", "-", NULL }, 1, "is not a valid login name" },
	{ { "-f", "FILE", "1alice", NULL }, 1, "is not a valid login name" },
	{ { "-f", "FILE", "#alice", NULL }, 1, "is not a valid login name" },
	{ { "-f", "FILE", "a$b", NULL }, 1, "is not a valid login name" },
	{ { "-f", "FILE", "abcdefghijklmnopqrstuvwxyz0123456", NULL }, 1,
	    "is not a valid login name" },
	{ { "-f", "FILE", "", NULL }, 1, "is not a valid login name" },
	{ { "-f", "DIR/none/secrets", "alice", NULL }, 1, "cannot open its directory" },
};

#define NREFUSALS (int)(sizeof(refusals) / sizeof(refusals[0]))

/* Each refusal: its exit status, its message, and the file untouched. */
START_TEST(test_enroll_refusals)
{
	const char *path = write_text("totp-secrets", "alice " SECRET_A "\n");
	const char *args[8];
	char missing[PATH_MAX], *file;
	struct result res;

	snprintf(missing, sizeof(missing), "%s/none/secrets", dir);
	for (int i = 0; i < 8; i++) {
		args[i] = refusals[_i].args[i];
		if (args[i] != NULL && strcmp(args[i], "FILE") == 0)
			args[i] = path;
		if (args[i] != NULL && strcmp(args[i], "DIR/none/secrets") == 0)
			args[i] = missing;
	}
	enroll(args, &res);
	ck_assert_msg(res.status == refusals[_i].status, "expected exit %d, got %d: %s",
	    refusals[_i].status, res.status, res.err);
	ck_assert_msg(strncmp(res.err, "rampartctl: totp-enroll: ", 25) == 0 &&
	    strstr(res.err, refusals[_i].says) != NULL, "expected \"%s\", got \"%s\"",
	    refusals[_i].says, res.err);
	ck_assert_str_eq(res.out, "");
	file = slurp(path);
	ck_assert_str_eq(file, "alice " SECRET_A "\n");
	free(file);
	ck_assert_int_eq(entries(), 1);
	result_free(&res);
}
END_TEST

/* Names useradd takes are taken. */
START_TEST(test_enroll_accepts_login_names)
{
	static const char *const names[] = { "_svc", "Bob.Smith-2", "host$", "a" };
	const char *path = in_dir("totp-secrets");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *args[] = { "-f", path, names[i], NULL };
		struct result res;
		uint8_t secret[RP_TOTP_SECRET_MAX];
		size_t len;
		char err[ERRSZ];

		enroll(args, &res);
		ck_assert_msg(res.status == 0, "%s: exit %d: %s", names[i], res.status, res.err);
		ck_assert_int_eq(lookup(path, names[i], secret, &len, err), 1);
		ck_assert_uint_eq(len, 20);
		result_free(&res);
	}
}
END_TEST

RP_TEST_SUITE(totp_secrets)
{
	Suite *s = suite_create("totp_secrets");
	TCase *lookups = tcase_create("lookup");
	TCase *stores = tcase_create("store");
	TCase *tool = tcase_create("totp_enroll");

	tcase_add_checked_fixture(lookups, scratch_setup, scratch_teardown);
	tcase_add_test(lookups, test_lookup_finds_users_among_comments);
	tcase_add_test(lookups, test_lookup_of_absent_user_is_zero);
	tcase_add_loop_test(lookups, test_lookup_refuses_group_or_other_access, 0, NBAD_MODES);
	tcase_add_test(lookups, test_lookup_refuses_another_owner);
	tcase_add_test(lookups, test_lookup_refuses_symlinks_and_non_files);
	tcase_add_loop_test(lookups, test_lookup_refuses_malformed_lines, 0, NMALFORMED);
	tcase_add_test(lookups, test_lookup_refuses_oversize_files);
	suite_add_tcase(s, lookups);
	tcase_add_checked_fixture(stores, scratch_setup, scratch_teardown);
	tcase_add_test(stores, test_store_replaces_only_the_users_line);
	tcase_add_test(stores, test_store_appends_a_new_user);
	tcase_add_test(stores, test_store_creates_the_file_0600);
	tcase_add_test(stores, test_store_makes_an_open_file_0600);
	tcase_add_test(stores, test_store_refusals_change_nothing);
	suite_add_tcase(s, stores);
	tcase_add_checked_fixture(tool, scratch_setup, scratch_teardown);
	tcase_set_timeout(tool, 60);
	tcase_add_test(tool, test_enroll_end_to_end);
	tcase_add_test(tool, test_enroll_other_settings_appends);
	tcase_add_loop_test(tool, test_enroll_refusals, 0, NREFUSALS);
	tcase_add_test(tool, test_enroll_accepts_login_names);
	suite_add_tcase(s, tool);
	return s;
}

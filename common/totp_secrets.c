/*
 * common/totp_secrets.c: the TOTP secrets file (common/totp_secrets.h).
 *
 * The file is read whole (at most 1 MiB) and every line is checked, so a
 * mistake anywhere is reported with its FILE:LINE whichever user is looked
 * up, rather than only for users below it. A line is
 *
 *     USER BASE32SECRET
 *
 * with blanks (spaces, tabs) around the two fields, spaces allowed inside
 * the secret (as authenticator apps group it), and a CR before the newline
 * tolerated. Lines whose first non-blank is '#' and blank lines are
 * comments. A secret must decode to 16 bytes (RFC 4226's minimum) up to 64.
 *
 * Every buffer that held the file's text or a secret is wiped before it is
 * freed.
 */
#include "common/totp_secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fdio.h"
#include "crypto/secret.h"
#include "crypto/totp.h"

#define MAX_FILE (1024 * 1024)
/* RFC 4226 section 4, R6: at least 128 bits. */
#define SECRET_MIN 16
/* A user field longer than this is a mistake, not a name. */
#define USER_MAX 256

static int fail(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write the reason into err; returns -1, lookup's answer for a bad file. */
static int
fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
free_text(char *text, size_t len)
{
	if (text != NULL) {
		rp_wipe(text, len);
		free(text);
	}
}

/* --- reading ------------------------------------------------------------------ */

/* How the file must be, for read_file. */
struct file_rules {
	int check_owner; /* owner == uid, nothing for group or others */
	uid_t uid;
	int missing_ok;  /* a missing file reads as empty */
};

/*
 * The whole file at path, never through a symbolic link, as a malloc'd
 * buffer of *len bytes (plus a NUL); *text is NULL for a missing file the
 * rules allow. Returns 1, or -1 with err set.
 */
static int
read_file(const char *path, const struct file_rules *rules, char **text, size_t *len,
    char *err, size_t errsz)
{
	struct stat st;
	size_t cap, got = 0;
	char *buf;
	int fd, saved;

	*text = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO planted at path must not hang the caller. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT && rules->missing_ok)
			return 1;
		if (errno == ELOOP)
			return fail(err, errsz, "%s: is a symbolic link; not following it", path);
		return fail(err, errsz, "%s: cannot open: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		return fail(err, errsz, "%s: cannot stat: %s", path, strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errsz, "%s: not a regular file", path);
	}
	if (rules->check_owner && st.st_uid != rules->uid) {
		close(fd);
		return fail(err, errsz, "%s: owned by uid %u, not %u", path, (unsigned)st.st_uid,
		    (unsigned)rules->uid);
	}
	if (rules->check_owner && (st.st_mode & 077) != 0) {
		close(fd);
		return fail(err, errsz, "%s: %s by others (mode %04o)", path,
		    (st.st_mode & 044) != 0 ? "readable" : (st.st_mode & 022) != 0 ?
		    "writable" : "executable", (unsigned)(st.st_mode & 07777));
	}
	if (st.st_size > MAX_FILE) {
		close(fd);
		return fail(err, errsz, "%s: larger than 1 MiB", path);
	}
	/* One byte more than fstat said, to notice a file that grew. */
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap + 1)) == NULL) {
		close(fd);
		return fail(err, errsz, "%s: out of memory", path);
	}
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			free_text(buf, cap + 1);
			return fail(err, errsz, "%s: cannot read: %s", path, strerror(saved));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got == cap) {
		free_text(buf, cap + 1);
		return fail(err, errsz, "%s: changed while it was read", path);
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	return 1;
}

/* --- parsing ------------------------------------------------------------------ */

/* What a scan of the file found for one user. */
struct found {
	unsigned line;     /* 1-based; 0: the user has no line */
	size_t start, end; /* the line's bytes in the text, without its newline */
	uint8_t secret[RP_TOTP_SECRET_MAX];
	size_t secret_len;
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Check one line (without its newline) and, when it is user's, keep its
 * secret in *f. Returns 1, or -1 with err naming path:lineno.
 */
static int
parse_line(const char *path, unsigned lineno, const char *line, size_t len, const char *user,
    struct found *f, char *err, size_t errsz)
{
	const char *name, *field;
	size_t name_len, field_len, secret_len = 0;
	char *copy;
	uint8_t *secret = NULL;
	int ok;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
			return fail(err, errsz, "%s:%u: control character in the line", path,
			    lineno);
	while (len > 0 && is_blank(line[0])) {
		line++;
		len--;
	}
	while (len > 0 && is_blank(line[len - 1]))
		len--;
	if (len == 0 || line[0] == '#')
		return 1;

	name = line;
	for (name_len = 0; name_len < len && !is_blank(name[name_len]); name_len++)
		;
	field = name + name_len;
	field_len = len - name_len;
	while (field_len > 0 && is_blank(field[0])) {
		field++;
		field_len--;
	}
	if (field_len == 0)
		return fail(err, errsz, "%s:%u: no secret after the user name "
		    "(expected \"USER BASE32SECRET\")", path, lineno);
	if (name_len > USER_MAX)
		return fail(err, errsz, "%s:%u: user name longer than %d bytes", path, lineno,
		    USER_MAX);

	/* The secret: base32 with spaces at most; a tab is refused by decoding. */
	if ((copy = malloc(field_len + 1)) == NULL)
		return fail(err, errsz, "%s:%u: out of memory", path, lineno);
	memcpy(copy, field, field_len);
	copy[field_len] = '\0';
	ok = rp_base32_decode(copy, &secret, &secret_len);
	free_text(copy, field_len + 1);
	if (!ok)
		return fail(err, errsz, "%s:%u: invalid base32", path, lineno);
	if (secret_len < SECRET_MIN || secret_len > RP_TOTP_SECRET_MAX) {
		free_text((char *)secret, secret_len);
		return fail(err, errsz, "%s:%u: the secret is %zu bytes; %d to %d are allowed",
		    path, lineno, secret_len, SECRET_MIN, RP_TOTP_SECRET_MAX);
	}

	if (strlen(user) != name_len || memcmp(user, name, name_len) != 0) {
		free_text((char *)secret, secret_len);
		return 1;
	}
	if (f->line != 0) {
		free_text((char *)secret, secret_len);
		return fail(err, errsz, "%s:%u: a second line for %s (the first is line %u)",
		    path, lineno, user, f->line);
	}
	f->line = lineno;
	memcpy(f->secret, secret, secret_len);
	f->secret_len = secret_len;
	free_text((char *)secret, secret_len);
	return 1;
}

/* Check every line of text, and find user's. Returns 1, or -1 with err. */
static int
scan(const char *path, const char *text, size_t len, const char *user, struct found *f,
    char *err, size_t errsz)
{
	size_t pos = 0;
	unsigned lineno = 0;

	memset(f, 0, sizeof(*f));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		unsigned before = f->line;

		lineno++;
		if (parse_line(path, lineno, text + pos, end - pos, user, f, err, errsz) != 1) {
			rp_wipe(f, sizeof(*f));
			return -1;
		}
		if (f->line != before) {
			f->start = pos;
			f->end = end;
		}
		pos = nl != NULL ? end + 1 : len;
	}
	return 1;
}

/* --- lookup ------------------------------------------------------------------- */

int
rp_totp_secret_lookup(const char *path, uid_t owner_uid, const char *user,
    uint8_t secret[RP_TOTP_SECRET_MAX], size_t *len, char *err, size_t errsz)
{
	const struct file_rules rules = { .check_owner = 1, .uid = owner_uid };
	struct found f;
	char *text;
	size_t text_len;
	int r;

	*len = 0;
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (read_file(path, &rules, &text, &text_len, err, errsz) != 1)
		return -1;
	r = scan(path, text, text_len, user, &f, err, errsz);
	free_text(text, text_len + 1);
	if (r != 1)
		return -1;
	if (f.line == 0)
		return 0;
	memcpy(secret, f.secret, f.secret_len);
	*len = f.secret_len;
	rp_wipe(&f, sizeof(f));
	return 1;
}

/* --- store -------------------------------------------------------------------- */

/* A name the file can hold: printable, no blanks, not a comment. */
static int
user_fits(const char *user)
{
	size_t n = strlen(user);

	if (n == 0 || n > USER_MAX || user[0] == '#')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)user[i] <= 0x20 || user[i] == 0x7f)
			return 0;
	return 1;
}

/* The directory path is in, malloc'd: "." for a bare name. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/*
 * Write parts[0..nparts) to a new file next to path and rename it over
 * path. Returns 1, or 0 with err set and the temporary file removed.
 */
static int
replace_file(const char *path, const char *const *parts, const size_t *lens, size_t nparts,
    char *err, size_t errsz)
{
	char *tmp;
	int fd, saved;
	size_t i;

	if (asprintf(&tmp, "%s.XXXXXX", path) == -1) {
		fail(err, errsz, "%s: out of memory", path);
		return 0;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		fail(err, errsz, "%s: cannot create a temporary file next to it: %s", path,
		    strerror(errno));
		free(tmp);
		return 0;
	}
	for (i = 0; i < nparts; i++)
		if (!rp_write_all(fd, parts[i], lens[i]))
			break;
	if (i < nparts || fchmod(fd, 0600) == -1 || fsync(fd) == -1) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) == -1) {
		saved = errno;
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		saved = errno;
		goto fail;
	}
	free(tmp);
	return 1;
fail:
	unlink(tmp);
	free(tmp);
	fail(err, errsz, "%s: cannot write: %s", path, strerror(saved));
	return 0;
}

/*
 * The read, change and rename happen under an exclusive flock on the
 * file's directory, so two enrolments at once cannot lose one another's
 * line; the directory is synced afterwards so the rename survives a crash.
 */
int
rp_totp_secret_store(const char *path, const char *user, const uint8_t *secret, size_t len,
    char *err, size_t errsz)
{
	const struct file_rules rules = { .missing_ok = 1 };
	char *dir = NULL, *text = NULL, *encoded = NULL, *line = NULL;
	const char *parts[4];
	size_t text_len = 0, line_len = 0, lens[4], nparts = 0, total;
	struct found f;
	int dirfd = -1, ok = 0, n;

	memset(&f, 0, sizeof(f));
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (!user_fits(user)) {
		fail(err, errsz, "%s: \"%s\" cannot be a user name in this file", path, user);
		return 0;
	}
	if (len < SECRET_MIN || len > RP_TOTP_SECRET_MAX) {
		fail(err, errsz, "%s: the secret is %zu bytes; %d to %d are allowed", path, len,
		    SECRET_MIN, RP_TOTP_SECRET_MAX);
		return 0;
	}
	if ((dir = dir_of(path)) == NULL || (encoded = rp_base32_encode(secret, len)) == NULL ||
	    (n = asprintf(&line, "%s %s\n", user, encoded)) == -1) {
		line = NULL; /* undefined after a failed asprintf */
		fail(err, errsz, "%s: out of memory", path);
		goto out;
	}
	line_len = (size_t)n;
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fail(err, errsz, "%s: cannot open its directory: %s", path, strerror(errno));
		goto out;
	}
	if (flock(dirfd, LOCK_EX) == -1) {
		fail(err, errsz, "%s: cannot lock its directory: %s", path, strerror(errno));
		goto out;
	}
	if (read_file(path, &rules, &text, &text_len, err, errsz) != 1 ||
	    scan(path, text != NULL ? text : "", text_len, user, &f, err, errsz) != 1)
		goto out;

	/* Every other byte stays as it was; the user's line is replaced or
	 * added at the end. */
	if (f.line != 0) {
		parts[nparts] = text;
		lens[nparts++] = f.start;
		parts[nparts] = line;
		lens[nparts++] = line_len;
		if (f.end < text_len) {
			parts[nparts] = text + f.end + 1;
			lens[nparts++] = text_len - f.end - 1;
		}
	} else {
		if (text_len > 0) {
			parts[nparts] = text;
			lens[nparts++] = text_len;
			if (text[text_len - 1] != '\n') {
				parts[nparts] = "\n";
				lens[nparts++] = 1;
			}
		}
		parts[nparts] = line;
		lens[nparts++] = line_len;
	}
	total = 0;
	for (size_t i = 0; i < nparts; i++)
		total += lens[i];
	if (total > MAX_FILE) {
		fail(err, errsz, "%s: would grow larger than 1 MiB", path);
		goto out;
	}
	if (!replace_file(path, parts, lens, nparts, err, errsz))
		goto out;
	/* The rename is done; a failed directory sync cannot undo it. */
	(void)fsync(dirfd);
	ok = 1;
out:
	if (dirfd != -1)
		close(dirfd); /* drops the lock */
	free(dir);
	if (encoded != NULL)
		free_text(encoded, strlen(encoded));
	if (line != NULL)
		free_text(line, line_len);
	free_text(text, text_len + 1);
	rp_wipe(&f, sizeof(f));
	return ok;
}

/*
 * policy/readfile.c: reading a whole policy, authorized-keys or banner file,
 * with a bound on its size.
 *
 * Only regular files: a FIFO or device named by mistake (or on purpose) must
 * neither block the load nor feed it without end. O_NONBLOCK on open keeps a
 * FIFO from blocking before fstat can refuse it. Files read while a user
 * authenticates (%u/%h key files) are also checked as OpenSSH's StrictModes
 * checks them: owned by root or the user, writable by nobody else.
 */
#include "policy/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
fail_errno(int err, char *why, size_t whysz)
{
	char buf[128];

	snprintf(why, whysz, "%s", strerror_r(err, buf, sizeof(buf)));
	return 0;
}

static int
fail_too_large(size_t max, char *why, size_t whysz)
{
	if (max % ((size_t)1 << 20) == 0)
		snprintf(why, whysz, "larger than %zu MiB", max >> 20);
	else
		snprintf(why, whysz, "larger than %zu bytes", max);
	return 0;
}

int
rp_read_file(const char *path, size_t max, char **out, size_t *outlen, char *why,
    size_t whysz)
{
	return rp_read_file_checked(path, max, 0, 0, out, outlen, NULL, why, whysz);
}

int
rp_read_file_checked(const char *path, size_t max, int owner_check, uid_t uid, char **out,
    size_t *outlen, int *missing, char *why, size_t whysz)
{
	struct stat st;
	char *buf, *bigger;
	size_t len = 0, cap;
	ssize_t n;
	int fd, err;

	*out = NULL;
	*outlen = 0;
	if (missing != NULL)
		*missing = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1) {
		if (missing != NULL)
			*missing = errno == ENOENT;
		return fail_errno(errno, why, whysz);
	}
	if (fstat(fd, &st) == -1) {
		err = errno;
		close(fd);
		return fail_errno(err, why, whysz);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(why, whysz, "not a regular file");
		return 0;
	}
	if (owner_check && st.st_uid != 0 && st.st_uid != uid) {
		close(fd);
		snprintf(why, whysz, "owned by uid %u, not by root or the user",
		    (unsigned)st.st_uid);
		return 0;
	}
	if (owner_check && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		close(fd);
		snprintf(why, whysz, "writable by group or others");
		return 0;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return fail_too_large(max, why, whysz);
	}
	/* Room for one byte more than stat said, to notice a file that grew;
	 * the buffer grows up to max + 1 bytes, never further. */
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap + 1)) == NULL) {
		close(fd);
		snprintf(why, whysz, "out of memory");
		return 0;
	}
	for (;;) {
		if (len == cap) {
			size_t newcap = cap > max / 2 ? max + 1 : cap * 2;
			if (cap > max) {
				free(buf);
				close(fd);
				return fail_too_large(max, why, whysz);
			}
			if ((bigger = realloc(buf, newcap + 1)) == NULL) {
				free(buf);
				close(fd);
				snprintf(why, whysz, "out of memory");
				return 0;
			}
			buf = bigger;
			cap = newcap;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err = errno;
			free(buf);
			close(fd);
			return fail_errno(err, why, whysz);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 1;
}

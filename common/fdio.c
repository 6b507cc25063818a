/*
 * common/fdio.c: small helpers for blocking file descriptors.
 */
#include "common/fdio.h"

#include <errno.h>
#include <unistd.h>

int
rp_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

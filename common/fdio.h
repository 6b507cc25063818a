/*
 * common/fdio.h: small helpers for blocking file descriptors.
 */
#ifndef RAMPART_COMMON_FDIO_H
#define RAMPART_COMMON_FDIO_H

#include <stddef.h>

/* Write all len bytes to a blocking fd, retrying after EINTR and short
 * writes. Returns 1, or 0 with errno set. */
int rp_write_all(int fd, const void *buf, size_t len);

#endif

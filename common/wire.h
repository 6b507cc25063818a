/*
 * common/wire.h: the SSH data types of RFC 4251 section 5 on top of CBS/CBB.
 *
 * Every parser takes a CBS, consumes exactly what it reads and returns 1, or
 * returns 0 leaving the caller to fail the whole message; nothing here guesses.
 * The BoringSSL in Debian 12 has no 32-bit length-prefixed CBS/CBB helpers,
 * so the SSH "string" lives here.
 */
#ifndef RAMPART_COMMON_WIRE_H
#define RAMPART_COMMON_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/bytes.h"

/* A nested string built with ssh_begin_string may hold at most this much:
 * it is written as a zero byte followed by a 24-bit length prefix, which is
 * the same bytes as a 32-bit length for any length below 2^24. Every SSH
 * packet rampart builds is far smaller (packets are capped at 256 KiB). */
#define SSH_NESTED_STRING_MAX ((size_t)0xffffff)

/* string: uint32 length followed by that many bytes. */
int ssh_get_string(CBS *cbs, CBS *out);
/* boolean: one byte, any non-zero value is true (RFC 4251). */
int ssh_get_bool(CBS *cbs, int *out);
/* A string that must be a printable name (algorithm, user, service, request
 * name): no NUL and no control bytes, 1..outsz-1 bytes; copied NUL-terminated.
 * Empty names are refused unless allow_empty is set. */
int ssh_get_name(CBS *cbs, char *out, size_t outsz, int allow_empty);
/* A string that must be free of NUL bytes, copied NUL-terminated into a
 * caller buffer of outsz bytes (command lines, descriptions). */
int ssh_get_text(CBS *cbs, char *out, size_t outsz);

int ssh_add_string(CBB *cbb, const void *data, size_t len);
int ssh_add_cstring(CBB *cbb, const char *s);
int ssh_add_bool(CBB *cbb, int value);
/* mpint from an unsigned big-endian magnitude: leading zeros dropped, a zero
 * byte prepended when the top bit is set (RFC 4251 section 5). */
int ssh_add_mpint_be(CBB *cbb, const uint8_t *be, size_t len);
/* Open a string whose contents are built in *child; CBB_flush(cbb) or the
 * parent's next write closes it. At most SSH_NESTED_STRING_MAX bytes. */
int ssh_begin_string(CBB *cbb, CBB *child);

/* name-list: comma-separated names. ssh_namelist_next() takes the next name
 * off *list (which is the contents of the string, without its length). */
int ssh_namelist_next(CBS *list, CBS *name);
/* 1 when the name-list (contents only) contains exactly `name`. */
int ssh_namelist_has(CBS list, const char *name);
/* The first name in `client` (order of preference) that `server` also has,
 * copied into out. RFC 4253 section 7.1. Returns 0 when none matches. */
int ssh_namelist_negotiate(CBS client, CBS server, char *out, size_t outsz);

#endif

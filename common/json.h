/*
 * common/json.h: writing JSON (RFC 8259), for the audit log's JSON Lines
 * and rampartctl's --json output. Writing only: rampart never parses JSON.
 *
 * A writer appends to a CBB and tracks nesting and commas itself, so
 * callers cannot produce invalid JSON by forgetting a separator:
 *
 *     struct rp_json j;
 *     rp_json_init(&j, &cbb);
 *     rp_json_object_begin(&j);
 *     rp_json_key(&j, "user"); rp_json_string(&j, "alice");
 *     rp_json_key(&j, "port"); rp_json_uint(&j, 22);
 *     rp_json_object_end(&j);
 *     if (!rp_json_ok(&j)) ...
 *
 * Strings are escaped fully: quotes, backslash, every control character
 * (\u00XX), and bytes that are not valid UTF-8 become U+FFFD, so anything a
 * peer sent can go into a record safely and every line stays valid JSON.
 * Errors (misuse, nesting deeper than RP_JSON_MAX_DEPTH, CBB failure) are
 * sticky; check rp_json_ok() once at the end.
 */
#ifndef RAMPART_COMMON_JSON_H
#define RAMPART_COMMON_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/bytes.h"

#define RP_JSON_MAX_DEPTH 16

struct rp_json {
	CBB *out;
	int depth;
	/* Per level: 1 in an object, 2 in an array; whether a value was
	 * written at that level; whether a key is waiting for its value. */
	uint8_t kind[RP_JSON_MAX_DEPTH];
	uint8_t has_items[RP_JSON_MAX_DEPTH];
	int want_value;
	/* The top-level value is complete: nothing more may be written. */
	int done;
	int error;
};

void rp_json_init(struct rp_json *j, CBB *out);
void rp_json_object_begin(struct rp_json *j);
void rp_json_object_end(struct rp_json *j);
void rp_json_array_begin(struct rp_json *j);
void rp_json_array_end(struct rp_json *j);
/* In an object: the key of the next value. */
void rp_json_key(struct rp_json *j, const char *key);
/* A NUL-terminated string; NULL is written as null. */
void rp_json_string(struct rp_json *j, const char *s);
/* A string of len bytes that may hold anything (NUL, invalid UTF-8). */
void rp_json_string_bytes(struct rp_json *j, const void *s, size_t len);
void rp_json_int(struct rp_json *j, int64_t v);
void rp_json_uint(struct rp_json *j, uint64_t v);
void rp_json_bool(struct rp_json *j, int v);
void rp_json_null(struct rp_json *j);
/* 1 when everything so far was valid and every object/array is closed. */
int rp_json_ok(const struct rp_json *j);
/* RFC 3339 UTC timestamp with microseconds, "2026-11-23T18:01:02.123456Z",
 * into out (at least 28 bytes). */
void rp_json_timestamp(char *out, size_t outsz);

#endif

/*
 * tests/unit/unit.h: Check unit tests register themselves.
 *
 * Each tests/unit/test_*.c ends with
 *
 *     RP_TEST_SUITE(wire)
 *     {
 *         Suite *s = suite_create("wire");
 *         ...
 *         return s;
 *     }
 *
 * and main.c runs every registered suite, so adding a test file needs no
 * edit anywhere else. `unit-tests NAME...` runs only the named suites.
 */
#ifndef RAMPART_TESTS_UNIT_H
#define RAMPART_TESTS_UNIT_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

typedef Suite *(*rp_suite_fn)(void);
void rp_register_suite(const char *name, rp_suite_fn fn);

#define RP_TEST_SUITE(name)                                                   \
	static Suite *suite_##name(void);                                     \
	__attribute__((constructor)) static void register_##name(void)       \
	{                                                                     \
		rp_register_suite(#name, suite_##name);                       \
	}                                                                     \
	static Suite *suite_##name(void)

/* Decode a hex string into out (at most outsz bytes); returns the length.
 * Fails the current test on bad input. */
size_t rp_test_unhex(const char *hex, uint8_t *out, size_t outsz);
/* The whole file at relative (resolved with rp_test_path), malloc'd and
 * NUL-terminated; its length in *len when len is given. Fails the test
 * when it cannot be read or is over 1 MiB. */
char *rp_test_read_file(const char *relative, size_t *len);
/* The value of one hex digit (either case), or -1. */
int rp_test_hex_digit(char c);
/* Path of a file under the shared test vectors or tests/ data, resolved
 * from the RAMPART_SOURCE_DIR environment variable (default "."). */
const char *rp_test_path(const char *relative);

#endif

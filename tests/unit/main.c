/*
 * tests/unit/main.c: runs every suite registered with RP_TEST_SUITE.
 */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SUITES 64

static struct {
	const char *name;
	rp_suite_fn fn;
} suites[MAX_SUITES];
static size_t nsuites;

void
rp_register_suite(const char *name, rp_suite_fn fn)
{
	if (nsuites == MAX_SUITES) {
		fprintf(stderr, "unit-tests: too many suites (raise MAX_SUITES)\n");
		exit(2);
	}
	suites[nsuites].name = name;
	suites[nsuites].fn = fn;
	nsuites++;
}

int
rp_test_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
rp_test_unhex(const char *hex, uint8_t *out, size_t outsz)
{
	size_t n = strlen(hex);
	int bad = 0;

	ck_assert_msg(n % 2 == 0, "odd-length hex string");
	ck_assert_msg(n / 2 <= outsz, "hex string longer than buffer");
	/* One assertion at the end: in fork mode every ck_assert talks to the
	 * parent, which made a per-byte check slow for large vectors. */
	for (size_t i = 0; i < n / 2; i++) {
		int hi = rp_test_hex_digit(hex[2 * i]), lo = rp_test_hex_digit(hex[2 * i + 1]);

		bad |= hi < 0 || lo < 0;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	ck_assert_msg(!bad, "bad hex digit in \"%.40s...\"", hex);
	return n / 2;
}

#define READ_FILE_MAX (1 << 20)

char *
rp_test_read_file(const char *relative, size_t *len)
{
	FILE *f = fopen(rp_test_path(relative), "rb");
	char *buf = malloc(READ_FILE_MAX + 1);
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", rp_test_path(relative));
	ck_assert(buf != NULL);
	n = fread(buf, 1, READ_FILE_MAX + 1, f);
	fclose(f);
	ck_assert_msg(n <= READ_FILE_MAX, "%s is over %d bytes", relative, READ_FILE_MAX);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

const char *
rp_test_path(const char *relative)
{
	static char buf[4096];
	const char *root = getenv("RAMPART_SOURCE_DIR");

	snprintf(buf, sizeof(buf), "%s/%s", root ? root : ".", relative);
	return buf;
}

static int
wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	SRunner *runner = NULL;
	int failed;

	for (size_t i = 0; i < nsuites; i++) {
		if (!wanted(suites[i].name, argc, argv))
			continue;
		if (runner == NULL)
			runner = srunner_create(suites[i].fn());
		else
			srunner_add_suite(runner, suites[i].fn());
	}
	if (runner == NULL) {
		fprintf(stderr, "unit-tests: no suite matched\n");
		return 2;
	}
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}

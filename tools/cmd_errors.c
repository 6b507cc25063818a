/*
 * tools/cmd_errors.c: how a rampartctl subcommand reports a failure (exit
 * status 1) or a wrong command line (exit status 2, with its usage), in one
 * form for all of them: "rampartctl: COMMAND: what went wrong".
 */
#include <stdarg.h>
#include <stdio.h>

#include "tools/commands.h"

static void
message(const char *command, const char *fmt, va_list ap)
{
	fprintf(stderr, "rampartctl: %s: ", command);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
rp_cmd_fail(const char *command, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message(command, fmt, ap);
	va_end(ap);
	return 1;
}

int
rp_cmd_usage_error(const char *command, void (*usage)(FILE *out), const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message(command, fmt, ap);
	va_end(ap);
	fputs("usage:\n", stderr);
	usage(stderr);
	return 2;
}

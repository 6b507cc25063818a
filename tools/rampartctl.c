/*
 * tools/rampartctl.c: rampartctl, the administrator's tool (DESIGN.md,
 * "Processes and trust"). main() only picks the subcommand from the table
 * below; each subcommand lives in its own file (tools/commands.h).
 */
#include <stdio.h>
#include <string.h>

#include "tools/commands.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
} commands[] = {
	{ "keygen", rp_cmd_keygen, rp_cmd_keygen_usage },
	{ "check", rp_cmd_check, rp_cmd_check_usage },
	{ "explain", rp_cmd_explain, rp_cmd_explain_usage },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	fprintf(out, "usage: rampartctl COMMAND [OPTIONS]\n"
	    "       rampartctl --help | --version\n"
	    "\n"
	    "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		commands[i].usage(out);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("rampartctl %s\n", RAMPART_VERSION);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "rampartctl: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}

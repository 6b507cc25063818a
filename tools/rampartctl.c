/*
 * tools/rampartctl.c: rampartctl, the administrator's tool (DESIGN.md,
 * "Processes and trust"). main() only picks the subcommand from the table
 * below; each subcommand lives in its own file (tools/commands.h).
 */
#include <stdio.h>
#include <string.h>

#include "tools/commands.h"
#include "tools/ctl_client.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
} commands[] = {
	{ "keygen", rp_cmd_keygen, rp_cmd_keygen_usage },
	{ "totp-enroll", rp_cmd_totp_enroll, rp_cmd_totp_enroll_usage },
	{ "check", rp_cmd_check, rp_cmd_check_usage },
	{ "explain", rp_cmd_explain, rp_cmd_explain_usage },
	{ "status", rp_cmd_control, rp_cmd_status_usage },
	{ "connections", rp_cmd_control, rp_cmd_connections_usage },
	{ "disconnect", rp_cmd_control, rp_cmd_disconnect_usage },
	{ "rekey", rp_cmd_control, rp_cmd_rekey_usage },
	{ "stop-listening", rp_cmd_control, rp_cmd_stop_listening_usage },
	{ "start-listening", rp_cmd_control, rp_cmd_start_listening_usage },
	{ "shutdown", rp_cmd_control, rp_cmd_shutdown_usage },
	{ "reload", rp_cmd_control, rp_cmd_reload_usage },
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
	fprintf(out, "\n"
	    "The control commands (status ... reload) talk to rampartd over its socket:\n"
	    "-s SOCKET, else $RAMPART_CONTROL_SOCKET, else %s.\n"
	    "They wait up to $RAMPART_CONTROL_TIMEOUT (default %ds) for the answer and\n"
	    "exit 0 when done, 1 when refused or failed, 2 on a usage error, %d when\n"
	    "rampartd cannot be reached.\n", RP_CONTROL_DEFAULT_PATH, RP_CTL_TIMEOUT,
	    RP_CTL_EXIT_UNREACHABLE);
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
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		/* `rampartctl COMMAND --help` for every command, whatever
		 * its own option parsing (which knows -h). */
		if (argc == 3 && strcmp(argv[2], "--help") == 0) {
			commands[i].usage(stdout);
			return 0;
		}
		return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "rampartctl: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}

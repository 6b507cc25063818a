/*
 * tools/ctl_commands.c: rampartctl's control commands (status, connections,
 * disconnect, rekey, stop-listening, start-listening, shutdown, reload).
 * Each turns its command line into one request of common/control.h, which
 * tools/ctl_client.c sends; rampartd does the work and writes the answer.
 *
 * Every one takes --json (a JSON document instead of a table) and
 * -s SOCKET; without -s the socket is $RAMPART_CONTROL_SOCKET, then
 * RP_CONTROL_DEFAULT_PATH. $RAMPART_CONTROL_TIMEOUT (a duration such as
 * "10s") replaces the 30 s wait for the answer. Arguments are checked here
 * so a typo is a usage error (exit 2) before anything is sent.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "tools/commands.h"
#include "tools/ctl_client.h"

#define ID_MAX_DIGITS 20 /* UINT64_MAX */

static const struct control_command {
	const char *name;
	const char *synopsis;   /* between the name and the common options */
	const char *help;
	int takes_id;           /* ID */
	int takes_message;      /* [MESSAGE] after ID */
	int takes_drain;        /* --drain DURATION */
} control_commands[] = {
	{ "status", "",
	    "uptime, listening addresses, policy file and its hash, counts", 0, 0, 0 },
	{ "connections", "",
	    "each connection: id, user, source, auth methods, times, channels, bytes", 0, 0, 0 },
	{ "disconnect", " ID [MESSAGE]",
	    "end connection ID; its user sees MESSAGE", 1, 1, 0 },
	{ "rekey", " ID",
	    "start a new key exchange on connection ID", 1, 0, 0 },
	{ "stop-listening", "",
	    "stop accepting connections; the existing ones carry on", 0, 0, 0 },
	{ "start-listening", "",
	    "accept connections again", 0, 0, 0 },
	{ "shutdown", " [--drain DURATION]",
	    "stop accepting, let sessions finish for up to DURATION (30s, 5m, ...),\n"
	    "        then disconnect everyone; without --drain, disconnect now", 0, 0, 1 },
	{ "reload", "",
	    "read the policy again; on any error the running policy stays", 0, 0, 0 },
};

#define NCONTROL (sizeof(control_commands) / sizeof(control_commands[0]))

static const struct control_command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCONTROL; i++)
		if (strcmp(control_commands[i].name, name) == 0)
			return &control_commands[i];
	return NULL;
}

static void
print_usage(FILE *out, const struct control_command *c)
{
	fprintf(out, "  %s%s [--json] [-s SOCKET]\n        %s\n", c->name, c->synopsis, c->help);
}

static void
usage_of(FILE *out, const char *name)
{
	print_usage(out, find_command(name));
}

void
rp_cmd_status_usage(FILE *out)
{
	usage_of(out, "status");
}

void
rp_cmd_connections_usage(FILE *out)
{
	usage_of(out, "connections");
}

void
rp_cmd_disconnect_usage(FILE *out)
{
	usage_of(out, "disconnect");
}

void
rp_cmd_rekey_usage(FILE *out)
{
	usage_of(out, "rekey");
}

void
rp_cmd_stop_listening_usage(FILE *out)
{
	usage_of(out, "stop-listening");
}

void
rp_cmd_start_listening_usage(FILE *out)
{
	usage_of(out, "start-listening");
}

void
rp_cmd_shutdown_usage(FILE *out)
{
	usage_of(out, "shutdown");
}

void
rp_cmd_reload_usage(FILE *out)
{
	usage_of(out, "reload");
}

static int usage_error(const struct control_command *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "rampartctl: NAME: ...", the command's usage, and exit status 2. */
static int
usage_error(const struct control_command *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rampartctl: %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nusage:\n", stderr);
	print_usage(stderr, c);
	return 2;
}

/* A connection id: decimal, no sign, no leading zero, not zero. */
static int
id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ID_MAX_DIGITS || s[0] == '0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	/* Twenty digits may still be over UINT64_MAX. */
	return n < ID_MAX_DIGITS || strcmp(s, "18446744073709551615") <= 0;
}

static int
add_arg(struct rp_control_request *req, const char *arg)
{
	if (req->nargs == RP_CONTROL_MAX_ARGS || strlen(arg) >= RP_CONTROL_MAX_ARG)
		return 0;
	memcpy(req->args[req->nargs], arg, strlen(arg) + 1);
	req->nargs++;
	return 1;
}

int
rp_cmd_control(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "drain", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct control_command *c = find_command(argv[0]);
	const char *socket_path = NULL, *drain = NULL, *env;
	struct rp_control_request *req;
	unsigned seconds, timeout = RP_CTL_TIMEOUT;
	int ch, json = 0, status;

	if (c == NULL) {
		fprintf(stderr, "rampartctl: %s is not a control command\n", argv[0]);
		return 2;
	}
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":hjs:", long_options, NULL)) != -1) {
		switch (ch) {
		case 'h':
			print_usage(stdout, c);
			return 0;
		case 'j':
			json = 1;
			break;
		case 's':
			socket_path = optarg;
			break;
		case 'd':
			if (!c->takes_drain)
				return usage_error(c, "unknown option --drain");
			drain = optarg;
			break;
		case ':':
			/* Always the last of its word, so optind is past it. */
			return usage_error(c, "option %s needs an argument", argv[optind - 1]);
		default:
			/* optopt is 0 for a long option, which is a word of its own. */
			if (optopt != 0)
				return usage_error(c, "unknown option -%c", optopt);
			return usage_error(c, "unknown option %.*s",
			    (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;

	if (c->takes_id && argc < 1)
		return usage_error(c, "the connection ID is missing");
	if (argc > c->takes_id + c->takes_message)
		return usage_error(c, "unexpected argument \"%s\"",
		    argv[c->takes_id + c->takes_message]);
	if (c->takes_id && !id_ok(argv[0]))
		return usage_error(c, "\"%s\" is not a connection ID (see rampartctl "
		    "connections)", argv[0]);
	if (argc > 1 && strlen(argv[1]) >= RP_CONTROL_MAX_ARG)
		return usage_error(c, "MESSAGE is longer than %d bytes", RP_CONTROL_MAX_ARG - 1);
	if (drain != NULL && !rp_parse_duration(drain, &seconds))
		return usage_error(c, "--drain takes a duration such as 30s, 5m or 1h, "
		    "not \"%s\"", drain);
	if (socket_path == NULL && (env = getenv("RAMPART_CONTROL_SOCKET")) != NULL &&
	    env[0] != '\0')
		socket_path = env;
	if (socket_path == NULL)
		socket_path = RP_CONTROL_DEFAULT_PATH;
	if (socket_path[0] == '\0')
		return usage_error(c, "the socket path is empty");
	if ((env = getenv("RAMPART_CONTROL_TIMEOUT")) != NULL && env[0] != '\0') {
		if (!rp_parse_duration(env, &timeout) || timeout == 0)
			return usage_error(c, "RAMPART_CONTROL_TIMEOUT must be a duration "
			    "such as 10s, not \"%s\"", env);
	}

	if ((req = calloc(1, sizeof(*req))) == NULL) {
		fprintf(stderr, "rampartctl: out of memory\n");
		return 1;
	}
	memcpy(req->command, c->name, strlen(c->name) + 1);
	req->json = json;
	for (int i = 0; i < argc; i++) {
		if (!add_arg(req, argv[i])) {
			free(req);
			return usage_error(c, "argument \"%s\" is too long", argv[i]);
		}
	}
	if (drain != NULL && !add_arg(req, drain)) {
		free(req);
		return usage_error(c, "--drain is too long");
	}
	status = rp_ctl_call(socket_path, req, timeout);
	free(req);
	return status;
}

/*
 * tools/check.c: `rampartctl check [-q] [-f PATH]`.
 *
 * Loads the policy as rampartd would. On an error, prints it (FILE:LINE:COL:
 * what is wrong; what was expected) and exits 1. Otherwise prints the
 * effective policy in canonical form on stdout (policy/print.c) and exits 0;
 * warnings and advice go to stderr. -q leaves the policy out (for the
 * systemd unit's ExecStartPre, whose output goes to the journal).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "policy/policy.h"
#include "tools/commands.h"

#define DEFAULT_POLICY "/etc/rampart/rampart.conf"

void
rp_cmd_check_usage(FILE *out)
{
	fprintf(out, "  check [-q] [-f PATH]\n"
	    "        validate the policy (default " DEFAULT_POLICY ") and print it in\n"
	    "        canonical form (-q: print only errors and warnings); exit 1 on errors\n");
}

static void
warning(void *ctx, const char *message)
{
	(void)ctx;
	fprintf(stderr, "rampartctl: check: warning: %s\n", message);
}

int
rp_cmd_check(int argc, char **argv)
{
	const char *path = DEFAULT_POLICY;
	struct rp_policy_diag diag;
	struct rp_policy *policy;
	int ch, quiet = 0;

	optind = 1;
	opterr = 0;
	while ((ch = getopt(argc, argv, "+:f:hq")) != -1) {
		switch (ch) {
		case 'f':
			path = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			rp_cmd_check_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "rampartctl: check: %s -%c\nusage:\n", ch == ':' ?
			    "missing value for" : "unknown option", optopt);
			rp_cmd_check_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "rampartctl: check: unexpected argument \"%s\"\nusage:\n",
		    argv[optind]);
		rp_cmd_check_usage(stderr);
		return 2;
	}
	memset(&diag, 0, sizeof(diag));
	diag.warn = warning;
	if (!rp_policy_load(path, &policy, &diag)) {
		fprintf(stderr, "%s\n", diag.error);
		fprintf(stderr, "rampartctl: check: %s has errors; rampartd would not start with it\n",
		    path);
		return 1;
	}
	rp_policy_advise(policy, &diag);
	if (!quiet)
		rp_policy_print(policy, stdout);
	rp_policy_free(policy);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("rampartctl: check: stdout");
		return 1;
	}
	return 0;
}

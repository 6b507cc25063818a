/*
 * tools/explain.c: `rampartctl explain [-f PATH] [--at "YYYY-MM-DD HH:MM"]
 * USER FROM-ADDRESS [ACTION...]`.
 *
 * Prints what rampartd would decide for USER connecting from FROM-ADDRESS:
 * admission, login and auth chains, and the ACTION (login when none is
 * given), each with the rule and FILE:LINE that decided (policy/explain.c).
 * Exit status: 0 when everything asked is allowed, 1 when something is
 * denied, 2 on a usage or policy error. Options may come anywhere before
 * a "--".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/policy.h"
#include "tools/commands.h"

#define DEFAULT_POLICY "/etc/rampart/rampart.conf"
#define MAX_WORDS 8

void
rp_cmd_explain_usage(FILE *out)
{
	fprintf(out, "  explain [-f PATH] [--at \"YYYY-MM-DD HH:MM\"] USER FROM-ADDRESS [ACTION...]\n"
	    "        show what the policy decides and which rule decides it; ACTION is\n"
	    "        login (default), shell, exec [\"COMMAND\"], subsystem NAME, pty,\n"
	    "        env NAME, forward HOST:PORT, remote-forward BIND:PORT, x11, agent\n");
}

static int
usage_error(const char *fmt, const char *arg)
{
	fputs("rampartctl: explain: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nusage:\n", stderr);
	rp_cmd_explain_usage(stderr);
	return 2;
}

/* "YYYY-MM-DD HH:MM" in local time. */
static int
parse_at(const char *text, struct rp_when *when)
{
	struct tm tm;
	int y, mo, d, h, mi, n = -1;
	time_t t;

	if (sscanf(text, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 ||
	    n != (int)strlen(text) || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12; /* the weekday, away from DST changes */
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1 || tm.tm_mday != d)
		return 0; /* such as 2026-02-30 */
	when->wday = (unsigned)tm.tm_wday;
	when->minute = (unsigned)(h * 60 + mi);
	return 1;
}

int
rp_cmd_explain(int argc, char **argv)
{
	const char *path = DEFAULT_POLICY, *at = NULL;
	char *words[MAX_WORDS + 2], host[256], why[512];
	struct rp_policy_diag diag;
	struct rp_policy *policy;
	struct rp_request req;
	struct rp_when when;
	struct rp_addr from;
	size_t n = 0;
	int only_words = 0, ok;

	for (int i = 1; i < argc; i++) {
		if (!only_words && strcmp(argv[i], "--") == 0) {
			only_words = 1;
		} else if (!only_words && (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)) {
			rp_cmd_explain_usage(stdout);
			return 0;
		} else if (!only_words && (strcmp(argv[i], "-f") == 0 ||
		    strcmp(argv[i], "--at") == 0)) {
			if (i + 1 == argc)
				return usage_error("%s needs a value", argv[i]);
			if (argv[i][1] == 'f')
				path = argv[++i];
			else
				at = argv[++i];
		} else if (!only_words && argv[i][0] == '-' && argv[i][1] != '\0' && n < 2) {
			return usage_error("unknown option \"%s\"", argv[i]);
		} else {
			if (n == MAX_WORDS + 2)
				return usage_error("too many words after \"%s\"", words[1]);
			words[n++] = argv[i];
		}
	}
	if (n < 2)
		return usage_error("%s", "expected USER and FROM-ADDRESS");
	if (!rp_addr_parse(words[1], &from))
		return usage_error("\"%s\" is not a numeric IPv4 or IPv6 address", words[1]);
	if (!rp_request_from_words(n - 2, words + 2, &req, host, sizeof(host), why, sizeof(why)))
		return usage_error("%s", why);
	if (at == NULL)
		rp_when_from_time(time(NULL), &when);
	else if (!parse_at(at, &when))
		return usage_error("--at \"%s\": expected \"YYYY-MM-DD HH:MM\" (local time)", at);
	memset(&diag, 0, sizeof(diag));
	if (!rp_policy_load(path, &policy, &diag)) {
		fprintf(stderr, "%s\n", diag.error);
		fprintf(stderr, "rampartctl: explain: %s has errors\n", path);
		return 2;
	}
	ok = rp_policy_explain(policy, stdout, words[0], &from, &when, &req);
	rp_policy_free(policy);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("rampartctl: explain: stdout");
		return 2;
	}
	return ok ? 0 : 1;
}

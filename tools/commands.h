/*
 * tools/commands.h: rampartctl's subcommands, one file each. Each takes the
 * arguments from its own name on (argv[0] is "keygen", ...) and returns the
 * process exit status: 0 done, 1 failed, 2 usage error.
 */
#ifndef RAMPART_TOOLS_COMMANDS_H
#define RAMPART_TOOLS_COMMANDS_H

#include <stdio.h>

/* keygen -t ed25519 -f PATH [-C COMMENT]: tools/keygen.c */
int rp_cmd_keygen(int argc, char **argv);
void rp_cmd_keygen_usage(FILE *out);

/* check [-f PATH]: tools/check.c */
int rp_cmd_check(int argc, char **argv);
void rp_cmd_check_usage(FILE *out);

/* explain [-f PATH] [--at TIME] USER FROM-ADDRESS [ACTION...]: tools/explain.c */
int rp_cmd_explain(int argc, char **argv);
void rp_cmd_explain_usage(FILE *out);

#endif

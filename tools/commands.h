/*
 * tools/commands.h: rampartctl's subcommands, one file each. Each takes the
 * arguments from its own name on (argv[0] is "keygen", ...) and returns the
 * process exit status: 0 done, 1 failed, 2 usage error (and for the control
 * commands, 3: rampartd could not be reached).
 */
#ifndef RAMPART_TOOLS_COMMANDS_H
#define RAMPART_TOOLS_COMMANDS_H

#include <stdio.h>

/* tools/cmd_errors.c: "rampartctl: COMMAND: MESSAGE" on stderr; return 1,
 * or, for a wrong command line, print usage too and return 2. */
int rp_cmd_fail(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int rp_cmd_usage_error(const char *command, void (*usage)(FILE *out), const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* keygen -t ed25519|ecdsa|rsa [-b BITS] -f PATH [-C COMMENT]: tools/keygen.c */
int rp_cmd_keygen(int argc, char **argv);
void rp_cmd_keygen_usage(FILE *out);

/* totp-enroll [-f SECRETS_FILE] [--digits 6|7|8] [--period SECONDS]
 *     [--algorithm sha1|sha256|sha512] [--issuer NAME] USER: tools/totp_enroll.c */
int rp_cmd_totp_enroll(int argc, char **argv);
void rp_cmd_totp_enroll_usage(FILE *out);

/* check [-f PATH]: tools/check.c */
int rp_cmd_check(int argc, char **argv);
void rp_cmd_check_usage(FILE *out);

/* explain [-f PATH] [--at TIME] USER FROM-ADDRESS [ACTION...]: tools/explain.c */
int rp_cmd_explain(int argc, char **argv);
void rp_cmd_explain_usage(FILE *out);
/* The control commands, tools/ctl_commands.c: one run function for all of
 * them (it goes by argv[0]), one usage function each.
 *     status, connections, disconnect ID [MESSAGE], rekey ID,
 *     stop-listening, start-listening, shutdown [--drain DURATION], reload
 * each with [--json] [-s SOCKET]. */
int rp_cmd_control(int argc, char **argv);
void rp_cmd_status_usage(FILE *out);
void rp_cmd_connections_usage(FILE *out);
void rp_cmd_disconnect_usage(FILE *out);
void rp_cmd_rekey_usage(FILE *out);
void rp_cmd_stop_listening_usage(FILE *out);
void rp_cmd_start_listening_usage(FILE *out);
void rp_cmd_shutdown_usage(FILE *out);
void rp_cmd_reload_usage(FILE *out);

#endif

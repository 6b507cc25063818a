/*
 * common/log.h: structured log lines on stderr.
 *
 *     2026-11-23T18:01:02Z rampartd[1234]: info conn=7 auth accepted user=alice ...
 *
 * One line per event, key=value fields after a short message. Anything that
 * came from a peer is passed through rp_log_escape() first so it cannot forge
 * a line or a field. Secrets are never logged (MaskSensitiveData by design).
 */
#ifndef RAMPART_COMMON_LOG_H
#define RAMPART_COMMON_LOG_H

#include <stddef.h>

enum rp_log_level {
	RP_LOG_ERROR = 0,
	RP_LOG_WARN = 1,
	RP_LOG_INFO = 2,
	RP_LOG_DEBUG = 3,
};

/* Program name in each line, e.g. "rampartd". Default "rampart". */
void rp_log_init(const char *progname, enum rp_log_level level);
void rp_log_set_level(enum rp_log_level level);
enum rp_log_level rp_log_get_level(void);
/* Parse "error", "warn", "info", "debug". Returns 0 when unknown. */
int rp_log_level_from_name(const char *name, enum rp_log_level *out);
const char *rp_log_level_name(enum rp_log_level level);

/* Send each message (already filtered by level, without time or program
 * name) to sink instead of stderr. The worker uses this to hand its log
 * lines to the monitor over IPC. NULL restores stderr. */
void rp_log_set_sink(void (*sink)(enum rp_log_level level, const char *message));

void rp_log(enum rp_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define rp_error(...) rp_log(RP_LOG_ERROR, __VA_ARGS__)
#define rp_warn(...) rp_log(RP_LOG_WARN, __VA_ARGS__)
#define rp_info(...) rp_log(RP_LOG_INFO, __VA_ARGS__)
#define rp_debug(...) rp_log(RP_LOG_DEBUG, __VA_ARGS__)

/* Copy in[0..len) to out as printable ASCII: bytes outside 0x20..0x7e, and
 * backslash, double quote and '=' become \xNN. Always NUL-terminates; cuts
 * at a character boundary with "..." when out is too small. Returns out. */
char *rp_log_escape(const void *in, size_t len, char *out, size_t outsz);

#endif

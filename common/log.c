/*
 * common/log.c: log lines on stderr, one write(2) each so lines from the
 * monitor and its workers never interleave mid-line.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_progname = "rampart";
static enum rp_log_level log_level = RP_LOG_INFO;

static void (*log_sink)(enum rp_log_level, const char *);

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void
rp_log_init(const char *progname, enum rp_log_level level)
{
	log_progname = progname;
	log_level = level;
}

void
rp_log_set_level(enum rp_log_level level)
{
	log_level = level;
}

enum rp_log_level
rp_log_get_level(void)
{
	return log_level;
}

int
rp_log_level_from_name(const char *name, enum rp_log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum rp_log_level)i;
			return 1;
		}
	}
	return 0;
}

const char *
rp_log_level_name(enum rp_log_level level)
{
	if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[level];
}

void
rp_log_set_sink(void (*sink)(enum rp_log_level level, const char *message))
{
	log_sink = sink;
}

void
rp_log(enum rp_log_level level, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	size_t off;
	int n;
	va_list ap;

	if (level > log_level)
		return;
	if (log_sink != NULL) {
		va_start(ap, fmt);
		n = vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		if (n >= 0)
			log_sink(level, line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	off = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line + off, sizeof(line) - off, " %s[%ld]: %s ", log_progname,
	    (long)getpid(), rp_log_level_name(level));
	if (n < 0)
		return;
	off += (size_t)n;
	if (off >= sizeof(line) - 2)
		off = sizeof(line) - 2;
	va_start(ap, fmt);
	n = vsnprintf(line + off, sizeof(line) - off - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	off += (size_t)n;
	if (off > sizeof(line) - 2)
		off = sizeof(line) - 2;
	line[off++] = '\n';
	/* One write per line; a short write to a full pipe is not retried. */
	if (write(STDERR_FILENO, line, off) < 0)
		return;
}

char *
rp_log_escape(const void *in, size_t len, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = in;
	size_t o = 0;

	if (outsz == 0)
		return out;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		int plain = c >= 0x20 && c <= 0x7e && c != '\\' && c != '"' && c != '=';
		size_t need = plain ? 1 : 4;

		if (o + need + 1 > outsz || (i + 1 < len && o + need + 4 > outsz)) {
			/* Not enough room for this character and a trailing "...". */
			while (o + 4 > outsz && o > 0)
				o--;
			if (o + 4 <= outsz) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * policy/diag.c: error and warning messages that name where in which file
 * the problem is ("FILE:LINE:COL: what is wrong; expected what").
 */
#include "policy/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EXCERPT_MAX 60

static void
format(char *buf, size_t bufsz, const struct rp_srcpos *pos, const char *fmt, va_list ap)
{
	int n = 0;

	if (pos != NULL && pos->line == 0)
		n = snprintf(buf, bufsz, "%s: ", pos->file);
	else if (pos != NULL)
		n = snprintf(buf, bufsz, "%s:%u:%u: ", pos->file, pos->line, pos->col);
	if (n < 0)
		n = 0;
	if ((size_t)n >= bufsz)
		return;
	vsnprintf(buf + n, bufsz - (size_t)n, fmt, ap);
}

int
rp_diag_error(struct rp_policy_diag *diag, const struct rp_srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format(diag->error, sizeof(diag->error), pos, fmt, ap);
	va_end(ap);
	return 0;
}

void
rp_diag_warn(struct rp_policy_diag *diag, const struct rp_srcpos *pos, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (diag == NULL || diag->warn == NULL)
		return;
	va_start(ap, fmt);
	format(msg, sizeof(msg), pos, fmt, ap);
	va_end(ap);
	diag->warn(diag->warn_ctx, msg);
}

const char *
rp_diag_excerpt(const char *text, char *buf, size_t bufsz)
{
	size_t n = strlen(text), max = EXCERPT_MAX;

	if (bufsz < 4) {
		if (bufsz > 0)
			buf[0] = '\0';
		return buf;
	}
	if (max > bufsz - 4)
		max = bufsz - 4;
	if (n <= max && n < bufsz) {
		memcpy(buf, text, n + 1);
		return buf;
	}
	n = max;
	/* Do not cut a UTF-8 sequence: back up over continuation bytes. */
	while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, text, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

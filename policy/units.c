/*
 * policy/units.c: whole numbers, durations ("30s", "15m", "2h", "1d") and
 * sizes ("512", "64K", "16M", "1G", powers of 1024), and printing them back.
 *
 * A value is decimal digits and at most one unit letter from a table, and
 * nothing else: no sign, no blanks, no fractions, no combinations such as
 * "1h30m". Anything that does not fit the result type is refused.
 */
#include "policy/internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

struct unit {
	char suffix;
	uint64_t factor;
};

/* Largest first: rp_format_duration picks the first that divides exactly. */
static const struct unit duration_units[] = {
	{ 'd', 86400 },
	{ 'h', 3600 },
	{ 'm', 60 },
	{ 's', 1 },
};

static const struct unit size_units[] = {
	{ 'T', (uint64_t)1 << 40 },
	{ 'G', (uint64_t)1 << 30 },
	{ 'M', (uint64_t)1 << 20 },
	{ 'K', (uint64_t)1 << 10 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Digits, then one optional suffix from units, then the end; the product
 * must not exceed max. */
static int
parse_scaled(const char *text, const struct unit *units, size_t nunits, uint64_t max,
    uint64_t *out)
{
	const char *p = text;
	uint64_t v = 0, factor = 1;

	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	if (*p != '\0') {
		size_t i;
		for (i = 0; i < nunits; i++)
			if (units[i].suffix == *p)
				break;
		if (i == nunits || p[1] != '\0')
			return 0;
		factor = units[i].factor;
	}
	if (v > max / factor)
		return 0;
	*out = v * factor;
	return 1;
}

int
rp_parse_count(const char *text, uint64_t *out)
{
	return parse_scaled(text, NULL, 0, UINT64_MAX, out);
}

int
rp_parse_duration(const char *text, unsigned *seconds)
{
	uint64_t v;

	if (!parse_scaled(text, duration_units, NELEM(duration_units), UINT_MAX, &v))
		return 0;
	*seconds = (unsigned)v;
	return 1;
}

int
rp_parse_size(const char *text, uint64_t *bytes)
{
	return parse_scaled(text, size_units, NELEM(size_units), UINT64_MAX, bytes);
}

const char *
rp_format_duration(unsigned seconds, char *buf, size_t bufsz)
{
	const struct unit *u = &duration_units[NELEM(duration_units) - 1];

	for (size_t i = 0; i < NELEM(duration_units); i++) {
		if (seconds != 0 && seconds % duration_units[i].factor == 0) {
			u = &duration_units[i];
			break;
		}
	}
	snprintf(buf, bufsz, "%llu%c", (unsigned long long)(seconds / u->factor), u->suffix);
	return buf;
}

const char *
rp_format_size(uint64_t bytes, char *buf, size_t bufsz)
{
	for (size_t i = 0; i < NELEM(size_units); i++) {
		if (bytes != 0 && bytes % size_units[i].factor == 0) {
			snprintf(buf, bufsz, "%llu%c",
			    (unsigned long long)(bytes / size_units[i].factor), size_units[i].suffix);
			return buf;
		}
	}
	snprintf(buf, bufsz, "%llu", (unsigned long long)bytes);
	return buf;
}

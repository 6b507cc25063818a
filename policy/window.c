/*
 * policy/window.c: time-of-day windows, `at DAYS HH:MM-HH:MM`.
 *
 * DAYS is `*` (every day) or a comma list of day names (Mon, Tue, Wed, Thu,
 * Fri, Sat, Sun) and ranges of them (Mon-Fri; a range may wrap: Fri-Mon).
 * Times are in the bastion's local time zone; the end may be 24:00. An end
 * before the start crosses midnight: `Fri 22:00-06:00` is open from
 * Friday 22:00 to Saturday 06:00, so the days name the day the window
 * opens. Times are minutes of the day: the window includes its start
 * minute and excludes its end minute.
 */
#include "policy/internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define ALL_DAYS 0x7f

static const char *const day_names[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

const char *
rp_weekday_name(unsigned wday)
{
	return wday < 7 ? day_names[wday] : "?";
}

static int
day_from(const char *s, size_t len, unsigned *out)
{
	for (unsigned d = 0; d < 7; d++) {
		if (len == 3 && strncmp(s, day_names[d], 3) == 0) {
			*out = d;
			return 1;
		}
	}
	return 0;
}

static int
parse_days(const char *text, uint8_t *out)
{
	const char *p = text;

	*out = 0;
	if (strcmp(text, "*") == 0) {
		*out = ALL_DAYS;
		return 1;
	}
	for (;;) {
		const char *comma = strchr(p, ','), *dash;
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		unsigned from, to;

		dash = memchr(p, '-', len);
		if (dash != NULL) {
			if (!day_from(p, (size_t)(dash - p), &from) ||
			    !day_from(dash + 1, len - (size_t)(dash - p) - 1, &to))
				return 0;
		} else {
			if (!day_from(p, len, &from))
				return 0;
			to = from;
		}
		for (unsigned d = from;; d = (d + 1) % 7) {
			*out |= (uint8_t)(1u << d);
			if (d == to)
				break;
		}
		if (comma == NULL)
			return 1;
		p = comma + 1;
	}
}

/* "HH:MM" with HH 00..24 (24 only as 24:00 when allow_24). */
static int
parse_clock(const char *s, size_t len, int allow_24, uint16_t *out)
{
	unsigned h, m;

	if (len != 5 || s[2] != ':')
		return 0;
	for (size_t i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return 0;
	h = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	m = (unsigned)(s[3] - '0') * 10 + (unsigned)(s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24)))
		return 0;
	*out = (uint16_t)(h * 60 + m);
	return 1;
}

int
rp_window_parse(const char *days, const char *times, struct rp_window *out, const char **why,
    int *bad_times)
{
	const char *dash = strchr(times, '-');

	memset(out, 0, sizeof(*out));
	*bad_times = 0;
	if (!parse_days(days, &out->days)) {
		*why = "expected days such as *, Mon-Fri or Sat,Sun";
		return 0;
	}
	*bad_times = 1;
	if (dash == NULL || !parse_clock(times, (size_t)(dash - times), 0, &out->start) ||
	    !parse_clock(dash + 1, strlen(dash + 1), 1, &out->end)) {
		*why = "expected times HH:MM-HH:MM such as 08:00-18:00 (24-hour clock)";
		return 0;
	}
	if (out->start == out->end) {
		*why = "the window starts and ends at the same time; expected a window such as "
		    "00:00-24:00 for the whole day";
		return 0;
	}
	out->set = 1;
	return 1;
}

int
rp_window_contains(const struct rp_window *w, const struct rp_when *when)
{
	unsigned yesterday = (when->wday + 6) % 7;

	if (!w->set)
		return 1;
	if (w->start < w->end)
		return (w->days & (1u << when->wday)) && when->minute >= w->start &&
		    when->minute < w->end;
	/* Crosses midnight: the evening part on a listed day, or the morning
	 * part after one. */
	return ((w->days & (1u << when->wday)) && when->minute >= w->start) ||
	    ((w->days & (1u << yesterday)) && when->minute < w->end);
}

/* Days Monday first; runs of three or more days as ranges. */
static size_t
format_days(uint8_t days, char *buf, size_t bufsz)
{
	static const unsigned order[7] = { 1, 2, 3, 4, 5, 6, 0 };
	size_t off = 0;

	if (days == ALL_DAYS)
		return (size_t)snprintf(buf, bufsz, "*");
	buf[0] = '\0';
	for (size_t i = 0; i < 7;) {
		size_t j = i;
		if (!(days & (1u << order[i]))) {
			i++;
			continue;
		}
		while (j + 1 < 7 && (days & (1u << order[j + 1])))
			j++;
		if (j - i >= 2)
			off += (size_t)snprintf(buf + off, bufsz - off, "%s%s-%s", off ? "," : "",
			    day_names[order[i]], day_names[order[j]]);
		else
			for (size_t k = i; k <= j; k++)
				off += (size_t)snprintf(buf + off, bufsz - off, "%s%s", off ? "," : "",
				    day_names[order[k]]);
		i = j + 1;
		if (off >= bufsz)
			break;
	}
	return off;
}

const char *
rp_window_format(const struct rp_window *w, char *buf, size_t bufsz)
{
	char days[64];

	format_days(w->days, days, sizeof(days));
	snprintf(buf, bufsz, "%s %02u:%02u-%02u:%02u", days, w->start / 60u, w->start % 60u,
	    w->end / 60u, w->end % 60u);
	return buf;
}

void
rp_when_from_time(time_t t, struct rp_when *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	localtime_r(&t, &tm);
	out->wday = (unsigned)tm.tm_wday;
	out->minute = (unsigned)(tm.tm_hour * 60 + tm.tm_min);
}

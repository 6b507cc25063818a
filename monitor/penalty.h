/*
 * monitor/penalty.h: per-source penalties (monitor/penalty.c).
 */
#ifndef RAMPART_MONITOR_PENALTY_H
#define RAMPART_MONITOR_PENALTY_H

#include <stdint.h>
#include <sys/socket.h>

#define PENALTY_SLOTS 8192
#define PENALTY_PROBES 16

enum penalty_event {
	PENALTY_AUTHFAIL,       /* failed authentication and gave up */
	PENALTY_NOAUTH,         /* closed without trying to authenticate */
	PENALTY_GRACE_EXCEEDED, /* did not authenticate in time */
	PENALTY_CRASH,          /* its worker died of a signal */
	PENALTY_REFUSED,        /* connected while refused */
	PENALTY_NEVENTS
};

struct penalty_config {
	int enabled;
	uint64_t event_ms[PENALTY_NEVENTS];
	uint64_t max_ms; /* a source's penalty never exceeds this */
	uint64_t min_ms; /* refuse only while more than this is left */
	unsigned ipv4_prefix, ipv6_prefix;
	/* Sources never penalised (the policy's exempt list). */
	int (*is_exempt)(const void *ctx, const struct sockaddr *sa);
	const void *exempt_ctx;
};

struct penalty_entry {
	uint8_t key[17]; /* family, then the masked address */
	uint64_t until_ms;
};

struct penalty_table {
	struct penalty_entry slots[PENALTY_SLOTS];
};

void penalty_add(struct penalty_table *t, const struct penalty_config *cfg,
    const struct sockaddr *sa, enum penalty_event ev, uint64_t now);
uint64_t penalty_remaining(struct penalty_table *t, const struct penalty_config *cfg,
    const struct sockaddr *sa, uint64_t now);
/* 1 when new connections from sa are refused now. */
int penalty_refuses(struct penalty_table *t, const struct penalty_config *cfg,
    const struct sockaddr *sa, uint64_t now);
const char *penalty_event_name(enum penalty_event ev);

#endif

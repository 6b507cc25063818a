/*
 * monitor/penalty.c: per-source penalties, the idea of OpenSSH 9.8's
 * PerSourcePenalties: a source address (grouped by prefix: /32 and /64 by
 * default) that fails authentication, connects without authenticating,
 * exceeds the login grace time or crashes a worker earns penalty time;
 * while its accumulated penalty is above `min`, its new connections are
 * refused at accept, before any worker is started.
 *
 * The table is fixed-size (PENALTY_SLOTS, open addressing): a flood of
 * sources cannot grow memory. When it is full, the entry whose penalty ends
 * first (the least penalised) makes room.
 */
#include "monitor/penalty.h"

#include <netinet/in.h>
#include <string.h>

#include "common/log.h"

static void
masked_key(const struct sockaddr *sa, const struct penalty_config *cfg, uint8_t key[17])
{
	const uint8_t *addr;
	size_t len, bits;

	memset(key, 0, 17);
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		/* IPv4-mapped addresses count as the IPv4 address. */
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			addr = s6->sin6_addr.s6_addr + 12;
			len = 4;
			bits = cfg->ipv4_prefix;
			key[0] = 4;
		} else {
			addr = s6->sin6_addr.s6_addr;
			len = 16;
			bits = cfg->ipv6_prefix;
			key[0] = 6;
		}
	} else {
		addr = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		len = 4;
		bits = cfg->ipv4_prefix;
		key[0] = 4;
	}
	for (size_t i = 0; i < len; i++) {
		size_t have = bits > i * 8 ? bits - i * 8 : 0;
		uint8_t mask = have >= 8 ? 0xff : (uint8_t)(0xff << (8 - have));

		key[1 + i] = addr[i] & mask;
	}
}

static size_t
slot_of(const uint8_t key[17])
{
	/* FNV-1a: spreading, not secrecy (addresses are not secret). */
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < 17; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % PENALTY_SLOTS;
}

static struct penalty_entry *
find(struct penalty_table *t, const uint8_t key[17], uint64_t now, int create)
{
	size_t start = slot_of(key), victim = start;
	uint64_t victim_until = UINT64_MAX;

	for (size_t probe = 0; probe < PENALTY_PROBES; probe++) {
		struct penalty_entry *e = &t->slots[(start + probe) % PENALTY_SLOTS];

		if (e->until_ms > now && memcmp(e->key, key, 17) == 0)
			return e;
		if (e->until_ms <= now) {
			/* Free or expired: usable. */
			if (victim_until != 0) {
				victim = (start + probe) % PENALTY_SLOTS;
				victim_until = 0;
			}
		} else if (e->until_ms < victim_until) {
			victim = (start + probe) % PENALTY_SLOTS;
			victim_until = e->until_ms;
		}
	}
	if (!create)
		return NULL;
	memcpy(t->slots[victim].key, key, 17);
	t->slots[victim].until_ms = now;
	return &t->slots[victim];
}

static int
exempt(const struct penalty_config *cfg, const struct sockaddr *sa)
{
	return cfg->is_exempt != NULL && cfg->is_exempt(cfg->exempt_ctx, sa);
}

void
penalty_add(struct penalty_table *t, const struct penalty_config *cfg, const struct sockaddr *sa,
    enum penalty_event ev, uint64_t now)
{
	uint8_t key[17];
	struct penalty_entry *e;
	uint64_t add = cfg->event_ms[ev], cap;

	if (!cfg->enabled || add == 0 || exempt(cfg, sa))
		return;
	masked_key(sa, cfg, key);
	if ((e = find(t, key, now, 1)) == NULL)
		return;
	if (e->until_ms < now)
		e->until_ms = now;
	e->until_ms += add;
	cap = now + cfg->max_ms;
	if (e->until_ms > cap)
		e->until_ms = cap;
}

uint64_t
penalty_remaining(struct penalty_table *t, const struct penalty_config *cfg,
    const struct sockaddr *sa, uint64_t now)
{
	uint8_t key[17];
	struct penalty_entry *e;

	if (!cfg->enabled || exempt(cfg, sa))
		return 0;
	masked_key(sa, cfg, key);
	if ((e = find(t, key, now, 0)) == NULL || e->until_ms <= now)
		return 0;
	return e->until_ms - now;
}

int
penalty_refuses(struct penalty_table *t, const struct penalty_config *cfg,
    const struct sockaddr *sa, uint64_t now)
{
	uint64_t left = penalty_remaining(t, cfg, sa, now);

	return left > 0 && left > cfg->min_ms;
}

const char *
penalty_event_name(enum penalty_event ev)
{
	static const char *const names[] = { "authfail", "noauth", "grace-exceeded", "crash",
		"refused" };

	return (unsigned)ev < sizeof(names) / sizeof(names[0]) ? names[ev] : "?";
}

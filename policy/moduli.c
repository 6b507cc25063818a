/*
 * policy/moduli.c: the groups for diffie-hellman-group-exchange-sha256
 * (RFC 4419, RFC 8270): reading a moduli file in OpenSSH's format
 * (moduli(5)) named by `moduli-file`, and choosing a group for a client's
 * request of min, n and max bits.
 *
 * Each line of a moduli file reads
 *
 *   TIME TYPE TESTS TRIES SIZE GENERATOR MODULUS
 *
 * with TYPE 2 for a safe prime, TESTS a bit mask of the primality tests
 * run (bit 0 set means the number was found composite), TRIES how many
 * rounds they ran, SIZE the prime's length in bits minus one, and the
 * generator and modulus in hex. '#' starts a comment line.
 *
 * The file is the administrator's and read at load, so its primes are
 * trusted as OpenSSH trusts /etc/ssh/moduli; what is checked is that every
 * line says what it claims (a safe prime that passed its tests, of the size
 * it gives, with a generator in range). Groups outside 2048..8192 bits are
 * skipped: below is too weak (RFC 8270), above is more than clients accept.
 * Without a moduli file, RFC 3526's MODP groups 14, 16 and 18 serve.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/kex.h"
#include "crypto/dh.h"
#include "crypto/secret.h"
#include "policy/internal.h"

#define MODULI_MAX_FILE ((size_t)4 << 20)
#define MODULI_MAX_GROUPS 4096
#define MODULI_TYPE_SAFE 2
#define MODULI_TESTS_COMPOSITE 0x01
#define MODULI_TESTS_MAX 0x1f
#define GENERATOR_MAX_HEX 8
#define MODULUS_MAX_HEX (RP_DH_GEX_MAX_BITS / 4 + 16)

static int
fail(char *why, size_t whysz, unsigned line, const char *fmt, const char *arg)
{
	char msg[200];

	snprintf(msg, sizeof(msg), fmt, arg);
	snprintf(why, whysz, "line %u: %s", line, msg);
	return 0;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A hex number into out (big-endian, no leading zero byte); *bits its
 * length in bits. 0 for a non-hex character or more than outsz bytes. */
static int
parse_hex(const char *s, uint8_t *out, size_t outsz, size_t *len, unsigned *bits)
{
	size_t n;

	while (*s == '0' && s[1] != '\0')
		s++;
	n = strlen(s);
	if (n == 0 || (n + 1) / 2 > outsz)
		return 0;
	*len = (n + 1) / 2;
	memset(out, 0, *len);
	for (size_t i = 0; i < n; i++) {
		int d = hex_digit(s[i]);
		size_t nib = n - 1 - i; /* nibbles from the right */

		if (d < 0)
			return 0;
		out[*len - 1 - nib / 2] |= (uint8_t)(nib % 2 ? d << 4 : d);
	}
	*bits = (unsigned)(*len * 8);
	for (uint8_t top = out[0]; *bits > 0 && !(top & 0x80); top = (uint8_t)(top << 1))
		(*bits)--;
	return 1;
}

/* A decimal field of at most max; 0 when it is not one. */
static int
parse_dec(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return 0;
	*out = strtoul(s, &end, 10);
	return *end == '\0' && *out <= max && strlen(s) <= 20;
}

/* One non-comment line, split into its seven fields. 1: a group in *g; 2:
 * skipped for its size; 0: an error in why. */
static int
parse_line(char *text, unsigned line, struct rp_dh_modulus *g, char *why, size_t whysz)
{
	static const char *const names[] = { "time", "type", "tests", "tries", "size",
		"generator", "modulus" };
	char *field[7], *save = NULL, *tok;
	unsigned long stamp, type, tests, tries, size;
	uint8_t modulus[MODULUS_MAX_HEX / 2 + 1];
	size_t nf = 0, p_len;
	unsigned bits, g_bits;

	for (tok = strtok_r(text, " \t\r", &save); tok != NULL; tok = strtok_r(NULL, " \t\r", &save)) {
		if (nf == 7)
			return fail(why, whysz, line, "%s", "more than the 7 fields TIME TYPE TESTS "
			    "TRIES SIZE GENERATOR MODULUS");
		field[nf++] = tok;
	}
	if (nf < 7)
		return fail(why, whysz, line, "missing the %s field; expected TIME TYPE TESTS TRIES "
		    "SIZE GENERATOR MODULUS", names[nf]);
	if (!parse_dec(field[0], ~0UL, &stamp))
		return fail(why, whysz, line, "time '%.20s' is not a number", field[0]);
	if (!parse_dec(field[1], 255, &type) || type != MODULI_TYPE_SAFE)
		return fail(why, whysz, line, "type '%.20s' is not 2 (a safe prime)", field[1]);
	if (!parse_dec(field[2], MODULI_TESTS_MAX, &tests) || (tests & MODULI_TESTS_COMPOSITE) ||
	    tests == 0)
		return fail(why, whysz, line, "tests '%.20s' do not say the prime passed a "
		    "primality test", field[2]);
	if (!parse_dec(field[3], 1UL << 30, &tries) || tries == 0)
		return fail(why, whysz, line, "tries '%.20s' is not a positive count", field[3]);
	if (!parse_dec(field[4], 1UL << 16, &size))
		return fail(why, whysz, line, "size '%.20s' is not a number of bits", field[4]);
	if (strlen(field[6]) > MODULUS_MAX_HEX ||
	    !parse_hex(field[6], modulus, sizeof(modulus), &p_len, &bits))
		return fail(why, whysz, line, "%s", strlen(field[6]) > MODULUS_MAX_HEX ?
		    "modulus longer than 8192 bits" : "modulus is not a hex number");
	if (bits != size + 1)
		return fail(why, whysz, line, "size '%.20s' does not match the modulus (the size "
		    "is its length in bits minus one)", field[4]);
	if (!(modulus[p_len - 1] & 1))
		return fail(why, whysz, line, "%s", "modulus is even");
	if (strlen(field[5]) > GENERATOR_MAX_HEX ||
	    !parse_hex(field[5], g->g, sizeof(g->g), &g->g_len, &g_bits) ||
	    (g->g_len == 1 && g->g[0] < 2))
		return fail(why, whysz, line, "generator '%.20s' is not a hex number of at least 2",
		    field[5]);
	if (bits < RP_DH_GEX_MIN_BITS || bits > RP_DH_GEX_MAX_BITS)
		return 2;
	if ((g->p = malloc(p_len)) == NULL) {
		snprintf(why, whysz, "out of memory");
		return 0;
	}
	memcpy(g->p, modulus, p_len);
	g->p_len = p_len;
	g->bits = bits;
	return 1;
}

void
rp_moduli_free(struct rp_moduli *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->groups[i].p);
	free(m->groups);
	free(m);
}

int
rp_moduli_parse(const char *text, size_t len, struct rp_moduli **out, char *why, size_t whysz)
{
	struct rp_moduli *m = calloc(1, sizeof(*m));
	char buf[MODULUS_MAX_HEX + 256];
	unsigned line = 0;
	size_t at = 0;

	*out = NULL;
	if (m == NULL) {
		snprintf(why, whysz, "out of memory");
		return 0;
	}
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = (nl != NULL ? (size_t)(nl - text) : len) - at;
		const char *s = text + at;
		struct rp_dh_modulus g;
		int r;

		at += n + (nl != NULL);
		line++;
		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		if (n == 0 || *s == '#' || (n == 1 && *s == '\r'))
			continue;
		if (n >= sizeof(buf)) {
			fail(why, whysz, line, "%s", "line too long for a group of at most 8192 bits");
			goto err;
		}
		if (memchr(s, '\0', n) != NULL) {
			fail(why, whysz, line, "%s", "a NUL byte; expected text");
			goto err;
		}
		memcpy(buf, s, n);
		buf[n] = '\0';
		memset(&g, 0, sizeof(g));
		if ((r = parse_line(buf, line, &g, why, whysz)) == 0)
			goto err;
		if (r == 2) {
			if (m->skipped++ == 0)
				m->first_skipped_line = line;
			continue;
		}
		if (m->n == MODULI_MAX_GROUPS) {
			free(g.p);
			fail(why, whysz, line, "more than %s groups", "4096");
			goto err;
		}
		if (m->n % 64 == 0) {
			struct rp_dh_modulus *grown = realloc(m->groups, (m->n + 64) * sizeof(*grown));

			if (grown == NULL) {
				free(g.p);
				snprintf(why, whysz, "out of memory");
				goto err;
			}
			m->groups = grown;
		}
		m->groups[m->n++] = g;
	}
	if (m->n == 0) {
		snprintf(why, whysz, "no group of 2048 to 8192 bits%s",
		    m->skipped ? " (every group is outside that range)" : " (the file is empty)");
		goto err;
	}
	*out = m;
	return 1;
err:
	rp_moduli_free(m);
	return 0;
}

int
rp_moduli_load_file(const char *path, struct rp_moduli **out, char *why, size_t whysz)
{
	char *text;
	size_t len;
	int ok;

	*out = NULL;
	if (!rp_read_file(path, MODULI_MAX_FILE, &text, &len, why, whysz))
		return 0;
	ok = rp_moduli_parse(text, len, out, why, whysz);
	free(text);
	return ok;
}

/* RFC 3526's groups 14, 16 and 18, made once. */
static const struct rp_moduli *
builtin_groups(void)
{
	static const enum rp_dh_group which[] = { RP_DH_GROUP14, RP_DH_GROUP16, RP_DH_GROUP18 };
	static uint8_t primes[3][RP_DH_MAX_BYTES];
	static struct rp_dh_modulus groups[3];
	static struct rp_moduli builtin = { groups, 0, 0, 0 };

	if (builtin.n == 0) {
		for (size_t i = 0; i < 3; i++) {
			if (!rp_dh_group_prime(which[i], primes[i]))
				return NULL;
			groups[i].p = primes[i];
			groups[i].p_len = rp_dh_group_bytes(which[i]);
			groups[i].bits = (unsigned)groups[i].p_len * 8;
			groups[i].g[0] = 2;
			groups[i].g_len = 1;
		}
		builtin.n = 3;
	}
	return &builtin;
}

/* The best size in m for [min, max] wanting want: the smallest at least
 * want, else the largest below it. 0 when none lies within [min, max]. */
static unsigned
best_size(const struct rp_moduli *m, uint32_t min, uint32_t want, uint32_t max)
{
	unsigned above = 0, below = 0;

	for (size_t i = 0; i < m->n; i++) {
		unsigned b = m->groups[i].bits;

		if (b < min || b > max)
			continue;
		if (b >= want && (above == 0 || b < above))
			above = b;
		if (b < want && b > below)
			below = b;
	}
	return above != 0 ? above : below;
}

const struct rp_dh_modulus *
rp_moduli_choose(const struct rp_moduli *m, unsigned preferred_bits, uint32_t min, uint32_t n,
    uint32_t max)
{
	uint32_t want = n;
	unsigned size, count = 0, pick;

	if (!rp_kex_gex_request_ok(min, n, max))
		return NULL;
	/* The server's preference raises the client's, within its max. */
	if (want < preferred_bits)
		want = preferred_bits;
	if (want > max)
		want = max;
	if (m == NULL || (size = best_size(m, min, want, max)) == 0) {
		/* OpenSSH does the same when its moduli file has nothing in
		 * range: fall back to the fixed groups. */
		if ((m = builtin_groups()) == NULL || (size = best_size(m, min, want, max)) == 0)
			return NULL;
	}
	for (size_t i = 0; i < m->n; i++)
		count += m->groups[i].bits == size;
	/* Any of the groups of that size, so clients do not all share one.
	 * (The modulo's bias, under 2^-20 for at most 4096 groups, does not
	 * matter for a public choice.) */
	pick = rp_random_u32() % count;
	for (size_t i = 0; i < m->n; i++)
		if (m->groups[i].bits == size && pick-- == 0)
			return &m->groups[i];
	return NULL;
}

/*
 * policy/keyopts.c: the options of an authorized_keys line, as sshd(8)
 * describes them under AUTHORIZED_KEYS FILE FORMAT:
 *
 *     restrict,pty,from="10.0.0.0/8,!10.0.5.0/24",command="uptime" ssh-ed25519 AAAA...
 *
 * Options are separated by commas and end at the first blank outside double
 * quotes. Names are compared without regard to case, as OpenSSH does. A
 * value is written in double quotes; inside it \" is a double quote and
 * every other character stands for itself.
 *
 * Fail closed: an unknown option, a malformed value, bad quoting, or an
 * option rampart does not carry out (environment=, tunnel=, the FIDO flags)
 * makes the whole line unusable. Accepting the key while ignoring what the
 * line says about it would grant more than the line does.
 *
 * from= is matched against the client's address only, never a host name
 * (rampart does not use DNS): patterns are CIDRs, addresses, or globs with
 * '*' and '?' on the address as text; a host name pattern is an error.
 */
#include "policy/internal.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_HOST 255
#define MAX_PORT 65535

/* --- the option table ------------------------------------------------------ */

struct parse {
	struct rp_key_options *o;
	char *why;
	size_t whysz;
	int have_command, have_from, have_principals;
};

struct option;
/* Apply one option; value is NULL for a flag. */
typedef int (*opt_fn)(struct parse *ps, const struct option *opt, const char *value);

static int opt_permit(struct parse *, const struct option *, const char *);
static int opt_restrict(struct parse *, const struct option *, const char *);
static int opt_cert_authority(struct parse *, const struct option *, const char *);
static int opt_command(struct parse *, const struct option *, const char *);
static int opt_expiry(struct parse *, const struct option *, const char *);
static int opt_from(struct parse *, const struct option *, const char *);
static int opt_permitopen(struct parse *, const struct option *, const char *);
static int opt_principals(struct parse *, const struct option *, const char *);
static int opt_unsupported(struct parse *, const struct option *, const char *);

static const struct option {
	const char *name;
	int has_value;
	opt_fn fn;
	unsigned bit; /* opt_permit: the RP_PERMIT_* bit */
	int on;       /* opt_permit: set (1) or clear (0) it; opt_permitopen: 1 for listen */
	const char *why; /* opt_unsupported */
} options[] = {
	{ "agent-forwarding", 0, opt_permit, RP_PERMIT_AGENT_FORWARDING, 1, NULL },
	{ "cert-authority", 0, opt_cert_authority, 0, 0, NULL },
	{ "command", 1, opt_command, 0, 0, NULL },
	{ "environment", 1, opt_unsupported, 0, 0,
	    "environment= is not supported: rampart never sets the environment from a key" },
	{ "expiry-time", 1, opt_expiry, 0, 0, NULL },
	{ "from", 1, opt_from, 0, 0, NULL },
	{ "no-agent-forwarding", 0, opt_permit, RP_PERMIT_AGENT_FORWARDING, 0, NULL },
	{ "no-port-forwarding", 0, opt_permit, RP_PERMIT_PORT_FORWARDING, 0, NULL },
	{ "no-pty", 0, opt_permit, RP_PERMIT_PTY, 0, NULL },
	{ "no-touch-required", 0, opt_unsupported, 0, 0,
	    "no-touch-required is not supported: rampart does not accept FIDO (sk-) keys" },
	{ "no-user-rc", 0, opt_permit, RP_PERMIT_USER_RC, 0, NULL },
	{ "no-x11-forwarding", 0, opt_permit, RP_PERMIT_X11_FORWARDING, 0, NULL },
	{ "permitlisten", 1, opt_permitopen, 0, 1, NULL },
	{ "permitopen", 1, opt_permitopen, 0, 0, NULL },
	{ "port-forwarding", 0, opt_permit, RP_PERMIT_PORT_FORWARDING, 1, NULL },
	{ "principals", 1, opt_principals, 0, 0, NULL },
	{ "pty", 0, opt_permit, RP_PERMIT_PTY, 1, NULL },
	{ "restrict", 0, opt_restrict, 0, 0, NULL },
	{ "tunnel", 1, opt_unsupported, 0, 0,
	    "tunnel= is not supported: rampart has no tun device forwarding" },
	{ "user-rc", 0, opt_permit, RP_PERMIT_USER_RC, 1, NULL },
	{ "verify-required", 0, opt_unsupported, 0, 0,
	    "verify-required is not supported: rampart does not accept FIDO (sk-) keys" },
	{ "x11-forwarding", 0, opt_permit, RP_PERMIT_X11_FORWARDING, 1, NULL },
};

static const struct option *
find_option(const char *name, size_t len)
{
	for (size_t i = 0; i < RP_NELEM(options); i++)
		if (strlen(options[i].name) == len && strncasecmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

static int
fail(struct parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct parse *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->why, ps->whysz, fmt, ap);
	va_end(ap);
	return 0;
}

static int
out_of_memory(struct parse *ps)
{
	return fail(ps, "out of memory");
}

/* --- flags ------------------------------------------------------------------ */

static int
opt_permit(struct parse *ps, const struct option *opt, const char *value)
{
	(void)value;
	if (opt->on)
		ps->o->permit |= opt->bit;
	else
		ps->o->permit &= ~opt->bit;
	return 1;
}

static int
opt_restrict(struct parse *ps, const struct option *opt, const char *value)
{
	(void)opt;
	(void)value;
	ps->o->permit = 0;
	return 1;
}

static int
opt_cert_authority(struct parse *ps, const struct option *opt, const char *value)
{
	(void)opt;
	(void)value;
	ps->o->cert_authority = 1;
	return 1;
}

static int
opt_unsupported(struct parse *ps, const struct option *opt, const char *value)
{
	(void)value;
	return fail(ps, "%s", opt->why);
}

/* --- values ------------------------------------------------------------------ */

static int
opt_command(struct parse *ps, const struct option *opt, const char *value)
{
	(void)opt;
	if (ps->have_command++)
		return fail(ps, "command= given twice; expected at most one");
	if ((ps->o->command = strdup(value)) == NULL)
		return out_of_memory(ps);
	return 1;
}

/* YYYYMMDD[HHMM[SS]] in local time, or with a final Z in UTC, as OpenSSH's
 * expiry-time. Returns 0 on anything else, a date that does not exist
 * included. */
int
rp_parse_expiry_time(const char *s, time_t *out)
{
	size_t n = strlen(s);
	int v[6] = { 0, 1, 1, 0, 0, 0 }, utc = 0;
	static const size_t widths[6] = { 4, 2, 2, 2, 2, 2 };
	struct tm tm;
	size_t off = 0;
	time_t t;

	if (n > 0 && (s[n - 1] == 'Z' || s[n - 1] == 'z')) {
		utc = 1;
		n--;
	}
	if (n != 8 && n != 12 && n != 14)
		return 0;
	for (size_t i = 0; i < 6 && off < n; i++) {
		v[i] = 0;
		for (size_t k = 0; k < widths[i]; k++, off++) {
			if (s[off] < '0' || s[off] > '9')
				return 0;
			v[i] = v[i] * 10 + (s[off] - '0');
		}
	}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 59)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) : mktime(&tm);
	/* mktime and timegm move February 30 to March 2: refuse it. */
	if (t == (time_t)-1 || t <= 0 || tm.tm_mday != v[2] || tm.tm_mon != v[1] - 1)
		return 0;
	*out = t;
	return 1;
}

static int
opt_expiry(struct parse *ps, const struct option *opt, const char *value)
{
	time_t t;

	(void)opt;
	if (!rp_parse_expiry_time(value, &t))
		return fail(ps, "invalid expiry-time \"%.40s\"; expected YYYYMMDD, YYYYMMDDHHMM or "
		    "YYYYMMDDHHMMSS (local time, or UTC with a final Z)", value);
	/* Several: the earliest counts, as in OpenSSH. */
	if (ps->o->expiry == 0 || t < ps->o->expiry)
		ps->o->expiry = t;
	return 1;
}

/* Split value at commas, calling fn on each item (NUL-terminated). */
static int
each_item(struct parse *ps, const char *value, const char *what,
    int (*fn)(struct parse *, const char *))
{
	const char *s = value;
	char item[512];

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (len == 0)
			return fail(ps, "empty item in %s=\"%.60s\"", what, value);
		if (len >= sizeof(item))
			return fail(ps, "item too long in %s=", what);
		memcpy(item, s, len);
		item[len] = '\0';
		if (!fn(ps, item))
			return 0;
		if (comma == NULL)
			return 1;
		s = comma + 1;
	}
}

/* A glob on an address as text: IPv4 digits and dots, or IPv6 hex digits
 * and colons, with '*' and '?'. */
static int
address_glob(const char *s)
{
	if (strchr(s, ':') != NULL)
		return strspn(s, "0123456789abcdefABCDEF:*?") == strlen(s);
	return strspn(s, "0123456789.*?") == strlen(s);
}

static int
from_item(struct parse *ps, const char *item)
{
	struct rp_key_options *o = ps->o;
	struct rp_key_from p, *grown;
	const char *s = item, *why;

	memset(&p, 0, sizeof(p));
	if (*s == '!') {
		p.negate = 1;
		s++;
	}
	if (*s == '\0')
		return fail(ps, "from=: '!' without a pattern");
	if (strpbrk(s, "*?") != NULL) {
		if (strchr(s, '/') != NULL || !address_glob(s))
			return fail(ps, "from=: '%.60s' is not an address pattern; rampart matches "
			    "from= against the client's address only, never a host name", s);
		if ((p.glob = strdup(s)) == NULL)
			return out_of_memory(ps);
	} else if (!rp_cidr_parse(s, &p.cidr, &why)) {
		if (strchr(s, '/') != NULL)
			return fail(ps, "from=: invalid CIDR '%.60s': %s", s, why);
		return fail(ps, "from=: '%.60s' is not an address; rampart matches from= against "
		    "the client's address only, never a host name", s);
	} else {
		p.is_cidr = 1;
	}
	if ((grown = rp_array_grow(o->from, o->nfrom, sizeof(*grown))) == NULL) {
		free(p.glob);
		return out_of_memory(ps);
	}
	o->from = grown;
	grown[o->nfrom++] = p;
	return 1;
}

static int
opt_from(struct parse *ps, const struct option *opt, const char *value)
{
	(void)opt;
	if (ps->have_from++)
		return fail(ps, "from= given twice; expected one list of patterns");
	return each_item(ps, value, "from", from_item);
}

/* "HOST:PORT" or "[V6]:PORT"; for permitlisten also a bare "PORT" (any
 * host, as OpenSSH). PORT is 1..65535 or '*'. */
static int
permit_target(struct parse *ps, const char *what, const char *value, int listen,
    struct rp_permit_target *out)
{
	const char *host = value, *port, *colon;
	size_t hostlen;
	uint64_t v;

	if (value[0] == '[') {
		const char *close = strchr(value, ']');
		if (close == NULL || close[1] != ':')
			return fail(ps, "%s=\"%.60s\": expected [IPV6-ADDRESS]:PORT", what, value);
		host = value + 1;
		hostlen = (size_t)(close - host);
		port = close + 2;
	} else if ((colon = strchr(value, ':')) == NULL) {
		if (!listen)
			return fail(ps, "%s=\"%.60s\": expected HOST:PORT", what, value);
		host = "*";
		hostlen = 1;
		port = value;
	} else {
		if (strchr(colon + 1, ':') != NULL)
			return fail(ps, "%s=\"%.60s\": an IPv6 address must be in brackets", what,
			    value);
		hostlen = (size_t)(colon - value);
		port = colon + 1;
	}
	if (hostlen == 0 || hostlen > MAX_HOST || memchr(host, ' ', hostlen) != NULL ||
	    memchr(host, '\t', hostlen) != NULL)
		return fail(ps, "%s=\"%.60s\": invalid host", what, value);
	if (strcmp(port, "*") == 0)
		out->port = -1;
	else if (rp_parse_count(port, &v) && v >= 1 && v <= MAX_PORT)
		out->port = (int)v;
	else
		return fail(ps, "%s=\"%.60s\": the port must be a number from 1 to 65535 or '*'",
		    what, value);
	if ((out->host = strndup(host, hostlen)) == NULL)
		return out_of_memory(ps);
	return 1;
}

static int
opt_permitopen(struct parse *ps, const struct option *opt, const char *value)
{
	int listen = opt->on;
	struct rp_permit_target t, **list, *grown;
	size_t *n;

	if (listen) {
		list = &ps->o->permitlisten;
		n = &ps->o->npermitlisten;
	} else {
		list = &ps->o->permitopen;
		n = &ps->o->npermitopen;
	}
	if (!permit_target(ps, listen ? "permitlisten" : "permitopen", value, listen, &t))
		return 0;
	if ((grown = rp_array_grow(*list, *n, sizeof(*grown))) == NULL) {
		free(t.host);
		return out_of_memory(ps);
	}
	*list = grown;
	grown[(*n)++] = t;
	return 1;
}

int
rp_valid_principal(const char *s, size_t len)
{
	if (len == 0 || len > RP_PRINCIPAL_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-' || c == '@'))
			return 0;
	}
	return 1;
}

static int
principal_item(struct parse *ps, const char *item)
{
	if (!rp_valid_principal(item, strlen(item)))
		return fail(ps, "principals=: invalid principal '%.60s'; expected letters, digits, "
		    "'.', '_', '-' or '@'", item);
	if (!rp_strings_add(&ps->o->principals, &ps->o->nprincipals, item))
		return out_of_memory(ps);
	return 1;
}

static int
opt_principals(struct parse *ps, const struct option *opt, const char *value)
{
	(void)opt;
	if (ps->have_principals++)
		return fail(ps, "principals= given twice; expected one list");
	return each_item(ps, value, "principals", principal_item);
}

/* --- the options string ------------------------------------------------------ */

int
rp_key_options_span(const char *line, size_t *len)
{
	int quoted = 0;
	size_t i;

	for (i = 0; line[i] != '\0' && (quoted || (line[i] != ' ' && line[i] != '\t')); i++) {
		if (line[i] == '\\' && line[i + 1] == '"')
			i++;
		else if (line[i] == '"')
			quoted = !quoted;
	}
	*len = i;
	return !quoted;
}

/* The quoted value at *s (which points at the opening quote), unescaped,
 * malloc'd; *s moves past the closing quote. */
static char *
dequote(struct parse *ps, const char *name, const char **s, const char *end)
{
	const char *p = *s;
	char *value, *v;

	if (p == end || *p != '"') {
		fail(ps, "%s= needs a value in double quotes", name);
		return NULL;
	}
	if ((value = malloc((size_t)(end - p))) == NULL) {
		out_of_memory(ps);
		return NULL;
	}
	v = value;
	for (p++; p < end && *p != '"'; p++) {
		if (*p == '\\' && p + 1 < end && p[1] == '"')
			p++;
		*v++ = *p;
	}
	if (p == end) {
		free(value);
		fail(ps, "%s=: missing closing quote", name);
		return NULL;
	}
	*v = '\0';
	*s = p + 1;
	return value;
}

static int
one_option(struct parse *ps, const char **s, const char *end)
{
	const char *start = *s, *p = *s;
	const struct option *opt;
	char *value = NULL;
	size_t len;
	int ok;

	while (p < end && *p != ',' && *p != '=')
		p++;
	len = (size_t)(p - start);
	if (len == 0)
		return fail(ps, "empty option (a stray ',')");
	if ((opt = find_option(start, len)) == NULL)
		return fail(ps, "unknown option '%.*s'", (int)(len > 40 ? 40 : len), start);
	if (opt->has_value) {
		if (p == end || *p != '=')
			return fail(ps, "%s needs a value: %s=\"...\"", opt->name, opt->name);
		p++;
		if ((value = dequote(ps, opt->name, &p, end)) == NULL)
			return 0;
	} else if (p < end && *p == '=') {
		return fail(ps, "%s takes no value", opt->name);
	}
	ok = opt->fn(ps, opt, value);
	free(value);
	if (!ok)
		return 0;
	if (p < end && *p != ',')
		return fail(ps, "unexpected text after %s", opt->name);
	*s = p;
	return 1;
}

int
rp_key_options_parse(const char *text, size_t len, struct rp_key_options *out, char *why,
    size_t whysz)
{
	struct parse ps;
	const char *s = text, *end = text + len;

	rp_key_options_init(out);
	memset(&ps, 0, sizeof(ps));
	ps.o = out;
	ps.why = why;
	ps.whysz = whysz;
	if ((out->text = strndup(text, len)) == NULL)
		return out_of_memory(&ps);
	for (;;) {
		if (!one_option(&ps, &s, end))
			goto bad;
		if (s == end)
			break;
		s++; /* the comma */
		if (s == end) {
			fail(&ps, "empty option (a stray ',')");
			goto bad;
		}
	}
	if (out->nprincipals > 0 && !out->cert_authority) {
		fail(&ps, "principals= is only valid with cert-authority");
		goto bad;
	}
	return 1;
bad:
	rp_key_options_free(out);
	return 0;
}

/* --- the object ---------------------------------------------------------------- */

void
rp_key_options_init(struct rp_key_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->permit = RP_PERMIT_ALL;
}

static void
free_targets(struct rp_permit_target *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].host);
	free(t);
}

void
rp_key_options_free(struct rp_key_options *opts)
{
	free(opts->text);
	free(opts->command);
	for (size_t i = 0; i < opts->nfrom; i++)
		free(opts->from[i].glob);
	free(opts->from);
	free_targets(opts->permitopen, opts->npermitopen);
	free_targets(opts->permitlisten, opts->npermitlisten);
	rp_strings_free(opts->principals, opts->nprincipals);
	rp_key_options_init(opts);
}

static int
dup_string(char **dst, const char *src)
{
	*dst = NULL;
	return src == NULL || (*dst = strdup(src)) != NULL;
}

static int
copy_targets(struct rp_permit_target **dst, size_t *ndst, const struct rp_permit_target *src,
    size_t n)
{
	*dst = NULL;
	*ndst = 0;
	if (n == 0)
		return 1;
	if ((*dst = calloc(n, sizeof(**dst))) == NULL)
		return 0;
	for (; *ndst < n; (*ndst)++) {
		(*dst)[*ndst].port = src[*ndst].port;
		if (((*dst)[*ndst].host = strdup(src[*ndst].host)) == NULL)
			return 0;
	}
	return 1;
}

int
rp_key_options_copy(struct rp_key_options *dst, const struct rp_key_options *src)
{
	rp_key_options_init(dst);
	dst->permit = src->permit;
	dst->expiry = src->expiry;
	dst->cert_authority = src->cert_authority;
	if (!dup_string(&dst->text, src->text) || !dup_string(&dst->command, src->command))
		goto fail;
	if (src->nfrom > 0) {
		if ((dst->from = calloc(src->nfrom, sizeof(*dst->from))) == NULL)
			goto fail;
		for (; dst->nfrom < src->nfrom; dst->nfrom++) {
			dst->from[dst->nfrom] = src->from[dst->nfrom];
			if (!dup_string(&dst->from[dst->nfrom].glob, src->from[dst->nfrom].glob))
				goto fail;
		}
	}
	if (!copy_targets(&dst->permitopen, &dst->npermitopen, src->permitopen,
	    src->npermitopen) || !copy_targets(&dst->permitlisten, &dst->npermitlisten,
	    src->permitlisten, src->npermitlisten))
		goto fail;
	for (size_t i = 0; i < src->nprincipals; i++)
		if (!rp_strings_add(&dst->principals, &dst->nprincipals, src->principals[i]))
			goto fail;
	return 1;
fail:
	rp_key_options_free(dst);
	return 0;
}

/* --- questions ------------------------------------------------------------------ */

int
rp_key_options_from_matches(const struct rp_key_options *opts, const struct rp_addr *from)
{
	char text[64];
	int matched = 0;

	if (opts->nfrom == 0)
		return 1;
	if (from == NULL)
		return 0;
	rp_addr_format(from, text, sizeof(text));
	for (size_t i = 0; i < opts->nfrom; i++) {
		const struct rp_key_from *p = &opts->from[i];
		int m = p->is_cidr ? rp_cidr_contains(&p->cidr, from) :
		    fnmatch(p->glob, text, FNM_CASEFOLD) == 0;
		if (m && p->negate)
			return 0; /* a negated match refuses, whatever else matches */
		matched |= m;
	}
	return matched;
}

int
rp_key_options_allow_open(const struct rp_key_options *opts, const char *host, unsigned port)
{
	if (opts->npermitopen == 0)
		return 1;
	for (size_t i = 0; i < opts->npermitopen; i++) {
		const struct rp_permit_target *t = &opts->permitopen[i];
		if ((strcmp(t->host, "*") == 0 || strcasecmp(t->host, host) == 0) &&
		    (t->port == -1 || (unsigned)t->port == port))
			return 1;
	}
	return 0;
}

int
rp_key_options_allow_listen(const struct rp_key_options *opts, const char *bind,
    unsigned port)
{
	if (opts->npermitlisten == 0)
		return 1;
	for (size_t i = 0; i < opts->npermitlisten; i++) {
		const struct rp_permit_target *t = &opts->permitlisten[i];
		if (fnmatch(t->host, bind, FNM_CASEFOLD) == 0 &&
		    (t->port == -1 || (unsigned)t->port == port))
			return 1;
	}
	return 0;
}

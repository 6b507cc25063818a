/*
 * policy/rules.c: `allow` and `deny` rules in user and group blocks: their
 * grammar, their canonical text, and whether one matches a request.
 *
 *     allow ACTION [TARGETS] [from SOURCES] [at DAYS HH:MM-HH:MM]
 *
 *     action          targets
 *     login shell pty x11 agent   none
 *     exec            none (any command) or "COMMAND"... (exact)
 *     subsystem       NAME...
 *     env             PATTERN... (globs on variable names)
 *     forward         HOSTPATTERN:PORTS, CIDR:PORTS, [IPV6-CIDR]:PORTS ...
 *     remote-forward  BIND:PORTS ... with BIND localhost, *, or an address
 *     PORTS           *, N, N-M, or a comma list of those
 *
 * `from` and `at` are keywords only when unquoted, so "from" in quotes is a
 * target. Every condition of a rule must hold for it to match.
 *
 * Addresses: an `allow` rule with a CIDR target matches only when every
 * address the target resolved to is inside the CIDR, and an allow for a
 * bind address only when the bind stays within it; a `deny` rule matches
 * when any of them is. Restrictions fail closed: a name that resolves to
 * one denied address among others is denied.
 */
#include "policy/parse.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOST_PATTERN 255
#define TEXT_MAX 8192

/* --- targets -------------------------------------------------------------- */

static int
is_keyword(const struct rp_token *w, const char *kw)
{
	return w->kind == RP_TOK_WORD && strcmp(w->text, kw) == 0;
}

/* PORTS: "*", or "22", "8000-8080", "22,80,443". */
static int
parse_ports(const char *text, unsigned lo_min, struct rp_ports *out, const char **why)
{
	const char *s = text;

	memset(out, 0, sizeof(*out));
	if (strcmp(text, "*") == 0) {
		out->any = 1;
		return 1;
	}
	for (;;) {
		const char *comma = strchr(s, ','), *dash;
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		char a[8], b[8];
		uint64_t lo, hi;
		struct rp_port_range *grown;

		dash = memchr(s, '-', len);
		if (len == 0 || (dash != NULL && (dash == s || dash == s + len - 1)))
			goto bad;
		if (dash == NULL) {
			if (len >= sizeof(a))
				goto bad;
			memcpy(a, s, len);
			a[len] = '\0';
			if (!rp_parse_count(a, &lo))
				goto bad;
			hi = lo;
		} else {
			size_t la = (size_t)(dash - s), lb = len - la - 1;
			if (la >= sizeof(a) || lb >= sizeof(b))
				goto bad;
			memcpy(a, s, la);
			a[la] = '\0';
			memcpy(b, dash + 1, lb);
			b[lb] = '\0';
			if (!rp_parse_count(a, &lo) || !rp_parse_count(b, &hi))
				goto bad;
			if (lo > hi) {
				*why = "a port range must go from low to high";
				goto fail;
			}
		}
		if (lo < lo_min || hi > 65535) {
			*why = lo_min == 0 ? "ports are 0 to 65535" : "ports are 1 to 65535";
			goto fail;
		}
		if ((grown = rp_array_grow(out->ranges, out->n, sizeof(*grown))) == NULL) {
			*why = "out of memory";
			goto fail;
		}
		out->ranges = grown;
		grown[out->n].lo = (uint16_t)lo;
		grown[out->n++].hi = (uint16_t)hi;
		if (comma == NULL)
			return 1;
		s = comma + 1;
	}
bad:
	*why = "expected PORTS as *, N, N-M or a comma list of those";
fail:
	free(out->ranges);
	memset(out, 0, sizeof(*out));
	return 0;
}

static void
format_ports(const struct rp_ports *ports, char *buf, size_t bufsz, size_t *off)
{
	if (ports->any) {
		*off += (size_t)snprintf(buf + *off, bufsz - *off, "*");
		return;
	}
	for (size_t i = 0; i < ports->n && *off < bufsz; i++) {
		const struct rp_port_range *r = &ports->ranges[i];
		if (r->lo == r->hi)
			*off += (size_t)snprintf(buf + *off, bufsz - *off, "%s%u", i ? "," : "", r->lo);
		else
			*off += (size_t)snprintf(buf + *off, bufsz - *off, "%s%u-%u", i ? "," : "",
			    r->lo, r->hi);
	}
}

static int
ports_contain(const struct rp_ports *ports, unsigned port)
{
	if (ports->any)
		return 1;
	for (size_t i = 0; i < ports->n; i++)
		if (port >= ports->ranges[i].lo && port <= ports->ranges[i].hi)
			return 1;
	return 0;
}

/* Split "HOST:PORTS" or "[V6]:PORTS" into host and ports text. */
static int
split_host_port(const char *text, char *host, size_t hostsz, const char **ports,
    int *bracketed, const char **why)
{
	const char *colon, *close;
	size_t len;

	*bracketed = text[0] == '[';
	if (*bracketed) {
		if ((close = strchr(text, ']')) == NULL || close[1] != ':') {
			*why = "expected [IPV6-ADDRESS]:PORTS";
			return 0;
		}
		len = (size_t)(close - text - 1);
		colon = close + 1;
		text++;
	} else {
		if ((colon = strchr(text, ':')) == NULL) {
			*why = "missing ':PORTS'";
			return 0;
		}
		if (strchr(colon + 1, ':') != NULL) {
			*why = "an IPv6 address must be in brackets, as [2001:db8::/32]:443";
			return 0;
		}
		len = (size_t)(colon - text);
	}
	if (len == 0) {
		*why = "missing host before ':'";
		return 0;
	}
	if (len >= hostsz) {
		*why = "host too long";
		return 0;
	}
	memcpy(host, text, len);
	host[len] = '\0';
	*ports = colon + 1;
	return 1;
}

/* Looks like a number or address (digits, dots, slash): then it must parse
 * as one, not be taken as a host pattern. */
static int
looks_numeric(const char *s)
{
	return strspn(s, "0123456789./") == strlen(s);
}

/* Host patterns: letters, digits, '.', '-', '_' and the wildcards * ?. */
static int
valid_host_pattern(const char *s)
{
	return strlen(s) <= MAX_HOST_PATTERN && strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_*?") == strlen(s);
}

static int
parse_forward(struct parser *p, const struct rp_token *w, struct rp_forward_target *out)
{
	char host[MAX_HOST_PATTERN + 2], ex[80];
	const char *ports, *why;
	int bracketed;

	memset(out, 0, sizeof(*out));
	if (!split_host_port(w->text, host, sizeof(host), &ports, &bracketed, &why))
		goto bad;
	if (bracketed || looks_numeric(host)) {
		if (!rp_cidr_parse(host, &out->cidr, &why))
			goto bad;
		if (bracketed != (strchr(host, ':') != NULL)) {
			why = "IPv6 and only IPv6 goes in brackets";
			goto bad;
		}
	} else {
		if (!valid_host_pattern(host)) {
			why = "a host pattern has letters, digits, '.', '-', '_' and the wildcards "
			    "'*' and '?'";
			goto bad;
		}
		for (char *c = host; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if ((out->host = strdup(host)) == NULL)
			return rp_out_of_memory(p, w);
	}
	if (!parse_ports(ports, 1, &out->ports, &why)) {
		free(out->host);
		out->host = NULL;
		goto bad;
	}
	return 1;
bad:
	return rp_perr(p, w, "invalid forward target '%s': %s; expected HOSTPATTERN:PORTS, "
	    "CIDR:PORTS or [IPV6-CIDR]:PORTS, such as db*.corp.example:5432 or 10.0.0.0/8:22",
	    rp_diag_excerpt(w->text, ex, sizeof(ex)), why);
}

static int
parse_bind(struct parser *p, const struct rp_token *w, struct rp_bind_target *out)
{
	char host[MAX_HOST_PATTERN + 2], ex[80];
	const char *ports, *why;
	int bracketed;

	memset(out, 0, sizeof(*out));
	if (!split_host_port(w->text, host, sizeof(host), &ports, &bracketed, &why))
		goto bad;
	if (!bracketed && strcmp(host, "*") == 0) {
		out->kind = RP_BIND_ANY;
	} else if (!bracketed && strcmp(host, "localhost") == 0) {
		out->kind = RP_BIND_LOCALHOST;
	} else if (rp_addr_parse(host, &out->addr) && bracketed == (strchr(host, ':') != NULL)) {
		out->kind = RP_BIND_ADDR;
	} else {
		why = "the bind address must be localhost, * or a numeric address (IPv6 in "
		    "brackets)";
		goto bad;
	}
	if (!parse_ports(ports, 0, &out->ports, &why))
		goto bad;
	return 1;
bad:
	return rp_perr(p, w, "invalid remote-forward target '%s': %s; expected BIND:PORTS, such "
	    "as localhost:8080, *:8000-8099 or [::1]:9000",
	    rp_diag_excerpt(w->text, ex, sizeof(ex)), why);
}

/* Subsystem names, in rules and `subsystem` lines: letters, digits, '.',
 * '_', '-', '@'. */
int
rp_valid_subsystem(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= RP_SUBSYSTEM_MAX && strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") == n;
}

/* Environment variable name patterns: letters, digits, '_', '*', '?'; not
 * starting with a digit. */
static int
valid_env_pattern(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 256 && !(s[0] >= '0' && s[0] <= '9') && strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_*?") == n;
}

/* The targets words[first..end) of the rule's action. */
static int
parse_targets(struct parser *p, const struct stmt *st, size_t first, size_t end,
    struct rp_rule *r)
{
	const struct rp_token *action = &st->words[1];
	char ex[80];

	switch (r->action) {
	case RP_ACTION_EXEC:
	case RP_ACTION_SUBSYSTEM:
	case RP_ACTION_ENV:
	case RP_ACTION_FORWARD:
	case RP_ACTION_REMOTE_FORWARD:
		break;
	default:
		if (first < end)
			return rp_perr(p, &st->words[first], "'%s %s' takes no target, got '%s'; "
			    "expected %s %s [from SOURCES] [at DAYS HH:MM-HH:MM]", st->words[0].text,
			    action->text, rp_diag_excerpt(st->words[first].text, ex, sizeof(ex)),
			    st->words[0].text, action->text);
		return 1;
	}
	if (first == end && r->action != RP_ACTION_EXEC) {
		static const char *const usage[RP_ACTION_COUNT] = {
			[RP_ACTION_SUBSYSTEM] = "NAME... such as sftp",
			[RP_ACTION_ENV] = "PATTERN... such as LANG LC_*",
			[RP_ACTION_FORWARD] = "HOSTPATTERN:PORTS... such as db*.corp.example:5432",
			[RP_ACTION_REMOTE_FORWARD] = "BIND:PORTS... such as localhost:8080",
		};
		return rp_perr(p, action, "'%s %s' needs at least one target; expected %s %s %s",
		    st->words[0].text, action->text, st->words[0].text, action->text,
		    usage[r->action]);
	}
	for (size_t i = first; i < end; i++) {
		const struct rp_token *w = &st->words[i];
		void *grown;

		switch (r->action) {
		case RP_ACTION_EXEC:
			if (w->kind != RP_TOK_STRING)
				return rp_perr(p, w, "exec command '%s' not in double quotes; expected "
				    "each command quoted, such as exec \"uptime\" \"df -h\"",
				    rp_diag_excerpt(w->text, ex, sizeof(ex)));
			if (w->len == 0)
				return rp_perr(p, w, "empty exec command; expected a command, or "
				    "'exec' alone for any command");
			break;
		case RP_ACTION_SUBSYSTEM:
			if (!rp_valid_subsystem(w->text))
				return rp_perr(p, w, "invalid subsystem name '%s'; expected "
				    RP_SUBSYSTEM_RULE ", such as sftp",
				    rp_diag_excerpt(w->text, ex, sizeof(ex)));
			break;
		case RP_ACTION_ENV:
			if (!valid_env_pattern(w->text))
				return rp_perr(p, w, "invalid environment variable pattern '%s'; "
				    "expected letters, digits, '_' and the wildcards '*' and '?', such "
				    "as LC_*", rp_diag_excerpt(w->text, ex, sizeof(ex)));
			break;
		case RP_ACTION_FORWARD:
			grown = rp_array_grow(r->forwards, r->nforwards, sizeof(*r->forwards));
			if (grown == NULL)
				return rp_out_of_memory(p, w);
			r->forwards = grown;
			if (!parse_forward(p, w, &r->forwards[r->nforwards]))
				return 0;
			r->nforwards++;
			continue;
		case RP_ACTION_REMOTE_FORWARD:
			grown = rp_array_grow(r->binds, r->nbinds, sizeof(*r->binds));
			if (grown == NULL)
				return rp_out_of_memory(p, w);
			r->binds = grown;
			if (!parse_bind(p, w, &r->binds[r->nbinds]))
				return 0;
			r->nbinds++;
			continue;
		default:
			break;
		}
		for (size_t j = 0; j < r->nargs; j++)
			if (strcmp(r->args[j], w->text) == 0)
				return rp_perr(p, w, "'%s' is listed twice; expected each target once",
				    rp_diag_excerpt(w->text, ex, sizeof(ex)));
		if (!rp_strings_add(&r->args, &r->nargs, w->text))
			return rp_out_of_memory(p, w);
	}
	return 1;
}

/* --- canonical text --------------------------------------------------------- */

static char *
rule_text(const struct rp_rule *r)
{
	char *buf = malloc(TEXT_MAX), a[64], q[RP_LEX_MAX_TOKEN * 2 + 3];
	size_t off;

	if (buf == NULL)
		return NULL;
	off = (size_t)snprintf(buf, TEXT_MAX, "%s %s", r->allow ? "allow" : "deny",
	    rp_action_name(r->action));
	for (size_t i = 0; i < r->nargs && off < TEXT_MAX; i++)
		off += (size_t)snprintf(buf + off, TEXT_MAX - off, " %s",
		    r->action == RP_ACTION_EXEC ? rp_quote(r->args[i], q, sizeof(q)) : r->args[i]);
	for (size_t i = 0; i < r->nforwards && off < TEXT_MAX; i++) {
		const struct rp_forward_target *f = &r->forwards[i];
		if (f->host != NULL)
			off += (size_t)snprintf(buf + off, TEXT_MAX - off, " %s:", f->host);
		else if (f->cidr.net.family == AF_INET6)
			off += (size_t)snprintf(buf + off, TEXT_MAX - off, " [%s]:",
			    rp_cidr_format(&f->cidr, a, sizeof(a)));
		else
			off += (size_t)snprintf(buf + off, TEXT_MAX - off, " %s:",
			    rp_cidr_format(&f->cidr, a, sizeof(a)));
		if (off < TEXT_MAX)
			format_ports(&f->ports, buf, TEXT_MAX, &off);
	}
	for (size_t i = 0; i < r->nbinds && off < TEXT_MAX; i++) {
		const struct rp_bind_target *b = &r->binds[i];
		if (b->kind == RP_BIND_ANY)
			off += (size_t)snprintf(buf + off, TEXT_MAX - off, " *:");
		else if (b->kind == RP_BIND_LOCALHOST)
			off += (size_t)snprintf(buf + off, TEXT_MAX - off, " localhost:");
		else if (b->addr.family == AF_INET6)
			off += (size_t)snprintf(buf + off, TEXT_MAX - off, " [%s]:",
			    rp_addr_format(&b->addr, a, sizeof(a)));
		else
			off += (size_t)snprintf(buf + off, TEXT_MAX - off, " %s:",
			    rp_addr_format(&b->addr, a, sizeof(a)));
		if (off < TEXT_MAX)
			format_ports(&b->ports, buf, TEXT_MAX, &off);
	}
	if (r->has_from && off < TEXT_MAX) {
		off += (size_t)snprintf(buf + off, TEXT_MAX - off, " from");
		rp_sources_format(&r->from, buf, TEXT_MAX, &off);
	}
	if (r->at.set && off < TEXT_MAX)
		snprintf(buf + off, TEXT_MAX - off, " at %s", rp_window_format(&r->at, q, sizeof(q)));
	return buf;
}

/* --- the directive ----------------------------------------------------------- */

static int
parse_conditions(struct parser *p, const struct stmt *st, size_t i, struct rp_rule *r)
{
	const char *why;
	char ex[80];
	int bad_times;

	while (i < st->n) {
		const struct rp_token *kw = &st->words[i];
		if (is_keyword(kw, "from")) {
			size_t end = i + 1;
			if (r->has_from)
				return rp_perr(p, kw, "'from' given twice; expected one 'from' with "
				    "all the sources");
			while (end < st->n && !is_keyword(&st->words[end], "at") &&
			    !is_keyword(&st->words[end], "from"))
				end++;
			if (!rp_parse_sources(p, st, i + 1, end, 1, &r->from))
				return 0;
			r->has_from = 1;
			i = end;
		} else if (is_keyword(kw, "at")) {
			if (r->at.set)
				return rp_perr(p, kw, "'at' given twice; expected one window per rule");
			if (i + 2 >= st->n || is_keyword(&st->words[i + 1], "from") ||
			    is_keyword(&st->words[i + 2], "from"))
				return rp_perr(p, kw, "'at' needs DAYS and HH:MM-HH:MM; expected a window "
				    "such as at Mon-Fri 08:00-18:00");
			if (!rp_window_parse(st->words[i + 1].text, st->words[i + 2].text, &r->at,
			    &why, &bad_times)) {
				const struct rp_token *w = &st->words[i + 1 + (bad_times ? 1 : 0)];
				return rp_perr(p, w, "invalid window '%s': %s",
				    rp_diag_excerpt(w->text, ex, sizeof(ex)), why);
			}
			i += 3;
		} else {
			return rp_perr(p, kw, "unexpected '%s' after the conditions; expected 'from' "
			    "or 'at'", rp_diag_excerpt(kw->text, ex, sizeof(ex)));
		}
	}
	return 1;
}

int
rp_do_rule(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *action = &st->words[1];
	struct rp_block *b = rp_current_block(p);
	struct rp_rule r, *grown;
	char list[256], ex[80];
	size_t end = 2, off = 0;

	memset(&r, 0, sizeof(r));
	r.allow = d->lo != 0;
	r.pos = rp_at(p, &st->words[0]);
	if (action->kind != RP_TOK_WORD || !rp_action_from_name(action->text, &r.action)) {
		for (unsigned i = 0; i < RP_ACTION_COUNT && off < sizeof(list); i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
			    rp_action_name((enum rp_action)i));
		return rp_perr(p, action, "unknown action '%s' (expected one of: %s)",
		    rp_diag_excerpt(action->text, ex, sizeof(ex)), list);
	}
	while (end < st->n && !is_keyword(&st->words[end], "from") &&
	    !is_keyword(&st->words[end], "at"))
		end++;
	if (!parse_targets(p, st, 2, end, &r) || !parse_conditions(p, st, end, &r) ||
	    (r.text = rule_text(&r)) == NULL ||
	    (grown = rp_array_grow(b->rules, b->nrules, sizeof(*grown))) == NULL) {
		if (p->diag->error[0] == '\0')
			rp_out_of_memory(p, action);
		rp_rule_free(&r);
		return 0;
	}
	b->rules = grown;
	grown[b->nrules++] = r;
	return 1;
}

/* --- matching -------------------------------------------------------------------- */

/* The addresses a forward request goes to: those the monitor resolved, or
 * the name itself when it is a numeric address. */
static size_t
forward_addrs(const struct rp_request *req, const struct rp_addr **addrs, struct rp_addr *own)
{
	char host[64];
	size_t len;

	if (req->naddrs > 0) {
		*addrs = req->addrs;
		return req->naddrs;
	}
	if (req->name == NULL || (len = strlen(req->name)) >= sizeof(host))
		return 0;
	memcpy(host, req->name, len + 1);
	if (len > 2 && host[0] == '[' && host[len - 1] == ']') {
		memmove(host, host + 1, len - 2);
		host[len - 2] = '\0';
	}
	if (!rp_addr_parse(host, own))
		return 0;
	*addrs = own;
	return 1;
}

static int
forward_matches(const struct rp_rule *r, const struct rp_forward_target *f,
    const struct rp_request *req)
{
	const struct rp_addr *addrs = NULL;
	struct rp_addr own;
	size_t n, inside = 0;

	if (!ports_contain(&f->ports, req->port))
		return 0;
	if (f->host != NULL)
		return req->name != NULL && fnmatch(f->host, req->name, FNM_CASEFOLD) == 0;
	if ((n = forward_addrs(req, &addrs, &own)) == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		inside += rp_cidr_contains(&f->cidr, &addrs[i]) != 0;
	return r->allow ? inside == n : inside > 0;
}

enum bind_request {
	BIND_REQ_WILDCARD,  /* "", "*", 0.0.0.0, :: : all interfaces */
	BIND_REQ_LOCALHOST, /* "localhost" */
	BIND_REQ_ADDR,      /* a numeric address */
	BIND_REQ_OTHER,     /* a name the policy cannot place */
};

static enum bind_request
bind_request(const char *name, struct rp_addr *addr)
{
	static const uint8_t zero[16];

	if (name == NULL || name[0] == '\0' || strcmp(name, "*") == 0)
		return BIND_REQ_WILDCARD;
	if (strcmp(name, "localhost") == 0)
		return BIND_REQ_LOCALHOST;
	if (!rp_addr_parse(name, addr))
		return BIND_REQ_OTHER;
	if (memcmp(addr->bytes, zero, sizeof(zero)) == 0)
		return BIND_REQ_WILDCARD;
	return BIND_REQ_ADDR;
}

/* An allow matches when the bind stays within the target; a deny when the
 * bind reaches into it. */
static int
bind_matches(const struct rp_rule *r, const struct rp_bind_target *b,
    const struct rp_request *req)
{
	struct rp_addr addr;
	enum bind_request kind = bind_request(req->name, &addr);

	if (!ports_contain(&b->ports, req->port))
		return 0;
	if (b->kind == RP_BIND_ANY)
		return 1;
	if (!r->allow && (kind == BIND_REQ_WILDCARD || kind == BIND_REQ_OTHER))
		return 1;
	if (b->kind == RP_BIND_LOCALHOST)
		return kind == BIND_REQ_LOCALHOST || (kind == BIND_REQ_ADDR &&
		    rp_addr_is_loopback(&addr));
	if (kind == BIND_REQ_ADDR)
		return rp_addr_equal(&b->addr, &addr);
	return kind == BIND_REQ_LOCALHOST && !r->allow && rp_addr_is_loopback(&b->addr);
}

int
rp_rule_matches(const struct rp_rule *r, const struct rp_addr *from,
    const struct rp_when *when, const struct rp_request *req)
{
	const char *name = req->name != NULL ? req->name : "";

	if (r->action != req->action)
		return 0;
	/* A condition on something unknown (NULL) fails closed: an allow
	 * does not match, a deny does. */
	if (r->has_from && (from == NULL ? r->allow : !rp_sources_match(&r->from, from)))
		return 0;
	if (r->at.set && (when == NULL ? r->allow : !rp_window_contains(&r->at, when)))
		return 0;
	switch (r->action) {
	case RP_ACTION_EXEC:
		if (r->nargs == 0)
			return 1;
		/* FALLTHROUGH */
	case RP_ACTION_SUBSYSTEM:
		for (size_t i = 0; i < r->nargs; i++)
			if (strcmp(r->args[i], name) == 0)
				return 1;
		return 0;
	case RP_ACTION_ENV:
		for (size_t i = 0; i < r->nargs; i++)
			if (fnmatch(r->args[i], name, 0) == 0)
				return 1;
		return 0;
	case RP_ACTION_FORWARD:
		for (size_t i = 0; i < r->nforwards; i++)
			if (forward_matches(r, &r->forwards[i], req))
				return 1;
		return 0;
	case RP_ACTION_REMOTE_FORWARD:
		for (size_t i = 0; i < r->nbinds; i++)
			if (bind_matches(r, &r->binds[i], req))
				return 1;
		return 0;
	default:
		return 1;
	}
}

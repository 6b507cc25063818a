/*
 * policy/admission.c: who may connect at all, before any SSH is spoken.
 *
 *     admit from 10.0.0.0/8 2001:db8::/32 rate 20/1m burst 40
 *     refuse from 10.66.0.0/16
 *     admit from any
 *
 * First match in file order (across included files, in include order); no
 * match refuses the connection. A rate limit belongs to its rule: the
 * policy stores it, the monitor keeps the counters. Also here: SOURCES
 * lists, which rules' `from` conditions and the penalties' `exempt` share.
 */
#include "policy/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RATE 1000000

#define SOURCES_EXPECTED "expected 'any', or addresses and networks such as 10.0.0.0/8, " \
	"192.0.2.7 or 2001:db8::/32"

int
rp_parse_sources(struct parser *p, const struct stmt *st, size_t first, size_t end,
    int allow_any, struct rp_sources *out)
{
	struct rp_cidr cidr, *grown;
	const char *why;
	char ex[80], a[64];

	memset(out, 0, sizeof(*out));
	if (first >= end)
		return rp_perr(p, &st->words[first - 1], "no sources after '%s'; %s",
		    st->words[first - 1].text, allow_any ? SOURCES_EXPECTED :
		    "expected addresses and networks such as 10.0.0.0/8 or 2001:db8::/32");
	for (size_t i = first; i < end; i++) {
		const struct rp_token *w = &st->words[i];
		if (allow_any && strcmp(w->text, "any") == 0) {
			if (end - first > 1) {
				rp_sources_free(out);
				return rp_perr(p, w, "'any' with other sources; expected 'any' alone, "
				    "or a list of addresses and networks");
			}
			out->any = 1;
			continue;
		}
		if (!rp_cidr_parse(w->text, &cidr, &why)) {
			rp_sources_free(out);
			return rp_perr(p, w, "invalid source '%s': %s; %s",
			    rp_diag_excerpt(w->text, ex, sizeof(ex)), why, allow_any ?
			    SOURCES_EXPECTED : "expected addresses and networks such as 10.0.0.0/8 "
			    "or 2001:db8::/32");
		}
		for (size_t j = 0; j < out->ncidrs; j++) {
			if (rp_addr_equal(&out->cidrs[j].net, &cidr.net) &&
			    out->cidrs[j].prefix == cidr.prefix) {
				rp_sources_free(out);
				return rp_perr(p, w, "source %s is listed twice; expected each once",
				    rp_cidr_format(&cidr, a, sizeof(a)));
			}
		}
		if ((grown = rp_array_grow(out->cidrs, out->ncidrs, sizeof(*grown))) == NULL) {
			rp_sources_free(out);
			return rp_out_of_memory(p, w);
		}
		out->cidrs = grown;
		grown[out->ncidrs++] = cidr;
	}
	return 1;
}

void
rp_sources_format(const struct rp_sources *s, char *buf, size_t bufsz, size_t *off)
{
	char a[64];

	if (s->any) {
		*off += (size_t)snprintf(buf + *off, *off < bufsz ? bufsz - *off : 0, " any");
		return;
	}
	for (size_t i = 0; i < s->ncidrs && *off < bufsz; i++)
		*off += (size_t)snprintf(buf + *off, bufsz - *off, " %s",
		    rp_cidr_format(&s->cidrs[i], a, sizeof(a)));
}

/* "N/DURATION". */
static int
parse_rate(struct parser *p, const struct rp_token *tok, struct rp_rate *rate)
{
	const char *slash = strchr(tok->text, '/');
	char count[24], ex[80];
	uint64_t n;
	unsigned period;

	if (slash == NULL || (size_t)(slash - tok->text) >= sizeof(count))
		goto bad;
	memcpy(count, tok->text, (size_t)(slash - tok->text));
	count[slash - tok->text] = '\0';
	if (!rp_parse_count(count, &n) || n < 1 || n > MAX_RATE ||
	    !rp_parse_duration(slash + 1, &period) || period < 1 || period > 86400)
		goto bad;
	rate->count = (unsigned)n;
	rate->period_s = period;
	rate->burst = (unsigned)n;
	return 1;
bad:
	return rp_perr(p, tok, "invalid rate '%s'; expected N/DURATION with N from 1 to %d and "
	    "DURATION from 1s to 1d, such as 20/1m", rp_diag_excerpt(tok->text, ex, sizeof(ex)),
	    MAX_RATE);
}

int
rp_do_admission(struct parser *p, const struct directive *d, const struct stmt *st)
{
	struct rp_policy *policy = p->policy;
	struct rp_admission_rule rule, *grown;
	size_t end = st->n, off;
	char text[4096], dur[24], ex[80];
	uint64_t burst;

	memset(&rule, 0, sizeof(rule));
	rule.admit = strcmp(d->name, "admit") == 0;
	if (st->words[1].kind != RP_TOK_WORD || strcmp(st->words[1].text, "from") != 0)
		return rp_perr(p, &st->words[1], "'%s' expects 'from' first, got '%s'; expected "
		    "%s %s", d->name, rp_diag_excerpt(st->words[1].text, ex, sizeof(ex)), d->name,
		    d->usage);
	for (size_t i = 2; i < st->n; i++) {
		if (st->words[i].kind == RP_TOK_WORD && (strcmp(st->words[i].text, "rate") == 0 ||
		    strcmp(st->words[i].text, "burst") == 0)) {
			end = i;
			break;
		}
	}
	if (end < st->n) {
		const struct rp_token *kw = &st->words[end];
		if (!rule.admit)
			return rp_perr(p, kw, "'refuse' takes no rate; expected refuse from SOURCES");
		if (strcmp(kw->text, "rate") != 0)
			return rp_perr(p, kw, "'burst' without 'rate' before it; expected admit from "
			    "SOURCES rate N/DURATION burst M");
		if (end + 1 >= st->n)
			return rp_perr(p, kw, "'rate' without a value; expected rate N/DURATION, "
			    "such as rate 20/1m");
		if (!parse_rate(p, &st->words[end + 1], &rule.rate))
			return 0;
		if (end + 2 < st->n) {
			const struct rp_token *b = &st->words[end + 2];
			if (strcmp(b->text, "burst") != 0)
				return rp_perr(p, b, "unexpected '%s' after the rate; expected "
				    "[burst M] and the end of the line",
				    rp_diag_excerpt(b->text, ex, sizeof(ex)));
			if (end + 3 == st->n)
				return rp_perr(p, b, "'burst' without a value; expected burst M");
			if (end + 4 < st->n)
				return rp_perr(p, &st->words[end + 4], "unexpected '%s' after the burst; "
				    "expected the end of the line",
				    rp_diag_excerpt(st->words[end + 4].text, ex, sizeof(ex)));
			if (!rp_parse_count(st->words[end + 3].text, &burst) || burst < 1 ||
			    burst > MAX_RATE)
				return rp_perr(p, &st->words[end + 3], "'burst' expects a whole number "
				    "from 1 to %d, got '%s'", MAX_RATE,
				    rp_diag_excerpt(st->words[end + 3].text, ex, sizeof(ex)));
			rule.rate.burst = (unsigned)burst;
		}
	}
	if (!rp_parse_sources(p, st, 2, end, 1, &rule.from))
		return 0;
	off = (size_t)snprintf(text, sizeof(text), "%s from", d->name);
	rp_sources_format(&rule.from, text, sizeof(text), &off);
	if (rule.rate.count > 0 && off < sizeof(text))
		snprintf(text + off, sizeof(text) - off, " rate %u/%s burst %u", rule.rate.count,
		    rp_format_duration(rule.rate.period_s, dur, sizeof(dur)), rule.rate.burst);
	rule.pos = rp_at(p, &st->words[0]);
	rule.number = (unsigned)policy->nadmission + 1;
	grown = rp_array_grow(policy->admission, policy->nadmission, sizeof(*grown));
	if (grown == NULL || (rule.text = strdup(text)) == NULL) {
		if (grown != NULL)
			policy->admission = grown;
		rp_sources_free(&rule.from);
		return rp_out_of_memory(p, &st->words[0]);
	}
	policy->admission = grown;
	grown[policy->nadmission++] = rule;
	return 1;
}

const struct rp_admission_rule *
rp_policy_admission(const struct rp_policy *policy, const struct rp_addr *from)
{
	for (size_t i = 0; i < policy->nadmission; i++)
		if (rp_sources_match(&policy->admission[i].from, from))
			return &policy->admission[i];
	return NULL;
}

int
rp_policy_penalty_exempt(const struct rp_policy *policy, const struct rp_addr *from)
{
	return rp_sources_match(&policy->penalties.exempt, from);
}

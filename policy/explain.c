/*
 * policy/explain.c: `rampartctl explain USER FROM-ADDRESS [ACTION...]`:
 * the decisions the monitor would make, each with the rule that made it.
 *
 *     admission: admitted by rule 1, FILE:LINE: admit from 10.0.0.0/8
 *     principal: alice: user block at FILE:LINE, then group admins
 *     login at Mon 14:00: allowed by user alice, FILE:LINE: allow login
 *     auth: publickey (default)
 *     method publickey: usable: 1 key
 *     forward db01:5432: denied: no rule allows it: deny by default
 *     result: denied
 *
 * For the auth chains it says, for each method, whether it can succeed for
 * this principal: publickey needs keys, key files or a CA, password a
 * password-hash or `password system`, keyboard-interactive totp-secrets.
 * When no chain can complete, the user cannot log in and the result is
 * "denied".
 *
 * The words of an action are parsed here too, so that the golden tests
 * drive explain exactly as rampartctl does.
 */
#include "policy/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COMMAND 4096

/* "HOST:PORT" or "[V6]:PORT" into host and port. */
static int
host_port(const char *text, char *host, size_t hostsz, unsigned max_port_min,
    unsigned *port, const char **why)
{
	const char *colon;
	size_t len;
	uint64_t v;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL || close[1] != ':') {
			*why = "expected [IPV6-ADDRESS]:PORT";
			return 0;
		}
		len = (size_t)(close - text - 1);
		text++;
		colon = close + 1;
	} else {
		if ((colon = strrchr(text, ':')) == NULL) {
			*why = "expected HOST:PORT";
			return 0;
		}
		if (memchr(text, ':', (size_t)(colon - text)) != NULL) {
			*why = "an IPv6 address must be in brackets, as [2001:db8::1]:443";
			return 0;
		}
		len = (size_t)(colon - text);
	}
	if (len >= hostsz) {
		*why = "host too long";
		return 0;
	}
	memcpy(host, text, len);
	host[len] = '\0';
	if (!rp_parse_count(colon + 1, &v) || v < max_port_min || v > 65535) {
		*why = max_port_min ? "the port must be a number from 1 to 65535" :
		    "the port must be a number from 0 to 65535";
		return 0;
	}
	*port = (unsigned)v;
	return 1;
}

int
rp_request_from_words(size_t nwords, char *const *words, struct rp_request *out,
    char *hostbuf, size_t hostbufsz, char *why, size_t whysz)
{
	const char *reason = NULL;
	size_t want;

	memset(out, 0, sizeof(*out));
	out->action = RP_ACTION_LOGIN;
	if (nwords == 0)
		return 1;
	if (!rp_action_from_name(words[0], &out->action)) {
		snprintf(why, whysz, "unknown action '%s'; expected login, shell, exec [COMMAND], "
		    "subsystem NAME, pty, env NAME, forward HOST:PORT, remote-forward BIND:PORT, "
		    "x11 or agent", words[0]);
		return 0;
	}
	switch (out->action) {
	case RP_ACTION_EXEC:
		want = nwords <= 2 ? nwords : 2;
		break;
	case RP_ACTION_SUBSYSTEM:
	case RP_ACTION_ENV:
	case RP_ACTION_FORWARD:
	case RP_ACTION_REMOTE_FORWARD:
		want = 2;
		break;
	default:
		want = 1;
		break;
	}
	if (nwords != want) {
		snprintf(why, whysz, "'%s' takes %s", words[0], want == 1 ? "no argument" :
		    out->action == RP_ACTION_EXEC ? "at most one argument (quote the command)" :
		    "one argument");
		return 0;
	}
	if (want == 1)
		return 1;
	switch (out->action) {
	case RP_ACTION_FORWARD:
		if (!host_port(words[1], hostbuf, hostbufsz, 1, &out->port, &reason))
			break;
		out->name = hostbuf;
		return 1;
	case RP_ACTION_REMOTE_FORWARD:
		if (!host_port(words[1], hostbuf, hostbufsz, 0, &out->port, &reason))
			break;
		out->name = hostbuf;
		return 1;
	default:
		if (strlen(words[1]) > MAX_COMMAND) {
			reason = "too long";
			break;
		}
		out->name = words[1];
		return 1;
	}
	snprintf(why, whysz, "'%s %s': %s", words[0], words[1], reason);
	return 0;
}

/* "forward db01:5432", "exec \"uptime\"". */
static void
describe(const struct rp_request *req, char *buf, size_t bufsz)
{
	const char *action = rp_action_name(req->action);
	char q[MAX_COMMAND * 2 + 3];
	int v6 = req->name != NULL && strchr(req->name, ':') != NULL;

	switch (req->action) {
	case RP_ACTION_EXEC:
		if (req->name == NULL)
			snprintf(buf, bufsz, "exec");
		else
			snprintf(buf, bufsz, "exec %s", rp_quote(req->name, q, sizeof(q)));
		break;
	case RP_ACTION_SUBSYSTEM:
	case RP_ACTION_ENV:
		snprintf(buf, bufsz, "%s %s", action, req->name);
		break;
	case RP_ACTION_FORWARD:
	case RP_ACTION_REMOTE_FORWARD:
		snprintf(buf, bufsz, "%s %s%s%s:%u", action, v6 ? "[" : "", req->name, v6 ? "]" : "",
		    req->port);
		break;
	default:
		snprintf(buf, bufsz, "%s", action);
		break;
	}
}

static void
print_decision(FILE *out, const char *what, const struct rp_decision *d)
{
	if (d->rule == NULL) {
		fprintf(out, "%s: denied: no rule allows it: deny by default\n", what);
		return;
	}
	fprintf(out, "%s: %s by %s, %s:%u: %s\n", what, d->allow ? "allowed" : "denied", d->block,
	    d->pos.file, d->pos.line, d->rule);
}

static int
explain_admission(FILE *out, const struct rp_policy *policy, const struct rp_addr *from)
{
	const struct rp_admission_rule *rule = rp_policy_admission(policy, from);
	char a[64];

	rp_addr_format(from, a, sizeof(a));
	if (rule == NULL) {
		fprintf(out, "admission: %s refused: no admit or refuse rule matches: deny by "
		    "default\n", a);
		return 0;
	}
	fprintf(out, "admission: %s %s by rule %u, %s:%u: %s\n", a,
	    rule->admit ? "admitted" : "refused", rule->number, rule->pos.file, rule->pos.line,
	    rule->text);
	return rule->admit;
}

static void
explain_principal(FILE *out, const struct rp_principal *pr)
{
	fprintf(out, "principal: %s: ", pr->name);
	if (pr->user != NULL)
		fprintf(out, "user block at %s:%u", pr->user->pos.file, pr->user->pos.line);
	else
		fprintf(out, "no user block");
	for (size_t i = 0; i < pr->ngroups; i++)
		fprintf(out, "%sgroup %s", i == 0 ? ", then " : ", ", pr->groups[i]->name);
	fputc('\n', out);
}

static void
chain_text(const struct rp_auth_chain *c, char *buf, size_t bufsz)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t m = 0; m < c->n && off < bufsz; m++)
		off += (size_t)snprintf(buf + off, bufsz - off, "%s%s", m ? "+" : "",
		    rp_auth_method_name(c->methods[m]));
}

static const struct rp_block *
nth_block(const struct rp_principal *pr, size_t i, const struct rp_policy_key **keys,
    size_t *nkeys)
{
	if (pr->user != NULL && i == 0) {
		*keys = pr->user->keys;
		*nkeys = pr->user->nkeys;
		return pr->user->block;
	}
	i -= pr->user != NULL;
	*keys = pr->groups[i]->keys;
	*nkeys = pr->groups[i]->nkeys;
	return pr->groups[i]->block;
}

/* What publickey can use: "2 keys, 1 CA, 1 key file read at login". 0 when
 * nothing. */
static int
publickey_means(const struct rp_principal *pr, char *buf, size_t bufsz)
{
	size_t nkeys = 0, ncas = 0, nfiles = 0, off = 0;
	const char *sep = "";

	for (size_t i = 0; i < (pr->user != NULL) + pr->ngroups; i++) {
		const struct rp_policy_key *keys;
		size_t n;
		const struct rp_block *b = nth_block(pr, i, &keys, &n);
		for (size_t k = 0; k < n; k++) {
			if (keys[k].options.cert_authority)
				ncas++;
			else
				nkeys++;
		}
		ncas += b->ncas;
		nfiles += b->nkeyfiles;
	}
	buf[0] = '\0';
	if (nkeys > 0) {
		off += (size_t)snprintf(buf + off, bufsz - off, "%zu key%s", nkeys,
		    nkeys == 1 ? "" : "s");
		sep = ", ";
	}
	if (ncas > 0 && off < bufsz) {
		off += (size_t)snprintf(buf + off, bufsz - off, "%s%zu CA%s", sep, ncas,
		    ncas == 1 ? "" : "s");
		sep = ", ";
	}
	if (nfiles > 0 && off < bufsz)
		snprintf(buf + off, bufsz - off, "%s%zu key file%s read at login", sep, nfiles,
		    nfiles == 1 ? "" : "s");
	return nkeys + ncas + nfiles > 0;
}

/* Can method succeed for pr: does the policy give it what it checks? why
 * says what it uses, or what is missing. */
static int
method_usable(const struct rp_principal *pr, enum rp_auth_method m, char *why, size_t whysz)
{
	struct rp_password_setting pw;
	struct rp_totp_settings totp;
	char buf[128];

	switch (m) {
	case RP_AUTH_PUBLICKEY:
		if (publickey_means(pr, buf, sizeof(buf))) {
			snprintf(why, whysz, "usable: %s", buf);
			return 1;
		}
		snprintf(why, whysz, "not usable: no authorized keys, key files or CAs for %s",
		    pr->name);
		return 0;
	case RP_AUTH_PASSWORD:
		if (rp_principal_password(pr, &pw)) {
			snprintf(why, whysz, "usable: %s (%s, %s:%u)", pw.source == RP_PASSWORD_HASH ?
			    "password-hash" : "password system", pw.block, pw.pos.file, pw.pos.line);
			return 1;
		}
		snprintf(why, whysz, "not usable: no password-hash or password system for %s",
		    pr->name);
		return 0;
	case RP_AUTH_KEYBOARD_INTERACTIVE:
		rp_principal_totp(pr, &totp);
		if (totp.secrets != NULL) {
			snprintf(why, whysz, "usable: TOTP, %u digits every %us, secrets in %s",
			    totp.digits, totp.period_s, totp.secrets);
			return 1;
		}
		snprintf(why, whysz, "not usable: no totp-secrets for %s", pr->name);
		return 0;
	case RP_AUTH_NONE:
		snprintf(why, whysz, "usable: no credential at all");
		return 1;
	case RP_AUTH_METHOD_COUNT:
		break;
	}
	snprintf(why, whysz, "not usable: unknown method");
	return 0;
}

/* "auth: publickey+keyboard-interactive or publickey (group admins,
 * FILE:LINE)", a line for each method they use (can it succeed for this
 * principal?), a note for each chain that cannot complete. Returns 0 when
 * no chain can complete. */
static int
explain_auth(FILE *out, const struct rp_principal *pr)
{
	const struct rp_auth_chain *chains;
	const char *from;
	char buf[128], why[256];
	int usable[RP_AUTH_METHOD_COUNT], shown[RP_AUTH_METHOD_COUNT] = { 0 };
	size_t n, blocked = 0;

	chains = rp_principal_auth(pr, &n, &from);
	fprintf(out, "auth: ");
	for (size_t i = 0; i < n; i++) {
		chain_text(&chains[i], buf, sizeof(buf));
		fprintf(out, "%s%s", i ? " or " : "", buf);
	}
	if (chains[0].pos.line != 0)
		fprintf(out, " (%s, %s:%u)\n", from, chains[0].pos.file, chains[0].pos.line);
	else
		fprintf(out, " (%s)\n", from);
	for (size_t i = 0; i < n; i++) {
		for (size_t m = 0; m < chains[i].n; m++) {
			enum rp_auth_method method = chains[i].methods[m];
			if (shown[method])
				continue;
			shown[method] = 1;
			usable[method] = method_usable(pr, method, why, sizeof(why));
			fprintf(out, "method %s: %s\n", rp_auth_method_name(method), why);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *missing = NULL;
		for (size_t m = 0; m < chains[i].n && missing == NULL; m++)
			if (!usable[chains[i].methods[m]])
				missing = rp_auth_method_name(chains[i].methods[m]);
		if (missing == NULL)
			continue;
		blocked++;
		chain_text(&chains[i], buf, sizeof(buf));
		fprintf(out, "note: %s cannot complete: %s is not usable for %s\n", buf, missing,
		    pr->name);
	}
	if (blocked == n) {
		fprintf(out, "note: no auth chain can complete, so %s cannot log in\n", pr->name);
		return 0;
	}
	return 1;
}

int
rp_policy_explain(const struct rp_policy *policy, FILE *out, const char *user,
    const struct rp_addr *from, const struct rp_when *when, const struct rp_request *req)
{
	struct rp_request login = { RP_ACTION_LOGIN, NULL, 0, NULL, 0 };
	struct rp_principal pr;
	struct rp_decision d;
	char what[MAX_COMMAND * 2 + 64];
	int ok, known;

	ok = explain_admission(out, policy, from);
	known = rp_policy_resolve(policy, user, &pr);
	if (!known) {
		fprintf(out, "principal: %s: not known to the policy (no user block, in no group)\n",
		    user);
		fprintf(out, "login: denied: %s is not a principal: deny by default\n", user);
		fprintf(out, "result: denied\n");
		return 0;
	}
	explain_principal(out, &pr);
	snprintf(what, sizeof(what), "login at %s %02u:%02u", rp_weekday_name(when->wday),
	    when->minute / 60, when->minute % 60);
	ok &= rp_policy_decide(policy, &pr, from, when, &login, &d);
	print_decision(out, what, &d);
	ok &= explain_auth(out, &pr);
	if (req != NULL && req->action != RP_ACTION_LOGIN) {
		describe(req, what, sizeof(what));
		ok &= rp_policy_decide(policy, &pr, from, when, req, &d);
		print_decision(out, what, &d);
		if (d.allow && !d.in_effect)
			fprintf(out, "note: %s is not yet in effect: rampartd refuses it until it "
			    "implements it\n", rp_action_name(req->action));
		if (req->action == RP_ACTION_FORWARD && req->naddrs == 0 && req->name != NULL) {
			struct rp_addr a;
			if (!rp_addr_parse(req->name, &a))
				fprintf(out, "note: explain does not resolve host names; rules with a "
				    "CIDR target match only what the name resolves to at connect time\n");
		}
	}
	fprintf(out, "result: %s\n", ok ? "allowed" : "denied");
	rp_principal_clear(&pr);
	return ok;
}

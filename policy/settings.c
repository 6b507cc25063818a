/*
 * policy/settings.c: the daemon settings at top level, and the penalties
 * block. Generic handlers (durations, counts, names, paths) take the field
 * and its bounds from the directive's row of the table in parser.c; the
 * others parse their own forms.
 */
#include "policy/parse.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/krl.h"

#define MAX_PORT 65535
#define SERVER_VERSION_MAX 200

static unsigned *
policy_uint(struct parser *p, const struct directive *d)
{
	return (unsigned *)(void *)((char *)p->policy + d->field);
}

static char **
policy_string(struct parser *p, const struct directive *d)
{
	return (char **)(void *)((char *)p->policy + d->field);
}

static int
duration_error(struct parser *p, const struct directive *d, const struct rp_token *arg,
    const char *alternative)
{
	char lo[24], hi[24], ex[80];

	return rp_perr(p, arg, "'%s' expects %sa duration from %s to %s (such as 30s, 5m or 1h), "
	    "got '%s'", d->name, alternative, rp_format_duration((unsigned)d->lo, lo, sizeof(lo)),
	    rp_format_duration((unsigned)d->hi, hi, sizeof(hi)),
	    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
}

static int
parse_duration_in(const struct directive *d, const char *text, unsigned *v)
{
	return rp_parse_duration(text, v) && *v >= d->lo && *v <= d->hi;
}

int
rp_set_duration(struct parser *p, const struct directive *d, const struct stmt *st)
{
	unsigned v;

	if (!parse_duration_in(d, st->words[1].text, &v))
		return duration_error(p, d, &st->words[1], "");
	*policy_uint(p, d) = v;
	return 1;
}

static int
count_error(struct parser *p, const char *name, const struct rp_token *arg, uint64_t lo,
    uint64_t hi)
{
	char ex[80];

	return rp_perr(p, arg, "'%s' expects a whole number from %llu to %llu, got '%s'", name,
	    (unsigned long long)lo, (unsigned long long)hi,
	    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
}

int
rp_set_count(struct parser *p, const struct directive *d, const struct stmt *st)
{
	uint64_t v;

	if (!rp_parse_count(st->words[1].text, &v) || v < d->lo || v > d->hi)
		return count_error(p, d->name, &st->words[1], d->lo, d->hi);
	*policy_uint(p, d) = (unsigned)v;
	return 1;
}

static int
replace_string(struct parser *p, char **field, const struct rp_token *arg)
{
	char *copy;

	if ((copy = strdup(arg->text)) == NULL)
		return rp_out_of_memory(p, arg);
	free(*field);
	*field = copy;
	return 1;
}

int
rp_set_login_name(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	char ex[80];

	if (!rp_valid_name(arg->text))
		return rp_perr(p, arg, "'%s' expects a user name (" RP_NAME_RULE "), got '%s'",
		    d->name, rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	return replace_string(p, policy_string(p, d), arg);
}

int
rp_set_absolute_path(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	char ex[80];

	if (arg->text[0] != '/' || arg->len >= PATH_MAX)
		return rp_perr(p, arg, "'%s' expects an absolute path, got '%s'", d->name,
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	return replace_string(p, policy_string(p, d), arg);
}

/* One of the words in `choices` (NULL-terminated); its index in *out. */
static int
keyword(struct parser *p, const struct directive *d, const struct rp_token *arg,
    const char *const *choices, const char *expected, unsigned *out)
{
	char ex[80];

	if (arg->kind == RP_TOK_WORD) {
		for (unsigned i = 0; choices[i] != NULL; i++) {
			if (strcmp(arg->text, choices[i]) == 0) {
				*out = i;
				return 1;
			}
		}
	}
	return rp_perr(p, arg, "'%s' expects %s, got '%s'", d->name, expected,
	    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
}

/* --- listen and host keys ------------------------------------------------ */

static int
add_listen(struct parser *p, const struct stmt *st, const char *text, int from_wildcard)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_policy *policy = p->policy;
	struct rp_policy_listen *listens, *l;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	const char *why = "too long";
	char ex[80];

	if (strlen(text) >= sizeof(l->text) ||
	    !rp_parse_listen_address(text, &addr, &addrlen, &why))
		return rp_perr(p, arg, "invalid listen address '%s': %s; expected ADDRESS:PORT "
		    "with a numeric address, such as 127.0.0.1:2222, [::1]:2222 or *:22",
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)), why);
	for (size_t i = 0; i < policy->nlistens; i++) {
		l = &policy->listens[i];
		if (rp_sockaddr_equal(&l->addr, &addr))
			return rp_perr(p, arg, "listen address '%s' is already given at %s:%u:%u; "
			    "expected each address once", text, l->pos.file, l->pos.line,
			    l->pos.col);
	}
	listens = rp_array_grow(policy->listens, policy->nlistens, sizeof(*listens));
	if (listens == NULL)
		return rp_out_of_memory(p, arg);
	policy->listens = listens;
	l = &listens[policy->nlistens++];
	memset(l, 0, sizeof(*l));
	snprintf(l->text, sizeof(l->text), "%s", text);
	l->addr = addr;
	l->addrlen = addrlen;
	l->pos = rp_at(p, &st->words[0]);
	l->from_wildcard = from_wildcard;
	return 1;
}

int
rp_do_listen(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	uint64_t port;
	char v4[32], v6[32], ex[80];

	(void)d;
	if (strncmp(arg->text, "*:", 2) != 0)
		return add_listen(p, st, arg->text, 0);
	/* Both stacks; the monitor sets IPV6_V6ONLY on the IPv6 socket. */
	if (!rp_parse_count(arg->text + 2, &port) || port > MAX_PORT)
		return rp_perr(p, arg, "invalid listen address '%s': the port must be a number "
		    "from 0 to 65535; expected *:PORT such as *:22",
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	snprintf(v4, sizeof(v4), "0.0.0.0:%u", (unsigned)port);
	snprintf(v6, sizeof(v6), "[::]:%u", (unsigned)port);
	return add_listen(p, st, v4, 1) && add_listen(p, st, v6, 1);
}

/* host-key PATH, and host-certificate PATH (d->lo set). */
int
rp_do_host_key(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_policy *policy = p->policy;
	struct rp_policy_hostkey **list = &policy->host_keys, *grown, *k;
	size_t *n = &policy->nhost_keys;
	const char *what = "host key";
	char *path, ex[80];

	if (d->lo != 0) {
		list = &policy->host_certificates;
		n = &policy->nhost_certificates;
		what = "host certificate";
	}
	if (!rp_resolve_path(p, arg, &path))
		return 0;
	for (size_t i = 0; i < *n; i++) {
		k = &(*list)[i];
		if (strcmp(k->path, path) == 0) {
			rp_perr(p, arg, "%s '%s' is already given at %s:%u:%u; expected each %s once",
			    what, rp_diag_excerpt(path, ex, sizeof(ex)), k->pos.file, k->pos.line,
			    k->pos.col, what);
			free(path);
			return 0;
		}
	}
	if ((grown = rp_array_grow(*list, *n, sizeof(*grown))) == NULL) {
		free(path);
		return rp_out_of_memory(p, arg);
	}
	*list = grown;
	k = &grown[(*n)++];
	k->path = path;
	k->pos = rp_at(p, &st->words[0]);
	return 1;
}

/* revoked-keys PATH: an OpenSSH KRL (ssh-keygen -k), read now; a file that
 * cannot be read or parsed stops the load, since running without the
 * revocations it holds would accept what it revokes. */
int
rp_do_revoked_keys(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_krl *krl;
	char *path, why[256], ex[80];

	(void)d;
	if (!rp_resolve_path(p, arg, &path))
		return 0;
	if (!rp_krl_load_file(path, &krl, why, sizeof(why))) {
		rp_perr(p, arg, "cannot use revoked-keys file '%s': %s; expected an OpenSSH key "
		    "revocation list (ssh-keygen -k)", rp_diag_excerpt(path, ex, sizeof(ex)), why);
		free(path);
		return 0;
	}
	p->policy->revoked_keys = path;
	p->policy->krl = krl;
	return 1;
}

/* moduli-file PATH: read now, so a bad file fails the load (or the reload,
 * which then keeps the groups in use). */
int
rp_do_moduli_file(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_moduli *moduli;
	char *path, why[256], ex[80];

	(void)d;
	if (!rp_resolve_path(p, arg, &path))
		return 0;
	if (!rp_moduli_load_file(path, &moduli, why, sizeof(why))) {
		rp_perr(p, arg, "cannot use moduli file '%s': %s; expected safe primes of 2048 to "
		    "8192 bits in OpenSSH's moduli(5) format", rp_diag_excerpt(path, ex, sizeof(ex)),
		    why);
		free(path);
		return 0;
	}
	if (moduli->skipped > 0) {
		struct rp_srcpos pos = rp_at(p, arg);

		rp_diag_warn(p->diag, &pos, "moduli file '%s': %zu group%s outside 2048 to 8192 "
		    "bits ignored (the first on line %u)", rp_diag_excerpt(path, ex, sizeof(ex)),
		    moduli->skipped, moduli->skipped == 1 ? "" : "s", moduli->first_skipped_line);
	}
	p->policy->moduli_file = path;
	p->policy->moduli = moduli;
	return 1;
}

/* --- transport ----------------------------------------------------------- */

/* RFC 4253 4.2: softwareversion is printable US-ASCII without whitespace
 * or '-'. */
int
rp_do_server_version(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];

	(void)d;
	if (arg->len == 0 || arg->len > SERVER_VERSION_MAX)
		return rp_perr(p, arg, "'server-version' expects 1 to %d characters, got %zu; "
		    "expected the text after SSH-2.0-, such as rampart_1.0", SERVER_VERSION_MAX,
		    arg->len);
	for (size_t i = 0; i < arg->len; i++) {
		unsigned char c = (unsigned char)arg->text[i];
		if (c <= 0x20 || c >= 0x7f || c == '-') {
			struct rp_token at = *arg;
			at.col += (unsigned)i + (arg->kind == RP_TOK_STRING);
			return rp_perr(p, &at, "'server-version' may not contain %s (RFC 4253 4.2); "
			    "expected printable US-ASCII without spaces or '-', such as rampart_1.0",
			    c == '-' ? "'-'" : c == ' ' ? "a space" : "non-ASCII text");
		}
	}
	return replace_string(p, &p->policy->server_version, arg);
}

int
rp_do_algorithms(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_token at = *arg;
	char why[512], *list;
	size_t offset;

	/* Host key algorithms: names are checked now, against the default
	 * with certificates (the larger one); the list is made at the end. */
	if (!rp_alg_edit((enum rp_alg_kind)d->lo, d->lo == RP_ALG_HOSTKEY, arg->text, &list, why,
	    sizeof(why), &offset)) {
		at.col += (unsigned)offset + (arg->kind == RP_TOK_STRING);
		return rp_perr(p, &at, "'%s': %s", d->name, why);
	}
	if (d->lo == RP_ALG_HOSTKEY) {
		free(list);
		if ((p->hostkey_algs = strdup(arg->text)) == NULL)
			return rp_out_of_memory(p, arg);
		p->hostkey_algs_pos = rp_at(p, arg);
		p->hostkey_algs_quoted = arg->kind == RP_TOK_STRING;
		return 1;
	}
	free(*policy_string(p, d));
	*policy_string(p, d) = list;
	return 1;
}

/* --- timeouts, limits ------------------------------------------------------ */

int
rp_do_idle_timeout(struct parser *p, const struct directive *d, const struct stmt *st)
{
	unsigned v = 0;

	if (strcmp(st->words[1].text, "off") != 0 && !parse_duration_in(d, st->words[1].text, &v))
		return duration_error(p, d, &st->words[1], "'off' or ");
	*policy_uint(p, d) = v;
	return 1;
}

int
rp_do_keepalive(struct parser *p, const struct directive *d, const struct stmt *st)
{
	static const struct directive interval = { "keepalive", 0, 0, 0, NO_BLOCK, 0, "", NULL,
		0, 1, 3600 };
	uint64_t count;
	unsigned v;
	char ex[80];

	if (st->n == 2) {
		if (strcmp(st->words[1].text, "off") == 0) {
			p->policy->keepalive_interval_s = 0;
			p->policy->keepalive_count = 0;
			return 1;
		}
		return rp_perr(p, &st->words[1], "'keepalive' expects INTERVAL COUNT or 'off', got "
		    "one argument; expected keepalive %s", d->usage);
	}
	if (!parse_duration_in(&interval, st->words[1].text, &v))
		return duration_error(p, &interval, &st->words[1], "an interval: ");
	if (!rp_parse_count(st->words[2].text, &count) || count < 1 || count > 100)
		return rp_perr(p, &st->words[2], "'keepalive' expects a COUNT from 1 to 100, got "
		    "'%s'", rp_diag_excerpt(st->words[2].text, ex, sizeof(ex)));
	p->policy->keepalive_interval_s = v;
	p->policy->keepalive_count = (unsigned)count;
	return 1;
}

int
rp_do_rekey_limit(struct parser *p, const struct directive *d, const struct stmt *st)
{
	static const struct directive time_limit = { "rekey-limit", 0, 0, 0, NO_BLOCK, 0, "",
		NULL, 0, 60, 86400 };
	const struct rp_token *size = &st->words[1];
	uint64_t bytes = 0;
	unsigned seconds = 0;
	char ex[80];

	(void)d;
	if (strcmp(size->text, "default") != 0 && (!rp_parse_size(size->text, &bytes) ||
	    bytes < ((uint64_t)16 << 20) || bytes > ((uint64_t)1 << 40)))
		return rp_perr(p, size, "'rekey-limit' expects 'default' or a size from 16M to 1T "
		    "(such as 512M or 1G), got '%s'", rp_diag_excerpt(size->text, ex, sizeof(ex)));
	if (st->n == 3 && strcmp(st->words[2].text, "none") != 0 &&
	    !parse_duration_in(&time_limit, st->words[2].text, &seconds))
		return duration_error(p, &time_limit, &st->words[2], "'none' or ");
	p->policy->rekey_limit_bytes = bytes;
	p->policy->rekey_limit_s = seconds;
	return 1;
}

/* START:RATE:FULL, or N meaning N:100:N (OpenSSH's MaxStartups). */
int
rp_do_max_startups(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	uint64_t v[3];
	char part[3][24], ex[80];
	size_t n = 0;
	const char *s = arg->text;

	for (;;) {
		const char *colon = strchr(s, ':');
		size_t len = colon != NULL ? (size_t)(colon - s) : strlen(s);
		if (n == 3 || len >= sizeof(part[0]))
			goto bad;
		memcpy(part[n], s, len);
		part[n][len] = '\0';
		if (!rp_parse_count(part[n], &v[n]))
			goto bad;
		n++;
		if (colon == NULL)
			break;
		s = colon + 1;
	}
	if (n == 2)
		goto bad;
	if (n == 1) {
		v[2] = v[0];
		v[1] = 100;
	}
	if (v[0] < d->lo || v[0] > d->hi || v[2] < d->lo || v[2] > d->hi)
		return rp_perr(p, arg, "'max-startups' expects START and FULL from %llu to %llu, "
		    "got '%s'", (unsigned long long)d->lo, (unsigned long long)d->hi,
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	if (v[1] < 1 || v[1] > 100)
		return rp_perr(p, arg, "'max-startups' expects RATE (a percentage) from 1 to 100, "
		    "got '%s'", rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	if (v[0] > v[2])
		return rp_perr(p, arg, "'max-startups' START %llu is more than FULL %llu; expected "
		    "START <= FULL", (unsigned long long)v[0], (unsigned long long)v[2]);
	p->policy->max_startups_start = (unsigned)v[0];
	p->policy->max_startups_rate = (unsigned)v[1];
	p->policy->max_startups_full = (unsigned)v[2];
	return 1;
bad:
	return rp_perr(p, arg, "'max-startups' expects START:RATE:FULL (such as 10:30:100) or a "
	    "single number, got '%s'", rp_diag_excerpt(arg->text, ex, sizeof(ex)));
}

int
rp_do_tcp_nodelay(struct parser *p, const struct directive *d, const struct stmt *st)
{
	static const char *const choices[] = { "no", "yes", NULL };
	unsigned v;

	if (!keyword(p, d, &st->words[1], choices, "'yes' or 'no'", &v))
		return 0;
	p->policy->tcp_nodelay = (int)v;
	return 1;
}

int
rp_do_log_level(struct parser *p, const struct directive *d, const struct stmt *st)
{
	static const char *const choices[] = { "error", "warn", "info", "debug", NULL };
	static const enum rp_log_level levels[] = { RP_LOG_ERROR, RP_LOG_WARN, RP_LOG_INFO,
		RP_LOG_DEBUG };
	unsigned v;

	if (!keyword(p, d, &st->words[1], choices, "one of error, warn, info, debug", &v))
		return 0;
	p->policy->log_level = levels[v];
	return 1;
}

/* --- audit ------------------------------------------------------------------ */

/* refuse-client-version PATTERN...: globs over the client's software
 * version. Printable ASCII without spaces, as the version itself is
 * (RFC 4253 4.2). */
int
rp_do_refuse_client_version(struct parser *p, const struct directive *d, const struct stmt *st)
{
	struct rp_policy *policy = p->policy;

	(void)d;
	for (size_t w = 1; w < st->n; w++) {
		const struct rp_token *arg = &st->words[w];
		struct rp_policy_version_pattern *v;

		for (size_t i = 0; i < arg->len; i++) {
			unsigned char c = (unsigned char)arg->text[i];

			if (c <= 0x20 || c >= 0x7f)
				return rp_perr(p, arg, "'refuse-client-version' pattern '%s' has a space "
				    "or non-ASCII character; expected a glob over the version after "
				    "SSH-2.0-, such as 'libssh_0.9.*' or '*PuTTY_Release_0.7?*'",
				    arg->text);
		}
		if (arg->len == 0 || policy->nrefused_versions >= 64)
			return rp_perr(p, arg, "'refuse-client-version' expects 1 to 64 non-empty "
			    "patterns in all");
		v = rp_array_grow(policy->refused_versions, policy->nrefused_versions,
		    sizeof(*v));
		if (v == NULL)
			return rp_out_of_memory(p, arg);
		policy->refused_versions = v;
		v = &v[policy->nrefused_versions];
		if ((v->pattern = strdup(arg->text)) == NULL)
			return rp_out_of_memory(p, arg);
		v->pos = rp_at(p, arg);
		policy->nrefused_versions++;
	}
	return 1;
}

int
rp_do_audit_log(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_policy *policy = p->policy;
	struct rp_policy_audit_log *logs, *l;
	char *path = NULL;

	(void)d;
	if (!(arg->kind == RP_TOK_WORD && strcmp(arg->text, "syslog") == 0) &&
	    !rp_resolve_path(p, arg, &path))
		return 0;
	for (size_t i = 0; i < policy->naudit_logs; i++) {
		l = &policy->audit_logs[i];
		if ((path == NULL && l->path == NULL) ||
		    (path != NULL && l->path != NULL && strcmp(path, l->path) == 0)) {
			free(path);
			return rp_perr(p, arg, "audit log '%s' is already given at %s:%u:%u; "
			    "expected each destination once", arg->text, l->pos.file, l->pos.line,
			    l->pos.col);
		}
	}
	logs = rp_array_grow(policy->audit_logs, policy->naudit_logs, sizeof(*logs));
	if (logs == NULL) {
		free(path);
		return rp_out_of_memory(p, arg);
	}
	policy->audit_logs = logs;
	l = &logs[policy->naudit_logs++];
	l->path = path;
	l->pos = rp_at(p, &st->words[0]);
	return 1;
}

int
rp_do_audit_failure(struct parser *p, const struct directive *d, const struct stmt *st)
{
	static const char *const choices[] = { "continue", "refuse", NULL };
	unsigned v;

	if (!keyword(p, d, &st->words[1], choices, "'refuse' or 'continue'", &v))
		return 0;
	p->policy->audit_failure_refuse = (int)v;
	return 1;
}

/* --- penalties --------------------------------------------------------------- */

int
rp_do_penalties(struct parser *p, const struct directive *d, const struct stmt *st)
{
	int opening = st->end.kind == RP_TOK_OPEN;

	if (opening && st->n > 1)
		return rp_perr(p, &st->words[1], "'penalties %s' with a block; expected "
		    "'penalties {' or 'penalties off'", st->words[1].text);
	if (!opening && (st->n == 1 || strcmp(st->words[1].text, "off") != 0))
		return rp_perr(p, st->n == 1 ? &st->words[0] : &st->words[1], "'penalties' expects "
		    "a block or 'off'; expected penalties %s", d->usage);
	p->policy->penalties.enabled = opening;
	return 1;
}

int
rp_set_penalty(struct parser *p, const struct directive *d, const struct stmt *st)
{
	unsigned v;

	if (!parse_duration_in(d, st->words[1].text, &v))
		return duration_error(p, d, &st->words[1], "");
	*(unsigned *)(void *)((char *)&p->policy->penalties + d->field) = v;
	return 1;
}

int
rp_set_penalty_prefix(struct parser *p, const struct directive *d, const struct stmt *st)
{
	uint64_t v;

	if (!rp_parse_count(st->words[1].text, &v) || v < d->lo || v > d->hi)
		return count_error(p, d->name, &st->words[1], d->lo, d->hi);
	*(unsigned *)(void *)((char *)&p->policy->penalties + d->field) = (unsigned)v;
	return 1;
}

int
rp_do_exempt(struct parser *p, const struct directive *d, const struct stmt *st)
{
	struct rp_sources more, *exempt = &p->policy->penalties.exempt;
	struct rp_cidr *grown;

	(void)d;
	if (!rp_parse_sources(p, st, 1, st->n, 0, &more))
		return 0;
	/* `check` shows the merged list at the first exempt line. */
	if (exempt->ncidrs == 0) {
		struct rp_srcpos pos = rp_at(p, &st->words[0]);
		if (!rp_policy_note_setting(p->policy, "exempt", &pos)) {
			rp_sources_free(&more);
			return rp_out_of_memory(p, &st->words[0]);
		}
	}
	for (size_t i = 0; i < more.ncidrs; i++) {
		grown = rp_array_grow(exempt->cidrs, exempt->ncidrs, sizeof(*grown));
		if (grown == NULL) {
			rp_sources_free(&more);
			return rp_out_of_memory(p, &st->words[0]);
		}
		exempt->cidrs = grown;
		grown[exempt->ncidrs++] = more.cidrs[i];
	}
	rp_sources_free(&more);
	return 1;
}

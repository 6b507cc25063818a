/*
 * policy/print.c: the effective policy in canonical form (`rampartctl
 * check`).
 *
 * Every setting appears with its effective value; a value the policy does
 * not set ends in "# default", one it sets in "# FILE:LINE". Algorithm
 * lists are expanded. Admission rules come in evaluation order, then groups
 * and users in block order, each rule on one line. The output ends with
 * what the policy asks for that rampart does not do yet. The same policy
 * always prints the same text, so tests compare it with golden files.
 */
#include "policy/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sshkey.h"

#define LINE_MAX_TEXT 8192

const char *
rp_quote(const char *text, char *buf, size_t bufsz)
{
	size_t off = 0;

	if (bufsz < 3) {
		if (bufsz > 0)
			buf[0] = '\0';
		return buf;
	}
	buf[off++] = '"';
	for (const char *s = text; *s != '\0' && off + 3 < bufsz; s++) {
		if (*s == '"' || *s == '\\')
			buf[off++] = '\\';
		buf[off++] = *s;
	}
	buf[off++] = '"';
	buf[off] = '\0';
	return buf;
}

struct printer {
	FILE *out;
	const char *indent;
};

/* One line: the text, then "  # default" (pos NULL) or "  # FILE:LINE",
 * and the note after it when there is one. */
static void emit(struct printer *pr, const struct rp_srcpos *pos, const char *note,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
emit(struct printer *pr, const struct rp_srcpos *pos, const char *note, const char *fmt, ...)
{
	char line[LINE_MAX_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(pr->out, "%s%s", pr->indent, line);
	if (pos == NULL || pos->line == 0)
		fprintf(pr->out, "  # default");
	else
		fprintf(pr->out, "  # %s:%u", pos->file, pos->line);
	if (note != NULL)
		fprintf(pr->out, " (%s)", note);
	fputc('\n', pr->out);
}

static const struct rp_srcpos *
set_at(const struct rp_policy *policy, const char *name)
{
	return rp_policy_setting_pos(policy, name);
}

static const char *
duration_or(unsigned seconds, const char *zero, char *buf, size_t bufsz)
{
	if (seconds == 0) {
		snprintf(buf, bufsz, "%s", zero);
		return buf;
	}
	return rp_format_duration(seconds, buf, bufsz);
}

/* --- daemon settings ----------------------------------------------------------- */

/* A subsystem's command as a policy line takes it: its words (which hold
 * no blanks), those the lexer needs quoted in double quotes. */
static void
format_command(const char *command, char *buf, size_t bufsz)
{
	char word[LINE_MAX_TEXT], q[LINE_MAX_TEXT];
	size_t off = 0;

	buf[0] = '\0';
	for (const char *s = command; *s != '\0' && off < bufsz;) {
		size_t len = strcspn(s, " ");
		int n;
		snprintf(word, sizeof(word), "%.*s", (int)len, s);
		n = snprintf(buf + off, bufsz - off, "%s%s", off ? " " : "",
		    strpbrk(word, "{}\"#;") != NULL ? rp_quote(word, q, sizeof(q)) : word);
		if (n < 0)
			break;
		off += (size_t)n;
		s += len;
		s += *s == ' ';
	}
}

static void
print_subsystems(struct printer *pr, const struct rp_policy *policy)
{
	char buf[LINE_MAX_TEXT];
	int sftp = 0;

	for (size_t i = 0; i < policy->nsubsystems; i++) {
		const struct rp_policy_subsystem *sub = &policy->subsystems[i];
		format_command(sub->command, buf, sizeof(buf));
		emit(pr, &sub->pos, NULL, "subsystem %s %s", sub->name, buf);
		sftp |= strcmp(sub->name, "sftp") == 0;
	}
	if (!sftp)
		emit(pr, NULL, NULL, "subsystem sftp %s", RP_DEFAULT_SFTP_SERVER);
}

/* `banner "TEXT"` or `banner-file PATH`, with when it is shown. */
static void
print_banner(struct printer *pr, const char *text, const char *file,
    const struct rp_srcpos *pos, const char *when)
{
	char q[RP_BANNER_MAX * 2 + 3], note[128];

	if (text == NULL) {
		if (pos == NULL)
			fprintf(pr->out, "%s# banner: none  # default\n", pr->indent);
		return;
	}
	if (file != NULL) {
		snprintf(note, sizeof(note), "shown %s; read at load: %zu bytes", when,
		    strlen(text));
		emit(pr, pos, note, "banner-file %s", file);
	} else {
		snprintf(note, sizeof(note), "shown %s", when);
		emit(pr, pos, note, "banner %s", rp_quote(text, q, sizeof(q)));
	}
}

static void
print_penalties(struct printer *pr, const struct rp_policy *policy)
{
	const struct rp_penalties *pe = &policy->penalties;
	static const struct {
		const char *name;
		size_t field;
	} durations[] = {
		{ "authfail", offsetof(struct rp_penalties, authfail_s) },
		{ "noauth", offsetof(struct rp_penalties, noauth_s) },
		{ "crash", offsetof(struct rp_penalties, crash_s) },
		{ "grace-exceeded", offsetof(struct rp_penalties, grace_exceeded_s) },
		{ "refused", offsetof(struct rp_penalties, refused_s) },
		{ "max", offsetof(struct rp_penalties, max_s) },
		{ "min", offsetof(struct rp_penalties, min_s) },
	};
	char buf[LINE_MAX_TEXT];
	size_t off = 0;

	if (!pe->enabled) {
		emit(pr, set_at(policy, "penalties"), NULL, "penalties off");
		return;
	}
	emit(pr, set_at(policy, "penalties"), NULL, "penalties {");
	pr->indent = "\t";
	for (size_t i = 0; i < RP_NELEM(durations); i++) {
		unsigned v = *(const unsigned *)(const void *)((const char *)pe + durations[i].field);
		emit(pr, set_at(policy, durations[i].name), NULL, "%s %s", durations[i].name,
		    rp_format_duration(v, buf, sizeof(buf)));
	}
	if (pe->exempt.ncidrs == 0) {
		fprintf(pr->out, "\t# exempt: none  # default\n");
	} else {
		rp_sources_format(&pe->exempt, buf, sizeof(buf), &off);
		emit(pr, set_at(policy, "exempt"), NULL, "exempt%s", buf);
	}
	emit(pr, set_at(policy, "ipv4-prefix"), NULL, "ipv4-prefix %u", pe->ipv4_prefix);
	emit(pr, set_at(policy, "ipv6-prefix"), NULL, "ipv6-prefix %u", pe->ipv6_prefix);
	pr->indent = "";
	fprintf(pr->out, "}\n");
}

static void
print_daemon(struct printer *pr, const struct rp_policy *policy)
{
	static const struct {
		const char *name;
		size_t field;
	} lists[] = {
		{ "kex-algorithms", offsetof(struct rp_policy, kex_algorithms) },
		{ "host-key-algorithms", offsetof(struct rp_policy, host_key_algorithms) },
		{ "ciphers", offsetof(struct rp_policy, ciphers) },
		{ "macs", offsetof(struct rp_policy, macs) },
		{ "pubkey-algorithms", offsetof(struct rp_policy, pubkey_algorithms) },
		{ "compression", offsetof(struct rp_policy, compression) },
	};
	char a[64], b[64];

	fprintf(pr->out, "# daemon\n");
	for (size_t i = 0; i < policy->nlistens; i++) {
		const struct rp_policy_listen *l = &policy->listens[i];
		emit(pr, &l->pos, l->from_wildcard ? "from *" : NULL, "listen %s", l->text);
	}
	for (size_t i = 0; i < policy->nhost_keys; i++)
		emit(pr, &policy->host_keys[i].pos, NULL, "host-key %s", policy->host_keys[i].path);
	for (size_t i = 0; i < policy->nhost_certificates; i++)
		emit(pr, &policy->host_certificates[i].pos, "loaded by rampartd",
		    "host-certificate %s", policy->host_certificates[i].path);
	if (policy->revoked_keys == NULL)
		fprintf(pr->out, "# revoked-keys: none  # default\n");
	else
		emit(pr, set_at(policy, "revoked-keys"), "read at load", "revoked-keys %s",
		    policy->revoked_keys);
	emit(pr, set_at(policy, "server-version"), NULL, "server-version %s",
	    policy->server_version);
	for (size_t i = 0; i < RP_NELEM(lists); i++)
		emit(pr, set_at(policy, lists[i].name), NULL, "%s %s", lists[i].name,
		    *(char *const *)(const void *)((const char *)policy + lists[i].field));
	if (policy->moduli_file == NULL)
		fprintf(pr->out, "# moduli-file: none (RFC 3526 groups 14, 16, 18)  # default\n");
	else
		emit(pr, set_at(policy, "moduli-file"), "read at load", "moduli-file %s",
		    policy->moduli_file);
	emit(pr, set_at(policy, "dh-group-bits"), NULL, "dh-group-bits %u",
	    policy->dh_group_bits);
	emit(pr, set_at(policy, "login-grace-time"), NULL, "login-grace-time %s",
	    rp_format_duration(policy->login_grace_time_s, a, sizeof(a)));
	emit(pr, set_at(policy, "max-auth-tries"), NULL, "max-auth-tries %u",
	    policy->max_auth_tries);
	emit(pr, set_at(policy, "idle-timeout"), NULL, "idle-timeout %s",
	    duration_or(policy->idle_timeout_s, "off", a, sizeof(a)));
	if (policy->keepalive_interval_s == 0)
		emit(pr, set_at(policy, "keepalive"), NULL, "keepalive off");
	else
		emit(pr, set_at(policy, "keepalive"), NULL, "keepalive %s %u",
		    rp_format_duration(policy->keepalive_interval_s, a, sizeof(a)),
		    policy->keepalive_count);
	if (policy->rekey_limit_bytes == 0)
		snprintf(a, sizeof(a), "default");
	else
		rp_format_size(policy->rekey_limit_bytes, a, sizeof(a));
	emit(pr, set_at(policy, "rekey-limit"), NULL, "rekey-limit %s %s", a,
	    duration_or(policy->rekey_limit_s, "none", b, sizeof(b)));
	emit(pr, set_at(policy, "max-connections"), NULL, "max-connections %u",
	    policy->max_connections);
	emit(pr, set_at(policy, "max-startups"), NULL, "max-startups %u:%u:%u",
	    policy->max_startups_start, policy->max_startups_rate, policy->max_startups_full);
	emit(pr, set_at(policy, "max-channels"), NULL, "max-channels %u", policy->max_channels);
	emit(pr, set_at(policy, "connect-timeout"), NULL, "connect-timeout %s",
	    rp_format_duration(policy->connect_timeout_s, a, sizeof(a)));
	emit(pr, set_at(policy, "tcp-nodelay"), NULL, "tcp-nodelay %s",
	    policy->tcp_nodelay ? "yes" : "no");
	emit(pr, set_at(policy, "log-level"), NULL, "log-level %s",
	    rp_log_level_name(policy->log_level));
	if (policy->naudit_logs == 0)
		fprintf(pr->out, "# audit-log: none  # default\n");
	for (size_t i = 0; i < policy->naudit_logs; i++)
		emit(pr, &policy->audit_logs[i].pos, NULL, "audit-log %s",
		    policy->audit_logs[i].path != NULL ? policy->audit_logs[i].path : "syslog");
	for (size_t i = 0; i < policy->nrefused_versions; i++)
		emit(pr, &policy->refused_versions[i].pos, NULL, "refuse-client-version %s",
		    policy->refused_versions[i].pattern);
	emit(pr, set_at(policy, "audit-failure"), NULL, "audit-failure %s",
	    policy->audit_failure_refuse ? "refuse" : "continue");
	if (policy->recording_dir == NULL)
		fprintf(pr->out, "# recording-dir: none  # default\n");
	else
		emit(pr, set_at(policy, "recording-dir"), NULL, "recording-dir %s",
		    policy->recording_dir);
	emit(pr, set_at(policy, "session-umask"), NULL, "session-umask %04o",
	    policy->session_umask);
	print_subsystems(pr, policy);
	emit(pr, set_at(policy, "control-socket"), NULL, "control-socket %s",
	    policy->control_socket);
	emit(pr, set_at(policy, "worker-user"), NULL, "worker-user %s", policy->worker_user);
	emit(pr, set_at(policy, "worker-chroot"), NULL, "worker-chroot %s",
	    policy->worker_chroot);
	print_banner(pr, policy->banner, policy->banner_file, set_at(policy, policy->banner_file !=
	    NULL ? "banner-file" : "banner"), "before authentication, to every client");
	print_penalties(pr, policy);
}

static void
print_admission(struct printer *pr, const struct rp_policy *policy)
{
	fprintf(pr->out, "\n# admission: first match; no match refuses\n");
	for (size_t i = 0; i < policy->nadmission; i++)
		emit(pr, &policy->admission[i].pos, NULL, "%s", policy->admission[i].text);
	if (policy->nadmission == 0)
		fprintf(pr->out, "# no admit or refuse rules: every connection is refused\n");
}

/* --- blocks ---------------------------------------------------------------------- */

static int
key_from_file(const struct rp_block *b, const struct rp_policy_key *k)
{
	for (size_t i = 0; i < b->nloaded_keyfiles; i++)
		if (strcmp(b->loaded_keyfile_paths[i], k->pos.file) == 0)
			return 1;
	return 0;
}

static size_t
keys_from(const struct rp_policy_key *keys, size_t nkeys, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < nkeys; i++)
		n += strcmp(keys[i].pos.file, path) == 0;
	return n;
}

static void
print_key(struct printer *pr, const char *directive, const struct rp_policy_key *k,
    const struct rp_srcpos *pos, const char *suffix)
{
	char *text = rp_pubkey_to_text(k->key, k->comment), *line = NULL, q[RP_BANNER_MAX];

	if (text == NULL)
		return;
	if (k->options.text != NULL && asprintf(&line, "%s %s", k->options.text, text) < 0) {
		free(text);
		return;
	}
	emit(pr, pos, NULL, "%s %s%s", directive, rp_quote(line != NULL ? line : text, q,
	    sizeof(q)), suffix);
	free(line);
	free(text);
}

static void
principals_suffix(const struct rp_user_ca *ca, char *buf, size_t bufsz)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ca->nprincipals && off < bufsz; i++)
		off += (size_t)snprintf(buf + off, bufsz - off, "%s%s", i ? "," : " principals ",
		    ca->principals[i]);
}

static void
print_chain(const struct rp_auth_chain *c, char *buf, size_t bufsz)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->n && off < bufsz; i++)
		off += (size_t)snprintf(buf + off, bufsz - off, "%s%s", i ? "+" : "",
		    rp_auth_method_name(c->methods[i]));
}

static const char *
totp_algorithm_name(unsigned hash)
{
	switch ((enum rp_totp_hash)hash) {
	case RP_TOTP_SHA256:
		return "sha256";
	case RP_TOTP_SHA512:
		return "sha512";
	case RP_TOTP_SHA1:
		break;
	}
	return "sha1";
}

static void
print_block(struct printer *pr, const struct rp_block *b, const struct rp_policy_key *keys,
    size_t nkeys)
{
	char buf[LINE_MAX_TEXT], q[RP_BANNER_MAX * 2 + 3], note[64];

	for (size_t i = 0; i < b->nauth; i++) {
		print_chain(&b->auth[i], buf, sizeof(buf));
		emit(pr, &b->auth[i].pos, NULL, "auth %s", buf);
	}
	for (size_t i = 0; i < nkeys; i++)
		if (!key_from_file(b, &keys[i]))
			print_key(pr, "authorized-key", &keys[i], &keys[i].pos, "");
	for (size_t i = 0; i < b->nloaded_keyfiles; i++) {
		size_t n = keys_from(keys, nkeys, b->loaded_keyfile_paths[i]);
		snprintf(note, sizeof(note), "read at load: %zu key%s", n, n == 1 ? "" : "s");
		emit(pr, &b->loaded_keyfiles[i], note, "authorized-keys-file %s",
		    b->loaded_keyfile_paths[i]);
	}
	for (size_t i = 0; i < b->nkeyfiles; i++)
		emit(pr, &b->keyfiles[i].pos, "read at login", "authorized-keys-file %s",
		    b->keyfiles[i].path);
	for (size_t i = 0; i < b->ncas; i++) {
		const struct rp_user_ca *ca = &b->cas[i];
		principals_suffix(ca, buf, sizeof(buf));
		if (ca->path == NULL) {
			print_key(pr, "trusted-user-ca", &ca->keys[0], &ca->pos, buf);
			continue;
		}
		snprintf(note, sizeof(note), "%zu key%s", ca->nkeys, ca->nkeys == 1 ? "" : "s");
		emit(pr, &ca->pos, note, "trusted-user-ca-file %s%s", ca->path, buf);
	}
	if (b->password_hash.value != NULL) {
		/* The scheme, not the hash: this output ends up in terminals and tickets. */
		const char *end = strchr(b->password_hash.value + 1, '$');
		int n = end != NULL ? (int)(end - b->password_hash.value) + 1 : 1;
		emit(pr, &b->password_hash.pos, "hash not shown", "password-hash \"%.*s...\"", n,
		    b->password_hash.value);
	}
	if (b->password_system.line != 0)
		emit(pr, &b->password_system, NULL, "password system");
	if (b->totp_secrets.value != NULL)
		emit(pr, &b->totp_secrets.pos, NULL, "totp-secrets %s", b->totp_secrets.value);
	if (b->totp_prompt.value != NULL)
		emit(pr, &b->totp_prompt.pos, NULL, "totp-prompt %s",
		    rp_quote(b->totp_prompt.value, q, sizeof(q)));
	if (b->auth_instruction.value != NULL)
		emit(pr, &b->auth_instruction.pos, NULL, "auth-instruction %s",
		    rp_quote(b->auth_instruction.value, q, sizeof(q)));
	if (b->totp_digits.pos.line != 0)
		emit(pr, &b->totp_digits.pos, NULL, "totp-digits %u", b->totp_digits.value);
	if (b->totp_period.pos.line != 0)
		emit(pr, &b->totp_period.pos, NULL, "totp-period %s",
		    rp_format_duration(b->totp_period.value, buf, sizeof(buf)));
	if (b->totp_algorithm.pos.line != 0)
		emit(pr, &b->totp_algorithm.pos, NULL, "totp-algorithm %s",
		    totp_algorithm_name(b->totp_algorithm.value));
	if (b->totp_window.pos.line != 0)
		emit(pr, &b->totp_window.pos, NULL, "totp-window %u", b->totp_window.value);
	if (b->max_sessions != 0)
		emit(pr, &b->max_sessions_pos, NULL, "max-sessions %u", b->max_sessions);
	if (b->record_sessions.pos.line != 0)
		emit(pr, &b->record_sessions.pos, NULL, "record-sessions %s",
		    rp_record_mode_name((enum rp_record_mode)b->record_sessions.value));
	print_banner(pr, b->banner.value, b->banner_file, &b->banner.pos,
	    "after authentication");
	for (size_t i = 0; i < b->nrules; i++)
		emit(pr, &b->rules[i].pos, NULL, "%s", b->rules[i].text);
}

static void
names_line(FILE *out, const char *directive, char *const *names, size_t n)
{
	if (n == 0)
		return;
	fprintf(out, "\t%s", directive);
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %s", names[i]);
	fputc('\n', out);
}

static int
listed_in(const struct rp_policy_group *g, const char *name)
{
	for (size_t i = 0; i < g->nmembers; i++)
		if (strcmp(g->members[i], name) == 0)
			return 1;
	return 0;
}

/* "# evaluation: this block, then group admins, group ops (if alice is in
 * Unix group wheel)": the groups that can apply, in evaluation order. */
static void
print_evaluation(FILE *out, const struct rp_policy *policy, const char *name)
{
	size_t n = 0;

	fprintf(out, "\t# evaluation: this block");
	for (size_t i = 0; i < policy->ngroups; i++) {
		const struct rp_policy_group *g = &policy->groups[i];
		if (!listed_in(g, name) && g->nsystem_groups == 0)
			continue;
		fprintf(out, "%sgroup %s", n++ ? ", " : ", then ", g->name);
		if (listed_in(g, name))
			continue;
		fprintf(out, " (if %s is in Unix group", name);
		for (size_t k = 0; k < g->nsystem_groups; k++)
			fprintf(out, "%s %s", k == 0 ? "" : k + 1 == g->nsystem_groups ? " or" : ",",
			    g->system_groups[k]);
		fputc(')', out);
	}
	if (n == 0)
		fprintf(out, " only");
	fputc('\n', out);
}

static void
print_principals(struct printer *pr, const struct rp_policy *policy)
{
	fprintf(pr->out, "\n# groups, in block order\n");
	if (policy->ngroups == 0)
		fprintf(pr->out, "# none\n");
	for (size_t i = 0; i < policy->ngroups; i++) {
		const struct rp_policy_group *g = &policy->groups[i];
		emit(pr, &g->pos, NULL, "group %s {", g->name);
		names_line(pr->out, "members", g->members, g->nmembers);
		names_line(pr->out, "system-group", g->system_groups, g->nsystem_groups);
		pr->indent = "\t";
		print_block(pr, g->block, g->keys, g->nkeys);
		pr->indent = "";
		fprintf(pr->out, "}\n");
	}
	fprintf(pr->out, "\n# users, in block order; a user's rules are their block's, then their "
	    "groups'\n");
	if (policy->nusers == 0)
		fprintf(pr->out, "# none\n");
	for (size_t i = 0; i < policy->nusers; i++) {
		const struct rp_policy_user *u = &policy->users[i];
		emit(pr, &u->pos, NULL, "user %s {", u->name);
		print_evaluation(pr->out, policy, u->name);
		pr->indent = "\t";
		print_block(pr, u->block, u->keys, u->nkeys);
		pr->indent = "";
		fprintf(pr->out, "}\n");
	}
}

/* Members listed in groups that have no user block. */
static void
print_group_only_members(FILE *out, const struct rp_policy *policy)
{
	int header = 0;

	for (size_t i = 0; i < policy->ngroups; i++) {
		const struct rp_policy_group *g = &policy->groups[i];
		for (size_t m = 0; m < g->nmembers; m++) {
			const char *name = g->members[m];
			int first = 1;
			if (rp_policy_find_user(policy, name) != NULL)
				continue;
			for (size_t j = 0; j < i && first; j++)
				first = !listed_in(&policy->groups[j], name);
			if (!first)
				continue;
			if (!header)
				fprintf(out, "\n# members without a user block: their rules are their "
				    "groups'\n");
			header = 1;
			fprintf(out, "# %s: group %s", name, g->name);
			for (size_t j = i + 1; j < policy->ngroups; j++)
				if (listed_in(&policy->groups[j], name))
					fprintf(out, ", group %s", policy->groups[j].name);
			fputc('\n', out);
		}
	}
}

/* --- not yet in effect -------------------------------------------------------------- */

static void
later(FILE *out, int *any, const struct rp_srcpos *pos, const char *what, const char *block)
{
	if (!*any)
		fprintf(out, "\n# not yet in effect: parsed and checked, but rampart does not have "
		    "the mechanism yet\n# (these allows grant nothing)\n");
	*any = 1;
	fprintf(out, "# %s:%u: %s", pos->file, pos->line, what);
	if (block != NULL)
		fprintf(out, " (%s)", block);
	fputc('\n', out);
}

static void
block_later(FILE *out, int *any, const struct rp_block *b)
{
	char buf[256];

	for (size_t i = 0; i < b->nauth; i++) {
		const struct rp_auth_chain *c = &b->auth[i];
		for (size_t m = 0; m < c->n; m++) {
			if (rp_auth_method_in_effect(c->methods[m]))
				continue;
			print_chain(c, buf, sizeof(buf));
			char what[300];
			snprintf(what, sizeof(what), "auth %s: %s", buf,
			    rp_auth_method_name(c->methods[m]));
			later(out, any, &c->pos, what, b->label);
			break;
		}
	}
	for (size_t i = 0; i < b->nrules; i++) {
		const struct rp_rule *r = &b->rules[i];
		if (r->allow && !rp_action_in_effect(r->action))
			later(out, any, &r->pos, r->text, b->label);
	}
}

static void
print_later(FILE *out, const struct rp_policy *policy)
{
	int any = 0;

	for (size_t i = 0; i < policy->ngroups; i++)
		block_later(out, &any, policy->groups[i].block);
	for (size_t i = 0; i < policy->nusers; i++)
		block_later(out, &any, policy->users[i].block);
	if (!any)
		fprintf(out, "\n# not yet in effect: nothing; everything above takes effect\n");
}

void
rp_policy_print(const struct rp_policy *policy, FILE *out)
{
	struct printer pr = { out, "" };

	fprintf(out, "# rampart policy, canonical form: effective values; \"# default\" marks "
	    "values the policy does not set\n\n");
	print_daemon(&pr, policy);
	print_admission(&pr, policy);
	print_principals(&pr, policy);
	print_group_only_members(out, policy);
	print_later(out, policy);
}

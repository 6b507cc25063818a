/*
 * policy/sessions.c: what sessions run and how: `subsystem` lines and the
 * command of each subsystem, `session-umask`, and the per-principal
 * `record-sessions`. (connect-timeout and max-channels are plain numbers
 * with bounds: the generic handlers of settings.c take them.)
 *
 *     subsystem NAME ABSOLUTE-PATH [ARG...]   top level, each NAME once
 *     session-umask OCTAL                     top level, 3 or 4 digits, <= 0777
 *     record-sessions no|yes|with-input       user and group blocks
 *
 * A subsystem's command is its words joined by single spaces, so a word may
 * not hold a blank: it would come apart when the command runs. Words that
 * the lexer only takes in double quotes (with '#', ';', '{', ...) are fine.
 * sftp is defined by default, as Debian's sftp-server; a `subsystem sftp`
 * line replaces it. A subsystem still needs an `allow subsystem NAME` rule.
 */
#include "policy/parse.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBSYSTEM_COMMAND_MAX 4096 /* bytes in a subsystem's command */

/* Indexed by enum rp_record_mode. */
static const char *const record_modes[] = {
	[RP_RECORD_OFF] = "no",
	[RP_RECORD_OUTPUT] = "yes",
	[RP_RECORD_INPUT] = "with-input",
};

const char *
rp_record_mode_name(enum rp_record_mode mode)
{
	if ((unsigned)mode >= RP_NELEM(record_modes))
		return "unknown";
	return record_modes[mode];
}

/* --- subsystems -------------------------------------------------------------- */

static const struct rp_policy_subsystem *
find_subsystem(const struct rp_policy *policy, const char *name)
{
	for (size_t i = 0; i < policy->nsubsystems; i++)
		if (strcmp(policy->subsystems[i].name, name) == 0)
			return &policy->subsystems[i];
	return NULL;
}

const char *
rp_policy_subsystem_command(const struct rp_policy *policy, const char *name)
{
	const struct rp_policy_subsystem *sub;

	if (policy == NULL || name == NULL)
		return NULL;
	if ((sub = find_subsystem(policy, name)) != NULL)
		return sub->command;
	if (strcmp(name, "sftp") == 0)
		return RP_DEFAULT_SFTP_SERVER;
	return NULL;
}

/* The command words[2..n) joined by single spaces, into *out (malloc'd). */
static int
subsystem_command(struct parser *p, const struct directive *d, const struct stmt *st,
    char **out)
{
	const struct rp_token *name = &st->words[1], *path = &st->words[2];
	size_t len = 0, off = 0;
	char ex[80], *command;

	*out = NULL;
	if (path->text[0] != '/' || path->len >= PATH_MAX)
		return rp_perr(p, path, "'%s' expects the command to start with an absolute path, "
		    "got '%s'; expected %s %s, such as subsystem sftp " RP_DEFAULT_SFTP_SERVER,
		    d->name, rp_diag_excerpt(path->text, ex, sizeof(ex)), d->name, d->usage);
	for (size_t i = 2; i < st->n; i++) {
		const struct rp_token *w = &st->words[i];
		if (w->len == 0)
			return rp_perr(p, w, "empty word in the command of subsystem %s; expected "
			    "a word of at least one character", name->text);
		if (strpbrk(w->text, " \t") != NULL)
			return rp_perr(p, w, "word '%s' in the command of subsystem %s holds a "
			    "blank; expected words without blanks (the command is its words joined "
			    "by single spaces)", rp_diag_excerpt(w->text, ex, sizeof(ex)),
			    name->text);
		len += (i > 2) + w->len;
		if (len > SUBSYSTEM_COMMAND_MAX)
			return rp_perr(p, w, "the command of subsystem %s is longer than %d bytes; "
			    "expected a shorter command", name->text, SUBSYSTEM_COMMAND_MAX);
	}
	if ((command = malloc(len + 1)) == NULL)
		return rp_out_of_memory(p, path);
	for (size_t i = 2; i < st->n; i++) {
		if (i > 2)
			command[off++] = ' ';
		memcpy(command + off, st->words[i].text, st->words[i].len);
		off += st->words[i].len;
	}
	command[off] = '\0';
	*out = command;
	return 1;
}

int
rp_do_subsystem(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *name = &st->words[1];
	struct rp_policy *policy = p->policy;
	const struct rp_policy_subsystem *other;
	struct rp_policy_subsystem *grown, *sub;
	char ex[80], *copy, *command;

	if (!rp_valid_subsystem(name->text))
		return rp_perr(p, name, "invalid subsystem name '%s'; expected " RP_SUBSYSTEM_RULE
		    ", such as sftp", rp_diag_excerpt(name->text, ex, sizeof(ex)));
	if ((other = find_subsystem(policy, name->text)) != NULL)
		return rp_perr(p, name, "subsystem %s is already defined at %s:%u:%u; expected "
		    "each subsystem name once", name->text, other->pos.file, other->pos.line,
		    other->pos.col);
	if (!subsystem_command(p, d, st, &command))
		return 0;
	if ((copy = strdup(name->text)) == NULL)
		goto nomem;
	grown = rp_array_grow(policy->subsystems, policy->nsubsystems, sizeof(*grown));
	if (grown == NULL)
		goto nomem;
	policy->subsystems = grown;
	sub = &grown[policy->nsubsystems++];
	sub->name = copy;
	sub->command = command;
	sub->pos = rp_at(p, &st->words[0]);
	return 1;
nomem:
	free(copy);
	free(command);
	return rp_out_of_memory(p, name);
}

/* --- session-umask ------------------------------------------------------------ */

/* 3 or 4 octal digits (022, 0077), a value from d->lo to d->hi (0777). */
int
rp_do_session_umask(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	unsigned long v = ULONG_MAX;
	char ex[80];

	if ((arg->len == 3 || arg->len == 4) && strspn(arg->text, "01234567") == arg->len)
		v = strtoul(arg->text, NULL, 8);
	if (v < d->lo || v > d->hi)
		return rp_perr(p, arg, "'%s' expects 3 or 4 octal digits from %03llo to %04llo (such "
		    "as 022 or 0077), got '%s'", d->name, (unsigned long long)d->lo,
		    (unsigned long long)d->hi, rp_diag_excerpt(arg->text, ex, sizeof(ex)));
	*(unsigned *)(void *)((char *)p->policy + d->field) = (unsigned)v;
	return 1;
}

/* --- record-sessions ------------------------------------------------------------ */

int
rp_do_record_sessions(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_uint_setting *set = &rp_current_block(p)->record_sessions;
	char ex[80];

	for (unsigned i = 0; i < RP_NELEM(record_modes); i++) {
		if (arg->kind == RP_TOK_WORD && strcmp(arg->text, record_modes[i]) == 0) {
			set->value = i;
			set->pos = rp_at(p, &st->words[0]);
			return 1;
		}
	}
	return rp_perr(p, arg, "'%s' expects no, yes or with-input, got '%s'", d->name,
	    rp_diag_excerpt(arg->text, ex, sizeof(ex)));
}

/*
 * policy/policy.c: the policy object: its defaults, how the loader adds to
 * it, the lookups that predate principals, and freeing it.
 */
#include "policy/internal.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/dh.h"
#include "crypto/krl.h"
#include "crypto/sshkey.h"

#define DEFAULT_LOGIN_GRACE_TIME 30
#define DEFAULT_MAX_AUTH_TRIES 6
#define DEFAULT_MAX_CONNECTIONS 1000
#define DEFAULT_WORKER_USER "rampart"
#define DEFAULT_WORKER_CHROOT "/var/lib/rampart/empty"
#define DEFAULT_CONTROL_SOCKET "/run/rampart/control.sock"
#define DEFAULT_SESSION_UMASK 0022
#define DEFAULT_MAX_CHANNELS 64
#define DEFAULT_CONNECT_TIMEOUT 10

/* Indexed by enum rp_action. */
static const struct {
	const char *name;
	int in_effect; /* rampart has the mechanism: a later issue flips these */
} actions[RP_ACTION_COUNT] = {
	[RP_ACTION_LOGIN] = { "login", 1 },
	[RP_ACTION_SHELL] = { "shell", 1 },
	[RP_ACTION_EXEC] = { "exec", 1 },
	[RP_ACTION_SUBSYSTEM] = { "subsystem", 1 },
	[RP_ACTION_PTY] = { "pty", 1 },
	[RP_ACTION_ENV] = { "env", 1 },
	[RP_ACTION_FORWARD] = { "forward", 1 },
	[RP_ACTION_REMOTE_FORWARD] = { "remote-forward", 1 },
	[RP_ACTION_X11] = { "x11", 1 },
	[RP_ACTION_AGENT] = { "agent", 1 },
};

/* Indexed by enum rp_auth_method. */
static const struct {
	const char *name;
	int in_effect;
} methods[RP_AUTH_METHOD_COUNT] = {
	[RP_AUTH_PUBLICKEY] = { "publickey", 1 },
	[RP_AUTH_PASSWORD] = { "password", 1 },
	[RP_AUTH_KEYBOARD_INTERACTIVE] = { "keyboard-interactive", 1 },
	[RP_AUTH_NONE] = { "none", 1 },
};

const struct rp_policy_version_pattern *
rp_policy_refused_version(const struct rp_policy *policy, const char *software)
{
	for (size_t i = 0; i < policy->nrefused_versions; i++)
		if (fnmatch(policy->refused_versions[i].pattern, software, 0) == 0)
			return &policy->refused_versions[i];
	return NULL;
}

const char *
rp_action_name(enum rp_action action)
{
	if ((unsigned)action >= RP_ACTION_COUNT)
		return "unknown";
	return actions[action].name;
}

int
rp_action_from_name(const char *name, enum rp_action *out)
{
	for (unsigned i = 0; i < RP_ACTION_COUNT; i++) {
		if (strcmp(name, actions[i].name) == 0) {
			*out = (enum rp_action)i;
			return 1;
		}
	}
	return 0;
}

int
rp_action_in_effect(enum rp_action action)
{
	return (unsigned)action < RP_ACTION_COUNT && actions[action].in_effect;
}

const char *
rp_auth_method_name(enum rp_auth_method method)
{
	if ((unsigned)method >= RP_AUTH_METHOD_COUNT)
		return "unknown";
	return methods[method].name;
}

int
rp_auth_method_in_effect(enum rp_auth_method method)
{
	return (unsigned)method < RP_AUTH_METHOD_COUNT && methods[method].in_effect;
}

static int
set_default_string(char **field, const char *value)
{
	return (*field = strdup(value)) != NULL;
}

static int
set_default_algorithms(char **field, enum rp_alg_kind kind)
{
	return (*field = rp_alg_default(kind, 0)) != NULL;
}

struct rp_policy *
rp_policy_new(void)
{
	struct rp_policy *policy = calloc(1, sizeof(*policy));
	int ok;

	if (policy == NULL)
		return NULL;
	policy->login_grace_time_s = DEFAULT_LOGIN_GRACE_TIME;
	policy->max_auth_tries = DEFAULT_MAX_AUTH_TRIES;
	policy->max_connections = DEFAULT_MAX_CONNECTIONS;
	policy->max_startups_start = 10;
	policy->max_startups_rate = 30;
	policy->max_startups_full = 100;
	policy->session_umask = DEFAULT_SESSION_UMASK;
	policy->max_channels = DEFAULT_MAX_CHANNELS;
	policy->dh_group_bits = RP_DH_GEX_MIN_BITS;
	policy->connect_timeout_s = DEFAULT_CONNECT_TIMEOUT;
	policy->tcp_nodelay = 1;
	policy->log_level = RP_LOG_INFO;
	policy->audit_failure_refuse = 1;
	policy->penalties.enabled = 1;
	policy->penalties.authfail_s = 5;
	policy->penalties.noauth_s = 1;
	policy->penalties.crash_s = 90;
	policy->penalties.grace_exceeded_s = 10;
	policy->penalties.refused_s = 0;
	policy->penalties.max_s = 600;
	policy->penalties.min_s = 15;
	policy->penalties.ipv4_prefix = 32;
	policy->penalties.ipv6_prefix = 64;
	ok = set_default_string(&policy->server_version, "rampart_" RAMPART_VERSION) &&
	    set_default_algorithms(&policy->kex_algorithms, RP_ALG_KEX) &&
	    set_default_algorithms(&policy->host_key_algorithms, RP_ALG_HOSTKEY) &&
	    set_default_algorithms(&policy->ciphers, RP_ALG_CIPHER) &&
	    set_default_algorithms(&policy->macs, RP_ALG_MAC) &&
	    set_default_algorithms(&policy->pubkey_algorithms, RP_ALG_PUBKEY) &&
	    set_default_algorithms(&policy->compression, RP_ALG_COMPRESSION) &&
	    set_default_string(&policy->control_socket, DEFAULT_CONTROL_SOCKET) &&
	    set_default_string(&policy->worker_user, DEFAULT_WORKER_USER) &&
	    set_default_string(&policy->worker_chroot, DEFAULT_WORKER_CHROOT);
	if (!ok) {
		rp_policy_free(policy);
		return NULL;
	}
	return policy;
}

void *
rp_array_grow(void *array, size_t n, size_t size)
{
	/* An array of n elements has room for the smallest power of two that
	 * is at least n: it is full when n is 0 or a power of two. */
	if (n != 0 && (n & (n - 1)) != 0)
		return array;
	if (n > SIZE_MAX / 2 / size)
		return NULL;
	return realloc(array, (n == 0 ? 1 : n * 2) * size);
}

int
rp_strings_add(char ***array, size_t *n, const char *s)
{
	char **grown, *copy;

	if ((grown = rp_array_grow(*array, *n, sizeof(*grown))) == NULL)
		return 0;
	*array = grown;
	if ((copy = strdup(s)) == NULL)
		return 0;
	grown[(*n)++] = copy;
	return 1;
}

void
rp_strings_free(char **array, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(array[i]);
	free(array);
}

const char *
rp_policy_intern_file(struct rp_policy *policy, const char *name)
{
	for (size_t i = 0; i < policy->nfiles; i++)
		if (strcmp(policy->files[i], name) == 0)
			return policy->files[i];
	if (!rp_strings_add(&policy->files, &policy->nfiles, name))
		return NULL;
	return policy->files[policy->nfiles - 1];
}

int
rp_policy_note_setting(struct rp_policy *policy, const char *name, const struct rp_srcpos *pos)
{
	struct rp_setting_pos *grown;

	grown = rp_array_grow(policy->settings, policy->nsettings, sizeof(*grown));
	if (grown == NULL)
		return 0;
	policy->settings = grown;
	grown[policy->nsettings].name = name;
	grown[policy->nsettings].pos = *pos;
	policy->nsettings++;
	return 1;
}

const struct rp_srcpos *
rp_policy_setting_pos(const struct rp_policy *policy, const char *name)
{
	for (size_t i = 0; i < policy->nsettings; i++)
		if (strcmp(policy->settings[i].name, name) == 0)
			return &policy->settings[i].pos;
	return NULL;
}

static struct rp_block *
new_block(int is_group, const char *name)
{
	struct rp_block *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->is_group = is_group;
	b->name = name;
	snprintf(b->label, sizeof(b->label), "%s %s", is_group ? "group" : "user", name);
	return b;
}

long
rp_policy_add_user(struct rp_policy *policy, const char *name, const struct rp_srcpos *pos)
{
	struct rp_policy_user *users, *user;

	if ((users = rp_array_grow(policy->users, policy->nusers, sizeof(*users))) == NULL)
		return -1;
	policy->users = users;
	user = &policy->users[policy->nusers];
	memset(user, 0, sizeof(*user));
	if ((user->name = strdup(name)) == NULL)
		return -1;
	if ((user->block = new_block(0, user->name)) == NULL) {
		free(user->name);
		return -1;
	}
	user->pos = *pos;
	return (long)policy->nusers++;
}

long
rp_policy_add_group(struct rp_policy *policy, const char *name, const struct rp_srcpos *pos)
{
	struct rp_policy_group *groups, *group;

	if ((groups = rp_array_grow(policy->groups, policy->ngroups, sizeof(*groups))) == NULL)
		return -1;
	policy->groups = groups;
	group = &policy->groups[policy->ngroups];
	memset(group, 0, sizeof(*group));
	if ((group->name = strdup(name)) == NULL)
		return -1;
	if ((group->block = new_block(1, group->name)) == NULL) {
		free(group->name);
		return -1;
	}
	group->pos = *pos;
	return (long)policy->ngroups++;
}

const struct rp_policy_key *
rp_keys_find(const struct rp_policy_key *keys, size_t nkeys, const struct rp_pubkey *key)
{
	for (size_t i = 0; i < nkeys; i++)
		if (!keys[i].options.cert_authority && rp_pubkey_equal(keys[i].key, key))
			return &keys[i];
	return NULL;
}

static int
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
rp_keys_add(struct rp_policy_key **keys, size_t *nkeys, const char *owner,
    struct rp_pubkey *key, char *comment, struct rp_key_options *options,
    const struct rp_srcpos *pos, struct rp_policy_diag *diag)
{
	struct rp_key_options none;
	struct rp_policy_key *grown, *entry;
	char fp[64];

	if (options == NULL) {
		rp_key_options_init(&none);
		options = &none;
	}
	/* The same key with other options is another line, tried in turn;
	 * the very same line twice is a slip worth a warning. */
	for (size_t i = 0; i < *nkeys; i++) {
		const struct rp_policy_key *first = &(*keys)[i];
		if (!rp_pubkey_equal(first->key, key) || !same_text(first->options.text,
		    options->text))
			continue;
		if (!rp_pubkey_fingerprint(key, fp, sizeof(fp)))
			snprintf(fp, sizeof(fp), "(no fingerprint)");
		rp_diag_warn(diag, pos, "key %s is already listed for %s at %s:%u:%u; "
		    "duplicate ignored", fp, owner, first->pos.file, first->pos.line,
		    first->pos.col);
		rp_pubkey_free(key);
		free(comment);
		rp_key_options_free(options);
		return 1;
	}
	if ((grown = rp_array_grow(*keys, *nkeys, sizeof(*grown))) == NULL) {
		rp_pubkey_free(key);
		free(comment);
		rp_key_options_free(options);
		return 0;
	}
	*keys = grown;
	entry = &grown[(*nkeys)++];
	entry->key = key;
	entry->comment = comment;
	entry->pos = *pos;
	entry->options = *options;
	rp_key_options_init(options);
	return 1;
}

void
rp_keys_free(struct rp_policy_key *keys, size_t nkeys)
{
	for (size_t i = 0; i < nkeys; i++) {
		rp_pubkey_free(keys[i].key);
		free(keys[i].comment);
		rp_key_options_free(&keys[i].options);
	}
	free(keys);
}

const struct rp_policy_user *
rp_policy_find_user(const struct rp_policy *policy, const char *name)
{
	for (size_t i = 0; i < policy->nusers; i++)
		if (strcmp(policy->users[i].name, name) == 0)
			return &policy->users[i];
	return NULL;
}

const struct rp_policy_group *
rp_policy_find_group(const struct rp_policy *policy, const char *name)
{
	for (size_t i = 0; i < policy->ngroups; i++)
		if (strcmp(policy->groups[i].name, name) == 0)
			return &policy->groups[i];
	return NULL;
}

const struct rp_policy_key *
rp_policy_user_key(const struct rp_policy_user *user, const struct rp_pubkey *key)
{
	return rp_keys_find(user->keys, user->nkeys, key);
}

int
rp_policy_user_may(const struct rp_policy_user *user, enum rp_action action)
{
	if (user == NULL || (unsigned)action >= RP_ACTION_COUNT)
		return 0;
	for (size_t i = 0; i < user->block->nrules; i++) {
		const struct rp_rule *r = &user->block->rules[i];
		int unconditional = !r->has_from && !r->at.set && r->nargs == 0 &&
		    r->nforwards == 0 && r->nbinds == 0;
		if (r->action != action)
			continue;
		if (!r->allow)
			return 0; /* a deny that may match: fail closed */
		if (unconditional)
			return 1;
		/* A conditional allow may not match; look further. */
	}
	return 0;
}

/* --- freeing --------------------------------------------------------------- */

void
rp_sources_free(struct rp_sources *sources)
{
	free(sources->cidrs);
	memset(sources, 0, sizeof(*sources));
}

void
rp_rule_free(struct rp_rule *rule)
{
	rp_strings_free(rule->args, rule->nargs);
	for (size_t i = 0; i < rule->nforwards; i++) {
		free(rule->forwards[i].host);
		free(rule->forwards[i].ports.ranges);
	}
	free(rule->forwards);
	for (size_t i = 0; i < rule->nbinds; i++)
		free(rule->binds[i].ports.ranges);
	free(rule->binds);
	rp_sources_free(&rule->from);
	free(rule->text);
	memset(rule, 0, sizeof(*rule));
}

void
rp_block_free(struct rp_block *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->nrules; i++)
		rp_rule_free(&b->rules[i]);
	free(b->rules);
	free(b->auth);
	for (size_t i = 0; i < b->nkeyfiles; i++)
		free(b->keyfiles[i].path);
	free(b->keyfiles);
	free(b->loaded_keyfiles);
	rp_strings_free(b->loaded_keyfile_paths, b->nloaded_keyfiles);
	for (size_t i = 0; i < b->ncas; i++) {
		free(b->cas[i].path);
		rp_keys_free(b->cas[i].keys, b->cas[i].nkeys);
		rp_strings_free(b->cas[i].principals, b->cas[i].nprincipals);
	}
	free(b->cas);
	free(b->password_hash.value);
	free(b->totp_secrets.value);
	free(b->totp_prompt.value);
	free(b->auth_instruction.value);
	free(b->banner.value);
	free(b->banner_file);
	free(b);
}

void
rp_policy_free(struct rp_policy *policy)
{
	if (policy == NULL)
		return;
	free(policy->listens);
	for (size_t i = 0; i < policy->nhost_keys; i++)
		free(policy->host_keys[i].path);
	free(policy->host_keys);
	for (size_t i = 0; i < policy->nhost_certificates; i++)
		free(policy->host_certificates[i].path);
	free(policy->host_certificates);
	free(policy->banner);
	free(policy->banner_file);
	free(policy->revoked_keys);
	rp_krl_free(policy->krl);
	free(policy->server_version);
	free(policy->kex_algorithms);
	free(policy->host_key_algorithms);
	free(policy->ciphers);
	free(policy->macs);
	free(policy->pubkey_algorithms);
	free(policy->compression);
	free(policy->moduli_file);
	rp_moduli_free(policy->moduli);
	for (size_t i = 0; i < policy->naudit_logs; i++)
		free(policy->audit_logs[i].path);
	free(policy->audit_logs);
	for (size_t i = 0; i < policy->nrefused_versions; i++)
		free(policy->refused_versions[i].pattern);
	free(policy->refused_versions);
	free(policy->recording_dir);
	for (size_t i = 0; i < policy->nsubsystems; i++) {
		free(policy->subsystems[i].name);
		free(policy->subsystems[i].command);
	}
	free(policy->subsystems);
	free(policy->control_socket);
	free(policy->worker_user);
	free(policy->worker_chroot);
	rp_sources_free(&policy->penalties.exempt);
	for (size_t i = 0; i < policy->nadmission; i++) {
		rp_sources_free(&policy->admission[i].from);
		free(policy->admission[i].text);
	}
	free(policy->admission);
	for (size_t i = 0; i < policy->ngroups; i++) {
		struct rp_policy_group *g = &policy->groups[i];
		rp_strings_free(g->members, g->nmembers);
		rp_strings_free(g->system_groups, g->nsystem_groups);
		rp_keys_free(g->keys, g->nkeys);
		rp_block_free(g->block);
		free(g->name);
	}
	free(policy->groups);
	for (size_t i = 0; i < policy->nusers; i++) {
		rp_keys_free(policy->users[i].keys, policy->users[i].nkeys);
		rp_block_free(policy->users[i].block);
		free(policy->users[i].name);
	}
	free(policy->users);
	rp_strings_free(policy->files, policy->nfiles);
	free(policy->settings);
	free(policy);
}

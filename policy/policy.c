/*
 * policy/policy.c: the policy object: its defaults, how the loader adds to
 * it, the lookups the monitor makes, and freeing it.
 *
 * Deny by default lives here: a user is found only if a `user` block names
 * them, a key counts only if it is listed for that user, and an action is
 * allowed only if an `allow` line set its flag.
 */
#include "policy/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sshkey.h"

#define DEFAULT_LOGIN_GRACE_TIME 30
#define DEFAULT_MAX_AUTH_TRIES 6
#define DEFAULT_WORKER_USER "rampart"
#define DEFAULT_WORKER_CHROOT "/var/lib/rampart/empty"

/* Indexed by enum rp_action. */
static const char *const action_names[RP_ACTION_COUNT] = {
	[RP_ACTION_EXEC] = "exec",
};

const char *
rp_action_name(enum rp_action action)
{
	if ((unsigned)action >= RP_ACTION_COUNT)
		return "unknown";
	return action_names[action];
}

int
rp_action_from_name(const char *name, enum rp_action *out)
{
	for (unsigned i = 0; i < RP_ACTION_COUNT; i++) {
		if (strcmp(name, action_names[i]) == 0) {
			*out = (enum rp_action)i;
			return 1;
		}
	}
	return 0;
}

struct rp_policy *
rp_policy_new(void)
{
	struct rp_policy *policy = calloc(1, sizeof(*policy));

	if (policy == NULL)
		return NULL;
	policy->login_grace_time_s = DEFAULT_LOGIN_GRACE_TIME;
	policy->max_auth_tries = DEFAULT_MAX_AUTH_TRIES;
	policy->worker_user = strdup(DEFAULT_WORKER_USER);
	policy->worker_chroot = strdup(DEFAULT_WORKER_CHROOT);
	if (policy->worker_user == NULL || policy->worker_chroot == NULL) {
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

const char *
rp_policy_intern_file(struct rp_policy *policy, const char *name)
{
	char *copy, **files;

	for (size_t i = 0; i < policy->nfiles; i++)
		if (strcmp(policy->files[i], name) == 0)
			return policy->files[i];
	if ((files = rp_array_grow(policy->files, policy->nfiles, sizeof(*files))) == NULL)
		return NULL;
	policy->files = files;
	if ((copy = strdup(name)) == NULL)
		return NULL;
	policy->files[policy->nfiles++] = copy;
	return copy;
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
	user->pos = *pos;
	return (long)policy->nusers++;
}

int
rp_policy_user_add_key(struct rp_policy_user *user, struct rp_pubkey *key, char *comment,
    const struct rp_srcpos *pos, struct rp_policy_diag *diag)
{
	const struct rp_policy_key *first;
	struct rp_policy_key *keys, *entry;
	char fp[64];

	if ((first = rp_policy_user_key(user, key)) != NULL) {
		if (!rp_pubkey_fingerprint(key, fp, sizeof(fp)))
			snprintf(fp, sizeof(fp), "(no fingerprint)");
		rp_diag_warn(diag, pos, "key %s is already listed for user %s at %s:%u:%u; "
		    "duplicate ignored", fp, user->name, first->pos.file, first->pos.line,
		    first->pos.col);
		rp_pubkey_free(key);
		free(comment);
		return 1;
	}
	if ((keys = rp_array_grow(user->keys, user->nkeys, sizeof(*keys))) == NULL) {
		rp_pubkey_free(key);
		free(comment);
		return 0;
	}
	user->keys = keys;
	entry = &user->keys[user->nkeys++];
	entry->key = key;
	entry->comment = comment;
	entry->pos = *pos;
	return 1;
}

const struct rp_policy_user *
rp_policy_find_user(const struct rp_policy *policy, const char *name)
{
	for (size_t i = 0; i < policy->nusers; i++)
		if (strcmp(policy->users[i].name, name) == 0)
			return &policy->users[i];
	return NULL;
}

const struct rp_policy_key *
rp_policy_user_key(const struct rp_policy_user *user, const struct rp_pubkey *key)
{
	for (size_t i = 0; i < user->nkeys; i++)
		if (rp_pubkey_equal(user->keys[i].key, key))
			return &user->keys[i];
	return NULL;
}

int
rp_policy_user_may(const struct rp_policy_user *user, enum rp_action action)
{
	if (user == NULL || (unsigned)action >= RP_ACTION_COUNT)
		return 0;
	return user->allowed[action] != 0;
}

static void
free_user(struct rp_policy_user *user)
{
	for (size_t i = 0; i < user->nkeys; i++) {
		rp_pubkey_free(user->keys[i].key);
		free(user->keys[i].comment);
	}
	free(user->keys);
	free(user->name);
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
	free(policy->worker_user);
	free(policy->worker_chroot);
	for (size_t i = 0; i < policy->nusers; i++)
		free_user(&policy->users[i]);
	free(policy->users);
	for (size_t i = 0; i < policy->nfiles; i++)
		free(policy->files[i]);
	free(policy->files);
	free(policy);
}

/*
 * monitor/hostkeys.c: loading the host keys named by the policy. Only the
 * monitor ever holds the private halves; workers get the public blobs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "crypto/keyfile.h"
#include "monitor/monitor.h"

static int
load_one(struct monitor *m, const struct rp_policy_hostkey *hk)
{
	struct hostkey *slot;
	struct rp_privkey *key;
	struct stat st;
	char err[256];
	CBB cbb;

	if (stat(hk->path, &st) != 0) {
		rp_error("%s:%u: host key %s: %s", hk->pos.file, hk->pos.line, hk->path,
		    strerror(errno));
		return 0;
	}
	/* As sshd: a private key others can read is not a secret any more. */
	if ((st.st_mode & 077) != 0) {
		rp_error("%s:%u: host key %s is readable or writable by others (mode %04o); "
		    "run: chmod 600 %s", hk->pos.file, hk->pos.line, hk->path,
		    (unsigned)(st.st_mode & 07777), hk->path);
		return 0;
	}
	if (!rp_privkey_load_file(hk->path, &key, NULL, err, sizeof(err))) {
		rp_error("%s:%u: host key %s: %s", hk->pos.file, hk->pos.line, hk->path, err);
		return 0;
	}
	const char *alg = rp_key_type_name(rp_pubkey_type(rp_privkey_public(key)));
	if (hostkeys_find(m, alg) != NULL) {
		rp_error("%s:%u: host key %s: a second %s key (one per algorithm)",
		    hk->pos.file, hk->pos.line, hk->path, alg);
		rp_privkey_free(key);
		return 0;
	}
	if (m->nhostkeys == MAX_HOSTKEYS) {
		rp_error("%s:%u: more than %d host keys", hk->pos.file, hk->pos.line, MAX_HOSTKEYS);
		rp_privkey_free(key);
		return 0;
	}
	slot = &m->hostkeys[m->nhostkeys];
	memset(slot, 0, sizeof(*slot));
	if (!CBB_init(&cbb, 64) || !rp_pubkey_to_blob(rp_privkey_public(key), &cbb) ||
	    !CBB_finish(&cbb, &slot->blob, &slot->blob_len) ||
	    (slot->path = strdup(hk->path)) == NULL) {
		CBB_cleanup(&cbb);
		OPENSSL_free(slot->blob);
		rp_privkey_free(key);
		rp_error("out of memory");
		return 0;
	}
	slot->key = key;
	slot->alg = alg;
	rp_pubkey_fingerprint(rp_privkey_public(key), slot->fingerprint,
	    sizeof(slot->fingerprint));
	m->nhostkeys++;
	rp_info("host key %s %s %s", hk->path, alg, slot->fingerprint);
	return 1;
}

int
hostkeys_load(struct monitor *m)
{
	size_t off = 0;

	for (size_t i = 0; i < m->policy->nhost_keys; i++)
		if (!load_one(m, &m->policy->host_keys[i]))
			return 0;
	if (m->nhostkeys == 0) {
		rp_error("the policy names no host key");
		return 0;
	}
	m->hostkey_algs[0] = '\0';
	for (size_t i = 0; i < m->nhostkeys; i++) {
		int n = snprintf(m->hostkey_algs + off, sizeof(m->hostkey_algs) - off, "%s%s",
		    i > 0 ? "," : "", m->hostkeys[i].alg);

		if (n < 0 || (size_t)n >= sizeof(m->hostkey_algs) - off)
			return 0;
		off += (size_t)n;
	}
	return 1;
}

void
hostkeys_free(struct monitor *m)
{
	for (size_t i = 0; i < m->nhostkeys; i++) {
		rp_privkey_free(m->hostkeys[i].key);
		OPENSSL_free(m->hostkeys[i].blob);
		free(m->hostkeys[i].path);
	}
	m->nhostkeys = 0;
}

const struct hostkey *
hostkeys_find(const struct monitor *m, const char *alg)
{
	for (size_t i = 0; i < m->nhostkeys; i++)
		if (strcmp(m->hostkeys[i].alg, alg) == 0)
			return &m->hostkeys[i];
	return NULL;
}

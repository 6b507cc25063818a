/*
 * monitor/auth_password.c: password authentication (RFC 4252 8).
 *
 * The password is checked against the principal's `password-hash`, or the
 * system's shadow entry for `password system`, with crypt(3) on the crypt
 * pool's threads (monitor/crypt_pool.c): the event loop never waits on a
 * deliberately slow hash. Whatever the reason a password cannot be right
 * (unknown user, no password set, locked or expired account, password not
 * a next step of the user's chains), a hash is still computed, with the
 * answer forced to no: against the policy's first password-hash (the same
 * scheme and cost as a real check), or a hash in crypt(3)'s default
 * scheme. The answer comes as late as a wrong password's, so timing does
 * not tell which users exist or have a password.
 *
 * Password changes (SSH_MSG_USERAUTH_PASSWD_CHANGEREQ) are not offered; an
 * expired password is a failure, logged as such.
 */
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "crypto/secret.h"
#include "monitor/monitor.h"

/* The shadow entry's hash for user, when it may be used now. On refusal,
 * *reason (a static string) says why. */
static int
shadow_hash(const char *user, char *out, size_t outsz, const char **reason)
{
	struct spwd sp, *res = NULL;
	char buf[4096];
	long today = (long)(time(NULL) / 86400);
	int ok = 0;

	if (getspnam_r(user, &sp, buf, sizeof(buf), &res) != 0 || res == NULL) {
		*reason = "no shadow entry for user (or not readable)";
		goto out;
	}
	if (sp.sp_pwdp == NULL || sp.sp_pwdp[0] == '\0') {
		/* OpenSSH's PermitEmptyPasswords no. */
		*reason = "the account has an empty password";
		goto out;
	}
	if (sp.sp_pwdp[0] == '!' || sp.sp_pwdp[0] == '*') {
		*reason = "the account's password is locked";
		goto out;
	}
	if (sp.sp_expire >= 0 && today >= sp.sp_expire) {
		*reason = "the account has expired";
		goto out;
	}
	if (sp.sp_lstchg == 0) {
		*reason = "the password must be changed first";
		goto out;
	}
	if (sp.sp_max >= 0 && sp.sp_lstchg > 0 && today > sp.sp_lstchg + sp.sp_max) {
		*reason = "the password has expired";
		goto out;
	}
	if (strlen(sp.sp_pwdp) >= outsz) {
		*reason = "the shadow hash is too long";
		goto out;
	}
	memcpy(out, sp.sp_pwdp, strlen(sp.sp_pwdp) + 1);
	ok = 1;
out:
	rp_wipe(buf, sizeof(buf));
	return ok;
}

/* The hash to check the password against, for principal pr (NULL: not a
 * principal); NULL with *reason when none may be used. */
static const char *
hash_for(const struct monitor *m, const struct conn *c, const struct rp_principal *pr,
    char *shadow, size_t shadowsz, const char **reason)
{
	struct rp_password_setting ps;
	struct rp_account acct;
	char home[4096], why[128];

	if (pr == NULL) {
		*reason = "user not in policy";
		return NULL;
	}
	if (!auth_is_next_step(c, pr, RP_AUTH_PASSWORD)) {
		*reason = "password is not a next step of the user's auth chains";
		return NULL;
	}
	if (!auth_account(m, pr->name, &acct, home, sizeof(home), why, sizeof(why))) {
		*reason = "no system account for user";
		return NULL;
	}
	switch (rp_principal_password(pr, &ps) ? ps.source : RP_PASSWORD_NONE) {
	case RP_PASSWORD_HASH:
		return ps.hash;
	case RP_PASSWORD_SYSTEM:
		return shadow_hash(pr->name, shadow, shadowsz, reason) ? shadow : NULL;
	case RP_PASSWORD_NONE:
	default:
		*reason = "no password is set for user";
		return NULL;
	}
}

const char *
handle_auth_password(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_auth_password req;
	struct rp_principal pr;
	struct crypt_job *job;
	struct auth_attempt at = { "password", RP_AUTH_PASSWORD, "attempt", NULL, NULL, 0 };
	const char *violation, *hash, *reason = NULL;
	char shadow[512];
	int known = 0;

	if (!rp_ipc_auth_password_read(payload, &req))
		return "malformed";
	if (!auth_start(m, c, id, req.user, RP_AUTH_PASSWORD, &violation))
		goto wipe;
	known = auth_resolve(c, &pr);
	hash = hash_for(m, c, known ? &pr : NULL, shadow, sizeof(shadow), &reason);
	if ((job = calloc(1, sizeof(*job))) == NULL ||
	    (job->hash = strdup(hash != NULL ? hash : c->pref->timing_hash[0] != '\0' ?
	    c->pref->timing_hash : m->dummy_hash)) == NULL ||
	    (job->password = malloc(CBS_len(&req.password) + 1)) == NULL) {
		crypt_job_free(job);
		violation = "out of memory";
		goto clear;
	}
	memcpy(job->password, CBS_data(&req.password), CBS_len(&req.password));
	job->password[CBS_len(&req.password)] = '\0';
	job->password_len = CBS_len(&req.password);
	job->conn_id = c->id;
	job->req_id = id;
	job->force_fail = hash == NULL;
	job->fail_reason = reason;
	if (!crypt_pool_submit(&m->crypt, job)) {
		crypt_job_free(job);
		auth_reject(m, c, id, known ? &pr : NULL, &at,
		    "too many password checks waiting; try again later");
		goto clear;
	}
	c->auth_pending = 1;
	c->auth_pending_id = id;
clear:
	rp_wipe(shadow, sizeof(shadow));
	if (known)
		rp_principal_clear(&pr);
wipe:
	/* The password is still in the receive buffer. */
	rp_wipe((void *)CBS_data(&req.password), CBS_len(&req.password));
	return violation;
}

void
auth_password_done(struct monitor *m)
{
	struct crypt_job *job;

	while ((job = crypt_pool_take(&m->crypt)) != NULL) {
		struct conn *c = conn_by_id(m, job->conn_id);
		struct auth_attempt at = { "password", RP_AUTH_PASSWORD, "attempt", NULL, NULL, 0 };
		struct rp_principal pr;
		int known;

		/* The connection may have ended while the hash was computed. */
		if (c == NULL || c->ipc_fd < 0 || c->state != CONN_PREAUTH || !c->auth_pending ||
		    c->auth_pending_id != job->req_id) {
			crypt_job_free(job);
			continue;
		}
		c->auth_pending = 0;
		known = auth_resolve(c, &pr);
		if (job->ok && known)
			(void)auth_passed(m, c, job->req_id, &pr, &at, NULL);
		else
			auth_reject(m, c, job->req_id, known ? &pr : NULL, &at,
			    job->fail_reason != NULL ? job->fail_reason : "wrong password");
		if (known)
			rp_principal_clear(&pr);
		crypt_job_free(job);
	}
}

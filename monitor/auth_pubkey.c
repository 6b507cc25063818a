/*
 * monitor/auth_pubkey.c: publickey authentication decisions (RFC 4252 7).
 *
 * A key is acceptable when it parses, its algorithm is one rampart accepts
 * for it, the policy lists it for that user, and (in privileged mode) the
 * user is a system account sessions can run as. For the signature phase the
 * monitor builds the signed data itself from the session identifier it
 * recorded when it signed the first exchange hash, and verifies it.
 *
 * Every rejected query or signature counts towards max-auth-tries, as in
 * OpenSSH; past it the answer is EXHAUSTED and the worker disconnects.
 * Client answers never say why; the log does.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "monitor/monitor.h"

struct candidate {
	struct rp_pubkey *key;
	char fingerprint[64];
	char reason[200]; /* why it is not acceptable, for the log */
};

/* Does one of the principal's auth chains consist of publickey alone?
 * Chains that need more (publickey then keyboard-interactive) cannot
 * complete yet: partial success comes with the methods it needs. */
static int
publickey_completes(const struct rp_principal *pr, char *why, size_t whysz)
{
	size_t n;
	const char *from;
	const struct rp_auth_chain *chains = rp_principal_auth(pr, &n, &from);
	int mentioned = 0;

	for (size_t i = 0; i < n; i++) {
		if (chains[i].n == 1 && chains[i].methods[0] == RP_AUTH_PUBLICKEY)
			return 1;
		for (size_t k = 0; k < chains[i].n; k++)
			mentioned |= chains[i].methods[k] == RP_AUTH_PUBLICKEY;
	}
	snprintf(why, whysz, mentioned ?
	    "the auth chains of %s need a second method after publickey, not implemented yet" :
	    "publickey is not among the auth methods of %s", from);
	return 0;
}

static void
key_file_warning(void *ctx, const char *message)
{
	(void)ctx;
	rp_warn("policy: %s", message);
}

int
login_allowed(const struct monitor *m, const struct rp_policy *p, const struct conn *c,
    const char *user, const struct rp_pubkey *key, char *why, size_t whysz, char *rule,
    size_t rulesz)
{
	struct rp_principal pr;
	struct rp_account acct;
	struct rp_key_source src;
	struct rp_policy_diag diag;
	struct rp_decision d;
	struct rp_request req;
	struct passwd *pw;
	int ok = 0;

	if (rule != NULL && rulesz > 0)
		rule[0] = '\0';
	if (!rp_policy_resolve(p, user, &pr)) {
		snprintf(why, whysz, "user not in policy");
		return 0;
	}
	pw = getpwnam(user);
	/* Privileged mode runs sessions as the user's account. */
	if (pw == NULL && m->privileged) {
		snprintf(why, whysz, "no system account for user");
		goto out;
	}
	if (!publickey_completes(&pr, why, whysz))
		goto out;
	memset(&acct, 0, sizeof(acct));
	acct.home = pw != NULL ? pw->pw_dir : NULL;
	acct.uid = pw != NULL ? pw->pw_uid : 0;
	memset(&diag, 0, sizeof(diag));
	diag.warn = key_file_warning;
	if (!rp_policy_authorize_key(p, &pr, key, &acct, &diag, &src)) {
		snprintf(why, whysz, "key not authorized for user");
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.action = RP_ACTION_LOGIN;
	if (!conn_decide(p, &pr, c, &req, &d, rule, rulesz)) {
		if (d.rule != NULL)
			snprintf(why, whysz, "login denied by %s:%u (%s: %s)", d.pos.file, d.pos.line,
			    d.block, d.rule);
		else
			snprintf(why, whysz, "no rule allows login (deny by default)");
		goto out;
	}
	ok = 1;
out:
	rp_principal_clear(&pr);
	return ok;
}

static int
acceptable(const struct monitor *m, const struct conn *c, const char *user, const char *alg,
    CBS blob, struct candidate *cand)
{
	memset(cand, 0, sizeof(*cand));
	strcpy(cand->fingerprint, "-");
	if (!rp_pubkey_from_blob(CBS_data(&blob), CBS_len(&blob), &cand->key)) {
		snprintf(cand->reason, sizeof(cand->reason), "malformed or unsupported key");
		return 0;
	}
	rp_pubkey_fingerprint(cand->key, cand->fingerprint, sizeof(cand->fingerprint));
	if (strcmp(alg, rp_key_type_name(rp_pubkey_type(cand->key))) != 0) {
		snprintf(cand->reason, sizeof(cand->reason),
		    "signature algorithm does not suit the key");
		return 0;
	}
	return login_allowed(m, c->pref->policy, c, user, cand->key, cand->reason,
	    sizeof(cand->reason), NULL, 0);
}

static void
reply_result(struct monitor *m, struct conn *c, uint32_t id, enum rp_auth_result result)
{
	struct rp_ipc_auth_result rep;
	CBB cbb;

	rep.result = (uint8_t)result;
	CBS_init(&rep.methods, (const uint8_t *)"publickey", 9);
	if (rp_ipc_auth_result_build(&cbb, id, &rep))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
}

static const char *
log_user(const char *user, char *buf, size_t bufsz)
{
	return rp_log_escape(user, strlen(user), buf, bufsz);
}

/* A rejected attempt: log and audit why, count it, and answer FAILURE or,
 * past max-auth-tries, EXHAUSTED. The client learns nothing of the reason. */
static void
reject(struct monitor *m, struct conn *c, uint32_t id, const char *user, const char *stage,
    const char *fingerprint, const char *reason)
{
	char shown[RP_IPC_MAX_NAME * 4];

	rp_info("conn=%llu auth publickey rejected user=%s key=%s from=%s reason=\"%s\"",
	    (unsigned long long)c->id, log_user(user, shown, sizeof(shown)), fingerprint,
	    c->peer_addr, reason);
	c->auth_failures++;
	monitor_audit_auth(m, c, user, "publickey", stage, fingerprint, "rejected", reason);
	if (c->auth_failures >= c->pref->policy->max_auth_tries) {
		rp_info("conn=%llu too many authentication failures (%u) from=%s",
		    (unsigned long long)c->id, c->auth_failures, c->peer_addr);
		c->auth_exhausted = 1;
		reply_result(m, c, id, RP_AUTH_EXHAUSTED);
		return;
	}
	reply_result(m, c, id, RP_AUTH_FAILURE);
}

const char *
handle_pubkey_check(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_pubkey_check req;
	struct candidate cand;
	char user[RP_IPC_MAX_NAME * 4];

	if (!rp_ipc_pubkey_check_read(payload, &req))
		return "malformed";
	if (c->auth_failures >= c->pref->policy->max_auth_tries) {
		reply_result(m, c, id, RP_AUTH_EXHAUSTED);
		return NULL;
	}
	log_user(req.user, user, sizeof(user));
	if (acceptable(m, c, req.user, req.alg, req.key, &cand)) {
		rp_debug("conn=%llu key query accepted user=%s key=%s", (unsigned long long)c->id,
		    user, cand.fingerprint);
		monitor_audit_auth(m, c, req.user, "publickey", "query", cand.fingerprint,
		    "key-acceptable", NULL);
		reply_result(m, c, id, RP_AUTH_OK);
	} else {
		reject(m, c, id, req.user, "query", cand.fingerprint, cand.reason);
	}
	rp_pubkey_free(cand.key);
	return NULL;
}

/* RFC 4252 7: the data a publickey signature covers. */
static int
signed_data(const struct conn *c, const struct rp_ipc_pubkey_verify *req, uint8_t **out,
    size_t *out_len)
{
	CBB cbb;

	if (!CBB_init(&cbb, 512))
		return 0;
	if (!ssh_add_string(&cbb, c->session_id, c->session_id_len) ||
	    !CBB_add_u8(&cbb, SSH_MSG_USERAUTH_REQUEST) || !ssh_add_cstring(&cbb, req->user) ||
	    !ssh_add_cstring(&cbb, req->service) || !ssh_add_cstring(&cbb, "publickey") ||
	    !ssh_add_bool(&cbb, 1) || !ssh_add_cstring(&cbb, req->alg) ||
	    !ssh_add_string(&cbb, CBS_data(&req->key), CBS_len(&req->key)) ||
	    !CBB_finish(&cbb, out, out_len)) {
		CBB_cleanup(&cbb);
		return 0;
	}
	return 1;
}

const char *
handle_pubkey_verify(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_pubkey_verify req;
	struct candidate cand;
	char user[RP_IPC_MAX_NAME * 4];
	uint8_t *data = NULL;
	size_t data_len;
	int valid;

	if (!rp_ipc_pubkey_verify_read(payload, &req))
		return "malformed";
	if (strcmp(req.service, "ssh-connection") != 0)
		return "service is not ssh-connection";
	if (c->auth_failures >= c->pref->policy->max_auth_tries) {
		reply_result(m, c, id, RP_AUTH_EXHAUSTED);
		return NULL;
	}
	log_user(req.user, user, sizeof(user));
	if (!acceptable(m, c, req.user, req.alg, req.key, &cand)) {
		reject(m, c, id, req.user, "signature", cand.fingerprint, cand.reason);
		rp_pubkey_free(cand.key);
		return NULL;
	}
	if (!signed_data(c, &req, &data, &data_len)) {
		rp_pubkey_free(cand.key);
		return "out of memory";
	}
	valid = rp_pubkey_verify(cand.key, req.alg, CBS_data(&req.sig), CBS_len(&req.sig), data,
	    data_len);
	OPENSSL_free(data);
	if (!valid) {
		reject(m, c, id, req.user, "signature", cand.fingerprint, "bad signature");
		rp_pubkey_free(cand.key);
		return NULL;
	}
	c->state = CONN_AUTHED;
	c->deadline_ms = 0;
	snprintf(c->user, sizeof(c->user), "%s", req.user);
	snprintf(c->auth_method, sizeof(c->auth_method), "publickey");
	snprintf(c->auth_key, sizeof(c->auth_key), "%s", cand.fingerprint);
	/* Kept to check the connection again when the policy is reloaded. */
	c->auth_pubkey = cand.key;
	cand.key = NULL;
	rp_info("conn=%llu auth accepted user=%s method=publickey key=%s from=%s",
	    (unsigned long long)c->id, user, cand.fingerprint, c->peer_addr);
	monitor_audit_auth(m, c, req.user, "publickey", "signature", cand.fingerprint, "accepted",
	    NULL);
	rp_pubkey_free(cand.key);
	reply_result(m, c, id, RP_AUTH_OK);
	return NULL;
}

/*
 * monitor/auth_pubkey.c: publickey authentication (RFC 4252 7), with plain
 * keys and OpenSSH user certificates (PROTOCOL.certkeys).
 *
 * A key is acceptable when it parses, the userauth algorithm is in the
 * policy's pubkey-algorithms and suits the key, publickey is a next step
 * of one of the user's auth chains, and the policy authorizes the key (an
 * authorized key line whose from= and expiry-time allow it) or the
 * certificate (a trusted CA, valid now, for this user, not revoked). For
 * the signature the monitor builds the signed data itself from the session
 * identifier it recorded when it signed the first exchange hash.
 *
 * Every rejected query or signature counts towards max-auth-tries, as in
 * OpenSSH; past it the answer is EXHAUSTED and the worker disconnects.
 * Client answers never say why; the log and the audit record do.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "monitor/monitor.h"

/* A key or certificate a client offered, and what the policy said. */
struct candidate {
	struct rp_pubkey *key;  /* the key that signs (a certificate's own key) */
	struct rp_cert *cert;   /* NULL for a plain key */
	char sig_alg[RP_IPC_MAX_NAME]; /* what the signature must be made with */
	char fingerprint[64];
	char key_id[RP_CERT_KEY_ID_TEXT];
	uint64_t serial;
	struct auth_grant grant;
	char reason[300]; /* why it is not acceptable, for the log */
};

static void
candidate_free(struct candidate *cand)
{
	rp_pubkey_free(cand->key);
	rp_cert_free(cand->cert);
	cand->key = NULL;
	cand->cert = NULL;
}

static void
key_file_warning(void *ctx, const char *message)
{
	(void)ctx;
	rp_warn("policy: %s", message);
}

static void
grant_targets_from(struct grant_targets *g, const struct rp_permit_target *t, size_t n)
{
	if (n > AUTH_MAX_PERMITOPEN)
		g->overflow = 1;
	for (size_t i = 0; i < n && i < AUTH_MAX_PERMITOPEN; i++) {
		snprintf(g->t[i].host, sizeof(g->t[i].host), "%s", t[i].host);
		g->t[i].port = t[i].port;
		g->n++;
	}
}

/* What a key line's or certificate's options impose on the session. */
static void
grant_from_options(const struct rp_key_options *o, struct auth_grant *g)
{
	if (o->command != NULL)
		snprintf(g->forced_command, sizeof(g->forced_command), "%s", o->command);
	if (!(o->permit & RP_PERMIT_PTY))
		g->deny |= AUTH_DENY_PTY;
	if (!(o->permit & RP_PERMIT_PORT_FORWARDING))
		g->deny |= AUTH_DENY_PORT_FORWARDING;
	if (!(o->permit & RP_PERMIT_AGENT_FORWARDING))
		g->deny |= AUTH_DENY_AGENT;
	if (!(o->permit & RP_PERMIT_X11_FORWARDING))
		g->deny |= AUTH_DENY_X11;
	if (!(o->permit & RP_PERMIT_USER_RC))
		g->deny |= AUTH_DENY_USER_RC;
	grant_targets_from(&g->permitopen, o->permitopen, o->npermitopen);
	grant_targets_from(&g->permitlisten, o->permitlisten, o->npermitlisten);
}

/* Parse blob as the algorithm names it: a certificate or a plain key. */
static int
parse_offer(const char *alg, CBS blob, struct candidate *cand)
{
	const char *err = NULL;

	if (rp_cert_auth_sig_alg(alg, cand->sig_alg, sizeof(cand->sig_alg))) {
		if (!rp_cert_from_blob(CBS_data(&blob), CBS_len(&blob), &cand->cert, &err)) {
			snprintf(cand->reason, sizeof(cand->reason), "malformed certificate: %s",
			    err != NULL ? err : "unknown");
			return 0;
		}
		if ((cand->key = rp_pubkey_dup(rp_cert_key(cand->cert))) == NULL) {
			snprintf(cand->reason, sizeof(cand->reason), "out of memory");
			return 0;
		}
	} else {
		snprintf(cand->sig_alg, sizeof(cand->sig_alg), "%s", alg);
		if (!rp_pubkey_parse_blob(CBS_data(&blob), CBS_len(&blob), &cand->key, &err)) {
			snprintf(cand->reason, sizeof(cand->reason), "malformed or unsupported key: %s",
			    err != NULL ? err : "unknown");
			return 0;
		}
	}
	rp_pubkey_fingerprint(cand->key, cand->fingerprint, sizeof(cand->fingerprint));
	return 1;
}

/* The policy's answer for the key or certificate in cand, for principal
 * pr connected as c, under policy p. */
static int
authorize(const struct monitor *m, const struct rp_policy *p, const struct conn *c,
    const struct rp_principal *pr, struct candidate *cand)
{
	struct rp_account acct;
	struct rp_policy_diag diag;
	struct rp_addr from, *fromp = NULL;
	char home[4096];
	time_t now = time(NULL);
	int ok;

	if (!auth_account(m, pr->name, &acct, home, sizeof(home), cand->reason,
	    sizeof(cand->reason)))
		return 0;
	if (rp_addr_from_sockaddr((const struct sockaddr *)&c->peer_sa, sizeof(c->peer_sa),
	    &from))
		fromp = &from;
	memset(&diag, 0, sizeof(diag));
	diag.warn = key_file_warning;
	memset(&cand->grant, 0, sizeof(cand->grant));
	if (cand->cert != NULL) {
		struct rp_cert_decision d;

		ok = rp_policy_authorize_cert(p, pr, cand->cert, &acct, fromp, now, &diag, &d);
		snprintf(cand->key_id, sizeof(cand->key_id), "%s", d.key_id);
		cand->serial = d.serial;
		if (ok) {
			grant_from_options(&d.source.options, &cand->grant);
			snprintf(cand->grant.cert_key_id, sizeof(cand->grant.cert_key_id), "%s",
			    d.key_id);
			cand->grant.cert_serial = d.serial;
		} else {
			snprintf(cand->reason, sizeof(cand->reason), "certificate refused (%s): %s",
			    rp_cert_verdict_name(d.verdict), d.source.reason);
		}
		rp_cert_decision_clear(&d);
	} else {
		struct rp_key_source src;

		ok = rp_policy_authorize_key(p, pr, cand->key, &acct, fromp, now, &diag, &src);
		if (ok)
			grant_from_options(&src.options, &cand->grant);
		else
			snprintf(cand->reason, sizeof(cand->reason), "%s", src.reason);
		rp_key_source_clear(&src);
	}
	if (ok && strlen(cand->grant.forced_command) + 1 >= sizeof(cand->grant.forced_command)) {
		/* Never run a cut-off command. */
		snprintf(cand->reason, sizeof(cand->reason), "forced command longer than %zu bytes",
		    sizeof(cand->grant.forced_command) - 2);
		ok = 0;
	}
	return ok;
}

/* Everything but the signature: is what the client offers acceptable? */
static int
acceptable(const struct monitor *m, struct conn *c, const char *alg, CBS blob,
    struct candidate *cand)
{
	struct rp_principal pr;
	CBS allowed;
	int ok = 0;

	memset(cand, 0, sizeof(*cand));
	strcpy(cand->fingerprint, "-");
	CBS_init(&allowed, (const uint8_t *)c->pref->policy->pubkey_algorithms,
	    strlen(c->pref->policy->pubkey_algorithms));
	/* Parsed first even when the algorithm is refused, for the
	 * fingerprint in the log. */
	if (!parse_offer(alg, blob, cand))
		return 0;
	if (!ssh_namelist_has(allowed, alg)) {
		snprintf(cand->reason, sizeof(cand->reason),
		    "algorithm %s is not in pubkey-algorithms", alg);
		return 0;
	}
	if (!rp_sig_alg_suits(rp_pubkey_type(cand->key), cand->sig_alg)) {
		snprintf(cand->reason, sizeof(cand->reason), "algorithm %s does not suit the key",
		    alg);
		return 0;
	}
	if (!auth_resolve(c, &pr)) {
		snprintf(cand->reason, sizeof(cand->reason), "user not in policy");
		return 0;
	}
	{
		size_t n;
		const char *from;
		const struct rp_auth_chain *chains = rp_principal_auth(&pr, &n, &from);

		if (!auth_chain_allows(chains, n, &c->progress, RP_AUTH_PUBLICKEY))
			snprintf(cand->reason, sizeof(cand->reason),
			    "publickey is not a next step of the auth chains of %s", from);
		else
			ok = authorize(m, c->pref->policy, c, &pr, cand) &&
			    auth_login_allowed(c, &pr, cand->reason, sizeof(cand->reason));
	}
	rp_principal_clear(&pr);
	return ok;
}

static void
attempt_of(const struct candidate *cand, const char *stage, struct auth_attempt *at)
{
	memset(at, 0, sizeof(*at));
	at->method = "publickey";
	at->method_id = RP_AUTH_PUBLICKEY;
	at->stage = stage;
	at->key_fp = cand->fingerprint;
	if (cand->cert != NULL) {
		at->cert_key_id = cand->key_id;
		at->cert_serial = cand->serial;
	}
}

const char *
handle_pubkey_check(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_pubkey_check req;
	struct candidate cand;
	struct auth_attempt at;
	const char *violation;
	char user[RP_IPC_MAX_NAME * 4];

	if (!rp_ipc_pubkey_check_read(payload, &req))
		return "malformed";
	if (!auth_start(m, c, id, req.user, RP_AUTH_PUBLICKEY, &violation))
		return violation;
	if (acceptable(m, c, req.alg, req.key, &cand)) {
		rp_debug("conn=%llu key query accepted user=%s key=%s", (unsigned long long)c->id,
		    rp_log_escape(req.user, strlen(req.user), user, sizeof(user)),
		    cand.fingerprint);
		attempt_of(&cand, "query", &at);
		monitor_audit_auth(m, c, req.user, &at, "key-acceptable", NULL);
		/* OK to a query is SSH_MSG_USERAUTH_PK_OK. */
		auth_reply(m, c, id, RP_AUTH_OK, "", NULL);
	} else {
		struct rp_principal pr;
		int known = auth_resolve(c, &pr);

		attempt_of(&cand, "query", &at);
		auth_reject(m, c, id, known ? &pr : NULL, &at, cand.reason);
		if (known)
			rp_principal_clear(&pr);
	}
	candidate_free(&cand);
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
	struct auth_attempt at;
	struct rp_principal pr;
	const char *violation;
	uint8_t *data = NULL;
	size_t data_len;
	int valid, known;

	if (!rp_ipc_pubkey_verify_read(payload, &req))
		return "malformed";
	if (strcmp(req.service, "ssh-connection") != 0)
		return "service is not ssh-connection";
	if (!auth_start(m, c, id, req.user, RP_AUTH_PUBLICKEY, &violation))
		return violation;
	valid = acceptable(m, c, req.alg, req.key, &cand);
	attempt_of(&cand, "signature", &at);
	if (valid) {
		if (!signed_data(c, &req, &data, &data_len)) {
			candidate_free(&cand);
			return "out of memory";
		}
		/* The certified key signs; its algorithm is the one the
		 * certificate algorithm names (rsa-sha2-512-cert -> rsa-sha2-512). */
		valid = rp_pubkey_verify(cand.key, cand.sig_alg, CBS_data(&req.sig),
		    CBS_len(&req.sig), data, data_len);
		OPENSSL_free(data);
		if (!valid)
			snprintf(cand.reason, sizeof(cand.reason), "bad signature");
	}
	known = auth_resolve(c, &pr);
	if (!valid) {
		auth_reject(m, c, id, known ? &pr : NULL, &at, cand.reason);
	} else if (!known) {
		/* The policy changed under us? Not possible: c keeps its policy. */
		auth_reject(m, c, id, NULL, &at, "user not in policy");
	} else if (auth_passed(m, c, id, &pr, &at, &cand.grant)) {
		/* Kept to check the connection again when the policy is
		 * reloaded, and for rampartctl. */
		snprintf(c->auth_key, sizeof(c->auth_key), "%s", cand.fingerprint);
		rp_pubkey_free(c->auth_pubkey);
		rp_cert_free(c->auth_cert);
		c->auth_pubkey = cand.key;
		c->auth_cert = cand.cert;
		cand.key = NULL;
		cand.cert = NULL;
	}
	if (known)
		rp_principal_clear(&pr);
	candidate_free(&cand);
	return NULL;
}

int
pubkey_still_authorized(const struct monitor *m, const struct rp_policy *p,
    const struct conn *c, const struct rp_principal *pr, char *why, size_t whysz)
{
	struct candidate cand;
	int ok;

	memset(&cand, 0, sizeof(cand));
	cand.key = c->auth_pubkey;
	cand.cert = c->auth_cert;
	ok = authorize(m, p, c, pr, &cand);
	if (!ok)
		snprintf(why, whysz, "%s", cand.reason);
	return ok;
}

/*
 * worker/userauth.c: the ssh-userauth service (RFC 4252) as a messenger:
 * every decision is the monitor's. The worker parses each request, asks,
 * and answers the client with what the monitor said.
 *
 * Methods: none (RFC 4252 5.2), publickey (7), password (8) and
 * keyboard-interactive (RFC 4256). Partial success (5.1) carries the
 * methods a multi-factor chain still needs. Wrong credentials and unknown
 * users get the same answers, so a client learns nothing about which user
 * names exist. The banner every client sees goes out before the first
 * answer; a user's own banner only once they are authenticated.
 */
#include <string.h>

#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "crypto/secret.h"
#include "worker/server.h"

int
userauth_service_request(struct worker *w, CBS *msg)
{
	char name[RP_IPC_MAX_NAME];
	CBB cbb;

	if (!ssh_get_name(msg, name, sizeof(name), 0) || CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed SERVICE_REQUEST");
	/* Asked again before authentication is fine, as with OpenSSH:
	 * paramiko sends a SERVICE_REQUEST before each method it tries (a
	 * second factor after partial success, too). */
	if (strcmp(name, "ssh-userauth") != 0 || w->authenticated)
		return server_protocol_error(w, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE,
		    "service not available");
	w->userauth_service = 1;
	return rp_transport_begin(w->t, &cbb, SSH_MSG_SERVICE_ACCEPT) &&
	    ssh_add_cstring(&cbb, name) && rp_transport_send_cbb(w->t, &cbb);
}

/* RFC 4252 5.4. Clients print the text as it is, so a banner that does
 * not end a line (`banner "TEXT"`) gets a line end: the client's next
 * output would otherwise continue on the banner's line. */
static int
send_banner(struct worker *w, const uint8_t *text, size_t len)
{
	CBB cbb, str;
	int ends_line = len > 0 && text[len - 1] == '\n';

	if (len == 0)
		return 1;
	return rp_transport_begin(w->t, &cbb, SSH_MSG_USERAUTH_BANNER) &&
	    ssh_begin_string(&cbb, &str) && CBB_add_bytes(&str, text, len) &&
	    (ends_line || CBB_add_bytes(&str, (const uint8_t *)"\r\n", 2)) &&
	    CBB_flush(&cbb) && ssh_add_cstring(&cbb, "") && rp_transport_send_cbb(w->t, &cbb);
}

static int
send_failure(struct worker *w, CBS methods, int partial)
{
	CBB cbb;

	if (!partial && ++w->auth_failures > MAX_AUTH_FAILURES)
		return server_protocol_error(w, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
		    "too many authentication failures");
	return rp_transport_begin(w->t, &cbb, SSH_MSG_USERAUTH_FAILURE) &&
	    ssh_add_string(&cbb, CBS_data(&methods), CBS_len(&methods)) &&
	    ssh_add_bool(&cbb, partial) && rp_transport_send_cbb(w->t, &cbb);
}

static CBS
default_methods(const struct worker *w)
{
	CBS m;

	CBS_init(&m, (const uint8_t *)w->auth_methods, strlen(w->auth_methods));
	return m;
}

/* Act on the monitor's answer. key/alg: for a publickey query's PK_OK. */
static int
answer(struct worker *w, int result, CBS methods, CBS banner, const char *alg, CBS key,
    int query)
{
	CBB cbb;

	w->kbdint_pending = 0;
	switch (result) {
	case RP_AUTH_OK:
		if (query)
			return rp_transport_begin(w->t, &cbb, SSH_MSG_USERAUTH_PK_OK) &&
			    ssh_add_cstring(&cbb, alg) &&
			    ssh_add_string(&cbb, CBS_data(&key), CBS_len(&key)) &&
			    rp_transport_send_cbb(w->t, &cbb);
		w->authenticated = 1;
		rp_info("user %s authenticated", w->auth_user);
		return send_banner(w, CBS_data(&banner), CBS_len(&banner)) &&
		    rp_transport_begin(w->t, &cbb, SSH_MSG_USERAUTH_SUCCESS) &&
		    rp_transport_send_cbb(w->t, &cbb) && hostkeys_announce(w);
	case RP_AUTH_PARTIAL:
		return send_failure(w, methods, 1);
	case RP_AUTH_FAILURE:
		return send_failure(w, methods, 0);
	case RP_AUTH_EXHAUSTED:
		return server_protocol_error(w, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
		    "too many authentication failures");
	default:
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
		    "authentication service unavailable");
	}
}

static int
answer_result(struct worker *w, const struct mc_auth_reply *r)
{
	CBS none;

	CBS_init(&none, NULL, 0);
	if (r->status < 0)
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
		    "authentication service unavailable");
	return answer(w, r->result, r->methods, r->banner, NULL, none, 0);
}

static int
publickey(struct worker *w, CBS *msg)
{
	int has_sig;
	char alg[RP_IPC_MAX_NAME];
	CBS key, sig;
	struct mc_auth_reply r;

	if (!ssh_get_bool(msg, &has_sig) || !ssh_get_name(msg, alg, sizeof(alg), 0) ||
	    !ssh_get_string(msg, &key) || (has_sig && !ssh_get_string(msg, &sig)) ||
	    CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed publickey request");
	if (CBS_len(&key) > RP_IPC_MAX_KEY_BLOB || (has_sig && CBS_len(&sig) > RP_IPC_MAX_SIG_BLOB))
		return send_failure(w, default_methods(w), 0);
	if (has_sig)
		mc_pubkey_verify(&w->mc, w->auth_user, w->auth_service, alg, key, sig, &r);
	else
		mc_pubkey_check(&w->mc, w->auth_user, alg, key, &r);
	if (r.status < 0)
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
		    "authentication service unavailable");
	return answer(w, r.result, r.methods, r.banner, alg, key, !has_sig);
}

static int
password(struct worker *w, CBS *msg)
{
	int change;
	CBS pw;
	struct mc_auth_reply r;
	int ok;

	if (!ssh_get_bool(msg, &change) || !ssh_get_string(msg, &pw))
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed password request");
	/* RFC 4252 8: a change request carries the new password too. rampart
	 * does not change passwords: refuse it like any failed attempt. */
	if (change || CBS_len(&pw) > RP_IPC_MAX_SECRET) {
		rp_info("password change request refused");
		rp_wipe((uint8_t *)CBS_data(msg), CBS_len(msg));
		return send_failure(w, default_methods(w), 0);
	}
	mc_auth_password(&w->mc, w->auth_user, pw, &r);
	/* The password sits in the receive buffer: wipe it now. */
	rp_wipe((uint8_t *)CBS_data(&pw), CBS_len(&pw));
	ok = answer_result(w, &r);
	return ok;
}

/* RFC 4256 3.2: SSH_MSG_USERAUTH_INFO_REQUEST with the monitor's prompts. */
static int
send_info_request(struct worker *w, const struct rp_ipc_kbdint_prompts *p)
{
	CBB cbb;

	if (!rp_transport_begin(w->t, &cbb, SSH_MSG_USERAUTH_INFO_REQUEST) ||
	    !ssh_add_string(&cbb, CBS_data(&p->name), CBS_len(&p->name)) ||
	    !ssh_add_string(&cbb, CBS_data(&p->instruction), CBS_len(&p->instruction)) ||
	    !ssh_add_cstring(&cbb, "") || !CBB_add_u32(&cbb, (uint32_t)p->nprompts))
		return 0;
	for (size_t i = 0; i < p->nprompts; i++)
		if (!ssh_add_string(&cbb, CBS_data(&p->prompts[i]), CBS_len(&p->prompts[i])) ||
		    !ssh_add_bool(&cbb, p->echo[i]))
			return 0;
	w->kbdint_pending = p->nprompts;
	return rp_transport_send_cbb(w->t, &cbb);
}

static int
keyboard_interactive(struct worker *w, CBS *msg)
{
	CBS lang, submethods;
	struct mc_auth_reply r;
	struct rp_ipc_kbdint_prompts prompts;

	if (!ssh_get_string(msg, &lang) || !ssh_get_string(msg, &submethods) ||
	    CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed keyboard-interactive request");
	if (CBS_len(&submethods) > RP_IPC_MAX_ALGLIST)
		return send_failure(w, default_methods(w), 0);
	mc_auth_kbdint(&w->mc, w->auth_user, submethods, &r, &prompts);
	if (r.status == 1)
		return send_info_request(w, &prompts);
	return answer_result(w, &r);
}

int
userauth_info_response(struct worker *w, CBS *msg)
{
	struct rp_ipc_kbdint_answers a;
	struct rp_ipc_kbdint_prompts prompts;
	struct mc_auth_reply r;
	uint32_t n;
	int ok;

	if (w->kbdint_pending == 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "INFO_RESPONSE without a keyboard-interactive request");
	memset(&a, 0, sizeof(a));
	if (!CBS_get_u32(msg, &n) || n != w->kbdint_pending)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "INFO_RESPONSE with the wrong number of answers");
	a.nanswers = n;
	for (size_t i = 0; i < n; i++)
		if (!ssh_get_string(msg, &a.answers[i]) || CBS_len(&a.answers[i]) > RP_IPC_MAX_SECRET)
			return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "malformed INFO_RESPONSE");
	if (CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed INFO_RESPONSE");
	w->kbdint_pending = 0;
	mc_auth_kbdint_answers(&w->mc, &a, &r, &prompts);
	for (size_t i = 0; i < n; i++)
		rp_wipe((uint8_t *)CBS_data(&a.answers[i]), CBS_len(&a.answers[i]));
	if (r.status == 1)
		return send_info_request(w, &prompts);
	ok = answer_result(w, &r);
	return ok;
}

/* The monitor accepts names of printable bytes without blanks (ssh_get_name
 * in common/wire.c); anything else is failed here, as any wrong user is. */
static int
valid_user_name(const CBS *user, size_t max)
{
	const uint8_t *p = CBS_data(user);

	if (CBS_len(user) == 0 || CBS_len(user) >= max)
		return 0;
	for (size_t i = 0; i < CBS_len(user); i++)
		if (p[i] < 0x21 || p[i] == 0x7f)
			return 0;
	return 1;
}

int
userauth_request(struct worker *w, CBS *msg)
{
	CBS user, service, method;
	struct mc_auth_reply r;

	if (!ssh_get_string(msg, &user) || !ssh_get_string(msg, &service) ||
	    !ssh_get_string(msg, &method))
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed USERAUTH_REQUEST");
	if (!CBS_mem_equal(&service, (const uint8_t *)"ssh-connection", 14))
		return server_protocol_error(w, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE,
		    "service not available");
	/* RFC 4252 5.4: the banner comes before the first answer; everyone
	 * sees the same one. */
	if (!w->banner_sent) {
		w->banner_sent = 1;
		if (w->banner != NULL &&
		    !send_banner(w, (const uint8_t *)w->banner, strlen(w->banner)))
			return 0;
	}
	/* A new request abandons a keyboard-interactive exchange (RFC 4256). */
	w->kbdint_pending = 0;
	/* A user name we could not even pass on gets the ordinary failure. */
	if (!valid_user_name(&user, sizeof(w->auth_user)))
		return send_failure(w, default_methods(w), 0);
	if (w->auth_user[0] == '\0') {
		memcpy(w->auth_user, CBS_data(&user), CBS_len(&user));
		w->auth_user[CBS_len(&user)] = '\0';
		strcpy(w->auth_service, "ssh-connection");
	} else if (strlen(w->auth_user) != CBS_len(&user) ||
	    memcmp(w->auth_user, CBS_data(&user), CBS_len(&user)) != 0) {
		/* As OpenSSH: one user per connection. */
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "change of user not allowed");
	}
	if (CBS_mem_equal(&method, (const uint8_t *)"publickey", 9))
		return publickey(w, msg);
	if (CBS_mem_equal(&method, (const uint8_t *)"password", 8))
		return password(w, msg);
	if (CBS_mem_equal(&method, (const uint8_t *)"keyboard-interactive", 20))
		return keyboard_interactive(w, msg);
	if (CBS_mem_equal(&method, (const uint8_t *)"none", 4)) {
		if (CBS_len(msg) != 0)
			return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "malformed none request");
		mc_auth_none(&w->mc, w->auth_user, &r);
		return answer_result(w, &r);
	}
	/* Methods this server does not have (hostbased, gssapi-*). */
	return send_failure(w, default_methods(w), 0);
}

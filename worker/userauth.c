/*
 * worker/userauth.c: the ssh-userauth service (RFC 4252) as a messenger:
 * every decision is the monitor's. The worker parses the request, asks, and
 * answers the client with what the monitor said.
 *
 * Wrong key and unknown user get the same answer (USERAUTH_FAILURE with the
 * same methods), so a client learns nothing about which users exist.
 */
#include <string.h>

#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "worker/server.h"

int
userauth_service_request(struct worker *w, CBS *msg)
{
	char name[RP_IPC_MAX_NAME];
	CBB cbb;

	if (!ssh_get_name(msg, name, sizeof(name), 0) || CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed SERVICE_REQUEST");
	if (strcmp(name, "ssh-userauth") != 0 || w->userauth_service)
		return server_protocol_error(w, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE,
		    "service not available");
	w->userauth_service = 1;
	return rp_transport_begin(w->t, &cbb, SSH_MSG_SERVICE_ACCEPT) &&
	    ssh_add_cstring(&cbb, name) && rp_transport_send_cbb(w->t, &cbb);
}

static int
send_failure(struct worker *w, CBS methods)
{
	CBB cbb;

	if (++w->auth_failures > MAX_AUTH_FAILURES)
		return server_protocol_error(w, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
		    "too many authentication failures");
	return rp_transport_begin(w->t, &cbb, SSH_MSG_USERAUTH_FAILURE) &&
	    ssh_add_string(&cbb, CBS_data(&methods), CBS_len(&methods)) &&
	    ssh_add_bool(&cbb, 0) && rp_transport_send_cbb(w->t, &cbb);
}

static CBS
default_methods(const struct worker *w)
{
	CBS m;

	CBS_init(&m, (const uint8_t *)w->auth_methods, strlen(w->auth_methods));
	return m;
}

/* Act on the monitor's answer to a CHECK or VERIFY. */
static int
answer(struct worker *w, int result, CBS methods, const char *alg, CBS key, int verify)
{
	CBB cbb;

	switch (result) {
	case RP_AUTH_OK:
		if (verify) {
			w->authenticated = 1;
			rp_info("user %s authenticated with publickey", w->auth_user);
			return rp_transport_begin(w->t, &cbb, SSH_MSG_USERAUTH_SUCCESS) &&
			    rp_transport_send_cbb(w->t, &cbb);
		}
		return rp_transport_begin(w->t, &cbb, SSH_MSG_USERAUTH_PK_OK) &&
		    ssh_add_cstring(&cbb, alg) &&
		    ssh_add_string(&cbb, CBS_data(&key), CBS_len(&key)) &&
		    rp_transport_send_cbb(w->t, &cbb);
	case RP_AUTH_FAILURE:
		return send_failure(w, methods);
	case RP_AUTH_EXHAUSTED:
		return server_protocol_error(w, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
		    "too many authentication failures");
	default:
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
		    "authentication service unavailable");
	}
}

static int
publickey(struct worker *w, CBS *msg)
{
	int has_sig, r;
	char alg[RP_IPC_MAX_NAME];
	CBS key, sig, methods;

	if (!ssh_get_bool(msg, &has_sig) || !ssh_get_name(msg, alg, sizeof(alg), 0) ||
	    !ssh_get_string(msg, &key) || (has_sig && !ssh_get_string(msg, &sig)) ||
	    CBS_len(msg) != 0)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed publickey request");
	if (CBS_len(&key) > RP_IPC_MAX_KEY_BLOB || (has_sig && CBS_len(&sig) > RP_IPC_MAX_SIG_BLOB))
		return send_failure(w, default_methods(w));
	if (has_sig)
		r = mc_pubkey_verify(&w->mc, w->auth_user, w->auth_service, alg, key, sig, &methods);
	else
		r = mc_pubkey_check(&w->mc, w->auth_user, alg, key, &methods);
	return answer(w, r, methods, alg, key, has_sig);
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

	if (!ssh_get_string(msg, &user) || !ssh_get_string(msg, &service) ||
	    !ssh_get_string(msg, &method))
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "malformed USERAUTH_REQUEST");
	if (!CBS_mem_equal(&service, (const uint8_t *)"ssh-connection", 14))
		return server_protocol_error(w, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE,
		    "service not available");
	/* A user name we could not even pass on gets the ordinary failure. */
	if (!valid_user_name(&user, sizeof(w->auth_user)))
		return send_failure(w, default_methods(w));
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
	/* "none" and methods this server does not offer. */
	return send_failure(w, default_methods(w));
}

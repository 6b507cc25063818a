/*
 * worker/server.c: dispatch of application messages by phase.
 *
 * The phases are: before ssh-userauth was accepted, during authentication,
 * and authenticated. The table says which phase each message needs; all
 * else is refused here, in one place.
 */
#include "worker/server.h"

#include "common/log.h"
#include "common/ssh_msg.h"

enum phase {
	PHASE_ANY,      /* allowed once the transport delivers application messages */
	PHASE_USERAUTH, /* after SERVICE_ACCEPT for ssh-userauth, before success */
	PHASE_CONNECTION, /* authenticated */
};

struct handler {
	uint8_t type;
	enum phase phase;
	int (*fn)(struct worker *w, CBS *msg);
};

static int
data_plain(struct worker *w, CBS *msg)
{
	return channel_data(w, msg, 0);
}

static int
data_extended(struct worker *w, CBS *msg)
{
	return channel_data(w, msg, 1);
}

static const struct handler handlers[] = {
	{ SSH_MSG_SERVICE_REQUEST, PHASE_ANY, userauth_service_request },
	{ SSH_MSG_USERAUTH_REQUEST, PHASE_USERAUTH, userauth_request },
	{ SSH_MSG_USERAUTH_INFO_RESPONSE, PHASE_USERAUTH, userauth_info_response },
	{ SSH_MSG_GLOBAL_REQUEST, PHASE_CONNECTION, channel_global_request },
	{ SSH_MSG_REQUEST_SUCCESS, PHASE_CONNECTION, channel_global_reply },
	{ SSH_MSG_REQUEST_FAILURE, PHASE_CONNECTION, channel_global_reply },
	{ SSH_MSG_CHANNEL_OPEN, PHASE_CONNECTION, channel_open },
	{ SSH_MSG_CHANNEL_OPEN_CONFIRMATION, PHASE_CONNECTION, channel_open_confirmation },
	{ SSH_MSG_CHANNEL_OPEN_FAILURE, PHASE_CONNECTION, channel_open_failure },
	{ SSH_MSG_CHANNEL_WINDOW_ADJUST, PHASE_CONNECTION, channel_window_adjust },
	{ SSH_MSG_CHANNEL_DATA, PHASE_CONNECTION, data_plain },
	{ SSH_MSG_CHANNEL_EXTENDED_DATA, PHASE_CONNECTION, data_extended },
	{ SSH_MSG_CHANNEL_EOF, PHASE_CONNECTION, channel_eof },
	{ SSH_MSG_CHANNEL_CLOSE, PHASE_CONNECTION, channel_close },
	{ SSH_MSG_CHANNEL_REQUEST, PHASE_CONNECTION, channel_request },
	{ SSH_MSG_CHANNEL_SUCCESS, PHASE_CONNECTION, channel_reply_ignored },
	{ SSH_MSG_CHANNEL_FAILURE, PHASE_CONNECTION, channel_reply_ignored },
};

int
server_protocol_error(struct worker *w, uint32_t reason, const char *what)
{
	rp_transport_disconnect(w->t, reason, what);
	return 0;
}

int
server_handle_message(struct worker *w, uint8_t type, CBS *msg)
{
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		const struct handler *h = &handlers[i];

		if (h->type != type)
			continue;
		if (h->phase == PHASE_USERAUTH && w->authenticated) {
			/* RFC 4252 5.1: requests after success are ignored. */
			return 1;
		}
		if ((h->phase == PHASE_USERAUTH && !w->userauth_service) ||
		    (h->phase == PHASE_CONNECTION && !w->authenticated))
			return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "message not allowed before authentication");
		return h->fn(w, msg);
	}
	/* Connection-protocol numbers (80 and up) are meaningless before
	 * authentication; anything else unknown gets UNIMPLEMENTED (RFC 4253
	 * 11.4). */
	if (type >= SSH_MSG_GLOBAL_REQUEST && !w->authenticated)
		return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
		    "connection message before authentication");
	rp_debug("unimplemented message type %u", type);
	return rp_transport_send_unimplemented(w->t);
}

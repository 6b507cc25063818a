/*
 * worker/hostkeys.c: host key rotation (OpenSSH's PROTOCOL 2.5). After
 * authentication the server tells the client every host key it has
 * (hostkeys-00@openssh.com), so a client can learn keys it has not seen
 * and forget ones that are gone; the client then asks the server to prove
 * it holds the new ones (hostkeys-prove-00@openssh.com), which the monitor
 * answers with signatures over the session identifier it recorded.
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "worker/server.h"

/* Certificates are not announced: only the plain keys, each once (an RSA
 * key is offered under two algorithms with one blob). */
static int
announced(const struct worker *w, size_t i)
{
	const char *alg;
	const uint8_t *blob, *other;
	size_t len, other_len;

	if (!rp_transport_hostkey(w->t, i, &alg, &blob, &len) ||
	    strstr(alg, "-cert-v01@openssh.com") != NULL)
		return 0;
	for (size_t j = 0; j < i; j++) {
		const char *alg2;

		if (rp_transport_hostkey(w->t, j, &alg2, &other, &other_len) &&
		    other_len == len && memcmp(other, blob, len) == 0)
			return 0;
	}
	return 1;
}

int
hostkeys_announce(struct worker *w)
{
	const char *alg;
	const uint8_t *blob;
	size_t len;
	CBB cbb;

	if (!rp_transport_begin(w->t, &cbb, SSH_MSG_GLOBAL_REQUEST) ||
	    !ssh_add_cstring(&cbb, "hostkeys-00@openssh.com") || !CBB_add_u8(&cbb, 0))
		return 0;
	for (size_t i = 0; rp_transport_hostkey(w->t, i, &alg, &blob, &len); i++)
		if (announced(w, i) && !ssh_add_string(&cbb, blob, len)) {
			CBB_cleanup(&cbb);
			return 0;
		}
	return rp_transport_send_cbb(w->t, &cbb);
}

int
hostkeys_prove(struct worker *w, CBS *msg, int want_reply)
{
	struct rp_ipc_hostkeys req, sigs;
	char reason[256];
	CBB cbb;
	int r;

	memset(&req, 0, sizeof(req));
	while (CBS_len(msg) > 0) {
		if (req.n == RP_IPC_MAX_HOSTKEYS || !ssh_get_string(msg, &req.blobs[req.n]) ||
		    CBS_len(&req.blobs[req.n]) == 0 ||
		    CBS_len(&req.blobs[req.n]) > RP_IPC_MAX_KEY_BLOB)
			return server_protocol_error(w, SSH_DISCONNECT_PROTOCOL_ERROR,
			    "malformed hostkeys-prove-00@openssh.com request");
		req.n++;
	}
	if (!want_reply)
		return 1;
	if (req.n == 0) {
		r = 0;
		snprintf(reason, sizeof(reason), "no keys to prove");
	} else if ((r = mc_hostkeys_prove(&w->mc, &req, &sigs, reason, sizeof(reason))) < 0) {
		return server_protocol_error(w, SSH_DISCONNECT_BY_APPLICATION,
		    "monitor unavailable");
	}
	if (r == 0) {
		rp_info("hostkeys-prove refused: %s", reason);
		return rp_transport_begin(w->t, &cbb, SSH_MSG_REQUEST_FAILURE) &&
		    rp_transport_send_cbb(w->t, &cbb);
	}
	if (!rp_transport_begin(w->t, &cbb, SSH_MSG_REQUEST_SUCCESS))
		return 0;
	for (size_t i = 0; i < sigs.n; i++)
		if (!ssh_add_string(&cbb, CBS_data(&sigs.blobs[i]), CBS_len(&sigs.blobs[i]))) {
			CBB_cleanup(&cbb);
			return 0;
		}
	return rp_transport_send_cbb(w->t, &cbb);
}

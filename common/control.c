/*
 * common/control.c: the control socket's frames and messages
 * (common/control.h), each writer next to its reader.
 *
 * Writers refuse what readers would refuse, so anything written can be
 * read back. Readers take the whole payload or nothing: every bound is
 * checked, and a byte left over is an error.
 */
#include "common/control.h"

#include <string.h>

#include "common/wire.h"

/* Response: status byte, then the text as a string. */
#define RESPONSE_OVERHEAD (1 + 4)
#define MAX_TEXT (RP_CONTROL_MAX_FRAME - RESPONSE_OVERHEAD)

/* A command name: 1..RP_CONTROL_MAX_COMMAND-1 of a-z and '-'. */
static int
command_ok(const uint8_t *s, size_t len)
{
	if (len == 0 || len >= RP_CONTROL_MAX_COMMAND)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return 0;
	return 1;
}

int
rp_control_request_write(CBB *cbb, const struct rp_control_request *req)
{
	size_t len = strnlen(req->command, sizeof(req->command));

	if (!command_ok((const uint8_t *)req->command, len) || req->nargs > RP_CONTROL_MAX_ARGS)
		return 0;
	if (!ssh_add_string(cbb, req->command, len) || !CBB_add_u32(cbb, (uint32_t)req->nargs))
		return 0;
	for (size_t i = 0; i < req->nargs; i++) {
		len = strnlen(req->args[i], sizeof(req->args[i]));
		if (len == sizeof(req->args[i]) || !ssh_add_string(cbb, req->args[i], len))
			return 0;
	}
	return CBB_add_u8(cbb, req->json ? 1 : 0);
}

int
rp_control_request_read(CBS *cbs, struct rp_control_request *req)
{
	CBS command;
	uint32_t n;
	uint8_t json;

	memset(req, 0, sizeof(*req));
	if (!ssh_get_string(cbs, &command) ||
	    !command_ok(CBS_data(&command), CBS_len(&command)) || !CBS_get_u32(cbs, &n) ||
	    n > RP_CONTROL_MAX_ARGS)
		return 0;
	memcpy(req->command, CBS_data(&command), CBS_len(&command));
	for (size_t i = 0; i < n; i++)
		if (!ssh_get_text(cbs, req->args[i], sizeof(req->args[i])))
			return 0;
	req->nargs = n;
	if (!CBS_get_u8(cbs, &json) || json > 1 || CBS_len(cbs) != 0)
		return 0;
	req->json = json;
	return 1;
}

int
rp_control_response_write(CBB *cbb, uint8_t status, const char *text, size_t len)
{
	if (status > RP_CONTROL_FAILED || len > MAX_TEXT)
		return 0;
	return CBB_add_u8(cbb, status) && ssh_add_string(cbb, text, len);
}

int
rp_control_response_read(CBS *cbs, uint8_t *status, CBS *text)
{
	uint8_t st;
	CBS t;

	if (!CBS_get_u8(cbs, &st) || st > RP_CONTROL_FAILED || !ssh_get_string(cbs, &t) ||
	    CBS_len(&t) > MAX_TEXT || CBS_len(cbs) != 0)
		return 0;
	*status = st;
	*text = t;
	return 1;
}

int
rp_control_frame(CBB *out, const uint8_t *payload, size_t len)
{
	if (len > RP_CONTROL_MAX_FRAME)
		return 0;
	return CBB_add_u32(out, (uint32_t)len) && CBB_add_bytes(out, payload, len);
}

int
rp_control_unframe(const uint8_t *buf, size_t len, CBS *payload, size_t *frame_len)
{
	CBS cbs;
	uint32_t n;

	CBS_init(&cbs, buf, len);
	if (!CBS_get_u32(&cbs, &n))
		return 0;
	/* Refused as soon as the length is known, not after 4 MiB arrived. */
	if (n > RP_CONTROL_MAX_FRAME)
		return -1;
	if (!CBS_get_bytes(&cbs, payload, n))
		return 0;
	*frame_len = 4 + (size_t)n;
	return 1;
}

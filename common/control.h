/*
 * common/control.h: the control socket protocol between rampartctl and
 * rampartd (DESIGN.md: status, connections, disconnect, rekey, reload,
 * stop-listening, start-listening, shutdown).
 *
 * A SOCK_STREAM Unix socket (default /run/rampart/control.sock, mode 0600,
 * and the monitor checks the peer is root with SO_PEERCRED). One request,
 * one response, then the monitor closes the connection. Both are frames:
 *
 *     uint32 length (at most RP_CONTROL_MAX_FRAME) || payload
 *
 * Request payload (CBS/CBB, SSH encodings):
 *     string  command ("status", "connections", "disconnect", "rekey",
 *             "stop-listening", "start-listening", "shutdown", "reload")
 *     uint32  number of arguments n (at most RP_CONTROL_MAX_ARGS)
 *     n x string argument
 *     bool    json: 1 for a JSON document, 0 for a table for people
 *
 * Response payload:
 *     byte    status: 0 done, 1 refused or failed (text says why)
 *     string  text: the table, the JSON document, or the error message;
 *             ends with a newline
 *
 * Arguments:
 *     disconnect ID [MESSAGE]   MESSAGE is what the client's user sees
 *     rekey ID
 *     shutdown [DRAIN]          DRAIN as a duration ("30s", "5m"); none
 *                               means disconnect everyone now
 */
#ifndef RAMPART_COMMON_CONTROL_H
#define RAMPART_COMMON_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/bytes.h"

#define RP_CONTROL_DEFAULT_PATH "/run/rampart/control.sock"
#define RP_CONTROL_MAX_FRAME (4 * 1024 * 1024)
#define RP_CONTROL_MAX_ARGS 8
#define RP_CONTROL_MAX_ARG 1024
#define RP_CONTROL_MAX_COMMAND 32

enum rp_control_status {
	RP_CONTROL_OK = 0,
	RP_CONTROL_FAILED = 1,
};

struct rp_control_request {
	char command[RP_CONTROL_MAX_COMMAND];
	size_t nargs;
	char args[RP_CONTROL_MAX_ARGS][RP_CONTROL_MAX_ARG];
	int json;
};

/* Payload codecs (without the length frame). Readers parse exactly and
 * refuse anything over the bounds above. */
int rp_control_request_write(CBB *cbb, const struct rp_control_request *req);
int rp_control_request_read(CBS *cbs, struct rp_control_request *req);
int rp_control_response_write(CBB *cbb, uint8_t status, const char *text, size_t len);
/* *text points into the payload. */
int rp_control_response_read(CBS *cbs, uint8_t *status, CBS *text);

/* Frame a payload: uint32 length || payload, appended to out. */
int rp_control_frame(CBB *out, const uint8_t *payload, size_t len);
/* 1 with *payload when buf holds a whole frame (*frame_len its size on the
 * wire), 0 when more bytes are needed, -1 when the length is over
 * RP_CONTROL_MAX_FRAME. */
int rp_control_unframe(const uint8_t *buf, size_t len, CBS *payload, size_t *frame_len);

#endif

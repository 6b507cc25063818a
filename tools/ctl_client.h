/*
 * tools/ctl_client.h: one request to rampartd over its control socket
 * (common/control.h), and the answer printed; used by rampartctl's control
 * commands (tools/ctl_commands.c).
 */
#ifndef RAMPART_TOOLS_CTL_CLIENT_H
#define RAMPART_TOOLS_CTL_CLIENT_H

#include "common/control.h"

/* Seconds to wait for the whole answer, unless $RAMPART_CONTROL_TIMEOUT. */
#define RP_CTL_TIMEOUT 30
/* Exit status when rampartd cannot be reached or gave no proper answer. */
#define RP_CTL_EXIT_UNREACHABLE 3

/*
 * Connect to socket_path, send req, and wait at most timeout seconds (all
 * of it: connecting, sending, reading) for one answer. Its text goes to
 * stdout when rampartd did the job (returns 0) and to stderr when it
 * refused or failed (returns 1); control characters other than newline and
 * tab are shown as '?'. Returns RP_CTL_EXIT_UNREACHABLE with a message on
 * stderr naming the socket when there is no proper answer in time, and 2
 * when socket_path cannot be a socket's path or req cannot be encoded.
 */
int rp_ctl_call(const char *socket_path, const struct rp_control_request *req,
    unsigned timeout);

#endif

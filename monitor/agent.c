/*
 * monitor/agent.c: agent forwarding (auth-agent-req@openssh.com).
 *
 * Not implemented yet: every request is refused with this reason, whatever
 * the policy says (rp_action_in_effect says so for `agent`).
 */
#include <stdio.h>

#include "monitor/monitor.h"

int
agent_available(const struct monitor *m, const struct conn *c, char *why, size_t whysz)
{
	(void)m;
	(void)c;
	snprintf(why, whysz, "agent forwarding is not supported yet");
	return 0;
}

const char *
agent_socket_path(const struct conn *c)
{
	(void)c;
	return NULL;
}

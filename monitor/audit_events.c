/*
 * monitor/audit_events.c: every audit record the monitor writes, in one
 * place, so the list of events and their fields can be read (and checked
 * against docs/audit.md) without hunting through the monitor.
 *
 * Events: start, stop, reload, accept, refuse, kex, auth, session-start,
 * session-end, violation, close, admin. Each record carries "conn" when it
 * belongs to a connection.
 */
#include <string.h>
#include <sys/wait.h>

#include "common/ipc_msg.h"
#include "monitor/monitor.h"

static void
conn_fields(struct audit_record *r, const struct conn *c)
{
	if (c->user[0] != '\0')
		audit_bytes(r, "user", c->user, strlen(c->user));
	audit_str(r, "from", c->peer_addr);
	audit_uint(r, "port", c->peer_port);
}

void
monitor_audit_daemon(struct monitor *m, const char *event, const char *detail, int ok)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, event, 0);
	audit_str(&r, "version", RAMPART_VERSION);
	if (m->policy_path != NULL)
		audit_str(&r, "policy", m->policy_path);
	audit_str(&r, "policy_sha256", m->policy_hash);
	audit_bool(&r, "ok", ok);
	if (detail != NULL)
		audit_str(&r, "detail", detail);
	audit_end(&r);
}

void
monitor_audit_accept(struct monitor *m, const struct conn *c, const char *rule)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "accept", c->id);
	audit_str(&r, "from", c->peer_addr);
	audit_uint(&r, "port", c->peer_port);
	audit_str(&r, "to", c->local_addr);
	audit_uint(&r, "to_port", c->local_port);
	if (rule != NULL)
		audit_str(&r, "rule", rule);
	audit_end(&r);
}

void
monitor_audit_refuse(struct monitor *m, const char *addr, unsigned port, const char *reason,
    const char *rule)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "refuse", 0);
	audit_str(&r, "from", addr);
	audit_uint(&r, "port", port);
	audit_str(&r, "reason", reason);
	if (rule != NULL)
		audit_str(&r, "rule", rule);
	audit_end(&r);
}

void
monitor_audit_version_refused(struct monitor *m, const struct conn *c, const char *version,
    const char *rule)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "version-refused", c->id);
	conn_fields(&r, c);
	audit_str(&r, "client_version", version);
	audit_str(&r, "rule", rule);
	audit_end(&r);
}

void
monitor_audit_kex(struct monitor *m, const struct conn *c, const struct rp_ipc_kex_done *k)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "kex", c->id);
	audit_uint(&r, "exchange", c->kex_done_count);
	audit_bytes(&r, "client_version", c->client_version, strlen(c->client_version));
	audit_str(&r, "server_version", m->server_version);
	audit_str(&r, "kex", c->kex_alg);
	audit_str(&r, "host_key", c->hostkey_alg);
	audit_bytes(&r, "cipher_in", CBS_data(&k->cipher_c2s), CBS_len(&k->cipher_c2s));
	audit_bytes(&r, "cipher_out", CBS_data(&k->cipher_s2c), CBS_len(&k->cipher_s2c));
	audit_bytes(&r, "mac_in", CBS_data(&k->mac_c2s), CBS_len(&k->mac_c2s));
	audit_bytes(&r, "mac_out", CBS_data(&k->mac_s2c), CBS_len(&k->mac_s2c));
	audit_bytes(&r, "compression_in", CBS_data(&k->comp_c2s), CBS_len(&k->comp_c2s));
	audit_bytes(&r, "compression_out", CBS_data(&k->comp_s2c), CBS_len(&k->comp_s2c));
	audit_end(&r);
}

void
monitor_audit_auth(struct monitor *m, const struct conn *c, const char *user,
    const struct auth_attempt *at, const char *result, const char *reason)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "auth", c->id);
	audit_bytes(&r, "user", user, strlen(user));
	audit_str(&r, "from", c->peer_addr);
	audit_str(&r, "method", at->method);
	audit_str(&r, "stage", at->stage);
	if (at->key_fp != NULL)
		audit_str(&r, "key", at->key_fp);
	if (at->cert_key_id != NULL) {
		audit_str(&r, "cert_key_id", at->cert_key_id);
		audit_uint(&r, "cert_serial", at->cert_serial);
	}
	audit_str(&r, "result", result);
	/* partial_success: this step passed and more must follow. */
	audit_bool(&r, "partial_success", strcmp(result, "partial") == 0);
	if (reason != NULL)
		audit_str(&r, "reason", reason);
	audit_uint(&r, "failures", c->auth_failures);
	audit_end(&r);
}

void
monitor_audit_session_start(struct monitor *m, const struct conn *c, uint32_t session,
    const char *type, const void *command, size_t command_len, const char *as, long pid,
    const char *tty, const char *recording, int agent, const char *x11_display)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "session-start", c->id);
	conn_fields(&r, c);
	audit_uint(&r, "session", session);
	audit_str(&r, "type", type);
	if (command != NULL)
		audit_bytes(&r, "command", command, command_len);
	audit_bool(&r, "pty", tty != NULL);
	if (tty != NULL)
		audit_str(&r, "tty", tty);
	if (recording != NULL)
		audit_str(&r, "recording", recording);
	if (agent)
		audit_bool(&r, "agent", 1);
	if (x11_display != NULL)
		audit_str(&r, "x11_display", x11_display);
	audit_str(&r, "as", as);
	audit_int(&r, "pid", pid);
	audit_end(&r);
}

void
monitor_audit_session_denied(struct monitor *m, const struct conn *c, const char *type,
    const void *command, size_t command_len, const char *reason, const char *rule)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "session-denied", c->id);
	conn_fields(&r, c);
	audit_str(&r, "type", type);
	if (command != NULL)
		audit_bytes(&r, "command", command, command_len);
	audit_str(&r, "reason", reason);
	if (rule != NULL)
		audit_str(&r, "rule", rule);
	audit_end(&r);
}

void
monitor_audit_session_end(struct monitor *m, const struct conn *c, uint32_t session, int status)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "session-end", c->id);
	conn_fields(&r, c);
	audit_uint(&r, "session", session);
	if (WIFSIGNALED(status)) {
		const char *name = sigabbrev_np(WTERMSIG(status));

		audit_str(&r, "signal", name != NULL ? name : "?");
		audit_bool(&r, "core_dumped", WCOREDUMP(status) ? 1 : 0);
	} else {
		audit_int(&r, "exit_status", WEXITSTATUS(status));
	}
	audit_end(&r);
}

void
monitor_audit_forward(struct monitor *m, const struct conn *c, const char *host, unsigned port,
    const char *addr, int ok, const char *reason, const char *rule)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, ok ? "forward" : "forward-denied", c->id);
	conn_fields(&r, c);
	audit_str(&r, "type", "direct-tcpip");
	audit_str(&r, "host", host);
	/* "port" is the client's own (conn_fields). */
	audit_uint(&r, "host_port", port);
	if (addr != NULL)
		audit_str(&r, "address", addr);
	if (reason != NULL)
		audit_str(&r, "reason", reason);
	if (rule != NULL)
		audit_str(&r, "rule", rule);
	audit_end(&r);
}

void
monitor_audit_listen(struct monitor *m, const struct conn *c, const char *event,
    const char *bind, unsigned port, const char *key, const char *value, const char *rule)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, event, c->id);
	conn_fields(&r, c);
	audit_str(&r, "type", "tcpip-forward");
	audit_str(&r, "bind", bind);
	audit_uint(&r, "bind_port", port);
	if (key != NULL && value != NULL)
		audit_str(&r, key, value);
	if (rule != NULL)
		audit_str(&r, "rule", rule);
	audit_end(&r);
}

void
monitor_audit_violation(struct monitor *m, const struct conn *c, const char *what)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "violation", c->id);
	conn_fields(&r, c);
	audit_str(&r, "what", what);
	audit_end(&r);
}

void
monitor_audit_close(struct monitor *m, const struct conn *c, const char *worker_end,
    uint64_t duration_s)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "close", c->id);
	conn_fields(&r, c);
	if (c->have_close) {
		audit_uint(&r, "reason", c->close_reason);
		audit_str(&r, "by", c->close_by_peer ? "client" : "server");
		audit_str(&r, "text", c->close_text);
	} else {
		audit_str(&r, "by", "unknown");
	}
	audit_str(&r, "worker", worker_end);
	audit_uint(&r, "duration_s", duration_s);
	audit_uint(&r, "bytes_in", c->status.bytes_in);
	audit_uint(&r, "bytes_out", c->status.bytes_out);
	audit_end(&r);
}

void
monitor_audit_admin(struct monitor *m, const char *action, uint64_t conn_id, const char *detail)
{
	struct audit_record r;

	audit_begin(&r, &m->audit, "admin", conn_id);
	audit_str(&r, "action", action);
	if (detail != NULL)
		audit_str(&r, "detail", detail);
	audit_end(&r);
}

/*
 * monitor/control_commands.c: what each rampartctl command does and what
 * it answers, as a table for people or as JSON (--json).
 *
 * Figures about traffic (bytes, channels, idle time) are what the worker
 * last reported (common/ipc.h STATUS); everything else is the monitor's own
 * record.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/control.h"
#include "common/json.h"
#include "common/log.h"
#include "common/ssh_msg.h"
#include "monitor/monitor.h"
#include "policy/policy.h"

static void
out_printf(struct rp_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
out_printf(struct rp_buf *out, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)rp_buf_append(out, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* JSON documents are built in a CBB and copied out with a newline. */
static int
json_finish(struct rp_json *j, CBB *cbb, struct rp_buf *out)
{
	uint8_t *data;
	size_t len;

	if (!rp_json_ok(j) || !CBB_finish(cbb, &data, &len)) {
		CBB_cleanup(cbb);
		out_printf(out, "internal error: could not build the JSON answer\n");
		return RP_CONTROL_FAILED;
	}
	(void)rp_buf_append(out, data, len);
	(void)rp_buf_append(out, "\n", 1);
	OPENSSL_free(data);
	return RP_CONTROL_OK;
}

static void
wall_time(int64_t t, char *out, size_t outsz)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
human_bytes(uint64_t n, char *out, size_t outsz)
{
	static const char units[] = "BKMGTP";
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, outsz, "%" PRIu64 "B", n);
	else
		snprintf(out, outsz, "%.1f%c", v, units[u]);
}

static const char *
state_word(const struct conn *c)
{
	switch (c->state) {
	case CONN_PREKEX:
		return "key-exchange";
	case CONN_PREAUTH:
		return "authenticating";
	case CONN_AUTHED:
		return "authenticated";
	case CONN_CLOSING:
		return "closing";
	}
	return "?";
}

static size_t
session_count(const struct conn *c)
{
	size_t n = 0;

	for (size_t i = 0; i < MAX_SESSIONS_PER_CONN; i++)
		n += c->sessions[i].in_use ? 1 : 0;
	return n;
}

static int
cmd_status(struct monitor *m, int json, struct rp_buf *out)
{
	uint64_t up = (monitor_now_ms() - m->started_ms) / 1000;
	size_t preauth = 0, authed = 0, sessions = 0;
	char started[32];

	for (struct conn *c = m->conns; c != NULL; c = c->next) {
		if (c->state == CONN_AUTHED)
			authed++;
		else if (c->state != CONN_CLOSING)
			preauth++;
		sessions += session_count(c);
	}
	wall_time(m->started_wall, started, sizeof(started));
	if (json) {
		struct rp_json j;
		CBB cbb;

		if (!CBB_init(&cbb, 1024))
			return RP_CONTROL_FAILED;
		rp_json_init(&j, &cbb);
		rp_json_object_begin(&j);
		rp_json_key(&j, "version");
		rp_json_string(&j, RAMPART_VERSION);
		rp_json_key(&j, "pid");
		rp_json_int(&j, (int64_t)getpid());
		rp_json_key(&j, "started");
		rp_json_string(&j, started);
		rp_json_key(&j, "uptime_s");
		rp_json_uint(&j, up);
		rp_json_key(&j, "mode");
		rp_json_string(&j, m->privileged ? "privileged" : "unprivileged");
		rp_json_key(&j, "listening");
		rp_json_bool(&j, m->listening);
		rp_json_key(&j, "shutting_down");
		rp_json_bool(&j, m->shutting_down);
		rp_json_key(&j, "addresses");
		rp_json_array_begin(&j);
		for (size_t i = 0; i < m->nlisten; i++)
			rp_json_string(&j, m->listen_text[i]);
		rp_json_array_end(&j);
		rp_json_key(&j, "policy");
		rp_json_string(&j, m->policy_path);
		rp_json_key(&j, "policy_sha256");
		rp_json_string(&j, m->policy_hash);
		rp_json_key(&j, "connections");
		rp_json_object_begin(&j);
		rp_json_key(&j, "total");
		rp_json_uint(&j, m->nconns);
		rp_json_key(&j, "unauthenticated");
		rp_json_uint(&j, preauth);
		rp_json_key(&j, "authenticated");
		rp_json_uint(&j, authed);
		rp_json_key(&j, "max");
		rp_json_uint(&j, m->max_conns);
		rp_json_object_end(&j);
		rp_json_key(&j, "sessions");
		rp_json_uint(&j, sessions);
		rp_json_key(&j, "accepted_total");
		rp_json_uint(&j, m->accepted_total);
		rp_json_key(&j, "refused_total");
		rp_json_uint(&j, m->refused_total);
		rp_json_key(&j, "audit");
		rp_json_object_begin(&j);
		rp_json_key(&j, "file");
		if (m->audit.path != NULL)
			rp_json_string(&j, m->audit.path);
		else
			rp_json_null(&j);
		rp_json_key(&j, "syslog");
		rp_json_bool(&j, m->audit.syslog);
		rp_json_key(&j, "healthy");
		rp_json_bool(&j, audit_healthy(&m->audit));
		rp_json_key(&j, "records");
		rp_json_uint(&j, m->audit.records);
		rp_json_key(&j, "failures");
		rp_json_uint(&j, m->audit.failures);
		rp_json_object_end(&j);
		rp_json_object_end(&j);
		return json_finish(&j, &cbb, out);
	}
	out_printf(out, "rampartd %s, pid %ld, %s mode, up %" PRIu64 "s (since %s)\n",
	    RAMPART_VERSION, (long)getpid(), m->privileged ? "privileged" : "unprivileged", up,
	    started);
	out_printf(out, "listening:   %s", m->shutting_down ? "no (shutting down)" :
	    m->listening ? "yes" : "no (stopped)");
	for (size_t i = 0; i < m->nlisten; i++)
		out_printf(out, "%s%s", i == 0 ? " on " : ", ", m->listen_text[i]);
	out_printf(out, "\npolicy:      %s (sha256 %s)\n", m->policy_path, m->policy_hash);
	out_printf(out, "connections: %zu (%zu authenticated, %zu not yet), at most %zu\n",
	    m->nconns, authed, preauth, m->max_conns);
	out_printf(out, "sessions:    %zu\n", sessions);
	out_printf(out, "since start: %" PRIu64 " accepted, %" PRIu64 " refused\n",
	    m->accepted_total, m->refused_total);
	out_printf(out, "audit log:   %s%s%s, %s, %" PRIu64 " records, %" PRIu64 " failed writes\n",
	    m->audit.path != NULL ? m->audit.path : "no file",
	    m->audit.syslog ? " + syslog" : "", "",
	    audit_healthy(&m->audit) ? "healthy" : "FAILING", m->audit.records,
	    m->audit.failures);
	return RP_CONTROL_OK;
}

static void
json_connection(struct rp_json *j, const struct conn *c)
{
	char started[32];

	wall_time(c->started_wall, started, sizeof(started));
	rp_json_object_begin(j);
	rp_json_key(j, "id");
	rp_json_uint(j, c->id);
	rp_json_key(j, "state");
	rp_json_string(j, state_word(c));
	rp_json_key(j, "user");
	if (c->user[0] != '\0')
		rp_json_string(j, c->user);
	else
		rp_json_null(j);
	rp_json_key(j, "from");
	rp_json_string(j, c->peer_addr);
	rp_json_key(j, "port");
	rp_json_uint(j, c->peer_port);
	rp_json_key(j, "auth");
	rp_json_array_begin(j);
	if (c->auth_method[0] != '\0')
		rp_json_string(j, c->auth_method);
	rp_json_array_end(j);
	rp_json_key(j, "key");
	if (c->auth_key[0] != '\0')
		rp_json_string(j, c->auth_key);
	else
		rp_json_null(j);
	rp_json_key(j, "client_version");
	rp_json_string(j, c->client_version);
	rp_json_key(j, "cipher");
	rp_json_string(j, c->cipher);
	rp_json_key(j, "started");
	rp_json_string(j, started);
	rp_json_key(j, "idle_s");
	rp_json_uint(j, c->status.idle_s);
	rp_json_key(j, "bytes_in");
	rp_json_uint(j, c->status.bytes_in);
	rp_json_key(j, "bytes_out");
	rp_json_uint(j, c->status.bytes_out);
	rp_json_key(j, "channels");
	rp_json_array_begin(j);
	for (size_t i = 0; i < c->status.nchannels; i++) {
		rp_json_object_begin(j);
		rp_json_key(j, "id");
		rp_json_uint(j, c->status.channels[i].id);
		rp_json_key(j, "type");
		rp_json_string(j, c->status.channels[i].type);
		rp_json_key(j, "target");
		rp_json_string(j, c->status.channels[i].target);
		rp_json_key(j, "bytes_in");
		rp_json_uint(j, c->status.channels[i].bytes_in);
		rp_json_key(j, "bytes_out");
		rp_json_uint(j, c->status.channels[i].bytes_out);
		rp_json_object_end(j);
	}
	rp_json_array_end(j);
	rp_json_object_end(j);
}

static int
cmd_connections(struct monitor *m, int json, struct rp_buf *out)
{
	if (json) {
		struct rp_json j;
		CBB cbb;

		if (!CBB_init(&cbb, 4096))
			return RP_CONTROL_FAILED;
		rp_json_init(&j, &cbb);
		rp_json_object_begin(&j);
		rp_json_key(&j, "connections");
		rp_json_array_begin(&j);
		for (struct conn *c = m->conns; c != NULL; c = c->next)
			json_connection(&j, c);
		rp_json_array_end(&j);
		rp_json_object_end(&j);
		return json_finish(&j, &cbb, out);
	}
	out_printf(out, "%-6s %-14s %-16s %-24s %-10s %-20s %6s %8s %8s  %s\n", "ID", "STATE", "USER",
	    "FROM", "AUTH", "STARTED", "IDLE", "IN", "OUT", "CHANNELS");
	for (struct conn *c = m->conns; c != NULL; c = c->next) {
		char from[80], started[32], in[16], outb[16], idle[16];

		snprintf(from, sizeof(from), "%s:%u", c->peer_addr, c->peer_port);
		wall_time(c->started_wall, started, sizeof(started));
		human_bytes(c->status.bytes_in, in, sizeof(in));
		human_bytes(c->status.bytes_out, outb, sizeof(outb));
		snprintf(idle, sizeof(idle), "%us", c->status.idle_s);
		out_printf(out, "%-6" PRIu64 " %-14s %-16s %-24s %-10s %-20s %6s %8s %8s  ", c->id,
		    state_word(c), c->user[0] ? c->user : "-", from,
		    c->auth_method[0] ? c->auth_method : "-", started, idle, in, outb);
		if (c->status.nchannels == 0)
			out_printf(out, "-");
		for (size_t i = 0; i < c->status.nchannels; i++)
			out_printf(out, "%s%s:%s", i > 0 ? ", " : "", c->status.channels[i].type,
			    c->status.channels[i].target[0] ? c->status.channels[i].target : "-");
		out_printf(out, "\n");
	}
	if (m->conns == NULL)
		out_printf(out, "(no connections)\n");
	return RP_CONTROL_OK;
}

static struct conn *
find_conn(struct monitor *m, const char *arg, struct rp_buf *out)
{
	char *end;
	unsigned long long id = strtoull(arg, &end, 10);
	struct conn *c;

	if (*arg == '\0' || *end != '\0') {
		out_printf(out, "'%s' is not a connection id (see rampartctl connections)\n", arg);
		return NULL;
	}
	if ((c = conn_by_id(m, id)) == NULL || c->worker_pid <= 0)
		out_printf(out, "no connection %llu (see rampartctl connections)\n", id);
	return c != NULL && c->worker_pid > 0 ? c : NULL;
}

static int
cmd_disconnect(struct monitor *m, size_t nargs, char args[][1024], struct rp_buf *out)
{
	const char *message = nargs > 1 ? args[1] : "disconnected by the administrator";
	struct conn *c;

	if (nargs < 1 || nargs > 2) {
		out_printf(out, "usage: disconnect ID [MESSAGE]\n");
		return RP_CONTROL_FAILED;
	}
	if ((c = find_conn(m, args[0], out)) == NULL)
		return RP_CONTROL_FAILED;
	rp_info("conn=%llu disconnect requested by the administrator: %s",
	    (unsigned long long)c->id, message);
	monitor_audit_admin(m, "disconnect", c->id, message);
	conn_disconnect(m, c, SSH_DISCONNECT_BY_APPLICATION, message);
	out_printf(out, "disconnecting connection %" PRIu64 "\n", c->id);
	return RP_CONTROL_OK;
}

static int
cmd_rekey(struct monitor *m, size_t nargs, char args[][1024], struct rp_buf *out)
{
	struct conn *c;

	if (nargs != 1) {
		out_printf(out, "usage: rekey ID\n");
		return RP_CONTROL_FAILED;
	}
	if ((c = find_conn(m, args[0], out)) == NULL)
		return RP_CONTROL_FAILED;
	if (c->state != CONN_AUTHED && c->state != CONN_PREAUTH) {
		out_printf(out, "connection %" PRIu64 " has no keys to re-exchange yet\n", c->id);
		return RP_CONTROL_FAILED;
	}
	monitor_audit_admin(m, "rekey", c->id, NULL);
	if (!conn_rekey(m, c)) {
		out_printf(out, "could not ask connection %" PRIu64 " to re-exchange keys\n", c->id);
		return RP_CONTROL_FAILED;
	}
	out_printf(out, "connection %" PRIu64 " is re-exchanging keys\n", c->id);
	return RP_CONTROL_OK;
}

static int
cmd_shutdown(struct monitor *m, size_t nargs, char args[][1024], struct rp_buf *out)
{
	unsigned drain = 0;

	if (nargs > 1 || (nargs == 1 && !rp_parse_duration(args[0], &drain))) {
		out_printf(out, "usage: shutdown [DRAIN], DRAIN a duration such as 30s or 5m\n");
		return RP_CONTROL_FAILED;
	}
	monitor_audit_admin(m, "shutdown", 0, nargs == 1 ? args[0] : "now");
	monitor_shutdown(m, (uint64_t)drain * 1000);
	if (drain > 0)
		out_printf(out, "shutting down: not accepting; %zu connections have %us to finish\n",
		    m->nconns, drain);
	else
		out_printf(out, "shutting down: disconnecting %zu connections\n", m->nconns);
	return RP_CONTROL_OK;
}

static int
run_command(struct monitor *m, const char *command, size_t nargs, char args[][1024], int json,
    struct rp_buf *out)
{
	char err[1024];

	if (strcmp(command, "status") == 0 && nargs == 0)
		return cmd_status(m, json, out);
	if (strcmp(command, "connections") == 0 && nargs == 0)
		return cmd_connections(m, json, out);
	if (strcmp(command, "disconnect") == 0)
		return cmd_disconnect(m, nargs, args, out);
	if (strcmp(command, "rekey") == 0)
		return cmd_rekey(m, nargs, args, out);
	if (strcmp(command, "shutdown") == 0)
		return cmd_shutdown(m, nargs, args, out);
	if (strcmp(command, "stop-listening") == 0 && nargs == 0) {
		monitor_audit_admin(m, "stop-listening", 0, NULL);
		if (!monitor_stop_listening(m)) {
			out_printf(out, "not listening already\n");
			return RP_CONTROL_FAILED;
		}
		out_printf(out, "stopped listening; %zu connections carry on\n", m->nconns);
		return RP_CONTROL_OK;
	}
	if (strcmp(command, "start-listening") == 0 && nargs == 0) {
		monitor_audit_admin(m, "start-listening", 0, NULL);
		if (!monitor_start_listening(m, err, sizeof(err))) {
			out_printf(out, "%s\n", err);
			return RP_CONTROL_FAILED;
		}
		out_printf(out, "listening again\n");
		return RP_CONTROL_OK;
	}
	if (strcmp(command, "reload") == 0 && nargs == 0) {
		if (!monitor_reload(m, err, sizeof(err))) {
			out_printf(out, "reload failed, the running policy stays: %s\n", err);
			return RP_CONTROL_FAILED;
		}
		out_printf(out, "policy reloaded (sha256 %s)\n", m->policy_hash);
		return RP_CONTROL_OK;
	}
	out_printf(out, "unknown command '%s' or wrong arguments\n", command);
	return RP_CONTROL_FAILED;
}

/* Commands that act (disconnect, reload, ...) answer in one line of text;
 * with --json that line comes as {"ok": BOOL, "message": TEXT}, so scripts
 * get JSON from every command. status and connections have their own. */
int
control_run(struct monitor *m, const char *command, size_t nargs, char args[][1024], int json,
    struct rp_buf *out)
{
	struct rp_buf text;
	struct rp_json j;
	size_t len;
	int status;
	CBB cbb;

	if (!json || strcmp(command, "status") == 0 || strcmp(command, "connections") == 0)
		return run_command(m, command, nargs, args, json, out);
	rp_buf_init(&text, 64 * 1024);
	status = run_command(m, command, nargs, args, 0, &text);
	len = rp_buf_len(&text);
	while (len > 0 && rp_buf_ptr(&text)[len - 1] == '\n')
		len--;
	if (!CBB_init(&cbb, 256)) {
		rp_buf_free(&text);
		out_printf(out, "out of memory\n");
		return RP_CONTROL_FAILED;
	}
	rp_json_init(&j, &cbb);
	rp_json_object_begin(&j);
	rp_json_key(&j, "ok");
	rp_json_bool(&j, status == RP_CONTROL_OK);
	rp_json_key(&j, "message");
	rp_json_string_bytes(&j, rp_buf_ptr(&text), len);
	rp_json_object_end(&j);
	rp_buf_free(&text);
	if (json_finish(&j, &cbb, out) != RP_CONTROL_OK)
		return RP_CONTROL_FAILED;
	return status;
}

/*
 * monitor/session_request.c: a worker's session requests, decided here:
 * starting a shell, command or subsystem (SESSION_START), the questions
 * behind pty-req and env replies (SESSION_CHECK), and resizes, signals and
 * breaks for a running session (SESSION_CONTROL); and the end of a
 * session's process.
 *
 * The worker's earlier answers to the client are not trusted: everything
 * is decided again at SESSION_START under the policy the connection was
 * admitted with, and the key's or certificate's restrictions.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "crypto/secret.h"
#include "monitor/monitor.h"

static const char *const kind_names[] = { "shell", "exec", "subsystem" };

/* The policy's answer for one request of c's user; why and rule say why
 * not. */
static int
decide(const struct conn *c, const struct rp_principal *pr, enum rp_action action,
    const char *name, char *why, size_t whysz, char *rule, size_t rulesz)
{
	struct rp_request req;
	struct rp_decision d;

	memset(&req, 0, sizeof(req));
	req.action = action;
	req.name = name;
	if (conn_decide(c->pref->policy, pr, c, &req, &d, rule, rulesz))
		return 1;
	snprintf(why, whysz, d.rule != NULL ? "%s denied by policy" :
	    "no rule allows %s (deny by default)", rp_action_name(action));
	return 0;
}

/* A key option or certificate that takes something away, whatever the
 * policy allows. */
static int
grant_forbids(const struct conn *c, enum rp_session_check what, char *why, size_t whysz)
{
	static const struct {
		enum rp_session_check what;
		unsigned bit;
		const char *text;
	} map[] = {
		{ RP_CHECK_PTY, AUTH_DENY_PTY, "the key or certificate does not permit a pty" },
		{ RP_CHECK_AGENT, AUTH_DENY_AGENT,
		  "the key or certificate does not permit agent forwarding" },
		{ RP_CHECK_X11, AUTH_DENY_X11,
		  "the key or certificate does not permit X11 forwarding" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].what == what && (c->grant.deny & map[i].bit)) {
			snprintf(why, whysz, "%s", map[i].text);
			return 1;
		}
	}
	return 0;
}

const char *
handle_session_check(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_session_check req;
	struct rp_principal pr;
	char why[256], rule[512], name[RP_IPC_MAX_ENV_NAME + 1] = "";
	const char *type = "?";
	int ok = 0;
	CBB cbb;

	if (!rp_ipc_session_check_read(payload, &req))
		return "malformed";
	rule[0] = '\0';
	if (CBS_len(&req.name) > 0)
		rp_log_escape(CBS_data(&req.name), CBS_len(&req.name), name, sizeof(name));
	if (!auth_resolve(c, &pr)) {
		snprintf(why, sizeof(why), "user not in policy");
	} else {
		switch (req.what) {
		case RP_CHECK_PTY:
			type = "pty";
			ok = !grant_forbids(c, req.what, why, sizeof(why)) &&
			    decide(c, &pr, RP_ACTION_PTY, NULL, why, sizeof(why), rule,
			    sizeof(rule));
			break;
		case RP_CHECK_ENV:
			type = "env";
			ok = decide(c, &pr, RP_ACTION_ENV, name, why, sizeof(why), rule,
			    sizeof(rule));
			break;
		case RP_CHECK_AGENT:
			type = "agent";
			ok = !grant_forbids(c, req.what, why, sizeof(why)) &&
			    decide(c, &pr, RP_ACTION_AGENT, NULL, why, sizeof(why), rule,
			    sizeof(rule)) && session_account_exists(m, c, why, sizeof(why));
			break;
		case RP_CHECK_X11:
			type = "x11";
			ok = !grant_forbids(c, req.what, why, sizeof(why)) &&
			    decide(c, &pr, RP_ACTION_X11, NULL, why, sizeof(why), rule,
			    sizeof(rule)) && x11_available(m, c, why, sizeof(why));
			break;
		case RP_CHECK_STREAMLOCAL:
		case RP_CHECK_STREAMLOCAL_LISTEN:
			/* No policy rule can allow Unix socket forwarding: a
			 * bastion's forwarding is to network targets. */
			type = req.what == RP_CHECK_STREAMLOCAL ? "direct-streamlocal" :
			    "streamlocal-forward";
			snprintf(why, sizeof(why), "Unix socket forwarding is not supported");
			break;
		}
		rp_principal_clear(&pr);
	}
	if (!ok) {
		rp_info("conn=%llu %s%s%s denied user=%s reason=\"%s\"", (unsigned long long)c->id,
		    type, name[0] ? " " : "", name, c->user, why);
		monitor_audit_session_denied(m, c, type, name[0] ? name : NULL, strlen(name), why,
		    rule[0] ? rule : NULL);
		ipc_reply_denied(m, c, id, why);
		return NULL;
	}
	if (rp_ipc_begin(&cbb, RP_IPC_SESSION_OK, id))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
	return NULL;
}

/* What the session runs: the command line (NULL: the login shell), the
 * action the policy judges and the name it judges. */
struct session_plan {
	char *command;     /* malloc'd; NULL for a login shell */
	char *original;    /* the client's command under a forced command */
	enum rp_action action;
	const char *judged; /* the name the policy sees */
	char shown[256];   /* escaped, for logs */
	char what[RP_IPC_MAX_NAME]; /* the subsystem's name */
};

static void
plan_free(struct session_plan *pl)
{
	free(pl->command);
	free(pl->original);
}

static char *
cbs_to_cstring(const CBS *s)
{
	char *out = malloc(CBS_len(s) + 1);

	if (out != NULL) {
		memcpy(out, CBS_data(s), CBS_len(s));
		out[CBS_len(s)] = '\0';
	}
	return out;
}

/* Decide what runs. 0 with why set when nothing may. */
static int
plan_session(const struct conn *c, const struct rp_ipc_session_start *rq,
    struct session_plan *pl, char *why, size_t whysz)
{
	memset(pl, 0, sizeof(*pl));
	if (c->grant.forced_command[0] != '\0') {
		/* The key's command= or the certificate's force-command runs
		 * whatever the client asked; the policy judges what runs. */
		if ((pl->original = cbs_to_cstring(&rq->command)) == NULL ||
		    (pl->command = strdup(c->grant.forced_command)) == NULL)
			goto oom;
		pl->action = RP_ACTION_EXEC;
		pl->judged = pl->command;
	} else if (rq->kind == RP_SESSION_SHELL) {
		pl->action = RP_ACTION_SHELL;
	} else if (rq->kind == RP_SESSION_EXEC) {
		if ((pl->command = cbs_to_cstring(&rq->command)) == NULL)
			goto oom;
		pl->action = RP_ACTION_EXEC;
		pl->judged = pl->command;
	} else {
		const char *cmd;

		rp_log_escape(CBS_data(&rq->command), CBS_len(&rq->command), pl->what,
		    sizeof(pl->what));
		if (CBS_len(&rq->command) >= sizeof(pl->what) ||
		    (cmd = rp_policy_subsystem_command(c->pref->policy, pl->what)) == NULL) {
			/* Named in the log and the audit record all the same. */
			snprintf(pl->shown, sizeof(pl->shown), "%s", pl->what);
			snprintf(why, whysz, "subsystem %s is not defined", pl->what);
			return 0;
		}
		if ((pl->command = strdup(cmd)) == NULL)
			goto oom;
		pl->action = RP_ACTION_SUBSYSTEM;
		pl->judged = pl->what;
	}
	if (pl->action == RP_ACTION_SUBSYSTEM)
		snprintf(pl->shown, sizeof(pl->shown), "%s", pl->what);
	else if (pl->command != NULL)
		rp_log_escape((const uint8_t *)pl->command, strlen(pl->command), pl->shown,
		    sizeof(pl->shown));
	return 1;
oom:
	plan_free(pl);
	pl->command = pl->original = NULL;
	snprintf(why, whysz, "out of memory");
	return 0;
}

static struct session *
free_slot(struct conn *c, uint32_t number, const char **violation)
{
	struct session *slot = NULL;

	for (size_t i = 0; i < MAX_SESSIONS_PER_CONN; i++) {
		if (c->sessions[i].in_use && c->sessions[i].number == number) {
			*violation = "session number already in use";
			return NULL;
		}
		if (!c->sessions[i].in_use && slot == NULL)
			slot = &c->sessions[i];
	}
	return slot;
}

/* Everything the policy says about this start: the action, the pty, the
 * variables (dropped when not allowed), max-sessions, recording. */
/* Sessions c's user has running now, on every connection: max-sessions
 * is the user's limit, which another connection must not get around. */
static size_t
user_sessions(const struct monitor *m, const struct conn *c)
{
	size_t n = 0;

	for (const struct conn *o = m->conns; o != NULL; o = o->next) {
		if (o != c && strcmp(o->user, c->user) != 0)
			continue;
		for (size_t i = 0; i < MAX_SESSIONS_PER_CONN; i++)
			n += o->sessions[i].in_use ? 1 : 0;
	}
	return n;
}

static int
session_allowed(const struct monitor *m, const struct conn *c, const struct rp_principal *pr,
    const struct rp_ipc_session_start *rq, const struct session_plan *pl, char **env,
    size_t *nenv, char *why, size_t whysz, char *rule, size_t rulesz)
{
	size_t running = 0;
	char r2[512];

	if (!decide(c, pr, pl->action, pl->judged, why, whysz, rule, rulesz))
		return 0;
	if (rq->pty && (grant_forbids(c, RP_CHECK_PTY, why, whysz) ||
	    !decide(c, pr, RP_ACTION_PTY, NULL, why, whysz, rule, rulesz)))
		return 0;
	if (rq->agent && (grant_forbids(c, RP_CHECK_AGENT, why, whysz) ||
	    !decide(c, pr, RP_ACTION_AGENT, NULL, why, whysz, rule, rulesz)))
		return 0;
	if (rq->x11 && (grant_forbids(c, RP_CHECK_X11, why, whysz) ||
	    !decide(c, pr, RP_ACTION_X11, NULL, why, whysz, rule, rulesz)))
		return 0;
	running = user_sessions(m, c);
	if (running >= rp_principal_max_sessions(pr)) {
		snprintf(why, whysz, "max-sessions (%u) reached: %zu sessions of %s are running",
		    rp_principal_max_sessions(pr), running, c->user);
		return 0;
	}
	*nenv = 0;
	for (size_t i = 0; i < rq->nenv; i++) {
		char name[RP_IPC_MAX_ENV_NAME + 1], w2[256];

		int later = 0;

		/* A name given twice: the later value only, as with sshd. */
		for (size_t j = i + 1; j < rq->nenv && !later; j++)
			later = CBS_mem_equal(&rq->env[j].name, CBS_data(&rq->env[i].name),
			    CBS_len(&rq->env[i].name));
		if (later)
			continue;
		memcpy(name, CBS_data(&rq->env[i].name), CBS_len(&rq->env[i].name));
		name[CBS_len(&rq->env[i].name)] = '\0';
		if (!decide(c, pr, RP_ACTION_ENV, name, w2, sizeof(w2), r2, sizeof(r2))) {
			rp_info("conn=%llu env %s dropped: %s", (unsigned long long)c->id, name, w2);
			continue;
		}
		if (asprintf(&env[*nenv], "%s=%.*s", name, (int)CBS_len(&rq->env[i].value),
		    (const char *)CBS_data(&rq->env[i].value)) < 0) {
			snprintf(why, whysz, "out of memory");
			return 0;
		}
		(*nenv)++;
	}
	return 1;
}

const char *
handle_session_start(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_session_start rq;
	struct rp_ipc_session_started reply;
	struct rp_principal pr;
	struct session_plan pl;
	struct spawn_request sr;
	struct spawned sp;
	struct session *slot;
	char why[256] = "", rule[512] = "", rec_path[512] = "";
	char *env[RP_IPC_MAX_ENV];
	size_t nenv = 0;
	const char *violation = NULL;
	enum rp_record_mode record = RP_RECORD_OFF;
	char agent_path[sizeof(slot->agent_path)] = "", display[32] = "";
	int rec_fd = -1, agent_fd = -1, x11_fds[2] = { -1, -1 }, fds[RP_IPC_MAX_FDS];
	int ok = 0, have_pr = 0;
	size_t nfds, x11_nfds = 0;
	uint32_t x11_display = 0;
	CBB cbb;

	if (!rp_ipc_session_start_read(payload, &rq))
		return "malformed";
	if ((slot = free_slot(c, rq.session, &violation)) == NULL && violation != NULL)
		return violation;
	if (!plan_session(c, &rq, &pl, why, sizeof(why)))
		goto out; /* pl holds nothing to free, and what to log */
	if (!(have_pr = auth_resolve(c, &pr))) {
		snprintf(why, sizeof(why), "user not in policy");
		goto out;
	}
	if (!session_allowed(m, c, &pr, &rq, &pl, env, &nenv, why, sizeof(why), rule,
	    sizeof(rule)))
		goto out;
	if (slot == NULL) {
		snprintf(why, sizeof(why), "too many sessions");
		goto out;
	}
	if (rq.pty && (record = rp_principal_record_mode(&pr)) != RP_RECORD_OFF) {
		/* A session the policy wants recorded runs only if it can be. */
		if ((rec_fd = recording_open(m, c, rq.session, &rq, pl.command, rec_path,
		    sizeof(rec_path), why, sizeof(why))) < 0)
			goto out;
	}
	if (rq.agent && (agent_fd = agent_socket_create(m, c, rq.session, agent_path,
	    sizeof(agent_path), why, sizeof(why))) < 0)
		goto out;
	if (rq.x11) {
		if ((x11_nfds = x11_display_open(x11_fds, &x11_display, why, sizeof(why))) == 0)
			goto out;
		snprintf(display, sizeof(display), "localhost:%u.%u", x11_display, rq.x11_screen);
	}
	memset(&sr, 0, sizeof(sr));
	sr.command = pl.command;
	sr.original_command = pl.original;
	sr.pty = rq.pty;
	sr.term = rq.term;
	sr.cols = rq.cols;
	sr.rows = rq.rows;
	sr.width_px = rq.width_px;
	sr.height_px = rq.height_px;
	sr.modes = CBS_data(&rq.modes);
	sr.modes_len = CBS_len(&rq.modes);
	sr.env = env;
	sr.nenv = nenv;
	sr.umask = c->pref->policy->session_umask;
	sr.auth_sock = agent_fd >= 0 ? agent_path : NULL;
	sr.x11 = x11_nfds > 0;
	sr.x11_display = x11_display;
	sr.x11_screen = rq.x11_screen;
	sr.x11_proto = rq.x11_proto;
	sr.x11_cookie = rq.x11_cookie;
	if (!session_spawn(m, c, &sr, &sp, why, sizeof(why)))
		goto out;
	ok = 1;
	slot->in_use = 1;
	slot->pid = sp.pid;
	slot->number = rq.session;
	slot->pty_master = sp.master;
	snprintf(slot->tty, sizeof(slot->tty), "%s", sp.tty);
	snprintf(slot->agent_path, sizeof(slot->agent_path), "%s", agent_path);
	rp_info("conn=%llu session %u started user=%s as=%s pid=%ld %s%s%s%s%s%s%s%s",
	    (unsigned long long)c->id, rq.session, c->user, sp.as, (long)sp.pid,
	    kind_names[rq.kind], pl.shown[0] ? " command=\"" : "", pl.shown,
	    pl.shown[0] ? "\"" : "", rq.pty ? " pty=" : "", rq.pty ? sp.tty : "",
	    display[0] ? " display=" : "", display);
	monitor_audit_session_start(m, c, rq.session, kind_names[rq.kind],
	    pl.action == RP_ACTION_SUBSYSTEM ? pl.what : pl.command,
	    pl.action == RP_ACTION_SUBSYSTEM ? strlen(pl.what) :
	    pl.command != NULL ? strlen(pl.command) : 0, sp.as, (long)sp.pid, rq.pty ? sp.tty : NULL,
	    rec_path[0] ? rec_path : NULL, agent_fd >= 0, display[0] ? display : NULL);
	memset(&reply, 0, sizeof(reply));
	reply.pty = rq.pty;
	reply.record = rec_fd < 0 ? RP_IPC_RECORD_NONE : record == RP_RECORD_INPUT ?
	    RP_IPC_RECORD_INPUT : RP_IPC_RECORD_OUTPUT;
	nfds = 0;
	for (size_t i = 0; i < sp.nfds; i++)
		fds[nfds++] = sp.fds[i];
	if (rec_fd >= 0)
		fds[nfds++] = rec_fd;
	reply.agent = agent_fd >= 0;
	if (agent_fd >= 0)
		fds[nfds++] = agent_fd;
	reply.x11_fds = (uint8_t)x11_nfds;
	reply.x11_display = x11_display;
	for (size_t i = 0; i < x11_nfds; i++)
		fds[nfds++] = x11_fds[i];
	if (rp_ipc_session_started_build(&cbb, id, &reply))
		(void)ipc_reply(m, c, &cbb, fds, nfds);
	for (size_t i = 0; i < sp.nfds; i++)
		if (sp.fds[i] >= 0)
			close(sp.fds[i]);
out:
	if (rec_fd >= 0)
		close(rec_fd);
	if (agent_fd >= 0)
		close(agent_fd);
	for (size_t i = 0; i < x11_nfds; i++)
		close(x11_fds[i]);
	if (!ok) {
		if (rec_path[0] != '\0')
			(void)unlink(rec_path);
		agent_socket_remove(agent_path);
		rp_info("conn=%llu %s denied user=%s%s%s%s reason=\"%s\"", (unsigned long long)c->id,
		    kind_names[rq.kind], c->user, pl.shown[0] ? " command=\"" : "", pl.shown,
		    pl.shown[0] ? "\"" : "", why);
		monitor_audit_session_denied(m, c, kind_names[rq.kind],
		    pl.shown[0] ? CBS_data(&rq.command) : NULL, CBS_len(&rq.command), why,
		    rule[0] ? rule : NULL);
		ipc_reply_denied(m, c, id, why);
	}
	for (size_t i = 0; i < nenv; i++)
		free(env[i]);
	if (have_pr)
		rp_principal_clear(&pr);
	plan_free(&pl);
	rp_wipe(rq.x11_cookie, sizeof(rq.x11_cookie));
	return NULL;
}

/* RFC 4254 6.9 names, without "SIG". */
static int
signal_number(const char *name)
{
	static const struct {
		const char *name;
		int sig;
	} map[] = {
		{ "ABRT", SIGABRT }, { "ALRM", SIGALRM }, { "FPE", SIGFPE }, { "HUP", SIGHUP },
		{ "ILL", SIGILL }, { "INT", SIGINT }, { "KILL", SIGKILL }, { "PIPE", SIGPIPE },
		{ "QUIT", SIGQUIT }, { "SEGV", SIGSEGV }, { "TERM", SIGTERM },
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, name) == 0)
			return map[i].sig;
	return 0;
}

const char *
handle_session_control(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_session_control rq;
	struct session *s = NULL;
	CBB cbb;

	if (!rp_ipc_session_control_read(payload, &rq))
		return "malformed";
	for (size_t i = 0; i < MAX_SESSIONS_PER_CONN; i++)
		if (c->sessions[i].in_use && c->sessions[i].number == rq.session)
			s = &c->sessions[i];
	/* The session may have ended while the message was on its way: then
	 * there is nothing to do, but the worker still gets its reply. */
	switch (s != NULL ? rq.op : 0) {
	case RP_CONTROL_RESIZE:
		if (s->pty_master >= 0)
			(void)pty_set_size(s->pty_master, rq.cols, rq.rows, rq.width_px,
			    rq.height_px);
		break;
	case RP_CONTROL_SIGNAL: {
		int sig = signal_number(rq.signame);

		/* The pid is an unreaped child of ours while in_use is set, so
		 * it cannot have been reused. */
		if (sig != 0 && s->pid > 0) {
			rp_info("conn=%llu session %u signal SIG%s", (unsigned long long)c->id,
			    s->number, rq.signame);
			(void)kill(s->pid, sig);
		}
		break;
	}
	case RP_CONTROL_BREAK:
		if (s->pty_master >= 0)
			(void)tcsendbreak(s->pty_master, 0);
		break;
	}
	/* Only now: the worker holds back what follows until this arrives. */
	if (rp_ipc_begin(&cbb, RP_IPC_SESSION_OK, id))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
	return NULL;
}

void
session_reaped(struct monitor *m, struct conn *c, struct session *s, int status)
{
	struct rp_ipc_session_exited ev;
	CBB cbb;

	memset(&ev, 0, sizeof(ev));
	ev.session = s->number;
	if (WIFSIGNALED(status)) {
		const char *name = sigabbrev_np(WTERMSIG(status));

		ev.signalled = 1;
		snprintf(ev.signame, sizeof(ev.signame), "%s", name != NULL ? name : "KILL");
		ev.core_dumped = WCOREDUMP(status) ? 1 : 0;
		rp_info("conn=%llu session %u ended pid=%ld signal=SIG%s",
		    (unsigned long long)c->id, s->number, (long)s->pid, ev.signame);
	} else {
		ev.status = (uint32_t)WEXITSTATUS(status);
		rp_info("conn=%llu session %u ended pid=%ld status=%u", (unsigned long long)c->id,
		    s->number, (long)s->pid, ev.status);
	}
	session_pty_release(m, s);
	agent_socket_remove(s->agent_path);
	s->in_use = 0;
	monitor_audit_session_end(m, c, s->number, status);
	if (c->ipc_fd < 0)
		return;
	if (rp_ipc_session_exited_build(&cbb, 0, &ev))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
}

void
sessions_hangup(struct monitor *m, struct conn *c, int everything)
{
	for (size_t i = 0; i < MAX_SESSIONS_PER_CONN; i++) {
		struct session *s = &c->sessions[i];

		if (!s->in_use || s->pid <= 0)
			continue;
		/* The connection is gone. A pty session is hung up, as a
		 * terminal is when its line drops (the session leads its own
		 * process group). A session on pipes is left to see its pipes
		 * close, as with sshd, so it ends at its next read or write
		 * instead of being killed halfway through, say, its shell's
		 * start-up files. At shutdown every session is hung up. */
		if (everything || s->tty[0] != '\0')
			kill(-s->pid, SIGHUP);
		session_pty_release(m, s);
		agent_socket_remove(s->agent_path);
		s->in_use = 0;
	}
}

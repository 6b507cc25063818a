/*
 * monitor/auth_kbdint.c: keyboard-interactive authentication (RFC 4256)
 * with a time-based one-time password (RFC 6238) as its one prompt.
 *
 * Round one: the worker asks, the monitor answers with the prompt (the
 * principal's `auth-instruction` and `totp-prompt`). Round two: the
 * worker passes the answer, the monitor looks the user's secret up in the
 * `totp-secrets` file and checks the code against the time steps around
 * now. A code is accepted once per user: the last step accepted is kept,
 * and a code of that step or an older one is refused, whichever
 * connection sends it.
 *
 * A user the policy does not know, or who has no secret, is prompted the
 * same way and fails after answering, as a wrong code does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/ipc_msg.h"
#include "common/log.h"
#include "common/totp_secrets.h"
#include "crypto/secret.h"
#include "crypto/totp.h"
#include "monitor/monitor.h"

/* The last time step accepted per user; entries older than this many
 * seconds can no longer matter (no window reaches that far back). */
#define TOTP_REPLAY_KEEP_S 3600
#define TOTP_REPLAY_MAX 4096

struct totp_replay {
	struct totp_replay *next;
	char user[RP_IPC_MAX_NAME];
	uint64_t step;       /* in units of period_s */
	unsigned period_s;
	uint64_t accepted_at;
};

static struct totp_replay *
replay_find(struct totp_replay *list, const char *user)
{
	for (; list != NULL; list = list->next)
		if (strcmp(list->user, user) == 0)
			return list;
	return NULL;
}

/* 1 when step was already used (or an older one was accepted after it). */
static int
replay_seen(struct monitor *m, const char *user, uint64_t step, unsigned period_s)
{
	struct totp_replay *r = replay_find(m->totp_seen, user);

	if (r == NULL)
		return 0;
	/* Compare in seconds, so a changed totp-period still refuses reuse. */
	return step * period_s <= r->step * r->period_s;
}

static void
replay_record(struct monitor *m, const char *user, uint64_t step, unsigned period_s)
{
	uint64_t now = (uint64_t)time(NULL);
	struct totp_replay *r, **pp;
	size_t n = 0;

	/* Forget entries too old to matter; bound the rest. */
	for (pp = &m->totp_seen; (r = *pp) != NULL;) {
		if (now - r->accepted_at > TOTP_REPLAY_KEEP_S || ++n > TOTP_REPLAY_MAX) {
			*pp = r->next;
			free(r);
			continue;
		}
		pp = &r->next;
	}
	if ((r = replay_find(m->totp_seen, user)) == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return;
		snprintf(r->user, sizeof(r->user), "%s", user);
		r->next = m->totp_seen;
		m->totp_seen = r;
	}
	r->step = step;
	r->period_s = period_s;
	r->accepted_at = now;
}

void
auth_kbdint_free(struct monitor *m)
{
	struct totp_replay *r, *next;

	for (r = m->totp_seen; r != NULL; r = next) {
		next = r->next;
		free(r);
	}
	m->totp_seen = NULL;
}

/* The principal's TOTP settings; the defaults for a user the policy does
 * not know, so the prompt looks the same. */
static void
settings_for(const struct rp_principal *pr, struct rp_totp_settings *ts)
{
	struct rp_principal nobody;

	if (pr == NULL) {
		memset(&nobody, 0, sizeof(nobody));
		pr = &nobody;
	}
	rp_principal_totp(pr, ts);
}

const char *
handle_auth_kbdint(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_auth_kbdint req;
	struct rp_ipc_kbdint_prompts prompts;
	struct rp_totp_settings ts;
	struct rp_principal pr;
	const char *violation;
	int known;
	CBB cbb;

	if (!rp_ipc_auth_kbdint_read(payload, &req))
		return "malformed";
	if (!auth_start(m, c, id, req.user, RP_AUTH_KEYBOARD_INTERACTIVE, &violation))
		return violation;
	known = auth_resolve(c, &pr);
	settings_for(known ? &pr : NULL, &ts);
	memset(&prompts, 0, sizeof(prompts));
	CBS_init(&prompts.name, NULL, 0);
	CBS_init(&prompts.instruction, (const uint8_t *)ts.instruction, strlen(ts.instruction));
	prompts.nprompts = 1;
	CBS_init(&prompts.prompts[0], (const uint8_t *)ts.prompt, strlen(ts.prompt));
	prompts.echo[0] = 0;
	c->kbdint_round = 1;
	if (rp_ipc_kbdint_prompts_build(&cbb, id, &prompts))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
	if (known)
		rp_principal_clear(&pr);
	return NULL;
}

/* Is code the principal's current one-time password? reason on no. */
static int
check_code(struct monitor *m, const struct conn *c, const struct rp_principal *pr,
    const char *code, uint64_t *step, const char **reason, char *errbuf, size_t errsz)
{
	struct rp_totp_settings ts;
	uint8_t secret[RP_TOTP_SECRET_MAX];
	size_t len = 0;
	int found, ok;
	uid_t owner = m->privileged ? 0 : geteuid();

	settings_for(pr, &ts);
	errbuf[0] = '\0';
	if (pr == NULL) {
		*reason = "user not in policy";
		found = 0;
	} else if (!auth_is_next_step(c, pr, RP_AUTH_KEYBOARD_INTERACTIVE)) {
		*reason = "keyboard-interactive is not a next step of the user's auth chains";
		found = 0;
	} else if (ts.secrets == NULL) {
		*reason = "no totp-secrets file for user";
		found = 0;
	} else {
		found = rp_totp_secret_lookup(ts.secrets, owner, pr->name, secret, &len, errbuf,
		    errsz);
		if (found < 0) {
			rp_warn("totp-secrets: %s", errbuf);
			*reason = errbuf;
		} else if (found == 0) {
			*reason = "user has no TOTP secret";
		}
	}
	if (found != 1) {
		/* Same work as a real check, on a random key. */
		len = 20;
		rp_random_bytes(secret, len);
	}
	ok = rp_totp_check(ts.hash, secret, len, (uint64_t)time(NULL), ts.period_s, ts.digits,
	    ts.window, code, step);
	rp_wipe(secret, sizeof(secret));
	if (found != 1)
		return 0;
	if (!ok) {
		*reason = "wrong one-time code";
		return 0;
	}
	if (replay_seen(m, pr->name, *step, ts.period_s)) {
		*reason = "one-time code already used";
		return 0;
	}
	replay_record(m, pr->name, *step, ts.period_s);
	return 1;
}

const char *
handle_kbdint_answers(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_kbdint_answers req;
	struct auth_attempt at = { "keyboard-interactive", RP_AUTH_KEYBOARD_INTERACTIVE, "answer",
	    NULL, NULL, 0 };
	struct rp_principal pr;
	const char *reason = NULL;
	char code[16], errbuf[256];
	uint64_t step = 0;
	int known;

	if (!rp_ipc_kbdint_answers_read(payload, &req))
		return "malformed";
	if (!c->kbdint_round)
		return "keyboard-interactive answers without prompts";
	c->kbdint_round = 0;
	known = auth_resolve(c, &pr);
	if (req.nanswers != 1) {
		reason = "expected one answer";
	} else if (CBS_len(&req.answers[0]) >= sizeof(code)) {
		reason = "answer too long for a one-time code";
	} else {
		memcpy(code, CBS_data(&req.answers[0]), CBS_len(&req.answers[0]));
		code[CBS_len(&req.answers[0])] = '\0';
		if (check_code(m, c, known ? &pr : NULL, code, &step, &reason, errbuf,
		    sizeof(errbuf)))
			reason = NULL;
		rp_wipe(code, sizeof(code));
	}
	for (size_t i = 0; i < req.nanswers; i++)
		rp_wipe((void *)CBS_data(&req.answers[i]), CBS_len(&req.answers[i]));
	if (reason == NULL && known)
		(void)auth_passed(m, c, id, &pr, &at, NULL);
	else
		auth_reject(m, c, id, known ? &pr : NULL, &at, reason != NULL ? reason : "unknown");
	if (known)
		rp_principal_clear(&pr);
	return NULL;
}

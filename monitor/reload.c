/*
 * monitor/reload.c: changing the running policy (SIGHUP, `rampartctl
 * reload`), listening on and off, and shutting down.
 *
 * A reload parses and validates the whole policy first; on any error the
 * running policy stays, the error is logged, audited and returned to
 * rampartctl. On success new connections get the new policy. Connections
 * already open keep the policy they were admitted under (their exec and
 * other decisions do not change mid-session), with one exception: every
 * authenticated connection is checked again, and if the new policy no
 * longer lets that user log in with that key, it is disconnected
 * ("access revoked by a policy change") with an audit record.
 *
 * What a reload applies: rules, users, groups, keys, admission, listen
 * addresses (added ones opened, removed ones closed, unchanged ones kept),
 * limits and algorithms for new connections, the audit destination.
 * What needs a restart: host keys (clients of open connections would see a
 * different key on re-exchange) and the worker's user and chroot; a reload
 * that changes them says so in the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/ssh_msg.h"
#include "common/wire.h"
#include "crypto/hash.h"
#include "monitor/monitor.h"

#define POLICY_FILE_MAX (4 * 1024 * 1024)

struct policy_ref *
policy_ref_new(struct rp_policy *p)
{
	struct policy_ref *ref = calloc(1, sizeof(*ref));

	if (ref == NULL)
		return NULL;
	ref->policy = p;
	ref->refs = 1;
	policy_files_hash(p, ref->hash);
	auth_offered_methods(p, ref->auth_methods_all, sizeof(ref->auth_methods_all));
	auth_timing_hash(p, ref->timing_hash, sizeof(ref->timing_hash));
	return ref;
}

void
policy_ref_put(struct policy_ref *ref)
{
	if (ref == NULL || --ref->refs > 0)
		return;
	rp_policy_free(ref->policy);
	free(ref->buckets);
	free(ref);
}

void
policy_files_hash(const struct rp_policy *p, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[RP_HASH_MAX_LEN];
	CBB all;
	uint8_t *data;
	size_t len;

	strcpy(out, "unknown");
	if (!CBB_init(&all, 4096))
		return;
	/* The files in the order the parser read them, each as a string, so
	 * moving bytes between files changes the hash. */
	for (size_t i = 0; i < p->nfiles; i++) {
		int fd = open(p->files[i], O_RDONLY | O_CLOEXEC);
		uint8_t buf[8192];
		CBB child;
		ssize_t n;
		size_t total = 0;

		if (!ssh_begin_string(&all, &child))
			goto fail;
		if (fd >= 0) {
			while ((n = read(fd, buf, sizeof(buf))) > 0 && total < POLICY_FILE_MAX) {
				if (!CBB_add_bytes(&child, buf, (size_t)n)) {
					close(fd);
					goto fail;
				}
				total += (size_t)n;
			}
			close(fd);
		}
		if (!CBB_flush(&all))
			goto fail;
	}
	if (!CBB_finish(&all, &data, &len))
		goto fail;
	rp_hash(RP_HASH_SHA256, data, len, digest);
	OPENSSL_free(data);
	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = '\0';
	return;
fail:
	CBB_cleanup(&all);
}


static int
same_strings(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static void
warn_restart_only(const struct rp_policy *old, const struct rp_policy *np)
{
	int keys_differ = old->nhost_keys != np->nhost_keys;

	for (size_t i = 0; !keys_differ && i < np->nhost_keys; i++)
		keys_differ = strcmp(old->host_keys[i].path, np->host_keys[i].path) != 0;
	keys_differ |= old->nhost_certificates != np->nhost_certificates;
	for (size_t i = 0; !keys_differ && i < np->nhost_certificates; i++)
		keys_differ = strcmp(old->host_certificates[i].path,
		    np->host_certificates[i].path) != 0;
	if (keys_differ)
		rp_warn("reload: host key and host certificate changes take effect when rampartd "
		    "restarts");
	if (!same_strings(old->worker_user, np->worker_user) ||
	    !same_strings(old->worker_chroot, np->worker_chroot))
		rp_warn("reload: worker-user and worker-chroot changes take effect when rampartd "
		    "restarts");
}

static void
policy_warning(void *ctx, const char *message)
{
	(void)ctx;
	rp_warn("policy: %s", message);
}

static int
reload_policy(struct monitor *m, char *err, size_t errsz)
{
	struct rp_policy_diag diag;
	struct rp_policy *np;
	struct policy_ref *ref, *old;
	size_t revoked = 0;

	memset(&diag, 0, sizeof(diag));
	diag.warn = policy_warning;
	if (!rp_policy_load(m->policy_path, &np, &diag)) {
		snprintf(err, errsz, "%s", diag.error);
		rp_error("reload failed, keeping the running policy: %s", diag.error);
		monitor_audit_daemon(m, "reload", diag.error, 0);
		return 0;
	}
	if (!monitor_open_audit(m, np, err, errsz)) {
		rp_error("reload failed, keeping the running policy: audit log: %s", err);
		monitor_audit_daemon(m, "reload", err, 0);
		rp_policy_free(np);
		return 0;
	}
	if (m->listening && !m->shutting_down && !listeners_replace(m, np, err, errsz)) {
		rp_error("reload failed, keeping the running policy: %s", err);
		monitor_audit_daemon(m, "reload", err, 0);
		rp_policy_free(np);
		return 0;
	}
	if ((ref = policy_ref_new(np)) == NULL) {
		snprintf(err, errsz, "out of memory");
		rp_policy_free(np);
		return 0;
	}
	warn_restart_only(m->policy, np);
	if (strcmp(m->policy->control_socket, np->control_socket) != 0)
		rp_warn("reload: control-socket changes take effect when rampartd restarts");
	old = m->pref;
	m->pref = ref;
	m->policy = np;
	snprintf(m->policy_hash, sizeof(m->policy_hash), "%s", ref->hash);
	monitor_apply_settings(m);
	policy_ref_put(old);

	for (struct conn *c = m->conns; c != NULL; c = c->next) {
		char why[300];

		if (c->state != CONN_AUTHED || c->worker_pid <= 0 ||
		    auth_still_allowed(m, np, c, why, sizeof(why)))
			continue;
		rp_info("conn=%llu access of user %s revoked by the new policy: %s",
		    (unsigned long long)c->id, c->user, why);
		monitor_audit_admin(m, "revoke", c->id, why);
		conn_disconnect(m, c, SSH_DISCONNECT_BY_APPLICATION,
		    "access revoked by a policy change");
		revoked++;
	}
	rp_info("policy reloaded from %s (sha256 %s)%s", m->policy_path, m->policy_hash,
	    revoked > 0 ? "; some connections were revoked" : "");
	monitor_audit_daemon(m, "reload", NULL, 1);
	return 1;
}

int
monitor_stop_listening(struct monitor *m)
{
	if (!m->listening)
		return 0;
	listeners_close(m);
	m->listening = 0;
	rp_info("stopped listening; open connections carry on");
	return 1;
}

int
monitor_start_listening(struct monitor *m, char *err, size_t errsz)
{
	if (m->shutting_down) {
		snprintf(err, errsz, "shutting down: cannot listen again");
		return 0;
	}
	if (m->listening) {
		snprintf(err, errsz, "already listening");
		return 0;
	}
	if (!listeners_resume(m)) {
		snprintf(err, errsz, "cannot listen on the policy's addresses (see the log)");
		listeners_close(m);
		return 0;
	}
	m->listening = 1;
	return 1;
}

static void
disconnect_all(struct monitor *m)
{
	for (struct conn *c = m->conns; c != NULL; c = c->next)
		conn_disconnect(m, c, SSH_DISCONNECT_BY_APPLICATION, "server shutting down");
	m->drain_disconnected = 1;
}

int
monitor_reload(struct monitor *m, char *err, size_t errsz)
{
	int ok;

	/* systemd shows the unit as reloading until READY=1, whatever the
	 * outcome: a failed reload leaves the old policy running. */
	monitor_notify("RELOADING=1\nSTATUS=reloading the policy");
	ok = reload_policy(m, err, errsz);
	monitor_notify(ok ? "READY=1\nSTATUS=running; policy reloaded" :
	    "READY=1\nSTATUS=running; the last reload failed, the previous policy stays");
	return ok;
}

void
monitor_shutdown(struct monitor *m, uint64_t drain_ms)
{
	if (!m->shutting_down) {
		rp_info("shutting down%s", drain_ms > 0 ? " after draining" : "");
		monitor_notify("STOPPING=1\nSTATUS=shutting down");
		m->shutting_down = 1;
		if (m->listening)
			listeners_close(m);
		m->listening = 0;
	}
	if (drain_ms == 0) {
		disconnect_all(m);
		return;
	}
	m->drain_deadline_ms = monitor_now_ms() + drain_ms;
}

int
monitor_shutdown_progress(struct monitor *m)
{
	uint64_t now = monitor_now_ms();

	if (!m->shutting_down)
		return -1;
	if (!m->drain_disconnected && m->drain_deadline_ms != 0 && now >= m->drain_deadline_ms) {
		rp_info("drain time over: disconnecting %zu connections", m->nconns);
		disconnect_all(m);
	}
	if (!m->drain_disconnected && m->drain_deadline_ms > now)
		return (int)(m->drain_deadline_ms - now);
	return -1;
}

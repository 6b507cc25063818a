/*
 * monitor/kex_sign.c: signing a key exchange for a worker.
 *
 * The worker sends the parts of the exchange hash, not the hash. The monitor
 * checks them (a kex method it offers, values of the method's exact sizes,
 * its own identification string, two well-formed KEXINITs), computes the
 * hash with its own host key blob and signs that. A compromised worker can
 * therefore obtain signatures over SSH exchange hashes only, never over
 * data of its choosing. The first hash signed is the session identifier,
 * kept here for verifying userauth signatures.
 *
 * The other host-key signature is the proof a client asks for when it
 * learns new host keys (hostkeys-prove-00@openssh.com, OpenSSH's PROTOCOL
 * 2.5): over a fixed prefix, the recorded session identifier and the key,
 * never over anything the worker chooses either.
 */
#include <stdio.h>
#include <string.h>

#include "common/ipc_msg.h"
#include "common/kex.h"
#include "common/log.h"
#include "common/wire.h"
#include "crypto/secret.h"
#include "monitor/monitor.h"

/* Signatures are cheap but not free: each connection may ask for a burst
 * of KEX_SIGN_BURST and KEX_SIGN_PER_SEC a second after that, which even a
 * client with RekeyLimit=1M at full loopback speed stays under. */
#define KEX_SIGN_BURST 64
#define KEX_SIGN_PER_SEC 32
/* OpenSSH's client asks once per connection; a few more are tolerated. */
#define HOSTKEY_PROOFS_MAX 4
#define PROVE_PREFIX "hostkeys-prove-00@openssh.com"

/* The signature algorithm of an RSA host key or certificate: the hash the
 * host key algorithm names (RFC 8332; rsa-sha2-256-cert-v01 signs with
 * rsa-sha2-256). NULL for other keys, which sign with their own. */
static const char *
rsa_sig_alg(const struct hostkey *hk, const char *hostkey_alg)
{
	if (strncmp(hk->alg, "ssh-rsa", 7) != 0)
		return NULL;
	return strncmp(hostkey_alg, "rsa-sha2-256", 12) == 0 ? "rsa-sha2-256" : "rsa-sha2-512";
}

/* Token bucket: 1 when one more signature is allowed now. */
static int
kex_rate_ok(struct conn *c, uint64_t now)
{
	uint64_t refill;

	if (c->kex_count == 0)
		c->kex_tokens = KEX_SIGN_BURST;
	refill = (now - c->last_kex_ms) * KEX_SIGN_PER_SEC / 1000;
	if (c->kex_count > 0 && refill > 0) {
		c->kex_tokens = c->kex_tokens + refill > KEX_SIGN_BURST ? KEX_SIGN_BURST :
		    c->kex_tokens + (unsigned)refill;
		c->last_kex_ms = now;
	}
	if (c->kex_tokens == 0)
		return 0;
	c->kex_tokens--;
	return 1;
}

static int
starts_with(const CBS *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return CBS_len(s) >= n && memcmp(CBS_data(s), prefix, n) == 0;
}

/* refuse-client-version: the client's software version (after "SSH-2.0-"
 * or "SSH-1.99-", without comments) against the policy's patterns, at the
 * first exchange. 1 when refused: logged, audited, and DENIED answered
 * (the worker ends the connection with PROTOCOL_VERSION_NOT_SUPPORTED). */
static int
version_refused(struct monitor *m, struct conn *c, const CBS *v_c, uint32_t id)
{
	const struct rp_policy_version_pattern *v;
	char version[RP_IPC_MAX_VERSION + 1], software[RP_IPC_MAX_VERSION + 1], rule[512];
	char why[RP_IPC_MAX_VERSION + 64];
	const char *dash;
	size_t len;

	rp_log_escape(CBS_data(v_c), CBS_len(v_c), version, sizeof(version));
	/* "SSH-protoversion-softwareversion SP comments" (RFC 4253 4.2). */
	if ((dash = strchr(version + 4, '-')) == NULL)
		return 0;
	len = strcspn(dash + 1, " ");
	snprintf(software, sizeof(software), "%.*s", (int)len, dash + 1);
	if ((v = rp_policy_refused_version(c->pref->policy, software)) == NULL)
		return 0;
	snprintf(rule, sizeof(rule), "%s:%u: refuse-client-version %s", v->pos.file, v->pos.line,
	    v->pattern);
	snprintf(why, sizeof(why), "client software %s is not allowed here", software);
	rp_info("conn=%llu client version refused version=\"%s\" rule=\"%s\"",
	    (unsigned long long)c->id, version, rule);
	monitor_audit_version_refused(m, c, version, rule);
	ipc_reply_denied(m, c, id, why);
	return 1;
}

/* Group exchange: the group in the request must be the one this monitor
 * last handed out for the connection (GEX_REQUEST), for the same min, n
 * and max; it is then used up. Other methods carry no group. gex gets the
 * group for the exchange hash. */
static const char *
gex_group_check(struct conn *c, const struct rp_kex_method *method,
    const struct rp_ipc_kex_sign *req, struct rp_kex_gex *gex)
{
	const struct rp_dh_modulus *g = c->gex_group;

	if (method->kind != RP_KEX_DH_GEX) {
		if (req->gex_min != 0 || req->gex_n != 0 || req->gex_max != 0 ||
		    CBS_len(&req->gex_p) != 0 || CBS_len(&req->gex_g) != 0)
			return "group exchange fields for another method";
		return NULL;
	}
	if (g == NULL)
		return "group exchange without a group";
	if (req->gex_min != c->gex_min || req->gex_n != c->gex_n || req->gex_max != c->gex_max ||
	    !CBS_mem_equal(&req->gex_p, g->p, g->p_len) ||
	    !CBS_mem_equal(&req->gex_g, g->g, g->g_len))
		return "group exchange group is not the one handed out";
	c->gex_group = NULL;
	gex->min = req->gex_min;
	gex->n = req->gex_n;
	gex->max = req->gex_max;
	gex->p = req->gex_p;
	gex->g = req->gex_g;
	return NULL;
}

const char *
handle_kex_sign(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_kex_sign req;
	struct rp_ipc_kex_signed rep;
	struct rp_kex_hash_parts parts;
	struct rp_kexinit init;
	const struct rp_kex_method *method;
	const struct hostkey *hk;
	uint8_t h[RP_HASH_MAX_LEN];
	size_t h_len;
	uint64_t now = monitor_now_ms();
	CBB sig, reply;
	uint8_t *sig_data;
	size_t sig_len;
	const char *violation = NULL;

	if (!rp_ipc_kex_sign_read(payload, &req))
		return "malformed";
	if ((method = rp_kex_method_by_name(req.kex)) == NULL)
		return "unknown key exchange method";
	if ((hk = hostkeys_for_alg(m, req.hostkey_alg)) == NULL)
		return "no host key for that algorithm";
	memset(&parts, 0, sizeof(parts));
	if ((violation = gex_group_check(c, method, &req, &parts.gex)) != NULL)
		return violation;
	if (CBS_len(&req.q_c) != rp_kex_value_len(method, method->q_c_len, &parts.gex) ||
	    CBS_len(&req.q_s) != rp_kex_value_len(method, method->q_s_len, &parts.gex) ||
	    CBS_len(&req.k) != rp_kex_value_len(method, method->k_len, &parts.gex))
		return "key exchange values of the wrong size";
	if (!CBS_mem_equal(&req.v_s, (const uint8_t *)c->server_version,
	    strlen(c->server_version)))
		return "server identification is not ours";
	if (!starts_with(&req.v_c, "SSH-2.0-") && !starts_with(&req.v_c, "SSH-1.99-"))
		return "client identification is not SSH-2.0";
	if (!rp_kexinit_parse(CBS_data(&req.i_c), CBS_len(&req.i_c), &init) ||
	    !rp_kexinit_parse(CBS_data(&req.i_s), CBS_len(&req.i_s), &init))
		return "malformed KEXINIT";
	if (!kex_rate_ok(c, now))
		return "key exchanges faster than 32 a second";
	if (c->session_id_len == 0 && version_refused(m, c, &req.v_c, id))
		return NULL;

	parts.v_c = req.v_c;
	parts.v_s = req.v_s;
	parts.i_c = req.i_c;
	parts.i_s = req.i_s;
	CBS_init(&parts.k_s, hk->blob, hk->blob_len);
	parts.q_c = req.q_c;
	parts.q_s = req.q_s;
	parts.k = req.k;
	if (!rp_kex_exchange_hash(method, &parts, h, &h_len))
		return "exchange hash failed";
	/* The shared secret sits in our receive buffer: wipe it now. */
	rp_wipe((uint8_t *)CBS_data(&req.k), CBS_len(&req.k));

	CBB_zero(&sig);
	/* RSA signs with the negotiated hash (RFC 8332); every other key and
	 * certificate with its own algorithm. */
	if (!CBB_init(&sig, 128) || !(rsa_sig_alg(hk, req.hostkey_alg) != NULL ?
	    rp_privkey_sign_alg(hk->key, rsa_sig_alg(hk, req.hostkey_alg), h, h_len, &sig) :
	    rp_privkey_sign(hk->key, h, h_len, &sig)) ||
	    !CBB_finish(&sig, &sig_data, &sig_len)) {
		CBB_cleanup(&sig);
		rp_wipe(h, sizeof(h));
		rp_error("conn=%llu host key signature failed", (unsigned long long)c->id);
		return "signature failed";
	}
	if (c->session_id_len == 0) {
		memcpy(c->session_id, h, h_len);
		c->session_id_len = h_len;
		c->state = CONN_PREAUTH;
		rp_log_escape(CBS_data(&req.v_c), CBS_len(&req.v_c), c->client_version,
		    sizeof(c->client_version));
	}
	snprintf(c->kex_alg, sizeof(c->kex_alg), "%s", req.kex);
	snprintf(c->hostkey_alg, sizeof(c->hostkey_alg), "%s", req.hostkey_alg);
	if (c->kex_count++ == 0)
		c->last_kex_ms = now;
	rp_debug("conn=%llu signed key exchange %u (%s, %s)", (unsigned long long)c->id,
	    c->kex_count, req.kex, req.hostkey_alg);
	rp_wipe(h, sizeof(h));

	CBS_init(&rep.sig, sig_data, sig_len);
	if (rp_ipc_kex_signed_build(&reply, id, &rep))
		(void)ipc_reply(m, c, &reply, NULL, 0);
	OPENSSL_free(sig_data);
	return violation;
}

/* diffie-hellman-group-exchange (RFC 4419 3): the client's worker asks
 * for a group of min <= n <= max bits; the monitor picks one from the
 * policy's moduli file (policy/moduli.c) and remembers it, so the worker
 * can only have exchanges signed over groups the administrator chose. */
const char *
handle_gex_request(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_gex_request req;
	struct rp_ipc_gex_group rep;
	const struct rp_policy *policy = c->pref->policy;
	const struct rp_dh_modulus *g;
	char why[96];
	CBB cbb;

	if (!rp_ipc_gex_request_read(payload, &req))
		return "malformed";
	/* The worker checks the client's request the same way. */
	if (!rp_kex_gex_request_ok(req.min, req.n, req.max))
		return "group exchange request out of order";
	c->gex_group = NULL;
	if ((g = rp_moduli_choose(policy->moduli, policy->dh_group_bits, req.min, req.n,
	    req.max)) == NULL) {
		snprintf(why, sizeof(why), "no group exchange group of %u to %u bits", req.min,
		    req.max);
		rp_info("conn=%llu %s", (unsigned long long)c->id, why);
		ipc_reply_denied(m, c, id, why);
		return NULL;
	}
	c->gex_group = g;
	c->gex_min = req.min;
	c->gex_n = req.n;
	c->gex_max = req.max;
	rp_debug("conn=%llu group exchange %u<%u<%u: a %u-bit group", (unsigned long long)c->id,
	    req.min, req.n, req.max, g->bits);
	CBS_init(&rep.p, g->p, g->p_len);
	CBS_init(&rep.g, g->g, g->g_len);
	if (rp_ipc_gex_group_build(&cbb, id, &rep))
		(void)ipc_reply(m, c, &cbb, NULL, 0);
	return NULL;
}

/* The host key (not a certificate's slot) whose public blob is blob. */
static const struct hostkey *
hostkey_by_blob(const struct monitor *m, const CBS *blob)
{
	for (size_t i = 0; i < m->nhostkeys; i++)
		if (m->hostkeys[i].owns_key &&
		    CBS_mem_equal(blob, m->hostkeys[i].blob, m->hostkeys[i].blob_len))
			return &m->hostkeys[i];
	return NULL;
}

/* The proof for one key: its signature over (string PROVE_PREFIX, string
 * session identifier, string blob). RSA signs with SHA-256 when the
 * exchange used an rsa-sha2-256 algorithm, else with SHA-512. */
static int
prove_one(const struct conn *c, const struct hostkey *hk, CBB *sig)
{
	CBB data;
	uint8_t *buf;
	size_t len;
	int ok;

	if (!CBB_init(&data, 256) || !ssh_add_cstring(&data, PROVE_PREFIX) ||
	    !ssh_add_string(&data, c->session_id, c->session_id_len) ||
	    !ssh_add_string(&data, hk->blob, hk->blob_len) || !CBB_finish(&data, &buf, &len)) {
		CBB_cleanup(&data);
		return 0;
	}
	if (rsa_sig_alg(hk, c->hostkey_alg) != NULL)
		ok = rp_privkey_sign_alg(hk->key, rsa_sig_alg(hk, c->hostkey_alg), buf, len, sig);
	else
		ok = rp_privkey_sign(hk->key, buf, len, sig);
	OPENSSL_free(buf);
	return ok;
}

const char *
handle_hostkeys_prove(struct monitor *m, struct conn *c, uint32_t id, CBS *payload)
{
	struct rp_ipc_hostkeys rq, rep;
	uint8_t *sigs[RP_IPC_MAX_HOSTKEYS] = { NULL };
	size_t lens[RP_IPC_MAX_HOSTKEYS];
	const char *why = NULL;
	CBB cbb;

	if (!rp_ipc_hostkeys_prove_read(payload, &rq))
		return "malformed";
	if (c->hostkey_proofs++ >= HOSTKEY_PROOFS_MAX)
		why = "too many host key proofs on this connection";
	memset(&rep, 0, sizeof(rep));
	for (size_t i = 0; why == NULL && i < rq.n; i++) {
		const struct hostkey *hk = hostkey_by_blob(m, &rq.blobs[i]);
		CBB sig;

		if (hk == NULL) {
			why = "not a host key of this server";
			break;
		}
		if (!CBB_init(&sig, 128) || !prove_one(c, hk, &sig) ||
		    !CBB_finish(&sig, &sigs[i], &lens[i])) {
			CBB_cleanup(&sig);
			why = "signature failed";
			break;
		}
		CBS_init(&rep.blobs[i], sigs[i], lens[i]);
		rep.n = i + 1;
	}
	if (why != NULL) {
		rp_info("conn=%llu host key proof refused: %s", (unsigned long long)c->id, why);
		ipc_reply_denied(m, c, id, why);
	} else {
		rp_debug("conn=%llu proved %zu host keys", (unsigned long long)c->id, rq.n);
		if (rp_ipc_hostkeys_proved_build(&cbb, id, &rep))
			(void)ipc_reply(m, c, &cbb, NULL, 0);
	}
	for (size_t i = 0; i < RP_IPC_MAX_HOSTKEYS; i++)
		OPENSSL_free(sigs[i]);
	return NULL;
}

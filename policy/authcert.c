/*
 * policy/authcert.c: "is this user certificate good for this principal,
 * from this address, now" (OpenSSH's TrustedUserCAKeys and cert-authority
 * lines, as sshd(8) decides them).
 *
 * The checks, in the order a refusal names the first that failed:
 *
 *   1. a user certificate, not a host certificate;
 *   2. its CA is trusted for the principal: a trusted-user-ca line of the
 *      user block or a group, or a cert-authority line among its keys;
 *   3. the CA's signature (SHA-1 only when pubkey-algorithms has ssh-rsa);
 *   4. valid_after <= now < valid_before;
 *   5. critical options: force-command and source-address only, and the
 *      client in source-address;
 *   6. not revoked by the policy's revoked-keys;
 *   7. for a line that trusts the CA: the certificate names one of the
 *      line's principals (none given: the user's own name), the line's
 *      from= and expiry-time allow the login, and its command= does not
 *      differ from the certificate's force-command.
 *
 * Checks 3 to 6 are about the certificate alone and run once, when the
 * first line that trusts its CA is found. Step 7 runs for each such line
 * in turn; the first that passes decides.
 */
#include "policy/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/cert.h"
#include "crypto/krl.h"
#include "crypto/sshkey.h"

static const char *const verdict_names[] = {
	[RP_CERT_ACCEPTED] = "accepted",
	[RP_CERT_NOT_USER] = "not a user certificate",
	[RP_CERT_UNTRUSTED_CA] = "untrusted CA",
	[RP_CERT_BAD_SIGNATURE] = "bad signature",
	[RP_CERT_NOT_YET_VALID] = "not yet valid",
	[RP_CERT_EXPIRED] = "expired",
	[RP_CERT_CRITICAL_OPTION] = "critical option",
	[RP_CERT_SOURCE_ADDRESS] = "source-address",
	[RP_CERT_REVOKED] = "revoked",
	[RP_CERT_WRONG_PRINCIPAL] = "wrong principal",
	[RP_CERT_CA_LINE_REFUSED] = "refused by the CA line",
	[RP_CERT_COMMAND_CONFLICT] = "force-command conflict",
	[RP_CERT_ERROR] = "error",
};

const char *
rp_cert_verdict_name(enum rp_cert_verdict verdict)
{
	if ((unsigned)verdict >= RP_NELEM(verdict_names))
		return "unknown";
	return verdict_names[verdict];
}

void
rp_cert_decision_clear(struct rp_cert_decision *decision)
{
	rp_key_source_clear(&decision->source);
}

/* --- the certificate alone ---------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit;
} extensions[] = {
	{ "permit-X11-forwarding", RP_PERMIT_X11_FORWARDING },
	{ "permit-agent-forwarding", RP_PERMIT_AGENT_FORWARDING },
	{ "permit-port-forwarding", RP_PERMIT_PORT_FORWARDING },
	{ "permit-pty", RP_PERMIT_PTY },
	{ "permit-user-rc", RP_PERMIT_USER_RC },
};

/* The extensions as RP_PERMIT_* bits; others are ignored, as in OpenSSH. */
static unsigned
extension_bits(const struct rp_cert *cert)
{
	unsigned bits = 0;

	for (size_t i = 0; i < rp_cert_nextensions(cert); i++)
		for (size_t k = 0; k < RP_NELEM(extensions); k++)
			if (strcmp(rp_cert_extension_name(cert, i), extensions[k].name) == 0)
				bits |= extensions[k].bit;
	return bits;
}

/* The key id, printable: bytes outside ' '..'~' and '\' as \xNN. */
static void
escape_key_id(const struct rp_cert *cert, char *out, size_t outsz)
{
	const uint8_t *id;
	size_t len, off = 0;

	rp_cert_key_id(cert, &id, &len);
	for (size_t i = 0; i < len && off + 5 <= outsz; i++) {
		if (id[i] >= 0x20 && id[i] < 0x7f && id[i] != '\\')
			out[off++] = (char)id[i];
		else
			off += (size_t)snprintf(out + off, outsz - off, "\\x%02x", id[i]);
	}
	out[off] = '\0';
}

static const char *
utc_text(uint64_t t, char *buf, size_t bufsz)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t > (uint64_t)INT64_MAX || gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, bufsz, "forever");
		return buf;
	}
	strftime(buf, bufsz, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return buf;
}

/* Is `from` in source-address's comma-separated CIDR list? -1 when the list
 * is invalid. */
static int
source_address_matches(const char *list, const struct rp_addr *from, char *bad, size_t badsz)
{
	const char *s = list;
	int match = 0;

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		struct rp_cidr cidr;
		const char *why;
		char item[64];
		if (len == 0 || len >= sizeof(item)) {
			snprintf(bad, badsz, "%.*s", (int)(len > 40 ? 40 : len), s);
			return -1;
		}
		memcpy(item, s, len);
		item[len] = '\0';
		if (!rp_cidr_parse(item, &cidr, &why)) {
			snprintf(bad, badsz, "%s", item);
			return -1;
		}
		match |= from != NULL && rp_cidr_contains(&cidr, from);
		if (comma == NULL)
			return match;
		s = comma + 1;
	}
}

static int
refuse(struct rp_cert_decision *out, enum rp_cert_verdict verdict, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
refuse(struct rp_cert_decision *out, enum rp_cert_verdict verdict, const char *fmt, ...)
{
	va_list ap;

	out->verdict = verdict;
	va_start(ap, fmt);
	vsnprintf(out->source.reason, sizeof(out->source.reason), fmt, ap);
	va_end(ap);
	return 0;
}

static int
list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *s = list; s != NULL && *s != '\0';) {
		const char *comma = strchr(s, ',');
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (len == n && strncmp(s, name, n) == 0)
			return 1;
		s = comma != NULL ? comma + 1 : NULL;
	}
	return 0;
}

/* Checks 3 to 6. Returns 1, or 0 with the verdict set. */
static int
cert_checks(const struct rp_policy *policy, const struct rp_cert *cert,
    const struct rp_addr *from, time_t now, struct rp_cert_decision *out)
{
	int sha1 = list_has(policy->pubkey_algorithms, "ssh-rsa");
	uint64_t t = now < 0 ? 0 : (uint64_t)now;
	const char *source = NULL;
	char a[64], bad[64], when[40];
	int m;

	if (!rp_cert_verify(cert, sha1))
		return refuse(out, RP_CERT_BAD_SIGNATURE, "the CA's signature does not verify%s",
		    sha1 ? "" : " (or is SHA-1, which pubkey-algorithms does not enable)");
	if (t < rp_cert_valid_after(cert))
		return refuse(out, RP_CERT_NOT_YET_VALID, "not valid before %s",
		    utc_text(rp_cert_valid_after(cert), when, sizeof(when)));
	if (t >= rp_cert_valid_before(cert))
		return refuse(out, RP_CERT_EXPIRED, "expired at %s",
		    utc_text(rp_cert_valid_before(cert), when, sizeof(when)));
	for (size_t i = 0; i < rp_cert_ncritical(cert); i++) {
		const char *name = rp_cert_critical_name(cert, i);
		if (strcmp(name, "source-address") == 0)
			source = rp_cert_critical_value(cert, i);
		else if (strcmp(name, "force-command") != 0)
			return refuse(out, RP_CERT_CRITICAL_OPTION, "unknown critical option "
			    "'%.60s'", name);
	}
	if (source != NULL) {
		if ((m = source_address_matches(source, from, bad, sizeof(bad))) < 0)
			return refuse(out, RP_CERT_CRITICAL_OPTION, "invalid source-address '%s'",
			    bad);
		if (!m && from == NULL)
			return refuse(out, RP_CERT_SOURCE_ADDRESS, "source-address %.100s and the "
			    "client address is unknown", source);
		if (!m)
			return refuse(out, RP_CERT_SOURCE_ADDRESS, "source-address %.100s does not "
			    "allow %s", source, rp_addr_format(from, a, sizeof(a)));
	}
	if (policy->krl != NULL && rp_krl_cert_revoked(policy->krl, cert)) {
		const char *what = "by serial or key id";
		if (rp_krl_key_revoked(policy->krl, rp_cert_key(cert)))
			what = "its key";
		else if (rp_krl_key_revoked(policy->krl, rp_cert_ca(cert)))
			what = "its CA";
		return refuse(out, RP_CERT_REVOKED, "revoked (%s) by %s", what,
		    policy->revoked_keys);
	}
	return 1;
}

static const char *
force_command(const struct rp_cert *cert)
{
	for (size_t i = 0; i < rp_cert_ncritical(cert); i++)
		if (strcmp(rp_cert_critical_name(cert, i), "force-command") == 0)
			return rp_cert_critical_value(cert, i);
	return NULL;
}

/* --- the lines that trust a CA --------------------------------------------------- */

struct cert_ctx {
	const struct rp_policy *policy;
	const struct rp_principal *pr;
	const struct rp_cert *cert;
	const struct rp_addr *from;
	time_t now;
	struct rp_cert_decision *out;
	int trusted;  /* a line names the CA */
	int checked;  /* checks 3 to 6 ran */
	int failed;   /* and refused: out has the verdict */
	enum rp_cert_verdict first;     /* the first line's refusal */
	char first_reason[256];
};

static int
names_a_principal(const struct rp_cert *cert, char *const *allowed, size_t nallowed,
    const char *user)
{
	for (size_t i = 0; i < rp_cert_nprincipals(cert); i++) {
		const char *p = rp_cert_principal(cert, i);
		if (nallowed == 0 && strcmp(p, user) == 0)
			return 1;
		for (size_t k = 0; k < nallowed; k++)
			if (strcmp(p, allowed[k]) == 0)
				return 1;
	}
	return 0;
}

static void
line_refused(struct cert_ctx *c, enum rp_cert_verdict verdict, const char *why)
{
	if (c->first != RP_CERT_ACCEPTED)
		return;
	c->first = verdict;
	snprintf(c->first_reason, sizeof(c->first_reason), "%s", why);
}

/* Step 7 for one line whose key is the certificate's CA. Returns 1 when
 * it accepts, 0 to try the next line, -1 to stop (a failed check of the
 * certificate itself, or out of memory). */
static int
try_line(struct cert_ctx *c, const struct rp_key_line *line, char *const *principals,
    size_t nprincipals)
{
	struct rp_key_source *src = &c->out->source;
	const char *cert_cmd = force_command(c->cert);
	const struct rp_key_options *o = line->options;
	char why[256];

	c->trusted = 1;
	if (!c->checked) {
		c->checked = 1;
		if (!cert_checks(c->policy, c->cert, c->from, c->now, c->out)) {
			c->failed = 1;
			return -1;
		}
	}
	if (!names_a_principal(c->cert, principals, nprincipals, c->pr->name)) {
		if (nprincipals == 0)
			snprintf(why, sizeof(why), "the certificate does not name %s (%s:%u "
			    "lists no principals)", c->pr->name, line->pos.file, line->pos.line);
		else
			snprintf(why, sizeof(why), "the certificate names none of the "
			    "principals of %s:%u", line->pos.file, line->pos.line);
		line_refused(c, RP_CERT_WRONG_PRINCIPAL, why);
		return 0;
	}
	if (!rp_key_line_usable(line, c->from, c->now, why, sizeof(why))) {
		line_refused(c, RP_CERT_CA_LINE_REFUSED, why);
		return 0;
	}
	if (cert_cmd != NULL && o->command != NULL && strcmp(cert_cmd, o->command) != 0) {
		snprintf(why, sizeof(why), "the certificate's force-command and command= of %s:%u "
		    "differ", line->pos.file, line->pos.line);
		line_refused(c, RP_CERT_COMMAND_CONFLICT, why);
		return 0;
	}
	/* The session's options: the line's, with the certificate's. */
	if (!rp_key_options_copy(&src->options, o))
		return -1;
	src->options.permit &= extension_bits(c->cert);
	if (cert_cmd != NULL && src->options.command == NULL &&
	    (src->options.command = strdup(cert_cmd)) == NULL)
		return -1;
	src->options.cert_authority = 0;
	rp_strings_free(src->options.principals, src->options.nprincipals);
	src->options.principals = NULL;
	src->options.nprincipals = 0;
	snprintf(src->file, sizeof(src->file), "%s", line->pos.file);
	src->pos = line->pos;
	src->pos.file = src->file;
	src->block = line->block;
	return 1;
}

static int
key_line(void *ctx, const struct rp_key_line *line)
{
	struct cert_ctx *c = ctx;
	const struct rp_key_options *o = line->options;

	if (!o->cert_authority || !rp_pubkey_equal(line->key, rp_cert_ca(c->cert)))
		return 0;
	return try_line(c, line, o->principals, o->nprincipals);
}

/* The trusted-user-ca lines of the user block, then of the groups. */
static int
ca_lines(struct cert_ctx *c)
{
	const struct rp_principal *pr = c->pr;
	struct rp_key_options none;
	int rc;

	rp_key_options_init(&none);
	for (size_t i = 0; i < (pr->user != NULL) + pr->ngroups; i++) {
		const struct rp_block *b = pr->user != NULL && i == 0 ? pr->user->block :
		    pr->groups[i - (pr->user != NULL)]->block;
		for (size_t k = 0; k < b->ncas; k++) {
			const struct rp_user_ca *ca = &b->cas[k];
			for (size_t j = 0; j < ca->nkeys; j++) {
				struct rp_key_line line;
				if (!rp_pubkey_equal(ca->keys[j].key, rp_cert_ca(c->cert)))
					continue;
				line.key = ca->keys[j].key;
				line.options = &none;
				line.pos = ca->keys[j].pos;
				line.block = b->label;
				if ((rc = try_line(c, &line, ca->principals, ca->nprincipals)) != 0)
					return rc;
			}
		}
	}
	return 0;
}

int
rp_policy_authorize_cert(const struct rp_policy *policy,
    const struct rp_principal *principal, const struct rp_cert *cert,
    const struct rp_account *acct, const struct rp_addr *from, time_t now,
    struct rp_policy_diag *diag, struct rp_cert_decision *out)
{
	struct cert_ctx c;
	char fp[64];
	int rc;

	memset(out, 0, sizeof(*out));
	rp_key_options_init(&out->source.options);
	out->serial = rp_cert_serial(cert);
	escape_key_id(cert, out->key_id, sizeof(out->key_id));
	if (rp_cert_type(cert) != RP_CERT_USER)
		return refuse(out, RP_CERT_NOT_USER, "a host certificate, not a user certificate");
	memset(&c, 0, sizeof(c));
	c.policy = policy;
	c.pr = principal;
	c.cert = cert;
	c.from = from;
	c.now = now;
	c.out = out;
	if ((rc = ca_lines(&c)) == 0)
		rc = rp_principal_key_lines(principal, acct, diag, key_line, &c);
	if (rc == 1)
		return 1;
	rp_key_source_clear(&out->source);
	if (c.failed)
		return 0;
	if (rc < 0)
		return refuse(out, RP_CERT_ERROR, "out of memory");
	if (!c.trusted) {
		if (!rp_pubkey_fingerprint(rp_cert_ca(cert), fp, sizeof(fp)))
			snprintf(fp, sizeof(fp), "(no fingerprint)");
		return refuse(out, RP_CERT_UNTRUSTED_CA, "CA %s is not trusted for %s", fp,
		    principal->name);
	}
	return refuse(out, c.first, "%s", c.first_reason);
}

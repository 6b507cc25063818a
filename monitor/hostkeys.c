/*
 * monitor/hostkeys.c: loading the host keys named by the policy. Only the
 * monitor ever holds the private halves; workers get the public blobs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/log.h"
#include "crypto/cert.h"
#include "crypto/encoding.h"
#include "crypto/keyfile.h"
#include "monitor/monitor.h"

/* A host certificate file is one line as ssh-keygen -s writes it. */
#define HOST_CERT_FILE_MAX 65536

static int
load_one(struct monitor *m, const struct rp_policy_hostkey *hk)
{
	struct hostkey *slot;
	struct rp_privkey *key;
	struct stat st;
	char err[256];
	CBB cbb;

	if (stat(hk->path, &st) != 0) {
		rp_error("%s:%u: host key %s: %s", hk->pos.file, hk->pos.line, hk->path,
		    strerror(errno));
		return 0;
	}
	/* As sshd: a private key others can read is not a secret any more. */
	if ((st.st_mode & 077) != 0) {
		rp_error("%s:%u: host key %s is readable or writable by others (mode %04o); "
		    "run: chmod 600 %s", hk->pos.file, hk->pos.line, hk->path,
		    (unsigned)(st.st_mode & 07777), hk->path);
		return 0;
	}
	if (!rp_privkey_load_file(hk->path, &key, NULL, err, sizeof(err))) {
		rp_error("%s:%u: host key %s: %s", hk->pos.file, hk->pos.line, hk->path, err);
		return 0;
	}
	const char *alg = rp_key_type_name(rp_pubkey_type(rp_privkey_public(key)));
	if (hostkeys_find(m, alg) != NULL) {
		rp_error("%s:%u: host key %s: a second %s key (one per algorithm)",
		    hk->pos.file, hk->pos.line, hk->path, alg);
		rp_privkey_free(key);
		return 0;
	}
	if (m->nhostkeys == MAX_HOSTKEYS) {
		rp_error("%s:%u: more than %d host keys", hk->pos.file, hk->pos.line, MAX_HOSTKEYS);
		rp_privkey_free(key);
		return 0;
	}
	slot = &m->hostkeys[m->nhostkeys];
	memset(slot, 0, sizeof(*slot));
	if (!CBB_init(&cbb, 64) || !rp_pubkey_to_blob(rp_privkey_public(key), &cbb) ||
	    !CBB_finish(&cbb, &slot->blob, &slot->blob_len) ||
	    (slot->path = strdup(hk->path)) == NULL) {
		CBB_cleanup(&cbb);
		OPENSSL_free(slot->blob);
		rp_privkey_free(key);
		rp_error("out of memory");
		return 0;
	}
	slot->key = key;
	slot->owns_key = 1;
	slot->alg = alg;
	rp_pubkey_fingerprint(rp_privkey_public(key), slot->fingerprint,
	    sizeof(slot->fingerprint));
	m->nhostkeys++;
	rp_info("host key %s %s %s", hk->path, alg, slot->fingerprint);
	return 1;
}

/* Read the certificate in the one-line file at path ("TYPE BASE64
 * [comment]"). */
static int
read_cert_file(const char *path, struct rp_cert **out, char *err, size_t errsz)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, *type, *b64, *save = NULL;
	size_t cap = 0;
	ssize_t n;
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	const char *why = NULL;
	int ok = 0;

	*out = NULL;
	if (f == NULL) {
		snprintf(err, errsz, "%s", strerror(errno));
		return 0;
	}
	/* The first line that is not blank or a comment. */
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n > HOST_CERT_FILE_MAX) {
			snprintf(err, errsz, "line longer than %d bytes", HOST_CERT_FILE_MAX);
			goto out;
		}
		type = strtok_r(line, " \t\r\n", &save);
		if (type != NULL && type[0] != '#')
			break;
	}
	if (n < 0) {
		snprintf(err, errsz, "no certificate in the file");
		goto out;
	}
	if (!rp_cert_is_cert_type(type)) {
		snprintf(err, errsz, "%s is not a certificate type", type);
		goto out;
	}
	if ((b64 = strtok_r(NULL, " \t\r\n", &save)) == NULL ||
	    !rp_base64_decode(b64, strlen(b64), &blob, &blob_len)) {
		snprintf(err, errsz, "invalid base64");
		goto out;
	}
	if (!rp_cert_from_blob(blob, blob_len, out, &why)) {
		snprintf(err, errsz, "%s", why != NULL ? why : "malformed certificate");
		goto out;
	}
	if (strcmp(rp_cert_type_name(*out), type) != 0) {
		snprintf(err, errsz, "type word %s does not match the certificate", type);
		rp_cert_free(*out);
		*out = NULL;
		goto out;
	}
	ok = 1;
out:
	free(line);
	free(blob);
	fclose(f);
	return ok;
}

/* Offer the host key a certificate certifies under the certificate's
 * algorithm as well: clients that trust the CA need no known_hosts line. */
static int
load_cert(struct monitor *m, const struct rp_policy_hostkey *hc)
{
	struct rp_cert *cert;
	struct hostkey *slot, *owner = NULL;
	const uint8_t *blob;
	size_t blob_len;
	char err[256];
	uint64_t now = (uint64_t)time(NULL);

	if (!read_cert_file(hc->path, &cert, err, sizeof(err))) {
		rp_error("%s:%u: host certificate %s: %s", hc->pos.file, hc->pos.line, hc->path,
		    err);
		return 0;
	}
	for (size_t i = 0; i < m->nhostkeys && owner == NULL; i++)
		if (m->hostkeys[i].owns_key &&
		    rp_pubkey_equal(rp_privkey_public(m->hostkeys[i].key), rp_cert_key(cert)))
			owner = &m->hostkeys[i];
	if (rp_cert_type(cert) != RP_CERT_HOST)
		snprintf(err, sizeof(err), "it is a user certificate, not a host certificate");
	else if (owner == NULL)
		snprintf(err, sizeof(err), "it certifies none of the host keys");
	else if (!rp_cert_verify(cert, 0))
		snprintf(err, sizeof(err), "the CA's signature does not verify");
	else if (hostkeys_find(m, rp_cert_type_name(cert)) != NULL)
		snprintf(err, sizeof(err), "a second %s", rp_cert_type_name(cert));
	else if (m->nhostkeys == MAX_HOSTKEYS)
		snprintf(err, sizeof(err), "more than %d host keys and certificates", MAX_HOSTKEYS);
	else
		err[0] = '\0';
	if (err[0] != '\0') {
		rp_error("%s:%u: host certificate %s: %s", hc->pos.file, hc->pos.line, hc->path,
		    err);
		rp_cert_free(cert);
		return 0;
	}
	/* As sshd: serve it anyway, but say so; clients will refuse it. */
	if (now < rp_cert_valid_after(cert) || now >= rp_cert_valid_before(cert))
		rp_warn("%s:%u: host certificate %s is not valid now (valid from %llu to %llu); "
		    "clients that check it will refuse it", hc->pos.file, hc->pos.line, hc->path,
		    (unsigned long long)rp_cert_valid_after(cert),
		    (unsigned long long)rp_cert_valid_before(cert));
	slot = &m->hostkeys[m->nhostkeys];
	memset(slot, 0, sizeof(*slot));
	rp_cert_blob(cert, &blob, &blob_len);
	if ((slot->blob = OPENSSL_memdup(blob, blob_len)) == NULL ||
	    (slot->path = strdup(hc->path)) == NULL) {
		OPENSSL_free(slot->blob);
		rp_cert_free(cert);
		rp_error("out of memory");
		return 0;
	}
	slot->blob_len = blob_len;
	/* The certified key signs, with its own algorithm (PROTOCOL.certkeys);
	 * the slot borrows it from its owner. */
	slot->key = owner->key;
	slot->owns_key = 0;
	slot->cert = cert;
	slot->alg = rp_cert_type_name(cert);
	snprintf(slot->fingerprint, sizeof(slot->fingerprint), "%s", owner->fingerprint);
	m->nhostkeys++;
	rp_info("host certificate %s %s for %s (serial %llu)", hc->path, slot->alg,
	    owner->fingerprint, (unsigned long long)rp_cert_serial(cert));
	return 1;
}

int
hostkeys_load(struct monitor *m)
{
	size_t off = 0;

	for (size_t i = 0; i < m->policy->nhost_keys; i++)
		if (!load_one(m, &m->policy->host_keys[i]))
			return 0;
	for (size_t i = 0; i < m->policy->nhost_certificates; i++)
		if (!load_cert(m, &m->policy->host_certificates[i]))
			return 0;
	if (m->nhostkeys == 0) {
		rp_error("the policy names no host key");
		return 0;
	}
	m->hostkey_algs[0] = '\0';
	for (size_t i = 0; i < m->nhostkeys; i++) {
		int n = snprintf(m->hostkey_algs + off, sizeof(m->hostkey_algs) - off, "%s%s",
		    i > 0 ? "," : "", m->hostkeys[i].alg);

		if (n < 0 || (size_t)n >= sizeof(m->hostkey_algs) - off)
			return 0;
		off += (size_t)n;
	}
	return 1;
}

void
hostkeys_free(struct monitor *m)
{
	for (size_t i = 0; i < m->nhostkeys; i++) {
		if (m->hostkeys[i].owns_key)
			rp_privkey_free(m->hostkeys[i].key);
		rp_cert_free(m->hostkeys[i].cert);
		OPENSSL_free(m->hostkeys[i].blob);
		free(m->hostkeys[i].path);
	}
	m->nhostkeys = 0;
}

const struct hostkey *
hostkeys_find(const struct monitor *m, const char *alg)
{
	for (size_t i = 0; i < m->nhostkeys; i++)
		if (strcmp(m->hostkeys[i].alg, alg) == 0)
			return &m->hostkeys[i];
	return NULL;
}

int
hostkey_signs_as(const struct hostkey *hk, const char *alg)
{
	/* An RSA key ("ssh-rsa") serves both SHA-2 algorithms (RFC 8332), and
	 * an RSA certificate both SHA-2 certificate algorithms
	 * (PROTOCOL.certkeys); SHA-1 ssh-rsa host signatures are not offered. */
	if (strcmp(hk->alg, "ssh-rsa") == 0)
		return strcmp(alg, "rsa-sha2-512") == 0 || strcmp(alg, "rsa-sha2-256") == 0;
	if (strcmp(hk->alg, "ssh-rsa-cert-v01@openssh.com") == 0)
		return strcmp(alg, "rsa-sha2-512-cert-v01@openssh.com") == 0 ||
		    strcmp(alg, "rsa-sha2-256-cert-v01@openssh.com") == 0;
	return strcmp(hk->alg, alg) == 0;
}

const struct hostkey *
hostkeys_for_alg(const struct monitor *m, const char *alg)
{
	for (size_t i = 0; i < m->nhostkeys; i++)
		if (hostkey_signs_as(&m->hostkeys[i], alg))
			return &m->hostkeys[i];
	return NULL;
}

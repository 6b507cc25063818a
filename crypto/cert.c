/*
 * crypto/cert.c: OpenSSH certificates, as OpenSSH's PROTOCOL.certkeys
 * defines them:
 *
 *     string  "ssh-ed25519-cert-v01@openssh.com" (or ecdsa-sha2-nistpNNN-,
 *             ssh-rsa-)
 *     string  nonce
 *     ...     the certified key's fields, as in its plain blob
 *     uint64  serial
 *     uint32  type                1 user, 2 host
 *     string  key id
 *     string  valid principals    strings packed inside
 *     uint64  valid after
 *     uint64  valid before
 *     string  critical options    (string name, string data) tuples
 *     string  extensions          the same
 *     string  reserved
 *     string  signature key       the CA's plain public key blob
 *     string  signature           over everything above, signature key included
 *
 * Option and extension names must be in strictly increasing (byte) order,
 * which also refuses duplicates. Their data is empty for flags or a string
 * for values (force-command's command, source-address's list); the value
 * is kept as text. Everything is parsed exactly: any byte missing or left
 * over refuses the certificate with a reason.
 */
#include "crypto/cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wire.h"
#include "crypto/sshkey_internal.h"

#define CERT_SUFFIX "-cert-v01@openssh.com"
/* Longer than any certificate type or algorithm name. */
#define NAME_MAX_LEN 64
/* Bounds on one principal, one option name and one option value. */
#define PRINCIPAL_MAX_LEN 1024
#define OPTION_NAME_MAX_LEN 256
#define OPTION_VALUE_MAX_LEN 8192

struct cert_option {
	char *name;
	char *value;
};

struct rp_cert {
	uint8_t *blob;
	size_t blob_len;
	size_t signed_len;              /* the bytes the CA signed */
	char type_name[NAME_MAX_LEN];
	struct rp_pubkey *key;
	struct rp_pubkey *ca;
	enum rp_cert_type type;
	uint64_t serial;
	size_t key_id_off, key_id_len;  /* within blob */
	char **principals;
	size_t nprincipals;
	uint64_t valid_after, valid_before;
	struct cert_option *critical;
	size_t ncritical;
	struct cert_option *extensions;
	size_t nextensions;
	char sig_alg[NAME_MAX_LEN];
	size_t sig_off, sig_len;        /* the signature blob, within blob */
};

/* Certificate key types, and the userauth algorithms naming certificates. */
static const struct {
	const char *name;
	enum rp_key_type key_type;
} cert_types[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", RP_KEY_ED25519 },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", RP_KEY_ECDSA_P256 },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", RP_KEY_ECDSA_P384 },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", RP_KEY_ECDSA_P521 },
	{ "ssh-rsa-cert-v01@openssh.com", RP_KEY_RSA },
};
#define NCERT_TYPES (sizeof(cert_types) / sizeof(cert_types[0]))

static const struct {
	const char *auth_alg;
	const char *sig_alg;
} cert_auth_algs[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519" },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256" },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384" },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521" },
	{ "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512" },
	{ "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-256" },
	{ "ssh-rsa-cert-v01@openssh.com", "ssh-rsa" },
};

static int
cert_key_type(const char *name, enum rp_key_type *out)
{
	for (size_t i = 0; i < NCERT_TYPES; i++) {
		if (strcmp(cert_types[i].name, name) == 0) {
			*out = cert_types[i].key_type;
			return 1;
		}
	}
	return 0;
}

int
rp_cert_is_cert_type(const char *name)
{
	enum rp_key_type type;

	return cert_key_type(name, &type);
}

int
rp_cert_auth_sig_alg(const char *auth_alg, char *out, size_t outsz)
{
	for (size_t i = 0; i < sizeof(cert_auth_algs) / sizeof(cert_auth_algs[0]); i++) {
		if (strcmp(cert_auth_algs[i].auth_alg, auth_alg) == 0) {
			if (strlen(cert_auth_algs[i].sig_alg) >= outsz)
				return 0;
			strcpy(out, cert_auth_algs[i].sig_alg);
			return 1;
		}
	}
	return 0;
}

static void
free_options(struct cert_option *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(opts[i].name);
		free(opts[i].value);
	}
	free(opts);
}

void
rp_cert_free(struct rp_cert *cert)
{
	if (cert == NULL)
		return;
	free(cert->blob);
	rp_pubkey_free(cert->key);
	rp_pubkey_free(cert->ca);
	for (size_t i = 0; i < cert->nprincipals; i++)
		free(cert->principals[i]);
	free(cert->principals);
	free_options(cert->critical, cert->ncritical);
	free_options(cert->extensions, cert->nextensions);
	free(cert);
}

/* A malloc'd NUL-terminated copy of s, which must hold no NUL byte. */
static char *
text_dup(const CBS *s)
{
	char *out;

	if (CBS_contains_zero_byte(s) || (out = malloc(CBS_len(s) + 1)) == NULL)
		return NULL;
	if (CBS_len(s) > 0)
		memcpy(out, CBS_data(s), CBS_len(s));
	out[CBS_len(s)] = '\0';
	return out;
}

static int
parse_principals(CBS list, struct rp_cert *cert, const char **err)
{
	CBS p;

	while (CBS_len(&list) > 0) {
		if (!ssh_get_string(&list, &p)) {
			*err = "malformed principals";
			return 0;
		}
		if (cert->nprincipals == RP_CERT_MAX_PRINCIPALS) {
			*err = "too many principals";
			return 0;
		}
		if (CBS_len(&p) > PRINCIPAL_MAX_LEN) {
			*err = "principal too long";
			return 0;
		}
		if (CBS_contains_zero_byte(&p)) {
			*err = "principal contains a NUL byte";
			return 0;
		}
		if (cert->principals == NULL &&
		    (cert->principals = calloc(RP_CERT_MAX_PRINCIPALS, sizeof(char *))) == NULL) {
			*err = "out of memory";
			return 0;
		}
		if ((cert->principals[cert->nprincipals] = text_dup(&p)) == NULL) {
			*err = "out of memory";
			return 0;
		}
		cert->nprincipals++;
	}
	return 1;
}

/* a < b as byte strings, a shorter prefix first. */
static int
name_before(const CBS *a, const CBS *b)
{
	size_t n = CBS_len(a) < CBS_len(b) ? CBS_len(a) : CBS_len(b);
	int c = memcmp(CBS_data(a), CBS_data(b), n);

	return c < 0 || (c == 0 && CBS_len(a) < CBS_len(b));
}

/*
 * Critical options or extensions: (string name, string data) tuples, names
 * in strictly increasing order. data is empty (a flag) or exactly one
 * string, the value. what is "critical option" or "extension".
 */
static int
parse_options(CBS list, struct cert_option **out, size_t *nout, const char *what,
    const char **err)
{
	struct cert_option *opts = NULL;
	size_t n = 0;
	CBS name, data, value, prev;

	*out = NULL;
	*nout = 0;
	CBS_init(&prev, NULL, 0);
	while (CBS_len(&list) > 0) {
		if (!ssh_get_string(&list, &name) || !ssh_get_string(&list, &data)) {
			*err = rp_key_reason("malformed %ss", what);
			goto fail;
		}
		if (n == RP_CERT_MAX_OPTIONS) {
			*err = rp_key_reason("too many %ss", what);
			goto fail;
		}
		if (CBS_len(&name) == 0 || CBS_len(&name) > OPTION_NAME_MAX_LEN ||
		    CBS_contains_zero_byte(&name)) {
			*err = rp_key_reason("malformed %s name", what);
			goto fail;
		}
		if (n > 0 && !name_before(&prev, &name)) {
			*err = rp_key_reason("%ss out of order or repeated", what);
			goto fail;
		}
		prev = name;
		if (CBS_len(&data) == 0) {
			CBS_init(&value, NULL, 0);
		} else if (!ssh_get_string(&data, &value) || CBS_len(&data) != 0) {
			*err = rp_key_reason("malformed %s data", what);
			goto fail;
		}
		if (CBS_len(&value) > OPTION_VALUE_MAX_LEN || CBS_contains_zero_byte(&value)) {
			*err = rp_key_reason("%s value too long or holding a NUL byte", what);
			goto fail;
		}
		if (opts == NULL &&
		    (opts = calloc(RP_CERT_MAX_OPTIONS, sizeof(*opts))) == NULL) {
			*err = "out of memory";
			goto fail;
		}
		if ((opts[n].name = text_dup(&name)) == NULL ||
		    (opts[n].value = text_dup(&value)) == NULL) {
			n++;
			*err = "out of memory";
			goto fail;
		}
		n++;
	}
	*out = opts;
	*nout = n;
	return 1;
fail:
	free_options(opts, n);
	return 0;
}

/* The CA key: a plain key, never a certificate. */
static int
parse_ca(CBS ca, struct rp_cert *cert, const char **err)
{
	CBS peek = ca, name;
	const char *why;
	char copy[128];

	if (ssh_get_string(&peek, &name) && CBS_len(&name) >= strlen(CERT_SUFFIX) &&
	    memcmp(CBS_data(&name) + CBS_len(&name) - strlen(CERT_SUFFIX), CERT_SUFFIX,
	    strlen(CERT_SUFFIX)) == 0) {
		*err = "CA key is itself a certificate";
		return 0;
	}
	if (!rp_pubkey_parse_blob(CBS_data(&ca), CBS_len(&ca), &cert->ca, &why)) {
		/* why may be in the buffer rp_key_reason writes to. */
		snprintf(copy, sizeof(copy), "%s", why);
		*err = rp_key_reason("CA key refused: %s", copy);
		return 0;
	}
	return 1;
}

/* Structure of the signature blob: string alg, string signature, nothing
 * else; the algorithm must suit the CA key. rp_cert_verify checks it. */
static int
parse_signature(CBS sig, struct rp_cert *cert, const char **err)
{
	CBS s;

	if (!ssh_get_name(&sig, cert->sig_alg, sizeof(cert->sig_alg), 0) ||
	    !ssh_get_string(&sig, &s) || CBS_len(&sig) != 0) {
		*err = "malformed signature";
		return 0;
	}
	if (!rp_sig_alg_suits(rp_pubkey_type(cert->ca), cert->sig_alg)) {
		*err = "signature algorithm does not suit the CA key";
		return 0;
	}
	return 1;
}

static int
parse_cert(struct rp_cert *cert, const char **err)
{
	CBS cbs, peek, nonce, key_id, principals, critical, extensions, reserved, ca, sig;
	enum rp_key_type kt;
	uint32_t type;

	CBS_init(&cbs, cert->blob, cert->blob_len);
	peek = cbs;
	if (!ssh_get_string(&peek, &nonce)) {
		*err = "truncated certificate";
		return 0;
	}
	if (!ssh_get_name(&cbs, cert->type_name, sizeof(cert->type_name), 0) ||
	    !cert_key_type(cert->type_name, &kt)) {
		*err = "not a supported certificate type";
		return 0;
	}
	if (!ssh_get_string(&cbs, &nonce)) {
		*err = "truncated certificate";
		return 0;
	}
	if (!rp_pubkey_parse_fields(kt, &cbs, &cert->key, err))
		return 0;
	if (!CBS_get_u64(&cbs, &cert->serial) || !CBS_get_u32(&cbs, &type) ||
	    !ssh_get_string(&cbs, &key_id) || !ssh_get_string(&cbs, &principals) ||
	    !CBS_get_u64(&cbs, &cert->valid_after) || !CBS_get_u64(&cbs, &cert->valid_before) ||
	    !ssh_get_string(&cbs, &critical) || !ssh_get_string(&cbs, &extensions) ||
	    !ssh_get_string(&cbs, &reserved) || !ssh_get_string(&cbs, &ca)) {
		*err = "truncated certificate";
		return 0;
	}
	cert->signed_len = cert->blob_len - CBS_len(&cbs);
	if (!ssh_get_string(&cbs, &sig)) {
		*err = "truncated certificate";
		return 0;
	}
	if (CBS_len(&cbs) != 0) {
		*err = "trailing data after the certificate";
		return 0;
	}
	if (type != RP_CERT_USER && type != RP_CERT_HOST) {
		*err = "certificate type is neither user nor host";
		return 0;
	}
	cert->type = (enum rp_cert_type)type;
	if (CBS_len(&key_id) > RP_CERT_MAX_KEY_ID) {
		*err = "key id too long";
		return 0;
	}
	cert->key_id_off = (size_t)(CBS_data(&key_id) - cert->blob);
	cert->key_id_len = CBS_len(&key_id);
	if (!parse_principals(principals, cert, err) ||
	    !parse_options(critical, &cert->critical, &cert->ncritical, "critical option", err) ||
	    !parse_options(extensions, &cert->extensions, &cert->nextensions, "extension", err) ||
	    !parse_ca(ca, cert, err) || !parse_signature(sig, cert, err))
		return 0;
	cert->sig_off = (size_t)(CBS_data(&sig) - cert->blob);
	cert->sig_len = CBS_len(&sig);
	return 1;
}

int
rp_cert_from_blob(const uint8_t *blob, size_t len, struct rp_cert **out, const char **err)
{
	struct rp_cert *cert;

	*out = NULL;
	if ((cert = calloc(1, sizeof(*cert))) == NULL ||
	    (cert->blob = malloc(len > 0 ? len : 1)) == NULL) {
		free(cert);
		*err = "out of memory";
		return 0;
	}
	memcpy(cert->blob, blob, len);
	cert->blob_len = len;
	if (!parse_cert(cert, err)) {
		rp_cert_free(cert);
		return 0;
	}
	*out = cert;
	return 1;
}

void
rp_cert_blob(const struct rp_cert *cert, const uint8_t **blob, size_t *len)
{
	*blob = cert->blob;
	*len = cert->blob_len;
}

const char *
rp_cert_type_name(const struct rp_cert *cert)
{
	return cert->type_name;
}

const struct rp_pubkey *
rp_cert_key(const struct rp_cert *cert)
{
	return cert->key;
}

const struct rp_pubkey *
rp_cert_ca(const struct rp_cert *cert)
{
	return cert->ca;
}

enum rp_cert_type
rp_cert_type(const struct rp_cert *cert)
{
	return cert->type;
}

uint64_t
rp_cert_serial(const struct rp_cert *cert)
{
	return cert->serial;
}

void
rp_cert_key_id(const struct rp_cert *cert, const uint8_t **id, size_t *len)
{
	*id = cert->blob + cert->key_id_off;
	*len = cert->key_id_len;
}

size_t
rp_cert_nprincipals(const struct rp_cert *cert)
{
	return cert->nprincipals;
}

const char *
rp_cert_principal(const struct rp_cert *cert, size_t i)
{
	return i < cert->nprincipals ? cert->principals[i] : NULL;
}

uint64_t
rp_cert_valid_after(const struct rp_cert *cert)
{
	return cert->valid_after;
}

uint64_t
rp_cert_valid_before(const struct rp_cert *cert)
{
	return cert->valid_before;
}

size_t
rp_cert_ncritical(const struct rp_cert *cert)
{
	return cert->ncritical;
}

const char *
rp_cert_critical_name(const struct rp_cert *cert, size_t i)
{
	return i < cert->ncritical ? cert->critical[i].name : NULL;
}

const char *
rp_cert_critical_value(const struct rp_cert *cert, size_t i)
{
	return i < cert->ncritical ? cert->critical[i].value : NULL;
}

size_t
rp_cert_nextensions(const struct rp_cert *cert)
{
	return cert->nextensions;
}

const char *
rp_cert_extension_name(const struct rp_cert *cert, size_t i)
{
	return i < cert->nextensions ? cert->extensions[i].name : NULL;
}

const char *
rp_cert_extension_value(const struct rp_cert *cert, size_t i)
{
	return i < cert->nextensions ? cert->extensions[i].value : NULL;
}

int
rp_cert_verify(const struct rp_cert *cert, int allow_sha1)
{
	/* The parser refused a CA that is a certificate; its type is plain. */
	if (strcmp(cert->sig_alg, "ssh-rsa") == 0 && !allow_sha1)
		return 0;
	return rp_pubkey_verify(cert->ca, cert->sig_alg, cert->blob + cert->sig_off,
	    cert->sig_len, cert->blob, cert->signed_len);
}

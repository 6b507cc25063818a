/*
 * policy/algorithms.c: algorithm lists with OpenSSH's edits of the default.
 *
 *     ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com   replace
 *     ciphers +aes128-ctr                                             append
 *     ciphers -aes128-ctr,*-cbc                                       remove (globs)
 *     ciphers ^aes256-gcm@openssh.com                                 put first
 *
 * The default of each kind is everything rampart implements, best first, as
 * common/ and crypto/ report it, with these exceptions (each may be asked
 * for): user-key signatures leave out SHA-1 (ssh-rsa,
 * ssh-rsa-cert-v01@openssh.com); host key algorithms list the certificate
 * algorithm first only when the policy has a host-certificate; key exchange
 * leaves out ecdh-sha2-nistp*, and MACs keep only the encrypt-then-MAC
 * forms with tags of 128 bits or more, so the default passes ssh-audit;
 * compression offers "none" first and zlib@openssh.com (after
 * authentication), as sshd does, not plain zlib. Edits apply to that default;
 * any implemented name may be asked for. A name the SSH world knows but
 * rampart does not implement yet is "not implemented yet" when asked for
 * (and silently fine in a '-' list, since removing it changes nothing); any
 * other unknown name is an error that lists the valid ones. The result may
 * not be empty.
 */
#include "policy/internal.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/kex.h"
#include "crypto/pkt_cipher.h"
#include "crypto/sshkey.h"

#define MAX_ITEMS 64
#define MAX_NAME 64

/* Names known from the references (OpenSSH, RFCs) but not implemented. */
static const char *const known_kex[] = {
	"diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1",
	"diffie-hellman-group-exchange-sha1", NULL,
};
static const char *const known_keys[] = {
	"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-256",
	"rsa-sha2-512", "ssh-rsa", "sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com", "ssh-ed25519-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
	"ecdsa-sha2-nistp521-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com",
	"rsa-sha2-512-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", NULL,
};
static const char *const known_ciphers[] = {
	"aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc", NULL,
};
static const char *const known_macs[] = {
	"hmac-sha1", "hmac-sha1-etm@openssh.com", NULL,
};
static const char *const known_compression[] = { NULL };

static const struct {
	const char *what; /* for messages */
	const char *const *known;
} kinds[RP_ALG_KINDS] = {
	[RP_ALG_KEX] = { "key exchange algorithm", known_kex },
	[RP_ALG_HOSTKEY] = { "host key algorithm", known_keys },
	[RP_ALG_CIPHER] = { "cipher", known_ciphers },
	[RP_ALG_MAC] = { "MAC", known_macs },
	[RP_ALG_PUBKEY] = { "public key algorithm", known_keys },
	[RP_ALG_COMPRESSION] = { "compression method", known_compression },
};

const char *
rp_alg_implemented(enum rp_alg_kind kind)
{
	switch (kind) {
	case RP_ALG_KEX:
		return rp_kex_supported_list();
	case RP_ALG_CIPHER:
		return rp_cipher_supported_list();
	case RP_ALG_MAC:
		return rp_mac_supported_list();
	case RP_ALG_HOSTKEY:
		/* With a host certificate, clients that trust its CA need no
		 * known_hosts entry; then the key types, as OpenSSH orders
		 * them. Only the algorithms of the keys loaded are offered. */
		return "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
		    "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
		    "ecdsa-sha2-nistp521-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,"
		    "rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,"
		    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";
	case RP_ALG_PUBKEY:
		return rp_pubkey_alg_supported_list();
	case RP_ALG_COMPRESSION:
		return "none,zlib@openssh.com,zlib";
	case RP_ALG_KINDS:
		break;
	}
	return "none";
}

/* Implemented, but only in the default when asked for: SHA-1 signatures
 * for user keys, host certificates when the policy has none, and what a
 * hardening audit (ssh-audit) flags: ECDH on the NIST curves, MACs in
 * encrypt-and-MAC mode, 64-bit MAC tags. */
static int
left_out_of_default(enum rp_alg_kind kind, int with_host_certs, const char *name)
{
	static const char etm[] = "-etm@openssh.com";
	size_t len = strlen(name);

	if (kind == RP_ALG_KEX)
		return strncmp(name, "ecdh-sha2-nistp", 15) == 0;
	/* Plain zlib compresses before authentication, which sshd stopped
	 * offering; zlib@openssh.com waits for it. */
	if (kind == RP_ALG_COMPRESSION)
		return strcmp(name, "zlib") == 0;
	if (kind == RP_ALG_MAC)
		return len < sizeof(etm) - 1 || strcmp(name + len - (sizeof(etm) - 1), etm) != 0 ||
		    strncmp(name, "umac-64", 7) == 0;
	if (kind == RP_ALG_PUBKEY)
		return strcmp(name, "ssh-rsa") == 0 || strcmp(name, "ssh-rsa-cert-v01@openssh.com") == 0;
	if (kind == RP_ALG_HOSTKEY && !with_host_certs)
		return strstr(name, "-cert-v01@openssh.com") != NULL;
	return 0;
}

struct names {
	char name[MAX_ITEMS][MAX_NAME];
	size_t offset[MAX_ITEMS]; /* in the text it came from */
	size_t n;
};

/* Split "a,b,c" into names. Returns 0 on an empty or overlong name, with
 * *bad its offset. */
static int
split(const char *list, size_t base, struct names *out, size_t *bad, const char **why)
{
	const char *p = list;

	out->n = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

		*bad = base + (size_t)(p - list);
		if (len == 0) {
			*why = "empty name in the list";
			return 0;
		}
		if (len >= MAX_NAME) {
			*why = "name too long";
			return 0;
		}
		if (out->n == MAX_ITEMS) {
			*why = "too many names in the list";
			return 0;
		}
		memcpy(out->name[out->n], p, len);
		out->name[out->n][len] = '\0';
		out->offset[out->n++] = *bad;
		if (comma == NULL)
			return 1;
		p = comma + 1;
	}
}

static int
contains(const struct names *names, const char *name)
{
	for (size_t i = 0; i < names->n; i++)
		if (strcmp(names->name[i], name) == 0)
			return 1;
	return 0;
}

static int
is_known(enum rp_alg_kind kind, const char *name)
{
	for (const char *const *k = kinds[kind].known; *k != NULL; k++)
		if (strcmp(*k, name) == 0)
			return 1;
	return 0;
}

static int
add(struct names *out, const char *name)
{
	if (out->n == MAX_ITEMS)
		return 0;
	snprintf(out->name[out->n++], MAX_NAME, "%s", name);
	return 1;
}

static char *join(const struct names *names);

/* The default of a kind as a list of names. */
static int
default_names(enum rp_alg_kind kind, int with_host_certs, struct names *out)
{
	struct names all;
	const char *reason;
	size_t bad;

	if (!split(rp_alg_implemented(kind), 0, &all, &bad, &reason))
		return 0;
	out->n = 0;
	for (size_t i = 0; i < all.n; i++)
		if (!left_out_of_default(kind, with_host_certs, all.name[i]))
			(void)add(out, all.name[i]);
	return 1;
}

char *
rp_alg_default(enum rp_alg_kind kind, int with_host_certs)
{
	struct names names;

	if (!default_names(kind, with_host_certs, &names))
		return NULL;
	return join(&names);
}

static char *
join(const struct names *names)
{
	size_t len = 0, off = 0;
	char *s;

	for (size_t i = 0; i < names->n; i++)
		len += strlen(names->name[i]) + 1;
	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < names->n; i++)
		off += (size_t)sprintf(s + off, "%s%s", i ? "," : "", names->name[i]);
	return s;
}

int
rp_alg_edit(enum rp_alg_kind kind, int with_host_certs, const char *text, char **out, char *why,
    size_t whysz, size_t *offset)
{
	struct names implemented, defaults, items, result;
	const char *list = text, *reason;
	char op = '\0';
	size_t base = 0, bad;

	*out = NULL;
	*offset = 0;
	if (text[0] == '+' || text[0] == '-' || text[0] == '^') {
		op = text[0];
		list = text + 1;
		base = 1;
	}
	if (!split(rp_alg_implemented(kind), 0, &implemented, &bad, &reason) ||
	    !default_names(kind, with_host_certs, &defaults)) {
		snprintf(why, whysz, "internal error: bad default list");
		return 0;
	}
	if (!split(list, base, &items, offset, &reason)) {
		snprintf(why, whysz, "%s", reason);
		return 0;
	}
	for (size_t i = 0; i < items.n; i++) {
		const char *name = items.name[i];
		*offset = items.offset[i];
		for (size_t j = 0; j < i; j++) {
			if (strcmp(items.name[j], name) == 0) {
				snprintf(why, whysz, "'%s' is listed twice; expected each name once",
				    name);
				return 0;
			}
		}
		if (strpbrk(name, "*?") != NULL) {
			if (op == '-')
				continue;
			snprintf(why, whysz, "'%s': wildcards are only allowed in a '-' list", name);
			return 0;
		}
		if (contains(&implemented, name))
			continue;
		if (is_known(kind, name)) {
			if (op == '-')
				continue;
			snprintf(why, whysz, "%s '%s' is not implemented yet; expected one of: %s",
			    kinds[kind].what, name, rp_alg_implemented(kind));
			return 0;
		}
		snprintf(why, whysz, "unknown %s '%s'; expected one of: %s", kinds[kind].what, name,
		    rp_alg_implemented(kind));
		return 0;
	}
	result.n = 0;
	switch (op) {
	case '\0':
		result = items;
		break;
	case '+':
		result = defaults;
		for (size_t i = 0; i < items.n; i++)
			if (!contains(&result, items.name[i]))
				(void)add(&result, items.name[i]);
		break;
	case '-':
		for (size_t i = 0; i < defaults.n; i++) {
			int removed = 0;
			for (size_t j = 0; j < items.n && !removed; j++)
				removed = fnmatch(items.name[j], defaults.name[i], 0) == 0;
			if (!removed)
				(void)add(&result, defaults.name[i]);
		}
		break;
	case '^':
		result = items;
		for (size_t i = 0; i < defaults.n; i++)
			if (!contains(&items, defaults.name[i]))
				(void)add(&result, defaults.name[i]);
		break;
	}
	*offset = 0;
	if (result.n == 0) {
		snprintf(why, whysz, "the list leaves no %s; expected at least one", kinds[kind].what);
		return 0;
	}
	if ((*out = join(&result)) == NULL) {
		snprintf(why, whysz, "out of memory");
		return 0;
	}
	return 1;
}

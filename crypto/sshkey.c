/*
 * crypto/sshkey.c: SSH keys, blobs, text form, fingerprints and signatures.
 *
 * ssh-ed25519 as RFC 8709 defines it: the public key blob is
 * string "ssh-ed25519" || string key (32 bytes); the signature blob is
 * string "ssh-ed25519" || string signature (64 bytes), computed over the
 * message itself (Ed25519 hashes internally).
 */
#include "crypto/sshkey.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/curve25519.h>
#include <openssl/mem.h>
#include <openssl/sha.h>

#include "common/wire.h"
#include "crypto/encoding.h"
#include "crypto/sshkey_internal.h"

#define ED25519_PUB_LEN 32
#define ED25519_PRIV_LEN 64
#define ED25519_SIG_LEN 64

struct rp_pubkey {
	enum rp_key_type type;
	uint8_t ed25519[ED25519_PUB_LEN];
};

struct rp_privkey {
	struct rp_pubkey pub;
	uint8_t ed25519[ED25519_PRIV_LEN]; /* seed || public key */
};

const char *
rp_key_type_name(enum rp_key_type type)
{
	switch (type) {
	case RP_KEY_ED25519:
		return "ssh-ed25519";
	}
	return "unknown";
}

int
rp_key_type_from_name(const char *name, enum rp_key_type *out)
{
	if (strcmp(name, "ssh-ed25519") == 0) {
		*out = RP_KEY_ED25519;
		return 1;
	}
	return 0;
}

int
rp_pubkey_from_blob(const uint8_t *blob, size_t len, struct rp_pubkey **out)
{
	CBS cbs, pk;
	char type[64];
	enum rp_key_type kt;
	struct rp_pubkey *key;

	*out = NULL;
	CBS_init(&cbs, blob, len);
	if (!ssh_get_name(&cbs, type, sizeof(type), 0) || !rp_key_type_from_name(type, &kt))
		return 0;
	/* Only ssh-ed25519 so far. */
	if (!ssh_get_string(&cbs, &pk) || CBS_len(&pk) != ED25519_PUB_LEN || CBS_len(&cbs) != 0)
		return 0;
	if ((key = calloc(1, sizeof(*key))) == NULL)
		return 0;
	key->type = kt;
	memcpy(key->ed25519, CBS_data(&pk), ED25519_PUB_LEN);
	*out = key;
	return 1;
}

int
rp_pubkey_to_blob(const struct rp_pubkey *key, CBB *out)
{
	return ssh_add_cstring(out, rp_key_type_name(key->type)) &&
	    ssh_add_string(out, key->ed25519, ED25519_PUB_LEN);
}

enum rp_key_type
rp_pubkey_type(const struct rp_pubkey *key)
{
	return key->type;
}

int
rp_pubkey_equal(const struct rp_pubkey *a, const struct rp_pubkey *b)
{
	return a->type == b->type && memcmp(a->ed25519, b->ed25519, ED25519_PUB_LEN) == 0;
}

struct rp_pubkey *
rp_pubkey_dup(const struct rp_pubkey *key)
{
	struct rp_pubkey *copy = malloc(sizeof(*copy));

	if (copy != NULL)
		*copy = *key;
	return copy;
}

void
rp_pubkey_free(struct rp_pubkey *key)
{
	free(key);
}

/* The blob as a malloc'd buffer (CBB memory: release with OPENSSL_free). */
static int
pubkey_blob(const struct rp_pubkey *key, uint8_t **blob, size_t *len)
{
	CBB cbb;

	if (!CBB_init(&cbb, 64))
		return 0;
	if (!rp_pubkey_to_blob(key, &cbb) || !CBB_finish(&cbb, blob, len)) {
		CBB_cleanup(&cbb);
		return 0;
	}
	return 1;
}

int
rp_pubkey_from_text(const char *line, struct rp_pubkey **out, char **comment_out,
    const char **err)
{
	const char *p = line, *type_start, *b64_start;
	size_t type_len, b64_len, comment_len;
	char type[64];
	enum rp_key_type kt;
	uint8_t *blob = NULL;
	size_t blob_len;

	*out = NULL;
	if (comment_out != NULL)
		*comment_out = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	type_start = p;
	while (*p != '\0' && !isspace((unsigned char)*p))
		p++;
	type_len = (size_t)(p - type_start);
	if (type_len == 0) {
		*err = "empty key line";
		return 0;
	}
	if (type_len >= sizeof(type)) {
		*err = "unknown key type";
		return 0;
	}
	memcpy(type, type_start, type_len);
	type[type_len] = '\0';
	if (!rp_key_type_from_name(type, &kt)) {
		*err = "unknown or unsupported key type";
		return 0;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	b64_start = p;
	while (*p != '\0' && !isspace((unsigned char)*p))
		p++;
	b64_len = (size_t)(p - b64_start);
	if (b64_len == 0) {
		*err = "missing base64 key data";
		return 0;
	}
	if (!rp_base64_decode(b64_start, b64_len, &blob, &blob_len)) {
		*err = "invalid base64 key data";
		return 0;
	}
	if (!rp_pubkey_from_blob(blob, blob_len, out)) {
		free(blob);
		*err = "malformed key data";
		return 0;
	}
	free(blob);
	if ((*out)->type != kt) {
		rp_pubkey_free(*out);
		*out = NULL;
		*err = "key type word does not match the key data";
		return 0;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	comment_len = strlen(p);
	while (comment_len > 0 && isspace((unsigned char)p[comment_len - 1]))
		comment_len--;
	if (comment_out != NULL && comment_len > 0) {
		if ((*comment_out = strndup(p, comment_len)) == NULL) {
			rp_pubkey_free(*out);
			*out = NULL;
			*err = "out of memory";
			return 0;
		}
	}
	return 1;
}

char *
rp_pubkey_to_text(const struct rp_pubkey *key, const char *comment)
{
	uint8_t *blob;
	size_t blob_len, n;
	char *b64, *line;
	const char *type = rp_key_type_name(key->type);

	if (!pubkey_blob(key, &blob, &blob_len))
		return NULL;
	b64 = rp_base64_encode(blob, blob_len);
	OPENSSL_free(blob);
	if (b64 == NULL)
		return NULL;
	n = strlen(type) + 1 + strlen(b64) + (comment != NULL ? 1 + strlen(comment) : 0) + 1;
	if ((line = malloc(n)) != NULL)
		snprintf(line, n, "%s %s%s%s", type, b64, comment != NULL ? " " : "",
		    comment != NULL ? comment : "");
	free(b64);
	return line;
}

int
rp_pubkey_fingerprint(const struct rp_pubkey *key, char *out, size_t outsz)
{
	uint8_t *blob, digest[SHA256_DIGEST_LENGTH];
	size_t blob_len, n;
	char *b64;

	if (!pubkey_blob(key, &blob, &blob_len))
		return 0;
	SHA256(blob, blob_len, digest);
	OPENSSL_free(blob);
	if ((b64 = rp_base64_encode(digest, sizeof(digest))) == NULL)
		return 0;
	n = strlen(b64);
	while (n > 0 && b64[n - 1] == '=')
		n--;
	if (outsz < 7 + n + 1) {
		free(b64);
		return 0;
	}
	memcpy(out, "SHA256:", 7);
	memcpy(out + 7, b64, n);
	out[7 + n] = '\0';
	free(b64);
	return 1;
}

int
rp_pubkey_verify(const struct rp_pubkey *key, const char *sig_alg, const uint8_t *sig_blob,
    size_t sig_len, const uint8_t *data, size_t data_len)
{
	CBS cbs, sig;
	char name[64];

	if (strcmp(sig_alg, rp_key_type_name(key->type)) != 0)
		return 0;
	CBS_init(&cbs, sig_blob, sig_len);
	if (!ssh_get_name(&cbs, name, sizeof(name), 0) || strcmp(name, sig_alg) != 0)
		return 0;
	if (!ssh_get_string(&cbs, &sig) || CBS_len(&sig) != ED25519_SIG_LEN || CBS_len(&cbs) != 0)
		return 0;
	return ED25519_verify(data, data_len, CBS_data(&sig), key->ed25519) == 1;
}

int
rp_privkey_generate(enum rp_key_type type, struct rp_privkey **out)
{
	struct rp_privkey *key;

	*out = NULL;
	if (type != RP_KEY_ED25519)
		return 0;
	if ((key = calloc(1, sizeof(*key))) == NULL)
		return 0;
	key->pub.type = type;
	ED25519_keypair(key->pub.ed25519, key->ed25519);
	*out = key;
	return 1;
}

int
rp_privkey_from_ed25519_parts(const uint8_t *pub, size_t pub_len, const uint8_t *priv,
    size_t priv_len, struct rp_privkey **out)
{
	struct rp_privkey *key;
	uint8_t check_pub[ED25519_PUB_LEN], check_priv[ED25519_PRIV_LEN];

	*out = NULL;
	if (pub_len != ED25519_PUB_LEN || priv_len != ED25519_PRIV_LEN)
		return 0;
	/* The stored private key is seed || public key; both halves must agree
	 * with what the seed derives, or the file is corrupt. */
	ED25519_keypair_from_seed(check_pub, check_priv, priv);
	if (CRYPTO_memcmp(check_priv, priv, ED25519_PRIV_LEN) != 0 ||
	    memcmp(check_pub, pub, ED25519_PUB_LEN) != 0) {
		OPENSSL_cleanse(check_priv, sizeof(check_priv));
		return 0;
	}
	OPENSSL_cleanse(check_priv, sizeof(check_priv));
	if ((key = calloc(1, sizeof(*key))) == NULL)
		return 0;
	key->pub.type = RP_KEY_ED25519;
	memcpy(key->pub.ed25519, pub, ED25519_PUB_LEN);
	memcpy(key->ed25519, priv, ED25519_PRIV_LEN);
	*out = key;
	return 1;
}

int
rp_privkey_ed25519_parts(const struct rp_privkey *key, const uint8_t **pub,
    const uint8_t **priv)
{
	if (key->pub.type != RP_KEY_ED25519)
		return 0;
	*pub = key->pub.ed25519;
	*priv = key->ed25519;
	return 1;
}

const struct rp_pubkey *
rp_privkey_public(const struct rp_privkey *key)
{
	return &key->pub;
}

int
rp_privkey_sign(const struct rp_privkey *key, const uint8_t *data, size_t len, CBB *out)
{
	uint8_t sig[ED25519_SIG_LEN];
	int ok;

	if (!ED25519_sign(sig, data, len, key->ed25519))
		return 0;
	ok = ssh_add_cstring(out, rp_key_type_name(key->pub.type)) &&
	    ssh_add_string(out, sig, sizeof(sig));
	OPENSSL_cleanse(sig, sizeof(sig));
	return ok;
}

void
rp_privkey_free(struct rp_privkey *key)
{
	if (key == NULL)
		return;
	OPENSSL_cleanse(key, sizeof(*key));
	free(key);
}

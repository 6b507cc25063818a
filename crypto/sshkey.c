/*
 * crypto/sshkey.c: SSH public and private keys: type names, blobs, the
 * one-line text form, fingerprints, and signatures (RFC 4253 section 6.6).
 *
 * ssh-ed25519 is here, as RFC 8709 defines it: the public key blob is
 * string "ssh-ed25519" || string key (32 bytes); the signature blob is
 * string "ssh-ed25519" || string signature (64 bytes), computed over the
 * message itself (Ed25519 hashes internally). ECDSA (RFC 5656) is in
 * key_ecdsa.c and RSA (RFC 4253, RFC 8332) in key_rsa.c: this file reads
 * and writes the type names and outer strings and hands them the fields.
 */
#include "crypto/sshkey.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/ec_key.h>
#include <openssl/mem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "common/wire.h"
#include "crypto/encoding.h"
#include "crypto/sshkey_internal.h"

#define ED25519_PUB_LEN 32
#define ED25519_PRIV_LEN 64
#define ED25519_SIG_LEN 64
/* Longer than any key type or signature algorithm name. */
#define NAME_MAX_LEN 64
/* The size of RSA keys rp_privkey_generate makes. */
#define RSA_GENERATE_BITS 3072

/* One key member is in use, as type says. */
struct rp_pubkey {
	enum rp_key_type type;
	uint8_t ed25519[ED25519_PUB_LEN];
	EC_KEY *ec;     /* the public point only */
	RSA *rsa;       /* n and e only */
};

struct rp_privkey {
	struct rp_pubkey pub;
	uint8_t ed25519[ED25519_PRIV_LEN]; /* seed || public key */
	EC_KEY *ec;
	RSA *rsa;
};

static const struct {
	enum rp_key_type type;
	const char *name;
	const char *sig_alg;    /* what rp_privkey_sign uses */
	unsigned bits;          /* 0: the RSA modulus decides */
} key_types[] = {
	{ RP_KEY_ED25519, "ssh-ed25519", "ssh-ed25519", 256 },
	{ RP_KEY_ECDSA_P256, "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", 256 },
	{ RP_KEY_ECDSA_P384, "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384", 384 },
	{ RP_KEY_ECDSA_P521, "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521", 521 },
	{ RP_KEY_RSA, "ssh-rsa", "rsa-sha2-512", 0 },
};
#define NKEY_TYPES (sizeof(key_types) / sizeof(key_types[0]))

const char *
rp_key_type_name(enum rp_key_type type)
{
	for (size_t i = 0; i < NKEY_TYPES; i++)
		if (key_types[i].type == type)
			return key_types[i].name;
	return "unknown";
}

int
rp_key_type_from_name(const char *name, enum rp_key_type *out)
{
	for (size_t i = 0; i < NKEY_TYPES; i++) {
		if (strcmp(key_types[i].name, name) == 0) {
			*out = key_types[i].type;
			return 1;
		}
	}
	return 0;
}

static int
is_ecdsa(enum rp_key_type type)
{
	return type == RP_KEY_ECDSA_P256 || type == RP_KEY_ECDSA_P384 ||
	    type == RP_KEY_ECDSA_P521;
}

const char *
rp_key_reason(const char *fmt, ...)
{
	static _Thread_local char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

int
rp_ssh_get_bignum(CBS *cbs, size_t max_bytes, BIGNUM **out)
{
	CBS s;
	const uint8_t *p;
	size_t n;

	*out = NULL;
	if (!ssh_get_string(cbs, &s))
		return 0;
	p = CBS_data(&s);
	n = CBS_len(&s);
	if (n > 0 && (p[0] & 0x80) != 0)
		return 0; /* negative */
	if (n > 0 && p[0] == 0) {
		/* A zero byte is there only to keep a set top bit positive. */
		if (n == 1 || (p[1] & 0x80) == 0)
			return 0;
		p++;
		n--;
	}
	if (n > max_bytes)
		return 0;
	return (*out = BN_bin2bn(p, n, NULL)) != NULL;
}

int
rp_ssh_add_bignum(CBB *cbb, const BIGNUM *bn)
{
	size_t n = BN_num_bytes(bn);
	int top_set = n > 0 && BN_num_bits(bn) % 8 == 0;

	if (n >= UINT32_MAX)
		return 0;
	if (!CBB_add_u32(cbb, (uint32_t)(n + (top_set ? 1 : 0))))
		return 0;
	if (top_set && !CBB_add_u8(cbb, 0))
		return 0;
	return n == 0 || BN_bn2cbb_padded(cbb, n, bn);
}

/* --- public keys ------------------------------------------------------------ */

int
rp_pubkey_parse_fields(enum rp_key_type type, CBS *cbs, struct rp_pubkey **out,
    const char **err)
{
	struct rp_pubkey *key;
	CBS pk;

	*out = NULL;
	if ((key = calloc(1, sizeof(*key))) == NULL) {
		*err = "out of memory";
		return 0;
	}
	key->type = type;
	if (type == RP_KEY_ED25519) {
		if (!ssh_get_string(cbs, &pk)) {
			*err = "truncated ssh-ed25519 key";
			goto fail;
		}
		if (CBS_len(&pk) != ED25519_PUB_LEN) {
			*err = "ssh-ed25519 key is not 32 bytes";
			goto fail;
		}
		memcpy(key->ed25519, CBS_data(&pk), ED25519_PUB_LEN);
	} else if (is_ecdsa(type)) {
		if (!rp_ecdsa_parse_public(type, cbs, &key->ec, err))
			goto fail;
	} else if (type == RP_KEY_RSA) {
		if (!rp_rsa_parse_public(cbs, &key->rsa, err))
			goto fail;
	} else {
		*err = "unsupported key type";
		goto fail;
	}
	*out = key;
	return 1;
fail:
	free(key);
	return 0;
}

int
rp_pubkey_parse_blob(const uint8_t *blob, size_t len, struct rp_pubkey **out,
    const char **err)
{
	CBS cbs, peek, name;
	char type[NAME_MAX_LEN];
	enum rp_key_type kt;

	*out = NULL;
	CBS_init(&cbs, blob, len);
	peek = cbs;
	if (!ssh_get_string(&peek, &name)) {
		*err = "truncated key blob";
		return 0;
	}
	if (!ssh_get_name(&cbs, type, sizeof(type), 0)) {
		*err = "malformed key type name";
		return 0;
	}
	if (!rp_key_type_from_name(type, &kt)) {
		*err = rp_key_reason("unsupported key type %s", type);
		return 0;
	}
	if (!rp_pubkey_parse_fields(kt, &cbs, out, err))
		return 0;
	if (CBS_len(&cbs) != 0) {
		rp_pubkey_free(*out);
		*out = NULL;
		*err = "trailing data after the key";
		return 0;
	}
	return 1;
}

int
rp_pubkey_from_blob(const uint8_t *blob, size_t len, struct rp_pubkey **out)
{
	const char *err;

	return rp_pubkey_parse_blob(blob, len, out, &err);
}

unsigned
rp_pubkey_bits(const struct rp_pubkey *key)
{
	if (key->type == RP_KEY_RSA)
		return rp_rsa_bits(key->rsa);
	for (size_t i = 0; i < NKEY_TYPES; i++)
		if (key_types[i].type == key->type)
			return key_types[i].bits;
	return 0;
}

int
rp_sig_alg_suits(enum rp_key_type type, const char *sig_alg)
{
	if (type == RP_KEY_RSA)
		return strcmp(sig_alg, "rsa-sha2-256") == 0 ||
		    strcmp(sig_alg, "rsa-sha2-512") == 0 || strcmp(sig_alg, "ssh-rsa") == 0;
	return strcmp(sig_alg, rp_key_type_name(type)) == 0;
}

const char *const *
rp_key_sig_algs(enum rp_key_type type)
{
	static const char *const ed25519[] = { "ssh-ed25519", NULL };
	static const char *const p256[] = { "ecdsa-sha2-nistp256", NULL };
	static const char *const p384[] = { "ecdsa-sha2-nistp384", NULL };
	static const char *const p521[] = { "ecdsa-sha2-nistp521", NULL };
	static const char *const rsa[] = { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", NULL };

	switch (type) {
	case RP_KEY_ED25519:
		return ed25519;
	case RP_KEY_ECDSA_P256:
		return p256;
	case RP_KEY_ECDSA_P384:
		return p384;
	case RP_KEY_ECDSA_P521:
		return p521;
	case RP_KEY_RSA:
		return rsa;
	}
	return NULL;
}

const char *
rp_pubkey_alg_supported_list(void)
{
	return "ssh-ed25519,"
	    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	    "rsa-sha2-512,rsa-sha2-256,ssh-rsa,"
	    "ssh-ed25519-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	    "rsa-sha2-512-cert-v01@openssh.com,"
	    "rsa-sha2-256-cert-v01@openssh.com,"
	    "ssh-rsa-cert-v01@openssh.com";
}

int
rp_pubkey_to_blob(const struct rp_pubkey *key, CBB *out)
{
	if (!ssh_add_cstring(out, rp_key_type_name(key->type)))
		return 0;
	if (key->type == RP_KEY_ED25519)
		return ssh_add_string(out, key->ed25519, ED25519_PUB_LEN);
	if (is_ecdsa(key->type))
		return rp_ecdsa_public_to_blob(key->type, key->ec, out);
	if (key->type == RP_KEY_RSA)
		return rp_rsa_public_to_blob(key->rsa, out);
	return 0;
}

enum rp_key_type
rp_pubkey_type(const struct rp_pubkey *key)
{
	return key->type;
}

int
rp_pubkey_equal(const struct rp_pubkey *a, const struct rp_pubkey *b)
{
	if (a->type != b->type)
		return 0;
	if (a->type == RP_KEY_ED25519)
		return memcmp(a->ed25519, b->ed25519, ED25519_PUB_LEN) == 0;
	if (is_ecdsa(a->type))
		return rp_ecdsa_public_equal(a->ec, b->ec);
	if (a->type == RP_KEY_RSA)
		return rp_rsa_public_equal(a->rsa, b->rsa);
	return 0;
}

/* Public keys never change once made, so a copy shares the BoringSSL object
 * by reference. */
struct rp_pubkey *
rp_pubkey_dup(const struct rp_pubkey *key)
{
	struct rp_pubkey *copy = malloc(sizeof(*copy));

	if (copy == NULL)
		return NULL;
	*copy = *key;
	if (copy->ec != NULL)
		EC_KEY_up_ref(copy->ec);
	if (copy->rsa != NULL)
		RSA_up_ref(copy->rsa);
	return copy;
}

void
rp_pubkey_free(struct rp_pubkey *key)
{
	if (key == NULL)
		return;
	EC_KEY_free(key->ec);
	RSA_free(key->rsa);
	free(key);
}

int
rp_pubkey_blob_alloc(const struct rp_pubkey *key, uint8_t **blob, size_t *len)
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

/* 0 when the blob starts with a readable type name other than `type`. */
static int
blob_names_type(const uint8_t *blob, size_t len, const char *type)
{
	CBS cbs, name;

	CBS_init(&cbs, blob, len);
	if (!ssh_get_string(&cbs, &name))
		return 1; /* truncated: the parser says so */
	return CBS_mem_equal(&name, (const uint8_t *)type, strlen(type));
}

int
rp_pubkey_from_text(const char *line, struct rp_pubkey **out, char **comment_out,
    const char **err)
{
	const char *p = line, *type_start, *b64_start, *why;
	size_t type_len, b64_len, comment_len;
	char type[NAME_MAX_LEN];
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
	if (!blob_names_type(blob, blob_len, type)) {
		free(blob);
		*err = "key type word does not match the key data";
		return 0;
	}
	if (!rp_pubkey_parse_blob(blob, blob_len, out, &why)) {
		free(blob);
		/* A blob cut short or garbled reads as malformed; a refusal of
		 * what the key is (too short, a point off its curve) says why. */
		*err = strncmp(why, "truncated", 9) == 0 || strncmp(why, "malformed", 9) == 0 ||
		    strncmp(why, "trailing", 8) == 0 ? "malformed key data" : why;
		return 0;
	}
	free(blob);
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

	if (!rp_pubkey_blob_alloc(key, &blob, &blob_len))
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

	if (!rp_pubkey_blob_alloc(key, &blob, &blob_len))
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
	char name[NAME_MAX_LEN];

	if (!rp_sig_alg_suits(key->type, sig_alg))
		return 0;
	CBS_init(&cbs, sig_blob, sig_len);
	if (!ssh_get_name(&cbs, name, sizeof(name), 0) || strcmp(name, sig_alg) != 0)
		return 0;
	if (!ssh_get_string(&cbs, &sig) || CBS_len(&cbs) != 0)
		return 0;
	if (key->type == RP_KEY_ED25519)
		return CBS_len(&sig) == ED25519_SIG_LEN &&
		    ED25519_verify(data, data_len, CBS_data(&sig), key->ed25519) == 1;
	if (is_ecdsa(key->type))
		return rp_ecdsa_verify(key->type, key->ec, sig, data, data_len);
	if (key->type == RP_KEY_RSA)
		return rp_rsa_verify(key->rsa, sig_alg, sig, data, data_len);
	return 0;
}

/* --- private keys ----------------------------------------------------------- */

int
rp_privkey_generate_bits(enum rp_key_type type, unsigned bits, struct rp_privkey **out)
{
	struct rp_privkey *key;
	int ok = 0;

	*out = NULL;
	if (type == RP_KEY_RSA) {
		if (bits == 0)
			bits = RSA_GENERATE_BITS;
		/* BoringSSL rounds other sizes down to a multiple of 128. */
		if (bits < RP_RSA_MIN_BITS || bits > RP_RSA_MAX_BITS || bits % 128 != 0)
			return 0;
	} else {
		size_t i;

		for (i = 0; i < NKEY_TYPES && key_types[i].type != type; i++)
			;
		if (i == NKEY_TYPES || (bits != 0 && bits != key_types[i].bits))
			return 0;
	}
	if ((key = calloc(1, sizeof(*key))) == NULL)
		return 0;
	key->pub.type = type;
	if (type == RP_KEY_ED25519) {
		ED25519_keypair(key->pub.ed25519, key->ed25519);
		ok = 1;
	} else if (is_ecdsa(type)) {
		ok = rp_ecdsa_generate(type, &key->ec, &key->pub.ec);
	} else if (type == RP_KEY_RSA) {
		ok = rp_rsa_generate(bits, &key->rsa, &key->pub.rsa);
	}
	if (!ok) {
		rp_privkey_free(key);
		return 0;
	}
	*out = key;
	return 1;
}

int
rp_privkey_generate(enum rp_key_type type, struct rp_privkey **out)
{
	return rp_privkey_generate_bits(type, 0, out);
}

int
rp_privkey_from_ec_key(EC_KEY *ec, struct rp_privkey **out, const char **err)
{
	struct rp_privkey *key;
	enum rp_key_type type;
	EC_KEY *pub;

	*out = NULL;
	if (!rp_ecdsa_check_private(ec, &type, &pub, err)) {
		EC_KEY_free(ec);
		return 0;
	}
	if ((key = calloc(1, sizeof(*key))) == NULL) {
		EC_KEY_free(ec);
		EC_KEY_free(pub);
		*err = "out of memory";
		return 0;
	}
	key->pub.type = type;
	key->pub.ec = pub;
	key->ec = ec;
	*out = key;
	return 1;
}

int
rp_privkey_from_rsa(RSA *rsa, struct rp_privkey **out, const char **err)
{
	struct rp_privkey *key;
	RSA *pub;

	*out = NULL;
	if (!rp_rsa_check_private(rsa, &pub, err)) {
		RSA_free(rsa);
		return 0;
	}
	if ((key = calloc(1, sizeof(*key))) == NULL) {
		RSA_free(rsa);
		RSA_free(pub);
		*err = "out of memory";
		return 0;
	}
	key->pub.type = RP_KEY_RSA;
	key->pub.rsa = pub;
	key->rsa = rsa;
	*out = key;
	return 1;
}

int
rp_privkey_parse_fields(enum rp_key_type type, CBS *cbs, struct rp_privkey **out,
    const char **err)
{
	CBS pk, sk;
	EC_KEY *ec;
	RSA *rsa;

	*out = NULL;
	if (type == RP_KEY_ED25519) {
		if (!ssh_get_string(cbs, &pk) || !ssh_get_string(cbs, &sk)) {
			*err = "truncated ssh-ed25519 private key";
			return 0;
		}
		if (CBS_len(&pk) != ED25519_PUB_LEN || CBS_len(&sk) != ED25519_PRIV_LEN) {
			*err = "malformed ssh-ed25519 private key (not 32 and 64 bytes)";
			return 0;
		}
		if (!rp_privkey_from_ed25519_parts(CBS_data(&pk), CBS_len(&pk), CBS_data(&sk),
		    CBS_len(&sk), out)) {
			*err = "private key does not match its public key";
			return 0;
		}
		return 1;
	}
	if (is_ecdsa(type)) {
		enum rp_key_type got;

		if (!rp_ecdsa_parse_private(type, cbs, &ec, err) ||
		    !rp_privkey_from_ec_key(ec, out, err))
			return 0;
		got = (*out)->pub.type;
		if (got != type) { /* cannot happen: the curve comes from the type */
			rp_privkey_free(*out);
			*out = NULL;
			*err = rp_key_reason("ECDSA key of type %s is on another curve",
			    rp_key_type_name(type));
			return 0;
		}
		return 1;
	}
	if (type == RP_KEY_RSA)
		return rp_rsa_parse_private(cbs, &rsa, err) && rp_privkey_from_rsa(rsa, out, err);
	*err = "unsupported key type";
	return 0;
}

int
rp_privkey_fields_to_blob(const struct rp_privkey *key, CBB *out)
{
	enum rp_key_type type = key->pub.type;

	if (type == RP_KEY_ED25519)
		return ssh_add_string(out, key->pub.ed25519, ED25519_PUB_LEN) &&
		    ssh_add_string(out, key->ed25519, ED25519_PRIV_LEN);
	if (is_ecdsa(type))
		return key->ec != NULL && rp_ecdsa_private_to_blob(type, key->ec, out);
	if (type == RP_KEY_RSA)
		return key->rsa != NULL && rp_rsa_private_to_blob(key->rsa, out);
	return 0;
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
rp_privkey_sign_alg(const struct rp_privkey *key, const char *sig_alg, const uint8_t *data,
    size_t len, CBB *out)
{
	enum rp_key_type type = key->pub.type;
	uint8_t sig[ED25519_SIG_LEN];
	CBB child;
	int ok;

	if (!rp_sig_alg_suits(type, sig_alg) || !ssh_add_cstring(out, sig_alg))
		return 0;
	if (type == RP_KEY_ED25519) {
		if (!ED25519_sign(sig, data, len, key->ed25519))
			return 0;
		ok = ssh_add_string(out, sig, sizeof(sig));
		OPENSSL_cleanse(sig, sizeof(sig));
		return ok;
	}
	if (!ssh_begin_string(out, &child))
		return 0;
	if (is_ecdsa(type))
		ok = rp_ecdsa_sign(type, key->ec, data, len, &child);
	else if (type == RP_KEY_RSA)
		ok = rp_rsa_sign(key->rsa, sig_alg, data, len, &child);
	else
		ok = 0;
	return ok && CBB_flush(out);
}

int
rp_privkey_sign(const struct rp_privkey *key, const uint8_t *data, size_t len, CBB *out)
{
	for (size_t i = 0; i < NKEY_TYPES; i++)
		if (key_types[i].type == key->pub.type)
			return rp_privkey_sign_alg(key, key_types[i].sig_alg, data, len, out);
	return 0;
}

void
rp_privkey_free(struct rp_privkey *key)
{
	if (key == NULL)
		return;
	/* BoringSSL wipes the private scalar and the RSA private parts when it
	 * frees them. */
	EC_KEY_free(key->ec);
	RSA_free(key->rsa);
	EC_KEY_free(key->pub.ec);
	RSA_free(key->pub.rsa);
	OPENSSL_cleanse(key, sizeof(*key));
	free(key);
}

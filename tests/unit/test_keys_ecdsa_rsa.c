/*
 * tests/unit/test_keys_ecdsa_rsa.c: ECDSA (P-256/384/521) and RSA keys and
 * signatures (crypto/sshkey.h), with ssh-ed25519 alongside where a test is
 * about every key type. Fixtures in tests/vectors/keys/: public key lines
 * and `ssh-keygen -l` output from make.sh, and signatures made by an
 * independent implementation (pyca/cryptography, gen_signatures.py).
 */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wire.h"
#include "crypto/encoding.h"
#include "crypto/keyfile.h"
#include "crypto/sshkey.h"

/* Keys made by make.sh that rampart accepts: name, type, bits. */
static const struct {
	const char *name;
	enum rp_key_type type;
	const char *type_name;
	unsigned bits;
} fixture_keys[] = {
	{ "ed25519", RP_KEY_ED25519, "ssh-ed25519", 256 },
	{ "ecdsa256", RP_KEY_ECDSA_P256, "ecdsa-sha2-nistp256", 256 },
	{ "ecdsa384", RP_KEY_ECDSA_P384, "ecdsa-sha2-nistp384", 384 },
	{ "ecdsa521", RP_KEY_ECDSA_P521, "ecdsa-sha2-nistp521", 521 },
	{ "rsa2048", RP_KEY_RSA, "ssh-rsa", 2048 },
	{ "rsa3072", RP_KEY_RSA, "ssh-rsa", 3072 },
	{ "rsa4096", RP_KEY_RSA, "ssh-rsa", 4096 },
};
#define NFIXTURE_KEYS (sizeof(fixture_keys) / sizeof(fixture_keys[0]))

/* --- helpers --------------------------------------------------------------- */


/* The first line of a fixture file, without its newline. */
static char *
read_line(const char *name, const char *ext)
{
	char rel[256], *text;

	snprintf(rel, sizeof(rel), "tests/vectors/keys/%s.%s", name, ext);
	text = rp_test_read_file(rel, NULL);
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static uint8_t *
unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *out = malloc(n > 0 ? n : 1);

	ck_assert(out != NULL);
	*len = rp_test_unhex(hex, out, n);
	return out;
}

static void
blob_of(const struct rp_pubkey *key, uint8_t **blob, size_t *len)
{
	CBB cbb;

	ck_assert(CBB_init(&cbb, 0) && rp_pubkey_to_blob(key, &cbb));
	ck_assert(CBB_finish(&cbb, blob, len));
}

/* One line of signatures.txt. */
struct vector {
	char name[64];
	char alg[64];
	uint8_t *key, *msg, *sig;
	size_t key_len, msg_len, sig_len;
};

#define MAX_VECTORS 16

static size_t
load_vectors(struct vector *v)
{
	char *text = rp_test_read_file("tests/vectors/keys/signatures.txt", NULL), *line, *save = NULL;
	size_t n = 0;

	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *f[5], *fs = NULL;

		if (line[0] == '#')
			continue;
		ck_assert_uint_lt(n, MAX_VECTORS);
		f[0] = strtok_r(line, " ", &fs);
		for (int i = 1; i < 5; i++)
			f[i] = strtok_r(NULL, " ", &fs);
		ck_assert_msg(f[4] != NULL, "short line in signatures.txt");
		snprintf(v[n].name, sizeof(v[n].name), "%s", f[0]);
		snprintf(v[n].alg, sizeof(v[n].alg), "%s", f[1]);
		v[n].key = unhex(f[2], &v[n].key_len);
		v[n].msg = unhex(f[3], &v[n].msg_len);
		v[n].sig = unhex(f[4], &v[n].sig_len);
		n++;
	}
	free(text);
	ck_assert_uint_ge(n, 10);
	return n;
}

static void
free_vectors(struct vector *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].msg);
		free(v[i].sig);
	}
}

static const struct vector *
find_vector(const struct vector *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	ck_abort_msg("no vector %s", name);
	return NULL;
}

static struct rp_pubkey *
vector_key(const struct vector *v)
{
	struct rp_pubkey *key;
	const char *err = NULL;

	ck_assert_msg(rp_pubkey_parse_blob(v->key, v->key_len, &key, &err), "%s: %s", v->name,
	    err);
	return key;
}

/* A signature blob with another algorithm name around the same signature. */
static void
rename_sig(const struct vector *v, const char *alg, uint8_t **out, size_t *out_len)
{
	CBS cbs, name, sig;
	CBB cbb;

	CBS_init(&cbs, v->sig, v->sig_len);
	ck_assert(ssh_get_string(&cbs, &name) && ssh_get_string(&cbs, &sig));
	ck_assert(CBB_init(&cbb, 0) && ssh_add_cstring(&cbb, alg) &&
	    ssh_add_string(&cbb, CBS_data(&sig), CBS_len(&sig)));
	ck_assert(CBB_finish(&cbb, out, out_len));
}

static void
expect_blob_refused(const uint8_t *blob, size_t len, const char *want)
{
	struct rp_pubkey *key = NULL;
	const char *err = NULL;

	ck_assert_msg(!rp_pubkey_parse_blob(blob, len, &key, &err), "accepted; expected \"%s\"",
	    want);
	ck_assert_ptr_null(key);
	ck_assert_msg(err != NULL && strcmp(err, want) == 0, "error \"%s\", expected \"%s\"",
	    err ? err : "(none)", want);
}

/* --- fixture keys from ssh-keygen ------------------------------------------------ */

START_TEST(test_fingerprints_match_ssh_keygen)
{
	const char *name = fixture_keys[_i].name;
	char *line = read_line(name, "pub"), *fp_line = read_line(name, "fp");
	char fp[128], want_fp[128], want_comment[64], *comment = NULL;
	unsigned want_bits;
	struct rp_pubkey *key;
	const char *err = NULL;

	/* "256 SHA256:... comment (ED25519)" */
	ck_assert_int_eq(sscanf(fp_line, "%u %127s", &want_bits, want_fp), 2);
	ck_assert_msg(rp_pubkey_from_text(line, &key, &comment, &err), "%s: %s", name, err);
	ck_assert(rp_pubkey_fingerprint(key, fp, sizeof(fp)));
	ck_assert_str_eq(fp, want_fp);
	ck_assert_uint_eq(rp_pubkey_bits(key), want_bits);
	ck_assert_uint_eq(rp_pubkey_bits(key), fixture_keys[_i].bits);
	ck_assert_int_eq(rp_pubkey_type(key), fixture_keys[_i].type);
	snprintf(want_comment, sizeof(want_comment), "%s@rampart-test", name);
	ck_assert_str_eq(comment, want_comment);
	/* Too small a buffer is refused, not cut. */
	ck_assert(!rp_pubkey_fingerprint(key, fp, strlen(want_fp)));
	free(comment);
	rp_pubkey_free(key);
	free(line);
	free(fp_line);
}
END_TEST

START_TEST(test_text_and_blob_round_trip)
{
	const char *name = fixture_keys[_i].name;
	char *line = read_line(name, "pub"), *again, *space;
	struct rp_pubkey *key, *from_blob, *copy;
	uint8_t *blob, *want;
	size_t blob_len, want_len;
	const char *err = NULL;
	char *comment = NULL;

	ck_assert(rp_pubkey_from_text(line, &key, &comment, &err));
	/* The line ssh-keygen wrote, byte for byte. */
	again = rp_pubkey_to_text(key, comment);
	ck_assert_str_eq(again, line);
	free(again);
	/* The blob is the base64 of the line. */
	blob_of(key, &blob, &blob_len);
	space = strchr(line, ' ') + 1;
	*strchr(space, ' ') = '\0';
	ck_assert(rp_base64_decode(space, strlen(space), &want, &want_len));
	ck_assert_uint_eq(blob_len, want_len);
	ck_assert(memcmp(blob, want, want_len) == 0);
	ck_assert(rp_pubkey_parse_blob(blob, blob_len, &from_blob, &err));
	ck_assert(rp_pubkey_equal(key, from_blob));
	copy = rp_pubkey_dup(from_blob);
	rp_pubkey_free(from_blob);
	ck_assert(rp_pubkey_equal(copy, key));
	ck_assert_str_eq(rp_key_type_name(rp_pubkey_type(copy)), fixture_keys[_i].type_name);
	/* Without a comment, and with blanks around it. */
	again = rp_pubkey_to_text(copy, NULL);
	ck_assert_uint_eq(strlen(again), strlen(fixture_keys[_i].type_name) + 1 + strlen(space));
	rp_pubkey_free(copy);
	free(again);
	OPENSSL_free(blob);
	free(want);
	free(comment);
	rp_pubkey_free(key);
	free(line);
}
END_TEST

START_TEST(test_different_keys_are_not_equal)
{
	struct rp_pubkey *keys[NFIXTURE_KEYS];
	const char *err;

	for (size_t i = 0; i < NFIXTURE_KEYS; i++) {
		char *line = read_line(fixture_keys[i].name, "pub");

		ck_assert(rp_pubkey_from_text(line, &keys[i], NULL, &err));
		free(line);
	}
	for (size_t i = 0; i < NFIXTURE_KEYS; i++)
		for (size_t j = 0; j < NFIXTURE_KEYS; j++)
			ck_assert_int_eq(rp_pubkey_equal(keys[i], keys[j]), i == j);
	for (size_t i = 0; i < NFIXTURE_KEYS; i++)
		rp_pubkey_free(keys[i]);
}
END_TEST

START_TEST(test_rsa_1024_is_refused_with_its_reason)
{
	char *line = read_line("rsa1024", "pub");
	struct rp_pubkey *key = NULL;
	const char *err = NULL;
	struct vector v[MAX_VECTORS];
	size_t n = load_vectors(v);
	const struct vector *small = find_vector(v, n, "rsa1024-refused");

	ck_assert(!rp_pubkey_from_text(line, &key, NULL, &err));
	ck_assert_ptr_null(key);
	ck_assert_str_eq(err, "RSA key of 1024 bits: at least 2048 are required");
	expect_blob_refused(small->key, small->key_len,
	    "RSA key of 1024 bits: at least 2048 are required");
	ck_assert(!rp_pubkey_from_blob(small->key, small->key_len, &key));
	free_vectors(v, n);
	free(line);
}
END_TEST

START_TEST(test_every_truncation_of_a_key_blob_is_refused)
{
	char *line = read_line(fixture_keys[_i].name, "pub");
	struct rp_pubkey *key, *cut;
	uint8_t *blob;
	size_t len;
	const char *err;

	ck_assert(rp_pubkey_from_text(line, &key, NULL, &err));
	blob_of(key, &blob, &len);
	for (size_t n = 0; n < len; n++) {
		err = NULL;
		ck_assert_msg(!rp_pubkey_parse_blob(blob, n, &cut, &err), "%s cut to %zu accepted",
		    fixture_keys[_i].name, n);
		ck_assert_ptr_nonnull(err);
	}
	OPENSSL_free(blob);
	rp_pubkey_free(key);
	free(line);
}
END_TEST

START_TEST(test_trailing_bytes_after_a_key_are_refused)
{
	char *line = read_line(fixture_keys[_i].name, "pub");
	struct rp_pubkey *key;
	uint8_t *blob, *longer;
	size_t len;
	const char *err;

	ck_assert(rp_pubkey_from_text(line, &key, NULL, &err));
	blob_of(key, &blob, &len);
	longer = malloc(len + 1);
	memcpy(longer, blob, len);
	longer[len] = 0;
	expect_blob_refused(longer, len + 1, "trailing data after the key");
	free(longer);
	OPENSSL_free(blob);
	rp_pubkey_free(key);
	free(line);
}
END_TEST

/* --- signatures from pyca/cryptography ------------------------------------------- */

START_TEST(test_signatures_from_cryptography_verify)
{
	struct vector v[MAX_VECTORS];
	size_t n = load_vectors(v), checked = 0;

	for (size_t i = 0; i < n; i++) {
		struct rp_pubkey *key;

		if (strcmp(v[i].name, "rsa1024-refused") == 0)
			continue;
		key = vector_key(&v[i]);
		ck_assert_msg(rp_sig_alg_suits(rp_pubkey_type(key), v[i].alg), "%s", v[i].name);
		ck_assert_msg(rp_pubkey_verify(key, v[i].alg, v[i].sig, v[i].sig_len, v[i].msg,
		    v[i].msg_len), "%s: valid signature refused", v[i].name);
		rp_pubkey_free(key);
		checked++;
	}
	/* Three curves, two RSA sizes with three algorithms, the short one. */
	ck_assert_uint_eq(checked, 3 + 6 + 1);
	free_vectors(v, n);
}
END_TEST

/* The short vector's signature is one byte shorter than the modulus: it
 * is left-padded; one byte longer than the modulus is refused. */
START_TEST(test_rsa_signature_length_against_the_modulus)
{
	struct vector v[MAX_VECTORS];
	size_t n = load_vectors(v);
	const struct vector *s = find_vector(v, n, "rsa2048-short-signature");
	const struct vector *full = find_vector(v, n, "rsa2048-rsa-sha2-256");
	struct rp_pubkey *key = vector_key(s);
	CBS cbs, name, sig;
	CBB cbb;
	uint8_t *longer, padded[257];
	size_t longer_len;

	CBS_init(&cbs, s->sig, s->sig_len);
	ck_assert(ssh_get_string(&cbs, &name) && ssh_get_string(&cbs, &sig));
	ck_assert_uint_lt(CBS_len(&sig), 256);
	ck_assert(rp_pubkey_verify(key, "rsa-sha2-256", s->sig, s->sig_len, s->msg, s->msg_len));
	/* 257 bytes: a zero in front of a valid full-length signature. */
	CBS_init(&cbs, full->sig, full->sig_len);
	ck_assert(ssh_get_string(&cbs, &name) && ssh_get_string(&cbs, &sig));
	ck_assert_uint_eq(CBS_len(&sig), 256);
	padded[0] = 0;
	memcpy(padded + 1, CBS_data(&sig), 256);
	ck_assert(CBB_init(&cbb, 0) && ssh_add_cstring(&cbb, "rsa-sha2-256") &&
	    ssh_add_string(&cbb, padded, sizeof(padded)));
	ck_assert(CBB_finish(&cbb, &longer, &longer_len));
	ck_assert(rp_pubkey_verify(key, "rsa-sha2-256", full->sig, full->sig_len, full->msg,
	    full->msg_len));
	ck_assert(!rp_pubkey_verify(key, "rsa-sha2-256", longer, longer_len, full->msg,
	    full->msg_len));
	OPENSSL_free(longer);
	rp_pubkey_free(key);
	free_vectors(v, n);
}
END_TEST

/* A bit flipped in the message, or anywhere in the signature blob (its
 * name, r, s, or the RSA signature), makes verification fail. */
START_TEST(test_tampered_signatures_are_refused)
{
	struct vector v[MAX_VECTORS];
	size_t n = load_vectors(v);

	for (size_t i = 0; i < n; i++) {
		struct rp_pubkey *key;

		if (strcmp(v[i].name, "rsa1024-refused") == 0)
			continue;
		key = vector_key(&v[i]);
		for (size_t pos = 0; pos < v[i].msg_len; pos += 7) {
			v[i].msg[pos] ^= 0x01;
			ck_assert_msg(!rp_pubkey_verify(key, v[i].alg, v[i].sig, v[i].sig_len,
			    v[i].msg, v[i].msg_len), "%s: message changed at %zu", v[i].name, pos);
			v[i].msg[pos] ^= 0x01;
		}
		for (size_t pos = 0; pos < v[i].sig_len; pos++) {
			uint8_t bit = (uint8_t)(1u << (pos % 8));

			v[i].sig[pos] ^= bit;
			ck_assert_msg(!rp_pubkey_verify(key, v[i].alg, v[i].sig, v[i].sig_len,
			    v[i].msg, v[i].msg_len), "%s: signature changed at %zu", v[i].name,
			    pos);
			v[i].sig[pos] ^= bit;
		}
		/* Cut short, or with a byte after it. */
		ck_assert(!rp_pubkey_verify(key, v[i].alg, v[i].sig, v[i].sig_len - 1, v[i].msg,
		    v[i].msg_len));
		{
			uint8_t *longer = malloc(v[i].sig_len + 1);

			memcpy(longer, v[i].sig, v[i].sig_len);
			longer[v[i].sig_len] = 0;
			ck_assert(!rp_pubkey_verify(key, v[i].alg, longer, v[i].sig_len + 1,
			    v[i].msg, v[i].msg_len));
			free(longer);
		}
		ck_assert(rp_pubkey_verify(key, v[i].alg, v[i].sig, v[i].sig_len, v[i].msg,
		    v[i].msg_len));
		rp_pubkey_free(key);
	}
	free_vectors(v, n);
}
END_TEST

START_TEST(test_algorithm_name_must_match_and_suit)
{
	struct vector v[MAX_VECTORS];
	size_t n = load_vectors(v);
	const struct vector *p256 = find_vector(v, n, "ecdsa-nistp256");
	const struct vector *r256 = find_vector(v, n, "rsa2048-rsa-sha2-256");
	struct rp_pubkey *ec = vector_key(p256), *rsa = vector_key(r256);
	uint8_t *renamed;
	size_t renamed_len;

	/* Asked for one algorithm, the blob names another. */
	ck_assert(!rp_pubkey_verify(rsa, "rsa-sha2-512", r256->sig, r256->sig_len, r256->msg,
	    r256->msg_len));
	ck_assert(!rp_pubkey_verify(rsa, "ssh-rsa", r256->sig, r256->sig_len, r256->msg,
	    r256->msg_len));
	/* Both say rsa-sha2-512 around a SHA-256 signature. */
	rename_sig(r256, "rsa-sha2-512", &renamed, &renamed_len);
	ck_assert(!rp_pubkey_verify(rsa, "rsa-sha2-512", renamed, renamed_len, r256->msg,
	    r256->msg_len));
	OPENSSL_free(renamed);
	/* Algorithms that do not suit the key. */
	ck_assert(!rp_pubkey_verify(ec, "ecdsa-sha2-nistp384", p256->sig, p256->sig_len,
	    p256->msg, p256->msg_len));
	ck_assert(!rp_pubkey_verify(ec, "ssh-ed25519", p256->sig, p256->sig_len, p256->msg,
	    p256->msg_len));
	ck_assert(!rp_pubkey_verify(rsa, "ecdsa-sha2-nistp256", p256->sig, p256->sig_len,
	    p256->msg, p256->msg_len));
	rename_sig(r256, "ssh-ed25519", &renamed, &renamed_len);
	ck_assert(!rp_pubkey_verify(rsa, "ssh-ed25519", renamed, renamed_len, r256->msg,
	    r256->msg_len));
	OPENSSL_free(renamed);
	rp_pubkey_free(ec);
	rp_pubkey_free(rsa);
	free_vectors(v, n);
}
END_TEST

START_TEST(test_signature_for_another_curve_is_refused)
{
	struct vector v[MAX_VECTORS];
	size_t n = load_vectors(v);
	const struct vector *p256 = find_vector(v, n, "ecdsa-nistp256");
	const struct vector *p384 = find_vector(v, n, "ecdsa-nistp384");
	const struct vector *p521 = find_vector(v, n, "ecdsa-nistp521");
	struct rp_pubkey *k256 = vector_key(p256), *k384 = vector_key(p384);
	uint8_t *renamed;
	size_t renamed_len;

	/* As sent, the algorithm does not suit the key. */
	ck_assert(!rp_pubkey_verify(k256, p384->alg, p384->sig, p384->sig_len, p384->msg,
	    p384->msg_len));
	/* Renamed for the key's own curve, r and s do not fit it. */
	rename_sig(p384, "ecdsa-sha2-nistp256", &renamed, &renamed_len);
	ck_assert(!rp_pubkey_verify(k256, "ecdsa-sha2-nistp256", renamed, renamed_len,
	    p384->msg, p384->msg_len));
	OPENSSL_free(renamed);
	rename_sig(p256, "ecdsa-sha2-nistp384", &renamed, &renamed_len);
	ck_assert(!rp_pubkey_verify(k384, "ecdsa-sha2-nistp384", renamed, renamed_len,
	    p256->msg, p256->msg_len));
	OPENSSL_free(renamed);
	rename_sig(p521, "ecdsa-sha2-nistp384", &renamed, &renamed_len);
	ck_assert(!rp_pubkey_verify(k384, "ecdsa-sha2-nistp384", renamed, renamed_len,
	    p521->msg, p521->msg_len));
	OPENSSL_free(renamed);
	rp_pubkey_free(k256);
	rp_pubkey_free(k384);
	free_vectors(v, n);
}
END_TEST

/* r and s must be canonical mpints with nothing after them. */
START_TEST(test_ecdsa_signature_encoding_is_strict)
{
	struct vector v[MAX_VECTORS];
	size_t n = load_vectors(v);
	const struct vector *p256 = find_vector(v, n, "ecdsa-nistp256");
	struct rp_pubkey *key = vector_key(p256);
	CBS cbs, name, inner, r, s;
	CBB cbb, child;
	uint8_t *sig;
	size_t sig_len;

	CBS_init(&cbs, p256->sig, p256->sig_len);
	ck_assert(ssh_get_string(&cbs, &name) && ssh_get_string(&cbs, &inner));
	ck_assert(ssh_get_string(&inner, &r) && ssh_get_string(&inner, &s));
	for (int variant = 0; variant < 4; variant++) {
		ck_assert(CBB_init(&cbb, 0) && ssh_add_cstring(&cbb, "ecdsa-sha2-nistp256"));
		ck_assert(ssh_begin_string(&cbb, &child));
		if (variant == 0) {
			/* As sent: accepted. */
			ck_assert(ssh_add_string(&child, CBS_data(&r), CBS_len(&r)));
			ck_assert(ssh_add_string(&child, CBS_data(&s), CBS_len(&s)));
		} else if (variant == 1) {
			/* r with a needless leading zero byte. */
			ck_assert(CBB_add_u32(&child, (uint32_t)CBS_len(&r) + 1));
			ck_assert(CBB_add_u8(&child, 0));
			ck_assert(CBB_add_bytes(&child, CBS_data(&r), CBS_len(&r)));
			ck_assert(ssh_add_string(&child, CBS_data(&s), CBS_len(&s)));
		} else if (variant == 2) {
			/* A byte after s. */
			ck_assert(ssh_add_string(&child, CBS_data(&r), CBS_len(&r)));
			ck_assert(ssh_add_string(&child, CBS_data(&s), CBS_len(&s)));
			ck_assert(CBB_add_u8(&child, 0));
		} else {
			/* s missing. */
			ck_assert(ssh_add_string(&child, CBS_data(&r), CBS_len(&r)));
		}
		ck_assert(CBB_finish(&cbb, &sig, &sig_len));
		ck_assert_int_eq(rp_pubkey_verify(key, "ecdsa-sha2-nistp256", sig, sig_len,
		    p256->msg, p256->msg_len), variant == 0);
		OPENSSL_free(sig);
	}
	rp_pubkey_free(key);
	free_vectors(v, n);
}
END_TEST

/* --- malformed key blobs ----------------------------------------------------- */

#define OFF_CURVE "ECDSA public key is not a valid point on its curve"

/* An ECDSA blob from its parts. */
static void
ecdsa_blob(const char *type, const char *ident, const uint8_t *q, size_t q_len,
    uint8_t **out, size_t *out_len)
{
	CBB cbb;

	ck_assert(CBB_init(&cbb, 0) && ssh_add_cstring(&cbb, type));
	ck_assert(ssh_add_cstring(&cbb, ident) && ssh_add_string(&cbb, q, q_len));
	ck_assert(CBB_finish(&cbb, out, out_len));
}

START_TEST(test_invalid_ec_points_are_refused)
{
	struct vector v[MAX_VECTORS];
	size_t n = load_vectors(v);
	const struct vector *p256 = find_vector(v, n, "ecdsa-nistp256");
	CBS cbs, skip, q;
	uint8_t point[65], *blob;
	size_t len;

	CBS_init(&cbs, p256->key, p256->key_len);
	ck_assert(ssh_get_string(&cbs, &skip) && ssh_get_string(&cbs, &skip) &&
	    ssh_get_string(&cbs, &q));
	ck_assert_uint_eq(CBS_len(&q), 65);
	memcpy(point, CBS_data(&q), 65);

	/* Off the curve: y changed. */
	point[64] ^= 0x01;
	ecdsa_blob("ecdsa-sha2-nistp256", "nistp256", point, 65, &blob, &len);
	expect_blob_refused(blob, len, OFF_CURVE);
	OPENSSL_free(blob);
	point[64] ^= 0x01;
	/* x = y = 0, and coordinates of all ones (beyond the field prime). */
	{
		uint8_t zero[65] = { 0x04 }, ones[65];

		ecdsa_blob("ecdsa-sha2-nistp256", "nistp256", zero, 65, &blob, &len);
		expect_blob_refused(blob, len, OFF_CURVE);
		OPENSSL_free(blob);
		memset(ones, 0xff, sizeof(ones));
		ones[0] = 0x04;
		ecdsa_blob("ecdsa-sha2-nistp256", "nistp256", ones, 65, &blob, &len);
		expect_blob_refused(blob, len, OFF_CURVE);
		OPENSSL_free(blob);
	}
	/* The point at infinity (one zero byte), a compressed point, the right
	 * point for another curve's length. */
	ecdsa_blob("ecdsa-sha2-nistp256", "nistp256", (const uint8_t *)"", 1, &blob, &len);
	expect_blob_refused(blob, len,
	    "ECDSA public key is not an uncompressed point of its curve");
	OPENSSL_free(blob);
	point[0] = 0x02 | (point[64] & 1);
	ecdsa_blob("ecdsa-sha2-nistp256", "nistp256", point, 33, &blob, &len);
	expect_blob_refused(blob, len,
	    "ECDSA public key is not an uncompressed point of its curve");
	OPENSSL_free(blob);
	point[0] = 0x04;
	ecdsa_blob("ecdsa-sha2-nistp384", "nistp384", point, 65, &blob, &len);
	expect_blob_refused(blob, len,
	    "ECDSA public key is not an uncompressed point of its curve");
	OPENSSL_free(blob);
	/* The curve name must be the type's own. */
	ecdsa_blob("ecdsa-sha2-nistp256", "nistp384", point, 65, &blob, &len);
	expect_blob_refused(blob, len, "ECDSA curve name does not match the key type");
	OPENSSL_free(blob);
	/* Unchanged, it is fine. */
	ecdsa_blob("ecdsa-sha2-nistp256", "nistp256", point, 65, &blob, &len);
	ck_assert_uint_eq(len, p256->key_len);
	ck_assert(memcmp(blob, p256->key, len) == 0);
	OPENSSL_free(blob);
	free_vectors(v, n);
}
END_TEST

START_TEST(test_rsa_key_numbers_are_checked)
{
	struct vector v[MAX_VECTORS];
	size_t n = load_vectors(v);
	const struct vector *r = find_vector(v, n, "rsa2048-rsa-sha2-256");
	CBS cbs, skip, e, mod;
	CBB cbb;
	uint8_t *blob;
	size_t len;

	CBS_init(&cbs, r->key, r->key_len);
	ck_assert(ssh_get_string(&cbs, &skip) && ssh_get_string(&cbs, &e) &&
	    ssh_get_string(&cbs, &mod));
	/* e with a needless zero byte. */
	ck_assert(CBB_init(&cbb, 0) && ssh_add_cstring(&cbb, "ssh-rsa"));
	ck_assert(CBB_add_u32(&cbb, (uint32_t)CBS_len(&e) + 1) && CBB_add_u8(&cbb, 0) &&
	    CBB_add_bytes(&cbb, CBS_data(&e), CBS_len(&e)));
	ck_assert(ssh_add_string(&cbb, CBS_data(&mod), CBS_len(&mod)));
	ck_assert(CBB_finish(&cbb, &blob, &len));
	expect_blob_refused(blob, len,
	    "malformed RSA key (truncated, negative, padded or too large number)");
	OPENSSL_free(blob);
	/* n without its sign byte: negative. */
	ck_assert(CBB_init(&cbb, 0) && ssh_add_cstring(&cbb, "ssh-rsa"));
	ck_assert(ssh_add_string(&cbb, CBS_data(&e), CBS_len(&e)));
	ck_assert(ssh_add_string(&cbb, CBS_data(&mod) + 1, CBS_len(&mod) - 1));
	ck_assert(CBB_finish(&cbb, &blob, &len));
	expect_blob_refused(blob, len,
	    "malformed RSA key (truncated, negative, padded or too large number)");
	OPENSSL_free(blob);
	/* An even exponent, and e = 1. */
	for (int i = 0; i < 2; i++) {
		static const uint8_t even[] = { 0x01, 0x00, 0x00 }, one[] = { 0x01 };

		ck_assert(CBB_init(&cbb, 0) && ssh_add_cstring(&cbb, "ssh-rsa"));
		ck_assert(i == 0 ? ssh_add_mpint_be(&cbb, even, 3) :
		    ssh_add_mpint_be(&cbb, one, 1));
		ck_assert(ssh_add_string(&cbb, CBS_data(&mod), CBS_len(&mod)));
		ck_assert(CBB_finish(&cbb, &blob, &len));
		expect_blob_refused(blob, len, "unsupported RSA public exponent");
		OPENSSL_free(blob);
	}
	free_vectors(v, n);
}
END_TEST

START_TEST(test_unsupported_key_types_are_named)
{
	static const uint8_t dss[] = { 0, 0, 0, 7, 's', 's', 'h', '-', 'd', 's', 's', 0, 0, 0, 0 };
	struct rp_pubkey *key;
	const char *err;

	expect_blob_refused(dss, sizeof(dss), "unsupported key type ssh-dss");
	expect_blob_refused(dss, 3, "truncated key blob");
	ck_assert(!rp_pubkey_from_text("ssh-dss AAAAB3NzaC1kc3MAAAAA", &key, NULL, &err));
	ck_assert_str_eq(err, "unknown or unsupported key type");
}
END_TEST

/* --- keys made by rampart ---------------------------------------------------- */

START_TEST(test_generate_sign_verify_round_trip)
{
	static const enum rp_key_type types[] = {
		RP_KEY_ED25519, RP_KEY_ECDSA_P256, RP_KEY_ECDSA_P384, RP_KEY_ECDSA_P521, RP_KEY_RSA,
	};
	static const char *const natural[] = {
		"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
		"rsa-sha2-512",
	};
	static const uint8_t msg[] = "session id and userauth request";
	enum rp_key_type type = types[_i];
	struct rp_privkey *priv;
	const struct rp_pubkey *pub;
	struct rp_pubkey *parsed;
	uint8_t *sig, *blob;
	size_t sig_len, blob_len;
	CBB cbb;
	CBS cbs;
	char name[64], *text;
	const char *err;

	ck_assert(rp_privkey_generate(type, &priv));
	pub = rp_privkey_public(priv);
	ck_assert_int_eq(rp_pubkey_type(pub), type);
	if (type == RP_KEY_RSA)
		ck_assert_uint_eq(rp_pubkey_bits(pub), 3072);
	ck_assert(CBB_init(&cbb, 0) && rp_privkey_sign(priv, msg, sizeof(msg), &cbb));
	ck_assert(CBB_finish(&cbb, &sig, &sig_len));
	CBS_init(&cbs, sig, sig_len);
	ck_assert(ssh_get_name(&cbs, name, sizeof(name), 0));
	ck_assert_str_eq(name, natural[_i]);
	/* Through the blob and the text line, as a peer would see the key. */
	blob_of(pub, &blob, &blob_len);
	ck_assert(rp_pubkey_parse_blob(blob, blob_len, &parsed, &err));
	ck_assert(rp_pubkey_equal(parsed, pub));
	ck_assert(rp_pubkey_verify(parsed, natural[_i], sig, sig_len, msg, sizeof(msg)));
	ck_assert(!rp_pubkey_verify(parsed, natural[_i], sig, sig_len, msg, sizeof(msg) - 1));
	rp_pubkey_free(parsed);
	text = rp_pubkey_to_text(pub, "generated");
	ck_assert(rp_pubkey_from_text(text, &parsed, NULL, &err));
	ck_assert(rp_pubkey_equal(parsed, pub));
	rp_pubkey_free(parsed);
	free(text);
	OPENSSL_free(sig);
	OPENSSL_free(blob);

	/* Algorithms chosen: every one that suits, none that does not. */
	{
		static const char *const all[] = {
			"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
			"ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
		};

		for (size_t a = 0; a < sizeof(all) / sizeof(all[0]); a++) {
			int suits = rp_sig_alg_suits(type, all[a]);

			ck_assert(CBB_init(&cbb, 0));
			ck_assert_int_eq(rp_privkey_sign_alg(priv, all[a], msg, sizeof(msg), &cbb),
			    suits);
			if (suits) {
				ck_assert(CBB_finish(&cbb, &sig, &sig_len));
				ck_assert_msg(rp_pubkey_verify(pub, all[a], sig, sig_len, msg,
				    sizeof(msg)), "%s", all[a]);
				OPENSSL_free(sig);
			} else {
				CBB_cleanup(&cbb);
			}
		}
	}
	rp_privkey_free(priv);
}
END_TEST

START_TEST(test_algorithm_names_and_lists)
{
	static const struct {
		enum rp_key_type type;
		const char *alg;
		int suits;
	} table[] = {
		{ RP_KEY_ED25519, "ssh-ed25519", 1 },
		{ RP_KEY_ED25519, "ssh-rsa", 0 },
		{ RP_KEY_ECDSA_P256, "ecdsa-sha2-nistp256", 1 },
		{ RP_KEY_ECDSA_P256, "ecdsa-sha2-nistp384", 0 },
		{ RP_KEY_ECDSA_P384, "ecdsa-sha2-nistp384", 1 },
		{ RP_KEY_ECDSA_P521, "ecdsa-sha2-nistp521", 1 },
		{ RP_KEY_ECDSA_P521, "ecdsa-sha2-nistp256", 0 },
		{ RP_KEY_RSA, "rsa-sha2-256", 1 },
		{ RP_KEY_RSA, "rsa-sha2-512", 1 },
		{ RP_KEY_RSA, "ssh-rsa", 1 },
		{ RP_KEY_RSA, "ssh-ed25519", 0 },
		{ RP_KEY_RSA, "rsa-sha2-256-cert-v01@openssh.com", 0 },
		{ RP_KEY_RSA, "", 0 },
	};
	enum rp_key_type t;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		ck_assert_msg(rp_sig_alg_suits(table[i].type, table[i].alg) == table[i].suits,
		    "%d %s", table[i].type, table[i].alg);
	ck_assert_str_eq(rp_pubkey_alg_supported_list(),
	    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	    "rsa-sha2-512,rsa-sha2-256,ssh-rsa,"
	    "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	    "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
	    "ssh-rsa-cert-v01@openssh.com");
	for (size_t i = 0; i < NFIXTURE_KEYS; i++) {
		ck_assert(rp_key_type_from_name(fixture_keys[i].type_name, &t));
		ck_assert_int_eq(t, fixture_keys[i].type);
		ck_assert_str_eq(rp_key_type_name(t), fixture_keys[i].type_name);
	}
	ck_assert(!rp_key_type_from_name("rsa-sha2-256", &t));
	ck_assert(!rp_key_type_from_name("ssh-dss", &t));
	ck_assert(!rp_key_type_from_name("ecdsa-sha2-nistp256-cert-v01@openssh.com", &t));
}
END_TEST

RP_TEST_SUITE(keys_ecdsa_rsa)
{
	Suite *s = suite_create("keys_ecdsa_rsa");
	TCase *fixtures = tcase_create("ssh_keygen_keys");
	TCase *sigs = tcase_create("cryptography_signatures");
	TCase *own = tcase_create("generated");

	tcase_add_loop_test(fixtures, test_fingerprints_match_ssh_keygen, 0, NFIXTURE_KEYS);
	tcase_add_loop_test(fixtures, test_text_and_blob_round_trip, 0, NFIXTURE_KEYS);
	tcase_add_test(fixtures, test_different_keys_are_not_equal);
	tcase_add_test(fixtures, test_rsa_1024_is_refused_with_its_reason);
	tcase_add_loop_test(fixtures, test_every_truncation_of_a_key_blob_is_refused, 0,
	    NFIXTURE_KEYS);
	tcase_add_loop_test(fixtures, test_trailing_bytes_after_a_key_are_refused, 0,
	    NFIXTURE_KEYS);
	tcase_add_test(fixtures, test_invalid_ec_points_are_refused);
	tcase_add_test(fixtures, test_rsa_key_numbers_are_checked);
	tcase_add_test(fixtures, test_unsupported_key_types_are_named);
	suite_add_tcase(s, fixtures);

	tcase_set_timeout(sigs, 120);
	tcase_add_test(sigs, test_signatures_from_cryptography_verify);
	tcase_add_test(sigs, test_rsa_signature_length_against_the_modulus);
	tcase_add_test(sigs, test_tampered_signatures_are_refused);
	tcase_add_test(sigs, test_algorithm_name_must_match_and_suit);
	tcase_add_test(sigs, test_signature_for_another_curve_is_refused);
	tcase_add_test(sigs, test_ecdsa_signature_encoding_is_strict);
	suite_add_tcase(s, sigs);

	/* RSA key generation can take seconds under the sanitizers. */
	tcase_set_timeout(own, 120);
	tcase_add_loop_test(own, test_generate_sign_verify_round_trip, 0, 5);
	tcase_add_test(own, test_algorithm_names_and_lists);
	suite_add_tcase(s, own);
	return s;
}

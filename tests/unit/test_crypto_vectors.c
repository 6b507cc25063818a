/*
 * tests/unit/test_crypto_vectors.c: the published test vectors for X25519
 * (RFC 7748) and Ed25519 (RFC 8032) through rampart's wrappers
 * (crypto/x25519.h, crypto/sshkey.h), and the SSH forms of ed25519 keys:
 * blobs, text lines and fingerprints.
 */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wire.h"
#include "crypto/encoding.h"
#include "crypto/sshkey.h"
#include "crypto/sshkey_internal.h"
#include "crypto/x25519.h"

/* --- X25519, RFC 7748 ---------------------------------------------------------- */

static void
x25519_hex(const char *k_hex, const char *u_hex, uint8_t out[RP_X25519_LEN])
{
	uint8_t k[RP_X25519_LEN], u[RP_X25519_LEN];

	ck_assert_uint_eq(rp_test_unhex(k_hex, k, sizeof(k)), RP_X25519_LEN);
	ck_assert_uint_eq(rp_test_unhex(u_hex, u, sizeof(u)), RP_X25519_LEN);
	ck_assert(rp_x25519_shared(out, k, u));
}

static void
assert_hex_eq(const uint8_t *got, size_t len, const char *want_hex)
{
	uint8_t want[128];

	ck_assert_uint_eq(rp_test_unhex(want_hex, want, sizeof(want)), len);
	ck_assert_msg(memcmp(got, want, len) == 0, "bytes differ from %s", want_hex);
}

/* RFC 7748 section 5.2: the two single vectors. The second u-coordinate has
 * its top bit set, which X25519 must ignore. */
START_TEST(test_x25519_rfc7748_single_vectors)
{
	uint8_t out[RP_X25519_LEN];

	x25519_hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
	    "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c", out);
	assert_hex_eq(out, sizeof(out),
	    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	x25519_hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
	    "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493", out);
	assert_hex_eq(out, sizeof(out),
	    "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}
END_TEST

/* RFC 7748 section 5.2: k = u = 9, then k, u = X25519(k, u), k. */
START_TEST(test_x25519_rfc7748_iterations_1_and_1000)
{
	uint8_t k[RP_X25519_LEN] = { 9 }, u[RP_X25519_LEN] = { 9 }, next[RP_X25519_LEN];

	for (int i = 1; i <= 1000; i++) {
		ck_assert(rp_x25519_shared(next, k, u));
		memcpy(u, k, sizeof(u));
		memcpy(k, next, sizeof(k));
		if (i == 1)
			assert_hex_eq(k, sizeof(k),
			    "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
	}
	assert_hex_eq(k, sizeof(k),
	    "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}
END_TEST

/* RFC 7748 section 6.1: Alice and Bob. */
START_TEST(test_x25519_rfc7748_alice_and_bob)
{
	static const char *a = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
	static const char *a_pub =
	    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
	static const char *b = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
	static const char *b_pub =
	    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
	static const char *nine =
	    "0900000000000000000000000000000000000000000000000000000000000000";
	static const char *k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
	uint8_t out[RP_X25519_LEN];

	x25519_hex(a, nine, out);
	assert_hex_eq(out, sizeof(out), a_pub);
	x25519_hex(b, nine, out);
	assert_hex_eq(out, sizeof(out), b_pub);
	x25519_hex(a, b_pub, out);
	assert_hex_eq(out, sizeof(out), k);
	x25519_hex(b, a_pub, out);
	assert_hex_eq(out, sizeof(out), k);
}
END_TEST

/* RFC 8731 section 3: an all-zero shared secret aborts the exchange. The
 * points u = 0 and u = 1 have small order and give it for any key. */
START_TEST(test_x25519_all_zero_shared_secret_is_refused)
{
	uint8_t pub[RP_X25519_LEN], priv[RP_X25519_LEN], peer[RP_X25519_LEN] = { 0 };
	uint8_t shared[RP_X25519_LEN], zero[RP_X25519_LEN] = { 0 };

	rp_x25519_keypair(pub, priv);
	memset(shared, 0xaa, sizeof(shared));
	ck_assert(!rp_x25519_shared(shared, priv, peer));
	ck_assert(memcmp(shared, zero, sizeof(zero)) == 0);
	peer[0] = 1;
	ck_assert(!rp_x25519_shared(shared, priv, peer));
}
END_TEST

START_TEST(test_x25519_fresh_keypairs_agree)
{
	uint8_t a_pub[RP_X25519_LEN], a[RP_X25519_LEN], b_pub[RP_X25519_LEN], b[RP_X25519_LEN];
	uint8_t k1[RP_X25519_LEN], k2[RP_X25519_LEN];

	rp_x25519_keypair(a_pub, a);
	rp_x25519_keypair(b_pub, b);
	ck_assert(memcmp(a_pub, b_pub, RP_X25519_LEN) != 0);
	ck_assert(rp_x25519_shared(k1, a, b_pub));
	ck_assert(rp_x25519_shared(k2, b, a_pub));
	ck_assert(memcmp(k1, k2, RP_X25519_LEN) == 0);
}
END_TEST

/* --- Ed25519, RFC 8032 section 7.1 ---------------------------------------------- */

struct ed25519_vector {
	const char *name, *secret, *public, *message, *signature;
};

static const struct ed25519_vector ed25519_vectors[] = {
	{ "TEST 1",
	    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	    "",
	    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "TEST 2",
	    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	    "72",
	    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "TEST 3",
	    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	    "af82",
	    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	    "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};
#define NED25519 ((int)(sizeof(ed25519_vectors) / sizeof(ed25519_vectors[0])))

struct signed_vector {
	struct rp_privkey *key;
	uint8_t msg[8];
	size_t msg_len;
	uint8_t *blob; /* the SSH signature blob, CBB memory */
	size_t blob_len;
};

/* Key from the vector's parts, and its SSH signature over the message. */
static void
sign_vector(const struct ed25519_vector *v, struct signed_vector *s)
{
	uint8_t seed_pub[64], pub[32];
	CBB cbb;

	ck_assert_uint_eq(rp_test_unhex(v->secret, seed_pub, 32), 32);
	ck_assert_uint_eq(rp_test_unhex(v->public, pub, sizeof(pub)), 32);
	memcpy(seed_pub + 32, pub, 32);
	ck_assert_msg(rp_privkey_from_ed25519_parts(pub, 32, seed_pub, 64, &s->key),
	    "%s: key parts refused", v->name);
	s->msg_len = rp_test_unhex(v->message, s->msg, sizeof(s->msg));
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(rp_privkey_sign(s->key, s->msg, s->msg_len, &cbb));
	ck_assert(CBB_finish(&cbb, &s->blob, &s->blob_len));
}

static void
release(struct signed_vector *s)
{
	rp_privkey_free(s->key);
	OPENSSL_free(s->blob);
}

START_TEST(test_ed25519_rfc8032_signatures_are_exact)
{
	const struct ed25519_vector *v = &ed25519_vectors[_i];
	struct signed_vector s;
	uint8_t want[64];
	CBS cbs, alg, sig;

	sign_vector(v, &s);
	/* string "ssh-ed25519" || string signature (RFC 8709 section 6). */
	CBS_init(&cbs, s.blob, s.blob_len);
	ck_assert(ssh_get_string(&cbs, &alg) && ssh_get_string(&cbs, &sig));
	ck_assert_uint_eq(CBS_len(&cbs), 0);
	ck_assert(CBS_mem_equal(&alg, (const uint8_t *)"ssh-ed25519", 11));
	rp_test_unhex(v->signature, want, sizeof(want));
	ck_assert_msg(CBS_len(&sig) == 64 && memcmp(CBS_data(&sig), want, 64) == 0,
	    "%s: signature differs from RFC 8032", v->name);
	ck_assert(rp_pubkey_verify(rp_privkey_public(s.key), "ssh-ed25519", s.blob, s.blob_len,
	    s.msg, s.msg_len));
	release(&s);
}
END_TEST

START_TEST(test_ed25519_verify_rejects_any_flipped_bit)
{
	const struct ed25519_vector *v = &ed25519_vectors[_i];
	const struct rp_pubkey *pub;
	struct signed_vector s;

	sign_vector(v, &s);
	pub = rp_privkey_public(s.key);
	/* Every bit of the message. */
	for (size_t bit = 0; bit < s.msg_len * 8; bit++) {
		s.msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ck_assert(!rp_pubkey_verify(pub, "ssh-ed25519", s.blob, s.blob_len, s.msg,
		    s.msg_len));
		s.msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* Every bit of the blob: algorithm name, lengths and signature. */
	for (size_t bit = 0; bit < s.blob_len * 8; bit++) {
		s.blob[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ck_assert_msg(!rp_pubkey_verify(pub, "ssh-ed25519", s.blob, s.blob_len, s.msg,
		    s.msg_len), "%s: flipped blob bit %zu accepted", v->name, bit);
		s.blob[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	ck_assert(rp_pubkey_verify(pub, "ssh-ed25519", s.blob, s.blob_len, s.msg, s.msg_len));
	release(&s);
}
END_TEST

START_TEST(test_ed25519_verify_rejects_wrong_name_and_extra_bytes)
{
	struct signed_vector s;
	const struct rp_pubkey *pub;
	uint8_t *longer;
	CBB cbb;
	uint8_t *blob;
	size_t blob_len;
	CBS cbs, alg, sig;

	sign_vector(&ed25519_vectors[2], &s);
	pub = rp_privkey_public(s.key);
	/* The protocol message named another algorithm. */
	ck_assert(!rp_pubkey_verify(pub, "rsa-sha2-256", s.blob, s.blob_len, s.msg, s.msg_len));
	ck_assert(!rp_pubkey_verify(pub, "", s.blob, s.blob_len, s.msg, s.msg_len));
	/* One byte after the blob. */
	longer = malloc(s.blob_len + 1);
	memcpy(longer, s.blob, s.blob_len);
	longer[s.blob_len] = 0;
	ck_assert(!rp_pubkey_verify(pub, "ssh-ed25519", longer, s.blob_len + 1, s.msg,
	    s.msg_len));
	free(longer);
	/* Truncated. */
	ck_assert(!rp_pubkey_verify(pub, "ssh-ed25519", s.blob, s.blob_len - 1, s.msg,
	    s.msg_len));
	ck_assert(!rp_pubkey_verify(pub, "ssh-ed25519", s.blob, 0, s.msg, s.msg_len));
	/* The blob names another algorithm around the same signature, and the
	 * call agrees with the blob. */
	CBS_init(&cbs, s.blob, s.blob_len);
	ck_assert(ssh_get_string(&cbs, &alg) && ssh_get_string(&cbs, &sig));
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(ssh_add_cstring(&cbb, "ssh-ed448"));
	ck_assert(ssh_add_string(&cbb, CBS_data(&sig), CBS_len(&sig)));
	ck_assert(CBB_finish(&cbb, &blob, &blob_len));
	ck_assert(!rp_pubkey_verify(pub, "ssh-ed448", blob, blob_len, s.msg, s.msg_len));
	ck_assert(!rp_pubkey_verify(pub, "ssh-ed25519", blob, blob_len, s.msg, s.msg_len));
	OPENSSL_free(blob);
	/* A signature by another key. */
	{
		struct signed_vector other;

		sign_vector(&ed25519_vectors[1], &other);
		ck_assert(!rp_pubkey_verify(pub, "ssh-ed25519", other.blob, other.blob_len,
		    s.msg, s.msg_len));
		release(&other);
	}
	release(&s);
}
END_TEST

START_TEST(test_ed25519_parts_must_agree)
{
	uint8_t seed_pub[64], pub[32], other[32];
	struct rp_privkey *key = NULL;

	rp_test_unhex(ed25519_vectors[0].secret, seed_pub, 32);
	rp_test_unhex(ed25519_vectors[0].public, pub, 32);
	rp_test_unhex(ed25519_vectors[1].public, other, 32);
	memcpy(seed_pub + 32, pub, 32);
	ck_assert(!rp_privkey_from_ed25519_parts(other, 32, seed_pub, 64, &key));
	memcpy(seed_pub + 32, other, 32);
	ck_assert(!rp_privkey_from_ed25519_parts(pub, 32, seed_pub, 64, &key));
	ck_assert(!rp_privkey_from_ed25519_parts(pub, 31, seed_pub, 64, &key));
	ck_assert(!rp_privkey_from_ed25519_parts(pub, 32, seed_pub, 32, &key));
	ck_assert_ptr_null(key);
}
END_TEST

/* --- SSH public key forms ----------------------------------------------------------- */

/* tests/vectors/openssh-keys/ed25519_1.pub, OpenSSH's regress test key. */
static const char *ed25519_1_pub =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFOG6kY7Rf4UtCFvPwKgo/BztXck2xC4a2WyA34XtIwZ "
    "ED25519 test key #1";

START_TEST(test_pubkey_text_and_blob_round_trip)
{
	struct rp_pubkey *key, *again;
	char *comment = NULL, *text;
	const char *err = NULL;
	CBB cbb;
	uint8_t *blob, *longer;
	size_t blob_len;

	ck_assert_msg(rp_pubkey_from_text(ed25519_1_pub, &key, &comment, &err), "%s", err);
	ck_assert_int_eq(rp_pubkey_type(key), RP_KEY_ED25519);
	ck_assert_str_eq(comment, "ED25519 test key #1");
	text = rp_pubkey_to_text(key, comment);
	ck_assert_str_eq(text, ed25519_1_pub);
	free(text);
	text = rp_pubkey_to_text(key, NULL);
	ck_assert(strncmp(text, ed25519_1_pub, strlen(text)) == 0);
	ck_assert_uint_eq(strlen(text), 80);
	free(text);

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(rp_pubkey_to_blob(key, &cbb));
	ck_assert(CBB_finish(&cbb, &blob, &blob_len));
	ck_assert_uint_eq(blob_len, 4 + 11 + 4 + 32);
	ck_assert(rp_pubkey_from_blob(blob, blob_len, &again));
	ck_assert(rp_pubkey_equal(key, again));
	rp_pubkey_free(again);
	/* Exactly the blob: nothing missing, nothing after. */
	ck_assert(!rp_pubkey_from_blob(blob, blob_len - 1, &again));
	ck_assert_ptr_null(again);
	longer = malloc(blob_len + 1);
	memcpy(longer, blob, blob_len);
	longer[blob_len] = 0;
	ck_assert(!rp_pubkey_from_blob(longer, blob_len + 1, &again));
	free(longer);
	OPENSSL_free(blob);

	/* Blanks around, no comment. */
	ck_assert(rp_pubkey_from_text("  ssh-ed25519\tAAAAC3NzaC1lZDI1NTE5AAAAIFOG6kY7Rf4UtCFvPwKgo/"
	    "BztXck2xC4a2WyA34XtIwZ \t\n", &again, NULL, &err));
	ck_assert(rp_pubkey_equal(key, again));
	rp_pubkey_free(again);
	rp_pubkey_free(key);
	free(comment);
}
END_TEST

/* The fingerprint `ssh-keygen -lf tests/vectors/openssh-keys/ed25519_1.pub`
 * printed (OpenSSH 9.2p1), computed once and hard-coded here:
 * 256 SHA256:L3k/oJubblSY0lB9Ulsl7emDMnRPKm/8udf2ccwk560 ED25519 test key #1 (ED25519) */
START_TEST(test_fingerprint_matches_ssh_keygen)
{
	struct rp_pubkey *key;
	const char *err;
	char fp[128];

	ck_assert(rp_pubkey_from_text(ed25519_1_pub, &key, NULL, &err));
	ck_assert(rp_pubkey_fingerprint(key, fp, sizeof(fp)));
	ck_assert_str_eq(fp, "SHA256:L3k/oJubblSY0lB9Ulsl7emDMnRPKm/8udf2ccwk560");
	/* 7 + 43 characters and the NUL: one byte less is refused. */
	ck_assert(rp_pubkey_fingerprint(key, fp, 51));
	ck_assert(!rp_pubkey_fingerprint(key, fp, 50));
	rp_pubkey_free(key);
}
END_TEST

static void
expect_text_refused(const char *line, const char *want)
{
	struct rp_pubkey *key = (struct rp_pubkey *)1;
	char *comment = (char *)1;
	const char *err = NULL;

	ck_assert_msg(!rp_pubkey_from_text(line, &key, &comment, &err), "accepted \"%s\"", line);
	ck_assert_ptr_null(key);
	ck_assert_ptr_null(comment);
	ck_assert_msg(err != NULL && strcmp(err, want) == 0, "\"%s\": error \"%s\", expected \"%s\"",
	    line, err ? err : "(none)", want);
}

/* The line for a blob, base64-encoded: "WORD BASE64". */
static char *
line_for_blob(const char *word, const uint8_t *blob, size_t len)
{
	char *b64 = rp_base64_encode(blob, len), *line;

	ck_assert(asprintf(&line, "%s %s", word, b64) > 0);
	free(b64);
	return line;
}

START_TEST(test_malformed_text_lines_are_refused)
{
	struct rp_pubkey *key;
	const char *err;
	CBB cbb;
	uint8_t *blob, *rsa;
	size_t blob_len, rsa_len;
	char *line;

	expect_text_refused("", "empty key line");
	expect_text_refused("   ", "empty key line");
	expect_text_refused("ssh-foo AAAAC3NzaC1lZDI1NTE5AAAAIFOG6kY7Rf4UtCFvPwKgo/"
	    "BztXck2xC4a2WyA34XtIwZ",
	    "unknown or unsupported key type");
	/* Another algorithm's type word around an ed25519 blob. */
	expect_text_refused("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIFOG6kY7Rf4UtCFvPwKgo/"
	    "BztXck2xC4a2WyA34XtIwZ",
	    "key type word does not match the key data");
	expect_text_refused("ssh-ed25519", "missing base64 key data");
	expect_text_refused("ssh-ed25519 AAAA*3NzaC1lZDI1NTE5AAAAIFOG6kY7Rf4UtCFvPwKgo/"
	    "BztXck2xC4a2WyA34XtIwZ",
	    "invalid base64 key data");
	expect_text_refused("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFOG6kY7Rf4UtCFvPwKgo/"
	    "BztXck2xC4a2WyA34XtIw",
	    "invalid base64 key data");

	/* Valid base64 of the blob cut short, at every length. */
	ck_assert(rp_pubkey_from_text(ed25519_1_pub, &key, NULL, &err));
	ck_assert(CBB_init(&cbb, 0) && rp_pubkey_to_blob(key, &cbb));
	ck_assert(CBB_finish(&cbb, &blob, &blob_len));
	rp_pubkey_free(key);
	for (size_t n = 1; n < blob_len; n++) {
		line = line_for_blob("ssh-ed25519", blob, n);
		expect_text_refused(line, "malformed key data");
		free(line);
	}
	OPENSSL_free(blob);

	/* The ed25519 type word around another algorithm's blob. */
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(ssh_add_cstring(&cbb, "ssh-rsa"));
	ck_assert(ssh_add_mpint_be(&cbb, (const uint8_t *)"\x01\x00\x01", 3));
	ck_assert(ssh_add_mpint_be(&cbb, (const uint8_t *)"\xc3\x5a\x77\x19", 4));
	ck_assert(CBB_finish(&cbb, &rsa, &rsa_len));
	line = line_for_blob("ssh-ed25519", rsa, rsa_len);
	expect_text_refused(line, "key type word does not match the key data");
	free(line);
	OPENSSL_free(rsa);
}
END_TEST

RP_TEST_SUITE(crypto_vectors)
{
	Suite *s = suite_create("crypto_vectors");
	TCase *x = tcase_create("x25519");
	TCase *ed = tcase_create("ed25519");
	TCase *forms = tcase_create("ssh_forms");

	tcase_add_test(x, test_x25519_rfc7748_single_vectors);
	tcase_add_test(x, test_x25519_rfc7748_iterations_1_and_1000);
	tcase_add_test(x, test_x25519_rfc7748_alice_and_bob);
	tcase_add_test(x, test_x25519_all_zero_shared_secret_is_refused);
	tcase_add_test(x, test_x25519_fresh_keypairs_agree);
	suite_add_tcase(s, x);
	tcase_add_loop_test(ed, test_ed25519_rfc8032_signatures_are_exact, 0, NED25519);
	tcase_add_loop_test(ed, test_ed25519_verify_rejects_any_flipped_bit, 0, NED25519);
	tcase_add_test(ed, test_ed25519_verify_rejects_wrong_name_and_extra_bytes);
	tcase_add_test(ed, test_ed25519_parts_must_agree);
	suite_add_tcase(s, ed);
	tcase_add_test(forms, test_pubkey_text_and_blob_round_trip);
	tcase_add_test(forms, test_fingerprint_matches_ssh_keygen);
	tcase_add_test(forms, test_malformed_text_lines_are_refused);
	suite_add_tcase(s, forms);
	return s;
}

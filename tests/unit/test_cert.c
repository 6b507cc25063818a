/*
 * tests/unit/test_cert.c: OpenSSH certificates (crypto/cert.h) against
 * certificates made by ssh-keygen -s (tests/vectors/certs/make.sh, whose
 * serials, key ids, principals, validity and options the tables below
 * repeat), and against certificates built here with one field wrong.
 */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wire.h"
#include "crypto/cert.h"
#include "crypto/encoding.h"
#include "crypto/sshkey.h"

/* The key types of make.sh, in its order. */
static const char *const type_names[] = {
	"ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa",
};
static const enum rp_key_type key_types[] = {
	RP_KEY_ED25519, RP_KEY_ECDSA_P256, RP_KEY_ECDSA_P384, RP_KEY_ECDSA_P521, RP_KEY_RSA,
};
static const char *const cert_type_names[] = {
	"ssh-ed25519-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp384-cert-v01@openssh.com",
	"ecdsa-sha2-nistp521-cert-v01@openssh.com",
	"ssh-rsa-cert-v01@openssh.com",
};
#define NTYPES 5
/* ssh-keygen's default user certificate extensions, in certificate order. */
static const char *const default_extensions[] = {
	"permit-X11-forwarding", "permit-agent-forwarding", "permit-port-forwarding",
	"permit-pty", "permit-user-rc",
};
/* -V 20240101000000Z:20340101000000Z */
#define WINDOW_AFTER 1704067200u
#define WINDOW_BEFORE 2019686400u

/* --- helpers --------------------------------------------------------------- */


/* The blob of a "TYPE BASE64 [COMMENT]" line in a fixture file. */
static void
read_blob(const char *relative, uint8_t **blob, size_t *len)
{
	char *text = rp_test_read_file(relative, NULL), *b64, *end;

	b64 = strchr(text, ' ');
	ck_assert_msg(b64 != NULL, "%s: no key data", relative);
	b64++;
	end = b64 + strcspn(b64, " \n");
	ck_assert_msg(rp_base64_decode(b64, (size_t)(end - b64), blob, len), "%s: bad base64",
	    relative);
	free(text);
}

static struct rp_cert *
load_cert(const char *name)
{
	char rel[256];
	uint8_t *blob;
	size_t len;
	struct rp_cert *cert;
	const char *err = NULL;

	snprintf(rel, sizeof(rel), "tests/vectors/certs/%s-cert.pub", name);
	read_blob(rel, &blob, &len);
	ck_assert_msg(rp_cert_from_blob(blob, len, &cert, &err), "%s refused: %s", name, err);
	free(blob);
	return cert;
}

static struct rp_pubkey *
load_key(const char *name)
{
	char rel[256];
	char *text;
	struct rp_pubkey *key;
	const char *err = NULL;

	snprintf(rel, sizeof(rel), "tests/vectors/certs/%s.pub", name);
	text = rp_test_read_file(rel, NULL);
	text[strcspn(text, "\n")] = '\0';
	ck_assert_msg(rp_pubkey_from_text(text, &key, NULL, &err), "%s refused: %s", name, err);
	free(text);
	return key;
}

static void
assert_key_id(const struct rp_cert *cert, const char *want)
{
	const uint8_t *id;
	size_t len;

	rp_cert_key_id(cert, &id, &len);
	ck_assert_msg(len == strlen(want) && memcmp(id, want, len) == 0,
	    "key id %.*s, expected %s", (int)len, (const char *)id, want);
}

static void
assert_default_extensions(const struct rp_cert *cert)
{
	ck_assert_uint_eq(rp_cert_nextensions(cert), 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_str_eq(rp_cert_extension_name(cert, i), default_extensions[i]);
		ck_assert_str_eq(rp_cert_extension_value(cert, i), "");
	}
}

/* --- certificates from ssh-keygen ---------------------------------------------- */

START_TEST(test_user_certs_of_every_key_type_under_every_ca_type)
{
	for (size_t k = 0; k < NTYPES; k++) {
		for (size_t c = 0; c < NTYPES; c++) {
			char name[64], id[64], keyname[32], caname[32];
			struct rp_cert *cert;
			struct rp_pubkey *key, *ca;

			snprintf(name, sizeof(name), "user_%s_by_%s", type_names[k], type_names[c]);
			snprintf(id, sizeof(id), "user-%s-by-%s", type_names[k], type_names[c]);
			snprintf(keyname, sizeof(keyname), "key_%s", type_names[k]);
			snprintf(caname, sizeof(caname), "ca_%s", type_names[c]);
			cert = load_cert(name);
			key = load_key(keyname);
			ca = load_key(caname);
			ck_assert_str_eq(rp_cert_type_name(cert), cert_type_names[k]);
			ck_assert_int_eq(rp_cert_type(cert), RP_CERT_USER);
			ck_assert_int_eq(rp_pubkey_type(rp_cert_key(cert)), key_types[k]);
			ck_assert_msg(rp_pubkey_equal(rp_cert_key(cert), key), "%s: key", name);
			ck_assert_msg(rp_pubkey_equal(rp_cert_ca(cert), ca), "%s: CA", name);
			ck_assert_uint_eq(rp_cert_serial(cert), 100 + 10 * k + c);
			assert_key_id(cert, id);
			ck_assert_uint_eq(rp_cert_nprincipals(cert), 2);
			ck_assert_str_eq(rp_cert_principal(cert, 0), "alice");
			ck_assert_str_eq(rp_cert_principal(cert, 1), "bob");
			ck_assert_uint_eq(rp_cert_valid_after(cert), WINDOW_AFTER);
			ck_assert_uint_eq(rp_cert_valid_before(cert), WINDOW_BEFORE);
			ck_assert_uint_eq(rp_cert_ncritical(cert), 0);
			assert_default_extensions(cert);
			ck_assert_msg(rp_cert_verify(cert, 0), "%s: CA signature refused", name);
			rp_pubkey_free(key);
			rp_pubkey_free(ca);
			rp_cert_free(cert);
		}
	}
}
END_TEST

START_TEST(test_host_certs_of_every_key_type)
{
	for (size_t k = 0; k < NTYPES; k++) {
		char name[64], id[64], caname[32];
		struct rp_cert *cert;
		struct rp_pubkey *ca;

		snprintf(name, sizeof(name), "host_%s", type_names[k]);
		snprintf(id, sizeof(id), "host-%s", type_names[k]);
		/* make.sh signs each host key with the next CA type. */
		snprintf(caname, sizeof(caname), "ca_%s", type_names[(k + 1) % NTYPES]);
		cert = load_cert(name);
		ca = load_key(caname);
		ck_assert_str_eq(rp_cert_type_name(cert), cert_type_names[k]);
		ck_assert_int_eq(rp_cert_type(cert), RP_CERT_HOST);
		ck_assert(rp_pubkey_equal(rp_cert_ca(cert), ca));
		ck_assert_uint_eq(rp_cert_serial(cert), 200 + k);
		assert_key_id(cert, id);
		ck_assert_uint_eq(rp_cert_nprincipals(cert), 2);
		ck_assert_str_eq(rp_cert_principal(cert, 0), "host.example.com");
		ck_assert_str_eq(rp_cert_principal(cert, 1), "db01.example.com");
		ck_assert_uint_eq(rp_cert_valid_after(cert), WINDOW_AFTER);
		ck_assert_uint_eq(rp_cert_valid_before(cert), WINDOW_BEFORE);
		ck_assert_uint_eq(rp_cert_ncritical(cert), 0);
		ck_assert_uint_eq(rp_cert_nextensions(cert), 0);
		ck_assert_msg(rp_cert_verify(cert, 0), "%s: CA signature refused", name);
		rp_pubkey_free(ca);
		rp_cert_free(cert);
	}
}
END_TEST

START_TEST(test_force_command_and_source_address_are_read_as_text)
{
	struct rp_cert *cert = load_cert("opts");

	ck_assert_int_eq(rp_pubkey_type(rp_cert_key(cert)), RP_KEY_ECDSA_P256);
	ck_assert_int_eq(rp_pubkey_type(rp_cert_ca(cert)), RP_KEY_ED25519);
	ck_assert_uint_eq(rp_cert_serial(cert), 300);
	assert_key_id(cert, "opts");
	ck_assert_uint_eq(rp_cert_nprincipals(cert), 1);
	ck_assert_str_eq(rp_cert_principal(cert, 0), "carol");
	ck_assert_uint_eq(rp_cert_ncritical(cert), 2);
	ck_assert_str_eq(rp_cert_critical_name(cert, 0), "force-command");
	ck_assert_str_eq(rp_cert_critical_value(cert, 0),
	    "/usr/bin/rsync --server --sender -vlogDtpre.iLsfxC . /srv");
	ck_assert_str_eq(rp_cert_critical_name(cert, 1), "source-address");
	ck_assert_str_eq(rp_cert_critical_value(cert, 1), "10.0.0.0/8,192.168.1.7");
	/* A custom extension with a value sorts before the defaults. */
	ck_assert_uint_eq(rp_cert_nextensions(cert), 6);
	ck_assert_str_eq(rp_cert_extension_name(cert, 0), "login@example.com");
	ck_assert_str_eq(rp_cert_extension_value(cert, 0), "carol");
	for (size_t i = 0; i < 5; i++) {
		ck_assert_str_eq(rp_cert_extension_name(cert, i + 1), default_extensions[i]);
		ck_assert_str_eq(rp_cert_extension_value(cert, i + 1), "");
	}
	ck_assert_ptr_null(rp_cert_extension_name(cert, 6));
	ck_assert_ptr_null(rp_cert_critical_value(cert, 2));
	ck_assert(rp_cert_verify(cert, 0));
	rp_cert_free(cert);
}
END_TEST

START_TEST(test_no_pty_cert_lacks_permit_pty)
{
	struct rp_cert *cert = load_cert("nopty");

	ck_assert_uint_eq(rp_cert_serial(cert), 301);
	/* -V 20250601120000Z:20250601130000Z */
	ck_assert_uint_eq(rp_cert_valid_after(cert), 1748779200u);
	ck_assert_uint_eq(rp_cert_valid_before(cert), 1748782800u);
	ck_assert_str_eq(rp_cert_principal(cert, 0), "dave");
	ck_assert_uint_eq(rp_cert_nextensions(cert), 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_ne(rp_cert_extension_name(cert, i), "permit-pty");
	ck_assert_str_eq(rp_cert_extension_name(cert, 2), "permit-port-forwarding");
	ck_assert_str_eq(rp_cert_extension_name(cert, 3), "permit-user-rc");
	ck_assert(rp_cert_verify(cert, 0));
	rp_cert_free(cert);
}
END_TEST

START_TEST(test_cert_without_principals_valid_forever)
{
	struct rp_cert *cert = load_cert("forever");

	ck_assert_int_eq(rp_pubkey_type(rp_cert_key(cert)), RP_KEY_RSA);
	ck_assert_uint_eq(rp_pubkey_bits(rp_cert_key(cert)), 3072);
	ck_assert_int_eq(rp_pubkey_type(rp_cert_ca(cert)), RP_KEY_ECDSA_P384);
	ck_assert_uint_eq(rp_cert_serial(cert), 0);
	ck_assert_uint_eq(rp_cert_nprincipals(cert), 0);
	ck_assert_ptr_null(rp_cert_principal(cert, 0));
	ck_assert_uint_eq(rp_cert_valid_after(cert), 0);
	ck_assert_uint_eq(rp_cert_valid_before(cert), UINT64_MAX);
	ck_assert(rp_cert_verify(cert, 0));
	rp_cert_free(cert);
}
END_TEST

START_TEST(test_rsa_ca_signatures_sha1_only_when_allowed)
{
	struct rp_cert *sha256 = load_cert("sig_rsa256"), *sha1 = load_cert("sig_sha1");

	ck_assert(rp_cert_verify(sha256, 0));
	ck_assert(rp_cert_verify(sha256, 1));
	ck_assert(!rp_cert_verify(sha1, 0));
	ck_assert(rp_cert_verify(sha1, 1));
	rp_cert_free(sha256);
	rp_cert_free(sha1);
}
END_TEST

START_TEST(test_cert_blob_is_the_parsed_bytes)
{
	uint8_t *blob;
	size_t len;
	const uint8_t *got;
	size_t got_len;
	struct rp_cert *cert;
	const char *err;

	read_blob("tests/vectors/certs/opts-cert.pub", &blob, &len);
	ck_assert(rp_cert_from_blob(blob, len, &cert, &err));
	rp_cert_blob(cert, &got, &got_len);
	ck_assert_uint_eq(got_len, len);
	ck_assert(memcmp(got, blob, len) == 0);
	ck_assert_ptr_ne(got, blob);
	rp_cert_free(cert);
	free(blob);
}
END_TEST

/* One certificate per CA type. Flipping any bit of the signed part makes
 * the certificate unparseable or its signature invalid; flipping a bit of
 * the signature does too. Loop index: the CA type. */
START_TEST(test_flipped_bit_anywhere_is_refused)
{
	char name[64];
	uint8_t *blob;
	size_t len;
	struct rp_cert *cert;
	const char *err;
	size_t verified = 0;

	snprintf(name, sizeof(name), "tests/vectors/certs/user_ecdsa256_by_%s-cert.pub",
	    type_names[_i]);
	read_blob(name, &blob, &len);
	for (size_t pos = 0; pos < len; pos++) {
		uint8_t bit = (uint8_t)(1u << (pos % 8));

		blob[pos] ^= bit;
		if (rp_cert_from_blob(blob, len, &cert, &err)) {
			ck_assert_msg(!rp_cert_verify(cert, 1), "%s: bit flipped at %zu accepted",
			    name, pos);
			verified++;
			rp_cert_free(cert);
		}
		blob[pos] ^= bit;
	}
	/* Most flips leave a parseable certificate: the signature caught them. */
	ck_assert_uint_gt(verified, len / 4);
	ck_assert(rp_cert_from_blob(blob, len, &cert, &err));
	ck_assert(rp_cert_verify(cert, 0));
	rp_cert_free(cert);
	free(blob);
}
END_TEST

START_TEST(test_every_truncation_and_trailing_byte_is_refused)
{
	char name[64];
	uint8_t *blob, *longer;
	size_t len;
	struct rp_cert *cert;
	const char *err;

	snprintf(name, sizeof(name), "tests/vectors/certs/user_%s_by_rsa-cert.pub",
	    type_names[_i]);
	read_blob(name, &blob, &len);
	for (size_t n = 0; n < len; n++) {
		err = NULL;
		ck_assert_msg(!rp_cert_from_blob(blob, n, &cert, &err),
		    "%s cut to %zu bytes accepted", name, n);
		ck_assert_ptr_nonnull(err);
	}
	longer = malloc(len + 1);
	memcpy(longer, blob, len);
	longer[len] = 0;
	ck_assert(!rp_cert_from_blob(longer, len + 1, &cert, &err));
	ck_assert_str_eq(err, "trailing data after the certificate");
	free(longer);
	free(blob);
}
END_TEST

/* --- certificates built here, one field wrong ---------------------------------- */

/* What build_cert writes; NULL/0 members take a valid default. Raw members
 * are the contents of the string field (without its length). */
struct spec {
	const char *type_name;
	uint32_t cert_type;
	const uint8_t *key_fields;      /* the certified key after its name */
	size_t key_fields_len;
	const uint8_t *key_id;
	size_t key_id_len;
	const uint8_t *principals;
	size_t principals_len;
	const uint8_t *critical;
	size_t critical_len;
	const uint8_t *extensions;
	size_t extensions_len;
	const uint8_t *ca_blob;
	size_t ca_blob_len;
	const char *sig_alg;            /* signs with the CA key's own otherwise */
	struct rp_privkey *signer;      /* signs instead of the named CA */
	int trailing;
};

static struct rp_privkey *ca_key, *user_key;

static void
setup_keys(void)
{
	ck_assert(rp_privkey_generate(RP_KEY_ED25519, &ca_key));
	ck_assert(rp_privkey_generate(RP_KEY_ED25519, &user_key));
}

static void
teardown_keys(void)
{
	rp_privkey_free(ca_key);
	rp_privkey_free(user_key);
}

static void
add_raw_string(CBB *cbb, const uint8_t *data, size_t len)
{
	ck_assert(ssh_add_string(cbb, data != NULL ? data : (const uint8_t *)"", len));
}

static void
build_cert(const struct spec *s, uint8_t **out, size_t *out_len)
{
	CBB cbb, key, tmp;
	uint8_t *key_blob, *ca_blob = NULL, *sig;
	size_t key_blob_len, ca_blob_len, sig_len;
	CBS kb;
	uint8_t principals[32];
	size_t principals_len;

	/* The user key's fields: its blob after the type name. */
	ck_assert(CBB_init(&key, 0) && rp_pubkey_to_blob(rp_privkey_public(user_key), &key));
	ck_assert(CBB_finish(&key, &key_blob, &key_blob_len));
	CBS_init(&kb, key_blob, key_blob_len);
	ck_assert(CBS_skip(&kb, 4 + strlen("ssh-ed25519")));
	/* Principals "alice" by default. */
	ck_assert(CBB_init(&tmp, 0) && ssh_add_cstring(&tmp, "alice"));
	principals_len = CBB_len(&tmp);
	memcpy(principals, CBB_data(&tmp), principals_len);
	CBB_cleanup(&tmp);

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(ssh_add_cstring(&cbb, s->type_name ? s->type_name :
	    "ssh-ed25519-cert-v01@openssh.com"));
	ck_assert(ssh_add_string(&cbb, "0123456789abcdef", 16)); /* nonce */
	if (s->key_fields != NULL)
		ck_assert(CBB_add_bytes(&cbb, s->key_fields, s->key_fields_len));
	else
		ck_assert(CBB_add_bytes(&cbb, CBS_data(&kb), CBS_len(&kb)));
	ck_assert(CBB_add_u64(&cbb, 42));
	ck_assert(CBB_add_u32(&cbb, s->cert_type ? s->cert_type : RP_CERT_USER));
	if (s->key_id != NULL)
		add_raw_string(&cbb, s->key_id, s->key_id_len);
	else
		ck_assert(ssh_add_cstring(&cbb, "built"));
	if (s->principals != NULL)
		add_raw_string(&cbb, s->principals, s->principals_len);
	else
		add_raw_string(&cbb, principals, principals_len);
	ck_assert(CBB_add_u64(&cbb, WINDOW_AFTER) && CBB_add_u64(&cbb, WINDOW_BEFORE));
	add_raw_string(&cbb, s->critical, s->critical_len);
	add_raw_string(&cbb, s->extensions, s->extensions_len);
	ck_assert(ssh_add_string(&cbb, "", 0)); /* reserved */
	if (s->ca_blob != NULL) {
		add_raw_string(&cbb, s->ca_blob, s->ca_blob_len);
	} else {
		ck_assert(CBB_init(&tmp, 0) && rp_pubkey_to_blob(rp_privkey_public(ca_key), &tmp));
		ck_assert(CBB_finish(&tmp, &ca_blob, &ca_blob_len));
		add_raw_string(&cbb, ca_blob, ca_blob_len);
	}
	ck_assert(CBB_init(&tmp, 0));
	if (s->sig_alg != NULL) {
		/* A well-formed blob naming another algorithm. */
		ck_assert(ssh_add_cstring(&tmp, s->sig_alg) && ssh_add_string(&tmp, "x", 1));
	} else {
		ck_assert(rp_privkey_sign(s->signer ? s->signer : ca_key, CBB_data(&cbb),
		    CBB_len(&cbb), &tmp));
	}
	ck_assert(CBB_finish(&tmp, &sig, &sig_len));
	add_raw_string(&cbb, sig, sig_len);
	if (s->trailing)
		ck_assert(CBB_add_u8(&cbb, 0));
	ck_assert(CBB_finish(&cbb, out, out_len));
	OPENSSL_free(sig);
	OPENSSL_free(ca_blob);
	OPENSSL_free(key_blob);
}

static void
expect_refused(const struct spec *s, const char *want)
{
	uint8_t *blob;
	size_t len;
	struct rp_cert *cert = NULL;
	const char *err = NULL;

	build_cert(s, &blob, &len);
	ck_assert_msg(!rp_cert_from_blob(blob, len, &cert, &err), "accepted; expected \"%s\"",
	    want);
	ck_assert_ptr_null(cert);
	ck_assert_msg(err != NULL && strcmp(err, want) == 0, "error \"%s\", expected \"%s\"",
	    err ? err : "(none)", want);
	OPENSSL_free(blob);
}

/* (name, data) pairs; data NULL writes an empty data string (a flag). */
static size_t
pack_options(uint8_t *out, size_t outsz, const char *const *pairs, size_t npairs)
{
	CBB cbb, inner;
	size_t len;

	ck_assert(CBB_init(&cbb, 0));
	for (size_t i = 0; i < npairs; i++) {
		ck_assert(ssh_add_cstring(&cbb, pairs[2 * i]));
		if (pairs[2 * i + 1] == NULL) {
			ck_assert(ssh_add_string(&cbb, "", 0));
		} else {
			ck_assert(ssh_begin_string(&cbb, &inner));
			ck_assert(ssh_add_cstring(&inner, pairs[2 * i + 1]));
			ck_assert(CBB_flush(&cbb));
		}
	}
	len = CBB_len(&cbb);
	ck_assert_uint_le(len, outsz);
	memcpy(out, CBB_data(&cbb), len);
	CBB_cleanup(&cbb);
	return len;
}

START_TEST(test_built_cert_is_accepted)
{
	static const char *const crit[] = { "force-command", "true", "source-address",
		"10.0.0.0/8" };
	static const char *const ext[] = { "permit-pty", NULL, "z@example.com", "" };
	struct spec s = { 0 };
	uint8_t c[256], e[256], *blob;
	size_t len;
	struct rp_cert *cert;
	const char *err = NULL;

	s.critical = c;
	s.critical_len = pack_options(c, sizeof(c), crit, 2);
	s.extensions = e;
	s.extensions_len = pack_options(e, sizeof(e), ext, 2);
	build_cert(&s, &blob, &len);
	ck_assert_msg(rp_cert_from_blob(blob, len, &cert, &err), "%s", err);
	ck_assert(rp_cert_verify(cert, 0));
	ck_assert(rp_pubkey_equal(rp_cert_key(cert), rp_privkey_public(user_key)));
	ck_assert(rp_pubkey_equal(rp_cert_ca(cert), rp_privkey_public(ca_key)));
	ck_assert_str_eq(rp_cert_critical_value(cert, 0), "true");
	ck_assert_str_eq(rp_cert_extension_value(cert, 0), "");
	/* An empty string as data is a value of "", like a flag. */
	ck_assert_str_eq(rp_cert_extension_value(cert, 1), "");
	rp_cert_free(cert);
	OPENSSL_free(blob);
}
END_TEST

START_TEST(test_options_out_of_order_or_repeated_are_refused)
{
	static const char *const unsorted[] = { "source-address", "10.0.0.1", "force-command",
		"true" };
	static const char *const repeated[] = { "permit-pty", NULL, "permit-pty", NULL };
	/* Byte order: "permit-X11-forwarding" sorts before "permit-agent-...". */
	static const char *const case_order[] = { "permit-agent-forwarding", NULL,
		"permit-X11-forwarding", NULL };
	static const char *const prefix_order[] = { "permit-pty-x", NULL, "permit-pty", NULL };
	struct spec s = { 0 };
	uint8_t buf[256];

	s.critical = buf;
	s.critical_len = pack_options(buf, sizeof(buf), unsorted, 2);
	expect_refused(&s, "critical options out of order or repeated");
	s.critical_len = pack_options(buf, sizeof(buf), repeated, 2);
	expect_refused(&s, "critical options out of order or repeated");
	s.critical = NULL;
	s.critical_len = 0;
	s.extensions = buf;
	s.extensions_len = pack_options(buf, sizeof(buf), repeated, 2);
	expect_refused(&s, "extensions out of order or repeated");
	s.extensions_len = pack_options(buf, sizeof(buf), case_order, 2);
	expect_refused(&s, "extensions out of order or repeated");
	s.extensions_len = pack_options(buf, sizeof(buf), prefix_order, 2);
	expect_refused(&s, "extensions out of order or repeated");
}
END_TEST

START_TEST(test_malformed_option_data_is_refused)
{
	/* force-command's data must be one string: here two, then raw bytes. */
	static const uint8_t two_strings[] = {
		0, 0, 0, 13, 'f', 'o', 'r', 'c', 'e', '-', 'c', 'o', 'm', 'm', 'a', 'n', 'd',
		0, 0, 0, 10, 0, 0, 0, 1, 'a', 0, 0, 0, 1, 'b',
	};
	static const uint8_t raw_bytes[] = {
		0, 0, 0, 13, 'f', 'o', 'r', 'c', 'e', '-', 'c', 'o', 'm', 'm', 'a', 'n', 'd',
		0, 0, 0, 3, 't', 'r', 'u',
	};
	static const uint8_t nul_value[] = {
		0, 0, 0, 13, 'f', 'o', 'r', 'c', 'e', '-', 'c', 'o', 'm', 'm', 'a', 'n', 'd',
		0, 0, 0, 7, 0, 0, 0, 3, 'a', 0, 'b',
	};
	static const uint8_t name_only[] = {
		0, 0, 0, 10, 'p', 'e', 'r', 'm', 'i', 't', '-', 'p', 't', 'y',
	};
	static const uint8_t empty_name[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	struct spec s = { 0 };

	s.critical = two_strings;
	s.critical_len = sizeof(two_strings);
	expect_refused(&s, "malformed critical option data");
	s.critical = raw_bytes;
	s.critical_len = sizeof(raw_bytes);
	expect_refused(&s, "malformed critical option data");
	s.critical = nul_value;
	s.critical_len = sizeof(nul_value);
	expect_refused(&s, "critical option value too long or holding a NUL byte");
	s.critical = NULL;
	s.critical_len = 0;
	s.extensions = name_only;
	s.extensions_len = sizeof(name_only);
	expect_refused(&s, "malformed extensions");
	s.extensions = empty_name;
	s.extensions_len = sizeof(empty_name);
	expect_refused(&s, "malformed extension name");
}
END_TEST

START_TEST(test_too_many_options_are_refused)
{
	char names[RP_CERT_MAX_OPTIONS + 1][16];
	const char *pairs[2 * (RP_CERT_MAX_OPTIONS + 1)];
	uint8_t buf[4096];
	struct spec s = { 0 };

	for (size_t i = 0; i <= RP_CERT_MAX_OPTIONS; i++) {
		snprintf(names[i], sizeof(names[i]), "x%03zu", i);
		pairs[2 * i] = names[i];
		pairs[2 * i + 1] = NULL;
	}
	s.extensions = buf;
	s.extensions_len = pack_options(buf, sizeof(buf), pairs, RP_CERT_MAX_OPTIONS + 1);
	expect_refused(&s, "too many extensions");
}
END_TEST

START_TEST(test_principal_with_nul_is_refused)
{
	static const uint8_t nul[] = { 0, 0, 0, 5, 'a', 'l', 0, 'c', 'e' };
	static const uint8_t cut[] = { 0, 0, 0, 5, 'a', 'l' };
	struct spec s = { 0 };

	s.principals = nul;
	s.principals_len = sizeof(nul);
	expect_refused(&s, "principal contains a NUL byte");
	s.principals = cut;
	s.principals_len = sizeof(cut);
	expect_refused(&s, "malformed principals");
}
END_TEST

START_TEST(test_too_many_principals_are_refused)
{
	uint8_t buf[(RP_CERT_MAX_PRINCIPALS + 1) * 5];
	CBB cbb;
	struct spec s = { 0 };
	uint8_t *blob;
	size_t len;
	struct rp_cert *cert;
	const char *err;

	/* Exactly the maximum is fine. */
	ck_assert(CBB_init_fixed(&cbb, buf, sizeof(buf)));
	for (int i = 0; i < RP_CERT_MAX_PRINCIPALS; i++)
		ck_assert(ssh_add_cstring(&cbb, "p"));
	s.principals = buf;
	s.principals_len = CBB_len(&cbb);
	build_cert(&s, &blob, &len);
	ck_assert(rp_cert_from_blob(blob, len, &cert, &err));
	ck_assert_uint_eq(rp_cert_nprincipals(cert), RP_CERT_MAX_PRINCIPALS);
	rp_cert_free(cert);
	OPENSSL_free(blob);
	ck_assert(ssh_add_cstring(&cbb, "p"));
	s.principals_len = CBB_len(&cbb);
	CBB_cleanup(&cbb);
	expect_refused(&s, "too many principals");
}
END_TEST

START_TEST(test_ca_that_is_a_certificate_is_refused)
{
	uint8_t *ca;
	size_t ca_len;
	struct spec s = { 0 };

	read_blob("tests/vectors/certs/user_ed25519_by_ed25519-cert.pub", &ca, &ca_len);
	s.ca_blob = ca;
	s.ca_blob_len = ca_len;
	expect_refused(&s, "CA key is itself a certificate");
	free(ca);
}
END_TEST

START_TEST(test_other_malformed_fields_are_refused)
{
	static const uint8_t bad_ca[] = { 0, 0, 0, 7, 's', 's', 'h', '-', 'd', 's', 's' };
	uint8_t long_id[RP_CERT_MAX_KEY_ID + 1];
	struct spec s = { 0 };

	s.trailing = 1;
	expect_refused(&s, "trailing data after the certificate");
	s.trailing = 0;
	s.cert_type = 3;
	expect_refused(&s, "certificate type is neither user nor host");
	s.cert_type = 0;
	s.type_name = "ssh-dss-cert-v01@openssh.com";
	expect_refused(&s, "not a supported certificate type");
	s.type_name = "rsa-sha2-256-cert-v01@openssh.com";
	expect_refused(&s, "not a supported certificate type");
	s.type_name = NULL;
	memset(long_id, 'k', sizeof(long_id));
	s.key_id = long_id;
	s.key_id_len = sizeof(long_id);
	expect_refused(&s, "key id too long");
	s.key_id = NULL;
	s.ca_blob = bad_ca;
	s.ca_blob_len = sizeof(bad_ca);
	expect_refused(&s, "CA key refused: unsupported key type ssh-dss");
	s.ca_blob = NULL;
	s.sig_alg = "rsa-sha2-256";
	expect_refused(&s, "signature algorithm does not suit the CA key");
}
END_TEST

START_TEST(test_certified_rsa_key_below_minimum_is_refused)
{
	char *text = rp_test_read_file("tests/vectors/keys/rsa1024.pub", NULL), *b64, *end;
	uint8_t *blob;
	size_t len;
	struct spec s = { 0 };

	b64 = strchr(text, ' ') + 1;
	end = b64 + strcspn(b64, " \n");
	ck_assert(rp_base64_decode(b64, (size_t)(end - b64), &blob, &len));
	s.type_name = "ssh-rsa-cert-v01@openssh.com";
	s.key_fields = blob + 4 + strlen("ssh-rsa");
	s.key_fields_len = len - 4 - strlen("ssh-rsa");
	expect_refused(&s, "RSA key of 1024 bits: at least 2048 are required");
	free(blob);
	free(text);
}
END_TEST

START_TEST(test_verify_refuses_a_signature_by_another_key)
{
	struct spec s = { 0 };
	uint8_t *blob;
	size_t len;
	struct rp_cert *cert;
	const char *err;

	/* Names ca_key as the CA, signed by another key. */
	ck_assert(rp_privkey_generate(RP_KEY_ED25519, &s.signer));
	build_cert(&s, &blob, &len);
	ck_assert(rp_cert_from_blob(blob, len, &cert, &err));
	ck_assert(rp_pubkey_equal(rp_cert_ca(cert), rp_privkey_public(ca_key)));
	ck_assert(!rp_cert_verify(cert, 1));
	rp_cert_free(cert);
	OPENSSL_free(blob);
	rp_privkey_free(s.signer);
}
END_TEST

/* --- names ---------------------------------------------------------------- */

START_TEST(test_auth_sig_alg_table)
{
	static const char *const table[][2] = {
		{ "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519" },
		{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256" },
		{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384" },
		{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521" },
		{ "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512" },
		{ "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-256" },
		{ "ssh-rsa-cert-v01@openssh.com", "ssh-rsa" },
	};
	char out[64];

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		ck_assert_msg(rp_cert_auth_sig_alg(table[i][0], out, sizeof(out)), "%s",
		    table[i][0]);
		ck_assert_str_eq(out, table[i][1]);
	}
	ck_assert(!rp_cert_auth_sig_alg("ssh-ed25519", out, sizeof(out)));
	ck_assert(!rp_cert_auth_sig_alg("ssh-dss-cert-v01@openssh.com", out, sizeof(out)));
	ck_assert(!rp_cert_auth_sig_alg("", out, sizeof(out)));
	/* Too small a buffer for "ssh-ed25519" and its NUL. */
	ck_assert(!rp_cert_auth_sig_alg("ssh-ed25519-cert-v01@openssh.com", out, 11));
	ck_assert(rp_cert_auth_sig_alg("ssh-ed25519-cert-v01@openssh.com", out, 12));
}
END_TEST

START_TEST(test_cert_type_names)
{
	for (size_t i = 0; i < NTYPES; i++)
		ck_assert_msg(rp_cert_is_cert_type(cert_type_names[i]), "%s", cert_type_names[i]);
	ck_assert(!rp_cert_is_cert_type("rsa-sha2-256-cert-v01@openssh.com"));
	ck_assert(!rp_cert_is_cert_type("rsa-sha2-512-cert-v01@openssh.com"));
	ck_assert(!rp_cert_is_cert_type("ssh-dss-cert-v01@openssh.com"));
	ck_assert(!rp_cert_is_cert_type("ssh-ed25519"));
}
END_TEST

RP_TEST_SUITE(cert)
{
	Suite *s = suite_create("cert");
	TCase *fixtures = tcase_create("ssh_keygen_certs");
	TCase *built = tcase_create("malformed");
	TCase *names = tcase_create("names");

	tcase_set_timeout(fixtures, 120);
	tcase_add_test(fixtures, test_user_certs_of_every_key_type_under_every_ca_type);
	tcase_add_test(fixtures, test_host_certs_of_every_key_type);
	tcase_add_test(fixtures, test_force_command_and_source_address_are_read_as_text);
	tcase_add_test(fixtures, test_no_pty_cert_lacks_permit_pty);
	tcase_add_test(fixtures, test_cert_without_principals_valid_forever);
	tcase_add_test(fixtures, test_rsa_ca_signatures_sha1_only_when_allowed);
	tcase_add_test(fixtures, test_cert_blob_is_the_parsed_bytes);
	tcase_add_loop_test(fixtures, test_flipped_bit_anywhere_is_refused, 0, NTYPES);
	tcase_add_loop_test(fixtures, test_every_truncation_and_trailing_byte_is_refused, 0,
	    NTYPES);
	suite_add_tcase(s, fixtures);

	tcase_add_checked_fixture(built, setup_keys, teardown_keys);
	tcase_add_test(built, test_built_cert_is_accepted);
	tcase_add_test(built, test_options_out_of_order_or_repeated_are_refused);
	tcase_add_test(built, test_malformed_option_data_is_refused);
	tcase_add_test(built, test_too_many_options_are_refused);
	tcase_add_test(built, test_principal_with_nul_is_refused);
	tcase_add_test(built, test_too_many_principals_are_refused);
	tcase_add_test(built, test_ca_that_is_a_certificate_is_refused);
	tcase_add_test(built, test_other_malformed_fields_are_refused);
	tcase_add_test(built, test_certified_rsa_key_below_minimum_is_refused);
	tcase_add_test(built, test_verify_refuses_a_signature_by_another_key);
	suite_add_tcase(s, built);

	tcase_add_test(names, test_auth_sig_alg_table);
	tcase_add_test(names, test_cert_type_names);
	suite_add_tcase(s, names);
	return s;
}

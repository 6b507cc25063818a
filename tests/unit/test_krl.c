/*
 * tests/unit/test_krl.c: OpenSSH KRLs (crypto/krl.h) made by ssh-keygen -k
 * in tests/vectors/certs/make.sh (certs.krl: serials 5, 100000-200000, the
 * even serials 1000-1030 and key id "revoked-id" under ca_ed25519; keys.krl:
 * key_ed25519 whole, key_ecdsa256 by "hash:", key_rsa by "sha1:" and
 * key_ecdsa521 by "sha256:"; plain.krl: key_ecdsa384 listed bare), and
 * KRLs built here for what ssh-keygen does not write.
 */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wire.h"
#include "crypto/cert.h"
#include "crypto/encoding.h"
#include "crypto/krl.h"
#include "crypto/sshkey.h"

/* --- helpers --------------------------------------------------------------- */

static uint8_t *
read_bytes(const char *relative, size_t *len)
{
	const char *path = rp_test_path(relative);
	FILE *f = fopen(path, "rb");
	uint8_t *buf;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	buf = malloc(1 << 16);
	ck_assert(buf != NULL);
	*len = fread(buf, 1, 1 << 16, f);
	ck_assert_uint_lt(*len, 1 << 16);
	fclose(f);
	return buf;
}

/* The blob of a "TYPE BASE64 [COMMENT]" fixture line. */
static void
read_blob(const char *name, uint8_t **blob, size_t *len)
{
	char rel[256], *text, *b64, *end;
	size_t n;

	snprintf(rel, sizeof(rel), "tests/vectors/certs/%s", name);
	text = (char *)read_bytes(rel, &n);
	text[n] = '\0';
	b64 = strchr(text, ' ');
	ck_assert_msg(b64 != NULL, "%s: no key data", name);
	b64++;
	end = b64 + strcspn(b64, " \n");
	ck_assert(rp_base64_decode(b64, (size_t)(end - b64), blob, len));
	free(text);
}

static struct rp_cert *
load_cert(const char *name)
{
	char file[128];
	uint8_t *blob;
	size_t len;
	struct rp_cert *cert;
	const char *err = NULL;

	snprintf(file, sizeof(file), "%s-cert.pub", name);
	read_blob(file, &blob, &len);
	ck_assert_msg(rp_cert_from_blob(blob, len, &cert, &err), "%s: %s", name, err);
	free(blob);
	return cert;
}

static struct rp_pubkey *
load_key(const char *name)
{
	char file[128];
	uint8_t *blob;
	size_t len;
	struct rp_pubkey *key;

	snprintf(file, sizeof(file), "%s.pub", name);
	read_blob(file, &blob, &len);
	ck_assert_msg(rp_pubkey_from_blob(blob, len, &key), "%s", name);
	free(blob);
	return key;
}

static struct rp_krl *
load_krl(const char *name)
{
	char rel[128], err[256];
	struct rp_krl *krl;

	snprintf(rel, sizeof(rel), "tests/vectors/certs/%s", name);
	ck_assert_msg(rp_krl_load_file(rp_test_path(rel), &krl, err, sizeof(err)), "%s", err);
	return krl;
}

static void
assert_cert_revoked(const struct rp_krl *krl, const char *name, int want)
{
	struct rp_cert *cert = load_cert(name);

	ck_assert_msg(rp_krl_cert_revoked(krl, cert) == want, "%s: revoked %d, expected %d",
	    name, !want, want);
	rp_cert_free(cert);
}

static void
assert_key_revoked(const struct rp_krl *krl, const char *name, int want)
{
	struct rp_pubkey *key = load_key(name);

	ck_assert_msg(rp_krl_key_revoked(krl, key) == want, "%s: revoked %d, expected %d",
	    name, !want, want);
	rp_pubkey_free(key);
}

/* Walk a KRL's sections (and certificate subsections) independently of
 * krl.c: marks each type seen in seen[256] and each offset where a
 * top-level section ends (or the header does) in ends[len + 1]. */
static void
walk_krl(const uint8_t *data, size_t len, int seen[256], uint8_t *ends)
{
	CBS cbs, s, sub, skip;
	uint8_t type, subtype;

	CBS_init(&cbs, data, len);
	ck_assert(CBS_skip(&cbs, 8 + 4 + 8 + 8 + 8));
	ck_assert(ssh_get_string(&cbs, &skip) && ssh_get_string(&cbs, &skip));
	ends[len - CBS_len(&cbs)] = 1;
	while (CBS_len(&cbs) > 0) {
		ck_assert(CBS_get_u8(&cbs, &type) && ssh_get_string(&cbs, &s));
		seen[type] = 1;
		ends[len - CBS_len(&cbs)] = 1;
		if (type != 1)
			continue;
		ck_assert(ssh_get_string(&s, &skip) && ssh_get_string(&s, &skip));
		while (CBS_len(&s) > 0) {
			ck_assert(CBS_get_u8(&s, &subtype) && ssh_get_string(&s, &sub));
			seen[subtype] = 1;
		}
	}
}

/* A KRL header, then sections added by the caller. */
static void
krl_begin(CBB *cbb)
{
	ck_assert(CBB_init(cbb, 0));
	ck_assert(CBB_add_bytes(cbb, (const uint8_t *)"SSHKRL\n\0", 8));
	ck_assert(CBB_add_u32(cbb, 1));
	ck_assert(CBB_add_u64(cbb, 1) && CBB_add_u64(cbb, 1700000000) && CBB_add_u64(cbb, 0));
	ck_assert(ssh_add_string(cbb, "", 0) && ssh_add_cstring(cbb, "built by test_krl"));
}

/* Section type, then data as a string. */
static void
add_section(CBB *cbb, uint8_t type, const uint8_t *data, size_t len)
{
	ck_assert(CBB_add_u8(cbb, type) && ssh_add_string(cbb, data, len));
}

/* A certificate section: CA blob (NULL: any CA) and one subsection. */
static void
add_cert_section(CBB *cbb, const char *ca_name, uint8_t subtype, const uint8_t *sub,
    size_t sub_len)
{
	CBB s;
	uint8_t *ca = NULL, *data;
	size_t ca_len = 0, len;

	if (ca_name != NULL) {
		char file[64];

		snprintf(file, sizeof(file), "%s.pub", ca_name);
		read_blob(file, &ca, &ca_len);
	}
	ck_assert(CBB_init(&s, 0));
	ck_assert(ssh_add_string(&s, ca != NULL ? ca : (const uint8_t *)"", ca_len));
	ck_assert(ssh_add_string(&s, "", 0));
	add_section(&s, subtype, sub, sub_len);
	ck_assert(CBB_finish(&s, &data, &len));
	add_section(cbb, 1, data, len);
	OPENSSL_free(data);
	free(ca);
}

static struct rp_krl *
krl_finish(CBB *cbb)
{
	uint8_t *data;
	size_t len;
	struct rp_krl *krl;
	const char *err = NULL;

	ck_assert(CBB_finish(cbb, &data, &len));
	ck_assert_msg(rp_krl_parse(data, len, &krl, &err), "%s", err);
	OPENSSL_free(data);
	return krl;
}

static void
krl_refused(CBB *cbb, const char *want)
{
	uint8_t *data;
	size_t len;
	struct rp_krl *krl = NULL;
	const char *err = NULL;

	ck_assert(CBB_finish(cbb, &data, &len));
	ck_assert_msg(!rp_krl_parse(data, len, &krl, &err), "accepted; expected \"%s\"", want);
	ck_assert_ptr_null(krl);
	ck_assert_msg(err != NULL && strcmp(err, want) == 0, "error \"%s\", expected \"%s\"",
	    err ? err : "(none)", want);
	OPENSSL_free(data);
}

/* --- KRLs from ssh-keygen -------------------------------------------------------- */

START_TEST(test_certs_krl_has_every_serial_form_and_key_ids)
{
	size_t len;
	uint8_t *data = read_bytes("tests/vectors/certs/certs.krl", &len);
	uint8_t *ends = calloc(len + 1, 1);
	int seen[256] = { 0 };

	/* So the lookups below exercise list, range, bitmap and key id. */
	walk_krl(data, len, seen, ends);
	ck_assert(seen[1]);
	ck_assert(seen[0x20]);
	ck_assert(seen[0x21]);
	ck_assert(seen[0x22]);
	ck_assert(seen[0x23]);
	free(ends);
	free(data);
}
END_TEST

START_TEST(test_certs_revoked_by_serial_range_bitmap_and_key_id)
{
	struct rp_krl *krl = load_krl("certs.krl");

	assert_cert_revoked(krl, "krl_serial5", 1);      /* list */
	assert_cert_revoked(krl, "krl_serial6", 0);
	assert_cert_revoked(krl, "krl_serial99999", 0);
	assert_cert_revoked(krl, "krl_serial100000", 1); /* range ends */
	assert_cert_revoked(krl, "krl_serial200000", 1);
	assert_cert_revoked(krl, "krl_serial200001", 0);
	assert_cert_revoked(krl, "krl_serial1004", 1);   /* bitmap */
	assert_cert_revoked(krl, "krl_serial1005", 0);
	assert_cert_revoked(krl, "krl_keyid", 1);        /* key id */
	/* The same serial and key id under another CA are not revoked. */
	assert_cert_revoked(krl, "krl_other_ca_serial5", 0);
	assert_cert_revoked(krl, "krl_other_ca_keyid", 0);
	assert_cert_revoked(krl, "krl_any_ca_keyid", 0);
	/* Certificates are not plain keys: the certified key is not revoked. */
	assert_key_revoked(krl, "krl_key", 0);
	assert_key_revoked(krl, "ca_ed25519", 0);
	rp_krl_free(krl);
}
END_TEST

START_TEST(test_plain_keys_revoked_by_blob_and_fingerprints)
{
	struct rp_krl *krl = load_krl("keys.krl");
	size_t len;
	uint8_t *data = read_bytes("tests/vectors/certs/keys.krl", &len);
	uint8_t *ends = calloc(len + 1, 1);
	int seen[256] = { 0 };

	walk_krl(data, len, seen, ends);
	ck_assert(seen[2]);     /* explicit key */
	ck_assert(seen[3]);     /* SHA-1 */
	ck_assert(seen[5]);     /* SHA-256 */
	assert_key_revoked(krl, "key_ed25519", 1);       /* key: */
	assert_key_revoked(krl, "key_ecdsa256", 1);      /* hash: SHA256:... */
	assert_key_revoked(krl, "key_rsa", 1);           /* sha1: */
	assert_key_revoked(krl, "key_ecdsa521", 1);      /* sha256: */
	assert_key_revoked(krl, "key_ecdsa384", 0);
	assert_key_revoked(krl, "krl_key", 0);
	assert_key_revoked(krl, "ca_ed25519", 0);
	/* A certificate of a revoked key is revoked, whatever its CA. */
	assert_cert_revoked(krl, "user_ed25519_by_rsa", 1);
	assert_cert_revoked(krl, "user_rsa_by_ecdsa384", 1);
	assert_cert_revoked(krl, "user_ecdsa521_by_ed25519", 1);
	assert_cert_revoked(krl, "user_ecdsa384_by_ecdsa384", 0);
	assert_cert_revoked(krl, "krl_serial5", 0);
	free(ends);
	free(data);
	rp_krl_free(krl);
}
END_TEST

START_TEST(test_bare_key_file_krl)
{
	struct rp_krl *krl = load_krl("plain.krl");

	assert_key_revoked(krl, "key_ecdsa384", 1);
	assert_key_revoked(krl, "key_ecdsa256", 0);
	assert_cert_revoked(krl, "user_ecdsa384_by_rsa", 1);
	rp_krl_free(krl);
}
END_TEST

/* Cutting a KRL anywhere but at the end of a section must be refused. At a
 * section's end the rest is a shorter valid KRL, which the walk predicts. */
START_TEST(test_every_truncation_is_refused)
{
	static const char *const files[] = {
		"tests/vectors/certs/certs.krl", "tests/vectors/certs/keys.krl",
		"tests/vectors/certs/plain.krl",
	};
	size_t len;
	uint8_t *data = read_bytes(files[_i], &len);
	uint8_t *ends = calloc(len + 1, 1);
	int seen[256] = { 0 };
	struct rp_krl *krl;
	const char *err;

	walk_krl(data, len, seen, ends);
	for (size_t n = 0; n < len; n++) {
		krl = NULL;
		err = NULL;
		if (ends[n]) {
			ck_assert_msg(rp_krl_parse(data, n, &krl, &err), "%s at %zu: %s", files[_i],
			    n, err);
			rp_krl_free(krl);
		} else {
			ck_assert_msg(!rp_krl_parse(data, n, &krl, &err),
			    "%s cut to %zu bytes accepted", files[_i], n);
			ck_assert_ptr_nonnull(err);
		}
	}
	free(ends);
	free(data);
}
END_TEST

/* --- KRLs built here --------------------------------------------------------- */

START_TEST(test_any_ca_section_revokes_under_every_ca)
{
	CBB cbb, ids;
	uint8_t *sub;
	size_t sub_len;
	struct rp_krl *krl;
	static const uint8_t serial5[8] = { 0, 0, 0, 0, 0, 0, 0, 5 };

	ck_assert(CBB_init(&ids, 0) && ssh_add_cstring(&ids, "anyone-revoked"));
	ck_assert(CBB_finish(&ids, &sub, &sub_len));
	krl_begin(&cbb);
	add_cert_section(&cbb, NULL, 0x23, sub, sub_len);
	add_cert_section(&cbb, NULL, 0x20, serial5, sizeof(serial5));
	krl = krl_finish(&cbb);
	assert_cert_revoked(krl, "krl_any_ca_keyid", 1);
	assert_cert_revoked(krl, "krl_serial5", 1);
	assert_cert_revoked(krl, "krl_other_ca_serial5", 1);
	assert_cert_revoked(krl, "krl_serial6", 0);
	assert_cert_revoked(krl, "krl_keyid", 0);
	rp_krl_free(krl);
	OPENSSL_free(sub);
}
END_TEST

START_TEST(test_revoked_ca_key_revokes_its_certs)
{
	CBB cbb, keys;
	uint8_t *ca, *sub;
	size_t ca_len, sub_len;
	struct rp_krl *krl;

	read_blob("ca_ecdsa256.pub", &ca, &ca_len);
	ck_assert(CBB_init(&keys, 0) && ssh_add_string(&keys, ca, ca_len));
	ck_assert(CBB_finish(&keys, &sub, &sub_len));
	krl_begin(&cbb);
	add_section(&cbb, 2, sub, sub_len);
	krl = krl_finish(&cbb);
	assert_key_revoked(krl, "ca_ecdsa256", 1);
	assert_cert_revoked(krl, "krl_other_ca_serial5", 1);
	assert_cert_revoked(krl, "user_rsa_by_ecdsa256", 1);
	assert_cert_revoked(krl, "krl_serial5", 0);
	rp_krl_free(krl);
	OPENSSL_free(sub);
	free(ca);
}
END_TEST

START_TEST(test_serial_zero_is_never_revoked_by_serial)
{
	CBB cbb;
	static const uint8_t range[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 };
	struct rp_krl *krl;

	/* forever-cert.pub: serial 0 under ca_ecdsa384. */
	krl_begin(&cbb);
	add_cert_section(&cbb, "ca_ecdsa384", 0x21, range, sizeof(range));
	krl = krl_finish(&cbb);
	assert_cert_revoked(krl, "forever", 0);
	rp_krl_free(krl);
}
END_TEST

START_TEST(test_bitmap_bits_count_from_the_offset)
{
	/* Offset 1000, bitmap 0x01 0x15: bits 0, 2, 4 and 8, so 1000, 1002,
	 * 1004 and 1008. */
	static const uint8_t bitmap[] = { 0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 2, 0x01, 0x15 };
	static const uint8_t negative[] = { 0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 1, 0x80 };
	CBB cbb;
	struct rp_krl *krl;

	krl_begin(&cbb);
	add_cert_section(&cbb, "ca_ed25519", 0x22, bitmap, sizeof(bitmap));
	krl = krl_finish(&cbb);
	assert_cert_revoked(krl, "krl_serial1004", 1);
	assert_cert_revoked(krl, "krl_serial1005", 0);
	assert_cert_revoked(krl, "krl_serial5", 0);
	rp_krl_free(krl);
	krl_begin(&cbb);
	add_cert_section(&cbb, "ca_ed25519", 0x22, negative, sizeof(negative));
	krl_refused(&cbb, "malformed KRL serial bitmap");
}
END_TEST

START_TEST(test_unknown_sections_are_refused)
{
	static const uint8_t serial[8] = { 0, 0, 0, 0, 0, 0, 0, 5 };
	CBB cbb;

	krl_begin(&cbb);
	add_section(&cbb, 6, (const uint8_t *)"", 0);
	krl_refused(&cbb, "unknown KRL section type 6");
	krl_begin(&cbb);
	add_section(&cbb, 0, serial, sizeof(serial));
	krl_refused(&cbb, "unknown KRL section type 0");
	krl_begin(&cbb);
	add_cert_section(&cbb, "ca_ed25519", 0x24, serial, sizeof(serial));
	krl_refused(&cbb, "unknown KRL certificate subsection type 0x24");
}
END_TEST

START_TEST(test_extensions_critical_refused_others_skipped)
{
	CBB cbb, ext;
	uint8_t *data;
	size_t len;
	struct rp_krl *krl;

	for (int critical = 0; critical <= 1; critical++) {
		ck_assert(CBB_init(&ext, 0) && ssh_add_cstring(&ext, "x@example.com") &&
		    ssh_add_bool(&ext, critical) && ssh_add_cstring(&ext, "data"));
		ck_assert(CBB_finish(&ext, &data, &len));
		krl_begin(&cbb);
		add_section(&cbb, 255, data, len);
		if (critical) {
			krl_refused(&cbb, "unsupported critical KRL extension");
		} else {
			krl = krl_finish(&cbb);
			assert_key_revoked(krl, "key_ed25519", 0);
			rp_krl_free(krl);
		}
		krl_begin(&cbb);
		add_cert_section(&cbb, "ca_ed25519", 0x39, data, len);
		if (critical) {
			krl_refused(&cbb, "unsupported critical KRL extension");
		} else {
			krl = krl_finish(&cbb);
			rp_krl_free(krl);
		}
		OPENSSL_free(data);
	}
}
END_TEST

START_TEST(test_signature_section_is_parsed_and_must_be_last)
{
	static const uint8_t serial[8] = { 0, 0, 0, 0, 0, 0, 0, 5 };
	CBB cbb;
	struct rp_krl *krl;

	krl_begin(&cbb);
	add_cert_section(&cbb, "ca_ed25519", 0x20, serial, sizeof(serial));
	ck_assert(CBB_add_u8(&cbb, 4) && ssh_add_cstring(&cbb, "a key") &&
	    ssh_add_cstring(&cbb, "a signature"));
	ck_assert(CBB_add_u8(&cbb, 4) && ssh_add_cstring(&cbb, "another key") &&
	    ssh_add_cstring(&cbb, "another signature"));
	krl = krl_finish(&cbb);
	assert_cert_revoked(krl, "krl_serial5", 1);
	rp_krl_free(krl);

	krl_begin(&cbb);
	ck_assert(CBB_add_u8(&cbb, 4) && ssh_add_cstring(&cbb, "a key") &&
	    ssh_add_cstring(&cbb, "a signature"));
	add_cert_section(&cbb, "ca_ed25519", 0x20, serial, sizeof(serial));
	krl_refused(&cbb, "KRL section after a signature");
	krl_begin(&cbb);
	ck_assert(CBB_add_u8(&cbb, 4) && ssh_add_cstring(&cbb, "a key"));
	krl_refused(&cbb, "malformed KRL signature section");
}
END_TEST

START_TEST(test_malformed_sections_are_refused)
{
	static const uint8_t bad_range[16] = { 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 5 };
	static const uint8_t odd_list[7] = { 0 };
	uint8_t h[2][32], *cert, *sub;
	size_t cert_len, sub_len;
	CBB cbb, s;

	krl_begin(&cbb);
	add_cert_section(&cbb, "ca_ed25519", 0x21, bad_range, sizeof(bad_range));
	krl_refused(&cbb, "malformed KRL serial range");
	krl_begin(&cbb);
	add_cert_section(&cbb, "ca_ed25519", 0x20, odd_list, sizeof(odd_list));
	krl_refused(&cbb, "malformed KRL serial list");
	krl_begin(&cbb);
	add_cert_section(&cbb, "ca_ed25519", 0x23, (const uint8_t *)"", 0);
	krl_refused(&cbb, "empty KRL key id section");

	/* SHA-256 fingerprints: wrong length, then out of order. */
	memset(h[0], 0x11, 32);
	memset(h[1], 0x22, 32);
	ck_assert(CBB_init(&s, 0) && ssh_add_string(&s, h[0], 20));
	ck_assert(CBB_finish(&s, &sub, &sub_len));
	krl_begin(&cbb);
	add_section(&cbb, 5, sub, sub_len);
	krl_refused(&cbb, "malformed KRL fingerprint section");
	OPENSSL_free(sub);
	ck_assert(CBB_init(&s, 0) && ssh_add_string(&s, h[1], 32) && ssh_add_string(&s, h[0], 32));
	ck_assert(CBB_finish(&s, &sub, &sub_len));
	krl_begin(&cbb);
	add_section(&cbb, 5, sub, sub_len);
	krl_refused(&cbb, "KRL fingerprints out of order");
	OPENSSL_free(sub);

	/* A certificate in an explicit key section. */
	read_blob("krl_serial5-cert.pub", &cert, &cert_len);
	ck_assert(CBB_init(&s, 0) && ssh_add_string(&s, cert, cert_len));
	ck_assert(CBB_finish(&s, &sub, &sub_len));
	krl_begin(&cbb);
	add_section(&cbb, 2, sub, sub_len);
	krl_refused(&cbb, "certificate where the KRL needs a plain key");
	OPENSSL_free(sub);
	free(cert);
	krl_begin(&cbb);
	add_section(&cbb, 2, (const uint8_t *)"", 0);
	krl_refused(&cbb, "empty KRL key section");
}
END_TEST

START_TEST(test_bad_headers_are_refused)
{
	CBB cbb;
	uint8_t *big;
	struct rp_krl *krl;
	const char *err;

	ck_assert(CBB_init(&cbb, 0) && CBB_add_bytes(&cbb, (const uint8_t *)"SSHKRL\n\1", 8));
	krl_refused(&cbb, "not a KRL (bad magic)");
	ck_assert(CBB_init(&cbb, 0) && CBB_add_bytes(&cbb, (const uint8_t *)"SSHKRL\n\0", 8) &&
	    CBB_add_u32(&cbb, 2));
	krl_refused(&cbb, "unsupported KRL format version");
	/* Trailing garbage reads as a section of type 0x00 cut short. */
	krl_begin(&cbb);
	ck_assert(CBB_add_u8(&cbb, 1));
	krl_refused(&cbb, "truncated KRL section");
	/* More than 16 MiB, whatever it holds. */
	big = calloc(16 * 1024 * 1024 + 1, 1);
	ck_assert(big != NULL);
	memcpy(big, "SSHKRL\n\0", 8);
	ck_assert(!rp_krl_parse(big, 16 * 1024 * 1024 + 1, &krl, &err));
	ck_assert_str_eq(err, "KRL larger than 16 MiB");
	free(big);
}
END_TEST

START_TEST(test_load_file_errors_name_the_file)
{
	struct rp_krl *krl;
	char err[512];
	char dir[512], want[600];

	ck_assert(!rp_krl_load_file(rp_test_path("tests/vectors/certs/missing.krl"), &krl, err,
	    sizeof(err)));
	snprintf(dir, sizeof(dir), "%s", rp_test_path("tests/vectors/certs"));
	ck_assert_ptr_null(krl);
	ck_assert_msg(strstr(err, "missing.krl") != NULL && strstr(err, "No such file"), "%s",
	    err);
	snprintf(want, sizeof(want), "%s is not a regular file", dir);
	ck_assert(!rp_krl_load_file(dir, &krl, err, sizeof(err)));
	ck_assert_str_eq(err, want);
	ck_assert(!rp_krl_load_file(rp_test_path("tests/vectors/certs/ca_rsa.pub"), &krl, err,
	    sizeof(err)));
	ck_assert_msg(strstr(err, "not a KRL (bad magic)") != NULL, "%s", err);
}
END_TEST

RP_TEST_SUITE(krl)
{
	Suite *s = suite_create("krl");
	TCase *fixtures = tcase_create("ssh_keygen_krls");
	TCase *built = tcase_create("built");

	tcase_set_timeout(fixtures, 60);
	tcase_add_test(fixtures, test_certs_krl_has_every_serial_form_and_key_ids);
	tcase_add_test(fixtures, test_certs_revoked_by_serial_range_bitmap_and_key_id);
	tcase_add_test(fixtures, test_plain_keys_revoked_by_blob_and_fingerprints);
	tcase_add_test(fixtures, test_bare_key_file_krl);
	tcase_add_loop_test(fixtures, test_every_truncation_is_refused, 0, 3);
	suite_add_tcase(s, fixtures);

	tcase_add_test(built, test_any_ca_section_revokes_under_every_ca);
	tcase_add_test(built, test_revoked_ca_key_revokes_its_certs);
	tcase_add_test(built, test_serial_zero_is_never_revoked_by_serial);
	tcase_add_test(built, test_bitmap_bits_count_from_the_offset);
	tcase_add_test(built, test_unknown_sections_are_refused);
	tcase_add_test(built, test_extensions_critical_refused_others_skipped);
	tcase_add_test(built, test_signature_section_is_parsed_and_must_be_last);
	tcase_add_test(built, test_malformed_sections_are_refused);
	tcase_add_test(built, test_bad_headers_are_refused);
	tcase_add_test(built, test_load_file_errors_name_the_file);
	suite_add_tcase(s, built);
	return s;
}

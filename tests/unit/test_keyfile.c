/*
 * tests/unit/test_keyfile.c: OpenSSH private key files (crypto/keyfile.h):
 * OpenSSH's own test keys, round trips of what rampart writes, and a
 * refusal, with a reason and no crash or leak, for every malformed file.
 */
#include "tests/unit/unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/wire.h"
#include "crypto/encoding.h"
#include "crypto/keyfile.h"
#include "crypto/sshkey.h"

#define ERRSZ 160

/* --- helpers ---------------------------------------------------------------- */

/* The whole file at path (under the source tree), malloc'd. */
static uint8_t *
slurp(const char *relative, size_t *len)
{
	return (uint8_t *)rp_test_read_file(relative, len);
}

/* The decoded binary of an armoured key text, malloc'd. */
static uint8_t *
unarmour(const uint8_t *text, size_t len, size_t *out_len)
{
	char *b64 = malloc(len + 1);
	size_t n = 0;
	const char *p = (const char *)text, *end = p + len;
	uint8_t *bin;

	/* Skip the BEGIN line, keep base64 characters until the END line. */
	p = memchr(p, '\n', len);
	ck_assert(p != NULL);
	for (p++; p < end && *p != '-'; p++)
		if (*p != '\n' && *p != '\r')
			b64[n++] = *p;
	ck_assert(rp_base64_decode(b64, n, &bin, out_len));
	free(b64);
	return bin;
}

/* Armour a binary as OpenSSH does, malloc'd NUL-terminated text. */
static char *
armour(const uint8_t *bin, size_t len, size_t line_len, const char *eol)
{
	char *b64 = rp_base64_encode(bin, len);
	size_t b64_len = strlen(b64), n = 0;
	size_t cap = b64_len * 3 + 256;
	char *text = malloc(cap);

	n += (size_t)snprintf(text + n, cap - n, "-----BEGIN OPENSSH PRIVATE KEY-----%s", eol);
	for (size_t i = 0; i < b64_len; i += line_len)
		n += (size_t)snprintf(text + n, cap - n, "%.*s%s",
		    (int)(b64_len - i < line_len ? b64_len - i : line_len), b64 + i, eol);
	snprintf(text + n, cap - n, "-----END OPENSSH PRIVATE KEY-----%s", eol);
	free(b64);
	return text;
}

/* Parse; on failure check that err says something, and nothing leaked out. */
static int
parse(const void *text, size_t len, struct rp_privkey **key, char **comment, char *err)
{
	int ok;

	err[0] = '\0';
	ok = rp_privkey_from_openssh(text, len, key, comment, err, ERRSZ);
	if (!ok) {
		ck_assert_ptr_null(*key);
		if (comment != NULL)
			ck_assert_ptr_null(*comment);
		ck_assert_msg(err[0] != '\0', "refused without a reason");
	}
	return ok;
}

static void
expect_refused(const void *text, size_t len, const char *want)
{
	struct rp_privkey *key = NULL;
	char *comment = NULL, err[ERRSZ];

	ck_assert_msg(!parse(text, len, &key, &comment, err), "accepted; expected \"%s\"",
	    want);
	ck_assert_msg(strstr(err, want) != NULL, "error \"%s\"; expected \"%s\"", err, want);
}

static void
expect_refused_str(const char *text, const char *want)
{
	expect_refused(text, strlen(text), want);
}

/*
 * Fixed key material: RFC 8032 section 7.1 TEST 1 and TEST 2 (seed, public
 * key). Test files are built from parts so each can be broken on purpose.
 */
static const char *seed1_hex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char *pub1_hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
static const char *seed2_hex = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
static const char *pub2_hex = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";

struct knobs {
	const char *cipher, *kdf;
	size_t kdfopts_len;
	uint32_t nkeys;      /* the count written */
	int npub, ninner;    /* public blobs and private keys actually written */
	const char *outer_type, *outer_pub;
	uint32_t check1, check2;
	const char *inner_type, *pk, *seed, *sk_pub;
	const char *comment;
	size_t comment_len;
	enum { PAD_RIGHT, PAD_WRONG_FIRST, PAD_WRONG_LAST, PAD_EXTRA_BLOCK, PAD_NONE } pad;
	size_t trailing;     /* zero bytes after the private section */
};

static struct knobs
good_knobs(void)
{
	struct knobs k = {
		.cipher = "none", .kdf = "none", .nkeys = 1, .npub = 1, .ninner = 1,
		.outer_type = "ssh-ed25519", .check1 = 0x11223344, .check2 = 0x11223344,
		.inner_type = "ssh-ed25519", .comment = "test@rampart", .comment_len = 12,
		.pad = PAD_RIGHT,
	};
	k.outer_pub = k.pk = k.sk_pub = pub1_hex;
	k.seed = seed1_hex;
	return k;
}

static void
add_hex_string(CBB *cbb, const char *hex)
{
	uint8_t buf[64];
	size_t n = rp_test_unhex(hex, buf, sizeof(buf));

	ck_assert(ssh_add_string(cbb, buf, n));
}

/* The binary a knobs describes, in CBB memory (OPENSSL_free). */
static uint8_t *
build(const struct knobs *k, size_t *len)
{
	CBB priv, file, blob;
	uint8_t *priv_buf, *out, seed[32], skp[32], sk[64];
	size_t priv_len;

	rp_test_unhex(k->seed, seed, sizeof(seed));
	rp_test_unhex(k->sk_pub, skp, sizeof(skp));
	memcpy(sk, seed, 32);
	memcpy(sk + 32, skp, 32);
	ck_assert(CBB_init(&priv, 256));
	ck_assert(CBB_add_u32(&priv, k->check1) && CBB_add_u32(&priv, k->check2));
	for (int i = 0; i < k->ninner; i++) {
		ck_assert(ssh_add_cstring(&priv, k->inner_type));
		add_hex_string(&priv, k->pk);
		ck_assert(ssh_add_string(&priv, sk, sizeof(sk)));
		ck_assert(ssh_add_string(&priv, k->comment, k->comment_len));
	}
	switch (k->pad) {
	case PAD_RIGHT:
	case PAD_WRONG_FIRST:
	case PAD_WRONG_LAST:
		for (uint8_t i = 1; CBB_len(&priv) % 8 != 0; i++) {
			int last = CBB_len(&priv) % 8 == 7;
			int wrong = (k->pad == PAD_WRONG_FIRST && i == 1) ||
			    (k->pad == PAD_WRONG_LAST && last);

			ck_assert(CBB_add_u8(&priv, wrong ? (uint8_t)(i + 1) : i));
		}
		break;
	case PAD_EXTRA_BLOCK:
		for (uint8_t i = 1; i <= 8 || CBB_len(&priv) % 8 != 0; i++)
			ck_assert(CBB_add_u8(&priv, i));
		break;
	case PAD_NONE:
		break;
	}
	ck_assert(CBB_finish(&priv, &priv_buf, &priv_len));

	ck_assert(CBB_init(&file, 512));
	ck_assert(CBB_add_bytes(&file, (const uint8_t *)"openssh-key-v1", 15));
	ck_assert(ssh_add_cstring(&file, k->cipher) && ssh_add_cstring(&file, k->kdf));
	ck_assert(CBB_add_u32(&file, (uint32_t)k->kdfopts_len));
	for (size_t i = 0; i < k->kdfopts_len; i++)
		ck_assert(CBB_add_u8(&file, 0x5a));
	ck_assert(CBB_add_u32(&file, k->nkeys));
	for (int i = 0; i < k->npub; i++) {
		ck_assert(ssh_begin_string(&file, &blob));
		ck_assert(ssh_add_cstring(&blob, k->outer_type));
		add_hex_string(&blob, k->outer_pub);
		ck_assert(CBB_flush(&file));
	}
	ck_assert(ssh_add_string(&file, priv_buf, priv_len));
	for (size_t i = 0; i < k->trailing; i++)
		ck_assert(CBB_add_u8(&file, 0));
	ck_assert(CBB_finish(&file, &out, len));
	OPENSSL_free(priv_buf);
	return out;
}

/* Build, armour and parse. Returns 1 when it parsed. */
static int
try_knobs(const struct knobs *k, char *err)
{
	size_t len;
	uint8_t *bin = build(k, &len);
	char *text = armour(bin, len, 70, "\n"), *comment = NULL;
	struct rp_privkey *key = NULL;
	int ok = parse(text, strlen(text), &key, &comment, err);

	rp_privkey_free(key);
	free(comment);
	free(text);
	OPENSSL_free(bin);
	return ok;
}

static void
expect_knobs_refused(const struct knobs *k, const char *want)
{
	char err[ERRSZ];

	ck_assert_msg(!try_knobs(k, err), "accepted; expected \"%s\"", want);
	ck_assert_msg(strstr(err, want) != NULL, "error \"%s\"; expected \"%s\"", err, want);
}

/* --- OpenSSH's own files ----------------------------------------------------- */

START_TEST(test_openssh_ed25519_key_matches_its_pub_file)
{
	struct rp_privkey *key = NULL;
	struct rp_pubkey *pub = NULL;
	char *comment = NULL, *pub_comment = NULL, err[ERRSZ];
	const char *perr = NULL;
	size_t len;
	uint8_t *line = slurp("tests/vectors/openssh-keys/ed25519_1.pub", &len);

	ck_assert_msg(rp_privkey_load_file(rp_test_path("tests/vectors/openssh-keys/ed25519_1"),
	    &key, &comment, err, sizeof(err)), "load failed: %s", err);
	ck_assert_str_eq(comment, "ED25519 test key #1");
	line[len] = '\0';
	ck_assert_msg(rp_pubkey_from_text((char *)line, &pub, &pub_comment, &perr), "%s", perr);
	ck_assert(rp_pubkey_equal(pub, rp_privkey_public(key)));
	ck_assert_str_eq(pub_comment, comment);
	rp_pubkey_free(pub);
	rp_privkey_free(key);
	free(comment);
	free(pub_comment);
	free(line);
}
END_TEST

START_TEST(test_encrypted_key_is_refused_naming_cipher_and_kdf)
{
	struct rp_privkey *key = NULL;
	char err[ERRSZ];

	ck_assert(!rp_privkey_load_file(rp_test_path("tests/vectors/openssh-keys/ed25519_1_pw"),
	    &key, NULL, err, sizeof(err)));
	ck_assert_ptr_null(key);
	ck_assert_str_eq(err, "encrypted keys are not supported: cipher aes256-ctr, kdf bcrypt");
}
END_TEST

/* --- writing ------------------------------------------------------------------ */

START_TEST(test_generated_key_round_trips_with_comment)
{
	static const char *comments[] = { "alice@bastion", "", "with spaces and \"quotes\"" };

	for (size_t c = 0; c < 3; c++) {
		struct rp_privkey *key, *back = NULL;
		char *text, *comment = NULL, err[ERRSZ];
		size_t len;
		CBB s1, s2;
		uint8_t *sig1, *sig2;
		size_t sig1_len, sig2_len;

		ck_assert(rp_privkey_generate(RP_KEY_ED25519, &key));
		ck_assert(rp_privkey_to_openssh(key, comments[c], &text, &len));
		ck_assert_uint_eq(strlen(text), len);
		ck_assert_msg(parse(text, len, &back, &comment, err), "%s", err);
		ck_assert(rp_pubkey_equal(rp_privkey_public(key), rp_privkey_public(back)));
		ck_assert_str_eq(comment, comments[c]);
		/* Ed25519 signatures are deterministic: equal private keys sign
		 * alike. */
		ck_assert(CBB_init(&s1, 0) && CBB_init(&s2, 0));
		ck_assert(rp_privkey_sign(key, (const uint8_t *)"msg", 3, &s1));
		ck_assert(rp_privkey_sign(back, (const uint8_t *)"msg", 3, &s2));
		ck_assert(CBB_finish(&s1, &sig1, &sig1_len) && CBB_finish(&s2, &sig2, &sig2_len));
		ck_assert(sig1_len == sig2_len && memcmp(sig1, sig2, sig1_len) == 0);
		OPENSSL_free(sig1);
		OPENSSL_free(sig2);
		rp_privkey_free(key);
		rp_privkey_free(back);
		free(comment);
		free(text);
	}
}
END_TEST

START_TEST(test_written_file_has_openssh_layout)
{
	static const uint8_t head[] = "openssh-key-v1\0" "\0\0\0\4none" "\0\0\0\4none"
	    "\0\0\0\0" "\0\0\0\1";
	struct rp_privkey *key;
	char *text, *line, *save = NULL;
	size_t len, bin_len, b64_chars = 0, last = 0;
	uint8_t *bin;

	ck_assert(rp_privkey_generate(RP_KEY_ED25519, &key));
	ck_assert(rp_privkey_to_openssh(key, "c", &text, &len));
	ck_assert(strncmp(text, "-----BEGIN OPENSSH PRIVATE KEY-----\n", 36) == 0);
	ck_assert(len > 34 && strcmp(text + len - 34, "-----END OPENSSH PRIVATE KEY-----\n") == 0);
	bin = unarmour((uint8_t *)text, len, &bin_len);
	/* Unencrypted, kdf none, no kdf options, one key. */
	ck_assert(memcmp(bin, head, sizeof(head) - 1) == 0);
	/* Base64 lines of exactly 70 characters but the last. */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '-')
			continue;
		ck_assert_msg(last == 0 || last == 70, "a line of %zu before the last", last);
		last = strlen(line);
		ck_assert_uint_gt(last, 0);
		ck_assert_uint_le(last, 70);
		b64_chars += last;
	}
	ck_assert_uint_eq(b64_chars, (bin_len + 2) / 3 * 4);
	free(bin);
	free(text);
	rp_privkey_free(key);
}
END_TEST

/* --- armour --------------------------------------------------------------------- */

START_TEST(test_any_line_length_crlf_and_blank_lines_accepted)
{
	static const size_t widths[] = { 1, 4, 64, 70, 76, 100000 };
	static const char *eols[] = { "\n", "\r\n" };
	size_t text_len, bin_len;
	uint8_t *text = slurp("tests/vectors/openssh-keys/ed25519_1", &text_len);
	uint8_t *bin = unarmour(text, text_len, &bin_len);

	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		for (size_t e = 0; e < 2; e++) {
			char *arm = armour(bin, bin_len, widths[w], eols[e]), *comment = NULL;
			char *padded, err[ERRSZ];
			struct rp_privkey *key = NULL;

			ck_assert_msg(parse(arm, strlen(arm), &key, &comment, err),
			    "width %zu eol %zu: %s", widths[w], e, err);
			ck_assert_str_eq(comment, "ED25519 test key #1");
			rp_privkey_free(key);
			free(comment);
			key = NULL;
			comment = NULL;
			/* Blank lines and blanks around the armour. */
			ck_assert(asprintf(&padded, "\n \r\n%s\n\t\n", arm) > 0);
			ck_assert_msg(parse(padded, strlen(padded), &key, NULL, err), "%s", err);
			rp_privkey_free(key);
			free(padded);
			free(arm);
		}
	}
	free(bin);
	free(text);
}
END_TEST

START_TEST(test_bad_armour_is_refused)
{
	size_t text_len;
	uint8_t *text = slurp("tests/vectors/openssh-keys/ed25519_1", &text_len);
	char *s = malloc(text_len + 64);

	expect_refused("", 0, "not an OpenSSH private key");
	expect_refused_str("hello\n", "not an OpenSSH private key");
	expect_refused_str("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
	    "not an OpenSSH private key");
	expect_refused_str("-----BEGIN OPENSSH PRIVATE KEY-----\n", "missing");
	expect_refused_str("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n", "missing");
	expect_refused_str("-----BEGIN OPENSSH PRIVATE KEY-----\n-----END OPENSSH PRIVATE KEY-----\n",
	    "truncated");
	expect_refused_str("-----BEGIN OPENSSH PRIVATE KEY-----\nb3B*bnNz\n"
	    "-----END OPENSSH PRIVATE KEY-----\n", "invalid base64");
	/* Base64 whose length is not a multiple of 4. */
	expect_refused_str("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1\n"
	    "-----END OPENSSH PRIVATE KEY-----\n", "invalid base64");
	/* Text after the END line. */
	memcpy(s, text, text_len);
	memcpy(s + text_len, "extra\n", 7);
	expect_refused_str(s, "after the END line");
	/* A second key block after the first. */
	memcpy(s, text, text_len);
	memcpy(s + text_len, "-----BEGIN OPENSSH PRIVATE KEY-----\n", 37);
	expect_refused_str(s, "after the END line");
	free(s);
	free(text);
}
END_TEST

/* --- truncation and corruption ---------------------------------------------------- */

START_TEST(test_every_text_prefix_is_refused)
{
	size_t len;
	uint8_t *text = slurp("tests/vectors/openssh-keys/ed25519_1", &len);
	/* Every prefix that ends before the END line is complete. */
	size_t end = len;

	while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r'))
		end--;
	for (size_t n = 0; n < end; n++) {
		struct rp_privkey *key = NULL;
		char err[ERRSZ];
		/* A copy of exactly n bytes, so ASan sees any over-read. */
		uint8_t *prefix = malloc(n > 0 ? n : 1);

		memcpy(prefix, text, n);
		ck_assert_msg(!parse(prefix, n, &key, NULL, err), "prefix of %zu bytes accepted", n);
		free(prefix);
	}
	free(text);
}
END_TEST

START_TEST(test_every_binary_prefix_is_refused)
{
	size_t text_len, bin_len;
	uint8_t *text = slurp("tests/vectors/openssh-keys/ed25519_1", &text_len);
	uint8_t *bin = unarmour(text, text_len, &bin_len);

	for (size_t n = 0; n < bin_len; n++) {
		char *arm = armour(bin, n, 70, "\n"), err[ERRSZ];
		struct rp_privkey *key = NULL;

		ck_assert_msg(!parse(arm, strlen(arm), &key, NULL, err),
		    "binary prefix of %zu bytes accepted", n);
		free(arm);
	}
	free(bin);
	free(text);
}
END_TEST

START_TEST(test_every_bit_flip_is_refused_outside_the_comment)
{
	static const char want_comment[] = "ED25519 test key #1";
	size_t text_len, bin_len;
	uint8_t *text = slurp("tests/vectors/openssh-keys/ed25519_1", &text_len);
	uint8_t *bin = unarmour(text, text_len, &bin_len);
	uint8_t *c = memmem(bin, bin_len, want_comment, sizeof(want_comment) - 1);
	size_t c_start, c_end;

	ck_assert(c != NULL);
	c_start = (size_t)(c - bin);
	c_end = c_start + sizeof(want_comment) - 1;
	for (size_t bit = 0; bit < bin_len * 8; bit++) {
		struct rp_privkey *key = NULL;
		char *arm, *comment = NULL, err[ERRSZ];
		size_t byte = bit / 8;
		int ok;

		bin[byte] ^= (uint8_t)(1u << (bit % 8));
		arm = armour(bin, bin_len, 70, "\n");
		ok = parse(arm, strlen(arm), &key, &comment, err);
		bin[byte] ^= (uint8_t)(1u << (bit % 8));
		/* Only the comment is free text: a flip there changes it. */
		if (byte >= c_start && byte < c_end && ok)
			ck_assert_str_ne(comment, want_comment);
		else
			ck_assert_msg(!ok, "flipped bit %zu (byte %zu) accepted", bit, byte);
		rp_privkey_free(key);
		free(comment);
		free(arm);
	}
	free(bin);
	free(text);
}
END_TEST

START_TEST(test_builder_makes_a_valid_file)
{
	struct knobs k = good_knobs();
	char err[ERRSZ];

	/* The malformed variants below differ from this in one way only. */
	ck_assert_msg(try_knobs(&k, err), "%s", err);
	k.comment = "";
	k.comment_len = 0;
	ck_assert_msg(try_knobs(&k, err), "%s", err);
}
END_TEST

START_TEST(test_structural_errors_are_refused_with_reason)
{
	struct knobs k;
	char err[ERRSZ];

	k = good_knobs();
	k.check2 = k.check1 + 1;
	expect_knobs_refused(&k, "check integers differ (wrong passphrase or corrupt key)");

	k = good_knobs();
	k.pad = PAD_WRONG_FIRST;
	expect_knobs_refused(&k, "bad padding");
	k.comment_len = 8; /* five bytes of padding */
	k.pad = PAD_RIGHT;
	ck_assert_msg(try_knobs(&k, err), "%s", err);
	k.pad = PAD_WRONG_LAST;
	expect_knobs_refused(&k, "bad padding");
	k.pad = PAD_EXTRA_BLOCK;
	expect_knobs_refused(&k, "bad padding");
	k.pad = PAD_NONE;
	k.comment_len = 11; /* so the section is not a whole number of blocks */
	expect_knobs_refused(&k, "not a multiple of the block size");

	k = good_knobs();
	k.trailing = 1;
	expect_knobs_refused(&k, "trailing data");
	k.trailing = 8;
	expect_knobs_refused(&k, "trailing data");

	k = good_knobs();
	k.nkeys = 2;
	k.npub = 2;
	k.ninner = 2;
	expect_knobs_refused(&k, "2 keys in the file; exactly one is supported");
	k.nkeys = 0;
	k.npub = 0;
	k.ninner = 0;
	expect_knobs_refused(&k, "0 keys");

	k = good_knobs();
	k.cipher = "aes256-ctr";
	k.kdf = "bcrypt";
	k.kdfopts_len = 24;
	expect_knobs_refused(&k, "encrypted keys are not supported: cipher aes256-ctr, kdf bcrypt");
	k = good_knobs();
	k.kdf = "bcrypt";
	expect_knobs_refused(&k, "unencrypted key with kdf bcrypt");
	k = good_knobs();
	k.kdfopts_len = 4;
	expect_knobs_refused(&k, "kdf options");
	k = good_knobs();
	k.cipher = "";
	expect_knobs_refused(&k, "malformed cipher name");

	k = good_knobs();
	k.outer_type = "ssh-dss";
	expect_knobs_refused(&k, "key type ssh-dss is not supported (supported: ssh-ed25519, "
	    "ecdsa-sha2-nistp256/384/521 and ssh-rsa)");
	/* A type rampart has, with another type's fields. */
	k = good_knobs();
	k.outer_type = "ssh-rsa";
	expect_knobs_refused(&k, "malformed RSA key");
	k = good_knobs();
	k.inner_type = "ssh-dss";
	expect_knobs_refused(&k, "private key type ssh-dss does not match");

	k = good_knobs();
	k.comment = "a\0b";
	k.comment_len = 3;
	expect_knobs_refused(&k, "NUL");
}
END_TEST

START_TEST(test_mismatched_key_parts_are_refused)
{
	struct knobs k;

	/* The public key outside disagrees with the key inside. */
	k = good_knobs();
	k.outer_pub = pub2_hex;
	expect_knobs_refused(&k, "public key does not match the private key");
	/* The inner public key is another key's. */
	k = good_knobs();
	k.pk = pub2_hex;
	k.outer_pub = pub2_hex;
	expect_knobs_refused(&k, "private key does not match its public key");
	/* The 64-byte private key's second half is another key's. */
	k = good_knobs();
	k.sk_pub = pub2_hex;
	expect_knobs_refused(&k, "private key does not match its public key");
	/* A whole other key inside, the first outside. */
	k = good_knobs();
	k.seed = seed2_hex;
	k.pk = k.sk_pub = pub2_hex;
	expect_knobs_refused(&k, "public key does not match the private key");
}
END_TEST

START_TEST(test_bad_magic_is_refused)
{
	struct knobs k = good_knobs();
	size_t len;
	uint8_t *bin = build(&k, &len);
	char *arm;

	bin[14] = 'x'; /* the magic's NUL */
	arm = armour(bin, len, 70, "\n");
	expect_refused_str(arm, "bad magic");
	free(arm);
	OPENSSL_free(bin);
}
END_TEST

/* --- files --------------------------------------------------------------------- */

START_TEST(test_load_file_refuses_missing_odd_and_large_files)
{
	struct rp_privkey *key = NULL;
	char err[ERRSZ], path[] = "/tmp/rampart-keyfile-XXXXXX";
	int fd;
	static uint8_t big[64 * 1024 + 1];

	ck_assert(!rp_privkey_load_file("/nonexistent/rampart/key", &key, NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "No such file or directory") != NULL, "%s", err);
	ck_assert(!rp_privkey_load_file("/tmp", &key, NULL, err, sizeof(err)));
	ck_assert_str_eq(err, "not a regular file");
	ck_assert(!rp_privkey_load_file("/dev/null", &key, NULL, err, sizeof(err)));
	ck_assert_str_eq(err, "not a regular file");

	fd = mkstemp(path);
	ck_assert(fd >= 0);
	memset(big, '\n', sizeof(big));
	ck_assert(write(fd, big, sizeof(big)) == (ssize_t)sizeof(big));
	close(fd);
	ck_assert(!rp_privkey_load_file(path, &key, NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "too large") != NULL, "%s", err);
	/* Exactly 64 KiB is read (and refused for its content). */
	ck_assert(truncate(path, sizeof(big) - 1) == 0);
	ck_assert(!rp_privkey_load_file(path, &key, NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "not an OpenSSH or PEM private key") != NULL, "%s", err);
	unlink(path);
	ck_assert_ptr_null(key);
}
END_TEST

START_TEST(test_short_error_buffer_is_safe)
{
	struct rp_privkey *key = NULL;
	char err[8];

	ck_assert(!rp_privkey_from_openssh((const uint8_t *)"x", 1, &key, NULL, err, sizeof(err)));
	ck_assert_uint_eq(strlen(err), 7);
	ck_assert(!rp_privkey_from_openssh((const uint8_t *)"x", 1, &key, NULL, NULL, 0));
}
END_TEST

RP_TEST_SUITE(keyfile)
{
	Suite *s = suite_create("keyfile");
	TCase *tc = tcase_create("openssh");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_openssh_ed25519_key_matches_its_pub_file);
	tcase_add_test(tc, test_encrypted_key_is_refused_naming_cipher_and_kdf);
	tcase_add_test(tc, test_generated_key_round_trips_with_comment);
	tcase_add_test(tc, test_written_file_has_openssh_layout);
	tcase_add_test(tc, test_any_line_length_crlf_and_blank_lines_accepted);
	tcase_add_test(tc, test_bad_armour_is_refused);
	tcase_add_test(tc, test_every_text_prefix_is_refused);
	tcase_add_test(tc, test_every_binary_prefix_is_refused);
	tcase_add_test(tc, test_every_bit_flip_is_refused_outside_the_comment);
	tcase_add_test(tc, test_builder_makes_a_valid_file);
	tcase_add_test(tc, test_structural_errors_are_refused_with_reason);
	tcase_add_test(tc, test_mismatched_key_parts_are_refused);
	tcase_add_test(tc, test_bad_magic_is_refused);
	tcase_add_test(tc, test_load_file_refuses_missing_odd_and_large_files);
	tcase_add_test(tc, test_short_error_buffer_is_safe);
	suite_add_tcase(s, tc);
	return s;
}

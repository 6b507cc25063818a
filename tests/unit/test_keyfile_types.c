/*
 * tests/unit/test_keyfile_types.c: ECDSA and RSA private key files, and
 * every PEM form (crypto/keyfile.h), read and written, and `rampartctl
 * keygen` for every key type.
 *
 * The files under tests/vectors/keys/private/ come from Debian's ssh-keygen
 * and openssl (make.sh there); each NAME has its public half in NAME.pub.
 * Each key must load, equal its .pub key, sign what its public half
 * verifies (with every algorithm the type has), survive a round trip
 * through rp_privkey_to_openssh, and come out of the writer exactly as
 * ssh-keygen wrote it but for the random check integers. ssh-keygen -y must
 * read what rampart writes. Broken, mismatched, small and encrypted keys are
 * refused with a reason.
 */
#include "tests/unit/unit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/wire.h"
#include "crypto/encoding.h"
#include "crypto/keyfile.h"
#include "crypto/sshkey.h"

#define ERRSZ 256
#define DIR "tests/vectors/keys/private/"
#define SSH_KEYGEN "/usr/bin/ssh-keygen"
#define OPENSSH_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define OPENSSH_END "-----END OPENSSH PRIVATE KEY-----"

/* --- helpers ---------------------------------------------------------------- */


static struct rp_pubkey *
pub_of_file(const char *relative, char **comment)
{
	char *line = rp_test_read_file(relative, NULL);
	struct rp_pubkey *pub = NULL;
	const char *err = NULL;

	ck_assert_msg(rp_pubkey_from_text(line, &pub, comment, &err), "%s: %s", relative, err);
	free(line);
	return pub;
}

/* Load a key file; fail the test with the reason when it does not load. */
static struct rp_privkey *
load(const char *relative, char **comment)
{
	struct rp_privkey *key = NULL;
	char err[ERRSZ];

	ck_assert_msg(rp_privkey_load_file(rp_test_path(relative), &key, comment, err,
	    sizeof(err)), "%s: %s", relative, err);
	ck_assert_ptr_nonnull(key);
	return key;
}

/* Parse text (any format) expecting a refusal whose reason contains want. */
static void
expect_text_refused(const char *text, size_t len, const char *want)
{
	struct rp_privkey *key = NULL;
	char *comment = NULL, err[ERRSZ] = "";

	ck_assert_msg(!rp_privkey_parse((const uint8_t *)text, len, &key, &comment, err,
	    sizeof(err)), "accepted; expected \"%s\"", want);
	ck_assert_ptr_null(key);
	ck_assert_ptr_null(comment);
	ck_assert_msg(strstr(err, want) != NULL, "error \"%s\"; expected \"%s\"", err, want);
}

static void
expect_str_refused(const char *text, const char *want)
{
	expect_text_refused(text, strlen(text), want);
}

static void
expect_file_refused(const char *relative, const char *want)
{
	struct rp_privkey *key = NULL;
	char *comment = NULL, err[ERRSZ] = "";

	ck_assert_msg(!rp_privkey_load_file(rp_test_path(relative), &key, &comment, err,
	    sizeof(err)), "%s accepted; expected \"%s\"", relative, want);
	ck_assert_ptr_null(key);
	ck_assert_ptr_null(comment);
	ck_assert_msg(strstr(err, want) != NULL, "%s: error \"%s\"; expected \"%s\"", relative,
	    err, want);
}

/* Sign with every algorithm the key's type has (and the default one), and
 * verify with pub, an independent copy of the public half. */
static void
check_signs(const struct rp_privkey *key, const struct rp_pubkey *pub)
{
	static const uint8_t msg[] = "exchange hash of a rampart test";
	const char *const *algs = rp_key_sig_algs(rp_pubkey_type(pub));
	size_t n = 0;
	CBB cbb;
	uint8_t *sig;
	size_t len;

	ck_assert(algs != NULL && algs[0] != NULL);
	for (; algs[n] != NULL; n++) {
		ck_assert(rp_sig_alg_suits(rp_pubkey_type(pub), algs[n]));
		ck_assert(CBB_init(&cbb, 0));
		ck_assert_msg(rp_privkey_sign_alg(key, algs[n], msg, sizeof(msg) - 1, &cbb), "%s",
		    algs[n]);
		ck_assert(CBB_finish(&cbb, &sig, &len));
		ck_assert_msg(rp_pubkey_verify(pub, algs[n], sig, len, msg, sizeof(msg) - 1),
		    "%s signature does not verify", algs[n]);
		ck_assert_msg(!rp_pubkey_verify(pub, algs[n], sig, len, msg, sizeof(msg) - 2),
		    "%s signature verifies other data", algs[n]);
		OPENSSL_free(sig);
	}
	ck_assert(CBB_init(&cbb, 0));
	ck_assert(rp_privkey_sign(key, msg, sizeof(msg) - 1, &cbb));
	ck_assert(CBB_finish(&cbb, &sig, &len));
	ck_assert(rp_pubkey_verify(pub, rp_key_sig_algs(rp_pubkey_type(pub))[0], sig, len, msg,
	    sizeof(msg) - 1));
	OPENSSL_free(sig);
}

/* The decoded binary of an armoured text, malloc'd. */
static uint8_t *
unarmour(const char *text, size_t *out_len)
{
	const char *p = strchr(text, '\n');
	char *b64 = malloc(strlen(text) + 1);
	size_t n = 0;
	uint8_t *bin;

	ck_assert(p != NULL && b64 != NULL);
	for (p++; *p != '\0' && *p != '-'; p++)
		if (*p != '\n' && *p != '\r')
			b64[n++] = *p;
	ck_assert(rp_base64_decode(b64, n, &bin, out_len));
	free(b64);
	return bin;
}

/* Armour bin between "-----BEGIN LABEL-----" and its END line, malloc'd. */
static char *
armour(const char *label, const uint8_t *bin, size_t len)
{
	char *b64 = rp_base64_encode(bin, len);
	size_t b64_len = strlen(b64), cap = b64_len * 2 + 256, n = 0;
	char *text = malloc(cap);

	n += (size_t)snprintf(text + n, cap - n, "-----BEGIN %s-----\n", label);
	for (size_t i = 0; i < b64_len; i += 64)
		n += (size_t)snprintf(text + n, cap - n, "%.*s\n",
		    (int)(b64_len - i < 64 ? b64_len - i : 64), b64 + i);
	snprintf(text + n, cap - n, "-----END %s-----\n", label);
	free(b64);
	return text;
}

/* --- an OpenSSH key file taken apart ----------------------------------------------- */

#define MAX_FIELDS 6

struct parts {
	uint8_t *bin;           /* the decoded file; the CBSs point into it */
	size_t bin_len;
	size_t check_off;       /* where the check integers are in bin */
	CBS outer;              /* the public key blob */
	uint32_t check1, check2;
	CBS type;
	CBS field[MAX_FIELDS];
	size_t nfields;
	CBS comment;
};

static size_t
nfields_of(const CBS *type)
{
	if (CBS_mem_equal(type, (const uint8_t *)"ssh-rsa", 7))
		return 6;
	if (CBS_mem_equal(type, (const uint8_t *)"ssh-ed25519", 11))
		return 2;
	return 3; /* ECDSA: curve, Q, d */
}

static void
split(const char *text, struct parts *p)
{
	CBS cbs, s, priv;
	uint32_t nkeys;

	memset(p, 0, sizeof(*p));
	p->bin = unarmour(text, &p->bin_len);
	CBS_init(&cbs, p->bin, p->bin_len);
	ck_assert(CBS_skip(&cbs, 15));
	ck_assert(ssh_get_string(&cbs, &s) && ssh_get_string(&cbs, &s) &&
	    ssh_get_string(&cbs, &s));
	ck_assert(CBS_get_u32(&cbs, &nkeys) && nkeys == 1);
	ck_assert(ssh_get_string(&cbs, &p->outer) && ssh_get_string(&cbs, &priv));
	ck_assert_uint_eq(CBS_len(&cbs), 0);
	p->check_off = p->bin_len - CBS_len(&priv);
	ck_assert(CBS_get_u32(&priv, &p->check1) && CBS_get_u32(&priv, &p->check2));
	ck_assert(ssh_get_string(&priv, &p->type));
	p->nfields = nfields_of(&p->type);
	for (size_t i = 0; i < p->nfields; i++)
		ck_assert(ssh_get_string(&priv, &p->field[i]));
	ck_assert(ssh_get_string(&priv, &p->comment));
	ck_assert_uint_lt(CBS_len(&priv), 8);
}

/* The parts, as they stand, as an armoured OpenSSH key file (malloc'd). */
static char *
join(const struct parts *p)
{
	CBB priv, file;
	uint8_t *priv_buf, *bin;
	size_t priv_len, bin_len;
	char *b64, *text;
	size_t b64_len, cap, n = 0;

	ck_assert(CBB_init(&priv, 256));
	ck_assert(CBB_add_u32(&priv, p->check1) && CBB_add_u32(&priv, p->check2));
	ck_assert(ssh_add_string(&priv, CBS_data(&p->type), CBS_len(&p->type)));
	for (size_t i = 0; i < p->nfields; i++)
		ck_assert(ssh_add_string(&priv, CBS_data(&p->field[i]), CBS_len(&p->field[i])));
	ck_assert(ssh_add_string(&priv, CBS_data(&p->comment), CBS_len(&p->comment)));
	for (uint8_t i = 1; CBB_len(&priv) % 8 != 0; i++)
		ck_assert(CBB_add_u8(&priv, i));
	ck_assert(CBB_finish(&priv, &priv_buf, &priv_len));
	ck_assert(CBB_init(&file, 256 + priv_len));
	ck_assert(CBB_add_bytes(&file, (const uint8_t *)"openssh-key-v1", 15));
	ck_assert(ssh_add_cstring(&file, "none") && ssh_add_cstring(&file, "none") &&
	    ssh_add_string(&file, "", 0) && CBB_add_u32(&file, 1));
	ck_assert(ssh_add_string(&file, CBS_data(&p->outer), CBS_len(&p->outer)));
	ck_assert(ssh_add_string(&file, priv_buf, priv_len));
	ck_assert(CBB_finish(&file, &bin, &bin_len));
	OPENSSL_free(priv_buf);
	b64 = rp_base64_encode(bin, bin_len);
	OPENSSL_free(bin);
	b64_len = strlen(b64);
	cap = b64_len * 2 + 128;
	text = malloc(cap);
	n += (size_t)snprintf(text, cap, OPENSSH_BEGIN "\n");
	for (size_t i = 0; i < b64_len; i += 70)
		n += (size_t)snprintf(text + n, cap - n, "%.*s\n",
		    (int)(b64_len - i < 70 ? b64_len - i : 70), b64 + i);
	snprintf(text + n, cap - n, OPENSSH_END "\n");
	free(b64);
	return text;
}

static void
parts_free(struct parts *p)
{
	free(p->bin);
}

/* Join p and expect it refused with want. */
static void
expect_parts_refused(const struct parts *p, const char *want)
{
	char *text = join(p);

	expect_text_refused(text, strlen(text), want);
	free(text);
}

/* --- the fixture files ----------------------------------------------------------- */

static const struct fixture {
	const char *file, *pub;
	enum rp_key_type type;
	unsigned bits;
	int openssh;            /* OpenSSH format: a comment, and ssh-keygen's layout */
} fixtures[] = {
	{ DIR "ecdsa256.key", DIR "ecdsa256.key.pub", RP_KEY_ECDSA_P256, 256, 1 },
	{ DIR "ecdsa384.key", DIR "ecdsa384.key.pub", RP_KEY_ECDSA_P384, 384, 1 },
	{ DIR "ecdsa521.key", DIR "ecdsa521.key.pub", RP_KEY_ECDSA_P521, 521, 1 },
	{ DIR "rsa2048.key", DIR "rsa2048.key.pub", RP_KEY_RSA, 2048, 1 },
	/* The two private keys kept beside tests/vectors/keys/'s public ones. */
	{ "tests/vectors/keys/ecdsa256.key", "tests/vectors/keys/ecdsa256.pub",
	  RP_KEY_ECDSA_P256, 256, 1 },
	{ "tests/vectors/keys/rsa2048.key", "tests/vectors/keys/rsa2048.pub", RP_KEY_RSA, 2048,
	  1 },
	{ DIR "ecdsa256.pem", DIR "ecdsa256.pem.pub", RP_KEY_ECDSA_P256, 256, 0 },
	{ DIR "ecdsa521.pem", DIR "ecdsa521.pem.pub", RP_KEY_ECDSA_P521, 521, 0 },
	{ DIR "ecdsa384-params.pem", DIR "ecdsa384-params.pem.pub", RP_KEY_ECDSA_P384, 384, 0 },
	{ DIR "rsa2048.pem", DIR "rsa2048.pem.pub", RP_KEY_RSA, 2048, 0 },
	{ DIR "ecdsa384.pkcs8", DIR "ecdsa384.pkcs8.pub", RP_KEY_ECDSA_P384, 384, 0 },
	{ DIR "rsa3072.pkcs8", DIR "rsa3072.pkcs8.pub", RP_KEY_RSA, 3072, 0 },
	{ DIR "ed25519.pkcs8", DIR "ed25519.pkcs8.pub", RP_KEY_ED25519, 256, 0 },
};
#define NFIXTURES ((int)(sizeof(fixtures) / sizeof(fixtures[0])))

START_TEST(test_fixture_loads_matches_its_pub_and_signs)
{
	const struct fixture *f = &fixtures[_i];
	char *comment = NULL, *pub_comment = NULL;
	struct rp_privkey *key = load(f->file, &comment);
	struct rp_pubkey *pub = pub_of_file(f->pub, &pub_comment);

	ck_assert_msg(rp_pubkey_equal(rp_privkey_public(key), pub), "%s: not the key in %s",
	    f->file, f->pub);
	ck_assert_int_eq(rp_pubkey_type(rp_privkey_public(key)), f->type);
	ck_assert_uint_eq(rp_pubkey_bits(rp_privkey_public(key)), f->bits);
	ck_assert_ptr_nonnull(comment);
	if (f->openssh)
		ck_assert_str_eq(comment, pub_comment);
	else
		ck_assert_str_eq(comment, "");
	check_signs(key, pub);
	rp_privkey_free(key);
	rp_pubkey_free(pub);
	free(comment);
	free(pub_comment);
}
END_TEST

START_TEST(test_fixture_round_trips_through_the_writer)
{
	const struct fixture *f = &fixtures[_i];
	struct rp_privkey *key = load(f->file, NULL), *back = NULL;
	char *text, *comment = NULL, err[ERRSZ];
	size_t len;

	ck_assert(rp_privkey_to_openssh(key, "round trip", &text, &len));
	ck_assert_uint_eq(strlen(text), len);
	ck_assert(strncmp(text, OPENSSH_BEGIN "\n", strlen(OPENSSH_BEGIN) + 1) == 0);
	ck_assert_msg(rp_privkey_parse((const uint8_t *)text, len, &back, &comment, err,
	    sizeof(err)), "%s: %s", f->file, err);
	ck_assert(rp_pubkey_equal(rp_privkey_public(key), rp_privkey_public(back)));
	ck_assert_str_eq(comment, "round trip");
	/* The private half came through too: it signs for the public one. */
	check_signs(back, rp_privkey_public(key));
	rp_privkey_free(key);
	rp_privkey_free(back);
	free(comment);
	free(text);
}
END_TEST

/* What rampart writes for a key ssh-keygen wrote is ssh-keygen's file, byte
 * for byte, but for the random check integers. */
START_TEST(test_writer_output_equals_ssh_keygen_file)
{
	const struct fixture *f = &fixtures[_i];
	char *comment = NULL, *theirs, *ours;
	struct rp_privkey *key;
	struct parts a, b;
	size_t len;

	if (!f->openssh)
		return;
	key = load(f->file, &comment);
	theirs = rp_test_read_file(f->file, NULL);
	ck_assert(rp_privkey_to_openssh(key, comment, &ours, &len));
	split(theirs, &a);
	split(ours, &b);
	ck_assert_uint_eq(a.bin_len, b.bin_len);
	ck_assert_uint_eq(a.check_off, b.check_off);
	ck_assert_uint_eq(b.check1, b.check2);
	memcpy(b.bin + b.check_off, a.bin + a.check_off, 8);
	ck_assert_msg(memcmp(a.bin, b.bin, a.bin_len) == 0, "%s: written differently", f->file);
	parts_free(&a);
	parts_free(&b);
	free(theirs);
	free(ours);
	free(comment);
	rp_privkey_free(key);
}
END_TEST

/* --- ssh-keygen reads what rampart writes -------------------------------------------- */

static const struct {
	enum rp_key_type type;
	unsigned bits;
} generated[] = {
	{ RP_KEY_ED25519, 0 },
	{ RP_KEY_ECDSA_P256, 0 },
	{ RP_KEY_ECDSA_P384, 384 },
	{ RP_KEY_ECDSA_P521, 521 },
	{ RP_KEY_RSA, 2048 },
};
#define NGENERATED ((int)(sizeof(generated) / sizeof(generated[0])))

START_TEST(test_ssh_keygen_reads_what_rampart_writes)
{
	char path[] = "/tmp/rampart-keyfile-types-XXXXXX", cmd[128], line[4096];
	struct rp_privkey *key, *back = NULL;
	struct rp_pubkey *pub = NULL;
	const char *perr = NULL;
	char *text, err[ERRSZ];
	size_t len;
	FILE *p;
	int fd, status;

	ck_assert(rp_privkey_generate_bits(generated[_i].type, generated[_i].bits, &key));
	ck_assert(rp_privkey_to_openssh(key, "written-by-rampart", &text, &len));
	/* mkstemp makes the file 0600, as ssh-keygen insists. */
	fd = mkstemp(path);
	ck_assert(fd >= 0);
	ck_assert(write(fd, text, len) == (ssize_t)len);
	close(fd);
	/* rampart reads its own file back. */
	ck_assert_msg(rp_privkey_load_file(path, &back, NULL, err, sizeof(err)), "%s", err);
	ck_assert(rp_pubkey_equal(rp_privkey_public(key), rp_privkey_public(back)));
	rp_privkey_free(back);
	if (access(SSH_KEYGEN, X_OK) != 0) {
		fprintf(stderr, "keyfile_types: %s missing; ssh-keygen -y not tried\n", SSH_KEYGEN);
	} else {
		snprintf(cmd, sizeof(cmd), SSH_KEYGEN " -y -f %s 2>&1", path);
		p = popen(cmd, "r");
		ck_assert(p != NULL);
		ck_assert(fgets(line, sizeof(line), p) != NULL);
		status = pclose(p);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "ssh-keygen: %s", line);
		ck_assert_msg(rp_pubkey_from_text(line, &pub, NULL, &perr), "%s: %s", perr, line);
		ck_assert_msg(rp_pubkey_equal(pub, rp_privkey_public(key)),
		    "ssh-keygen -y gives another key: %s", line);
		rp_pubkey_free(pub);
	}
	unlink(path);
	free(text);
	rp_privkey_free(key);
}
END_TEST

/* --- refusals: whole files ------------------------------------------------------------ */

START_TEST(test_small_rsa_keys_are_refused_with_the_reason)
{
	expect_file_refused(DIR "rsa1024.key", "RSA key of 1024 bits: at least 2048 are required");
	expect_file_refused(DIR "rsa1024.pem", "RSA key of 1024 bits: at least 2048 are required");
}
END_TEST

START_TEST(test_encrypted_pem_keys_are_refused_saying_so)
{
	expect_file_refused(DIR "rsa2048-encrypted.pem",
	    "encrypted PEM keys are not supported (Proc-Type: 4,ENCRYPTED, cipher AES-128-CBC)");
	expect_file_refused(DIR "rsa2048-encrypted.pem", "ssh-keygen -p");
	expect_file_refused(DIR "ecdsa256-encrypted.pkcs8",
	    "encrypted PKCS#8 keys (\"BEGIN ENCRYPTED PRIVATE KEY\") are not supported");
}
END_TEST

START_TEST(test_other_curves_and_public_keys_are_refused)
{
	expect_file_refused(DIR "p224.pkcs8",
	    "ECDSA key on curve secp224r1; supported are P-256, P-384 and P-521");
	expect_file_refused(DIR "ecdsa256.key.pub", "this is a public key");
}
END_TEST

/* --- refusals: OpenSSH files, broken ---------------------------------------------------- */

static const char *const openssh_files[] = {
	DIR "ecdsa256.key", DIR "ecdsa384.key", DIR "ecdsa521.key", DIR "rsa2048.key",
};
#define NOPENSSH_FILES ((int)(sizeof(openssh_files) / sizeof(openssh_files[0])))

START_TEST(test_every_truncation_is_refused)
{
	char *text = rp_test_read_file(openssh_files[_i], NULL);
	size_t bin_len;
	uint8_t *bin = unarmour(text, &bin_len);

	for (size_t n = 0; n < bin_len; n++) {
		char *arm = armour("OPENSSH PRIVATE KEY", bin, n), err[ERRSZ];
		struct rp_privkey *key = NULL;

		ck_assert_msg(!rp_privkey_parse((const uint8_t *)arm, strlen(arm), &key, NULL, err,
		    sizeof(err)), "%s: prefix of %zu bytes accepted", openssh_files[_i], n);
		ck_assert_ptr_null(key);
		free(arm);
	}
	/* The text cut anywhere before its END line. */
	for (size_t n = 0; n + 40 < strlen(text); n += 7) {
		struct rp_privkey *key = NULL;
		char err[ERRSZ];

		ck_assert(!rp_privkey_parse((const uint8_t *)text, n, &key, NULL, err, sizeof(err)));
	}
	free(bin);
	free(text);
}
END_TEST

/* A flipped bit anywhere but in the comment is noticed. RSA keys flip one
 * bit in each byte (RSA_check_key is slow enough to take fewer). */
START_TEST(test_bit_flips_are_refused)
{
	const char *file = openssh_files[_i];
	char *text = rp_test_read_file(file, NULL), *want_comment = NULL;
	struct rp_privkey *orig = load(file, &want_comment);
	size_t bin_len, c_start, c_end;
	uint8_t *bin = unarmour(text, &bin_len);
	uint8_t *c = memmem(bin, bin_len, want_comment, strlen(want_comment));
	int rsa = strstr(file, "rsa") != NULL;

	ck_assert(c != NULL);
	c_start = (size_t)(c - bin);
	c_end = c_start + strlen(want_comment);
	for (size_t bit = 0; bit < bin_len * 8; bit += rsa ? 9 : 1) {
		struct rp_privkey *key = NULL;
		char *arm, *comment = NULL, err[ERRSZ];
		size_t byte = bit / 8;
		int ok;

		bin[byte] ^= (uint8_t)(1u << (bit % 8));
		arm = armour("OPENSSH PRIVATE KEY", bin, bin_len);
		ok = rp_privkey_parse((const uint8_t *)arm, strlen(arm), &key, &comment, err,
		    sizeof(err));
		bin[byte] ^= (uint8_t)(1u << (bit % 8));
		if (byte >= c_start && byte < c_end && ok)
			ck_assert_str_ne(comment, want_comment);
		else
			ck_assert_msg(!ok, "%s: flipped bit %zu (byte %zu) accepted", file, bit, byte);
		rp_privkey_free(key);
		free(comment);
		free(arm);
	}
	rp_privkey_free(orig);
	free(want_comment);
	free(bin);
	free(text);
}
END_TEST

START_TEST(test_mismatched_ecdsa_halves_are_refused)
{
	/* Two P-256 keys; b's parts go into a's file. */
	char *ta = rp_test_read_file(DIR "ecdsa256.key", NULL), *tb = rp_test_read_file("tests/vectors/keys/ecdsa256.key",
	    NULL), *text;
	struct parts a, b, p;
	static const uint8_t order[] = {
		0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3,
		0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	};
	uint8_t padded[34];

	split(ta, &a);
	split(tb, &b);
	/* As written, a rebuilt file is fine. */
	text = join(&a);
	{
		struct rp_privkey *key = NULL;
		char err[ERRSZ];

		ck_assert_msg(rp_privkey_parse((const uint8_t *)text, strlen(text), &key, NULL, err,
		    sizeof(err)), "%s", err);
		rp_privkey_free(key);
	}
	free(text);
	/* Another key's d with this key's Q. */
	p = a;
	p.field[2] = b.field[2];
	expect_parts_refused(&p, "ECDSA private key does not match its public key (d*G != Q)");
	/* Another key's Q, inside and out, with this key's d. */
	p = a;
	p.outer = b.outer;
	p.field[1] = b.field[1];
	expect_parts_refused(&p, "ECDSA private key does not match its public key (d*G != Q)");
	/* The whole other key inside, this one's public key outside. */
	p = b;
	p.outer = a.outer;
	expect_parts_refused(&p, "public key does not match the private key");
	/* Another curve's name inside. */
	p = a;
	CBS_init(&p.field[0], (const uint8_t *)"nistp384", 8);
	expect_parts_refused(&p, "ECDSA curve name does not match the key type");
	p = a;
	CBS_init(&p.type, (const uint8_t *)"ecdsa-sha2-nistp384", 19);
	expect_parts_refused(&p, "private key type ecdsa-sha2-nistp384 does not match");
	/* d of zero, of the group order, and with a needless zero byte. */
	p = a;
	CBS_init(&p.field[2], (const uint8_t *)"", 0);
	expect_parts_refused(&p, "out of range");
	p = a;
	CBS_init(&p.field[2], order, sizeof(order));
	expect_parts_refused(&p, "out of range");
	p = a;
	ck_assert_uint_le(CBS_len(&a.field[2]), 33);
	padded[0] = 0;
	memcpy(padded + 1, CBS_data(&a.field[2]), CBS_len(&a.field[2]));
	CBS_init(&p.field[2], padded, CBS_len(&a.field[2]) + 1);
	expect_parts_refused(&p, "malformed ECDSA private key");
	/* A point that is not on the curve. */
	p = a;
	{
		uint8_t q[65];

		ck_assert_uint_eq(CBS_len(&a.field[1]), sizeof(q));
		memcpy(q, CBS_data(&a.field[1]), sizeof(q));
		q[64] ^= 1;
		CBS_init(&p.field[1], q, sizeof(q));
		p.outer = a.outer;
		expect_parts_refused(&p, "not a valid point on its curve");
	}
	parts_free(&a);
	parts_free(&b);
	free(ta);
	free(tb);
}
END_TEST

START_TEST(test_mismatched_rsa_parts_are_refused)
{
	/* Two 2048-bit keys; b's numbers go into a's file. Fields: n e d iqmp p q. */
	char *ta = rp_test_read_file(DIR "rsa2048.key", NULL), *tb = rp_test_read_file("tests/vectors/keys/rsa2048.key",
	    NULL);
	struct parts a, b, p;
	static const uint8_t one[] = { 1 };

	split(ta, &a);
	split(tb, &b);
	p = a;
	p.field[5] = b.field[5];
	expect_parts_refused(&p, "RSA private key does not match its public key (n != p*q)");
	p = a;
	p.field[4] = a.field[5];
	p.field[5] = a.field[4];
	/* p and q swapped: n is still p*q, but iqmp is q^-1 mod p no more. */
	expect_parts_refused(&p, "inconsistent RSA private key");
	p = a;
	p.field[2] = b.field[2];
	expect_parts_refused(&p, "inconsistent RSA private key");
	p = a;
	p.field[3] = b.field[3];
	expect_parts_refused(&p, "inconsistent RSA private key");
	p = a;
	CBS_init(&p.field[4], one, 1);
	expect_parts_refused(&p, "a prime below 2");
	/* The whole other key inside, this one's public key outside. */
	p = b;
	p.outer = a.outer;
	expect_parts_refused(&p, "public key does not match the private key");
	/* A negative number. */
	p = a;
	CBS_init(&p.field[2], (const uint8_t *)"\x80", 1);
	expect_parts_refused(&p, "malformed RSA private key");
	parts_free(&a);
	parts_free(&b);
	free(ta);
	free(tb);
}
END_TEST

/* --- refusals: PEM files, broken ------------------------------------------------------- */

/* text with the first occurrence of from replaced by to, malloc'd. */
static char *
replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;

	ck_assert_msg(at != NULL, "no \"%s\"", from);
	ck_assert(asprintf(&out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) > 0);
	return out;
}

START_TEST(test_bad_pem_armour_is_refused)
{
	char *ec = rp_test_read_file(DIR "ecdsa256.pem", NULL), *s;

	expect_str_refused("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	    "PEM block \"CERTIFICATE\" is not a private key rampart reads (expected PRIVATE KEY, "
	    "EC PRIVATE KEY or RSA PRIVATE KEY)");
	s = replace(ec, "EC PRIVATE KEY", "DSA PRIVATE KEY");
	expect_text_refused(s, strlen(s), "DSA keys are not supported");
	free(s);
	s = replace(ec, "-----END EC", "-----END RSA");
	expect_text_refused(s, strlen(s), "the PEM END line does not match its BEGIN line");
	free(s);
	s = replace(ec, "-----END EC PRIVATE KEY-----", "");
	expect_text_refused(s, strlen(s), "missing PEM END line");
	free(s);
	ck_assert(asprintf(&s, "%sMore\n", ec) > 0);
	expect_text_refused(s, strlen(s), "unexpected text after the END line");
	free(s);
	s = replace(ec, "KEY-----\n", "KEY-----\nComment: hello\n\n");
	expect_text_refused(s, strlen(s), "unexpected header line in the PEM key");
	free(s);
	s = replace(ec, "KEY-----\n", "KEY-----\nProc-Type: 4,ENCRYPTED\n\n");
	expect_text_refused(s, strlen(s), "encrypted PEM keys are not supported (Proc-Type: "
	    "4,ENCRYPTED)");
	free(s);
	s = replace(ec, "KEY-----\n", "KEY-----\nA*B\n");
	expect_text_refused(s, strlen(s), "invalid base64 in PEM key data");
	free(s);
	expect_str_refused("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
	    "empty PEM key");
	/* Nothing, or nothing but blanks. */
	expect_text_refused("", 0, "not an OpenSSH or PEM private key");
	expect_str_refused(" \n\r\n\t\n", "not an OpenSSH or PEM private key");
	/* Text before the BEGIN line. */
	ck_assert(asprintf(&s, "Private-Key: (256 bit)\n%s", ec) > 0);
	expect_text_refused(s, strlen(s), "not an OpenSSH or PEM private key");
	free(s);
	/* An EC PARAMETERS block and nothing after it. */
	expect_str_refused("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
	    "-----END EC PARAMETERS-----\n", "no private key after the EC PARAMETERS block");
	free(ec);
}
END_TEST

/* The DER of a PEM file under another label, cut short, with a byte more
 * and with any bit flipped: refused. */
static const struct {
	const char *file, *label;
} pem_files[] = {
	{ DIR "ecdsa256.pem", "EC PRIVATE KEY" },
	{ DIR "ecdsa384.pkcs8", "PRIVATE KEY" },
	{ DIR "ed25519.pkcs8", "PRIVATE KEY" },
	{ DIR "rsa2048.pem", "RSA PRIVATE KEY" },
};
#define NPEM_FILES ((int)(sizeof(pem_files) / sizeof(pem_files[0])))

START_TEST(test_broken_der_is_refused)
{
	char *text = rp_test_read_file(pem_files[_i].file, NULL), *arm, err[ERRSZ];
	const char *label = pem_files[_i].label;
	size_t der_len;
	uint8_t *der = unarmour(text, &der_len), *longer;
	struct rp_privkey *key = NULL;
	int rsa = strstr(label, "RSA") != NULL, ed25519 = strstr(pem_files[_i].file, "ed25519") != NULL;

	/* As it is, re-armoured: fine. */
	arm = armour(label, der, der_len);
	ck_assert_msg(rp_privkey_parse((const uint8_t *)arm, strlen(arm), &key, NULL, err,
	    sizeof(err)), "%s", err);
	rp_privkey_free(key);
	key = NULL;
	free(arm);
	/* Under the wrong label. */
	arm = armour(strcmp(label, "EC PRIVATE KEY") == 0 ? "RSA PRIVATE KEY" : "EC PRIVATE KEY",
	    der, der_len);
	ck_assert(!rp_privkey_parse((const uint8_t *)arm, strlen(arm), &key, NULL, err,
	    sizeof(err)));
	ck_assert_msg(strstr(err, "malformed") != NULL, "%s", err);
	free(arm);
	for (size_t n = 0; n < der_len; n++) {
		arm = armour(label, der, n);
		ck_assert_msg(!rp_privkey_parse((const uint8_t *)arm, strlen(arm), &key, NULL, err,
		    sizeof(err)), "%s: DER prefix of %zu bytes accepted", pem_files[_i].file, n);
		ck_assert_ptr_null(key);
		free(arm);
	}
	longer = malloc(der_len + 1);
	memcpy(longer, der, der_len);
	longer[der_len] = 0;
	arm = armour(label, longer, der_len + 1);
	ck_assert(!rp_privkey_parse((const uint8_t *)arm, strlen(arm), &key, NULL, err,
	    sizeof(err)));
	ck_assert_msg(strstr(err, "trailing data") != NULL, "%s", err);
	free(arm);
	free(longer);
	/* Ed25519 has no redundancy to catch a flipped seed bit: any seed is
	 * a key. The others do: a flipped private bit disagrees with the
	 * public half the file also holds. */
	if (!ed25519) {
		for (size_t bit = 0; bit < der_len * 8; bit += rsa ? 9 : 1) {
			int ok;

			der[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			arm = armour(label, der, der_len);
			ok = rp_privkey_parse((const uint8_t *)arm, strlen(arm), &key, NULL, err,
			    sizeof(err));
			der[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			ck_assert_msg(!ok, "%s: flipped DER bit %zu accepted", pem_files[_i].file, bit);
			free(arm);
		}
	}
	free(der);
	free(text);
}
END_TEST

/* --- generation and signature algorithms ----------------------------------------------- */

START_TEST(test_signature_algorithm_lists)
{
	const char *const *a;

	a = rp_key_sig_algs(RP_KEY_RSA);
	ck_assert_str_eq(a[0], "rsa-sha2-512");
	ck_assert_str_eq(a[1], "rsa-sha2-256");
	ck_assert_str_eq(a[2], "ssh-rsa");
	ck_assert_ptr_null(a[3]);
	a = rp_key_sig_algs(RP_KEY_ED25519);
	ck_assert_str_eq(a[0], "ssh-ed25519");
	ck_assert_ptr_null(a[1]);
	a = rp_key_sig_algs(RP_KEY_ECDSA_P384);
	ck_assert_str_eq(a[0], "ecdsa-sha2-nistp384");
	ck_assert_ptr_null(a[1]);
	ck_assert_ptr_null(rp_key_sig_algs((enum rp_key_type)99));
}
END_TEST

START_TEST(test_generate_bits)
{
	struct rp_privkey *key = NULL;

	ck_assert(!rp_privkey_generate_bits(RP_KEY_RSA, 1024, &key));
	ck_assert(!rp_privkey_generate_bits(RP_KEY_RSA, 3000, &key));
	ck_assert(!rp_privkey_generate_bits(RP_KEY_RSA, RP_RSA_MAX_BITS + 128, &key));
	ck_assert(!rp_privkey_generate_bits(RP_KEY_ECDSA_P256, 384, &key));
	ck_assert(!rp_privkey_generate_bits(RP_KEY_ED25519, 255, &key));
	ck_assert_ptr_null(key);
	ck_assert(rp_privkey_generate_bits(RP_KEY_RSA, 2048, &key));
	ck_assert_uint_eq(rp_pubkey_bits(rp_privkey_public(key)), 2048);
	check_signs(key, rp_privkey_public(key));
	rp_privkey_free(key);
	ck_assert(rp_privkey_generate_bits(RP_KEY_ECDSA_P521, 521, &key));
	ck_assert_uint_eq(rp_pubkey_bits(rp_privkey_public(key)), 521);
	rp_privkey_free(key);
}
END_TEST

/* --- rampartctl keygen ------------------------------------------------------------- */

/* build/tests/unit-tests -> build/rampartctl */
static const char *
rampartctl_path(void)
{
	static char path[PATH_MAX + 32];
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	ck_assert(n > 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	ck_assert(slash != NULL);
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/../rampartctl", self);
	ck_assert_msg(access(path, X_OK) == 0, "%s is missing: build it with the tests", path);
	return path;
}

/* Run `rampartctl keygen ARGS... -f PATH`; its stderr into err. */
static int
keygen(const char *path, const char *const *args, char *err, size_t errsz)
{
	const char *ctl = rampartctl_path();
	char *argv[16], errpath[PATH_MAX];
	size_t n = 0;
	pid_t pid;
	int st, fd;
	ssize_t got;

	snprintf(errpath, sizeof(errpath), "%s.stderr", path);
	argv[n++] = (char *)ctl;
	argv[n++] = (char *)"keygen";
	while (*args != NULL && n < 12)
		argv[n++] = (char *)*args++;
	argv[n++] = (char *)"-f";
	argv[n++] = (char *)path;
	argv[n] = NULL;
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int out = open("/dev/null", O_WRONLY);
		int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (out < 0 || e < 0 || dup2(out, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(ctl, argv);
		_exit(127);
	}
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert(WIFEXITED(st));
	fd = open(errpath, O_RDONLY);
	ck_assert(fd >= 0);
	got = read(fd, err, errsz - 1);
	err[got > 0 ? got : 0] = '\0';
	close(fd);
	unlink(errpath);
	return WEXITSTATUS(st);
}

static const struct {
	const char *args[5];
	enum rp_key_type type;
	unsigned bits;
} keygen_cases[] = {
	{ { "-t", "ed25519", NULL }, RP_KEY_ED25519, 256 },
	{ { "-t", "ecdsa", NULL }, RP_KEY_ECDSA_P256, 256 },
	{ { "-t", "ecdsa", "-b", "384", NULL }, RP_KEY_ECDSA_P384, 384 },
	{ { "-t", "ecdsa", "-b", "521", NULL }, RP_KEY_ECDSA_P521, 521 },
	{ { "-t", "rsa", "-b", "2048", NULL }, RP_KEY_RSA, 2048 },
};
#define NKEYGEN_CASES ((int)(sizeof(keygen_cases) / sizeof(keygen_cases[0])))

START_TEST(test_keygen_writes_every_type)
{
	char dir[] = "/tmp/rampart-keygen-XXXXXX", path[PATH_MAX], pub_path[PATH_MAX + 4];
	char err[1024], *comment = NULL, *pub_comment = NULL, *line;
	const char *args[8] = { NULL };
	struct rp_privkey *key = NULL;
	struct rp_pubkey *pub = NULL;
	const char *perr = NULL;
	struct stat st;
	size_t n = 0;
	FILE *f;
	int status;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/key", dir);
	snprintf(pub_path, sizeof(pub_path), "%s.pub", path);
	for (; keygen_cases[_i].args[n] != NULL; n++)
		args[n] = keygen_cases[_i].args[n];
	args[n++] = "-C";
	args[n++] = "host@keygen-test";
	status = keygen(path, args, err, sizeof(err));
	ck_assert_msg(status == 0, "keygen failed (%d): %s", status, err);
	ck_assert(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	ck_assert(stat(pub_path, &st) == 0 && (st.st_mode & 07777) == 0644);
	ck_assert_msg(rp_privkey_load_file(path, &key, &comment, err, sizeof(err)), "%s", err);
	ck_assert_str_eq(comment, "host@keygen-test");
	ck_assert_int_eq(rp_pubkey_type(rp_privkey_public(key)), keygen_cases[_i].type);
	ck_assert_uint_eq(rp_pubkey_bits(rp_privkey_public(key)), keygen_cases[_i].bits);
	f = fopen(pub_path, "r");
	ck_assert(f != NULL);
	line = malloc(4096);
	ck_assert(fgets(line, 4096, f) != NULL);
	fclose(f);
	ck_assert_msg(rp_pubkey_from_text(line, &pub, &pub_comment, &perr), "%s", perr);
	ck_assert(rp_pubkey_equal(pub, rp_privkey_public(key)));
	ck_assert_str_eq(pub_comment, "host@keygen-test");
	check_signs(key, pub);
	/* Never over an existing key. */
	status = keygen(path, args, err, sizeof(err));
	ck_assert_int_eq(status, 1);
	ck_assert_msg(strstr(err, "already exists; not overwriting it") != NULL, "%s", err);
	unlink(path);
	unlink(pub_path);
	rmdir(dir);
	free(line);
	free(comment);
	free(pub_comment);
	rp_pubkey_free(pub);
	rp_privkey_free(key);
}
END_TEST

START_TEST(test_keygen_refuses_bad_sizes)
{
	static const struct {
		const char *args[5];
		int status;
		const char *want;
	} cases[] = {
		{ { "-t", "rsa", "-b", "1024", NULL }, 1,
		  "RSA key of 1024 bits is too small: at least 2048 are required" },
		{ { "-t", "rsa", "-b", "20000", NULL }, 1, "at most 16384 are supported" },
		{ { "-t", "rsa", "-b", "3000", NULL }, 1, "steps of 128 bits" },
		{ { "-t", "ecdsa", "-b", "224", NULL }, 1, "ECDSA keys have 256, 384 or 521 bits" },
		{ { "-t", "ed25519", "-b", "512", NULL }, 1, "ed25519 keys are always 256 bits" },
		{ { "-t", "dsa", NULL }, 1, "key type dsa is not supported (supported: ed25519, "
		  "ecdsa, rsa)" },
		{ { "-t", "rsa", "-b", "many", NULL }, 2, "-b needs a number of bits" },
	};
	char dir[] = "/tmp/rampart-keygen-XXXXXX", path[PATH_MAX], err[2048];

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/key", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status = keygen(path, cases[i].args, err, sizeof(err));

		ck_assert_msg(status == cases[i].status, "case %zu: status %d: %s", i, status, err);
		ck_assert_msg(strstr(err, cases[i].want) != NULL, "case %zu: %s", i, err);
		ck_assert(access(path, F_OK) != 0 && errno == ENOENT);
	}
	rmdir(dir);
}
END_TEST

RP_TEST_SUITE(keyfile_types)
{
	Suite *s = suite_create("keyfile_types");
	TCase *files = tcase_create("files");
	TCase *broken = tcase_create("broken");
	TCase *gen = tcase_create("generate");

	tcase_set_timeout(files, 120);
	tcase_add_loop_test(files, test_fixture_loads_matches_its_pub_and_signs, 0, NFIXTURES);
	tcase_add_loop_test(files, test_fixture_round_trips_through_the_writer, 0, NFIXTURES);
	tcase_add_loop_test(files, test_writer_output_equals_ssh_keygen_file, 0, NFIXTURES);
	tcase_add_loop_test(files, test_ssh_keygen_reads_what_rampart_writes, 0, NGENERATED);
	suite_add_tcase(s, files);

	tcase_set_timeout(broken, 300);
	tcase_add_test(broken, test_small_rsa_keys_are_refused_with_the_reason);
	tcase_add_test(broken, test_encrypted_pem_keys_are_refused_saying_so);
	tcase_add_test(broken, test_other_curves_and_public_keys_are_refused);
	tcase_add_loop_test(broken, test_every_truncation_is_refused, 0, NOPENSSH_FILES);
	tcase_add_loop_test(broken, test_bit_flips_are_refused, 0, NOPENSSH_FILES);
	tcase_add_test(broken, test_mismatched_ecdsa_halves_are_refused);
	tcase_add_test(broken, test_mismatched_rsa_parts_are_refused);
	tcase_add_test(broken, test_bad_pem_armour_is_refused);
	tcase_add_loop_test(broken, test_broken_der_is_refused, 0, NPEM_FILES);
	suite_add_tcase(s, broken);

	tcase_set_timeout(gen, 120);
	tcase_add_test(gen, test_signature_algorithm_lists);
	tcase_add_test(gen, test_generate_bits);
	tcase_add_loop_test(gen, test_keygen_writes_every_type, 0, NKEYGEN_CASES);
	tcase_add_test(gen, test_keygen_refuses_bad_sizes);
	suite_add_tcase(s, gen);
	return s;
}

/*
 * crypto/keyfile_openssh.c: OpenSSH's private key format, as OpenSSH's
 * PROTOCOL.key describes it.
 *
 * The file is base64 between "-----BEGIN OPENSSH PRIVATE KEY-----" and
 * "-----END OPENSSH PRIVATE KEY-----" lines, of:
 *
 *     "openssh-key-v1\0"
 *     string  ciphername        "none" when unencrypted
 *     string  kdfname           "none" when unencrypted
 *     string  kdfoptions        empty when unencrypted
 *     uint32  number of keys    rampart takes exactly one
 *     string  public key blob   (per key)
 *     string  private section
 *
 * and the private section, padded to the cipher's block size (8 for "none")
 * with the bytes 1, 2, 3, ...:
 *
 *     uint32  checkint
 *     uint32  checkint          equal to the first, or the passphrase was wrong
 *     string  keytype           then the key's fields (rp_privkey_parse_fields):
 *                               ssh-ed25519: string public key (32 bytes),
 *                                 string seed || public key (64 bytes)
 *                               ecdsa-sha2-nistpNNN: string "nistpNNN",
 *                                 string Q (uncompressed point), mpint d
 *                               ssh-rsa: mpint n, e, d, iqmp, p, q
 *     string  comment
 *     byte[]  padding
 *
 * Reading accepts any line lengths, CRLF line ends and blank lines around
 * the armour; everything else is checked exactly, and every failure says
 * what was wrong in err. Decoded key material is wiped before it is freed.
 * Encrypted keys are refused, naming their cipher and kdf.
 *
 * rp_privkey_parse and rp_privkey_load_file also take PEM keys, which
 * keyfile_pem.c reads.
 */
#include "crypto/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/mem.h>

#include "common/wire.h"
#include "crypto/encoding.h"
#include "crypto/secret.h"
#include "crypto/keyfile_internal.h"
#include "crypto/sshkey_internal.h"

#define MARK_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define MARK_END "-----END OPENSSH PRIVATE KEY-----"
/* The magic includes its terminating NUL. */
#define KEY_MAGIC "openssh-key-v1"
#define KEY_MAGIC_LEN (sizeof(KEY_MAGIC))
#define NONE_BLOCK_SIZE 8
#define B64_LINE_LEN 70
#define MAX_KEY_FILE (64 * 1024)
#define PEM_BEGIN "-----BEGIN "
#define SUPPORTED_TYPES "ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa"


static int
line_is(const CBS *line, const char *s)
{
	return CBS_mem_equal(line, (const uint8_t *)s, strlen(s));
}

/*
 * The base64 between the armour lines, joined, into a malloc'd buffer that
 * the caller wipes and frees.
 */
static int
unarmour(const uint8_t *text, size_t len, char **b64_out, size_t *b64_len_out, char *err,
    size_t errsz)
{
	CBS cbs, line;
	char *b64;
	size_t b64_len = 0;
	int begun = 0, ended = 0;

	*b64_out = NULL;
	CBS_init(&cbs, text, len);
	if ((b64 = malloc(len + 1)) == NULL)
		return rp_keyfile_fail(err, errsz, "out of memory");
	while (rp_keyfile_next_line(&cbs, &line)) {
		if (CBS_len(&line) == 0)
			continue;
		if (ended)
			goto trailing;
		if (!begun) {
			if (!line_is(&line, MARK_BEGIN))
				goto no_begin;
			begun = 1;
			continue;
		}
		if (line_is(&line, MARK_END)) {
			ended = 1;
			continue;
		}
		for (size_t i = 0; i < CBS_len(&line); i++)
			if (!rp_keyfile_is_base64_char(CBS_data(&line)[i]))
				goto bad_char;
		memcpy(b64 + b64_len, CBS_data(&line), CBS_len(&line));
		b64_len += CBS_len(&line);
	}
	if (!begun)
		goto no_begin;
	if (!ended) {
		rp_keyfile_fail(err, errsz, "missing \"" MARK_END "\" line");
		goto out;
	}
	*b64_out = b64;
	*b64_len_out = b64_len;
	return 1;

no_begin:
	rp_keyfile_fail(err, errsz, "not an OpenSSH private key (no \"" MARK_BEGIN "\" line)");
	goto out;
bad_char:
	rp_keyfile_fail(err, errsz, "invalid base64 in key data");
	goto out;
trailing:
	rp_keyfile_fail(err, errsz, "unexpected text after the END line");
out:
	OPENSSL_cleanse(b64, len + 1);
	free(b64);
	return 0;
}

/* --- the binary format ----------------------------------------------------- */

/* A string holding a printable name (algorithm or key type). */
static int
get_name(CBS *cbs, char *out, size_t outsz, const char *what, char *err, size_t errsz)
{
	CBS peek = *cbs, s;

	if (!ssh_get_string(&peek, &s))
		return rp_keyfile_fail(err, errsz, "truncated key data");
	if (!ssh_get_name(cbs, out, outsz, 0))
		return rp_keyfile_fail(err, errsz, "malformed %s", what);
	return 1;
}

/* The type of a public key blob, refusing types rampart does not have. */
static int
blob_key_type(CBS blob, enum rp_key_type *type, char *err, size_t errsz)
{
	char name[64];

	if (!get_name(&blob, name, sizeof(name), "public key", err, errsz))
		return 0;
	if (!rp_key_type_from_name(name, type))
		return rp_keyfile_fail(err, errsz, "key type %s is not supported (supported: " SUPPORTED_TYPES
		    ")", name);
	return 1;
}

/*
 * The private section of an unencrypted file: check integers, one key, its
 * comment and the padding. The key must equal `pub`, the outer public key.
 */
static int
parse_private_section(CBS priv, const struct rp_pubkey *pub, struct rp_privkey **out,
    char **comment_out, char *err, size_t errsz)
{
	uint32_t check1, check2;
	char type[64];
	enum rp_key_type kt;
	CBS comment;
	struct rp_privkey *key = NULL;
	const char *why = NULL;

	if (CBS_len(&priv) % NONE_BLOCK_SIZE != 0)
		return rp_keyfile_fail(err, errsz, "private section is not a multiple of the block size");
	if (!CBS_get_u32(&priv, &check1) || !CBS_get_u32(&priv, &check2))
		return rp_keyfile_fail(err, errsz, "truncated key data");
	if (check1 != check2)
		return rp_keyfile_fail(err, errsz, "check integers differ (wrong passphrase or corrupt key)");
	if (!get_name(&priv, type, sizeof(type), "private key type", err, errsz))
		return 0;
	if (!rp_key_type_from_name(type, &kt) || kt != rp_pubkey_type(pub))
		return rp_keyfile_fail(err, errsz, "private key type %s does not match the public key type %s",
		    type, rp_key_type_name(rp_pubkey_type(pub)));
	if (!rp_privkey_parse_fields(kt, &priv, &key, &why))
		return rp_keyfile_fail(err, errsz, "%s", why);
	if (!ssh_get_string(&priv, &comment)) {
		rp_keyfile_fail(err, errsz, "truncated key data");
		goto refuse;
	}
	if (CBS_contains_zero_byte(&comment)) {
		rp_keyfile_fail(err, errsz, "key comment contains a NUL byte");
		goto refuse;
	}
	/* What is left is the padding: 1, 2, 3, ... short of a whole block. */
	if (CBS_len(&priv) >= NONE_BLOCK_SIZE) {
		rp_keyfile_fail(err, errsz, "bad padding after the private key");
		goto refuse;
	}
	for (uint8_t i = 1; CBS_len(&priv) > 0; i++) {
		uint8_t pad;

		if (!CBS_get_u8(&priv, &pad) || pad != i) {
			rp_keyfile_fail(err, errsz, "bad padding after the private key");
			goto refuse;
		}
	}
	if (!rp_pubkey_equal(rp_privkey_public(key), pub)) {
		rp_keyfile_fail(err, errsz, "public key does not match the private key");
		goto refuse;
	}
	/* strndup, not CBS_strdup: callers release the comment with free(). */
	if (comment_out != NULL &&
	    (*comment_out = strndup((const char *)CBS_data(&comment), CBS_len(&comment))) == NULL) {
		rp_keyfile_fail(err, errsz, "out of memory");
		goto refuse;
	}
	*out = key;
	return 1;
refuse:
	rp_privkey_free(key);
	return 0;
}

static int
parse_binary(const uint8_t *bin, size_t len, struct rp_privkey **out, char **comment_out,
    char *err, size_t errsz)
{
	CBS cbs, magic, kdfoptions, blob, priv;
	char cipher[64], kdf[64];
	uint32_t nkeys;
	enum rp_key_type kt;
	struct rp_pubkey *pub = NULL;
	const char *why = NULL;
	int ok;

	CBS_init(&cbs, bin, len);
	if (!CBS_get_bytes(&cbs, &magic, KEY_MAGIC_LEN))
		return rp_keyfile_fail(err, errsz, "truncated key data");
	if (!CBS_mem_equal(&magic, (const uint8_t *)KEY_MAGIC, KEY_MAGIC_LEN))
		return rp_keyfile_fail(err, errsz, "not an openssh-key-v1 key (bad magic)");
	if (!get_name(&cbs, cipher, sizeof(cipher), "cipher name", err, errsz) ||
	    !get_name(&cbs, kdf, sizeof(kdf), "kdf name", err, errsz))
		return 0;
	if (!ssh_get_string(&cbs, &kdfoptions))
		return rp_keyfile_fail(err, errsz, "truncated key data");
	if (strcmp(cipher, "none") != 0)
		return rp_keyfile_fail(err, errsz, "encrypted keys are not supported: cipher %s, kdf %s",
		    cipher, kdf);
	if (strcmp(kdf, "none") != 0)
		return rp_keyfile_fail(err, errsz, "unencrypted key with kdf %s", kdf);
	if (CBS_len(&kdfoptions) != 0)
		return rp_keyfile_fail(err, errsz, "unencrypted key with kdf options");
	if (!CBS_get_u32(&cbs, &nkeys))
		return rp_keyfile_fail(err, errsz, "truncated key data");
	if (nkeys != 1)
		return rp_keyfile_fail(err, errsz, "%u keys in the file; exactly one is supported", nkeys);
	if (!ssh_get_string(&cbs, &blob) || !ssh_get_string(&cbs, &priv))
		return rp_keyfile_fail(err, errsz, "truncated key data");
	if (CBS_len(&cbs) != 0)
		return rp_keyfile_fail(err, errsz, "trailing data after the private section");
	if (!blob_key_type(blob, &kt, err, errsz))
		return 0;
	/* The reason names a refused key ("RSA key of 1024 bits: ..."). */
	if (!rp_pubkey_parse_blob(CBS_data(&blob), CBS_len(&blob), &pub, &why))
		return rp_keyfile_fail(err, errsz, "%s", why);
	ok = parse_private_section(priv, pub, out, comment_out, err, errsz);
	rp_pubkey_free(pub);
	return ok;
}

int
rp_privkey_from_openssh(const uint8_t *text, size_t len, struct rp_privkey **out,
    char **comment_out, char *err, size_t errsz)
{
	char *b64;
	size_t b64_len = 0;
	uint8_t *bin;
	size_t bin_len;
	int ok;

	*out = NULL;
	if (comment_out != NULL)
		*comment_out = NULL;
	if (!unarmour(text, len, &b64, &b64_len, err, errsz))
		return 0;
	if (b64_len == 0) {
		free(b64);
		return rp_keyfile_fail(err, errsz, "truncated key data");
	}
	ok = rp_base64_decode(b64, b64_len, &bin, &bin_len);
	OPENSSL_cleanse(b64, b64_len);
	free(b64);
	if (!ok)
		return rp_keyfile_fail(err, errsz, "invalid base64 in key data");
	ok = parse_binary(bin, bin_len, out, comment_out, err, errsz);
	OPENSSL_cleanse(bin, bin_len);
	free(bin);
	return ok;
}

/* --- any format -------------------------------------------------------------- */

/* 1 when line starts with a key type name and a blank: a .pub file's line. */
static int
looks_like_public_key(const CBS *line)
{
	CBS word = *line;
	char name[64];
	enum rp_key_type type;
	size_t n = 0;

	while (n < CBS_len(&word) && CBS_data(&word)[n] != ' ' && CBS_data(&word)[n] != '\t')
		n++;
	if (n == 0 || n >= sizeof(name) || n == CBS_len(&word))
		return 0;
	memcpy(name, CBS_data(&word), n);
	name[n] = '\0';
	return rp_key_type_from_name(name, &type);
}

int
rp_privkey_parse(const uint8_t *text, size_t len, struct rp_privkey **out, char **comment_out,
    char *err, size_t errsz)
{
	CBS cbs, line;

	*out = NULL;
	if (comment_out != NULL)
		*comment_out = NULL;
	/* The format follows from the first line that is not blank. */
	CBS_init(&cbs, text, len);
	CBS_init(&line, NULL, 0); /* stays empty when the text is all blank */
	while (rp_keyfile_next_line(&cbs, &line) && CBS_len(&line) == 0)
		;
	if (line_is(&line, MARK_BEGIN))
		return rp_privkey_from_openssh(text, len, out, comment_out, err, errsz);
	if (CBS_len(&line) > strlen(PEM_BEGIN) &&
	    memcmp(CBS_data(&line), PEM_BEGIN, strlen(PEM_BEGIN)) == 0) {
		if (!rp_privkey_from_pem(text, len, out, err, errsz))
			return 0;
		/* PEM keys carry no comment. */
		if (comment_out != NULL && (*comment_out = strdup("")) == NULL) {
			rp_privkey_free(*out);
			*out = NULL;
			return rp_keyfile_fail(err, errsz, "out of memory");
		}
		return 1;
	}
	if (looks_like_public_key(&line))
		return rp_keyfile_fail(err, errsz, "this is a public key; a private key file is needed "
		    "(OpenSSH or PEM format)");
	return rp_keyfile_fail(err, errsz, "not an OpenSSH or PEM private key (no \"" MARK_BEGIN
	    "\" or \"-----BEGIN ... PRIVATE KEY-----\" line)");
}

/* --- writing ---------------------------------------------------------------- */

/* The binary form, in CBB memory (release with OPENSSL_free, which wipes). */
static int
build_binary(const struct rp_privkey *key, const char *comment, uint8_t **out, size_t *out_len)
{
	CBB priv, file, blob;
	uint8_t *priv_buf = NULL;
	size_t priv_len = 0;
	uint32_t check;
	int ok;

	check = rp_random_u32();
	if (!CBB_init(&priv, 256))
		return 0;
	ok = CBB_add_u32(&priv, check) && CBB_add_u32(&priv, check) &&
	    ssh_add_cstring(&priv, rp_key_type_name(rp_pubkey_type(rp_privkey_public(key)))) &&
	    rp_privkey_fields_to_blob(key, &priv) &&
	    ssh_add_cstring(&priv, comment != NULL ? comment : "");
	for (uint8_t i = 1; ok && CBB_len(&priv) % NONE_BLOCK_SIZE != 0; i++)
		ok = CBB_add_u8(&priv, i);
	if (!ok || !CBB_finish(&priv, &priv_buf, &priv_len)) {
		CBB_cleanup(&priv);
		return 0;
	}
	if (!CBB_init(&file, 128 + priv_len)) {
		OPENSSL_free(priv_buf);
		return 0;
	}
	ok = CBB_add_bytes(&file, (const uint8_t *)KEY_MAGIC, KEY_MAGIC_LEN) &&
	    ssh_add_cstring(&file, "none") && ssh_add_cstring(&file, "none") &&
	    ssh_add_string(&file, "", 0) && CBB_add_u32(&file, 1) &&
	    ssh_begin_string(&file, &blob) && rp_pubkey_to_blob(rp_privkey_public(key), &blob) &&
	    ssh_add_string(&file, priv_buf, priv_len) && CBB_finish(&file, out, out_len);
	OPENSSL_free(priv_buf);
	if (!ok)
		CBB_cleanup(&file);
	return ok;
}

int
rp_privkey_to_openssh(const struct rp_privkey *key, const char *comment, char **out,
    size_t *out_len)
{
	uint8_t *bin;
	size_t bin_len, b64_len, cap, n = 0;
	char *b64, *text;

	*out = NULL;
	*out_len = 0;
	if (!build_binary(key, comment, &bin, &bin_len))
		return 0;
	b64 = rp_base64_encode(bin, bin_len);
	OPENSSL_free(bin);
	if (b64 == NULL)
		return 0;
	b64_len = strlen(b64);
	cap = sizeof(MARK_BEGIN) + b64_len + b64_len / B64_LINE_LEN + 1 + sizeof(MARK_END) + 1;
	if ((text = malloc(cap)) == NULL) {
		OPENSSL_cleanse(b64, b64_len);
		free(b64);
		return 0;
	}
	memcpy(text, MARK_BEGIN "\n", sizeof(MARK_BEGIN));
	n = sizeof(MARK_BEGIN);
	for (size_t i = 0; i < b64_len; i += B64_LINE_LEN) {
		size_t chunk = b64_len - i < B64_LINE_LEN ? b64_len - i : B64_LINE_LEN;

		memcpy(text + n, b64 + i, chunk);
		n += chunk;
		text[n++] = '\n';
	}
	memcpy(text + n, MARK_END "\n", sizeof(MARK_END) + 1);
	n += sizeof(MARK_END);
	OPENSSL_cleanse(b64, b64_len);
	free(b64);
	*out = text;
	*out_len = n;
	return 1;
}

/* --- files ------------------------------------------------------------------ */

static int
fail_errno(char *err, size_t errsz, const char *what, int saved)
{
	char buf[128];

	return rp_keyfile_fail(err, errsz, "%s: %s", what, strerror_r(saved, buf, sizeof(buf)));
}

int
rp_privkey_load_file(const char *path, struct rp_privkey **out, char **comment_out,
    char *err, size_t errsz)
{
	struct stat st;
	uint8_t *buf;
	size_t len = 0;
	ssize_t n;
	int fd, saved, ok;

	*out = NULL;
	if (comment_out != NULL)
		*comment_out = NULL;
	/* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1)
		return fail_errno(err, errsz, "cannot open", errno);
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		return fail_errno(err, errsz, "cannot stat", saved);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return rp_keyfile_fail(err, errsz, "not a regular file");
	}
	if (st.st_size > MAX_KEY_FILE) {
		close(fd);
		return rp_keyfile_fail(err, errsz, "file too large (more than %d KiB)", MAX_KEY_FILE / 1024);
	}
	/* One byte more than allowed, to notice a file that grew meanwhile. */
	if ((buf = malloc(MAX_KEY_FILE + 1)) == NULL) {
		close(fd);
		return rp_keyfile_fail(err, errsz, "out of memory");
	}
	while (len < MAX_KEY_FILE + 1) {
		n = read(fd, buf + len, MAX_KEY_FILE + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			ok = fail_errno(err, errsz, "cannot read", saved);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > MAX_KEY_FILE)
		ok = rp_keyfile_fail(err, errsz, "file too large (more than %d KiB)", MAX_KEY_FILE / 1024);
	else
		ok = rp_privkey_parse(buf, len, out, comment_out, err, errsz);
out:
	OPENSSL_cleanse(buf, len);
	free(buf);
	close(fd);
	return ok;
}

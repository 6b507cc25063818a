/*
 * tools/keygen.c: `rampartctl keygen -t ed25519|ecdsa|rsa [-b BITS] -f PATH
 * [-C COMMENT]`.
 *
 * The sizes are ssh-keygen's: ECDSA -b 256 (the default), 384 or 521 picks
 * the curve; RSA -b 3072 by default, 2048 to 16384 bits (BoringSSL makes
 * sizes in steps of 128 only, so others are refused rather than rounded).
 *
 * Writes a new key as ssh-keygen does: PATH in OpenSSH's private key format
 * (PROTOCOL.key), mode 0600, and PATH.pub holding the one-line public key,
 * mode 0644; the comment defaults to USER@HOSTNAME. Neither file may exist
 * yet, and a symbolic link is never followed. On any failure, whatever this
 * run created is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fdio.h"
#include "crypto/keyfile.h"
#include "crypto/secret.h"
#include "crypto/sshkey.h"
#include "tools/commands.h"

#define FINGERPRINT_LEN 128

void
rp_cmd_keygen_usage(FILE *out)
{
	fprintf(out, "  keygen -t ed25519|ecdsa|rsa [-b BITS] -f PATH [-C COMMENT]\n"
	    "        write a new host or user key to PATH and PATH.pub;\n"
	    "        ecdsa: -b 256 (default), 384 or 521; rsa: -b 3072 (default),\n"
	    "        2048 to %d in steps of 128\n", RP_RSA_MAX_BITS);
}

#define fail(...) rp_cmd_fail("keygen", __VA_ARGS__)
#define usage_error(...) rp_cmd_usage_error("keygen", rp_cmd_keygen_usage, __VA_ARGS__)

/* USER@HOSTNAME, as ssh-keygen defaults it. */
static char *
default_comment(void)
{
	const struct passwd *pw = getpwuid(getuid());
	char host[256], *comment = NULL;

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if (pw != NULL) {
		if (asprintf(&comment, "%s@%s", pw->pw_name, host) == -1)
			return NULL;
	} else if (asprintf(&comment, "%u@%s", (unsigned)getuid(), host) == -1) {
		return NULL;
	}
	return comment;
}

/* The comment ends up on one line of PATH.pub: no control characters. */
static int
comment_ok(const char *comment)
{
	for (const unsigned char *p = (const unsigned char *)comment; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * Create path (which must not exist, and is never followed if it is a
 * symbolic link) with exactly `mode`, and write data to disk. *created is
 * set once the file exists, so the caller knows to remove it on failure.
 */
static int
write_new_file(const char *path, const char *data, size_t len, mode_t mode, int *created)
{
	int fd, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
	if (fd == -1) {
		struct stat st;

		if ((errno == EEXIST || errno == ELOOP) && lstat(path, &st) == 0 &&
		    S_ISLNK(st.st_mode))
			return fail("%s is a symbolic link; not following it", path);
		if (errno == EEXIST)
			return fail("%s already exists; not overwriting it", path);
		return fail("cannot create %s: %s", path, strerror(errno));
	}
	*created = 1;
	/* The umask may have taken bits away; the mode is part of the job. */
	if (fchmod(fd, mode) == -1 || !rp_write_all(fd, data, len) || fsync(fd) == -1) {
		saved = errno;
		close(fd);
		return fail("cannot write %s: %s", path, strerror(saved));
	}
	if (close(fd) == -1)
		return fail("cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* The label ssh-keygen -l prints after a fingerprint. */
static const char *
type_label(enum rp_key_type type)
{
	switch (type) {
	case RP_KEY_ED25519:
		return "ED25519";
	case RP_KEY_ECDSA_P256:
	case RP_KEY_ECDSA_P384:
	case RP_KEY_ECDSA_P521:
		return "ECDSA";
	case RP_KEY_RSA:
		return "RSA";
	}
	return "unknown";
}

/* The type -t names: 0 when unknown. *bits_implied is the size a full
 * ECDSA type name fixes (0: none). */
static int
parse_type(const char *name, enum rp_key_type *type, unsigned *bits_implied)
{
	*bits_implied = 0;
	if (strcmp(name, "ed25519") == 0 || strcmp(name, "ssh-ed25519") == 0) {
		*type = RP_KEY_ED25519;
		return 1;
	}
	if (strcmp(name, "ecdsa") == 0) {
		*type = RP_KEY_ECDSA_P256;
		return 1;
	}
	if (strcmp(name, "rsa") == 0 || strcmp(name, "ssh-rsa") == 0) {
		*type = RP_KEY_RSA;
		return 1;
	}
	if (strncmp(name, "ecdsa-sha2-", 11) == 0 && rp_key_type_from_name(name, type)) {
		*bits_implied = *type == RP_KEY_ECDSA_P384 ? 384 : *type == RP_KEY_ECDSA_P521 ? 521 :
		    256;
		return 1;
	}
	return 0;
}

/* -b: a decimal number of bits. */
static int
parse_bits(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 1000000)
		return 0;
	*out = (unsigned)v;
	return 1;
}

/* The type and size to make, from -t and -b: 0 (having said why) when they
 * do not fit together. */
static int
choose_size(const char *type_name, enum rp_key_type *type, unsigned bits, unsigned implied)
{
	switch (*type) {
	case RP_KEY_ED25519:
		if (bits != 0 && bits != 256) {
			fail("ed25519 keys are always 256 bits; -b %u does not apply", bits);
			return 0;
		}
		return 1;
	case RP_KEY_ECDSA_P256:
	case RP_KEY_ECDSA_P384:
	case RP_KEY_ECDSA_P521:
		/* Without -b: P-256 for "ecdsa", else the curve the name says. */
		if (bits == 0)
			return 1;
		if (implied != 0 && bits != implied) {
			fail("%s keys are %u bits; -b %u does not fit", type_name, implied, bits);
			return 0;
		}
		if (bits == 256) {
			*type = RP_KEY_ECDSA_P256;
		} else if (bits == 384) {
			*type = RP_KEY_ECDSA_P384;
		} else if (bits == 521) {
			*type = RP_KEY_ECDSA_P521;
		} else {
			fail("ECDSA keys have 256, 384 or 521 bits, not %u", bits);
			return 0;
		}
		return 1;
	case RP_KEY_RSA:
		if (bits == 0)
			return 1;
		if (bits < RP_RSA_MIN_BITS) {
			fail("RSA key of %u bits is too small: at least %d are required (the default "
			    "is 3072)", bits, RP_RSA_MIN_BITS);
			return 0;
		}
		if (bits > RP_RSA_MAX_BITS) {
			fail("RSA key of %u bits is too large: at most %d are supported", bits,
			    RP_RSA_MAX_BITS);
			return 0;
		}
		if (bits % 128 != 0) {
			fail("RSA key sizes go in steps of 128 bits (2048, 2176, ..., 3072, ..., "
			    "4096); %u is not one", bits);
			return 0;
		}
		return 1;
	}
	fail("unknown key type");
	return 0;
}

/* Generate and write the key; files it created are flagged in *_created. */
static int
generate(enum rp_key_type type, unsigned bits, const char *path, const char *pub_path,
    const char *comment, int *priv_created, int *pub_created)
{
	struct rp_privkey *key = NULL;
	char *text = NULL, *line = NULL, *pub_text = NULL, fp[FINGERPRINT_LEN];
	size_t text_len = 0;
	int status = 1;

	/* Only RSA sizes are left to say: -b chose the curve already. */
	if (!rp_privkey_generate_bits(type, type == RP_KEY_RSA ? bits : 0, &key)) {
		fail("cannot generate a key");
		goto out;
	}
	if (!rp_privkey_to_openssh(key, comment, &text, &text_len) ||
	    (line = rp_pubkey_to_text(rp_privkey_public(key), comment)) == NULL ||
	    !rp_pubkey_fingerprint(rp_privkey_public(key), fp, sizeof(fp))) {
		fail("out of memory");
		goto out;
	}
	if (asprintf(&pub_text, "%s\n", line) == -1) {
		pub_text = NULL; /* undefined after a failed asprintf */
		fail("out of memory");
		goto out;
	}
	if (write_new_file(path, text, text_len, 0600, priv_created) != 0 ||
	    write_new_file(pub_path, pub_text, strlen(pub_text), 0644, pub_created) != 0)
		goto out;
	printf("private key: %s\n"
	    "public key:  %s\n"
	    "fingerprint: %s %s (%s)\n", path, pub_path, fp,
	    comment[0] != '\0' ? comment : "no comment",
	    type_label(type));
	status = 0;
out:
	if (text != NULL) {
		rp_wipe(text, text_len);
		free(text);
	}
	free(line);
	free(pub_text);
	rp_privkey_free(key);
	return status;
}

int
rp_cmd_keygen(int argc, char **argv)
{
	const char *type_name = NULL, *path = NULL, *comment = NULL;
	char *own_comment = NULL, *pub_path = NULL;
	enum rp_key_type type;
	unsigned bits = 0, implied = 0;
	int ch, status, priv_created = 0, pub_created = 0;

	opterr = 0;
	optind = 1;
	while ((ch = getopt(argc, argv, "+:hb:C:f:t:")) != -1) {
		switch (ch) {
		case 'h':
			rp_cmd_keygen_usage(stdout);
			return 0;
		case 'b':
			if (!parse_bits(optarg, &bits))
				return usage_error("-b needs a number of bits, not \"%s\"", optarg);
			break;
		case 'C':
			comment = optarg;
			break;
		case 'f':
			path = optarg;
			break;
		case 't':
			type_name = optarg;
			break;
		case ':':
			return usage_error("option -%c needs an argument", optopt);
		default:
			return usage_error("unknown option -%c", optopt);
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	if (type_name == NULL)
		return usage_error("-t TYPE is required");
	if (path == NULL || path[0] == '\0')
		return usage_error("-f PATH is required");
	if (!parse_type(type_name, &type, &implied))
		return fail("key type %s is not supported (supported: ed25519, ecdsa, rsa)",
		    type_name);
	if (!choose_size(type_name, &type, bits, implied))
		return 1;
	if (comment == NULL && (comment = own_comment = default_comment()) == NULL)
		return fail("out of memory");
	if (!comment_ok(comment)) {
		free(own_comment);
		return fail("the comment must not contain control characters");
	}
	if (asprintf(&pub_path, "%s.pub", path) == -1) {
		free(own_comment);
		return fail("out of memory");
	}
	status = generate(type, bits, path, pub_path, comment, &priv_created, &pub_created);
	if (status != 0) {
		/* Leave nothing half-made behind. */
		if (pub_created)
			unlink(pub_path);
		if (priv_created)
			unlink(path);
	}
	free(pub_path);
	free(own_comment);
	return status;
}

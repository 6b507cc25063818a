/*
 * tools/totp_enroll.c: `rampartctl totp-enroll [-f SECRETS_FILE]
 * [--digits 6|7|8] [--period SECONDS] [--algorithm sha1|sha256|sha512]
 * [--issuer NAME] USER`.
 *
 * Makes a random secret of the hash's own size (20, 32 or 64 bytes, as
 * RFC 6238's reference does), stores it as USER's line in the secrets file
 * (common/totp_secrets.h), and shows it the ways authenticator apps take
 * it: an otpauth:// URI (Google Authenticator's Key Uri Format), the same
 * URI as a QR code drawn with UTF-8 half blocks, and the bare base32 secret
 * for typing in. Then it says what to add to the user's policy block.
 *
 * The QR code is drawn light modules as full blocks, dark modules as
 * blanks, with a 2-module light quiet zone: it scans as dark on light on
 * a dark terminal, the usual one for a bastion's administrator.
 *
 * Everything that can fail is done before the secret is stored, so a
 * failure leaves the file as it was.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qrencode.h>

#include "common/totp_secrets.h"
#include "crypto/secret.h"
#include "crypto/totp.h"
#include "policy/policy.h"
#include "tools/commands.h"

#define DEFAULT_SECRETS_FILE "/etc/rampart/totp-secrets"
#define DEFAULT_ISSUER "rampart"
#define DEFAULT_DIGITS 6
#define DEFAULT_PERIOD 30
#define ISSUER_MAX 64
#define QUIET_ZONE 2
#define ERRSZ 512

/* UTF-8 half blocks: which halves of a text cell are light. */
#define CELL_BOTH "\xe2\x96\x88"   /* U+2588 FULL BLOCK */
#define CELL_TOP "\xe2\x96\x80"    /* U+2580 UPPER HALF BLOCK */
#define CELL_BOTTOM "\xe2\x96\x84" /* U+2584 LOWER HALF BLOCK */
#define CELL_NONE " "

void
rp_cmd_totp_enroll_usage(FILE *out)
{
	fprintf(out, "  totp-enroll [-f SECRETS_FILE] [--digits 6|7|8] [--period SECONDS]\n"
	    "        [--algorithm sha1|sha256|sha512] [--issuer NAME] USER\n"
	    "        give USER a new TOTP secret in SECRETS_FILE (default\n"
	    "        " DEFAULT_SECRETS_FILE ") and show it as an otpauth:// URI\n"
	    "        and a QR code\n");
}

#define fail(...) rp_cmd_fail("totp-enroll", __VA_ARGS__)
#define usage_error(...) rp_cmd_usage_error("totp-enroll", rp_cmd_totp_enroll_usage, __VA_ARGS__)

/* --- the settings -------------------------------------------------------------- */

struct settings {
	const char *path;
	const char *issuer;
	const char *user;
	enum rp_totp_hash hash;
	unsigned digits;
	unsigned period;
};

static const struct {
	const char *name;   /* on the command line and in the policy */
	const char *uri;    /* in the otpauth:// URI */
	enum rp_totp_hash hash;
	size_t secret_len;  /* the hash's output size, RFC 6238's seed sizes */
} algorithms[] = {
	{ "sha1", "SHA1", RP_TOTP_SHA1, 20 },
	{ "sha256", "SHA256", RP_TOTP_SHA256, 32 },
	{ "sha512", "SHA512", RP_TOTP_SHA512, 64 },
};

#define NALGORITHMS (sizeof(algorithms) / sizeof(algorithms[0]))

static size_t
algorithm_index(enum rp_totp_hash hash)
{
	for (size_t i = 0; i < NALGORITHMS; i++)
		if (algorithms[i].hash == hash)
			return i;
	return 0;
}

static int
parse_algorithm(const char *name, enum rp_totp_hash *hash)
{
	for (size_t i = 0; i < NALGORITHMS; i++)
		if (strcmp(name, algorithms[i].name) == 0) {
			*hash = algorithms[i].hash;
			return 1;
		}
	return 0;
}

/* A decimal number in min..max, nothing else. */
static int
parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return 0;
	*out = (unsigned)v;
	return 1;
}

/* A login name as useradd accepts one: a letter or '_', then letters,
 * digits, '.', '_' or '-', and a final '$' allowed (Samba machine
 * accounts); at most as long as the policy's names. */
static int
login_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > RP_NAME_MAX)
		return 0;
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') ||
	    name[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-' || (c == '$' && i == n - 1))
			continue;
		return 0;
	}
	return 1;
}

/* The Key Uri Format forbids a colon in the issuer (it separates the
 * label's issuer from the account); control characters are no name. */
static int
issuer_ok(const char *issuer)
{
	size_t n = strlen(issuer);

	if (n == 0 || n > ISSUER_MAX)
		return 0;
	for (const unsigned char *p = (const unsigned char *)issuer; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == ':')
			return 0;
	return 1;
}

/* --- the URI ------------------------------------------------------------------- */

/* s with every byte but RFC 3986's unreserved ones as %XX, malloc'd. */
static char *
url_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(strlen(s) * 3 + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0x0f];
		}
	}
	*o = '\0';
	return out;
}

/* otpauth://totp/ISSUER:USER?secret=...&issuer=...&algorithm=...&digits=...
 * &period=..., malloc'd; NULL when out of memory. */
static char *
make_uri(const struct settings *set, const char *secret_b32)
{
	char *issuer = url_encode(set->issuer), *user = url_encode(set->user), *uri = NULL;

	if (issuer != NULL && user != NULL &&
	    asprintf(&uri, "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=%s&digits=%u"
	    "&period=%u", issuer, user, secret_b32, issuer,
	    algorithms[algorithm_index(set->hash)].uri, set->digits, set->period) == -1)
		uri = NULL; /* undefined after a failed asprintf */
	free(issuer);
	free(user);
	return uri;
}

/* --- the QR code ----------------------------------------------------------------- */

/* Is the module at (x, y) of the code with its quiet zone light? */
static int
light(const QRcode *qr, int x, int y)
{
	x -= QUIET_ZONE;
	y -= QUIET_ZONE;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 1;
	return (qr->data[y * qr->width + x] & 1) == 0;
}

/* Two rows of modules per line of text. Below the last row, when the
 * count is odd, is the terminal's own background. */
static void
print_qr(FILE *out, const QRcode *qr)
{
	int size = qr->width + 2 * QUIET_ZONE;

	for (int y = 0; y < size; y += 2) {
		for (int x = 0; x < size; x++) {
			int top = light(qr, x, y), bottom = y + 1 < size && light(qr, x, y + 1);

			fputs(top && bottom ? CELL_BOTH : top ? CELL_TOP : bottom ? CELL_BOTTOM :
			    CELL_NONE, out);
		}
		fputc('\n', out);
	}
}

static void
qr_free(QRcode *qr)
{
	if (qr != NULL) {
		/* The modules spell the secret too. */
		rp_wipe(qr->data, (size_t)qr->width * (size_t)qr->width);
		QRcode_free(qr);
	}
}

/* --- enrolling ------------------------------------------------------------------- */

/* The base32 secret in groups of four, as apps show it, malloc'd. */
static char *
grouped(const char *b32)
{
	size_t n = strlen(b32);
	char *out = malloc(n + n / 4 + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && i % 4 == 0)
			*o++ = ' ';
		*o++ = b32[i];
	}
	*o = '\0';
	return out;
}

static void
free_secret_text(char *s)
{
	if (s != NULL) {
		rp_wipe(s, strlen(s));
		free(s);
	}
}

/* What the administrator writes in the user's policy block. */
static void
print_policy_hint(FILE *out, const struct settings *set, const char *path)
{
	fprintf(out, "\nAdd to the policy block of user %s:\n"
	    "    totp-secrets %s\n", set->user, path);
	if (set->digits != DEFAULT_DIGITS)
		fprintf(out, "    totp-digits %u\n", set->digits);
	if (set->period != DEFAULT_PERIOD)
		fprintf(out, "    totp-period %u\n", set->period);
	if (set->hash != RP_TOTP_SHA1)
		fprintf(out, "    totp-algorithm %s\n",
		    algorithms[algorithm_index(set->hash)].name);
}

static int
enroll(const struct settings *set)
{
	uint8_t secret[RP_TOTP_SECRET_MAX];
	size_t len = algorithms[algorithm_index(set->hash)].secret_len;
	char *b32 = NULL, *uri = NULL, *groups = NULL, *real = NULL, err[ERRSZ];
	QRcode *qr = NULL;
	struct stat st;
	int status = 1;

	rp_random_bytes(secret, len);
	if ((b32 = rp_base32_encode(secret, len)) == NULL || (groups = grouped(b32)) == NULL ||
	    (uri = make_uri(set, b32)) == NULL) {
		fail("out of memory");
		goto out;
	}
	if ((qr = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL) {
		fail("cannot make a QR code: %s", strerror(errno));
		goto out;
	}
	if (!rp_totp_secret_store(set->path, set->user, secret, len, err, sizeof(err))) {
		fail("%s", err);
		goto out;
	}
	/* The policy needs the absolute path. */
	real = realpath(set->path, NULL);

	printf("New TOTP secret for %s stored in %s.\n\n%s\n\n", set->user,
	    real != NULL ? real : set->path, uri);
	print_qr(stdout, qr);
	printf("\nSecret: %s\n(%s, %u digits, %u seconds)\n", groups,
	    algorithms[algorithm_index(set->hash)].uri, set->digits, set->period);
	print_policy_hint(stdout, set, real != NULL ? real : set->path);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fail("cannot write to standard output: the secret is stored but was not "
		    "shown; run again to make a new one");
		goto out;
	}
	if (stat(set->path, &st) == 0 && st.st_uid != 0)
		fprintf(stderr, "rampartctl: totp-enroll: note: %s is owned by uid %u; rampartd "
		    "reads it only when it is owned by root\n", real != NULL ? real : set->path,
		    (unsigned)st.st_uid);
	status = 0;
out:
	rp_wipe(secret, sizeof(secret));
	free_secret_text(b32);
	free_secret_text(groups);
	free_secret_text(uri);
	qr_free(qr);
	free(real);
	return status;
}

int
rp_cmd_totp_enroll(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "digits", required_argument, NULL, 'd' },
		{ "period", required_argument, NULL, 'p' },
		{ "algorithm", required_argument, NULL, 'a' },
		{ "issuer", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct settings set = {
		.path = DEFAULT_SECRETS_FILE,
		.issuer = DEFAULT_ISSUER,
		.hash = RP_TOTP_SHA1,
		.digits = DEFAULT_DIGITS,
		.period = DEFAULT_PERIOD,
	};
	int ch;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+:hf:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			rp_cmd_totp_enroll_usage(stdout);
			return 0;
		case 'f':
			set.path = optarg;
			break;
		case 'd':
			if (!parse_uint(optarg, 6, 8, &set.digits))
				return fail("--digits must be 6, 7 or 8, not \"%s\"", optarg);
			break;
		case 'p':
			/* What the policy's totp-period accepts. */
			if (!parse_uint(optarg, RP_TOTP_PERIOD_MIN, RP_TOTP_PERIOD_MAX, &set.period))
				return fail("--period must be %d to %d seconds, as totp-period "
				    "allows, not \"%s\"", RP_TOTP_PERIOD_MIN, RP_TOTP_PERIOD_MAX,
				    optarg);
			break;
		case 'a':
			if (!parse_algorithm(optarg, &set.hash))
				return fail("--algorithm must be sha1, sha256 or sha512, not "
				    "\"%s\"", optarg);
			break;
		case 'i':
			set.issuer = optarg;
			break;
		case ':':
			if (optopt == 'f')
				return usage_error("option -f needs an argument");
			return usage_error("option %s needs an argument", argv[optind - 1]);
		default:
			if (optopt != 0)
				return usage_error("unknown option -%c", optopt);
			return usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return usage_error("USER is required");
	if (optind + 1 != argc)
		return usage_error("unexpected argument \"%s\"", argv[optind + 1]);
	set.user = argv[optind];
	if (set.path[0] == '\0')
		return usage_error("-f needs a file name");
	if (!login_name_ok(set.user))
		return fail("\"%s\" is not a valid login name", set.user);
	if (!issuer_ok(set.issuer))
		return fail("--issuer must be 1 to %d characters without ':' or control "
		    "characters", ISSUER_MAX);
	return enroll(&set);
}

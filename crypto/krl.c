/*
 * crypto/krl.c: OpenSSH key revocation lists, as OpenSSH's PROTOCOL.krl
 * defines them:
 *
 *     uint64  KRL_MAGIC "SSHKRL\n\0"     string  reserved
 *     uint32  format version (1)         string  comment
 *     uint64  krl_version
 *     uint64  generated_date             then sections: byte type, string data
 *     uint64  flags
 *
 *   1 certificates: string CA key (empty: any CA), string reserved, then
 *     subsections (byte type, string data): 0x20 serial list (uint64...),
 *     0x21 serial range (uint64 min, uint64 max), 0x22 serial bitmap
 *     (uint64 offset, mpint bitmap: bit N revokes offset + N), 0x23 key ids
 *     (string...), 0x39 extension
 *   2 explicit keys: string blob...   (plain keys only)
 *   3 SHA-1 and 5 SHA-256 fingerprints of key blobs: string hash...
 *   4 signature: string key, string signature (not wrapped in a string;
 *     only signature sections may follow). Parsed and not verified.
 *   255 extension: string name, boolean critical, string contents
 *
 * A section or subsection of an unknown type, or a critical extension,
 * refuses the whole KRL: a list rampart cannot read fully must not be
 * taken as revoking less than it says. Every count is bounded by the bytes
 * that remain, and the input by RP_KRL_MAX.
 *
 * As in OpenSSH, a certificate with serial 0 has no serial number and is
 * never revoked by serial (only by key id or by its keys).
 */
#include "crypto/krl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "common/wire.h"
#include "crypto/sshkey_internal.h"

#define RP_KRL_MAX (16u * 1024 * 1024)
#define KRL_MAGIC "SSHKRL\n\0"
#define KRL_MAGIC_LEN 8
#define KRL_FORMAT_VERSION 1

#define KRL_SECTION_CERTIFICATES 1
#define KRL_SECTION_EXPLICIT_KEY 2
#define KRL_SECTION_FINGERPRINT_SHA1 3
#define KRL_SECTION_SIGNATURE 4
#define KRL_SECTION_FINGERPRINT_SHA256 5
#define KRL_SECTION_EXTENSION 255

#define KRL_CERT_SERIAL_LIST 0x20
#define KRL_CERT_SERIAL_RANGE 0x21
#define KRL_CERT_SERIAL_BITMAP 0x22
#define KRL_CERT_KEY_ID 0x23
#define KRL_CERT_EXTENSION 0x39

#define CERT_SUFFIX "-cert-v01@openssh.com"

/* A byte string owned by the KRL: a key blob, a CA blob, a key id. */
struct bytes {
	uint8_t *data;
	size_t len;
};

struct serial_range {
	uint64_t lo, hi;
};

/* Big-endian bits: bit N is in data[len - 1 - N / 8]. */
struct serial_bitmap {
	uint64_t offset;
	struct bytes bits;
};

struct cert_section {
	struct bytes ca;                /* len 0: any CA */
	uint64_t *serials;
	size_t nserials;
	struct serial_range *ranges;
	size_t nranges;
	struct serial_bitmap *bitmaps;
	size_t nbitmaps;
	struct bytes *ids;
	size_t nids;
};

struct rp_krl {
	struct cert_section *certs;
	size_t ncerts;
	struct bytes *keys;             /* explicit key blobs */
	size_t nkeys;
	uint8_t (*sha1)[SHA_DIGEST_LENGTH];
	size_t nsha1;
	uint8_t (*sha256)[SHA256_DIGEST_LENGTH];
	size_t nsha256;
};

/* --- building the lists ------------------------------------------------------ */

/* Room for one more element in *arr, which holds n. The capacity is
 * implicit, 4, 8, 16, ..., so there is room unless n is 0 or a power of
 * two from 4 on. The input bounds n: every element costs bytes of it. */
static int
grow(void *arr, size_t n, size_t elem)
{
	void **p = arr;
	size_t cap;
	void *bigger;

	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return 1;
	cap = n == 0 ? 4 : 2 * n;
	if (cap > SIZE_MAX / elem)
		return 0;
	if ((bigger = realloc(*p, cap * elem)) == NULL)
		return 0;
	*p = bigger;
	return 1;
}

static int
bytes_copy(struct bytes *b, const CBS *s)
{
	b->len = CBS_len(s);
	if ((b->data = malloc(b->len > 0 ? b->len : 1)) == NULL)
		return 0;
	if (b->len > 0)
		memcpy(b->data, CBS_data(s), b->len);
	return 1;
}

static int
bytes_cmp(const void *va, const void *vb)
{
	const struct bytes *a = va, *b = vb;

	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->len == 0 ? 0 : memcmp(a->data, b->data, a->len);
}

static int
u64_cmp(const void *va, const void *vb)
{
	uint64_t a = *(const uint64_t *)va, b = *(const uint64_t *)vb;

	return a < b ? -1 : a > b;
}

static int
sha1_cmp(const void *a, const void *b)
{
	return memcmp(a, b, SHA_DIGEST_LENGTH);
}

static int
sha256_cmp(const void *a, const void *b)
{
	return memcmp(a, b, SHA256_DIGEST_LENGTH);
}

static void
cert_section_free(struct cert_section *s)
{
	free(s->ca.data);
	free(s->serials);
	free(s->ranges);
	for (size_t i = 0; i < s->nbitmaps; i++)
		free(s->bitmaps[i].bits.data);
	free(s->bitmaps);
	for (size_t i = 0; i < s->nids; i++)
		free(s->ids[i].data);
	free(s->ids);
}

void
rp_krl_free(struct rp_krl *krl)
{
	if (krl == NULL)
		return;
	for (size_t i = 0; i < krl->ncerts; i++)
		cert_section_free(&krl->certs[i]);
	free(krl->certs);
	for (size_t i = 0; i < krl->nkeys; i++)
		free(krl->keys[i].data);
	free(krl->keys);
	free(krl->sha1);
	free(krl->sha256);
	free(krl);
}

/* --- parsing ----------------------------------------------------------------- */

/* A key blob must start with a readable type name; certificates are not
 * plain keys. Keys of types rampart does not support are kept as bytes:
 * they can never match, but they do not make the KRL unreadable. */
static int
check_key_blob(CBS blob, const char **err)
{
	char name[64];
	size_t n, sl = strlen(CERT_SUFFIX);

	if (!ssh_get_name(&blob, name, sizeof(name), 0)) {
		*err = "malformed key in KRL";
		return 0;
	}
	n = strlen(name);
	if (n >= sl && strcmp(name + n - sl, CERT_SUFFIX) == 0) {
		*err = "certificate where the KRL needs a plain key";
		return 0;
	}
	return 1;
}

/* A critical extension refuses the KRL; others are skipped. */
static int
parse_extension(CBS data, const char **err)
{
	CBS name, contents;
	int critical;

	if (!ssh_get_string(&data, &name) || !ssh_get_bool(&data, &critical) ||
	    !ssh_get_string(&data, &contents) || CBS_len(&data) != 0) {
		*err = "malformed KRL extension";
		return 0;
	}
	if (critical) {
		*err = "unsupported critical KRL extension";
		return 0;
	}
	return 1;
}

static int
parse_serial_list(CBS data, struct cert_section *s, const char **err)
{
	uint64_t serial;

	if (CBS_len(&data) == 0 || CBS_len(&data) % 8 != 0) {
		*err = "malformed KRL serial list";
		return 0;
	}
	while (CBS_get_u64(&data, &serial)) {
		if (!grow(&s->serials, s->nserials, sizeof(*s->serials))) {
			*err = "out of memory";
			return 0;
		}
		s->serials[s->nserials++] = serial;
	}
	return 1;
}

static int
parse_serial_range(CBS data, struct cert_section *s, const char **err)
{
	struct serial_range r;

	if (!CBS_get_u64(&data, &r.lo) || !CBS_get_u64(&data, &r.hi) || CBS_len(&data) != 0 ||
	    r.lo > r.hi) {
		*err = "malformed KRL serial range";
		return 0;
	}
	if (!grow(&s->ranges, s->nranges, sizeof(*s->ranges))) {
		*err = "out of memory";
		return 0;
	}
	s->ranges[s->nranges++] = r;
	return 1;
}

static int
parse_serial_bitmap(CBS data, struct cert_section *s, const char **err)
{
	struct serial_bitmap b;
	CBS bits;

	if (!CBS_get_u64(&data, &b.offset) || !ssh_get_string(&data, &bits) ||
	    CBS_len(&data) != 0 || (CBS_len(&bits) > 0 && (CBS_data(&bits)[0] & 0x80) != 0)) {
		*err = "malformed KRL serial bitmap";
		return 0;
	}
	if (!grow(&s->bitmaps, s->nbitmaps, sizeof(*s->bitmaps)) || !bytes_copy(&b.bits, &bits)) {
		*err = "out of memory";
		return 0;
	}
	s->bitmaps[s->nbitmaps++] = b;
	return 1;
}

static int
parse_key_ids(CBS data, struct cert_section *s, const char **err)
{
	CBS id;

	if (CBS_len(&data) == 0) {
		*err = "empty KRL key id section";
		return 0;
	}
	while (CBS_len(&data) > 0) {
		if (!ssh_get_string(&data, &id)) {
			*err = "malformed KRL key id section";
			return 0;
		}
		if (!grow(&s->ids, s->nids, sizeof(*s->ids)) ||
		    !bytes_copy(&s->ids[s->nids], &id)) {
			*err = "out of memory";
			return 0;
		}
		s->nids++;
	}
	return 1;
}

static int
parse_cert_section(CBS data, struct rp_krl *krl, const char **err)
{
	struct cert_section *s;
	CBS ca, reserved, sub;
	uint8_t type;
	int ok;

	if (!ssh_get_string(&data, &ca) || !ssh_get_string(&data, &reserved)) {
		*err = "malformed KRL certificate section";
		return 0;
	}
	if (CBS_len(&ca) > 0 && !check_key_blob(ca, err))
		return 0;
	if (!grow(&krl->certs, krl->ncerts, sizeof(*krl->certs))) {
		*err = "out of memory";
		return 0;
	}
	s = &krl->certs[krl->ncerts];
	memset(s, 0, sizeof(*s));
	if (!bytes_copy(&s->ca, &ca)) {
		*err = "out of memory";
		return 0;
	}
	krl->ncerts++; /* now freed with the KRL */
	while (CBS_len(&data) > 0) {
		if (!CBS_get_u8(&data, &type) || !ssh_get_string(&data, &sub)) {
			*err = "malformed KRL certificate section";
			return 0;
		}
		switch (type) {
		case KRL_CERT_SERIAL_LIST:
			ok = parse_serial_list(sub, s, err);
			break;
		case KRL_CERT_SERIAL_RANGE:
			ok = parse_serial_range(sub, s, err);
			break;
		case KRL_CERT_SERIAL_BITMAP:
			ok = parse_serial_bitmap(sub, s, err);
			break;
		case KRL_CERT_KEY_ID:
			ok = parse_key_ids(sub, s, err);
			break;
		case KRL_CERT_EXTENSION:
			ok = parse_extension(sub, err);
			break;
		default:
			*err = rp_key_reason("unknown KRL certificate subsection type 0x%02x",
			    type);
			ok = 0;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

static int
parse_explicit_keys(CBS data, struct rp_krl *krl, const char **err)
{
	CBS blob;

	if (CBS_len(&data) == 0) {
		*err = "empty KRL key section";
		return 0;
	}
	while (CBS_len(&data) > 0) {
		if (!ssh_get_string(&data, &blob)) {
			*err = "malformed KRL key section";
			return 0;
		}
		if (!check_key_blob(blob, err))
			return 0;
		if (!grow(&krl->keys, krl->nkeys, sizeof(*krl->keys)) ||
		    !bytes_copy(&krl->keys[krl->nkeys], &blob)) {
			*err = "out of memory";
			return 0;
		}
		krl->nkeys++;
	}
	return 1;
}

/* Hashes of hash_len bytes, in increasing order as PROTOCOL.krl requires,
 * appended to *arr (an array of hash_len-byte rows). */
static int
parse_hashes(CBS data, size_t hash_len, void *arr, size_t *n, const char **err)
{
	uint8_t **rows = arr;
	CBS h;
	const uint8_t *prev = NULL;

	if (CBS_len(&data) == 0) {
		*err = "empty KRL fingerprint section";
		return 0;
	}
	while (CBS_len(&data) > 0) {
		if (!ssh_get_string(&data, &h) || CBS_len(&h) != hash_len) {
			*err = "malformed KRL fingerprint section";
			return 0;
		}
		if (prev != NULL && memcmp(prev, CBS_data(&h), hash_len) >= 0) {
			*err = "KRL fingerprints out of order";
			return 0;
		}
		prev = CBS_data(&h);
		if (!grow(rows, *n, hash_len)) {
			*err = "out of memory";
			return 0;
		}
		memcpy(*rows + *n * hash_len, CBS_data(&h), hash_len);
		(*n)++;
	}
	return 1;
}

static int
parse_sections(CBS *cbs, struct rp_krl *krl, const char **err)
{
	CBS data, sig_key, sig;
	uint8_t type;
	int signed_part_over = 0, ok;

	while (CBS_len(cbs) > 0) {
		if (!CBS_get_u8(cbs, &type)) {
			*err = "truncated KRL section";
			return 0;
		}
		if (type == KRL_SECTION_SIGNATURE) {
			if (!ssh_get_string(cbs, &sig_key) || !ssh_get_string(cbs, &sig) ||
			    CBS_len(&sig_key) == 0 || CBS_len(&sig) == 0) {
				*err = "malformed KRL signature section";
				return 0;
			}
			signed_part_over = 1;
			continue;
		}
		if (signed_part_over) {
			*err = "KRL section after a signature";
			return 0;
		}
		if (!ssh_get_string(cbs, &data)) {
			*err = "truncated KRL section";
			return 0;
		}
		switch (type) {
		case KRL_SECTION_CERTIFICATES:
			ok = parse_cert_section(data, krl, err);
			break;
		case KRL_SECTION_EXPLICIT_KEY:
			ok = parse_explicit_keys(data, krl, err);
			break;
		case KRL_SECTION_FINGERPRINT_SHA1:
			ok = parse_hashes(data, SHA_DIGEST_LENGTH, &krl->sha1, &krl->nsha1, err);
			break;
		case KRL_SECTION_FINGERPRINT_SHA256:
			ok = parse_hashes(data, SHA256_DIGEST_LENGTH, &krl->sha256, &krl->nsha256,
			    err);
			break;
		case KRL_SECTION_EXTENSION:
			ok = parse_extension(data, err);
			break;
		default:
			*err = rp_key_reason("unknown KRL section type %u", type);
			ok = 0;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* Sort what lookups search with bsearch. */
static void
sort_lists(struct rp_krl *krl)
{
	for (size_t i = 0; i < krl->ncerts; i++) {
		struct cert_section *s = &krl->certs[i];

		if (s->nserials > 1)
			qsort(s->serials, s->nserials, sizeof(*s->serials), u64_cmp);
		if (s->nids > 1)
			qsort(s->ids, s->nids, sizeof(*s->ids), bytes_cmp);
	}
	if (krl->nkeys > 1)
		qsort(krl->keys, krl->nkeys, sizeof(*krl->keys), bytes_cmp);
	if (krl->nsha1 > 1)
		qsort(krl->sha1, krl->nsha1, sizeof(*krl->sha1), sha1_cmp);
	if (krl->nsha256 > 1)
		qsort(krl->sha256, krl->nsha256, sizeof(*krl->sha256), sha256_cmp);
}

int
rp_krl_parse(const uint8_t *data, size_t len, struct rp_krl **out, const char **err)
{
	struct rp_krl *krl;
	CBS cbs, magic, reserved, comment;
	uint32_t version;
	uint64_t krl_version, date, flags;

	*out = NULL;
	if (len > RP_KRL_MAX) {
		*err = "KRL larger than 16 MiB";
		return 0;
	}
	CBS_init(&cbs, data, len);
	if (!CBS_get_bytes(&cbs, &magic, KRL_MAGIC_LEN) ||
	    !CBS_mem_equal(&magic, (const uint8_t *)KRL_MAGIC, KRL_MAGIC_LEN)) {
		*err = "not a KRL (bad magic)";
		return 0;
	}
	if (!CBS_get_u32(&cbs, &version)) {
		*err = "truncated KRL header";
		return 0;
	}
	if (version != KRL_FORMAT_VERSION) {
		*err = "unsupported KRL format version";
		return 0;
	}
	/* krl_version, generated_date and flags (none defined) are not used. */
	if (!CBS_get_u64(&cbs, &krl_version) || !CBS_get_u64(&cbs, &date) ||
	    !CBS_get_u64(&cbs, &flags) || !ssh_get_string(&cbs, &reserved) ||
	    !ssh_get_string(&cbs, &comment)) {
		*err = "truncated KRL header";
		return 0;
	}
	if ((krl = calloc(1, sizeof(*krl))) == NULL) {
		*err = "out of memory";
		return 0;
	}
	if (!parse_sections(&cbs, krl, err)) {
		rp_krl_free(krl);
		return 0;
	}
	sort_lists(krl);
	*out = krl;
	return 1;
}

static int
load_fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return 0;
}

int
rp_krl_load_file(const char *path, struct rp_krl **out, char *err, size_t errsz)
{
	struct stat st;
	uint8_t *buf;
	size_t n = 0;
	ssize_t r;
	const char *why;
	int fd, ok;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return load_fail(err, errsz, "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return load_fail(err, errsz, "%s is not a regular file", path);
	}
	if (st.st_size > (off_t)RP_KRL_MAX) {
		close(fd);
		return load_fail(err, errsz, "%s: KRL larger than 16 MiB", path);
	}
	/* One byte more than allowed, to notice a file that grew meanwhile. */
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return load_fail(err, errsz, "%s: out of memory", path);
	}
	while (n <= (size_t)st.st_size) {
		r = read(fd, buf + n, (size_t)st.st_size + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			ok = load_fail(err, errsz, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n != (size_t)st.st_size) {
		ok = load_fail(err, errsz, "%s changed while it was read", path);
		goto out;
	}
	if (!(ok = rp_krl_parse(buf, n, out, &why)))
		load_fail(err, errsz, "%s: %s", path, why);
out:
	free(buf);
	close(fd);
	return ok;
}

/* --- lookups ----------------------------------------------------------------- */

int
rp_krl_key_revoked(const struct rp_krl *krl, const struct rp_pubkey *key)
{
	struct bytes b;
	uint8_t sha1[SHA_DIGEST_LENGTH], sha256[SHA256_DIGEST_LENGTH];
	int revoked;

	/* Fail closed: a key that cannot be encoded counts as revoked. */
	if (!rp_pubkey_blob_alloc(key, &b.data, &b.len))
		return 1;
	SHA1(b.data, b.len, sha1);
	SHA256(b.data, b.len, sha256);
	revoked = (krl->nkeys > 0 &&
	    bsearch(&b, krl->keys, krl->nkeys, sizeof(*krl->keys), bytes_cmp) != NULL) ||
	    (krl->nsha1 > 0 &&
	    bsearch(sha1, krl->sha1, krl->nsha1, sizeof(*krl->sha1), sha1_cmp) != NULL) ||
	    (krl->nsha256 > 0 &&
	    bsearch(sha256, krl->sha256, krl->nsha256, sizeof(*krl->sha256), sha256_cmp) != NULL);
	OPENSSL_free(b.data);
	return revoked;
}

static int
serial_in_section(const struct cert_section *s, uint64_t serial)
{
	if (s->nserials > 0 &&
	    bsearch(&serial, s->serials, s->nserials, sizeof(*s->serials), u64_cmp) != NULL)
		return 1;
	for (size_t i = 0; i < s->nranges; i++)
		if (s->ranges[i].lo <= serial && serial <= s->ranges[i].hi)
			return 1;
	for (size_t i = 0; i < s->nbitmaps; i++) {
		const struct serial_bitmap *b = &s->bitmaps[i];
		uint64_t bit;

		if (serial < b->offset)
			continue;
		bit = serial - b->offset;
		if (bit / 8 < b->bits.len &&
		    (b->bits.data[b->bits.len - 1 - bit / 8] & (1u << (bit % 8))) != 0)
			return 1;
	}
	return 0;
}

int
rp_krl_cert_revoked(const struct rp_krl *krl, const struct rp_cert *cert)
{
	struct bytes ca, id;
	const uint8_t *idp;
	uint64_t serial = rp_cert_serial(cert);
	int revoked = 0;

	if (rp_krl_key_revoked(krl, rp_cert_key(cert)) || rp_krl_key_revoked(krl, rp_cert_ca(cert)))
		return 1;
	if (krl->ncerts == 0)
		return 0;
	if (!rp_pubkey_blob_alloc(rp_cert_ca(cert), &ca.data, &ca.len))
		return 1; /* fail closed */
	rp_cert_key_id(cert, &idp, &id.len);
	id.data = (uint8_t *)(uintptr_t)idp;
	for (size_t i = 0; i < krl->ncerts && !revoked; i++) {
		const struct cert_section *s = &krl->certs[i];

		if (s->ca.len != 0 && bytes_cmp(&s->ca, &ca) != 0)
			continue;
		if (s->nids > 0 &&
		    bsearch(&id, s->ids, s->nids, sizeof(*s->ids), bytes_cmp) != NULL)
			revoked = 1;
		else if (serial != 0 && serial_in_section(s, serial))
			revoked = 1;
	}
	OPENSSL_free(ca.data);
	return revoked;
}

/*
 * common/compress.c: per-packet zlib streams for SSH compression (RFC 4253
 * 6.2): deflate with Z_PARTIAL_FLUSH, as OpenSSH does, so every packet ends
 * on a byte boundary the peer can inflate at once; inflate bounded by the
 * caller's buffer, so a small packet cannot expand without limit.
 */
#include "common/compress.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct rp_zstream {
	z_stream zs;
	int deflating;
};

static struct rp_zstream *
zstream_new(int deflating)
{
	struct rp_zstream *z = calloc(1, sizeof(*z));

	if (z == NULL)
		return NULL;
	z->deflating = deflating;
	if ((deflating ? deflateInit(&z->zs, Z_DEFAULT_COMPRESSION) : inflateInit(&z->zs)) !=
	    Z_OK) {
		free(z);
		return NULL;
	}
	return z;
}

struct rp_zstream *
rp_zstream_deflate_new(void)
{
	return zstream_new(1);
}

struct rp_zstream *
rp_zstream_inflate_new(void)
{
	return zstream_new(0);
}

void
rp_zstream_free(struct rp_zstream *z)
{
	if (z == NULL)
		return;
	if (z->deflating)
		deflateEnd(&z->zs);
	else
		inflateEnd(&z->zs);
	free(z);
}

int
rp_zstream_deflate(struct rp_zstream *z, const uint8_t *in, size_t len, uint8_t *out,
    size_t outsz, size_t *outlen)
{
	if (!z->deflating || len > UINT32_MAX || outsz > UINT32_MAX)
		return 0;
	z->zs.next_in = (Bytef *)in;
	z->zs.avail_in = (uInt)len;
	z->zs.next_out = out;
	z->zs.avail_out = (uInt)outsz;
	/* With room to spare, one call consumes everything and flushes. */
	if (deflate(&z->zs, Z_PARTIAL_FLUSH) != Z_OK || z->zs.avail_in != 0 ||
	    z->zs.avail_out == 0)
		return 0;
	*outlen = outsz - z->zs.avail_out;
	return 1;
}

int
rp_zstream_inflate(struct rp_zstream *z, const uint8_t *in, size_t len, uint8_t *out,
    size_t outsz, size_t *outlen)
{
	int r;

	if (z->deflating || len > UINT32_MAX || outsz > UINT32_MAX)
		return 0;
	z->zs.next_in = (Bytef *)in;
	z->zs.avail_in = (uInt)len;
	z->zs.next_out = out;
	z->zs.avail_out = (uInt)outsz;
	r = inflate(&z->zs, Z_SYNC_FLUSH);
	/* Everything must have been consumed into the room given: output
	 * left over (avail_out 0 with input or pending bits) is a bomb. */
	if ((r != Z_OK && r != Z_BUF_ERROR) || z->zs.avail_in != 0 || z->zs.avail_out == 0)
		return 0;
	*outlen = outsz - z->zs.avail_out;
	return 1;
}

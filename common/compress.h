/*
 * common/compress.h: the zlib compression of SSH packets (RFC 4253 6.2,
 * and OpenSSH's zlib@openssh.com, which is the same stream started after
 * authentication). Each direction is one deflate stream for the life of
 * the connection; every packet's payload is compressed on its own with a
 * partial flush, so the peer can decompress it without waiting for more.
 */
#ifndef RAMPART_COMMON_COMPRESS_H
#define RAMPART_COMMON_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

struct rp_zstream;

/* How much longer than its input a compressed payload can be (stored
 * blocks and the flush marker); callers reserve this much more. */
#define RP_COMPRESS_SLACK(len) ((len) / 256 + 64)

/* A compressing or decompressing stream; NULL when out of memory. */
struct rp_zstream *rp_zstream_deflate_new(void);
struct rp_zstream *rp_zstream_inflate_new(void);
void rp_zstream_free(struct rp_zstream *z);

/* Compress one payload into out (outsz bytes, at least len +
 * RP_COMPRESS_SLACK(len)); its length in *outlen. 0 on failure. */
int rp_zstream_deflate(struct rp_zstream *z, const uint8_t *in, size_t len, uint8_t *out,
    size_t outsz, size_t *outlen);
/* Decompress one payload into out. 0 when the data is not valid zlib, or
 * when it would decompress to more than outsz bytes (a decompression bomb:
 * the caller ends the connection). */
int rp_zstream_inflate(struct rp_zstream *z, const uint8_t *in, size_t len, uint8_t *out,
    size_t outsz, size_t *outlen);

#endif

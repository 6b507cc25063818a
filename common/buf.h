/*
 * common/buf.h: a growable byte queue with a hard size limit, for socket
 * input and output. Data is appended at the tail and consumed from the head;
 * the free space is reused by moving the live bytes down when needed.
 */
#ifndef RAMPART_COMMON_BUF_H
#define RAMPART_COMMON_BUF_H

#include <stddef.h>
#include <stdint.h>

struct rp_buf {
	uint8_t *data;
	size_t head; /* first live byte */
	size_t tail; /* one past the last live byte */
	size_t cap;
	size_t limit; /* never grow beyond this */
};

void rp_buf_init(struct rp_buf *b, size_t limit);
/* Wipes the bytes before freeing: buffers hold decrypted data. */
void rp_buf_free(struct rp_buf *b);
static inline size_t
rp_buf_len(const struct rp_buf *b)
{
	return b->tail - b->head;
}
static inline uint8_t *
rp_buf_ptr(const struct rp_buf *b)
{
	return b->data + b->head;
}
/* Where the next byte would be added (inside a reservation). */
static inline uint8_t *
rp_buf_tail(const struct rp_buf *b)
{
	return b->data + b->tail;
}
/* Make room for n more bytes and return where they go (NULL when that would
 * pass the limit or memory runs out). Follow with rp_buf_added(). */
uint8_t *rp_buf_reserve(struct rp_buf *b, size_t n);
void rp_buf_added(struct rp_buf *b, size_t n);
int rp_buf_append(struct rp_buf *b, const void *data, size_t n);
void rp_buf_consume(struct rp_buf *b, size_t n);
/* Bytes that can still be added before the limit. */
size_t rp_buf_room(const struct rp_buf *b);

#endif

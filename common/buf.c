/*
 * common/buf.c: the bounded byte queue.
 */
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/secret.h"

void
rp_buf_init(struct rp_buf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit;
}

void
rp_buf_free(struct rp_buf *b)
{
	if (b->data != NULL) {
		rp_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->head = b->tail = b->cap = 0;
}

size_t
rp_buf_room(const struct rp_buf *b)
{
	return b->limit - rp_buf_len(b);
}

uint8_t *
rp_buf_reserve(struct rp_buf *b, size_t n)
{
	size_t len = rp_buf_len(b), want;
	uint8_t *p;

	if (n > b->limit - len)
		return NULL;
	if (b->cap - b->tail >= n)
		return b->data + b->tail;
	/* Move live bytes to the front when that makes enough room. */
	if (b->head > 0 && b->cap - len >= n) {
		memmove(b->data, b->data + b->head, len);
		b->head = 0;
		b->tail = len;
		return b->data + b->tail;
	}
	want = b->cap < 4096 ? 4096 : b->cap;
	while (want - len < n)
		want *= 2;
	if (want > b->limit)
		want = b->limit;
	if ((p = malloc(want)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(p, b->data + b->head, len);
	if (b->data != NULL) {
		rp_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = want;
	b->head = 0;
	b->tail = len;
	return b->data + b->tail;
}

void
rp_buf_added(struct rp_buf *b, size_t n)
{
	b->tail += n;
}

int
rp_buf_append(struct rp_buf *b, const void *data, size_t n)
{
	uint8_t *p = rp_buf_reserve(b, n);

	if (p == NULL)
		return 0;
	if (n > 0)
		memcpy(p, data, n);
	b->tail += n;
	return 1;
}

void
rp_buf_consume(struct rp_buf *b, size_t n)
{
	if (n >= rp_buf_len(b)) {
		b->head = b->tail = 0;
		return;
	}
	b->head += n;
}

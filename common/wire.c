/*
 * common/wire.c: SSH data types (RFC 4251 section 5) on CBS/CBB.
 */
#include "common/wire.h"

#include <string.h>

int
ssh_get_string(CBS *cbs, CBS *out)
{
	uint32_t len;

	return CBS_get_u32(cbs, &len) && CBS_get_bytes(cbs, out, len);
}

int
ssh_get_bool(CBS *cbs, int *out)
{
	uint8_t v;

	if (!CBS_get_u8(cbs, &v))
		return 0;
	*out = v != 0;
	return 1;
}

static int
copy_checked(const CBS *s, char *out, size_t outsz, int printable_only)
{
	const uint8_t *p = CBS_data(s);
	size_t n = CBS_len(s);

	if (outsz == 0 || n >= outsz)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0)
			return 0;
		if (printable_only && (p[i] < 0x21 || p[i] == 0x7f))
			return 0;
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

int
ssh_get_name(CBS *cbs, char *out, size_t outsz, int allow_empty)
{
	CBS s;

	if (!ssh_get_string(cbs, &s))
		return 0;
	if (CBS_len(&s) == 0 && !allow_empty)
		return 0;
	return copy_checked(&s, out, outsz, 1);
}

int
ssh_get_text(CBS *cbs, char *out, size_t outsz)
{
	CBS s;

	return ssh_get_string(cbs, &s) && copy_checked(&s, out, outsz, 0);
}

int
ssh_add_string(CBB *cbb, const void *data, size_t len)
{
	if (len > UINT32_MAX)
		return 0;
	return CBB_add_u32(cbb, (uint32_t)len) && CBB_add_bytes(cbb, data, len);
}

int
ssh_add_cstring(CBB *cbb, const char *s)
{
	return ssh_add_string(cbb, s, strlen(s));
}

int
ssh_add_bool(CBB *cbb, int value)
{
	return CBB_add_u8(cbb, value ? 1 : 0);
}

int
ssh_add_mpint_be(CBB *cbb, const uint8_t *be, size_t len)
{
	while (len > 0 && be[0] == 0) {
		be++;
		len--;
	}
	if (len == 0)
		return CBB_add_u32(cbb, 0);
	if (be[0] & 0x80)
		return CBB_add_u32(cbb, (uint32_t)len + 1) && CBB_add_u8(cbb, 0) &&
		    CBB_add_bytes(cbb, be, len);
	return ssh_add_string(cbb, be, len);
}

int
ssh_begin_string(CBB *cbb, CBB *child)
{
	/* A zero byte and a 24-bit length prefix are the same bytes as a
	 * 32-bit length below 2^24; CBB_flush fails if the child outgrows it. */
	return CBB_add_u8(cbb, 0) && CBB_add_u24_length_prefixed(cbb, child);
}

int
ssh_namelist_next(CBS *list, CBS *name)
{
	if (CBS_len(list) == 0)
		return 0;
	if (!CBS_get_until_first(list, name, ','))
		return CBS_get_bytes(list, name, CBS_len(list));
	return CBS_skip(list, 1);
}

int
ssh_namelist_has(CBS list, const char *name)
{
	CBS item;
	size_t n = strlen(name);

	while (ssh_namelist_next(&list, &item))
		if (CBS_mem_equal(&item, (const uint8_t *)name, n))
			return 1;
	return 0;
}

int
ssh_namelist_negotiate(CBS client, CBS server, char *out, size_t outsz)
{
	CBS c, s, scopy;

	while (ssh_namelist_next(&client, &c)) {
		scopy = server;
		while (ssh_namelist_next(&scopy, &s)) {
			if (CBS_len(&c) == CBS_len(&s) &&
			    CBS_mem_equal(&c, CBS_data(&s), CBS_len(&s)))
				return copy_checked(&c, out, outsz, 1);
		}
	}
	return 0;
}

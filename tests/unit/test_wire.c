/*
 * tests/unit/test_wire.c: the SSH data types on CBS/CBB (common/wire.c).
 */
#include "tests/unit/unit.h"

#include <string.h>

#include "common/wire.h"

START_TEST(test_string_round_trip)
{
	CBB cbb;
	uint8_t *buf;
	size_t len;
	CBS cbs, s;

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(ssh_add_cstring(&cbb, "ssh-userauth"));
	ck_assert(ssh_add_bool(&cbb, 1));
	ck_assert(CBB_finish(&cbb, &buf, &len));
	ck_assert_uint_eq(len, 4 + 12 + 1);
	CBS_init(&cbs, buf, len);
	ck_assert(ssh_get_string(&cbs, &s));
	ck_assert(CBS_mem_equal(&s, (const uint8_t *)"ssh-userauth", 12));
	int b = 0;
	ck_assert(ssh_get_bool(&cbs, &b));
	ck_assert_int_eq(b, 1);
	ck_assert_uint_eq(CBS_len(&cbs), 0);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_string_truncated_is_refused)
{
	static const uint8_t data[] = { 0, 0, 0, 5, 'a', 'b' };
	CBS cbs, s;

	CBS_init(&cbs, data, sizeof(data));
	ck_assert(!ssh_get_string(&cbs, &s));
}
END_TEST

START_TEST(test_name_rejects_control_bytes_and_overlong)
{
	static const uint8_t ctl[] = { 0, 0, 0, 3, 'a', '\n', 'b' };
	static const uint8_t nul[] = { 0, 0, 0, 3, 'a', 0, 'b' };
	static const uint8_t ok[] = { 0, 0, 0, 3, 'a', 'b', 'c' };
	char out[4];
	CBS cbs;

	CBS_init(&cbs, ctl, sizeof(ctl));
	ck_assert(!ssh_get_name(&cbs, out, sizeof(out), 0));
	CBS_init(&cbs, nul, sizeof(nul));
	ck_assert(!ssh_get_name(&cbs, out, sizeof(out), 0));
	CBS_init(&cbs, ok, sizeof(ok));
	ck_assert(ssh_get_name(&cbs, out, sizeof(out), 0));
	ck_assert_str_eq(out, "abc");
	CBS_init(&cbs, ok, sizeof(ok));
	ck_assert(!ssh_get_name(&cbs, out, 3, 0)); /* no room for the NUL */
}
END_TEST

START_TEST(test_mpint_encoding_rfc4251_examples)
{
	/* RFC 4251 section 5 examples. */
	static const uint8_t zero[] = { 0 };
	static const uint8_t v1[] = { 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7 };
	static const uint8_t v2[] = { 0x80 };
	static const uint8_t want1[] = { 0, 0, 0, 8, 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7 };
	static const uint8_t want2[] = { 0, 0, 0, 2, 0x00, 0x80 };
	static const uint8_t want0[] = { 0, 0, 0, 0 };
	CBB cbb;
	uint8_t *buf;
	size_t len;

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(ssh_add_mpint_be(&cbb, zero, sizeof(zero)));
	ck_assert(ssh_add_mpint_be(&cbb, v1, sizeof(v1)));
	ck_assert(ssh_add_mpint_be(&cbb, v2, sizeof(v2)));
	ck_assert(CBB_finish(&cbb, &buf, &len));
	ck_assert_uint_eq(len, sizeof(want0) + sizeof(want1) + sizeof(want2));
	ck_assert(memcmp(buf, want0, 4) == 0);
	ck_assert(memcmp(buf + 4, want1, sizeof(want1)) == 0);
	ck_assert(memcmp(buf + 4 + sizeof(want1), want2, sizeof(want2)) == 0);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_nested_string_has_u32_length)
{
	CBB cbb, child;
	uint8_t *buf;
	size_t len;
	CBS cbs, s;

	ck_assert(CBB_init(&cbb, 0));
	ck_assert(ssh_begin_string(&cbb, &child));
	ck_assert(ssh_add_cstring(&child, "inner"));
	ck_assert(CBB_finish(&cbb, &buf, &len));
	CBS_init(&cbs, buf, len);
	ck_assert(ssh_get_string(&cbs, &s));
	ck_assert_uint_eq(CBS_len(&s), 9);
	ck_assert_uint_eq(CBS_len(&cbs), 0);
	OPENSSL_free(buf);
}
END_TEST

START_TEST(test_namelist_negotiation_follows_client_order)
{
	const char *client = "aes256-ctr,chacha20-poly1305@openssh.com,aes128-ctr";
	const char *server = "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr";
	CBS c, s;
	char out[64];

	CBS_init(&c, (const uint8_t *)client, strlen(client));
	CBS_init(&s, (const uint8_t *)server, strlen(server));
	ck_assert(ssh_namelist_negotiate(c, s, out, sizeof(out)));
	ck_assert_str_eq(out, "aes256-ctr");
	ck_assert(ssh_namelist_has(s, "aes128-ctr"));
	ck_assert(!ssh_namelist_has(s, "aes128"));
	CBS_init(&c, (const uint8_t *)"none,zlib", 9);
	ck_assert(!ssh_namelist_negotiate(c, s, out, sizeof(out)));
}
END_TEST

RP_TEST_SUITE(wire)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("types");

	tcase_add_test(tc, test_string_round_trip);
	tcase_add_test(tc, test_string_truncated_is_refused);
	tcase_add_test(tc, test_name_rejects_control_bytes_and_overlong);
	tcase_add_test(tc, test_mpint_encoding_rfc4251_examples);
	tcase_add_test(tc, test_nested_string_has_u32_length);
	tcase_add_test(tc, test_namelist_negotiation_follows_client_order);
	suite_add_tcase(s, tc);
	return s;
}

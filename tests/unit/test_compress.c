/*
 * tests/unit/test_compress.c: the per-packet zlib streams of
 * common/compress.h: one stream across many packets, each packet
 * decompressible on its own arrival, the output bound that stops a
 * decompression bomb, and corrupt input refused.
 */
#include "tests/unit/unit.h"

#include <stdlib.h>
#include <string.h>

#include "common/compress.h"

#define OUT_MAX 4096

START_TEST(test_packets_round_trip_on_one_stream)
{
	struct rp_zstream *d = rp_zstream_deflate_new(), *in = rp_zstream_inflate_new();
	uint8_t payload[1000], z[1000 + RP_COMPRESS_SLACK(1000)], out[OUT_MAX];
	size_t zlen, outlen, total_z = 0;

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(in);
	for (int p = 0; p < 50; p++) {
		for (size_t i = 0; i < sizeof(payload); i++)
			payload[i] = (uint8_t)("abcdefgh"[i % 8] + (p % 3));
		ck_assert(rp_zstream_deflate(d, payload, sizeof(payload), z, sizeof(z), &zlen));
		total_z += zlen;
		/* Each packet inflates completely as it arrives. */
		ck_assert(rp_zstream_inflate(in, z, zlen, out, sizeof(out), &outlen));
		ck_assert_uint_eq(outlen, sizeof(payload));
		ck_assert(memcmp(out, payload, outlen) == 0);
	}
	/* The stream remembers earlier packets: repeats cost little. */
	ck_assert_uint_lt(total_z, 50 * 100);
	rp_zstream_free(d);
	rp_zstream_free(in);
}
END_TEST

START_TEST(test_incompressible_payload_fits_the_slack)
{
	struct rp_zstream *d = rp_zstream_deflate_new();
	static uint8_t payload[65536], z[65536 + RP_COMPRESS_SLACK(65536)];
	size_t zlen;
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(payload); i++) {
		x = x * 1103515245u + 12345u;
		payload[i] = (uint8_t)(x >> 24);
	}
	ck_assert(rp_zstream_deflate(d, payload, sizeof(payload), z, sizeof(z), &zlen));
	ck_assert_uint_le(zlen, sizeof(payload) + RP_COMPRESS_SLACK(sizeof(payload)));
	rp_zstream_free(d);
}
END_TEST

START_TEST(test_bomb_and_corrupt_input_are_refused)
{
	struct rp_zstream *d = rp_zstream_deflate_new(), *in = rp_zstream_inflate_new();
	static uint8_t zeros[OUT_MAX * 4], z[OUT_MAX * 4 + RP_COMPRESS_SLACK(OUT_MAX * 4)];
	uint8_t out[OUT_MAX];
	size_t zlen, outlen;
	static const uint8_t garbage[] = { 0x78, 0x9c, 0xff, 0xff, 0xff, 0xff, 0x00 };

	ck_assert(rp_zstream_deflate(d, zeros, sizeof(zeros), z, sizeof(z), &zlen));
	ck_assert_uint_lt(zlen, 200);
	ck_assert_msg(!rp_zstream_inflate(in, z, zlen, out, sizeof(out), &outlen),
	    "a packet inflating beyond the output bound must be refused");
	rp_zstream_free(in);
	in = rp_zstream_inflate_new();
	ck_assert(!rp_zstream_inflate(in, garbage, sizeof(garbage), out, sizeof(out), &outlen));
	/* A stream used the wrong way round refuses. */
	ck_assert(!rp_zstream_deflate(in, zeros, 10, z, sizeof(z), &zlen));
	ck_assert(!rp_zstream_inflate(d, z, 10, out, sizeof(out), &outlen));
	rp_zstream_free(d);
	rp_zstream_free(in);
}
END_TEST

RP_TEST_SUITE(compress)
{
	Suite *s = suite_create("compress");
	TCase *tc = tcase_create("zlib");

	tcase_add_test(tc, test_packets_round_trip_on_one_stream);
	tcase_add_test(tc, test_incompressible_payload_fits_the_slack);
	tcase_add_test(tc, test_bomb_and_corrupt_input_are_refused);
	suite_add_tcase(s, tc);
	return s;
}

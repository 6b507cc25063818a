/*
 * tests/bench/seal_speed.c: the raw single-core speed of sealing SSH packets,
 * the yardstick `make bench` holds the servers' CPU per GB against.
 *
 * What it measures: for each cipher setting of the bulk benchmark
 * (aes128-gcm@openssh.com, chacha20-poly1305@openssh.com, aes128-ctr with
 * hmac-sha2-256-etm@openssh.com), how fast one thread protects 32 KiB packets
 * in place through rampart's own crypto/pkt_cipher.h, that is BoringSSL's
 * primitives with nothing around them: no system calls, no copies, no
 * channel or window bookkeeping, one packet buffer that stays in the cache.
 * It reports wall-clock GB/s and CPU-seconds per GB (GB = 10^9 bytes of
 * packet, length field included), the CPU time read from
 * CLOCK_PROCESS_CPUTIME_ID.
 *
 * Why: the benchmark's target is that a server spends at most twice this CPU
 * per GB it moves. A server has to read, frame, seal and write every byte, so
 * this is the floor it can approach; the factor of two is the budget for
 * everything else. The program goes through crypto/'s interface (the layering
 * rule keeps BoringSSL's headers inside crypto/), so it measures exactly the
 * code the worker runs.
 *
 *     seal-speed [SECONDS]      (default 1; per cipher setting)
 *
 * Output, one line per setting, for tests/bench/run.py to parse:
 *
 *     seal CIPHER MAC|- packet=32768 bytes=N wall=S cpu=S gbps=X cpu_s_per_gb=Y
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "crypto/pkt_cipher.h"

#define PACKET_LEN 32768u /* packet_length: padding_length, payload, padding */

struct setting {
	const char *cipher;
	const char *mac; /* NULL for the AEADs */
};

static const struct setting settings[] = {
	{ "aes128-gcm@openssh.com", NULL },
	{ "chacha20-poly1305@openssh.com", NULL },
	{ "aes128-ctr", "hmac-sha2-256-etm@openssh.com" },
};

static double
now(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts) != 0) {
		perror("seal-speed: clock_gettime");
		exit(1);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
fill_random(uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("seal-speed: getrandom");
			exit(1);
		}
		done += (size_t)n;
	}
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int
measure(const struct setting *s, double seconds)
{
	const struct rp_cipher_alg *cipher = rp_cipher_by_name(s->cipher);
	const struct rp_mac_alg *mac = s->mac != NULL ? rp_mac_by_name(s->mac) : NULL;
	uint8_t key[64], iv[64], mac_key[128], tag[64];
	struct rp_pktcipher *pc;
	uint8_t *pkt;
	size_t pkt_len = 4 + PACKET_LEN;
	uint64_t packets = 0, bytes;
	uint32_t seqnr = 0;
	double w0, c0, wall, cpu;

	if (cipher == NULL || (s->mac != NULL && mac == NULL)) {
		fprintf(stderr, "seal-speed: %s %s: not implemented\n", s->cipher,
		    s->mac != NULL ? s->mac : "-");
		return 0;
	}
	if (rp_cipher_key_len(cipher) > sizeof(key) || rp_cipher_iv_len(cipher) > sizeof(iv) ||
	    (mac != NULL && rp_mac_key_len(mac) > sizeof(mac_key))) {
		fprintf(stderr, "seal-speed: %s: key sizes exceed the buffers\n", s->cipher);
		return 0;
	}
	fill_random(key, sizeof(key));
	fill_random(iv, sizeof(iv));
	fill_random(mac_key, sizeof(mac_key));
	pc = rp_pktcipher_new(cipher, mac, key, iv, mac != NULL ? mac_key : NULL, 1);
	if (pc == NULL) {
		fprintf(stderr, "seal-speed: %s: rp_pktcipher_new failed\n", s->cipher);
		return 0;
	}
	if (rp_pktcipher_tag_len(pc) > sizeof(tag) || PACKET_LEN % rp_pktcipher_block_size(pc) != 0 ||
	    rp_pktcipher_aligns_length(pc)) {
		fprintf(stderr, "seal-speed: %s: unexpected packet shape\n", s->cipher);
		rp_pktcipher_free(pc);
		return 0;
	}
	if ((pkt = malloc(pkt_len)) == NULL) {
		perror("seal-speed: malloc");
		rp_pktcipher_free(pc);
		return 0;
	}
	fill_random(pkt, pkt_len);
	pkt[4] = 16; /* padding_length: any value is fine for the cipher */

	/* A short warm-up so that clocks, caches and key schedules settle. */
	for (int i = 0; i < 64; i++) {
		put_be32(pkt, PACKET_LEN);
		if (!rp_pktcipher_seal(pc, seqnr++, pkt, pkt_len, tag))
			goto fail;
	}
	w0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	do {
		/* 64 packets (2 MiB) between clock reads. chacha20-poly1305
		 * encrypts the length field, so it is written afresh each time,
		 * as the transport does for every packet. */
		for (int i = 0; i < 64; i++) {
			put_be32(pkt, PACKET_LEN);
			if (!rp_pktcipher_seal(pc, seqnr++, pkt, pkt_len, tag))
				goto fail;
		}
		packets += 64;
		wall = now(CLOCK_MONOTONIC) - w0;
	} while (wall < seconds);
	cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	bytes = packets * pkt_len;
	printf("seal %s %s packet=%u bytes=%llu wall=%.6f cpu=%.6f gbps=%.4f cpu_s_per_gb=%.5f\n",
	    s->cipher, s->mac != NULL ? s->mac : "-", PACKET_LEN, (unsigned long long)bytes, wall,
	    cpu, (double)bytes / 1e9 / wall, cpu / ((double)bytes / 1e9));
	fflush(stdout);
	free(pkt);
	rp_pktcipher_free(pc);
	return 1;
fail:
	fprintf(stderr, "seal-speed: %s: rp_pktcipher_seal failed\n", s->cipher);
	free(pkt);
	rp_pktcipher_free(pc);
	return 0;
}

int
main(int argc, char **argv)
{
	double seconds = 1.0;
	int ok = 1;

	if (argc > 2 || (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))) {
		fprintf(stderr, "usage: seal-speed [SECONDS]\n");
		return 2;
	}
	if (argc == 2) {
		char *end;

		seconds = strtod(argv[1], &end);
		if (*end != '\0' || !(seconds > 0.0 && seconds <= 60.0)) {
			fprintf(stderr, "seal-speed: SECONDS must be a number in (0, 60]\n");
			return 2;
		}
	}
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (!measure(&settings[i], seconds))
			ok = 0;
	return ok ? 0 : 1;
}

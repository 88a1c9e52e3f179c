// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The SIP traffic of the veth benchmark, built with tests/frames.c:
 * a cycle of SIP responses over IPv4/UDP 5060, every frame
 * BENCH_FRAME_LEN bytes (a 400-byte frame on the wire with its FCS).
 *
 *   bench_frames -t FILE     trafgen configuration: the cycle, in order
 *   bench_frames -p FILE -n N  pcap of the first N frames of the cycle
 *   bench_frames -l          the codes of the cycle, one a line, in order
 *
 * trafgen sends the packets of its configuration round robin, so N
 * frames (N a multiple of the cycle) carry N / cycle * COUNT of each
 * code.  The destination MAC is not the receiver's: the stack drops the
 * frames right after the XDP hook and the tap (PACKET_OTHERHOST), no
 * ICMP goes back, and the cost measured is the receive path up to IP.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "sipmsg.h"

#define BENCH_NAME "bench_frames"
#include "common.h"

static const struct {
	int code;
	const char *line;
} cycle[] = {
	{ 100, "SIP/2.0 100 Trying" },
	{ 180, "SIP/2.0 180 Ringing" },
	{ 183, "SIP/2.0 183 Session Progress" },
	{ 200, "SIP/2.0 200 OK" },
	{ 200, "SIP/2.0 200 OK" },
	{ 200, "SIP/2.0 200 OK" },
	{ 200, "SIP/2.0 200 OK" },
	{ 486, "SIP/2.0 486 Busy Here" },
	{ 487, "SIP/2.0 487 Request Terminated" },
	{ 603, "SIP/2.0 603 Decline" },
};
#define CYCLE (sizeof(cycle) / sizeof(cycle[0]))

static size_t build(unsigned char *buf, size_t cap, size_t i)
{
	char payload[512];
	size_t plen = sip_message(payload, sizeof(payload), cycle[i].line, BENCH_SIP_LEN);
	size_t len = plen ? frame_udp4(buf, cap, 5060, 5060, payload, plen) : 0;

	if (len != BENCH_FRAME_LEN) {
		fprintf(stderr, "bench_frames: frame %zu is %zu bytes, want %d\n", i, len,
			BENCH_FRAME_LEN);
		exit(1);
	}
	return len;
}

static void put32le(FILE *f, uint32_t v)
{
	unsigned char b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

	fwrite(b, 1, 4, f);
}

static void put16le(FILE *f, uint16_t v)
{
	unsigned char b[2] = { v & 0xff, v >> 8 };

	fwrite(b, 1, 2, f);
}

static int write_trafgen(const char *path)
{
	unsigned char buf[2048];
	FILE *f = fopen(path, "w");
	size_t i, j, len;

	if (!f)
		return -1;
	fprintf(f, "/* sipstat benchmark: %zu SIP responses of %d bytes, sent round robin */\n",
		CYCLE, BENCH_FRAME_LEN);
	for (i = 0; i < CYCLE; i++) {
		len = build(buf, sizeof(buf), i);
		fprintf(f, "/* %s */\n{", cycle[i].line);
		for (j = 0; j < len; j++)
			fprintf(f, "%s0x%02x", j % 16 ? ", " : (j ? ",\n  " : " "), buf[j]);
		fprintf(f, " }\n");
	}
	return fclose(f);
}

/* Classic pcap, Ethernet, one frame per microsecond. */
static int write_pcap(const char *path, long n)
{
	unsigned char frames[CYCLE][2048];
	size_t len[CYCLE], i;
	FILE *f = fopen(path, "w");
	long k;

	if (!f)
		return -1;
	for (i = 0; i < CYCLE; i++)
		len[i] = build(frames[i], sizeof(frames[i]), i);
	put32le(f, 0xa1b2c3d4);
	put16le(f, 2);
	put16le(f, 4);
	put32le(f, 0);
	put32le(f, 0);
	put32le(f, 65535);
	put32le(f, 1);		/* LINKTYPE_ETHERNET */
	for (k = 0; k < n; k++) {
		i = (size_t)k % CYCLE;
		put32le(f, 1700000000u + (uint32_t)(k / 1000000));
		put32le(f, (uint32_t)(k % 1000000));
		put32le(f, (uint32_t)len[i]);
		put32le(f, (uint32_t)len[i]);
		fwrite(frames[i], 1, len[i], f);
	}
	return fclose(f);
}

int main(int argc, char **argv)
{
	const char *tpath = NULL, *ppath = NULL;
	long n = 0;
	int opt, list = 0;
	size_t i;

	while ((opt = getopt(argc, argv, "t:p:n:lh")) != -1) {
		switch (opt) {
		case 't': tpath = optarg; break;
		case 'p': ppath = optarg; break;
		case 'n': n = number(optarg, 1, 100000000, "-n"); break;
		case 'l': list = 1; break;
		default:
			fprintf(stderr, "usage: bench_frames [-t TRAFGEN.cfg] [-p OUT.pcap -n N] [-l]\n");
			return 2;
		}
	}
	if (tpath && write_trafgen(tpath)) {
		fprintf(stderr, "bench_frames: %s: %s\n", tpath, strerror(errno));
		return 1;
	}
	if (ppath && (n < 1 || write_pcap(ppath, n))) {
		fprintf(stderr, "bench_frames: %s: %s\n", ppath, n < 1 ? "-n N needed" : strerror(errno));
		return 1;
	}
	if (list) {
		for (i = 0; i < CYCLE; i++)
			printf("%d\n", cycle[i].code);
	}
	return 0;
}

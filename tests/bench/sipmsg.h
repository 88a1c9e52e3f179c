/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SIP messages of a chosen size for the benchmarks, shared by
 * bench_prog (BPF_PROG_TEST_RUN), bench_frames (veth traffic, pcap) and
 * bench_report.  Frames themselves come from tests/frames.c.
 */
#ifndef SIPSTAT_BENCH_SIPMSG_H
#define SIPSTAT_BENCH_SIPMSG_H

#include <stdio.h>
#include <string.h>

/*
 * The typical SIP response the benchmarks use: 400 bytes on the wire
 * including the 4-byte FCS, so 396 bytes as the kernel sees it, which
 * over IPv4 without VLAN tags leaves 396 - 14 - 20 - 8 = 354 bytes of
 * SIP.  The same payload is used over IPv6 and with VLAN tags (those
 * frames are longer by their extra headers).
 */
#define BENCH_WIRE_FRAME 400
#define BENCH_FCS 4
#define BENCH_FRAME_LEN (BENCH_WIRE_FRAME - BENCH_FCS)
#define BENCH_SIP_LEN (BENCH_FRAME_LEN - 14 - 20 - 8)

/*
 * A SIP message starting with start_line ("SIP/2.0 200 OK",
 * "INVITE sip:bob@example.com SIP/2.0"), realistic headers, padded in
 * the Server header to exactly len bytes when len is larger than the
 * unpadded message.  Returns the length written, 0 if cap is too small.
 */
static inline size_t sip_message(char *buf, size_t cap, const char *start_line, size_t len)
{
	static const char head_fmt[] =
		"%s\r\n"
		"Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK776asdhds\r\n"
		"From: <sip:alice@example.com>;tag=1928301774\r\n"
		"To: <sip:bob@example.com>;tag=a6c85cf\r\n"
		"Call-ID: a84b4c76e66710@198.18.0.1\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Contact: <sip:bob@198.19.0.2:5060>\r\n"
		"Server: sipstat-bench";
	static const char tail[] = "\r\nContent-Length: 0\r\n\r\n";
	size_t n, pad = 0;
	int h;

	h = snprintf(buf, cap, head_fmt, start_line);
	if (h < 0 || (size_t)h >= cap)
		return 0;
	n = (size_t)h + sizeof(tail) - 1;
	if (len > n)
		pad = len - n;
	if (n + pad >= cap)
		return 0;
	memset(buf + h, '.', pad);
	memcpy(buf + h + pad, tail, sizeof(tail));
	return n + pad;
}

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Regression cases from the differential fuzzer (tests/fuzz/): every
 * frame on which the XDP program and the reference decoder once
 * disagreed, with the outcome the specification asks for, plus the
 * neighbours of each such frame.  For every case both sides must give
 * exactly that outcome: the reference decoder (no root) and the program
 * through BPF_PROG_TEST_RUN (root), with verdict XDP_PASS, the frame
 * untouched and the exact change of all 12 parser counters and all 700
 * code slots.
 *
 * Run as root (CAP_BPF + CAP_NET_ADMIN); otherwise the decoder half runs
 * and the program half is one "skip" line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "frames.h"
#include "fuzz/ref_decoder.h"
#include "harness.h"
#include "xdprun.h"

#define C(x) (1u << SIPSTAT_C_##x)
#define W6 (C(FRAMES) | C(IPV6))
#define W4 (C(FRAMES) | C(IPV4))

struct rcase {
	const char *name;
	const uint8_t *raw;		/* the frame as found, or NULL: built from spec */
	size_t raw_len;
	struct frame_spec spec;
	uint32_t want;			/* C(...) counters that go up by one */
	int code;			/* status code slot that goes up by one, 0: none */
};

/*
 * Found by fuzz_xdp (crash-359ca0e0...), run 1, after 561 inputs:
 * an IPv6 hop-by-hop header whose Hdr Ext Len (0x11: 144 bytes) runs
 * past the end of a 78-byte frame, Next Header 2 (not UDP).  The program
 * counted only frames + ipv6; the README says a frame that ends inside
 * the IP header is bad_header, as it already was for cut IPv4 options and
 * for the same cut with Next Header UDP.  Fixed in bpf/parse.h
 * (parse_ipv6: bound check after each extension header).
 */
static const uint8_t hbh_cut_nh2[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd,
	/* IPv6: payload length 0x32, next header 0 (hop-by-hop), hop limit 64 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x32, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2c,
	0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	/* hop-by-hop: next header 2, Hdr Ext Len 0x11 (144 bytes), 22 bytes here */
	0x02, 0x11, 0x02, 0x01, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

#define EXT(t, len) { .type = FR_EXT6_##t, .hdrlen = (len) }
#define V6 .l3 = FR_L3_IPV6
#define OK200 .sport = 5060, .dport = 5060, .payload = "SIP/2.0 200 OK\r\n\r\n", .payload_len = 18

static const struct rcase cases[] = {
	{ "ipv6 hop-by-hop (144 bytes) cut by the frame end, next header 2 -> bad_header "
	  "(fuzzer run 1, input 561)",
	  hbh_cut_nh2, sizeof(hbh_cut_nh2), { .cut_to = 0 }, W6 | C(BAD_HEADER), 0 },
	/* Neighbours of that frame. */
	{ "ipv6 destination options (24 bytes) cut after 10, next header TCP -> bad_header",
	  NULL, 0,
	  { V6, .l4 = FR_L4_TCP, .n_ext6 = 1, .ext6 = { EXT(DSTOPTS, 2) },
	    .cut_to = 14 + 40 + 10 },
	  W6 | C(BAD_HEADER), 0 },
	{ "ipv6 routing header (8 bytes) cut after 2, next header TCP -> bad_header",
	  NULL, 0,
	  { V6, .l4 = FR_L4_TCP, .n_ext6 = 1, .ext6 = { EXT(ROUTING, 0) },
	    .cut_to = 14 + 40 + 2 },
	  W6 | C(BAD_HEADER), 0 },
	{ "ipv6 hop-by-hop (24 bytes) cut after 23, next header UDP -> bad_header",
	  NULL, 0,
	  { V6, OK200, .n_ext6 = 1, .ext6 = { EXT(HOPOPTS, 2) }, .cut_to = 14 + 40 + 23 },
	  W6 | C(BAD_HEADER), 0 },
	{ "ipv6 routing header ends exactly at the frame end, next header TCP -> ipv6 only",
	  NULL, 0,
	  { V6, .l4 = FR_L4_RAW, .ip_proto = 6, .n_ext6 = 1, .ext6 = { EXT(ROUTING, 0) } },
	  W6, 0 },
	{ "ipv6 4th extension header cut, a 5th follows -> bad_header, not too_deep",
	  NULL, 0,
	  { V6, OK200, .n_ext6 = 5,
	    .ext6 = { EXT(HOPOPTS, 0), EXT(DSTOPTS, 0), EXT(ROUTING, 0), EXT(DSTOPTS, 0),
		      EXT(DSTOPTS, 0) },
	    .cut_to = 14 + 40 + 3 * 8 + 4 },
	  W6 | C(BAD_HEADER), 0 },
	{ "ipv6 4 whole extension headers, a 5th follows (cut) -> too_deep",
	  NULL, 0,
	  { V6, OK200, .n_ext6 = 5,
	    .ext6 = { EXT(HOPOPTS, 0), EXT(DSTOPTS, 0), EXT(ROUTING, 0), EXT(DSTOPTS, 0),
		      EXT(DSTOPTS, 0) },
	    .cut_to = 14 + 40 + 4 * 8 + 1 },
	  W6 | C(TOO_DEEP), 0 },
	{ "ipv6 hop-by-hop (24 bytes) whole, then UDP 200 -> response 200",
	  NULL, 0,
	  { V6, OK200, .n_ext6 = 1, .ext6 = { EXT(HOPOPTS, 2) } },
	  W6 | C(UDP_SIP) | C(RESPONSES), 200 },
	/* The IPv4 rule the IPv6 fix lines up with. */
	{ "ipv4 options (IHL 15) cut, protocol TCP -> bad_header",
	  NULL, 0,
	  { .l4 = FR_L4_TCP, .ip4_opt_len = 40, .cut_to = 14 + 30 },
	  W4 | C(BAD_HEADER), 0 },
};

static const uint16_t sip_port[] = { SIPSTAT_DEFAULT_PORT };
static const struct ref_ports ports = { .list = sip_port, .n = 1 };

/* The frame of a case into buf; its length, 0 on a bad spec. */
static size_t case_frame(const struct rcase *t, uint8_t *buf, size_t cap)
{
	if (t->raw) {
		if (t->raw_len > cap)
			return 0;
		memcpy(buf, t->raw, t->raw_len);
		return t->raw_len;
	}
	return frame_build(buf, cap, &t->spec);
}

static void outcome_string(uint32_t counters, int code, char *buf, size_t len)
{
	char c[160];

	ref_counters_string(counters, c, sizeof(c));
	snprintf(buf, len, "%s code %d", c, code);
}

/* The reference decoder says what the case says. */
static void decoder_case(const struct rcase *t)
{
	static uint8_t buf[XDPRUN_FRAME_MAX];
	struct ref_result r;
	char name[256], got[200], want[200];
	size_t len = case_frame(t, buf, sizeof(buf));
	int fails = h_failures;

	snprintf(name, sizeof(name), "decoder: %s", t->name);
	if (!CHECK(len > 0, "frame_build failed"))
		goto out;
	ref_decode(buf, len, &ports, &r);
	outcome_string(r.counters, r.code, got, sizeof(got));
	outcome_string(t->want, t->code, want, sizeof(want));
	CHECK(r.counters == t->want && r.code == t->code, "got %s, want %s", got, want);
out:
	h_result(name, h_failures == fails);
}

/* The XDP program counts what the case says, and nothing else. */
static void program_case(struct xdprun *x, const struct rcase *t)
{
	static uint8_t buf[XDPRUN_FRAME_MAX];
	static struct xdprun_counts before, after;
	struct xdprun_result res;
	char name[256];
	size_t len = case_frame(t, buf, sizeof(buf));
	int fails = h_failures, e, i;

	snprintf(name, sizeof(name), "program: %s", t->name);
	if (!CHECK(len > 0, "frame_build failed"))
		goto out;
	if (!CHECK((e = xdprun_read(x, &before)) == 0, "reading counters: %s", strerror(-e)))
		goto out;
	e = xdprun_frame(x, buf, len, &res);
	if (!CHECK(e == 0, "BPF_PROG_TEST_RUN (%zu bytes): %s", len, strerror(-e)))
		goto out;
	if (!CHECK((e = xdprun_read(x, &after)) == 0, "reading counters: %s", strerror(-e)))
		goto out;
	CHECK_EQ_U64(res.retval, XDP_PASS, "verdict");
	CHECK(res.unchanged, "frame handed back changed (%zu bytes in, %zu out)", res.in_len,
	      res.out_len);
	CHECK_EQ_U64(res.seen_len, len, "bytes the program saw");
	for (i = 0; i < SIPSTAT_C_MAX; i++) {
		char n[32];

		ref_counters_string(1u << i, n, sizeof(n));
		CHECK_EQ_U64(after.c[i] - before.c[i], (t->want >> i) & 1, "counter %s", n);
	}
	for (i = 0; i < SIPSTAT_CODE_SLOTS; i++)
		CHECK_EQ_U64(after.code[i] - before.code[i], t->code > 0 && i == t->code,
			     "sip_codes[%d]", i);
out:
	h_result(name, h_failures == fails);
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(void)
{
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	struct xdprun x;
	char err[256], name[300];
	size_t i;

	for (i = 0; i < n; i++)
		decoder_case(&cases[i]);

	if (geteuid() != 0) {
		h_skip("program: regression cases",
		       "needs root (BPF_PROG_TEST_RUN); run as root or with sudo");
		return h_exit();
	}
	libbpf_set_print(quiet_print);
	if (xdprun_open(&x, err, sizeof(err))) {
		snprintf(name, sizeof(name), "program: %s", err);
		h_result(name, false);
		return h_exit();
	}
	xdprun_set_ports(&x, false, sip_port, 1);
	for (i = 0; i < n; i++)
		program_case(&x, &cases[i]);
	xdprun_close(&x);
	return h_exit();
}

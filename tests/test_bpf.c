// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * BPF_PROG_TEST_RUN tests of the XDP program: one frame per case, and
 * for every case the verdict, the untouched frame and the exact change of
 * every slot of the counter map: at most one slot (direction, method,
 * slot) goes up by one, every other slot of every row stays put.
 *
 * Run as root (CAP_BPF + CAP_NET_ADMIN); otherwise one "skip" line.
 * -v shows libbpf's debug output.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipstat.h"
#include "../bpf/consts.h"	/* the parser's bounds, which the cases hold it to */
#include "sipstat.skel.h"
#include "batch.h"
#include "frames.h"
#include "harness.h"
#include "reader.h"

#define ETH_HLEN 14
#define FRAME_CAP 2048

static struct sipstat_bpf *skel;
static struct reader rd;
static int counts_fd;
static bool verbose;

/*
 * The program every table runs through: each entry point must count the
 * same frames the same way, in its own direction, and pass them on.
 */
struct prog {
	const char *name;
	int fd;
	bool xdp;		/* XDP (else TC, whose test run needs a whole Ethernet header) */
	__u32 dir;
	__u32 verdict;		/* XDP_PASS, or TC_ACT_UNSPEC: the next filter still runs */
};
static struct prog cur;
static int batch_fd;		/* sipstat_xdp_batch: sipstat read's program */

/*
 * What one frame must count: nothing, or one slot of one row, and up to
 * two outcomes besides in the row of no method (what carried it: an
 * encapsulation, TCP); 0 in extra means none (slot 0 is requests, never
 * an extra).
 */
struct want {
	int slot;		/* -1: nothing at all */
	int method;		/* enum sipstat_method */
	int extra[2];
};

#define NONE { -1, SIPSTAT_M_UNKNOWN, { 0, 0 } }
/* The same, carried in a tunnel or TCP (x, y: outcomes counted besides). */
#define RX(code, x) { (code), SIPSTAT_M_INVITE, { SIPSTAT_O_##x, 0 } }
#define RXY(code, x, y) { (code), SIPSTAT_M_INVITE, { SIPSTAT_O_##x, SIPSTAT_O_##y } }
#define OX(o, x) { SIPSTAT_O_##o, SIPSTAT_M_UNKNOWN, { SIPSTAT_O_##x, 0 } }
#define REQX(m, x) { SIPSTAT_O_REQUESTS, SIPSTAT_M_##m, { SIPSTAT_O_##x, 0 } }

/* A response whose CSeq names INVITE (OK200 and most tables), or none. */
#define R(code) { (code), SIPSTAT_M_INVITE, { 0, 0 } }
#define RU(code) { (code), SIPSTAT_M_UNKNOWN, { 0, 0 } }
#define RM(code, m) { (code), SIPSTAT_M_##m, { 0, 0 } }
#define O(x) { SIPSTAT_O_##x, SIPSTAT_M_UNKNOWN, { 0, 0 } }
#define REQ(m) { SIPSTAT_O_REQUESTS, SIPSTAT_M_##m, { 0, 0 } }

static const char *const outcome_names[SIPSTAT_O_MAX] = {
	[SIPSTAT_O_REQUESTS] = "requests",	[SIPSTAT_O_MALFORMED] = "malformed",
	[SIPSTAT_O_TRUNCATED] = "truncated",	[SIPSTAT_O_OTHER] = "other",
	[SIPSTAT_O_FRAGMENTS] = "fragments",	[SIPSTAT_O_BAD_HEADER] = "bad_header",
	[SIPSTAT_O_TOO_DEEP] = "too_deep",	[SIPSTAT_O_EVENTS_SENT] = "events_sent",
	[SIPSTAT_O_EVENTS_LIMITED] = "events_limited",
	[SIPSTAT_O_EVENTS_LOST] = "events_lost",
	[SIPSTAT_O_TCP_SEGMENTS] = "tcp_segments", [SIPSTAT_O_TCP_UNPARSED] = "tcp_unparsed",
	[SIPSTAT_O_ENCAP_IPIP] = "encap_ipip",	[SIPSTAT_O_ENCAP_GRE] = "encap_gre",
	[SIPSTAT_O_ENCAP_VXLAN] = "encap_vxlan", [SIPSTAT_O_ENCAP_GTPU] = "encap_gtpu",
	[SIPSTAT_O_ENCAP_PPPOE] = "encap_pppoe", [SIPSTAT_O_ENCAP_MPLS] = "encap_mpls",
	[SIPSTAT_O_PEER_OVERFLOW] = "peer_overflow",
};

static const char *const method_names[SIPSTAT_M_MAX] = {
	"unknown", "INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "PRACK",
	"UPDATE", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "INFO", "PUBLISH", "other",
};

static const char *slot_name(int slot)
{
	static char buf[16];

	if (slot >= 0 && slot < SIPSTAT_O_MAX)
		return outcome_names[slot];
	snprintf(buf, sizeof(buf), "code %d", slot);
	return buf;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * BPF_PROG_TEST_RUN refuses data shorter than an Ethernet header, so a
 * shorter frame needs the context to narrow what the program sees.
 * Newer kernels take ctx_in.data_end below data_size_in (the rest goes
 * to a fragment the program does not read); older ones take metadata
 * in front of the frame (ctx_in.data) instead.  Either way the program
 * sees exactly the short frame, and ctx_out says so.
 */
enum short_mode { SHORT_TAIL, SHORT_META };
static enum short_mode short_mode = SHORT_TAIL;

static int test_run(const void *frame, size_t len, __u8 *in, size_t *in_len,
		    __u8 *out, size_t out_cap, struct bpf_test_run_opts *opts,
		    struct xdp_md *ctx_in, struct xdp_md *ctx_out)
{
	size_t meta = 0;

	memset(ctx_in, 0, sizeof(*ctx_in));
	memset(ctx_out, 0, sizeof(*ctx_out));
	*in_len = len;
	if (len < ETH_HLEN && short_mode == SHORT_TAIL) {
		*in_len = ETH_HLEN;
		ctx_in->data_end = (__u32)len;
	} else if (len < ETH_HLEN) {
		meta = (ETH_HLEN - len + 3) & ~(size_t)3;
		*in_len = meta + len;
		ctx_in->data = (__u32)meta;
		ctx_in->data_end = (__u32)*in_len;
	}
	memset(in, 0xa5, *in_len);
	memcpy(in + meta, frame, len);
	memset(out, 0x5a, out_cap);

	opts->data_in = in;
	opts->data_size_in = (__u32)*in_len;
	opts->data_out = out;
	opts->data_size_out = (__u32)out_cap;
	opts->repeat = 1;
	opts->ctx_in = NULL;
	opts->ctx_size_in = 0;
	opts->ctx_out = NULL;
	opts->ctx_size_out = 0;
	if (len < ETH_HLEN) {
		opts->ctx_in = ctx_in;
		opts->ctx_size_in = sizeof(*ctx_in);
		opts->ctx_out = ctx_out;
		opts->ctx_size_out = sizeof(*ctx_out);
	}
	return bpf_prog_test_run_opts(cur.fd, opts);
}

static bool read_counts(uint64_t *out)
{
	int e = reader_percpu_u64(&rd, counts_fd, SIPSTAT_COUNT_KEYS, out);

	return CHECK(e == 0, "sip_counts read: %s", strerror(-e));
}

/*
 * The frame again through the batch program (sipstat read), between two
 * frames that count nothing, so that its window is moved at both ends:
 * it must count what the receive program counted (delta), slot for slot.
 * Events are rate-limited over time: sent and limited together must
 * match.  A frame shorter than an Ethernet header is its length alone.
 */
static void check_batch(const void *frame, size_t len, const uint64_t *delta)
{
	static __u8 buf[BATCH_OF_THREE_CAP(FRAME_CAP)];
	static uint64_t before[SIPSTAT_COUNT_KEYS], after[SIPSTAT_COUNT_KEYS];
	__u32 k, slot;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .repeat = 1);

	opts.data_size_in = (__u32)batch_of_three(buf, frame, len);
	if (!read_counts(before))
		return;
	if (!CHECK(bpf_prog_test_run_opts(batch_fd, &opts) == 0, "batch test run: %s",
		   strerror(errno)))
		return;
	if (!read_counts(after))
		return;
	CHECK_EQ_U64(opts.retval, 3, "batch: frames counted");
	for (k = 0; k < SIPSTAT_COUNT_KEYS; k++) {
		slot = k % SIPSTAT_ROW_SLOTS;
		if (slot == SIPSTAT_O_EVENTS_SENT)
			CHECK_EQ_U64(after[k] - before[k] + after[k + 1] - before[k + 1],
				     delta[k] + delta[k + 1], "batch: events sent or limited");
		else if (slot != SIPSTAT_O_EVENTS_LIMITED)
			CHECK_EQ_U64(after[k] - before[k], delta[k], "batch: method %u %s",
				     k / SIPSTAT_ROW_SLOTS % SIPSTAT_M_MAX, slot_name((int)slot));
	}
}

/*
 * Run one frame through the program and check everything: the verdict,
 * the frame handed back byte for byte, and every counter slot.
 */
static bool run_frame(const char *case_name, const void *frame, size_t len, struct want w)
{
	static __u8 in[FRAME_CAP + 32], out[FRAME_CAP + 64];
	static uint64_t before[SIPSTAT_COUNT_KEYS], after[SIPSTAT_COUNT_KEYS];
	struct xdp_md ctx_in, ctx_out;
	int fails = h_failures, err;
	__u32 k, want_key = w.slot < 0 ? ~0u : SIPSTAT_KEY(cur.dir, w.method, w.slot);
	__u32 event_key = ~0u;
	char name[256];
	size_t in_len;
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	snprintf(name, sizeof(name), "%s: %s", cur.name, case_name);
	/* An skb test run refuses less than an Ethernet header. */
	if (!cur.xdp && len < ETH_HLEN)
		return true;
	if (!CHECK(len > 0 && len <= FRAME_CAP, "frame length %zu", len))
		goto out;
	if (!read_counts(before))
		goto out;
	err = test_run(frame, len, in, &in_len, out, sizeof(out), &opts, &ctx_in, &ctx_out);
	if (err && errno == EINVAL && len < ETH_HLEN && short_mode == SHORT_TAIL) {
		short_mode = SHORT_META;
		err = test_run(frame, len, in, &in_len, out, sizeof(out), &opts,
			       &ctx_in, &ctx_out);
	}
	/*
	 * The skb test run refuses a frame whose IPv4 or IPv6 header is cut
	 * short (it builds a socket buffer from it); those cases run through
	 * the XDP programs only.
	 */
	if (err && errno == EINVAL && !cur.xdp && len < ETH_HLEN + 8 + 40)
		return true;
	if (!CHECK(err == 0, "bpf_prog_test_run_opts (%zu bytes): %s", len, strerror(errno)))
		goto out;
	if (!read_counts(after))
		goto out;

	CHECK_EQ_U64(opts.retval, cur.verdict, "verdict");
	if (CHECK_EQ_U64(opts.data_size_out, in_len, "output length"))
		CHECK(memcmp(out, in, in_len) == 0, "frame was modified");
	if (len < ETH_HLEN)
		CHECK_EQ_U64(ctx_out.data_end - ctx_out.data, len, "bytes the program saw");

	/* Every 6xx response also sends an event (the default event set). */
	if (w.slot >= 600 && w.slot <= SIPSTAT_CODE_MAX)
		event_key = SIPSTAT_KEY(cur.dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_EVENTS_SENT);
	for (k = 0; k < SIPSTAT_COUNT_KEYS; k++) {
		unsigned int dir = k / (SIPSTAT_M_MAX * SIPSTAT_ROW_SLOTS);
		unsigned int m = k / SIPSTAT_ROW_SLOTS % SIPSTAT_M_MAX;
		bool extra = (w.extra[0] && k == SIPSTAT_KEY(cur.dir, 0, w.extra[0])) ||
			     (w.extra[1] && k == SIPSTAT_KEY(cur.dir, 0, w.extra[1]));

		CHECK_EQ_U64(after[k] - before[k], k == want_key || k == event_key || extra,
			     "dir %u method %u %s", dir, m, slot_name((int)(k % SIPSTAT_ROW_SLOTS)));
		after[k] -= before[k];
	}
	if (cur.fd == bpf_program__fd(skel->progs.sipstat_xdp))
		check_batch(frame, len, after);
out:
	h_result(name, h_failures == fails);
	return h_failures == fails;
}

static void run_spec(const char *name, const struct frame_spec *s, struct want w)
{
	static __u8 buf[FRAME_CAP];
	size_t len = frame_build(buf, sizeof(buf), s);

	if (!CHECK(len > 0, "frame_build failed")) {
		h_result(name, false);
		return;
	}
	run_frame(name, buf, len, w);
}

#define PL(str) .payload = (str), .payload_len = sizeof(str) - 1
#define PORTS(s, d) .sport = (s), .dport = (d)
#define SIPP PORTS(5060, 5060)
#define OK200 PL("SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
#define V6 .l3 = FR_L3_IPV6
#define EXT(t) { .type = FR_EXT6_##t }

struct tcase {
	const char *name;
	struct frame_spec spec;
	struct want want;
};

static const uint8_t dns_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
};

static const struct tcase layer_cases[] = {
	/* Layers that must be walked to reach the status line. */
	{ "ipv4: response 200", { SIPP, OK200 }, R(200) },
	{ "ipv4: options IHL 6, response 200",
	  { SIPP, OK200, .ip4_opt_len = 4 }, R(200) },
	{ "ipv4: options IHL 15, response 200",
	  { SIPP, OK200, .ip4_opt_len = 40 }, R(200) },
	{ "ipv4: DF set, response 200",
	  { SIPP, OK200, .ip4_frag = FR_IP4_DF }, R(200) },
	{ "ipv6: no extension headers, response 200", { V6, SIPP, OK200 }, R(200) },
	{ "ipv6: hop-by-hop, response 200",
	  { V6, SIPP, OK200, .n_ext6 = 1, .ext6 = { EXT(HOPOPTS) } }, R(200) },
	{ "ipv6: routing header (24 bytes), response 200",
	  { V6, SIPP, OK200, .n_ext6 = 1,
	    .ext6 = { { .type = FR_EXT6_ROUTING, .hdrlen = 2 } } }, R(200) },
	{ "ipv6: destination options (16 bytes), response 200",
	  { V6, SIPP, OK200, .n_ext6 = 1,
	    .ext6 = { { .type = FR_EXT6_DSTOPTS, .hdrlen = 1 } } }, R(200) },
	{ "ipv6: first fragment (offset 0, M=1), response 200",
	  { V6, SIPP, OK200, .udp_len_set = true, .udp_len = 1800, .n_ext6 = 1,
	    .ext6 = { { .type = FR_EXT6_FRAGMENT, .more = true, .frag_id = 7 } } },
	  R(200) },
	{ "ipv6: 4 extension headers (the bound), response 200",
	  { V6, SIPP, OK200, .n_ext6 = 4,
	    .ext6 = { EXT(HOPOPTS), EXT(DSTOPTS), EXT(ROUTING), EXT(FRAGMENT) } },
	  R(200) },
	{ "ipv6: 5 extension headers -> too_deep",
	  { V6, SIPP, OK200, .n_ext6 = 5,
	    .ext6 = { EXT(HOPOPTS), EXT(DSTOPTS), EXT(ROUTING), EXT(FRAGMENT),
		      EXT(DSTOPTS) } },
	  O(TOO_DEEP) },
	{ "vlan: one 802.1Q tag, response 200",
	  { SIPP, OK200, .n_vlan = 1, .vlan_tpid = { FR_TPID_8021Q }, .vlan_id = { 100 } },
	  R(200) },
	{ "vlan: 802.1ad outer + 802.1Q inner, response 200",
	  { SIPP, OK200, .n_vlan = 2, .vlan_tpid = { FR_TPID_8021AD, FR_TPID_8021Q },
	    .vlan_id = { 10, 20 } },
	  R(200) },
	{ "vlan: 802.1ad + 802.1Q, ipv6, response 200",
	  { V6, SIPP, OK200, .n_vlan = 2,
	    .vlan_tpid = { FR_TPID_8021AD, FR_TPID_8021Q }, .vlan_id = { 10, 20 } },
	  R(200) },
	{ "vlan: three tags -> too_deep",
	  { SIPP, OK200, .n_vlan = 3,
	    .vlan_tpid = { FR_TPID_8021AD, FR_TPID_8021Q, FR_TPID_8021Q },
	    .vlan_id = { 10, 20, 30 } },
	  O(TOO_DEEP) },

	/* The payload is bounded by the UDP length and by the frame end. */
	{ "padding: \"SIP/2\" (UDP length 13) padded to 60 bytes -> truncated",
	  { SIPP, PL("SIP/2"), .pad_to = 60 }, O(TRUNCATED) },
	{ "padding: \"SIP/2.0 200\" (UDP length 19) padded to 60 bytes -> truncated",
	  { SIPP, PL("SIP/2.0 200"), .pad_to = 60 }, O(TRUNCATED) },
	{ "udp length 1200 beyond the frame, response 200 from the bytes present",
	  { SIPP, OK200, .udp_len_set = true, .udp_len = 1200 }, R(200) },
	{ "udp length beyond the frame, 11 bytes present -> truncated",
	  { SIPP, PL("SIP/2.0 200"), .udp_len_set = true, .udp_len = 1200 },
	  O(TRUNCATED) },

	/* Ports and protocols. */
	{ "udp 5060: DNS-looking payload -> other",
	  { SIPP, .payload = dns_query, .payload_len = sizeof(dns_query) },
	  O(OTHER) },
	{ "udp 5070 <-> 5070: response not counted", { PORTS(5070, 5070), OK200 }, NONE },
	{ "udp 5070 <-> 5070 ipv6: response not counted",
	  { V6, PORTS(5070, 5070), OK200 }, NONE },
	{ "udp source port 5060 only: response 200",
	  { PORTS(5060, 40000), OK200 }, R(200) },
	{ "udp destination port 5060 only: response 200",
	  { PORTS(40000, 5060), OK200 }, R(200) },
	{ "tcp 5060 with a status line: response 200 and a segment",
	  { SIPP, OK200, .l4 = FR_L4_TCP }, RX(200, TCP_SEGMENTS) },
	{ "tcp 5060 ipv6 with a status line: response 200 and a segment",
	  { V6, SIPP, OK200, .l4 = FR_L4_TCP }, RX(200, TCP_SEGMENTS) },
	{ "tcp 5060: a segment that starts no message -> tcp_unparsed",
	  { SIPP, PL("a=rtpmap:0 PCMU/8000\r\n"), .l4 = FR_L4_TCP },
	  OX(TCP_UNPARSED, TCP_SEGMENTS) },
	{ "tcp 5060: a segment that starts inside a Via header -> tcp_unparsed",
	  { SIPP, PL("SIP/2.0/TCP 198.18.0.1:5060;branch=z9hG4bK-1\r\n"), .l4 = FR_L4_TCP },
	  OX(TCP_UNPARSED, TCP_SEGMENTS) },
	{ "tcp 5060: a status line that is no valid one -> tcp_unparsed",
	  { SIPP, PL("SIP/2.0 099 Nope\r\n"), .l4 = FR_L4_TCP },
	  OX(TCP_UNPARSED, TCP_SEGMENTS) },
	{ "tcp 5060: a request -> requests of INVITE and a segment",
	  { SIPP, PL("INVITE sip:b@x SIP/2.0\r\n"), .l4 = FR_L4_TCP },
	  REQX(INVITE, TCP_SEGMENTS) },
	{ "tcp 5060: no payload (an ACK): nothing",
	  { SIPP, .l4 = FR_L4_TCP }, NONE },
	{ "tcp 5060: 12 bytes of options, response 200",
	  { SIPP, PL("\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
		     "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n"), .l4 = FR_L4_TCP, .tcp_doff = 8 },
	  RX(200, TCP_SEGMENTS) },
	{ "tcp 5060: data offset 4 -> bad_header",
	  { SIPP, OK200, .l4 = FR_L4_TCP, .tcp_doff = 4 }, O(BAD_HEADER) },
	{ "tcp 5060: data offset past the ip packet -> bad_header",
	  { SIPP, PL("SIP/"), .l4 = FR_L4_TCP, .tcp_doff = 15, .pad_to = 120 }, O(BAD_HEADER) },
	{ "tcp 5070 <-> 5070 with a status line: nothing",
	  { PORTS(5070, 5070), OK200, .l4 = FR_L4_TCP }, NONE },
	{ "tcp 5060 behind two vlan tags, response 200",
	  { SIPP, OK200, .l4 = FR_L4_TCP, .n_vlan = 2 }, RX(200, TCP_SEGMENTS) },
	{ "arp: frames only", { .l3 = FR_L3_ARP, .pad_to = 60 }, NONE },
	{ "raw ethertype 0x88b5 with a status line: frames only",
	  { .l3 = FR_L3_RAW, .ethertype = 0x88b5, OK200 }, NONE },

	/* Frames cut short or inconsistent inside the headers. */
	{ "ethernet cut to 10 bytes -> bad_header",
	  { .l3 = FR_L3_ARP, .cut_to = 10 }, O(BAD_HEADER) },
	{ "vlan tag cut after 16 bytes -> bad_header",
	  { SIPP, OK200, .n_vlan = 1, .cut_to = 16 }, O(BAD_HEADER) },
	{ "ipv4: ethernet header only -> bad_header",
	  { SIPP, OK200, .cut_to = 14 }, O(BAD_HEADER) },
	{ "ipv4: cut inside the header -> bad_header",
	  { SIPP, OK200, .cut_to = 14 + 12 }, O(BAD_HEADER) },
	{ "ipv4: cut inside the options (IHL 15) -> bad_header",
	  { SIPP, OK200, .ip4_opt_len = 40, .cut_to = 14 + 40 }, O(BAD_HEADER) },
	{ "ipv4: IHL 4 -> bad_header",
	  { SIPP, OK200, .ip4_ihl = 4 }, O(BAD_HEADER) },
	{ "ipv4: IHL 0 -> bad_header",
	  { SIPP, OK200, .ip4_ihl = 0x10 }, O(BAD_HEADER) },
	{ "ipv4: cut inside the udp header -> bad_header",
	  { SIPP, OK200, .cut_to = 14 + 20 + 4 }, O(BAD_HEADER) },
	{ "ipv4: udp length 7 on 5060 -> bad_header",
	  { SIPP, OK200, .udp_len_set = true, .udp_len = 7 }, O(BAD_HEADER) },
	{ "ipv6: cut inside the header -> bad_header",
	  { V6, SIPP, OK200, .cut_to = 14 + 30 }, O(BAD_HEADER) },
	{ "ipv6: cut inside a hop-by-hop header -> bad_header",
	  { V6, SIPP, OK200, .n_ext6 = 1, .ext6 = { EXT(HOPOPTS) }, .cut_to = 14 + 40 + 1 },
	  O(BAD_HEADER) },
	{ "ipv6: cut inside the udp header -> bad_header",
	  { V6, SIPP, OK200, .cut_to = 14 + 40 + 6 }, O(BAD_HEADER) },

	/* Fragments. */
	{ "ipv4: later fragment (offset 185) with a status line -> fragments",
	  { SIPP, OK200, .l4 = FR_L4_RAW, .ip4_frag = FR_IP4_OFF(185) },
	  O(FRAGMENTS) },
	{ "ipv4: later fragment (offset 1, MF) -> fragments",
	  { SIPP, OK200, .l4 = FR_L4_RAW, .ip4_frag = FR_IP4_MF | FR_IP4_OFF(1) },
	  O(FRAGMENTS) },
	{ "ipv4: later fragment of tcp -> not a udp fragment",
	  { SIPP, OK200, .l4 = FR_L4_RAW, .ip_proto = 6, .ip4_frag = FR_IP4_OFF(185) },
	  NONE },
	{ "ipv4: first fragment (MF, offset 0), response 200",
	  { SIPP, OK200, .ip4_frag = FR_IP4_MF, .udp_len_set = true, .udp_len = 1800 },
	  R(200) },
	{ "ipv6: later fragment (offset 185) with a status line -> fragments",
	  { V6, SIPP, OK200, .l4 = FR_L4_RAW, .n_ext6 = 1,
	    .ext6 = { { .type = FR_EXT6_FRAGMENT, .frag_off = 185, .frag_id = 7 } } },
	  O(FRAGMENTS) },
	{ "ipv6: later fragment (offset 1, M=1) after hop-by-hop -> fragments",
	  { V6, SIPP, OK200, .l4 = FR_L4_RAW, .n_ext6 = 2,
	    .ext6 = { EXT(HOPOPTS),
		      { .type = FR_EXT6_FRAGMENT, .frag_off = 1, .more = true } } },
	  O(FRAGMENTS) },
	/* The IP packet's own length bounds the payload (RFC 791, RFC 8200). */
	{ "ipv4: udp length past the ip total length, status line after the packet -> other",
	  { SIPP, OK200, .ip_len_set = true, .ip_len = 20 + 8 }, O(OTHER) },
	{ "ipv6: udp length past the payload length, status line after the packet -> other",
	  { V6, SIPP, OK200, .ip_len_set = true, .ip_len = 8 }, O(OTHER) },
	{ "ipv4: ip total length ends inside the status line -> truncated",
	  { SIPP, OK200, .ip_len_set = true, .ip_len = 20 + 8 + 7 }, O(TRUNCATED) },
	{ "ipv6: payload length ends inside the status line -> truncated",
	  { V6, SIPP, OK200, .ip_len_set = true, .ip_len = 8 + 11 }, O(TRUNCATED) },
	{ "ipv4: ip total length ends right after the status line, response 200",
	  { SIPP, OK200, .ip_len_set = true, .ip_len = 20 + 8 + 12 }, RU(200) },
	{ "ipv4: ip total length beyond the frame, response 200 from the bytes present",
	  { SIPP, OK200, .ip_len_set = true, .ip_len = 1400 }, R(200) },
	{ "ipv4: ip total length ends inside the udp header -> bad_header",
	  { SIPP, OK200, .ip_len_set = true, .ip_len = 20 + 4 }, O(BAD_HEADER) },
	{ "ipv4: ip total length below the header length -> bad_header",
	  { SIPP, OK200, .ip_len_set = true, .ip_len = 16 }, O(BAD_HEADER) },
	{ "ipv4: ip total length below the header length, options -> bad_header",
	  { SIPP, OK200, .ip4_opt_len = 8, .ip_len_set = true, .ip_len = 24 }, O(BAD_HEADER) },
	{ "ipv4: ip total length below the header length off the sip ports: nothing",
	  { PORTS(5070, 5070), OK200, .ip_len_set = true, .ip_len = 16 }, NONE },
	{ "ipv4: options, udp length past the ip total length -> other",
	  { SIPP, OK200, .ip4_opt_len = 8, .ip_len_set = true, .ip_len = 28 + 8 }, O(OTHER) },
	{ "ipv4: 20-byte frame tail after a full status line is not needed, response 200",
	  { SIPP, PL("SIP/2.0 200 ") }, RU(200) },
	{ "vlan: one tag, udp length past the ip total length -> other",
	  { SIPP, OK200, .n_vlan = 1, .ip_len_set = true, .ip_len = 28 }, O(OTHER) },
	{ "ipv6: payload length 0 on udp -> bad_header",
	  { V6, SIPP, OK200, .ip_len_set = true, .ip_len = 0 }, O(BAD_HEADER) },
	{ "ipv4: ip length bound off the sip ports: nothing",
	  { PORTS(5070, 5070), OK200, .ip_len_set = true, .ip_len = 20 + 4 }, NONE },
	{ "ipv4: empty datagram padded to 60 bytes -> other",
	  { SIPP, PL(""), .pad_to = 60 }, O(OTHER) },
};

static void test_layers(void)
{
	size_t i;

	for (i = 0; i < sizeof(layer_cases) / sizeof(layer_cases[0]); i++)
		run_spec(layer_cases[i].name, &layer_cases[i].spec, layer_cases[i].want);
}

static const int codes[] = {
	100, 180, 181, 182, 183, 200, 202, 302, 380, 400, 401, 403, 404, 405,
	406, 407, 408, 415, 480, 481, 486, 487, 488, 500, 503, 504, 600, 603,
	604, 606, 608,
	/* edges of each class */
	199, 299, 399, 499, 599, 699,
};

static void test_codes(void)
{
	struct frame_spec s;
	char payload[128], name[96];
	size_t i;
	int v6;

	for (v6 = 0; v6 <= 1; v6++) {
		for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
			struct want w = R(codes[i]);

			frame_spec_init(&s);
			s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
			s.payload = payload;
			s.payload_len = (size_t)snprintf(payload, sizeof(payload),
				"SIP/2.0 %d Reason\r\nCSeq: 1 INVITE\r\n\r\n", codes[i]);
			snprintf(name, sizeof(name), "%s: response %d",
				 v6 ? "ipv6" : "ipv4", codes[i]);
			run_spec(name, &s, w);
		}
	}
}

/* A payload on 5060 over IPv4 and the one slot expected. */
struct pcase {
	const char *payload;
	struct want want;
};

static void run_payloads(const char *prefix, const struct pcase *t, size_t n)
{
	struct frame_spec s;
	char name[192];
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		char shown[64];

		/* Name the case by its payload, control bytes escaped. */
		for (j = k = 0; t[i].payload[j] && k + 5 < sizeof(shown); j++) {
			unsigned char ch = t[i].payload[j];

			if (ch == '\r')
				k += (size_t)snprintf(shown + k, sizeof(shown) - k, "\\r");
			else if (ch == '\n')
				k += (size_t)snprintf(shown + k, sizeof(shown) - k, "\\n");
			else if (ch == '\t')
				k += (size_t)snprintf(shown + k, sizeof(shown) - k, "\\t");
			else
				shown[k++] = (char)ch;
		}
		shown[k] = 0;
		snprintf(name, sizeof(name), "%s: \"%s\" -> %s%s%s", prefix, shown,
			 slot_name(t[i].want.slot),
			 t[i].want.slot == SIPSTAT_O_REQUESTS ? " of " : "",
			 t[i].want.slot == SIPSTAT_O_REQUESTS ? method_names[t[i].want.method] : "");
		frame_spec_init(&s);
		s.payload = t[i].payload;
		s.payload_len = strlen(t[i].payload);
		run_spec(name, &s, t[i].want);
	}
}

static const struct pcase malformed_cases[] = {
	{ "SIP/2.0 099 x\r\n", O(MALFORMED) },
	{ "SIP/2.0 000 x\r\n", O(MALFORMED) },
	{ "SIP/2.0 700 x\r\n", O(MALFORMED) },
	{ "SIP/2.0 999 x\r\n", O(MALFORMED) },
	{ "SIP/2.0 2x0 x\r\n", O(MALFORMED) },
	{ "SIP/2.0 20x x\r\n", O(MALFORMED) },
	{ "SIP/2.0 1000 x\r\n", O(MALFORMED) },
	{ "sip/2.0 200 OK\r\n", O(MALFORMED) },
	{ "Sip/2.0 200 OK\r\n", O(MALFORMED) },
	{ "SIP/2.1 200 OK\r\n", O(MALFORMED) },
	{ "SIP/3.0 200 OK\r\n", O(MALFORMED) },
	{ "SIP/2.0200 OK\r\n", O(MALFORMED) },
	{ "SIP/2.0 200OK\r\n", O(MALFORMED) },
	{ "SIP/2.0  200 OK\r\n", O(MALFORMED) },
	/* RFC 3261 7.2: SP after the code; Wireshark and Kamailio agree. */
	{ "SIP/2.0 200\r\n", O(MALFORMED) },
	{ "SIP/2.0 200\tOK\r\n", O(MALFORMED) },
	/* shorter than a status line */
	{ "SIP/2.0 7", O(MALFORMED) },
	{ "SIP/2.0 0", O(MALFORMED) },
	{ "SIP/2.0 2x", O(MALFORMED) },
	{ "SIP/2.1", O(MALFORMED) },
	{ "sip/2.0 2", O(MALFORMED) },
	{ "SIP/2.0 2", O(TRUNCATED) },
	{ "\r\n\r\n", O(OTHER) },
	{ "\r\n", O(OTHER) },
	{ "SIPS", O(OTHER) },
};

/* The start-line grammar of RFC 3261 7.1, 7.2, 7.5 and 25.1. */
static const struct pcase grammar_cases[] = {
	/* An empty reason phrase is allowed (Reason-Phrase = *(...)). */
	{ "SIP/2.0 200 \r\nCSeq: 1 INVITE\r\n\r\n", R(200) },
	/* A status line with no line end in the datagram still counts. */
	{ "SIP/2.0 183 Session Progress", RU(183) },
	{ "SIP/2.0 486 ", RU(486) },
	/* 7.5: CRLF before the start line is skipped on stream transports
	 * only; over UDP it is not a SIP message (Wireshark agrees). */
	{ "\r\nSIP/2.0 200 OK\r\n\r\n", O(OTHER) },
	{ " SIP/2.0 200 OK\r\n\r\n", O(OTHER) },
};

static const struct pcase request_cases[] = {
	{ "INVITE sip:bob@example.com SIP/2.0\r\n", REQ(INVITE) },
	{ "ACK sip:bob@example.com SIP/2.0\r\n", REQ(ACK) },
	{ "BYE sip:bob@example.com SIP/2.0\r\n", REQ(BYE) },
	{ "CANCEL sip:bob@example.com SIP/2.0\r\n", REQ(CANCEL) },
	{ "REGISTER sip:example.com SIP/2.0\r\n", REQ(REGISTER) },
	{ "OPTIONS sip:bob@example.com SIP/2.0\r\n", REQ(OPTIONS) },
	{ "PRACK sip:bob@example.com SIP/2.0\r\n", REQ(PRACK) },
	{ "UPDATE sip:bob@example.com SIP/2.0\r\n", REQ(UPDATE) },
	{ "SUBSCRIBE sip:bob@example.com SIP/2.0\r\n", REQ(SUBSCRIBE) },
	{ "NOTIFY sip:bob@example.com SIP/2.0\r\n", REQ(NOTIFY) },
	{ "REFER sip:bob@example.com SIP/2.0\r\n", REQ(REFER) },
	{ "MESSAGE sip:bob@example.com SIP/2.0\r\n", REQ(MESSAGE) },
	{ "INFO sip:bob@example.com SIP/2.0\r\n", REQ(INFO) },
	{ "PUBLISH sip:bob@example.com SIP/2.0\r\n", REQ(PUBLISH) },
	{ "INVITE sips:bob@example.com SIP/2.0\r\n", REQ(INVITE) },
	{ "INVITE tel:+15550100 SIP/2.0\r\n", REQ(INVITE) },
	/* Extension methods (RFC 3261 25.1: any token), then SP and a scheme. */
	{ "FOO sip:x SIP/2.0\r\n", REQ(OTHER) },
	{ "X-CUSTOM sips:x@example.com SIP/2.0\r\n", REQ(OTHER) },
	{ "FOO tel:+15550100 SIP/2.0\r\n", REQ(OTHER) },
	{ "FOO urn:service:sos SIP/2.0\r\n", REQ(OTHER) },
	{ "FOO SIP:x@example.com SIP/2.0\r\n", REQ(OTHER) },
	{ "FOO SIPS:x@example.com SIP/2.0\r\n", REQ(OTHER) },
	{ "SUx sipS:x@example.com SIP/2.0\r\n", REQ(OTHER) },
	/* The scheme may end the payload: the rule needs nothing after it. */
	{ "ABCDEFG sip:", REQ(OTHER) },
	{ "ABCDEF sips:", REQ(OTHER) },
	{ "invite sip:bob@example.com SIP/2.0\r\n", REQ(OTHER) },
	{ "REGISTERED sip:example.com SIP/2.0\r\n", REQ(OTHER) },
	{ "ABCDEFGHIJ sip:x SIP/2.0\r\n", REQ(OTHER) },
	/* Not a request line. */
	{ "ABCDEFGHIJK sip:x SIP/2.0\r\n", O(OTHER) },
	{ "INVITEsip:bob@example.com SIP/2.0\r\n", O(OTHER) },
	{ "FOO bar SIP/2.0\r\n", O(OTHER) },
	{ "FOO sipx:bob SIP/2.0\r\n", O(OTHER) },
	{ "FOO sips@bob SIP/2.0\r\n", O(OTHER) },
	{ "FO(O sip:x SIP/2.0\r\n", O(OTHER) },
	{ "1FOO sip:x SIP/2.0\r\n", O(OTHER) },
	{ "GET / HTTP/1.1\r\nHost: x\r\n\r\n", O(OTHER) },
	{ "FOO sip:", O(OTHER) },
};

/* The CSeq header of a response names the method of its row (RFC 3261 20.16). */
static const struct pcase cseq_cases[] = {
	{ "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n", RM(200, INVITE) },
	{ "SIP/2.0 200 OK\r\nCSeq: 2 ACK\r\n\r\n", RM(200, ACK) },
	{ "SIP/2.0 200 OK\r\nCSeq: 3 BYE\r\n\r\n", RM(200, BYE) },
	{ "SIP/2.0 200 OK\r\nCSeq: 4 CANCEL\r\n\r\n", RM(200, CANCEL) },
	{ "SIP/2.0 401 Unauthorized\r\nCSeq: 5 REGISTER\r\n\r\n", RM(401, REGISTER) },
	{ "SIP/2.0 200 OK\r\nCSeq: 6 OPTIONS\r\n\r\n", RM(200, OPTIONS) },
	{ "SIP/2.0 200 OK\r\nCSeq: 7 PRACK\r\n\r\n", RM(200, PRACK) },
	{ "SIP/2.0 200 OK\r\nCSeq: 8 UPDATE\r\n\r\n", RM(200, UPDATE) },
	{ "SIP/2.0 202 Accepted\r\nCSeq: 9 SUBSCRIBE\r\n\r\n", RM(202, SUBSCRIBE) },
	{ "SIP/2.0 200 OK\r\nCSeq: 10 NOTIFY\r\n\r\n", RM(200, NOTIFY) },
	{ "SIP/2.0 202 Accepted\r\nCSeq: 11 REFER\r\n\r\n", RM(202, REFER) },
	{ "SIP/2.0 200 OK\r\nCSeq: 12 MESSAGE\r\n\r\n", RM(200, MESSAGE) },
	{ "SIP/2.0 200 OK\r\nCSeq: 13 INFO\r\n\r\n", RM(200, INFO) },
	{ "SIP/2.0 200 OK\r\nCSeq: 14 PUBLISH\r\n\r\n", RM(200, PUBLISH) },
	{ "SIP/2.0 200 OK\r\nCSeq: 15 FOO\r\n\r\n", RM(200, OTHER) },
	{ "SIP/2.0 200 OK\r\nCSeq: 16 INVITEX\r\n\r\n", RM(200, OTHER) },
	/* Letter case of the name, whitespace around the colon, no space after it. */
	{ "SIP/2.0 486 Busy\r\ncseq: 1 INVITE\r\n\r\n", RM(486, INVITE) },
	{ "SIP/2.0 486 Busy\r\nCSEQ: 1 INVITE\r\n\r\n", RM(486, INVITE) },
	{ "SIP/2.0 486 Busy\r\ncSeQ: 1 INVITE\r\n\r\n", RM(486, INVITE) },
	{ "SIP/2.0 486 Busy\r\nCSeq : 1 INVITE\r\n\r\n", RM(486, INVITE) },
	{ "SIP/2.0 486 Busy\r\nCSeq\t:\t1\tINVITE\r\n\r\n", RM(486, INVITE) },
	{ "SIP/2.0 486 Busy\r\nCSeq:1 INVITE\r\n\r\n", RM(486, INVITE) },
	{ "SIP/2.0 486 Busy\r\nCSeq: 4294967295 INVITE\r\n\r\n", RM(486, INVITE) },
	{ "SIP/2.0 486 Busy\nCSeq: 1 INVITE\n\n", RM(486, INVITE) },
	/* Position: sixth of a proxy's headers, last with no blank line, at the end. */
	{ "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK-1\r\n"
	  "Via: SIP/2.0/UDP 198.18.0.9:5060;branch=z9hG4bK-2\r\nFrom: <sip:a@x>;tag=1\r\n"
	  "To: <sip:b@x>;tag=2\r\nCall-ID: abc@198.18.0.1\r\nCSeq: 101 INVITE\r\n"
	  "Contact: <sip:b@198.18.0.2>\r\nContent-Length: 0\r\n\r\n", RM(180, INVITE) },
	{ "SIP/2.0 200 OK\r\nCall-ID: a\r\nCSeq: 2 BYE\r\n", RM(200, BYE) },
	{ "SIP/2.0 200 OK\r\nCall-ID: a\r\nCSeq: 2 BYE", RM(200, BYE) },
	{ "SIP/2.0 200 OK\r\nCall-ID: a\r\nCSeq: 2 ACK", RM(200, ACK) },
	{ "SIP/2.0 200 OK\r\nl: 0\r\ni: x\r\nCSeq: 3 BYE\r\n\r\n", RM(200, BYE) },
	/* Not a CSeq, or not one that can be read: unknown, still counted by code. */
	{ "SIP/2.0 200 OK\r\nCall-ID: a\r\n\r\n", RU(200) },
	{ "SIP/2.0 200 OK\r\nX-CSeq: 1 INVITE\r\n\r\n", RU(200) },
	{ "SIP/2.0 200 OK\r\nSubject: cseq: 1 INVITE\r\n\r\n", RU(200) },
	{ "SIP/2.0 200 OK\r\nCSeqX: 1 INVITE\r\n\r\n", RU(200) },
	{ "SIP/2.0 200 OK\r\n CSeq: 1 INVITE\r\n\r\n", RU(200) },
	{ "SIP/2.0 200 OK\r\nCSeq: INVITE\r\n\r\n", RU(200) },
	{ "SIP/2.0 200 OK\r\nCSeq: 1INVITE\r\n\r\n", RU(200) },
	{ "SIP/2.0 200 OK\r\nCSeq 1 INVITE\r\n\r\n", RU(200) },
	{ "SIP/2.0 200 OK\r\nCSeq: 1 \r\n\r\n", RU(200) },
	{ "SIP/2.0 200 OK\r\nCSeq:     1 INVITE\r\n\r\n", RU(200) },
	/* The headers end at the blank line: a CSeq in the body is not the response's. */
	{ "SIP/2.0 200 OK\r\nContent-Type: message/sipfrag\r\n\r\nCSeq: 1 INVITE\r\n",
	  RU(200) },
};

static void test_cseq(void)
{
	static const char tail[] = "\r\nCSeq: 9 BYE\r\n\r\n";
	static char big[1400];
	struct frame_spec s;
	size_t n;

	run_payloads("cseq", cseq_cases, sizeof(cseq_cases) / sizeof(cseq_cases[0]));

	/* Just inside and just beyond the bound of the search. */
	frame_spec_init(&s);
	n = (size_t)snprintf(big, sizeof(big), "SIP/2.0 503 Service Unavailable\r\nX-Pad: ");
	memset(big + n, 'a', sizeof(big) - n);
	n = SIPSTAT_CSEQ_SCAN - (sizeof(tail) - 1);	/* the blank line ends at the bound */
	memcpy(big + n, tail, sizeof(tail) - 1);
	s.payload = big;
	s.payload_len = n + sizeof(tail) - 1;
	run_spec("cseq: ends at the 1024-byte bound -> BYE", &s, (struct want)RM(503, BYE));
	memset(big + 40, 'a', SIPSTAT_CSEQ_SCAN - 40);
	n = SIPSTAT_CSEQ_SCAN - 6;	/* "CSeq" starts 4 bytes before the bound */
	memcpy(big + n, tail, sizeof(tail) - 1);
	s.payload_len = n + sizeof(tail) - 1;
	run_spec("cseq: beyond the 1024-byte bound -> unknown", &s, (struct want)RU(503));
}

static void test_malformed(void)
{
	run_payloads("status", malformed_cases,
		     sizeof(malformed_cases) / sizeof(malformed_cases[0]));
}

static void test_grammar(void)
{
	run_payloads("grammar", grammar_cases, sizeof(grammar_cases) / sizeof(grammar_cases[0]));
}

static void test_requests(void)
{
	run_payloads("request", request_cases,
		     sizeof(request_cases) / sizeof(request_cases[0]));
}

/* Every prefix of a status line, over both families. */
static void test_truncation(void)
{
	static const char line[] = "SIP/2.0 200 OK\r\n";
	struct frame_spec s;
	char name[96];
	size_t n;
	int v6;

	for (v6 = 0; v6 <= 1; v6++) {
		for (n = 0; n <= SIPSTAT_STATUS_PREFIX_LEN; n++) {
			struct want w = O(TRUNCATED);

			frame_spec_init(&s);
			s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
			s.payload = line;
			s.payload_len = n;
			if (n == 0)
				w = (struct want)O(OTHER);
			else if (n == SIPSTAT_STATUS_PREFIX_LEN)
				w = (struct want)RU(200);
			snprintf(name, sizeof(name), "%s: status line cut to %zu bytes -> %s",
				 v6 ? "ipv6" : "ipv4", n, slot_name(w.slot));
			run_spec(name, &s, w);
		}
	}
}

static void set_port(uint16_t port, bool on)
{
	__u64 bit = 1ULL << (port % 64);
	__u64 *w = skel->data_sip_ports->sip_ports.w;

	if (on)
		w[port / 64] |= bit;
	else
		w[port / 64] &= ~bit;
}

/* Rewrite the port set through its mmap'ed map while loaded. */
static void test_port_set(void)
{
	static struct sipstat_ports saved;
	struct frame_spec s;

	saved = skel->data_sip_ports->sip_ports;

	set_port(5060, false);
	set_port(5062, true);
	set_port(15060, true);

	frame_spec_init(&s);
	s.payload = "SIP/2.0 486 Busy Here\r\n\r\n";
	s.payload_len = strlen(s.payload);

	s.sport = s.dport = 5062;
	run_spec("ports {5062,15060}: 5062 <-> 5062 counted", &s, (struct want)RU(486));
	s.sport = 40000;
	s.dport = 15060;
	run_spec("ports {5062,15060}: 40000 -> 15060 counted", &s, (struct want)RU(486));
	s.sport = 15060;
	s.dport = 40000;
	s.l3 = FR_L3_IPV6;
	run_spec("ports {5062,15060}: ipv6 15060 -> 40000 counted", &s, (struct want)RU(486));
	s.l3 = FR_L3_IPV4;
	s.sport = s.dport = 5060;
	run_spec("ports {5062,15060}: 5060 <-> 5060 not counted", &s, (struct want)NONE);

	skel->data_sip_ports->sip_ports = saved;
	run_spec("ports restored: 5060 <-> 5060 counted", &s, (struct want)RU(486));
	s.sport = s.dport = 5062;
	run_spec("ports restored: 5062 <-> 5062 not counted", &s, (struct want)NONE);
}

/*
 * A frame larger than a page goes to an xdp.frags program as several
 * buffers; the headers and the status line are in the first, which is
 * all the program reads.
 */
static void test_jumbo_frags(void)
{
	static __u8 frame[9000], out[9000];
	static char payload[8900];
	static uint64_t before[SIPSTAT_COUNT_KEYS], after[SIPSTAT_COUNT_KEYS];
	const int fails = h_failures;
	struct frame_spec s;
	size_t len, n;
	int err;
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	n = (size_t)snprintf(payload, sizeof(payload),
			     "SIP/2.0 183 Session Progress\r\nCSeq: 1 INVITE\r\n"
			     "Content-Type: application/sdp\r\nContent-Length: 8000\r\n\r\n");
	memset(payload + n, 'a', 8000);
	frame_spec_init(&s);
	s.payload = payload;
	s.payload_len = n + 8000;
	len = frame_build(frame, sizeof(frame), &s);
	if (!CHECK(len > 8000, "frame_build") || !read_counts(before))
		goto out;
	opts.data_in = frame;
	opts.data_size_in = (__u32)len;
	opts.data_out = out;
	opts.data_size_out = sizeof(out);
	err = bpf_prog_test_run_opts(cur.fd, &opts);
	if (!CHECK(err == 0, "test run of a %zu-byte frame: %s", len, strerror(errno)))
		goto out;
	if (!read_counts(after))
		goto out;
	CHECK_EQ_U64(opts.retval, XDP_PASS, "verdict");
	if (CHECK_EQ_U64(opts.data_size_out, len, "output length"))
		CHECK(memcmp(out, frame, len) == 0, "frame was modified");
	CHECK_EQ_U64(after[SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_INVITE, 183)] -
		     before[SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_INVITE, 183)], 1, "code 183");
out:
	h_result("xdp.frags: 9000-byte frame in several buffers, response 183",
		 h_failures == fails);
}

/*
 * Frames in a tunnel, built by composition: the inner packet (or frame)
 * from frame_build, carried as the raw payload of the outer one.
 */
#define INNER_OK200 "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n"

/* The inner IP packet (no Ethernet header) of a SIP 200 on UDP 5060, into buf. */
static size_t inner_ip(__u8 *buf, size_t cap, bool v6, uint16_t dport)
{
	__u8 frame[FRAME_CAP];
	struct frame_spec s;
	size_t n;

	frame_spec_init(&s);
	s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
	s.sport = s.dport = dport;
	s.payload = INNER_OK200;
	s.payload_len = strlen(INNER_OK200);
	n = frame_build(frame, sizeof(frame), &s);
	if (n <= 14 || n - 14 > cap)
		return 0;
	memcpy(buf, frame + 14, n - 14);
	return n - 14;
}

/* The whole inner Ethernet frame, with n_vlan tags. */
static size_t inner_eth(__u8 *buf, size_t cap, int n_vlan)
{
	struct frame_spec s;

	frame_spec_init(&s);
	s.n_vlan = n_vlan;
	s.payload = INNER_OK200;
	s.payload_len = strlen(INNER_OK200);
	return frame_build(buf, cap, &s);
}

/* Outer header bytes, then the inner bytes, as one raw payload. */
static size_t join(__u8 *out, const void *hdr, size_t hlen, const __u8 *in, size_t ilen)
{
	if (hlen)
		memcpy(out, hdr, hlen);
	if (ilen)
		memcpy(out + hlen, in, ilen);
	return hlen + ilen;
}

struct tunnel_case {
	const char *name;
	struct frame_spec outer;	/* payload set by the test */
	const __u8 *hdr;		/* tunnel header in front of the inner bytes */
	size_t hlen;
	int inner;			/* 4, 6: an IP packet; 'e': an Ethernet frame */
	int inner_vlans;
	uint16_t inner_dport;		/* 0: 5060 */
	struct want want;
};

static const __u8 gre_ip4[] = { 0x00, 0x00, 0x08, 0x00 };
static const __u8 gre_ip6[] = { 0x00, 0x00, 0x86, 0xdd };
static const __u8 gre_cks[] = { 0xb0, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 7 };
static const __u8 gre_teb[] = { 0x20, 0x00, 0x65, 0x58, 0, 0, 0, 9 };
static const __u8 gre_v1[] = { 0x00, 0x01, 0x08, 0x00 };
static const __u8 vxlan[] = { 0x08, 0, 0, 0, 0, 0, 0x2a, 0 };
static const __u8 vxlan_noi[] = { 0x00, 0, 0, 0, 0, 0, 0x2a, 0 };
static const __u8 gtpu[] = { 0x30, 0xff, 0x00, 0x40, 0, 0, 0, 1 };
static const __u8 gtpu_seq[] = { 0x32, 0xff, 0x00, 0x44, 0, 0, 0, 1, 0, 5, 0, 0 };
/* E flag, next type 0x85 (PDU session container): one 4-byte extension, then none. */
static const __u8 gtpu_ext[] = { 0x34, 0xff, 0x00, 0x48, 0, 0, 0, 1, 0, 0, 0, 0x85,
				 1, 0x10, 0x09, 0 };
static const __u8 gtpu_echo[] = { 0x30, 0x01, 0x00, 0x40, 0, 0, 0, 1 };
static const __u8 pppoe_ip4[] = { 0x11, 0x00, 0x12, 0x34, 0x00, 0x40, 0x00, 0x21 };
static const __u8 pppoe_ip6[] = { 0x11, 0x00, 0x12, 0x34, 0x00, 0x40, 0x00, 0x57 };
static const __u8 pppoe_lcp[] = { 0x11, 0x00, 0x12, 0x34, 0x00, 0x40, 0xc0, 0x21 };
static const __u8 mpls1[] = { 0x00, 0x01, 0x01, 0x40 };
static const __u8 mpls3[] = { 0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x00, 0x40, 0x00, 0x03, 0x01, 0x40 };
static const __u8 mpls5[] = { 0, 1, 0, 64, 0, 2, 0, 64, 0, 3, 0, 64, 0, 4, 0, 64, 0, 5, 1, 64 };

#define IPPROTO(p) .l4 = FR_L4_RAW, .ip_proto = (p)
#define ETYPE(t) .l3 = FR_L3_RAW, .ethertype = (t)
#define HDR(h) .hdr = (h), .hlen = sizeof(h)

static const struct tunnel_case tunnel_cases[] = {
	{ "ipip: ipv4 in ipv4, response 200", { IPPROTO(4) }, NULL, 0, 4, 0, 0,
	  RX(200, ENCAP_IPIP) },
	{ "ipip: ipv6 in ipv4, response 200", { IPPROTO(41) }, NULL, 0, 6, 0, 0,
	  RX(200, ENCAP_IPIP) },
	{ "ipip: ipv4 in ipv6, response 200", { V6, IPPROTO(4) }, NULL, 0, 4, 0, 0,
	  RX(200, ENCAP_IPIP) },
	{ "ipip: ipv6 in ipv6 behind a vlan tag, response 200",
	  { V6, IPPROTO(41), .n_vlan = 1 }, NULL, 0, 6, 0, 0, RX(200, ENCAP_IPIP) },
	{ "ipip: inner udp off the sip ports: nothing", { IPPROTO(4) }, NULL, 0, 4, 0, 5070,
	  NONE },
	{ "gre: ipv4 inside, response 200", { IPPROTO(47) }, HDR(gre_ip4), 4, 0, 0,
	  RX(200, ENCAP_GRE) },
	{ "gre: ipv6 inside, response 200", { IPPROTO(47) }, HDR(gre_ip6), 6, 0, 0,
	  RX(200, ENCAP_GRE) },
	{ "gre: checksum, key and sequence, response 200", { IPPROTO(47) }, HDR(gre_cks), 4, 0,
	  0, RX(200, ENCAP_GRE) },
	{ "gre: ethernet inside (key), response 200", { IPPROTO(47) }, HDR(gre_teb), 'e', 0, 0,
	  RX(200, ENCAP_GRE) },
	{ "gre: ethernet with a vlan tag inside, response 200", { IPPROTO(47) }, HDR(gre_teb),
	  'e', 1, 0, RX(200, ENCAP_GRE) },
	{ "gre: version 1 (pptp): nothing", { IPPROTO(47) }, HDR(gre_v1), 4, 0, 0, NONE },
	{ "gre: over ipv6, response 200", { V6, IPPROTO(47) }, HDR(gre_ip4), 4, 0, 0,
	  RX(200, ENCAP_GRE) },
	{ "vxlan: ethernet inside, response 200", { PORTS(40000, 4789) }, HDR(vxlan), 'e', 0, 0,
	  RX(200, ENCAP_VXLAN) },
	{ "vxlan: without the I flag: nothing", { PORTS(40000, 4789) }, HDR(vxlan_noi), 'e', 0,
	  0, NONE },
	{ "gtpu: ipv4 inside, response 200", { PORTS(2152, 2152) }, HDR(gtpu), 4, 0, 0,
	  RX(200, ENCAP_GTPU) },
	{ "gtpu: ipv6 inside, response 200", { PORTS(2152, 2152) }, HDR(gtpu), 6, 0, 0,
	  RX(200, ENCAP_GTPU) },
	{ "gtpu: sequence number, response 200", { PORTS(2152, 2152) }, HDR(gtpu_seq), 4, 0, 0,
	  RX(200, ENCAP_GTPU) },
	{ "gtpu: pdu session container, response 200", { PORTS(2152, 2152) }, HDR(gtpu_ext), 4,
	  0, 0, RX(200, ENCAP_GTPU) },
	{ "gtpu: echo request: nothing", { PORTS(2152, 2152) }, HDR(gtpu_echo), 4, 0, 0, NONE },
	{ "pppoe: ipv4 inside, response 200", { ETYPE(0x8864) }, HDR(pppoe_ip4), 4, 0, 0,
	  RX(200, ENCAP_PPPOE) },
	{ "pppoe: ipv6 inside, response 200", { ETYPE(0x8864) }, HDR(pppoe_ip6), 6, 0, 0,
	  RX(200, ENCAP_PPPOE) },
	{ "pppoe: lcp: nothing", { ETYPE(0x8864) }, HDR(pppoe_lcp), 4, 0, 0, NONE },
	{ "mpls: one label, response 200", { ETYPE(0x8847) }, HDR(mpls1), 4, 0, 0,
	  RX(200, ENCAP_MPLS) },
	{ "mpls: three labels, ipv6 inside, response 200", { ETYPE(0x8847) }, HDR(mpls3), 6, 0,
	  0, RX(200, ENCAP_MPLS) },
	{ "mpls: five labels -> too_deep", { ETYPE(0x8847) }, HDR(mpls5), 4, 0, 0, O(TOO_DEEP) },
	{ "gre: cut inside the gre header -> bad_header", { IPPROTO(47) }, gre_cks, 10, 0, 0, 0,
	  O(BAD_HEADER) },
};

/* One tunnel case: the inner bytes after the tunnel header, as the outer payload. */
static void run_tunnel(const struct tunnel_case *t)
{
	static __u8 in[FRAME_CAP], pl[FRAME_CAP];
	struct frame_spec s = t->outer;
	size_t n = 0;

	if (t->inner == 4 || t->inner == 6)
		n = inner_ip(in, sizeof(in), t->inner == 6, t->inner_dport ? t->inner_dport : 5060);
	else if (t->inner == 'e')
		n = inner_eth(in, sizeof(in), t->inner_vlans);
	if (!s.sport && !s.dport && s.l4 != FR_L4_RAW && s.l3 != FR_L3_RAW)
		s.sport = s.dport = 5060;
	s.payload = pl;
	s.payload_len = join(pl, t->hdr, t->hlen, in, n);
	run_spec(t->name, &s, t->want);
}

static void test_tunnels(void)
{
	struct sipstat_cfg *cfg = &skel->data_sip_cfg->sip_cfg;
	__u32 saved = cfg->flags;
	struct tunnel_case off;
	size_t i;

	for (i = 0; i < sizeof(tunnel_cases) / sizeof(tunnel_cases[0]); i++)
		run_tunnel(&tunnel_cases[i]);

	/* Each encapsulation can be switched off: then nothing inside counts. */
	cfg->flags = saved & ~SIPSTAT_CFG_ENCAP;
	for (i = 0; i < sizeof(tunnel_cases) / sizeof(tunnel_cases[0]); i++) {
		char name[160];

		off = tunnel_cases[i];
		if (off.want.slot < 0 || off.want.slot == SIPSTAT_O_TOO_DEEP ||
		    off.want.slot == SIPSTAT_O_BAD_HEADER)
			continue;
		snprintf(name, sizeof(name), "switched off: %s: nothing", off.name);
		off.name = name;
		off.want = (struct want)NONE;
		run_tunnel(&off);
	}
	cfg->flags = saved;

	/* TCP switched off: a segment with a status line is not looked at. */
	{
		struct frame_spec s;

		frame_spec_init(&s);
		s.l4 = FR_L4_TCP;
		s.payload = INNER_OK200;
		s.payload_len = strlen(INNER_OK200);
		cfg->flags = saved & ~SIPSTAT_CFG_TCP;
		run_spec("switched off: tcp 5060 with a status line: nothing", &s,
			 (struct want)NONE);
		s.cut_to = 14 + 20 + 6;
		run_spec("switched off: tcp 5060 cut inside its header: nothing", &s,
			 (struct want)NONE);
		cfg->flags = saved;
		run_spec("tcp 5060 cut inside its header -> bad_header", &s,
			 (struct want)O(BAD_HEADER));
		s.cut_to = 0;
		s.l4 = FR_L4_RAW;
		s.ip_proto = 47;
		s.payload = "\x00\x00\x08\x00\x45";
		s.payload_len = 5;
		s.cut_to = 14 + 20 + 5;
		cfg->flags = saved & ~SIPSTAT_CFG_GRE;
		run_spec("switched off: gre cut after its header: nothing", &s, (struct want)NONE);
		cfg->flags = saved;
		run_spec("gre cut after its header -> bad_header", &s, (struct want)O(BAD_HEADER));
		frame_spec_init(&s);
		s.payload = INNER_OK200;
		s.payload_len = strlen(INNER_OK200);
		cfg->flags = saved & ~SIPSTAT_CFG_METHODS;
		s.l4 = FR_L4_UDP;
		run_spec("switched off: methods: response 200 in the unknown row", &s,
			 (struct want)RU(200));
		cfg->flags = saved;
	}
}

static bool run_repeat(const void *frame, size_t len, __u32 repeat);

/* Sum of a per-CPU __u64 hash value over CPUs; 0 when the key is not there. */
static uint64_t percpu_hash_sum(int fd, const void *key)
{
	uint64_t vals[256], sum = 0;
	int i;

	if (rd.ncpus > 256 || bpf_map_lookup_elem(fd, key, vals))
		return 0;
	for (i = 0; i < rd.ncpus; i++)
		sum += vals[i];
	return sum;
}

static void add_prefix(int fd, const uint8_t *addr, int len4or6, uint32_t bits, uint32_t id)
{
	struct sipstat_peer_prefix k = { 0 };

	if (len4or6 == 4) {
		k.addr[10] = k.addr[11] = 0xff;
		memcpy(&k.addr[12], addr, 4);
		k.prefixlen = 96 + bits;
	} else {
		memcpy(k.addr, addr, 16);
		k.prefixlen = bits;
	}
	CHECK(bpf_map_update_elem(fd, &k, &id, BPF_ANY) == 0, "add prefix: %s", strerror(errno));
}

/*
 * Named peers: the longest prefix of the remote address (the source of
 * what comes in, the destination of what goes out) names the peer a
 * response is counted under; overlapping prefixes over IPv4 and IPv6;
 * an address no prefix matches is peer 0.  Failing addresses: a 4xx-6xx
 * response adds one to its remote address and class.
 */
static void test_peers(void)
{
	static const uint8_t lab[4] = { 198, 18, 0, 0 }, lab24[4] = { 198, 18, 0, 0 };
	static const uint8_t v6net[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t v6one[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct sipstat_cfg *cfg = &skel->data_sip_cfg->sip_cfg;
	int peers_fd = bpf_map__fd(skel->maps.sip_peers);
	int counts_fd2 = bpf_map__fd(skel->maps.sip_peer_counts);
	int failing_fd = bpf_map__fd(skel->maps.sip_failing);
	__u32 saved = cfg->flags;
	struct {
		const char *what;
		int v6;
		uint8_t remote[16];
		uint32_t peer;
	} cases[] = {
		{ "198.18.0.7 in 198.18.0.0/24 (and /15): peer 2", 0, { 198, 18, 0, 7 }, 2 },
		{ "198.19.1.1 in 198.18.0.0/15 only: peer 1", 0, { 198, 19, 1, 1 }, 1 },
		{ "192.0.2.1 in no prefix: peer 0", 0, { 192, 0, 2, 1 }, 0 },
		{ "2001:db8::1 (a /128): peer 4", 1, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 4 },
		{ "2001:db8::2 in 2001:db8::/32: peer 3", 1, { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }, 3 },
	};
	static __u8 buf[FRAME_CAP];
	struct frame_spec s;
	size_t i, len;
	char name[160];

	add_prefix(peers_fd, lab, 4, 15, 1);
	add_prefix(peers_fd, lab24, 4, 24, 2);
	add_prefix(peers_fd, v6net, 6, 32, 3);
	add_prefix(peers_fd, v6one, 6, 128, 4);
	cfg->flags = saved | SIPSTAT_CFG_PEERS | SIPSTAT_CFG_FAILING;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		__u32 key = SIPSTAT_PEER_KEY(cur.dir, cases[i].peer, SIPSTAT_M_INVITE, 486);
		struct sipstat_failing_key fk = { .dir = (__u8)cur.dir, .cls = 4 };
		uint64_t before, after, fbefore, fafter;
		int fails = h_failures;

		frame_spec_init(&s);
		s.l3 = cases[i].v6 ? FR_L3_IPV6 : FR_L3_IPV4;
		/* The remote end is the source coming in, the destination going out. */
		if (cases[i].v6)
			memcpy(cur.dir == SIPSTAT_DIR_IN ? s.ip6_src : s.ip6_dst, cases[i].remote, 16);
		else
			memcpy(cur.dir == SIPSTAT_DIR_IN ? s.ip4_src : s.ip4_dst, cases[i].remote, 4);
		if (cases[i].v6) {
			memcpy(fk.addr, cases[i].remote, 16);
		} else {
			fk.addr[10] = fk.addr[11] = 0xff;
			memcpy(&fk.addr[12], cases[i].remote, 4);
		}
		s.payload = "SIP/2.0 486 Busy Here\r\nCSeq: 1 INVITE\r\n\r\n";
		s.payload_len = strlen(s.payload);
		len = frame_build(buf, sizeof(buf), &s);
		before = percpu_hash_sum(counts_fd2, &key);
		fbefore = percpu_hash_sum(failing_fd, &fk);
		if (run_repeat(buf, len, 3)) {
			after = percpu_hash_sum(counts_fd2, &key);
			fafter = percpu_hash_sum(failing_fd, &fk);
			CHECK_EQ_U64(after - before, 3, "responses of the peer");
			CHECK_EQ_U64(fafter - fbefore, 3, "failures of the address, class 4");
		}
		snprintf(name, sizeof(name), "%s: peers: %s", cur.name, cases[i].what);
		h_result(name, h_failures == fails);
	}

	/* Off: nothing per peer. */
	{
		__u32 key = SIPSTAT_PEER_KEY(cur.dir, 2, SIPSTAT_M_INVITE, 200);
		uint64_t before;
		int fails = h_failures;

		frame_spec_init(&s);
		s.payload = "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n";
		s.payload_len = strlen(s.payload);
		len = frame_build(buf, sizeof(buf), &s);
		cfg->flags = saved & ~SIPSTAT_CFG_PEERS;
		before = percpu_hash_sum(counts_fd2, &key);
		if (run_repeat(buf, len, 2))
			CHECK_EQ_U64(percpu_hash_sum(counts_fd2, &key) - before, 0, "peers off");
		cfg->flags = saved | SIPSTAT_CFG_PEERS;
		if (run_repeat(buf, len, 2) && cur.dir == SIPSTAT_DIR_IN)
			CHECK_EQ_U64(percpu_hash_sum(counts_fd2, &key) - before, 2, "peers on");
		snprintf(name, sizeof(name), "%s: peers: switched off, nothing per peer", cur.name);
		h_result(name, h_failures == fails);
	}
	cfg->flags = saved;
}

/* What the event tests read back from the ring buffer. */
struct seen_events {
	int n;
	struct sipstat_event last;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct seen_events *seen = ctx;

	if (size == sizeof(seen->last))
		memcpy(&seen->last, data, sizeof(seen->last));
	seen->n++;
	return 0;
}

static uint64_t slot_delta(const uint64_t *before, const uint64_t *after, __u32 dir, int slot)
{
	__u32 k = SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, slot);

	return after[k] - before[k];
}

/* Run one frame repeat times through the current program. */
static bool run_repeat(const void *frame, size_t len, __u32 repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (__u32)len,
		    .repeat = repeat);

	return CHECK(bpf_prog_test_run_opts(cur.fd, &opts) == 0, "test run: %s", strerror(errno));
}

/*
 * The event path: a 603 over QinQ and IPv6 arrives as one record with the
 * right addresses, ports, VLAN ids and code; the rate limit and a full
 * ring buffer are counted, never silent; the codes asking for an event
 * change while loaded.
 */
static void test_events(void)
{
	static uint64_t before[SIPSTAT_COUNT_KEYS], after[SIPSTAT_COUNT_KEYS];
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x33 };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x01, [15] = 0x02 };
	struct sipstat_cfg *cfg = &skel->data_sip_cfg->sip_cfg;
	struct sipstat_cfg saved = *cfg;
	struct seen_events seen = { 0 };
	struct ring_buffer *rb = NULL;
	static __u8 buf[FRAME_CAP];
	struct frame_spec s;
	size_t len;
	int fails = h_failures, n;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.sip_events), on_event, &seen, NULL);
	if (!CHECK(rb != NULL, "ring_buffer__new: %s", strerror(errno)))
		goto out;
	ring_buffer__consume(rb);	/* events of the tables before */
	seen.n = 0;

	frame_spec_init(&s);
	s.l3 = FR_L3_IPV6;
	memcpy(s.ip6_src, src6, 16);
	memcpy(s.ip6_dst, dst6, 16);
	s.n_vlan = 2;
	s.vlan_tpid[0] = FR_TPID_8021AD;
	s.vlan_id[0] = 100;
	s.vlan_id[1] = 200;
	s.sport = 5060;
	s.dport = 40000;
	s.payload = "SIP/2.0 603 Decline\r\nCSeq: 1 INVITE\r\n\r\n";
	s.payload_len = strlen(s.payload);
	len = frame_build(buf, sizeof(buf), &s);

	/* One event, every field. */
	cfg->event_rate = 0;
	if (!read_counts(before) || !run_repeat(buf, len, 1) || !read_counts(after))
		goto out;
	n = ring_buffer__consume(rb);
	CHECK_EQ_U64(n, 1, "events consumed");
	CHECK_EQ_U64(seen.n, 1, "events seen");
	CHECK_EQ_U64(slot_delta(before, after, cur.dir, SIPSTAT_O_EVENTS_SENT), 1, "events_sent");
	CHECK_EQ_U64(seen.last.code, 603, "code");
	CHECK_EQ_U64(seen.last.method, SIPSTAT_M_INVITE, "method");
	CHECK_EQ_U64(seen.last.dir, cur.dir, "dir");
	CHECK_EQ_U64(seen.last.family, 6, "family");
	CHECK_EQ_U64(seen.last.nvlan, 2, "nvlan");
	CHECK_EQ_U64(seen.last.vlan[0], 100, "outer vlan");
	CHECK_EQ_U64(seen.last.vlan[1], 200, "inner vlan");
	CHECK_EQ_U64(seen.last.sport, 5060, "sport");
	CHECK_EQ_U64(seen.last.dport, 40000, "dport");
	CHECK(memcmp(seen.last.saddr, src6, 16) == 0, "saddr");
	CHECK(memcmp(seen.last.daddr, dst6, 16) == 0, "daddr");
	CHECK(seen.last.ts_ns > 0, "timestamp");

	/* The rate limit: a burst of 3, then nothing for a while.  An empty
	 * bucket record on every CPU reads as a long quiet spell: full. */
	cfg->event_rate = 1;
	cfg->event_burst = 3;
	seen.n = 0;
	{
		void *zeros = calloc((size_t)rd.ncpus, 16);
		__u32 zero = 0;

		CHECK(zeros && bpf_map_update_elem(bpf_map__fd(skel->maps.sip_evbucket), &zero,
						   zeros, BPF_ANY) == 0,
		      "reset the token buckets: %s", strerror(errno));
		free(zeros);
	}
	if (!read_counts(before) || !run_repeat(buf, len, 10) || !read_counts(after))
		goto out;
	ring_buffer__consume(rb);
	CHECK_EQ_U64(slot_delta(before, after, cur.dir, SIPSTAT_O_EVENTS_SENT), 3, "sent, burst 3");
	CHECK_EQ_U64(slot_delta(before, after, cur.dir, SIPSTAT_O_EVENTS_LIMITED), 7, "limited");
	CHECK_EQ_U64(seen.n, 3, "events seen under the limit");
	CHECK_EQ_U64(after[SIPSTAT_KEY(cur.dir, SIPSTAT_M_INVITE, 603)] -
		     before[SIPSTAT_KEY(cur.dir, SIPSTAT_M_INVITE, 603)], 10,
		     "every 603 counted whatever the events");

	/* A full ring buffer: what does not fit is lost, and counted. */
	cfg->event_rate = 0;
	seen.n = 0;
	if (!read_counts(before) || !run_repeat(buf, len, 6000) || !read_counts(after))
		goto out;
	ring_buffer__consume(rb);
	CHECK(slot_delta(before, after, cur.dir, SIPSTAT_O_EVENTS_LOST) > 0, "some lost");
	CHECK_EQ_U64(slot_delta(before, after, cur.dir, SIPSTAT_O_EVENTS_SENT) +
		     slot_delta(before, after, cur.dir, SIPSTAT_O_EVENTS_LOST), 6000,
		     "sent + lost = wanted");
	CHECK_EQ_U64(seen.n, slot_delta(before, after, cur.dir, SIPSTAT_O_EVENTS_SENT),
		     "every event sent was read");

	/* The event set changes while loaded: 503 in, 6xx out. */
	memset(cfg->event_codes, 0, sizeof(cfg->event_codes));
	cfg->event_codes[503 / 64] |= 1ULL << (503 % 64);
	seen.n = 0;
	if (!read_counts(before) || !run_repeat(buf, len, 1))
		goto out;
	s.payload = "SIP/2.0 503 Service Unavailable\r\n\r\n";
	s.payload_len = strlen(s.payload);
	len = frame_build(buf, sizeof(buf), &s);
	if (!run_repeat(buf, len, 1) || !read_counts(after))
		goto out;
	ring_buffer__consume(rb);
	CHECK_EQ_U64(seen.n, 1, "one event: the 503");
	CHECK_EQ_U64(seen.last.code, 503, "code");
	CHECK_EQ_U64(slot_delta(before, after, cur.dir, SIPSTAT_O_EVENTS_SENT), 1, "events_sent");
out:
	*cfg = saved;
	ring_buffer__free(rb);
	{
		char name[96];

		snprintf(name, sizeof(name), "%s: events: fields, rate limit, full ring, event set",
			 cur.name);
		h_result(name, h_failures == fails);
	}
}

int main(int argc, char **argv)
{
	char name[256];
	int i, e;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-v") == 0)
			verbose = true;

	if (geteuid() != 0) {
		h_skip("bpf_prog_test_run",
		       "needs root (run as root or with CAP_BPF+CAP_NET_ADMIN)");
		return 0;
	}
	libbpf_set_print(libbpf_print);

	e = reader_init(&rd);
	if (e) {
		snprintf(name, sizeof(name), "reader_init: %s", strerror(-e));
		h_result(name, false);
		return h_exit();
	}

	skel = sipstat_bpf__open_and_load();
	if (!skel) {
		int err = errno;

		snprintf(name, sizeof(name), "load sipstat.bpf.o: %s (errno %d)",
			 strerror(err), err);
		h_result(name, false);
		reader_free(&rd);
		return h_exit();
	}
	counts_fd = bpf_map__fd(skel->maps.sip_counts);
	batch_fd = bpf_program__fd(skel->progs.sipstat_xdp_batch);
	{
		const struct prog progs[] = {
			{ "xdp", bpf_program__fd(skel->progs.sipstat_xdp), true,
			  SIPSTAT_DIR_IN, XDP_PASS },
			{ "xdp.frags", bpf_program__fd(skel->progs.sipstat_xdp_frags), true,
			  SIPSTAT_DIR_IN, XDP_PASS },
			{ "tc in", bpf_program__fd(skel->progs.sipstat_tc_in), false,
			  SIPSTAT_DIR_IN, (__u32)TC_ACT_UNSPEC },
			{ "tc out", bpf_program__fd(skel->progs.sipstat_tc_out), false,
			  SIPSTAT_DIR_OUT, (__u32)TC_ACT_UNSPEC },
		};
		size_t p;

		for (p = 0; p < sizeof(progs) / sizeof(progs[0]); p++) {
			cur = progs[p];
			test_layers();
			test_codes();
			test_malformed();
			test_grammar();
			test_truncation();
			test_requests();
			test_cseq();
			test_tunnels();
			test_peers();
			test_port_set();
			test_events();
		}
		cur = progs[1];
		test_jumbo_frags();
	}

	sipstat_bpf__destroy(skel);
	reader_free(&rd);
	return h_exit();
}

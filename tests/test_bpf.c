// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * BPF_PROG_TEST_RUN tests for the XDP program: one frame per case, and
 * for every case the verdict, the untouched frame and the exact change of
 * every parser counter and every status code slot.
 *
 * Run as root (CAP_BPF + CAP_NET_ADMIN); otherwise one "skip" line.
 * -v shows libbpf's debug output.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipstat.h"
#include "sipstat.skel.h"
#include "frames.h"
#include "harness.h"
#include "snapshot.h"

#define ETH_HLEN 14
#define FRAME_CAP 2048
#define C(x) (1u << SIPSTAT_C_##x)


static struct sipstat_bpf *skel;
static int prog_fd, parser_fd, codes_fd;
static int ncpus;
static void *percpu_buf;
static bool verbose;

struct counts {
	__u64 c[SIPSTAT_C_MAX];
	__u64 code[SIPSTAT_CODE_SLOTS];
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Sum both per-CPU maps over all possible CPUs. */
static bool read_counts(struct counts *out)
{
	const struct sipstat_counters *pc = percpu_buf;
	const __u64 *pv = percpu_buf;
	__u32 key = 0;
	int cpu, i;

	memset(out, 0, sizeof(*out));
	if (!CHECK(bpf_map_lookup_elem(parser_fd, &key, percpu_buf) == 0,
		   "sip_parser lookup: %s", strerror(errno)))
		return false;
	for (cpu = 0; cpu < ncpus; cpu++)
		for (i = 0; i < SIPSTAT_C_MAX; i++)
			out->c[i] += pc[cpu].c[i];

	for (key = 0; key < SIPSTAT_CODE_SLOTS; key++) {
		if (!CHECK(bpf_map_lookup_elem(codes_fd, &key, percpu_buf) == 0,
			   "sip_codes[%u] lookup: %s", key, strerror(errno)))
			return false;
		for (cpu = 0; cpu < ncpus; cpu++)
			out->code[key] += pv[cpu];
	}
	return true;
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
	return bpf_prog_test_run_opts(prog_fd, opts);
}

/*
 * Run one frame through the program and check everything.  want is a
 * mask of C(...) counters expected to go up by exactly one, code the
 * status code slot expected to go up by one (0: none); every other
 * counter and slot must stay put.
 */
static bool run_frame(const char *name, const void *frame, size_t len,
		      __u32 want, int code)
{
	static __u8 in[FRAME_CAP + 32], out[FRAME_CAP + 64];
	struct xdp_md ctx_in, ctx_out;
	struct counts before, after;
	int fails = h_failures, err, i;
	size_t in_len;
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (!CHECK(len > 0 && len <= FRAME_CAP, "frame length %zu", len))
		goto out;
	if (!read_counts(&before))
		goto out;
	err = test_run(frame, len, in, &in_len, out, sizeof(out), &opts, &ctx_in, &ctx_out);
	if (err && errno == EINVAL && len < ETH_HLEN && short_mode == SHORT_TAIL) {
		short_mode = SHORT_META;
		err = test_run(frame, len, in, &in_len, out, sizeof(out), &opts,
			       &ctx_in, &ctx_out);
	}
	if (!CHECK(err == 0, "bpf_prog_test_run_opts (%zu bytes): %s", len, strerror(errno)))
		goto out;
	if (!read_counts(&after))
		goto out;

	CHECK_EQ_U64(opts.retval, XDP_PASS, "verdict");
	if (CHECK_EQ_U64(opts.data_size_out, in_len, "output length"))
		CHECK(memcmp(out, in, in_len) == 0, "frame was modified");
	if (len < ETH_HLEN)
		CHECK_EQ_U64(ctx_out.data_end - ctx_out.data, len, "bytes the program saw");

	for (i = 0; i < SIPSTAT_C_MAX; i++)
		CHECK_EQ_U64(after.c[i] - before.c[i], (want >> i) & 1,
			     "counter %s", parser_counter_name(i));
	for (i = 0; i < SIPSTAT_CODE_SLOTS; i++)
		CHECK_EQ_U64(after.code[i] - before.code[i], code > 0 && i == code,
			     "sip_codes[%d]", i);
out:
	h_result(name, h_failures == fails);
	return h_failures == fails;
}

static void run_spec(const char *name, const struct frame_spec *s, __u32 want, int code)
{
	static __u8 buf[FRAME_CAP];
	size_t len = frame_build(buf, sizeof(buf), s);

	if (!CHECK(len > 0, "frame_build failed")) {
		h_result(name, false);
		return;
	}
	run_frame(name, buf, len, want, code);
}

/* Expected counter sets. */
#define W4 (C(FRAMES) | C(IPV4))
#define W6 (C(FRAMES) | C(IPV6))
#define SIP4 (W4 | C(UDP_SIP))
#define SIP6 (W6 | C(UDP_SIP))
#define RESP4 (SIP4 | C(RESPONSES))
#define RESP6 (SIP6 | C(RESPONSES))

#define PL(str) .payload = (str), .payload_len = sizeof(str) - 1
#define PORTS(s, d) .sport = (s), .dport = (d)
#define SIPP PORTS(5060, 5060)
#define OK200 PL("SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
#define V6 .l3 = FR_L3_IPV6
#define EXT(t) { .type = FR_EXT6_##t }

struct tcase {
	const char *name;
	struct frame_spec spec;
	__u32 want;
	int code;
};

static const uint8_t dns_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
};

static const struct tcase layer_cases[] = {
	/* Layers that must be walked to reach the status line. */
	{ "ipv4: response 200", { SIPP, OK200 }, RESP4, 200 },
	{ "ipv4: options IHL 6, response 200",
	  { SIPP, OK200, .ip4_opt_len = 4 }, RESP4, 200 },
	{ "ipv4: options IHL 15, response 200",
	  { SIPP, OK200, .ip4_opt_len = 40 }, RESP4, 200 },
	{ "ipv4: DF set, response 200",
	  { SIPP, OK200, .ip4_frag = FR_IP4_DF }, RESP4, 200 },
	{ "ipv6: no extension headers, response 200", { V6, SIPP, OK200 }, RESP6, 200 },
	{ "ipv6: hop-by-hop, response 200",
	  { V6, SIPP, OK200, .n_ext6 = 1, .ext6 = { EXT(HOPOPTS) } }, RESP6, 200 },
	{ "ipv6: routing header (24 bytes), response 200",
	  { V6, SIPP, OK200, .n_ext6 = 1,
	    .ext6 = { { .type = FR_EXT6_ROUTING, .hdrlen = 2 } } }, RESP6, 200 },
	{ "ipv6: destination options (16 bytes), response 200",
	  { V6, SIPP, OK200, .n_ext6 = 1,
	    .ext6 = { { .type = FR_EXT6_DSTOPTS, .hdrlen = 1 } } }, RESP6, 200 },
	{ "ipv6: first fragment (offset 0, M=1), response 200",
	  { V6, SIPP, OK200, .udp_len_set = true, .udp_len = 1800, .n_ext6 = 1,
	    .ext6 = { { .type = FR_EXT6_FRAGMENT, .more = true, .frag_id = 7 } } },
	  RESP6, 200 },
	{ "ipv6: 4 extension headers (the bound), response 200",
	  { V6, SIPP, OK200, .n_ext6 = 4,
	    .ext6 = { EXT(HOPOPTS), EXT(DSTOPTS), EXT(ROUTING), EXT(FRAGMENT) } },
	  RESP6, 200 },
	{ "ipv6: 5 extension headers -> too_deep",
	  { V6, SIPP, OK200, .n_ext6 = 5,
	    .ext6 = { EXT(HOPOPTS), EXT(DSTOPTS), EXT(ROUTING), EXT(FRAGMENT),
		      EXT(DSTOPTS) } },
	  W6 | C(TOO_DEEP), 0 },
	{ "vlan: one 802.1Q tag, response 200",
	  { SIPP, OK200, .n_vlan = 1, .vlan_tpid = { FR_TPID_8021Q }, .vlan_id = { 100 } },
	  RESP4, 200 },
	{ "vlan: 802.1ad outer + 802.1Q inner, response 200",
	  { SIPP, OK200, .n_vlan = 2, .vlan_tpid = { FR_TPID_8021AD, FR_TPID_8021Q },
	    .vlan_id = { 10, 20 } },
	  RESP4, 200 },
	{ "vlan: 802.1ad + 802.1Q, ipv6, response 200",
	  { V6, SIPP, OK200, .n_vlan = 2,
	    .vlan_tpid = { FR_TPID_8021AD, FR_TPID_8021Q }, .vlan_id = { 10, 20 } },
	  RESP6, 200 },
	{ "vlan: three tags -> too_deep",
	  { SIPP, OK200, .n_vlan = 3,
	    .vlan_tpid = { FR_TPID_8021AD, FR_TPID_8021Q, FR_TPID_8021Q },
	    .vlan_id = { 10, 20, 30 } },
	  C(FRAMES) | C(TOO_DEEP), 0 },

	/* The payload is bounded by the UDP length and by the frame end. */
	{ "padding: \"SIP/2\" (UDP length 13) padded to 60 bytes -> truncated",
	  { SIPP, PL("SIP/2"), .pad_to = 60 }, SIP4 | C(TRUNCATED), 0 },
	{ "padding: \"SIP/2.0 200\" (UDP length 19) padded to 60 bytes -> truncated",
	  { SIPP, PL("SIP/2.0 200"), .pad_to = 60 }, SIP4 | C(TRUNCATED), 0 },
	{ "udp length 1200 beyond the frame, response 200 from the bytes present",
	  { SIPP, OK200, .udp_len_set = true, .udp_len = 1200 }, RESP4, 200 },
	{ "udp length beyond the frame, 11 bytes present -> truncated",
	  { SIPP, PL("SIP/2.0 200"), .udp_len_set = true, .udp_len = 1200 },
	  SIP4 | C(TRUNCATED), 0 },

	/* Ports and protocols. */
	{ "udp 5060: DNS-looking payload -> other",
	  { SIPP, .payload = dns_query, .payload_len = sizeof(dns_query) },
	  SIP4 | C(OTHER), 0 },
	{ "udp 5070 <-> 5070: response not counted", { PORTS(5070, 5070), OK200 }, W4, 0 },
	{ "udp 5070 <-> 5070 ipv6: response not counted",
	  { V6, PORTS(5070, 5070), OK200 }, W6, 0 },
	{ "udp source port 5060 only: response 200",
	  { PORTS(5060, 40000), OK200 }, RESP4, 200 },
	{ "udp destination port 5060 only: response 200",
	  { PORTS(40000, 5060), OK200 }, RESP4, 200 },
	{ "tcp 5060 with a status line: not counted",
	  { SIPP, OK200, .l4 = FR_L4_TCP }, W4, 0 },
	{ "tcp 5060 ipv6 with a status line: not counted",
	  { V6, SIPP, OK200, .l4 = FR_L4_TCP }, W6, 0 },
	{ "arp: frames only", { .l3 = FR_L3_ARP, .pad_to = 60 }, C(FRAMES), 0 },
	{ "raw ethertype 0x88b5 with a status line: frames only",
	  { .l3 = FR_L3_RAW, .ethertype = 0x88b5, OK200 }, C(FRAMES), 0 },

	/* Frames cut short or inconsistent inside the headers. */
	{ "ethernet cut to 10 bytes -> bad_header",
	  { .l3 = FR_L3_ARP, .cut_to = 10 }, C(FRAMES) | C(BAD_HEADER), 0 },
	{ "vlan tag cut after 16 bytes -> bad_header",
	  { SIPP, OK200, .n_vlan = 1, .cut_to = 16 }, C(FRAMES) | C(BAD_HEADER), 0 },
	{ "ipv4: ethernet header only -> bad_header",
	  { SIPP, OK200, .cut_to = 14 }, W4 | C(BAD_HEADER), 0 },
	{ "ipv4: cut inside the header -> bad_header",
	  { SIPP, OK200, .cut_to = 14 + 12 }, W4 | C(BAD_HEADER), 0 },
	{ "ipv4: cut inside the options (IHL 15) -> bad_header",
	  { SIPP, OK200, .ip4_opt_len = 40, .cut_to = 14 + 40 }, W4 | C(BAD_HEADER), 0 },
	{ "ipv4: IHL 4 -> bad_header",
	  { SIPP, OK200, .ip4_ihl = 4 }, W4 | C(BAD_HEADER), 0 },
	{ "ipv4: IHL 0 -> bad_header",
	  { SIPP, OK200, .ip4_ihl = 0x10 }, W4 | C(BAD_HEADER), 0 },
	{ "ipv4: cut inside the udp header -> bad_header",
	  { SIPP, OK200, .cut_to = 14 + 20 + 4 }, W4 | C(BAD_HEADER), 0 },
	{ "ipv4: udp length 7 on 5060 -> bad_header",
	  { SIPP, OK200, .udp_len_set = true, .udp_len = 7 }, W4 | C(BAD_HEADER), 0 },
	{ "ipv6: cut inside the header -> bad_header",
	  { V6, SIPP, OK200, .cut_to = 14 + 30 }, W6 | C(BAD_HEADER), 0 },
	{ "ipv6: cut inside a hop-by-hop header -> bad_header",
	  { V6, SIPP, OK200, .n_ext6 = 1, .ext6 = { EXT(HOPOPTS) }, .cut_to = 14 + 40 + 1 },
	  W6 | C(BAD_HEADER), 0 },
	{ "ipv6: cut inside the udp header -> bad_header",
	  { V6, SIPP, OK200, .cut_to = 14 + 40 + 6 }, W6 | C(BAD_HEADER), 0 },

	/* Fragments. */
	{ "ipv4: later fragment (offset 185) with a status line -> fragments",
	  { SIPP, OK200, .l4 = FR_L4_RAW, .ip4_frag = FR_IP4_OFF(185) },
	  W4 | C(FRAGMENTS), 0 },
	{ "ipv4: later fragment (offset 1, MF) -> fragments",
	  { SIPP, OK200, .l4 = FR_L4_RAW, .ip4_frag = FR_IP4_MF | FR_IP4_OFF(1) },
	  W4 | C(FRAGMENTS), 0 },
	{ "ipv4: later fragment of tcp -> not a udp fragment",
	  { SIPP, OK200, .l4 = FR_L4_RAW, .ip_proto = 6, .ip4_frag = FR_IP4_OFF(185) },
	  W4, 0 },
	{ "ipv4: first fragment (MF, offset 0), response 200",
	  { SIPP, OK200, .ip4_frag = FR_IP4_MF, .udp_len_set = true, .udp_len = 1800 },
	  RESP4, 200 },
	{ "ipv6: later fragment (offset 185) with a status line -> fragments",
	  { V6, SIPP, OK200, .l4 = FR_L4_RAW, .n_ext6 = 1,
	    .ext6 = { { .type = FR_EXT6_FRAGMENT, .frag_off = 185, .frag_id = 7 } } },
	  W6 | C(FRAGMENTS), 0 },
	{ "ipv6: later fragment (offset 1, M=1) after hop-by-hop -> fragments",
	  { V6, SIPP, OK200, .l4 = FR_L4_RAW, .n_ext6 = 2,
	    .ext6 = { EXT(HOPOPTS),
		      { .type = FR_EXT6_FRAGMENT, .frag_off = 1, .more = true } } },
	  W6 | C(FRAGMENTS), 0 },
};

static void test_layers(void)
{
	size_t i;

	for (i = 0; i < sizeof(layer_cases) / sizeof(layer_cases[0]); i++)
		run_spec(layer_cases[i].name, &layer_cases[i].spec,
			 layer_cases[i].want, layer_cases[i].code);
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
			frame_spec_init(&s);
			s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
			s.payload = payload;
			s.payload_len = (size_t)snprintf(payload, sizeof(payload),
				"SIP/2.0 %d Reason\r\nCSeq: 1 INVITE\r\n\r\n", codes[i]);
			snprintf(name, sizeof(name), "%s: response %d",
				 v6 ? "ipv6" : "ipv4", codes[i]);
			run_spec(name, &s, v6 ? RESP6 : RESP4, codes[i]);
		}
	}
}

/* A payload on 5060 over IPv4 and the one outcome expected. */
struct pcase {
	const char *payload;
	int outcome;
};

static void run_payloads(const char *prefix, const struct pcase *t, size_t n)
{
	struct frame_spec s;
	char name[160];
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
			else
				shown[k++] = (char)ch;
		}
		shown[k] = 0;
		snprintf(name, sizeof(name), "%s: \"%s\" -> %s", prefix, shown,
			 parser_counter_name(t[i].outcome));
		frame_spec_init(&s);
		s.payload = t[i].payload;
		s.payload_len = strlen(t[i].payload);
		run_spec(name, &s, SIP4 | 1u << t[i].outcome, 0);
	}
}

static const struct pcase malformed_cases[] = {
	{ "SIP/2.0 099 x\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 000 x\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 700 x\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 999 x\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 2x0 x\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 20x x\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 1000 x\r\n", SIPSTAT_C_MALFORMED },
	{ "sip/2.0 200 OK\r\n", SIPSTAT_C_MALFORMED },
	{ "Sip/2.0 200 OK\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.1 200 OK\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/3.0 200 OK\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0200 OK\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 200OK\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0  200 OK\r\n", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 200\r\n", SIPSTAT_C_MALFORMED },
	/* shorter than a status line */
	{ "SIP/2.0 7", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 0", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 2x", SIPSTAT_C_MALFORMED },
	{ "SIP/2.1", SIPSTAT_C_MALFORMED },
	{ "sip/2.0 2", SIPSTAT_C_MALFORMED },
	{ "SIP/2.0 2", SIPSTAT_C_TRUNCATED },
	{ "\r\n\r\n", SIPSTAT_C_OTHER },
	{ "\r\n", SIPSTAT_C_OTHER },
	{ "SIPS", SIPSTAT_C_OTHER },
};

static const struct pcase request_cases[] = {
	{ "INVITE sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "ACK sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "BYE sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "CANCEL sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "REGISTER sip:example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "OPTIONS sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "PRACK sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "SUBSCRIBE sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "NOTIFY sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "PUBLISH sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "INFO sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "REFER sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "MESSAGE sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "UPDATE sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_REQUESTS },
	{ "FOO sip:x SIP/2.0\r\n", SIPSTAT_C_OTHER },
	{ "invite sip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_OTHER },
	{ "INVITEsip:bob@example.com SIP/2.0\r\n", SIPSTAT_C_OTHER },
	{ "REGISTERED sip:example.com SIP/2.0\r\n", SIPSTAT_C_OTHER },
};

static void test_malformed(void)
{
	run_payloads("status", malformed_cases,
		     sizeof(malformed_cases) / sizeof(malformed_cases[0]));
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
	int v6, want, code;

	for (v6 = 0; v6 <= 1; v6++) {
		for (n = 0; n <= SIPSTAT_STATUS_PREFIX_LEN; n++) {
			frame_spec_init(&s);
			s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
			s.payload = line;
			s.payload_len = n;
			code = 0;
			if (n == 0)
				want = SIPSTAT_C_OTHER;
			else if (n < SIPSTAT_STATUS_PREFIX_LEN)
				want = SIPSTAT_C_TRUNCATED;
			else
				want = SIPSTAT_C_RESPONSES, code = 200;
			snprintf(name, sizeof(name), "%s: status line cut to %zu bytes -> %s",
				 v6 ? "ipv6" : "ipv4", n, parser_counter_name(want));
			run_spec(name, &s, (v6 ? SIP6 : SIP4) | 1u << want, code);
		}
	}
}

static void set_port(uint16_t port, bool on)
{
	__u64 bit = 1ULL << (port % 64);

	if (on)
		skel->data->sip_ports[port / 64] |= bit;
	else
		skel->data->sip_ports[port / 64] &= ~bit;
}

/* Rewrite the port set through the mmap'ed .data while loaded. */
static void test_port_set(void)
{
	static __u64 saved[SIPSTAT_PORT_WORDS];
	struct frame_spec s;

	_Static_assert(sizeof(saved) == sizeof(skel->data->sip_ports), "port set size");
	memcpy(saved, skel->data->sip_ports, sizeof(saved));

	set_port(5060, false);
	set_port(5062, true);
	set_port(15060, true);

	frame_spec_init(&s);
	s.payload = "SIP/2.0 486 Busy Here\r\n\r\n";
	s.payload_len = strlen(s.payload);

	s.sport = s.dport = 5062;
	run_spec("ports {5062,15060}: 5062 <-> 5062 counted", &s, RESP4, 486);
	s.sport = 40000;
	s.dport = 15060;
	run_spec("ports {5062,15060}: 40000 -> 15060 counted", &s, RESP4, 486);
	s.sport = 15060;
	s.dport = 40000;
	s.l3 = FR_L3_IPV6;
	run_spec("ports {5062,15060}: ipv6 15060 -> 40000 counted", &s, RESP6, 486);
	s.l3 = FR_L3_IPV4;
	s.sport = s.dport = 5060;
	run_spec("ports {5062,15060}: 5060 <-> 5060 not counted", &s, W4, 0);

	memcpy(skel->data->sip_ports, saved, sizeof(saved));
	run_spec("ports restored: 5060 <-> 5060 counted", &s, RESP4, 486);
	s.sport = s.dport = 5062;
	run_spec("ports restored: 5062 <-> 5062 not counted", &s, W4, 0);
}

int main(int argc, char **argv)
{
	char name[256];
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-v") == 0)
			verbose = true;

	if (geteuid() != 0) {
		h_skip("bpf_prog_test_run",
		       "needs root (run as root or with CAP_BPF+CAP_NET_ADMIN)");
		return 0;
	}
	libbpf_set_print(libbpf_print);

	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		snprintf(name, sizeof(name), "libbpf_num_possible_cpus: %s",
			 strerror(ncpus < 0 ? -ncpus : EINVAL));
		h_result(name, false);
		return h_exit();
	}
	percpu_buf = calloc((size_t)ncpus, sizeof(struct sipstat_counters));
	if (!percpu_buf) {
		h_result("allocate per-CPU buffer", false);
		return h_exit();
	}

	skel = sipstat_bpf__open_and_load();
	if (!skel) {
		int err = errno;

		snprintf(name, sizeof(name), "load sipstat.bpf.o: %s (errno %d)",
			 strerror(err), err);
		h_result(name, false);
		free(percpu_buf);
		return h_exit();
	}
	prog_fd = bpf_program__fd(skel->progs.sipstat_xdp);
	parser_fd = bpf_map__fd(skel->maps.sip_parser);
	codes_fd = bpf_map__fd(skel->maps.sip_codes);

	test_layers();
	test_codes();
	test_malformed();
	test_truncation();
	test_requests();
	test_port_set();

	sipstat_bpf__destroy(skel);
	free(percpu_buf);
	return h_exit();
}

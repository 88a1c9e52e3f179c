// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Differential fuzzer of the XDP program (libFuzzer, clang -fsanitize=fuzzer):
 * every input becomes one frame, the frame goes through the loaded
 * program with BPF_PROG_TEST_RUN and through the reference decoder
 * (ref_decoder.c), and the two must agree exactly:
 *
 *   - verdict XDP_PASS, the frame handed back unchanged (length and bytes);
 *   - each of the 12 parser counters went up by what the decoder says
 *     (0 or 1) and the status code slot it names by one, every other
 *     slot by nothing.
 *
 * Anything else prints the frame and both sides, and abort()s, so that
 * libFuzzer saves the input as a crash-* file.
 *
 * Input format, first byte = mode:
 *   bit 0     0: raw, the rest of the input is the whole frame
 *             1: structured, 12 header bytes choose the frame's layers
 *                (frames.c builds it) and the rest is the UDP payload
 *   bits 1-2  SIP port set: 0 {5060}, 1 {5060,5062,15060},
 *             2 {0,1,63,64,5060,65534,65535}, 3 every port
 * Structured header (missing bytes read as 0), see build_structured().
 *
 * Needs root; loads the program once per process.  Run as
 *   make fuzz [FUZZ_SECONDS=300]          or
 *   build/fuzz/fuzz_xdp -max_len=1600 -dict=tests/fuzz/sip.dict CORPUS_DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "frames.h"
#include "ref_decoder.h"
#include "xdprun.h"

#define STRUCT_HDR 12

static struct xdprun X;
static int port_set = -1;

/*
 * Counter checks.  The 12 parser counters and the expected code slot are
 * read after every frame (two cheap lookups).  Reading all 700 code slots
 * costs ~180 us (a batch lookup of a per-CPU array), so that is done
 * every RING frames: the totals must equal the sum of what the decoder
 * said.  If not, the last RING inputs are replayed one by one with a full
 * read each, which names the frame that bumped a wrong slot.
 */
#define RING 128
#define RING_INPUT_MAX (XDPRUN_FRAME_MAX + 64)

static struct xdprun_counts expect;	/* totals if the program is right */
static struct {
	size_t size;
	uint8_t data[RING_INPUT_MAX];
} ring[RING];
static size_t ring_n;
static bool replaying;
static const uint8_t *cur_input;
static size_t cur_size;
static char artifact_prefix[1024] = "./";

static const uint16_t set1[] = { 5060, 5062, 15060 };
static const uint16_t set2[] = { 0, 1, 63, 64, 5060, 65534, 65535 };
static const uint16_t set0[] = { 5060 };

static const struct ref_ports port_sets[4] = {
	{ .list = set0, .n = 1 },
	{ .list = set1, .n = sizeof(set1) / sizeof(set1[0]) },
	{ .list = set2, .n = sizeof(set2) / sizeof(set2[0]) },
	{ .all = true },
};

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* libFuzzer's signature: argc and argv may be changed here (we do not). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
// cppcheck-suppress constParameter
int LLVMFuzzerInitialize(int *argc, char ***argv) // NOLINT(readability-non-const-parameter)
{
	char err[256];

	int i;

	for (i = 1; i < *argc; i++)
		if (!strncmp((*argv)[i], "-artifact_prefix=", 17))
			snprintf(artifact_prefix, sizeof(artifact_prefix), "%s", (*argv)[i] + 17);
	if (geteuid() != 0) {
		fprintf(stderr, "fuzz_xdp: needs root (BPF_PROG_TEST_RUN); run as root\n");
		exit(1);
	}
	libbpf_set_print(quiet_print);
	if (xdprun_open(&X, err, sizeof(err))) {
		fprintf(stderr, "fuzz_xdp: %s\n", err);
		exit(1);
	}
	if (xdprun_read(&X, &expect)) {
		fprintf(stderr, "fuzz_xdp: cannot read the counters: %s\n", strerror(errno));
		exit(1);
	}
	return 0;
}

/* Byte i of the structured header, 0 past the end of the input. */
static uint8_t hb(const uint8_t *h, size_t n, size_t i)
{
	return i < n ? h[i] : 0;
}

/* 16 interesting ports, plus a small offset from the high nibble. */
static uint16_t pick_port(uint8_t s)
{
	static const uint16_t table[16] = {
		5060, 5062, 15060, 0, 65520, 40000, 53, 5061,
		63, 64, 1, 5059, 5070, 65535, 128, 443,
	};

	return (uint16_t)(table[s & 15] + (s >> 4));
}

/*
 * Structured input: header bytes h[0..11], then the payload.
 *   h0  bits 0-1 L3 (IPv4, IPv6, ARP, raw EtherType), 2-3 VLAN tags (0..3),
 *       4-6 802.1ad TPID for tag 0..2, 7: also cut the frame to h8 bytes
 *   h1  IPv4: bits 0-3 option words (0..10), 4 IHL override (h2), 5-7 fragment
 *       IPv6: bits 0-2 extension headers (0..7)
 *   h2  IPv4: IHL override value; IPv6: types of headers 0-3 (2 bits each);
 *       raw L3: EtherType (low 3 bits)
 *   h3  IPv4: fragment offset for modes 5/6; IPv6: types of headers 4-7
 *   h4  IPv6: bit i: header i is 24 bytes (Hdr Ext Len 2) instead of 8;
 *       fragment header: offset = h4 >> 4, M = bit 3
 *   h5  source port, h6 destination port (pick_port)
 *   h7  UDP length: bits 6-7 mode (exact, h7&63, exact+(h7&63), exact-(h7&63))
 *   h8  bits 6-7: 0 nothing, 1 cut to h8&63 bytes, 2 cut (h8&63) bytes off
 *       the end, 3 pad to 60+(h8&63)
 *   h9  XOR mask applied to byte h10 (mod length) of the final frame
 *   h11 bits 0-1 L4 (UDP, TCP, raw, UDP), bits 2-7 IP protocol override
 */
static size_t build_structured(const uint8_t *h, size_t n, uint8_t *buf, size_t cap)
{
	static const uint16_t ethertypes[8] = {
		0x0800, 0x86dd, 0x8100, 0x88a8, 0x0806, 0x88b5, 0x0000, 0xffff,
	};
	static const uint8_t ext_types[4] = {
		FR_EXT6_HOPOPTS, FR_EXT6_ROUTING, FR_EXT6_FRAGMENT, FR_EXT6_DSTOPTS,
	};
	struct frame_spec s;
	uint8_t h0 = hb(h, n, 0), h1 = hb(h, n, 1), h7 = hb(h, n, 7), h8 = hb(h, n, 8);
	size_t len, payload_len = n > STRUCT_HDR ? n - STRUCT_HDR : 0;
	int i;

	frame_spec_init(&s);
	s.l3 = (enum frame_l3)(h0 & 3);
	s.n_vlan = (h0 >> 2) & 3;
	for (i = 0; i < s.n_vlan; i++)
		s.vlan_tpid[i] = (h0 >> (4 + i)) & 1 ? FR_TPID_8021AD : FR_TPID_8021Q;
	s.payload = payload_len ? h + STRUCT_HDR : NULL;
	s.payload_len = payload_len;
	s.sport = pick_port(hb(h, n, 5));
	s.dport = pick_port(hb(h, n, 6));
	s.l4 = (hb(h, n, 11) & 3) == 3 ? FR_L4_UDP : (enum frame_l4)(hb(h, n, 11) & 3);
	s.ip_proto = hb(h, n, 11) >> 2;

	switch (s.l3) {
	case FR_L3_IPV4:
		s.ip4_opt_len = (size_t)((h1 & 15) > 10 ? 10 : h1 & 15) * 4;
		if (h1 & 0x10)
			s.ip4_ihl = hb(h, n, 2) & 0x1f;
		switch (h1 >> 5) {
		case 1: s.ip4_frag = FR_IP4_DF; break;
		case 2: s.ip4_frag = FR_IP4_MF; break;
		case 3: s.ip4_frag = FR_IP4_OFF(1); break;
		case 4: s.ip4_frag = FR_IP4_MF | FR_IP4_OFF(185); break;
		case 5: s.ip4_frag = FR_IP4_OFF(hb(h, n, 3)); break;
		case 6: s.ip4_frag = FR_IP4_MF | FR_IP4_OFF(hb(h, n, 3)); break;
		case 7: s.ip4_frag = FR_IP4_DF | FR_IP4_OFF(8191); break;
		default: break;
		}
		break;
	case FR_L3_IPV6:
		s.n_ext6 = h1 & 7;
		for (i = 0; i < s.n_ext6; i++) {
			uint8_t t = hb(h, n, 2 + i / 4), h4 = hb(h, n, 4);

			s.ext6[i].type = ext_types[(t >> (2 * (i % 4))) & 3];
			s.ext6[i].hdrlen = (h4 >> i) & 1 ? 2 : 0;
			s.ext6[i].frag_off = h4 >> 4;
			s.ext6[i].more = (h4 >> 3) & 1;
			s.ext6[i].frag_id = 0x5151;
		}
		break;
	case FR_L3_RAW:
		s.ethertype = ethertypes[hb(h, n, 2) & 7];
		break;
	default:
		break;
	}

	switch (h7 >> 6) {
	case 1:
		s.udp_len_set = true;
		s.udp_len = h7 & 63;
		break;
	case 2:
		s.udp_len_set = true;
		s.udp_len = (uint16_t)(8 + payload_len + (h7 & 63));
		break;
	case 3:
		s.udp_len_set = true;
		s.udp_len = (uint16_t)(8 + payload_len > (h7 & 63u) ? 8 + payload_len - (h7 & 63) : 0);
		break;
	default:
		break;
	}
	if (h8 >> 6 == 3)
		s.pad_to = 60 + (h8 & 63);

	len = frame_build(buf, cap, &s);
	if (!len)
		return 0;
	if (h8 >> 6 == 1 && (h8 & 63) && (size_t)(h8 & 63) < len)
		len = h8 & 63;
	else if (h8 >> 6 == 2 && (size_t)(h8 & 63) < len)
		len -= h8 & 63;
	if ((h0 & 0x80) && (size_t)h8 < len && h8)
		len = h8;
	if (hb(h, n, 9) && len)
		buf[hb(h, n, 10) % len] ^= hb(h, n, 9);
	return len;
}

static void hexdump(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : (i ? "\n  " : "  "), p[i]);
	fputc('\n', stderr);
}


static void save_input(void)
{
	char path[1100];
	FILE *f;

	snprintf(path, sizeof(path), "%smismatch-replayed-%d", artifact_prefix, (int)getpid());
	f = fopen(path, "wb");
	if (f && fwrite(cur_input, 1, cur_size, f) == cur_size && fclose(f) == 0)
		fprintf(stderr, "  the input is saved as %s (libFuzzer's crash file is "
				"a later input)\n", path);
}

static void fail(const char *what, const uint8_t *frame, size_t len, int set,
		 const struct ref_result *want, const __u64 *got_c, int got_code)
{
	char w[160], g[160];
	uint32_t got = 0;
	int i;

	for (i = 0; i < SIPSTAT_C_MAX; i++)
		if (got_c[i])
			got |= 1u << i;
	ref_counters_string(want->counters, w, sizeof(w));
	ref_counters_string(got, g, sizeof(g));
	fprintf(stderr, "\nfuzz_xdp: MISMATCH: %s\n", what);
	fprintf(stderr, "  port set %d, frame of %zu bytes:\n", set, len);
	hexdump(frame, len);
	fprintf(stderr, "  reference decoder: %s code %d\n", w, want->code);
	fprintf(stderr, "  XDP program:       %s code %d (deltas:", g, got_code);
	for (i = 0; i < SIPSTAT_C_MAX; i++)
		fprintf(stderr, " %llu", (unsigned long long)got_c[i]);
	fprintf(stderr, ")\n");
	if (replaying)
		save_input();
	abort();
}

static void die(const char *what, int e)
{
	fprintf(stderr, "fuzz_xdp: %s: %s\n", what, strerror(-e));
	abort();
}

/* The one check: program and decoder agree on this frame. */
static void check_frame(const uint8_t *frame, size_t len, int set, bool full)
{
	static struct xdprun_counts now;
	__u64 got_c[SIPSTAT_C_MAX], slot;
	struct ref_result want;
	struct xdprun_result res;
	int e, i, got_code = -1;
	bool bad = false;

	if (len == 0 || len > XDPRUN_FRAME_MAX)
		return;
	if (set != port_set) {
		xdprun_set_ports(&X, port_sets[set].all, port_sets[set].list, port_sets[set].n);
		port_set = set;
	}
	ref_decode(frame, len, &port_sets[set], &want);

	e = xdprun_frame(&X, frame, len, &res);
	if (e)
		die("BPF_PROG_TEST_RUN", e);
	e = full ? xdprun_read(&X, &now) : xdprun_read_parser(&X, now.c);
	if (e)
		die("reading the counters", e);
	for (i = 0; i < SIPSTAT_C_MAX; i++) {
		got_c[i] = now.c[i] - expect.c[i];
		if (got_c[i] != ((want.counters >> i) & 1))
			bad = true;
		expect.c[i] = now.c[i];
	}
	if (full) {
		for (i = 0; i < SIPSTAT_CODE_SLOTS; i++) {
			__u64 d = now.code[i] - expect.code[i];

			if (d)
				got_code = i;
			if (d != (uint64_t)(want.code != 0 && i == want.code))
				bad = true;
		}
		if (got_code < 0)
			got_code = 0;
	} else if (want.code) {
		e = xdprun_read_code(&X, (__u32)want.code, &slot);
		if (e)
			die("reading a code slot", e);
		if (slot != expect.code[want.code] + 1)
			bad = true;
		got_code = slot == expect.code[want.code] + 1 ? want.code : -1;
	} else {
		got_code = 0;	/* checked with the next full read */
	}

	if (res.retval != XDP_PASS)
		fail("verdict is not XDP_PASS", frame, len, set, &want, got_c, got_code);
	if (!res.unchanged)
		fail("frame handed back changed", frame, len, set, &want, got_c, got_code);
	if (res.seen_len != len)
		fail("the program did not see the frame's length", frame, len, set, &want,
		     got_c, got_code);
	if (bad)
		fail("counters differ", frame, len, set, &want, got_c, got_code);
	if (full)
		memcpy(expect.code, now.code, sizeof(expect.code));
	else if (want.code)
		expect.code[want.code]++;
}

static void run_input(const uint8_t *data, size_t size, bool full)
{
	static uint8_t buf[XDPRUN_FRAME_MAX];
	size_t len;
	int set;

	if (size < 1)
		return;
	cur_input = data;
	cur_size = size;
	set = (data[0] >> 1) & 3;
	if (!(data[0] & 1)) {
		check_frame(data + 1, size - 1, set, full);
		return;
	}
	len = build_structured(data + 1, size - 1, buf, sizeof(buf));
	check_frame(buf, len, set, full);
}

/* Every RING inputs: all 700 slots against the decoder's totals. */
static void full_compare(void)
{
	static struct xdprun_counts now;
	size_t i;
	int e, k, diffs = 0;

	e = xdprun_read(&X, &now);
	if (e)
		die("reading the counters", e);
	for (k = 0; k < SIPSTAT_CODE_SLOTS; k++)
		if (now.code[k] != expect.code[k])
			diffs++;
	if (diffs) {
		fprintf(stderr, "fuzz_xdp: %d code slots differ from the decoder's totals "
				"after the last %zu inputs: replaying them\n", diffs, ring_n);
		expect = now;
		replaying = true;
		for (i = 0; i < ring_n; i++)
			run_input(ring[i].data, ring[i].size, true);
		fprintf(stderr, "fuzz_xdp: MISMATCH: code slots went wrong within the last %zu "
				"inputs but no single input reproduces it\n", ring_n);
		abort();
	}
	ring_n = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > RING_INPUT_MAX) {	/* cannot be replayed: check it fully now */
		run_input(data, size, true);
		return 0;
	}
	memcpy(ring[ring_n].data, data, size);
	ring[ring_n].size = size;
	ring_n++;
	run_input(data, size, false);
	if (ring_n == RING)
		full_compare();
	return 0;
}

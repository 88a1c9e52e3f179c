// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * In-kernel cost per frame of three XDP programs side by side, with
 * BPF_PROG_TEST_RUN:
 *
 *   empty     return XDP_PASS (empty.bpf.c): the test-run loop itself
 *   minimal   the least work that counts a SIP response by code
 *             (minimal.bpf.c): the floor sipstat is held against
 *   sipstat   the real program, from its skeleton
 *
 * One interleaved run: in every round, for every frame kind, each
 * program runs the same frame REPEAT times in one call, and the order of
 * the three programs rotates from round to round.  Every figure is a
 * median over rounds; every ratio is the median of the per-round ratios,
 * each taken between runs of the same round, so a slow stretch of the
 * machine moves numerator and denominator together.
 *
 * The reference of the ratio depends on the frame:
 *   SIP port    the minimal counter on the IPv4 SIP response: what a
 *               counted SIP datagram costs at the least
 *   off port    the larger of empty and minimal on the same frame: what
 *               passing a frame that is not counted costs at the least
 * SIP over TCP and inside a tunnel are held against the IPv4 response
 * too, with no target.
 *
 * Before timing, every frame is run once through sipstat and minimal and
 * their counters must show the intended path (a response under its code,
 * a request of its method, other, or nothing at all), so a frame that
 * takes a shortcut cannot make a fast number.
 *
 *   bench_prog [--quick] [-r ROUNDS] [-n REPEAT] [-k TEXT] [-f FLAGS]
 *              [-e EMPTY.bpf.o] [-m MINIMAL.bpf.o] [-j OUT.json] [-c OUT.csv]
 *              [-d DIR]
 *
 * empty.bpf.o and minimal.bpf.o are looked for next to this executable
 * unless given.  -k TEXT measures only the frame kinds whose name contains
 * TEXT (and the IPv4 response, the reference).  -f FLAGS sets sipstat's
 * settings flags (SIPSTAT_CFG_*: what it reads beyond the status line)
 * before it is loaded, to measure what each costs.  -d DIR writes the JIT
 * image of each program, disassembled, to DIR/<program>.jited.txt (x86-64,
 * objdump).  Root (CAP_BPF and CAP_NET_ADMIN).  Exit 0 when measured
 * (targets are reported, not enforced), 1 on an error, 2 on a usage
 * error.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipstat.h"
#include "../../bpf/consts.h"	/* the tunnel ports the program knows */
#include "sipstat.skel.h"
#include "frames.h"
#include "reader.h"
#include "sipmsg.h"

#define BENCH_NAME "bench_prog"
#include "common.h"

#define FRAME_CAP 2048
#define ETH_HLEN 14
#define MAX_ROUNDS 1000
#define MIN_CODES 700		/* minimal.bpf.c's min_codes entries */

/* Targets: sipstat against the minimal counter. */
#define TARGET_V4_RESPONSE 1.25	/* IPv4 SIP response / minimal's IPv4 response */
#define TARGET_SIP 1.5		/* other SIP-port frames / minimal's IPv4 response */
#define TARGET_OFF_PORT 1.15	/* off the SIP ports / max(empty, minimal), same frame */

enum prog_id { P_EMPTY, P_MINIMAL, P_SIPSTAT, P_MAX };
static const char *const prog_names[P_MAX] = { "empty", "minimal", "sipstat" };

/* Which target a frame is held to. */
enum group {
	G_V4_RESPONSE,		/* the IPv4 SIP response: also the SIP reference */
	G_SIP,			/* other datagrams on a SIP port */
	G_OFF_PORT,		/* not UDP on a SIP port */
	G_LATER,		/* SIP over TCP, in a tunnel: measured, no target yet */
};

/* What sipstat must count for the frame. */
enum expect { E_NOTHING, E_CODE_200, E_REQUEST, E_OTHER };

struct bcase {
	const char *name;
	enum group group;
	enum expect expect;
	__u32 method;		/* E_REQUEST: row of the request */
	int also;		/* ALSO(outcome) that grows besides, 0: none */
	__u32 needs;		/* settings flags (SIPSTAT_CFG_*) the path needs */
	bool on;		/* measured in this run (-k, -f) */
	struct frame_spec spec;
	/* filled at run time */
	unsigned char frame[FRAME_CAP];
	size_t len;
	double ns[P_MAX][MAX_ROUNDS];	/* CPU-clock ns per run */
	double dur[P_MAX][MAX_ROUNDS];	/* opts.duration, whole ns */
	double ratio[MAX_ROUNDS];	/* sipstat / reference, per round */
	double vs_min[MAX_ROUNDS];	/* sipstat / minimal, same frame */
	double vs_empty[MAX_ROUNDS];	/* sipstat / empty, same frame */
};

#define ALSO(outcome) ((outcome) + 1)

static char sip_resp[512], sip_req[512], sip_ext_req[512];
/* 400-byte responses whose CSeq is the 6th header, and the last of 15. */
static char sip_cseq6[512], sip_cseq15[512];
static bool methods_on;		/* sipstat reads the CSeq method (SIPSTAT_CFG_METHODS) */

/*
 * "SIP/2.0 200 OK", the headers of names[] (the one called "Pad" padded
 * so the message is len bytes long), CSeq after the first n_before, then
 * the blank line.  0 when it does not fit.
 */
static size_t cseq_message(char *buf, size_t cap, int n_before, size_t len)
{
	static const char *const hdr[] = {
		"Via: SIP/2.0/UDP 198.18.0.1;branch=z9hG4bK1",
		"From: <sip:a@x>;tag=1",
		"To: <sip:b@x>;tag=2",
		"Call-ID: c1@198.18.0.1",
		"Pad",
		"Via: SIP/2.0/UDP 198.18.0.9",
		"Max-Forwards: 70",
		"Contact: <sip:b@198.19.0.2>",
		"Allow: INVITE",
		"Supported: timer",
		"Accept: application/sdp",
		"Expires: 60",
		"Require: 100rel",
		"Content-Length: 0",
	};
	size_t n = 0, fixed = strlen("SIP/2.0 200 OK\r\n") + strlen("CSeq: 314159 INVITE\r\n") + 2;
	int i;

	for (i = 0; i < n_before; i++)
		fixed += strlen(hdr[i]) + 2 + (strcmp(hdr[i], "Pad") == 0 ? strlen("Server: ") - 3 : 0);
	if (fixed > len || len >= cap)
		return 0;
	n += (size_t)snprintf(buf + n, cap - n, "SIP/2.0 200 OK\r\n");
	for (i = 0; i < n_before; i++) {
		if (strcmp(hdr[i], "Pad") == 0) {
			n += (size_t)snprintf(buf + n, cap - n, "Server: ");
			memset(buf + n, 'x', len - fixed);
			n += len - fixed;
			n += (size_t)snprintf(buf + n, cap - n, "\r\n");
		} else {
			n += (size_t)snprintf(buf + n, cap - n, "%s\r\n", hdr[i]);
		}
	}
	n += (size_t)snprintf(buf + n, cap - n, "CSeq: 314159 INVITE\r\n\r\n");
	return n == len ? n : 0;
}
/* VXLAN header (RFC 7348: I flag, VNI 42), then the IPv4 SIP response frame. */
static unsigned char vxlan[8 + FRAME_CAP] = { 0x08, 0, 0, 0, 0, 0, 42, 0 };
/*
 * The other tunnels, around the IPv4 response's IP packet (the IPv6 one
 * for IPv6 in IP): each header as the parser wants it, its length fields
 * filled in when the inner packet is known.
 */
static unsigned char gtpu[8 + FRAME_CAP] = { 0x30, 0xff, 0, 0, 0, 0, 0, 1 };
static unsigned char gre[4 + FRAME_CAP] = { 0x00, 0x00, 0x08, 0x00 };
static unsigned char ipip[FRAME_CAP], ip6ip[FRAME_CAP];
static unsigned char pppoe[8 + FRAME_CAP] = { 0x11, 0x00, 0x12, 0x34, 0, 0, 0x00, 0x21 };
static unsigned char mpls[4 + FRAME_CAP] = { 0x00, 0x01, 0x01, 0x40 };	/* bottom of stack */
static struct tunnel {
	unsigned char *buf;
	size_t hdr;		/* the tunnel's own header, before the inner packet */
	int inner;		/* the case whose IP packet it carries */
} tunnels[] = {
	{ vxlan, 8, -1 },	/* the whole IPv4 response frame, Ethernet included */
	{ gtpu, 8, 0 }, { gre, 4, 0 }, { ipip, 0, 0 }, { ip6ip, 0, 1 }, { pppoe, 8, 0 },
	{ mpls, 4, 0 },
};
static const unsigned char rtp[172] = { 0x80, 0x00, 0x12, 0x34, 0, 0, 0x03, 0x20,
					0xde, 0xad, 0xbe, 0xef };
/* STUN Binding Request (RFC 5389), 20 bytes: a non-SIP payload on port 5060. */
static const unsigned char stun[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42,
					1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static const unsigned char tls_rec[120] = { 0x17, 0x03, 0x03, 0x00, 0x73 };

#define CASEX(n, g, e, m, a, f, ...)                                           \
	{ .name = (n), .group = (g), .expect = (e), .method = (m), .also = (a), .needs = (f), \
	  .spec = { __VA_ARGS__ } }
#define CASE(n, g, e, m, ...) CASEX(n, g, e, m, 0, 0, __VA_ARGS__)
#define SIP_PORTS .sport = 5060, .dport = 5060
#define RTP_PORTS .sport = 16384, .dport = 16386, .payload = rtp, .payload_len = sizeof(rtp)

/* The IPv4 SIP response must stay first: it is the reference of the SIP kinds. */
static struct bcase cases[] = {
	CASE("ipv4 SIP response 200", G_V4_RESPONSE, E_CODE_200, 0, SIP_PORTS,
	     .payload = sip_resp),
	CASE("ipv6 SIP response 200", G_SIP, E_CODE_200, 0, SIP_PORTS, .payload = sip_resp,
	     .l3 = FR_L3_IPV6),
	CASE("ipv6+HBH+DST ext SIP response", G_SIP, E_CODE_200, 0, SIP_PORTS,
	     .payload = sip_resp, .l3 = FR_L3_IPV6, .n_ext6 = 2,
	     .ext6 = { { .type = FR_EXT6_HOPOPTS }, { .type = FR_EXT6_DSTOPTS } }),
	CASE("2 VLAN tags ipv4 SIP response", G_SIP, E_CODE_200, 0, SIP_PORTS,
	     .payload = sip_resp, .n_vlan = 2, .vlan_tpid = { FR_TPID_8021AD, FR_TPID_8021Q },
	     .vlan_id = { 100, 200 }),
	CASE("ipv4 SIP request INVITE", G_SIP, E_REQUEST, SIPSTAT_M_INVITE, SIP_PORTS,
	     .payload = sip_req),
	CASE("ipv4 SIP request (extension)", G_SIP, E_REQUEST, SIPSTAT_M_OTHER, SIP_PORTS,
	     .payload = sip_ext_req),
	CASE("ipv4 udp 5060 non-SIP (STUN)", G_SIP, E_OTHER, 0, SIP_PORTS, .payload = stun,
	     .payload_len = sizeof(stun)),
	CASE("ipv4 udp 5060 CRLF keep-alive", G_SIP, E_OTHER, 0, SIP_PORTS,
	     .payload = "\r\n\r\n", .payload_len = 4),
	CASE("ipv4 response, CSeq 6th header", G_LATER, E_CODE_200, 0, SIP_PORTS,
	     .payload = sip_cseq6),
	CASE("ipv4 response, CSeq last of 15", G_LATER, E_CODE_200, 0, SIP_PORTS,
	     .payload = sip_cseq15),
	CASEX("ipv4 TCP SIP response 200", G_LATER, E_CODE_200, 0,
	      ALSO(SIPSTAT_O_TCP_SEGMENTS), SIPSTAT_CFG_TCP, SIP_PORTS, .l4 = FR_L4_TCP,
	      .payload = sip_resp),
	CASEX("VXLAN ipv4 SIP response 200", G_LATER, E_CODE_200, 0,
	      ALSO(SIPSTAT_O_ENCAP_VXLAN), SIPSTAT_CFG_VXLAN, .sport = 40000,
	      .dport = SIPSTAT_VXLAN_PORT, .payload = vxlan),
	CASEX("GTP-U ipv4 SIP response 200", G_LATER, E_CODE_200, 0,
	      ALSO(SIPSTAT_O_ENCAP_GTPU), SIPSTAT_CFG_GTPU, .sport = SIPSTAT_GTPU_PORT,
	      .dport = SIPSTAT_GTPU_PORT, .payload = gtpu),
	CASEX("GRE ipv4 SIP response 200", G_LATER, E_CODE_200, 0, ALSO(SIPSTAT_O_ENCAP_GRE),
	      SIPSTAT_CFG_GRE, .l4 = FR_L4_RAW, .ip_proto = 47, .payload = gre),
	CASEX("IPIP ipv4 SIP response 200", G_LATER, E_CODE_200, 0, ALSO(SIPSTAT_O_ENCAP_IPIP),
	      SIPSTAT_CFG_IPIP, .l4 = FR_L4_RAW, .ip_proto = 4, .payload = ipip),
	CASEX("IPv6-in-IPv4 SIP response 200", G_LATER, E_CODE_200, 0,
	      ALSO(SIPSTAT_O_ENCAP_IPIP), SIPSTAT_CFG_IPIP, .l4 = FR_L4_RAW, .ip_proto = 41,
	      .payload = ip6ip),
	CASEX("PPPoE ipv4 SIP response 200", G_LATER, E_CODE_200, 0, ALSO(SIPSTAT_O_ENCAP_PPPOE),
	      SIPSTAT_CFG_PPPOE, .l3 = FR_L3_RAW, .ethertype = 0x8864, .payload = pppoe),
	CASEX("MPLS ipv4 SIP response 200", G_LATER, E_CODE_200, 0, ALSO(SIPSTAT_O_ENCAP_MPLS),
	      SIPSTAT_CFG_MPLS, .l3 = FR_L3_RAW, .ethertype = 0x8847, .payload = mpls),
	CASE("ipv4 tcp 443 (not UDP)", G_OFF_PORT, E_NOTHING, 0, .l4 = FR_L4_TCP, .sport = 443,
	     .dport = 40000, .payload = tls_rec, .payload_len = sizeof(tls_rec)),
	CASE("ipv4 udp non-SIP port (RTP)", G_OFF_PORT, E_NOTHING, 0, RTP_PORTS),
	CASE("ipv6 udp non-SIP port (RTP)", G_OFF_PORT, E_NOTHING, 0, RTP_PORTS,
	     .l3 = FR_L3_IPV6),
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

struct prog {
	int fd;
	int counts_fd;		/* the counter map, -1 for empty */
	__u32 xlated_insns, jited_bytes, verified_insns;
	int jited_insns;	/* -1: not disassembled */
};

static struct prog progs[P_MAX];
static struct reader rd;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Percentile (0..100) of n values, linear between neighbours; v untouched. */
static double pct(const double *v, int n, double p)
{
	double tmp[MAX_ROUNDS], pos, frac;
	int lo;

	memcpy(tmp, v, (size_t)n * sizeof(*v));
	qsort(tmp, (size_t)n, sizeof(*tmp), cmp_double);
	pos = p / 100.0 * (n - 1);
	lo = (int)pos;
	frac = pos - lo;
	return lo + 1 < n ? tmp[lo] * (1 - frac) + tmp[lo + 1] * frac : tmp[lo];
}

static double thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * One BPF_PROG_TEST_RUN of repeat runs.  Returns the mean ns per run from
 * this thread's CPU clock around the call (to 0.01 ns: the syscall and
 * set-up add a few microseconds per call, < 0.01 ns per run at 10^5);
 * *dur gets opts.duration, the kernel's own mean in whole ns.
 */
static double run_once(int prog_fd, const struct bcase *c, __u32 repeat, double *dur)
{
	static unsigned char out[FRAME_CAP + 256];
	double t0, t;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = c->frame, .data_size_in = (__u32)c->len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = repeat);

	t0 = thread_ns();
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		die("BPF_PROG_TEST_RUN on \"%s\": %s", c->name, strerror(errno));
	t = (thread_ns() - t0) / repeat;
	if (opts.retval != XDP_PASS)
		die("\"%s\": verdict %u, want XDP_PASS", c->name, opts.retval);
	if (dur)
		*dur = (double)opts.duration;
	return t;
}

static void read_counts(int fd, __u32 nkeys, uint64_t *out, const char *what)
{
	int e = reader_percpu_u64(&rd, fd, nkeys, out);

	if (e)
		die("read %s: %s", what, strerror(-e));
}

/*
 * Run the frame once through prog p and return how its counters changed:
 * *keys the number of keys that changed, *key the last one, *delta its
 * change (the sum over all keys).
 */
static void path_of(int p, const struct bcase *c, __u32 nkeys, __u32 *keys, __u32 *key,
		    __u64 *delta)
{
	uint64_t *before = calloc(nkeys, sizeof(*before)), *after = calloc(nkeys, sizeof(*after));
	__u32 k;

	if (!before || !after)
		die("out of memory");
	read_counts(progs[p].counts_fd, nkeys, before, prog_names[p]);
	run_once(progs[p].fd, c, 1, NULL);
	read_counts(progs[p].counts_fd, nkeys, after, prog_names[p]);
	*keys = 0;
	*key = 0;
	*delta = 0;
	for (k = 0; k < nkeys; k++) {
		if (after[k] != before[k]) {
			(*keys)++;
			*key = k;
			*delta += after[k] - before[k];
		}
	}
	free(before);
	free(after);
}

/* A key of sip_counts, for messages. */
struct key3 {
	__u32 dir, method, slot;
};

static struct key3 key3(__u32 key)
{
	struct key3 k = { key / SIPSTAT_ROW_SLOTS / SIPSTAT_M_MAX,
			  key / SIPSTAT_ROW_SLOTS % SIPSTAT_M_MAX, key % SIPSTAT_ROW_SLOTS };

	return k;
}

/* Whether the one key a frame's main count goes to is the one its kind expects. */
static bool main_key_ok(const struct bcase *c, struct key3 k)
{
	if (k.dir != SIPSTAT_DIR_IN)
		return false;
	switch (c->expect) {
	case E_CODE_200:	/* any method row: the CSeq may or may not be read */
		if (methods_on && (c->spec.payload == sip_cseq6 || c->spec.payload == sip_cseq15))
			return k.slot == 200 && k.method == SIPSTAT_M_INVITE;	/* it must be */
		return k.slot == 200;
	case E_REQUEST:
		return k.slot == SIPSTAT_O_REQUESTS && k.method == c->method;
	case E_OTHER:
		return k.slot == SIPSTAT_O_OTHER && k.method == SIPSTAT_M_UNKNOWN;
	default:
		return false;
	}
}

/*
 * The frame must take the path its name says, in sipstat and in minimal:
 * sipstat's counters grow by one in the key the kind expects (none for
 * E_NOTHING), and by one in the outcome c->also names, and nowhere else.
 */
static void check_path(const struct bcase *c)
{
	uint64_t *before = calloc((size_t)SIPSTAT_COUNT_KEYS, sizeof(*before));
	uint64_t *after = calloc((size_t)SIPSTAT_COUNT_KEYS, sizeof(*after));
	__u32 k, keys = 0, want = (c->expect != E_NOTHING) + (c->also != 0), key;
	bool ok = true, v4;
	__u64 delta;

	if (!before || !after)
		die("out of memory");
	read_counts(progs[P_SIPSTAT].counts_fd, SIPSTAT_COUNT_KEYS, before, "sipstat");
	run_once(progs[P_SIPSTAT].fd, c, 1, NULL);
	read_counts(progs[P_SIPSTAT].counts_fd, SIPSTAT_COUNT_KEYS, after, "sipstat");
	for (k = 0; k < SIPSTAT_COUNT_KEYS; k++) {
		struct key3 k3 = key3(k);

		if (after[k] == before[k])
			continue;
		keys++;
		if (after[k] - before[k] != 1 ||
		    !(main_key_ok(c, k3) ||
		      (c->also && k3.dir == SIPSTAT_DIR_IN && k3.method == SIPSTAT_M_UNKNOWN &&
		       k3.slot == (__u32)c->also - 1))) {
			ok = false;
			fprintf(stderr, BENCH_NAME ": \"%s\": sipstat counted %llu in direction %u, "
				"method %u, slot %u\n", c->name,
				(unsigned long long)(after[k] - before[k]), k3.dir, k3.method,
				k3.slot);
		}
	}
	free(before);
	free(after);
	if (!ok || keys != want)
		die("\"%s\": sipstat changed %u counters, want %u: the frame takes another path "
		    "than its name says", c->name, keys, want);

	path_of(P_MINIMAL, c, MIN_CODES, &keys, &key, &delta);
	/* The minimal counter knows one shape: an untagged IPv4 UDP response. */
	v4 = c->group == G_V4_RESPONSE || c->spec.payload == sip_cseq6 ||
	     c->spec.payload == sip_cseq15;
	ok = v4 ? keys == 1 && delta == 1 && key == 200 : keys == 0;
	if (!ok)
		die("\"%s\": minimal counted %llu in %u keys (last: %u), want %s", c->name,
		    (unsigned long long)delta, keys, key, v4 ? "one at code 200" : "nothing");
}

/* "   1f:\t48 89 e5 \tmov %rsp,%rbp": a line of objdump that is one instruction. */
static bool is_insn_line(const char *line)
{
	const char *s = line;
	char *end;

	while (*s == ' ')
		s++;
	errno = 0;
	(void)strtoul(s, &end, 16);
	return !errno && end != s && end[0] == ':' && end[1] == '\t' && strchr(end + 2, '\t');
}

/*
 * objdump's disassembly of the x86-64 code in bin, into a temporary file
 * opened for reading (no shell: the path goes straight to exec).  NULL
 * when objdump is missing or fails.
 */
static FILE *objdump(const char *bin)
{
	FILE *f = tmpfile();
	int status;
	pid_t pid;

	if (!f)
		die("tmpfile: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(fileno(f), STDOUT_FILENO) < 0)
			_exit(127);
		execlp("objdump", "objdump", "-D", "-b", "binary", "-m", "i386:x86-64",
		       "--insn-width=16", bin, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	return f;
}

/*
 * The minimal counter's own checks: what it must not count for it to be
 * a floor of correct counting, and a first fragment it must count.  Its
 * source says why each check is there.
 */
static void check_minimal(void)
{
	/* A later fragment whose data look like a UDP header on 5060 and a status line. */
	static unsigned char frag[8 + 512] = { 0x13, 0xc4, 0x13, 0xc4, 0x01, 0x80, 0, 0 };
	static struct bcase edge[] = {
		CASE("later IPv4 fragment", G_OFF_PORT, E_NOTHING, 0, .l4 = FR_L4_RAW,
		     .ip_proto = 17, .ip4_frag = FR_IP4_OFF(185), .payload = frag),
		CASE("UDP length ends inside the status line", G_SIP, E_NOTHING, 0, SIP_PORTS,
		     .payload = sip_resp, .udp_len_set = true, .udp_len = 8 + 11),
		CASE("IP length ends inside the status line", G_SIP, E_NOTHING, 0, SIP_PORTS,
		     .payload = sip_resp, .ip_len_set = true, .ip_len = 20 + 8 + 11),
		CASE("first IPv4 fragment", G_V4_RESPONSE, E_CODE_200, 0, SIP_PORTS,
		     .payload = sip_resp, .ip4_frag = FR_IP4_MF),
	};
	__u32 keys, key;
	__u64 delta;
	size_t i;

	memcpy(frag + 8, sip_resp, strlen(sip_resp) + 1);	/* fits: both 512 */
	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		struct bcase *c = &edge[i];

		c->spec.payload_len = c->spec.payload == frag ? 8 + strlen(sip_resp) :
				      strlen(sip_resp);
		c->len = frame_build(c->frame, sizeof(c->frame), &c->spec);
		if (!c->len)
			die("frame_build \"%s\"", c->name);
		path_of(P_MINIMAL, c, MIN_CODES, &keys, &key, &delta);
		if (c->expect == E_CODE_200 ? !(keys == 1 && delta == 1 && key == 200) : keys != 0)
			die("minimal counter, \"%s\": counted %llu in %u keys, want %s", c->name,
			    (unsigned long long)delta, keys,
			    c->expect == E_CODE_200 ? "one at code 200" : "nothing");
	}
}

/* Instructions in the JIT image, by objdump; the disassembly to dir if set. */
static int jited_insns(int fd, __u32 len, const char *name, const char *dir)
{
#if defined(__x86_64__)
	struct bpf_prog_info info;
	__u32 ilen = sizeof(info);
	char bin[] = "/tmp/bench_prog.XXXXXX", path[PATH_MAX], line[512];
	unsigned char *img;
	FILE *f, *out = NULL;
	int tmp, n = 0;

	if (!len)
		return -1;
	img = malloc(len);
	if (!img)
		die("out of memory");
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = len;
	info.jited_prog_insns = (__u64)(unsigned long)img;
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen))
		die("JIT image of %s: %s", name, strerror(errno));
	tmp = mkstemp(bin);
	if (tmp < 0)
		die("mkstemp: %s", strerror(errno));
	if (write(tmp, img, len) != (ssize_t)len)
		die("write %s: %s", bin, strerror(errno));
	close(tmp);
	free(img);
	f = objdump(bin);
	unlink(bin);
	if (!f)
		return -1;
	if (dir) {
		snprintf(path, sizeof(path), "%s/%s.jited.txt", dir, name);
		out = fopen(path, "w");
		if (!out)
			die("%s: %s", path, strerror(errno));
		fprintf(out, "JIT image of the %s XDP program (%u bytes), objdump -D:\n", name,
			len);
	}
	while (fgets(line, sizeof(line), f)) {
		if (is_insn_line(line))
			n++;
		if (out)
			fputs(line, out);
	}
	if (out && fclose(out))
		die("%s: %s", path, strerror(errno));
	fclose(f);
	return n > 0 ? n : -1;
#else
	return -1;
#endif
}

static void prog_info(int p, const char *dir)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(progs[p].fd, &info, &len))
		die("program info of %s: %s", prog_names[p], strerror(errno));
	progs[p].xlated_insns = info.xlated_prog_len / 8;
	progs[p].jited_bytes = info.jited_prog_len;
	progs[p].verified_insns = info.verified_insns;
	progs[p].jited_insns = jited_insns(progs[p].fd, info.jited_prog_len, prog_names[p], dir);
}

/* What to do about a failed load: privileges, or the verifier's log above. */
static const char *load_hint(int e)
{
	return e == EPERM || e == EACCES ? " (run as root)" :
	       " (the kernel refused the program: libbpf's log above says where)";
}

static int load_obj(const char *path, const char *prog, const char *map, struct bpf_object **obj,
		    int *map_fd)
{
	struct bpf_program *p;

	*obj = bpf_object__open_file(path, NULL);
	if (!*obj)
		die("open %s: %s (run 'make bench-quick' to build it)", path, strerror(errno));
	if (bpf_object__load(*obj))
		die("load %s: %s%s", path, strerror(errno), load_hint(errno));
	p = bpf_object__find_program_by_name(*obj, prog);
	if (!p)
		die("%s: no program %s", path, prog);
	if (map && (*map_fd = bpf_object__find_map_fd_by_name(*obj, map)) < 0)
		die("%s: no map %s", path, map);
	return bpf_program__fd(p);
}

/* DIR/name where DIR is this executable's directory. */
static char *beside_exe(const char *name)
{
	static char paths[2][PATH_MAX];
	static int next;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *p = paths[next++ % 2];

	if (n < 0)
		die("/proc/self/exe: %s; give the object with its option", strerror(errno));
	exe[n] = '\0';
	snprintf(p, PATH_MAX, "%s/%s", dirname(exe), name);
	return p;
}

/* The targets, by group. */
static const char *const target_names[3] = {
	"IPv4 SIP response <= 1.25x minimal's IPv4 response",
	"other SIP-port frames <= 1.5x minimal's IPv4 response",
	"off the SIP ports <= 1.15x max(empty, minimal), same frame",
};

static const char *group_name(enum group g)
{
	return g == G_V4_RESPONSE ? "v4-response" : g == G_SIP ? "sip-port" :
	       g == G_OFF_PORT ? "off-port" : "later";
}

static double group_target(enum group g)
{
	return g == G_V4_RESPONSE ? TARGET_V4_RESPONSE : g == G_SIP ? TARGET_SIP : TARGET_OFF_PORT;
}

/* -f: a number as C writes it (0x.. for hex), 32 bits. */
static __u32 flags_arg(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > 0xffffffffULL || *s == '-') {
		fprintf(stderr, BENCH_NAME ": -f must be a number from 0 to 0xffffffff\n");
		exit(2);
	}
	return (__u32)v;
}

static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: bench_prog [--quick] [-r ROUNDS] [-n REPEAT] [-k TEXT] [-f FLAGS]\n"
		"                  [-e EMPTY.bpf.o] [-m MINIMAL.bpf.o] [-j OUT.json] [-c OUT.csv]\n"
		"                  [-d DIR]\n"
		"  --quick      15 rounds of 100000 runs (a few seconds) instead of 21 of 1000000\n"
		"  -r ROUNDS    interleaved rounds (1-%d)\n"
		"  -n REPEAT    runs per BPF_PROG_TEST_RUN call\n"
		"  -k TEXT      only the frame kinds whose name contains TEXT (e.g. ipv6),\n"
		"               and the IPv4 SIP response, the reference of the others\n"
		"  -f FLAGS     sipstat's settings flags (SIPSTAT_CFG_*, e.g. 0 for none)\n"
		"               instead of the object's defaults\n"
		"  -e, -m       the empty and minimal objects (default: next to bench_prog)\n"
		"  -j, -c       results as JSON, as CSV (section,case,metric,value)\n"
		"  -d DIR       write each program's JIT image, disassembled, to DIR\n"
		"example: make O=build bench-quick, or build/bench/bench_prog --quick (root)\n",
		MAX_ROUNDS);
	exit(status);
}

/* Median and p10-p90 of a per-round series. */
struct stat3 {
	double med, p10, p90;
};

static struct stat3 st(const double *v, int n)
{
	struct stat3 s = { pct(v, n, 50), pct(v, n, 10), pct(v, n, 90) };

	return s;
}

/* The bytes a tunnel carries: the whole frame for VXLAN, else the IP packet. */
static size_t inner_len(const struct tunnel *t)
{
	const struct bcase *in = &cases[t->inner < 0 ? 0 : t->inner];

	return t->inner < 0 ? in->len : in->len - ETH_HLEN;
}

/* Once case i is built: the tunnels that carry it, with their length fields. */
static void fill_tunnels(int i)
{
	size_t t, n;

	for (t = 0; t < sizeof(tunnels) / sizeof(tunnels[0]); t++) {
		struct tunnel *tn = &tunnels[t];

		if ((tn->inner < 0 ? 0 : tn->inner) != i)
			continue;
		n = inner_len(tn);
		memcpy(tn->buf + tn->hdr, cases[i].frame + (tn->inner < 0 ? 0 : ETH_HLEN), n);
		if (tn->buf == gtpu) {		/* GTP-U length: what follows its 8 bytes */
			gtpu[2] = (unsigned char)(n >> 8);
			gtpu[3] = (unsigned char)n;
		} else if (tn->buf == pppoe) {	/* PPPoE length: the PPP protocol and packet */
			pppoe[4] = (unsigned char)((n + 2) >> 8);
			pppoe[5] = (unsigned char)(n + 2);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *empty_path = NULL, *min_path = NULL, *json_path = NULL, *csv_path = NULL;
	const char *dis_dir = NULL, *only = NULL;
	struct bpf_object *empty_obj, *min_obj;
	struct sipstat_bpf *skel;
	int rounds = -1, opt, r, j, p, worst[3] = { -1, -1, -1 }, non = 0, nout = 0;
	long repeat = -1;
	bool quick = false, all_pass = true, flags_opt = false;
	__u32 cfg_flags = 0, default_flags;
	size_t i, t;
	FILE *jf = NULL, *cf = NULL;
	double worst_ratio[3] = { 0, 0, 0 };

	while ((opt = getopt_long(argc, argv, "r:n:k:f:e:m:j:c:d:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'q': quick = true; break;
		case 'r': rounds = (int)number(optarg, 1, MAX_ROUNDS, "-r"); break;
		case 'n': repeat = number(optarg, 1, 100000000, "-n"); break;
		case 'k': only = optarg; break;
		case 'f': cfg_flags = flags_arg(optarg); flags_opt = true; break;
		case 'e': empty_path = optarg; break;
		case 'm': min_path = optarg; break;
		case 'j': json_path = optarg; break;
		case 'c': csv_path = optarg; break;
		case 'd': dis_dir = optarg; break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (optind < argc)
		usage(stderr, 2);
	if (rounds < 0)
		rounds = quick ? 15 : 21;
	if (repeat < 0)
		repeat = quick ? 100000 : 1000000;
	if (!empty_path)
		empty_path = beside_exe("empty.bpf.o");
	if (!min_path)
		min_path = beside_exe("minimal.bpf.o");

	libbpf_set_print(libbpf_print);
	if (reader_init(&rd))
		die("cannot count the possible CPUs");

	skel = sipstat_bpf__open();
	if (!skel)
		die("open sipstat: %s", strerror(errno));
	default_flags = skel->data_sip_cfg->sip_cfg.flags;
	if (flags_opt)
		skel->data_sip_cfg->sip_cfg.flags = cfg_flags;
	cfg_flags = skel->data_sip_cfg->sip_cfg.flags;
	methods_on = (cfg_flags & SIPSTAT_CFG_METHODS) != 0;
	if (sipstat_bpf__load(skel))
		die("load sipstat: %s%s", strerror(errno), load_hint(errno));
	progs[P_SIPSTAT].fd = bpf_program__fd(skel->progs.sipstat_xdp);
	progs[P_SIPSTAT].counts_fd = bpf_map__fd(skel->maps.sip_counts);
	progs[P_EMPTY].fd = load_obj(empty_path, "empty_xdp", NULL, &empty_obj, NULL);
	progs[P_EMPTY].counts_fd = -1;
	progs[P_MINIMAL].fd = load_obj(min_path, "minimal_xdp", "min_codes", &min_obj,
				       &progs[P_MINIMAL].counts_fd);
	for (p = 0; p < P_MAX; p++)
		prog_info(p, dis_dir);
	{
		/* Per-CPU maps hold one 8-byte value per key on every possible CPU. */
		__u32 nc = bpf_map__max_entries(skel->maps.sip_counts),
		      np = bpf_map__max_entries(skel->maps.sip_peer_counts),
		      nf = bpf_map__max_entries(skel->maps.sip_failing);

		printf("memory per CPU: sip_counts %u x 8 = %u bytes; at most: sip_peer_counts "
		       "%u x 8 = %u, sip_failing %u x 8 = %u; total %u bytes (x %d CPUs)\n",
		       nc, nc * 8, np, np * 8, nf, nf * 8, (nc + np + nf) * 8, rd.ncpus);
	}

	if (!sip_message(sip_resp, sizeof(sip_resp), "SIP/2.0 200 OK", BENCH_SIP_LEN) ||
	    !sip_message(sip_req, sizeof(sip_req), "INVITE sip:bob@example.com SIP/2.0",
			 BENCH_SIP_LEN) ||
	    !sip_message(sip_ext_req, sizeof(sip_ext_req), "PING sip:bob@example.com SIP/2.0",
			 BENCH_SIP_LEN) ||
	    !cseq_message(sip_cseq6, sizeof(sip_cseq6), 5, BENCH_SIP_LEN) ||
	    !cseq_message(sip_cseq15, sizeof(sip_cseq15), 14, BENCH_SIP_LEN))
		die("sip_message");
	check_minimal();
	for (i = 0; i < NCASES; i++) {
		struct bcase *c = &cases[i];

		if (c->spec.payload == sip_resp || c->spec.payload == sip_req ||
		    c->spec.payload == sip_ext_req || c->spec.payload == sip_cseq6 ||
		    c->spec.payload == sip_cseq15)
			c->spec.payload_len = strlen(c->spec.payload);
		for (t = 0; t < sizeof(tunnels) / sizeof(tunnels[0]); t++)
			if (c->spec.payload == tunnels[t].buf)	/* its inner case is built */
				c->spec.payload_len = tunnels[t].hdr + inner_len(&tunnels[t]);
		c->len = frame_build(c->frame, sizeof(c->frame), &c->spec);
		if (!c->len)
			die("frame_build \"%s\"", c->name);
		if (i < 2)
			fill_tunnels((int)i);
		/* A path sipstat's settings turn off (-f) is not measured. */
		c->on = (i == 0 || !only || strstr(c->name, only)) &&
			(cfg_flags & c->needs) == c->needs;
		if (c->on)
			check_path(c);
		non += c->on;
	}
	if (only && non < 2 && !strstr(cases[0].name, only)) {
		fprintf(stderr, BENCH_NAME ": -k: no frame kind has \"%s\" in its name\n", only);
		exit(2);
	}

	/* Warm-up round, not recorded: JIT images, caches, frequency. */
	for (i = 0; i < NCASES; i++)
		for (p = 0; p < P_MAX && cases[i].on; p++)
			run_once(progs[p].fd, &cases[i], (__u32)repeat / 10 + 1, NULL);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NCASES; i++) {
			struct bcase *c = &cases[i];

			for (j = 0; j < P_MAX && c->on; j++) {
				p = (r + j) % P_MAX;
				c->ns[p][r] = run_once(progs[p].fd, c, (__u32)repeat, &c->dur[p][r]);
			}
		}
		for (i = 0; i < NCASES; i++) {
			struct bcase *c = &cases[i];
			double ref, e = c->ns[P_EMPTY][r], m = c->ns[P_MINIMAL][r];

			if (!c->on)
				continue;
			ref = c->group == G_OFF_PORT ? (e > m ? e : m) : cases[0].ns[P_MINIMAL][r];
			c->ratio[r] = c->ns[P_SIPSTAT][r] / ref;
			c->vs_min[r] = c->ns[P_SIPSTAT][r] / m;
			c->vs_empty[r] = c->ns[P_SIPSTAT][r] / e;
		}
	}

	if (json_path && !(jf = fopen(json_path, "w")))
		die("%s: %s", json_path, strerror(errno));
	if (csv_path && !(cf = fopen(csv_path, "w")))
		die("%s: %s", csv_path, strerror(errno));
	if (jf) {
		fprintf(jf, "{\"repeat\":%ld,\"rounds\":%d,\"sipstat_flags\":%u,"
			"\"sipstat_default_flags\":%u,\"programs\":[", repeat, rounds, cfg_flags,
			default_flags);
		for (p = 0; p < P_MAX; p++)
			fprintf(jf,
				"%s{\"name\":\"%s\",\"xlated_insns\":%u,\"verified_insns\":%u,"
				"\"jited_bytes\":%u,\"jited_insns\":%d}",
				p ? "," : "", prog_names[p], progs[p].xlated_insns,
				progs[p].verified_insns, progs[p].jited_bytes, progs[p].jited_insns);
		fprintf(jf, "],\"cases\":[");
	}
	if (cf) {
		fprintf(cf, "\"section\",\"case\",\"metric\",\"value\"\n");
		for (p = 0; p < P_MAX; p++)
			fprintf(cf,
				"\"program\",\"%s\",\"xlated_insns\",%u\n"
				"\"program\",\"%s\",\"jited_bytes\",%u\n"
				"\"program\",\"%s\",\"jited_insns\",%d\n",
				prog_names[p], progs[p].xlated_insns, prog_names[p],
				progs[p].jited_bytes, prog_names[p], progs[p].jited_insns);
	}

	printf("In-kernel cost per frame: BPF_PROG_TEST_RUN, repeat %ld, medians of %d "
	       "interleaved rounds (program order rotating)\n", repeat, rounds);
	printf("  sipstat settings: flags 0x%x (%s)\n", cfg_flags,
	       cfg_flags == default_flags ? "the object's defaults" : "set with -f");
	printf("  ns per frame from the thread's CPU clock; extra = sipstat - minimal on the "
	       "same frame;\n"
	       "  ratio = median of per-round sipstat / reference, the reference being on a SIP "
	       "port\n"
	       "  minimal on the IPv4 response, off the SIP ports max(empty, minimal) on the same "
	       "frame\n");
	printf("  %-30s %5s %7s %7s %7s %7s %6s %11s  %-7s %s\n", "frame", "bytes", "empty",
	       "minimal", "sipstat", "extra", "ratio", "p10-p90", "target", "result, margin");
	for (i = 0; i < NCASES; i++) {
		struct bcase *c = &cases[i];
		struct stat3 s[P_MAX], q = st(c->ratio, rounds), vm = st(c->vs_min, rounds);
		struct stat3 ve = st(c->vs_empty, rounds);
		double target = group_target(c->group), margin;
		bool pass;
		int g = c->group;
		char tgt[48] = "-";

		if (!c->on)
			continue;
		for (p = 0; p < P_MAX; p++)
			s[p] = st(c->ns[p], rounds);
		pass = q.med <= target;
		margin = target - q.med;
		if (g != G_LATER) {
			all_pass &= pass;
			if (worst[g] < 0 || q.med > worst_ratio[g]) {
				worst[g] = (int)i;
				worst_ratio[g] = q.med;
			}
			snprintf(tgt, sizeof(tgt), "<=%.2fx %s %+.2f", target,
				 pass ? "PASS" : "MISS", margin);
		}
		printf("  %-30s %5zu %7.2f %7.2f %7.2f %+7.2f %5.2fx %5.2f-%-5.2f  %s\n", c->name,
		       c->len, s[P_EMPTY].med, s[P_MINIMAL].med, s[P_SIPSTAT].med,
		       s[P_SIPSTAT].med - s[P_MINIMAL].med, q.med, q.p10, q.p90, tgt);
		if (jf) {
			fprintf(jf, "%s{\"name\":\"%s\",\"group\":\"%s\",\"frame_bytes\":%zu",
				nout++ ? "," : "", c->name, group_name(c->group), c->len);
			for (p = 0; p < P_MAX; p++)
				fprintf(jf,
					",\"%s_ns\":%.3f,\"%s_ns_p10\":%.3f,\"%s_ns_p90\":%.3f,"
					"\"%s_duration_ns\":%.1f",
					prog_names[p], s[p].med, prog_names[p], s[p].p10,
					prog_names[p], s[p].p90, prog_names[p],
					pct(c->dur[p], rounds, 50));
			fprintf(jf,
				",\"reference\":\"%s\",\"ratio\":%.4f,\"ratio_p10\":%.4f,"
				"\"ratio_p90\":%.4f,\"sipstat_vs_minimal\":%.4f,"
				"\"sipstat_vs_empty\":%.4f", c->group == G_OFF_PORT ?
				"max(empty,minimal) same frame" : "minimal ipv4 response", q.med,
				q.p10, q.p90, vm.med, ve.med);
			if (g == G_LATER)
				fprintf(jf, ",\"target_ratio\":null,\"result\":\"-\",\"margin\":null}");
			else
				fprintf(jf, ",\"target_ratio\":%.2f,\"result\":\"%s\",\"margin\":%.4f}",
					target, pass ? "PASS" : "MISS", margin);
		}
		if (cf) {
			for (p = 0; p < P_MAX; p++)
				fprintf(cf, "\"prog_test_run\",\"%s\",\"%s_ns\",%.3f\n", c->name,
					prog_names[p], s[p].med);
			fprintf(cf,
				"\"prog_test_run\",\"%s\",\"ratio\",%.4f\n"
				"\"prog_test_run\",\"%s\",\"sipstat_vs_minimal\",%.4f\n"
				"\"prog_test_run\",\"%s\",\"sipstat_vs_empty\",%.4f\n"
				"\"prog_test_run\",\"%s\",\"target_ratio\",%.2f\n"
				"\"prog_test_run\",\"%s\",\"result\",\"%s\"\n",
				c->name, q.med, c->name, vm.med, c->name, ve.med, c->name,
				g == G_LATER ? 0.0 : target, c->name,
				g == G_LATER ? "-" : pass ? "PASS" : "MISS");
		}
	}

	for (i = 0; i < NCASES; i++)
		if ((cfg_flags & cases[i].needs) != cases[i].needs)
			printf("  %-30s not measured: its path is off in sipstat's settings (-f)\n",
			       cases[i].name);
	printf("  programs (bpf_prog_info):");
	for (p = 0; p < P_MAX; p++) {
		printf(" %s %u xlated insns, %u JIT bytes", prog_names[p], progs[p].xlated_insns,
		       progs[p].jited_bytes);
		if (progs[p].jited_insns > 0)
			printf(" (%d insns)", progs[p].jited_insns);
		printf("%s", p + 1 < P_MAX ? ";" : "\n");
	}
	if (dis_dir)
		printf("  JIT disassembly: %s/{empty,minimal,sipstat}.jited.txt\n", dis_dir);

	printf("  targets\n");
	if (jf)
		fprintf(jf, "],\"targets\":[");
	for (j = 0, nout = 0; j < 3; j++) {
		double target = group_target((enum group)j);
		bool pass = worst_ratio[j] <= target;

		if (worst[j] < 0)
			continue;	/* no frame of the group in this run (-k) */
		printf("    %-60s %s %.2fx (margin %+.2f; worst: %s)\n", target_names[j],
		       pass ? "PASS" : "MISS", worst_ratio[j], target - worst_ratio[j],
		       cases[worst[j]].name);
		if (jf)
			fprintf(jf,
				"%s{\"target\":\"%s\",\"target_ratio\":%.2f,\"result\":\"%s\","
				"\"worst_ratio\":%.4f,\"margin\":%.4f,\"worst_case\":\"%s\"}",
				nout++ ? "," : "", target_names[j], target, pass ? "PASS" : "MISS",
				worst_ratio[j], target - worst_ratio[j], cases[worst[j]].name);
		if (cf)
			fprintf(cf, "\"target\",\"%s\",\"result\",\"%s\"\n", target_names[j],
				pass ? "PASS" : "MISS");
	}
	if (jf) {
		fprintf(jf, "],\"all_targets_met\":%s}\n", all_pass ? "true" : "false");
		if (fclose(jf))
			die("%s: %s", json_path, strerror(errno));
	}
	if (cf && fclose(cf))
		die("%s: %s", csv_path, strerror(errno));

	bpf_object__close(min_obj);
	bpf_object__close(empty_obj);
	sipstat_bpf__destroy(skel);
	reader_free(&rd);
	return 0;
}

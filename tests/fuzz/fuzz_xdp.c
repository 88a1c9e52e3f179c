// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Differential fuzzer of the XDP program (libFuzzer, clang -fsanitize=fuzzer):
 * every input becomes one frame, the frame goes through the loaded
 * program with BPF_PROG_TEST_RUN and through the reference decoder
 * (ref_decoder.c), and the two must agree exactly:
 *
 *   - verdict XDP_PASS, the frame handed back unchanged (length and bytes);
 *   - the one counter of sip_counts the decoder names (direction, method
 *     row, slot) went up by one, or none when it names none, the slots it
 *     names besides (tcp_segments, encap_*) by one each, and every other
 *     counter by nothing.
 *
 * About half the frames (chosen by a hash of their bytes, so that a
 * replay or a saved input runs the same way) go through sipstat read's
 * batch program instead, between two frames that count nothing: the
 * same checks hold for it.
 *
 * SIP over TCP and every tunnel are on unless the input's mode byte
 * switches them off, and an input may wrap its frame in a tunnel
 * (structured.h).  The differences once reported (ref_decoder.h
 * REF_KNOWN_*) are fixed in the data path and count as mismatches;
 * SIPSTAT_FUZZ_STRICT=0 takes them on the program's side again.
 *
 * Anything else prints the frame and both sides, and abort()s, so that
 * libFuzzer saves the input as a crash-* file.
 *
 * Input format: a mode byte (raw frame or structured header, and the SIP
 * port set), see structured.h.
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
#include "structured.h"
#include "xdprun.h"

static struct xdprun X;
static bool port_set_all;
static const uint16_t *port_set_list;
static int cseq_set = -1;
static int64_t flags_set = -1;
#define FUZZ_FLAGS (SIPSTAT_CFG_TCP | SIPSTAT_CFG_ENCAP)

/*
 * Counter checks.  After every frame the one key the decoder names is
 * read (one lookup).  Reading all 22400 keys is a batch lookup of a
 * per-CPU array, far dearer, so it is done every RING frames: the totals
 * must equal what the decoder said, key by key.  If not, the last RING
 * inputs are replayed one by one with a full read each, which names the
 * frame that bumped a wrong key.
 */
#define RING 2048
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
	const char *strict;
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
	/* The data path now agrees on the differences once reported: strict
	 * unless SIPSTAT_FUZZ_STRICT=0 asks to tolerate them again. */
	strict = getenv("SIPSTAT_FUZZ_STRICT");
	if (!strict || strcmp(strict, "0") != 0)
		fuzz_known = 0;
	else
		fprintf(stderr, "fuzz_xdp: the reported differences are tolerated\n");
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

/* got: the keys that changed (at most a few), n of them; -1: not known yet. */
static void fail(const char *what, const uint8_t *frame, size_t len,
		 const struct ref_result *want, const uint32_t *got, int n)
{
	char w[200], g[64];
	int i;

	ref_result_string(want, w, sizeof(w));
	fprintf(stderr, "\nfuzz_xdp: MISMATCH (%s program): %s\n",
		X.batch ? "batch" : "receive", what);
	fprintf(stderr, "  mode byte 0x%02x (port set %d, CSeq methods %s, TCP and tunnels %s, "
			"wrap %d), frame of %zu bytes:\n",
		cur_input[0], (cur_input[0] >> 1) & 3, cur_input[0] & 8 ? "off" : "on",
		cur_input[0] & 16 ? "off" : "on", cur_input[0] >> 5, len);
	hexdump(frame, len);
	fprintf(stderr, "  reference decoder: %s", w);
	for (i = 0; i < want->n_also; i++)
		fprintf(stderr, " + %s", ref_outcome_name(want->also[i]));
	fputc('\n', stderr);
	fprintf(stderr, "  XDP program:      ");
	if (n < 0)
		fprintf(stderr, " (keys not read)");
	else if (n == 0)
		fprintf(stderr, " nothing");
	for (i = 0; i < n; i++) {
		ref_key_string(true, got[i], g, sizeof(g));
		fprintf(stderr, " [%s]", g);
	}
	fputc('\n', stderr);
	if (replaying)
		save_input();
	abort();
}

static void die(const char *what, int e)
{
	fprintf(stderr, "fuzz_xdp: %s: %s\n", what, strerror(-e));
	abort();
}

static bool replay_wanted;

#define GOT_MAX 8
#define SENT_KEY SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, SIPSTAT_O_EVENTS_SENT)

static void print_event(const char *who, unsigned code, unsigned family, unsigned nvlan,
			const uint16_t *vlan, unsigned sport, unsigned dport, const uint8_t *sa,
			const uint8_t *da)
{
	int i;

	fprintf(stderr, "  %s event: code %u family %u vlans %u (%u, %u) ports %u -> %u\n    ",
		who, code, family, nvlan, vlan[0], vlan[1], sport, dport);
	for (i = 0; i < 16; i++)
		fprintf(stderr, "%02x", sa[i]);
	fprintf(stderr, " -> ");
	for (i = 0; i < 16; i++)
		fprintf(stderr, "%02x", da[i]);
	fputc('\n', stderr);
}

/* The batch program for this frame? A bit of an FNV-1a hash of its bytes. */
static bool batch_side(const uint8_t *frame, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ frame[i]) * 16777619u;
	return (h >> 16) & 1;
}

/* The one check: program and decoder agree on this frame. */
static void check_frame(const uint8_t *frame, size_t len, const struct ref_ports *cfg, bool full)
{
	static struct xdprun_counts now;
	struct ref_result want;
	struct xdprun_result res;
	uint32_t got[GOT_MAX], k, key = 0;
	const __u64 *nv = (const __u64 *)now.v;
	__u64 *ev = (__u64 *)expect.v, v;
	int e, n = -1, nev, i;
	bool bad = false, event;
	uint32_t also[2];

	if (len == 0 || len > XDPRUN_FRAME_MAX)
		return;
	if (cfg->all != port_set_all || cfg->list != port_set_list) {
		xdprun_set_ports(&X, cfg->all, cfg->list, cfg->n);
		port_set_all = cfg->all;
		port_set_list = cfg->list;
	}
	if ((int)cfg->cseq != cseq_set) {
		xdprun_set_cseq(&X, cfg->cseq);
		cseq_set = cfg->cseq;
	}
	if ((int64_t)cfg->flags != flags_set) {
		xdprun_set_flags(&X, FUZZ_FLAGS, cfg->flags);
		flags_set = cfg->flags;
	}
	ref_decode(frame, len, cfg, &want);
	if (want.counted)
		key = ref_key(&want);
	for (i = 0; i < want.n_also; i++)
		also[i] = SIPSTAT_KEY(want.dir, SIPSTAT_M_UNKNOWN, want.also[i]);
	event = ref_event_wanted(&want, xdprun_event_codes(&X));

	X.batch = batch_side(frame, len);
	e = xdprun_frame(&X, frame, len, &res);
	if (e)
		die("BPF_PROG_TEST_RUN", e);
	if (full) {
		e = xdprun_read(&X, &now);
		if (e)
			die("reading the counters", e);
		n = 0;
		for (k = 0; k < SIPSTAT_COUNT_KEYS; k++) {
			__u64 d = nv[k] - ev[k], w = (want.counted && k == key) + (event && k == SENT_KEY);

			for (i = 0; i < want.n_also; i++)
				w += k == also[i];

			if (d && n < GOT_MAX)
				got[n++] = k;
			if (d != w)
				bad = true;
		}
	} else {
		if (want.counted) {
			e = xdprun_read_key(&X, key, &v);
			if (e)
				die("reading a counter", e);
			if (v != ev[key] + 1)
				bad = true;
		}
		if (event) {
			e = xdprun_read_key(&X, SENT_KEY, &v);
			if (e)
				die("reading a counter", e);
			if (v != ev[SENT_KEY] + 1)
				bad = true;
		}
		for (i = 0; i < want.n_also; i++) {
			e = xdprun_read_key(&X, also[i], &v);
			if (e)
				die("reading a counter", e);
			if (v != ev[also[i]] + 1)
				bad = true;
		}
	}
	if (bad && !full && !replaying) {
		/*
		 * An extra count of an earlier frame shows up only at the next
		 * read of its key: the caller replays the recent inputs one by
		 * one with full reads, which stops at the first frame that is
		 * wrong.
		 */
		replay_wanted = true;
		return;
	}
	if (bad && !full) {
		/* Name what the program counted: every key that moved since the last full read. */
		e = xdprun_read(&X, &now);
		if (e)
			die("reading the counters", e);
		n = 0;
		for (k = 0; k < SIPSTAT_COUNT_KEYS && n < GOT_MAX; k++)
			if (nv[k] != ev[k])
				got[n++] = k;
	}

	if (res.retval != XDP_PASS)
		fail("verdict is not XDP_PASS", frame, len, &want, got, n);
	if (!res.unchanged)
		fail("frame handed back changed", frame, len, &want, got, n);
	if (res.seen_len != len)
		fail("the program did not see the frame's length", frame, len, &want, got, n);
	if (bad)
		fail("counters differ", frame, len, &want, got, n);

	nev = xdprun_events(&X);
	if (nev < 0)
		die("reading the event records", nev);
	if (nev != (event ? 1 : 0) || X.ev_dropped ||
	    (event && !ref_event_matches(&want, &X.ev[0]))) {
		fprintf(stderr, "\nfuzz_xdp: %d event record(s), %s expected\n", nev + (int)X.ev_dropped,
			event ? "one" : "none");
		if (event)
			print_event("decoder's", want.slot, want.ev.family, want.ev.nvlan, want.ev.vlan,
				    want.ev.sport, want.ev.dport, want.ev.saddr, want.ev.daddr);
		if (nev > 0)
			print_event("program's", X.ev[0].code, X.ev[0].family, X.ev[0].nvlan,
				    X.ev[0].vlan, X.ev[0].sport, X.ev[0].dport, X.ev[0].saddr,
				    X.ev[0].daddr);
		fail("event records differ", frame, len, &want, got, n);
	}

	if (full) {
		memcpy(&expect, &now, sizeof(expect));
	} else {
		if (want.counted)
			ev[key]++;
		if (event)
			ev[SENT_KEY]++;
		for (i = 0; i < want.n_also; i++)
			ev[also[i]]++;
	}
}

static void run_input(const uint8_t *data, size_t size, bool full)
{
	static uint8_t buf[XDPRUN_FRAME_MAX];
	struct ref_ports cfg;
	size_t len;

	if (size < 1)
		return;
	cur_input = data;
	cur_size = size;
	fuzz_input_config(data, &cfg);
	/* Raw frames are checked in libFuzzer's own buffer, so ASan sees any over-read. */
	if (!(data[0] & 1) && !(data[0] >> 5)) {
		check_frame(data + 1, size - 1, &cfg, full);
		return;
	}
	len = fuzz_input_frame(data, size, buf, sizeof(buf));
	check_frame(buf, len, &cfg, full);
}

/*
 * The totals went wrong within the last ring_n inputs: run them again one
 * by one with a full read each, from the totals as they are now.  The
 * first frame that counts otherwise than the decoder says aborts there.
 */
static void replay_ring(const char *why)
{
	size_t i;
	int e;

	fprintf(stderr, "fuzz_xdp: %s within the last %zu inputs: replaying them\n", why, ring_n);
	e = xdprun_read(&X, &expect);
	if (e)
		die("reading the counters", e);
	replaying = true;
	for (i = 0; i < ring_n; i++)
		run_input(ring[i].data, ring[i].size, true);
	fprintf(stderr, "fuzz_xdp: MISMATCH: the counters went wrong within the last %zu inputs "
			"but no single input reproduces it\n", ring_n);
	abort();
}

/* Every RING inputs: every key against the decoder's totals. */
static void full_compare(void)
{
	static struct xdprun_counts now;
	const __u64 *nv = (const __u64 *)now.v, *ev = (const __u64 *)expect.v;
	int e, diffs = 0;
	uint32_t k;

	e = xdprun_read(&X, &now);
	if (e)
		die("reading the counters", e);
	for (k = 0; k < SIPSTAT_COUNT_KEYS; k++)
		if (nv[k] != ev[k])
			diffs++;
	if (diffs)
		replay_ring("counters differ from the decoder's totals");
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
	if (replay_wanted)
		replay_ring("a counter differs from the decoder's total");
	if (ring_n == RING)
		full_compare();
	return 0;
}

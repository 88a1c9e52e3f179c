/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Run single frames through the XDP program with BPF_PROG_TEST_RUN and
 * read what it counted: the engine of the differential fuzzer
 * (tests/fuzz/fuzz_xdp.c), of the regression tests (test_regress.c) and
 * of the tshark oracle (tests/fuzz/oracle_tshark.c).  Needs root
 * (CAP_BPF + CAP_NET_ADMIN).
 */
#ifndef SIPSTAT_TEST_XDPRUN_H
#define SIPSTAT_TEST_XDPRUN_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sipstat.h"
#include "../lib/reader.h"

#define XDPRUN_FRAME_MAX 3072	/* fits the linear part of a test-run buffer */

struct sipstat_bpf;
struct ring_buffer;

#define XDPRUN_EVENTS_MAX 16	/* records kept between two xdprun_events() */

struct xdprun {
	struct sipstat_bpf *skel;
	int prog_fd, counts_fd;
	int batch_fd;		/* sipstat_xdp_batch, sipstat read's program */
	bool batch;		/* xdprun_frame() runs the frame through it */
	struct reader rd;
	__u64 *key_vals;	/* one key's per-CPU values */
	bool short_meta;	/* frames < 14 bytes go in as metadata + data */
	struct ring_buffer *rb;	/* the program's event records */
	struct sipstat_event ev[XDPRUN_EVENTS_MAX];
	size_t n_ev, ev_dropped;
};

/* Every counter of sip_counts summed over CPUs, as include/sipstat.h lays it out. */
struct xdprun_counts {
	__u64 v[SIPSTAT_DIR_MAX][SIPSTAT_M_MAX][SIPSTAT_ROW_SLOTS];
};
_Static_assert(sizeof(struct xdprun_counts) == (size_t)SIPSTAT_COUNT_KEYS * sizeof(__u64),
	       "xdprun_counts is sip_counts, key by key");

/* What one BPF_PROG_TEST_RUN of one frame gave. */
struct xdprun_result {
	__u32 retval;		/* XDP verdict */
	bool unchanged;		/* output has the input's length and bytes */
	size_t in_len, out_len;	/* buffer handed in / handed back */
	size_t seen_len;	/* bytes the program saw (frames < 14: from ctx_out) */
};

/* Load the skeleton.  Returns 0, or -1 with a message in err. */
int xdprun_open(struct xdprun *x, char *err, size_t errlen);
void xdprun_close(struct xdprun *x);

/* The SIP port set: all ports, or the n ports in list. */
void xdprun_set_ports(struct xdprun *x, bool all, const uint16_t *list, size_t n);

/*
 * The event set: codes[] as sipstat_cfg.event_codes (NULL: no events), no
 * rate limit.  xdprun_open() leaves the program's default set (every 6xx)
 * with no rate limit, so that with the records drained after each frame
 * every event wanted is sent, and of the SIPSTAT_CFG_* flags sets only
 * SIPSTAT_CFG_METHODS.  The settings in force: x->skel's sip_cfg.
 */
void xdprun_set_events(struct xdprun *x, const __u64 *codes);
/* SIPSTAT_CFG_METHODS on or off: responses counted by their CSeq method. */
void xdprun_set_cseq(struct xdprun *x, bool on);
bool xdprun_cseq(const struct xdprun *x);
/* The SIPSTAT_CFG_* bits in mask set as in bits (SIP over TCP, tunnels, ...). */
void xdprun_set_flags(struct xdprun *x, __u32 mask, __u32 bits);
const __u64 *xdprun_event_codes(const struct xdprun *x);

/*
 * The event records written since the last call, into x->ev[0..n) (n is
 * returned; x->ev_dropped counts those beyond XDPRUN_EVENTS_MAX).  -errno
 * on failure.
 */
int xdprun_events(struct xdprun *x);

/* Every key of sip_counts, summed over CPUs (batch lookups).  0 or -errno. */
int xdprun_read(struct xdprun *x, struct xdprun_counts *out);
/* One key, SIPSTAT_KEY(dir, method, slot): one lookup, cheap.  0 or -errno. */
int xdprun_read_key(struct xdprun *x, __u32 key, __u64 *total);

/* The value of key in a full read. */
static inline __u64 xdprun_at(const struct xdprun_counts *c, __u32 key)
{
	return ((const __u64 *)c->v)[key];
}

/*
 * One frame of len bytes (0 < len <= XDPRUN_FRAME_MAX) through the
 * program.  0, or -errno of the test run.  With x->batch, through the
 * batch program instead, between two frames that count nothing (so that
 * its window moves at both ends of the frame): retval is XDP_PASS when it
 * counted all three frames, unchanged says the window ended on the first
 * one, and seen_len is len (the batch program shows no more).
 */
int xdprun_frame(struct xdprun *x, const void *frame, size_t len, struct xdprun_result *res);

#endif

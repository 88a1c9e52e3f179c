/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Run single frames through the XDP program with BPF_PROG_TEST_RUN and
 * read what it counted: the engine of the differential fuzzer
 * (tests/fuzz/fuzz_xdp.c) and of the regression tests (test_regress.c).
 * Needs root (CAP_BPF + CAP_NET_ADMIN).
 */
#ifndef SIPSTAT_TEST_XDPRUN_H
#define SIPSTAT_TEST_XDPRUN_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sipstat.h"

#define XDPRUN_FRAME_MAX 3072	/* fits the linear part of a test-run buffer */

struct sipstat_bpf;

struct xdprun {
	struct sipstat_bpf *skel;
	int prog_fd, parser_fd, codes_fd;
	int ncpus;
	void *percpu_buf;	/* ncpus * SIPSTAT_CODE_SLOTS values */
	bool short_meta;	/* frames < 14 bytes go in as metadata + data */
	bool no_batch;		/* the kernel has no batch lookup for per-CPU arrays */
};

struct xdprun_counts {
	__u64 c[SIPSTAT_C_MAX];
	__u64 code[SIPSTAT_CODE_SLOTS];
};

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

/* Totals of both per-CPU maps, summed over CPUs.  0 or -errno. */
int xdprun_read(struct xdprun *x, struct xdprun_counts *out);
/* Only the parser counters (one lookup), or one code slot: cheap. */
int xdprun_read_parser(struct xdprun *x, __u64 c[SIPSTAT_C_MAX]);
int xdprun_read_code(struct xdprun *x, __u32 code, __u64 *total);

/*
 * One frame of len bytes (0 < len <= XDPRUN_FRAME_MAX) through the
 * program.  0, or -errno of the test run.
 */
int xdprun_frame(struct xdprun *x, const void *frame, size_t len, struct xdprun_result *res);

#endif

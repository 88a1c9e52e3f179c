/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The XDP program loaded but attached nowhere, fed frames with
 * BPF_PROG_TEST_RUN: counting frames of a file exactly as they would be
 * counted on a link.  Frames are queued and run several to one system
 * call through the batch program (struct sipstat_batch), each seen as a
 * frame of its own; no copy back.
 */
#ifndef SIPSTAT_LIB_TESTRUN_H
#define SIPSTAT_LIB_TESTRUN_H

#include <stddef.h>
#include <stdint.h>

#include "sipstat.h"

struct sipstat_bpf;

struct testrun {
	struct sipstat_bpf *skel;
	int prog_fd;		/* sipstat_xdp_batch */
	int counts_fd;
	size_t max;		/* the longest frame one run takes (the first buffer) */
	uint64_t counted;	/* frames run through the program so far */
	uint64_t runs;		/* test runs (system calls) so far */
	uint8_t *buf;		/* the queued batch: struct sipstat_batch, frames */
	size_t used;		/* bytes of buf in use */
};

/*
 * Load the program (no attachment) with the port set ports and no events
 * (nothing reads them here: the event counters stay zero).  log as for
 * obj_load().  0, or -errno with one line in msg (-EPERM, -EACCES: no
 * BPF rights).
 */
int testrun_open(struct testrun *t, const struct sipstat_ports *ports, char *log, size_t loglen,
		 char *msg, size_t msglen);
void testrun_close(struct testrun *t);

/*
 * One frame of len bytes (len <= t->max, else -EMSGSIZE) queued, to be
 * counted with others in one run; a full queue is run first.  The frame
 * is copied.  0 or -errno (a run that failed: t->counted says how many
 * frames in all were counted, the queue is emptied).
 */
int testrun_queue(struct testrun *t, const void *frame, size_t len);
/* Run what is queued.  0 or -errno, as testrun_queue(). */
int testrun_flush(struct testrun *t);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The XDP program loaded but attached nowhere, fed one frame at a time
 * with BPF_PROG_TEST_RUN: counting frames of a file exactly as they would
 * be counted on a link.  One system call per frame, no copy back.
 */
#ifndef SIPSTAT_LIB_TESTRUN_H
#define SIPSTAT_LIB_TESTRUN_H

#include <stddef.h>
#include <stdint.h>

#include "sipstat.h"

struct sipstat_bpf;

struct testrun {
	struct sipstat_bpf *skel;
	int prog_fd;
	int counts_fd;
	size_t max;		/* the longest frame one run takes (the first buffer) */
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
 * One frame of len bytes (len <= t->max) through the program, counted in
 * its maps.  Frames shorter than an Ethernet header are run as exactly
 * their bytes too.  0 or -errno.
 */
int testrun_frame(struct testrun *t, const void *frame, size_t len);

#endif

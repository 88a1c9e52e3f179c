/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One reading of the counters of one interface, summed over CPUs, and the
 * arithmetic between two readings.  Every output (text, JSON, alerts,
 * live view, exporters) renders from these; none of them reads maps.
 */
#ifndef SIPSTAT_SNAPSHOT_H
#define SIPSTAT_SNAPSHOT_H

#include <linux/types.h>
#include <stdint.h>
#include <time.h>

#include "sipstat.h"

#define SIP_CLASS_SLOTS 7	/* index 1..6 for 1xx..6xx */

struct snapshot {
	struct timespec mono;	/* CLOCK_MONOTONIC at reading: for rates */
	struct timespec real;	/* CLOCK_REALTIME at reading: for timestamps */
	uint64_t codes[SIPSTAT_CODE_SLOTS];
	uint64_t parser[SIPSTAT_C_MAX];
};

/* Name of a parser counter as shown in reports and JSON ("frames", ...). */
const char *parser_counter_name(int idx);

/* Sum per-CPU values: vals holds ncpus consecutive values of stride bytes. */
uint64_t percpu_sum(const void *vals, int ncpus, size_t stride);

/* dst += src, counter by counter (several interfaces into one view). */
void snapshot_add(struct snapshot *dst, const struct snapshot *src);

/* Seconds from a to b on the monotonic clock (0 when b is not later). */
double snapshot_elapsed(const struct snapshot *a, const struct snapshot *b);

/*
 * Growth of a counter between two readings.  Kernel counters never go
 * back; a smaller value means the program was reloaded, so the new value
 * is all growth since then.
 */
uint64_t counter_delta(uint64_t before, uint64_t after);

/* delta / seconds, 0 for a zero-length interval. */
double counter_rate(uint64_t delta, double seconds);

/* Totals per class 1..6 (index 0 unused) from the per-code counters. */
void snapshot_class_totals(const struct snapshot *s, uint64_t out[SIP_CLASS_SLOTS]);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The addresses that send failures: the kernel's LRU table "sip_failing"
 * (remote address, direction, class 4/5/6 -> count) read back, and the
 * busiest N of each class picked out.  No configuration: the kernel keeps
 * the addresses that failed most recently, so these are the busy ones of
 * late, not a complete history.
 */
#ifndef SIPSTAT_LIB_FAILING_H
#define SIPSTAT_LIB_FAILING_H

#include <linux/types.h>
#include <stdint.h>

#include "sipstat.h"

#define FAILING_CLASSES 3	/* 4xx, 5xx, 6xx */
#define FAILING_TOP_MAX 100	/* the most any output lists per class */

struct failing_entry {
	uint8_t addr[16];	/* IPv6, or IPv4-mapped IPv6 */
	int dir;
	int cls;		/* 4, 5 or 6 */
	uint64_t total;		/* counted since the entry was made */
	uint64_t delta;		/* since the previous reading (0 on the first) */
};

struct failing {
	struct failing_entry *e;
	int n, cap;
};

void failing_free(struct failing *f);
/* Read every entry of failing_fd (ncpus values per key).  0 or -errno. */
int failing_read(int failing_fd, int ncpus, struct failing *f);
/* dst += src: the same address and class on two interfaces add up.  0 or -ENOMEM. */
int failing_add(struct failing *dst, const struct failing *src);
/* Set each entry's delta against the previous reading prev (NULL: delta = total). */
void failing_deltas(struct failing *cur, const struct failing *prev);

/*
 * The top n (at most FAILING_TOP_MAX) entries of class cls (4, 5, 6) of
 * direction dir (or -1: both), busiest first by total, then by address;
 * pointers into f.  Returns how many.
 */
int failing_top(const struct failing *f, int cls, int dir, int n,
		const struct failing_entry **out);

#endif

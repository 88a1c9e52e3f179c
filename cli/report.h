/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Text and JSON reports and 6xx alert lines, rendered from snapshots. */
#ifndef SIPSTAT_REPORT_H
#define SIPSTAT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "snapshot.h"

struct report {
	const char *const *ifnames;	/* interfaces this report covers */
	int nifs;
	const char *mode;		/* XDP mode(s) in use, e.g. "native" */
	const struct snapshot *base;	/* reading at start: totals are since then */
	const struct snapshot *prev;	/* reading at the start of the interval */
	const struct snapshot *cur;	/* reading now */
	int verbose;			/* text: parser counters when > 0 */
};

/* The vmstat-like text block of one interval. */
void report_text(FILE *f, const struct report *r);
/* One JSON object on one line (newline-delimited JSON). */
void report_json(FILE *f, const struct report *r);

/*
 * One "ALERT" line per 6xx code that grew between prev and cur on ifname;
 * returns how many lines were written.
 */
int report_alerts(FILE *f, const char *ifname, const struct snapshot *base,
		  const struct snapshot *prev, const struct snapshot *cur);

/* ISO 8601 UTC with milliseconds, e.g. 2026-11-26T06:20:01.123Z. */
void format_time(char *buf, size_t len, const struct timespec *ts);

#endif

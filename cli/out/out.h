/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The formats: each renders one report (model.h) to a FILE.  The series
 * formats are small writers of the walk (series.h); the text and JSON
 * reports lay out their sections and add the further families of the
 * walk.  The command picks one with -o (cli/out_write.c).
 */
#ifndef SIPSTAT_CLI_OUT_OUT_H
#define SIPSTAT_CLI_OUT_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

/* The vmstat-like block of one interval (prom.c, influx.c, csv.c: see there). */
void out_text_report(FILE *f, const struct out_report *r);
/* One JSON object per report, on one line. */
void out_json_report(FILE *f, const struct out_report *r);

/*
 * The text report's section of further figures alone: one line per
 * sample of each family the report's own sections do not show (the live
 * view's counters box shows them too).
 */
void out_text_further(FILE *f, const struct out_report *r);

/* sipstat status: each pinned interface (r->ifs[i].pin). */
void out_text_status(FILE *f, const struct out_report *r);
void out_json_status(FILE *f, const struct out_report *r);

/* One "ALERT" line per 6xx code that grew on ifname; returns how many. */
int out_text_alerts(FILE *f, const char *ifname, const struct counters *base,
		    const struct counters *prev, const struct counters *cur);

/*
 * Prometheus text format 0.0.4, or OpenMetrics 1.0.0 (ends in "# EOF")
 * when openmetrics.  No timestamps: the scrape time is the sample time.
 */
void out_prom(FILE *f, const struct out_report *r, bool openmetrics);

/* Influx line protocol, one line per series, nanosecond timestamps (r->when). */
void out_influx(FILE *f, const struct out_report *r);

/* CSV (RFC 4180), one row per series; the header row first when r->header. */
void out_csv(FILE *f, const struct out_report *r);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* -o FORMAT: the one place where the command picks the writer of a report. */
#ifndef SIPSTAT_CLI_OUT_WRITE_H
#define SIPSTAT_CLI_OUT_WRITE_H

#include <stdio.h>

#include "args.h"
#include "http.h"
#include "out/model.h"

/*
 * r in the format fmt to f: a status document (r->type "status") as
 * status, any other as a report.  A format that has no such document
 * writes nothing (the options rule it out).
 */
void out_write(FILE *f, enum output_fmt fmt, const struct out_report *r);

/*
 * What the options ask of every report: -v, --per-interface, --per-peer,
 * --failing N (5 with -v), --export-failing N, the CSV header.
 */
void out_options(struct out_report *r, const struct options *o);

/* The exposition of r for a scrape, in a malloc'd buffer.  0 or -errno. */
int out_write_body(const struct out_report *r, enum http_format fmt, char **body, size_t *len);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The monitoring outputs and the metrics endpoint, as the subcommands use them. */
#ifndef SIPSTAT_CLI_EXPORTER_H
#define SIPSTAT_CLI_EXPORTER_H

#include <stdbool.h>
#include <stdio.h>

#include "args.h"
#include "export.h"
#include "http.h"
#include "loop.h"

/* -o prometheus, openmetrics, influx or csv. */
bool export_output(enum output_fmt f);
/* One reading in that format; first: the CSV header too. */
void export_print(FILE *f, enum output_fmt fmt, const struct export_set *s, bool first);
/* The exposition of s in a malloc'd buffer, for a scrape.  0 or -errno. */
int export_body(const struct export_set *s, enum http_format fmt, char **body, size_t *len);

/* The endpoint of --listen, in an event loop. */
struct exporter {
	struct http_server *srv;
	struct http_listen where;
};

/*
 * Listen at spec (--listen) and serve fn's body from loop l; says on
 * stderr where, or what failed.  0 or -errno (-EINVAL: a bad spec).
 */
int exporter_start(struct exporter *x, const char *spec, struct loop *l, http_metrics_fn fn,
		   void *ctx);
void exporter_stop(struct exporter *x);

#endif

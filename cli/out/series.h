/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The series of a report, described once: each family (responses,
 * requests, parser results, frames, events, KPIs, per-peer responses,
 * failing addresses, ...) with its name, kind, help, labels and where
 * its values come from, and one walk over them that hands each writer
 * family by family (or interface by interface) the samples: labels and
 * values.  A family added to out_families[] reaches every format: the
 * Prometheus and OpenMetrics expositions, Influx lines and CSV rows from
 * the walk alone, and the text and JSON reports in their section of
 * further figures.
 *
 * A value is a figure (total since the base reading, change since the
 * previous one, rate): the series formats print totals since counting
 * started, the reports all three over their interval.  A family may have
 * value columns beside the first (a count of resent responses beside the
 * responses, say), a decimal value (a ratio, seconds) or a histogram.
 */
#ifndef SIPSTAT_CLI_OUT_SERIES_H
#define SIPSTAT_CLI_OUT_SERIES_H

#include <stdbool.h>
#include <stdint.h>

#include "counters.h"
#include "model.h"

/* Kinds of family, as Prometheus names them. */
enum out_kind { OUT_COUNTER = 0, OUT_GAUGE, OUT_INFO, OUT_HISTOGRAM };

/* How often a family's samples are asked for. */
enum out_scope {
	OUT_PER_REPORT = 0,	/* once (build information) */
	OUT_PER_IFACE,		/* once per interface */
	OUT_PER_DIR,		/* per interface, each direction asked for or with counts */
};

/* Formats, for the families some of them leave out (out_family.skip). */
#define OUT_FMT_PROM (1U << 0)		/* Prometheus 0.0.4 and OpenMetrics */
#define OUT_FMT_INFLUX (1U << 1)
#define OUT_FMT_CSV (1U << 2)
#define OUT_FMT_TEXT (1U << 3)		/* the text report's further figures */
#define OUT_FMT_JSON (1U << 4)		/* the JSON report's further figures */
/*
 * The families the reports had before the description: each shown in a
 * section of their own (out/text.c, out/jsondoc.c) or, like events and
 * the build, not at all.  A new family leaves skip 0 and reaches them.
 */
#define OUT_FMT_REPORTS (OUT_FMT_TEXT | OUT_FMT_JSON)

#define OUT_LABELS 8		/* labels of a sample, interface and direction included */
#define OUT_LABEL_LEN 64	/* a label value formatted by the family */
#define OUT_COLUMNS 4		/* value columns of a family */
#define OUT_BUCKETS 32		/* buckets of a histogram */

struct out_label {
	const char *key;
	const char *value;
};

/*
 * A histogram's value: count[i] observations at most le[i] (cumulative,
 * le ascending, in seconds), count of all (the +Inf bucket) and their sum.
 */
struct out_hist {
	int n;
	double le[OUT_BUCKETS];
	uint64_t count[OUT_BUCKETS];
	uint64_t total;
	double sum;
};

struct out_sample {
	struct out_label label[OUT_LABELS];
	int nlabels;
	char text[OUT_LABELS][OUT_LABEL_LEN];	/* values formatted by out_labelf() */
	struct figure v[OUT_COLUMNS];	/* value of each column (counters, integer gauges) */
	double x;			/* a family with decimals: its value */
	const struct out_hist *hist;	/* a histogram family: its value */
};

/* Where a family's samples come from. */
struct out_src {
	const struct out_report *r;
	const struct out_iface *x;	/* the interface; NULL for a per-report family */
	int dir;			/* per-direction families: the direction, else -1 */
	struct span span;		/* the readings of the figures (x's, or zero, cur, cur) */
};

struct out_family;
struct out_sink;

/* A value column beside a family's first: its name and what it counts. */
struct out_column {
	const char *name;
	const char *help;
};

typedef void (*out_samples_fn)(const struct out_src *src, struct out_sink *sink);

struct out_family {
	const char *name;	/* Prometheus family and Influx measurement; CSV metric,
				 * JSON member and text label without the "sipstat_" */
	enum out_kind kind;
	enum out_scope scope;
	const char *help;
	int decimals;		/* > 0: the value is x, with that many places */
	const char *influx;	/* Influx measurement when it is not name */
	const char *field;	/* Influx field of the first column; "total" when NULL */
	/*
	 * Columns beside the first, ended by one without a name (NULL: none).
	 * Column "resent" of sipstat_responses is the Prometheus family
	 * sipstat_responses_resent, the Influx field resent beside the first,
	 * CSV rows of metric responses_resent, a member or column "resent" in
	 * the reports.
	 */
	const struct out_column *columns;
	unsigned int skip;	/* OUT_FMT_* formats that leave it out */
	out_samples_fn samples;
};

extern const struct out_family out_families[];
extern const int out_nfamilies;

/* The name a family has in CSV, JSON and text: name without "sipstat_". */
const char *out_short_name(const struct out_family *f);
/* Value columns of a family: 1 + its columns. */
int out_ncolumns(const struct out_family *f);

/* ---------------------------------------------------------------- the walk */

/*
 * What a writer is handed.  family and family_end may be NULL.  With
 * by_column, a family with several columns is walked once per column
 * (col 0, 1, ...); else once, col -1, every column in the sample.
 */
struct out_walker {
	unsigned int format;		/* its OUT_FMT_* bit: families skipping it left out */
	bool by_column;
	bool span;			/* figures over the interfaces' readings, not totals */
	void (*family)(void *ctx, const struct out_family *f, int col);
	void (*sample)(void *ctx, const struct out_family *f, int col, const struct out_sample *s);
	void (*family_end)(void *ctx, const struct out_family *f, int col);
};

/*
 * Family by family (Prometheus): each family's samples of every
 * interface in turn.  Interface by interface (Influx, CSV): the
 * per-report families, then for each interface its per-direction
 * families direction by direction, then its other families.
 */
void out_walk_families(const struct out_report *r, const struct out_walker *w, void *ctx);
void out_walk_ifaces(const struct out_report *r, const struct out_walker *w, void *ctx);

/* ------------------------------------------------- for the families' samples */

struct out_sink {
	const struct out_family *f;
	const struct out_walker *w;
	void *ctx;
	int col;
};

/* A sample with the interface's and direction's labels of src. */
void out_sample_init(struct out_sample *s, const struct out_src *src);
void out_label(struct out_sample *s, const char *key, const char *value);
void out_labelf(struct out_sample *s, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void out_put(struct out_sink *k, const struct out_sample *s);

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The Prometheus text exposition format 0.0.4 and OpenMetrics 1.0.0: the
 * walk of the series family by family, HELP and TYPE for each (also when
 * it has no sample), then its samples.  A counter's samples end in
 * _total, an info family's in _info, a histogram's in _bucket{le},
 * _sum and _count.  No timestamps.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "series.h"

struct prom {
	FILE *f;
	bool om;
};

/* Label value and help text escaping of the exposition formats. */
static void escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* The family's name for column col: name, or name_COLUMN beside the first. */
static void base_name(FILE *f, const struct out_family *fam, int col)
{
	fputs(fam->name, f);
	if (col > 0)
		fprintf(f, "_%s", fam->columns[col - 1].name);
}

static const char *type_name(const struct out_family *fam, bool om)
{
	switch (fam->kind) {
	case OUT_COUNTER:
		return "counter";
	case OUT_INFO:
		return om ? "info" : "gauge";
	case OUT_HISTOGRAM:
		return "histogram";
	default:
		return "gauge";
	}
}

/*
 * HELP and TYPE.  A counter's samples carry _total in both formats; the
 * 0.0.4 format names the family with it too.  An info family is a gauge
 * in 0.0.4, its samples named base_info in both.
 */
static void family(void *ctx, const struct out_family *fam, int col)
{
	struct prom *p = ctx;
	const char *suffix = "";

	if (!p->om && fam->kind == OUT_COUNTER)
		suffix = "_total";
	else if (!p->om && fam->kind == OUT_INFO)
		suffix = "_info";
	fputs("# HELP ", p->f);
	base_name(p->f, fam, col);
	fprintf(p->f, "%s ", suffix);
	escape(p->f, col > 0 ? fam->columns[col - 1].help : fam->help);
	fputs("\n# TYPE ", p->f);
	base_name(p->f, fam, col);
	fprintf(p->f, "%s %s\n", suffix, type_name(fam, p->om));
}

/* name{labels[,extra="value"]} (with the closing brace). */
static void series(FILE *f, const struct out_family *fam, int col, const char *suffix,
		   const struct out_sample *s, const char *extra, const char *value)
{
	int i;

	base_name(f, fam, col);
	fputs(suffix, f);
	fputc('{', f);
	for (i = 0; i < s->nlabels; i++) {
		fprintf(f, "%s%s=\"", i ? "," : "", s->label[i].key);
		escape(f, s->label[i].value);
		fputc('"', f);
	}
	if (extra)
		fprintf(f, "%s%s=\"%s\"", s->nlabels ? "," : "", extra, value);
	fputs("} ", f);
}

static void histogram(FILE *f, const struct out_family *fam, int col, const struct out_sample *s)
{
	const struct out_hist *h = s->hist;
	char le[32];
	int i;

	for (i = 0; h && i < h->n; i++) {
		snprintf(le, sizeof(le), "%g", h->le[i]);
		series(f, fam, col, "_bucket", s, "le", le);
		fprintf(f, "%" PRIu64 "\n", h->count[i]);
	}
	series(f, fam, col, "_bucket", s, "le", "+Inf");
	fprintf(f, "%" PRIu64 "\n", h ? h->total : 0);
	series(f, fam, col, "_sum", s, NULL, NULL);
	fprintf(f, "%.6f\n", h ? h->sum : 0.0);
	series(f, fam, col, "_count", s, NULL, NULL);
	fprintf(f, "%" PRIu64 "\n", h ? h->total : 0);
}

static void sample(void *ctx, const struct out_family *fam, int col, const struct out_sample *s)
{
	struct prom *p = ctx;

	if (fam->kind == OUT_HISTOGRAM) {
		histogram(p->f, fam, col, s);
		return;
	}
	series(p->f, fam, col,
	       fam->kind == OUT_COUNTER ? "_total" : fam->kind == OUT_INFO ? "_info" : "", s, NULL,
	       NULL);
	if (fam->decimals > 0)
		fprintf(p->f, "%.*f\n", fam->decimals, s->x);
	else
		fprintf(p->f, "%" PRIu64 "\n", s->v[col > 0 ? col : 0].total);
}

void out_prom(FILE *f, const struct out_report *r, bool openmetrics)
{
	struct prom p = { .f = f, .om = openmetrics };
	const struct out_walker w = {
		.format = OUT_FMT_PROM,
		.by_column = true,
		.family = family,
		.sample = sample,
	};

	out_walk_families(r, &w, &p);
	if (openmetrics)
		fprintf(f, "# EOF\n");
}

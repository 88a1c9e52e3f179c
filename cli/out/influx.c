// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * InfluxDB line protocol (Telegraf inputs.exec, data_format "influx"):
 * the walk of the series interface by interface, one line per sample,
 * the values as fields (integers "Ni"), the reading's time in
 * nanoseconds.  Measurements and tags follow the Prometheus families:
 *
 *   sipstat_responses,host=,interface=,direction=,method=,code=,class= total=Ni T
 *   sipstat_kpi,host=,interface=,kpi= ratio=F T          (a family with decimals)
 *   M,... total=Ni,resent=Ni T                           (a family with columns)
 *   M,... count=Ni,sum=F,le_0.005=Ni,...,le_+Inf=Ni T    (a histogram)
 */
#include <inttypes.h>
#include <stdio.h>

#include "out.h"
#include "series.h"

struct influx {
	FILE *f;
	const char *host;
	uint64_t ns;
};

/* Tag key or value escaping: comma, equals sign, space (and backslash). */
static void escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == ',' || *s == '=' || *s == ' ' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);	/* a newline would end the line */
		else
			fputc(*s, f);
	}
}

static void fields(FILE *f, const struct out_family *fam, const struct out_sample *s)
{
	const struct out_hist *h = s->hist;
	int c, i;

	if (fam->kind == OUT_HISTOGRAM) {
		fprintf(f, "count=%" PRIu64 "i,sum=%.6f", h ? h->total : 0, h ? h->sum : 0.0);
		for (i = 0; h && i < h->n; i++)
			fprintf(f, ",le_%g=%" PRIu64 "i", h->le[i], h->count[i]);
		fprintf(f, ",le_+Inf=%" PRIu64 "i", h ? h->total : 0);
		return;
	}
	fprintf(f, "%s=", fam->field ? fam->field : "total");
	if (fam->decimals > 0)
		fprintf(f, "%.*f", fam->decimals, s->x);
	else
		fprintf(f, "%" PRIu64 "i", s->v[0].total);
	for (c = 1; c < out_ncolumns(fam); c++)
		fprintf(f, ",%s=%" PRIu64 "i", fam->columns[c - 1].name, s->v[c].total);
}

static void sample(void *ctx, const struct out_family *fam, int col, const struct out_sample *s)
{
	struct influx *x = ctx;
	FILE *f = x->f;
	int i;

	fputs(fam->influx ? fam->influx : fam->name, f);
	if (x->host && *x->host) {
		fputs(",host=", f);
		escape(f, x->host);
	}
	for (i = 0; i < s->nlabels; i++) {
		fprintf(f, ",%s=", s->label[i].key);
		escape(f, s->label[i].value);
	}
	fputc(' ', f);
	fields(f, fam, s);
	fprintf(f, " %" PRIu64 "\n", x->ns);
}

void out_influx(FILE *f, const struct out_report *r)
{
	struct influx x = {
		.f = f,
		.host = r->host,
		.ns = (uint64_t)r->when.tv_sec * 1000000000ULL + (uint64_t)r->when.tv_nsec,
	};
	const struct out_walker w = { .format = OUT_FMT_INFLUX, .sample = sample };

	out_walk_ifaces(r, &w, &x);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * CSV (RFC 4180 quoting, LF line ends): the walk of the series interface
 * by interface, one row per sample, the same series as the Prometheus
 * output, as totals:
 *
 *   time,host,interface,metric,direction,method,code,class,result,value
 *
 * metric is the family's name without "sipstat_" (responses, requests,
 * parser_packets, frames, events, kpi_ratio, peer_responses,
 * failing_responses, ...).  The labels direction, method, code and class
 * have their columns; the one other label of a family (parser result,
 * KPI, peer name, address) is in result, several as "key=value;...".
 * Columns that do not apply are empty.  A family's further value columns
 * are rows of metric name_column; a histogram's rows are name_bucket
 * (result le=), name_sum and name_count.
 *
 * A watching sipstat prints the header once, then the rows of every
 * interval.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "out.h"
#include "series.h"

struct csv {
	FILE *f;
	const char *host;
	char when[32];
};

/* A field, quoted when it needs to be. */
static void field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static const char *label_of(const struct out_sample *s, const char *key)
{
	int i;

	for (i = 0; i < s->nlabels; i++)
		if (!strcmp(s->label[i].key, key))
			return s->label[i].value;
	return "";
}

static bool own_column(const char *key)
{
	static const char *const keys[] = { "interface", "direction", "method", "code", "class" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* One label in result: its value alone, or key=value when there are several. */
static size_t result_add(char *buf, size_t n, size_t len, bool keyed, const char *key,
			 const char *value)
{
	if (n >= len)
		return n;
	return n + (size_t)snprintf(buf + n, len - n, "%s%s%s%s", n ? ";" : "", keyed ? key : "",
				    keyed ? "=" : "", value);
}

/* The labels without a column of their own (and a histogram bucket's le). */
static void result(FILE *f, const struct out_sample *s, const char *le)
{
	char buf[256];
	size_t n = 0;
	int i, others = le ? 1 : 0;

	for (i = 0; i < s->nlabels; i++)
		others += !own_column(s->label[i].key);
	buf[0] = '\0';
	for (i = 0; i < s->nlabels; i++)
		if (!own_column(s->label[i].key))
			n = result_add(buf, n, sizeof(buf), others > 1, s->label[i].key,
				       s->label[i].value);
	if (le)
		result_add(buf, n, sizeof(buf), others > 1, "le", le);
	field(f, buf);
}

/* Every column up to value and its comma. */
static void row_start(const struct csv *c, const struct out_sample *s, const char *metric,
		      const char *suffix, const char *le)
{
	FILE *f = c->f;

	fprintf(f, "%s,", c->when);
	field(f, c->host);
	fputc(',', f);
	field(f, label_of(s, "interface"));
	fprintf(f, ",%s%s,", metric, suffix);
	field(f, label_of(s, "direction"));
	fputc(',', f);
	field(f, label_of(s, "method"));
	fputc(',', f);
	field(f, label_of(s, "code"));
	fputc(',', f);
	field(f, label_of(s, "class"));
	fputc(',', f);
	result(f, s, le);
	fputc(',', f);
}

static void histogram(const struct csv *c, const struct out_family *fam, const struct out_sample *s)
{
	const struct out_hist *h = s->hist;
	char le[32];
	int i;

	for (i = 0; h && i <= h->n; i++) {
		if (i < h->n)
			snprintf(le, sizeof(le), "%g", h->le[i]);
		row_start(c, s, out_short_name(fam), "_bucket", i < h->n ? le : "+Inf");
		fprintf(c->f, "%" PRIu64 "\n", i < h->n ? h->count[i] : h->total);
	}
	row_start(c, s, out_short_name(fam), "_sum", NULL);
	fprintf(c->f, "%.6f\n", h ? h->sum : 0.0);
	row_start(c, s, out_short_name(fam), "_count", NULL);
	fprintf(c->f, "%" PRIu64 "\n", h ? h->total : 0);
}

static void sample(void *ctx, const struct out_family *fam, int col, const struct out_sample *s)
{
	const struct csv *c = ctx;
	char suffix[OUT_LABEL_LEN];
	int k;

	if (fam->kind == OUT_HISTOGRAM) {
		histogram(c, fam, s);
		return;
	}
	for (k = 0; k < out_ncolumns(fam); k++) {
		snprintf(suffix, sizeof(suffix), "%s%s", k ? "_" : "",
			 k ? fam->columns[k - 1].name : "");
		row_start(c, s, out_short_name(fam), suffix, NULL);
		if (fam->decimals > 0)
			fprintf(c->f, "%.*f\n", fam->decimals, s->x);
		else
			fprintf(c->f, "%" PRIu64 "\n", s->v[k].total);
	}
}

void out_csv(FILE *f, const struct out_report *r)
{
	struct csv c = { .f = f, .host = r->host ? r->host : "" };
	const struct out_walker w = { .format = OUT_FMT_CSV, .sample = sample };

	fmt_time(c.when, sizeof(c.when), &r->when);
	if (r->header)
		fprintf(f, "time,host,interface,metric,direction,method,code,class,result,value\n");
	out_walk_ifaces(r, &w, &c);
}

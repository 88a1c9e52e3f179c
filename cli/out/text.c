// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Reports as text: the vmstat-like block of one interval (classes, codes;
 * with -v requests, parser outcomes and frames), the method x class table
 * and KPIs, per-peer blocks and failing addresses, the further families
 * of the series, and 6xx alert lines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "fmt.h"
#include "kpi.h"
#include "out.h"
#include "peerwatch.h"
#include "series.h"

static uint64_t total_requests(const struct span *s, int dir, int m)
{
	return counters_delta(counters_requests(s->b, dir, m), counters_requests(s->c, dir, m));
}

static void class_table(FILE *f, const struct span *s)
{
	struct figure fig;
	int cls;

	fprintf(f, "  %-22s %12s %8s %10s\n", "class", "total", "delta", "rate/s");
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++) {
		fig = fig_class(s, COUNTERS_DIR_ALL, cls);
		fprintf(f, "  %s %-18s %12" PRIu64 " %8" PRIu64 " %10.2f\n", sip_class_label(cls),
			sip_class_name(cls), fig.total, fig.delta, fig.rate);
	}
}

/* One row per code and direction. */
static void code_table(FILE *f, const struct span *s, int verbose)
{
	struct figure fig;
	int code, d;

	fprintf(f, "  %-4s %-31s %-5s %-15s %-3s %12s %8s %10s\n", "code", "reason", "class",
		"group", "dir", "total", "delta", "rate/s");
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
			fig = fig_code(s, d, code);
			if (!fig.total)
				continue;
			fprintf(f, "  %-4d %-31.31s %-5s %-15s %-3s %12" PRIu64 " %8" PRIu64
				   " %10.2f",
				code, sip_code_reason(code), sip_class_label(sip_code_class(code)),
				sip_code_group(code), counters_dir_name(d), fig.total, fig.delta,
				fig.rate);
			if (verbose > 0)
				fprintf(f, "  %s", sip_code_meaning(code));
			fputc('\n', f);
		}
	}
}

/* -v: requests by method and parser outcomes of each direction, and frames. */
static void outcome_lines(FILE *f, const struct span *s, unsigned int dirs)
{
	int d, m, o;

	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		if (!(dirs & (1U << d)))
			continue;
		fprintf(f, "  requests %s:", counters_dir_name(d));
		for (m = 0; m < SIPSTAT_M_MAX; m++)
			if (total_requests(s, d, m))
				fprintf(f, " %s %" PRIu64, counters_method_name(m),
					total_requests(s, d, m));
		if (!fig_outcome(s, d, COUNTERS_REQUESTS).total)
			fprintf(f, " none");
		fputc('\n', f);
		fprintf(f, "  parser %s:", counters_dir_name(d));
		for (o = 0; o < COUNTERS_OUTCOMES; o++)
			fprintf(f, " %s %" PRIu64, counters_outcome_name(o),
				fig_outcome(s, d, o).total);
		fputc('\n', f);
	}
	fprintf(f, "  frames (interface statistics): in %" PRIu64 " out %" PRIu64 "\n",
		counters_delta(counters_frames(s->b, SIPSTAT_DIR_IN),
			       counters_frames(s->c, SIPSTAT_DIR_IN)),
		counters_delta(counters_frames(s->b, SIPSTAT_DIR_OUT),
			       counters_frames(s->c, SIPSTAT_DIR_OUT)));
}

static void tables(FILE *f, const struct span *s, unsigned int dirs, int verbose)
{
	class_table(f, s);
	code_table(f, s, verbose);
	if (verbose > 0)
		outcome_lines(f, s, dirs);
}

/* ------------------------------------------------- methods, KPIs, peers */

/* Methods (rows) by class (columns), totals since b; 75 columns wide. */
static void method_table(FILE *f, const struct counters *b, const struct counters *c,
			 bool requests, const char *indent)
{
	int m, cls, rows = 0;

	for (m = 0; m < SIPSTAT_M_MAX; m++) {
		uint64_t row[SIP_CLASS_COUNT + 1], any = 0;

		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			any += row[cls] = counters_method_class_since(b, c, m, cls);
		if (requests)
			any += counters_requests_since(b, c, m);
		if (!any)
			continue;
		if (!rows++) {
			fprintf(f, "%s%-10s", indent, "method");
			if (requests)
				fprintf(f, " %8s", "requests");
			for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
				fprintf(f, " %8s", sip_class_label(cls));
			fputc('\n', f);
		}
		fprintf(f, "%s%-10s", indent, counters_method_name(m));
		if (requests)
			fprintf(f, " %8" PRIu64, counters_requests_since(b, c, m));
		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			fprintf(f, " %8" PRIu64, row[cls]);
		fputc('\n', f);
	}
}

static void kpi_line(FILE *f, const char *indent, const char *what, const struct kpi *k,
		     bool responses_only)
{
	int id, last = responses_only ? KPI_NER : KPI_MAX - 1;

	fprintf(f, "%s%s:", indent, what);
	for (id = 0; id <= last; id++) {
		if (k->valid[id])
			fprintf(f, " %s %.1f%%", kpi_label(id), k->pct[id]);
		else
			fprintf(f, " %s -", kpi_label(id));
	}
	fputc('\n', f);
}

static void codes_by_method(FILE *f, const struct counters *b, const struct counters *c)
{
	int code, m;

	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		int shown = 0;

		for (m = 0; m < SIPSTAT_M_MAX; m++) {
			uint64_t n = counters_delta(
				counters_code_method(b, COUNTERS_DIR_ALL, m, code),
				counters_code_method(c, COUNTERS_DIR_ALL, m, code));

			if (!n)
				continue;
			if (!shown++)
				fprintf(f, "  %d %-.24s by method:", code, sip_code_reason(code));
			fprintf(f, " %s %" PRIu64, counters_method_name(m), n);
		}
		if (shown)
			fputc('\n', f);
	}
}

static void peer_blocks(FILE *f, const struct peerwatch *pw)
{
	struct counters *pb = calloc(1, sizeof(*pb)), *pcur = calloc(1, sizeof(*pcur));
	bool seen[SIPSTAT_PEERS_MAX + 1] = { false };
	char buf[16];
	uint32_t peer;
	int i;

	if (!pb || !pcur)
		goto out;
	for (i = 0; i < pw->cur.n; i++)
		seen[peers_key_peer(pw->cur.e[i].key)] = true;
	for (peer = 1; peer <= SIPSTAT_PEERS_MAX + 1; peer++) {
		uint32_t p = peer % (SIPSTAT_PEERS_MAX + 1);	/* named first, "other" last */
		struct kpi k;
		uint64_t resp;

		if (!seen[p])
			continue;
		peerwatch_counters(&pw->base, p, pb);
		peerwatch_counters(&pw->cur, p, pcur);
		resp = counters_delta(counters_outcome(pb, COUNTERS_DIR_ALL, COUNTERS_RESPONSES),
				      counters_outcome(pcur, COUNTERS_DIR_ALL, COUNTERS_RESPONSES));
		if (!resp)
			continue;
		fprintf(f, "  peer %s: responses %" PRIu64 "\n",
			peers_name(&pw->table, p, buf, sizeof(buf)), resp);
		method_table(f, pb, pcur, false, "    ");
		kpi_of(pb, pcur, COUNTERS_DIR_ALL, &k);
		kpi_line(f, "    ", "KPIs", &k, true);
	}
out:
	free(pb);
	free(pcur);
}

static void failing_lines(FILE *f, const struct peerwatch *pw, int want)
{
	const struct failing_entry *top[FAILING_TOP_MAX];
	char a[64];
	int cls, i, n;

	for (cls = 4; cls <= 6; cls++) {
		n = failing_top(&pw->fcur, cls, -1, want, top);
		fprintf(f, "  failing %dxx:", cls);
		for (i = 0; i < n; i++) {
			peers_addr_format(top[i]->addr, a, sizeof(a));
			fprintf(f, "%s %s %s %" PRIu64, i ? "," : "", a,
				counters_dir_name(top[i]->dir), top[i]->total);
		}
		fprintf(f, "%s\n", n ? "" : " none");
	}
}


/* Method x class, KPIs; with -v codes by method; peers; failing addresses. */
static void insight(FILE *f, const struct out_report *r)
{
	const struct peerwatch *pw = r->peers;
	struct kpi tot, ivl;

	method_table(f, r->base, r->cur, true, "  ");
	kpi_of(r->base, r->cur, COUNTERS_DIR_ALL, &tot);
	kpi_of(r->prev, r->cur, COUNTERS_DIR_ALL, &ivl);
	kpi_line(f, "  ", "KPIs", &tot, false);
	if (r->verbose > 0) {
		kpi_line(f, "  ", "KPIs of the interval", &ivl, false);
		codes_by_method(f, r->base, r->cur);
	}
	if (!pw || !pw->have_maps)
		return;
	if (r->per_peer) {
		uint64_t over = counters_delta(counters_peer_overflow(r->base),
					       counters_peer_overflow(r->cur));

		peer_blocks(f, pw);
		if (over)
			fprintf(f, "  peer_overflow %" PRIu64 " (responses not counted per peer: "
				   "the per-peer table is full)\n", over);
	}
	if (r->failing_top)
		failing_lines(f, pw, r->failing_top);
}

/* ------------------------------------------------- further families */

/* "  NAME LABEL...: VALUE", one line per sample of a family the sections above do not show. */
static void further_sample(void *ctx, const struct out_family *fam, int col,
			   const struct out_sample *s)
{
	const struct out_hist *h = s->hist;
	FILE *f = ctx;
	int i;

	fprintf(f, "  %s", out_short_name(fam));
	for (i = 0; i < s->nlabels; i++)
		fprintf(f, " %s", s->label[i].value);
	fputc(':', f);
	if (fam->kind == OUT_HISTOGRAM)
		fprintf(f, " count %" PRIu64 " sum %.6f", h ? h->total : 0, h ? h->sum : 0.0);
	else if (fam->decimals > 0)
		fprintf(f, " %.*f", fam->decimals, s->x);
	else if (fam->kind == OUT_COUNTER)
		fprintf(f, " %" PRIu64 " total, %" PRIu64 " delta, %.2f/s", s->v[0].total,
			s->v[0].delta, s->v[0].rate);
	else
		fprintf(f, " %" PRIu64, s->v[0].total);
	for (i = 1; i < out_ncolumns(fam); i++)
		fprintf(f, ", %s %" PRIu64, fam->columns[i - 1].name, s->v[i].total);
	fputc('\n', f);
}

void out_text_further(FILE *f, const struct out_report *r)
{
	const struct out_walker w = { .format = OUT_FMT_TEXT, .span = true,
				      .sample = further_sample };

	out_walk_families(r, &w, f);
}

/* ------------------------------------------------- the report */

void out_text_report(FILE *f, const struct out_report *r)
{
	struct span s = { r->base, r->prev, r->cur, counters_elapsed(r->prev, r->cur) };
	const char *names[64];
	char when[32], ifs[256];
	struct figure resp;
	int i, n = r->nifs < 64 ? r->nifs : 64;

	for (i = 0; i < n; i++)
		names[i] = r->ifs[i].name;
	fmt_time(when, sizeof(when), &r->cur->real);
	fmt_join(ifs, sizeof(ifs), names, n, ",");
	resp = fig_outcome(&s, COUNTERS_DIR_ALL, COUNTERS_RESPONSES);
	fprintf(f, "%s  %s (%s)  interval %.2fs  responses %" PRIu64 " total, %.2f/s\n", when, ifs,
		r->mode ? r->mode : "-", s.secs, resp.total, resp.rate);
	tables(f, &s, r->dirs, r->verbose);
	insight(f, r);
	out_text_further(f, r);

	for (i = 0; r->per_interface && i < r->nifs; i++) {
		const struct out_iface *x = &r->ifs[i];
		struct span xs = { x->base, x->prev, x->cur, counters_elapsed(x->prev, x->cur) };

		resp = fig_outcome(&xs, COUNTERS_DIR_ALL, COUNTERS_RESPONSES);
		fprintf(f, "  -- %s (%s, %s%s%s)  responses %" PRIu64 " total, %.2f/s\n", x->name,
			x->mode ? x->mode : "-", x->source ? x->source : "-",
			x->state && strcmp(x->state, "counting") != 0 ? ", " : "",
			x->state && strcmp(x->state, "counting") != 0 ? x->state : "", resp.total,
			resp.rate);
		tables(f, &xs, r->dirs, r->verbose);
	}
	fputc('\n', f);
}

int out_text_alerts(FILE *f, const char *ifname, const struct counters *base,
		    const struct counters *prev, const struct counters *cur)
{
	struct counters_alert a[2 * 100];
	char when[32];
	int i, n;

	n = counters_alerts(base, prev, cur, a, (int)(sizeof(a) / sizeof(a[0])));
	fmt_time(when, sizeof(when), &cur->real);
	for (i = 0; i < n; i++)
		fprintf(f, "ALERT %s %s %d %s: %" PRIu64 " in %.2fs, %" PRIu64 " total%s%s\n", when,
			ifname, a[i].code, sip_code_reason(a[i].code), a[i].delta, a[i].secs,
			a[i].total, a[i].dir == SIPSTAT_DIR_IN ? "" : " ",
			a[i].dir == SIPSTAT_DIR_IN ? "" : counters_dir_name(a[i].dir));
	if (n)
		fflush(f);
	return n;
}

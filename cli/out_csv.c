// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * CSV (RFC 4180 quoting, LF line ends), one row per series, the same series as the Prometheus
 * output, as totals:
 *
 *   time,host,interface,metric,direction,method,code,class,result,value
 *
 * metric is responses, requests, parser_packets, frames or events; the
 * columns that do not apply to a metric are empty.  Beside them, as
 * Prometheus has them and in the same columns:
 *
 *   kpi_ratio          result = asr|ner|ser|seer|isa, value a ratio 0..1
 *                      (six decimals; no row while undefined)
 *   peer_responses     direction, method, code, class, result = peer name
 *   failing_responses  direction, class, result = address (--export-failing)
 *
 * A watching sipstat prints the header once, then the rows of every
 * interval.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "codes.h"
#include "export.h"
#include "failing.h"
#include "fmt.h"
#include "kpi.h"
#include "peers.h"

void csv_field(FILE *f, const char *s)
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

struct row {
	FILE *f;
	const char *when, *host, *ifname;
};

/* Every column up to result and its comma; cls is a class 1..6, or 0 for the code's (if any). */
static void row_start(const struct row *r, const char *metric, int dir, const char *method,
		      int code, int cls, const char *result)
{
	FILE *f = r->f;

	fprintf(f, "%s,", r->when);
	csv_field(f, r->host);
	fputc(',', f);
	csv_field(f, r->ifname);
	fprintf(f, ",%s,%s,%s,", metric, dir >= 0 ? counters_dir_name(dir) : "",
		method ? method : "");
	if (code)
		fprintf(f, "%d", code);
	if (!cls && code)
		cls = sip_code_class(code);
	fprintf(f, ",%s,", cls ? sip_class_label(cls) : "");
	csv_field(f, result ? result : "");
	fputc(',', f);
}

static void row(const struct row *r, const char *metric, int dir, const char *method, int code,
		const char *result, uint64_t v)
{
	row_start(r, metric, dir, method, code, 0, result);
	fprintf(r->f, "%" PRIu64 "\n", v);
}

/* KPIs of INVITE since counting started (lib/kpi.c), as ratios; none while undefined. */
static void kpi_rows(const struct row *r, const struct export_iface *x)
{
	struct kpi k;
	int id;

	kpi_of(NULL, x->c, COUNTERS_DIR_ALL, &k);
	for (id = 0; id < KPI_MAX; id++) {
		if (!k.valid[id])
			continue;
		row_start(r, "kpi_ratio", -1, NULL, 0, 0, kpi_name(id));
		fprintf(r->f, "%.6f\n", k.pct[id] / 100.0);
	}
}

/* Responses per named peer (--peers), the peer's name in result. */
static void peer_rows(const struct row *r, const struct export_iface *x)
{
	char buf[16];
	int i;

	for (i = 0; x->peers && i < x->peers->n; i++) {
		uint32_t k = x->peers->e[i].key, code = peers_key_code(k), d = peers_key_dir(k),
			 m = peers_key_method(k);

		if (!peers_key_valid(k))
			continue;
		row(r, "peer_responses", (int)d, counters_method_name((int)m), (int)code,
		    peers_name(x->peer_names, peers_key_peer(k), buf, sizeof(buf)),
		    x->peers->e[i].n);
	}
}

/* The busiest failing addresses (--export-failing N per class and direction). */
static void failing_rows(const struct row *r, const struct export_iface *x)
{
	const struct failing_entry *top[FAILING_TOP_MAX];
	char a[64];
	int cls, d, i, n;

	for (d = 0; d < SIPSTAT_DIR_MAX && x->failing && x->failing_top > 0; d++) {
		for (cls = 4; cls <= 6; cls++) {
			n = failing_top(x->failing, cls, d, x->failing_top, top);
			for (i = 0; i < n; i++) {
				peers_addr_format(top[i]->addr, a, sizeof(a));
				row_start(r, "failing_responses", d, NULL, 0, cls, a);
				fprintf(r->f, "%" PRIu64 "\n", top[i]->total);
			}
		}
	}
}

void out_csv(FILE *f, const struct export_set *s, bool header)
{
	struct row r = { .f = f, .host = s->host ? s->host : "" };
	char when[32];
	unsigned int dirs;
	uint64_t n;
	int i, d, m, code, o, e;

	fmt_time(when, sizeof(when), &s->when);
	r.when = when;
	if (header)
		fprintf(f, "time,host,interface,metric,direction,method,code,class,result,value\n");
	for (i = 0; i < s->nifs; i++) {
		const struct export_iface *x = &s->ifs[i];

		r.ifname = x->name;
		dirs = export_dirs(x);
		for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
			if (!(dirs & (1U << d)))
				continue;
			for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
				if (!counters_code(x->c, d, code))
					continue;
				for (m = 0; m < SIPSTAT_M_MAX; m++) {
					n = counters_code_method(x->c, d, m, code);
					if (n)
						row(&r, "responses", d, counters_method_name(m), code,
						    NULL, n);
				}
			}
			for (m = 0; m < SIPSTAT_M_MAX; m++) {
				n = counters_requests(x->c, d, m);
				if (n)
					row(&r, "requests", d, counters_method_name(m), 0, NULL, n);
			}
			for (o = 0; o < export_parser_nresults; o++)
				row(&r, "parser_packets", d, NULL, 0,
				    counters_outcome_name(export_parser_results[o]),
				    counters_outcome(x->c, d, export_parser_results[o]));
			for (e = 0; e < EXPORT_EVENT_RESULTS; e++)
				row(&r, "events", d, NULL, 0, export_event_name(e),
				    export_events(x->c, d, e));
		}
		for (d = 0; d < SIPSTAT_DIR_MAX; d++)
			row(&r, "frames", d, NULL, 0, NULL, counters_frames(x->c, d));
		kpi_rows(&r, x);
		peer_rows(&r, x);
		failing_rows(&r, x);
	}
}

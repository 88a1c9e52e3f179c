// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * CSV (RFC 4180 quoting, LF line ends), one row per series, the same series as the Prometheus
 * output, as totals:
 *
 *   time,host,interface,metric,direction,method,code,class,result,value
 *
 * metric is responses, requests, parser_packets, frames or events; the
 * columns that do not apply to a metric are empty.  A watching sipstat
 * prints the header once, then the rows of every interval.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "codes.h"
#include "export.h"
#include "fmt.h"

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

static void row(const struct row *r, const char *metric, int dir, const char *method, int code,
		const char *result, uint64_t v)
{
	FILE *f = r->f;

	fprintf(f, "%s,", r->when);
	csv_field(f, r->host);
	fputc(',', f);
	csv_field(f, r->ifname);
	fprintf(f, ",%s,%s,%s,", metric, dir >= 0 ? counters_dir_name(dir) : "",
		method ? method : "");
	if (code)
		fprintf(f, "%d,%s", code, sip_class_label(sip_code_class(code)));
	else
		fputc(',', f);
	fprintf(f, ",%s,%" PRIu64 "\n", result ? result : "", v);
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
	}
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * InfluxDB line protocol (Telegraf inputs.exec, data_format "influx"):
 * one line per series, the totals as integer fields, the reading's time
 * in nanoseconds.  Measurements and tags follow the Prometheus families:
 *
 *   sipstat_responses,host=,interface=,direction=,method=,code=,class= total=Ni T
 *   sipstat_requests,host=,interface=,direction=,method= total=Ni T
 *   sipstat_parser_packets,host=,interface=,direction=,result= total=Ni T
 *   sipstat_frames,host=,interface=,direction= total=Ni T
 *   sipstat_events,host=,interface=,direction=,result= total=Ni T
 *   sipstat_kpi,host=,interface=,kpi= ratio=F T                  (defined ones only)
 *   sipstat_peer_responses,host=,interface=,direction=,peer=,method=,code=,class= total=Ni T
 */
#include <inttypes.h>
#include <stdio.h>

#include "codes.h"
#include "export.h"
#include "kpi.h"
#include "peers.h"

void influx_escape(FILE *f, const char *s)
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

/* measurement,host=H,interface=I,direction=D (tags in lexical key order after these). */
static void head(FILE *f, const struct export_set *s, const char *m, const char *ifname, int dir)
{
	fprintf(f, "%s", m);
	if (s->host && *s->host) {
		fprintf(f, ",host=");
		influx_escape(f, s->host);
	}
	fprintf(f, ",interface=");
	influx_escape(f, ifname);
	if (dir >= 0)
		fprintf(f, ",direction=%s", counters_dir_name(dir));
}

static void tail(FILE *f, uint64_t v, uint64_t ns)
{
	fprintf(f, " total=%" PRIu64 "i %" PRIu64 "\n", v, ns);
}

void out_influx(FILE *f, const struct export_set *s)
{
	uint64_t ns = (uint64_t)s->when.tv_sec * 1000000000ULL + (uint64_t)s->when.tv_nsec, n;
	unsigned int dirs;
	int i, d, m, code, o, e;

	for (i = 0; i < s->nifs; i++) {
		const struct export_iface *x = &s->ifs[i];

		dirs = export_dirs(x);
		for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
			if (!(dirs & (1U << d)))
				continue;
			for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
				if (!counters_code(x->c, d, code))
					continue;
				for (m = 0; m < SIPSTAT_M_MAX; m++) {
					n = counters_code_method(x->c, d, m, code);
					if (!n)
						continue;
					head(f, s, "sipstat_responses", x->name, d);
					fprintf(f, ",method=%s,code=%d,class=%s", counters_method_name(m),
						code, sip_class_label(sip_code_class(code)));
					tail(f, n, ns);
				}
			}
			for (m = 0; m < SIPSTAT_M_MAX; m++) {
				n = counters_requests(x->c, d, m);
				if (!n)
					continue;
				head(f, s, "sipstat_requests", x->name, d);
				fprintf(f, ",method=%s", counters_method_name(m));
				tail(f, n, ns);
			}
			for (o = 0; o < export_parser_nresults; o++) {
				head(f, s, "sipstat_parser_packets", x->name, d);
				fprintf(f, ",result=%s",
					counters_outcome_name(export_parser_results[o]));
				tail(f, counters_outcome(x->c, d, export_parser_results[o]), ns);
			}
			for (e = 0; e < EXPORT_EVENT_RESULTS; e++) {
				head(f, s, "sipstat_events", x->name, d);
				fprintf(f, ",result=%s", export_event_name(e));
				tail(f, export_events(x->c, d, e), ns);
			}
		}
		for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
			head(f, s, "sipstat_frames", x->name, d);
			tail(f, counters_frames(x->c, d), ns);
		}
		{
			struct kpi k;
			char buf[16];
			int id;

			kpi_of(NULL, x->c, COUNTERS_DIR_ALL, &k);
			for (id = 0; id < KPI_MAX; id++) {
				if (!k.valid[id])
					continue;
				head(f, s, "sipstat_kpi", x->name, -1);
				fprintf(f, ",kpi=%s ratio=%.6f %" PRIu64 "\n", kpi_name(id),
					k.pct[id] / 100.0, ns);
			}
			for (e = 0; x->peers && e < x->peers->n; e++) {
				uint32_t key = x->peers->e[e].key, c = peers_key_code(key);

				d = (int)peers_key_dir(key);
				m = (int)peers_key_method(key);
				if (!peers_key_valid(key))
					continue;
				head(f, s, "sipstat_peer_responses", x->name, d);
				fputs(",peer=", f);
				influx_escape(f, peers_name(x->peer_names, peers_key_peer(key), buf,
							    sizeof(buf)));
				fprintf(f, ",method=%s,code=%u,class=%s", counters_method_name(m), c,
					sip_class_label(sip_code_class((int)c)));
				tail(f, x->peers->e[e].n, ns);
			}
		}
	}
}

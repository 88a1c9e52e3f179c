// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The Prometheus text exposition format 0.0.4 and OpenMetrics 1.0.0.
 *
 * Families (HELP and TYPE for each, also when a family has no sample):
 *   sipstat_build_info{version}                                  gauge / info
 *   sipstat_info{interface,mode,ports,frags}                     gauge / info
 *   sipstat_attach_time_seconds{interface}                       gauge
 *   sipstat_responses_total{interface,direction,method,code,class}  counter
 *   sipstat_requests_total{interface,direction,method}           counter
 *   sipstat_parser_packets_total{interface,direction,result}     counter
 *   sipstat_carried_packets_total{interface,direction,carrier}   counter
 *   sipstat_frames_total{interface,direction}                    counter
 *   sipstat_events_total{interface,direction,result}             counter
 *   sipstat_kpi_ratio{interface,kpi}                             gauge
 *   sipstat_peer_responses_total{interface,direction,peer,method,code,class}  counter
 *   sipstat_failing_responses{interface,direction,address,class} gauge (--export-failing)
 *
 * Labels are bounded: codes and methods only where counted (a fixed list
 * of 16 methods, codes 100..699), the interfaces given, fixed result sets.
 * Each label holds one kind of value: code="486" and class="4xx" are two
 * labels, never one.  No timestamps.
 */
#include <inttypes.h>
#include <stdio.h>

#include "codes.h"
#include "export.h"
#include "failing.h"
#include "kpi.h"
#include "peers.h"

const int export_parser_results[] = {
	COUNTERS_REQUESTS, COUNTERS_RESPONSES, COUNTERS_MALFORMED, COUNTERS_TRUNCATED,
	COUNTERS_OTHER,	   COUNTERS_FRAGMENTS, COUNTERS_BAD_HEADER, COUNTERS_TOO_DEEP,
	COUNTERS_TCP_UNPARSED,
};
const int export_parser_nresults =
	(int)(sizeof(export_parser_results) / sizeof(export_parser_results[0]));

static const char *const event_names[EXPORT_EVENT_RESULTS] = { "sent", "limited", "lost" };

const char *export_event_name(int result)
{
	return result >= 0 && result < EXPORT_EVENT_RESULTS ? event_names[result] : NULL;
}

uint64_t export_events(const struct counters *c, int dir, int result)
{
	if (dir < 0 || dir >= SIPSTAT_DIR_MAX || result < 0 || result >= EXPORT_EVENT_RESULTS)
		return 0;
	return c->keys[SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_EVENTS_SENT + result)];
}

unsigned int export_dirs(const struct export_iface *x)
{
	unsigned int dirs = x->dirs;
	int d, e;

	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		if (counters_outcome(x->c, d, COUNTERS_UDP_SIP) ||
		    counters_outcome(x->c, d, COUNTERS_FRAGMENTS) ||
		    counters_outcome(x->c, d, COUNTERS_BAD_HEADER) ||
		    counters_outcome(x->c, d, COUNTERS_TOO_DEEP))
			dirs |= 1U << d;
		for (e = 0; e < EXPORT_EVENT_RESULTS; e++)
			if (export_events(x->c, d, e))
				dirs |= 1U << d;
	}
	return dirs;
}

void prom_escape(FILE *f, const char *s)
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

enum fam_type { FAM_COUNTER, FAM_GAUGE, FAM_INFO };

/*
 * HELP and TYPE of family base (the name without _total or _info).  A
 * counter's samples carry _total in both formats; the 0.0.4 format names
 * the family with it too.  An info family is a gauge in 0.0.4, its
 * samples named base_info in both.
 */
static void family(FILE *f, bool om, const char *base, enum fam_type t, const char *help)
{
	const char *suffix = "";

	if (!om && t == FAM_COUNTER)
		suffix = "_total";
	else if (!om && t == FAM_INFO)
		suffix = "_info";
	fprintf(f, "# HELP %s%s ", base, suffix);
	prom_escape(f, help);
	fprintf(f, "\n# TYPE %s%s %s\n", base, suffix,
		t == FAM_COUNTER ? "counter" : t == FAM_INFO && om ? "info" : "gauge");
}

/* name{interface="..",direction=".." (the opening, without the closing brace). */
static void open_sample(FILE *f, const char *name, const char *ifname, int dir)
{
	fprintf(f, "%s{interface=\"", name);
	prom_escape(f, ifname);
	fputc('"', f);
	if (dir >= 0)
		fprintf(f, ",direction=\"%s\"", counters_dir_name(dir));
}

static void responses(FILE *f, const struct export_iface *x, unsigned int dirs)
{
	uint64_t n;
	int d, m, code;

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
				open_sample(f, "sipstat_responses_total", x->name, d);
				fprintf(f, ",method=\"%s\",code=\"%d\",class=\"%s\"} %" PRIu64 "\n",
					counters_method_name(m), code,
					sip_class_label(sip_code_class(code)), n);
			}
		}
	}
}

static void requests(FILE *f, const struct export_iface *x, unsigned int dirs)
{
	uint64_t n;
	int d, m;

	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		if (!(dirs & (1U << d)))
			continue;
		for (m = 0; m < SIPSTAT_M_MAX; m++) {
			n = counters_requests(x->c, d, m);
			if (!n)
				continue;
			open_sample(f, "sipstat_requests_total", x->name, d);
			fprintf(f, ",method=\"%s\"} %" PRIu64 "\n", counters_method_name(m), n);
		}
	}
}

static void parser(FILE *f, const struct export_iface *x, unsigned int dirs)
{
	int d, i, o;

	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		if (!(dirs & (1U << d)))
			continue;
		for (i = 0; i < export_parser_nresults; i++) {
			o = export_parser_results[i];
			open_sample(f, "sipstat_parser_packets_total", x->name, d);
			fprintf(f, ",result=\"%s\"} %" PRIu64 "\n", counters_outcome_name(o),
				counters_outcome(x->c, d, o));
		}
	}
}

/* TCP segments and tunnelled SIP: counted besides the parser results. */
static void carried(FILE *f, const struct export_iface *x, unsigned int dirs)
{
	static const struct {
		int outcome;
		const char *carrier;
	} carriers[] = {
		{ COUNTERS_TCP_SEGMENTS, "tcp" },   { COUNTERS_ENCAP_IPIP, "ipip" },
		{ COUNTERS_ENCAP_GRE, "gre" },	    { COUNTERS_ENCAP_VXLAN, "vxlan" },
		{ COUNTERS_ENCAP_GTPU, "gtpu" },    { COUNTERS_ENCAP_PPPOE, "pppoe" },
		{ COUNTERS_ENCAP_MPLS, "mpls" },
	};
	size_t i;
	int d;

	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		if (!(dirs & (1U << d)))
			continue;
		for (i = 0; i < sizeof(carriers) / sizeof(carriers[0]); i++) {
			open_sample(f, "sipstat_carried_packets_total", x->name, d);
			fprintf(f, ",carrier=\"%s\"} %" PRIu64 "\n", carriers[i].carrier,
				counters_outcome(x->c, d, carriers[i].outcome));
		}
	}
}

static void events(FILE *f, const struct export_iface *x, unsigned int dirs)
{
	int d, e;

	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		if (!(dirs & (1U << d)))
			continue;
		for (e = 0; e < EXPORT_EVENT_RESULTS; e++) {
			open_sample(f, "sipstat_events_total", x->name, d);
			fprintf(f, ",result=\"%s\"} %" PRIu64 "\n", export_event_name(e),
				export_events(x->c, d, e));
		}
	}
}

/* KPIs of INVITE since counting started (lib/kpi.c), as ratios; none while undefined. */
static void kpis(FILE *f, const struct export_iface *x)
{
	struct kpi k;
	int id;

	kpi_of(NULL, x->c, COUNTERS_DIR_ALL, &k);
	for (id = 0; id < KPI_MAX; id++) {
		if (!k.valid[id])
			continue;
		open_sample(f, "sipstat_kpi_ratio", x->name, -1);
		fprintf(f, ",kpi=\"%s\"} %.6f\n", kpi_name(id), k.pct[id] / 100.0);
	}
}

/* Responses per named peer: the label set is the peers file's names and "other". */
static void peer_responses(FILE *f, const struct export_iface *x)
{
	char buf[16];
	int i;

	for (i = 0; x->peers && i < x->peers->n; i++) {
		uint32_t k = x->peers->e[i].key, code = peers_key_code(k), d = peers_key_dir(k),
			 m = peers_key_method(k);

		if (!peers_key_valid(k))
			continue;
		open_sample(f, "sipstat_peer_responses_total", x->name, (int)d);
		fprintf(f, ",peer=\"");
		prom_escape(f, peers_name(x->peer_names, peers_key_peer(k), buf, sizeof(buf)));
		fprintf(f, "\",method=\"%s\",code=\"%u\",class=\"%s\"} %" PRIu64 "\n",
			counters_method_name((int)m), code, sip_class_label(sip_code_class((int)code)),
			x->peers->e[i].n);
	}
}

/* The busiest failing addresses, at most failing_top per class and direction. */
static void failing_addresses(FILE *f, const struct export_iface *x)
{
	const struct failing_entry *top[FAILING_TOP_MAX];
	char a[64];
	int cls, d, i, n;

	for (d = 0; d < SIPSTAT_DIR_MAX && x->failing && x->failing_top > 0; d++) {
		for (cls = 4; cls <= 6; cls++) {
			n = failing_top(x->failing, cls, d, x->failing_top, top);
			for (i = 0; i < n; i++) {
				peers_addr_format(top[i]->addr, a, sizeof(a));
				open_sample(f, "sipstat_failing_responses", x->name, d);
				fprintf(f, ",address=\"%s\",class=\"%dxx\"} %" PRIu64 "\n", a, cls,
					top[i]->total);
			}
		}
	}
}

void out_prom(FILE *f, const struct export_set *s, bool openmetrics)
{
	const bool om = openmetrics;
	int i, d;

	family(f, om, "sipstat_build", FAM_INFO, "sipstat build information; value always 1.");
	fprintf(f, "sipstat_build_info{version=\"");
	prom_escape(f, s->version ? s->version : "");
	fprintf(f, "\"} 1\n");

	family(f, om, "sipstat", FAM_INFO,
	       "What is attached to each interface: XDP mode, SIP UDP port set, and how IP "
	       "fragments are treated (first: only first fragments are parsed, later ones "
	       "counted under the parser result fragments); value always 1.");
	for (i = 0; i < s->nifs; i++) {
		const struct export_iface *x = &s->ifs[i];

		open_sample(f, "sipstat_info", x->name, -1);
		fprintf(f, ",mode=\"");
		prom_escape(f, x->mode ? x->mode : "");
		fprintf(f, "\",ports=\"");
		prom_escape(f, x->ports ? x->ports : "");
		fprintf(f, "\",frags=\"first\"} 1\n");
	}

	family(f, om, "sipstat_attach_time_seconds", FAM_GAUGE,
	       "Unix time of the last attach of the counting program to the interface.");
	for (i = 0; i < s->nifs; i++) {
		if (!(s->ifs[i].attach_time > 0))
			continue;
		open_sample(f, "sipstat_attach_time_seconds", s->ifs[i].name, -1);
		fprintf(f, "} %.3f\n", s->ifs[i].attach_time);
	}

	family(f, om, "sipstat_responses", FAM_COUNTER,
	       "SIP responses by direction, method of the CSeq header (unknown when not read), "
	       "status code and class; only codes seen.");
	for (i = 0; i < s->nifs; i++)
		responses(f, &s->ifs[i], export_dirs(&s->ifs[i]));

	family(f, om, "sipstat_requests", FAM_COUNTER,
	       "SIP requests by direction and method; only methods seen.");
	for (i = 0; i < s->nifs; i++)
		requests(f, &s->ifs[i], export_dirs(&s->ifs[i]));

	family(f, om, "sipstat_parser_packets", FAM_COUNTER,
	       "UDP datagrams on SIP ports by parser result: requests, responses, malformed "
	       "(starts like a status line but is not one), truncated, other payload, TCP "
	       "payloads that start no message (tcp_unparsed); and frames not parsed: later "
	       "IP fragments, bad headers, too many VLAN tags or IPv6 extension headers.");
	for (i = 0; i < s->nifs; i++)
		parser(f, &s->ifs[i], export_dirs(&s->ifs[i]));

	family(f, om, "sipstat_carried_packets", FAM_COUNTER,
	       "SIP-port packets by what carried them, besides what they held: TCP segments "
	       "with payload, and datagrams or segments inside one tunnel (ipip, gre, vxlan, "
	       "gtpu, pppoe, mpls).");
	for (i = 0; i < s->nifs; i++)
		carried(f, &s->ifs[i], export_dirs(&s->ifs[i]));

	family(f, om, "sipstat_frames", FAM_COUNTER,
	       "Packets the interface received (in) and sent (out), from its own statistics.");
	for (i = 0; i < s->nifs; i++) {
		for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
			open_sample(f, "sipstat_frames_total", s->ifs[i].name, d);
			fprintf(f, "} %" PRIu64 "\n", counters_frames(s->ifs[i].c, d));
		}
	}

	family(f, om, "sipstat_events", FAM_COUNTER,
	       "Responses whose code asks for an alert event (every 6xx by default): sent to "
	       "the event ring buffer, limited by the per-CPU rate limit, or lost (buffer full).");
	for (i = 0; i < s->nifs; i++)
		events(f, &s->ifs[i], export_dirs(&s->ifs[i]));

	family(f, om, "sipstat_kpi_ratio", FAM_GAUGE,
	       "KPIs of INVITE since counting started, as ratios (README, KPIs): asr, ner "
	       "(ITU-T E.411), ser, seer, isa (RFC 6076); absent while undefined.");
	for (i = 0; i < s->nifs; i++)
		kpis(f, &s->ifs[i]);

	family(f, om, "sipstat_peer_responses", FAM_COUNTER,
	       "SIP responses by named peer of the peers file (other: no prefix matched), "
	       "direction, method and code; since the program was loaded.");
	for (i = 0; i < s->nifs; i++)
		peer_responses(f, &s->ifs[i]);

	family(f, om, "sipstat_failing_responses", FAM_GAUGE,
	       "4xx, 5xx and 6xx responses of the busiest failing remote addresses "
	       "(--export-failing N per class); an address may drop out and come back.");
	for (i = 0; i < s->nifs; i++)
		failing_addresses(f, &s->ifs[i]);

	if (om)
		fprintf(f, "# EOF\n");
}

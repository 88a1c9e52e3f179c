// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The families of out_families[], in the order of the Prometheus
 * exposition, and the walk.  Labels are bounded: codes and methods only
 * where counted (a fixed list of 16 methods, codes 100..699), the
 * interfaces given, fixed result sets, the peers file's names.  Each
 * label holds one kind of value: code="486" and class="4xx" are two
 * labels, never one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codes.h"
#include "failing.h"
#include "kpi.h"
#include "peers.h"
#include "series.h"

/*
 * The base of totals since counting started.  Never written; not const,
 * so that it is zeroed memory at run time, not 190 kB of the binary.
 */
static struct counters zero;

/* ------------------------------------------------------------ samples */

void out_sample_init(struct out_sample *s, const struct out_src *src)
{
	memset(s, 0, sizeof(*s));
	if (src->x)
		out_label(s, "interface", src->x->name ? src->x->name : "");
	if (src->dir >= 0)
		out_label(s, "direction", counters_dir_name(src->dir));
}

void out_label(struct out_sample *s, const char *key, const char *value)
{
	if (s->nlabels >= OUT_LABELS)
		return;
	s->label[s->nlabels].key = key;
	s->label[s->nlabels].value = value ? value : "";
	s->nlabels++;
}

void out_labelf(struct out_sample *s, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *buf;

	if (s->nlabels >= OUT_LABELS)
		return;
	buf = s->text[s->nlabels];
	va_start(ap, fmt);
	vsnprintf(buf, OUT_LABEL_LEN, fmt, ap);
	va_end(ap);
	out_label(s, key, buf);
}

void out_put(struct out_sink *k, const struct out_sample *s)
{
	k->w->sample(k->ctx, k->f, k->col, s);
}

/* A value that is no count of the readings: v[0].total. */
static void put_value(struct out_sink *k, struct out_sample *s, uint64_t v)
{
	s->v[0].total = v;
	out_put(k, s);
}

/* ------------------------------------------------------------ families */

static void build_info(const struct out_src *src, struct out_sink *k)
{
	struct out_sample s;

	out_sample_init(&s, src);
	out_label(&s, "version", src->r->version);
	put_value(k, &s, 1);
}

static void info(const struct out_src *src, struct out_sink *k)
{
	struct out_sample s;

	out_sample_init(&s, src);
	out_label(&s, "mode", src->x->mode);
	out_label(&s, "ports", src->x->ports);
	out_label(&s, "frags", "first");
	put_value(k, &s, 1);
}

static void attach_time(const struct out_src *src, struct out_sink *k)
{
	struct out_sample s;

	if (!(src->x->attach_time > 0))
		return;
	out_sample_init(&s, src);
	s.x = src->x->attach_time;
	out_put(k, &s);
}

static void responses(const struct out_src *src, struct out_sink *k)
{
	const struct span *sp = &src->span;
	struct out_sample s;
	int m, code;

	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		if (!fig_code(sp, src->dir, code).total)
			continue;
		for (m = 0; m < SIPSTAT_M_MAX; m++) {
			struct figure fig = fig_code_method(sp, src->dir, m, code);

			if (!fig.total)
				continue;
			out_sample_init(&s, src);
			s.v[0] = fig;
			out_label(&s, "method", counters_method_name(m));
			out_labelf(&s, "code", "%d", code);
			out_label(&s, "class", sip_class_label(sip_code_class(code)));
			out_put(k, &s);
		}
	}
}

static void requests(const struct out_src *src, struct out_sink *k)
{
	struct out_sample s;
	int m;

	for (m = 0; m < SIPSTAT_M_MAX; m++) {
		struct figure fig = fig_requests(&src->span, src->dir, m);

		if (!fig.total)
			continue;
		out_sample_init(&s, src);
		s.v[0] = fig;
		out_label(&s, "method", counters_method_name(m));
		out_put(k, &s);
	}
}

/* Outcomes under one label, each with the label's value for it. */
struct outcome_label {
	int outcome;
	const char *value;
};

static void outcomes(const struct out_src *src, struct out_sink *k, const char *key,
		     const struct outcome_label *o, int n)
{
	struct out_sample s;
	int i;

	for (i = 0; i < n; i++) {
		out_sample_init(&s, src);
		out_label(&s, key, o[i].value ? o[i].value : counters_outcome_name(o[i].outcome));
		s.v[0] = fig_outcome(&src->span, src->dir, o[i].outcome);
		out_put(k, &s);
	}
}

#define NELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Parser results that add up to the datagrams on SIP ports, in order. */
static void parser(const struct out_src *src, struct out_sink *k)
{
	static const struct outcome_label results[] = {
		{ COUNTERS_REQUESTS, NULL },	 { COUNTERS_RESPONSES, NULL },
		{ COUNTERS_MALFORMED, NULL },	 { COUNTERS_TRUNCATED, NULL },
		{ COUNTERS_OTHER, NULL },	 { COUNTERS_FRAGMENTS, NULL },
		{ COUNTERS_BAD_HEADER, NULL },	 { COUNTERS_TOO_DEEP, NULL },
		{ COUNTERS_TCP_UNPARSED, NULL },
	};

	outcomes(src, k, "result", results, NELEMS(results));
}

/* TCP segments and tunnelled SIP: counted besides the parser results. */
static void carried(const struct out_src *src, struct out_sink *k)
{
	static const struct outcome_label carriers[] = {
		{ COUNTERS_TCP_SEGMENTS, "tcp" },   { COUNTERS_ENCAP_IPIP, "ipip" },
		{ COUNTERS_ENCAP_GRE, "gre" },	    { COUNTERS_ENCAP_VXLAN, "vxlan" },
		{ COUNTERS_ENCAP_GTPU, "gtpu" },    { COUNTERS_ENCAP_PPPOE, "pppoe" },
		{ COUNTERS_ENCAP_MPLS, "mpls" },
	};

	outcomes(src, k, "carrier", carriers, NELEMS(carriers));
}

static void frames(const struct out_src *src, struct out_sink *k)
{
	struct out_sample s;
	int d;

	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		out_sample_init(&s, src);
		out_label(&s, "direction", counters_dir_name(d));
		s.v[0] = fig_frames(&src->span, d);
		out_put(k, &s);
	}
}

/* The event path's outcome (0 sent, 1 limited, 2 lost) of one direction. */
static uint64_t event_count(const struct counters *c, int dir, int result)
{
	return c->keys[SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_EVENTS_SENT + result)];
}

static void events(const struct out_src *src, struct out_sink *k)
{
	static const char *const names[] = { "sent", "limited", "lost" };
	const struct span *sp = &src->span;
	struct out_sample s;
	int e;

	for (e = 0; e < NELEMS(names); e++) {
		out_sample_init(&s, src);
		out_label(&s, "result", names[e]);
		s.v[0] = figure_of(event_count(sp->b, src->dir, e), event_count(sp->p, src->dir, e),
				   event_count(sp->c, src->dir, e), sp->secs);
		out_put(k, &s);
	}
}

/* KPIs of INVITE since counting started (lib/kpi.c), as ratios; none while undefined. */
static void kpis(const struct out_src *src, struct out_sink *k)
{
	struct out_sample s;
	struct kpi kp;
	int id;

	kpi_of(src->span.b, src->span.c, COUNTERS_DIR_ALL, &kp);
	for (id = 0; id < KPI_MAX; id++) {
		if (!kp.valid[id])
			continue;
		out_sample_init(&s, src);
		out_label(&s, "kpi", kpi_name(id));
		s.x = kp.pct[id] / 100.0;
		out_put(k, &s);
	}
}

/* Responses per named peer: the label set is the peers file's names and "other". */
static void peer_responses(const struct out_src *src, struct out_sink *k)
{
	const struct peers_counts *pc = src->x->peers;
	struct out_sample s;
	char buf[16];
	int i;

	for (i = 0; pc && i < pc->n; i++) {
		uint32_t key = pc->e[i].key, code = peers_key_code(key);

		if (!peers_key_valid(key))
			continue;
		out_sample_init(&s, src);
		out_label(&s, "direction", counters_dir_name((int)peers_key_dir(key)));
		out_labelf(&s, "peer", "%s",
			   peers_name(src->x->peer_names, peers_key_peer(key), buf, sizeof(buf)));
		out_label(&s, "method", counters_method_name((int)peers_key_method(key)));
		out_labelf(&s, "code", "%u", code);
		out_label(&s, "class", sip_class_label(sip_code_class((int)code)));
		put_value(k, &s, pc->e[i].n);
	}
}

/* The busiest failing addresses, at most export_failing per class and direction. */
static void failing_addresses(const struct out_src *src, struct out_sink *k)
{
	const struct failing_entry *top[FAILING_TOP_MAX];
	int cls, d, i, n, want = src->r->export_failing;
	struct out_sample s;

	for (d = 0; d < SIPSTAT_DIR_MAX && src->x->failing && want > 0; d++) {
		for (cls = 4; cls <= 6; cls++) {
			n = failing_top(src->x->failing, cls, d, want, top);
			for (i = 0; i < n; i++) {
				out_sample_init(&s, src);
				out_label(&s, "direction", counters_dir_name(d));
				peers_addr_format(top[i]->addr, s.text[s.nlabels], OUT_LABEL_LEN);
				out_label(&s, "address", s.text[s.nlabels]);
				out_labelf(&s, "class", "%dxx", cls);
				put_value(k, &s, top[i]->total);
			}
		}
	}
}

/* Families Influx and CSV never had (nor the reports as figures). */
#define PROM_ONLY (OUT_FMT_INFLUX | OUT_FMT_CSV | OUT_FMT_REPORTS)

const struct out_family out_families[] = {
	{ .name = "sipstat_build", .kind = OUT_INFO, .scope = OUT_PER_REPORT,
	  .help = "sipstat build information; value always 1.",
	  .skip = PROM_ONLY, .samples = build_info },
	{ .name = "sipstat", .kind = OUT_INFO, .scope = OUT_PER_IFACE,
	  .help = "What is attached to each interface: XDP mode, SIP UDP port set, and how IP "
		  "fragments are treated (first: only first fragments are parsed, later ones "
		  "counted under the parser result fragments); value always 1.",
	  .skip = PROM_ONLY, .samples = info },
	{ .name = "sipstat_attach_time_seconds", .kind = OUT_GAUGE, .scope = OUT_PER_IFACE,
	  .help = "Unix time of the last attach of the counting program to the interface.",
	  .decimals = 3, .skip = PROM_ONLY, .samples = attach_time },
	{ .name = "sipstat_responses", .kind = OUT_COUNTER, .scope = OUT_PER_DIR,
	  .help = "SIP responses by direction, method of the CSeq header (unknown when not read), "
		  "status code and class; only codes seen.",
	  .skip = OUT_FMT_REPORTS, .samples = responses },
	{ .name = "sipstat_requests", .kind = OUT_COUNTER, .scope = OUT_PER_DIR,
	  .help = "SIP requests by direction and method; only methods seen.",
	  .skip = OUT_FMT_REPORTS, .samples = requests },
	{ .name = "sipstat_parser_packets", .kind = OUT_COUNTER, .scope = OUT_PER_DIR,
	  .help = "UDP datagrams on SIP ports by parser result: requests, responses, malformed "
		  "(starts like a status line but is not one), truncated, other payload, TCP "
		  "payloads that start no message (tcp_unparsed); and frames not parsed: later "
		  "IP fragments, bad headers, too many VLAN tags or IPv6 extension headers.",
	  .skip = OUT_FMT_REPORTS, .samples = parser },
	{ .name = "sipstat_carried_packets", .kind = OUT_COUNTER, .scope = OUT_PER_DIR,
	  .help = "SIP-port packets by what carried them, besides what they held: TCP segments "
		  "with payload, and datagrams or segments inside one tunnel (ipip, gre, vxlan, "
		  "gtpu, pppoe, mpls).",
	  .skip = PROM_ONLY, .samples = carried },
	{ .name = "sipstat_frames", .kind = OUT_COUNTER, .scope = OUT_PER_IFACE,
	  .help = "Packets the interface received (in) and sent (out), from its own statistics.",
	  .skip = OUT_FMT_REPORTS, .samples = frames },
	{ .name = "sipstat_events", .kind = OUT_COUNTER, .scope = OUT_PER_DIR,
	  .help = "Responses whose code asks for an alert event (every 6xx by default): sent to "
		  "the event ring buffer, limited by the per-CPU rate limit, or lost (buffer "
		  "full).",
	  .skip = OUT_FMT_REPORTS, .samples = events },
	{ .name = "sipstat_kpi_ratio", .kind = OUT_GAUGE, .scope = OUT_PER_IFACE,
	  .help = "KPIs of INVITE since counting started, as ratios (README, KPIs): asr, ner "
		  "(ITU-T E.411), ser, seer, isa (RFC 6076); absent while undefined.",
	  .decimals = 6, .influx = "sipstat_kpi", .field = "ratio", .skip = OUT_FMT_REPORTS,
	  .samples = kpis },
	{ .name = "sipstat_peer_responses", .kind = OUT_COUNTER, .scope = OUT_PER_IFACE,
	  .help = "SIP responses by named peer of the peers file (other: no prefix matched), "
		  "direction, method and code; since the program was loaded.",
	  .skip = OUT_FMT_REPORTS, .samples = peer_responses },
	{ .name = "sipstat_failing_responses", .kind = OUT_GAUGE, .scope = OUT_PER_IFACE,
	  .help = "4xx, 5xx and 6xx responses of the busiest failing remote addresses "
		  "(--export-failing N per class); an address may drop out and come back.",
	  .skip = OUT_FMT_INFLUX | OUT_FMT_REPORTS, .samples = failing_addresses },
};

const int out_nfamilies = NELEMS(out_families);

const char *out_short_name(const struct out_family *f)
{
	return strncmp(f->name, "sipstat_", 8) ? f->name : f->name + 8;
}

int out_ncolumns(const struct out_family *f)
{
	int n = 1;

	while (f->columns && f->columns[n - 1].name && n < OUT_COLUMNS)
		n++;
	return n;
}

/* ------------------------------------------------------------ the walk */

/* Directions asked for, or with anything counted. */
static unsigned int dirs_of(const struct out_iface *x)
{
	unsigned int dirs = x->dirs;
	int d, e;

	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		if (counters_outcome(x->cur, d, COUNTERS_UDP_SIP) ||
		    counters_outcome(x->cur, d, COUNTERS_FRAGMENTS) ||
		    counters_outcome(x->cur, d, COUNTERS_BAD_HEADER) ||
		    counters_outcome(x->cur, d, COUNTERS_TOO_DEEP))
			dirs |= 1U << d;
		for (e = 0; e < 3; e++)
			if (event_count(x->cur, d, e))
				dirs |= 1U << d;
	}
	return dirs;
}

/* The readings of a source: the interface's (or the report's) over its interval, or totals. */
static struct span span_of(const struct out_report *r, const struct out_iface *x, bool interval)
{
	const struct counters *b = x ? x->base : r->base, *p = x ? x->prev : r->prev,
			      *c = x ? x->cur : r->cur;
	struct span s = { &zero, c ? c : &zero, c ? c : &zero, 0 };

	if (interval && b && p && c) {
		s.b = b;
		s.p = p;
		s.secs = counters_elapsed(p, c);
	}
	return s;
}

static void samples_of(const struct out_report *r, const struct out_family *f,
		       const struct out_iface *x, int dir, const struct out_walker *w, void *ctx,
		       int col)
{
	struct out_src src = { .r = r, .x = x, .dir = dir, .span = span_of(r, x, w->span) };
	struct out_sink k = { .f = f, .w = w, .ctx = ctx, .col = col };

	f->samples(&src, &k);
}

static void family_all(const struct out_report *r, const struct out_family *f,
		       const struct out_walker *w, void *ctx, int col)
{
	unsigned int dirs;
	int i, d;

	if (f->scope == OUT_PER_REPORT) {
		samples_of(r, f, NULL, -1, w, ctx, col);
		return;
	}
	for (i = 0; i < r->nifs; i++) {
		if (f->scope == OUT_PER_IFACE) {
			samples_of(r, f, &r->ifs[i], -1, w, ctx, col);
			continue;
		}
		dirs = dirs_of(&r->ifs[i]);
		for (d = 0; d < SIPSTAT_DIR_MAX; d++)
			if (dirs & (1U << d))
				samples_of(r, f, &r->ifs[i], d, w, ctx, col);
	}
}

/* The families of r: its own, or every one of out_families[]. */
static const struct out_family *families_of(const struct out_report *r, int *n)
{
	*n = r->families ? r->nfamilies : out_nfamilies;
	return r->families ? r->families : out_families;
}

void out_walk_families(const struct out_report *r, const struct out_walker *w, void *ctx)
{
	const struct out_family *fams;
	int i, n, col, ncol;

	fams = families_of(r, &n);
	for (i = 0; i < n; i++) {
		const struct out_family *f = &fams[i];

		if (f->skip & w->format)
			continue;
		ncol = w->by_column ? out_ncolumns(f) : 1;
		for (col = 0; col < ncol; col++) {
			int c = w->by_column ? col : -1;

			if (w->family)
				w->family(ctx, f, c);
			family_all(r, f, w, ctx, c);
			if (w->family_end)
				w->family_end(ctx, f, c);
		}
	}
}

/* Every family of scope in the walker's format, for x (and dir). */
static void scope_all(const struct out_report *r, enum out_scope scope,
		      const struct out_iface *x, int dir, const struct out_walker *w, void *ctx)
{
	const struct out_family *fams;
	int i, n;

	fams = families_of(r, &n);
	for (i = 0; i < n; i++)
		if (fams[i].scope == scope && !(fams[i].skip & w->format))
			samples_of(r, &fams[i], x, dir, w, ctx, -1);
}

void out_walk_ifaces(const struct out_report *r, const struct out_walker *w, void *ctx)
{
	unsigned int dirs;
	int i, d;

	scope_all(r, OUT_PER_REPORT, NULL, -1, w, ctx);
	for (i = 0; i < r->nifs; i++) {
		dirs = dirs_of(&r->ifs[i]);
		for (d = 0; d < SIPSTAT_DIR_MAX; d++)
			if (dirs & (1U << d))
				scope_all(r, OUT_PER_DIR, &r->ifs[i], d, w, ctx);
		scope_all(r, OUT_PER_IFACE, &r->ifs[i], -1, w, ctx);
	}
}

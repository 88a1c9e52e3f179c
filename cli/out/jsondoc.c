// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Reports as JSON lines: one object per report, all interfaces added up
 * and each alone, KPIs, methods, per-peer figures, failing addresses,
 * and the further families of the series, each a member holding its
 * samples.
 */
#include <stdlib.h>

#include "codes.h"
#include "fmt.h"
#include "json.h"
#include "kpi.h"
#include "out.h"
#include "peerwatch.h"
#include "series.h"

/* "total", "delta" and "rate" of a figure, as members of the open object. */
static void figure_members(struct json *j, const struct figure *fig)
{
	json_ku64(j, "total", fig->total);
	json_ku64(j, "delta", fig->delta);
	json_key(j, "rate");
	json_fixed(j, fig->rate, 3);
}

static void member_figure(struct json *j, const char *name, const struct figure *fig)
{
	json_key(j, name);
	json_object(j);
	figure_members(j, fig);
	json_object_end(j);
}

static void classes(struct json *j, const struct span *s, int dir)
{
	struct figure fig;
	int cls;

	json_key(j, "classes");
	json_object(j);
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++) {
		fig = fig_class(s, dir, cls);
		member_figure(j, sip_class_label(cls), &fig);
	}
	json_object_end(j);
}

static void parser(struct json *j, const struct span *s, int dir)
{
	int o;

	json_key(j, "parser");
	json_object(j);
	for (o = 0; o < COUNTERS_OUTCOMES; o++)
		json_ku64(j, counters_outcome_name(o), fig_outcome(s, dir, o).total);
	json_object_end(j);
}

/* Codes of all directions, with what operators read about each. */
static void codes_all(struct json *j, const struct span *s)
{
	struct figure fig;
	int code;

	json_key(j, "codes");
	json_array(j);
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		fig = fig_code(s, COUNTERS_DIR_ALL, code);
		if (!fig.total)
			continue;
		json_object(j);
		json_key(j, "code");
		json_int(j, code);
		json_kstr(j, "reason", sip_code_reason(code));
		json_kstr(j, "class", sip_class_label(sip_code_class(code)));
		json_kstr(j, "group", sip_code_group(code));
		json_kstr(j, "meaning", sip_code_meaning(code));
		figure_members(j, &fig);
		json_object_end(j);
	}
	json_array_end(j);
}

/* Codes of one direction, each with totals by the method of its CSeq. */
static void codes_dir(struct json *j, const struct span *s, int dir)
{
	struct figure fig;
	uint64_t n;
	int code, m;

	json_key(j, "codes");
	json_array(j);
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		fig = fig_code(s, dir, code);
		if (!fig.total)
			continue;
		json_object(j);
		json_key(j, "code");
		json_int(j, code);
		figure_members(j, &fig);
		json_key(j, "methods");
		json_object(j);
		for (m = 0; m < SIPSTAT_M_MAX; m++) {
			n = fig_code_method(s, dir, m, code).total;
			if (n)
				json_ku64(j, counters_method_name(m), n);
		}
		json_object_end(j);
		json_object_end(j);
	}
	json_array_end(j);
}

static void requests_dir(struct json *j, const struct span *s, int dir)
{
	struct figure fig = fig_outcome(s, dir, COUNTERS_REQUESTS);
	int m;

	json_key(j, "requests");
	json_object(j);
	figure_members(j, &fig);
	json_key(j, "methods");
	json_object(j);
	for (m = 0; m < SIPSTAT_M_MAX; m++) {
		fig = fig_requests(s, dir, m);
		if (fig.total)
			member_figure(j, counters_method_name(m), &fig);
	}
	json_object_end(j);
	json_object_end(j);
}

static void direction(struct json *j, const struct span *s, int d, bool counted)
{
	struct figure fig;

	json_key(j, counters_dir_name(d));
	json_object(j);
	json_key(j, "counted");
	json_bool(j, counted);
	fig = fig_outcome(s, d, COUNTERS_RESPONSES);
	member_figure(j, "responses", &fig);
	classes(j, s, d);
	codes_dir(j, s, d);
	requests_dir(j, s, d);
	parser(j, s, d);
	fig = fig_frames(s, d);
	member_figure(j, "frames", &fig);
	json_object_end(j);
}

/* "responses", "classes", "codes", "requests", "parser", "frames", "directions" members. */
static void counts(struct json *j, const struct counters *base, const struct counters *prev,
		   const struct counters *cur, unsigned int dirs)
{
	struct span s = { base, prev, cur, counters_elapsed(prev, cur) };
	struct figure fig;
	int d;

	fig = fig_outcome(&s, COUNTERS_DIR_ALL, COUNTERS_RESPONSES);
	member_figure(j, "responses", &fig);
	classes(j, &s, COUNTERS_DIR_ALL);
	codes_all(j, &s);
	fig = fig_outcome(&s, COUNTERS_DIR_ALL, COUNTERS_REQUESTS);
	member_figure(j, "requests", &fig);
	parser(j, &s, COUNTERS_DIR_ALL);
	json_key(j, "frames");
	json_object(j);
	for (d = 0; d < SIPSTAT_DIR_MAX; d++)
		json_ku64(j, counters_dir_name(d), fig_frames(&s, d).total);
	json_object_end(j);
	json_key(j, "directions");
	json_object(j);
	for (d = 0; d < SIPSTAT_DIR_MAX; d++)
		direction(j, &s, d, dirs & (1U << d));
	json_object_end(j);
}

/* ------------------------------------------------- methods, KPIs, peers */

static void kpis(struct json *j, const char *name, const struct kpi *k, bool responses_only)
{
	int id, last = responses_only ? KPI_NER : KPI_MAX - 1;

	json_key(j, name);
	json_object(j);
	for (id = 0; id <= last; id++) {
		json_key(j, kpi_name(id));
		if (k->valid[id])
			json_fixed(j, k->pct[id], 3);
		else
			json_null(j);
	}
	json_object_end(j);
}

/* One method: {"requests":N,"classes":{...},"codes":{"200":N}}, totals since b. */
static void method(struct json *j, const struct counters *b, const struct counters *c, int m,
		   bool requests)
{
	char key[8];
	uint64_t n;
	int cls, code;

	json_key(j, counters_method_name(m));
	json_object(j);
	if (requests)
		json_ku64(j, "requests", counters_requests_since(b, c, m));
	json_key(j, "classes");
	json_object(j);
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
		json_ku64(j, sip_class_label(cls), counters_method_class_since(b, c, m, cls));
	json_object_end(j);
	json_key(j, "codes");
	json_object(j);
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		n = counters_delta(b ? counters_code_method(b, COUNTERS_DIR_ALL, m, code) : 0,
				   counters_code_method(c, COUNTERS_DIR_ALL, m, code));
		if (!n)
			continue;
		snprintf(key, sizeof(key), "%d", code);
		json_ku64(j, key, n);
	}
	json_object_end(j);
	json_object_end(j);
}

/* "methods": every method with responses (or requests) since b. */
static void methods(struct json *j, const struct counters *b, const struct counters *c,
		    bool requests)
{
	int m, cls;

	json_key(j, "methods");
	json_object(j);
	for (m = 0; m < SIPSTAT_M_MAX; m++) {
		uint64_t any = requests ? counters_requests_since(b, c, m) : 0;

		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			any += counters_method_class_since(b, c, m, cls);
		if (any)
			method(j, b, c, m, requests);
	}
	json_object_end(j);
}

static void peers(struct json *j, const struct peerwatch *pw)
{
	struct counters *pb = calloc(1, sizeof(*pb)), *pcur = calloc(1, sizeof(*pcur));
	bool seen[SIPSTAT_PEERS_MAX + 1] = { false };
	char buf[16];
	uint32_t peer;
	int i;

	json_key(j, "peers");
	json_array(j);
	if (!pb || !pcur)
		goto out;
	for (i = 0; i < pw->cur.n; i++)
		seen[peers_key_peer(pw->cur.e[i].key)] = true;
	for (peer = 1; peer <= SIPSTAT_PEERS_MAX + 1; peer++) {
		uint32_t p = peer % (SIPSTAT_PEERS_MAX + 1);	/* named first, "other" last */
		struct kpi k;

		if (!seen[p] && !(p && pw->table.names[p][0]))
			continue;
		peerwatch_counters(&pw->base, p, pb);
		peerwatch_counters(&pw->cur, p, pcur);
		json_object(j);
		json_kstr(j, "peer", peers_name(&pw->table, p, buf, sizeof(buf)));
		json_ku64(j, "responses",
			  counters_delta(counters_outcome(pb, COUNTERS_DIR_ALL, COUNTERS_RESPONSES),
					 counters_outcome(pcur, COUNTERS_DIR_ALL,
							  COUNTERS_RESPONSES)));
		methods(j, pb, pcur, false);
		kpi_of(pb, pcur, COUNTERS_DIR_ALL, &k);
		kpis(j, "kpis", &k, true);
		json_object_end(j);
	}
out:
	json_array_end(j);
	free(pb);
	free(pcur);
}

static void failing(struct json *j, const struct peerwatch *pw, int want)
{
	const struct failing_entry *top[FAILING_TOP_MAX];
	char a[64], key[8];
	int cls, i, n;

	json_key(j, "failing");
	json_object(j);
	for (cls = 4; cls <= 6; cls++) {
		n = failing_top(&pw->fcur, cls, -1, want, top);
		snprintf(key, sizeof(key), "%dxx", cls);
		json_key(j, key);
		json_array(j);
		for (i = 0; i < n; i++) {
			peers_addr_format(top[i]->addr, a, sizeof(a));
			json_object(j);
			json_kstr(j, "address", a);
			json_kstr(j, "dir", counters_dir_name(top[i]->dir));
			json_ku64(j, "total", top[i]->total);
			json_ku64(j, "delta", top[i]->delta);
			json_object_end(j);
		}
		json_array_end(j);
	}
	json_object_end(j);
}


/* "kpis", "kpis_interval", "methods", "peers" and "peer_overflow", "failing". */
static void insight(struct json *j, const struct out_report *r)
{
	const struct peerwatch *pw = r->peers;
	struct kpi tot, ivl;

	kpi_of(r->base, r->cur, COUNTERS_DIR_ALL, &tot);
	kpi_of(r->prev, r->cur, COUNTERS_DIR_ALL, &ivl);
	kpis(j, "kpis", &tot, false);
	kpis(j, "kpis_interval", &ivl, false);
	methods(j, r->base, r->cur, true);
	if (pw && pw->have_maps && (pw->has_names || r->per_peer)) {
		peers(j, pw);
		json_ku64(j, "peer_overflow", counters_delta(counters_peer_overflow(r->base),
							     counters_peer_overflow(r->cur)));
	}
	if (pw && pw->have_maps && r->failing_top)
		failing(j, pw, r->failing_top);
}

/* ------------------------------------------------- further families */

static void further_family(void *ctx, const struct out_family *fam, int col)
{
	json_key(ctx, out_short_name(fam));
	json_array(ctx);
}

static void further_end(void *ctx, const struct out_family *fam, int col)
{
	json_array_end(ctx);
}

/* {"interface":..,"direction":..,LABEL:..,"total":N,"delta":N,"rate":R,COLUMN:N} */
static void further_sample(void *ctx, const struct out_family *fam, int col,
			   const struct out_sample *s)
{
	const struct out_hist *h = s->hist;
	struct json *j = ctx;
	int i;

	json_object(j);
	for (i = 0; i < s->nlabels; i++)
		json_kstr(j, s->label[i].key, s->label[i].value);
	if (fam->kind == OUT_HISTOGRAM) {
		json_ku64(j, "count", h ? h->total : 0);
		json_key(j, "sum");
		json_fixed(j, h ? h->sum : 0.0, 6);
		json_key(j, "buckets");
		json_array(j);
		for (i = 0; h && i < h->n; i++) {
			json_array(j);
			json_sig(j, h->le[i], 6);
			json_u64(j, h->count[i]);
			json_array_end(j);
		}
		json_array_end(j);
	} else if (fam->decimals > 0) {
		json_key(j, "value");
		json_fixed(j, s->x, fam->decimals);
	} else if (fam->kind == OUT_COUNTER) {
		figure_members(j, &s->v[0]);
	} else {
		json_ku64(j, "value", s->v[0].total);
	}
	for (i = 1; i < out_ncolumns(fam); i++)
		json_ku64(j, fam->columns[i - 1].name, s->v[i].total);
	json_object_end(j);
}

static void further(struct json *j, const struct out_report *r)
{
	const struct out_walker w = { .format = OUT_FMT_JSON, .span = true,
				      .family = further_family, .sample = further_sample,
				      .family_end = further_end };

	out_walk_families(r, &w, j);
}

/* ------------------------------------------------- the report */

static void per_interface(struct json *j, const struct out_report *r)
{
	int i;

	json_key(j, "per_interface");
	json_array(j);
	for (i = 0; i < r->nifs; i++) {
		const struct out_iface *x = &r->ifs[i];

		json_object(j);
		json_kstr(j, "interface", x->name);
		json_kstr(j, "mode", x->mode);
		json_kstr(j, "source", x->source);
		json_kstr(j, "state", x->state);
		if (r->attachments && x->since)
			json_kstr(j, "since", x->since);
		if (r->attachments && x->ports)
			json_kstr(j, "ports", x->ports);
		counts(j, x->base, x->prev, x->cur, r->dirs);
		json_object_end(j);
	}
	json_array_end(j);
}

void out_json_report(FILE *f, const struct out_report *r)
{
	struct json j;
	char when[32];
	int i;

	json_init(&j, f);
	fmt_time(when, sizeof(when), &r->cur->real);
	json_object(&j);
	json_key(&j, "schema");
	json_int(&j, OUT_SCHEMA);
	json_kstr(&j, "type", r->type ? r->type : "report");
	json_kstr(&j, "time", when);
	json_kstr(&j, "host", r->host);
	json_key(&j, "interfaces");
	json_array(&j);
	for (i = 0; i < r->nifs; i++)
		json_str(&j, r->ifs[i].name);
	json_array_end(&j);
	json_kstr(&j, "mode", r->mode);
	json_key(&j, "interval_s");
	json_fixed(&j, counters_elapsed(r->prev, r->cur), 3);
	counts(&j, r->base, r->prev, r->cur, r->dirs);
	insight(&j, r);
	further(&j, r);
	per_interface(&j, r);
	json_object_end(&j);
	fputc('\n', f);
}

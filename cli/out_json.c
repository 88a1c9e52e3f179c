// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Reports as JSON lines: one object per report, per-interface figures included. */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "codes.h"
#include "fmt.h"
#include "insight.h"
#include "report.h"

void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void json_figure(FILE *f, const struct figure *fig)
{
	fprintf(f, "\"total\":%" PRIu64 ",\"delta\":%" PRIu64 ",\"rate\":%.3f", fig->total,
		fig->delta, fig->rate);
}

static void member_figure(FILE *f, const char *name, const struct figure *fig, bool comma)
{
	fprintf(f, "%s\"%s\":{", comma ? "," : "", name);
	json_figure(f, fig);
	fputc('}', f);
}

static void classes(FILE *f, const struct span *s, int dir)
{
	struct figure fig;
	int cls;

	fprintf(f, ",\"classes\":{");
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++) {
		fig = fig_class(s, dir, cls);
		member_figure(f, sip_class_label(cls), &fig, cls > 1);
	}
	fputc('}', f);
}

static void parser(FILE *f, const struct span *s, int dir)
{
	int o;

	fprintf(f, ",\"parser\":{");
	for (o = 0; o < COUNTERS_OUTCOMES; o++)
		fprintf(f, "%s\"%s\":%" PRIu64, o ? "," : "", counters_outcome_name(o),
			fig_outcome(s, dir, o).total);
	fputc('}', f);
}

/* Codes of all directions, with what operators read about each. */
static void codes_all(FILE *f, const struct span *s)
{
	struct figure fig;
	int code, first = 1;

	fprintf(f, ",\"codes\":[");
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		fig = fig_code(s, COUNTERS_DIR_ALL, code);
		if (!fig.total)
			continue;
		fprintf(f, "%s{\"code\":%d,\"reason\":", first ? "" : ",", code);
		json_string(f, sip_code_reason(code));
		fprintf(f, ",\"class\":\"%s\",\"group\":", sip_class_label(sip_code_class(code)));
		json_string(f, sip_code_group(code));
		fprintf(f, ",\"meaning\":");
		json_string(f, sip_code_meaning(code));
		fputc(',', f);
		json_figure(f, &fig);
		fputc('}', f);
		first = 0;
	}
	fputc(']', f);
}

/* Codes of one direction, each with totals by the method of its CSeq. */
static void codes_dir(FILE *f, const struct span *s, int dir)
{
	struct figure fig;
	uint64_t n;
	int code, m, first = 1, mfirst;

	fprintf(f, ",\"codes\":[");
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		fig = fig_code(s, dir, code);
		if (!fig.total)
			continue;
		fprintf(f, "%s{\"code\":%d,", first ? "" : ",", code);
		json_figure(f, &fig);
		fprintf(f, ",\"methods\":{");
		for (m = 0, mfirst = 1; m < SIPSTAT_M_MAX; m++) {
			n = counters_delta(counters_code_method(s->b, dir, m, code),
					   counters_code_method(s->c, dir, m, code));
			if (!n)
				continue;
			fprintf(f, "%s\"%s\":%" PRIu64, mfirst ? "" : ",", counters_method_name(m),
				n);
			mfirst = 0;
		}
		fprintf(f, "}}");
		first = 0;
	}
	fputc(']', f);
}

static void requests_dir(FILE *f, const struct span *s, int dir)
{
	struct figure fig = fig_outcome(s, dir, COUNTERS_REQUESTS);
	int m, first = 1;

	fprintf(f, ",\"requests\":{");
	json_figure(f, &fig);
	fprintf(f, ",\"methods\":{");
	for (m = 0; m < SIPSTAT_M_MAX; m++) {
		fig = fig_requests(s, dir, m);
		if (!fig.total)
			continue;
		member_figure(f, counters_method_name(m), &fig, !first);
		first = 0;
	}
	fprintf(f, "}}");
}

void json_counts(FILE *f, const struct counters *base, const struct counters *prev,
		 const struct counters *cur, unsigned int dirs)
{
	struct span s = { base, prev, cur, counters_elapsed(prev, cur) };
	struct figure fig;
	int d;

	fig = fig_outcome(&s, COUNTERS_DIR_ALL, COUNTERS_RESPONSES);
	member_figure(f, "responses", &fig, false);
	classes(f, &s, COUNTERS_DIR_ALL);
	codes_all(f, &s);
	fig = fig_outcome(&s, COUNTERS_DIR_ALL, COUNTERS_REQUESTS);
	member_figure(f, "requests", &fig, true);
	parser(f, &s, COUNTERS_DIR_ALL);
	fprintf(f, ",\"frames\":{");
	for (d = 0; d < SIPSTAT_DIR_MAX; d++)
		fprintf(f, "%s\"%s\":%" PRIu64, d ? "," : "", counters_dir_name(d),
			fig_frames(&s, d).total);
	fprintf(f, "},\"directions\":{");
	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		fprintf(f, "%s\"%s\":{\"counted\":%s", d ? "," : "", counters_dir_name(d),
			dirs & (1U << d) ? "true" : "false");
		fig = fig_outcome(&s, d, COUNTERS_RESPONSES);
		member_figure(f, "responses", &fig, true);
		classes(f, &s, d);
		codes_dir(f, &s, d);
		requests_dir(f, &s, d);
		parser(f, &s, d);
		fig = fig_frames(&s, d);
		member_figure(f, "frames", &fig, true);
		fputc('}', f);
	}
	fputc('}', f);
}

void out_json_report(FILE *f, const struct report *r)
{
	char when[32];
	int i;

	fmt_time(when, sizeof(when), &r->cur->real);
	fprintf(f, "{\"schema\":%d,\"type\":\"%s\",\"time\":\"%s\",\"host\":", REPORT_SCHEMA,
		r->type ? r->type : "report", when);
	json_string(f, r->host ? r->host : "");
	fprintf(f, ",\"interfaces\":[");
	for (i = 0; i < r->nifs; i++) {
		if (i)
			fputc(',', f);
		json_string(f, r->ifs[i].name);
	}
	fprintf(f, "],\"mode\":");
	json_string(f, r->mode ? r->mode : "");
	fprintf(f, ",\"interval_s\":%.3f,", counters_elapsed(r->prev, r->cur));
	json_counts(f, r->base, r->prev, r->cur, r->dirs);
	insight_json(f, r);
	fprintf(f, ",\"per_interface\":[");
	for (i = 0; i < r->nifs; i++) {
		const struct report_iface *x = &r->ifs[i];

		fprintf(f, "%s{\"interface\":", i ? "," : "");
		json_string(f, x->name);
		fprintf(f, ",\"mode\":");
		json_string(f, x->mode ? x->mode : "");
		fprintf(f, ",\"source\":");
		json_string(f, x->source ? x->source : "");
		fprintf(f, ",\"state\":");
		json_string(f, x->state ? x->state : "");
		if (x->since) {
			fprintf(f, ",\"since\":");
			json_string(f, x->since);
		}
		if (x->ports) {
			fprintf(f, ",\"ports\":");
			json_string(f, x->ports);
		}
		fputc(',', f);
		json_counts(f, x->base, x->prev, x->cur, r->dirs);
		fputc('}', f);
	}
	fprintf(f, "]}\n");
}

void out_json_status(FILE *f, const struct status_row *rows, int n, const char *host)
{
	struct timespec now;
	char when[32];
	int i, j, cls;

	clock_gettime(CLOCK_REALTIME, &now);
	fmt_time(when, sizeof(when), &now);
	fprintf(f, "{\"schema\":%d,\"type\":\"status\",\"time\":\"%s\",\"host\":",
		REPORT_SCHEMA, when);
	json_string(f, host ? host : "");
	fprintf(f, ",\"interfaces\":[");
	for (i = 0; i < n; i++) {
		const struct status_row *r = &rows[i];
		const struct pin_status *st = &r->st;

		fprintf(f, "%s{\"interface\":", i ? "," : "");
		json_string(f, st->ifname);
		fprintf(f, ",\"netns\":");
		json_string(f, st->netns.name);
		fprintf(f, ",\"netns_inode\":%llu,\"netns_cookie\":%llu,\"netns_state\":\"%s\"",
			(unsigned long long)st->netns.id.ino, (unsigned long long)st->netns.id.cookie,
			pin_netns_state_key(st->netns.state));
		fprintf(f, ",\"state\":\"%s\",\"state_text\":", pin_state_key(st->state));
		json_string(f, pin_state_name(st->state));
		fprintf(f, ",\"mode\":\"%s\",\"prog_id\":%u,\"link_id\":%u,\"iface_prog_id\":%u",
			st->iface_prog_id ? attach_mode_name(st->mode) : "", st->prog_id, st->link_id,
			st->iface_prog_id);
		fprintf(f, ",\"layout\":%u,\"layout_text\":", st->has_meta ? st->meta.layout : 0);
		json_string(f, st->layout);
		fprintf(f, ",\"since\":");
		json_string(f, r->since);
		fprintf(f, ",\"attached\":");
		json_string(f, r->attached);
		fprintf(f, ",\"ports\":");
		json_string(f, r->ports);
		fprintf(f, ",\"pins\":{");
		for (j = 0; j < PIN_OBJS; j++)
			fprintf(f, "%s\"%s\":%s", j ? "," : "", pin_obj_name(j),
				st->has[j] ? "true" : "false");
		fputc('}', f);
		fprintf(f, ",\"directions\":[%s%s%s],\"tc\":{",
			st->dirs & 1U << SIPSTAT_DIR_IN ? "\"in\"" : "",
			st->dirs == (1U << SIPSTAT_DIR_IN | 1U << SIPSTAT_DIR_OUT) ? "," : "",
			st->dirs & 1U << SIPSTAT_DIR_OUT ? "\"out\"" : "");
		for (j = 0; j < SIPSTAT_DIR_MAX; j++)
			fprintf(f, "%s\"%s\":{\"prog_id\":%u,\"hook_prog_id\":%u}", j ? "," : "",
				counters_dir_name(j), st->tc_prog_id[j], st->tc_hook_prog_id[j]);
		fputc('}', f);
		if (r->has_counts) {
			fprintf(f, ",\"responses\":%" PRIu64 ",\"requests\":%" PRIu64
				   ",\"classes\":{",
				counters_outcome(r->c, COUNTERS_DIR_ALL, COUNTERS_RESPONSES),
				counters_outcome(r->c, COUNTERS_DIR_ALL, COUNTERS_REQUESTS));
			for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
				fprintf(f, "%s\"%s\":%" PRIu64, cls > 1 ? "," : "",
					sip_class_label(cls), counters_class(r->c, COUNTERS_DIR_ALL, cls));
			fputc('}', f);
		}
		fputc('}', f);
	}
	fprintf(f, "]}\n");
}

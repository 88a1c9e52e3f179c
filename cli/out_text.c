// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Render snapshots: the text block, JSON lines and 6xx alert lines. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "codes.h"
#include "report.h"

void format_time(char *buf, size_t len, const struct timespec *ts)
{
	struct tm tm;
	time_t t = ts->tv_sec;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts->tv_nsec / 1000000);
}

/* Totals since base, deltas since prev, for one counter. */
struct figure {
	uint64_t total;
	uint64_t delta;
	double rate;
};

static struct figure figure_of(const struct report *r, uint64_t base, uint64_t prev,
			       uint64_t cur)
{
	struct figure f;

	f.total = counter_delta(base, cur);
	f.delta = counter_delta(prev, cur);
	f.rate = counter_rate(f.delta, snapshot_elapsed(r->prev, r->cur));
	return f;
}

static struct figure code_figure(const struct report *r, int code)
{
	return figure_of(r, r->base->codes[code], r->prev->codes[code], r->cur->codes[code]);
}

static struct figure class_figure(const struct report *r, int cls)
{
	struct figure f = { 0, 0, 0 };
	struct figure c;
	int code;

	for (code = cls * 100; code < cls * 100 + 100; code++) {
		c = code_figure(r, code);
		f.total += c.total;
		f.delta += c.delta;
	}
	f.rate = counter_rate(f.delta, snapshot_elapsed(r->prev, r->cur));
	return f;
}

static struct figure parser_figure(const struct report *r, int idx)
{
	return figure_of(r, r->base->parser[idx], r->prev->parser[idx], r->cur->parser[idx]);
}

static void join_ifnames(char *buf, size_t len, const struct report *r)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < r->nifs && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "", r->ifnames[i]);
}

void report_text(FILE *f, const struct report *r)
{
	char when[32], ifs[256];
	struct figure fig, resp;
	int cls, code, i;

	format_time(when, sizeof(when), &r->cur->real);
	join_ifnames(ifs, sizeof(ifs), r);
	resp = parser_figure(r, SIPSTAT_C_RESPONSES);
	fprintf(f, "%s  %s (%s)  interval %.2fs  responses %" PRIu64 " total, %.2f/s\n",
		when, ifs, r->mode ? r->mode : "-", snapshot_elapsed(r->prev, r->cur),
		resp.total, resp.rate);

	fprintf(f, "  %-22s %12s %8s %10s\n", "class", "total", "delta", "rate/s");
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++) {
		fig = class_figure(r, cls);
		fprintf(f, "  %s %-18s %12" PRIu64 " %8" PRIu64 " %10.2f\n", sip_class_label(cls),
			sip_class_name(cls), fig.total, fig.delta, fig.rate);
	}

	fprintf(f, "  %-4s %-31s %-5s %-15s %12s %8s %10s\n", "code", "reason", "class", "group",
		"total", "delta", "rate/s");
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		fig = code_figure(r, code);
		if (!fig.total)
			continue;
		fprintf(f, "  %-4d %-31.31s %-5s %-15s %12" PRIu64 " %8" PRIu64 " %10.2f", code,
			sip_code_reason(code), sip_class_label(sip_code_class(code)),
			sip_code_group(code), fig.total, fig.delta, fig.rate);
		if (r->verbose > 0)
			fprintf(f, "  %s", sip_code_meaning(code));
		fputc('\n', f);
	}

	if (r->verbose > 0) {
		fprintf(f, "  parser:");
		for (i = 0; i < SIPSTAT_C_MAX; i++)
			fprintf(f, " %s %" PRIu64, parser_counter_name(i), parser_figure(r, i).total);
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void json_string(FILE *f, const char *s)
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

static void json_figure(FILE *f, const struct figure *fig)
{
	fprintf(f, "\"total\":%" PRIu64 ",\"delta\":%" PRIu64 ",\"rate\":%.3f", fig->total,
		fig->delta, fig->rate);
}

void report_json(FILE *f, const struct report *r)
{
	struct figure fig;
	char when[32];
	int cls, code, i, first;

	format_time(when, sizeof(when), &r->cur->real);
	fprintf(f, "{\"time\":\"%s\",\"interfaces\":[", when);
	for (i = 0; i < r->nifs; i++) {
		if (i)
			fputc(',', f);
		json_string(f, r->ifnames[i]);
	}
	fprintf(f, "],\"mode\":");
	json_string(f, r->mode ? r->mode : "");
	fprintf(f, ",\"interval_s\":%.3f,\"responses\":{", snapshot_elapsed(r->prev, r->cur));
	fig = parser_figure(r, SIPSTAT_C_RESPONSES);
	json_figure(f, &fig);
	fprintf(f, "},\"classes\":{");
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++) {
		fig = class_figure(r, cls);
		fprintf(f, "%s\"%s\":{", cls > 1 ? "," : "", sip_class_label(cls));
		json_figure(f, &fig);
		fputc('}', f);
	}
	fprintf(f, "},\"codes\":[");
	first = 1;
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		fig = code_figure(r, code);
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
	fprintf(f, "],\"parser\":{");
	for (i = 0; i < SIPSTAT_C_MAX; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", parser_counter_name(i),
			parser_figure(r, i).total);
	fprintf(f, "}}\n");
}

int report_alerts(FILE *f, const char *ifname, const struct snapshot *base,
		  const struct snapshot *prev, const struct snapshot *cur)
{
	double secs = snapshot_elapsed(prev, cur);
	uint64_t delta;
	char when[32];
	int code, n = 0;

	format_time(when, sizeof(when), &cur->real);
	for (code = 600; code <= SIPSTAT_CODE_MAX; code++) {
		delta = counter_delta(prev->codes[code], cur->codes[code]);
		if (!delta)
			continue;
		fprintf(f, "ALERT %s %s %d %s: %" PRIu64 " in %.2fs, %" PRIu64 " total\n", when,
			ifname, code, sip_code_reason(code), delta, secs,
			counter_delta(base->codes[code], cur->codes[code]));
		n++;
	}
	if (n)
		fflush(f);
	return n;
}

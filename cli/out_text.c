// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Reports as text: the vmstat-like block of one interval, and 6xx alert lines. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "codes.h"
#include "fmt.h"
#include "insight.h"
#include "report.h"
#include "tc.h"

static uint64_t total_requests(const struct span *s, int dir, int m)
{
	return counters_delta(counters_requests(s->b, dir, m), counters_requests(s->c, dir, m));
}

/* Classes, then one row per code and direction. */
static void tables(FILE *f, const struct span *s, unsigned int dirs, int verbose)
{
	struct figure fig;
	int cls, code, d;

	fprintf(f, "  %-22s %12s %8s %10s\n", "class", "total", "delta", "rate/s");
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++) {
		fig = fig_class(s, COUNTERS_DIR_ALL, cls);
		fprintf(f, "  %s %-18s %12" PRIu64 " %8" PRIu64 " %10.2f\n", sip_class_label(cls),
			sip_class_name(cls), fig.total, fig.delta, fig.rate);
	}

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
	if (verbose <= 0)
		return;
	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		int m, o;

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

void out_text_report(FILE *f, const struct report *r)
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
	insight_text(f, r);

	for (i = 0; r->per_interface && i < r->nifs; i++) {
		const struct report_iface *x = &r->ifs[i];
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

void out_text_status(FILE *f, const struct status_row *rows, int n)
{
	int i, cls;

	if (!n) {
		fprintf(f, "nothing attached: no pins under %s\n", PIN_ROOT);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct status_row *r = &rows[i];
		const struct pin_status *st = &r->st;
		char name[4 * IF_NAMESIZE], ns[4 * NETNS_NAME_MAX];

		/* Names as the filesystem has them: escape sequences shown, not run. */
		fmt_escape(name, sizeof(name), st->ifname);
		fmt_escape(ns, sizeof(ns), st->netns.name);
		fprintf(f, "%s: %s", name, pin_state_name(st->state));
		if (st->iface_prog_id)
			fprintf(f, ", %s mode", attach_mode_name(st->mode));
		fputc('\n', f);
		if (st->netns.old_path)
			fprintf(f, "  netns unknown (the old path %s/%s): 'sipstat attach --replace "
				   "-i %s' in its namespace moves the pins\n", PIN_ROOT, name, name);
		else
			fprintf(f, "  netns %s%s%sinode %llu%s%s\n", ns, ns[0] ? " " : "",
				ns[0] ? "(" : "", (unsigned long long)st->netns.id.ino,
				ns[0] ? ")" : "",
				st->netns.state == PIN_NETNS_CURRENT ? ", this one" :
				st->netns.state == PIN_NETNS_GONE ?
					", gone: 'sipstat detach --netns gone' removes its pins" :
					"");
		fprintf(f, "  prog id %u, link id %u", st->prog_id, st->link_id);
		if (st->iface_prog_id && st->iface_prog_id != st->prog_id)
			fprintf(f, ", XDP program on the interface: id %u", st->iface_prog_id);
		for (cls = 0; cls < SIPSTAT_DIR_MAX; cls++) {
			if (!st->tc_prog_id[cls])
				continue;
			fprintf(f, "\n  TC %s: prog id %u (handle 0x%x, priority %u)",
				cls == SIPSTAT_DIR_OUT ? "egress" : "ingress", st->tc_prog_id[cls],
				TC_SIPSTAT_HANDLE, TC_SIPSTAT_PRIO);
			if (st->state == PIN_NS_GONE || st->state == PIN_OLD_PATH)
				continue;	/* no interface looked at */
			if (!st->tc_hook_prog_id[cls])
				fprintf(f, ", filter removed by someone else");
			else if (st->tc_hook_prog_id[cls] != st->tc_prog_id[cls])
				fprintf(f, ", filter now holds prog id %u", st->tc_hook_prog_id[cls]);
		}
		fprintf(f, "\n  counting since %s, attached %s\n", r->since[0] ? r->since : "-",
			r->attached[0] ? r->attached : "-");
		fprintf(f, "  ports %s; %s\n", r->ports[0] ? r->ports : "-", st->layout);
		fprintf(f, "  pins:");
		for (cls = 0; cls < PIN_OBJS; cls++)
			if (st->has[cls] || (cls == PIN_LINK ? st->xdp : cls < PIN_LINK))
				fprintf(f, " %s%s", pin_obj_name(cls),
					st->has[cls] ? "" : " (missing)");
		fputc('\n', f);
		if (r->has_counts) {
			fprintf(f, "  responses %" PRIu64 " (",
				counters_outcome(r->c, COUNTERS_DIR_ALL, COUNTERS_RESPONSES));
			for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
				fprintf(f, "%s%s %" PRIu64, cls > 1 ? " " : "", sip_class_label(cls),
					counters_class(r->c, COUNTERS_DIR_ALL, cls));
			fprintf(f, "), requests %" PRIu64 "\n",
				counters_outcome(r->c, COUNTERS_DIR_ALL, COUNTERS_REQUESTS));
		}
	}
}

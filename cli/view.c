// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The live view's model: rows, classes, groups, alerts and selection. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

/*
 * Diagnostic groups in class order.  The eight that diagnose 4xx-6xx
 * failures are always on screen; the others appear once they have counts.
 * Every group of the code table must be here (checked by test_view).
 */
static const struct {
	const char *name;
	bool always;
} group_order[] = {
	{ "progress", false },
	{ "success", false },
	{ "redirection", false },
	{ "syntax", false },
	{ "authentication", true },
	{ "policy", true },
	{ "routing", true },
	{ "capability", true },
	{ "reachability", true },
	{ "request state", true },
	{ "server trouble", true },
	{ "global stop", true },
	{ "other", false },
};

#define NGROUPS ((int)(sizeof(group_order) / sizeof(group_order[0])))
_Static_assert(NGROUPS <= VIEW_GROUPS_MAX, "room for every group");

double view_share(uint64_t part, uint64_t whole)
{
	return whole ? (double)part / (double)whole : 0;
}

int view_bar_width(uint64_t value, uint64_t max, int width)
{
	int w;

	if (width <= 0 || !value || !max)
		return 0;
	if (value >= max)
		return width;
	w = (int)((double)value * width / (double)max + 0.5);
	if (w < 1)
		w = 1;	/* anything counted stays visible */
	return w > width ? width : w;
}

int view_build_rows(const struct counters *base, const struct counters *prev,
		    const struct counters *cur, struct view_row *rows)
{
	double secs = counters_elapsed(prev, cur);
	struct figure f;
	int code, n = 0;

	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		f = figure_of(counters_code(base, COUNTERS_DIR_ALL, code),
			      counters_code(prev, COUNTERS_DIR_ALL, code),
			      counters_code(cur, COUNTERS_DIR_ALL, code), secs);
		if (!f.total && !f.delta)
			continue;
		rows[n].code = code;
		rows[n].f = f;
		n++;
	}
	return n;
}

static int cmp_code(const void *a, const void *b)
{
	return ((const struct view_row *)a)->code - ((const struct view_row *)b)->code;
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_total(const void *a, const void *b)
{
	const struct view_row *x = a, *y = b;
	int c = cmp_u64_desc(x->f.total, y->f.total);

	return c ? c : x->code - y->code;
}

static int cmp_rate(const void *a, const void *b)
{
	const struct view_row *x = a, *y = b;

	if (x->f.rate != y->f.rate)
		return x->f.rate < y->f.rate ? 1 : -1;
	return cmp_total(a, b);
}

void view_sort_rows(struct view_row *rows, int n, enum view_sort s)
{
	int (*cmp)(const void *, const void *) = s == VIEW_SORT_TOTAL ? cmp_total :
						 s == VIEW_SORT_CODE  ? cmp_code :
									cmp_rate;

	if (n > 1)
		qsort(rows, (size_t)n, sizeof(*rows), cmp);
}

enum view_sort view_sort_next(enum view_sort s)
{
	return (enum view_sort)(((int)s + 1) % VIEW_SORT_COUNT);
}

enum view_peer_sort view_peer_sort_next(enum view_peer_sort s)
{
	return (enum view_peer_sort)(((int)s + 1) % VIEW_PEER_SORT_COUNT);
}

const char *view_peer_sort_name(enum view_peer_sort s)
{
	switch (s) {
	case VIEW_PEER_SORT_FAILURES:
		return "failures";
	case VIEW_PEER_SORT_TOTAL:
		return "total";
	case VIEW_PEER_SORT_NAME:
		return "name";
	default:
		return "?";
	}
}

static int cmp_peer_name(const void *a, const void *b)
{
	const struct view_peer *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->id - y->id;
}

static int cmp_peer_failures(const void *a, const void *b)
{
	const struct view_peer *x = a, *y = b;
	int c = cmp_u64_desc(x->failures, y->failures);

	if (!c)
		c = cmp_u64_desc(x->responses, y->responses);
	return c ? c : cmp_peer_name(a, b);
}

static int cmp_peer_total(const void *a, const void *b)
{
	const struct view_peer *x = a, *y = b;
	int c = cmp_u64_desc(x->responses, y->responses);

	if (!c)
		c = cmp_u64_desc(x->failures, y->failures);
	return c ? c : cmp_peer_name(a, b);
}

void view_sort_peers(struct view_peer *p, int n, enum view_peer_sort s)
{
	if (n < 2)
		return;
	qsort(p, (size_t)n, sizeof(*p),
	      s == VIEW_PEER_SORT_TOTAL ? cmp_peer_total :
	      s == VIEW_PEER_SORT_NAME	? cmp_peer_name :
					  cmp_peer_failures);
}

int view_peer_step(const struct view_peer *p, int n, int cur, int delta)
{
	int i, at = n;	/* position of cur; n stands for "every peer" */

	for (i = 0; cur >= 0 && i < n; i++)
		if (p[i].id == cur)
			at = i;
	if (n <= 0)
		return -1;
	/* Positions 0..n-1 are the peers, n is every peer: a ring of n + 1. */
	at = (at + (delta < 0 ? n : 1)) % (n + 1);
	return at == n ? -1 : p[at].id;
}

const char *view_sort_name(enum view_sort s)
{
	switch (s) {
	case VIEW_SORT_RATE:
		return "rate";
	case VIEW_SORT_TOTAL:
		return "total";
	case VIEW_SORT_CODE:
		return "code";
	default:
		return "?";
	}
}

int view_group_figures(const struct view_row *rows, int nrows, double secs,
		       struct view_group *out, int max)
{
	struct figure sum[NGROUPS];
	const char *g;
	int i, j, n = 0;

	memset(sum, 0, sizeof(sum));
	for (i = 0; i < nrows; i++) {
		g = sip_code_group(rows[i].code);
		for (j = 0; j < NGROUPS - 1; j++)
			if (!strcmp(g, group_order[j].name))
				break;
		/* j == NGROUPS - 1 is "other": unlisted codes, or a group missing above */
		sum[j].total += rows[i].f.total;
		sum[j].delta += rows[i].f.delta;
	}
	for (j = 0; j < NGROUPS && n < max; j++) {
		if (!group_order[j].always && !sum[j].total && !sum[j].delta)
			continue;
		out[n].name = group_order[j].name;
		out[n].always = group_order[j].always;
		out[n].f = sum[j];
		out[n].f.rate = counters_rate(sum[j].delta, secs);
		n++;
	}
	return n;
}

int view_clamp(int sel, int nrows)
{
	if (nrows <= 0 || sel < 0)
		return 0;
	return sel >= nrows ? nrows - 1 : sel;
}

int view_selected_code(const struct view *v)
{
	return v->nrows ? v->rows[view_clamp(v->sel, v->nrows)].code : 0;
}

static void select_index(struct view *v, int sel)
{
	v->sel = view_clamp(sel, v->nrows);
	v->sel_code = view_selected_code(v);
}

void view_select_move(struct view *v, int delta)
{
	select_index(v, v->sel + delta);
	v->follow = v->nrows > 0;
}

void view_select_first(struct view *v)
{
	select_index(v, 0);
	v->follow = false;
}

void view_select_last(struct view *v)
{
	select_index(v, v->nrows - 1);
	v->follow = v->nrows > 0;
}

/*
 * After the rows changed: the code the operator picked stays selected
 * while it is there; otherwise the row index stays (clamped).
 */
static void keep_selection(struct view *v)
{
	int i;

	for (i = 0; v->follow && v->sel_code && i < v->nrows; i++) {
		if (v->rows[i].code == v->sel_code) {
			v->sel = i;
			return;
		}
	}
	select_index(v, v->sel);
}

int view_scroll(int sel, int top, int visible, int nrows)
{
	if (visible <= 0 || nrows <= visible)
		return 0;
	if (top > nrows - visible)
		top = nrows - visible;
	if (top < 0)
		top = 0;
	if (sel < top)
		top = sel;
	else if (sel >= top + visible)
		top = sel - visible + 1;
	return top;
}

void view_recompute(struct view *v)
{
	int cls, i;

	v->secs = counters_elapsed(&v->prev, &v->cur);
	v->nrows = view_build_rows(&v->baseline, &v->prev, &v->cur, v->rows);
	view_sort_rows(v->rows, v->nrows, v->sort);
	keep_selection(v);

	memset(v->classes, 0, sizeof(v->classes));
	for (i = 0; i < v->nrows; i++) {
		struct view_class *c = &v->classes[sip_code_class(v->rows[i].code)];

		c->f.total += v->rows[i].f.total;
		c->f.delta += v->rows[i].f.delta;
	}
	v->finals_total = 0;
	v->class_max_total = 0;
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++) {
		v->classes[cls].f.rate = counters_rate(v->classes[cls].f.delta, v->secs);
		if (cls >= 2)
			v->finals_total += v->classes[cls].f.total;
		if (v->classes[cls].f.total > v->class_max_total)
			v->class_max_total = v->classes[cls].f.total;
	}
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++) {
		v->classes[cls].has_share = cls >= 2;
		v->classes[cls].share =
			cls >= 2 ? view_share(v->classes[cls].f.total, v->finals_total) : 0;
	}

	v->ngroups = view_group_figures(v->rows, v->nrows, v->secs, v->groups, VIEW_GROUPS_MAX);

	for (i = 0; i < COUNTERS_OUTCOMES; i++)
		v->parser[i] = figure_of(counters_outcome(&v->baseline, COUNTERS_DIR_ALL, i),
					 counters_outcome(&v->prev, COUNTERS_DIR_ALL, i),
					 counters_outcome(&v->cur, COUNTERS_DIR_ALL, i), v->secs);
	v->responses = v->parser[COUNTERS_RESPONSES];
	v->requests = v->parser[COUNTERS_REQUESTS];
}

void view_init(struct view *v, const struct counters *first)
{
	memset(v, 0, sizeof(*v));
	v->start = first->mono;
	v->baseline = *first;
	v->prev = *first;
	v->cur = *first;
	v->sort = VIEW_SORT_RATE;
	view_recompute(v);
}

void view_update(struct view *v, const struct counters *prev, const struct counters *cur)
{
	v->prev = *prev;
	v->cur = *cur;
	if (!v->paused)
		view_recompute(v);
}

void view_reset(struct view *v)
{
	v->baseline = v->cur;
	/* The interval shown restarts too: no "change" from before the reset. */
	v->prev = v->cur;
	v->reset_done = true;
	view_recompute(v);
}

void view_toggle_pause(struct view *v)
{
	v->paused = !v->paused;
	if (!v->paused)
		view_recompute(v);
}

void view_set_sort(struct view *v, enum view_sort s)
{
	v->sort = s;
	view_sort_rows(v->rows, v->nrows, v->sort);
	keep_selection(v);
}

void view_alert_push(struct view_alerts *r, const struct view_alert *a)
{
	r->a[r->next] = *a;
	r->next = (r->next + 1) % VIEW_ALERTS_MAX;
	if (r->len < VIEW_ALERTS_MAX)
		r->len++;
	r->seen++;
}

int view_alert_count(const struct view_alerts *r)
{
	return (int)r->len;
}

const struct view_alert *view_alert_get(const struct view_alerts *r, int i)
{
	if (i < 0 || (unsigned int)i >= r->len)
		return NULL;
	return &r->a[(r->next + VIEW_ALERTS_MAX - 1 - (unsigned int)i) % VIEW_ALERTS_MAX];
}

int view_collect_alerts(struct view_alerts *r, const char *ifname, const struct counters *base,
			const struct counters *prev, const struct counters *cur)
{
	struct counters_alert found[2 * 100];
	struct view_alert a;
	int i, n;

	n = counters_alerts(base, prev, cur, found, (int)(sizeof(found) / sizeof(found[0])));
	for (i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		a.real = cur->real;
		snprintf(a.ifname, sizeof(a.ifname), "%s", ifname);
		a.code = found[i].code;
		a.count = found[i].delta;
		a.total = found[i].total;
		a.secs = found[i].secs;
		view_alert_push(r, &a);
	}
	return n;
}

void view_fmt_count(char *buf, size_t len, uint64_t v, int width)
{
	static const char units[] = "kMGTPE";
	double d = (double)v;
	int u = -1, n;

	n = snprintf(buf, len, "%" PRIu64, v);
	if (n <= width)
		return;
	/* 999999 is "1.0M", not "1000.0k" */
	while (u < (int)sizeof(units) - 2 && (d >= 999.95 || u < 0)) {
		d /= 1000;
		u++;
	}
	n = snprintf(buf, len, "%.1f%c", d, units[u]);
	if (n > width)
		snprintf(buf, len, "%.0f%c", d, units[u]);
}

void view_fmt_rate(char *buf, size_t len, double r, int width)
{
	int n;

	if (r < 0)
		r = 0;
	n = snprintf(buf, len, "%.1f", r);
	if (n > width)
		view_fmt_count(buf, len, (uint64_t)(r + 0.5), width);
}

void view_fmt_duration(char *buf, size_t len, double secs)
{
	uint64_t s = secs > 0 ? (uint64_t)secs : 0;
	uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;

	s %= 60;
	if (d)
		snprintf(buf, len, "%" PRIu64 "d %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, d, h, m,
			 s);
	else if (h)
		snprintf(buf, len, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, h, m, s);
	else
		snprintf(buf, len, "%" PRIu64 ":%02" PRIu64, m, s);
}

bool view_color_allowed(const char *no_color)
{
	return !no_color || !*no_color;
}

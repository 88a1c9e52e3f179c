// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Unit tests of the live view's model (cli/view.c, view_boxes.c): no curses, no root, no BPF. */
#include <linux/types.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "harness.h"
#include "out/series.h"
#include "peerwatch.h"
#include "view.h"

/* The view reads the per-direction sums that counters_derive() makes: set those. */
#define CODE(s, c) ((s).code[SIPSTAT_DIR_IN][c])
#define OUTCOME(s, o) ((s).outcome[SIPSTAT_DIR_IN][o])

static struct view v;
static struct counters s0, s1, s2;

/* s0 at t=100 s, s1 one second later, s2 half a second after that. */
static void readings(void)
{
	memset(&s0, 0, sizeof(s0));
	s0.mono.tv_sec = 100;
	s0.real.tv_sec = 1795673000;
	CODE(s0, 200) = 5;	/* before the view started: never in its totals */
	OUTCOME(s0, COUNTERS_RESPONSES) = 5;
	s1 = s0;
	s1.mono.tv_sec = 101;
	s1.real.tv_sec = 1795673001;
	s2 = s1;
	s2.mono.tv_nsec = 500000000;
	s2.real.tv_nsec = 500000000;

	CODE(s1, 200) += 10;
	CODE(s1, 486) += 7;
	CODE(s1, 180) += 4;
	CODE(s2, 200) = CODE(s1, 200) + 1;	/* 2/s in the last interval */
	CODE(s2, 486) = CODE(s1, 486);
	CODE(s2, 180) = CODE(s1, 180);
	CODE(s2, 404) = 3;			/* 6/s */
	CODE(s2, 603) = 2;			/* 4/s */
	CODE(s2, 299) = 1;			/* unlisted */
	OUTCOME(s1, COUNTERS_RESPONSES) = 5 + 21;
	OUTCOME(s2, COUNTERS_RESPONSES) = 5 + 21 + 7;
	OUTCOME(s1, COUNTERS_REQUESTS) = 20;
	OUTCOME(s2, COUNTERS_REQUESTS) = 26;
	OUTCOME(s2, COUNTERS_MALFORMED) = 2;
}

static int row_index(const struct view *w, int code)
{
	int i;

	for (i = 0; i < w->nrows; i++)
		if (w->rows[i].code == code)
			return i;
	return -1;
}

static void fed_view(void)
{
	readings();
	view_init(&v, &s0);
	view_update(&v, &s0, &s1);
	view_update(&v, &s1, &s2);
}

static void test_rows_only_codes_seen(void)
{
	struct view_row rows[VIEW_ROWS_MAX];
	int n;

	readings();
	n = view_build_rows(&s0, &s1, &s2, rows);
	CHECK_EQ_U64(n, 6, "180 200 299 404 486 603");
	CHECK(rows[0].code == 180 && rows[5].code == 603, "ascending by code");
	CHECK_EQ_U64(rows[1].f.total, 11, "200 since base");
	CHECK_EQ_U64(rows[1].f.delta, 1);
	CHECK(rows[1].f.rate == 2.0, "%f", rows[1].f.rate);
	CHECK_EQ_U64(rows[4].f.delta, 0, "486 did not grow this interval");
	CHECK(rows[4].f.rate == 0.0);
	CHECK_EQ_U64(view_build_rows(&s2, &s2, &s2, rows), 0, "nothing since the baseline");
}

static void test_all_600_codes(void)
{
	struct view_row rows[VIEW_ROWS_MAX];
	int code, n;

	readings();
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++)
		CODE(s2, code) = CODE(s1, code) + (uint64_t)code;
	n = view_build_rows(&s0, &s1, &s2, rows);
	CHECK_EQ_U64(n, VIEW_ROWS_MAX);
	view_sort_rows(rows, n, VIEW_SORT_RATE);
	CHECK_EQ_U64(rows[0].code, 699, "fastest first");
	CHECK_EQ_U64(rows[n - 1].code, 100);
}

static void test_sort_orders(void)
{
	fed_view();
	CHECK(v.sort == VIEW_SORT_RATE);
	/* rate: 404 (6/s), 603 (4/s), 200 (2/s), 299 (2/s, total 1), then zero rates by total */
	CHECK(v.nrows == 6);
	CHECK(v.rows[0].code == 404 && v.rows[1].code == 603 && v.rows[2].code == 200 &&
		      v.rows[3].code == 299 && v.rows[4].code == 486 && v.rows[5].code == 180,
	      "%d %d %d %d %d %d", v.rows[0].code, v.rows[1].code, v.rows[2].code, v.rows[3].code,
	      v.rows[4].code, v.rows[5].code);

	view_set_sort(&v, view_sort_next(v.sort));
	CHECK(v.sort == VIEW_SORT_TOTAL);
	/* total: 200 (11), 486 (7), 180 (4), 404 (3), 603 (2), 299 (1) */
	CHECK(v.rows[0].code == 200 && v.rows[1].code == 486 && v.rows[2].code == 180 &&
		      v.rows[3].code == 404 && v.rows[4].code == 603 && v.rows[5].code == 299,
	      "%d %d %d", v.rows[0].code, v.rows[1].code, v.rows[2].code);

	view_set_sort(&v, view_sort_next(v.sort));
	CHECK(v.sort == VIEW_SORT_CODE);
	CHECK(v.rows[0].code == 180 && v.rows[5].code == 603);

	CHECK(view_sort_next(VIEW_SORT_CODE) == VIEW_SORT_RATE, "cycles back to rate");
	CHECK_STR(view_sort_name(VIEW_SORT_RATE), "rate");
	CHECK_STR(view_sort_name(VIEW_SORT_TOTAL), "total");
	CHECK_STR(view_sort_name(VIEW_SORT_CODE), "code");
}

static void test_ties_sort_by_code(void)
{
	struct view_row r[3] = {
		{ 486, { 5, 0, 0 } }, { 404, { 5, 0, 0 } }, { 200, { 9, 0, 0 } },
	};

	view_sort_rows(r, 3, VIEW_SORT_TOTAL);
	CHECK(r[0].code == 200 && r[1].code == 404 && r[2].code == 486);
	view_sort_rows(r, 3, VIEW_SORT_RATE);
	CHECK(r[0].code == 200 && r[1].code == 404 && r[2].code == 486, "zero rates: by total");
}

static void test_classes_and_shares(void)
{
	fed_view();
	CHECK_EQ_U64(v.classes[1].f.total, 4);
	CHECK_EQ_U64(v.classes[2].f.total, 12, "200 + 299");
	CHECK_EQ_U64(v.classes[4].f.total, 10, "486 + 404");
	CHECK_EQ_U64(v.classes[6].f.total, 2);
	CHECK_EQ_U64(v.classes[4].f.delta, 3);
	CHECK(v.classes[4].f.rate == 6.0, "%f", v.classes[4].f.rate);
	CHECK_EQ_U64(v.finals_total, 24, "2xx-6xx only: 1xx is provisional");
	CHECK(!v.classes[1].has_share, "1xx has no share");
	CHECK(v.classes[2].has_share && v.classes[2].share == 0.5, "%f", v.classes[2].share);
	CHECK(v.classes[6].share * 24 > 1.999 && v.classes[6].share * 24 < 2.001);
	CHECK(v.classes[3].share == 0.0 && v.classes[3].has_share);
	CHECK_EQ_U64(v.class_max_total, 12);
	CHECK(view_share(1, 0) == 0.0, "no division by zero");
	CHECK(view_share(1, 4) == 0.25);
}

static void test_bar_widths(void)
{
	CHECK_EQ_U64(view_bar_width(0, 10, 20), 0);
	CHECK_EQ_U64(view_bar_width(10, 10, 20), 20);
	CHECK_EQ_U64(view_bar_width(5, 10, 20), 10);
	CHECK_EQ_U64(view_bar_width(1, 1000000, 20), 1, "a count is never invisible");
	CHECK_EQ_U64(view_bar_width(11, 10, 20), 20, "never past the width");
	CHECK_EQ_U64(view_bar_width(3, 0, 20), 0);
	CHECK_EQ_U64(view_bar_width(3, 10, 0), 0);
	CHECK_EQ_U64(view_bar_width(3, 10, -4), 0);
	CHECK_EQ_U64(view_bar_width(UINT64_MAX / 2, UINT64_MAX, 8), 4);
}

static const struct view_group *group(const struct view *w, const char *name)
{
	int i;

	for (i = 0; i < w->ngroups; i++)
		if (!strcmp(w->groups[i].name, name))
			return &w->groups[i];
	return NULL;
}

static void test_group_totals(void)
{
	const struct view_group *g;

	fed_view();
	g = group(&v, "reachability");
	if (CHECK(g, "486 is reachability")) {
		CHECK_EQ_U64(g->f.total, 7);
		CHECK_EQ_U64(g->f.delta, 0);
	}
	g = group(&v, "routing");
	if (CHECK(g)) {
		CHECK_EQ_U64(g->f.total, 3);
		CHECK(g->f.rate == 6.0, "%f", g->f.rate);
	}
	g = group(&v, "global stop");
	CHECK(g && g->f.total == 2);
	g = group(&v, "other");
	CHECK(g && g->f.total == 1, "unlisted 299");
	g = group(&v, "success");
	CHECK(g && g->f.total == 11);
	g = group(&v, "progress");
	CHECK(g && g->f.total == 4);
	CHECK(group(&v, "authentication") && group(&v, "policy") && group(&v, "capability") &&
		      group(&v, "request state") && group(&v, "server trouble"),
	      "the 4xx-6xx diagnosis groups are always there");
	CHECK(!group(&v, "syntax") && !group(&v, "redirection"), "others only with counts");
	CHECK(v.ngroups <= 14, "fits two columns of 7");
}

/* Every group of the reference table has its own line (none lands in "other"). */
static void test_groups_cover_code_table(void)
{
	const struct sip_code_info *t;
	struct view_row rows[1];
	struct view_group out[VIEW_GROUPS_MAX];
	int i, j, n, ng;

	t = sip_code_table(&n);
	for (i = 0; i < n; i++) {
		rows[0].code = t[i].code;
		rows[0].f = (struct figure){ 1, 1, 1.0 };
		ng = view_group_figures(rows, 1, 1.0, out, VIEW_GROUPS_MAX);
		for (j = 0; j < ng; j++)
			if (out[j].f.total)
				break;
		CHECK(j < ng && !strcmp(out[j].name, t[i].group), "%d %s", t[i].code, t[i].group);
	}
	/* a short output array is never overrun */
	CHECK_EQ_U64(view_group_figures(rows, 1, 1.0, out, 3), 3);
}

static void test_selection_follows_code(void)
{
	fed_view();
	/* nothing picked yet: the top row is selected, whatever code leads */
	CHECK(!v.follow);
	CHECK_EQ_U64(v.sel, 0);
	CHECK_EQ_U64(view_selected_code(&v), 404);
	view_select_move(&v, 1);
	CHECK(v.follow, "picked by a key");
	CHECK_EQ_U64(view_selected_code(&v), 603);
	view_select_move(&v, -5);
	CHECK_EQ_U64(v.sel, 0, "clamped at the top");
	view_select_move(&v, 100);
	CHECK_EQ_U64(v.sel, 5, "clamped at the bottom");
	CHECK_EQ_U64(view_selected_code(&v), 180);
	view_set_sort(&v, VIEW_SORT_CODE);
	CHECK_EQ_U64(view_selected_code(&v), 180, "selection follows its code across sorts");
	CHECK_EQ_U64(v.sel, 0);
	view_select_last(&v);
	CHECK_EQ_U64(view_selected_code(&v), 603);
	view_set_sort(&v, VIEW_SORT_RATE);
	CHECK_EQ_U64(view_selected_code(&v), 603);
	CHECK_EQ_U64(v.sel, 1);

	CHECK_EQ_U64(view_clamp(-1, 5), 0);
	CHECK_EQ_U64(view_clamp(7, 5), 4);
	CHECK_EQ_U64(view_clamp(3, 0), 0);
}

/* Until a key picks a code, and again after g/Home, the top row stays selected. */
static void test_selection_pinned_to_top(void)
{
	struct counters s3;

	readings();
	view_init(&v, &s0);
	view_update(&v, &s0, &s1);
	CHECK_EQ_U64(view_selected_code(&v), 200, "leads the first interval");
	view_update(&v, &s1, &s2);
	CHECK_EQ_U64(v.sel, 0, "not dragged down with 200");
	CHECK_EQ_U64(view_selected_code(&v), 404);

	view_select_move(&v, 2);
	CHECK_EQ_U64(view_selected_code(&v), 200);
	view_select_first(&v);
	CHECK(!v.follow);
	CHECK_EQ_U64(view_selected_code(&v), 404);
	s3 = s2;
	s3.mono.tv_sec += 1;
	CODE(s3, 500) = 50;
	view_update(&v, &s2, &s3);
	CHECK_EQ_U64(view_selected_code(&v), 500, "the new leader, on the top row");
	CHECK_EQ_U64(v.sel, 0);
}

static void test_selection_when_rows_vanish(void)
{
	fed_view();
	view_select_last(&v);
	view_reset(&v);
	CHECK_EQ_U64(v.nrows, 0, "nothing since the reset");
	CHECK_EQ_U64(v.sel, 0);
	CHECK_EQ_U64(view_selected_code(&v), 0);
	view_select_move(&v, 1);
	CHECK_EQ_U64(v.sel, 0, "no rows: nothing to move to");
}

static void test_scroll(void)
{
	CHECK_EQ_U64(view_scroll(0, 0, 10, 5), 0, "everything fits");
	CHECK_EQ_U64(view_scroll(12, 0, 10, 30), 3, "down: selection on the last line");
	CHECK_EQ_U64(view_scroll(4, 3, 10, 30), 3, "visible: no move");
	CHECK_EQ_U64(view_scroll(2, 3, 10, 30), 2, "up");
	CHECK_EQ_U64(view_scroll(29, 25, 10, 30), 20, "never past the end");
	CHECK_EQ_U64(view_scroll(5, 25, 10, 12), 2, "rows shrank");
	CHECK_EQ_U64(view_scroll(3, 0, 0, 30), 0, "no room");
}

static void test_reset_keeps_kernel_readings(void)
{
	struct counters s3;

	fed_view();
	view_reset(&v);
	CHECK(memcmp(&v.baseline, &s2, sizeof(s2)) == 0, "baseline is the latest reading");
	CHECK(v.reset_done);
	CHECK_EQ_U64(v.responses.total, 0);
	CHECK_EQ_U64(v.classes[2].f.total, 0);
	CHECK_EQ_U64(v.finals_total, 0);
	CHECK(v.classes[2].share == 0.0);

	s3 = s2;
	s3.mono.tv_sec += 1;
	CODE(s3, 486) += 4;
	OUTCOME(s3, COUNTERS_RESPONSES) += 4;
	view_update(&v, &s2, &s3);
	CHECK_EQ_U64(v.nrows, 1);
	CHECK_EQ_U64(v.rows[0].code, 486);
	CHECK_EQ_U64(v.rows[0].f.total, 4, "only what came after the reset");
	CHECK_EQ_U64(v.responses.total, 4);
	CHECK(v.classes[4].share == 1.0);
	CHECK(CODE(s3, 486) == 11, "the readings themselves are untouched");
}

static void test_pause_freezes_figures(void)
{
	struct counters s3;

	fed_view();
	view_toggle_pause(&v);
	CHECK(v.paused);
	s3 = s2;
	s3.mono.tv_sec += 1;
	CODE(s3, 500) = 9;
	view_update(&v, &s2, &s3);
	CHECK_EQ_U64(row_index(&v, 500), (uint64_t)-1, "paused: rows frozen");
	CHECK(CODE(v.cur, 500) == 9, "but the reading is kept");
	view_toggle_pause(&v);
	CHECK(!v.paused);
	CHECK(row_index(&v, 500) >= 0, "resumed: the latest reading shows at once");
}

static void test_parser_figures(void)
{
	fed_view();
	CHECK_EQ_U64(v.responses.total, 28);
	CHECK_EQ_U64(v.responses.delta, 7);
	CHECK(v.responses.rate == 14.0, "%f", v.responses.rate);
	CHECK(v.requests.rate == 12.0, "%f", v.requests.rate);
	CHECK_EQ_U64(v.parser[COUNTERS_MALFORMED].total, 2);
	CHECK(v.secs == 0.5);
}

static void test_alert_ring(void)
{
	struct view_alerts r;
	struct view_alert a;
	int i;

	memset(&r, 0, sizeof(r));
	CHECK_EQ_U64(view_alert_count(&r), 0);
	CHECK(view_alert_get(&r, 0) == NULL);
	memset(&a, 0, sizeof(a));
	for (i = 0; i < VIEW_ALERTS_MAX + 5; i++) {
		a.code = 600 + i % 100;
		a.count = (uint64_t)i;
		view_alert_push(&r, &a);
	}
	CHECK_EQ_U64(view_alert_count(&r), VIEW_ALERTS_MAX, "only the last N kept");
	CHECK_EQ_U64(r.seen, VIEW_ALERTS_MAX + 5);
	CHECK_EQ_U64(view_alert_get(&r, 0)->count, VIEW_ALERTS_MAX + 4, "newest first");
	CHECK_EQ_U64(view_alert_get(&r, VIEW_ALERTS_MAX - 1)->count, 5, "oldest kept");
	CHECK(view_alert_get(&r, VIEW_ALERTS_MAX) == NULL);
	CHECK(view_alert_get(&r, -1) == NULL);
}

static void test_collect_alerts(void)
{
	struct view_alerts r;
	const struct view_alert *a;
	int n;

	readings();
	memset(&r, 0, sizeof(r));
	CODE(s1, 608) = 2;
	CODE(s2, 608) = 2;	/* no growth: no alert */
	CODE(s2, 699) = 1;
	n = view_collect_alerts(&r, "eth0", &s0, &s1, &s2);
	CHECK_EQ_U64(n, 2, "603 and 699");
	a = view_alert_get(&r, 1);
	if (CHECK(a)) {
		CHECK_EQ_U64(a->code, 603);
		CHECK_STR(a->ifname, "eth0");
		CHECK_EQ_U64(a->count, 2);
		CHECK_EQ_U64(a->total, 2);
		CHECK(a->secs == 0.5);
		CHECK(a->real.tv_sec == s2.real.tv_sec && a->real.tv_nsec == s2.real.tv_nsec);
	}
	a = view_alert_get(&r, 0);
	CHECK(a && a->code == 699);
	CHECK_EQ_U64(view_collect_alerts(&r, "a-very-long-interface-name", &s0, &s1, &s1), 0);
	CHECK_EQ_U64(view_collect_alerts(&r, "a-very-long-interface-name", &s0, &s0, &s2), 3);
	CHECK(strlen(view_alert_get(&r, 0)->ifname) < IF_NAMESIZE, "name cut to IF_NAMESIZE");
}

static void test_meaning(void)
{
	CHECK_STR(sip_code_meaning(486), "user busy at this destination");
	CHECK_STR(sip_code_meaning(603), "actively refused: do not retry elsewhere");
	CHECK_STR(sip_code_meaning(299), "request completed"); /* unlisted: the class's */
	CHECK_STR(sip_code_meaning(699), "final everywhere: do not retry elsewhere");
	CHECK(sip_code_meaning(99) == NULL);
}

static void test_formatting(void)
{
	char b[32];

	view_fmt_count(b, sizeof(b), 1234567, 7);
	CHECK_STR(b, "1234567");
	view_fmt_count(b, sizeof(b), 12345678, 7);
	CHECK_STR(b, "12.3M");
	view_fmt_count(b, sizeof(b), 999999, 5);
	CHECK_STR(b, "1.0M");
	view_fmt_count(b, sizeof(b), 123456, 4);
	CHECK_STR(b, "123k");
	view_fmt_count(b, sizeof(b), UINT64_MAX, 6);
	CHECK_STR(b, "18.4E");
	view_fmt_rate(b, sizeof(b), 12.345, 7);
	CHECK_STR(b, "12.3");
	view_fmt_rate(b, sizeof(b), 1234567.8, 7);
	CHECK_STR(b, "1234568");
	view_fmt_rate(b, sizeof(b), 1234567.8, 6);
	CHECK_STR(b, "1.2M");
	view_fmt_rate(b, sizeof(b), -1, 7);
	CHECK_STR(b, "0.0");
	view_fmt_duration(b, sizeof(b), 59.9);
	CHECK_STR(b, "0:59");
	view_fmt_duration(b, sizeof(b), 3725);
	CHECK_STR(b, "1:02:05");
	view_fmt_duration(b, sizeof(b), 2 * 86400 + 3725);
	CHECK_STR(b, "2d 01:02:05");
	view_fmt_duration(b, sizeof(b), -3);
	CHECK_STR(b, "0:00");
}

static void test_no_color(void)
{
	CHECK(view_color_allowed(NULL), "unset");
	CHECK(view_color_allowed(""), "empty: colour stays");
	CHECK(!view_color_allowed("1"));
	CHECK(!view_color_allowed("0"), "any non-empty value, even 0");
}

static void test_peer_order(void)
{
	static const struct view_peer peers[] = {
		{ .id = 1, .name = "lab", .responses = 10, .failures = 2 },
		{ .id = 2, .name = "edge", .responses = 4, .failures = 4 },
		{ .id = 0, .name = "other", .responses = 10, .failures = 0 },
		{ .id = 3, .name = "carrier", .responses = 10, .failures = 2 },
	};
	struct view_peer p[4];
	char got[64];
	int i;

#define ORDER(s)                                                                       \
	do {                                                                           \
		memcpy(p, peers, sizeof(p));                                           \
		view_sort_peers(p, 4, (s));                                            \
		got[0] = '\0';                                                         \
		for (i = 0; i < 4; i++)                                                \
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", \
				 i ? " " : "", p[i].name);                             \
	} while (0)

	/* Ties: the other figure, then the name. */
	ORDER(VIEW_PEER_SORT_FAILURES);
	CHECK_STR(got, "edge carrier lab other");
	ORDER(VIEW_PEER_SORT_TOTAL);
	CHECK_STR(got, "carrier lab other edge");
	ORDER(VIEW_PEER_SORT_NAME);
	CHECK_STR(got, "carrier edge lab other");
#undef ORDER
	CHECK_STR(view_peer_sort_name(VIEW_PEER_SORT_FAILURES), "failures");
	CHECK_STR(view_peer_sort_name(view_peer_sort_next(VIEW_PEER_SORT_FAILURES)), "total");
	CHECK(view_peer_sort_next(VIEW_PEER_SORT_NAME) == VIEW_PEER_SORT_FAILURES, "wraps");

#define STEP_IS(n, cur, d, want)                                                       \
	CHECK(view_peer_step(p, (n), (cur), (d)) == (want), "step from %d by %d: %d, not %d", \
	      (cur), (d), view_peer_step(p, (n), (cur), (d)), (want))
	/* Stepping in the order shown (by total: carrier lab other edge), all around it. */
	memcpy(p, peers, sizeof(p));
	view_sort_peers(p, 4, VIEW_PEER_SORT_TOTAL);
	STEP_IS(4, -1, 1, 3);
	STEP_IS(4, 3, 1, 1);
	STEP_IS(4, 1, 1, 0);
	STEP_IS(4, 0, 1, 2);
	STEP_IS(4, 2, 1, -1);
	STEP_IS(4, -1, -1, 2);
	STEP_IS(4, 3, -1, -1);
	STEP_IS(4, 99, 1, 3);
	STEP_IS(0, -1, 1, -1);
#undef STEP_IS
}

/* ------------------------------------------------------------ boxes and filters */

static struct counters *p0, *p1;

static void put(struct counters *c, int method, int slot, uint64_t n)
{
	c->keys[SIPSTAT_KEY(SIPSTAT_DIR_IN, method, slot)] = n;
}

/*
 * 100 INVITEs; final responses to them: 200 x40, 401 x10, 302 x5, 486 x12,
 * 480 x3, 487 x4, 603 x2, 600 x1, 404 x6, 488 x5, 503 x8, 408 x2, 500 x1,
 * 504 x1 (100 finals), plus 100 Trying x100 and REGISTER 401 x50, 200 x50.
 */
static void fill_calls(struct counters *c)
{
	static const int codes[][2] = {
		{ 200, 40 }, { 401, 10 }, { 302, 5 }, { 486, 12 }, { 480, 3 }, { 487, 4 },
		{ 603, 2 },  { 600, 1 },  { 404, 6 }, { 488, 5 },  { 503, 8 }, { 408, 2 },
		{ 500, 1 },  { 504, 1 },  { 100, 100 },
	};
	size_t i;

	memset(c, 0, sizeof(*c));
	put(c, SIPSTAT_M_INVITE, SIPSTAT_O_REQUESTS, 100);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		put(c, SIPSTAT_M_INVITE, codes[i][0], (uint64_t)codes[i][1]);
	put(c, SIPSTAT_M_REGISTER, SIPSTAT_O_REQUESTS, 100);
	put(c, SIPSTAT_M_REGISTER, 401, 50);
	put(c, SIPSTAT_M_REGISTER, 200, 50);
	counters_derive(c);
}

static void test_live_view_lines(void)
{
	char lines[24][VIEW_LINE];
	int n;

	memset(p0, 0, sizeof(*p0));
	fill_calls(p1);
	n = view_method_lines(p0, p1, lines, 22);
	if (!CHECK(n == 5, "%d lines", n))
		return;
	CHECK_STR(lines[1], "method     requests     1xx     2xx     3xx     4xx     5xx     6xx");
	CHECK_STR(lines[2], "INVITE          100     100      40       5      42      10       3");
	CHECK_STR(lines[4], "ASR 47.1%  NER 72.9%  SER 42.1%  SEER 61.1%  ISA 12.0%");
	CHECK(strlen(lines[1]) < 78, "fits an 80-column box");
	n = view_method_lines(p0, p1, lines, 3);
	CHECK_EQ_U64(n, 0);
	n = view_peer_lines(NULL, NULL, 0, -1, "failures", lines, 22);
	CHECK_EQ_U64(n, 1);
	CHECK_STR(lines[0], "no per-peer table in this program");
}

static void test_method_filter(void)
{
	fill_calls(p1);
	view_filter_method(p1, SIPSTAT_M_REGISTER, p0);
	CHECK_EQ_U64(counters_outcome(p0, COUNTERS_DIR_ALL, COUNTERS_RESPONSES), 100);
	CHECK_EQ_U64(counters_code(p0, COUNTERS_DIR_ALL, 401), 50);
	CHECK_EQ_U64(counters_code(p0, COUNTERS_DIR_ALL, 486), 0);
	CHECK_EQ_U64(counters_outcome(p0, COUNTERS_DIR_ALL, COUNTERS_REQUESTS), 100);
	CHECK_EQ_U64(view_next_method(p1, -1), SIPSTAT_M_INVITE);
	CHECK_EQ_U64(view_next_method(p1, SIPSTAT_M_INVITE), SIPSTAT_M_REGISTER);
	CHECK(view_next_method(p1, SIPSTAT_M_REGISTER) == -1, "after the last: all again");
}

/* Keys of sip_peer_counts in order, as peers_counts_read() leaves them. */
static void fill_peer_counts(struct peers_counts *pc)
{
	static const struct peers_count e[] = {
		{ SIPSTAT_PEER_KEY(SIPSTAT_DIR_IN, 0, SIPSTAT_M_OPTIONS, 200), 9 },
		{ SIPSTAT_PEER_KEY(SIPSTAT_DIR_IN, 1, SIPSTAT_M_INVITE, 200), 6 },
		{ SIPSTAT_PEER_KEY(SIPSTAT_DIR_IN, 2, SIPSTAT_M_INVITE, 503), 4 },
		{ SIPSTAT_PEER_KEY(SIPSTAT_DIR_IN, 2, SIPSTAT_M_REGISTER, 401), 2 },
	};
	int i;

	pc->e = malloc(sizeof(e));
	if (!pc->e)
		return;
	for (i = 0; i < 4; i++)
		pc->e[i] = e[i];
	pc->n = pc->cap = 4;
}

static void test_peer_filter(void)
{
	struct peers_counts pc = { 0 };

	fill_calls(p1);
	p1->mono.tv_sec = 42;
	p1->frames[SIPSTAT_DIR_IN] = 1000;
	fill_peer_counts(&pc);
	if (!CHECK(pc.e, "memory"))
		return;
	view_counters_of(p1, &pc, 2, -1, p0);
	CHECK_EQ_U64(counters_outcome(p0, COUNTERS_DIR_ALL, COUNTERS_RESPONSES), 6);
	CHECK_EQ_U64(counters_code(p0, COUNTERS_DIR_ALL, 503), 4);
	CHECK_EQ_U64(counters_code(p0, COUNTERS_DIR_ALL, 200), 0);
	CHECK_EQ_U64(counters_outcome(p0, COUNTERS_DIR_ALL, COUNTERS_REQUESTS), 0);
	CHECK_EQ_U64(p0->mono.tv_sec, 42);
	CHECK_EQ_U64(p0->frames[SIPSTAT_DIR_IN], 1000);
	/* One peer and one method: both filters. */
	view_counters_of(p1, &pc, 2, SIPSTAT_M_REGISTER, p0);
	CHECK_EQ_U64(counters_outcome(p0, COUNTERS_DIR_ALL, COUNTERS_RESPONSES), 2);
	CHECK_EQ_U64(counters_code(p0, COUNTERS_DIR_ALL, 401), 2);
	CHECK_EQ_U64(counters_code(p0, COUNTERS_DIR_ALL, 503), 0);
	/* No peer: the method filter alone, or the reading itself. */
	view_counters_of(p1, &pc, -1, SIPSTAT_M_REGISTER, p0);
	CHECK_EQ_U64(counters_code(p0, COUNTERS_DIR_ALL, 401), 50);
	view_counters_of(p1, &pc, -1, -1, p0);
	CHECK_EQ_U64(counters_outcome(p0, COUNTERS_DIR_ALL, COUNTERS_RESPONSES),
		     counters_outcome(p1, COUNTERS_DIR_ALL, COUNTERS_RESPONSES));
	peers_counts_free(&pc);
}

static void test_peer_pane(void)
{
	static struct peerwatch in;
	struct view_peer order[8], by_total[3];
	char lines[24][VIEW_LINE];
	int n;

	memset(&in, 0, sizeof(in));
	peers_table_init(&in.table);
	snprintf(in.table.names[1], PEERS_NAME_LEN, "lab");
	snprintf(in.table.names[2], PEERS_NAME_LEN, "edge");
	in.have_maps = true;
	fill_peer_counts(&in.cur);
	if (!CHECK(in.cur.e, "memory"))
		return;
	/* Since the first reading (nothing before): by id, "other" last. */
	n = view_peer_list(&in, order, 8);
	if (!CHECK_EQ_U64(n, 3))
		goto out;
	CHECK_STR(order[0].name, "lab");
	CHECK_EQ_U64(order[0].responses, 6);
	CHECK_EQ_U64(order[0].failures, 0);
	CHECK_STR(order[1].name, "edge");
	CHECK_EQ_U64(order[1].responses, 6);
	CHECK_EQ_U64(order[1].failures, 6);
	CHECK_STR(order[2].name, "other");
	CHECK_EQ_U64(order[2].id, 0);
	/* In the order the view's sort by total gives (tests/test_view.c). */
	by_total[0] = order[2];
	by_total[1] = order[1];
	by_total[2] = order[0];
	n = view_peer_lines(&in, by_total, n, 1, "total", lines, 22);
	if (!CHECK_EQ_U64(n, 8))
		goto out;
	CHECK_STR(lines[0], "responses per peer (--peers), since start, by total");
	/* other 9 first; edge and lab tie on 6, edge has more failures. */
	CHECK(strncmp(lines[2], "  other ", 8) == 0, "%s", lines[2]);
	CHECK(strncmp(lines[3], "  edge ", 7) == 0, "%s", lines[3]);
	CHECK(strncmp(lines[4], "> lab ", 6) == 0, "the peer shown alone is marked: %s", lines[4]);
	CHECK_STR(lines[4], "> lab                     6       6       0       0       0    100.0%");
	CHECK(strlen(lines[1]) < 78, "fits an 80-column box");
out:
	peers_counts_free(&in.cur);
	peers_table_free(&in.table);
}

/* A family the view has no place for: one sample, value 3. */
static void demo_samples(const struct out_src *src, struct out_sink *k)
{
	struct out_sample s;

	out_sample_init(&s, src);
	out_label(&s, "kind", "demo");
	s.v[0].total = 3;
	out_put(k, &s);
}

/* Key c: the further figures of the series below the parser counters, as text words them. */
static void test_further_lines(void)
{
	static const struct out_family demo[] = {
		{ .name = "sipstat_demo", .kind = OUT_GAUGE, .scope = OUT_PER_REPORT,
		  .help = "A demo.", .samples = demo_samples },
	};
	struct out_report r = { .base = p0, .prev = p0, .cur = p1 };
	char lines[4][VIEW_LINE];

	fill_calls(p1);
	CHECK_EQ_U64(view_further_lines(&r, lines, 4), 0);	/* every family has its place */
	r.families = demo;
	r.nfamilies = 1;
	if (CHECK_EQ_U64(view_further_lines(&r, lines, 4), 1))
		CHECK_STR(lines[0], "demo demo: 3");
	CHECK_EQ_U64(view_further_lines(NULL, lines, 4), 0);
}

int main(void)
{
	RUN(test_rows_only_codes_seen);
	RUN(test_all_600_codes);
	RUN(test_sort_orders);
	RUN(test_ties_sort_by_code);
	RUN(test_classes_and_shares);
	RUN(test_bar_widths);
	RUN(test_group_totals);
	RUN(test_groups_cover_code_table);
	RUN(test_selection_follows_code);
	RUN(test_selection_pinned_to_top);
	RUN(test_selection_when_rows_vanish);
	RUN(test_scroll);
	RUN(test_reset_keeps_kernel_readings);
	RUN(test_pause_freezes_figures);
	RUN(test_parser_figures);
	RUN(test_alert_ring);
	RUN(test_collect_alerts);
	RUN(test_meaning);
	RUN(test_formatting);
	RUN(test_no_color);
	RUN(test_peer_order);
	p0 = calloc(1, sizeof(*p0));
	p1 = calloc(1, sizeof(*p1));
	if (!p0 || !p1)
		return 1;
	RUN(test_live_view_lines);
	RUN(test_method_filter);
	RUN(test_peer_filter);
	RUN(test_peer_pane);
	RUN(test_further_lines);
	free(p0);
	free(p1);
	return h_exit();
}

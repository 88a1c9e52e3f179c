/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The model behind the live view (sipstat --top): what the screen shows,
 * computed from snapshots with pure functions and no curses, so it can be
 * unit-tested and reused.  top.c only draws it and maps keys onto it.
 *
 * Totals are since the view's baseline: the first reading, or the reading
 * of the last 'r' key.  The kernel counters are never reset.
 */
#ifndef SIPSTAT_VIEW_H
#define SIPSTAT_VIEW_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codes.h"
#include "counters.h"

struct peers_counts;
struct peerwatch;

#define VIEW_ROWS_MAX (SIPSTAT_CODE_MAX - SIPSTAT_CODE_MIN + 1)
#define VIEW_ALERTS_MAX 32	/* 6xx alerts kept for the alert pane */
#define VIEW_GROUPS_MAX 16

enum view_sort {
	VIEW_SORT_RATE = 0,	/* rate this interval, then total, then code */
	VIEW_SORT_TOTAL,	/* total since the baseline, then code */
	VIEW_SORT_CODE,		/* ascending code */
	VIEW_SORT_COUNT,
};

struct view_row {
	int code;
	struct figure f;
};

struct view_class {
	struct figure f;
	bool has_share;		/* false for 1xx: provisional, not a final response */
	double share;		/* fraction of the final (2xx-6xx) totals, 0..1 */
};

struct view_group {
	const char *name;	/* as sip_code_group() spells it */
	bool always;		/* shown even when zero (the 4xx-6xx diagnosis groups) */
	struct figure f;
};

/* One 6xx global-failure alert: a code that grew on an interface. */
struct view_alert {
	struct timespec real;	/* reading that saw it (CLOCK_REALTIME) */
	char ifname[IF_NAMESIZE];
	int code;
	uint64_t count;		/* growth this interval */
	uint64_t total;		/* since sipstat started on that interface */
	double secs;		/* length of the interval */
	char text[200];		/* an alert of the rules: its line, shown as it is */
};

/* The last VIEW_ALERTS_MAX alerts, oldest overwritten first. */
struct view_alerts {
	struct view_alert a[VIEW_ALERTS_MAX];
	unsigned int next;	/* slot for the next push */
	unsigned int len;	/* alerts held, <= VIEW_ALERTS_MAX */
	uint64_t seen;		/* alerts ever pushed */
};

struct view {
	struct timespec start;		/* CLOCK_MONOTONIC of the first reading */
	struct counters baseline;	/* totals are since this reading */
	struct counters prev, cur;	/* the latest interval fed in */
	bool reset_done;		/* baseline moved by view_reset() */
	bool paused;			/* figures frozen; readings and alerts still arrive */
	enum view_sort sort;
	int sel;			/* selected row, index into rows */
	int sel_code;			/* its code */
	bool follow;			/* the operator picked sel_code: keep it selected across
					 * refreshes and re-sorts; else the row index stays put
					 * (the top row until a key moves it) */

	/* Computed by view_recompute() from baseline, prev and cur. */
	double secs;			/* length of the interval shown */
	struct view_row rows[VIEW_ROWS_MAX];	/* codes seen since the baseline, sorted */
	int nrows;
	struct view_class classes[COUNTERS_CLASSES];	/* index 1..6 */
	uint64_t finals_total;		/* 2xx..6xx totals: the base of the shares */
	uint64_t class_max_total;	/* largest class total: full bar */
	struct view_group groups[VIEW_GROUPS_MAX];
	int ngroups;
	struct figure responses, requests;
	struct figure parser[COUNTERS_OUTCOMES];

	struct view_alerts alerts;
};

/* Start a view: baseline, prev and cur are all the first reading. */
void view_init(struct view *v, const struct counters *first);
/* Feed the latest interval; the figures follow unless paused. */
void view_update(struct view *v, const struct counters *prev, const struct counters *cur);
/* Recompute every figure from baseline, prev and cur (and keep the selection). */
void view_recompute(struct view *v);
/* Totals restart from the latest reading; kernel counters are untouched. */
void view_reset(struct view *v);
void view_toggle_pause(struct view *v);

/* Sorting. */
enum view_sort view_sort_next(enum view_sort s);
const char *view_sort_name(enum view_sort s);
void view_set_sort(struct view *v, enum view_sort s);
void view_sort_rows(struct view_row *rows, int n, enum view_sort s);
/*
 * Rows for the codes with a non-zero total or delta, ascending by code;
 * returns how many.  rows must hold VIEW_ROWS_MAX.
 */
int view_build_rows(const struct counters *base, const struct counters *prev,
		    const struct counters *cur, struct view_row *rows);

/*
 * Selection: move by delta rows (clamped) or to the last row; from then on
 * the selection follows its code.  view_select_first() goes back to the
 * top row and stays there, whatever code is on top.
 */
void view_select_move(struct view *v, int delta);
void view_select_first(struct view *v);
void view_select_last(struct view *v);
/* Clamp sel into [0, nrows); 0 when there are no rows. */
int view_clamp(int sel, int nrows);
/* Selected code, 0 when nothing is selected. */
int view_selected_code(const struct view *v);
/* First visible row of a table of `visible` rows so that sel is visible. */
int view_scroll(int sel, int top, int visible, int nrows);

/* Figures: totals, deltas and rates are lib/counters' figure_of(). */
/* part / whole, 0 when whole is 0. */
double view_share(uint64_t part, uint64_t whole);
/* Cells of a bar of at most width for value out of max; >= 1 for any value > 0. */
int view_bar_width(uint64_t value, uint64_t max, int width);
/*
 * Group figures from the per-code figures via sip_code_group(): the
 * always-shown groups plus the others with counts, in class order.
 */
int view_group_figures(const struct view_row *rows, int nrows, double secs,
		       struct view_group *out, int max);


/*
 * Named peers (--peers): the peers pane's order and the peer whose codes
 * the table shows alone.  Figures are since the first reading.
 */
enum view_peer_sort {
	VIEW_PEER_SORT_FAILURES = 0,	/* 4xx-6xx, then responses, then name */
	VIEW_PEER_SORT_TOTAL,		/* responses, then 4xx-6xx, then name */
	VIEW_PEER_SORT_NAME,		/* name */
	VIEW_PEER_SORT_COUNT,
};

#define VIEW_PEER_NAME_LEN 32

struct view_peer {
	int id;				/* peer id; 0 is "other" */
	char name[VIEW_PEER_NAME_LEN];
	uint64_t responses;		/* every response */
	uint64_t failures;		/* 4xx, 5xx and 6xx */
};

enum view_peer_sort view_peer_sort_next(enum view_peer_sort s);
/* "failures", "total", "name". */
const char *view_peer_sort_name(enum view_peer_sort s);
void view_sort_peers(struct view_peer *p, int n, enum view_peer_sort s);
/*
 * The peer delta (+1 or -1) steps away from cur in the order of p, where
 * -1 (every peer) stands before the first and after the last: forward
 * from -1 is p[0], forward from the last is -1.  A cur not in p starts
 * again from -1.  Returns a peer id, or -1.
 */
int view_peer_step(const struct view_peer *p, int n, int cur, int delta);

/*
 * The boxes over the table (view_boxes.c), VIEW_LINE characters a line;
 * each returns the number of lines written, at most max.  Key m: the
 * method x class table and the KPIs of what was counted since b.  Key e:
 * responses per peer by class with ASR, then the busiest failing
 * addresses.
 */
#define VIEW_LINE 80
int view_method_lines(const struct counters *b, const struct counters *c,
		      char (*lines)[VIEW_LINE], int max);
/*
 * The peers with responses, for the e box's order (view_sort_peers) and
 * the peer filter: id, name, responses and 4xx-6xx since the first
 * reading, by id with "other" last.  Returns how many, at most max.  The
 * e box lists order[0..norder) (sorted_by names the order in its title)
 * and marks sel, the peer the table shows alone (-1: none).
 */
int view_peer_list(const struct peerwatch *pw, struct view_peer *out, int max);
int view_peer_lines(const struct peerwatch *pw, const struct view_peer *order, int norder,
		    int sel, const char *sorted_by, char (*lines)[VIEW_LINE], int max);

/*
 * Key c, below the parser counters: the further figures of report r
 * (families of the series that the view has no place of its own for), as
 * the text report words them.  Returns the number of lines, at most max.
 */
struct out_report;
int view_further_lines(const struct out_report *r, char (*lines)[VIEW_LINE], int max);

/*
 * out = in with only the rows of one CSeq method (every direction), for
 * the method filter (key f); clocks and frame totals kept.
 */
void view_filter_method(const struct counters *in, int method, struct counters *out);
/* The next method after cur (-1: all) with responses or requests in c, or -1 after the last. */
int view_next_method(const struct counters *c, int cur);
/*
 * The figures of one reading c, whose per-peer counts are pc: only the
 * responses of one peer (peer >= 0; clocks and frame totals of c), then
 * only one CSeq method (method >= 0); c itself when both are -1.
 */
void view_counters_of(const struct counters *c, const struct peers_counts *pc, int peer,
		      int method, struct counters *out);

/* Alerts: push one, count, i-th newest (0 = newest), NULL past the end. */
void view_alert_push(struct view_alerts *r, const struct view_alert *a);
int view_alert_count(const struct view_alerts *r);
const struct view_alert *view_alert_get(const struct view_alerts *r, int i);
/*
 * Push one alert per 6xx code that grew between prev and cur on ifname
 * (the same rule as report_alerts()); returns how many.
 */
int view_collect_alerts(struct view_alerts *r, const char *ifname, const struct counters *base,
			const struct counters *prev, const struct counters *cur);

/* Formatting for narrow columns. */
/* v in at most width characters: exact when it fits, else 12.3k/45.6M/7.8G/... */
void view_fmt_count(char *buf, size_t len, uint64_t v, int width);
/* rate with one decimal when it fits in width, else scaled like view_fmt_count. */
void view_fmt_rate(char *buf, size_t len, double r, int width);
/* seconds as "M:SS", "H:MM:SS" or "Dd HH:MM:SS". */
void view_fmt_duration(char *buf, size_t len, double secs);

/* Colour allowed by NO_COLOR's value (https://no-color.org: any non-empty value disables). */
bool view_color_allowed(const char *no_color);

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat --top: draw a struct view with ncurses and map keys onto it.
 * Every figure comes from view.c; this file only lays them out.
 *
 *   0  title: interfaces, mode, uptime, clock
 *   1  responses total and rate, requests rate, sort
 *   2  classes 1xx..6xx (total, rate, share, bar) | diagnostic groups
 *  10  code table (code, reason, class, group, total, rate, change)
 *   .  6xx alert pane
 * H-2  meaning of the selected code
 * H-1  keys
 */
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include <curses.h>

#include "fmt.h"
#include "peerwatch.h"
#include "top.h"

#define MID_ROWS 8		/* title + 6 classes + final */
#define GROUP_ROWS (MID_ROWS - 1)

enum {
	PAIR_CLASS = 1,		/* 1..6: one per class */
	PAIR_ALERT = 7,		/* alert text */
	PAIR_ALERT_HOT = 8,	/* alert pane title, fresh alerts */
	PAIR_TITLE = 9,
};

static const short class_colors[COUNTERS_CLASSES] = {
	COLOR_WHITE, COLOR_CYAN, COLOR_GREEN, COLOR_BLUE, COLOR_YELLOW, COLOR_MAGENTA, COLOR_RED,
};

/* ---------------------------------------------------------------- setup */

int top_start(struct top *t, FILE *out, FILE *in, bool color, char *err, size_t errlen)
{
	const char *term = getenv("TERM");
	SCREEN *s;
	char *cup;
	int cls;

	memset(t, 0, sizeof(*t));
	t->method = -1;
	t->peer = -1;
	/* Line drawing and UTF-8 from the environment; numbers stay "1.5", not "1,5". */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");

	s = newterm(NULL, out, in);
	if (!s) {
		snprintf(err, errlen, "cannot use the terminal type '%s' (TERM)",
			 term && *term ? term : "unset");
		return -1;
	}
	t->screen = s;
	set_term(s);
	/* A hard-copy or "dumb" terminal cannot place text: say so, not garbage. */
	cup = tigetstr("cup");
	if (!cup || (intptr_t)cup == -1) {	/* (char *)-1: not a string capability */
		endwin();
		delscreen(s);
		t->screen = NULL;
		snprintf(err, errlen, "the terminal type '%s' (TERM) cannot move the cursor",
			 term && *term ? term : "unset");
		return -1;
	}
	cbreak();		/* keys at once; Ctrl-C still raises SIGINT */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);

	t->color = color && has_colors() && start_color() == OK;
	if (t->color) {
		use_default_colors();
		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			init_pair((short)(PAIR_CLASS + cls - 1), class_colors[cls], -1);
		init_pair(PAIR_ALERT, COLOR_RED, -1);
		init_pair(PAIR_ALERT_HOT, COLOR_WHITE, COLOR_RED);
		init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_CYAN);
	}
	return 0;
}

void top_end(struct top *t)
{
	if (!t->screen)
		return;
	set_term(t->screen);
	curs_set(1);
	endwin();
	delscreen(t->screen);
	t->screen = NULL;
}

void top_set_size(struct top *t, int lines, int cols)
{
	resizeterm(lines, cols);
}

/* ------------------------------------------------------------ attributes */

static attr_t class_attr(const struct top *t, int cls)
{
	if (cls < 1 || cls > SIP_CLASS_COUNT)
		return A_NORMAL;
	if (t->color)
		return COLOR_PAIR(PAIR_CLASS + cls - 1) | (cls == 6 ? A_BOLD : A_NORMAL);
	return cls == 6 ? A_BOLD : A_NORMAL;
}

static attr_t title_attr(const struct top *t)
{
	return t->color ? COLOR_PAIR(PAIR_TITLE) | A_BOLD : A_REVERSE | A_BOLD;
}

static attr_t alert_attr(const struct top *t, bool fresh)
{
	if (fresh)
		return t->color ? COLOR_PAIR(PAIR_ALERT_HOT) | A_BOLD : A_REVERSE | A_BOLD;
	return t->color ? COLOR_PAIR(PAIR_ALERT) | A_BOLD : A_BOLD;
}

/* ---------------------------------------------------------------- output */

/* Print at (y, x) in at most w columns (and never past the screen edge). */
static void put(int y, int x, int w, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void put(int y, int x, int w, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || w <= 0)
		return;
	if (w > COLS - x)
		w = COLS - x;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	attrset(a);
	mvaddnstr(y, x, buf, w);
	attrset(A_NORMAL);
}

/* A full-width line in attribute a: text, padded with blanks. */
static void put_line(int y, attr_t a, const char *text)
{
	put(y, 0, COLS, a, "%-*s", COLS, text);
}

static void put_bar(const struct top *t, int y, int x, int cells, int cls)
{
	int i;

	if (y >= LINES)
		return;
	for (i = 0; i < cells && x + i < COLS; i++) {
		if (t->color)
			mvaddch(y, x + i, ' ' | A_REVERSE | class_attr(t, cls));
		else
			mvaddch(y, x + i, '#');
	}
}

/* "06:20:01Z" from the ISO time of the reports. */
static void clock_of(char *buf, size_t len, const struct timespec *real)
{
	char iso[32];

	fmt_time(iso, sizeof(iso), real);
	snprintf(buf, len, "%.8sZ", iso + 11);
}

/* ------------------------------------------------------------- sections */

static void draw_header(const struct top *t, const struct view *v, const struct top_info *info)
{
	char line[512], ifs[256], up[32], over[32], now[16], n1[16], r1[16], r2[16];
	size_t off = 0;
	int i;

	ifs[0] = '\0';
	for (i = 0; i < info->nifs && off < sizeof(ifs); i++)
		off += snprintf(ifs + off, sizeof(ifs) - off, "%s%s", i ? "," : "",
				info->ifnames[i]);
	view_fmt_duration(up, sizeof(up), (double)(v->cur.mono.tv_sec - v->start.tv_sec) +
						  (double)(v->cur.mono.tv_nsec - v->start.tv_nsec) / 1e9);
	clock_of(now, sizeof(now), &v->cur.real);
	snprintf(line, sizeof(line), " sipstat %s  %s (%s)  up %s  every %.1fs", SIPSTAT_VERSION,
		 ifs, info->mode ? info->mode : "-", up, info->interval);
	put_line(0, title_attr(t), line);
	if (v->paused)
		put(0, COLS - 21, 9, alert_attr(t, true) ^ (t->color ? 0 : A_REVERSE), " PAUSED ");
	put(0, COLS - 11, 11, title_attr(t), "%10s", now);

	view_fmt_count(n1, sizeof(n1), v->responses.total, 10);
	view_fmt_rate(r1, sizeof(r1), v->responses.rate, 9);
	view_fmt_rate(r2, sizeof(r2), v->requests.rate, 9);
	view_fmt_duration(over, sizeof(over), counters_elapsed(&v->baseline, &v->cur));
	snprintf(line, sizeof(line), " responses %s total  %s/s   requests %s/s   %s %s", n1, r1,
		 r2, v->reset_done ? "since reset" : "over", over);
	put(1, 0, COLS, A_BOLD, "%s", line);
	put(1, COLS - 13, 13, A_BOLD, "%13s", "");
	put(1, COLS - 12, 12, A_BOLD, "sort: %s", view_sort_name(v->sort));
	/* The filters in force: "[INVITE]", "[peer carrier-a]", "[INVITE peer carrier-a]". */
	if ((t->method >= 0 && counters_method_name(t->method)) || t->peer >= 0) {
		char tag[64], nb[16];
		const char *m = t->method >= 0 ? counters_method_name(t->method) : NULL;
		int len;

		len = snprintf(tag, sizeof(tag), "[%s%s%s%.16s]", m ? m : "", m && t->peer >= 0 ? " " : "",
			       t->peer >= 0 ? "peer " : "",
			       t->peer >= 0 ? peers_name(info->peers ? &info->peers->table : NULL,
							 (uint32_t)t->peer, nb, sizeof(nb))
					    : "");
		put(0, COLS - 22 - len, len, title_attr(t) | A_BOLD, "%s", tag);
	}
}

/* Classes: left pane of width w.  Groups: right pane from gx. */
static void draw_classes(const struct top *t, const struct view *v, int y, int w)
{
	bool names = w >= 60;
	int cls, bar_x, bar_w, share_x, rate_x, total_x;
	char tot[16], rate[16], share[16];
	uint64_t finals_delta = 0;

	/* label | name | total | rate | share | bar */
	total_x = names ? 20 : 5;
	rate_x = total_x + 8;
	share_x = rate_x + 8;
	bar_x = share_x + 7;
	bar_w = w - bar_x - 1;

	put(y, 0, w, A_BOLD | A_UNDERLINE, "%-*s", w, "CLASS");
	put(y, total_x, 7, A_BOLD | A_UNDERLINE, "%7s", "total");
	put(y, rate_x, 7, A_BOLD | A_UNDERLINE, "%7s", "rate/s");
	put(y, share_x, 6, A_BOLD | A_UNDERLINE, "%6s", "final%");
	put(y, bar_x, bar_w, A_BOLD | A_UNDERLINE, "%s", bar_w >= 17 ? "total vs largest" : "");

	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++) {
		const struct view_class *c = &v->classes[cls];
		int row = y + cls;

		view_fmt_count(tot, sizeof(tot), c->f.total, 7);
		view_fmt_rate(rate, sizeof(rate), c->f.rate, 7);
		if (!c->has_share)
			snprintf(share, sizeof(share), "-");
		else if (c->share >= 0.9995)
			snprintf(share, sizeof(share), "100%%");
		else
			snprintf(share, sizeof(share), "%.1f%%", c->share * 100);
		put(row, 0, 3, class_attr(t, cls) | A_BOLD, "%s", sip_class_label(cls));
		if (names)
			put(row, 4, 15, class_attr(t, cls), "%s", sip_class_name(cls));
		put(row, total_x, 7, A_NORMAL, "%7s", tot);
		put(row, rate_x, 7, A_NORMAL, "%7s", rate);
		put(row, share_x, 6, A_NORMAL, "%6s", share);
		put_bar(t, row, bar_x, view_bar_width(c->f.total, v->class_max_total, bar_w), cls);
		if (cls >= 2)
			finals_delta += c->f.delta;
	}
	view_fmt_count(tot, sizeof(tot), v->finals_total, 7);
	view_fmt_rate(rate, sizeof(rate), counters_rate(finals_delta, v->secs), 7);
	put(y + 7, 0, w, A_DIM, "%s", names ? "2-6xx final" : "fin");
	put(y + 7, total_x, 7, A_DIM, "%7s", tot);
	put(y + 7, rate_x, 7, A_DIM, "%7s", rate);
	put(y + 7, share_x, 6, A_DIM, "%6s", v->finals_total ? "100%" : "-");
}

static void draw_groups(const struct top *t, const struct view *v, int y, int x, int colw)
{
	bool totals = colw >= 31;
	char rate[16], tot[16];
	int i, col, row;

	for (col = 0; col < 2; col++) {
		put(y, x + col * (colw + 1), colw, A_BOLD | A_UNDERLINE, "%-*s", colw,
		    col ? "" : "DIAGNOSIS");
		put(y, x + col * (colw + 1) + 15, colw - 15, A_BOLD | A_UNDERLINE,
		    totals ? "%7s %8s" : "%7s", "rate/s", "total");
	}
	for (i = 0; i < v->ngroups && i < 2 * GROUP_ROWS; i++) {
		const struct view_group *g = &v->groups[i];
		attr_t a = g->f.total ? A_NORMAL : A_DIM;
		int gx;

		col = i / GROUP_ROWS;
		row = y + 1 + i % GROUP_ROWS;
		gx = x + col * (colw + 1);
		if (g->f.delta)
			a = A_BOLD;
		view_fmt_rate(rate, sizeof(rate), g->f.rate, 7);
		view_fmt_count(tot, sizeof(tot), g->f.total, 8);
		put(row, gx, 14, a, "%-14s", g->name);
		if (totals)
			put(row, gx + 15, colw - 15, a, "%7s %8s", rate, tot);
		else
			put(row, gx + 15, colw - 15, a, "%7s", rate);
	}
}

/* Column layout of the code table for a screen width. */
struct table_cols {
	int reason_w, class_x, group_x, total_x, rate_x, change_x, meaning_x, meaning_w;
};

static struct table_cols table_layout(int w)
{
	struct table_cols c;

	/* code(4) reason(R) class(5) group(14) total(9) rate(9) change(8), one blank between */
	c.reason_w = w - 55;
	if (c.reason_w > 31)
		c.reason_w = 31;
	c.class_x = 5 + c.reason_w + 1;
	c.group_x = c.class_x + 6;
	c.total_x = c.group_x + 15;
	c.rate_x = c.total_x + 10;
	c.change_x = c.rate_x + 10;
	c.meaning_x = c.change_x + 10;
	c.meaning_w = w - c.meaning_x;
	if (c.meaning_w < 20)
		c.meaning_w = 0;	/* only on wide screens */
	return c;
}

static void draw_table(struct top *t, const struct view *v, int y, int rows)
{
	struct table_cols c = table_layout(COLS);
	attr_t h = A_BOLD | A_UNDERLINE, hs = A_BOLD | A_UNDERLINE | A_REVERSE;
	char tot[16], rate[16], chg[16], title[64];
	int i, r, sel = view_clamp(v->sel, v->nrows);

	t->page = rows;
	t->table_top = view_scroll(sel, t->table_top, rows, v->nrows);

	if (v->nrows > rows)
		snprintf(title, sizeof(title), "REASON (%d-%d of %d)", t->table_top + 1,
			 t->table_top + rows, v->nrows);
	else
		snprintf(title, sizeof(title), "REASON");
	put(y, 0, COLS, h, "%-*s", COLS, "");
	put(y, 0, 4, v->sort == VIEW_SORT_CODE ? hs : h, "CODE");
	put(y, 5, c.reason_w, h, "%s", title);
	put(y, c.class_x, 5, h, "CLASS");
	put(y, c.group_x, 14, h, "GROUP");
	put(y, c.total_x, 9, v->sort == VIEW_SORT_TOTAL ? hs : h, "%9s", "TOTAL");
	put(y, c.rate_x, 9, v->sort == VIEW_SORT_RATE ? hs : h, "%9s", "RATE/S");
	put(y, c.change_x, 8, h, "%8s", "CHANGE");
	if (c.meaning_w)
		put(y, c.meaning_x, c.meaning_w, h, "MEANING");

	if (!v->nrows) {
		put(y + 1, 2, COLS - 2, A_DIM, "no SIP responses counted %s",
		    v->reset_done ? "since the reset" : "yet");
		return;
	}
	for (r = 0; r < rows; r++) {
		const struct view_row *row;
		attr_t base, ca;
		int cls;

		i = t->table_top + r;
		if (i >= v->nrows)
			break;
		row = &v->rows[i];
		cls = sip_code_class(row->code);
		base = i == sel ? A_REVERSE : A_NORMAL;
		ca = base | class_attr(t, cls) | A_BOLD;
		view_fmt_count(tot, sizeof(tot), row->f.total, 9);
		view_fmt_rate(rate, sizeof(rate), row->f.rate, 9);
		if (row->f.delta) {
			chg[0] = '+';
			view_fmt_count(chg + 1, sizeof(chg) - 1, row->f.delta, 7);
		} else {
			snprintf(chg, sizeof(chg), "0");
		}
		if (i == sel)
			put(y + 1 + r, 0, COLS, base, "%-*s", COLS, "");
		put(y + 1 + r, 0, 4, ca, "%3d", row->code);
		put(y + 1 + r, 5, c.reason_w, base, "%s", sip_code_reason(row->code));
		put(y + 1 + r, c.class_x, 5, base | class_attr(t, cls), "%s", sip_class_label(cls));
		put(y + 1 + r, c.group_x, 14, base, "%s", sip_code_group(row->code));
		put(y + 1 + r, c.total_x, 9, base, "%9s", tot);
		put(y + 1 + r, c.rate_x, 9, base, "%9s", rate);
		put(y + 1 + r, c.change_x, 8, base | (row->f.delta ? A_BOLD : A_NORMAL), "%8s",
		    chg);
		if (c.meaning_w)
			put(y + 1 + r, c.meaning_x, c.meaning_w, base | A_DIM, "%s",
			    sip_code_meaning(row->code));
	}
}

static void draw_alerts(const struct top *t, const struct view *v, int y, int rows)
{
	int i, n = view_alert_count(&v->alerts);
	char title[128], when[16], cnt[16], tot[16];

	if (n)
		snprintf(title, sizeof(title), " 6xx GLOBAL FAILURE ALERTS  (newest first, %d of %llu)",
			 n < rows ? n : rows, (unsigned long long)v->alerts.seen);
	else
		snprintf(title, sizeof(title), " 6xx GLOBAL FAILURE ALERTS");
	put_line(y, n ? alert_attr(t, true) : A_BOLD | A_UNDERLINE, title);
	if (!n) {
		put(y + 1, 2, COLS - 2, A_DIM, "none: no 600-699 response seen");
		return;
	}
	for (i = 0; i < rows; i++) {
		const struct view_alert *a = view_alert_get(&v->alerts, i);
		bool fresh;

		if (!a)
			break;
		fresh = a->real.tv_sec == v->cur.real.tv_sec && a->real.tv_nsec == v->cur.real.tv_nsec;
		clock_of(when, sizeof(when), &a->real);
		if (a->text[0]) {
			/* "ALERT TIME IFACE rest": the clock, then the rest */
			const char *rest = strchr(a->text + 6, ' ');

			put(y + 1 + i, 0, COLS, alert_attr(t, false), " %s  %s", when,
			    rest ? rest + 1 : a->text);
			/* New since the last reading: it came from an event in between. */
			fresh = a->real.tv_sec > v->prev.real.tv_sec ||
				(a->real.tv_sec == v->prev.real.tv_sec &&
				 a->real.tv_nsec >= v->prev.real.tv_nsec);
			if (fresh)
				put(y + 1 + i, 0, 1, alert_attr(t, true), "!");
			continue;
		}
		view_fmt_count(cnt, sizeof(cnt), a->count, 8);
		view_fmt_count(tot, sizeof(tot), a->total, 10);
		put(y + 1 + i, 0, COLS, alert_attr(t, false),
		    " %s  %-10.10s %d %-23.23s +%s in %.2fs, %s total", when, a->ifname, a->code,
		    sip_code_reason(a->code), cnt, a->secs, tot);
		if (fresh)
			put(y + 1 + i, 0, 1, alert_attr(t, true), "!");
	}
}

static void draw_meaning(const struct top *t, const struct view *v, int y)
{
	int code = view_selected_code(v);

	if (!code) {
		put_line(y, A_DIM, " select a code with j/k or the arrow keys to see its meaning");
		return;
	}
	put_line(y, A_NORMAL, "");
	if (sip_code_lookup(code))
		put(y, 0, COLS, class_attr(t, sip_code_class(code)) | A_BOLD, " %d %s: %s", code,
		    sip_code_reason(code), sip_code_meaning(code));
	else
		put(y, 0, COLS, class_attr(t, sip_code_class(code)) | A_BOLD,
		    " %d (not in the reference list), class %s %s: %s", code,
		    sip_class_label(sip_code_class(code)), sip_code_reason(code),
		    sip_code_meaning(code));
}

/* A framed box of text lines in the middle of the screen. */
static void draw_box(const char *const *lines, int n)
{
	int i, w = 0, bx, by, l;

	for (i = 0; i < n; i++) {
		l = (int)strlen(lines[i]);
		if (l > w)
			w = l;
	}
	w += 4;
	if (w > COLS)
		w = COLS;
	bx = (COLS - w) / 2;
	by = (LINES - n - 2) / 2;
	if (by < 0)
		by = 0;
	attrset(A_NORMAL);
	for (i = 0; i < n + 2 && by + i < LINES; i++)
		mvhline(by + i, bx, ' ', w);
	mvhline(by, bx + 1, ACS_HLINE, w - 2);
	mvhline(by + n + 1, bx + 1, ACS_HLINE, w - 2);
	mvvline(by + 1, bx, ACS_VLINE, n);
	mvvline(by + 1, bx + w - 1, ACS_VLINE, n);
	mvaddch(by, bx, ACS_ULCORNER);
	mvaddch(by, bx + w - 1, ACS_URCORNER);
	mvaddch(by + n + 1, bx, ACS_LLCORNER);
	mvaddch(by + n + 1, bx + w - 1, ACS_LRCORNER);
	for (i = 0; i < n; i++)
		put(by + 1 + i, bx + 2, w - 4, i == 0 ? A_BOLD : A_NORMAL, "%s", lines[i]);
}

static void draw_help(void)
{
	static const char *const lines[] = {
		"sipstat --top: keys",
		"",
		"q            quit: the XDP program is detached",
		"s            sort the code table: rate, total, code",
		"j k  Up Down select a code (it stays selected when rows move);",
		"             its meaning is on the bottom line",
		"PgUp PgDn    page;  G End: last;  g Home: back to the top row",
		"r            reset the view: totals restart now",
		"             (the kernel counters are never reset)",
		"p            pause (6xx alerts still arrive);  c  parser counters",
		"m            responses by method and class, KPIs",
		"e            responses per peer (--peers), failing addresses",
		"f            only one CSeq method (next with traffic; all again",
		"             after the last): figures restart from the start",
		"n N          only one named peer, like f; in the e box j k pick",
		"             it and s sorts the box: failures, total, name",
		"h ?          this help;  Esc closes a box",
		"",
		"total: since start or reset.  rate/s, change: the last interval.",
		"final%: share of final responses (2xx-6xx); 1xx is provisional.",
		"Bars: class total against the largest class.",
		"Alerts: the last 32 6xx codes that grew, newest first; '!' = new.",
	};

	draw_box(lines, (int)(sizeof(lines) / sizeof(lines[0])));
}

/* The parser counters, then the further figures of the series that fit. */
static void draw_counters(const struct view *v, const struct top_info *info)
{
	static char text[TOP_MIN_LINES * 4][VIEW_LINE];
	const char *lines[TOP_MIN_LINES * 4] = { NULL };
	int max = LINES - 2 < TOP_MIN_LINES * 4 ? LINES - 2 : TOP_MIN_LINES * 4;
	char tot[16], rate[16];
	int i, n = COUNTERS_OUTCOMES + 2;

	snprintf(text[0], sizeof(text[0]), "parser counters %s",
		 v->reset_done ? "(since reset)" : "(since start)");
	snprintf(text[1], sizeof(text[1]), "%-20s %17s %10s", "counter", "total", "rate/s");
	for (i = 0; i < COUNTERS_OUTCOMES; i++) {
		view_fmt_count(tot, sizeof(tot), v->parser[i].total, 17);
		view_fmt_rate(rate, sizeof(rate), v->parser[i].rate, 10);
		snprintf(text[i + 2], sizeof(text[i + 2]), "%-20s %17s %10s", counters_outcome_name(i),
			 tot, rate);
	}
	/* view_further_lines() writes nothing when max - n is not positive. */
	n += view_further_lines(info->report, &text[n], max - n);
	for (i = 0; i < n; i++)
		lines[i] = text[i];
	draw_box(lines, n);
}

void top_draw(struct top *t, const struct view *v, const struct top_info *info)
{
	int gcolw, lw, alert_rows, table_rows, ya;
	char msg[128];

	set_term(t->screen);
	erase();
	if (COLS < TOP_MIN_COLS || LINES < TOP_MIN_LINES) {
		snprintf(msg, sizeof(msg), "sipstat: terminal too small (%dx%d), --top needs %dx%d",
			 COLS, LINES, TOP_MIN_COLS, TOP_MIN_LINES);
		put(0, 0, COLS, A_BOLD, "%s", msg);
		refresh();
		return;
	}

	draw_header(t, v, info);

	gcolw = COLS >= 130 ? 31 : 22;
	lw = COLS - 2 * (gcolw + 1);
	draw_classes(t, v, 2, lw - 1);
	draw_groups(t, v, 2, lw, gcolw);

	/* 3 alert rows at 24 lines, one more per 2 lines, at most 6 */
	alert_rows = 3 + (LINES - TOP_MIN_LINES) / 2;
	if (alert_rows > 6)
		alert_rows = 6;
	ya = LINES - 3 - alert_rows;
	table_rows = ya - (2 + MID_ROWS) - 1;
	draw_table(t, v, 2 + MID_ROWS, table_rows);
	draw_alerts(t, v, ya, alert_rows);
	draw_meaning(t, v, LINES - 2);
	put_line(LINES - 1, title_attr(t),
		 " q quit  s sort  j/k select  r reset  p pause  c counters  h help");

	if (t->counters)
		draw_counters(v, info);
	if (t->methods || t->peers) {
		static char text[TOP_MIN_LINES * 4][VIEW_LINE];
		const char *lines[TOP_MIN_LINES * 4];
		int i, n, max = LINES - 2 < TOP_MIN_LINES * 4 ? LINES - 2 : TOP_MIN_LINES * 4;

		if (t->methods) {
			n = view_method_lines(&v->baseline, &v->cur, text, max);
		} else {
			static struct view_peer order[SIPSTAT_PEERS_MAX + 1];
			int np = view_peer_list(info->peers, order, SIPSTAT_PEERS_MAX + 1);

			view_sort_peers(order, np, t->peer_sort);
			n = view_peer_lines(info->peers, order, np, t->peer,
					    view_peer_sort_name(t->peer_sort), text, max);
		}
		for (i = 0; i < n; i++)
			lines[i] = text[i];
		if (n)
			draw_box(lines, n);
	}
	if (t->help)
		draw_help();
	refresh();
}

/* ------------------------------------------------------------------ keys */

/*
 * A key that moves through the rows: the selection, or the peers while
 * their box is up.  TOP_NONE when key is not one.
 */
static enum top_action move_key(const struct top *t, struct view *v, int key)
{
	int page = t->page > 1 ? t->page : 1;

	switch (key) {
	case 'j':
	case KEY_DOWN:
		if (t->peers)
			return TOP_NEXT_PEER;
		view_select_move(v, 1);
		return TOP_REDRAW;
	case 'k':
	case KEY_UP:
		if (t->peers)
			return TOP_PREV_PEER;
		view_select_move(v, -1);
		return TOP_REDRAW;
	case 'n':
		return TOP_NEXT_PEER;
	case 'N':
		return TOP_PREV_PEER;
	case KEY_NPAGE:
	case ' ':
		view_select_move(v, page);
		return TOP_REDRAW;
	case KEY_PPAGE:
		view_select_move(v, -page);
		return TOP_REDRAW;
	case 'g':
	case KEY_HOME:
		view_select_first(v);
		return TOP_REDRAW;
	case 'G':
	case KEY_END:
		view_select_last(v);
		return TOP_REDRAW;
	default:
		return TOP_NONE;
	}
}

/* A key that shows or hides a box (help, counters, methods, peers); false when not one. */
static bool box_key(struct top *t, int key)
{
	switch (key) {
	case 'h':
	case 'H':
	case '?':
		t->help = !t->help;
		return true;
	case 'c':
	case 'C':
		t->counters = !t->counters;
		return true;
	case 'm':
	case 'M':
		t->methods = !t->methods;
		t->peers = false;
		return true;
	case 'e':
	case 'E':
		t->peers = !t->peers;
		t->methods = false;
		return true;
	case 27:	/* Esc */
		t->help = t->counters = t->methods = t->peers = false;
		return true;
	default:
		return false;
	}
}

enum top_action top_key(struct top *t, struct view *v, int key)
{
	enum top_action a = move_key(t, v, key);

	if (a != TOP_NONE)
		return a;
	if (box_key(t, key))
		return TOP_REDRAW;
	switch (key) {
	case 'q':
	case 'Q':
		return TOP_QUIT;
	case 's':
	case 'S':
		/* The box on top is what is sorted. */
		if (t->peers)
			t->peer_sort = view_peer_sort_next(t->peer_sort);
		else
			view_set_sort(v, view_sort_next(v->sort));
		return TOP_REDRAW;
	case 'r':
	case 'R':
		view_reset(v);
		return TOP_REDRAW;
	case 'p':
	case 'P':
		view_toggle_pause(v);
		return TOP_REDRAW;
	case 'f':
	case 'F':
		return TOP_NEXT_METHOD;
	case 12:	/* Ctrl-L */
		clearok(curscr, TRUE);
		return TOP_REDRAW;
	case KEY_RESIZE:
		return TOP_REDRAW;
	default:
		return TOP_NONE;
	}
}

int top_step_peer(struct top *t, const struct peerwatch *pw, int delta)
{
	static struct view_peer order[SIPSTAT_PEERS_MAX + 1];
	int n = view_peer_list(pw, order, SIPSTAT_PEERS_MAX + 1);

	view_sort_peers(order, n, t->peer_sort);
	t->peer = view_peer_step(order, n, t->peer, delta);
	return t->peer;
}

enum top_action top_input(struct top *t, struct view *v)
{
	enum top_action act = TOP_NONE, a;
	int ch;

	set_term(t->screen);
	while ((ch = getch()) != ERR) {
		a = top_key(t, v, ch);
		/* One step of the caller's at a time (f f is two methods on): the
		 * keys after it stay unread for the next call. */
		if (a == TOP_QUIT || a >= TOP_NEXT_METHOD)
			return a;
		if (a > act)
			act = a;
	}
	return act;
}

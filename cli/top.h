/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The live view's screen (sipstat --top): ncurses drawing of a struct view
 * and the key bindings.  No curses type leaks out of here, so main.c does
 * not need the curses headers.
 */
#ifndef SIPSTAT_TOP_H
#define SIPSTAT_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "view.h"

/* Smallest screen the full view is drawn on; below it, one line says so. */
#define TOP_MIN_COLS 80
#define TOP_MIN_LINES 24

/* What the screen shows besides the view's figures. */
struct top_info {
	const char *const *ifnames;
	int nifs;
	const char *mode;	/* XDP mode(s) in use, e.g. "native" */
	double interval;	/* seconds between refreshes */
	const struct peerwatch *peers;	/* per-peer counts and failing addresses, or NULL */
	const struct out_report *report;	/* the latest reading as every output has it, or NULL */
};

struct top {
	void *screen;		/* SCREEN * from newterm() */
	bool color;		/* colour in use (terminal has it, NO_COLOR unset) */
	bool help;		/* help overlay shown */
	bool counters;		/* parser counters overlay shown */
	bool methods;		/* methods x class and KPIs overlay shown (m) */
	bool peers;		/* per-peer and failing addresses overlay shown (e) */
	int method;		/* figures of one CSeq method only (f cycles), -1: all */
	int peer;		/* figures of one named peer only (n, N; j/k in the e box), -1: all */
	enum view_peer_sort peer_sort;	/* order of the e box (s while it is open) */
	int table_top;		/* first code row on screen */
	int page;		/* code rows on screen, for PgUp/PgDn */
};

/*
 * TOP_NEXT_METHOD: the caller picks the next method to show (t->method)
 * and redraws; TOP_NEXT_PEER, TOP_PREV_PEER: the next or previous peer
 * (top_step_peer()), the same way.
 */
enum top_action { TOP_NONE = 0, TOP_REDRAW, TOP_QUIT, TOP_NEXT_METHOD, TOP_NEXT_PEER, TOP_PREV_PEER };

/*
 * Take over the terminal on out/in (newterm: an unusable TERM is an
 * error, never an exit).  color: colour wanted (see view_color_allowed()).
 * Returns 0, or -1 with a reason in err.
 */
int top_start(struct top *t, FILE *out, FILE *in, bool color, char *err, size_t errlen);
/* Give the terminal back. */
void top_end(struct top *t);

/* Apply one key (curses key code) to the view. */
enum top_action top_key(struct top *t, struct view *v, int key);
/* Read and apply every pending key without blocking. */
enum top_action top_input(struct top *t, struct view *v);

/*
 * Move t->peer by delta (+1, -1) through the peers of pw in the e box's
 * order, "every peer" before the first and after the last; returns it.
 */
int top_step_peer(struct top *t, const struct peerwatch *pw, int delta);

/* Draw the whole screen from the view. */
void top_draw(struct top *t, const struct view *v, const struct top_info *info);

/* Force a screen size (benchmarks and tests on a terminal without a size). */
void top_set_size(struct top *t, int lines, int cols);

#endif

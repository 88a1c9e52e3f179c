/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Which request failed and where: the method x class table and KPIs of a
 * report, responses per named peer (--peers, --per-peer) and the top
 * failing addresses (--failing), for the text and JSON reports.  The
 * counts come from lib/ (counters, kpi, peers, failing); this file keeps
 * the per-peer and failing readings of a watching run and lays them out.
 */
#ifndef SIPSTAT_CLI_INSIGHT_H
#define SIPSTAT_CLI_INSIGHT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "args.h"
#include "failing.h"
#include "peers.h"
#include "view.h"

struct counters;
struct report;

#define INSIGHT_VERBOSE_FAILING 5	/* failing addresses per class with -v */

struct insight {
	const char *peers_file;		/* NULL: names from PEERS_RUN_DIR, if any */
	struct timespec peers_mtime;	/* of the file as last applied */
	ino_t peers_ino;
	struct peers_table table;	/* names (and prefixes when from a file) */
	bool has_names;
	int n;
	const char *ifnames[MAX_IFACES];
	struct peers_maps maps[MAX_IFACES];
	bool have_maps;			/* at least one interface has the maps */
	/* Per-peer counts and failing addresses, all interfaces added up:
	 * the first reading, the one before the latest, the latest. */
	struct peers_counts base, prev, cur;
	struct failing fprev, fcur;
	/* The same per interface, totals since each program was loaded (exports). */
	struct peers_counts each[MAX_IFACES];
	struct failing each_failing[MAX_IFACES];
	int export_failing;		/* --export-failing N */
	bool live;			/* --top: the e box shows failing addresses */
	int failing_top;		/* how many per class to show, 0 none */
	bool per_peer;
	int ncpus;
};

/*
 * Find the per-peer maps behind each interface's link (link_fds[i]), or
 * without one (-1) behind a program of this process's own (prog_fds[i],
 * a TC program; prog_fds may be NULL) or else the interface's pins; with
 * o->peers_file, load the file into them.  0, or -errno with one line in
 * msg (a bad peers file: the line and what is wrong).
 */
int insight_open(struct insight *in, const struct options *o, const char *const *ifnames,
		 const int *link_fds, const int *prog_fds, int n, int ncpus, char *msg,
		 size_t msglen);
void insight_close(struct insight *in);
/* show: the same for pinned interfaces, names from PEERS_RUN_DIR; never fails. */
void insight_open_pinned(struct insight *in, const struct options *o,
			 const char *const *ifnames, int n, int ncpus);

/*
 * Apply the peers file again when it changed (returns 1 and says so in
 * msg; a bad file keeps the old table and returns -EINVAL with msg), 0 when
 * unchanged.
 */
int insight_reload(struct insight *in, char *msg, size_t msglen);

/* Read per-peer counts and failing addresses; first: this is the base. */
int insight_read(struct insight *in, bool first);

/* Text: method x class, KPIs; with -v codes by method; peers; failing. */
void insight_text(FILE *f, const struct report *r);
/* JSON members (each starting with a comma): "kpis", "methods", "peers", "failing". */
void insight_json(FILE *f, const struct report *r);

/*
 * Before anything is attached: 0 when o has no peers file or a good one;
 * 2 (usage error, said on stderr with the line) for a bad one, 1 when it
 * cannot be read.
 */
int insight_check_peers(const struct options *o);

/*
 * Load the peers file into the pinned program of ifname (attach, serve)
 * and write the names for readers; ids of names already there are kept.
 * 0 or -errno with one line in msg; done says what was loaded.
 */
int insight_peers_pinned(const char *ifname, const char *file, char *done, size_t dlen,
			 char *msg, size_t msglen);

/* serve --listen: the per-peer counts and failing addresses of one pinned interface. */
struct insight_pinned {
	struct peers_counts pc;
	struct failing fl;
	struct peers_table names;
};
struct export_iface;
/*
 * Read them afresh into ip and point x at them (nothing when the pinned
 * program has no peer table).  export_failing: --export-failing N.
 */
void insight_pinned_export(struct insight_pinned *ip, const char *ifname, int ncpus,
			   int export_failing, struct export_iface *x);
void insight_pinned_free(struct insight_pinned *ip);

/* serve: the peers file as last applied. */
struct insight_stamp {
	struct timespec mtime;
	ino_t ino;
};
/* 1 when path changed since st (st is updated), 0 when not or unreadable. */
int insight_file_changed(const char *path, struct insight_stamp *st);

/*
 * Lines of the live view's boxes (key m): the method x class table and
 * the KPIs of what was counted since b; (key e): responses per peer by
 * class with ASR, then the busiest failing addresses.  Each returns the
 * number of lines written, at most max.
 */
#define INSIGHT_LINE 80
int insight_method_lines(const struct counters *b, const struct counters *c,
			 char (*lines)[INSIGHT_LINE], int max);
int insight_peer_lines(const struct insight *in, const struct view_peer *order, int norder,
		       int sel, const char *sorted_by, char (*lines)[INSIGHT_LINE], int max);
/*
 * The peers with responses, for the e box's order (view_sort_peers) and
 * the peer filter: id, name, responses and 4xx-6xx since the first
 * reading, by id with "other" last.  Returns how many, at most max.  The
 * e box lists order[0..norder) (sorted_by names the order in its title)
 * and marks sel, the peer the table shows alone (-1: none).
 */
int insight_peer_list(const struct insight *in, struct view_peer *out, int max);

/*
 * out = in with only the rows of one CSeq method (every direction), for
 * the live view's method filter; clocks and frame totals kept.
 */
void insight_filter_method(const struct counters *in, int method, struct counters *out);
/* The next method after cur (-1: all) with responses or requests in c, or -1 after the last. */
int insight_next_method(const struct counters *c, int cur);

/* The per-peer view as counters (responses only; no requests per peer). */
void insight_peer_counters(const struct peers_counts *pc, uint32_t peer, struct counters *out);

/*
 * The live view's figures of one reading c, whose per-peer counts are pc:
 * only the responses of one peer (peer >= 0; clocks and frame totals of
 * c), then only one CSeq method (method >= 0); c itself when both are -1.
 */
void insight_view_counters(const struct counters *c, const struct peers_counts *pc, int peer,
			   int method, struct counters *out);

#endif

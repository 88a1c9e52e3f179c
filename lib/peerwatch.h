/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The per-peer counts and failing addresses of a run: the maps behind
 * each interface found (through its link, a TC program, or its pins), the
 * peers file loaded into them and applied again when it changes, and
 * each reading kept as the outputs need it (the first, the one before,
 * the latest; all interfaces added up and each alone).  The same for one
 * pinned interface at a time (attach, serve).  Never prints.
 */
#ifndef SIPSTAT_LIB_PEERWATCH_H
#define SIPSTAT_LIB_PEERWATCH_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "failing.h"
#include "peers.h"

struct counters;

#define PEERWATCH_IFACES 16

/* A file as last applied: a change of either means it was written again. */
struct peerwatch_stamp {
	struct timespec mtime;
	ino_t ino;
};

struct peerwatch {
	const char *peers_file;		/* NULL: names from PEERS_RUN_DIR, if any */
	struct peerwatch_stamp stamp;	/* of the file as last applied */
	struct peers_table table;	/* names (and prefixes when from a file) */
	bool has_names;
	int n;
	const char *ifnames[PEERWATCH_IFACES];
	struct peers_maps maps[PEERWATCH_IFACES];
	bool have_maps;			/* at least one interface has the maps */
	bool failing_always;		/* read the failing addresses at every reading */
	/* Per-peer counts and failing addresses, all interfaces added up:
	 * the first reading, the one before the latest, the latest. */
	struct peers_counts base, prev, cur;
	struct failing fprev, fcur;
	/* The same per interface, totals since each program was loaded. */
	struct peers_counts each[PEERWATCH_IFACES];
	struct failing each_failing[PEERWATCH_IFACES];
	int ncpus;
};

/*
 * Find the per-peer maps behind each interface's link (link_fds[i]), or
 * without one (-1) behind a program of this process's own (prog_fds[i],
 * a TC program; prog_fds may be NULL) or else the interface's pins; with
 * peers_file, load the file into them.  failing: read the failing
 * addresses at every reading, not only the first.  0, or -errno with one
 * line in msg (a bad peers file, -EINVAL: the line and what is wrong).
 */
int peerwatch_open(struct peerwatch *pw, const char *peers_file, bool failing,
		   const char *const *ifnames, const int *link_fds, const int *prog_fds, int n,
		   int ncpus, char *msg, size_t msglen);
/* The same for pinned interfaces without a file, names from PEERS_RUN_DIR; never fails. */
void peerwatch_open_pinned(struct peerwatch *pw, bool failing, const char *const *ifnames, int n,
			   int ncpus);
void peerwatch_close(struct peerwatch *pw);

/*
 * Apply the peers file again when it changed (returns 1, what was applied
 * in msg; a bad file keeps the old table and returns -errno with msg), 0
 * when unchanged or there is no file.
 */
int peerwatch_reload(struct peerwatch *pw, char *msg, size_t msglen);

/* Read per-peer counts and failing addresses; first: this is the base.  0 or -errno. */
int peerwatch_read(struct peerwatch *pw, bool first);

/* The interface i has per-peer maps (and so readings in each[i], each_failing[i]). */
bool peerwatch_has(const struct peerwatch *pw, int i);

/*
 * The counts of one peer as counters (responses only: requests are not
 * counted per peer), derived sums filled.
 */
void peerwatch_counters(const struct peers_counts *pc, uint32_t peer, struct counters *out);

/*
 * A peers file checked before anything is attached: 0 when path is NULL
 * or good; -EINVAL for a bad file, another -errno when it cannot be read;
 * msg says which line or why.
 */
int peerwatch_check_file(const char *path, char *msg, size_t msglen);

/*
 * Load the peers file into the pinned program of ifname (attach, serve)
 * and write the names for readers; ids of names already there are kept.
 * 0 or -errno with one line in msg; done says what was loaded.
 */
int peerwatch_load_pinned(const char *ifname, const char *file, char *done, size_t dlen,
			  char *msg, size_t msglen);

/* The per-peer counts, failing addresses and names of one pinned interface. */
struct peerwatch_pinned {
	struct peers_counts pc;
	struct failing fl;
	struct peers_table names;
	bool has_counts, has_failing;	/* what the last reading found */
};
/*
 * Read them afresh (nothing when the pinned program has no peer table);
 * failing: the failing addresses too.
 */
void peerwatch_read_pinned(struct peerwatch_pinned *pp, const char *ifname, int ncpus,
			   bool failing);
void peerwatch_pinned_free(struct peerwatch_pinned *pp);

/* 1 when path changed since st (st is updated), 0 when not or unreadable. */
int peerwatch_file_changed(const char *path, struct peerwatch_stamp *st);

#endif

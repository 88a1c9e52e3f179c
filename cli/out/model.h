/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What a report holds, for every output: the interfaces with their
 * readings, what is attached there, per-peer counts and failing
 * addresses, and how the command asked for it.  Every format renders one
 * of these (out.h); the series in it are described once (series.h).
 * Every figure comes from lib/ (counters, kpi, peers, failing).
 */
#ifndef SIPSTAT_CLI_OUT_MODEL_H
#define SIPSTAT_CLI_OUT_MODEL_H

#include <stdbool.h>
#include <time.h>

#include "counters.h"

struct failing;
struct out_family;
struct peers_counts;
struct peers_table;
struct peerwatch;
struct pin_status;

#define OUT_SCHEMA 2		/* "schema" of every JSON document sipstat prints */

/* One interface of a report (or the capture file of sipstat read). */
struct out_iface {
	const char *name;
	const char *mode;		/* "native", "skb", "tc", "test-run"; "" or NULL unknown */
	const char *source;		/* "pinned" (by sipstat attach), "own", "file" */
	const char *state;		/* "counting", "gone", "read", ... */
	const char *since;		/* counting since (ISO 8601), or NULL */
	const char *ports;		/* the SIP port set, or NULL */
	double attach_time;		/* Unix time of the last attach, 0 unknown */
	unsigned int dirs;		/* bit per direction asked for */
	/*
	 * Readings: the first, the one before the latest, the latest.  The
	 * series formats show the latest's totals since counting started.
	 */
	const struct counters *base, *prev, *cur;
	/* Per named peer (totals since the program was loaded), their names; NULL: none. */
	const struct peers_counts *peers;
	const struct peers_table *peer_names;
	const struct failing *failing;	/* failing addresses, NULL: not read */
	/* sipstat status: the pins, the last attach (ISO 8601, "" unknown); NULL elsewhere. */
	const struct pin_status *pin;
	const char *attached;
};

struct out_report {
	const char *type;		/* "report" (NULL), "show", "read", "status" */
	const char *host;
	const char *version;
	/* The time of the series (Influx, CSV: the first interface's reading); of status: now. */
	struct timespec when;
	const struct out_iface *ifs;
	int nifs;
	const char *mode;		/* mode(s) in use, e.g. "native" or "native,skb" */
	/* All interfaces added up: at start, at the start of the interval, now. */
	const struct counters *base, *prev, *cur;
	unsigned int dirs;		/* bit per direction counted */
	int verbose;			/* text: meanings, requests and parser outcomes */
	bool per_interface;		/* text: a block per interface too */
	bool attachments;		/* JSON: each interface's since and ports (show, read) */
	/* Per-peer counts and failing addresses of the run, all interfaces; NULL: no maps. */
	const struct peerwatch *peers;
	bool per_peer;			/* text: a block per named peer */
	int failing_top;		/* text, JSON: failing addresses per class, 0 none */
	int export_failing;		/* series: failing addresses per class, 0 none */
	bool header;			/* CSV: the header row first */
	/* The series of the report: NULL for every family of out_families[] (series.h). */
	const struct out_family *families;
	int nfamilies;
};

#endif

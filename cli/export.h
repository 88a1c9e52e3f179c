/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Outputs for monitoring systems: the Prometheus text exposition (0.0.4)
 * and OpenMetrics 1.0.0 (out_prom.c), InfluxDB line protocol
 * (out_influx.c) and CSV (out_csv.c).  Each renders the totals of one
 * reading per interface, as counters: values only ever grow, and the
 * monitoring system computes rates.  Every figure comes from lib/counters.
 */
#ifndef SIPSTAT_CLI_EXPORT_H
#define SIPSTAT_CLI_EXPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "counters.h"

struct failing;
struct options;
struct peers_counts;
struct peers_table;
struct pinned;
struct reader;

/* One interface: what is attached there and its totals. */
struct export_iface {
	const char *name;
	const char *mode;		/* "native", "skb"; "" when unknown */
	const char *ports;		/* the SIP port set as text; "" when unknown */
	double attach_time;		/* seconds since the epoch of the last attach, 0 unknown */
	unsigned int dirs;		/* bit per direction counted */
	const struct counters *c;	/* totals since counting started */
	/* Per named peer (--peers) and failing addresses (cli/insight.h); NULL: none. */
	const struct peers_counts *peers;
	const struct peers_table *peer_names;
	const struct failing *failing;
	int failing_top;		/* --export-failing N: the top N per class, 0 none */
};

struct export_set {
	const char *host;
	const char *version;
	const struct export_iface *ifs;
	int nifs;
	struct timespec when;		/* CLOCK_REALTIME of the reading (Influx, CSV) */
};

/*
 * Prometheus text format 0.0.4, or OpenMetrics 1.0.0 (ends in "# EOF")
 * when openmetrics.  No timestamps: the scrape time is the sample time.
 */
void out_prom(FILE *f, const struct export_set *s, bool openmetrics);
#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define OPENMETRICS_CONTENT_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

/* Influx line protocol, one line per series, nanosecond timestamps. */
void out_influx(FILE *f, const struct export_set *s);

/* CSV (RFC 4180), one row per series; the header row first when header. */
void out_csv(FILE *f, const struct export_set *s, bool header);

/* Label value / help text escaping of the exposition formats. */
void prom_escape(FILE *f, const char *s);
/* Influx tag key or value escaping (comma, equals sign, space). */
void influx_escape(FILE *f, const char *s);
/* A CSV field, quoted when it needs to be. */
void csv_field(FILE *f, const char *s);

/* Directions with anything counted, or asked for in dirs. */
unsigned int export_dirs(const struct export_iface *x);
/* Event path outcome (0 sent, 1 limited, 2 lost) of one direction. */
uint64_t export_events(const struct counters *c, int dir, int result);
const char *export_event_name(int result);
#define EXPORT_EVENT_RESULTS 3
/* Parser results that add up to the datagrams on SIP ports, in order. */
extern const int export_parser_results[];
extern const int export_parser_nresults;

/*
 * The export entry of one pinned interface, read fresh: counters (and the
 * interface's frame totals) into c, mode, ports and attach time from the
 * pins into the buffers.  0 or -errno with a line in msg.
 */
struct export_pinned {
	struct counters c;
	char ports[128];
	struct export_iface x;
};
int export_read_pinned(const char *ifname, struct reader *r, struct export_pinned *out,
		       char *msg, size_t msglen);

#endif

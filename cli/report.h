/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What a report covers, and the output formats that render it: text
 * (out_text.c) and JSON lines (out_json.c).  Every figure comes from
 * lib/counters; the formats only lay it out.
 */
#ifndef SIPSTAT_CLI_REPORT_H
#define SIPSTAT_CLI_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "counters.h"
#include "pin.h"

#define REPORT_SCHEMA 2		/* "schema" of every JSON object sipstat prints */

/* One interface of a report. */
struct report_iface {
	const char *name;
	const char *mode;		/* "native", "skb" */
	const char *source;		/* "pinned" (attached by sipstat attach) or "own" */
	const char *state;		/* "counting", "gone", ... */
	const char *since;		/* show: counting since (ISO 8601), or NULL */
	const char *ports;		/* show: the SIP port set, or NULL */
	const struct counters *base, *prev, *cur;
};

struct report {
	const char *type;		/* JSON "type": "report" (NULL) or "show" */
	const char *host;
	const struct report_iface *ifs;
	int nifs;
	const char *mode;		/* mode(s) in use, e.g. "native" or "native,skb" */
	const struct counters *base;	/* all interfaces added up: at start */
	const struct counters *prev;	/* at the start of the interval */
	const struct counters *cur;	/* now */
	unsigned int dirs;		/* bit per direction counted */
	int verbose;			/* text: meanings, requests and parser outcomes */
	bool per_interface;		/* text: a block per interface too */
	const struct insight *insight;	/* per-peer and failing readings (cli/insight.h), or NULL */
};

void out_text_report(FILE *f, const struct report *r);
void out_json_report(FILE *f, const struct report *r);

/* One "ALERT" line per 6xx code that grew on ifname; returns how many. */
int out_text_alerts(FILE *f, const char *ifname, const struct counters *base,
		    const struct counters *prev, const struct counters *cur);

/* One pinned interface for sipstat status. */
struct status_row {
	struct pin_status st;
	char ports[256];
	char since[32], attached[32];	/* ISO 8601, "" when unknown */
	bool has_counts;
	const struct counters *c;	/* totals since counting started */
};

void out_text_status(FILE *f, const struct status_row *rows, int n);
void out_json_status(FILE *f, const struct status_row *rows, int n, const char *host);

/* JSON helpers shared by the JSON outputs of the subcommands. */
void json_string(FILE *f, const char *s);
void json_figure(FILE *f, const struct figure *fig);
/* "responses", "classes", "codes", "requests", "parser", "frames", "directions" members. */
void json_counts(FILE *f, const struct counters *base, const struct counters *prev,
		 const struct counters *cur, unsigned int dirs);

#endif

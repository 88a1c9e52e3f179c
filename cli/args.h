/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Command line of sipstat: subcommands and their options. */
#ifndef SIPSTAT_CLI_ARGS_H
#define SIPSTAT_CLI_ARGS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "alert.h"
#include "attach.h"
#include "sipstat.h"

#define MAX_IFACES 16

enum command {
	CMD_WATCH = 0, CMD_ATTACH, CMD_DETACH, CMD_STATUS, CMD_SHOW, CMD_SERVE, CMD_READ, CMD_MAX
};
enum output_fmt { OUT_TEXT = 0, OUT_JSON, OUT_PROMETHEUS, OUT_OPENMETRICS, OUT_INFLUX, OUT_CSV };

struct options {
	enum command cmd;
	char ifnames[MAX_IFACES][IF_NAMESIZE];
	int nifs;
	enum attach_mode mode;
	bool mode_given;
	struct sipstat_ports ports;	/* -p, accumulated; the default set without -p */
	bool ports_given;
	enum output_fmt output;
	double interval;	/* seconds between reports */
	long count;		/* reports to print, 0 = until interrupted */
	int verbose;
	bool force;		/* replace another tool's XDP program */
	unsigned int dirs;	/* --direction: bit per SIPSTAT_DIR_*, both by default */
	bool dirs_given;
	bool multiprog;		/* join libxdp's dispatcher beside other XDP programs */
	bool top;		/* full-screen live view (--top) */
	bool reset;		/* attach: zero the pinned counters */
	bool replace;		/* attach: swap the program (and map layout) */
	bool all;		/* detach: every pinned interface */
	const char *netns;	/* --netns: status, detach in that namespace (all, gone), NULL own */
	bool per_interface;	/* text: a block per interface */
	char listen[64];	/* --listen ADDR:PORT of the metrics endpoint, "" none */
	const char *file;	/* read: the capture file (argv) */
	struct alert_opts alert;	/* --alert, --alert-exec, --event-codes, ... */
	const char *peers_file;	/* --peers FILE: named prefixes, NULL none */
	bool per_peer;		/* text: method x code per peer */
	int failing_top;	/* --failing N: top failing addresses per class in text, 0 none */
	int export_failing;	/* --export-failing N: in the exports too, 0 none */
};

enum { ARGS_OK = 0, ARGS_EXIT_OK = 1, ARGS_USAGE = 2 };

/*
 * Parse argv into o: an optional subcommand first, then its options.
 * ARGS_OK: run.  ARGS_EXIT_OK: --help or --version went to out, exit 0.
 * ARGS_USAGE: a one-line error and the usage hint went to err, exit 2.
 */
int parse_args(int argc, char **argv, struct options *o, FILE *out, FILE *err);

void print_usage(FILE *f);
const char *command_name(enum command c);

#endif

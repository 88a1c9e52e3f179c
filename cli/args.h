/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Command line of sipstat. */
#ifndef SIPSTAT_ARGS_H
#define SIPSTAT_ARGS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_IFACES 16
#define MAX_PORTS 1024	/* after ranges are expanded */

enum xdp_mode_opt { MODE_AUTO = 0, MODE_NATIVE, MODE_SKB };
enum output_fmt { OUT_TEXT = 0, OUT_JSON };

struct options {
	char ifnames[MAX_IFACES][IF_NAMESIZE];
	int nifs;
	enum xdp_mode_opt mode;
	uint16_t ports[MAX_PORTS];
	int nports;
	enum output_fmt output;
	double interval;	/* seconds between reports */
	long count;		/* reports to print, 0 = until interrupted */
	int verbose;
	bool force;		/* replace another XDP program */
	bool top;		/* full-screen live view (--top) */
};

enum { ARGS_OK = 0, ARGS_EXIT_OK = 1, ARGS_USAGE = 2 };

/*
 * Parse argv into o.  ARGS_OK: run.  ARGS_EXIT_OK: --help or --version was
 * printed to out, exit 0.  ARGS_USAGE: a one-line error and the usage hint
 * went to err, exit 2.
 */
int parse_args(int argc, char **argv, struct options *o, FILE *out, FILE *err);

/*
 * "5060,5062,15060" or ranges "5060-5070" into a sorted, de-duplicated list.
 * Returns 0, or -1 with a reason in why.
 */
int parse_port_list(const char *s, uint16_t *ports, int max, int *n,
		    char *why, size_t whylen);

void print_usage(FILE *f);
const char *mode_name(enum xdp_mode_opt m);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Command line of sipstat: subcommands and their options. */
#ifndef SIPSTAT_CLI_ARGS_H
#define SIPSTAT_CLI_ARGS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alert.h"
#include "attach_mode.h"
#include "sipstat.h"

#define MAX_IFACES 16

/* What a subcommand cannot run without (the usage line shows it too). */
enum args_need {
	ARGS_NEED_NONE = 0,
	ARGS_NEED_IFACE,	/* at least one -i */
	ARGS_NEED_IFACE_OR_ALL,	/* -i or --all, not both */
	ARGS_NEED_FILE,		/* its FILE operand */
};

/*
 * The subcommand table, one row each:
 *
 *   C(ID, name, function, need, operands, summary)
 *
 * ID makes CMD_<ID>; the first row is the plain form (no name on the command
 * line), which watches.  operands end its usage line; the summary is its
 * line in --help.  One list that each side expands: the parser and the help
 * take everything but the function, main() takes the function.  A list
 * rather than an array of structs, so that the parser, which the unit tests
 * link on its own, never refers to the subcommands' code.
 */
#define ARGS_COMMANDS(C)                                                                          \
	C(WATCH, "watch", cmd_watch, ARGS_NEED_IFACE, "[INTERVAL [COUNT]]",                       \
	  "Count SIP responses by status code on each IFACE with an XDP program and report "    \
	  "every INTERVAL seconds (default 1), COUNT times (default: until Ctrl-C). Traffic is " \
	  "never dropped or changed. When IFACE has counters pinned by 'sipstat attach' (or "   \
	  "the sipstat@IFACE service), they are read; otherwise the program is attached for "   \
	  "the life of the command.")                                                           \
	C(ATTACH, "attach", cmd_attach, ARGS_NEED_IFACE, "",                                      \
	  "load, attach and pin under /sys/fs/bpf/sipstat/netns:INO:COOKIE/IFACE/ (per network " \
	  "namespace), then return; counting goes "                                             \
	  "on without any sipstat running. Attaching again keeps the counts (--reset zeroes "   \
	  "them); --port changes the port set")                                                 \
	C(DETACH, "detach", cmd_detach, ARGS_NEED_IFACE_OR_ALL, "",                               \
	  "detach and remove every pin sipstat made for IFACE (or --all)")                      \
	C(STATUS, "status", cmd_status, ARGS_NEED_NONE, "",                                       \
	  "what is attached where: mode, ids, since when, ports, totals, and anything "         \
	  "half-done")                                                                          \
	C(SHOW, "show", cmd_show, ARGS_NEED_NONE, "", "the pinned totals once, for scripts")      \
	C(SERVE, "serve", cmd_serve, ARGS_NEED_IFACE, "",                                         \
	  "attach like 'attach', then stay in the foreground until SIGTERM, re-attaching when " \
	  "an interface comes back (the systemd unit)")                                         \
	C(READ, "read", cmd_read, ARGS_NEED_FILE, "FILE",                                         \
	  "count a capture file (pcap, pcapng) with the same program, run on each frame in "    \
	  "the kernel (BPF_PROG_TEST_RUN), and report once")

#define ARGS_COMMAND_ID(id, ...) CMD_##id,
enum command { ARGS_COMMANDS(ARGS_COMMAND_ID) CMD_MAX };
#undef ARGS_COMMAND_ID

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
	const char *web_config;	/* --web-config FILE: the endpoint's TLS and users, NULL none */
	const char *file;	/* read: the capture file (argv) */
	struct alert_opts alert;	/* --alert, --alert-exec, --event-codes, ... */
	const char *peers_file;	/* --peers FILE: named prefixes, NULL none */
	bool per_peer;		/* text: method x code per peer */
	int failing_top;	/* --failing N: top failing addresses per class in text, 0 none */
	int export_failing;	/* --export-failing N: in the exports too, 0 none */
};

enum { ARGS_OK = 0, ARGS_EXIT_OK = 1, ARGS_USAGE = 2 };

/* What an option does when given. */
enum args_kind {
	ARGS_FLAG,	/* sets the bool at field */
	ARGS_COUNT,	/* adds one to the int at field */
	ARGS_SET,	/* set() takes the value: ARGS_OK, or ARGS_USAGE said on err */
	ARGS_HELP,
	ARGS_VERSION,
};

/*
 * The option table, one row per option: getopt_long's table, the short
 * option string, which subcommand takes what, the usage lines and the help
 * are all made from it.
 */
struct args_option {
	const char *name;	/* --name */
	char letter;		/* -x, 0 for none */
	const char *value;	/* the value's name in the help, NULL: takes none */
	bool many;		/* repeat for several ("-i IFACE ...") */
	unsigned int cmds;	/* the subcommands that take it: bits 1 << CMD_* */
	enum args_kind kind;
	size_t field;		/* ARGS_FLAG, ARGS_COUNT: offsetof(struct options, ...) */
	int (*set)(struct options *o, const char *arg, FILE *err);	/* ARGS_SET */
	const char *help;
};

/* The option table and its length. */
const struct args_option *args_options(size_t *n);

/*
 * Parse argv into o: an optional subcommand first, then its options.
 * ARGS_OK: run.  ARGS_EXIT_OK: --help or --version went to out, exit 0.
 * ARGS_USAGE: a one-line error and the usage hint went to err, exit 2.
 */
int parse_args(int argc, char **argv, struct options *o, FILE *out, FILE *err);

void print_usage(FILE *f);
const char *command_name(enum command c);

#endif

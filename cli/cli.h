/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What the subcommands of sipstat share (cli.c), and their entry points. */
#ifndef SIPSTAT_CLI_CLI_H
#define SIPSTAT_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"

/* Each subcommand: the exit status (0, 1 runtime failure). */
int cmd_watch(const struct options *o);
int cmd_attach(const struct options *o);
int cmd_detach(const struct options *o);
int cmd_status(const struct options *o);
int cmd_show(const struct options *o);
int cmd_serve(const struct options *o);
int cmd_read(const struct options *o);

/*
 * attach (and serve): one interface as o asks, saying what happened.
 * 0 or -errno; with err, a failure goes there instead of stderr.
 */
int attach_one(const char *ifname, const struct options *o, char *err, size_t errlen);
/*
 * attach (and serve), before anything is attached: 0 when o has no peers
 * file or a good one; 2 (usage error, said with the line) for a bad one,
 * 1 when it cannot be read.
 */
int attach_check_peers(const struct options *o);

/* "sipstat: " + message + newline on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last lines of a verifier log on stderr, when there is one. */
void cli_print_log_tail(const char *log);
/* This host's name, for reports. */
const char *cli_hostname(void);
/*
 * The BPF filesystem, for the subcommands that pin or read pins: found,
 * or mounted and said in one line; inside 'ip netns exec' with no way to
 * the outer one, the command that works.  0 or the exit status.
 */
int cli_pins_ready(const struct options *o, int argc, char **argv);

/* Size of a verifier log buffer (-v). */
#define CLI_LOG_SIZE (1 << 20)

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat: count SIP responses by status code with XDP, report like vmstat,
 * or attach once and leave the counting to the kernel (attach, detach,
 * status, show, serve), or count a capture file (read).
 *
 * The top of the command: the subcommand table (ARGS_COMMANDS, args.h) and
 * main().  Exit status: 0 done, 1 runtime failure, 2 usage error.
 */
#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "cli.h"

/* Each subcommand's function, from the one subcommand table. */
#define MAIN_COMMAND_RUN(id, name, fn, ...) [CMD_##id] = (fn),
static int (*const run[CMD_MAX])(const struct options *) = { ARGS_COMMANDS(MAIN_COMMAND_RUN) };
#undef MAIN_COMMAND_RUN

static int verbosity;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (verbosity < 2 && level != LIBBPF_WARN)
		return 0;
	if (verbosity < 1)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	static struct options o;
	int rc;

	rc = parse_args(argc, argv, &o, stdout, stderr);
	if (rc == ARGS_EXIT_OK)
		return 0;
	if (rc != ARGS_OK)
		return 2;
	verbosity = o.verbose;
	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = cli_pins_ready(&o, argc, argv);
	if (rc)
		return rc;
	return run[o.cmd](&o);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat: count SIP responses by status code with XDP, report like vmstat,
 * or attach once and leave the counting to the kernel (attach, detach,
 * status, show, serve), or count a capture file (read).
 *
 * Exit status: 0 done, 1 runtime failure, 2 usage error.
 */
#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "cli.h"

static int verbosity;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (verbosity < 2 && level != LIBBPF_WARN)
		return 0;
	if (verbosity < 1)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* The subcommand table: the plain form is "watch". */
static int (*const commands[CMD_MAX])(const struct options *) = {
	[CMD_WATCH] = cmd_watch,   [CMD_ATTACH] = cmd_attach, [CMD_DETACH] = cmd_detach,
	[CMD_STATUS] = cmd_status, [CMD_SHOW] = cmd_show,     [CMD_SERVE] = cmd_serve,
	[CMD_READ] = cmd_read,
};

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
	return commands[o.cmd](&o);
}

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
#include <string.h>
#include <unistd.h>

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

void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("sipstat: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

#define LOG_TAIL_LINES 20

void cli_print_log_tail(const char *log)
{
	const char *p;
	int lines = 0;

	if (!log || !log[0])
		return;
	p = log + strlen(log);
	while (p > log && lines <= LOG_TAIL_LINES) {
		p--;
		if (*p == '\n')
			lines++;
	}
	if (*p == '\n')
		p++;
	fprintf(stderr, "sipstat: verifier log (last %d lines):\n%s", LOG_TAIL_LINES, p);
}

const char *cli_hostname(void)
{
	static char host[256];

	if (!host[0] && gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "unknown");
	return host;
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

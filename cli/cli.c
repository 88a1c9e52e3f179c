// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What the subcommands share: their error line, the verifier log's tail, the host name. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

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

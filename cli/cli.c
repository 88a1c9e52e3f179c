// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What the subcommands share: their error line, the verifier log's tail,
 * the host name, and the BPF filesystem made ready for pins.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "netns.h"
#include "pin.h"

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

/* Characters a shell takes as they are. */
static bool shell_plain(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%",
			    *s))
			return false;
	return true;
}

/* arg appended to buf for a shell: as it is, or in single quotes.  false when cut. */
static bool shell_arg(char *buf, size_t len, const char *arg)
{
	size_t off = strlen(buf);
	bool plain = shell_plain(arg);
	const char *p;
	int n;

	n = snprintf(buf + off, len - off, "%s%s", off ? " " : "", plain ? arg : "'");
	if (n < 0 || (size_t)n >= len - off)
		return false;
	off += (size_t)n;
	for (p = arg; !plain && *p; p++) {
		size_t need = *p == '\'' ? 4 : 1;	/* ' is '\'' */

		if (off + need >= len)
			return false;
		if (need > 1)
			memcpy(buf + off, "'\\''", need);
		else
			buf[off] = *p;
		off += need;
		buf[off] = '\0';
	}
	return plain || (size_t)snprintf(buf + off, len - off, "'") < len - off;
}

/* The watching mode mounts none: where there is none, nothing is pinned and it attaches for itself. */
int cli_pins_ready(const struct options *o, int argc, char **argv)
{
	bool may_mount = o->cmd != CMD_WATCH;
	char msg[512], cmd[512], ns[NETNS_NAME_MAX];
	struct bpffs fs;
	bool ok = true;
	int e, i;

	if (o->cmd == CMD_READ)
		return 0;
	e = pin_setup(may_mount, &fs, msg, sizeof(msg));
	if (!e) {
		if (fs.how == BPFFS_MOUNTED)
			cli_err("no BPF filesystem was mounted at %s: mounted one there (mode 0700)",
				PIN_BPFFS);
		else if (fs.how == BPFFS_OUTER_MOUNTED)
			cli_err("no BPF filesystem was mounted at %s of the mount namespace this "
				"command was started from (process %d): mounted one there (mode 0700)",
				PIN_BPFFS, fs.outer_pid);
		return 0;
	}
	if (e == -ENOENT && !may_mount)
		return 0;
	if (e != -EXDEV) {
		cli_err("%s", msg);
		return 1;
	}
	/* Inside 'ip netns exec' with no way out: the command that works. */
	netns_name_of(pin_netns_used()->id.ino, ns, sizeof(ns));
	snprintf(cmd, sizeof(cmd), "nsenter --net=%s/%s", NETNS_RUN_DIR, ns);
	for (i = 0; i < argc && ok; i++)
		ok = shell_arg(cmd, sizeof(cmd), argv[i]);
	if (ns[0] && shell_plain(ns) && ok)
		cli_err("%s; run it from outside instead: %s", msg, cmd);
	else
		cli_err("%s; run it from outside instead, as 'nsenter --net=/proc/PID/ns/net "
			"sipstat ...' (PID: a process in this network namespace)", msg);
	return 1;
}

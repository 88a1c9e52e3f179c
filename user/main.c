// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat: count SIP responses by status code with XDP, report like vmstat.
 *
 * Exit status: 0 done (COUNT reached, SIGINT/SIGTERM), 1 runtime failure,
 * 2 usage error.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "args.h"
#include "loader.h"
#include "report.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int verbosity;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (verbosity < 2 && level != LIBBPF_WARN)
		return 0;
	if (verbosity < 1)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void timespec_add(struct timespec *t, double secs)
{
	long ns = (long)((secs - (double)(long)secs) * 1e9);

	t->tv_sec += (time_t)secs;
	t->tv_nsec += ns;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* "native", or "native,skb" when interfaces ended up in different modes. */
static void modes_string(char *buf, size_t len, const struct attachment *a, int n)
{
	bool seen_native = false, seen_skb = false;
	int i;

	for (i = 0; i < n; i++) {
		if (a[i].mode == MODE_NATIVE)
			seen_native = true;
		else
			seen_skb = true;
	}
	snprintf(buf, len, "%s%s%s", seen_native ? "native" : "",
		 seen_native && seen_skb ? "," : "", seen_skb ? "skb" : "");
}

static void ports_string(char *buf, size_t len, const struct options *o)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < o->nports && off + 8 < len; i++)
		off += snprintf(buf + off, len - off, "%s%u", i ? "," : "", o->ports[i]);
	if (i < o->nports)
		snprintf(buf + off, len - off, ",...");
}

int main(int argc, char **argv)
{
	static struct attachment att[MAX_IFACES];
	static struct snapshot base[MAX_IFACES], prev[MAX_IFACES], cur[MAX_IFACES];
	static struct snapshot sum_base, sum_prev, sum_cur;
	const char *names[MAX_IFACES];
	struct sigaction sa;
	struct timespec next;
	struct options o;
	char err[512], modes[32], ports[128];
	struct report r;
	long printed = 0;
	int rc, i, n = 0, ret = 1;

	rc = parse_args(argc, argv, &o, stdout, stderr);
	if (rc == ARGS_EXIT_OK)
		return 0;
	if (rc != ARGS_OK)
		return 2;

	verbosity = o.verbose;
	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: the sleep must end on a signal */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed pipe ends the loop through ferror() */

	for (n = 0; n < o.nifs; n++) {
		if (attach_iface(&att[n], o.ifnames[n], o.mode, o.force, o.verbose, err,
				 sizeof(err))) {
			fprintf(stderr, "sipstat: %s\n", err);
			goto out;
		}
		attachment_set_ports(&att[n], o.ports, o.nports);
		names[n] = att[n].ifname;
	}

	memset(&sum_base, 0, sizeof(sum_base));
	for (i = 0; i < n; i++) {
		if (attachment_read(&att[i], &base[i])) {
			fprintf(stderr, "sipstat: cannot read counters of %s: %s\n", att[i].ifname,
				strerror(errno));
			goto out;
		}
		prev[i] = base[i];
		snapshot_add(&sum_base, &base[i]);
	}
	sum_base.mono = base[0].mono;
	sum_base.real = base[0].real;
	sum_prev = sum_base;

	modes_string(modes, sizeof(modes), att, n);
	ports_string(ports, sizeof(ports), &o);
	fprintf(stderr, "sipstat: counting on %s (%s mode), SIP ports %s; Ctrl-C to stop\n",
		o.nifs == 1 ? names[0] : "several interfaces", modes, ports);
	if (o.nifs > 1)
		for (i = 0; i < n; i++)
			fprintf(stderr, "sipstat:   %s (%s)\n", names[i], mode_name(att[i].mode));

	r = (struct report){
		.ifnames = names,
		.nifs = n,
		.mode = modes,
		.base = &sum_base,
		.prev = &sum_prev,
		.cur = &sum_cur,
		.verbose = o.verbose,
	};

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		timespec_add(&next, o.interval);
		while (!stop_signal &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;

		memset(&sum_cur, 0, sizeof(sum_cur));
		for (i = 0; i < n; i++) {
			if (attachment_read(&att[i], &cur[i])) {
				fprintf(stderr, "sipstat: cannot read counters of %s: %s\n",
					att[i].ifname, strerror(errno));
				goto out;
			}
			snapshot_add(&sum_cur, &cur[i]);
		}
		sum_cur.mono = cur[0].mono;
		sum_cur.real = cur[0].real;

		/* A partial last interval after a signal is still reported: nothing is lost. */
		if (o.output == OUT_JSON)
			report_json(stdout, &r);
		else
			report_text(stdout, &r);
		for (i = 0; i < n; i++)
			report_alerts(stderr, att[i].ifname, &base[i], &prev[i], &cur[i]);
		fflush(stdout);
		if (ferror(stdout)) {
			ret = errno == EPIPE ? 0 : 1;
			if (ret)
				fprintf(stderr, "sipstat: cannot write the report: %s\n",
					strerror(errno));
			goto out;
		}

		for (i = 0; i < n; i++)
			prev[i] = cur[i];
		sum_prev = sum_cur;
		printed++;

		if (stop_signal || (o.count && printed >= o.count))
			break;
		for (i = 0; i < n; i++) {
			if (!attachment_alive(&att[i])) {
				fprintf(stderr,
					"sipstat: %s went away (removed or renamed); counting stopped, "
					"restart sipstat when it is back\n",
					att[i].ifname);
				goto out;
			}
		}
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		detach_iface(&att[i]);
	return ret;
}

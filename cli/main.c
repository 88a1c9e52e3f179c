// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat: count SIP responses by status code with XDP, report like vmstat.
 *
 * Exit status: 0 done (COUNT reached, SIGINT/SIGTERM), 1 runtime failure,
 * 2 usage error.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
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
#include "top.h"
#include "view.h"

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

/* Milliseconds from now until t on the monotonic clock, rounded up; 0 when past. */
static int ms_until(const struct timespec *t)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(t->tv_sec - now.tv_sec) * 1000000000LL + (t->tv_nsec - now.tv_nsec);
	if (ns <= 0)
		return 0;
	ns = (ns + 999999) / 1000000;
	return ns > INT_MAX ? INT_MAX : (int)ns;
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

/* Everything attached, and the readings of every interface. */
struct session {
	struct attachment att[MAX_IFACES];
	int n;					/* interfaces attached */
	const char *names[MAX_IFACES];
	char modes[32];
	struct snapshot base[MAX_IFACES], prev[MAX_IFACES], cur[MAX_IFACES];
	struct snapshot sum_base, sum_prev, sum_cur;	/* all interfaces added up */
	char err[512];				/* why a loop stopped with status 1 */
};

/*
 * Read every interface into each[] and their sum into *sum, which takes
 * the first interface's timestamps.  -1 with the reason in s->err.
 */
static int read_all(struct session *s, struct snapshot *each, struct snapshot *sum)
{
	int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < s->n; i++) {
		if (attachment_read(&s->att[i], &each[i])) {
			snprintf(s->err, sizeof(s->err), "cannot read counters of %s: %s",
				 s->att[i].ifname, strerror(errno));
			return -1;
		}
		snapshot_add(sum, &each[i]);
	}
	sum->mono = each[0].mono;
	sum->real = each[0].real;
	return 0;
}

/* The interval is over: cur becomes prev. */
static void advance(struct session *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		s->prev[i] = s->cur[i];
	s->sum_prev = s->sum_cur;
}

/* 0 while every interface still has the program, -1 with s->err otherwise. */
static int all_alive(struct session *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		if (!attachment_alive(&s->att[i])) {
			/* The link lost its interface: the interface went, or the
			 * program was detached while it stayed (sipstat --force,
			 * ip link set dev IFACE xdp off). */
			if (attachment_iface_present(&s->att[i]))
				snprintf(s->err, sizeof(s->err),
					 "%s: the XDP program was detached or replaced by another "
					 "(sipstat --force?); counting stopped",
					 s->att[i].ifname);
			else
				snprintf(s->err, sizeof(s->err),
					 "%s went away (removed or renamed); counting stopped, "
					 "restart sipstat when it is back",
					 s->att[i].ifname);
			return -1;
		}
	}
	return 0;
}

/* The vmstat-like loop: one text or JSON report per interval, alerts on stderr. */
static int run_report(struct session *s, const struct options *o)
{
	struct timespec next;
	long printed = 0;
	int i, ret;
	struct report r = {
		.ifnames = s->names,
		.nifs = s->n,
		.mode = s->modes,
		.base = &s->sum_base,
		.prev = &s->sum_prev,
		.cur = &s->sum_cur,
		.verbose = o->verbose,
	};

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		timespec_add(&next, o->interval);
		while (!stop_signal &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;

		if (read_all(s, s->cur, &s->sum_cur))
			return 1;

		/* A partial last interval after a signal is still reported: nothing is lost. */
		if (o->output == OUT_JSON)
			report_json(stdout, &r);
		else
			report_text(stdout, &r);
		for (i = 0; i < s->n; i++)
			report_alerts(stderr, s->names[i], &s->base[i], &s->prev[i], &s->cur[i]);
		fflush(stdout);
		if (ferror(stdout)) {
			ret = errno == EPIPE ? 0 : 1;
			if (ret)
				snprintf(s->err, sizeof(s->err), "cannot write the report: %s",
					 strerror(errno));
			return ret;
		}

		advance(s);
		printed++;
		if (stop_signal || (o->count && printed >= o->count))
			return 0;
		if (all_alive(s))
			return 1;
	}
}

/*
 * The live view: redrawn every interval and on every key.  stdin is
 * polled until the next interval so keys act at once; a resize arrives as
 * KEY_RESIZE (ncurses' SIGWINCH handler also interrupts the poll).  6xx
 * alerts go to the view's alert pane, never to stderr, while it is up.
 */
static int run_top(struct session *s, const struct options *o)
{
	static struct view v;
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	bool keys = isatty(STDIN_FILENO);	/* a file or /dev/null would poll readable forever */
	struct top_info info = {
		.ifnames = s->names,
		.nifs = s->n,
		.mode = s->modes,
		.interval = o->interval,
	};
	struct timespec next;
	enum top_action act;
	struct top t;
	char why[128];
	long shown = 0;
	int i, ms, ret = 0;

	if (top_start(&t, stdout, stdin, view_color_allowed(getenv("NO_COLOR")), why,
		      sizeof(why))) {
		fprintf(stderr, "sipstat: cannot start the live view: %s; printing the text report "
				"instead\n", why);
		return run_report(s, o);
	}
	view_init(&v, &s->sum_base);
	top_draw(&t, &v, &info);

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		timespec_add(&next, o->interval);
		while (!stop_signal && (ms = ms_until(&next)) > 0) {
			if (poll(&in, keys ? 1 : 0, ms) > 0 &&
			    (in.revents & (POLLERR | POLLHUP | POLLNVAL)))
				keys = false;	/* terminal gone: SIGHUP follows */
			act = top_input(&t, &v);
			if (act == TOP_QUIT)
				goto out;
			if (act == TOP_REDRAW)
				top_draw(&t, &v, &info);
		}
		if (stop_signal)
			break;

		if (read_all(s, s->cur, &s->sum_cur)) {
			ret = 1;
			break;
		}
		for (i = 0; i < s->n; i++)
			view_collect_alerts(&v.alerts, s->names[i], &s->base[i], &s->prev[i],
					    &s->cur[i]);
		view_update(&v, &s->sum_prev, &s->sum_cur);
		top_draw(&t, &v, &info);

		advance(s);
		shown++;
		if (o->count && shown >= o->count)
			break;
		if (all_alive(s)) {
			ret = 1;
			break;
		}
	}
out:
	top_end(&t);
	return ret;
}

int main(int argc, char **argv)
{
	static struct session s;
	struct sigaction sa;
	struct options o;
	char ports[128];
	int rc, i, ret = 1;

	rc = parse_args(argc, argv, &o, stdout, stderr);
	if (rc == ARGS_EXIT_OK)
		return 0;
	if (rc != ARGS_OK)
		return 2;

	verbosity = o.verbose;
	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.top && !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "sipstat: --top needs a terminal on stdout; printing the text "
				"report instead\n");
		o.top = false;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: the sleep must end on a signal */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed pipe ends the loop through ferror() */

	for (s.n = 0; s.n < o.nifs; s.n++) {
		struct attachment *a = &s.att[s.n];

		if (attach_iface(a, o.ifnames[s.n], o.mode, o.force, o.verbose, s.err,
				 sizeof(s.err))) {
			fprintf(stderr, "sipstat: %s\n", s.err);
			goto out;
		}
		attachment_set_ports(a, o.ports, o.nports);
		s.names[s.n] = a->ifname;
	}

	if (read_all(&s, s.base, &s.sum_base)) {
		fprintf(stderr, "sipstat: %s\n", s.err);
		goto out;
	}
	for (i = 0; i < s.n; i++)
		s.prev[i] = s.base[i];
	s.sum_prev = s.sum_base;

	modes_string(s.modes, sizeof(s.modes), s.att, s.n);
	ports_string(ports, sizeof(ports), &o);
	fprintf(stderr, "sipstat: counting on %s (%s mode), SIP ports %s; %s to stop\n",
		o.nifs == 1 ? s.names[0] : "several interfaces", s.modes, ports,
		o.top ? "q or Ctrl-C" : "Ctrl-C");
	if (o.nifs > 1)
		for (i = 0; i < s.n; i++)
			fprintf(stderr, "sipstat:   %s (%s)\n", s.names[i],
				mode_name(s.att[i].mode));

	ret = o.top ? run_top(&s, &o) : run_report(&s, &o);
	if (ret)
		fprintf(stderr, "sipstat: %s\n", s.err);
out:
	for (i = 0; i < s.n; i++)
		detach_iface(&s.att[i]);
	return ret;
}

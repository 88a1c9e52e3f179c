// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat read FILE: every frame of a capture file through the XDP
 * program with BPF_PROG_TEST_RUN, then the counters once, in the reports
 * and outputs of show.  The interval is the capture's own, from the first
 * frame to the last, so rates are those of the traffic captured.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "cli.h"
#include "obj.h"
#include "out_write.h"
#include "ports.h"
#include "reader.h"
#include "testrun.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct read_state {
	struct counters base, cur;
	char ports[128];
};

static void read_report(const struct options *o, struct read_state *st)
{
	struct out_iface x = {
		.name = o->file,
		.mode = "test-run",
		.source = "file",
		.state = "read",
		.ports = st->ports,
		.dirs = 1U << SIPSTAT_DIR_IN,
		.base = &st->base,
		.prev = &st->base,
		.cur = &st->cur,
	};
	struct out_report r = {
		.type = "read",
		.host = cli_hostname(),
		.version = SIPSTAT_VERSION,
		.when = st->cur.real,
		.ifs = &x,
		.nifs = 1,
		.mode = "test-run",
		.base = &st->base,
		.prev = &st->base,
		.cur = &st->cur,
		.dirs = 1U << SIPSTAT_DIR_IN,
		.attachments = true,
	};

	out_options(&r, o);
	out_write(stdout, o->output, &r);
	fflush(stdout);
}

static double secs_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* The program for test runs; 0, or 1 when it cannot be loaded (said). */
static int open_program(const struct options *o, struct testrun *tr)
{
	char msg[512], *log = NULL;
	int e;

	if (o->verbose > 1)
		log = calloc(1, CLI_LOG_SIZE);
	e = testrun_open(tr, &o->ports, log, log ? CLI_LOG_SIZE : 0, msg, sizeof(msg));
	if (e) {
		if (log)
			cli_print_log_tail(log);
		if (e == -EPERM || e == -EACCES)
			cli_err("read needs the rights to load and run BPF programs: %s", obj_perm_hint());
		else
			cli_err("%s", msg);
	}
	free(log);
	return e ? 1 : 0;
}

/*
 * Every frame of the capture through the program, the seconds it took in
 * *secs.  true when it stopped before the end (said): the counts of the
 * frames before still follow.
 */
static bool run_frames(const struct options *o, struct capture *cap, struct testrun *tr,
		       double *secs)
{
	struct sigaction sa = { 0 };
	struct timespec t0, t1;
	const uint8_t *frame;
	char msg[512];
	size_t len;
	int r = 1, e = 0;

	/*
	 * Ctrl-C on a long file: the counts of the frames read so far.  No
	 * SA_RESTART, so that a read from a pipe that waits returns too.
	 */
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop_signal && (r = capture_next(cap, &frame, &len, msg, sizeof(msg))) == 1) {
		e = testrun_queue(tr, frame, len);
		if (e)
			break;
	}
	/* What is queued is counted on every way out: the end, an error, a signal. */
	if (!e)
		e = testrun_flush(tr);
	if (e) {
		/* The report says frames counted, not frames read. */
		snprintf(msg, sizeof(msg), "%s: the test run of the program failed after %llu frames: %s",
			 o->file, (unsigned long long)tr->counted, strerror(-e));
		r = -EIO;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = secs_between(&t0, &t1);
	if (stop_signal) {
		snprintf(msg, sizeof(msg), "%s: stopped by %s after frame %llu", o->file,
			 stop_signal == SIGINT ? "SIGINT" : "SIGTERM", (unsigned long long)tr->counted);
		r = -EINTR;
	}
	if (r < 0)
		cli_err("%s; the counts of the %llu frames %s follow", msg,
			(unsigned long long)tr->counted, r == -EINTR ? "read" : "before it");
	return r < 0;
}

/* Frames cut to what XDP sees; with -v, what was read and how fast. */
static void say_read(const struct options *o, const struct capture *cap,
		     const struct testrun *tr, double s)
{
	if (cap->cut)
		cli_err("%s: %llu frames longer than %zu bytes were counted from their first %zu "
			"bytes, as XDP sees the first buffer of a frame",
			o->file, (unsigned long long)cap->cut, tr->max, tr->max);
	if (o->verbose)
		cli_err("%s: %s, %llu frames (%llu captured in part) in %llu test runs, %.3f s: "
			"%.0f frames/s",
			o->file, capture_linktype_name(cap->linktype),
			(unsigned long long)tr->counted, (unsigned long long)cap->snapped,
			(unsigned long long)tr->runs, s, s > 0 ? (double)tr->counted / s : 0.0);
}

int cmd_read(const struct options *o)
{
	static struct read_state st;
	struct reader reader = { 0 };
	struct testrun tr = { 0 };
	struct capture cap = { 0 };
	char msg[512];
	double secs;
	int e, ret = 1;
	bool failed;

	if (open_program(o, &tr))
		return 1;
	e = reader_init(&reader);
	if (e) {
		cli_err("cannot set up the counter reader: %s", strerror(-e));
		goto out;
	}
	e = capture_open(&cap, o->file, tr.max, msg, sizeof(msg));
	if (e) {
		cli_err("%s", msg);
		goto out;
	}
	if (cap.huge_snaplen)
		cli_err("%s: the file header's snap length %u is beyond any capture (libpcap reads "
			"at most 262144 bytes a frame); each record's length is checked instead",
			o->file, cap.huge_snaplen);
	failed = run_frames(o, &cap, &tr, &secs);
	e = counters_read(&reader, tr.counts_fd, &st.cur);
	if (e) {
		cli_err("cannot read the counters: %s", strerror(-e));
		goto out;
	}
	st.cur.frames[SIPSTAT_DIR_IN] = tr.counted;
	/* The capture's own clock: the report's interval is the traffic's. */
	st.base.mono = cap.first;
	st.base.real = cap.first;
	st.cur.mono = cap.last;
	st.cur.real = cap.last;
	if (!cap.frames) {
		clock_gettime(CLOCK_REALTIME, &st.cur.real);
		st.base.real = st.cur.real;
	}
	ports_format(&o->ports, st.ports, sizeof(st.ports));
	say_read(o, &cap, &tr, secs);
	read_report(o, &st);
	ret = failed ? 1 : 0;
out:
	capture_close(&cap);
	reader_free(&reader);
	testrun_close(&tr);
	return ret;
}

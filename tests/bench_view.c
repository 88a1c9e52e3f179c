// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * CPU time of one refresh of the live view (sipstat --top): the model
 * (view_update + alerts) and the curses drawing, with all 600 codes
 * counting and every 6xx code raising an alert each refresh, into a
 * terminal on /dev/null.  No root, no BPF.
 *
 *   bench_view [REFRESHES]      (default 2000)
 *
 * Prints one line per screen size and colour setting, e.g.
 *   80x24 colour: 2000 refreshes, 41.2 us CPU per refresh (user 35.0, sys 6.2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "top.h"
#include "view.h"

/* The view reads the per-direction sums that counters_derive() makes: set those. */
#define CODE(s, c) ((s).code[SIPSTAT_DIR_IN][c])
#define OUTCOME(s, o) ((s).outcome[SIPSTAT_DIR_IN][o])

static double tv_us(const struct timeval *t)
{
	return (double)t->tv_sec * 1e6 + (double)t->tv_usec;
}

/* The next reading: every code grows by a different amount, 1 s later. */
static void tick(struct counters *cur, const struct counters *prev, int round)
{
	int code;

	*cur = *prev;
	cur->mono.tv_sec++;
	cur->real.tv_sec++;
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		uint64_t d = 1 + (uint64_t)((code * 7919 + round * 104729) % 997);

		CODE(*cur, code) += d;
		OUTCOME(*cur, COUNTERS_RESPONSES) += d;
	}
	cur->frames[SIPSTAT_DIR_IN] += 250000;
	OUTCOME(*cur, COUNTERS_REQUESTS) += 120000;
}

static int bench(int lines, int cols, bool color, int n)
{
	static const char *const ifs[] = { "eth0", "eth1" };
	static struct view v;
	static struct counters prev, cur;
	struct top_info info = { .ifnames = ifs, .nifs = 2, .mode = "native", .interval = 1.0 };
	struct rusage r0, r1;
	char err[128];
	struct top t;
	double user, sys;
	FILE *out, *in;
	int i;

	/* One stream serves as the terminal's input and output. */
	out = fopen("/dev/null", "r+");
	in = out;
	if (!out) {
		perror("bench_view: /dev/null");
		return 1;
	}
	if (top_start(&t, out, in, color, err, sizeof(err))) {
		fprintf(stderr, "bench_view: %s\n", err);
		return 1;
	}
	top_set_size(&t, lines, cols);

	memset(&prev, 0, sizeof(prev));
	prev.mono.tv_sec = 1000;
	prev.real.tv_sec = 1795673000;
	view_init(&v, &prev);
	top_draw(&t, &v, &info);

	getrusage(RUSAGE_SELF, &r0);
	for (i = 0; i < n; i++) {
		tick(&cur, &prev, i);
		view_collect_alerts(&v.alerts, "eth0", &v.baseline, &prev, &cur);
		view_update(&v, &prev, &cur);
		if (i % 50 == 25)	/* an operator moves around now and then */
			top_key(&t, &v, 'j');
		top_draw(&t, &v, &info);
		prev = cur;
	}
	getrusage(RUSAGE_SELF, &r1);
	top_end(&t);
	fclose(out);

	user = tv_us(&r1.ru_utime) - tv_us(&r0.ru_utime);
	sys = tv_us(&r1.ru_stime) - tv_us(&r0.ru_stime);
	printf("%dx%d %-6s %d rows: %d refreshes, %.1f us CPU per refresh (user %.1f, sys %.1f)\n",
	       cols, lines, color ? "colour" : "mono", v.nrows, n, (user + sys) / n, user / n,
	       sys / n);
	return 0;
}

int main(int argc, char **argv)
{
	long n = 2000;
	char *end;

	if (argc > 1) {
		n = strtol(argv[1], &end, 10);
		if (*end || end == argv[1] || n < 1 || n > 1000000) {
			fprintf(stderr, "usage: bench_view [REFRESHES (1..1000000)]\n");
			return 2;
		}
	}
	/* A terminal type every ncurses install has; the output goes to /dev/null. */
	setenv("TERM", "xterm-256color", 1);
	return bench(24, 80, true, (int)n) || bench(50, 200, true, (int)n) ||
	       bench(24, 80, false, (int)n) || bench(50, 200, false, (int)n);
}

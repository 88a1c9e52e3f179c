// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * CPU time of one sipstat report refresh with all 600 codes counting:
 * read the per-CPU counter map of one interface (lib/reader.c, batch
 * lookups, through lib/counters.c), render the text report and the JSON
 * report (cli/out/text.c, cli/out/jsondoc.c) to /dev/null, line-buffered
 * like sipstat's stdout.
 *
 * The skeleton is loaded (not attached) and every code 100..699 gets a
 * different count, spread over the CPUs, by map updates; the first read
 * must show exactly those numbers.  Then REFRESHES refreshes are timed with
 * CLOCK_PROCESS_CPUTIME_ID (and getrusage for the user/system split).
 *
 *   bench_report [-n REFRESHES] [-j OUT.json]
 *
 * Root.  Exit 0 when measured, 1 on an error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipstat.h"
#include "sipstat.skel.h"
#include "counters.h"
#include "obj.h"
#include "reader.h"
#include "out/out.h"

#define BENCH_NAME "bench_report"
#include "common.h"

#define NCODES (SIPSTAT_CODE_MAX - SIPSTAT_CODE_MIN + 1)

static double clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double rusage_us(int user)
{
	struct rusage ru;
	struct timeval *tv = user ? &ru.ru_utime : &ru.ru_stime;

	getrusage(RUSAGE_SELF, &ru);
	return tv->tv_sec * 1e6 + tv->tv_usec;
}

/* How many times code is counted, different from code to code. */
static __u32 times_for(int code)
{
	return 1 + (__u32)(code * 7919) % 99991;
}

/*
 * Count every code: one map update per code, the count spread over the
 * CPUs (the reader sums them).  Map updates, not BPF_PROG_TEST_RUN: each
 * XDP test run re-points the XDP dispatcher, ~30 ms in a VM, 18 s for 600.
 * That the program counts codes right is test_bpf's job.
 */
static void fill_codes(struct sipstat_bpf *skel, int ncpus)
{
	int fd = obj_counts_fd(skel), cpu;
	__u64 *vals = calloc((size_t)ncpus, sizeof(*vals));
	__u32 code, n, key;

	if (!vals)
		die("out of memory");
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		n = times_for((int)code);
		for (cpu = 0; cpu < ncpus; cpu++)
			vals[cpu] = n / (__u32)ncpus + ((__u32)cpu < n % (__u32)ncpus);
		key = SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, code);
		if (bpf_map_update_elem(fd, &key, vals, BPF_ANY))
			die("sip_counts update: %s", strerror(errno));
	}
	free(vals);
}

/* Bytes one render writes. */
static long rendered_bytes(void (*fn)(FILE *, const struct out_report *),
			   const struct out_report *r)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f)
		die("open_memstream");
	fn(f, r);
	fclose(f);
	free(buf);
	return (long)n;
}

struct part {
	const char *name;
	double cpu_ns, wall_ns;
};

int main(int argc, char **argv)
{
	static struct counters base, prev, cur;
	const char *json_path = NULL;
	struct sipstat_bpf *skel = NULL;
	struct reader reader;
	struct out_iface rif = { .name = "bench0", .mode = "native", .source = "own",
				    .state = "counting", .base = &base, .prev = &prev, .cur = &cur };
	struct out_report r;
	struct part parts[4] = { { .name = "read maps" }, { .name = "text report" },
				 { .name = "JSON report" }, { .name = "6xx alert lines" } };
	double c0, w0, u0, s0, tot_cpu = 0, tot_wall = 0, u, s;
	long refreshes = 2000, i, text_b, json_b;
	int opt, code, p, alerts = 0, counts_fd;
	char msg[256];
	FILE *devnull, *jf;

	while ((opt = getopt(argc, argv, "n:j:h")) != -1) {
		switch (opt) {
		case 'n': refreshes = number(optarg, 1, 10000000, "-n"); break;
		case 'j': json_path = optarg; break;
		default:
			fprintf(stderr, "usage: bench_report [-n REFRESHES] [-j OUT.json]\n");
			return 2;
		}
	}
	if (refreshes < 1)
		die("-n must be positive");
	libbpf_set_print(libbpf_print);

	/* What sipstat loads, minus the attachment itself. */
	if (obj_load(&skel, NULL, NULL, 0, msg, sizeof(msg)))
		die("load sipstat: %s (run as root)", msg);
	counts_fd = obj_counts_fd(skel);
	if (reader_init(&reader))
		die("cannot count CPUs");

	/* base: nothing counted, 2 s ago; prev: half of every code, 1 s ago. */
	if (counters_read(&reader, counts_fd, &base))
		die("read maps: %s", strerror(errno));
	fill_codes(skel, reader.ncpus);
	if (counters_read(&reader, counts_fd, &cur))
		die("read maps: %s", strerror(errno));
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		__u64 want = times_for(code);
		__u64 got = counters_code(&cur, SIPSTAT_DIR_IN, code) -
			    counters_code(&base, SIPSTAT_DIR_IN, code);

		if (got != want)
			die("code %d: counted %llu, want %llu", code, (unsigned long long)got,
			    (unsigned long long)want);
	}
	base.mono.tv_sec -= 2;
	prev = cur;
	prev.mono.tv_sec -= 1;
	for (code = 0; code < SIPSTAT_COUNT_KEYS; code++)
		prev.keys[code] = base.keys[code] + (cur.keys[code] - base.keys[code]) / 2;
	counters_derive(&prev);

	r = (struct out_report){ .host = "bench", .ifs = &rif, .nifs = 1, .mode = "native",
			     .base = &base, .prev = &prev, .cur = &cur, .verbose = 1,
			     .dirs = 1U << SIPSTAT_DIR_IN };
	text_b = rendered_bytes(out_text_report, &r);
	json_b = rendered_bytes(out_json_report, &r);

	devnull = fopen("/dev/null", "w");
	if (!devnull)
		die("/dev/null: %s", strerror(errno));
	setvbuf(devnull, NULL, _IOLBF, 0);	/* as sipstat's stdout */

	u0 = rusage_us(1);
	s0 = rusage_us(0);
	for (i = 0; i < refreshes; i++) {
		for (p = 0; p < 4; p++) {
			c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
			w0 = clock_ns(CLOCK_MONOTONIC);
			switch (p) {
			case 0:
				if (counters_read(&reader, counts_fd, &cur))
					die("read maps: %s", strerror(errno));
				break;
			case 1:
				out_text_report(devnull, &r);
				break;
			case 2:
				out_json_report(devnull, &r);
				break;
			case 3:
				alerts = out_text_alerts(devnull, rif.name, &base, &prev, &cur);
				break;
			}
			fflush(devnull);
			parts[p].cpu_ns += clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
			parts[p].wall_ns += clock_ns(CLOCK_MONOTONIC) - w0;
		}
	}
	u = (rusage_us(1) - u0) / refreshes;
	s = (rusage_us(0) - s0) / refreshes;

	printf("Userspace: one report refresh, 1 interface, all %d codes counted, %d CPUs, "
	       "%ld refreshes\n", NCODES, reader.ncpus, refreshes);
	printf("  %-34s %12s %12s\n", "part", "CPU us", "wall us");
	for (p = 0; p < 4; p++) {
		printf("  %-34s %12.1f %12.1f\n", parts[p].name, parts[p].cpu_ns / refreshes / 1e3,
		       parts[p].wall_ns / refreshes / 1e3);
		if (p < 3) {
			tot_cpu += parts[p].cpu_ns;
			tot_wall += parts[p].wall_ns;
		}
	}
	printf("  %-34s %12.1f %12.1f\n", "refresh = read + text + JSON", tot_cpu / refreshes / 1e3,
	       tot_wall / refreshes / 1e3);
	printf("  all four parts: user %.1f us + system %.1f us (getrusage); text %ld B, "
	       "JSON %ld B, %d alert lines\n", u, s, text_b, json_b, alerts);
	printf("  at the default 1 s interval: %.4f%% of one core\n",
	       tot_cpu / refreshes / 1e9 * 100);

	if (json_path) {
		jf = fopen(json_path, "w");
		if (!jf)
			die("%s: %s", json_path, strerror(errno));
		fprintf(jf, "{\"refreshes\":%ld,\"codes\":%d,\"ncpus\":%d,", refreshes, NCODES,
			reader.ncpus);
		fprintf(jf, "\"read_us\":%.2f,\"text_us\":%.2f,\"json_us\":%.2f,\"alerts_us\":%.2f,",
			parts[0].cpu_ns / refreshes / 1e3, parts[1].cpu_ns / refreshes / 1e3,
			parts[2].cpu_ns / refreshes / 1e3, parts[3].cpu_ns / refreshes / 1e3);
		fprintf(jf, "\"refresh_cpu_us\":%.2f,\"refresh_wall_us\":%.2f,", tot_cpu / refreshes / 1e3,
			tot_wall / refreshes / 1e3);
		fprintf(jf, "\"user_us\":%.2f,\"system_us\":%.2f,\"text_bytes\":%ld,"
			"\"json_bytes\":%ld,\"alert_lines\":%d}\n", u, s, text_b, json_b, alerts);
		if (fclose(jf))
			die("%s: %s", json_path, strerror(errno));
	}
	fclose(devnull);
	reader_free(&reader);
	obj_free(skel);
	return 0;
}

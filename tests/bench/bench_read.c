// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_read: where the time of sipstat read goes, on one core.
 *
 *   bench_read [-r ROUNDS] [-j JSON] FILE      (one core: taskset -c N bench_read ...)
 *
 * Three loops over the frames of FILE (a capture of SIP responses, as
 * tests/data/gen_captures --bench writes it), each ROUNDS times, the best
 * round (in CPU time, user and system) kept: reading the file only
 * (libpcap), the test runs only (the frames already in memory, queued as
 * sipstat read queues them: several to one BPF_PROG_TEST_RUN system
 * call), and both, which is sipstat read's own loop.  Prints nanoseconds per frame
 * and frames per second of each, and every response counted must be a
 * frame of the file.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#define BENCH_NAME "bench_read"
#include "common.h"

#include "capture.h"
#include "counters.h"
#include "ports.h"
#include "reader.h"
#include "testrun.h"

/*
 * CPU time of this process, user and system: what a frame costs on one
 * core, also when other work shares the machine (wall time then also
 * counts the waits for the CPU).
 */
static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct frames {
	uint8_t *data;
	size_t *off, *len;
	size_t n, cap, bytes;
};

/* Every frame of path in memory (at most limit), for the test-run loop. */
static void load(struct frames *f, const char *path, size_t max, size_t limit)
{
	struct capture c;
	const uint8_t *d;
	size_t len;
	char msg[512];

	if (capture_open(&c, path, max, msg, sizeof(msg)))
		die("%s", msg);
	memset(f, 0, sizeof(*f));
	while (f->n < limit && capture_next(&c, &d, &len, msg, sizeof(msg)) == 1) {
		if (f->n == f->cap) {
			f->cap = f->cap ? f->cap * 2 : 65536;
			f->off = realloc(f->off, f->cap * sizeof(*f->off));
			f->len = realloc(f->len, f->cap * sizeof(*f->len));
			if (!f->off || !f->len)
				die("out of memory");
		}
		f->data = realloc(f->data, f->bytes + len);
		if (!f->data)
			die("out of memory");
		memcpy(f->data + f->bytes, d, len);
		f->off[f->n] = f->bytes;
		f->len[f->n++] = len;
		f->bytes += len;
	}
	capture_close(&c);
}

/* One pass of the file; with t, each frame through the program too.  Frames read. */
static uint64_t pass(const char *path, struct testrun *t, size_t max)
{
	struct capture c;
	const uint8_t *d;
	size_t len;
	char msg[512];
	int r;

	if (capture_open(&c, path, max, msg, sizeof(msg)))
		die("%s", msg);
	while ((r = capture_next(&c, &d, &len, msg, sizeof(msg))) == 1)
		if (t && testrun_queue(t, d, len))
			die("test run failed at frame %llu", (unsigned long long)c.frames);
	if (t && testrun_flush(t))
		die("test run failed at the last frames");
	if (r < 0)
		die("%s", msg);
	capture_close(&c);
	return c.frames;
}

static uint64_t responses(struct testrun *t)
{
	static struct counters c;
	struct reader rd;

	if (reader_init(&rd) || counters_read(&rd, t->counts_fd, &c))
		die("cannot read the counters");
	reader_free(&rd);
	return counters_outcome(&c, SIPSTAT_DIR_IN, COUNTERS_RESPONSES);
}

int main(int argc, char **argv)
{
	struct sipstat_ports ports;
	struct testrun t;
	struct frames f;
	const char *json = NULL, *path;
	char msg[512];
	double best[3] = { 1e30, 1e30, 1e30 }, a, s;
	uint64_t n = 0, runs = 0, counted;
	int opt, rounds = 5, i;
	size_t k;

	while ((opt = getopt(argc, argv, "r:j:")) != -1) {
		switch (opt) {
		case 'r':
			rounds = (int)number(optarg, 1, 1000, "-r ROUNDS");
			break;
		case 'j':
			json = optarg;
			break;
		default:
			fprintf(stderr, "usage: bench_read [-r ROUNDS] [-j JSON] FILE\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: bench_read [-r ROUNDS] [-j JSON] FILE\n");
		return 2;
	}
	path = argv[optind];
	libbpf_set_print(libbpf_print);
	ports_default(&ports);
	if (testrun_open(&t, &ports, NULL, 0, msg, sizeof(msg)))
		die("%s", msg);
	load(&f, path, t.max, 1000000);
	for (i = 0; i < rounds; i++) {
		a = now();
		n = pass(path, NULL, t.max);
		s = now() - a;
		best[0] = s < best[0] ? s : best[0];

		a = now();
		for (k = 0; k < f.n; k++)
			if (testrun_queue(&t, f.data + f.off[k], f.len[k]))
				die("test run failed");
		if (testrun_flush(&t))
			die("test run failed");
		s = now() - a;
		best[1] = s < best[1] ? s : best[1];
		runs += f.n;

		a = now();
		pass(path, &t, t.max);
		s = now() - a;
		best[2] = s < best[2] ? s : best[2];
		runs += n;
	}
	counted = responses(&t);
	testrun_close(&t);
	if (counted != runs)
		die("the program counted %llu responses in %llu frames of SIP responses",
		    (unsigned long long)counted, (unsigned long long)runs);
	printf("sipstat read on %llu frames, CPU time, best of %d rounds:\n", (unsigned long long)n,
	       rounds);
	printf("  file only (libpcap)       %7.0f ns/frame %10.0f frames/s\n", best[0] / (double)n * 1e9,
	       (double)n / best[0]);
	printf("  test runs only (%zu frames, %.1f a run) %5.0f ns/frame %10.0f frames/s\n", f.n,
	       (double)t.counted / (double)t.runs, best[1] / (double)f.n * 1e9,
	       (double)f.n / best[1]);
	printf("  both: sipstat read's loop %7.0f ns/frame %10.0f frames/s\n",
	       best[2] / (double)n * 1e9, (double)n / best[2]);
	if (json) {
		FILE *o = fopen(json, "w");

		if (!o)
			die("cannot write %s", json);
		fprintf(o,
			"{\"frames\":%llu,\"rounds\":%d,\"file_ns\":%.1f,\"testrun_ns\":%.1f,"
			"\"loop_ns\":%.1f,\"loop_fps\":%.0f,\"frames_per_run\":%.1f}\n",
			(unsigned long long)n, rounds, best[0] / (double)n * 1e9,
			best[1] / (double)f.n * 1e9, best[2] / (double)n * 1e9, (double)n / best[2],
			(double)t.counted / (double)t.runs);
		fclose(o);
	}
	free(f.data);
	free(f.off);
	free(f.len);
	return 0;
}

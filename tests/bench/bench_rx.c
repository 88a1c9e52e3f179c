// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Receive-side meter of the veth benchmark, run in the receiver's network
 * namespace around one burst of traffic:
 *
 *   bench_rx -e RXCPU.bpf.o -i IFACE [-s] -j OUT.json -- GENERATOR [ARGS...]
 *
 * Attaches rxcpu.bpf.o (NET_RX softirq time per CPU, all namespaces),
 * with -s turns BPF run-time statistics on (BPF_ENABLE_STATS: held by
 * this process, off again when it exits; kernel.bpf_stats_enabled is not
 * touched), takes a first reading, runs the generator (e.g. "ip netns
 * exec NS trafgen ...") and waits for it, waits until IFACE's rx_packets
 * stays put for 200 ms (everything sent has been received), takes the
 * second reading and writes the differences as one JSON object:
 *
 *   softirq_ns, softirq_runs   NET_RX softirq time and runs, all CPUs
 *   rx_packets, rx_dropped     IFACE's counters (/sys/class/net)
 *   prog_id, run_time_ns, run_cnt   the XDP program on IFACE (bpf_stats;
 *                              zero without -s or without a program)
 *   gen_wall_s                 generator run time, CLOCK_MONOTONIC
 *   gen_user_s, gen_sys_s      generator CPU time (getrusage of children)
 *   gen_status                 its exit status (-1: killed by a signal)
 *   counter_map                "sip_counts" (sipstat), "min_codes" (the minimal
 *                              counter) or null: the program's counter map
 *   responses, codes           SIP responses it counted, in all and by code
 *                              ({"200": n, ...}, codes that grew only)
 *   udp_sip                    sipstat only: every datagram on a SIP port
 *
 * Exit status: 0 when measured (whatever the generator's status), 1 on an
 * error of its own.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define BENCH_NAME "bench_rx"
#include "common.h"
#include "counters.h"
#include "reader.h"

#define MIN_CODES 700		/* minimal.bpf.c's min_codes: index = code */

enum counter_kind { CK_NONE, CK_SIPSTAT, CK_MINIMAL };

struct rx_cpu {
	__u64 start, ns, runs;	/* as in rxcpu.bpf.c */
};

struct reading {
	double mono;
	__u64 ns, runs;
	__u64 rx_packets, rx_dropped;
	__u64 run_time_ns, run_cnt;
	uint64_t code[SIPSTAT_CODE_SLOTS];	/* responses by code */
	uint64_t udp_sip;
};

static struct reader rd;
static struct counters *ctr;	/* scratch of one sip_counts reading */

/* The counter map of the program prog_fd: sipstat's or the minimal counter's. */
static int counter_map(int prog_fd, enum counter_kind *kind)
{
	struct bpf_prog_info info;
	struct bpf_map_info minfo;
	__u32 ids[16], len = sizeof(info), mlen, i;
	int fd;

	*kind = CK_NONE;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		die("prog info: %s", strerror(errno));
	for (i = 0; i < info.nr_map_ids && i < sizeof(ids) / sizeof(ids[0]); i++) {
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			die("map id %u: %s", ids[i], strerror(errno));
		memset(&minfo, 0, sizeof(minfo));
		mlen = sizeof(minfo);
		if (bpf_obj_get_info_by_fd(fd, &minfo, &mlen))
			die("map info: %s", strerror(errno));
		if (!strcmp(minfo.name, "sip_counts"))
			*kind = CK_SIPSTAT;
		else if (!strcmp(minfo.name, "min_codes"))
			*kind = CK_MINIMAL;
		if (*kind != CK_NONE)
			return fd;
		close(fd);
	}
	return -1;
}

static void read_counter_map(struct reading *r, int fd, enum counter_kind kind)
{
	int e, code;

	if (kind == CK_SIPSTAT) {
		e = counters_read(&rd, fd, ctr);
		if (e)
			die("read sip_counts: %s", strerror(-e));
		for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++)
			r->code[code] = counters_code(ctr, SIPSTAT_DIR_IN, code);
		r->udp_sip = counters_outcome(ctr, SIPSTAT_DIR_IN, COUNTERS_UDP_SIP);
	} else if (kind == CK_MINIMAL) {
		e = reader_percpu_u64(&rd, fd, MIN_CODES, r->code);
		if (e)
			die("read min_codes: %s", strerror(-e));
	}
}

static __u64 read_stat(const char *ifname, const char *name)
{
	char path[128], line[32], *end;
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", ifname, name);
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	errno = 0;
	v = strtoull(line, &end, 10);
	if (errno || end == line)
		die("%s: not a number", path);
	return v;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void take(struct reading *r, int map_fd, int ncpus, const char *ifname, int prog_fd,
		 int counts_fd, enum counter_kind kind)
{
	struct rx_cpu *v = calloc((size_t)ncpus, sizeof(*v));
	struct bpf_prog_info info;
	__u32 len = sizeof(info), zero = 0;
	int cpu;

	memset(r, 0, sizeof(*r));
	if (!v || bpf_map_lookup_elem(map_fd, &zero, v))
		die("rx_cpu lookup: %s", strerror(errno));
	for (cpu = 0; cpu < ncpus; cpu++) {
		r->ns += v[cpu].ns;
		r->runs += v[cpu].runs;
	}
	free(v);
	r->rx_packets = read_stat(ifname, "rx_packets");
	r->rx_dropped = read_stat(ifname, "rx_dropped");
	if (prog_fd >= 0) {
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
			die("prog info: %s", strerror(errno));
		r->run_time_ns = info.run_time_ns;
		r->run_cnt = info.run_cnt;
	}
	read_counter_map(r, counts_fd, kind);
	r->mono = mono_s();
}

int main(int argc, char **argv)
{
	const char *obj_path = NULL, *ifname = NULL, *json_path = NULL;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_object *obj;
	struct bpf_program *p;
	static struct reading a, b;
	enum counter_kind kind = CK_NONE;
	uint64_t responses = 0;
	int counts_fd = -1, code, n;
	struct rusage ru;
	int opt, stats = 0, stats_fd = -1, prog_fd = -1, map_fd, ncpus, ifindex, status;
	int gen_status, stable;
	double t0, gen_wall;
	__u64 last;
	__u32 prog_id;
	pid_t pid;
	FILE *jf;

	while ((opt = getopt(argc, argv, "+e:i:sj:h")) != -1) {
		switch (opt) {
		case 'e': obj_path = optarg; break;
		case 'i': ifname = optarg; break;
		case 's': stats = 1; break;
		case 'j': json_path = optarg; break;
		default:
			fprintf(stderr, "usage: bench_rx -e RXCPU.bpf.o -i IFACE [-s] -j OUT.json "
				"-- GENERATOR [ARGS...]\n");
			return 2;
		}
	}
	if (!obj_path || !ifname || !json_path || optind >= argc)
		die("-e, -i, -j and a generator command are needed");
	libbpf_set_print(libbpf_print);
	ncpus = libbpf_num_possible_cpus();
	ifindex = (int)if_nametoindex(ifname);
	if (ncpus < 1 || !ifindex)
		die("no interface %s here, or no CPUs", ifname);

	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || bpf_object__load(obj))
		die("load %s: %s", obj_path, strerror(errno));
	bpf_object__for_each_program(p, obj) {
		if (!bpf_program__attach(p))
			die("attach %s: %s", bpf_program__name(p), strerror(errno));
	}
	map_fd = bpf_object__find_map_fd_by_name(obj, "rx_cpu");
	if (map_fd < 0)
		die("no rx_cpu map in %s", obj_path);

	if (bpf_xdp_query(ifindex, 0, &q))
		die("XDP query on %s: %s", ifname, strerror(errno));
	prog_id = q.prog_id ? q.prog_id : q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
	if (prog_id && (prog_fd = bpf_prog_get_fd_by_id(prog_id)) < 0)
		die("program id %u: %s", prog_id, strerror(errno));
	if (prog_fd >= 0)
		counts_fd = counter_map(prog_fd, &kind);
	if (reader_init(&rd) || !(ctr = calloc(1, sizeof(*ctr))))
		die("cannot count CPUs, or out of memory");
	if (stats && (stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME)) < 0)
		die("BPF_ENABLE_STATS: %s", strerror(errno));

	take(&a, map_fd, ncpus, ifname, prog_fd, counts_fd, kind);
	t0 = mono_s();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "bench_rx: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	gen_wall = mono_s() - t0;
	gen_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	getrusage(RUSAGE_CHILDREN, &ru);

	/* Received everything: rx_packets unchanged for 200 ms (at most 10 s). */
	last = read_stat(ifname, "rx_packets");
	for (stable = 0; stable < 4 && mono_s() - t0 - gen_wall < 10;) {
		__u64 now;

		sleep_ms(50);
		now = read_stat(ifname, "rx_packets");
		stable = now == last ? stable + 1 : 0;
		last = now;
	}
	take(&b, map_fd, ncpus, ifname, prog_fd, counts_fd, kind);

	jf = fopen(json_path, "w");
	if (!jf)
		die("%s: %s", json_path, strerror(errno));
	fprintf(jf,
		"{\"softirq_ns\":%llu,\"softirq_runs\":%llu,\"rx_packets\":%llu,"
		"\"rx_dropped\":%llu,\"prog_id\":%u,\"bpf_stats\":%s,\"run_time_ns\":%llu,"
		"\"run_cnt\":%llu,\"gen_wall_s\":%.6f,\"gen_user_s\":%.6f,\"gen_sys_s\":%.6f,"
		"\"gen_status\":%d",
		(unsigned long long)(b.ns - a.ns), (unsigned long long)(b.runs - a.runs),
		(unsigned long long)(b.rx_packets - a.rx_packets),
		(unsigned long long)(b.rx_dropped - a.rx_dropped), prog_id,
		stats ? "true" : "false", (unsigned long long)(b.run_time_ns - a.run_time_ns),
		(unsigned long long)(b.run_cnt - a.run_cnt), gen_wall,
		ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, gen_status);
	if (kind == CK_NONE) {
		fprintf(jf, ",\"counter_map\":null,\"responses\":null,\"codes\":null,"
			"\"udp_sip\":null}\n");
	} else {
		fprintf(jf, ",\"counter_map\":\"%s\",\"codes\":{",
			kind == CK_SIPSTAT ? "sip_counts" : "min_codes");
		for (code = SIPSTAT_CODE_MIN, n = 0; code <= SIPSTAT_CODE_MAX; code++) {
			uint64_t d = b.code[code] - a.code[code];

			responses += d;
			if (d)
				fprintf(jf, "%s\"%d\":%llu", n++ ? "," : "", code,
					(unsigned long long)d);
		}
		fprintf(jf, "},\"responses\":%llu", (unsigned long long)responses);
		if (kind == CK_SIPSTAT)
			fprintf(jf, ",\"udp_sip\":%llu}\n", (unsigned long long)(b.udp_sip - a.udp_sip));
		else
			fprintf(jf, ",\"udp_sip\":null}\n");
	}
	if (fclose(jf))
		die("%s: %s", json_path, strerror(errno));
	if (stats_fd >= 0)
		close(stats_fd);
	if (counts_fd >= 0)
		close(counts_fd);
	if (prog_fd >= 0)
		close(prog_fd);
	reader_free(&rd);
	free(ctr);
	bpf_object__close(obj);
	return 0;
}

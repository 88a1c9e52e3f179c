/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one per-CPU reader: sums a per-CPU array of __u64 over every
 * possible CPU, with batch lookups where the kernel has them.  The
 * command, the tests, the fuzzer and the benchmarks all read through it.
 */
#ifndef SIPSTAT_LIB_READER_H
#define SIPSTAT_LIB_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct reader {
	int ncpus;		/* libbpf_num_possible_cpus() */
	void *buf;		/* keys and per-CPU values of one read */
	size_t cap;		/* values buf holds */
	bool no_batch;		/* the kernel has no batch lookup for per-CPU arrays */
};

/* 0, or -errno (possible CPUs unknown, out of memory). */
int reader_init(struct reader *r);
void reader_free(struct reader *r);

/*
 * out[key] = the sum over CPUs of key's value, for key < nkeys, from the
 * per-CPU array of __u64 map_fd.  0 or -errno.
 */
int reader_percpu_u64(struct reader *r, int map_fd, uint32_t nkeys, uint64_t *out);

/* Sum ncpus values of 8 bytes spaced stride bytes apart. */
uint64_t reader_sum(const void *vals, int ncpus, size_t stride);

#endif /* SIPSTAT_LIB_READER_H */

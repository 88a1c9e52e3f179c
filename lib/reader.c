// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "reader.h"

int reader_init(struct reader *r)
{
	memset(r, 0, sizeof(*r));
	r->ncpus = libbpf_num_possible_cpus();
	if (r->ncpus < 1)
		return r->ncpus < 0 ? r->ncpus : -EINVAL;
	return 0;
}

void reader_free(struct reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

uint64_t reader_sum(const void *vals, int ncpus, size_t stride)
{
	const unsigned char *p = vals;
	uint64_t sum = 0, v;
	int i;

	for (i = 0; i < ncpus; i++) {
		memcpy(&v, p + (size_t)i * stride, sizeof(v));
		sum += v;
	}
	return sum;
}

/* Room for nkeys keys and their per-CPU values. */
static int reserve(struct reader *r, uint32_t nkeys)
{
	size_t need = (size_t)nkeys * ((size_t)r->ncpus + 1);
	void *p;

	if (need <= r->cap)
		return 0;
	p = realloc(r->buf, need * sizeof(uint64_t));
	if (!p)
		return -ENOMEM;
	r->buf = p;
	r->cap = need;
	return 0;
}

static int read_one_by_one(struct reader *r, int map_fd, uint32_t nkeys, uint64_t *out)
{
	uint64_t *vals = r->buf;
	uint32_t k;

	for (k = 0; k < nkeys; k++) {
		if (bpf_map_lookup_elem(map_fd, &k, vals))
			return -errno;
		out[k] = reader_sum(vals, r->ncpus, sizeof(uint64_t));
	}
	return 0;
}

int reader_percpu_u64(struct reader *r, int map_fd, uint32_t nkeys, uint64_t *out)
{
	size_t per_key = (size_t)r->ncpus;
	uint64_t *vals;
	uint32_t *keys, done = 0, count, next = 0, k;
	void *in = NULL;
	int e;

	if (r->ncpus < 1)
		return -EINVAL;
	e = reserve(r, nkeys);
	if (e)
		return e;
	vals = r->buf;
	keys = (uint32_t *)(vals + (size_t)nkeys * per_key);
	if (r->no_batch)
		return read_one_by_one(r, map_fd, nkeys, out);

	while (done < nkeys) {
		count = nkeys - done;
		e = bpf_map_lookup_batch(map_fd, in, &next, keys + done, vals + done * per_key,
					 &count, NULL);
		if (e && e != -ENOENT)
			break;
		done += count;
		if (e == -ENOENT || !count)
			break;
		in = &next;
	}
	if (done != nkeys) {
		/* Kernels without batch ops for per-CPU arrays (before 5.6). */
		r->no_batch = true;
		return read_one_by_one(r, map_fd, nkeys, out);
	}
	for (k = 0; k < nkeys; k++) {
		if (keys[k] >= nkeys)
			return -EINVAL;
		out[keys[k]] = reader_sum(vals + (size_t)k * per_key, r->ncpus, sizeof(uint64_t));
	}
	return 0;
}

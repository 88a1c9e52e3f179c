// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "failing.h"
#include "reader.h"

void failing_free(struct failing *f)
{
	free(f->e);
	memset(f, 0, sizeof(*f));
}

static int push(struct failing *f, const struct failing_entry *x)
{
	if (f->n == f->cap) {
		int cap = f->cap ? f->cap * 2 : 256;
		struct failing_entry *ne = realloc(f->e, (size_t)cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		f->e = ne;
		f->cap = cap;
	}
	f->e[f->n++] = *x;
	return 0;
}

int failing_read(int failing_fd, int ncpus, struct failing *f)
{
	struct sipstat_failing_key key, cur, *prev = NULL;
	uint64_t *vals;
	int e = 0;

	f->n = 0;
	if (ncpus <= 0)
		return -EINVAL;
	vals = calloc((size_t)ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	while (!bpf_map_get_next_key(failing_fd, prev, &key)) {
		struct failing_entry x;

		cur = key;
		prev = &cur;
		if (bpf_map_lookup_elem(failing_fd, &key, vals))
			continue;	/* evicted meanwhile */
		memset(&x, 0, sizeof(x));
		memcpy(x.addr, key.addr, sizeof(x.addr));
		x.dir = key.dir;
		x.cls = key.cls;
		x.total = reader_sum(vals, ncpus, sizeof(*vals));
		x.delta = x.total;
		if ((e = push(f, &x)))
			break;
	}
	free(vals);
	return e;
}

static struct failing_entry *find(const struct failing *f, const struct failing_entry *x)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (f->e[i].dir == x->dir && f->e[i].cls == x->cls &&
		    memcmp(f->e[i].addr, x->addr, sizeof(x->addr)) == 0)
			return &f->e[i];
	return NULL;
}

int failing_add(struct failing *dst, const struct failing *src)
{
	int i;

	for (i = 0; i < src->n; i++) {
		struct failing_entry *d = find(dst, &src->e[i]);

		if (d) {
			d->total += src->e[i].total;
			d->delta += src->e[i].delta;
		} else if (push(dst, &src->e[i])) {
			return -ENOMEM;
		}
	}
	return 0;
}

void failing_deltas(struct failing *cur, const struct failing *prev)
{
	int i;

	for (i = 0; i < cur->n; i++) {
		const struct failing_entry *p = prev ? find(prev, &cur->e[i]) : NULL;

		/* An entry the LRU dropped and made again starts from zero. */
		cur->e[i].delta = p && p->total <= cur->e[i].total ? cur->e[i].total - p->total
								    : cur->e[i].total;
	}
}

static int busier(const struct failing_entry *a, const struct failing_entry *b)
{
	if (a->total != b->total)
		return a->total > b->total;
	return memcmp(a->addr, b->addr, sizeof(a->addr)) < 0;
}

int failing_top(const struct failing *f, int cls, int dir, int n,
		const struct failing_entry **out)
{
	int i, j, k = 0;

	if (n > FAILING_TOP_MAX)
		n = FAILING_TOP_MAX;
	for (i = 0; i < f->n && n > 0; i++) {
		const struct failing_entry *x = &f->e[i];

		if (x->cls != cls || (dir >= 0 && x->dir != dir) || !x->total)
			continue;
		/* Insertion into the sorted top n. */
		for (j = k; j > 0 && busier(x, out[j - 1]); j--)
			if (j < n)
				out[j] = out[j - 1];
		if (j < n) {
			out[j] = x;
			if (k < n)
				k++;
		}
	}
	return k;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "obj.h"
#include "testrun.h"
#include "sipstat.skel.h"

#ifndef offsetofend
#define offsetofend(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
#endif

/*
 * Without the frags flag a test run takes one page less headroom and the
 * shared info; the exact figure depends on the kernel, so the largest
 * buffer that runs is found by trying.
 */
static const size_t try_max[] = { 3520, 3496, 3264, 3008, 2048, 1580 };

/* One test run of len bytes at data: 0 with *retval, or -errno. */
static int run(int fd, const void *data, size_t len, __u32 *retval)
{
	union bpf_attr attr;

	/*
	 * The system call itself, without the options' checks and copies
	 * of libbpf's wrapper: this is the loop of sipstat read.  No data_out,
	 * so the kernel copies nothing back but the verdict.
	 */
	memset(&attr, 0, offsetofend(union bpf_attr, test));
	attr.test.prog_fd = (__u32)fd;
	attr.test.data_in = (__u64)(unsigned long)data;
	attr.test.data_size_in = (__u32)len;
	attr.test.repeat = 1;
	if (syscall(__NR_bpf, BPF_PROG_TEST_RUN, &attr, offsetofend(union bpf_attr, test)))
		return -errno;
	*retval = attr.test.retval;
	return 0;
}

int testrun_open(struct testrun *t, const struct sipstat_ports *ports, char *log, size_t loglen,
		 char *msg, size_t msglen)
{
	const struct obj_reuse none = OBJ_REUSE_NONE;
	struct sipstat_batch *h;
	struct sipstat_cfg *cfg;
	__u32 ret = 0;
	size_t i;
	int e;

	memset(t, 0, sizeof(*t));
	e = obj_load_progs(&t->skel, &none, OBJ_XDP_BATCH, log, loglen, msg, msglen);
	if (e)
		return e;
	t->prog_fd = bpf_program__fd(t->skel->progs.sipstat_xdp_batch);
	t->counts_fd = obj_counts_fd(t->skel);
	memcpy((void *)obj_ports(t->skel), ports, sizeof(*ports));
	cfg = &t->skel->data_sip_cfg->sip_cfg;
	memset(cfg->event_codes, 0, sizeof(cfg->event_codes));
	t->buf = calloc(1, try_max[0]);
	if (!t->buf) {
		snprintf(msg, msglen, "cannot run the XDP program on a test frame: %s",
			 strerror(ENOMEM));
		testrun_close(t);
		return -ENOMEM;
	}
	/* One all-zero frame (EtherType 0: not counted) as long as a run takes. */
	h = (struct sipstat_batch *)t->buf;
	h->n = 1;
	for (i = 0; i < sizeof(try_max) / sizeof(try_max[0]); i++) {
		h->len[0] = (__u16)(try_max[i] - sizeof(*h));
		e = run(t->prog_fd, t->buf, try_max[i], &ret);
		if (!e && ret != 1)
			e = -EIO;
		if (!e) {
			t->max = try_max[i] - sizeof(*h);
			memset(h, 0, sizeof(*h));
			return 0;
		}
		if (e != -EINVAL)
			break;
	}
	if (e == -EPERM || e == -EACCES)
		snprintf(msg, msglen, "cannot run the XDP program on a test frame: %s; %s",
			 strerror(-e), obj_perm_hint());
	else
		snprintf(msg, msglen, "cannot run the XDP program on a test frame: %s",
			 strerror(-e));
	testrun_close(t);
	return e;
}

void testrun_close(struct testrun *t)
{
	obj_free(t->skel);
	t->skel = NULL;
	free(t->buf);
	t->buf = NULL;
	t->used = 0;
}

int testrun_flush(struct testrun *t)
{
	const struct sipstat_batch *h = (const struct sipstat_batch *)t->buf;
	size_t used = t->used;
	__u32 n, ret = 0;
	int e;

	if (!used)
		return 0;
	n = h->n;
	t->used = 0;
	t->runs++;
	e = run(t->prog_fd, h, used, &ret);
	if (e)
		return e;
	t->counted += ret;
	return ret == n ? 0 : -EIO;
}

int testrun_queue(struct testrun *t, const void *frame, size_t len)
{
	struct sipstat_batch *h = (struct sipstat_batch *)t->buf;
	size_t bytes = len < SIPSTAT_BATCH_MIN_FRAME ? 0 : len;
	int e;

	if (len > t->max)
		return -EMSGSIZE;
	if (t->used &&
	    (h->n == SIPSTAT_BATCH_MAX || t->used + bytes > t->max + sizeof(*h))) {
		e = testrun_flush(t);
		if (e)
			return e;
	}
	if (!t->used) {
		memset(h, 0, sizeof(*h));
		t->used = sizeof(*h);
	}
	/* A frame shorter than an Ethernet header is its length alone. */
	memcpy(t->buf + t->used, frame, bytes);
	t->used += bytes;
	h->len[h->n++] = (__u16)len;
	return 0;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "obj.h"
#include "testrun.h"
#include "sipstat.skel.h"

#define ETH_HLEN 14
#ifndef offsetofend
#define offsetofend(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
#endif

/*
 * Without the frags flag a test run takes one page less headroom and the
 * shared info; the exact figure depends on the kernel, so the largest
 * size that runs is found by trying (frames that long do not count).
 */
static const size_t try_max[] = { 3520, 3496, 3264, 3008, 2048, 1514 };

static int run(int fd, const void *frame, size_t len)
{
	static const uint8_t zero[ETH_HLEN];
	struct xdp_md ctx = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (__u32)len,
		    .repeat = 1);

	if (len < ETH_HLEN) {
		/* The test run wants an Ethernet header's worth: the program sees len bytes. */
		static uint8_t pad[ETH_HLEN];

		memcpy(pad, len ? frame : zero, len);
		memset(pad + len, 0, ETH_HLEN - len);
		ctx.data_end = (__u32)len;
		opts.data_in = pad;
		opts.data_size_in = ETH_HLEN;
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof(ctx);
	}
	return bpf_prog_test_run_opts(fd, &opts) ? -errno : 0;
}

int testrun_open(struct testrun *t, const struct sipstat_ports *ports, char *log, size_t loglen,
		 char *msg, size_t msglen)
{
	static uint8_t probe[3520];
	const struct obj_reuse none = OBJ_REUSE_NONE;
	struct sipstat_cfg *cfg;
	size_t i;
	int e;

	memset(t, 0, sizeof(*t));
	e = obj_load(&t->skel, &none, log, loglen, msg, msglen);
	if (e)
		return e;
	t->prog_fd = obj_prog_fd(t->skel);
	t->counts_fd = obj_counts_fd(t->skel);
	memcpy((void *)obj_ports(t->skel), ports, sizeof(*ports));
	cfg = &t->skel->data_sip_cfg->sip_cfg;
	memset(cfg->event_codes, 0, sizeof(cfg->event_codes));
	/* An all-zero frame (EtherType 0) is not counted. */
	for (i = 0; i < sizeof(try_max) / sizeof(try_max[0]); i++) {
		e = run(t->prog_fd, probe, try_max[i]);
		if (!e) {
			t->max = try_max[i];
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
}

int testrun_frame(struct testrun *t, const void *frame, size_t len)
{
	union bpf_attr attr;

	if (len < ETH_HLEN)
		return run(t->prog_fd, frame, len);
	/*
	 * The system call itself, without the options' checks and copies
	 * of libbpf's wrapper: this is the loop of sipstat read.  No data_out,
	 * so the kernel copies nothing back but the verdict.
	 */
	memset(&attr, 0, offsetofend(union bpf_attr, test));
	attr.test.prog_fd = (__u32)t->prog_fd;
	attr.test.data_in = (__u64)(unsigned long)frame;
	attr.test.data_size_in = (__u32)len;
	attr.test.repeat = 1;
	return syscall(__NR_bpf, BPF_PROG_TEST_RUN, &attr, offsetofend(union bpf_attr, test)) ? -errno
											     : 0;
}

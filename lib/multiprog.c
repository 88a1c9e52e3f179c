// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "multiprog.h"
#include "sipstat.h"
#include "sipstat.skel.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/*
 * The check libxdp makes before it builds a dispatcher: load an XDP
 * program, then a freplace program for one of its functions.  sipstat's
 * own program serves as both, so nothing else needs to be shipped.
 */
static int probe_freplace(void)
{
	struct sipstat_bpf *target = NULL, *ext = NULL;
	struct bpf_program *p;
	libbpf_print_fn_t old;
	int e;

	old = libbpf_set_print(quiet);
	target = sipstat_bpf__open();
	ext = sipstat_bpf__open();
	if (!target || !ext) {
		e = -errno;
		goto out;
	}
	for (p = bpf_object__next_program(target->obj, NULL); p;
	     p = bpf_object__next_program(target->obj, p))
		bpf_program__set_autoload(p, p == target->progs.sipstat_xdp);
	e = sipstat_bpf__load(target);
	if (e)
		goto out;
	for (p = bpf_object__next_program(ext->obj, NULL); p; p = bpf_object__next_program(ext->obj, p))
		bpf_program__set_autoload(p, p == ext->progs.sipstat_xdp);
	bpf_program__set_type(ext->progs.sipstat_xdp, BPF_PROG_TYPE_EXT);
	e = bpf_program__set_attach_target(ext->progs.sipstat_xdp,
					   bpf_program__fd(target->progs.sipstat_xdp),
					   "sipstat_xdp");
	if (!e)
		e = sipstat_bpf__load(ext);
out:
	sipstat_bpf__destroy(ext);
	sipstat_bpf__destroy(target);
	libbpf_set_print(old);
	return e;
}

int multiprog_check(int ifindex, const char *ifname, char *msg, size_t msglen)
{
	int e = probe_freplace();

	if (!e)
		return 0;
	snprintf(msg, msglen,
		 "cannot join libxdp's dispatcher on %s: the kernel refuses the freplace programs "
		 "it needs (%s); nothing was changed: use --mode tc to count beside the other XDP "
		 "program", ifname, strerror(-e));
	return e;
}

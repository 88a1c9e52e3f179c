// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "multiprog.h"

static int quiet(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

int multiprog_join(struct bpf_object *obj, const char *sec, int ifindex, const char *ifname,
		   bool skb_mode, struct xdp_program **progp, char *msg, size_t msglen)
{
	enum xdp_attach_mode mode = skb_mode ? XDP_MODE_SKB : XDP_MODE_NATIVE;
	struct xdp_multiprog *mp;
	struct xdp_program *prog;
	bool legacy;
	int e;

	*progp = NULL;
	libxdp_set_print(quiet);
	prog = xdp_program__from_bpf_obj(obj, sec);
	e = (int)libxdp_get_error(prog);
	if (e) {
		snprintf(msg, msglen, "cannot hand sipstat's program to libxdp: %s", strerror(-e));
		return e;
	}
	/* Set here rather than in the object's XDP_RUN_CONFIG: one object for every mode. */
	xdp_program__set_run_prio(prog, MULTIPROG_RUN_PRIO);
	xdp_program__set_chain_call_enabled(prog, XDP_PASS, true);
	e = xdp_program__attach(prog, ifindex, mode, 0);
	if (e) {
		snprintf(msg, msglen,
			 "cannot join libxdp's dispatcher on %s: %s%s; nothing was changed: use "
			 "--mode tc to count beside the other XDP program",
			 ifname, strerror(-e),
			 e == -EBUSY || e == -EEXIST ?
				 " (the program there was not loaded through libxdp's dispatcher)" :
				 "");
		xdp_program__close(prog);
		return e;
	}
	/* libxdp may take the interface alone when it cannot build a dispatcher: undo that. */
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	legacy = !libxdp_get_error(mp) && mp && xdp_multiprog__is_legacy(mp);
	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	if (legacy) {
		xdp_program__detach(prog, ifindex, mode, 0);
		xdp_program__close(prog);
		snprintf(msg, msglen,
			 "cannot join libxdp's dispatcher on %s: libxdp attached without one; taken "
			 "off again: use --mode tc",
			 ifname);
		return -EOPNOTSUPP;
	}
	*progp = prog;
	return 0;
}

void multiprog_leave(struct xdp_program *prog, int ifindex)
{
	enum xdp_attach_mode mode;

	if (!prog)
		return;
	mode = xdp_program__is_attached(prog, ifindex);
	if (mode != XDP_MODE_UNSPEC)
		xdp_program__detach(prog, ifindex, mode, 0);
	xdp_program__close(prog);
}

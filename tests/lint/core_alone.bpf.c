// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The counting core on its own, for make check: one entry point for each
 * kind of context (ctx.h) around bpf/count.h, and nothing else.  The
 * object must have no undefined symbol: one would be a function the core
 * calls but only sipstat.bpf.c defines, a circle back into the file that
 * includes the core.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "ctx.h"
#include "count.h"

SEC("xdp")
int core_xdp(struct xdp_md *ctx)
{
	count_frame(ctx, CTX_XDP, SIPSTAT_DIR_IN);
	return XDP_PASS;
}

SEC("tc")
int core_skb(struct __sk_buff *skb)
{
	count_frame(skb, CTX_SKB, SIPSTAT_DIR_OUT);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

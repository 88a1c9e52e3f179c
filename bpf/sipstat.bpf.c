// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat's BPF programs: thin entry points around the one counting core
 * (count.h).  Every frame is passed on untouched and only ever read.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "count.h"

SEC("xdp")
int sipstat_xdp(struct xdp_md *ctx)
{
	count_frame((void *)(long)ctx->data, (void *)(long)ctx->data_end, SIPSTAT_DIR_IN);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

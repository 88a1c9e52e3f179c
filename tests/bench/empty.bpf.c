// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The floor of the benchmarks: an XDP program that does nothing but
 * return XDP_PASS.  Whatever sipstat costs above this is its own work;
 * everything below (test-run loop, dispatcher, driver, stack) is not.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int empty_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

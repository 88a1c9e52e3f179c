// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Receive-side CPU meter for the veth benchmark: time spent in the
 * NET_RX softirq, per CPU, from softirq_entry to softirq_exit.  On veth
 * every received frame (the skb path, generic XDP, native XDP in the
 * peer's NAPI poll, the IP layer up to the drop) is processed there.
 * Raw tracepoints: no BTF or tracefs needed.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#define NET_RX_SOFTIRQ 3	/* enum in <linux/interrupt.h>, kernel-only */

struct rx_cpu {
	__u64 start;	/* ktime at softirq entry, 0 outside */
	__u64 ns;	/* total ns in NET_RX */
	__u64 runs;	/* NET_RX softirq runs */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rx_cpu);
} rx_cpu SEC(".maps");

SEC("raw_tracepoint/softirq_entry")
int on_softirq_entry(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0;
	struct rx_cpu *s;

	if (ctx->args[0] != NET_RX_SOFTIRQ)
		return 0;
	s = bpf_map_lookup_elem(&rx_cpu, &zero);
	if (s)
		s->start = bpf_ktime_get_ns();
	return 0;
}

SEC("raw_tracepoint/softirq_exit")
int on_softirq_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0;
	struct rx_cpu *s;

	if (ctx->args[0] != NET_RX_SOFTIRQ)
		return 0;
	s = bpf_map_lookup_elem(&rx_cpu, &zero);
	if (s && s->start) {
		s->ns += bpf_ktime_get_ns() - s->start;
		s->runs++;
		s->start = 0;
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

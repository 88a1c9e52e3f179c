// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat's BPF programs: the entry points, each handing its context to
 * the one counting core (count.h) with its kind (ctx.h).  Every frame is
 * passed on untouched and only ever read.
 *
 *   sipstat_xdp        XDP, receive path
 *   sipstat_xdp_frags  XDP for multi-buffer (jumbo) frames: reads the
 *                      first buffer, where the headers and status line are
 *   sipstat_tc_in      TC ingress (clsact or tcx), beside an XDP program
 *                      that owns the XDP hook
 *   sipstat_tc_out     TC egress: what the host sends
 *   sipstat_xdp_batch  XDP, never attached: several frames of a capture
 *                      file in one test run (sipstat read)
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "ctx.h"
#include "count.h"

SEC("xdp")
int sipstat_xdp(struct xdp_md *ctx)
{
	count_frame(ctx, CTX_XDP, SIPSTAT_DIR_IN);
	return XDP_PASS;
}

SEC("xdp.frags")
int sipstat_xdp_frags(struct xdp_md *ctx)
{
	/* data_end is the end of the first buffer: the rest is never read. */
	count_frame(ctx, CTX_XDP, SIPSTAT_DIR_IN);
	return XDP_PASS;
}

/*
 * One frame of a batch, l bytes long, the frame counted before it prev
 * bytes long (0: none yet), the batch's buffer total bytes long (see
 * sipstat_xdp_batch()).  Returns the length of the frame the window now
 * covers, or -1 when it could not be moved.
 */
__noinline int batch_frame(struct xdp_md *ctx, __u32 l, __u32 prev, __u32 total)
{
	/* The receive path counts it bad at its first header, whatever its bytes. */
	if (l < SIPSTAT_BATCH_MIN_FRAME) {
		count_parse_error(PARSE_BAD, SIPSTAT_DIR_IN);
		return (int)prev;
	}
	if (!prev ? bpf_xdp_adjust_head(ctx, (int)(total - l)) :
		    bpf_xdp_adjust_head(ctx, -(int)l) || bpf_xdp_adjust_tail(ctx, -(int)prev))
		return -1;
	count_frame(ctx, CTX_XDP, SIPSTAT_DIR_IN);
	return (int)l;
}

/*
 * A struct sipstat_batch and its frames, counted from the last to the
 * first so that the program always sees exactly one frame's bytes, as on
 * a link: the head moves forward to the last frame, then for each frame
 * before it back by that frame's length while the tail moves in by the
 * length of the one counted before.  A frame shorter than an Ethernet
 * header has no bytes in the buffer: the receive path would count it bad
 * at its first header, whatever its bytes, and so does this program.  A
 * header that does not describe the buffer exactly counts nothing.
 * Returns the frames counted.
 */
SEC("xdp")
int sipstat_xdp_batch(struct xdp_md *ctx)
{
	void *data = ctx_data(ctx, CTX_XDP), *end = ctx_data_end(ctx, CTX_XDP);
	const struct sipstat_batch *h = data;
	__u16 len[SIPSTAT_BATCH_MAX];
	__u32 n, i, l, total = sizeof(*h);
	int prev = 0;

	if ((void *)(h + 1) > end)
		return 0;
	n = h->n;
	if (!n || n > SIPSTAT_BATCH_MAX)
		return 0;
	for (i = 0; i < SIPSTAT_BATCH_MAX && i < n; i++) {
		l = h->len[i];
		barrier_var(l);		/* a load and a store each, not a memcpy() */
		len[i] = (__u16)l;
		total += l >= SIPSTAT_BATCH_MIN_FRAME ? l : 0;
	}
	if (total != (__u32)(end - data))
		return 0;
	for (i = 0; i < SIPSTAT_BATCH_MAX && i < n; i++) {
		prev = batch_frame(ctx, len[(n - 1 - i) & (SIPSTAT_BATCH_MAX - 1)], (__u32)prev,
				   total);
		if (prev < 0)
			break;
	}
	return (int)i;
}

/*
 * TC_ACT_UNSPEC: this program takes no decision, so the filters after it
 * on the same hook (other tools') still run, and the frame goes on.
 */
SEC("tc")
int sipstat_tc_in(struct __sk_buff *skb)
{
	count_frame(skb, CTX_SKB, SIPSTAT_DIR_IN);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int sipstat_tc_out(struct __sk_buff *skb)
{
	count_frame(skb, CTX_SKB, SIPSTAT_DIR_OUT);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat's BPF programs: thin entry points around the one counting core
 * (count.h).  Every frame is passed on untouched and only ever read.
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

#include "count.h"

/*
 * The CSeq search on the payload at off, len bytes (see count.h:
 * response_method()), in two subprograms: the search returns where the
 * value starts, and the value is read once from there, so the verifier
 * checks the reading once rather than once for every step of the search.
 * Offsets are masked so that they stay below the 64 KiB the verifier
 * accepts as a packet offset.
 */
__noinline __u32 cseq_find_xdp(struct xdp_md *ctx, __u32 off, __u32 len)
{
	return cseq_find((void *)(long)ctx->data + (off & PAYLOAD_OFF_MAX),
			 (void *)(long)ctx->data_end, len);
}

__noinline __u32 cseq_find_skb(struct __sk_buff *skb, __u32 off, __u32 len)
{
	return cseq_find((void *)(long)skb->data + (off & PAYLOAD_OFF_MAX),
			 (void *)(long)skb->data_end, len);
}

__noinline __u32 cseq_method_xdp(struct xdp_md *ctx, __u32 off, __u32 len)
{
	__u32 at = cseq_find_xdp(ctx, off, len) & 0x7ff;

	/* The value too must lie within the window the search covers. */
	if (len > SIPSTAT_CSEQ_SCAN)
		len = SIPSTAT_CSEQ_SCAN;
	if (!at || at > len)
		return SIPSTAT_M_UNKNOWN;
	return cseq_value((void *)(long)ctx->data + (off & PAYLOAD_OFF_MAX) + at,
			  (void *)(long)ctx->data_end, len - at);
}

__noinline __u32 cseq_method_skb(struct __sk_buff *skb, __u32 off, __u32 len)
{
	__u32 at = cseq_find_skb(skb, off, len) & 0x7ff;

	/* The value too must lie within the window the search covers. */
	if (len > SIPSTAT_CSEQ_SCAN)
		len = SIPSTAT_CSEQ_SCAN;
	if (!at || at > len)
		return SIPSTAT_M_UNKNOWN;
	return cseq_value((void *)(long)skb->data + (off & PAYLOAD_OFF_MAX) + at,
			  (void *)(long)skb->data_end, len - at);
}

/* Count a SIP payload found off the fast path (see count.h: deliver()). */
__noinline int sip_payload_xdp(struct xdp_md *ctx, __u32 where, __u32 lens, __u32 meta,
			       __u32 vlans)
{
	return payload_from_offsets(ctx, CTX_XDP, (void *)(long)ctx->data,
				    (void *)(long)ctx->data_end, where, lens, meta, vlans);
}

__noinline int sip_payload_skb(struct __sk_buff *skb, __u32 where, __u32 lens, __u32 meta,
			       __u32 vlans)
{
	return payload_from_offsets(skb, CTX_SKB, (void *)(long)skb->data,
				    (void *)(long)skb->data_end, where, lens, meta, vlans);
}

/* Look inside one tunnel (see count.h: count_outer()). */
__noinline int sip_tunnel_xdp(struct xdp_md *ctx, __u32 where, __u32 vlans, __u32 lim)
{
	return tunnel_from_offsets(ctx, CTX_XDP, (void *)(long)ctx->data,
				   (void *)(long)ctx->data_end, where, vlans, lim);
}

__noinline int sip_tunnel_skb(struct __sk_buff *skb, __u32 where, __u32 vlans, __u32 lim)
{
	return tunnel_from_offsets(skb, CTX_SKB, (void *)(long)skb->data,
				   (void *)(long)skb->data_end, where, vlans, lim);
}

/* Look past a PPPoE or MPLS header (see count.h: count_frame()). */
__noinline int sip_shim_xdp(struct xdp_md *ctx, __u32 where, __u32 proto, __u32 vlans,
			    __u32 nvlan)
{
	return shim_from_offsets(ctx, CTX_XDP, (void *)(long)ctx->data,
				 (void *)(long)ctx->data_end, where, proto, vlans, nvlan);
}

__noinline int sip_shim_skb(struct __sk_buff *skb, __u32 where, __u32 proto, __u32 vlans,
			    __u32 nvlan)
{
	return shim_from_offsets(skb, CTX_SKB, (void *)(long)skb->data,
				 (void *)(long)skb->data_end, where, proto, vlans, nvlan);
}

/* Count per peer and per failing address (see count.h: count_remote()). */
__noinline int sip_remote_xdp(struct xdp_md *ctx, __u32 where, __u32 what)
{
	return remote_from_offsets((void *)(long)ctx->data, (void *)(long)ctx->data_end, where,
				   what);
}

__noinline int sip_remote_skb(struct __sk_buff *skb, __u32 where, __u32 what)
{
	return remote_from_offsets((void *)(long)skb->data, (void *)(long)skb->data_end, where,
				   what);
}

SEC("xdp")
int sipstat_xdp(struct xdp_md *ctx)
{
	count_frame(ctx, CTX_XDP, (void *)(long)ctx->data, (void *)(long)ctx->data_end,
		    SIPSTAT_DIR_IN);
	return XDP_PASS;
}

SEC("xdp.frags")
int sipstat_xdp_frags(struct xdp_md *ctx)
{
	/* data_end is the end of the first buffer: the rest is never read. */
	count_frame(ctx, CTX_XDP, (void *)(long)ctx->data, (void *)(long)ctx->data_end,
		    SIPSTAT_DIR_IN);
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
	count_frame(ctx, CTX_XDP, (void *)(long)ctx->data, (void *)(long)ctx->data_end,
		    SIPSTAT_DIR_IN);
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
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
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
 * Bytes of a frame a TC program wants in the skb's linear part: room for
 * two VLAN tags, IPv6 with extension headers, UDP and a status line.
 */
#define TC_LINEAR_WANT 256

/*
 * An skb may hold only the first bytes of a frame in its linear part
 * (egress datagrams built from page fragments, ingress after header
 * split).  When the frame goes on past a short linear part, pull the
 * first bytes in: the bytes stay the same, only where the kernel keeps
 * them changes.  If the pull fails, count from what is linear.
 */
static __always_inline void count_skb(struct __sk_buff *skb, __u32 dir)
{
	__u32 linear = skb->data_end - skb->data;

	if (linear < skb->len && linear < TC_LINEAR_WANT)
		bpf_skb_pull_data(skb, skb->len < TC_LINEAR_WANT ? skb->len : TC_LINEAR_WANT);
	count_frame(skb, CTX_SKB, (void *)(long)skb->data, (void *)(long)skb->data_end, dir);
}

/*
 * TC_ACT_UNSPEC: this program takes no decision, so the filters after it
 * on the same hook (other tools') still run, and the frame goes on.
 */
SEC("tc")
int sipstat_tc_in(struct __sk_buff *skb)
{
	count_skb(skb, SIPSTAT_DIR_IN);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int sipstat_tc_out(struct __sk_buff *skb)
{
	count_skb(skb, SIPSTAT_DIR_OUT);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

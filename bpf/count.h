/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one counting core every sipstat program calls: walk a frame down to
 * the UDP payload, and count what a SIP-port datagram holds in the row of
 * its direction and method.  One per-CPU lookup and one increment per
 * SIP datagram; frames off the SIP ports write nothing.
 */
#ifndef SIPSTAT_BPF_COUNT_H
#define SIPSTAT_BPF_COUNT_H

#include "maps.h"
#include "parse.h"
#include "sip.h"

static __always_inline __u32 parse_outcome(int r)
{
	return r == PARSE_FRAGMENT ? SIPSTAT_O_FRAGMENTS :
	       r == PARSE_TOO_DEEP ? SIPSTAT_O_TOO_DEEP : SIPSTAT_O_BAD_HEADER;
}

#define NSEC_PER_SEC 1000000000ULL

/* One more event allowed on this CPU now?  A token bucket of sip_cfg's event rate and burst. */
static __always_inline int event_allowed(void)
{
	struct event_bucket *b;
	__u64 now, cap, tokens, elapsed;
	__u32 zero = 0, rate = sip_cfg.event_rate;

	if (!rate)
		return 1;
	b = bpf_map_lookup_elem(&sip_evbucket, &zero);
	if (!b)
		return 0;
	now = bpf_ktime_get_ns();
	cap = (__u64)sip_cfg.event_burst * NSEC_PER_SEC;
	elapsed = now - b->last_ns;
	b->last_ns = now;
	/* A long quiet spell fills the bucket; the test keeps the product in range. */
	tokens = elapsed >= cap / rate ? cap : b->tokens + elapsed * rate;
	if (tokens > cap)
		tokens = cap;
	if (tokens < NSEC_PER_SEC) {
		b->tokens = tokens;
		return 0;
	}
	b->tokens = tokens - NSEC_PER_SEC;
	return 1;
}

static __always_inline int event_wanted(__u32 code)
{
	/* The caller knows code <= 699, but the verifier must see it here. */
	barrier_var(code);
	if (code > SIPSTAT_CODE_MAX)
		return 0;
	return (int)((sip_cfg.event_codes[code >> 6] >> (code & 63)) & 1);
}

/*
 * The event of one response, for alerts: who sent which code, the moment
 * the frame is seen.  Counted as sent, limited or lost, never silently.
 */
static __always_inline void send_event(const struct datagram *d, void *end, __u32 dir,
				       __u32 method, __u32 code)
{
	struct sipstat_event *e;
	__u32 outcome = SIPSTAT_O_EVENTS_SENT;
	const __u8 *ip = d->l3;

	if (!event_allowed()) {
		outcome = SIPSTAT_O_EVENTS_LIMITED;
		goto out;
	}
	e = bpf_ringbuf_reserve(&sip_events, sizeof(*e), 0);
	if (!e) {
		outcome = SIPSTAT_O_EVENTS_LOST;
		goto out;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->code = code;
	e->dir = dir;
	e->method = method;
	e->family = d->family;
	e->nvlan = d->nvlan;
	e->vlan[0] = d->vlan[0];
	e->vlan[1] = d->vlan[1];
	e->sport = bpf_ntohs(d->udp->source);
	e->dport = bpf_ntohs(d->udp->dest);
	if (d->family == 4 && (void *)(ip + sizeof(struct iphdr)) <= end) {
		__builtin_memcpy(e->saddr, ip + offsetof(struct iphdr, saddr), 4);
		__builtin_memcpy(e->daddr, ip + offsetof(struct iphdr, daddr), 4);
	} else if (d->family == 6 && (void *)(ip + sizeof(struct ipv6hdr)) <= end) {
		__builtin_memcpy(e->saddr, ip + offsetof(struct ipv6hdr, saddr), 16);
		__builtin_memcpy(e->daddr, ip + offsetof(struct ipv6hdr, daddr), 16);
	}
	bpf_ringbuf_submit(e, 0);
out:
	count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, outcome));
}

/* What kind of context a program has: where the CSeq search reads from. */
enum ctx_kind { CTX_XDP, CTX_SKB };

/*
 * The CSeq search as a subprogram of its own (sipstat.bpf.c), called with
 * the payload's offset in the frame: the verifier checks its loop once,
 * not once for every way down the headers that reaches it.
 */
__u32 cseq_method_xdp(struct xdp_md *ctx, __u32 off, __u32 len);
__u32 cseq_method_skb(struct __sk_buff *skb, __u32 off, __u32 len);

static __always_inline __u32 response_method(void *ctx, enum ctx_kind kind, void *data,
					     const __u8 *p, __u32 len)
{
	__u32 off = (const void *)p - data;

	if (!(sip_cfg.flags & SIPSTAT_CFG_METHODS))
		return SIPSTAT_M_UNKNOWN;
	if (kind == CTX_XDP)
		return cseq_method_xdp(ctx, off, len);
	return cseq_method_skb(ctx, off, len);
}

/*
 * A UDP datagram whose header lies whole in the frame: on a SIP port,
 * classify its payload and count it in the row of its direction and
 * method.  end is the frame end.
 */
static __always_inline void count_datagram(void *ctx, enum ctx_kind kind, void *data,
					   const struct datagram *d, void *end, __u32 dir)
{
	__u32 len, avail, off, method;
	__u8 *p;

	if (!port_is_sip(bpf_ntohs(d->udp->dest)) && !port_is_sip(bpf_ntohs(d->udp->source)))
		return;

	/*
	 * The payload is bounded by the UDP length, by the IP packet's own
	 * length (bytes after it are padding or a trailer, never payload) and
	 * by the frame end (a first fragment holds only part of it).  A UDP
	 * header that does not fit its own length or its IP packet is bad.
	 */
	p = (__u8 *)(d->udp + 1);
	len = bpf_ntohs(d->udp->len);
	if (len < sizeof(struct udphdr) || (void *)p > d->ip_end) {
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_BAD_HEADER));
		return;
	}
	len -= sizeof(struct udphdr);
	avail = (d->ip_end < end ? d->ip_end : end) - (void *)p;
	if (len > avail)
		len = avail;

	off = sip_classify(p, end, len);
	if (off < SIPSTAT_CODE_MIN || off > SIPSTAT_CODE_MAX) {
		count_key(SIPSTAT_KEY(dir, 0, 0) + off);
		return;
	}
	/* A response: off is its code; the row is the method of its CSeq. */
	method = response_method(ctx, kind, data, p, len);
	count_key(SIPSTAT_KEY(dir, method, off));
	if (event_wanted(off))
		send_event(d, end, dir, method, off);
}

/* Untagged IPv4 without options, with room for a whole status line. */
#define FAST_PAYLOAD_OFF (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))

/*
 * Count one frame of [data, data_end) seen in direction dir (a constant
 * at every call site, so the row arithmetic folds away); ctx is the
 * program's context, of the kind given.
 *
 * Most SIP traffic is untagged IPv4 without options: one bounds check
 * covers its headers and a status line, and every header sits at a fixed
 * offset.  Everything else takes the general walk in parse.h.  Both end
 * in the same count_datagram().
 */
static __always_inline void count_frame(void *ctx, enum ctx_kind kind, void *data, void *data_end,
					__u32 dir)
{
	struct cursor c = { .pos = data, .end = data_end };
	struct datagram d = {};
	struct iphdr *ip;
	int r;

	ip = data + sizeof(struct ethhdr);
	if (data + FAST_PAYLOAD_OFF + SIPSTAT_STATUS_PREFIX_LEN <= data_end &&
	    *(__be16 *)(data + offsetof(struct ethhdr, h_proto)) == bpf_htons(ETH_P_IP) &&
	    *(__u8 *)ip == 0x45) {
		if (ip->protocol != IPPROTO_UDP)
			return;
		if (ip->frag_off & bpf_htons(IP4_OFFSET_MASK)) {
			count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_FRAGMENTS));
			return;
		}
		d.udp = (void *)(ip + 1);
		d.ip_end = (void *)ip + bpf_ntohs(ip->tot_len);
		d.l3 = ip;
		d.family = 4;
		d.nvlan = 0;
		count_datagram(ctx, kind, data, &d, data_end, dir);
		return;
	}

	r = parse_to_udp(&c, &d);
	if (r == PARSE_OTHER)
		return;
	if (r != PARSE_NEXT) {
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, parse_outcome(r)));
		return;
	}
	count_datagram(ctx, kind, data, &d, data_end, dir);
}

#endif /* SIPSTAT_BPF_COUNT_H */

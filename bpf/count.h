/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one counting core every sipstat program calls: walk a frame down to
 * the UDP or TCP payload (parse.h), through one tunnel where switched on,
 * and count what a SIP-port datagram holds (payload.h).  Frames off the
 * SIP ports write nothing.  The context's bytes are reached through
 * ctx.h alone: this file and the headers it includes call nothing that
 * the file including them defines.
 */
#ifndef SIPSTAT_BPF_COUNT_H
#define SIPSTAT_BPF_COUNT_H

#include "ctx.h"
#include "consts.h"
#include "maps.h"
#include "parse.h"
#include "payload.h"

#include <linux/tcp.h>

static __always_inline __u32 parse_outcome(int r)
{
	return r == PARSE_FRAGMENT ? SIPSTAT_O_FRAGMENTS :
	       r == PARSE_TOO_DEEP ? SIPSTAT_O_TOO_DEEP : SIPSTAT_O_BAD_HEADER;
}

/* What counting a transport header found. */
enum { L4_NOT_SIP = 0, L4_COUNTED };

/*
 * A UDP datagram whose first 8 bytes lie in the frame: on a SIP port,
 * count what its payload holds.  end is the frame end.
 */
static __always_inline int count_udp(void *ctx, enum ctx_kind kind, void *data,
				     const struct datagram *d, void *end, __u32 dir, int fast)
{
	struct udphdr *udp = d->l4;
	__u32 len, avail;
	__u8 *p;

	if (!port_is_sip(bpf_ntohs(udp->dest)) && !port_is_sip(bpf_ntohs(udp->source)))
		return L4_NOT_SIP;

	/*
	 * The payload is bounded by the UDP length, by the IP packet's own
	 * length (bytes after it are padding or a trailer, never payload) and
	 * by the frame end (a first fragment holds only part of it).  A UDP
	 * header that does not fit its own length or its IP packet is bad.
	 */
	p = (__u8 *)(udp + 1);
	len = bpf_ntohs(udp->len);
	if (len < sizeof(struct udphdr) || (void *)p > d->ip_end || (void *)p > end) {
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_BAD_HEADER));
		return L4_COUNTED;
	}
	len -= sizeof(struct udphdr);
	avail = (d->ip_end < end ? d->ip_end : end) - (void *)p;
	if (len > avail)
		len = avail;
	deliver(ctx, kind, data, d, p, end, len, dir, 0, fast);
	return L4_COUNTED;
}

/*
 * A TCP segment whose first 8 bytes lie in the frame: on a SIP port and
 * with payload, count it, and what its payload starts with.  No
 * reassembly: a message that does not start a segment is not seen.
 */
static __always_inline int count_tcp(void *ctx, enum ctx_kind kind, void *data,
				     const struct datagram *d, void *end, __u32 dir, int fast)
{
	struct tcphdr *tcp = d->l4;
	__u32 hlen, len;
	void *lim;
	__u8 *p;

	if (!(sip_cfg.flags & SIPSTAT_CFG_TCP))
		return L4_NOT_SIP;
	if (!port_is_sip(bpf_ntohs(tcp->dest)) && !port_is_sip(bpf_ntohs(tcp->source)))
		return L4_NOT_SIP;
	if ((void *)(tcp + 1) > end) {
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_BAD_HEADER));
		return L4_COUNTED;
	}
	hlen = (__u32)tcp->doff * 4;
	p = (__u8 *)tcp + hlen;
	if (hlen < sizeof(*tcp) || (void *)p > d->ip_end || (void *)p > end) {
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_BAD_HEADER));
		return L4_COUNTED;
	}
	lim = d->ip_end < end ? d->ip_end : end;
	len = lim - (void *)p;
	if (!len)
		return L4_COUNTED;	/* no payload: an ACK, SYN or FIN */
	deliver(ctx, kind, data, d, p, end, len, dir, 1, fast);
	return L4_COUNTED;
}

/* UDP or TCP, with no look inside a tunnel: inside one already, or none to look in. */
static __always_inline int count_transport(void *ctx, enum ctx_kind kind, void *data,
					   const struct datagram *d, void *end, __u32 dir, int fast)
{
	if (d->l4proto == IPPROTO_UDP)
		return count_udp(ctx, kind, data, d, end, dir, fast);
	if (d->l4proto == IPPROTO_TCP)
		return count_tcp(ctx, kind, data, d, end, dir, 0);
	return L4_NOT_SIP;
}

static __always_inline void count_parse_error(int r, __u32 dir)
{
	if (r != PARSE_NEXT && r != PARSE_OTHER)
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, parse_outcome(r)));
}

/* A UDP port of a tunnel that is switched on (VXLAN, GTP-U)? */
static __always_inline int udp_tunnel_port(const struct udphdr *udp)
{
	__u32 flags = sip_cfg.flags;

	return ((flags & SIPSTAT_CFG_VXLAN) && udp->dest == bpf_htons(SIPSTAT_VXLAN_PORT)) ||
	       ((flags & SIPSTAT_CFG_GTPU) && (udp->dest == bpf_htons(SIPSTAT_GTPU_PORT) ||
					       udp->source == bpf_htons(SIPSTAT_GTPU_PORT)));
}

/*
 * Looking inside a tunnel, as a subprogram of its own (sip_tunnel_xdp,
 * sip_tunnel_skb), verified once rather than for every outer header path.
 * Arguments:
 *   where  transport header offset | protocol << 16 | dir << 24 | nvlan << 25
 *   vlans  outer VLAN id | inner VLAN id << 16
 *   lim    offset where the outer packet ends (its IP length, and for UDP
 *          its UDP length): what the tunnel carries ends there too
 * Decapsulate one layer and count what is inside.
 */
static __always_inline int tunnel_from_offsets(void *ctx, enum ctx_kind kind, __u32 where,
					       __u32 vlans, __u32 lim_off)
{
	void *data = ctx_data(ctx, kind), *end = ctx_data_end(ctx, kind);
	struct cursor c = { .end = end };
	struct datagram d = {};
	__u32 l4off = where & 0xffff, dir = (where >> 24) & 1, flags = sip_cfg.flags;
	void *lim = data + (lim_off & 0xffff);
	struct udphdr *udp;
	__u32 first;
	int r;

	/* What the tunnel carries is parsed as if its outer packet ended the frame. */
	c.lim = lim;
	/* count_outer() passes an offset within the mask; the mask is for the verifier. */
	d.l4 = data + (l4off & PAYLOAD_OFF_MAX);
	d.l4proto = (where >> 16) & 0xff;
	d.vlan[0] = vlans & 0xffff;
	d.vlan[1] = vlans >> 16;
	d.nvlan = (where >> 25) & 3;
	udp = d.l4;
	/*
	 * The tunnel's first header must lie within the outer packet: past
	 * its end are padding or a trailer, never a tunnel (as for UDP).
	 */
	first = d.l4proto == IPPROTO_UDP ? sizeof(*udp) + 8 :
		d.l4proto == IPPROTO_GRE ? 4 :
		d.l4proto == IPPROTO_IPIP ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	/* A UDP or IP length that ends inside the UDP header: no tunnel to read. */
	if (d.l4proto == IPPROTO_UDP && d.l4 + sizeof(*udp) > lim)
		return 0;
	if (d.l4 + first > lim) {
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_BAD_HEADER));
		return 0;
	}
	if (d.l4proto == IPPROTO_UDP) {
		if ((void *)(udp + 1) > end)
			return 0;
		r = decap_udp(&c, &d, (__u8 *)(udp + 1), flags, bpf_ntohs(udp->source),
			      bpf_ntohs(udp->dest));
	} else {
		r = decap_ip_proto(&c, &d, flags);
	}
	if (r != PARSE_NEXT) {
		count_parse_error(r, dir);
		return 0;
	}
	/* What it carries ends where the outer packet does. */
	if (d.l4 + (d.l4proto == IPPROTO_UDP ? 8 : 4) > lim) {
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_BAD_HEADER));
		return 0;
	}
	if (d.ip_end > lim)
		d.ip_end = lim;
	count_transport(ctx, kind, data, &d, end, dir, 0);
	return 0;
}

CTX_SUBPROG(int, sip_tunnel, tunnel_from_offsets, (__u32 where, __u32 vlans, __u32 lim),
	    (where, vlans, lim))

/*
 * An outer transport header: count it, or look inside the one tunnel it
 * may be (IP in IP, GRE, VXLAN, GTP-U; where switched on) and count what
 * is inside.  One layer only: not inside PPPoE or MPLS already.
 */
static __always_inline void count_outer(void *ctx, enum ctx_kind kind, void *data,
					struct datagram *d, void *end, __u32 dir, int fast)
{
	__u32 flags, where, vlans, lim;
	struct udphdr *udp;
	void *pend;

	if (count_transport(ctx, kind, data, d, end, dir, fast) == L4_COUNTED || d->encap)
		return;
	flags = sip_cfg.flags;
	pend = d->ip_end;
	if (d->l4proto == IPPROTO_UDP) {
		udp = d->l4;
		if (!udp_tunnel_port(udp))
			return;
		if (d->l4 + bpf_ntohs(udp->len) < pend)
			pend = d->l4 + bpf_ntohs(udp->len);
	} else if (!l4_on(d->l4proto, flags) || d->l4proto == IPPROTO_TCP) {
		return;
	}
	if (d->l4 - data > PAYLOAD_OFF_MAX)
		return;
	lim = pend - data > 0xffff ? 0xffff : (__u32)(pend - data);
	where = (__u32)(d->l4 - data) | (__u32)d->l4proto << 16 | dir << 24 |
		(__u32)(d->nvlan & 3) << 25;
	vlans = d->vlan[0] | (__u32)d->vlan[1] << 16;
	CTX_CALL(kind, sip_tunnel, ctx, where, vlans, lim);
}

/*
 * A PPPoE session or MPLS stack, as a subprogram of its own (sip_shim_xdp,
 * sip_shim_skb):
 *   where  offset of the shim | dir << 24, proto: its EtherType,
 *   vlans, nvlan: the outer frame's tags
 */
static __always_inline int shim_from_offsets(void *ctx, enum ctx_kind kind, __u32 where,
					     __u32 proto, __u32 vlans, __u32 nvlan)
{
	void *data = ctx_data(ctx, kind), *end = ctx_data_end(ctx, kind);
	struct cursor c = { .end = end, .lim = end };
	struct datagram d = {};
	__u32 dir = (where >> 24) & 1;
	int r;

	/* The caller passes an offset within the mask; the mask is for the verifier. */
	c.pos = data + ((where & 0xffff) & PAYLOAD_OFF_MAX);
	d.vlan[0] = vlans & 0xffff;
	d.vlan[1] = vlans >> 16;
	d.nvlan = nvlan & 3;
	r = parse_shim(&c, &d, (__be16)proto, sip_cfg.flags);
	if (r != PARSE_NEXT) {
		count_parse_error(r, dir);
		return 0;
	}
	count_transport(ctx, kind, data, &d, end, dir, 0);
	return 0;
}

CTX_SUBPROG(int, sip_shim, shim_from_offsets, (__u32 where, __u32 proto, __u32 vlans, __u32 nvlan),
	    (where, proto, vlans, nvlan))

/* Untagged IPv4 without options, with room for a whole status line. */
#define FAST_PAYLOAD_OFF (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))
/* Untagged IPv6 and the first 8 bytes of a transport header right after it. */
#define FAST6_L4_END (sizeof(struct ethhdr) + sizeof(struct ipv6hdr) + 8)

/*
 * Most SIP traffic is untagged IPv4 without options: one bounds check
 * covers its headers and a status line, and every header sits at a fixed
 * offset.  Nonzero when the frame is such a one, counted or left here.
 */
static __always_inline int count_fast4(void *ctx, enum ctx_kind kind, void *data, void *data_end,
				       __u32 dir)
{
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct datagram d = {};
	struct udphdr *l4;
	__u8 l4proto;

	if (data + FAST_PAYLOAD_OFF + SIPSTAT_STATUS_PREFIX_LEN > data_end ||
	    *(__be16 *)(data + offsetof(struct ethhdr, h_proto)) != bpf_htons(ETH_P_IP) ||
	    *(__u8 *)ip != 0x45)
		return 0;
	l4 = (void *)(ip + 1);	/* UDP and TCP: the ports first */
	l4proto = ip->protocol;
	if (ip->frag_off & bpf_htons(IP4_OFFSET_MASK)) {
		if (l4proto == IPPROTO_UDP)
			count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_FRAGMENTS));
		return 1;
	}
	/* Most frames here are UDP or TCP off the SIP ports: leave at once. */
	if (l4proto == IPPROTO_UDP || l4proto == IPPROTO_TCP) {
		if (!port_is_sip(bpf_ntohs(l4->dest)) && !port_is_sip(bpf_ntohs(l4->source)) &&
		    (l4proto == IPPROTO_TCP || !udp_tunnel_port(l4)))
			return 1;
	} else if (!is_l4_of_interest(l4proto)) {
		return 1;
	}
	d.l4 = (void *)(ip + 1);
	d.l4proto = ip->protocol;
	d.ip_end = (void *)ip + bpf_ntohs(ip->tot_len);
	d.l3 = ip;
	d.family = 4;
	count_outer(ctx, kind, data, &d, data_end, dir, 1);
	return 1;
}

/*
 * Untagged IPv6 with UDP or TCP right after its header, off the SIP
 * ports: nonzero, and the frame leaves at once, as the general walk
 * would leave it without counting.
 */
static __always_inline int ipv6_off_sip(const void *data, const void *data_end)
{
	const struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	const struct udphdr *l4 = (const void *)(ip6 + 1);

	return data + FAST6_L4_END <= data_end &&
	       *(const __be16 *)(data + offsetof(struct ethhdr, h_proto)) == bpf_htons(ETH_P_IPV6) &&
	       (*(const __u8 *)ip6 >> 4) == 6 &&
	       (ip6->nexthdr == IPPROTO_UDP || ip6->nexthdr == IPPROTO_TCP) &&
	       !port_is_sip(bpf_ntohs(l4->dest)) && !port_is_sip(bpf_ntohs(l4->source)) &&
	       (ip6->nexthdr == IPPROTO_TCP || !udp_tunnel_port(l4));
}

/*
 * Every other frame: the general walk in parse.h, to the same
 * count_outer() as the fast path, or into a PPPoE or MPLS shim.
 */
static __always_inline void count_walk(void *ctx, enum ctx_kind kind, void *data, void *data_end,
				       __u32 dir)
{
	struct cursor c = { .pos = data, .end = data_end, .lim = data_end };
	struct datagram d = {};
	__u32 where, vlans;
	__be16 proto;
	int r;

	r = parse_frame(&c, &d, sip_cfg.flags, &proto);
	if (r == PARSE_SHIM) {
		if (c.pos - data > PAYLOAD_OFF_MAX)
			return;
		where = (__u32)(c.pos - data) | dir << 24;
		vlans = d.vlan[0] | (__u32)d.vlan[1] << 16;
		CTX_CALL(kind, sip_shim, ctx, where, proto, vlans, d.nvlan);
		return;
	}
	if (r != PARSE_NEXT) {
		count_parse_error(r, dir);
		return;
	}
	/*
	 * The payload inline only for untagged frames (IPv6, IPv4 with
	 * options or too short for the fast path: keep-alives); VLAN-tagged
	 * ones take the payload subprogram.  Inline on every path of the
	 * walk, the verifier checked the payload once per combination of
	 * tags, IP version and extension headers: 475k instructions against
	 * 400k, and 0.95 s against 0.6 s to load, for the call's 25 ns on a
	 * tagged SIP frame (NICs mostly strip tags before XDP sees them).
	 */
	count_outer(ctx, kind, data, &d, data_end, dir, !d.nvlan);
}

/*
 * Count the frame of ctx, a context of the kind given, seen in direction
 * dir (both constants at every call site, so the accessors and the row
 * arithmetic fold away).
 */
static __always_inline void count_frame(void *ctx, enum ctx_kind kind, __u32 dir)
{
	void *data, *data_end;

	ctx_pull_headers(ctx, kind);
	data = ctx_data(ctx, kind);
	data_end = ctx_data_end(ctx, kind);
	if (count_fast4(ctx, kind, data, data_end, dir) || ipv6_off_sip(data, data_end))
		return;
	count_walk(ctx, kind, data, data_end, dir);
}

#endif /* SIPSTAT_BPF_COUNT_H */

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * BPF-only parsing helpers: a cursor over the frame and one parse_*()
 * helper per layer, from Ethernet down to the UDP payload.  Each helper
 * checks its own bounds, never writes to the packet and returns a value;
 * the caller decides what to count.
 */
#ifndef SIPSTAT_BPF_PARSE_H
#define SIPSTAT_BPF_PARSE_H

#include <stddef.h>
#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "sipstat.h"
#include "consts.h"
#include "maps.h"

struct cursor {
	void *pos;
	void *end;	/* the frame's end: every read is checked against it */
	void *lim;	/* where what is parsed ends (inside a tunnel: its outer packet's end) */
};

/* Outcome of one parse_*() step on the way down to the UDP payload. */
enum parse_result {
	PARSE_NEXT = 0,	/* go on: the cursor is at the next header */
	PARSE_OTHER,	/* not IP, not UDP: nothing to count */
	PARSE_FRAGMENT,	/* UDP fragment that is not the first one */
	PARSE_BAD,	/* frame ends inside a header, or a header is inconsistent */
	PARSE_TOO_DEEP,	/* more tags / extension headers than the fixed bounds */
};

struct vlanhdr {
	__be16 tci;
	__be16 proto;
};

/* IPv6 fragment header (RFC 8200 4.5); <linux/ipv6.h> keeps it kernel-only. */
struct frag6hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 identification;
};

#define IP4_OFFSET_MASK 0x1fff
#define IP6_OFFSET_MASK 0xfff8

static __always_inline int is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

/* A transport header as the data path needs it, with what lies around it. */
struct datagram {
	void *l4;		/* the UDP or TCP header (or a tunnel's, before decap) */
	void *ip_end;		/* end of the IP packet by its own length field */
	void *l3;		/* the IP header, for the event path */
	__u16 vlan[SIPSTAT_MAX_VLAN];	/* VLAN ids of the outer frame, outer first */
	__u8 nvlan;
	__u8 family;		/* 4 or 6 */
	__u8 l4proto;		/* IPPROTO_UDP, IPPROTO_TCP, or a tunnel's protocol */
	__u8 encap;		/* SIPSTAT_O_ENCAP_* once inside one, else 0 */
};

/*
 * Ethernet and up to SIPSTAT_MAX_VLAN tags; *proto gets the inner
 * EtherType, d the VLAN ids.
 */
static __always_inline int parse_eth(struct cursor *c, __be16 *proto, struct datagram *d)
{
	struct ethhdr *eth = c->pos;
	struct vlanhdr *vh;
	__be16 p;
	int i;

	if ((void *)(eth + 1) > c->end || (void *)(eth + 1) > c->lim)
		return PARSE_BAD;
	/* struct ethhdr is packed: read the EtherType as one 16-bit load. */
	p = *(__be16 *)((void *)eth + offsetof(struct ethhdr, h_proto));
	c->pos = eth + 1;

#pragma unroll
	for (i = 0; i < SIPSTAT_MAX_VLAN; i++) {
		if (!is_vlan(p))
			break;
		vh = c->pos;
		if ((void *)(vh + 1) > c->end || (void *)(vh + 1) > c->lim)
			return PARSE_BAD;
		p = vh->proto;
		d->vlan[i] = bpf_ntohs(vh->tci) & 0x0fff;
		d->nvlan = i + 1;
		c->pos = vh + 1;
	}
	if (is_vlan(p))
		return PARSE_TOO_DEEP;
	*proto = p;
	return PARSE_NEXT;
}

/*
 * Transport protocols the data path looks at: UDP, TCP, and the IP
 * protocols of the tunnels it can look inside.
 */
static __always_inline int is_l4_of_interest(__u8 proto)
{
	return proto == IPPROTO_UDP || proto == IPPROTO_TCP || proto == IPPROTO_IPIP ||
	       proto == IPPROTO_IPV6 || proto == IPPROTO_GRE;
}

/*
 * IPv4 with any IHL.  On PARSE_NEXT the cursor is at the UDP header and
 * *ip_end is where the IP packet ends by its total length (RFC 791): the
 * bytes after it (Ethernet padding, a trailer) are not part of it.  A
 * total length too small for the UDP header is judged with the UDP
 * header, on a SIP port only.
 */
static __always_inline int parse_ipv4(struct cursor *c, void **ip_end, __u8 *l4proto)
{
	struct iphdr *ip = c->pos;
	__u32 hlen;

	if ((void *)(ip + 1) > c->end || (void *)(ip + 1) > c->lim)
		return PARSE_BAD;
	if (ip->version != 4)
		return PARSE_BAD;
	hlen = (__u32)ip->ihl * 4;
	if (hlen < sizeof(*ip))
		return PARSE_BAD;
	if (c->pos + hlen > c->end || c->pos + hlen > c->lim)
		return PARSE_BAD;
	if (!is_l4_of_interest(ip->protocol))
		return PARSE_OTHER;
	/* A later fragment has no transport header: its ports are unknowable here. */
	if (ip->frag_off & bpf_htons(IP4_OFFSET_MASK))
		return ip->protocol == IPPROTO_UDP ? PARSE_FRAGMENT : PARSE_OTHER;
	*l4proto = ip->protocol;
	*ip_end = c->pos + bpf_ntohs(ip->tot_len);
	c->pos += hlen;
	return PARSE_NEXT;
}

static __always_inline int is_ipv6_ext(__u8 nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	       nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT;
}

/*
 * IPv6 and up to SIPSTAT_MAX_IPV6_EXT extension headers.  *ip_end is the
 * end of the packet by its payload length (RFC 8200); a jumbogram
 * (payload length 0) cannot cross an Ethernet link and ends right there.
 */
static __always_inline int parse_ipv6(struct cursor *c, void **ip_end, __u8 *l4proto)
{
	struct ipv6hdr *ip6 = c->pos;
	struct ipv6_opt_hdr *opt;
	struct frag6hdr *fh;
	__u8 nh;
	int i;

	if ((void *)(ip6 + 1) > c->end || (void *)(ip6 + 1) > c->lim)
		return PARSE_BAD;
	if (ip6->version != 6)
		return PARSE_BAD;
	nh = ip6->nexthdr;
	c->pos = ip6 + 1;
	*ip_end = c->pos + bpf_ntohs(ip6->payload_len);

#pragma unroll
	for (i = 0; i < SIPSTAT_MAX_IPV6_EXT; i++) {
		/* UDP first: most SIP over IPv6 carries no extension header. */
		if (is_l4_of_interest(nh)) {
			*l4proto = nh;
			return PARSE_NEXT;
		}
		if (nh == IPPROTO_FRAGMENT) {
			fh = c->pos;
			if ((void *)(fh + 1) > c->end || (void *)(fh + 1) > c->lim)
				return PARSE_BAD;
			if (fh->frag_off & bpf_htons(IP6_OFFSET_MASK))
				return fh->nexthdr == IPPROTO_UDP ? PARSE_FRAGMENT : PARSE_OTHER;
			nh = fh->nexthdr;
			c->pos = fh + 1;
		} else if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
			   nh == IPPROTO_DSTOPTS) {
			opt = c->pos;
			if ((void *)(opt + 1) > c->end || (void *)(opt + 1) > c->lim)
				return PARSE_BAD;
			nh = opt->nexthdr;
			c->pos += ((__u64)opt->hdrlen + 1) * 8;
			/* Cut inside this header: bad whatever follows (as IPv4 options). */
			if (c->pos > c->end || c->pos > c->lim)
				return PARSE_BAD;
		} else {
			return PARSE_OTHER;
		}
	}
	if (is_l4_of_interest(nh)) {
		*l4proto = nh;
		return PARSE_NEXT;
	}
	return is_ipv6_ext(nh) ? PARSE_TOO_DEEP : PARSE_OTHER;
}

/*
 * IPv4 or IPv6 by EtherType (or by the version nibble where no EtherType
 * says, as after MPLS or in GTP-U), to a transport header of interest
 * that lies whole in the frame (its first 8 bytes: UDP, or TCP's ports).
 */
/* A transport or tunnel header the data path reads with these settings? */
static __always_inline int l4_on(__u8 proto, __u32 flags)
{
	return proto == IPPROTO_UDP || (proto == IPPROTO_TCP && (flags & SIPSTAT_CFG_TCP)) ||
	       ((proto == IPPROTO_IPIP || proto == IPPROTO_IPV6) && (flags & SIPSTAT_CFG_IPIP)) ||
	       (proto == IPPROTO_GRE && (flags & SIPSTAT_CFG_GRE));
}

/*
 * A transport or tunnel header with fewer than 8 bytes left in the frame:
 * bad when it is one this frame would be read through and it is cut
 * short; nothing when it is whole but carries nothing to read.  UDP needs
 * its 8 bytes; TCP its ports, then on a SIP port its whole header; GRE its
 * 4 bytes and whatever its flags add, then what it carries.
 */
static __always_inline int short_l4(struct cursor *c, __u8 proto, __u32 flags, const void *ip_end)
{
	__u8 *h = c->pos;
	__u16 gf;

	if (proto == IPPROTO_UDP)
		return PARSE_BAD;
	if (!l4_on(proto, flags))
		return PARSE_OTHER;
	/* Cut by the frame; a tunnel header also by the IP packet's own length. */
	if ((void *)(h + 4) > c->end || (void *)(h + 4) > c->lim ||
	    (proto != IPPROTO_TCP && (void *)(h + 4) > ip_end))
		return PARSE_BAD;
	if (proto == IPPROTO_TCP)
		return port_is_sip(bpf_ntohs(*(__be16 *)h)) ||
		       port_is_sip(bpf_ntohs(*(__be16 *)(h + 2))) ? PARSE_BAD : PARSE_OTHER;
	if (proto == IPPROTO_GRE) {
		gf = bpf_ntohs(*(__be16 *)h);
		if (gf & (0x4c00 | 0x0007))	/* discarded: see decap_ip_proto() */
			return PARSE_OTHER;
		if (gf & 0xb000)		/* checksum, key or sequence: cut */
			return PARSE_BAD;
		/* A whole GRE header: what it carries is cut, or there is none to read. */
		return *(__be16 *)(h + 2) == bpf_htons(ETH_P_IP) ||
		       *(__be16 *)(h + 2) == bpf_htons(ETH_P_IPV6) ||
		       *(__be16 *)(h + 2) == bpf_htons(0x6558) ? PARSE_BAD : PARSE_OTHER;
	}
	return PARSE_BAD;	/* IP in IP: its inner header is cut */
}

static __always_inline int parse_ip(struct cursor *c, struct datagram *d, __be16 proto,
				    __u32 flags)
{
	int r;

	d->l3 = c->pos;
	if (proto == bpf_htons(ETH_P_IP)) {
		d->family = 4;
		r = parse_ipv4(c, &d->ip_end, &d->l4proto);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		d->family = 6;
		r = parse_ipv6(c, &d->ip_end, &d->l4proto);
	} else {
		return PARSE_OTHER;
	}
	if (r != PARSE_NEXT)
		return r;
	d->l4 = c->pos;
	/*
	 * Cut short: bad, if it is a header this frame would be read through.
	 * UDP needs its 8 bytes, TCP its ports (the rest is judged on a SIP
	 * port), GRE its 4; what IP in IP carries is judged when read.
	 */
	if (c->pos + 8 <= c->end && c->pos + 8 <= c->lim)
		return PARSE_NEXT;
	/* Inside a tunnel, another tunnel is never read. */
	return short_l4(c, d->l4proto,
			d->encap ? flags & ~(SIPSTAT_CFG_IPIP | SIPSTAT_CFG_GRE) : flags, d->ip_end);
}

/* The EtherType of an IP header at c->pos by its version nibble; 0 when neither. */
static __always_inline __be16 ip_by_version(const struct cursor *c)
{
	const __u8 *v = c->pos;

	if ((void *)(v + 1) > c->end || (void *)(v + 1) > c->lim)
		return 0;
	if ((*v >> 4) == 4)
		return bpf_htons(ETH_P_IP);
	if ((*v >> 4) == 6)
		return bpf_htons(ETH_P_IPV6);
	return 0;
}

#define ETH_P_PPP_SES_BE bpf_htons(0x8864)
#define ETH_P_MPLS_UC_BE bpf_htons(0x8847)
#define ETH_P_MPLS_MC_BE bpf_htons(0x8848)
#define PPP_IP_BE bpf_htons(0x0021)
#define PPP_IPV6_BE bpf_htons(0x0057)

/*
 * A PPPoE session header (RFC 2516: 6 bytes, then the 2-byte PPP
 * protocol) at c->pos: the EtherType of what it carries, or 0.
 */
static __always_inline int parse_pppoe(struct cursor *c, __be16 *proto)
{
	__u8 *h = c->pos;
	__be16 ppp;

	if ((void *)(h + 8) > c->end || (void *)(h + 8) > c->lim)
		return PARSE_BAD;
	if (h[0] != 0x11 || h[1] != 0)	/* version 1, type 1, session data */
		return PARSE_OTHER;
	ppp = *(__be16 *)(h + 6);
	c->pos = h + 8;
	if (ppp == PPP_IP_BE)
		*proto = bpf_htons(ETH_P_IP);
	else if (ppp == PPP_IPV6_BE)
		*proto = bpf_htons(ETH_P_IPV6);
	else
		return PARSE_OTHER;
	return PARSE_NEXT;
}

/* An MPLS label stack (RFC 3032), at most SIPSTAT_MAX_MPLS labels, then IP. */
static __always_inline int parse_mpls(struct cursor *c, __be16 *proto)
{
	__u8 *l;
	int i;

#pragma unroll
	for (i = 0; i < SIPSTAT_MAX_MPLS; i++) {
		l = c->pos;
		if ((void *)(l + 4) > c->end || (void *)(l + 4) > c->lim)
			return PARSE_BAD;
		c->pos = l + 4;
		if (l[2] & 1) {	/* bottom of stack */
			*proto = ip_by_version(c);
			return *proto ? PARSE_NEXT : PARSE_OTHER;
		}
	}
	return PARSE_TOO_DEEP;
}

/* parse_frame() stopped at a PPPoE or MPLS header: the caller looks inside. */
#define PARSE_SHIM 16

/*
 * Ethernet and VLAN tags to the IP header and a transport header of
 * interest; PARSE_SHIM, with *proto and the cursor at it, for a PPPoE
 * session or an MPLS stack that is switched on.
 */
static __always_inline int parse_frame(struct cursor *c, struct datagram *d, __u32 flags,
				       __be16 *proto)
{
	int r;

	r = parse_eth(c, proto, d);
	if (r != PARSE_NEXT)
		return r;
	if ((*proto == ETH_P_PPP_SES_BE && (flags & SIPSTAT_CFG_PPPOE)) ||
	    ((*proto == ETH_P_MPLS_UC_BE || *proto == ETH_P_MPLS_MC_BE) &&
	     (flags & SIPSTAT_CFG_MPLS)))
		return PARSE_SHIM;
	return parse_ip(c, d, *proto, flags);
}

/* A PPPoE session or MPLS stack at c->pos (EtherType proto), then IP. */
static __always_inline int parse_shim(struct cursor *c, struct datagram *d, __be16 proto,
				      __u32 flags)
{
	int r;

	if (proto == ETH_P_PPP_SES_BE) {
		d->encap = SIPSTAT_O_ENCAP_PPPOE;
		r = parse_pppoe(c, &proto);
	} else {
		d->encap = SIPSTAT_O_ENCAP_MPLS;
		r = parse_mpls(c, &proto);
	}
	if (r != PARSE_NEXT)
		return r;
	return parse_ip(c, d, proto, flags);
}

/* An inner Ethernet frame (VXLAN, Ethernet over GRE): its own tags are not kept. */
static __always_inline int parse_inner_eth(struct cursor *c, struct datagram *d, __u32 flags)
{
	struct datagram scratch = {};
	__be16 proto;
	int r;

	r = parse_eth(c, &proto, &scratch);
	if (r != PARSE_NEXT)
		return r;
	return parse_ip(c, d, proto, flags);
}

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_VER 0x0007
/* RFC 2784 2.3.1: drop a packet with bits 1-5 set, but K and S (RFC 2890). */
#define GRE_DISCARD (GRE_R | 0x0800 /* strict source route */ | 0x0400 /* recursion */)
#define ETH_P_TEB_BE bpf_htons(0x6558)

/*
 * The packet inside an IP-in-IP or GRE header at d->l4: d then describes
 * the inner IP packet and its transport header.
 */
static __always_inline int decap_ip_proto(struct cursor *c, struct datagram *d, __u32 flags)
{
	__be16 inner;
	__u16 gf;
	__u8 *g;

	c->pos = d->l4;
	if (d->l4proto == IPPROTO_IPIP || d->l4proto == IPPROTO_IPV6) {
		if (!(flags & SIPSTAT_CFG_IPIP))
			return PARSE_OTHER;
		d->encap = SIPSTAT_O_ENCAP_IPIP;
		inner = d->l4proto == IPPROTO_IPIP ? bpf_htons(ETH_P_IP) : bpf_htons(ETH_P_IPV6);
		return parse_ip(c, d, inner, flags);
	}
	if (d->l4proto != IPPROTO_GRE || !(flags & SIPSTAT_CFG_GRE))
		return PARSE_OTHER;
	d->encap = SIPSTAT_O_ENCAP_GRE;
	g = c->pos;
	if ((void *)(g + 4) > c->end || (void *)(g + 4) > c->lim)
		return PARSE_BAD;
	gf = bpf_ntohs(*(__be16 *)g);
	/* Version 0 without source routing (RFC 2784, 2890). */
	if (gf & (GRE_DISCARD | GRE_VER))
		return PARSE_OTHER;
	inner = *(__be16 *)(g + 2);
	g += 4 + ((gf & GRE_C) ? 4 : 0) + ((gf & GRE_K) ? 4 : 0) + ((gf & GRE_S) ? 4 : 0);
	c->pos = g;
	if ((void *)g > c->end || (void *)g > c->lim)
		return PARSE_BAD;
	if (inner == ETH_P_TEB_BE)
		return parse_inner_eth(c, d, flags);
	return parse_ip(c, d, inner, flags);
}

#define VXLAN_I 0x08
#define GTPU_MSG_GPDU 0xff
#define GTPU_FLAGS_ESPN 0x07
#define GTPU_FLAG_E 0x04

/*
 * Skip one GTP-U extension header at *g: its length in 4-byte units
 * first, the next header's type in its last byte.  Nonzero when cut short.
 */
static __always_inline int gtpu_ext(struct cursor *c, __u8 **g, __u8 *next)
{
	__u8 *h = *g;

	if ((void *)(h + 1) > c->end || (void *)(h + 1) > c->lim || !h[0])
		return 1;
	h += (__u32)h[0] * 4 - 1;
	if ((void *)(h + 1) > c->end || (void *)(h + 1) > c->lim)
		return 1;
	*next = h[0];
	*g = h + 1;
	return 0;
}

/*
 * The frame inside a VXLAN header (RFC 7348) or the IP packet inside a
 * GTP-U header (3GPP TS 29.281) in the UDP payload at p: d then
 * describes the inner packet, ending at c->lim.
 */
static __always_inline int decap_udp(struct cursor *c, struct datagram *d, __u8 *p, __u32 flags,
				     __u16 sport, __u16 dport)
{
	__u8 *g, next;

	c->pos = p;
	if (dport == SIPSTAT_VXLAN_PORT && (flags & SIPSTAT_CFG_VXLAN)) {
		d->encap = SIPSTAT_O_ENCAP_VXLAN;
		if ((void *)(p + 8) > c->end || (void *)(p + 8) > c->lim)
			return PARSE_BAD;
		if (!(p[0] & VXLAN_I))
			return PARSE_OTHER;
		c->pos = p + 8;
		return parse_inner_eth(c, d, flags);
	}
	if ((dport != SIPSTAT_GTPU_PORT && sport != SIPSTAT_GTPU_PORT) ||
	    !(flags & SIPSTAT_CFG_GTPU))
		return PARSE_OTHER;
	d->encap = SIPSTAT_O_ENCAP_GTPU;
	g = p;
	if ((void *)(g + 8) > c->end || (void *)(g + 8) > c->lim)
		return PARSE_BAD;
	/* Version 1, protocol type GTP, a G-PDU: user data. */
	if ((g[0] >> 4) != 0x3 || g[1] != GTPU_MSG_GPDU)
		return PARSE_OTHER;
	if (!(g[0] & GTPU_FLAGS_ESPN)) {
		c->pos = g + 8;
	} else {
		if ((void *)(g + 12) > c->end || (void *)(g + 12) > c->lim)
			return PARSE_BAD;
		next = (g[0] & GTPU_FLAG_E) ? g[11] : 0;
		g += 12;
		_Static_assert(SIPSTAT_MAX_GTPU_EXT == 2, "one gtpu_ext() per extension header");
		if (next && gtpu_ext(c, &g, &next))
			return PARSE_BAD;
		if (next && gtpu_ext(c, &g, &next))
			return PARSE_BAD;
		if (next)
			return PARSE_TOO_DEEP;
		c->pos = g;
	}
	return parse_ip(c, d, ip_by_version(c), flags);
}

#endif /* SIPSTAT_BPF_PARSE_H */

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

struct cursor {
	void *pos;
	void *end;
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

/* A UDP datagram as the data path needs it. */
struct datagram {
	struct udphdr *udp;
	void *ip_end;		/* end of the IP packet by its own length field */
	void *l3;		/* the IP header, for the event path */
	__u16 vlan[SIPSTAT_MAX_VLAN];	/* VLAN ids, outer first */
	__u8 nvlan;
	__u8 family;		/* 4 or 6 */
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

	if ((void *)(eth + 1) > c->end)
		return PARSE_BAD;
	/* struct ethhdr is packed: read the EtherType as one 16-bit load. */
	p = *(__be16 *)((void *)eth + offsetof(struct ethhdr, h_proto));
	c->pos = eth + 1;

#pragma unroll
	for (i = 0; i < SIPSTAT_MAX_VLAN; i++) {
		if (!is_vlan(p))
			break;
		vh = c->pos;
		if ((void *)(vh + 1) > c->end)
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
 * IPv4 with any IHL.  On PARSE_NEXT the cursor is at the UDP header and
 * *ip_end is where the IP packet ends by its total length (RFC 791): the
 * bytes after it (Ethernet padding, a trailer) are not part of it.  A
 * total length too small for the UDP header is judged with the UDP
 * header, on a SIP port only.
 */
static __always_inline int parse_ipv4(struct cursor *c, void **ip_end)
{
	struct iphdr *ip = c->pos;
	__u32 hlen;

	if ((void *)(ip + 1) > c->end)
		return PARSE_BAD;
	if (ip->version != 4)
		return PARSE_BAD;
	hlen = (__u32)ip->ihl * 4;
	if (hlen < sizeof(*ip))
		return PARSE_BAD;
	if (c->pos + hlen > c->end)
		return PARSE_BAD;
	if (ip->protocol != IPPROTO_UDP)
		return PARSE_OTHER;
	/* A later fragment has no UDP header: its ports are unknowable here. */
	if (ip->frag_off & bpf_htons(IP4_OFFSET_MASK))
		return PARSE_FRAGMENT;
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
static __always_inline int parse_ipv6(struct cursor *c, void **ip_end)
{
	struct ipv6hdr *ip6 = c->pos;
	struct ipv6_opt_hdr *opt;
	struct frag6hdr *fh;
	__u8 nh;
	int i;

	if ((void *)(ip6 + 1) > c->end)
		return PARSE_BAD;
	if (ip6->version != 6)
		return PARSE_BAD;
	nh = ip6->nexthdr;
	c->pos = ip6 + 1;
	*ip_end = c->pos + bpf_ntohs(ip6->payload_len);

#pragma unroll
	for (i = 0; i < SIPSTAT_MAX_IPV6_EXT; i++) {
		/* UDP first: most SIP over IPv6 carries no extension header. */
		if (nh == IPPROTO_UDP)
			return PARSE_NEXT;
		if (nh == IPPROTO_FRAGMENT) {
			fh = c->pos;
			if ((void *)(fh + 1) > c->end)
				return PARSE_BAD;
			if (fh->frag_off & bpf_htons(IP6_OFFSET_MASK))
				return fh->nexthdr == IPPROTO_UDP ? PARSE_FRAGMENT : PARSE_OTHER;
			nh = fh->nexthdr;
			c->pos = fh + 1;
		} else if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
			   nh == IPPROTO_DSTOPTS) {
			opt = c->pos;
			if ((void *)(opt + 1) > c->end)
				return PARSE_BAD;
			nh = opt->nexthdr;
			c->pos += ((__u64)opt->hdrlen + 1) * 8;
			/* Cut inside this header: bad whatever follows (as IPv4 options). */
			if (c->pos > c->end)
				return PARSE_BAD;
		} else {
			return PARSE_OTHER;
		}
	}
	if (nh == IPPROTO_UDP)
		return PARSE_NEXT;
	return is_ipv6_ext(nh) ? PARSE_TOO_DEEP : PARSE_OTHER;
}

/*
 * Ethernet, VLAN tags, IPv4 or IPv6, to a UDP header that lies whole in
 * the frame.  PARSE_OTHER for anything that is not IP carrying UDP.
 */
static __always_inline int parse_to_udp(struct cursor *c, struct datagram *d)
{
	__be16 proto;
	int r;

	d->nvlan = 0;
	r = parse_eth(c, &proto, d);
	if (r != PARSE_NEXT)
		return r;
	d->l3 = c->pos;
	if (proto == bpf_htons(ETH_P_IP)) {
		d->family = 4;
		r = parse_ipv4(c, &d->ip_end);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		d->family = 6;
		r = parse_ipv6(c, &d->ip_end);
	} else {
		return PARSE_OTHER;
	}
	if (r != PARSE_NEXT)
		return r;
	d->udp = c->pos;
	if ((void *)(d->udp + 1) > c->end)
		return PARSE_BAD;
	return PARSE_NEXT;
}

#endif /* SIPSTAT_BPF_PARSE_H */

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * BPF-only parsing helpers for sipstat: a cursor over the frame and one
 * parse_*() helper per layer.  Each helper checks its own bounds and
 * never writes to the packet.
 */
#ifndef SIPSTAT_BPF_PARSE_H
#define SIPSTAT_BPF_PARSE_H

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

/* Outcome of one parse_*() step on the way down to UDP. */
enum parse_result {
	PARSE_NEXT = 0,	/* go on: the cursor is at the next header (IP, then UDP) */
	PARSE_OTHER,	/* not UDP, or not IP: nothing to count beyond the IP family */
	PARSE_FRAGMENT,	/* UDP fragment that is not the first one */
	PARSE_BAD,		/* frame ends inside a header, or a header is inconsistent */
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

/* Ethernet and up to SIPSTAT_MAX_VLAN tags; *proto gets the inner EtherType. */
static __always_inline int parse_eth(struct cursor *c, __be16 *proto)
{
	struct ethhdr *eth = c->pos;
	struct vlanhdr *vh;
	__be16 p;
	int i;

	if ((void *)(eth + 1) > c->end)
		return PARSE_BAD;
	p = eth->h_proto;
	c->pos = eth + 1;

#pragma unroll
	for (i = 0; i < SIPSTAT_MAX_VLAN; i++) {
		if (!is_vlan(p))
			break;
		vh = c->pos;
		if ((void *)(vh + 1) > c->end)
			return PARSE_BAD;
		p = vh->proto;
		c->pos = vh + 1;
	}
	if (is_vlan(p))
		return PARSE_TOO_DEEP;
	*proto = p;
	return PARSE_NEXT;
}

static __always_inline int parse_ipv4(struct cursor *c)
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
	c->pos += hlen;
	return PARSE_NEXT;
}

static __always_inline int is_ipv6_ext(__u8 nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	       nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT;
}

/* IPv6 and up to SIPSTAT_MAX_IPV6_EXT extension headers. */
static __always_inline int parse_ipv6(struct cursor *c)
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

#pragma unroll
	for (i = 0; i < SIPSTAT_MAX_IPV6_EXT; i++) {
		if (!is_ipv6_ext(nh))
			break;
		if (nh == IPPROTO_FRAGMENT) {
			fh = c->pos;
			if ((void *)(fh + 1) > c->end)
				return PARSE_BAD;
			if (fh->frag_off & bpf_htons(IP6_OFFSET_MASK))
				return fh->nexthdr == IPPROTO_UDP ? PARSE_FRAGMENT : PARSE_OTHER;
			nh = fh->nexthdr;
			c->pos = fh + 1;
		} else {
			opt = c->pos;
			if ((void *)(opt + 1) > c->end)
				return PARSE_BAD;
			nh = opt->nexthdr;
			c->pos += ((__u64)opt->hdrlen + 1) * 8;
			/* Cut inside this header: bad whatever follows (as IPv4 options). */
			if (c->pos > c->end)
				return PARSE_BAD;
		}
	}
	if (is_ipv6_ext(nh))
		return PARSE_TOO_DEEP;
	if (nh != IPPROTO_UDP)
		return PARSE_OTHER;
	return PARSE_NEXT;
}

/*
 * Byte strings as big-endian 64-bit words: the payload head is loaded once
 * and byte-swapped to this order, so constants read left to right and a
 * prefix of n bytes is the top n bytes.
 */
#define W8(a, b, c, d, e, f, g, h)                                             \
	(((__u64)(a) << 56) | ((__u64)(b) << 48) | ((__u64)(c) << 40) |        \
	 ((__u64)(d) << 32) | ((__u64)(e) << 24) | ((__u64)(f) << 16) |        \
	 ((__u64)(g) << 8) | (__u64)(h))
#define PREFIX_MASK(n) ((n) >= 8 ? ~0ULL : ~(~0ULL >> (8 * (n))))

#define SIP20_SP W8('S', 'I', 'P', '/', '2', '.', '0', ' ')
/* "sip/" with the case bit forced on the three letters: a status-like start. */
#define SIP_SLASH_LC W8('s', 'i', 'p', '/', 0, 0, 0, 0)
#define CASE_BITS_3 W8(0x20, 0x20, 0x20, 0, 0, 0, 0, 0)

#define METHOD(w, n, a, b, c, d, e, f, g, h)                                   \
	(((w) & PREFIX_MASK(n)) == W8(a, b, c, d, e, f, g, h))

/* RFC 3261 methods and the extensions seen on IMS and SBC hosts. */
static __always_inline int is_request(__u64 w, const __u8 *p)
{
	__u8 first = w >> 56;

	/* Every method starts with a letter from A to U: most non-SIP payloads
	 * (STUN, RTP, keepalives) leave here before fourteen comparisons. */
	if (first < 'A' || first > 'U')
		return 0;
	return METHOD(w, 7, 'I', 'N', 'V', 'I', 'T', 'E', ' ', 0) ||
	       METHOD(w, 4, 'A', 'C', 'K', ' ', 0, 0, 0, 0) ||
	       METHOD(w, 4, 'B', 'Y', 'E', ' ', 0, 0, 0, 0) ||
	       METHOD(w, 7, 'C', 'A', 'N', 'C', 'E', 'L', ' ', 0) ||
	       METHOD(w, 8, 'O', 'P', 'T', 'I', 'O', 'N', 'S', ' ') ||
	       METHOD(w, 6, 'P', 'R', 'A', 'C', 'K', ' ', 0, 0) ||
	       METHOD(w, 7, 'N', 'O', 'T', 'I', 'F', 'Y', ' ', 0) ||
	       METHOD(w, 8, 'P', 'U', 'B', 'L', 'I', 'S', 'H', ' ') ||
	       METHOD(w, 5, 'I', 'N', 'F', 'O', ' ', 0, 0, 0) ||
	       METHOD(w, 6, 'R', 'E', 'F', 'E', 'R', ' ', 0, 0) ||
	       METHOD(w, 8, 'M', 'E', 'S', 'S', 'A', 'G', 'E', ' ') ||
	       METHOD(w, 7, 'U', 'P', 'D', 'A', 'T', 'E', ' ', 0) ||
	       (w == W8('R', 'E', 'G', 'I', 'S', 'T', 'E', 'R') && p[8] == ' ') ||
	       (w == W8('S', 'U', 'B', 'S', 'C', 'R', 'I', 'B') && p[8] == 'E' &&
		p[9] == ' ');
}

#endif /* SIPSTAT_BPF_PARSE_H */

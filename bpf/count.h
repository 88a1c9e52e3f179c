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

/*
 * A UDP datagram whose header lies whole in the frame: on a SIP port,
 * classify its payload and count it in the row of its direction and
 * method.  end is the frame end.
 */
static __always_inline void count_datagram(const struct datagram *d, void *end, __u32 dir)
{
	__u32 len, avail, slot, method;
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

	slot = sip_classify(p, end, len, &method);
	count_key(SIPSTAT_KEY(dir, method, slot));
}

/* Untagged IPv4 without options, with room for a whole status line. */
#define FAST_PAYLOAD_OFF (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))

/*
 * Count one frame of [data, data_end) seen in direction dir (a constant
 * at every call site, so the row arithmetic folds away).
 *
 * Most SIP traffic is untagged IPv4 without options: one bounds check
 * covers its headers and a status line, and every header sits at a fixed
 * offset.  Everything else takes the general walk in parse.h.  Both end
 * in the same count_datagram().
 */
static __always_inline void count_frame(void *data, void *data_end, __u32 dir)
{
	struct cursor c = { .pos = data, .end = data_end };
	struct datagram d;
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
		count_datagram(&d, data_end, dir);
		return;
	}

	r = parse_to_udp(&c, &d);
	if (r == PARSE_OTHER)
		return;
	if (r != PARSE_NEXT) {
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, parse_outcome(r)));
		return;
	}
	count_datagram(&d, data_end, dir);
}

#endif /* SIPSTAT_BPF_COUNT_H */

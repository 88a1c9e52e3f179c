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
 * Count one frame of [data, data_end) seen in direction dir (a constant
 * at every call site, so the row arithmetic folds away).
 */
static __always_inline void count_frame(void *data, void *data_end, __u32 dir)
{
	struct cursor c = { .pos = data, .end = data_end };
	struct datagram d;
	__u32 len, avail, slot, method;
	__u8 *p;
	int r;

	r = parse_to_udp(&c, &d);
	if (r == PARSE_OTHER)
		return;
	if (r != PARSE_NEXT) {
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, parse_outcome(r)));
		return;
	}
	if (!port_is_sip(bpf_ntohs(d.udp->source)) && !port_is_sip(bpf_ntohs(d.udp->dest)))
		return;

	/*
	 * The payload is bounded by the UDP length, by the IP packet's own
	 * length (bytes after it are padding or a trailer, never payload) and
	 * by the frame end (a first fragment holds only part of it).  A UDP
	 * header that does not fit its own length or its IP packet is bad.
	 */
	p = (__u8 *)(d.udp + 1);
	len = bpf_ntohs(d.udp->len);
	if (len < sizeof(struct udphdr) || (void *)p > d.ip_end) {
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_BAD_HEADER));
		return;
	}
	len -= sizeof(struct udphdr);
	avail = (d.ip_end < c.end ? d.ip_end : c.end) - (void *)p;
	if (len > avail)
		len = avail;

	slot = sip_classify(p, c.end, len, &method);
	count_key(SIPSTAT_KEY(dir, method, slot));
}

#endif /* SIPSTAT_BPF_COUNT_H */

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

#include <linux/tcp.h>

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
static __always_inline void send_event(const struct datagram *d, const void *end, __u32 dir,
				       __u32 method, __u32 code)
{
	struct sipstat_event *e;
	struct udphdr *l4;
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
	l4 = d->l4;
	if ((void *)(l4 + 1) <= end) {	/* UDP and TCP both start with the ports */
		e->sport = bpf_ntohs(l4->source);
		e->dport = bpf_ntohs(l4->dest);
	}
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
__u32 cseq_find_xdp(struct xdp_md *ctx, __u32 off, __u32 len);
__u32 cseq_find_skb(struct __sk_buff *skb, __u32 off, __u32 len);

static __always_inline __u32 response_method(void *ctx, enum ctx_kind kind, const void *data,
					     const __u8 *p, __u32 len)
{
	__u32 off = (const void *)p - data;

	if (!(sip_cfg.flags & SIPSTAT_CFG_METHODS))
		return SIPSTAT_M_UNKNOWN;
	if (kind == CTX_XDP)
		return cseq_method_xdp(ctx, off, len);
	return cseq_method_skb(ctx, off, len);
}

/* What counting a transport header found. */
enum { L4_NOT_SIP = 0, L4_COUNTED };

/*
 * count_payload() as a subprogram of its own (sipstat.bpf.c), for every
 * way down the headers but the fast path: the verifier checks it once,
 * not once for each tunnel, tag and header combination that reaches it.
 * Its arguments carry the datagram as offsets in the frame (BPF calls
 * take five registers):
 *   where  payload offset | IP header offset << 16
 *   lens   payload length | transport header offset << 16
 *   meta   dir | tcp << 1 | encap << 2 | family << 8 | nvlan << 12
 *   vlans  outer VLAN id | inner VLAN id << 16
 */
int sip_payload_xdp(struct xdp_md *ctx, __u32 where, __u32 lens, __u32 meta, __u32 vlans);
int sip_payload_skb(struct __sk_buff *skb, __u32 where, __u32 lens, __u32 meta, __u32 vlans);

/*
 * Per peer and per failing address, as a subprogram of its own
 * (sipstat.bpf.c), called for responses when either is on:
 *   where  IP header offset | dir << 16 | family << 24
 *   what   code | method << 16
 */
int sip_remote_xdp(struct xdp_md *ctx, __u32 where, __u32 what);
int sip_remote_skb(struct __sk_buff *skb, __u32 where, __u32 what);

/* Add one to a per-CPU hash value, making it if it is not there; nonzero when full. */
static __always_inline int hash_count(void *map, const void *key)
{
	__u64 one = 1, *v;
	long e;

	v = bpf_map_lookup_elem(map, key);
	if (v) {
		(*v)++;
		return 0;
	}
	e = bpf_map_update_elem(map, key, &one, BPF_NOEXIST);
	if (e == -17 /* EEXIST: another CPU made it first */) {
		v = bpf_map_lookup_elem(map, key);
		if (v)
			(*v)++;
		return 0;
	}
	return e ? 1 : 0;
}

/* The body of the remote subprogram: the far end's address, its peer, its failures. */
static __always_inline int remote_from_offsets(void *data, const void *end, __u32 where, __u32 what)
{
	struct sipstat_peer_prefix pk = { .prefixlen = 128 };
	struct sipstat_failing_key fk = {};
	__u32 dir = (where >> 16) & 1, family = (where >> 24) & 0xff, flags = sip_cfg.flags;
	__u32 code = what & 0xffff, method = (what >> 16) & 0xf, peer = 0, key, *id;
	__u8 *ip = data + ((where & 0xffff) & PAYLOAD_OFF_MAX);

	/* The remote end: the source of what was received, the destination of what was sent. */
	if (family == 4) {
		if ((void *)(ip + sizeof(struct iphdr)) > end)
			return 0;
		pk.addr[10] = 0xff;
		pk.addr[11] = 0xff;
		__builtin_memcpy(&pk.addr[12], ip + (dir == SIPSTAT_DIR_IN ? 12 : 16), 4);
	} else if (family == 6) {
		if ((void *)(ip + sizeof(struct ipv6hdr)) > end)
			return 0;
		__builtin_memcpy(pk.addr, ip + (dir == SIPSTAT_DIR_IN ? 8 : 24), 16);
	} else {
		return 0;
	}
	if (flags & SIPSTAT_CFG_PEERS) {
		id = bpf_map_lookup_elem(&sip_peers, &pk);
		if (id && *id <= SIPSTAT_PEERS_MAX)
			peer = *id;
		key = SIPSTAT_PEER_KEY(dir, peer, method, code);
		if (hash_count(&sip_peer_counts, &key))
			count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_PEER_OVERFLOW));
	}
	if ((flags & SIPSTAT_CFG_FAILING) && code >= 400 && code <= SIPSTAT_CODE_MAX) {
		__builtin_memcpy(fk.addr, pk.addr, 16);
		fk.dir = dir;
		fk.cls = code / 100;
		hash_count(&sip_failing, &fk);
	}
	return 0;
}

static __always_inline void count_remote(void *ctx, enum ctx_kind kind, const void *data,
					 const struct datagram *d, __u32 dir, __u32 method,
					 __u32 code)
{
	__u32 where, what;

	if (d->l3 - data > PAYLOAD_OFF_MAX)
		return;
	where = (__u32)(d->l3 - data) | dir << 16 | (__u32)d->family << 24;
	what = code | method << 16;
	if (kind == CTX_XDP)
		sip_remote_xdp(ctx, where, what);
	else
		sip_remote_skb(ctx, where, what);
}

/*
 * Classify a SIP payload p of len bytes and count it: in the row of its
 * direction and method, and once more as what carried it (an
 * encapsulation, TCP).  tcp: a segment's payload that starts no SIP
 * message is tcp_unparsed rather than other or malformed.
 */
static __always_inline void count_payload(void *ctx, enum ctx_kind kind, void *data,
					  const struct datagram *d, __u8 *p, void *end, __u32 len,
					  __u32 dir, int tcp)
{
	__u32 off, method, flags;

	if (d->encap)
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, d->encap));
	if (tcp)
		count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_TCP_SEGMENTS));
	off = sip_classify(p, end, len);
	if (off < SIPSTAT_CODE_MIN || off > SIPSTAT_CODE_MAX) {
		/*
		 * A segment may start anywhere in the stream: one that starts
		 * like a status line but is none (the rest of a Via header,
		 * "SIP/2.0/TCP ...") cannot be told from the middle of a message.
		 */
		if (tcp && (off == SIPSTAT_O_OTHER || off == SIPSTAT_O_MALFORMED))
			off = SIPSTAT_O_TCP_UNPARSED;
		count_key(SIPSTAT_KEY(dir, 0, 0) + off);
		return;
	}
	/* A response: off is its code; the row is the method of its CSeq. */
	method = response_method(ctx, kind, data, p, len);
	count_key(SIPSTAT_KEY(dir, method, off));
	flags = sip_cfg.flags;
	if ((flags & SIPSTAT_CFG_PEERS) || (off >= 400 && (flags & SIPSTAT_CFG_FAILING)))
		count_remote(ctx, kind, data, d, dir, method, off);
	if (event_wanted(off))
		send_event(d, end, dir, method, off);
}

/*
 * count_payload() inline on the fast path, through the subprogram
 * everywhere else (fast is a constant at each call site).
 */
static __always_inline void deliver(void *ctx, enum ctx_kind kind, void *data,
				    const struct datagram *d, __u8 *p, void *end, __u32 len,
				    __u32 dir, int tcp, int fast)
{
	__u32 where, lens, meta, vlans;

	if (fast) {
		count_payload(ctx, kind, data, d, p, end, len, dir, tcp);
		return;
	}
	if ((void *)p - data > PAYLOAD_OFF_MAX)
		return;	/* headers deeper than any real SIP frame's */
	where = (__u32)((void *)p - data) | (__u32)(d->l3 - data) << 16;
	lens = (len & 0xffff) | (__u32)(d->l4 - data) << 16;
	meta = dir | (__u32)tcp << 1 | (__u32)d->encap << 2 | (__u32)d->family << 8 |
	       (__u32)d->nvlan << 12;
	vlans = d->vlan[0] | (__u32)d->vlan[1] << 16;
	if (kind == CTX_XDP)
		sip_payload_xdp(ctx, where, lens, meta, vlans);
	else
		sip_payload_skb(ctx, where, lens, meta, vlans);
}

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

/*
 * The body of the payload subprogram: the datagram rebuilt from offsets
 * (see sip_payload_xdp()), checked against the frame again, and counted.
 */
static __always_inline int payload_from_offsets(void *ctx, enum ctx_kind kind, void *data,
						void *end, __u32 where, __u32 lens, __u32 meta,
						__u32 vlans)
{
	struct datagram d = {};
	__u32 poff = where & 0xffff, l3off = where >> 16, len = lens & 0xffff;
	__u32 l4off = lens >> 16;
	__u8 *p;

	/* deliver() passes offsets within the mask; the mask bounds them for the verifier. */
	p = data + (poff & PAYLOAD_OFF_MAX);
	d.l3 = data + (l3off & PAYLOAD_OFF_MAX);
	d.l4 = data + (l4off & PAYLOAD_OFF_MAX);
	if (d.l4 + 8 > end)
		return 0;
	d.encap = (meta >> 2) & 0x3f;
	d.family = (meta >> 8) & 0xf;
	d.nvlan = (meta >> 12) & 0x3;
	d.vlan[0] = vlans & 0xffff;
	d.vlan[1] = vlans >> 16;
	count_payload(ctx, kind, data, &d, p, end, len, meta & 1, (int)((meta >> 1) & 1));
	return 0;
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
 * Looking inside a tunnel, as a subprogram of its own (sipstat.bpf.c),
 * verified once rather than for every outer header path.  Arguments:
 *   where  transport header offset | protocol << 16 | dir << 24 | nvlan << 25
 *   vlans  outer VLAN id | inner VLAN id << 16
 *   lim    offset where the outer packet ends (its IP length, and for UDP
 *          its UDP length): what the tunnel carries ends there too
 */
int sip_tunnel_xdp(struct xdp_md *ctx, __u32 where, __u32 vlans, __u32 lim);
int sip_tunnel_skb(struct __sk_buff *skb, __u32 where, __u32 vlans, __u32 lim);

/* The body of the tunnel subprogram: decapsulate one layer and count what is inside. */
static __always_inline int tunnel_from_offsets(void *ctx, enum ctx_kind kind, void *data,
					       void *end, __u32 where, __u32 vlans, __u32 lim_off)
{
	struct cursor c = { .end = end };
	struct datagram d = {};
	__u32 l4off = where & 0xffff, dir = (where >> 24) & 1, flags = sip_cfg.flags;
	void *lim = data + (lim_off & 0xffff);

	/* What the tunnel carries is parsed as if its outer packet ended the frame. */
	c.lim = lim;
	struct udphdr *udp;
	__u32 first;
	int r;

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
	if (kind == CTX_XDP)
		sip_tunnel_xdp(ctx, where, vlans, lim);
	else
		sip_tunnel_skb(ctx, where, vlans, lim);
}

/*
 * A PPPoE session or MPLS stack, as a subprogram of its own (sipstat.bpf.c):
 *   where  offset of the shim | dir << 24, proto: its EtherType,
 *   vlans, nvlan: the outer frame's tags
 */
int sip_shim_xdp(struct xdp_md *ctx, __u32 where, __u32 proto, __u32 vlans, __u32 nvlan);
int sip_shim_skb(struct __sk_buff *skb, __u32 where, __u32 proto, __u32 vlans, __u32 nvlan);

static __always_inline int shim_from_offsets(void *ctx, enum ctx_kind kind, void *data,
					     void *end, __u32 where, __u32 proto, __u32 vlans,
					     __u32 nvlan)
{
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

/* Untagged IPv4 without options, with room for a whole status line. */
#define FAST_PAYLOAD_OFF (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))
/* Untagged IPv6 and the first 8 bytes of a transport header right after it. */
#define FAST6_L4_END (sizeof(struct ethhdr) + sizeof(struct ipv6hdr) + 8)

/*
 * Count one frame of [data, data_end) seen in direction dir (a constant
 * at every call site, so the row arithmetic folds away); ctx is the
 * program's context, of the kind given.
 *
 * Most SIP traffic is untagged IPv4 without options: one bounds check
 * covers its headers and a status line, and every header sits at a fixed
 * offset.  Untagged IPv6 off the SIP ports leaves as early.  Everything
 * else takes the general walk in parse.h.  Both end in the same
 * count_outer().
 */
static __always_inline void count_frame(void *ctx, enum ctx_kind kind, void *data, void *data_end,
					__u32 dir)
{
	struct cursor c = { .pos = data, .end = data_end, .lim = data_end };
	struct datagram d = {};
	struct ipv6hdr *ip6;
	struct iphdr *ip;
	__u32 where, vlans;
	__be16 proto;
	int r;

	ip = data + sizeof(struct ethhdr);
	if (data + FAST_PAYLOAD_OFF + SIPSTAT_STATUS_PREFIX_LEN <= data_end &&
	    *(__be16 *)(data + offsetof(struct ethhdr, h_proto)) == bpf_htons(ETH_P_IP) &&
	    *(__u8 *)ip == 0x45) {
		struct udphdr *l4 = (void *)(ip + 1);	/* UDP and TCP: the ports first */
		__u8 l4proto = ip->protocol;

		if (ip->frag_off & bpf_htons(IP4_OFFSET_MASK)) {
			if (l4proto == IPPROTO_UDP)
				count_key(SIPSTAT_KEY(dir, SIPSTAT_M_UNKNOWN, SIPSTAT_O_FRAGMENTS));
			return;
		}
		/* Most frames here are UDP or TCP off the SIP ports: leave at once. */
		if (l4proto == IPPROTO_UDP || l4proto == IPPROTO_TCP) {
			if (!port_is_sip(bpf_ntohs(l4->dest)) && !port_is_sip(bpf_ntohs(l4->source)) &&
			    (l4proto == IPPROTO_TCP || !udp_tunnel_port(l4)))
				return;
		} else if (!is_l4_of_interest(l4proto)) {
			return;
		}
		d.l4 = (void *)(ip + 1);
		d.l4proto = ip->protocol;
		d.ip_end = (void *)ip + bpf_ntohs(ip->tot_len);
		d.l3 = ip;
		d.family = 4;
		count_outer(ctx, kind, data, &d, data_end, dir, 1);
		return;
	}

	/*
	 * Untagged IPv6 with UDP or TCP right after its header, off the SIP
	 * ports: leave at once, as the walk below would without counting.
	 */
	ip6 = data + sizeof(struct ethhdr);
	if (data + FAST6_L4_END <= data_end &&
	    *(__be16 *)(data + offsetof(struct ethhdr, h_proto)) == bpf_htons(ETH_P_IPV6) &&
	    (*(__u8 *)ip6 >> 4) == 6 &&
	    (ip6->nexthdr == IPPROTO_UDP || ip6->nexthdr == IPPROTO_TCP)) {
		struct udphdr *l4 = (void *)(ip6 + 1);

		if (!port_is_sip(bpf_ntohs(l4->dest)) && !port_is_sip(bpf_ntohs(l4->source)) &&
		    (ip6->nexthdr == IPPROTO_TCP || !udp_tunnel_port(l4)))
			return;
	}

	r = parse_frame(&c, &d, sip_cfg.flags, &proto);
	if (r == PARSE_SHIM) {
		if (c.pos - data > PAYLOAD_OFF_MAX)
			return;
		where = (__u32)(c.pos - data) | dir << 24;
		vlans = d.vlan[0] | (__u32)d.vlan[1] << 16;
		if (kind == CTX_XDP)
			sip_shim_xdp(ctx, where, proto, vlans, d.nvlan);
		else
			sip_shim_skb(ctx, where, proto, vlans, d.nvlan);
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

#endif /* SIPSTAT_BPF_COUNT_H */

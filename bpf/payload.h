/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What one SIP payload counts, wherever it was found: its row (a
 * response's code under the method of its CSeq, a request under its
 * method, or an outcome), once more what carried it (an encapsulation,
 * TCP), the far end's peer and failing address, and the event of a
 * response.  One per-CPU lookup and one increment for a SIP datagram.
 *
 * The payload comes with a struct datagram (parse.h) that places it in
 * its frame; count.h finds both.  Everything here reads only through
 * ctx.h, so this file includes nothing that includes it.
 */
#ifndef SIPSTAT_BPF_PAYLOAD_H
#define SIPSTAT_BPF_PAYLOAD_H

#include "ctx.h"
#include "consts.h"
#include "maps.h"
#include "parse.h"
#include "sip.h"

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

/*
 * Per peer and per failing address, as a subprogram of its own
 * (sip_remote_xdp, sip_remote_skb), called for responses when either is
 * on:
 *   where  IP header offset | dir << 16 | family << 24
 *   what   code | method << 16
 * The far end's address, its peer, its failures.
 */
static __always_inline int remote_from_offsets(void *ctx, enum ctx_kind kind, __u32 where,
					       __u32 what)
{
	void *data = ctx_data(ctx, kind), *end = ctx_data_end(ctx, kind);
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

CTX_SUBPROG(int, sip_remote, remote_from_offsets, (__u32 where, __u32 what), (where, what))

static __always_inline void count_remote(void *ctx, enum ctx_kind kind, const void *data,
					 const struct datagram *d, __u32 dir, __u32 method,
					 __u32 code)
{
	__u32 where, what;

	if (d->l3 - data > PAYLOAD_OFF_MAX)
		return;
	where = (__u32)(d->l3 - data) | dir << 16 | (__u32)d->family << 24;
	what = code | method << 16;
	CTX_CALL(kind, sip_remote, ctx, where, what);
}

/*
 * The CSeq search on the payload at frame offset off, len bytes, in two
 * subprograms (cseq_find_*, cseq_method_*): the verifier checks the
 * search's loop once, not once for every way down the headers that
 * reaches it.  The search returns where the value starts, and the value
 * is read once from there, so the verifier checks the reading once
 * rather than once for every step of the search.  Offsets are masked so
 * that they stay below the 64 KiB the verifier accepts as a packet
 * offset.
 */
static __always_inline __u32 cseq_find_at(void *ctx, enum ctx_kind kind, __u32 off, __u32 len)
{
	return cseq_find(ctx_data(ctx, kind) + (off & PAYLOAD_OFF_MAX), ctx_data_end(ctx, kind),
			 len);
}

CTX_SUBPROG(__u32, cseq_find, cseq_find_at, (__u32 off, __u32 len), (off, len))

static __always_inline __u32 cseq_method_at(void *ctx, enum ctx_kind kind, __u32 off, __u32 len)
{
	__u32 at = CTX_CALL(kind, cseq_find, ctx, off, len) & 0x7ff;

	/* The value too must lie within the window the search covers. */
	if (len > SIPSTAT_CSEQ_SCAN)
		len = SIPSTAT_CSEQ_SCAN;
	if (!at || at > len)
		return SIPSTAT_M_UNKNOWN;
	return cseq_value(ctx_data(ctx, kind) + (off & PAYLOAD_OFF_MAX) + at,
			  ctx_data_end(ctx, kind), len - at);
}

CTX_SUBPROG(__u32, cseq_method, cseq_method_at, (__u32 off, __u32 len), (off, len))

static __always_inline __u32 response_method(void *ctx, enum ctx_kind kind, const void *data,
					     const __u8 *p, __u32 len)
{
	__u32 off = (const void *)p - data;

	if (!(sip_cfg.flags & SIPSTAT_CFG_METHODS))
		return SIPSTAT_M_UNKNOWN;
	return CTX_CALL(kind, cseq_method, ctx, off, len);
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
 * count_payload() as a subprogram of its own (sip_payload_xdp,
 * sip_payload_skb), for every way down the headers but the fast path:
 * the verifier checks it once, not once for each tunnel, tag and header
 * combination that reaches it.  Its arguments carry the datagram as
 * offsets in the frame (BPF calls take five registers):
 *   where  payload offset | IP header offset << 16
 *   lens   payload length | transport header offset << 16
 *   meta   dir | tcp << 1 | encap << 2 | family << 8 | nvlan << 12
 *   vlans  outer VLAN id | inner VLAN id << 16
 * The datagram is rebuilt from them, checked against the frame again,
 * and counted.
 */
static __always_inline int payload_from_offsets(void *ctx, enum ctx_kind kind, __u32 where,
						__u32 lens, __u32 meta, __u32 vlans)
{
	void *data = ctx_data(ctx, kind), *end = ctx_data_end(ctx, kind);
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

CTX_SUBPROG(int, sip_payload, payload_from_offsets,
	    (__u32 where, __u32 lens, __u32 meta, __u32 vlans), (where, lens, meta, vlans))

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
	CTX_CALL(kind, sip_payload, ctx, where, lens, meta, vlans);
}

#endif /* SIPSTAT_BPF_PAYLOAD_H */

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where a program's bytes are, for each kind of context the counting core
 * is given: the one place that tells struct xdp_md from struct __sk_buff.
 *
 * The core (payload.h, count.h) is written once for every kind.  It takes
 * the context as a void pointer with its kind, a constant at every entry
 * point: each test of the kind below folds away, and each program
 * compiles to the code written for its own context type.
 *
 * Subprograms.  The parts of the core that the verifier should check once
 * on their own, rather than once for every path down the headers that
 * reaches them, are global functions: the verifier checks those apart,
 * with the program's own context type and scalars as their arguments,
 * never a packet pointer.  CTX_SUBPROG() defines one such function for
 * each kind of context around an always-inline body that takes the
 * context and its kind and finds its bytes again with ctx_data();
 * CTX_CALL() calls the one of a given kind.  In the core only these two
 * macros and the accessors name the context types: a new kind of source
 * is added here and at its entry point in sipstat.bpf.c, not in count.h
 * or payload.h.
 */
#ifndef SIPSTAT_BPF_CTX_H
#define SIPSTAT_BPF_CTX_H

#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

enum ctx_kind {
	CTX_XDP,	/* struct xdp_md: XDP, the frame (its first buffer with frags) */
	CTX_SKB,	/* struct __sk_buff: TC, the frame's linear part */
};

/* The first byte of the frame. */
static __always_inline void *ctx_data(const void *ctx, enum ctx_kind kind)
{
	if (kind == CTX_XDP)
		return (void *)(long)((const struct xdp_md *)ctx)->data;
	return (void *)(long)((const struct __sk_buff *)ctx)->data;
}

/* Just past the last byte that may be read: every read is checked against it. */
static __always_inline void *ctx_data_end(const void *ctx, enum ctx_kind kind)
{
	if (kind == CTX_XDP)
		return (void *)(long)((const struct xdp_md *)ctx)->data_end;
	return (void *)(long)((const struct __sk_buff *)ctx)->data_end;
}

/*
 * Bytes of a frame the core wants readable from ctx_data(): room for two
 * VLAN tags, IPv6 with extension headers, UDP and a status line.
 */
#define CTX_HEADERS_WANT 256

/*
 * An skb may hold only the first bytes of a frame in its linear part
 * (egress datagrams built from page fragments, ingress after header
 * split).  When the frame goes on past a short linear part, pull the
 * first bytes in: the bytes stay the same, only where the kernel keeps
 * them changes.  If the pull fails, the core counts from what is linear.
 * XDP has nothing to pull: with frags, the first buffer holds the headers
 * and the status line, and the rest is never read.
 */
static __always_inline void ctx_pull_headers(void *ctx, enum ctx_kind kind)
{
	struct __sk_buff *skb = ctx;
	__u32 linear;

	if (kind != CTX_SKB)
		return;
	linear = skb->data_end - skb->data;
	if (linear < skb->len && linear < CTX_HEADERS_WANT)
		bpf_skb_pull_data(skb, skb->len < CTX_HEADERS_WANT ? skb->len : CTX_HEADERS_WANT);
}

#define CTX_ARGS(...) __VA_ARGS__

/*
 * name_xdp(struct xdp_md *ctx, params) and name_skb(struct __sk_buff *ctx,
 * params), each returning body(ctx, its kind, args); params and args in
 * parentheses, all scalars: CTX_SUBPROG(int, f, f_body, (__u32 a), (a)).
 */
#define CTX_SUBPROG(type, name, body, params, args)                            \
	__noinline type name##_xdp(struct xdp_md *ctx, CTX_ARGS params)        \
	{                                                                      \
		return body(ctx, CTX_XDP, CTX_ARGS args);                      \
	}                                                                      \
	__noinline type name##_skb(struct __sk_buff *ctx, CTX_ARGS params)     \
	{                                                                      \
		return body(ctx, CTX_SKB, CTX_ARGS args);                      \
	}

/* The subprogram name defined by CTX_SUBPROG() for a context of this kind. */
#define CTX_CALL(kind, name, ctx, ...)                                         \
	((kind) == CTX_XDP ? name##_xdp((struct xdp_md *)(ctx), __VA_ARGS__) :  \
			     name##_skb((struct __sk_buff *)(ctx), __VA_ARGS__))

#endif /* SIPSTAT_BPF_CTX_H */

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The floor of "count a SIP response by its code": the least an XDP
 * program can do and still count a response correctly, the reference the
 * benchmarks hold sipstat against.
 *
 * It knows one shape of frame: Ethernet without VLAN tags, IPv4 without
 * options (so every header is at a fixed offset), UDP with 5060 as the
 * source or destination port, and a payload that starts with a status
 * line, "SIP/2.0 " + three digits 1xx-6xx + SP.  One bounds check covers
 * all of it; the code is the index of one per-CPU array lookup and one
 * increment.  Everything else passes untouched and uncounted: no VLAN,
 * no IHL, no IPv6, no port set, no requests, no outcomes.
 *
 * What it checks beyond the fixed offsets is what counting correctly
 * needs even for that one shape: a later IPv4 fragment has no UDP header
 * (the bytes there are data), and the 12 bytes of the status line must
 * lie inside both the UDP datagram and the IP packet, or Ethernet padding
 * or a trailer after a short datagram would be counted as a response.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define MIN_PORT 5060
#define MIN_CODES 700		/* index = status code, 100..699 used */

/* Fixed offsets: Ethernet 14, IPv4 without options 20, UDP 8. */
#define OFF_PROTO 12
#define OFF_IP 14
#define OFF_UDP (OFF_IP + 20)
#define OFF_PAYLOAD (OFF_UDP + 8)
#define STATUS_LEN 12		/* "SIP/2.0 " DDD SP */
/* "SIP/2.0 " as a big-endian word: one 8-byte load and compare. */
#define SIP20_SP 0x5349502f322e3020ULL

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MIN_CODES);
	__type(key, __u32);
	__type(value, __u64);
} min_codes SEC(".maps");

SEC("xdp")
int minimal_xdp(struct xdp_md *ctx)
{
	/* XDP's context holds the packet bounds as integers: the casts are the API. */
	const __u8 *d = (const __u8 *)(long)ctx->data;	/* NOLINT(performance-no-int-to-ptr) */
	const void *end = (const void *)(long)ctx->data_end; /* NOLINT(performance-no-int-to-ptr) */
	const __u8 *p = d + OFF_PAYLOAD;
	__u32 ports, d0, d1, d2, code;
	__u64 *v;

	if ((const void *)(p + STATUS_LEN) > end)
		return XDP_PASS;
	/* EtherType IPv4, then version 4 and IHL 5: one word (the TOS byte masked). */
	if ((*(const __u32 *)(d + OFF_PROTO) & bpf_htonl(0xffffff00)) != bpf_htonl(0x08004500))
		return XDP_PASS;
	/* Fragment offset 0 and protocol UDP in one word (flags, offset, TTL, protocol). */
	if ((*(const __u32 *)(d + OFF_IP + 6) & bpf_htonl(0x1fff00ff)) != bpf_htonl(17))
		return XDP_PASS;
	ports = *(const __u32 *)(d + OFF_UDP);
	if ((__u16)ports != bpf_htons(MIN_PORT) && (__u16)(ports >> 16) != bpf_htons(MIN_PORT))
		return XDP_PASS;
	/* The status line lies inside the IP packet and inside the UDP datagram. */
	if (bpf_ntohs(*(const __be16 *)(d + OFF_IP + 2)) < OFF_PAYLOAD - OFF_IP + STATUS_LEN ||
	    bpf_ntohs(*(const __be16 *)(d + OFF_UDP + 4)) < 8 + STATUS_LEN)
		return XDP_PASS;

	if (*(const __u64 *)p != bpf_cpu_to_be64(SIP20_SP) || p[11] != ' ')
		return XDP_PASS;
	d0 = p[8] - (__u32)'1';
	d1 = p[9] - (__u32)'0';
	d2 = p[10] - (__u32)'0';
	if (d0 > 5 || d1 > 9 || d2 > 9)
		return XDP_PASS;
	code = d0 * 100 + d1 * 10 + d2 + 100;
	v = bpf_map_lookup_elem(&min_codes, &code);
	if (v)
		(*v)++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

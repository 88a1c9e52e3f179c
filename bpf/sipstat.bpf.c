// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat: count SIP responses by status code at XDP.
 *
 * Every frame gets XDP_PASS and is only ever read.  Counters are per-CPU
 * arrays with plain increments: an XDP program runs to completion on one
 * CPU in NAPI context, so no other writer touches the same slot.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SIPSTAT_CODE_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} sip_codes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sipstat_counters);
} sip_parser SEC(".maps");

/*
 * The SIP port set, one bit per port.  In .data (mmap'ed by the skeleton),
 * so userspace changes it while attached without a reload.
 */
__u64 sip_ports[SIPSTAT_PORT_WORDS] = {
	[SIPSTAT_DEFAULT_PORT / 64] = 1ULL << (SIPSTAT_DEFAULT_PORT % 64),
};

static __always_inline int port_is_sip(__u16 port)
{
	return (int)((sip_ports[port >> 6] >> (port & 63)) & 1);
}

/*
 * Fewer than SIPSTAT_STATUS_PREFIX_LEN bytes.  Not status-like (the bytes
 * there do not start "SIP/" in any case): other.  Status-like and every
 * byte there fits "SIP/2.0 DDD" with D0 in 1..6: truncated.  Otherwise
 * malformed.  Straight-line code: clang cannot unroll a loop with an
 * early exit on a runtime length, and tiny payloads are rare anyway.
 */
#define SHORT_HAVE(i) ((i) < len && (const void *)(p + (i) + 1) <= end)
#define SHORT_LEAD(i, lc, uc)                                                  \
	do {                                                                   \
		if (!SHORT_HAVE(i))                                            \
			return bad ? SIPSTAT_C_MALFORMED : SIPSTAT_C_TRUNCATED; \
		if ((p[i] | ((lc) == '/' ? 0 : 0x20)) != (lc))                 \
			return SIPSTAT_C_OTHER;                                \
		bad |= p[i] != (uc);                                           \
	} while (0)
#define SHORT_BYTE(i, ok)                                                      \
	do {                                                                   \
		if (!SHORT_HAVE(i))                                            \
			return bad ? SIPSTAT_C_MALFORMED : SIPSTAT_C_TRUNCATED; \
		ch = p[i];                                                     \
		if (bad || !(ok))                                              \
			return SIPSTAT_C_MALFORMED;                            \
	} while (0)

static __always_inline int classify_short(const __u8 *p, const void *end, __u32 len)
{
	int bad = 0;
	__u8 ch;

	if (len == 0)
		return SIPSTAT_C_OTHER;
	SHORT_LEAD(0, 's', 'S');
	SHORT_LEAD(1, 'i', 'I');
	SHORT_LEAD(2, 'p', 'P');
	SHORT_LEAD(3, '/', '/');
	SHORT_BYTE(4, ch == '2');
	SHORT_BYTE(5, ch == '.');
	SHORT_BYTE(6, ch == '0');
	SHORT_BYTE(7, ch == ' ');
	SHORT_BYTE(8, ch >= '1' && ch <= '6');
	SHORT_BYTE(9, ch >= '0' && ch <= '9');
	SHORT_BYTE(10, ch >= '0' && ch <= '9');
	/* Eleven bytes, all fitting (SHORT_BYTE returned on any misfit): one short. */
	return SIPSTAT_C_TRUNCATED;
}

SEC("xdp")
int sipstat_xdp(struct xdp_md *ctx)
{
	struct cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	struct sipstat_counters *cnt;
	struct udphdr *udp;
	__u32 zero = 0, len, avail, code;
	__u8 *p, d0, d1, d2;
	__u64 *slot, w;
	__be16 proto;
	int r, outcome;

	cnt = bpf_map_lookup_elem(&sip_parser, &zero);
	if (!cnt)
		return XDP_PASS;
	cnt->c[SIPSTAT_C_FRAMES]++;

	r = parse_eth(&c, &proto);
	if (r != PARSE_NEXT)
		goto out;
	if (proto == bpf_htons(ETH_P_IP)) {
		cnt->c[SIPSTAT_C_IPV4]++;
		r = parse_ipv4(&c);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		cnt->c[SIPSTAT_C_IPV6]++;
		r = parse_ipv6(&c);
	} else {
		return XDP_PASS;
	}
	if (r != PARSE_NEXT)
		goto out;

	udp = c.pos;
	if ((void *)(udp + 1) > c.end) {
		r = PARSE_BAD;
		goto out;
	}
	if (!port_is_sip(bpf_ntohs(udp->source)) && !port_is_sip(bpf_ntohs(udp->dest)))
		return XDP_PASS;
	len = bpf_ntohs(udp->len);
	if (len < sizeof(*udp)) {
		r = PARSE_BAD;
		goto out;
	}
	cnt->c[SIPSTAT_C_UDP_SIP]++;

	/*
	 * The UDP length bounds the payload (Ethernet pads short frames); the
	 * frame end bounds it too (a first fragment holds only part of it).
	 */
	p = (__u8 *)(udp + 1);
	len -= sizeof(*udp);
	avail = c.end - (void *)p;
	if (len > avail)
		len = avail;

	if (len < SIPSTAT_STATUS_PREFIX_LEN || (void *)(p + SIPSTAT_STATUS_PREFIX_LEN) > c.end) {
		outcome = classify_short(p, c.end, len);
		goto count;
	}

	w = bpf_be64_to_cpu(*(__u64 *)p);
	if (w == SIP20_SP) {
		d0 = p[8] - '0';
		d1 = p[9] - '0';
		d2 = p[10] - '0';
		/* First digit 1..6 is exactly the range 100..699. */
		if (d0 >= 1 && d0 <= 6 && d1 <= 9 && d2 <= 9 && p[11] == ' ') {
			code = d0 * 100 + d1 * 10 + d2;
			slot = bpf_map_lookup_elem(&sip_codes, &code);
			if (slot)
				(*slot)++;
			outcome = SIPSTAT_C_RESPONSES;
		} else {
			outcome = SIPSTAT_C_MALFORMED;
		}
	} else if (((w | CASE_BITS_3) & PREFIX_MASK(4)) == SIP_SLASH_LC) {
		outcome = SIPSTAT_C_MALFORMED;
	} else if (is_request(w, p)) {
		outcome = SIPSTAT_C_REQUESTS;
	} else {
		outcome = SIPSTAT_C_OTHER;
	}
count:
	cnt->c[outcome]++;
	return XDP_PASS;

out:
	if (r == PARSE_FRAGMENT)
		cnt->c[SIPSTAT_C_FRAGMENTS]++;
	else if (r == PARSE_BAD)
		cnt->c[SIPSTAT_C_BAD_HEADER]++;
	else if (r == PARSE_TOO_DEEP)
		cnt->c[SIPSTAT_C_TOO_DEEP]++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

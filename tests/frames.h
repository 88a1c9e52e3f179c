/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A small frame builder for the tests, the fuzzer and the benchmark:
 * Ethernet, 0..3 VLAN tags, IPv4 (options, fragments) or IPv6 (extension
 * headers), then UDP, TCP or raw bytes; ARP and raw EtherTypes too.
 * Plain C, no libbpf.  Addresses are from the benchmarking ranges only:
 * 198.18.0.0/15 and 2001:db8::/32.
 *
 * Usage: frame_spec_init(&s), set what differs, frame_build(buf, cap, &s).
 * A spec that is all zero except for what a table sets also works: zero
 * MACs, addresses, TPIDs and TTL are replaced by the defaults at build
 * time (only the ports have no default then).
 */
#ifndef SIPSTAT_TEST_FRAMES_H
#define SIPSTAT_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX_VLAN 3	/* one more than the parser allows */
#define FRAME_MAX_EXT6 8
#define FRAME_MAX_IP4_OPT 40
#define FRAME_ETH_MIN 60	/* minimum Ethernet frame without FCS */

#define FR_TPID_8021Q 0x8100
#define FR_TPID_8021AD 0x88a8

/* IPv4 flags in frame_spec.ip4_frag (host order, as in the header field). */
#define FR_IP4_DF 0x4000
#define FR_IP4_MF 0x2000
#define FR_IP4_OFF(units) ((uint16_t)((units) & 0x1fff)) /* 8-byte units */

enum frame_l3 {
	FR_L3_IPV4 = 0,	/* the default */
	FR_L3_IPV6,
	FR_L3_ARP,	/* ARP request, 28 bytes */
	FR_L3_RAW,	/* spec.ethertype, then the payload */
};

enum frame_l4 {
	FR_L4_UDP = 0,	/* the default */
	FR_L4_TCP,	/* 20-byte TCP header, PSH|ACK, then the payload */
	FR_L4_RAW,	/* payload right after the IP headers (later fragments) */
};

enum frame_ext6_type {
	FR_EXT6_HOPOPTS = 0,
	FR_EXT6_ROUTING = 43,
	FR_EXT6_FRAGMENT = 44,
	FR_EXT6_DSTOPTS = 60,
};

struct frame_ext6 {
	uint8_t type;		/* enum frame_ext6_type */
	uint8_t hdrlen;		/* Hdr Ext Len: (hdrlen + 1) * 8 bytes; not fragment */
	uint16_t frag_off;	/* fragment offset in 8-byte units */
	bool more;		/* fragment M flag */
	uint32_t frag_id;
};

struct frame_spec {
	/* Ethernet */
	uint8_t dst_mac[6], src_mac[6];	/* zero: 02:00:00:00:00:02 / :01 */
	int n_vlan;			/* 0..FRAME_MAX_VLAN */
	uint16_t vlan_tpid[FRAME_MAX_VLAN];	/* 0: 0x8100 */
	uint16_t vlan_id[FRAME_MAX_VLAN];
	enum frame_l3 l3;
	uint16_t ethertype;		/* FR_L3_RAW only */

	/* IPv4 */
	uint8_t ip4_src[4], ip4_dst[4];	/* zero: 198.18.0.1 -> 198.19.0.2 */
	const uint8_t *ip4_opts;	/* NULL: NOP options */
	size_t ip4_opt_len;		/* multiple of 4, <= 40 */
	uint16_t ip4_frag;		/* flags | offset, host order */
	uint8_t ip4_ihl;		/* nonzero: low 4 bits replace the IHL (0x10: 0) */
	uint8_t ttl;			/* zero: 64 (hop limit for IPv6 too) */

	/* IPv6 */
	uint8_t ip6_src[16], ip6_dst[16];	/* zero: 2001:db8::1 -> 2001:db8::2 */
	int n_ext6;
	struct frame_ext6 ext6[FRAME_MAX_EXT6];

	/* Transport */
	enum frame_l4 l4;
	uint8_t ip_proto;		/* nonzero: overrides the protocol/next header */
	uint16_t sport, dport;
	bool udp_len_set;		/* write udp_len instead of the real length */
	uint16_t udp_len;
	uint8_t tcp_doff;		/* nonzero: TCP data offset in 32-bit words (the */
					/* payload then starts with the options) */
	bool ip_len_set;		/* write ip_len as the IPv4 total length or the */
	uint16_t ip_len;		/* IPv6 payload length (the bytes stay as built) */

	const void *payload;
	size_t payload_len;

	/* Final shaping */
	size_t pad_to;			/* zero-pad the frame up to this length */
	size_t cut_to;			/* nonzero: cut the frame to this length */
};

/* All zero (the defaults above), then IPv4/UDP 5060 -> 5060, no payload. */
void frame_spec_init(struct frame_spec *s);

/*
 * Build the frame into buf.  Returns its length, or 0 if the spec is
 * invalid or the frame does not fit in cap.  Lengths and checksums
 * (IPv4 header, UDP, TCP) are correct for the bytes written before
 * udp_len / ip4_ihl overrides, cut_to and pad_to are applied.
 */
size_t frame_build(void *buf, size_t cap, const struct frame_spec *s);

/* Shortcuts for the common cases. */
size_t frame_udp4(void *buf, size_t cap, uint16_t sport, uint16_t dport,
		  const void *payload, size_t len);
size_t frame_udp6(void *buf, size_t cap, uint16_t sport, uint16_t dport,
		  const void *payload, size_t len);
size_t frame_tcp4(void *buf, size_t cap, uint16_t sport, uint16_t dport,
		  const void *payload, size_t len);
size_t frame_arp(void *buf, size_t cap);

/* RFC 1071 Internet checksum over len bytes, folded and complemented. */
uint16_t frame_csum(const void *data, size_t len);

#endif /* SIPSTAT_TEST_FRAMES_H */

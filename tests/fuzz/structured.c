// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The fuzzer's input format (structured.h): raw frames, or a structured
 * header that tests/frames.c turns into a frame with the layers, lengths
 * and cuts it names, so that mutations reach deep layers quickly.
 */
#include <string.h>

#include "../../bpf/consts.h"	/* the tunnel ports the program knows */
#include "frames.h"
#include "structured.h"

#define XDPRUN_WRAP_MAX 3072

static const uint16_t set0[] = { 5060 };
static const uint16_t set1[] = { 5060, 5062, 15060 };
static const uint16_t set2[] = { 0, 1, 63, 64, 5060, 65534, 65535 };

uint32_t fuzz_known = REF_KNOWN_ALL;

const struct ref_ports fuzz_port_sets[FUZZ_PORT_SETS] = {
	{ .list = set0, .n = 1 },
	{ .list = set1, .n = sizeof(set1) / sizeof(set1[0]) },
	{ .list = set2, .n = sizeof(set2) / sizeof(set2[0]) },
	{ .all = true },
};

/* Byte i of the structured header, 0 past the end of the input. */
static uint8_t hb(const uint8_t *h, size_t n, size_t i)
{
	return i < n ? h[i] : 0;
}

/* 16 interesting ports, plus a small offset from the high nibble. */
static uint16_t pick_port(uint8_t s)
{
	static const uint16_t table[16] = {
		5060, 5062, 15060, 0, 65520, 40000, 53, 5061,
		63, 64, 1, 5059, 5070, 65535, 128, 443,
	};

	return (uint16_t)(table[s & 15] + (s >> 4));
}

/*
 * Structured input: header bytes h[0..13], then the payload.
 *   h0  bits 0-1 L3 (IPv4, IPv6, ARP, raw EtherType), 2-3 VLAN tags (0..3),
 *       4-6 802.1ad TPID for tag 0..2, 7: also cut the frame to h8 bytes
 *   h1  IPv4: bits 0-3 option words (0..10), 4 IHL override (h2), 5-7 fragment
 *       IPv6: bits 0-2 extension headers (0..7)
 *   h2  IPv4: IHL override value; IPv6: types of headers 0-3 (2 bits each);
 *       raw L3: EtherType (low 3 bits)
 *   h3  IPv4: fragment offset for modes 5/6; IPv6: types of headers 4-7
 *   h4  IPv6: bit i: header i is 24 bytes (Hdr Ext Len 2) instead of 8;
 *       fragment header: offset = h4 >> 4, M = bit 3
 *   h5  source port, h6 destination port (pick_port)
 *   h7  UDP length: bits 6-7 mode (exact, h7&63, exact+(h7&63), exact-(h7&63))
 *   h8  bits 6-7: 0 nothing, 1 cut to h8&63 bytes, 2 cut (h8&63) bytes off
 *       the end, 3 pad to 60+(h8&63)
 *   h9  XOR mask applied to byte h10 (mod length) of the final frame
 *   h11 bits 0-1 L4 (UDP, TCP, raw, UDP), bits 2-7 IP protocol override
 *   h12 IP length (IPv4 total length, IPv6 payload length), bits 6-7 mode:
 *       0 exact, 1 (h12&63) << 8 | h13, 2 exact+(h12&63), 3 exact-(h12&63):
 *       with a UDP length left exact, mode 3 ends the IP packet inside the
 *       UDP payload and the rest of it becomes bytes after the IP packet
 */
/* The IP length field frame_build() writes for s (IPv4 total, IPv6 payload). */
static size_t ip_len_exact(const struct frame_spec *s)
{
	static const size_t l4_hdr[] = { [FR_L4_UDP] = 8, [FR_L4_TCP] = 20, [FR_L4_RAW] = 0 };
	size_t len = l4_hdr[s->l4] + s->payload_len;
	int i;

	if (s->l3 == FR_L3_IPV4)
		return 20 + s->ip4_opt_len + len;
	for (i = 0; i < s->n_ext6; i++)
		len += s->ext6[i].type == FR_EXT6_FRAGMENT ? 8 : ((size_t)s->ext6[i].hdrlen + 1) * 8;
	return len;
}

static size_t build_structured(const uint8_t *h, size_t n, uint8_t *buf, size_t cap)
{
	static const uint16_t ethertypes[8] = {
		0x0800, 0x86dd, 0x8100, 0x88a8, 0x0806, 0x88b5, 0x0000, 0xffff,
	};
	static const uint8_t ext_types[4] = {
		FR_EXT6_HOPOPTS, FR_EXT6_ROUTING, FR_EXT6_FRAGMENT, FR_EXT6_DSTOPTS,
	};
	struct frame_spec s;
	uint8_t h0 = hb(h, n, 0), h1 = hb(h, n, 1), h7 = hb(h, n, 7), h8 = hb(h, n, 8);
	size_t len, payload_len = n > FUZZ_STRUCT_HDR ? n - FUZZ_STRUCT_HDR : 0;
	int i;

	frame_spec_init(&s);
	s.l3 = (enum frame_l3)(h0 & 3);
	s.n_vlan = (h0 >> 2) & 3;
	for (i = 0; i < s.n_vlan; i++)
		s.vlan_tpid[i] = (h0 >> (4 + i)) & 1 ? FR_TPID_8021AD : FR_TPID_8021Q;
	s.payload = payload_len ? h + FUZZ_STRUCT_HDR : NULL;
	s.payload_len = payload_len;
	s.sport = pick_port(hb(h, n, 5));
	s.dport = pick_port(hb(h, n, 6));
	s.l4 = (hb(h, n, 11) & 3) == 3 ? FR_L4_UDP : (enum frame_l4)(hb(h, n, 11) & 3);
	s.ip_proto = hb(h, n, 11) >> 2;

	switch (s.l3) {
	case FR_L3_IPV4:
		s.ip4_opt_len = (size_t)((h1 & 15) > 10 ? 10 : h1 & 15) * 4;
		if (h1 & 0x10)
			s.ip4_ihl = hb(h, n, 2) & 0x1f;
		switch (h1 >> 5) {
		case 1: s.ip4_frag = FR_IP4_DF; break;
		case 2: s.ip4_frag = FR_IP4_MF; break;
		case 3: s.ip4_frag = FR_IP4_OFF(1); break;
		case 4: s.ip4_frag = FR_IP4_MF | FR_IP4_OFF(185); break;
		case 5: s.ip4_frag = FR_IP4_OFF(hb(h, n, 3)); break;
		case 6: s.ip4_frag = FR_IP4_MF | FR_IP4_OFF(hb(h, n, 3)); break;
		case 7: s.ip4_frag = FR_IP4_DF | FR_IP4_OFF(8191); break;
		default: break;
		}
		break;
	case FR_L3_IPV6:
		s.n_ext6 = h1 & 7;
		for (i = 0; i < s.n_ext6; i++) {
			uint8_t t = hb(h, n, 2 + i / 4), h4 = hb(h, n, 4);

			s.ext6[i].type = ext_types[(t >> (2 * (i % 4))) & 3];
			s.ext6[i].hdrlen = (h4 >> i) & 1 ? 2 : 0;
			s.ext6[i].frag_off = h4 >> 4;
			s.ext6[i].more = (h4 >> 3) & 1;
			s.ext6[i].frag_id = 0x5151;
		}
		break;
	case FR_L3_RAW:
		s.ethertype = ethertypes[hb(h, n, 2) & 7];
		break;
	default:
		break;
	}

	switch (h7 >> 6) {
	case 1:
		s.udp_len_set = true;
		s.udp_len = h7 & 63;
		break;
	case 2:
		s.udp_len_set = true;
		s.udp_len = (uint16_t)(8 + payload_len + (h7 & 63));
		break;
	case 3:
		s.udp_len_set = true;
		s.udp_len = (uint16_t)(8 + payload_len > (h7 & 63u) ? 8 + payload_len - (h7 & 63) : 0);
		break;
	default:
		break;
	}
	if (h8 >> 6 == 3)
		s.pad_to = 60 + (h8 & 63);
	if (hb(h, n, 12) >> 6 && (s.l3 == FR_L3_IPV4 || s.l3 == FR_L3_IPV6)) {
		uint8_t h12 = hb(h, n, 12), d = h12 & 63;
		size_t exact = ip_len_exact(&s);

		s.ip_len_set = true;
		switch (h12 >> 6) {
		case 1: s.ip_len = (uint16_t)(d << 8 | hb(h, n, 13)); break;
		case 2: s.ip_len = (uint16_t)(exact + d); break;
		default: s.ip_len = (uint16_t)(exact > d ? exact - d : 0); break;
		}
	}

	len = frame_build(buf, cap, &s);
	if (!len)
		return 0;
	if (h8 >> 6 == 1 && (h8 & 63) && (size_t)(h8 & 63) < len)
		len = h8 & 63;
	else if (h8 >> 6 == 2 && (size_t)(h8 & 63) < len)
		len -= h8 & 63;
	if ((h0 & 0x80) && (size_t)h8 < len && h8)
		len = h8;
	if (hb(h, n, 9) && len)
		buf[hb(h, n, 10) % len] ^= hb(h, n, 9);
	return len;
}

/*
 * Wrapping (mode byte bits 5-7, structured.h): the inner frame in a tunnel.
 * w0, w1: the two wrap bytes after the mode byte.
 *   w0 bit 0: outer IPv6 (IP-in-IP, GRE, VXLAN, GTP-U), bit 7: one outer VLAN tag
 *   IP in IP: bit 1: the other IP protocol (4 <-> 41) than the inner version's
 *   GRE: bits 1-3: C, K, S; bit 4: w1 ORed into the flags and version word's low byte,
 *        bit 5: Protocol Type w1 << 8 | w1 instead of the inner EtherType
 *   VXLAN: bit 1: no I flag; bit 5: 4789 as the source port, not the destination
 *   GTP-U: bits 1-3: E, S, PN; bits 4-5: extension headers (0..3), each of
 *        w1 & 3 words (0: a length of 0); bit 6: message type w1; 2152 as the
 *        source port when w1 bit 7
 *   PPPoE: bit 1: PPP protocol w1 << 8 | 0x21; bit 2: VER/TYPE w1
 *   MPLS: bits 1-3: labels less one (1..8); bit 4: no S bit at all
 *   w1 bit 6 (IP in IP, GRE, VXLAN, MPLS, PPPoE): cut the frame 1..16 bytes
 *   (w1 & 15) after the tunnel header begins.
 * The inner frame's Ethernet header is kept for GRE Ethernet (kind 3) and
 * VXLAN, else the packet from its EtherType on.
 */
static size_t wrap(uint8_t kind, uint8_t w0, uint8_t w1, const uint8_t *in, size_t in_len,
		   uint8_t *buf, size_t cap)
{
	uint8_t hdr[64];
	struct frame_spec s;
	size_t hl = 0, i, skip = 14, len, at;
	uint16_t inner_type = in_len >= 14 ? (uint16_t)(in[12] << 8 | in[13]) : 0;
	bool inner6 = inner_type == 0x86dd;
	int n;

	frame_spec_init(&s);
	s.l3 = w0 & 1 ? FR_L3_IPV6 : FR_L3_IPV4;
	if (w0 & 0x80) {
		s.n_vlan = 1;
		s.vlan_id[0] = 42;
	}
	switch (kind) {
	case 1:		/* IP in IP */
		s.l4 = FR_L4_RAW;
		s.ip_proto = (inner6 ^ ((w0 >> 1) & 1)) ? 41 : 4;
		break;
	case 2:		/* GRE, IP */
	case 3:		/* GRE, Ethernet */
		s.l4 = FR_L4_RAW;
		s.ip_proto = 47;
		hdr[0] = (uint8_t)((w0 & 2 ? 0x80 : 0) | (w0 & 4 ? 0x20 : 0) | (w0 & 8 ? 0x10 : 0));
		hdr[1] = w0 & 0x10 ? w1 : 0;
		if (kind == 3) {
			hdr[2] = 0x65;
			hdr[3] = 0x58;
			skip = 0;
		} else {
			hdr[2] = (uint8_t)(inner_type >> 8);
			hdr[3] = (uint8_t)inner_type;
		}
		if (w0 & 0x20)
			hdr[2] = hdr[3] = w1;
		hl = 4;
		for (i = 0; i < (size_t)((w0 >> 1 & 1) + (w0 >> 2 & 1) + (w0 >> 3 & 1)) * 4; i++)
			hdr[hl++] = (uint8_t)(0xa0 + i);
		break;
	case 4:		/* VXLAN */
		s.sport = w0 & 0x20 ? SIPSTAT_VXLAN_PORT : 49152;
		s.dport = w0 & 0x20 ? 49152 : SIPSTAT_VXLAN_PORT;
		memset(hdr, 0, 8);
		hdr[0] = w0 & 2 ? 0 : 0x08;
		hdr[6] = 0x01;
		hl = 8;
		skip = 0;
		break;
	case 5:		/* GTP-U */
		s.sport = w1 & 0x80 ? SIPSTAT_GTPU_PORT : 49152;
		s.dport = w1 & 0x80 ? 49152 : SIPSTAT_GTPU_PORT;
		n = (w0 >> 4) & 3;
		hdr[0] = (uint8_t)(0x30 | ((w0 >> 1) & 7) | (n ? 4 : 0));
		hdr[1] = w0 & 0x40 ? w1 : 0xff;
		hdr[2] = hdr[3] = 0;
		hdr[4] = hdr[5] = hdr[6] = hdr[7] = 0x11;
		hl = 8;
		if (hdr[0] & 7) {
			hdr[hl++] = 0;
			hdr[hl++] = 1;
			hdr[hl++] = 0;
			hdr[hl++] = n ? 0x85 : 0;
			for (i = 0; i < (size_t)n; i++) {
				size_t words = w1 & 3, k;

				hdr[hl] = (uint8_t)words;
				for (k = 1; k + 1 < (words ? words * 4 : 2); k++)
					hdr[hl + k] = 0x01;
				hl += words ? words * 4 : 2;
				hdr[hl - 1] = i + 1 < (size_t)n ? 0x85 : 0;
			}
		}
		break;
	case 6:		/* PPPoE session */
	case 7:		/* MPLS */
		s.l3 = FR_L3_RAW;
		if (kind == 6) {
			s.ethertype = 0x8864;
			hdr[0] = w0 & 4 ? w1 : 0x11;
			hdr[1] = 0;
			hdr[2] = 0x12;
			hdr[3] = 0x34;
			hdr[4] = (uint8_t)((in_len - 12) >> 8);
			hdr[5] = (uint8_t)(in_len - 12);
			hdr[6] = w0 & 2 ? w1 : 0;
			hdr[7] = w0 & 2 ? 0x21 : (inner6 ? 0x57 : 0x21);
			hl = 8;
		} else {
			s.ethertype = 0x8847;
			n = 1 + ((w0 >> 1) & 7);
			for (i = 0; i < (size_t)n; i++) {
				hdr[hl++] = 0x00;
				hdr[hl++] = (uint8_t)(0x10 + i);
				hdr[hl++] = (uint8_t)(0x10 | (i + 1 == (size_t)n && !(w0 & 0x10)));
				hdr[hl++] = 64;
			}
		}
		break;
	default:
		return 0;
	}
	if (in_len < skip)
		skip = in_len;
	{
		static uint8_t payload[XDPRUN_WRAP_MAX];

		if (hl + in_len - skip > sizeof(payload))
			return 0;
		memcpy(payload, hdr, hl);
		memcpy(payload + hl, in + skip, in_len - skip);
		s.payload = payload;
		s.payload_len = hl + in_len - skip;
		len = frame_build(buf, cap, &s);
	}
	if (len && (w1 & 0x40) && kind != 5) {
		at = len - s.payload_len + (w1 & 15) + 1;
		if (at < len)
			len = at;
	}
	return len;
}

void fuzz_input_config(const uint8_t *data, struct ref_ports *cfg)
{
	*cfg = fuzz_port_sets[(data[0] >> 1) & 3];
	cfg->cseq = !(data[0] & 8);
	cfg->flags = data[0] & 16 ? 0 : SIPSTAT_CFG_TCP | SIPSTAT_CFG_ENCAP;
	cfg->known = fuzz_known;
}

/* The frame of mode byte mode (no wrap bits) and the n bytes after it. */
static size_t unwrapped_frame(uint8_t mode, const uint8_t *body, size_t n, uint8_t *buf,
			      size_t cap)
{
	if (!(mode & 1)) {
		if (n > cap)
			return 0;
		memcpy(buf, body, n);
		return n;
	}
	return build_structured(body, n, buf, cap);
}

size_t fuzz_input_frame(const uint8_t *data, size_t size, uint8_t *buf, size_t cap)
{
	static uint8_t frame[XDPRUN_WRAP_MAX];
	uint8_t kind, mode;
	size_t n;

	if (size < 1)
		return 0;
	kind = data[0] >> 5;
	mode = data[0] & 0x1f;
	if (!kind)
		return unwrapped_frame(mode, data + 1, size - 1, buf, cap);
	if (size < 3)
		return 0;
	/* The inner frame: the rest of the input read with the mode byte's low bits. */
	n = unwrapped_frame(mode, data + 3, size - 3, frame, sizeof(frame));
	return wrap(kind, data[1], data[2], frame, n, buf, cap);
}

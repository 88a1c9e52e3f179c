// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The fuzzer's input format (structured.h): raw frames, or a structured
 * header that tests/frames.c turns into a frame with the layers, lengths
 * and cuts it names, so that mutations reach deep layers quickly.
 */
#include <string.h>

#include "frames.h"
#include "structured.h"

static const uint16_t set0[] = { 5060 };
static const uint16_t set1[] = { 5060, 5062, 15060 };
static const uint16_t set2[] = { 0, 1, 63, 64, 5060, 65534, 65535 };

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

void fuzz_input_config(const uint8_t *data, struct ref_ports *cfg)
{
	*cfg = fuzz_port_sets[(data[0] >> 1) & 3];
	cfg->cseq = !(data[0] & 8);
}

size_t fuzz_input_frame(const uint8_t *data, size_t size, uint8_t *buf, size_t cap)
{
	if (size < 1)
		return 0;
	if (!(data[0] & 1)) {
		if (size - 1 > cap)
			return 0;
		memcpy(buf, data + 1, size - 1);
		return size - 1;
	}
	return build_structured(data + 1, size - 1, buf, cap);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Frame builder for the tests, the fuzzer and the benchmark.  Writes
 * network byte order by hand so it needs no kernel or libbpf headers.
 */
#include <string.h>

#include "frames.h"

#define ETH_HLEN 14
#define IP4_HLEN 20
#define IP6_HLEN 40
#define UDP_HLEN 8
#define TCP_HLEN 20
#define ARP_LEN 28

#define PROTO_TCP 6
#define PROTO_UDP 17

static const uint8_t def_dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t def_src_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t def_ip4_src[4] = { 198, 18, 0, 1 };
static const uint8_t def_ip4_dst[4] = { 198, 19, 0, 2 };
static const uint8_t def_ip6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t def_ip6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static const uint8_t *or_default(const uint8_t *v, const uint8_t *def, size_t n)
{
	return all_zero(v, n) ? def : v;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* One's complement sum of big-endian 16-bit words; an odd tail is padded. */
static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t frame_csum(const void *data, size_t len)
{
	return csum_fold(csum_add(0, data, len));
}

void frame_spec_init(struct frame_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->l3 = FR_L3_IPV4;
	s->l4 = FR_L4_UDP;
	s->sport = 5060;
	s->dport = 5060;
}

static size_t l4_len(const struct frame_spec *s)
{
	switch (s->l4) {
	case FR_L4_UDP:
		return UDP_HLEN + s->payload_len;
	case FR_L4_TCP:
		return TCP_HLEN + s->payload_len;
	default:
		return s->payload_len;
	}
}

static uint8_t l4_proto(const struct frame_spec *s)
{
	if (s->ip_proto)
		return s->ip_proto;
	return s->l4 == FR_L4_TCP ? PROTO_TCP : PROTO_UDP;
}

static size_t ext6_len(const struct frame_ext6 *e)
{
	return e->type == FR_EXT6_FRAGMENT ? 8 : ((size_t)e->hdrlen + 1) * 8;
}

/* Writes the L4 header and payload at p; pseudo is the pseudo-header sum. */
static void put_l4(uint8_t *p, const struct frame_spec *s, uint32_t pseudo)
{
	size_t len = l4_len(s);
	uint8_t *data = p;
	uint16_t c;

	switch (s->l4) {
	case FR_L4_UDP:
		put16(p, s->sport);
		put16(p + 2, s->dport);
		put16(p + 4, (uint16_t)len);
		put16(p + 6, 0);
		data = p + UDP_HLEN;
		break;
	case FR_L4_TCP:
		put16(p, s->sport);
		put16(p + 2, s->dport);
		put32(p + 4, 1);		/* seq */
		put32(p + 8, 1);		/* ack */
		p[12] = (uint8_t)((s->tcp_doff ? s->tcp_doff : TCP_HLEN / 4) << 4);
		p[13] = 0x18;			/* PSH | ACK */
		put16(p + 14, 65535);		/* window */
		put16(p + 16, 0);
		put16(p + 18, 0);
		data = p + TCP_HLEN;
		break;
	default:
		break;
	}
	if (s->payload_len)
		memcpy(data, s->payload, s->payload_len);

	if (s->l4 == FR_L4_RAW)
		return;
	c = csum_fold(csum_add(pseudo, p, len));
	if (s->l4 == FR_L4_UDP) {
		put16(p + 6, c ? c : 0xffff);
		if (s->udp_len_set)
			put16(p + 4, s->udp_len);
	} else {
		put16(p + 16, c);
	}
}

static size_t put_ipv4(uint8_t *p, size_t room, const struct frame_spec *s)
{
	const uint8_t *src = or_default(s->ip4_src, def_ip4_src, 4);
	const uint8_t *dst = or_default(s->ip4_dst, def_ip4_dst, 4);
	size_t hlen = IP4_HLEN + s->ip4_opt_len, total = hlen + l4_len(s);
	uint8_t pseudo[12];

	if (s->ip4_opt_len % 4 || s->ip4_opt_len > FRAME_MAX_IP4_OPT ||
	    total > 65535 || total > room)
		return 0;
	p[0] = 0x40 | (s->ip4_ihl ? s->ip4_ihl & 0xf : (uint8_t)(hlen / 4));
	p[1] = 0;
	put16(p + 2, (uint16_t)total);
	put16(p + 4, 0x5151);
	put16(p + 6, s->ip4_frag);
	p[8] = s->ttl ? s->ttl : 64;
	p[9] = l4_proto(s);
	put16(p + 10, 0);
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	if (s->ip4_opt_len) {
		if (s->ip4_opts)
			memcpy(p + IP4_HLEN, s->ip4_opts, s->ip4_opt_len);
		else
			memset(p + IP4_HLEN, 1, s->ip4_opt_len);	/* NOP */
	}
	if (s->ip_len_set)
		put16(p + 2, s->ip_len);
	put16(p + 10, frame_csum(p, hlen));

	memcpy(pseudo, src, 4);
	memcpy(pseudo + 4, dst, 4);
	pseudo[8] = 0;
	pseudo[9] = p[9];
	put16(pseudo + 10, (uint16_t)l4_len(s));
	put_l4(p + hlen, s, csum_add(0, pseudo, sizeof(pseudo)));
	return total;
}

static size_t put_ipv6(uint8_t *p, size_t room, const struct frame_spec *s)
{
	const uint8_t *src = or_default(s->ip6_src, def_ip6_src, 16);
	const uint8_t *dst = or_default(s->ip6_dst, def_ip6_dst, 16);
	size_t ext = 0, plen, off;
	uint8_t proto = l4_proto(s), pseudo[40];
	int i;

	if (s->n_ext6 < 0 || s->n_ext6 > FRAME_MAX_EXT6)
		return 0;
	for (i = 0; i < s->n_ext6; i++)
		ext += ext6_len(&s->ext6[i]);
	plen = ext + l4_len(s);
	if (plen > 65535 || IP6_HLEN + plen > room)
		return 0;

	put32(p, 6u << 28);
	put16(p + 4, (uint16_t)plen);
	p[6] = s->n_ext6 ? s->ext6[0].type : proto;
	p[7] = s->ttl ? s->ttl : 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);

	off = IP6_HLEN;
	for (i = 0; i < s->n_ext6; i++) {
		const struct frame_ext6 *e = &s->ext6[i];
		uint8_t *h = p + off;
		size_t len = ext6_len(e);

		memset(h, 0, len);
		h[0] = i + 1 < s->n_ext6 ? s->ext6[i + 1].type : proto;
		switch (e->type) {
		case FR_EXT6_FRAGMENT:
			put16(h + 2, (uint16_t)((e->frag_off & 0x1fff) << 3 | (e->more ? 1 : 0)));
			put32(h + 4, e->frag_id);
			break;
		case FR_EXT6_ROUTING:
			h[1] = e->hdrlen;
			h[2] = 253;		/* RFC 4727 experimental type */
			h[3] = 0;		/* segments left */
			break;
		default:			/* hop-by-hop, destination options */
			h[1] = e->hdrlen;
			h[2] = 1;		/* PadN over the rest */
			h[3] = (uint8_t)(len - 4);
			break;
		}
		off += len;
	}

	memcpy(pseudo, src, 16);
	memcpy(pseudo + 16, dst, 16);
	put32(pseudo + 32, (uint32_t)l4_len(s));
	pseudo[36] = pseudo[37] = pseudo[38] = 0;
	pseudo[39] = proto;
	put_l4(p + off, s, csum_add(0, pseudo, sizeof(pseudo)));
	if (s->ip_len_set)
		put16(p + 4, s->ip_len);
	return IP6_HLEN + plen;
}

static size_t put_arp(uint8_t *p, size_t room, const struct frame_spec *s)
{
	if (room < ARP_LEN)
		return 0;
	put16(p, 1);			/* Ethernet */
	put16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, 1);		/* request */
	memcpy(p + 8, or_default(s->src_mac, def_src_mac, 6), 6);
	memcpy(p + 14, or_default(s->ip4_src, def_ip4_src, 4), 4);
	memset(p + 18, 0, 6);
	memcpy(p + 24, or_default(s->ip4_dst, def_ip4_dst, 4), 4);
	return ARP_LEN;
}

size_t frame_build(void *buf, size_t cap, const struct frame_spec *s)
{
	uint8_t *p = buf;
	size_t off, n;
	uint16_t type;
	int i;

	if (s->n_vlan < 0 || s->n_vlan > FRAME_MAX_VLAN)
		return 0;
	if (cap < ETH_HLEN + 4 * (size_t)s->n_vlan)
		return 0;
	if (s->payload_len && !s->payload)
		return 0;

	memcpy(p, or_default(s->dst_mac, def_dst_mac, 6), 6);
	memcpy(p + 6, or_default(s->src_mac, def_src_mac, 6), 6);
	off = 12;
	for (i = 0; i < s->n_vlan; i++) {
		put16(p + off, s->vlan_tpid[i] ? s->vlan_tpid[i] : FR_TPID_8021Q);
		put16(p + off + 2, s->vlan_id[i] & 0x0fff);
		off += 4;
	}

	switch (s->l3) {
	case FR_L3_IPV4:
		type = 0x0800;
		n = put_ipv4(p + off + 2, cap - off - 2, s);
		break;
	case FR_L3_IPV6:
		type = 0x86dd;
		n = put_ipv6(p + off + 2, cap - off - 2, s);
		break;
	case FR_L3_ARP:
		type = 0x0806;
		n = put_arp(p + off + 2, cap - off - 2, s);
		break;
	case FR_L3_RAW:
		type = s->ethertype;
		n = s->payload_len;
		if (n > cap - off - 2)
			return 0;
		if (n)
			memcpy(p + off + 2, s->payload, n);
		break;
	default:
		return 0;
	}
	if (!n && s->l3 != FR_L3_RAW)
		return 0;
	put16(p + off, type);
	off += 2 + n;

	if (s->pad_to > off) {
		if (s->pad_to > cap)
			return 0;
		memset(p + off, 0, s->pad_to - off);
		off = s->pad_to;
	}
	if (s->cut_to && s->cut_to < off)
		off = s->cut_to;
	return off;
}

size_t frame_udp4(void *buf, size_t cap, uint16_t sport, uint16_t dport,
		  const void *payload, size_t len)
{
	struct frame_spec s;

	frame_spec_init(&s);
	s.sport = sport;
	s.dport = dport;
	s.payload = payload;
	s.payload_len = len;
	return frame_build(buf, cap, &s);
}

size_t frame_udp6(void *buf, size_t cap, uint16_t sport, uint16_t dport,
		  const void *payload, size_t len)
{
	struct frame_spec s;

	frame_spec_init(&s);
	s.l3 = FR_L3_IPV6;
	s.sport = sport;
	s.dport = dport;
	s.payload = payload;
	s.payload_len = len;
	return frame_build(buf, cap, &s);
}

size_t frame_tcp4(void *buf, size_t cap, uint16_t sport, uint16_t dport,
		  const void *payload, size_t len)
{
	struct frame_spec s;

	frame_spec_init(&s);
	s.l4 = FR_L4_TCP;
	s.sport = sport;
	s.dport = dport;
	s.payload = payload;
	s.payload_len = len;
	return frame_build(buf, cap, &s);
}

size_t frame_arp(void *buf, size_t cap)
{
	struct frame_spec s;

	frame_spec_init(&s);
	s.l3 = FR_L3_ARP;
	return frame_build(buf, cap, &s);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Writes the small captures of tests/data/ (see README.md there) with
 * libpcap's pcap_dump, from frames composed with tests/frames.c: SIP
 * responses inside each tunnel the parser knows, SIP over TCP, IP
 * fragments, VLAN tags, and the same traffic under the Linux cooked (SLL,
 * SLL2) and raw IP link types.  Addresses from 198.18.0.0/15 and
 * 2001:db8::/32 only.
 *
 *   gen_captures DIR            every capture into DIR
 *   gen_captures --bench FILE N N SIP responses (Ethernet, IPv4) into FILE
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "frames.h"

#define CAP 4096

struct out {
	pcap_t *p;
	pcap_dumper_t *d;
	int dlt;
	long sec;		/* one frame per millisecond from a fixed time */
	long usec;
};

static void out_open(struct out *o, const char *dir, const char *name, int dlt)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
	o->dlt = dlt;
	o->sec = 1767225600;	/* 2026-01-01T00:00:00Z */
	o->usec = 0;
	o->p = pcap_open_dead(dlt, 65535);
	o->d = o->p ? pcap_dump_open(o->p, path) : NULL;
	if (!o->d) {
		fprintf(stderr, "gen_captures: cannot write %s: %s\n", path,
			o->p ? pcap_geterr(o->p) : "pcap_open_dead failed");
		exit(1);
	}
}

static void out_close(struct out *o)
{
	pcap_dump_close(o->d);
	pcap_close(o->p);
}

/* One Ethernet frame, written as the link type of o asks. */
static void put(struct out *o, const unsigned char *eth, size_t len)
{
	static unsigned char b[9200];
	struct pcap_pkthdr h;
	size_t n = 0;

	if (len < 14)
		return;
	switch (o->dlt) {
	case DLT_LINUX_SLL:	/* packet type 0 (to us), ARPHRD_ETHER, 6-byte address */
		memset(b, 0, 16);
		b[3] = 1;
		b[5] = 6;
		memcpy(b + 6, eth + 6, 6);
		memcpy(b + 14, eth + 12, 2);
		memcpy(b + 16, eth + 14, len - 14);
		n = len + 2;
		break;
	case DLT_LINUX_SLL2:
		memset(b, 0, 20);
		memcpy(b, eth + 12, 2);
		b[7] = 2;	/* ifindex */
		b[9] = 1;	/* ARPHRD_ETHER */
		b[11] = 6;
		memcpy(b + 12, eth + 6, 6);
		memcpy(b + 20, eth + 14, len - 14);
		n = len + 6;
		break;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		memcpy(b, eth + 14, len - 14);
		n = len - 14;
		break;
	default:
		memcpy(b, eth, len);
		n = len;
		break;
	}
	h.ts.tv_sec = o->sec;
	h.ts.tv_usec = o->usec;
	h.caplen = h.len = (bpf_u_int32)n;
	pcap_dump((u_char *)o->d, &h, b);
	o->usec += 1000;
	if (o->usec >= 1000000) {
		o->usec = 0;
		o->sec++;
	}
}

static const char *const methods[] = { "INVITE", "REGISTER", "OPTIONS", "BYE", "SUBSCRIBE" };

/* "SIP/2.0 code reason" with a CSeq of method and a few headers. */
static size_t response(char *buf, size_t cap, int code, const char *method, int body)
{
	int n = snprintf(buf, cap,
			 "SIP/2.0 %d Reason\r\n"
			 "Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK-%d\r\n"
			 "From: <sip:a@198.18.0.1>;tag=1\r\n"
			 "To: <sip:b@198.19.0.2>;tag=2\r\n"
			 "Call-ID: %d-%s@198.18.0.1\r\n"
			 "CSeq: 1 %s\r\n"
			 "Content-Length: %d\r\n\r\n",
			 code, code, code, method, method, body);

	if (n < 0 || (size_t)n + (size_t)body >= cap)
		return 0;
	memset(buf + n, 'v', (size_t)body);
	return (size_t)n + (size_t)body;
}

static size_t request(char *buf, size_t cap, const char *method)
{
	int n = snprintf(buf, cap,
			 "%s sip:b@198.19.0.2 SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK-r\r\n"
			 "CSeq: 1 %s\r\nContent-Length: 0\r\n\r\n",
			 method, method);

	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* An IP packet (no Ethernet header) of UDP 5060 carrying payload. */
static size_t inner_ip(unsigned char *buf, size_t cap, bool v6, const char *pl, size_t plen)
{
	unsigned char f[CAP];
	struct frame_spec s;
	size_t n;

	frame_spec_init(&s);
	s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
	s.payload = pl;
	s.payload_len = plen;
	n = frame_build(f, sizeof(f), &s);
	if (n <= 14 || n - 14 > cap)
		return 0;
	memcpy(buf, f + 14, n - 14);
	return n - 14;
}

static size_t inner_eth(unsigned char *buf, size_t cap, int nvlan, const char *pl, size_t plen)
{
	struct frame_spec s;

	frame_spec_init(&s);
	s.n_vlan = nvlan;
	s.vlan_id[0] = 7;
	s.payload = pl;
	s.payload_len = plen;
	return frame_build(buf, cap, &s);
}

struct tunnel {
	const char *name;
	int outer6;		/* outer IPv6 */
	int ipproto;		/* outer IP protocol (raw payload), or 0 */
	uint16_t ethertype;	/* outer EtherType with a raw payload, or 0 */
	uint16_t udp;		/* outer UDP destination port, or 0 */
	const unsigned char *hdr;
	size_t hlen;
	int inner;		/* 4, 6 or 'e' */
};

static const unsigned char gre_ip4[] = { 0x00, 0x00, 0x08, 0x00 };
static const unsigned char gre_ip6[] = { 0x00, 0x00, 0x86, 0xdd };
static const unsigned char gre_ks[] = { 0x30, 0x00, 0x08, 0x00, 0, 0, 0, 42, 0, 0, 0, 7 };
static const unsigned char gre_teb[] = { 0x20, 0x00, 0x65, 0x58, 0, 0, 0, 9 };
static const unsigned char vxlan[] = { 0x08, 0, 0, 0, 0, 0, 0x2a, 0 };
static const unsigned char gtpu[] = { 0x30, 0xff, 0x00, 0x00, 0, 0, 0, 1 };
static const unsigned char pppoe4[] = { 0x11, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x21 };
static const unsigned char pppoe6[] = { 0x11, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x57 };
static const unsigned char mpls1[] = { 0x00, 0x01, 0x01, 0x40 };
static const unsigned char mpls2[] = { 0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40 };

#define H(x) x, sizeof(x)
static const struct tunnel tunnels[] = {
	{ "ipip 4in4", 0, 4, 0, 0, NULL, 0, 4 },
	{ "ipip 6in4", 0, 41, 0, 0, NULL, 0, 6 },
	{ "ipip 4in6", 1, 4, 0, 0, NULL, 0, 4 },
	{ "ipip 6in6", 1, 41, 0, 0, NULL, 0, 6 },
	{ "gre ipv4", 0, 47, 0, 0, H(gre_ip4), 4 },
	{ "gre ipv6", 0, 47, 0, 0, H(gre_ip6), 6 },
	{ "gre key seq", 0, 47, 0, 0, H(gre_ks), 4 },
	{ "gre ethernet", 0, 47, 0, 0, H(gre_teb), 'e' },
	{ "gre over ipv6", 1, 47, 0, 0, H(gre_ip4), 4 },
	{ "vxlan", 0, 0, 0, 4789, H(vxlan), 'e' },
	{ "vxlan over ipv6", 1, 0, 0, 4789, H(vxlan), 'e' },
	{ "gtpu ipv4", 0, 0, 0, 2152, H(gtpu), 4 },
	{ "gtpu ipv6", 0, 0, 0, 2152, H(gtpu), 6 },
	{ "pppoe ipv4", 0, 0, 0x8864, 0, H(pppoe4), 4 },
	{ "pppoe ipv6", 0, 0, 0x8864, 0, H(pppoe6), 6 },
	{ "mpls 1 label", 0, 0, 0x8847, 0, H(mpls1), 4 },
	{ "mpls 2 labels ipv6", 0, 0, 0x8847, 0, H(mpls2), 6 },
};

/* One SIP message (pl) inside tunnel t, as an Ethernet frame. */
static size_t tunnel_frame(unsigned char *buf, size_t cap, const struct tunnel *t, const char *pl,
			   size_t plen)
{
	unsigned char in[CAP], body[CAP];
	struct frame_spec s;
	size_t n, hl;

	n = t->inner == 'e' ? inner_eth(in, sizeof(in), 0, pl, plen) :
			      inner_ip(in, sizeof(in), t->inner == 6, pl, plen);
	hl = t->hlen;
	if (!n || hl + n > sizeof(body)) {
		fprintf(stderr, "gen_captures: %s: the frame does not fit\n", t->name);
		exit(1);
	}
	memcpy(body, t->hdr, hl);
	memcpy(body + hl, in, n);
	/* Length fields of GTP-U (octets after the first 8) and PPPoE (after 6). */
	if (t->udp == 2152) {
		body[2] = (unsigned char)((hl + n - 8) >> 8);
		body[3] = (unsigned char)(hl + n - 8);
	}
	if (t->ethertype == 0x8864) {
		body[4] = (unsigned char)((hl + n - 6) >> 8);
		body[5] = (unsigned char)(hl + n - 6);
	}
	frame_spec_init(&s);
	s.l3 = t->outer6 ? FR_L3_IPV6 : FR_L3_IPV4;
	if (t->ipproto) {
		s.l4 = FR_L4_RAW;
		s.ip_proto = (uint8_t)t->ipproto;
	} else if (t->ethertype) {
		s.l3 = FR_L3_RAW;
		s.ethertype = t->ethertype;
	} else {
		s.sport = 40000;
		s.dport = t->udp;
	}
	s.payload = body;
	s.payload_len = hl + n;
	return frame_build(buf, cap, &s);
}

static void gen_tunnels(const char *dir)
{
	unsigned char f[CAP];
	char pl[CAP];
	struct out o;
	size_t i, n, len;
	int k = 0;

	out_open(&o, dir, "tunnels.pcap", DLT_EN10MB);
	for (i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++) {
		/* A request, then responses with codes of their own per tunnel. */
		n = request(pl, sizeof(pl), "INVITE");
		len = tunnel_frame(f, sizeof(f), &tunnels[i], pl, n);
		put(&o, f, len);
		n = response(pl, sizeof(pl), 100, "INVITE", 0);
		put(&o, f, tunnel_frame(f, sizeof(f), &tunnels[i], pl, n));
		n = response(pl, sizeof(pl), 180 + (int)i % 4, "INVITE", 0);
		put(&o, f, tunnel_frame(f, sizeof(f), &tunnels[i], pl, n));
		n = response(pl, sizeof(pl), 400 + (int)i, methods[k++ % 5], 0);
		put(&o, f, tunnel_frame(f, sizeof(f), &tunnels[i], pl, n));
	}
	out_close(&o);
}

/*
 * Move a built TCP segment's sequence number on by add (frames.c starts
 * every segment at 1), with the checksum updated (RFC 1624).
 */
static void tcp_seq_add(unsigned char *f, bool v6, uint32_t add)
{
	unsigned char *t = f + 14 + (v6 ? 40 : 20);
	uint32_t old = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
	uint32_t new = old + add, sum;

	t[4] = (unsigned char)(new >> 24);
	t[5] = (unsigned char)(new >> 16);
	t[6] = (unsigned char)(new >> 8);
	t[7] = (unsigned char)new;
	sum = (uint16_t)~(t[16] << 8 | t[17]);
	sum += (uint16_t)~(old >> 16) + (uint16_t)~old + (new >> 16) + (new & 0xffff);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = (uint16_t)~sum;
	t[16] = (unsigned char)(sum >> 8);
	t[17] = (unsigned char)sum;
}

/* SIP over TCP on 5060: segments that start a message, and one that goes on. */
static void gen_tcp(const char *dir)
{
	unsigned char f[CAP];
	char pl[CAP];
	struct frame_spec s;
	struct out o;
	size_t n, len;
	int i;

	out_open(&o, dir, "sip-tcp.pcap", DLT_EN10MB);
	for (i = 0; i < 12; i++) {
		int code = (int[]){ 100, 180, 200, 486, 503, 603 }[i % 6];

		frame_spec_init(&s);
		s.l4 = FR_L4_TCP;
		s.l3 = i % 3 == 2 ? FR_L3_IPV6 : FR_L3_IPV4;
		s.sport = 5060;
		s.dport = (uint16_t)(41000 + i);
		if (i % 4 == 3) {
			/* A response in two segments: the status line in the first. */
			n = response(pl, sizeof(pl), code, methods[i % 5], 600);
			s.payload = pl;
			s.payload_len = 300;
			put(&o, f, frame_build(f, sizeof(f), &s));
			s.payload = pl + 300;
			s.payload_len = n - 300;
			len = frame_build(f, sizeof(f), &s);
			tcp_seq_add(f, s.l3 == FR_L3_IPV6, 300);
			put(&o, f, len);
		} else {
			n = response(pl, sizeof(pl), code, methods[i % 5], 0);
			s.payload = pl;
			s.payload_len = n;
			put(&o, f, frame_build(f, sizeof(f), &s));
		}
	}
	/* A request over TCP. */
	frame_spec_init(&s);
	s.l4 = FR_L4_TCP;
	s.sport = 41999;
	s.dport = 5060;
	n = request(pl, sizeof(pl), "REGISTER");
	s.payload = pl;
	s.payload_len = n;
	put(&o, f, frame_build(f, sizeof(f), &s));
	out_close(&o);
}

/*
 * Responses too long for one packet, sent as IP fragments: IPv6 with a
 * fragment header and IPv4 with MF and offsets.  The first fragment holds
 * the UDP header and the status line.
 */
static void gen_frags(const char *dir)
{
	unsigned char f[CAP], pkt[CAP];
	char pl[CAP];
	struct frame_spec s;
	struct out o;
	size_t n, udplen, first;
	int i;

	out_open(&o, dir, "ip-frags.pcap", DLT_EN10MB);
	for (i = 0; i < 6; i++) {
		bool v6 = i % 2 == 0;
		int code = 200 + i;

		n = response(pl, sizeof(pl), code, methods[i % 5], 1800);
		/* The whole UDP datagram, from an unfragmented build. */
		frame_spec_init(&s);
		s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
		s.payload = pl;
		s.payload_len = n;
		n = frame_build(pkt, sizeof(pkt), &s);
		udplen = n - 14 - (v6 ? 40 : 20);
		first = 1232;	/* a multiple of 8 */
		frame_spec_init(&s);
		s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
		s.l4 = FR_L4_RAW;
		s.ip_proto = 17;
		if (v6) {
			s.n_ext6 = 1;
			s.ext6[0].type = FR_EXT6_FRAGMENT;
			s.ext6[0].frag_id = 0x1000u + (unsigned)i;
			s.ext6[0].more = true;
		} else {
			s.ip4_frag = FR_IP4_MF;
		}
		s.payload = pkt + n - udplen;
		s.payload_len = first;
		put(&o, f, frame_build(f, sizeof(f), &s));
		if (v6) {
			s.ext6[0].more = false;
			s.ext6[0].frag_off = (uint16_t)(first / 8);
		} else {
			s.ip4_frag = FR_IP4_OFF(first / 8);
		}
		s.payload = pkt + n - udplen + first;
		s.payload_len = udplen - first;
		put(&o, f, frame_build(f, sizeof(f), &s));
	}
	out_close(&o);
}

/* Plain SIP on UDP, with and without VLAN tags, IPv4 and IPv6. */
static void gen_plain(struct out *o, bool vlans)
{
	static const int codes[] = { 100, 180, 183, 200, 302, 401, 404, 408, 480, 486, 487,
				     500, 503, 600, 603 };
	unsigned char f[CAP];
	char pl[CAP];
	struct frame_spec s;
	size_t i, n;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]) * 2; i++) {
		frame_spec_init(&s);
		s.l3 = i % 2 ? FR_L3_IPV6 : FR_L3_IPV4;
		if (vlans) {
			s.n_vlan = (int)(i % 3);
			s.vlan_tpid[0] = s.n_vlan == 2 ? FR_TPID_8021AD : 0;
			s.vlan_id[0] = 100;
			s.vlan_id[1] = 200;
		}
		if (i % 5 == 4)
			n = request(pl, sizeof(pl), methods[i % 5]);
		else
			n = response(pl, sizeof(pl), codes[i % 15], methods[i % 5], (int)(i * 7 % 40));
		s.payload = pl;
		s.payload_len = n;
		put(o, f, frame_build(f, sizeof(f), &s));
	}
}

static void gen_links(const char *dir)
{
	static const struct {
		const char *name;
		int dlt;
	} links[] = {
		{ "vlan.pcap", DLT_EN10MB },
		{ "link-sll.pcap", DLT_LINUX_SLL },
		{ "link-sll2.pcap", DLT_LINUX_SLL2 },
		{ "link-raw.pcap", DLT_RAW },
	};
	struct out o;
	size_t i;

	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		out_open(&o, dir, links[i].name, links[i].dlt);
		gen_plain(&o, i == 0);
		out_close(&o);
	}
}

/*
 * Jumbo frames: responses with a body that makes the frame near 9000 bytes,
 * longer than one test run takes, between two ordinary ones.
 */
static void gen_jumbo(const char *dir)
{
	static unsigned char f[9200];
	static char pl[9200];
	struct frame_spec s;
	struct out o;
	size_t n;
	int i;

	out_open(&o, dir, "jumbo.pcap", DLT_EN10MB);
	for (i = 0; i < 3; i++) {
		frame_spec_init(&s);
		s.l3 = i == 2 ? FR_L3_IPV6 : FR_L3_IPV4;
		n = response(pl, sizeof(pl), 183 + i * 100, methods[i], i == 1 ? 100 : 8600);
		s.payload = pl;
		s.payload_len = n;
		n = frame_build(f, sizeof(f), &s);
		put(&o, f, n);
	}
	out_close(&o);
}

/* n responses, ten codes and methods in turn: the benchmark's capture. */
static int gen_bench(const char *path, long count)
{
	static const int codes[] = { 100, 180, 183, 200, 200, 401, 404, 486, 503, 603 };
	unsigned char f[10][CAP];
	size_t len[10];
	char pl[CAP];
	struct frame_spec s;
	struct out o;
	long i;
	int k;

	for (k = 0; k < 10; k++) {
		size_t n = response(pl, sizeof(pl), codes[k], methods[k % 5], 0);

		frame_spec_init(&s);
		s.sport = 5060;
		s.dport = (uint16_t)(40000 + k);
		s.payload = pl;
		s.payload_len = n;
		len[k] = frame_build(f[k], sizeof(f[k]), &s);
	}
	out_open(&o, NULL, path, DLT_EN10MB);
	for (i = 0; i < count; i++) {
		put(&o, f[i % 10], len[i % 10]);
		o.usec -= 990;	/* 100000 frames per second */
	}
	out_close(&o);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--bench"))
		return gen_bench(argv[2], strtol(argv[3], NULL, 10));
	if (argc != 2) {
		fprintf(stderr, "usage: gen_captures DIR | gen_captures --bench FILE COUNT\n");
		return 2;
	}
	gen_tunnels(argv[1]);
	gen_tcp(argv[1]);
	gen_frags(argv[1]);
	gen_links(argv[1]);
	gen_jumbo(argv[1]);
	return 0;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Seed corpus for fuzz_xdp, built with tests/frames.c: every layer the
 * parser walks (VLAN tags, IPv4 options and fragments, IPv6 extension
 * headers and fragments, cuts at every header boundary, UDP length and
 * padding) and every status-line edge (codes at the class bounds, each
 * prefix length, bad versions, case, digits, spaces, request methods).
 *
 * Raw-mode seeds: mode byte 0x00 (port set {5060}) or 0x06 (every port),
 * then the frame.  A few structured-mode seeds too (mode byte odd).
 *
 *   gen_corpus DIR     writes DIR/seed-NNNN (DIR must exist); prints the count
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"

#define CAP 2048

static const char *dir;
static int nseeds;

static void write_seed(uint8_t mode, const uint8_t *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%04d", dir, nseeds++);
	f = fopen(path, "wb");
	if (!f || fwrite(&mode, 1, 1, f) != 1 || (len && fwrite(p, 1, len, f) != len) ||
	    fclose(f)) {
		fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* The frame of spec s, raw mode, port set {5060}; every shorter cut too if cuts. */
static void seed_spec(const struct frame_spec *s, int cuts)
{
	uint8_t buf[CAP];
	size_t len = frame_build(buf, sizeof(buf), s), n;

	if (!len) {
		fprintf(stderr, "gen_corpus: frame_build failed\n");
		exit(1);
	}
	write_seed(0x00, buf, len);
	if (cuts)
		for (n = 1; n < len && n <= 14 + 8 + 40 + 48 + 8 + 13; n += cuts)
			write_seed(0x00, buf, n);
}

static void seed_payload(const char *payload, size_t len, int v6)
{
	struct frame_spec s;

	frame_spec_init(&s);
	s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
	s.payload = payload;
	s.payload_len = len;
	seed_spec(&s, 0);
}

static const char *const payloads[] = {
	"SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
	"SIP/2.0 100 Trying\r\n", "SIP/2.0 199 x\r\n", "SIP/2.0 699 x\r\n",
	"SIP/2.0 603 Decline\r\n", "SIP/2.0 486 Busy Here\r\n", "SIP/2.0 099 x\r\n",
	"SIP/2.0 700 x\r\n", "SIP/2.0 000 x\r\n", "SIP/2.0 2x0 x\r\n", "SIP/2.0 20x x\r\n",
	"SIP/2.0 1000 x\r\n", "sip/2.0 200 OK\r\n", "Sip/2.0 200 OK\r\n", "SIP/2.1 200 OK\r\n",
	"SIP/3.0 200 OK\r\n", "SIP/2.0200 OK\r\n", "SIP/2.0 200OK\r\n", "SIP/2.0  200 OK\r\n",
	"SIP/2.0 200\r\n", "SIP/2.0 200 ", "SIP/2.0 7", "SIP/2.0 0", "SIP/2.0 2x", "SIP/2.1",
	"sip/2.0 2", "SIP/2.0 2", "si", "SI", "S", "s", "SIPS", "\r\n\r\n", "\r\n", "x",
	"INVITE sip:bob@example.com SIP/2.0\r\n", "ACK sip:bob@example.com SIP/2.0\r\n",
	"BYE sip:b@x SIP/2.0\r\n", "CANCEL sip:b@x SIP/2.0\r\n",
	"REGISTER sip:example.com SIP/2.0\r\n", "OPTIONS sip:b@x SIP/2.0\r\n",
	"PRACK sip:b@x SIP/2.0\r\n", "SUBSCRIBE sip:b@x SIP/2.0\r\n",
	"NOTIFY sip:b@x SIP/2.0\r\n", "PUBLISH sip:b@x SIP/2.0\r\n", "INFO sip:b@x SIP/2.0\r\n",
	"REFER sip:b@x SIP/2.0\r\n", "MESSAGE sip:b@x SIP/2.0\r\n", "UPDATE sip:b@x SIP/2.0\r\n",
	"FOO sip:x SIP/2.0\r\n", "invite sip:b@x SIP/2.0\r\n", "INVITEsip:b@x SIP/2.0\r\n",
	"REGISTERED sip:x SIP/2.0\r\n", "SUBSCRIBEx sip:x\r\n", "ACK x", "REGISTER x",
	"\x00\x01\x00\x00\x21\x12\xa4\x42stunstunstun",
};

static void seed_payloads(void)
{
	static const char line[] = "SIP/2.0 200 OK\r\n";
	size_t i, n;

	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		seed_payload(payloads[i], strlen(payloads[i]), 0);
		if (i % 4 == 0)
			seed_payload(payloads[i], strlen(payloads[i]), 1);
	}
	for (n = 0; n <= 13; n++)
		seed_payload(line, n, (int)(n & 1));
}

static void seed_layers(void)
{
	static const char ok[] = "SIP/2.0 200 OK\r\n\r\n";
	static const uint8_t types[] = { FR_EXT6_HOPOPTS, FR_EXT6_ROUTING, FR_EXT6_FRAGMENT,
					 FR_EXT6_DSTOPTS };
	struct frame_spec s;
	int i, j;

#define BASE()                                                                 \
	do {                                                                   \
		frame_spec_init(&s);                                           \
		s.payload = ok;                                                \
		s.payload_len = sizeof(ok) - 1;                                \
	} while (0)

	/* VLAN: 0..3 tags, both TPIDs, IPv4 and IPv6; cuts through the tags. */
	for (i = 0; i <= 3; i++) {
		for (j = 0; j < 2; j++) {
			BASE();
			s.n_vlan = i;
			s.vlan_tpid[0] = j ? FR_TPID_8021AD : FR_TPID_8021Q;
			s.vlan_tpid[1] = s.vlan_tpid[2] = FR_TPID_8021Q;
			s.l3 = j ? FR_L3_IPV6 : FR_L3_IPV4;
			seed_spec(&s, i ? 3 : 0);
		}
	}
	/* IPv4 options, IHL overrides, fragments; cuts at every length. */
	for (i = 0; i <= 40; i += 8) {
		BASE();
		s.ip4_opt_len = (size_t)i;
		seed_spec(&s, i == 40 ? 1 : 0);
	}
	for (i = 0; i < 16; i += 3) {
		BASE();
		s.ip4_ihl = i ? (uint8_t)i : 0x10;
		seed_spec(&s, 0);
	}
	{
		static const uint16_t frag[] = { FR_IP4_DF, FR_IP4_MF, FR_IP4_OFF(1),
						 FR_IP4_MF | FR_IP4_OFF(185), FR_IP4_OFF(8191) };

		for (i = 0; i < (int)(sizeof(frag) / sizeof(frag[0])); i++) {
			BASE();
			s.ip4_frag = frag[i];
			if (frag[i] & 0x1fff)
				s.l4 = FR_L4_RAW;
			seed_spec(&s, 0);
			s.ip_proto = 6;
			seed_spec(&s, 0);
		}
	}
	/* IPv6: each extension header type alone, long ones, chains of 1..6. */
	for (i = 0; i < 4; i++) {
		BASE();
		s.l3 = FR_L3_IPV6;
		s.n_ext6 = 1;
		s.ext6[0].type = types[i];
		s.ext6[0].hdrlen = 2;
		seed_spec(&s, i == 0 ? 2 : 0);
	}
	for (i = 1; i <= 6; i++) {
		BASE();
		s.l3 = FR_L3_IPV6;
		s.n_ext6 = i;
		for (j = 0; j < i; j++)
			s.ext6[j].type = types[(i + j) % 4];
		seed_spec(&s, 0);
	}
	for (i = 0; i < 4; i++) {
		BASE();
		s.l3 = FR_L3_IPV6;
		s.n_ext6 = 2;
		s.ext6[0].type = FR_EXT6_HOPOPTS;
		s.ext6[1].type = FR_EXT6_FRAGMENT;
		s.ext6[1].frag_off = (uint16_t)(i & 1 ? 185 : 0);
		s.ext6[1].more = i & 2;
		if (i & 1)
			s.l4 = FR_L4_RAW;
		seed_spec(&s, 0);
		s.ip_proto = 6;
		seed_spec(&s, 0);
	}
	/* UDP length and padding; ports; TCP, ARP, raw EtherTypes. */
	for (i = 0; i < 6; i++) {
		static const uint16_t ulen[] = { 0, 7, 8, 9, 19, 1200 };

		BASE();
		s.udp_len_set = true;
		s.udp_len = ulen[i];
		seed_spec(&s, 0);
	}
	BASE();
	s.payload = "SIP/2";
	s.payload_len = 5;
	s.pad_to = 60;
	seed_spec(&s, 0);
	BASE();
	s.sport = 40000;
	seed_spec(&s, 0);
	s.dport = 5062;
	seed_spec(&s, 0);
	BASE();
	s.l4 = FR_L4_TCP;
	seed_spec(&s, 0);
	BASE();
	s.l3 = FR_L3_ARP;
	s.pad_to = 60;
	seed_spec(&s, 0);
	BASE();
	s.l3 = FR_L3_RAW;
	s.ethertype = 0x88b5;
	seed_spec(&s, 0);
#undef BASE
}

static void seed_structured(void)
{
	static const uint8_t hdrs[][15] = {
		/* mode, h0..h13 */
		{ 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },	/* IPv4 5060 */
		{ 0x01, 0x01, 0x04, 0xb4, 0, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, /* IPv6, 4 ext */
		{ 0x03, 0x08, 0x0a, 0, 0, 0, 0x02, 0x05, 0, 0, 0, 0, 0, 0, 0 }, /* 2 VLAN, opts */
		{ 0x07, 0x01, 0x05, 0x2c, 0x3c, 0x18, 0x31, 0x22, 0x47, 0x9f, 0, 0, 0, 0, 0 },
		/* IP length 21 short of the packet: the status line lies after it */
		{ 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xd5, 0 },
		{ 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xd5, 0 },
		/* IP length 4 short: the packet ends inside the status line */
		{ 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc4, 0 },
		/* IP length 10 beyond the frame; absolute IP length 30 */
		{ 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x8a, 0 },
		{ 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 30 },
	};
	static const char ok[] = "SIP/2.0 180 Ringing\r\n";
	uint8_t buf[64];
	size_t i;

	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		memcpy(buf, hdrs[i] + 1, 14);
		memcpy(buf + 14, ok, sizeof(ok) - 1);
		write_seed(hdrs[i][0], buf, 14 + sizeof(ok) - 1);
	}
}

/*
 * The IP packet's own length against the UDP length and the frame end:
 * a status line in bytes after the IP packet (padding, a trailer) reached
 * through a UDP length that runs past it; IP lengths that end inside the
 * UDP header, inside the status line, beyond the frame, below the header.
 */
static void seed_ip_length(void)
{
	static const char ok[] = "SIP/2.0 200 OK\r\n\r\n";
	static const int cut[] = { 0, 1, 4, 8, 12, 19, 20, 24, 27, 28, 40 };
	struct frame_spec s;
	size_t i;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
			if ((size_t)cut[i] > (v6 ? 8 : 28) + sizeof(ok) - 1)
				continue;
			frame_spec_init(&s);
			s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
			s.payload = ok;
			s.payload_len = sizeof(ok) - 1;
			s.ip_len_set = true;
			s.ip_len = (uint16_t)((v6 ? 8 : 28) + sizeof(ok) - 1 - (size_t)cut[i]);
			seed_spec(&s, 0);
		}
		frame_spec_init(&s);
		s.l3 = v6 ? FR_L3_IPV6 : FR_L3_IPV4;
		s.payload = ok;
		s.payload_len = sizeof(ok) - 1;
		s.ip_len_set = true;
		s.ip_len = 1400;
		seed_spec(&s, 0);
		s.ip_len = 0;
		seed_spec(&s, 0);
	}
}

/* Extension methods (RFC 3261 25.1), the bound of 10 characters, each scheme. */
static const char *const ext_requests[] = {
	"FOO sip:x SIP/2.0\r\n", "X sips:x SIP/2.0\r\n", "DO tel:+1 SIP/2.0\r\n",
	"ABCDEFGHIJ urn:x SIP/2.0\r\n", "ABCDEFGHIJK sip:x SIP/2.0\r\n", "A-B.C!%*_+ sip:",
	"9FOO sip:x SIP/2.0\r\n", "FOO http://x SIP/2.0\r\n", "FOO SIP:x SIP/2.0\r\n",
	"FOO  sip:x SIP/2.0\r\n", "FOO\tsip:x SIP/2.0\r\n", "ABCDEFG sip:", "ABCDEFG sips:",
	"ABCDEFGHIJ sip:", "ABCDEFGHIJ sip:x", "\r\nSIP/2.0 200 OK\r\n", "\r\nINVITE sip:x",
};

static void seed_ext_methods(void)
{
	size_t i;

	for (i = 0; i < sizeof(ext_requests) / sizeof(ext_requests[0]); i++)
		seed_payload(ext_requests[i], strlen(ext_requests[i]), (int)(i & 1));
}

/*
 * Tunnelled frames (mode byte bits 5-7, structured.h): each kind around a
 * response with a CSeq, IPv4 and IPv6 inside, with a few of each kind's
 * variants; and TCP segments, with the settings on and off.
 */
static void seed_tunnels(void)
{
	static const char ok[] = "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n";
	static const uint8_t w0s[] = { 0x00, 0x01, 0x02, 0x0e, 0x31, 0x80, 0x10, 0x20 };
	uint8_t buf[128];
	size_t i;
	int kind, v6, off;

	for (kind = 1; kind <= 7; kind++)
		for (v6 = 0; v6 < 2; v6++)
			for (i = 0; i < sizeof(w0s); i++) {
				memset(buf, 0, 16);
				buf[0] = w0s[i];
				buf[1] = 0x01;		/* w1 */
				buf[2] = (uint8_t)v6;	/* h0 of the structured inner frame */
				memcpy(buf + 16, ok, sizeof(ok) - 1);
				/* structured inner frame: mode bit 0 */
				write_seed((uint8_t)(kind << 5 | 1), buf, 16 + sizeof(ok) - 1);
			}
	for (off = 0; off < 2; off++)
		for (v6 = 0; v6 < 2; v6++) {
			memset(buf, 0, 14);
			buf[0] = (uint8_t)v6;
			buf[11] = 1;			/* h11: TCP */
			memcpy(buf + 14, ok, sizeof(ok) - 1);
			write_seed((uint8_t)(0x01 | off << 4), buf, 14 + sizeof(ok) - 1);
			write_seed((uint8_t)(0x01 | off << 4), buf, 14);	/* no payload */
		}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	dir = argv[1];
	seed_payloads();
	seed_layers();
	seed_structured();
	seed_ip_length();
	seed_ext_methods();
	seed_tunnels();
	printf("%d\n", nseeds);
	return 0;
}

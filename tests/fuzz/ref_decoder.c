// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Reference decoder: what sipstat must count for one frame, written from
 * the README ("What is counted") and include/sipstat.h, one layer after
 * the other and one byte at a time, the way a protocol specification
 * reads.  It shares nothing with bpf/ but the counter indices.  It is
 * deliberately slow and plain: every read of the frame goes through
 * have() and byte_at(), every decision is one "if" that names the rule.
 *
 * Where the specification leaves a choice open, the choice is written
 * down here as "SPEC:" (and the README should say the same):
 *
 *  SPEC 1: A third VLAN tag is "too deep" as soon as the second tag's
 *          EtherType says another tag follows, whether or not the bytes of
 *          that third tag are in the frame.
 *  SPEC 2: An IPv4 header with a version other than 4, or an IPv6 header
 *          with a version other than 6, is "inconsistent" (bad_header).
 *          The IPv4 total length and the IPv6 payload length are not
 *          used: the frame end and the UDP length bound the payload.
 *  SPEC 3: The IP header (IPv4 with its options, IPv6 with each of its
 *          extension headers) must be complete in the frame whatever the
 *          protocol it carries: a frame that ends inside it is bad_header
 *          also when the next protocol is not UDP.
 *  SPEC 4: A later IPv6 fragment (offset > 0) is a "UDP fragment" when the
 *          fragment header's Next Header is UDP (17); otherwise (TCP, or
 *          another extension header inside the fragmentable part) it is
 *          not UDP and nothing past ipv6 is counted.
 *  SPEC 5: A UDP header cut by the frame end is bad_header on any port
 *          (its ports cannot be read).  The UDP length is looked at only
 *          for a datagram on a SIP port: "UDP length < 8" is bad_header
 *          there; off the SIP ports nothing past ipv4/ipv6 is counted.
 *  SPEC 6: A request is a payload that starts with a known method and one
 *          space ("INVITE "), read in the same 12-byte window as the
 *          status line: a payload shorter than 12 bytes cannot hold a
 *          request line (method, URI, "SIP/2.0") and is judged only as a
 *          possible status line (truncated, malformed or other).
 *  SPEC 7: A payload shorter than 12 bytes "starts like a status line"
 *          when its bytes, as far as they go (up to 4), spell a prefix of
 *          "SIP/" in any case: "si" is malformed, "SI" truncated, "x" other.
 */
#include <stdio.h>
#include <string.h>

#include "ref_decoder.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_8021Q 0x8100
#define ETHERTYPE_8021AD 0x88a8

#define IPPROTO_NUM_HOPOPTS 0
#define IPPROTO_NUM_UDP 17
#define IPPROTO_NUM_ROUTING 43
#define IPPROTO_NUM_FRAGMENT 44
#define IPPROTO_NUM_DSTOPTS 60

#define ETHERNET_HEADER_LEN 14
#define VLAN_TAG_LEN 4
#define IPV4_MIN_HEADER_LEN 20
#define IPV6_HEADER_LEN 40
#define IPV6_FRAGMENT_HEADER_LEN 8
#define UDP_HEADER_LEN 8

#define MAX_VLAN_TAGS 2			/* README: "up to two VLAN tags" */
#define MAX_IPV6_EXTENSION_HEADERS 4	/* README: "up to four" */
#define STATUS_LINE_WINDOW 12		/* "SIP/2.0 200 ": the bytes that decide */

struct frame {
	const uint8_t *bytes;
	size_t len;
};

/* Are the n bytes at offset off inside the frame? */
static bool have(const struct frame *f, size_t off, size_t n)
{
	return off <= f->len && n <= f->len - off;
}

static uint8_t byte_at(const struct frame *f, size_t off)
{
	return f->bytes[off];
}

/* Network byte order: most significant byte first. */
static uint16_t u16_at(const struct frame *f, size_t off)
{
	return (uint16_t)(byte_at(f, off) << 8 | byte_at(f, off + 1));
}

static void count(struct ref_result *r, int counter)
{
	r->counters |= 1u << counter;
}

static bool port_is_sip(const struct ref_ports *ports, uint16_t port)
{
	size_t i;

	if (ports->all)
		return true;
	for (i = 0; i < ports->n; i++)
		if (ports->list[i] == port)
			return true;
	return false;
}

/* ------------------------------------------------------------ payload */

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* ASCII letter case folded to lower case; other bytes unchanged. */
static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/*
 * Does byte c fit position i (0..11) of a valid status line?
 * "SIP/2.0" SP, then three digits from 100 to 699, then SP (RFC 3261 7.2).
 */
static bool fits_status_line(size_t i, uint8_t c)
{
	static const char version_and_space[] = "SIP/2.0 ";

	if (i < 8)
		return c == (uint8_t)version_and_space[i];
	if (i == 8)
		return c >= '1' && c <= '6';	/* 100..699: first digit 1 to 6 */
	if (i == 9 || i == 10)
		return is_digit(c);
	return c == ' ';			/* i == 11 */
}

/* "Starts like a status line": "SIP/" in any case, as far as the bytes go (SPEC 7). */
static bool starts_like_status_line(const uint8_t *p, size_t n)
{
	static const char sip_slash[] = "sip/";
	size_t i;

	for (i = 0; i < 4 && i < n; i++)
		if (lower(p[i]) != (uint8_t)sip_slash[i])
			return false;
	return true;
}

static bool starts_with(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && memcmp(p, s, k) == 0;
}

/* README: the request methods counted (RFC 3261 and extensions). */
static bool starts_with_request_line(const uint8_t *p, size_t n)
{
	static const char *const methods[] = {
		"INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "PRACK",
		"SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE",
	};
	size_t i, k;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		k = strlen(methods[i]);
		if (starts_with(p, n, methods[i]) && n > k && p[k] == ' ')
			return true;
	}
	return false;
}

/* One UDP SIP payload of n bytes: exactly one outcome past udp_sip. */
static void classify_payload(const uint8_t *p, size_t n, struct ref_result *r)
{
	size_t i;
	bool all_fit = true;

	for (i = 0; i < n && i < STATUS_LINE_WINDOW; i++)
		if (!fits_status_line(i, p[i]))
			all_fit = false;

	if (n >= STATUS_LINE_WINDOW) {
		if (all_fit) {
			count(r, SIPSTAT_C_RESPONSES);
			r->code = (p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] - '0');
			return;
		}
		if (starts_like_status_line(p, n)) {
			count(r, SIPSTAT_C_MALFORMED);
			return;
		}
		if (starts_with_request_line(p, STATUS_LINE_WINDOW)) {	/* SPEC 6 */
			count(r, SIPSTAT_C_REQUESTS);
			return;
		}
		count(r, SIPSTAT_C_OTHER);
		return;
	}

	/* Shorter than a status line. */
	if (n == 0) {
		count(r, SIPSTAT_C_OTHER);		/* README: empty datagrams */
		return;
	}
	if (!starts_like_status_line(p, n)) {
		count(r, SIPSTAT_C_OTHER);
		return;
	}
	count(r, all_fit ? SIPSTAT_C_TRUNCATED : SIPSTAT_C_MALFORMED);
}

/* ------------------------------------------------------------ headers */

/* UDP at offset off.  Ports first, then the length, then the payload. */
static void decode_udp(const struct frame *f, size_t off, const struct ref_ports *ports,
		       struct ref_result *r)
{
	uint16_t source_port, destination_port, udp_length;
	size_t payload_len, bytes_in_frame;

	if (!have(f, off, UDP_HEADER_LEN)) {
		count(r, SIPSTAT_C_BAD_HEADER);
		return;
	}
	source_port = u16_at(f, off);
	destination_port = u16_at(f, off + 2);
	udp_length = u16_at(f, off + 4);

	if (!port_is_sip(ports, source_port) && !port_is_sip(ports, destination_port))
		return;
	if (udp_length < UDP_HEADER_LEN) {			/* SPEC 5 */
		count(r, SIPSTAT_C_BAD_HEADER);
		return;
	}
	count(r, SIPSTAT_C_UDP_SIP);

	/* The UDP length bounds the payload (padding), so does the frame end. */
	payload_len = (size_t)udp_length - UDP_HEADER_LEN;
	bytes_in_frame = f->len - (off + UDP_HEADER_LEN);
	if (payload_len > bytes_in_frame)
		payload_len = bytes_in_frame;
	classify_payload(f->bytes + off + UDP_HEADER_LEN, payload_len, r);
}

static void decode_ipv4(const struct frame *f, size_t off, const struct ref_ports *ports,
			struct ref_result *r)
{
	uint8_t version, ihl, protocol;
	uint16_t fragment_offset;
	size_t header_len;

	if (!have(f, off, IPV4_MIN_HEADER_LEN)) {
		count(r, SIPSTAT_C_BAD_HEADER);
		return;
	}
	version = byte_at(f, off) >> 4;
	ihl = byte_at(f, off) & 0x0f;
	if (version != 4 || ihl < 5) {				/* SPEC 2 */
		count(r, SIPSTAT_C_BAD_HEADER);
		return;
	}
	header_len = (size_t)ihl * 4;
	if (!have(f, off, header_len)) {			/* SPEC 3 */
		count(r, SIPSTAT_C_BAD_HEADER);
		return;
	}
	protocol = byte_at(f, off + 9);
	if (protocol != IPPROTO_NUM_UDP)
		return;
	fragment_offset = u16_at(f, off + 6) & 0x1fff;	/* low 13 bits; flags above */
	if (fragment_offset != 0) {
		count(r, SIPSTAT_C_FRAGMENTS);
		return;
	}
	decode_udp(f, off + header_len, ports, r);
}

static bool is_ipv6_extension_header(uint8_t next_header)
{
	return next_header == IPPROTO_NUM_HOPOPTS || next_header == IPPROTO_NUM_ROUTING ||
	       next_header == IPPROTO_NUM_FRAGMENT || next_header == IPPROTO_NUM_DSTOPTS;
}

static void decode_ipv6(const struct frame *f, size_t off, const struct ref_ports *ports,
			struct ref_result *r)
{
	uint8_t next_header, fragment_next_header;
	uint16_t fragment_offset;
	size_t ext_len;
	int headers_seen = 0;

	if (!have(f, off, IPV6_HEADER_LEN)) {
		count(r, SIPSTAT_C_BAD_HEADER);
		return;
	}
	if (byte_at(f, off) >> 4 != 6) {			/* SPEC 2 */
		count(r, SIPSTAT_C_BAD_HEADER);
		return;
	}
	next_header = byte_at(f, off + 6);
	off += IPV6_HEADER_LEN;

	while (is_ipv6_extension_header(next_header)) {
		if (headers_seen == MAX_IPV6_EXTENSION_HEADERS) {
			count(r, SIPSTAT_C_TOO_DEEP);
			return;
		}
		headers_seen++;

		if (next_header == IPPROTO_NUM_FRAGMENT) {
			/* RFC 8200 4.5: Next Header, reserved, offset (13 bits) + flags, id */
			if (!have(f, off, IPV6_FRAGMENT_HEADER_LEN)) {
				count(r, SIPSTAT_C_BAD_HEADER);
				return;
			}
			fragment_next_header = byte_at(f, off);
			fragment_offset = u16_at(f, off + 2) >> 3;
			if (fragment_offset != 0) {		/* SPEC 4 */
				if (fragment_next_header == IPPROTO_NUM_UDP)
					count(r, SIPSTAT_C_FRAGMENTS);
				return;
			}
			next_header = fragment_next_header;
			off += IPV6_FRAGMENT_HEADER_LEN;
			continue;
		}

		/* Hop-by-hop, routing, destination options: Next Header, Hdr Ext Len. */
		if (!have(f, off, 2)) {
			count(r, SIPSTAT_C_BAD_HEADER);
			return;
		}
		ext_len = ((size_t)byte_at(f, off + 1) + 1) * 8;
		if (!have(f, off, ext_len)) {			/* SPEC 3 */
			count(r, SIPSTAT_C_BAD_HEADER);
			return;
		}
		next_header = byte_at(f, off);
		off += ext_len;
	}
	if (next_header != IPPROTO_NUM_UDP)
		return;
	decode_udp(f, off, ports, r);
}

void ref_decode(const uint8_t *frame, size_t len, const struct ref_ports *ports,
		struct ref_result *out)
{
	const struct frame f = { .bytes = frame, .len = len };
	struct ref_result *r = out;
	uint16_t ethertype;
	size_t off;
	int tags = 0;

	r->counters = 0;
	r->code = 0;
	count(r, SIPSTAT_C_FRAMES);

	/* Ethernet: destination, source, EtherType. */
	if (!have(&f, 0, ETHERNET_HEADER_LEN)) {
		count(r, SIPSTAT_C_BAD_HEADER);
		return;
	}
	ethertype = u16_at(&f, 12);
	off = ETHERNET_HEADER_LEN;

	/* VLAN tags: TCI, then the EtherType of what follows. */
	while (ethertype == ETHERTYPE_8021Q || ethertype == ETHERTYPE_8021AD) {
		if (tags == MAX_VLAN_TAGS) {			/* SPEC 1 */
			count(r, SIPSTAT_C_TOO_DEEP);
			return;
		}
		if (!have(&f, off, VLAN_TAG_LEN)) {
			count(r, SIPSTAT_C_BAD_HEADER);
			return;
		}
		ethertype = u16_at(&f, off + 2);
		off += VLAN_TAG_LEN;
		tags++;
	}

	if (ethertype == ETHERTYPE_IPV4) {
		count(r, SIPSTAT_C_IPV4);
		decode_ipv4(&f, off, ports, r);
	} else if (ethertype == ETHERTYPE_IPV6) {
		count(r, SIPSTAT_C_IPV6);
		decode_ipv6(&f, off, ports, r);
	}
	/* Any other EtherType: the frame is counted, nothing else. */
}

void ref_counters_string(uint32_t counters, char *buf, size_t len)
{
	static const char *const names[SIPSTAT_C_MAX] = {
		"frames", "ipv4", "ipv6", "udp_sip", "requests", "responses", "malformed",
		"truncated", "other", "fragments", "bad_header", "too_deep",
	};
	size_t off = 0;
	int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < SIPSTAT_C_MAX && off < len; i++) {
		int n;

		if (!(counters & (1u << i)))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "|" : "", names[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (off == 0 && len)
		snprintf(buf, len, "(none)");
}

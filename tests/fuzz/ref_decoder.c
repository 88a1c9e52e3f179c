// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Reference decoder: what sipstat must count for one frame, read layer by
 * layer from the specifications themselves, one byte at a time:
 *
 *   Ethernet II and IEEE 802.1Q / 802.1ad tags
 *   IPv4                    RFC 791 section 3.1
 *   IPv6 and its extension  RFC 8200 sections 3, 4, 4.3-4.6; RFC 2675
 *   headers                 (jumbograms)
 *   UDP                     RFC 768
 *   SIP start lines         RFC 3261 sections 7.1, 7.2, 7.5, 21 and 25.1
 *
 * and the counter layout of include/sipstat.h.  It shares nothing with
 * bpf/.  It is deliberately slow and plain: every read of the frame goes
 * through have() and byte_at(), every decision is one "if" that names
 * its rule, and the rule that decided travels with the result.
 *
 * Where the specifications leave sipstat a choice, or where sipstat
 * deliberately counts less than a full stack would accept, the choice is
 * written here as "SPEC n" (the README's "What is counted" says the same):
 *
 *  SPEC 1: At most two VLAN tags.  A third tag is too_deep as soon as the
 *          second tag's EtherType announces it, whether or not its bytes
 *          are in the frame.
 *  SPEC 2: An IP header whose version field disagrees with its EtherType,
 *          or an IPv4 IHL below 5 (RFC 791: "the minimum value for a
 *          correct header is 5"), is bad_header.
 *  SPEC 3: The IP header (IPv4 with its options, IPv6 with each of its
 *          extension headers) must be whole in the frame whatever protocol
 *          it carries: a frame that ends inside it is bad_header.
 *  SPEC 4: At most four IPv6 extension headers of the four kinds RFC 8200
 *          4.1 lists before an upper layer (hop-by-hop 0, routing 43,
 *          fragment 44, destination options 60); a fifth is too_deep.
 *          Any other Next Header (AH, ESP, No Next Header, ...) is not UDP.
 *  SPEC 5: Fragments: only the fragment at offset 0 holds the UDP header
 *          (RFC 791, RFC 8200 4.5), so any later fragment of a UDP packet
 *          is counted as a fragment, on any port, and never parsed.  A
 *          later IPv6 fragment whose fragment header's Next Header is not
 *          UDP is not UDP.  The first fragment is parsed like a whole
 *          datagram (its payload ends where the frame ends).
 *  SPEC 6: The IP packet ends where its own length says (IPv4 Total
 *          Length, IPv6 40 + Payload Length); bytes after it (Ethernet
 *          padding, trailers) are never payload.  The IP length is judged
 *          with the UDP header, on a SIP port only (SPEC 7): an IPv4 Total
 *          Length below the header length, or an IPv6 Payload Length too
 *          short for the extension headers, leaves the UDP header outside
 *          the packet.  An IPv6 Payload Length of 0 is a jumbogram (RFC 2675),
 *          which needs a link MTU above 65575 and so never crosses
 *          Ethernet: the packet is taken to end with its fixed header.
 *  SPEC 7: A UDP header cut by the frame end is bad_header on any port
 *          (its ports cannot be read).  On a SIP port only: a UDP Length
 *          below 8 (RFC 768: the length counts the 8-byte header), or a
 *          UDP header that is not whole inside its IP packet, is
 *          bad_header.  The payload is the UDP Length less 8, bounded by
 *          the IP packet's end (SPEC 6) and the frame end.
 *  SPEC 8: The status line is judged on its first 12 bytes, "SIP/2.0",
 *          SP, three digits, SP (RFC 3261 25.1: Status-Line = SIP-Version
 *          SP Status-Code SP Reason-Phrase CRLF; the Reason-Phrase may be
 *          empty).  Only the upper-case version is counted (RFC 3261 7.1:
 *          "implementations MUST send upper-case"); codes 100 to 699 only
 *          (RFC 3261 21: six classes), other three-digit extension codes
 *          are malformed.
 *  SPEC 9: "Starts like a status line" is "SIP/" with the letters in any
 *          case; such a payload that is not a counted status line is
 *          malformed.  A payload shorter than 12 bytes is judged only as
 *          a possible status line: not starting "SIP/" (as far as its
 *          bytes go) is other, every byte fitting "SIP/2.0 DDD" exactly is
 *          truncated, anything else malformed.  Empty is other.
 *  SPEC 10: A request line (RFC 3261 7.1: Method SP Request-URI SP ...)
 *          is a method of the list below, case-sensitive (RFC 3261 25.1
 *          spells each in upper-case %x codes), then SP.  Any other method
 *          is an extension-method (25.1: a token), counted as one only
 *          when it is 1 to 10 token characters starting with a letter,
 *          then SP, then one of the URI schemes "sip:", "sips:", "tel:"
 *          or "urn:" in any case (RFC 3986 3.1), all inside the payload.
 *  SPEC 11: No CRLF is skipped before the start line: RFC 3261 7.5 asks
 *          that only of stream transports; on UDP a payload that starts
 *          with CRLF is a keepalive or junk (other).
 *  SPEC 13: With the CSeq setting on (SIPSTAT_CFG_METHODS), a response is
 *          counted in the row of the method of its CSeq header (RFC 3261
 *          20.16, 25.1: CSeq = "CSeq" HCOLON 1*DIGIT LWS Method), else in
 *          the SIPSTAT_M_UNKNOWN row.  Only the first SIPSTAT_CSEQ_SCAN
 *          bytes of the payload are searched.  A line ends at LF (a CR
 *          before it belongs to the line end, as RFC 3261 7's CRLF; bare
 *          LF is taken too, as parsers do); the status line is the first
 *          line, the headers end at an empty line: one that starts with
 *          LF or CR (bare CR has no place in a header line).  A
 *          header line is CSeq when it starts with "CSeq" in any case,
 *          then 0 to 3 SP/HTAB, ":", 0 to 3 SP/HTAB, 1 to 10 digits (a
 *          32-bit number, RFC 3261 8.1.1.5), 1 to 3 SP/HTAB, then the
 *          method: bounded runs, so that the data path can read them
 *          without a loop per byte.  The method starts with a letter; a
 *          listed name (case-sensitive) inside the window and followed by
 *          CR, LF, SP, HTAB, NUL or the window's end (SIPSTAT_CSEQ_SCAN
 *          bytes or the payload's end) gives its row, anything else
 *          starting with a letter the "other" row.  The first CSeq line decides; one that
 *          does not read so gives SIPSTAT_M_UNKNOWN, as does none.  No
 *          folded header lines.
 *  SPEC 12: Events: a counted response whose code is in the event set
 *          also counts one of events_sent, events_limited or events_lost
 *          (row SIPSTAT_M_UNKNOWN), and a sent one is a record naming the
 *          IP family, the VLAN ids (outer first, the TCI's 12-bit VID),
 *          the ports and the addresses.  Nothing else sends an event.
 */
#include <stdio.h>
#include <string.h>

#include "ref_decoder.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_8021Q 0x8100
#define ETHERTYPE_8021AD 0x88a8

/* IANA protocol numbers ("Assigned Internet Protocol Numbers"). */
#define PROTO_HOPOPTS 0
#define PROTO_UDP 17
#define PROTO_ROUTING 43
#define PROTO_FRAGMENT 44
#define PROTO_DSTOPTS 60

#define ETHERNET_HEADER_LEN 14
#define VLAN_TAG_LEN 4
#define IPV4_MIN_IHL 5			/* RFC 791: 32-bit words */
#define IPV6_HEADER_LEN 40		/* RFC 8200 3 */
#define IPV6_FRAGMENT_HEADER_LEN 8	/* RFC 8200 4.5 */
#define UDP_HEADER_LEN 8		/* RFC 768 */

#define MAX_VLAN_TAGS 2			/* SPEC 1 */
#define MAX_IPV6_EXTENSION_HEADERS 4	/* SPEC 4 */
#define STATUS_LINE_HEAD 12		/* SPEC 8: "SIP/2.0 200 " */
#define EXTENSION_METHOD_MAX 10		/* SPEC 10 */

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

static void count(struct ref_result *r, uint32_t method, uint32_t slot, const char *rule)
{
	r->counted = true;
	r->method = method;
	r->slot = slot;
	r->rule = rule;
}

static void outcome(struct ref_result *r, uint32_t slot, const char *rule)
{
	count(r, SIPSTAT_M_UNKNOWN, slot, rule);
}

static void nothing(struct ref_result *r, const char *rule)
{
	r->counted = false;
	r->rule = rule;
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

/* ------------------------------------------------------------ SIP */

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* ASCII letters folded to lower case; other bytes unchanged. */
static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* RFC 3261 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
static bool is_token_char(uint8_t c)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("-.!%*_+`'~", c));
}

/* The n bytes at p spell s, letters in any case. */
static bool equal_nocase(const uint8_t *p, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower(p[i]) != lower((uint8_t)s[i]))
			return false;
	return true;
}

/*
 * Does byte c fit position i (0..11) of a counted status line head?
 * "SIP/2.0" SP, three digits from 100 to 699, SP (SPEC 8).
 */
static bool fits_status_head(size_t i, uint8_t c)
{
	static const char version_sp[] = "SIP/2.0 ";

	if (i < 8)
		return c == (uint8_t)version_sp[i];
	if (i == 8)
		return c >= '1' && c <= '6';	/* classes 1xx .. 6xx */
	if (i == 9 || i == 10)
		return is_digit(c);
	return c == ' ';			/* i == 11: SP before the Reason-Phrase */
}

/* "SIP/" in any case, as far as the n bytes go (SPEC 9). */
static bool starts_like_status_line(const uint8_t *p, size_t n)
{
	return equal_nocase(p, "SIP/", n < 4 ? n : 4);
}

/* Methods with a row of their own, and the RFC that defines each. */
static const struct {
	const char *name;
	uint32_t method;
} methods[] = {
	{ "INVITE", SIPSTAT_M_INVITE },		/* RFC 3261 */
	{ "ACK", SIPSTAT_M_ACK },		/* RFC 3261 */
	{ "BYE", SIPSTAT_M_BYE },		/* RFC 3261 */
	{ "CANCEL", SIPSTAT_M_CANCEL },		/* RFC 3261 */
	{ "REGISTER", SIPSTAT_M_REGISTER },	/* RFC 3261 */
	{ "OPTIONS", SIPSTAT_M_OPTIONS },	/* RFC 3261 */
	{ "PRACK", SIPSTAT_M_PRACK },		/* RFC 3262 */
	{ "UPDATE", SIPSTAT_M_UPDATE },		/* RFC 3311 */
	{ "SUBSCRIBE", SIPSTAT_M_SUBSCRIBE },	/* RFC 6665 */
	{ "NOTIFY", SIPSTAT_M_NOTIFY },		/* RFC 6665 */
	{ "REFER", SIPSTAT_M_REFER },		/* RFC 3515 */
	{ "MESSAGE", SIPSTAT_M_MESSAGE },	/* RFC 3428 */
	{ "INFO", SIPSTAT_M_INFO },		/* RFC 6086 */
	{ "PUBLISH", SIPSTAT_M_PUBLISH },	/* RFC 3903 */
};
#define N_METHODS (sizeof(methods) / sizeof(methods[0]))

/* A listed method, then SP (SPEC 10); SIPSTAT_M_UNKNOWN if none. */
static uint32_t listed_method(const uint8_t *p, size_t n)
{
	size_t i, k;

	for (i = 0; i < N_METHODS; i++) {
		k = strlen(methods[i].name);
		if (n > k && memcmp(p, methods[i].name, k) == 0 && p[k] == ' ')
			return methods[i].method;
	}
	return SIPSTAT_M_UNKNOWN;
}

/* An extension-method request line (SPEC 10). */
static bool extension_request(const uint8_t *p, size_t n)
{
	static const char *const schemes[] = { "sip:", "sips:", "tel:", "urn:" };
	size_t k, s, sl;

	if (n == 0 || !is_alpha(p[0]))
		return false;
	for (k = 1; k < n && is_token_char(p[k]); k++)
		;
	if (k > EXTENSION_METHOD_MAX || k >= n || p[k] != ' ')
		return false;
	for (s = 0; s < sizeof(schemes) / sizeof(schemes[0]); s++) {
		sl = strlen(schemes[s]);
		if (n - (k + 1) >= sl && equal_nocase(p + k + 1, schemes[s], sl))
			return true;
	}
	return false;
}

static bool is_wsp(uint8_t c)
{
	return c == ' ' || c == '\t';
}

#define CSEQ_WSP_MAX 3		/* SPEC 13: SP/HTAB runs in a CSeq line */
#define CSEQ_DIGITS_MAX 10	/* SPEC 13: the sequence number */

/* Skip from i a run of at most max bytes for which ok() holds, inside n; its length. */
static size_t run(const uint8_t *p, size_t *i, size_t n, size_t max, bool (*ok)(uint8_t))
{
	size_t k = 0;

	while (*i < n && k < max && ok(p[*i])) {
		(*i)++;
		k++;
	}
	return k;
}

/*
 * The CSeq line's value from p[i] on, after the name (n: the end of the
 * search window): the method's row (SPEC 13).
 */
static uint32_t cseq_value(const uint8_t *p, size_t i, size_t n)
{
	size_t k, l, e;

	run(p, &i, n, CSEQ_WSP_MAX, is_wsp);
	if (i >= n || p[i] != ':')
		return SIPSTAT_M_UNKNOWN;
	i++;
	run(p, &i, n, CSEQ_WSP_MAX, is_wsp);
	if (!run(p, &i, n, CSEQ_DIGITS_MAX, is_digit) || i >= n || !is_wsp(p[i]))
		return SIPSTAT_M_UNKNOWN;
	run(p, &i, n, CSEQ_WSP_MAX, is_wsp);
	if (i >= n || !is_alpha(p[i]))
		return SIPSTAT_M_UNKNOWN;
	for (k = 0; k < N_METHODS; k++) {
		l = strlen(methods[k].name);
		e = i + l;
		/* The name inside the window, then a line end, SP, HTAB, NUL or the window's end. */
		if (e > n || memcmp(p + i, methods[k].name, l) != 0)
			continue;
		if (e == n || p[e] == '\r' || p[e] == '\n' || is_wsp(p[e]) || !p[e])
			return methods[k].method;
	}
	return SIPSTAT_M_OTHER;
}

/* The method row of a response's CSeq header, searched as SPEC 13 says. */
static uint32_t cseq_method(const uint8_t *p, size_t len)
{
	size_t n = len < SIPSTAT_CSEQ_SCAN ? len : SIPSTAT_CSEQ_SCAN, i = 0;
	const uint8_t *lf;

	/* cppcheck takes len for 0 here (it is 12 or more): */
	// cppcheck-suppress knownConditionTrueFalse
	while (i < n) {
		/* The next line starts after the LF that ends this one. */
		lf = memchr(p + i, '\n', n - i);
		if (!lf)
			break;
		i = (size_t)(lf - p) + 1;
		// cppcheck-suppress knownConditionTrueFalse
		if (i == n || p[i] == '\n' || p[i] == '\r')
			break;				/* the window's end, or the empty line */
		if (n - i > 4 && equal_nocase(p + i, "CSeq", 4) && (is_wsp(p[i + 4]) || p[i + 4] == ':'))
			return cseq_value(p, i + 4, n);
	}
	return SIPSTAT_M_UNKNOWN;
}

/* One UDP payload of n bytes on a SIP port: exactly one counter. */
static void classify_payload(const uint8_t *p, size_t n, bool cseq, struct ref_result *r)
{
	bool all_fit = true;
	uint32_t m;
	size_t i;

	for (i = 0; i < n && i < STATUS_LINE_HEAD; i++)
		if (!fits_status_head(i, p[i]))
			all_fit = false;

	if (n >= STATUS_LINE_HEAD) {
		if (all_fit) {
			count(r, cseq ? cseq_method(p, n) : SIPSTAT_M_UNKNOWN,
			      (uint32_t)((p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] - '0')),
			      "status line (RFC 3261 7.2)");
			return;
		}
		if (starts_like_status_line(p, n)) {
			outcome(r, SIPSTAT_O_MALFORMED, "starts \"SIP/\" but is no counted status line");
			return;
		}
		m = listed_method(p, n);
		if (m != SIPSTAT_M_UNKNOWN) {
			count(r, m, SIPSTAT_O_REQUESTS, "request line of a listed method");
			return;
		}
		if (extension_request(p, n)) {
			count(r, SIPSTAT_M_OTHER, SIPSTAT_O_REQUESTS,
			      "request line of an extension method");
			return;
		}
		outcome(r, SIPSTAT_O_OTHER, "neither status line nor request line");
		return;
	}

	if (n == 0) {
		outcome(r, SIPSTAT_O_OTHER, "empty datagram");
		return;
	}
	if (!starts_like_status_line(p, n)) {
		outcome(r, SIPSTAT_O_OTHER, "short payload, not \"SIP/\"");
		return;
	}
	if (all_fit)
		outcome(r, SIPSTAT_O_TRUNCATED, "short payload, every byte fits a status line");
	else
		outcome(r, SIPSTAT_O_MALFORMED, "short payload, \"SIP/\" but a byte does not fit");
}

/* ------------------------------------------------------------ UDP */

/*
 * RFC 768: source port, destination port, length (header and data, in
 * octets), checksum.  ip_end: where the IP packet ends (SPEC 6).
 */
static void decode_udp(const struct frame *f, size_t off, size_t ip_end,
		       const struct ref_ports *ports, struct ref_result *r)
{
	uint16_t source_port, destination_port, udp_length;
	size_t payload, payload_len, end;

	if (!have(f, off, UDP_HEADER_LEN)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "frame ends inside the UDP header");
		return;
	}
	source_port = u16_at(f, off);
	destination_port = u16_at(f, off + 2);
	udp_length = u16_at(f, off + 4);
	r->ev.sport = source_port;
	r->ev.dport = destination_port;

	if (!port_is_sip(ports, source_port) && !port_is_sip(ports, destination_port)) {
		nothing(r, "UDP off the SIP ports");
		return;
	}
	if (udp_length < UDP_HEADER_LEN) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "UDP length below 8 (RFC 768)");
		return;
	}
	payload = off + UDP_HEADER_LEN;
	if (payload > ip_end) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "UDP header runs past the IP packet's end");
		return;
	}
	end = ip_end < f->len ? ip_end : f->len;
	payload_len = (size_t)udp_length - UDP_HEADER_LEN;
	if (payload_len > end - payload)
		payload_len = end - payload;
	classify_payload(f->bytes + payload, payload_len, ports->cseq, r);
}

/* ------------------------------------------------------------ IPv4 */

/*
 * RFC 791 3.1: Version (4 bits), IHL (4 bits, 32-bit words), TOS, Total
 * Length (octets, header and data), Identification, Flags (3 bits),
 * Fragment Offset (13 bits, 8-octet units), TTL, Protocol, checksum,
 * addresses, options.
 */
static void decode_ipv4(const struct frame *f, size_t off, const struct ref_ports *ports,
			struct ref_result *r)
{
	uint8_t version, ihl, protocol;
	uint16_t total_length, fragment_offset;
	size_t header_len;

	if (!have(f, off, (size_t)IPV4_MIN_IHL * 4)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "frame ends inside the IPv4 header");
		return;
	}
	version = byte_at(f, off) >> 4;
	ihl = byte_at(f, off) & 0x0f;
	if (version != 4) {					/* SPEC 2 */
		outcome(r, SIPSTAT_O_BAD_HEADER, "IPv4 EtherType, IP version not 4");
		return;
	}
	if (ihl < IPV4_MIN_IHL) {				/* SPEC 2 */
		outcome(r, SIPSTAT_O_BAD_HEADER, "IPv4 IHL below 5");
		return;
	}
	r->ev.family = 4;
	memcpy(r->ev.saddr, f->bytes + off + 12, 4);		/* source, destination address */
	memcpy(r->ev.daddr, f->bytes + off + 16, 4);
	header_len = (size_t)ihl * 4;
	if (!have(f, off, header_len)) {			/* SPEC 3 */
		outcome(r, SIPSTAT_O_BAD_HEADER, "frame ends inside the IPv4 options");
		return;
	}
	protocol = byte_at(f, off + 9);
	if (protocol != PROTO_UDP) {
		nothing(r, "IPv4, not UDP");
		return;
	}
	fragment_offset = u16_at(f, off + 6) & 0x1fff;		/* below the 3 flag bits */
	if (fragment_offset != 0) {				/* SPEC 5 */
		outcome(r, SIPSTAT_O_FRAGMENTS, "IPv4 UDP fragment at an offset above 0");
		return;
	}
	total_length = u16_at(f, off + 2);			/* SPEC 6 */
	decode_udp(f, off + header_len, off + total_length, ports, r);
}

/* ------------------------------------------------------------ IPv6 */

static bool is_extension_header(uint8_t next_header)
{
	return next_header == PROTO_HOPOPTS || next_header == PROTO_ROUTING ||
	       next_header == PROTO_FRAGMENT || next_header == PROTO_DSTOPTS;
}

/*
 * RFC 8200 3: Version (4 bits), Traffic Class, Flow Label, Payload Length
 * (octets after this 40-octet header, extension headers included), Next
 * Header, Hop Limit, addresses.  Then a chain of extension headers (4).
 */
static void decode_ipv6(const struct frame *f, size_t off, const struct ref_ports *ports,
			struct ref_result *r)
{
	uint8_t next_header, fragment_next_header;
	uint16_t payload_length, fragment_offset;
	size_t ext_len, ip_end;
	int headers_seen = 0;

	if (!have(f, off, IPV6_HEADER_LEN)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "frame ends inside the IPv6 header");
		return;
	}
	if (byte_at(f, off) >> 4 != 6) {			/* SPEC 2 */
		outcome(r, SIPSTAT_O_BAD_HEADER, "IPv6 EtherType, IP version not 6");
		return;
	}
	r->ev.family = 6;
	memcpy(r->ev.saddr, f->bytes + off + 8, 16);
	memcpy(r->ev.daddr, f->bytes + off + 24, 16);
	payload_length = u16_at(f, off + 4);
	next_header = byte_at(f, off + 6);
	off += IPV6_HEADER_LEN;
	ip_end = off + payload_length;				/* SPEC 6; 0: jumbogram */

	while (is_extension_header(next_header)) {
		if (headers_seen == MAX_IPV6_EXTENSION_HEADERS) {	/* SPEC 4 */
			outcome(r, SIPSTAT_O_TOO_DEEP, "a fifth IPv6 extension header");
			return;
		}
		headers_seen++;

		if (next_header == PROTO_FRAGMENT) {
			/* 4.5: Next Header, Reserved, Fragment Offset (13 bits) Res M, Identification */
			if (!have(f, off, IPV6_FRAGMENT_HEADER_LEN)) {
				outcome(r, SIPSTAT_O_BAD_HEADER,
					"frame ends inside the IPv6 fragment header");
				return;
			}
			fragment_next_header = byte_at(f, off);
			fragment_offset = u16_at(f, off + 2) >> 3;
			if (fragment_offset != 0) {		/* SPEC 5 */
				if (fragment_next_header == PROTO_UDP)
					outcome(r, SIPSTAT_O_FRAGMENTS,
						"IPv6 UDP fragment at an offset above 0");
				else
					nothing(r, "IPv6 later fragment, not UDP");
				return;
			}
			next_header = fragment_next_header;
			off += IPV6_FRAGMENT_HEADER_LEN;
			continue;
		}

		/*
		 * 4.3 hop-by-hop, 4.4 routing, 4.6 destination options: Next
		 * Header, Hdr Ext Len (8-octet units, not counting the first 8).
		 */
		if (!have(f, off, 2)) {				/* SPEC 3 */
			outcome(r, SIPSTAT_O_BAD_HEADER,
				"frame ends inside an IPv6 extension header");
			return;
		}
		ext_len = ((size_t)byte_at(f, off + 1) + 1) * 8;
		if (!have(f, off, ext_len)) {			/* SPEC 3 */
			outcome(r, SIPSTAT_O_BAD_HEADER,
				"frame ends inside an IPv6 extension header");
			return;
		}
		next_header = byte_at(f, off);
		off += ext_len;
	}
	if (next_header != PROTO_UDP) {
		nothing(r, "IPv6, not UDP");
		return;
	}
	decode_udp(f, off, ip_end, ports, r);
}

/* ------------------------------------------------------------ Ethernet */

void ref_decode(const uint8_t *frame, size_t len, const struct ref_ports *ports,
		struct ref_result *out)
{
	const struct frame f = { .bytes = frame, .len = len };
	uint16_t ethertype;
	size_t off;
	int tags = 0;

	memset(out, 0, sizeof(*out));
	out->dir = SIPSTAT_DIR_IN;		/* the XDP program sees received frames */
	out->method = SIPSTAT_M_UNKNOWN;

	/* Destination, source, EtherType. */
	if (!have(&f, 0, ETHERNET_HEADER_LEN)) {
		outcome(out, SIPSTAT_O_BAD_HEADER, "frame ends inside the Ethernet header");
		return;
	}
	ethertype = u16_at(&f, 12);
	off = ETHERNET_HEADER_LEN;

	/* IEEE 802.1Q / 802.1ad tags: TCI, then the EtherType of what follows. */
	while (ethertype == ETHERTYPE_8021Q || ethertype == ETHERTYPE_8021AD) {
		if (tags == MAX_VLAN_TAGS) {			/* SPEC 1 */
			outcome(out, SIPSTAT_O_TOO_DEEP, "a third VLAN tag");
			return;
		}
		if (!have(&f, off, VLAN_TAG_LEN)) {
			outcome(out, SIPSTAT_O_BAD_HEADER, "frame ends inside a VLAN tag");
			return;
		}
		out->ev.vlan[tags] = u16_at(&f, off) & 0x0fff;	/* TCI: PCP, DEI, VID */
		out->ev.nvlan = (uint8_t)(tags + 1);
		ethertype = u16_at(&f, off + 2);
		off += VLAN_TAG_LEN;
		tags++;
	}

	if (ethertype == ETHERTYPE_IPV4)
		decode_ipv4(&f, off, ports, out);
	else if (ethertype == ETHERTYPE_IPV6)
		decode_ipv6(&f, off, ports, out);
	else
		nothing(out, "not IP");
}

bool ref_event_wanted(const struct ref_result *r, const __u64 *codes)
{
	return codes && r->counted && r->slot >= SIPSTAT_CODE_MIN && r->slot <= SIPSTAT_CODE_MAX &&
	       (codes[r->slot / 64] >> (r->slot % 64) & 1);
}

bool ref_event_matches(const struct ref_result *r, const struct sipstat_event *e)
{
	return e->code == r->slot && e->dir == r->dir && e->method == r->method &&
	       e->family == r->ev.family && e->nvlan == r->ev.nvlan &&
	       e->vlan[0] == r->ev.vlan[0] && e->vlan[1] == r->ev.vlan[1] &&
	       e->sport == r->ev.sport && e->dport == r->ev.dport &&
	       !memcmp(e->saddr, r->ev.saddr, 16) && !memcmp(e->daddr, r->ev.daddr, 16);
}

/* ------------------------------------------------------------ names */

const char *ref_method_name(uint32_t method)
{
	size_t i;

	if (method == SIPSTAT_M_UNKNOWN)
		return "-";
	if (method == SIPSTAT_M_OTHER)
		return "other-method";
	for (i = 0; i < N_METHODS; i++)
		if (methods[i].method == method)
			return methods[i].name;
	return NULL;
}

const char *ref_outcome_name(uint32_t slot)
{
	static const char *const names[SIPSTAT_O_MAX] = {
		[SIPSTAT_O_REQUESTS] = "requests",	[SIPSTAT_O_MALFORMED] = "malformed",
		[SIPSTAT_O_TRUNCATED] = "truncated",	[SIPSTAT_O_OTHER] = "other",
		[SIPSTAT_O_FRAGMENTS] = "fragments",	[SIPSTAT_O_BAD_HEADER] = "bad_header",
		[SIPSTAT_O_TOO_DEEP] = "too_deep",	[SIPSTAT_O_EVENTS_SENT] = "events_sent",
		[SIPSTAT_O_EVENTS_LIMITED] = "events_limited",
		[SIPSTAT_O_EVENTS_LOST] = "events_lost",
	};

	return slot < SIPSTAT_O_MAX ? names[slot] : NULL;
}

void ref_key_string(bool counted, uint32_t key, char *buf, size_t len)
{
	uint32_t slot = key % SIPSTAT_ROW_SLOTS;
	uint32_t method = key / SIPSTAT_ROW_SLOTS % SIPSTAT_M_MAX;
	uint32_t dir = key / SIPSTAT_ROW_SLOTS / SIPSTAT_M_MAX;
	const char *m = ref_method_name(method), *o = ref_outcome_name(slot);
	char mbuf[16], obuf[16];

	if (!counted) {
		snprintf(buf, len, "nothing");
		return;
	}
	if (!m) {
		snprintf(mbuf, sizeof(mbuf), "method#%u", method);
		m = mbuf;
	}
	if (!o) {
		snprintf(obuf, sizeof(obuf), slot >= SIPSTAT_CODE_MIN ? "%u" : "slot#%u", slot);
		o = obuf;
	}
	snprintf(buf, len, "%s %s %s", dir == SIPSTAT_DIR_IN ? "in" : dir == SIPSTAT_DIR_OUT ?
		 "out" : "dir?", m, o);
}

void ref_result_string(const struct ref_result *r, char *buf, size_t len)
{
	char k[64];

	ref_key_string(r->counted, r->counted ? ref_key(r) : 0, k, sizeof(k));
	snprintf(buf, len, "%s (%s)", k, r->rule ? r->rule : "?");
}

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
 *   TCP                     RFC 793 section 3.1 (with SIPSTAT_CFG_TCP)
 *   IP in IP, IPv6 in IP    RFC 2003, RFC 4213 (with SIPSTAT_CFG_IPIP)
 *   GRE                     RFC 2784, RFC 2890 (SIPSTAT_CFG_GRE)
 *   VXLAN                   RFC 7348 (SIPSTAT_CFG_VXLAN)
 *   GTP-U                   3GPP TS 29.281 (SIPSTAT_CFG_GTPU)
 *   PPPoE session, PPP      RFC 2516, RFC 1661 (SIPSTAT_CFG_PPPOE)
 *   MPLS                    RFC 3032 (SIPSTAT_CFG_MPLS)
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
 *  SPEC 14: Encapsulations (SIPSTAT_CFG_IPIP .. SIPSTAT_CFG_MPLS, each on
 *          or off): one layer, never a tunnel inside a tunnel (there, a
 *          tunnel protocol is not looked at, so its header is never
 *          bad_header).  encap_* is counted besides, exactly when a
 *          SIP-port payload inside is counted (request, response,
 *          malformed, truncated, other, tcp_unparsed); bad_header,
 *          too_deep and fragments inside a tunnel count alone.  A tunnel
 *          header cut by the frame end is bad_header; one that is not of
 *          the kind read (GRE version or discarded bits, VXLAN without I,
 *          GTP-U other than a version-1 G-PDU, PPPoE other than session
 *          data with VER=TYPE=1, PPP or GRE or MPLS carrying no IP) is
 *          nothing.
 *  SPEC 15: SIP over TCP (SIPSTAT_CFG_TCP; RFC 793 3.1): the ports are the
 *          first 4 bytes: a frame that ends before them is bad_header on
 *          any port, as a cut UDP header (SPEC 7).  On a SIP port, a
 *          header cut inside its 20 fixed bytes, a Data Offset below 5,
 *          or options past the IP packet or the frame, is bad_header.  No
 *          payload (by the IP length and the frame end): nothing.  Else
 *          tcp_segments besides, and the payload classified as a UDP
 *          payload is (SPEC 8-11, 13), other and malformed becoming
 *          tcp_unparsed: a segment may start anywhere in the stream, so
 *          a bad status line cannot be told from the middle of one
 *          ("SIP/2.0/TCP host" of a Via header split over segments).
 *  SPEC 16: What a tunnel carries ends where the tunnel's own packet
 *          ends: the outer IP length for IP-in-IP and GRE, the UDP
 *          payload (SPEC 6, 7) for VXLAN and GTP-U.  Bytes after it
 *          (padding, a trailer) are never read as the inner packet.  A
 *          VXLAN/GTP-U port datagram whose UDP or IP length leaves no
 *          payload at all is nothing.
 *  SPEC 17: A SIP port is SIP first: a datagram to 4789 or 2152 on a SIP
 *          port is a SIP datagram.  VXLAN is UDP destination 4789 (RFC
 *          7348 5: the source port is a flow hash); GTP-U is UDP 2152 as
 *          source or destination (the README says "UDP 2152").
 *  SPEC 18: MPLS (EtherType 0x8847, 0x8848): up to four label stack
 *          entries; a fourth without S is too_deep whether or not a fifth
 *          is in the frame.  Below the bottom one, the version nibble
 *          says IPv4 or IPv6; no byte, or another nibble: nothing.
 *  SPEC 19: GTP-U: with E, S or PN the 4 optional bytes must be there;
 *          at most two extension headers (a third is too_deep); one of
 *          length 0 is bad_header.  The GTP-U Length and the PPPoE
 *          LENGTH fields are not read: the inner IP length bounds.
 *  SPEC 20: The event record of a response inside a tunnel names the
 *          inner IP family, addresses and ports, and the VLAN ids of the
 *          outer frame (those of an Ethernet frame inside VXLAN or GRE
 *          are not named); over TCP the TCP ports.
 */
#include <stdio.h>
#include <string.h>

#include "../../bpf/consts.h"	/* the program's bounds and tunnel ports: its policy, not the RFCs' */
#include "ref_decoder.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_8021Q 0x8100
#define ETHERTYPE_8021AD 0x88a8
#define ETHERTYPE_PPPOE_SESSION 0x8864
#define ETHERTYPE_MPLS_UNICAST 0x8847
#define ETHERTYPE_MPLS_MULTICAST 0x8848

/* IANA protocol numbers ("Assigned Internet Protocol Numbers"). */
#define PROTO_HOPOPTS 0
#define PROTO_IPIP 4
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_IPV6 41
#define PROTO_GRE 47
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

/* ------------------------------------------------------------ UDP, TCP */

static void decode_eth(const struct frame *f, size_t off, const struct ref_ports *ports,
		       struct ref_result *r);
static void decode_ip(const struct frame *f, size_t off, uint16_t ethertype,
		      const struct ref_ports *ports, struct ref_result *r);

/* A payload on a SIP port: its one outcome, and what carried it besides (SPEC 14, 15). */
static void count_payload(const uint8_t *p, size_t n, bool tcp, const struct ref_ports *ports,
			  struct ref_result *r)
{
	classify_payload(p, n, ports->cseq, r);
	if (tcp && r->method == SIPSTAT_M_UNKNOWN &&
	    (r->slot == SIPSTAT_O_OTHER || r->slot == SIPSTAT_O_MALFORMED)) {
		r->slot = SIPSTAT_O_TCP_UNPARSED;
		r->rule = "TCP payload that starts no SIP message";
	}
	r->n_also = 0;
	if (r->encap)
		r->also[r->n_also++] = r->encap;
	if (tcp)
		r->also[r->n_also++] = SIPSTAT_O_TCP_SEGMENTS;
}

/* The frame cut at end (an outer packet's end: SPEC 16). */
static struct frame bounded(const struct frame *f, size_t end)
{
	struct frame g = *f;

	if (end < g.len)
		g.len = end;
	return g;
}

static bool flag(const struct ref_ports *ports, uint32_t bit)
{
	return (ports->flags & bit) != 0;
}

#define VXLAN_HEADER_LEN 8		/* RFC 7348 5 */
#define VXLAN_FLAG_I 0x08
#define GTPU_HEADER_LEN 8		/* TS 29.281 5.1 */
#define GTPU_OPTIONAL_LEN 4
#define GTPU_G_PDU 0xff
#define MAX_GTPU_EXTENSION_HEADERS 2	/* SPEC 19 */

/*
 * VXLAN (RFC 7348 5): flags (I: a valid VNI), 24 reserved bits, VNI, 8
 * reserved bits, then an Ethernet frame.  The tunnel's payload is p..end.
 */
/* Recursion: a tunnel's inner frame is decoded as the outer one is, one layer deep. */
// NOLINTNEXTLINE(misc-no-recursion)
static void decode_vxlan(const struct frame *f, size_t p, size_t end,
			 const struct ref_ports *ports, struct ref_result *r)
{
	const struct frame g = bounded(f, end);

	r->encap = SIPSTAT_O_ENCAP_VXLAN;
	r->in_tunnel = true;
	if (!have(&g, p, VXLAN_HEADER_LEN)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "VXLAN header cut short");
		return;
	}
	if (!(byte_at(&g, p) & VXLAN_FLAG_I)) {
		nothing(r, "VXLAN without the I flag (RFC 7348 5)");
		return;
	}
	decode_eth(&g, p + VXLAN_HEADER_LEN, ports, r);
}

/*
 * GTP-U (3GPP TS 29.281 5.1, 5.2): version 1, PT 1, E/S/PN flags, message
 * type (G-PDU 255 carries user data), length, TEID; with any of E/S/PN a
 * sequence number, an N-PDU number and the next extension header type;
 * extension headers of 4n bytes (n in their first byte), the next type in
 * their last.  Then an IP packet, told by its version nibble.
 */
// NOLINTNEXTLINE(misc-no-recursion)
static void decode_gtpu(const struct frame *f, size_t p, size_t end,
			const struct ref_ports *ports, struct ref_result *r)
{
	const struct frame g = bounded(f, end);
	uint8_t flags, next = 0, n;
	int ext = 0;

	r->encap = SIPSTAT_O_ENCAP_GTPU;
	r->in_tunnel = true;
	if (!have(&g, p, GTPU_HEADER_LEN)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "GTP-U header cut short");
		return;
	}
	flags = byte_at(&g, p);
	if (flags >> 5 != 1 || !(flags & 0x10) || byte_at(&g, p + 1) != GTPU_G_PDU) {
		nothing(r, "GTP-U: not version 1, PT 1, G-PDU");
		return;
	}
	p += GTPU_HEADER_LEN;
	if (flags & 0x07) {
		if (!have(&g, p, GTPU_OPTIONAL_LEN)) {
			outcome(r, SIPSTAT_O_BAD_HEADER, "GTP-U optional fields cut short");
			return;
		}
		if (flags & 0x04)
			next = byte_at(&g, p + 3);
		p += GTPU_OPTIONAL_LEN;
	}
	while (next) {
		if (ext == MAX_GTPU_EXTENSION_HEADERS) {
			outcome(r, SIPSTAT_O_TOO_DEEP, "a third GTP-U extension header");
			return;
		}
		ext++;
		if (!have(&g, p, 1) || !(n = byte_at(&g, p)) || !have(&g, p, (size_t)n * 4)) {
			outcome(r, SIPSTAT_O_BAD_HEADER, "GTP-U extension header cut short or empty");
			return;
		}
		next = byte_at(&g, p + (size_t)n * 4 - 1);
		p += (size_t)n * 4;
	}
	if (!have(&g, p, 1)) {
		nothing(r, "GTP-U G-PDU with no packet");
		return;
	}
	if (byte_at(&g, p) >> 4 == 4)
		decode_ip(&g, p, ETHERTYPE_IPV4, ports, r);
	else if (byte_at(&g, p) >> 4 == 6)
		decode_ip(&g, p, ETHERTYPE_IPV6, ports, r);
	else
		nothing(r, "GTP-U G-PDU that is not IP");
}

/*
 * RFC 768: source port, destination port, length (header and data, in
 * octets), checksum.  ip_end: where the IP packet ends (SPEC 6).
 */
// NOLINTNEXTLINE(misc-no-recursion)
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
		/* SPEC 17: a SIP port is SIP first; then the tunnel ports. */
		bool vxlan = !r->in_tunnel && flag(ports, SIPSTAT_CFG_VXLAN) &&
			     destination_port == SIPSTAT_VXLAN_PORT;
		bool gtpu = !r->in_tunnel && flag(ports, SIPSTAT_CFG_GTPU) &&
			    (destination_port == SIPSTAT_GTPU_PORT ||
			     source_port == SIPSTAT_GTPU_PORT);

		if (!vxlan && !gtpu) {
			nothing(r, "UDP off the SIP ports");
			return;
		}
		/* SPEC 16: the tunnel's payload is the UDP payload, as bounded below. */
		if (ports->known & REF_KNOWN_OUTER_END) {
			end = f->len;	/* no check: the frame end bounds */
		} else if (udp_length < UDP_HEADER_LEN || off + UDP_HEADER_LEN > ip_end) {
			nothing(r, "tunnel port, but the UDP length or IP length leaves no payload");
			return;
		} else {
			end = ip_end < off + udp_length ? ip_end : off + udp_length;
		}
		if (vxlan)
			decode_vxlan(f, off + UDP_HEADER_LEN, end, ports, r);
		else
			decode_gtpu(f, off + UDP_HEADER_LEN, end, ports, r);
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
	count_payload(f->bytes + payload, payload_len, false, ports, r);
}

#define TCP_HEADER_MIN 20		/* RFC 793 3.1: Data Offset >= 5 */

/*
 * RFC 793 3.1: source port, destination port, sequence, acknowledgment,
 * Data Offset (4 bits, 32-bit words), ...; the data follows the options.
 * No reassembly (SPEC 15).
 */
static void decode_tcp(const struct frame *f, size_t off, size_t ip_end,
		       const struct ref_ports *ports, struct ref_result *r)
{
	uint16_t source_port, destination_port;
	size_t data, end;

	if (!have(f, off, 4)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "frame ends before the TCP ports");
		return;
	}
	source_port = u16_at(f, off);
	destination_port = u16_at(f, off + 2);
	r->ev.sport = source_port;
	r->ev.dport = destination_port;
	if (!port_is_sip(ports, source_port) && !port_is_sip(ports, destination_port)) {
		nothing(r, "TCP off the SIP ports");
		return;
	}
	if (!have(f, off, TCP_HEADER_MIN)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "frame ends inside the TCP header");
		return;
	}
	data = off + (size_t)(byte_at(f, off + 12) >> 4) * 4;
	if (data < off + TCP_HEADER_MIN) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "TCP Data Offset below 5 (RFC 793)");
		return;
	}
	if (data > ip_end || data > f->len) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "TCP options run past the IP packet or frame");
		return;
	}
	end = ip_end < f->len ? ip_end : f->len;
	if (end == data) {
		nothing(r, "TCP segment without payload");
		return;
	}
	count_payload(f->bytes + data, end - data, true, ports, r);
}

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_RESERVED_DISCARD 0x0c00	/* RFC 2784 2.3.1: bits 4, 5 (RFC 1701's s, Recur) */
#define GRE_VERSION 0x0007
#define ETHERTYPE_TEB 0x6558

/*
 * GRE (RFC 2784 2, RFC 2890 2): C, Reserved0 (with RFC 2890's K and S),
 * Version, Protocol Type; then checksum and reserved (C), key (K),
 * sequence number (S), 4 bytes each.
 */
// NOLINTNEXTLINE(misc-no-recursion)
static void decode_gre(const struct frame *f, size_t off, const struct ref_ports *ports,
		       struct ref_result *r)
{
	uint16_t flags, proto;

	r->encap = SIPSTAT_O_ENCAP_GRE;
	r->in_tunnel = true;
	if (!have(f, off, 4)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "GRE header cut short");
		return;
	}
	flags = u16_at(f, off);
	proto = u16_at(f, off + 2);
	if (flags & (GRE_R | GRE_VERSION |
		     ((ports->known & REF_KNOWN_GRE_RESERVED) ? 0 : GRE_RESERVED_DISCARD))) {
		nothing(r, "GRE: version not 0, or a bit RFC 2784 has receivers discard");
		return;
	}
	off += 4 + (flags & GRE_C ? 4 : 0) + (flags & GRE_K ? 4 : 0) + (flags & GRE_S ? 4 : 0);
	if (!have(f, off, 0)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "GRE optional fields cut short");
		return;
	}
	if (proto == ETHERTYPE_TEB)
		decode_eth(f, off, ports, r);
	else if (proto == ETHERTYPE_IPV4 || proto == ETHERTYPE_IPV6)
		decode_ip(f, off, proto, ports, r);
	else
		nothing(r, "GRE carrying neither IP nor Ethernet");
}

/* The transport or tunnel header at off of an IP packet ending at ip_end. */
// NOLINTNEXTLINE(misc-no-recursion)
static void decode_transport(const struct frame *f, size_t off, size_t ip_end, uint8_t protocol,
			     const struct ref_ports *ports, struct ref_result *r)
{
	/* SPEC 16, for what a tunnel holds */
	const struct frame g = bounded(f, (ports->known & REF_KNOWN_OUTER_END) ? f->len : ip_end);

	if ((ports->known & REF_KNOWN_L4_CUT8) && !have(f, off, 8) &&
	    ((protocol == PROTO_TCP && flag(ports, SIPSTAT_CFG_TCP)) ||
	     ((protocol == PROTO_IPIP || protocol == PROTO_IPV6) && flag(ports, SIPSTAT_CFG_IPIP)) ||
	     (protocol == PROTO_GRE && flag(ports, SIPSTAT_CFG_GRE)))) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "known difference: fewer than 8 bytes of a "
			"transport or tunnel header");
		return;
	}
	if (protocol == PROTO_UDP) {
		decode_udp(f, off, ip_end, ports, r);
	} else if (protocol == PROTO_TCP && flag(ports, SIPSTAT_CFG_TCP)) {
		decode_tcp(f, off, ip_end, ports, r);
	} else if ((protocol == PROTO_IPIP || protocol == PROTO_IPV6) && !r->in_tunnel &&
		   flag(ports, SIPSTAT_CFG_IPIP)) {
		r->encap = SIPSTAT_O_ENCAP_IPIP;
		r->in_tunnel = true;
		decode_ip(&g, off, protocol == PROTO_IPIP ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6,
			  ports, r);
	} else if (protocol == PROTO_GRE && !r->in_tunnel && flag(ports, SIPSTAT_CFG_GRE)) {
		decode_gre(&g, off, ports, r);
	} else {
		nothing(r, "not a transport or tunnel looked at");
	}
}

/* Protocols whose later fragments are nothing (SPEC 5: only UDP's are fragments). */

/* ------------------------------------------------------------ IPv4 */

/*
 * RFC 791 3.1: Version (4 bits), IHL (4 bits, 32-bit words), TOS, Total
 * Length (octets, header and data), Identification, Flags (3 bits),
 * Fragment Offset (13 bits, 8-octet units), TTL, Protocol, checksum,
 * addresses, options.
 */
// NOLINTNEXTLINE(misc-no-recursion)
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
	memset(r->ev.saddr, 0, sizeof(r->ev.saddr));		/* an outer IPv6's, in IP in IP */
	memset(r->ev.daddr, 0, sizeof(r->ev.daddr));
	memcpy(r->ev.saddr, f->bytes + off + 12, 4);		/* source, destination address */
	memcpy(r->ev.daddr, f->bytes + off + 16, 4);
	header_len = (size_t)ihl * 4;
	if (!have(f, off, header_len)) {			/* SPEC 3 */
		outcome(r, SIPSTAT_O_BAD_HEADER, "frame ends inside the IPv4 options");
		return;
	}
	protocol = byte_at(f, off + 9);
	fragment_offset = u16_at(f, off + 6) & 0x1fff;		/* below the 3 flag bits */
	if (fragment_offset != 0) {				/* SPEC 5 */
		if (protocol == PROTO_UDP)
			outcome(r, SIPSTAT_O_FRAGMENTS, "IPv4 UDP fragment at an offset above 0");
		else
			nothing(r, "IPv4 later fragment, not UDP");
		return;
	}
	total_length = u16_at(f, off + 2);			/* SPEC 6 */
	decode_transport(f, off + header_len, off + total_length, protocol, ports, r);
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
// NOLINTNEXTLINE(misc-no-recursion)
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
	decode_transport(f, off, ip_end, next_header, ports, r);
}

/* ------------------------------------------------------------ Ethernet */

// NOLINTNEXTLINE(misc-no-recursion)
static void decode_ip(const struct frame *f, size_t off, uint16_t ethertype,
		      const struct ref_ports *ports, struct ref_result *r)
{
	if (ethertype == ETHERTYPE_IPV4)
		decode_ipv4(f, off, ports, r);
	else if (ethertype == ETHERTYPE_IPV6)
		decode_ipv6(f, off, ports, r);
	else
		nothing(r, "not IP");
}

#define PPPOE_HEADER_LEN 6	/* RFC 2516 4: VER, TYPE, CODE, SESSION_ID, LENGTH */
#define PPP_IPV4 0x0021		/* RFC 1332 */
#define PPP_IPV6 0x0057		/* RFC 5072 */
#define MPLS_ENTRY_LEN 4	/* RFC 3032 2.1 */

/* A PPPoE session (RFC 2516 4, 5.4) carrying PPP (RFC 1661 2): IP inside. */
// NOLINTNEXTLINE(misc-no-recursion)
static void decode_pppoe(const struct frame *f, size_t off, const struct ref_ports *ports,
			 struct ref_result *r)
{
	uint16_t ppp;

	r->encap = SIPSTAT_O_ENCAP_PPPOE;
	r->in_tunnel = true;
	if (!have(f, off, PPPOE_HEADER_LEN + 2)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "PPPoE or PPP header cut short");
		return;
	}
	if (byte_at(f, off) != 0x11 || byte_at(f, off + 1) != 0) {
		nothing(r, "PPPoE: not version 1, type 1, session data (code 0)");
		return;
	}
	ppp = u16_at(f, off + PPPOE_HEADER_LEN);
	if (ppp == PPP_IPV4)
		decode_ip(f, off + PPPOE_HEADER_LEN + 2, ETHERTYPE_IPV4, ports, r);
	else if (ppp == PPP_IPV6)
		decode_ip(f, off + PPPOE_HEADER_LEN + 2, ETHERTYPE_IPV6, ports, r);
	else
		nothing(r, "PPP protocol neither IPv4 nor IPv6");
}

/* An MPLS label stack (RFC 3032 2.1: label, TC, S, TTL), IP below it (SPEC 18). */
// NOLINTNEXTLINE(misc-no-recursion)
static void decode_mpls(const struct frame *f, size_t off, const struct ref_ports *ports,
			struct ref_result *r)
{
	int i;

	r->encap = SIPSTAT_O_ENCAP_MPLS;
	r->in_tunnel = true;
	for (i = 0; i < SIPSTAT_MAX_MPLS; i++) {
		if (!have(f, off, MPLS_ENTRY_LEN)) {
			outcome(r, SIPSTAT_O_BAD_HEADER, "MPLS label stack entry cut short");
			return;
		}
		off += MPLS_ENTRY_LEN;
		if (byte_at(f, off - 2) & 1) {		/* S: bottom of stack */
			if (!have(f, off, 1))
				nothing(r, "nothing below the MPLS stack");
			else if (byte_at(f, off) >> 4 == 4)
				decode_ip(f, off, ETHERTYPE_IPV4, ports, r);
			else if (byte_at(f, off) >> 4 == 6)
				decode_ip(f, off, ETHERTYPE_IPV6, ports, r);
			else
				nothing(r, "neither IPv4 nor IPv6 below the MPLS stack");
			return;
		}
	}
	outcome(r, SIPSTAT_O_TOO_DEEP, "a fifth MPLS label");
}

/*
 * Ethernet II and its tags at off: the outer frame, or one inside VXLAN or
 * GRE (TEB), whose tags the event record does not name (SPEC 20).
 */
// NOLINTNEXTLINE(misc-no-recursion)
static void decode_eth(const struct frame *f, size_t off, const struct ref_ports *ports,
		       struct ref_result *r)
{
	uint16_t ethertype;
	bool outer = !r->in_tunnel;
	int tags = 0;

	/* Destination, source, EtherType. */
	if (!have(f, off, ETHERNET_HEADER_LEN)) {
		outcome(r, SIPSTAT_O_BAD_HEADER, "frame ends inside the Ethernet header");
		return;
	}
	ethertype = u16_at(f, off + 12);
	off += ETHERNET_HEADER_LEN;

	/* IEEE 802.1Q / 802.1ad tags: TCI, then the EtherType of what follows. */
	while (ethertype == ETHERTYPE_8021Q || ethertype == ETHERTYPE_8021AD) {
		if (tags == MAX_VLAN_TAGS) {			/* SPEC 1 */
			outcome(r, SIPSTAT_O_TOO_DEEP, "a third VLAN tag");
			return;
		}
		if (!have(f, off, VLAN_TAG_LEN)) {
			outcome(r, SIPSTAT_O_BAD_HEADER, "frame ends inside a VLAN tag");
			return;
		}
		if (outer) {
			r->ev.vlan[tags] = u16_at(f, off) & 0x0fff;	/* TCI: PCP, DEI, VID */
			r->ev.nvlan = (uint8_t)(tags + 1);
		}
		ethertype = u16_at(f, off + 2);
		off += VLAN_TAG_LEN;
		tags++;
	}

	if (outer && ethertype == ETHERTYPE_PPPOE_SESSION && flag(ports, SIPSTAT_CFG_PPPOE))
		decode_pppoe(f, off, ports, r);
	else if (outer && (ethertype == ETHERTYPE_MPLS_UNICAST ||
			   ethertype == ETHERTYPE_MPLS_MULTICAST) && flag(ports, SIPSTAT_CFG_MPLS))
		decode_mpls(f, off, ports, r);
	else
		decode_ip(f, off, ethertype, ports, r);
}

void ref_decode(const uint8_t *frame, size_t len, const struct ref_ports *ports,
		struct ref_result *out)
{
	const struct frame f = { .bytes = frame, .len = len };

	memset(out, 0, sizeof(*out));
	out->dir = SIPSTAT_DIR_IN;		/* the XDP program sees received frames */
	out->method = SIPSTAT_M_UNKNOWN;
	decode_eth(&f, 0, ports, out);
	if (!out->counted)
		out->n_also = 0;
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
		[SIPSTAT_O_TCP_SEGMENTS] = "tcp_segments",
		[SIPSTAT_O_TCP_UNPARSED] = "tcp_unparsed",
		[SIPSTAT_O_ENCAP_IPIP] = "encap_ipip",	[SIPSTAT_O_ENCAP_GRE] = "encap_gre",
		[SIPSTAT_O_ENCAP_VXLAN] = "encap_vxlan",	[SIPSTAT_O_ENCAP_GTPU] = "encap_gtpu",
		[SIPSTAT_O_ENCAP_PPPOE] = "encap_pppoe",	[SIPSTAT_O_ENCAP_MPLS] = "encap_mpls",
		[SIPSTAT_O_PEER_OVERFLOW] = "peer_overflow",
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

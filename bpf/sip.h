/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Classify the start of a UDP payload on a SIP port: a status line (the
 * code), a request line (its method), something that starts like a
 * status line but is not one, too short to tell, or anything else.  Pure
 * functions of the bytes; the counting core decides what to count.
 */
#ifndef SIPSTAT_BPF_SIP_H
#define SIPSTAT_BPF_SIP_H

#include <linux/types.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "sipstat.h"
#include "consts.h"

/*
 * Byte strings as big-endian 64-bit words: the payload head is loaded once
 * and byte-swapped to this order, so constants read left to right and a
 * prefix of n bytes is the top n bytes.
 */
#define W8(a, b, c, d, e, f, g, h)                                             \
	(((__u64)(a) << 56) | ((__u64)(b) << 48) | ((__u64)(c) << 40) |        \
	 ((__u64)(d) << 32) | ((__u64)(e) << 24) | ((__u64)(f) << 16) |        \
	 ((__u64)(g) << 8) | (__u64)(h))
/* n from 1 to 8 */
#define PREFIX_MASK(n) (~0ULL << (64 - 8 * (n)))

#define SIP20_SP W8('S', 'I', 'P', '/', '2', '.', '0', ' ')
/* "sip/" with the case bit forced on the three letters: a status-like start. */
#define SIP_SLASH_LC W8('s', 'i', 'p', '/', 0, 0, 0, 0)
#define CASE_BITS_3 W8(0x20, 0x20, 0x20, 0, 0, 0, 0, 0)

#define METHOD_IS(w, n, a, b, c, d, e, f, g, h)                                \
	(((w) & PREFIX_MASK(n)) == W8(a, b, c, d, e, f, g, h))

/* Longest extension method recognised (RFC 3261 25.1: a token). */
#define SIP_EXT_METHOD_MAX 10

/* RFC 3261 25.1 token characters: alphanumerics and -.!%*_+`'~ */
static __always_inline int is_token_char(__u8 ch)
{
	__u8 lc = ch | 0x20;

	return (lc >= 'a' && lc <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
	       ch == '.' || ch == '!' || ch == '%' || ch == '*' || ch == '_' || ch == '+' ||
	       ch == '`' || ch == '\'' || ch == '~';
}

/*
 * "sip:", "sips:", "tel:" or "urn:" at q (schemes are case-insensitive,
 * RFC 3986), with left payload bytes from q and at least 4 of them.
 */
static __always_inline int is_uri_scheme(const __u8 *q, const void *end, __u32 left)
{
	__u32 s = ((__u32)(q[0] | 0x20) << 24) | ((__u32)(q[1] | 0x20) << 16) |
		  ((__u32)(q[2] | 0x20) << 8) | q[3];

	if (s == 0x7369703a /* sip: */ || s == 0x74656c3a /* tel: */ || s == 0x75726e3a /* urn: */)
		return 1;
	/* "sips" in any case, then the colon. */
	return (s | 0x20) == 0x73697073 && left >= 5 && (const void *)(q + 5) <= end &&
	       q[4] == ':';
}

/*
 * A request line of a method that is not in the list: a token of 1 to
 * SIP_EXT_METHOD_MAX characters starting with a letter, one SP, then a
 * URI scheme.  Reached only by payloads that are neither a status line
 * nor a known method, so the short scan costs SIP traffic nothing.
 */
static __always_inline int is_extension_request(const __u8 *p, const void *end, __u32 len)
{
	__u8 ch;
	int i;

	if (((p[0] | 0x20) < 'a') || ((p[0] | 0x20) > 'z'))
		return 0;
#pragma unroll
	for (i = 1; i <= SIP_EXT_METHOD_MAX; i++) {
		/* p[i], then the four bytes of the shortest scheme. */
		if ((const void *)(p + i + 5) > end || (__u32)i + 5 > len)
			return 0;
		ch = p[i];
		if (ch == ' ')
			return is_uri_scheme(p + i + 1, end, len - i - 1);
		if (!is_token_char(ch))
			return 0;
	}
	return 0;
}

/*
 * Method of a request line from its first 12 bytes (w: the first 8, big
 * endian), or SIPSTAT_M_UNKNOWN when the payload is not a request line.
 */
static __always_inline __u32 request_method(__u64 w, const __u8 *p, const void *end, __u32 len)
{
	__u8 first = w >> 56;

	/* Every listed method starts with a letter from A to U: most non-SIP
	 * payloads (STUN, RTP) leave here, before any comparison. */
	if (first >= 'A' && first <= 'U') {
		if (METHOD_IS(w, 7, 'I', 'N', 'V', 'I', 'T', 'E', ' ', 0))
			return SIPSTAT_M_INVITE;
		if (METHOD_IS(w, 4, 'A', 'C', 'K', ' ', 0, 0, 0, 0))
			return SIPSTAT_M_ACK;
		if (METHOD_IS(w, 4, 'B', 'Y', 'E', ' ', 0, 0, 0, 0))
			return SIPSTAT_M_BYE;
		if (METHOD_IS(w, 7, 'C', 'A', 'N', 'C', 'E', 'L', ' ', 0))
			return SIPSTAT_M_CANCEL;
		if (w == W8('R', 'E', 'G', 'I', 'S', 'T', 'E', 'R') && p[8] == ' ')
			return SIPSTAT_M_REGISTER;
		if (METHOD_IS(w, 8, 'O', 'P', 'T', 'I', 'O', 'N', 'S', ' '))
			return SIPSTAT_M_OPTIONS;
		if (METHOD_IS(w, 6, 'P', 'R', 'A', 'C', 'K', ' ', 0, 0))
			return SIPSTAT_M_PRACK;
		if (METHOD_IS(w, 7, 'U', 'P', 'D', 'A', 'T', 'E', ' ', 0))
			return SIPSTAT_M_UPDATE;
		if (w == W8('S', 'U', 'B', 'S', 'C', 'R', 'I', 'B') && p[8] == 'E' && p[9] == ' ')
			return SIPSTAT_M_SUBSCRIBE;
		if (METHOD_IS(w, 7, 'N', 'O', 'T', 'I', 'F', 'Y', ' ', 0))
			return SIPSTAT_M_NOTIFY;
		if (METHOD_IS(w, 6, 'R', 'E', 'F', 'E', 'R', ' ', 0, 0))
			return SIPSTAT_M_REFER;
		if (METHOD_IS(w, 8, 'M', 'E', 'S', 'S', 'A', 'G', 'E', ' '))
			return SIPSTAT_M_MESSAGE;
		if (METHOD_IS(w, 5, 'I', 'N', 'F', 'O', ' ', 0, 0, 0))
			return SIPSTAT_M_INFO;
		if (METHOD_IS(w, 8, 'P', 'U', 'B', 'L', 'I', 'S', 'H', ' '))
			return SIPSTAT_M_PUBLISH;
	}
	return is_extension_request(p, end, len) ? SIPSTAT_M_OTHER : SIPSTAT_M_UNKNOWN;
}

/*
 * Fewer than SIPSTAT_STATUS_PREFIX_LEN bytes.  Not status-like (the bytes
 * there do not start "SIP/" in any case): other.  Status-like and every
 * byte there fits "SIP/2.0 DDD" with D0 in 1..6: truncated.  Otherwise
 * malformed.
 */
static __always_inline __u32 classify_short(const __u8 *p, const void *end, __u32 len)
{
	const __u8 upper[] = "SIP/2.0 ";
	int bad = 0, i;
	__u8 ch;

	if (len == 0)
		return SIPSTAT_O_OTHER;
#pragma unroll
	for (i = 0; i < SIPSTAT_STATUS_PREFIX_LEN - 1; i++) {
		if ((__u32)i >= len || (const void *)(p + i + 1) > end)
			return bad ? SIPSTAT_O_MALFORMED : SIPSTAT_O_TRUNCATED;
		ch = p[i];
		if (i < 4) {
			/* The letters in any case, the slash exactly. */
			if ((ch | (i < 3 ? 0x20 : 0)) != (upper[i] | (i < 3 ? 0x20 : 0)))
				return SIPSTAT_O_OTHER;
			bad |= ch != upper[i];
		} else if (bad || (i < 8 && ch != upper[i]) ||
			   (i == 8 && (ch < '1' || ch > '6')) ||
			   (i > 8 && (ch < '0' || ch > '9'))) {
			return SIPSTAT_O_MALFORMED;
		}
	}
	/* Eleven bytes, all fitting: one short of a status line. */
	return SIPSTAT_O_TRUNCATED;
}

/*
 * The CSeq header of a response: its method names the request the
 * response answers.
 */

#ifndef barrier_var
/* Make the compiler forget what it knows of var (as libbpf's bpf_helpers.h). */
#define barrier_var(var) asm volatile("" : "+r"(var))
#endif

/* Whitespace inside a header line (RFC 3261 25.1 WSP). */
static __always_inline int is_wsp(__u8 ch)
{
	return ch == ' ' || ch == '\t';
}

/*
 * What may follow a method name in CSeq: whitespace, the line end, or the
 * end of the payload (a zero byte of the padded copy, below).
 */
static __always_inline int is_method_end(__u8 ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == 0;
}

/* Bytes a method name and its terminator may take in CSeq ("SUBSCRIBE\r"). */
#define CSEQ_METHOD_BYTES 10

/*
 * The method at q (at least CSEQ_METHOD_BYTES readable bytes, checked by
 * the caller): a listed one followed by whitespace or the line end, any
 * other token starting with a letter (an extension method), or nothing.
 */
static __always_inline __u32 cseq_method_name(const __u8 *q)
{
	__u64 w = bpf_be64_to_cpu(*(const __u64 *)q);
	__u8 first = w >> 56;

#define CSEQ_IS(n, a, b, c, d, e, f, g, h)                                     \
	(((w) & PREFIX_MASK(n)) == W8(a, b, c, d, e, f, g, h) && is_method_end(q[n]))
	if (CSEQ_IS(6, 'I', 'N', 'V', 'I', 'T', 'E', 0, 0))
		return SIPSTAT_M_INVITE;
	if (CSEQ_IS(3, 'A', 'C', 'K', 0, 0, 0, 0, 0))
		return SIPSTAT_M_ACK;
	if (CSEQ_IS(3, 'B', 'Y', 'E', 0, 0, 0, 0, 0))
		return SIPSTAT_M_BYE;
	if (CSEQ_IS(6, 'C', 'A', 'N', 'C', 'E', 'L', 0, 0))
		return SIPSTAT_M_CANCEL;
	if (w == W8('R', 'E', 'G', 'I', 'S', 'T', 'E', 'R') && is_method_end(q[8]))
		return SIPSTAT_M_REGISTER;
	if (CSEQ_IS(7, 'O', 'P', 'T', 'I', 'O', 'N', 'S', 0))
		return SIPSTAT_M_OPTIONS;
	if (CSEQ_IS(5, 'P', 'R', 'A', 'C', 'K', 0, 0, 0))
		return SIPSTAT_M_PRACK;
	if (CSEQ_IS(6, 'U', 'P', 'D', 'A', 'T', 'E', 0, 0))
		return SIPSTAT_M_UPDATE;
	if (w == W8('S', 'U', 'B', 'S', 'C', 'R', 'I', 'B') && q[8] == 'E' &&
	    is_method_end(q[9]))
		return SIPSTAT_M_SUBSCRIBE;
	if (CSEQ_IS(6, 'N', 'O', 'T', 'I', 'F', 'Y', 0, 0))
		return SIPSTAT_M_NOTIFY;
	if (CSEQ_IS(5, 'R', 'E', 'F', 'E', 'R', 0, 0, 0))
		return SIPSTAT_M_REFER;
	if (CSEQ_IS(7, 'M', 'E', 'S', 'S', 'A', 'G', 'E', 0))
		return SIPSTAT_M_MESSAGE;
	if (CSEQ_IS(4, 'I', 'N', 'F', 'O', 0, 0, 0, 0))
		return SIPSTAT_M_INFO;
	if (CSEQ_IS(7, 'P', 'U', 'B', 'L', 'I', 'S', 'H', 0))
		return SIPSTAT_M_PUBLISH;
#undef CSEQ_IS
	if ((first | 0x20) >= 'a' && (first | 0x20) <= 'z')
		return SIPSTAT_M_OTHER;
	return SIPSTAT_M_UNKNOWN;
}

/*
 * A method closer than CSEQ_METHOD_BYTES to the end of the payload: read
 * what there is into a zero-padded copy on the stack, where the end of
 * the payload reads as a zero byte.
 */
static __always_inline __u32 cseq_method_near_end(const __u8 *q, const void *end, __u32 left)
{
	__u8 buf[CSEQ_METHOD_BYTES + 6] = { 0 };

	/* Straight-line: clang will not unroll this copy loop here. */
#define COPY(i)                                                                \
	if ((__u32)(i) >= left || (const void *)(q + (i) + 1) > end)           \
		goto copied;                                                   \
	buf[i] = q[i];
	COPY(0) COPY(1) COPY(2) COPY(3) COPY(4) COPY(5) COPY(6) COPY(7) COPY(8) COPY(9)
#undef COPY
	_Static_assert(CSEQ_METHOD_BYTES == 10, "one COPY per byte");
copied:
	return cseq_method_name(buf);
}

/* Longest runs of whitespace and digits read in a CSeq value. */
#define CSEQ_WSP_MAX 3
#define CSEQ_DIGITS_MAX 10

/*
 * The value of a CSeq header, at q just after the name "CSeq", with left
 * bytes of the payload from there: [WSP] ":" [WSP] 1*DIGIT 1*WSP Method
 * (RFC 3261 20.16 and 25.1, runs of whitespace bounded).  The method, or
 * SIPSTAT_M_UNKNOWN when the value does not have that shape.  Every read
 * is checked against both the payload (left) and the frame (end).
 */
static __always_inline __u32 cseq_value(const __u8 *q, const void *end, __u32 left)
{
	int i;

	/*
	 * q moves one byte at a time, each read checked against the frame
	 * end right before it; the barrier keeps clang from rebuilding q
	 * from the packet start after a loop, which the verifier could not
	 * follow.
	 */
#define CSEQ_SKIP(max, cond)                                                   \
	for (i = 0; i < (max); i++) {                                          \
		if (!left || (const void *)(q + 1) > end || !(cond))           \
			break;                                                 \
		q++;                                                           \
		left--;                                                        \
		barrier_var(q);                                                \
	}
	CSEQ_SKIP(CSEQ_WSP_MAX, is_wsp(q[0]));
	if (!left || (const void *)(q + 1) > end || q[0] != ':')
		return SIPSTAT_M_UNKNOWN;
	q++;
	left--;
	barrier_var(q);
	CSEQ_SKIP(CSEQ_WSP_MAX, is_wsp(q[0]));
	CSEQ_SKIP(CSEQ_DIGITS_MAX, q[0] >= '0' && q[0] <= '9');
	if (i == 0)
		return SIPSTAT_M_UNKNOWN;
	CSEQ_SKIP(CSEQ_WSP_MAX, is_wsp(q[0]));
	if (i == 0)
		return SIPSTAT_M_UNKNOWN;
#undef CSEQ_SKIP
	if (left >= CSEQ_METHOD_BYTES && (const void *)(q + CSEQ_METHOD_BYTES) <= end)
		return cseq_method_name(q);
	return cseq_method_near_end(q, end, left);
}

/* "cseq" as a little-endian 32-bit word, letters lower-cased. */
#define CSEQ_LC 0x71657363U
#define NL_BYTES 0x0a0a0a0a0a0a0a0aULL
#define LOW_BYTES 0x0101010101010101ULL
#define HIGH_BITS 0x8080808080808080ULL

enum line_kind { LINE_OTHER = 0, LINE_CSEQ, LINE_BLANK };

/* The header line starting at l, with left payload bytes: CSeq, the blank line, another. */
static __always_inline int line_kind(const __u8 *l, const void *end, __u32 left)
{
	__u32 name;

	if (left < 5 || (const void *)(l + 5) > end)
		return LINE_OTHER;
	if (l[0] == '\r' || l[0] == '\n')
		return LINE_BLANK;
	name = *(const __u32 *)l | 0x20202020U;
	if (name == CSEQ_LC && (l[4] == ':' || is_wsp(l[4])))
		return LINE_CSEQ;
	return LINE_OTHER;
}

/*
 * Steps of the CSeq search: each reads one 8-byte word and moves past it,
 * or past the first line feed in it.  Enough for SIPSTAT_CSEQ_SCAN bytes
 * of header lines 16 bytes long on average.
 */
#define CSEQ_SCAN_STEPS ((SIPSTAT_CSEQ_SCAN - SIPSTAT_STATUS_PREFIX_LEN) / 8 + SIPSTAT_CSEQ_SCAN / 16)

/*
 * Where the value of a response's CSeq starts: the offset in the payload
 * just after the name "CSeq", or 0 when there is none to read.  The
 * payload is read eight bytes at a time from the end of the status line;
 * where a word holds a line feed, the line after the first one is looked
 * at and the search goes on from there.  Bounded by SIPSTAT_CSEQ_SCAN and
 * by the blank line that ends the headers.  No branch per byte, so the
 * verifier walks each step once.
 */
static __always_inline __u32 cseq_find(const __u8 *p, const void *end, __u32 len)
{
	__u32 off = SIPSTAT_STATUS_PREFIX_LEN, j;
	__u64 w, x, m;
	int i, k;

	if (len > SIPSTAT_CSEQ_SCAN)
		len = SIPSTAT_CSEQ_SCAN;
	for (i = 0; i < CSEQ_SCAN_STEPS; i++) {
		off &= 0x7ff;	/* below SIPSTAT_CSEQ_SCAN: a bounded packet offset */
		if (off + 8 > len || (const void *)(p + off + 8) > end)
			break;
		w = *(const __u64 *)(p + off);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w = __builtin_bswap64(w);	/* byte j of the payload at bits 8j */
#endif
		/*
		 * A high bit on each byte that is '\n' (and maybe on a byte right
		 * after one): the lowest is always a line feed.
		 */
		x = w ^ NL_BYTES;
		m = (x - LOW_BYTES) & ~x & HIGH_BITS;
		if (!m) {
			off += 8;
			continue;
		}
		/* Its byte index j: (1 << 8j) times 0x0001..07 has j in its top byte. */
		j = (__u32)((((m & -m) >> 7) * 0x0001020304050607ULL) >> 56);
		off += j + 1;
		k = line_kind(p + off, end, len - off);
		if (k == LINE_CSEQ)
			return off + 4 <= len ? off + 4 : 0;
		if (k == LINE_BLANK)
			break;
	}
	return 0;
}

/* The offset of (method, slot) within a direction's rows. */
#define ROW_OFF(method, slot) ((__u32)(method) * SIPSTAT_ROW_SLOTS + (__u32)(slot))

/*
 * The payload p of len bytes (len already bounded by the UDP length, the
 * IP length and the frame end; end is the frame end for the verifier).
 * Returns what to count as one offset within the direction's rows,
 * ROW_OFF(method, slot): a response's code in the SIPSTAT_M_UNKNOWN row
 * (the offset is the code), a request in its method's row, an outcome.
 * One value, so every path meets in one register.
 */
static __always_inline __u32 sip_classify(const __u8 *p, const void *end, __u32 len)
{
	__u8 d0, d1, d2;
	__u64 w;
	__u32 m;

	if (len < SIPSTAT_STATUS_PREFIX_LEN || (const void *)(p + SIPSTAT_STATUS_PREFIX_LEN) > end)
		return classify_short(p, end, len);

	w = bpf_be64_to_cpu(*(const __u64 *)p);
	if (w == SIP20_SP) {
		d0 = p[8] - '0';
		d1 = p[9] - '0';
		d2 = p[10] - '0';
		/* First digit 1..6 is exactly the range 100..699. */
		if (d0 >= 1 && d0 <= 6 && d1 <= 9 && d2 <= 9 && p[11] == ' ')
			return (__u32)d0 * 100 + (__u32)d1 * 10 + d2;
		return SIPSTAT_O_MALFORMED;
	}
	if (((w | CASE_BITS_3) & PREFIX_MASK(4)) == SIP_SLASH_LC)
		return SIPSTAT_O_MALFORMED;
	m = request_method(w, p, end, len);
	if (m == SIPSTAT_M_UNKNOWN)
		return SIPSTAT_O_OTHER;
	return ROW_OFF(m, SIPSTAT_O_REQUESTS);
}

#endif /* SIPSTAT_BPF_SIP_H */

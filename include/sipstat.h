/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the XDP program and the sipstat command share: map sizes, the
 * parser counter indices and the layout of the port set.  No includes of
 * its own: the BPF side gets __u64 from <linux/types.h>, userspace too.
 */
#ifndef SIPSTAT_H
#define SIPSTAT_H

/* Status codes are counted at index == code; 0..99 stay zero. */
#define SIPSTAT_CODE_MIN 100
#define SIPSTAT_CODE_MAX 699
#define SIPSTAT_CODE_SLOTS (SIPSTAT_CODE_MAX + 1)

/* "SIP/2.0 " + 3 digits + SP: the bytes that decide a status line. */
#define SIPSTAT_STATUS_PREFIX_LEN 12

/* Fixed parser bounds (verifier-friendly, and documented in README). */
#define SIPSTAT_MAX_VLAN 2
#define SIPSTAT_MAX_IPV6_EXT 4

/* Default SIP port when userspace sets none. */
#define SIPSTAT_DEFAULT_PORT 5060

/*
 * The SIP port set: one bit per UDP port, 65536 bits.  Kept in the
 * program's .bss so userspace can rewrite it through the mmap'ed skeleton
 * while the program is attached, and the data path tests it with two
 * plain loads instead of two map lookups.
 */
#define SIPSTAT_PORT_WORDS (65536 / 64)

/*
 * Parser counters, one per-CPU slot each.  For every frame exactly one
 * outcome past "udp_sip" is counted, so
 *   udp_sip == requests + responses + malformed + truncated + other
 * and the per-code counters add up to "responses".
 */
enum sipstat_counter {
	SIPSTAT_C_FRAMES = 0,	/* every frame the program saw */
	SIPSTAT_C_IPV4,		/* IPv4 frames (after VLAN tags) */
	SIPSTAT_C_IPV6,		/* IPv6 frames (after VLAN tags) */
	SIPSTAT_C_UDP_SIP,	/* UDP datagrams with a SIP port as source or destination */
	SIPSTAT_C_REQUESTS,	/* payload starts with a SIP request line */
	SIPSTAT_C_RESPONSES,	/* valid status line, counted under its code */
	SIPSTAT_C_MALFORMED,	/* starts like a status line ("SIP/" any case) but is not one */
	SIPSTAT_C_TRUNCATED,	/* payload ends before a status line could be read */
	SIPSTAT_C_OTHER,	/* other payload on a SIP port (keepalive, STUN, TCP-less junk) */
	SIPSTAT_C_FRAGMENTS,	/* UDP IP fragments that are not the first: never parsed */
	SIPSTAT_C_BAD_HEADER,	/* frame cut short or inconsistent inside Ethernet/IP/UDP */
	SIPSTAT_C_TOO_DEEP,	/* more VLAN tags or IPv6 extension headers than the bounds */
	SIPSTAT_C_MAX,
};

struct sipstat_counters {
	__u64 c[SIPSTAT_C_MAX];
};

_Static_assert(sizeof(struct sipstat_counters) == SIPSTAT_C_MAX * sizeof(__u64),
	       "counter block has no padding");
_Static_assert(SIPSTAT_PORT_WORDS * 64 == 65536, "one bit per port");

#endif /* SIPSTAT_H */

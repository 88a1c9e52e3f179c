/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A reference decoder for sipstat's counters, written from the protocol
 * specifications (IEEE 802.1Q, RFC 791, RFC 8200, RFC 768, RFC 793, the
 * tunnels' RFCs and TS 29.281, RFC 3261), not from the XDP program: given
 * one frame, the SIP port set and the settings, it says which counter of
 * sip_counts must go up by one, if any, and which of the SIPSTAT_M_UNKNOWN
 * row go up besides (tcp_segments, encap_*).  The differential fuzzer
 * (fuzz_xdp.c), the regression tests (test_regress.c) and the tshark
 * oracle (oracle_tshark.c) hold the XDP program to it.  Named peers and
 * failing addresses (SIPSTAT_CFG_PEERS, SIPSTAT_CFG_FAILING) are not
 * modelled: they write maps of their own, not sip_counts.
 *
 * Plain C, no libbpf, no kernel headers beyond <linux/types.h> (for the
 * counter layout in sipstat.h).
 */
#ifndef SIPSTAT_REF_DECODER_H
#define SIPSTAT_REF_DECODER_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sipstat.h"

/*
 * The program's settings the decoder needs: the SIP port set (every port,
 * or the ports in list[0..n)) and whether a response's row is the method
 * of its CSeq (SIPSTAT_CFG_METHODS).
 */
struct ref_ports {
	const uint16_t *list;
	size_t n;
	bool all;
	bool cseq;
	uint32_t flags;		/* SIPSTAT_CFG_TCP and SIPSTAT_CFG_ENCAP bits: SIP over TCP, tunnels */
	uint32_t known;		/* REF_KNOWN_*: differences reported, the program's side taken */
};

/*
 * Differences between the program and the specification that were
 * reported and not decided yet.  With the bit set in ref_ports.known the
 * decoder takes the program's side of that one difference, so that the
 * fuzzer goes on to find others; without it (the default) it follows the
 * SPEC item named.  test_regress holds a case of each.
 */
#define REF_KNOWN_L4_CUT8 (1u << 0)	/* SPEC 14, 15: a TCP, IP-in-IP or GRE header with
					 * fewer than 8 bytes in the frame is bad_header
					 * whatever it holds, inside a tunnel too */
#define REF_KNOWN_OUTER_END (1u << 1)	/* SPEC 16: a tunnel's contents run to the frame
					 * end, past the outer IP length and UDP length */
#define REF_KNOWN_GRE_RESERVED (1u << 2)	/* SPEC 14: GRE with RFC 1701's s or Recur
					 * bits set (RFC 2784 2.3.1: discard) is read */
#define REF_KNOWN_ALL (REF_KNOWN_L4_CUT8 | REF_KNOWN_OUTER_END | REF_KNOWN_GRE_RESERVED)

/*
 * What the event record of a response says (include/sipstat.h struct
 * sipstat_event, but the time): filled for every counted status code.
 */
struct ref_event {
	uint8_t family;		/* 4 or 6 */
	uint8_t nvlan;		/* VLAN tags in front of the IP header */
	uint16_t vlan[2];	/* VLAN ids (the TCI's low 12 bits), outer first */
	uint16_t sport, dport;
	uint8_t saddr[16], daddr[16];	/* IPv4: the first 4 bytes, the rest 0 */
};

/* What one frame counts: nothing, or one slot of one row. */
struct ref_result {
	bool counted;		/* false: the frame writes no counter */
	uint32_t dir;		/* enum sipstat_dir: always SIPSTAT_DIR_IN here (XDP) */
	uint32_t method;	/* enum sipstat_method: the row */
	uint32_t slot;		/* enum sipstat_outcome, or a status code 100..699 */
	const char *rule;	/* the rule that decided, in words, for messages */
	struct ref_event ev;	/* slot is a status code: its event record */
	/*
	 * Slots of the SIPSTAT_M_UNKNOWN row counted besides the one above
	 * (SPEC 14, 15): tcp_segments, an encap_* outcome.
	 */
	uint32_t also[2];
	int n_also;
	/* Internal: what carried the payload, while decoding. */
	uint32_t encap;		/* SIPSTAT_O_ENCAP_* once inside a tunnel, else 0 */
	bool in_tunnel;		/* one layer only: no tunnel inside a tunnel */
};

/* Decode one frame of len bytes as the XDP program must count it. */
void ref_decode(const uint8_t *frame, size_t len, const struct ref_ports *ports,
		struct ref_result *out);

/*
 * A response whose code is in the event set (bit per code, as
 * sipstat_event_cfg.codes; NULL: none) also counts exactly one of
 * events_sent, events_limited, events_lost in the SIPSTAT_M_UNKNOWN row
 * of its direction (SPEC 12), and events_sent comes with one record.
 */
bool ref_event_wanted(const struct ref_result *r, const __u64 *codes);

/* The record e the program sent says what r says of the response. */
bool ref_event_matches(const struct ref_result *r, const struct sipstat_event *e);

/* SIPSTAT_KEY() of a counted result. */
static inline uint32_t ref_key(const struct ref_result *r)
{
	return SIPSTAT_KEY(r->dir, r->method, r->slot);
}

/* Names for messages: "INVITE", "requests", "200"; NULL past the end. */
const char *ref_method_name(uint32_t method);
const char *ref_outcome_name(uint32_t slot);

/* "in INVITE requests", "in - 200", "nothing" into buf: for messages. */
void ref_key_string(bool counted, uint32_t key, char *buf, size_t len);
void ref_result_string(const struct ref_result *r, char *buf, size_t len);

#endif

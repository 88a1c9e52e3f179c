/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A reference decoder for sipstat's counters, written from the protocol
 * specifications (IEEE 802.1Q, RFC 791, RFC 8200, RFC 768, RFC 3261),
 * not from the XDP program: given one frame and the SIP port set, it says
 * which one counter of sip_counts must go up by one, if any.  The
 * differential fuzzer (fuzz_xdp.c), the regression tests (test_regress.c)
 * and the tshark oracle (oracle_tshark.c) hold the XDP program to it.
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

/* The SIP port set: every port (all), or the ports in list[0..n). */
struct ref_ports {
	bool all;
	const uint16_t *list;
	size_t n;
};

/* What one frame counts: nothing, or one slot of one row. */
struct ref_result {
	bool counted;		/* false: the frame writes no counter */
	uint32_t dir;		/* enum sipstat_dir: always SIPSTAT_DIR_IN here (XDP) */
	uint32_t method;	/* enum sipstat_method: the row */
	uint32_t slot;		/* enum sipstat_outcome, or a status code 100..699 */
	const char *rule;	/* the rule that decided, in words, for messages */
};

/* Decode one frame of len bytes as the XDP program must count it. */
void ref_decode(const uint8_t *frame, size_t len, const struct ref_ports *ports,
		struct ref_result *out);

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

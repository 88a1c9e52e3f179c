/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A reference decoder for sipstat's counters, written from the
 * specification (README "What is counted" and include/sipstat.h), not
 * from the XDP program: given one frame and the SIP port set, it says
 * which parser counters must go up (by one each) and which status code
 * slot, if any.  The differential fuzzer (fuzz_xdp.c) and the regression
 * tests (test_regress.c) hold the XDP program to it.
 *
 * Plain C, no libbpf, no kernel headers beyond <linux/types.h> (for the
 * counter indices in sipstat.h).
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

struct ref_result {
	uint32_t counters;	/* bit SIPSTAT_C_x set: counter x goes up by one */
	int code;		/* status code counted (100..699), 0 for none */
};

/* Decode one frame of len bytes as the XDP program must count it. */
void ref_decode(const uint8_t *frame, size_t len, const struct ref_ports *ports,
		struct ref_result *out);

/* "frames|ipv4|udp_sip|responses" into buf: for messages. */
void ref_counters_string(uint32_t counters, char *buf, size_t len);

#endif

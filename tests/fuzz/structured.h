/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The fuzzer's input format, shared by fuzz_xdp.c and oracle_tshark.c:
 * one mode byte, then either a whole frame (raw) or a structured header
 * that chooses the frame's layers, then the UDP payload.
 *
 * Mode byte:
 *   bit 0     0: raw, the rest of the input is the whole frame
 *             1: structured, FUZZ_STRUCT_HDR header bytes choose the
 *                frame's layers (tests/frames.c builds it), the rest is the
 *                UDP payload; see structured.c for the header bytes
 *   bits 1-2  SIP port set: 0 {5060}, 1 {5060,5062,15060},
 *             2 {0,1,63,64,5060,65534,65535}, 3 every port
 *   bit 3     1: responses are not counted by their CSeq method
 *   bit 4     1: SIP over TCP and every tunnel switched off (0: all on)
 *   bits 5-7  0: the frame as above; 1..7: two wrap bytes follow, then the
 *             rest of an input read with this mode byte, bits 5-7 clear,
 *             whose frame is wrapped in IP-in-IP, GRE (IP), GRE (Ethernet), VXLAN,
 *             GTP-U, PPPoE or MPLS (see structured.c: wrap())
 */
#ifndef SIPSTAT_FUZZ_STRUCTURED_H
#define SIPSTAT_FUZZ_STRUCTURED_H

#include <stddef.h>
#include <stdint.h>

#include "ref_decoder.h"

#define FUZZ_STRUCT_HDR 14
#define FUZZ_PORT_SETS 4

/* The port sets of the mode byte, for the decoder and for xdprun_set_ports(). */
extern const struct ref_ports fuzz_port_sets[FUZZ_PORT_SETS];

/*
 * The reported differences the decoder takes the program's side of
 * (REF_KNOWN_*): all of them unless SIPSTAT_FUZZ_STRICT is set.
 */
extern uint32_t fuzz_known;

/* The settings of one fuzzer input (size >= 1): port set and CSeq setting. */
void fuzz_input_config(const uint8_t *data, struct ref_ports *cfg);

/* The frame of one fuzzer input (size >= 1) into buf: its length, 0 when there is none. */
size_t fuzz_input_frame(const uint8_t *data, size_t size, uint8_t *buf, size_t cap);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The BPF side's own constants: the parser's fixed bounds, the tunnel
 * ports it knows, and the settings the programs start with until
 * userspace writes its own.  None of them is part of what the kernel and
 * userspace share (include/sipstat.h): a program may change them without
 * a new layout.  The tests that hold the programs to a bound include this
 * file by its path, on purpose.
 *
 * Macros only, and no includes: SIPSTAT_CFG_DEFAULT names the settings
 * flags of include/sipstat.h, which every user of it has included.
 *
 * Not "limits.h": -Ibpf is on the include path of the BPF build and of
 * cppcheck, where that name would stand in for the C library's.
 */
#ifndef SIPSTAT_BPF_CONSTS_H
#define SIPSTAT_BPF_CONSTS_H

/* "SIP/2.0 " + 3 digits + SP: the bytes that decide a status line. */
#define SIPSTAT_STATUS_PREFIX_LEN 12

/* Fixed parser bounds (verifier-friendly, and documented in README). */
#define SIPSTAT_MAX_VLAN 2
#define SIPSTAT_MAX_IPV6_EXT 4

/* Fixed bounds of the encapsulations (verifier-friendly, in the README). */
#define SIPSTAT_MAX_MPLS 4		/* labels in a stack */
#define SIPSTAT_MAX_GTPU_EXT 2		/* GTP-U extension headers */
#define SIPSTAT_VXLAN_PORT 4789
#define SIPSTAT_GTPU_PORT 2152

/*
 * The method of a response is read from its CSeq header (RFC 3261 20.16;
 * the name in any case, whitespace allowed before the colon), searched
 * for at the start of each header line within the first
 * SIPSTAT_CSEQ_SCAN bytes of the payload and before the blank line that
 * ends the headers.  Not found there: SIPSTAT_M_UNKNOWN.
 */
#define SIPSTAT_CSEQ_SCAN 1024

/*
 * Largest frame offset the core's subprograms take (a mask): with a
 * payload search after it, it stays below the 64 KiB the verifier allows
 * as a packet offset.
 */
#define PAYLOAD_OFF_MAX 0x3fff

/*
 * Events: the ring buffer's size, and the rate limit the programs start
 * with (userspace writes its own with --event-rate).
 */
#define SIPSTAT_EVENT_RINGBUF_BYTES (256 * 1024)
#define SIPSTAT_EVENT_RATE_DEFAULT 100	/* events per second per CPU */
#define SIPSTAT_EVENT_BURST_DEFAULT 200	/* events a CPU may send at once */

/* The settings flags the programs start with (userspace adds SIPSTAT_CFG_PEERS). */
#define SIPSTAT_CFG_DEFAULT (SIPSTAT_CFG_METHODS | SIPSTAT_CFG_TCP | SIPSTAT_CFG_ENCAP | \
			     SIPSTAT_CFG_FAILING)

#endif /* SIPSTAT_BPF_CONSTS_H */

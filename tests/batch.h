/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One frame inside a batch for sipstat_xdp_batch (sipstat read's
 * program), between two frames that count nothing, so that the
 * program's window moves at both ends of it: the tests of the batch
 * program in test_bpf.c and the fuzzer's (xdprun.c).
 */
#ifndef SIPSTAT_TEST_BATCH_H
#define SIPSTAT_TEST_BATCH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sipstat.h"

/* An ARP frame, 60 bytes: nothing the program counts. */
static const uint8_t batch_filler[60] = { [12] = 0x08, [13] = 0x06 };

/* Bytes a batch of a frame of len bytes takes at most. */
#define BATCH_OF_THREE_CAP(len) (sizeof(struct sipstat_batch) + (len) + 2 * sizeof(batch_filler))

/*
 * filler, frame, filler as a struct sipstat_batch into buf, which holds
 * BATCH_OF_THREE_CAP(len) bytes; a frame shorter than an Ethernet header
 * is its length alone.  Returns the bytes used.
 */
static inline size_t batch_of_three(uint8_t *buf, const void *frame, size_t len)
{
	struct sipstat_batch *h = (struct sipstat_batch *)buf;
	size_t used = sizeof(*h), bytes = len < SIPSTAT_BATCH_MIN_FRAME ? 0 : len;

	memset(h, 0, sizeof(*h));
	h->n = 3;
	h->len[0] = h->len[2] = sizeof(batch_filler);
	h->len[1] = (uint16_t)len;
	memcpy(buf + used, batch_filler, sizeof(batch_filler));
	used += sizeof(batch_filler);
	memcpy(buf + used, frame, bytes);
	used += bytes;
	memcpy(buf + used, batch_filler, sizeof(batch_filler));
	return used + sizeof(batch_filler);
}

#endif

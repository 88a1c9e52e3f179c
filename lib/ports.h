/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The SIP port set in text and in its kernel form (struct sipstat_ports,
 * one bit per UDP port): lists, ranges and service names in, a compact
 * list with ranges out, and the word-by-word update of a live set.
 */
#ifndef SIPSTAT_LIB_PORTS_H
#define SIPSTAT_LIB_PORTS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sipstat.h"

void ports_clear(struct sipstat_ports *set);
void ports_add(struct sipstat_ports *set, uint16_t port);
bool ports_has(const struct sipstat_ports *set, uint16_t port);
int ports_count(const struct sipstat_ports *set);
/* The set sipstat uses when none is given: SIPSTAT_DEFAULT_PORT. */
void ports_default(struct sipstat_ports *set);

/*
 * Add the ports of s to set: a comma-separated list of ports, ranges
 * LOW-HIGH and UDP service names from /etc/services ("sip", "sip-tls"),
 * e.g. "sip,5080,15060-15069".  Repeated calls accumulate.  0, or -EINVAL
 * with the reason in msg (set unchanged).
 */
int ports_parse(const char *s, struct sipstat_ports *set, char *msg, size_t msglen);

/*
 * The set as a list with ranges, "5060,5080,15060-15069"; "none" for an
 * empty set.  Truncated with ",..." when buf is too small.  Returns the
 * number of ports in the set.
 */
int ports_format(const struct sipstat_ports *set, char *buf, size_t len);

/*
 * Make the live set (a mapped BPF map value) equal to set, word by word:
 * a port whose bit does not change is never unset, even briefly.
 */
void ports_apply(volatile __u64 *live, const struct sipstat_ports *set);

#endif

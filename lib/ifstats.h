/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * An interface's own packet statistics, from rtnetlink (IFLA_STATS64):
 * correct in the caller's network namespace, unlike /sys/class/net, which
 * shows the namespace of whoever mounted /sys.
 */
#ifndef SIPSTAT_LIB_IFSTATS_H
#define SIPSTAT_LIB_IFSTATS_H

#include <stdint.h>

struct ifstats {
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
};

/* 0, or -errno (-ENODEV: no interface with that index). */
int ifstats_read(int ifindex, struct ifstats *st);

#endif

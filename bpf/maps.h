/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps every sipstat program shares.  Userspace finds them by name,
 * pins them per interface and reuses the pins when it attaches again, so
 * counts outlive the process that loaded them.
 */
#ifndef SIPSTAT_BPF_MAPS_H
#define SIPSTAT_BPF_MAPS_H

#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#include "sipstat.h"
#include "consts.h"

/*
 * Every counter, laid out as include/sipstat.h describes.  Per-CPU with
 * plain increments: an XDP or TC program runs to completion on one CPU
 * with preemption off, so no other writer touches the same slot.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SIPSTAT_COUNT_KEYS);
	__type(key, __u32);
	__type(value, __u64);
} sip_counts SEC(".maps");

/* Userspace's record of the attachment (struct sipstat_meta); never read here. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sipstat_meta);
} sip_meta SEC(".maps");

/*
 * The SIP port set.  A global in a section of its own: libbpf makes it a
 * map of its own (".data.sip_ports", an mmapable array with one value)
 * that can be pinned and shared, and the data path reads it by address
 * with no lookup.  Userspace rewrites it word by word while attached.
 */
struct sipstat_ports sip_ports SEC(".data.sip_ports") = {
	.w = { [SIPSTAT_DEFAULT_PORT / 64] = 1ULL << (SIPSTAT_DEFAULT_PORT % 64) },
};

/*
 * Settings userspace changes while attached: which codes send an event
 * (default: every 6xx) and how many per second, whether responses'
 * methods are read.
 */
struct sipstat_cfg sip_cfg SEC(".data.sip_cfg") = {
	.event_codes = { [600 / 64] = ~0ULL << (600 % 64),
			 [699 / 64] = ~0ULL >> (63 - 699 % 64) },
	.event_rate = SIPSTAT_EVENT_RATE_DEFAULT,
	.event_burst = SIPSTAT_EVENT_BURST_DEFAULT,
	.flags = SIPSTAT_CFG_DEFAULT,
};

/* Events for alerts: the ring buffer and its rate limit. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SIPSTAT_EVENT_RINGBUF_BYTES);
} sip_events SEC(".maps");

/* A token bucket per CPU, in nano-events (events * 1e9). */
struct event_bucket {
	__u64 tokens;
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event_bucket);
} sip_evbucket SEC(".maps");

/* Named peers by prefix, and responses counted per peer (include/sipstat.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SIPSTAT_PEER_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sipstat_peer_prefix);
	__type(value, __u32);
} sip_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, SIPSTAT_PEER_COUNT_KEYS);
	__type(key, __u32);
	__type(value, __u64);
} sip_peer_counts SEC(".maps");

/* Remote addresses that send failures, by class: the busiest kept. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, SIPSTAT_FAILING_MAX);
	__type(key, struct sipstat_failing_key);
	__type(value, __u64);
} sip_failing SEC(".maps");

static __always_inline int port_is_sip(__u16 port)
{
	return (int)((sip_ports.w[port >> 6] >> (port & 63)) & 1);
}

static __always_inline void count_key(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&sip_counts, &key);

	if (v)
		(*v)++;
}

#endif /* SIPSTAT_BPF_MAPS_H */

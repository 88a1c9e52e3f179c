/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The kernel's events (struct sipstat_event in the ring buffer
 * "sip_events") and the settings that choose them (".data.sip_cfg"):
 * finding both maps from the program that writes them, consuming the
 * ring buffer from an event loop, and decoding a record for people.
 *
 * A ring buffer has one consumer position: two processes consuming it
 * would each see part of the events.  The consumer of an interface's
 * pinned events holds an exclusive lock on its pin directory
 * (events_lock); the others read the counters only.
 */
#ifndef SIPSTAT_LIB_EVENTS_H
#define SIPSTAT_LIB_EVENTS_H

#include <netinet/in.h>
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sipstat.h"

struct events_consumer;

/* One event, decoded. */
struct event_info {
	double mono;			/* kernel time of the frame, CLOCK_MONOTONIC seconds */
	uint64_t ts_ns;			/* the same in nanoseconds, as the kernel wrote it */
	struct timespec real;		/* the same moment on CLOCK_REALTIME */
	int code;
	int dir;			/* enum sipstat_dir */
	int method;			/* enum sipstat_method */
	int family;			/* 4 or 6 */
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	int sport, dport;
	const char *remote;		/* src when received, dst when sent */
	int rport;
	const char *local;
	int lport;
	int nvlan;
	int vlan[2];
	uint8_t remote_addr[16];	/* IPv6, or IPv4-mapped IPv6 (peer lookups) */
};

void events_decode(const struct sipstat_event *e, struct event_info *out);

/*
 * The events ring buffer and settings map of the program prog_fd, by
 * their names.  0 with both fds (the caller closes them), or -errno
 * (-ENOENT: a program without events).
 */
int events_maps_of_prog(int prog_fd, int *events_fd, int *cfg_fd);
/* The same for the program behind a (pinned) link. */
int events_maps_of_link(int link_fd, int *events_fd, int *cfg_fd);

/* Read or write the settings.  0 or -errno. */
int events_cfg_get(int cfg_fd, struct sipstat_cfg *c);
int events_cfg_set(int cfg_fd, const struct sipstat_cfg *c);

/*
 * "100/s" or "100/s,500" (rate, burst; 0 means no limit) for
 * --event-rate.  0 or -EINVAL with why.
 */
int events_parse_rate(const char *s, uint32_t *rate, uint32_t *burst, char *why, size_t len);

/*
 * Be the one consumer of the events of the pins in dir (an interface's
 * pin directory): an exclusive flock(2) on the directory, held while the
 * fd is open.  The fd, -EWOULDBLOCK when another process consumes them,
 * or another -errno.
 */
int events_lock(const char *dir);

typedef int (*events_fn)(void *ctx, const struct sipstat_event *e);

/*
 * A consumer of the ring buffer events_fd, calling fn for each record:
 * libbpf's ring buffer and the context it calls back with, freed
 * together.  NULL with errno set on failure.
 */
struct events_consumer *events_consumer(int events_fd, events_fn fn, void *ctx);
/* Its epoll descriptor, readable when records are waiting. */
int events_consumer_fd(const struct events_consumer *c);
/* Hand every waiting record to fn.  Records consumed, or -errno. */
int events_consumer_consume(struct events_consumer *c);
void events_consumer_free(struct events_consumer *c);

/* CLOCK_MONOTONIC now, in seconds. */
double events_now(void);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One reading of the counters of one interface, summed over CPUs, and the
 * arithmetic between readings: totals, deltas, rates, class totals and the
 * 6xx alert rule.  Every output (text, JSON, live view, exporters) renders
 * from these; none of them reads maps or repeats a rule.
 */
#ifndef SIPSTAT_LIB_COUNTERS_H
#define SIPSTAT_LIB_COUNTERS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sipstat.h"

struct reader;

#define COUNTERS_CLASSES 7	/* index 1..6 for 1xx..6xx */
#define COUNTERS_DIR_ALL (-1)	/* every direction added up */

/*
 * Derived outcomes: what the kernel counts (enum sipstat_outcome) plus the
 * sums userspace makes of it.  The order is the order of every report.
 */
enum counters_outcome {
	COUNTERS_UDP_SIP = 0,	/* requests + responses + malformed + truncated + other */
	COUNTERS_REQUESTS,
	COUNTERS_RESPONSES,	/* sum of the code slots */
	COUNTERS_MALFORMED,
	COUNTERS_TRUNCATED,
	COUNTERS_OTHER,
	COUNTERS_FRAGMENTS,
	COUNTERS_BAD_HEADER,
	COUNTERS_TOO_DEEP,
	COUNTERS_TCP_UNPARSED,	/* TCP payloads on SIP ports that start no message */
	/* What carried SIP, counted besides what it was (not in udp_sip). */
	COUNTERS_TCP_SEGMENTS,
	COUNTERS_ENCAP_IPIP,
	COUNTERS_ENCAP_GRE,
	COUNTERS_ENCAP_VXLAN,
	COUNTERS_ENCAP_GTPU,
	COUNTERS_ENCAP_PPPOE,
	COUNTERS_ENCAP_MPLS,
	COUNTERS_OUTCOMES,
};

struct counters {
	struct timespec mono;	/* CLOCK_MONOTONIC at reading: for rates */
	struct timespec real;	/* CLOCK_REALTIME at reading: for timestamps */
	/* Kernel counters as laid out in include/sipstat.h, summed over CPUs. */
	uint64_t keys[SIPSTAT_COUNT_KEYS];
	/* Summed over methods by counters_derive(). */
	uint64_t code[SIPSTAT_DIR_MAX][SIPSTAT_CODE_SLOTS];
	uint64_t outcome[SIPSTAT_DIR_MAX][COUNTERS_OUTCOMES];
	/* The interface's own statistics: frames received (in) and sent (out). */
	uint64_t frames[SIPSTAT_DIR_MAX];
};

/* Totals since a base reading, change since the previous one, and its rate. */
struct figure {
	uint64_t total;
	uint64_t delta;
	double rate;
};

/* One 6xx code that grew in an interval: the global-failure alert rule. */
struct counters_alert {
	int dir;
	int code;
	uint64_t delta;		/* growth this interval */
	uint64_t total;		/* since the base reading */
	double secs;		/* length of the interval */
};

/* "in", "out"; NULL out of range. */
const char *counters_dir_name(int dir);
/* "INVITE", ..., "other", "unknown"; NULL out of range. */
const char *counters_method_name(int method);
/* "udp_sip", "requests", ...; NULL out of range. */
const char *counters_outcome_name(int o);

/* Fill code[][], outcome[][] from keys[] (after a read or a change of keys). */
void counters_derive(struct counters *c);

/*
 * Read the counter map counts_fd into c (keys and derived sums) with the
 * clocks of the reading; frames stay as they are (counters_read_frames).
 * 0 or -errno.
 */
int counters_read(struct reader *r, int counts_fd, struct counters *c);
/* The interface's rx/tx packet statistics into c->frames (netlink). 0 or -errno. */
int counters_read_frames(int ifindex, struct counters *c);

/* dst += src, counter by counter (several interfaces into one). */
void counters_add(struct counters *dst, const struct counters *src);

/* Seconds from a to b on the monotonic clock (0 when b is not later). */
double counters_elapsed(const struct counters *a, const struct counters *b);

/*
 * Growth of a counter between two readings.  Kernel counters never go
 * back; a smaller value means the counters were reset or reloaded, so the
 * new value is all growth since then.
 */
uint64_t counters_delta(uint64_t before, uint64_t after);
/* delta / seconds, 0 for a zero-length interval. */
double counters_rate(uint64_t delta, double seconds);
/* The one figure rule: total since base, delta since prev, rate over secs. */
struct figure figure_of(uint64_t base, uint64_t prev, uint64_t cur, double secs);
/* a += b (totals and deltas; the rate is recomputed over secs). */
void figure_add(struct figure *a, const struct figure *b, double secs);

/* Values of one reading; dir is a direction or COUNTERS_DIR_ALL. */
uint64_t counters_code(const struct counters *c, int dir, int code);
uint64_t counters_class(const struct counters *c, int dir, int cls);
uint64_t counters_outcome(const struct counters *c, int dir, int o);
/* Requests of one method (enum sipstat_method). */
uint64_t counters_requests(const struct counters *c, int dir, int method);
/* Responses of one code whose CSeq carried method. */
uint64_t counters_code_method(const struct counters *c, int dir, int method, int code);
/* Responses of one class whose CSeq carried method. */
uint64_t counters_method_class(const struct counters *c, int dir, int method, int cls);
uint64_t counters_frames(const struct counters *c, int dir);
/* Responses the kernel could not count per peer (its per-peer table was full). */
uint64_t counters_peer_overflow(const struct counters *c);

/* Three readings (base, previous, current) and the interval between the last two. */
struct span {
	const struct counters *b, *p, *c;
	double secs;
};

/* The figure (total since b, delta since p, rate) of one value over a span. */
struct figure fig_code(const struct span *s, int dir, int code);
struct figure fig_class(const struct span *s, int dir, int cls);
struct figure fig_outcome(const struct span *s, int dir, int o);
struct figure fig_requests(const struct span *s, int dir, int method);
struct figure fig_frames(const struct span *s, int dir);
struct figure fig_code_method(const struct span *s, int dir, int method, int code);

/*
 * Counted from b to c, all directions (b NULL: since counting started):
 * responses of class cls to method m, requests of method m.  The method x
 * class tables of every output.
 */
uint64_t counters_method_class_since(const struct counters *b, const struct counters *c, int m,
				     int cls);
uint64_t counters_requests_since(const struct counters *b, const struct counters *c, int m);

/*
 * The 6xx rule: one alert per direction and 6xx code that grew between
 * prev and cur, at most max; returns how many.
 */
int counters_alerts(const struct counters *base, const struct counters *prev,
		    const struct counters *cur, struct counters_alert *out, int max);

#endif

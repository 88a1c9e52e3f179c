/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Small formatting rules every output shares: times, lists and names. */
#ifndef SIPSTAT_LIB_FMT_H
#define SIPSTAT_LIB_FMT_H

#include <stddef.h>
#include <time.h>

/* ISO 8601 UTC with milliseconds, e.g. 2026-11-26T06:20:01.123Z. */
void fmt_time(char *buf, size_t len, const struct timespec *ts);
/* The same from nanoseconds since the epoch (CLOCK_REALTIME). */
void fmt_time_ns(char *buf, size_t len, unsigned long long ns);

/*
 * items[0..n) joined with sep into buf; when it does not fit, as many as
 * fit followed by "...".  Returns buf.
 */
char *fmt_join(char *buf, size_t len, const char *const *items, int n, const char *sep);

/*
 * s made safe for a terminal: control characters (C0, DEL and C1) and
 * bytes that are not UTF-8 become \xNN, a backslash \\; the rest stays
 * as it is.  For names read from the system (interfaces, namespaces,
 * directories), which may hold escape sequences.  Cut to fit; returns buf.
 */
char *fmt_escape(char *buf, size_t len, const char *s);

#endif

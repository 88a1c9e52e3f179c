/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Small formatting rules every output shares: times, lists, untrusted text. */
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
 * s as a C-like string for a terminal or a log: printable ASCII as is,
 * backslash and double quote escaped, anything else as \n, \t, \r or
 * \xHH; cut with "..." when it does not fit.  Returns buf.
 */
char *fmt_quote(char *buf, size_t len, const char *s);

#endif

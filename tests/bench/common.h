/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What every benchmark program needs: a fatal error, strict option
 * numbers and a quiet libbpf.  Define BENCH_NAME before including.
 */
#ifndef SIPSTAT_BENCH_COMMON_H
#define SIPSTAT_BENCH_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef BENCH_NAME
#error "define BENCH_NAME before including common.h"
#endif

__attribute__((noreturn, format(printf, 1, 2), unused))
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, BENCH_NAME ": ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* A whole decimal number in [min, max] from an option, or exit 2. */
__attribute__((unused))
static long number(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, BENCH_NAME ": %s must be a number from %ld to %ld\n", what, min, max);
		exit(2);
	}
	return v;
}

#ifdef __LIBBPF_LIBBPF_H	/* only where libbpf.h came first */
/* libbpf's warnings and errors, never its debug chatter. */
__attribute__((unused))
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}
#endif

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A tiny test harness shared by the C test programs.  Each test prints one
 * TAP-like line, "ok - NAME", "not ok - NAME" or "skip - NAME: WHY";
 * tests/run.sh adds them up into the final "N passed, N failed" line.
 * CHECK() returns false so a test can "goto out" on the first failure.
 */
#ifndef SIPSTAT_TEST_HARNESS_H
#define SIPSTAT_TEST_HARNESS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int h_failures;		/* failed checks in the current test */
static int h_failed_tests;	/* failed tests in this program */

#define CHECK(cond, ...)                                                       \
	({                                                                     \
		bool __ok = !!(cond);                                          \
		if (!__ok) {                                                   \
			h_failures++;                                          \
			fprintf(stdout, "#   %s:%d: check failed: %s: ",       \
				__FILE__, __LINE__, #cond);                    \
			fprintf(stdout, " " __VA_ARGS__);                       \
			fputc('\n', stdout);                                   \
		}                                                              \
		__ok;                                                          \
	})

#define CHECK_EQ_U64(got, want, ...)                                           \
	({                                                                     \
		unsigned long long __g = (got), __w = (want);                  \
		bool __ok = __g == __w;                                        \
		if (!__ok) {                                                   \
			h_failures++;                                          \
			fprintf(stdout, "#   %s:%d: %s = %llu, want %llu: ",   \
				__FILE__, __LINE__, #got, __g, __w);           \
			fprintf(stdout, " " __VA_ARGS__);                       \
			fputc('\n', stdout);                                   \
		}                                                              \
		__ok;                                                          \
	})

#define CHECK_STR(got, want)                                                   \
	({                                                                     \
		const char *__g = (got), *__w = (want);                        \
		bool __ok = __g && __w && strcmp(__g, __w) == 0;               \
		if (!__ok) {                                                   \
			h_failures++;                                          \
			fprintf(stdout, "#   %s:%d: %s = \"%s\", want \"%s\"\n",\
				__FILE__, __LINE__, #got, __g ? __g : "(null)",\
				__w ? __w : "(null)");                         \
		}                                                              \
		__ok;                                                          \
	})

/* Run one test function: void fn(void). */
#define RUN(fn)                                                                \
	do {                                                                   \
		h_failures = 0;                                                \
		fn();                                                          \
		if (h_failures) {                                              \
			h_failed_tests++;                                      \
			printf("not ok - %s\n", #fn);                          \
		} else {                                                       \
			printf("ok - %s\n", #fn);                              \
		}                                                              \
		fflush(stdout);                                                \
	} while (0)

/* Report a named result computed by the caller (table-driven cases). */
static inline void h_result(const char *name, bool ok)
{
	if (!ok)
		h_failed_tests++;
	printf("%s - %s\n", ok ? "ok" : "not ok", name);
	fflush(stdout);
}

static inline void h_skip(const char *name, const char *why)
{
	printf("skip - %s: %s\n", name, why);
	fflush(stdout);
}

static inline int h_exit(void)
{
	return h_failed_tests ? 1 : 0;
}

#endif /* SIPSTAT_TEST_HARNESS_H */

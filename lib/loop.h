/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one event loop of every mode: an epoll set of file descriptors, each
 * with a callback.  Timers (timerfd), signals (signalfd), the terminal,
 * and later a ring buffer or an HTTP listener are all just descriptors.
 */
#ifndef SIPSTAT_LIB_LOOP_H
#define SIPSTAT_LIB_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#define LOOP_MAX_SOURCES 16

struct loop;
/* Called when fd is ready; a non-zero return stops loop_run with that value. */
typedef int (*loop_fn)(struct loop *l, int fd, uint32_t events, void *ctx);

struct loop_source {
	int fd;
	loop_fn fn;
	void *ctx;
	bool owned;		/* closed by loop_free */
};

struct loop {
	int epfd;
	struct loop_source src[LOOP_MAX_SOURCES];
	int n;
};

/* 0 or -errno. */
int loop_init(struct loop *l);
void loop_free(struct loop *l);

/* Watch fd for events (EPOLLIN ...).  0 or -errno. */
int loop_add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *ctx);
int loop_del(struct loop *l, int fd);

/*
 * A periodic timer on CLOCK_MONOTONIC, first expiry after secs; the fd is
 * owned by the loop.  Returns the fd, or -errno.  The callback reads the
 * expiry count with loop_timer_expirations().
 */
int loop_add_timer(struct loop *l, double secs, loop_fn fn, void *ctx);
uint64_t loop_timer_expirations(int fd);

/*
 * Block sigs and deliver them through a signalfd owned by the loop.
 * Returns the fd, or -errno.  The callback reads the signal number with
 * loop_signal_read().
 */
int loop_add_signals(struct loop *l, const sigset_t *sigs, loop_fn fn, void *ctx);
/* The next pending signal number, 0 when none. */
int loop_signal_read(int fd);

/*
 * Wait for events and run callbacks until one returns non-zero; returns
 * that value, or -errno when waiting failed.
 */
int loop_run(struct loop *l);
/* One round: wait at most timeout_ms.  0, a callback's value, or -errno. */
int loop_once(struct loop *l, int timeout_ms);

#endif

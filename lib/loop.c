// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "loop.h"

int loop_init(struct loop *l)
{
	memset(l, 0, sizeof(*l));
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? -errno : 0;
}

void loop_free(struct loop *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->src[i].owned)
			close(l->src[i].fd);
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
	l->n = 0;
}

static int add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *ctx, bool owned)
{
	struct epoll_event ev = { .events = events };

	if (l->n == LOOP_MAX_SOURCES)
		return -ENOSPC;
	ev.data.u32 = (uint32_t)l->n;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	l->src[l->n].fd = fd;
	l->src[l->n].fn = fn;
	l->src[l->n].ctx = ctx;
	l->src[l->n].owned = owned;
	l->n++;
	return 0;
}

int loop_add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *ctx)
{
	return add(l, fd, events, fn, ctx, false);
}

int loop_del(struct loop *l, int fd)
{
	int i;

	for (i = 0; i < l->n; i++) {
		if (l->src[i].fd != fd)
			continue;
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
		if (l->src[i].owned)
			close(fd);
		/* Slots keep their index in data.u32: mark free instead of moving. */
		l->src[i].fd = -1;
		l->src[i].fn = NULL;
		return 0;
	}
	return -ENOENT;
}

int loop_add_timer(struct loop *l, double secs, loop_fn fn, void *ctx)
{
	struct itimerspec its;
	int fd, e;

	if (!(secs > 0))
		return -EINVAL;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	its.it_value.tv_sec = (time_t)secs;
	its.it_value.tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9);
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;
	its.it_interval = its.it_value;
	if (timerfd_settime(fd, 0, &its, NULL)) {
		e = -errno;
		close(fd);
		return e;
	}
	e = add(l, fd, EPOLLIN, fn, ctx, true);
	if (e) {
		close(fd);
		return e;
	}
	return fd;
}

uint64_t loop_timer_expirations(int fd)
{
	uint64_t n = 0;

	if (read(fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return 0;
	return n;
}

int loop_add_signals(struct loop *l, const sigset_t *sigs, loop_fn fn, void *ctx)
{
	int fd, e;

	if (sigprocmask(SIG_BLOCK, sigs, NULL))
		return -errno;
	fd = signalfd(-1, sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	e = add(l, fd, EPOLLIN, fn, ctx, true);
	if (e) {
		close(fd);
		return e;
	}
	return fd;
}

int loop_signal_read(int fd)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

int loop_once(struct loop *l, int timeout_ms)
{
	struct epoll_event ev[LOOP_MAX_SOURCES];
	int n, i, r;

	n = epoll_wait(l->epfd, ev, LOOP_MAX_SOURCES, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		struct loop_source *s = &l->src[ev[i].data.u32];

		if (s->fd < 0 || !s->fn)
			continue;
		r = s->fn(l, s->fd, ev[i].events, s->ctx);
		if (r)
			return r;
	}
	return 0;
}

int loop_run(struct loop *l)
{
	int r;

	for (;;) {
		r = loop_once(l, -1);
		if (r)
			return r;
	}
}

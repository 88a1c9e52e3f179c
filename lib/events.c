// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The kernel's events: find, consume, decode; the settings that choose them. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events.h"

double events_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void events_decode(const struct sipstat_event *e, struct event_info *o)
{
	struct timespec mono, real;
	double back;
	int af = e->family == 6 ? AF_INET6 : AF_INET;

	memset(o, 0, sizeof(*o));
	o->mono = (double)e->ts_ns / 1e9;
	o->ts_ns = e->ts_ns;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	back = ((double)mono.tv_sec + (double)mono.tv_nsec / 1e9) - o->mono;
	if (back < 0)
		back = 0;
	{
		double r = (double)real.tv_sec + (double)real.tv_nsec / 1e9 - back;

		o->real.tv_sec = (time_t)r;
		o->real.tv_nsec = (long)((r - (double)o->real.tv_sec) * 1e9);
	}
	o->code = e->code;
	o->dir = e->dir;
	o->method = e->method;
	o->family = e->family == 6 ? 6 : 4;
	inet_ntop(af, e->saddr, o->src, sizeof(o->src));
	inet_ntop(af, e->daddr, o->dst, sizeof(o->dst));
	o->sport = e->sport;
	o->dport = e->dport;
	o->nvlan = e->nvlan > 2 ? 2 : e->nvlan;
	o->vlan[0] = e->vlan[0];
	o->vlan[1] = e->vlan[1];
	if (e->dir == SIPSTAT_DIR_OUT) {
		o->remote = o->dst;
		o->rport = o->dport;
		o->local = o->src;
		o->lport = o->sport;
	} else {
		o->remote = o->src;
		o->rport = o->sport;
		o->local = o->dst;
		o->lport = o->dport;
	}
	{
		const __u8 *a = e->dir == SIPSTAT_DIR_OUT ? e->daddr : e->saddr;

		if (o->family == 6) {
			memcpy(o->remote_addr, a, 16);
		} else {
			o->remote_addr[10] = 0xff;
			o->remote_addr[11] = 0xff;
			memcpy(o->remote_addr + 12, a, 4);
		}
	}
}

int events_maps_of_prog(int prog_fd, int *events_fd, int *cfg_fd)
{
	struct bpf_prog_info info;
	__u32 ids[64], len = sizeof(info), i, n;
	int e = 0;

	*events_fd = -1;
	*cfg_fd = -1;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	n = info.nr_map_ids < 64 ? info.nr_map_ids : 64;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = n;
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	for (i = 0; i < n; i++) {
		struct bpf_map_info mi;
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0) {
			e = -errno;
			continue;
		}
		memset(&mi, 0, sizeof(mi));
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen)) {
			close(fd);
			continue;
		}
		if (*events_fd < 0 && mi.type == BPF_MAP_TYPE_RINGBUF &&
		    !strcmp(mi.name, "sip_events")) {
			*events_fd = fd;
		} else if (*cfg_fd < 0 && mi.type == BPF_MAP_TYPE_ARRAY && strstr(mi.name, "sip_cfg") &&
			   mi.value_size == sizeof(struct sipstat_cfg)) {
			*cfg_fd = fd;
		} else {
			close(fd);
		}
	}
	if (*events_fd >= 0 && *cfg_fd >= 0)
		return 0;
	if (*events_fd >= 0)
		close(*events_fd);
	if (*cfg_fd >= 0)
		close(*cfg_fd);
	*events_fd = *cfg_fd = -1;
	return e ? e : -ENOENT;
}

int events_maps_of_link(int link_fd, int *events_fd, int *cfg_fd)
{
	struct bpf_link_info li;
	__u32 len = sizeof(li);
	int pfd, e;

	*events_fd = *cfg_fd = -1;
	memset(&li, 0, sizeof(li));
	if (bpf_obj_get_info_by_fd(link_fd, &li, &len))
		return -errno;
	pfd = bpf_prog_get_fd_by_id(li.prog_id);
	if (pfd < 0)
		return -errno;
	e = events_maps_of_prog(pfd, events_fd, cfg_fd);
	close(pfd);
	return e;
}

int events_cfg_get(int cfg_fd, struct sipstat_cfg *c)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(cfg_fd, &key, c) ? -errno : 0;
}

int events_cfg_set(int cfg_fd, const struct sipstat_cfg *c)
{
	__u32 key = 0;

	return bpf_map_update_elem(cfg_fd, &key, c, BPF_ANY) ? -errno : 0;
}

int events_parse_rate(const char *s, uint32_t *rate, uint32_t *burst, char *why, size_t len)
{
	char *end;
	unsigned long r, b;

	errno = 0;
	r = strtoul(s, &end, 10);
	if (errno || end == s || !isdigit((unsigned char)*s) || strncmp(end, "/s", 2) != 0 ||
	    r > 1000000) {
		snprintf(why, len, "'%s': give events per second per CPU like 100/s (0/s: no limit), "
				   "optionally a burst: 100/s,500", s);
		return -EINVAL;
	}
	end += 2;
	b = r > 0 ? r * 2 : 1;
	if (*end == ',') {
		const char *bs = end + 1;

		errno = 0;
		b = strtoul(bs, &end, 10);
		if (errno || end == bs || !isdigit((unsigned char)*bs) || *end || b < 1 ||
		    b > 1000000) {
			snprintf(why, len, "'%s': the burst after the comma is a number of events, "
					   "1 to 1000000", s);
			return -EINVAL;
		}
	} else if (*end) {
		snprintf(why, len, "'%s': give events per second per CPU like 100/s", s);
		return -EINVAL;
	}
	*rate = (uint32_t)r;
	*burst = (uint32_t)b;
	return 0;
}

int events_lock(const char *dir)
{
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;

		close(fd);
		return e == EAGAIN ? -EWOULDBLOCK : -e;
	}
	return fd;
}

struct events_consumer {
	struct ring_buffer *rb;
	events_fn fn;
	void *ctx;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct events_consumer *c = ctx;

	if (size < sizeof(struct sipstat_event))
		return 0;
	return c->fn(c->ctx, data);
}

struct events_consumer *events_consumer(int events_fd, events_fn fn, void *ctx)
{
	struct events_consumer *c = calloc(1, sizeof(*c));
	int e;

	if (!c)
		return NULL;
	c->fn = fn;
	c->ctx = ctx;
	c->rb = ring_buffer__new(events_fd, on_sample, c, NULL);
	if (!c->rb) {
		e = errno;
		free(c);
		errno = e;
		return NULL;
	}
	return c;
}

int events_consumer_fd(const struct events_consumer *c)
{
	return ring_buffer__epoll_fd(c->rb);
}

int events_consumer_consume(struct events_consumer *c)
{
	return ring_buffer__consume(c->rb);
}

void events_consumer_free(struct events_consumer *c)
{
	if (!c)
		return;
	ring_buffer__free(c->rb);
	free(c);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The metrics endpoint in the event loop of the watching mode and of
 * serve, and the reading of a pinned interface that a scrape shows.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>

#include "cli.h"
#include "exporter.h"
#include "pin.h"
#include "ports.h"
#include "reader.h"

int exporter_read_pinned(const char *ifname, struct reader *r, struct exporter_pinned *out,
			 char *msg, size_t msglen)
{
	struct sipstat_ports set;
	struct pinned p;
	int e, idx;

	memset(&out->x, 0, sizeof(out->x));
	out->ports[0] = '\0';
	e = pin_open(ifname, &p, msg, msglen);
	if (e)
		return e;
	e = counters_read(r, p.fd[PIN_COUNTS], &out->c);
	if (e) {
		snprintf(msg, msglen, "cannot read counters of %s: %s", ifname, strerror(-e));
		pin_close(&p);
		return e;
	}
	memset(out->c.frames, 0, sizeof(out->c.frames));
	idx = (int)if_nametoindex(ifname);
	if (idx)
		counters_read_frames(idx, &out->c);
	if (!pin_read_ports(&p, &set))
		ports_format(&set, out->ports, sizeof(out->ports));
	out->x.mode = p.has_meta ? attach_mode_name((enum attach_mode)p.meta.mode) : "";
	out->x.attach_time = p.has_meta ? (double)p.meta.attached_ns / 1e9 : 0;
	out->x.dirs = p.has_meta && p.meta.dirs ? p.meta.dirs : 1U << SIPSTAT_DIR_IN;
	pin_close(&p);
	out->x.name = ifname;
	out->x.source = "pinned";
	out->x.state = idx ? "counting" : "gone";
	out->x.ports = out->ports;
	out->x.cur = &out->c;
	return 0;
}

static int on_http(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct exporter *x = ctx;

	if (http_run(x->srv))
		cli_err("metrics endpoint on %s: libmicrohttpd failed; scrapes may go unanswered",
			x->where.text);
	return 0;
}

static int on_http_timer(struct loop *l, int fd, uint32_t events, void *ctx)
{
	loop_timer_expirations(fd);
	return on_http(l, fd, events, ctx);
}

/* Is the endpoint reachable from other hosts? */
static bool beyond_loopback(const struct http_listen *w)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&w->addr;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&w->addr;

	if (w->addr.ss_family == AF_INET)
		return (ntohl(a4->sin_addr.s_addr) >> 24) != 127;
	return !IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
}

int exporter_start(struct exporter *x, const char *spec, const char *web_config, struct loop *l,
		   http_metrics_fn fn, void *ctx)
{
	char msg[512], title[300];
	bool web;
	int e;

	memset(x, 0, sizeof(*x));
	if (http_parse_listen(spec, &x->where, msg, sizeof(msg))) {
		cli_err("bad --listen %s", msg);
		return -EINVAL;
	}
	if (web_config && (e = webcfg_load(web_config, &x->web, msg, sizeof(msg)))) {
		cli_err("%s", msg);
		return e;
	}
	web = web_config != NULL;
	snprintf(title, sizeof(title), "sipstat %s on %s", SIPSTAT_VERSION, cli_hostname());
	e = http_start(&x->srv, &x->where, title, web ? &x->web : NULL, fn, ctx, msg, sizeof(msg));
	if (e) {
		cli_err("%s", msg);
		webcfg_free(&x->web);
		return e;
	}
	e = loop_add(l, http_fd(x->srv), EPOLLIN, on_http, x);
	if (!e) {
		/* Timeouts of idle or slow clients when no descriptor wakes the loop. */
		e = loop_add_timer(l, 1.0, on_http_timer, x);
		e = e < 0 ? e : 0;
	}
	if (e) {
		cli_err("cannot add the metrics endpoint to the event loop: %s", strerror(-e));
		http_stop(x->srv);
		x->srv = NULL;
		webcfg_free(&x->web);
		return e;
	}
	cli_err("metrics at %s://%s/metrics%s", web && x->web.tls ? "https" : "http", x->where.text,
		web && x->web.nusers ? " (basic authentication)" : "");
	if (beyond_loopback(&x->where) && !(web && x->web.tls && x->web.nusers))
		cli_err("notice: %s is reachable from other hosts %s: see --web-config",
			x->where.text,
			!web ? "without TLS or authentication" :
			!x->web.tls ? "without TLS (passwords go in clear)" : "without authentication");
	return 0;
}

void exporter_stop(struct exporter *x)
{
	http_stop(x->srv);
	x->srv = NULL;
	webcfg_free(&x->web);
}

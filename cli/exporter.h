/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The metrics endpoint (--listen) as the subcommands use it. */
#ifndef SIPSTAT_CLI_EXPORTER_H
#define SIPSTAT_CLI_EXPORTER_H

#include <stddef.h>

#include "counters.h"
#include "http.h"
#include "loop.h"
#include "webcfg.h"
#include "out/model.h"

struct reader;

/* The endpoint of --listen, in an event loop. */
struct exporter {
	struct http_server *srv;
	struct http_listen where;
	struct webcfg web;		/* --web-config: TLS and users, when given */
};

/*
 * Listen at spec (--listen), over TLS and with the users of the web
 * configuration file web_config (--web-config, NULL: plain HTTP, anyone),
 * and serve fn's body from loop l; says on stderr where, or what failed.
 * 0 or -errno (-EINVAL: a bad spec or file).
 */
int exporter_start(struct exporter *x, const char *spec, const char *web_config, struct loop *l,
		   http_metrics_fn fn, void *ctx);
void exporter_stop(struct exporter *x);

/*
 * One pinned interface read fresh for a scrape: counters (and the
 * interface's frame totals) into c, mode, ports and attach time from the
 * pins; x describes it.  0 or -errno with a line in msg.
 */
struct exporter_pinned {
	struct counters c;
	char ports[128];
	struct out_iface x;
};
int exporter_read_pinned(const char *ifname, struct reader *r, struct exporter_pinned *out,
			 char *msg, size_t msglen);

#endif

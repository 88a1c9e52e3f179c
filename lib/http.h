/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The metrics endpoint: a small HTTP server (libmicrohttpd) that answers
 * GET /metrics with a body the caller makes fresh for each scrape, and a
 * short index page at /.  Other paths get 404, other methods 405.
 *
 * It runs inside the caller's event loop, never in a thread of its own:
 * MHD's epoll descriptor is one more descriptor of lib/loop, and
 * http_run() does the ready work without blocking (every socket is
 * non-blocking), so a slow or broken client can hold at most one of a
 * bounded number of connection slots until its timeout, and never holds
 * the loop.  The caller also calls http_run() from a periodic timer, so
 * idle connections time out when nothing else happens.
 */
#ifndef SIPSTAT_LIB_HTTP_H
#define SIPSTAT_LIB_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "listen.h"

struct webcfg;

/*
 * Limits.  Connections are cheap (epoll), so there are many; one client
 * address may hold only a few.  Every request, from the connection's
 * start or the end of the one before, must be read and answered within
 * HTTP_DEADLINE_SECS, however slowly its bytes trickle in (the idle
 * timeout alone is reset by every byte); a scrape is a few hundred bytes,
 * so a request may take little memory.
 */
#define HTTP_MAX_CONNECTIONS 512
#define HTTP_MAX_PER_IP 8
#define HTTP_TIMEOUT_SECS 5
#define HTTP_DEADLINE_SECS 10
#define HTTP_MEMORY_LIMIT (8 * 1024)
/* bcrypt checks of passwords not seen before, per second at most. */
#define HTTP_AUTH_CHECKS_PER_SEC 10

struct http_server;

enum http_format { HTTP_PROMETHEUS = 0, HTTP_OPENMETRICS };

/*
 * Make the body of one scrape in the format asked: a malloc'd buffer in
 * *body (freed by the server) and its length.  0 or -errno.
 */
typedef int (*http_metrics_fn)(void *ctx, enum http_format fmt, char **body, size_t *len);

/*
 * Bind and listen at l, ready for http_run(); with web (lib/webcfg.h, may
 * be NULL) over TLS and/or with basic authentication; web must outlive the
 * server.  0, or -errno with a line in msg (-EADDRINUSE: the port is taken).
 */
int http_start(struct http_server **out, const struct http_listen *l, const char *title,
	       const struct webcfg *web, http_metrics_fn fn, void *ctx, char *msg,
	       size_t msglen);
/* The descriptor to watch for input; call http_run() when it is ready. */
int http_fd(const struct http_server *s);
/* Accept, read, answer and time out what is ready, without blocking.  0 or -EIO. */
int http_run(struct http_server *s);
/* Close every connection and the listening socket. */
void http_stop(struct http_server *s);
/* Requests answered with /metrics since the start. */
unsigned long http_scrapes(const struct http_server *s);
/* Connections cut at HTTP_DEADLINE_SECS, and requests refused 401, since the start. */
unsigned long http_cut(const struct http_server *s);
unsigned long http_unauthorized(const struct http_server *s);

/* The format an Accept header asks for (OpenMetrics when it names it). */
enum http_format http_format_of(const char *accept);

#endif

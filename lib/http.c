// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The metrics endpoint on libmicrohttpd, driven from the caller's epoll
 * loop (MHD_USE_EPOLL without an internal thread): no locks, and the
 * counters are read in the same thread that reports them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <unistd.h>

#include "http.h"

struct http_server {
	struct MHD_Daemon *d;
	int epfd;
	http_metrics_fn fn;
	void *ctx;
	unsigned long scrapes;
	char index[1024];
};

/* Does s contain word, in any letter case? */
static bool contains_ci(const char *s, const char *word)
{
	size_t n = strlen(word), i;

	for (; *s; s++) {
		for (i = 0; i < n && s[i] && tolower((unsigned char)s[i]) == word[i]; i++)
			;
		if (i == n)
			return true;
	}
	return false;
}

enum http_format http_format_of(const char *accept)
{
	return accept && contains_ci(accept, "application/openmetrics-text") ? HTTP_OPENMETRICS
									    : HTTP_PROMETHEUS;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode,
			     const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;	/* closes the connection */
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned int status, const char *msg,
			    const char *allow)
{
	return reply(c, status, "text/plain; charset=utf-8", (char *)msg, strlen(msg),
		     MHD_RESPMEM_PERSISTENT, allow);
}

/* The type of MHD_AccessHandlerCallback: upload_size cannot be const. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, // NOLINT(readability-non-const-parameter)
				  void **req)
{
	struct http_server *s = cls;
	enum http_format fmt;
	char *body = NULL;
	size_t len = 0;
	bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
	bool head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	int e;

	if (strcmp(url, "/metrics") != 0 && strcmp(url, "/") != 0)
		return text(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n", NULL);
	if (!get && !head)
		return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed: use GET\n",
			    "GET, HEAD");
	if (*upload_size)
		return text(c, MHD_HTTP_BAD_REQUEST, "a GET has no body\n", NULL);
	if (strcmp(url, "/") == 0)
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", s->index,
			     strlen(s->index), MHD_RESPMEM_PERSISTENT, NULL);
	fmt = http_format_of(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT));
	e = s->fn(s->ctx, fmt, &body, &len);
	if (e || !body) {
		free(body);
		return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    "cannot read the counters now; see sipstat's log\n", NULL);
	}
	s->scrapes++;
	return reply(c, MHD_HTTP_OK,
		     fmt == HTTP_OPENMETRICS ?
			     "application/openmetrics-text; version=1.0.0; charset=utf-8" :
			     "text/plain; version=0.0.4; charset=utf-8",
		     body, len, MHD_RESPMEM_MUST_FREE, NULL);
}

static void html_escape(char *dst, size_t len, const char *src)
{
	size_t o = 0;

	for (; *src && o + 7 < len; src++) {
		if (*src == '<')
			o += (size_t)snprintf(dst + o, len - o, "&lt;");
		else if (*src == '>')
			o += (size_t)snprintf(dst + o, len - o, "&gt;");
		else if (*src == '&')
			o += (size_t)snprintf(dst + o, len - o, "&amp;");
		else
			dst[o++] = *src;
	}
	dst[o] = '\0';
}

int http_start(struct http_server **out, const struct http_listen *l, const char *title,
	       http_metrics_fn fn, void *ctx, char *msg, size_t msglen)
{
	const union MHD_DaemonInfo *info;
	struct http_server *s;
	char t[256];
	int fd, one = 1, e;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	html_escape(t, sizeof(t), title ? title : "sipstat");
	snprintf(s->index, sizeof(s->index),
		 "<!DOCTYPE html>\n<html><head><title>%s</title></head><body>\n"
		 "<h1>%s</h1>\n<p><a href=\"/metrics\">Metrics</a> (Prometheus text format; "
		 "OpenMetrics when asked for in the Accept header)</p>\n</body></html>\n",
		 t, t);
	s->fn = fn;
	s->ctx = ctx;
	fd = socket(l->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = -errno;
		snprintf(msg, msglen, "cannot make a socket for %s: %s", l->text, strerror(-e));
		free(s);
		return e;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&l->addr, l->addrlen) || listen(fd, 64)) {
		e = -errno;
		snprintf(msg, msglen, "cannot listen on %s: %s%s", l->text, strerror(-e),
			 e == -EADDRINUSE ? " (another program has the port: choose another "
					    "with --listen ADDR:PORT)" :
			 e == -EADDRNOTAVAIL ? " (no interface of this host has that address)" :
					       "");
		close(fd);
		free(s);
		return e;
	}
	/* No MHD_USE_ERROR_LOG: the library part never prints. */
	s->d = MHD_start_daemon(MHD_USE_EPOLL, 0, NULL, NULL,
				on_request, s, MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_MAX_CONNECTIONS,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)HTTP_MAX_PER_IP,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_TIMEOUT_SECS,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_LIMIT,
				MHD_OPTION_END);
	if (!s->d) {
		snprintf(msg, msglen, "cannot start the HTTP server on %s (libmicrohttpd)",
			 l->text);
		close(fd);
		free(s);
		return -EIO;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info || info->epoll_fd < 0) {
		snprintf(msg, msglen, "cannot start the HTTP server on %s: no epoll descriptor",
			 l->text);
		MHD_stop_daemon(s->d);
		free(s);
		return -EIO;
	}
	s->epfd = info->epoll_fd;
	*out = s;
	return 0;
}

int http_fd(const struct http_server *s)
{
	return s->epfd;
}

int http_run(struct http_server *s)
{
	MHD_UNSIGNED_LONG_LONG ms;
	int i;

	/* Work MHD has left for right away (a response queued, more to read). */
	for (i = 0; i < 8; i++) {
		if (MHD_run(s->d) != MHD_YES)
			return -EIO;
		if (MHD_get_timeout(s->d, &ms) != MHD_YES || ms > 0)
			break;
	}
	return 0;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);	/* closes the listening socket too */
	free(s);
}

unsigned long http_scrapes(const struct http_server *s)
{
	return s->scrapes;
}

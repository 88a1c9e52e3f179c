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
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "webcfg.h"

#define AUTH_CACHE 8		/* credentials that passed, kept to spare bcrypt */
#define AUTH_CRED_MAX 256

/* One open connection, for the deadline of its request. */
struct http_conn {
	struct http_conn *next, *prev;
	int fd;
	double t0;			/* start of the request now due */
	bool cut;
};

struct http_server {
	struct MHD_Daemon *d;
	int epfd;
	http_metrics_fn fn;
	void *ctx;
	const struct webcfg *web;
	struct http_conn conns;		/* list head */
	unsigned long scrapes, cut, unauthorized;
	/* "user:password" that passed, and the checks of the current second. */
	char passed[AUTH_CACHE][AUTH_CRED_MAX];
	int next_passed;
	time_t check_sec;
	int checks;
	char index[1024];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

static bool same(const char *a, const char *b)
{
	size_t n = strlen(a), i;
	unsigned char d = 0;

	if (n != strlen(b))
		return false;
	for (i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return !d;
}

/*
 * Basic authentication against the web configuration's users.  A
 * credential that passed is kept, so a scraper pays bcrypt once; new ones
 * are checked at most HTTP_AUTH_CHECKS_PER_SEC a second, so a stream of
 * wrong passwords cannot take the loop's time.
 */
static bool authorized(struct http_server *s, struct MHD_Connection *c)
{
	char *pass = NULL, *user, cred[AUTH_CRED_MAX];
	time_t sec = time(NULL);
	bool ok = false;
	int i, n;

	if (!s->web || !s->web->nusers)
		return true;
	user = MHD_basic_auth_get_username_password(c, &pass);
	if (!user || !pass)
		goto out;
	n = snprintf(cred, sizeof(cred), "%s:%s", user, pass);
	if (n < 0 || (size_t)n >= sizeof(cred))
		goto out;
	for (i = 0; i < AUTH_CACHE && !ok; i++)
		ok = s->passed[i][0] && same(s->passed[i], cred);
	if (ok)
		goto out;
	if (sec != s->check_sec) {
		s->check_sec = sec;
		s->checks = 0;
	}
	if (s->checks++ >= HTTP_AUTH_CHECKS_PER_SEC)
		goto out;
	ok = webcfg_check(s->web, user, pass);
	if (ok) {
		snprintf(s->passed[s->next_passed], AUTH_CRED_MAX, "%s", cred);
		s->next_passed = (s->next_passed + 1) % AUTH_CACHE;
	}
out:
	explicit_bzero(cred, sizeof(cred));
	if (pass) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return ok;
}

static enum MHD_Result unauthorized(struct http_server *s, struct MHD_Connection *c)
{
	static const char body[] = "authentication required\n";
	struct MHD_Response *r;
	enum MHD_Result ret;

	s->unauthorized++;
	r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	ret = MHD_queue_basic_auth_fail_response(c, "sipstat", r);
	MHD_destroy_response(r);
	return ret;
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

	if (!authorized(s, c))
		return unauthorized(s, c);
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

/* MHD_NotifyConnectionCallback: every connection is on the list while open. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	struct http_conn *k = *socket_ctx;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		k = calloc(1, sizeof(*k));
		if (!k || !ci) {
			free(k);
			return;	/* not tracked: the idle timeout still applies */
		}
		k->fd = ci->connect_fd;
		k->t0 = now_s();
		k->next = s->conns.next;
		k->prev = &s->conns;
		s->conns.next->prev = k;
		s->conns.next = k;
		*socket_ctx = k;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && k) {
		k->prev->next = k->next;
		k->next->prev = k->prev;
		free(k);
		*socket_ctx = NULL;
	}
}

/* MHD_RequestCompletedCallback: the next request's time starts now. */
static void on_completed(void *cls, struct MHD_Connection *c, void **req,
			 enum MHD_RequestTerminationCode why)
{
	const union MHD_ConnectionInfo *ci;
	struct http_conn *k;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	k = ci ? ci->socket_context : NULL;
	if (k)
		k->t0 = now_s();
}

/*
 * Connections past their deadline: shut down, so that MHD, which owns the
 * descriptor, sees the end of the stream on its next run and closes it.
 */
static void cut_late(struct http_server *s)
{
	double now = now_s();
	struct http_conn *k;

	for (k = s->conns.next; k != &s->conns; k = k->next) {
		if (k->cut || now - k->t0 < HTTP_DEADLINE_SECS)
			continue;
		shutdown(k->fd, SHUT_RDWR);
		k->cut = true;
		s->cut++;
	}
}

static const char *tls_priorities(const struct webcfg *w)
{
	return w->min_version == WEBCFG_TLS13 ? "NORMAL:-VERS-ALL:+VERS-TLS1.3"
					      : "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
}

static struct MHD_Daemon *start_daemon(struct http_server *s, int fd)
{
	const struct webcfg *w = s->web;
	struct MHD_OptionItem o[16];
	int n = 0;

#define OPT(opt, val, ptr) (o[n++] = (struct MHD_OptionItem){ (opt), (intptr_t)(val), (ptr) })
	OPT(MHD_OPTION_LISTEN_SOCKET, fd, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, HTTP_MAX_CONNECTIONS, NULL);
	OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_MAX_PER_IP, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, HTTP_TIMEOUT_SECS, NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_MEMORY_LIMIT, NULL);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, on_connection, s);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, s);
	if (w && w->tls) {
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, w->key_pem);
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, w->cert_pem);
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)tls_priorities(w));
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	/* No MHD_USE_ERROR_LOG: the library part never prints. */
	return MHD_start_daemon(MHD_USE_EPOLL | (w && w->tls ? MHD_USE_TLS : 0), 0, NULL, NULL,
				on_request, s, MHD_OPTION_ARRAY, o, MHD_OPTION_END);
}

int http_start(struct http_server **out, const struct http_listen *l, const char *title,
	       const struct webcfg *web, http_metrics_fn fn, void *ctx, char *msg,
	       size_t msglen)
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
	s->web = web;
	s->conns.next = s->conns.prev = &s->conns;
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
	s->d = start_daemon(s, fd);
	if (!s->d) {
		snprintf(msg, msglen, "cannot start the HTTP server on %s (libmicrohttpd%s)",
			 l->text, web && web->tls ? ": check the TLS certificate and key" : "");
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

	cut_late(s);
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

unsigned long http_cut(const struct http_server *s)
{
	return s->cut;
}

unsigned long http_unauthorized(const struct http_server *s)
{
	return s->unauthorized;
}

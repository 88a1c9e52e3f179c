/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Where the metrics endpoint listens: --listen ADDR:PORT. */
#ifndef SIPSTAT_LIB_LISTEN_H
#define SIPSTAT_LIB_LISTEN_H

#include <stddef.h>
#include <sys/socket.h>

/* Where the endpoint listens unless told. */
#define HTTP_DEFAULT_ADDR "127.0.0.1"
#define HTTP_DEFAULT_PORT 9065

struct http_listen {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char text[80];			/* "127.0.0.1:9065", "[::1]:9065" */
};

/*
 * Parse "ADDR:PORT", "[IPV6]:PORT", "ADDR", "[IPV6]", ":PORT" or "PORT"
 * (numeric addresses only); what is left out is HTTP_DEFAULT_ADDR or
 * HTTP_DEFAULT_PORT.  0, or -EINVAL with the reason in msg.
 */
int http_parse_listen(const char *spec, struct http_listen *out, char *msg, size_t msglen);

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* --listen ADDR:PORT into a socket address (no HTTP here: the command line checks it too). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listen.h"

static int port_parse(const char *s, unsigned int *port)
{
	char *end;
	unsigned long v;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > 65535)
		return -EINVAL;
	*port = (unsigned int)v;
	return 0;
}

int http_parse_listen(const char *spec, struct http_listen *out, char *msg, size_t msglen)
{
	char host[64] = "", portbuf[64] = "";
	const char *colon;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&out->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->addr;
	unsigned int port = HTTP_DEFAULT_PORT;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!spec || !*spec || strlen(spec) >= 60) {
		snprintf(msg, msglen, "'%s' is empty or too long for ADDR:PORT", spec ? spec : "");
		return -EINVAL;
	}
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close) {
			snprintf(msg, msglen, "'%s': missing ']' after the IPv6 address", spec);
			return -EINVAL;
		}
		n = (size_t)(close - spec - 1);
		memcpy(host, spec + 1, n);
		host[n] = '\0';
		if (close[1] == ':')
			snprintf(portbuf, sizeof(portbuf), "%s", close + 2);
		else if (close[1]) {
			snprintf(msg, msglen, "'%s': expected ':PORT' after ']'", spec);
			return -EINVAL;
		}
		if (close[1] == ':' && !portbuf[0]) {
			snprintf(msg, msglen, "'%s': no port after ':'", spec);
			return -EINVAL;
		}
	} else if (strspn(spec, "0123456789") == strlen(spec) && *spec) {
		snprintf(portbuf, sizeof(portbuf), "%s", spec);
	} else if ((colon = strrchr(spec, ':')) && strchr(spec, ':') == colon) {
		n = (size_t)(colon - spec);
		memcpy(host, spec, n);
		host[n] = '\0';
		snprintf(portbuf, sizeof(portbuf), "%s", colon + 1);
		if (!portbuf[0]) {
			snprintf(msg, msglen, "'%s': no port after ':'", spec);
			return -EINVAL;
		}
	} else {
		snprintf(host, sizeof(host), "%s", spec);
	}
	if (portbuf[0] && port_parse(portbuf, &port)) {
		snprintf(msg, msglen, "'%s': port must be a number from 1 to 65535", spec);
		return -EINVAL;
	}
	if (!host[0])
		snprintf(host, sizeof(host), "%s", HTTP_DEFAULT_ADDR);
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		out->addrlen = sizeof(*in4);
		snprintf(out->text, sizeof(out->text), "%s:%u", host, port);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		out->addrlen = sizeof(*in6);
		snprintf(out->text, sizeof(out->text), "[%s]:%u", host, port);
	} else {
		snprintf(msg, msglen,
			 "'%s': '%s' is not a numeric IPv4 or IPv6 address (IPv6 in brackets "
			 "with a port: [::1]:%u)",
			 spec, host, port);
		return -EINVAL;
	}
	return 0;
}

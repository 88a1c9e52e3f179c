// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ports.h"

void ports_clear(struct sipstat_ports *set)
{
	memset(set, 0, sizeof(*set));
}

void ports_add(struct sipstat_ports *set, uint16_t port)
{
	set->w[port >> 6] |= 1ULL << (port & 63);
}

bool ports_has(const struct sipstat_ports *set, uint16_t port)
{
	return (set->w[port >> 6] >> (port & 63)) & 1;
}

int ports_count(const struct sipstat_ports *set)
{
	int i, n = 0;

	for (i = 0; i < SIPSTAT_PORT_WORDS; i++)
		n += __builtin_popcountll(set->w[i]);
	return n;
}

void ports_default(struct sipstat_ports *set)
{
	ports_clear(set);
	ports_add(set, SIPSTAT_DEFAULT_PORT);
}

/* One port: a number 1..65535 or a UDP service name; *end after it. */
static int parse_one(const char *p, const char **end, long *out)
{
	char name[64];
	struct servent *se;
	size_t n = 0;
	char *e;
	long v;

	if (isdigit((unsigned char)*p)) {
		errno = 0;
		v = strtol(p, &e, 10);
		if (errno || v < 1 || v > 65535)
			return -1;
		*end = e;
		*out = v;
		return 0;
	}
	/* Service names: letters, digits, '-' and '.' but a '-' followed by a
	 * digit ends the name (the start of a range's high end). */
	while (p[n] && p[n] != ',' && n + 1 < sizeof(name)) {
		if (p[n] == '-' && isdigit((unsigned char)p[n + 1]))
			break;
		if (!isalnum((unsigned char)p[n]) && p[n] != '-' && p[n] != '.' && p[n] != '_')
			return -1;
		name[n] = p[n];
		n++;
	}
	if (!n)
		return -1;
	name[n] = '\0';
	se = getservbyname(name, "udp");
	if (!se)
		return -2;
	*out = ntohs((uint16_t)se->s_port);
	*end = p + n;
	return *out >= 1 ? 0 : -1;
}

int ports_parse(const char *s, struct sipstat_ports *set, char *msg, size_t msglen)
{
	struct sipstat_ports add;
	const char *p = s, *end;
	long lo, hi, v;
	int e;

	if (!*s) {
		snprintf(msg, msglen, "empty port list");
		return -EINVAL;
	}
	ports_clear(&add);
	for (;;) {
		e = parse_one(p, &end, &lo);
		if (e == -2) {
			snprintf(msg, msglen, "'%s': no UDP service of that name in /etc/services", s);
			return -EINVAL;
		}
		if (e) {
			snprintf(msg, msglen,
				 "'%s': ports are numbers from 1 to 65535 or service names", s);
			return -EINVAL;
		}
		hi = lo;
		if (*end == '-') {
			if (parse_one(end + 1, &end, &hi) || hi < lo) {
				snprintf(msg, msglen, "'%s': a range is LOW-HIGH with LOW <= HIGH", s);
				return -EINVAL;
			}
		}
		if (*end != ',' && *end != '\0') {
			snprintf(msg, msglen, "'%s': expected a comma-separated list of ports or ranges",
				 s);
			return -EINVAL;
		}
		for (v = lo; v <= hi; v++)
			ports_add(&add, (uint16_t)v);
		if (*end == '\0')
			break;
		p = end + 1;
	}
	for (e = 0; e < SIPSTAT_PORT_WORDS; e++)
		set->w[e] |= add.w[e];
	return 0;
}

int ports_format(const struct sipstat_ports *set, char *buf, size_t len)
{
	size_t off = 0;
	long p, lo;
	int n = 0, w;
	char item[16];

	if (len)
		buf[0] = '\0';
	for (p = 1; p <= 65535; p++) {
		if (!ports_has(set, (uint16_t)p))
			continue;
		lo = p;
		while (p < 65535 && ports_has(set, (uint16_t)(p + 1)))
			p++;
		n += (int)(p - lo + 1);
		if (p == lo)
			w = snprintf(item, sizeof(item), "%s%ld", off ? "," : "", lo);
		else
			w = snprintf(item, sizeof(item), "%s%ld-%ld", off ? "," : "", lo, p);
		if (off + (size_t)w + 5 > len) {
			if (off + 5 <= len)
				snprintf(buf + off, len - off, ",...");
			off = len;	/* nothing more fits; keep counting */
			continue;
		}
		memcpy(buf + off, item, (size_t)w + 1);
		off += (size_t)w;
	}
	if (!n && len)
		snprintf(buf, len, "none");
	return n;
}

void ports_apply(volatile __u64 *live, const struct sipstat_ports *set)
{
	int i;

	/* Only words that change are written: the program reads them meanwhile. */
	for (i = 0; i < SIPSTAT_PORT_WORDS; i++)
		// cppcheck-suppress duplicateConditionalAssign
		if (live[i] != set->w[i])
			live[i] = set->w[i];
}

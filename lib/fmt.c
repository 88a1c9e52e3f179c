// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>

#include "fmt.h"

void fmt_time(char *buf, size_t len, const struct timespec *ts)
{
	struct tm tm;
	time_t t = ts->tv_sec;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts->tv_nsec / 1000000);
}

void fmt_time_ns(char *buf, size_t len, unsigned long long ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ULL),
		.tv_nsec = (long)(ns % 1000000000ULL),
	};

	fmt_time(buf, len, &ts);
}

char *fmt_join(char *buf, size_t len, const char *const *items, int n, const char *sep)
{
	size_t off = 0, need, slen = strlen(sep);
	int i;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		need = (i ? slen : 0) + strlen(items[i]);
		/* keep room for "..." unless this is the last item */
		if (off + need + (i + 1 < n ? 3 : 0) >= len) {
			if (off + 3 < len)
				memcpy(buf + off, "...", 4);
			return buf;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? sep : "", items[i]);
	}
	return buf;
}

/* Length of the UTF-8 sequence at p that is a printable character, 0 when it is none. */
static size_t utf8_printable(const unsigned char *p)
{
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, surrogates, beyond U+10FFFF, and the C1 controls U+0080-U+009F. */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f) ||
	    (p[0] == 0xc2 && p[1] < 0xa0))
		return 0;
	return n;
}

char *fmt_escape(char *buf, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0, n;

	if (!len)
		return buf;
	while (*p) {
		n = *p >= 0x20 && *p < 0x7f ? 1 : utf8_printable(p);
		if (n && *p != '\\') {
			if (off + n >= len)
				break;
			memcpy(buf + off, p, n);
			off += n;
			p += n;
			continue;
		}
		if (off + 4 >= len)
			break;
		if (*p == '\\')
			off += (size_t)snprintf(buf + off, len - off, "\\\\");
		else
			off += (size_t)snprintf(buf + off, len - off, "\\x%02x", *p);
		p++;
	}
	buf[off] = '\0';
	return buf;
}

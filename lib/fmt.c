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

char *fmt_quote(char *buf, size_t len, const char *s)
{
	size_t off = 0;
	char one[5];

	if (!len)
		return buf;
	buf[0] = '\0';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n;

		if (c == '\\' || c == '"')
			snprintf(one, sizeof(one), "\\%c", c);
		else if (c == '\n')
			snprintf(one, sizeof(one), "\\n");
		else if (c == '\t')
			snprintf(one, sizeof(one), "\\t");
		else if (c == '\r')
			snprintf(one, sizeof(one), "\\r");
		else if (c < 0x20 || c >= 0x7f)
			snprintf(one, sizeof(one), "\\x%02x", c);
		else
			snprintf(one, sizeof(one), "%c", c);
		n = strlen(one);
		/* keep room for "..." unless this is the last character */
		if (off + n + (s[1] ? 3 : 0) >= len) {
			if (off + 3 < len)
				memcpy(buf + off, "...", 4);
			return buf;
		}
		memcpy(buf + off, one, n + 1);
		off += n;
	}
	return buf;
}

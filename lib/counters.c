// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stddef.h>
#include <string.h>

#include "codes.h"
#include "snapshot.h"

static const char *const counter_names[SIPSTAT_C_MAX] = {
	[SIPSTAT_C_FRAMES] = "frames",
	[SIPSTAT_C_IPV4] = "ipv4",
	[SIPSTAT_C_IPV6] = "ipv6",
	[SIPSTAT_C_UDP_SIP] = "udp_sip",
	[SIPSTAT_C_REQUESTS] = "requests",
	[SIPSTAT_C_RESPONSES] = "responses",
	[SIPSTAT_C_MALFORMED] = "malformed",
	[SIPSTAT_C_TRUNCATED] = "truncated",
	[SIPSTAT_C_OTHER] = "other",
	[SIPSTAT_C_FRAGMENTS] = "fragments",
	[SIPSTAT_C_BAD_HEADER] = "bad_header",
	[SIPSTAT_C_TOO_DEEP] = "too_deep",
};

const char *parser_counter_name(int idx)
{
	if (idx < 0 || idx >= SIPSTAT_C_MAX)
		return NULL;
	return counter_names[idx];
}

uint64_t percpu_sum(const void *vals, int ncpus, size_t stride)
{
	const unsigned char *p = vals;
	uint64_t sum = 0, v;
	int i;

	for (i = 0; i < ncpus; i++) {
		memcpy(&v, p + (size_t)i * stride, sizeof(v));
		sum += v;
	}
	return sum;
}

void snapshot_add(struct snapshot *dst, const struct snapshot *src)
{
	int i;

	for (i = 0; i < SIPSTAT_CODE_SLOTS; i++)
		dst->codes[i] += src->codes[i];
	for (i = 0; i < SIPSTAT_C_MAX; i++)
		dst->parser[i] += src->parser[i];
}

double snapshot_elapsed(const struct snapshot *a, const struct snapshot *b)
{
	double s = (double)(b->mono.tv_sec - a->mono.tv_sec) +
		   (double)(b->mono.tv_nsec - a->mono.tv_nsec) / 1e9;

	return s > 0 ? s : 0;
}

uint64_t counter_delta(uint64_t before, uint64_t after)
{
	return after >= before ? after - before : after;
}

double counter_rate(uint64_t delta, double seconds)
{
	return seconds > 0 ? (double)delta / seconds : 0;
}

void snapshot_class_totals(const struct snapshot *s, uint64_t out[SIP_CLASS_SLOTS])
{
	int code;

	memset(out, 0, sizeof(uint64_t) * SIP_CLASS_SLOTS);
	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++)
		out[code / 100] += s->codes[code];
}

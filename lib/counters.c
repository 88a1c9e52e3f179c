// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "codes.h"
#include "counters.h"
#include "ifstats.h"
#include "reader.h"

static const char *const dir_names[SIPSTAT_DIR_MAX] = {
	[SIPSTAT_DIR_IN] = "in",
	[SIPSTAT_DIR_OUT] = "out",
};

static const char *const method_names[SIPSTAT_M_MAX] = {
	[SIPSTAT_M_UNKNOWN] = "unknown",   [SIPSTAT_M_INVITE] = "INVITE",
	[SIPSTAT_M_ACK] = "ACK",	   [SIPSTAT_M_BYE] = "BYE",
	[SIPSTAT_M_CANCEL] = "CANCEL",	   [SIPSTAT_M_REGISTER] = "REGISTER",
	[SIPSTAT_M_OPTIONS] = "OPTIONS",   [SIPSTAT_M_PRACK] = "PRACK",
	[SIPSTAT_M_UPDATE] = "UPDATE",	   [SIPSTAT_M_SUBSCRIBE] = "SUBSCRIBE",
	[SIPSTAT_M_NOTIFY] = "NOTIFY",	   [SIPSTAT_M_REFER] = "REFER",
	[SIPSTAT_M_MESSAGE] = "MESSAGE",   [SIPSTAT_M_INFO] = "INFO",
	[SIPSTAT_M_PUBLISH] = "PUBLISH",   [SIPSTAT_M_OTHER] = "other",
};

static const char *const outcome_names[COUNTERS_OUTCOMES] = {
	[COUNTERS_UDP_SIP] = "udp_sip",	      [COUNTERS_REQUESTS] = "requests",
	[COUNTERS_RESPONSES] = "responses",   [COUNTERS_MALFORMED] = "malformed",
	[COUNTERS_TRUNCATED] = "truncated",   [COUNTERS_OTHER] = "other",
	[COUNTERS_FRAGMENTS] = "fragments",   [COUNTERS_BAD_HEADER] = "bad_header",
	[COUNTERS_TOO_DEEP] = "too_deep",     [COUNTERS_TCP_UNPARSED] = "tcp_unparsed",
	[COUNTERS_TCP_SEGMENTS] = "tcp_segments", [COUNTERS_ENCAP_IPIP] = "encap_ipip",
	[COUNTERS_ENCAP_GRE] = "encap_gre",   [COUNTERS_ENCAP_VXLAN] = "encap_vxlan",
	[COUNTERS_ENCAP_GTPU] = "encap_gtpu", [COUNTERS_ENCAP_PPPOE] = "encap_pppoe",
	[COUNTERS_ENCAP_MPLS] = "encap_mpls",
};

/* Kernel slot of each derived outcome that is stored, -1 for the sums. */
static const int outcome_slot[COUNTERS_OUTCOMES] = {
	[COUNTERS_UDP_SIP] = -1,
	[COUNTERS_REQUESTS] = SIPSTAT_O_REQUESTS,
	[COUNTERS_RESPONSES] = -1,
	[COUNTERS_MALFORMED] = SIPSTAT_O_MALFORMED,
	[COUNTERS_TRUNCATED] = SIPSTAT_O_TRUNCATED,
	[COUNTERS_OTHER] = SIPSTAT_O_OTHER,
	[COUNTERS_FRAGMENTS] = SIPSTAT_O_FRAGMENTS,
	[COUNTERS_BAD_HEADER] = SIPSTAT_O_BAD_HEADER,
	[COUNTERS_TOO_DEEP] = SIPSTAT_O_TOO_DEEP,
	[COUNTERS_TCP_UNPARSED] = SIPSTAT_O_TCP_UNPARSED,
	[COUNTERS_TCP_SEGMENTS] = SIPSTAT_O_TCP_SEGMENTS,
	[COUNTERS_ENCAP_IPIP] = SIPSTAT_O_ENCAP_IPIP,
	[COUNTERS_ENCAP_GRE] = SIPSTAT_O_ENCAP_GRE,
	[COUNTERS_ENCAP_VXLAN] = SIPSTAT_O_ENCAP_VXLAN,
	[COUNTERS_ENCAP_GTPU] = SIPSTAT_O_ENCAP_GTPU,
	[COUNTERS_ENCAP_PPPOE] = SIPSTAT_O_ENCAP_PPPOE,
	[COUNTERS_ENCAP_MPLS] = SIPSTAT_O_ENCAP_MPLS,
};

const char *counters_dir_name(int dir)
{
	return dir >= 0 && dir < SIPSTAT_DIR_MAX ? dir_names[dir] : NULL;
}

const char *counters_method_name(int method)
{
	return method >= 0 && method < SIPSTAT_M_MAX ? method_names[method] : NULL;
}

const char *counters_outcome_name(int o)
{
	return o >= 0 && o < COUNTERS_OUTCOMES ? outcome_names[o] : NULL;
}

void counters_derive(struct counters *c)
{
	int d, m, s, o;

	memset(c->code, 0, sizeof(c->code));
	memset(c->outcome, 0, sizeof(c->outcome));
	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		uint64_t *code = c->code[d], *out = c->outcome[d];

		for (m = 0; m < SIPSTAT_M_MAX; m++) {
			const uint64_t *row = &c->keys[SIPSTAT_KEY(d, m, 0)];

			for (s = SIPSTAT_CODE_MIN; s <= SIPSTAT_CODE_MAX; s++)
				code[s] += row[s];
			for (o = 0; o < COUNTERS_OUTCOMES; o++)
				if (outcome_slot[o] >= 0)
					out[o] += row[outcome_slot[o]];
		}
		for (s = SIPSTAT_CODE_MIN; s <= SIPSTAT_CODE_MAX; s++)
			out[COUNTERS_RESPONSES] += code[s];
		out[COUNTERS_UDP_SIP] = out[COUNTERS_REQUESTS] + out[COUNTERS_RESPONSES] +
					out[COUNTERS_MALFORMED] + out[COUNTERS_TRUNCATED] +
					out[COUNTERS_OTHER];
	}
}

int counters_read(struct reader *r, int counts_fd, struct counters *c)
{
	int e;

	clock_gettime(CLOCK_MONOTONIC, &c->mono);
	clock_gettime(CLOCK_REALTIME, &c->real);
	e = reader_percpu_u64(r, counts_fd, SIPSTAT_COUNT_KEYS, c->keys);
	if (e)
		return e;
	counters_derive(c);
	return 0;
}

int counters_read_frames(int ifindex, struct counters *c)
{
	struct ifstats st;
	int e = ifstats_read(ifindex, &st);

	if (e)
		return e;
	c->frames[SIPSTAT_DIR_IN] = st.rx_packets;
	c->frames[SIPSTAT_DIR_OUT] = st.tx_packets;
	return 0;
}

void counters_add(struct counters *dst, const struct counters *src)
{
	size_t i;
	int d, o;

	for (i = 0; i < (size_t)SIPSTAT_COUNT_KEYS; i++)
		dst->keys[i] += src->keys[i];
	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		for (i = 0; i < SIPSTAT_CODE_SLOTS; i++)
			dst->code[d][i] += src->code[d][i];
		for (o = 0; o < COUNTERS_OUTCOMES; o++)
			dst->outcome[d][o] += src->outcome[d][o];
		dst->frames[d] += src->frames[d];
	}
}

double counters_elapsed(const struct counters *a, const struct counters *b)
{
	double s = (double)(b->mono.tv_sec - a->mono.tv_sec) +
		   (double)(b->mono.tv_nsec - a->mono.tv_nsec) / 1e9;

	return s > 0 ? s : 0;
}

uint64_t counters_delta(uint64_t before, uint64_t after)
{
	return after >= before ? after - before : after;
}

double counters_rate(uint64_t delta, double seconds)
{
	return seconds > 0 ? (double)delta / seconds : 0;
}

struct figure figure_of(uint64_t base, uint64_t prev, uint64_t cur, double secs)
{
	struct figure f;

	f.total = counters_delta(base, cur);
	f.delta = counters_delta(prev, cur);
	f.rate = counters_rate(f.delta, secs);
	return f;
}

void figure_add(struct figure *a, const struct figure *b, double secs)
{
	a->total += b->total;
	a->delta += b->delta;
	a->rate = counters_rate(a->delta, secs);
}

static bool dir_ok(int dir)
{
	return dir == COUNTERS_DIR_ALL || (dir >= 0 && dir < SIPSTAT_DIR_MAX);
}

uint64_t counters_code(const struct counters *c, int dir, int code)
{
	if (code < SIPSTAT_CODE_MIN || code > SIPSTAT_CODE_MAX || !dir_ok(dir))
		return 0;
	if (dir == COUNTERS_DIR_ALL)
		return c->code[SIPSTAT_DIR_IN][code] + c->code[SIPSTAT_DIR_OUT][code];
	return c->code[dir][code];
}

uint64_t counters_class(const struct counters *c, int dir, int cls)
{
	uint64_t sum = 0;
	int code;

	if (cls < 1 || cls > SIP_CLASS_COUNT)
		return 0;
	for (code = cls * 100; code < cls * 100 + 100; code++)
		sum += counters_code(c, dir, code);
	return sum;
}

uint64_t counters_outcome(const struct counters *c, int dir, int o)
{
	if (o < 0 || o >= COUNTERS_OUTCOMES || !dir_ok(dir))
		return 0;
	if (dir == COUNTERS_DIR_ALL)
		return c->outcome[SIPSTAT_DIR_IN][o] + c->outcome[SIPSTAT_DIR_OUT][o];
	return c->outcome[dir][o];
}

uint64_t counters_code_method(const struct counters *c, int dir, int method, int code)
{
	int d;
	uint64_t sum = 0;

	if (method < 0 || method >= SIPSTAT_M_MAX || code < 0 || code > SIPSTAT_CODE_MAX ||
	    !dir_ok(dir))
		return 0;
	for (d = 0; d < SIPSTAT_DIR_MAX; d++)
		if (dir == COUNTERS_DIR_ALL || dir == d)
			sum += c->keys[SIPSTAT_KEY(d, method, code)];
	return sum;
}

uint64_t counters_requests(const struct counters *c, int dir, int method)
{
	return counters_code_method(c, dir, method, SIPSTAT_O_REQUESTS);
}

uint64_t counters_frames(const struct counters *c, int dir)
{
	if (!dir_ok(dir))
		return 0;
	if (dir == COUNTERS_DIR_ALL)
		return c->frames[SIPSTAT_DIR_IN] + c->frames[SIPSTAT_DIR_OUT];
	return c->frames[dir];
}

uint64_t counters_peer_overflow(const struct counters *c)
{
	return counters_code_method(c, COUNTERS_DIR_ALL, SIPSTAT_M_UNKNOWN,
				    SIPSTAT_O_PEER_OVERFLOW);
}

int counters_alerts(const struct counters *base, const struct counters *prev,
		    const struct counters *cur, struct counters_alert *out, int max)
{
	double secs = counters_elapsed(prev, cur);
	uint64_t delta;
	int d, code, n = 0;

	for (code = 600; code <= SIPSTAT_CODE_MAX; code++) {
		for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
			delta = counters_delta(prev->code[d][code], cur->code[d][code]);
			if (!delta || n >= max)
				continue;
			out[n].dir = d;
			out[n].code = code;
			out[n].delta = delta;
			out[n].total = counters_delta(base->code[d][code], cur->code[d][code]);
			out[n].secs = secs;
			n++;
		}
	}
	return n;
}

struct figure fig_code(const struct span *s, int dir, int code)
{
	return figure_of(counters_code(s->b, dir, code), counters_code(s->p, dir, code),
			 counters_code(s->c, dir, code), s->secs);
}

struct figure fig_class(const struct span *s, int dir, int cls)
{
	return figure_of(counters_class(s->b, dir, cls), counters_class(s->p, dir, cls),
			 counters_class(s->c, dir, cls), s->secs);
}

struct figure fig_outcome(const struct span *s, int dir, int o)
{
	return figure_of(counters_outcome(s->b, dir, o), counters_outcome(s->p, dir, o),
			 counters_outcome(s->c, dir, o), s->secs);
}

struct figure fig_requests(const struct span *s, int dir, int method)
{
	return figure_of(counters_requests(s->b, dir, method), counters_requests(s->p, dir, method),
			 counters_requests(s->c, dir, method), s->secs);
}

struct figure fig_frames(const struct span *s, int dir)
{
	return figure_of(counters_frames(s->b, dir), counters_frames(s->p, dir),
			 counters_frames(s->c, dir), s->secs);
}

struct figure fig_code_method(const struct span *s, int dir, int method, int code)
{
	return figure_of(counters_code_method(s->b, dir, method, code),
			 counters_code_method(s->p, dir, method, code),
			 counters_code_method(s->c, dir, method, code), s->secs);
}

uint64_t counters_method_class(const struct counters *c, int dir, int method, int cls)
{
	uint64_t sum = 0;
	int code;

	if (cls < 1 || cls > SIP_CLASS_COUNT)
		return 0;
	for (code = cls * 100; code < cls * 100 + 100; code++)
		sum += counters_code_method(c, dir, method, code);
	return sum;
}

uint64_t counters_method_class_since(const struct counters *b, const struct counters *c, int m,
				     int cls)
{
	return counters_delta(b ? counters_method_class(b, COUNTERS_DIR_ALL, m, cls) : 0,
			      counters_method_class(c, COUNTERS_DIR_ALL, m, cls));
}

uint64_t counters_requests_since(const struct counters *b, const struct counters *c, int m)
{
	return counters_delta(b ? counters_requests(b, COUNTERS_DIR_ALL, m) : 0,
			      counters_requests(c, COUNTERS_DIR_ALL, m));
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Unit tests of the userspace logic: no root, no BPF. */
#include <linux/bpf.h>
#include <linux/types.h>
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "codes.h"
#include "harness.h"
#include "counters.h"
#include "fmt.h"
#include "pin.h"
#include "ports.h"
#include "out/out.h"

/* Every code of docs sip-responses.md with its reason, class and group. */
static const struct {
	int code;
	const char *reason, *cls, *group;
} reference[] = {
	{ 100, "Trying", "1xx", "progress" },
	{ 180, "Ringing", "1xx", "progress" },
	{ 181, "Call Is Being Forwarded", "1xx", "progress" },
	{ 182, "Queued", "1xx", "progress" },
	{ 183, "Session Progress", "1xx", "progress" },
	{ 200, "OK", "2xx", "success" },
	{ 202, "Accepted", "2xx", "success" },
	{ 302, "Moved Temporarily", "3xx", "redirection" },
	{ 380, "Alternative Service", "3xx", "redirection" },
	{ 400, "Bad Request", "4xx", "syntax" },
	{ 401, "Unauthorized", "4xx", "authentication" },
	{ 403, "Forbidden", "4xx", "policy" },
	{ 404, "Not Found", "4xx", "routing" },
	{ 405, "Method Not Allowed", "4xx", "capability" },
	{ 406, "Not Acceptable", "4xx", "capability" },
	{ 407, "Proxy Authentication Required", "4xx", "authentication" },
	{ 408, "Request Timeout", "4xx", "reachability" },
	{ 415, "Unsupported Media Type", "4xx", "capability" },
	{ 480, "Temporarily Unavailable", "4xx", "reachability" },
	{ 481, "Call/Transaction Does Not Exist", "4xx", "request state" },
	{ 486, "Busy Here", "4xx", "reachability" },
	{ 487, "Request Terminated", "4xx", "request state" },
	{ 488, "Not Acceptable Here", "4xx", "capability" },
	{ 500, "Server Internal Error", "5xx", "server trouble" },
	{ 503, "Service Unavailable", "5xx", "server trouble" },
	{ 504, "Server Time-out", "5xx", "server trouble" },
	{ 600, "Busy Everywhere", "6xx", "global stop" },
	{ 603, "Decline", "6xx", "global stop" },
	{ 604, "Does Not Exist Anywhere", "6xx", "global stop" },
	{ 606, "Not Acceptable", "6xx", "global stop" },
	{ 608, "Rejected", "6xx", "global stop" },
};
#define NREF ((int)(sizeof(reference) / sizeof(reference[0])))

static void test_code_table_matches_reference(void)
{
	const struct sip_code_info *t;
	int i, n;

	t = sip_code_table(&n);
	CHECK_EQ_U64(n, NREF, "the table has exactly the reference codes");
	for (i = 0; i < NREF; i++) {
		const struct sip_code_info *c = sip_code_lookup(reference[i].code);

		if (!CHECK(c, "code %d missing", reference[i].code))
			continue;
		CHECK_STR(c->reason, reference[i].reason);
		CHECK_STR(c->group, reference[i].group);
		CHECK_STR(sip_class_label(sip_code_class(c->code)), reference[i].cls);
		CHECK(c->meaning && strlen(c->meaning) > 5, "meaning for %d", c->code);
		CHECK_STR(sip_code_reason(c->code), reference[i].reason);
		CHECK_STR(sip_code_group(c->code), reference[i].group);
		CHECK_STR(sip_code_meaning(c->code), c->meaning);
	}
	for (i = 1; i < n; i++)
		CHECK(t[i - 1].code < t[i].code, "table sorted at %d", t[i].code);
}

static void test_unknown_codes_use_class_name(void)
{
	CHECK(sip_code_lookup(299) == NULL);
	CHECK_STR(sip_code_reason(299), "success");
	CHECK_STR(sip_code_reason(199), "provisional");
	CHECK_STR(sip_code_reason(399), "redirection");
	CHECK_STR(sip_code_reason(499), "request failure");
	CHECK_STR(sip_code_reason(599), "server failure");
	CHECK_STR(sip_code_reason(699), "global failure");
	CHECK_STR(sip_code_group(699), "other");
	CHECK_STR(sip_code_meaning(699), "final everywhere: do not retry elsewhere");
	CHECK_STR(sip_code_meaning(199), "request received, still in progress (early dialog, alerting)");
	CHECK(sip_code_meaning(700) == NULL);
	CHECK(sip_class_meaning(0) == NULL && sip_class_meaning(7) == NULL);
	CHECK_EQ_U64(sip_code_class(99), 0);
	CHECK_EQ_U64(sip_code_class(100), 1);
	CHECK_EQ_U64(sip_code_class(699), 6);
	CHECK_EQ_U64(sip_code_class(700), 0);
	CHECK(sip_class_label(0) == NULL);
	CHECK(sip_class_label(7) == NULL);
	CHECK(sip_code_reason(700) == NULL);
}

static void test_rate_arithmetic(void)
{
	static struct counters a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.mono.tv_sec = 10;
	a.mono.tv_nsec = 900000000;
	b.mono.tv_sec = 12;
	b.mono.tv_nsec = 400000000;
	CHECK(counters_elapsed(&a, &b) > 1.4999 && counters_elapsed(&a, &b) < 1.5001);
	CHECK(counters_elapsed(&b, &a) == 0, "time never runs backwards in a report");
	CHECK_EQ_U64(counters_delta(100, 250), 150);
	CHECK_EQ_U64(counters_delta(250, 250), 0);
	CHECK_EQ_U64(counters_delta(250, 40), 40, "a reset counter: all of it is new");
	CHECK_EQ_U64(counters_delta(0, UINT64_MAX), UINT64_MAX);
	CHECK(counters_rate(150, 1.5) == 100.0);
	CHECK(counters_rate(150, 0) == 0.0, "zero-length interval has no rate");
}

/* The figure rule: total since base, delta since prev, rate over the interval. */
static void test_figure_arithmetic(void)
{
	struct figure f, g;

	f = figure_of(10, 40, 70, 1.5);
	CHECK_EQ_U64(f.total, 60);
	CHECK_EQ_U64(f.delta, 30);
	CHECK(f.rate == 20.0, "rate %f", f.rate);
	f = figure_of(100, 120, 5, 2.0);
	CHECK_EQ_U64(f.total, 5, "reset since base: the new value is all growth");
	CHECK_EQ_U64(f.delta, 5);
	CHECK(f.rate == 2.5);
	f = figure_of(0, 0, 0, 0);
	CHECK(f.total == 0 && f.delta == 0 && f.rate == 0);
	f = figure_of(0, 10, 30, 2.0);
	g = figure_of(5, 5, 15, 2.0);
	figure_add(&f, &g, 2.0);
	CHECK_EQ_U64(f.total, 40);
	CHECK_EQ_U64(f.delta, 30);
	CHECK(f.rate == 15.0, "sum rate %f", f.rate);
}

static void set_key(struct counters *c, int dir, int method, int slot, uint64_t v)
{
	c->keys[SIPSTAT_KEY(dir, method, slot)] = v;
}

static void test_derive_and_add(void)
{
	static struct counters a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	set_key(&a, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 200, 5);
	set_key(&b, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 200, 4);
	set_key(&b, SIPSTAT_DIR_IN, SIPSTAT_M_INVITE, 200, 3);
	set_key(&b, SIPSTAT_DIR_OUT, SIPSTAT_M_UNKNOWN, 603, 1);
	set_key(&b, SIPSTAT_DIR_IN, SIPSTAT_M_INVITE, SIPSTAT_O_REQUESTS, 2);
	set_key(&b, SIPSTAT_DIR_IN, SIPSTAT_M_REGISTER, SIPSTAT_O_REQUESTS, 1);
	set_key(&b, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, SIPSTAT_O_OTHER, 6);
	set_key(&b, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, SIPSTAT_O_MALFORMED, 1);
	set_key(&b, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, SIPSTAT_O_TRUNCATED, 1);
	set_key(&b, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, SIPSTAT_O_FRAGMENTS, 9);
	b.frames[SIPSTAT_DIR_IN] = 100;
	counters_derive(&a);
	counters_derive(&b);
	CHECK_EQ_U64(counters_code(&b, SIPSTAT_DIR_IN, 200), 7, "summed over methods");
	CHECK_EQ_U64(counters_code(&b, COUNTERS_DIR_ALL, 603), 1);
	CHECK_EQ_U64(counters_code(&b, SIPSTAT_DIR_IN, 603), 0);
	CHECK_EQ_U64(counters_code_method(&b, SIPSTAT_DIR_IN, SIPSTAT_M_INVITE, 200), 3);
	CHECK_EQ_U64(counters_outcome(&b, SIPSTAT_DIR_IN, COUNTERS_RESPONSES), 7);
	CHECK_EQ_U64(counters_outcome(&b, COUNTERS_DIR_ALL, COUNTERS_RESPONSES), 8);
	CHECK_EQ_U64(counters_outcome(&b, SIPSTAT_DIR_IN, COUNTERS_REQUESTS), 3);
	CHECK_EQ_U64(counters_requests(&b, SIPSTAT_DIR_IN, SIPSTAT_M_INVITE), 2);
	CHECK_EQ_U64(counters_outcome(&b, SIPSTAT_DIR_IN, COUNTERS_UDP_SIP), 7 + 3 + 6 + 1 + 1,
		     "udp_sip = requests + responses + malformed + truncated + other");
	CHECK_EQ_U64(counters_outcome(&b, SIPSTAT_DIR_IN, COUNTERS_FRAGMENTS), 9,
		     "fragments are not part of udp_sip");
	CHECK_EQ_U64(counters_class(&b, COUNTERS_DIR_ALL, 2), 7);
	CHECK_EQ_U64(counters_class(&b, COUNTERS_DIR_ALL, 6), 1);
	CHECK_EQ_U64(counters_class(&b, COUNTERS_DIR_ALL, 7), 0);
	counters_add(&a, &b);
	CHECK_EQ_U64(counters_code(&a, SIPSTAT_DIR_IN, 200), 12);
	CHECK_EQ_U64(counters_outcome(&a, COUNTERS_DIR_ALL, COUNTERS_RESPONSES), 13);
	CHECK_EQ_U64(counters_frames(&a, SIPSTAT_DIR_IN), 100);
	CHECK_EQ_U64(counters_code(&a, 5, 200), 0, "no such direction");
}

static void test_names(void)
{
	int i;

	for (i = 0; i < COUNTERS_OUTCOMES; i++)
		CHECK(counters_outcome_name(i) != NULL, "name for outcome %d", i);
	CHECK_STR(counters_outcome_name(COUNTERS_UDP_SIP), "udp_sip");
	CHECK_STR(counters_outcome_name(COUNTERS_FRAGMENTS), "fragments");
	CHECK(counters_outcome_name(COUNTERS_OUTCOMES) == NULL);
	CHECK(counters_outcome_name(-1) == NULL);
	for (i = 0; i < SIPSTAT_M_MAX; i++)
		CHECK(counters_method_name(i) != NULL, "name for method %d", i);
	CHECK_STR(counters_method_name(SIPSTAT_M_INVITE), "INVITE");
	CHECK_STR(counters_method_name(SIPSTAT_M_UNKNOWN), "unknown");
	CHECK(counters_method_name(SIPSTAT_M_MAX) == NULL);
	CHECK_STR(counters_dir_name(SIPSTAT_DIR_IN), "in");
	CHECK_STR(counters_dir_name(SIPSTAT_DIR_OUT), "out");
	CHECK(counters_dir_name(SIPSTAT_DIR_MAX) == NULL);
}

/* Three readings: base (start), prev (1 s later), cur (1.5 s after that). */
static struct counters s_base, s_prev, s_cur;

static void fill_readings(void)
{
	memset(&s_base, 0, sizeof(s_base));
	memset(&s_prev, 0, sizeof(s_prev));
	memset(&s_cur, 0, sizeof(s_cur));
	s_base.mono.tv_sec = 100;
	s_prev.mono.tv_sec = 101;
	s_cur.mono.tv_sec = 102;
	s_cur.mono.tv_nsec = 500000000;
	s_cur.real.tv_sec = 1795673001;	/* 2026-11-26T06:03:21Z */
	s_cur.real.tv_nsec = 123456789;
	set_key(&s_base, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 200, 10);	/* before start */
	set_key(&s_prev, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 200, 40);
	set_key(&s_cur, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 200, 70);
	set_key(&s_prev, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 486, 3);
	set_key(&s_cur, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 486, 3);
	set_key(&s_cur, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 603, 6);
	set_key(&s_cur, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 299, 1);
	set_key(&s_cur, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, SIPSTAT_O_MALFORMED, 2);
	set_key(&s_cur, SIPSTAT_DIR_IN, SIPSTAT_M_INVITE, SIPSTAT_O_REQUESTS, 4);
	s_cur.frames[SIPSTAT_DIR_IN] = 1000;
	s_cur.frames[SIPSTAT_DIR_OUT] = 20;
	counters_derive(&s_base);
	counters_derive(&s_prev);
	counters_derive(&s_cur);
}

static struct out_iface s_rif[2] = {
	{ .name = "eth0", .mode = "native", .source = "own", .state = "counting",
	  .base = &s_base, .prev = &s_prev, .cur = &s_cur },
	{ .name = "eth1", .mode = "native", .source = "pinned", .state = "gone",
	  .base = &s_base, .prev = &s_base, .cur = &s_base },
};

static char *render(void (*fn)(FILE *, const struct out_report *), int verbose, bool per_iface)
{
	struct out_report r = {
		.host = "h1", .ifs = s_rif, .nifs = 2, .mode = "native",
		.base = &s_base, .prev = &s_prev, .cur = &s_cur, .verbose = verbose,
		.dirs = 1U << SIPSTAT_DIR_IN, .per_interface = per_iface,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, &r);
	fclose(f);
	return buf;
}

static void test_format_time(void)
{
	char buf[32];
	struct timespec ts = { .tv_sec = 1795673001, .tv_nsec = 123456789 };

	fmt_time(buf, sizeof(buf), &ts);
	CHECK_STR(buf, "2026-11-26T06:03:21.123Z");
	fmt_time_ns(buf, sizeof(buf), 1795673001123456789ULL);
	CHECK_STR(buf, "2026-11-26T06:03:21.123Z");
}

static void test_fmt_join(void)
{
	const char *items[] = { "eth0", "eth1", "bond0" };
	char buf[64];

	CHECK_STR(fmt_join(buf, sizeof(buf), items, 3, ","), "eth0,eth1,bond0");
	CHECK_STR(fmt_join(buf, sizeof(buf), items, 0, ","), "");
	CHECK_STR(fmt_join(buf, 13, items, 3, ","), "eth0,eth1...");
	CHECK_STR(fmt_join(buf, sizeof(buf), items, 2, ", "), "eth0, eth1");
}

static void test_json_report(void)
{
	char *j;

	fill_readings();
	j = render(out_json_report, 0, false);
	CHECK(strchr(j, '\n') == j + strlen(j) - 1, "exactly one line: %s", j);
	CHECK(strncmp(j, "{\"schema\":2,\"type\":\"report\",\"time\":\"2026-11-26T06:03:21.123Z\","
			 "\"host\":\"h1\",\"interfaces\":[\"eth0\",\"eth1\"],"
			 "\"mode\":\"native\",\"interval_s\":1.500,",
		      strlen("{\"schema\":2,\"type\":\"report\",\"time\":\"2026-11-26T06:03:21.123Z\","
			     "\"host\":\"h1\",\"interfaces\":[\"eth0\",\"eth1\"],"
			     "\"mode\":\"native\",\"interval_s\":1.500,")) == 0,
	      "%s", j);
	/* responses: 70 since start (80-10), 37 in 1.5 s (80-43) */
	CHECK(strstr(j, "\"responses\":{\"total\":70,\"delta\":37,\"rate\":24.667}"), "%s", j);
	CHECK(strstr(j, "\"2xx\":{\"total\":61,\"delta\":31,\"rate\":20.667}"), "%s", j);
	CHECK(strstr(j, "\"4xx\":{\"total\":3,\"delta\":0,\"rate\":0.000}"), "%s", j);
	CHECK(strstr(j, "\"6xx\":{\"total\":6,\"delta\":6,\"rate\":4.000}"), "%s", j);
	CHECK(strstr(j, "{\"code\":200,\"reason\":\"OK\",\"class\":\"2xx\",\"group\":\"success\","
			"\"meaning\":\"request completed\",\"total\":60,\"delta\":30,\"rate\":20.000}"),
	      "%s", j);
	CHECK(strstr(j, "{\"code\":299,\"reason\":\"success\",\"class\":\"2xx\",\"group\":\"other\","
			"\"meaning\":\"request completed\","),
	      "%s", j);
	CHECK(strstr(j, "{\"code\":603,\"reason\":\"Decline\",\"class\":\"6xx\","
			"\"group\":\"global stop\",\"meaning\":\"actively refused: do not retry "
			"elsewhere\",\"total\":6,\"delta\":6,\"rate\":4.000}"),
	      "%s", j);
	CHECK(strstr(j, "\"code\":486") && !strstr(j, "\"code\":100"), "only codes seen: %s", j);
	/* ascending order */
	CHECK(strstr(j, "\"code\":200") < strstr(j, "\"code\":299") &&
	      strstr(j, "\"code\":299") < strstr(j, "\"code\":486") &&
	      strstr(j, "\"code\":486") < strstr(j, "\"code\":603"));
	CHECK(strstr(j, "\"parser\":{\"udp_sip\":76,\"requests\":4,\"responses\":70,"
			"\"malformed\":2,\"truncated\":0,\"other\":0,\"fragments\":0,"
			"\"bad_header\":0,\"too_deep\":0,\"tcp_unparsed\":0,\"tcp_segments\":0,"
			"\"encap_ipip\":0,\"encap_gre\":0,\"encap_vxlan\":0,\"encap_gtpu\":0,"
			"\"encap_pppoe\":0,\"encap_mpls\":0}"),
	      "%s", j);
	CHECK(strstr(j, "\"frames\":{\"in\":1000,\"out\":20}"), "frames from the interface: %s", j);
	/* directions: in counted, out not (yet) */
	CHECK(strstr(j, "\"directions\":{\"in\":{\"counted\":true,\"responses\":{\"total\":70,"), "%s",
	      j);
	CHECK(strstr(j, "\"out\":{\"counted\":false,\"responses\":{\"total\":0,"), "%s", j);
	CHECK(strstr(j, "{\"code\":200,\"total\":60,\"delta\":30,\"rate\":20.000,"
			"\"methods\":{\"unknown\":60}}"),
	      "codes by direction carry methods: %s", j);
	CHECK(strstr(j, "\"requests\":{\"total\":4,\"delta\":4,\"rate\":2.667,\"methods\":"
			"{\"INVITE\":{\"total\":4,\"delta\":4,\"rate\":2.667}}}"),
	      "requests by method: %s", j);
	/* per interface, always */
	CHECK(strstr(j, "\"per_interface\":[{\"interface\":\"eth0\",\"mode\":\"native\","
			"\"source\":\"own\",\"state\":\"counting\",\"responses\":{\"total\":70,"),
	      "%s", j);
	CHECK(strstr(j, "{\"interface\":\"eth1\",\"mode\":\"native\",\"source\":\"pinned\","
			"\"state\":\"gone\",\"responses\":{\"total\":0,"),
	      "%s", j);
	CHECK(!strncmp(j + strlen(j) - 4, "}]}\n", 4), "%s", j);
	free(j);
}

static void test_json_escapes_names(void)
{
	struct out_iface odd = { .name = "we\"ird\\", .base = &s_base, .prev = &s_prev,
				    .cur = &s_cur };
	struct out_report r = { .ifs = &odd, .nifs = 1, .mode = "skb", .host = "a\tb",
			    .base = &s_base, .prev = &s_prev, .cur = &s_cur };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fill_readings();
	out_json_report(f, &r);
	fclose(f);
	CHECK(strstr(buf, "\"interfaces\":[\"we\\\"ird\\\\\"]"), "%s", buf);
	CHECK(strstr(buf, "\"host\":\"a\\u0009b\""), "%s", buf);
	free(buf);
}

static void test_text_report(void)
{
	char *t;

	fill_readings();
	t = render(out_text_report, 0, false);
	CHECK(strstr(t, "2026-11-26T06:03:21.123Z  eth0,eth1 (native)  interval 1.50s  "
			"responses 70 total, 24.67/s\n"),
	      "%s", t);
	CHECK(strstr(t, "  2xx success                      61       31      20.67\n"), "%s", t);
	CHECK(strstr(t, "  6xx global failure                6        6       4.00\n"), "%s", t);
	CHECK(strstr(t, "  486  Busy Here                       4xx   reachability    in  "
			"           3        0       0.00\n"),
	      "%s", t);
	CHECK(strstr(t, "  299  success                         2xx   other           in "), "%s",
	      t);
	CHECK(!strstr(t, "parser in:"), "parser outcomes only with -v");
	CHECK(!strstr(t, "-- eth0"), "per-interface blocks only when asked");
	free(t);
	t = render(out_text_report, 1, false);
	CHECK(strstr(t, "        0       0.00  user busy at this destination\n"),
	      "-v adds the meaning: %s", t);
	CHECK(strstr(t, "  requests in: INVITE 4\n"), "%s", t);
	CHECK(strstr(t, "  parser in: udp_sip 76 requests 4 responses 70 malformed 2 "), "%s", t);
	CHECK(strstr(t, "  frames (interface statistics): in 1000 out 20\n"), "%s", t);
	free(t);
	t = render(out_text_report, 0, true);
	CHECK(strstr(t, "  -- eth0 (native, own)  responses 70 total, 24.67/s\n"), "%s", t);
	CHECK(strstr(t, "  -- eth1 (native, pinned, gone)  responses 0 total, 0.00/s\n"), "%s", t);
	free(t);
}

static void test_alert_lines(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int n;

	fill_readings();
	set_key(&s_prev, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 608, 2);
	set_key(&s_cur, SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 608, 2);	/* no growth: no alert */
	counters_derive(&s_prev);
	counters_derive(&s_cur);
	f = open_memstream(&buf, &len);
	n = out_text_alerts(f, "eth0", &s_base, &s_prev, &s_cur);
	fclose(f);
	CHECK_EQ_U64(n, 1);
	CHECK_STR(buf, "ALERT 2026-11-26T06:03:21.123Z eth0 603 Decline: 6 in 1.50s, 6 total\n");
	free(buf);

	set_key(&s_cur, SIPSTAT_DIR_IN, SIPSTAT_M_INVITE, 699, 1);
	set_key(&s_cur, SIPSTAT_DIR_OUT, SIPSTAT_M_UNKNOWN, 600, 2);
	counters_derive(&s_cur);
	buf = NULL;
	f = open_memstream(&buf, &len);
	n = out_text_alerts(f, "eth1", &s_base, &s_prev, &s_cur);
	fclose(f);
	CHECK_EQ_U64(n, 3);
	CHECK(strstr(buf, "eth1 699 global failure: 1 in 1.50s, 1 total\n"), "%s", buf);
	CHECK(strstr(buf, "eth1 600 Busy Everywhere: 2 in 1.50s, 2 total out\n"),
	      "egress alerts say so: %s", buf);
	free(buf);
}

/* Run parse_args on a whitespace-split command line. */
static int args(const char *line, struct options *o, char **errtext)
{
	char *copy = strdup(line), *argv[32], *tok, *save;
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	FILE *out = open_memstream(&obuf, &olen), *err = open_memstream(&ebuf, &elen);
	int argc = 0, rc;

	argv[argc++] = "sipstat";
	for (tok = strtok_r(copy, " ", &save); tok && argc < 31; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	rc = parse_args(argc, argv, o, out, err);
	fclose(out);
	fclose(err);
	free(copy);
	if (errtext)
		*errtext = ebuf;
	else
		free(ebuf);
	free(obuf);
	return rc;
}

static void test_args_defaults_and_full(void)
{
	struct options o;

	CHECK_EQ_U64(args("-i eth0", &o, NULL), ARGS_OK);
	CHECK_EQ_U64(o.nifs, 1);
	CHECK_STR(o.ifnames[0], "eth0");
	CHECK(o.cmd == CMD_WATCH);
	CHECK(o.mode == ATTACH_AUTO && o.output == OUT_TEXT && o.interval == 1.0 && o.count == 0);
	CHECK(ports_count(&o.ports) == 1 && ports_has(&o.ports, 5060) && !o.ports_given);
	CHECK(!o.top);
	/* Both directions unless told. */
	CHECK(o.dirs == (1U << SIPSTAT_DIR_IN | 1U << SIPSTAT_DIR_OUT) && !o.dirs_given);
	CHECK(!o.multiprog);
	CHECK_EQ_U64(args("attach -i eth0 --direction out --mode tc --multiprog", &o, NULL), ARGS_OK);
	CHECK(o.dirs == 1U << SIPSTAT_DIR_OUT && o.dirs_given && o.mode == ATTACH_TC && o.multiprog);
	CHECK_EQ_U64(args("serve -i eth0 --direction in", &o, NULL), ARGS_OK);
	CHECK(o.dirs == 1U << SIPSTAT_DIR_IN);
	CHECK_EQ_U64(args("-i eth0 --top 0.5", &o, NULL), ARGS_OK);
	CHECK(o.top && o.interval == 0.5);
	CHECK_EQ_U64(args("-t -i eth0", &o, NULL), ARGS_OK);
	CHECK(o.top);

	CHECK_EQ_U64(args("-i eth0 --interface eth1 --mode skb --port 15060,5062,5060 -o json "
			  "-v -v --force 2.5 7",
			  &o, NULL),
		     ARGS_OK);
	CHECK_EQ_U64(o.nifs, 2);
	CHECK_STR(o.ifnames[1], "eth1");
	CHECK(o.mode == ATTACH_SKB && o.output == OUT_JSON && o.verbose == 2 && o.force);
	CHECK(o.interval == 2.5 && o.count == 7);
	CHECK(ports_count(&o.ports) == 3 && ports_has(&o.ports, 5060) &&
	      ports_has(&o.ports, 5062) && ports_has(&o.ports, 15060));
	CHECK_EQ_U64(args("--mode=native -i eth0", &o, NULL), ARGS_OK);
	CHECK(o.mode == ATTACH_NATIVE && o.mode_given);
	CHECK_EQ_U64(args("-i eth0 -m auto 0.1", &o, NULL), ARGS_OK);
	CHECK(o.mode == ATTACH_AUTO && o.interval == 0.1);
	CHECK_EQ_U64(args("-i eth0 -p 5060 -p 5080", &o, NULL), ARGS_OK);
	CHECK(ports_count(&o.ports) == 2 && ports_has(&o.ports, 5060) && ports_has(&o.ports, 5080),
	      "-p repeated accumulates");
	CHECK_EQ_U64(args("-i eth0 -p 5080", &o, NULL), ARGS_OK);
	CHECK(ports_count(&o.ports) == 1 && ports_has(&o.ports, 5080), "-p replaces the default");
	CHECK_EQ_U64(args("-i eth0 --per-interface", &o, NULL), ARGS_OK);
	CHECK(o.per_interface);
}

static void test_args_subcommands(void)
{
	struct options o;

	CHECK_EQ_U64(args("attach -i eth0 -i eth1 --mode skb -p 5060,5080 --reset --replace", &o,
			  NULL),
		     ARGS_OK);
	CHECK(o.cmd == CMD_ATTACH && o.nifs == 2 && o.reset && o.replace && o.ports_given);
	CHECK_EQ_U64(args("detach --all", &o, NULL), ARGS_OK);
	CHECK(o.cmd == CMD_DETACH && o.all);
	CHECK_EQ_U64(args("detach -i eth0", &o, NULL), ARGS_OK);
	CHECK(o.cmd == CMD_DETACH && o.nifs == 1);
	CHECK_EQ_U64(args("status", &o, NULL), ARGS_OK);
	CHECK(o.cmd == CMD_STATUS);
	CHECK_EQ_U64(args("status -o json", &o, NULL), ARGS_OK);
	CHECK(o.cmd == CMD_STATUS && o.output == OUT_JSON);
	CHECK_EQ_U64(args("show -i eth0 -o json --per-interface", &o, NULL), ARGS_OK);
	CHECK(o.cmd == CMD_SHOW && o.nifs == 1 && o.per_interface);
	CHECK_EQ_U64(args("serve -i eth0 --mode native --replace", &o, NULL), ARGS_OK);
	CHECK(o.cmd == CMD_SERVE && o.mode == ATTACH_NATIVE && o.replace);
	CHECK_STR(command_name(CMD_SERVE), "serve");
}

static void test_args_help_version(void)
{
	struct options o;

	CHECK_EQ_U64(args("--help", &o, NULL), ARGS_EXIT_OK);
	CHECK_EQ_U64(args("-V", &o, NULL), ARGS_EXIT_OK);
}

static void test_args_errors(void)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "", "no interface given" },
		{ "5", "no interface given" },
		{ "-i", "needs a value" },
		{ "-i eth0 --mode bogus", "unknown mode 'bogus'" },
		{ "-i eth0 -o xml", "unknown output 'xml'" },
		{ "-i eth0 --port 0", "ports are numbers from 1 to 65535" },
		{ "-i eth0 --port 65536", "ports are numbers from 1 to 65535" },
		{ "-i eth0 --port 50x0", "comma-separated" },
		{ "-i eth0 --port 5060,", "ports are numbers" },
		{ "-i eth0 --port ,5060", "ports are numbers" },
		{ "-i eth0 --port 5070-5060", "LOW <= HIGH" },
		{ "-i eth0 --port -5", "ports are numbers" },
		{ "-i eth0 --port nosuchservicename", "no UDP service of that name" },
		{ "-i eth0 --reset", "does not apply here" },
		{ "-i eth0 --direction sideways", "use in, out or both" },
		{ "-i eth0 --mode xdp", "use native, skb, auto or tc" },
		{ "detach -i eth0 --direction out", "does not apply here" },
		{ "show --multiprog", "does not apply here" },
		{ "attach -i eth0 5", "unexpected argument '5'" },
		{ "attach", "no interface given" },
		{ "detach", "use -i IFACE or --all" },
		{ "detach --all -i eth0", "not both" },
		{ "status --reset", "does not apply here" },
		{ "show --top", "does not apply here" },
		{ "serve", "no interface given" },
		{ "eth0", "to count on interface eth0, use: sipstat -i eth0" },
		{ "-i eth0 0", "interval '0'" },
		{ "-i eth0 0.05", "interval '0.05'" },
		{ "-i eth0 abc", "'abc' is not an interval in seconds" },
		{ "-i eth0 1s", "interval '1s'" },
		{ "-i eth0 nan", "interval 'nan'" },
		{ "-i eth0 1 0", "count '0'" },
		{ "-i eth0 1 -3", "unknown option '-3'" },
		{ "-i eth0 1 2.5", "count '2.5'" },
		{ "-i eth0 1 2 3", "unexpected argument '3'" },
		{ "-i eth0 -i eth0", "given twice" },
		{ "-i abcdefghijklmnopq", "not a valid interface name" },
		{ "-i eth0 --bogus", "unknown option '--bogus'" },
		{ "-i eth0 -x", "unknown option" },
	};
	struct options o;
	char *e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = args(bad[i].line, &o, &e);

		CHECK_EQ_U64(rc, ARGS_USAGE, "'%s'", bad[i].line);
		CHECK(strstr(e, bad[i].msg), "'%s' -> %s", bad[i].line, e);
		CHECK(strncmp(e, "sipstat: ", 9) == 0 && strstr(e, "Try 'sipstat --help'"),
		      "'%s' -> %s", bad[i].line, e);
		free(e);
	}
}

/*
 * Which subcommand takes which option, written out here rather than read
 * from the table, so that a change to the table shows as a failing test.
 * -v, -h and -V go everywhere.
 */
static const char *const takes[CMD_MAX] = {
	[CMD_WATCH] = " interface mode direction multiprog port output listen web-config top force "
		      "per-interface alert alert-exec alert-user alert-timeout alert-log event-codes "
		      "event-rate peers per-peer failing export-failing ",
	[CMD_ATTACH] = " interface mode direction multiprog port force event-codes event-rate "
		       "peers reset replace ",
	[CMD_DETACH] = " interface all netns ",
	[CMD_STATUS] = " interface output netns ",
	[CMD_SHOW] = " interface output per-interface per-peer failing export-failing ",
	[CMD_SERVE] = " interface mode direction multiprog port listen web-config force alert "
		      "alert-exec alert-user "
		      "alert-timeout alert-log event-codes event-rate peers export-failing "
		      "replace ",
	[CMD_READ] = " port output ",
};

static bool takes_option(enum command c, const struct args_option *opt)
{
	char word[40];

	if (opt->cmds == (1U << CMD_MAX) - 1)
		return true;
	snprintf(word, sizeof(word), " %s ", opt->name);
	return strstr(takes[c], word) != NULL;
}

/* The table says what each subcommand takes, and the parser holds to it. */
static void test_args_option_table(void)
{
	const struct args_option *t;
	struct options o;
	size_t n, i, j;
	char line[96], *e;
	int c, listed;

	t = args_options(&n);
	for (i = 0; i < n; i++) {
		CHECK(t[i].name && t[i].help && *t[i].help && t[i].cmds, "row %zu", i);
		CHECK(t[i].kind != ARGS_SET || t[i].set, "--%s has a setter", t[i].name);
		for (j = 0; j < i; j++) {
			CHECK(strcmp(t[i].name, t[j].name), "--%s twice", t[i].name);
			CHECK(!t[i].letter || t[i].letter != t[j].letter, "-%c twice", t[i].letter);
		}
	}
	for (c = 0; c < CMD_MAX; c++) {
		listed = 0;
		for (i = 0; i < n; i++) {
			bool in = takes_option((enum command)c, &t[i]);

			listed += in && t[i].cmds != (1U << CMD_MAX) - 1;
			CHECK(!!(t[i].cmds & 1U << c) == in, "%s --%s", command_name(c), t[i].name);
			if (t[i].kind == ARGS_HELP || t[i].kind == ARGS_VERSION)
				continue;
			/* Applicability is decided before the value is looked at. */
			snprintf(line, sizeof(line), "%s --%s%s", c ? command_name(c) : "", t[i].name,
				 t[i].value ? " =" : "");
			args(line, &o, &e);
			CHECK(!strstr(e, "does not apply here") == in, "'%s' -> %s", line, e);
			free(e);
		}
		/* Nothing the list names is missing from the table. */
		for (i = 0, j = 0; takes[c][i]; i++)
			j += takes[c][i] == ' ';
		CHECK_EQ_U64(listed, j - 1, "%s: options named in takes[]", command_name(c));
	}
}

/* The row of the table an option word names ("-m", "--mode", roff's "\-\-mode"). */
static int option_index(const struct args_option *t, size_t n, const char *name, char letter)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((name && !strcmp(t[i].name, name)) || (letter && t[i].letter == letter))
			return (int)i;
	return -1;
}

/*
 * The options a span of text names, as bits of table rows; -1 when it names
 * one the table does not have.  roff: hyphens are written \-.
 */
static int64_t options_named(const char *s, size_t len, bool roff)
{
	const char *dash = roff ? "\\-" : "-", *end = s + len;
	size_t n, dl = strlen(dash);
	const struct args_option *t = args_options(&n);
	int64_t bits = 0;
	char name[32];
	int k;

	while (s < end && (s = strstr(s, dash)) && s < end) {
		size_t l = 0;

		if (!roff && !isspace((unsigned char)s[-1]) && s[-1] != '[' && s[-1] != '{') {
			s++;
			continue;
		}
		if (!strncmp(s + dl, dash, dl)) {
			for (s += 2 * dl; l < sizeof(name) - 1 && s < end; ) {
				if (*s >= 'a' && *s <= 'z')
					name[l++] = *s++;
				else if (!strncmp(s, dash, dl) && s[dl] >= 'a' && s[dl] <= 'z')
					name[l++] = '-', s += dl;
				else
					break;
			}
			name[l] = '\0';
			k = option_index(t, n, name, 0);
		} else if (isalpha((unsigned char)s[dl]) && !isalnum((unsigned char)s[dl + 1])) {
			k = option_index(t, n, NULL, s[dl]);
			s += dl + 1;
		} else {
			s += dl;
			continue;
		}
		if (k < 0)
			return -1;
		bits |= (int64_t)1 << k;
	}
	return bits;
}

/* The options subcommand c takes, as bits of table rows (help and version left out). */
static int64_t options_of(enum command c)
{
	size_t n, i;
	const struct args_option *t = args_options(&n);
	int64_t bits = 0;

	for (i = 0; i < n; i++)
		if (t[i].cmds & 1U << c && t[i].kind != ARGS_HELP && t[i].kind != ARGS_VERSION)
			bits |= (int64_t)1 << i;
	return bits;
}

/* The first option two sets of rows differ in, for a failure message. */
static const char *first_diff(int64_t a, int64_t b)
{
	size_t n, i;
	const struct args_option *t = args_options(&n);

	if (a < 0 || b < 0)
		return "(an option the table does not have)";
	for (i = 0; i < n; i++)
		if (((a ^ b) >> i) & 1)
			return t[i].name;
	return "(none)";
}

/* Usage lines and help come from the table: complete, in 80 columns. */
static void test_args_help(void)
{
	char *buf = NULL, *p, *next, *line, *end;
	size_t len = 0, n, i;
	const struct args_option *t = args_options(&n);
	FILE *f = open_memstream(&buf, &len);
	int c, seen = 0;
	int64_t bits;

	print_usage(f);
	fclose(f);
	for (line = buf; *line; line = next + 1) {
		next = line + strcspn(line, "\n");
		CHECK(next - line <= 80, "%.*s", (int)(next - line), line);
		if (!*next)
			break;
	}
	/* Each usage line, to the next one or the blank line. */
	for (p = strstr(buf, "sipstat"); p && p < strstr(buf, "\n\n"); p = next) {
		end = strstr(p, "\n\n");
		next = strstr(p + 1, "\n       sipstat");
		next = next && next < end ? next + 8 : NULL;
		for (c = CMD_MAX - 1; c > 0; c--)
			if (!strncmp(p + 8, command_name(c), strlen(command_name(c))))
				break;
		bits = options_named(p, (size_t)((next ? next : end) - p), false);
		CHECK(bits == options_of(c), "usage of %s differs at --%s", command_name(c),
		      first_diff(bits, options_of(c)));
		seen++;
	}
	CHECK_EQ_U64(seen, CMD_MAX, "a usage line per subcommand");
	for (i = 0; i < n; i++) {
		char head[40];

		snprintf(head, sizeof(head), "\n      --%s", t[i].name);
		if (t[i].letter)
			snprintf(head, sizeof(head), "\n  -%c, --%s", t[i].letter, t[i].name);
		CHECK(strstr(buf, head), "help of --%s", t[i].name);
	}
	/* The live view's keys, all of them (top.c). */
	p = strstr(buf, "(keys:");
	CHECK(p && strstr(p, "q quit") && strstr(p, "s sort") && strstr(p, "j/k select") &&
	      strstr(p, "r reset") && strstr(p, "p pause") && strstr(p, "c parser") &&
	      strstr(p, "m methods") && strstr(p, "e peers") && strstr(p, "f one method") &&
	      strstr(p, "n/N one peer") && strstr(p, "h help"), "%s", p ? p : buf);
	CHECK(strstr(buf, "\nExamples:\n"), "help keeps its examples");
	free(buf);
}

/* A file of the source tree (the tests run from its top), NULL if unreadable. */
static char *source_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int ch;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* The man page's synopsis and options name what the table has. */
static void test_args_man_page(void)
{
	char *man = source_file("docs/sipstat.8"), *p, *end, *opts;
	int64_t heads = 0, all = 0, bits;
	size_t n, i;
	int c, seen = 0;

	if (!CHECK(man, "docs/sipstat.8: run the tests from the top of the source tree"))
		return;
	args_options(&n);
	for (i = 0; i < n; i++)
		all |= (int64_t)1 << i;
	/* .SY sipstat / .SY "sipstat NAME" ... .YS: one per subcommand. */
	for (p = strstr(man, "\n.SY "); p; p = strstr(end, "\n.SY ")) {
		end = strstr(p, "\n.YS");
		if (!CHECK(end, "a .SY without .YS"))
			break;
		for (c = CMD_MAX - 1; c > 0; c--)
			if (!strncmp(p + 14, command_name(c), strlen(command_name(c))))
				break;
		bits = options_named(p, (size_t)(end - p), true);
		CHECK(bits == options_of(c), "synopsis of %s differs at --%s", command_name(c),
		      first_diff(bits, options_of(c)));
		seen++;
	}
	CHECK_EQ_U64(seen, CMD_MAX, "a synopsis per subcommand");
	/* Each .TP head of OPTIONS names options; together, every one. */
	opts = strstr(man, "\n.SH OPTIONS\n");
	end = opts ? strstr(opts + 1, "\n.SH ") : NULL;
	for (p = opts; p && end && (p = strstr(p + 1, "\n.TP\n")) && p < end;) {
		char *head = p + 5, *eol = strchr(head, '\n');

		bits = options_named(head, (size_t)(eol - head), true);
		CHECK(bits > 0, "OPTIONS: %.*s", (int)(eol - head), head);
		heads |= bits > 0 ? bits : 0;
	}
	CHECK(heads == all, "OPTIONS has no entry for --%s", first_diff(heads, all));
	free(man);
}

/* The completion offers each subcommand exactly the options it takes. */
static void test_args_completion(void)
{
	char *comp = source_file("scripts/completion/sipstat"), *p, *end, arm[32];
	size_t n, i;
	const struct args_option *t = args_options(&n);
	int64_t anywhere = 0, bits;
	int c;

	if (!CHECK(comp, "scripts/completion/sipstat: run the tests from the top of the source tree"))
		return;
	for (i = 0; i < n; i++)
		if (t[i].cmds == (1U << CMD_MAX) - 1)
			anywhere |= (int64_t)1 << i;
	p = strstr(comp, "local opts='");
	end = p ? strchr(p + 12, '\'') : NULL;
	CHECK(p && end && options_named(p + 12, (size_t)(end - p - 12), false) == anywhere,
	      "the options of every subcommand");
	/* "\tattach) opts+='...'"; the plain form is the "*)" arm. */
	for (c = 0; c < CMD_MAX; c++) {
		int64_t want = 0;

		for (i = 0; i < n; i++)
			if (t[i].cmds & 1U << c && !(anywhere & (int64_t)1 << i))
				want |= (int64_t)1 << i;
		snprintf(arm, sizeof(arm), "\n\t%s) opts+='", c ? command_name(c) : "*");
		p = strstr(comp, arm);
		end = p ? strchr(p + strlen(arm), '\'') : NULL;
		if (!CHECK(p && end, "no arm %s", arm + 2))
			continue;
		p += strlen(arm) - 1;
		bits = options_named(p, (size_t)(end - p), false);
		CHECK(bits == want, "completion of %s differs at --%s", command_name(c),
		      first_diff(bits, want));
	}
	free(comp);
}

static void test_ports(void)
{
	struct sipstat_ports set;
	char why[128], buf[128];

	ports_clear(&set);
	CHECK_EQ_U64(ports_parse("5060-5063,5061,15060", &set, why, sizeof(why)), 0);
	CHECK_EQ_U64(ports_count(&set), 5, "duplicates folded");
	CHECK(ports_has(&set, 5060) && ports_has(&set, 5063) && ports_has(&set, 15060));
	CHECK(!ports_has(&set, 5064));
	CHECK_EQ_U64(ports_format(&set, buf, sizeof(buf)), 5);
	CHECK_STR(buf, "5060-5063,15060");
	CHECK_EQ_U64(ports_parse("5080", &set, why, sizeof(why)), 0);
	CHECK_EQ_U64(ports_count(&set), 6, "a second list adds to the first");
	ports_format(&set, buf, sizeof(buf));
	CHECK_STR(buf, "5060-5063,5080,15060");

	ports_clear(&set);
	CHECK_EQ_U64(ports_parse("1,65535", &set, why, sizeof(why)), 0);
	ports_format(&set, buf, sizeof(buf));
	CHECK_STR(buf, "1,65535");
	ports_clear(&set);
	CHECK_EQ_U64(ports_parse("1-65535", &set, why, sizeof(why)), 0);
	CHECK_EQ_U64(ports_count(&set), 65535, "every port fits in the set");
	ports_format(&set, buf, sizeof(buf));
	CHECK_STR(buf, "1-65535");
	ports_clear(&set);
	ports_format(&set, buf, sizeof(buf));
	CHECK_STR(buf, "none");

	/* Service names from /etc/services (netbase): sip is 5060, sip-tls 5061. */
	ports_clear(&set);
	if (ports_parse("sip", &set, why, sizeof(why)) == 0) {
		CHECK(ports_has(&set, 5060) && ports_count(&set) == 1, "sip is 5060");
		CHECK_EQ_U64(ports_parse("sip-tls", &set, why, sizeof(why)), 0);
		CHECK(ports_has(&set, 5061), "sip-tls is 5061");
		CHECK_EQ_U64(ports_parse("sip-5070", &set, why, sizeof(why)), 0);
		CHECK(ports_has(&set, 5065) && ports_has(&set, 5070), "a range from a name");
	} else {
		printf("skip - service names: no 'sip' in /etc/services (install netbase)\n");
	}

	/* Errors leave the set as it was. */
	ports_default(&set);
	CHECK_EQ_U64(ports_parse("", &set, why, sizeof(why)), (uint64_t)-EINVAL);
	CHECK(strstr(why, "empty"), "%s", why);
	CHECK_EQ_U64(ports_parse("5070,5060-5050", &set, why, sizeof(why)), (uint64_t)-EINVAL);
	CHECK_EQ_U64(ports_parse("5070,nosuchservicename", &set, why, sizeof(why)),
		     (uint64_t)-EINVAL);
	CHECK(ports_count(&set) == 1 && ports_has(&set, 5060), "unchanged after an error");

	/* A small buffer: cut with ",...", the count still whole. */
	ports_clear(&set);
	ports_parse("1,3,5,7,9,11,13,15,17,19", &set, why, sizeof(why));
	CHECK_EQ_U64(ports_format(&set, buf, 16), 10);
	CHECK(strlen(buf) < 16 && strstr(buf, ",..."), "%s", buf);
}

static void test_ports_apply(void)
{
	struct sipstat_ports live, want;
	char why[64];

	ports_default(&live);
	ports_clear(&want);
	ports_parse("5062,15060-15069", &want, why, sizeof(why));
	ports_apply(live.w, &want);
	CHECK(!memcmp(&live, &want, sizeof(live)), "the live set equals the wanted one");
}

/* The maps this sipstat makes, as the kernel describes them. */
static struct pin_layout current_layout(void)
{
	struct pin_layout l = {
		.counts = { true, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, SIPSTAT_COUNT_KEYS, 0 },
		.ports = { true, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sipstat_ports), 1,
			   BPF_F_MMAPABLE },
		.meta = { true, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sipstat_meta), 1, 0 },
		.has_meta = true,
		.meta_layout = SIPSTAT_LAYOUT_VERSION,
	};

	return l;
}

static void test_layout_check(void)
{
	struct pin_layout l;
	char why[128];

	l = current_layout();
	CHECK_EQ_U64(pin_layout_check(&l, why, sizeof(why)), 0, "this sipstat's own maps");
	l.ports.present = false;
	l.meta.present = false;
	l.has_meta = false;
	CHECK_EQ_U64(pin_layout_check(&l, why, sizeof(why)), 0,
		     "counters alone are reused (port set and meta are added)");

	l = current_layout();
	l.counts.present = false;
	CHECK_EQ_U64(pin_layout_check(&l, why, sizeof(why)), (uint64_t)-ENOENT);

	l = current_layout();
	l.counts.max_entries = SIPSTAT_CODE_SLOTS;	/* an older layout: codes only */
	CHECK_EQ_U64(pin_layout_check(&l, why, sizeof(why)), (uint64_t)-EPROTO);
	CHECK(strstr(why, "700 keys of 8 bytes, not 22400"), "%s", why);

	l = current_layout();
	l.counts.type = BPF_MAP_TYPE_ARRAY;	/* shared, not per CPU */
	CHECK_EQ_U64(pin_layout_check(&l, why, sizeof(why)), (uint64_t)-EPROTO);

	l = current_layout();
	l.counts.value_size = 16;
	CHECK_EQ_U64(pin_layout_check(&l, why, sizeof(why)), (uint64_t)-EPROTO);

	l = current_layout();
	l.ports.flags = 0;	/* not mappable: the set could not change live */
	CHECK_EQ_U64(pin_layout_check(&l, why, sizeof(why)), (uint64_t)-EPROTO);
	CHECK(strstr(why, "port set"), "%s", why);

	l = current_layout();
	l.meta.value_size = 32;
	CHECK_EQ_U64(pin_layout_check(&l, why, sizeof(why)), (uint64_t)-EPROTO);
	CHECK(strstr(why, "meta record"), "%s", why);

	l = current_layout();
	l.meta_layout = SIPSTAT_LAYOUT_VERSION + 1;	/* same sizes, other meaning */
	CHECK_EQ_U64(pin_layout_check(&l, why, sizeof(why)), (uint64_t)-EPROTO);
	CHECK(strstr(why, "says layout"), "%s", why);
}

/* netns:INO:COOKIE: never an interface name (no colon in one), read back exactly. */
static void test_pin_netns_dirs(void)
{
	struct netns_id id = { .ino = 4026532281ULL, .cookie = 4711 }, back;
	char buf[PIN_NETNS_DIRLEN];

	CHECK_EQ_U64(pin_netns_dirname(buf, sizeof(buf), &id), 0);
	CHECK_STR(buf, "netns:4026532281:4711");
	CHECK_EQ_U64(pin_netns_parse(buf, &back), 0);
	CHECK_EQ_U64(back.ino, id.ino);
	CHECK_EQ_U64(back.cookie, id.cookie);
	CHECK_EQ_U64(pin_netns_dirname(buf, 10, &id), (uint64_t)-ENAMETOOLONG);
	/* The old path's interfaces and anything else are no namespace. */
	CHECK_EQ_U64(pin_netns_parse("eth0", &back), (uint64_t)-EINVAL);
	CHECK_EQ_U64(pin_netns_parse("netns:", &back), (uint64_t)-EINVAL);
	CHECK_EQ_U64(pin_netns_parse("netns:12", &back), (uint64_t)-EINVAL);
	CHECK_EQ_U64(pin_netns_parse("netns:12:", &back), (uint64_t)-EINVAL);
	CHECK_EQ_U64(pin_netns_parse("netns:12:3:4", &back), (uint64_t)-EINVAL);
	CHECK_EQ_U64(pin_netns_parse("netns:012:3", &back), (uint64_t)-EINVAL);
	CHECK_EQ_U64(pin_netns_parse("netns:-1:3", &back), (uint64_t)-EINVAL);
	CHECK_EQ_U64(pin_netns_parse("netns: 1:3", &back), (uint64_t)-EINVAL);
	CHECK_EQ_U64(pin_netns_parse("netns:0:3", &back), (uint64_t)-EINVAL);
	CHECK_EQ_U64(pin_netns_parse("netns:99999999999999999999:3", &back), (uint64_t)-EINVAL);
	CHECK_EQ_U64(pin_netns_parse("netns:7:0", &back), 0);	/* a kernel without cookies */
	/* Identity: the inode alone may be a later namespace's. */
	back = (struct netns_id){ .ino = id.ino, .cookie = 4712 };
	CHECK(!netns_same(&id, &back));
	back.cookie = 4711;
	CHECK(netns_same(&id, &back));
	back.ino++;
	CHECK(!netns_same(&id, &back));
	CHECK_STR(pin_netns_state_key(PIN_NETNS_GONE), "gone");
	CHECK_STR(pin_state_key(PIN_NS_GONE), "netns_gone");
	CHECK_STR(pin_state_key(PIN_OLD_PATH), "old_path");
}

/* Names from the system shown on a terminal: no escape sequence gets through. */
static void test_fmt_escape(void)
{
	char buf[64];

	CHECK_STR(fmt_escape(buf, sizeof(buf), "eth0"), "eth0");
	CHECK_STR(fmt_escape(buf, sizeof(buf), "e\x1b[31mx"), "e\\x1b[31mx");
	CHECK_STR(fmt_escape(buf, sizeof(buf), "a\tb\nc\x7f"), "a\\x09b\\x0ac\\x7f");
	CHECK_STR(fmt_escape(buf, sizeof(buf), "back\\slash"), "back\\\\slash");
	/* UTF-8 stays; C1 controls (U+009B, CSI) and stray bytes do not. */
	CHECK_STR(fmt_escape(buf, sizeof(buf), "caf\xc3\xa9"), "caf\xc3\xa9");
	CHECK_STR(fmt_escape(buf, sizeof(buf), "x\xc2\x9b" "2J"), "x\\xc2\\x9b2J");
	CHECK_STR(fmt_escape(buf, sizeof(buf), "\xff\xc3"), "\\xff\\xc3");
	CHECK_STR(fmt_escape(buf, sizeof(buf), "\xe0\x80\x80"), "\\xe0\\x80\\x80");
	/* Cut whole: never half an escape. */
	CHECK_STR(fmt_escape(buf, 6, "ab\x1b"), "ab");
	CHECK_STR(fmt_escape(buf, 7, "ab\x1b"), "ab\\x1b");
}

static void test_pin_names(void)
{
	char path[128];

	CHECK_STR(pin_obj_name(PIN_COUNTS), "counts");
	CHECK_STR(pin_obj_name(PIN_LINK), "link");
	CHECK(pin_obj_name(PIN_OBJS) == NULL);
	/* The pins of the caller's namespace, as the host sees them. */
	{
		struct netns_id self;
		char want[128];

		CHECK_EQ_U64(netns_self(&self), 0);
		CHECK(self.ino != 0);
		snprintf(want, sizeof(want), "/sys/fs/bpf/sipstat/netns:%llu:%llu/eth0/ports",
			 (unsigned long long)self.ino, (unsigned long long)self.cookie);
		CHECK_EQ_U64(pin_shown_path(path, sizeof(path), "eth0", PIN_PORTS), 0);
		CHECK_STR(path, want);
		CHECK_EQ_U64(pin_shown_path(path, 20, "eth0", PIN_PORTS), (uint64_t)-ENAMETOOLONG);
	}
	CHECK_STR(pin_state_key(PIN_NO_LINK), "no_link");
	CHECK_STR(pin_state_name(PIN_NO_LINK), "pins without a link");
	CHECK_STR(pin_state_key(PIN_LINK_DETACHED), "link_detached");
	/* The TC programs: pinned beside the link, and their states. */
	CHECK_STR(pin_obj_name(PIN_TC_IN), "tc_in");
	CHECK_STR(pin_obj_name(PIN_TC_OUT), "tc_out");
	CHECK_STR(pin_state_key(PIN_TC_GONE), "tc_gone");
	CHECK_STR(pin_state_key(PIN_TC_REPLACED), "tc_replaced");
	{
		enum attach_mode m = ATTACH_AUTO;

		CHECK_EQ_U64(attach_mode_parse("tc", &m), 0);
		CHECK_STR(attach_mode_name(m), "tc");
		CHECK_EQ_U64(attach_mode_parse("xdp", &m), (uint64_t)-EINVAL);
	}
}

int main(void)
{
	RUN(test_code_table_matches_reference);
	RUN(test_unknown_codes_use_class_name);
	RUN(test_rate_arithmetic);
	RUN(test_figure_arithmetic);
	RUN(test_derive_and_add);
	RUN(test_names);
	RUN(test_format_time);
	RUN(test_fmt_join);
	RUN(test_fmt_escape);
	RUN(test_pin_netns_dirs);
	RUN(test_json_report);
	RUN(test_json_escapes_names);
	RUN(test_text_report);
	RUN(test_alert_lines);
	RUN(test_args_defaults_and_full);
	RUN(test_args_subcommands);
	RUN(test_args_help_version);
	RUN(test_args_errors);
	RUN(test_args_option_table);
	RUN(test_args_help);
	RUN(test_args_man_page);
	RUN(test_args_completion);
	RUN(test_ports);
	RUN(test_ports_apply);
	RUN(test_layout_check);
	RUN(test_pin_names);
	return h_exit();
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Unit tests of the userspace logic: no root, no BPF. */
#include <linux/types.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "codes.h"
#include "harness.h"
#include "report.h"
#include "snapshot.h"

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
	struct snapshot a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.mono.tv_sec = 10;
	a.mono.tv_nsec = 900000000;
	b.mono.tv_sec = 12;
	b.mono.tv_nsec = 400000000;
	CHECK(snapshot_elapsed(&a, &b) > 1.4999 && snapshot_elapsed(&a, &b) < 1.5001);
	CHECK(snapshot_elapsed(&b, &a) == 0, "time never runs backwards in a report");
	CHECK_EQ_U64(counter_delta(100, 250), 150);
	CHECK_EQ_U64(counter_delta(250, 250), 0);
	CHECK_EQ_U64(counter_delta(250, 40), 40, "a reset counter: all of it is new");
	CHECK_EQ_U64(counter_delta(0, UINT64_MAX), UINT64_MAX);
	CHECK(counter_rate(150, 1.5) == 100.0);
	CHECK(counter_rate(150, 0) == 0.0, "zero-length interval has no rate");
}

static void test_percpu_sum_and_add(void)
{
	uint64_t vals[4] = { 1, 2, 3, 4 };
	struct { uint64_t v, pad; } strided[3] = { { 5, 99 }, { 6, 99 }, { 7, 99 } };
	struct snapshot a, b;
	uint64_t cls[SIP_CLASS_SLOTS];

	CHECK_EQ_U64(percpu_sum(vals, 4, 8), 10);
	CHECK_EQ_U64(percpu_sum(strided, 3, 16), 18);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.codes[200] = 5;
	b.codes[200] = 7;
	b.codes[603] = 1;
	b.parser[SIPSTAT_C_RESPONSES] = 8;
	snapshot_add(&a, &b);
	CHECK_EQ_U64(a.codes[200], 12);
	CHECK_EQ_U64(a.codes[603], 1);
	CHECK_EQ_U64(a.parser[SIPSTAT_C_RESPONSES], 8);
	a.codes[100] = 2;
	a.codes[199] = 3;
	a.codes[699] = 4;
	snapshot_class_totals(&a, cls);
	CHECK_EQ_U64(cls[1], 5);
	CHECK_EQ_U64(cls[2], 12);
	CHECK_EQ_U64(cls[6], 5);
	CHECK_EQ_U64(cls[3] + cls[4] + cls[5], 0);
}

static void test_parser_counter_names(void)
{
	int i;

	for (i = 0; i < SIPSTAT_C_MAX; i++)
		CHECK(parser_counter_name(i) != NULL, "name for counter %d", i);
	CHECK_STR(parser_counter_name(SIPSTAT_C_FRAMES), "frames");
	CHECK_STR(parser_counter_name(SIPSTAT_C_FRAGMENTS), "fragments");
	CHECK(parser_counter_name(SIPSTAT_C_MAX) == NULL);
	CHECK(parser_counter_name(-1) == NULL);
}

/* Three readings: base (start), prev (1 s later), cur (1.5 s after that). */
static struct snapshot s_base, s_prev, s_cur;
static const char *s_ifs[] = { "eth0", "eth1" };

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
	s_base.codes[200] = 10;	/* counted before start: not in totals */
	s_prev.codes[200] = 40;
	s_cur.codes[200] = 70;
	s_prev.codes[486] = 3;
	s_cur.codes[486] = 3;
	s_cur.codes[603] = 6;
	s_cur.codes[299] = 1;
	s_cur.parser[SIPSTAT_C_RESPONSES] = 80;
	s_base.parser[SIPSTAT_C_RESPONSES] = 10;
	s_prev.parser[SIPSTAT_C_RESPONSES] = 43;
	s_cur.parser[SIPSTAT_C_FRAMES] = 1000;
	s_cur.parser[SIPSTAT_C_MALFORMED] = 2;
}

static char *render(void (*fn)(FILE *, const struct report *), int verbose)
{
	struct report r = {
		.ifnames = s_ifs, .nifs = 2, .mode = "native",
		.base = &s_base, .prev = &s_prev, .cur = &s_cur, .verbose = verbose,
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

	format_time(buf, sizeof(buf), &ts);
	CHECK_STR(buf, "2026-11-26T06:03:21.123Z");
}

static void test_json_report(void)
{
	char *j;

	fill_readings();
	j = render(report_json, 0);
	CHECK(strchr(j, '\n') == j + strlen(j) - 1, "exactly one line: %s", j);
	CHECK(strncmp(j, "{\"time\":\"2026-11-26T06:03:21.123Z\",\"interfaces\":[\"eth0\",\"eth1\"],"
			 "\"mode\":\"native\",\"interval_s\":1.500,",
		      strlen("{\"time\":\"2026-11-26T06:03:21.123Z\",\"interfaces\":[\"eth0\",\"eth1\"],"
			     "\"mode\":\"native\",\"interval_s\":1.500,")) == 0,
	      "%s", j);
	/* responses: 80-10 since start, 80-43 in 1.5 s */
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
	CHECK(strstr(j, "\"parser\":{\"frames\":1000,\"ipv4\":0,") &&
	      strstr(j, "\"malformed\":2,") && strstr(j, "\"too_deep\":0}}\n"),
	      "%s", j);
	free(j);
}

static void test_json_escapes_names(void)
{
	const char *odd[] = { "we\"ird\\" };
	struct report r = { .ifnames = odd, .nifs = 1, .mode = "skb",
			    .base = &s_base, .prev = &s_prev, .cur = &s_cur };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fill_readings();
	report_json(f, &r);
	fclose(f);
	CHECK(strstr(buf, "\"interfaces\":[\"we\\\"ird\\\\\"]"), "%s", buf);
	free(buf);
}

static void test_text_report(void)
{
	char *t;

	fill_readings();
	t = render(report_text, 0);
	CHECK(strstr(t, "2026-11-26T06:03:21.123Z  eth0,eth1 (native)  interval 1.50s  "
			"responses 70 total, 24.67/s\n"),
	      "%s", t);
	CHECK(strstr(t, "  2xx success                      61       31      20.67\n"), "%s", t);
	CHECK(strstr(t, "  6xx global failure                6        6       4.00\n"), "%s", t);
	CHECK(strstr(t, "  486  Busy Here                       4xx   reachability               3"
			"        0       0.00\n"),
	      "%s", t);
	CHECK(strstr(t, "  299  success                         2xx   other"), "%s", t);
	CHECK(!strstr(t, "parser:"), "parser counters only with -v");
	free(t);
	t = render(report_text, 1);
	CHECK(strstr(t, "        0       0.00  user busy at this destination\n"),
	      "-v adds the meaning: %s", t);
	CHECK(strstr(t, "  parser: frames 1000 ipv4 0 ipv6 0 udp_sip 0 requests 0 responses 70 "
			"malformed 2 "),
	      "%s", t);
	free(t);
}

static void test_alert_lines(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int n;

	fill_readings();
	s_prev.codes[608] = 2;
	s_cur.codes[608] = 2;	/* no growth: no alert */
	f = open_memstream(&buf, &len);
	n = report_alerts(f, "eth0", &s_base, &s_prev, &s_cur);
	fclose(f);
	CHECK_EQ_U64(n, 1);
	CHECK_STR(buf, "ALERT 2026-11-26T06:03:21.123Z eth0 603 Decline: 6 in 1.50s, 6 total\n");
	free(buf);

	s_cur.codes[699] = 1;
	buf = NULL;
	f = open_memstream(&buf, &len);
	n = report_alerts(f, "eth1", &s_base, &s_prev, &s_cur);
	fclose(f);
	CHECK_EQ_U64(n, 2);
	CHECK(strstr(buf, "eth1 699 global failure: 1 in 1.50s, 1 total\n"), "%s", buf);
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
	CHECK(o.mode == MODE_AUTO && o.output == OUT_TEXT && o.interval == 1.0 && o.count == 0);
	CHECK(o.nports == 1 && o.ports[0] == 5060);
	CHECK(!o.top);
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
	CHECK(o.mode == MODE_SKB && o.output == OUT_JSON && o.verbose == 2 && o.force);
	CHECK(o.interval == 2.5 && o.count == 7);
	CHECK(o.nports == 3 && o.ports[0] == 5060 && o.ports[1] == 5062 && o.ports[2] == 15060);
	CHECK_EQ_U64(args("--mode=native -i eth0", &o, NULL), ARGS_OK);
	CHECK(o.mode == MODE_NATIVE);
	CHECK_EQ_U64(args("-i eth0 -m auto 0.1", &o, NULL), ARGS_OK);
	CHECK(o.mode == MODE_AUTO && o.interval == 0.1);
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
		{ "-i eth0 --port 1-65535", "more than 1024 ports" },
		{ "-i eth0 0", "interval '0'" },
		{ "-i eth0 0.05", "interval '0.05'" },
		{ "-i eth0 abc", "interval 'abc'" },
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

static void test_port_list(void)
{
	uint16_t p[MAX_PORTS];
	char why[128];
	int n = 0;

	CHECK_EQ_U64(parse_port_list("5060-5063,5061,15060", p, MAX_PORTS, &n, why, sizeof(why)),
		     0);
	CHECK_EQ_U64(n, 5, "duplicates folded");
	CHECK(p[0] == 5060 && p[3] == 5063 && p[4] == 15060);
	CHECK_EQ_U64(parse_port_list("1,65535", p, MAX_PORTS, &n, why, sizeof(why)), 0);
	CHECK(n == 2 && p[0] == 1 && p[1] == 65535);
	CHECK_EQ_U64(parse_port_list("", p, MAX_PORTS, &n, why, sizeof(why)), (uint64_t)-1);
	CHECK_EQ_U64(parse_port_list("1-3", p, 2, &n, why, sizeof(why)), (uint64_t)-1);
}

int main(void)
{
	RUN(test_code_table_matches_reference);
	RUN(test_unknown_codes_use_class_name);
	RUN(test_rate_arithmetic);
	RUN(test_percpu_sum_and_add);
	RUN(test_parser_counter_names);
	RUN(test_format_time);
	RUN(test_json_report);
	RUN(test_json_escapes_names);
	RUN(test_text_report);
	RUN(test_alert_lines);
	RUN(test_args_defaults_and_full);
	RUN(test_args_help_version);
	RUN(test_args_errors);
	RUN(test_port_list);
	return h_exit();
}

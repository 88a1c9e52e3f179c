// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The monitoring outputs on crafted counters: the exact Prometheus 0.0.4
 * and OpenMetrics text, Influx lines and CSV rows; escaping of label
 * values, Influx tags and CSV fields; which direction is shown; and the
 * --listen address parser.  No root, no network.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "http.h"
#include "out/out.h"
#include "out/series.h"

static struct counters c1;

/* eth0: 3 x 486 to INVITE, 2 x 603 (1 BYE, 1 without CSeq), 4 INVITE and 1 REGISTER request,
 * 1 malformed, 2 events sent and 1 limited, 100 frames in, 90 out. */
static void craft(struct counters *c)
{
	memset(c, 0, sizeof(*c));
	c->keys[SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_INVITE, 486)] = 3;
	c->keys[SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_BYE, 603)] = 1;
	c->keys[SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, 603)] = 1;
	c->keys[SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_INVITE, SIPSTAT_O_REQUESTS)] = 4;
	c->keys[SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_REGISTER, SIPSTAT_O_REQUESTS)] = 1;
	c->keys[SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, SIPSTAT_O_MALFORMED)] = 1;
	c->keys[SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, SIPSTAT_O_EVENTS_SENT)] = 2;
	c->keys[SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, SIPSTAT_O_EVENTS_LIMITED)] = 1;
	counters_derive(c);
	c->frames[SIPSTAT_DIR_IN] = 100;
	c->frames[SIPSTAT_DIR_OUT] = 90;
	c->real.tv_sec = 1700000000;
	c->real.tv_nsec = 5000000;
}

static struct out_iface one = {
	.name = "eth0",
	.mode = "native",
	.ports = "5060,5080",
	.attach_time = 1699999000.5,
	.dirs = 1U << SIPSTAT_DIR_IN,
	.cur = &c1,
};

static struct out_report set1(void)
{
	struct out_report s = {
		.host = "proxy1",
		.version = "1.2.3",
		.ifs = &one,
		.nifs = 1,
		.when = c1.real,
	};
	return s;
}

/* What fn printed into a string (caller frees). */
static char *render(void (*fn)(FILE *, const struct out_report *, bool), const struct out_report *s,
		    bool flag)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fn(f, s, flag);
	fclose(f);
	return buf;
}

static void influx_adapter(FILE *f, const struct out_report *s, bool flag)
{
	out_influx(f, s);
}

/* flag: the header row. */
static void csv_adapter(FILE *f, const struct out_report *s, bool flag)
{
	struct out_report r = *s;

	r.header = flag;
	out_csv(f, &r);
}

static bool same(const char *got, const char *want, const char *what)
{
	const char *g = got, *w = want;
	int line = 1;

	if (got && !strcmp(got, want))
		return true;
	if (!got) {
		printf("#   %s: nothing printed\n", what);
		return false;
	}
	while (*g && *g == *w) {
		if (*g == '\n')
			line++;
		g++;
		w++;
	}
	printf("#   %s differs at line %d:\n#   got:  %.120s\n#   want: %.120s\n", what, line, g, w);
	return false;
}

static const char prom_body[] =
	"# HELP sipstat_responses_total SIP responses by direction, method of the CSeq header "
	"(unknown when not read), status code and class; only codes seen.\n"
	"# TYPE sipstat_responses_total counter\n"
	"sipstat_responses_total{interface=\"eth0\",direction=\"in\",method=\"INVITE\",code=\"486\","
	"class=\"4xx\"} 3\n"
	"sipstat_responses_total{interface=\"eth0\",direction=\"in\",method=\"unknown\",code=\"603\","
	"class=\"6xx\"} 1\n"
	"sipstat_responses_total{interface=\"eth0\",direction=\"in\",method=\"BYE\",code=\"603\","
	"class=\"6xx\"} 1\n"
	"# HELP sipstat_requests_total SIP requests by direction and method; only methods seen.\n"
	"# TYPE sipstat_requests_total counter\n"
	"sipstat_requests_total{interface=\"eth0\",direction=\"in\",method=\"INVITE\"} 4\n"
	"sipstat_requests_total{interface=\"eth0\",direction=\"in\",method=\"REGISTER\"} 1\n";

static const char prom_parser[] =
	"sipstat_parser_packets_total{interface=\"eth0\",direction=\"in\",result=\"requests\"} 5\n"
	"sipstat_parser_packets_total{interface=\"eth0\",direction=\"in\",result=\"responses\"} 5\n"
	"sipstat_parser_packets_total{interface=\"eth0\",direction=\"in\",result=\"malformed\"} 1\n"
	"sipstat_parser_packets_total{interface=\"eth0\",direction=\"in\",result=\"truncated\"} 0\n"
	"sipstat_parser_packets_total{interface=\"eth0\",direction=\"in\",result=\"other\"} 0\n"
	"sipstat_parser_packets_total{interface=\"eth0\",direction=\"in\",result=\"fragments\"} 0\n"
	"sipstat_parser_packets_total{interface=\"eth0\",direction=\"in\",result=\"bad_header\"} 0\n"
	"sipstat_parser_packets_total{interface=\"eth0\",direction=\"in\",result=\"too_deep\"} 0\n"
	"sipstat_parser_packets_total{interface=\"eth0\",direction=\"in\",result=\"tcp_unparsed\"} 0\n"
	"# HELP sipstat_carried_packets_total SIP-port packets by what carried them, besides what "
	"they held: TCP segments with payload, and datagrams or segments inside one tunnel (ipip, "
	"gre, vxlan, gtpu, pppoe, mpls).\n"
	"# TYPE sipstat_carried_packets_total counter\n"
	"sipstat_carried_packets_total{interface=\"eth0\",direction=\"in\",carrier=\"tcp\"} 0\n"
	"sipstat_carried_packets_total{interface=\"eth0\",direction=\"in\",carrier=\"ipip\"} 0\n"
	"sipstat_carried_packets_total{interface=\"eth0\",direction=\"in\",carrier=\"gre\"} 0\n"
	"sipstat_carried_packets_total{interface=\"eth0\",direction=\"in\",carrier=\"vxlan\"} 0\n"
	"sipstat_carried_packets_total{interface=\"eth0\",direction=\"in\",carrier=\"gtpu\"} 0\n"
	"sipstat_carried_packets_total{interface=\"eth0\",direction=\"in\",carrier=\"pppoe\"} 0\n"
	"sipstat_carried_packets_total{interface=\"eth0\",direction=\"in\",carrier=\"mpls\"} 0\n"
	"# HELP sipstat_frames_total Packets the interface received (in) and sent (out), from its "
	"own statistics.\n"
	"# TYPE sipstat_frames_total counter\n"
	"sipstat_frames_total{interface=\"eth0\",direction=\"in\"} 100\n"
	"sipstat_frames_total{interface=\"eth0\",direction=\"out\"} 90\n";

static const char prom_events[] =
	"sipstat_events_total{interface=\"eth0\",direction=\"in\",result=\"sent\"} 2\n"
	"sipstat_events_total{interface=\"eth0\",direction=\"in\",result=\"limited\"} 1\n"
	"sipstat_events_total{interface=\"eth0\",direction=\"in\",result=\"lost\"} 0\n";

static const char prom_head[] =
	"# HELP sipstat_build_info sipstat build information; value always 1.\n"
	"# TYPE sipstat_build_info gauge\n"
	"sipstat_build_info{version=\"1.2.3\"} 1\n";

static const char prom_info[] =
	"sipstat_info{interface=\"eth0\",mode=\"native\",ports=\"5060,5080\",frags=\"first\"} 1\n"
	"# HELP sipstat_attach_time_seconds Unix time of the last attach of the counting program "
	"to the interface.\n"
	"# TYPE sipstat_attach_time_seconds gauge\n"
	"sipstat_attach_time_seconds{interface=\"eth0\"} 1699999000.500\n";

/* The whole 0.0.4 exposition, piece by piece in order. */
static void test_prometheus_exact(void)
{
	struct out_report s = set1();
	char *got = render(out_prom, &s, false);
	const char *p;

	CHECK(got != NULL);
	if (!got)
		return;
	CHECK(!strncmp(got, prom_head, strlen(prom_head)), "starts with build_info");
	CHECK(strstr(got, "# TYPE sipstat_info gauge\n") != NULL);
	CHECK(strstr(got, prom_info) != NULL, "info and attach time");
	p = strstr(got, "# HELP sipstat_responses_total");
	CHECK(p && !strncmp(p, prom_body, strlen(prom_body)), "responses and requests");
	if (p && strncmp(p, prom_body, strlen(prom_body)) != 0)
		same(p, prom_body, "responses");
	p = strstr(got, "sipstat_parser_packets_total{");
	CHECK(p && !strncmp(p, prom_parser, strlen(prom_parser)), "parser and frames");
	if (p && strncmp(p, prom_parser, strlen(prom_parser)) != 0)
		same(p, prom_parser, "parser");
	p = strstr(got, "sipstat_events_total{");
	CHECK(p && !strncmp(p, prom_events, strlen(prom_events)) &&
		      (p[strlen(prom_events)] == '\0' || p[strlen(prom_events)] == '#'),
	      "the events, then only other families");
	CHECK(!strstr(got, "direction=\"out\",method"), "out not counted: no series");
	CHECK(!strstr(got, "# EOF"));
	free(got);
}

/* OpenMetrics: family names without _total/_info, info type, # EOF at the end. */
static void test_openmetrics(void)
{
	struct out_report s = set1();
	char *got = render(out_prom, &s, true);
	size_t n;

	CHECK(got != NULL);
	if (!got)
		return;
	CHECK(strstr(got, "# TYPE sipstat_build info\nsipstat_build_info{version=\"1.2.3\"} 1\n") !=
	      NULL);
	CHECK(strstr(got, "# TYPE sipstat info\n") != NULL);
	CHECK(strstr(got, "# TYPE sipstat_responses counter\n") != NULL);
	CHECK(strstr(got, "# HELP sipstat_responses SIP responses") != NULL);
	CHECK(strstr(got, "# TYPE sipstat_attach_time_seconds gauge\n") != NULL);
	CHECK(strstr(got, "\nsipstat_responses_total{interface=\"eth0\",direction=\"in\","
			  "method=\"INVITE\",code=\"486\",class=\"4xx\"} 3\n") != NULL);
	CHECK(!strstr(got, "TYPE sipstat_responses_total"));
	n = strlen(got);
	CHECK(n > 6 && !strcmp(got + n - 6, "# EOF\n"), "ends in # EOF");
	free(got);
}

/* Label values: backslash, double quote and newline escaped; nothing else. */
static void test_label_escaping(void)
{
	struct out_iface x = one;
	struct out_report s = set1();
	char *got;

	x.name = "we\"ird\\if\nx";
	x.ports = "5060";
	s.ifs = &x;
	s.version = "1.0\"beta";
	got = render(out_prom, &s, false);
	CHECK(got != NULL);
	if (!got)
		return;
	CHECK(strstr(got, "sipstat_build_info{version=\"1.0\\\"beta\"} 1\n") != NULL);
	CHECK(strstr(got, "sipstat_frames_total{interface=\"we\\\"ird\\\\if\\nx\",direction=\"in\"} "
			  "100\n") != NULL);
	CHECK(!strstr(got, "if\nx"), "no raw newline in a label");
	free(got);
}

/* An interface with only egress traffic counted: out series, no in series. */
static void test_directions(void)
{
	static struct counters c;
	struct out_iface x = one;
	struct out_report s = set1();
	char *got;

	memset(&c, 0, sizeof(c));
	c.keys[SIPSTAT_KEY(SIPSTAT_DIR_OUT, SIPSTAT_M_OPTIONS, 200)] = 7;
	counters_derive(&c);
	x.cur = &c;
	x.dirs = 0;
	s.ifs = &x;
	got = render(out_prom, &s, false);
	CHECK(got != NULL);
	if (!got)
		return;
	CHECK(strstr(got, "sipstat_responses_total{interface=\"eth0\",direction=\"out\","
			  "method=\"OPTIONS\",code=\"200\",class=\"2xx\"} 7\n") != NULL);
	CHECK(strstr(got, "direction=\"out\",result=\"responses\"} 7\n") != NULL);
	CHECK(!strstr(got, "direction=\"in\",result="), "in: nothing counted, no parser series");
	CHECK(!strstr(got, "sipstat_attach_time_seconds{") || x.attach_time > 0);
	free(got);
}

static const char influx_want[] =
	"sipstat_responses,host=proxy1,interface=eth0,direction=in,method=INVITE,code=486,class=4xx "
	"total=3i 1700000000005000000\n"
	"sipstat_responses,host=proxy1,interface=eth0,direction=in,method=unknown,code=603,"
	"class=6xx total=1i 1700000000005000000\n"
	"sipstat_responses,host=proxy1,interface=eth0,direction=in,method=BYE,code=603,class=6xx "
	"total=1i 1700000000005000000\n"
	"sipstat_requests,host=proxy1,interface=eth0,direction=in,method=INVITE total=4i "
	"1700000000005000000\n"
	"sipstat_requests,host=proxy1,interface=eth0,direction=in,method=REGISTER total=1i "
	"1700000000005000000\n"
	"sipstat_parser_packets,host=proxy1,interface=eth0,direction=in,result=requests total=5i "
	"1700000000005000000\n";

static void test_influx(void)
{
	struct out_report s = set1();
	struct out_iface x = one;
	char *got = render(influx_adapter, &s, false);

	CHECK(got != NULL);
	if (!got)
		return;
	CHECK(!strncmp(got, influx_want, strlen(influx_want)) ||
	      !same(got, influx_want, "influx"));
	CHECK(strstr(got, "sipstat_events,host=proxy1,interface=eth0,direction=in,result=limited "
			  "total=1i 1700000000005000000\n") != NULL);
	CHECK(strstr(got, "sipstat_frames,host=proxy1,interface=eth0,direction=out total=90i "
			  "1700000000005000000\n") != NULL);
	free(got);

	/* Tag values: comma, space, equals sign and backslash escaped. */
	x.name = "a,b c=d\\e";
	s.ifs = &x;
	s.host = "my host";
	got = render(influx_adapter, &s, false);
	CHECK(got && strstr(got, "sipstat_frames,host=my\\ host,interface=a\\,b\\ c\\=d\\\\e,"
				 "direction=in total=100i ") != NULL);
	free(got);
}

static void test_csv(void)
{
	struct out_report s = set1();
	struct out_iface x = one;
	char *got = render(csv_adapter, &s, true);
	static const char want[] =
		"time,host,interface,metric,direction,method,code,class,result,value\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,responses,in,INVITE,486,4xx,,3\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,responses,in,unknown,603,6xx,,1\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,responses,in,BYE,603,6xx,,1\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,requests,in,INVITE,,,,4\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,requests,in,REGISTER,,,,1\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,parser_packets,in,,,,requests,5\n";

	CHECK(got != NULL);
	if (!got)
		return;
	CHECK(!strncmp(got, want, strlen(want)) || !same(got, want, "csv"));
	CHECK(strstr(got, "2023-11-14T22:13:20.005Z,proxy1,eth0,events,in,,,,lost,0\n") != NULL);
	CHECK(strstr(got, "2023-11-14T22:13:20.005Z,proxy1,eth0,frames,out,,,,,90\n") != NULL);
	free(got);

	/* No header when asked; a field with a comma or quote is quoted, quotes doubled. */
	x.name = "a,\"b\"";
	s.ifs = &x;
	got = render(csv_adapter, &s, false);
	CHECK(got && !strncmp(got, "2023-11-14T22:13:20.005Z,proxy1,\"a,\"\"b\"\"\",responses,", 52));
	free(got);
}

/* ------------------------------------ families the program does not have yet */

/* Response times of INVITE: a histogram, as the description carries one. */
static void times_samples(const struct out_src *src, struct out_sink *k)
{
	static const struct out_hist h = {
		.n = 3, .le = { 0.1, 0.5, 2 }, .count = { 4, 9, 10 }, .total = 11, .sum = 7.25,
	};
	struct out_sample s;

	out_sample_init(&s, src);
	out_label(&s, "method", "INVITE");
	s.hist = &h;
	out_put(k, &s);
}

static const struct out_column resent[] = { { "resent", "Answers seen again." }, { NULL, NULL } };

/* Answers with a second column beside the first. */
static void answers_samples(const struct out_src *src, struct out_sink *k)
{
	struct out_sample s;

	out_sample_init(&s, src);
	out_label(&s, "method", "INVITE");
	s.v[0].total = 7;
	s.v[1].total = 2;
	out_put(k, &s);
}

static const struct out_family future[] = {
	{ .name = "sipstat_response_seconds", .kind = OUT_HISTOGRAM, .scope = OUT_PER_DIR,
	  .help = "Time from request to response.", .samples = times_samples },
	{ .name = "sipstat_answers", .kind = OUT_COUNTER, .scope = OUT_PER_IFACE,
	  .help = "Answers.", .columns = resent, .samples = answers_samples },
};

/* The report formats read every interface's readings too. */
static struct out_report future_set(void)
{
	static struct out_iface x;
	struct out_report s = set1();

	x = one;
	x.base = x.prev = &c1;
	s.ifs = &x;
	s.families = future;
	s.nfamilies = 2;
	s.base = s.prev = s.cur = &c1;
	return s;
}

static void prom_adapter(FILE *f, const struct out_report *s, bool flag)
{
	out_prom(f, s, flag);
}

static void text_adapter(FILE *f, const struct out_report *s, bool flag)
{
	out_text_report(f, s);
}

static void json_adapter(FILE *f, const struct out_report *s, bool flag)
{
	out_json_report(f, s);
}

/* A histogram and a second value column reach every format with no code of their own. */
static void test_future_families(void)
{
	static const char prom[] =
		"# HELP sipstat_response_seconds Time from request to response.\n"
		"# TYPE sipstat_response_seconds histogram\n"
		"sipstat_response_seconds_bucket{interface=\"eth0\",direction=\"in\",method=\"INVITE\","
		"le=\"0.1\"} 4\n"
		"sipstat_response_seconds_bucket{interface=\"eth0\",direction=\"in\",method=\"INVITE\","
		"le=\"0.5\"} 9\n"
		"sipstat_response_seconds_bucket{interface=\"eth0\",direction=\"in\",method=\"INVITE\","
		"le=\"2\"} 10\n"
		"sipstat_response_seconds_bucket{interface=\"eth0\",direction=\"in\",method=\"INVITE\","
		"le=\"+Inf\"} 11\n"
		"sipstat_response_seconds_sum{interface=\"eth0\",direction=\"in\",method=\"INVITE\"} "
		"7.250000\n"
		"sipstat_response_seconds_count{interface=\"eth0\",direction=\"in\",method=\"INVITE\"} "
		"11\n"
		"# HELP sipstat_answers_total Answers.\n"
		"# TYPE sipstat_answers_total counter\n"
		"sipstat_answers_total{interface=\"eth0\",method=\"INVITE\"} 7\n"
		"# HELP sipstat_answers_resent_total Answers seen again.\n"
		"# TYPE sipstat_answers_resent_total counter\n"
		"sipstat_answers_resent_total{interface=\"eth0\",method=\"INVITE\"} 2\n";
	static const char influx[] =
		"sipstat_response_seconds,host=proxy1,interface=eth0,direction=in,method=INVITE "
		"count=11i,sum=7.250000,le_0.1=4i,le_0.5=9i,le_2=10i,le_+Inf=11i 1700000000005000000\n"
		"sipstat_answers,host=proxy1,interface=eth0,method=INVITE total=7i,resent=2i "
		"1700000000005000000\n";
	static const char csv[] =
		"2023-11-14T22:13:20.005Z,proxy1,eth0,response_seconds_bucket,in,INVITE,,,0.1,4\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,response_seconds_bucket,in,INVITE,,,0.5,9\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,response_seconds_bucket,in,INVITE,,,2,10\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,response_seconds_bucket,in,INVITE,,,+Inf,11\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,response_seconds_sum,in,INVITE,,,,7.250000\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,response_seconds_count,in,INVITE,,,,11\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,answers,,INVITE,,,,7\n"
		"2023-11-14T22:13:20.005Z,proxy1,eth0,answers_resent,,INVITE,,,,2\n";
	struct out_report s = future_set();
	char *got;

	got = render(prom_adapter, &s, false);
	CHECK(got && (!strcmp(got, prom) || !same(got, prom, "prometheus")));
	free(got);
	got = render(prom_adapter, &s, true);
	CHECK(got && strstr(got, "# TYPE sipstat_response_seconds histogram\n") &&
	      strstr(got, "# TYPE sipstat_answers_resent counter\n") &&
	      strstr(got, "sipstat_answers_resent_total{interface=\"eth0\",method=\"INVITE\"} 2\n"),
	      "%s", got);
	free(got);
	got = render(influx_adapter, &s, false);
	CHECK(got && (!strcmp(got, influx) || !same(got, influx, "influx")));
	free(got);
	got = render(csv_adapter, &s, false);
	CHECK(got && (!strcmp(got, csv) || !same(got, csv, "csv")));
	free(got);
	got = render(json_adapter, &s, false);
	CHECK(got && strstr(got, ",\"response_seconds\":[{\"interface\":\"eth0\",\"direction\":\"in\","
			       "\"method\":\"INVITE\",\"count\":11,\"sum\":7.250000,"
			       "\"buckets\":[[0.1,4],[0.5,9],[2,10]]}],\"answers\":[{\"interface\":"
			       "\"eth0\",\"method\":\"INVITE\",\"total\":7,\"delta\":0,\"rate\":0.000,"
			       "\"resent\":2}],\"per_interface\":["),
	      "%s", got);
	free(got);
	got = render(text_adapter, &s, false);
	CHECK(got && strstr(got, "\n  response_seconds eth0 in INVITE: count 11 sum 7.250000\n"
			       "  answers eth0 INVITE: 7 total, 0 delta, 0.00/s, resent 2\n"),
	      "%s", got);
	free(got);
}

struct listen_case {
	const char *spec;
	int ok;
	const char *text;
};

static void test_listen_parse(void)
{
	static const struct listen_case cases[] = {
		{ "127.0.0.1:9065", 1, "127.0.0.1:9065" },
		{ "0.0.0.0:80", 1, "0.0.0.0:80" },
		{ ":9100", 1, "127.0.0.1:9100" },
		{ "9100", 1, "127.0.0.1:9100" },
		{ "198.18.0.1", 1, "198.18.0.1:9065" },
		{ "[::1]:9065", 1, "[::1]:9065" },
		{ "[2001:db8::1]", 1, "[2001:db8::1]:9065" },
		{ "::1", 1, "[::1]:9065" },	/* IPv6 without a port needs no brackets */
		{ "localhost:9065", 0, NULL },	/* numeric only */
		{ "127.0.0.1:", 0, NULL },
		{ "127.0.0.1:0", 0, NULL },
		{ "127.0.0.1:65536", 0, NULL },
		{ "127.0.0.1:9x", 0, NULL },
		{ "[::1", 0, NULL },
		{ "[::1]x", 0, NULL },
		{ "", 0, NULL },
	};
	struct http_listen l;
	char msg[256];
	size_t i;
	int e;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msg[0] = '\0';
		e = http_parse_listen(cases[i].spec, &l, msg, sizeof(msg));
		if (cases[i].ok) {
			CHECK(e == 0, "'%s': %s", cases[i].spec, msg);
			if (!e)
				CHECK_STR(l.text, cases[i].text);
		} else {
			CHECK(e == -EINVAL && msg[0], "'%s' accepted", cases[i].spec);
		}
	}
	e = http_parse_listen("[::1]:9065", &l, msg, sizeof(msg));
	CHECK(!e && l.addr.ss_family == AF_INET6 && l.addrlen == sizeof(struct sockaddr_in6));
	CHECK(!e && ntohs(((struct sockaddr_in6 *)&l.addr)->sin6_port) == 9065);
}

static void test_accept(void)
{
	CHECK(http_format_of(NULL) == HTTP_PROMETHEUS);
	CHECK(http_format_of("text/plain;version=0.0.4") == HTTP_PROMETHEUS);
	CHECK(http_format_of("*/*") == HTTP_PROMETHEUS);
	CHECK(http_format_of("application/openmetrics-text;version=1.0.0,application/"
			     "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;"
			     "q=0.5,*/*;q=0.1") == HTTP_OPENMETRICS);
}

int main(void)
{
	craft(&c1);
	RUN(test_prometheus_exact);
	RUN(test_openmetrics);
	RUN(test_label_escaping);
	RUN(test_directions);
	RUN(test_influx);
	RUN(test_csv);
	RUN(test_future_families);
	RUN(test_listen_parse);
	RUN(test_accept);
	return h_exit();
}

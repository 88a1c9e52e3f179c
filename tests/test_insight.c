// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of methods, KPIs, peers and failing addresses: the KPI
 * arithmetic against figures computed by hand, the peers file (good and
 * bad lines), prefixes, the top failing addresses, and the method x class
 * table and KPI line of the text and JSON reports (the live view's boxes
 * are tests/test_view.c's).  No root, no BPF.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "failing.h"
#include "harness.h"
#include "kpi.h"
#include "out/out.h"
#include "peers.h"
#include "peerwatch.h"

static struct counters *c0, *c1;

static void put(struct counters *c, int method, int slot, uint64_t n)
{
	c->keys[SIPSTAT_KEY(SIPSTAT_DIR_IN, method, slot)] = n;
}

/*
 * 100 INVITEs; final responses to them: 200 x40, 401 x10, 302 x5, 486 x12,
 * 480 x3, 487 x4, 603 x2, 600 x1, 404 x6, 488 x5, 503 x8, 408 x2, 500 x1,
 * 504 x1 (100 finals), plus 100 Trying x100 and REGISTER 401 x50, 200 x50.
 */
static void fill_calls(struct counters *c)
{
	static const int codes[][2] = {
		{ 200, 40 }, { 401, 10 }, { 302, 5 }, { 486, 12 }, { 480, 3 }, { 487, 4 },
		{ 603, 2 },  { 600, 1 },  { 404, 6 }, { 488, 5 },  { 503, 8 }, { 408, 2 },
		{ 500, 1 },  { 504, 1 },  { 100, 100 },
	};
	size_t i;

	memset(c, 0, sizeof(*c));
	put(c, SIPSTAT_M_INVITE, SIPSTAT_O_REQUESTS, 100);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		put(c, SIPSTAT_M_INVITE, codes[i][0], (uint64_t)codes[i][1]);
	put(c, SIPSTAT_M_REGISTER, SIPSTAT_O_REQUESTS, 100);
	put(c, SIPSTAT_M_REGISTER, 401, 50);
	put(c, SIPSTAT_M_REGISTER, 200, 50);
	counters_derive(c);
}

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static void test_kpi_hand_computed(void)
{
	struct kpi_inputs in;
	struct kpi k;

	fill_calls(c1);
	kpi_inputs_of(c1, COUNTERS_DIR_ALL, &in);
	CHECK_EQ_U64(in.invites, 100);
	CHECK_EQ_U64(in.finals, 100);
	CHECK_EQ_U64(in.challenges, 10);
	CHECK_EQ_U64(in.redirected, 5);
	CHECK_EQ_U64(in.answered, 40);
	CHECK_EQ_U64(in.user_end, 22);	/* 486 12 + 480 3 + 487 4 + 600 1 + 603 2 */
	CHECK_EQ_U64(in.seer_ok, 58);	/* 200 40 + 480 3 + 486 12 + 600 1 + 603 2 */
	CHECK_EQ_U64(in.isa, 12);	/* 408 2 + 500 1 + 503 8 + 504 1 */
	kpi_of(NULL, c1, COUNTERS_DIR_ALL, &k);
	/* Seizures 100 - 10 challenges - 5 redirections = 85; attempts 100 - 5 = 95. */
	CHECK(k.valid[KPI_ASR] && near(k.pct[KPI_ASR], 100.0 * 40 / 85), "asr %f", k.pct[KPI_ASR]);
	CHECK(near(k.pct[KPI_NER], 100.0 * 62 / 85), "ner %f", k.pct[KPI_NER]);
	CHECK(near(k.pct[KPI_SER], 100.0 * 40 / 95), "ser %f", k.pct[KPI_SER]);
	CHECK(near(k.pct[KPI_SEER], 100.0 * 58 / 95), "seer %f", k.pct[KPI_SEER]);
	CHECK(near(k.pct[KPI_ISA], 12.0), "isa %f", k.pct[KPI_ISA]);
	/* Direction out counted nothing: every KPI undefined, not 0 %. */
	kpi_of(NULL, c1, SIPSTAT_DIR_OUT, &k);
	CHECK(!k.valid[KPI_ASR] && !k.valid[KPI_SER] && !k.valid[KPI_ISA], "empty: undefined");
	CHECK_STR(kpi_name(KPI_SEER), "seer");
	CHECK(kpi_name(KPI_MAX) == NULL, "out of range");
}

/* The letter of RFC 6076 beside E.411: 202 answers a seizure but is no 200; other methods never count. */
static void test_kpi_sources(void)
{
	struct kpi k;

	memset(c1, 0, sizeof(*c1));
	put(c1, SIPSTAT_M_INVITE, SIPSTAT_O_REQUESTS, 4);
	put(c1, SIPSTAT_M_INVITE, 200, 1);
	put(c1, SIPSTAT_M_INVITE, 202, 1);
	put(c1, SIPSTAT_M_INVITE, 487, 1);
	put(c1, SIPSTAT_M_INVITE, 503, 1);
	put(c1, SIPSTAT_M_REGISTER, 200, 9);	/* not an INVITE: in no KPI */
	put(c1, SIPSTAT_M_BYE, 503, 9);
	counters_derive(c1);
	kpi_of(NULL, c1, COUNTERS_DIR_ALL, &k);
	CHECK(near(k.pct[KPI_ASR], 50.0), "asr: 200 and 202 of 4 seizures: %f", k.pct[KPI_ASR]);
	CHECK(near(k.pct[KPI_NER], 75.0), "ner: and the 487: %f", k.pct[KPI_NER]);
	CHECK(near(k.pct[KPI_SER], 25.0), "ser: only the 200: %f", k.pct[KPI_SER]);
	CHECK(near(k.pct[KPI_SEER], 25.0), "seer: no 202, no 487: %f", k.pct[KPI_SEER]);
	CHECK(near(k.pct[KPI_ISA], 25.0), "isa: the 503 to INVITE only: %f", k.pct[KPI_ISA]);
}

static void test_kpi_interval(void)
{
	struct kpi k;

	/* Before: 10 INVITEs, 200 x4, 486 x6 (stale history).  The interval is the rest. */
	memset(c0, 0, sizeof(*c0));
	put(c0, SIPSTAT_M_INVITE, SIPSTAT_O_REQUESTS, 10);
	put(c0, SIPSTAT_M_INVITE, 200, 4);
	put(c0, SIPSTAT_M_INVITE, 486, 6);
	counters_derive(c0);
	fill_calls(c1);
	kpi_of(c0, c1, COUNTERS_DIR_ALL, &k);
	/* 90 INVITEs; 200 x36, 486 x6; finals 90, seizures 90 - 15 = 75, attempts 85. */
	CHECK(near(k.pct[KPI_ASR], 100.0 * 36 / 75), "asr %f", k.pct[KPI_ASR]);
	CHECK(near(k.pct[KPI_NER], 100.0 * (36 + 16) / 75), "ner %f", k.pct[KPI_NER]);
	CHECK(near(k.pct[KPI_SER], 100.0 * 36 / 85), "ser %f", k.pct[KPI_SER]);
	CHECK(near(k.pct[KPI_SEER], 100.0 * (36 + 3 + 6 + 1 + 2) / 85), "seer %f",
	      k.pct[KPI_SEER]);
	CHECK(near(k.pct[KPI_ISA], 100.0 * 12 / 90), "isa %f", k.pct[KPI_ISA]);
}

static const char good[] =
	"# trunks and SBCs\n"
	"carrier-a 198.18.0.0/15   198.18.5.0/24 # comment after prefixes\n"
	"\n"
	"   sbc.1 2001:db8::/32 2001:db8::1\n"
	"carrier-a 198.19.7.7\n"
	"lab_host\t198.18.5.9/32\r\n";

static void test_peers_parse_good(void)
{
	struct peers_table t;
	char msg[256] = "", buf[64];
	int e = peers_parse(good, NULL, &t, msg, sizeof(msg));

	if (!CHECK(e == 0, "%s", msg))
		goto out;
	CHECK_EQ_U64(t.npeers, 3);
	CHECK_EQ_U64(t.nprefixes, 6);
	CHECK_STR(t.names[1], "carrier-a");
	CHECK_STR(t.names[2], "sbc.1");
	CHECK_STR(t.names[3], "lab_host");
	CHECK_STR(t.names[0], "other");
	peers_prefix_format(&t.prefixes[0].key, buf, sizeof(buf));
	CHECK_STR(buf, "198.18.0.0/15");
	CHECK_EQ_U64(t.prefixes[0].key.prefixlen, 96 + 15);
	CHECK_EQ_U64(t.prefixes[0].key.addr[10], 0xff);
	peers_prefix_format(&t.prefixes[3].key, buf, sizeof(buf));
	CHECK_STR(buf, "2001:db8::1/128");
	CHECK_EQ_U64(t.prefixes[4].id, 1);	/* carrier-a again, same id */
	CHECK_EQ_U64(t.prefixes[4].line, 5);
	CHECK_STR(peers_name(&t, 0, buf, sizeof(buf)), "other");
	CHECK_STR(peers_name(&t, 9, buf, sizeof(buf)), "peer9");
out:
	peers_table_free(&t);
}

/* A changed file keeps each name's id, so its counts stay with it. */
static void test_peers_keep_ids(void)
{
	struct peers_table a, b;
	char msg[256] = "";

	CHECK(peers_parse("x 198.18.0.0/24\ny 198.18.1.0/24\nz 198.18.2.0/24\n", NULL, &a, msg,
			  sizeof(msg)) == 0, "%s", msg);
	CHECK(peers_parse("new 198.18.9.0/24\nz 198.18.2.0/24\nx 198.18.0.0/23\n", &a, &b, msg,
			  sizeof(msg)) == 0, "%s", msg);
	CHECK_STR(b.names[1], "x");
	CHECK_STR(b.names[3], "z");
	CHECK_STR(b.names[4], "new");	/* not y's old id 2: y's counts are not new's */
	CHECK_STR(b.names[2], "y");	/* out of the file: its counts keep its name */
	CHECK(b.retired[2] && !b.retired[1] && !b.retired[4], "only y is retired");
	CHECK_EQ_U64(b.npeers, 3);
	CHECK_EQ_U64(b.nprefixes, 3);
	peers_table_free(&a);
	peers_table_free(&b);
}

static void test_peers_parse_bad(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "a 198.18.0.0/24\nlonely\n", "line 2: peer \"lonely\" has no prefix" },
		{ "a 198.18.0.0/33\n", "line 1: \"198.18.0.0/33\" is not an IPv4 or IPv6 prefix" },
		{ "a 198.18.0\n", "line 1: \"198.18.0\" is not" },
		{ "a 2001:db8::/129\n", "line 1: \"2001:db8::/129\" is not" },
		{ "a 198.18.0.0/24/1\n", "is not an IPv4" },
		{ "\n\nother 198.18.0.0/24\n", "line 3: \"other\" is the name of every address" },
		{ "bad/name 198.18.0.0/24\n", "line 1: \"bad/name\" is not a peer name" },
		{ "a 198.18.0.0/24\nb 198.18.0.0/24\n",
		  "line 2: 198.18.0.0/24 is already peer \"a\" (line 1)" },
		{ "a 198.18.0.1/24\nb 198.18.0.0/24\n", "line 2: 198.18.0.0/24 is already peer" },
		{ "a 198.18.0.0/-1\n", "is not an IPv4" },
	};
	struct peers_table t;
	char msg[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg[0] = '\0';
		CHECK(peers_parse(bad[i].text, NULL, &t, msg, sizeof(msg)) == -EINVAL, "%s",
		      bad[i].text);
		CHECK(strstr(msg, bad[i].want), "got \"%s\", want \"%s\"", msg, bad[i].want);
		peers_table_free(&t);
	}
}

static void test_peers_limits(void)
{
	struct peers_table t;
	char *text = malloc((size_t)300 * 40), msg[256] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < 256; i++)
		len += (size_t)sprintf(text + len, "p%d 198.18.%d.%d\n", i, i / 250, i % 250);
	CHECK(peers_parse(text, NULL, &t, msg, sizeof(msg)) == -EINVAL, "256 names");
	CHECK(strstr(msg, "line 256: more than 255 peer names"), "%s", msg);
	peers_table_free(&t);
	free(text);
}

static void test_peer_counts(void)
{
	struct peers_counts a = { 0 }, b = { 0 };
	struct counters *pc = c0;
	uint32_t k1 = SIPSTAT_PEER_KEY(SIPSTAT_DIR_IN, 2, SIPSTAT_M_INVITE, 503);
	uint32_t k2 = SIPSTAT_PEER_KEY(SIPSTAT_DIR_IN, 0, SIPSTAT_M_OPTIONS, 200);
	struct peers_count e1[] = { { k2, 7 }, { k1, 5 } }, e2[] = { { k1, 1 } };

	a.e = malloc(sizeof(e1));
	memcpy(a.e, e1, sizeof(e1));
	a.n = a.cap = 2;
	b.e = malloc(sizeof(e2));
	memcpy(b.e, e2, sizeof(e2));
	b.n = b.cap = 1;
	CHECK(peers_counts_add(&b, &a) == 0, "add");
	CHECK_EQ_U64(peers_counts_get(&b, k1), 6);
	CHECK_EQ_U64(peers_counts_get(&b, k2), 7);
	CHECK_EQ_U64(peers_key_peer(k1), 2);
	CHECK_EQ_U64(peers_key_method(k1), SIPSTAT_M_INVITE);
	CHECK_EQ_U64(peers_key_code(k1), 503);
	peerwatch_counters(&b, 2, pc);
	CHECK_EQ_U64(counters_code_method(pc, SIPSTAT_DIR_IN, SIPSTAT_M_INVITE, 503), 6);
	CHECK_EQ_U64(counters_class(pc, COUNTERS_DIR_ALL, 2), 0);
	peerwatch_counters(&b, 0, pc);
	CHECK_EQ_U64(counters_code_method(pc, SIPSTAT_DIR_IN, SIPSTAT_M_OPTIONS, 200), 7);
	peers_counts_free(&a);
	peers_counts_free(&b);
}

static void test_failing_top(void)
{
	struct failing f = { 0 }, prev = { 0 };
	const struct failing_entry *top[FAILING_TOP_MAX];
	struct failing_entry x;
	char a[64];
	int i;

	for (i = 0; i < 8; i++) {
		memset(&x, 0, sizeof(x));
		x.addr[10] = x.addr[11] = 0xff;
		x.addr[12] = 198;
		x.addr[13] = 18;
		x.addr[15] = (uint8_t)i;
		x.cls = i % 2 ? 5 : 4;
		x.total = 10 + (uint64_t)i;
		f.e = realloc(f.e, (size_t)(f.n + 1) * sizeof(x));
		f.e[f.n++] = x;
	}
	CHECK_EQ_U64(failing_top(&f, 5, -1, 3, top), 3);
	peers_addr_format(top[0]->addr, a, sizeof(a));
	CHECK_STR(a, "198.18.0.7");
	CHECK_EQ_U64(top[0]->total, 17);
	CHECK_EQ_U64(top[1]->total, 15);
	CHECK_EQ_U64(top[2]->total, 13);
	CHECK_EQ_U64(failing_top(&f, 6, -1, 3, top), 0);
	CHECK_EQ_U64(failing_top(&f, 4, -1, 100, top), 4);
	prev.e = malloc(sizeof(x));
	prev.e[0] = f.e[7];
	prev.e[0].total = 15;
	prev.n = 1;
	failing_deltas(&f, &prev);
	CHECK_EQ_U64(f.e[7].delta, 2);
	CHECK_EQ_U64(f.e[6].delta, 16);
	failing_free(&prev);
	failing_free(&f);
}

static char *render(void (*fn)(FILE *, const struct out_report *), int verbose)
{
	struct out_report r = { .host = "h", .mode = "native", .base = c0, .prev = c0, .cur = c1,
			    .dirs = 1, .verbose = verbose };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, &r);
	fclose(f);
	return buf;
}

static void test_report_methods(void)
{
	char *t;

	memset(c0, 0, sizeof(*c0));
	fill_calls(c1);
	c1->real.tv_sec = 1;
	c1->mono.tv_sec = 1;
	t = render(out_text_report, 0);
	CHECK(strstr(t, "  method     requests      1xx      2xx      3xx      4xx      5xx      "
			"6xx\n"), "%s", t);
	CHECK(strstr(t, "  INVITE          100      100       40        5       42       10        "
			"3\n"), "%s", t);
	CHECK(strstr(t, "  REGISTER        100        0       50        0       50        0        "
			"0\n"), "%s", t);
	CHECK(strstr(t, "  KPIs: ASR 47.1% NER 72.9% SER 42.1% SEER 61.1% ISA 12.0%\n"), "%s", t);
	CHECK(!strstr(t, "by method"), "codes by method only with -v");
	free(t);
	t = render(out_text_report, 1);
	CHECK(strstr(t, "  401 Unauthorized by method: INVITE 10 REGISTER 50\n"), "%s", t);
	free(t);
	t = render(out_json_report, 0);
	CHECK(strstr(t, ",\"kpis\":{\"asr\":47.059,\"ner\":72.941,\"ser\":42.105,\"seer\":61.053,"
			"\"isa\":12.000}"), "%s", t);
	CHECK(strstr(t, "\"INVITE\":{\"requests\":100,\"classes\":{\"1xx\":100,\"2xx\":40,"
			"\"3xx\":5,\"4xx\":42,\"5xx\":10,\"6xx\":3},\"codes\":{\"100\":100,"
			"\"200\":40,"), "%s", t);
	free(t);
}

int main(void)
{
	c0 = calloc(1, sizeof(*c0));
	c1 = calloc(1, sizeof(*c1));
	if (!c0 || !c1)
		return 1;
	RUN(test_kpi_hand_computed);
	RUN(test_kpi_sources);
	RUN(test_kpi_interval);
	RUN(test_peers_parse_good);
	RUN(test_peers_keep_ids);
	RUN(test_peers_parse_bad);
	RUN(test_peers_limits);
	RUN(test_peer_counts);
	RUN(test_failing_top);
	RUN(test_report_methods);
	free(c0);
	free(c1);
	return h_failed_tests ? 1 : 0;
}

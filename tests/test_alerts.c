// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Alert rules without a kernel or a clock: the parser of --alert, and the
 * engine's start, folded repeats and clear at the moments the test gives
 * it; the alerts a count>0 rule keeps apart (code, peer, interface,
 * direction), from events and from counters, and the final report of
 * what was folded; the --event-rate parser.
 */
#include <errno.h>
#include <math.h>

#include "events.h"
#include "harness.h"
#include "rules.h"

static struct rule_alert out[RULES_ALERTS_MAX];

static void test_parse_good(void)
{
	struct rule r;
	char why[256];

	CHECK(rule_parse("code=503 rate>50/s for 10s", &r, why, sizeof(why)) == 0, "%s", why);
	CHECK(r.kind == RULE_RATE && r.threshold == 50 && r.for_s == 10);
	CHECK(rule_has_code(&r, 503) && !rule_has_code(&r, 502));
	CHECK(rule_parse("class=5xx ratio>5% over 60s", &r, why, sizeof(why)) == 0, "%s", why);
	CHECK(r.kind == RULE_RATIO && r.threshold == 5 && r.over_s == 60);
	CHECK(rule_has_code(&r, 500) && rule_has_code(&r, 599) && !rule_has_code(&r, 600));
	CHECK(rule_parse("code=603 count>0", &r, why, sizeof(why)) == 0, "%s", why);
	CHECK(r.kind == RULE_COUNT && r.threshold == 0 && r.hold_s == RULE_DEFAULT_HOLD);
	CHECK_STR(r.text, "code=603 count>0");
	CHECK(rule_parse("  code=408,5xx   dir=out peer=carrier-a  count>3 over 2m hold 500ms ", &r,
			 why, sizeof(why)) == 0, "%s", why);
	CHECK(r.dir == SIPSTAT_DIR_OUT && r.over_s == 120 && fabs(r.hold_s - 0.5) < 1e-9);
	CHECK_STR(r.peer, "carrier-a");
	CHECK(rule_has_code(&r, 408) && rule_has_code(&r, 550) && !rule_has_code(&r, 409));
	CHECK(rule_parse("code=486 rate>120/m", &r, why, sizeof(why)) == 0, "%s", why);
	CHECK(fabs(r.threshold - 2.0) < 1e-9);
}

static void test_parse_bad(void)
{
	static const struct {
		const char *rule, *says;
	} cases[] = {
		{ "count>0", "which responses" },
		{ "code=603", "no condition" },
		{ "code=99 count>0", "'99' is not a status code" },
		{ "code=700 count>0", "'700'" },
		{ "class=503 count>0", "class is written like 5xx" },
		{ "code=503 rate>50", "N/s" },
		{ "code=503 rate>fast/s", "a number is needed" },
		{ "code=503 ratio>5", "percentage" },
		{ "code=503 ratio>150%", "at most 100%" },
		{ "code=503 ratio>100%", "can never fire" },
		{ "code=503 count>1.5", "whole number" },
		{ "code=503 count>0 rate>1/s", "one condition" },
		{ "code=503 rate>1/s for", "needs a duration" },
		{ "code=503 rate>1/s for ten", "'ten' is not a duration" },
		{ "code=503 count>0 for 10s", "'for' goes with rate>" },
		{ "code=503 rate>1/s over 10s", "'over' goes with count>" },
		{ "code=503 count>0 dir=sideways", "in or out" },
		{ "code=503 count>0 severity=high", "'severity=high' is not part of a rule" },
		{ "code=503 code=504 count>0", "one code= or class=" },
		{ "code= count>0", "empty code list" },
	};
	struct rule r;
	char why[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		CHECK(rule_parse(cases[i].rule, &r, why, sizeof(why)) == -EINVAL, "%s accepted",
		      cases[i].rule);
		CHECK(strstr(why, cases[i].says) != NULL, "%s: said \"%s\", want \"%s\"",
		      cases[i].rule, why, cases[i].says);
	}
}

/* The default rule fires on the first 6xx event, folds within hold, clears after the window. */
static void test_count_start_repeat_clear(void)
{
	static struct rules rs;
	struct rule r;
	struct rule_event ev = { .code = 603, .dir = SIPSTAT_DIR_IN };
	struct rule_key k = { .code = 603, .dir = SIPSTAT_DIR_IN };
	int n, t;

	rules_init(&rs);
	rule_default(&r);
	CHECK(r.split, "the default rule keeps its alerts apart");
	r.hold_s = 10;
	r.over_s = 5;
	rules_add(&rs, &r);

	ev.code = 486;	/* not a 6xx: nothing */
	CHECK_EQ_U64(rules_event(&rs, 100.0, &ev, out, 16), 0, "486 selected by 6xx");
	ev.code = 603;
	n = rules_event(&rs, 100.2, &ev, out, 16);
	CHECK_EQ_U64(n, 1, "first 603");
	CHECK(out[0].what == RULE_START && out[0].from_event && out[0].at == 100.2);
	/* Three more before the hold-down is over: folded, not said. */
	CHECK_EQ_U64(rules_event(&rs, 100.4, &ev, out, 16), 0);
	CHECK_EQ_U64(rules_event(&rs, 101.0, &ev, out, 16), 0);
	/* The interval's counters say one more than the events (rate-limited). */
	CHECK_EQ_U64(rules_counted(&rs, 0, 101.5, &k, 1, out, 16), 0, "folded");
	CHECK_EQ_U64(rules_tick(&rs, 101.5, out, 16), 0, "folded until the hold-down ends");
	/* Quiet seconds, still within the window of 5 s. */
	for (t = 102; t <= 107; t++) {
		n = rules_tick(&rs, t, out, 16);
		if (t < 107)
			CHECK_EQ_U64(n, 0, "at %d", t);
	}
	/* At 107 the window no longer holds the last response, counted at 101.5. */
	CHECK_EQ_U64(n, 1, "cleared once the window is empty");
	CHECK(out[0].what == RULE_CLEAR);
	CHECK_EQ_U64(out[0].folded, 3, "folded responses said on clear");

	/* Again: start, then a repeat exactly at the hold-down with the count folded. */
	CHECK_EQ_U64(rules_event(&rs, 200.0, &ev, out, 16), 1);
	CHECK(out[0].what == RULE_START);
	CHECK_EQ_U64(rules_event(&rs, 203.0, &ev, out, 16), 0);
	CHECK_EQ_U64(rules_event(&rs, 204.0, &ev, out, 16), 0);
	CHECK_EQ_U64(rules_event(&rs, 209.9, &ev, out, 16), 0, "within hold: folded");
	n = rules_event(&rs, 210.0, &ev, out, 16);
	CHECK_EQ_U64(n, 1, "a repeat at the end of the hold-down");
	CHECK(out[0].what == RULE_REPEAT && out[0].folded == 4, "folded %llu",
	      (unsigned long long)out[0].folded);
	CHECK_EQ_U64(rs.st[0].fired, 2, "started twice");
}

static void test_rate_for(void)
{
	static struct rules rs;
	struct rule r;
	struct rule_sample s;
	char why[128];
	int t, n, started = -1, cleared = -1;

	rules_init(&rs);
	CHECK(rule_parse("code=503 rate>50/s for 10s hold 5s", &r, why, sizeof(why)) == 0, "%s", why);
	rules_add(&rs, &r);
	/* 60/s from t=0 to t=15, then 10/s. */
	for (t = 1; t <= 20; t++) {
		s = (struct rule_sample){ .t0 = t - 1, .t1 = t, .matched = t <= 15 ? 60 : 10,
					  .total = 100 };
		rules_sample(&rs, 0, &s);
		n = rules_tick(&rs, t, out, 16);
		if (n && out[0].what == RULE_START)
			started = t;
		if (n && out[0].what == RULE_REPEAT)
			CHECK(t == 15, "repeat at %d (hold 5s after 10)", t);
		if (n && out[0].what == RULE_REPEAT)
			CHECK_EQ_U64(out[0].folded, 300, "5 s of 60/s folded");
		if (n && out[0].what == RULE_CLEAR)
			cleared = t;
	}
	CHECK(started == 10, "started at %d, want 10 (sustained 10 s)", started);
	CHECK(cleared == 16, "cleared at %d, want 16", cleared);

	/* A dip resets the 'for' clock. */
	rules_init(&rs);
	rules_add(&rs, &r);
	started = -1;
	for (t = 1; t <= 30; t++) {
		s = (struct rule_sample){ .t0 = t - 1, .t1 = t, .matched = t == 5 ? 0 : 60 };
		rules_sample(&rs, 0, &s);
		n = rules_tick(&rs, t, out, 16);
		if (n && out[0].what == RULE_START && started < 0)
			started = t;
	}
	CHECK(started == 15, "started at %d, want 15 (10 s after the dip)", started);
}

static void test_ratio_over(void)
{
	static struct rules rs;
	struct rule r;
	struct rule_sample s;
	char why[128];
	int t, n, started = -1, cleared = -1;

	rules_init(&rs);
	CHECK(rule_parse("class=5xx ratio>5% over 60s", &r, why, sizeof(why)) == 0, "%s", why);
	rules_add(&rs, &r);
	/* 10 s intervals: 4 % for a minute, then 10 % for 20 s, then 0 %. */
	for (t = 10; t <= 200; t += 10) {
		uint64_t m = t <= 60 ? 4 : t <= 80 ? 10 : 0;

		s = (struct rule_sample){ .t0 = t - 10, .t1 = t, .matched = m, .total = 100 };
		rules_sample(&rs, 0, &s);
		n = rules_tick(&rs, t, out, 16);
		if (n && out[0].what == RULE_START) {
			started = t;
			CHECK(out[0].value > 5.0, "value %.2f", out[0].value);
		}
		if (n && out[0].what == RULE_CLEAR)
			cleared = t;
	}
	/* At 70: (4*5+10)/600 = 5.0 %: not above.  At 80: (4*4+20)/600 = 6 %. */
	CHECK(started == 80, "started at %d, want 80", started);
	/* Falls to 5 % or less when (sum)/600 <= 5 %: at 110 (4+20)/600 = 4 %; at 100: (8+20)=4.7 %. */
	CHECK(cleared == 100, "cleared at %d, want 100", cleared);
	/* No responses at all: no ratio, no alert. */
	rules_init(&rs);
	rules_add(&rs, &r);
	s = (struct rule_sample){ .t0 = 0, .t1 = 10 };
	rules_sample(&rs, 0, &s);
	CHECK_EQ_U64(rules_tick(&rs, 10, out, 16), 0);
}

static void test_peer_and_dir(void)
{
	static struct rules rs;
	struct rule r;
	struct rule_event ev = { .code = 603, .dir = SIPSTAT_DIR_IN, .peer = "carrier-b" };
	char why[128];

	rules_init(&rs);
	CHECK(rule_parse("code=603 peer=carrier-a count>0", &r, why, sizeof(why)) == 0, "%s", why);
	rules_add(&rs, &r);
	CHECK(rule_parse("code=603 dir=out count>0", &r, why, sizeof(why)) == 0, "%s", why);
	rules_add(&rs, &r);
	ev.peer = "carrier-a";
	CHECK_EQ_U64(rules_event(&rs, 1, &ev, out, 16), 0, "peer rules wait for a peer table");
	rs.peers_loaded = true;
	ev.peer = "carrier-b";
	CHECK_EQ_U64(rules_event(&rs, 2, &ev, out, 16), 0, "another peer");
	ev.peer = "carrier-a";
	CHECK_EQ_U64(rules_event(&rs, 3, &ev, out, 16), 1, "its peer");
	CHECK(out[0].rule == 0);
	ev.dir = SIPSTAT_DIR_OUT;
	ev.peer = NULL;
	CHECK_EQ_U64(rules_event(&rs, 4, &ev, out, 16), 1, "sent 603");
	CHECK(out[0].rule == 1);
	/* Both clear once 60 s passed without one (the last at 3 and at 4). */
	CHECK_EQ_U64(rules_tick(&rs, 10, out, 16), 0);
	CHECK_EQ_U64(rules_tick(&rs, 63.5, out, 16), 1, "the peer's clears 60 s after 3");
	CHECK(out[0].rule == 0 && out[0].what == RULE_CLEAR);
	CHECK_EQ_U64(rules_tick(&rs, 64.5, out, 16), 1, "the other 60 s after 4");
	CHECK(out[0].rule == 1 && out[0].what == RULE_CLEAR);
}

/* The alerts that started, by code and peer, in the order started. */
static int starts_of(const struct rules *rs, int n, char *buf, size_t len)
{
	size_t k = 0;
	int i, starts = 0;

	buf[0] = '\0';
	for (i = 0; i < n && k < len; i++) {
		const struct rule_key *key = rules_key(rs, out[i].rule, out[i].id);

		if (out[i].what != RULE_START || !key)
			continue;
		starts++;
		k += (size_t)snprintf(buf + k, len - k, "%s%d/%s/%s/%s", k ? " " : "", key->code,
				      key->peer[0] ? key->peer : "-", key->iface[0] ? key->iface : "-",
				      key->dir == SIPSTAT_DIR_OUT ? "out" : "in");
	}
	return starts;
}

/*
 * The default rule keeps one alert per code, peer, interface and
 * direction: 600, 603, 604 and 606 from one peer start four alerts, each
 * named, and each folds its own repeats; 603 from one peer and 604 from
 * another are two alerts, and 603 from the other peer is a third.
 */
static void test_ids_apart(void)
{
	static struct rules rs;
	static const int codes[] = { 600, 603, 604, 606 };
	struct rule_event ev = { .dir = SIPSTAT_DIR_IN, .peer = "carrier-a", .iface = "eth0" };
	struct rule r;
	char got[256];
	int i, t, n = 0, m;

	rules_init(&rs);
	rule_default(&r);
	rules_add(&rs, &r);
	/* 33 s: one of each code every second. */
	for (t = 0; t < 33; t++) {
		for (i = 0; i < 4; i++) {
			ev.code = codes[i];
			n += rules_event(&rs, 100 + t + i * 0.1, &ev, out + n,
					 RULES_ALERTS_MAX - n);
		}
		n += rules_tick(&rs, 100 + t + 0.9, out + n, RULES_ALERTS_MAX - n);
	}
	m = starts_of(&rs, n, got, sizeof(got));
	CHECK_EQ_U64(m, 4, "%s", got);
	CHECK_STR(got, "600/carrier-a/eth0/in 603/carrier-a/eth0/in 604/carrier-a/eth0/in "
		       "606/carrier-a/eth0/in");
	/* Repeats after the 30 s hold-down, each of its own code: 29 or 30 more each. */
	for (i = 0, m = 0; i < n; i++) {
		const struct rule_key *key = rules_key(&rs, out[i].rule, out[i].id);

		if (out[i].what != RULE_REPEAT)
			continue;
		m++;
		CHECK(key && out[i].folded == 30, "repeat of %d folded %llu", key ? key->code : 0,
		      (unsigned long long)out[i].folded);
	}
	CHECK_EQ_U64(m, 4, "one repeat per code");

	/* 603 from one peer, 604 from another: two alerts; 603 from the other peer: a third. */
	rules_init(&rs);
	rules_add(&rs, &r);
	ev.code = 603;
	ev.peer = "carrier-a";
	n = rules_event(&rs, 10, &ev, out, RULES_ALERTS_MAX);
	ev.code = 604;
	ev.peer = "carrier-b";
	n += rules_event(&rs, 11, &ev, out + n, RULES_ALERTS_MAX - n);
	ev.code = 603;
	n += rules_event(&rs, 12, &ev, out + n, RULES_ALERTS_MAX - n);
	/* An address of no named peer, and the other direction, and another interface. */
	ev.peer = NULL;
	n += rules_event(&rs, 13, &ev, out + n, RULES_ALERTS_MAX - n);
	ev.dir = SIPSTAT_DIR_OUT;
	n += rules_event(&rs, 14, &ev, out + n, RULES_ALERTS_MAX - n);
	ev.iface = "eth1";
	n += rules_event(&rs, 15, &ev, out + n, RULES_ALERTS_MAX - n);
	n += rules_event(&rs, 16, &ev, out + n, RULES_ALERTS_MAX - n);	/* folded */
	CHECK_EQ_U64(starts_of(&rs, n, got, sizeof(got)), 6, "%s", got);
	CHECK_STR(got, "603/carrier-a/eth0/in 604/carrier-b/eth0/in 603/carrier-b/eth0/in "
		       "603/-/eth0/in 603/-/eth0/out 603/-/eth1/out");
	CHECK_EQ_U64(n, 6, "the seventh folded");
	CHECK_EQ_U64(rs.st[0].fired, 6);
}

/*
 * From counters (no event told of them): each code is an alert of its
 * own, with its code; responses beyond the events fold into the alert the
 * events started; a rule with a threshold sums what it selects.
 */
static void test_counted(void)
{
	static struct rules rs;
	struct rule_key k603 = { .code = 603, .dir = SIPSTAT_DIR_IN, .iface = "eth0" };
	struct rule_key k604 = { .code = 604, .dir = SIPSTAT_DIR_OUT, .iface = "eth0" };
	struct rule_event ev = { .code = 603, .dir = SIPSTAT_DIR_IN, .peer = "carrier-a",
				 .iface = "eth0" };
	struct rule r;
	char why[128], got[128];
	int n;

	rules_init(&rs);
	rule_default(&r);
	rules_add(&rs, &r);
	CHECK(rule_parse("code=603 count>3", &r, why, sizeof(why)) == 0, "%s", why);
	CHECK(!r.split, "count>3 is about the sum");
	rules_add(&rs, &r);
	n = rules_counted(&rs, 0, 1, &k603, 2, out, RULES_ALERTS_MAX);
	n += rules_counted(&rs, 0, 1, &k604, 5, out + n, RULES_ALERTS_MAX - n);
	CHECK_EQ_U64(rules_counted(&rs, 1, 1, &k603, 9, out + n, 4), 0,
		     "a rule about the sum takes samples");
	CHECK_EQ_U64(starts_of(&rs, n, got, sizeof(got)), 2, "%s", got);
	CHECK_STR(got, "603/-/eth0/in 604/-/eth0/out");
	CHECK(out[0].value == 2 && out[1].value == 5, "%g %g", out[0].value, out[1].value);
	/* Folded: one of 603 told, four of 604. */
	n = rules_final(&rs, 2, out, RULES_ALERTS_MAX);
	CHECK_EQ_U64(n, 2);
	CHECK(out[0].what == RULE_FINAL && out[0].folded == 1 && out[1].folded == 4);
	CHECK_EQ_U64(rules_final(&rs, 2, out, RULES_ALERTS_MAX), 0, "said once");

	/* An event's alert takes what the counters saw beyond the events. */
	rules_init(&rs);
	rule_default(&r);
	rules_add(&rs, &r);
	CHECK_EQ_U64(rules_event(&rs, 1, &ev, out, RULES_ALERTS_MAX), 1);
	CHECK_EQ_U64(rules_counted(&rs, 0, 1.5, &k603, 7, out, RULES_ALERTS_MAX), 0,
		     "folded into carrier-a's 603");
	n = rules_final(&rs, 2, out, RULES_ALERTS_MAX);
	CHECK_EQ_U64(n, 1);
	CHECK(out[0].folded == 7 && !strcmp(rules_key(&rs, 0, out[0].id)->peer, "carrier-a"));
}

/* The exit report: every firing alert with something folded since its last line, once. */
static void test_final(void)
{
	static struct rules rs;
	struct rule_event ev = { .code = 603, .dir = SIPSTAT_DIR_IN, .iface = "eth0" };
	struct rule r;
	char why[128];
	int n;

	rules_init(&rs);
	rule_default(&r);
	rules_add(&rs, &r);
	CHECK(rule_parse("code=503 rate>1/s", &r, why, sizeof(why)) == 0, "%s", why);
	rules_add(&rs, &r);
	rules_event(&rs, 1, &ev, out, RULES_ALERTS_MAX);
	rules_event(&rs, 2, &ev, out, RULES_ALERTS_MAX);
	rules_event(&rs, 3, &ev, out, RULES_ALERTS_MAX);
	ev.code = 604;
	rules_event(&rs, 4, &ev, out, RULES_ALERTS_MAX);	/* started, nothing folded */
	/* The rate rule: 10/s for two intervals, started, 10 folded. */
	rules_sample(&rs, 1, &(struct rule_sample){ .t0 = 0, .t1 = 1, .matched = 10 });
	rules_tick(&rs, 1, out, RULES_ALERTS_MAX);
	rules_sample(&rs, 1, &(struct rule_sample){ .t0 = 1, .t1 = 2, .matched = 10 });
	rules_tick(&rs, 2, out, RULES_ALERTS_MAX);
	n = rules_final(&rs, 5, out, RULES_ALERTS_MAX);
	CHECK_EQ_U64(n, 2);
	CHECK(out[0].rule == 0 && out[0].what == RULE_FINAL && out[0].folded == 2 &&
	      rules_key(&rs, 0, out[0].id)->code == 603);
	CHECK(out[1].rule == 1 && out[1].id == -1 && out[1].folded == 10);
	CHECK_STR(rule_what_name(RULE_FINAL), "final");
}

/* More alerts at once than a rule keeps: counted, never mistaken for another. */
static void test_ids_full(void)
{
	static struct rules rs;
	struct rule_event ev = { .dir = SIPSTAT_DIR_IN, .iface = "eth0" };
	struct rule r;
	int i, n = 0;

	rules_init(&rs);
	rule_default(&r);
	rules_add(&rs, &r);
	for (i = 0; i < RULE_IDS + 5; i++) {
		ev.code = 600 + i;	/* 600 to 668: a code each */
		n += rules_event(&rs, 1 + i * 0.01, &ev, out + n, RULES_ALERTS_MAX - n);
	}
	CHECK_EQ_U64(n, RULE_IDS, "one start per place");
	CHECK_EQ_U64(rs.st[0].overflow, 5);
	/* Once they cleared, new ones take their places. */
	CHECK_EQ_U64(rules_tick(&rs, 100, out, RULES_ALERTS_MAX), RULE_IDS, "all clear");
	ev.code = 699;
	CHECK_EQ_U64(rules_event(&rs, 101, &ev, out, RULES_ALERTS_MAX), 1);
}

static void test_event_rate(void)
{
	uint32_t rate, burst;
	char why[160];

	CHECK(events_parse_rate("100/s", &rate, &burst, why, sizeof(why)) == 0);
	CHECK(rate == 100 && burst == 200);
	CHECK(events_parse_rate("5/s,7", &rate, &burst, why, sizeof(why)) == 0);
	CHECK(rate == 5 && burst == 7);
	CHECK(events_parse_rate("0/s", &rate, &burst, why, sizeof(why)) == 0 && rate == 0);
	CHECK(events_parse_rate("100", &rate, &burst, why, sizeof(why)) == -EINVAL);
	CHECK(events_parse_rate("-1/s", &rate, &burst, why, sizeof(why)) == -EINVAL);
	CHECK(events_parse_rate("10/s,0", &rate, &burst, why, sizeof(why)) == -EINVAL);
}

int main(void)
{
	RUN(test_parse_good);
	RUN(test_parse_bad);
	RUN(test_count_start_repeat_clear);
	RUN(test_rate_for);
	RUN(test_ratio_over);
	RUN(test_peer_and_dir);
	RUN(test_ids_apart);
	RUN(test_counted);
	RUN(test_final);
	RUN(test_ids_full);
	RUN(test_event_rate);
	return h_exit();
}

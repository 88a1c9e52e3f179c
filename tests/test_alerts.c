// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Alert rules without a kernel or a clock: the parser of --alert, and the
 * engine's start, folded repeats and clear at the moments the test gives
 * it; the --event-rate parser.
 */
#include <errno.h>
#include <math.h>

#include "events.h"
#include "harness.h"
#include "rules.h"

static struct rule_alert out[16];

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
	struct rule_sample s;
	int n, t;

	rules_init(&rs);
	rule_default(&r);
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
	/* The interval's counters say 4 (one more than the events: rate-limited). */
	s = (struct rule_sample){ .t0 = 100, .t1 = 101.5, .matched = 4, .total = 10 };
	rules_sample(&rs, 0, &s);
	CHECK_EQ_U64(rules_tick(&rs, 101.5, out, 16), 0, "folded until the hold-down ends");
	/* Quiet seconds, still within the window of 5 s. */
	for (t = 102; t <= 107; t++) {
		s = (struct rule_sample){ .t0 = t - 1, .t1 = t, .matched = 0, .total = 3 };
		rules_sample(&rs, 0, &s);
		n = rules_tick(&rs, t, out, 16);
		if (t < 107)
			CHECK_EQ_U64(n, 0, "at %d", t);
	}
	/* At 107 the window (102, 107] no longer holds the interval that ended at 101.5. */
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
	/* The peer rule has no counters: its events are its samples; clears after the window. */
	CHECK_EQ_U64(rules_tick(&rs, 10, out, 16), 0);
	CHECK_EQ_U64(rules_tick(&rs, 69.5, out, 16), 0, "the events' interval ended at 10");
	CHECK_EQ_U64(rules_tick(&rs, 70.5, out, 16), 2, "both clear 60 s after it");
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
	RUN(test_event_rate);
	return h_exit();
}

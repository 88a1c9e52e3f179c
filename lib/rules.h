/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Alert rules: what --alert says, parsed, and the engine that decides
 * when an alert starts, repeats and clears.  No clock of its own: every
 * call is given the time (seconds on any monotonic scale), so tests drive
 * it without sleeping.
 *
 * Grammar (words separated by blanks, in any order):
 *
 *     code=LIST           status codes and classes: 503,408,5xx
 *     class=Nxx           a class (the same as code=Nxx)
 *     dir=in|out          one direction (default both)
 *     peer=NAME           responses to or from a named peer
 *     count>N             more than N responses within the window
 *     rate>N/s            more than N responses per second (or N/m, N/h)
 *     ratio>N%            more than N % of all responses (same direction)
 *     for DURATION        rate: sustained that long before it starts
 *     over DURATION       count, ratio: the window (default 60s)
 *     hold DURATION       hold-down between repeats (default 30s)
 *
 * DURATION is a number with ms, s, m or h.  Exactly one condition; a
 * selector (code= or class=) is required.
 *
 * Life of an alert: START when the condition becomes true; while it holds,
 * what happens is folded and said at most once per hold-down window as a
 * REPEAT with the count folded; CLEAR when the condition is false again.
 */
#ifndef SIPSTAT_LIB_RULES_H
#define SIPSTAT_LIB_RULES_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sipstat.h"

#define RULES_MAX 16
#define RULE_TEXT_MAX 160
#define RULE_PEER_MAX 64
#define RULE_SAMPLES 256	/* samples a windowed rule keeps */
#define RULE_DEFAULT_OVER 60.0
#define RULE_DEFAULT_HOLD 30.0

enum rule_kind { RULE_COUNT = 0, RULE_RATE, RULE_RATIO };

struct rule {
	char text[RULE_TEXT_MAX];	/* as given, blanks squeezed */
	uint64_t codes[(SIPSTAT_CODE_SLOTS + 63) / 64];	/* bit per selected code */
	char peer[RULE_PEER_MAX];	/* "" any */
	int dir;			/* enum sipstat_dir, or -1 for both */
	enum rule_kind kind;
	double threshold;		/* count N; rate per second; ratio in % */
	double for_s;			/* rate: sustained this long (0: at once) */
	double over_s;			/* count, ratio: window */
	double hold_s;			/* hold-down between repeats */
};

/* Parse one rule.  0, or -EINVAL with the mistake in why. */
int rule_parse(const char *s, struct rule *r, char *why, size_t len);
/* Is code selected by r? */
bool rule_has_code(const struct rule *r, int code);
/* The default rule: every 6xx, at once. */
void rule_default(struct rule *r);
/* "503,5xx"-style list into a code bit set (cleared first).  0 or -EINVAL with why. */
int rule_parse_codes(const char *s, uint64_t *bits, char *why, size_t len);

enum rule_what { RULE_START = 0, RULE_REPEAT, RULE_CLEAR };
const char *rule_what_name(enum rule_what w);	/* "start", "repeat", "clear" */

/* What an event says, for rules that fire on events (count rules). */
struct rule_event {
	int code;
	int dir;
	const char *peer;	/* named peer of the remote address, NULL when none */
};

/* One alert decided by the engine. */
struct rule_alert {
	enum rule_what what;
	int rule;		/* index in the engine */
	double at;		/* time given to the call */
	double value;		/* count in the window, rate per second or ratio in % */
	uint64_t folded;	/* REPEAT, CLEAR: responses folded since the last line */
	bool from_event;	/* decided on a kernel event (its details go along) */
};

struct rule_sample {
	double t0, t1;		/* interval the counts cover */
	uint64_t matched;	/* responses the rule selects */
	uint64_t total;		/* all responses of the same directions */
};

struct rule_state {
	bool firing;
	double since;		/* START time */
	double last_said;	/* START or last REPEAT */
	double cond_since;	/* rate: condition true since (-1: false) */
	uint64_t folded;
	uint64_t pending;	/* events since the last sample */
	uint64_t fired;		/* times started */
	bool sampled;		/* counters given since the last tick */
	struct rule_sample s[RULE_SAMPLES];
	unsigned int ns, next;
};

struct rules {
	struct rule r[RULES_MAX];
	struct rule_state st[RULES_MAX];
	int n;
	bool peers_loaded;	/* peer= rules are evaluated only then */
};

void rules_init(struct rules *rs);
/* Add a parsed rule.  0 or -ENOSPC. */
int rules_add(struct rules *rs, const struct rule *r);

/*
 * A kernel event at time now: count rules that select it may start (or
 * fold) at once.  Alerts into out (at most max); returns how many.
 */
int rules_event(struct rules *rs, double now, const struct rule_event *ev,
		struct rule_alert *out, int max);

/*
 * The counters of one more interval for rule i (the caller sums what the
 * rule selects); then rules_tick decides for every rule.
 */
void rules_sample(struct rules *rs, int i, const struct rule_sample *s);
int rules_tick(struct rules *rs, double now, struct rule_alert *out, int max);

/* The value rule i's condition looks at now (for messages). */
double rules_value(const struct rules *rs, int i, double now);

#endif

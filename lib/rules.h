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
 * REPEAT with the count folded; CLEAR when the condition is false again;
 * FINAL when the engine stops (rules_final) with what was folded since
 * the last line.
 *
 * A count>0 rule (the default rule among them) is about every occurrence,
 * so it keeps one alert per code, named peer, interface and direction, as
 * Alertmanager groups alerts by their labels: a new code or a new peer
 * starts an alert of its own at once, and repeats fold per alert.  Other
 * rules are about the sum of what they select: one alert per rule.
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
#define RULE_IFACE_MAX 16	/* IF_NAMESIZE */
#define RULE_IDS 64		/* alerts of one count>0 rule at once */
#define RULE_ID_SLICES 16	/* a window counted in slices of over/16 */
/* The most alerts one call can decide: every rule, every alert of each. */
#define RULES_ALERTS_MAX (RULES_MAX * (RULE_IDS + 1))

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
	bool split;			/* count>0: one alert per code, peer, interface, direction */
};

/* Parse one rule.  0, or -EINVAL with the mistake in why. */
int rule_parse(const char *s, struct rule *r, char *why, size_t len);
/* Is code selected by r? */
bool rule_has_code(const struct rule *r, int code);
/* The default rule: every 6xx, at once. */
void rule_default(struct rule *r);
/* "503,5xx"-style list into a code bit set (cleared first).  0 or -EINVAL with why. */
int rule_parse_codes(const char *s, uint64_t *bits, char *why, size_t len);

enum rule_what { RULE_START = 0, RULE_REPEAT, RULE_CLEAR, RULE_FINAL };
const char *rule_what_name(enum rule_what w);	/* "start", "repeat", "clear", "final" */

/* What an event says, for rules that fire on events (count rules). */
struct rule_event {
	int code;
	int dir;
	const char *peer;	/* named peer of the remote address, NULL when none */
	const char *iface;	/* interface it was seen on, NULL when not known */
};

/* What tells the alerts of one count>0 rule apart (their labels). */
struct rule_key {
	int code;
	int dir;			/* enum sipstat_dir */
	char iface[RULE_IFACE_MAX];	/* "": not known */
	char peer[RULE_PEER_MAX];	/* named peer; "": another address, or not known */
};

/* One alert decided by the engine. */
struct rule_alert {
	enum rule_what what;
	int rule;		/* index in the engine */
	double at;		/* time given to the call */
	double value;		/* count in the window, rate per second or ratio in % */
	uint64_t folded;	/* REPEAT, CLEAR, FINAL: responses folded since the last line */
	bool from_event;	/* decided on a kernel event (its details go along) */
	int id;			/* which alert of a count>0 rule (rules_key), -1: the rule's */
};

struct rule_sample {
	double t0, t1;		/* interval the counts cover */
	uint64_t matched;	/* responses the rule selects */
	uint64_t total;		/* all responses of the same directions */
};

/* One alert of a count>0 rule. */
struct rule_id {
	struct rule_key key;
	bool used, firing;
	double since, last_said, last_seen;
	uint64_t folded;
	int64_t slice_at[RULE_ID_SLICES];	/* slice number each count is of */
	uint32_t slice_n[RULE_ID_SLICES];
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
	struct rule_id ids[RULE_IDS];	/* count>0 rules */
	uint64_t overflow;	/* occurrences of further alerts beyond RULE_IDS at once */
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
 * fold) at once.  Alerts into out (at most max, RULES_ALERTS_MAX always
 * suffices); returns how many.
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

/*
 * n responses of k that the counters of the interval ending at now saw
 * and no event told (count>0 rule i; other rules take rules_sample).  One
 * not known from a peer (k->peer "") is folded into the firing alert of
 * the same code, direction and interface that saw one last, if any: the
 * events' rate limit kept it from being told.  Otherwise it is an alert
 * of k, started or folded.  Alerts into out; returns how many.
 */
int rules_counted(struct rules *rs, int i, double now, const struct rule_key *k, uint64_t n,
		  struct rule_alert *out, int max);

/* The alert id of rule i, NULL when there is none. */
const struct rule_key *rules_key(const struct rules *rs, int i, int id);
/* The alert of count>0 rule i that k is, or -1. */
int rules_find(const struct rules *rs, int i, const struct rule_key *k);

/*
 * The engine stops at now: a FINAL of every firing alert that folded
 * something since its last line.  Alerts into out; returns how many.
 */
int rules_final(struct rules *rs, double now, struct rule_alert *out, int max);

#endif

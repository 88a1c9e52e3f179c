// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Alert rules: the parser of --alert and the start/repeat/clear engine. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

const char *rule_what_name(enum rule_what w)
{
	switch (w) {
	case RULE_START:
		return "start";
	case RULE_REPEAT:
		return "repeat";
	case RULE_FINAL:
		return "final";
	default:
		return "clear";
	}
}

bool rule_has_code(const struct rule *r, int code)
{
	if (code < SIPSTAT_CODE_MIN || code > SIPSTAT_CODE_MAX)
		return false;
	return (r->codes[code / 64] >> (code % 64)) & 1;
}

static void set_code(uint64_t *bits, int code)
{
	bits[code / 64] |= 1ULL << (code % 64);
}

int rule_parse_codes(const char *s, uint64_t *bits, char *why, size_t len)
{
	char buf[256], *tok, *save = NULL;
	int c, any = 0;

	memset(bits, 0, sizeof(uint64_t) * ((SIPSTAT_CODE_SLOTS + 63) / 64));
	if (strlen(s) >= sizeof(buf)) {
		snprintf(why, len, "code list too long");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strlen(tok) == 3 && tok[0] >= '1' && tok[0] <= '6' &&
		    tolower((unsigned char)tok[1]) == 'x' && tolower((unsigned char)tok[2]) == 'x') {
			for (c = (tok[0] - '0') * 100; c < (tok[0] - '0') * 100 + 100; c++)
				set_code(bits, c);
		} else if (strlen(tok) == 3 && isdigit((unsigned char)tok[0]) &&
			   isdigit((unsigned char)tok[1]) && isdigit((unsigned char)tok[2]) &&
			   (c = (tok[0] - '0') * 100 + (tok[1] - '0') * 10 + (tok[2] - '0')) >=
				   SIPSTAT_CODE_MIN &&
			   c <= SIPSTAT_CODE_MAX) {
			set_code(bits, c);
		} else {
			snprintf(why, len, "'%s' is not a status code (100-699) or class (1xx-6xx)",
				 tok);
			return -EINVAL;
		}
		any = 1;
	}
	if (!any) {
		snprintf(why, len, "empty code list: give codes like 503,408 or classes like 5xx");
		return -EINVAL;
	}
	return 0;
}

/* "10s", "500ms", "2m", "1h" -> seconds; -1 when not a duration. */
static double parse_duration(const char *s)
{
	char *end;
	double v;

	v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0)
		return -1;
	if (!strcmp(end, "ms"))
		v /= 1000.0;
	else if (!strcmp(end, "s"))
		;
	else if (!strcmp(end, "m"))
		v *= 60.0;
	else if (!strcmp(end, "h"))
		v *= 3600.0;
	else
		return -1;
	return v;
}

static int bad(char *why, size_t len, const char *fmt, const char *arg)
{
	snprintf(why, len, fmt, arg);
	return -EINVAL;
}

void rule_default(struct rule *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->text, sizeof(r->text), "class=6xx count>0");
	rule_parse_codes("6xx", r->codes, r->text, 0);
	r->dir = -1;
	r->kind = RULE_COUNT;
	r->threshold = 0;
	r->over_s = RULE_DEFAULT_OVER;
	r->hold_s = RULE_DEFAULT_HOLD;
	r->split = true;
}

int rule_parse(const char *s, struct rule *r, char *why, size_t len)
{
	char buf[RULE_TEXT_MAX], *tok, *save = NULL, *end;
	bool has_sel = false, has_cond = false, has_for = false, has_over = false;
	double v;
	size_t k;

	memset(r, 0, sizeof(*r));
	r->dir = -1;
	r->hold_s = RULE_DEFAULT_HOLD;
	r->over_s = RULE_DEFAULT_OVER;
	if (strlen(s) >= sizeof(buf))
		return bad(why, len, "rule too long (at most %s characters)", "159");
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		k = strlen(r->text);
		snprintf(r->text + k, sizeof(r->text) - k, "%s%s", k ? " " : "", tok);
		if (!strncmp(tok, "code=", 5) || !strncmp(tok, "class=", 6)) {
			const char *list = strchr(tok, '=') + 1;

			if (has_sel)
				return bad(why, len, "'%s': one code= or class= per rule (codes may be a "
						     "list: code=503,5xx)", tok);
			if (tok[1] == 'l' && !(strlen(list) == 3 && tolower((unsigned char)list[1]) == 'x'))
				return bad(why, len, "'%s': a class is written like 5xx", tok);
			if (rule_parse_codes(list, r->codes, why, len))
				return -EINVAL;
			has_sel = true;
		} else if (!strncmp(tok, "dir=", 4)) {
			if (!strcmp(tok + 4, "in"))
				r->dir = SIPSTAT_DIR_IN;
			else if (!strcmp(tok + 4, "out"))
				r->dir = SIPSTAT_DIR_OUT;
			else
				return bad(why, len, "'%s': the direction is in or out", tok);
		} else if (!strncmp(tok, "peer=", 5)) {
			if (!tok[5] || strlen(tok + 5) >= sizeof(r->peer))
				return bad(why, len, "'%s': a peer name (1-63 characters) is needed", tok);
			snprintf(r->peer, sizeof(r->peer), "%s", tok + 5);
		} else if (!strncmp(tok, "count>", 6) || !strncmp(tok, "rate>", 5) ||
			   !strncmp(tok, "ratio>", 6)) {
			const char *num = strchr(tok, '>') + 1;

			if (has_cond)
				return bad(why, len, "'%s': one condition per rule (count>, rate> or "
						     "ratio>)", tok);
			has_cond = true;
			v = strtod(num, &end);
			if (end == num || !isfinite(v) || v < 0)
				return bad(why, len, "'%s': a number is needed after '>'", tok);
			if (tok[1] == 'o') {	/* count */
				r->kind = RULE_COUNT;
				if (*end || v != floor(v))
					return bad(why, len, "'%s': count>N takes a whole number", tok);
			} else if (tok[2] == 't' && tok[4] == '>') {	/* rate */
				r->kind = RULE_RATE;
				if (!strcmp(end, "/s"))
					;
				else if (!strcmp(end, "/m"))
					v /= 60.0;
				else if (!strcmp(end, "/h"))
					v /= 3600.0;
				else
					return bad(why, len, "'%s': a rate is N/s, N/m or N/h", tok);
			} else {	/* ratio */
				r->kind = RULE_RATIO;
				if (strcmp(end, "%") != 0)
					return bad(why, len, "'%s': a ratio is a percentage, like 5%%", tok);
				if (v > 100)
					return bad(why, len, "'%s': a ratio is at most 100%%", tok);
				if (v >= 100)
					return bad(why, len, "'%s' can never fire: no share is above "
							     "100%%", tok);
			}
			r->threshold = v;
		} else if (!strcmp(tok, "for") || !strcmp(tok, "over") || !strcmp(tok, "hold")) {
			char *d = strtok_r(NULL, " \t", &save);

			if (!d)
				return bad(why, len, "'%s' needs a duration after it, like 10s", tok);
			v = parse_duration(d);
			if (v < 0)
				return bad(why, len, "'%s' is not a duration: use a number with ms, s, "
						     "m or h, like 10s", d);
			k = strlen(r->text);
			snprintf(r->text + k, sizeof(r->text) - k, " %s", d);
			if (tok[0] == 'f') {
				r->for_s = v;
				has_for = true;
			} else if (tok[0] == 'o') {
				if (v <= 0)
					return bad(why, len, "'over %s': the window must be longer than 0", d);
				r->over_s = v;
				has_over = true;
			} else {
				r->hold_s = v;
			}
		} else {
			return bad(why, len, "'%s' is not part of a rule: use code=, class=, dir=, "
					     "peer=, count>, rate>, ratio>, for, over or hold", tok);
		}
	}
	if (!has_sel)
		return bad(why, len, "%swhich responses? give code=N (or a list: 503,5xx) or "
				     "class=Nxx", "");
	if (!has_cond)
		return bad(why, len, "%sno condition: give count>N, rate>N/s or ratio>N%%", "");
	if (has_for && r->kind != RULE_RATE)
		return bad(why, len, "%s'for' goes with rate>; count> and ratio> take 'over'", "");
	if (has_over && r->kind == RULE_RATE)
		return bad(why, len, "%s'over' goes with count> and ratio>; rate> takes 'for'", "");
	r->split = r->kind == RULE_COUNT && r->threshold == 0;
	return 0;
}

void rules_init(struct rules *rs)
{
	int i;

	memset(rs, 0, sizeof(*rs));
	for (i = 0; i < RULES_MAX; i++)
		rs->st[i].cond_since = -1;
}

int rules_add(struct rules *rs, const struct rule *r)
{
	if (rs->n == RULES_MAX)
		return -ENOSPC;
	rs->r[rs->n] = *r;
	memset(&rs->st[rs->n], 0, sizeof(rs->st[0]));
	rs->st[rs->n].cond_since = -1;
	rs->n++;
	return 0;
}

static bool active(const struct rules *rs, int i)
{
	return !rs->r[i].peer[0] || rs->peers_loaded;
}

/* Sums of the samples within the window ending at now. */
static void window(const struct rule_state *st, double now, double over, uint64_t *m,
		   uint64_t *t)
{
	unsigned int k;

	*m = 0;
	*t = 0;
	for (k = 0; k < st->ns; k++) {
		const struct rule_sample *s = &st->s[(st->next + RULE_SAMPLES - 1 - k) % RULE_SAMPLES];

		if (s->t1 <= now - over - 1e-9)
			break;
		*m += s->matched;
		*t += s->total;
	}
}

static const struct rule_sample *latest(const struct rule_state *st)
{
	return st->ns ? &st->s[(st->next + RULE_SAMPLES - 1) % RULE_SAMPLES] : NULL;
}

static double ids_value(const struct rules *rs, int i, double now);

double rules_value(const struct rules *rs, int i, double now)
{
	const struct rule *r = &rs->r[i];
	const struct rule_state *st = &rs->st[i];
	const struct rule_sample *s;
	uint64_t m, t;

	if (r->split)
		return ids_value(rs, i, now);
	switch (r->kind) {
	case RULE_COUNT:
		window(st, now, r->over_s, &m, &t);
		return (double)(m + st->pending);
	case RULE_RATE:
		s = latest(st);
		return s && s->t1 > s->t0 ? (double)s->matched / (s->t1 - s->t0) : 0;
	default:
		window(st, now, r->over_s, &m, &t);
		return t ? 100.0 * (double)m / (double)t : 0;
	}
}

static int emit(struct rule_alert *out, int max, int n, enum rule_what what, int i, double now,
		double value, uint64_t folded, bool ev)
{
	if (n >= max)
		return n;
	out[n].what = what;
	out[n].rule = i;
	out[n].at = now;
	out[n].value = value;
	out[n].folded = folded;
	out[n].from_event = ev;
	out[n].id = -1;
	return n + 1;
}

/* The condition of rule i now is cond; occurrences more responses seen. */
static int step(struct rules *rs, int i, double now, bool cond, uint64_t occurrences, bool ev,
		struct rule_alert *out, int max, int n)
{
	struct rule_state *st = &rs->st[i];
	double value = rules_value(rs, i, now);

	if (!st->firing) {
		if (!cond)
			return n;
		st->firing = true;
		st->since = now;
		st->last_said = now;
		st->folded = 0;
		st->fired++;
		return emit(out, max, n, RULE_START, i, now, value, 0, ev);
	}
	if (!cond) {
		st->firing = false;
		n = emit(out, max, n, RULE_CLEAR, i, now, value, st->folded, ev);
		st->folded = 0;
		return n;
	}
	st->folded += occurrences;
	if (st->folded && now - st->last_said >= rs->r[i].hold_s - 1e-9) {
		n = emit(out, max, n, RULE_REPEAT, i, now, value, st->folded, ev);
		st->folded = 0;
		st->last_said = now;
	}
	return n;
}

/* ----------------------------------------- count>0 rules: one alert per key */

static bool key_eq(const struct rule_key *a, const struct rule_key *b)
{
	return a->code == b->code && a->dir == b->dir && !strcmp(a->iface, b->iface) &&
	       !strcmp(a->peer, b->peer);
}

/* The slice of the rule's window that t falls in. */
static int64_t slice_of(const struct rule *r, double t)
{
	double q = t / (r->over_s / RULE_ID_SLICES);
	int64_t s = (int64_t)q;

	return (double)s > q ? s - 1 : s;	/* floor(), without libm */
}

static void id_count(struct rule_id *id, const struct rule *r, double t, uint64_t n)
{
	int64_t s = slice_of(r, t);
	unsigned int k = (unsigned int)(((s % RULE_ID_SLICES) + RULE_ID_SLICES) % RULE_ID_SLICES);

	if (id->slice_at[k] != s) {
		id->slice_at[k] = s;
		id->slice_n[k] = 0;
	}
	id->slice_n[k] = n > UINT32_MAX - id->slice_n[k] ? UINT32_MAX
							   : id->slice_n[k] + (uint32_t)n;
	if (t > id->last_seen)
		id->last_seen = t;
}

/* Responses of the alert within the window ending at now (to a slice). */
static double id_value(const struct rule_id *id, const struct rule *r, double now)
{
	int64_t lo = slice_of(r, now - r->over_s), hi = slice_of(r, now);
	uint64_t sum = 0;
	unsigned int k;

	for (k = 0; k < RULE_ID_SLICES; k++)
		if (id->slice_at[k] >= lo && id->slice_at[k] <= hi)
			sum += id->slice_n[k];
	return (double)sum;
}

/* Every alert of rule i together. */
static double ids_value(const struct rules *rs, int i, double now)
{
	double sum = 0;
	int j;

	for (j = 0; j < RULE_IDS; j++)
		if (rs->st[i].ids[j].used)
			sum += id_value(&rs->st[i].ids[j], &rs->r[i], now);
	return sum;
}

static int emit_id(struct rule_alert *out, int max, int n, enum rule_what what, int i, int id,
		   double now, double value, uint64_t folded, bool ev)
{
	int k = emit(out, max, n, what, i, now, value, folded, ev);

	if (k > n)
		out[n].id = id;
	return k;
}

int rules_find(const struct rules *rs, int i, const struct rule_key *k)
{
	int j;

	for (j = 0; j < RULE_IDS; j++)
		if (rs->st[i].ids[j].used && key_eq(&rs->st[i].ids[j].key, k))
			return j;
	return -1;
}

const struct rule_key *rules_key(const struct rules *rs, int i, int id)
{
	if (i < 0 || i >= rs->n || id < 0 || id >= RULE_IDS || !rs->st[i].ids[id].used)
		return NULL;
	return &rs->st[i].ids[id].key;
}

/*
 * The alert of key k: found, or made in a free place, or in the place of
 * the quiet alert seen least recently.  -1 when every place is firing.
 */
static int id_get(struct rules *rs, int i, const struct rule_key *k)
{
	struct rule_state *st = &rs->st[i];
	int j, quiet = -1;

	j = rules_find(rs, i, k);
	if (j >= 0)
		return j;
	for (j = 0; j < RULE_IDS; j++) {
		if (!st->ids[j].used) {
			quiet = j;
			break;
		}
		if (!st->ids[j].firing &&
		    (quiet < 0 || st->ids[j].last_seen < st->ids[quiet].last_seen))
			quiet = j;
	}
	if (quiet < 0)
		return -1;
	memset(&st->ids[quiet], 0, sizeof(st->ids[quiet]));
	st->ids[quiet].used = true;
	st->ids[quiet].key = *k;
	return quiet;
}

/* n more responses of alert j of rule i, seen at t, decided at now. */
static int id_occur(struct rules *rs, int i, int j, double now, double t, uint64_t n, bool ev,
		    struct rule_alert *out, int max, int nout)
{
	const struct rule *r = &rs->r[i];
	struct rule_id *id = &rs->st[i].ids[j];

	id_count(id, r, t, n);
	if (!id->firing) {
		id->firing = true;
		id->since = now;
		id->last_said = now;
		id->folded = n - 1;	/* the start tells of one */
		rs->st[i].fired++;
		return emit_id(out, max, nout, RULE_START, i, j, now, id_value(id, r, now), 0, ev);
	}
	id->folded += n;
	if (now - id->last_said >= r->hold_s - 1e-9) {
		nout = emit_id(out, max, nout, RULE_REPEAT, i, j, now, id_value(id, r, now),
			       id->folded, ev);
		id->folded = 0;
		id->last_said = now;
	}
	return nout;
}

static int ids_event(struct rules *rs, int i, double now, const struct rule_event *ev,
		     struct rule_alert *out, int max, int n)
{
	struct rule_key k = { .code = ev->code, .dir = ev->dir };
	int j;

	snprintf(k.iface, sizeof(k.iface), "%s", ev->iface ? ev->iface : "");
	snprintf(k.peer, sizeof(k.peer), "%s", ev->peer ? ev->peer : "");
	j = id_get(rs, i, &k);
	if (j < 0) {
		rs->st[i].overflow++;
		return n;
	}
	return id_occur(rs, i, j, now, now, 1, true, out, max, n);
}

/* Firing alerts of rule i: cleared once their window is empty, or said again after the hold-down. */
static int ids_tick(struct rules *rs, int i, double now, struct rule_alert *out, int max, int n)
{
	const struct rule *r = &rs->r[i];
	int j;

	for (j = 0; j < RULE_IDS; j++) {
		struct rule_id *id = &rs->st[i].ids[j];

		if (!id->used || !id->firing)
			continue;
		if (now - id->last_seen >= r->over_s - 1e-9) {
			id->firing = false;
			n = emit_id(out, max, n, RULE_CLEAR, i, j, now, 0, id->folded, false);
			id->folded = 0;
		} else if (id->folded && now - id->last_said >= r->hold_s - 1e-9) {
			n = emit_id(out, max, n, RULE_REPEAT, i, j, now, id_value(id, r, now),
				    id->folded, false);
			id->folded = 0;
			id->last_said = now;
		}
	}
	return n;
}

int rules_counted(struct rules *rs, int i, double now, const struct rule_key *k, uint64_t n,
		  struct rule_alert *out, int max)
{
	const struct rule *r = &rs->r[i];
	struct rule_state *st = &rs->st[i];
	int j, last = -1;

	if (!n || !r->split || !active(rs, i) || !rule_has_code(r, k->code) ||
	    (r->dir >= 0 && r->dir != k->dir) || (r->peer[0] && strcmp(r->peer, k->peer) != 0))
		return 0;
	if (!k->peer[0]) {
		for (j = 0; j < RULE_IDS; j++) {
			const struct rule_id *id = &st->ids[j];

			if (id->used && id->firing && id->key.code == k->code &&
			    id->key.dir == k->dir && !strcmp(id->key.iface, k->iface) &&
			    (last < 0 || id->last_seen > st->ids[last].last_seen))
				last = j;
		}
	}
	j = last >= 0 ? last : id_get(rs, i, k);
	if (j < 0) {
		st->overflow += n;
		return 0;
	}
	return id_occur(rs, i, j, now, now, n, false, out, max, 0);
}

int rules_final(struct rules *rs, double now, struct rule_alert *out, int max)
{
	int i, j, n = 0;

	for (i = 0; i < rs->n; i++) {
		struct rule_state *st = &rs->st[i];

		if (!active(rs, i))
			continue;
		if (!rs->r[i].split) {
			if (st->firing && st->folded)
				n = emit(out, max, n, RULE_FINAL, i, now, rules_value(rs, i, now),
					 st->folded, false);
			st->folded = 0;
			continue;
		}
		for (j = 0; j < RULE_IDS; j++) {
			struct rule_id *id = &st->ids[j];

			if (id->used && id->firing && id->folded)
				n = emit_id(out, max, n, RULE_FINAL, i, j, now,
					    id_value(id, &rs->r[i], now), id->folded, false);
			id->folded = 0;
		}
	}
	return n;
}

int rules_event(struct rules *rs, double now, const struct rule_event *ev,
		struct rule_alert *out, int max)
{
	int i, n = 0;

	for (i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->r[i];

		if (r->kind != RULE_COUNT || !active(rs, i) || !rule_has_code(r, ev->code) ||
		    (r->dir >= 0 && r->dir != ev->dir) ||
		    (r->peer[0] && (!ev->peer || strcmp(ev->peer, r->peer) != 0)))
			continue;
		if (r->split) {
			n = ids_event(rs, i, now, ev, out, max, n);
			continue;
		}
		rs->st[i].pending++;
		n = step(rs, i, now, rules_value(rs, i, now) > r->threshold, 1, true, out, max, n);
	}
	return n;
}

static void push(struct rule_state *st, const struct rule_sample *s)
{
	st->s[st->next] = *s;
	st->next = (st->next + 1) % RULE_SAMPLES;
	if (st->ns < RULE_SAMPLES)
		st->ns++;
}

void rules_sample(struct rules *rs, int i, const struct rule_sample *s)
{
	struct rule_state *st = &rs->st[i];
	struct rule_sample x = *s;
	uint64_t extra;

	if (rs->r[i].split)
		return;	/* rules_counted, per alert */
	/* Events already seen of this interval are in the counters too. */
	extra = x.matched > st->pending ? x.matched - st->pending : 0;
	if (x.matched < st->pending)
		x.matched = st->pending;
	if (st->firing && rs->r[i].kind == RULE_COUNT)
		st->folded += extra;
	st->pending = 0;
	push(st, &x);
	st->sampled = true;
}

int rules_tick(struct rules *rs, double now, struct rule_alert *out, int max)
{
	int i, n = 0;

	for (i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->r[i];
		struct rule_state *st = &rs->st[i];
		const struct rule_sample *s;
		uint64_t occ = 0;
		bool cond;

		if (!active(rs, i))
			continue;
		if (r->split) {
			n = ids_tick(rs, i, now, out, max, n);
			continue;
		}
		if (!st->sampled) {
			/* No counters for this rule (a peer rule): its events are the samples. */
			struct rule_sample x = { .t0 = latest(st) ? latest(st)->t1 : now, .t1 = now,
						 .matched = st->pending };

			st->pending = 0;
			push(st, &x);
		}
		st->sampled = false;
		s = latest(st);
		if (r->kind != RULE_COUNT && s)
			occ = s->matched;
		if (r->kind == RULE_RATE) {
			cond = rules_value(rs, i, now) > r->threshold;
			if (!cond)
				st->cond_since = -1;
			else if (st->cond_since < 0)
				st->cond_since = s ? s->t0 : now;
			if (cond && now - st->cond_since < r->for_s - 1e-9)
				cond = st->firing;	/* not yet long enough; a firing one stays */
		} else {
			cond = rules_value(rs, i, now) > r->threshold;
		}
		n = step(rs, i, now, cond, occ, false, out, max, n);
	}
	return n;
}

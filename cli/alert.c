// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Alerts: events from the ring buffers, the counters (and per-peer
 * counts) at each interval, the rules, and the delivery of each alert
 * (stderr or the live view, -o json, syslog or the journal, the hook of
 * alert_hook.c).
 *
 * Every alert says the same fields wherever it goes: its text line, its
 * JSON object, the journal's fields and the hook's variables are made
 * from one struct alert_fields, a field that is not known being left out
 * (JSON) or empty (variables, arguments).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-journal.h>
#endif

#include "alert.h"
#include "cli.h"
#include "codes.h"
#include "counters.h"
#include "fmt.h"
#include "loop.h"
#include "obj.h"
#include "out/json.h"
#include "out/model.h"
#include "pin.h"

/* ------------------------------------------------------------- an alert */

enum alert_from {
	FROM_COUNTERS = 0,	/* the counters of an interval: no address */
	FROM_EVENT,		/* a kernel event: the frame's addresses, ports, method */
	FROM_FAILING,		/* the counters, and the interval's top failing address */
};

static const char *const from_names[] = { "counters", "event", "failing" };

/* Everything one alert says, as text. */
struct alert_fields {
	const char *what;	/* start, repeat, clear, final */
	char time[40];
	const char *iface;
	const char *rule;
	const char *kind;	/* count, rate, ratio */
	double value;
	uint64_t folded;
	int code;		/* 0 when the alert is not about one code */
	const char *reason, *cls;	/* "" without a code */
	const char *dir;	/* in, out, "" */
	const char *method;	/* "" when unknown */
	const char *peer;	/* named peer, "" none */
	enum alert_from from;
	char remote[INET6_ADDRSTRLEN];	/* "" none */
	int rport;		/* 0: none */
	char local[INET6_ADDRSTRLEN];
	int lport;
	int nvlan, vlan[2];
	double latency_ms;	/* frame to now, -1 unless a kernel event decided it */
	uint64_t event_ns;	/* the frame's kernel time, 0 without an event */
	uint64_t frame_real_ns;	/* the same on CLOCK_REALTIME */
};

static const char *kind_name(enum rule_kind k)
{
	return k == RULE_COUNT ? "count" : k == RULE_RATE ? "rate" : "ratio";
}

/* The rule's one code, or 0 when it selects several. */
static int single_code(const struct rule *r)
{
	int c, found = 0;

	for (c = SIPSTAT_CODE_MIN; c <= SIPSTAT_CODE_MAX; c++) {
		if (!rule_has_code(r, c))
			continue;
		if (found)
			return 0;
		found = c;
	}
	return found;
}

static void value_text(const struct alert_fields *f, char *buf, size_t len)
{
	if (!strcmp(f->kind, "rate"))
		snprintf(buf, len, "%.1f/s", f->value);
	else if (!strcmp(f->kind, "ratio"))
		snprintf(buf, len, "%.1f%%", f->value);
	else
		snprintf(buf, len, "%.0f in the window", f->value);
}

/*
 * What the alert is about: "603 Decline received from 198.18.0.2:5060
 * (peer carrier-b, INVITE)", "603 Decline received (peer carrier-a)",
 * "12.0/s, mostly from 198.18.0.2 (peer carrier-a)", or "".
 */
static void describe(const struct alert_fields *f, char *buf, size_t len)
{
	bool out = !strcmp(f->dir, "out"), start = !strcmp(f->what, "start");
	char val[48] = "", where[128] = "", port[16] = "";
	size_t k = 0;

	if (start && strcmp(f->kind, "count") != 0)
		value_text(f, val, sizeof(val));
	if (f->rport)
		snprintf(port, sizeof(port), ":%d", f->rport);
	if (f->remote[0] && f->from == FROM_FAILING)
		snprintf(where, sizeof(where), "mostly %s %s", out ? "to" : "from", f->remote);
	else if (f->remote[0])
		snprintf(where, sizeof(where), "%s %s%s", out ? "sent to" : "received from", f->remote,
			 port);
	else if (f->code && f->dir[0])
		snprintf(where, sizeof(where), "%s", out ? "sent" : "received");
	buf[0] = '\0';
	if (f->code)
		k += (size_t)snprintf(buf + k, len - k, "%d %s", f->code, f->reason);
	if (val[0] && k < len)
		k += (size_t)snprintf(buf + k, len - k, "%s%s", k ? " " : "", val);
	if (where[0] && k < len)
		k += (size_t)snprintf(buf + k, len - k, "%s%s", !k ? "" : val[0] ? ", " : " ", where);
	if ((f->peer[0] || f->method[0]) && k < len)
		snprintf(buf + k, len - k, "%s(%s%s%s%s)", k ? " " : "", f->peer[0] ? "peer " : "",
			 f->peer, f->peer[0] && f->method[0] ? ", " : "", f->method);
}

static void text_line(const struct alert_fields *f, char *buf, size_t len)
{
	char desc[320], val[48];
	const char *sep;
	size_t k;

	describe(f, desc, sizeof(desc));
	value_text(f, val, sizeof(val));
	sep = desc[0] ? ": " : "";
	k = (size_t)snprintf(buf, len, "ALERT %s %s ", f->time, f->iface);
	if (k >= len)
		return;
	if (!strcmp(f->what, "start"))
		snprintf(buf + k, len - k, "%s%s[%s]", desc, desc[0] ? " " : "", f->rule);
	else if (!strcmp(f->what, "repeat"))
		snprintf(buf + k, len - k, "%s%s%" PRIu64 " more, %s [%s]", desc, sep, f->folded, val,
			 f->rule);
	else if (!strcmp(f->what, "final"))
		snprintf(buf + k, len - k, "%s%s%" PRIu64 " more since the last line, %s; sipstat "
			 "is stopping [%s]", desc, sep, f->folded, val, f->rule);
	else if (desc[0])
		snprintf(buf + k, len - k, "%s: clear, %s, %" PRIu64 " more since the last line [%s]",
			 desc, val, f->folded, f->rule);
	else
		snprintf(buf + k, len - k, "clear: %s, %" PRIu64 " more since the last line [%s]", val,
			 f->folded, f->rule);
}

static void alert_json(FILE *out, const struct alert_fields *f)
{
	struct json j;
	int i;

	json_init(&j, out);
	json_object(&j);
	/* "type" first, as alerts always began: readers tell them from reports by it. */
	json_kstr(&j, "type", "alert");
	json_key(&j, "schema");
	json_int(&j, OUT_SCHEMA);
	json_kstr(&j, "alert", f->what);
	json_kstr(&j, "time", f->time);
	json_kstr(&j, "host", cli_hostname());
	json_kstr(&j, "interface", f->iface);
	json_kstr(&j, "rule", f->rule);
	json_kstr(&j, "condition", f->kind);
	json_key(&j, "value");
	json_sig(&j, f->value, 6);
	json_ku64(&j, "folded", f->folded);
	if (f->code) {
		json_key(&j, "code");
		json_int(&j, f->code);
		json_kstr(&j, "reason", f->reason);
		json_kstr(&j, "class", f->cls);
	}
	if (f->dir[0])
		json_kstr(&j, "direction", f->dir);
	if (f->method[0])
		json_kstr(&j, "method", f->method);
	if (f->peer[0])
		json_kstr(&j, "peer", f->peer);
	json_kstr(&j, "from", from_names[f->from]);
	if (f->remote[0]) {
		json_key(&j, "remote");
		json_object(&j);
		json_kstr(&j, "address", f->remote);
		if (f->rport) {
			json_key(&j, "port");
			json_int(&j, f->rport);
		}
		json_object_end(&j);
	}
	if (f->from == FROM_EVENT) {
		json_key(&j, "local");
		json_object(&j);
		json_kstr(&j, "address", f->local);
		json_key(&j, "port");
		json_int(&j, f->lport);
		json_object_end(&j);
		json_key(&j, "vlan");
		json_array(&j);
		for (i = 0; i < f->nvlan; i++)
			json_int(&j, f->vlan[i]);
		json_array_end(&j);
	}
	if (f->latency_ms >= 0) {
		json_key(&j, "latency_ms");
		json_fixed(&j, f->latency_ms, 3);
	}
	json_object_end(&j);
}

/* ------------------------------------------------- variables, arguments, journal */

#define VARS 24
#define VAR_LEN 256

struct alert_vars {
	char s[VARS][VAR_LEN];	/* "SIPSTAT_NAME=value" */
	int n;
};

static void var(struct alert_vars *v, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void var(struct alert_vars *v, const char *name, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (v->n >= VARS)
		return;
	w = snprintf(v->s[v->n], VAR_LEN, "SIPSTAT_%s=", name);
	va_start(ap, fmt);
	vsnprintf(v->s[v->n] + w, VAR_LEN - (size_t)w, fmt, ap);
	va_end(ap);
	v->n++;
}

/*
 * The alert as SIPSTAT_* variables (the hook's environment, the journal's
 * fields): one per field of the JSON object, the same value, "" when
 * the field is not known.
 */
static void fields_vars(const struct alert_fields *f, struct alert_vars *v)
{
	char vlan[24] = "";

	if (f->nvlan == 1)
		snprintf(vlan, sizeof(vlan), "%d", f->vlan[0]);
	else if (f->nvlan == 2)
		snprintf(vlan, sizeof(vlan), "%d,%d", f->vlan[0], f->vlan[1]);
	v->n = 0;
	var(v, "SCHEMA", "%d", OUT_SCHEMA);
	var(v, "ALERT", "%s", f->what);
	var(v, "TIME", "%s", f->time);
	var(v, "HOST", "%s", cli_hostname());
	var(v, "INTERFACE", "%s", f->iface);
	var(v, "RULE", "%s", f->rule);
	var(v, "CONDITION", "%s", f->kind);
	var(v, "VALUE", "%.6g", f->value);
	var(v, "FOLDED", "%" PRIu64, f->folded);
	if (f->code)
		var(v, "CODE", "%d", f->code);
	else
		var(v, "CODE", "%s", "");
	var(v, "REASON", "%s", f->reason);
	var(v, "CLASS", "%s", f->cls);
	var(v, "DIRECTION", "%s", f->dir);
	var(v, "METHOD", "%s", f->method);
	var(v, "PEER", "%s", f->peer);
	var(v, "FROM", "%s", from_names[f->from]);
	var(v, "REMOTE_ADDR", "%s", f->remote);
	if (f->rport)
		var(v, "REMOTE_PORT", "%d", f->rport);
	else
		var(v, "REMOTE_PORT", "%s", "");
	var(v, "LOCAL_ADDR", "%s", f->local);
	if (f->from == FROM_EVENT)
		var(v, "LOCAL_PORT", "%d", f->lport);
	else
		var(v, "LOCAL_PORT", "%s", "");
	var(v, "VLAN", "%s", vlan);
	if (f->latency_ms >= 0)
		var(v, "LATENCY_MS", "%.3f", f->latency_ms);
	else
		var(v, "LATENCY_MS", "%s", "");
	if (f->event_ns) {
		var(v, "EVENT_NS", "%" PRIu64, f->event_ns);
		var(v, "FRAME_TIME_NS", "%" PRIu64, f->frame_real_ns);
	} else {
		var(v, "EVENT_NS", "%s", "");
		var(v, "FRAME_TIME_NS", "%s", "");
	}
}

/* The value of a variable of v ("" when not there). */
static const char *var_value(const struct alert_vars *v, const char *name)
{
	size_t l = strlen(name);
	int i;

	for (i = 0; i < v->n; i++)
		if (!strncmp(v->s[i] + 8, name, l) && v->s[i][8 + l] == '=')
			return v->s[i] + 8 + l + 1;
	return "";
}

#define ENVS (VARS + 16)

/*
 * The hook: arguments ALERT CODE REASON IFACE REMOTE_ADDR REMOTE_PORT
 * RULE, the same values as the variables of those names; the variables;
 * SIPSTAT_JSON; and the variables sipstat passes on (alert_hooks_pass_env).
 */
static void run_hook(struct alerter *al, const struct alert_fields *f,
		     const struct alert_vars *v)
{
	static char json[2048], jvar[sizeof(json) + 16];
	static const char *const args[] = { "ALERT", "CODE", "REASON", "INTERFACE",
					     "REMOTE_ADDR", "REMOTE_PORT", "RULE" };
	char *argv[9], *env[ENVS];
	FILE *m;
	int i, n = 0;

	m = fmemopen(json, sizeof(json), "w");
	if (m) {
		alert_json(m, f);
		fputc('\0', m);
		fclose(m);
	}
	json[sizeof(json) - 1] = '\0';
	argv[0] = (char *)al->o->exec;
	for (i = 0; i < 7; i++)
		argv[i + 1] = (char *)var_value(v, args[i]);
	argv[8] = NULL;
	for (i = 0; i < v->n && n < ENVS - 2; i++)
		env[n++] = (char *)v->s[i];
	snprintf(jvar, sizeof(jvar), "SIPSTAT_JSON=%s", json);
	env[n++] = jvar;
	env[n] = NULL;
	alert_hooks_pass_env(env, &n, ENVS);
	alert_hooks_run(al, argv, env);
}

static void log_alert(struct alerter *al, const struct alert_fields *f,
		      const struct alert_vars *v, const char *line)
{
	int prio = !strcmp(f->what, "clear") ? LOG_NOTICE : LOG_ALERT;

#ifdef HAVE_LIBSYSTEMD
	if (al->o->log == ALERT_LOG_JOURNAL) {
		struct iovec iov[VARS + 3];
		char msg[640], pr[16];
		int i, n = 0;

		snprintf(msg, sizeof(msg), "MESSAGE=%s", line + 6);
		snprintf(pr, sizeof(pr), "PRIORITY=%d", prio);
		iov[n++] = (struct iovec){ msg, strlen(msg) };
		iov[n++] = (struct iovec){ pr, strlen(pr) };
		iov[n++] = (struct iovec){ (char *)"SYSLOG_IDENTIFIER=sipstat", 25 };
		for (i = 0; i < v->n; i++)
			if (v->s[i][strlen(v->s[i]) - 1] != '=')	/* only what is known */
				iov[n++] = (struct iovec){ (char *)v->s[i], strlen(v->s[i]) };
		sd_journal_sendv(iov, n);
		return;
	}
#else
	(void)v;
#endif
	syslog(LOG_DAEMON | prio, "%s", line + 6);
}

/* ------------------------------------------------------------ last events */

/* The place of the last event of alert id of rule i (id -1: the rule's own). */
static struct alert_last *last_of(struct alerter *al, int i, int id)
{
	return &al->last[i * (RULE_IDS + 1) + (id < 0 ? RULE_IDS : id)];
}

static void last_set(struct alert_last *l, const struct event_info *ev, const char *iface,
		     const char *peer)
{
	l->ev = *ev;
	/* remote and local point into the copy's own addresses. */
	l->ev.remote = ev->dir == SIPSTAT_DIR_OUT ? l->ev.dst : l->ev.src;
	l->ev.local = ev->dir == SIPSTAT_DIR_OUT ? l->ev.src : l->ev.dst;
	snprintf(l->iface, sizeof(l->iface), "%s", iface);
	snprintf(l->peer, sizeof(l->peer), "%s", peer);
	l->has = true;
}

static void fields_event(struct alert_fields *f, const struct alert_last *l)
{
	const struct event_info *ev = &l->ev;
	const char *m = ev->method ? counters_method_name(ev->method) : NULL;

	f->from = FROM_EVENT;
	f->dir = counters_dir_name(ev->dir) ? counters_dir_name(ev->dir) : "";
	f->method = m ? m : "";
	if (l->peer[0])
		f->peer = l->peer;
	snprintf(f->remote, sizeof(f->remote), "%s", ev->remote);
	snprintf(f->local, sizeof(f->local), "%s", ev->local);
	f->rport = ev->rport;
	f->lport = ev->lport;
	f->nvlan = ev->nvlan;
	f->vlan[0] = ev->vlan[0];
	f->vlan[1] = ev->vlan[1];
	f->event_ns = ev->ts_ns;
	f->frame_real_ns = (uint64_t)ev->real.tv_sec * 1000000000ULL + (uint64_t)ev->real.tv_nsec;
	f->iface = l->iface;
}

/* ------------------------------------------------------------ peers */

/* The id and name of the named peer of addr behind s (0 and "" for none). */
static uint32_t peer_of(const struct alert_src *s, const uint8_t addr[16], const char **name)
{
	struct sipstat_peer_prefix key = { .prefixlen = 128 };
	__u32 id = 0;

	*name = "";
	if (!s->maps || s->maps->peers_fd < 0 || !s->names || s->names->npeers <= 0)
		return 0;
	memcpy(key.addr, addr, 16);
	if (bpf_map_lookup_elem(s->maps->peers_fd, &key, &id) || !id || id > SIPSTAT_PEERS_MAX)
		return 0;
	if (s->names->names[id][0])
		*name = s->names->names[id];
	return id;
}

static const char *peer_name(const struct alert_src *s, uint32_t id)
{
	if (!s->names || !id || id > SIPSTAT_PEERS_MAX)
		return "";
	return s->names->names[id];
}

/* ------------------------------------------------------------ top failing address */

/* The classes of failing addresses (4, 5, 6) a rule selects codes of. */
static unsigned int rule_classes(const struct rule *r)
{
	unsigned int m = 0;
	int c;

	for (c = 400; c <= SIPSTAT_CODE_MAX; c++)
		if (rule_has_code(r, c))
			m |= 1U << (c / 100);
	return m;
}

/*
 * The address that sent (or was sent) the most failures of rule r's
 * classes in the last interval, of its peer when it names one (by total
 * when none failed in the interval).  True with f filled.
 */
static bool top_failing(const struct alerter *al, const struct rule *r, struct alert_fields *f)
{
	const struct failing_entry *best = NULL;
	const struct alert_src *bs = NULL;
	unsigned int cls = rule_classes(r);
	const char *name, *bname = "";
	int k, i;

	for (k = 0; k < al->n; k++) {
		const struct alert_src *s = &al->src[k];
		const struct failing *fl = &s->fl[s->fcur];

		if (!s->fl_ok)
			continue;
		for (i = 0; i < fl->n; i++) {
			const struct failing_entry *x = &fl->e[i];

			if (!(cls & 1U << x->cls) || (r->dir >= 0 && x->dir != r->dir) || !x->total)
				continue;
			if (best && (x->delta < best->delta ||
				     (x->delta == best->delta && x->total <= best->total)))
				continue;
			peer_of(s, x->addr, &name);
			if (r->peer[0] && strcmp(name, r->peer) != 0)
				continue;
			best = x;
			bs = s;
			bname = name;
		}
	}
	if (!best)
		return false;
	f->from = FROM_FAILING;
	peers_addr_format(best->addr, f->remote, sizeof(f->remote));
	f->dir = counters_dir_name(best->dir) ? counters_dir_name(best->dir) : "";
	if (!f->peer[0])
		f->peer = bname;
	f->iface = bs->ifname;
	return true;
}

/* --------------------------------------------------------------- delivery */

static void deliver(struct alerter *al, const struct rule_alert *a, const char *iface)
{
	const struct rule *r = &al->rules.r[a->rule];
	const struct rule_key *key = rules_key(&al->rules, a->rule, a->id);
	struct alert_last *l = last_of(al, a->rule, a->id);
	struct alert_fields f = { 0 };
	struct alert_vars v;
	struct timespec now;
	char line[600];
	int cls;

	f.what = rule_what_name(a->what);
	f.iface = iface;
	f.rule = r->text;
	f.kind = kind_name(r->kind);
	f.value = a->value;
	f.folded = a->folded;
	f.dir = r->dir >= 0 && counters_dir_name(r->dir) ? counters_dir_name(r->dir) : "";
	f.method = "";
	f.peer = r->peer;
	f.latency_ms = -1;
	f.code = key ? key->code : single_code(r);
	if (key) {
		f.dir = counters_dir_name(key->dir) ? counters_dir_name(key->dir) : "";
		if (key->peer[0])
			f.peer = key->peer;
		if (key->iface[0])
			f.iface = key->iface;
	}
	if (key && a->what == RULE_START && !a->from_event)
		l->has = false;	/* a new alert from the counters: no frame of its own yet */
	if (r->kind == RULE_COUNT && l->has)
		fields_event(&f, l);
	else if (r->kind != RULE_COUNT)
		top_failing(al, r, &f);
	if (a->from_event && l->has) {
		/* Decided on this frame: its time, and how long it took to get here. */
		f.latency_ms = (events_now() - l->ev.mono) * 1000.0;
		fmt_time(f.time, sizeof(f.time), &l->ev.real);
	} else {
		clock_gettime(CLOCK_REALTIME, &now);
		fmt_time(f.time, sizeof(f.time), &now);
	}
	f.reason = f.cls = "";
	if (f.code) {
		f.reason = sip_code_reason(f.code);
		cls = sip_code_class(f.code);
		f.cls = sip_class_label(cls) ? sip_class_label(cls) : "";
	}
	text_line(&f, line, sizeof(line));
	if (al->to_view)
		al->to_view(al->view_ctx, f.iface, f.code, line);
	else
		fprintf(stderr, "%s\n", line);
	if (al->json && al->json_out) {
		alert_json(al->json_out, &f);
		fputc('\n', al->json_out);
		fflush(al->json_out);
	}
	fields_vars(&f, &v);
	if (al->o->log != ALERT_LOG_NONE)
		log_alert(al, &f, &v, line);
	if (al->o->exec)
		run_hook(al, &f, &v);
}

static void deliver_all(struct alerter *al, int n, const char *iface)
{
	int i;

	for (i = 0; i < n; i++)
		deliver(al, &al->a[i], iface);
}

/* More alerts of a rule at once than it keeps apart: said once per burst. */
static void overflow_notice(struct alerter *al)
{
	int i;

	for (i = 0; i < al->rules.n; i++) {
		uint64_t o = al->rules.st[i].overflow;

		if (o == al->overflow_said[i])
			continue;
		if (!al->overflow_said[i] || o / 1000 != al->overflow_said[i] / 1000)
			alert_say(al, "alert rule [%s]: more than %d alerts at once; %" PRIu64
				  " response(s) of further ones counted, not told apart",
				  al->rules.r[i].text, RULE_IDS, o);
		al->overflow_said[i] = o;
	}
}

/* ----------------------------------------------------------------- events */

static void told_add(struct alert_src *s, int dir, int code, uint32_t id)
{
	int i;

	for (i = 0; i < s->ntold; i++) {
		struct alert_told *t = &s->told[i];

		if (t->code == code && t->dir == dir && t->id == id) {
			t->n++;
			return;
		}
	}
	if (s->ntold < ALERT_TOLD_MAX)
		s->told[s->ntold++] = (struct alert_told){ .code = (uint16_t)code,
							   .dir = (uint8_t)dir,
							   .id = (uint8_t)id, .n = 1 };
}

/* Events of (dir, code) told this interval, of peer id (or of any, id < 0). */
static uint64_t told_of(const struct alert_src *s, int dir, int code, long id)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < s->ntold; i++)
		if (s->told[i].code == code && s->told[i].dir == dir &&
		    (id < 0 || s->told[i].id == id))
			n += s->told[i].n;
	return n;
}

static bool event_matches(const struct rule *r, const struct rule_event *re)
{
	return r->kind == RULE_COUNT && rule_has_code(r, re->code) &&
	       (r->dir < 0 || r->dir == re->dir) &&
	       (!r->peer[0] || (re->peer && !strcmp(re->peer, r->peer)));
}

static int on_event(void *ctx, const struct sipstat_event *e)
{
	struct alert_src *s = ctx;
	struct alerter *al = s->al;
	struct event_info ev;
	struct rule_event re;
	const char *peer;
	uint32_t id;
	int i, n;

	al->events++;
	events_decode(e, &ev);
	id = peer_of(s, ev.remote_addr, &peer);
	if (s->names && s->names->npeers > 0)
		al->rules.peers_loaded = true;
	told_add(s, ev.dir, ev.code, id);
	re = (struct rule_event){ .code = ev.code, .dir = ev.dir, .peer = peer[0] ? peer : NULL,
				  .iface = s->ifname };
	n = rules_event(&al->rules, ev.mono, &re, al->a, RULES_ALERTS_MAX);
	/* Each alert the event belongs to keeps it, for this line and those that follow. */
	for (i = 0; i < al->rules.n; i++) {
		const struct rule *r = &al->rules.r[i];
		struct rule_key k = { .code = ev.code, .dir = ev.dir };
		int j = -1;

		if (!event_matches(r, &re))
			continue;
		if (r->split) {
			snprintf(k.iface, sizeof(k.iface), "%s", s->ifname);
			snprintf(k.peer, sizeof(k.peer), "%s", peer);
			j = rules_find(&al->rules, i, &k);
			if (j < 0)
				continue;	/* beyond RULE_IDS */
		}
		last_set(last_of(al, i, j), &ev, s->ifname, peer);
	}
	deliver_all(al, n, s->ifname);
	overflow_notice(al);
	return 0;
}

static int on_ring(struct loop *l, int fd, uint32_t events, void *ctx)
{
	events_consumer_consume(ctx);
	return 0;
}

void alerter_drain(struct alerter *al)
{
	int i;

	for (i = 0; i < al->n; i++)
		if (al->src[i].rb)
			events_consumer_consume(al->src[i].rb);
}

/* ----------------------------------------------------------------- sources */

/* The source of ifname, made when new; NULL when there are too many. */
static struct alert_src *src_get(struct alerter *al, const char *ifname)
{
	struct alert_src *s;
	int i;

	for (i = 0; i < al->n; i++)
		if (!strcmp(al->src[i].ifname, ifname))
			return &al->src[i];
	if (al->n == ALERT_MAX_IFACES)
		return NULL;
	s = &al->src[al->n++];
	memset(s, 0, sizeof(*s));
	s->al = al;
	s->events_fd = s->cfg_fd = s->lock_fd = -1;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	return s;
}

static void src_close(struct alert_src *s, struct loop *l)
{
	if (s->rb) {
		if (l)
			loop_del(l, events_consumer_fd(s->rb));
		events_consumer_free(s->rb);
		s->al->consuming--;
	}
	s->rb = NULL;
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	if (s->events_fd >= 0)
		close(s->events_fd);
	if (s->cfg_fd >= 0)
		close(s->cfg_fd);
	s->lock_fd = s->events_fd = s->cfg_fd = -1;
}

static void src_free(struct alert_src *s)
{
	src_close(s, NULL);
	peers_counts_free(&s->pc[0]);
	peers_counts_free(&s->pc[1]);
	failing_free(&s->fl[0]);
	failing_free(&s->fl[1]);
	free(s->pd);
	s->pd = NULL;
}

int alert_events_own(const char *ifname, struct sipstat_bpf *skel, int *events_fd, int *cfg_fd,
		     char *msg, size_t msglen)
{
	int fd = obj_prog_fd(skel), e;

	/* Without XDP (--mode tc, --direction out) the TC programs have the same maps. */
	if (fd < 0)
		fd = obj_tc_fd(skel, SIPSTAT_DIR_IN);
	if (fd < 0)
		fd = obj_tc_fd(skel, SIPSTAT_DIR_OUT);
	e = fd >= 0 ? events_maps_of_prog(fd, events_fd, cfg_fd) : -ENOENT;
	if (e)
		snprintf(msg, msglen, "%s: no kernel events (%s): alerts come from the counters at "
			 "each interval, without addresses, ports or methods", ifname,
			 strerror(-e));
	return e;
}

int alert_events_pinned(const struct pinned *p, int *events_fd, int *cfg_fd, char *msg,
			size_t msglen)
{
	int e = -ENOENT, obj;

	*events_fd = *cfg_fd = -1;
	if (p->fd[PIN_LINK] >= 0)
		e = events_maps_of_link(p->fd[PIN_LINK], events_fd, cfg_fd);
	/* TC programs are pinned as programs: their maps are the same. */
	for (obj = PIN_TC_IN; e && obj <= PIN_TC_OUT; obj++)
		if (p->fd[obj] >= 0)
			e = events_maps_of_prog(p->fd[obj], events_fd, cfg_fd);
	if (e == -ENOENT)
		snprintf(msg, msglen, "%s: its pinned program has no event ring buffer (attached by "
			 "an older sipstat; 'sipstat attach --replace -i %s' loads one with it): "
			 "alerts come from the counters at each interval, without addresses, ports "
			 "or methods", p->ifname, p->ifname);
	else if (e)
		snprintf(msg, msglen, "%s: cannot open its kernel events (%s): alerts come from the "
			 "counters at each interval, without addresses, ports or methods",
			 p->ifname, strerror(-e));
	return e;
}

int alerter_add(struct alerter *al, struct loop *l, const char *ifname, int events_fd,
		int cfg_fd, const char *lockdir, char *notice, size_t nlen)
{
	struct alert_src *s = src_get(al, ifname);
	struct sipstat_cfg cfg;
	int e;

	notice[0] = '\0';
	if (!s) {
		close(events_fd);
		close(cfg_fd);
		return -ENOSPC;
	}
	src_close(s, l);	/* the interface again (a new program): its new maps */
	s->events_fd = events_fd;
	s->cfg_fd = cfg_fd;
	if ((al->o->codes_given || al->o->rate_given) && !events_cfg_get(cfg_fd, &cfg)) {
		if (al->o->codes_given)
			memcpy(cfg.event_codes, al->o->codes, sizeof(cfg.event_codes));
		if (al->o->rate_given) {
			cfg.event_rate = al->o->rate;
			cfg.event_burst = al->o->burst;
		}
		e = events_cfg_set(cfg_fd, &cfg);
		if (e) {
			snprintf(notice, nlen, "%s: cannot change the event settings: %s", ifname,
				 strerror(-e));
			return e;
		}
	}
	if (lockdir) {
		s->lock_fd = events_lock(lockdir);
		if (s->lock_fd == -EWOULDBLOCK) {
			s->lock_fd = -1;
			snprintf(notice, nlen, "%s: its events go to another sipstat (the service?); "
					       "alerts here come from the counters at each interval",
				 ifname);
			return 1;
		}
		if (s->lock_fd < 0) {
			e = s->lock_fd;
			s->lock_fd = -1;
			snprintf(notice, nlen, "%s: cannot lock its events (%s); alerts from the "
					       "counters only", ifname, strerror(-e));
			return 1;
		}
	}
	s->rb = events_consumer(events_fd, on_event, s);
	if (!s->rb) {
		e = -errno;
		snprintf(notice, nlen, "%s: cannot read its events: %s", ifname, strerror(-e));
		return e;
	}
	e = loop_add(l, events_consumer_fd(s->rb), EPOLLIN, on_ring, s->rb);
	if (e) {
		events_consumer_free(s->rb);
		s->rb = NULL;
		snprintf(notice, nlen, "cannot watch the events of %s: %s", ifname, strerror(-e));
		return e;
	}
	al->consuming++;
	return 0;
}

/* ------------------------------------------------------ per-peer counts, failing */

static bool any_rate_or_ratio(const struct alerter *al)
{
	int i;

	for (i = 0; i < al->rules.n; i++)
		if (al->rules.r[i].kind != RULE_COUNT)
			return true;
	return false;
}

static int cmp_pdelta(const void *a, const void *b)
{
	const struct alert_pdelta *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	return x->code < y->code ? -1 : x->code > y->code;
}

/* This interval's per-peer deltas, the methods added up. */
static int peer_deltas(struct alert_src *s)
{
	const struct peers_counts *cur = &s->pc[s->pcur], *prev = &s->pc[!s->pcur];
	int i, k;

	s->npd = 0;
	for (i = 0; i < cur->n; i++) {
		uint32_t key = cur->e[i].key;
		uint64_t d = counters_delta(peers_counts_get(prev, key), cur->e[i].n);

		if (!d || !peers_key_valid(key))
			continue;
		if (s->npd == s->pdcap) {
			int cap = s->pdcap ? s->pdcap * 2 : 64;
			struct alert_pdelta *p = realloc(s->pd, (size_t)cap * sizeof(*p));

			if (!p)
				return -ENOMEM;
			s->pd = p;
			s->pdcap = cap;
		}
		s->pd[s->npd++] = (struct alert_pdelta){ .id = peers_key_peer(key),
							 .dir = (int)peers_key_dir(key),
							 .code = (int)peers_key_code(key), .n = d };
	}
	if (s->npd > 1)
		qsort(s->pd, (size_t)s->npd, sizeof(*s->pd), cmp_pdelta);
	for (i = 0, k = 0; i < s->npd; i++) {
		if (k && !cmp_pdelta(&s->pd[k - 1], &s->pd[i]))
			s->pd[k - 1].n += s->pd[i].n;
		else
			s->pd[k++] = s->pd[i];
	}
	s->npd = k;
	return 0;
}

/* One more reading of the per-peer counts and the failing addresses of s. */
static void src_read(struct alerter *al, struct alert_src *s)
{
	const struct peers_maps *m = s->maps;

	s->pc_ok = false;
	s->npd = 0;
	if (m && m->counts_fd >= 0 && s->names && s->names->npeers > 0 && al->ncpus > 0) {
		s->pcur = !s->pcur;
		s->pc_ok = !peers_counts_read(m->counts_fd, al->ncpus, &s->pc[s->pcur]);
		s->pc_read = s->pc_ok ? s->pc_read + 1 : 0;
		if (s->pc_ok && s->pc_read >= 2 && peer_deltas(s))
			s->pc_ok = false;
		s->pc_ok = s->pc_ok && s->pc_read >= 2;
	}
	if (m && m->failing_fd >= 0 && al->ncpus > 0 && any_rate_or_ratio(al)) {
		bool had = s->fl_ok;

		s->fcur = !s->fcur;
		s->fl_ok = !failing_read(m->failing_fd, al->ncpus, &s->fl[s->fcur]);
		if (s->fl_ok)
			failing_deltas(&s->fl[s->fcur], had ? &s->fl[!s->fcur] : NULL);
	}
}

void alerter_peers(struct alerter *al, const char *ifname, const struct peers_maps *m,
		   const struct peers_table *names)
{
	struct alert_src *s = src_get(al, ifname);

	if (!s)
		return;
	s->maps = m;
	s->names = names;
	s->pc_read = 0;
	s->fl_ok = false;
	src_read(al, s);	/* the first reading: deltas from here */
}

int alerter_check_peers(const struct alerter *al, char *why, size_t len)
{
	int i, k, id;

	for (i = 0; i < al->rules.n; i++) {
		const struct rule *r = &al->rules.r[i];
		bool any = false;

		if (!r->peer[0])
			continue;
		for (k = 0; k < al->n; k++) {
			const struct peers_table *t = al->src[k].names;

			for (id = 1; t && id <= SIPSTAT_PEERS_MAX; id++)
				any = any || !strcmp(t->names[id], r->peer);
		}
		if (!any) {
			snprintf(why, len, "'%s' can never fire: no interface here has a named peer "
				 "'%s' (give --peers FILE naming it)", r->text, r->peer);
			return -EINVAL;
		}
	}
	return 0;
}

/* ----------------------------------------------------------------- a tick */

/*
 * A count>0 rule from the counters of s: what the events did not tell,
 * per peer when the per-peer counts say who, else per code.
 */
static void counted_split(struct alerter *al, int i, struct alert_src *s,
			  const struct counters *prev, const struct counters *cur, double now)
{
	const struct rule *r = &al->rules.r[i];
	struct rule_key k;
	uint64_t told, d;
	int j, n, dir, c;

	memset(&k, 0, sizeof(k));
	snprintf(k.iface, sizeof(k.iface), "%s", s->ifname);
	if (s->pc_ok) {
		for (j = 0; j < s->npd; j++) {
			const struct alert_pdelta *p = &s->pd[j];

			if (!rule_has_code(r, p->code) || (r->dir >= 0 && r->dir != p->dir))
				continue;
			told = told_of(s, p->dir, p->code, (long)p->id);
			if (p->n <= told)
				continue;
			k.code = p->code;
			k.dir = p->dir;
			snprintf(k.peer, sizeof(k.peer), "%s", peer_name(s, p->id));
			n = rules_counted(&al->rules, i, now, &k, p->n - told, al->a,
					  RULES_ALERTS_MAX);
			deliver_all(al, n, s->ifname);
		}
		return;
	}
	if (r->peer[0])
		return;	/* no per-peer counts: nothing says which peer */
	for (dir = 0; dir < SIPSTAT_DIR_MAX; dir++) {
		if (r->dir >= 0 && r->dir != dir)
			continue;
		for (c = SIPSTAT_CODE_MIN; c <= SIPSTAT_CODE_MAX; c++) {
			if (!rule_has_code(r, c))
				continue;
			d = counters_delta(counters_code(prev, dir, c), counters_code(cur, dir, c));
			told = told_of(s, dir, c, -1);
			if (d <= told)
				continue;
			k.code = c;
			k.dir = dir;
			n = rules_counted(&al->rules, i, now, &k, d - told, al->a, RULES_ALERTS_MAX);
			deliver_all(al, n, s->ifname);
		}
	}
}

/* What rule r (not count>0) selects on one interface, added to x. */
static void sample_of(const struct rule *r, const struct alert_src *s,
		      const struct counters *prev, const struct counters *cur,
		      struct rule_sample *x)
{
	int j, d, c;

	if (r->peer[0]) {
		/* From the per-peer counts: matched and total of that peer alone. */
		for (j = 0; s && s->pc_ok && j < s->npd; j++) {
			const struct alert_pdelta *p = &s->pd[j];

			if ((r->dir >= 0 && r->dir != p->dir) ||
			    strcmp(peer_name(s, p->id), r->peer) != 0)
				continue;
			x->total += p->n;
			if (rule_has_code(r, p->code))
				x->matched += p->n;
		}
		return;
	}
	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		if (r->dir >= 0 && r->dir != d)
			continue;
		x->total += counters_delta(counters_outcome(prev, d, COUNTERS_RESPONSES),
					   counters_outcome(cur, d, COUNTERS_RESPONSES));
		for (c = SIPSTAT_CODE_MIN; c <= SIPSTAT_CODE_MAX; c++)
			if (rule_has_code(r, c))
				x->matched += counters_delta(counters_code(prev, d, c),
							     counters_code(cur, d, c));
	}
}

void alerter_tick(struct alerter *al, int n, const char *const *ifnames,
		  const struct counters *prev, const struct counters *cur, double now)
{
	struct alert_src *src[ALERT_MAX_IFACES];
	int i, k, m;

	/* Events of frames the counters already hold come first. */
	alerter_drain(al);
	if (n > ALERT_MAX_IFACES)
		n = ALERT_MAX_IFACES;
	for (k = 0; k < n; k++) {
		src[k] = src_get(al, ifnames[k]);
		if (!src[k])
			continue;
		src_read(al, src[k]);
		if (src[k]->names && src[k]->names->npeers > 0)
			al->rules.peers_loaded = true;
	}
	for (i = 0; i < al->rules.n; i++) {
		const struct rule *r = &al->rules.r[i];
		struct rule_sample s = { .t0 = now - (n ? counters_elapsed(&prev[0], &cur[0]) : 0),
					 .t1 = now };

		if (r->split) {
			for (k = 0; k < n; k++)
				if (src[k])
					counted_split(al, i, src[k], &prev[k], &cur[k], now);
			continue;
		}
		for (k = 0; k < n; k++)
			sample_of(r, src[k], &prev[k], &cur[k], &s);
		rules_sample(&al->rules, i, &s);
	}
	m = rules_tick(&al->rules, now, al->a, RULES_ALERTS_MAX);
	deliver_all(al, m, n == 1 ? ifnames[0] : "all");
	for (k = 0; k < al->n; k++)
		al->src[k].ntold = 0;
	overflow_notice(al);
}

/* ----------------------------------------------------------------- life */

int alerter_init(struct alerter *al, const struct alert_opts *o, struct loop *l, char *msg,
		 size_t msglen)
{
	int i;

	memset(al, 0, sizeof(*al));
	al->o = o;
	al->timer_fd = -1;
	al->ncpus = libbpf_num_possible_cpus();
	al->last = calloc((size_t)RULES_MAX * (RULE_IDS + 1), sizeof(*al->last));
	al->a = calloc((size_t)RULES_ALERTS_MAX, sizeof(*al->a));
	if (!al->last || !al->a) {
		snprintf(msg, msglen, "out of memory for the alert rules");
		return -ENOMEM;
	}
	rules_init(&al->rules);
	if (!o->nrules) {
		struct rule r;

		rule_default(&r);
		rules_add(&al->rules, &r);
	}
	for (i = 0; i < o->nrules; i++)
		rules_add(&al->rules, &o->rules[i]);
	if (o->log == ALERT_LOG_SYSLOG)
		openlog("sipstat", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	return o->exec ? alert_hooks_init(al, l, msg, msglen) : 0;
}

void alerter_end(struct alerter *al)
{
	int n;

	if (al->ended || !al->a)
		return;
	al->ended = true;
	alerter_drain(al);
	n = rules_final(&al->rules, events_now(), al->a, RULES_ALERTS_MAX);
	deliver_all(al, n, al->n == 1 ? al->src[0].ifname : "all");
}

void alerter_free(struct alerter *al)
{
	int i;

	if (!al->o)
		return;	/* never set up */
	alert_hooks_end(al);
	for (i = 0; i < al->n; i++)
		src_free(&al->src[i]);
	if (al->timer_fd >= 0)
		close(al->timer_fd);
	al->timer_fd = -1;
	al->n = 0;
	free(al->last);
	free(al->a);
	al->last = NULL;
	al->a = NULL;
	if (al->o->log == ALERT_LOG_SYSLOG)
		closelog();
	al->o = NULL;
}

int alert_settings_pinned(const char *ifname, const struct alert_opts *o, char *msg,
			  size_t msglen)
{
	struct sipstat_cfg cfg;
	struct pinned p;
	int e, efd = -1, cfd = -1;

	if (!o->codes_given && !o->rate_given)
		return 0;
	e = pin_open(ifname, &p, msg, msglen);
	if (e)
		return e;
	e = alert_events_pinned(&p, &efd, &cfd, msg, msglen);
	pin_close(&p);
	if (!e)
		e = events_cfg_get(cfd, &cfg);
	if (!e) {
		if (o->codes_given)
			memcpy(cfg.event_codes, o->codes, sizeof(cfg.event_codes));
		if (o->rate_given) {
			cfg.event_rate = o->rate;
			cfg.event_burst = o->burst;
		}
		e = events_cfg_set(cfd, &cfg);
	}
	if (efd >= 0)
		close(efd);
	if (cfd >= 0)
		close(cfd);
	if (e)
		snprintf(msg, msglen, "%s: cannot change the event settings: %s", ifname,
			 strerror(-e));
	return e;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The plain form, sipstat -i IFACE [INTERVAL [COUNT]], and --top: a report
 * (or a redraw) every interval from one event loop.  Pinned counters are
 * read where there are any; otherwise the program is attached for the
 * life of the command.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "alert.h"
#include "cli.h"
#include "events.h"
#include "exporter.h"
#include "loop.h"
#include "obj.h"
#include "out/out.h"
#include "out_write.h"
#include "peerwatch.h"
#include "pin.h"
#include "ports.h"
#include "reader.h"
#include "source.h"
#include "top.h"
#include "view.h"

struct watch {
	const struct options *o;
	struct source src[MAX_IFACES];
	int n;
	struct reader reader;
	struct counters *base, *prev, *cur;	/* [n] each */
	struct counters *sum_base, *sum_prev, *sum_cur;
	struct out_iface rif[MAX_IFACES];
	char modes[32];
	char err[512];
	long done;		/* reports printed or screens drawn */
	/* --top */
	bool top;
	struct top t;
	struct view *v;
	struct top_info info;
	struct out_report report;	/* --top: the latest reading, for the further figures */
	const char *names[MAX_IFACES];
	/* -o prometheus|openmetrics|influx|csv and --listen */
	struct out_iface xif[MAX_IFACES];	/* rif with what every output says of them */
	char xports[MAX_IFACES][128];
	double started;			/* Unix time of this process's own attach */
	struct counters *scrape;	/* [n]: a fresh reading for each scrape */
	struct exporter exp;
	struct alerter al;		/* alerts */
	struct peerwatch ins;		/* per-peer counts, failing addresses */
};

/* "native", or "native,skb" when interfaces are in different modes. */
static void modes_string(struct watch *w)
{
	bool native = false, skb = false, tc = false;
	int i;

	for (i = 0; i < w->n; i++) {
		if (w->src[i].mode == ATTACH_SKB)
			skb = true;
		else if (w->src[i].mode == ATTACH_TC)
			tc = true;
		else
			native = true;
	}
	snprintf(w->modes, sizeof(w->modes), "%s%s%s%s%s", native ? "native" : "",
		 native && skb ? "," : "", skb ? "skb" : "", (native || skb) && tc ? "," : "",
		 tc ? "tc" : "");
}

/* Read every interface into cur[] and their sum into sum_cur. */
/* A TC program this process attached itself (ingress first), -1 when none. */
static int own_tc_fd(const struct source *s)
{
	int fd = obj_tc_fd(s->own.skel, SIPSTAT_DIR_IN);

	return fd >= 0 ? fd : obj_tc_fd(s->own.skel, SIPSTAT_DIR_OUT);
}

static int read_all(struct watch *w, struct counters *each, struct counters *sum)
{
	int i, e;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < w->n; i++) {
		e = source_read(&w->src[i], &w->reader, &each[i]);
		if (e) {
			snprintf(w->err, sizeof(w->err), "cannot read counters of %s: %s",
				 w->src[i].ifname, strerror(-e));
			return -1;
		}
		counters_add(sum, &each[i]);
	}
	sum->mono = each[0].mono;
	sum->real = each[0].real;
	return 0;
}

static void advance(struct watch *w)
{
	memcpy(w->prev, w->cur, sizeof(*w->cur) * (size_t)w->n);
	memcpy(w->sum_prev, w->sum_cur, sizeof(*w->sum_cur));
}

/*
 * State changes of the interfaces, one stderr line each.  -1 with w->err
 * when nothing is left counting.
 */
static int check_sources(struct watch *w)
{
	char msg[256];
	int i, alive = 0;
	bool changed = false;

	char said[MAX_IFACES][256];

	for (i = 0; i < w->n; i++) {
		said[i][0] = '\0';
		if (source_check(&w->src[i], msg, sizeof(msg))) {
			changed = true;
			snprintf(said[i], sizeof(said[i]), "%s", msg);
		}
		if (w->src[i].state == SOURCE_COUNTING || w->src[i].pinned)
			alive++;
		w->rif[i].state = source_state_name(w->src[i].state);
	}
	/* One interface alone: its last word is the exit message below. */
	for (i = 0; i < w->n && !w->top && (alive || w->n > 1); i++)
		if (said[i][0])
			cli_err("%s", said[i]);
	if (!alive) {
		if (w->n == 1 && w->src[0].state == SOURCE_GONE)
			snprintf(w->err, sizeof(w->err),
				 "%s went away (removed or renamed); counting stopped, restart sipstat "
				 "when it is back",
				 w->src[0].ifname);
		else if (w->n == 1)
			snprintf(w->err, sizeof(w->err),
				 "%s: the XDP program was detached or replaced by another (sipstat "
				 "--force?); counting stopped",
				 w->src[0].ifname);
		else
			snprintf(w->err, sizeof(w->err),
				 "no interface is left counting; totals above are final");
		return -1;
	}
	if (changed && w->n > 1 && !w->top)
		cli_err("counting goes on on the %d other interface(s)", alive);
	return 0;
}

/*
 * What every output says of the readings each[] (cur, or a scrape's):
 * the interfaces with mode, ports and attach time of the pins or of this
 * process's own program, their per-peer counts and failing addresses,
 * the sums of sum_base, sum_prev and sum_cur.
 */
static void report_of(struct watch *w, const struct counters *each, struct out_report *r)
{
	struct sipstat_ports set;
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < w->n; i++) {
		const struct source *src = &w->src[i];
		struct out_iface *x = &w->xif[i];

		*x = w->rif[i];
		x->dirs = source_dirs(src);
		x->attach_time = w->started;
		if (src->pinned && src->pin.has_meta)
			x->attach_time = (double)src->pin.meta.attached_ns / 1e9;
		if (src->pinned && !pin_read_ports(&src->pin, &set))
			ports_format(&set, w->xports[i], sizeof(w->xports[i]));
		else if (!src->pinned)
			ports_format(&w->o->ports, w->xports[i], sizeof(w->xports[i]));
		x->ports = w->xports[i];
		x->cur = &each[i];
		if (peerwatch_has(&w->ins, i)) {
			x->peers = &w->ins.each[i];
			x->peer_names = &w->ins.table;
			x->failing = &w->ins.each_failing[i];
		}
		r->dirs |= x->dirs;
	}
	r->host = cli_hostname();
	r->version = SIPSTAT_VERSION;
	r->when = w->n ? each[0].real : (struct timespec){ 0 };
	r->ifs = w->xif;
	r->nifs = w->n;
	r->mode = w->modes;
	r->base = w->sum_base;
	r->prev = w->sum_prev;
	r->cur = w->sum_cur;
	r->dirs |= 1U << SIPSTAT_DIR_IN;
	r->peers = &w->ins;
	out_options(r, w->o);
	r->header = w->done == 0;
}

/* --listen: every scrape reads the counters afresh (the last reading of an interface that is gone). */
static int on_scrape(void *ctx, enum http_format fmt, char **body, size_t *len)
{
	struct watch *w = ctx;
	struct out_report r;
	int i;

	for (i = 0; i < w->n; i++)
		if (source_read(&w->src[i], &w->reader, &w->scrape[i]))
			w->scrape[i] = w->cur[i];
	report_of(w, w->scrape, &r);
	return out_write_body(&r, fmt, body, len);
}

static void view_feed(struct watch *w, bool again);

/*
 * One report.  last: the report sipstat ends with; the alerts' final lines
 * come before it, so that the last line of a -o stream is a report.
 */
static int report_once(struct watch *w, bool last)
{
	const struct options *o = w->o;
	struct out_report r;

	if (read_all(w, w->cur, w->sum_cur))
		return 1;
	alerter_tick(&w->al, w->n, w->names, w->prev, w->cur, events_now());
	if (last && !w->top)
		alerter_end(&w->al);
	peerwatch_read(&w->ins, false);
	if (w->top) {
		view_feed(w, false);
		report_of(w, w->cur, &w->report);
		top_draw(&w->t, w->v, &w->info);
	} else {
		/* A partial last interval after a signal is still reported: nothing is lost. */
		report_of(w, w->cur, &r);
		out_write(stdout, o->output, &r);
		fflush(stdout);
		if (ferror(stdout)) {
			if (errno == EPIPE)
				return 2;	/* reader gone: done */
			snprintf(w->err, sizeof(w->err), "cannot write the report: %s",
				 strerror(errno));
			return 1;
		}
	}
	advance(w);
	w->done++;
	return 0;
}

/* Loop results: 1 runtime failure, 2 done. */
static int on_timer(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct watch *w = ctx;
	int e;

	loop_timer_expirations(fd);
	e = report_once(w, w->o->count && w->done + 1 >= w->o->count);
	if (e)
		return e;
	if (w->o->count && w->done >= w->o->count)
		return 2;
	{
		char msg[512];

		if (peerwatch_reload(&w->ins, msg, sizeof(msg)))
			cli_err("%s", msg);
	}
	return check_sources(w) ? 1 : 0;
}

static int on_signal(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct watch *w = ctx;
	int e;

	loop_signal_read(fd);
	if (w->top)
		return 2;
	alerter_drain(&w->al);
	e = report_once(w, true);
	return e == 1 ? 1 : 2;
}

/*
 * The live view's figures: everything, or one CSeq method (key f), or one
 * named peer (keys n, N), or both.  A new choice (again) starts the view
 * from sipstat's first reading.
 */
static void view_feed(struct watch *w, bool again)
{
	static struct counters fb, fp, fc;
	int m = w->t.method, p = w->t.peer;

	if (m < 0 && p < 0) {
		if (again)
			view_init(w->v, w->sum_base);
		view_update(w->v, w->sum_prev, w->sum_cur);
		return;
	}
	view_counters_of(w->sum_prev, &w->ins.prev, p, m, &fp);
	view_counters_of(w->sum_cur, &w->ins.cur, p, m, &fc);
	if (again) {
		view_counters_of(w->sum_base, &w->ins.base, p, m, &fb);
		view_init(w->v, &fb);
	}
	view_update(w->v, &fp, &fc);
}

/*
 * Keys: TOP_NEXT_METHOD moves to the next method with traffic, then back
 * to all; TOP_NEXT_PEER and TOP_PREV_PEER step through the named peers.
 */
static enum top_action keys(struct watch *w)
{
	enum top_action act = top_input(&w->t, w->v);

	if (act == TOP_NEXT_METHOD || act == TOP_NEXT_PEER || act == TOP_PREV_PEER) {
		if (act == TOP_NEXT_METHOD)
			w->t.method = view_next_method(w->sum_cur, w->t.method);
		else
			top_step_peer(&w->t, &w->ins, act == TOP_NEXT_PEER ? 1 : -1);
		view_feed(w, true);
		act = TOP_REDRAW;
	}
	return act;
}

static int on_key(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct watch *w = ctx;
	enum top_action act;

	if (events & (EPOLLERR | EPOLLHUP)) {
		loop_del(l, fd);	/* terminal gone: SIGHUP follows */
		return 0;
	}
	act = keys(w);
	if (act == TOP_QUIT)
		return 2;
	if (act == TOP_REDRAW)
		top_draw(&w->t, w->v, &w->info);
	return 0;
}

static int alloc_readings(struct watch *w)
{
	size_t n = (size_t)(w->n > 0 ? w->n : 1);

	w->base = calloc(n, sizeof(struct counters));
	w->prev = calloc(n, sizeof(struct counters));
	w->cur = calloc(n, sizeof(struct counters));
	w->sum_base = calloc(1, sizeof(struct counters));
	w->sum_prev = calloc(1, sizeof(struct counters));
	w->sum_cur = calloc(1, sizeof(struct counters));
	return w->base && w->prev && w->cur && w->sum_base && w->sum_prev && w->sum_cur ? 0
											  : -ENOMEM;
}

static void free_readings(struct watch *w)
{
	free(w->base);
	free(w->prev);
	free(w->cur);
	free(w->sum_base);
	free(w->sum_prev);
	free(w->sum_cur);
}

/* --top: alert lines go to the view's alert pane, drawn at once. */
static void alert_to_view(void *ctx, const char *ifname, int code, const char *line)
{
	struct watch *w = ctx;
	struct view_alert a;

	memset(&a, 0, sizeof(a));
	clock_gettime(CLOCK_REALTIME, &a.real);
	snprintf(a.ifname, sizeof(a.ifname), "%s", ifname);
	a.code = code;
	snprintf(a.text, sizeof(a.text), "%s", line);
	view_alert_push(&w->v->alerts, &a);
	top_draw(&w->t, w->v, &w->info);
}

/*
 * Alerts: the kernel events of each interface consumed from the loop (of
 * pinned counters only when no other sipstat consumes them), the rules
 * at each report, from the counters and the per-peer counts.  0, 1 or 2
 * (a rule that can never fire here) with w->err.
 */
static int alerts_start(struct watch *w, struct loop *l)
{
	char msg[512], dir[128];
	int i, e, efd, cfd;

	e = alerter_init(&w->al, &w->o->alert, l, msg, sizeof(msg));
	if (e) {
		snprintf(w->err, sizeof(w->err), "%s", msg);
		return 1;
	}
	w->al.json = w->o->output == OUT_JSON && !w->top;
	w->al.json_out = stdout;
	if (w->top) {
		w->al.to_view = alert_to_view;
		w->al.view_ctx = w;
	}
	for (i = 0; i < w->n; i++) {
		struct source *s = &w->src[i];

		if (peerwatch_has(&w->ins, i))
			alerter_peers(&w->al, s->ifname, &w->ins.maps[i], &w->ins.table);
		if (s->pinned)
			e = alert_events_pinned(&s->pin, &efd, &cfd, msg, sizeof(msg));
		else if (s->own.skel)
			e = alert_events_own(s->ifname, s->own.skel, &efd, &cfd, msg, sizeof(msg));
		else
			e = -ENOENT;
		if (e) {
			if (!w->top)
				cli_err("%s", msg);
			continue;
		}
		pin_path(dir, sizeof(dir), s->ifname, -1);
		e = alerter_add(&w->al, l, s->ifname, efd, cfd, s->pinned ? dir : NULL, msg,
				sizeof(msg));
		if (e < 0) {
			snprintf(w->err, sizeof(w->err), "%s", msg);
			return 1;
		}
		if (msg[0] && !w->top)
			cli_err("%s", msg);
	}
	if (alerter_check_peers(&w->al, msg, 400)) {
		snprintf(w->err, sizeof(w->err),
			 "bad --alert: %.400s\nTry 'sipstat --help' for more information.", msg);
		return 2;
	}
	return 0;
}

static int run(struct watch *w)
{
	const struct options *o = w->o;
	struct loop l;
	sigset_t sigs;
	int e, r;

	e = loop_init(&l);
	if (!e) {
		sigemptyset(&sigs);
		sigaddset(&sigs, SIGINT);
		sigaddset(&sigs, SIGTERM);
		sigaddset(&sigs, SIGHUP);
		e = loop_add_signals(&l, &sigs, on_signal, w);
	}
	if (e >= 0)
		e = loop_add_timer(&l, o->interval, on_timer, w);
	if (e >= 0 && w->top && isatty(STDIN_FILENO))
		e = loop_add(&l, STDIN_FILENO, EPOLLIN, on_key, w);
	if (e < 0) {
		snprintf(w->err, sizeof(w->err), "cannot set up the event loop: %s", strerror(-e));
		loop_free(&l);
		return 1;
	}
	e = alerts_start(w, &l);
	if (e) {
		loop_free(&l);
		return e;
	}
	if (o->listen[0]) {
		w->scrape = calloc((size_t)w->n, sizeof(*w->scrape));
		if (!w->scrape || exporter_start(&w->exp, o->listen, o->web_config, &l, on_scrape, w)) {
			snprintf(w->err, sizeof(w->err), "no metrics endpoint at %s: stopping",
				 o->listen);
			loop_free(&l);
			return 1;
		}
	}
	for (;;) {
		r = loop_once(&l, -1);
		if (r)
			break;
		/* A resize (SIGWINCH) interrupts the wait: let the view see KEY_RESIZE. */
		if (w->top && keys(w) == TOP_REDRAW)
			top_draw(&w->t, w->v, &w->info);
	}
	exporter_stop(&w->exp);
	loop_free(&l);
	return r == 2 ? 0 : r < 0 ? (snprintf(w->err, sizeof(w->err), "event loop: %s",
					      strerror(-r)),
				     1)
				  : r;
}

/* Open each interface's source (pinned counters, or a program of our own); pinned ones, or -1. */
static int open_sources(struct watch *w)
{
	char notice[256];
	int pinned = 0;

	for (w->n = 0; w->n < w->o->nifs; w->n++) {
		struct source *s = &w->src[w->n];

		if (source_open(s, w->o->ifnames[w->n], w->o, notice, sizeof(notice), w->err,
				sizeof(w->err))) {
			cli_err("%s", w->err);
			source_close(s);
			return -1;
		}
		if (notice[0])
			cli_err("%s", notice);
		pinned += s->pinned;
		w->names[w->n] = s->ifname;
		w->rif[w->n].name = s->ifname;
		w->rif[w->n].mode = attach_mode_name(s->mode);
		w->rif[w->n].source = s->pinned ? "pinned" : "own";
		w->rif[w->n].state = source_state_name(s->state);
	}
	return pinned;
}

/* The per-peer maps behind each source, the peers file in them; 0, or the exit status (said). */
static int open_peers(struct watch *w)
{
	const struct options *o = w->o;
	int links[MAX_IFACES], progs[MAX_IFACES], i, e;
	struct out_report r = { 0 };	/* what the reports ask of the readings */

	for (i = 0; i < w->n; i++) {
		links[i] = w->src[i].pinned ? w->src[i].pin.fd[PIN_LINK] : w->src[i].own.link_fd;
		progs[i] = w->src[i].pinned || !w->src[i].own.skel ? -1 : own_tc_fd(&w->src[i]);
	}
	out_options(&r, o);
	e = peerwatch_open(&w->ins, o->peers_file, r.failing_top || o->export_failing || o->top,
			   w->names, links, progs, w->n, w->reader.ncpus, w->err, sizeof(w->err));
	if (e) {
		cli_err("%s", w->err);
		return e == -EINVAL ? 2 : 1;
	}
	peerwatch_read(&w->ins, true);
	return 0;
}

static void say_start(struct watch *w, int pinned)
{
	const struct options *o = w->o;
	char ports[128];
	int i;

	ports_format(&o->ports, ports, sizeof(ports));
	if (pinned == w->n)
		cli_err("reading the pinned counters of %s (%s mode); %s to stop, counting goes on",
			o->nifs == 1 ? w->names[0] : "several interfaces", w->modes,
			w->top ? "q or Ctrl-C" : "Ctrl-C");
	else
		cli_err("counting on %s (%s mode), SIP ports %s; %s to stop",
			o->nifs == 1 ? w->names[0] : "several interfaces", w->modes, ports,
			w->top ? "q or Ctrl-C" : "Ctrl-C");
	if (o->nifs > 1)
		for (i = 0; i < w->n; i++)
			cli_err("  %s (%s%s)", w->names[i], attach_mode_name(w->src[i].mode),
				w->src[i].pinned ? ", pinned" : "");
}

/* --top: the view and the screen; without a screen, the text report instead.  -1: no memory. */
static int start_view(struct watch *w)
{
	char why[128];

	w->v = calloc(1, sizeof(*w->v));
	if (!w->v) {
		cli_err("out of memory");
		return -1;
	}
	w->info.ifnames = w->names;
	w->info.nifs = w->n;
	w->info.mode = w->modes;
	w->info.interval = w->o->interval;
	w->info.peers = &w->ins;
	w->info.report = &w->report;
	if (top_start(&w->t, stdout, stdin, view_color_allowed(getenv("NO_COLOR")), why,
		      sizeof(why))) {
		cli_err("cannot start the live view: %s; printing the text report instead", why);
		w->top = false;
	} else {
		view_init(w->v, w->sum_base);
		report_of(w, w->cur, &w->report);
		top_draw(&w->t, w->v, &w->info);
	}
	return 0;
}

int cmd_watch(const struct options *o)
{
	static struct watch w;
	struct timespec now;
	int i, e, ret = 1, pinned;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.top = o->top;
	clock_gettime(CLOCK_REALTIME, &now);
	w.started = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	if (w.top && o->output != OUT_TEXT && isatty(STDOUT_FILENO)) {
		cli_err("--top draws the screen, -o prints for scripts: use one of them\n"
			"Try 'sipstat --help' for more information.");
		return 2;
	}
	if (w.top && !isatty(STDOUT_FILENO)) {
		cli_err("--top needs a terminal on stdout; printing the %s instead",
			o->output == OUT_TEXT ? "text report" : "output of -o");
		w.top = false;
	}
	signal(SIGPIPE, SIG_IGN);	/* a closed pipe ends the loop through ferror() */
	e = reader_init(&w.reader);
	if (e) {
		cli_err("cannot count possible CPUs: %s", strerror(-e));
		return 1;
	}
	pinned = open_sources(&w);
	if (pinned < 0)
		goto out;
	if (alloc_readings(&w)) {
		cli_err("out of memory");
		goto out;
	}
	for (i = 0; i < w.n; i++) {
		w.rif[i].base = &w.base[i];
		w.rif[i].prev = &w.prev[i];
		w.rif[i].cur = &w.cur[i];
	}
	if (read_all(&w, w.base, w.sum_base)) {
		cli_err("%s", w.err);
		goto out;
	}
	ret = open_peers(&w);
	if (ret)
		goto out;
	ret = 1;
	memcpy(w.prev, w.base, sizeof(*w.base) * (size_t)w.n);
	memcpy(w.cur, w.base, sizeof(*w.base) * (size_t)w.n);
	*w.sum_prev = *w.sum_base;
	*w.sum_cur = *w.sum_base;
	modes_string(&w);
	say_start(&w, pinned);
	if (w.top && start_view(&w))
		goto out;
	ret = run(&w);
	if (w.top)
		top_end(&w.t);
	if (ret)
		cli_err("%s", w.err);
	/* What the alerts folded since their last lines (said before the last
	 * report, unless the view was up or the loop failed): after the view. */
	w.al.to_view = NULL;
	if (ret != 2)
		alerter_end(&w.al);
out:
	alerter_free(&w.al);
	for (i = 0; i < w.n; i++)
		source_close(&w.src[i]);
	peerwatch_close(&w.ins);
	free(w.v);
	free(w.scrape);
	free_readings(&w);
	reader_free(&w.reader);
	return ret;
}

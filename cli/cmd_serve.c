// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat serve: what the systemd unit runs.  Attach and pin like
 * 'attach', then stay in the foreground, watching each interface: one
 * stderr line per change of state, a new attach when an interface comes
 * back or its link was removed.  SIGTERM and SIGINT end it; nothing is
 * detached on exit (sipstat detach does that).
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "cli.h"
#include "counters.h"
#include "events.h"
#include "exporter.h"
#include "loop.h"
#include "out_write.h"
#include "peers.h"
#include "peerwatch.h"
#include "pin.h"
#include "reader.h"

#define SERVE_CHECK_SECS 1.0

struct serve {
	const struct options *o;
	enum pin_state state[MAX_IFACES];
	char last_err[MAX_IFACES][512];	/* said once, until it changes */
	/* --listen */
	struct reader reader;
	struct exporter_pinned *read;	/* [nifs] */
	struct out_iface xif[MAX_IFACES];
	struct exporter exp;
	/* alerts */
	struct alerter al;
	struct alert_opts aopts;	/* o->alert and SIPSTAT_ALERTS */
	__u32 ev_prog[MAX_IFACES];	/* program whose events are consumed, 0 none */
	struct reader areader;
	struct counters *aprev, *acur;	/* [nifs]: readings for the rules */
	bool primed;
	struct peers_maps pmaps[MAX_IFACES];	/* named peers of the events */
	struct peers_table ptab[MAX_IFACES];
	struct peerwatch_stamp peers;	/* --peers: the file as last applied */
	struct peerwatch_pinned ip[MAX_IFACES];	/* --listen: per-peer counts, failing */
};

/* A scrape: the pinned counters of every interface that has them, read now. */
static int on_scrape(void *ctx, enum http_format fmt, char **body, size_t *len)
{
	struct serve *s = ctx;
	struct out_report r = {
		.host = cli_hostname(),
		.version = SIPSTAT_VERSION,
		.ifs = s->xif,
		.export_failing = s->o->export_failing,
	};
	char msg[512];
	int i, k = 0;

	for (i = 0; i < s->o->nifs; i++) {
		struct out_iface *x = &s->xif[k];
		struct peerwatch_pinned *pp = &s->ip[i];

		if (exporter_read_pinned(s->o->ifnames[i], &s->reader, &s->read[i], msg,
					 sizeof(msg)))
			continue;	/* not attached now: the state checks say why */
		*x = s->read[i].x;
		peerwatch_read_pinned(pp, s->o->ifnames[i], s->reader.ncpus,
				      s->o->export_failing > 0);
		x->peers = pp->has_counts ? &pp->pc : NULL;
		x->peer_names = pp->has_counts ? &pp->names : NULL;
		x->failing = pp->has_failing ? &pp->fl : NULL;
		r.when = s->read[i].c.real;
		k++;
	}
	r.nifs = k;
	return out_write_body(&r, fmt, body, len);
}

/* A failure, once per distinct message. */
static void say_once(struct serve *s, int i, const char *msg)
{
	if (!strcmp(s->last_err[i], msg))
		return;
	snprintf(s->last_err[i], sizeof(s->last_err[i]), "%s", msg);
	cli_err("%s", msg);
}

static void check_one(struct serve *s, int i)
{
	const char *ifname = s->o->ifnames[i];
	enum pin_state was = s->state[i], now;
	struct pin_status st;
	char msg[512];
	int e;

	memset(&st, 0, sizeof(st));
	if (!if_nametoindex(ifname)) {
		now = PIN_IFACE_GONE;
	} else {
		e = pin_status(ifname, &st, msg, sizeof(msg));
		if (e && e != -ENOENT) {
			say_once(s, i, msg);
			return;
		}
		now = e ? PIN_NO_LINK : st.state;	/* ENOENT: pins removed (detach) */
	}
	if (now == PIN_NO_LINK || now == PIN_LINK_DETACHED || now == PIN_INCOMPLETE ||
	    now == PIN_TC_GONE || now == PIN_IFACE_RECREATED) {
		if (attach_one(ifname, s->o, msg, sizeof(msg))) {
			say_once(s, i, msg);
			now = PIN_NO_LINK;
		} else {
			s->last_err[i][0] = '\0';
			cli_err("%s: %s; attached again, counting goes on with the pinned totals",
				ifname, was == PIN_IFACE_GONE ? "interface is there" :
								pin_state_name(now));
			now = PIN_ATTACHED;
			was = PIN_ATTACHED;	/* said */
		}
	}
	s->state[i] = now;
	if (was == now)
		return;
	switch (now) {
	case PIN_ATTACHED:
		cli_err("%s: attached, counting", ifname);
		break;
	case PIN_IFACE_GONE:
		cli_err("%s: interface gone; its totals stay pinned, attaching again when it is back",
			ifname);
		break;
	case PIN_REPLACED:
		cli_err("%s: another XDP program (id %u) is on the interface now; not counting "
			"until it is removed",
			ifname, st.iface_prog_id);
		break;
	case PIN_NO_LINK:
		break;	/* the attach failure was said */
	default:
		cli_err("%s: %s", ifname, pin_state_name(now));
		break;
	}
}

/* The per-peer maps behind the pins of an interface: its link, else a pinned TC program. */
static void pinned_peer_maps(const struct pinned *p, struct peers_maps *m)
{
	int obj;

	if (p->fd[PIN_LINK] >= 0 && !peers_maps_open(p->fd[PIN_LINK], m))
		return;
	for (obj = PIN_TC_IN; obj <= PIN_TC_OUT; obj++)
		if (p->fd[obj] >= 0 && !peers_maps_open_prog(p->fd[obj], m))
			return;
	peers_maps_init(m);
}

/*
 * The events of each attached interface, consumed here (the service is
 * their one consumer: readers take the counters), and its per-peer maps;
 * again whenever the interface gets a new program.
 */
static void alerts_follow(struct serve *s, struct loop *l)
{
	char dir[128], msg[512];
	struct pin_status st;
	struct pinned p;
	int i, e, efd, cfd;

	for (i = 0; i < s->o->nifs; i++) {
		const char *ifname = s->o->ifnames[i];

		if (s->state[i] != PIN_ATTACHED || pin_status(ifname, &st, msg, sizeof(msg)) ||
		    !st.prog_id || st.prog_id == s->ev_prog[i])
			continue;
		s->ev_prog[i] = st.prog_id;
		if (pin_open(ifname, &p, msg, sizeof(msg)))
			continue;
		e = alert_events_pinned(&p, &efd, &cfd, msg, sizeof(msg));
		peers_maps_close(&s->pmaps[i]);
		pinned_peer_maps(&p, &s->pmaps[i]);
		pin_close(&p);
		peers_names_read(ifname, &s->ptab[i]);
		alerter_peers(&s->al, ifname, &s->pmaps[i], &s->ptab[i]);
		if (e) {
			cli_err("%s", msg);
			continue;
		}
		pin_path(dir, sizeof(dir), ifname, -1);
		alerter_add(&s->al, l, ifname, efd, cfd, dir, msg, sizeof(msg));
		if (msg[0])
			cli_err("%s", msg);
	}
}

/* The rules over the pinned counters, once a second. */
static void alerts_tick(struct serve *s)
{
	const char *names[MAX_IFACES];
	char msg[512];
	struct pinned p;
	int i;

	if (!s->aprev)
		return;
	for (i = 0; i < s->o->nifs; i++) {
		names[i] = s->o->ifnames[i];
		if (pin_open(names[i], &p, msg, sizeof(msg)))
			continue;	/* not attached now: its last reading stays */
		counters_read(&s->areader, p.fd[PIN_COUNTS], &s->acur[i]);
		pin_close(&p);
	}
	if (s->primed)
		alerter_tick(&s->al, s->o->nifs, names, s->aprev, s->acur, events_now());
	memcpy(s->aprev, s->acur, sizeof(*s->acur) * (size_t)s->o->nifs);
	s->primed = true;
}

static int on_timer(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct serve *s = ctx;
	int i;

	loop_timer_expirations(fd);
	for (i = 0; i < s->o->nifs; i++)
		check_one(s, i);
	alerts_follow(s, l);
	for (i = 0; i < s->o->nifs; i++)
		if (s->pmaps[i].peers_fd >= 0)	/* names as attach and readers leave them */
			peers_names_read(s->o->ifnames[i], &s->ptab[i]);
	alerts_tick(s);
	if (peerwatch_file_changed(s->o->peers_file, &s->peers)) {
		char done[512], msg[512];

		/* A bad file keeps the peers loaded before; say so once per change. */
		for (i = 0; i < s->o->nifs; i++)
			if (s->state[i] == PIN_ATTACHED)
				cli_err("%s", peerwatch_load_pinned(s->o->ifnames[i],
								    s->o->peers_file, done,
								    sizeof(done), msg,
								    sizeof(msg)) ? msg : done);
	}
	return 0;
}

static int on_signal(struct loop *l, int fd, uint32_t events, void *ctx)
{
	int sig = loop_signal_read(fd);

	cli_err("%s: stopping; the interfaces stay attached and counting "
		"(sipstat detach -i IFACE removes them)",
		sig ? strsignal(sig) : "signal");
	return 2;
}

/* --listen: the endpoint in the loop.  0, or 1 when it cannot start (said). */
static int listen_start(struct serve *s, struct loop *l)
{
	int e;

	s->read = calloc((size_t)s->o->nifs, sizeof(*s->read));
	if (!s->read || reader_init(&s->reader)) {
		cli_err("cannot set up the counter reader for --listen");
		e = -ENOMEM;
	} else {
		e = exporter_start(&s->exp, s->o->listen, s->o->web_config, l, on_scrape, s);
	}
	if (e) {
		free(s->read);
		reader_free(&s->reader);
		return 1;
	}
	return 0;
}

/* The alert rules (--alert and SIPSTAT_ALERTS) and their readings; 0, or the exit status (said). */
static int alerts_start(struct serve *s, struct loop *l)
{
	char why[512];
	int i;

	s->aopts = s->o->alert;
	for (i = 0; i < s->o->nifs; i++)
		peers_maps_init(&s->pmaps[i]);
	if (getenv("SIPSTAT_ALERTS") &&
	    (alert_opt_env(&s->aopts, getenv("SIPSTAT_ALERTS"), why, sizeof(why)) ||
	     alert_rules_check(&s->aopts, s->o->peers_file, s->o->dirs_given ? s->o->dirs : 0,
			       why, sizeof(why)))) {
		cli_err("%s", why);
		return 2;
	}
	if (alerter_init(&s->al, &s->aopts, l, why, sizeof(why))) {
		cli_err("%s", why);
		return 1;
	}
	/* The default rule too: without events (an older program), 6xx alerts come from the counters. */
	if (!reader_init(&s->areader)) {
		s->aprev = calloc((size_t)s->o->nifs, sizeof(*s->aprev));
		s->acur = calloc((size_t)s->o->nifs, sizeof(*s->acur));
	}
	return 0;
}

int cmd_serve(const struct options *o)
{
	static struct serve s;
	struct loop l;
	sigset_t sigs;
	int i, e;

	memset(&s, 0, sizeof(s));
	s.o = o;
	e = attach_check_peers(o);
	if (e)
		return e;
	peerwatch_file_changed(o->peers_file, &s.peers);
	for (i = 0; i < o->nifs; i++) {
		if (!if_nametoindex(o->ifnames[i])) {
			cli_err("%s: no such interface yet; attaching when it appears", o->ifnames[i]);
			s.state[i] = PIN_IFACE_GONE;
			continue;
		}
		if (attach_one(o->ifnames[i], o, NULL, 0))
			return 1;
		s.state[i] = PIN_ATTACHED;
	}
	e = loop_init(&l);
	if (!e) {
		sigemptyset(&sigs);
		sigaddset(&sigs, SIGINT);
		sigaddset(&sigs, SIGTERM);
		e = loop_add_signals(&l, &sigs, on_signal, &s);
	}
	if (e >= 0)
		e = loop_add_timer(&l, SERVE_CHECK_SECS, on_timer, &s);
	if (e < 0) {
		cli_err("cannot set up the event loop: %s", strerror(-e));
		loop_free(&l);
		return 1;
	}
	e = o->listen[0] ? listen_start(&s, &l) : 0;
	if (!e)
		e = alerts_start(&s, &l);
	if (e) {
		alerter_free(&s.al);
		reader_free(&s.areader);
		exporter_stop(&s.exp);
		loop_free(&l);
		return e;
	}
	alerts_follow(&s, &l);
	alerts_tick(&s);
	cli_err("serving %d interface(s); SIGTERM ends, the counting goes on", o->nifs);
	e = loop_run(&l);
	exporter_stop(&s.exp);
	alerter_end(&s.al);
	alerter_free(&s.al);
	for (i = 0; i < o->nifs; i++)
		peers_maps_close(&s.pmaps[i]);
	for (i = 0; i < o->nifs; i++) {
		peerwatch_pinned_free(&s.ip[i]);
		peers_table_free(&s.ptab[i]);
	}
	reader_free(&s.areader);
	free(s.aprev);
	free(s.acur);
	free(s.read);
	reader_free(&s.reader);
	loop_free(&l);
	return e == 2 ? 0 : 1;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* sipstat show: the pinned totals once, for scripts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"
#include "out_write.h"
#include "peerwatch.h"
#include "pin.h"
#include "ports.h"
#include "reader.h"

#define SHOW_MAX 64

struct shown {
	struct counters zero, cur;
	char since[32], ports[128];
	bool skb;		/* attached in skb mode */
};

/* The interfaces asked for, or every pinned one; how many, or -1 (said). */
static int show_names(const struct options *o, char (*names)[IF_NAMESIZE])
{
	char msg[512];
	int n;

	if (o->nifs) {
		for (n = 0; n < o->nifs; n++)
			snprintf(names[n], IF_NAMESIZE, "%s", o->ifnames[n]);
		return n;
	}
	n = pin_list(names, SHOW_MAX, msg, sizeof(msg));
	if (n < 0) {
		cli_err("%s", msg);
		return -1;
	}
	if (!n) {
		cli_err("nothing to show: no interface is attached (sipstat attach -i IFACE)");
		return -1;
	}
	return n;
}

/*
 * One pinned interface into s and x: its totals since counting started
 * (no interval), what the pins say.  0; 1 when its pins were read but not
 * its counters (s->skb is set); -1 when it has no pins; a failure is said.
 */
static int show_read(const char *ifname, bool asked, struct reader *reader, struct shown *s,
		     struct out_iface *x)
{
	struct sipstat_ports set;
	struct pinned p;
	char msg[512];
	int e, idx;

	e = pin_open(ifname, &p, msg, sizeof(msg));
	if (e) {
		if (e == -ENOENT && asked)
			cli_err("%s: no pinned counters; attach first: sipstat attach -i %s", ifname,
				ifname);
		else
			cli_err("%s", msg);
		return -1;
	}
	e = counters_read(reader, p.fd[PIN_COUNTS], &s->cur);
	idx = (int)if_nametoindex(ifname);
	if (!e && idx)
		counters_read_frames(idx, &s->cur);
	if (!pin_read_ports(&p, &set))
		ports_format(&set, s->ports, sizeof(s->ports));
	if (p.has_meta && p.meta.created_ns)
		fmt_time_ns(s->since, sizeof(s->since), p.meta.created_ns);
	x->attach_time = p.has_meta ? (double)p.meta.attached_ns / 1e9 : 0;
	x->dirs = p.has_meta && p.meta.dirs ? p.meta.dirs : 1U << SIPSTAT_DIR_IN;
	x->mode = p.has_meta ? attach_mode_name((enum attach_mode)p.meta.mode) : "";
	s->skb = p.has_meta && p.meta.mode == ATTACH_SKB;
	pin_close(&p);
	if (e) {
		cli_err("cannot read counters of %s: %s", ifname, strerror(-e));
		return 1;
	}
	s->zero.mono = s->cur.mono;
	s->zero.real = s->cur.real;
	x->name = ifname;
	x->source = "pinned";
	x->state = idx ? "counting" : "gone";
	x->since = s->since[0] ? s->since : NULL;
	x->ports = s->ports;
	x->base = &s->zero;
	x->prev = &s->cur;
	x->cur = &s->cur;
	return 0;
}

/* The k interfaces read, their sums, and their per-peer counts since each program was loaded. */
static void show_print(const struct options *o, struct out_iface *ifs, int k,
		       const struct shown *sh, struct counters *sum_base,
		       const struct counters *sum_cur, const char *modes, int ncpus)
{
	static struct peerwatch pw;
	struct out_report r = {
		.type = "show",
		.host = cli_hostname(),
		.version = SIPSTAT_VERSION,
		.when = sh[0].cur.real,
		.ifs = ifs,
		.nifs = k,
		.mode = modes,
		.base = sum_base,
		.prev = sum_cur,
		.cur = sum_cur,
		.dirs = 1U << SIPSTAT_DIR_IN,
		.attachments = true,
		.peers = &pw,
	};
	const char *names[SHOW_MAX];
	int i;

	out_options(&r, o);
	sum_base->mono = sum_cur->mono;
	sum_base->real = sum_cur->real;
	for (i = 0; i < k; i++)
		names[i] = ifs[i].name;
	/* Per-peer totals since the program was loaded: no base reading. */
	peerwatch_open_pinned(&pw, r.failing_top || o->export_failing, names, k, ncpus);
	peerwatch_read(&pw, false);
	for (i = 0; i < k; i++) {
		if (!peerwatch_has(&pw, i))
			continue;
		ifs[i].peers = &pw.each[i];
		ifs[i].peer_names = &pw.table;
		ifs[i].failing = &pw.each_failing[i];
	}
	out_write(stdout, o->output, &r);
	fflush(stdout);
	peerwatch_close(&pw);
}

int cmd_show(const struct options *o)
{
	static char names[SHOW_MAX][IF_NAMESIZE];
	static struct out_iface ifs[SHOW_MAX];
	struct counters *sum_base = NULL, *sum_cur = NULL;
	struct shown *sh = NULL;
	struct reader reader = { 0 };
	char modes[32] = "";
	bool native = false, skb = false;
	int i, n, k = 0, e, ret = 0;

	n = show_names(o, names);
	if (n < 0)
		return 1;
	sh = calloc((size_t)(n > 0 ? n : 1), sizeof(*sh));
	sum_base = calloc(1, sizeof(*sum_base));
	sum_cur = calloc(1, sizeof(*sum_cur));
	if (!sh || !sum_base || !sum_cur || reader_init(&reader)) {
		cli_err("cannot set up the counter reader");
		ret = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		memset(&ifs[k], 0, sizeof(ifs[k]));
		e = show_read(names[i], o->nifs > 0, &reader, &sh[k], &ifs[k]);
		if (e >= 0) {
			skb |= sh[k].skb;
			native |= !sh[k].skb;
		}
		if (e) {
			ret = 1;
			continue;
		}
		counters_add(sum_cur, &sh[k].cur);
		sum_cur->mono = sh[k].cur.mono;
		sum_cur->real = sh[k].cur.real;
		k++;
	}
	snprintf(modes, sizeof(modes), "%s%s%s", native ? "native" : "", native && skb ? "," : "",
		 skb ? "skb" : "");
	if (k)
		show_print(o, ifs, k, sh, sum_base, sum_cur, modes, reader.ncpus);
out:
	free(sh);
	free(sum_base);
	free(sum_cur);
	reader_free(&reader);
	return ret;
}

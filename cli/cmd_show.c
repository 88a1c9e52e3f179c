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
	double attached;	/* Unix time of the last attach, 0 unknown */
	unsigned int dirs;
};

int cmd_show(const struct options *o)
{
	static char names[SHOW_MAX][IF_NAMESIZE];
	static struct out_iface rif[SHOW_MAX];
	struct counters *sum_base = NULL, *sum_cur = NULL;
	struct shown *sh = NULL;
	struct sipstat_ports set;
	struct reader reader = { 0 };
	struct pinned p;
	char msg[512], modes[32] = "";
	bool native = false, skb = false, ins_open = false;
	static struct peerwatch ins;	/* per-peer counts, failing addresses */
	int i, n, k = 0, e, ret = 0;

	if (o->nifs) {
		for (n = 0; n < o->nifs; n++)
			snprintf(names[n], IF_NAMESIZE, "%s", o->ifnames[n]);
	} else {
		n = pin_list(names, SHOW_MAX, msg, sizeof(msg));
		if (n < 0) {
			cli_err("%s", msg);
			return 1;
		}
		if (!n) {
			cli_err("nothing to show: no interface is attached (sipstat attach -i IFACE)");
			return 1;
		}
	}
	sh = calloc((size_t)(n > 0 ? n : 1), sizeof(*sh));
	sum_base = calloc(1, sizeof(*sum_base));
	sum_cur = calloc(1, sizeof(*sum_cur));
	if (!sh || !sum_base || !sum_cur || reader_init(&reader)) {
		cli_err("cannot set up the counter reader");
		ret = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct shown *s = &sh[k];
		int idx;

		e = pin_open(names[i], &p, msg, sizeof(msg));
		if (e) {
			if (e == -ENOENT && o->nifs)
				cli_err("%s: no pinned counters; attach first: sipstat attach -i %s",
					names[i], names[i]);
			else
				cli_err("%s", msg);
			ret = 1;
			continue;
		}
		e = counters_read(&reader, p.fd[PIN_COUNTS], &s->cur);
		idx = (int)if_nametoindex(names[i]);
		if (!e && idx)
			counters_read_frames(idx, &s->cur);
		if (!pin_read_ports(&p, &set))
			ports_format(&set, s->ports, sizeof(s->ports));
		if (p.has_meta && p.meta.created_ns)
			fmt_time_ns(s->since, sizeof(s->since), p.meta.created_ns);
		s->attached = p.has_meta ? (double)p.meta.attached_ns / 1e9 : 0;
		s->dirs = p.has_meta && p.meta.dirs ? p.meta.dirs : 1U << SIPSTAT_DIR_IN;
		rif[k].mode = p.has_meta ? attach_mode_name((enum attach_mode)p.meta.mode) : "";
		if (p.has_meta && p.meta.mode == ATTACH_SKB)
			skb = true;
		else
			native = true;
		pin_close(&p);
		if (e) {
			cli_err("cannot read counters of %s: %s", names[i], strerror(-e));
			ret = 1;
			continue;
		}
		/* Totals since counting started; no interval. */
		s->zero.mono = s->cur.mono;
		s->zero.real = s->cur.real;
		rif[k].name = names[i];
		rif[k].attach_time = s->attached;
		rif[k].dirs = s->dirs;
		rif[k].source = "pinned";
		rif[k].state = idx ? "counting" : "gone";
		rif[k].since = s->since[0] ? s->since : NULL;
		rif[k].ports = s->ports;
		rif[k].base = &s->zero;
		rif[k].prev = &s->cur;
		rif[k].cur = &s->cur;
		counters_add(sum_cur, &s->cur);
		sum_cur->mono = s->cur.mono;
		sum_cur->real = s->cur.real;
		k++;
	}
	if (k) {
		struct out_report r = {
			.type = "show",
			.host = cli_hostname(),
			.version = SIPSTAT_VERSION,
			.when = sh[0].cur.real,
			.ifs = rif,
			.nifs = k,
			.mode = modes,
			.base = sum_base,
			.prev = sum_cur,
			.cur = sum_cur,
			.dirs = 1U << SIPSTAT_DIR_IN,
			.attachments = true,
			.peers = &ins,
		};
		const char *shown[SHOW_MAX];

		out_options(&r, o);
		snprintf(modes, sizeof(modes), "%s%s%s", native ? "native" : "",
			 native && skb ? "," : "", skb ? "skb" : "");
		sum_base->mono = sum_cur->mono;
		sum_base->real = sum_cur->real;
		for (i = 0; i < k; i++)
			shown[i] = rif[i].name;
		/* Per-peer totals since the program was loaded: no base reading. */
		peerwatch_open_pinned(&ins, r.failing_top || o->export_failing, shown, k,
				      reader.ncpus);
		peerwatch_read(&ins, false);
		ins_open = true;
		for (i = 0; i < k; i++) {
			if (!peerwatch_has(&ins, i))
				continue;
			rif[i].peers = &ins.each[i];
			rif[i].peer_names = &ins.table;
			rif[i].failing = &ins.each_failing[i];
		}
		out_write(stdout, o->output, &r);
		fflush(stdout);
	}
out:
	if (ins_open)
		peerwatch_close(&ins);
	free(sh);
	free(sum_base);
	free(sum_cur);
	reader_free(&reader);
	return ret;
}

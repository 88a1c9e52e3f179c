// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* sipstat status: every pinned interface, its state, ids, ports and totals. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fmt.h"
#include "out_write.h"
#include "pin.h"
#include "ports.h"
#include "reader.h"

#define STATUS_MAX 64

/* One pinned interface: its pins and what is read from them. */
struct status_row {
	struct pin_status st;
	char ports[256];
	char since[32], attached[32];	/* ISO 8601, "" when unknown */
};

int cmd_status(const struct options *o)
{
	static char names[STATUS_MAX][IF_NAMESIZE];
	static struct status_row rows[STATUS_MAX];
	static struct out_iface ifs[STATUS_MAX];
	struct out_report r = { .type = "status", .host = cli_hostname(), .ifs = ifs };
	struct counters *c = NULL;
	struct sipstat_ports set;
	struct reader reader = { 0 };
	struct pinned p;
	char msg[512];
	int i, n, k = 0, ret = 0;

	if (o->nifs) {
		for (n = 0; n < o->nifs; n++)
			snprintf(names[n], IF_NAMESIZE, "%s", o->ifnames[n]);
	} else {
		n = pin_list(names, STATUS_MAX, msg, sizeof(msg));
		if (n < 0) {
			cli_err("%s", msg);
			return 1;
		}
	}
	if (reader_init(&reader) || !(c = calloc((size_t)(n ? n : 1), sizeof(*c)))) {
		cli_err("cannot set up the counter reader");
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct status_row *row = &rows[k];
		struct out_iface *x = &ifs[k];

		memset(row, 0, sizeof(*row));
		memset(x, 0, sizeof(*x));
		if (pin_status(names[i], &row->st, msg, sizeof(msg))) {
			cli_err("%s", msg);
			ret = 1;
			continue;
		}
		if (row->st.has_meta && row->st.meta.created_ns)
			fmt_time_ns(row->since, sizeof(row->since), row->st.meta.created_ns);
		if (row->st.has_meta && row->st.meta.attached_ns)
			fmt_time_ns(row->attached, sizeof(row->attached), row->st.meta.attached_ns);
		if (!pin_open(names[i], &p, msg, sizeof(msg))) {
			if (!pin_read_ports(&p, &set))
				ports_format(&set, row->ports, sizeof(row->ports));
			if (!counters_read(&reader, p.fd[PIN_COUNTS], &c[k]))
				x->cur = &c[k];
			pin_close(&p);
		}
		x->name = row->st.ifname;
		x->pin = &row->st;
		x->since = row->since;
		x->attached = row->attached;
		x->ports = row->ports;
		k++;
	}
	r.nifs = k;
	clock_gettime(CLOCK_REALTIME, &r.when);
	/* Text for nothing found of the interfaces asked for: what went wrong was said above. */
	if (o->output == OUT_JSON || k || !o->nifs)
		out_write(stdout, o->output, &r);
	free(c);
	reader_free(&reader);
	return ret;
}

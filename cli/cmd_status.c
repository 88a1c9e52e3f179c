// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* sipstat status: every pinned interface, its state, ids, ports and totals. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"
#include "pin.h"
#include "ports.h"
#include "reader.h"
#include "report.h"

#define STATUS_MAX 64

int cmd_status(const struct options *o)
{
	static char names[STATUS_MAX][IF_NAMESIZE];
	static struct status_row rows[STATUS_MAX];
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
		struct status_row *r = &rows[k];

		memset(r, 0, sizeof(*r));
		if (pin_status(names[i], &r->st, msg, sizeof(msg))) {
			cli_err("%s", msg);
			ret = 1;
			continue;
		}
		if (r->st.has_meta && r->st.meta.created_ns)
			fmt_time_ns(r->since, sizeof(r->since), r->st.meta.created_ns);
		if (r->st.has_meta && r->st.meta.attached_ns)
			fmt_time_ns(r->attached, sizeof(r->attached), r->st.meta.attached_ns);
		if (!pin_open(names[i], &p, msg, sizeof(msg))) {
			if (!pin_read_ports(&p, &set))
				ports_format(&set, r->ports, sizeof(r->ports));
			if (!counters_read(&reader, p.fd[PIN_COUNTS], &c[k])) {
				r->has_counts = true;
				r->c = &c[k];
			}
			pin_close(&p);
		}
		k++;
	}
	if (o->output == OUT_JSON)
		out_json_status(stdout, rows, k, cli_hostname());
	else if (k || !o->nifs)	/* the interfaces asked for were said above */
		out_text_status(stdout, rows, k);
	free(c);
	reader_free(&reader);
	return ret;
}

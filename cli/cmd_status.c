// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat status: every pinned interface, its network namespace, state,
 * ids, ports and totals.  From the host, every namespace's; elsewhere the
 * caller's own (and pins of the old path, whose namespace nobody knows);
 * --netns picks.
 */
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
#define STATUS_NETNS_MAX 64

/* One pinned interface: its pins and what is read from them. */
struct status_row {
	struct pin_status st;
	char ports[256];
	char since[32], attached[32];	/* ISO 8601, "" when unknown */
};

/* The namespaces to look into: as --netns says, or by where the caller is. */
static int pick(const struct options *o, const struct pin_netns *ns, int n, bool *match)
{
	const char *spec = o->netns;
	char msg[512], shown[4 * sizeof(msg)];
	int i, k;

	if (!spec && netns_is_host())
		spec = "all";
	if (!spec) {
		for (i = 0; i < n; i++)
			match[i] = ns[i].state == PIN_NETNS_CURRENT || ns[i].old_path;
		return 0;
	}
	k = pin_netns_match(spec, ns, n, match, msg, sizeof(msg));
	if (k < 0) {
		cli_err("%s", fmt_escape(shown, sizeof(shown), msg));
		return 1;
	}
	return 0;
}

/*
 * One row for ifname in the namespace in use, and its place x in the
 * report; 0, or -ENOENT when nothing is pinned.
 */
static int row(const char *ifname, struct status_row *r, struct out_iface *x,
	       struct reader *reader, struct counters *c)
{
	char msg[512], shown[4 * sizeof(msg)];
	struct sipstat_ports set;
	struct pinned p;
	int e;

	memset(r, 0, sizeof(*r));
	memset(x, 0, sizeof(*x));
	e = pin_status(ifname, &r->st, msg, sizeof(msg));
	if (e) {
		if (e != -ENOENT)
			cli_err("%s", fmt_escape(shown, sizeof(shown), msg));
		return e;
	}
	if (r->st.has_meta && r->st.meta.created_ns)
		fmt_time_ns(r->since, sizeof(r->since), r->st.meta.created_ns);
	if (r->st.has_meta && r->st.meta.attached_ns)
		fmt_time_ns(r->attached, sizeof(r->attached), r->st.meta.attached_ns);
	if (!pin_open(ifname, &p, msg, sizeof(msg))) {
		if (!pin_read_ports(&p, &set))
			ports_format(&set, r->ports, sizeof(r->ports));
		if (!counters_read(reader, p.fd[PIN_COUNTS], c))
			x->cur = c;
		pin_close(&p);
	}
	x->name = r->st.ifname;
	x->pin = &r->st;
	x->since = r->since;
	x->attached = r->attached;
	x->ports = r->ports;
	return 0;
}

int cmd_status(const struct options *o)
{
	static char names[STATUS_MAX][IF_NAMESIZE];
	static struct status_row rows[STATUS_MAX];
	static struct out_iface ifs[STATUS_MAX];
	static struct pin_netns ns[STATUS_NETNS_MAX];
	struct out_report r = { .type = "status", .host = cli_hostname(), .ifs = ifs };
	bool match[STATUS_NETNS_MAX], said[MAX_IFACES] = { false };
	struct counters *c = NULL;
	struct reader reader = { 0 };
	char msg[512], shown[4 * sizeof(msg)];
	int i, j, n, nns, k = 0, ret = 0, e;

	nns = pin_netns_list(ns, STATUS_NETNS_MAX, msg, sizeof(msg));
	if (nns < 0) {
		cli_err("%s", msg);
		return 1;
	}
	if (pick(o, ns, nns, match)) {
		pin_netns_free(ns, nns);
		return 1;
	}
	if (reader_init(&reader) || !(c = calloc(STATUS_MAX, sizeof(*c)))) {
		cli_err("cannot set up the counter reader");
		pin_netns_free(ns, nns);
		reader_free(&reader);
		return 1;
	}
	for (j = 0; j < nns && k < STATUS_MAX; j++) {
		if (!match[j])
			continue;
		if (pin_netns_use(&ns[j], msg, sizeof(msg))) {
			cli_err("%s", fmt_escape(shown, sizeof(shown), msg));
			ret = 1;
			continue;
		}
		if (o->nifs) {
			for (n = 0; n < o->nifs; n++)
				snprintf(names[n], IF_NAMESIZE, "%s", o->ifnames[n]);
		} else {
			n = pin_list(names, STATUS_MAX, msg, sizeof(msg));
			if (n < 0) {
				cli_err("%s", fmt_escape(shown, sizeof(shown), msg));
				ret = 1;
				continue;
			}
		}
		for (i = 0; i < n && k < STATUS_MAX; i++) {
			e = row(names[i], &rows[k], &ifs[k], &reader, &c[k]);
			if (o->nifs && e != -ENOENT)
				said[i] = true;	/* a row, or what went wrong */
			if (e && e != -ENOENT)
				ret = 1;
			if (!e)
				k++;
		}
	}
	pin_netns_use(NULL, msg, sizeof(msg));
	pin_netns_free(ns, nns);

	/* An interface asked for and pinned nowhere. */
	for (i = 0; i < o->nifs; i++) {
		struct pin_status st;

		if (said[i])
			continue;
		ret = 1;
		if (!o->netns && pin_status(o->ifnames[i], &st, msg, sizeof(msg)))
			cli_err("%s", msg);
		else if (o->netns)
			cli_err("%s: nothing is pinned for it in %s%s", o->ifnames[i],
				!strcmp(o->netns, "all")  ? "any network namespace" :
				!strcmp(o->netns, "gone") ? "a gone network namespace" :
							    "the network namespace ",
				strcmp(o->netns, "all") != 0 && strcmp(o->netns, "gone") != 0 ?
					fmt_escape(shown, sizeof(shown), o->netns) :
					"");
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

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* sipstat status as text and as JSON: each pinned interface, its state, ids, pins and totals. */
#include <inttypes.h>
#include <stdio.h>

#include "codes.h"
#include "fmt.h"
#include "json.h"
#include "out.h"
#include "pin.h"
#include "tc.h"

static void text_tc(FILE *f, const struct pin_status *st)
{
	int d;

	for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
		if (!st->tc_prog_id[d])
			continue;
		fprintf(f, "\n  TC %s: prog id %u (handle 0x%x, priority %u)",
			d == SIPSTAT_DIR_OUT ? "egress" : "ingress", st->tc_prog_id[d],
			TC_SIPSTAT_HANDLE, TC_SIPSTAT_PRIO);
		if (st->state == PIN_NS_GONE || st->state == PIN_OLD_PATH)
			continue;	/* no interface looked at */
		if (!st->tc_hook_prog_id[d])
			fprintf(f, ", filter removed by someone else");
		else if (st->tc_hook_prog_id[d] != st->tc_prog_id[d])
			fprintf(f, ", filter now holds prog id %u", st->tc_hook_prog_id[d]);
	}
}

static void text_netns(FILE *f, const struct pin_status *st, const char *name)
{
	char ns[4 * NETNS_NAME_MAX];

	fmt_escape(ns, sizeof(ns), st->netns.name);
	if (st->netns.old_path)
		fprintf(f, "  netns unknown (the old path %s/%s): 'sipstat attach --replace "
			   "-i %s' in its namespace moves the pins\n", PIN_ROOT, name, name);
	else
		fprintf(f, "  netns %s%s%sinode %llu%s%s\n", ns, ns[0] ? " " : "", ns[0] ? "(" : "",
			(unsigned long long)st->netns.id.ino, ns[0] ? ")" : "",
			st->netns.state == PIN_NETNS_CURRENT ? ", this one" :
			st->netns.state == PIN_NETNS_GONE ?
				", gone: 'sipstat detach --netns gone' removes its pins" :
				"");
}

static void text_one(FILE *f, const struct out_iface *x)
{
	const struct pin_status *st = x->pin;
	char name[4 * IF_NAMESIZE];
	int obj, cls;

	/* Names as the filesystem has them: escape sequences shown, not run. */
	fmt_escape(name, sizeof(name), st->ifname);
	fprintf(f, "%s: %s", name, pin_state_name(st->state));
	if (st->state == PIN_IFACE_RECREATED)
		fprintf(f, " (index %d when attached, %d now): 'sipstat attach -i %s' attaches to "
			   "it again with the counts kept (sipstat serve does that by itself)",
			st->ifindex_attached, st->ifindex, name);
	if (st->iface_prog_id)
		fprintf(f, ", %s mode", attach_mode_name(st->mode));
	fputc('\n', f);
	text_netns(f, st, name);
	fprintf(f, "  prog id %u, link id %u", st->prog_id, st->link_id);
	if (st->iface_prog_id && st->iface_prog_id != st->prog_id)
		fprintf(f, ", XDP program on the interface: id %u", st->iface_prog_id);
	text_tc(f, st);
	fprintf(f, "\n  counting since %s, attached %s\n", x->since && x->since[0] ? x->since : "-",
		x->attached && x->attached[0] ? x->attached : "-");
	fprintf(f, "  ports %s; %s\n", x->ports && x->ports[0] ? x->ports : "-", st->layout);
	fprintf(f, "  pins:");
	for (obj = 0; obj < PIN_OBJS; obj++)
		if (st->has[obj] || (obj == PIN_LINK ? st->xdp : obj < PIN_LINK))
			fprintf(f, " %s%s", pin_obj_name(obj), st->has[obj] ? "" : " (missing)");
	fputc('\n', f);
	if (x->cur) {
		fprintf(f, "  responses %" PRIu64 " (",
			counters_outcome(x->cur, COUNTERS_DIR_ALL, COUNTERS_RESPONSES));
		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			fprintf(f, "%s%s %" PRIu64, cls > 1 ? " " : "", sip_class_label(cls),
				counters_class(x->cur, COUNTERS_DIR_ALL, cls));
		fprintf(f, "), requests %" PRIu64 "\n",
			counters_outcome(x->cur, COUNTERS_DIR_ALL, COUNTERS_REQUESTS));
	}
}

void out_text_status(FILE *f, const struct out_report *r)
{
	int i;

	if (!r->nifs) {
		fprintf(f, "nothing attached: no pins under %s\n", PIN_ROOT);
		return;
	}
	for (i = 0; i < r->nifs; i++)
		text_one(f, &r->ifs[i]);
}

static void json_one(struct json *j, const struct out_iface *x)
{
	const struct pin_status *st = x->pin;
	int k, cls;

	json_object(j);
	json_kstr(j, "interface", st->ifname);
	json_kstr(j, "netns", st->netns.name);
	json_ku64(j, "netns_inode", st->netns.id.ino);
	json_ku64(j, "netns_cookie", st->netns.id.cookie);
	json_kstr(j, "netns_state", pin_netns_state_key(st->netns.state));
	json_kstr(j, "state", pin_state_key(st->state));
	json_kstr(j, "state_text", pin_state_name(st->state));
	json_kstr(j, "mode", st->iface_prog_id ? attach_mode_name(st->mode) : "");
	json_ku64(j, "prog_id", st->prog_id);
	json_ku64(j, "link_id", st->link_id);
	json_ku64(j, "iface_prog_id", st->iface_prog_id);
	json_ku64(j, "layout", st->has_meta ? st->meta.layout : 0);
	json_kstr(j, "layout_text", st->layout);
	json_kstr(j, "since", x->since);
	json_kstr(j, "attached", x->attached);
	json_kstr(j, "ports", x->ports);
	json_key(j, "pins");
	json_object(j);
	for (k = 0; k < PIN_OBJS; k++) {
		json_key(j, pin_obj_name(k));
		json_bool(j, st->has[k]);
	}
	json_object_end(j);
	json_key(j, "directions");
	json_array(j);
	for (k = 0; k < SIPSTAT_DIR_MAX; k++)
		if (st->dirs & 1U << k)
			json_str(j, counters_dir_name(k));
	json_array_end(j);
	json_key(j, "tc");
	json_object(j);
	for (k = 0; k < SIPSTAT_DIR_MAX; k++) {
		json_key(j, counters_dir_name(k));
		json_object(j);
		json_ku64(j, "prog_id", st->tc_prog_id[k]);
		json_ku64(j, "hook_prog_id", st->tc_hook_prog_id[k]);
		json_object_end(j);
	}
	json_object_end(j);
	if (x->cur) {
		const struct counters *c = x->cur;

		json_ku64(j, "responses", counters_outcome(c, COUNTERS_DIR_ALL, COUNTERS_RESPONSES));
		json_ku64(j, "requests", counters_outcome(c, COUNTERS_DIR_ALL, COUNTERS_REQUESTS));
		json_key(j, "classes");
		json_object(j);
		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			json_ku64(j, sip_class_label(cls), counters_class(c, COUNTERS_DIR_ALL, cls));
		json_object_end(j);
	}
	json_object_end(j);
}

void out_json_status(FILE *f, const struct out_report *r)
{
	struct json j;
	char when[32];
	int i;

	json_init(&j, f);
	fmt_time(when, sizeof(when), &r->when);
	json_object(&j);
	json_key(&j, "schema");
	json_int(&j, OUT_SCHEMA);
	json_kstr(&j, "type", "status");
	json_kstr(&j, "time", when);
	json_kstr(&j, "host", r->host);
	json_key(&j, "interfaces");
	json_array(&j);
	for (i = 0; i < r->nifs; i++)
		json_one(&j, &r->ifs[i]);
	json_array_end(&j);
	json_object_end(&j);
	fputc('\n', f);
}

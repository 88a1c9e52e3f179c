// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* sipstat attach: load, attach and pin, then return; counting goes on. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "alert.h"
#include "cli.h"
#include "peers.h"
#include "peerwatch.h"
#include "pin.h"
#include "pin_attach.h"
#include "ports.h"

/* A failure of attach_one: into err when given, else on stderr. */
static int failed(int e, const char *msg, char *err, size_t errlen)
{
	if (err)
		snprintf(err, errlen, "%s", msg);
	else
		cli_err("%s", msg);
	return e;
}

/* pin_attach as o asks, with the verifier's log on a failed load under -v. */
static int attach_pinned(const char *ifname, const struct options *o,
			 struct pin_attach_result *res, char *msg, size_t msglen)
{
	struct pin_attach_opts ao = {
		.mode = o->mode,
		.mode_given = o->mode_given,
		.ports = o->ports_given ? &o->ports : NULL,
		.reset = o->reset,
		.replace = o->replace,
		.force = o->force,
		.dirs = o->dirs,
		.dirs_given = o->dirs_given,
		.multiprog = o->multiprog,
	};
	int e;

	if (o->verbose > 0) {
		ao.log = calloc(1, CLI_LOG_SIZE);
		ao.loglen = ao.log ? CLI_LOG_SIZE : 0;
	}
	e = pin_attach(ifname, &ao, res, msg, msglen);
	if (e && ao.log && ao.log[0])
		cli_print_log_tail(ao.log);
	free(ao.log);
	return e;
}

/* What the attach did besides attaching, and how it attached. */
static void say_attached(const char *ifname, const struct options *o,
			 const struct pin_attach_result *res, bool quiet)
{
	char ports[128];

	if (res->removed_prog_id)
		cli_err("%s: replaced XDP program id %u%s%s for good (--force)", ifname,
			res->removed_prog_id, res->removed_name[0] ? " " : "", res->removed_name);
	if (res->fell_back)
		cli_err("%s", res->fallback_why);
	if (res->carried[0])
		cli_err("%s: carried over from the old layout: %s", ifname, res->carried);
	if (res->not_carried[0])
		cli_err("%s: not carried over: %s", ifname, res->not_carried);
	if (quiet)
		return;
	if (o->ports_given)
		ports_format(&o->ports, ports, sizeof(ports));
	cli_err("%s: %s (%s mode%s, prog id %u, link id %u)%s%s%s", ifname,
		res->new_layout ? "attached with maps of this layout (see above for the counts)" :
		res->replaced ? "program replaced, counts kept" :
		res->kept     ? "already attached, counts kept" :
		res->new_maps ? "attached and pinned, counting from zero" :
				"attached again, pinned counts kept",
		attach_mode_name(res->mode),
		res->tc_dirs & 1U << SIPSTAT_DIR_OUT ? ", egress on TC" : "", res->prog_id,
		res->link_id, o->ports_given ? "; SIP ports now " : "", o->ports_given ? ports : "",
		o->reset ? "; counters reset" : "");
}

/*
 * Attach one interface as o asks and say what happened; 0 or -errno.
 * With err, a failure is left there instead of printed, and success is
 * not announced (serve says it its own way).
 */
int attach_one(const char *ifname, const struct options *o, char *err, size_t errlen)
{
	struct pin_attach_result res;
	char msg[512], done[512], to[256];
	int e;

	e = attach_pinned(ifname, o, &res, msg, sizeof(msg));
	if (e)
		return failed(e, msg, err, errlen);
	if (res.moved) {
		peers_names_move_old(ifname);
		pin_shown_path(to, sizeof(to), ifname, -1);
		cli_err("%s: pins of the old path %s/%s moved to %s, counts and all", ifname,
			PIN_ROOT, ifname, to);
	}
	if (o->peers_file) {
		e = peerwatch_load_pinned(ifname, o->peers_file, done, sizeof(done), msg,
					  sizeof(msg));
		if (e)
			return failed(e, msg, err, errlen);
		if (!err)
			cli_err("%s", done);
	}
	/* --event-codes, --event-rate: in the program now attached. */
	e = alert_settings_pinned(ifname, &o->alert, msg, sizeof(msg));
	if (e)
		return failed(e, msg, err, errlen);
	say_attached(ifname, o, &res, err != NULL);
	return 0;
}

int attach_check_peers(const struct options *o)
{
	char msg[512];
	int e = peerwatch_check_file(o->peers_file, msg, sizeof(msg));

	if (e == -EINVAL) {
		cli_err("%s\nTry 'sipstat --help' for more information.", msg);
		return 2;
	}
	if (e) {
		cli_err("%s", msg);
		return 1;
	}
	return 0;
}

int cmd_attach(const struct options *o)
{
	int i, ret = attach_check_peers(o);

	if (ret)
		return ret;
	for (i = 0; i < o->nifs; i++)
		if (attach_one(o->ifnames[i], o, NULL, 0))
			ret = 1;
	return ret;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "obj.h"
#include "ports.h"
#include "source.h"
#include "tc.h"

unsigned int source_dirs(const struct source *s)
{
	if (s->pinned)
		return s->pin.has_meta && s->pin.meta.dirs ? s->pin.meta.dirs : 1U << SIPSTAT_DIR_IN;
	return s->dirs ? s->dirs : 1U << SIPSTAT_DIR_IN;
}

const char *source_state_name(enum source_state st)
{
	switch (st) {
	case SOURCE_COUNTING:
		return "counting";
	case SOURCE_GONE:
		return "gone";
	default:
		return "detached";
	}
}

static int open_pinned(struct source *s, const struct options *o, char *notice, size_t nlen,
		       char *msg, size_t msglen)
{
	char list[128];
	int e;

	e = pin_open(s->ifname, &s->pin, msg, msglen);
	if (e)
		return e;
	s->pinned = true;
	s->counts_fd = s->pin.fd[PIN_COUNTS];
	s->mode = s->pin.has_meta ? (enum attach_mode)s->pin.meta.mode : ATTACH_AUTO;
	if (o->ports_given) {
		e = pin_map_ports(&s->pin, msg, msglen);
		if (e)
			return e;
		ports_apply(s->pin.ports, &o->ports);
		ports_format(&o->ports, list, sizeof(list));
		snprintf(notice, nlen, "%s: SIP ports of the pinned program set to %s (for every "
				       "reader, and after this one exits)", s->ifname, list);
	}
	return 0;
}

/* The watching mode's own attachment: for as long as it runs, detached on the way out. */
static int open_own(struct source *s, const struct options *o, char *notice, size_t nlen,
		    char *msg, size_t msglen)
{
	struct attach_req rq = {
		.mode = o->mode,
		.dirs = o->dirs,
		.force = o->force,
		.multiprog = o->multiprog,
		.relink_fd = -1,
	};
	struct attach *a = &s->own;
	int e;

	if (o->verbose > 0) {
		rq.log = calloc(1, CLI_LOG_SIZE);
		rq.loglen = rq.log ? CLI_LOG_SIZE : 0;
	}
	e = attach_load(a, s->ifname, &rq, msg, msglen);
	if (e && rq.log)
		cli_print_log_tail(rq.log);
	free(rq.log);
	rq.log = NULL;
	if (e)
		return e;
	ports_apply(obj_ports(a->skel), &o->ports);
	e = attach_hooks(a, &rq, msg, msglen);
	s->ifindex = a->ifindex;
	s->dirs = o->dirs;
	s->mode = a->mode;
	if (e)
		return e;
	if (a->removed_prog_id)
		snprintf(notice, nlen, "%s: replaced XDP program id %u%s%s for good (--force)",
			 s->ifname, a->removed_prog_id, a->removed_name[0] ? " " : "",
			 a->removed_name);
	else if (a->fell_back)
		snprintf(notice, nlen, "%s", a->fallback_why);
	s->counts_fd = obj_counts_fd(a->skel);
	return 0;
}

int source_open(struct source *s, const char *ifname, const struct options *o, char *notice,
		size_t nlen, char *msg, size_t msglen)
{
	int e;

	memset(s, 0, sizeof(*s));
	attach_init(&s->own);
	s->counts_fd = -1;
	for (e = 0; e < PIN_OBJS; e++)
		s->pin.fd[e] = -1;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	notice[0] = '\0';

	e = pin_lookup(ifname, msg, msglen);
	if (e < 0) {
		if (e == -EACCES)
			snprintf(msg, msglen, "cannot look for pinned counters of %s in %s: %s; "
					      "pinned counters are readable by root only: run as root",
				 ifname, PIN_ROOT, strerror(-e));
		return e;
	}
	/* Pins of the old path: to be moved first, not attached over. */
	if (!e && pin_old_path(ifname, msg, msglen))
		return -EPROTO;
	if (e == 1) {
		s->ifindex = (int)if_nametoindex(ifname);
		e = open_pinned(s, o, notice, nlen, msg, msglen);
		if (e != -ENOENT)
			return e;
		/* A directory without counters: count on our own. */
	}
	return open_own(s, o, notice, nlen, msg, msglen);
}

void source_close(struct source *s)
{
	if (s->pinned)
		pin_close(&s->pin);
	attach_detach(&s->own);
}

int source_read(struct source *s, struct reader *r, struct counters *c)
{
	uint64_t frames[SIPSTAT_DIR_MAX];
	int e;

	memcpy(frames, c->frames, sizeof(frames));
	e = counters_read(r, s->counts_fd, c);
	if (e)
		return e;
	/* A gone interface has no statistics: keep the last ones. */
	if (s->state == SOURCE_GONE || !s->ifindex || counters_read_frames(s->ifindex, c))
		memcpy(c->frames, frames, sizeof(frames));
	return 0;
}

int source_check(struct source *s, char *msg, size_t msglen)
{
	int idx, gone_dir;

	idx = (int)if_nametoindex(s->ifname);
	if (s->pinned) {
		if (s->state == SOURCE_COUNTING && idx != s->ifindex) {
			s->state = SOURCE_GONE;
			snprintf(msg, msglen, "%s went away (removed or renamed); its pinned totals "
					      "are kept, counting again when it is back and attached",
				 s->ifname);
			return 1;
		}
		if (s->state == SOURCE_GONE && idx) {
			s->ifindex = idx;
			s->state = SOURCE_COUNTING;
			snprintf(msg, msglen, "%s is back", s->ifname);
			return 1;
		}
		return 0;
	}
	switch (s->state) {
	case SOURCE_COUNTING:
		if (attach_intact(&s->own, &gone_dir))
			return 0;
		if (attach_iface_present(s->ifname, s->ifindex)) {
			s->state = SOURCE_DETACHED;
			if (gone_dir >= 0)
				snprintf(msg, msglen,
					 "%s: sipstat's TC filter on %s was removed or replaced by "
					 "another; counting stopped",
					 s->ifname, tc_hook_name(gone_dir));
			else
				snprintf(msg, msglen,
					 "%s: the XDP program was detached or replaced by another "
					 "(sipstat --force?); counting stopped",
					 s->ifname);
		} else {
			s->state = SOURCE_GONE;
			snprintf(msg, msglen, "%s went away (removed or renamed); counting stopped",
				 s->ifname);
		}
		return 1;
	case SOURCE_GONE:
		/* Back: the same program and maps on the new interface, totals go on. */
		if (!idx || attach_again(&s->own, idx, msg, msglen))
			return 0;	/* not there, or not ready yet (still coming up): next time */
		s->ifindex = idx;
		s->mode = s->own.mode;
		s->state = SOURCE_COUNTING;
		snprintf(msg, msglen, "%s is back; counting again (%s mode)", s->ifname,
			 attach_mode_name(s->mode));
		return 1;
	default:
		return 0;
	}
}

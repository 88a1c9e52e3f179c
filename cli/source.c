// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cli.h"
#include "multiprog.h"
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

/* Our TC filters, on the hooks of dirs that count through TC. */
static __u32 prog_id_of(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len) ? info.id : 0;
}

/* Our link is on the interface and runs our program (--force elsewhere swaps it). */
static bool link_ours(const struct source *s)
{
	struct attach_link_info li;

	return !attach_link_info(s->link_fd, &li) && li.ifindex && li.prog_id == s->xdp_prog_id;
}

/* --force: sipstat's TC place taken from another sipstat too. */
static int attach_tc(struct source *s, int ifindex, bool force, char *msg, size_t msglen)
{
	struct bpf_prog_info info;
	__u32 len;
	int dir, fd, e;

	for (dir = 0; dir < SIPSTAT_DIR_MAX; dir++) {
		fd = obj_tc_fd(s->skel, dir);
		if (fd < 0)
			continue;
		e = tc_attach(fd, ifindex, s->ifname, dir, force, msg, msglen);
		if (e)
			return e;
		len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			s->tc_prog[dir] = info.id;
	}
	return 0;
}

static void detach_tc(struct source *s)
{
	char msg[256];
	int dir;

	for (dir = 0; dir < SIPSTAT_DIR_MAX; dir++)
		if (s->tc_prog[dir] && s->ifindex)
			tc_detach(s->ifindex, s->ifname, dir, s->tc_prog[dir], msg, sizeof(msg));
	memset(s->tc_prog, 0, sizeof(s->tc_prog));
}

/* --multiprog where the kernel runs the dispatcher: libxdp loads and attaches. */
static int open_multiprog(struct source *s, const struct options *o, char *msg, size_t msglen)
{
	unsigned int progs = attach_wants_frags(s->ifindex, s->ifname) ? OBJ_XDP_FRAGS : OBJ_XDP;
	int e;

	if (o->dirs & 1U << SIPSTAT_DIR_OUT)
		progs |= OBJ_TC_OUT;
	e = obj_open_progs(&s->skel, progs, msg, msglen);
	if (e)
		return e;
	ports_apply(obj_ports(s->skel), &o->ports);
	e = multiprog_join(obj_bpf_object(s->skel), obj_xdp_section(s->skel), s->ifindex,
			   s->ifname, o->mode == ATTACH_SKB, &s->mp, msg, msglen);
	if (e)
		return e;
	s->mode = o->mode == ATTACH_SKB ? ATTACH_SKB : ATTACH_NATIVE;
	e = attach_tc(s, s->ifindex, o->force, msg, msglen);
	if (e)
		return e;
	s->counts_fd = obj_counts_fd(s->skel);
	return 0;
}

static int open_own(struct source *s, const struct options *o, char *notice, size_t nlen,
		    char *msg, size_t msglen)
{
	struct attach_state st = { .link_fd = -1 };
	bool tc_in = o->mode == ATTACH_TC, xdp_in = !tc_in && (o->dirs & 1U << SIPSTAT_DIR_IN);
	unsigned int progs = 0;
	char *log = NULL;
	bool fell_back;
	int e;

	s->ifindex = (int)if_nametoindex(s->ifname);
	if (!s->ifindex) {
		snprintf(msg, msglen, "no such interface: %s (see 'ip link' for the names here)",
			 s->ifname);
		return -ENODEV;
	}
	s->dirs = o->dirs;
	s->mode = tc_in || !xdp_in ? ATTACH_TC : o->mode;
	if (xdp_in && o->multiprog) {
		e = multiprog_check(s->ifindex, s->ifname, msg, msglen);
		if (e)
			return e;
		return open_multiprog(s, o, msg, msglen);
	}
	if (xdp_in) {
		e = attach_query(s->ifindex, s->ifname, &st, msg, msglen);
		if (e)
			return e;
		if (st.prog_id && !o->force) {
			attach_busy_msg(s->ifname, &st, msg, msglen);
			attach_state_free(&st);
			return -EBUSY;
		}
		progs |= attach_wants_frags(s->ifindex, s->ifname) ? OBJ_XDP_FRAGS : OBJ_XDP;
	}
	if (tc_in && (o->dirs & 1U << SIPSTAT_DIR_IN))
		progs |= OBJ_TC_IN;
	if (o->dirs & 1U << SIPSTAT_DIR_OUT)
		progs |= OBJ_TC_OUT;
	if (o->verbose > 0)
		log = calloc(1, CLI_LOG_SIZE);
	e = obj_load_progs(&s->skel, NULL, progs, log, log ? CLI_LOG_SIZE : 0, msg, msglen);
	if (e) {
		cli_print_log_tail(log);
		free(log);
		attach_state_free(&st);
		return e;
	}
	free(log);
	ports_apply(obj_ports(s->skel), &o->ports);
	if (xdp_in && st.prog_id) {
		/* --force: ours in its place in one step, or it stays. */
		s->link_fd = attach_xdp_replace(obj_prog_fd(s->skel), s->ifindex, s->ifname, &st,
						o->mode, &s->mode, msg, msglen);
		if (s->link_fd >= 0)
			snprintf(notice, nlen, "%s: replaced XDP program id %u%s%s for good (--force)",
				 s->ifname, st.prog_id, st.prog_name[0] ? " " : "", st.prog_name);
	} else if (xdp_in) {
		s->link_fd = attach_xdp(obj_prog_fd(s->skel), s->ifindex, s->ifname, o->mode,
					&s->mode, &fell_back, msg, msglen);
		if (s->link_fd >= 0 && fell_back && !notice[0])
			snprintf(notice, nlen, "%s", msg);
	}
	attach_state_free(&st);
	if (xdp_in && s->link_fd < 0)
		return s->link_fd;
	s->xdp_prog_id = xdp_in ? prog_id_of(obj_prog_fd(s->skel)) : 0;
	e = attach_tc(s, s->ifindex, o->force, msg, msglen);
	if (e)
		return e;
	s->counts_fd = obj_counts_fd(s->skel);
	return 0;
}

int source_open(struct source *s, const char *ifname, const struct options *o, char *notice,
		size_t nlen, char *msg, size_t msglen)
{
	int e;

	memset(s, 0, sizeof(*s));
	s->link_fd = -1;
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
	/*
	 * Detach, not only close: a link taken over from another tool by
	 * --force is held by that tool too, and must not keep ours attached.
	 */
	if (s->link_fd >= 0) {
		if (link_ours(s))
			bpf_link_detach(s->link_fd);
		close(s->link_fd);
	}
	s->link_fd = -1;
	/* A TC filter is no link: it stays unless removed. */
	detach_tc(s);
	multiprog_leave(s->mp, s->ifindex);
	s->mp = NULL;
	obj_free(s->skel);
	s->skel = NULL;
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
	bool fell_back;
	int idx, fd, dir, gone_dir;
	__u32 id;

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
		gone_dir = -1;
		for (dir = 0; dir < SIPSTAT_DIR_MAX; dir++)
			if (s->tc_prog[dir] &&
			    (tc_query(s->ifindex, dir, &id) || id != s->tc_prog[dir]))
				gone_dir = dir;
		if (gone_dir < 0 && (s->link_fd < 0 || link_ours(s)))
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
		if (!idx)
			return 0;
		/* Back: the same program and maps on the new interface, totals go on. */
		if (s->link_fd >= 0) {
			fd = attach_xdp(obj_prog_fd(s->skel), idx, s->ifname, s->mode, &s->mode,
					&fell_back, msg, msglen);
			if (fd < 0)
				return 0;	/* not ready yet (still coming up): next time */
			close(s->link_fd);
			s->link_fd = fd;
		}
		memset(s->tc_prog, 0, sizeof(s->tc_prog));
		if (attach_tc(s, idx, false, msg, msglen))
			return 0;
		s->ifindex = idx;
		s->state = SOURCE_COUNTING;
		snprintf(msg, msglen, "%s is back; counting again (%s mode)", s->ifname,
			 attach_mode_name(s->mode));
		return 1;
	default:
		return 0;
	}
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "attach.h"
#include "multiprog.h"
#include "obj.h"
#include "prog.h"
#include "tc.h"
#include "xdp.h"

void attach_init(struct attach *a)
{
	memset(a, 0, sizeof(*a));
	a->link_fd = -1;
}

int attach_iface_present(const char *ifname, int ifindex)
{
	return ifindex > 0 && if_nametoindex(ifname) == (unsigned int)ifindex;
}

/*
 * A program of sipstat's at a place on the interface (hook: "XDP", "TC
 * egress"): -EBUSY with msg when pins hold it, for it is never replaced;
 * 0 when another process holds it; 1 when nothing does.
 */
static int sipstat_holders(const char *ifname, const char *hook, __u32 id, char *msg,
			   size_t msglen)
{
	struct prog_holders h;

	prog_holders(id, &h);
	if (h.pin_here) {
		snprintf(msg, msglen, "cannot attach to %s: sipstat counts there already (%s program "
				      "id %u), pinned as %s",
			 ifname, hook, id, h.pin);
		return -EBUSY;
	}
	if (h.pin_pid) {
		snprintf(msg, msglen,
			 "cannot attach to %s: sipstat counts there already (%s program id %u), "
			 "pinned as %s in the mount namespace of process %d, out of sight of this "
			 "one; to read it: nsenter --mount=/proc/%d/ns/mnt sipstat -i %s",
			 ifname, hook, id, h.pin, h.pin_pid, h.pin_pid, ifname);
		return -EBUSY;
	}
	return h.pid ? 0 : 1;
}

/*
 * What is on the XDP hook (into st), and whether ours may take its place:
 * 0 when free, or with --force for another tool's program (st says
 * whose); -EBUSY with msg otherwise.
 */
static int xdp_place(const struct attach *a, bool force, struct xdp_state *st, char *msg,
		     size_t msglen)
{
	int e;

	e = xdp_query(a->ifindex, a->ifname, st, msg, msglen);
	if (e || !st->prog_id)
		return e;
	if (prog_is_sipstat(st->prog_name)) {
		e = sipstat_holders(a->ifname, "XDP", st->prog_id, msg, msglen);
		if (e < 0)
			return e;
		/* A link lives while held: by nothing here, so by pins this namespace cannot see. */
		if (e == 1 && st->link_fd >= 0) {
			snprintf(msg, msglen,
				 "cannot attach to %s: sipstat counts there already (XDP program id "
				 "%u), held by pins out of sight of this mount namespace; run sipstat "
				 "where they are: nsenter --mount=/proc/PID/ns/mnt sipstat -i %s, for "
				 "a process PID there (1: the host's)",
				 a->ifname, st->prog_id, a->ifname);
			return -EBUSY;
		}
	}
	if (force)
		return 0;
	xdp_busy_msg(a->ifname, st, msg, msglen);
	return -EBUSY;
}

/* The programs to load for rq: OBJ_*. */
static unsigned int programs(const struct attach *a, const struct attach_req *rq)
{
	unsigned int progs = 0;

	if (a->xdp_in)
		progs |= xdp_wants_frags(a->ifindex, a->ifname) ? OBJ_XDP_FRAGS : OBJ_XDP;
	if (rq->mode == ATTACH_TC && (rq->dirs & 1U << SIPSTAT_DIR_IN))
		progs |= OBJ_TC_IN;
	if (rq->dirs & 1U << SIPSTAT_DIR_OUT)
		progs |= OBJ_TC_OUT;
	return progs;
}

int attach_load(struct attach *a, const char *ifname, const struct attach_req *rq, char *msg,
		size_t msglen)
{
	struct xdp_state st;
	int e;

	snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	a->ifindex = (int)if_nametoindex(ifname);
	if (!a->ifindex) {
		snprintf(msg, msglen, "no such interface: %s (see 'ip link' for the names here)",
			 ifname);
		return -ENODEV;
	}
	a->xdp_in = rq->mode != ATTACH_TC && (rq->dirs & 1U << SIPSTAT_DIR_IN);
	a->mode = a->xdp_in ? rq->mode : ATTACH_TC;
	if (a->xdp_in && rq->multiprog) {
		e = multiprog_check(a->ifindex, ifname, msg, msglen);
		if (e)
			return e;
		return obj_open_progs(&a->skel, programs(a, rq), msg, msglen);
	}
	if (a->xdp_in && rq->relink_fd < 0) {
		/* Another tool's program: refused before anything is loaded. */
		e = xdp_place(a, rq->force, &st, msg, msglen);
		xdp_state_free(&st);
		if (e)
			return e;
	}
	return obj_load_progs(&a->skel, rq->reuse, programs(a, rq), rq->log, rq->loglen, msg,
			      msglen);
}

/* The facts of the link now holding our XDP program. */
static void link_facts(struct attach *a, int link_fd)
{
	struct xdp_link_info li;

	xdp_link_info(link_fd, &li);
	a->xdp_prog_id = li.prog_id;
	a->link_id = li.id;
}

/* --replace on a live link of ours: the program swapped in place, no gap in counting. */
static int relink(struct attach *a, int link_fd, char *msg, size_t msglen)
{
	struct xdp_state st;
	int e;

	if (bpf_link_update(link_fd, obj_prog_fd(a->skel), NULL)) {
		e = -errno;
		snprintf(msg, msglen, "cannot swap the program on %s: %s", a->ifname, strerror(-e));
		return e;
	}
	e = xdp_query(a->ifindex, a->ifname, &st, msg, msglen);
	if (e)
		return e;
	a->mode = st.mode;
	xdp_state_free(&st);
	link_facts(a, link_fd);
	return 0;
}

/* A new link: on a free hook, or in another tool's place in one step (--force). */
static int link_new(struct attach *a, const struct attach_req *rq, char *msg, size_t msglen)
{
	struct xdp_state st;
	int fd;

	fd = xdp_place(a, rq->force, &st, msg, msglen);
	if (!fd && st.prog_id) {
		fd = xdp_replace(obj_prog_fd(a->skel), a->ifindex, a->ifname, &st, rq->mode, &a->mode,
				 msg, msglen);
		if (fd >= 0) {
			a->removed_prog_id = st.prog_id;
			snprintf(a->removed_name, sizeof(a->removed_name), "%s", st.prog_name);
		}
	} else if (!fd) {
		fd = xdp_attach(obj_prog_fd(a->skel), a->ifindex, a->ifname, rq->mode, &a->mode,
				&a->fell_back, msg, msglen);
		if (fd >= 0 && a->fell_back)
			snprintf(a->fallback_why, sizeof(a->fallback_why), "%s", msg);
	}
	xdp_state_free(&st);
	if (fd < 0)
		return fd;
	a->link_fd = fd;
	link_facts(a, fd);
	return 0;
}

/* --multiprog: libxdp loads the object and puts ours first in the dispatcher. */
static int join(struct attach *a, const struct attach_req *rq, char *msg, size_t msglen)
{
	bool skb = rq->mode == ATTACH_SKB;
	int e;

	e = multiprog_join(obj_bpf_object(a->skel), obj_xdp_section(a->skel), a->ifindex,
			   a->ifname, skb, &a->mp, msg, msglen);
	a->mode = skb ? ATTACH_SKB : ATTACH_NATIVE;
	return e;
}

/*
 * Whether ours takes sipstat's TC place of dir (*replace): with --force,
 * from our own program of before, or from a filter of sipstat's that
 * nothing holds (left by a sipstat that was killed: a filter is no link).
 * -EBUSY with msg when pins hold the one there.
 */
static int tc_place(const struct attach *a, int dir, bool force, __u32 before, bool *replace,
		    char *msg, size_t msglen)
{
	char name[16], hook[16];
	__u32 id;
	int e;

	*replace = force;
	if (tc_query(a->ifindex, dir, &id) || !id)
		return 0;
	if (id == before) {
		*replace = true;
		return 0;
	}
	prog_name(id, name, sizeof(name));
	if (!prog_is_sipstat(name))
		return 0;
	snprintf(hook, sizeof(hook), "TC %s", tc_hook_name(dir));
	e = sipstat_holders(a->ifname, hook, id, msg, msglen);
	if (e == 1)
		*replace = true;
	return e < 0 ? e : 0;
}

/* Each loaded TC program on its hook; before: ours of before per direction, or NULL. */
static int tc_hooks(struct attach *a, bool force, const __u32 *before, char *msg, size_t msglen)
{
	bool replace;
	int dir, fd, e;

	for (dir = 0; dir < SIPSTAT_DIR_MAX; dir++) {
		fd = obj_tc_fd(a->skel, dir);
		if (fd < 0)
			continue;
		e = tc_place(a, dir, force, before ? before[dir] : 0, &replace, msg, msglen);
		if (!e)
			e = tc_attach(fd, a->ifindex, a->ifname, dir, replace, msg, msglen);
		if (e)
			return e;
		a->tc_prog[dir] = prog_id(fd);
	}
	return 0;
}

int attach_hooks(struct attach *a, const struct attach_req *rq, char *msg, size_t msglen)
{
	int e = 0;

	if (a->xdp_in && rq->multiprog)
		e = join(a, rq, msg, msglen);
	else if (a->xdp_in && rq->relink_fd >= 0)
		e = relink(a, rq->relink_fd, msg, msglen);
	else if (a->xdp_in)
		e = link_new(a, rq, msg, msglen);
	return e ? e : tc_hooks(a, rq->force, rq->tc_before, msg, msglen);
}

int attach_again(struct attach *a, int ifindex, char *msg, size_t msglen)
{
	bool fell_back;
	int fd;

	a->ifindex = ifindex;
	if (a->link_fd >= 0) {
		fd = xdp_attach(obj_prog_fd(a->skel), ifindex, a->ifname, a->mode, &a->mode,
				&fell_back, msg, msglen);
		if (fd < 0)
			return fd;
		close(a->link_fd);
		a->link_fd = fd;
		link_facts(a, fd);
	}
	memset(a->tc_prog, 0, sizeof(a->tc_prog));
	return tc_hooks(a, false, NULL, msg, msglen);
}

/* Our link is on the interface and runs our program (--force elsewhere swaps it). */
static bool link_ours(const struct attach *a)
{
	struct xdp_link_info li;

	return !xdp_link_info(a->link_fd, &li) && li.ifindex && li.prog_id == a->xdp_prog_id;
}

bool attach_intact(const struct attach *a, int *gone_dir)
{
	__u32 id;
	int dir;

	*gone_dir = -1;
	for (dir = 0; dir < SIPSTAT_DIR_MAX; dir++)
		if (a->tc_prog[dir] && (tc_query(a->ifindex, dir, &id) || id != a->tc_prog[dir]))
			*gone_dir = dir;
	return *gone_dir < 0 && (a->link_fd < 0 || link_ours(a));
}

void attach_release(struct attach *a)
{
	if (a->link_fd >= 0)
		close(a->link_fd);
	a->link_fd = -1;
	obj_free(a->skel);
	a->skel = NULL;
}

void attach_detach(struct attach *a)
{
	char msg[256];
	int dir;

	/*
	 * Detach, not only close: a link taken over from another tool by
	 * --force is held by that tool too, and must not keep ours attached.
	 */
	if (a->link_fd >= 0 && link_ours(a))
		bpf_link_detach(a->link_fd);
	/* A TC filter is no link: it stays unless removed, and only while it holds ours. */
	for (dir = 0; dir < SIPSTAT_DIR_MAX; dir++)
		if (a->tc_prog[dir] && a->ifindex)
			tc_detach(a->ifindex, a->ifname, dir, a->tc_prog[dir], msg, sizeof(msg));
	memset(a->tc_prog, 0, sizeof(a->tc_prog));
	multiprog_leave(a->mp, a->ifindex);
	a->mp = NULL;
	attach_release(a);
}

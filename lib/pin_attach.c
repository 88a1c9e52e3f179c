// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Attach and pin (pin_attach.h), in the order of the steps: plan, keep,
 * reuse, carry over, attach, pin, record, settings.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "multiprog.h"
#include "obj.h"
#include "pin.h"
#include "pin_attach.h"
#include "ports.h"
#include "prog.h"
#include "tc.h"
#include "xdp.h"

/* What one attach of an interface does, decided before anything changes. */
struct plan {
	const char *ifname;
	int ifindex;
	struct pinned p;		/* the pins there are */
	bool reuse_maps;		/* counters of this layout are pinned: they count on */
	enum attach_mode mode;		/* asked, or the pinned attachment's */
	unsigned int dirs;		/* the same */
	bool xdp_in;			/* ingress on XDP */
	bool live;			/* the pinned link is on the interface */
	struct xdp_link_info li;	/* of the pinned link, when live */
	bool tc_ok;			/* each TC hook asked for holds its pinned program */
	bool reused[PIN_OBJS];		/* pinned maps the new programs load with */
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* The pinned link, when it is live on ifindex. */
static bool link_live(const struct pinned *p, int ifindex, struct xdp_link_info *li)
{
	return p->fd[PIN_LINK] >= 0 && !xdp_link_info(p->fd[PIN_LINK], li) &&
	       li->ifindex == ifindex;
}

/* 1 when sipstat's place on the hook of dir holds the pinned TC program. */
static bool tc_live(const struct pinned *p, int ifindex, int dir)
{
	__u32 id;
	int fd = p->fd[PIN_TC_IN + dir];

	return fd >= 0 && !tc_query(ifindex, dir, &id) && id == prog_id(fd);
}

/* The TC program of dir counts on this attach. */
static bool wants_tc(unsigned int dirs, enum attach_mode mode, int dir)
{
	return (dirs & 1U << dir) && (dir == SIPSTAT_DIR_OUT || mode == ATTACH_TC);
}

/* ------------------------------------------------------------ plan */

/*
 * Whether the pinned counters go on, and in which mode and directions:
 * attaching again without --mode or --direction, what it had.
 */
static int plan_layout(struct plan *pl, const struct pin_attach_opts *o, char *msg, size_t msglen)
{
	const struct pinned *p = &pl->p;
	char ours[96], theirs[128];
	bool had = p->has_meta;

	pl->reuse_maps = p->fd[PIN_COUNTS] >= 0 && pin_layout_ok(p);
	if (p->fd[PIN_COUNTS] >= 0 && !pl->reuse_maps && !o->replace) {
		pin_layout_describe(p, theirs, sizeof(theirs));
		pin_layout_describe(NULL, ours, sizeof(ours));
		snprintf(msg, msglen,
			 "the counters pinned for %s are of %s, this sipstat uses %s; refusing to "
			 "mix them: use --replace to move to this layout (counts carried over "
			 "where the layouts allow)",
			 pl->ifname, theirs, ours);
		return -EPROTO;
	}
	pl->mode = !o->mode_given && pl->reuse_maps && had ? (enum attach_mode)p->meta.mode : o->mode;
	pl->dirs = !o->dirs_given && pl->reuse_maps && had && p->meta.dirs ? p->meta.dirs :
		   o->dirs ? o->dirs : 1U << SIPSTAT_DIR_IN | 1U << SIPSTAT_DIR_OUT;
	pl->xdp_in = pin_xdp_in(pl->dirs, pl->mode);
	return 0;
}

/* What is pinned for ifname, what is asked, and what cannot be done. */
static int plan(struct plan *pl, const char *ifname, const struct pin_attach_opts *o,
		struct pin_attach_result *res, char *msg, size_t msglen)
{
	int e, dir;

	memset(pl, 0, sizeof(*pl));
	pl->ifname = ifname;
	pin_init(&pl->p, ifname);
	pl->ifindex = (int)if_nametoindex(ifname);
	if (!pl->ifindex) {
		snprintf(msg, msglen, "no such interface: %s (see 'ip link' for the names here)",
			 ifname);
		return -ENODEV;
	}
	e = pin_dirs_make(ifname, pl->ifindex, o->replace, &res->moved, msg, msglen);
	if (!e)
		e = pin_open_all(ifname, &pl->p, msg, msglen);
	if (!e)
		e = plan_layout(pl, o, msg, msglen);
	if (e)
		return e;
	pl->live = link_live(&pl->p, pl->ifindex, &pl->li);
	if (pl->live && !pl->xdp_in) {
		snprintf(msg, msglen,
			 "%s counts ingress with XDP already; to count %s, 'sipstat detach -i %s' "
			 "first (the counts go with it)",
			 ifname, pl->mode == ATTACH_TC ? "through TC" : "egress only", ifname);
		return -EBUSY;
	}
	if (pl->xdp_in && o->multiprog && !pl->live) {
		e = multiprog_check(pl->ifindex, ifname, msg, msglen);
		if (e)
			return e;
		/* libxdp pins the dispatcher its own way: not with sipstat's pins yet. */
		snprintf(msg, msglen,
			 "cannot pin sipstat in libxdp's dispatcher on %s: --multiprog works in the "
			 "watching mode only; nothing was changed: use --mode tc here",
			 ifname);
		return -EOPNOTSUPP;
	}
	pl->tc_ok = true;
	for (dir = 0; dir < SIPSTAT_DIR_MAX; dir++)
		if (wants_tc(pl->dirs, pl->mode, dir) && !tc_live(&pl->p, pl->ifindex, dir))
			pl->tc_ok = false;
	return 0;
}

/*
 * Nothing to swap: what is pinned and live stays, counting never stops.
 * 1 when kept (res says how), 0 when the attach goes on, or -errno.
 */
static int keep(const struct plan *pl, const struct pin_attach_opts *o,
		struct pin_attach_result *res, char *msg, size_t msglen)
{
	const struct pinned *p = &pl->p;
	struct xdp_state st;
	int e;

	if (!pl->xdp_in && pl->tc_ok && !o->replace) {
		res->kept = true;
		res->mode = ATTACH_TC;
		res->prog_id = prog_id(p->fd[PIN_TC_IN]);
		if (!res->prog_id)
			res->prog_id = prog_id(p->fd[PIN_TC_OUT]);
		return 1;
	}
	if (!pl->live || o->replace || !pl->tc_ok)
		return 0;
	e = xdp_query(pl->ifindex, pl->ifname, &st, msg, msglen);
	if (e)
		return e;
	xdp_state_free(&st);
	if (st.prog_id != pl->li.prog_id)
		return 0;
	if (o->mode_given && o->mode != ATTACH_AUTO && o->mode != st.mode) {
		snprintf(msg, msglen,
			 "%s is attached in %s mode already; to change the mode, 'sipstat detach -i "
			 "%s' first (the counts go with it)",
			 pl->ifname, attach_mode_name(st.mode), pl->ifname);
		return -EBUSY;
	}
	res->kept = true;
	res->mode = st.mode;
	res->prog_id = pl->li.prog_id;
	res->link_id = pl->li.id;
	return 1;
}

/* ------------------------------------------------------------ reuse */

/*
 * The pinned maps the new programs load with (counters of this layout,
 * per-peer maps of this program's making), and the pins of no use any
 * more: a pinned link that is no longer on the interface.
 */
static void reuse(struct plan *pl, struct obj_reuse *r, struct pin_attach_result *res)
{
	struct pinned *p = &pl->p;
	int i;

	if (p->fd[PIN_LINK] >= 0 && !pl->live) {
		close(p->fd[PIN_LINK]);
		p->fd[PIN_LINK] = -1;
		pin_remove(pl->ifname, PIN_LINK);
	}
	for (i = PIN_COUNTS; i <= PIN_META; i++)
		pl->reused[i] = pl->reuse_maps && p->fd[i] >= 0;
	for (i = PIN_PEERS; i <= PIN_FAILING; i++)
		pl->reused[i] = pl->reuse_maps && p->fd[i] >= 0 && pin_peer_map_ok(p->fd[i], i);
	r->counts_fd = pl->reused[PIN_COUNTS] ? p->fd[PIN_COUNTS] : -1;
	r->ports_fd = pl->reused[PIN_PORTS] ? p->fd[PIN_PORTS] : -1;
	r->meta_fd = pl->reused[PIN_META] ? p->fd[PIN_META] : -1;
	r->peers_fd = pl->reused[PIN_PEERS] ? p->fd[PIN_PEERS] : -1;
	r->peer_counts_fd = pl->reused[PIN_PEER_COUNTS] ? p->fd[PIN_PEER_COUNTS] : -1;
	r->failing_fd = pl->reused[PIN_FAILING] ? p->fd[PIN_FAILING] : -1;
	res->peers_kept = pl->reused[PIN_PEERS] && pl->reused[PIN_PEER_COUNTS] &&
			  pl->reused[PIN_FAILING];
	res->new_maps = p->fd[PIN_COUNTS] < 0;
}

/* ------------------------------------------------------------ carry over */

/* Set key to value on CPU 0 and zero elsewhere. */
static int set_percpu(int fd, __u32 key, __u64 value, __u64 *buf, int ncpus)
{
	memset(buf, 0, sizeof(*buf) * (size_t)ncpus);
	buf[0] = value;
	return bpf_map_update_elem(fd, &key, buf, BPF_ANY) ? -errno : 0;
}

/*
 * Counts of the old maps in p that the new counter map new_fd can take:
 * a per-CPU array of SIPSTAT_CODE_SLOTS u64 is read as responses by
 * status code received; anything else cannot be read safely.
 */
static int carry_over(const struct pinned *p, int new_fd, struct pin_attach_result *res)
{
	struct pin_map_geom g = { 0 };
	int ncpus = libbpf_num_possible_cpus();
	__u64 *vals = NULL, *one = NULL, sum;
	__u32 k;
	int e = 0, c;
	uint64_t carried = 0;

	if (ncpus < 1)
		return -EINVAL;
	if (p->fd[PIN_COUNTS] >= 0)
		pin_map_geom(p->fd[PIN_COUNTS], &g);
	if (p->fd[PIN_COUNTS] < 0 || g.type != BPF_MAP_TYPE_PERCPU_ARRAY || g.value_size != 8 ||
	    g.max_entries != SIPSTAT_CODE_SLOTS) {
		snprintf(res->not_carried, sizeof(res->not_carried),
			 "every count (the old counter map cannot be read as this layout): "
			 "counting starts from zero");
		return 0;
	}
	vals = calloc((size_t)ncpus, sizeof(*vals));
	one = calloc((size_t)ncpus, sizeof(*one));
	if (!vals || !one) {
		e = -ENOMEM;
		goto out;
	}
	for (k = SIPSTAT_CODE_MIN; k <= SIPSTAT_CODE_MAX && !e; k++) {
		if (bpf_map_lookup_elem(p->fd[PIN_COUNTS], &k, vals))
			continue;
		for (sum = 0, c = 0; c < ncpus; c++)
			sum += vals[c];
		if (sum) {
			e = set_percpu(new_fd, SIPSTAT_KEY(SIPSTAT_DIR_IN, SIPSTAT_M_UNKNOWN, k), sum,
				       one, ncpus);
			carried += sum;
		}
	}
	snprintf(res->carried, sizeof(res->carried),
		 "responses by status code (%llu, as received, method unknown)",
		 (unsigned long long)carried);
	snprintf(res->not_carried, sizeof(res->not_carried),
		 "parser outcomes and requests by method (not in the old layout): they start "
		 "from zero");
out:
	free(vals);
	free(one);
	return e;
}

/* Delete every entry of a hash map (keys of key_size bytes).  0 or -errno. */
static int clear_hash(int fd, size_t key_size)
{
	unsigned char key[32];

	if (key_size > sizeof(key))
		return -EINVAL;
	/* Always the first key: deleting while walking restarts a hash walk anyway. */
	while (!bpf_map_get_next_key(fd, NULL, key))
		if (bpf_map_delete_elem(fd, key) && errno != ENOENT)
			return -errno;
	return 0;
}

/* 1 when the map has an entry. */
static bool map_has_entries(int fd, size_t key_size)
{
	unsigned char key[32];

	return fd >= 0 && key_size <= sizeof(key) && !bpf_map_get_next_key(fd, NULL, key);
}

static int write_meta(int fd, const struct sipstat_meta *m)
{
	__u32 key = 0;

	return bpf_map_update_elem(fd, &key, m, BPF_ANY) ? -errno : 0;
}

/* The old port set, when the new program can read it, into the new one. */
static void carry_ports(const struct pinned *p, struct sipstat_bpf *skel,
			struct pin_attach_result *res)
{
	struct sipstat_ports old;
	struct pin_map_geom g;

	if (p->fd[PIN_PORTS] < 0 || pin_map_geom(p->fd[PIN_PORTS], &g) ||
	    g.value_size != sizeof(old) || pin_read_ports(p, &old))
		return;
	ports_apply(obj_ports(skel), &old);
	strncat(res->carried, res->carried[0] ? "; the port set" : "the port set",
		sizeof(res->carried) - strlen(res->carried) - 1);
}

/*
 * What the new programs take over before they count: named peers loaded
 * before count on, as they did in the old program; with --replace across
 * layouts, what the old maps hold that the new ones can read.  Then maps
 * of our own making replace whatever is pinned under their names.
 */
static int carry(const struct plan *pl, const struct pin_attach_opts *o, struct attach *a,
		 struct pin_attach_result *res, char *msg, size_t msglen)
{
	const struct pinned *p = &pl->p;
	int e, i;

	if ((pl->reused[PIN_PEERS] &&
	     map_has_entries(p->fd[PIN_PEERS], sizeof(struct sipstat_peer_prefix))) ||
	    (pl->reused[PIN_PEER_COUNTS] && map_has_entries(p->fd[PIN_PEER_COUNTS], sizeof(__u32))))
		obj_cfg_set_flags(a->skel, SIPSTAT_CFG_PEERS);
	if (!pl->reuse_maps && p->fd[PIN_COUNTS] >= 0) {
		res->new_layout = true;
		e = carry_over(p, obj_counts_fd(a->skel), res);
		if (e) {
			snprintf(msg, msglen, "cannot carry the counts of %s over: %s", pl->ifname,
				 strerror(-e));
			return e;
		}
		if (!o->ports)
			carry_ports(p, a->skel, res);
	}
	for (i = PIN_COUNTS; i < PIN_OBJS; i++)
		if (i != PIN_LINK && i != PIN_TC_IN && i != PIN_TC_OUT && !pl->reused[i])
			pin_remove(pl->ifname, i);
	return 0;
}

/* ------------------------------------------------------------ attach */

/* How lib/attach.h is to attach, from the plan. */
static void request(const struct plan *pl, const struct pin_attach_opts *o,
		    const struct obj_reuse *r, struct attach_req *rq)
{
	int dir;

	memset(rq, 0, sizeof(*rq));
	rq->mode = pl->mode;
	rq->dirs = pl->dirs;
	rq->force = o->force;
	rq->reuse = r;
	/* A live link of ours (--replace, or a TC hook to redo): the program swapped on it. */
	rq->relink_fd = pl->live ? pl->p.fd[PIN_LINK] : -1;
	for (dir = 0; dir < SIPSTAT_DIR_MAX; dir++)
		rq->tc_before[dir] = prog_id(pl->p.fd[PIN_TC_IN + dir]);
	rq->log = o->log;
	rq->loglen = o->loglen;
}

/* What was attached, for the caller to say. */
static void attached(const struct attach *a, const struct attach_req *rq,
		     struct pin_attach_result *res)
{
	int dir;

	res->mode = a->mode;
	res->replaced = a->xdp_in && rq->relink_fd >= 0;
	res->prog_id = a->xdp_prog_id;
	res->link_id = a->link_id;
	res->fell_back = a->fell_back;
	snprintf(res->fallback_why, sizeof(res->fallback_why), "%s", a->fallback_why);
	res->removed_prog_id = a->removed_prog_id;
	snprintf(res->removed_name, sizeof(res->removed_name), "%s", a->removed_name);
	for (dir = 0; dir < SIPSTAT_DIR_MAX; dir++) {
		if (!a->tc_prog[dir])
			continue;
		if (!res->prog_id)
			res->prog_id = a->tc_prog[dir];
		res->tc_dirs |= 1U << dir;
	}
}

/* ------------------------------------------------------------ pin */

/* The fds of the maps of a loaded object, by pin. */
static int map_fd(const struct sipstat_bpf *skel, int obj)
{
	switch (obj) {
	case PIN_COUNTS:
		return obj_counts_fd(skel);
	case PIN_PORTS:
		return obj_ports_fd(skel);
	case PIN_META:
		return obj_meta_fd(skel);
	case PIN_PEERS:
		return obj_peers_fd(skel);
	case PIN_PEER_COUNTS:
		return obj_peer_counts_fd(skel);
	case PIN_FAILING:
		return obj_failing_fd(skel);
	default:
		return -1;
	}
}

/*
 * The new link, the TC programs and the maps of our own making, pinned
 * (a TC filter is no link: its program is); p then holds every pin.
 */
static int pin_all(struct plan *pl, const struct attach *a, char *msg, size_t msglen)
{
	const char *ifname = pl->ifname;
	int e = 0, i, dir;

	if (a->link_fd >= 0)
		e = pin_put(a->link_fd, ifname, PIN_LINK, msg, msglen);
	for (dir = 0; !e && dir < SIPSTAT_DIR_MAX; dir++) {
		if (!a->tc_prog[dir])
			continue;
		pin_remove(ifname, PIN_TC_IN + dir);
		e = pin_put(obj_tc_fd(a->skel, dir), ifname, PIN_TC_IN + dir, msg, msglen);
	}
	for (i = PIN_COUNTS; !e && i < PIN_OBJS; i++)
		if (map_fd(a->skel, i) >= 0 && !pl->reused[i])
			e = pin_put(map_fd(a->skel, i), ifname, i, msg, msglen);
	if (e)
		return e;
	pin_close(&pl->p);
	return pin_open_all(ifname, &pl->p, msg, msglen);
}

/* ------------------------------------------------------------ record */

/* The meta record: the layout, when counting started and how, on which interface. */
static int record(const struct plan *pl, const struct attach *a, char *msg, size_t msglen)
{
	const struct pinned *p = &pl->p;
	struct sipstat_meta meta;
	int e;

	if (p->fd[PIN_META] < 0)
		return 0;
	memset(&meta, 0, sizeof(meta));
	if (p->has_meta && p->meta.layout == SIPSTAT_LAYOUT_VERSION)
		meta = p->meta;
	meta.layout = SIPSTAT_LAYOUT_VERSION;
	if (!meta.created_ns)
		meta.created_ns = now_ns();
	meta.attached_ns = now_ns();
	meta.dirs = pl->dirs;
	meta.mode = (__u32)(pl->xdp_in ? a->mode : pl->mode);
	meta.ifindex = (__u32)pl->ifindex;
	e = write_meta(p->fd[PIN_META], &meta);
	if (e)
		snprintf(msg, msglen, "cannot write the meta record of %s: %s", pl->ifname,
			 strerror(-e));
	return e;
}

/*
 * A kept attachment whose record does not say its interface yet (made by
 * a sipstat that did not record it): the interface it is live on now.
 */
static void record_ifindex(const struct plan *pl)
{
	struct sipstat_meta meta = pl->p.meta;

	if (pl->p.fd[PIN_META] >= 0 && pl->p.has_meta && !meta.ifindex &&
	    meta.layout == SIPSTAT_LAYOUT_VERSION) {
		meta.ifindex = (__u32)pl->ifindex;
		write_meta(pl->p.fd[PIN_META], &meta);
	}
}

/* Load, carry over, attach, pin and record: all that keep() did not keep. */
static int renew(struct plan *pl, const struct pin_attach_opts *o, struct pin_attach_result *res,
		 char *msg, size_t msglen)
{
	struct obj_reuse r = OBJ_REUSE_NONE;
	struct attach_req rq;
	struct attach a;
	int e;

	reuse(pl, &r, res);
	request(pl, o, &r, &rq);
	attach_init(&a);
	e = attach_load(&a, pl->ifname, &rq, msg, msglen);
	if (!e)
		e = carry(pl, o, &a, res, msg, msglen);
	if (!e)
		e = attach_hooks(&a, &rq, msg, msglen);
	if (!e) {
		attached(&a, &rq, res);
		e = pin_all(pl, &a, msg, msglen);
	}
	if (!e)
		e = record(pl, &a, msg, msglen);
	/* Pinned now, it stays attached; a link not pinned goes with its fd. */
	attach_release(&a);
	return e;
}

/* ------------------------------------------------------------ settings */

/* Zero every counter: one batch update of zero values for all CPUs. */
static int zero_counts(int fd)
{
	int ncpus = libbpf_num_possible_cpus();
	__u32 *keys, n = SIPSTAT_COUNT_KEYS, k;
	__u64 *vals;
	int e;

	if (ncpus < 1)
		return ncpus < 0 ? ncpus : -EINVAL;
	keys = calloc(n, sizeof(*keys));
	vals = calloc((size_t)n * (size_t)ncpus, sizeof(*vals));
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (k = 0; k < n; k++)
		keys[k] = k;
	e = bpf_map_update_batch(fd, keys, vals, &n, NULL);
	if (e) {
		/* Kernels without batch updates for per-CPU arrays. */
		for (k = 0, e = 0; k < SIPSTAT_COUNT_KEYS && !e; k++)
			e = bpf_map_update_elem(fd, &k, vals, BPF_ANY) ? -errno : 0;
	}
	free(keys);
	free(vals);
	return e;
}

/* --reset: every counter, the per-peer counts and failing addresses (the peer prefixes stay). */
static int reset(const struct pinned *p, const char *ifname, char *msg, size_t msglen)
{
	struct sipstat_meta now_meta;
	__u32 key = 0;
	int e;

	e = zero_counts(p->fd[PIN_COUNTS]);
	if (e) {
		snprintf(msg, msglen, "cannot reset the counters of %s: %s", ifname, strerror(-e));
		return e;
	}
	if ((p->fd[PIN_PEER_COUNTS] >= 0 && (e = clear_hash(p->fd[PIN_PEER_COUNTS], sizeof(__u32)))) ||
	    (p->fd[PIN_FAILING] >= 0 &&
	     (e = clear_hash(p->fd[PIN_FAILING], sizeof(struct sipstat_failing_key))))) {
		snprintf(msg, msglen, "cannot reset the per-peer counts of %s: %s", ifname,
			 strerror(-e));
		return e;
	}
	/* The record as it is now (this attach may have just written it). */
	if (p->fd[PIN_META] >= 0 && !bpf_map_lookup_elem(p->fd[PIN_META], &key, &now_meta) &&
	    now_meta.layout == SIPSTAT_LAYOUT_VERSION) {
		now_meta.created_ns = now_ns();
		write_meta(p->fd[PIN_META], &now_meta);
	}
	return 0;
}

/* The port set and --reset, on the pinned maps. */
static int settings(struct plan *pl, const struct pin_attach_opts *o, char *msg, size_t msglen)
{
	int e;

	if (o->ports) {
		e = pin_map_ports(&pl->p, msg, msglen);
		if (e)
			return e;
		ports_apply(pl->p.ports, o->ports);
	}
	return o->reset ? reset(&pl->p, pl->ifname, msg, msglen) : 0;
}

int pin_attach(const char *ifname, const struct pin_attach_opts *o, struct pin_attach_result *res,
	       char *msg, size_t msglen)
{
	struct plan pl;
	int e;

	memset(res, 0, sizeof(*res));
	e = plan(&pl, ifname, o, res, msg, msglen);
	if (!e)
		e = keep(&pl, o, res, msg, msglen);
	if (e == 1)
		record_ifindex(&pl);
	if (!e)
		e = renew(&pl, o, res, msg, msglen);
	if (e >= 0)
		e = settings(&pl, o, msg, msglen);
	pin_close(&pl.p);
	if (e)
		pin_remove_empty(ifname);	/* refused before anything was pinned */
	return e;
}

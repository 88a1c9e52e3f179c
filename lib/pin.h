/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Counting that outlives the process: the program's link and maps pinned
 * per interface on the BPF filesystem,
 *
 *     /sys/fs/bpf/sipstat/IFACE/{counts,ports,meta,link,tc_in,tc_out,
 *                                peers,peer_counts,failing}
 *
 * peers, peer_counts and failing are the named-peer prefixes, the counts
 * per peer and the failing addresses: reused like the counters, so they
 * outlive a replaced program and a restarted service too.
 * tc_in and tc_out are the TC programs (a clsact filter is no link): their
 * filters sit at sipstat's handle and priority (lib/tc.h), and detach and
 * status find them there by the pinned program's id.
 *
 * directories 0700 and files 0600 (root only).  Attaching again reuses
 * the pinned maps, so counts are never reset or counted twice; maps of
 * another layout (another sipstat version) are refused unless replaced.
 */
#ifndef SIPSTAT_LIB_PIN_H
#define SIPSTAT_LIB_PIN_H

#include <linux/types.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "attach.h"
#include "sipstat.h"

#define PIN_BPFFS "/sys/fs/bpf"
#define PIN_ROOT PIN_BPFFS "/sipstat"

enum pin_obj {
	PIN_COUNTS = 0,
	PIN_PORTS,
	PIN_META,
	PIN_LINK,
	PIN_TC_IN,
	PIN_TC_OUT,
	PIN_PEERS,		/* sip_peers */
	PIN_PEER_COUNTS,	/* sip_peer_counts */
	PIN_FAILING,		/* sip_failing */
	PIN_OBJS
};

/* "counts", "ports", "meta", "link", "tc_in", "tc_out", "peers", "peer_counts", "failing". */
const char *pin_obj_name(int obj);
/* PIN_ROOT/IFACE, or PIN_ROOT/IFACE/NAME with obj >= 0.  0 or -ENAMETOOLONG. */
int pin_path(char *buf, size_t len, const char *ifname, int obj);

/* The pins of one interface, opened. */
struct pinned {
	char ifname[IF_NAMESIZE];
	int fd[PIN_OBJS];		/* -1 where nothing is pinned */
	struct sipstat_meta meta;	/* valid when has_meta */
	bool has_meta;
	volatile __u64 *ports;		/* the mapped port set, after pin_map_ports() */
};

/*
 * Open the pins of ifname for reading.  0; -ENOENT when there are no
 * pinned counters; -EACCES without the rights; -EPROTO when the pinned
 * maps are of another layout.  msg says which, and what to do.
 */
int pin_open(const char *ifname, struct pinned *p, char *msg, size_t msglen);
void pin_close(struct pinned *p);

/* Map the pinned port set for reading and live changes.  0 or -errno. */
int pin_map_ports(struct pinned *p, char *msg, size_t msglen);
/* The pinned port set into out.  0 or -errno. */
int pin_read_ports(const struct pinned *p, struct sipstat_ports *out);

/* What a pinned map is, from the kernel's map info. */
struct pin_map_geom {
	bool present;
	__u32 type, key_size, value_size, max_entries, flags;
};

/* The pinned maps of one interface, as far as the layout goes. */
struct pin_layout {
	struct pin_map_geom counts, ports, meta;
	bool has_meta;
	__u32 meta_layout;	/* sipstat_meta.layout, when has_meta */
};

/*
 * The layout rule: 0 when maps like these can be reused by this sipstat
 * as they are (the port set and the meta record may be missing: they are
 * added); -ENOENT without a counter map; -EPROTO with the first
 * difference in why.
 */
int pin_layout_check(const struct pin_layout *l, char *why, size_t len);

/*
 * "layout 2 (sip_counts of 22400 keys)" for the maps in p, or for this
 * sipstat when p is NULL.
 */
void pin_layout_describe(const struct pinned *p, char *buf, size_t len);

struct pin_attach_opts {
	enum attach_mode mode;
	bool mode_given;			/* --mode: a live link in another mode is redone */
	const struct sipstat_ports *ports;	/* NULL: keep the pinned set */
	bool reset;				/* zero the pinned counters (per peer too) */
	bool replace;				/* new program; new maps when the layout differs */
	bool force;				/* replace another tool's XDP program */
	unsigned int dirs;			/* bit per SIPSTAT_DIR_*; 0: both */
	bool dirs_given;			/* else the pinned ones on attaching again */
	bool multiprog;				/* join libxdp's dispatcher */
	char *log;				/* verifier log buffer, may be NULL */
	size_t loglen;
};

struct pin_attach_result {
	bool kept;			/* a live pinned link was there and is kept */
	bool new_maps;			/* counters start from zero (none pinned before) */
	bool replaced;			/* program swapped (--replace) */
	bool new_layout;		/* --replace made maps of this layout (counts carried) */
	bool fell_back;			/* auto mode took skb */
	enum attach_mode mode;
	__u32 prog_id, link_id;
	__u32 removed_prog_id;		/* another tool's program removed (--force) */
	char removed_name[16];
	unsigned int tc_dirs;		/* directions now counted on TC hooks */
	char fallback_why[256];		/* fell_back: why native mode was refused */
	char carried[256];		/* --replace across layouts: what was carried over */
	char not_carried[256];		/* and what could not be */
	bool peers_kept;		/* per-peer counts and failing addresses reused */
};

/*
 * Load, attach and pin for ifname, or keep what is pinned and live.
 * 0 or -errno with one line in msg: -ENODEV no such interface, -EBUSY
 * another program, -EPROTO another layout, -ENOTSUP no BPF filesystem.
 */
int pin_attach(const char *ifname, const struct pin_attach_opts *o, struct pin_attach_result *res,
	       char *msg, size_t msglen);

/*
 * Detach the pinned link of ifname and remove every pin sipstat made for
 * it (and PIN_ROOT once empty).  0, -ENOENT when nothing is pinned.
 */
int pin_detach(const char *ifname, char *msg, size_t msglen);

enum pin_state {
	PIN_ATTACHED = 0,	/* link live on the interface, program ours */
	PIN_NO_LINK,		/* maps pinned, no link pinned (removed by someone else) */
	PIN_LINK_DETACHED,	/* link pinned but detached (bpftool link detach, ...) */
	PIN_REPLACED,		/* another XDP program is on the interface now */
	PIN_IFACE_GONE,		/* no interface of that name */
	PIN_LAYOUT_DIFFERS,	/* maps of another sipstat layout */
	PIN_INCOMPLETE,		/* some pins missing (no counters) */
	PIN_TC_GONE,		/* a TC filter of sipstat's removed by someone else */
	PIN_TC_REPLACED,	/* another program at sipstat's TC handle and priority */
};
/* Words for people ("pins without a link"), and a key for JSON ("no_link"). */
const char *pin_state_name(enum pin_state s);
const char *pin_state_key(enum pin_state s);

struct pin_status {
	char ifname[IF_NAMESIZE];
	enum pin_state state;
	bool has[PIN_OBJS];
	int ifindex;			/* now, 0 when gone */
	struct sipstat_meta meta;
	bool has_meta;
	__u32 link_id, prog_id;		/* of the pinned link */
	__u32 iface_prog_id;		/* XDP program on the interface now */
	enum attach_mode mode;		/* of iface_prog_id */
	char layout[96];
	bool xdp;			/* ingress counted by XDP (not --mode tc, not out only) */
	unsigned int dirs;		/* directions counted, bit per SIPSTAT_DIR_* */
	__u32 tc_prog_id[SIPSTAT_DIR_MAX];	/* pinned TC program, 0 none */
	__u32 tc_hook_prog_id[SIPSTAT_DIR_MAX];	/* at sipstat's place on the hook now */
};

/* Status of ifname's pins.  0, -ENOENT (nothing pinned), -EACCES. */
int pin_status(const char *ifname, struct pin_status *st, char *msg, size_t msglen);

/* Interfaces with a pin directory, sorted; count or -errno (-EACCES). */
int pin_list(char (*names)[IF_NAMESIZE], int max, char *msg, size_t msglen);

/* 1 when ifname has a pin directory, 0 when not, -errno (-EACCES) when unknown. */
int pin_exists(const char *ifname);

#endif

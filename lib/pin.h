/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Counting that outlives the process: the program's link and maps pinned
 * per network namespace and interface on the BPF filesystem (lib/bpffs.h),
 *
 *     /sys/fs/bpf/sipstat/netns:INO:COOKIE/IFACE/{counts,ports,meta,link,
 *                                   tc_in,tc_out,peers,peer_counts,failing}
 *
 * INO and COOKIE name the network namespace of IFACE (lib/netns.h): eth0
 * in two namespaces has two directories, and a namespace that reuses the
 * inode or the name of a freed one never meets the pins of the old one.
 * A colon is in no interface name, so these directories never mix with
 * the layout of before, /sys/fs/bpf/sipstat/IFACE/ ("the old path"),
 * which is found, reported and taken over by attach --replace.
 *
 * peers, peer_counts and failing are the named-peer prefixes, the counts
 * per peer and the failing addresses: reused like the counters, so they
 * outlive a replaced program and a restarted service too.
 * tc_in and tc_out are the TC programs (a clsact filter is no link): their
 * filters sit at sipstat's handle and priority (lib/tc.h), and detach and
 * status find them there by the pinned program's id.
 *
 * Directories 0700 and files 0600 (root only), made and opened without
 * following symbolic links and refused when another user owns them or
 * could write them.  Attaching again (lib/pin_attach.h) reuses the pinned
 * maps, so counts are never reset or counted twice; maps of another
 * layout (another sipstat version) are refused unless replaced.
 *
 * The functions that take an interface name act on the pins of the
 * caller's network namespace, or of the one chosen with pin_netns_use().
 */
#ifndef SIPSTAT_LIB_PIN_H
#define SIPSTAT_LIB_PIN_H

#include <linux/types.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "attach_mode.h"
#include "bpffs.h"
#include "netns.h"
#include "sipstat.h"

#define PIN_BPFFS BPFFS_PATH
#define PIN_ROOT PIN_BPFFS "/" BPFFS_SIPSTAT
#define PIN_NETNS_PREFIX "netns:"
#define PIN_NETNS_DIRLEN 64	/* "netns:INO:COOKIE" with its NUL, and room */

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

/*
 * The BPF filesystem for the pins, found (and mounted, with may_mount)
 * once for the process, as lib/bpffs.h says; fs tells how.  Without it,
 * the other functions look for one the first time they need it and mount
 * none.  0 or -errno with msg (-ENOENT: none, -EXDEV: out of reach).
 */
int pin_setup(bool may_mount, struct bpffs *fs, char *msg, size_t msglen);

/*
 * The path by which this process reaches the pin directory of ifname
 * (obj < 0) or a pin in it: through a descriptor of the checked sipstat
 * directory (/proc/self/fd/N/...), which also holds inside 'ip netns
 * exec'.  0, -ENOENT (no sipstat directory) or -ENAMETOOLONG.
 */
int pin_path(char *buf, size_t len, const char *ifname, int obj);
/* The same as the host sees it, PIN_ROOT/netns:INO:COOKIE/IFACE[/NAME], for messages. */
int pin_shown_path(char *buf, size_t len, const char *ifname, int obj);

/* The directory name of a namespace, "netns:INO:COOKIE".  0 or -ENAMETOOLONG. */
int pin_netns_dirname(char *buf, size_t len, const struct netns_id *id);
/* Its inverse.  0, or -EINVAL for any other name (an interface of the old path). */
int pin_netns_parse(const char *name, struct netns_id *id);

enum pin_netns_state {
	PIN_NETNS_CURRENT = 0,	/* the caller's */
	PIN_NETNS_LIVE,		/* another one, alive */
	PIN_NETNS_GONE,		/* freed: no name, mount or process holds it any more */
	PIN_NETNS_UNKNOWN,	/* the old path: it does not say */
};
/* "current", "live", "gone", "unknown". */
const char *pin_netns_state_key(enum pin_netns_state s);

/* A network namespace with pins. */
struct pin_netns {
	struct netns_id id;		/* 0 for the old path */
	enum pin_netns_state state;
	bool old_path;			/* PIN_ROOT/IFACE: pins of before namespaces */
	char name[NETNS_NAME_MAX];	/* under /run/netns, "" none */
	int fd;				/* PIN_NETNS_LIVE: open on it, to enter it; else -1 */
};

/*
 * Every namespace with a directory under PIN_ROOT: the caller's first,
 * then the live ones, the gone ones, and the old path when anything is
 * pinned there.  Count (up to max), or -errno with msg; free with
 * pin_netns_free().
 */
int pin_netns_list(struct pin_netns *out, int max, char *msg, size_t msglen);
void pin_netns_free(struct pin_netns *list, int n);

/*
 * Mark in match[] the namespaces of list that spec names: "all", "gone",
 * or one namespace by NAME (under /run/netns), nsfs PATH or INODE (a gone
 * one by its inode too).  The count marked (0: a namespace without
 * pins), or -errno with msg when spec names no namespace.
 */
int pin_netns_match(const char *spec, const struct pin_netns *list, int n, bool *match,
		    char *msg, size_t msglen);

/*
 * From now on, the functions that take an interface name act on the pins
 * of ns, entering it when it is another live one (setns); NULL: the
 * caller's own again.  0 or -errno with msg.
 */
int pin_netns_use(const struct pin_netns *ns, char *msg, size_t msglen);
/* The namespace they act on now (fd not to be closed). */
const struct pin_netns *pin_netns_used(void);

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

/*
 * Detach the pinned link of ifname and remove every pin sipstat made for
 * it (and the namespace's directory and PIN_ROOT once empty).  Pins of
 * the old path are removed when nothing says they count another
 * namespace's interface.  0, -ENOENT when nothing is pinned.
 */
int pin_detach(const char *ifname, char *msg, size_t msglen);

enum pin_state {
	PIN_ATTACHED = 0,	/* link live on the interface, program ours */
	PIN_NO_LINK,		/* maps pinned, no link pinned (removed by someone else) */
	PIN_LINK_DETACHED,	/* link pinned but detached (bpftool link detach, ...) */
	PIN_REPLACED,		/* another XDP program is on the interface now */
	PIN_IFACE_GONE,		/* no interface of that name */
	PIN_IFACE_RECREATED,	/* removed and made again: a new interface, nothing on it yet */
	PIN_LAYOUT_DIFFERS,	/* maps of another sipstat layout */
	PIN_INCOMPLETE,		/* some pins missing (no counters) */
	PIN_TC_GONE,		/* a TC filter of sipstat's removed by someone else */
	PIN_TC_REPLACED,	/* another program at sipstat's TC handle and priority */
	PIN_NS_GONE,		/* its network namespace is gone: the pins only remain */
	PIN_OLD_PATH,		/* pinned under the old path: its namespace unknown */
};
/* Words for people ("pins without a link"), and a key for JSON ("no_link"). */
const char *pin_state_name(enum pin_state s);
const char *pin_state_key(enum pin_state s);

struct pin_status {
	char ifname[IF_NAMESIZE];
	enum pin_state state;
	bool has[PIN_OBJS];
	int ifindex;			/* now, 0 when gone */
	int ifindex_attached;		/* at the last attach, 0 unknown */
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
	struct pin_netns netns;		/* whose pins (fd: -1) */
};

/* Status of ifname's pins.  0, -ENOENT (nothing pinned), -EACCES. */
int pin_status(const char *ifname, struct pin_status *st, char *msg, size_t msglen);

/* Interfaces with a pin directory, sorted; count or -errno (-EACCES). */
int pin_list(char (*names)[IF_NAMESIZE], int max, char *msg, size_t msglen);

/* 1 when ifname has a pin directory, 0 when not, -errno (-EACCES) when unknown. */
int pin_exists(const char *ifname);
/* The same, with what went wrong in msg. */
int pin_lookup(const char *ifname, char *msg, size_t msglen);
/*
 * 1 when ifname has no pins in the caller's namespace but has some under
 * the old path, with msg saying how to move them (attach --replace); else 0.
 */
int pin_old_path(const char *ifname, char *msg, size_t msglen);

/*
 * The pieces of an attach (lib/pin_attach.c), on the pins of the
 * namespace in use.
 */

/*
 * The directories of an attachment, made and checked: PIN_ROOT, the
 * namespace's, the interface's.  Pins of ifname under the old path are
 * moved in first with replace (*moved), refused without.  0 or -errno
 * with msg (-ENOTSUP: no BPF filesystem, -EPROTO: pins of the old path).
 */
int pin_dirs_make(const char *ifname, int ifindex, bool replace, bool *moved, char *msg,
		  size_t msglen);
/* p holding nothing, for ifname. */
void pin_init(struct pinned *p, const char *ifname);
/* Every pin of ifname there is, unchecked (none: 0, every fd -1).  0 or -errno with msg. */
int pin_open_all(const char *ifname, struct pinned *p, char *msg, size_t msglen);
/* Pin fd as obj of ifname: a file of mode 0600 whatever the umask.  0 or -errno with msg. */
int pin_put(int fd, const char *ifname, int obj, char *msg, size_t msglen);
/* Remove the pin obj of ifname, if there. */
void pin_remove(const char *ifname, int obj);
/*
 * Remove the directories an attachment left empty: the interface's, the
 * namespace's, PIN_ROOT; each only when empty.
 */
void pin_remove_empty(const char *ifname);
/* The pinned maps in p are of this sipstat's layout (pin_layout_check). */
bool pin_layout_ok(const struct pinned *p);
/* A pinned per-peer map (PIN_PEERS .. PIN_FAILING) this sipstat's program can take. */
bool pin_peer_map_ok(int fd, int obj);
/* What the map fd is.  0 or -errno. */
int pin_map_geom(int fd, struct pin_map_geom *g);
/* Ingress counted by XDP: not --mode tc, not egress only. */
bool pin_xdp_in(unsigned int dirs, enum attach_mode mode);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One interface attached as asked, from one load of sipstat's programs:
 * ingress on XDP (native, skb or auto; or as one program of libxdp's
 * dispatcher with --multiprog) or on TC, egress on TC.  Before anything
 * is loaded, the interface must be there and its XDP hook free, or
 * another tool's program there is replaced in one step (--force).
 *
 * sipstat's own programs are told apart from other tools': one that pins
 * hold is never replaced, not even with --force and not where its pins
 * are out of sight (another mount namespace's BPF filesystem), and the
 * message says where they are; a TC filter of sipstat's that nothing
 * holds any more (a sipstat killed while it counted) is taken over.
 *
 * Both kinds of attachment come through here: a watching process's own,
 * detached when it ends (attach_detach), and a pinned one, which
 * lib/pin_attach.c pins on top (attach_release leaves it attached).
 * Between attach_load() and attach_hooks() the caller puts in the maps
 * what must be there before the first frame is counted (the port set,
 * counts carried over from another layout).
 */
#ifndef SIPSTAT_LIB_ATTACH_H
#define SIPSTAT_LIB_ATTACH_H

#include <linux/types.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "attach_mode.h"
#include "sipstat.h"

struct obj_reuse;
struct sipstat_bpf;
struct xdp_program;

/* What to attach, and how. */
struct attach_req {
	enum attach_mode mode;		/* of ingress; ATTACH_TC: on TC */
	unsigned int dirs;		/* bit per SIPSTAT_DIR_* */
	bool force;			/* another tool's program at the place is replaced */
	bool multiprog;			/* ingress joins libxdp's dispatcher */
	const struct obj_reuse *reuse;	/* maps to load the programs with; NULL: new ones */
	int relink_fd;			/* a live XDP link of ours to run the new program; -1: a new link */
	__u32 tc_before[SIPSTAT_DIR_MAX];	/* ours of before at sipstat's TC place: taken over */
	char *log;			/* verifier log, may be NULL */
	size_t loglen;
};

/* One interface, attached. */
struct attach {
	char ifname[IF_NAMESIZE];
	int ifindex;
	bool xdp_in;			/* ingress on XDP */
	enum attach_mode mode;		/* as attached: native or skb; tc when ingress is not on XDP */
	struct sipstat_bpf *skel;	/* the programs and maps, loaded once */
	int link_fd;			/* a new XDP link of this attach, -1 none */
	__u32 xdp_prog_id, link_id;	/* the XDP program on the interface now, and its link */
	struct xdp_program *mp;		/* --multiprog: ours in the dispatcher */
	__u32 tc_prog[SIPSTAT_DIR_MAX];	/* the TC program per direction, 0 none */
	bool fell_back;			/* auto mode took skb */
	char fallback_why[256];		/* fell_back: why native mode was refused */
	__u32 removed_prog_id;		/* --force: another tool's program replaced */
	char removed_name[16];
};

/* Nothing held yet: attach_release() and attach_detach() may always be called. */
void attach_init(struct attach *a);

/*
 * The checks (the interface there, --multiprog possible, the XDP hook
 * free or --force), then one load of the programs rq asks for (opened
 * only, for libxdp to load, with --multiprog).  Nothing is attached yet.
 * 0 or -errno with one line in msg: -ENODEV no such interface, -EBUSY
 * another program.
 */
int attach_load(struct attach *a, const char *ifname, const struct attach_req *rq, char *msg,
		size_t msglen);

/* The loaded programs on their hooks: XDP for ingress, TC per direction.  0 or -errno with msg. */
int attach_hooks(struct attach *a, const struct attach_req *rq, char *msg, size_t msglen);

/*
 * The same programs and maps on the interface of that name again, now
 * ifindex (it was removed and is back): the totals go on.  0 or -errno
 * with msg (not ready yet: try again later).
 */
int attach_again(struct attach *a, int ifindex, char *msg, size_t msglen);

/*
 * Whether what this attach put on the hooks is there still: false when
 * its XDP link was detached or runs another program, or a TC filter of
 * its own was removed or replaced (*gone_dir says which, else -1).
 */
bool attach_intact(const struct attach *a, int *gone_dir);

/* Close without detaching: what pins hold stays attached, a link nothing holds goes. */
void attach_release(struct attach *a);
/* Detach what this attach put on the hooks (link, TC filters, place in the dispatcher), and close. */
void attach_detach(struct attach *a);

/* 1 while the interface is there under that name and index. */
int attach_iface_present(const char *ifname, int ifindex);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The XDP hook of an interface, through BPF links: attach in native, skb
 * or auto mode, see what is attached, and put a program in the place of
 * another one in one step (--force).  A link closed by its last holder
 * detaches, so a process that dies takes its program with it unless the
 * link is pinned.
 */
#ifndef SIPSTAT_LIB_XDP_H
#define SIPSTAT_LIB_XDP_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "attach_mode.h"

/* The XDP program on an interface, if any. */
struct xdp_state {
	__u32 prog_id;			/* 0: none */
	enum attach_mode mode;		/* of prog_id: native or skb */
	char prog_name[16];		/* BPF_OBJ_NAME_LEN */
	int link_fd;			/* its BPF link, -1 when attached without one */
	__u32 link_id;
};

/* 0 or -errno with msg. */
int xdp_query(int ifindex, const char *ifname, struct xdp_state *st, char *msg, size_t msglen);
void xdp_state_free(struct xdp_state *st);

/*
 * Attach prog_fd to ifindex with a new BPF link.  In auto mode native is
 * tried first and skb taken when the driver refuses; *fell_back says so,
 * and msg then holds the notice (why native was refused).
 * Returns the link fd, or -errno with one line in msg.
 */
int xdp_attach(int prog_fd, int ifindex, const char *ifname, enum attach_mode want,
	       enum attach_mode *got, bool *fell_back, char *msg, size_t msglen);

/*
 * Put prog_fd in the place of the other program st found, in one step:
 * its link updated to prog_fd when it has one, else the attachment
 * replaced only if it still holds that program (XDP_FLAGS_REPLACE); then
 * ours is moved onto a link of our own (the other's link is detached).
 * When our program cannot be put in place, the other one stays.
 * Always in the other program's mode: want must be auto or that mode.
 * Returns the link fd or -errno with one line in msg.
 */
int xdp_replace(int prog_fd, int ifindex, const char *ifname, const struct xdp_state *st,
		enum attach_mode want, enum attach_mode *got, char *msg, size_t msglen);

/*
 * "another XDP program (id 42, xdp_ddos) is attached to eth0" and the ways
 * on: --mode tc, --multiprog, --force.
 */
void xdp_busy_msg(const char *ifname, const struct xdp_state *st, char *msg, size_t msglen);

/*
 * 1 when the XDP program for ifname is to be the frags-aware one: always
 * where the kernel has frags.  It reads the same bytes as the plain one
 * (the first buffer holds the status line), and drivers take it at any
 * MTU: including an MTU raised later, and veth's peer MTU, which veth
 * checks on attach and which sipstat cannot see from inside a namespace.
 */
int xdp_wants_frags(int ifindex, const char *ifname);

/* Facts about an XDP link: the interface it is on (0 once detached) and its ids. */
struct xdp_link_info {
	__u32 id;
	__u32 prog_id;
	int ifindex;
};
int xdp_link_info(int link_fd, struct xdp_link_info *li);

#endif

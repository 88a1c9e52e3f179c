/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * XDP attachment through BPF links: attach in native, skb or auto mode,
 * see what is attached to an interface, and remove another program when
 * asked (--force).  A link closed by its last holder detaches, so a
 * process that dies takes its program with it unless the link is pinned.
 */
#ifndef SIPSTAT_LIB_ATTACH_H
#define SIPSTAT_LIB_ATTACH_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * ATTACH_TC counts ingress with a TC program on the clsact hook instead of
 * XDP: it shares the hook with any XDP program another tool has there.
 */
enum attach_mode { ATTACH_AUTO = 0, ATTACH_NATIVE, ATTACH_SKB, ATTACH_TC };

/* "auto", "native", "skb", "tc". */
const char *attach_mode_name(enum attach_mode m);
/* native (or drv), skb (or generic), auto, tc.  0 or -EINVAL. */
int attach_mode_parse(const char *s, enum attach_mode *m);

/* The XDP program on an interface, if any. */
struct attach_state {
	__u32 prog_id;			/* 0: none */
	enum attach_mode mode;		/* of prog_id */
	char prog_name[16];		/* BPF_OBJ_NAME_LEN */
	int link_fd;			/* its BPF link, -1 when attached without one */
	__u32 link_id;
};

/* 0 or -errno with msg. */
int attach_query(int ifindex, const char *ifname, struct attach_state *st, char *msg,
		 size_t msglen);
void attach_state_free(struct attach_state *st);

/*
 * Remove what attach_query found (another tool's program, --force):
 * detach its link or the legacy attachment.  0 or -errno with msg.
 */
int attach_remove(int ifindex, const char *ifname, const struct attach_state *st, char *msg,
		  size_t msglen);

/*
 * Attach prog_fd to ifindex with a new BPF link.  In auto mode native is
 * tried first and skb taken when the driver refuses; *fell_back says so,
 * and msg then holds the notice (why native was refused).
 * Returns the link fd, or -errno with one line in msg.
 */
int attach_xdp(int prog_fd, int ifindex, const char *ifname, enum attach_mode want,
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
int attach_xdp_replace(int prog_fd, int ifindex, const char *ifname, const struct attach_state *st,
		       enum attach_mode want, enum attach_mode *got, char *msg, size_t msglen);

/*
 * "another XDP program (id 42, xdp_ddos) is attached to eth0" and the ways
 * on: --mode tc, --multiprog, --force.
 */
void attach_busy_msg(const char *ifname, const struct attach_state *st, char *msg, size_t msglen);

/*
 * 1 when the XDP program for ifname is to be the frags-aware one: always
 * where the kernel has frags.  It reads the same bytes as the plain one
 * (the first buffer holds the status line), and drivers take it at any
 * MTU: including an MTU raised later, and veth's peer MTU, which veth
 * checks on attach and which sipstat cannot see from inside a namespace.
 */
int attach_wants_frags(int ifindex, const char *ifname);

/* Facts about a link: the interface it is on (0 once detached) and its ids. */
struct attach_link_info {
	__u32 id;
	__u32 prog_id;
	int ifindex;
};
int attach_link_info(int link_fd, struct attach_link_info *li);

/* 1 while the interface is there under that name and index. */
int attach_iface_present(const char *ifname, int ifindex);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TC attachment on the clsact hook: sipstat's counting programs as one
 * filter per direction, at a handle and priority of sipstat's own, so
 * that other tools' filters on the same hook are never touched and the
 * hook (the clsact qdisc) is never removed.
 *
 * libbpf 1.1 (Debian 12) has no tcx API (bpf_program__attach_tcx, 6.6+),
 * and a clsact filter is not a BPF link: it stays when the process that
 * made it exits, so the watching mode removes its filters on the way out
 * and the pinned mode pins the program, not the filter.
 */
#ifndef SIPSTAT_LIB_TC_H
#define SIPSTAT_LIB_TC_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * sipstat's filter on each hook.  The priority is below tc's default
 * (49152, what 'tc filter add' takes without 'prio') so sipstat counts
 * before filters added without a priority can drop or redirect.
 */
#define TC_SIPSTAT_HANDLE 0x5195U
#define TC_SIPSTAT_PRIO 0x5195U

/* dir: SIPSTAT_DIR_IN (clsact ingress) or SIPSTAT_DIR_OUT (egress). */
const char *tc_hook_name(int dir);

/*
 * The program id of the filter at sipstat's handle and priority on the
 * hook: 0 with *prog_id set, -ENOENT when there is none (or no clsact).
 */
int tc_query(int ifindex, int dir, __u32 *prog_id);

/*
 * Create clsact if missing (one already there is fine) and attach prog_fd
 * at sipstat's handle and priority.  replace: take the place of what is
 * there (the caller decides whose it may take: lib/attach.h).  0 or
 * -errno with one line in msg; -EEXIST when the place is taken and
 * !replace.
 */
int tc_attach(int prog_fd, int ifindex, const char *ifname, int dir, bool replace, char *msg,
	      size_t msglen);

/*
 * Remove sipstat's filter from the hook when it still holds prog_id (any
 * program when prog_id is 0).  Nothing else on the hook is touched.
 * 0 (removed, or nothing of ours there), -errno with msg.
 */
int tc_detach(int ifindex, const char *ifname, int dir, __u32 prog_id, char *msg, size_t msglen);

#endif

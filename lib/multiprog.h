/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * --multiprog: sipstat as one program of libxdp's dispatcher, beside the
 * XDP programs other tools load through libxdp.  The dispatcher runs its
 * programs as freplace (BPF_PROG_TYPE_EXT) programs; kernels that refuse
 * those (lockdown, a BPF LSM, seccomp) cannot run it at all, and libxdp
 * then falls back to one program per interface, which would replace what
 * is there.  sipstat checks first and changes nothing when it is refused.
 */
#ifndef SIPSTAT_LIB_MULTIPROG_H
#define SIPSTAT_LIB_MULTIPROG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether the kernel loads freplace programs, as libxdp's dispatcher
 * needs: 0 when it does; -errno with one line in msg (naming --mode tc)
 * when it does not.
 */
int multiprog_check(int ifindex, const char *ifname, char *msg, size_t msglen);

struct bpf_object;
struct xdp_program;

/* sipstat's place in the dispatcher's order: first, before libxdp's default 50. */
#define MULTIPROG_RUN_PRIO 1

/*
 * Join the dispatcher on ifindex with the program of section sec ("xdp"
 * or "xdp.frags") of obj, opened and not loaded: libxdp loads obj (as
 * freplace) and the other programs set to load with it.  First in order,
 * calling on to the next program on XDP_PASS, which is all sipstat
 * returns.  Never falls back to replacing what is attached.  The program
 * in *prog, or -errno with one line in msg.  In lib/multiprog_join.c,
 * which alone needs libxdp.
 */
int multiprog_join(struct bpf_object *obj, const char *sec, int ifindex, const char *ifname,
		   bool skb_mode, struct xdp_program **prog, char *msg, size_t msglen);
/* Leave the dispatcher (the other programs stay) and close prog. */
void multiprog_leave(struct xdp_program *prog, int ifindex);

#endif

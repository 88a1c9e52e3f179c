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

#include <stddef.h>

/*
 * Whether the kernel loads freplace programs, as libxdp's dispatcher
 * needs: 0 when it does; -errno with one line in msg (naming --mode tc)
 * when it does not.
 */
int multiprog_check(int ifindex, const char *ifname, char *msg, size_t msglen);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Load the XDP program for one interface, attach, set ports, read counters. */
#ifndef SIPSTAT_LOADER_H
#define SIPSTAT_LOADER_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "snapshot.h"

struct sipstat_bpf;	/* generated skeleton (bpftool gen skeleton) */

struct attachment {
	char ifname[IF_NAMESIZE];
	int ifindex;
	enum xdp_mode_opt mode;		/* mode in use once attached */
	struct sipstat_bpf *skel;
	int link_fd;			/* XDP link: closing it detaches */
	int ncpus;
	void *percpu_buf;		/* scratch for per-CPU reads */
};

/*
 * Load and attach.  Returns 0, or -1 with one line in err saying what went
 * wrong and what to do.
 */
int attach_iface(struct attachment *a, const char *ifname, enum xdp_mode_opt mode,
		 bool force, int verbose, char *err, size_t errlen);
int attachment_set_ports(struct attachment *a, const uint16_t *ports, int n);
int attachment_read(struct attachment *a, struct snapshot *s);
/* 1 while the link is still attached to the interface, 0 once it is gone. */
int attachment_alive(struct attachment *a);
/* 1 while the interface is still there under its name and index. */
int attachment_iface_present(const struct attachment *a);
void detach_iface(struct attachment *a);

#endif

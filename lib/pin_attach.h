/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Counting that outlives the process: one interface attached through the
 * one attach path (lib/attach.h) and pinned (lib/pin.h), or what is pinned
 * and live kept as it is.  Attaching again reuses the pinned maps, so
 * counts are never reset or counted twice.
 *
 * The steps, in order: plan (what is pinned, what is asked, whether
 * anything changes), reuse (the pinned maps the new programs load with),
 * attach (load, carry over from another layout, the hooks), pin, record
 * (the meta record) and settings (the port set, a reset).
 */
#ifndef SIPSTAT_LIB_PIN_ATTACH_H
#define SIPSTAT_LIB_PIN_ATTACH_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "attach_mode.h"
#include "sipstat.h"

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
	bool moved;			/* --replace: pins of the old path moved here */
};

/*
 * Load, attach and pin for ifname, or keep what is pinned and live.
 * 0 or -errno with one line in msg: -ENODEV no such interface, -EBUSY
 * another program, -EPROTO another layout, -ENOTSUP no BPF filesystem.
 */
int pin_attach(const char *ifname, const struct pin_attach_opts *o, struct pin_attach_result *res,
	       char *msg, size_t msglen);

#endif

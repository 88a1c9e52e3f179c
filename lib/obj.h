/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Open and load the BPF object (skeleton), reusing pinned maps if given. */
#ifndef SIPSTAT_LIB_OBJ_H
#define SIPSTAT_LIB_OBJ_H

#include <stddef.h>

struct sipstat_bpf;	/* generated skeleton (bpftool gen skeleton) */

/* Maps to reuse instead of creating them; -1 for a new map. */
struct obj_reuse {
	int counts_fd;
	int ports_fd;
	int meta_fd;
	int peers_fd;		/* sip_peers */
	int peer_counts_fd;	/* sip_peer_counts */
	int failing_fd;		/* sip_failing */
};

#define OBJ_REUSE_NONE                                                                   \
	{ .counts_fd = -1, .ports_fd = -1, .meta_fd = -1, .peers_fd = -1,                \
	  .peer_counts_fd = -1, .failing_fd = -1 }

/*
 * Open and load the object.  log (may be NULL) receives the verifier log
 * when the load fails or when it is non-NULL and loglen > 0 (level 1).
 * 0 with *skel set, or -errno with one line in msg.
 */
int obj_load(struct sipstat_bpf **skel, const struct obj_reuse *reuse, char *log, size_t loglen,
	     char *msg, size_t msglen);

/* Programs of the object to load; the others are left out of the load. */
enum {
	OBJ_XDP = 1 << 0,	/* sipstat_xdp */
	OBJ_XDP_FRAGS = 1 << 1,	/* sipstat_xdp_frags: frames larger than one buffer */
	OBJ_TC_IN = 1 << 2,	/* sipstat_tc_in: clsact ingress */
	OBJ_TC_OUT = 1 << 3,	/* sipstat_tc_out: clsact egress */
	OBJ_XDP_BATCH = 1 << 4,	/* sipstat_xdp_batch: several frames a test run */
};
/* obj_load with the programs in progs (OBJ_*); obj_load is OBJ_XDP. */
int obj_load_progs(struct sipstat_bpf **skel, const struct obj_reuse *reuse, unsigned int progs,
		   char *log, size_t loglen, char *msg, size_t msglen);
/*
 * Open the object with the programs in progs set to load, and load
 * nothing: for a loader of its own (libxdp's dispatcher).  0 or -errno.
 */
int obj_open_progs(struct sipstat_bpf **skel, unsigned int progs, char *msg, size_t msglen);
/* The ELF section of the XDP program set to load: "xdp" or "xdp.frags". */
const char *obj_xdp_section(const struct sipstat_bpf *skel);
struct bpf_object *obj_bpf_object(struct sipstat_bpf *skel);
/* The fd of the loaded TC program of dir (SIPSTAT_DIR_*), -1 if not loaded. */
int obj_tc_fd(const struct sipstat_bpf *skel, int dir);
/*
 * 1 when the kernel takes XDP programs that handle frames of several
 * buffers (BPF_F_XDP_HAS_FRAGS, 5.18+), 0 when not; probed once.
 * SIPSTAT_NO_FRAGS=1 in the environment answers 0, as an older kernel
 * would (the tests use it to reach the single-buffer program).
 */
int obj_frags_supported(void);
void obj_free(struct sipstat_bpf *skel);

/* The fds of the loaded object's XDP program (plain or frags) and maps. */
int obj_prog_fd(const struct sipstat_bpf *skel);
int obj_counts_fd(const struct sipstat_bpf *skel);
int obj_ports_fd(const struct sipstat_bpf *skel);
int obj_meta_fd(const struct sipstat_bpf *skel);
int obj_peers_fd(const struct sipstat_bpf *skel);
int obj_peer_counts_fd(const struct sipstat_bpf *skel);
int obj_failing_fd(const struct sipstat_bpf *skel);
/* Or flags (SIPSTAT_CFG_*) into the loaded program's settings. */
void obj_cfg_set_flags(struct sipstat_bpf *skel, unsigned int flags);
/* The port set as the program reads it (the mapped map value). */
volatile unsigned long long *obj_ports(struct sipstat_bpf *skel);

/* What to do about missing rights, for messages after EPERM. */
const char *obj_perm_hint(void);

#endif

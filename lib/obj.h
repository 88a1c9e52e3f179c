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
};

#define OBJ_REUSE_NONE { .counts_fd = -1, .ports_fd = -1, .meta_fd = -1 }

/*
 * Open and load the object.  log (may be NULL) receives the verifier log
 * when the load fails or when it is non-NULL and loglen > 0 (level 1).
 * 0 with *skel set, or -errno with one line in msg.
 */
int obj_load(struct sipstat_bpf **skel, const struct obj_reuse *reuse, char *log, size_t loglen,
	     char *msg, size_t msglen);
void obj_free(struct sipstat_bpf *skel);

/* The fds of the loaded object's program and maps. */
int obj_prog_fd(const struct sipstat_bpf *skel);
int obj_counts_fd(const struct sipstat_bpf *skel);
int obj_ports_fd(const struct sipstat_bpf *skel);
int obj_meta_fd(const struct sipstat_bpf *skel);
/* The port set as the program reads it (the mapped map value). */
volatile unsigned long long *obj_ports(struct sipstat_bpf *skel);

/* What to do about missing rights, for messages after EPERM. */
const char *obj_perm_hint(void);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Facts about a loaded BPF program, by fd or by id: its id, its name,
 * whether it is one of sipstat's, and what keeps it alive besides the
 * hook it is on.  A program (or the link that holds it on a hook) lives
 * while a process has an fd of it or a pin names it; the pin may be on
 * the BPF filesystem of another mount namespace (a container's, a shell's
 * under unshare -m), out of sight of this one's /sys/fs/bpf.
 */
#ifndef SIPSTAT_LIB_PROG_H
#define SIPSTAT_LIB_PROG_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

/* The id of the program fd, 0 when fd is none. */
__u32 prog_id(int fd);
/* The name of program id ("" when it is gone), BPF_OBJ_NAME_LEN at most. */
void prog_name(__u32 id, char *name, size_t len);
/* One of sipstat's programs by its name (sipstat_xdp, sipstat_tc_out, ...). */
bool prog_is_sipstat(const char *name);

/* What keeps a program alive. */
struct prog_holders {
	int pid;		/* a process besides this one with an fd of it or of its link; 0 none */
	int pin_pid;		/* a process of the mount namespace where sipstat pinned it; 0 none */
	bool pin_here;		/* that mount namespace is this process's own */
	char pin[256];		/* the pin, as that mount namespace names it */
};

/*
 * The holders of program id: a process (through /proc/PID/fdinfo), and a
 * pin below sipstat's directory on the BPF filesystem of any mount
 * namespace a process is in (through /proc/PID/root), this one first.
 * Pinned and held are not exclusive: a reader of the pins holds them too.
 */
void prog_holders(__u32 id, struct prog_holders *h);

#endif

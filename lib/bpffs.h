/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The BPF filesystem that pins live on, and directories on it that no
 * other user can take over.
 *
 * Found at /sys/fs/bpf of the caller's mount namespace.  A mount namespace
 * with a /sys of its own, as 'ip netns exec' makes (it remounts /sys for
 * the network namespace), has no BPF filesystem there: the pins are the
 * ones of the mount namespace it was started from, reached through the
 * root of the first ancestor process whose /sys is another (else PID 1).
 * Where none is mounted, one is mounted (mode 0700), when the caller
 * allows it: here, or in that outer mount namespace, entered for the time
 * of the mount (setns: the process must be single-threaded).
 */
#ifndef SIPSTAT_LIB_BPFFS_H
#define SIPSTAT_LIB_BPFFS_H

#include <stdbool.h>
#include <stddef.h>

#define BPFFS_PATH "/sys/fs/bpf"
/* sipstat's directory in it: every pin of sipstat is below. */
#define BPFFS_SIPSTAT "sipstat"

enum bpffs_how {
	BPFFS_NONE = 0,
	BPFFS_HERE,		/* mounted at BPFFS_PATH here */
	BPFFS_MOUNTED,		/* none was: mounted here now */
	BPFFS_OUTER,		/* the one of the outer mount namespace */
	BPFFS_OUTER_MOUNTED,	/* none was there: mounted there now */
};

struct bpffs {
	int fd;			/* its root; -1 none */
	enum bpffs_how how;
	int outer_pid;		/* BPFFS_OUTER*: the process whose mount namespace it is */
};

/*
 * Find the BPF filesystem (and mount one with may_mount).  0 with fs set;
 * -ENOENT none and may_mount false; -EXDEV inside a /sys of its own where
 * the outer one cannot be reached or mounted; else -errno.  msg says why
 * and what to do.
 */
int bpffs_locate(bool may_mount, struct bpffs *fs, char *msg, size_t msglen);

/*
 * The directory name in parent (shown as path in messages), opened
 * without following a symbolic link (O_DIRECTORY | O_NOFOLLOW), and only
 * when it is owned by root or the caller and of mode 0700; with create,
 * made so when missing.  The fd; -ENOENT when missing; -ENOTDIR (not a
 * directory, a symbolic link), -EPERM (owner, mode) or -errno with msg.
 */
int bpffs_dir(int parent, const char *name, const char *path, bool create, char *msg,
	      size_t msglen);

#endif

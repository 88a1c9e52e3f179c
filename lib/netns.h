/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Network namespaces by identity.  The inode of a namespace's nsfs file
 * is what 'ls -l /proc/PID/ns/net' and lsns show, but the kernel gives it
 * to a new namespace once the old one is freed; a name under /run/netns
 * can be given to a new namespace too.  The namespace's cookie
 * (SO_NETNS_COOKIE, Linux 5.14) is never reused while the machine runs:
 * inode and cookie together tell a namespace from a later one.
 *
 * A namespace other than the caller's is found by its inode among the
 * names under /run/netns, the nsfs bind mounts and the processes, and its
 * cookie read by entering it for a moment (setns, CAP_SYS_ADMIN).
 */
#ifndef SIPSTAT_LIB_NETNS_H
#define SIPSTAT_LIB_NETNS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#define NETNS_RUN_DIR "/run/netns"	/* ip netns (/var/run/netns) */
#define NETNS_NAME_MAX 256		/* a name under NETNS_RUN_DIR, with its NUL */

struct netns_id {
	__u64 ino;	/* nsfs inode */
	__u64 cookie;	/* SO_NETNS_COOKIE; 0 unknown (kernels before 5.14) */
};

/* The calling thread's namespace.  0 or -errno. */
int netns_self(struct netns_id *id);

/* The same namespace: the inodes equal, and the cookies where both are known. */
bool netns_same(const struct netns_id *a, const struct netns_id *b);

/*
 * The namespace of an nsfs file descriptor, its cookie read inside it;
 * the caller's thread comes back to where it was.  0 or -errno.
 */
int netns_of_fd(int fd, struct netns_id *id);

/*
 * The live namespace of id: *fd open on it (to enter it), its name under
 * NETNS_RUN_DIR in name ("" none).  -ENOENT when none is alive with that
 * identity: freed, or its inode now another namespace's.
 */
int netns_find(const struct netns_id *id, int *fd, char *name, size_t len);

/*
 * A namespace as a user names it: NAME under NETNS_RUN_DIR, a PATH to an
 * nsfs file (/proc/PID/ns/net), or an INODE number of a live namespace.
 * *fd open on it, its id and name.  0, -ENOENT (with msg), or -errno.
 */
int netns_open(const char *spec, int *fd, struct netns_id *id, char *name, size_t len,
	       char *msg, size_t msglen);

/* The name under NETNS_RUN_DIR of the live namespace of inode ino, "" none. */
void netns_name_of(__u64 ino, char *name, size_t len);

/*
 * The caller is in the network namespace of PID 1 (of PID 2, the kernel's
 * thread creator, where PID 1 cannot be looked at): the host's, outside
 * containers.
 */
bool netns_is_host(void);

/* Move the calling thread into the namespace of fd.  0 or -errno. */
int netns_enter(int fd);

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "bpffs.h"

/* A chain of parents longer than this is a loop in what /proc said. */
#define ANCESTORS_MAX 4096

static const char *root_hint(int e)
{
	return e == -EACCES || e == -EPERM ?
		       "; pinned counters are readable by root only: run as root" :
		       "";
}

/* path is a directory of a BPF filesystem: *fd its descriptor.  0, -ENOTSUP, -errno. */
static int open_at(const char *path, int *fd)
{
	struct statfs sfs;
	int d;

	d = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return -errno;
	if (fstatfs(d, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		close(d);
		return -ENOTSUP;
	}
	*fd = d;
	return 0;
}

/* mode=0700: a plain 'mount -t bpf' makes the root 1777, open to every user. */
static int mount_here(void)
{
	return mount("bpf", BPFFS_PATH, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") ?
		       -errno :
		       0;
}

static unsigned long field_num(const char *s, char **end)
{
	errno = 0;
	return strtoul(s, end, 10);
}

/* The device of the filesystem on top at /sys in a mountinfo file.  0 or -errno. */
static int sys_dev_of(const char *mountinfo, dev_t *dev)
{
	char *line = NULL, *f[5], *save, *end, *tok;
	unsigned long maj, min;
	size_t cap = 0;
	FILE *fp;
	int n, e = -ENOENT;

	fp = fopen(mountinfo, "re");
	if (!fp)
		return errno ? -errno : -ENOENT;
	/* id parent major:minor root mountpoint ...; the last /sys is the one on top. */
	while (getline(&line, &cap, fp) > 0) {
		for (n = 0, tok = strtok_r(line, " ", &save); tok && n < 5;
		     tok = strtok_r(NULL, " ", &save))
			f[n++] = tok;
		if (n < 5 || strcmp(f[4], "/sys") != 0)
			continue;
		maj = field_num(f[2], &end);
		if (errno || *end != ':')
			continue;
		min = field_num(end + 1, &end);
		if (errno || *end)
			continue;
		*dev = makedev(maj, min);
		e = 0;
	}
	free(line);
	fclose(fp);
	return e;
}

/* The parent of pid, from /proc/PID/stat; 0 when unknown. */
static int ppid_of(int pid)
{
	char path[64], buf[512], *p, *end;
	unsigned long v;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "PID (comm) S PPID ...": comm may hold anything, up to the last ')'. */
	p = strrchr(buf, ')');
	if (!p || strlen(p) < 5 || p[1] != ' ' || p[3] != ' ')
		return 0;
	v = field_num(p + 4, &end);
	return errno || *end != ' ' || v > INT32_MAX ? 0 : (int)v;
}

/*
 * The first ancestor whose /sys is another filesystem than ours (a /sys
 * of our own: ip netns exec), else PID 1 when its is; 0 none.  A mount
 * namespace made by 'unshare -m' shares /sys with its parent: it keeps
 * its own BPF filesystem, or none.
 */
static int outer_pid(void)
{
	char path[64];
	dev_t own = 0, dev = 0;
	int pid, hops;

	if (sys_dev_of("/proc/self/mountinfo", &own))
		own = 0;	/* no /sys at all: any ancestor's is another */
	for (pid = getppid(), hops = 0; pid > 1 && hops < ANCESTORS_MAX; hops++) {
		snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
		if (!sys_dev_of(path, &dev) && dev != own)
			return pid;
		pid = ppid_of(pid);
	}
	return !sys_dev_of("/proc/1/mountinfo", &dev) && dev != own ? 1 : 0;
}

/*
 * In the mount namespace of pid for a moment: open its BPF filesystem,
 * mounting one with may_mount.  The caller's root and working directory
 * are put back (setns moves both to the namespace's root).
 */
static int open_outer(int pid, bool may_mount, int *fd, bool *mounted)
{
	int target, back = -1, cwd = -1, root = -1, e;
	struct stat was, now;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0)
		return -errno;
	back = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);	/* may be gone: then "/" */
	if (back < 0 || root < 0) {
		e = -errno;
		goto out;
	}
	/* glibc declares setns() for _GNU_SOURCE only, which the build does not define. */
	if (syscall(SYS_setns, target, CLONE_NEWNS)) {
		e = -errno;
		goto out;
	}
	e = open_at(BPFFS_PATH, fd);
	if ((e == -ENOTSUP || e == -ENOENT) && may_mount) {
		e = mount_here();
		if (!e) {
			*mounted = true;
			e = open_at(BPFFS_PATH, fd);
		}
	}
	/*
	 * Back where it was: its mount namespace, its root (a chroot, if it
	 * was in one) and its working directory ("/" when that is gone).
	 * Anything else, and the rest would see other files: nothing goes on.
	 */
	if (syscall(SYS_setns, back, CLONE_NEWNS) ||
	    (!fstat(root, &was) && !stat("/", &now) &&
	     (was.st_dev != now.st_dev || was.st_ino != now.st_ino) &&
	     (fchdir(root) || chroot("."))) ||
	    ((cwd < 0 || fchdir(cwd)) && fchdir(root))) {
		int err = errno ? -errno : -EIO;

		if (!e) {
			close(*fd);
			*fd = -1;
		}
		e = err;
	}
out:
	if (cwd >= 0)
		close(cwd);
	if (root >= 0)
		close(root);
	if (back >= 0)
		close(back);
	close(target);
	return e;
}

int bpffs_locate(bool may_mount, struct bpffs *fs, char *msg, size_t msglen)
{
	bool mounted = false;
	char path[64];
	int e, pid;

	fs->fd = -1;
	fs->how = BPFFS_NONE;
	fs->outer_pid = 0;
	e = open_at(BPFFS_PATH, &fs->fd);
	if (!e) {
		fs->how = BPFFS_HERE;
		return 0;
	}
	if (e != -ENOTSUP && e != -ENOENT) {
		snprintf(msg, msglen, "cannot open %s: %s%s", BPFFS_PATH, strerror(-e), root_hint(e));
		return e;
	}

	pid = outer_pid();
	if (pid) {
		fs->outer_pid = pid;
		snprintf(path, sizeof(path), "/proc/%d/root%s", pid, BPFFS_PATH);
		if (!open_at(path, &fs->fd)) {
			fs->how = BPFFS_OUTER;
			return 0;
		}
		/* Not mounted there, or its root out of reach: in its mount namespace. */
		e = open_outer(pid, may_mount, &fs->fd, &mounted);
		if (!e) {
			fs->how = mounted ? BPFFS_OUTER_MOUNTED : BPFFS_OUTER;
			return 0;
		}
		if (!may_mount && (e == -ENOTSUP || e == -ENOENT)) {
			snprintf(msg, msglen, "no BPF filesystem at %s", BPFFS_PATH);
			return -ENOENT;
		}
		/* Not root: no way in, and nothing there for this user anyway. */
		if ((e == -EACCES || e == -EPERM) && geteuid()) {
			snprintf(msg, msglen, "cannot reach the BPF filesystem of process %d, which "
					      "started this mount namespace: %s%s",
				 pid, strerror(-e), root_hint(e));
			return -EACCES;
		}
		snprintf(msg, msglen,
			 "this mount namespace has a /sys of its own (as 'ip netns exec' makes), "
			 "without the BPF filesystem, and the one of process %d, which started it, "
			 "cannot be %s: %s",
			 pid, e == -ENOTSUP || e == -ENOENT ? "found" : "reached or mounted",
			 strerror(e == -ENOTSUP ? ENOENT : -e));
		return -EXDEV;
	}

	if (!may_mount) {
		snprintf(msg, msglen, "no BPF filesystem at %s", BPFFS_PATH);
		return -ENOENT;
	}
	e = mount_here();
	if (!e)
		e = open_at(BPFFS_PATH, &fs->fd);
	if (e) {
		snprintf(msg, msglen,
			 "no BPF filesystem at %s, and none can be mounted there: %s; %s",
			 BPFFS_PATH, strerror(-e),
			 e == -EPERM || e == -EACCES ?
				 "run as root" :
			 e == -ENOENT ?
				 "/sys is not mounted here (mount -t sysfs sysfs /sys)" :
				 "mount it with 'mount -t bpf -o mode=0700 bpf " BPFFS_PATH "'");
		return e;
	}
	fs->how = BPFFS_MOUNTED;
	return 0;
}

int bpffs_dir(int parent, const char *name, const char *path, bool create, char *msg,
	      size_t msglen)
{
	bool made = false;
	struct stat sb;
	mode_t old;
	int fd, e;

	if (create) {
		/* 0700 whatever the umask; fchmod below makes sure. */
		old = umask(077);
		if (!mkdirat(parent, name, 0700))
			made = true;
		e = made || errno == EEXIST ? 0 : -errno;
		umask(old);
		if (e) {
			snprintf(msg, msglen, "cannot create %s: %s%s", path, strerror(-e),
				 root_hint(e));
			return e;
		}
	}
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		if (e == -ENOENT) {
			snprintf(msg, msglen, "no %s", path);
			return e;
		}
		if (e != -ELOOP && e != -ENOTDIR) {
			snprintf(msg, msglen, "cannot open %s: %s%s", path, strerror(-e),
				 root_hint(e));
			return e;
		}
		snprintf(msg, msglen,
			 "refusing %s: it is %s, not a directory, and not of sipstat's making; "
			 "look at it and remove it (rm %s), then try again",
			 path,
			 !fstatat(parent, name, &sb, AT_SYMLINK_NOFOLLOW) && S_ISLNK(sb.st_mode) ?
				 "a symbolic link" :
				 "a file",
			 path);
		return -ENOTDIR;
	}
	if (made && fchmod(fd, 0700)) {
		e = -errno;
		snprintf(msg, msglen, "cannot set the mode of %s: %s", path, strerror(-e));
		close(fd);
		return e;
	}
	if (fstat(fd, &sb)) {
		e = -errno;
		snprintf(msg, msglen, "cannot look at %s: %s", path, strerror(-e));
		close(fd);
		return e;
	}
	/* Another user's directory: whatever is pinned in it, that user controls. */
	if (sb.st_uid != 0 && sb.st_uid != geteuid()) {
		snprintf(msg, msglen,
			 "refusing %s: it is owned by uid %u, not by root, so that user could "
			 "remove or replace sipstat's pins; look at it and remove it (rm -r %s); "
			 "a BPF filesystem mounted with -o mode=0700 keeps other users out",
			 path, (unsigned int)sb.st_uid, path);
		close(fd);
		return -EPERM;
	}
	if ((sb.st_mode & 07777) != 0700) {
		snprintf(msg, msglen,
			 "refusing %s: its mode is %04o, not 0700, so others could change what "
			 "is pinned in it; if it is sipstat's, make it private (chmod 0700 %s)",
			 path, (unsigned int)(sb.st_mode & 07777), path);
		close(fd);
		return -EPERM;
	}
	return fd;
}

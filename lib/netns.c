// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netns.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71	/* asm-generic/socket.h, Linux 5.14 */
#endif

/* The calling thread's own: setns moves a thread, not the process. */
#define SELF_NET "/proc/thread-self/ns/net"

int netns_self(struct netns_id *id)
{
	socklen_t len = sizeof(id->cookie);
	struct stat sb;
	int fd;

	memset(id, 0, sizeof(*id));
	if (stat(SELF_NET, &sb))
		return errno ? -errno : -ENOENT;
	id->ino = (__u64)sb.st_ino;
	/* Any socket belongs to the namespace it was made in. */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &id->cookie, &len) ||
	    len != sizeof(id->cookie))
		id->cookie = 0;	/* before 5.14: the inode alone */
	close(fd);
	return 0;
}

bool netns_same(const struct netns_id *a, const struct netns_id *b)
{
	return a->ino == b->ino && (!a->cookie || !b->cookie || a->cookie == b->cookie);
}

int netns_enter(int fd)
{
	/* glibc declares setns() for _GNU_SOURCE only, which the build does not define. */
	return syscall(SYS_setns, fd, CLONE_NEWNET) ? -errno : 0;
}

int netns_of_fd(int fd, struct netns_id *id)
{
	int back, e;

	memset(id, 0, sizeof(*id));
	back = open(SELF_NET, O_RDONLY | O_CLOEXEC);
	if (back < 0)
		return errno ? -errno : -EBADF;
	e = netns_enter(fd);
	if (!e) {
		e = netns_self(id);
		/* Coming back cannot fail where going there worked: same rights. */
		if (netns_enter(back) && !e)
			e = -errno;
	}
	close(back);
	return e;
}

/* The device of nsfs, where every namespace file lives. */
static int nsfs_dev(dev_t *dev)
{
	struct stat sb;

	if (stat(SELF_NET, &sb))
		return errno ? -errno : -ENOENT;
	*dev = sb.st_dev;
	return 0;
}

/* path is a namespace file of nsfs (of any type: the type is checked on the fd). */
static bool nsfs_file(const char *path, dev_t dev, struct stat *sb)
{
	return !stat(path, sb) && sb->st_dev == dev;
}

void netns_name_of(__u64 ino, char *name, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	dev_t dev = 0;
	DIR *d;

	if (len)
		name[0] = '\0';
	if (nsfs_dev(&dev) || !(d = opendir(NETNS_RUN_DIR)))
		return;
	/* Two live namespaces never share an inode: the first name is the one. */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, de->d_name) >=
			    sizeof(path))
			continue;
		if (nsfs_file(path, dev, &sb) && (__u64)sb.st_ino == ino) {
			snprintf(name, len, "%s", de->d_name);
			break;
		}
	}
	closedir(d);
}

/* "\040" and the other octal escapes of /proc/self/mountinfo, in place. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* A bind mount of the network namespace of inode ino in this mount namespace. */
static bool mount_of(__u64 ino, char *path, size_t len)
{
	char want[48], *line = NULL, *f[16], *save, *tok;
	size_t cap = 0;
	bool found = false;
	FILE *fp;
	int n;

	snprintf(want, sizeof(want), "net:[%llu]", (unsigned long long)ino);
	fp = fopen("/proc/self/mountinfo", "re");
	if (!fp)
		return false;
	while (!found && getline(&line, &cap, fp) > 0) {
		/* id parent dev root mountpoint options [optional...] - fstype source ... */
		for (n = 0, tok = strtok_r(line, " \n", &save); tok && n < 16;
		     tok = strtok_r(NULL, " \n", &save))
			f[n++] = tok;
		if (n < 5 || strcmp(f[3], want) != 0)
			continue;
		unescape_octal(f[4]);
		found = (size_t)snprintf(path, len, "%s", f[4]) < len;
	}
	free(line);
	fclose(fp);
	return found;
}

/* A process in the network namespace of inode ino: /proc/PID/ns/net. */
static bool process_of(__u64 ino, dev_t dev, char *path, size_t len)
{
	struct dirent *de;
	struct stat sb;
	bool found = false;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]) ||
		    (size_t)snprintf(path, len, "/proc/%s/ns/net", de->d_name) >= len)
			continue;
		/* A process of another user, or one that just ended: not this one. */
		found = nsfs_file(path, dev, &sb) && (__u64)sb.st_ino == ino;
	}
	closedir(d);
	return found;
}

/* fd is a network namespace (not a mount or user namespace of the same nsfs). */
static bool is_netns_fd(int fd)
{
	return ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNET;
}

/* Open path, which should be the network namespace of inode ino (0: any). */
static int open_ns(const char *path, __u64 ino, dev_t dev)
{
	struct stat sb;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || sb.st_dev != dev || !is_netns_fd(fd))
		e = -EINVAL;
	else if (ino && (__u64)sb.st_ino != ino)
		e = -ENOENT;	/* freed and given to another in between */
	else
		return fd;
	close(fd);
	return e;
}

/* Any path that holds the live network namespace of inode ino; its name when named. */
static bool path_of(__u64 ino, char *path, size_t len, char *name, size_t nlen)
{
	dev_t dev = 0;

	if (nlen)
		name[0] = '\0';
	if (nsfs_dev(&dev))
		return false;
	netns_name_of(ino, name, nlen);
	if (name[0] && (size_t)snprintf(path, len, "%s/%s", NETNS_RUN_DIR, name) < len)
		return true;
	return mount_of(ino, path, len) || process_of(ino, dev, path, len);
}

int netns_find(const struct netns_id *id, int *fd, char *name, size_t len)
{
	struct netns_id now;
	char path[PATH_MAX];
	dev_t dev = 0;
	int e;

	*fd = -1;
	e = nsfs_dev(&dev);
	if (e)
		return e;
	if (!path_of(id->ino, path, sizeof(path), name, len))
		return -ENOENT;
	e = open_ns(path, id->ino, dev);
	if (e < 0)
		return e;
	/* The inode alone may be a later namespace's: the cookie decides. */
	if (netns_of_fd(e, &now) || !netns_same(&now, id)) {
		close(e);
		if (len)
			name[0] = '\0';
		return -ENOENT;
	}
	*fd = e;
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int netns_open(const char *spec, int *fd, struct netns_id *id, char *name, size_t len,
	       char *msg, size_t msglen)
{
	char path[PATH_MAX];
	dev_t dev = 0;
	int e;

	*fd = -1;
	if (len)
		name[0] = '\0';
	e = nsfs_dev(&dev);
	if (e)
		return e;
	if (all_digits(spec)) {
		unsigned long long ino;

		errno = 0;
		ino = strtoull(spec, NULL, 10);
		if (errno || !path_of(ino, path, sizeof(path), name, len)) {
			snprintf(msg, msglen, "no live network namespace has inode %s", spec);
			return -ENOENT;
		}
	} else if (strchr(spec, '/')) {
		snprintf(path, sizeof(path), "%s", spec);
	} else if (!strcmp(spec, ".") || !strcmp(spec, "..") ||
		   (size_t)snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, spec) >=
			   sizeof(path)) {
		snprintf(msg, msglen, "'%s' is not a network namespace name", spec);
		return -EINVAL;
	}
	e = open_ns(path, 0, dev);
	if (e < 0) {
		if (e == -ENOENT && !strchr(spec, '/') && !all_digits(spec))
			snprintf(msg, msglen, "no network namespace named %s (see 'ip netns list')",
				 spec);
		else if (e == -EINVAL)
			snprintf(msg, msglen, "%s is not a network namespace", path);
		else
			snprintf(msg, msglen, "cannot open %s: %s", path, strerror(-e));
		return e;
	}
	*fd = e;
	e = netns_of_fd(*fd, id);
	if (e) {
		close(*fd);
		*fd = -1;
		snprintf(msg, msglen, "cannot enter the network namespace %s: %s%s", path,
			 strerror(-e), e == -EPERM ? " (run as root)" : "");
		return e;
	}
	if (len && !name[0])
		netns_name_of(id->ino, name, len);
	return 0;
}

bool netns_is_host(void)
{
	struct netns_id self;
	struct stat sb;

	if (netns_self(&self))
		return false;
	/* PID 2 is kthreadd, whose threads live in the initial namespace. */
	if (stat("/proc/1/ns/net", &sb) && stat("/proc/2/ns/net", &sb))
		return false;
	return (__u64)sb.st_ino == self.ino;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Facts about loaded BPF programs (prog.h): their ids, names and holders. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpffs.h"
#include "prog.h"

/* Mount namespaces looked into at most (a host has a few; containers add one each). */
#define MNT_NS_MAX 512
/* netns:INO:COOKIE/IFACE/NAME, or IFACE/NAME under the old path. */
#define PIN_DEPTH 3

__u32 prog_id(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len) ? info.id : 0;
}

void prog_name(__u32 id, char *name, size_t len)
{
	struct bpf_prog_info info;
	__u32 ilen = sizeof(info);
	int fd = id ? bpf_prog_get_fd_by_id(id) : -1;

	name[0] = '\0';
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
		snprintf(name, len, "%s", info.name);
	close(fd);
}

bool prog_is_sipstat(const char *name)
{
	return !strncmp(name, "sipstat_", 8);
}

/* A process id from its /proc name, 0 for any other name. */
static int pid_of(const char *name)
{
	char *end;
	long pid;

	errno = 0;
	pid = strtol(name, &end, 10);
	return errno || *end || end == name || pid <= 0 || pid > INT_MAX ? 0 : (int)pid;
}

/* The fdinfo file at path names program id (a program's fd, or a link's). */
static bool fdinfo_names(const char *path, const char *want)
{
	char line[128];
	bool found = false;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strcmp(line, want);
	fclose(f);
	return found;
}

/* A process other than this one with an fd of program id (or of its link); 0 none. */
static int held_by(const char *want)
{
	char path[600], self[16];
	struct dirent *pe, *fe;
	DIR *proc, *fds;
	int pid = 0;

	snprintf(self, sizeof(self), "%d", (int)getpid());
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while (!pid && (pe = readdir(proc))) {
		if (pe->d_name[0] < '0' || pe->d_name[0] > '9' || !strcmp(pe->d_name, self))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", pe->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while (!pid && (fe = readdir(fds))) {
			if (fe->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pe->d_name, fe->d_name);
			if (fdinfo_names(path, want))
				pid = pid_of(pe->d_name);
		}
		closedir(fds);
	}
	closedir(proc);
	return pid;
}

/* The pin name in directory dfd names the program (or its link). */
static bool pin_names(int dfd, const char *name, const char *want)
{
	char path[300], info[64];
	bool found;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dfd, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	snprintf(info, sizeof(info), "/proc/self/fdinfo/%d", fd);
	found = fdinfo_names(info, want);
	close(fd);
	return found;
}

/*
 * A pin of the program (or of its link) below the directory dfd, its
 * name appended to shown.  Directories are entered without following
 * symbolic links, PIN_DEPTH levels at most.
 */
static bool pinned_below(int dfd, char *shown, size_t len, const char *want)
{
	DIR *dirs[PIN_DEPTH];
	size_t at[PIN_DEPTH];
	struct dirent *de;
	bool found = false;
	int depth = 0, fd;

	dirs[0] = fdopendir(dfd);
	if (!dirs[0]) {
		close(dfd);
		return false;
	}
	at[0] = strlen(shown);
	while (depth >= 0 && !found) {
		de = readdir(dirs[depth]);
		if (!de) {
			closedir(dirs[depth--]);
			continue;
		}
		if (de->d_name[0] == '.' || at[depth] + 1 + strlen(de->d_name) >= len)
			continue;
		snprintf(shown + at[depth], len - at[depth], "/%s", de->d_name);
		if (de->d_type == DT_REG) {
			found = pin_names(dirfd(dirs[depth]), de->d_name, want);
		} else if (de->d_type == DT_DIR && depth + 1 < PIN_DEPTH) {
			fd = openat(dirfd(dirs[depth]), de->d_name,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			dirs[depth + 1] = fd >= 0 ? fdopendir(fd) : NULL;
			if (dirs[depth + 1]) {
				depth++;
				at[depth] = strlen(shown);
			} else if (fd >= 0) {
				close(fd);
			}
		}
	}
	while (depth >= 0)
		closedir(dirs[depth--]);
	if (!found)
		shown[at[0]] = '\0';
	return found;
}

/* The pin in the mount namespace of process pid ("self"), into h; false when none. */
static bool pinned_in(const char *pid, const char *want, struct prog_holders *h)
{
	char root[300];
	int fd;

	snprintf(root, sizeof(root), "/proc/%s/root" BPFFS_PATH "/" BPFFS_SIPSTAT, pid);
	fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	snprintf(h->pin, sizeof(h->pin), "%s/%s", BPFFS_PATH, BPFFS_SIPSTAT);
	if (pinned_below(fd, h->pin, sizeof(h->pin), want))
		return true;
	h->pin[0] = '\0';
	return false;
}

/* Each mount namespace once, through its first process: this one first. */
static void pinned_anywhere(const char *want, struct prog_holders *h)
{
	ino_t seen[MNT_NS_MAX];
	char path[300];
	struct dirent *pe;
	struct stat sb;
	int n = 0, i;
	DIR *proc;

	if (!stat("/proc/self/ns/mnt", &sb))
		seen[n++] = sb.st_ino;
	if (pinned_in("self", want, h)) {
		h->pin_pid = (int)getpid();
		h->pin_here = true;
		return;
	}
	proc = opendir("/proc");
	if (!proc)
		return;
	while (!h->pin_pid && n < MNT_NS_MAX && (pe = readdir(proc))) {
		if (pe->d_name[0] < '0' || pe->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/mnt", pe->d_name);
		if (stat(path, &sb))
			continue;
		for (i = 0; i < n && seen[i] != sb.st_ino; i++)
			;
		if (i < n)
			continue;
		seen[n++] = sb.st_ino;
		if (pinned_in(pe->d_name, want, h))
			h->pin_pid = pid_of(pe->d_name);
	}
	closedir(proc);
}

void prog_holders(__u32 id, struct prog_holders *h)
{
	char want[32];

	memset(h, 0, sizeof(*h));
	snprintf(want, sizeof(want), "prog_id:\t%u\n", id);
	h->pid = held_by(want);
	pinned_anywhere(want, h);
}

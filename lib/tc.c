// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipstat.h"
#include "tc.h"

const char *tc_hook_name(int dir)
{
	return dir == SIPSTAT_DIR_OUT ? "egress" : "ingress";
}

static void hook_init(struct bpf_tc_hook *h, int ifindex, int dir)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = ifindex;
	h->attach_point = dir == SIPSTAT_DIR_OUT ? BPF_TC_EGRESS : BPF_TC_INGRESS;
}

int tc_query(int ifindex, int dir, __u32 *prog_id)
{
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = TC_SIPSTAT_HANDLE, .priority = TC_SIPSTAT_PRIO);
	struct bpf_tc_hook h;
	int e;

	*prog_id = 0;
	hook_init(&h, ifindex, dir);
	e = bpf_tc_query(&h, &q);
	if (e)
		return e == -EINVAL ? -ENOENT : e;	/* no clsact qdisc: nothing of ours */
	*prog_id = q.prog_id;
	return 0;
}

void tc_prog_name(__u32 id, char *name, size_t len)
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

/*
 * 1 when some process holds prog id (an fd of it, in /proc/PID/fdinfo).
 * The filter holds its program too, so only this tells a live sipstat
 * from the leftover of one that was killed.
 */
static bool prog_held(__u32 id)
{
	char path[600], line[128], want[32];
	struct dirent *pe, *fe;
	bool held = false;
	DIR *proc, *fds;
	FILE *f;

	snprintf(want, sizeof(want), "prog_id:\t%u\n", id);
	proc = opendir("/proc");
	if (!proc)
		return true;	/* cannot tell: assume it is in use */
	while (!held && (pe = readdir(proc))) {
		if (pe->d_name[0] < '0' || pe->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", pe->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while (!held && (fe = readdir(fds))) {
			if (fe->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pe->d_name, fe->d_name);
			f = fopen(path, "re");
			if (!f)
				continue;
			while (fgets(line, sizeof(line), f))
				if (!strcmp(line, want)) {
					held = true;
					break;
				}
			fclose(f);
		}
		closedir(fds);
	}
	closedir(proc);
	return held;
}

int tc_attach(int prog_fd, int ifindex, const char *ifname, int dir, bool replace, char *msg,
	      size_t msglen)
{
	LIBBPF_OPTS(bpf_tc_opts, a, .prog_fd = prog_fd, .handle = TC_SIPSTAT_HANDLE,
		    .priority = TC_SIPSTAT_PRIO, .flags = replace ? BPF_TC_F_REPLACE : 0);
	struct bpf_tc_hook h;
	char name[16];
	__u32 id;
	int e;

	hook_init(&h, ifindex, dir);
	/* clsact holds both hooks; another tool's clsact is shared, never replaced. */
	e = bpf_tc_hook_create(&h);
	if (e && e != -EEXIST) {
		snprintf(msg, msglen, "cannot create the clsact qdisc on %s: %s%s", ifname,
			 strerror(-e), e == -EPERM ? "; run as root (CAP_NET_ADMIN)" : "");
		return e;
	}
	e = bpf_tc_attach(&h, &a);
	if (e == -EEXIST && !tc_query(ifindex, dir, &id)) {
		tc_prog_name(id, name, sizeof(name));
		/* Left by a sipstat that was killed (a filter is no link): take its place. */
		if (!strncmp(name, "sipstat_tc", 10) && !prog_held(id)) {
			a.flags = BPF_TC_F_REPLACE;
			a.prog_id = 0;
			e = bpf_tc_attach(&h, &a);
			if (e)
				snprintf(msg, msglen, "cannot attach to TC %s of %s: %s",
					 tc_hook_name(dir), ifname, strerror(-e));
			return e;
		}
		snprintf(msg, msglen,
			 "cannot attach to TC %s of %s: sipstat's place (handle 0x%x, priority "
			 "%u) holds program id %u%s%s%s; another sipstat counts there",
			 tc_hook_name(dir), ifname, TC_SIPSTAT_HANDLE, TC_SIPSTAT_PRIO, id,
			 name[0] ? " (" : "", name, name[0] ? ")" : "");
		return e;
	}
	if (e)
		snprintf(msg, msglen, "cannot attach to TC %s of %s: %s", tc_hook_name(dir), ifname,
			 strerror(-e));
	return e;
}

int tc_detach(int ifindex, const char *ifname, int dir, __u32 prog_id, char *msg, size_t msglen)
{
	LIBBPF_OPTS(bpf_tc_opts, d, .handle = TC_SIPSTAT_HANDLE, .priority = TC_SIPSTAT_PRIO);
	struct bpf_tc_hook h;
	__u32 id;
	int e;

	e = tc_query(ifindex, dir, &id);
	if (e == -ENOENT || e == -ENODEV)
		return 0;
	if (e) {
		snprintf(msg, msglen, "cannot query TC %s of %s: %s", tc_hook_name(dir), ifname,
			 strerror(-e));
		return e;
	}
	if (prog_id && id != prog_id)
		return 0;	/* someone else's program took the place: theirs now */
	hook_init(&h, ifindex, dir);
	e = bpf_tc_detach(&h, &d);
	if (e && e != -ENOENT) {
		snprintf(msg, msglen, "cannot remove sipstat's TC filter from %s of %s: %s",
			 tc_hook_name(dir), ifname, strerror(-e));
		return e;
	}
	return 0;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "prog.h"
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
		prog_name(id, name, sizeof(name));
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

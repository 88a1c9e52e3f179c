// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "obj.h"

const char *attach_mode_name(enum attach_mode m)
{
	switch (m) {
	case ATTACH_NATIVE:
		return "native";
	case ATTACH_SKB:
		return "skb";
	default:
		return "auto";
	}
}

int attach_mode_parse(const char *s, enum attach_mode *m)
{
	if (!strcmp(s, "native") || !strcmp(s, "drv"))
		*m = ATTACH_NATIVE;
	else if (!strcmp(s, "skb") || !strcmp(s, "generic"))
		*m = ATTACH_SKB;
	else if (!strcmp(s, "auto"))
		*m = ATTACH_AUTO;
	else
		return -EINVAL;
	return 0;
}

int attach_link_info(int link_fd, struct attach_link_info *li)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(li, 0, sizeof(*li));
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return -errno;
	li->id = info.id;
	li->prog_id = info.prog_id;
	li->ifindex = info.type == BPF_LINK_TYPE_XDP ? (int)info.xdp.ifindex : 0;
	return 0;
}

/* The BPF link that holds an XDP program on ifindex; -1 if none. */
static int find_xdp_link(int ifindex, __u32 *link_id)
{
	struct attach_link_info li;
	__u32 id = 0;
	int fd;

	while (!bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		if (!attach_link_info(fd, &li) && li.ifindex == ifindex) {
			struct bpf_link_info info;
			__u32 len = sizeof(info);

			memset(&info, 0, sizeof(info));
			if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
			    info.type == BPF_LINK_TYPE_XDP) {
				*link_id = id;
				return fd;
			}
		}
		close(fd);
	}
	return -1;
}

static void prog_name_by_id(__u32 id, char *name, size_t len)
{
	struct bpf_prog_info info;
	__u32 ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	name[0] = '\0';
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
		snprintf(name, len, "%s", info.name);
	close(fd);
}

int attach_query(int ifindex, const char *ifname, struct attach_state *st, char *msg,
		 size_t msglen)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int e;

	memset(st, 0, sizeof(*st));
	st->link_fd = -1;
	e = bpf_xdp_query(ifindex, 0, &q);
	if (e) {
		snprintf(msg, msglen, "cannot query XDP state of %s: %s; %s", ifname, strerror(-e),
			 e == -EPERM ? obj_perm_hint() : "is this kernel built with XDP?");
		return e;
	}
	st->prog_id = q.prog_id ? q.prog_id :
		      q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;
	if (!st->prog_id)
		return 0;
	st->mode = q.skb_prog_id == st->prog_id ? ATTACH_SKB : ATTACH_NATIVE;
	prog_name_by_id(st->prog_id, st->prog_name, sizeof(st->prog_name));
	st->link_fd = find_xdp_link(ifindex, &st->link_id);
	return 0;
}

void attach_state_free(struct attach_state *st)
{
	if (st->link_fd >= 0)
		close(st->link_fd);
	st->link_fd = -1;
}

int attach_remove(int ifindex, const char *ifname, const struct attach_state *st, char *msg,
		  size_t msglen)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int e;

	if (st->link_fd >= 0) {
		e = bpf_link_detach(st->link_fd) ? -errno : 0;
	} else {
		e = bpf_xdp_query(ifindex, 0, &q);
		if (!e && q.skb_prog_id)
			e = bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
		if (!e && q.drv_prog_id)
			e = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	}
	if (e)
		snprintf(msg, msglen, "cannot remove the XDP program (id %u) on %s: %s",
			 st->prog_id, ifname, strerror(-e));
	return e;
}

static int link_xdp(int prog_fd, int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);

	return fd < 0 ? -errno : fd;
}

int attach_xdp(int prog_fd, int ifindex, const char *ifname, enum attach_mode want,
	       enum attach_mode *got, bool *fell_back, char *msg, size_t msglen)
{
	int fd;

	*fell_back = false;
	switch (want) {
	case ATTACH_NATIVE:
		fd = link_xdp(prog_fd, ifindex, XDP_FLAGS_DRV_MODE);
		if (fd < 0)
			snprintf(msg, msglen, "cannot attach in native mode to %s: %s%s", ifname,
				 strerror(-fd),
				 fd == -EOPNOTSUPP || fd == -EINVAL ?
					 "; the driver lacks native XDP: use --mode skb" : "");
		*got = ATTACH_NATIVE;
		return fd;
	case ATTACH_SKB:
		fd = link_xdp(prog_fd, ifindex, XDP_FLAGS_SKB_MODE);
		if (fd < 0)
			snprintf(msg, msglen, "cannot attach in skb mode to %s: %s", ifname,
				 strerror(-fd));
		*got = ATTACH_SKB;
		return fd;
	default:
		fd = link_xdp(prog_fd, ifindex, XDP_FLAGS_DRV_MODE);
		*got = ATTACH_NATIVE;
		if (fd == -EOPNOTSUPP || fd == -EINVAL) {
			fd = link_xdp(prog_fd, ifindex, XDP_FLAGS_SKB_MODE);
			*got = ATTACH_SKB;
			*fell_back = true;
		}
		if (fd < 0)
			snprintf(msg, msglen, "cannot attach to %s: %s%s", ifname, strerror(-fd),
				 fd == -EPERM ? "; run as root" :
				 fd == -EBUSY ? "; another XDP program is attached, use --force" : "");
		return fd;
	}
}

int attach_iface_present(const char *ifname, int ifindex)
{
	return ifindex > 0 && if_nametoindex(ifname) == (unsigned int)ifindex;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "obj.h"
#include "prog.h"
#include "xdp.h"

int xdp_link_info(int link_fd, struct xdp_link_info *li)
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

/*
 * The BPF link that holds prog_id on ifindex; -1 if none.  Interface
 * indexes repeat across network namespaces, the program id does not.
 */
static int find_link(int ifindex, __u32 prog_id, __u32 *link_id)
{
	struct xdp_link_info li;
	__u32 id = 0;
	int fd;

	while (!bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		/* Only an XDP link has an interface index here. */
		if (!xdp_link_info(fd, &li) && li.ifindex == ifindex && li.prog_id == prog_id) {
			*link_id = id;
			return fd;
		}
		close(fd);
	}
	return -1;
}

int xdp_query(int ifindex, const char *ifname, struct xdp_state *st, char *msg, size_t msglen)
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
	prog_name(st->prog_id, st->prog_name, sizeof(st->prog_name));
	st->link_fd = find_link(ifindex, st->prog_id, &st->link_id);
	return 0;
}

void xdp_state_free(struct xdp_state *st)
{
	if (st->link_fd >= 0)
		close(st->link_fd);
	st->link_fd = -1;
}

static int iface_mtu(const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = 0;

	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!ioctl(fd, SIOCGIFMTU, &ifr))
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu;
}

/* The driver's name as ethtool -i shows it, "" when unknown. */
static void iface_driver(const char *ifname, char *buf, size_t len)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	buf[0] = '\0';
	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&di;
	if (!ioctl(fd, SIOCETHTOOL, &ifr))
		snprintf(buf, len, "%s", di.driver);
	close(fd);
}

int xdp_wants_frags(int ifindex, const char *ifname)
{
	return obj_frags_supported();
}

/* Which of ours a driver refused: the frags-aware program or the plain one. */
static bool prog_is_frags(int prog_fd)
{
	char name[16];

	prog_name(prog_id(prog_fd), name, sizeof(name));
	return strstr(name, "frags") != NULL;
}

/*
 * Why a driver refused native mode, in one line: the error, the driver,
 * the MTU, and what to do; for the notice of auto mode's fallback (notice),
 * what only.  Drivers say it in many ways (veth ERANGE, virtio_net/i40e/
 * mlx5 EINVAL, ice/bnxt EOPNOTSUPP), some only in dmesg.
 */
static void native_refused(int prog_fd, const char *ifname, int e, bool notice, char *msg,
			   size_t msglen)
{
	char drv[32];
	int mtu = iface_mtu(ifname);
	bool frags = prog_is_frags(prog_fd);

	iface_driver(ifname, drv, sizeof(drv));
	if (notice) {
		snprintf(msg, msglen,
			 "%s: native mode refused: %s (driver %s, MTU %d, %s program); counting in "
			 "skb mode",
			 ifname, strerror(-e), drv[0] ? drv : "unknown", mtu,
			 frags ? "frags-aware" : "single-buffer");
		return;
	}
	snprintf(msg, msglen,
		 "cannot attach in native mode to %s: %s (driver %s, MTU %d, %s program); %s",
		 ifname, strerror(-e), drv[0] ? drv : "unknown", mtu,
		 frags ? "frags-aware" : "single-buffer",
		 e == -EBUSY || e == -EEXIST ?
			 "another XDP program is in the way" :
		 mtu > ETH_DATA_LEN && !frags ?
			 "the driver takes no single-buffer program at this MTU and this kernel "
			 "has no frags (5.18+): lower the MTU or use --mode skb (or --mode tc)" :
		 mtu > ETH_DATA_LEN ?
			 "the driver refuses XDP at this MTU (see dmesg): lower the MTU or use "
			 "--mode skb (or --mode tc)" :
			 "the driver lacks native XDP: use --mode skb (or --mode tc)");
}

static int link_xdp(int prog_fd, int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);

	return fd < 0 ? -errno : fd;
}

int xdp_attach(int prog_fd, int ifindex, const char *ifname, enum attach_mode want,
	       enum attach_mode *got, bool *fell_back, char *msg, size_t msglen)
{
	char why[256];
	int fd;

	*fell_back = false;
	switch (want) {
	case ATTACH_NATIVE:
		fd = link_xdp(prog_fd, ifindex, XDP_FLAGS_DRV_MODE);
		if (fd < 0)
			native_refused(prog_fd, ifname, fd, false, msg, msglen);
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
		if (fd == -EOPNOTSUPP || fd == -EINVAL || fd == -ERANGE) {
			/* The notice of the fallback says why native was refused. */
			native_refused(prog_fd, ifname, fd, true, why, sizeof(why));
			fd = link_xdp(prog_fd, ifindex, XDP_FLAGS_SKB_MODE);
			if (fd >= 0)
				snprintf(msg, msglen, "%s", why);
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

void xdp_busy_msg(const char *ifname, const struct xdp_state *st, char *msg, size_t msglen)
{
	snprintf(msg, msglen,
		 "cannot attach to %s: another XDP program (id %u%s%s) is attached; to count "
		 "beside it use --mode tc (or --multiprog where the kernel runs libxdp's "
		 "dispatcher), or --force to replace it for good",
		 ifname, st->prog_id, st->prog_name[0] ? ", " : "", st->prog_name);
}

static __u32 mode_flag(enum attach_mode m)
{
	return m == ATTACH_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

/* Say that ours replaced st's program but holds no link; the way to remove it. */
static void unlinked_msg(const char *ifname, const struct xdp_state *st, int e, char *msg,
			 size_t msglen)
{
	snprintf(msg, msglen, "replaced the XDP program (id %u) on %s, but cannot hold sipstat's "
			      "with a link: %s; 'ip link set dev %s xdp off' removes it",
		 st->prog_id, ifname, strerror(-e), ifname);
}

/*
 * Its link runs our program now, but its holder still holds it: detach
 * that link (its holder sees it go) and hold ours with a link of our own.
 * Between the two steps frames pass uncounted.
 */
static int replace_on_link(int prog_fd, int old_fd, int ifindex, const char *ifname,
			   const struct xdp_state *st, char *msg, size_t msglen)
{
	LIBBPF_OPTS(bpf_link_update_opts, uo, .flags = BPF_F_REPLACE, .old_prog_fd = old_fd);
	int fd, e;

	e = bpf_link_update(st->link_fd, prog_fd, &uo) ? -errno : 0;
	if (e) {
		snprintf(msg, msglen, "cannot replace the XDP program (id %u) on %s: %s; it is still "
				      "attached",
			 st->prog_id, ifname, strerror(-e));
		return e;
	}
	bpf_link_detach(st->link_fd);
	fd = link_xdp(prog_fd, ifindex, mode_flag(st->mode));
	if (fd < 0) {
		bpf_xdp_attach(ifindex, prog_fd, mode_flag(st->mode), NULL);
		unlinked_msg(ifname, st, fd, msg, msglen);
	}
	return fd;
}

/*
 * An attachment without a link, replaced only if it still holds that
 * program.  Ours is then in place without a link, and a link cannot take
 * over a plain attachment: ours is detached and linked again.  The other
 * program is gone already, and between the two steps frames pass
 * uncounted, never dropped.
 */
static int replace_plain(int prog_fd, int old_fd, int ifindex, const char *ifname,
			 const struct xdp_state *st, char *msg, size_t msglen)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao, .old_prog_fd = old_fd);
	int fd, e;

	e = bpf_xdp_attach(ifindex, prog_fd, mode_flag(st->mode) | XDP_FLAGS_REPLACE, &ao);
	if (e) {
		if (e == -EOPNOTSUPP || e == -EINVAL || e == -ERANGE)
			native_refused(prog_fd, ifname, e, false, msg, msglen);
		else
			snprintf(msg, msglen, "cannot replace the XDP program (id %u) on %s: %s",
				 st->prog_id, ifname, strerror(-e));
		strncat(msg, "; it is still attached", msglen - strlen(msg) - 1);
		return e;
	}
	ao.old_prog_fd = prog_fd;
	e = bpf_xdp_detach(ifindex, mode_flag(st->mode) | XDP_FLAGS_REPLACE, &ao);
	fd = e ? e : link_xdp(prog_fd, ifindex, mode_flag(st->mode));
	if (fd < 0) {
		if (!e)
			bpf_xdp_attach(ifindex, prog_fd, mode_flag(st->mode), NULL);
		unlinked_msg(ifname, st, fd, msg, msglen);
	}
	return fd;
}

int xdp_replace(int prog_fd, int ifindex, const char *ifname, const struct xdp_state *st,
		enum attach_mode want, enum attach_mode *got, char *msg, size_t msglen)
{
	int old_fd, fd, e;

	*got = st->mode;
	if (want != ATTACH_AUTO && want != st->mode) {
		snprintf(msg, msglen,
			 "cannot replace the XDP program (id %u) on %s in %s mode: it is attached "
			 "in %s mode; use --mode %s or auto",
			 st->prog_id, ifname, attach_mode_name(want), attach_mode_name(st->mode),
			 attach_mode_name(st->mode));
		return -EINVAL;
	}
	old_fd = bpf_prog_get_fd_by_id(st->prog_id);
	if (old_fd < 0) {
		e = -errno;
		snprintf(msg, msglen, "cannot open the XDP program (id %u) on %s: %s", st->prog_id,
			 ifname, strerror(-e));
		return e;
	}
	if (st->link_fd >= 0)
		fd = replace_on_link(prog_fd, old_fd, ifindex, ifname, st, msg, msglen);
	else
		fd = replace_plain(prog_fd, old_fd, ifindex, ifname, st, msg, msglen);
	close(old_fd);
	return fd;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ifstats.h"

static int parse_reply(const char *buf, int len, struct ifstats *st)
{
	const struct nlmsghdr *nh;

	for (nh = (const struct nlmsghdr *)buf; NLMSG_OK(nh, (unsigned int)len);
	     nh = NLMSG_NEXT(nh, len)) {
		const struct ifinfomsg *ifi;
		const struct rtattr *rta;
		int alen;

		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			return e->error ? e->error : -ENODATA;
		}
		if (nh->nlmsg_type != RTM_NEWLINK)
			continue;
		ifi = NLMSG_DATA(nh);
		alen = (int)IFLA_PAYLOAD(nh);
		for (rta = IFLA_RTA(ifi); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
			struct rtnl_link_stats64 s;

			if (rta->rta_type != IFLA_STATS64 || RTA_PAYLOAD(rta) < sizeof(s))
				continue;
			memcpy(&s, RTA_DATA(rta), sizeof(s));
			st->rx_packets = s.rx_packets;
			st->tx_packets = s.tx_packets;
			st->rx_bytes = s.rx_bytes;
			st->tx_bytes = s.tx_bytes;
			return 0;
		}
		return -ENODATA;
	}
	return -ENODATA;
}

int ifstats_read(int ifindex, struct ifstats *st)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req;
	char buf[32768];
	ssize_t n;
	int fd, e;

	memset(st, 0, sizeof(*st));
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = ifindex;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	e = n < 0 ? -errno : parse_reply(buf, (int)n, st);
	close(fd);
	return e;
}

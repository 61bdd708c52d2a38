/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lab tool: prints a PF's VF table as the kernel reports it, one line per VF:
 *   VF MAC VLAN QOS PROTO SPOOFCHK TRUST LINK MIN_TX MAX_TX QUERY_RSS
 * iproute2 6.1 asks with statistics, so past ~222 VFs its VF list overflows one attribute and
 * it shows a few dozen; this asks with RTEXT_FILTER_SKIP_STATS. Plain sockets, no libnl: an
 * independent check of what vio sets through libnl.
 * usage: vfdump IFNAME
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF (1 << 20)

static void vf(struct rtattr *info)
{
	int len = RTA_PAYLOAD(info), vf = -1;
	unsigned vlan = 0, qos = 0, min = 0, max = 0;
	int spoof = -1, trust = -1, link = -1, rss = -1;
	const char *proto = "802.1Q";
	unsigned char *mac = NULL;

	for (struct rtattr *a = RTA_DATA(info); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		switch (a->rta_type) {
		case IFLA_VF_MAC:
			vf = ((struct ifla_vf_mac *)RTA_DATA(a))->vf;
			mac = ((struct ifla_vf_mac *)RTA_DATA(a))->mac;
			break;
		case IFLA_VF_VLAN:
			vlan = ((struct ifla_vf_vlan *)RTA_DATA(a))->vlan;
			qos = ((struct ifla_vf_vlan *)RTA_DATA(a))->qos;
			break;
		case IFLA_VF_VLAN_LIST: {
			struct rtattr *v = RTA_DATA(a);

			if (RTA_PAYLOAD(a) >= sizeof(struct ifla_vf_vlan_info) + 4 &&
			    ((struct ifla_vf_vlan_info *)RTA_DATA(v))->vlan_proto ==
				htons(ETH_P_8021AD))
				proto = "802.1ad";
			break;
		}
		case IFLA_VF_RATE:
			min = ((struct ifla_vf_rate *)RTA_DATA(a))->min_tx_rate;
			max = ((struct ifla_vf_rate *)RTA_DATA(a))->max_tx_rate;
			break;
		case IFLA_VF_SPOOFCHK:
			spoof = ((struct ifla_vf_spoofchk *)RTA_DATA(a))->setting;
			break;
		case IFLA_VF_TRUST:
			trust = ((struct ifla_vf_trust *)RTA_DATA(a))->setting;
			break;
		case IFLA_VF_LINK_STATE:
			link = ((struct ifla_vf_link_state *)RTA_DATA(a))->link_state;
			break;
		case IFLA_VF_RSS_QUERY_EN:
			rss = ((struct ifla_vf_rss_query_en *)RTA_DATA(a))->setting;
			break;
		}
	}
	if (!mac)
		return;
	printf("%d %02x:%02x:%02x:%02x:%02x:%02x %u %u %s %d %d %d %u %u %d\n", vf, mac[0], mac[1],
	       mac[2], mac[3], mac[4], mac[5], vlan, qos, proto, spoof, trust, link, min, max, rss);
}

int main(int argc, char *argv[])
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
		struct rtattr a;
		unsigned mask;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST },
		.i = { .ifi_family = AF_UNSPEC },
		.a = { .rta_len = RTA_LENGTH(4), .rta_type = IFLA_EXT_MASK },
		.mask = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS,
	};
	int fd, n, size = BUF;
	char *buf = malloc(BUF);

	if (argc != 2 || !buf || !(req.i.ifi_index = if_nametoindex(argv[1])))
		return fprintf(stderr, "usage: vfdump IFNAME\n"), 2;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (fd < 0 || send(fd, &req, sizeof(req), 0) < 0 || (n = recv(fd, buf, BUF, 0)) < 0)
		return perror("vfdump"), 1;
	for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
		int len = IFLA_PAYLOAD(h);

		if (h->nlmsg_type != RTM_NEWLINK)
			continue;
		for (struct rtattr *a = IFLA_RTA(NLMSG_DATA(h)); RTA_OK(a, len); a = RTA_NEXT(a, len))
			if (a->rta_type == IFLA_VFINFO_LIST) {
				int l = RTA_PAYLOAD(a);

				for (struct rtattr *v = RTA_DATA(a); RTA_OK(v, l); v = RTA_NEXT(v, l))
					vf(v);
			}
	}
	return 0;
}

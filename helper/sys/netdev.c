/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An interface as sysfs shows it (/sys/class/net/IF), and its permanent MAC. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/util.h"

#include "sys/mac.h"
#include "sys/netdev.h"
#include "sys/netlink.h"

int netdev_read(const char *ifname, const char *attr, char **ret)
{
	char p[PATH_MAX];

	if (!ifname_valid(ifname))
		return -EINVAL;
	snprintf(p, sizeof(p), "/sys/class/net/%s/%s", ifname, attr);
	return read_one_line(p, ret);
}

int netdev_ifindex(const char *ifname, int *ret)
{
	_cleanup_free_ char *v = NULL;
	unsigned idx;
	int r = netdev_read(ifname, "ifindex", &v);

	if (r < 0)
		return r;
	if (parse_unsigned(v, INT32_MAX, &idx) < 0 || idx == 0)
		return -EBADMSG;
	*ret = (int)idx;
	return 0;
}

int netdev_is_up(const char *ifname)
{
	_cleanup_free_ char *flags = NULL;
	unsigned long f;
	int r = netdev_read(ifname, "flags", &flags);

	if (r < 0)
		return r;
	f = strtoul(flags, NULL, 16);
	return f & 0x1; /* IFF_UP */
}

/* addr_assign_type 0 (NET_ADDR_PERM): the current address is the permanent one. */
bool netdev_perm_mac_is_current(const char *ifname, uint8_t ret[static 6])
{
	_cleanup_free_ char *type = NULL, *addr = NULL;

	return netdev_read(ifname, "addr_assign_type", &type) >= 0 && streq(type, "0") &&
	       netdev_read(ifname, "address", &addr) >= 0 && mac_parse(addr, ret) >= 0;
}

int netdev_perm_mac(const char *ifname, uint8_t ret[static 6])
{
	struct link_state s = {};
	int ifindex, r;

	if (netdev_perm_mac_is_current(ifname, ret))
		return 0;
	r = netdev_ifindex(ifname, &ifindex);
	if (r < 0)
		return r;
	r = netlink_link_get(ifindex, ifname, &s);
	if (r < 0)
		return r;
	r = s.has_perm_mac && !mac_is_zero(s.perm_mac) ? 0 : -ENODATA;
	if (r == 0)
		memcpy(ret, s.perm_mac, 6);
	link_state_done(&s);
	return r;
}

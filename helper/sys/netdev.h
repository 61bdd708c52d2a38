/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Reads net attributes of an interface: /sys/class/net/IF/ATTR. */
int netdev_read(const char *ifname, const char *attr, char **ret);
int netdev_is_up(const char *ifname);
/* The interface's ifindex: a netdev is named by sysfs, then addressed by ifindex from then on. */
int netdev_ifindex(const char *ifname, int *ret);
/* addr_assign_type 0 (NET_ADDR_PERM): the current address is the permanent one, in ret. */
bool netdev_perm_mac_is_current(const char *ifname, uint8_t ret[static 6]);
/* The permanent MAC: sysfs when the address is the permanent one, else rtnetlink. */
int netdev_perm_mac(const char *ifname, uint8_t ret[static 6]);

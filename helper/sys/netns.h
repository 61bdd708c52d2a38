/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/types.h>

/* Where a device's interface went when it is not in our network namespace. */
struct netns_where {
	unsigned long long inode; /* the namespace's identity: net:[inode] */
	char name[64];		  /* its name under /run/netns (ip netns), "" when none */
	pid_t pid;		  /* a process in it, 0 when none was found */
	char comm[16];		  /* that process's name */
	char ifname[16];	  /* the interface's name in there */
};

/* Looks through every other network namespace (those ip netns named, then those of running
 * processes) for the interface of bus/dev (a PCI address). 0 found; -ENOENT in none; -EPERM
 * when this process may not enter them (not root). */
int netns_find_device(const char *bus, const char *dev, struct netns_where *ret);
/* "net:[4026532890] (ip netns blue)" or "net:[4026532890] (pid 1234, sleep)". */
const char *netns_describe(const struct netns_where *w, char *buf, size_t n);

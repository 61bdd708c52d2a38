/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A generic netlink family, resolved once per run (nlgenl.h). */
#include <errno.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/socket.h>

#include "sys/netlink.h"
#include "sys/nldl.h"
#include "sys/nlgenl.h"

int nlgenl_family(struct nl_sock **sk, int *family, const char *name)
{
	int r;

	if (*sk && *family >= 0)
		return 0;
	if (!*sk) {
		r = netlink_open(NETLINK_GENERIC, sk);
		if (r < 0)
			return r;
	}
	*family = genl_ctrl_resolve(*sk, name);
	if (*family < 0) {
		nlgenl_close(sk, family);
		return -EPROTONOSUPPORT; /* the kernel has no such family (config, or too old) */
	}
	return 0;
}

void nlgenl_close(struct nl_sock **sk, int *family)
{
	if (*sk)
		nl_socket_free(*sk);
	*sk = NULL;
	*family = -1;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

struct nl_sock;

/* A generic netlink family's socket (*sk, opened at the first request and kept for the run)
 * and number (*family), for devlink.c and ethtool.c: -EPROTONOSUPPORT when the kernel has no
 * such family. nlgenl_close() frees both. */
int nlgenl_family(struct nl_sock **sk, int *family, const char *name);
void nlgenl_close(struct nl_sock **sk, int *family);

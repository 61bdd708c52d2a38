/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* An interface's offload feature ("hw-tc-offload"), by the name ethtool -k shows, over the
 * ethtool generic netlink family (Linux 5.6+), as ethtool -K sets it. Errors are negative
 * errno, with the kernel's reason in msg when it gave one; -EPROTONOSUPPORT: no ethtool
 * netlink in this kernel. */

/* *ret_on: active now; *ret_changeable: the driver lets it be turned on and off. -ENOENT when
 * it is off and the driver cannot turn it on (the interface has no such feature). */
int ethtool_feature_get(const char *ifname, const char *name, bool *ret_on, bool *ret_changeable,
			char *msg, size_t n);
int ethtool_feature_set(const char *ifname, const char *name, bool on, char *msg, size_t n);
/* ETHTOOL_MSG_FEATURES_SET as sent to family (for the unit tests); the caller frees *ret. */
int ethtool_feature_build(int family, const char *ifname, const char *name, bool on, void **ret,
			  size_t *ret_len);
void ethtool_close(void);

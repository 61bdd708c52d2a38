/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ethtool over generic netlink: offload features by name (ethtool.h). The socket and requests
 * are netlink.c's; libnl is dlopen()ed (nldl.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ethtool_netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "shared/macro.h"

#include "sys/ethtool.h"
#include "sys/netlink.h"
#include "sys/nlgenl.h"
#include "sys/nldl.h"

DEFINE_POINTER_CLEANUP(struct nl_msg, nlmsg_free)

static struct nl_sock *sock;
static int family = -1;

void ethtool_close(void)
{
	nlgenl_close(&sock, &family);
}

static int open_ethtool(void)
{
	/* -EPROTONOSUPPORT before Linux 5.6, or with CONFIG_ETHTOOL_NETLINK off */
	return nlgenl_family(&sock, &family, ETHTOOL_GENL_NAME);
}

/* cmd with the interface's header (verbose bitsets: bits by name). */
static int new_msg(int fam, uint8_t cmd, const char *ifname, struct nl_msg **ret)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = nlmsg_alloc();
	struct nlattr *h;

	if (!m || !genlmsg_put(m, 0, 0, fam, 0, NLM_F_ACK, cmd, ETHTOOL_GENL_VERSION))
		return -ENOMEM;
	h = nla_nest_start(m, ETHTOOL_A_FEATURES_HEADER);
	if (!h || nla_put_string(m, ETHTOOL_A_HEADER_DEV_NAME, ifname) < 0)
		return -ENOMEM;
	nla_nest_end(m, h);
	*ret = TAKE_PTR(m);
	return 0;
}

/* A verbose bitset names its bits: without a mask (NOMASK) those it lists are set; with one
 * (the features' HW is sent against every feature the kernel knows) a bit is set when it
 * carries the VALUE flag. */
static bool bitset_has(struct nlattr *set, const char *name)
{
	struct nlattr *tb[ETHTOOL_A_BITSET_MAX + 1], *bit;
	int rem;

	if (!set || nla_parse_nested(tb, ETHTOOL_A_BITSET_MAX, set, NULL) < 0 ||
	    !tb[ETHTOOL_A_BITSET_BITS])
		return false;
	nla_for_each_nested (bit, tb[ETHTOOL_A_BITSET_BITS], rem) {
		struct nlattr *b[ETHTOOL_A_BITSET_BIT_MAX + 1];

		if (nla_type(bit) == ETHTOOL_A_BITSET_BITS_BIT &&
		    nla_parse_nested(b, ETHTOOL_A_BITSET_BIT_MAX, bit, NULL) >= 0 &&
		    b[ETHTOOL_A_BITSET_BIT_NAME] &&
		    streq(nla_get_string(b[ETHTOOL_A_BITSET_BIT_NAME]), name))
			return tb[ETHTOOL_A_BITSET_NOMASK] || b[ETHTOOL_A_BITSET_BIT_VALUE];
	}
	return false;
}

struct feature {
	const char *name;
	bool seen, on, changeable;
};

static int parse_features(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[ETHTOOL_A_FEATURES_MAX + 1];
	struct feature *f = arg;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, ETHTOOL_A_FEATURES_MAX, NULL) < 0)
		return NL_OK;
	f->seen = true;
	f->on = bitset_has(tb[ETHTOOL_A_FEATURES_ACTIVE], f->name);
	/* ethtool's "[fixed]": not in hw_features, or in the features it can never change. */
	f->changeable = bitset_has(tb[ETHTOOL_A_FEATURES_HW], f->name) &&
			!bitset_has(tb[ETHTOOL_A_FEATURES_NOCHANGE], f->name);
	return NL_OK;
}

int ethtool_feature_get(const char *ifname, const char *name, bool *ret_on, bool *ret_changeable,
			char *msg, size_t n)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	struct feature f = { .name = name };
	int r = open_ethtool();

	if (r < 0)
		return r;
	r = new_msg(family, ETHTOOL_MSG_FEATURES_GET, ifname, &m);
	if (r < 0)
		return r;
	r = netlink_request(&sock, m, parse_features, &f, msg, n);
	if (!sock)
		family = -1;
	if (r < 0)
		return r;
	if (!f.seen)
		return -EBADMSG;
	if (!f.on && !f.changeable)
		return -ENOENT; /* off, and the driver cannot turn it on: it has none */
	*ret_on = f.on;
	*ret_changeable = f.changeable;
	return 0;
}

static int put_wanted(struct nl_msg *m, const char *name, bool on)
{
	struct nlattr *set, *bits, *bit;

	set = nla_nest_start(m, ETHTOOL_A_FEATURES_WANTED);
	if (!set)
		return -ENOMEM;
	/* No NOMASK: the bits listed are the mask, so only this one changes. */
	bits = nla_nest_start(m, ETHTOOL_A_BITSET_BITS);
	if (!bits)
		return -ENOMEM;
	bit = nla_nest_start(m, ETHTOOL_A_BITSET_BITS_BIT);
	if (!bit || nla_put_string(m, ETHTOOL_A_BITSET_BIT_NAME, name) < 0 ||
	    (on && nla_put_flag(m, ETHTOOL_A_BITSET_BIT_VALUE) < 0))
		return -ENOMEM;
	nla_nest_end(m, bit);
	nla_nest_end(m, bits);
	nla_nest_end(m, set);
	return 0;
}

int ethtool_feature_set(const char *ifname, const char *name, bool on, char *msg, size_t n)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = open_ethtool();

	if (r < 0)
		return r;
	r = new_msg(family, ETHTOOL_MSG_FEATURES_SET, ifname, &m);
	if (r >= 0)
		r = put_wanted(m, name, on);
	if (r < 0)
		return r;
	r = netlink_request(&sock, m, NULL, NULL, msg, n);
	if (!sock)
		family = -1;
	return r;
}

int ethtool_feature_build(int fam, const char *ifname, const char *name, bool on, void **ret,
			  size_t *ret_len)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = nldl_load();

	if (r >= 0)
		r = new_msg(fam, ETHTOOL_MSG_FEATURES_SET, ifname, &m);
	if (r >= 0)
		r = put_wanted(m, name, on);
	if (r < 0)
		return r;
	return netlink_msg_copy(m, ret, ret_len);
}

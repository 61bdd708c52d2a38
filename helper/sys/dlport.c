/* SPDX-License-Identifier: GPL-2.0-or-later */
/* devlink ports, port functions and rate objects (dlport.h); requests go through devlink.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/devlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "shared/macro.h"
#include "shared/util.h"

#include "sys/dlport.h"
#include "sys/nldl.h"

/* The kernel's numbers (include/uapi/linux/devlink.h) for what Debian 12's headers lack. */
#define ATTR_RATE_TX_PRIORITY 177 /* u32, Linux 6.5 */
#define ATTR_RATE_TX_WEIGHT   178 /* u32, Linux 6.5 */
#define ATTR_MAX	      200
#define FN_ATTR_HW_ADDR	      1 /* binary */
#define FN_ATTR_CAPS	      4 /* bitfield32, Linux 6.3 */
#define FN_ATTR_MAX_IO_EQS    6 /* u32, Linux 6.11 */
#define FN_ATTR_MAX	      16

struct nla_bf32 {
	uint32_t value, selector; /* struct nla_bitfield32 */
};

struct port_list {
	const struct devlink_dev *dev;
	struct dlport *v;
	unsigned n;
	int err;
};

static void parse_function(struct dlport *p, struct nlattr *fn)
{
	struct nlattr *tb[FN_ATTR_MAX + 1];

	if (nla_parse_nested(tb, FN_ATTR_MAX, fn, NULL) < 0)
		return;
	if (tb[FN_ATTR_HW_ADDR] && nla_len(tb[FN_ATTR_HW_ADDR]) == 6) {
		p->has_hw_addr = true;
		memcpy(p->hw_addr, nla_data(tb[FN_ATTR_HW_ADDR]), 6);
	}
	if (tb[FN_ATTR_CAPS] && nla_len(tb[FN_ATTR_CAPS]) == sizeof(struct nla_bf32)) {
		const struct nla_bf32 *bf = nla_data(tb[FN_ATTR_CAPS]);

		p->caps = bf->value;
		p->caps_reported = bf->selector;
	}
	if (tb[FN_ATTR_MAX_IO_EQS]) {
		p->has_max_io_eqs = true;
		p->max_io_eqs = nla_get_u32(tb[FN_ATTR_MAX_IO_EQS]);
	}
}

static int parse_port(struct nl_msg *m, void *arg)
{
	struct port_list *l = arg;
	struct nlattr *tb[ATTR_MAX + 1];
	struct dlport p = { .pfnum = -1, .vfnum = -1 };

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, ATTR_MAX, NULL) < 0 || !devlink_msg_is(tb, l->dev) ||
	    !tb[DEVLINK_ATTR_PORT_INDEX] || !tb[DEVLINK_ATTR_PORT_FLAVOUR] ||
	    nla_get_u16(tb[DEVLINK_ATTR_PORT_FLAVOUR]) != DEVLINK_PORT_FLAVOUR_PCI_VF ||
	    !tb[DEVLINK_ATTR_PORT_PCI_VF_NUMBER])
		return NL_OK;
	p.index = nla_get_u32(tb[DEVLINK_ATTR_PORT_INDEX]);
	p.vfnum = nla_get_u16(tb[DEVLINK_ATTR_PORT_PCI_VF_NUMBER]);
	if (tb[DEVLINK_ATTR_PORT_PCI_PF_NUMBER])
		p.pfnum = nla_get_u16(tb[DEVLINK_ATTR_PORT_PCI_PF_NUMBER]);
	p.external = tb[DEVLINK_ATTR_PORT_EXTERNAL] && nla_get_u8(tb[DEVLINK_ATTR_PORT_EXTERNAL]);
	if (tb[DEVLINK_ATTR_PORT_NETDEV_NAME])
		nla_strlcpy(p.netdev, tb[DEVLINK_ATTR_PORT_NETDEV_NAME], sizeof(p.netdev));
	if (tb[DEVLINK_ATTR_PORT_FUNCTION])
		parse_function(&p, tb[DEVLINK_ATTR_PORT_FUNCTION]);
	if (p.external)
		return NL_OK;
	l->err = array_append(&l->v, &l->n, sizeof(p), &p);
	return l->err < 0 ? NL_STOP : NL_OK;
}

int dlport_vf_ports(const struct devlink_dev *d, struct dlport **ret, unsigned *ret_n, char *msg,
		    size_t n)
{
	struct port_list l = { .dev = d };
	int r = devlink_dump(DEVLINK_CMD_PORT_GET, parse_port, &l, msg, n);

	if (r >= 0 && l.err < 0)
		r = l.err;
	if (r < 0) {
		free(l.v);
		return r;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

const struct dlport *dlport_find_vf(const struct dlport *v, unsigned n, unsigned vf)
{
	for (unsigned i = 0; i < n; i++)
		if (v[i].vfnum >= 0 && (unsigned)v[i].vfnum == vf)
			return &v[i];
	return NULL;
}

static int put_fn(struct nl_msg *m, const void *arg)
{
	const struct dlport_fn_set *s = arg;
	struct nla_bf32 bf;
	struct nlattr *nest;

	if (nla_put_u32(m, DEVLINK_ATTR_PORT_INDEX, s->port) < 0)
		return -ENOMEM;
	nest = nla_nest_start(m, DEVLINK_ATTR_PORT_FUNCTION);
	if (!nest)
		return -ENOMEM;
	switch (s->attr) {
	case DLPORT_FN_HW_ADDR:
		if (nla_put(m, FN_ATTR_HW_ADDR, 6, s->hw_addr) < 0)
			return -ENOMEM;
		break;
	case DLPORT_FN_CAP:
		/* The selector names the one capability; the value is its bit or none. */
		bf.selector = 1u << s->cap;
		bf.value = s->on ? bf.selector : 0;
		if (nla_put(m, FN_ATTR_CAPS, sizeof(bf), &bf) < 0)
			return -ENOMEM;
		break;
	case DLPORT_FN_MAX_IO_EQS:
		if (nla_put_u32(m, FN_ATTR_MAX_IO_EQS, s->max_io_eqs) < 0)
			return -ENOMEM;
		break;
	}
	nla_nest_end(m, nest);
	return 0;
}

int dlport_fn_set(const struct devlink_dev *d, const struct dlport_fn_set *s, char *msg, size_t n)
{
	return devlink_send(d, DEVLINK_CMD_PORT_SET, put_fn, s, msg, n);
}

int dlport_fn_build(int fam, const struct devlink_dev *d, const struct dlport_fn_set *s, void **ret,
		    size_t *ret_len)
{
	return devlink_build(fam, d, DEVLINK_CMD_PORT_SET, put_fn, s, ret, ret_len);
}

struct rate_list {
	const struct devlink_dev *dev;
	struct dlrate *v;
	unsigned n;
	int err;
};

static int parse_rate(struct nl_msg *m, void *arg)
{
	static const int attrs[DLRATE_PARENT] = {
		[DLRATE_TX_SHARE] = DEVLINK_ATTR_RATE_TX_SHARE,
		[DLRATE_TX_MAX] = DEVLINK_ATTR_RATE_TX_MAX,
		[DLRATE_TX_PRIORITY] = ATTR_RATE_TX_PRIORITY,
		[DLRATE_TX_WEIGHT] = ATTR_RATE_TX_WEIGHT,
	};
	struct rate_list *l = arg;
	struct nlattr *tb[ATTR_MAX + 1];
	struct dlrate r = {};

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, ATTR_MAX, NULL) < 0 || !devlink_msg_is(tb, l->dev) ||
	    !tb[DEVLINK_ATTR_RATE_TYPE])
		return NL_OK;
	r.node = nla_get_u16(tb[DEVLINK_ATTR_RATE_TYPE]) == DEVLINK_RATE_TYPE_NODE;
	if (r.node && tb[DEVLINK_ATTR_RATE_NODE_NAME])
		nla_strlcpy(r.name, tb[DEVLINK_ATTR_RATE_NODE_NAME], sizeof(r.name));
	else if (!r.node && tb[DEVLINK_ATTR_PORT_INDEX])
		r.port = nla_get_u32(tb[DEVLINK_ATTR_PORT_INDEX]);
	else
		return NL_OK;
	for (int f = 0; f < DLRATE_PARENT; f++)
		if (tb[attrs[f]])
			r.v[f] = f < DLRATE_TX_PRIORITY ? nla_get_u64(tb[attrs[f]])
							: nla_get_u32(tb[attrs[f]]);
	if (tb[DEVLINK_ATTR_RATE_PARENT_NODE_NAME])
		nla_strlcpy(r.parent, tb[DEVLINK_ATTR_RATE_PARENT_NODE_NAME], sizeof(r.parent));
	l->err = array_append(&l->v, &l->n, sizeof(r), &r);
	return l->err < 0 ? NL_STOP : NL_OK;
}

int dlrate_list(const struct devlink_dev *d, struct dlrate **ret, unsigned *ret_n, char *msg,
		size_t n)
{
	struct rate_list l = { .dev = d };
	int r = devlink_dump(DEVLINK_CMD_RATE_GET, parse_rate, &l, msg, n);

	if (r >= 0 && l.err < 0)
		r = l.err;
	if (r < 0) {
		free(l.v);
		return r;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

static int put_rate(struct nl_msg *m, const void *arg)
{
	const struct dlrate_req *q = arg;
	const struct dlrate *r = q->rate;
	int e = 0;

	if (r->node)
		e = nla_put_string(m, DEVLINK_ATTR_RATE_NODE_NAME, r->name);
	else
		e = nla_put_u32(m, DEVLINK_ATTR_PORT_INDEX, r->port);
	if (e < 0)
		return -ENOMEM;
	if (q->op == DLRATE_DEL)
		return 0;
	if (q->mask & (1u << DLRATE_TX_SHARE))
		e |= nla_put_u64(m, DEVLINK_ATTR_RATE_TX_SHARE, r->v[DLRATE_TX_SHARE]);
	if (q->mask & (1u << DLRATE_TX_MAX))
		e |= nla_put_u64(m, DEVLINK_ATTR_RATE_TX_MAX, r->v[DLRATE_TX_MAX]);
	if (q->mask & (1u << DLRATE_TX_PRIORITY))
		e |= nla_put_u32(m, ATTR_RATE_TX_PRIORITY, (uint32_t)r->v[DLRATE_TX_PRIORITY]);
	if (q->mask & (1u << DLRATE_TX_WEIGHT))
		e |= nla_put_u32(m, ATTR_RATE_TX_WEIGHT, (uint32_t)r->v[DLRATE_TX_WEIGHT]);
	/* An empty parent name takes the object out of its parent. */
	if (q->mask & (1u << DLRATE_PARENT))
		e |= nla_put_string(m, DEVLINK_ATTR_RATE_PARENT_NODE_NAME, r->parent);
	return e < 0 ? -ENOMEM : 0;
}

static uint8_t rate_cmd(enum dlrate_op op)
{
	return op == DLRATE_NEW	  ? DEVLINK_CMD_RATE_NEW
	       : op == DLRATE_DEL ? DEVLINK_CMD_RATE_DEL
				  : DEVLINK_CMD_RATE_SET;
}

int dlrate_send(const struct devlink_dev *d, const struct dlrate_req *q, char *msg, size_t n)
{
	return devlink_send(d, rate_cmd(q->op), put_rate, q, msg, n);
}

int dlrate_build(int fam, const struct devlink_dev *d, const struct dlrate_req *q, void **ret,
		 size_t *ret_len)
{
	return devlink_build(fam, d, rate_cmd(q->op), put_rate, q, ret, ret_len);
}

const char *dlport_why(int r, const char *msg)
{
	static char buf[320];

	if (msg[0])
		snprintf(buf, sizeof(buf), "%s (%s)", msg, strerror(-r));
	else
		snprintf(buf, sizeof(buf), "%s", strerror(-r));
	return buf;
}

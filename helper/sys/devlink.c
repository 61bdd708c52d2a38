/* SPDX-License-Identifier: GPL-2.0-or-later */
/* devlink over generic netlink: eswitch mode, parameters, reload. Every libnl-genl call lives
 * here; the socket and requests are netlink.c's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/devlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "shared/macro.h"
#include "shared/util.h"

#include "sys/devlink.h"
#include "sys/netlink.h"
#include "sys/nlgenl.h"
#include "sys/nldl.h"

DEFINE_POINTER_CLEANUP(struct nl_msg, nlmsg_free)

static struct nl_sock *sock;
static int family = -1;

void devlink_close(void)
{
	nlgenl_close(&sock, &family);
}

static int open_devlink(void)
{
	return nlgenl_family(&sock, &family, DEVLINK_GENL_NAME);
}

static int new_msg(const struct devlink_dev *d, uint8_t cmd, int flags, struct nl_msg **ret)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = open_devlink();

	if (r < 0)
		return r;
	m = nlmsg_alloc();
	if (!m ||
	    !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, DEVLINK_GENL_VERSION))
		return -ENOMEM;
	if (d && (nla_put_string(m, DEVLINK_ATTR_BUS_NAME, d->bus) < 0 ||
		  nla_put_string(m, DEVLINK_ATTR_DEV_NAME, d->name) < 0))
		return -ENOMEM;
	*ret = TAKE_PTR(m);
	return 0;
}

static int request(struct nl_msg *m, netlink_reply_fn fn, void *data, char *msg, size_t n)
{
	int r = netlink_request(&sock, m, fn, data, msg, n);

	if (!sock)
		family = -1;
	return r;
}

static int parse_eswitch(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[DEVLINK_ATTR_MAX + 1];
	struct devlink_eswitch *e = arg;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, DEVLINK_ATTR_MAX, NULL) < 0)
		return NL_OK;
	if (tb[DEVLINK_ATTR_ESWITCH_MODE])
		e->mode = nla_get_u16(tb[DEVLINK_ATTR_ESWITCH_MODE]);
	if (tb[DEVLINK_ATTR_ESWITCH_INLINE_MODE])
		e->inline_mode = nla_get_u8(tb[DEVLINK_ATTR_ESWITCH_INLINE_MODE]);
	if (tb[DEVLINK_ATTR_ESWITCH_ENCAP_MODE])
		e->encap = nla_get_u8(tb[DEVLINK_ATTR_ESWITCH_ENCAP_MODE]);
	return NL_OK;
}

int devlink_eswitch_read(const struct devlink_dev *d, struct devlink_eswitch *ret, char *msg,
			 size_t n)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	struct devlink_eswitch e = DEVLINK_ESWITCH_NONE;
	int r;

	r = new_msg(d, DEVLINK_CMD_ESWITCH_GET, NLM_F_ACK, &m);
	if (r < 0)
		return r;
	r = request(m, parse_eswitch, &e, msg, n);
	if (r < 0)
		return r;
	if (e.mode == DEVLINK_ESWITCH_MODE_LEGACY)
		e.mode = ESWITCH_LEGACY;
	else if (e.mode == DEVLINK_ESWITCH_MODE_SWITCHDEV)
		e.mode = ESWITCH_SWITCHDEV;
	else
		return -EBADMSG; /* switchdev_inactive and later modes: not vio's */
	if (e.inline_mode >= _ESWITCH_INLINE_MAX)
		e.inline_mode = -1;
	if (e.encap >= _ESWITCH_ENCAP_MAX)
		e.encap = -1;
	*ret = e;
	return 0;
}

int devlink_eswitch_get(const struct devlink_dev *d, enum eswitch_mode *ret, char *msg, size_t n)
{
	struct devlink_eswitch e;
	int r = devlink_eswitch_read(d, &e, msg, n);

	if (r >= 0)
		*ret = (enum eswitch_mode)e.mode;
	return r;
}

/* DEVLINK_CMD_ESWITCH_SET's attributes after the device's handle. */
static int put_eswitch(struct nl_msg *m, const struct devlink_eswitch *want)
{
	if (want->mode >= 0 &&
	    nla_put_u16(m, DEVLINK_ATTR_ESWITCH_MODE,
			want->mode == ESWITCH_SWITCHDEV ? DEVLINK_ESWITCH_MODE_SWITCHDEV
							: DEVLINK_ESWITCH_MODE_LEGACY) < 0)
		return -ENOMEM;
	if (want->inline_mode >= 0 &&
	    nla_put_u8(m, DEVLINK_ATTR_ESWITCH_INLINE_MODE, (uint8_t)want->inline_mode) < 0)
		return -ENOMEM;
	if (want->encap >= 0 &&
	    nla_put_u8(m, DEVLINK_ATTR_ESWITCH_ENCAP_MODE, (uint8_t)want->encap) < 0)
		return -ENOMEM;
	return 0;
}

static int put_eswitch_fn(struct nl_msg *m, const void *want)
{
	return put_eswitch(m, want);
}

int devlink_eswitch_write(const struct devlink_dev *d, const struct devlink_eswitch *want,
			  char *msg, size_t n)
{
	return devlink_send(d, DEVLINK_CMD_ESWITCH_SET, put_eswitch_fn, want, msg, n);
}

int devlink_eswitch_set(const struct devlink_dev *d, enum eswitch_mode mode, char *msg, size_t n)
{
	struct devlink_eswitch want = DEVLINK_ESWITCH_NONE;

	want.mode = mode;
	return devlink_eswitch_write(d, &want, msg, n);
}

int devlink_eswitch_build(int fam, const struct devlink_dev *d, const struct devlink_eswitch *want,
			  void **ret, size_t *ret_len)
{
	return devlink_build(fam, d, DEVLINK_CMD_ESWITCH_SET, put_eswitch_fn, want, ret, ret_len);
}

int devlink_build(int fam, const struct devlink_dev *d, uint8_t cmd, devlink_put_fn put,
		  const void *arg, void **ret, size_t *ret_len)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = nldl_load();

	if (r < 0)
		return r;
	m = nlmsg_alloc();
	if (!m || !genlmsg_put(m, 0, 0, fam, 0, NLM_F_ACK, cmd, DEVLINK_GENL_VERSION) ||
	    nla_put_string(m, DEVLINK_ATTR_BUS_NAME, d->bus) < 0 ||
	    nla_put_string(m, DEVLINK_ATTR_DEV_NAME, d->name) < 0 || put(m, arg) < 0)
		return -ENOMEM;
	return netlink_msg_copy(m, ret, ret_len);
}

int devlink_send(const struct devlink_dev *d, uint8_t cmd, devlink_put_fn put, const void *arg,
		 char *msg, size_t n)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = new_msg(d, cmd, NLM_F_ACK, &m);

	if (r < 0)
		return r;
	r = put(m, arg);
	return r < 0 ? r : request(m, NULL, NULL, msg, n);
}

int devlink_dump(uint8_t cmd, netlink_reply_fn fn, void *data, char *msg, size_t n)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = new_msg(NULL, cmd, NLM_F_DUMP, &m);

	return r < 0 ? r : request(m, fn, data, msg, n);
}

bool devlink_msg_is(struct nlattr **tb, const struct devlink_dev *d)
{
	return tb[DEVLINK_ATTR_BUS_NAME] && tb[DEVLINK_ATTR_DEV_NAME] &&
	       streq(nla_get_string(tb[DEVLINK_ATTR_BUS_NAME]), d->bus) &&
	       streq(nla_get_string(tb[DEVLINK_ATTR_DEV_NAME]), d->name);
}

struct param_list {
	const struct devlink_dev *dev;
	struct devlink_param *v;
	unsigned n;
	int err;
};

static void parse_value(struct devlink_param *p, struct nlattr *value)
{
	struct nlattr *tb[DEVLINK_ATTR_MAX + 1];
	struct nlattr *data;
	unsigned c;

	if (nla_parse_nested(tb, DEVLINK_ATTR_MAX, value, NULL) < 0 ||
	    !tb[DEVLINK_ATTR_PARAM_VALUE_CMODE])
		return;
	c = nla_get_u8(tb[DEVLINK_ATTR_PARAM_VALUE_CMODE]);
	if (c >= _DEVLINK_CMODE_MAX)
		return;
	p->cmodes |= 1u << c;
	data = tb[DEVLINK_ATTR_PARAM_VALUE_DATA];
	switch (p->type) {
	case NLA_FLAG:
		p->value[c].b = data != NULL; /* a boolean is the attribute's presence */
		break;
	case NLA_STRING:
		if (data)
			snprintf(p->value[c].s, sizeof(p->value[c].s), "%.*s", nla_len(data),
				 (const char *)nla_data(data));
		break;
	case NLA_U8:
		p->value[c].u = data ? nla_get_u8(data) : 0;
		break;
	case NLA_U16:
		p->value[c].u = data ? nla_get_u16(data) : 0;
		break;
	case NLA_U32:
		p->value[c].u = data ? nla_get_u32(data) : 0;
		break;
	case NLA_U64:
		p->value[c].u = data ? nla_get_u64(data) : 0;
		break;
	}
}

/* One parameter of one instance per message; a dump covers every instance (filtered here). */
static int parse_param(struct nl_msg *m, void *arg)
{
	struct param_list *l = arg;
	struct nlattr *tb[DEVLINK_ATTR_MAX + 1], *pt[DEVLINK_ATTR_MAX + 1], *v;
	struct devlink_param p = {};
	int rem;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, DEVLINK_ATTR_MAX, NULL) < 0 ||
	    !tb[DEVLINK_ATTR_PARAM] || !devlink_msg_is(tb, l->dev))
		return NL_OK;
	if (nla_parse_nested(pt, DEVLINK_ATTR_MAX, tb[DEVLINK_ATTR_PARAM], NULL) < 0 ||
	    !pt[DEVLINK_ATTR_PARAM_NAME] || !pt[DEVLINK_ATTR_PARAM_TYPE])
		return NL_OK;
	snprintf(p.name, sizeof(p.name), "%s", nla_get_string(pt[DEVLINK_ATTR_PARAM_NAME]));
	p.type = nla_get_u8(pt[DEVLINK_ATTR_PARAM_TYPE]);
	if (pt[DEVLINK_ATTR_PARAM_VALUES_LIST])
		nla_for_each_nested (v, pt[DEVLINK_ATTR_PARAM_VALUES_LIST], rem)
			parse_value(&p, v);
	l->err = array_append(&l->v, &l->n, sizeof(p), &p);
	return l->err < 0 ? NL_STOP : NL_OK;
}

int devlink_params(const struct devlink_dev *d, struct devlink_param **ret, unsigned *ret_n,
		   char *msg, size_t n)
{
	struct param_list l = { .dev = d };
	int r;

	/* Kernels before 6.3 dump every instance's parameters whatever the request names. */
	r = devlink_dump(DEVLINK_CMD_PARAM_GET, parse_param, &l, msg, n);
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

int devlink_param_set(const struct devlink_dev *d, const struct devlink_param *p,
		      enum devlink_cmode cmode, const struct devlink_want *w, char *msg, size_t n)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = new_msg(d, DEVLINK_CMD_PARAM_SET, NLM_F_ACK, &m);

	if (r < 0)
		return r;
	if (nla_put_string(m, DEVLINK_ATTR_PARAM_NAME, p->name) < 0 ||
	    nla_put_u8(m, DEVLINK_ATTR_PARAM_TYPE, p->type) < 0 ||
	    nla_put_u8(m, DEVLINK_ATTR_PARAM_VALUE_CMODE, cmode) < 0)
		return -ENOMEM;
	switch (p->type) {
	case NLA_FLAG:
		r = w->b ? nla_put_flag(m, DEVLINK_ATTR_PARAM_VALUE_DATA) : 0;
		break;
	case NLA_STRING:
		r = nla_put_string(m, DEVLINK_ATTR_PARAM_VALUE_DATA, w->s);
		break;
	case NLA_U8:
		r = nla_put_u8(m, DEVLINK_ATTR_PARAM_VALUE_DATA, w->u);
		break;
	case NLA_U16:
		r = nla_put_u16(m, DEVLINK_ATTR_PARAM_VALUE_DATA, w->u);
		break;
	case NLA_U32:
		r = nla_put_u32(m, DEVLINK_ATTR_PARAM_VALUE_DATA, w->u);
		break;
	case NLA_U64:
		r = nla_put_u64(m, DEVLINK_ATTR_PARAM_VALUE_DATA, w->u);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (r < 0)
		return -ENOMEM;
	return request(m, NULL, NULL, msg, n);
}

int devlink_reload(const struct devlink_dev *d, char *msg, size_t n)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = new_msg(d, DEVLINK_CMD_RELOAD, NLM_F_ACK, &m);

	if (r < 0)
		return r;
	if (nla_put_u8(m, DEVLINK_ATTR_RELOAD_ACTION, DEVLINK_RELOAD_ACTION_DRIVER_REINIT) < 0)
		return -ENOMEM;
	return request(m, NULL, NULL, msg, n);
}

const char *devlink_cmode_to_string(enum devlink_cmode c)
{
	static const char *const names[] = { "runtime", "driverinit", "permanent" };

	return c < _DEVLINK_CMODE_MAX ? names[c] : "unknown";
}

void devlink_value_format(const struct devlink_param *p, enum devlink_cmode c, char *buf, size_t n)
{
	if (p->type == NLA_FLAG)
		snprintf(buf, n, "%s", p->value[c].b ? "true" : "false");
	else if (p->type == NLA_STRING)
		snprintf(buf, n, "\"%s\"", p->value[c].s);
	else
		snprintf(buf, n, "%llu", p->value[c].u);
}

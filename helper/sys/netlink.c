/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VF settings and PF flags over rtnetlink. Every libnl call lives here. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "shared/macro.h"
#include "shared/util.h"

#include "sys/netlink.h"
#include "sys/nldl.h"

DEFINE_POINTER_CLEANUP(struct nl_msg, nlmsg_free)
DEFINE_POINTER_CLEANUP(struct nl_sock, nl_socket_free)
DEFINE_POINTER_CLEANUP(struct nl_cb, nl_cb_put)

int netlink_errno(int e)
{
	switch (abs(e)) {
	case NLE_SUCCESS:
		return 0;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
	case NLE_NOACCESS:
		return -EPERM;
	case NLE_NODEV:
	case NLE_OBJ_NOTFOUND:
		return -ENODEV;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_INVAL:
	case NLE_RANGE:
		return -EINVAL;
	case NLE_AGAIN:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

void link_state_done(struct link_state *s)
{
	free(s->vfs);
	*s = (struct link_state){};
}

/* A link message for ifindex; libnl is loaded first (nldl.h): -ELIBACC when it cannot be. */
static int link_msg(int type, int flags, int ifindex, struct nl_msg **ret)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *m;
	int r = nldl_load();

	if (r < 0)
		return r;
	m = nlmsg_alloc_simple(type, flags);
	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	*ret = m;
	return 0;
}

static int put_vf_attr(struct nl_msg *m, unsigned vf, enum netlink_vf_attr attr,
		       const struct vf_state *c)
{
	switch (attr) {
	case NETLINK_VF_MAC: {
		struct ifla_vf_mac v = { .vf = vf };

		memcpy(v.mac, c->mac, 6);
		return nla_put(m, IFLA_VF_MAC, sizeof(v), &v);
	}
	case NETLINK_VF_VLAN: {
		/* Built by hand: libnl's VF VLAN helper sends the protocol in host byte order. */
		struct ifla_vf_vlan_info v;
		struct nlattr *list;

		memset(&v, 0, sizeof(v)); /* the struct has 2 bytes of tail padding */
		v.vf = vf;
		v.vlan = c->vlan;
		v.qos = c->qos;
		v.vlan_proto = htons(c->proto_8021ad ? ETH_P_8021AD : ETH_P_8021Q);
		list = nla_nest_start(m, IFLA_VF_VLAN_LIST);

		if (!list || nla_put(m, IFLA_VF_VLAN_INFO, sizeof(v), &v) < 0)
			return -NLE_NOMEM;
		return nla_nest_end(m, list);
	}
	case NETLINK_VF_RATE: {
		struct ifla_vf_rate v = { .vf = vf,
					  .min_tx_rate = c->min_tx_rate,
					  .max_tx_rate = c->max_tx_rate };

		return nla_put(m, IFLA_VF_RATE, sizeof(v), &v);
	}
	case NETLINK_VF_SPOOFCHK: {
		struct ifla_vf_spoofchk v = { .vf = vf, .setting = c->spoofchk > 0 };

		return nla_put(m, IFLA_VF_SPOOFCHK, sizeof(v), &v);
	}
	case NETLINK_VF_TRUST: {
		struct ifla_vf_trust v = { .vf = vf, .setting = c->trust > 0 };

		return nla_put(m, IFLA_VF_TRUST, sizeof(v), &v);
	}
	case NETLINK_VF_LINK_STATE: {
		struct ifla_vf_link_state v = { .vf = vf, .link_state = c->link_state };

		if (c->link_state < 0)
			return -NLE_INVAL;
		return nla_put(m, IFLA_VF_LINK_STATE, sizeof(v), &v);
	}
	case NETLINK_VF_QUERY_RSS: {
		struct ifla_vf_rss_query_en v = { .vf = vf, .setting = c->query_rss > 0 };

		return nla_put(m, IFLA_VF_RSS_QUERY_EN, sizeof(v), &v);
	}
	case NETLINK_VF_IB_NODE_GUID:
	case NETLINK_VF_IB_PORT_GUID: {
		/* The GUID as a number, its first byte the most significant (as ip link sends it).
		 */
		const uint8_t *g = attr == NETLINK_VF_IB_NODE_GUID ? c->node_guid : c->port_guid;
		struct ifla_vf_guid v;

		memset(&v, 0, sizeof(v)); /* the struct has 4 bytes of padding after vf */
		v.vf = vf;
		for (unsigned i = 0; i < 8; i++)
			v.guid = v.guid << 8 | g[i];
		return nla_put(m,
			       attr == NETLINK_VF_IB_NODE_GUID ? IFLA_VF_IB_NODE_GUID
							       : IFLA_VF_IB_PORT_GUID,
			       sizeof(v), &v);
	}
	default:
		return -NLE_INVAL;
	}
}

/* One IFLA_VF_INFO with the attribute of each bit in attrs, in enum netlink_vf_attr order. */
static int vf_msg(int ifindex, unsigned vf, unsigned attrs, const struct vf_state *c,
		  struct nl_msg **ret)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	struct nlattr *list, *info;
	int r = link_msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex, &m);

	if (r < 0)
		return r;
	list = nla_nest_start(m, IFLA_VFINFO_LIST);
	info = list ? nla_nest_start(m, IFLA_VF_INFO) : NULL;
	if (!info)
		return -ENOMEM;
	for (unsigned k = 0; k < _NETLINK_VF_MAX; k++) {
		if (!(attrs & (1u << k)))
			continue;
		r = put_vf_attr(m, vf, k, c);
		if (r < 0)
			return netlink_errno(r);
	}
	nla_nest_end(m, info);
	nla_nest_end(m, list);
	*ret = TAKE_PTR(m);
	return 0;
}

int netlink_msg_copy(struct nl_msg *m, void **ret, size_t *ret_len)
{
	struct nlmsghdr *h = nlmsg_hdr(m);

	*ret = malloc(h->nlmsg_len);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, h, h->nlmsg_len);
	*ret_len = h->nlmsg_len;
	return 0;
}

int netlink_vf_build(int ifindex, unsigned vf, unsigned attrs, const struct vf_state *want,
		     uint8_t **ret, size_t *ret_len)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = vf_msg(ifindex, vf, attrs, want, &m);

	return r < 0 ? r : netlink_msg_copy(m, (void **)ret, ret_len);
}

/* The kernel's own errno from its ACK, not libnl's coarser NLE_* code, and the message it
 * gave with it (extended ACK), when it gave one. */
struct ack {
	int err; /* 1: waiting; 0: done; negative errno */
	char *msg;
	size_t msg_size;
};

static int ack_error(struct sockaddr_nl *nla _unused_, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct ack *a = arg;
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	a->err = e->error;
	if (!a->msg || !(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	/* The request is echoed back unless the kernel capped it (NETLINK_CAP_ACK). */
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off < h->nlmsg_len) {
		struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

		if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)h + off),
			      h->nlmsg_len - off, NULL) >= 0 &&
		    tb[NLMSGERR_ATTR_MSG])
			snprintf(a->msg, a->msg_size, "%.*s", nla_len(tb[NLMSGERR_ATTR_MSG]),
				 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	}
	return NL_STOP;
}

static int ack_done(struct nl_msg *m _unused_, void *arg)
{
	((struct ack *)arg)->err = 0;
	return NL_STOP;
}

int netlink_open(int protocol, struct nl_sock **ret)
{
	_cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
	int r = nldl_load(), one = 1;

	if (r < 0)
		return r;
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	r = nl_connect(sk, protocol);
	if (r < 0)
		return netlink_errno(r);
	/* libnl sets 32 KiB; a PF with 256 VFs answers RTM_GETLINK with ~60 KiB in one skb, which
	 * the kernel drops (ENOBUFS, "Cannot allocate memory") when it exceeds the buffer. The
	 * kernel caps this at net.core.rmem_max (208 KiB by default): still room for the reply. */
	r = nl_socket_set_buffer_size(sk, NETLINK_RCVBUF, 0);
	if (r < 0)
		return netlink_errno(r);
	nl_socket_enable_msg_peek(sk); /* and libnl's own buffer grows to the message */
	/* The kernel's reason with an error (devlink says why it refuses a mode), without the
	 * request echoed back. Older kernels lack them: no message then. */
	(void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	*ret = TAKE_PTR(sk);
	return 0;
}

int netlink_request(struct nl_sock **sk, struct nl_msg *m, netlink_reply_fn fn, void *data,
		    char *ret_msg, size_t msg_size)
{
	_cleanup_(nl_cb_putp) struct nl_cb *cb = NULL;
	struct ack a = { .err = 1, .msg = ret_msg, .msg_size = msg_size };
	int r;

	if (ret_msg && msg_size)
		ret_msg[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_err(cb, NL_CB_CUSTOM, ack_error, &a);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_done, &a);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ack_done, &a); /* the end of a dump */
	if (fn)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, fn, data);
	r = nl_send_auto(*sk, m);
	while (r >= 0 && a.err > 0) {
		r = nl_recvmsgs(*sk, cb);
		if (r >= 0 || a.err <= 0)
			r = 0;
	}
	if (r < 0) {
		/* Replies may be left queued: the next request gets a fresh socket. */
		nl_socket_free(*sk);
		*sk = NULL;
		return netlink_errno(r);
	}
	return a.err;
}

/* One rtnetlink socket per run, opened at the first request (an event that needs no netlink
 * opens none). */
static struct nl_sock *run_sock;

void netlink_close(void)
{
	if (run_sock)
		nl_socket_free(run_sock);
	run_sock = NULL;
}

/* Sends m and waits for its ACK; collects replies with fn. */
static int transact(struct nl_msg *m, nl_recvmsg_msg_cb_t fn, void *data)
{
	int r;

	if (!run_sock) {
		r = netlink_open(NETLINK_ROUTE, &run_sock);
		if (r < 0)
			return r;
	}
	return netlink_request(&run_sock, m, fn, data, NULL, 0);
}

int netlink_vf_set(int ifindex, unsigned vf, unsigned attrs, const struct vf_state *want)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = vf_msg(ifindex, vf, attrs, want, &m);

	return r < 0 ? r : transact(m, NULL, NULL);
}

int netlink_set_mtu(int ifindex, unsigned mtu)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	int r = link_msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex, &m);

	if (r < 0)
		return r;
	if (nla_put_u32(m, IFLA_MTU, mtu) < 0)
		return -ENOMEM;
	return transact(m, NULL, NULL);
}

int netlink_set_flag(int ifindex, unsigned flag, bool on)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	struct ifinfomsg *ifi;
	int r = link_msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex, &m);

	if (r < 0)
		return r;
	ifi = nlmsg_data(nlmsg_hdr(m));
	ifi->ifi_flags = on ? flag : 0;
	ifi->ifi_change = flag;
	return transact(m, NULL, NULL);
}

static void parse_vf(struct nlattr *info, struct link_state *s)
{
	struct nlattr *tb[IFLA_VF_MAX + 1];
	struct vf_state v = { .spoofchk = -1, .trust = -1, .query_rss = -1, .link_state = -1 };
	const struct ifla_vf_mac *mac;
	unsigned idx;

	if (nla_parse_nested(tb, IFLA_VF_MAX, info, NULL) < 0 || !tb[IFLA_VF_MAC] ||
	    nla_len(tb[IFLA_VF_MAC]) < (int)sizeof(*mac))
		return;
	mac = nla_data(tb[IFLA_VF_MAC]);
	idx = mac->vf;
	if (idx >= s->n_vfs)
		return;
	v.present = true;
	memcpy(v.mac, mac->mac, 6);
	for (int t = IFLA_VF_IB_NODE_GUID; t <= IFLA_VF_IB_PORT_GUID; t++) {
		const struct ifla_vf_guid *g;
		uint8_t *out = t == IFLA_VF_IB_NODE_GUID ? v.node_guid : v.port_guid;

		if (!tb[t] || nla_len(tb[t]) < (int)sizeof(*g))
			continue;
		g = nla_data(tb[t]);
		for (unsigned i = 0; i < 8; i++)
			out[i] = (uint8_t)(g->guid >> (56 - 8 * i));
		if (t == IFLA_VF_IB_NODE_GUID)
			v.has_node_guid = true;
		else
			v.has_port_guid = true;
	}
	if (tb[IFLA_VF_VLAN] && nla_len(tb[IFLA_VF_VLAN]) >= (int)sizeof(struct ifla_vf_vlan)) {
		const struct ifla_vf_vlan *vl = nla_data(tb[IFLA_VF_VLAN]);

		v.vlan = vl->vlan;
		v.qos = vl->qos;
	}
	if (tb[IFLA_VF_VLAN_LIST]) {
		struct nlattr *vi;
		int rem;

		nla_for_each_nested (vi, tb[IFLA_VF_VLAN_LIST], rem)
			if (nla_type(vi) == IFLA_VF_VLAN_INFO &&
			    nla_len(vi) >= (int)sizeof(struct ifla_vf_vlan_info)) {
				const struct ifla_vf_vlan_info *x = nla_data(vi);

				v.proto_8021ad = x->vlan_proto == htons(ETH_P_8021AD);
				break;
			}
	}
	if (tb[IFLA_VF_RATE] && nla_len(tb[IFLA_VF_RATE]) >= (int)sizeof(struct ifla_vf_rate)) {
		const struct ifla_vf_rate *r = nla_data(tb[IFLA_VF_RATE]);

		v.min_tx_rate = r->min_tx_rate;
		v.max_tx_rate = r->max_tx_rate;
	}
	/* The kernel reports (u32)-1 for settings the driver does not implement. */
#define SETTING(attr, type, field)                                                                 \
	if (tb[attr] && nla_len(tb[attr]) >= (int)sizeof(type)) {                                  \
		const type *x = nla_data(tb[attr]);                                                \
		v.field = x->setting == (uint32_t)-1 ? -1 : (int)x->setting;                       \
	}
	SETTING(IFLA_VF_SPOOFCHK, struct ifla_vf_spoofchk, spoofchk)
	SETTING(IFLA_VF_TRUST, struct ifla_vf_trust, trust)
	SETTING(IFLA_VF_RSS_QUERY_EN, struct ifla_vf_rss_query_en, query_rss)
#undef SETTING
	if (tb[IFLA_VF_LINK_STATE] &&
	    nla_len(tb[IFLA_VF_LINK_STATE]) >= (int)sizeof(struct ifla_vf_link_state)) {
		const struct ifla_vf_link_state *x = nla_data(tb[IFLA_VF_LINK_STATE]);

		v.link_state = x->link_state == IFLA_VF_LINK_STATE_ENABLE ||
				       x->link_state == IFLA_VF_LINK_STATE_DISABLE
				   ? (int)x->link_state
				   : IFLA_VF_LINK_STATE_AUTO;
	}
	if (!s->vfs[idx].present)
		s->n_reported++;
	s->vfs[idx] = v;
}

static int parse_link(struct nl_msg *m, void *arg)
{
	struct link_state *s = arg;
	struct nlmsghdr *h = nlmsg_hdr(m);
	struct nlattr *tb[IFLA_MAX + 1], *info;
	struct ifinfomsg *ifi;
	int rem;

	if (h->nlmsg_type != RTM_NEWLINK || nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return NL_SKIP;
	ifi = nlmsg_data(h);
	s->flags = ifi->ifi_flags;
	if (tb[IFLA_IFNAME])
		nla_strlcpy(s->ifname, tb[IFLA_IFNAME], sizeof(s->ifname));
	if (tb[IFLA_PERM_ADDRESS] && nla_len(tb[IFLA_PERM_ADDRESS]) == 6) {
		memcpy(s->perm_mac, nla_data(tb[IFLA_PERM_ADDRESS]), 6);
		s->has_perm_mac = true;
	}
	if (tb[IFLA_NUM_VF])
		s->n_vfs = nla_get_u32(tb[IFLA_NUM_VF]);
	if (s->n_vfs > VF_INDEX_MAX)
		s->n_vfs = VF_INDEX_MAX;
	if (s->n_vfs) {
		s->vfs = calloc(s->n_vfs, sizeof(*s->vfs));
		if (!s->vfs)
			return NL_STOP;
	}
	if (s->n_vfs && tb[IFLA_VFINFO_LIST]) {
		nla_for_each_nested (info, tb[IFLA_VFINFO_LIST], rem)
			if (nla_type(info) == IFLA_VF_INFO)
				parse_vf(info, s);
	}
	return NL_OK;
}

int netlink_link_parse(const void *nlmsg, size_t len, struct link_state *ret)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	struct link_state s = {};
	int r = nldl_load();

	if (r < 0)
		return r;
	if (len < sizeof(struct nlmsghdr) || ((const struct nlmsghdr *)nlmsg)->nlmsg_len > len)
		return -EINVAL;
	m = nlmsg_convert((struct nlmsghdr *)nlmsg);
	if (!m)
		return -ENOMEM;
	(void)parse_link(m, &s);
	if (s.n_vfs && !s.vfs)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int netlink_link_get(int ifindex, const char *ifname, struct link_state *ret)
{
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	struct link_state s = {};
	int r = link_msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex, &m);

	if (r < 0)
		return r;
	/* Without SKIP_STATS each VF carries ~100 bytes of counters: past ~222 VFs the list no
	 * longer fits one attribute (64 KiB), and the kernel sends it cut short. */
	if (nla_put_u32(m, IFLA_EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS) < 0)
		return -ENOMEM;
	r = transact(m, parse_link, &s);
	if (r < 0) {
		link_state_done(&s);
		return r;
	}
	if (s.n_vfs && !s.vfs)
		return -ENOMEM;
	if (!streq(s.ifname, ifname)) {
		link_state_done(&s);
		return -ESTALE;
	}
	*ret = s;
	return 0;
}

struct parent_search {
	const char *bus, *dev;
	char *ifname;
	bool found;
};

static int parse_parent(struct nl_msg *m, void *arg)
{
	struct parent_search *ps = arg;
	struct nlmsghdr *h = nlmsg_hdr(m);
	struct nlattr *tb[IFLA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return NL_OK;
	if (!tb[IFLA_PARENT_DEV_NAME] || !tb[IFLA_IFNAME] ||
	    !streq(nla_get_string(tb[IFLA_PARENT_DEV_NAME]), ps->dev) ||
	    (tb[IFLA_PARENT_DEV_BUS_NAME] &&
	     !streq(nla_get_string(tb[IFLA_PARENT_DEV_BUS_NAME]), ps->bus)))
		return NL_OK;
	nla_strlcpy(ps->ifname, tb[IFLA_IFNAME], IF_NAMESIZE);
	ps->found = true;
	return NL_OK;
}

int netlink_find_by_parent(int netns_fd, const char *bus, const char *dev,
			   char ret_ifname[static IF_NAMESIZE])
{
	_cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
	_cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
	_cleanup_close_ int self = -1;
	struct parent_search ps = { .bus = bus, .dev = dev, .ifname = ret_ifname };
	int r = nldl_load();

	if (r < 0)
		return r;
	/* A socket belongs to the namespace it was made in: make it there, and come back. */
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return -errno;
	r = netlink_open(NETLINK_ROUTE, &sk);
	if (setns(self, CLONE_NEWNET) < 0)
		abort(); /* never left in another namespace: everything after would act there */
	if (r < 0)
		return r;
	r = link_msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 0, &m);
	if (r < 0)
		return r;
	r = netlink_request(&sk, m, parse_parent, &ps, NULL, 0);
	if (r < 0)
		return r;
	return ps.found ? 0 : -ENOENT;
}

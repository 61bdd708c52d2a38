/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VF's network settings: what the policy wants against what the PF driver reports. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"

#include "apply/live.h"
#include "apply/netvf.h"
#include "sys/mac.h"
#include "sys/netdev.h"
#include "sys/netlink.h"
#include "sys/pcidev.h"

DEFINE_POINTER_CLEANUP(struct link_state, link_state_done)

/* The PF's VF table: one RTM_GETLINK per PF and run (kept in the run's pf_live), not one per
 * VF. */
int netvf_table(const struct pf_facts *pf, int *ret_ifindex, const struct link_state **ret)
{
	struct pf_live *l = pf->live;
	int r;

	if (!pf->ifname[0])
		return -ENODEV;
	if (!l)
		return log_error_errno(EINVAL, "%s: no run context to read its VFs into (a bug)",
				       pf->addr);
	if (!l->vf_table_read) {
		r = netdev_ifindex(pf->ifname, &l->ifindex);
		if (r >= 0)
			r = netlink_link_get(l->ifindex, pf->ifname, &l->vf_table);
		if (r == -ESTALE)
			log_error("%s: ifindex %d no longer names %s; not using it", pf->addr,
				  l->ifindex, pf->ifname);
		if (r < 0)
			return r; /* asked again by the next VF, as a failure may pass */
		l->vf_table_read = true;
	}
	if (ret_ifindex)
		*ret_ifindex = l->ifindex;
	*ret = &l->vf_table;
	return 0;
}

int netvf_table_complete(const struct pf_facts *pf, const struct link_state *s)
{
	if (s->n_reported >= s->n_vfs)
		return 0;
	/* Said once per run: the table is read once, but asked for by every VF. */
	if (pf->live && !pf->live->vf_table_warned) {
		log_warning(
		    "%s: %s has %u VFs, the kernel's reply describes %u: the settings of the others cannot be read back",
		    pf->addr, pf->ifname, s->n_vfs, s->n_reported);
		pf->live->vf_table_warned = true;
	}
	return -EMSGSIZE;
}

/* The PF's permanent MAC: sysfs when the current address is it, else IFLA_PERM_ADDRESS from
 * the run's one RTM_GETLINK of the PF (netvf_table), not one per VF: with 256 VFs each reply
 * carries every VF, and asking per VF made a run O(N^2). */
static int pf_perm_mac(const struct pf_facts *pf, uint8_t ret[static 6])
{
	const struct link_state *s;
	int r;

	if (netdev_perm_mac_is_current(pf->ifname, ret))
		return 0;
	r = netvf_table(pf, NULL, &s);
	if (r < 0)
		return r;
	if (!s->has_perm_mac || mac_is_zero(s->perm_mac))
		return -ENODATA;
	memcpy(ret, s->perm_mac, 6);
	return 0;
}

int netvf_stable_mac(const struct pf_facts *pf, unsigned index, uint8_t ret[static 6],
		     char key[static NETVF_KEY_MAX])
{
	_cleanup_free_ char *machine_id = NULL;
	char id[MAC_STR_MAX];
	uint8_t perm[6];
	int r;

	r = mac_read_machine_id(&machine_id);
	if (r < 0)
		return r;
	if (pf->has_perm_mac) {
		mac_format(pf->perm_mac, id);
	} else if (pf->ifname[0]) {
		r = pf_perm_mac(pf, perm);
		if (r == -ENODATA) {
			/* The driver reports none (netdevsim): that answer is the same every boot.
			 */
			snprintf(key, NETVF_KEY_MAX, "address %s (%s has no permanent MAC)",
				 pf->addr, pf->ifname);
			return mac_stable(machine_id, pf->addr, index, ret);
		}
		/* Never the PCI address when the MAC could not be read: the same VF would get
		 * another MAC whenever the permanent one can be read again. */
		if (r < 0)
			return -ENOLINK;
		mac_format(perm, id);
	} else {
		snprintf(key, NETVF_KEY_MAX, "PCI address %s (the PF has no interface)", pf->addr);
		return mac_stable(machine_id, pf->addr, index, ret);
	}
	snprintf(key, NETVF_KEY_MAX, "permanent MAC %s of %s", id, pf->ifname);
	return mac_stable(machine_id, id, index, ret);
}

const char *netvf_mac_strerror(int r)
{
	if (r == -ENOLINK)
		return "the permanent MAC of the PF's interface cannot be read, and another key would change the VF's MAC";
	return mac_strerror(r);
}

int netvf_set_flag(const char *ifname, unsigned flag, bool on, struct plan *plan)
{
	const char *name = flag == IFF_UP ? "link" : "promisc";
	const char *yes = flag == IFF_UP ? "up" : "on", *no = flag == IFF_UP ? "down" : "off";
	_cleanup_free_ char *flags = NULL;
	int ifindex, r;
	bool cur;

	r = netdev_read(ifname, "flags", &flags);
	if (r < 0)
		return r;
	cur = strtoul(flags, NULL, 16) & flag;
	if (cur == on)
		return 0;
	if (!plan_diff(plan, ifname, name, cur ? yes : no, on ? yes : no))
		return 1;
	r = netdev_ifindex(ifname, &ifindex);
	if (r < 0)
		return r;
	r = netlink_set_flag(ifindex, flag, on);
	if (r < 0)
		return r;
	log_info("%s: %s %s -> %s", ifname, name, cur ? yes : no, on ? yes : no);
	return 1;
}

int netvf_set_mtu(const char *where, const char *ifname, unsigned mtu, struct plan *plan)
{
	_cleanup_free_ char *cur = NULL;
	char want[16], what[32];
	int ifindex, r;

	r = netdev_read(ifname, "mtu", &cur);
	if (r < 0)
		return r;
	snprintf(want, sizeof(want), "%u", mtu);
	if (streq(cur, want))
		return 0;
	/* A VF's interface is named after the VF. */
	if (streq(where, ifname))
		snprintf(what, sizeof(what), "mtu");
	else
		snprintf(what, sizeof(what), "mtu of %s", ifname);
	if (!plan_diff(plan, where, what, cur, want))
		return 1;
	r = netdev_ifindex(ifname, &ifindex);
	if (r < 0)
		return r;
	r = netlink_set_mtu(ifindex, mtu);
	if (r < 0)
		return r;
	log_info("%s: %s %s -> %s", where, what, cur, want);
	return 1;
}

static const char *onoff(int v)
{
	return v < 0 ? "unknown" : v ? "on" : "off";
}

static void describe(enum vf_key k, const struct vf_config *c, char *buf, size_t n)
{
	char m[MAC_STR_MAX];

	switch (k) {
	case VF_KEY_MAC:
		snprintf(buf, n, "%s", mac_format(c->mac, m));
		break;
	case VF_KEY_VLAN:
		snprintf(buf, n, "%u qos %u proto %s", c->vlan, c->qos,
			 c->proto_8021ad ? "802.1ad" : "802.1Q");
		break;
	case VF_KEY_MIN_TX_RATE:
		snprintf(buf, n, "min %u max %u Mbit/s", c->min_tx_rate, c->max_tx_rate);
		break;
	case VF_KEY_SPOOFCHK:
		snprintf(buf, n, "%s", onoff(c->spoofchk));
		break;
	case VF_KEY_TRUST:
		snprintf(buf, n, "%s", onoff(c->trust));
		break;
	case VF_KEY_QUERY_RSS:
		snprintf(buf, n, "%s", onoff(c->query_rss));
		break;
	case VF_KEY_LINK_STATE:
		snprintf(buf, n, "%s", vf_link_state_to_string(c->link_state) ?: "unknown");
		break;
	case VF_KEY_NODE_GUID:
	case VF_KEY_PORT_GUID: {
		char g[GUID_STR_MAX];

		snprintf(buf, n, "%s",
			 guid_format(k == VF_KEY_NODE_GUID ? c->node_guid : c->port_guid, g));
		break;
	}
	default:
		buf[0] = '\0';
	}
}

/* What the VF has now, in the policy's terms, for comparing and for logging "old -> new". */
static struct vf_config current_of(const struct vf_state *v)
{
	struct vf_config c = {
		.vlan = v->vlan,
		.qos = v->qos,
		.proto_8021ad = v->proto_8021ad,
		.min_tx_rate = v->min_tx_rate,
		.max_tx_rate = v->max_tx_rate,
		.spoofchk = v->spoofchk > 0,
		.trust = v->trust > 0,
		.query_rss = v->query_rss > 0,
		.link_state = v->link_state == IFLA_VF_LINK_STATE_ENABLE    ? VF_LINK_STATE_ENABLE
			      : v->link_state == IFLA_VF_LINK_STATE_DISABLE ? VF_LINK_STATE_DISABLE
									    : VF_LINK_STATE_AUTO,
	};

	memcpy(c.mac, v->mac, 6);
	memcpy(c.node_guid, v->node_guid, 8);
	memcpy(c.port_guid, v->port_guid, 8);
	return c;
}

/* The settings as netlink_vf_set() sends them. */
static struct vf_state state_of(const struct vf_config *c)
{
	static const int link_state[] = {
		[VF_LINK_STATE_AUTO] = IFLA_VF_LINK_STATE_AUTO,
		[VF_LINK_STATE_ENABLE] = IFLA_VF_LINK_STATE_ENABLE,
		[VF_LINK_STATE_DISABLE] = IFLA_VF_LINK_STATE_DISABLE,
	};
	struct vf_state v = {
		.present = true,
		.vlan = c->vlan,
		.qos = c->qos,
		.proto_8021ad = c->proto_8021ad,
		.min_tx_rate = c->min_tx_rate,
		.max_tx_rate = c->max_tx_rate,
		.spoofchk = c->spoofchk,
		.trust = c->trust,
		.query_rss = c->query_rss,
		.link_state = link_state[c->link_state],
	};

	memcpy(v.mac, c->mac, 6);
	memcpy(v.node_guid, c->node_guid, 8);
	memcpy(v.port_guid, c->port_guid, 8);
	return v;
}

/* The PF's own node GUID (its InfiniBand device's), the identity its VFs' GUIDs come from. */
static void pf_guid_id(const struct pf_facts *pf, char *buf, size_t n)
{
	_cleanup_(closedirp) DIR *d = NULL;
	char p[128];
	struct dirent *de;

	snprintf(buf, n, "%s", pf->addr);
	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/infiniband", pf->addr);
	d = opendir(p);
	while (d && (de = readdir(d))) {
		_cleanup_free_ char *g = NULL;
		char q[sizeof(p) + NAME_MAX + 16];

		if (de->d_name[0] == '.')
			continue;
		snprintf(q, sizeof(q), "%s/%s/node_guid", p, de->d_name);
		if (read_one_line(q, &g) >= 0 && strlen(g) == 19) { /* "xxxx:xxxx:xxxx:xxxx" */
			snprintf(buf, n, "%s", g);
			return;
		}
	}
}

int netvf_stable_guids(const struct pf_facts *pf, unsigned index, struct vf_config *want,
		       char key[static NETVF_KEY_MAX])
{
	_cleanup_free_ char *machine_id = NULL;
	char id[64];
	int r;

	if ((want->set & VF_GUID_KEYS) == VF_GUID_KEYS)
		return 0;
	r = mac_read_machine_id(&machine_id);
	if (r < 0)
		return r;
	pf_guid_id(pf, id, sizeof(id));
	snprintf(key, NETVF_KEY_MAX, "%s %s",
		 strchr(id, ':') && strlen(id) == 19 ? "node GUID" : "PCI address", id);
	if (!(want->set & VF_KEY_BIT(VF_KEY_NODE_GUID))) {
		r = mac_stable_guid(machine_id, id, "node", index, want->node_guid);
		if (r < 0)
			return r;
		want->set |= VF_KEY_BIT(VF_KEY_NODE_GUID);
	}
	if (!(want->set & VF_KEY_BIT(VF_KEY_PORT_GUID))) {
		r = mac_stable_guid(machine_id, id, "port", index, want->port_guid);
		if (r < 0)
			return r;
		want->set |= VF_KEY_BIT(VF_KEY_PORT_GUID);
	}
	return 0;
}

int netvf_apply(const struct pf_facts *pf, unsigned index, const struct vf_config *vc,
		struct plan *plan)
{
	/* The policy's key for each netlink attribute (enum netlink_vf_attr). */
	static const enum vf_key order[_NETLINK_VF_MAX] = {
		[NETLINK_VF_MAC] = VF_KEY_MAC,
		[NETLINK_VF_VLAN] = VF_KEY_VLAN,
		[NETLINK_VF_RATE] = VF_KEY_MIN_TX_RATE,
		[NETLINK_VF_SPOOFCHK] = VF_KEY_SPOOFCHK,
		[NETLINK_VF_TRUST] = VF_KEY_TRUST,
		[NETLINK_VF_LINK_STATE] = VF_KEY_LINK_STATE,
		[NETLINK_VF_QUERY_RSS] = VF_KEY_QUERY_RSS,
		[NETLINK_VF_IB_NODE_GUID] = VF_KEY_NODE_GUID,
		[NETLINK_VF_IB_PORT_GUID] = VF_KEY_PORT_GUID,
	};
	static const struct vf_state unknown = {
		.spoofchk = -1, .trust = -1, .query_rss = -1, .link_state = -1
	};
	const struct link_state *s;
	struct vf_config want = *vc, cur;
	const struct vf_state *v;
	bool unread = false;
	int ifindex, r, first = 0;

	if (!pf->ifname[0])
		return log_error_errno(
		    ENODEV,
		    "%s vf %u: the PF has no network interface here (no driver netdev, or it is in another network namespace)",
		    pf->addr, index);
	r = netvf_table(pf, &ifindex, &s);
	if (r == -ESTALE)
		return r; /* said */
	if (r < 0)
		return log_error_errno(r, "%s vf %u: cannot read VF settings of %s: %m", pf->addr,
				       index, pf->ifname);
	if (index >= s->n_vfs)
		return log_error_errno(ENODEV, "%s vf %u: %s reports %u VFs and not this one",
				       pf->addr, index, pf->ifname, s->n_vfs);
	if (!s->vfs[index].present) {
		if (netvf_table_complete(pf, s) == 0)
			return log_error_errno(ENODEV, "%s vf %u: %s does not describe this VF",
					       pf->addr, index, pf->ifname);
		/* Cut short by the kernel: send what the policy says, unverified. */
		unread = true;
	}
	v = unread ? &unknown : &s->vfs[index];
	cur = current_of(v);

	/* An InfiniBand VF has GUIDs where an Ethernet VF has a MAC (IPoIB sets no VF MAC). */
	if (pf->infiniband) {
		char key[NETVF_KEY_MAX];

		r = netvf_stable_guids(pf, index, &want, key);
		if (r < 0)
			return log_error_errno(r, "%s vf %u: cannot generate stable GUIDs: %s",
					       pf->addr, index, mac_strerror(r));
	} else if (!(want.set & (1u << VF_KEY_MAC))) {
		char key[NETVF_KEY_MAX];

		r = netvf_stable_mac(pf, index, want.mac, key);
		if (r < 0)
			return log_error_errno(r, "%s vf %u: cannot generate a stable MAC: %s",
					       pf->addr, index, netvf_mac_strerror(r));
		want.set |= 1u << VF_KEY_MAC;
	}
	/* A rate message carries both limits: keep the one the policy does not set. */
	if (!(want.set & (1u << VF_KEY_MIN_TX_RATE)))
		want.min_tx_rate = cur.min_tx_rate;
	if (!(want.set & (1u << VF_KEY_MAX_TX_RATE)))
		want.max_tx_rate = cur.max_tx_rate;
	if (want.set & (1u << VF_KEY_MAX_TX_RATE))
		want.set |= 1u << VF_KEY_MIN_TX_RATE;
	if (want.set & ((1u << VF_KEY_QOS) | (1u << VF_KEY_PROTO)))
		want.set |= 1u << VF_KEY_VLAN;

	/* What differs goes in one message per VF, as one change (with 256 VFs, a message per
	 * attribute was most of a run). Refused, each is sent alone, so the one the driver
	 * refuses is named and the others still go in. */
	char olds[ELEMENTSOF(order)][64], news[ELEMENTSOF(order)][64], where[64];
	unsigned send = 0;

	snprintf(where, sizeof(where), "%s vf %u", pf->addr, index);
	for (size_t i = 0; i < ELEMENTSOF(order); i++) {
		enum vf_key k = order[i];
		const char *name = k == VF_KEY_MIN_TX_RATE ? "rate" : vf_key_to_string(k);

		if (!(want.set & (1u << k)))
			continue;
		int reported = k == VF_KEY_SPOOFCHK	? v->spoofchk
			       : k == VF_KEY_TRUST	? v->trust
			       : k == VF_KEY_QUERY_RSS	? v->query_rss
			       : k == VF_KEY_LINK_STATE ? v->link_state
			       : k == VF_KEY_NODE_GUID	? (v->has_node_guid ? 0 : -1)
			       : k == VF_KEY_PORT_GUID	? (v->has_port_guid ? 0 : -1)
							: 0;

		describe(k, &cur, olds[i], sizeof(olds[i]));
		describe(k, &want, news[i], sizeof(news[i]));
		/* A setting the driver does not report is sent; an equal one is not. */
		if (unread || reported < 0)
			snprintf(olds[i], sizeof(olds[i]), "unknown");
		else if (streq(olds[i], news[i]))
			continue;
		if (plan_diff(plan, where, name, olds[i], news[i]))
			send |= 1u << i;
	}
	struct vf_state sent = state_of(&want);
	bool together =
	    __builtin_popcount(send) > 1 && netlink_vf_set(ifindex, index, send, &sent) == 0;

	for (size_t i = 0; i < ELEMENTSOF(order); i++) {
		enum vf_key k = order[i];
		const char *name = k == VF_KEY_MIN_TX_RATE ? "rate" : vf_key_to_string(k);

		if (!(send & (1u << i)))
			continue;
		r = together ? 0 : netlink_vf_set(ifindex, index, 1u << i, &sent);
		if (r < 0) {
			log_error_errno(r, "%s vf %u: %s: %m", pf->addr, index, name);
			if (!first)
				first = r;
			continue;
		}
		log_info("%s vf %u: %s %s -> %s", pf->addr, index, name, olds[i], news[i]);
	}
	if (first)
		return first;
	/* Sent, but never read back: not reported as done. */
	return unread ? -EMSGSIZE : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VF's network settings: what the policy wants against what the PF driver reports. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "mac.h"
#include "netlink.h"
#include "netvf.h"
#include "sysfs.h"

DEFINE_POINTER_CLEANUP(struct link_state, link_state_done)

/* The VF table of the PF handled last: one RTM_GETLINK per PF and run, not one per VF. */
static struct {
	char ifname[16];
	int ifindex;
	struct link_state s;
	bool warned; /* "could not read back" is said once per run */
} vf_table;

void netvf_forget(void)
{
	link_state_done(&vf_table.s);
	vf_table.ifname[0] = '\0';
}

int netvf_table(const struct pf_facts *pf, int *ret_ifindex, const struct link_state **ret)
{
	int r;

	if (!pf->ifname[0])
		return -ENODEV;
	if (!streq(vf_table.ifname, pf->ifname)) {
		netvf_forget();
		r = netdev_ifindex(pf->ifname, &vf_table.ifindex);
		if (r < 0)
			return r;
		r = netlink_link_get(vf_table.ifindex, pf->ifname, &vf_table.s);
		if (r == -ESTALE)
			log_error("%s: ifindex %d no longer names %s; not using it", pf->addr,
				  vf_table.ifindex, pf->ifname);
		if (r < 0)
			return r;
		snprintf(vf_table.ifname, sizeof(vf_table.ifname), "%s", pf->ifname);
	}
	if (ret_ifindex)
		*ret_ifindex = vf_table.ifindex;
	*ret = &vf_table.s;
	return 0;
}

int netvf_table_complete(const struct pf_facts *pf, const struct link_state *s)
{
	if (s->n_reported >= s->n_vfs)
		return 0;
	if (!vf_table.warned)
		log_warning(
		    "%s: %s has %u VFs, the kernel's reply describes %u: the settings of the others cannot be read back",
		    pf->addr, pf->ifname, s->n_vfs, s->n_reported);
	vf_table.warned = true;
	return -EMSGSIZE;
}

int netvf_perm_mac(const char *ifname, uint8_t ret[static 6])
{
	_cleanup_free_ char *type = NULL, *addr = NULL;
	struct link_state s = {};
	int ifindex, r;

	/* addr_assign_type 0 (NET_ADDR_PERM): the current address is the permanent one. */
	if (netdev_read(ifname, "addr_assign_type", &type) >= 0 && streq(type, "0") &&
	    netdev_read(ifname, "address", &addr) >= 0 && mac_parse(addr, ret) >= 0)
		return 0;
	r = netdev_ifindex(ifname, &ifindex);
	if (r < 0)
		return r;
	r = netlink_link_get(ifindex, ifname, &s);
	if (r < 0)
		return r;
	r = s.has_perm_mac && !mac_is_zero(s.perm_mac) ? 0 : -ENODATA;
	if (r == 0)
		memcpy(ret, s.perm_mac, 6);
	link_state_done(&s);
	return r;
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
		r = netvf_perm_mac(pf->ifname, perm);
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
		.link_state = v->link_state < 0 ? VF_LINK_STATE_AUTO : v->link_state,
	};

	memcpy(c.mac, v->mac, 6);
	return c;
}

int netvf_apply(const struct pf_facts *pf, unsigned index, const struct vf_config *vc,
		struct plan *plan)
{
	static const enum vf_key order[] = { VF_KEY_MAC,      VF_KEY_VLAN,  VF_KEY_MIN_TX_RATE,
					     VF_KEY_SPOOFCHK, VF_KEY_TRUST, VF_KEY_LINK_STATE,
					     VF_KEY_QUERY_RSS };
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

	if (!(want.set & (1u << VF_KEY_MAC))) {
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

	for (size_t i = 0; i < ELEMENTSOF(order); i++) {
		enum vf_key k = order[i];
		const char *name = k == VF_KEY_MIN_TX_RATE ? "rate" : vf_key_to_string(k);
		char old[64], new[64], where[64];

		if (!(want.set & (1u << k)))
			continue;
		int reported = k == VF_KEY_SPOOFCHK	? v->spoofchk
			       : k == VF_KEY_TRUST	? v->trust
			       : k == VF_KEY_QUERY_RSS	? v->query_rss
			       : k == VF_KEY_LINK_STATE ? v->link_state
							: 0;

		describe(k, &cur, old, sizeof(old));
		describe(k, &want, new, sizeof(new));
		/* A setting the driver does not report is sent; an equal one is not. */
		if (unread || reported < 0)
			snprintf(old, sizeof(old), "unknown");
		else if (streq(old, new))
			continue;
		snprintf(where, sizeof(where), "%s vf %u", pf->addr, index);
		if (!plan_diff(plan, where, name, old, new))
			continue;
		r = netlink_vf_set(ifindex, index, k, &want);
		if (r < 0) {
			log_error_errno(r, "%s vf %u: %s: %m", pf->addr, index, name);
			if (!first)
				first = r;
			continue;
		}
		log_info("%s vf %u: %s %s -> %s", pf->addr, index, name, old, new);
	}
	if (first)
		return first;
	/* Sent, but never read back: not reported as done. */
	return unread ? -EMSGSIZE : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VF's own devices: its netdev and its vfio nodes (group, and device cdev). udev sets what it can
 * in their own events (properties, symlinks, owner and mode); vio sets the MTU and compares the
 * rest. */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/log.h"

#include "apply/live.h"
#include "apply/netvf.h"
#include "apply/vfdev.h"
#include "sys/pci_driver.h"

/* Drivers that take a VF away from the host's network stack: passthrough and DPDK. */
static bool driver_is_passthrough(const char *d)
{
	static const char *const names[] = { "vfio-pci", "vfio_pci",	    "pci-stub",
					     "pci_stub", "uio_pci_generic", "igb_uio" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (streq(d, names[i]))
			return true;
	return false;
}

static bool is_vfio(const struct vf_config *vc)
{
	return vc->set & VF_KEY_BIT(VF_KEY_DRIVER) && pci_driver_is_vfio(vc->driver);
}

const char *vfdev_managed_by(const struct pf_plan_config *pc, const struct vf_config *vc,
			     const char **ret_nm_unmanaged, const char **ret_why)
{
	const char *m = NULL;

	*ret_nm_unmanaged = NULL;
	*ret_why = "policy";
	if (pc->kind != PF_KIND_NET)
		return NULL;
	if (vc->set & VF_KEY_BIT(VF_KEY_MANAGED_BY))
		m = vc->managed_by;
	else if (vc->set & VF_KEY_BIT(VF_KEY_DRIVER) && driver_is_passthrough(vc->driver)) {
		m = "none";
		*ret_why = "default for passthrough and DPDK drivers";
	} else {
		*ret_why = "default: the host's network manager decides";
		return NULL;
	}
	return vfdev_manager_ids(m, ret_nm_unmanaged);
}

const char *vfdev_manager_ids(const char *m, const char **ret_nm_unmanaged)
{
	*ret_nm_unmanaged = NULL;
	/* systemd-networkd manages a link only when ID_NET_MANAGED_BY is unset or its own ID;
	 * NetworkManager leaves alone what has NM_UNMANAGED=1. */
	if (streq(m, "host"))
		return NULL;
	if (streq(m, "NetworkManager")) {
		*ret_nm_unmanaged = "0";
		return "org.freedesktop.NetworkManager";
	}
	*ret_nm_unmanaged = "1";
	if (streq(m, "none"))
		return "vio";
	if (streq(m, "networkd"))
		return "io.systemd.Network";
	return m;
}

void vfdev_props(struct udev_props *props, const struct pf_facts *facts, unsigned index,
		 const struct pf_plan_config *pc, const struct vf_config *vc)
{
	const char *id, *nm, *why;

	udev_props_add(props, "VIO_PF", "%s", facts->addr);
	udev_props_add(props, "VIO_VF", "%u", index);
	id = vfdev_managed_by(pc, vc, &nm, &why);
	if (id) {
		udev_props_add(props, "VIO_NET_MANAGED_BY", "%s", id);
		udev_props_add(props, "VIO_NM_UNMANAGED", "%s", nm);
	}
	if (pc->kind == PF_KIND_NET && vc->set & VF_KEY_BIT(VF_KEY_MTU))
		udev_props_add(props, "VIO_VF_MTU", "%u", vc->mtu);
}

/* Under udev the device's own event carries the properties; asking for another event from
 * inside one would only repeat it. */
static bool under_udev(void)
{
	return getenv("SEQNUM");
}

static enum result netdev_apply(struct pcidev *vf, const char *where, const struct apply_opts *o,
				const struct pf_plan_config *pc, const struct vf_config *vc)
{
	_cleanup_free_ char *cur = NULL;
	const char *id, *nm, *why;
	char ifname[16], what[64];
	int r;

	id = vfdev_managed_by(pc, vc, &nm, &why);
	if (!(vc->set & VF_KEY_BIT(VF_KEY_MTU)) && !id)
		return RESULT_OK;
	/* Just bound: udev is renaming the new interface; its final name, please. */
	r = pcidev_netdev_settled(vf, ifname);
	if (r == -ENOENT || r == -ENODEV) /* its own udev event will bring the settings */
		return RESULT_OK;
	if (r < 0)
		return log_error_errno(r, "%s: cannot read its interface: %m", where),
		       RESULT_DEVICE;
	if (vc->set & VF_KEY_BIT(VF_KEY_MTU)) {
		r = netvf_set_mtu(where, ifname, vc->mtu, o->plan);
		if (r < 0)
			return log_error_errno(r, "%s: cannot set the MTU of %s to %u: %m", where,
					       ifname, vc->mtu),
			       RESULT_DEVICE;
	}
	if (!id || under_udev())
		return RESULT_OK;
	r = pcidev_netdev_property(ifname, "ID_NET_MANAGED_BY", &cur);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read udev's properties of %s: %m", where,
				       ifname),
		       RESULT_DEVICE;
	if (cur && streq(cur, id))
		return RESULT_OK;
	snprintf(what, sizeof(what), "ID_NET_MANAGED_BY of %s", ifname);
	if (!plan_diff(o->plan, where, what, cur ?: "unset", id))
		return RESULT_OK;
	/* The netdev's rules take it from the VF's properties: the VF's event first. */
	r = pcidev_trigger(vf);
	if (r >= 0)
		r = pcidev_netdev_trigger(ifname);
	if (r < 0)
		return log_error_errno(r, "%s: cannot ask udev to run its rules for %s: %m", where,
				       ifname),
		       RESULT_DEVICE;
	log_info("%s: asked udev to set ID_NET_MANAGED_BY=%s on %s", where, id, ifname);
	return RESULT_OK;
}

static int account_diff(const char *where, const struct apply_opts *o, const char *node,
			const char *what, const char *want, unsigned cur_id, bool *differs)
{
	char label[PATH_MAX + 16], cur[32];
	struct passwd *pw = NULL;
	struct group *gr = NULL;
	bool user = streq(what, "owner");

	if (user)
		pw = getpwuid(cur_id);
	else
		gr = getgrgid(cur_id);
	if (pw || gr)
		snprintf(cur, sizeof(cur), "%s", pw ? pw->pw_name : gr->gr_name);
	else
		snprintf(cur, sizeof(cur), "%u", cur_id);
	if (streq(cur, want))
		return 0;
	if (user ? !getpwnam(want) : !getgrnam(want))
		return log_error("%s: vfio_%s = \"%s\": no such %s on this host", where, what, want,
				 user ? "user" : "group"),
		       -ENOENT;
	snprintf(label, sizeof(label), "%s of %s", what, node);
	*differs |= plan_diff(o->plan, where, label, cur, want);
	return 0;
}

/* The VF's vfio device cdev (vfioN, /dev/vfio/devices/vfioN): kernels from 6.6 built with
 * iommufd make one beside the group node. 0 and its name, or -ENOENT. */
static int vfio_cdev(const struct pcidev *vf, char name[static NAME_MAX + 1])
{
	_cleanup_(closedirp) DIR *dir = NULL;
	char p[PATH_MAX];
	struct dirent *de;

	snprintf(p, sizeof(p), "%s/vfio-dev", pcidev_syspath(vf));
	dir = opendir(p);
	while (dir && (de = readdir(dir))) {
		if (!strneq(de->d_name, "vfio", 4))
			continue;
		/* Kernels without the cdev (Debian's 6.1, 6.12) still list vfio-dev/vfioN, with no
		 * dev. */
		snprintf(p, sizeof(p), "%s/vfio-dev/%s/dev", pcidev_syspath(vf), de->d_name);
		if (access(p, F_OK) == 0) {
			snprintf(name, NAME_MAX + 1, "%s", de->d_name);
			return 0;
		}
	}
	return -ENOENT;
}

/* One vfio node (group or cdev) against the policy: its by-vf link, owner, group and mode.
 * 1: differs, 0: as the policy says, or -ENOENT (a policy error, logged). */
static int vfio_node_diff(const char *where, const struct apply_opts *o, const char *node,
			  const char *link, const struct vf_config *vc)
{
	_cleanup_free_ char *target = NULL;
	char label[PATH_MAX + 16];
	bool differs = false;
	struct stat st;

	/* devtmpfs makes the node with the device; without one there is nothing to set up. */
	if (stat(node, &st) < 0)
		return log_debug_errno(errno, "%s: no %s: %m", where, node), 0;
	target = realpath(link, NULL);
	if (!target || !streq(target, node)) {
		snprintf(label, sizeof(label), "%s", link);
		differs |= plan_diff(o->plan, where, label, target ?: "missing", node);
	}
	if (vc->set & VF_KEY_BIT(VF_KEY_VFIO_OWNER) &&
	    account_diff(where, o, node, "owner", vc->vfio_owner, st.st_uid, &differs) < 0)
		return -ENOENT;
	if (vc->set & VF_KEY_BIT(VF_KEY_VFIO_GROUP) &&
	    account_diff(where, o, node, "group", vc->vfio_group, st.st_gid, &differs) < 0)
		return -ENOENT;
	if (vc->set & VF_KEY_BIT(VF_KEY_VFIO_MODE) && (st.st_mode & 07777) != vc->vfio_mode) {
		char cur[8], want[8];

		snprintf(cur, sizeof(cur), "%04o", st.st_mode & 07777);
		snprintf(want, sizeof(want), "%04o", vc->vfio_mode);
		snprintf(label, sizeof(label), "mode of %s", node);
		differs |= plan_diff(o->plan, where, label, cur, want);
	}
	return differs;
}

static enum result vfio_apply(struct pcidev *vf, const char *where, const struct apply_opts *o,
			      const struct pf_facts *facts, unsigned index,
			      const struct vf_config *vc)
{
	_cleanup_free_ char *drv = NULL;
	char node[PATH_MAX], link[PATH_MAX], cdev[NAME_MAX + 1], attr[PATH_MAX];
	unsigned group;
	int r;

	if (!is_vfio(vc) || under_udev() || pcidev_driver(vf, &drv) < 0 || !drv ||
	    !pci_driver_is_vfio(drv))
		return RESULT_OK; /* binding says what went wrong */

	/* The group node, when the kernel has groups (CONFIG_VFIO_GROUP, every kernel so far). */
	if (pcidev_iommu_group(vf, &group) >= 0) {
		snprintf(node, sizeof(node), "/dev/vfio/%u", group);
		snprintf(link, sizeof(link), "/dev/vfio/by-vf/%s-vf%u", facts->addr, index);
		r = vfio_node_diff(where, o, node, link, vc);
		if (r < 0)
			return RESULT_POLICY;
		/* udev owns /dev: its vfio rule (60-vio.rules) makes the link and sets the node. */
		if (r > 0 && o->plan->mode == PLAN_APPLY) {
			if (pcidev_vfio_trigger(group) < 0)
				return log_error_errno(
					   errno, "%s: cannot ask udev to run its rules for %s: %m",
					   where, node),
				       RESULT_DEVICE;
			log_info("%s: asked udev to set up %s", where, node);
		}
	}

	/* The device cdev iommufd users open: the same link, owner, group and mode. */
	if (vfio_cdev(vf, cdev) < 0)
		return RESULT_OK;
	snprintf(node, sizeof(node), "/dev/vfio/devices/%s", cdev);
	snprintf(link, sizeof(link), "/dev/vfio/devices/by-vf/%s-vf%u", facts->addr, index);
	r = vfio_node_diff(where, o, node, link, vc);
	if (r < 0)
		return RESULT_POLICY;
	if (r > 0 && o->plan->mode == PLAN_APPLY) {
		snprintf(attr, sizeof(attr), "vfio-dev/%s/uevent", cdev);
		r = pcidev_write(vf, attr, "change");
		if (r < 0)
			return log_error_errno(r, "%s: cannot ask udev to run its rules for %s: %m",
					       where, node),
			       RESULT_DEVICE;
		log_info("%s: asked udev to set up %s", where, node);
	}
	return RESULT_OK;
}

enum result vfdev_apply(struct pcidev *vf, const char *where, const struct apply_opts *o,
			const struct pf_facts *facts, unsigned index,
			const struct pf_plan_config *pc, const struct vf_config *vc, bool in_use)
{
	enum result ex = RESULT_OK;

	/* What its user (a guest, a pod, DPDK) has is its user's. */
	if (in_use)
		return RESULT_OK;
	if (pc->kind == PF_KIND_NET)
		ex = netdev_apply(vf, where, o, pc, vc);
	return result_worst(ex, vfio_apply(vf, where, o, facts, index, vc));
}

struct vfio_ctx {
	const struct apply_opts *o;
	const char *dir; /* of the links: vfio/by-vf (groups) or vfio/devices/by-vf (cdevs) */
	char links[512];
	char owner[ACCOUNT_NAME_MAX], group[ACCOUNT_NAME_MAX];
	unsigned mode;
	bool has_mode;
};

static int vfio_member(struct pcidev *d, void *userdata)
{
	_cleanup_(pcidev_unrefp) struct pcidev *pf = NULL;
	struct vfio_ctx *c = userdata;
	_cleanup_(pf_plan_config_done) struct pf_plan_config pc = {};
	PF_FACTS(facts);
	struct vf_config vc;
	unsigned index;
	size_t n = strlen(c->links);

	if (pcidev_physfn(d, &pf, &index) < 0 ||
	    model_pf_config(pf, c->o, &facts, &pc) != RESULT_OK || !pc.policy ||
	    policy_resolve_vf(&pc, index, &vc) < 0)
		return 0;
	/* A name that stays when group numbers change (they follow probe order). */
	snprintf(c->links + n, sizeof(c->links) - n, "%s%s/%s-vf%u", n ? " " : "", c->dir,
		 facts.addr, index);
	/* Several VFs in one group (no ACS): the first that says wins. */
	if (vc.set & VF_KEY_BIT(VF_KEY_VFIO_OWNER) && !c->owner[0])
		memcpy(c->owner, vc.vfio_owner, sizeof(c->owner));
	if (vc.set & VF_KEY_BIT(VF_KEY_VFIO_GROUP) && !c->group[0])
		memcpy(c->group, vc.vfio_group, sizeof(c->group));
	if (vc.set & VF_KEY_BIT(VF_KEY_VFIO_MODE) && !c->has_mode) {
		c->mode = vc.vfio_mode;
		c->has_mode = true;
	}
	return 0;
}

static void vfio_props(struct udev_props *props, const struct vfio_ctx *c)
{
	if (c->links[0])
		udev_props_add(props, "VIO_VFIO_LINKS", "%s", c->links);
	if (c->owner[0])
		udev_props_add(props, "VIO_VFIO_OWNER", "%s", c->owner);
	if (c->group[0])
		udev_props_add(props, "VIO_VFIO_GROUP", "%s", c->group);
	if (c->has_mode)
		udev_props_add(props, "VIO_VFIO_MODE", "%04o", c->mode);
}

enum result vfdev_vfio_props(struct udev_props *props, unsigned group, const struct apply_opts *o)
{
	struct vfio_ctx c = { .o = o, .dir = "vfio/by-vf" };
	int r = pcidev_iommu_group_foreach(group, vfio_member, &c);

	if (r < 0)
		return log_error_errno(r, "vfio group %u: cannot read its devices: %m", group),
		       RESULT_DEVICE;
	vfio_props(props, &c);
	return RESULT_OK;
}

enum result vfdev_vfio_cdev_props(struct udev_props *props, const char *name,
				  const struct apply_opts *o)
{
	_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;
	struct vfio_ctx c = { .o = o, .dir = "vfio/devices/by-vf" };
	char p[PATH_MAX];
	unsigned n;
	int r;

	if (!strneq(name, "vfio", 4) || parse_unsigned(name + 4, INT_MAX, &n) < 0)
		return log_error("vfio-dev: '%s' is not a vfio device name (vfioN)", name),
		       RESULT_USAGE;
	snprintf(p, sizeof(p), "/sys/class/vfio-dev/%s/device", name);
	r = pcidev_from_arg(p, &vf);
	if (r < 0)
		return log_error_errno(r, "vfio device %s: cannot read its device: %m", name),
		       RESULT_DEVICE;
	(void)vfio_member(vf, &c);
	vfio_props(props, &c);
	return RESULT_OK;
}

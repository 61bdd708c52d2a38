/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "shared/result.h"

#include "core/model.h"
#include "core/udevprops.h"

/* A VF's own devices: its netdev (MTU, which network manager may have it) and its vfio group
 * node (a stable name, owner, group and mode). Both reach udev as properties. */

/* The properties `vio vf --export` gives udev: VIO_PF, VIO_VF and, for the netdev's rules,
 * VIO_NET_MANAGED_BY, VIO_NM_UNMANAGED and VIO_VF_MTU. */
void vfdev_props(struct udev_props *props, const struct pf_facts *facts, unsigned index,
		 const struct pf_plan_config *pc, const struct vf_config *vc);

/* The VF's netdev and vfio node as the policy says (MTU set; udev asked to run its rules again
 * where the properties differ), or printed and counted as the plan's mode says. in_use: the
 * VF's user has them. Returns a result; logs naming where. */
enum result vfdev_apply(struct pcidev *vf, const char *where, const struct apply_opts *o,
			const struct pf_facts *facts, unsigned index,
			const struct pf_plan_config *pc, const struct vf_config *vc, bool in_use);

/* `vio vfio-group N`: the udev properties of vfio group N (VIO_VFIO_LINKS, VIO_VFIO_OWNER,
 * VIO_VFIO_GROUP, VIO_VFIO_MODE) for the VFs in it that a policy covers. */
enum result vfdev_vfio_props(struct udev_props *props, unsigned group, const struct apply_opts *o);
/* `vio vfio-dev vfioN`: the same for the device cdev of one VF (iommufd, /dev/vfio/devices),
 * its link under vfio/devices/by-vf. */
enum result vfdev_vfio_cdev_props(struct udev_props *props, const char *name,
				  const struct apply_opts *o);

/* Who manages a VF's netdev: the ID for ID_NET_MANAGED_BY (NULL: the host decides) and
 * NM_UNMANAGED's value; why says where it came from. */
/* A managed_by value's ID_NET_MANAGED_BY (NULL for "host": nothing set) and NM_UNMANAGED. */
const char *vfdev_manager_ids(const char *m, const char **ret_nm_unmanaged);
const char *vfdev_managed_by(const struct pf_plan_config *pc, const struct vf_config *vc,
			     const char **ret_nm_unmanaged, const char **ret_why);

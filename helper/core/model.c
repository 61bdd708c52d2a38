/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a PF is (its facts: sysfs, hwdb, its interface) and which policy, resolved, applies to
 * it; the driver each VF should have. The commands and the apply steps ask here. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/result.h"
#include "shared/util.h"

#include "core/model.h"
#include "core/policyset.h"
#include "sys/iommu.h"
#include "sys/modalias.h"
#include "sys/modload.h"
#include "sys/netdev.h"
#include "sys/pci_driver.h"

static enum pf_kind kind_from_class(unsigned class)
{
	switch (class >> 16) {
	case 0x02:
		return PF_KIND_NET;
	case 0x03:
		return PF_KIND_GPU;
	default:
		return PF_KIND_DEV;
	}
}

int model_facts_read(struct pcidev *pf, bool need_perm_mac, struct pf_facts *ret)
{
	_cleanup_free_ char *drv = NULL;
	struct pf_facts f = { .vf_total_msix = -1, .live = ret->live };
	struct pcidev_hwdb hw;
	unsigned class, n;
	int r;

	snprintf(f.addr, sizeof(f.addr), "%s", pcidev_addr(pf));
	snprintf(f.bus, sizeof(f.bus), "%s", pcidev_subsystem(pf));
	snprintf(f.driver, sizeof(f.driver), "%s",
		 pcidev_driver(pf, &drv) >= 0 && drv ? drv : "none");
	if (pcidev_netdev(pf, f.ifname) < 0)
		f.ifname[0] = '\0';
	/* IPoIB: an InfiniBand PF's interface (ARPHRD_INFINIBAND). */
	if (f.ifname[0]) {
		_cleanup_free_ char *type = NULL;

		f.infiniband = netdev_read(f.ifname, "type", &type) >= 0 && streq(type, "32");
	}
	if (need_perm_mac && f.ifname[0])
		f.has_perm_mac = netdev_perm_mac(f.ifname, f.perm_mac) >= 0;

	r = pcidev_read_unsigned(pf, "sriov_totalvfs", &f.totalvfs);
	if (r == -ENOENT && !pcidev_is_pci(pf)) {
		/* netdevsim has sriov_numvfs only: the driver has the last word on the count. */
		f.totalvfs = VF_INDEX_MAX;
		f.kind_default = f.ifname[0] ? PF_KIND_NET : PF_KIND_DEV;
		f.kind_source = "its interface";
		if (pcidev_hwdb(pf, &hw) >= 0)
			f.eswitch_vfs_unbound = streq(hw.eswitch_order, "vfs-unbound");
		*ret = f;
		return 0;
	}
	if (r == -ENOENT)
		return log_error_errno(r, "%s: not SR-IOV capable (no sriov_totalvfs)", f.addr);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read sriov_totalvfs: %m", f.addr);
	if (pcidev_read_hex(pf, "vendor", &f.vendor) < 0 ||
	    pcidev_read_hex(pf, "device", &f.device) < 0 ||
	    pcidev_read_hex(pf, "class", &class) < 0)
		return log_error_errno(EBADMSG, "%s: cannot read vendor, device and class", f.addr);

	if (pcidev_hwdb(pf, &hw) < 0)
		hw = (struct pcidev_hwdb){};
	if (pf_kind_from_string(hw.kind) >= 0) {
		f.kind_default = pf_kind_from_string(hw.kind);
		f.kind_source = "hwdb";
	} else {
		f.kind_default = kind_from_class(class);
		f.kind_source = "PCI class";
	}
	/* Linux 5.13+, drivers that size each VF's MSI-X table (mlx5). */
	f.vf_total_msix =
	    pcidev_read_unsigned(pf, "sriov_vf_total_msix", &n) >= 0 && n <= INT_MAX ? (int)n : -1;
	/* Intel's xe: each VF's profile under the PF, vf1 up to sriov_totalvfs, VFs or not. */
	f.gpu_admin = pcidev_has_attr(pf, "sriov_admin/vf1/profile");
	f.gpu_vram = f.gpu_admin && pcidev_has_attr(pf, "sriov_admin/vf1/profile/vram_quota");
	f.gpu_vram_rw =
	    f.gpu_vram && pcidev_attr_writable(pf, "sriov_admin/vf1/profile/vram_quota");
	snprintf(f.unsupported, sizeof(f.unsupported), "%s", hw.unsupported);
	if (drv && pci_driver_is_vfio(drv))
		snprintf(f.passed_through, sizeof(f.passed_through), "%s", drv);
	f.link_up_default = streq(hw.pf_link, "up");
	f.eswitch_vfs_unbound = streq(hw.eswitch_order, "vfs-unbound");
	f.nvme_virt = hw.nvme_virt;
	f.nvme_release = hw.nvme_release;
	f.eswitch_inline =
	    hw.eswitch_inline[0] ? eswitch_inline_from_string(hw.eswitch_inline) : -1;
	if (f.eswitch_inline < 0)
		f.eswitch_inline = -1;
	if (module_name_valid(hw.vf_driver))
		snprintf(f.vf_driver, sizeof(f.vf_driver), "%s", hw.vf_driver);
	*ret = f;
	return 0;
}

enum result model_pf_config(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
			    struct pf_plan_config *ret)
{
	const struct policy *p = NULL;

	pf_plan_config_done(ret);
	*ret = (struct pf_plan_config){};
	if (model_facts_read(pf, policyset_needs_perm_mac(o->policies), facts) < 0)
		return RESULT_DEVICE;
	/* On a policy error, ret names the file at fault (for the status), and nothing else. */
	if (policyset_find(o->policies, facts, &p) < 0) {
		*ret = (struct pf_plan_config){ .policy = p };
		return RESULT_POLICY;
	}
	if (!p)
		return RESULT_OK;
	if (policy_resolve_pf(p, facts, ret) < 0) {
		*ret = (struct pf_plan_config){ .policy = p };
		return RESULT_POLICY;
	}
	return RESULT_OK;
}

int model_vfio_without_iommu(const struct pf_plan_config *pc, unsigned *ret_line)
{
	if (!pc->vfio || iommu_on())
		return -1;
	*ret_line = pc->vfio_line;
	return (int)pc->vfio_vf;
}

/* driver = "vfio": the VF's vfio variant driver where the kernel has one, else vfio-pci. */
static int vfio_driver(struct pcidev *vf, char **ret, const char **ret_source)
{
	static char why[640];
	_cleanup_free_ char *modalias = NULL, *alias = NULL;
	int r;

	if (!vf) {
		*ret_source =
		    "policy: vfio (its variant driver, if the kernel has one, once it exists)";
		*ret = strdup("vfio-pci");
		return *ret ? 0 : -ENOMEM;
	}
	r = pcidev_read(vf, "modalias", &modalias);
	if (r < 0)
		return r;
	r = modalias_vfio_variant(modalias, ret, &alias);
	if (r == -ENOENT) {
		*ret_source = "policy: vfio; no variant driver is for it (modules.alias): vfio-pci";
		*ret = strdup("vfio-pci");
		return *ret ? 0 : -ENOMEM;
	}
	if (r < 0)
		return r;
	snprintf(why, sizeof(why),
		 "policy: vfio; its variant driver, the most specific match in modules.alias (%s)",
		 alias);
	*ret_source = why;
	return 0;
}

int model_vf_driver(const struct pf_facts *facts, struct pcidev *vf,
		    const struct pf_plan_config *pc, const struct vf_config *vc, char **ret,
		    const char **ret_source)
{
	_cleanup_free_ char *modalias = NULL;
	int r;

	*ret_source = "policy";
	if (vc->set & (1u << VF_KEY_DRIVER) && streq(vc->driver, "vfio"))
		return vfio_driver(vf, ret, ret_source);
	if (vc->set & (1u << VF_KEY_DRIVER)) {
		*ret = strdup(vc->driver);
		return *ret ? 0 : -ENOMEM;
	}
	if (pc->autoprobe) {
		*ret_source = "autoprobe on: the kernel's choice";
		*ret = NULL;
		return 0;
	}
	/* Autoprobe is off, so nothing binds the VF unless we do: its native driver. */
	*ret_source = "native driver, hwdb VIO_VF_DRIVER";
	if (facts->vf_driver[0]) {
		*ret = strdup(facts->vf_driver);
		return *ret ? 0 : -ENOMEM;
	}
	*ret_source = "native driver, from the VF's modalias";
	r = pcidev_read(vf, "modalias", &modalias);
	if (r < 0)
		return r;
	return modload_resolve_alias(modalias, ret);
}

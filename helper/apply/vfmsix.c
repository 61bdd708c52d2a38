/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VF's MSI-X vectors, before its driver binds (vfmsix.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "shared/log.h"

#include "apply/vfmsix.h"
#include "apply/bind.h"

enum result vfmsix_apply(struct pcidev *vf, const char *where, const struct apply_opts *o,
			 const struct pf_plan_config *pc, const struct vf_config *vc,
			 const char *want)
{
	_cleanup_free_ char *drv = NULL;
	char cur[16], new[16];
	unsigned n;
	int r;

	if (!(vc->set & VF_KEY_BIT(VF_KEY_MSIX)))
		return RESULT_OK;
	r = pcidev_read_unsigned(vf, "sriov_vf_msix_count", &n);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read sriov_vf_msix_count: %m", where),
		       RESULT_DEVICE;
	if (n == vc->msix)
		return RESULT_OK;
	snprintf(cur, sizeof(cur), "%u", n);
	snprintf(new, sizeof(new), "%u", vc->msix);
	(void)pcidev_driver(vf, &drv);
	if (!plan_diff(o->plan, where, "sriov_vf_msix_count", cur, new)) {
		if (drv)
			plan_note(o->plan, where, "(unbound from %s first, then bound again)", drv);
		return RESULT_OK;
	}
	if (drv) {
		enum result ex = bind_release(vf, where, pc, drv, "its MSI-X vectors");

		if (ex != RESULT_OK)
			return ex;
	}
	r = pcidev_write(vf, "sriov_vf_msix_count", new);
	if (r < 0) {
		/* The kernel's two refusals, in the words of what causes them. */
		log_error_errno(
		    r, "%s: cannot set sriov_vf_msix_count %s -> %s: %m%s", where, cur, new,
		    r == -EBUSY ? " (a driver has the VF)"
		    : r == -EINVAL
			? " (more than the PF's driver gives one VF, or its pool is spent)"
			: "");
		/* Not left without the driver it had: the kernel chooses it again. */
		if (drv && !want)
			(void)pcidev_probe(vf);
		return RESULT_DEVICE;
	}
	log_info("%s: sriov_vf_msix_count %s -> %s", where, cur, new);
	/* The bind step binds want; without one, the kernel chooses the driver as before. */
	if (drv && !want && pcidev_probe(vf) < 0)
		log_warning("%s: unbound, and the kernel could not bind a driver again", where);
	return RESULT_OK;
}

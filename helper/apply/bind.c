/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VF's driver: which one it should have, and binding it (driver_override, module, probe). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/result.h"

#include "apply/attr.h"
#include "apply/bind.h"
#include "core/guard.h"
#include "core/model.h"
#include "sys/modload.h"
#include "sys/pci_driver.h"

enum result bind_release(struct pcidev *vf, const char *where, const struct pf_plan_config *pc,
			 const char *drv, const char *what)
{
	_cleanup_free_ char *why = NULL;
	int r;

	if (guard_vf(vf, pc, &why) == GUARD_REFUSED)
		return log_error(
			   "%s: not unbinding it from %s to change %s: in use (%s); set force = true in %s to do it anyway",
			   where, drv, what, why, pc->policy->path),
		       RESULT_REFUSED;
	r = pcidev_unbind(vf, drv);
	if (r < 0)
		return log_error_errno(r, "%s: cannot unbind from %s: %m", where, drv),
		       RESULT_DEVICE;
	log_info("%s: unbound from %s to change %s", where, drv, what);
	return RESULT_OK;
}

enum result bind_vf(struct pcidev *vf, const char *where, const struct apply_opts *o,
		    const struct pf_plan_config *pc, const char *want, bool native)
{
	_cleanup_free_ char *cur = NULL, *name = NULL, *override = NULL;
	unsigned group;
	bool was_bound;
	int r;

	r = pcidev_driver(vf, &cur);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read driver: %m", where), RESULT_DEVICE;

	/* The policy names a driver or module; driver_override needs the PCI driver's name. */
	r = pci_driver_name(want, &name);
	if (r == -ENOENT) {
		_cleanup_free_ char *module = NULL;

		if (o->plan->mode != PLAN_APPLY) {
			/* Not loaded: the driver's name is not known yet; the policy's will do. */
			name = strdup(want);
		} else {
			r = modload_load(want, native, &module);
			if (r == -EPERM && native)
				return log_error(
					   "%s: not loading %s, the VF's native driver: modprobe.d blacklists it; name a driver in %s, or lift the blacklist",
					   where, want, pc->policy->path),
				       RESULT_DEVICE;
			if (r < 0)
				return log_error("%s: cannot load module '%s': %s", where, want,
						 modload_strerror(r)),
				       RESULT_DEVICE;
			if (r > 0)
				log_info("%s: loaded module %s", where, module);
			r = pci_driver_name(module, &name);
			if (r < 0)
				return log_error_errno(r,
						       "%s: module %s registers no PCI driver '%s'",
						       where, module, want),
				       RESULT_DEVICE;
		}
	} else if (r < 0) {
		return log_error_errno(r, "%s: bad driver name '%s'", where, want), RESULT_POLICY;
	}
	if (!name)
		return log_oom(), RESULT_USAGE;

	if (cur && streq(cur, name)) {
		log_debug("%s: bound to %s as the policy says", where, cur);
		return RESULT_OK;
	}
	/* vfio-pci refuses devices outside an IOMMU group (the IOMMU is off): said before the
	 * working driver is unbound, which on a NIC VF destroys its interface for nothing. */
	if (pci_driver_is_vfio(name) && pcidev_iommu_group(vf, &group) < 0) {
		log_error(
		    "%s: cannot bind to vfio-pci: the VF has no IOMMU group; is the IOMMU on (intel_iommu=on or amd_iommu=on, and VT-d/AMD-Vi in the firmware)? Left %s%s",
		    where, cur ? "bound to " : "unbound", cur ?: "");
		return RESULT_DEVICE;
	}
	if (!plan_diff(o->plan, where, "driver", cur ?: "none", name))
		return RESULT_OK;
	if (cur) {
		_cleanup_free_ char *why = NULL;

		if (guard_vf(vf, pc, &why) == GUARD_REFUSED) {
			log_error(
			    "%s: bound to %s, policy says %s, but it is in use (%s); set force = true in %s to rebind",
			    where, cur, name, why, pc->policy->path);
			return RESULT_REFUSED;
		}
		r = pcidev_unbind(vf, cur);
		if (r < 0)
			return log_error_errno(r, "%s: cannot unbind from %s: %m", where, cur),
			       RESULT_DEVICE;
		log_info("%s: unbound from %s", where, cur);
	}

	r = pcidev_read(vf, "driver_override", &override);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read driver_override: %m", where),
		       RESULT_DEVICE;
	/* Part of the driver change planned above: written, not planned again. */
	if (!streq(override, name) &&
	    attr_write(vf, "driver_override", streq(override, "(null)") ? "none" : override, name) <
		0)
		return RESULT_DEVICE;

	r = pcidev_probe(vf);
	was_bound = cur != NULL;
	free(cur);
	cur = NULL;
	if (pcidev_driver(vf, &cur) < 0 || !cur || !streq(cur, name)) {
		/* Nothing half done: driver_override back as it was (and the driver it had, if
		 * the kernel's matching gives it back). */
		if (!streq(override, name)) {
			(void)pcidev_write(vf, "driver_override",
					   streq(override, "(null)") ? "\n" : override);
			if (was_bound && !cur)
				(void)pcidev_probe(vf);
		}
		if (r < 0)
			log_error_errno(r, "%s: binding to %s failed: %m; see the kernel log",
					where, name);
		else
			log_error(
			    "%s: binding to %s failed (the driver refused it; driver now %s); see the kernel log",
			    where, name, cur ?: "none");
		return RESULT_DEVICE;
	}
	log_info("%s: bound to %s", where, name);
	return RESULT_OK;
}

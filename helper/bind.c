/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VF's driver: which one it should have, and binding it (driver_override, module, probe). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "apply.h"
#include "modload.h"

int vf_wanted_driver(const struct pf_facts *facts, struct pcidev *vf,
		     const struct pf_plan_config *pc, const struct vf_config *vc, char **ret,
		     const char **ret_source)
{
	_cleanup_free_ char *modalias = NULL;
	int r;

	*ret_source = "policy";
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

int vf_bind(struct pcidev *vf, const char *where, const struct apply_opts *o,
	    const struct pf_plan_config *pc, const char *want, bool native)
{
	_cleanup_free_ char *cur = NULL, *name = NULL, *override = NULL;
	bool was_bound;
	int r;

	r = pcidev_driver(vf, &cur);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read driver: %m", where), EXIT_DEVICE;

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
				       EXIT_DEVICE;
			if (r < 0)
				return log_error("%s: cannot load module '%s': %s", where, want,
						 modload_strerror(r)),
				       EXIT_DEVICE;
			if (r > 0)
				log_info("%s: loaded module %s", where, module);
			r = pci_driver_name(module, &name);
			if (r < 0)
				return log_error_errno(r,
						       "%s: module %s registers no PCI driver '%s'",
						       where, module, want),
				       EXIT_DEVICE;
		}
	} else if (r < 0) {
		return log_error_errno(r, "%s: bad driver name '%s'", where, want), EXIT_POLICY;
	}
	if (!name)
		return log_oom(), EXIT_USAGE;

	if (cur && streq(cur, name)) {
		log_debug("%s: bound to %s as the policy says", where, cur);
		return EXIT_OK;
	}
	if (!plan_diff(o->plan, where, "driver", cur ?: "none", name))
		return EXIT_OK;
	if (cur) {
		_cleanup_free_ char *why = NULL;

		if (pcidev_in_use(vf, &why) > 0 && !pc->force) {
			log_error(
			    "%s: bound to %s, policy says %s, but it is in use (%s); set force = true in %s to rebind",
			    where, cur, name, why, pc->policy->path);
			return EXIT_REFUSED;
		}
		r = pcidev_unbind(vf, cur);
		if (r < 0)
			return log_error_errno(r, "%s: cannot unbind from %s: %m", where, cur),
			       EXIT_DEVICE;
		log_info("%s: unbound from %s", where, cur);
	}

	r = pcidev_read(vf, "driver_override", &override);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read driver_override: %m", where),
		       EXIT_DEVICE;
	/* Part of the driver change planned above: written, not planned again. */
	if (!streq(override, name) &&
	    write_attr(vf, "driver_override", streq(override, "(null)") ? "none" : override, name) <
		0)
		return EXIT_DEVICE;

	r = pcidev_probe(vf);
	was_bound = cur != NULL;
	free(cur);
	cur = NULL;
	if (pcidev_driver(vf, &cur) < 0 || !cur || !streq(cur, name)) {
		unsigned group;

		/* Nothing half done: driver_override back as it was (and the driver it had, if
		 * the kernel's matching gives it back). */
		if (!streq(override, name)) {
			(void)pcidev_write(vf, "driver_override",
					   streq(override, "(null)") ? "\n" : override);
			if (was_bound && !cur)
				(void)pcidev_probe(vf);
		}
		/* vfio-pci refuses devices outside an IOMMU group: the IOMMU is off. */
		if (streq(name, "vfio-pci") && pcidev_iommu_group(vf, &group) < 0)
			log_error(
			    "%s: binding to vfio-pci failed: the VF has no IOMMU group; is the IOMMU on (intel_iommu=on or amd_iommu=on, and VT-d/AMD-Vi in the firmware)?",
			    where);
		else if (r < 0)
			log_error_errno(r, "%s: binding to %s failed: %m; see the kernel log",
					where, name);
		else
			log_error(
			    "%s: binding to %s failed (the driver refused it; driver now %s); see the kernel log",
			    where, name, cur ?: "none");
		return EXIT_DEVICE;
	}
	log_info("%s: bound to %s", where, name);
	return EXIT_OK;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "core/plan.h"
#include "core/policy.h"
#include "sys/pcidev.h"

/* Binds VF to want (a driver or module name); native: the VF's own driver, which a
 * modprobe.d blacklist keeps out. Returns a result; logs naming where. */
/* Unbinds VF from drv so that what (its MSI-X vectors, its controller's resources) can change,
 * unless it is in use and the policy does not say force (guard.h). A result; logs. */
enum result bind_release(struct pcidev *vf, const char *where, const struct pf_plan_config *pc,
			 const char *drv, const char *what);
enum result bind_vf(struct pcidev *vf, const char *where, const struct apply_opts *o,
		    const struct pf_plan_config *pc, const char *want, bool native);

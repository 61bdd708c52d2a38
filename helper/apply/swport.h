/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "shared/result.h"

#include "core/plan.h"
#include "core/policy.h"

/*
 * A switchdev PF's VF ports: devlink rate groups and leaves, and each VF's port function. In
 * the PF's step, after its mode and VFs are in place: every VF's port function keys checked
 * against what its port reports (nothing changes if one is missing), then the policy's rate
 * groups (parents first), the VFs' leaves, and the groups vio made that the policy no longer
 * has (their members taken out first). A refused change puts back what the step changed.
 * A result.
 */
enum result swport_pf(const struct pf_facts *facts, const struct pf_plan_config *pc,
		      struct plan *plan, bool *ret_changed);
/* Before the e-switch leaves switchdev (the kernel refuses while rate groups exist): the
 * groups vio made removed, their members taken out first. 0, or a negative errno (logged). */
int swport_drop_groups(const struct pf_facts *facts, struct plan *plan);

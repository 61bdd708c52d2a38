/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "shared/result.h"

#include "core/plan.h"
#include "core/policy.h"

/* representor_name fits IFNAMSIZ for the PF's last VF (and %p has an interface): checked
 * before anything changes. A result. */
enum result swrep_check(const struct pf_facts *facts, const struct pf_plan_config *pc);
/* In switchdev, after the VFs: each VF representor's name (representor_name) and manager
 * (representor_managed_by, default nobody's) written for udev, and an event asked for those
 * that differ. A result. */
enum result swrep_apply(const struct pf_facts *facts, const struct pf_plan_config *pc,
			struct plan *plan, bool *ret_changed);

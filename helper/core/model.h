/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "core/plan.h"
#include "core/policy.h"
#include "sys/pcidev.h"

/* Reads what a policy is matched and checked against. Logs, naming the device. */
int model_facts_read(struct pcidev *pf, bool need_perm_mac, struct pf_facts *ret);
/* Finds and checks the policy of a PF. RESULT_OK with ret->policy NULL: none applies. */
enum result model_pf_config(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
			    struct pf_plan_config *ret);
/* The first VF the policy binds to vfio-pci when the host has no IOMMU (and the line that says
 * so), else -1. The IOMMU is looked at only for a policy that has vfio-pci (policy.c found
 * which, resolving each VF once). */
int model_vfio_without_iommu(const struct pf_plan_config *pc, unsigned *ret_line);
/* The driver a VF should be bound to (NULL: the kernel's choice stands), and why. */
int model_vf_driver(const struct pf_facts *facts, struct pcidev *vf,
		    const struct pf_plan_config *pc, const struct vf_config *vc, char **ret,
		    const char **ret_source);

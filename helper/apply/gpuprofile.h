/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "shared/result.h"

#include "core/model.h"

/* Intel Xe's provisioning of each VF, under its PF's sriov_admin/vfN/profile/ (N from 1):
 * kernel Documentation/ABI/testing/sysfs-driver-intel-xe-sriov, Linux 6.19 (scheduling) and
 * 7.0 (vram_quota). Each returns a result and logs naming the VF. */

/* VF index's NAME under vfN/profile/ as a number (-EBADMSG: it is not one), and its scheduling
 * priority, the level in brackets of "low [normal]" ("" when none is): what apply compares and
 * list shows. */
int gpuprofile_read(struct pcidev *pf, unsigned index, const char *name, unsigned long long *ret);
int gpuprofile_priority(struct pcidev *pf, unsigned index, char ret[static 8]);
/* exec_quantum_ms and preempt_timeout_us of VF index, before its driver binds it. */
enum result gpuprofile_vf_apply(const struct pf_facts *facts, const char *where,
				const struct apply_opts *o, unsigned index,
				const struct vf_config *vc);
/* The VFs' sched_priority, from VF 0's settings (policy.c saw that all VFs have the same): xe
 * sets one for all at once (.bulk_profile/sched_priority), the PF's own with them. */
enum result gpuprofile_priority_apply(struct pcidev *pf, const struct apply_opts *o,
				      const struct pf_facts *facts,
				      const struct pf_plan_config *pc);
/* Every VF's vram_quota: called while the PF has no VFs when the count changes (xe provisions
 * VRAM as VFs are enabled and releases it when they go), else with the VFs there. */
enum result gpuprofile_vram_apply(struct pcidev *pf, const struct apply_opts *o,
				  const struct pf_facts *facts, const struct pf_plan_config *pc);

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "shared/result.h"

#include "core/model.h"

/* The VF's MSI-X vectors (policy msix, sriov_vf_msix_count): the kernel takes a count only
 * while no driver has the VF, and its driver sizes its queues from it when it probes, so it is
 * written before the bind; a VF bound to another count is unbound first (never from under its
 * user without force), and handed back to the kernel's choice when want is NULL. Returns an
 * result; logs naming where. */
enum result vfmsix_apply(struct pcidev *vf, const char *where, const struct apply_opts *o,
			 const struct pf_plan_config *pc, const struct vf_config *vc,
			 const char *want);

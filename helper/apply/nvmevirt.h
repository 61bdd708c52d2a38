/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "shared/result.h"

#include "core/model.h"
#include "sys/nvme.h"

/*
 * NVMe virtualization management: an NVMe VF has a usable controller only once its secondary
 * controller has flexible queue (VQ) and interrupt (VI) resources and is online, which the
 * primary (the PF) gives out (QEMU's controller, Samsung PM1733/PM1735). vio does it in the
 * moments it owns: the primary's release before the VFs are made, each secondary after its VF
 * exists and before its driver binds.
 */
struct nvme_plan {
	bool managed; /* this PF's secondaries are vio's to bring up */
	int fd;	      /* the PF's controller, -1 when closed */
	char dev[32]; /* "/dev/nvme0" */
	struct nvme_primary caps;
	bool release; /* the primary's flexible resources go first */
	const char *where;
	struct pcidev *pf;
	struct plan *plan;
	bool ready; /* planned, RESULT_OK: the VFs of the same run may share it */
};

#define NVME_PLAN_INIT                                                                             \
	{                                                                                          \
		.fd = -1                                                                           \
	}
void nvmevirt_plan_done(struct nvme_plan *np);

/* Whether vio manages the PF's secondaries, and a check of what the policy asks of them
 * against what the controller reports (every VF's VQ and VI, and their sums), before anything
 * changes. Logs file:line. A result. */
enum result nvmevirt_plan_pf(struct pcidev *pf, const struct pf_facts *facts,
			     const struct pf_plan_config *pc, struct plan *plan,
			     struct nvme_plan *ret);
/* The primary holds flexible resources the secondaries need: released at 0 VFs. */
bool nvmevirt_needs_no_vfs(const struct nvme_plan *np);
/* At 0 VFs: the release, and the reset of the PF it takes effect with. A result. */
enum result nvmevirt_at_no_vfs(struct nvme_plan *np);

/* A VF's resources for policy pc (its keys, else an even share of the flexible ones). */
void nvmevirt_vf_want(const struct nvme_plan *np, const struct pf_plan_config *pc,
		      const struct vf_config *vc, unsigned *ret_vq, unsigned *ret_vi);
/* The VF's secondary controller online with its resources, before its driver binds (unbinding
 * it first when they must change: not from under a user, unless force). A result. */
/* shared: the PF's plan from this run's PF step (the controller identified once, not once per
 * VF), or NULL when the VF's event is all the run does. */
enum result nvmevirt_vf_apply(struct pcidev *vf, const char *where, const struct apply_opts *o,
			      const struct pf_facts *facts, unsigned index,
			      const struct pf_plan_config *pc, const struct vf_config *vc,
			      struct nvme_plan *shared);

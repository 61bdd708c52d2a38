/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/policy.h"
#include "sys/pcidev.h"

/* May a VF be disturbed: unbound, destroyed, its settings or resources changed? */
enum guard {
	GUARD_FREE,    /* nobody uses it */
	GUARD_FORCED,  /* in use, and the policy says force */
	GUARD_REFUSED, /* in use, and the policy does not say force: leave it */
};

/* The one place that decides it, for one VF: in use (inuse.h) against the policy's force.
 * *ret_why: by whom, when in use (the caller frees). */
enum guard guard_vf(const struct pcidev *vf, const struct pf_plan_config *pc, char **ret_why);
/* The same for the first numvfs VFs of pf, which a count change or an eswitch mode change
 * would destroy or unbind: the worst of them, and in *ret_list those in use ("vf 1 (ADDR:
 * why), ..."). -ENOMEM. */
int guard_vfs(struct pcidev *pf, unsigned numvfs, const struct pf_plan_config *pc, char **ret_list);

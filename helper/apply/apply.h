/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "shared/result.h"

#include "core/model.h"

/* Each of these holds the PF's lock (lock.h) while it runs. */
/* The PF event: autoprobe and sriov_numvfs. Returns a result; logs once per problem. */
enum result apply_pf(struct pcidev *pf, const struct apply_opts *o);
/* The VF event: network settings, driver_override, module, bind. Returns a result. */
enum result apply_vf(struct pcidev *vf, const struct apply_opts *o);
/* The same, for a PF whose policy model_model_pf_config() already found; the caller holds the lock.
 * *ret_unfinished: after RESULT_INTERRUPTED, the first VF it did not configure. */
enum result apply_configured(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
			     const struct pf_plan_config *pc, unsigned *ret_unfinished);
/* A PF and then each of its VFs, the same code the events run. */
enum result apply_pf_and_vfs(struct pcidev *pf, const struct apply_opts *o);

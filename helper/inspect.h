/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "policy.h"
#include "sysfs.h"

/* Every policy file checked, every PF compared; returns EXIT_OK, _POLICY, _DEVICE or _DRIFT. */
int check_run(const struct policy_set *set);
/* Which file applies to the PF, each resolved value with its source, and the steps. */
int explain_run(struct pcidev *pf, const struct policy_set *set);

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/policy.h"
#include "sys/pcidev.h"

/* Which file applies to the PF, each resolved value with its source, and the steps. */
enum result explain_run(struct pcidev *pf, const struct policy_set *set);

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "core/policy.h"

/* vio status [--json]: the status files (status.h), summed up. */
int fleet_status(bool json);
/* vio wait: until every PF with a policy is as it says (EXIT_OK), a policy error (EXIT_POLICY),
 * nothing left in progress with PFs still not as they should be (their last errors said), or
 * the timeout (EXIT_DRIFT). */
int fleet_wait(const struct policy_set *set, unsigned timeout_s);
/* vio check --format=prometheus: metrics in the text exposition format. */
int fleet_metrics(const struct policy_set *set);

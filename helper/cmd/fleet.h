/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "core/policy.h"

/* vio status [--json]: the status files (status.h), summed up. */
enum result fleet_status(bool json);
/* vio wait: until every PF with a policy is as it says (RESULT_OK), a policy error (RESULT_POLICY),
 * nothing left in progress with PFs still not as they should be (their last errors said), or
 * the timeout (RESULT_DRIFT). */
enum result fleet_wait(const struct policy_set *set, unsigned timeout_s);
/* vio check --format=prometheus: metrics in the text exposition format. */
enum result fleet_metrics(const struct policy_set *set);

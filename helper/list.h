/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "policy.h"

/* Prints every SR-IOV PF and its VFs; json: the shape documented in vio(8). Returns EXIT_*. */
int list_run(const struct policy_set *policies, bool json);

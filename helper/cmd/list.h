/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "core/policy.h"

/* Prints every SR-IOV PF and its VFs; json: the shape documented in vio(8). Returns a result. */
enum result list_run(const struct policy_set *policies, bool json);

/* `vio modules`, what an initramfs needs (dracut's installkernel): every driver a valid policy
 * names, and the native VF drivers of this host's PFs that a policy applies to. One per line. */
enum result list_modules(const struct policy_set *policies);

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/policy.h"

/* vio export device-plugin: the SR-IOV network device plugin's config.json for this host's
 * PFs, from the policy's resource keys. A result. */
enum result export_device_plugin(const struct policy_set *set);

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* libkmod is opened with dlopen() on first use: most events never load a module. */

/* The module that handles a modalias (the VF's native driver); -ENOENT when none does. */
int modload_resolve_alias(const char *modalias, char **ret_module);
#include <stdbool.h>

/* Loads a module by name or alias with its dependencies. 1 when it was loaded now, 0 when
 * it was loaded (or built in) already. native: the VF's native driver, not one the policy
 * names: a modprobe.d blacklist applies, and -EPERM says it did. */
int modload_load(const char *name, bool native, char **ret_module);
/* Why a modload_*() call failed; names libkmod when it cannot be loaded (-ELIBACC). */
const char *modload_strerror(int r);

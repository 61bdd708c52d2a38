/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* libkmod is opened with dlopen() on first use: most events never load a module. */

/* The module that handles a modalias (the VF's native driver); -ENOENT when none does. */
int modload_resolve_alias(const char *modalias, char **ret_module);
/* Loads a module by name or alias with its dependencies. 1 when it was loaded now, 0 when
 * it was loaded (or built in) already. */
int modload_load(const char *name, char **ret_module);

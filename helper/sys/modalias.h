/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The most specific of n alias patterns (fnmatch(3) globs, as modules.alias has them) that
 * match target, libvirt's rule for vfio variant drivers: the one with the fewest wildcards,
 * the first of equals. Its index, or -1 when none matches. */
int modalias_best(const char *target, const char *const *patterns, unsigned n);
/* The vfio variant driver for a device of modalias ("pci:v...d..."): the module of the most
 * specific "vfio_pci:..." alias in the running kernel's modules.alias that matches it (Linux
 * 5.15+ variant drivers: mlx5_vfio_pci, hisi_acc_vfio_pci, ...). 0 with the module and the
 * alias; -ENOENT when no variant driver is for it. */
int modalias_vfio_variant(const char *modalias, char **ret_module, char **ret_alias);

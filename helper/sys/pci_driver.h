/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/* The PCI driver name of a driver or module name ("vfio_pci" -> "vfio-pci"); -ENOENT when no
 * such PCI driver is registered (module not loaded). */
int pci_driver_name(const char *name, char **ret);
/* vfio-pci, by its driver or module name, or one of its variant drivers (mlx5_vfio_pci,
 * hisi_acc_vfio_pci, ...), or the policy's "vfio" (the best of them for the VF). */
bool pci_driver_is_vfio(const char *name);

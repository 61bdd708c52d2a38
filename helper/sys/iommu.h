/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/* Whether the host has an IOMMU the kernel uses: any group in /sys/kernel/iommu_groups
 * (vfio-pci takes only devices in one). */
bool iommu_on(void);
/* What turns it on for this CPU (/proc/cpuinfo), for messages. */
const char *iommu_how(void);

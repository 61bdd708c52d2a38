/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether the IOMMU is on, and how to turn it on (iommu.h). */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "shared/util.h"

#include "sys/iommu.h"

bool iommu_on(void)
{
	_cleanup_(closedirp) DIR *d = opendir("/sys/kernel/iommu_groups");
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			return true;
	return false;
}

const char *iommu_how(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256];

	while (f && fgets(line, sizeof(line), f)) {
		if (!strneq(line, "vendor_id", 9))
			continue;
		/* Intel's is off unless asked for (or the kernel was built with it on). */
		if (strstr(line, "GenuineIntel"))
			return "turn VT-d on in the firmware and add intel_iommu=on iommu=pt to the kernel command line";
		/* AMD-Vi is used whenever the firmware enables it; amd_iommu=off turns it off. */
		if (strstr(line, "AuthenticAMD") || strstr(line, "HygonGenuine"))
			return "turn AMD-Vi (IOMMU) on in the firmware, and remove amd_iommu=off or iommu=off from the kernel command line if given; add iommu=pt";
		break;
	}
	return "turn the IOMMU on in the firmware and, if need be, on the kernel command line";
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI drivers as the kernel registered them (/sys/bus/pci/drivers, /sys/module/M/drivers). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/util.h"

#include "sys/pci_driver.h"

static bool pci_driver_exists(const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "/sys/bus/pci/drivers/%s", name);
	return access(p, F_OK) == 0;
}

int pci_driver_name(const char *name, char **ret)
{
	_cleanup_(closedirp) DIR *dir = NULL;
	char alt[MODULE_NAME_MAX], p[PATH_MAX];
	struct dirent *de;

	if (!module_name_valid(name))
		return -EINVAL;
	if (pci_driver_exists(name))
		goto found;
	/* Module names use '_' where driver names often use '-' (vfio_pci registers vfio-pci). */
	snprintf(alt, sizeof(alt), "%s", name);
	for (char *c = alt; *c; c++)
		*c = *c == '-' ? '_' : *c == '_' ? '-' : *c;
	if (pci_driver_exists(alt)) {
		name = alt;
		goto found;
	}
	/* Otherwise ask the module which PCI drivers it registered. */
	for (char *c = alt; *c; c++)
		*c = *c == '-' ? '_' : *c;
	snprintf(p, sizeof(p), "/sys/module/%s/drivers", alt);
	dir = opendir(p);
	while (dir && (de = readdir(dir)))
		if (strneq(de->d_name, "pci:", 4) && module_name_valid(de->d_name + 4)) {
			name = de->d_name + 4;
			goto found;
		}
	return -ENOENT;
found:
	*ret = strdup(name);
	return *ret ? 0 : -ENOMEM;
}

bool pci_driver_is_vfio(const char *name)
{
	size_t n = strlen(name);

	/* Variant drivers are named after it: <device>_vfio_pci. */
	return streq(name, "vfio-pci") || streq(name, "vfio_pci") || streq(name, "vfio") ||
	       (n > 9 && (streq(name + n - 9, "_vfio_pci") || streq(name + n - 9, "-vfio-pci")));
}

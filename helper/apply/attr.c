/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one logged sysfs write of the apply steps. */
#include "shared/log.h"

#include "apply/attr.h"

int attr_write(const struct pcidev *d, const char *attr, const char *old, const char *new)
{
	int r = pcidev_write(d, attr, new);

	if (r < 0)
		return log_error_errno(r, "%s: cannot set %s %s -> %s: %m", pcidev_addr(d), attr,
				       old, new);
	log_info("%s: %s %s -> %s", pcidev_addr(d), attr, old, new);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether a VF may be disturbed: the one place that weighs in use against force (guard.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "shared/util.h"

#include "core/guard.h"
#include "sys/inuse.h"

enum guard guard_vf(const struct pcidev *vf, const struct pf_plan_config *pc, char **ret_why)
{
	if (inuse_pcidev(vf, ret_why) <= 0)
		return GUARD_FREE;
	return pc->force ? GUARD_FORCED : GUARD_REFUSED;
}

int guard_vfs(struct pcidev *pf, unsigned numvfs, const struct pf_plan_config *pc, char **ret_list)
{
	_cleanup_free_ char *list = NULL;
	size_t len = 0;
	FILE *f;
	int n = 0;

	f = open_memstream(&list, &len);
	if (!f)
		return -ENOMEM;
	for (unsigned i = 0; i < numvfs; i++) {
		_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;
		_cleanup_free_ char *why = NULL;

		if (pcidev_virtfn(pf, i, &vf) < 0)
			continue;
		if (guard_vf(vf, pc, &why) != GUARD_FREE)
			fprintf(f, "%svf %u (%s: %s)", n++ ? ", " : "", i, pcidev_addr(vf), why);
	}
	if (fclose(f) != 0)
		return -ENOMEM;
	*ret_list = TAKE_PTR(list);
	if (n == 0)
		return GUARD_FREE;
	return pc->force ? GUARD_FORCED : GUARD_REFUSED;
}

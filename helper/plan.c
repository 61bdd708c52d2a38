/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "plan.h"

bool plan_diff(struct plan *p, const char *where, const char *what, const char *old,
	       const char *new)
{
	p->n_diffs++;
	switch (p->mode) {
	case PLAN_DRY_RUN:
		printf("%s: would set %s %s -> %s\n", where, what, old, new);
		return false;
	case PLAN_CHECK:
		printf("%s: %s is %s, policy wants %s\n", where, what, old, new);
		return false;
	default:
		return true;
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "shared/result.h"

#include "core/model.h"

enum numvfs_step {
	NUMVFS_KEEP,  /* the count stays: as the policy says, or the driver's known shortfall */
	NUMVFS_WRITE, /* numvfs_write() it */
	NUMVFS_HANDED_OFF, /* vio-pf@PF.service does the whole PF */
};

/*
 * Before anything is written, under the PF's lock: whether the count changes, refusing when
 * VFs that would go are in use (unless force); under udev on a systemd host, starts
 * vio-pf@PF.service instead. Returns a result; logs once per problem.
 */
/* recreate: the count may stay, but the VFs must go and come back (devlink changes that the
 * device takes only without VFs). */
enum result numvfs_decide(struct pcidev *pf, const struct apply_opts *o,
			  const struct pf_plan_config *pc, unsigned cur, bool recreate,
			  enum numvfs_step *ret);
/* What runs while the PF has no VFs, between the two writes; a result. It prints or
 * counts its changes itself when the plan is not to apply. */
struct numvfs_hook {
	enum result (*fn)(void *data);
	void *data;
};
/* cur -> the policy's count as the plan says: through 0, restoring cur when the new count
 * fails, keeping (and noting) what a driver gave short of the count. Returns a result. */
enum result numvfs_write(struct pcidev *pf, const struct apply_opts *o,
			 const struct pf_plan_config *pc, unsigned cur,
			 const struct numvfs_hook *hook);
/* The last shortfall noted for a PF: the count asked and the count the driver enabled. */
int numvfs_shortfall(const char *addr, unsigned *ret_asked, unsigned *ret_got);

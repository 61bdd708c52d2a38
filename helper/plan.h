/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/* What a run does with each difference between the system and the policy. */
enum plan_mode {
	PLAN_APPLY,   /* make the change */
	PLAN_DRY_RUN, /* print "DEV: would set WHAT OLD -> NEW" */
	PLAN_CHECK,   /* print "DEV: WHAT is OLD, policy wants NEW" */
};

struct plan {
	enum plan_mode mode;
	unsigned n_diffs;
};

/* Counts a difference; true when the caller is to make the change (PLAN_APPLY), otherwise
 * prints it as the mode says. One place, so apply, --dry-run and check always agree. */
bool plan_diff(struct plan *p, const char *where, const char *what, const char *old,
	       const char *new);

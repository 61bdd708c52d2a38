/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "policy.h"
#include "status.h"
#include "sysfs.h"

/* One PF as check found it. */
struct pf_report {
	char addr[PCI_ADDR_MAX];
	char policy[256]; /* "" when none applies */
	unsigned vfs_wanted, vfs, diffs;
	int exit;
	bool has_last; /* its status file (status.h): the last run that handled it */
	struct pf_status last;
};

struct check_report {
	struct pf_report *pfs;
	unsigned n_pfs, n_files, bad_files;
};

void check_report_done(struct check_report *r);

/* Every policy file checked, every PF compared; returns EXIT_OK, _POLICY, _DEVICE or _DRIFT.
 * With rep, also what was found per PF (differences are still printed: see fleet.c). */
int check_run(const struct policy_set *set, struct check_report *rep);
/* Which file applies to the PF, each resolved value with its source, and the steps. */
int explain_run(struct pcidev *pf, const struct policy_set *set);

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/plan.h"
#include "core/policy.h"
#include "state/status.h"
#include "sys/pcidev.h"

/* One PF as check found it. */
struct pf_report {
	char addr[PCI_ADDR_MAX];
	char policy[256]; /* "" when none applies */
	unsigned vfs_wanted, vfs, diffs;
	enum result result; /* the worst of its steps */
	bool has_last;	    /* its status file (status.h): the last run that handled it */
	struct pf_status last;
	struct plan_item *items; /* what check found different, in order (plan.h) */
	unsigned n_items;
};

struct check_report {
	struct pf_report *pfs;
	unsigned n_pfs, n_files, bad_files;
};

void check_report_done(struct check_report *r);

enum check_output {
	CHECK_TEXT,  /* each difference, then the summary line */
	CHECK_JSON,  /* one JSON document (vio(8)) */
	CHECK_QUIET, /* nothing: the caller reads rep */
};

/* Every policy file checked, every PF compared; returns RESULT_OK, _POLICY, _DEVICE or _DRIFT.
 * With rep, also what was found per PF. */
enum result check_run(const struct policy_set *set, struct check_report *rep,
		      enum check_output out);

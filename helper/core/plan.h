/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "shared/macro.h"

struct policy;

struct policy_set;

struct udev_props;

/* What a run does with each difference between the system and the policy. */
enum plan_mode {
	PLAN_APPLY,   /* make the change */
	PLAN_DRY_RUN, /* record it: the command prints "DEV: would set WHAT OLD -> NEW" */
	PLAN_CHECK,   /* record it: the command prints "DEV: WHAT is OLD, policy wants NEW" */
};

enum plan_item_kind {
	PLAN_CHANGE,	/* where's what, old -> new */
	PLAN_CONDITION, /* a difference that is no single attribute ("no driver bound") */
	PLAN_NOTE,	/* how a change would happen, or why something is not compared */
};

/* One entry of the plan, in the order the steps found it. */
struct plan_item {
	enum plan_item_kind kind;
	char *where; /* "0000:01:00.0", "0000:01:00.0 vf 2", an interface */
	char *what;  /* PLAN_CHANGE: "sriov_numvfs", "mac"; otherwise the text */
	char *old, *new;
};

/* The plan is data: outside PLAN_APPLY every difference is recorded, and only the command
 * layer prints it (text, JSON) or counts it (status, metrics). */
struct plan {
	enum plan_mode mode;
	unsigned n_diffs;
	struct plan_item *items;
	unsigned n_items;
	bool oom; /* an item could not be recorded: counted, not shown */
	/* What the PF's run matched, once it looked the PF up (matched): the policy (NULL: none;
	 * on a policy error, the file at fault), whether it held for the PF, and the VFs it
	 * wants. For reports, which need not resolve the PF again. */
	bool matched;
	const struct policy *policy;
	bool policy_valid;
	unsigned vfs_wanted;
};

/* Counts a difference; true when the caller is to make the change (PLAN_APPLY), otherwise
 * records it. One place, so apply, --dry-run and check always agree. */
bool plan_diff(struct plan *p, const char *where, const char *what, const char *old,
	       const char *new);
/* A difference that is a state, not an attribute: counted, and recorded as text. */
_printf_(3, 4) void plan_condition(struct plan *p, const char *where, const char *fmt, ...);
/* A line that explains the plan (not a difference): recorded as text, outside PLAN_APPLY. */
_printf_(3, 4) void plan_note(struct plan *p, const char *where, const char *fmt, ...);
/* What the PF's run matched (see struct plan), once it has looked the PF up. */
void plan_matched(struct plan *p, const struct policy *policy, bool valid, unsigned vfs);
/* Drops the items recorded so far (n_diffs stays). */
void plan_clear(struct plan *p);

/* What a run is asked to do: the plan's mode, the policies, and which event it is. */
struct apply_opts {
	struct plan *plan; /* apply, dry-run or check */
	const struct policy_set *policies;
	bool event; /* the PF event run by udev: a count change may go to vio-pf@.service */
	struct udev_props *props; /* the VF event: its udev properties (vfdev.h); NULL: not asked */
	bool netdev_only; /* the event of a VF's interface: its MTU (vfdev.h), nothing else */
};

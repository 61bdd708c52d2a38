/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What a run leaves for the runs after it, around the PF's lock (lock.h) and status file
 * (status.h): a PF-wide run's "running" mark, a killed run's mark ended, the VF events that
 * deferred to a PF-wide run replayed, vio recover. See "Runs that did not finish" in
 * runstate.c and vio(8), INTERRUPTED RUNS.
 */
#include <stdbool.h>

#include "shared/result.h"

#include "core/model.h"
#include "state/lock.h"

enum claim {
	CLAIM_NONE,
	CLAIM_ALWAYS,	    /* the PF-wide run they deferred to */
	CLAIM_UNLESS_SWEEP, /* any other run: unless a PF-wide run holds or awaits the PF */
};

/* udev runs again the events of VFs from..numvfs-1 but except, and (claim) those that
 * deferred to a PF-wide run; once this run has let go of the PF. */
void run_replay_vfs(struct pcidev *pf, const struct apply_opts *o, unsigned from, unsigned except,
		    enum claim claim);
/* The PF's lock for this run: a result; *ret_left (PF_LOCK_VF): left to a PF-wide run;
 * *ret_stale: the status says a run is in progress while we hold the lock: it was killed. */
enum result run_lock(struct pcidev *pf, const struct apply_opts *o, enum pf_lock_mode mode,
		     struct pf_lock *ret, bool *ret_left, bool *ret_stale);
/* A PF-wide run marks the PF's status "running" once it holds the lock. */
void run_mark(struct pcidev *pf, const struct apply_opts *o, const char *run);
/* The PF's status after a run that changed things or tried to; returns ex. */
enum result run_leave_status(struct pcidev *pf, const struct apply_opts *o,
			     const struct pf_plan_config *pc, const char *run, enum result ex);
/* A killed run's mark, seen under the lock: its status says interrupted. */
void run_end_stale(struct pcidev *pf);
/* vio recover: a killed run's VFs (and events deferred to it) replayed; never waits. */
enum result run_recover(struct pcidev *pf, const struct apply_opts *o);

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs that did not finish, and what runs leave each other (runstate.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/log.h"

#include "apply/run.h"
#include "state/status.h"

/*
 * Runs that did not finish. A run that configures every VF (vio apply, vio-pf@) is what VF
 * events defer to while it holds the PF (lock.h); it marks the PF's status "running" once it
 * holds the lock. Stopped by a signal, it finishes its step, and asks udev to run again the
 * events of the VFs it did not configure, once it no longer holds the lock. Killed outright
 * (SIGKILL), its mark stays: the next run that holds the PF sees it (no live run can hold the
 * lock with it) and does the same for every VF, and says so.
 */
/* Has udev run again the events of VFs from..numvfs-1 but except, and those that deferred
 * to a PF-wide run (lock.h). Only once this run has let go of the PF: they would defer to
 * it again. */
void run_replay_vfs(struct pcidev *pf, const struct apply_opts *o, unsigned from, unsigned except,
		    enum claim claim)
{
	_cleanup_free_ bool *in = NULL;
	unsigned n, k = 0;
	int r;

	if (o->plan->mode != PLAN_APPLY || !pcidev_is_pci(pf))
		return;
	/* The common case, every event's: no VF to replay and none deferred. */
	if (from == UINT_MAX && (claim == CLAIM_NONE || !pf_lock_has_deferred(pcidev_addr(pf))))
		return;
	if (pcidev_read_unsigned(pf, "sriov_numvfs", &n) < 0 || n == 0)
		return;
	in = calloc(n, sizeof(*in));
	if (!in)
		return;
	for (unsigned i = from; i < n; i++)
		in[i] = i != except;
	if (claim == CLAIM_ALWAYS ||
	    (claim == CLAIM_UNLESS_SWEEP && pf_lock_sweep_busy(pcidev_addr(pf)) <= 0))
		(void)pf_lock_claim_deferred(pcidev_addr(pf), in, n);
	for (unsigned i = 0; i < n; i++) {
		_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;

		if (!in[i] || pcidev_virtfn(pf, i, &vf) < 0)
			continue;
		r = pcidev_trigger(vf);
		if (r < 0)
			log_warning_errno(
			    r, "%s vf %u (%s): cannot ask udev to run its event again: %m",
			    pcidev_addr(pf), i, pcidev_addr(vf));
		else
			k++;
	}
	if (k)
		log_info("%s: asked udev to run the events of %u VF%s again", pcidev_addr(pf), k,
			 k == 1 ? "" : "s");
}

/* The PF's lock for what this run does: shared to read, exclusive to change. A result
 * (the failure is logged); *ret_left: a run that configures every VF holds it (PF_LOCK_VF).
 * *ret_stale: the PF's status says a run is in progress while we hold the lock: it was
 * killed before it finished. */
enum result run_lock(struct pcidev *pf, const struct apply_opts *o, enum pf_lock_mode mode,
		     struct pf_lock *ret, bool *ret_left, bool *ret_stale)
{
	struct pf_status s;
	int r =
	    pf_lock_take(pcidev_addr(pf), o->plan->mode == PLAN_APPLY ? mode : PF_LOCK_READ, ret);

	if (ret_left)
		*ret_left = r == 1;
	*ret_stale = false;
	if (r != 0 || o->plan->mode != PLAN_APPLY)
		return r < 0 ? RESULT_DEVICE : RESULT_OK;
	if (status_read(pcidev_addr(pf), &s) >= 0 && s.exit == STATUS_RUNNING) {
		log_warning(
		    "%s: the vio run (%s, pid %d) that was configuring this PF and its VFs was killed before it finished",
		    pcidev_addr(pf), s.run, s.pid);
		*ret_stale = true;
	}
	return RESULT_OK;
}

/* A PF-wide run says it is in progress (see replay_vfs). */
void run_mark(struct pcidev *pf, const struct apply_opts *o, const char *run)
{
	struct pf_status s = { .exit = STATUS_RUNNING, .time = time(NULL), .pid = getpid() };

	if (o->plan->mode != PLAN_APPLY)
		return;
	snprintf(s.pf, sizeof(s.pf), "%s", pcidev_addr(pf));
	snprintf(s.run, sizeof(s.run), "%s", run);
	(void)pcidev_read_unsigned(pf, "sriov_numvfs", &s.vfs);
	status_write(&s);
}

/* The PF's status file (status.h), after a run that changed things or tried to. */
enum result run_leave_status(struct pcidev *pf, const struct apply_opts *o,
			     const struct pf_plan_config *pc, const char *run, enum result ex)
{
	struct pf_status s = { .exit = ex, .time = time(NULL), .pid = getpid() };

	if (o->plan->mode != PLAN_APPLY)
		return ex;
	snprintf(s.pf, sizeof(s.pf), "%s", pcidev_addr(pf));
	if (pc && pc->policy) {
		snprintf(s.policy, sizeof(s.policy), "%s", pc->policy->path);
		s.vfs_wanted = pc->vfs;
	}
	snprintf(s.run, sizeof(s.run), "%s", run);
	snprintf(s.error, sizeof(s.error), "%s", log_first_error());
	(void)pcidev_read_unsigned(pf, "sriov_numvfs", &s.vfs);
	status_write(&s);
	return ex;
}

/* A stale mark of a killed run, seen by a run that holds the PF: it is ended in the status
 * file, and its VFs' events are run again once the lock is released (replay_vfs). */
void run_end_stale(struct pcidev *pf)
{
	struct pf_status s;

	if (status_read(pcidev_addr(pf), &s) < 0)
		return;
	s.exit = RESULT_INTERRUPTED;
	snprintf(s.error, sizeof(s.error),
		 "killed before it finished (pid %d); its VFs' events were run again", s.pid);
	status_write(&s);
}

enum result run_recover(struct pcidev *pf, const struct apply_opts *o)
{
	struct pf_lock lock = PF_LOCK_INIT;
	bool stale = false;

	/* Another run holds the PF: it saw the mark when it took the lock, and replays what
	 * deferred when it lets go. Nothing to wait for (a unit's stop would hang on it). */
	if (run_lock(pf, o, PF_LOCK_TRY, &lock, NULL, &stale) != RESULT_OK) {
		log_debug("%s: another run holds this PF; it takes over what is left",
			  pcidev_addr(pf));
		return RESULT_OK;
	}
	if (stale)
		run_end_stale(pf);
	pf_lock_release(&lock);
	if (!stale)
		log_debug("%s: no run on this PF was left killed", pcidev_addr(pf));
	run_replay_vfs(pf, o, stale ? 0 : UINT_MAX, UINT_MAX, CLAIM_UNLESS_SWEEP);
	return RESULT_OK;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/*
 * One lock per PF, taken by every command that reads or changes a PF or its VFs, so that
 * udev's parallel PF and VF events and `vio apply` never interleave. Files under
 * $VIO_RUNTIME_DIR/lock (default /run/vio/lock), flock(2): released when vio exits, however.
 *
 *  PF_LOCK_READ:  list, check, explain, --dry-run. Shared: readers do not wait for each
 *                 other, and see a PF before or after a change, never halfway.
 *  PF_LOCK_SWEEP: a run that configures the PF and then every VF it has (vio apply, and so
 *                 the vio-pf@ unit). Exclusive. It also holds the PF's "sweep" lock (shared)
 *                 from before it waits until after its loop over the VFs, so that VF events
 *                 know it is coming.
 *  PF_LOCK_PF:    the PF event run inline by udev. Exclusive.
 *  PF_LOCK_VF:    a VF event. Exclusive; but when the lock is busy and a sweep is announced,
 *                 that run configures this VF after it: nothing to wait for.
 *
 * Only root waits on root: the lock directory is 0700 and each lock file 0600, both root's,
 * since flock(2) needs no more than an open descriptor. A reader that is not root cannot open
 * them and reads without the lock: it may see a PF in the middle of a change.
 */
enum pf_lock_mode {
	PF_LOCK_READ,
	PF_LOCK_SWEEP,
	PF_LOCK_PF,
	PF_LOCK_VF,
	PF_LOCK_TRY, /* exclusive if free at once, else -EWOULDBLOCK (vio recover) */
};

struct pf_lock {
	int fd, sweep_fd;
};

#define PF_LOCK_INIT ((struct pf_lock){ .fd = -1, .sweep_fd = -1 })

/* The seconds a run waits for a PF's lock: below udev's 180 s event timeout. */
#define PF_LOCK_TIMEOUT_S 150

/*
 * 0: taken. 1 (PF_LOCK_VF only): a PF-wide run will configure the VF; nothing taken.
 * -ETIMEDOUT after PF_LOCK_TIMEOUT_S; other negative errno. Logs, naming the PF, when it
 * has to wait and when it gives up. A reader that may not create the lock file (not root)
 * goes on without it.
 */
int pf_lock_take(const char *pf_addr, enum pf_lock_mode mode, struct pf_lock *ret);
void pf_lock_release(struct pf_lock *l);

/*
 * VF events that leave their VF to a PF-wide run (PF_LOCK_VF returned 1) say so, so that no
 * such event is lost if that run dies or ends without configuring the VF: defer appends the
 * VF's index to $RUNTIME/lock/PF.deferred; claim takes what is there (sets ret[i] for each,
 * returns how many), for a run to have udev replay those events once it has let go of the
 * PF. sweep_busy: 1 while a PF-wide run holds or awaits the PF, whose the claims are.
 */
int pf_lock_defer(const char *pf_addr, unsigned index);
int pf_lock_claim_deferred(const char *pf_addr, bool *ret, unsigned n);
bool pf_lock_has_deferred(const char *pf_addr); /* cheap: nothing to claim in the common case */
int pf_lock_sweep_busy(const char *pf_addr);

/* 1 when a run holds or awaits the PF (its lock or sweep lock is taken), else 0. */
int pf_lock_busy(const char *pf_addr);

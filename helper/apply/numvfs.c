/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Changing a PF's VF count: the one step that destroys VFs. Runs under the PF's lock, so the
 * in-use check and the writes are one step. Never leaves a PF at 0 VFs after a failed change,
 * never retries a driver's shortfall on every event, and on systemd hosts hands a change
 * that may outlast udev's event timeout to a unit.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared/log.h"

#include "apply/attr.h"
#include "apply/numvfs.h"
#include "core/guard.h"
#include "state/lock.h"
#include "state/runtime.h"

/*
 * A driver that enabled fewer VFs than asked (firmware limits, MSI-X) is remembered in
 * $RUNTIME/shortfall/PF as "ASKED GOT", so that later events keep what it gave instead of
 * tearing every VF down to ask again. Gone at reboot, or when the policy asks another count.
 */
static void shortfall_path(const char *addr, char *buf, size_t n)
{
	snprintf(buf, n, "%s/shortfall/%s", runtime_dir(), addr);
}

int numvfs_shortfall(const char *addr, unsigned *ret_asked, unsigned *ret_got)
{
	_cleanup_free_ char *line = NULL;
	char p[PATH_MAX];
	int r;

	shortfall_path(addr, p, sizeof(p));
	r = read_one_line(p, &line);
	if (r < 0)
		return r;
	if (sscanf(line, "%u %u", ret_asked, ret_got) != 2)
		return -EBADMSG;
	return 0;
}

static void shortfall_note(const char *addr, unsigned asked, unsigned got)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/shortfall", runtime_dir());
	if (runtime_mkdir(runtime_dir(), 0755) < 0 || runtime_mkdir(p, 0755) < 0)
		return;
	shortfall_path(addr, p, sizeof(p));
	if (got == asked) {
		(void)unlink(p);
		return;
	}
	f = fopen(p, "we");
	if (!f || fprintf(f, "%u %u\n", asked, got) < 0)
		log_debug_errno(errno, "%s: cannot note the driver's shortfall in %s: %m", addr, p);
	if (f)
		fclose(f);
}

/*
 * Starts vio-pf@PF.service, which runs `vio apply PF` outside udev's event timeout.
 * 0 when queued; negative when there is no systemd or the unit cannot be started.
 */
static int hand_off(const char *addr, char *unit, size_t n)
{
	char *argv[] = { (char *)"systemctl",
			 (char *)"--no-block",
			 (char *)"--quiet",
			 (char *)"start",
			 unit,
			 NULL };
	int status;
	pid_t pid;
	int r;

	snprintf(unit, n, "vio-pf@%s.service", addr);
	/* sd_booted(): systemd is PID 1. Not so in dracut's shell flavour or a bare udevd. */
	if (access("/run/systemd/system", F_OK) < 0)
		return -ENOMEDIUM;
	r = posix_spawnp(&pid, "systemctl", NULL, NULL, argv, environ);
	if (r != 0)
		return -r;
	if (waitpid(pid, &status, 0) < 0)
		return neg_errno();
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* cur -> want, through 0, with the hook run at 0 VFs; restores cur when the hook or want fails
 * after 0. */
static enum result write_numvfs(struct pcidev *pf, unsigned cur, unsigned want,
				const struct numvfs_hook *hook)
{
	char old[16], new[16], was[16];
	unsigned got;
	double t0;
	int r;
	enum result ex;

	snprintf(was, sizeof(was), "%u", cur);
	snprintf(old, sizeof(old), "%u", cur);
	snprintf(new, sizeof(new), "%u", want);

	/* The kernel refuses a change between two non-zero counts (EBUSY): go through 0. */
	if (cur > 0 && (want > 0 || hook)) {
		if (attr_write(pf, "sriov_numvfs", old, "0") < 0)
			return RESULT_DEVICE;
		snprintf(old, sizeof(old), "0");
	}
	if (hook) {
		ex = hook->fn(hook->data);
		if (ex != RESULT_OK) {
			if (cur > 0 && pcidev_write(pf, "sriov_numvfs", was) >= 0)
				log_info("%s: restored the %s VFs it had", pcidev_addr(pf), was);
			else if (cur > 0)
				log_error("%s: cannot restore its %s VFs: the PF has none now",
					  pcidev_addr(pf), was);
			return ex;
		}
		if (want == 0)
			return RESULT_OK;
	}
	t0 = monotonic_s();
	r = pcidev_write(pf, "sriov_numvfs", new);
	t0 = monotonic_s() - t0;
	if (r < 0) {
		int rr = cur > 0 && want > 0 ? pcidev_write(pf, "sriov_numvfs", was) : 0;

		if (cur > 0 && want > 0 && rr >= 0)
			log_error_errno(
			    r,
			    "%s: cannot set sriov_numvfs 0 -> %s: %m; restored the %s VFs it had",
			    pcidev_addr(pf), new, was);
		else if (cur > 0 && want > 0)
			log_error_errno(
			    r,
			    "%s: cannot set sriov_numvfs 0 -> %s: %m, nor restore %s (%s): the PF has no VFs now",
			    pcidev_addr(pf), new, was, strerror(-rr));
		else
			log_error_errno(r, "%s: cannot set sriov_numvfs %s -> %s: %m",
					pcidev_addr(pf), old, new);
		return RESULT_DEVICE;
	}
	log_info("%s: sriov_numvfs %s -> %s", pcidev_addr(pf), old, new);
	/* Real NICs take seconds to minutes here; udevd kills a worker after 180 s (inline). */
	if (t0 >= 60)
		log_warning(
		    "%s: creating %u VFs took %.1f s, close to udev's 180 s limit for an event",
		    pcidev_addr(pf), want, t0);
	else
		log_full(t0 >= 2 ? LOG_INFO : LOG_DEBUG, "%s: creating %u VFs took %.1f s",
			 pcidev_addr(pf), want, t0);

	/* A driver may enable fewer VFs than asked and still report success. */
	r = pcidev_read_unsigned(pf, "sriov_numvfs", &got);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read back sriov_numvfs: %m", pcidev_addr(pf)),
		       RESULT_DEVICE;
	shortfall_note(pcidev_addr(pf), want, got);
	if (got != want) {
		log_error(
		    "%s: asked the driver for %u VFs, it enabled %u; keeping them, and not asking again until the policy's count changes or the PF is re-added (vio check shows the difference)",
		    pcidev_addr(pf), want, got);
		return RESULT_DEVICE;
	}
	return RESULT_OK;
}

enum result numvfs_decide(struct pcidev *pf, const struct apply_opts *o,
			  const struct pf_plan_config *pc, unsigned cur, bool recreate,
			  enum numvfs_step *ret)
{
	const char *addr = pcidev_addr(pf);
	unsigned asked, got;
	char unit[64];
	int r;

	*ret = NUMVFS_KEEP;
	if (cur == pc->vfs && !recreate)
		return RESULT_OK;
	/* The driver gave cur when the policy's count was asked last time: keep it. */
	if (!recreate && numvfs_shortfall(addr, &asked, &got) >= 0 && asked == pc->vfs &&
	    got == cur && o->plan->mode != PLAN_CHECK) {
		log_debug("%s: the driver enabled %u of the %u VFs asked; not asking again", addr,
			  got, asked);
		return RESULT_OK;
	}
	/* Refuse before changing anything at all (check reports the difference, and who would
	 * stop the change). */
	if (cur > 0) {
		_cleanup_free_ char *busy = NULL;

		r = guard_vfs(pf, cur, pc, &busy);
		if (r < 0)
			return log_oom(), RESULT_USAGE;
		if (r == GUARD_REFUSED && o->plan->mode == PLAN_CHECK) {
			plan_note(o->plan, addr, "VFs in use would stop a change of count: %s",
				  busy);
			r = GUARD_FREE;
		}
		if (r == GUARD_REFUSED && cur == pc->vfs) {
			log_error(
			    "%s: not re-creating its %u VFs for its eswitch mode and devlink parameters (the device takes them only without VFs): in use: %s; set force = true in %s to do it anyway",
			    addr, cur, busy, pc->policy->path);
			return RESULT_REFUSED;
		}
		if (r == GUARD_REFUSED) {
			log_error(
			    "%s: not changing sriov_numvfs %u -> %u: in use: %s; set force = true in %s to do it anyway",
			    addr, cur, pc->vfs, busy, pc->policy->path);
			return RESULT_REFUSED;
		}
		if (r == GUARD_FORCED && o->plan->mode == PLAN_APPLY)
			log_warning("%s: force = true: destroying VFs in use: %s", addr, busy);
	}

	*ret = NUMVFS_WRITE;
	if (!o->event || o->plan->mode != PLAN_APPLY)
		return RESULT_OK;
	/* udevd kills a RUN program after its event timeout (180 s); a count change can take
	 * minutes on real NICs: on systemd hosts a unit does the whole PF instead. */
	r = hand_off(addr, unit, sizeof(unit));
	if (r >= 0) {
		log_info("%s: sriov_numvfs %u -> %u: handed to %s", addr, cur, pc->vfs, unit);
		*ret = NUMVFS_HANDED_OFF;
	} else if (r != -ENOMEDIUM) {
		log_warning(
		    "%s: cannot start %s (%s); changing the VF count here, where udev may stop it after its event timeout",
		    addr, unit, strerror(-r));
	} else {
		log_debug("%s: no systemd: changing the VF count in the udev event", addr);
	}
	return RESULT_OK;
}

enum result numvfs_write(struct pcidev *pf, const struct apply_opts *o,
			 const struct pf_plan_config *pc, unsigned cur,
			 const struct numvfs_hook *hook)
{
	const char *addr = pcidev_addr(pf);
	unsigned asked, got;
	char old[16], new[16];
	enum result ex;

	snprintf(old, sizeof(old), "%u", cur);
	snprintf(new, sizeof(new), "%u", pc->vfs);
	if (o->plan->mode == PLAN_APPLY)
		return write_numvfs(pf, cur, pc->vfs, hook);

	/* check: each difference once; a count that stays is none, whatever it takes. */
	if (o->plan->mode == PLAN_DRY_RUN && cur > 0 && (pc->vfs > 0 || hook)) {
		/* Say how it would really happen: every VF of the PF goes and new ones come. */
		plan_diff(o->plan, addr, "sriov_numvfs", old, "0");
		plan_note(o->plan, addr, "(all %u VFs are destroyed, then %u are created)", cur,
			  pc->vfs);
		snprintf(old, sizeof(old), "0");
	}
	if (hook) {
		ex = hook->fn(hook->data);
		if (ex != RESULT_OK)
			return ex;
	}
	if (streq(old, new) || (o->plan->mode == PLAN_CHECK && cur == pc->vfs))
		return RESULT_OK;
	if (plan_diff(o->plan, addr, "sriov_numvfs", old, new))
		return RESULT_OK; /* not reached: not applying */
	if (numvfs_shortfall(addr, &asked, &got) >= 0 && asked == pc->vfs && got == cur)
		plan_note(o->plan, addr,
			  "(the driver enabled %u of the %u VFs asked at the last try)", got,
			  asked);
	return RESULT_OK;
}

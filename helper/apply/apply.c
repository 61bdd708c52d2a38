/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Carrying a policy out on a PF and its VFs: every change is logged once, naming the device. */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/interrupt.h"
#include "shared/log.h"

#include "apply/live.h"
#include "apply/apply.h"
#include "apply/attr.h"
#include "apply/bind.h"
#include "apply/netvf.h"
#include "apply/numvfs.h"
#include "apply/nvmevirt.h"
#include "apply/pfdevlink.h"
#include "apply/run.h"
#include "apply/vfdev.h"
#include "apply/gpuprofile.h"
#include "apply/swfn.h"
#include "apply/swport.h"
#include "apply/swrep.h"
#include "apply/vfmsix.h"
#include "core/guard.h"
#include "state/lock.h"
#include "state/status.h"
#include "sys/iommu.h"
#include "sys/modload.h"
#include "sys/netdev.h"
#include "sys/pci_driver.h"

/* One attribute change, as the plan says: made and logged, printed, or counted as drift. */
static int change_attr(const struct apply_opts *o, const struct pcidev *d, const char *attr,
		       const char *old, const char *new)
{
	if (!plan_diff(o->plan, pcidev_addr(d), attr, old, new))
		return 0;
	return attr_write(d, attr, old, new);
}

/* What the device takes only while the PF has no VFs, run between the two sriov_numvfs writes. */
struct at_no_vfs {
	struct pf_devlink *dl;
	struct nvme_plan *np;
	bool recreate; /* devlink or NVMe need it */
	struct pcidev *pf;
	const struct apply_opts *o;
	const struct pf_facts *facts;
	const struct pf_plan_config *pc;
};

static enum result at_no_vfs(void *data)
{
	struct at_no_vfs *z = data;
	enum result ex = z->recreate ? pf_devlink_at_no_vfs(z->dl) : RESULT_OK;

	if (ex == RESULT_OK && z->recreate)
		ex = nvmevirt_at_no_vfs(z->np);
	return ex != RESULT_OK ? ex : gpuprofile_vram_apply(z->pf, z->o, z->facts, z->pc);
}

/* The PF's part, its policy found and checked; np: its NVMe plan, for its VFs in this run. */
static enum result apply_pf_config(struct pcidev *pf, const struct apply_opts *o,
				   struct pf_facts *facts, const struct pf_plan_config *pc,
				   bool *ret_handed_off, struct nvme_plan *np)
{
	_cleanup_free_ char *drv = NULL;
	_cleanup_(pf_devlink_done) struct pf_devlink dl = {};
	enum numvfs_step step;
	unsigned cur, autoprobe, line = 0;
	bool changed = false, recreate, tc_changed;
	int r;
	enum result ex;

	if (facts->unsupported[0]) {
		log_error("%s: %s names this PF, but vio cannot create its VFs: %s", facts->addr,
			  pc->policy->path, facts->unsupported);
		return RESULT_DEVICE;
	}
	/* Given to a guest: the guest's, VFs and all. When it is back with its own driver, its
	 * bind event makes its VFs (60-vio.rules). */
	if (facts->passed_through[0]) {
		if (o->plan->mode == PLAN_APPLY)
			log_info(
			    "%s: bound to %s (passed through to a guest): left alone, VFs and all, until it is back with its own driver",
			    facts->addr, facts->passed_through);
		else
			plan_note(
			    o->plan, facts->addr,
			    "bound to %s (passed through to a guest): left alone, VFs and all, until it is back with its own driver (%s, vfs = %u)",
			    facts->passed_through, pc->policy->path, pc->vfs);
		return RESULT_OK;
	}
	r = pcidev_driver(pf, &drv);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read driver: %m", facts->addr), RESULT_DEVICE;
	if (!drv) {
		/* The kernel takes sriov_numvfs only with a driver bound; its bind event comes.
		 * check and explain say so, and check counts it: the PF is not as the policy says.
		 */
		if (o->plan->mode == PLAN_APPLY) {
			log_debug("%s: no driver bound yet, waiting for the bind event",
				  facts->addr);
		} else {
			plan_condition(
			    o->plan, facts->addr,
			    "no driver bound: the policy (%s, vfs = %u) cannot be applied until one is",
			    pc->policy->path, pc->vfs);
		}
		return RESULT_OK;
	}
	/* The kernel links the PF's driver before the driver's probe ends, and the interface
	 * comes at its end (seen with igb on 6.12): a PF that must be up before its VFs are
	 * made (policy link, hwdb VIO_PF_LINK) has to wait for it. Its interface's add event
	 * runs vio pf again (60-vio.rules). Not for a PF bound to a driver that makes none. */
	if (pc->link_up && !facts->ifname[0] && !pci_driver_is_vfio(drv) &&
	    !streq(drv, "pci-stub")) {
		if (o->plan->mode == PLAN_APPLY) {
			log_info(
			    "%s: bound to %s, which has not made its interface yet; its VFs are made at the interface's event, once the PF can be brought up first",
			    facts->addr, drv);
		} else {
			plan_condition(
			    o->plan, facts->addr,
			    "no interface yet to bring up before its VFs are made (%s, vfs = %u)",
			    pc->policy->path, pc->vfs);
		}
		return RESULT_OK;
	}
	/* vfio-pci takes only devices in an IOMMU group: with the IOMMU off, nothing is made
	 * that could not be bound, and the host's owner is told how to turn it on. */
	r = model_vfio_without_iommu(pc, &line);
	if (r >= 0)
		return log_error(
			   "%s: %s:%u binds vf %d to vfio-pci, but this host has no IOMMU (no IOMMU groups): %s; nothing changed",
			   facts->addr, pc->policy->path, line, r, iommu_how()),
		       RESULT_DEVICE;
	if (pcidev_read_unsigned(pf, "sriov_numvfs", &cur) < 0)
		return log_error_errno(EBADMSG, "%s: cannot read sriov_numvfs", facts->addr),
		       RESULT_DEVICE;
	r = pcidev_read_unsigned(pf, "sriov_drivers_autoprobe", &autoprobe);
	if (r == -ENOENT && !pcidev_is_pci(pf))
		autoprobe = pc->autoprobe; /* VFs that are not PCI devices: nothing probes them */
	else if (r == -ENOENT)
		return log_error(
			   "%s: no sriov_drivers_autoprobe: the kernel is older than 4.12, and vio needs it to prepare VFs before their driver probes them; nothing changed",
			   facts->addr),
		       RESULT_DEVICE;
	else if (r < 0)
		return log_error_errno(r, "%s: cannot read sriov_drivers_autoprobe: %m",
				       facts->addr),
		       RESULT_DEVICE;

	/* Everything devlink and NVMe is read and checked before anything changes. */
	ex = swrep_check(facts, pc);
	if (ex == RESULT_OK)
		ex = pf_devlink_plan(pf, facts, pc, o->plan, &dl);
	if (ex == RESULT_OK)
		ex = nvmevirt_plan_pf(pf, facts, pc, o->plan, np);
	if (ex != RESULT_OK)
		return ex;
	recreate = pf_devlink_needs_no_vfs(&dl) || nvmevirt_needs_no_vfs(np);
	ex = numvfs_decide(pf, o, pc, cur, recreate, &step);
	if (ex != RESULT_OK)
		return ex;
	if (step == NUMVFS_HANDED_OFF) {
		*ret_handed_off = true;
		return RESULT_OK;
	}
	/* The last boundary before the PF changes: stopped here, nothing of it was done. */
	if (interrupted() && o->plan->mode == PLAN_APPLY)
		return RESULT_INTERRUPTED;
	if (autoprobe != (unsigned)pc->autoprobe) {
		if (change_attr(o, pf, "sriov_drivers_autoprobe", autoprobe ? "1" : "0",
				pc->autoprobe ? "1" : "0") < 0)
			return RESULT_DEVICE;
		changed = true;
	}
	/* Some PF drivers make no VFs, or VFs that probe wrong, while the PF is down: igbvf
	 * then logs "PF still in reset state" and takes a random MAC. Up before the count. */
	if (facts->ifname[0] && pc->link_up) {
		r = netvf_set_flag(facts->ifname, IFF_UP, true, o->plan);
		if (r < 0)
			return log_error_errno(r, "%s: cannot bring %s up: %m", facts->addr,
					       facts->ifname),
			       RESULT_DEVICE;
		changed |= r > 0;
	}
	if (facts->ifname[0] && pc->mtu) {
		r = netvf_set_mtu(facts->ifname, facts->ifname, pc->mtu, o->plan);
		if (r < 0)
			return log_error_errno(r, "%s: cannot set the MTU of %s to %u: %m",
					       facts->addr, facts->ifname, pc->mtu),
			       RESULT_DEVICE;
		changed |= r > 0;
	}
	if (step == NUMVFS_WRITE) {
		struct at_no_vfs z = { &dl, np, recreate, pf, o, facts, pc };
		struct numvfs_hook hook = { .fn = at_no_vfs, .data = &z };

		/* xe's VF VRAM is provisioned while the PF has none (gpuprofile.h). */
		/* The VF table read before, or by the hook at no VFs, is stale after it. */
		ex = numvfs_write(pf, o, pc, cur, recreate || facts->gpu_vram ? &hook : NULL);
		live_forget(facts->live);
		if (ex != RESULT_OK)
			return ex;
		changed = true;
	} else {
		ex = gpuprofile_vram_apply(pf, o, facts, pc);
		if (ex != RESULT_OK)
			return ex;
	}
	ex = gpuprofile_priority_apply(pf, o, facts, pc);
	if (ex != RESULT_OK)
		return ex;
	ex = pf_devlink_with_vfs(pf, &dl, step == NUMVFS_WRITE ? pc->vfs : cur);
	if (ex != RESULT_OK)
		return ex;
	changed |= dl.mode_change || dl.n_set;
	ex = pf_devlink_tc(&dl, &tc_changed);
	if (ex != RESULT_OK)
		return ex;
	changed |= tc_changed;
	ex = swport_pf(facts, pc, o->plan, &tc_changed);
	if (ex != RESULT_OK)
		return ex;
	changed |= tc_changed;
	ex = swrep_apply(facts, pc, o->plan, &tc_changed);
	if (ex != RESULT_OK)
		return ex;
	changed |= tc_changed;
	if (facts->ifname[0] && pc->promisc_set) {
		r = netvf_set_flag(facts->ifname, IFF_PROMISC, pc->promisc, o->plan);
		if (r < 0)
			return log_error_errno(r, "%s: cannot set promisc on %s: %m", facts->addr,
					       facts->ifname),
			       RESULT_DEVICE;
		changed |= r > 0;
	}
	if (!changed && o->plan->mode == PLAN_APPLY)
		log_info("%s: already as %s says, nothing to change", facts->addr,
			 pc->policy->path);
	return RESULT_OK;
}

/* In switchdev, the VF's port function, and its MAC as the function's hw_addr where the port
 * reports one (then rtnetlink finds it already right). Logged when it fails. */
static enum result vf_port_function(const struct pf_facts *facts, const struct pf_plan_config *pc,
				    unsigned index, const struct vf_config *vc, const char *where,
				    const struct apply_opts *o)
{
	const struct policy *p = pc->policy;
	char key[NETVF_KEY_MAX];
	uint8_t mac[6];
	const uint8_t *m = NULL;

	if (!(p->set & (1u << PF_KEY_ESWITCH)) || p->eswitch != ESWITCH_SWITCHDEV)
		return RESULT_OK;
	if (vc->set & VF_KEY_BIT(VF_KEY_MAC))
		m = vc->mac;
	else if (netvf_stable_mac(facts, index, mac, key) >= 0)
		m = mac;
	return swfn_vf(facts, pc, index, vc, m, where, o->plan);
}

static enum result apply_vf_index(struct pcidev *vf, unsigned index, const struct apply_opts *o,
				  const struct pf_plan_config *pc, const struct pf_facts *facts,
				  struct nvme_plan *np)
{
	_cleanup_free_ char *want = NULL;
	struct vf_config vc;
	char where[64];
	int r;
	enum result ex;

	if (vf)
		snprintf(where, sizeof(where), "%s vf %u (%s)", facts->addr, index,
			 pcidev_addr(vf));
	else
		snprintf(where, sizeof(where), "%s vf %u", facts->addr, index);
	if (index >= pc->vfs) {
		log_debug("%s: past the policy's %u VFs, leaving it alone", where, pc->vfs);
		return RESULT_OK;
	}
	if (policy_resolve_vf(pc, index, &vc) < 0)
		return RESULT_POLICY;

	/* Network settings go in before the driver binds: many VF drivers read them only at
	 * probe. But a VF in use (a guest, a pod, DPDK) belongs to its user, who may have set its
	 * MAC or VLAN on purpose (libvirt, the SR-IOV CNI): those are not changed without force. */
	bool net_failed = false, in_use = false;

	if (vf && (pc->kind == PF_KIND_NET || vc.set & VF_VFIO_KEYS)) {
		_cleanup_free_ char *why = NULL;

		in_use = guard_vf(vf, pc, &why) == GUARD_REFUSED;
		if (in_use && pc->kind == PF_KIND_NET && o->plan->mode == PLAN_APPLY)
			log_info(
			    "%s: in use (%s): its network settings are its user's, left as they are (force = true in %s overrides)",
			    where, why, pc->policy->path);
		else if (in_use && pc->kind == PF_KIND_NET)
			plan_note(o->plan, where,
				  "in use (%s): network settings left to its user, not compared",
				  why);
	}
	if (pc->kind == PF_KIND_NET && !in_use &&
	    vf_port_function(facts, pc, index, &vc, where, o) != RESULT_OK)
		net_failed = true;
	else if (pc->kind == PF_KIND_NET && !in_use && netvf_apply(facts, index, &vc, o->plan) < 0)
		net_failed = true; /* logged by netvf_apply, per attribute */

	if (!vf) {
		/* VFs that are not PCI devices (netdevsim): network settings are all there is. */
		if (net_failed)
			return RESULT_DEVICE;
		if (vc.set & (1u << VF_KEY_DRIVER))
			return log_error_errno(
				   ENODEV,
				   "%s:%u: %s: driver = \"%s\", but the VF is not a PCI device",
				   pc->policy->path, vc.line[VF_KEY_DRIVER], where, vc.driver),
			       RESULT_POLICY;
		return RESULT_OK;
	}
	r = model_vf_driver(facts, vf, pc, &vc, &want, &(const char *){ NULL });
	if (r < 0)
		return log_error("%s: cannot find the VF's native driver: %s", where,
				 modload_strerror(r)),
		       RESULT_DEVICE;
	if (net_failed) {
		_cleanup_free_ char *cur = NULL;

		/* A NIC VF's driver reads its settings at probe: binding it without them would
		 * bring it up wrong (a random MAC, no VLAN). Leave it unbound and say so. */
		if (want && (pcidev_driver(vf, &cur) < 0 || !cur || !streq(cur, want)) &&
		    o->plan->mode == PLAN_APPLY)
			log_error(
			    "%s: not bound to %s: the network settings above are not all in place, and the VF would come up without them; fix %s or the device, then run 'vio apply %s'",
			    where, want, pc->policy->path, facts->addr);
		return RESULT_DEVICE;
	}
	/* A VF driver that needs its PF up (the PF step brings it up): checked again here, as
	 * this VF's event may come after someone took the PF down. */
	if (want && pc->kind == PF_KIND_NET && pc->link_up) {
		if (!facts->ifname[0])
			return log_error(
				   "%s: not bound to %s: its PF has no interface yet to bring up first; its interface's event makes the VFs again",
				   where, want),
			       RESULT_DEVICE;
		r = netvf_set_flag(facts->ifname, IFF_UP, true, o->plan);
		if (r < 0)
			return log_error_errno(r,
					       "%s: not bound to %s: cannot bring its PF %s up: %m",
					       where, want, facts->ifname),
			       RESULT_DEVICE;
	}
	/* Its MSI-X vectors: the driver sizes its queues from them when it probes. */
	ex = vfmsix_apply(vf, where, o, pc, &vc, want);
	if (ex != RESULT_OK)
		return ex;
	/* An Intel Xe VF's scheduling profile, kept by its PF: before its driver probes it. */
	ex = gpuprofile_vf_apply(facts, where, o, index, &vc);
	if (ex != RESULT_OK)
		return ex;
	/* An NVMe VF's controller: resources and online, before its driver probes it. */
	ex = nvmevirt_vf_apply(vf, where, o, facts, index, pc, &vc, np);
	if (ex != RESULT_OK)
		return ex;
	ex = want ? bind_vf(vf, where, o, pc, want, !(vc.set & (1u << VF_KEY_DRIVER))) : RESULT_OK;
	if (ex != RESULT_OK)
		return ex;
	/* After the bind: the VF's netdev and vfio node exist only now. */
	return vfdev_apply(vf, where, o, facts, index, pc, &vc, in_use);
}

/* The VF event once its PF's lock is taken (or left to a run that holds it). */
static enum result vf_event(struct pcidev *vf, struct pcidev *pf, unsigned index,
			    const struct apply_opts *o, enum result ex, bool left)
{
	_cleanup_(pf_plan_config_done) struct pf_plan_config pc = {};
	PF_FACTS(facts);
	struct vf_config vc;
	enum result ex_cfg;

	/* The VF may have gone while we waited (a count change). */
	if (ex == RESULT_OK && !left && !pcidev_has_attr(vf, "physfn")) {
		log_debug("%s: gone while its PF was changed, nothing to do", pcidev_addr(vf));
		return RESULT_OK;
	}
	/* left: the run holding the PF configures this VF; the properties are still ours. */
	if ((ex != RESULT_OK || left) && !o->props)
		return ex;

	ex_cfg = model_pf_config(pf, o, &facts, &pc);
	if (ex_cfg != RESULT_OK || !pc.policy)
		return result_worst(ex, ex_cfg);
	if (facts.passed_through[0]) {
		log_debug("%s: its PF is bound to %s (passed through): left alone", pcidev_addr(vf),
			  facts.passed_through);
		return ex;
	}
	if (ex == RESULT_OK && !left && o->netdev_only) {
		/* The event of the VF's interface: the settings of the interface alone. */
		char where[64];

		if (index >= pc.vfs)
			return RESULT_OK;
		if (policy_resolve_vf(&pc, index, &vc) < 0)
			return RESULT_POLICY;
		snprintf(where, sizeof(where), "%s vf %u (%s)", facts.addr, index, pcidev_addr(vf));
		return vfdev_apply(vf, where, o, &facts, index, &pc, &vc, false);
	}
	if (ex == RESULT_OK && !left) {
		ex = apply_vf_index(vf, index, o, &pc, &facts, NULL);
		/* A VF event leaves the PF's status only when it fails. */
		if (ex != RESULT_OK) {
			char run[32];

			snprintf(run, sizeof(run), "vf-event %u", index);
			(void)run_leave_status(pf, o, &pc, run, ex);
		}
	}
	if (o->props && policy_resolve_vf(&pc, index, &vc) >= 0)
		vfdev_props(o->props, &facts, index, &pc, &vc);
	return ex;
}

enum result apply_vf(struct pcidev *vf, const struct apply_opts *o)
{
	_cleanup_(pcidev_unrefp) struct pcidev *pf = NULL;
	struct pf_lock lock = PF_LOCK_INIT;
	unsigned index;
	bool left = false, stale = false;
	int r;
	enum result ex;

	r = pcidev_physfn(vf, &pf, &index);
	if (r == -ENOENT && getenv("SEQNUM")) {
		/* At a VF's add event physfn may not exist yet; its change event follows. */
		log_debug("%s: not a VF (yet), nothing to do", pcidev_addr(vf));
		return RESULT_OK;
	}
	if (r == -ENOENT)
		return log_error("%s: not a VF (no physfn); for a PF, run vio apply %s",
				 pcidev_addr(vf), pcidev_addr(vf)),
		       RESULT_DEVICE;
	if (r < 0)
		return log_error_errno(r, "%s: cannot find the PF: %m", pcidev_addr(vf)),
		       RESULT_DEVICE;
	ex = run_lock(pf, o, PF_LOCK_VF, &lock, &left, &stale);
	if (stale)
		run_end_stale(pf);
	if (left && o->plan->mode == PLAN_APPLY && pf_lock_defer(pcidev_addr(pf), index) < 0)
		log_warning("%s: cannot note that its event was left to the run holding %s",
			    pcidev_addr(vf), pcidev_addr(pf));
	ex = vf_event(vf, pf, index, o, ex, left);
	pf_lock_release(&lock);
	/* This VF was just done; the others by their own events, now that the PF is free. */
	if (!left)
		run_replay_vfs(pf, o, stale ? 0 : UINT_MAX, index, CLAIM_UNLESS_SWEEP);
	return ex;
}

/* Finds the PF's policy once; RESULT_OK with ret->policy NULL when none applies. */
static enum result pf_lookup(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
			     struct pf_plan_config *ret)
{
	enum result ex = model_pf_config(pf, o, facts, ret);

	plan_matched(o->plan, ret->policy, ex == RESULT_OK, ret->vfs);
	if (ex == RESULT_OK && !ret->policy)
		log_debug("%s: no policy matches, nothing to do", facts->addr);
	return ex;
}

enum result apply_pf(struct pcidev *pf, const struct apply_opts *o)
{
	_cleanup_(nvmevirt_plan_done) struct nvme_plan np = NVME_PLAN_INIT;
	struct pf_lock lock = PF_LOCK_INIT;
	_cleanup_(pf_plan_config_done) struct pf_plan_config pc = {};
	PF_FACTS(facts);
	bool handed_off = false, stale = false;
	enum result ex;

	log_forget_errors();
	ex = run_lock(pf, o, PF_LOCK_PF, &lock, NULL, &stale);
	if (ex != RESULT_OK)
		return run_leave_status(pf, o, NULL, "pf-event", ex);
	if (stale)
		run_end_stale(pf);
	ex = pf_lookup(pf, o, &facts, &pc);
	if (ex == RESULT_OK && pc.policy)
		ex = apply_pf_config(pf, o, &facts, &pc, &handed_off, &np);
	/* Handed off: the unit leaves the status. */
	if (!handed_off)
		(void)run_leave_status(pf, o, &pc, "pf-event", ex);
	pf_lock_release(&lock);
	run_replay_vfs(pf, o, stale ? 0 : UINT_MAX, UINT_MAX, CLAIM_UNLESS_SWEEP);
	return ex;
}

enum result apply_configured(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
			     const struct pf_plan_config *pc, unsigned *ret_unfinished)
{
	_cleanup_(nvmevirt_plan_done) struct nvme_plan np = NVME_PLAN_INIT;
	bool handed_off = false;
	unsigned n;
	enum result ex;

	if (ret_unfinished)
		*ret_unfinished = 0;
	ex = apply_pf_config(pf, o, facts, pc, &handed_off, &np);
	/* Whatever became of the count, the VFs the PF has now get their settings: VF events
	 * that came meanwhile left them to this run. Not after a policy error, nor for a PF
	 * vio cannot handle or a unit now handles, nor after a signal. */
	if (handed_off || ex == RESULT_POLICY || ex == RESULT_USAGE || ex == RESULT_INTERRUPTED ||
	    facts->unsupported[0] || facts->passed_through[0] ||
	    (ex != RESULT_OK && model_vfio_without_iommu(pc, &(unsigned){ 0 }) >= 0))
		return ex;
	if (pcidev_read_unsigned(pf, "sriov_numvfs", &n) < 0)
		return RESULT_DEVICE;
	/* The VF events that deferred to this run until now are what the loop does: only those
	 * that come during it are replayed afterwards (replay_vfs). */
	if (o->plan->mode == PLAN_APPLY && pcidev_is_pci(pf) && n > 0) {
		_cleanup_free_ bool *covered = calloc(n, sizeof(*covered));

		if (covered)
			(void)pf_lock_claim_deferred(pcidev_addr(pf), covered, n);
	}
	for (unsigned i = 0; i < n; i++) {
		_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;

		/* A step boundary: the VFs from here on are left to their own events. */
		if (interrupted() && o->plan->mode == PLAN_APPLY) {
			if (ret_unfinished)
				*ret_unfinished = i;
			return RESULT_INTERRUPTED;
		}
		if (!pcidev_is_pci(pf)) {
			ex = result_worst(ex, apply_vf_index(NULL, i, o, pc, facts, &np));
			continue;
		}
		if (pcidev_virtfn(pf, i, &vf) < 0) {
			log_error("%s: vf %u has no virtfn%u link", facts->addr, i, i);
			ex = result_worst(ex, RESULT_DEVICE);
			continue;
		}
		ex = result_worst(ex, apply_vf_index(vf, i, o, pc, facts, &np));
	}
	return ex;
}

enum result apply_pf_and_vfs(struct pcidev *pf, const struct apply_opts *o)
{
	struct pf_lock lock = PF_LOCK_INIT;
	/* systemd sets INVOCATION_ID for the units it runs (vio-pf@, vio-apply). */
	const char *run = getenv("INVOCATION_ID") ? "unit" : "apply";
	_cleanup_(pf_plan_config_done) struct pf_plan_config pc = {};
	PF_FACTS(facts);
	unsigned unfinished = 0;
	bool stale = false;
	enum result ex;

	log_forget_errors();
	ex = run_lock(pf, o, PF_LOCK_SWEEP, &lock, NULL, &stale);
	if (ex != RESULT_OK) {
		/* VF events that came while it waited left their VF to this run. */
		run_replay_vfs(pf, o, UINT_MAX, UINT_MAX, CLAIM_ALWAYS);
		return run_leave_status(pf, o, NULL, run, interrupted() ? RESULT_INTERRUPTED : ex);
	}
	/* A killed run's VFs: this one configures every VF anyway. */
	run_mark(pf, o, run);
	ex = pf_lookup(pf, o, &facts, &pc);
	if (ex == RESULT_OK && pc.policy)
		ex = apply_configured(pf, o, &facts, &pc, &unfinished);
	log_debug("%s: the PF and its VFs handled", pcidev_addr(pf));
	if (ex == RESULT_INTERRUPTED)
		log_error(
		    "%s: stopped by %s before it was done; the VFs not yet configured are left to their udev events",
		    pcidev_addr(pf), strsignal(interrupted()));
	(void)run_leave_status(pf, o, &pc, run, ex);
	pf_lock_release(&lock);
	/* The VFs it did not reach, and events that came after it had configured their VF. */
	run_replay_vfs(pf, o, ex == RESULT_INTERRUPTED ? unfinished : UINT_MAX, UINT_MAX,
		       CLAIM_ALWAYS);
	log_debug("%s: status written, lock released", pcidev_addr(pf));
	return ex;
}

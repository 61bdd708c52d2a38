/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Carrying a policy out on a PF and its VFs: every change is logged once, naming the device. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/log.h"
#include "apply.h"
#include "lock.h"
#include "modload.h"
#include "netvf.h"
#include "numvfs.h"
#include "nvmevirt.h"
#include "pfdevlink.h"
#include "status.h"
#include "vfdev.h"

int exit_worst(int a, int b)
{
	return a > b ? a : b;
}

int write_attr(const struct pcidev *d, const char *attr, const char *old, const char *new)
{
	int r = pcidev_write(d, attr, new);

	if (r < 0)
		return log_error_errno(r, "%s: cannot set %s %s -> %s: %m", pcidev_addr(d), attr,
				       old, new);
	log_info("%s: %s %s -> %s", pcidev_addr(d), attr, old, new);
	return 0;
}

/* One attribute change, as the plan says: made and logged, printed, or counted as drift. */
static int change_attr(const struct apply_opts *o, const struct pcidev *d, const char *attr,
		       const char *old, const char *new)
{
	if (!plan_diff(o->plan, pcidev_addr(d), attr, old, new))
		return 0;
	return write_attr(d, attr, old, new);
}

static enum pf_kind kind_from_class(unsigned class)
{
	switch (class >> 16) {
	case 0x02:
		return PF_KIND_NET;
	case 0x03:
		return PF_KIND_GPU;
	default:
		return PF_KIND_DEV;
	}
}

int pf_facts_read(struct pcidev *pf, bool need_perm_mac, struct pf_facts *ret)
{
	struct pf_facts f = {};
	struct pcidev_hwdb hw;
	unsigned class;
	int r;

	snprintf(f.addr, sizeof(f.addr), "%s", pcidev_addr(pf));
	if (pcidev_netdev(pf, f.ifname) < 0)
		f.ifname[0] = '\0';
	if (need_perm_mac && f.ifname[0])
		f.has_perm_mac = netvf_perm_mac(f.ifname, f.perm_mac) >= 0;

	r = pcidev_read_unsigned(pf, "sriov_totalvfs", &f.totalvfs);
	if (r == -ENOENT && !pcidev_is_pci(pf)) {
		/* netdevsim has sriov_numvfs only: the driver has the last word on the count. */
		f.totalvfs = VF_INDEX_MAX;
		f.kind_default = f.ifname[0] ? PF_KIND_NET : PF_KIND_DEV;
		f.kind_source = "its interface";
		if (pcidev_hwdb(pf, &hw) >= 0)
			f.eswitch_vfs_unbound = streq(hw.eswitch_order, "vfs-unbound");
		*ret = f;
		return 0;
	}
	if (r == -ENOENT)
		return log_error_errno(r, "%s: not SR-IOV capable (no sriov_totalvfs)", f.addr);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read sriov_totalvfs: %m", f.addr);
	if (pcidev_read_hex(pf, "vendor", &f.vendor) < 0 ||
	    pcidev_read_hex(pf, "device", &f.device) < 0 ||
	    pcidev_read_hex(pf, "class", &class) < 0)
		return log_error_errno(EBADMSG, "%s: cannot read vendor, device and class", f.addr);

	if (pcidev_hwdb(pf, &hw) < 0)
		hw = (struct pcidev_hwdb){};
	if (pf_kind_from_string(hw.kind) >= 0) {
		f.kind_default = pf_kind_from_string(hw.kind);
		f.kind_source = "hwdb";
	} else {
		f.kind_default = kind_from_class(class);
		f.kind_source = "PCI class";
	}
	snprintf(f.unsupported, sizeof(f.unsupported), "%s", hw.unsupported);
	f.link_up_default = streq(hw.pf_link, "up");
	f.eswitch_vfs_unbound = streq(hw.eswitch_order, "vfs-unbound");
	f.nvme_virt = hw.nvme_virt;
	f.nvme_release = hw.nvme_release;
	if (module_name_valid(hw.vf_driver))
		snprintf(f.vf_driver, sizeof(f.vf_driver), "%s", hw.vf_driver);
	*ret = f;
	return 0;
}

int pf_config(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
	      struct pf_plan_config *ret)
{
	const struct policy *p = NULL;

	if (pf_facts_read(pf, policy_set_needs_perm_mac(o->policies), facts) < 0)
		return EXIT_DEVICE;
	if (policy_find(o->policies, facts, &p) < 0)
		return EXIT_POLICY;
	if (!p) {
		*ret = (struct pf_plan_config){};
		return EXIT_OK;
	}
	if (policy_resolve_pf(p, facts, ret) < 0)
		return EXIT_POLICY;
	return EXIT_OK;
}

/* What the device takes only while the PF has no VFs, run between the two sriov_numvfs writes. */
struct at_no_vfs {
	struct pf_devlink *dl;
	struct nvme_plan *np;
};

static int at_no_vfs(void *data)
{
	struct at_no_vfs *z = data;
	int ex = pf_devlink_at_no_vfs(z->dl);

	return ex != EXIT_OK ? ex : nvme_at_no_vfs(z->np);
}

/* The PF's part, for a PF whose policy was found and checked. */
static int apply_pf_config(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
			   const struct pf_plan_config *pc, bool *ret_handed_off)
{
	_cleanup_free_ char *drv = NULL;
	_cleanup_(pf_devlink_done) struct pf_devlink dl = {};
	_cleanup_(nvme_plan_done) struct nvme_plan np = NVME_PLAN_INIT;
	enum numvfs_step step;
	unsigned cur, autoprobe;
	bool changed = false, recreate;
	int r, ex;

	if (facts->unsupported[0]) {
		log_error("%s: %s names this PF, but vio cannot create its VFs: %s", facts->addr,
			  pc->policy->path, facts->unsupported);
		return EXIT_DEVICE;
	}
	r = pcidev_driver(pf, &drv);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read driver: %m", facts->addr), EXIT_DEVICE;
	if (!drv) {
		/* The kernel takes sriov_numvfs only with a driver bound; its bind event comes.
		 * check and explain say so, and check counts it: the PF is not as the policy says.
		 */
		if (o->plan->mode == PLAN_APPLY) {
			log_debug("%s: no driver bound yet, waiting for the bind event",
				  facts->addr);
		} else {
			o->plan->n_diffs++;
			printf(
			    "%s: no driver bound: the policy (%s, vfs = %u) cannot be applied until one is\n",
			    facts->addr, pc->policy->path, pc->vfs);
		}
		return EXIT_OK;
	}
	if (pcidev_read_unsigned(pf, "sriov_numvfs", &cur) < 0)
		return log_error_errno(EBADMSG, "%s: cannot read sriov_numvfs", facts->addr),
		       EXIT_DEVICE;
	r = pcidev_read_unsigned(pf, "sriov_drivers_autoprobe", &autoprobe);
	if (r == -ENOENT && !pcidev_is_pci(pf))
		autoprobe = pc->autoprobe; /* VFs that are not PCI devices: nothing probes them */
	else if (r < 0)
		return log_error_errno(r, "%s: cannot read sriov_drivers_autoprobe: %m",
				       facts->addr),
		       EXIT_DEVICE;

	/* Everything devlink and NVMe is read and checked before anything changes. */
	ex = pf_devlink_plan(pf, facts, pc, o->plan, &dl);
	if (ex == EXIT_OK)
		ex = nvme_plan_pf(pf, facts, pc, o->plan, &np);
	if (ex != EXIT_OK)
		return ex;
	recreate = pf_devlink_needs_no_vfs(&dl) || nvme_needs_no_vfs(&np);
	ex = numvfs_decide(pf, o, pc, cur, recreate, &step);
	if (ex != EXIT_OK)
		return ex;
	if (step == NUMVFS_HANDED_OFF) {
		*ret_handed_off = true;
		return EXIT_OK;
	}
	if (autoprobe != (unsigned)pc->autoprobe) {
		if (change_attr(o, pf, "sriov_drivers_autoprobe", autoprobe ? "1" : "0",
				pc->autoprobe ? "1" : "0") < 0)
			return EXIT_DEVICE;
		changed = true;
	}
	/* Some PF drivers make no VFs, or VFs that probe wrong, while the PF is down: igbvf
	 * then logs "PF still in reset state" and takes a random MAC. Up before the count. */
	if (facts->ifname[0] && pc->link_up) {
		r = netvf_set_flag(facts->ifname, IFF_UP, true, o->plan);
		if (r < 0)
			return log_error_errno(r, "%s: cannot bring %s up: %m", facts->addr,
					       facts->ifname),
			       EXIT_DEVICE;
		changed |= r > 0;
	}
	if (facts->ifname[0] && pc->mtu) {
		r = netvf_set_mtu(facts->ifname, facts->ifname, pc->mtu, o->plan);
		if (r < 0)
			return log_error_errno(r, "%s: cannot set the MTU of %s to %u: %m",
					       facts->addr, facts->ifname, pc->mtu),
			       EXIT_DEVICE;
		changed |= r > 0;
	}
	if (step == NUMVFS_WRITE) {
		struct at_no_vfs z = { .dl = &dl, .np = &np };
		struct numvfs_hook hook = { .fn = at_no_vfs, .data = &z };

		ex = numvfs_write(pf, o, pc, cur, recreate ? &hook : NULL);
		if (ex != EXIT_OK)
			return ex;
		changed = true;
	}
	ex = pf_devlink_with_vfs(pf, &dl, step == NUMVFS_WRITE ? pc->vfs : cur);
	if (ex != EXIT_OK)
		return ex;
	changed |= dl.mode_change || dl.n_set;
	if (facts->ifname[0] && pc->promisc_set) {
		r = netvf_set_flag(facts->ifname, IFF_PROMISC, pc->promisc, o->plan);
		if (r < 0)
			return log_error_errno(r, "%s: cannot set promisc on %s: %m", facts->addr,
					       facts->ifname),
			       EXIT_DEVICE;
		changed |= r > 0;
	}
	if (!changed && o->plan->mode == PLAN_APPLY)
		log_info("%s: already as %s says, nothing to change", facts->addr,
			 pc->policy->path);
	return EXIT_OK;
}

static int apply_vf_index(struct pcidev *vf, unsigned index, const struct apply_opts *o,
			  const struct pf_plan_config *pc, const struct pf_facts *facts)
{
	_cleanup_free_ char *want = NULL;
	struct vf_config vc;
	char where[64];
	int r, ex;

	if (vf)
		snprintf(where, sizeof(where), "%s vf %u (%s)", facts->addr, index,
			 pcidev_addr(vf));
	else
		snprintf(where, sizeof(where), "%s vf %u", facts->addr, index);
	if (index >= pc->vfs) {
		log_debug("%s: past the policy's %u VFs, leaving it alone", where, pc->vfs);
		return EXIT_OK;
	}
	if (policy_resolve_vf(pc, index, &vc) < 0)
		return EXIT_POLICY;

	/* Network settings go in before the driver binds: many VF drivers read them only at
	 * probe. But a VF in use (a guest, a pod, DPDK) belongs to its user, who may have set its
	 * MAC or VLAN on purpose (libvirt, the SR-IOV CNI): those are not changed without force. */
	bool net_failed = false, in_use = false;

	if (vf && !pc->force && (pc->kind == PF_KIND_NET || vc.set & VF_VFIO_KEYS)) {
		_cleanup_free_ char *why = NULL;

		in_use = pcidev_in_use(vf, &why) > 0;
		if (in_use && pc->kind == PF_KIND_NET && o->plan->mode == PLAN_APPLY)
			log_info(
			    "%s: in use (%s): its network settings are its user's, left as they are (force = true in %s overrides)",
			    where, why, pc->policy->path);
		else if (in_use && pc->kind == PF_KIND_NET)
			printf("%s: in use (%s): network settings left to its user, not compared\n",
			       where, why);
	}
	if (pc->kind == PF_KIND_NET && !in_use && netvf_apply(facts, index, &vc, o->plan) < 0)
		net_failed = true; /* logged by netvf_apply, per attribute */

	if (!vf) {
		/* VFs that are not PCI devices (netdevsim): network settings are all there is. */
		if (net_failed)
			return EXIT_DEVICE;
		if (vc.set & (1u << VF_KEY_DRIVER))
			return log_error_errno(
				   ENODEV,
				   "%s:%u: %s: driver = \"%s\", but the VF is not a PCI device",
				   pc->policy->path, vc.line[VF_KEY_DRIVER], where, vc.driver),
			       EXIT_POLICY;
		return EXIT_OK;
	}
	r = vf_wanted_driver(facts, vf, pc, &vc, &want, &(const char *){ NULL });
	if (r < 0)
		return log_error("%s: cannot find the VF's native driver: %s", where,
				 modload_strerror(r)),
		       EXIT_DEVICE;
	if (net_failed) {
		_cleanup_free_ char *cur = NULL;

		/* A NIC VF's driver reads its settings at probe: binding it without them would
		 * bring it up wrong (a random MAC, no VLAN). Leave it unbound and say so. */
		if (want && (pcidev_driver(vf, &cur) < 0 || !cur || !streq(cur, want)) &&
		    o->plan->mode == PLAN_APPLY)
			log_error(
			    "%s: not bound to %s: the network settings above are not all in place, and the VF would come up without them; fix %s or the device, then run 'vio apply %s'",
			    where, want, pc->policy->path, facts->addr);
		return EXIT_DEVICE;
	}
	/* An NVMe VF's controller: resources and online, before its driver probes it. */
	ex = nvme_vf_apply(vf, where, o, facts, index, pc, &vc);
	if (ex != EXIT_OK)
		return ex;
	ex = want ? vf_bind(vf, where, o, pc, want, !(vc.set & (1u << VF_KEY_DRIVER))) : EXIT_OK;
	if (ex != EXIT_OK)
		return ex;
	/* After the bind: the VF's netdev and vfio node exist only now. */
	return vfdev_apply(vf, where, o, facts, index, pc, &vc, in_use);
}

/* The PF's lock for what this run does: shared to read, exclusive to change. An EXIT_* code
 * (the failure is logged); *ret_left: a run that configures every VF holds it (PF_LOCK_VF). */
static int lock_pf(struct pcidev *pf, const struct apply_opts *o, enum pf_lock_mode mode,
		   struct pf_lock *ret, bool *ret_left)
{
	int r =
	    pf_lock_take(pcidev_addr(pf), o->plan->mode == PLAN_APPLY ? mode : PF_LOCK_READ, ret);

	if (ret_left)
		*ret_left = r == 1;
	return r < 0 ? EXIT_DEVICE : EXIT_OK;
}

/* The PF's status file (status.h), after a run that changed things or tried to. */
static int leave_status(struct pcidev *pf, const struct apply_opts *o,
			const struct pf_plan_config *pc, const char *run, int ex)
{
	struct pf_status s = { .exit = ex, .time = time(NULL) };

	if (o->plan->mode != PLAN_APPLY)
		return ex;
	snprintf(s.pf, sizeof(s.pf), "%s", pcidev_addr(pf));
	if (pc && pc->policy) {
		snprintf(s.policy, sizeof(s.policy), "%s", pc->policy->path);
		s.vfs_wanted = pc->vfs;
	}
	snprintf(s.run, sizeof(s.run), "%s", run);
	snprintf(s.error, sizeof(s.error), "%s", log_last_error());
	(void)pcidev_read_unsigned(pf, "sriov_numvfs", &s.vfs);
	status_write(&s);
	return ex;
}

int apply_vf(struct pcidev *vf, const struct apply_opts *o)
{
	_cleanup_(pcidev_unrefp) struct pcidev *pf = NULL;
	_cleanup_(pf_lock_release) struct pf_lock lock = PF_LOCK_INIT;
	struct pf_plan_config pc;
	struct pf_facts facts;
	struct vf_config vc;
	unsigned index;
	bool left = false;
	int r, ex, ex_cfg;

	r = pcidev_physfn(vf, &pf, &index);
	if (r == -ENOENT) {
		/* At a VF's add event physfn may not exist yet; its change event follows. */
		log_debug("%s: not a VF (yet), nothing to do", pcidev_addr(vf));
		return EXIT_OK;
	}
	if (r < 0)
		return log_error_errno(r, "%s: cannot find the PF: %m", pcidev_addr(vf)),
		       EXIT_DEVICE;
	ex = lock_pf(pf, o, PF_LOCK_VF, &lock, &left);
	/* The VF may have gone while we waited (a count change). */
	if (ex == EXIT_OK && !left && !pcidev_has_attr(vf, "physfn")) {
		log_debug("%s: gone while its PF was changed, nothing to do", pcidev_addr(vf));
		return EXIT_OK;
	}
	/* left: the run holding the PF configures this VF; the properties are still ours. */
	if ((ex != EXIT_OK || left) && !o->export)
		return ex;

	ex_cfg = pf_config(pf, o, &facts, &pc);
	if (ex_cfg != EXIT_OK || !pc.policy)
		return exit_worst(ex, ex_cfg);
	if (ex == EXIT_OK && !left && o->netdev_only) {
		/* The event of the VF's interface: the settings of the interface alone. */
		char where[64];

		if (index >= pc.vfs)
			return EXIT_OK;
		if (policy_resolve_vf(&pc, index, &vc) < 0)
			return EXIT_POLICY;
		snprintf(where, sizeof(where), "%s vf %u (%s)", facts.addr, index, pcidev_addr(vf));
		return vfdev_apply(vf, where, o, &facts, index, &pc, &vc, false);
	}
	if (ex == EXIT_OK && !left) {
		ex = apply_vf_index(vf, index, o, &pc, &facts);
		/* A VF event leaves the PF's status only when it fails. */
		if (ex != EXIT_OK) {
			char run[32];

			snprintf(run, sizeof(run), "vf-event %u", index);
			(void)leave_status(pf, o, &pc, run, ex);
		}
	}
	if (o->export && policy_resolve_vf(&pc, index, &vc) >= 0)
		vfdev_export(stdout, &facts, index, &pc, &vc);
	return ex;
}

/* Finds the PF's policy once; EXIT_OK with ret->policy NULL when none applies. */
static int pf_lookup(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
		     struct pf_plan_config *ret)
{
	int ex = pf_config(pf, o, facts, ret);

	if (ex == EXIT_OK && !ret->policy)
		log_debug("%s: no policy matches, nothing to do", facts->addr);
	return ex;
}

int apply_pf(struct pcidev *pf, const struct apply_opts *o)
{
	_cleanup_(pf_lock_release) struct pf_lock lock = PF_LOCK_INIT;
	struct pf_plan_config pc = {};
	struct pf_facts facts;
	bool handed_off = false;
	int ex;

	log_forget_errors();
	ex = lock_pf(pf, o, PF_LOCK_PF, &lock, NULL);
	if (ex != EXIT_OK)
		return leave_status(pf, o, NULL, "pf-event", ex);
	ex = pf_lookup(pf, o, &facts, &pc);
	if (ex == EXIT_OK && pc.policy)
		ex = apply_pf_config(pf, o, &facts, &pc, &handed_off);
	/* Handed off: the unit leaves the status. */
	return handed_off ? ex : leave_status(pf, o, &pc, "pf-event", ex);
}

int apply_configured(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
		     const struct pf_plan_config *pc)
{
	bool handed_off = false;
	unsigned n;
	int ex;

	ex = apply_pf_config(pf, o, facts, pc, &handed_off);
	/* Whatever became of the count, the VFs the PF has now get their settings: VF events
	 * that came meanwhile left them to this run. Not after a policy error, nor for a PF
	 * vio cannot handle or a unit now handles. */
	if (handed_off || ex == EXIT_POLICY || ex == EXIT_USAGE || facts->unsupported[0])
		return ex;
	if (pcidev_read_unsigned(pf, "sriov_numvfs", &n) < 0)
		return EXIT_DEVICE;
	for (unsigned i = 0; i < n; i++) {
		_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;

		if (!pcidev_is_pci(pf)) {
			ex = exit_worst(ex, apply_vf_index(NULL, i, o, pc, facts));
			continue;
		}
		if (pcidev_virtfn(pf, i, &vf) < 0) {
			log_error("%s: vf %u has no virtfn%u link", facts->addr, i, i);
			ex = exit_worst(ex, EXIT_DEVICE);
			continue;
		}
		ex = exit_worst(ex, apply_vf_index(vf, i, o, pc, facts));
	}
	return ex;
}

int apply_pf_and_vfs(struct pcidev *pf, const struct apply_opts *o)
{
	_cleanup_(pf_lock_release) struct pf_lock lock = PF_LOCK_INIT;
	/* systemd sets INVOCATION_ID for the units it runs (vio-pf@, vio-apply). */
	const char *run = getenv("INVOCATION_ID") ? "unit" : "apply";
	struct pf_plan_config pc = {};
	struct pf_facts facts;
	int ex;

	log_forget_errors();
	ex = lock_pf(pf, o, PF_LOCK_SWEEP, &lock, NULL);
	if (ex != EXIT_OK)
		return leave_status(pf, o, NULL, run, ex);
	ex = pf_lookup(pf, o, &facts, &pc);
	if (ex == EXIT_OK && pc.policy)
		ex = apply_configured(pf, o, &facts, &pc);
	return leave_status(pf, o, &pc, run, ex);
}

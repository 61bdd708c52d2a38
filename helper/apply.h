/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "plan.h"
#include "policy.h"
#include "sysfs.h"

/* Exit codes, documented in vio(8). Larger is worse when several devices are handled. */
enum {
	EXIT_OK = 0,	  /* done, or nothing to do */
	EXIT_USAGE = 1,	  /* bad command line or internal error */
	EXIT_POLICY = 2,  /* a policy file is invalid; the device was left as it is */
	EXIT_DEVICE = 3,  /* the device is not what it should be, or the kernel refused */
	EXIT_REFUSED = 4, /* VFs are in use and the policy does not say force */
	EXIT_DRIFT = 5,	  /* vio check: the system differs from the policy */
};

struct apply_opts {
	struct plan *plan; /* apply, dry-run or check */
	const struct policy_set *policies;
	bool event;	  /* the PF event run by udev: a count change may go to vio-pf@.service */
	bool export;	  /* the VF event: print the VF's udev properties (vfdev.h), exit 0 */
	bool netdev_only; /* the event of a VF's interface: its MTU (vfdev.h), nothing else */
};

int exit_worst(int a, int b);
/* One sysfs write, logged as "DEV: attr old -> new", or its failure as "cannot set ...". */
int write_attr(const struct pcidev *d, const char *attr, const char *old, const char *new);

/* Reads what a policy is matched and checked against. Logs, naming the device. */
int pf_facts_read(struct pcidev *pf, bool need_perm_mac, struct pf_facts *ret);

/* Finds and checks the policy of a PF. EXIT_OK with ret->policy NULL: none applies. */
int pf_config(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
	      struct pf_plan_config *ret);
/* The driver a VF should be bound to (NULL: the kernel's choice stands), and why. */
int vf_wanted_driver(const struct pf_facts *facts, struct pcidev *vf,
		     const struct pf_plan_config *pc, const struct vf_config *vc, char **ret,
		     const char **ret_source);

/* bind.c: binds VF to want (a driver or module name); native: the VF's own driver, which a
 * modprobe.d blacklist keeps out. Returns an EXIT_* code; logs naming where. */
int vf_bind(struct pcidev *vf, const char *where, const struct apply_opts *o,
	    const struct pf_plan_config *pc, const char *want, bool native);

/* Each of these holds the PF's lock (lock.h) while it runs. */
/* The PF event: autoprobe and sriov_numvfs. Returns an EXIT_* code; logs once per problem. */
int apply_pf(struct pcidev *pf, const struct apply_opts *o);
/* The VF event: network settings, driver_override, module, bind. Returns an EXIT_* code. */
int apply_vf(struct pcidev *vf, const struct apply_opts *o);
/* The same, for a PF whose policy pf_config() already found; the caller holds the lock. */
int apply_configured(struct pcidev *pf, const struct apply_opts *o, struct pf_facts *facts,
		     const struct pf_plan_config *pc);
/* A PF and then each of its VFs, the same code the events run. */
int apply_pf_and_vfs(struct pcidev *pf, const struct apply_opts *o);

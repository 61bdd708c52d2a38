/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "shared/result.h"

#include "core/model.h"
#include "sys/devlink.h"

/* A PF's eswitch mode and devlink parameters: read and checked against the policy before
 * anything changes, then set at the moment the device takes them. */
struct pf_devlink {
	struct devlink_dev dev;
	struct pcidev *pf;
	struct pf_facts *facts; /* its interface's name is read again after a reload */
	const char *where;	/* the PF's address, for messages */
	const struct pf_plan_config *pc;
	struct plan *plan;

	bool has_mode; /* cur_mode was read: the device has an eswitch */
	bool mode_change;
	enum eswitch_mode cur_mode;
	struct devlink_eswitch cur;  /* as read: its inline and encap modes, -1 if not reported */
	int want_inline, want_encap; /* the policy's (or the hwdb's) in switchdev, -1: none */
	bool attrs_change;	     /* either differs: set with the mode, or on its own */
	int want_tc;		     /* hw-tc-offload on the PF's interface: 1, 0, -1 as it is */
	bool vfs_unbound; /* hwdb VIO_ESWITCH_ORDER=vfs-unbound: the mode is set with VFs */

	struct devlink_param *params; /* all the device has */
	unsigned n_params;
	struct {
		const struct devlink_want *want;
		const struct devlink_param *param;
		enum devlink_cmode cmode;
	} set[DEVLINK_PARAMS_MAX]; /* those that differ */
	unsigned n_set;
	bool reload; /* a driverinit value changes: reload the driver */
};

void pf_devlink_done(struct pf_devlink *dl);

/* Reads the device's mode and parameters and checks the policy against them (an unknown
 * parameter, a value of the wrong type or range, a permanent-only parameter, a PF without
 * devlink): every problem logged with file:line, nothing changed. A result. */
enum result pf_devlink_plan(struct pcidev *pf, struct pf_facts *facts,
			    const struct pf_plan_config *pc, struct plan *plan,
			    struct pf_devlink *ret);
/* The changes the device takes only while the PF has no VFs. */
bool pf_devlink_needs_no_vfs(const struct pf_devlink *dl);
/* At 0 VFs (a numvfs hook): parameters, the reload driverinit values need, the eswitch mode
 * (unless set with VFs). What was set is put back when a later step fails. A result. */
enum result pf_devlink_at_no_vfs(void *dl);
/* hwdb VIO_ESWITCH_ORDER=vfs-unbound (mlx5): after the VFs exist, unbound from their driver
 * (vio binds them after), the mode. A result. */
enum result pf_devlink_with_vfs(struct pcidev *pf, struct pf_devlink *dl, unsigned numvfs);
/* Last, the PF's interface's hw-tc-offload (the policy's hw_tc_offload, else on in switchdev
 * and off in legacy when the policy sets the mode), on the interface the PF has then (a
 * reload makes it anew). *ret_changed when it was changed. A result. */
enum result pf_devlink_tc(struct pf_devlink *dl, bool *ret_changed);

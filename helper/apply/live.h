/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What a run reads from the kernel about one PF beyond its facts, on first use, and shares
 * among its steps: the VF table (one RTM_GETLINK, not one per VF) and, in switchdev, the VF
 * ports (one devlink dump). Its owner is whoever owns the PF's facts, declared together with
 * PF_FACTS(facts). No read outlives the PF's run, and no PF's reads are another's.
 */
#include <stdbool.h>

#include "shared/macro.h"

#include "core/policy.h"
#include "sys/dlport.h"
#include "sys/netlink.h"

/* A switchdev PF's VF ports (devlink). */
struct live_ports {
	struct devlink_dev dev;
	bool read;
	int err;
	char msg[256]; /* the kernel's reason when the read failed */
	struct dlport *v;
	unsigned n;
};

struct pf_live {
	bool vf_table_read;
	int ifindex;
	struct link_state vf_table;
	bool vf_table_warned; /* "could not read back" is said once per run */
	struct live_ports ports;
};

/* Drops the VF table: the VF count changed, or the PF's interface did. */
void live_forget(struct pf_live *l);
void live_done(struct pf_live *l);

/* Declares a PF's facts, name, and its run's reads beside them, freed when the scope ends. */
#define PF_FACTS(name)                                                                             \
	_cleanup_(live_done) struct pf_live name##_live = {};                                      \
	struct pf_facts name = { .live = &name##_live }

/* The PF's VF ports, read on first use (again when fresh): *ret is always set (empty when
 * they could not be read); the kernel's errno. */
int live_ports(const struct pf_facts *f, bool fresh, const struct live_ports **ret);
/* What was read last for the PF (empty when nothing was), to name its VFs in messages. */
const struct live_ports *live_ports_of(const struct pf_facts *f);

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "shared/result.h"

#include "core/plan.h"
#include "core/policy.h"
#include "sys/dlport.h"

/* The first port function key of fn the VF's port does not report, or -1. */
int swfn_missing(const struct dlport *port, const struct vf_portfn *fn);
/* Logs that key k is not reported, with file:line and the driver; RESULT_POLICY. */
enum result swfn_refuse(const struct policy *p, const char *where, const char *drv,
			const struct vf_portfn *fn, int k);
/* In a VF's step, before its driver binds: its port function (hw_addr, capabilities,
 * max_io_eqs). mac: the VF's MAC (the policy's or the stable one) or NULL. A result. */
enum result swfn_vf(const struct pf_facts *facts, const struct pf_plan_config *pc, unsigned index,
		    const struct vf_config *vc, const uint8_t *mac, const char *where,
		    struct plan *plan);

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"
#include "policy.h"

/* The PF's permanent MAC: sysfs when the address is the permanent one, else rtnetlink. */
int netvf_perm_mac(const char *ifname, uint8_t ret[static 6]);
/* The MAC a VF gets when the policy gives none (see mac.h for the derivation). */
int netvf_stable_mac(const struct pf_facts *pf, unsigned index, uint8_t ret[static 6]);
/* 1 when the flag differs (and, applying, was changed), 0 when it already was right. */
int netvf_set_promisc(const char *ifname, bool on, struct plan *plan);
/*
 * Programs one VF's network settings through its PF, sending only what differs. Each
 * attribute is its own message, so one the driver refuses does not stop the others; each
 * refusal is logged by VF and attribute. Returns the first error.
 */
int netvf_apply(const struct pf_facts *pf, unsigned index, const struct vf_config *vc,
		struct plan *plan);

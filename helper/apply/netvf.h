/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/plan.h"
#include "core/policy.h"

struct link_state;

/* The PF's VF table (RTM_GETLINK), read once per PF and run (apply/live.h); -ENODEV when the
 * PF has no netdev. */
int netvf_table(const struct pf_facts *pf, int *ret_ifindex, const struct link_state **ret);
/* 0, or -EMSGSIZE (and a warning, once per run) when the kernel's reply left VFs out. */
int netvf_table_complete(const struct pf_facts *pf, const struct link_state *s);

#define NETVF_KEY_MAX 64
/* The MAC a VF gets when the policy gives none (see mac.h for the derivation), and in key
 * which ID it was made from. -ENOLINK: the PF has an interface whose permanent MAC cannot
 * be read (the PCI address is used only for PFs without one, or whose driver has none). */
int netvf_stable_mac(const struct pf_facts *pf, unsigned index, uint8_t ret[static 6],
		     char key[static NETVF_KEY_MAX]);
const char *netvf_mac_strerror(int r);
/* The node and port GUIDs an InfiniBand VF gets where want has none (mac.h), and in key
 * which ID of the PF they were made from (its own node GUID, else its PCI address). */
int netvf_stable_guids(const struct pf_facts *pf, unsigned index, struct vf_config *want,
		       char key[static NETVF_KEY_MAX]);
/* An interface's MTU: the PF's (a VF's can never exceed it; some drivers take it only before
 * VFs exist) or a VF's. where names the device in messages. 1 when it differed (and, applying,
 * was changed), 0 when it already was right. */
int netvf_set_mtu(const char *where, const char *ifname, unsigned mtu, struct plan *plan);
/* IFF_PROMISC or IFF_UP on the PF's interface. 1 when it differed (and, applying, was
 * changed), 0 when it already was right. */
int netvf_set_flag(const char *ifname, unsigned flag, bool on, struct plan *plan);
/*
 * Programs one VF's network settings through its PF, sending only what differs. Each
 * attribute is its own message, so one the driver refuses does not stop the others; each
 * refusal is logged by VF and attribute. Returns the first error; -EMSGSIZE when every
 * setting was sent but the kernel's reply did not describe the VF, so none was read back.
 */
int netvf_apply(const struct pf_facts *pf, unsigned index, const struct vf_config *vc,
		struct plan *plan);

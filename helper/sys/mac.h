/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * The stable MAC of VF index of a PF:
 *   d   = HMAC-SHA256(key = machine-id as its 32 hex characters,
 *                     data = "vio-vf-mac " ID " " INDEX)
 *   mac = 02:d[0]:d[1]:d[2]:d[3]:d[4]
 * ID is the PF's permanent MAC (lower case, colons), else its PCI address.
 * OpenSSL is dlopen()ed on first use.
 */
int mac_stable(const char *machine_id, const char *pf_id, unsigned index, uint8_t ret[static 6]);
/*
 * The stable GUID of VF index of an InfiniBand PF, its node or its port GUID (kind "node" or
 * "port"): the same HMAC over "vio-vf-guid " KIND " " ID " " INDEX, EUI-64 from its first
 * 8 bytes with the locally administered bit set and the group bit clear. ID is the PF's own
 * node GUID, else its PCI address.
 */
int mac_stable_guid(const char *machine_id, const char *pf_id, const char *kind, unsigned index,
		    uint8_t ret[static 8]);
int mac_read_machine_id(char **ret);
/* Why mac_stable() or mac_read_machine_id() failed, naming the file or the library. */
const char *mac_strerror(int r);

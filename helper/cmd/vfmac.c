/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vio mac PF N: the MAC (or an InfiniBand VF's GUIDs) a VF gets when the policy gives none. */
#include <stdio.h>

#include "shared/log.h"
#include "shared/result.h"
#include "shared/util.h"

#include "apply/live.h"
#include "apply/netvf.h"
#include "cmd/vfmac.h"
#include "core/model.h"
#include "sys/mac.h"
#include "sys/pcidev.h"

enum result vfmac_run(struct pcidev *d, unsigned index)
{
	PF_FACTS(facts);
	char buf[MAC_STR_MAX], key[NETVF_KEY_MAX];
	uint8_t mac[6];
	int r;

	if (model_facts_read(d, true, &facts) < 0)
		return RESULT_DEVICE;
	/* Without the policy: a PF that is not a NIC by hwdb or PCI class has VFs without MACs;
	 * the derivation is still shown (it is the same for every kind), with a word. */
	if (facts.kind_default != PF_KIND_NET)
		log_warning(
		    "%s: not a network PF (%s, from its %s): its VFs take no MAC; this is what vio would give one",
		    facts.addr, pf_kind_to_string(facts.kind_default), facts.kind_source);
	if (index >= facts.totalvfs)
		log_warning("%s: vf %u is past sriov_totalvfs %u", facts.addr, index,
			    facts.totalvfs);
	/* An InfiniBand PF's VFs have GUIDs where an Ethernet PF's have MACs. */
	if (facts.infiniband) {
		struct vf_config vc = {};
		char g[GUID_STR_MAX];

		r = netvf_stable_guids(&facts, index, &vc, key);
		if (r < 0) {
			log_error("%s vf %u: cannot generate GUIDs: %s", facts.addr, index,
				  mac_strerror(r));
			return RESULT_DEVICE;
		}
		printf("node_guid %s\n", guid_format(vc.node_guid, g));
		printf("port_guid %s\n", guid_format(vc.port_guid, g));
		log_info("%s vf %u: key: machine-id and the %s", facts.addr, index, key);
		return RESULT_OK;
	}
	r = netvf_stable_mac(&facts, index, mac, key);
	if (r < 0) {
		log_error("%s vf %u: cannot generate a MAC: %s", facts.addr, index,
			  netvf_mac_strerror(r));
		return RESULT_DEVICE;
	}
	printf("%s\n", mac_format(mac, buf));
	log_info("%s vf %u: key: machine-id and the %s", facts.addr, index, key);
	return RESULT_OK;
}

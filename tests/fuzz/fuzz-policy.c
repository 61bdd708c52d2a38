/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness over the policy loader: the bytes of one policy file, through the checks
 * vio makes before libconfig (policy_file_text_check), libconfig and vio's own validation
 * (conf_parse_buffer, the entry point policy_set_load uses after reading a file), and then
 * the resolution for a PF and each VF, as an event would.
 *   make fuzz            runs it (FUZZ_TIME seconds, default 600), corpus in tests/fuzz/corpus
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"

#include "core/policy.h"
#include "core/policyfile.h"
#include "core/policyset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pf_facts nic = {
		.addr = "0000:05:00.0", .vendor = 0x8086, .device = 0x1572, .ifname = "enp5s0",
		.has_perm_mac = true, .perm_mac = { 0x3c, 0xfd, 0xfe, 0xaa, 0xbb, 0xcc },
		.totalvfs = 64, .kind_default = PF_KIND_NET, .kind_source = "PCI class",
	};
	struct policy *p;
	struct pf_plan_config pc = {};
	struct vf_config vc;

	log_set_max_level(-1); /* every input is an error somewhere: logging is not the point */
	if (size > POLICY_FILE_MAX)
		return 0;
	p = policy_file_parse("fuzz.conf", (const char *)data, size);
	if (!p)
		abort(); /* NULL only on OOM */
	if (!p->broken && !p->n_errors && policyset_matches(p, &nic) &&
	    policy_resolve_pf(p, &nic, &pc) == 0)
		for (unsigned i = 0; i < pc.vfs && i < 64; i++)
			(void)policy_resolve_vf(&pc, i, &vc);
	pf_plan_config_done(&pc);
	policy_free(p);
	return 0;
}

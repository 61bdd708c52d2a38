/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vio export device-plugin: the SR-IOV network device plugin's config.json (its resourceList)
 * from the policy, for the VFs vio makes as the SR-IOV network operator's "externally
 * managed" PFs. One entry per PF and resource (the plugin allows a name more than once):
 * pfNames with the VF indexes where the PF has an interface ("ens1f0#0-3,6"), else the VFs'
 * PCI addresses (or rootDevices when the resource has all of the PF's VFs); the driver when
 * every VF of the resource names the same one; vendor and device of the VFs there are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "apply.h"
#include "export.h"

struct export_ctx {
	const struct policy_set *set;
	unsigned n;
	int ex;
};

static void print_ranges(FILE *f, const bool *in, unsigned n)
{
	bool first = true;

	for (unsigned i = 0; i < n; i++) {
		unsigned j = i;

		if (!in[i])
			continue;
		while (j + 1 < n && in[j + 1])
			j++;
		fprintf(f, "%s%u", first ? "" : ",", i);
		if (j > i)
			fprintf(f, "-%u", j);
		first = false;
		i = j;
	}
}

static int export_pf(struct pcidev *pf, void *userdata)
{
	struct export_ctx *c = userdata;
	struct apply_opts o = { .plan = &(struct plan){ .mode = PLAN_CHECK }, .policies = c->set };
	struct pf_plan_config pc;
	struct pf_facts facts;
	char done[64][64];
	unsigned n_done = 0;
	int ex = pf_config(pf, &o, &facts, &pc);

	if (ex != EXIT_OK) {
		c->ex = exit_worst(c->ex, ex);
		return 0;
	}
	if (!pc.policy || pc.vfs == 0)
		return 0;
	/* Each resource of this PF, in the order its first VF has it. */
	for (unsigned i = 0; i < pc.vfs; i++) {
		_cleanup_free_ bool *in = NULL;
		struct vf_config vc;
		char driver[MODULE_NAME_MAX] = "";
		bool one_driver = true, all = true, seen = false;
		unsigned vf_vendor = 0, vf_device = 0;

		if (policy_resolve_vf(&pc, i, &vc) < 0) {
			c->ex = exit_worst(c->ex, EXIT_POLICY);
			return 0;
		}
		if (!(vc.set & VF_KEY_BIT(VF_KEY_RESOURCE)))
			continue;
		for (unsigned k = 0; k < n_done; k++)
			seen |= streq(done[k], vc.resource);
		if (seen || n_done == ELEMENTSOF(done))
			continue;
		snprintf(done[n_done++], sizeof(done[0]), "%s", vc.resource);

		in = calloc(pc.vfs, sizeof(*in));
		if (!in)
			return -ENOMEM;
		for (unsigned k = i; k < pc.vfs; k++) {
			_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;
			struct vf_config kc;

			if (policy_resolve_vf(&pc, k, &kc) < 0 ||
			    !(kc.set & VF_KEY_BIT(VF_KEY_RESOURCE)) ||
			    !streq(kc.resource, vc.resource))
				continue;
			in[k] = true;
			if (!(kc.set & VF_KEY_BIT(VF_KEY_DRIVER)) ||
			    (driver[0] && !streq(driver, kc.driver)))
				one_driver = false;
			else
				snprintf(driver, sizeof(driver), "%s", kc.driver);
			if (!vf_device && pcidev_is_pci(pf) && pcidev_virtfn(pf, k, &vf) >= 0) {
				(void)pcidev_read_hex(vf, "vendor", &vf_vendor);
				(void)pcidev_read_hex(vf, "device", &vf_device);
			}
		}
		for (unsigned k = 0; k < pc.vfs; k++)
			all &= in[k];

		printf("%s\n    {\n      \"resourceName\": \"%s\",\n      \"selectors\": {",
		       c->n++ ? "," : "", vc.resource);
		if (vf_device)
			printf(
			    "\n        \"vendors\": [\"%04x\"],\n        \"devices\": [\"%04x\"],",
			    vf_vendor, vf_device);
		if (one_driver && driver[0])
			printf("\n        \"drivers\": [\"%s\"],", driver);
		if (facts.ifname[0]) {
			printf("\n        \"pfNames\": [\"%s#", facts.ifname);
			print_ranges(stdout, in, pc.vfs);
			printf("\"]");
		} else if (all || !pcidev_is_pci(pf)) {
			printf("\n        \"rootDevices\": [\"%s\"]", facts.addr);
		} else {
			bool first = true;

			printf("\n        \"pciAddresses\": [");
			for (unsigned k = 0; k < pc.vfs; k++) {
				_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;

				if (!in[k])
					continue;
				if (pcidev_virtfn(pf, k, &vf) < 0) {
					log_warning(
					    "%s vf %u: no such VF yet; its PCI address is not in the export",
					    facts.addr, k);
					continue;
				}
				printf("%s\"%s\"", first ? "" : ", ", pcidev_addr(vf));
				first = false;
			}
			printf("]");
		}
		printf("\n      }\n    }");
	}
	return 0;
}

int export_device_plugin(const struct policy_set *set)
{
	struct export_ctx c = { .set = set };
	int r;

	fputs("{\n  \"resourceList\": [", stdout);
	r = pcidev_foreach_pf(export_pf, &c);
	fputs(c.n ? "\n  ]\n}\n" : "]\n}\n", stdout);
	if (r == -ENOMEM)
		return log_oom(), EXIT_USAGE;
	if (r < 0)
		return log_error_errno(r, "cannot enumerate devices: %m"), EXIT_DEVICE;
	return c.ex;
}

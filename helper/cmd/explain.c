/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vio explain: which policy applies to a PF, each value with its source, and the plan. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"

#include "apply/live.h"
#include "apply/apply.h"
#include "apply/netvf.h"
#include "apply/nvmevirt.h"
#include "apply/vfdev.h"
#include "cmd/explain.h"
#include "cmd/output.h"
#include "core/policyset.h"
#include "state/lock.h"
#include "sys/netns.h"
#include "sys/pci_driver.h"
#include "sys/pcidev.h"

static const char *match_key(enum pf_match m)
{
	return m == PF_MATCH_ID ? "id" : m == PF_MATCH_MAC ? "mac" : "name";
}

/* "file:line" for a pf key, or the fallback when the policy does not set it. */
static void source_pf(const struct policy *p, enum pf_key k, const char *fallback)
{
	if (p->set & (1u << k))
		printf("%s:%u\n", p->path, p->line[k]);
	else
		printf("%s\n", fallback);
}

/* A network VF bound to its driver whose interface is not here: where it went. */
static void explain_where(const struct pf_plan_config *pc, struct pcidev *vf)
{
	_cleanup_free_ char *cur = NULL;
	struct netns_where w;
	char ifname[16], where[160], name[4 * 16];

	if (!vf || pc->kind != PF_KIND_NET || pcidev_netdev(vf, ifname) >= 0 ||
	    pcidev_driver(vf, &cur) < 0 || !cur || pci_driver_is_vfio(cur) ||
	    streq(cur, "pci-stub"))
		return;
	if (netns_find_device("pci", pcidev_addr(vf), &w) >= 0)
		printf("  %-12s %-18s in network namespace %s\n", "interface",
		       text_escape(w.ifname, name, sizeof(name)),
		       netns_describe(&w, where, sizeof(where)));
	else
		printf("  %-12s %-18s bound to %s, its interface in another network namespace\n",
		       "interface", "-", cur);
}

static void explain_vf(struct pcidev *pf, const struct pf_plan_config *pc,
		       const struct pf_facts *facts, const struct nvme_plan *np, unsigned i)
{
	_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;
	_cleanup_free_ char *drv = NULL;
	const char *why = NULL;
	struct vf_config vc;
	char m[MAC_STR_MAX];

	if (policy_resolve_vf(pc, i, &vc) < 0)
		return;
	if (pcidev_is_pci(pf) && pcidev_virtfn(pf, i, &vf) >= 0)
		printf("vf %u (%s):\n", i, pcidev_addr(vf));
	else
		printf("vf %u (not created yet%s):\n", i, pcidev_is_pci(pf) ? "" : ", or not PCI");

	for (enum vf_key k = 0; k < _VF_KEY_MAX; k++) {
		char val[128];

		if (!(vc.set & (1u << k)) || k == VF_KEY_DRIVER)
			continue;
		switch (k) {
		case VF_KEY_MAC:
			mac_format(vc.mac, val);
			break;
		case VF_KEY_PROTO:
			snprintf(val, sizeof(val), "%s", vc.proto_8021ad ? "802.1ad" : "802.1Q");
			break;
		case VF_KEY_LINK_STATE:
			snprintf(val, sizeof(val), "%s", vf_link_state_to_string(vc.link_state));
			break;
		case VF_KEY_SPOOFCHK:
		case VF_KEY_TRUST:
		case VF_KEY_QUERY_RSS:
			snprintf(val, sizeof(val), "%s",
				 (k == VF_KEY_SPOOFCHK ? vc.spoofchk
				  : k == VF_KEY_TRUST  ? vc.trust
						       : vc.query_rss)
				     ? "on"
				     : "off");
			break;
		case VF_KEY_MTU:
			snprintf(val, sizeof(val), "%u", vc.mtu);
			break;
		case VF_KEY_MANAGED_BY:
			snprintf(val, sizeof(val), "%s", vc.managed_by);
			break;
		case VF_KEY_RESOURCE:
			snprintf(val, sizeof(val), "%s", vc.resource);
			break;
		case VF_KEY_VFIO_OWNER:
		case VF_KEY_VFIO_GROUP:
			snprintf(val, sizeof(val), "%s",
				 k == VF_KEY_VFIO_OWNER ? vc.vfio_owner : vc.vfio_group);
			break;
		case VF_KEY_VFIO_MODE:
			snprintf(val, sizeof(val), "%04o", vc.vfio_mode);
			break;
		case VF_KEY_NVME_VQ:
		case VF_KEY_NVME_VI:
			snprintf(val, sizeof(val), "%u",
				 k == VF_KEY_NVME_VQ ? vc.nvme_vq : vc.nvme_vi);
			break;
		case VF_KEY_MSIX:
			snprintf(val, sizeof(val), "%u", vc.msix);
			break;
		case VF_KEY_EXEC_QUANTUM:
		case VF_KEY_PREEMPT_TIMEOUT:
			snprintf(val, sizeof(val), "%u",
				 k == VF_KEY_EXEC_QUANTUM ? vc.exec_quantum_ms
							  : vc.preempt_timeout_us);
			break;
		case VF_KEY_VRAM_QUOTA:
			snprintf(val, sizeof(val), "%" PRIu64, vc.vram_quota);
			break;
		case VF_KEY_SCHED_PRIORITY:
			snprintf(val, sizeof(val), "%s", vc.sched_priority);
			break;
		case VF_KEY_RATE:
			swcfg_rate_format(&vc.rate, val, sizeof(val));
			break;
		case VF_KEY_PORT_FUNCTION:
			swcfg_portfn_format(&vc.portfn, val, sizeof(val));
			break;
		case VF_KEY_NODE_GUID:
		case VF_KEY_PORT_GUID: {
			char g[GUID_STR_MAX];

			snprintf(
			    val, sizeof(val), "%s",
			    guid_format(k == VF_KEY_NODE_GUID ? vc.node_guid : vc.port_guid, g));
			break;
		}
		default:
			snprintf(val, sizeof(val), "%u",
				 k == VF_KEY_VLAN	   ? vc.vlan
				 : k == VF_KEY_QOS	   ? vc.qos
				 : k == VF_KEY_MIN_TX_RATE ? vc.min_tx_rate
							   : vc.max_tx_rate);
		}
		printf("  %-12s %-18s %s:%u (%s)\n", vf_key_to_string(k), val, pc->policy->path,
		       vc.line[k], vc.origin[k]);
	}
	if (facts->infiniband && (vc.set & VF_GUID_KEYS) != VF_GUID_KEYS) {
		struct vf_config gen = vc;
		char key[NETVF_KEY_MAX], g[GUID_STR_MAX];

		if (netvf_stable_guids(facts, i, &gen, key) >= 0) {
			if (!(vc.set & VF_KEY_BIT(VF_KEY_NODE_GUID)))
				printf("  %-12s %-18s generated: machine-id and the PF's %s\n",
				       "node_guid", guid_format(gen.node_guid, g), key);
			if (!(vc.set & VF_KEY_BIT(VF_KEY_PORT_GUID)))
				printf("  %-12s %-18s generated: machine-id and the PF's %s\n",
				       "port_guid", guid_format(gen.port_guid, g), key);
		}
	} else if (pc->kind == PF_KIND_NET && !(vc.set & (1u << VF_KEY_MAC))) {
		char key[NETVF_KEY_MAX];
		uint8_t mac[6];
		int r = netvf_stable_mac(facts, i, mac, key);

		if (r >= 0)
			printf("  %-12s %-18s generated: machine-id and the %s\n", "mac",
			       mac_format(mac, m), key);
		else
			printf("  %-12s %-18s generated, but: %s\n", "mac", "-",
			       netvf_mac_strerror(r));
	}
	if (pc->kind == PF_KIND_NET) {
		const char *nm, *src, *id = vfdev_managed_by(pc, &vc, &nm, &src);

		if (!(vc.set & VF_KEY_BIT(VF_KEY_MANAGED_BY)))
			printf("  %-12s %-18s %s\n", "managed_by", id ? "none" : "host", src);
		if (id)
			printf(
			    "  %-12s ID_NET_MANAGED_BY=%s NM_UNMANAGED=%s on its interface (udev)\n",
			    "", id, nm);
	}
	if (np->managed) {
		struct nvme_secondary sec;
		unsigned vq, vi;
		char want[32];

		nvmevirt_vf_want(np, pc, &vc, &vq, &vi);
		snprintf(want, sizeof(want), "VQ %u, VI %u", vq, vi);
		printf("  %-12s %-18s %s", "nvme", want,
		       vc.set & (VF_KEY_BIT(VF_KEY_NVME_VQ) | VF_KEY_BIT(VF_KEY_NVME_VI))
			   ? "policy (nvme_vq, nvme_vi)"
			   : "an even share of the flexible resources");
		if (nvme_secondary_of(np->fd, i + 1, &sec) == 0)
			printf("; secondary controller %u now %s, VQ %u, VI %u\n", sec.scid,
			       sec.online ? "online" : "offline", sec.nvq, sec.nvi);
		else
			printf("; no secondary controller listed for it\n");
	}
	if (vc.set & (1u << VF_KEY_DRIVER) && streq(vc.driver, "vfio") &&
	    model_vf_driver(facts, vf, pc, &vc, &drv, &why) >= 0)
		printf("  %-12s %-18s %s:%u (%s): %s\n", "driver", drv, pc->policy->path,
		       vc.line[VF_KEY_DRIVER], vc.origin[VF_KEY_DRIVER], why);
	else if (vc.set & (1u << VF_KEY_DRIVER))
		printf("  %-12s %-18s %s:%u (%s)\n", "driver", vc.driver, pc->policy->path,
		       vc.line[VF_KEY_DRIVER], vc.origin[VF_KEY_DRIVER]);
	else if (vf && model_vf_driver(facts, vf, pc, &vc, &drv, &why) >= 0)
		printf("  %-12s %-18s %s\n", "driver", drv ?: "-", why);
	else
		printf("  %-12s %-18s %s\n", "driver", "-",
		       pc->autoprobe ? "autoprobe on: the kernel's choice"
				     : "native driver, once the VF exists");
	explain_where(pc, vf);
}

enum result explain_run(struct pcidev *pf, const struct policy_set *set)
{
	struct plan plan = { .mode = PLAN_DRY_RUN };
	struct apply_opts o = { .plan = &plan, .policies = set };
	_cleanup_(pf_lock_release) struct pf_lock lock = PF_LOCK_INIT;
	_cleanup_free_ char *drv = NULL;
	_cleanup_(nvmevirt_plan_done) struct nvme_plan np = NVME_PLAN_INIT;
	_cleanup_(pf_plan_config_done) struct pf_plan_config pc = {};
	PF_FACTS(facts);
	const struct policy *p;
	unsigned numvfs = 0;
	enum result ex;

	if (pf_lock_take(pcidev_addr(pf), PF_LOCK_READ, &lock) < 0)
		return RESULT_DEVICE;
	ex = model_pf_config(pf, &o, &facts, &pc);
	if (!facts.addr[0])
		return ex; /* not an SR-IOV PF: said */
	(void)pcidev_driver(pf, &drv);
	(void)pcidev_read_unsigned(pf, "sriov_numvfs", &numvfs);
	printf("%s: %04x:%04x, driver %s, %u of %u VFs%s%s\n", facts.addr, facts.vendor,
	       facts.device, drv ?: "none", numvfs, facts.totalvfs,
	       facts.ifname[0] ? ", interface " : "", facts.ifname);
	if (ex != RESULT_OK)
		return ex;
	p = pc.policy;
	if (!p) {
		printf("policy: none matches; vio leaves this PF alone\n");
		return RESULT_OK;
	}
	printf("policy: %s:%u (%s = \"%s\")\n", p->path, p->pf_line, match_key(p->match),
	       p->match_value);
	for (unsigned i = 0; i < set->n_files; i++)
		if (set->files[i] != p && !set->files[i]->broken &&
		    policyset_matches(set->files[i], &facts))
			printf("  also matches, not applied: %s\n", set->files[i]->path);

	printf("pf:\n  %-12s %-18s ", "kind", pf_kind_to_string(pc.kind));
	source_pf(p, PF_KEY_KIND, facts.kind_source);
	printf("  %-12s %-18u ", "vfs", pc.vfs);
	source_pf(p, PF_KEY_VFS, "");
	printf("  %-12s %-18s ", "autoprobe", pc.autoprobe ? "on" : "off");
	source_pf(p, PF_KEY_AUTOPROBE, "built-in default: off, vio binds the VFs itself");
	printf("  %-12s %-18s ", "force", pc.force ? "on" : "off");
	source_pf(p, PF_KEY_FORCE, "built-in default");
	if (pc.kind == PF_KIND_NET) {
		printf("  %-12s %-18s ", "promisc",
		       !pc.promisc_set ? "-"
		       : pc.promisc    ? "on"
				       : "off");
		source_pf(p, PF_KEY_PROMISC, "not set: left as it is");
		printf("  %-12s %-18u ", "mtu", pc.mtu);
		source_pf(p, PF_KEY_MTU, "not set: left as it is");
		printf("  %-12s %-18s ", "link", pc.link_up ? "up" : "keep");
		source_pf(p, PF_KEY_LINK,
			  facts.link_up_default ? "hwdb VIO_PF_LINK: its VFs need the PF up"
						: "built-in default: left as it is");
	}
	if (facts.nvme_virt || p->set & (1u << PF_KEY_NVME_RELEASE)) {
		bool rel =
		    p->set & (1u << PF_KEY_NVME_RELEASE) ? p->nvme_release : facts.nvme_release;

		printf("  %-12s %-18s ", "nvme_release", rel ? "on" : "off");
		source_pf(p, PF_KEY_NVME_RELEASE, "hwdb VIO_NVME_RELEASE");
		printf(
		    "  %-12s %s\n", "",
		    "each VF's secondary controller: online with its nvme_vq and nvme_vi (default: an even share of the flexible resources)");
	}
	if (p->set & (1u << PF_KEY_ESWITCH)) {
		printf("  %-12s %-18s ", "eswitch", eswitch_mode_to_string(p->eswitch));
		source_pf(p, PF_KEY_ESWITCH, "");
		printf(
		    "  %-12s %s\n", "",
		    facts.eswitch_vfs_unbound
			? "set after its VFs are made and unbound (hwdb VIO_ESWITCH_ORDER=vfs-unbound)"
			: "set while the PF has no VFs (built-in order; hwdb VIO_ESWITCH_ORDER)");
		if (p->set & (1u << PF_KEY_ESWITCH_INLINE) ||
		    (p->eswitch == ESWITCH_SWITCHDEV && facts.eswitch_inline >= 0)) {
			printf("  %-12s %-18s ", "eswitch_inline",
			       eswitch_inline_to_string(p->set & (1u << PF_KEY_ESWITCH_INLINE)
							    ? p->eswitch_inline
							    : facts.eswitch_inline));
			source_pf(p, PF_KEY_ESWITCH_INLINE, "hwdb VIO_ESWITCH_INLINE");
		}
		if (p->set & (1u << PF_KEY_ESWITCH_ENCAP)) {
			printf("  %-12s %-18s ", "eswitch_encap",
			       eswitch_encap_to_string(p->eswitch_encap));
			source_pf(p, PF_KEY_ESWITCH_ENCAP, "");
		}
	}
	if (p->set & ((1u << PF_KEY_ESWITCH) | (1u << PF_KEY_HW_TC_OFFLOAD))) {
		bool on = p->set & (1u << PF_KEY_HW_TC_OFFLOAD) ? p->hw_tc_offload
								: p->eswitch == ESWITCH_SWITCHDEV;

		printf("  %-12s %-18s ", "hw_tc_offload", on ? "on" : "off");
		source_pf(p, PF_KEY_HW_TC_OFFLOAD,
			  "following the eswitch mode (where the driver can change it)");
	}
	for (unsigned i = 0; i < p->n_devlink; i++) {
		const struct devlink_want *w = &p->devlink[i];
		char v[DEVLINK_NAME_MAX + 2], name[DEVLINK_NAME_MAX + 8];

		if (w->type == DEVLINK_WANT_BOOL)
			snprintf(v, sizeof(v), "%s", w->b ? "true" : "false");
		else if (w->type == DEVLINK_WANT_STRING)
			snprintf(v, sizeof(v), "\"%s\"", w->s);
		else
			snprintf(v, sizeof(v), "%llu", w->u);
		snprintf(name, sizeof(name), "devlink %s", w->name);
		printf("  %-12s %-18s %s:%u (set while the PF has no VFs)\n", name, v, p->path,
		       w->line);
	}
	for (unsigned i = 0; i < p->n_rate_groups; i++) {
		const struct rate_group *g = &p->rate_groups[i];
		char name[DLRATE_NAME_MAX + 16], v[256];

		snprintf(name, sizeof(name), "rate group %s", g->name);
		printf("  %-12s %-18s %s:%u (made after the VFs, in switchdev)\n", name,
		       swcfg_rate_format(&g->rate, v, sizeof(v)), p->path, g->line);
	}
	/* Problems are logged here and again by the steps below, which set the status. */
	if (pcidev_is_pci(pf))
		(void)nvmevirt_plan_pf(pf, &facts, &pc, &plan, &np);
	output_plan_flush(stdout, &plan);
	for (unsigned i = 0; i < pc.vfs; i++)
		explain_vf(pf, &pc, &facts, &np, i);

	printf("steps:\n");
	fflush(stdout);
	ex = apply_configured(pf, &o, &facts, &pc, NULL);
	output_plan_flush(stdout, &plan);
	if (plan.n_diffs == 0 && ex == RESULT_OK)
		printf("  none: the PF and its VFs are as the policy says\n");
	return ex;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vio check and vio explain: the policy against the running system, read-only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "apply.h"
#include "inspect.h"
#include "lock.h"
#include "netvf.h"
#include "nvmevirt.h"
#include "sysfs.h"
#include "vfdev.h"

struct check_ctx {
	struct apply_opts o;
	unsigned n_pfs;
	bool policy_error, read_error;
	struct check_report *rep;
};

void check_report_done(struct check_report *r)
{
	free(r->pfs);
	*r = (struct check_report){};
}

/* What check found of one PF, for the report. */
static void report_pf(struct check_ctx *c, struct pcidev *pf, unsigned diffs, int ex)
{
	struct pf_report *grown, *r;
	struct pf_plan_config pc = {};
	struct pf_facts facts;

	grown = reallocarray(c->rep->pfs, c->rep->n_pfs + 1, sizeof(*grown));
	if (!grown)
		return;
	c->rep->pfs = grown;
	r = &grown[c->rep->n_pfs++];
	*r = (struct pf_report){ .diffs = diffs, .exit = ex };
	snprintf(r->addr, sizeof(r->addr), "%s", pcidev_addr(pf));
	if (pf_config(pf, &c->o, &facts, &pc) == EXIT_OK && pc.policy) {
		snprintf(r->policy, sizeof(r->policy), "%s", pc.policy->path);
		r->vfs_wanted = pc.vfs;
	}
	(void)pcidev_read_unsigned(pf, "sriov_numvfs", &r->vfs);
	r->has_last = status_read(r->addr, &r->last) >= 0;
}

static int check_one(struct pcidev *pf, void *userdata)
{
	struct check_ctx *c = userdata;
	unsigned before = c->o.plan->n_diffs;
	int ex = apply_pf_and_vfs(pf, &c->o);

	c->n_pfs++;
	if (ex == EXIT_POLICY)
		c->policy_error = true;
	else if (ex != EXIT_OK)
		c->read_error = true;
	if (c->rep)
		report_pf(c, pf, c->o.plan->n_diffs - before, ex);
	return 0;
}

int check_run(const struct policy_set *set, struct check_report *rep)
{
	struct plan plan = { .mode = PLAN_CHECK };
	struct check_ctx c = { .o = { .plan = &plan, .policies = set }, .rep = rep };
	unsigned bad = 0;
	int r;

	/* Every file, whether or not a PF of this host matches it; each error was logged. */
	for (unsigned i = 0; i < set->n_files; i++)
		if (set->files[i]->broken || set->files[i]->n_errors)
			bad++;
	if (rep) {
		rep->n_files = set->n_files;
		rep->bad_files = bad;
	}
	r = pcidev_foreach_pf(check_one, &c);
	if (r < 0) {
		log_error_errno(r, "cannot enumerate devices: %m");
		c.read_error = true;
	}
	printf(
	    "%u policy file%s, %u with errors; %u SR-IOV PF%s; %u difference%s from the policy\n",
	    set->n_files, set->n_files == 1 ? "" : "s", bad, c.n_pfs, c.n_pfs == 1 ? "" : "s",
	    plan.n_diffs, plan.n_diffs == 1 ? "" : "s");
	if (bad || c.policy_error)
		return EXIT_POLICY;
	if (c.read_error)
		return EXIT_DEVICE;
	return plan.n_diffs ? EXIT_DRIFT : EXIT_OK;
}

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
		char val[64];

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
	if (pc->kind == PF_KIND_NET && !(vc.set & (1u << VF_KEY_MAC))) {
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

		nvme_vf_want(np, pc, &vc, &vq, &vi);
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
	if (vc.set & (1u << VF_KEY_DRIVER))
		printf("  %-12s %-18s %s:%u (%s)\n", "driver", vc.driver, pc->policy->path,
		       vc.line[VF_KEY_DRIVER], vc.origin[VF_KEY_DRIVER]);
	else if (vf && vf_wanted_driver(facts, vf, pc, &vc, &drv, &why) >= 0)
		printf("  %-12s %-18s %s\n", "driver", drv ?: "-", why);
	else
		printf("  %-12s %-18s %s\n", "driver", "-",
		       pc->autoprobe ? "autoprobe on: the kernel's choice"
				     : "native driver, once the VF exists");
}

int explain_run(struct pcidev *pf, const struct policy_set *set)
{
	struct plan plan = { .mode = PLAN_DRY_RUN };
	struct apply_opts o = { .plan = &plan, .policies = set };
	_cleanup_(pf_lock_release) struct pf_lock lock = PF_LOCK_INIT;
	_cleanup_free_ char *drv = NULL;
	_cleanup_(nvme_plan_done) struct nvme_plan np = NVME_PLAN_INIT;
	struct pf_plan_config pc = {};
	struct pf_facts facts = {};
	const struct policy *p;
	unsigned numvfs = 0;
	int ex;

	if (pf_lock_take(pcidev_addr(pf), PF_LOCK_READ, &lock) < 0)
		return EXIT_DEVICE;
	ex = pf_config(pf, &o, &facts, &pc);
	if (!facts.addr[0])
		return ex; /* not an SR-IOV PF: said */
	(void)pcidev_driver(pf, &drv);
	(void)pcidev_read_unsigned(pf, "sriov_numvfs", &numvfs);
	printf("%s: %04x:%04x, driver %s, %u of %u VFs%s%s\n", facts.addr, facts.vendor,
	       facts.device, drv ?: "none", numvfs, facts.totalvfs,
	       facts.ifname[0] ? ", interface " : "", facts.ifname);
	if (ex != EXIT_OK)
		return ex;
	p = pc.policy;
	if (!p) {
		printf("policy: none matches; vio leaves this PF alone\n");
		return EXIT_OK;
	}
	printf("policy: %s:%u (%s = \"%s\")\n", p->path, p->pf_line, match_key(p->match),
	       p->match_value);
	for (unsigned i = 0; i < set->n_files; i++)
		if (set->files[i] != p && !set->files[i]->broken &&
		    policy_matches(set->files[i], &facts))
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
	/* Problems are logged here and again by the steps below, which set the status. */
	if (pcidev_is_pci(pf))
		(void)nvme_plan_pf(pf, &facts, &pc, &plan, &np);
	for (unsigned i = 0; i < pc.vfs; i++)
		explain_vf(pf, &pc, &facts, &np, i);

	printf("steps:\n");
	fflush(stdout);
	ex = apply_configured(pf, &o, &facts, &pc);
	if (plan.n_diffs == 0 && ex == EXIT_OK)
		printf("  none: the PF and its VFs are as the policy says\n");
	return ex;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one place that decides what a PF and its VFs should look like. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shared/log.h"

#include "core/policy.h"
#include "sys/pci_driver.h"

static const char *const kind_names[_PF_KIND_MAX] = {
	[PF_KIND_NET] = "net",
	[PF_KIND_GPU] = "gpu",
	[PF_KIND_DEV] = "dev",
};

static const char *const link_state_names[_VF_LINK_STATE_MAX] = {
	[VF_LINK_STATE_AUTO] = "auto",
	[VF_LINK_STATE_ENABLE] = "enable",
	[VF_LINK_STATE_DISABLE] = "disable",
};

/* The VF keys: a row each (name, and where its value lives in struct vf_config). Parsing
 * (parse.c), the merge of vf, vfN-M and vfN, explain, and the known keys in messages read it. */
#define VF_FIELD(f) offsetof(struct vf_config, f), sizeof(((struct vf_config *)NULL)->f)
const struct policy_key vf_keys[_VF_KEY_MAX] = {
	[VF_KEY_DRIVER] = { "driver", VF_FIELD(driver) },
	[VF_KEY_MAC] = { "mac", VF_FIELD(mac) },
	[VF_KEY_VLAN] = { "vlan", VF_FIELD(vlan) },
	[VF_KEY_QOS] = { "qos", VF_FIELD(qos) },
	[VF_KEY_PROTO] = { "proto", VF_FIELD(proto_8021ad) },
	[VF_KEY_MIN_TX_RATE] = { "min_tx_rate", VF_FIELD(min_tx_rate) },
	[VF_KEY_MAX_TX_RATE] = { "max_tx_rate", VF_FIELD(max_tx_rate) },
	[VF_KEY_SPOOFCHK] = { "spoofchk", VF_FIELD(spoofchk) },
	[VF_KEY_TRUST] = { "trust", VF_FIELD(trust) },
	[VF_KEY_LINK_STATE] = { "link_state", VF_FIELD(link_state) },
	[VF_KEY_QUERY_RSS] = { "query_rss", VF_FIELD(query_rss) },
	[VF_KEY_MTU] = { "mtu", VF_FIELD(mtu) },
	[VF_KEY_MANAGED_BY] = { "managed_by", VF_FIELD(managed_by) },
	[VF_KEY_VFIO_OWNER] = { "vfio_owner", VF_FIELD(vfio_owner) },
	[VF_KEY_VFIO_GROUP] = { "vfio_group", VF_FIELD(vfio_group) },
	[VF_KEY_VFIO_MODE] = { "vfio_mode", VF_FIELD(vfio_mode) },
	[VF_KEY_NVME_VQ] = { "nvme_vq", VF_FIELD(nvme_vq) },
	[VF_KEY_NVME_VI] = { "nvme_vi", VF_FIELD(nvme_vi) },
	[VF_KEY_RESOURCE] = { "resource", VF_FIELD(resource) },
	[VF_KEY_MSIX] = { "msix", VF_FIELD(msix) },
	[VF_KEY_NODE_GUID] = { "node_guid", VF_FIELD(node_guid) },
	[VF_KEY_PORT_GUID] = { "port_guid", VF_FIELD(port_guid) },
	[VF_KEY_EXEC_QUANTUM] = { "exec_quantum_ms", VF_FIELD(exec_quantum_ms) },
	[VF_KEY_PREEMPT_TIMEOUT] = { "preempt_timeout_us", VF_FIELD(preempt_timeout_us) },
	[VF_KEY_VRAM_QUOTA] = { "vram_quota", VF_FIELD(vram_quota) },
	[VF_KEY_SCHED_PRIORITY] = { "sched_priority", VF_FIELD(sched_priority) },
	[VF_KEY_RATE] = { "rate", VF_FIELD(rate) },
	[VF_KEY_PORT_FUNCTION] = { "port_function", VF_FIELD(portfn) },
};
#undef VF_FIELD

/* The PF keys besides its match (name, id, mac): a row each, the value in struct policy. */
#define PF_FIELD(f) offsetof(struct policy, f), sizeof(((struct policy *)NULL)->f)
const struct policy_key pf_keys[_PF_KEY_MAX] = {
	[PF_KEY_KIND] = { "kind", PF_FIELD(kind) },
	[PF_KEY_VFS] = { "vfs", PF_FIELD(vfs) },
	[PF_KEY_AUTOPROBE] = { "autoprobe", PF_FIELD(autoprobe) },
	[PF_KEY_FORCE] = { "force", PF_FIELD(force) },
	[PF_KEY_PROMISC] = { "promisc", PF_FIELD(promisc) },
	[PF_KEY_LINK] = { "link", PF_FIELD(link_up) },
	[PF_KEY_MTU] = { "mtu", PF_FIELD(mtu) },
	[PF_KEY_ESWITCH] = { "eswitch", PF_FIELD(eswitch) },
	[PF_KEY_DEVLINK] = { "devlink", PF_FIELD(devlink) },
	[PF_KEY_NVME_RELEASE] = { "nvme_release", PF_FIELD(nvme_release) },
	[PF_KEY_ESWITCH_INLINE] = { "eswitch_inline", PF_FIELD(eswitch_inline) },
	[PF_KEY_ESWITCH_ENCAP] = { "eswitch_encap", PF_FIELD(eswitch_encap) },
	[PF_KEY_HW_TC_OFFLOAD] = { "hw_tc_offload", PF_FIELD(hw_tc_offload) },
	[PF_KEY_RATE_GROUPS] = { "rate_groups", PF_FIELD(rate_groups) },
	[PF_KEY_REP_NAME] = { "representor_name", PF_FIELD(rep_name) },
	[PF_KEY_REP_MANAGED_BY] = { "representor_managed_by", PF_FIELD(rep_managed_by) },
};
#undef PF_FIELD

const char *pf_kind_to_string(int k)
{
	return k >= 0 && k < _PF_KIND_MAX ? kind_names[k] : NULL;
}

enum pf_kind pf_kind_from_string(const char *s)
{
	return string_table_lookup(kind_names, _PF_KIND_MAX, s);
}

const char *vf_link_state_to_string(enum vf_link_state s)
{
	return s >= 0 && s < _VF_LINK_STATE_MAX ? link_state_names[s] : NULL;
}

enum vf_link_state vf_link_state_from_string(const char *s)
{
	return string_table_lookup(link_state_names, _VF_LINK_STATE_MAX, s);
}

const char *policy_key_names(const struct policy_key *keys, unsigned n)
{
	static char buf[512];
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ", " : "", keys[i].name);
	return buf;
}

const char *vf_key_to_string(enum vf_key k)
{
	return k >= 0 && k < _VF_KEY_MAX ? vf_keys[k].name : NULL;
}

const char *pf_key_to_string(enum pf_key k)
{
	return k >= 0 && k < _PF_KEY_MAX ? pf_keys[k].name : NULL;
}

const char *policy_first_net_key(const struct policy *p, unsigned *ret_line)
{
	for (enum pf_key k = PF_KEY_PROMISC; k < _PF_KEY_MAX; k++)
		if (p->set & (1u << k) && k != PF_KEY_DEVLINK && k != PF_KEY_NVME_RELEASE) {
			*ret_line = p->line[k];
			return pf_key_to_string(k);
		}
	for (unsigned i = 0; i <= p->n_sections; i++) {
		const struct vf_config *c =
		    i < p->n_sections ? &p->sections[i].cfg : &p->vf_defaults;

		for (enum vf_key k = 0; k < _VF_KEY_MAX; k++)
			if (VF_NET_KEYS & c->set & (1u << k)) {
				*ret_line = c->line[k];
				return vf_key_to_string(k);
			}
	}
	return NULL;
}

void pf_plan_config_done(struct pf_plan_config *c)
{
	free(c->vf_sections);
	c->vf_sections = NULL;
	free(c->vf_configs);
	c->vf_configs = NULL;
}

/* Which sections apply to each VF: the last vfN-M and vfN that name it, as policy_resolve_vf
 * would find by looking at every section for every VF. */
static int index_sections(struct pf_plan_config *c)
{
	const struct policy *p = c->policy;

	c->vf_sections = calloc(c->vfs ?: 1, sizeof(*c->vf_sections));
	if (!c->vf_sections)
		return -ENOMEM;
	for (unsigned i = 0; i < p->n_sections; i++) {
		const struct vf_section *s = &p->sections[i];

		for (unsigned v = s->first; v <= s->last && v < c->vfs; v++) {
			if (s->first == s->last)
				c->vf_sections[v].single = s;
			else
				c->vf_sections[v].range = s;
		}
	}
	return 0;
}

/* The GPU keys of VF i, against what the PF's driver offers (gpuprofile.c writes them). vf0:
 * VF 0's settings, which every VF's sched_priority must match. */
static int gpu_keys_offered(const struct pf_plan_config *c, const struct pf_facts *pf, unsigned i,
			    const struct vf_config *vc, const struct vf_config *vf0)
{
	enum vf_key k = VF_KEY_EXEC_QUANTUM;
	bool prio = vc->set & VF_KEY_BIT(VF_KEY_SCHED_PRIORITY);

	/* xe sets one priority for all VFs (.bulk_profile/sched_priority): one value or none. */
	if (prio != !!(vf0->set & VF_KEY_BIT(VF_KEY_SCHED_PRIORITY)) ||
	    (prio && !streq(vc->sched_priority, vf0->sched_priority)))
		return log_error_errno(
		    EINVAL,
		    "%s:%u: %s vf %u: sched_priority \"%s\", but vf 0 has \"%s\": the driver sets one priority for all VFs",
		    c->policy->path,
		    prio ? vc->line[VF_KEY_SCHED_PRIORITY] : vf0->line[VF_KEY_SCHED_PRIORITY],
		    pf->addr, i, prio ? vc->sched_priority : "(none)",
		    vf0->set & VF_KEY_BIT(VF_KEY_SCHED_PRIORITY) ? vf0->sched_priority : "(none)");
	if (!(vc->set & VF_GPU_KEYS))
		return 0;
	while (!(vc->set & VF_KEY_BIT(k)))
		k++;
	if (!pf->gpu_admin)
		return log_error_errno(
		    EINVAL,
		    "%s:%u: %s vf %u: %s, but the PF has no sriov_admin/ (Intel's xe driver, Linux 6.19 or later)",
		    c->policy->path, vc->line[k], pf->addr, i, vf_key_to_string(k));
	k = VF_KEY_VRAM_QUOTA;
	if (vc->set & VF_KEY_BIT(k) && (!pf->gpu_vram || !pf->gpu_vram_rw))
		return log_error_errno(
		    EINVAL, "%s:%u: %s vf %u: vram_quota, but %s", c->policy->path, vc->line[k],
		    pf->addr, i,
		    !pf->gpu_vram
			? "the PF has no VRAM to share (a discrete Xe GPU, Linux 7.0 or later)"
			: "its driver does not let VF VRAM be provisioned (vram_quota is read-only)");
	return 0;
}

/* A VF's rate and port function exist in switchdev mode only; its rate's parent is a group. */
static int switchdev_keys_valid(const struct policy *p, const struct pf_facts *pf, unsigned i,
				const struct vf_config *vc)
{
	enum vf_key k = vc->set & VF_KEY_BIT(VF_KEY_RATE) ? VF_KEY_RATE : VF_KEY_PORT_FUNCTION;

	if (!(vc->set & VF_SWITCHDEV_KEYS))
		return 0;
	if (!(p->set & (1u << PF_KEY_ESWITCH) && p->eswitch == ESWITCH_SWITCHDEV))
		return log_error_errno(
		    EINVAL,
		    "%s:%u: %s vf %u: %s applies in switchdev mode: set eswitch = \"switchdev\"",
		    p->path, vc->line[k], pf->addr, i, vf_key_to_string(k));
	if (vc->rate.set & (1u << DLRATE_PARENT) &&
	    !swcfg_group(p->rate_groups, p->n_rate_groups, vc->rate.parent))
		return log_error_errno(
		    EINVAL, "%s:%u: %s vf %u: rate parent \"%s\" is not in rate_groups", p->path,
		    vc->rate.line[DLRATE_PARENT], pf->addr, i, vc->rate.parent);
	return 0;
}

int policy_resolve_pf(const struct policy *p, const struct pf_facts *pf, struct pf_plan_config *ret)
{
	_cleanup_(pf_plan_config_done) struct pf_plan_config c = { .policy = p };
	unsigned errors = 0;

	c.kind = p->set & (1u << PF_KEY_KIND) ? p->kind : pf->kind_default;
	c.vfs = p->vfs_max ? pf->totalvfs : p->vfs;
	c.force = p->force;
	c.promisc = p->promisc;
	c.promisc_set = p->set & (1u << PF_KEY_PROMISC);
	c.mtu = c.kind == PF_KIND_NET ? p->mtu : 0;
	c.link_up = c.kind == PF_KIND_NET &&
		    (p->set & (1u << PF_KEY_LINK) ? p->link_up : pf->link_up_default);

	if (!p->vfs_max && p->vfs > pf->totalvfs) {
		log_error("%s:%u: %s: vfs = %u, but the PF supports at most %u (sriov_totalvfs)",
			  p->path, p->line[PF_KEY_VFS], pf->addr, p->vfs, pf->totalvfs);
		errors++;
	}
	for (unsigned i = 0; i < p->n_sections; i++)
		if (p->sections[i].last >= c.vfs && p->vfs_max) {
			log_error("%s:%u: %s: '%s' is past the PF's %u VFs", p->path,
				  p->sections[i].line, pf->addr, p->sections[i].name, c.vfs);
			errors++;
		}
	/* The inline and encap modes, rate groups and representors are the switchdev
	 * e-switch's (mlx5 takes the modes there; the others exist only there). */
	if (swcfg_check_groups(p->rate_groups, p->n_rate_groups, p->path, pf->addr) < 0)
		errors++;
	for (enum pf_key k = PF_KEY_ESWITCH_INLINE; k <= PF_KEY_REP_MANAGED_BY; k++)
		if (PF_SWITCHDEV_KEYS & p->set & (1u << k) &&
		    !(p->set & (1u << PF_KEY_ESWITCH) && p->eswitch == ESWITCH_SWITCHDEV)) {
			log_error(
			    "%s:%u: %s: %s applies in switchdev mode: set eswitch = \"switchdev\"",
			    p->path, p->line[k], pf->addr, pf_key_to_string(k));
			errors++;
		}
	/* The kind may come from hwdb or the PCI class: check net-only keys against it now. */
	if (c.kind != PF_KIND_NET && !(p->set & (1u << PF_KEY_KIND))) {
		unsigned line;

		if (policy_first_net_key(p, &line)) {
			log_error(
			    "%s:%u: %s: network settings, but the PF is kind \"%s\" (from %s); set kind = \"net\" if it is a NIC",
			    p->path, line, pf->addr, pf_kind_to_string(c.kind), pf->kind_source);
			errors++;
		}
	}
	if (errors)
		return -EINVAL;

	if (index_sections(&c) < 0)
		return log_oom();
	/* Filled as they are checked, and read only once all are (policy_resolve_vf). */
	_cleanup_free_ struct vf_config *vcs = malloc(sizeof(*vcs) * (c.vfs ?: 1));
	if (!vcs)
		return log_oom();
	/* Every VF's merged settings are checked before anything is written. */
	unsigned long long msix = 0;
	unsigned msix_line = 0, msix_vf = 0;

	for (unsigned i = 0; i < c.vfs; i++) {
		struct vf_config *vc = &vcs[i];
		int r = policy_resolve_vf(&c, i, vc);

		if (r < 0)
			return r;
		if (!c.vfio && vc->set & VF_KEY_BIT(VF_KEY_DRIVER) &&
		    pci_driver_is_vfio(vc->driver)) {
			c.vfio = true;
			c.vfio_vf = i;
			c.vfio_line = vc->line[VF_KEY_DRIVER];
		}
		if (vc->set & VF_GUID_KEYS && !pf->infiniband) {
			enum vf_key k = vc->set & VF_KEY_BIT(VF_KEY_NODE_GUID) ? VF_KEY_NODE_GUID
									       : VF_KEY_PORT_GUID;

			return log_error_errno(
			    EINVAL, "%s:%u: %s vf %u: %s, but the PF is not InfiniBand (%s%s)",
			    p->path, vc->line[k], pf->addr, i, vf_key_to_string(k),
			    pf->ifname[0] ? "its interface is not IPoIB: " : "it has no interface",
			    pf->ifname);
		}
		r = gpu_keys_offered(&c, pf, i, vc, &vcs[0]);
		if (r >= 0)
			r = switchdev_keys_valid(p, pf, i, vc);
		if (r < 0)
			return r;
		if (vc->set & VF_KEY_BIT(VF_KEY_MSIX)) {
			msix += vc->msix;
			if (!msix_line) {
				msix_line = vc->line[VF_KEY_MSIX];
				msix_vf = i;
			}
		}
	}
	/* The PF shares out one pool of vectors among its VFs (sriov_vf_total_msix). */
	if (msix_line && pf->vf_total_msix < 0)
		return log_error_errno(
		    EINVAL,
		    "%s:%u: %s vf %u: msix, but the PF has no per-VF MSI-X (sriov_vf_total_msix: Linux 5.13+ and a driver that offers it, such as mlx5)",
		    p->path, msix_line, pf->addr, msix_vf);
	if (msix_line && msix > (unsigned)pf->vf_total_msix)
		return log_error_errno(
		    EINVAL,
		    "%s:%u: %s: the VFs' msix add up to %llu, but the PF has %d for its VFs (sriov_vf_total_msix)",
		    p->path, msix_line, pf->addr, msix, pf->vf_total_msix);

	/* Off whenever vio binds VFs itself: with it on, VF drivers probe inside the
	 * sriov_numvfs write, before any rule can set the VF's MAC or driver_override. */
	c.autoprobe = p->set & (1u << PF_KEY_AUTOPROBE) ? p->autoprobe : false;
	c.vf_configs = vcs;
	vcs = NULL;
	*ret = c;
	c.vf_sections = NULL; /* the caller's now */
	c.vf_configs = NULL;
	return 0;
}

static void overlay(struct vf_config *dst, const struct vf_config *src, const char *origin)
{
	/* Only the keys the section sets: a bit at a time, lowest first. */
	for (unsigned bits = src->set; bits; bits &= bits - 1) {
		enum vf_key k = (enum vf_key)__builtin_ctz(bits);

		dst->set |= 1u << k;
		dst->line[k] = src->line[k];
		dst->origin[k] = origin;
		if (k == VF_KEY_RATE)
			swcfg_merge_rate(&dst->rate, &src->rate);
		else if (k == VF_KEY_PORT_FUNCTION)
			swcfg_merge_portfn(&dst->portfn, &src->portfn);
		else
			memcpy((char *)dst + vf_keys[k].offset,
			       (const char *)src + vf_keys[k].offset, vf_keys[k].size);
	}
}

int policy_resolve_vf(const struct pf_plan_config *pc, unsigned index, struct vf_config *ret)
{
	const struct policy *p = pc->policy;
	const struct vf_section *range = NULL, *single = NULL;
	struct vf_config *c = ret; /* merged in place: the table's entry, or the caller's */
	unsigned bits;

	if (index >= pc->vfs)
		return -ERANGE;
	if (pc->vf_configs) {
		*ret = pc->vf_configs[index];
		return 0;
	}
	if (pc->vf_sections) {
		range = pc->vf_sections[index].range;
		single = pc->vf_sections[index].single;
	} else
		for (unsigned i = 0; i < p->n_sections; i++) {
			const struct vf_section *s = &p->sections[i];

			if (index < s->first || index > s->last)
				continue;
			if (s->first == s->last)
				single = s;
			else
				range = s;
		}
	memset(c, 0, sizeof(*c));
	overlay(c, &p->vf_defaults, "vf");
	if (range)
		overlay(c, &range->cfg, range->name);
	if (single)
		overlay(c, &single->cfg, single->name);

	/* qos and proto qualify a VLAN; alone (or with vlan = 0, no VLAN) there is none. */
	bits = c->set & ((1u << VF_KEY_QOS) | (1u << VF_KEY_PROTO));
	if (bits && (!(c->set & (1u << VF_KEY_VLAN)) || c->vlan == 0)) {
		enum vf_key k = bits & (1u << VF_KEY_QOS) ? VF_KEY_QOS : VF_KEY_PROTO;

		return log_error_errno(EINVAL, "%s:%u: vf %u: '%s' needs a 'vlan' (1..4094)",
				       p->path, c->line[k], index, vf_key_to_string(k));
	}
	if (c->min_tx_rate && c->max_tx_rate && c->min_tx_rate > c->max_tx_rate)
		return log_error_errno(
		    EINVAL, "%s:%u: vf %u: min_tx_rate %u is above max_tx_rate %u", p->path,
		    c->line[VF_KEY_MIN_TX_RATE], index, c->min_tx_rate, c->max_tx_rate);
	/* The node exists only while vfio-pci has the VF. */
	if (c->set & VF_VFIO_KEYS &&
	    !(c->set & VF_KEY_BIT(VF_KEY_DRIVER) && pci_driver_is_vfio(c->driver))) {
		enum vf_key k = c->set & VF_KEY_BIT(VF_KEY_VFIO_OWNER)	 ? VF_KEY_VFIO_OWNER
				: c->set & VF_KEY_BIT(VF_KEY_VFIO_GROUP) ? VF_KEY_VFIO_GROUP
									 : VF_KEY_VFIO_MODE;

		return log_error_errno(EINVAL, "%s:%u: vf %u: '%s' needs driver = \"vfio-pci\"",
				       p->path, c->line[k], index, vf_key_to_string(k));
	}
	return 0;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	free(p->path);
	free(p->sections);
	free(p->devlink);
	free(p->rate_groups);
	if (!p->in_block)
		free(p);
}

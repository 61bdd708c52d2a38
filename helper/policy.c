/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one place that decides what a PF and its VFs should look like. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shared/log.h"
#include "policy.h"
#include "policycache.h"
#include "policyfile.h"

const char *const policy_default_dirs[] = { "/usr/lib/vio.d", "/run/vio.d", SYSCONFDIR "/vio.d",
					    NULL };

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

static const char *const vf_key_names[_VF_KEY_MAX] = {
	[VF_KEY_DRIVER] = "driver",
	[VF_KEY_MAC] = "mac",
	[VF_KEY_VLAN] = "vlan",
	[VF_KEY_QOS] = "qos",
	[VF_KEY_PROTO] = "proto",
	[VF_KEY_MIN_TX_RATE] = "min_tx_rate",
	[VF_KEY_MAX_TX_RATE] = "max_tx_rate",
	[VF_KEY_SPOOFCHK] = "spoofchk",
	[VF_KEY_TRUST] = "trust",
	[VF_KEY_LINK_STATE] = "link_state",
	[VF_KEY_QUERY_RSS] = "query_rss",
	[VF_KEY_MTU] = "mtu",
	[VF_KEY_MANAGED_BY] = "managed_by",
	[VF_KEY_VFIO_OWNER] = "vfio_owner",
	[VF_KEY_VFIO_GROUP] = "vfio_group",
	[VF_KEY_VFIO_MODE] = "vfio_mode",
	[VF_KEY_NVME_VQ] = "nvme_vq",
	[VF_KEY_NVME_VI] = "nvme_vi",
	[VF_KEY_RESOURCE] = "resource",
};

static const char *const eswitch_names[_ESWITCH_MAX] = {
	[ESWITCH_LEGACY] = "legacy",
	[ESWITCH_SWITCHDEV] = "switchdev",
};

static const char *const pf_key_names[_PF_KEY_MAX] = {
	[PF_KEY_KIND] = "kind",
	[PF_KEY_VFS] = "vfs",
	[PF_KEY_AUTOPROBE] = "autoprobe",
	[PF_KEY_FORCE] = "force",
	[PF_KEY_PROMISC] = "promisc",
	[PF_KEY_LINK] = "link",
	[PF_KEY_MTU] = "mtu",
	[PF_KEY_ESWITCH] = "eswitch",
	[PF_KEY_DEVLINK] = "devlink",
	[PF_KEY_NVME_RELEASE] = "nvme_release",
};

static int lookup(const char *const *table, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (table[i] && streq(table[i], s))
			return i;
	return -EINVAL;
}

const char *pf_kind_to_string(enum pf_kind k)
{
	return k >= 0 && k < _PF_KIND_MAX ? kind_names[k] : NULL;
}

enum pf_kind pf_kind_from_string(const char *s)
{
	return lookup(kind_names, _PF_KIND_MAX, s);
}

const char *eswitch_mode_to_string(enum eswitch_mode m)
{
	return m >= 0 && m < _ESWITCH_MAX ? eswitch_names[m] : NULL;
}

enum eswitch_mode eswitch_mode_from_string(const char *s)
{
	return lookup(eswitch_names, _ESWITCH_MAX, s);
}

const char *vf_link_state_to_string(enum vf_link_state s)
{
	return s >= 0 && s < _VF_LINK_STATE_MAX ? link_state_names[s] : NULL;
}

enum vf_link_state vf_link_state_from_string(const char *s)
{
	return lookup(link_state_names, _VF_LINK_STATE_MAX, s);
}

const char *vf_key_to_string(enum vf_key k)
{
	return k >= 0 && k < _VF_KEY_MAX ? vf_key_names[k] : NULL;
}

const char *pf_key_to_string(enum pf_key k)
{
	return k >= 0 && k < _PF_KEY_MAX ? pf_key_names[k] : NULL;
}

int policy_set_load(const char *const *dirs, bool given, bool lazy, struct policy_set *ret)
{
	struct policy_cache *cache = NULL;
	struct policy_set s = {};
	struct policy_entry *e;
	unsigned n;
	int r;

	r = policy_dirs_collect(dirs, given, &e, &n);
	if (r < 0)
		return r;
	s.files = calloc(n ?: 1, sizeof(*s.files));
	if (!s.files) {
		policy_entries_free(e, n);
		return -ENOMEM;
	}
	if (lazy && policy_cache_open(dirs, &cache) < 0)
		cache = NULL;
	/* A large calloc() maps zeroed pages: one allocation for every stub, none per file. */
	if (cache)
		s.stubs = calloc(n ?: 1, sizeof(*s.stubs));
	for (unsigned i = 0; i < n; i++) {
		struct policy *p = NULL;
		struct stat st;
		char id[17];
		bool have_st;

		if (e[i].masked) {
			log_debug("%s: masked", e[i].path);
			continue;
		}
		/* The identity first: a file changed after this is parsed again next time. */
		have_st = cache && stat(e[i].path, &st) == 0;
		if (have_st) {
			policy_file_identity(&st, id);
			if (s.stubs && policy_cache_get(cache, &e[i], id, &s.stubs[i]))
				p = &s.stubs[i];
		}
		if (!p && policy_file_load(e[i].path, &p) < 0) {
			policy_cache_close(cache);
			policy_entries_free(e, n);
			policy_set_done(&s);
			return -ENOMEM;
		}
		if (have_st)
			policy_cache_put(cache, &e[i], id, p);
		s.files[s.n_files++] = p;
	}
	policy_cache_close(cache);
	policy_entries_free(e, n);
	*ret = s;
	return 0;
}

void policy_set_done(struct policy_set *s)
{
	for (unsigned i = 0; i < s->n_files; i++)
		policy_free(s->files[i]);
	free(s->files);
	free(s->stubs);
	*s = (struct policy_set){};
}

bool policy_set_needs_perm_mac(const struct policy_set *s)
{
	for (unsigned i = 0; i < s->n_files; i++)
		if (!s->files[i]->broken && s->files[i]->match == PF_MATCH_MAC)
			return true;
	return false;
}

bool policy_matches(const struct policy *p, const struct pf_facts *pf)
{
	char id[10];

	switch (p->match) {
	case PF_MATCH_ADDR:
		return streq(p->match_value, pf->addr);
	case PF_MATCH_IFNAME:
		return pf->ifname[0] && streq(p->match_value, pf->ifname);
	case PF_MATCH_ID:
		snprintf(id, sizeof(id), "%04x:%04x", pf->vendor, pf->device);
		return streq(p->match_value, id);
	case PF_MATCH_MAC:
		return pf->has_perm_mac && memcmp(p->match_mac, pf->perm_mac, 6) == 0;
	default:
		return false;
	}
}

int policy_find(const struct policy_set *s, const struct pf_facts *pf, const struct policy **ret)
{
	struct policy *found = NULL, *unknown = NULL;

	for (unsigned i = 0; i < s->n_files; i++) {
		struct policy *p = s->files[i];

		if (p->broken || p->match < 0) {
			/* Cannot tell whom it is for; it may have been meant to come first. */
			if (!found && !unknown)
				unknown = p;
			continue;
		}
		if (!policy_matches(p, pf))
			continue;
		if (found) {
			log_warning("%s: %s also matches, but %s comes first and applies", pf->addr,
				    p->path, found->path);
			continue;
		}
		found = p;
	}
	/* A file an event knew only from the cache is read now: its errors are said here, and
	 * what applies is the file as it is. */
	if ((unknown && policy_unstub(unknown) < 0) || (found && policy_unstub(found) < 0))
		return log_oom();
	if (found && found->broken) {
		unknown = found;
		found = NULL;
	}
	if (found && !policy_matches(found, pf)) {
		log_error("%s: %s changed while it was read; run vio apply %s again", pf->addr,
			  found->path, pf->addr);
		return -EAGAIN;
	}
	if (found && unknown) {
		log_error(
		    "%s: %s matches, but %s comes before it and was refused (see its error); not applying either",
		    pf->addr, found->path, unknown->path);
		return -EINVAL;
	}
	if (!found && unknown) {
		log_error(
		    "%s: no policy matches, but %s was refused (see its error) and may be meant for it; leaving the PF as it is",
		    pf->addr, unknown->path);
		return -EINVAL;
	}
	if (found && found->n_errors > 0) {
		log_error("%s: %s has %u error%s; leaving the PF as it is", pf->addr, found->path,
			  found->n_errors, found->n_errors == 1 ? "" : "s");
		return -EINVAL;
	}
	*ret = found;
	return 0;
}

const char *policy_first_net_key(const struct policy *p, unsigned *ret_line)
{
	for (enum pf_key k = PF_KEY_PROMISC; k <= PF_KEY_ESWITCH; k++)
		if (p->set & (1u << k)) {
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

int policy_resolve_pf(const struct policy *p, const struct pf_facts *pf, struct pf_plan_config *ret)
{
	struct pf_plan_config c = { .policy = p };
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

	/* Every VF's merged settings are checked before anything is written. */
	for (unsigned i = 0; i < c.vfs; i++) {
		struct vf_config vc;
		int r = policy_resolve_vf(&c, i, &vc);

		if (r < 0)
			return r;
	}

	/* Off whenever vio binds VFs itself: with it on, VF drivers probe inside the
	 * sriov_numvfs write, before any rule can set the VF's MAC or driver_override. */
	c.autoprobe = p->set & (1u << PF_KEY_AUTOPROBE) ? p->autoprobe : false;
	*ret = c;
	return 0;
}

static void overlay(struct vf_config *dst, const struct vf_config *src, const char *origin)
{
	for (enum vf_key k = 0; k < _VF_KEY_MAX; k++) {
		if (!(src->set & (1u << k)))
			continue;
		dst->set |= 1u << k;
		dst->line[k] = src->line[k];
		dst->origin[k] = origin;
	}
	if (src->set & (1u << VF_KEY_DRIVER))
		memcpy(dst->driver, src->driver, sizeof(dst->driver));
	if (src->set & (1u << VF_KEY_MAC))
		memcpy(dst->mac, src->mac, 6);
	if (src->set & (1u << VF_KEY_VLAN))
		dst->vlan = src->vlan;
	if (src->set & (1u << VF_KEY_QOS))
		dst->qos = src->qos;
	if (src->set & (1u << VF_KEY_PROTO))
		dst->proto_8021ad = src->proto_8021ad;
	if (src->set & (1u << VF_KEY_MIN_TX_RATE))
		dst->min_tx_rate = src->min_tx_rate;
	if (src->set & (1u << VF_KEY_MAX_TX_RATE))
		dst->max_tx_rate = src->max_tx_rate;
	if (src->set & (1u << VF_KEY_SPOOFCHK))
		dst->spoofchk = src->spoofchk;
	if (src->set & (1u << VF_KEY_TRUST))
		dst->trust = src->trust;
	if (src->set & (1u << VF_KEY_QUERY_RSS))
		dst->query_rss = src->query_rss;
	if (src->set & (1u << VF_KEY_LINK_STATE))
		dst->link_state = src->link_state;
	if (src->set & (1u << VF_KEY_MTU))
		dst->mtu = src->mtu;
	if (src->set & (1u << VF_KEY_MANAGED_BY))
		memcpy(dst->managed_by, src->managed_by, sizeof(dst->managed_by));
	if (src->set & (1u << VF_KEY_VFIO_OWNER))
		memcpy(dst->vfio_owner, src->vfio_owner, sizeof(dst->vfio_owner));
	if (src->set & (1u << VF_KEY_VFIO_GROUP))
		memcpy(dst->vfio_group, src->vfio_group, sizeof(dst->vfio_group));
	if (src->set & (1u << VF_KEY_VFIO_MODE))
		dst->vfio_mode = src->vfio_mode;
	if (src->set & (1u << VF_KEY_NVME_VQ))
		dst->nvme_vq = src->nvme_vq;
	if (src->set & (1u << VF_KEY_NVME_VI))
		dst->nvme_vi = src->nvme_vi;
	if (src->set & (1u << VF_KEY_RESOURCE))
		memcpy(dst->resource, src->resource, sizeof(dst->resource));
}

bool driver_is_vfio(const char *driver)
{
	return streq(driver, "vfio-pci") || streq(driver, "vfio_pci");
}

int policy_resolve_vf(const struct pf_plan_config *pc, unsigned index, struct vf_config *ret)
{
	const struct policy *p = pc->policy;
	const struct vf_section *range = NULL, *single = NULL;
	struct vf_config c = {};
	unsigned bits;

	if (index >= pc->vfs)
		return -ERANGE;
	for (unsigned i = 0; i < p->n_sections; i++) {
		const struct vf_section *s = &p->sections[i];

		if (index < s->first || index > s->last)
			continue;
		if (s->first == s->last)
			single = s;
		else
			range = s;
	}
	overlay(&c, &p->vf_defaults, "vf");
	if (range)
		overlay(&c, &range->cfg, range->name);
	if (single)
		overlay(&c, &single->cfg, single->name);

	/* qos and proto qualify a VLAN; alone (or with vlan = 0, no VLAN) there is none. */
	bits = c.set & ((1u << VF_KEY_QOS) | (1u << VF_KEY_PROTO));
	if (bits && (!(c.set & (1u << VF_KEY_VLAN)) || c.vlan == 0)) {
		enum vf_key k = bits & (1u << VF_KEY_QOS) ? VF_KEY_QOS : VF_KEY_PROTO;

		return log_error_errno(EINVAL, "%s:%u: vf %u: '%s' needs a 'vlan' (1..4094)",
				       p->path, c.line[k], index, vf_key_to_string(k));
	}
	if (c.min_tx_rate && c.max_tx_rate && c.min_tx_rate > c.max_tx_rate)
		return log_error_errno(
		    EINVAL, "%s:%u: vf %u: min_tx_rate %u is above max_tx_rate %u", p->path,
		    c.line[VF_KEY_MIN_TX_RATE], index, c.min_tx_rate, c.max_tx_rate);
	/* The node exists only while vfio-pci has the VF. */
	if (c.set & VF_VFIO_KEYS &&
	    !(c.set & VF_KEY_BIT(VF_KEY_DRIVER) && driver_is_vfio(c.driver))) {
		enum vf_key k = c.set & VF_KEY_BIT(VF_KEY_VFIO_OWNER)	? VF_KEY_VFIO_OWNER
				: c.set & VF_KEY_BIT(VF_KEY_VFIO_GROUP) ? VF_KEY_VFIO_GROUP
									: VF_KEY_VFIO_MODE;

		return log_error_errno(EINVAL, "%s:%u: vf %u: '%s' needs driver = \"vfio-pci\"",
				       p->path, c.line[k], index, vf_key_to_string(k));
	}
	*ret = c;
	return 0;
}

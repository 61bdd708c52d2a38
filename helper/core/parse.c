/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A policy file's sections and keys: what each may hold, checked with file:line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"

#include "core/conf.h"
#include "core/dlpolicy.h"
#include "core/parse.h"
#include "core/policy.h"
#include "core/value.h"

static void parse_pf(struct policy *p, const struct conf_node *g)
{
	unsigned n_match = 0;

	p->pf_line = value_line(g);
	for (int i = 0; i < conf_length(g); i++) {
		const struct conf_node *s = conf_elem(g, i);
		const char *k = conf_name(s), *v;
		unsigned line = value_line(s), u;
		enum pf_key key;
		bool b;

		if (streq(k, "name") || streq(k, "id") || streq(k, "mac")) {
			char addr[PCI_ADDR_MAX];
			unsigned ven, dev;
			char tail;

			if (n_match++ > 0) {
				value_error(p, line, "'%s': give only one of name, id and mac", k);
				continue;
			}
			v = value_string(p, s);
			if (!v) {
				p->match = _PF_MATCH_INVALID;
				continue;
			}
			p->match = _PF_MATCH_INVALID;
			if (streq(k, "mac")) {
				if (!value_mac(p, s, p->match_mac))
					continue;
				mac_format(p->match_mac, p->match_value);
				p->match = PF_MATCH_MAC;
			} else if (streq(k, "id")) {
				/* Exactly four hex digits each: sscanf alone takes "0x12" and
				 * "-123". */
				if (strlen(v) != 9 || v[4] != ':' ||
				    strspn(v, "0123456789abcdefABCDEF") != 4 ||
				    strspn(v + 5, "0123456789abcdefABCDEF") != 4 ||
				    sscanf(v, "%4x:%4x%c", &ven, &dev, &tail) != 2) {
					value_error(
					    p, line,
					    "id = \"%s\" is not vendor:device (e.g. \"8086:1572\")",
					    v);
					continue;
				}
				snprintf(p->match_value, sizeof(p->match_value), "%04x:%04x", ven,
					 dev);
				p->match = PF_MATCH_ID;
			} else if (pci_addr_normalize(v, addr) >= 0) {
				memcpy(p->match_value, addr, sizeof(addr));
				p->match = PF_MATCH_ADDR;
			} else if (strchr(v, ':') || !ifname_valid(v)) {
				value_error(
				    p, line,
				    "name = \"%s\" is neither a PCI address (05:00.0, 0000:05:00.0) nor an interface name",
				    v);
			} else {
				snprintf(p->match_value, sizeof(p->match_value), "%s", v);
				p->match = PF_MATCH_IFNAME;
			}
			continue;
		}

		if (streq(k, "kind")) {
			int m;

			key = PF_KEY_KIND;
			if (!value_choice(p, s, pf_kind_to_string, &m))
				continue;
			p->kind = m;
		} else if (streq(k, "vfs")) {
			key = PF_KEY_VFS;
			if (conf_type(s) == CONF_STRING) {
				v = conf_string(s);
				if (!streq(v, "max")) {
					value_error(p, line,
						    "vfs = \"%s\": must be an integer or \"max\"",
						    v);
					continue;
				}
				p->vfs_max = true;
			} else if (conf_type(s) == CONF_INT || conf_type(s) == CONF_INT) {
				if (!value_uint(p, s, 0, VF_INDEX_MAX, &u))
					continue;
				p->vfs = u;
			} else {
				value_error(p, line, "'vfs' must be an integer or \"max\", not %s",
					    value_type_name(conf_type(s)));
				continue;
			}
		} else if (streq(k, "mtu")) {
			key = PF_KEY_MTU;
			/* ETH_MIN_MTU .. IP_MAX_MTU; the driver has the last word on its maximum.
			 */
			if (!value_uint(p, s, 68, 65535, &u))
				continue;
			p->mtu = u;
		} else if (streq(k, "eswitch")) {
			int m;

			key = PF_KEY_ESWITCH;
			if (!value_choice(p, s, eswitch_mode_to_string, &m))
				continue;
			p->eswitch = m;
		} else if (streq(k, "hw_tc_offload")) {
			key = PF_KEY_HW_TC_OFFLOAD;
			if (!value_bool(p, s, &p->hw_tc_offload))
				continue;
		} else if (streq(k, "eswitch_inline")) {
			key = PF_KEY_ESWITCH_INLINE;
			if (!value_choice(p, s, eswitch_inline_to_string, &p->eswitch_inline))
				continue;
		} else if (streq(k, "eswitch_encap")) {
			key = PF_KEY_ESWITCH_ENCAP;
			if (!value_choice(p, s, eswitch_encap_to_string, &p->eswitch_encap))
				continue;
		} else if (streq(k, "representor_name")) {
			key = PF_KEY_REP_NAME;
			v = value_string(p, s);
			if (!v)
				continue;
			if (strlen(v) >= sizeof(p->rep_name) ||
			    swcfg_rep_name(v, "p", 0, 0, NULL, 0) < 0) {
				value_error(
				    p, line,
				    "representor_name = \"%s\": a name with %%v (the VF's number), and if wanted %%p (the PF's interface) and %%f (its PF number); letters, digits, '_', '-' and '.'",
				    v);
				continue;
			}
			snprintf(p->rep_name, sizeof(p->rep_name), "%s", v);
		} else if (streq(k, "representor_managed_by")) {
			key = PF_KEY_REP_MANAGED_BY;
			v = value_managed_by(p, s);
			if (!v)
				continue;
			snprintf(p->rep_managed_by, sizeof(p->rep_managed_by), "%s", v);
		} else if (streq(k, "rate_groups")) {
			key = PF_KEY_RATE_GROUPS;
			if (!dlpolicy_parse_groups(p, s))
				continue;
		} else if (streq(k, "devlink")) {
			key = PF_KEY_DEVLINK;
			if (!value_type(p, s, CONF_GROUP, "a group { name = value; }"))
				continue;
			dlpolicy_parse_params(p, s);
		} else if (streq(k, "link")) {
			key = PF_KEY_LINK;
			v = value_string(p, s);
			if (!v)
				continue;
			if (!streq(v, "up") && !streq(v, "keep")) {
				value_error(p, line, "link = \"%s\": must be \"up\" or \"keep\"",
					    v);
				continue;
			}
			p->link_up = streq(v, "up");
		} else if (streq(k, "nvme_release")) {
			key = PF_KEY_NVME_RELEASE;
			if (!value_bool(p, s, &p->nvme_release))
				continue;
		} else if (streq(k, "autoprobe") || streq(k, "force") || streq(k, "promisc")) {
			key = streq(k, "autoprobe") ? PF_KEY_AUTOPROBE
			      : streq(k, "force")   ? PF_KEY_FORCE
						    : PF_KEY_PROMISC;
			if (!value_bool(p, s, &b))
				continue;
			*(key == PF_KEY_AUTOPROBE ? &p->autoprobe
			  : key == PF_KEY_FORCE	  ? &p->force
						  : &p->promisc) = b;
		} else {
			value_error(p, line, "unknown key '%s' in 'pf' (known: name, id, mac, %s)",
				    k, policy_key_names(pf_keys, _PF_KEY_MAX));
			continue;
		}
		p->set |= 1u << key;
		p->line[key] = line;
	}

	if (n_match == 0)
		value_error(p, p->pf_line,
			    "'pf' needs one of name, id or mac to say which PF it is for");
	/* Not when 'vfs' is there with a bad value: that has its own error. */
	if (!(p->set & (1u << PF_KEY_VFS)) && !conf_member(g, "vfs"))
		value_error(p, p->pf_line, "'pf' needs 'vfs' (an integer or \"max\")");
}

static void parse_vf(struct policy *p, const struct conf_node *g, const char *section,
		     struct vf_config *c)
{
	for (int i = 0; i < conf_length(g); i++) {
		const struct conf_node *s = conf_elem(g, i);
		const char *k = conf_name(s), *v;
		unsigned line = value_line(s);
		enum vf_key key;

		for (key = 0; key < _VF_KEY_MAX; key++)
			if (streq(k, vf_key_to_string(key)))
				break;

		switch (key) {
		case VF_KEY_DRIVER:
			v = value_string(p, s);
			if (!v)
				continue;
			if (!module_name_valid(v)) {
				value_error(
				    p, line,
				    "driver = \"%s\" is not a kernel module name (letters, digits, '_' and '-', at most %d)",
				    v, MODULE_NAME_MAX - 1);
				continue;
			}
			/* What vio list and check show for a VF with no driver: never a module. */
			if (streq(v, "none")) {
				value_error(
				    p, line,
				    "driver = \"none\" is not a kernel module: \"none\" is how vio shows a VF without a driver; name the module to bind, or leave driver out for the VF's own driver");
				continue;
			}
			snprintf(c->driver, sizeof(c->driver), "%s", v);
			break;
		case VF_KEY_MAC:
			if (!value_mac(p, s, c->mac))
				continue;
			if (mac_is_zero(c->mac) || mac_is_multicast(c->mac)) {
				value_error(
				    p, line, "mac = \"%s\" is %s; a VF needs a unicast address",
				    conf_string(s),
				    mac_is_zero(c->mac) ? "all zeros" : "a multicast address");
				continue;
			}
			break;
		case VF_KEY_VLAN:
			if (!value_uint(p, s, 0, 4094, &c->vlan)) /* 0: no VLAN (clears one) */
				continue;
			break;
		case VF_KEY_QOS:
			if (!value_uint(p, s, 0, 7, &c->qos))
				continue;
			break;
		case VF_KEY_PROTO:
			v = value_string(p, s);
			if (!v)
				continue;
			if (!streq(v, "802.1Q") && !streq(v, "802.1ad")) {
				value_error(p, line,
					    "proto = \"%s\": must be \"802.1Q\" or \"802.1ad\"", v);
				continue;
			}
			c->proto_8021ad = streq(v, "802.1ad");
			break;
		case VF_KEY_MIN_TX_RATE:
			if (!value_uint(p, s, 0, UINT32_MAX, &c->min_tx_rate))
				continue;
			break;
		case VF_KEY_MAX_TX_RATE:
			if (!value_uint(p, s, 0, UINT32_MAX, &c->max_tx_rate))
				continue;
			break;
		case VF_KEY_SPOOFCHK:
			if (!value_bool(p, s, &c->spoofchk))
				continue;
			break;
		case VF_KEY_TRUST:
			if (!value_bool(p, s, &c->trust))
				continue;
			break;
		case VF_KEY_QUERY_RSS:
			if (!value_bool(p, s, &c->query_rss))
				continue;
			break;
		case VF_KEY_MTU:
			if (!value_uint(p, s, 68, 65535, &c->mtu))
				continue;
			break;
		case VF_KEY_MANAGED_BY:
			v = value_managed_by(p, s);
			if (!v)
				continue;
			snprintf(c->managed_by, sizeof(c->managed_by), "%s", v);
			break;
		case VF_KEY_VFIO_OWNER:
		case VF_KEY_VFIO_GROUP:
			v = value_string(p, s);
			if (!v)
				continue;
			if (!value_account_name_valid(v)) {
				value_error(
				    p, line,
				    "%s = \"%s\" is not a user or group name (letters, digits, '_', '-' and '.', at most %d)",
				    k, v, ACCOUNT_NAME_MAX - 1);
				continue;
			}
			snprintf(key == VF_KEY_VFIO_OWNER ? c->vfio_owner : c->vfio_group,
				 ACCOUNT_NAME_MAX, "%s", v);
			break;
		case VF_KEY_VFIO_MODE:
			v = value_string(p, s);
			if (!v)
				continue;
			if (!value_mode_parse(v, &c->vfio_mode)) {
				value_error(
				    p, line,
				    "vfio_mode = \"%s\": must be octal, 0000..0777 (e.g. \"0660\")",
				    v);
				continue;
			}
			break;
		case VF_KEY_NVME_VQ:
		case VF_KEY_NVME_VI:
			/* A secondary controller needs an admin and an I/O queue, and an
			 * interrupt; the controller has the last word on the maximum. */
			if (!value_uint(p, s, key == VF_KEY_NVME_VQ ? 2 : 1, 65535,
					key == VF_KEY_NVME_VQ ? &c->nvme_vq : &c->nvme_vi))
				continue;
			break;
		case VF_KEY_NODE_GUID:
		case VF_KEY_PORT_GUID:
			v = value_string(p, s);
			if (!v)
				continue;
			if (guid_parse(v, key == VF_KEY_NODE_GUID ? c->node_guid : c->port_guid) <
			    0) {
				value_error(p, line,
					    "'%s' = \"%s\" is not a GUID (xx:xx:xx:xx:xx:xx:xx:xx)",
					    k, v);
				continue;
			}
			break;
		case VF_KEY_MSIX:
			/* An MSI-X table has at most 2048 entries (PCIe); the PF has the last word.
			 */
			if (!value_uint(p, s, 1, 2048, &c->msix))
				continue;
			break;
		case VF_KEY_EXEC_QUANTUM: /* the driver's u32; 0 is no limit, its default */
			if (!value_uint(p, s, 0, UINT32_MAX, &c->exec_quantum_ms))
				continue;
			break;
		case VF_KEY_PREEMPT_TIMEOUT:
			if (!value_uint(p, s, 0, UINT32_MAX, &c->preempt_timeout_us))
				continue;
			break;
		case VF_KEY_VRAM_QUOTA:
			if (!value_bytes(p, s, &c->vram_quota))
				continue;
			break;
		case VF_KEY_SCHED_PRIORITY: /* "high" is the PF's alone (the ABI) */
			v = value_string(p, s);
			if (!v)
				continue;
			if (!streq(v, "low") && !streq(v, "normal")) {
				value_error(
				    p, line,
				    "sched_priority = \"%s\": must be \"low\" or \"normal\"", v);
				continue;
			}
			snprintf(c->sched_priority, sizeof(c->sched_priority), "%s", v);
			break;
		case VF_KEY_RESOURCE:
			v = value_string(p, s);
			if (!v)
				continue;
			/* The device plugin's resourceName: ^[a-zA-Z0-9_]+$ */
			if (!v[0] || strlen(v) >= sizeof(c->resource) ||
			    v[strspn(
				v,
				"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")]) {
				value_error(
				    p, line,
				    "resource = \"%s\": letters, digits and '_', at most %zu (a Kubernetes device plugin resource name)",
				    v, sizeof(c->resource) - 1);
				continue;
			}
			snprintf(c->resource, sizeof(c->resource), "%s", v);
			break;
		case VF_KEY_RATE:
			if (!dlpolicy_parse_rate(p, s, &c->rate))
				continue;
			break;
		case VF_KEY_PORT_FUNCTION:
			if (!dlpolicy_parse_portfn(p, s, &c->portfn))
				continue;
			break;
		case VF_KEY_LINK_STATE:
			v = value_string(p, s);
			if (!v)
				continue;
			c->link_state = vf_link_state_from_string(v);
			if (c->link_state < 0) {
				value_error(
				    p, line,
				    "link_state = \"%s\": must be \"auto\", \"enable\" or \"disable\"",
				    v);
				continue;
			}
			break;
		default:
			value_error(p, line, "unknown key '%s' in '%s' (known: %s)", k, section,
				    policy_key_names(vf_keys, _VF_KEY_MAX));
			continue;
		}
		c->set |= 1u << key;
		c->line[key] = line;
	}
}

/* "vf3" or "vf2-7"; false when the name is not of that form. */
static bool parse_vf_name(const char *name, unsigned *first, unsigned *last)
{
	char a[8] = "", b[8] = "";
	const char *dash;

	if (!strneq(name, "vf", 2) || name[2] == '\0')
		return false;
	name += 2;
	dash = strchr(name, '-');
	if (dash) {
		if ((size_t)(dash - name) >= sizeof(a) || strlen(dash + 1) >= sizeof(b))
			return false;
		memcpy(a, name, dash - name);
		strcpy(b, dash + 1);
	} else {
		if (strlen(name) >= sizeof(a))
			return false;
		strcpy(a, name);
		strcpy(b, name);
	}
	/* "vf01" would be a second name for vf1. */
	if ((a[0] == '0' && a[1]) || (b[0] == '0' && b[1]))
		return false;
	return parse_unsigned(a, VF_INDEX_MAX, first) >= 0 &&
	       parse_unsigned(b, VF_INDEX_MAX, last) >= 0;
}

static int section_cmp(const void *x, const void *y)
{
	const struct vf_section *a = x, *b = y;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return (a->last > b->last) - (a->last < b->last);
}

static void check_sections(struct policy *p)
{
	const struct vf_section *prev_range = NULL, *prev_single = NULL;

	qsort(p->sections, p->n_sections, sizeof(*p->sections), section_cmp);
	for (unsigned i = 0; i < p->n_sections; i++) {
		const struct vf_section *s = &p->sections[i];
		const struct vf_section **prev = s->first == s->last ? &prev_single : &prev_range;

		/* A vfN may refine a range; two ranges (or two vfN) for one VF are ambiguous. */
		if (*prev && (*prev)->last >= s->first)
			value_error(p, s->line, "'%s' overlaps '%s' (line %u)", s->name,
				    (*prev)->name, (*prev)->line);
		if (!*prev || s->last > (*prev)->last)
			*prev = s;

		if (p->set & (1u << PF_KEY_VFS) && !p->vfs_max && s->last >= p->vfs)
			value_error(p, s->line, "'%s': VF index %u is not below vfs = %u", s->name,
				    s->last, p->vfs);
		if (s->cfg.set & (1u << VF_KEY_MAC) && s->first != s->last)
			value_error(p, s->cfg.line[VF_KEY_MAC],
				    "'%s': one mac for %u VFs; give each VF its own vfN section",
				    s->name, s->last - s->first + 1);
	}
	if (p->vf_defaults.set & (1u << VF_KEY_MAC))
		value_error(p, p->vf_defaults.line[VF_KEY_MAC],
			    "'vf': one mac for every VF; give each VF its own vfN section");
}

static void check_kind(struct policy *p)
{
	unsigned line;
	const char *key;

	if (!(p->set & (1u << PF_KEY_KIND)) || p->kind == PF_KIND_NET)
		return;
	key = policy_first_net_key(p, &line);
	if (key)
		value_error(p, line, "'%s' is for network PFs, but kind = \"%s\"", key,
			    pf_kind_to_string(p->kind));
}

int parse_policy(struct policy *p, const struct conf_node *root)
{
	int n = conf_length(root);

	/* Find pf first: VF checks need vfs and kind. */
	for (int i = 0; i < n; i++) {
		const struct conf_node *g = conf_elem(root, i);

		if (streq(conf_name(g), "pf") && value_type(p, g, CONF_GROUP, "a group { }"))
			parse_pf(p, g);
	}
	if (!conf_member(root, "pf"))
		value_error(p, 1, "no 'pf' section: say which PF this policy is for");

	p->sections = calloc(n, sizeof(*p->sections));
	if (!p->sections)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const struct conf_node *g = conf_elem(root, i);
		const char *name = conf_name(g);
		unsigned first, last;

		if (streq(name, "pf"))
			continue;
		if (streq(name, "vf")) {
			if (!value_type(p, g, CONF_GROUP, "a group { }"))
				continue;
			p->has_vf_defaults = true;
			parse_vf(p, g, "vf", &p->vf_defaults);
			continue;
		}
		if (!parse_vf_name(name, &first, &last)) {
			value_error(p, value_line(g),
				    "unknown section '%s' (known: pf, vf, vfN, vfN-M)", name);
			continue;
		}
		if (first > last) {
			value_error(p, value_line(g), "'%s': range runs backwards", name);
			continue;
		}
		if (!value_type(p, g, CONF_GROUP, "a group { }"))
			continue;

		struct vf_section *s = &p->sections[p->n_sections++];

		snprintf(s->name, sizeof(s->name), "%s", name);
		s->first = first;
		s->last = last;
		s->line = value_line(g);
		parse_vf(p, g, name, &s->cfg);
	}
	check_sections(p);
	check_kind(p);

	return 0;
}

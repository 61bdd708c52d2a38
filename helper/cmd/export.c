/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vio export device-plugin: the SR-IOV network device plugin's config.json (its resourceList)
 * from the policy, for the VFs vio makes as the SR-IOV network operator's "externally
 * managed" PFs. Per PF and resource: pfNames with the VF indexes where the PF has an
 * interface ("ens1f0#0-3,6"), else the VFs' PCI addresses (or rootDevices when the resource
 * has all of the PF's VFs); the driver when every VF of the resource names the same one;
 * vendor and device of the VFs there are.
 *
 * The plugin refuses a config that names a resource twice ("resource name ... already
 * exists", its validConfigs) and then serves nothing at all: so one entry per resource
 * name, every PF's selectors merged into it. Within one selector object the plugin ANDs the
 * kinds of selector and ORs the values of each; two PFs' selectors merge where that gives
 * exactly their VFs: the same kind of device selector (pfNames, rootDevices or
 * pciAddresses, or, when the kinds differ, the VFs' PCI addresses where all exist), the same
 * driver or none on both. Anything else is an error naming both files, and nothing is
 * printed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"

#include "apply/live.h"
#include "apply/apply.h"
#include "cmd/export.h"

#define EXPORT_MAX_VALUES 256

enum sel_kind {
	SEL_PFNAMES,
	SEL_ROOTDEVICES,
	SEL_PCIADDRESSES,
};

static const char *const sel_names[] = {
	[SEL_PFNAMES] = "pfNames",
	[SEL_ROOTDEVICES] = "rootDevices",
	[SEL_PCIADDRESSES] = "pciAddresses",
};

struct strv {
	char *v[EXPORT_MAX_VALUES];
	unsigned n;
};

struct entry {
	char name[64];
	const char *path; /* the policy file it first came from */
	char driver[MODULE_NAME_MAX];
	bool has_driver, has_ids;
	enum sel_kind kind;
	struct strv vendors, devices, values, addrs; /* addrs: the VFs' PCI addresses */
	bool all_addrs;				     /* every VF of it exists */
};

struct export_ctx {
	const struct policy_set *set;
	struct entry *e;
	unsigned n;
	enum result ex;
};

static void strv_done(struct strv *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->v[i]);
	s->n = 0;
}

/* Adds v unless it is there: 0, or -ENOMEM / -E2BIG. */
static int strv_add(struct strv *s, const char *v)
{
	for (unsigned i = 0; i < s->n; i++)
		if (streq(s->v[i], v))
			return 0;
	if (s->n == EXPORT_MAX_VALUES)
		return -E2BIG;
	s->v[s->n] = strdup(v);
	if (!s->v[s->n])
		return -ENOMEM;
	s->n++;
	return 0;
}

static int strv_merge(struct strv *to, const struct strv *from)
{
	for (unsigned i = 0; i < from->n; i++) {
		int r = strv_add(to, from->v[i]);

		if (r < 0)
			return r;
	}
	return 0;
}

static void entry_done(struct entry *e)
{
	strv_done(&e->vendors);
	strv_done(&e->devices);
	strv_done(&e->values);
	strv_done(&e->addrs);
}

static void ranges(char *buf, size_t n, const bool *in, unsigned count)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < count && o < n; i++) {
		unsigned j = i;

		if (!in[i])
			continue;
		while (j + 1 < count && in[j + 1])
			j++;
		o += snprintf(buf + o, n - o, "%s%u", o ? "," : "", i);
		if (j > i && o < n)
			o += snprintf(buf + o, n - o, "-%u", j);
		i = j;
	}
}

/* What one PF's VFs of one resource ask of the plugin. */
static int entry_of_pf(struct pcidev *pf, const struct pf_facts *facts,
		       const struct pf_plan_config *pc, const struct vf_config *vcs,
		       const char *resource, struct entry *e)
{
	_cleanup_free_ bool *in = calloc(pc->vfs, sizeof(bool));
	bool one_driver = true, all = true;
	char hex[8], buf[4096];
	int r;

	if (!in)
		return -ENOMEM;
	*e = (struct entry){ .path = pc->policy->path, .all_addrs = pcidev_is_pci(pf) };
	snprintf(e->name, sizeof(e->name), "%s", resource);
	for (unsigned k = 0; k < pc->vfs; k++) {
		_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;
		const struct vf_config *kc = &vcs[k];
		unsigned vendor, device;

		if (!(kc->set & VF_KEY_BIT(VF_KEY_RESOURCE)) || !streq(kc->resource, resource))
			continue;
		in[k] = true;
		if (!(kc->set & VF_KEY_BIT(VF_KEY_DRIVER)) ||
		    (e->driver[0] && !streq(e->driver, kc->driver)))
			one_driver = false;
		else
			snprintf(e->driver, sizeof(e->driver), "%s", kc->driver);
		if (!pcidev_is_pci(pf) || pcidev_virtfn(pf, k, &vf) < 0) {
			e->all_addrs = false;
			continue;
		}
		if ((r = strv_add(&e->addrs, pcidev_addr(vf))) < 0)
			return r;
		if (e->vendors.n == 0 && pcidev_read_hex(vf, "vendor", &vendor) >= 0 &&
		    pcidev_read_hex(vf, "device", &device) >= 0) {
			snprintf(hex, sizeof(hex), "%04x", vendor);
			if ((r = strv_add(&e->vendors, hex)) < 0)
				return r;
			snprintf(hex, sizeof(hex), "%04x", device);
			if ((r = strv_add(&e->devices, hex)) < 0)
				return r;
			e->has_ids = true;
		}
	}
	for (unsigned k = 0; k < pc->vfs; k++)
		all &= in[k];
	e->has_driver = one_driver && e->driver[0];
	if (!e->has_driver)
		e->driver[0] = '\0';

	if (facts->ifname[0]) {
		char list[4000];

		e->kind = SEL_PFNAMES;
		ranges(list, sizeof(list), in, pc->vfs);
		snprintf(buf, sizeof(buf), "%s#%s", facts->ifname, list);
		return strv_add(&e->values, buf);
	}
	if (all || !pcidev_is_pci(pf)) {
		e->kind = SEL_ROOTDEVICES;
		return strv_add(&e->values, facts->addr);
	}
	e->kind = SEL_PCIADDRESSES;
	if (!e->all_addrs)
		for (unsigned k = 0; k < pc->vfs; k++) {
			_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;

			if (in[k] && pcidev_virtfn(pf, k, &vf) < 0)
				log_warning(
				    "%s vf %u: no such VF yet; its PCI address is not in the export",
				    facts->addr, k);
		}
	return strv_merge(&e->values, &e->addrs);
}

/* Merges b into a, as one selector object; -EXDEV when that would not give exactly both. */
static int entry_merge(struct entry *a, struct entry *b)
{
	int r;

	if (a->has_driver != b->has_driver || !streq(a->driver, b->driver)) {
		log_error(
		    "resource \"%s\": %s binds its VFs to %s and %s to %s; the device plugin takes one set of selectors per resource name: give both the same driver, or use two resource names",
		    a->name, a->path, a->has_driver ? a->driver : "no one driver", b->path,
		    b->has_driver ? b->driver : "no one driver");
		return -EXDEV;
	}
	if (a->kind != b->kind) {
		if (!a->all_addrs || !b->all_addrs) {
			log_error(
			    "resource \"%s\": %s selects its VFs by %s and %s by %s, and not all of them exist to be named by PCI address; the device plugin takes one set of selectors per resource name: use two resource names",
			    a->name, a->path, sel_names[a->kind], b->path, sel_names[b->kind]);
			return -EXDEV;
		}
		/* Both sets of VFs exist: name every one by its address. */
		strv_done(&a->values);
		a->kind = SEL_PCIADDRESSES;
		if ((r = strv_merge(&a->values, &a->addrs)) < 0 ||
		    (r = strv_merge(&a->values, &b->addrs)) < 0)
			return r;
	} else if ((r = strv_merge(&a->values, &b->values)) < 0) {
		return r;
	}
	if ((r = strv_merge(&a->addrs, &b->addrs)) < 0)
		return r;
	a->all_addrs &= b->all_addrs;
	/* vendors and devices only narrow what the device selector names: kept where both
	 * have them. */
	if (a->has_ids && b->has_ids) {
		if ((r = strv_merge(&a->vendors, &b->vendors)) < 0 ||
		    (r = strv_merge(&a->devices, &b->devices)) < 0)
			return r;
	} else {
		a->has_ids = false;
		strv_done(&a->vendors);
		strv_done(&a->devices);
	}
	return 0;
}

static int add_entry(struct export_ctx *c, struct entry *e)
{
	struct entry *grown;

	for (unsigned i = 0; i < c->n; i++)
		if (streq(c->e[i].name, e->name)) {
			int r = entry_merge(&c->e[i], e);

			entry_done(e);
			return r;
		}
	grown = reallocarray(c->e, c->n + 1, sizeof(*c->e));
	if (!grown) {
		entry_done(e);
		return -ENOMEM;
	}
	c->e = grown;
	c->e[c->n++] = *e;
	return 0;
}

static int export_pf(struct pcidev *pf, void *userdata)
{
	struct export_ctx *c = userdata;
	struct apply_opts o = { .plan = &(struct plan){ .mode = PLAN_CHECK }, .policies = c->set };
	_cleanup_free_ struct vf_config *vcs = NULL;
	_cleanup_(pf_plan_config_done) struct pf_plan_config pc = {};
	PF_FACTS(facts);
	int r;
	enum result ex = model_pf_config(pf, &o, &facts, &pc);

	if (ex != RESULT_OK) {
		c->ex = result_worst(c->ex, ex);
		return 0;
	}
	if (!pc.policy || pc.vfs == 0)
		return 0;
	/* Each VF resolved once. */
	vcs = calloc(pc.vfs, sizeof(*vcs));
	if (!vcs)
		return -ENOMEM;
	for (unsigned i = 0; i < pc.vfs; i++)
		if (policy_resolve_vf(&pc, i, &vcs[i]) < 0) {
			c->ex = result_worst(c->ex, RESULT_POLICY);
			return 0;
		}
	/* Each resource of this PF, in the order its first VF has it. */
	for (unsigned i = 0; i < pc.vfs; i++) {
		struct entry e;
		bool seen = false;

		if (!(vcs[i].set & VF_KEY_BIT(VF_KEY_RESOURCE)))
			continue;
		for (unsigned k = 0; k < i && !seen; k++)
			seen = (vcs[k].set & VF_KEY_BIT(VF_KEY_RESOURCE)) &&
			       streq(vcs[k].resource, vcs[i].resource);
		if (seen)
			continue;
		r = entry_of_pf(pf, &facts, &pc, vcs, vcs[i].resource, &e);
		if (r >= 0)
			r = add_entry(c, &e);
		else
			entry_done(&e);
		if (r == -EXDEV) {
			c->ex = result_worst(c->ex, RESULT_POLICY);
			continue;
		}
		if (r == -E2BIG) {
			log_error("resource \"%s\": more than %d values in one selector",
				  vcs[i].resource, EXPORT_MAX_VALUES);
			c->ex = result_worst(c->ex, RESULT_POLICY);
			continue;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static void print_list(FILE *f, const char *key, const struct strv *s)
{
	fprintf(f, "\n        ");
	json_fstr(f, key);
	fputs(": [", f);
	for (unsigned i = 0; i < s->n; i++) {
		fputs(i ? ", " : "", f);
		json_fstr(f, s->v[i]);
	}
	fputc(']', f);
}

static void print_entries(FILE *f, const struct export_ctx *c)
{
	fputs("{\n  \"resourceList\": [", f);
	for (unsigned i = 0; i < c->n; i++) {
		const struct entry *e = &c->e[i];
		struct strv drv = { .n = 1, .v = { (char *)e->driver } };

		fprintf(f, "%s\n    {\n      \"resourceName\": ", i ? "," : "");
		json_fstr(f, e->name);
		fputs(",\n      \"selectors\": {", f);
		if (e->has_ids) {
			print_list(f, "vendors", &e->vendors);
			fputc(',', f);
			print_list(f, "devices", &e->devices);
			fputc(',', f);
		}
		if (e->has_driver) {
			print_list(f, "drivers", &drv);
			fputc(',', f);
		}
		print_list(f, sel_names[e->kind], &e->values);
		fputs("\n      }\n    }", f);
	}
	fputs(c->n ? "\n  ]\n}\n" : "]\n}\n", f);
}

enum result export_device_plugin(const struct policy_set *set)
{
	struct export_ctx c = { .set = set };
	int r = pcidev_foreach_pf(export_pf, &c);

	/* A config the plugin would refuse is worse than none: printed only whole. */
	if (r >= 0 && c.ex == RESULT_OK)
		print_entries(stdout, &c);
	for (unsigned i = 0; i < c.n; i++)
		entry_done(&c.e[i]);
	free(c.e);
	if (r == -ENOMEM)
		return log_oom(), RESULT_USAGE;
	if (r < 0)
		return log_error_errno(r, "cannot enumerate devices: %m"), RESULT_DEVICE;
	return c.ex;
}

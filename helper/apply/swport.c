/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A switchdev PF's rate groups and leaves, and its VFs' port functions (swport.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"

#include "apply/swfn.h"
#include "apply/swport.h"
#include "apply/live.h"
#include "sys/dlport.h"
#include "state/lock.h"
#include "state/runtime.h"
#include "state/record.h"

#define RECORD "rate-groups"

static bool is_switchdev(const struct policy *p)
{
	return p->set & (1u << PF_KEY_ESWITCH) && p->eswitch == ESWITCH_SWITCHDEV;
}

/* What the steps changed, to put back when a later change is refused. */
struct undo {
	struct dlrate_req *v;
	struct dlrate *before;
	unsigned n;
};

static void undo_done(struct undo *u)
{
	free(u->v);
	free(u->before);
}

static int undo_push(struct undo *u, enum dlrate_op op, const struct dlrate *before, unsigned mask)
{
	struct dlrate_req *v = reallocarray(u->v, u->n + 1, sizeof(*v));
	struct dlrate *b;

	if (!v)
		return -ENOMEM;
	u->v = v;
	b = reallocarray(u->before, u->n + 1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	u->before = b;
	u->before[u->n] = *before;
	u->v[u->n] = (struct dlrate_req){ op, NULL, mask };
	u->n++;
	return 0;
}

static unsigned undo_run(struct undo *u, const struct devlink_dev *d)
{
	unsigned failed = 0;

	while (u->n > 0) {
		char msg[256] = "";

		u->n--;
		u->v[u->n].rate = &u->before[u->n];
		failed += dlrate_send(d, &u->v[u->n], msg, sizeof(msg)) < 0;
	}
	return failed;
}

struct rates {
	const struct pf_facts *facts;
	const struct policy *p;
	struct plan *plan;
	struct devlink_dev dev;
	struct dlrate *cur;
	unsigned n_cur;
	struct undo undo;
	char **made; /* the groups vio made (the record), then those it still has */
	unsigned n_made;
	bool all; /* every group vio made goes (the e-switch leaves switchdev) */
};

static struct dlrate *find_node(struct rates *s, const char *name)
{
	for (unsigned i = 0; i < s->n_cur; i++)
		if (s->cur[i].node && streq(s->cur[i].name, name))
			return &s->cur[i];
	return NULL;
}

static struct dlrate *find_leaf(struct rates *s, unsigned port)
{
	for (unsigned i = 0; i < s->n_cur; i++)
		if (!s->cur[i].node && s->cur[i].port == port)
			return &s->cur[i];
	return NULL;
}

static char *field_value(const struct dlrate *r, enum dlrate_field f, char *buf, size_t n)
{
	if (f == DLRATE_PARENT)
		snprintf(buf, n, "%s", r->parent[0] ? r->parent : "(none)");
	else
		swcfg_rate_value(f, r->v[f], buf, n);
	return buf;
}

/* A rate object as the policy would say it: every field it has. */
static char *rate_format(const struct dlrate *r, char *buf, size_t n)
{
	struct vf_rate v = {};

	for (unsigned f = 0; f < DLRATE_PARENT; f++)
		if (r->v[f]) {
			v.v[f] = r->v[f];
			v.set |= 1u << f;
		}
	if (r->parent[0]) {
		snprintf(v.parent, sizeof(v.parent), "%s", r->parent);
		v.set |= 1u << DLRATE_PARENT;
	}
	swcfg_rate_format(&v, buf, n);
	if (!buf[0])
		snprintf(buf, n, "(no limits)");
	return buf;
}

/* The fields a rate object has (to make it again as it was). */
static unsigned fields_of(const struct dlrate *r)
{
	unsigned mask = r->parent[0] ? 1u << DLRATE_PARENT : 0;

	for (unsigned f = 0; f < DLRATE_PARENT; f++)
		if (r->v[f])
			mask |= 1u << f;
	return mask;
}

/* One request: recorded outside apply; sent, with its undo kept, in apply. */
static int change(struct rates *s, const char *where, const char *what, const char *old,
		  const char *new, enum dlrate_op op, struct dlrate *obj, unsigned mask,
		  const struct dlrate *want)
{
	struct dlrate before = *obj, sent = *want;
	struct dlrate_req q = { op, &sent, mask };
	char msg[256] = "";
	int r;

	if (!plan_diff(s->plan, where, what, old, new))
		return 0;
	r = dlrate_send(&s->dev, &q, msg, sizeof(msg));
	if (r < 0) {
		unsigned failed = undo_run(&s->undo, &s->dev);
		/* Linux 6.1's devlink answers an attribute it does not know with EINVAL. */
		bool prio = strstr(what, "tx_priority") || strstr(what, "tx_weight");

		return log_error(
			   "%s: cannot set %s %s: %s%s; %s", where, what, new, dlport_why(r, msg),
			   prio
			       ? " (tx_priority and tx_weight need Linux 6.5 and a driver with them)"
			       : "",
			   failed ? "some of this step's changes could not be put back"
				  : "nothing changed"),
		       -EIO;
	}
	log_info("%s: %s %s -> %s", where, what, old, new);
	r = undo_push(&s->undo,
		      op == DLRATE_NEW	 ? DLRATE_DEL
		      : op == DLRATE_DEL ? DLRATE_NEW
					 : DLRATE_SET,
		      &before, op == DLRATE_SET ? mask : fields_of(&before));
	if (r < 0)
		return log_oom(), -ENOMEM;
	*obj = sent;
	return 0;
}

/* The fields of want (mask) that obj lacks, each its own request. */
static int set_fields(struct rates *s, const char *where, const char *prefix, struct dlrate *obj,
		      const struct dlrate *want, unsigned mask)
{
	for (unsigned f = 0; f < _DLRATE_FIELD_MAX; f++) {
		struct dlrate next = *obj;
		char what[128], old[64], new[64];

		if (!(mask & (1u << f)))
			continue;
		if (f == DLRATE_PARENT ? streq(obj->parent, want->parent) : obj->v[f] == want->v[f])
			continue;
		if (f == DLRATE_PARENT)
			memcpy(next.parent, want->parent, sizeof(next.parent));
		else
			next.v[f] = want->v[f];
		snprintf(what, sizeof(what), "%s %s", prefix, swcfg_rate_field_to_string(f));
		if (change(s, where, what, field_value(obj, f, old, sizeof(old)),
			   field_value(&next, f, new, sizeof(new)), DLRATE_SET, obj, 1u << f,
			   &next) < 0)
			return -EIO;
	}
	return 0;
}

static struct dlrate want_of(const struct vf_rate *v)
{
	struct dlrate r = {};

	memcpy(r.v, v->v, sizeof(r.v));
	if (v->set & (1u << DLRATE_PARENT))
		memcpy(r.parent, v->parent, sizeof(r.parent));
	return r;
}

static bool made_by_vio(struct rates *s, const char *name)
{
	for (unsigned i = 0; i < s->n_made; i++)
		if (streq(s->made[i], name))
			return true;
	return false;
}

static int note_made(struct rates *s, const char *name)
{
	char **v;

	if (made_by_vio(s, name))
		return 0;
	v = reallocarray(s->made, s->n_made + 2, sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->made = v;
	s->made[s->n_made] = strdup(name);
	if (!s->made[s->n_made])
		return -ENOMEM;
	s->made[++s->n_made] = NULL;
	return 0;
}

/* The policy's groups, parents first. */
static int groups(struct rates *s)
{
	const struct policy *p = s->p;
	_cleanup_free_ bool *done = calloc(p->n_rate_groups ?: 1, sizeof(*done));
	unsigned left = p->n_rate_groups;

	if (!done)
		return log_oom(), -ENOMEM;
	while (left) {
		for (unsigned i = 0; i < p->n_rate_groups; i++) {
			const struct rate_group *g = &p->rate_groups[i];
			const struct rate_group *up =
			    g->rate.set & (1u << DLRATE_PARENT)
				? swcfg_group(p->rate_groups, p->n_rate_groups, g->rate.parent)
				: NULL;
			struct dlrate want = want_of(&g->rate), *cur;
			char what[128], new[256];

			if (done[i] || (up && !done[up - p->rate_groups]))
				continue;
			done[i] = true;
			left--;
			want.node = true;
			snprintf(want.name, sizeof(want.name), "%s", g->name);
			snprintf(what, sizeof(what), "rate group %s", g->name);
			cur = find_node(s, g->name);
			if (cur) {
				if (set_fields(s, s->facts->addr, what, cur, &want, g->rate.set) <
				    0)
					return -EIO;
				continue;
			}
			struct dlrate *grown = reallocarray(s->cur, s->n_cur + 1, sizeof(*grown));

			if (!grown)
				return log_oom(), -ENOMEM;
			s->cur = grown;
			cur = &s->cur[s->n_cur++];
			*cur = (struct dlrate){ .node = true };
			snprintf(cur->name, sizeof(cur->name), "%s", g->name);
			if (change(s, s->facts->addr, what, "(none)",
				   rate_format(&want, new, sizeof(new)), DLRATE_NEW, cur,
				   g->rate.set, &want) < 0)
				return -EIO;
			if (s->plan->mode == PLAN_APPLY && note_made(s, g->name) < 0)
				return log_oom(), -ENOMEM;
		}
	}
	return 0;
}

static int leaves(struct rates *s, const struct pf_plan_config *pc)
{
	const struct live_ports *ports = live_ports_of(s->facts);
	for (unsigned i = 0; i < pc->vfs; i++) {
		const struct dlport *port;
		struct dlrate want, *leaf;
		struct vf_config vc;
		char where[64];

		if (policy_resolve_vf(pc, i, &vc) < 0)
			return -EINVAL;
		if (!(vc.set & VF_KEY_BIT(VF_KEY_RATE)))
			continue;
		snprintf(where, sizeof(where), "%s vf %u", s->facts->addr, i);
		port = dlport_find_vf(ports->v, ports->n, i);
		leaf = port ? find_leaf(s, port->index) : NULL;
		if (!leaf)
			return log_error(
				   "%s:%u: %s: rate, but the VF has no devlink rate leaf (its driver makes none in switchdev mode); nothing changed",
				   s->p->path, vc.line[VF_KEY_RATE], where),
			       -EOPNOTSUPP;
		want = want_of(&vc.rate);
		want.port = leaf->port;
		if (set_fields(s, where, "rate", leaf, &want, vc.rate.set) < 0)
			return -EIO;
	}
	return 0;
}

/* Groups vio made that the policy dropped: their members out first, then the group. */
static int stale(struct rates *s)
{
	const struct live_ports *ports = live_ports_of(s->facts);
	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < s->n_made; i++) {
			const char *name = s->made[i];
			struct dlrate *node = find_node(s, name);
			char what[128], old[256];

			if (!node ||
			    (!s->all && swcfg_group(s->p->rate_groups, s->p->n_rate_groups, name)))
				continue;
			if (pass == 1) {
				snprintf(what, sizeof(what), "rate group %s", name);
				if (change(s, s->facts->addr, what,
					   rate_format(node, old, sizeof(old)), "(none)",
					   DLRATE_DEL, node, 0, node) < 0)
					return -EIO;
				node->name[0] = '\0'; /* gone */
				continue;
			}
			for (unsigned j = 0; j < s->n_cur; j++) {
				struct dlrate *c = &s->cur[j], out = *c;
				const struct dlport *port = NULL;
				char where[64];

				if (!streq(c->parent, name))
					continue;
				out.parent[0] = '\0';
				for (unsigned k = 0; !c->node && k < ports->n; k++)
					if (ports->v[k].index == c->port)
						port = &ports->v[k];
				if (c->node)
					snprintf(where, sizeof(where), "%s", s->facts->addr);
				else if (port)
					snprintf(where, sizeof(where), "%s vf %d", s->facts->addr,
						 port->vfnum);
				else
					snprintf(where, sizeof(where), "%s port %u", s->facts->addr,
						 c->port);
				snprintf(what, sizeof(what), "%s%s parent",
					 c->node ? "rate group " : "rate", c->node ? c->name : "");
				if (change(s, where, what, name, "(none)", DLRATE_SET, c,
					   1u << DLRATE_PARENT, &out) < 0)
					return -EIO;
			}
		}
	return 0;
}

static int record_keep(struct rates *s)
{
	unsigned n = 0;

	/* Those still there (deleted ones were renamed ""), the policy's or not. */
	for (unsigned i = 0; i < s->n_made; i++) {
		if (find_node(s, s->made[i]))
			s->made[n++] = s->made[i];
		else
			free(s->made[i]);
	}
	s->n_made = n;
	if (s->made)
		s->made[n] = NULL;
	return record_write(RECORD, s->facts->addr, s->made);
}

enum result swport_pf(const struct pf_facts *facts, const struct pf_plan_config *pc,
		      struct plan *plan, bool *ret_changed)
{
	const struct live_ports *ports = live_ports_of(facts);
	const struct policy *p = pc->policy;
	struct rates s = { .facts = facts, .p = p, .plan = plan };
	enum eswitch_mode mode;
	bool any_rate = false, any_fn = false;
	char msg[256] = "";
	int r;
	enum result ex = RESULT_DEVICE;

	*ret_changed = false;
	if (!is_switchdev(p))
		return RESULT_OK;
	for (unsigned i = 0; i < pc->vfs; i++) {
		struct vf_config vc;

		if (policy_resolve_vf(pc, i, &vc) < 0)
			return RESULT_POLICY;
		any_rate |= vc.set & VF_KEY_BIT(VF_KEY_RATE);
		any_fn |= vc.set & VF_KEY_BIT(VF_KEY_PORT_FUNCTION);
	}
	if (record_read(RECORD, facts->addr, &s.made) < 0)
		return log_oom(), RESULT_DEVICE;
	while (s.made[s.n_made])
		s.n_made++;
	if (!p->n_rate_groups && !any_rate && !any_fn && !s.n_made) {
		record_free(s.made);
		return RESULT_OK;
	}
	snprintf(s.dev.bus, sizeof(s.dev.bus), "%s", facts->bus);
	snprintf(s.dev.name, sizeof(s.dev.name), "%s", facts->addr);
	/* Before apply has set the mode there are no VF ports to compare. */
	if (devlink_eswitch_get(&s.dev, &mode, msg, sizeof(msg)) < 0 || mode != ESWITCH_SWITCHDEV) {
		plan_note(
		    plan, facts->addr,
		    "rate groups, rates and port functions are compared once the e-switch is in switchdev mode");
		record_free(s.made);
		return RESULT_OK;
	}
	r = live_ports(facts, true, &ports);
	if (r < 0) {
		log_error("%s: cannot read its devlink ports: %s", facts->addr,
			  dlport_why(r, ports->msg));
		goto out;
	}
	for (unsigned i = 0; any_fn && i < pc->vfs; i++) {
		const struct dlport *port = dlport_find_vf(ports->v, ports->n, i);
		struct vf_config vc;
		char where[64];
		int k;

		(void)policy_resolve_vf(pc, i, &vc);
		if (!(vc.set & VF_KEY_BIT(VF_KEY_PORT_FUNCTION)))
			continue;
		snprintf(where, sizeof(where), "%s vf %u", facts->addr, i);
		if (!port) {
			log_error(
			    "%s:%u: %s: port_function, but the VF has no devlink port; nothing changed",
			    p->path, vc.line[VF_KEY_PORT_FUNCTION], where);
			goto out;
		}
		k = swfn_missing(port, &vc.portfn);
		if (k >= 0) {
			ex = swfn_refuse(p, where, facts->driver, &vc.portfn, k);
			goto out;
		}
	}
	r = dlrate_list(&s.dev, &s.cur, &s.n_cur, msg, sizeof(msg));
	if (r < 0 && (p->n_rate_groups || any_rate)) {
		log_error("%s: cannot read its devlink rates: %s", facts->addr, dlport_why(r, msg));
		goto out;
	}
	if (r >= 0 && (groups(&s) < 0 || leaves(&s, pc) < 0 || stale(&s) < 0))
		goto out;
	if (plan->mode == PLAN_APPLY && record_keep(&s) < 0)
		log_warning("%s: cannot note the rate groups vio made in %s/%s", facts->addr,
			    runtime_dir(), RECORD);
	ex = RESULT_OK;
	*ret_changed = s.undo.n > 0;
out:
	undo_done(&s.undo);
	free(s.cur);
	record_free(s.made);
	return ex;
}

int swport_drop_groups(const struct pf_facts *facts, struct plan *plan)
{
	const struct live_ports *ports = live_ports_of(facts);
	struct rates s = { .facts = facts, .plan = plan, .all = true };
	char msg[256] = "";
	int r;

	if (record_read(RECORD, facts->addr, &s.made) < 0)
		return log_oom(), -ENOMEM;
	while (s.made[s.n_made])
		s.n_made++;
	snprintf(s.dev.bus, sizeof(s.dev.bus), "%s", facts->bus);
	snprintf(s.dev.name, sizeof(s.dev.name), "%s", facts->addr);
	r = dlrate_list(&s.dev, &s.cur, &s.n_cur, msg, sizeof(msg));
	/* Another's group would stop the mode change after vio's were gone: none goes. */
	for (unsigned i = 0; r >= 0 && i < s.n_cur; i++)
		if (s.cur[i].node && !made_by_vio(&s, s.cur[i].name)) {
			log_error(
			    "%s: the e-switch cannot leave switchdev while it has rate groups, and vio did not make '%s' (devlink port function rate del %s/%s/%s); nothing changed",
			    facts->addr, s.cur[i].name, facts->bus, facts->addr, s.cur[i].name);
			r = -EBUSY;
		}
	if (r >= 0 && s.n_made) {
		(void)live_ports(facts, true, &ports); /* only to name the VFs in messages */
		r = stale(&s);
		if (r >= 0 && plan->mode == PLAN_APPLY && record_keep(&s) < 0)
			log_warning("%s: cannot note the rate groups vio made in %s/%s",
				    facts->addr, runtime_dir(), RECORD);
	} else if (r < 0 && r != -EBUSY) {
		log_error("%s: cannot read its devlink rates: %s", facts->addr, dlport_why(r, msg));
	}
	undo_done(&s.undo);
	free(s.cur);
	record_free(s.made);
	return r < 0 ? r : 0;
}

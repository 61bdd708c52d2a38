/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A PF's eswitch mode and devlink parameters. Drivers take most of them only while the PF has
 * no VFs (ice goes 0 VFs -> mode -> N; ConnectX-6 Lx must be in switchdev before its VFs
 * exist; i40e's max_mac_per_vf applies to VFs made after it); mlx5 wants its VFs made in
 * legacy mode and unbound before the switch. Which order a PF needs is hwdb data
 * (VIO_ESWITCH_ORDER), not code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "shared/log.h"

#include "apply/live.h"
#include "apply/numvfs.h"
#include "apply/pfdevlink.h"
#include "apply/swport.h"
#include "core/guard.h"
#include "sys/ethtool.h"

void pf_devlink_done(struct pf_devlink *dl)
{
	free(dl->params);
	dl->params = NULL;
	dl->n_params = 0;
}

/* Why a devlink request failed, in words: the kernel's own when it gave them. */
static const char *why(int r, const char *msg, const char *drv)
{
	static char buf[256];

	if (msg[0])
		snprintf(buf, sizeof(buf), "%s (%s)", msg, strerror(-r));
	else if (r == -EPROTONOSUPPORT)
		snprintf(buf, sizeof(buf), "the kernel has no devlink");
	else if (r == -ENODEV || r == -EOPNOTSUPP)
		snprintf(buf, sizeof(buf), "the PF's driver (%s) offers no devlink eswitch",
			 drv ?: "none");
	else
		snprintf(buf, sizeof(buf), "%s", strerror(-r));
	return buf;
}

static const char *param_type_name(int t)
{
	switch (t) {
	case NLA_U8:
		return "an integer 0..255";
	case NLA_U16:
		return "an integer 0..65535";
	case NLA_U32:
		return "an integer 0..4294967295";
	case NLA_U64:
		return "an integer";
	case NLA_STRING:
		return "a string";
	case NLA_FLAG:
		return "true or false";
	default:
		return "of a type vio does not know";
	}
}

static bool want_fits(const struct devlink_param *p, const struct devlink_want *w)
{
	switch (p->type) {
	case NLA_FLAG:
		return w->type == DEVLINK_WANT_BOOL;
	case NLA_STRING:
		return w->type == DEVLINK_WANT_STRING;
	case NLA_U8:
		return w->type == DEVLINK_WANT_INT && w->u <= UINT8_MAX;
	case NLA_U16:
		return w->type == DEVLINK_WANT_INT && w->u <= UINT16_MAX;
	case NLA_U32:
	case NLA_U64:
		return w->type == DEVLINK_WANT_INT;
	default:
		return false;
	}
}

static bool want_equals(const struct devlink_param *p, enum devlink_cmode c,
			const struct devlink_want *w)
{
	switch (p->type) {
	case NLA_FLAG:
		return p->value[c].b == w->b;
	case NLA_STRING:
		return streq(p->value[c].s, w->s);
	default:
		return p->value[c].u == w->u;
	}
}

static void want_format(const struct devlink_want *w, char *buf, size_t n)
{
	if (w->type == DEVLINK_WANT_BOOL)
		snprintf(buf, n, "%s", w->b ? "true" : "false");
	else if (w->type == DEVLINK_WANT_STRING)
		snprintf(buf, n, "\"%s\"", w->s);
	else
		snprintf(buf, n, "%llu", w->u);
}

static const struct devlink_param *find_param(const struct pf_devlink *dl, const char *name)
{
	for (unsigned i = 0; i < dl->n_params; i++)
		if (streq(dl->params[i].name, name))
			return &dl->params[i];
	return NULL;
}

/* One wanted parameter against the device: 0, or -EINVAL when logged as a policy error. */
static int plan_param(struct pf_devlink *dl, const struct devlink_want *w)
{
	const char *path = dl->pc->policy->path;
	const struct devlink_param *p = find_param(dl, w->name);
	enum devlink_cmode c;
	char known[512] = "";

	if (!p) {
		for (unsigned i = 0, n = 0; i < dl->n_params && n < sizeof(known); i++)
			n += snprintf(known + n, sizeof(known) - n, "%s%s", i ? ", " : "",
				      dl->params[i].name);
		return log_error_errno(
		    EINVAL,
		    "%s:%u: %s: devlink parameter '%s': the PF has no such parameter (%s%s)", path,
		    w->line, dl->where, w->name, known[0] ? "it has: " : "it has none", known);
	}
	/* runtime takes effect at once; driverinit at the driver's reload, which vio does while
	 * the PF has no VFs; permanent is the device's flash, not a boot-time setting. */
	if (p->cmodes & (1u << DEVLINK_CMODE_RUNTIME))
		c = DEVLINK_CMODE_RUNTIME;
	else if (p->cmodes & (1u << DEVLINK_CMODE_DRIVERINIT))
		c = DEVLINK_CMODE_DRIVERINIT;
	else
		return log_error_errno(
		    EINVAL,
		    "%s:%u: %s: devlink parameter '%s' has only a permanent value (the device's flash, used at its next reset); vio does not write flash: set it once with 'devlink dev param set %s/%s name %s ... cmode permanent'",
		    path, w->line, dl->where, w->name, dl->dev.bus, dl->dev.name, w->name);
	if (!want_fits(p, w)) {
		char v[DEVLINK_NAME_MAX + 2];

		want_format(w, v, sizeof(v));
		return log_error_errno(
		    EINVAL, "%s:%u: %s: devlink parameter '%s' is %s on this device, not %s", path,
		    w->line, dl->where, w->name, param_type_name(p->type), v);
	}
	if (want_equals(p, c, w))
		return 0;
	dl->set[dl->n_set].want = w;
	dl->set[dl->n_set].param = p;
	dl->set[dl->n_set].cmode = c;
	dl->n_set++;
	dl->reload |= c == DEVLINK_CMODE_DRIVERINIT;
	return 0;
}

#define TC "hw-tc-offload"

/* hw-tc-offload as the policy wants it (hw_tc_offload, else following its eswitch mode),
 * against what the PF's interface offers: asked for and not offered is refused before anything
 * changes; following the mode, it is left alone where the driver cannot change it. */
static int plan_tc(struct pf_devlink *dl)
{
	const struct policy *p = dl->pc->policy;
	bool asked = p->set & (1u << PF_KEY_HW_TC_OFFLOAD), want, on = false, changeable = false;
	const char *ifname = dl->facts->ifname;
	char msg[256] = "", why_not[320];
	int r = -ENODEV;

	if (!asked && !(p->set & (1u << PF_KEY_ESWITCH)))
		return 0;
	want = asked ? p->hw_tc_offload : p->eswitch == ESWITCH_SWITCHDEV;
	if (ifname[0])
		r = ethtool_feature_get(ifname, TC, &on, &changeable, msg, sizeof(msg));
	if (r >= 0 && (changeable || on == want)) {
		dl->want_tc = want;
		return 0;
	}
	if (!ifname[0])
		snprintf(why_not, sizeof(why_not), "the PF has no interface");
	else if (r == -ENOENT)
		snprintf(why_not, sizeof(why_not), "its interface %s has none", ifname);
	else if (r == -ENODEV)
		snprintf(why_not, sizeof(why_not), "its interface %s is not there", ifname);
	else if (r == -EPROTONOSUPPORT)
		snprintf(why_not, sizeof(why_not),
			 "this kernel has no ethtool netlink (Linux 5.6+)");
	else if (r < 0)
		snprintf(why_not, sizeof(why_not), "cannot read %s's features: %s", ifname,
			 msg[0] ? msg : strerror(-r));
	else
		snprintf(why_not, sizeof(why_not), "the driver of %s keeps it %s", ifname,
			 on ? "on" : "off");
	if (!asked) {
		log_debug("%s: %s left as it is: %s", dl->where, TC, why_not);
		return 0;
	}
	return log_error_errno(EOPNOTSUPP, "%s:%u: %s: hw_tc_offload = %s, but %s; nothing changed",
			       p->path, p->line[PF_KEY_HW_TC_OFFLOAD], dl->where,
			       want ? "true" : "false", why_not);
}

enum result pf_devlink_tc(struct pf_devlink *dl, bool *ret_changed)
{
	const char *ifname = dl->facts->ifname, *to = dl->want_tc ? "on" : "off";
	bool on = false, changeable;
	char msg[256] = "";
	int r;

	*ret_changed = false;
	if (dl->want_tc < 0 || !ifname[0])
		return RESULT_OK;
	r = ethtool_feature_get(ifname, TC, &on, &changeable, msg, sizeof(msg));
	if (r < 0 && dl->plan->mode == PLAN_APPLY)
		return log_error("%s: cannot read %s of %s: %s", dl->where, TC, ifname,
				 msg[0] ? msg : strerror(-r)),
		       RESULT_DEVICE;
	if (on == (bool)dl->want_tc || !plan_diff(dl->plan, dl->where, TC, on ? "on" : "off", to))
		return RESULT_OK;
	r = ethtool_feature_set(ifname, TC, dl->want_tc, msg, sizeof(msg));
	if (r < 0)
		return log_error("%s: the driver refused %s %s -> %s on %s: %s", dl->where, TC,
				 on ? "on" : "off", to, ifname, msg[0] ? msg : strerror(-r)),
		       RESULT_DEVICE;
	log_info("%s: %s %s -> %s (%s)", dl->where, TC, on ? "on" : "off", to, ifname);
	*ret_changed = true;
	return RESULT_OK;
}

/* The inline and encap modes the policy (or, for inline, the hwdb) wants in switchdev, against
 * what the driver reports: a driver without the operation has no such attribute in its reply
 * (devlink only puts it when the driver can say), and is refused before anything changes. */
static int plan_attrs(struct pf_devlink *dl, const char *drv)
{
	const struct policy *p = dl->pc->policy;
	static const struct {
		enum pf_key key;
		const char *what;
	} keys[] = { { PF_KEY_ESWITCH_INLINE, "inline mode" },
		     { PF_KEY_ESWITCH_ENCAP, "encap mode" } };

	if (!(p->set & (1u << PF_KEY_ESWITCH)) || p->eswitch != ESWITCH_SWITCHDEV)
		return 0;
	for (unsigned i = 0; i < ELEMENTSOF(keys); i++) {
		bool inl = keys[i].key == PF_KEY_ESWITCH_INLINE;
		int cur = inl ? dl->cur.inline_mode : dl->cur.encap;
		int want = inl ? p->eswitch_inline : p->eswitch_encap;

		if (!(p->set & (1u << keys[i].key))) {
			/* hwdb VIO_ESWITCH_INLINE: what the driver needs, where it reports one. */
			if (!inl || dl->facts->eswitch_inline < 0 || cur < 0)
				continue;
			want = dl->facts->eswitch_inline;
		} else if (cur < 0) {
			return log_error_errno(
			    EOPNOTSUPP,
			    "%s:%u: %s: %s = \"%s\", but the PF's driver (%s) has no e-switch %s (devlink reports none); nothing changed",
			    p->path, p->line[keys[i].key], dl->where, pf_key_to_string(keys[i].key),
			    inl ? eswitch_inline_to_string(want) : eswitch_encap_to_string(want),
			    drv ?: "none", keys[i].what);
		}
		*(inl ? &dl->want_inline : &dl->want_encap) = want;
		dl->attrs_change |= want != cur;
	}
	return 0;
}

enum result pf_devlink_plan(struct pcidev *pf, struct pf_facts *facts,
			    const struct pf_plan_config *pc, struct plan *plan,
			    struct pf_devlink *ret)
{
	const struct policy *p = pc->policy;
	_cleanup_free_ char *drv = NULL;
	char msg[256] = "";
	unsigned errors = 0, numvfs;
	int r;

	*ret = (struct pf_devlink){ .pf = pf,
				    .facts = facts,
				    .where = facts->addr,
				    .pc = pc,
				    .plan = plan,
				    .vfs_unbound = facts->eswitch_vfs_unbound,
				    .cur = DEVLINK_ESWITCH_NONE,
				    .want_inline = -1,
				    .want_encap = -1,
				    .want_tc = -1 };
	if (plan_tc(ret) < 0)
		return RESULT_POLICY;
	if (!(p->set & ((1u << PF_KEY_ESWITCH) | (1u << PF_KEY_DEVLINK))))
		return RESULT_OK;
	snprintf(ret->dev.bus, sizeof(ret->dev.bus), "%s", pcidev_subsystem(pf));
	snprintf(ret->dev.name, sizeof(ret->dev.name), "%s", pcidev_addr(pf));
	(void)pcidev_driver(pf, &drv);

	/* Read even when the policy does not set it: some drivers fall back to legacy when their
	 * VFs go (netdevsim), and the mode is put back as it was. */
	r = devlink_eswitch_read(&ret->dev, &ret->cur, msg, sizeof(msg));
	ret->has_mode = r >= 0;
	ret->cur_mode = r >= 0 ? (enum eswitch_mode)ret->cur.mode : ESWITCH_LEGACY;
	if (r < 0 && p->set & (1u << PF_KEY_ESWITCH))
		return log_error("%s:%u: %s: eswitch = \"%s\", but %s", p->path,
				 p->line[PF_KEY_ESWITCH], facts->addr,
				 eswitch_mode_to_string(p->eswitch), why(r, msg, drv)),
		       RESULT_DEVICE;
	ret->mode_change = p->set & (1u << PF_KEY_ESWITCH) && ret->cur_mode != p->eswitch;
	if (plan_attrs(ret, drv) < 0)
		return RESULT_POLICY;
	if (p->n_devlink) {
		r = devlink_params(&ret->dev, &ret->params, &ret->n_params, msg, sizeof(msg));
		if (r < 0)
			return log_error("%s:%u: %s: cannot read its devlink parameters: %s",
					 p->path, p->line[PF_KEY_DEVLINK], facts->addr,
					 why(r, msg, drv)),
			       RESULT_DEVICE;
		for (unsigned i = 0; i < p->n_devlink; i++)
			errors += plan_param(ret, &p->devlink[i]) < 0;
		if (errors)
			return RESULT_POLICY;
	}

	/* mlx5's order unbinds the VFs there are: not from under their users. */
	if (ret->mode_change && ret->vfs_unbound &&
	    pcidev_read_unsigned(pf, "sriov_numvfs", &numvfs) >= 0 && numvfs > 0) {
		_cleanup_free_ char *busy = NULL;

		r = guard_vfs(pf, numvfs, pc, &busy);
		if (r < 0)
			return log_oom(), RESULT_USAGE;
		if (r == GUARD_REFUSED && plan->mode == PLAN_CHECK)
			plan_note(plan, facts->addr,
				  "VFs in use would stop the eswitch mode change: %s", busy);
		else if (r == GUARD_REFUSED)
			return log_error(
				   "%s: not changing eswitch %s -> %s, which unbinds its VFs: in use: %s; set force = true in %s to do it anyway",
				   facts->addr, eswitch_mode_to_string(ret->cur_mode),
				   eswitch_mode_to_string(p->eswitch), busy, p->path),
			       RESULT_REFUSED;
	}
	return RESULT_OK;
}

bool pf_devlink_needs_no_vfs(const struct pf_devlink *dl)
{
	return dl->n_set > 0 || (dl->mode_change && !dl->vfs_unbound);
}

/* Puts back the first n parameters as they were (after a later step failed). */
static void restore_params(struct pf_devlink *dl, unsigned n)
{
	char msg[256];

	while (n-- > 0) {
		const struct devlink_param *p = dl->set[n].param;
		enum devlink_cmode c = dl->set[n].cmode;
		struct devlink_want old = { .type = p->type == NLA_FLAG	    ? DEVLINK_WANT_BOOL
						    : p->type == NLA_STRING ? DEVLINK_WANT_STRING
									    : DEVLINK_WANT_INT,
					    .u = p->value[c].u,
					    .b = p->value[c].b };

		snprintf(old.s, sizeof(old.s), "%s", p->value[c].s);
		if (devlink_param_set(&dl->dev, p, c, &old, msg, sizeof(msg)) < 0)
			log_error("%s: cannot put devlink %s back as it was", dl->where, p->name);
		else
			log_info("%s: devlink %s put back as it was", dl->where, p->name);
	}
}

/* The inline and encap modes that differ from now: into want, and into the plan. */
static void want_attrs(struct pf_devlink *dl, const struct devlink_eswitch *now,
		       struct devlink_eswitch *want, char *what, size_t n)
{
	size_t k = strlen(what);

	if (dl->want_inline >= 0 && dl->want_inline != now->inline_mode) {
		want->inline_mode = dl->want_inline;
		plan_diff(dl->plan, dl->where, "eswitch_inline",
			  eswitch_inline_to_string(now->inline_mode) ?: "?",
			  eswitch_inline_to_string(dl->want_inline));
		k += snprintf(what + k, k < n ? n - k : 0, "%seswitch_inline %s -> %s",
			      k ? ", " : "", eswitch_inline_to_string(now->inline_mode) ?: "?",
			      eswitch_inline_to_string(dl->want_inline));
	}
	if (dl->want_encap >= 0 && dl->want_encap != now->encap && k < n) {
		want->encap = dl->want_encap;
		plan_diff(dl->plan, dl->where, "eswitch_encap",
			  eswitch_encap_to_string(now->encap) ?: "?",
			  eswitch_encap_to_string(dl->want_encap));
		snprintf(what + k, n - k, "%seswitch_encap %s -> %s", k ? ", " : "",
			 eswitch_encap_to_string(now->encap) ?: "?",
			 eswitch_encap_to_string(dl->want_encap));
	}
}

/* The mode as target: the policy's (requested, with its inline and encap modes, in the one
 * message the kernel applies in that order), or as it was before the VFs went. */
static int ensure_mode(struct pf_devlink *dl, enum eswitch_mode target, bool requested)
{
	struct devlink_eswitch now = dl->cur, want = DEVLINK_ESWITCH_NONE;
	char msg[256], what[160] = "";
	int r;

	if (dl->plan->mode == PLAN_APPLY) {
		r = devlink_eswitch_read(&dl->dev, &now, msg, sizeof(msg));
		if (r < 0)
			return log_error("%s: cannot read its eswitch mode: %s", dl->where,
					 why(r, msg, NULL)),
			       r;
	}
	if (now.mode != (int)target) {
		want.mode = target;
		if (requested)
			plan_diff(dl->plan, dl->where, "eswitch", eswitch_mode_to_string(now.mode),
				  eswitch_mode_to_string(target));
		snprintf(what, sizeof(what), "eswitch %s -> %s", eswitch_mode_to_string(now.mode),
			 eswitch_mode_to_string(target));
	}
	if (requested)
		want_attrs(dl, &now, &want, what, sizeof(what));
	/* devlink refuses a mode change while rate groups exist ("Rate node(s) exists"). */
	if (now.mode == ESWITCH_SWITCHDEV && want.mode == ESWITCH_LEGACY) {
		r = swport_drop_groups(dl->facts, dl->plan);
		if (r < 0)
			return r;
	}
	if (dl->plan->mode != PLAN_APPLY || !what[0])
		return 0;
	r = devlink_eswitch_write(&dl->dev, &want, msg, sizeof(msg));
	if (r < 0)
		return log_error("%s: the driver refused %s: %s", dl->where, what,
				 why(r, msg, NULL)),
		       r;
	log_info("%s: %s%s", dl->where, what, requested ? "" : " (as it was before its VFs went)");
	return 0;
}

/* After a failed step: the parameters set so far, and the mode, as they were. */
static enum result put_back(struct pf_devlink *dl, unsigned n_set)
{
	restore_params(dl, n_set);
	if (dl->has_mode && dl->plan->mode == PLAN_APPLY)
		(void)ensure_mode(dl, dl->cur_mode, false);
	return RESULT_DEVICE;
}

/* A reload makes the driver's interfaces anew: the PF's gets its name from udev again. */
static void after_reload(struct pf_devlink *dl)
{
	live_forget(dl->facts->live);
	if (pcidev_netdev_settled(dl->pf, dl->facts->ifname) < 0)
		dl->facts->ifname[0] = '\0';
	log_debug("%s: after the reload: interface '%s'", dl->where, dl->facts->ifname);
}

enum result pf_devlink_at_no_vfs(void *data)
{
	struct pf_devlink *dl = data;
	char msg[256], old[DEVLINK_NAME_MAX + 2], new[DEVLINK_NAME_MAX + 2], what[96];
	int r;

	for (unsigned i = 0; i < dl->n_set; i++) {
		const struct devlink_param *p = dl->set[i].param;
		enum devlink_cmode c = dl->set[i].cmode;

		devlink_value_format(p, c, old, sizeof(old));
		want_format(dl->set[i].want, new, sizeof(new));
		snprintf(what, sizeof(what), "devlink %s (%s)", p->name,
			 devlink_cmode_to_string(c));
		if (!plan_diff(dl->plan, dl->where, what, old, new))
			continue;
		r = devlink_param_set(&dl->dev, p, c, dl->set[i].want, msg, sizeof(msg));
		if (r < 0) {
			log_error("%s: the driver refused %s %s -> %s: %s", dl->where, what, old,
				  new, why(r, msg, NULL));
			return put_back(dl, i);
		}
		log_info("%s: %s %s -> %s", dl->where, what, old, new);
	}
	if (dl->reload && dl->plan->mode == PLAN_DRY_RUN)
		plan_note(
		    dl->plan, dl->where,
		    "would reload its driver (devlink dev reload): driverinit values take effect then");
	if (dl->reload && dl->plan->mode == PLAN_APPLY) {
		r = devlink_reload(&dl->dev, msg, sizeof(msg));
		if (r < 0) {
			log_error("%s: cannot reload its driver for the driverinit values: %s",
				  dl->where, why(r, msg, NULL));
			return put_back(dl, dl->n_set);
		}
		log_info(
		    "%s: reloaded its driver (devlink dev reload): driverinit values in effect",
		    dl->where);
		after_reload(dl);
	}
	/* Values a reload already put in effect stay until the next one. */
	if (dl->mode_change && !dl->vfs_unbound)
		return ensure_mode(dl, dl->pc->policy->eswitch, true) < 0 ? put_back(dl, dl->n_set)
									  : RESULT_OK;
	if (dl->has_mode && !dl->mode_change && ensure_mode(dl, dl->cur_mode, false) < 0)
		return RESULT_DEVICE;
	return RESULT_OK;
}

enum result pf_devlink_with_vfs(struct pcidev *pf, struct pf_devlink *dl, unsigned numvfs)
{
	int r;

	/* The inline and encap modes alone: the driver takes them with its VFs there. */
	if (!dl->mode_change && dl->attrs_change)
		return ensure_mode(dl, dl->cur_mode, true) < 0 ? RESULT_DEVICE : RESULT_OK;
	if (!dl->mode_change || !dl->vfs_unbound)
		return RESULT_OK;
	if (dl->plan->mode == PLAN_DRY_RUN && numvfs > 0)
		plan_note(dl->plan, dl->where,
			  "(its %u VFs are unbound from their driver first, then bound again)",
			  numvfs);
	if (dl->plan->mode == PLAN_APPLY)
		for (unsigned i = 0; i < numvfs; i++) {
			_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;
			_cleanup_free_ char *drv = NULL;

			if (pcidev_virtfn(pf, i, &vf) < 0 || pcidev_driver(vf, &drv) < 0 || !drv)
				continue;
			r = pcidev_unbind(vf, drv);
			if (r < 0)
				return log_error_errno(
					   r,
					   "%s vf %u (%s): cannot unbind from %s for the eswitch mode change: %m",
					   dl->where, i, pcidev_addr(vf), drv),
				       RESULT_DEVICE;
			log_info("%s vf %u (%s): unbound from %s for the eswitch mode change",
				 dl->where, i, pcidev_addr(vf), drv);
		}
	return ensure_mode(dl, dl->pc->policy->eswitch, true) < 0 ? RESULT_DEVICE : RESULT_OK;
}

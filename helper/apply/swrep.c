/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A switchdev PF's VF representors, named and given a manager by udev (60-vio.rules) from a
 * file vio writes for each: $VIO_RUNTIME_DIR/representors/SWITCH-PORT, by the representor's
 * phys_switch_id and phys_port_name (pfNvfM). Never by its parent device alone: that is the
 * PF's, which its own interface shares. No process runs at the representor's event.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/util.h"

#include "apply/swrep.h"
#include "apply/vfdev.h"
#include "apply/live.h"
#include "core/swcfg.h"
#include "state/lock.h"
#include "state/runtime.h"
#include "sys/netdev.h"
#include "sys/pcidev.h"

#define IFNAME_MAX 15 /* IFNAMSIZ less its NUL */

/* The representor's file: written when its content differs (1), else 0. */
static int write_props(const char *switch_id, const char *port, const char *text, bool apply)
{
	char dir[PATH_MAX - 128], p[PATH_MAX], tmp[PATH_MAX], buf[512];
	size_t n = 0;
	FILE *f;

	snprintf(dir, sizeof(dir), "%.*s/representors", (int)sizeof(dir) - 32, runtime_dir());
	snprintf(p, sizeof(p), "%s/%s-%s", dir, switch_id, port);
	if (!apply)
		return 0;
	f = fopen(p, "re");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		if (streq(buf, text))
			return 0;
	}
	if (runtime_mkdir(runtime_dir(), 0755) < 0 || runtime_mkdir(dir, 0755) < 0)
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s/.%s-%s.%d", dir, switch_id, port, (int)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fputs(text, f);
	if (fclose(f) != 0 || rename(tmp, p) < 0) {
		int r = -errno;

		(void)unlink(tmp);
		return r;
	}
	return 1;
}

/* The template's longest name (the last VF's) fits IFNAMSIZ, and %p has an interface. */
static enum result check_template(const struct policy *p, const struct pf_facts *facts,
				  unsigned vfs)
{
	char name[64];
	int len;

	if (strstr(p->rep_name, "%p") && !facts->ifname[0])
		return log_error(
			   "%s:%u: %s: representor_name = \"%s\" uses %%p, but the PF has no interface",
			   p->path, p->line[PF_KEY_REP_NAME], facts->addr, p->rep_name),
		       RESULT_POLICY;
	len = swcfg_rep_name(p->rep_name, facts->ifname, 0, vfs ? vfs - 1 : 0, name, sizeof(name));
	if (len > IFNAME_MAX)
		return log_error(
			   "%s:%u: %s: representor_name = \"%s\" makes \"%s\" for vf %u: %d characters, and an interface name has at most %d (IFNAMSIZ); nothing changed",
			   p->path, p->line[PF_KEY_REP_NAME], facts->addr, p->rep_name, name,
			   vfs ? vfs - 1 : 0, len, IFNAME_MAX),
		       RESULT_POLICY;
	return RESULT_OK;
}

enum result swrep_check(const struct pf_facts *facts, const struct pf_plan_config *pc)
{
	const struct policy *p = pc->policy;

	if (!(p->set & (1u << PF_KEY_REP_NAME)))
		return RESULT_OK;
	return check_template(p, facts, pc->vfs);
}

/* One representor: its file, then an event where its name or manager differs. */
static enum result one(const struct pf_facts *facts, const struct pf_plan_config *pc,
		       const struct dlport *port, const char *id, const char *nm, struct plan *plan,
		       bool compare, bool *changed)
{
	const struct policy *p = pc->policy;
	_cleanup_free_ char *sw = NULL, *pn = NULL, *cur = NULL;
	char where[64], want[64] = "", text[256], what[64];
	const char *rep = port->netdev;
	size_t len = 0;
	int r;

	snprintf(where, sizeof(where), "%s vf %d", facts->addr, port->vfnum);
	if (netdev_read(rep, "phys_switch_id", &sw) < 0 || !sw || !sw[0] ||
	    netdev_read(rep, "phys_port_name", &pn) < 0 || !pn || !pn[0] || strchr(sw, '/') ||
	    strchr(pn, '/')) {
		log_debug("%s: representor %s has no switch ID or port name, left alone", where,
			  rep);
		return RESULT_OK;
	}
	if (p->set & (1u << PF_KEY_REP_NAME)) {
		r = swcfg_rep_name(p->rep_name, facts->ifname, port->pfnum < 0 ? 0 : port->pfnum,
				   port->vfnum, want, sizeof(want));
		if (r < 0 || r > IFNAME_MAX)
			return log_error(
				   "%s: representor_name makes \"%s\": more than %d characters",
				   where, want, IFNAME_MAX),
			       RESULT_POLICY;
		len += snprintf(text + len, sizeof(text) - len, "VIO_REP_NAME=%s\n", want);
	}
	if (id)
		len += snprintf(text + len, sizeof(text) - len,
				"VIO_NET_MANAGED_BY=%s\nVIO_NM_UNMANAGED=%s\n", id, nm);
	if (!compare) {
		r = write_props(sw, pn, text, plan->mode == PLAN_APPLY);
		if (r < 0)
			return log_error_errno(
				   r, "%s: cannot write the properties of representor %s: %m",
				   where, rep),
			       RESULT_DEVICE;
		return RESULT_OK;
	}
	/* One udev has not finished with is named by that event, from the file. */
	if (pcidev_netdev_initialized(rep) <= 0)
		return RESULT_OK;
	if (want[0] && !streq(want, rep)) {
		if (!plan_diff(plan, where, "representor", rep, want))
			return RESULT_OK;
		/* udev names an interface at its add event: one more, as at its birth. */
		r = pcidev_netdev_trigger_action(rep, "add");
		if (r == -ENOENT) /* renamed meanwhile: its own event reads the file */
			return RESULT_OK;
		if (r < 0)
			return log_error_errno(r,
					       "%s: cannot ask udev to rename representor %s: %m",
					       where, rep),
			       RESULT_DEVICE;
		log_info("%s: asked udev to rename representor %s to %s", where, rep, want);
		*changed = true;
		return RESULT_OK;
	}
	if (!id)
		return RESULT_OK;
	r = pcidev_netdev_property(rep, "ID_NET_MANAGED_BY", &cur);
	if (r < 0 || (cur && streq(cur, id)))
		return RESULT_OK;
	snprintf(what, sizeof(what), "ID_NET_MANAGED_BY of %s", rep);
	if (!plan_diff(plan, where, what, cur ?: "unset", id))
		return RESULT_OK;
	r = pcidev_netdev_trigger_action(rep, "change");
	if (r == -ENOENT)
		return RESULT_OK;
	if (r < 0)
		return log_error_errno(r, "%s: cannot ask udev to run its rules for %s: %m", where,
				       rep),
		       RESULT_DEVICE;
	log_info("%s: asked udev to set ID_NET_MANAGED_BY=%s on representor %s", where, id, rep);
	*changed = true;
	return RESULT_OK;
}

/* Run by hand, vio waits (5 s at most) for udev to finish with representors just made: one
 * it named before the file was there is named again below. Under udev their events wait for
 * the PF's, which runs vio: they come after it and find the files. */
static void settle(const struct pf_facts *facts, const struct pf_plan_config *pc)
{
	const struct live_ports *ports = live_ports_of(facts);
	if (getenv("SEQNUM"))
		return;
	for (unsigned tries = 0; tries < 100; tries++) {
		bool busy = false;

		for (unsigned i = 0; i < pc->vfs && !busy; i++) {
			const struct dlport *port = dlport_find_vf(ports->v, ports->n, i);

			busy =
			    port && port->netdev[0] && pcidev_netdev_initialized(port->netdev) <= 0;
		}
		if (!busy)
			return;
		usleep(50 * 1000);
		if (live_ports(facts, true, &ports) < 0) /* names change while udev renames */
			return;
	}
}

enum result swrep_apply(const struct pf_facts *facts, const struct pf_plan_config *pc,
			struct plan *plan, bool *ret_changed)
{
	const struct live_ports *ports = live_ports_of(facts);
	const struct policy *p = pc->policy;
	const char *m = p->set & (1u << PF_KEY_REP_MANAGED_BY) ? p->rep_managed_by : "none";
	const char *nm, *id = vfdev_manager_ids(m, &nm);
	int r;
	enum result ex;

	*ret_changed = false;
	if (!(p->set & (1u << PF_KEY_ESWITCH)) || p->eswitch != ESWITCH_SWITCHDEV ||
	    (!id && !(p->set & (1u << PF_KEY_REP_NAME))))
		return RESULT_OK;
	ex = swrep_check(facts, pc);
	if (ex != RESULT_OK)
		return ex;
	r = live_ports(facts, true, &ports);
	if (r < 0)
		return log_error("%s: cannot read its devlink ports: %s", facts->addr,
				 dlport_why(r, ports->msg)),
		       RESULT_DEVICE;
	/* The files first, then the names compared: representors just made are udev's to
	 * name from them. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && plan->mode == PLAN_APPLY)
			settle(facts, pc);
		for (unsigned i = 0; i < pc->vfs; i++) {
			const struct dlport *port = dlport_find_vf(ports->v, ports->n, i);

			if (!port || !port->netdev[0])
				continue; /* none (yet): its add event finds the file */
			ex = one(facts, pc, port, id, nm, plan, pass == 1, ret_changed);
			if (ex != RESULT_OK)
				return ex;
		}
	}
	return RESULT_OK;
}

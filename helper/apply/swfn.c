/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A switchdev VF's devlink port function (swfn.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"

#include "apply/swfn.h"
#include "apply/live.h"

/* The first port function key the VF's port does not report, or -1. */
int swfn_missing(const struct dlport *port, const struct vf_portfn *fn)
{
	for (enum portfn_key k = 0; k < _PORTFN_KEY_MAX; k++) {
		bool has = k == PORTFN_HW_ADDR	    ? port->has_hw_addr
			   : k == PORTFN_MAX_IO_EQS ? port->has_max_io_eqs
						    : port->caps_reported & (1u << PORTFN_CAP(k));

		if (fn->set & (1u << k) && !has && !(k == PORTFN_HW_ADDR && !fn->hw_addr))
			return (int)k;
	}
	return -1;
}

enum result swfn_refuse(const struct policy *p, const char *where, const char *drv,
			const struct vf_portfn *fn, int k)
{
	return log_error(
		   "%s:%u: %s: port_function %s, but the PF's driver (%s) does not report it for the VF's devlink port; nothing changed",
		   p->path, fn->line[k], where, swcfg_portfn_key_to_string(k), drv),
	       RESULT_POLICY;
}

enum result swfn_vf(const struct pf_facts *facts, const struct pf_plan_config *pc, unsigned index,
		    const struct vf_config *vc, const uint8_t *mac, const char *where,
		    struct plan *plan)
{
	const struct live_ports *ports = live_ports_of(facts);
	const struct policy *p = pc->policy;
	static const struct vf_portfn stable = { .set = 1u << PORTFN_HW_ADDR, .hw_addr = true };
	const struct vf_portfn *fn = &vc->portfn;
	bool explicit = vc->set & VF_KEY_BIT(VF_KEY_PORT_FUNCTION);
	const struct dlport *port;
	int r, k;

	if (!(p->set & (1u << PF_KEY_ESWITCH)) || p->eswitch != ESWITCH_SWITCHDEV ||
	    (!explicit && !mac))
		return RESULT_OK;
	r = live_ports(facts, false, &ports);
	port = r >= 0 ? dlport_find_vf(ports->v, ports->n, index) : NULL;
	/* The stable MAC goes in as the function's hw_addr only where the port reports one. */
	if (!explicit)
		fn = &stable;
	if (!port || (!explicit && !port->has_hw_addr))
		return explicit	     ? log_error("%s:%u: %s: port_function, but %s", p->path,
						 vc->line[VF_KEY_PORT_FUNCTION], where,
						 r < 0 ? dlport_why(r, ports->msg)
						       : "the VF has no devlink port"),
		       RESULT_DEVICE : RESULT_OK;
	k = swfn_missing(port, fn);
	if (k >= 0)
		return swfn_refuse(p, where, facts->driver, fn, k);
	for (k = 0; k < _PORTFN_KEY_MAX; k++) {
		struct dlport_fn_set set = { .port = port->index };
		char old[32], new[32], what[64], msg[256] = "";

		if (!(fn->set & (1u << k)))
			continue;
		if (k == PORTFN_HW_ADDR) {
			if (!fn->hw_addr || !mac || !memcmp(port->hw_addr, mac, 6))
				continue;
			set.attr = DLPORT_FN_HW_ADDR;
			memcpy(set.hw_addr, mac, 6);
			mac_format(port->hw_addr, old);
			mac_format(mac, new);
		} else if (k == PORTFN_MAX_IO_EQS) {
			if (port->max_io_eqs == fn->max_io_eqs)
				continue;
			set.attr = DLPORT_FN_MAX_IO_EQS;
			set.max_io_eqs = fn->max_io_eqs;
			snprintf(old, sizeof(old), "%" PRIu32, port->max_io_eqs);
			snprintf(new, sizeof(new), "%" PRIu32, fn->max_io_eqs);
		} else {
			bool on = port->caps & (1u << PORTFN_CAP(k));

			if (on == fn->cap[PORTFN_CAP(k)])
				continue;
			set.attr = DLPORT_FN_CAP;
			set.cap = PORTFN_CAP(k);
			set.on = !on;
			snprintf(old, sizeof(old), "%s", on ? "true" : "false");
			snprintf(new, sizeof(new), "%s", on ? "false" : "true");
		}
		snprintf(what, sizeof(what), "port_function %s", swcfg_portfn_key_to_string(k));
		if (!plan_diff(plan, where, what, old, new))
			continue;
		r = dlport_fn_set(&ports->dev, &set, msg, sizeof(msg));
		if (r < 0)
			return log_error("%s: cannot set %s %s: %s", where, what, new,
					 dlport_why(r, msg)),
			       RESULT_DEVICE;
		log_info("%s: %s %s -> %s", where, what, old, new);
	}
	return RESULT_OK;
}

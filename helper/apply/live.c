/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "shared/log.h"

#include "apply/live.h"

/* Facts without a run's reads (a bug): nothing to show, and nothing kept. */
static const struct live_ports none = { .read = true, .err = -EINVAL };

void live_forget(struct pf_live *l)
{
	if (!l)
		return;
	link_state_done(&l->vf_table);
	l->vf_table_read = false;
}

static void ports_done(struct live_ports *p)
{
	free(p->v);
	*p = (struct live_ports){};
}

void live_done(struct pf_live *l)
{
	live_forget(l);
	ports_done(&l->ports);
}

const struct live_ports *live_ports_of(const struct pf_facts *f)
{
	return f->live ? &f->live->ports : &none;
}

int live_ports(const struct pf_facts *f, bool fresh, const struct live_ports **ret)
{
	struct live_ports *p;

	*ret = live_ports_of(f);
	if (!f->live)
		return log_error_errno(EINVAL, "%s: no run context to read its ports into (a bug)",
				       f->addr);
	p = &f->live->ports;
	if (p->read && !fresh)
		return p->err;
	ports_done(p);
	snprintf(p->dev.bus, sizeof(p->dev.bus), "%s", f->bus);
	snprintf(p->dev.name, sizeof(p->dev.name), "%s", f->addr);
	p->err = dlport_vf_ports(&p->dev, &p->v, &p->n, p->msg, sizeof(p->msg));
	p->read = true;
	return p->err;
}

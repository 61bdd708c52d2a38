/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/util.h"

#include "apply/vfports.h"

struct vfports vfports;

void vfports_close(void)
{
	free(vfports.v);
	vfports.v = NULL;
	vfports.n = 0;
	vfports.read = false;
}

int vfports_read(const struct pf_facts *f, bool fresh)
{
	if (vfports.read && !fresh && streq(vfports.dev.bus, f->bus) &&
	    streq(vfports.dev.name, f->addr))
		return vfports.err;
	vfports_close();
	snprintf(vfports.dev.bus, sizeof(vfports.dev.bus), "%s", f->bus);
	snprintf(vfports.dev.name, sizeof(vfports.dev.name), "%s", f->addr);
	vfports.msg[0] = '\0';
	vfports.err =
	    dlport_vf_ports(&vfports.dev, &vfports.v, &vfports.n, vfports.msg, sizeof(vfports.msg));
	vfports.read = true;
	return vfports.err;
}

const char *vfports_why(int r, const char *msg)
{
	static char buf[320];

	if (msg[0])
		snprintf(buf, sizeof(buf), "%s (%s)", msg, strerror(-r));
	else
		snprintf(buf, sizeof(buf), "%s", strerror(-r));
	return buf;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The udev properties of an event, as data (udevprops.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/udevprops.h"

void udev_props_add(struct udev_props *p, const char *key, const char *fmt, ...)
{
	struct udev_prop *items;
	va_list ap;
	char *value;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (r < 0) {
		p->oom = true;
		return;
	}
	items = realloc(p->items, (p->n + 1) * sizeof(*items));
	if (!items) {
		free(value);
		p->oom = true;
		return;
	}
	p->items = items;
	p->items[p->n++] = (struct udev_prop){ .key = key, .value = value };
}

void udev_props_done(struct udev_props *p)
{
	for (unsigned i = 0; i < p->n; i++)
		free(p->items[i].value);
	free(p->items);
	*p = (struct udev_props){};
}

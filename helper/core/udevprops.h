/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "shared/macro.h"

/*
 * The udev properties an event gives its device (the rules IMPORT{program} them): a VF's PF,
 * index and network manager, a vfio node's links, owner and mode. Data, like the plan: the
 * steps add them, the command layer prints them (output_udev_props()).
 */
struct udev_props {
	struct udev_prop {
		const char *key; /* VIO_..., a string constant */
		char *value;
	} * items;
	unsigned n;
	bool oom; /* one could not be added: the command says so instead of printing a part */
};

_printf_(3, 4) void udev_props_add(struct udev_props *p, const char *key, const char *fmt, ...);
void udev_props_done(struct udev_props *p);

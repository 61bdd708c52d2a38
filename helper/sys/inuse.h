/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sys/pcidev.h"

/* Why the device may not be torn down (returns 1 with a description), or 0: a driver's
 * device node open, a mounted namespace, an interface that is up, ... (inuse.c). */
int inuse_pcidev(const struct pcidev *d, char **ret_why);

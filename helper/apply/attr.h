/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sys/pcidev.h"

/* One sysfs write, logged as "DEV: attr old -> new", or its failure as "cannot set ...". */
int attr_write(const struct pcidev *d, const char *attr, const char *old, const char *new);

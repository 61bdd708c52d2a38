/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

#include "core/plan.h"
#include "core/udevprops.h"

/* The plan's items as people read them, one a line ("DEV: would set WHAT OLD -> NEW" in a dry
 * run, "DEV: WHAT is OLD, policy wants NEW" in check); names escaped as the logs do. */
void output_plan_text(FILE *f, enum plan_mode mode, const struct plan_item *items, unsigned n);
/* The same items as a JSON array of objects (vio(8): check --json). */
void output_plan_json(FILE *f, const struct plan_item *items, unsigned n);
/* Prints what the plan recorded so far as text, and drops it. */
void output_plan_flush(FILE *f, struct plan *p);
/* The properties as udev's IMPORT{program} reads them, KEY=value lines; nothing at all when
 * one could not be recorded (udev takes what it is given, so a part would mislead). */
void output_udev_props(FILE *f, const struct udev_props *p);

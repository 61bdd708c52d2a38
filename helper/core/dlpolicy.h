/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The policy's devlink groups, parsed with file:line: the PF's parameters (devlink = { name =
 * value; }) and rate groups (rate_groups = { NAME = { ... }; }), a VF's rate (rate = { ... })
 * and port function (port_function = { ... }).
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/swcfg.h"

struct policy;
struct conf_node;

/* Parse a group into *ret (keys merged into what it holds); false after an error. */
bool dlpolicy_parse_rate(struct policy *p, const struct conf_node *g, struct vf_rate *ret);
bool dlpolicy_parse_portfn(struct policy *p, const struct conf_node *g, struct vf_portfn *ret);
bool dlpolicy_parse_groups(struct policy *p, const struct conf_node *g);
void dlpolicy_parse_params(struct policy *p, const struct conf_node *g);

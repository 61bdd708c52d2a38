/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/conf.h"
#include "core/policy.h"

/* The sections of a file's root into p; problems logged as file:line, counted in p. -ENOMEM
 * only. */
int parse_policy(struct policy *p, const struct conf_node *root);

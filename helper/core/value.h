/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "shared/macro.h"

#include "core/conf.h"
#include "core/policy.h"

/* "file:line: message", logged and counted in p->n_errors. */
_printf_(3, 4) void value_error(struct policy *p, unsigned line, const char *fmt, ...);
unsigned value_line(const struct conf_node *s);
/* "an integer", "a string": a conf_type as messages name it. */
const char *value_type_name(int t);
/* Each false after saying what is wrong with s ("'vlan' must be an integer, not a string"). */
bool value_type(struct policy *p, const struct conf_node *s, int type, const char *what);
bool value_uint(struct policy *p, const struct conf_node *s, unsigned lo, unsigned hi,
		unsigned *ret);
bool value_bool(struct policy *p, const struct conf_node *s, bool *ret);
/* NULL after saying so when s is not a string. */
const char *value_string(struct policy *p, const struct conf_node *s);
bool value_mac(struct policy *p, const struct conf_node *s, uint8_t ret[static 6]);
/* One of the names name_of(0), name_of(1), ... (until NULL): its number in *ret. */
bool value_choice(struct policy *p, const struct conf_node *s, const char *(*name_of)(int),
		  int *ret);
/* The checks of values parse.c takes as strings. */
bool value_managed_by_valid(const char *v);
/* A managed_by value (as value_string), checked; NULL after an error. */
const char *value_managed_by(struct policy *p, const struct conf_node *s);
bool value_account_name_valid(const char *v);
bool value_mode_parse(const char *v, unsigned *ret);
/* An amount of memory: an integer (bytes) or a string such as "4G" (powers of 1024), > 0. */
bool value_bytes(struct policy *p, const struct conf_node *s, uint64_t *ret);

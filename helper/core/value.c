/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A policy key's value as parse.c wants it, or an error naming file:line and the key. */
#include <stdarg.h>
#include <stdio.h>

#include "shared/log.h"
#include "shared/util.h"

#include "core/value.h"

void value_error(struct policy *p, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s:%u: %s", p->path, line, msg);
	p->n_errors++;
}

unsigned value_line(const struct conf_node *s)
{
	return conf_line(s);
}

const char *value_type_name(int t)
{
	switch (t) {
	case CONF_INT:
		return "an integer";
	case CONF_FLOAT:
		return "a decimal number";
	case CONF_STRING:
		return "a string";
	case CONF_BOOL:
		return "true or false";
	case CONF_GROUP:
		return "a group { }";
	default:
		return "a list";
	}
}

bool value_type(struct policy *p, const struct conf_node *s, int type, const char *what)
{
	int t = conf_type(s);

	if (t == type)
		return true;
	value_error(p, value_line(s), "'%s' must be %s, not %s", conf_name(s), what,
		    value_type_name(t));
	return false;
}

bool value_uint(struct policy *p, const struct conf_node *s, unsigned lo, unsigned hi,
		unsigned *ret)
{
	long long v;

	if (!value_type(p, s, CONF_INT, "an integer"))
		return false;
	v = conf_int(s);
	if (v < lo || v > hi) {
		value_error(p, value_line(s), "'%s' is %lld, must be %u..%u", conf_name(s), v, lo,
			    hi);
		return false;
	}
	*ret = (unsigned)v;
	return true;
}

bool value_bool(struct policy *p, const struct conf_node *s, bool *ret)
{
	if (!value_type(p, s, CONF_BOOL, "true or false"))
		return false;
	*ret = conf_bool(s);
	return true;
}

const char *value_string(struct policy *p, const struct conf_node *s)
{
	if (!value_type(p, s, CONF_STRING, "a string"))
		return NULL;
	return conf_string(s);
}

bool value_mac(struct policy *p, const struct conf_node *s, uint8_t ret[static 6])
{
	const char *v = value_string(p, s);

	if (!v)
		return false;
	if (mac_parse(v, ret) < 0) {
		value_error(p, value_line(s),
			    "'%s' = \"%s\" is not a MAC address (xx:xx:xx:xx:xx:xx)", conf_name(s),
			    v);
		return false;
	}
	return true;
}

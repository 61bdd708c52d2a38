/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A policy key's value as parse.c wants it, or an error naming file:line and the key. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A reverse-domain ID ("org.example.Agent") or one of the names vio knows. */
bool value_managed_by_valid(const char *v)
{
	if (streq(v, "host") || streq(v, "none") || streq(v, "networkd") ||
	    streq(v, "NetworkManager"))
		return true;
	return strlen(v) < MANAGED_BY_MAX && strchr(v, '.') && v[0] != '.' &&
	       v[strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] ==
		   '\0';
}

const char *value_managed_by(struct policy *p, const struct conf_node *s)
{
	const char *v = value_string(p, s);

	if (v && !value_managed_by_valid(v)) {
		value_error(
		    p, value_line(s),
		    "%s = \"%s\": must be \"host\", \"none\", \"networkd\", \"NetworkManager\" or a manager's ID such as \"org.example.Agent\"",
		    conf_name(s), v);
		return NULL;
	}
	return v;
}

/* What udev takes for OWNER= and GROUP= (it resolves the name itself). */
bool value_account_name_valid(const char *v)
{
	return v[0] && v[0] != '-' && strlen(v) < ACCOUNT_NAME_MAX &&
	       v[strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] ==
		   '\0';
}

/* An octal file mode, "0660" or "660". */
bool value_mode_parse(const char *v, unsigned *ret)
{
	size_t n = strlen(v);

	if (n < 3 || n > 4 || v[strspn(v, "01234567")] != '\0' || (n == 4 && v[0] != '0'))
		return false;
	*ret = (unsigned)strtoul(v, NULL, 8);
	return true;
}

bool value_bytes(struct policy *p, const struct conf_node *s, uint64_t *ret)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *str, *u;
	char *end;

	if (conf_type(s) == CONF_INT) {
		if (conf_int(s) < 1) {
			value_error(p, value_line(s), "'%s' is %lld, must be at least 1 (bytes)",
				    conf_name(s), conf_int(s));
			return false;
		}
		*ret = (uint64_t)conf_int(s);
		return true;
	}
	str = value_string(p, s);
	if (!str)
		return false;
	errno = 0;
	v = str[0] >= '0' && str[0] <= '9' ? strtoull(str, &end, 10) : 0;
	u = v && !errno ? strchr(units, *end) : NULL;
	if (u && *end)
		for (const char *x = units; x <= u; x++) {
			if (v > UINT64_MAX / 1024) {
				v = 0;
				break;
			}
			v *= 1024;
		}
	if (!v || errno || (*end && (!u || end[1]))) {
		value_error(p, value_line(s),
			    "%s = \"%s\": bytes, or a number with K, M, G or T (powers of 1024)",
			    conf_name(s), str);
		return false;
	}
	*ret = v;
	return true;
}

bool value_choice(struct policy *p, const struct conf_node *s, const char *(*name_of)(int),
		  int *ret)
{
	const char *v = value_string(p, s);
	char names[256] = "";
	size_t n = 0;
	int i;

	if (!v)
		return false;
	for (i = 0; name_of(i); i++)
		if (streq(v, name_of(i))) {
			*ret = i;
			return true;
		}
	/* "a", "b" or "c" */
	for (int j = 0; j < i && n < sizeof(names); j++)
		n += snprintf(names + n, sizeof(names) - n, "%s\"%s\"",
			      !j	   ? ""
			      : j == i - 1 ? " or "
					   : ", ",
			      name_of(j));
	value_error(p, value_line(s), "%s = \"%s\": must be %s", conf_name(s), v, names);
	return false;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a policy file with libconfig: every libconfig call is here; parse.c judges keys. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "shared/log.h"
#include "shared/util.h"

#include "core/conf.h"

static void libconfig_destroyp(config_t *c)
{
	config_destroy(c);
}

/* libconfig's settings, as conf.h names them. */
static const config_setting_t *S(const struct conf_node *n)
{
	return (const config_setting_t *)n;
}

static const struct conf_node *N(const config_setting_t *s)
{
	return (const struct conf_node *)s;
}

const char *conf_name(const struct conf_node *n)
{
	return config_setting_name(S(n));
}

unsigned conf_line(const struct conf_node *n)
{
	return config_setting_source_line(S(n));
}

enum conf_type conf_type(const struct conf_node *n)
{
	switch (config_setting_type(S(n))) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return CONF_INT;
	case CONFIG_TYPE_FLOAT:
		return CONF_FLOAT;
	case CONFIG_TYPE_STRING:
		return CONF_STRING;
	case CONFIG_TYPE_BOOL:
		return CONF_BOOL;
	case CONFIG_TYPE_GROUP:
		return CONF_GROUP;
	default:
		return CONF_LIST;
	}
}

int conf_length(const struct conf_node *n)
{
	return config_setting_length(S(n));
}

const struct conf_node *conf_elem(const struct conf_node *n, int i)
{
	return N(config_setting_get_elem(S(n), i));
}

const struct conf_node *conf_member(const struct conf_node *n, const char *name)
{
	return N(config_setting_get_member(S(n), name));
}

long long conf_int(const struct conf_node *n)
{
	return config_setting_get_int64(S(n));
}

bool conf_bool(const struct conf_node *n)
{
	return config_setting_get_bool(S(n));
}

const char *conf_string(const struct conf_node *n)
{
	return config_setting_get_string(S(n));
}

/* libconfig 1.5 (Debian 12) reads a plain integer past 32 bits modulo 2^32, without a word
 * ("vlan = 4294967297;" is VLAN 1); 1.7 makes it a 64-bit one. A 32-bit setting whose name is
 * followed on its line by a literal that does not fit is an error, not a value nobody wrote. */
static int int_literal_check(const char *path, const char *text, const config_setting_t *s)
{
	const char *name = config_setting_name(s), *p = text, *end;
	unsigned line = (unsigned)config_setting_source_line(s);

	if (!name || !line)
		return 0;
	for (unsigned l = 1; l < line && p; l++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		return 0;
	end = strchrnul(p, '\n');
	for (const char *q = p; (q = memmem(q, end - q, name, strlen(name))); q++) {
		const char *v = q + strlen(name), *d;
		long long lit;
		char *e;

		if (q > p && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
			continue;
		v += strspn(v, " \t");
		if (*v != '=' && *v != ':')
			continue;
		v += 1 + strspn(v + 1, " \t");
		d = v + (*v == '-' || *v == '+');
		errno = 0;
		lit = strtoll(v, &e, d[0] == '0' && (d[1] == 'x' || d[1] == 'X') ? 16 : 10);
		if (e == v || *e == 'L' || *e == 'l')
			continue;
		if (errno || lit < INT32_MIN || lit > INT32_MAX)
			return log_error(
				   "%s:%u: '%s' = %.*s does not fit in 32 bits: write it with an L suffix (%.*sL)",
				   path, line, name, (int)(e - v), v, (int)(e - v), v),
			       -EBADMSG;
	}
	return 0;
}

static int int_literals_check(const char *path, const char *text, const config_setting_t *g)
{
	int n = config_setting_length(g), r = 0;

	/* The first one found is said; the file is refused whole, as for a syntax error. */
	for (int i = 0; i < n && r == 0; i++) {
		const config_setting_t *s = config_setting_get_elem(g, i);

		if (config_setting_is_aggregate(s))
			r = int_literals_check(path, text, s);
		else if (config_setting_type(s) == CONFIG_TYPE_INT)
			r = int_literal_check(path, text, s);
	}
	return r;
}

int conf_read(const char *path, const char *buf, size_t len,
	      int (*fn)(const struct conf_node *root, void *userdata), void *userdata)
{
	_cleanup_(libconfig_destroyp) config_t cfg;
	_cleanup_free_ char *copy = NULL;

	config_init(&cfg); /* before anything can return */
	copy = strndup(buf, len);
	if (!copy)
		return -ENOMEM;
	if (!config_read_string(&cfg, copy)) {
		log_error("%s:%d: %s", path, config_error_line(&cfg), config_error_text(&cfg));
		return -EBADMSG;
	}
	if (int_literals_check(path, copy, config_root_setting(&cfg)) < 0)
		return -EBADMSG;
	return fn(N(config_root_setting(&cfg)), userdata);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a policy file with libconfig: every libconfig call is here; parse.c judges keys. */
#include <errno.h>
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
	return fn(N(config_root_setting(&cfg)), userdata);
}

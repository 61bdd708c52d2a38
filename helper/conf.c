/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a policy file with libconfig: every libconfig call is here; parse.c judges keys. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "shared/log.h"
#include "shared/util.h"
#include "conf.h"
#include "policy.h"
#include "policyfile.h"

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

/* A line that starts with @include: libconfig would read another file; we never want that. */
struct policy *conf_new(const char *path)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->path = strdup(path);
	if (!p->path) {
		free(p);
		return NULL;
	}
	p->match = _PF_MATCH_INVALID;
	return p;
}

struct policy *conf_parse_buffer(const char *path, const char *buf, size_t len)
{
	_cleanup_(libconfig_destroyp) config_t cfg;
	_cleanup_(policy_freep) struct policy *p = NULL;
	_cleanup_free_ char *copy = NULL;
	const config_setting_t *root;
	int n;

	config_init(&cfg); /* before anything can return */
	p = conf_new(path);
	if (!p)
		return NULL;

	if (policy_text_check(path, buf, len) < 0) {
		p->broken = true;
		return TAKE_PTR(p);
	}

	copy = strndup(buf, len);
	if (!copy)
		return NULL;
	if (!config_read_string(&cfg, copy)) {
		log_error("%s:%d: %s", path, config_error_line(&cfg), config_error_text(&cfg));
		p->broken = true;
		return TAKE_PTR(p);
	}

	root = config_root_setting(&cfg);
	n = config_setting_length(root);
	if (n == 0) {
		log_error("%s:1: empty policy: needs a 'pf' section", path);
		p->broken = true;
		return TAKE_PTR(p);
	}

	if (policy_parse_root(p, N(root)) < 0)
		return NULL;
	return TAKE_PTR(p);
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	free(p->path);
	free(p->sections);
	free(p->devlink);
	if (!p->in_block)
		free(p);
}

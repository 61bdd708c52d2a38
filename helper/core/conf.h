/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A setting of a policy file as libconfig read it: conf.c is all vio knows of libconfig. */
struct conf_node;

enum conf_type {
	CONF_INT,
	CONF_FLOAT,
	CONF_STRING,
	CONF_BOOL,
	CONF_GROUP,
	CONF_LIST, /* libconfig's arrays and lists */
};

const char *conf_name(const struct conf_node *n);
unsigned conf_line(const struct conf_node *n);
enum conf_type conf_type(const struct conf_node *n);
int conf_length(const struct conf_node *n);
const struct conf_node *conf_elem(const struct conf_node *n, int i);
const struct conf_node *conf_member(const struct conf_node *n, const char *name);
long long conf_int(const struct conf_node *n);
bool conf_bool(const struct conf_node *n);
const char *conf_string(const struct conf_node *n);

/* Reads buf (the text of the file path) and calls fn with its root setting, returning what fn
 * returns; -EBADMSG when it is not libconfig syntax (logged as "path:line: message"). */
int conf_read(const char *path, const char *buf, size_t len,
	      int (*fn)(const struct conf_node *root, void *userdata), void *userdata);

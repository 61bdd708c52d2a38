/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vio convert: a viod policy (INI: [pf] with name, kind, vfs, promisc; [vfN] with driver, mac,
 * vlan) printed as the equivalent libconfig policy, comments kept where they stood. What has
 * no equivalent is said on stderr and left in the output as a comment.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"
#include "convert.h"
#include "policyfile.h"

static char *strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static bool is_number(const char *v)
{
	return *v && strspn(v, "0123456789") == strlen(v) && strlen(v) < 10;
}

/* A libconfig string literal. */
static void put_string(FILE *out, const char *v)
{
	fputc('"', out);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', out);
		fputc(*v, out);
	}
	fputc('"', out);
}

static int bool_of(const char *v)
{
	static const char *const yes[] = { "on", "true", "yes", "1" }, *const no[] = { "off",
										       "false",
										       "no", "0" };

	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

struct conv {
	const char *path;
	FILE *out;
	unsigned unconverted;
	bool in_section;
};

static void unconvertible(struct conv *c, unsigned line, const char *section, const char *key,
			  const char *value, const char *why)
{
	log_warning("%s:%u: [%s] %s = %s: %s; left as a comment", c->path, line, section, key,
		    value, why);
	fprintf(c->out, "  # viod: %s = %s (%s)\n", key, value, why);
	c->unconverted++;
}

static void convert_key(struct conv *c, unsigned line, const char *section, const char *key,
			const char *value)
{
	bool pf = streq(section, "pf");
	int b;

	if (pf && (streq(key, "name") || streq(key, "kind"))) {
		fprintf(c->out, "  %s = ", key);
		put_string(c->out, value);
		fputs(";\n", c->out);
	} else if ((pf && streq(key, "vfs")) || (!pf && streq(key, "vlan"))) {
		if (!is_number(value) && !(pf && streq(value, "max")))
			return unconvertible(c, line, section, key, value, "not a number");
		if (is_number(value))
			fprintf(c->out, "  %s = %s;\n", key, value);
		else
			fprintf(c->out, "  %s = \"max\";\n", key);
	} else if (pf && streq(key, "promisc")) {
		b = bool_of(value);
		if (b < 0)
			return unconvertible(c, line, section, key, value, "not on or off");
		fprintf(c->out, "  promisc = %s;\n", b ? "true" : "false");
	} else if (!pf && (streq(key, "driver") || streq(key, "mac"))) {
		fprintf(c->out, "  %s = ", key);
		put_string(c->out, value);
		fputs(";\n", c->out);
	} else {
		unconvertible(c, line, section, key, value, "vio has no such key");
	}
}

/* Comments (and blank lines) wait for what follows them: a key keeps them in its group, a new
 * section before its group. */
static void flush(FILE *out, char **pending, size_t *n, bool indent)
{
	for (size_t i = 0; i < *n; i++) {
		if (pending[i][0])
			fprintf(out, "%s# %s\n", indent ? "  " : "", pending[i]);
		else
			fputc('\n', out);
	}
	*n = 0;
}

int convert_viod(const char *path, FILE *out)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char **pending = NULL;
	struct conv c = { .path = path, .out = out };
	char section[32] = "", *l, *next;
	size_t len, n_pending = 0;
	unsigned line = 0;
	int r;

	r = policy_file_read(path, &buf, &len);
	if (r < 0)
		return r;			     /* said */
	pending = calloc(len + 1, sizeof(*pending)); /* at most one per line */
	if (!pending)
		return -ENOMEM;
	fprintf(out, "# Converted from viod's %s by vio convert; see vio.conf(5).\n", path);
	for (l = buf; l && *l; l = next) {
		char *s, *eq;

		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		line++;
		s = strip(l);
		if (!*s || *s == '#' || *s == ';') {
			pending[n_pending++] = *s ? strip(s + 1) : s;
			continue;
		}
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (!end || end[1] || end - s - 1 >= (long)sizeof(section) ||
			    (!strneq(s + 1, "pf]", 3) &&
			     !(strneq(s + 1, "vf", 2) && end - s > 3 &&
			       strspn(s + 3, "0123456789") == (size_t)(end - s - 3))))
				return log_error_errno(
				    EINVAL, "%s:%u: '%s': not a viod section ([pf] or [vfN])", path,
				    line, s);
			if (c.in_section)
				fputs("};\n", out);
			flush(out, pending, &n_pending, false);
			snprintf(section, sizeof(section), "%.*s", (int)(end - s - 1), s + 1);
			fprintf(out, "%s = {\n", section);
			c.in_section = true;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq || !c.in_section)
			return log_error_errno(EINVAL, "%s:%u: '%s': not key = value in a section",
					       path, line, s);
		*eq = '\0';
		flush(out, pending, &n_pending, true);
		convert_key(&c, line, section, strip(s), strip(eq + 1));
	}
	if (c.in_section)
		fputs("};\n", out);
	flush(out, pending, &n_pending, false);
	if (c.unconverted)
		log_warning("%s: %u setting%s without a vio equivalent, left as comments", path,
			    c.unconverted, c.unconverted == 1 ? "" : "s");
	return 0;
}

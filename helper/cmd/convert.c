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

#include "cmd/convert.h"
#include "core/policy.h"
#include "core/policyfile.h"

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

/* What convert reads: a file any user may read (nothing is applied), or standard input. */
#define CONVERT_MAX (1 << 20)

static int read_input(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_fclose_ FILE *opened = NULL;
	_cleanup_free_ char *buf = NULL;
	FILE *f = stdin;
	size_t len = 0, k;

	if (!streq(path, "-")) {
		f = opened = fopen(path, "re");
		if (!f)
			return log_error_errno(errno, "%s: cannot open: %m", path);
	}
	buf = malloc(CONVERT_MAX + 2);
	if (!buf)
		return log_oom();
	while ((k = fread(buf + len, 1, CONVERT_MAX + 1 - len, f)) > 0)
		len += k;
	if (ferror(f))
		return log_error_errno(EIO, "%s: cannot read: %m", path);
	if (len > CONVERT_MAX)
		return log_error_errno(EFBIG, "%s: larger than %d bytes: not a viod policy", path,
				       CONVERT_MAX);
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/* A value's inline comment ("vfs = 4  # four"), which INI files put after the value. */
static char *inline_comment(char *v)
{
	for (char *p = v; *p; p++)
		if ((*p == '#' || *p == ';') && p > v && isspace((unsigned char)p[-1])) {
			*p = '\0';
			return strip(p + 1);
		}
	return NULL;
}

struct seen {
	char name[32];
	unsigned line;
};

static int convert_text(const char *path, char *buf, size_t len, FILE *out, bool *ret_pf)
{
	_cleanup_free_ char **pending = NULL;
	_cleanup_free_ struct seen *seen = NULL;
	struct conv c = { .path = path, .out = out };
	char section[32] = "", *l, *next;
	size_t n_pending = 0, n_seen = 0;
	unsigned line = 0;

	pending = calloc(len + 1, sizeof(*pending)); /* at most one per line */
	seen = calloc(len + 1, sizeof(*seen));
	if (!pending || !seen)
		return log_oom();
	fprintf(out, "# Converted from viod's %s by vio convert; see vio.conf(5).\n",
		streq(path, "-") ? "standard input" : path);
	for (l = buf; l && *l; l = next) {
		char *s, *eq, *comment;

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
			snprintf(section, sizeof(section), "%.*s", (int)(end - s - 1), s + 1);
			for (size_t k = 0; k < n_seen; k++)
				if (streq(seen[k].name, section))
					return log_error_errno(
					    EINVAL,
					    "%s:%u: [%s] again (first at line %u): merge them",
					    path, line, section, seen[k].line);
			snprintf(seen[n_seen].name, sizeof(seen[0].name), "%s", section);
			seen[n_seen++].line = line;
			*ret_pf |= streq(section, "pf");
			if (c.in_section)
				fputs("};\n", out);
			flush(out, pending, &n_pending, false);
			fprintf(out, "%s = {\n", section);
			c.in_section = true;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq || !c.in_section)
			return log_error_errno(EINVAL, "%s:%u: '%s': not key = value in a section",
					       path, line, s);
		*eq = '\0';
		comment = inline_comment(eq + 1);
		flush(out, pending, &n_pending, true);
		if (comment && *comment)
			fprintf(out, "  # %s\n", comment);
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

int convert_viod(const char *path, FILE *out)
{
	_cleanup_free_ char *buf = NULL, *text = NULL, *label = NULL;
	struct policy *p = NULL;
	size_t len = 0, text_len = 0;
	bool has_pf = false;
	const char *nul;
	FILE *mem;
	long bad;
	int r;

	r = read_input(path, &buf, &len);
	if (r < 0)
		return r;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) { /* a byte order mark: not text */
		memmove(buf, buf + 3, len - 2);
		len -= 3;
	}
	nul = memchr(buf, '\0', len);
	if (nul) {
		unsigned line = 1;

		for (const char *q = buf; q < nul; q++)
			line += *q == '\n';
		return log_error_errno(EINVAL, "%s:%u: a NUL byte: not a viod policy (a text file)",
				       path, line);
	}
	bad = utf8_check(buf, len);
	if (bad < 0)
		return log_error_errno(
		    EINVAL,
		    "%s:%ld: not UTF-8, as vio reads its policy files; convert the file's encoding first (iconv)",
		    path, -bad);

	/* Printed whole, or not at all: a partial policy on stdout is worse than none. */
	mem = open_memstream(&text, &text_len);
	if (!mem)
		return log_oom();
	r = convert_text(path, buf, len, mem, &has_pf);
	if (fclose(mem) != 0 && r >= 0)
		r = log_oom();
	if (r < 0)
		return r;
	if (!has_pf)
		return log_error_errno(EINVAL, "%s: no [pf] section: nothing to convert", path);
	/* What convert prints passes vio check: read back by the policy reader itself. */
	if (asprintf(&label, "%s (converted)", path) < 0)
		return log_oom();
	p = policy_file_parse(label, text, text_len);
	if (!p)
		return log_oom();
	r = p->broken || p->n_errors ? -EINVAL : 0;
	policy_free(p);
	if (r < 0)
		return log_error_errno(
		    r, "%s: the converted policy would not pass vio check (above); nothing printed",
		    path);
	fwrite(text, 1, text_len, out);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cache of policy files' match keys that events read instead of every file (policycache.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/util.h"

#include "core/policycache.h"
#include "state/lock.h"
#include "state/runtime.h"

struct policy_cache;
void policy_cache_close(struct policy_cache *c);

/* "DIR NAME IDENTITY N_ERRORS MATCH VALUE\n"; IDENTITY hashes the file's device, inode, size,
 * mtime and ctime (a write changes ctime, and only root can set it back). A file changed in the
 * last second gets RACY, which never matches: the kernel stamps times from a clock that ticks
 * each jiffy, so a second same-size write within one tick would leave the identity as it was. */
struct cache_line {
	unsigned dir;
	const char *name;
	char identity[17]; /* 16 hex digits */
	unsigned n_errors;
	int match;
	char value[32];
};

struct policy_cache {
	char path[PATH_MAX];
	char *text; /* the file as read: the old lines point into it */
	struct cache_line *old, *new;
	unsigned n_old, n_new, cursor;
	size_t alloc_old, alloc_new;
	bool dirty, failed; /* failed: out of memory, not written */
};

#define CACHE_MAGIC "vio-policy-cache 2\n"
#define RACY	    "0000000000000000"

static unsigned long long fnv1a(unsigned long long h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

void policy_cache_identity(const struct stat *st, char ret[static 17])
{
	static const char hex[] = "0123456789abcdef";
	unsigned long long v[] = { st->st_dev,	       st->st_ino,	    st->st_size,
				   st->st_mtim.tv_sec, st->st_mtim.tv_nsec, st->st_ctim.tv_sec,
				   st->st_ctim.tv_nsec };
	unsigned long long h = 0;
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0 || st->st_ctim.tv_sec >= now.tv_sec - 1) {
		memcpy(ret, RACY, sizeof(RACY));
		return;
	}
	/* A word at a time, each mixed in (not cryptographic: a change of any field shows). */
	for (size_t i = 0; i < ELEMENTSOF(v); i++) {
		h = (h ^ v[i]) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 31;
	}
	for (int i = 15; i >= 0; i--, h >>= 4)
		ret[i] = hex[h & 15];
	ret[16] = '\0';
}

/* One number (base 10, or 16) and the space after it. By hand: an event reads a few per
 * policy file, and strtoll costs ten times as much. */
static bool next_num(char **s, unsigned base, long long *ret)
{
	const char *p = *s;
	bool neg = *p == '-';
	unsigned long long v = 0;
	unsigned n = 0;

	for (p += neg;; p++, n++) {
		unsigned d = *p >= '0' && *p <= '9'		    ? (unsigned)(*p - '0')
			     : base == 16 && *p >= 'a' && *p <= 'f' ? (unsigned)(*p - 'a' + 10)
								    : 99;

		if (d >= base)
			break;
		if (n >= 19)
			return false;
		v = v * base + d;
	}
	if (n == 0 || (*p != ' ' && *p != '\n'))
		return false;
	*ret = neg ? -(long long)v : (long long)v;
	*s = (char *)p + (*p == ' ');
	return true;
}

/* src into a buffer of n bytes, cut short if need be (snprintf("%s") without its cost). */
static void copy_str(char *dst, const char *src, size_t n)
{
	size_t l = strnlen(src, n - 1);

	memcpy(dst, src, l);
	dst[l] = '\0';
}

static bool parse_line(char **s, struct cache_line *l)
{
	long long dir, errors, match;
	char *name, *id, *value, *nl;

	if (!next_num(s, 10, &dir))
		return false;
	name = *s;
	*s = strchr(*s, ' ');
	if (!*s)
		return false;
	*(*s)++ = '\0';
	id = *s;
	if (strnlen(id, 17) < 17 || id[16] != ' ')
		return false;
	*s += 17;
	if (!next_num(s, 10, &errors) || !next_num(s, 10, &match))
		return false;
	value = *s;
	nl = strchr(value, '\n');
	if (!nl || nl - value >= (long)sizeof(l->value))
		return false;
	*nl = '\0';
	*s = nl + 1;
	*l = (struct cache_line){ .dir = dir, .name = name, .n_errors = errors, .match = match };
	memcpy(l->identity, id, 16);
	copy_str(l->value, value, sizeof(l->value));
	return true;
}

static bool grow(struct cache_line **a, size_t *alloc, unsigned n)
{
	size_t m;
	struct cache_line *t;

	if (n < *alloc)
		return true;
	m = *alloc ? *alloc * 2 : 64;
	t = reallocarray(*a, m, sizeof(*t));
	if (!t)
		return false;
	*a = t;
	*alloc = m;
	return true;
}

int policy_cache_open(const char *const *dirs, struct policy_cache **ret)
{
	_cleanup_free_ struct policy_cache *c = calloc(1, sizeof(*c));
	_cleanup_close_ int fd = -EBADF;
	unsigned long long h = 0xcbf29ce484222325ULL;
	struct stat st;
	size_t len = 0;
	char *s;

	if (!c)
		return -ENOMEM;
	for (unsigned d = 0; dirs[d]; d++)
		h = fnv1a(h, dirs[d], strlen(dirs[d]) + 1);
	snprintf(c->path, sizeof(c->path), "%s/policy-cache.%016llx", runtime_dir(), h);
	fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	/* Only vio's own (root's, not writable by others): it decides which file is parsed. */
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 0022) ||
	    st.st_size > 16 * 1024 * 1024) {
		c->dirty = true; /* (re)written at close */
		*ret = TAKE_PTR(c);
		return 0;
	}
	c->text = malloc(st.st_size + 1);
	if (!c->text)
		goto oom;
	while (len < (size_t)st.st_size) {
		ssize_t k = read(fd, c->text + len, st.st_size - len);

		if (k <= 0)
			break;
		len += k;
	}
	c->text[len] = '\0';
	s = c->text;
	if (len != (size_t)st.st_size || strncmp(s, CACHE_MAGIC, strlen(CACHE_MAGIC))) {
		c->dirty = true;
		*ret = TAKE_PTR(c);
		return 0;
	}
	for (s += strlen(CACHE_MAGIC); *s;) {
		struct cache_line l;

		if (!parse_line(&s, &l)) {
			c->dirty = true; /* damaged: what was read stands, the rest is parsed */
			break;
		}
		if (!grow(&c->old, &c->alloc_old, c->n_old))
			goto oom;
		c->old[c->n_old++] = l;
	}
	*ret = TAKE_PTR(c);
	return 0;
oom:
	c->failed = true;
	policy_cache_close(TAKE_PTR(c));
	return -ENOMEM;
}

bool policy_cache_get(struct policy_cache *c, struct policy_entry *e, const char *id,
		      struct policy *ret)
{
	const struct cache_line *l;

	/* The lines are in the entries' order: one walk over both. */
	while (c->cursor < c->n_old && strcmp(c->old[c->cursor].name, e->name) < 0)
		c->cursor++;
	if (c->cursor >= c->n_old)
		return false;
	l = &c->old[c->cursor];
	if (l->dir != e->dir || memcmp(l->identity, id, 16) || !memcmp(id, RACY, 16) ||
	    !streq(l->name, e->name))
		return false;
	/* The stub takes the entry's path (e->name still points into it: freed with the set). */
	*ret = (struct policy){ .path = TAKE_PTR(e->path),
				.stub = true,
				.in_block = true,
				.n_errors = l->n_errors,
				.match = l->match };
	copy_str(ret->match_value, l->value, sizeof(ret->match_value));
	if (ret->match == PF_MATCH_MAC && mac_parse(l->value, ret->match_mac) < 0)
		ret->match = _PF_MATCH_INVALID;
	return true;
}

void policy_cache_put(struct policy_cache *c, const struct policy_entry *e, const char *id,
		      const struct policy *p)
{
	struct cache_line *l;

	/* Refused files are read every time (a refusal may pass); odd names are not cached. */
	if (!c || p->broken || strpbrk(e->name, " \n") ||
	    strlen(p->match_value) >= sizeof(l->value))
		return;
	if (!p->stub)
		c->dirty = true;
	if (!grow(&c->new, &c->alloc_new, c->n_new)) {
		c->failed = true; /* an incomplete cache is not written */
		return;
	}
	l = &c->new[c->n_new++];
	*l = (struct cache_line){
		.dir = e->dir, .name = e->name, .n_errors = p->n_errors, .match = p->match
	};
	memcpy(l->identity, id, sizeof(l->identity));
	copy_str(l->value, p->match_value[0] ? p->match_value : "-", sizeof(l->value));
}

static void cache_write(struct policy_cache *c)
{
	_cleanup_free_ char *tmp = NULL;
	FILE *f;
	int fd, r;

	if (runtime_mkdir(runtime_dir(), 0755) < 0)
		return;
	if (asprintf(&tmp, "%s.XXXXXX", c->path) < 0)
		return;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return; /* not root, or no runtime directory: every run parses */
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return;
	}
	fputs(CACHE_MAGIC, f);
	for (unsigned i = 0; i < c->n_new; i++) {
		const struct cache_line *l = &c->new[i];

		fprintf(f, "%u %s %s %u %d %s\n", l->dir, l->name, l->identity, l->n_errors,
			l->match, l->value);
	}
	/* Whole or not at all: a reader sees the old file or the new one. */
	r = fchmod(fileno(f), 0644);
	if (fclose(f) != 0 || r < 0 || rename(tmp, c->path) < 0)
		unlink(tmp);
}

void policy_cache_close(struct policy_cache *c)
{
	if (!c)
		return;
	if (!c->failed && (c->dirty || c->n_new != c->n_old))
		cache_write(c);
	free(c->old);
	free(c->new);
	free(c->text);
	free(c);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding and reading policy files: the directories, their layering and masks, and each
 * file read whole. Nothing in a policy directory may block or crash vio: a FIFO, socket,
 * device node, directory, dangling link or link loop is refused with a message naming it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/util.h"

#include "core/conf.h"
#include "core/parse.h"
#include "core/policyfile.h"
#include "state/lock.h"

static const char *type_of(mode_t m)
{
	return S_ISDIR(m)    ? "a directory"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISSOCK(m) ? "a socket"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
			     : "not a regular file";
}

/* Root's policy decides what hardware does; nobody else may be able to change it. */
static int check_owner(const char *path, const struct stat *st, bool dir)
{
	const char *what = dir ? "policy directory " : "", *refuse = dir ? "its files" : "it";

	if (st->st_uid != 0 && st->st_uid != geteuid())
		return log_error_errno(EPERM, "%s: %sowned by uid %u, not root; refusing %s", path,
				       what, (unsigned)st->st_uid, refuse);
	if (st->st_mode & 0022)
		return log_error_errno(EPERM,
				       "%s: %swritable by group or others (mode %04o); refusing %s",
				       path, what, (unsigned)(st->st_mode & 07777), refuse);
	return 0;
}

/* Why open() of a policy path failed, in an operator's words. */
static int open_error(const char *path, int r)
{
	struct stat st;

	if (r == -ENOENT && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return log_error_errno(r, "%s: a dangling symbolic link; refusing it", path);
	if (r == -ELOOP)
		return log_error_errno(r, "%s: a symbolic link loop; refusing it", path);
	return log_error_errno(r, "%s: cannot open: %m", path);
}

int policy_file_read(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *buf = NULL;
	struct stat st, st2;
	size_t len = 0, skip = 0;
	int r;

	/* O_NONBLOCK: a FIFO would block open() until a writer comes. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return open_error(path, neg_errno());
	if (fstat(fd, &st) < 0)
		return log_error_errno(neg_errno(), "%s: cannot stat: %m", path);
	if (!S_ISREG(st.st_mode))
		return log_error_errno(EINVAL, "%s: %s, not a policy file; refusing it", path,
				       type_of(st.st_mode));
	r = check_owner(path, &st, false);
	if (r < 0)
		return r;
	if ((uint64_t)st.st_size > POLICY_FILE_MAX)
		return log_error_errno(
		    EFBIG, "%s: %llu bytes, more than the %u a policy file may have; refusing it",
		    path, (unsigned long long)st.st_size, POLICY_FILE_MAX);
	/* One byte more than the size: a file that grows while read shows it. And room for a
	 * final newline and the NUL. */
	buf = malloc(st.st_size + 3);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t k = read(fd, buf + len, st.st_size + 1 - len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return log_error_errno(neg_errno(), "%s: cannot read: %m", path);
		if (k == 0 || (len += k) > (size_t)st.st_size)
			break;
	}
	/* Read whole or not at all: a file rewritten meanwhile is read again at the next run. */
	if (len != (size_t)st.st_size || fstat(fd, &st2) < 0 || st2.st_size != st.st_size ||
	    st2.st_mtim.tv_sec != st.st_mtim.tv_sec || st2.st_mtim.tv_nsec != st.st_mtim.tv_nsec)
		return log_error_errno(
		    EAGAIN, "%s: changed while it was read (%zu of %llu bytes); refusing it", path,
		    len, (unsigned long long)st.st_size);
	/* Editors on other systems write a UTF-8 byte order mark: not part of the policy. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	/* A last line without its newline (a comment, say) is still a line. */
	if (len == 0 || buf[len - 1] != '\n')
		buf[len++] = '\n';
	buf[len] = '\0';
	memmove(buf, buf + skip, len + 1 - skip);
	*ret_len = len - skip;
	*ret = TAKE_PTR(buf);
	return 0;
}

int policy_file_text_check(const char *path, const char *buf, size_t len)
{
	unsigned groups = 0;
	long line = 1, bad = utf8_check(buf, len);
	bool bol = true, str = false, comment = false;

	if (bad < 0)
		return log_error_errno(EINVAL, "%s:%ld: not UTF-8 text (or contains a NUL byte)",
				       path, -bad);
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (bol) {
			size_t j = i;

			while (j < len && (buf[j] == ' ' || buf[j] == '\t'))
				j++;
			if (len - j >= 8 && strneq(buf + j, "@include", 8))
				return log_error_errno(
				    EINVAL, "%s:%ld: @include is not supported in policy files",
				    path, line);
			/* viod, which vio replaces, read INI files from this directory. */
			if ((len - j >= 4 && strneq(buf + j, "[pf]", 4)) ||
			    (len - j >= 4 && strneq(buf + j, "[vf", 3) && buf[j + 3] >= '0' &&
			     buf[j + 3] <= '9'))
				return log_error_errno(
				    EINVAL,
				    "%s:%ld: a viod (INI) policy: vio reads libconfig policy files; 'vio convert %s' prints this one converted, to put in its place (its PF is left as it is until then)",
				    path, line, path);
		}
		if (c == '\n') {
			comment = false; /* strings do not span lines in what vio accepts */
			str = false;
		} else if (comment) {
		} else if (str) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '"')
				str = false;
		} else if (c == '"') {
			str = true;
		} else if (c == '#' || (c == '/' && i + 1 < len && buf[i + 1] == '/')) {
			comment = true;
		} else if (c == '{' && ++groups > POLICY_GROUPS_MAX) {
			return log_error_errno(
			    E2BIG,
			    "%s:%ld: more than %u groups; a policy needs at most one section per VF (ranges: vf0-255)",
			    path, line, POLICY_GROUPS_MAX);
		}
		bol = c == '\n';
		line += bol;
	}
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct policy_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	/* For one name, the earlier directory first: the later one replaces it below. */
	return c ? c : (x->dir > y->dir) - (x->dir < y->dir);
}

void policy_file_entries_free(struct policy_entry *e, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(e[i].path);
	free(e);
}

/* Adds DIR's *.conf to e. -ENOENT (not logged) when the directory does not exist. */
static int collect_dir(const char *dir, unsigned index, struct policy_entry **e, unsigned *n,
		       size_t *alloc)
{
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	struct stat st;
	int r;

	size_t dl = strlen(dir);

	d = opendir(dir);
	if (!d) {
		r = neg_errno();
		if (r == -ENOENT)
			return r;
		if (r == -ENOTDIR)
			return log_error_errno(r, "%s: not a directory", dir);
		if (r == -ELOOP)
			return log_error_errno(r, "%s: a symbolic link loop", dir);
		return log_error_errno(r, "%s: cannot read the policy directory: %m", dir);
	}
	if (fstat(dirfd(d), &st) < 0)
		return log_error_errno(neg_errno(), "%s: cannot stat: %m", dir);
	r = check_owner(dir, &st, true);
	if (r < 0)
		return r;
	for (errno = 0; (de = readdir(d)); errno = 0) {
		size_t len = strlen(de->d_name);
		struct policy_entry *x;

		if (de->d_name[0] == '.' || len < 6 || !streq(de->d_name + len - 5, ".conf"))
			continue;
		if (*n == *alloc) {
			size_t m = *alloc ? *alloc * 2 : 16;
			struct policy_entry *t = reallocarray(*e, m, sizeof(**e));

			if (!t)
				return -ENOMEM;
			*e = t;
			*alloc = m;
		}
		x = &(*e)[*n];
		*x = (struct policy_entry){ .dir = index,
					    .link =
						de->d_type == DT_LNK || de->d_type == DT_UNKNOWN };
		/* DIR/NAME, and NAME points into it: one allocation per file. */
		x->path = malloc(dl + 1 + len + 1);
		if (!x->path)
			return -ENOMEM;
		memcpy(x->path, dir, dl);
		x->path[dl] = '/';
		memcpy(x->path + dl + 1, de->d_name, len + 1);
		x->name = x->path + dl + 1;
		(*n)++;
	}
	if (errno != 0)
		return log_error_errno(neg_errno(), "%s: cannot read the policy directory: %m",
				       dir);
	return 0;
}

int policy_file_dirs(const char *const *dirs, bool given, struct policy_entry **ret,
		     unsigned *ret_n)
{
	struct policy_entry *e = NULL;
	unsigned n = 0, k = 0;
	size_t alloc = 0;
	int r;

	for (unsigned d = 0; dirs[d]; d++) {
		r = collect_dir(dirs[d], d, &e, &n, &alloc);
		if (r == -ENOENT && given)
			r = log_error_errno(ENOTDIR, "%s: no such policy directory", dirs[d]);
		if (r < 0 && r != -ENOENT) {
			policy_file_entries_free(e, n);
			return r;
		}
	}
	/* Sorted once; of several files with one name, the last directory's wins. */
	if (n > 0)
		qsort(e, n, sizeof(*e), entry_cmp);
	for (unsigned i = 0; i < n; i++) {
		struct stat st;

		if (i + 1 < n && streq(e[i].name, e[i + 1].name)) {
			free(e[i].path);
			continue;
		}
		e[k] = e[i];
		/* A link to /dev/null masks a file of the same name, as in systemd. */
		e[k].masked = e[k].link && stat(e[k].path, &st) == 0 && S_ISCHR(st.st_mode) &&
			      st.st_rdev == makedev(1, 3);
		k++;
	}
	*ret = e;
	*ret_n = k;
	return 0;
}

struct policy *policy_file_new(const char *path)
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

static int parse_root(const struct conf_node *root, void *userdata)
{
	struct policy *p = userdata;

	if (conf_length(root) == 0) {
		log_error("%s:1: empty policy: needs a 'pf' section", p->path);
		p->broken = true;
		return 0;
	}
	return parse_policy(p, root);
}

struct policy *policy_file_parse(const char *path, const char *buf, size_t len)
{
	_cleanup_(policy_freep) struct policy *p = policy_file_new(path);
	int r;

	if (!p)
		return NULL;
	if (policy_file_text_check(path, buf, len) < 0) {
		p->broken = true;
		return TAKE_PTR(p);
	}
	r = conf_read(path, buf, len, parse_root, p);
	if (r == -EBADMSG) {
		p->broken = true;
		return TAKE_PTR(p);
	}
	return r < 0 ? NULL : TAKE_PTR(p);
}

int policy_file_load(const char *path, struct policy **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	r = policy_file_read(path, &buf, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		/* Refused (said): which PF it is for is unknown, so it may be this one's. */
		*ret = policy_file_new(path);
		if (*ret)
			(*ret)->broken = true;
		return *ret ? 0 : -ENOMEM;
	}
	*ret = policy_file_parse(path, buf, len);
	return *ret ? 0 : -ENOMEM;
}

int policy_file_unstub(struct policy *p)
{
	struct policy *full = NULL;
	bool in_block = p->in_block; /* where it lives does not change */

	if (!p->stub)
		return 0;
	if (policy_file_load(p->path, &full) < 0)
		return -ENOMEM;

	free(p->path);
	free(p->sections);
	*p = *full;
	p->in_block = in_block;
	free(full);
	return 0;
}

struct policy *policy_file_parse_path(const char *path)
{
	struct policy *p = NULL;

	return policy_file_load(path, &p) < 0 ? NULL : p;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <sys/stat.h>

#include "core/policy.h"

/* One *.conf of the policy directories, after layering. */
struct policy_entry {
	char *path;
	char *name;   /* its basename: points into path */
	unsigned dir; /* index in the list of directories */
	bool link;    /* a symbolic link (or readdir could not say) */
	bool masked;  /* a link to /dev/null */
};

/*
 * The *.conf files of dirs, sorted by name; a later directory's file replaces an earlier one
 * of the same name. A directory that does not exist is skipped, unless given (-P): then it
 * is an error, as are a directory that cannot be read and one that is not root's or is
 * writable by others. Errors are logged, naming the directory.
 */
int policy_file_dirs(const char *const *dirs, bool given, struct policy_entry **ret,
		     unsigned *ret_n);
void policy_file_entries_free(struct policy_entry *e, unsigned n);

/*
 * A policy file, read whole into a NUL-terminated buffer that ends in a newline, a UTF-8
 * byte order mark dropped. Refuses (logged, naming the file) what is not a regular file,
 * not root's or writable by others, too large, or changed while read.
 */
int policy_file_read(const char *path, char **ret, size_t *ret_len);

/* Reads and parses a policy file; a file that is refused comes back broken (it may be for
 * any PF). Negative only for -ENOMEM. */
/* An empty policy for path: no match, nothing set (broken files are marked so by callers). */
struct policy *policy_file_new(const char *path);
/* One file's text. Logs each problem as "file:line: message". Returns NULL only on OOM. */
struct policy *policy_file_parse(const char *path, const char *buf, size_t len);
/* The same, read from path. */
struct policy *policy_file_parse_path(const char *path);
int policy_file_load(const char *path, struct policy **ret);
/* A policy known only from the cache (p->stub): read and parsed now, in place. */
int policy_file_unstub(struct policy *p);

/* A policy file may have at most this many groups ({ }): one per VF and then some. */
#define POLICY_GROUPS_MAX 4096

/*
 * What libconfig is not asked to judge: UTF-8 text without NUL, no @include, and at most
 * POLICY_GROUPS_MAX groups (libconfig checks each new one against all before it: tens of
 * thousands take seconds, on every event). Logs "file:line: message"; -EINVAL when refused.
 */
int policy_file_text_check(const char *path, const char *buf, size_t len);

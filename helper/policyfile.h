/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/* One *.conf of the policy directories, after layering. */
struct policy_entry {
	char *name; /* basename */
	char *path;
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
int policy_dirs_collect(const char *const *dirs, bool given, struct policy_entry **ret,
			unsigned *ret_n);
void policy_entries_free(struct policy_entry *e, unsigned n);

/*
 * A policy file, read whole into a NUL-terminated buffer that ends in a newline, a UTF-8
 * byte order mark dropped. Refuses (logged, naming the file) what is not a regular file,
 * not root's or writable by others, too large, or changed while read.
 */
int policy_file_read(const char *path, char **ret, size_t *ret_len);

/*
 * Reads and parses a policy file. A file that is refused comes back broken (it may be for any
 * PF). With a filter, *ret is NULL for a file whose text cannot be for the filter's PF: not
 * parsed. Negative only for -ENOMEM.
 */
int policy_file_load(const char *path, const struct policy_filter *filter, struct policy **ret);

/* Can this text be a policy for the filter's PF? (See struct policy_filter.) */
bool policy_text_may_match(const char *buf, const struct policy_filter *f);

/* A policy file may have at most this many groups ({ }): one per VF and then some. */
#define POLICY_GROUPS_MAX 4096

/*
 * What libconfig is not asked to judge: UTF-8 text without NUL, no @include, and at most
 * POLICY_GROUPS_MAX groups (libconfig checks each new one against all before it: tens of
 * thousands take seconds, on every event). Logs "file:line: message"; -EINVAL when refused.
 */
int policy_text_check(const char *path, const char *buf, size_t len);
